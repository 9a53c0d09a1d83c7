"""Scrape jobs routed through PushProx (Rancher monitoring's etcd, controller-manager, scheduler and kube-proxy jobs).

A job with `proxy_url` (a monitor's `proxyUrl`) naming a PushProx proxy does not reach its target itself: the proxy
hands each scrape to the `pushprox-client` that polls it from the target's node, and the CLIENT makes the request
(rancher/PushProx cmd/client/main.go doScrape):
- `--use-localhost` rewrites the host to `localhost:<port>`; Rancher runs the client in the host network of the
  control-plane nodes, so a component bound to 127.0.0.1 is reached there (KS305 does not apply);
- `?_scheme=https` in the scrape URL (the monitor's `params: {_scheme: [https]}`) switches the request to https —
  the proxy only ever sees plain HTTP, so the job itself must say http;
- `--token-path FILE` sets `Authorization: Bearer <FILE>` and forces https: the component authenticates the
  client's ServiceAccount, so the grant it checks must be on that account, not on Prometheus's
  (rancher/charts rancher-pushprox pushprox-clients.yaml binds `get /metrics` to the client's account).
Without `--token-path` the request keeps Prometheus's own headers, its token if any (the proxy hands the client the
whole request: cmd/proxy/main.go handlePoll `request.WriteProxy`).
A PushProx proxy whose client the inputs do not show leaves all of that unknown: the target-side rules stay
silent rather than judge the request from Prometheus's position.
"""

from __future__ import annotations


from .model import PodTemplate, Workspace, service_dns_name
from .promconfig import ScrapeJob, split_url
from .rbac import Identity
from .records import dataclass
from .yamltree import Span, as_map, as_seq, as_str

CLIENT_FLAG = "--proxy-url"
TOKEN_FLAG = "--token-path"


@dataclass(eq=False)
class Route:
    """How a proxied job's scrapes reach their targets through PushProx."""

    proxy: str  # the job's proxy_url
    span: Span  # where the job names it
    client: PodTemplate | None = None  # the pushprox-client workload polling that proxy; None: not in the inputs
    use_localhost: bool = False
    token_path: str = ""  # the client's --token-path: it sends its own ServiceAccount's token
    https: bool = False  # the client makes the request over https (?_scheme=https, or --token-path)

    @property
    def client_identity(self) -> Identity | None:
        if self.client is None or not self.token_path:
            return None
        return Identity(self.client.obj.namespace, self.client.service_account)

    @property
    def client_name(self) -> str:
        if self.client is None:
            return "the PushProx client (not in the inputs)"
        return f"PushProx client {self.client.obj.kind} {self.client.obj.namespace}/{self.client.obj.name}"


def _proxy_service(url: str, namespace: str) -> tuple[str, str] | None:
    """(namespace, Service name) of a proxy URL's host, a bare name resolved in `namespace`."""
    parts = split_url(url if "://" in url else "http://" + url)
    return service_dns_name((parts.hostname if parts is not None else None) or "", namespace)


def _is_client(pod: PodTemplate) -> list:
    return [c for c in pod.app_containers
            if "pushprox" in (c.image + " ".join(c.command)).lower() and c.flag_values(CLIENT_FLAG)]


def _clients(workspace: Workspace) -> dict[tuple[str, str], list[tuple[PodTemplate, object]]]:
    """The pushprox-client containers of the inputs by the proxy Service they poll. Built once per workspace."""
    def build() -> dict[tuple[str, str], list[tuple[PodTemplate, object]]]:
        index: dict[tuple[str, str], list[tuple[PodTemplate, object]]] = {}
        for pod in workspace.workloads:
            for container in _is_client(pod):
                for url in container.flag_values(CLIENT_FLAG):
                    key = _proxy_service(url, pod.obj.namespace)
                    if key is not None:
                        index.setdefault(key, []).append((pod, container))
        return index
    return workspace.index("pushprox-clients", build)


def route(job: ScrapeJob, workspace: Workspace) -> Route | None:
    """The PushProx route of a job with proxy_url, or None when the proxy is an ordinary HTTP proxy (it forwards
    Prometheus's own request, so the job is judged as a direct scrape)."""
    url = as_str(job.node.get("proxy_url"))
    if not url:
        return None
    span = job.key_span("proxy_url")
    scheme_param = [as_str(v).lower() for v in as_seq(as_map(job.node.get("params")).get("_scheme"))]
    own_namespace = job.monitor.namespace if job.monitor is not None else (
        job.config.holder.namespace if job.config.holder is not None else "")
    key = _proxy_service(url, own_namespace)
    clients = _clients(workspace).get(key, []) if key is not None else []
    if not clients:
        # No client polls it in the inputs: a PushProx proxy by its name (Rancher's pushprox-<component>-proxy),
        # whose client decides the request; any other proxy forwards Prometheus's request as it is.
        return Route(url, span, https="https" in scheme_param) if "pushprox" in url.lower() else None
    pod, container = clients[0]
    token = next(iter(container.flag_values(TOKEN_FLAG)), "")
    return Route(url, span, client=pod, use_localhost="--use-localhost" in container.command + container.args,
                 token_path=token, https=bool(token) or "https" in scheme_param)
