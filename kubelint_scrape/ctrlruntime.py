"""controller-runtime secure metrics servers: operators scaffolded by kubebuilder ≥ 4.1.

Such a manager serves its metrics with `metricsserver.Options{SecureServing: true, FilterProvider:
filters.WithAuthenticationAndAuthorization}` (sigs.k8s.io/controller-runtime pkg/metrics/filters/filters.go): every
request's bearer token is authenticated with a TokenReview — `Anonymous: false`, so no token is 401 — and then
authorized with a SubjectAccessReview of `<lowercased method> <request path>` as a non-resource URL, with no path
let through unreviewed. A scrape of `/metrics` therefore needs `get` on the nonResourceURL `/metrics`, which the
scaffold's `*-metrics-reader` ClusterRole grants and nothing binds (kubebuilder testdata/project-v4
config/rbac/metrics_reader_role.yaml; the user binds it to the scraper).

Recognised, without a false positive on the older layouts, when a container (not kube-rbac-proxy) has all of:
- `--metrics-bind-address` (or `-metrics-bind-address`: Go's flag package takes one dash or two; the last occurrence
  wins) on a port with a host that is not loopback: `:8443`, `0.0.0.0:8443`. The v3 scaffold binds
  `127.0.0.1:8080` behind a kube-rbac-proxy sidecar (that proxy is what scrapers reach); `0` disables the server,
  which is also the v4 main.go default when the flag is absent;
- `--metrics-secure` not false (a Go bool flag: alone it is true, `=false`/`=0`/`=f` false; the v4 default is true);
- `--metrics-require-rbac` not written false: the operator-sdk Helm and Ansible operators
  (operator-framework/helm-operator-plugins pkg/internal/flags, ansible-operator-plugins) serve metrics over HTTPS
  with `--metrics-secure` and add the filter only with `--metrics-require-rbac` (default false there; operator-sdk's
  scaffold writes it), and Go managers that copy the flag read it the same way. Written false, every scrape is let
  through unreviewed; absent, the Go scaffold's filter is taken to be on (its main.go has no such flag);
- a ServiceAccount holding cluster-wide `create` on `authentication.k8s.io/tokenreviews` and
  `authorization.k8s.io/subjectaccessreviews` in the inputs (the scaffold's metrics_auth_role and its binding).
  That is what tells the delegating server from a plain `--metrics-bind-address=:8080` of an operator that
  serves metrics over HTTP to anyone (kubebuilder v3, or v4 with the filter removed): without those grants the
  filter could not review any request, so an operator shipping it grants them. Only a rule that names a review
  resource counts (the scaffold's metrics_auth_role, system:auth-delegator): a wildcard role (cluster-admin, an
  operator granted `*`) says nothing about its metrics server. One of the two named is enough: that role was
  written for the filter, and the review it lacks fails every scrape (KS112; `missing_reviews`).

`--metrics-secure` left unwritten is true only in kubebuilder v4's main.go: v3's has no such flag and serves
plain HTTP. A job that scrapes such a server over plain HTTP is taken to know better (targets.extension_endpoint
leaves it a workload): only a written `--metrics-secure` makes that a 400 from the TLS server.
"""

from __future__ import annotations

from typing import Iterator

from .model import GO_FALSE, Container, PodTemplate, Workspace, go_flag
from .promconfig import is_loopback_host

BIND_FLAG = "metrics-bind-address"
SECURE_FLAG = "metrics-secure"
REQUIRE_RBAC_FLAG = "metrics-require-rbac"
# The EXTAPI_LABEL value of such a server begins so (targets.extension_endpoint tells the class by it).
WHAT = "controller-runtime metrics server of "
REVIEW_GRANTS = (("authentication.k8s.io", "tokenreviews"), ("authorization.k8s.io", "subjectaccessreviews"))
# Set ("true") beside the extension API server marks of such a server whose --metrics-secure is not written.
IMPLICIT_LABEL = "__kubelint_controller_runtime_implicit"
# kubebuilder ≥ 4.3's main.go: a non-empty --metrics-cert-path makes the server load that directory's certificate
# (certwatcher) instead of self-signing one; config/default/cert_metrics_manager_patch.yaml mounts cert-manager's
# Secret `metrics-server-cert` there and config/prometheus/monitor_tls_patch.yaml verifies it with that Secret's
# ca.crt and serverName `<service>.<namespace>.svc`. Set beside the marks to "/" and the Secret mounted at the path
# (the "/" alone when none is: a label with an empty value is no label): a fix must then verify the certificate, not
# skip verification of a "self-signed" one.
CERT_PATH_FLAG = "metrics-cert-path"
CERT_LABEL = "__kubelint_controller_runtime_cert"


def bind_port(container: Container) -> int | None:
    """The port the container's secure metrics server listens on beyond its own pod, or None (see module doc)."""
    words = container.command + container.args
    address = go_flag(words, BIND_FLAG)
    if address is None or ":" not in address:
        return None  # absent or "0": the metrics server is off
    host, _, port = address.rpartition(":")
    # the one loopback test KS305 uses (127.0.0.0/8 too): a server it calls loopback-only is no reachable server
    if is_loopback_host(host.strip("[]")) or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    if (go_flag(words, SECURE_FLAG, boolean=True) in GO_FALSE
            or go_flag(words, REQUIRE_RBAC_FLAG, boolean=True) in GO_FALSE):
        return None  # plain HTTP, or HTTPS that reviews nothing
    return int(port)


def servers(workspace: Workspace) -> Iterator[tuple[PodTemplate, Container, int]]:
    """(pod, container, port) of each controller-runtime secure metrics server of the inputs."""
    from .authproxy import is_rbac_proxy  # authproxy imports extapi, which imports this module
    from .rbac import Authorizer, Identity, Request

    authorizer = None
    for pod in workspace.workloads:
        for container in pod.app_containers:
            port = bind_port(container)
            if port is None or is_rbac_proxy(container):
                continue
            authorizer = authorizer or Authorizer(workspace)
            identity = Identity(pod.obj.namespace, pod.service_account)
            if any(_named_grant(authorizer.authorize(identity, Request("create", group, resource)), resource)
                   for group, resource in REVIEW_GRANTS):
                yield pod, container, port


def _named_grant(decision, resource: str) -> bool:
    return decision.allowed and any(resource in grant.rule.resources for grant in decision.grants)


def by_server(workspace: Workspace) -> dict[str, tuple[PodTemplate, Container]]:
    """{describe(pod): (pod, container)} of the servers, built once: what a job's Endpoint.server names."""
    return workspace.index("controller-runtime-servers",
                           lambda: {describe(pod): (pod, container) for pod, container, _port in servers(workspace)})


def secure_written(container: Container) -> bool:
    return go_flag(container.command + container.args, SECURE_FLAG, boolean=True) is not None


def cert_secret(pod: PodTemplate, container: Container) -> str | None:
    """The Secret mounted at the server's --metrics-cert-path ("" when no Secret volume is), or None when it is given
    no certificate (the flag absent or empty) and self-signs one."""
    path = go_flag(container.command + container.args, CERT_PATH_FLAG)
    if not path:
        return None
    volumes = {str(v.get("name")): v for v in pod.volumes}
    for mount in container.mounts:
        if str(mount.get("mountPath", "")).rstrip("/") == path.rstrip("/"):
            secret = volumes.get(str(mount.get("name")), {}).get("secret")
            if hasattr(secret, "get") and isinstance(secret.get("secretName"), str):
                return secret.get("secretName")
    return ""


def describe(pod: PodTemplate) -> str:
    return f"{WHAT}{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
