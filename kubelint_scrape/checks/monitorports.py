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

import re
from typing import Any, Callable, Iterator

from ..catalog import check, rule_params
from ..findings import Finding, Related
from ..fixes import yaml_scalar
from ..k8svalidate import port_name_problems
from ..model import K8sObject, LabelSelector, Workspace
from ..operator import OPERATOR_GROUP, RunnerView, monitor_namespaces, port_name_matches
from ..promvalidate import did_you_mean
from ..yamltree import YMap, as_map, as_seq, as_str, at, filled_in_later, get_path, key_span
from .context import Context


@check("KS606")
def monitor_port_not_found(ctx: Context) -> Iterator[Finding]:
    for kind in ("ServiceMonitor", "PodMonitor"):
        for monitor in ctx.workspace.kind(kind):
            if not (monitor.api_version.startswith(OPERATOR_GROUP) and monitor.name):
                continue
            reported = ctx.reports(monitor.path)
            if kind == "PodMonitor":
                if reported:
                    yield from _pod_monitor(ctx.workspace, monitor, _runners(ctx).get(id(monitor), []))
            elif reported or _a_service_reported(ctx):
                # a ServiceMonitor's finding may sit in a Service's file (a targetPort no container declares): a
                # lint that reports only that file (the language server, `-` with --stdin-filename) judges it too
                yield from _service_monitor(ctx.workspace, monitor, _runners(ctx).get(id(monitor), []), reported)


def _a_service_reported(ctx: Context) -> bool:
    """Whether a finding at some Service of the inputs would be reported (asked once per run)."""
    return ctx.once("KS606 a Service reported",
                    lambda: any(ctx.reports(service.path) for service in ctx.workspace.kind("Service")))


def _runners(ctx: Context) -> dict[int, list[RunnerView]]:
    """id(monitor) → the Prometheus/PrometheusAgent objects whose generated config holds its jobs (found once): each
    discovers in the namespaces monitor_namespaces gives for it — its own namespace alone when it sets
    ignoreNamespaceSelectors, whatever the monitor's namespaceSelector asks."""
    def build() -> dict[int, list[RunnerView]]:
        found: dict[int, dict[int, RunnerView]] = {}
        for config in ctx.analysis.configs:
            if config.runner is None or config.unrun_why:
                continue
            view = None
            for job in config.jobs:
                if job.monitor is not None:
                    view = view or RunnerView.of(config.runner)
                    found.setdefault(id(job.monitor), {}).setdefault(id(config.runner), view)
        return {key: list(views.values()) for key, views in found.items()}
    return ctx.once("KS606 runners by monitor", build)


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


def _service_monitor(workspace: Workspace, monitor: K8sObject, runners: list[RunnerView],
                     reported: bool = True) -> Iterator[Finding]:
    """`reported`: whether findings at the monitor are; when not, only those at its Services' targetPorts are
    worked out."""
    spec = as_map(monitor.doc.get("spec"))
    if not isinstance(spec.get("endpoints"), list) or not isinstance(spec.get("selector"), YMap):
        return
    services = _services_by_namespace(workspace)
    names = _namespaces(monitor, spec, runners)
    selected = _selected(names, spec, services, lambda s: s.labels)
    if not selected or _uncovered_namespace(names, services) or _cluster_wide_by_presence(names, spec):
        return
    ignored = _ignoring(monitor, spec, runners)
    for index, endpoint, key in _endpoints(spec, "endpoints"):
        if key == "port":
            yield from _port(workspace, monitor, index, endpoint, selected, ignored, reported)
        elif reported:
            yield from _target_port(workspace, monitor, index, endpoint, selected, ignored)
    if reported:
        for index, endpoint, key, number in _numbered_endpoints(spec, "endpoints"):
            yield from _exited_init_port(monitor, index, endpoint, key, number, _pods_behind_all(workspace, selected),
                                         "endpoints")


def _pod_monitor(workspace: Workspace, monitor: K8sObject, runners: list[RunnerView]) -> Iterator[Finding]:
    """A PodMonitor keeps `port` (and a named `targetPort`) by the pod's container port name."""
    spec = as_map(monitor.doc.get("spec"))
    if not isinstance(spec.get("podMetricsEndpoints"), list) or not isinstance(spec.get("selector"), YMap):
        return
    pods = _pods_by_namespace(workspace)
    names = _namespaces(monitor, spec, runners)
    selected = _selected(names, spec, pods, lambda pod: pod.labels)
    if not selected or _uncovered_namespace(names, pods) or _cluster_wide_by_presence(names, spec):
        return  # no pod of theirs in the inputs: one elsewhere may declare the port
    named = _container_port_names(selected)
    for index, endpoint, key in _endpoints(spec, "podMetricsEndpoints"):
        wanted = as_str(endpoint.get(key))
        if _unknown(wanted, named) or _injected(wanted):
            continue
        if _kept(wanted, named):
            yield from _exited_init_port(monitor, index, endpoint, key, wanted, selected)
            continue
        yield _finding(monitor, "podMetricsEndpoints", index, endpoint, key, wanted, "container port of the pods it "
                       "selects", named, "pod container port name", _declaring(selected) + _ignoring(monitor, spec, runners))
    for index, endpoint, key, number in _numbered_endpoints(spec, "podMetricsEndpoints"):
        yield from _exited_init_port(monitor, index, endpoint, key, number, selected)


def _services_by_namespace(workspace: Workspace) -> dict[str, list[K8sObject]]:
    def build() -> dict[str, list[K8sObject]]:
        found: dict[str, list[K8sObject]] = {}
        for service in workspace.kind("Service"):
            if service.api_version == "v1":
                found.setdefault(service.namespace, []).append(service)
        return found
    return workspace.index("services-by-namespace", build)


def _pods_by_namespace(workspace: Workspace) -> dict[str, list]:
    def build() -> dict[str, list]:
        found: dict[str, list] = {}
        for pod in workspace.workloads:
            found.setdefault(pod.obj.namespace, []).append(pod)
        return found
    return workspace.index("workloads-by-namespace", build)


def _pods_behind(workspace: Workspace, service: K8sObject) -> list:
    """The pod templates of the inputs the Service selects (the pods its Endpoints would list)."""
    return [pod for pod in _pods_by_namespace(workspace).get(service.namespace, ()) if pod.selected_by(service)]


def _namespaces(monitor: K8sObject, spec: YMap, runners: list[RunnerView]) -> list[str] | None:
    """Where the monitor's targets are discovered (None: every namespace): the union over the runners that select
    it (monitor_namespaces per runner: ignoreNamespaceSelectors keeps one to the monitor's own namespace), or what
    its namespaceSelector asks when no runner of the inputs selects it."""
    if not runners:
        return monitor_namespaces(monitor, spec)
    names: list[str] = []
    for runner in runners:
        picked = monitor_namespaces(monitor, spec, runner)
        if picked is None:
            return None
        names.extend(picked)
    return list(dict.fromkeys(names))


def _ignoring(monitor: K8sObject, spec: YMap, runners: list[RunnerView]) -> tuple[Related, ...]:
    """Where a runner that selects the monitor sets ignoreNamespaceSelectors: true while the monitor's
    namespaceSelector asks for other namespaces: why the Services (pods) judged are those of its own namespace."""
    if monitor_namespaces(monitor, spec) == [monitor.namespace]:
        return ()
    return tuple(Related(key_span(r.obj.path, as_map(r.obj.doc.get("spec")), "ignoreNamespaceSelectors"),
                         f"{r.obj.kind} {r.obj.namespace}/{r.obj.name} sets ignoreNamespaceSelectors: it discovers "
                         f"the targets of {monitor.kind} {monitor.namespace}/{monitor.name} in namespace "
                         f"{monitor.namespace} only")
                 for r in runners[:3] if r.ignore_namespace_selectors)


def _selected(names: list[str] | None, spec: YMap, by_namespace: dict[str, list], labels: Callable[[Any], dict]) -> list:
    """The Services (pods) of the inputs in `names` (None: every namespace) the monitor's selector matches."""
    chosen = LabelSelector.from_node(spec.get("selector"))
    if names is None:
        candidates = [s for group in by_namespace.values() for s in group]
    else:
        candidates = [s for name in names for s in by_namespace.get(name, ())]
    return [s for s in candidates if chosen.matches(labels(s))]


def _uncovered_namespace(names: list[str] | None, by_namespace: dict[str, list]) -> bool:
    """Whether the monitor discovers in a namespace of which the inputs hold no Service (no pod): the ones it
    selects there are unknown and may define the port, so "scrapes nothing" is not shown (as for a selector the
    inputs match nothing of)."""
    return names is not None and any(name not in by_namespace for name in names)


def _cluster_wide_by_presence(names: list[str] | None, spec: YMap) -> bool:
    """Whether the monitor selects across every namespace (`names` None: `namespaceSelector.any: true`, unless a
    Prometheus selecting it ignores namespace selectors) by no label value — an
    empty selector, or only Exists, DoesNotExist and NotIn expressions (Dapr's PodMonitor for every pod with an
    `app` label): it means whatever carries a label anywhere in the cluster, of which the inputs hold a sample at
    most. The Services (pods) elsewhere may carry the port, so "scrapes nothing" is not shown; a selector naming a
    value (matchLabels, In) picks one application, which the inputs can show."""
    if names is not None:
        return False
    chosen = LabelSelector.from_node(spec.get("selector"))
    return not chosen.match_labels and all(as_str(e.get("operator")) != "In" for e in chosen.match_expressions)


def _unknown(wanted: str, named: dict[str, list[str]]) -> bool:
    """Whether a name is a placeholder filled in later (a quoted Helm `{{ .Values.… }}`, a Flux postBuild or
    envsubst `${…}`): what it becomes, and so whether the names agree, the inputs do not say."""
    return any(filled_in_later(name) for name in [wanted, *(n for names in named.values() for n in names)])


def _injected(wanted: str) -> bool:
    """Whether a container port name is one a mesh's sidecar injector declares when the pod is created (the rule's
    `injected_port_names`): the pods' containers in the inputs cannot show it (a Service port name is still judged:
    the Service is in the inputs as written)."""
    return wanted in rule_params("KS606")["injected_port_names"]


def _kept(wanted: str, named: dict[str, list[str]]) -> bool:
    """Whether the keep rule's regex matches a port's name; an unnamed port's is "" in the discovery label
    (__meta_kubernetes_endpoint_port_name, ..._pod_container_port_name), which `.*` keeps."""
    return any(port_name_matches(wanted, name) for names in named.values() for name in names)


def _container_port_names(pods: list) -> dict[str, list[str]]:
    return {f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}": [
        as_str(as_map(p).get("name")) for c in pod.containers for p in as_seq(c.node.get("ports"))] for pod in pods}


def _declaring(pods: list) -> tuple[Related, ...]:
    """Where the first pods declare their containers (the ports live in each container's `ports`)."""
    return tuple(Related(pod.key_span("containers"), f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name} declares "
                         "its container ports here") for pod in pods[:3])


def _port(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap,
          selected: list[K8sObject], ignored: tuple[Related, ...] = (), reported: bool = True) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("port"))
    named = {f"Service {s.namespace}/{s.name}": [as_str(as_map(p).get("name")) for p in as_seq(get_path(s.doc, "spec", "ports"))]
             for s in selected}
    if _unknown(wanted, named):
        return
    if _kept(wanted, named):
        yield from _unresolved_target_ports(workspace, monitor, index, endpoint, wanted, selected)
        return
    if not reported:
        return  # the finding would sit at the monitor, which is not reported
    related = tuple(Related(s.key_span("spec", "ports"), f"Service {s.namespace}/{s.name} is selected; its ports "
                            "are here") for s in selected[:3]) + ignored
    # The pods may serve a port of that name the Service does not expose (Traefik's chart with a ServiceMonitor
    # but no metrics Service): "use another Service port" would scrape a traffic port, "rename one" would break it.
    unexposed = _unexposed_container_port(workspace, selected, wanted)
    note = ""
    if unexposed:
        service, pod, number = unexposed
        owner = f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
        related += (Related(pod.key_span("containers"), f"{owner} declares container port \"{wanted}\" here"),)
        note = (f"; {owner}, which Service {service.namespace}/{service.name} selects, declares container port "
                f"\"{wanted}\", but no port of the Service targets it")
    finding = _finding(monitor, "endpoints", index, endpoint, "port", wanted, "port of the Services it selects", named,
                       "endpoint port name (the Service port's `name`)", related, note)
    if unexposed:
        finding.fix = _expose_fix(monitor, index, wanted, service, number)
    elif (by_number := _quoted_service_port_fix(monitor, index, wanted, selected)) is not None:
        finding.fix = by_number
    yield finding


def _quoted_service_port_fix(monitor: K8sObject, index: int, wanted: str, selected: list[K8sObject]) -> str | None:
    """`port: "8080"` meant the Service port numbered 8080 (a quoted number is a name to the operator, and no port
    can be named so): keep that port by its name, or — unnamed, the Service's only port — by the container port
    its number `targetPort` reaches. None when no selected Service has one port of that number to go by."""
    if not (wanted.isdigit() and port_name_problems(wanted)):
        return None
    where = f"endpoints[{index}] of {monitor.kind} {monitor.namespace}/{monitor.name}"
    found = [(service, as_map(p)) for service in selected for p in as_seq(get_path(service.doc, "spec", "ports"))
             if as_map(p).get("port") == int(wanted)]
    if len(found) != 1:
        return None
    (service, port), = found
    name = as_str(port.get("name"))
    if name:
        return (f"Set `port: {yaml_scalar(name)}` in {where}: `port` keeps a Service port by its name, and Service "
                f"{service.namespace}/{service.name} names its port {int(wanted)} \"{name}\".")
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int) and not isinstance(target, bool):
        return (f"Write `targetPort: {target}` in place of `port: \"{wanted}\"` in {where}: `port` keeps a Service "
                f"port by its name, and port {int(wanted)} of Service {service.namespace}/{service.name} has none; "
                f"`targetPort` keeps the container port it reaches by number.")
    return None


def _unexposed_container_port(workspace: Workspace, selected: list[K8sObject],
                              wanted: str) -> tuple[K8sObject, Any, int | None] | None:
    """(Service, pod, container port number) when a pod a selected Service selects declares a container port named
    `wanted` that no port of the Service targets; the number is None when no port can simply be added: the Service
    already has a port of that number (a second one is refused), or a port without a name (once the Service has
    several ports, each needs one: "spec.ports[0].name: Required value", validation.go validateServicePort)."""
    for service in selected:
        ports = [as_map(p) for p in as_seq(get_path(service.doc, "spec", "ports"))]
        used = {p.get("port") for p in ports}
        if any(not as_str(p.get("name")) for p in ports):
            used = None  # every number is "taken": adding a port would leave the unnamed one invalid
        targets = {p.get("targetPort", p.get("port")) for p in ports}
        for pod in _pods_behind(workspace, service):
            for container in pod.containers:
                for p in as_seq(container.node.get("ports")):
                    p = as_map(p)
                    number = p.get("containerPort")
                    if (as_str(p.get("name")) == wanted and isinstance(number, int) and not isinstance(number, bool)
                            and wanted not in targets and number not in targets):
                        return service, pod, None if used is None or number in used else number
    return None


def _expose_fix(monitor: K8sObject, index: int, wanted: str, service: K8sObject, number: int | None) -> str:
    """Reach the container port: keep it by `targetPort` (Prometheus' endpoints/endpointslice discovery also makes a
    target of every container port of a pod it sees that no Service port covers, discovery/kubernetes/endpoints.go,
    and the operator keeps it on __meta_kubernetes_pod_container_port_name), or give the Service a port for it —
    not on a LoadBalancer or NodePort Service, where that port would be published outside the cluster."""
    where = f"endpoints[{index}] of {monitor.kind} {monitor.namespace}/{monitor.name}"
    by_target = f"`targetPort: {yaml_scalar(wanted)}` in place of `port: {yaml_scalar(wanted)}` in {where}"
    kind = as_str(get_path(service.doc, "spec", "type"))
    if number is None or kind in ("LoadBalancer", "NodePort"):
        why = (f" (a port added to {kind} Service {service.namespace}/{service.name} would be published outside the "
               "cluster)") if kind in ("LoadBalancer", "NodePort") else ""
        return f"Keep the container port by name: {by_target}{why}."
    return (f"Expose it in Service {service.namespace}/{service.name}: add `- {{name: {yaml_scalar(wanted)}, port: "
            f"{number}, targetPort: {yaml_scalar(wanted)}}}` to its `ports`; or keep the container port by name: "
            f"{by_target}.")


def _unresolved_target_ports(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap, wanted: str,
                             selected: list[K8sObject]) -> Iterator[Finding]:
    """The Service port the monitor keeps names a `targetPort` no container of the Service's pods declares: the
    Endpoints (EndpointSlice) controller finds no port for those pods (podutil.FindPort) and leaves them out, so the
    kept port has no address and the endpoint scrapes nothing. Judged only when the inputs hold pods it selects."""
    for service in selected:
        pods = _pods_behind(workspace, service)
        for port in as_seq(get_path(service.doc, "spec", "ports")):
            port = as_map(port)
            target = port.get("targetPort")
            # (a targetPort no port could be named, a quoted "8080": the API server refuses the Service, KS602)
            if (not pods or not isinstance(target, str) or not target or _unknown(target, {}) or _injected(target)
                    or port_name_problems(target)
                    or not port_name_matches(wanted, as_str(port.get("name")))):
                continue
            protocol = as_str(port.get("protocol")) or "TCP"
            named = _find_port_names(pods, protocol)
            if any(target in names for names in named.values()):
                continue
            options = [name for names in named.values() for name in names if name]
            near = did_you_mean(target, options)
            hint = f" (did you mean \"{near}\"?)" if near else ""
            shown = "; ".join(f"{owner}: {', '.join(n for n in names if n) or f'no named {protocol} port'}"
                              for owner, names in list(named.items())[:3])
            unread = _unread_declaration(pods, target, protocol)
            yield Finding(
                "KS606", at(service.path, port.value_pos("targetPort")),
                f"Service {service.namespace}/{service.name} port {_port_label(port)}, which "
                f"{monitor.kind} {monitor.namespace}/{monitor.name} endpoints[{index}] keeps, targets container port "
                f"\"{target}\"{hint}, but no container of the pods it selects "
                f"declares a {protocol} port so named ({shown}){unread[0]}: the Endpoints controller leaves those pods "
                "out, so the port has no address and the endpoint scrapes nothing, with no error anywhere",
                fix=unread[1] or _target_port_fix(service, port, target, near, options),
                related=(Related(at(monitor.path, endpoint.value_pos("port")),
                                 f"{monitor.kind} {monitor.namespace}/{monitor.name} keeps this Service port here"),)
                + _declaring(pods),
                object=f"Service/{service.namespace}/{service.name}",
                data={"field": "targetPort", "name": target, **({"suggestion": near} if near else {})},
            )


def _port_label(port: YMap) -> str:
    """A Service port as a finding names it: by its name, or (unnamed, which a `port: .*` keeps) by its number."""
    name = as_str(port.get("name"))
    return f'"{name}"' if name else as_str(port.get("port"))


def _target_port_fix(service: K8sObject, port: YMap, target: str, near: str | None, options: list[str]) -> str:
    """Point the Service port at a declared container port, or name the serving one `target` — not a container port
    another port of the Service targets by name: renamed, that port would lose its address instead."""
    where = f"port {_port_label(port)} of Service {service.namespace}/{service.name}"
    point = (f"Set `targetPort: {yaml_scalar(near)}`" if near else
             "Set `targetPort:` to one of the names above (or the container port's number)")
    taken = sorted({as_str(as_map(p).get("targetPort")) for p in as_seq(get_path(service.doc, "spec", "ports"))
                    if as_map(p) is not port} & set(options))
    keep = (f" (not {', '.join(taken)}: another port of the Service targets {'them' if len(taken) > 1 else 'it'})"
            if taken else "")
    return f"{point} in {where}, or name \"{target}\" the container port that serves the metrics{keep}."


def _find_port_containers(pod) -> Iterator[tuple[YMap, bool]]:
    """(container, read) for each container of a pod: podutil.FindPort (pkg/api/v1/pod/util.go, also in
    k8s.io/endpointslice) resolves a named targetPort against the app containers and the sidecars (init containers
    with restartPolicy: Always) only; a plain init container has exited before the pod serves."""
    for key in ("containers", "initContainers"):
        for node in as_seq(pod.spec.get(key)):
            container = as_map(node)
            yield container, key == "containers" or as_str(container.get("restartPolicy")) == "Always"


def _find_port_names(pods: list, protocol: str) -> dict[str, list[str]]:
    """The container port names FindPort can resolve for a Service port of `protocol`: it needs the same protocol
    (a container port's defaults to TCP, as a Service port's does)."""
    return {f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}": [
        as_str(as_map(p).get("name")) for container, read in _find_port_containers(pod) if read
        for p in as_seq(container.get("ports")) if (as_str(as_map(p).get("protocol")) or "TCP") == protocol]
        for pod in pods}


def _numbered_endpoints(spec: YMap, key: str) -> Iterator[tuple[int, YMap, str, int]]:
    """(index, endpoint, field, number) of each endpoint that keeps its port by container port number: a numeric
    `targetPort`, or a PodMonitor's `portNumber`, when no field before it decides (operator._port_filter's order,
    promcfg.go: `port`, then `targetPort`, then `portNumber`)."""
    for index, endpoint in enumerate(as_seq(spec.get(key))):
        if not isinstance(endpoint, YMap):
            continue
        field = next((f for f in ("port", "targetPort", "portNumber") if f in endpoint), None)
        value = endpoint.get(field) if field else None
        if field in ("targetPort", "portNumber") and isinstance(value, int) and not isinstance(value, bool) and value:
            yield index, endpoint, field, value


def _exited_init_port(monitor: K8sObject, index: int, endpoint: YMap, key: str, wanted: str | int,
                      pods: list, endpoints_key: str = "podMetricsEndpoints") -> Iterator[Finding]:
    """A monitor port kept only on plain init containers (no `restartPolicy: Always`), by name or by number:
    Prometheus' pod, endpoints and endpointslice discovery list init containers' ports too (discovery/kubernetes
    pod.go buildPod, endpoints.go/endpointslice.go walk `append(Containers, InitContainers...)`, setting
    `__meta_kubernetes_pod_container_init`), so the keep finds its targets, but such a container runs to completion
    before the pod's containers start (nothing listens there once the pod runs; if it serves forever, the pod never
    starts). Not when a running container (an app container or a sidecar) of any selected pod declares a port the
    keep matches."""
    def matches(port: YMap) -> bool:
        if isinstance(wanted, int):
            return port.get("containerPort") == wanted
        return port_name_matches(wanted, as_str(port.get("name")))

    declaring = None
    for pod in pods:
        for container, running in _find_port_containers(pod):
            for port in as_seq(container.get("ports")):
                if not matches(as_map(port)):
                    continue
                if running:
                    return
                declaring = declaring or (pod, container)
    if declaring is None:
        return
    pod, container = declaring
    name, owner = as_str(container.get("name")), f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
    shown = wanted if isinstance(wanted, int) else f'"{wanted}"'
    discovery = "pod" if endpoints_key == "podMetricsEndpoints" else "endpoints"
    yield Finding(
        "KS606", at(monitor.path, endpoint.value_pos(key)),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {endpoints_key}[{index}] keeps {key} {shown}, "
        f"which only init container {name} of {owner} declares, without `restartPolicy: Always`: the kubelet runs it "
        f"to completion before it starts the pod's containers, so either it exits and nothing listens on the port "
        f"once the pod runs — Prometheus' {discovery} discovery still lists it (__meta_kubernetes_pod_container_init=\"true\") "
        f"and every scrape is refused — or it keeps serving and the pod never gets past its init phase",
        fix=(f"Make init container {name} of {owner} a sidecar: add `restartPolicy: Always` to it (Kubernetes 1.29 "
             f"and later), so it keeps running beside the pod's containers; or move it under `containers:`."),
        related=(Related(key_span(pod.obj.path, container, "name"), f"init container {name} declares the port "
                         f"{shown} and must exit before the pod's containers start"),),
        object=f"{monitor.kind}/{monitor.namespace}/{monitor.name}",
        data={"field": key, "name": wanted, "init_container": name},
    )


def _unread_declaration(pods: list, target: str, protocol: str) -> tuple[str, str]:
    """(clause for the message, fix) when a container does declare `target` but FindPort does not read it there:
    another protocol, or a plain init container; ("", "") when no container declares it at all."""
    for pod in pods:
        owner = f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
        for container, read in _find_port_containers(pod):
            for p in as_seq(container.get("ports")):
                p = as_map(p)
                if as_str(p.get("name")) != target:
                    continue
                name = as_str(container.get("name"))
                other = as_str(p.get("protocol")) or "TCP"
                if other != protocol:
                    return (f"; container {name} of {owner} declares it with protocol {other}, and the controller "
                            "matches the name and the protocol",
                            f"Declare the port with the Service port's protocol (`protocol: {protocol}` in the "
                            f"\"{target}\" entry of container {name}), or point `targetPort:` at a {protocol} port.")
                if not read:
                    return (f"; only init container {name} of {owner} declares it, and the controller reads an init "
                            "container's ports only when it is a sidecar (restartPolicy: Always)",
                            f"Declare the port \"{target}\" in the container that serves it (under `containers:`, "
                            f"or make init container {name} a sidecar with `restartPolicy: Always` when it runs for the "
                            "pod's whole life).")
    return "", ""


def _pods_behind_all(workspace: Workspace, services: list[K8sObject]) -> list:
    """The pods of the inputs behind any of the Services, each once."""
    return list({id(pod): pod for service in services for pod in _pods_behind(workspace, service)}.values())


def _target_port(workspace: Workspace, monitor: K8sObject, index: int, endpoint: YMap,
                 selected: list[K8sObject], ignored: tuple[Related, ...] = ()) -> Iterator[Finding]:
    wanted = as_str(endpoint.get("targetPort"))
    pods = _pods_behind_all(workspace, selected)
    named = _container_port_names(pods)
    if not named or _unknown(wanted, named) or _injected(wanted):
        return  # no pod of theirs in the inputs: it may declare the port
    if _kept(wanted, named):
        yield from _exited_init_port(monitor, index, endpoint, "targetPort", wanted, pods, "endpoints")
        return
    yield _finding(monitor, "endpoints", index, endpoint, "targetPort", wanted, "container port of the pods its "
                   "Services select", named, "pod container port name",
                   tuple(Related(s.span, f"Service {s.namespace}/{s.name} is selected here") for s in selected[:3])
                   + _declaring(pods) + ignored)


def _finding(monitor: K8sObject, endpoints_key: str, index: int, endpoint: YMap, key: str, wanted: str, what: str,
             named: dict[str, list[str]], label: str, related: tuple[Related, ...], note: str = "") -> Finding:
    options = [name for names in named.values() for name in names if name]
    shown = "; ".join(f"{owner}: {', '.join(n for n in names if n) or 'no named port'}"
                      for owner, names in list(named.items())[:3])
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    near = did_you_mean(wanted, options)
    hint = f" (did you mean \"{near}\"?)" if near else ""
    return Finding(
        "KS606", at(monitor.path, endpoint.value_pos(key)),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {endpoints_key}[{index}] keeps {key} \"{wanted}\"{hint}, but no "
        f"{what} is named so ({shown}{more}){note}: the operator keeps only targets whose {label} is "
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
    if not _PORT_NAME.fullmatch(wanted):
        # A regex (the operator passes `port` through as one, anchored), or no name a port may carry: "name the
        # port so" would be refused; name it something the pattern matches.
        name_it = f"give the {port} a name `{wanted}` matches (a regex, anchored)"
        if not options:
            return f"In its `ports` entry, {name_it}: no {port} has a name {where} could keep."
        return (f"Set `{key}:` to one of the names above in {where}" if not near else
                f"Set `{key}: {yaml_scalar(near)}` in {where}") + f", or {name_it}."
    if not options:
        return f"Name the {port} \"{wanted}\" (`name: {yaml_scalar(wanted)}` in its `ports` entry): no {port} has a name {where} could keep."
    return ((f"Set `{key}: {near}`" if near else f"Set `{key}:` to one of the names above") + f" in {where}, or name "
            f"the {port} so.")


# A name a port can carry: a Service port's is a DNS label, a container port's an IANA service name (also one).
_PORT_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
