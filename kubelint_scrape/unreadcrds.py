"""Scrape definitions in the CRDs of scrapers this tool does not model (KS007): Google Cloud Managed Service for
Prometheus (GMP) and the Grafana Agent operator (the VictoriaMetrics operator's are translated: vmoperator.py). Their operators turn these objects into
a scrape configuration at run time, so what the jobs need is not checked; but the ServiceAccount that runs them is
a scraper all the same (grants.unread_config_runners), and the user is told once per runner, not once per object."""

from __future__ import annotations

from .records import dataclass

from .findings import Finding
from .model import K8sObject, Workspace, named
from .operator import (GRAFANA_AGENT_MONITOR_KINDS, MONITOR_KINDS, grafana_agent_instance, otel_allocator_collector,
                       otel_prometheus_cr)
from .otel import collector_service_account, target_allocator_service_account
from .rbac import Identity
from .yamltree import YMap, as_str, get_path, value_span


@dataclass(frozen=True)
class Family:
    name: str
    group: str  # the API group of its CRDs
    scrape_kinds: tuple[str, ...]  # objects that define scrape jobs
    runner_kind: str | None  # the object whose pods run them, when the user writes one


FAMILIES = (
    # GoogleCloudPlatform/prometheus-engine: the operator renders them for its collector DaemonSet (no runner CR).
    # An OperatorConfig defines scrapes only with `collection.kubeletScraping` (the kubelets' metrics endpoints:
    # operator_types.go CollectionSpec.KubeletScraping); the collector then needs get nodes/metrics.
    Family("Google Cloud Managed Service for Prometheus", "monitoring.googleapis.com",
           ("PodMonitoring", "ClusterPodMonitoring", "ClusterNodeMonitoring", "OperatorConfig"), None),
    # grafana/agent pkg/operator: a GrafanaAgent runs the MetricsInstances it selects (which select monitors).
    Family("Grafana Agent operator", "monitoring.grafana.com", ("MetricsInstance",), "GrafanaAgent"),
)

# GMP's managed collection: the DaemonSet gmp-system/collector, ServiceAccount collector (prometheus-engine
# manifests/operator.yaml).
GMP_COLLECTOR = Identity("gmp-system", "collector")


def _objects(workspace: Workspace, family: Family, kinds: tuple[str, ...]) -> list[K8sObject]:
    found = [o for kind in kinds for o in workspace.kind(kind) if o.api_version.startswith(family.group + "/")
             and (kind != "OperatorConfig" or get_path(o.doc, "collection", "kubeletScraping") is not None)]
    return sorted(found, key=lambda o: (o.span.path, o.span.line))


def _runner_identity(obj: K8sObject) -> Identity:
    """The ServiceAccount the pods of a runner CR run as."""
    named = as_str(get_path(obj.doc, "spec", "serviceAccountName"))
    if named:
        return Identity(obj.namespace, named)
    return Identity(obj.namespace, "default")  # GrafanaAgent: the pod template copies it, empty = the default


def _gmp_collector(workspace: Workspace) -> Identity:
    daemonset = workspace.find("DaemonSet", GMP_COLLECTOR.namespace, GMP_COLLECTOR.name)
    sa = as_str(get_path(daemonset.doc, "spec", "template", "spec", "serviceAccountName")) if daemonset else ""
    return Identity(GMP_COLLECTOR.namespace, sa or (GMP_COLLECTOR.name if daemonset is None else "default"))


def unread_crd_runners(workspace: Workspace) -> dict[Identity, list[str]]:
    """The ServiceAccounts that run scrapes defined in unread CRDs → what they run (for grants.unmodelled)."""
    result: dict[Identity, list[str]] = {}
    for family in FAMILIES:
        if family.runner_kind:
            for obj in _objects(workspace, family, (family.runner_kind,)):
                result.setdefault(_runner_identity(obj), []).append(
                    f"the {family.name}'s configuration for {named(obj)}")
        elif _objects(workspace, family, family.scrape_kinds):
            result.setdefault(_gmp_collector(workspace), []).append(f"the {family.name} collector's configuration")
    for collector, _prometheus_cr in _otel_allocators(workspace):
        for identity in _allocator_identities(collector):
            result.setdefault(identity, []).append(
                f"the target allocator's prometheusCR of OpenTelemetryCollector {collector.namespace}/{collector.name}")
    return result


def _otel_allocators(workspace: Workspace) -> list[tuple[K8sObject, YMap]]:
    """OpenTelemetryCollectors whose target allocator runs the Prometheus Operator monitors it selects
    (spec.targetAllocator.prometheusCR.enabled), with that prometheusCR: the allocator discovers their targets
    with its own ServiceAccount, the collectors scrape them with theirs — neither modelled here."""
    found = [(c, cr) for c in workspace.kind("OpenTelemetryCollector") if (cr := otel_prometheus_cr(c)) is not None]
    return sorted(found, key=lambda pair: (pair[0].span.path, pair[0].span.line))


def _allocator_identities(collector: K8sObject) -> tuple[Identity, Identity]:
    """(the target allocator's, the collectors') ServiceAccounts."""
    allocator = target_allocator_service_account(collector)
    return (Identity(collector.namespace, allocator[0] if allocator else f"{collector.name}-targetallocator"),
            Identity(collector.namespace, collector_service_account(collector)[0]))


ALLOCATOR_FIX = ("Check both ServiceAccounts by hand: the target allocator's needs list and watch on the monitor "
                 "kinds it selects (monitoring.coreos.com servicemonitors, podmonitors, scrapeconfigs, probes), on "
                 "namespaces, and on what each monitor discovers (endpointslices or endpoints, services, pods); the "
                 "collectors' needs what their scrapes need (get nodes/metrics for a kubelet, get on the URL for the API "
                 "server). Suppress this notice with a reason once done.")


def _allocator_findings(workspace: Workspace) -> list[Finding]:
    findings = []
    allocators = _otel_allocators(workspace)
    if not allocators:
        return findings
    selected: dict[int, list[K8sObject]] = {}
    for kind in MONITOR_KINDS:
        for monitor in workspace.kind(kind):
            if monitor.api_version.startswith("monitoring.coreos.com/"):
                collector = otel_allocator_collector(workspace, monitor)
                if collector is not None:
                    selected.setdefault(id(collector), []).append(monitor)
    for collector, prometheus_cr in allocators:
        monitors = selected.get(id(collector), [])
        held = f" (in the inputs: {_counts(monitors)})" if monitors else ""
        allocator, scraper = _allocator_identities(collector)
        findings.append(Finding(
            "KS007", value_span(collector.path, prometheus_cr, "enabled"),
            f"the target allocator of {named(collector)} runs the ServiceMonitors, PodMonitors, ScrapeConfigs and "
            f"Probes its prometheusCR selects{held}: it discovers their targets as ServiceAccount {allocator} and the "
            f"collectors scrape them as {scraper}; this tool does not model the target allocator's prometheusCR, so "
            f"what these jobs need from the API server and the kubelets — and whether those ServiceAccounts hold it — "
            f"is not checked; both still count as scrapers for the grant hazards (KS201, KS202, KS204, KS205, KS206), "
            f"and none of their grants is called unused (KS203)",
            fix=ALLOCATOR_FIX, object=collector.ref,
            data={"family": "OpenTelemetry target allocator (prometheusCR)", "identity": str(allocator)},
        ))
    return findings


def _counts(objects: list[K8sObject]) -> str:
    kinds: dict[str, int] = {}
    for obj in objects:
        kinds[obj.kind] = kinds.get(obj.kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items())


FIX = ("Check that ServiceAccount's RBAC by hand: service/pod/endpoint discovery needs list and watch on endpoints "
       "or endpointslices, services and pods, node scrapes need list and watch on nodes, a kubelet scrape needs get on "
       "nodes/metrics (nodes/proxy only through the API server proxy). Suppress this notice with a reason once done.")


def unread_crd_findings(workspace: Workspace) -> list[Finding]:
    """One KS007 per runner CR in the inputs (a VMAgent, a GrafanaAgent), or, when the inputs hold none, one on the
    family's first scrape object: a repository with hundreds of VMServiceScrapes gets one notice, not hundreds."""
    findings = []
    for family in FAMILIES:
        scrapes = _objects(workspace, family, family.scrape_kinds)
        if family.runner_kind == "GrafanaAgent":
            scrapes += _agent_monitors(workspace)  # (only when a MetricsInstance is there: `scrapes[0]` stays one)
        runners = _objects(workspace, family, (family.runner_kind,)) if family.runner_kind else []
        held = f" (in the inputs: {_counts(scrapes)})" if scrapes else ""
        for obj in runners:
            identity = _runner_identity(obj)
            findings.append(_finding(
                obj, f"{named(obj)} runs the scrape jobs the {family.name} renders from the objects it selects{held}, "
                f"as ServiceAccount {identity}", identity, family))
        if scrapes and not runners:
            first, one = scrapes[0], len(scrapes) == 1
            if family.runner_kind:
                identity, runs = None, f"{'is' if one else 'are'} run by a {family.runner_kind} that is not in the inputs"
            else:
                identity = _gmp_collector(workspace)
                runs = (f"{'is' if one else 'are'} rendered by its operator for the collector DaemonSet, which runs "
                        f"{'it' if one else 'them'} as ServiceAccount {identity}")
            # "and the other … (1 OperatorConfig)" for a single object read as if there were more
            which = (f"{named(first)}, the only {family.name} scrape object in the inputs," if one else
                     f"{named(first)} and the other {family.name} scrape objects in the inputs ({_counts(scrapes)})")
            findings.append(_finding(first, f"{which} {runs}", identity, family))
    findings.extend(_allocator_findings(workspace))
    return findings


def _agent_monitors(workspace: Workspace) -> list[K8sObject]:
    """The Prometheus Operator monitors a Grafana Agent MetricsInstance of the inputs selects: the GrafanaAgent runs
    them, so they are counted in its notice (and get no KS100 of their own)."""
    found = [m for kind in GRAFANA_AGENT_MONITOR_KINDS for m in workspace.kind(kind)
             if m.api_version.startswith("monitoring.coreos.com/") and grafana_agent_instance(workspace, m) is not None]
    return sorted(found, key=lambda o: (o.span.path, o.span.line))


def _finding(obj: K8sObject, what: str, identity: Identity | None, family: Family) -> Finding:
    account = "that ServiceAccount" if identity else "the ServiceAccount that runs them"
    hazards = ("; it still counts as a scraper for the grant hazards (KS201, KS202, KS204, KS205, KS206), and none of "
               "its grants is called unused (KS203)" if identity else "")
    return Finding(
        "KS007", obj.name_span(),
        f"{what}; this tool does not read {family.name} objects, so what these jobs need from the API server and the "
        f"kubelets — and whether {account} holds it — is not checked{hazards}",
        fix=FIX, object=obj.ref,
        data={"family": family.name, "identity": str(identity) if identity else None},
    )
