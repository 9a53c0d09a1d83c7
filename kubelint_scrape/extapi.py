"""Extension (aggregated) API servers the inputs deploy, whose `/metrics` the API server's RBAC guards.

An aggregated API server — metrics-server, prometheus-adapter, any server an `APIService` points at — is built on
k8s.io/apiserver and serves `/metrics` on its one secure port behind the same delegating machinery as
kube-controller-manager and kube-scheduler (FACTS §7): it authenticates a bearer token with a TokenReview
(anonymous allowed) and authorizes the request with a SubjectAccessReview. The paths it lets through without
asking are `--authorization-always-allow-paths`, whose default is `/healthz`, `/readyz`, `/livez`
(k8s.io/apiserver pkg/server/options/authorization.go NewDelegatingAuthorizationOptions; metrics-server
cmd/metrics-server/app/options/options.go and custom-metrics-apiserver pkg/cmd/options/options.go, which
prometheus-adapter's cmd/adapter builds on, keep it). So a scrape of `/metrics` needs nonResourceURL `get /metrics`.

Recognised, on the container port that serves it:
- the port an `APIService`'s `spec.service` (namespace, name, port — 443 when unset) reaches through its Service;
- any port of a container whose image is one of KNOWN_IMAGES (by its repository name, see known_image).
A server whose own code adds `/metrics` to the allowed paths is told apart by its image (METRICS_ALLOWED_IN_CODE:
Antrea); `--authorization-always-allow-paths` covering the path lifts the need too.
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

from . import ctrlruntime
from .model import Container, PodTemplate, Workspace, service_dns_name
from .yamltree import as_map, as_seq, as_str, get_path

# Images of aggregated API servers whose /metrics is behind the delegating authorizer (see the module doc).
KNOWN_IMAGES = ("metrics-server", "prometheus-adapter")
# Architecture suffixes of older single-arch images (k8s.gcr.io/metrics-server-amd64, directxman12/
# k8s-prometheus-adapter-amd64).
ARCH_SUFFIXES = ("-amd64", "-arm64", "-arm", "-ppc64le", "-s390x")
# Images of aggregated API servers that add /metrics to the always-allowed paths in code: Antrea's
# (pkg/apiserver: `authorization.WithAlwaysAllowPaths("/metrics")` when its Prometheus metrics are enabled, the
# default), so scraping it needs no URL grant.
METRICS_ALLOWED_IN_CODE = ("antrea",)
# k8s.io/apiserver NewDelegatingAuthorizationOptions: what a server allows without review unless the flag is set.
DEFAULT_ALWAYS_ALLOW = ("/healthz", "/readyz", "/livez")
ALLOW_FLAG = "--authorization-always-allow-paths"
APISERVICE_GROUP = "apiregistration.k8s.io/"


# A function of the image text alone, asked of every container of the workspace at each lint (the language server's
# re-lint too): remembered by that text, which cannot go stale; bounded, as a session may see many images.
@functools.lru_cache(maxsize=4096)
def known_image(image: str) -> str:
    """Which of KNOWN_IMAGES the image runs, judged by its repository's last path segment (no registry, tag or
    digest, nor an architecture suffix): the name itself or a vendor's prefixed copy of it
    (`rancher/mirrored-metrics-server`, `rancher/hardened-k8s-metrics-server`, `k8s-prometheus-adapter`). A
    substring anywhere would take a plain-HTTP exporter named after what it reads (olxbr/metrics-server-exporter
    serves /metrics on :8000 without TLS or authorization) or a registry host for the server."""
    name = _repository_name(image)
    name = next((name[: -len(suffix)] for suffix in ARCH_SUFFIXES if name.endswith(suffix)), name)
    return next((known for known in KNOWN_IMAGES if name == known or name.endswith("-" + known)), "")


def _repository_name(image: str) -> str:
    """The last path segment of an image's repository, without registry, tag or digest: `antrea-controller-ubuntu`."""
    return image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0].lower()


def always_allowed(allowed: tuple[str, ...], path: str) -> bool:
    """k8s.io/apiserver pkg/authorization/path NewAuthorizer: a leading `/` is optional on both sides; a pattern
    ending in `*` matches by prefix, any other exactly."""
    wanted = path.split("?", 1)[0].lstrip("/")
    for pattern in allowed:
        pattern = pattern.lstrip("/")
        if pattern.endswith("*") and wanted.startswith(pattern[:-1]) or pattern == wanted:
            return True
    return False


def allowed_paths(container: Container) -> tuple[str, ...]:
    """The container's always-allow paths: a StringSlice flag, whose first occurrence replaces the default and
    later ones append (pflag stringSliceValue.Set); servers whose own code allows /metrics keep that too."""
    values = container.flag_values(ALLOW_FLAG)
    repository = _repository_name(container.image)
    own = ("/metrics",) if any(repository == name or repository.startswith(name + "-")
                               for name in METRICS_ALLOWED_IN_CODE) else ()
    if not values:
        return DEFAULT_ALWAYS_ALLOW + own
    return tuple(p.strip() for value in values for p in value.split(",") if p.strip()) + own


def _apiservice_ports(workspace: Workspace) -> dict[tuple[str, str], dict[int, str]]:
    """(namespace, Service name) → {Service port: APIService name} of every APIService that names a Service."""
    found: dict[tuple[str, str], dict[int, str]] = {}
    for obj in workspace.kind("APIService"):
        if not obj.api_version.startswith(APISERVICE_GROUP):
            continue
        service = as_map(get_path(obj.doc, "spec", "service"))
        name, namespace = as_str(service.get("name")), as_str(service.get("namespace"))
        port = service.get("port", 443)  # apiregistration v1 defaults spec.service.port to 443
        if name and namespace and isinstance(port, int):
            found.setdefault((namespace, name), {})[port] = obj.name
    return found


def _build(workspace: Workspace) -> dict[tuple[int, str, int], tuple[str, tuple[str, ...]]]:
    """(id of the pod template, container name, container port) → (what the server is, its always-allow paths)."""
    servers: dict[tuple[int, str, int], tuple[str, tuple[str, ...]]] = {}
    for pod in workspace.workloads:
        for container in pod.containers:
            image = known_image(container.image)
            if image:
                for entry in as_seq(container.node.get("ports")):
                    number = as_map(entry).get("containerPort")
                    if isinstance(number, int):
                        servers[(id(pod), container.name, number)] = (image, allowed_paths(container))
    by_service = _apiservice_ports(workspace)
    for service in workspace.kind("Service"):
        ports = by_service.get((service.namespace, service.name))
        if not ports or service.api_version != "v1":
            continue
        for port in as_seq(get_path(service.doc, "spec", "ports")):
            port = as_map(port)
            apiservice = ports.get(port.get("port"))
            if apiservice is None:
                continue
            for pod in workspace.workloads:
                if not pod.selected_by(service):
                    continue
                served = pod.port_serving(port.get("targetPort", port.get("port")))
                if served is not None:
                    container, number = served
                    servers[(id(pod), container.name, number)] = (f"APIService {apiservice}", allowed_paths(container))
    # controller-runtime secure metrics servers review every path the same way, anonymous refused (ctrlruntime.py):
    # marked here so every way a job reaches a port (monitors, discovery, Service DNS names) finds them.
    for pod, container, number in ctrlruntime.servers(workspace):
        servers.setdefault((id(pod), container.name, number), (ctrlruntime.describe(pod), ()))
    return servers


def _servers(workspace: Workspace) -> dict[tuple[int, str, int], tuple[str, tuple[str, ...]]]:
    return workspace.index("extension-apiservers", lambda: _build(workspace))


def server_labels(workspace: Workspace, pod: PodTemplate, container: Container, port: Any) -> dict[str, str]:
    """The labels that mark a target on `container`'s `port` as an extension API server's (targets.classify reads
    them): what it is, the port they hold for (targets.EXTAPI_PORT_LABEL), and the paths it allows without review
    when they are not the default."""
    found = _servers(workspace).get((id(pod), container.name, port)) if isinstance(port, int) else None
    if found is None:
        return {}
    what, allowed = found
    from .targets import EXTAPI_ALLOW_LABEL, EXTAPI_LABEL, EXTAPI_PORT_LABEL  # imported by this module's users first
    # (a controller-runtime server allows no path unreviewed: its class, told by `what`, says so)
    controller = what.startswith(ctrlruntime.WHAT)
    shown = allowed != DEFAULT_ALWAYS_ALLOW and not controller
    implicit = controller and not ctrlruntime.secure_written(container)
    cert = ctrlruntime.cert_secret(pod, container) if controller else None
    return {EXTAPI_LABEL: what, EXTAPI_PORT_LABEL: str(port), **({EXTAPI_ALLOW_LABEL: ",".join(allowed)} if shown else {}),
            **({ctrlruntime.IMPLICIT_LABEL: "true"} if implicit else {}),
            **({ctrlruntime.CERT_LABEL: "/" + cert} if cert is not None else {})}  # (never empty: see CERT_LABEL)


def reads_pod_token(workspace: Workspace, pod: PodTemplate) -> bool:
    """Whether the pod template runs an extension API server, which calls the API server with the pod's token: its
    delegating authenticator and authorizer (TokenReview, SubjectAccessReview) use the in-cluster config unless
    --authentication-kubeconfig/--authorization-kubeconfig are given ("Most addon API servers will use this path",
    k8s.io/apiserver pkg/server/options/authentication.go getClient), and so do its own clients (metrics-server's
    --kubeconfig, prometheus-adapter's --lister-kubeconfig). A server given every one of those kubeconfigs would
    not need the token; which flags a server has is its own, so any server counts as reading it."""
    return any(pod_id == id(pod) for (pod_id, _name, _port) in _servers(workspace))


def undeclared_server(workspace: Workspace, pod: PodTemplate, port: Any) -> Container | None:
    """The container of `pod` whose server listens on `port` without declaring it in `ports` — kubebuilder's
    manager takes `--metrics-bind-address=:8443` from a patch and declares no container port, while its Service's
    numeric targetPort still reaches it — or None."""
    if not isinstance(port, int) or isinstance(port, bool):
        return None
    name = _by_pod(workspace)[0].get((id(pod), port))
    return next((c for c in pod.app_containers if c.name == name), None) if name is not None else None


def serves(workspace: Workspace, pod: PodTemplate, container: Container) -> bool:
    """Whether the container serves an extension API server (or controller-runtime metrics) port, declared or not."""
    return (id(pod), container.name) in _by_pod(workspace)[1]


def _by_pod(workspace: Workspace) -> tuple[dict[tuple[int, int], str], set[tuple[int, str]]]:
    """({(id of the pod template, port): container name}, {(id of the pod template, container name)}) of the
    servers, built once: asked per discovered target, a scan of every server would be pods × servers."""
    def build() -> tuple[dict[tuple[int, int], str], set[tuple[int, str]]]:
        keys = _servers(workspace)
        return {(pod_id, number): name for (pod_id, name, number) in keys}, {(pod_id, name) for (pod_id, name, _n) in keys}
    return workspace.index("extension-apiservers-by-pod", build)


def has_servers(workspace: Workspace) -> bool:
    return bool(_servers(workspace))


def service_dns_labels(workspace: Workspace, host: str, port: int) -> dict[str, str]:
    """The marks of the server a static target reaches through a Service's DNS name (`name.namespace`,
    `name.namespace.svc`, `name.namespace.svc.cluster.local`) and port; {} for any other address."""
    for pod, container, number in service_dns_containers(workspace, host, port):
        labels = server_labels(workspace, pod, container, number)
        if labels:
            return labels
    return {}


def service_dns_containers(workspace: Workspace, host: str, port: int) -> Iterator[tuple[PodTemplate, Container, int]]:
    """(pod, container, container port) the inputs declare behind a Service DNS name (`name.namespace`,
    `name.namespace.svc`, `name.namespace.svc.cluster.local`) and Service port: what a static target reaches."""
    named = service_dns_name(host)
    if named is None:
        return
    service = workspace.find("Service", *named)
    if service is None or service.api_version != "v1":
        return
    for entry in as_seq(get_path(service.doc, "spec", "ports")):
        entry = as_map(entry)
        if entry.get("port") != port:
            continue
        for pod in workspace.workloads:
            if pod.selected_by(service):
                target = entry.get("targetPort", port)
                served = pod.port_serving(target)
                if served is not None:
                    yield pod, served[0], served[1]
                elif (server := undeclared_server(workspace, pod, target)) is not None:
                    yield pod, server, target  # a numeric targetPort no container declares (undeclared_server)
