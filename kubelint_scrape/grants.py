"""What a scraper identity holds beyond the defaults, and which of it its jobs use.

One definition, shared by the least-privilege rules (checks/privilege.py), the workload rules
(checks/workload.py) and `suggest-rbac` (suggest.py), of:
- **scraper identities**: the ServiceAccounts resolved for scrape jobs, plus those named by Prometheus /
  PrometheusAgent resources (a scraper even before any monitor selects it);
- **the user's grants**: rules reached through bindings in the inputs. The built-in bindings every
  ServiceAccount gets through `system:authenticated` / `system:serviceaccounts` (system:discovery,
  system:basic-user, system:public-info-viewer, system:service-account-issuer-discovery) are the cluster's, not
  the user's, and are never reported;
- **permissions**: one verb on one resource (or URL) of one rule — the unit KS203 names and `--diff` adds or
  removes;
- **used**: a permission of a rule that grants a requirement of a job (or of a sidecar that needs the token)
  running as the identity.
"""

from __future__ import annotations

import functools

from .authproxy import is_rbac_proxy, reviewed_resources
from .build import RIVER_FORM, unread_config_form
from .analyse import Analysis, JobAnalysis, Need, discovery_needs, looks_like_prometheus, workloads_loading
from .findings import Finding
from .model import BindingDef, PodTemplate, PolicyRule, RoleDef, Subject, Workspace, is_victoriametrics
from .promconfig import PromConfig
from .promconfig import _sd_config as sd_config  # (a private helper: the one SD parser)
from .rbac import Authorizer, Decision, Grant, Identity, Request, names_allowed, names_text, rule_allows, subject_applies
from .rbacvalidate import refused_only_for_version
from .records import dataclass, field
from .resources import knowledge
from .targets import kubelet_subresources
from .unreadyaml import NEWRELIC_FORM, TARGET_ALLOCATOR_FORM
from .unreadcrds import unread_crd_runners
from .yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path

OPERATOR_RUNNERS = ("Prometheus", "PrometheusAgent")
# Review APIs: creating a TokenReview or SubjectAccessReview asks the API server a question and changes nothing.
# Delegated-auth sidecars (kube-rbac-proxy, oauth-proxy) need both; they are what `system:auth-delegator` grants.
REVIEW_REQUESTS = (
    Request("create", "authentication.k8s.io", "tokenreviews"),
    Request("create", "authorization.k8s.io", "subjectaccessreviews"),
)
# Grants that give a stolen token no power of its own: the review APIs, and `use` of a pod security policy or
# OpenShift SecurityContextConstraints (consulted when *the pod itself* is admitted; creating pods needs more).
# `use` of an admission policy is what admits the pod that runs as the ServiceAccount (OpenShift checks the SCCs the
# pod's ServiceAccount may use; a Prometheus CR asking runAsUser: 1000 needs anyuid or nonroot): consumed by the
# scraper's own pod, never by a job, so KS203 does not call it unused.
ADMISSION_USES = {
    ("use", "security.openshift.io", "securitycontextconstraints"),
    ("use", "policy", "podsecuritypolicies"),
    ("use", "extensions", "podsecuritypolicies"),
}
POWERLESS = {
    ("create", "authentication.k8s.io", "tokenreviews"),
    ("create", "authorization.k8s.io", "subjectaccessreviews"),
    *ADMISSION_USES,
}
AUTH_PROXY_IMAGES = ("kube-rbac-proxy", "oauth-proxy", "oauth2-proxy")


# ---------------------------------------------------------------------------------------------- permissions


@dataclass(frozen=True)
class Permission:
    """One verb on one resource (or non-resource URL) as written in a rule; `*` stays `*`."""

    verb: str
    api_group: str = ""
    resource: str = ""  # "pods", "nodes/metrics", "*", "*/proxy"
    url: str = ""
    names: tuple[str, ...] = ()
    # The one-verb rule this permission stands for, built on first use: `allows` is asked per need and
    # permission (tens of thousands of times for a wildcard role), and hashing the permission for a cache
    # lookup each time cost more than the match.
    _as_rule: PolicyRule | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def rule(self) -> PolicyRule:
        rule = self._as_rule
        if rule is None:
            rule = _rule_of(self)
            object.__setattr__(self, "_as_rule", rule)  # a cache, not state: frozen otherwise
        return rule

    def allows(self, request: Request) -> bool:
        return rule_allows(self.rule(), request)

    def request(self) -> Request:
        """The same permission as a Request (for fixes.rules_for; `*` is kept literally)."""
        if self.url:
            return Request(self.verb, url=self.url)
        resource, _, sub = self.resource.partition("/")
        return Request(self.verb, self.api_group, resource, sub)

    @property
    def target(self) -> str:
        if self.url:
            return self.url
        text = f"{self.api_group}/{self.resource}" if self.api_group not in ("", "*") else self.resource
        # A group wildcard said in words: `*/nodes` reads as a resource wildcard, and `*/*/metrics` as nothing.
        notes = ["any API group"] if self.api_group == "*" and self.resource != "*" else []
        if self.resource == "*" and self.api_group in ("", "*"):  # a bare `*` names nothing by itself
            notes.append("every resource in every API group" if self.api_group == "*" else "every core resource")
        if self.names:
            notes.append(f"names {names_text(self.names)}")
        return text + (f" ({'; '.join(notes)})" if notes else "")

    def describe(self) -> str:
        return f"{self.verb} {self.target}"


def _rule_of(perm: Permission) -> PolicyRule:  # cached on the permission (Permission.rule)
    if perm.url:
        return PolicyRule((perm.verb,), (), (), (), (perm.url,), 0)
    return PolicyRule((perm.verb,), (perm.api_group,), (perm.resource,), perm.names, (), 0)


def permissions(rule: PolicyRule) -> list[Permission]:
    result = []
    for verb in rule.verbs:
        for url in rule.non_resource_urls:
            result.append(Permission(verb, url=url))
        for group in rule.api_groups:
            for resource in rule.resources:
                result.append(Permission(verb, group, resource, names=rule.resource_names))
    return result


def describe_permissions(perms: list[Permission], every_verb: str = "") -> str:
    """`get nodes, pods; get/list/watch nodes/proxy` — verbs grouped per target, targets grouped per verb set. With
    `every_verb`, a target granted `*` is described by that text (`*` covers the other verbs listed beside it)."""
    verbs_of: dict[str, list[str]] = {}
    for perm in perms:
        verbs_of.setdefault(perm.target, [])
        if perm.verb not in verbs_of[perm.target]:
            verbs_of[perm.target].append(perm.verb)
    targets_of: dict[str, list[str]] = {}
    for target, verbs in verbs_of.items():
        text = every_verb if every_verb and "*" in verbs else "/".join(verbs)
        targets_of.setdefault(text, []).append(target)
    return "; ".join(f"{verbs} {', '.join(targets)}" for verbs, targets in targets_of.items())


def binding_applies(binding: BindingDef, request: Request) -> bool:
    """A RoleBinding grants only namespaced resource requests in its own namespace (FACTS §8 Scope)."""
    if binding.kind == "ClusterRoleBinding":
        return True
    return request.is_resource and request.namespace is not None and request.namespace == binding.namespace


# ---------------------------------------------------------------------------------------------- who is a scraper


def job_identities(analysis: Analysis) -> dict[Identity, list[JobAnalysis]]:
    """Identity → its jobs, built once per analysis (callers must not modify it): the identity that runs a
    job, and a ServiceAccount whose token Secret a job sends (JobAnalysis.makers), which makes its scrapes."""
    result = analysis.__dict__.get("_jobs_by_identity")
    if result is None:
        result = analysis.__dict__["_jobs_by_identity"] = {}
        for job in analysis.jobs:
            for identity in (job.identity, *job.makers):
                if identity is not None:
                    result.setdefault(identity, []).append(job)
    return result


def undefined_token_accounts(analysis: Analysis) -> dict[Identity, Identity | None]:
    """The ServiceAccounts a job's service-account-token Secret names that the inputs do not define (KS109: the
    token controller deletes such a Secret), each with its stand-in: an account the inputs define in the Secret's
    namespace that already holds every request the undefined one's jobs make, or None. KS109's other way out is to
    annotate the Secret with an existing account; naming that stand-in (and KS104's and KS203's fixes pointing at
    it) keeps the fixes for one scraper from contradicting each other — KS203 deleting the very grant the other way
    uses, KS104 adding one the other way does not need. Built once per analysis."""
    result = analysis.__dict__.get("_undefined_token_accounts")
    if result is None:
        result = analysis.__dict__["_undefined_token_accounts"] = {}
        defined = analysis.workspace.service_accounts
        for job in analysis.jobs:
            for identity, maker in job.makers.items():
                key = (identity.namespace, identity.name)
                if maker.pod is not None or key in defined or identity.name == "default" or identity in result:
                    continue
                result[identity] = _stand_in(analysis, identity)
    return result


def _stand_in(analysis: Analysis, identity: Identity) -> Identity | None:
    requests = [r.request for r in requirements(analysis, identity)]
    if not requests:
        return None
    for namespace, name in analysis.workspace.service_accounts:
        other = Identity(namespace, name)
        if namespace == identity.namespace and all(analysis.authorizer.authorize(other, r).allowed for r in requests):
            return other
    return None


def allocator_identities(analysis: Analysis) -> dict[Identity, list[JobAnalysis]]:
    """The ServiceAccount of each OpenTelemetryCollector's target allocator → the jobs whose service discovery it
    runs (Resolution.discovery): it lists and watches with its own token while the collectors scrape with theirs
    (opentelemetry-operator cmd/otel-allocator). Also when it is the collectors' own ServiceAccount: the allocator's
    watches of the collector pods use it all the same. Built once per analysis."""
    result = analysis.__dict__.get("_allocators")
    if result is None:
        result = analysis.__dict__["_allocators"] = {}
        for job in analysis.jobs:  # (each job once: analysis.jobs holds no repeats)
            discovery = job.resolution.discovery
            if discovery is not None and discovery.identity is not None:
                result.setdefault(discovery.identity, []).append(job)
    return result


# What an allocator does with its token beside the receiver's discovery (suggest-rbac and the grant rules say so).
ALLOCATOR_OWN_WATCHES = ("the target allocator's own watches (the collector pods it hands targets to; with "
                         "prometheusCR, ServiceMonitors, PodMonitors, namespaces and the Secrets they name)")


def runner_identity(obj) -> Identity:
    sa = as_str(get_path(obj.doc, "spec", "serviceAccountName")) or "default"
    return Identity(obj.namespace, sa)


def misspelt_runner_accounts(analysis: Analysis) -> dict[Identity, Identity]:
    """Each undefined ServiceAccount a config runs as → the defined account of its namespace KS109 tells to name
    instead (a near miss: a typo of the account that holds the grants). Not an account another config runs as:
    that one is in use as meant (`prometheus` beside a missing `prometheus-agent`), and sharing it would merge two
    scrapers' grants. Built once per analysis."""
    result = analysis.__dict__.get("_misspelt_runner_accounts")
    if result is None:
        from .promvalidate import did_you_mean

        result = analysis.__dict__["_misspelt_runner_accounts"] = {}
        defined = analysis.workspace.service_accounts
        every = [r for config in analysis.configs for r in analysis.resolutions[id(config)].each]
        running = {r.identity for r in every if r.identity is not None}
        by_namespace: dict[str, list[str]] = {}
        for namespace, name in defined:
            by_namespace.setdefault(namespace, []).append(name)
        for resolution in every:
            identity = resolution.identity
            if (identity is None or resolution.explicit or resolution.managed or identity.name == "default"
                    or (identity.namespace, identity.name) in defined or identity in result):
                continue
            near = did_you_mean(identity.name, [n for n in by_namespace.get(identity.namespace, ())
                                                if Identity(identity.namespace, n) not in running])
            if near:
                result[identity] = Identity(identity.namespace, near)
    return result


def selection_fix_jobs(analysis: Analysis) -> dict[Identity, list[JobAnalysis]]:
    """Identity → the jobs that will run as it once another rule's fix is applied, whose needs the grant rules
    keep: a KS203 "delete this rule" or a KS208 "RoleBindings will do" beside that fix would, applied together,
    leave the jobs denied. KS100's fix adds a label to a monitor or its Namespace (or sets the one selecting
    runner's namespace selector) so a runner selects it (operator.selection_fix_runners), and the jobs then run as
    that runner's ServiceAccount; KS100's scrape_config_files fix takes a mounted ConfigMap/Secret key of jobs into
    the config its pod loads (analyse.unincluded_loaders), and they run as that pod's account; KS109's names the existing account an undefined one is a typo of
    (misspelt_runner_accounts), and the jobs then run as that account. Built once per analysis."""
    result = analysis.__dict__.get("_selection_fix_jobs")
    if result is None:
        from .analyse import unincluded_loaders
        from .operator import selection_fix_runners  # (operator inputs only)

        result = analysis.__dict__["_selection_fix_jobs"] = {}
        misspelt = misspelt_runner_accounts(analysis)
        if misspelt:
            for job in analysis.jobs:
                if job.identity in misspelt:
                    result.setdefault(misspelt[job.identity], []).append(job)
        runners: dict[int, list] = {}  # id(monitor) → its runners, once per monitor (a monitor has many jobs)
        loaders: dict[int, list] = {}  # id(config) → the pods' accounts KS100's scrape_config_files fix runs it as
        for job in analysis.jobs:
            config = job.job.config
            monitor = job.job.monitor
            if job.identity is None and not job.job.rejected and config.holder is not None and config.key:
                if id(config) not in loaders:
                    loaders[id(config)] = unincluded_loaders(analysis, config)
                for identity in loaders[id(config)]:
                    result.setdefault(identity, []).append(job)
            if (job.identity is not None or job.job.rejected or monitor is None or config.origin != "operator"
                    or config.runner is not None or config.unread_runner is not None):
                continue
            if id(monitor) not in runners:
                runners[id(monitor)] = selection_fix_runners(analysis.workspace, monitor)
            for runner in runners[id(monitor)]:
                result.setdefault(runner_identity(runner), []).append(job)
    return result


def selection_fix_needs(analysis: Analysis, identity: Identity) -> list[tuple[JobAnalysis, Need]]:
    """The needs of selection_fix_jobs that `identity` itself will make: not those another pod makes with its own
    token (a PushProx client, a target allocator: Need.identity), nor those sent with other credentials."""
    return [(job, need) for job in selection_fix_jobs(analysis).get(identity, ()) for need in job.needs
            if not need.unchecked and need.identity in (None, identity)]


def unmodelled(analysis: Analysis, identity: Identity) -> list[str]:
    """Components beside the scrape jobs that use the identity's token for API calls we do not model (an
    OpenTelemetry Collector's k8s_cluster receiver, k8sattributes processor, leader election…): what they need is
    unknown, so "unused" and "a scraper never writes" cannot be decided for this identity."""
    found: list[str] = []
    for config in configs_of(analysis, identity):
        found.extend(name for name in getattr(config, "unmodelled", None) or [] if name not in found)
    found.extend(name for name in _known_loaders(analysis.workspace, identity) if name not in found)
    unread = unread_config_runners(analysis.workspace).get(identity, ())
    found.extend(name for name in unread if name not in found)
    if identity in allocator_identities(analysis) and ALLOCATOR_OWN_WATCHES not in found:
        found.append(ALLOCATOR_OWN_WATCHES)
    if not configs_of(analysis, identity) and not unread:
        for pod in scraper_programs(analysis.workspace).get(identity, ()):
            what = (f"the scrape configuration of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name} (no config of the "
                    f"inputs is known to run as it)")
            if what not in found:
                found.append(what)
    return found


def unread_config_runners(workspace: Workspace) -> dict[Identity, list[str]]:
    """The ServiceAccounts of pods that load a configuration this tool cannot read (KS007: a Grafana Alloy / Agent
    Flow config with discovery or scrape components; the ServiceAccount that runs a VMAgent, a GrafanaAgent or GMP's
    collector, whose scrape objects the tool does not model either) → what each loads. Such a pod is a scraper: what its
    ServiceAccount is granted matters as much as a Prometheus' (nodes/proxy, secrets, wildcards), though what it
    needs is unknown (so nothing it holds is called unused)."""
    return workspace.index("unread config runners", lambda: _unread_config_runners(workspace))


# How the grant rules name an unread configuration (KS007) whose runner's token they judge.
_UNREAD_WORDING = {
    RIVER_FORM: "the River configuration (Grafana Alloy / Agent Flow)",
    NEWRELIC_FORM: "the New Relic Prometheus configurator input (its jobs are written at pod start)",
    TARGET_ALLOCATOR_FORM: "the OpenTelemetry target allocator configuration (its discovery is not modelled)",
}


def _unread_config_runners(workspace: Workspace) -> dict[Identity, list[str]]:
    # Scrape objects of the VictoriaMetrics / GMP / Grafana Agent operators are unread configs too (KS007).
    result: dict[Identity, list[str]] = unread_crd_runners(workspace)
    for obj in workspace.unread_configs:
        what = f"{_UNREAD_WORDING[unread_config_form(obj)]} in {obj.kind} {obj.namespace}/{obj.name}"
        for pod in workloads_loading(workspace, obj.kind, obj.namespace, obj.name):
            loaded = result.setdefault(Identity(pod.obj.namespace, pod.service_account), [])
            if what not in loaded:
                loaded.append(what)
    return result


def _known_loaders(workspace: Workspace, identity: Identity) -> list[str]:
    """Programs running as the identity that use its token beyond the configs in the inputs (knowledge
    loaders.yaml: e.g. a collector with default scrape targets built into its image; the CloudWatch agent unless its
    configuration says it only scrapes)."""
    pods = pods_running_as(workspace, identity)
    found = known_api_clients(container.image for pod in pods for container in pod.containers)
    if any(_cloudwatch_api_client(workspace, pod) for pod in pods):
        found.append(CLOUDWATCH_API_USE)
    return found


# The Amazon CloudWatch agent's Container Insights collection (`logs.metrics_collected.kubernetes` in its JSON
# configuration) lists and watches pods, nodes, endpoints, services and workloads, reads the kubelets' stats, and
# writes events and its leader-election ConfigMap (aws-samples/amazon-cloudwatch-container-insights
# cwagent-serviceaccount.yaml: "ConfigMap write operations used in leader election"); Application Signals
# (`traces`, `logs.metrics_collected.application_signals`) watch pods and services too. Only its Prometheus mode
# (metrics_collected: prometheus, emf; prometheus-eks.yaml) uses the token for the Prometheus config alone. Not a
# loaders.yaml entry: which it is depends on that configuration, and unless one it mounts is among the inputs and
# says Prometheus only, what the token is used for is unknown.
CLOUDWATCH_API_USE = ("the Amazon CloudWatch agent (its Container Insights collection lists pods, nodes, endpoints "
                      "and workloads, reads kubelet stats, and writes events and its leader-election ConfigMap)")
_CLOUDWATCH_SCRAPE_ONLY = {"prometheus", "emf"}


def _cloudwatch_api_client(workspace: Workspace, pod: PodTemplate) -> bool:
    if not any(_scraper_repository(c.image) == "cloudwatch-agent" for c in pod.containers):
        return False
    configs = [config for name in _mounted_config_maps(pod)
               if (obj := workspace.find("ConfigMap", pod.obj.namespace, name)) is not None
               for config in _cloudwatch_configs(obj)]
    return not configs or any(_collects_beyond_prometheus(config) for config in configs)


def _mounted_config_maps(pod: PodTemplate) -> list[str]:
    names = []
    for volume in pod.volumes:
        sources = [volume, *(as_seq(get_path(volume, "projected", "sources")) or [])]
        names.extend(as_str(get_path(s, "configMap", "name")) for s in sources if get_path(s, "configMap", "name"))
    return names


def _cloudwatch_configs(obj) -> list[dict]:
    """The agent's JSON configurations among a ConfigMap's values (`cwagentconfig.json`: an object with `logs`,
    `metrics` or `traces`)."""
    import json

    found = []
    for value in (as_map(get_path(obj.doc, "data")) or {}).values():
        try:
            config = json.loads(as_str(value))
        except ValueError:
            continue
        if isinstance(config, dict) and {"logs", "metrics", "traces"} & config.keys():
            found.append(config)
    return found


def _collects_beyond_prometheus(config: dict) -> bool:
    logs = config.get("logs")
    collected = logs.get("metrics_collected") if isinstance(logs, dict) else None
    return "traces" in config or (isinstance(collected, dict) and not collected.keys() <= _CLOUDWATCH_SCRAPE_ONLY)


def known_api_clients(images) -> list[str]:
    """What each known program among these container images uses its pod's token for (knowledge loaders.yaml)."""
    table = knowledge("loaders")["images"]
    # (several entries may name one program under each registry path it ships from: each named once)
    repositories = {_repository(image) for image in images}
    return list(dict.fromkeys(entry["what"] for entry in table
                              if any(repo == entry["match"] or repo.endswith("/" + entry["match"]) for repo in repositories)))


def _repository(image: str) -> str:
    """An image reference's repository path, tag and digest dropped: a loader is named by the segments its
    repository ends with (loaders.yaml `match`), so a mirror directory that merely carries its name
    (`registry.example.com/kube-state-metrics/configmap-reload`) is some other program."""
    path = image.split("@", 1)[0]
    head, slash, last = path.rpartition("/")
    return head + slash + last.split(":", 1)[0]


def operator_runners(workspace: Workspace) -> list:
    return [o for kind in OPERATOR_RUNNERS for o in workspace.kind(kind) if o.api_version.startswith("monitoring.coreos.com/")]


def idle_vmagents(analysis: Analysis) -> dict[Identity, str]:
    """The ServiceAccount of each VMAgent that certainly scrapes nothing → why (vmoperator.idle_reason): what it is
    granted no job needs (KS203), wherever its scrape objects live. None while the inputs hold VictoriaMetrics
    scrape objects that no VMAgent selects (KS100): the grants are likely theirs and the idleness the fault
    (ingestOnlyMode set by mistake), and KS203 must not tell to delete what that fix needs. Built once per analysis."""
    result = analysis.__dict__.get("_idle_vmagents")
    if result is None:
        result = analysis.__dict__["_idle_vmagents"] = {}
        workspace = analysis.workspace
        unselected = any(c.runner is None and is_victoriametrics(c.monitor) for c in analysis.configs)
        if workspace.kind("VMAgent") and not unselected:  # (vmoperator.py is imported only for VictoriaMetrics inputs)
            from .vmoperator import RUNNER_KIND, agent_identity, idle_reason, vm_objects

            for agent in vm_objects(workspace, RUNNER_KIND):
                why = idle_reason(agent)
                if why:
                    result.setdefault(Identity(agent.namespace, agent_identity(agent)[0]), why)
    return result


def scraper_identities(analysis: Analysis) -> list[Identity]:
    """Every scraper identity: those scrape jobs run as, then the target allocators that run their discovery, then
    the ServiceAccounts of Prometheus Operator runners,
    then those of pods loading a scrape configuration this tool cannot read, then those of scraper programs whose
    configuration the inputs do not hold."""
    result = dict.fromkeys(job_identities(analysis))
    for identity in allocator_identities(analysis):  # its discovery token is the scrape system's as much
        result.setdefault(identity)
    for obj in operator_runners(analysis.workspace):
        result.setdefault(runner_identity(obj))
    for identity in idle_vmagents(analysis):  # (the others run jobs: they are there already)
        result.setdefault(identity)
    for identity in unread_config_runners(analysis.workspace):
        result.setdefault(identity)
    for identity in scraper_programs(analysis.workspace):
        result.setdefault(identity)  # (one with configs of the inputs is there already)
    return list(result)


# Repository names (the image path's last part) of programs whose one job is scraping Prometheus targets:
# Prometheus, vmagent, Grafana Agent/Alloy, the OpenTelemetry Collector distributions, and New Relic's
# nri-prometheus, whose own discovery scrapes every node labelled prometheus.io/scrape through the API-server proxy
# (/api/v1/nodes/NAME/proxy/metrics[/cadvisor]) with its token (newrelic/nri-prometheus
# internal/pkg/endpoints/kubernetes.go nodeTargets), and the Amazon CloudWatch agent, whose Container Insights mode
# reads every kubelet on :10250 (HOST_IP) with its token and whose Prometheus mode loads a Prometheus config
# (aws-samples/amazon-cloudwatch-container-insights cwagent-daemonset.yaml, prometheus-eks.yaml). The vendor
# distributions of the Collector count as the Collector: AWS's ADOT (amazon/aws-otel-collector,
# public.ecr.aws/aws-observability/aws-otel-collector; aws-otel-collector deployment-template/eks/
# otel-container-insights-prometheus.yaml runs it with a Prometheus config baked into the image and grants it
# nodes/proxy), Splunk's (quay.io/signalfx/splunk-otel-collector) and Sumo Logic's
# (public.ecr.aws/sumologic/sumologic-otel-collector). By the whole name, not a substring: prometheus-operator,
# prometheus-config-reloader, node-exporter (quay.io/prometheus/…) load none.
_SCRAPER_REPOSITORIES = {"prometheus", "vmagent", "alloy", "otelcol", "otelcol-contrib", "otelcol-k8s",
                         "opentelemetry-collector", "opentelemetry-collector-contrib", "opentelemetry-collector-k8s",
                         "aws-otel-collector", "splunk-otel-collector", "sumologic-otel-collector",
                         "nri-prometheus", "cloudwatch-agent",
                         # Rancher's mirror of Prometheus (rancher-monitoring, RKE2), as promvalidate reads its release
                         "mirrored-prometheus-prometheus"}


def scraper_programs(workspace: Workspace) -> dict[Identity, list[PodTemplate]]:
    """The ServiceAccounts of pods that run a scraper program (_SCRAPER_REPOSITORIES; `grafana/agent`), with those
    pods. Such a pod is a scraper whether or not its configuration is among the inputs (an install script's
    ConfigMap, a config written at deploy time): its token's grants matter as much as any scraper's (nodes/proxy,
    secrets, wildcards), though what its jobs need is unknown then (so nothing it holds is called unused)."""
    def build() -> dict[Identity, list[PodTemplate]]:
        found: dict[Identity, list[PodTemplate]] = {}
        for pod in workspace.workloads:
            if any(_scraper_image(container.image) for container in pod.containers):
                found.setdefault(Identity(pod.obj.namespace, pod.service_account), []).append(pod)
        return found

    return workspace.index("scraper programs", build)


def _scraper_image(image: str) -> bool:
    return _scraper_repository(image) is not None


@functools.lru_cache(maxsize=4096)  # by the image text alone: asked of every container at each (re-)lint
def _scraper_repository(image: str) -> str | None:
    """The scraper program an image runs (its repository name; `agent` for grafana/agent), else None."""
    head, _slash, name = _repository(image).rpartition("/")
    if name in _SCRAPER_REPOSITORIES or (name == "agent" and head.endswith("grafana")):
        return name
    return None


def scraper_program_names(workspace: Workspace, identities) -> list[str]:
    """How messages name the programs scraping as `identities`, from the images of the pods running as them
    (vmagent, Grafana Alloy, the OpenTelemetry Collector…); ["Prometheus"] when no such image says otherwise
    (an Operator-run Prometheus, a config resolved without a pod)."""
    names: list[str] = []
    for identity in identities:
        for pod in pods_running_as(workspace, identity):
            for container in pod.containers:
                repository = _scraper_repository(container.image)
                name = _PROGRAM_NAMES.get(repository or "", "the OpenTelemetry Collector") if repository else None
                if name is not None and name not in names:
                    names.append(name)
    return names or ["Prometheus"]


_PROGRAM_NAMES = {"prometheus": "Prometheus", "mirrored-prometheus-prometheus": "Prometheus", "vmagent": "vmagent", "alloy": "Grafana Alloy", "agent": "Grafana Agent",
                  "nri-prometheus": "nri-prometheus", "cloudwatch-agent": "the CloudWatch agent"}


# ---------------------------------------------------------------------------------------------- the user's grants


_SCANNED_VIA = 32  # Holding.via_of: up to this many entries, a scan is as quick as an index and costs no memory


@dataclass(eq=False)
class Holding:
    """One rule of a role bound to scraper identities by bindings in the inputs."""

    role: RoleDef  # the role that defines the rule (a component role for an aggregated ClusterRole)
    rule: PolicyRule
    via: list[tuple[BindingDef, RoleDef, Identity]] = field(default_factory=list)  # binding, bound role, identity
    # For a holding the API server refuses for its objects' apiVersion alone (version_refused_holdings): each
    # refused binding or role with its KS501 finding. Empty for what the authorizer grants.
    refused: tuple[tuple[BindingDef | RoleDef, Finding], ...] = ()

    _identities: tuple[int, list[Identity]] = field(default=(-1, []), init=False, repr=False, compare=False)
    # `via` by identity, in order: a built-in role (`view`) bound to thousands of scrapers, one RoleBinding each,
    # made a scan of `via` per identity quadratic. Rebuilt only when `via` has grown.
    _by_identity: tuple[int, dict] = field(default=(-1, {}), init=False, repr=False, compare=False)

    @property
    def identities(self) -> list[Identity]:
        # Asked once per job and holding by the privilege checks: rebuilt only when `via` has grown.
        if self._identities[0] != len(self.via):
            self._identities = (len(self.via), list(dict.fromkeys(identity for _b, _r, identity in self.via)))
        return self._identities[1]

    def bindings_of(self, identity: Identity) -> list[BindingDef]:
        return [binding for binding, _role in self.bound_by(identity)]

    def via_of(self, identity: Identity) -> list[tuple[BindingDef, RoleDef]]:
        """The `via` entries of `identity`, in order (repeats kept), as (binding, bound role). A short `via` (most
        rules: a few bindings) is scanned: an index on every holding cost megabytes at 10,000 objects."""
        if len(self.via) <= _SCANNED_VIA:
            return [(binding, role) for binding, role, ident in self.via if ident == identity]
        if self._by_identity[0] != len(self.via):
            index: dict[Identity, list[tuple[BindingDef, RoleDef]]] = {}
            for binding, role, ident in self.via:
                index.setdefault(ident, []).append((binding, role))
            self._by_identity = (len(self.via), index)
        return self._by_identity[1].get(identity, [])

    def bound_by(self, identity: Identity) -> list[tuple[BindingDef, RoleDef]]:
        """Each binding of the rule to `identity`, once, with the role it binds (its first `via` entry).
        Seen by id in a set: 5,000 RoleBindings to one scraper made a scan of the list so far cubic overall."""
        result: list[tuple[BindingDef, RoleDef]] = []
        seen: set[int] = set()
        for binding, role in self.via_of(identity):
            if id(binding) not in seen:
                seen.add(id(binding))
                result.append((binding, role))
        return result

    def applies(self, request: Request) -> list[tuple[BindingDef, Identity]]:
        """The (binding, identity) pairs through which this rule grants `request` for some object name (the rule's
        resourceNames, if any, are rbac.names_allowed(rule, request))."""
        if names_allowed(self.rule, request) is None:
            return []
        return [(b, i) for b, _r, i in self.via if binding_applies(b, request)]


def rule_owners(workspace: Workspace) -> dict[int, RoleDef]:
    """The role that writes each rule (by the rule's id): once per workspace, as the holdings of the grant rules,
    the refused ones and KS509 each ask it."""
    def build() -> dict[int, RoleDef]:
        owners: dict[int, RoleDef] = {}
        for role in list(workspace.cluster_roles.values()) + list(workspace.roles.values()):
            for rule in role.rules:
                owners[id(rule)] = role
        return owners

    return workspace.index("rule owners", build)


def user_grants(authorizer: Authorizer, identity: Identity) -> list[Grant]:
    """The identity's rules through bindings in the inputs (not the built-in bindings every SA gets)."""
    return [g for g in authorizer.all_grants(identity) if not g.binding.builtin]


def holdings(analysis: Analysis, identities) -> list[Holding]:
    """Each rule bound to any of `identities` by a binding in the inputs, once, with how it is bound."""
    owners = rule_owners(analysis.workspace)
    by_rule: dict[int, Holding] = {}
    seen: set[tuple[int, int, Identity]] = set()
    for identity in identities:
        for grant in user_grants(analysis.authorizer, identity):
            holding = by_rule.get(id(grant.rule))
            if holding is None:
                holding = by_rule[id(grant.rule)] = Holding(owners.get(id(grant.rule), grant.role), grant.rule)
            key = (id(grant.rule), id(grant.binding), identity)
            if key not in seen:
                seen.add(key)
                holding.via.append((grant.binding, grant.role, identity))
    return list(by_rule.values())


def version_refused_holdings(analysis: Analysis, identities, accepted: list[Holding]) -> list[Holding]:
    """The rules bound to `identities` by bindings and roles the API server refuses for their apiVersion alone
    (rbac.authorization.k8s.io/v1beta1 on 1.22+: KS501), as holdings with `refused` set. They grant nothing
    today (Authorizer.refused: never part of a decision), but KS501's fix — the apiVersion, nothing else — makes
    them grant exactly what is written, so the hazard rules report them now rather than after that fix. For
    those rules only: the access analysis, KS203 and suggest-rbac keep treating them as nothing. An object
    refused for its content too (a rule without verbs, a Role with nonResourceURLs…) is left out: what it would
    grant once fixed is not known. A rule some accepted holding has is left out too: its findings are there."""
    authorizer = analysis.authorizer
    owners = rule_owners(analysis.workspace)
    taken = {id(h.rule) for h in accepted}
    by_rule: dict[int, Holding] = {}
    for identity in identities:
        for binding, role, refused in version_refused_bindings(analysis, identity):
            for rule in authorizer.effective_rules(role):
                if id(rule) in taken:
                    continue
                holding = by_rule.get(id(rule))
                if holding is None:
                    holding = by_rule[id(rule)] = Holding(owners.get(id(rule), role), rule)
                if not any(b is binding and i == identity for b, _r, i in holding.via):
                    holding.via.append((binding, role, identity))
                known = {id(item) for item, _f in holding.refused}
                holding.refused += tuple(entry for entry in refused if id(entry[0]) not in known)
    return list(by_rule.values())


def version_refused_bindings(analysis: Analysis, identity: Identity,
                             ) -> list[tuple[BindingDef, RoleDef, tuple[tuple[BindingDef | RoleDef, Finding], ...]]]:
    """The identity's bindings (with their role) that the API server refuses only for the apiVersion of the
    binding, the role or both: (binding, role, each refused object with its KS501 finding)."""
    version = analysis.workspace.kubernetes_version
    result = []
    for binding, role, items in analysis.authorizer.refused(identity):
        if binding.builtin:
            continue
        findings = [refused_only_for_version(item, version) for item in items]
        if not all(findings):
            continue
        # Matched as the API server will match it once accepted, not by the author's intent (rbac.meant_for):
        # the content is valid, so the subjects are exactly what is written.
        if any(subject_applies(s, identity) for s in binding.subjects):
            result.append((binding, role, tuple(zip(items, findings))))  # type: ignore[arg-type]
    return result


def first_few(items: list[str], limit: int = 3) -> str:
    """A message-sized list: the first `limit` items and how many more."""
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def binding_label(binding: BindingDef) -> str:
    return (f"ClusterRoleBinding {binding.name}" if binding.kind == "ClusterRoleBinding"
            else f"RoleBinding {binding.namespace}/{binding.name}")


def describe_holders(holders: list[tuple[BindingDef, Subject]]) -> str:
    """co_holders' (binding, subject) pairs as messages name them: `ServiceAccount apps/app (RoleBinding apps/x)`."""
    return first_few(list(dict.fromkeys(f"{subject.describe()} ({binding_label(binding)})" for binding, subject in holders)))


def co_holders(analysis: Analysis, scrapers) -> dict[int, list[tuple[BindingDef, Subject]]]:
    """id(rule) → the (binding, subject) pairs in the inputs that hold the rule besides the scraper identities: a
    ServiceAccount of another workload, a User, a Group. The rule is theirs too, so a least-privilege fix for the
    scraper is a role of its own, not an edit that takes their permissions away. One pass over the bindings."""
    known = set(scrapers)
    index: dict[int, list[tuple[BindingDef, Subject]]] = {}
    for binding in analysis.workspace.bindings:
        others = [s for s in binding.subjects
                  if not (s.kind == "ServiceAccount" and Identity(s.namespace, s.name) in known)]
        role = analysis.workspace.role_for(binding) if others else None
        if role is None:
            continue
        for rule in analysis.authorizer.effective_rules(role):
            index.setdefault(id(rule), []).extend((binding, s) for s in others)
    return index


def holds_real_grants(authorizer: Authorizer, identity: Identity) -> list[Grant]:
    """The user's grants that give the token some power: everything but the POWERLESS ones (written exactly,
    not through a wildcard) and entries that match no real request (a misspelt resource such as `tokenreview`,
    which the RBAC-object rules report: rbac_objects.grants_nothing) — those give the token no power either."""
    from .checks.rbac_objects import grants_nothing  # (the one judge of dead entries; checks import this module)

    version = authorizer.workspace.kubernetes_version
    return [g for g in user_grants(authorizer, identity)
            if any((p.verb, p.api_group, p.resource) not in POWERLESS
                   and not grants_nothing(g.role, p.api_group, p.resource, p.url, version, p.verb)
                   for p in permissions(g.rule))]


# ---------------------------------------------------------------------------------------------- pods


def pods_running_as(workspace: Workspace, identity: Identity) -> list[PodTemplate]:
    # indexed once: asked per identity, a scan of every workload each time was quadratic
    index = workspace.index("pods_by_service_account", lambda: _pods_by_service_account(workspace))
    return list(index.get((identity.namespace, identity.name), ()))


def _pods_by_service_account(workspace: Workspace) -> dict[tuple[str, str], list[PodTemplate]]:
    index: dict[tuple[str, str], list[PodTemplate]] = {}
    for pod in workspace.workloads:
        index.setdefault((pod.obj.namespace, pod.service_account), []).append(pod)
    return index


def scrape_pods(analysis: Analysis) -> set[int]:
    """id() of every pod template that loads a Prometheus config (mounts its ConfigMap/Secret, or runs it)."""
    found = analysis.__dict__.get("_scrape_pods")
    if found is not None:
        return found
    found = analysis.__dict__["_scrape_pods"] = set()
    for config in analysis.configs:
        holder = config.holder
        if holder is not None:
            found.update(id(p) for p in workloads_loading(analysis.workspace, holder.kind, holder.namespace, holder.name))
    for job in analysis.jobs:
        if job.resolution.pod is not None:
            found.add(id(job.resolution.pod))
        elif job.identity is not None and job.resolution.runner is None:  # (an operator runs its own pods)
            # Resolved without a pod (the only scraper ServiceAccount beside a plain file): the Prometheus that
            # runs as it is the one loading the config, not "another workload running as the scraper".
            found.update(id(p) for p in pods_running_as(analysis.workspace, job.identity) if looks_like_prometheus(p))
    return found


def auth_proxy_containers(pod: PodTemplate) -> list[str]:
    """Containers that review tokens: by image, and a kube-rbac-proxy whose image is left to an operator by its
    flags or name (authproxy.is_rbac_proxy)."""
    return [c.name for c in pod.containers
            if any(name in c.image for name in AUTH_PROXY_IMAGES) or is_rbac_proxy(c)]


# ---------------------------------------------------------------------------------------------- requirements


@dataclass(eq=False)
class Requirement:
    """One request an identity must be allowed, and who makes it: a job's need, the Alertmanager discovery of a
    config, or a sidecar using the same token."""

    who: str  # 'job "kubernetes-nodes"', 'Alertmanager discovery of Prometheus default/k8s', 'container kube-rbac-proxy of …'
    request: Request  # what to grant: for a kubelet need, the subresource the cluster version checks first
    why: str
    span: Span | None = None
    decision: Decision | None = None  # the decision that grants it (its request may be a fallback), else `request`'s
    job: JobAnalysis | None = None
    need: Need | None = None

    @property
    def allowed(self) -> bool:
        return self.decision is not None and self.decision.allowed


def requirements(analysis: Analysis, identity: Identity, jobs: list[JobAnalysis] | None = None) -> list[Requirement]:
    """Everything `identity` must be allowed: checked job needs, Alertmanager discovery, sidecars."""
    result = []
    for job in jobs if jobs is not None else job_identities(analysis).get(identity, []):
        for need in job.needs:
            if need.unchecked or need.decision is None:
                continue  # another credential, or an assumption that the target does not ask RBAC
            if (need.identity or job.identity) != identity:
                continue  # made by another pod with its own token (a collector's target allocator)
            # To grant: the request the target checks first (the fine-grained kubelet subresource when the version
            # has it). Granted by: the decision that allows it, which may be a fallback alternative (nodes/proxy).
            decision = need.granting or need.decision
            result.append(Requirement(job.job.label, need.request, need.why, need.span, decision, job, need))
    authorizer = analysis.authorizer
    for who, request, why, span in (alerting_requests(analysis, identity) + sidecar_requests(analysis.workspace, identity)
                                    + config_reloader_requests(analysis, identity)):
        result.append(Requirement(who, request, why, span, authorizer.authorize(identity, request)))
    return result


def config_reloader_requests(analysis: Analysis, identity: Identity) -> list[tuple[str, Request, str, Span | None]]:
    """What the VictoriaMetrics operator's config-reloader beside each VMAgent running as `identity` reads with the
    same token: the generated configuration, Secret vmagent-<name> of the VMAgent's namespace, fetched and watched
    through the API (`--config-secret-name=<ns>/vmagent-<name>`; the operator's own Role grants `get, watch` on
    secrets, factory/vmagent/rbac.go). A requirement like a sidecar's: its grant is used (KS203), suggest-rbac
    writes it."""
    agents = {id(c.runner): c.runner for c in configs_of(analysis, identity)
              if getattr(c, "runner", None) is not None and c.runner.kind == "VMAgent"}
    return [(f"the config-reloader of VMAgent {agent.namespace}/{agent.name}",
             Request(verb, "", "secrets", namespace=agent.namespace, name=f"vmagent-{agent.name}"),
             "it reads the configuration the operator generates", agent.span)
            for agent in agents.values() for verb in ("get", "watch")]


def configs_of(analysis: Analysis, identity: Identity) -> list[PromConfig]:
    """The configs that run as `identity` (indexed once per analysis: asked per identity)."""
    index = analysis.__dict__.get("_configs_by_identity")
    if index is None:
        index = analysis.__dict__["_configs_by_identity"] = {}
        for config in analysis.configs:
            resolution = analysis.resolutions.get(id(config))
            for each in resolution.each if resolution is not None else ():  # every ServiceAccount that loads it
                if each.identity is not None:
                    index.setdefault(each.identity, []).append(config)
    return index.get(identity, [])


def _runner_discovers_as_itself(runner, spec: YMap) -> bool:
    """Whether a Prometheus resource's discovery runs as its pod's ServiceAccount: no `apiserverConfig`, or one
    whose credentials are the pod's token file."""
    from .analyse import discovery_sends_identity_token
    from .operator import apiserver_sd_keys

    apiserver = spec.get("apiserverConfig")
    if not isinstance(apiserver, YMap) or not as_str(apiserver.get("host")):
        return True
    node = YMap(apiserver.pos)
    apiserver_sd_keys(apiserver, node)
    return discovery_sends_identity_token(sd_config(runner.path, node), None)


def alerting_requests(analysis: Analysis, identity: Identity) -> list[tuple[str, Request, str, Span | None]]:
    """Alertmanager discovery: `alerting.alertmanagers[].kubernetes_sd_configs` of a plain config, or
    `spec.alerting.alertmanagers` of a Prometheus resource (the operator discovers them with the endpoints or
    endpointslice role in their namespace). Informers list and watch, with the pod's token, like scrape discovery."""
    result = []
    for config in configs_of(analysis, identity):
        runner = getattr(config, "runner", None)
        if runner is not None:
            spec = as_map(runner.doc.get("spec"))
            role = "endpointslice" if as_str(spec.get("serviceDiscoveryRole")).lower() == "endpointslice" else "endpoints"
            if not _runner_discovers_as_itself(runner, spec):
                continue  # spec.apiserverConfig with other credentials: another API server's RBAC
            managers = as_seq(as_map(spec.get("alerting")).get("alertmanagers"))
            for index, item in enumerate(managers):
                namespace = as_str(as_map(item).get("namespace")) or runner.namespace
                span = at(runner.path, managers.item_pos(index)) if isinstance(managers, YSeq) else runner.span
                who = f"Alertmanager discovery of {runner.kind} {runner.namespace}/{runner.name}"
                for resource in knowledge("sd-roles")["roles"][role]:
                    for verb in ("list", "watch"):
                        request = Request(verb, resource.get("group", ""), resource["resource"], namespace=namespace)
                        result.append((who, request, f"discovers Alertmanager {as_str(as_map(item).get('name'))} "
                                                     f"with role {role} in namespace {namespace}", span))
            continue
        managers = as_seq(as_map(config.root.get("alerting")).get("alertmanagers"))
        for manager in managers:
            for node in as_seq(as_map(manager).get("kubernetes_sd_configs")):
                if not isinstance(node, YMap):
                    continue
                sd = sd_config(config.path, node)
                for need in discovery_needs(None, sd, identity):  # type: ignore[arg-type]
                    result.append((f"Alertmanager discovery of {config.describe}", need.request, need.why, need.span))
    return result


def sidecar_requests(workspace: Workspace, identity: Identity) -> list[tuple[str, Request, str, Span | None]]:
    """Requests containers make with the same token: delegated-auth proxies review every client's token."""
    result = []
    for pod in pods_running_as(workspace, identity):
        for name in auth_proxy_containers(pod):
            who = f"container {name} of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
            for request in REVIEW_REQUESTS:
                result.append((who, request, f"{name} authenticates and authorizes its clients", pod.obj.span))
    return result


# ---------------------------------------------------------------------------------------------- used


def used_permissions(analysis: Analysis, identity: Identity, jobs: list[JobAnalysis] | None = None,
                     ) -> dict[tuple[int, Permission], list[Requirement]]:
    """(id(rule), permission) → the requirements it grants, for the rules in the user's bindings of `identity`."""
    used: dict[tuple[int, Permission], list[Requirement]] = {}
    perms_of: dict[int, list[Permission]] = {}
    # (id(rule), request) → the rule's permissions allowing it: an identity's jobs repeat a few requests thousands
    # of times (every pod-discovery job lists pods), and matching each against every permission of every granting
    # rule again was most of a large workspace's least-privilege time.
    allowing: dict[tuple[int, Request], list[Permission]] = {}
    for requirement in requirements(analysis, identity, jobs):
        decision = requirement.decision
        if not requirement.allowed:
            # A kubelet path held as its fine-grained subresource on a version whose kubelet checks nodes/proxy
            # (KS110): that grant is what the job will use once the cluster runs 1.33+, not a thing to delete.
            held = fine_grained_held(requirement.need, analysis.authorizer, identity) if requirement.need else None
            if held is None:
                continue
            decision = held[1]
        for grant in decision.grants:
            if grant.binding.builtin:
                continue
            key = (id(grant.rule), decision.request)
            perms = allowing.get(key)
            if perms is None:
                if id(grant.rule) not in perms_of:
                    perms_of[id(grant.rule)] = permissions(grant.rule)
                perms = allowing[key] = [perm for perm in perms_of[id(grant.rule)] if perm.allows(decision.request)]
            for perm in perms:
                used.setdefault((id(grant.rule), perm), []).append(requirement)
    return used


def fine_grained_held(need: Need, authorizer: Authorizer, identity: Identity) -> tuple[str, Decision] | None:
    """The fine-grained kubelet subresource (nodes/pods, nodes/healthz…) the identity holds for a path this cluster
    version's kubelet still authorizes as nodes/proxy (FACTS §1: KubeletFineGrainedAuthz, on from 1.33): KS110."""
    if need.target != "kubelet" or need.request.subresource != "proxy" or not need.path:
        return None
    newest = kubelet_subresources(need.path, (99, 0))  # what a kubelet with KubeletFineGrainedAuthz would accept
    if len(newest) < 2:
        return None
    decision = authorizer.authorize(identity, Request("get", "", "nodes", newest[0]))
    return (newest[0], decision) if decision.allowed else None


def permissions_beyond(analysis: Analysis, identity: Identity, role: RoleDef,
                       by_role_binding: bool = False) -> list[Permission]:
    """The permissions of `role` that no requirement of `identity` uses, scope aside: what binding the whole role
    where the identity needs part of it would hand out for nothing (KS105's and KS203's fixes ask before proposing
    it). A wildcard grants more than any list of needs, so it always counts. `by_role_binding`: the binding proposed
    is a RoleBinding, which hands out none of the role's cluster-scoped resources or URLs (FACTS §8 Scope): only
    what it does hand out is "also granted" (a ClusterRole with nodes and pods bound in a team namespace grants pods
    there, nothing of nodes — probe realworld18)."""
    # An entry that grants nothing (extensions/ingresses on a cluster that no longer serves it, a kubelet path as a
    # URL) is handed out by no binding: the RBAC-object rules report it, and naming it here as "also granted, unused
    # (KS203)" promised a KS203 that never comes (prometheus-2020-apiproxy's KS101 fixes).
    authorizer = analysis.authorizer
    key = ("beyond", identity, id(role), by_role_binding)
    if key not in authorizer.memo:
        from .checks.rbac_objects import grants_nothing  # (the checks build on this module)

        wanted = [request for requirement in requirements(analysis, identity)
                  for request in (requirement.request, *(requirement.need.alternatives if requirement.need else ()))]
        version = analysis.assumptions.version
        # (grants_nothing judges by the role's kind: asked of a Role, it drops the cluster-scoped entries)
        as_bound = RoleDef("Role", role.name, "", [], {}) if by_role_binding else role
        authorizer.memo[key] = [perm for rule in authorizer.effective_rules(role) for perm in permissions(rule)
                                if ("*" in perm.verb + perm.api_group + perm.resource + perm.url
                                    or not any(perm.allows(request) for request in wanted))
                                and not (by_role_binding and perm.url)
                                and not grants_nothing(as_bound, perm.api_group, perm.resource, perm.url, version, perm.verb,
                                                       reviewed_resources(analysis.workspace))]
    return authorizer.memo[key]


def need_allowed_by(analysis: Analysis, perm: Permission, identities: list[Identity],
                    denied_only: Identity | None = None) -> tuple[JobAnalysis, Need] | None:
    """A need of a job running as one of `identities` (searched in that order) that `perm` would allow if it
    applied where the need is made (scope ignored). The needs of `denied_only` count only while denied: one that
    another grant already satisfies is not what `perm` is wanted for.

    Each identity's needs are indexed once per run by the exact (verb, group, resource path) or URL they request,
    so a literal permission looks up its candidates; only permissions with a wildcard scan them all. Matching
    itself is rbac.rule_allows. Only the identities asked about are indexed: a re-lint of one file in a large
    workspace does not walk every job's needs."""
    indexes = analysis.__dict__.setdefault("_needs_by_request", {})
    literal = "*" not in perm.verb + perm.api_group + perm.resource + perm.url
    key = ("url", perm.url) if perm.url else (perm.verb, perm.api_group, perm.resource)
    for identity in identities:
        index = indexes.get(identity)
        if index is None:
            index = indexes[identity] = _needs_by_request(analysis, identity)
        for candidates in [index.get(key, ())] if literal else index.values():
            for job, need in candidates:
                if identity == denied_only and need.satisfied:
                    continue
                if any(perm.allows(request) for request in (need.request, *need.alternatives)):
                    return job, need
    return None


def _needs_by_request(analysis: Analysis, identity: Identity) -> dict[tuple, list[tuple[JobAnalysis, Need]]]:
    """Kept for the run, per identity asked about (~1,700 of 10,000 objects): a need's (job, need) pair is one tuple
    under each of its keys, and equal keys are one tuple across identities (~10 MB of a large run, then ~4 MB)."""
    jobs = job_identities(analysis)
    keys = analysis.__dict__.setdefault("_need_keys", {})
    index: dict[tuple, list[tuple[JobAnalysis, Need]]] = {}
    for job in jobs.get(identity, ()):
        for need in job.needs:
            if need.unchecked:
                continue  # made with other credentials (a token file or Secret not the identity's): not its grant
            if need.identity is not None and need.identity != identity:
                continue  # made by another pod (a collector's target allocator)
            pair = (job, need)
            for request in (need.request, *need.alternatives):
                key = keys.get(request)
                if key is None:
                    key = ("url", request.url) if request.url else (request.verb, request.api_group, request.resource_path)
                    key = keys[request] = keys.setdefault(key, key)
                bucket = index.setdefault(key, [])
                if not bucket or bucket[-1][1] is not need:
                    bucket.append(pair)
    return index
