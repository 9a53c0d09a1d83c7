"""VictoriaMetrics operator resources → the same ScrapeJobs a plain config produces, as operator.py does for the
Prometheus Operator's (imported only when the inputs hold a VictoriaMetrics kind: build.py).

The operator (VictoriaMetrics/operator internal/controller/operator/factory/vmagent) renders each VMServiceScrape
and VMPodScrape endpoint and each VMNodeScrape that a VMAgent selects into a scrape job of that VMAgent's config
(servicescrape.go generateServiceScrapeConfig, podscrape.go, nodescrape.go generateNodeScrapeConfig), with the
Prometheus Operator's job shape: selector keep rules, the endpoint's port filter, then the user's relabelConfigs.
A VMAgent's own scrape configs (spec.additionalScrapeConfigs, a Secret key, then spec.inlineScrapeConfig) are plain
vmagent scrape configs appended after them (vmagent_scrapeconfig.go generateConfig) and read as written.
VMStaticScrape, VMProbe and VMScrapeConfig are not translated here: unreadcrds.py reports them (KS007).
"""

from __future__ import annotations


from .load import Limits
from .model import K8sObject, LabelSelector, Workspace
from .operator import (PortBook, RunnerView, _at, _job_root, _monitor_jobs, _namespace_selects, _sd, _seq,
                       _selector_relabels, _node, _user_relabels, _token_from_secret, additional_scrape_configs,
                       scrape_config_list)
from .promconfig import PromConfig, ScrapeJob, build_job
from .yamltree import YMap, as_map, as_str

VM_GROUP = "operator.victoriametrics.com/"
RUNNER_KIND = "VMAgent"
# scrape kind → (VMAgent selector field, namespace selector field) (vmagent_types.go VMAgentSpec)
SCRAPE_KINDS = {
    "VMServiceScrape": ("serviceScrapeSelector", "serviceScrapeNamespaceSelector"),
    "VMPodScrape": ("podScrapeSelector", "podScrapeNamespaceSelector"),
    "VMNodeScrape": ("nodeScrapeSelector", "nodeScrapeNamespaceSelector"),
}
# Scrape kinds the operator renders that this module does not translate (KS007, unreadcrds.py).
UNTRANSLATED_KINDS = ("VMStaticScrape", "VMProbe", "VMScrapeConfig")
ALL_KINDS = (RUNNER_KIND, *SCRAPE_KINDS, *UNTRANSLATED_KINDS)  # build.VM_KINDS spells them out (a test keeps them equal)

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


def vm_objects(workspace: Workspace, kind: str) -> list[K8sObject]:
    """The operator's objects of `kind`; one without metadata.name is a fragment, not an object (as operator.py)."""
    return [o for o in workspace.kind(kind) if o.api_version.startswith(VM_GROUP) and o.name]


def agent_identity(agent: K8sObject) -> tuple[str, bool]:
    """(the ServiceAccount a VMAgent's pods run as, whether the operator makes it): VMAgent.GetServiceAccountName,
    spec.serviceAccountName else vmagent-<name> (PrefixedName), which IsOwnsServiceAccount makes."""
    named = as_str(as_map(agent.doc.get("spec")).get("serviceAccountName"))
    return (named, False) if named else (f"vmagent-{agent.name}", True)


def ingest_only(agent: K8sObject) -> bool:
    """spec.ingestOnlyMode: vmagent only receives pushed samples; the operator renders no scrape config for it and
    makes no RBAC (vmagent.go CreateOrUpdate)."""
    return as_map(agent.doc.get("spec")).get("ingestOnlyMode") is True


def operator_role_name(agent: K8sObject) -> str:
    return f"monitoring:{agent.namespace}:vmagent-{agent.name}"  # VMAgent.GetClusterRoleName


def operator_rbac(workspace: Workspace) -> tuple[list, list]:
    """The ClusterRole and ClusterRoleBinding the operator makes for each VMAgent of the inputs that names no
    ServiceAccount (not in ingestOnlyMode), as built-in-like objects (no place in the inputs): the access checks
    then see what that account really holds, and no grant of them is reported as if the user had written it."""
    from .model import BindingDef, PolicyRule, RoleDef, Subject

    roles, bindings = [], []
    for agent in vm_objects(workspace, RUNNER_KIND):
        sa, made = agent_identity(agent)
        if not made or ingest_only(agent):
            continue
        name = operator_role_name(agent)
        rules = [PolicyRule.from_node(rule, index, "") for index, rule in enumerate(OPERATOR_ROLE_RULES)]
        roles.append(RoleDef("ClusterRole", name, "", rules, {}))
        bindings.append(BindingDef("ClusterRoleBinding", name, "", "ClusterRole", name,
                                   [Subject("ServiceAccount", sa, agent.namespace, True, "", 0, None)]))
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
    if selector_node is None and ns_selector is None:
        every = spec.get("selectAllByDefault") is True
        return lambda obj: every
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


def unselected_why(workspace: Workspace, agents: list[K8sObject], kind: str, obj: K8sObject) -> str:
    """Why no VMAgent of the inputs selects `obj`, one clause per VMAgent (for KS100)."""
    selector_key, ns_key = SCRAPE_KINDS[kind]
    reasons = []
    for agent in agents:
        spec = as_map(agent.doc.get("spec"))
        name = f"VMAgent {agent.namespace}/{agent.name}"
        if ingest_only(agent):
            reasons.append(f"{name} sets ingestOnlyMode: true and scrapes nothing")
        elif kind != "VMPodScrape" and spec.get("daemonSetMode") is True:
            reasons.append(f"{name} sets daemonSetMode: true, which selects VMPodScrapes only")
        elif spec.get(selector_key) is None and spec.get(ns_key) is None:
            reasons.append(f"{name} has neither spec.{selector_key} nor spec.{ns_key} and no "
                           f"selectAllByDefault: true, so it selects no {kind}")
        elif spec.get(selector_key) is not None and not LabelSelector.from_node(spec[selector_key]).matches(obj.labels):
            reasons.append(f"{name}'s spec.{selector_key} does not match the labels of {kind} {obj.namespace}/{obj.name}")
        elif spec.get(ns_key) is None:
            reasons.append(f"{name} has no spec.{ns_key}, which selects {kind}s only in its own namespace "
                           f"{agent.namespace}; `{ns_key}: {{}}` selects every namespace")
        else:
            reasons.append(f"{name}'s spec.{ns_key} does not select namespace {obj.namespace} (or the inputs hold "
                           f"no Namespace manifest showing its labels)")
    shown = "; ".join(reasons[:3]) + (f" and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    return shown


# ---------------------------------------------------------------------------------------------- objects → jobs


# VictoriaMetrics endpoint field → the Prometheus Operator endpoint field operator.py reads (vmextra_types.go:
# `relabelConfigs` holds RelabelConfigs whose keys may be camelCase or snake_case, both handled by _user_relabels)
ENDPOINT_KEYS = {"relabelConfigs": "relabelings", "proxyURL": "proxyUrl"}


def _adapt(endpoint: YMap) -> YMap:
    if not any(key in endpoint for key in ENDPOINT_KEYS):
        return endpoint
    adapted = YMap(endpoint.pos)
    for key, value in endpoint.items():
        adapted.put(ENDPOINT_KEYS.get(key, key), value, endpoint.key_pos(key), endpoint.value_pos(key))
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
    relabels += _user_relabels(endpoint.get("relabelings"))
    root = _job_root(endpoint, f"nodeScrape/{obj.namespace}/{obj.name}", _sd(selector_pos, "node", None, False, runner),
                     relabels)
    # the report schema's `source` has no VictoriaMetrics kinds: a VMNodeScrape names its fields as a PodMonitor
    # endpoint does (path, scheme, tlsConfig, bearerTokenFile), so the fixes word them as for one
    job = build_job(obj.path, root, config, "podmonitor")
    job.monitor = obj
    job.generated_relabels = generated
    _token_from_secret(job, endpoint)
    return [job]


BUILDERS = {"VMServiceScrape": _service_scrape_jobs, "VMPodScrape": _pod_scrape_jobs, "VMNodeScrape": _node_scrape_jobs}


def _runner_view(agent: K8sObject) -> RunnerView:
    """What operator.py's builders read of the runner: the ServiceAccount, ignoreNamespaceSelectors, and
    spec.apiServerConfig (discovery through another API server). Scrape classes are not modelled."""
    spec = as_map(agent.doc.get("spec"))
    apiserver = spec.get("apiServerConfig")
    return RunnerView(agent, agent_identity(agent)[0], "endpoints", spec.get("ignoreNamespaceSelectors") is True,
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
        runner = _runner_view(agent)
        for kind, found in objects.items():
            selects = _selector(workspace, agent, kind)
            for obj in found:
                if selects(obj):
                    selected.add(id(obj))
                    config.jobs.extend(BUILDERS[kind](obj, runner, config, ports))
        own, trouble = agent_scrape_configs(workspace, agent, config, limits)
        config.jobs.extend(own)
        problems.extend(trouble)
    for kind, found in objects.items():
        for obj in found:
            if id(obj) in selected:
                continue
            config = PromConfig(obj.path, obj.doc, "operator", runner=None, monitor=obj,
                                unselected_why=unselected_why(workspace, agents, kind, obj))
            config.jobs.extend(BUILDERS[kind](obj, None, config, ports))
            configs.append(config)
    return configs, problems
