"""Representative discovered targets per kubernetes_sd role, and the classification of relabelled targets.

The targets carry the same `__meta_kubernetes_*` labels Prometheus' discoverers set (prometheus
discovery/kubernetes/{node,endpoints,endpointslice,pod,service,ingress}.go), built from the small
representative cluster in rules/knowledge/cluster.yaml. A job's relabel_configs are run on them; what
survives, and where it points, says what the job scrapes.
"""

from __future__ import annotations

import functools
from dataclasses import replace
import re
from typing import Any

from .records import dataclass, field
from .resources import knowledge

_INVALID = re.compile(r"[^a-zA-Z0-9_]")


def sanitize(name: str) -> str:
    return _INVALID.sub("_", name)


def _meta(prefix: str, mapping: dict | None, kind: str) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        name = sanitize(str(key))
        labels[f"{prefix}_{kind}_{name}"] = "" if value is None else str(value)
        labels[f"{prefix}_{kind}present_{name}"] = "true"
    return labels


def _node_labels(node: dict) -> dict[str, str]:
    return {
        "__meta_kubernetes_node_name": node["name"],
        **_meta("__meta_kubernetes_node", node.get("labels"), "label"),
        **_meta("__meta_kubernetes_node", node.get("annotations"), "annotation"),
        "__meta_kubernetes_node_address_InternalIP": node["ip"],
        "__meta_kubernetes_node_address_Hostname": node["name"],
    }


def _service_labels(svc: dict) -> dict[str, str]:
    return {
        "__meta_kubernetes_namespace": svc["namespace"],
        "__meta_kubernetes_service_name": svc["name"],
        **_meta("__meta_kubernetes_service", svc.get("labels"), "label"),
        **_meta("__meta_kubernetes_service", svc.get("annotations"), "annotation"),
    }


@functools.lru_cache(maxsize=1)
def _node_ips() -> dict[str, str]:
    """The representative nodes' addresses by name: a pod's status.hostIP is its node's address (pod.go
    __meta_kubernetes_pod_host_ip), not its own pod-network IP — only a hostNetwork pod has the two equal."""
    return {node["name"]: node["ip"] for node in knowledge("cluster")["nodes"]}


_FNV128_OFFSET, _FNV128_PRIME = 0x6C62272E07BB014262B821756295C58D, 0x0000000001000000000000000000013B


@functools.lru_cache(maxsize=4096)
def _pod_uid(namespace: str, name: str) -> str:
    """A UID of the pod's shape (metadata.uid, a UUID), the same for the same pod in every run (a hashmod on it
    must shard alike each time). A 128-bit FNV-1a of the name, not uuid5: `uuid` and the hashlib/OpenSSL it loads
    cost every lint ~15 ms of imports and 4 MB of memory, for a label few jobs read."""
    value = _FNV128_OFFSET
    for byte in f"pod/{namespace}/{name}".encode():
        value = ((value ^ byte) * _FNV128_PRIME) & ((1 << 128) - 1)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _pod_labels(namespace: str, pod: dict, port: dict | None, pod_role: bool = True) -> dict[str, str]:
    """A pod's labels as discovery/kubernetes/pod.go podLabels sets them (every pod: its uid, its controller when
    an ownerReference is one), with the container labels. `pod_role`: a pod-role target, one per container
    (port), which also says whether the container is an init one; endpoints.go and endpointslice.go merge
    podLabels and set only the name, image and port labels of the container whose port is the endpoint's — no
    `__meta_kubernetes_pod_container_init` — and none when no container declares that port (`port` None)."""
    labels = {
        "__meta_kubernetes_namespace": namespace,
        "__meta_kubernetes_pod_name": pod["name"],
        "__meta_kubernetes_pod_ip": pod["ip"],
        "__meta_kubernetes_pod_node_name": pod.get("node", ""),
        "__meta_kubernetes_pod_host_ip": pod.get("host_ip") or _node_ips().get(pod.get("node", ""), pod["ip"]),
        "__meta_kubernetes_pod_ready": "true",
        "__meta_kubernetes_pod_phase": "Running",
        "__meta_kubernetes_pod_uid": _pod_uid(namespace, pod["name"]),
        **_meta("__meta_kubernetes_pod", pod.get("labels"), "label"),
        **_meta("__meta_kubernetes_pod", pod.get("annotations"), "annotation"),
    }
    kind, owner = pod.get("controller") or ("", "")
    if kind:
        labels["__meta_kubernetes_pod_controller_kind"] = kind
        labels["__meta_kubernetes_pod_controller_name"] = owner
    if pod_role or port is not None:
        labels["__meta_kubernetes_pod_container_name"] = pod.get("container", pod["name"].split("-")[0])
    if pod_role:
        labels["__meta_kubernetes_pod_container_init"] = "false"
    if port is not None:
        labels["__meta_kubernetes_pod_container_port_name"] = port.get("name", "")
        labels["__meta_kubernetes_pod_container_port_number"] = str(port["port"])
        labels["__meta_kubernetes_pod_container_port_protocol"] = port.get("protocol", "TCP")
    return labels


@dataclass(frozen=True)
class Target:
    namespace: str  # "" for nodes
    labels: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.labels)


def _target(namespace: str, labels: dict[str, str]) -> Target:
    return Target(namespace, tuple(sorted(labels.items())))


def _endpoint_pod(svc: dict, endpoint: dict) -> dict | None:
    if not endpoint.get("pod"):
        return None
    return {
        "name": endpoint["pod"], "ip": endpoint["ip"], "node": endpoint.get("node", ""),
        "labels": endpoint.get("pod_labels") or svc.get("labels"), "annotations": endpoint.get("pod_annotations"),
        "controller": endpoint.get("controller"),
        **({"container": endpoint["container"]} if endpoint.get("container") else {}),
    }


def _ports(svc: dict) -> list[dict]:
    """The Service's ports, the one it advertises for scraping (`prometheus.io/port`) first. A job keeping several
    of a workload's ports is represented by the first that survives (analyse collapses workloads), and that should
    be the port that answers the scrape: CoreDNS's :9153, not its DNS port :53."""
    advertised = str((svc.get("annotations") or {}).get("prometheus.io/port", ""))
    return sorted(svc.get("ports", []), key=lambda port: str(port.get("target_port", port["port"])) != advertised)


def _endpoints_object_labels(svc: dict, slice_role: bool) -> dict[str, str]:
    """The labels every target of a Service's Endpoints or EndpointSlice object carries (the target group's:
    the object's metadata and its Service's)."""
    labels = _service_labels(svc)
    if slice_role:
        labels.update({
            "__meta_kubernetes_endpointslice_name": f"{svc['name']}-abcde",
            **_meta("__meta_kubernetes_endpointslice", {**(svc.get("labels") or {}), "kubernetes.io/service-name": svc["name"]}, "label"),
            "__meta_kubernetes_endpointslice_address_type": "IPv4",
        })
    else:
        labels.update({
            "__meta_kubernetes_endpoints_name": svc["name"],
            **_meta("__meta_kubernetes_endpoints", svc.get("labels"), "label"),
        })
    return labels


def _service_endpoint_targets(svc: dict, slice_role: bool) -> list[Target]:
    result = []
    for port in _ports(svc):
        target_port = port.get("target_port", port["port"])
        for endpoint in svc.get("endpoints", []):
            labels = {"__address__": f"{endpoint['ip']}:{target_port}", **_endpoints_object_labels(svc, slice_role)}
            pod = _endpoint_pod(svc, endpoint)
            if slice_role:
                labels.update({
                    "__meta_kubernetes_endpointslice_port_name": port.get("name", ""),
                    "__meta_kubernetes_endpointslice_port": str(target_port),
                    "__meta_kubernetes_endpointslice_port_protocol": port.get("protocol", "TCP"),
                    # the EndpointSlice controller sets all three conditions on every endpoint (serving and
                    # terminating since Kubernetes 1.22), and endpointslice.go labels each one that is set
                    "__meta_kubernetes_endpointslice_endpoint_conditions_ready": "true",
                    "__meta_kubernetes_endpointslice_endpoint_conditions_serving": "true",
                    "__meta_kubernetes_endpointslice_endpoint_conditions_terminating": "false",
                    "__meta_kubernetes_endpointslice_endpoint_node_name": endpoint.get("node", ""),
                })
                prefix = "__meta_kubernetes_endpointslice"
            else:
                labels.update({
                    "__meta_kubernetes_endpoint_port_name": port.get("name", ""),
                    "__meta_kubernetes_endpoint_port_protocol": port.get("protocol", "TCP"),
                    "__meta_kubernetes_endpoint_ready": "true",
                    "__meta_kubernetes_endpoint_node_name": endpoint.get("node", ""),
                })
                prefix = "__meta_kubernetes_endpoint"
            kind = endpoint.get("target_kind") or ("Pod" if pod else "")
            if kind:
                labels[f"{prefix}_address_target_kind"] = kind
                labels[f"{prefix}_address_target_name"] = endpoint.get("target_name") or endpoint.get("pod", "")
            if pod:
                container_port = None if endpoint.get("pod_ports") is False else {"name": port.get("name", ""), "port": target_port}
                labels.update(_pod_labels(svc["namespace"], pod, container_port, pod_role=False))
            result.append(_target(svc["namespace"], labels))
    return result


def uncovered_port_labels(svc: dict, slice_role: bool, pod: dict, port: dict) -> dict[str, str]:
    """The target endpoints.go and endpointslice.go add for a container port of an endpoint's pod that none of
    the object's ports covers: the object's and the pod's labels with the container's, but no endpoint or port
    labels of the object (a job keeping `__meta_kubernetes_pod_container_port_name: metrics` scrapes it even
    when the Service exposes only another port)."""
    return {"__address__": f"{pod['ip']}:{port['port']}", **_endpoints_object_labels(svc, slice_role),
            **_pod_labels(svc["namespace"], pod, port, pod_role=False)}


def _service_targets(svc: dict) -> list[Target]:
    result = []
    for port in _ports(svc):
        labels = {
            "__address__": f"{svc['name']}.{svc['namespace']}.svc:{port['port']}",
            **_service_labels(svc),
            "__meta_kubernetes_service_port_name": port.get("name", ""),
            "__meta_kubernetes_service_port_number": str(port["port"]),
            "__meta_kubernetes_service_port_protocol": port.get("protocol", "TCP"),
            "__meta_kubernetes_service_type": "ClusterIP",
            "__meta_kubernetes_service_cluster_ip": "10.96.0.20",
        }
        result.append(_target(svc["namespace"], labels))
    return result


def _pods(cluster: dict) -> list[tuple[str, dict, list[dict]]]:
    pods = []
    # A Service's endpoint naming a pod of `pods` (etcd's static pod, kube-proxy's) is that pod: listed once, as
    # written there (no container ports), not again with the Service's ports.
    listed = {(pod["namespace"], pod["name"]) for pod in cluster.get("pods", [])}
    for svc in cluster["services"]:
        for endpoint in svc.get("endpoints", []):
            pod = _endpoint_pod(svc, endpoint)
            if pod and (svc["namespace"], pod["name"]) not in listed:
                # kubeadm's static control-plane pods declare no container ports: pod discovery finds them on the
                # bare pod IP; only a Service someone adds for them has the :10257/:10259 endpoints.
                ports = [] if endpoint.get("pod_ports") is False else [
                    {"name": p.get("name", ""), "port": p.get("target_port", p["port"]), "protocol": p.get("protocol", "TCP")}
                    for p in _ports(svc)]
                pods.append((svc["namespace"], pod, ports))
    for pod in cluster.get("pods", []):
        pods.append((pod["namespace"], pod, pod.get("ports", [])))
    return pods


def _ingress_target(ingress: dict) -> Target:
    return _target(ingress["namespace"], {
        "__address__": ingress["host"], "__meta_kubernetes_namespace": ingress["namespace"],
        "__meta_kubernetes_ingress_name": ingress["name"], "__meta_kubernetes_ingress_scheme": "http",
        "__meta_kubernetes_ingress_host": ingress["host"], "__meta_kubernetes_ingress_path": ingress["path"],
        "__meta_kubernetes_ingress_class_name": ingress["class_name"],
    })


UNNAMED_APP = "unnamed-app"


def _renamed(entry: Any, old: str, new: str) -> Any:
    """A copy of a cluster entry with its name `old` replaced by `new` everywhere but in its annotations."""
    if isinstance(entry, dict):
        return {key: value if key in ("annotations", "pod_annotations") else _renamed(value, old, new)
                for key, value in entry.items()}
    if isinstance(entry, list):
        return [_renamed(item, old, new) for item in entry]
    return entry.replace(old, new) if isinstance(entry, str) else entry


@functools.lru_cache(maxsize=1)
def _unnamed_cluster() -> dict:
    """The representative cluster's generic applications deployed once more under a name no job can know
    (labels and pod names follow it; annotations, the owner's opt-in, stay): only a job that selects by an
    opt-in or a pattern, or not at all, keeps them."""
    cluster = knowledge("cluster")
    return {
        "nodes": [], "pods": [],
        "services": [_renamed(s, s["name"], UNNAMED_APP) for s in cluster["services"] if s.get("generic")],
        "ingresses": [_renamed(i, i["name"], UNNAMED_APP) for i in cluster.get("ingresses", []) if i.get("generic")],
    }


@functools.lru_cache(maxsize=None)
def _role_targets(role: str, unnamed: bool = False) -> tuple[tuple[Target, ...], tuple[Target, ...]]:
    """(specific targets, generic targets that may be cloned into other namespaces) for an SD role, on the
    representative cluster or (unnamed) on its generic applications under an unknown name."""
    cluster = _unnamed_cluster() if unnamed else knowledge("cluster")
    specific: list[Target] = []
    generic: list[Target] = []
    if role == "node":
        for node in cluster["nodes"]:
            specific.append(_target("", {"__address__": f"{node['ip']}:10250", "instance": node["name"], **_node_labels(node)}))
        return tuple(specific), ()
    if role == "ingress":
        for ingress in cluster.get("ingresses", []):
            (generic if ingress.get("generic") else specific).append(_ingress_target(ingress))
        return tuple(specific), tuple(generic)
    if role == "pod":
        for namespace, pod, ports in _pods(cluster):
            bucket = generic if any(s.get("generic") and s["namespace"] == namespace for s in cluster["services"]) else specific
            for port in ports or [None]:
                labels = _pod_labels(namespace, pod, port)
                labels["__address__"] = f"{pod['ip']}:{port['port']}" if port else pod["ip"]
                bucket.append(_target(namespace, labels))
        return tuple(specific), tuple(generic)
    for svc in cluster["services"]:
        if role == "service":
            targets = _service_targets(svc)
        elif role in ("endpoints", "endpointslice"):
            targets = _service_endpoint_targets(svc, role == "endpointslice")
        else:
            return (), ()
        (generic if svc.get("generic") else specific).extend(targets)
    return tuple(specific), tuple(generic)


# The Services of the representative cluster that no cluster has by itself (cluster.yaml `assumed`): the kubelet
# Service exists only where an operator runs with `--kubelet-service` (FACTS §6), the control-plane ones only where
# a chart or platform add-on creates them (kubeadm creates neither). A job keeps their targets only when it names
# them (their Service name or labels, the kubelet's Node endpoints): picking them up by a pattern any Service may
# match (`.*-metrics` port names) or by no filter at all says nothing of whether the inputs' cluster has them.
UNNAMED_SERVICE = "unnamed-service"


# Where the stand-in listens: the assumed Services' port numbers (kubelet 10250/10255, controller-manager 10257,
# scheduler 10259; k/k pkg/cluster/ports/ports.go) name the component as much as its Service name does, so a job
# keeping `:10250` targets names the kubelet; an ordinary application's port numbers are its own.
_STAND_IN_PORT = 19100


def _stand_in(svc: dict) -> dict:
    """The assumed Service as an ordinary application's: under a name no job can know, its endpoints Pods, its
    ports under the same names (a `.*-metrics` name pattern keeps it too) at numbers no job can know."""
    renamed = _renamed(svc, svc["name"], UNNAMED_SERVICE)
    renamed["ports"] = [{**port, "port": _STAND_IN_PORT + index, "target_port": _STAND_IN_PORT + index}
                        for index, port in enumerate(renamed.get("ports", []))]
    renamed["endpoints"] = [{**endpoint, "target_kind": "Pod", "target_name": f"{UNNAMED_SERVICE}-abcde"}
                            for endpoint in renamed.get("endpoints", [])]
    return renamed


@functools.lru_cache(maxsize=None)
def _stand_ins(role: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """(namespace, Service name, address) of an assumed Service's target of `role` → its stand-in's labels."""
    if role not in ("service", "endpoints", "endpointslice"):
        return {}
    result: dict[tuple[str, str, str], dict[str, str]] = {}
    for svc in knowledge("cluster")["services"]:
        if not svc.get("assumed"):
            continue
        if role == "service":
            pairs = zip(_service_targets(svc), _service_targets(_stand_in(svc)))
        else:
            slices = role == "endpointslice"
            pairs = zip(_service_endpoint_targets(svc, slices), _service_endpoint_targets(_stand_in(svc), slices))
        for real, stand_in in pairs:
            labels = real.as_dict()
            result[(real.namespace, labels["__meta_kubernetes_service_name"], labels["__address__"])] = stand_in.as_dict()
    return result


def assumed_stand_in(role: str, labels: dict[str, str], shown: frozenset[str] = frozenset()) -> dict[str, str] | None:
    """For a target of an assumed Service (see UNNAMED_SERVICE) that the inputs do not show (`shown`, see
    shown_services), the same target of an ordinary application the job cannot name: when the job keeps that one
    too, it does not name the Service. None for any other target."""
    table = _stand_ins(role)
    if not table or labels.get("__meta_kubernetes_service_name") in shown:
        return None
    return table.get((labels.get("__meta_kubernetes_namespace", ""), labels.get("__meta_kubernetes_service_name", ""),
                      labels.get("__address__", "")))


def shown_services(workspace: Any) -> frozenset[str]:
    """The assumed Services (cluster.yaml `assumed`) the inputs show exist: the kubelet Service when a container
    runs with `--kubelet-service` (the Prometheus Operator, FACTS §6), any of them when a Service of the inputs
    is named after it (a chart's `<release>-kube-controller-manager` in kube-system)."""
    def build() -> frozenset[str]:
        names = {svc["name"] for svc in knowledge("cluster")["services"] if svc.get("assumed")}
        shown = set()
        if any(word.startswith("--kubelet-service") for pod in workspace.workloads for c in pod.containers
               for word in c.command + c.args):
            shown.add("kubelet")
        for obj in workspace.kind("Service"):
            shown.update(name for name in names if obj.name == name or obj.name.endswith(f"-{name}"))
        return frozenset(shown & names)

    return workspace.index("shown-assumed-services", build)


def moved_labels(labels: dict[str, str], namespace: str) -> dict[str, str]:
    """A generic application's target labels as discovered had it been deployed in `namespace` instead."""
    old = labels.get("__meta_kubernetes_namespace", "")
    moved = dict(labels)
    for key, value in labels.items():
        if key == "__meta_kubernetes_namespace":
            moved[key] = namespace
        elif key == "__address__" and old and value.endswith(f".{old}.svc:{value.rsplit(':', 1)[-1]}"):
            moved[key] = value.replace(f".{old}.svc", f".{namespace}.svc")
    return moved


def _move(target: Target, namespace: str) -> Target:
    return _target(namespace, moved_labels(target.as_dict(), namespace))


def representative_targets(role: str, namespaces: list[str] | None, unnamed: bool = False) -> list[dict[str, str]]:
    """Targets an SD config of `role` would discover; namespaces None = all namespaces. `unnamed`: only the
    generic applications, under a name no job selects by (see _unnamed_cluster)."""
    specific, generic = _role_targets(role, unnamed)
    if namespaces is None:
        return [t.as_dict() for t in specific + generic]
    chosen = [t for t in specific if t.namespace in namespaces or t.namespace == ""]
    for namespace in namespaces:
        chosen.extend(_move(t, namespace) for t in generic)
    return [t.as_dict() for t in chosen]


# The namespace's own labels and annotations (`__meta_kubernetes_namespace_label_team`): set only with
# attach_metadata: {namespace: true} (discovery/kubernetes addNamespaceLabels, every role's build* under
# withNamespaceMetadata), unlike `__meta_kubernetes_namespace` itself, which every role sets.
NAMESPACE_METADATA = "namespace_metadata"
_NAMESPACE_METADATA_LABEL = re.compile(r"^__meta_kubernetes_namespace_(?:label|labelpresent|annotation|annotationpresent)_")


def label_family(label: str) -> str | None:
    """The `__meta_kubernetes_<family>_…` family of a label as meta_families names them (`endpoint` for
    __meta_kubernetes_endpoint_port_name, `namespace` for __meta_kubernetes_namespace, NAMESPACE_METADATA for a
    namespace's labels); None for a label outside `__meta_kubernetes_`."""
    if not label.startswith("__meta_kubernetes_"):
        return None
    if _NAMESPACE_METADATA_LABEL.match(label):
        return NAMESPACE_METADATA
    return label[len("__meta_kubernetes_"):].split("_", 1)[0]


def meta_families(role: str, attach_node: bool = False, attach_namespace: bool = False) -> frozenset[str] | None:
    """The label families (label_family) a role's discoverer sets, with the node's and the namespace's when
    attach_metadata asks for them; None for a role whose labels are not in the table."""
    table = knowledge("sd-roles")
    if role not in table["meta_families"]:
        return None
    families = set(table["meta_families"][role])
    for kind, wanted in (("node", attach_node), ("namespace", attach_namespace)):
        if wanted and role in table["attach_metadata"][kind]["roles"]:
            families.update(table["attached_meta_families"][kind])
    return frozenset(families)


def user_targets(role: str, namespaces: list[str] | None) -> list[dict[str, str]]:
    """The targets of `role` that stand for objects whose labels and annotations the user chooses: every node
    (all kubelets) and the generic applications, not the named system components (the API server, the kubelet
    Service, kube-dns), whose labels a filter on an unknown label must not be taken to select."""
    specific, generic = _role_targets(role)
    if role == "node":
        return [t.as_dict() for t in specific]
    return [(_move(t, namespace) if namespaces is not None else t).as_dict()
            for namespace in (namespaces if namespaces is not None else [None]) for t in generic]


# ---------------------------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class Endpoint:
    """Where a relabelled target points."""

    scheme: str
    host: str
    port: int
    path: str
    klass: str  # kubelet | kubelet-readonly (:10255, or the cAdvisor :4194) | apiserver-proxy | apiserver | control-plane | extension-apiserver | controller-runtime | kube-rbac-proxy | workload
    proxy_resource: str = ""  # nodes | services | pods (apiserver-proxy)
    proxy_namespace: str = ""
    legacy_proxy: bool = False
    proxy_name: str = ""  # the object named in a proxy path the config writes out (not a discovered one)
    proxy_namespace_discovered: bool = False  # the proxy path's namespace is the discovered target's own
    proxy_server: str = ""  # kube-rbac-proxy with a --config-file: the container serving it (authproxy.server_id)
    # kubelet: the path is the API server's node proxy path (/api/v1/nodes/NAME/proxy/…), sent to the kubelet itself
    # (a job that rewrites __metrics_path__ for the proxy but keeps the node's own address). The kubelet serves no
    # such path: it authorizes it as nodes/proxy, then answers 404 Not Found.
    proxy_path: bool = False
    # A workload whose serving container the inputs do not show (the representative cluster's applications, a
    # monitor's stand-in target for a Service the inputs lack): it may be a kube-rbac-proxy or a controller-runtime
    # secure metrics server, which review `get` on the path it is sent (KS203 keeps that grant). Not part of
    # equality: the same target either way.
    unseen: bool = field(default=False, compare=False)
    # Kept only from SD configs that may list another cluster (SDConfig.elsewhere): that cluster's kubelet or API
    # server, which its own RBAC authorizes. Not part of equality: the same target either way.
    elsewhere: bool = field(default=False, compare=False)
    # A workload on a control-plane component's old insecure port (:10251/:10252) that a container the inputs
    # declare serves, and that container is not the component: the port is the pod's own (KS308 leaves it out).
    # Not part of equality either.
    own_port: bool = field(default=False, compare=False)
    # controller-runtime: which server it is (ctrlruntime.describe), named in messages.
    server: str = ""
    # controller-runtime given a certificate (--metrics-cert-path): the Secret mounted there, "" when none is, None
    # when it self-signs. Fixes verify such a certificate instead of skipping verification (ctrlruntime.CERT_LABEL).
    cert_secret: str | None = field(default=None, compare=False)


# Set on the targets of the inputs' kube-rbac-proxy containers that read a --config-file (authproxy.server_id):
# which container's file decides what the proxy reviews. Not a Prometheus label; no relabelling writes it.
PROXY_SERVER_LABEL = "__kubelint_rbac_proxy_server"
# Set ("true") on the targets of the inputs' containers recognised as kube-rbac-proxy (authproxy.is_rbac_proxy)
# whatever their image says: a manifest whose image an operator fills at runtime (`image: ""`) shows discovery no
# image to match, and inventing one would put it in messages. Not a Prometheus label either.
RBAC_PROXY_LABEL = "__kubelint_rbac_proxy"
# The container port the kube-rbac-proxy marks (and the container image label) were made for: as for
# EXTAPI_PORT_LABEL below, a target relabelled to another port of the pod (`prometheus.io/port` naming the app's
# plain port beside the proxy's) scrapes that other container, which reviews nothing.
RBAC_PROXY_PORT_LABEL = "__kubelint_rbac_proxy_port"
# Set on the targets of the inputs' extension API servers (extapi.server_labels): what the server is (an APIService
# name, or the image recognised), and — when its --authorization-always-allow-paths is not the default — the paths
# it lets through without a review. Not Prometheus labels; no relabelling writes them.
EXTAPI_LABEL = "__kubelint_extension_apiserver"
EXTAPI_ALLOW_LABEL = "__kubelint_extension_apiserver_allow"
# The container port the marks above were made for. Relabelling may point `__address__` at another port of the
# pod (`prometheus.io/port`): KEDA's metrics API server serves /metrics over plain HTTP on :8080 beside its
# APIService's :6443, and a target rewritten from :6443 to :8080 scrapes that plain server, not the API server.
EXTAPI_PORT_LABEL = "__kubelint_extension_apiserver_port"

_NODE_PROXY = re.compile(r"^/api/v1/nodes/([^/]+)/proxy(/.*)?$")
_NS_PROXY = re.compile(r"^/api/v1/namespaces/([^/]+)/(services|pods)/([^/]+)/proxy(/.*)?$")
_LEGACY_PROXY = re.compile(r"^/api/v1/proxy/(nodes|namespaces)/")
_LEGACY_NODE_PROXY = re.compile(r"^/api/v1/proxy/nodes/([^/]+)(/.*)?$")


def proxy_name_parts(segment: str) -> tuple[str, str, str]:
    """The name segment of a proxy path, `[scheme:]name[:port]` (FACTS §2), split into the scheme prefix, the
    object's name and the port suffix: `https:node-1:10250` → (`https:`, `node-1`, `:10250`). The API server
    checks the whole segment against resourceNames; whether it came from discovery depends on the name alone."""
    prefix = ""
    if segment.startswith(("http:", "https:")) and segment.count(":") >= 1:
        scheme, _, rest = segment.partition(":")
        if rest:
            prefix, segment = scheme + ":", rest
    core, colon, port = segment.partition(":")
    return prefix, core, (colon + port if colon else "")


@functools.lru_cache(maxsize=None)
def _sample_names(resource: str) -> frozenset[str]:
    """Names of the sample cluster's objects: a proxy path naming one came from discovery (relabelled from a
    sample target), so it stands for every object of the job, not for one the config names."""
    cluster = knowledge("cluster")
    if resource == "nodes":
        return frozenset(node["name"] for node in cluster["nodes"])
    names = {svc["name"] for svc in cluster["services"]} | {pod["name"] for pod in cluster.get("pods", [])}
    names |= {endpoint["pod"] for svc in cluster["services"] for endpoint in svc.get("endpoints", []) if endpoint.get("pod")}
    return frozenset(names)


def sample_node_name() -> str:
    """A node of the sample cluster, standing for whichever node a config names through its environment (a proxy
    path with it is shown with <node>, as one relabelled from node discovery)."""
    return knowledge("cluster")["nodes"][0]["name"]


def sample_node_ip() -> str:
    """The address of the node sample_node_name() names (an observer's node endpoint, filled in the same way)."""
    return knowledge("cluster")["nodes"][0]["ip"]


def split_address(address: str, scheme: str) -> tuple[str, int]:
    host, port = address, 0
    if address.startswith("["):  # [v6]:port
        end = address.find("]")
        host = address[1:end]
        rest = address[end + 1:]
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else 0
    elif ":" in address:  # host:port, where host may be a placeholder such as ${env:NODE_IP}
        host, _, port_text = address.rpartition(":")
        port = int(port_text) if port_text.isdigit() else 0
    if not port:
        port = 443 if scheme == "https" else 80
    return host, port


def classify(labels: dict[str, str]) -> Endpoint:
    ports = knowledge("ports")
    # lowercased as Go's url.Parse does when Prometheus builds the request (`__scheme__: HTTPS` scrapes over TLS)
    scheme = (labels.get("__scheme__", "http") or "http").lower()
    host, port = split_address(labels.get("__address__", ""), scheme)
    path = labels.get("__metrics_path__", "/metrics") or "/metrics"
    image = labels.get("__meta_kubernetes_pod_container_image", "")
    # :6443 is the API server's port, unless the pod serving it is known to be something else (an extension API
    # server such as prometheus-adapter).
    apiserver = host in ports["apiserver_hosts"] or (port == 6443 and (not image or "kube-apiserver" in image))
    if apiserver:
        match = _NODE_PROXY.match(path)
        if match:
            if proxy_name_parts(match.group(1))[1] not in _sample_names("nodes"):
                # written in the config: the API server checks that name
                return Endpoint(scheme, host, port, path, "apiserver-proxy", "nodes", proxy_name=match.group(1))
            return Endpoint(scheme, host, port, _node_proxy_path_shown(path), "apiserver-proxy", "nodes")
        match = _NS_PROXY.match(path)
        if match:
            return _namespaced_proxy(scheme, host, port, path, match, labels)
        if _LEGACY_PROXY.match(path):
            shown = _node_proxy_path_shown(path) or path  # (a legacy namespaces/… path is shown as written)
            return Endpoint(scheme, host, port, shown, "apiserver-proxy", "nodes", legacy_proxy=True)
        return Endpoint(scheme, host, port, path, "apiserver")
    if not served_by_other_container(image, port, ports):
        if port == ports["kubelet"]:
            shown = _node_proxy_path_shown(path)
            if shown is not None:
                return Endpoint(scheme, host, port, shown, "kubelet", proxy_path=True)
            return Endpoint(scheme, host, port, path, "kubelet")
        if port == ports["kubelet_readonly"]:
            return Endpoint(scheme, host, port, path, "kubelet-readonly")
        if port == ports["kubelet_cadvisor"] and _node_address(labels):
            # The kubelet's other unauthenticated plain-HTTP port, its cAdvisor one (removed in 1.12; KS302).
            return Endpoint(scheme, host, port, path, "kubelet-readonly")
        if port in (ports["controller_manager"], ports["scheduler"]):
            return Endpoint(scheme, host, port, path, "control-plane")
    if labels.get(EXTAPI_LABEL) and labels.get(EXTAPI_PORT_LABEL, str(port)) == str(port):
        return extension_endpoint(Endpoint(scheme, host, port, path, "workload"), labels)
    if ("kube-rbac-proxy" in image or labels.get(RBAC_PROXY_LABEL)) and _served_port(labels, port):
        # A kube-rbac-proxy sidecar in front of an exporter (kube-prometheus' node-exporter, kube-state-metrics):
        # it authenticates the token and asks the API server whether the caller may `get` the request's path.
        return Endpoint(scheme, host, port, path, "kube-rbac-proxy", proxy_server=labels.get(PROXY_SERVER_LABEL, ""))
    return Endpoint(scheme, host, port, path, "workload", unseen=not image,
                    own_port=str(port) in ports["insecure_removed"] and served_by_other_container(image, port, ports))


def _served_port(labels: dict[str, str], port: int) -> bool:
    """Whether the target still addresses the container port its kube-rbac-proxy marks and image label describe
    (Prometheus sets `__meta_kubernetes_pod_container_port_number` from the discovered port; relabelling
    `__address__` does not change it)."""
    marked = labels.get(RBAC_PROXY_PORT_LABEL) or labels.get("__meta_kubernetes_pod_container_port_number")
    return not marked or marked == str(port)


def extension_endpoint(endpoint: Endpoint, marks: dict[str, str]) -> Endpoint:
    """A target on an extension API server's port (extapi.py): it asks the API server whether the caller may `get`
    the path, unless the path is one it always allows — then whatever answers is not an RBAC question."""
    from .ctrlruntime import CERT_LABEL, IMPLICIT_LABEL, WHAT
    from .extapi import DEFAULT_ALWAYS_ALLOW, always_allowed

    what = marks.get(EXTAPI_LABEL, "")
    if what.startswith(WHAT):  # controller-runtime's filter reviews every path (ctrlruntime.py)
        if endpoint.scheme == "http" and marks.get(IMPLICIT_LABEL):
            return replace(endpoint, unseen=False)  # maybe a v3 manager's plain HTTP: the job is taken to know
        return replace(endpoint, klass="controller-runtime", server=what, unseen=False, cert_secret=marks[CERT_LABEL][1:] if CERT_LABEL in marks else None)
    allow = marks.get(EXTAPI_ALLOW_LABEL)
    allowed = tuple(allow.split(",")) if allow is not None else DEFAULT_ALWAYS_ALLOW
    if always_allowed(allowed, endpoint.path):
        return replace(endpoint, klass="workload", unseen=False)
    return replace(endpoint, klass="extension-apiserver", unseen=False)


def _node_proxy_path_shown(path: str) -> str | None:
    """An API-server node proxy path (current or root form) as findings show it: a node name that came from
    discovery abstracted to <node>, keeping a `https:` prefix or `:10250` port the config writes around it, so a
    job gets one finding, not one per node; a name the config writes stays. None for any other path."""
    match = _NODE_PROXY.match(path)
    if match:
        prefix, core, suffix = proxy_name_parts(match.group(1))
        name = f"{prefix}<node>{suffix}" if core in _sample_names("nodes") else match.group(1)
        return f"/api/v1/nodes/{name}/proxy{match.group(2) or ''}"
    match = _LEGACY_NODE_PROXY.match(path)
    if match:
        name = "<node>" if proxy_name_parts(match.group(1))[1] in _sample_names("nodes") else match.group(1)
        return f"/api/v1/proxy/nodes/{name}{match.group(2) or ''}"
    return None


def _node_address(labels: dict[str, str]) -> bool:
    """Whether a target is a node's address: a target of node discovery (only role node sets the
    `__meta_kubernetes_node_address_<type>` labels, discovery/kubernetes/node.go; attach_metadata's node labels do
    not include them; the old upstream cAdvisor job rewrote the node's `:10250` to `${1}:4194`), or an
    endpoints/endpointslice address whose targetRef is a Node: the kubelet Service the Prometheus Operator
    maintains (`--kubelet-service`, pkg/kubelet/controller.go) is the one that lists node addresses, and it still
    publishes the `cadvisor` port 4194 next to 10250 and 10255 (FACTS §6)."""
    return any(name.startswith("__meta_kubernetes_node_address_") for name in labels) or "Node" in (
        labels.get("__meta_kubernetes_endpoint_address_target_kind"),
        labels.get("__meta_kubernetes_endpointslice_address_target_kind"))


def served_by_other_container(image: str, port: int, ports: dict) -> bool:
    """Whether a container the inputs declare serves the well-known kubelet or control-plane port, and is not
    that component: the port is then the pod's own. The kubelet is no container at all, so any image serving
    :10250/:10255 is something else — kube-prometheus-stack runs the operator's web server on :10250
    (`prometheusOperator.tls.internalPort`, chosen to pass GKE private-cluster firewalls), and its ServiceMonitor
    scrapes that pod, not a kubelet. :10257/:10259 (and the old insecure :10251/:10252) are the control plane only
    in its own static pods' images.
    An unknown image (the representative cluster, a target the inputs do not declare) keeps the port's meaning."""
    if not image:
        return False
    if port in (ports["kubelet"], ports["kubelet_readonly"]):
        return True
    component = ({ports["controller_manager"]: "kube-controller-manager", ports["scheduler"]: "kube-scheduler"}.get(port)
                 or ports["insecure_removed"].get(str(port)))
    return component is not None and component not in image


def _namespaced_proxy(scheme: str, host: str, port: int, path: str, match: re.Match, labels: dict[str, str]) -> Endpoint:
    """A services/pods proxy path (FACTS §2). A name the config writes out is kept: the API server checks it
    against resourceNames. A name relabelled from a discovered target stands for every object the job finds, so
    it is shown abstracted (as for nodes) and the job gets one finding, not one per sample object; its namespace,
    when also taken from the target, is marked so a job discovering cluster-wide asks in every namespace."""
    namespace, resource, segment, rest = match.group(1), match.group(2), match.group(3), match.group(4) or ""
    prefix, core, suffix = proxy_name_parts(segment)
    if core not in _sample_names(resource):
        return Endpoint(scheme, host, port, path, "apiserver-proxy", resource, namespace, proxy_name=segment)
    placeholder = f"{prefix}<{resource[:-1]}>{':<port>' if suffix else ''}"
    shown = f"/api/v1/namespaces/{namespace}/{resource}/{placeholder}/proxy{rest}"
    discovered = namespace == labels.get("__meta_kubernetes_namespace")
    return Endpoint(scheme, host, port, shown, "apiserver-proxy", resource, namespace,
                    proxy_namespace_discovered=discovered)


def all_namespaces_proxy(endpoint: Endpoint) -> Endpoint:
    """The proxy endpoint of a target found by cluster-wide discovery whose path takes the target's namespace:
    the job proxies into every namespace it discovers, so the request has no single namespace (a ClusterRole bound
    cluster-wide grants it; a RoleBinding covers only the namespaces that have one)."""
    shown = endpoint.path.replace(f"/namespaces/{endpoint.proxy_namespace}/", "/namespaces/<namespace>/", 1)
    return replace(endpoint, path=shown, proxy_namespace="")


_PROXIED_PATH = re.compile(r"^/api/v1/(?:nodes/[^/]+/proxy|proxy/nodes/[^/]+)(/.*)?$")  # [^/]+ also matches <node>


def kubelet_path_of_proxy(proxy_path: str) -> str:
    """/api/v1/nodes/<node>/proxy/metrics/cadvisor (or legacy /api/v1/proxy/nodes/<node>/…) → /metrics/cadvisor."""
    match = _PROXIED_PATH.match(proxy_path.split("?", 1)[0])
    return (match.group(1) if match and match.group(1) else None) or "/metrics"


def kubelet_checks(path: str, assumptions: Any) -> str | None:
    """The nodes subresource the kubelet checks first for `path` on the assumed cluster version (the one to grant
    for a direct scrape); None when it authorizes every request (assumption kubelet-authz: always-allow)."""
    if assumptions.kubelet_authz == "always-allow":
        return None
    return kubelet_subresources(path, assumptions.version)[0]


def kubelet_subresources(path: str, version: tuple[int, int]) -> tuple[str, ...]:
    """The nodes subresources the kubelet accepts for `path`, in the order it checks them (FACTS §1)."""
    table: Any = knowledge("kubelet-paths")
    only_path = path.split("?", 1)[0]

    def under(prefix: str) -> bool:
        return only_path == prefix or only_path.startswith(prefix.rstrip("/") + "/")

    for entry in table["coarse"]:
        if under(entry["prefix"]):
            return (entry["subresource"],)
    since = tuple(int(p) for p in table["fine_grained"]["since"].split("."))
    for entry in table["fine_grained"]["paths"]:
        if under(entry["prefix"]):
            if version >= since:
                return (entry["subresource"], table["fallback"])
            return (table["fallback"],)
    return (table["fallback"],)
