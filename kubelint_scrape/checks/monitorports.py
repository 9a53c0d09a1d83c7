"""KS606: a ServiceMonitor endpoint keeps a port that none of the Services it selects defines.

prometheus-operator turns an endpoint's `port` into a keep relabeling on the endpoint's port name (the Service
port's name: `__meta_kubernetes_endpoint_port_name`, or `…endpointslice_port_name`), and a named `targetPort` into
one on `__meta_kubernetes_pod_container_port_name` (pkg/prometheus/promcfg.go generateServiceMonitorConfig). A name
that no selected Service port (or no container port of their pods) carries drops every target: the job loads,
discovery succeeds, and nothing is scraped, with no error anywhere. Judged only when the inputs hold a Service the
monitor selects (for `targetPort`, a pod one of them selects): a Service elsewhere may define the port.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..catalog import check
from ..findings import Finding, Related
from ..fixes import yaml_scalar
from ..model import K8sObject, LabelSelector, Workspace
from ..operator import OPERATOR_GROUP, monitor_namespaces, port_name_matches
from ..promvalidate import did_you_mean
from ..yamltree import YMap, as_map, as_seq, as_str, at, get_path
from .context import Context


@check("KS606")
def monitor_port_not_found(ctx: Context) -> Iterator[Finding]:
    monitors = [m for m in ctx.workspace.kind("ServiceMonitor")
                if m.api_version.startswith(OPERATOR_GROUP) and m.name and ctx.reports(m.path)]
    if not monitors:
        return
    services = _services_by_namespace(ctx.workspace)
    for monitor in monitors:
        spec = as_map(monitor.doc.get("spec"))
        endpoints = spec.get("endpoints")
        if not isinstance(endpoints, list) or not isinstance(spec.get("selector"), YMap):
            continue
        selected = _selected(monitor, spec, services)
        if not selected or _uncovered_namespace(monitor, spec, services):
            continue
        for index, endpoint in enumerate(as_seq(endpoints)):
            if not isinstance(endpoint, YMap):
                continue
            if isinstance(endpoint.get("port"), str) and endpoint.get("port"):
                yield from _port(monitor, index, endpoint, selected)
            elif "port" not in endpoint and isinstance(endpoint.get("targetPort"), str) and endpoint.get("targetPort"):
                yield from _target_port(ctx.workspace, monitor, index, endpoint, selected)


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


def _selected(monitor: K8sObject, spec: YMap, services: dict[str, list[K8sObject]]) -> list[K8sObject]:
    """The Services of the inputs the monitor selects (its namespaceSelector; `any: true` every namespace)."""
    chosen = LabelSelector.from_node(spec.get("selector"))
    names = monitor_namespaces(monitor, spec)
    if names is None:
        candidates = [s for group in services.values() for s in group]
    else:
        candidates = [s for name in dict.fromkeys(names) for s in services.get(name, ())]
    return [s for s in candidates if chosen.matches(s.labels)]


def _uncovered_namespace(monitor: K8sObject, spec: YMap, services: dict[str, list[K8sObject]]) -> bool:
    """Whether the monitor's namespaceSelector.matchNames names a namespace of which the inputs hold no Service: the
    Services it selects there are unknown and may define the port, so "scrapes nothing" is not shown (as for a
    selector the inputs match nothing of)."""
    scope = as_map(spec.get("namespaceSelector"))
    return scope.get("any") is not True and any(
        as_str(n) and as_str(n) not in services for n in as_seq(scope.get("matchNames")))


def _unknown(wanted: str, named: dict[str, list[str]]) -> bool:
    """Whether a name is a placeholder filled in later (a quoted Helm `{{ .Values.… }}`, a Flux postBuild or
    envsubst `${…}`): what it becomes, and so whether the names agree, the inputs do not say."""
    return any("{{" in name or "${" in name for name in [wanted, *(n for names in named.values() for n in names)])


def _port(monitor: K8sObject, index: int, endpoint: YMap, selected: list[K8sObject]) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("port"))
    named = {f"Service {s.namespace}/{s.name}": [as_str(as_map(p).get("name")) for p in as_seq(get_path(s.doc, "spec", "ports"))]
             for s in selected}
    if _unknown(wanted, named) or any(port_name_matches(wanted, name) for names in named.values() for name in names if name):
        return
    options = [name for names in named.values() for name in names if name]
    yield _finding(monitor, index, endpoint, "port", wanted, "port of the Services it selects", named, options,
                   "endpoint port name (the Service port's `name`)", selected)


def _target_port(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap,
                 selected: list[K8sObject]) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("targetPort"))
    named: dict[str, list[str]] = {}
    pods: dict[str, Any] = {}
    by_namespace = workspace.index("workloads-by-namespace", lambda: _by_namespace(workspace))
    for service in selected:
        for pod in by_namespace.get(service.namespace, ()):
            if pod.selected_by(service):
                pods[f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"] = pod.obj
                named[f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"] = [
                    as_str(as_map(p).get("name")) for c in pod.containers for p in as_seq(c.node.get("ports"))]
    if not named or _unknown(wanted, named) or any(port_name_matches(wanted, name) for names in named.values()
                                                   for name in names if name):
        return  # no pod of theirs in the inputs: it may declare the port
    options = [name for names in named.values() for name in names if name]
    yield _finding(monitor, index, endpoint, "targetPort", wanted, "container port of the pods its Services select",
                   named, options, "pod container port name", selected,
                   tuple(Related(obj.span, f"{owner} declares its container ports here")
                         for owner, obj in list(pods.items())[:3]))


def _finding(monitor: K8sObject, index: int, endpoint: YMap, key: str, wanted: str, what: str,
             named: dict[str, list[str]], options: list[str], label: str, selected: list[K8sObject],
             declaring: tuple = ()) -> Finding:
    shown = "; ".join(f"{owner}: {', '.join(n for n in names if n) or 'no named port'}"
                      for owner, names in list(named.items())[:3])
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    near = did_you_mean(wanted, options)
    hint = f" (did you mean \"{near}\"?)" if near else ""
    return Finding(
        "KS606", at(monitor.path, endpoint.value_pos(key)),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} endpoints[{index}] keeps {key} \"{wanted}\"{hint}, but no "
        f"{what} is named so ({shown}{more}): the operator keeps only targets whose {label} is "
        f"\"{wanted}\", so this endpoint scrapes nothing, with no error anywhere",
        fix=_fix(monitor, index, key, wanted, near, options),
        related=tuple(Related(s.span, f"Service {s.namespace}/{s.name} is selected here") for s in selected[:3])
        + declaring,
        object=f"{monitor.kind}/{monitor.namespace}/{monitor.name}",
        data={"field": key, "name": wanted, **({"suggestion": near} if near else {})},
    )


def _fix(monitor: K8sObject, index: int, key: str, wanted: str, near: str | None, options: list[str]) -> str:
    """Keep a name that exists, or name the port so; with no named port at all there is no name to keep: only the
    second way is written out."""
    port = "Service port" if key == "port" else "container port"
    where = f"endpoints[{index}] of {monitor.kind} {monitor.namespace}/{monitor.name}"
    if not options:
        return f"Name the {port} \"{wanted}\" (`name: {yaml_scalar(wanted)}` in its `ports` entry): no {port} has a name {where} could keep."
    return ((f"Set `{key}: {near}`" if near else f"Set `{key}:` to one of the names above") + f" in {where}, or name "
            f"the {port} so.")
