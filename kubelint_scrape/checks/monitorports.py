"""KS606: a ServiceMonitor or PodMonitor endpoint keeps a port that none of the Services (pods) it selects defines.

prometheus-operator turns a ServiceMonitor endpoint's `port` into a keep relabeling on the endpoint's port name (the
Service port's name: `__meta_kubernetes_endpoint_port_name`, or `…endpointslice_port_name`), and a named
`targetPort` — or a PodMonitor endpoint's `port` or named `targetPort` — into one on
`__meta_kubernetes_pod_container_port_name` (pkg/prometheus/promcfg.go generateServiceMonitorConfig,
generatePodMonitorConfig). A name that no selected Service port (or no container port of the pods) carries drops
every target: the job loads, discovery succeeds, and nothing is scraped, with no error anywhere. Judged only when
the inputs hold a Service (a pod) the monitor selects: one elsewhere may define the port.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

from ..catalog import check
from ..findings import Finding, Related
from ..fixes import yaml_scalar
from ..k8svalidate import port_name_problems
from ..model import K8sObject, LabelSelector, Workspace
from ..operator import OPERATOR_GROUP, monitor_namespaces, port_name_matches
from ..promvalidate import did_you_mean
from ..yamltree import YMap, as_map, as_seq, as_str, at, get_path
from .context import Context


@check("KS606")
def monitor_port_not_found(ctx: Context) -> Iterator[Finding]:
    for kind in ("ServiceMonitor", "PodMonitor"):
        for monitor in ctx.workspace.kind(kind):
            if monitor.api_version.startswith(OPERATOR_GROUP) and monitor.name and ctx.reports(monitor.path):
                yield from (_service_monitor if kind == "ServiceMonitor" else _pod_monitor)(ctx.workspace, monitor)


def _endpoints(spec: YMap, key: str) -> Iterator[tuple[int, YMap, str]]:
    """(index, endpoint, "port" or "targetPort") of each endpoint that keeps a port by name: `port`, or a named
    `targetPort` when it has no `port` (promcfg.go reads `port` first)."""
    for index, endpoint in enumerate(as_seq(spec.get(key))):
        if not isinstance(endpoint, YMap):
            continue
        if isinstance(endpoint.get("port"), str) and endpoint.get("port"):
            yield index, endpoint, "port"
        elif "port" not in endpoint and isinstance(endpoint.get("targetPort"), str) and endpoint.get("targetPort"):
            yield index, endpoint, "targetPort"


def _service_monitor(workspace: Workspace, monitor: K8sObject) -> Iterator[Finding]:
    spec = as_map(monitor.doc.get("spec"))
    if not isinstance(spec.get("endpoints"), list) or not isinstance(spec.get("selector"), YMap):
        return
    services = _services_by_namespace(workspace)
    selected = _selected(monitor, spec, services, lambda s: s.labels)
    if not selected or _uncovered_namespace(spec, services) or _cluster_wide_by_presence(spec):
        return
    for index, endpoint, key in _endpoints(spec, "endpoints"):
        if key == "port":
            yield from _port(workspace, monitor, index, endpoint, selected)
        else:
            yield from _target_port(workspace, monitor, index, endpoint, selected)


def _pod_monitor(workspace: Workspace, monitor: K8sObject) -> Iterator[Finding]:
    """A PodMonitor keeps `port` (and a named `targetPort`) by the pod's container port name."""
    spec = as_map(monitor.doc.get("spec"))
    if not isinstance(spec.get("podMetricsEndpoints"), list) or not isinstance(spec.get("selector"), YMap):
        return
    pods = workspace.index("workloads-by-namespace", lambda: _by_namespace(workspace))
    selected = _selected(monitor, spec, pods, lambda pod: pod.labels)
    if not selected or _uncovered_namespace(spec, pods) or _cluster_wide_by_presence(spec):
        return  # no pod of theirs in the inputs: one elsewhere may declare the port
    named = _container_port_names(selected)
    for index, endpoint, key in _endpoints(spec, "podMetricsEndpoints"):
        wanted = as_str(endpoint.get(key))
        if _unknown(wanted, named) or _injected(wanted) or _kept(wanted, named):
            continue
        yield _finding(monitor, "podMetricsEndpoints", index, endpoint, key, wanted, "container port of the pods it "
                       "selects", named, "pod container port name", _declaring(selected))


def _services_by_namespace(workspace: Workspace) -> dict[str, list[K8sObject]]:
    def build() -> dict[str, list[K8sObject]]:
        found: dict[str, list[K8sObject]] = {}
        for service in workspace.kind("Service"):
            if service.api_version == "v1":
                found.setdefault(service.namespace, []).append(service)
        return found
    return workspace.index("services-by-namespace", build)


def _by_namespace(workspace: Workspace) -> dict[str, list]:
    found: dict[str, list] = {}
    for pod in workspace.workloads:
        found.setdefault(pod.obj.namespace, []).append(pod)
    return found


def _selected(monitor: K8sObject, spec: YMap, by_namespace: dict[str, list], labels: Callable[[Any], dict]) -> list:
    """The Services (pods) of the inputs the monitor selects (its namespaceSelector; `any: true` every namespace)."""
    chosen = LabelSelector.from_node(spec.get("selector"))
    names = monitor_namespaces(monitor, spec)
    if names is None:
        candidates = [s for group in by_namespace.values() for s in group]
    else:
        candidates = [s for name in dict.fromkeys(names) for s in by_namespace.get(name, ())]
    return [s for s in candidates if chosen.matches(labels(s))]


def _uncovered_namespace(spec: YMap, by_namespace: dict[str, list]) -> bool:
    """Whether the monitor's namespaceSelector.matchNames names a namespace of which the inputs hold no Service (no
    pod): the ones it selects there are unknown and may define the port, so "scrapes nothing" is not shown (as for
    a selector the inputs match nothing of)."""
    scope = as_map(spec.get("namespaceSelector"))
    return scope.get("any") is not True and any(
        as_str(n) and as_str(n) not in by_namespace for n in as_seq(scope.get("matchNames")))


def _cluster_wide_by_presence(spec: YMap) -> bool:
    """Whether the monitor selects across every namespace (`namespaceSelector.any: true`) by no label value — an
    empty selector, or only Exists, DoesNotExist and NotIn expressions (Dapr's PodMonitor for every pod with an
    `app` label): it means whatever carries a label anywhere in the cluster, of which the inputs hold a sample at
    most. The Services (pods) elsewhere may carry the port, so "scrapes nothing" is not shown; a selector naming a
    value (matchLabels, In) picks one application, which the inputs can show."""
    if as_map(spec.get("namespaceSelector")).get("any") is not True:
        return False
    chosen = LabelSelector.from_node(spec.get("selector"))
    return not chosen.match_labels and all(as_str(e.get("operator")) != "In" for e in chosen.match_expressions)


def _unknown(wanted: str, named: dict[str, list[str]]) -> bool:
    """Whether a name is a placeholder filled in later (a quoted Helm `{{ .Values.… }}`, a Flux postBuild or
    envsubst `${…}`): what it becomes, and so whether the names agree, the inputs do not say."""
    return any("{{" in name or "${" in name for name in [wanted, *(n for names in named.values() for n in names)])


# Container port names a mesh's admission webhook adds with its sidecar when the pod is created, so no manifest in
# the inputs declares them, yet monitors keep them (Istio's envoy stats, Linkerd's proxy admin, Dapr's metrics):
# istio-proxy declares `http-envoy-prom` (Istio's sidecar injection template), linkerd-proxy `linkerd-proxy` and
# `linkerd-admin` (linkerd2's proxy chart partial), daprd `dapr-http`, `dapr-grpc`, `dapr-internal` and
# `dapr-metrics` (Dapr's sidecar injector).
INJECTED_PORT_NAMES = frozenset({"http-envoy-prom", "linkerd-proxy", "linkerd-admin", "dapr-http", "dapr-grpc",
                                 "dapr-internal", "dapr-metrics"})


def _injected(wanted: str) -> bool:
    """Whether a container port name is one a sidecar injector declares: the pods' containers in the inputs cannot
    show it (a Service port name is still judged: the Service is in the inputs as written)."""
    return wanted in INJECTED_PORT_NAMES


def _kept(wanted: str, named: dict[str, list[str]]) -> bool:
    return any(port_name_matches(wanted, name) for names in named.values() for name in names if name)


def _container_port_names(pods: list) -> dict[str, list[str]]:
    return {f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}": [
        as_str(as_map(p).get("name")) for c in pod.containers for p in as_seq(c.node.get("ports"))] for pod in pods}


def _declaring(pods: list) -> tuple[Related, ...]:
    """Where the first pods declare their containers (the ports live in each container's `ports`)."""
    return tuple(Related(pod.key_span("containers"), f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name} declares "
                         "its container ports here") for pod in pods[:3])


def _port(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap,
          selected: list[K8sObject]) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("port"))
    named = {f"Service {s.namespace}/{s.name}": [as_str(as_map(p).get("name")) for p in as_seq(get_path(s.doc, "spec", "ports"))]
             for s in selected}
    if _unknown(wanted, named):
        return
    if _kept(wanted, named):
        yield from _unresolved_target_ports(workspace, monitor, index, endpoint, wanted, selected)
        return
    yield _finding(monitor, "endpoints", index, endpoint, "port", wanted, "port of the Services it selects", named,
                   "endpoint port name (the Service port's `name`)",
                   tuple(Related(s.key_span("spec", "ports"), f"Service {s.namespace}/{s.name} is selected; its "
                                 "ports are here") for s in selected[:3]))


def _unresolved_target_ports(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap, wanted: str,
                             selected: list[K8sObject]) -> Iterator[Finding]:
    """The Service port the monitor keeps names a `targetPort` no container of the Service's pods declares: the
    Endpoints (EndpointSlice) controller finds no port for those pods (podutil.FindPort) and leaves them out, so the
    kept port has no address and the endpoint scrapes nothing. Judged only when the inputs hold pods it selects."""
    by_namespace = workspace.index("workloads-by-namespace", lambda: _by_namespace(workspace))
    for service in selected:
        pods = [pod for pod in by_namespace.get(service.namespace, ()) if pod.selected_by(service)]
        for port in as_seq(get_path(service.doc, "spec", "ports")):
            port = as_map(port)
            target = port.get("targetPort")
            # (a targetPort no port could be named, a quoted "8080": the API server refuses the Service, KS602)
            if (not pods or not isinstance(target, str) or not target or _unknown(target, {}) or _injected(target)
                    or port_name_problems(target)
                    or not port_name_matches(wanted, as_str(port.get("name")))):
                continue
            # every container counts: FindPort also reads a sidecar (an init container with restartPolicy: Always)
            named = _container_port_names(pods)
            if any(target in names for names in named.values()):
                continue
            options = [name for names in named.values() for name in names if name]
            near = did_you_mean(target, options)
            hint = f" (did you mean \"{near}\"?)" if near else ""
            shown = "; ".join(f"{owner}: {', '.join(n for n in names if n) or 'no named port'}"
                              for owner, names in list(named.items())[:3])
            yield Finding(
                "KS606", at(service.path, port.value_pos("targetPort")),
                f"Service {service.namespace}/{service.name} port \"{as_str(port.get('name'))}\", which "
                f"{monitor.kind} {monitor.namespace}/{monitor.name} endpoints[{index}] keeps, targets container port "
                f"\"{target}\"{hint}, but no container of the pods it selects "
                f"declares a port so named ({shown}): the Endpoints controller leaves those pods out, so the port has no "
                "address and the endpoint scrapes nothing, with no error anywhere",
                fix=(f"Set `targetPort: {yaml_scalar(near)}`" if near else "Set `targetPort:` to one of the names above "
                     "(or the container port's number)") + f" in Service {service.namespace}/{service.name}, or name "
                f"the container port \"{target}\".",
                related=(Related(at(monitor.path, endpoint.value_pos("port")),
                                 f"{monitor.kind} {monitor.namespace}/{monitor.name} keeps this Service port here"),)
                + _declaring(pods),
                object=f"Service/{service.namespace}/{service.name}",
                data={"field": "targetPort", "name": target, **({"suggestion": near} if near else {})},
            )


def _target_port(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap,
                 selected: list[K8sObject]) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("targetPort"))
    by_namespace = workspace.index("workloads-by-namespace", lambda: _by_namespace(workspace))
    pods = list({id(pod): pod for service in selected for pod in by_namespace.get(service.namespace, ())
                 if pod.selected_by(service)}.values())
    named = _container_port_names(pods)
    if not named or _unknown(wanted, named) or _injected(wanted) or _kept(wanted, named):
        return  # no pod of theirs in the inputs: it may declare the port
    yield _finding(monitor, "endpoints", index, endpoint, "targetPort", wanted, "container port of the pods its "
                   "Services select", named, "pod container port name",
                   tuple(Related(s.span, f"Service {s.namespace}/{s.name} is selected here") for s in selected[:3])
                   + _declaring(pods))


def _finding(monitor: K8sObject, endpoints_key: str, index: int, endpoint: YMap, key: str, wanted: str, what: str,
             named: dict[str, list[str]], label: str, related: tuple[Related, ...]) -> Finding:
    options = [name for names in named.values() for name in names if name]
    shown = "; ".join(f"{owner}: {', '.join(n for n in names if n) or 'no named port'}"
                      for owner, names in list(named.items())[:3])
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    near = did_you_mean(wanted, options)
    hint = f" (did you mean \"{near}\"?)" if near else ""
    return Finding(
        "KS606", at(monitor.path, endpoint.value_pos(key)),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {endpoints_key}[{index}] keeps {key} \"{wanted}\"{hint}, but no "
        f"{what} is named so ({shown}{more}): the operator keeps only targets whose {label} is "
        f"\"{wanted}\", so this endpoint scrapes nothing, with no error anywhere",
        fix=_fix(monitor, endpoints_key, index, key, wanted, near, options),
        related=related,
        object=f"{monitor.kind}/{monitor.namespace}/{monitor.name}",
        data={"field": key, "name": wanted, **({"suggestion": near} if near else {})},
    )


def _fix(monitor: K8sObject, endpoints_key: str, index: int, key: str, wanted: str, near: str | None,
         options: list[str]) -> str:
    """Keep a name that exists, or name the port so; with no named port at all there is no name to keep: only the
    second way is written out."""
    port = "Service port" if key == "port" and monitor.kind == "ServiceMonitor" else "container port"
    where = f"{endpoints_key}[{index}] of {monitor.kind} {monitor.namespace}/{monitor.name}"
    if wanted.isdigit() and port_name_problems(wanted):
        # A quoted number is a name to the operator, and no port can be named so (a name needs a letter): naming
        # the port "8080" would be refused; keep the port by its number instead.
        if key == "targetPort":
            return f"Write the number unquoted, `targetPort: {int(wanted)}`, in {where}: quoted it is a port name."
        if monitor.kind == "PodMonitor":
            return f"Write `portNumber: {int(wanted)}` instead of `port: \"{wanted}\"` in {where}: `port` is a name."
        return (f"`port` keeps a Service port by name, and a port name has a letter: in {where} keep the port by "
                f"its container port number instead, `targetPort: <number>` unquoted, in place of `port`.")
    if not options:
        return f"Name the {port} \"{wanted}\" (`name: {yaml_scalar(wanted)}` in its `ports` entry): no {port} has a name {where} could keep."
    return ((f"Set `{key}: {near}`" if near else f"Set `{key}:` to one of the names above") + f" in {where}, or name "
            f"the {port} so.")
