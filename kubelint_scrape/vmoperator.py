"""VictoriaMetrics operator resources → the same ScrapeJobs a plain config produces, as operator.py does for the
Prometheus Operator's (imported only when the inputs hold a VictoriaMetrics kind: build.py).

The operator (VictoriaMetrics/operator internal/controller/operator/factory/vmagent) renders each VMServiceScrape
and VMPodScrape endpoint and each VMNodeScrape that a VMAgent selects into a scrape job of that VMAgent's config
(servicescrape.go generateServiceScrapeConfig, podscrape.go, nodescrape.go generateNodeScrapeConfig), with the
Prometheus Operator's job shape: selector keep rules, the endpoint's port filter, then the user's relabelConfigs.
A VMAgent's own scrape configs (spec.additionalScrapeConfigs, a Secret key, then spec.inlineScrapeConfig) are plain
vmagent scrape configs appended after them (vmagent_scrapeconfig.go generateConfig) and read as written.
VMScrapeConfig (scrapeconfig.go generateScrapeConfig), VMStaticScrape (staticscrape.go generateStaticScrapeConfig)
and VMProbe (probe.go generateProbeConfig) become the jobs those functions render.
"""

from __future__ import annotations

import re

from .load import Limits
from .model import K8sObject, LabelSelector, Workspace, is_victoriametrics
from .operatorfields import misspelling_of
from .operator import (SCRAPE_CONFIG_KEYS, PortBook, RunnerView, _at, _job_root, _monitor_jobs, _namespace_selects,
                       _namespace_spans, monitor_namespaces, _operator_skips, _sd, _seq, _selector_relabels, _node,
                       _user_relabels, _token_from_secret, additional_scrape_configs, file_fields, namespace_selector_miss,
                       scrape_config_jobs, scrape_config_list)
from .promconfig import PromConfig, ScrapeJob, build_job
from .yamltree import YMap, YSeq, as_map, as_seq, as_str, get_path, key_span

RUNNER_KIND = "VMAgent"
# scrape kind → (VMAgent selector field, namespace selector field) (vmagent_types.go VMAgentSpec)
SCRAPE_KINDS = {
    "VMServiceScrape": ("serviceScrapeSelector", "serviceScrapeNamespaceSelector"),
    "VMPodScrape": ("podScrapeSelector", "podScrapeNamespaceSelector"),
    "VMNodeScrape": ("nodeScrapeSelector", "nodeScrapeNamespaceSelector"),
    "VMStaticScrape": ("staticScrapeSelector", "staticScrapeNamespaceSelector"),
    "VMProbe": ("probeSelector", "probeNamespaceSelector"),
    "VMScrapeConfig": ("scrapeConfigSelector", "scrapeConfigNamespaceSelector"),
}
ALL_KINDS = (RUNNER_KIND, *SCRAPE_KINDS)  # build.VM_KINDS spells them out (a test keeps them equal)

# The ClusterRole the operator makes for a VMAgent without spec.serviceAccountName (factory/vmagent/rbac.go
# clusterWidePolicyRules, bound to the ServiceAccount vmagent-<name> it also makes): what that account is granted
# when the operator runs cluster-wide, its default (no WATCH_NAMESPACE).
OPERATOR_ROLE_RULES = (
    {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": [""], "resources": ["nodes", "nodes/metrics", "services", "endpoints", "pods", "configmaps",
                                      "namespaces", "secrets"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["networking.k8s.io", "extensions"], "resources": ["ingresses"], "verbs": ["get", "list", "watch"]},
    {"nonResourceURLs": ["/metrics", "/metrics/resources", "/metrics/slis"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["route.openshift.io", "image.openshift.io"], "resources": ["routers/metrics", "registry/metrics"],
     "verbs": ["get"]},
)

# The Role it makes instead, in the VMAgent's namespace, when it watches some namespaces only (rbac.go
# getSingleNamespaceRules: the config Secret for the reloader, then the discovery rules).
SINGLE_NAMESPACE_RULES = (
    {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "watch"], "resourceNames": []},  # vmagent-<name>
    {"apiGroups": ["discovery.k8s.io"], "resources": ["endpointslices"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": [""], "resources": ["services", "endpoints", "pods"], "verbs": ["get", "list", "watch"]},
    {"apiGroups": ["networking.k8s.io", "extensions"], "resources": ["ingresses"], "verbs": ["get", "list", "watch"]},
)


def vm_objects(workspace: Workspace, kind: str) -> list[K8sObject]:
    """The operator's objects of `kind`; one without metadata.name is a fragment, not an object (as operator.py)."""
    return [o for o in workspace.kind(kind) if is_victoriametrics(o) and o.name]


# The operator's image (docker.io or quay.io victoriametrics/operator), whose WATCH_NAMESPACE env limits it.
OPERATOR_IMAGE = re.compile(r"(^|/)victoriametrics/operator([:@]|$)")


def watched_namespaces(workspace: Workspace) -> tuple[str, ...] | None:
    """The namespaces the VictoriaMetrics operator watches when its workload is in the inputs and sets
    WATCH_NAMESPACE (a comma-separated list, or the pod's own namespace through a metadata.namespace fieldRef):
    config.MustGetBaseConfig().WatchNamespaces. None when it watches every namespace (its default), when no
    operator workload is in the inputs, or when several disagree. Computed once per workspace."""
    def build() -> tuple[str, ...]:
        found = set()
        for template in workspace.workloads:
            for container in template.containers:
                if not OPERATOR_IMAGE.search(container.image):
                    continue
                value = ""
                for entry in as_seq(container.node.get("env")):
                    entry = as_map(entry)
                    if as_str(entry.get("name")) != "WATCH_NAMESPACE":
                        continue
                    field_path = get_path(entry, "valueFrom", "fieldRef", "fieldPath")
                    value = (template.obj.namespace if as_str(field_path) == "metadata.namespace"
                             else as_str(entry.get("value")))
                found.add(tuple(sorted({name.strip() for name in value.split(",") if name.strip()})))
        return found.pop() if len(found) == 1 else ()

    return workspace.index("vm-operator-watched-namespaces", build) or None


def agent_identity(agent: K8sObject) -> tuple[str, bool]:
    """(the ServiceAccount a VMAgent's pods run as, whether the operator makes it): VMAgent.GetServiceAccountName,
    spec.serviceAccountName else vmagent-<name> (PrefixedName), which IsOwnsServiceAccount makes."""
    named = as_str(as_map(agent.doc.get("spec")).get("serviceAccountName"))
    return (named, False) if named else (f"vmagent-{agent.name}", True)


def ingest_only(agent: K8sObject) -> bool:
    """spec.ingestOnlyMode: vmagent only receives pushed samples; the operator renders no scrape config for it and
    makes no RBAC (vmagent.go CreateOrUpdate)."""
    return as_map(agent.doc.get("spec")).get("ingestOnlyMode") is True


def idle_reason(agent: K8sObject) -> str:
    """Why a VMAgent certainly scrapes nothing, or "": spec.ingestOnlyMode, or no selector of any kind, no
    selectAllByDefault and no scrape configs of its own (CommonScrapeParams.isUnmanaged: it then selects no object,
    wherever objects live)."""
    spec = as_map(agent.doc.get("spec"))
    if ingest_only(agent):
        return f"VMAgent {agent.namespace}/{agent.name} sets ingestOnlyMode: true and scrapes nothing"
    if (spec.get("selectAllByDefault") is True or any(spec.get(key) is not None for pair in SCRAPE_KINDS.values()
                                                        for key in pair)
            or spec.get("additionalScrapeConfigs") is not None or as_str(spec.get("inlineScrapeConfig")).strip()):
        return ""
    return (f"VMAgent {agent.namespace}/{agent.name} has no scrape selector, no selectAllByDefault: true and no "
            f"scrape configs of its own, so it scrapes nothing")


def operator_role_name(agent: K8sObject) -> str:
    return f"monitoring:{agent.namespace}:vmagent-{agent.name}"  # VMAgent.GetClusterRoleName


def operator_rbac(workspace: Workspace) -> tuple[list, list]:
    """The ClusterRole and ClusterRoleBinding the operator makes for each VMAgent of the inputs that names no
    ServiceAccount (not in ingestOnlyMode), as built-in-like objects (no place in the inputs): the access checks
    then see what that account really holds, and no grant of them is reported as if the user had written it."""
    from .model import BindingDef, PolicyRule, RoleDef, Subject

    roles, bindings = [], []
    watched = watched_namespaces(workspace)
    for agent in vm_objects(workspace, RUNNER_KIND):
        sa, made = agent_identity(agent)
        if not made or ingest_only(agent) or (watched is not None and agent.namespace not in watched):
            continue  # (a VMAgent outside the watched namespaces is not reconciled at all)
        name = operator_role_name(agent)
        subjects = [Subject("ServiceAccount", sa, agent.namespace, True, "", 0, None)]
        if watched is None:
            rules = [PolicyRule.from_node(rule, index, "") for index, rule in enumerate(OPERATOR_ROLE_RULES)]
            roles.append(RoleDef("ClusterRole", name, "", rules, {}))
            bindings.append(BindingDef("ClusterRoleBinding", name, "", "ClusterRole", name, subjects))
            continue
        written = [{**rule, "resourceNames": [sa]} if "resourceNames" in rule else rule for rule in SINGLE_NAMESPACE_RULES]
        rules = [PolicyRule.from_node(rule, index, "") for index, rule in enumerate(written)]
        roles.append(RoleDef("Role", name, agent.namespace, rules, {}))
        bindings.append(BindingDef("RoleBinding", name, agent.namespace, "Role", name, subjects))
    return roles, bindings


# ---------------------------------------------------------------------------------------------- selection


def _selector(workspace: Workspace, agent: K8sObject, kind: str):
    """Whether `agent` selects an object of `kind`, as k8stools.VisitObjectsForSelectorsAtNs does (the operator
    watching every namespace): both selectors absent select nothing, unless spec.selectAllByDefault (then
    everything, cluster-wide); an object selector alone looks in the VMAgent's own namespace; a namespace selector
    picks the namespaces, an absent object selector then matching every object there. In DaemonSet mode only
    VMPodScrapes are selected (collect_scrapes.go). Selectors are parsed once per VMAgent and kind, and each
    namespace is decided once (a monorepo's hundreds of scrape objects share a few namespaces)."""
    spec = as_map(agent.doc.get("spec"))
    selector_key, ns_key = SCRAPE_KINDS[kind]
    selector_node, ns_selector = spec.get(selector_key), spec.get(ns_key)
    if (kind != "VMPodScrape" and spec.get("daemonSetMode") is True) or ingest_only(agent):
        return lambda obj: False
    unmanaged = selector_node is None and ns_selector is None
    if unmanaged and spec.get("selectAllByDefault") is not True:
        return lambda obj: False
    watched = watched_namespaces(workspace)
    if watched is not None:
        # k8stools discoverNamespaces: the watched namespaces, whatever the namespace selector says; a VMAgent
        # outside them is not reconciled, and one whose account the operator makes selects no VMNodeScrape
        # (objects.go selectNodeScrapes: no cluster-wide access)
        if agent.namespace not in watched or (kind == "VMNodeScrape" and agent_identity(agent)[1]):
            return lambda obj: False
        only = LabelSelector.from_node(selector_node) if selector_node is not None else None
        return lambda obj: obj.namespace in watched and (only is None or only.matches(obj.labels))
    if unmanaged:
        return lambda obj: True
    selector = LabelSelector.from_node(selector_node) if selector_node is not None else None
    namespaces: dict[str, bool] = {}

    def selects(obj: K8sObject) -> bool:
        if selector is not None and not selector.matches(obj.labels):
            return False
        if ns_selector is None:
            return obj.namespace == agent.namespace
        chosen = namespaces.get(obj.namespace)
        if chosen is None:
            chosen = namespaces[obj.namespace] = _namespace_selects(workspace, agent, ns_selector, obj.namespace)
        return chosen

    return selects


def _written(spec: YMap, field: str) -> str:
    """' (written "<typo>", …)' when the VMAgent's spec misspells `field` (KS602 reports the key), so KS100's reason
    names the typo too; '' otherwise."""
    typo = misspelling_of(spec, RUNNER_KIND, field)
    return f' (written "{typo}", a field the operator does not read)' if typo else ""


def unselected_why(workspace: Workspace, agents: list[K8sObject], kind: str, obj: K8sObject) -> str:
    """Why no VMAgent of the inputs selects `obj`, one clause per VMAgent (for KS100)."""
    selector_key, ns_key = SCRAPE_KINDS[kind]
    reasons = []
    watched = watched_namespaces(workspace)
    scope = f"the operator watches only namespace(s) {', '.join(watched)} (WATCH_NAMESPACE)" if watched else ""
    for agent in agents:
        spec = as_map(agent.doc.get("spec"))
        name = f"VMAgent {agent.namespace}/{agent.name}"
        if watched and agent.namespace not in watched:
            reasons.append(f"{scope}, so it does not reconcile {name}")
        elif watched and obj.namespace not in watched and not ingest_only(agent):
            reasons.append(f"{scope}, so {name} selects nothing in namespace {obj.namespace}")
        elif watched and kind == "VMNodeScrape" and agent_identity(agent)[1]:
            reasons.append(f"{scope}, and in that mode it skips VMNodeScrapes for {name}, whose ServiceAccount it "
                           f"makes (set spec.serviceAccountName to an account granted nodes cluster-wide)")
        elif ingest_only(agent):
            reasons.append(f"{name} sets ingestOnlyMode: true and scrapes nothing")
        elif kind != "VMPodScrape" and spec.get("daemonSetMode") is True:
            reasons.append(f"{name} sets daemonSetMode: true, which selects VMPodScrapes only")
        elif spec.get(selector_key) is None and spec.get(ns_key) is None:
            reasons.append(f"{name} has neither spec.{selector_key}{_written(spec, selector_key)} nor "
                           f"spec.{ns_key}{_written(spec, ns_key)} and no selectAllByDefault: true"
                           f"{_written(spec, 'selectAllByDefault')}, so it selects no {kind}")
        elif spec.get(selector_key) is not None and not LabelSelector.from_node(spec[selector_key]).matches(obj.labels):
            reasons.append(f"{name}'s spec.{selector_key} does not match the labels of {kind} {obj.namespace}/{obj.name}")
        elif spec.get(ns_key) is None:
            reasons.append(f"{name} has no spec.{ns_key}{_written(spec, ns_key)}, which selects {kind}s only in its "
                           f"own namespace {agent.namespace}; `{ns_key}: {{}}` selects every namespace")
        else:
            reasons.append(namespace_selector_miss(workspace, name, ns_key, spec.get(ns_key), obj.namespace))
    shown = "; ".join(reasons[:3]) + (f" and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    return shown


# ---------------------------------------------------------------------------------------------- objects → jobs


# VictoriaMetrics endpoint field → the Prometheus Operator endpoint field operator.py reads (vmextra_types.go:
# `relabelConfigs` holds RelabelConfigs whose keys may be camelCase or snake_case, both handled by _user_relabels)
ENDPOINT_KEYS = {"relabelConfigs": "relabelings", "proxyURL": "proxyUrl"}


def _adapt(endpoint: YMap, keys: dict[str, str] = ENDPOINT_KEYS) -> YMap:
    """`endpoint` with its VictoriaMetrics field names as operator.py reads them (`keys`); a name already there
    is not overwritten (a field written both ways keeps the Prometheus Operator spelling)."""
    if not any(key in endpoint for key in keys):
        return endpoint
    adapted = YMap(endpoint.pos)
    for key, value in endpoint.items():
        target = keys.get(key, key)
        if target != key and target in endpoint:
            continue
        adapted.put(target, value, endpoint.key_pos(key), endpoint.value_pos(key))
    return adapted


def _service_scrape_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, ports: PortBook) -> list[ScrapeJob]:
    # servicescrape.go: spec.discoveryRole endpoints (default) | endpointslices | service
    written = as_str(as_map(obj.doc.get("spec")).get("discoveryRole")).lower()
    role = {"endpointslices": "endpointslice", "endpointslice": "endpointslice", "service": "service"}.get(written, "endpoints")
    port_label = {"endpointslice": "__meta_kubernetes_endpointslice_port_name",
                  "service": "__meta_kubernetes_service_port_name"}.get(role, "__meta_kubernetes_endpoint_port_name")
    return _monitor_jobs(obj, runner, config, ports, "endpoints", "__meta_kubernetes_service", role, port_label,
                         "serviceScrape", "servicemonitor", like="ServiceMonitor", adapt=_adapt)


def _pod_scrape_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, ports: PortBook) -> list[ScrapeJob]:
    return _monitor_jobs(obj, runner, config, ports, "podMetricsEndpoints", "__meta_kubernetes_pod", "pod",
                         "__meta_kubernetes_pod_container_port_name", "podScrape", "podmonitor", like="PodMonitor",
                         adapt=_adapt)


def _node_scrape_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, _ports: PortBook) -> list[ScrapeJob]:
    """nodescrape.go generateNodeScrapeConfig: one job on the `node` role (the kubelet's address, :10250), the
    spec being the endpoint: selector keep rules, `port` replacing the address' port, then relabelConfigs."""
    spec = as_map(obj.doc.get("spec"))
    endpoint = _adapt(spec) if isinstance(spec, YMap) and spec else YMap(obj.doc.pos)
    pos = getattr(spec, "pos", obj.doc.pos)
    selector_pos = _at(spec, "selector", pos)
    relabels = _selector_relabels(spec.get("selector"), "__meta_kubernetes_node", selector_pos)
    port = as_str(spec.get("port"))
    if port:
        relabels.append(_node(spec.key_pos("port"), source_labels=_seq(spec.key_pos("port"), ["__address__"]),
                              target_label="__address__", regex="^(.*):(.*)", replacement=f"${{1}}:{port}"))
    generated = len(relabels)
    relabels += _user_relabels(endpoint.get("relabelings"), victoriametrics=True)
    root = _job_root(endpoint, f"nodeScrape/{obj.namespace}/{obj.name}", _sd(selector_pos, "node", None, False, runner),
                     relabels)
    # the report schema's `source` has no VictoriaMetrics kinds: a VMNodeScrape names its fields as a PodMonitor
    # endpoint does (path, scheme, tlsConfig, bearerTokenFile), so the fixes word them as for one
    return [_finish(build_job(obj.path, root, config, "podmonitor"), obj, endpoint, generated)]


# A VMScrapeConfig spec inlines EndpointScrapeParams, EndpointRelabelings and EndpointAuth (vmscrapeconfig_types.go):
# `path` (older CRDs: metricsPath), `relabelConfigs`, `proxyURL`, and the endpoint credentials, files included
# (addEndpointAuthTo writes bearer_token_file as given); its kubernetesSDConfigs entries spell attach_metadata so.
SCRAPE_CONFIG_SPEC_KEYS = {**ENDPOINT_KEYS, "path": "metricsPath"}
SCRAPE_CONFIG_HTTP_KEYS = (*SCRAPE_CONFIG_KEYS, "bearerTokenFile", "bearerTokenSecret")
SD_KEYS = {"attach_metadata": "attachMetadata"}


# The roles vmagent's kubernetes discovery knows, as written: it compares them case-sensitively (lib/promscrape/
# discovery/kubernetes api_config.go newAPIConfig, `endpointslices` its alias of endpointslice), and the operator
# passes a VMScrapeConfig's or VMProbe's role through unchanged (scrapeconfig.go, probe.go). Any other spelling
# (`Pod`, `Endpoints`: the Prometheus Operator's) fails that entry's start ("unexpected `role`"): it discovers nothing.
VMAGENT_SD_ROLES = frozenset(("node", "pod", "service", "endpoints", "endpointslice", "endpointslices", "ingress"))
# What each role lists and watches once the entry works (vmagent's kubernetes discovery objects per role): the
# corrected role asks the API server for these, so the fix says so — KS101 reports them if they are not granted.
VMAGENT_SD_READS = {"node": "nodes", "pod": "pods", "service": "services", "endpoints": "endpoints, pods and services",
                    "endpointslice": "endpointslices, pods and services",
                    "endpointslices": "endpointslices, pods and services", "ingress": "ingresses"}


def _role_entries(obj: K8sObject) -> list[tuple[YMap, str]]:
    """(entry, its field path) of each kubernetes discovery entry of a VMScrapeConfig or VMProbe that names a role."""
    spec = as_map(obj.doc.get("spec"))
    holder, field = ((spec, "kubernetesSDConfigs") if obj.kind == "VMScrapeConfig"
                     else (as_map(spec.get("targets")), "targets.kubernetes"))
    return [(entry, f"{field}[{index}]") for index, entry in enumerate(as_seq(holder.get(field.rsplit(".", 1)[-1])))
            if isinstance(entry, YMap) and as_str(entry.get("role"))]


def unknown_roles(obj: K8sObject) -> list:
    """KS601 for each discovery entry whose role vmagent does not know as written (VMAGENT_SD_ROLES): vmagent logs
    the error and that entry finds no targets, so it asks the API server for nothing (its builder skips it)."""
    from .findings import Finding

    found = []
    for entry, field in _role_entries(obj) if obj.kind in ("VMScrapeConfig", "VMProbe") else ():
        role = as_str(entry.get("role"))
        if role in VMAGENT_SD_ROLES:
            continue
        meant = role.lower() if role.lower() in VMAGENT_SD_ROLES else ""
        found.append(Finding(
            "KS601", key_span(obj.path, entry, "role"),
            f"{obj.kind} {obj.namespace}/{obj.name} {field} has role: {role}, which vmagent does not know (it compares "
            f"roles case-sensitively): it logs 'unexpected `role`: \"{role}\"' and this entry discovers "
            f"no targets",
            fix=(f"Write `role: {meant}`: the entry then lists and watches {VMAGENT_SD_READS[meant]} "
                 f"with the VMAgent's ServiceAccount, which needs them granted (KS101 otherwise)." if meant else
                 f"Write one of {', '.join(sorted(VMAGENT_SD_ROLES - {'endpointslices'}))}."),
            object=f"{obj.kind} {obj.name}", data={"check": "vmagent-sd-role", "role": role}))
    return found


def _known_role(entry: object) -> bool:
    return as_str(as_map(entry).get("role")) in VMAGENT_SD_ROLES


def _scrape_config_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, ports: PortBook) -> list[ScrapeJob]:
    """scrapeconfig.go generateScrapeConfig: the job scrapeConfig/<namespace>/<name>, its kubernetesSDConfigs and
    staticConfigs passed through (role, namespaces.names/ownNamespace, apiServer and its credentials, selectors,
    attach_metadata for pod/endpoints/endpointslice), the user's relabelConfigs alone: a ScrapeConfig's shape. An
    entry whose role vmagent does not know discovers nothing and is left out (unknown_roles)."""
    spec = as_map(obj.doc.get("spec"))
    adapted = _adapt(spec, SCRAPE_CONFIG_SPEC_KEYS) if isinstance(spec, YMap) else spec
    entries = adapted.get("kubernetesSDConfigs") if isinstance(adapted, YMap) else None
    if isinstance(entries, YSeq) and not all(_known_role(entry) for entry in entries if isinstance(entry, YMap)):
        kept = YSeq(entries.pos)
        for index, entry in enumerate(entries):
            if not isinstance(entry, YMap) or _known_role(entry):
                kept.append(entry)
                kept.ipos.append(entries.item_pos(index))
        copy = YMap(adapted.pos)  # (the object's own spec stays as written)
        for key, value in adapted.items():
            copy.put(key, kept if key == "kubernetesSDConfigs" else value, adapted.key_pos(key), adapted.value_pos(key))
        adapted = copy
    return scrape_config_jobs(obj, runner, config, ports, spec=adapted, keys=SCRAPE_CONFIG_HTTP_KEYS,
                              sd_adapt=lambda sd: _adapt(sd, SD_KEYS))


def _static_scrape_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, _ports: PortBook) -> list[ScrapeJob]:
    """staticscrape.go generateStaticScrapeConfig: one job staticScrape/<namespace>/<name>/<index> per
    targetEndpoints entry, its targets and labels a static config, spec.jobName a `job` label, then the entry's
    relabelConfigs; path, scheme, params and credentials are the entry's (EndpointScrapeParams, EndpointAuth)."""
    spec = as_map(obj.doc.get("spec"))
    jobs = []
    for index, endpoint in enumerate(as_seq(spec.get("targetEndpoints"))):
        if not isinstance(endpoint, YMap):
            continue
        endpoint = _adapt(endpoint)
        relabels = _job_label(spec)
        generated = len(relabels)
        relabels += _user_relabels(endpoint.get("relabelings"), victoriametrics=True)
        root = _job_root(endpoint, f"staticScrape/{obj.namespace}/{obj.name}/{index}", None, relabels)
        root["static_configs"] = _seq(endpoint.pos, [_static_config(endpoint)])
        # the fixes word its fields (path, scheme, tlsConfig, bearerTokenFile) as for a PodMonitor endpoint's
        jobs.append(_finish(build_job(obj.path, root, config, "podmonitor"), obj, endpoint, generated))
    return jobs


def _probe_jobs(obj: K8sObject, runner: RunnerView | None, config: PromConfig, _ports: PortBook) -> list[ScrapeJob]:
    """probe.go generateProbeConfig: one job probe/<namespace>/<name> sent to vmProberSpec.url (path default /probe,
    vmProberSpec.scheme over spec.scheme), with the spec's own credentials (EndpointAuth, files included). Unlike
    a Prometheus Operator Probe, static targets (targets.static, or the deprecated targets.staticConfig) and
    discovered ones (targets.ingress, role ingress, and each targets.kubernetes entry, its role) are all kept, in
    one job: each discovery entry on its role in the namespaces its namespaceSelector names (getNamespacesFrom-
    NamespaceSelector), its selector as keep rules, then its relabelingConfigs."""
    spec = as_map(obj.doc.get("spec"))
    pos = getattr(spec, "pos", obj.doc.pos)
    prober = as_map(spec.get("vmProberSpec"))
    endpoint, own = YMap(pos), _adapt(spec) if isinstance(spec, YMap) else YMap(pos)
    for key, value in own.items():  # spec.path is always replaced by the prober's (default /probe)
        if key != "path" and (key != "scheme" or not as_str(prober.get("scheme"))):
            endpoint.put(key, value, own.key_pos(key), own.value_pos(key))
    for key in ("path", "scheme"):
        if as_str(prober.get(key)):
            endpoint.put(key, prober[key], prober.key_pos(key), prober.value_pos(key))
    targets = as_map(spec.get("targets"))
    relabels: list[YMap] = []
    static = targets.get("static") if isinstance(targets.get("static"), YMap) else targets.get("staticConfig")
    if isinstance(static, YMap):
        relabels += _user_relabels(static.get("relabelingConfigs"), victoriametrics=True)
    discovered = [(targets.get("ingress"), "ingress", _at(targets, "ingress", pos))]
    kubernetes = targets.get("kubernetes")
    # each role as written: vmagent knows lower-case roles only, another spelling discovers nothing (unknown_roles)
    discovered += [(item, as_str(as_map(item).get("role")), kubernetes.item_pos(index))
                   for index, item in enumerate(kubernetes) if _known_role(item)] if isinstance(kubernetes, YSeq) else []
    sds, scopes = YSeq(_at(targets, "kubernetes", pos)), []
    for target, role, where in discovered:
        if not isinstance(target, YMap) or not role:
            continue
        role_pos = _at(target, "role", where)
        namespaces = None if role == "node" else monitor_namespaces(obj, target, runner)
        sds += _sd(role_pos, role, namespaces, False, runner)
        sds.ipos.append(role_pos)
        scopes.append(_namespace_spans(obj, target, runner) if namespaces is not None else {})
        relabels += _selector_relabels(target.get("selector"), f"__meta_kubernetes_{role}", _at(target, "selector", where))
        relabels += _user_relabels(target.get("relabelingConfigs"), victoriametrics=True)
    relabels += _job_label(spec)
    relabels.append(_node(_at(spec, "vmProberSpec", pos), target_label="__address__",
                          replacement=as_str(prober.get("url")) or "blackbox-exporter:9115"))
    root = _job_root(endpoint, f"probe/{obj.namespace}/{obj.name}", sds if sds else None, relabels, "/probe")
    if isinstance(static, YMap):
        root["static_configs"] = _seq(static.pos, [_static_config(static)])
    job = _finish(build_job(obj.path, root, config, "probe"), obj, endpoint, 0)
    for sd, scope in zip(job.sd_configs, scopes):
        sd.scope_spans = scope
    return [job]


def _job_label(spec: YMap) -> list[YMap]:
    """spec.jobName: a relabel rule setting `job` (generateStaticScrapeConfig, generateProbeConfig)."""
    if not as_str(spec.get("jobName")):
        return []
    return [_node(spec.key_pos("jobName"), target_label="job", replacement=as_str(spec.get("jobName")))]


def _static_config(holder: YMap) -> YMap:
    return _node(holder.pos, targets=as_seq(holder.get("targets")), labels=as_map(holder.get("labels")))


def _finish(job: ScrapeJob, obj: K8sObject, endpoint: YMap, generated: int) -> ScrapeJob:
    job.monitor = obj
    job.generated_relabels = generated
    _token_from_secret(job, endpoint)
    return job


BUILDERS = {"VMServiceScrape": _service_scrape_jobs, "VMPodScrape": _pod_scrape_jobs, "VMNodeScrape": _node_scrape_jobs,
            "VMStaticScrape": _static_scrape_jobs, "VMProbe": _probe_jobs, "VMScrapeConfig": _scrape_config_jobs}


# Where each kind keeps its EndpointAuth: a list of endpoints, or (absent here) the spec itself
ENDPOINT_LISTS = {"VMServiceScrape": "endpoints", "VMPodScrape": "podMetricsEndpoints", "VMStaticScrape": "targetEndpoints"}
FILE_ACCESS_REFUSED = _operator_skips("arbitraryFSAccessThroughSMs.deny refuses its file access (KS603)")


# EndpointAuth's file fields beyond the Prometheus Operator's (operator.file_fields): a VictoriaMetrics endpoint
# may also read its basic-auth password and its OAuth2 client secret from files, and testForArbitraryFSAccess
# refuses those too (section → key). Both keys are snake_case in the CRD (vmextra_types.go BasicAuth.PasswordFile
# `json:"password_file"`, OAuth2.ClientSecretFile `json:"client_secret_file"`); a camelCase spelling is an unknown
# field the API server drops, so it reads no file. authorization.credentialsFile is not refused (the operator's
# check does not look at it).
VM_AUTH_FILE_FIELDS = (("basicAuth", "password_file"), ("oauth2", "client_secret_file"))


def _vm_file_fields(holder: YMap) -> list[tuple[YMap, str, str]]:
    """(mapping, key, the field as the operator's error names it) for each file an EndpointAuth reads."""
    found = [(owner, key, key if owner is holder else f"tlsConfig.{key}") for owner, key in file_fields(holder)]
    for section, key in VM_AUTH_FILE_FIELDS:
        owner = holder.get(section)
        if isinstance(owner, YMap) and key in owner:
            found.append((owner, key, f"{section}.{key}"))
    return found


def _file_access_refused(agent: K8sObject, obj: K8sObject) -> list:
    """vmagent.go mustValidateObjects → testForArbitraryFSAccess: with the VMAgent's arbitraryFSAccessThroughSMs.deny,
    an object whose EndpointAuth (any endpoint's, or the spec's for VMNodeScrape, VMProbe, VMScrapeConfig) reads a
    file — bearerTokenFile, basicAuth.password_file, oauth2.client_secret_file, tlsConfig caFile/certFile/keyFile — is
    marked broken and left out of the config. (monitor, span, field) per file field, as operator.py records them
    for KS603."""
    if get_path(agent.doc, "spec", "arbitraryFSAccessThroughSMs", "deny") is not True:
        return []
    spec = as_map(obj.doc.get("spec"))
    holders = as_seq(spec.get(ENDPOINT_LISTS[obj.kind])) if obj.kind in ENDPOINT_LISTS else [spec]
    refused = []
    for holder in holders:
        for owner, key, field in _vm_file_fields(holder) if isinstance(holder, YMap) else ():
            if as_str(owner.get(key)):
                refused.append((obj, key_span(obj.path, owner, key), field))
    return refused


def _runner_view(agent: K8sObject, watched: tuple[str, ...] | None) -> RunnerView:
    """What operator.py's builders read of the runner: the ServiceAccount, ignoreNamespaceSelectors (forced when
    the operator watches some namespaces only and makes the account: vmagent_scrapeconfig.go, no cluster-wide
    access), and spec.apiServerConfig (discovery through another API server). Scrape classes are not modelled."""
    spec = as_map(agent.doc.get("spec"))
    apiserver = spec.get("apiServerConfig")
    sa, made = agent_identity(agent)
    ignore = spec.get("ignoreNamespaceSelectors") is True or (watched is not None and made)
    return RunnerView(agent, sa, "endpoints", ignore,
                      apiserver if isinstance(apiserver, YMap) and as_str(apiserver.get("host")) else None)


def agent_scrape_configs(workspace: Workspace, agent: K8sObject, config: PromConfig,
                         limits: Limits) -> tuple[list[ScrapeJob], list]:
    """A VMAgent's own scrape jobs, which the operator appends to those of its scrape objects: the Secret key of
    spec.additionalScrapeConfigs (in the VMAgent's namespace, as for a Prometheus), then spec.inlineScrapeConfig,
    a YAML list written in the VMAgent itself (vmagent_scrapeconfig.go generateConfig). None in ingestOnlyMode."""
    if ingest_only(agent):
        return [], []
    jobs, problems = additional_scrape_configs(workspace, agent, config, limits)
    spec = as_map(agent.doc.get("spec"))
    inline = spec.get("inlineScrapeConfig")
    if isinstance(inline, str) and inline.strip():
        from .build import embedded_position

        position = embedded_position(workspace.source_text(agent.path), spec, "inlineScrapeConfig")
        found, trouble = scrape_config_list(workspace, agent.path, inline, position, config, limits,
                                            f"in VMAgent {agent.namespace}/{agent.name} spec.inlineScrapeConfig", inline=True)
        jobs += found
        problems += trouble
    return jobs, problems


def vm_configs(workspace: Workspace, limits: Limits) -> tuple[list[PromConfig], list]:
    """One PromConfig per VMAgent (the jobs of the scrape objects it selects, then its own scrape configs), and one
    runner-less PromConfig per scrape object no VMAgent of the inputs selects (its access checks are skipped:
    KS100); with the parse problems of the VMAgents' own scrape configs."""
    configs: list[PromConfig] = []
    problems: list = []
    agents = vm_objects(workspace, RUNNER_KIND)
    objects = {kind: vm_objects(workspace, kind) for kind in SCRAPE_KINDS}
    if not agents and not any(objects.values()):
        return configs, problems
    ports = PortBook(workspace)
    selected: set[int] = set()
    for agent in agents:
        config = PromConfig(agent.path, agent.doc, "operator", runner=agent)
        configs.append(config)
        runner = _runner_view(agent, watched_namespaces(workspace))
        for kind, found in objects.items():
            selects = _selector(workspace, agent, kind)
            for obj in found:
                if selects(obj):
                    selected.add(id(obj))
                    jobs = BUILDERS[kind](obj, runner, config, ports)
                    refused = _file_access_refused(agent, obj)
                    if refused:
                        config.rejected.extend(refused)
                        for job in jobs:
                            job.rejected = FILE_ACCESS_REFUSED
                    config.jobs.extend(jobs)
        own, trouble = agent_scrape_configs(workspace, agent, config, limits)
        config.jobs.extend(own)
        problems.extend(trouble)
    for kind in ("VMScrapeConfig", "VMProbe"):
        for obj in objects[kind]:
            problems.extend(unknown_roles(obj))  # once per object, whichever VMAgents select it
    for kind, found in objects.items():
        for obj in found:
            if id(obj) in selected:
                continue
            config = PromConfig(obj.path, obj.doc, "operator", runner=None, monitor=obj,
                                unselected_why=unselected_why(workspace, agents, kind, obj))
            config.jobs.extend(BUILDERS[kind](obj, None, config, ports))
            configs.append(config)
    return configs, problems
