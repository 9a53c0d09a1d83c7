"""The representative targets carry the label names Prometheus' Kubernetes discovery sets, role by role.

The lists below are read from prometheus/prometheus discovery/kubernetes/*.go (the function and the commit read
are named at each list), not from targets.py: a target lacking a label Prometheus sets makes a `keep` on it drop a
job the cluster scrapes (a missed 403), one carrying a label Prometheus does not set keeps a job it drops.
Label and annotation families are collapsed to `…_label_*` and the like; `node_address_*` to its family.
"""

from __future__ import annotations

import re

import pytest

from kubelint_scrape.targets import representative_targets

_FAMILY = re.compile(r"^(__meta_kubernetes_(?:[a-z]+_(?:label|labelpresent|annotation|annotationpresent)|node_address))_.+$")

# addObjectMetaLabels (kubernetes.go): <role>_name, <role>_label_*, _labelpresent_*, _annotation_*, _annotationpresent_*
def _object_meta(role: str) -> set[str]:
    prefix = f"__meta_kubernetes_{role}"
    return {f"{prefix}_name", f"{prefix}_label_*", f"{prefix}_labelpresent_*",
            f"{prefix}_annotation_*", f"{prefix}_annotationpresent_*"}


# node.go (commit ed2668bb) nodeLabels + buildNode: provider id, object meta, __address__ = first address of the
# preferred type joined with DaemonEndpoints.KubeletEndpoint.Port, instance = node name, one label per address type.
NODE = {"__address__", "instance", "__meta_kubernetes_node_provider_id", "__meta_kubernetes_node_address_*",
        *_object_meta("node")}
# Set with an empty value on a cluster without a cloud provider (kubeadm): the same as absent in relabelling.
NODE_MAY_LACK = {"__meta_kubernetes_node_provider_id", "__meta_kubernetes_node_annotation_*",
                 "__meta_kubernetes_node_annotationpresent_*"}

# pod.go (commit 68821ab6) podLabels: every pod's labels, controller ones only when an ownerReference is a controller.
POD_META = {"__meta_kubernetes_namespace", "__meta_kubernetes_pod_ip", "__meta_kubernetes_pod_ready",
            "__meta_kubernetes_pod_phase", "__meta_kubernetes_pod_node_name", "__meta_kubernetes_pod_host_ip",
            "__meta_kubernetes_pod_uid", *_object_meta("pod")}
POD_CONTROLLER = {"__meta_kubernetes_pod_controller_kind", "__meta_kubernetes_pod_controller_name"}
# buildPod: one target per container port (or one per container without ports), with these.
POD_CONTAINER = {"__meta_kubernetes_pod_container_name", "__meta_kubernetes_pod_container_id",
                 "__meta_kubernetes_pod_container_image", "__meta_kubernetes_pod_container_init"}
POD_PORT = {"__meta_kubernetes_pod_container_port_name", "__meta_kubernetes_pod_container_port_number",
            "__meta_kubernetes_pod_container_port_protocol"}
# container_id is empty until the kubelet reports a status; the representative cluster's images are unknown on
# purpose (targets.served_by_other_container: an unknown image keeps the port's meaning).
POD_MAY_LACK = {"__meta_kubernetes_pod_container_id", "__meta_kubernetes_pod_container_image",
                "__meta_kubernetes_pod_annotation_*", "__meta_kubernetes_pod_annotationpresent_*"}
# endpoints.go (423e026f) / endpointslice.go (0a37a837) buildEndpoints: a Pod targetRef merges podLabels, and only
# for the container declaring the endpoint's port name, image and port labels — never container_init or _id.
ENDPOINT_POD_CONTAINER = {"__meta_kubernetes_pod_container_name", "__meta_kubernetes_pod_container_image", *POD_PORT}

# service.go (0d5a682b) serviceLabels + buildService (a ClusterIP Service: cluster_ip, no external_name/lb ip).
SERVICE_META = {"__meta_kubernetes_namespace", *_object_meta("service")}
SERVICE = {"__address__", *SERVICE_META, "__meta_kubernetes_service_port_name", "__meta_kubernetes_service_port_number",
           "__meta_kubernetes_service_port_protocol", "__meta_kubernetes_service_type",
           "__meta_kubernetes_service_cluster_ip"}

# endpoints.go buildEndpoints: object meta of the Endpoints, the Service's labels, per address and port these.
ENDPOINTS = {"__address__", *_object_meta("endpoints"), *SERVICE_META, "__meta_kubernetes_endpoint_port_name",
             "__meta_kubernetes_endpoint_port_protocol", "__meta_kubernetes_endpoint_ready",
             "__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name",
             "__meta_kubernetes_endpoint_node_name", "__meta_kubernetes_endpoint_hostname"}
# endpointslice.go buildEndpointSlice: each condition is labelled when set, and the EndpointSlice controller sets
# ready, serving and terminating on every endpoint (serving/terminating since Kubernetes 1.22).
ENDPOINTSLICE = {"__address__", *_object_meta("endpointslice"), *SERVICE_META,
                 "__meta_kubernetes_endpointslice_address_type", "__meta_kubernetes_endpointslice_port_name",
                 "__meta_kubernetes_endpointslice_port_protocol", "__meta_kubernetes_endpointslice_port",
                 "__meta_kubernetes_endpointslice_port_app_protocol",
                 "__meta_kubernetes_endpointslice_endpoint_conditions_ready",
                 "__meta_kubernetes_endpointslice_endpoint_conditions_serving",
                 "__meta_kubernetes_endpointslice_endpoint_conditions_terminating",
                 "__meta_kubernetes_endpointslice_endpoint_hostname", "__meta_kubernetes_endpointslice_endpoint_zone",
                 "__meta_kubernetes_endpointslice_address_target_kind",
                 "__meta_kubernetes_endpointslice_address_target_name",
                 "__meta_kubernetes_endpointslice_endpoint_node_name"}
# Set only when the object has them (hostname: a headless Service's pods with spec.hostname; zone: a node with a
# topology.kubernetes.io/zone label; app_protocol: a port declaring it; target/node: an address with a targetRef).
ENDPOINT_MAY_LACK = {"__meta_kubernetes_endpoint_hostname", "__meta_kubernetes_endpointslice_endpoint_hostname",
                     "__meta_kubernetes_endpointslice_endpoint_zone", "__meta_kubernetes_endpointslice_port_app_protocol",
                     "__meta_kubernetes_endpoint_address_target_kind", "__meta_kubernetes_endpoint_address_target_name",
                     "__meta_kubernetes_endpointslice_address_target_kind",
                     "__meta_kubernetes_endpointslice_address_target_name",
                     "__meta_kubernetes_endpoint_node_name", "__meta_kubernetes_endpointslice_endpoint_node_name",
                     "__meta_kubernetes_endpoints_annotation_*", "__meta_kubernetes_endpoints_annotationpresent_*",
                     "__meta_kubernetes_endpointslice_annotation_*",
                     "__meta_kubernetes_endpointslice_annotationpresent_*",
                     "__meta_kubernetes_service_annotation_*", "__meta_kubernetes_service_annotationpresent_*",
                     "__meta_kubernetes_service_label_*", "__meta_kubernetes_service_labelpresent_*",
                     "__meta_kubernetes_endpoints_label_*", "__meta_kubernetes_endpoints_labelpresent_*"}

# ingress.go (e280daa5 and later) ingressLabels + buildIngress: one target per rule host and path.
INGRESS = {"__address__", "__meta_kubernetes_namespace", *_object_meta("ingress"), "__meta_kubernetes_ingress_scheme",
           "__meta_kubernetes_ingress_host", "__meta_kubernetes_ingress_path", "__meta_kubernetes_ingress_class_name"}


def _names(target: dict[str, str]) -> set[str]:
    return {_FAMILY.sub(r"\1_*", name) for name in target}


def _check(target: dict[str, str], allowed: set[str], may_lack: set[str]) -> None:
    names = _names(target)
    assert names <= allowed, f"labels Prometheus does not set: {sorted(names - allowed)}"
    assert allowed - may_lack <= names, f"labels Prometheus sets that are missing: {sorted(allowed - may_lack - names)}"


def _pod_part(target: dict[str, str], endpoint_role: bool) -> tuple[set[str], set[str]]:
    """(allowed, may lack) for the pod labels of a target: the controller ones when it has an owner, the container
    ones as its role sets them."""
    allowed = set(POD_META)
    may_lack = set(POD_MAY_LACK)
    if "__meta_kubernetes_pod_controller_kind" in target:
        allowed |= POD_CONTROLLER
    if endpoint_role:
        if "__meta_kubernetes_pod_container_port_number" in target:
            allowed |= ENDPOINT_POD_CONTAINER
    else:
        allowed |= POD_CONTAINER
        if "__meta_kubernetes_pod_container_port_number" in target:
            allowed |= POD_PORT
    return allowed, may_lack


def test_node_targets() -> None:
    targets = representative_targets("node", None)
    assert targets
    for target in targets:
        _check(target, NODE, NODE_MAY_LACK)
        assert target["instance"] == target["__meta_kubernetes_node_name"]
        assert target["__address__"] == f"{target['__meta_kubernetes_node_address_InternalIP']}:10250"


def test_pod_targets() -> None:
    targets = representative_targets("pod", None)
    assert targets
    for target in targets:
        allowed, may_lack = _pod_part(target, endpoint_role=False)
        _check(target, allowed | {"__address__"}, may_lack)
        port = target.get("__meta_kubernetes_pod_container_port_number")
        assert target["__address__"] == (f"{target['__meta_kubernetes_pod_ip']}:{port}" if port
                                         else target["__meta_kubernetes_pod_ip"])
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            target["__meta_kubernetes_pod_uid"])


def test_pods_have_their_controllers() -> None:
    """A Deployment's pod is its ReplicaSet's, a DaemonSet's its own, a static pod's mirror its Node's: a job keeping
    `__meta_kubernetes_pod_controller_kind: DaemonSet` keeps kube-proxy (and scrapes what it rewrites them to)."""
    kinds = {t["__meta_kubernetes_pod_name"]: t.get("__meta_kubernetes_pod_controller_kind")
             for t in representative_targets("pod", None)}
    assert kinds["kube-proxy-abcde"] == "DaemonSet"
    assert kinds["coredns-5d78c9869d-abcde"] == "ReplicaSet"
    assert kinds["etcd-control-plane-1"] == "Node"


def test_service_targets() -> None:
    targets = representative_targets("service", None)
    assert targets
    for target in targets:
        _check(target, SERVICE, {"__meta_kubernetes_service_annotation_*", "__meta_kubernetes_service_annotationpresent_*"})
        assert target["__address__"] == (f"{target['__meta_kubernetes_service_name']}."
                                         f"{target['__meta_kubernetes_namespace']}.svc:"
                                         f"{target['__meta_kubernetes_service_port_number']}")


@pytest.mark.parametrize("role, own", [("endpoints", ENDPOINTS), ("endpointslice", ENDPOINTSLICE)])
def test_endpoint_targets(role: str, own: set[str]) -> None:
    targets = representative_targets(role, None)
    assert targets
    for target in targets:
        allowed, may_lack = set(own), set(ENDPOINT_MAY_LACK)
        if "__meta_kubernetes_pod_name" in target:
            pod_allowed, pod_may_lack = _pod_part(target, endpoint_role=True)
            allowed |= pod_allowed
            may_lack |= pod_may_lack
        _check(target, allowed, may_lack)


def test_endpoint_targets_of_portless_pods_have_no_container_labels() -> None:
    """kubeadm's static pods and kube-proxy declare no container ports: no container matches the endpoint's port,
    so endpoints.go sets no `__meta_kubernetes_pod_container_*` label on their targets."""
    for role in ("endpoints", "endpointslice"):
        etcd = [t for t in representative_targets(role, None) if t.get("__meta_kubernetes_pod_name") == "etcd-control-plane-1"]
        assert etcd
        assert all(not name.startswith("__meta_kubernetes_pod_container_") for t in etcd for name in t)


def test_ingress_targets() -> None:
    targets = representative_targets("ingress", None)
    assert targets
    for target in targets:
        _check(target, INGRESS, {"__meta_kubernetes_ingress_label_*", "__meta_kubernetes_ingress_labelpresent_*",
                                 "__meta_kubernetes_ingress_annotation_*",
                                 "__meta_kubernetes_ingress_annotationpresent_*"})
        assert target["__address__"] == target["__meta_kubernetes_ingress_host"]


def test_pod_host_ip_is_the_nodes_address() -> None:
    """pod.go sets __meta_kubernetes_pod_host_ip from status.hostIP, the node's address: a pod-network pod's host
    IP differs from its own (a `dropequal` of the two keeps it), a hostNetwork pod's is the same."""
    nodes = {t["__meta_kubernetes_node_name"]: t["__meta_kubernetes_node_address_InternalIP"]
             for t in representative_targets("node", None)}
    for role in ("pod", "endpoints", "endpointslice"):
        for target in representative_targets(role, None):
            if "__meta_kubernetes_pod_name" in target:
                assert target["__meta_kubernetes_pod_host_ip"] == nodes[target["__meta_kubernetes_pod_node_name"]]
    pod_network = [t for t in representative_targets("pod", None) if t["__meta_kubernetes_pod_ip"].startswith("10.244.")]
    assert pod_network and all(t["__meta_kubernetes_pod_host_ip"] != t["__meta_kubernetes_pod_ip"] for t in pod_network)


def test_container_names_are_the_workloads() -> None:
    """__meta_kubernetes_pod_container_name is the container's name in the pod spec: kubeadm names each static
    pod's container after its component (a job keeping `kube-scheduler` keeps the scheduler's pod)."""
    names = {t["__meta_kubernetes_pod_name"]: t["__meta_kubernetes_pod_container_name"]
             for t in representative_targets("pod", None)}
    assert names["kube-scheduler-control-plane-1"] == "kube-scheduler"
    assert names["kube-controller-manager-control-plane-1"] == "kube-controller-manager"
    assert names["kube-proxy-abcde"] == "kube-proxy"
    assert names["example-app-7c9d8-xyz12"] == "example-app"


def test_namespace_labels_need_attach_metadata() -> None:
    """Every role sets __meta_kubernetes_namespace; the namespace's own labels and annotations only with
    attach_metadata: {namespace: true} (addNamespaceLabels under withNamespaceMetadata; service.go buildService)."""
    from kubelint_scrape.targets import NAMESPACE_METADATA, label_family, meta_families

    assert label_family("__meta_kubernetes_namespace") == "namespace"
    assert label_family("__meta_kubernetes_namespace_label_team") == NAMESPACE_METADATA
    assert label_family("__meta_kubernetes_namespace_annotationpresent_owner") == NAMESPACE_METADATA
    assert label_family("__meta_kubernetes_endpoint_port_name") == "endpoint"
    for role in ("pod", "service", "endpoints", "endpointslice", "ingress"):
        assert NAMESPACE_METADATA not in meta_families(role)
        assert NAMESPACE_METADATA in meta_families(role, attach_namespace=True)
    assert NAMESPACE_METADATA not in meta_families("node", attach_namespace=True)
