"""Workload containers of the inputs that a monitor scrapes on a port they bind to loopback only (KS305).

A server started with its listen address on 127.0.0.1/localhost/::1 accepts connections from its own pod only:
Prometheus, in another pod, connects to the pod IP and is refused. The listen flags read here are those whose
value is a `host:port` address of the metrics server: controller-runtime's `--metrics-bind-address` (kubebuilder v3
binds the manager to 127.0.0.1:8080 behind a kube-rbac-proxy sidecar, which is what a monitor must scrape),
kube-rbac-proxy's `--secure-listen-address`, and the exporter toolkit's `--web.listen-address` (node-exporter,
kube-state-metrics' `--telemetry-host` aside, most prometheus exporters; repeatable: every address counts).

Only ServiceMonitor and PodMonitor jobs are judged: their endpoint names the port, and the inputs show the
Services and pods it selects (the Service's targetPort, declared by a container or, undeclared, matched by the port
of a listen flag: kubebuilder's manager declares none).
"""

from __future__ import annotations

from typing import Iterator

from .model import Container, LabelSelector, PodTemplate, Workspace, flag_values, go_flag
from .operator import OPERATOR_GROUP, monitor_endpoint as operator_monitor_endpoint, monitor_namespaces, port_name_matches
from .promconfig import ScrapeJob, is_loopback_host
from .yamltree import YMap, as_map, as_seq, as_str, get_path

# (flag, whether the program reads it as a Go flag: the last use wins; else every use is a listener)
LISTEN_FLAGS = (("metrics-bind-address", True), ("secure-listen-address", True), ("web.listen-address", False))


def loopback_bound(workspace: Workspace, job: ScrapeJob) -> Iterator[tuple[PodTemplate, Container, int, str, str]]:
    """(pod, container, port, flag, address) of each container the monitor job scrapes on a port it binds to
    loopback only."""
    listening = workspace.index("loopback-listeners", lambda: _listening_pods(workspace))
    endpoint = monitor_endpoint(job) if listening else None
    if endpoint is None:
        return
    seen: set[tuple[int, str, int]] = set()
    for pod, container, number in _served(workspace, listening, job, endpoint):
        key = (id(pod), container.name if container else "", number)
        if key in seen:
            continue
        seen.add(key)
        if _listens_beyond_loopback(pod, number):
            continue
        for candidate in ([container] if container is not None else pod.app_containers):
            found = _loopback_listener(candidate, number)
            if found is not None:
                yield pod, candidate, number, *found
                break


def plain_http_served(workspace: Workspace, job: ScrapeJob) -> Iterator[tuple[PodTemplate, Container, int]]:
    """(pod, container, port) of each controller-runtime metrics server the monitor job scrapes with `scheme:
    https` while `--metrics-secure` is written false: the server speaks plain HTTP (KS309)."""
    if job.scheme != "https":
        return
    plain = workspace.index("plain-metrics-servers", lambda: _plain_pods(workspace))
    endpoint = monitor_endpoint(job) if plain else None
    if endpoint is None:
        return
    seen: set[tuple[int, int]] = set()
    for pod, container, number in _served(workspace, plain, job, endpoint):
        for candidate in ([container] if container is not None else pod.app_containers):
            if _plain_port(candidate) == number and (id(pod), number) not in seen:
                seen.add((id(pod), number))
                yield pod, candidate, number
                break


def _plain_port(container: Container) -> int | None:
    """The port of a controller-runtime metrics server that serves plain HTTP beyond its pod: `--metrics-secure`
    written false (kubebuilder v4 main.go then sets no SecureServing) and a non-loopback --metrics-bind-address."""
    from .ctrlruntime import BIND_FLAG, SECURE_FLAG
    from .model import GO_FALSE

    words = container.command + container.args
    address = go_flag(words, BIND_FLAG)
    if go_flag(words, SECURE_FLAG, boolean=True) not in GO_FALSE or address is None or ":" not in address:
        return None
    host, _, port = address.rpartition(":")
    if is_loopback_host(host.strip("[]")) or not port.isdigit():
        return None
    return int(port)


def _plain_pods(workspace: Workspace) -> dict[str, list[PodTemplate]]:
    found: dict[str, list[PodTemplate]] = {}
    for pod in workspace.workloads:
        if any(_plain_port(container) is not None for container in pod.app_containers):
            found.setdefault(pod.obj.namespace, []).append(pod)
    return found


def monitor_endpoint(job: ScrapeJob) -> YMap | None:
    """The endpoint of the Prometheus Operator ServiceMonitor or PodMonitor a job is generated from, or None."""
    monitor = job.monitor
    if monitor is None or monitor.kind not in ("ServiceMonitor", "PodMonitor"):
        return None
    return operator_monitor_endpoint(job) if monitor.api_version.startswith(OPERATOR_GROUP) else None


def _listening_pods(workspace: Workspace) -> dict[str, list[PodTemplate]]:
    """{namespace: pods with a container that binds some port of a listen flag to loopback}, built once: only they
    can be reported, so the Services and pods of every other monitor are never looked at."""
    found: dict[str, list[PodTemplate]] = {}
    for pod in workspace.workloads:
        if any(_loopback_listener(container, None) for container in pod.app_containers):
            found.setdefault(pod.obj.namespace, []).append(pod)
    return found


def _served(workspace: Workspace, listening: dict[str, list[PodTemplate]], job: ScrapeJob,
            endpoint: YMap) -> Iterator[tuple[PodTemplate, Container | None, int]]:
    """(pod, the container declaring the port or None when none does, port number) the endpoint reaches, among the
    pods of `listening` (by namespace: the only ones that can be reported)."""
    monitor = job.monitor
    spec = as_map(monitor.doc.get("spec"))
    chosen = LabelSelector.from_node(spec.get("selector"))
    namespaces = monitor_namespaces(monitor, spec)
    pods = [p for ns, group in listening.items() if namespaces is None or ns in namespaces for p in group]
    if not pods:
        return
    if monitor.kind == "PodMonitor":
        target = endpoint.get("port") if isinstance(endpoint.get("port"), str) else endpoint.get("portNumber",
                                                                                                  endpoint.get("targetPort"))
        for pod in pods:
            if chosen.matches(pod.labels):
                yield from _port_of(pod, target)
        return
    for service in workspace.kind("Service"):
        if service.api_version != "v1" or service.namespace not in listening:
            continue
        if namespaces is not None and service.namespace not in namespaces:
            continue
        if not chosen.matches(service.labels):
            continue
        for port in as_seq(get_path(service.doc, "spec", "ports")):
            port = as_map(port)
            if isinstance(endpoint.get("port"), str):
                if not port_name_matches(endpoint.get("port"), as_str(port.get("name"))):
                    continue
                target = port.get("targetPort", port.get("port"))
            elif "targetPort" in endpoint:
                target = endpoint.get("targetPort")
            else:
                continue
            for pod in pods:
                if pod.selected_by(service):
                    yield from _port_of(pod, target)


def _port_of(pod: PodTemplate, target) -> Iterator[tuple[PodTemplate, Container | None, int]]:
    served = pod.port_serving(target)
    if served is not None:
        yield pod, served[0], served[1]
    elif isinstance(target, int) and not isinstance(target, bool):
        yield pod, None, target  # undeclared: the container whose listen flag names the port


def _addresses(container: Container, flag: str, go: bool) -> list[str]:
    """The addresses the container's `flag` ends with: a Go flag's last use, else every use."""
    words = container.command + container.args
    if go:
        value = go_flag(words, flag)
        return [value] if value is not None else []
    return [*flag_values(words, "--" + flag), *flag_values(words, "-" + flag)]


def _listens_beyond_loopback(pod: PodTemplate, number: int) -> bool:
    """Whether some app container of the pod binds `number` on an address other than loopback: kube-prometheus's
    node-exporter listens on 127.0.0.1:9100 and its kube-rbac-proxy sidecar on [$(IP)]:9100, so the pod IP's
    port 9100 that the monitor scrapes is the proxy's, whichever container declares the port."""
    port = str(number)
    return any(host_port[2] == port and not is_loopback_host(host_port[0].strip("[]"))
               for container in pod.app_containers for flag, go in LISTEN_FLAGS
               for host_port in (value.rpartition(":") for value in _addresses(container, flag, go)))


def _loopback_listener(container: Container, number: int | None) -> tuple[str, str] | None:
    """(flag, address) when the container's listen flags bind `number` (None: any port) to loopback and nothing
    else."""
    for flag, go in LISTEN_FLAGS:
        values = _addresses(container, flag, go)
        for port in ([str(number)] if number is not None else dict.fromkeys(v.rpartition(":")[2] for v in values)):
            on_port = [v for v in values if v.rpartition(":")[2] == port]
            if on_port and all(is_loopback_host(v.rpartition(":")[0].strip("[]")) for v in on_port):
                return flag, on_port[-1]
    return None
