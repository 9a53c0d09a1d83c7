"""kubelint-scrape: check Prometheus scrape configs against Kubernetes RBAC, offline."""

__version__ = "0.1.0"
