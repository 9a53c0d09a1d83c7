"""kube-rbac-proxy sidecars the inputs declare, and the targets discovery finds on them.

kube-rbac-proxy (brancz/kube-rbac-proxy) sits in front of an exporter (kube-prometheus' node-exporter,
kube-state-metrics, many operators' metrics ports): it authenticates each client's bearer token with a TokenReview
and asks the API server with a SubjectAccessReview whether the client may `get` the request's path.

The representative cluster (targets.py) knows none of the user's workloads, so a plain job that keeps
node-exporter's `https` port by Service name, namespace and port name keeps nothing there. Here the pods of the
inputs that run kube-rbac-proxy — only those: an ordinary application is what the representative cluster already
stands for, and taking every pod of the inputs for an authenticated target would be wrong — and the Services in
front of them are discovered as Prometheus would discover them (prometheus discovery/kubernetes/pod.go,
endpoints.go, endpointslice.go set `__meta_kubernetes_pod_container_image` from the container whose port the
target is), and each job's own relabelling decides whether it keeps them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .gopath import go_path_match
from .model import Container, K8sObject, LabelSelector, PodTemplate, Workspace
from .records import dataclass
from .targets import Endpoint, Target, _pod_labels, _service_endpoint_targets, _target
from .yamltree import Span, as_map, as_seq, as_str, get_path

if TYPE_CHECKING:  # analyse.py imports this module
    from .analyse import JobAnalysis
    from .rbac import Identity

RBAC_PROXY_IMAGE = "kube-rbac-proxy"
# Roles whose targets are pods' ports (the service and ingress roles address a Service or a host, not a container).
POD_ROLES = ("pod", "endpoints", "endpointslice")


def is_rbac_proxy(container: Container) -> bool:
    return RBAC_PROXY_IMAGE in container.image


def _split_paths(container: Container, flag: str) -> list[str]:
    return [p for value in container.flag_values(flag) for p in value.split(",") if p]


def authenticates_path(container: Container, path: str) -> bool:
    """Whether kube-rbac-proxy authenticates and authorizes a request for `path` at all (cmd/kube-rbac-proxy
    app: the --allow-paths and --ignore-paths filters run before authentication):
    - `--ignore-paths` patterns pass without authentication or authorization;
    - with `--allow-paths`, every other path is refused (404, or 403 in newer versions) before any review."""
    if any(go_path_match(pattern, path) for pattern in _split_paths(container, "--ignore-paths")):
        return False
    allow = _split_paths(container, "--allow-paths")
    return not allow or any(go_path_match(pattern, path) for pattern in allow)


def checks_path(container: Container, path: str) -> bool:
    """Whether kube-rbac-proxy asks the API server if the caller may `get` `path` as a non-resource URL
    (brancz/kube-rbac-proxy pkg/proxy/proxy.go GetRequestAttributes, without resource attributes):
    - `--config-file` may set resourceAttributes, which replace the path with a resource request: unread here;
    - `--ignore-paths` patterns pass without authorization;
    - `--allow-paths` patterns are still authorized (pkg/authorization/path/path.go: a match is NoOpinion, left
      to the SubjectAccessReview); every other path is refused whatever RBAC grants (404, or 403 in newer
      versions), which no grant fixes."""
    return not container.flag_values("--config-file") and authenticates_path(container, path)


# ---------------------------------------------------------------------------------------------- declared targets


@dataclass(frozen=True)
class Server:
    """The kube-rbac-proxy container of a workload in the inputs that serves a discovered target."""

    pod: PodTemplate
    container: Container


@dataclass(eq=False)
class DeclaredTargets:
    """Per SD role, (target, index of its Server or -1 for another container's port) of the pods that run
    kube-rbac-proxy and of the Services that select them; `key` fingerprints them by content (the simulation is
    memoised on the job, which outlives a workspace in the language server)."""

    by_role: dict[str, list[tuple[Target, int]]]
    servers: list[Server]
    key: str

    def for_role(self, role: str, namespaces: list[str] | None) -> list[tuple[dict[str, str], int]]:
        return [(target.as_dict(), server) for target, server in self.by_role.get(role, ())
                if namespaces is None or target.namespace in namespaces]


EMPTY = DeclaredTargets({}, [], "")


def declared_targets(workspace: Workspace) -> DeclaredTargets:
    """Built once per workspace."""
    return workspace.index("rbac-proxy-targets", lambda: _build(workspace))


def _build(workspace: Workspace) -> DeclaredTargets:
    proxied = [pod for pod in workspace.workloads if any(is_rbac_proxy(c) for c in _app_containers(pod))]
    if not proxied:
        return EMPTY
    servers: list[Server] = []
    by_role: dict[str, list[tuple[Target, int]]] = {role: [] for role in POD_ROLES}
    services = [s for s in workspace.kind("Service") if s.api_version == "v1"]
    for number, pod in enumerate(proxied):
        # Addresses of no representative-cluster object, whose names the transport rules would report instead.
        ip = f"10.0.200.{number % 250 + 1}" if pod.spec.get("hostNetwork") is True else f"10.244.200.{number % 250 + 1}"
        sample = _sample_pod(pod, ip)
        for container in _app_containers(pod):
            index = -1
            if is_rbac_proxy(container):
                index = len(servers)
                servers.append(Server(pod, container))
            ports = [as_map(p) for p in as_seq(container.node.get("ports"))
                     if isinstance(as_map(p).get("containerPort"), int)]
            for port in ports or [None]:
                entry = None if port is None else {"name": as_str(port.get("name")), "port": port["containerPort"],
                                                   "protocol": as_str(port.get("protocol")) or "TCP"}
                labels = _pod_labels(pod.obj.namespace, {**sample, "container": container.name}, entry)
                labels["__meta_kubernetes_pod_container_image"] = container.image
                labels["__address__"] = f"{ip}:{entry['port']}" if entry else ip
                labels.update(_owner_labels(sample))
                by_role["pod"].append((_target(pod.obj.namespace, labels), index))
        for service in services:
            if service.namespace == pod.obj.namespace and _selects(service, pod):
                for role in ("endpoints", "endpointslice"):
                    by_role[role].extend(_endpoint_targets(service, pod, sample, role == "endpointslice", servers))
    key = repr(sorted((role, target.labels, index) for role, items in by_role.items() for target, index in items))
    return DeclaredTargets(by_role, servers, key)


def _app_containers(pod: PodTemplate) -> list[Container]:
    """The pod's containers (not its init containers, which have exited by the time it serves)."""
    names = {as_str(as_map(node).get("name")) for node in as_seq(pod.spec.get("containers"))}
    return [c for c in pod.containers if c.name in names]


def _controller(obj: K8sObject) -> tuple[str, str]:
    """(kind, name) of the pod's owner, as `__meta_kubernetes_pod_controller_*` shows it: a Deployment's pods are
    owned by its ReplicaSet (the name gets a template hash), a CronJob's by a Job."""
    if obj.kind == "Deployment":
        return "ReplicaSet", f"{obj.name}-7f9c6b8d5"
    if obj.kind == "CronJob":
        return "Job", f"{obj.name}-28000000"
    return ("", "") if obj.kind == "Pod" else (obj.kind, obj.name)


def _sample_pod(pod: PodTemplate, ip: str) -> dict[str, Any]:
    metadata = pod.obj.doc if pod.spec_keys == ("spec",) else get_path(pod.obj.doc, *pod.spec_keys[:-1])
    annotations = {as_str(k): as_str(v) for k, v in as_map(get_path(metadata, "metadata", "annotations")).items()}
    kind, owner = _controller(pod.obj)
    return {"name": pod.obj.name if pod.obj.kind == "Pod" else f"{owner or pod.obj.name}-abcde", "ip": ip,
            "node": "node-1", "host_ip": "10.0.0.11", "labels": pod.labels, "annotations": annotations,
            "controller": (kind, owner)}


def _owner_labels(sample: dict) -> dict[str, str]:
    kind, name = sample["controller"]
    return {"__meta_kubernetes_pod_controller_kind": kind, "__meta_kubernetes_pod_controller_name": name} if kind else {}


def _selects(service: K8sObject, pod: PodTemplate) -> bool:
    """A Service's selector (equality on every key; none = endpoints managed by hand, which we cannot see)."""
    selector = {as_str(k): as_str(v) for k, v in as_map(get_path(service.doc, "spec", "selector")).items()}
    return bool(selector) and LabelSelector(selector, []).matches(pod.labels)


def _endpoint_targets(service: K8sObject, pod: PodTemplate, sample: dict, slice_role: bool,
                      servers: list[Server]) -> list[tuple[Target, int]]:
    """The endpoints/endpointslice targets of `service` on `pod`: one per Service port whose targetPort the pod
    serves, labelled with the container that serves it (endpoints.go: container labels for the port whose
    number is the endpoint's)."""
    ports = []
    for port in as_seq(get_path(service.doc, "spec", "ports")):
        port = as_map(port)
        number = _container_port(pod, port.get("targetPort", port.get("port")))
        if number is not None:
            ports.append({"name": as_str(port.get("name")), "port": port.get("port"), "target_port": number,
                          "protocol": as_str(port.get("protocol")) or "TCP"})
    svc = {"namespace": service.namespace, "name": service.name, "labels": service.labels,
           "annotations": service.annotations, "ports": ports,
           "endpoints": [{"ip": sample["ip"], "node": sample["node"], "pod": sample["name"], "pod_labels": sample["labels"],
                          "pod_annotations": sample["annotations"]}]}
    result = []
    for target in _service_endpoint_targets(svc, slice_role):
        labels = {**target.as_dict(), **_owner_labels(sample)}
        number = int(labels["__address__"].rsplit(":", 1)[1])
        index = -1
        for container in _app_containers(pod):
            if any(as_map(p).get("containerPort") == number for p in as_seq(container.node.get("ports"))):
                labels["__meta_kubernetes_pod_container_name"] = container.name
                labels["__meta_kubernetes_pod_container_image"] = container.image
                index = next((i for i, s in enumerate(servers) if s.pod is pod and s.container is container), -1)
                break
        result.append((_target(service.namespace, labels), index))
    return result


def _container_port(pod: PodTemplate, target: Any) -> int | None:
    """The container port a Service's targetPort names (by name) or numbers."""
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    for container in _app_containers(pod):
        for port in as_seq(container.node.get("ports")):
            port = as_map(port)
            if as_str(port.get("name")) == as_str(target) and isinstance(port.get("containerPort"), int):
                return port["containerPort"]
    return None


def served_endpoint(endpoint: Endpoint, server: Server | None) -> Endpoint:
    """A relabelled declared target as what it is: a kube-rbac-proxy target only where the proxy checks the path
    scraped as a non-resource URL (see checks_path); otherwise whatever answers is not an RBAC question."""
    path = endpoint.path.split("?", 1)[0]
    if endpoint.klass == "kube-rbac-proxy" and (server is None or not checks_path(server.container, path)):
        return Endpoint(endpoint.scheme, endpoint.host, endpoint.port, endpoint.path, "workload")
    return endpoint


# ---------------------------------------------------------------------------------------------- reached proxies


def reached_proxies(jobs: list[JobAnalysis], workspace: Workspace) -> dict[int, list[tuple[JobAnalysis, str, Span]]]:
    """The proxy containers that jobs reach with a bearer token, on a path the proxy authenticates (an
    `--ignore-paths` path passes unreviewed; a path outside `--allow-paths` is refused before any review). A job
    that sends no token gets its 401 before any review (KS106)."""
    servers = declared_targets(workspace).servers
    reached: dict[int, list[tuple[JobAnalysis, str, Span]]] = {}
    for analysis in jobs:
        credentials = analysis.job.credentials
        if credentials.kind == "client-cert" or not credentials.kubernetes_authenticates:
            continue
        for index, path, span in analysis.proxies:
            if authenticates_path(servers[index].container, path.split("?", 1)[0]):
                reached.setdefault(index, []).append((analysis, path, span))
    return reached


def reviews_as(server: Server, identity: Identity, workspace: Workspace) -> bool:
    """Whether the proxy reviews with its pod's ServiceAccount token, and that account is one the inputs define
    (or the namespace's `default`): with `--kubeconfig` it talks to the API server with other credentials; an
    account the inputs lack may hold its grants elsewhere (KS109's uncertainty) — nothing is said then. Without a
    token in the pod the proxy cannot start at all, another failure than this one."""
    if server.container.flag_values("--kubeconfig"):
        return False
    account = workspace.service_accounts.get((identity.namespace, identity.name))
    if account is None and identity.name != "default":
        return False
    pod = server.pod
    automount = pod.automount if pod.automount is not None else (account.automount if account is not None else None)
    return automount is not False or any("serviceAccountToken" in as_map(source)
                                         for volume in pod.volumes
                                         for source in as_seq(as_map(volume.get("projected")).get("sources")))
