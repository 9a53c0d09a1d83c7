"""Prometheus configuration views: a config (plain file or embedded) and its scrape jobs.

A ScrapeJob is the common currency: a plain `scrape_configs` entry, a ConfigMap-embedded one and (later) one
derived from a Prometheus Operator monitor all become the same type, so every rule applies to all of them.
"""

from __future__ import annotations

import os
import re
from typing import Any

from .model import K8sObject
from .records import dataclass, field
from .yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, key_span, value_span

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
SA_TOKEN = SA_DIR + "/token"
SA_CA = SA_DIR + "/ca.crt"
# A static target written as a URL (Prometheus refuses it: config.go CheckTargetAddress "is not a valid hostname").
TARGET_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<address>[^/?#]+)(?P<path>/[^?#]*)?$")
# ip6-localhost/ip6-loopback: the kubelet-managed /etc/hosts of every pod maps them to ::1 (kubernetes.io docs,
# "Adding entries to Pod /etc/hosts with HostAliases": "::1 localhost ip6-localhost ip6-loopback")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]", "ip6-localhost", "ip6-loopback")


def split_url(url: str):
    """urllib's urlsplit, or None for text it refuses (`http://[name]`: a bracketed host that is no IP address, an
    unbalanced bracket): a URL the user wrote that Go's net/url would refuse too."""
    from urllib.parse import urlsplit

    try:
        return urlsplit(url)
    except ValueError:
        return None


def is_ip_address(host: str) -> bool:
    """Whether a host (`[::1]` bracketed or not) is an IP address rather than a name."""
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def is_loopback_host(host: str) -> bool:
    """An address of the pod's own loopback (127.0.0.0/8, ::1): a sidecar in the same pod; nothing crosses the network."""
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def is_in_cluster_api_host(host: str) -> bool:
    """The in-cluster API server Service's DNS name (kubernetes, kubernetes.default, kubernetes.default.svc…)."""
    return host == "kubernetes" or host.startswith("kubernetes.default")


FROM_SECRET = "<from Secret>"  # what operator.py writes for a value an operator resource takes from a Secret key


@dataclass(slots=True)
class SDConfig:
    role: str
    namespaces: list[str] | None  # None = all namespaces (cluster-wide list/watch)
    own_namespace: bool
    api_server: str
    kubeconfig_file: str
    credentials: "Credentials"  # what discovery sends to api_server (its own http_config); none when in-cluster
    attach_node: bool
    attach_namespace: bool
    attach_deployment: bool
    attach_job: bool
    attach_cronjob: bool
    node: YMap
    path: str
    # Where the namespace of each list/watch was decided, when not by this entry's `role:` (None: cluster-wide): a
    # monitor's `namespaceSelector` (`matchNames` item, `any: true`), which the generated entry has no node for.
    scope_spans: dict[str | None, Span] = field(default_factory=dict)

    @property
    def api_server_address(self) -> tuple[str, str]:
        """(scheme, host) of api_server; ("", "") when unset or not a URL."""
        parts = split_url(self.api_server)
        return (parts.scheme, parts.hostname or "") if parts is not None else ("", "")

    @property
    def api_server_is_local(self) -> bool:
        """api_server on the pod's own loopback: a `kubectl proxy` sidecar, which authenticates to the API server
        with its own credentials; nothing crosses the network."""
        return is_loopback_host(self.api_server_address[1])

    @property
    def other_cluster(self) -> bool:
        """Discovery that may list another cluster than the one the inputs and the assumed `kubernetes-version`
        describe: a kubeconfig (its current context names the cluster), or an api_server that is neither the
        in-cluster Service (kubernetes, kubernetes.default.svc…) nor the pod's loopback (a `kubectl proxy` sidecar
        talks to the pod's own cluster)."""
        if self.kubeconfig_file:
            return True
        if not self.api_server or self.api_server_is_local:
            return False
        return not is_in_cluster_api_host(self.api_server_address[1])

    @property
    def elsewhere(self) -> bool:
        """Discovery that may list another cluster (other_cluster) at a host it names, with credentials of its own. An
        api_server with no host (not a URL) names no cluster, and one reached with the pod's ServiceAccount token is
        the pod's own cluster's (`https://10.96.0.1`, its API server's address written out): that token
        authenticates to no other cluster's API server."""
        return self.other_cluster and self.off_identity and bool(self.kubeconfig_file or self.api_server_address[1])

    @property
    def in_cluster(self) -> bool:
        """rest.InClusterConfig(): the pod's ServiceAccount token and CA (FACTS §4 Discovery identity)."""
        return not (self.api_server or self.kubeconfig_file)

    @property
    def off_identity(self) -> bool:
        """Discovery certainly uses other credentials than the pod's ServiceAccount token (FACTS §4 Discovery
        identity): a kubeconfig, or an api_server with credentials other than the token file. An api_server with
        `bearer_token_file`/`authorization.credentials_file` at the ServiceAccount token (a common way to spell
        in-cluster discovery) authenticates as the pod's ServiceAccount like in-cluster discovery does. (A
        projected token file is decided with the pod: analyse.discovery_sends_identity_token.)"""
        if self.kubeconfig_file:
            return True
        return bool(self.api_server) and self.credentials.kind != "sa-token"

    @property
    def role_span(self) -> Span:
        return value_span(self.path, self.node, "role") if "role" in self.node else at(self.path, self.node.pos)

    def span(self, key: str) -> Span:
        return key_span(self.path, self.node, key) if key in self.node else self.role_span

    def selected_name(self, role: str) -> str | None:
        """The one object name a `selectors` entry for `role` asks for with a field selector `metadata.name=NAME`.
        Prometheus passes it on its list and watch requests, and a rule restricted to that name by
        resourceNames then allows them (FACTS §8)."""
        for selector in as_seq(self.node.get("selectors")):
            selector = as_map(selector)
            if as_str(selector.get("role")) != role:
                continue
            for term in as_str(selector.get("field")).split(","):
                key, _, value = term.strip().replace("==", "=").partition("=")
                value = value.strip()
                if key.strip() == "metadata.name" and not key.endswith("!") and value and "$" not in value:
                    # (`${env:K8S_NODE_NAME}`, a per-node collector's own node: a different name on every node)
                    return value
        return None


@dataclass(slots=True)
class Credentials:
    """What a job sends to its targets (FACTS §4 Credential handling)."""

    kind: str  # sa-token | token-file | inline-token | basic | oauth2 | client-cert | none
    file: str
    span: Span
    # A Prometheus Operator resource's token from a Secret key: (name, key) in the resource's namespace (the
    # operator copies the value into the config; the Secret in the inputs tells whose token it is).
    secret: tuple[str, str] | None = None
    from_secret: bool = False  # an operator resource's token or password from a Secret key (not written inline)
    auth_type: str = "Bearer"  # `authorization.type`: the scheme of the Authorization header sent

    @property
    def authenticates(self) -> bool:
        return self.kind != "none"

    @property
    def kubernetes_authenticates(self) -> bool:
        """Whether a Kubernetes component (kubelet, API server, controller-manager, scheduler, kube-rbac-proxy)
        can authenticate what is sent: a client certificate, or an `Authorization: Bearer` token. Their request
        authenticators skip any other header (k/k apiserver request/bearertoken/bearertoken.go returns "not
        authenticated, no error" unless the scheme is bearer; the API server's basic-auth file went in 1.19), so
        basic auth or `authorization.type: Basic` is anonymous to them."""
        if self.kind == "client-cert":
            return True
        return self.kind not in ("none", "basic") and self.auth_type.lower() == "bearer"

    @property
    def refused(self) -> bool:
        """`authorization.type: basic` in any letter case and spacing: prometheus/common config/http_config.go
        (HTTPClientConfig.Validate) trims the type and refuses "basic" case-insensitively, so Prometheus does not load
        the config at all — a config error (KS601), not a request the targets see."""
        return self.auth_type.strip().lower() == "basic"

    def describe(self) -> str:
        if self.secret is not None:
            return f"the bearer token in Secret {self.secret[0]} (key {self.secret[1]})"
        if self.from_secret and self.kind in ("inline-token", "basic"):
            return "a bearer token from a Secret" if self.kind == "inline-token" else "basic auth from a Secret"
        return {
            "sa-token": "the ServiceAccount token",
            "token-file": f"the token in {self.file}",
            "inline-token": "an inline bearer token" if self.auth_type.lower() == "bearer" else "inline credentials",
            "basic": "basic auth",
            "oauth2": "an OAuth2 token",
            "client-cert": "a TLS client certificate",
            "none": "no credentials",
        }[self.kind]


@dataclass(eq=False, slots=True)
class ScrapeJob:
    name: str
    node: YMap
    path: str
    config: "PromConfig"
    scheme: str
    metrics_path: str
    credentials: Credentials
    tls: YMap
    sd_configs: list[SDConfig] = field(default_factory=list)
    static_targets: list[tuple[str, dict[str, str], Span]] = field(default_factory=list)
    relabel_nodes: list[YMap] = field(default_factory=list)
    other_sd: list[str] = field(default_factory=list)
    source_kind: str = "config"
    # Operator jobs: the monitor they come from, and targets that satisfy its selector (used when none of the
    # representative cluster's targets survive, e.g. an application our sample cluster does not run).
    monitor: K8sObject | None = None
    fallback_targets: list[dict[str, str]] = field(default_factory=list)
    # Operator monitor jobs: how many relabel rules at the front the operator generates (selector keeps, port
    # filter) before the endpoint's own relabelings — rules the user did not write, so never the smallest node
    # that causes a finding when the endpoint's `path` is written (analyse._scrape_place).
    generated_relabels: int = 0
    # Operator jobs: the Secret key (name, key) their tlsConfig.ca names, which the operator reads from the
    # monitor's namespace: a service-account-token Secret's ca.crt is the cluster CA (KS304, KS301's fix).
    ca_secret: tuple[str, str] | None = None
    # Operator jobs of a monitor the operator refuses for their Prometheus (KS601, KS603), of a monitor or a
    # Prometheus the API server refuses (KS602), and why, naming who (printed as is): the job is not
    # in the generated config, so nothing is scraped and no request is made (no access or transport findings),
    # but what it needs still tells what the identity's grants are for once the monitor is fixed (KS203, KS208).
    rejected: str = ""
    # A job that makes its requests over the connection settings of another job of the same component (a
    # kubeletstats receiver reads /pods with the TLS, token and port of its /stats/summary job): findings about
    # those settings (KS301–KS304) are reported once, on that job.
    transport_of: "ScrapeJob | None" = None
    # How the job is made to scrape the kubelets directly where that is a setting of its component, not relabel
    # rules (an OTel kubeletstats receiver with auth_type kubeConfig reads through the API-server proxy): KS103's
    # and KS209's fix then says that setting.
    direct_setting: str = ""
    # Results that depend on this job alone (its relabel simulation), kept as long as the job is (see Source.memo).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def span(self) -> Span:
        """Where findings about the whole job sit: its job_name value."""
        return value_span(self.path, self.node, "job_name") if "job_name" in self.node else at(self.path, self.node.pos)

    def key_span(self, key: str) -> Span:
        return key_span(self.path, self.node, key) if key in self.node else self.span

    @property
    def label(self) -> str:
        return f'job "{self.name}"'

    def discovery_elsewhere(self) -> SDConfig | None:
        """The first SD config of the job that may list another cluster (SDConfig.elsewhere); None when none may.
        Only the targets it discovers are that cluster's (targets.Endpoint.elsewhere): a static target or an
        in-cluster SD config beside it stays this cluster's."""
        return next((sd for sd in self.sd_configs if sd.elsewhere), None)

    def discovery_token(self) -> tuple[str, str] | None:
        """(token file, CA file or "") of a kubernetes_sd_configs that reaches its api_server with a token file of
        its own — a Prometheus outside the cluster, where the ServiceAccount directory does not exist. Discovery's
        credentials are never sent to targets (FACTS §4), so a fix that gives the scrapes a token names this one."""
        sd = next((sd for sd in self.sd_configs if sd.api_server and sd.credentials.kind == "token-file"), None)
        if sd is None:
            return None
        return sd.credentials.file, as_str(as_map(sd.node.get("tls_config")).get("ca_file"))


@dataclass(eq=False)
class PromConfig:
    path: str
    root: YMap
    origin: str  # config | configmap | secret | operator
    holder: K8sObject | None = None  # the ConfigMap/Secret it is embedded in
    key: str = ""  # data key inside the holder
    jobs: list[ScrapeJob] = field(default_factory=list)
    runner: K8sObject | None = None  # operator: the Prometheus/PrometheusAgent whose pods run these jobs
    monitor: K8sObject | None = None  # operator: a monitor that no Prometheus in the inputs selects
    # operator, with `monitor`: why runners in the inputs select none of its kind (a null selector), for KS100
    unselected_why: str = ""
    # operator, with `monitor`: what selects it instead of a Prometheus — a Grafana Agent MetricsInstance or an
    # OpenTelemetryCollector's target allocator (prometheusCR) — which this tool does not model: KS007 says so, KS100
    # does not
    unread_runner: K8sObject | None = None
    dollar_escaped: bool = False  # OpenTelemetry Collector configs write a literal `$` as `$$`
    # "grafana-agent": one instance of a Grafana Agent static-mode config (root = the `metrics.configs[]` entry;
    # `agent_global` = its `metrics.global`), validated as the agent loads it (promvalidate.validate).
    flavor: str = "prometheus"
    agent_global: YMap | None = None
    # Components beside the scrape jobs that call the Kubernetes API with the same identity (e.g. a collector's
    # k8s_cluster receiver): their needs are not modelled, so "unused grant" cannot be decided for this identity.
    unmodelled: list[str] = field(default_factory=list)
    # Operator: monitors the operator refuses for this Prometheus (monitor, the offending field's span, why).
    rejected: list[tuple[K8sObject, Span, str]] = field(default_factory=list)
    # Operator: monitors naming a scrape class the Prometheus does not define (rejected too: KS601).
    unknown_scrape_class: list[K8sObject] = field(default_factory=list)
    # Operator: monitors with relabel actions this Prometheus 2.x release does not know, with those rules
    # (promvalidate.monitor_actions_too_new; rejected too: KS601).
    actions_too_new: list[tuple[K8sObject, list]] = field(default_factory=list)
    # Operator, with `runner`: why no prometheus-operator of the inputs reconciles that runner ("" when one does).
    # Its jobs (additionalScrapeConfigs) never run: no pod loads them, so no identity is resolved (KS100).
    unrun_why: str = ""

    @property
    def describe(self) -> str:
        if self.runner is not None:
            return f"{self.runner.kind} {self.runner.namespace}/{self.runner.name}"
        if self.monitor is not None:
            return f"{self.monitor.kind} {self.monitor.namespace}/{self.monitor.name}"
        if self.holder is not None:
            return f"{self.holder.kind} {self.holder.namespace}/{self.holder.name} key {self.key}"
        return self.path


def _is_sa_token_path(file: str) -> bool:
    """The automounted token's path as the kernel resolves it (a templated `kubernetes.io//serviceaccount/token`)."""
    return file == SA_TOKEN or (file.startswith("/") and os.path.normpath(file) == SA_TOKEN)


def _credentials(path: str, job: YMap) -> Credentials:
    auth = job.get("authorization")
    if isinstance(auth, YMap):
        auth_type = as_str(auth.get("type")).strip() or "Bearer"  # (prometheus/common trims it, defaults to Bearer)
        file = as_str(auth.get("credentials_file"))
        if file:
            kind = "sa-token" if _is_sa_token_path(file) else "token-file"
            return Credentials(kind, file, value_span(path, auth, "credentials_file"), auth_type=auth_type)
        if auth.get("credentials") is not None:
            return Credentials("inline-token", "", key_span(path, auth, "credentials"),
                               from_secret=auth.get("credentials") == FROM_SECRET, auth_type=auth_type)
    if as_str(job.get("bearer_token_file")):  # prometheus/common reads the file only when the name is non-empty
        file = as_str(job.get("bearer_token_file"))
        return Credentials("sa-token" if _is_sa_token_path(file) else "token-file", file, value_span(path, job, "bearer_token_file"))
    if job.get("bearer_token") is not None:
        return Credentials("inline-token", "", key_span(path, job, "bearer_token"), from_secret=job.get("bearer_token") == FROM_SECRET)
    if isinstance(job.get("basic_auth"), YMap):
        return Credentials("basic", "", key_span(path, job, "basic_auth"),
                           from_secret=job["basic_auth"].get("username") == FROM_SECRET)
    if isinstance(job.get("oauth2"), YMap):
        return Credentials("oauth2", "", key_span(path, job, "oauth2"))
    tls = as_map(job.get("tls_config"))
    if tls.get("cert_file") or tls.get("cert"):
        return Credentials("client-cert", as_str(tls.get("cert_file")), key_span(path, tls, "cert_file" if "cert_file" in tls else "cert"))
    return Credentials("none", "", value_span(path, job, "job_name"))


# What any http_config block sends (an `alerting.alertmanagers` entry too: checks/transport.py KS303).
http_credentials = _credentials


# vmagent (VictoriaMetrics) reads Prometheus configs with a few names of its own; the analysis takes them for the
# Prometheus ones they mean (KS601 judges a vmagent's config by vmagent's rules, see checks/config.py). Its own
# relabel actions (keep_if_equal, drop_if_equal) mean nothing Prometheus has: relabel.py simulates them.
VMAGENT_ROLES = {"endpointslices": "endpointslice"}


def _sd_config(path: str, node: YMap) -> SDConfig:
    namespaces = as_map(node.get("namespaces"))
    names = [as_str(n) for n in as_seq(namespaces.get("names")) if as_str(n)]
    own = namespaces.get("own_namespace") is True
    attach = as_map(node.get("attach_metadata"))
    role = as_str(node.get("role")).lower()
    api_server = as_str(node.get("api_server"))
    return SDConfig(
        role=VMAGENT_ROLES.get(role, role),
        namespaces=names if (names or own) else None,
        own_namespace=own,
        api_server=api_server,
        kubeconfig_file=as_str(node.get("kubeconfig_file")),
        # Only with api_server does discovery use its own http_config (without, Prometheus rejects one).
        credentials=(_credentials(path, node) if api_server
                     else Credentials("none", "", value_span(path, node, "role") if "role" in node else at(path, node.pos))),
        attach_node=attach.get("node") is True,
        attach_namespace=attach.get("namespace") is True,
        attach_deployment=attach.get("deployment") is True,
        attach_job=attach.get("job") is True,
        attach_cronjob=attach.get("cronjob") is True,
        node=node,
        path=path,
    )


# Go string fields of a scrape config and of its relabel rules (prometheus config.ScrapeConfig, relabel.Config).
_JOB_STRINGS = ("job_name", "scheme", "metrics_path")
_RELABEL_STRINGS = ("separator", "regex", "target_label", "replacement", "action")


def keep_written_strings(source: Any, jobs: list, collector: bool = False) -> None:
    """Give the string fields of Prometheus scrape jobs the text Prometheus reads. It loads its config with Go
    yaml.v2, which fills a string field with a plain scalar's text even where YAML 1.1 resolves it to another
    type: `job_name: n` is the job "n", not false; `regex: 0123` the regex "0123", not 83. (Kubernetes objects
    go through YAML→JSON first, so there `name: n` stays a boolean: KS602.) The tree holds the resolved value
    and no text; the text is read back from the source line at the value's position, only for the rare
    non-string value — a text slot on every parsed mapping cost megabytes at 10,000 objects. In place, before
    the jobs are built, so the job, the relabel simulation and KS601 all see Prometheus' strings. `source`: the
    load.Source of the file the jobs' positions are in (an embedded config's are the outer file's).

    `collector`: the OpenTelemetry collector's prometheus receiver, whose config is first read by confmap with
    Go yaml.v3 into untyped values, then marshalled again and loaded by Prometheus (prometheusreceiver config.go
    PromConfig.Unmarshal → reloadPromConfig). yaml.v3 resolves only true/false (True, TRUE…) as booleans, so
    `job_name: n` or `yes` stays the text; but it still resolves `0123` as the number 83 and `true` as a boolean,
    which Prometheus then reads as "83" and "true": those keep the resolved value."""
    for job in jobs:
        if not isinstance(job, YMap):
            continue
        _written(source, job, _JOB_STRINGS, collector)
        for key in ("relabel_configs", "metric_relabel_configs"):
            for rule in as_seq(job.get(key)):
                if isinstance(rule, YMap):
                    _written(source, rule, _RELABEL_STRINGS, collector)
                    labels = rule.get("source_labels")
                    if isinstance(labels, YSeq):
                        for index in range(len(labels)):
                            text = _string_text(source, labels, index, collector)
                            if text is not None:
                                labels[index] = text


def _written(source: Any, node: YMap, keys: tuple[str, ...], collector: bool) -> None:
    for key in keys:
        text = _string_text(source, node, key, collector)
        if text is not None:
            node[key] = text  # an existing key: its positions stay


# The booleans of Go yaml.v3 (resolve.go): every other YAML 1.1 boolean (yes, no, on, off, y, n…) is a string there.
_YAML_V3_BOOLEANS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


def _string_text(source: Any, container: Any, key: Any, collector: bool) -> str | None:
    """The text a string field holds in place of its YAML 1.1 value, or None to keep the value."""
    value = container.get(key) if isinstance(container, YMap) else container[key]
    if value is None or isinstance(value, (str, dict, list)) or (collector and not isinstance(value, bool)):
        return None
    text = _written_scalar(source, container, key)
    if text is None or (collector and text in _YAML_V3_BOOLEANS):
        return None
    return text


def agent_jobs(metrics: YMap) -> list:
    return [job for instance in as_seq(metrics.get("configs")) if isinstance(instance, YMap)
            for job in as_seq(instance.get("scrape_configs"))]


def _written_scalar(source: Any, container: Any, key: Any) -> str | None:
    from .k8svalidate import written_scalar  # (the rare path only)

    return written_scalar(source, container, key)


def build_config(path: str, root: YMap, origin: str, holder: K8sObject | None = None, key: str = "") -> PromConfig:
    config = PromConfig(path, root, origin, holder, key)
    global_ = as_map(root.get("global"))
    del global_  # global holds no credentials; scrape defaults (interval) matter to validation only
    for node in as_seq(root.get("scrape_configs")):
        if not isinstance(node, YMap):
            continue
        config.jobs.append(build_job(path, node, config, "configmap" if holder is not None else "config"))
    return config


def agent_configs(path: str, root: YMap, metrics: YMap, origin: str, holder: K8sObject | None = None,
                  key: str = "") -> list[PromConfig]:
    """A Grafana Agent static-mode config → one PromConfig per `metrics.configs[]` instance. Each instance runs
    Prometheus' discovery and scrape managers on its scrape_configs (instance.go initialize) in the agent's pod,
    so with the pod's ServiceAccount, as a Prometheus would. The agent's other subsystems that call the
    Kubernetes API with the same token — a `logs`/`traces` instance's kubernetes_sd_configs (promtail's
    discovery), the eventhandler integration (watches events) — are not modelled: recorded as `unmodelled`, so
    "unused grant" is not decided for that identity."""
    unmodelled = _agent_unmodelled(root)
    result = []
    for instance in as_seq(metrics.get("configs")):
        if not isinstance(instance, YMap):
            continue
        config = PromConfig(path, instance, origin, holder, key, flavor="grafana-agent",
                            agent_global=as_map(metrics.get("global")), unmodelled=list(unmodelled))
        for node in as_seq(instance.get("scrape_configs")):
            if isinstance(node, YMap):
                config.jobs.append(build_job(path, node, config, "configmap" if holder is not None else "config"))
        result.append(config)
    return result


def _agent_unmodelled(root: YMap) -> list[str]:
    found = []
    for section, legacy in (("logs", "loki"), ("traces", "tempo")):
        name = section if section in root else legacy
        for instance in as_seq(as_map(root.get(name)).get("configs")):
            instance = as_map(instance)
            if any(as_map(job).get("kubernetes_sd_configs") for job in as_seq(instance.get("scrape_configs"))):
                found.append(f"{name}.configs[{as_str(instance.get('name'))}] (kubernetes_sd_configs)")
    integrations = as_map(root.get("integrations"))
    if "eventhandler" in integrations:
        found.append("integrations.eventhandler (watches events)")
    return found


def build_job(path: str, node: YMap, config: PromConfig, source_kind: str) -> ScrapeJob:
    job = ScrapeJob(
        name=as_str(node.get("job_name")) or "<unnamed>",
        node=node,
        path=path,
        config=config,
        # Prometheus accepts any case (`HTTPS`) and the scrape works: the request URL goes through Go's url.Parse,
        # which lowercases the scheme (net/url parse; scrape.go targetScraper.scrape http.NewRequest(url.String())).
        scheme=as_str(node.get("scheme")).lower() or "http",
        metrics_path=as_str(node.get("metrics_path")) or "/metrics",
        credentials=_credentials(path, node),
        tls=as_map(node.get("tls_config")),
        source_kind=source_kind,
    )
    for key, value in node.items():
        if not (isinstance(key, str) and key.endswith("_sd_configs")):
            continue
        if key == "kubernetes_sd_configs":
            job.sd_configs.extend(_sd_config(path, sd) for sd in as_seq(value) if isinstance(sd, YMap))
        elif key != "static_configs":
            job.other_sd.append(key)
    for static in as_seq(node.get("static_configs")):
        static_map = as_map(static)
        labels = {as_str(k): as_str(v) for k, v in as_map(static_map.get("labels")).items()}
        targets = as_seq(static_map.get("targets"))
        for index, target in enumerate(targets):
            job.static_targets.append((as_str(target), labels, at(path, targets.item_pos(index))))
    job.relabel_nodes = [r for r in as_seq(node.get("relabel_configs")) if isinstance(r, YMap)]
    return job
