"""Would Prometheus load this configuration? (KS601; FACTS §4)

Two passes over one config's positioned tree:
1. the JSON Schema rules/schemas/prometheus-config.schema.json (field names, types, durations, enums), through
   schema_check — each violation becomes a sentence at the exact key or value;
2. what a schema cannot say, in the order Prometheus' loader checks it (config/config.go, common
   config/http_config.go, discovery/kubernetes): conflicting credentials, invalid kubernetes_sd_configs
   combinations, relabel rules (relabel.RelabelRule, upstream messages), scrape_timeout > scrape_interval with the
   global defaults, duplicate job names, URLs in static targets, scrape protocol duplicates.

A part with a schema error is not checked semantically (Prometheus stops at the first error, and one mistake
should give one finding, not a cascade).
"""

from __future__ import annotations

import copy
import re
from .records import dataclass
from .resources import knowledge
from typing import Any, Iterator

from .findings import Finding, Related
from .k8sselector import SelectorError, check_field_selector, check_label_selector
from .promconfig import TARGET_URL, PromConfig
from .schema_check import SchemaError, Validator, load
from .spelling import edit_distance
from .yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path, key_span

RULE = "KS601"
CONSEQUENCE = "Prometheus will refuse to load this config"
DOCS = "https://prometheus.io/docs/prometheus/latest/configuration/configuration/"

# Fields Prometheus 3 no longer knows, with what replaced them (prometheus CHANGELOG 3.0).
RENAMED = {"scrape_classic_histograms": "always_scrape_classic_histograms"}
# What a Prometheus 2 refuses of a config written for 3 (the schema is 3's): fields of config/config.go's 3.0
# ScrapeConfig that no 2.x has (fallback_scrape_protocol, always_scrape_classic_histograms — the 3.0 name of 2.45's
# scrape_classic_histograms —, convert_classic_histograms_to_nhcb), the later 3.x fields of scrape configs and the
# global section (absent from 3.0's structs too), and the scrape protocol PrometheusText1.0.0, which 3.0 added to
# ScrapeProtocolsHeaders ("unknown scrape protocol"). Fields added during 2.x are ADDED_IN_2's.
NEW_IN_3 = {
    "scrapeConfig": ("fallback_scrape_protocol", "always_scrape_classic_histograms", "convert_classic_histograms_to_nhcb",
                     "metric_name_escaping_scheme", "scrape_native_histograms", "extra_scrape_metrics"),
    "global": ("metric_name_escaping_scheme", "scrape_native_histograms", "convert_classic_histograms_to_nhcb",
               "always_scrape_classic_histograms", "extra_scrape_metrics"),
}
NEW_PROTOCOLS_IN_3 = ("PrometheusText1.0.0",)
# What every Prometheus 2 accepts that 3.0 refuses: Alertmanager API v1. A 2.x config.go has
# SupportedAlertmanagerAPIVersions = {v1, v2}; 3.0 keeps v2 only (prometheus/prometheus config/config.go at 0008cbee:
# "'v1' is no longer supported"), which is what the schema's api_version enum says.
ALERTMANAGER_API_VERSIONS_IN_2 = ("v1", "v2")
# Fields added during 2.x, with the first release that knows them: an older 2.x refuses them like any unknown field
# (yaml.UnmarshalStrict). Scrape config fields: the releases of the prometheus-operator, which emits each field only
# from then on (pkg/prometheus/promcfg.go: limitKey.minVersion, WithMinimumVersion for track_timestamps_staleness,
# scrape_protocols, native histograms, follow_redirects, enable_http2, authorization, the proxy fields), and the
# Prometheus CHANGELOG (2.49.0: `global.scrape_protocols` and `scrape_config.scrape_protocols` #12738,
# `scrape_config.enable_compression` #13166; 2.45.0: "Config: Add limits to global config" #12126; 2.55.0:
# "`scrape_failure_log_file` option" #14734 and "custom `http_headers` in config" #14817, the HTTP client config of
# prometheus/common that every HTTP-speaking section inlines). Fields neither versions (metric_name_validation_scheme…)
# are not listed.
_HTTP_HEADERS_RELEASE = (2, 55, 0)
ADDED_IN_2 = {
    "scrapeConfig": {
        "follow_redirects": (2, 26, 0), "authorization": (2, 26, 0), "label_limit": (2, 27, 0),
        "label_name_length_limit": (2, 27, 0), "label_value_length_limit": (2, 27, 0), "body_size_limit": (2, 28, 0),
        "enable_http2": (2, 35, 0), "no_proxy": (2, 43, 0), "proxy_from_environment": (2, 43, 0),
        "proxy_connect_header": (2, 43, 0), "native_histogram_bucket_limit": (2, 45, 0),
        "keep_dropped_targets": (2, 47, 0), "track_timestamps_staleness": (2, 48, 0), "scrape_protocols": (2, 49, 0),
        "enable_compression": (2, 49, 0), "native_histogram_min_bucket_factor": (2, 50, 0),
        "scrape_failure_log_file": (2, 55, 0), "http_headers": _HTTP_HEADERS_RELEASE,
    },
    "global": {
        "sample_limit": (2, 45, 0), "target_limit": (2, 45, 0), "label_limit": (2, 45, 0),
        "label_name_length_limit": (2, 45, 0), "label_value_length_limit": (2, 45, 0), "body_size_limit": (2, 45, 0),
        "scrape_protocols": (2, 49, 0), "scrape_failure_log_file": (2, 55, 0),
    },
    **{section: {"http_headers": _HTTP_HEADERS_RELEASE}
       for section in ("alertmanagerConfig", "remoteWriteConfig", "remoteReadConfig")},
    # attach_metadata came with `node` in 2.35.0 (FACTS §4; the operator emits it from then on, operator.py).
    "kubernetesSDConfig": {"http_headers": _HTTP_HEADERS_RELEASE, "attach_metadata": (2, 35, 0)},
}
# Fields added during 3.x, which an older 3.x (or any 2.x) refuses the same way: attach_metadata's `namespace`
# (3.6.0) and the pod role's owner metadata `deployment`, `job`, `cronjob` (3.11.0) (FACTS §4, prometheus
# CHANGELOG). "attachMetadata" is the attach_metadata mapping inside kubernetesSDConfig.
ADDED_IN_3 = {
    "attachMetadata": {"namespace": (3, 6, 0), "deployment": (3, 11, 0), "job": (3, 11, 0), "cronjob": (3, 11, 0)},
}
ADDED_LATER = {**ADDED_IN_2, **ADDED_IN_3}
# kubernetes_sd_configs roles added during 2.x: an older release's Role.UnmarshalYAML answers `unknown Kubernetes SD
# role "endpointslice"` and the config does not load (discovery/kubernetes; FACTS §6: EndpointSlice needs 2.21.0).
ROLES_ADDED_IN_2 = {"endpointslice": (2, 21, 0)}
# Relabel actions added during 2.x: the prometheus-operator refuses them for older releases with "%s relabel action
# is only supported from Prometheus version 2.36.0 / 2.41.0" (pkg/prometheus/resource_selector.go, LabelConfigValidator).
ACTIONS_ADDED_IN_2 = {"lowercase": (2, 36, 0), "uppercase": (2, 36, 0), "keepequal": (2, 41, 0), "dropequal": (2, 41, 0)}
# Prometheus images: the last path segment of the repository (prom/prometheus, quay.io/prometheus/prometheus, a
# mirror's …/prometheus, bitnami/prometheus) and a tag that is a release (v2.45.0, 2.45.0-debian-12-r0).
_RELEASE_TAG = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][\w.-]*)?")

HTTP_CLIENT_KEYS = (
    "basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "tls_config", "follow_redirects",
    "enable_http2", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "http_headers",
)
# Selector roles each SD role accepts (FACTS §4 "Allowed selectors per role").
ALLOWED_SELECTORS = {
    "pod": ("pod", "node"),
    "service": ("service",),
    "endpoints": ("pod", "service", "endpoints"),
    "endpointslice": ("pod", "service", "endpointslice"),
    "node": ("node",),
    "ingress": ("ingress",),
}
DEFAULT_SCRAPE_INTERVAL_MS = 60_000
DEFAULT_SCRAPE_TIMEOUT_MS = 10_000
# Headers an HTTP client block may not set (common config/headers.go reservedHeaders, http_headers), and those
# remote_write/remote_read `headers` may not set (config.go reservedHeaders; Authorization has its own message).
_HTTP_RESERVED_HEADERS = frozenset({
    "authorization", "host", "content-encoding", "content-length", "content-type", "user-agent", "connection",
    "keep-alive", "proxy-authenticate", "proxy-authorization", "www-authenticate", "accept-encoding",
    "x-prometheus-remote-write-version", "x-prometheus-remote-read-version", "x-prometheus-scrape-timeout-seconds",
    "x-amz-date", "x-amz-security-token", "x-amz-content-sha256",
})
_REMOTE_RESERVED_HEADERS = _HTTP_RESERVED_HEADERS - {"authorization", "x-prometheus-scrape-timeout-seconds"}


@dataclass(frozen=True, slots=True)
class PromRelease:
    """The Prometheus release that loads a config, as the tag of its container's image says."""

    version: tuple[int, int, int]
    image: str
    loader: str  # "container prometheus of Deployment monitoring/prometheus"
    utf8_names: bool = False  # 2.x started with --enable-feature=utf8-names (UTF-8 names were opt-in before 3.0)
    # Where the image is set when not where the container writes it: a Kustomization's `images:` rewrote it, so a
    # fix that changes the container's own image changes nothing (the entry retags it again).
    set_by: str = ""

    @property
    def text(self) -> str:
        return ".".join(str(part) for part in self.version)

    @property
    def image_text(self) -> str:
        """The image as a fix names it: with the place that sets it when that is not the container's `image:`."""
        return f"{self.image} ({self.set_by})" if self.set_by else self.image


# The repository names of Prometheus images whose tag is the upstream release: prom/prometheus,
# quay.io/prometheus/prometheus, bitnami/prometheus; and Rancher's mirror (rancher/mirrored-prometheus-prometheus:
# v2.x, the image of rancher-monitoring and RKE2/k3s monitoring), which keeps the upstream tag.
PROMETHEUS_REPOSITORIES = ("prometheus", "mirrored-prometheus-prometheus")


def image_release(image: str) -> tuple[int, int, int] | None:
    """The release a Prometheus image reference names, or None when it does not say: not a Prometheus image, no tag
    or `latest`/`main`, a digest alone (`@sha256:…` names content, not a version)."""
    reference = image.strip().split("@", 1)[0]
    name, _, tag = reference.rsplit("/", 1)[-1].partition(":")
    if name not in PROMETHEUS_REPOSITORIES or not tag:
        return None
    match = _RELEASE_TAG.fullmatch(tag)
    return (int(match[1]), int(match[2]), int(match[3] or 0)) if match else None


def validate(config: PromConfig, release: PromRelease | None = None) -> list[Finding]:
    """`release`: the Prometheus whose image loads the config, when its tag says; None: the current 3.x."""
    if config.flavor == "grafana-agent":
        return validate_agent_instance(config)
    checker = _ConfigCheck(config.path, config.root, config.describe, load("prometheus-config"))
    checker.dollar_escaped = config.dollar_escaped
    _as_loaded_by(checker, release)
    return checker.run()


def _as_loaded_by(checker: "_ConfigCheck", release: PromRelease | None) -> None:
    """Check as the release loads the config: a Prometheus 2, or a 3.x older than a field the current 3.x knows;
    any other release (or none known) is checked as the current 3.x."""
    if release is None or checked_as_current(release.version):
        return
    checker.validator = _release_validator(release.version)
    checker.release = release
    if release.version[0] == 2:
        # A 3.x differs from the current one only by a few fields, whose findings name the release themselves.
        checker.consequence = f"{_loader(release)} will refuse to load this config"


def _loader(release: PromRelease | None) -> str:
    """Who refuses a config: a Prometheus 2 by its release (_as_loaded_by), any other as the current one."""
    if release is None or checked_as_current(release.version) or release.version[0] != 2:
        return "Prometheus"
    return f"Prometheus {release.text} ({release.loader}, image {release.image})"


def runner_release(runner: Any) -> PromRelease | None:
    """The Prometheus release a Prometheus/PrometheusAgent resource runs: its spec.image's tag when it sets an
    image (the operator runs that image as given), else its spec.version (semver.ParseTolerant: v optional,
    missing parts 0), on the operator's quay.io/prometheus/prometheus image. Unset: the operator's default, a 3.x."""
    spec = as_map(runner.doc.get("spec")) if runner is not None else YMap()
    loader = f"{runner.kind} {runner.namespace}/{runner.name}" if runner is not None else ""
    image = as_str(spec.get("image"))
    if image:
        version = image_release(image)
        return PromRelease(version, image, loader) if version is not None else None
    text = as_str(spec.get("version")).strip()
    match = _RELEASE_TAG.fullmatch(text) if text else None
    if match is None:
        return None
    version = (int(match[1]), int(match[2]), int(match[3] or 0))
    return PromRelease(version, f"quay.io/prometheus/prometheus:{text}", f"{loader} spec.version {text}")


_RELEASE_VALIDATORS: dict[tuple, Validator] = {}


def checked_as_current(version: tuple[int, int, int]) -> bool:
    """Whether a config this release loads is checked as the current 3.x does: a 3.x (or later) that knows every
    field of ADDED_LATER, or a release before 2 (none that loads these configs)."""
    return version[0] < 2 or (version[0] > 2 and not _not_yet_known(version))


def _not_yet_known(version: tuple[int, int, int]) -> tuple[tuple[str, str], ...]:
    """The (section, field) pairs of ADDED_LATER that the release `version` does not know yet."""
    return tuple((section, name) for section, fields in ADDED_LATER.items()
                 for name, added in fields.items() if version < added)


def _properties(defs: dict, section: str) -> dict:
    """The properties of a section of ADDED_LATER/NEW_IN_3 in the schema's $defs (attach_metadata is inline)."""
    if section == "attachMetadata":
        # {} once a release before attach_metadata has lost the whole mapping
        return defs["kubernetesSDConfig"]["properties"].get("attach_metadata", {}).get("properties", {})
    return defs[section]["properties"]


def _release_validator(version: tuple[int, int, int]) -> Validator:
    """The current 3.x schema without what this release lacks: fields added after it (ADDED_LATER) and, for a
    Prometheus 2, what no 2.x has (NEW_IN_3), with `scrape_classic_histograms` a scrape config field again from 2.45
    (its 2.x name; the operator documents scrapeClassicHistograms as needing >= v2.45.0). One validator per set of
    missing fields, not per release."""
    v2 = version[0] == 2
    classic_histograms = v2 and version >= (2, 45, 0)
    missing = _not_yet_known(version)
    key = (v2, classic_histograms, missing)
    if key not in _RELEASE_VALIDATORS:
        schema = copy.deepcopy(load("prometheus-config").schema)
        defs = schema["$defs"]
        for name, fields in NEW_IN_3.items() if v2 else ():
            for field_name in fields:
                defs[name]["properties"].pop(field_name, None)
        for name, field_name in missing:
            _properties(defs, name).pop(field_name, None)
        if classic_histograms:
            defs["scrapeConfig"]["properties"]["scrape_classic_histograms"] = {"$ref": "#/$defs/boolean"}
        if v2:
            protocol = defs["scrapeProtocol"]
            protocol["enum"] = [p for p in protocol["enum"] if p not in NEW_PROTOCOLS_IN_3]
            protocol["description"] = f"one of {', '.join(protocol['enum'])} (case-sensitive; Prometheus 2)"
            api_version = defs["alertmanagerConfig"]["properties"]["api_version"]
            api_version["enum"] = [*ALERTMANAGER_API_VERSIONS_IN_2, None]
            api_version["description"] = "v1 or v2 (Prometheus 2)"
        _RELEASE_VALIDATORS[key] = Validator(schema, check_keywords=False)
    return _RELEASE_VALIDATORS[key]


def validate_agent_instance(config: PromConfig) -> list[Finding]:
    """One `metrics.configs[]` instance of a Grafana Agent static-mode config: its scrape_configs are Prometheus'
    own type (instance.go: []*config.ScrapeConfig, strict YAML), checked as the scrape_configs of a config whose
    global scrape settings are the agent's `metrics.global` (instance.ApplyDefaults takes the interval and
    timeout from there). The instance's own fields (name, host_filter, wal_*…) are the agent's, not checked here."""
    if not config.jobs:
        return []
    agent_global = config.agent_global if config.agent_global is not None else YMap(config.root.pos)
    global_ = YMap(agent_global.pos)
    for key in ("scrape_interval", "scrape_timeout"):
        if key in agent_global:
            global_.put(key, agent_global[key], agent_global.key_pos(key), agent_global.value_pos(key))
    return _check_jobs(config.jobs, global_, config.describe, "Grafana Agent will refuse to load this config")


def validate_additional(config: PromConfig, jobs: list, unmanaged: bool = False) -> list[Finding]:
    """Jobs of an Operator `additionalScrapeConfigs` Secret: a bare list of scrape configs, checked as the
    scrape_configs of a config whose global settings are the Prometheus resource's (operator defaults: 30s).
    `unmanaged`: the Prometheus' configuration is left to the user (operator.unmanaged), so the operator never reads
    the Secret and nothing loads these jobs yet; they fail once a monitor selector makes it managed."""
    runner = config.runner
    spec = as_map(runner.doc.get("spec")) if runner is not None else YMap()
    global_ = YMap(getattr(spec, "pos", jobs[0].node.pos))
    for ours, theirs, default in (("scrape_interval", "scrapeInterval", "30s"), ("scrape_timeout", "scrapeTimeout", None)):
        value = spec.get(theirs, default)
        if value is not None:
            global_.put(ours, value, spec.key_pos(theirs) if theirs in spec else global_.pos,
                        spec.value_pos(theirs) if theirs in spec else global_.pos)
    release = runner_release(runner)
    consequence = CONSEQUENCE
    if unmanaged and runner is not None:
        secret = as_str(as_map(spec.get("additionalScrapeConfigs")).get("name"))
        consequence = (f"nothing loads it yet: {runner.kind} {runner.namespace}/{runner.name} leaves its configuration "
                       f"unmanaged (KS601), so the operator never reads Secret {runner.namespace}/{secret}, but once a "
                       f"monitor selector is set {_loader(release)} will refuse to load the configuration the operator "
                       f"generates with it")
    return _check_jobs(jobs, global_, f"additionalScrapeConfigs of {config.describe}", consequence, release)


def _check_jobs(jobs: list, global_: YMap, where: str, consequence: str = CONSEQUENCE,
                release: PromRelease | None = None) -> list[Finding]:
    """Scrape jobs held outside a Prometheus config of their own, checked as the scrape_configs of one whose
    global section is `global_`."""
    first = jobs[0].node
    root = YMap(first.pos)
    root["scrape_configs"] = YSeq(first.pos)
    for job in jobs:
        root["scrape_configs"].append(job.node)
        root["scrape_configs"].ipos.append(job.node.pos)
    root["global"] = global_
    checker = _ConfigCheck(jobs[0].path, root, where, load("prometheus-config"))
    checker.validator_root = "scrape_configs"
    checker.consequence = consequence
    _as_loaded_by(checker, release)
    if consequence is not CONSEQUENCE:
        checker.consequence = consequence  # the caller's own words (they name the release themselves)
    return checker.run()


# Where each Prometheus Operator monitor kind keeps relabelings: (path to a mapping or a list of them, keys).
MONITOR_RELABELINGS = {
    "ServiceMonitor": (("spec", "endpoints"), ("relabelings", "metricRelabelings")),
    "PodMonitor": (("spec", "podMetricsEndpoints"), ("relabelings", "metricRelabelings")),
    "Probe": (("spec",), ("metricRelabelings",)),
    "ScrapeConfig": (("spec",), ("relabelings", "metricRelabelings")),
}
_OPERATOR_RELABEL_KEYS = {"sourceLabels": "source_labels", "targetLabel": "target_label"}


def _relabel_nodes(holder: YMap, keys: tuple[str, ...]) -> Iterator[tuple[str, int, YMap]]:
    """(key, index, rule) of the relabel rules an endpoint or spec lists under `keys`."""
    for key in keys:
        for index, node in enumerate(as_seq(holder.get(key))):
            if isinstance(node, YMap):
                yield key, index, node


def _relabel_where(holders_path: tuple, position: int | None, key: str, index: int) -> str:
    """`endpoints[0].relabelings[2]`: where in a monitor's spec a relabel rule is."""
    where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
    return f"{where}.{key}[{index}]" if where else f"{key}[{index}]"


def _action_too_new(rule: YMap, version: tuple[int, int, int]) -> tuple[str, tuple | None]:
    """(action, the 2.x release that added it) when the release `version` predates the rule's action (relabel.Action
    unmarshals case-insensitively), else (action, None)."""
    action = as_str(rule.get("action")).lower()
    added = ACTIONS_ADDED_IN_2.get(action)
    return action, added if added is not None and version < added else None


def monitor_actions_too_new(monitor: Any, version: tuple[int, int, int]) -> list[tuple[YMap, str, str, tuple]]:
    """(rule, where, action, first release) of each relabel rule of a monitor whose action the Prometheus 2.x
    release `version` does not know: the operator's LabelConfigValidator refuses it ("%s relabel action is only
    supported from Prometheus version %s", pkg/prometheus/resource_selector.go) and rejects the monitor for that
    Prometheus/PrometheusAgent."""
    holders_path, keys = MONITOR_RELABELINGS[monitor.kind]
    holders = get_path(monitor.doc, *holders_path)
    holders = list(enumerate(as_seq(holders))) if isinstance(holders, YSeq) else [(None, holders)]
    found = []
    for position, holder in holders:
        if isinstance(holder, YMap):
            for key, index, node in _relabel_nodes(holder, keys):
                action, added = _action_too_new(node, version)
                if added is not None:
                    found.append((node, _relabel_where(holders_path, position, key, index), action, added))
    return found


def validate_monitor(monitor: Any) -> list[Finding]:
    """A ServiceMonitor, PodMonitor, Probe or ScrapeConfig whose relabelings Prometheus would refuse: the operator
    checks them as Prometheus does (pkg/prometheus/resource_selector.go validateRelabelConfig) and rejects the
    whole resource, so none of its jobs reaches Prometheus (the API server accepts it: the CRD does not parse
    regexes)."""
    from .operator import RELABEL_KEYS  # (the CRD's RelabelConfig fields; operator imports this module lazily)
    from .relabel import RelabelError, RelabelRule

    holders_path, keys = MONITOR_RELABELINGS[monitor.kind]
    holders = get_path(monitor.doc, *holders_path)
    holders = list(enumerate(as_seq(holders))) if isinstance(holders, YSeq) else [(None, holders)]
    findings = []
    interval_key = "scrapeInterval" if monitor.kind == "ScrapeConfig" else "interval"
    for position, holder in holders:
        if not isinstance(holder, YMap):
            continue
        timing = _monitor_timing(monitor, holder, position, holders_path, interval_key)
        if timing is not None:
            findings.append(timing)
        authorization = _monitor_authorization(monitor, holder, position, holders_path)
        if authorization is not None:
            findings.append(authorization)
        conflict = _monitor_auth_conflict(monitor, holder, position, holders_path)
        if conflict is not None:
            findings.append(conflict)
        tls = _monitor_tls_refusal(monitor, holder, position, holders_path)
        if tls is not None:
            findings.append(tls)
        for key, index, node in _relabel_nodes(holder, keys):
            # (as the API server stores it: a key the CRD lacks is dropped, KS602, so a `target_label:` written as
            # in a Prometheus config leaves a replace without its target and the operator rejects the monitor)
            rule = {_OPERATOR_RELABEL_KEYS.get(k, k): v for k, v in node.items() if k in RELABEL_KEYS}
            if isinstance(rule.get("action"), str):
                rule["action"] = rule["action"].lower()  # the CRD also allows Keep, LabelMap, …
            try:
                RelabelRule.from_mapping(rule, name_validation="utf8")
            except RelabelError as exc:
                message = str(exc)
                if message.startswith("unsupported regex") or "unknown relabel action" in message:
                    continue  # valid RE2 that Python cannot express; an action the CRD refuses first (KS602)
                camel = {v: k for k, v in _OPERATOR_RELABEL_KEYS.items()}
                field = _relabel_key(message, rule)
                field = camel.get(field, field) if field else None
                where = _relabel_where(holders_path, position, key, index)
                # the field written in another spelling (`target_label`, as in a Prometheus config), which the API
                # server dropped: renaming it is the fix, and the message says why the rule lacks it
                meant = {k: m for k in node if k not in RELABEL_KEYS and (m := did_you_mean(k, RELABEL_KEYS))
                         and m not in node and RELABEL_KEYS[m] in message}
                dropped = next(iter(meant), None)
                span = key_span(monitor.path, node, dropped or field) if (dropped or field) in node else at(monitor.path, node.pos)
                why = (f" (its `{dropped}` is not a field of the CRD: the API server drops it, KS602)" if dropped else "")
                findings.append(Finding(
                    "KS601", span,
                    f"{monitor.kind} {monitor.namespace}/{monitor.name} {where}: {message}{why}; the operator rejects "
                    f"the {monitor.kind} (it is left out of every Prometheus config) and none of its targets is scraped",
                    fix=(f"Rename `{dropped}` to `{meant[dropped]}`." if dropped
                         else _relabel_fix(message, rule).replace("target_label", "targetLabel")),
                    object=f"{monitor.kind} {monitor.name}", data={"check": "operator-relabel", "upstream": message}))
    if monitor.kind == "Probe":
        prober = _probe_prober_url(monitor)
        if prober is not None:
            findings.append(prober)
    if monitor.kind == "ScrapeConfig":
        for index, sd in enumerate(as_seq(get_path(monitor.doc, "spec", "kubernetesSDConfigs"))):
            if isinstance(sd, YMap):
                finding = _scrape_config_sd(monitor, sd, index)
                if finding is not None:
                    findings.append(finding)
    return findings


# A ScrapeConfig kubernetesSDConfigs entry's camelCase HTTP client fields → the Prometheus keys the operator
# writes them as (promcfg.go generateScrapeConfig: basicAuth, authorization, oauth2, proxy, followRedirects,
# enableHTTP2, tlsConfig), for _is_custom.
_SD_HTTP_CLIENT_KEYS = {
    "basicAuth": "basic_auth", "authorization": "authorization", "oauth2": "oauth2", "tlsConfig": "tls_config",
    "followRedirects": "follow_redirects", "enableHTTP2": "enable_http2", "proxyUrl": "proxy_url",
    "noProxy": "no_proxy", "proxyFromEnvironment": "proxy_from_environment", "proxyConnectHeader": "proxy_connect_header",
}
# The selector roles the operator accepts per SD role (resource_selector.go validateKubernetesSDConfigs
# allowedSelectors): narrower than Prometheus for role Pod, which Prometheus also lets select nodes.
_OPERATOR_ALLOWED_SELECTORS = {**ALLOWED_SELECTORS, "pod": ("pod",)}
_REFUSED_BY_OPERATOR = ("the operator rejects the ScrapeConfig (it is left out of every Prometheus config) and none of "
                        "its targets is scraped")


def _scrape_config_sd(monitor: Any, sd: YMap, index: int) -> Finding | None:
    """A ScrapeConfig kubernetesSDConfigs entry the operator refuses (resource_selector.go
    validateKubernetesSDConfigs: apiServer with namespaces.ownNamespace, a selector role its role does not
    accept), or that the operator passes on but Prometheus refuses to load (discovery/kubernetes
    SDConfig.UnmarshalYAML: HTTP client settings without apiServer — the operator does not check that, so the
    generated configuration of every Prometheus selecting it fails)."""
    where = f"ScrapeConfig {monitor.namespace}/{monitor.name} kubernetesSDConfigs[{index}]"
    api_server = as_str(sd.get("apiServer")) != ""
    namespaces = as_map(sd.get("namespaces"))
    if api_server and namespaces.get("ownNamespace") is True:
        return Finding(
            RULE, key_span(monitor.path, namespaces, "ownNamespace"),
            f"{where} sets namespaces.ownNamespace together with apiServer (\"cannot use 'apiServer' and "
            f"'namespaces.ownNamespace' simultaneously\"); {_REFUSED_BY_OPERATOR}",
            fix="List the namespace in namespaces.names instead of ownNamespace (the own namespace is only known in-cluster).",
            related=(Related(key_span(monitor.path, sd, "apiServer"), "apiServer is set here"),),
            object=f"ScrapeConfig {monitor.name}", data={"check": "operator-sd-combination"})
    role = as_str(sd.get("role")).lower()
    allowed = _OPERATOR_ALLOWED_SELECTORS.get(role)
    for selector in as_seq(sd.get("selectors")):
        selector_role = as_str(as_map(selector).get("role"))
        if allowed is None or not isinstance(selector, YMap) or selector_role.lower() in allowed:
            continue
        return Finding(
            RULE, key_span(monitor.path, selector, "role") if "role" in selector else at(monitor.path, selector.pos),
            f"{where} has a {selector_role or 'role-less'} selector, but the operator accepts only "
            f"{', '.join(a.capitalize() for a in allowed)} selectors for role {as_str(sd.get('role'))} "
            f"(\"{as_str(sd.get('role'))} role supports only {', '.join(allowed)} selectors\"); {_REFUSED_BY_OPERATOR}",
            fix=f"Use a selector role among {', '.join(a.capitalize() for a in allowed)}, or remove the selector.",
            object=f"ScrapeConfig {monitor.name}", data={"check": "operator-sd-selectors"})
    custom = [key for key, prom_key in _SD_HTTP_CLIENT_KEYS.items() if key in sd and _is_custom(prom_key, sd.get(key))]
    if not api_server and custom:
        return Finding(
            RULE, key_span(monitor.path, sd, custom[0]),
            f"{where} sets {', '.join(custom)} without apiServer (\"to use custom HTTP client configuration please provide "
            "the 'api_server' URL explicitly\"): the operator passes it on, and every Prometheus that selects the "
            "ScrapeConfig gets a configuration it refuses to load — a running server keeps its previous configuration, "
            "a starting one exits; in-cluster discovery always uses the pod's ServiceAccount token and CA",
            fix=f"Remove {', '.join(custom)} from the kubernetesSDConfigs entry (scrape credentials belong in the "
                "ScrapeConfig's spec), or add `apiServer: https://kubernetes.default.svc` if discovery really needs "
                "other credentials.",
            object=f"ScrapeConfig {monitor.name}", data={"check": "sd-combination"})
    return None


# govalidator's rxDNSName (IsDNSName), which IsHost accepts beside an IP address.
_GOVALIDATOR_DNS_NAME = re.compile(r"([a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})(\.[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62})*[._]?")


def _is_host(text: str) -> bool:
    """govalidator.IsHost: an IP address, or a DNS name (rxDNSName, at most 255 characters without the dots)."""
    import ipaddress

    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        pass
    return bool(text) and len(text.replace(".", "")) <= 255 and _GOVALIDATOR_DNS_NAME.fullmatch(text) is not None


def _split_host_port(text: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort: `host:port` or `[v6]:port`, None where it returns an error (no port, too many
    colons, a bracket out of place)."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or text[end + 1:end + 2] != ":" or "[" in text[1:end] or "]" in text[end + 2:]:
            return None
        return text[1:end], text[end + 2:]
    host, colon, port = text.rpartition(":")
    if not colon or ":" in host or "[" in text or "]" in text:
        return None
    return host, port


def _valid_prober_url(text: str) -> bool:
    """resource_selector.go validateProberURL: a host, or host:port with a numeric port in 1-65535 (govalidator
    IsHost, IsPort); no scheme, no path."""
    split = _split_host_port(text)
    if split is None:
        return _is_host(text)
    host, port = split
    return _is_host(host) and port.isascii() and port.isdigit() and 0 < int(port) < 65536


def _probe_prober_url(monitor: Any) -> Finding | None:
    """A Probe whose spec.prober.url is not `host` or `host:port` (a scheme, a path): the operator rejects the Probe
    (pkg/prometheus/resource_selector.go checkProbe → validateProberURL, "url specified in proberSpec is invalid, it
    should be of the format `hostname` or `hostname:port`"), so none of its targets is probed. The fix moves the
    scheme and path to prober.scheme and prober.path, the fields promcfg.go generateProbeConfig reads for them."""
    from urllib.parse import urlsplit

    prober = get_path(monitor.doc, "spec", "prober")
    url = prober.get("url") if isinstance(prober, YMap) else None
    if not isinstance(url, str) or _valid_prober_url(url):
        return None
    fix = "Write `url:` as `host` or `host:port` (the blackbox exporter's Service and port)."
    try:
        parts = urlsplit(url if "://" in url else f"//{url}")
        netloc = parts.netloc
    except ValueError:
        netloc = ""
    if netloc and _valid_prober_url(netloc) and not parts.query and not parts.fragment:
        moved = [f"`url: {netloc}`"]
        if parts.scheme and parts.scheme != as_str(prober.get("scheme"), "http"):
            moved.append(f"`scheme: {parts.scheme}`")
        if parts.path not in ("", "/") and parts.path != as_str(prober.get("path"), "/probe"):
            moved.append(f"`path: {parts.path}`")
        fix = (f"Write {', '.join(moved)} under spec.prober: the url takes `host:port` only, the scheme and "
               "path have fields of their own.")
    return Finding(
        "KS601", at(monitor.path, prober.value_pos("url")),
        f"Probe {monitor.namespace}/{monitor.name} spec.prober.url {url!r} is not `hostname` or `hostname:port`; the "
        "operator rejects the Probe (it is left out of every Prometheus config) and none of its targets is probed",
        fix=fix, object=f"Probe {monitor.name}", data={"check": "operator-prober-url"})


def _monitor_authorization(monitor: Any, holder: YMap, position: int | None, holders_path: tuple) -> Finding | None:
    """An endpoint (or Probe/ScrapeConfig spec) `authorization` the operator refuses: monitoring/v1
    SafeAuthorization.Validate (pkg/apis/monitoring/v1/types.go), called when the operator loads its credentials
    (the resource is then skipped, like every other check* failure), refuses type Basic in any case and
    surrounding space ("use basic_auth instead") and a missing `credentials` Secret key."""
    auth = holder.get("authorization")
    if not isinstance(auth, YMap):
        return None
    written = as_str(auth.get("type"))
    where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
    subject = f"{where}.authorization" if where else "authorization"
    if written.strip().lower() == "basic":
        span, problem = at(monitor.path, auth.value_pos("type")), (
            f'type is "{written}" ("Authorization type cannot be set to \\"basic\\", use \\"basic_auth\\" instead")')
        fix = "Replace `authorization` with `basicAuth: {username: {name: SECRET, key: ...}, password: {name: SECRET, key: ...}}`."
    elif auth.get("credentials") is None:
        span, problem = key_span(monitor.path, holder, "authorization"), 'has no credentials ("Authorization credentials are required")'
        fix = "Add `credentials: {name: SECRET, key: KEY}` naming the Secret key that holds the token."
    else:
        return None
    return Finding(
        "KS601", span,
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {subject} {problem}; the operator rejects the "
        f"{monitor.kind} (it is left out of every Prometheus config) and none of its targets is scraped",
        fix=fix, object=f"{monitor.kind} {monitor.name}", data={"check": "operator-authorization"})


# The credential fields of an operator endpoint that exclude one another, in the order the operator checks them
# (pkg/apis/monitoring/v1/http_config.go HTTPConfigWithoutTLS.Validate).
_MONITOR_AUTH_KEYS = ("authorization", "basicAuth", "bearerTokenSecret", "oauth2")
# Kinds whose endpoint HTTP config the operator validates before use (checkServiceMonitor → endpoint.Validate,
# checkPodMonitor → addHTTPConfigToStore → HTTPConfigWithProxy.Validate): it rejects the resource. checkProbe and
# checkScrapeConfig only load each credential, so both reach the generated config, which Prometheus refuses.
_AUTH_CHECKED_BY_OPERATOR = ("ServiceMonitor", "PodMonitor")


# A ServiceMonitor endpoint's bearerTokenFile is not part of the HTTP config the operator validates: it writes
# `bearer_token_file` beside whatever the other credential becomes (promcfg.go generateServiceMonitorConfig), and
# Prometheus refuses the pair with the message of prometheus/common HTTPClientConfig.Validate for that other key.
_BEARER_FILE_CONFLICT = {
    "authorization": "authorization is not compatible with bearer_token & bearer_token_file",
    "basicAuth": "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
    "oauth2": "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
    "bearerTokenSecret": "at most one of bearer_token & bearer_token_file must be configured",
}


def _monitor_auth_conflict(monitor: Any, holder: YMap, position: int | None, holders_path: tuple) -> Finding | None:
    """An endpoint (or Probe/ScrapeConfig spec) that sets two ways to send credentials: the operator rejects a
    ServiceMonitor or PodMonitor ("authorization and basicAuth cannot be configured at the same time"); for a Probe
    or ScrapeConfig it writes both, and Prometheus refuses the configuration ("at most one of basic_auth, oauth2 &
    authorization must be configured", prometheus/common config/http_config.go), as for a plain file. So does a
    ServiceMonitor endpoint's bearerTokenFile beside any of them (_BEARER_FILE_CONFLICT)."""
    present = [key for key in _MONITOR_AUTH_KEYS if holder.get(key) is not None]
    bearer_file = monitor.kind == "ServiceMonitor" and bool(as_str(holder.get("bearerTokenFile")))
    if len(present) < 2 and not (bearer_file and present):
        return None
    operator_checks = monitor.kind in _AUTH_CHECKED_BY_OPERATOR and len(present) >= 2
    pair = present[:2] if len(present) >= 2 else ["bearerTokenFile", present[0]]
    first, second = sorted(pair, key=lambda key: tuple(holder.key_pos(key)))
    where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
    subject = f"{where} sets" if where else "sets"
    if operator_checks:
        upstream = f"{present[0]} and {present[1]} cannot be configured at the same time"
        outcome = (f"the operator rejects the {monitor.kind} (it is left out of every Prometheus config) and none of "
                   "its targets is scraped")
        check = "operator-auth-conflict"
    else:
        upstream = (_BEARER_FILE_CONFLICT[present[0]] if pair[0] == "bearerTokenFile"
                    else "at most one of basic_auth, oauth2 & authorization must be configured")
        outcome = (f"the operator passes both on, and every Prometheus that selects the {monitor.kind} gets a "
                   "configuration it refuses to load — a running server keeps its previous configuration, a starting "
                   "one exits")
        check = "auth-conflict"
    return Finding(
        "KS601", key_span(monitor.path, holder, second),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {subject} both {first} and {second} (\"{upstream}\"): "
        f"an endpoint sends credentials one way only; {outcome}",
        fix=f"Keep one of {first} and {second} and remove the other.",
        related=(Related(key_span(monitor.path, holder, first), f"{first} is set here"),),
        object=f"{monitor.kind} {monitor.name}", data={"check": check})


def _tls_refusal(tls: YMap) -> tuple[str, str, str | None, str] | None:
    """(key to point at, the operator's error, key to relate, fix) for the first mistake of a monitor's tlsConfig
    that the operator refuses, in the order it checks them (pkg/apis/monitoring/v1 TLSConfig.Validate,
    SafeTLSConfig.Validate, SecretOrConfigMap.Validate), or None. The API server accepts each: the CRD does not
    relate the fields."""
    ca, cert = tls.get("ca"), tls.get("cert")
    if any(ref is not None and not isinstance(ref, YMap) for ref in (ca, cert, tls.get("keySecret"))):
        return None  # a reference of the wrong type: the API server rejects the object first (KS602)
    for name, ref, file_key in (("ca", ca, "caFile"), ("cert", cert, "certFile")):
        if not isinstance(ref, YMap) or not ref:
            continue
        if as_str(tls.get(file_key)):
            return (name, f"cannot specify both '{file_key}' and '{name}'", file_key,
                    f"Keep one of {file_key} and {name} and remove the other.")
        if ref.get("secret") is not None and ref.get("configMap") is not None:
            return (name, f"{name}: cannot specify both Secret and ConfigMap", None,
                    f"Keep one of {name}.secret and {name}.configMap and remove the other.")
    has_cert = (isinstance(cert, YMap) and bool(cert)) or bool(as_str(tls.get("certFile")))
    has_key = tls.get("keySecret") is not None or bool(as_str(tls.get("keyFile")))
    if has_cert and not has_key:
        key = "cert" if isinstance(cert, YMap) and cert else "certFile"
        return (key, "client cert specified without client key", None,
                "Add `keySecret: {name: SECRET, key: tls.key}` (the client certificate's private key) beside it, or "
                f"remove {key}.")
    if has_key and not has_cert:
        key = "keySecret" if tls.get("keySecret") is not None else "keyFile"
        return (key, "client key specified without client cert", None,
                "Add `cert: {secret: {name: SECRET, key: tls.crt}}` (the client certificate) beside it, or remove "
                f"{key}.")
    return None


def _monitor_tls_refusal(monitor: Any, holder: YMap, position: int | None, holders_path: tuple) -> Finding | None:
    """An endpoint (or Probe/ScrapeConfig spec) whose tlsConfig the operator refuses: every kind's TLS config goes
    through the assets store's AddTLSConfig/AddSafeTLSConfig (pkg/assets/store.go), which validates it first and
    fails the resource, so it is left out of every Prometheus config."""
    tls = holder.get("tlsConfig")
    if not isinstance(tls, YMap):
        return None
    refusal = _tls_refusal(tls)
    if refusal is None:
        return None
    key, upstream, other, fix = refusal
    where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
    prefix = f"{where}.tlsConfig" if where else "tlsConfig"
    node = tls.get(key)
    if key in ("ca", "cert") and other is None and isinstance(node, YMap) and "configMap" in node:
        span, related = key_span(monitor.path, node, "configMap"), (
            Related(key_span(monitor.path, node, "secret"), f"{prefix}.{key}.secret is set here"),)
    else:
        span = key_span(monitor.path, tls, key)
        related = (Related(key_span(monitor.path, tls, other), f"{prefix}.{other} is set here"),) if other else ()
    return Finding(
        "KS601", span,
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {prefix} is refused by the operator (\"{upstream}\"): it "
        f"rejects the {monitor.kind} (it is left out of every Prometheus config) and none of its targets is scraped",
        fix=fix, related=related, object=f"{monitor.kind} {monitor.name}", data={"check": "operator-tls-config"})


def _monitor_timing(monitor: Any, holder: YMap, position: int | None, holders_path: tuple, interval_key: str) -> Finding | None:
    """An endpoint (or Probe/ScrapeConfig spec) whose own scrapeTimeout exceeds its own interval: the operator
    rejects the resource (resource_selector.go validateScrapeIntervalAndTimeout → CompareScrapeTimeoutToScrapeInterval,
    "scrapeTimeout ... greater than scrapeInterval"). Without an interval of its own the Prometheus resource's
    applies, which a monitor alone does not tell."""
    interval_text, timeout_text = holder.get(interval_key), holder.get("scrapeTimeout")
    if not isinstance(interval_text, str) or not isinstance(timeout_text, str) or not interval_text or not timeout_text:
        return None
    interval, timeout = duration_ms(interval_text), duration_ms(timeout_text)
    if interval is None or timeout is None or timeout <= interval:
        return None
    where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
    subject = f"{where}.scrapeTimeout" if where else "scrapeTimeout"
    return Finding(
        "KS601", at(monitor.path, holder.value_pos("scrapeTimeout")),
        f"{monitor.kind} {monitor.namespace}/{monitor.name} {subject} {timeout_text} is longer than its {interval_key} "
        f"{interval_text} (\"scrapeTimeout \\\"{timeout_text}\\\" greater than scrapeInterval \\\"{interval_text}\\\"\"); the operator rejects "
        f"the {monitor.kind} (it is left out of every Prometheus config) and none of its targets is scraped",
        fix=f"Set `scrapeTimeout: {interval_text}` or less, or lengthen `{interval_key}`.",
        related=(Related(at(monitor.path, holder.value_pos(interval_key)), f"{interval_key} {interval_text}"),),
        object=f"{monitor.kind} {monitor.name}", data={"check": "operator-scrape-timeout"})


# ---------------------------------------------------------------------------------------------- durations

_DURATION = re.compile(r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$")
_UNIT_MS = (365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1)


def duration_ms(value: Any) -> int | None:
    """Milliseconds of a Prometheus duration (model.ParseDuration); 0 for unset; None when it does not parse."""
    if value is None:
        return 0
    text = as_str(value)
    if text == "0":
        return 0
    match = _DURATION.match(text)
    if not text or match is None:
        return None
    return sum(int(g) * unit for g, unit in zip(match.groups(), _UNIT_MS) if g)


def _format_ms(ms: int) -> str:
    parts = []
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        if ms >= size:
            parts.append(f"{ms // size}{unit}")
            ms %= size
    return "".join(parts) or "0s"


# ---------------------------------------------------------------------------------------------- wording


def render(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return '"' + text.replace("\n", "\\n") + '"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def fmt_path(path: tuple) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
               "integer": "an integer", "boolean": "true or false", "null": "empty"}


def _expected(error: SchemaError) -> str:
    if error.expected:
        return error.expected
    types = error.schema.get("type")
    names = types if isinstance(types, list) else [types] if types else []
    words = [_TYPE_WORDS[n] for n in names if n != "null"]
    return " or ".join(words) or "a valid value"


def corrected(value: Any, error: SchemaError) -> str | None:
    """The user's own value written the way the field wants it (`verbs: get` → `["get"]`), when that is clear."""
    types = error.schema.get("type")
    types = set(types if isinstance(types, list) else [types] if types else [])
    if "duration" in error.expected and isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return f"{value:g}s"
    if "duration" in error.expected and isinstance(value, str):
        return _unit_completed(value)
    entries = named_values(value, error)
    if entries is not None:
        return _as_named_values(entries)
    if isinstance(value, (dict, list)) or value is None:
        return None
    text = as_str(value)
    if "array" in types:
        return "[" + (f'"{text}"' if isinstance(value, str) else text) + "]"
    if "string" in types and not isinstance(value, str):
        return f'"{text}"'
    if "boolean" in types and isinstance(value, str) and text.lower() in ("true", "false", "yes", "no", "on", "off"):
        return "true" if text.lower() in ("true", "yes", "on") else "false"
    if types & {"integer", "number"} and isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text.strip()):
        return text.strip()
    return None


def name_and_values_items(schema: dict) -> bool:
    items = schema.get("items")
    return isinstance(items, dict) and {"name", "values"} <= set(items.get("properties", ()))


def named_values(value: Any, error: SchemaError) -> list[dict] | None:
    """`{module: [http_2xx]}` as the list of {name, values} a Probe's params are (ProbeSpec.Params []ProbeParam), or
    None when the value is no such mapping or a key is not text: YAML 1.1 reads a plain `n`, `on` or `1` as a
    boolean or number, and what the user wrote is no longer known."""
    types = error.schema.get("type")
    types = set(types if isinstance(types, list) else [types] if types else [])
    if not (isinstance(value, dict) and "array" in types and name_and_values_items(error.schema)):
        return None
    entries = []
    for name, values in value.items():
        if not isinstance(name, str) or isinstance(values, dict):
            return None
        listed = values if isinstance(values, list) else [values]
        if any(isinstance(item, (dict, list)) for item in listed):
            return None
        entries.append({"name": name, "values": [as_str(item) for item in listed]})
    return entries or None


def _as_named_values(entries: list[dict]) -> str:
    """The list written as YAML flow: a name YAML 1.1 would read as another type (`yes`, `1`) double-quoted, or
    the API server refuses the entry in turn (spec.params[0].name must be of type string)."""
    import json  # (here: a rare fix, and most runs never import json)
    from .fixes import yaml_scalar

    return "[" + ", ".join(f"{{name: {yaml_scalar(entry['name'])}, values: {json.dumps(entry['values'])}}}"
                           for entry in entries) + "]"


def list_item_fix(error: SchemaError, match: str | None, expected: str) -> str:
    """The fix for a wrong value inside a list (`scrape_protocols: [PrometheusProto, PrometheusText1.0.0]`): name the
    list, not a key the item does not have, and never suggest a value the list already holds (Prometheus and the
    operator's CRDs refuse duplicates: "duplicated protocol in scrape_protocols")."""
    parent = error.path[-2] if len(error.path) >= 2 and isinstance(error.path[-2], str) else "the list"
    listed = f"`{parent}`" if parent != "the list" else parent
    written = as_str(error.value) if isinstance(error.value, str) else render(error.value)
    others = [as_str(item) for i, item in enumerate(as_seq(error.container)) if i != error.key]
    if match and match in others:
        return f'Remove "{written}" from {listed}: it already lists "{match}".'
    if match:
        return f'Replace "{written}" with "{match}" in {listed}.'
    example = error.example if error.example and error.example not in others else ""
    return f'Replace "{written}" in {listed} with {expected}' + (f", e.g. {example}." if example else ".")


# The unit a bare trailing number most plausibly continues: "1h30" is 1h30m, "2m30" is 2m30s, "30" is 30s.
_NEXT_UNIT = {"y": "w", "w": "d", "d": "h", "h": "m", "m": "s", "": "s"}
_BARE_TAIL = re.compile(r"((?:[0-9]+(?:y|w|d|h|ms|m|s))*?)([0-9]+)")


def _unit_completed(text: str) -> str | None:
    """A duration whose last number lost its unit, completed with the unit after the one before it; the user's
    own value, where an example such as 30s would change the interval. None when that is not the mistake."""
    found = _BARE_TAIL.fullmatch(text.strip())
    if not found:
        return None
    last = re.search(r"(y|w|d|h|ms|m|s)$", found.group(1))
    unit = _NEXT_UNIT.get(last.group(1) if last else "")
    return f"{found.group(1)}{found.group(2)}{unit}" if unit else None


def did_you_mean(word: Any, options: Any) -> str | None:
    import difflib

    candidates = [o for o in options if isinstance(o, str)]
    matches = difflib.get_close_matches(str(word), candidates, n=1, cutoff=0.7)
    if matches:
        return matches[0]
    lowered = {o.lower(): o for o in candidates}
    return lowered.get(str(word).lower())


# The scrape config keys that send a bearer token: a misspelling of one is why a job sends none (KS106).
_TOKEN_KEYS = frozenset({"authorization", "bearer_token_file", "bearer_token"})


def misspelt_token_key(job_node: Any) -> tuple[str, str] | None:
    """(key, the token key it misspells) when a scrape config holds an unknown key KS601 reads as a misspelling of
    `authorization`/`bearer_token_file`/`bearer_token` (the same did_you_mean over the same fields): renaming it is
    what sends the token, and a fix adding `authorization` beside it would conflict with KS601's rename."""
    fields = load("prometheus-config").schema["$defs"]["scrapeConfig"]["properties"]
    for key in job_node if hasattr(job_node, "keys") else ():
        if isinstance(key, str) and key not in fields and key not in RENAMED:
            match = did_you_mean(key, fields)
            if match in _TOKEN_KEYS and match not in job_node:
                return key, match
    return None


def _section(path: tuple) -> str:
    """The $defs name of the mapping an unknown key at `path` sits in, for those NEW_IN_3 and ADDED_IN_2 know."""
    if len(path) == 2 and path[0] == "global":
        return "global"
    if len(path) == 3 and path[0] in _LIST_SECTIONS:
        return _LIST_SECTIONS[path[0]]
    if len(path) >= 6 and path[-2] == "attach_metadata" and path[-4] == "kubernetes_sd_configs":
        return "attachMetadata"
    if len(path) >= 5 and path[-3] == "kubernetes_sd_configs":
        return "kubernetesSDConfig"
    if len(path) == 4 and path[:2] == ("alerting", "alertmanagers"):
        return "alertmanagerConfig"
    return ""


def _attached_grant(name: str) -> str:
    """The resource an attach_metadata field lists and watches (sd-roles knowledge), as the fix names it."""
    needs = knowledge("sd-roles")["attach_metadata"].get(name, {}).get("needs")
    if not needs:
        return ""
    return f"{needs['group']}/{needs['resource']}" if needs.get("group") else needs["resource"]


_LIST_SECTIONS = {"scrape_configs": "scrapeConfig", "remote_write": "remoteWriteConfig", "remote_read": "remoteReadConfig"}


# (context, content) of scrape configs whose per-job checks found nothing, bounded (a language server keeps it).
_CLEAN_JOBS: set[tuple] = set()
_MAX_CLEAN_JOBS = 2_000
_MAX_CLEAN_JOB_CHARS = 16_384


class _ConfigCheck:
    def __init__(self, path: str, root: YMap, describe: str, validator: Validator) -> None:
        self.root = root
        self.path = path
        self.describe = describe
        self.validator = validator
        self.validator_root = ""  # validate only this top-level key (additionalScrapeConfigs: scrape_configs)
        self.dollar_escaped = False  # an OpenTelemetry Collector `prometheus` receiver: `$$` is a literal `$`
        self.consequence = CONSEQUENCE  # who refuses the config (a Grafana Agent loads its own)
        self.release: PromRelease | None = None  # a release older than the current 3.x loads it (validate())
        self.findings: list[Finding] = []
        self.error_paths: list[tuple] = []
        self.error_kinds: list[tuple[tuple, str]] = []

    def run(self) -> list[Finding]:
        if self.validator_root:
            schema = self.validator.schema["properties"][self.validator_root]
            errors = self.validator.errors(self.root[self.validator_root], schema)
            for error in errors:
                error.path = (self.validator_root,) + error.path
                if error.container is None:
                    error.container, error.key = self.root, self.validator_root
        else:
            errors = self.validator.errors(self.root)
        errors = _drop_misspelt_required(errors)
        for error in errors:
            if self.dollar_escaped and isinstance(error.value, str) and "${" in error.value:
                continue  # expanded by the collector from its environment before Prometheus sees it
            self.error_paths.append(error.path)
            self.error_kinds.append((error.path, error.kind))
            self.findings.append(self._schema_finding(error))
        self._semantic()
        return self.findings

    # -- places and names

    def span(self, container: Any, key: Any, of_key: bool = False) -> Span:
        if isinstance(container, YMap):
            return at(self.path, container.key_pos(key) if of_key else container.value_pos(key))
        if isinstance(container, YSeq) and isinstance(key, int):
            return at(self.path, container.item_pos(key))
        if container is None:
            return at(self.path, self.root.pos)
        return at(self.path, getattr(container, "pos", (1, 1)))

    def job_label(self, index: int) -> str:
        job = as_seq(self.root.get("scrape_configs"))[index] if index < len(as_seq(self.root.get("scrape_configs"))) else None
        name = as_str(job.get("job_name")) if isinstance(job, dict) else ""
        return f'scrape config "{name}"' if name else f"scrape_configs[{index}]"

    def split(self, path: tuple) -> tuple[str, tuple]:
        """(the unit a path belongs to, the path inside it): 'scrape config "x"', 'global', or the top level."""
        if len(path) >= 2 and path[0] == "scrape_configs" and isinstance(path[1], int):
            return self.job_label(path[1]), path[2:]
        if path and path[0] == "global":
            return "global", path[1:]
        return "", path

    def where(self, path: tuple) -> str:
        """'in tls_config of scrape config "x"' for the container at `path`."""
        unit, rest = self.split(path)
        if not unit and not rest:
            return "at the top level of the config"
        if not unit:
            return f"in {fmt_path(rest)}"
        return f"in {fmt_path(rest)} of {unit}" if rest else f"in {unit}"

    def subject(self, path: tuple) -> str:
        """How to name the value at `path`: 'scrape_interval in scrape config "x"'."""
        unit, rest = self.split(path)
        if not rest:
            return unit or "the config"
        if not unit:
            return fmt_path(rest)
        return f"{fmt_path(rest)} in {unit}"

    def clean(self, prefix: tuple) -> bool:
        """No schema error at or below `prefix`."""
        if not self.error_paths:
            return True
        n = len(prefix)
        return not any(path[:n] == prefix for path in self.error_paths)

    def add(self, span: Span, message: str, fix: str, related: tuple = (), data: dict | None = None) -> None:
        self.findings.append(Finding(RULE, span, f"{message}; {self.consequence}", fix=fix, related=related,
                                     object=self.describe, data=data or {}))

    # -- pass 1: schema errors as sentences

    def _schema_finding(self, error: SchemaError) -> Finding:
        kind = error.kind
        data = {"path": fmt_path(error.path), "check": f"schema:{kind}"}
        if kind == "additional":
            return self._unknown_field(error, data)
        if kind == "required":
            name = error.allowed[0]
            prop = self.validator.resolve(error.schema.get("properties", {}).get(name, {}))
            example = (prop.get("examples") or ["..."])[0]
            owner = self.subject(error.path)
            message = f"{owner} has no {name}" + (" (Prometheus needs it to know what to discover)" if name == "role" else "")
            return self._finding(self.span(error.container, error.key), message, f"Add `{name}: {example}`.", data)
        field = self.subject(error.path)
        expected = _expected(error)
        example = error.example
        fieldname = error.path[-1] if error.path and isinstance(error.path[-1], str) else "it"
        if kind == "enum":
            match = did_you_mean(as_str(error.value), [o for o in error.allowed if o])
            hint = f' (did you mean "{match}"?)' if match and match != error.value else ""
            message = f"{field} is {render(error.value)}, which is not {expected}{hint}"
            if isinstance(error.key, int):
                fix = list_item_fix(error, match, expected)
            else:
                fix = f'Write `{fieldname}: {match}`.' if match else f"Write {fieldname} as {expected}, e.g. `{fieldname}: {example}`."
            return self._finding(self.span(error.container, error.key), message, fix, data)
        if kind == "minItems":
            message = f"{field} is an empty list"
            fix = f"List at least one value (e.g. `{fieldname}: {example}`), or remove {fieldname} to get the default."
            return self._finding(self.span(error.container, error.key), message, fix, data)
        if kind == "minLength":
            message = f"{field} is empty"
            fix = f"Give it a value, e.g. `{fieldname}: {example}`."
            return self._finding(self.span(error.container, error.key), message, fix, data)
        if kind == "minimum":
            message = f"{field} must be {expected}, not {render(error.value)}"
            return self._finding(self.span(error.container, error.key), message, f"Write `{fieldname}: {example}`.", data)
        # type, pattern, const, anyOf, oneOf: the value is not what the field takes
        message = f"{field} must be {expected}, not {render(error.value)}"
        better = corrected(error.value, error)
        if error.value is None and isinstance(error.key, int):
            fix = "Remove the empty `-` entry, or fill it in."
        elif fieldname == "it":
            fix = f"Write it as {expected}."
        elif better is not None:
            fix = f"Write `{fieldname}: {better}`."
        else:
            fix = f"Write {fieldname} as {expected}, e.g. `{fieldname}: {example}`."
        return self._finding(self.span(error.container, error.key), message, fix, data)

    def _finding(self, span: Span, message: str, fix: str, data: dict) -> Finding:
        return Finding(RULE, span, f"{message}; {self.consequence}", fix=fix, object=self.describe, data=data)

    def _unknown_field(self, error: SchemaError, data: dict) -> Finding:
        name = error.key
        where = self.where(error.path[:-1])
        allowed = error.allowed
        span = self.span(error.container, name, of_key=True)
        label = f'"{name}"' if isinstance(name, str) else render(name)
        if self.release is not None and name in NEW_IN_3.get(_section(error.path), ()):
            return self._new_in_3(span, label, where, name, data)
        added = ADDED_LATER.get(_section(error.path), {}).get(name) if self.release is not None else None
        if added is not None and self.release.version < added:
            grant = _attached_grant(name) if _section(error.path) == "attachMetadata" else ""
            if grant and as_map(error.container).get(name) is not True:
                grant = ""
            return self._newer_than_release(span, label, where, name, added, data, grant)
        renamed = RENAMED.get(name) if isinstance(name, str) else None
        if renamed:
            message = f"unknown field {label} {where} (renamed {renamed} in Prometheus 3.0)"
            return self._finding(span, message, f'Rename "{name}" to "{renamed}".', {**data, "suggestion": renamed})
        home = self._belongs_under(error.schema, name)
        if home is not None:
            parent, is_list = home
            message = f"unknown field {label} {where} (it belongs under {parent})"
            place = f"into each entry of `{parent}:`" if is_list else f"under `{parent}:`"
            return self._finding(span, message, f'Move "{name}" {place}.', {**data, "suggestion": f"{parent}.{name}"})
        match = did_you_mean(name, allowed)
        if match:
            message = f"unknown field {label} {where} (did you mean \"{match}\"?)"
            return self._finding(span, message, f'Rename "{name}" to "{match}".', {**data, "suggestion": match})
        known = sorted(a for a in allowed if isinstance(a, str))
        listed = f" The fields allowed here are: {', '.join(known)}." if 0 < len(known) <= 16 else f" See {DOCS} for the fields allowed here."
        return self._finding(span, f"unknown field {label} {where}", f'Remove "{name}".{listed}', data)

    def _default_scheme(self) -> str:
        """Name validation when the config sets none: UTF-8 from Prometheus 3.0 (its migration guide: "UTF-8 is
        now allowed in metric and label names"); Prometheus 2 validates the legacy way (relabel.go's relabelTarget:
        `target_label: k8s.namespace` is refused) unless started with --enable-feature=utf8-names."""
        if self.release is not None and self.release.version[0] == 2 and not self.release.utf8_names:
            return "legacy"
        return "utf8"

    def _new_in_3(self, span: Span, label: str, where: str, name: str, data: dict) -> Finding:
        """A Prometheus 3 field in a config a Prometheus 2 image loads: the fix is the 2.x spelling where there is
        one, else removing the field or moving the image to Prometheus 3."""
        release = self.release
        message = f"unknown field {label} {where} (a Prometheus 3 field, unknown to Prometheus {release.text})"
        upgrade = f"or run a Prometheus 3 image instead of {release.image_text}"
        if name == "always_scrape_classic_histograms" and release.version >= (2, 45, 0):
            fix = f'Rename "{name}" to "scrape_classic_histograms" (its name before 3.0), {upgrade}.'
            data = {**data, "suggestion": "scrape_classic_histograms"}
        else:
            fix = f'Remove "{name}", {upgrade}.'
        return self._finding(span, message, fix, {**data, "prometheus_version": release.text})

    def _newer_than_release(self, span: Span, label: str, where: str, name: str, added: tuple, data: dict,
                            grant: str = "") -> Finding:
        """A field of a later release in a config an older image loads: remove it, or run a release that knows it.
        An attach_metadata field set true was granted what it lists and watches (`grant`): removed, that grant is
        left unused (KS203), so the fix names it too."""
        release = self.release
        since = ".".join(str(part) for part in added)
        message = f"unknown field {label} {where} (added in Prometheus {since}, unknown to Prometheus {release.text})"
        also = f" (and the `list`/`watch` {grant} granted for it, unless another job uses them: KS203)" if grant else ""
        fix = f'Remove "{name}"{also}, or run Prometheus {since} or later instead of {release.image_text}.'
        return self._finding(span, message, fix, {**data, "prometheus_version": release.text})

    def _belongs_under(self, schema: dict, name: Any) -> tuple[str, bool] | None:
        """A field written one level too high: `insecure_skip_verify` beside tls_config instead of inside it."""
        for parent, subschema in schema.get("properties", {}).items():
            resolved = self.validator.resolve(subschema)
            is_list = "items" in resolved
            target = self.validator.resolve(resolved["items"]) if is_list and isinstance(resolved["items"], dict) else resolved
            if name in target.get("properties", {}):
                return parent, is_list
        return None

    # -- pass 2: what the loader checks beyond types

    def _semantic(self) -> None:
        root = self.root
        global_ = as_map(root.get("global"))
        global_clean = self.clean(("global",))
        # A misspelt top-level key may be the `global:` block the user meant: then its defaults are not known.
        top_misspelt = any(kind == "additional" and len(path) == 1 for path, kind in self.error_kinds)
        global_ms = self._global_timing(global_) if global_clean and not top_misspelt else None
        global_scheme = as_str(global_.get("metric_name_validation_scheme"))
        global_scheme = global_scheme if global_scheme in ("legacy", "utf8") else self._default_scheme()
        self._external_labels(global_, global_scheme)
        jobs = as_seq(root.get("scrape_configs"))
        seen_names: dict[str, Span] = {}
        # Everything besides a job's own content that the per-job checks below read (messages aside).
        context = (id(self.validator), self.release and self.release.version, self.dollar_escaped, global_scheme, repr(global_),
                   None if global_ms is None else (global_ms[0], global_ms[1], global_ms[2] is None),
                   self.clean(("global", "metric_name_escaping_scheme")))
        for index, job in enumerate(jobs):
            if not isinstance(job, YMap):
                continue
            prefix = ("scrape_configs", index)
            label = self.job_label(index)
            name_value = job.get("job_name")
            if name_value is not None and "job_name" in job and self.clean(prefix + ("job_name",)):
                name = as_str(name_value)
                span = self.span(job, "job_name")
                if name in seen_names:
                    self.add(span, f'job_name "{name}" is used by an earlier scrape config',
                             "Rename one of the two jobs: job names must be unique across scrape_configs.",
                             (Related(seen_names[name], f'first scrape config with job_name "{name}"'),),
                             {"check": "duplicate-job-name", "job": name})
                else:
                    seen_names[name] = span
            # A job found clean before, with the same content in the same context, is clean again: a repository
            # repeats whole jobs (one setup rendered per cluster or environment). Only a job free of schema errors
            # (which decide which checks below run), and only a clean result: findings carry positions.
            content = (context, repr(job)) if self.clean(prefix) else None
            if content is not None and content in _CLEAN_JOBS:
                continue
            found = len(self.findings)
            self._job_checks(job, prefix, label, global_, global_ms, global_scheme)
            if content is not None and len(self.findings) == found and len(content[1]) <= _MAX_CLEAN_JOB_CHARS:
                if len(_CLEAN_JOBS) >= _MAX_CLEAN_JOBS:
                    _CLEAN_JOBS.clear()
                _CLEAN_JOBS.add(content)
        self._sections(root, global_scheme)

    def _job_checks(self, job: YMap, prefix: tuple, label: str, global_: YMap, global_ms: tuple | None,
                    global_scheme: str) -> None:
        """The checks of one scrape config that read it and the global section alone."""
        # Each check runs when the fields it reads are well-formed. A misspelt field blocks the timing check:
        # without it the job would seem to inherit a global interval the user did not mean.
        misspelt = any(kind == "additional" and len(path) == 3 and path[:2] == prefix for path, kind in self.error_kinds)
        # A job that sets its own scrape_interval does not depend on the global one: checked even when the
        # global timing is unknown or itself wrong (Prometheus would report that first, then this).
        own_interval = bool(duration_ms(job.get("scrape_interval")))
        if (global_ms is not None or own_interval) and not misspelt and self.clean(prefix + ("scrape_interval",)) \
                and self.clean(prefix + ("scrape_timeout",)):
            self._job_timing(job, label, global_, global_ms)
        if all(self.clean(prefix + (key,)) for key in HTTP_CLIENT_KEYS):
            self._http_client(job, label)
        if self.clean(prefix + ("scrape_protocols",)):
            self._protocols(job, label)
        if self.clean(prefix + ("metric_name_validation_scheme",)) and self.clean(prefix + ("metric_name_escaping_scheme",)) \
                and self.clean(("global", "metric_name_escaping_scheme")):
            scheme = self._escaping(job, label, global_, global_scheme)
        else:
            scheme = as_str(job.get("metric_name_validation_scheme")) or global_scheme
        scheme = scheme if scheme in ("legacy", "utf8") else "utf8"
        for sd_index, sd in enumerate(as_seq(job.get("kubernetes_sd_configs"))):
            if isinstance(sd, YMap) and self.clean(prefix + ("kubernetes_sd_configs", sd_index)):
                self._kubernetes_sd(sd, f"kubernetes_sd_configs[{sd_index}] of {label}")
        for key in ("relabel_configs", "metric_relabel_configs"):
            self._relabel_list(job.get(key), prefix + (key,), label, scheme)
        self._sd_kind_typos(job, prefix, label)
        if self.clean(prefix + ("static_configs",)) and self.clean(prefix + ("relabel_configs",)) and not misspelt \
                and not as_seq(job.get("relabel_configs")):
            self._static_targets(job, label)

    def _sections(self, root: YMap, global_scheme: str) -> None:
        """The checks of the alerting, remote_write/remote_read and otlp sections."""
        alerting = as_map(root.get("alerting"))
        self._relabel_list(alerting.get("alert_relabel_configs"), ("alerting", "alert_relabel_configs"), "alerting", global_scheme)
        for index, manager in enumerate(as_seq(alerting.get("alertmanagers"))):
            prefix = ("alerting", "alertmanagers", index)
            label = f"alerting.alertmanagers[{index}]"
            if isinstance(manager, YMap) and self.clean(prefix):
                self._client_section(manager, label, ("sigv4",), "at most one of basic_auth, authorization, oauth2, & sigv4 must be configured")
                for sd_index, sd in enumerate(as_seq(manager.get("kubernetes_sd_configs"))):
                    if isinstance(sd, YMap):
                        self._kubernetes_sd(sd, f"kubernetes_sd_configs[{sd_index}] of {label}")
                if not as_seq(manager.get("relabel_configs")):
                    self._static_targets(manager, label)
            for key in ("relabel_configs", "alert_relabel_configs"):
                self._relabel_list(as_map(manager).get(key), prefix + (key,), label, global_scheme)
        for section in ("remote_write", "remote_read"):
            seen: dict[str, Span] = {}
            for index, remote in enumerate(as_seq(root.get(section))):
                label = f"{section}[{index}]"
                if isinstance(remote, YMap) and self.clean((section, index)):
                    self._remote(remote, section, label, seen)
                elif isinstance(remote, YMap) and isinstance(remote.get("name"), str) and self.clean((section, index, "name")):
                    # an error elsewhere in the entry does not make its name any less taken: the next entry of
                    # that name is refused too, and reporting it only once the first is fixed is a second round
                    seen.setdefault(remote["name"], self.span(remote, "name"))
                if section == "remote_write":
                    self._relabel_list(as_map(remote).get("write_relabel_configs"), (section, index, "write_relabel_configs"),
                                       label, global_scheme)
        self._otlp(as_map(root.get("otlp")), global_scheme)

    # remote_write / remote_read / alertmanagers (config.go RemoteWriteConfig, RemoteReadConfig, AlertmanagerConfig
    # UnmarshalYAML): the HTTP client as for a scrape config, plus what each section adds

    def _client_section(self, node: YMap, label: str, extra_auth: tuple[str, ...], upstream: str) -> bool:
        """The HTTP client checks of a section that also takes other credential kinds (sigv4, azuread, google_iam):
        at most one way to authenticate (validateAuthConfigs / AlertmanagerConfig.UnmarshalYAML)."""
        if self._http_client(node, label):
            return True
        methods = [k for k in ("basic_auth", "authorization", "oauth2") + extra_auth if node.get(k) is not None]
        if len(methods) > 1:
            first, second = sorted(methods, key=node.key_pos)[:2]
            self.add(self.span(node, second, of_key=True),
                     f"{label} sets both {first} and {second}: Prometheus accepts one way to authenticate (\"{upstream}\")",
                     f"Keep one of {', '.join(('basic_auth', 'authorization', 'oauth2') + extra_auth)}.",
                     (Related(self.span(node, first, of_key=True), f"{first} is set here"),),
                     {"check": "conflicting-credentials", "fields": [first, second]})
            return True
        return False

    def _remote(self, remote: YMap, section: str, label: str, seen: dict) -> None:
        name = as_str(remote.get("name"))
        if name and name in seen:
            self.add(self.span(remote, "name"), f'{label} is named "{name}" like an earlier {section} config '
                     f'("found multiple {section.replace("_", " ")} configs with job name \"{name}\"")',
                     f"Give each {section} config its own name (or none: Prometheus then names it by its hash).",
                     (Related(seen[name], f'first {section} config named "{name}"'),), {"check": "duplicate-remote-name"})
        elif name:  # the entry's other mistakes are reported too: renaming it alone does not make it load
            seen[name] = self.span(remote, "name")
        headers = remote.get("headers")
        if isinstance(headers, YMap):
            for header in headers:
                lowered = as_str(header).lower()
                if lowered == "authorization":
                    self.add(self.span(headers, header, of_key=True),
                             f"headers of {label} set Authorization (\"authorization header must be changed via the basic_auth, "
                             "authorization, oauth2, sigv4, azuread or google_iam parameter\")",
                             "Remove the header and use `authorization: {credentials_file: <file>}` (or basic_auth, oauth2, sigv4).",
                             data={"check": "reserved-header", "header": as_str(header)})
                    return
                if lowered in _REMOTE_RESERVED_HEADERS:
                    self.add(self.span(headers, header, of_key=True),
                             f'headers of {label} set {as_str(header)} ("{as_str(header)} is a reserved header. It must not be changed")',
                             f"Remove the {as_str(header)} header: Prometheus sets it itself.",
                             data={"check": "reserved-header", "header": as_str(header)})
                    return
        if section == "remote_write":
            self._client_section(remote, label, ("sigv4", "azuread", "google_iam"),
                                 "at most one of basic_auth, authorization, oauth2, sigv4, azuread or google_iam must be configured")
        else:
            self._http_client(remote, label)

    def _otlp(self, otlp: YMap, scheme: str) -> None:
        """config.go OTLPConfig.UnmarshalYAML and Load: which resource-attribute settings go together, and
        translation strategies that need UTF-8 names."""
        if not otlp or not self.clean(("otlp",)):
            return
        promote_all = otlp.get("promote_all_resource_attributes") is True
        if promote_all and as_seq(otlp.get("promote_resource_attributes")):
            self.add(self.span(otlp, "promote_resource_attributes", of_key=True),
                     "otlp sets promote_all_resource_attributes and promote_resource_attributes (\"'promote_all_resource_attributes' "
                     "and 'promote_resource_attributes' cannot be configured simultaneously\")",
                     "Keep promote_all_resource_attributes (with ignore_resource_attributes for exceptions), or list the "
                     "attributes in promote_resource_attributes.", data={"check": "otlp"})
        elif not promote_all and as_seq(otlp.get("ignore_resource_attributes")):
            self.add(self.span(otlp, "ignore_resource_attributes", of_key=True),
                     "otlp sets ignore_resource_attributes without promote_all_resource_attributes: true (\"'ignore_resource_attributes' "
                     "cannot be configured unless 'promote_all_resource_attributes' is true\")",
                     "Add `promote_all_resource_attributes: true`, or remove ignore_resource_attributes.", data={"check": "otlp"})
        strategy = as_str(otlp.get("translation_strategy"))
        if strategy in ("NoTranslation", "NoUTF8EscapingWithSuffixes") and scheme == "legacy":
            self.add(self.span(otlp, "translation_strategy"),
                     f'otlp translation_strategy {strategy} keeps UTF-8 names, but global metric_name_validation_scheme is legacy '
                     f'("OTLP translation strategy \"{strategy}\" is not allowed when UTF8 is disabled")',
                     "Use `translation_strategy: UnderscoreEscapingWithSuffixes`, or remove `metric_name_validation_scheme: legacy`.",
                     data={"check": "otlp"})

    def _sd_kind_typos(self, job: YMap, prefix: tuple, label: str) -> None:
        """The schema accepts any `<kind>_sd_configs` (Prometheus adds SD kinds over time); one letter away from a
        known kind (`kubernets_sd_configs`) is a misspelling that would silently discover nothing here."""
        known = [k for k in self.validator.definition("scrapeConfig")["properties"] if k.endswith("_sd_configs")]
        for key in job:
            if not isinstance(key, str) or not key.endswith("_sd_configs") or key in known:
                continue
            kind = key[: -len("_sd_configs")]
            for candidate in known:
                other = candidate[: -len("_sd_configs")]
                if len(other) >= 4 and edit_distance(kind, other) == 1:
                    self.add(self.span(job, key, of_key=True), f'unknown field "{key}" in {label} (did you mean "{candidate}"?)',
                             f'Rename "{key}" to "{candidate}".', data={"check": "sd-kind", "suggestion": candidate})
                    break

    # scrape_timeout vs scrape_interval (config.go GlobalConfig.UnmarshalYAML / ScrapeConfig.Validate)

    def _global_timing(self, global_: YMap) -> tuple[int, int, Span | None] | None:
        interval = duration_ms(global_.get("scrape_interval"))
        timeout = duration_ms(global_.get("scrape_timeout"))
        if interval is None or timeout is None:
            return None
        interval_span = self.span(global_, "scrape_interval") if interval else None
        interval = interval or DEFAULT_SCRAPE_INTERVAL_MS
        if timeout > interval:
            related = (Related(interval_span, f"global scrape_interval is {_format_ms(interval)}"),) if interval_span else ()
            self.add(self.span(global_, "scrape_timeout"),
                     f"global scrape_timeout {_format_ms(timeout)} is longer than the global scrape_interval "
                     f"{_format_ms(interval)}" + ("" if interval_span else " (the default)"),
                     f"Set scrape_timeout to at most {_format_ms(interval)} (e.g. `scrape_timeout: {_format_ms(min(interval, DEFAULT_SCRAPE_TIMEOUT_MS))}`), "
                     "or raise scrape_interval.", related, {"check": "scrape-timeout"})
            return None
        timeout = timeout or min(DEFAULT_SCRAPE_TIMEOUT_MS, interval)
        return interval, timeout, interval_span

    def _job_timing(self, job: YMap, label: str, global_: YMap, global_ms: tuple | None) -> None:
        interval = duration_ms(job.get("scrape_interval"))
        timeout = duration_ms(job.get("scrape_timeout"))
        if interval is None or timeout is None or not timeout:
            return
        if interval:
            source, interval_span = "its scrape_interval", self.span(job, "scrape_interval")
        elif global_ms is None:
            return  # inherits a global interval that is unknown or invalid
        else:
            interval, interval_span = global_ms[0], global_ms[2]
            source = "the global scrape_interval" if interval_span else "the default scrape_interval"
        if timeout <= interval:
            return
        related = (Related(interval_span, f"scrape_interval {_format_ms(interval)}"),) if interval_span else ()
        self.add(self.span(job, "scrape_timeout"),
                 f"scrape_timeout {_format_ms(timeout)} of {label} is longer than {source} {_format_ms(interval)}",
                 f"Set `scrape_timeout: {_format_ms(interval)}` or less in {label}, or give it a longer scrape_interval.",
                 related, {"check": "scrape-timeout"})

    # credentials (common config/http_config.go HTTPClientConfig.Validate, TLSConfig.Validate, ProxyConfig.Validate)

    def _http_client(self, node: YMap, label: str) -> bool:
        """Report the first credential/proxy conflict of one HTTP client block; True when one was found."""
        def present(key: str) -> bool:
            return node.get(key) is not None

        def nonempty(key: str, where: Any = node) -> bool:
            return as_str(as_map(where).get(key)) != ""

        def conflict(first: str, second: str, upstream: str, fix: str) -> bool:
            a, b = sorted((first, second), key=lambda k: node.key_pos(k))
            self.add(self.span(node, b, of_key=True),
                     f"{label} sets both {a} and {b}: Prometheus accepts one way to send credentials (\"{upstream}\")",
                     fix, (Related(self.span(node, a, of_key=True), f"{a} is set here"),),
                     {"check": "conflicting-credentials", "fields": [a, b]})
            return True

        token, token_file = nonempty("bearer_token"), nonempty("bearer_token_file")
        if token and token_file:
            return conflict("bearer_token", "bearer_token_file", "at most one of bearer_token & bearer_token_file must be configured",
                            "Keep one: `authorization: {credentials_file: <file>}` for a token file, or `authorization: {credentials: <token>}`; remove the other.")
        legacy = "bearer_token" if token else "bearer_token_file" if token_file else None
        for method in ("basic_auth", "oauth2"):
            if legacy and present(method):
                return conflict(method, legacy, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured",
                                f"Keep one credential method: remove {legacy}, or remove {method}.")
        basic = node.get("basic_auth")
        if isinstance(basic, YMap):
            for what, keys in (("username", ("username", "username_file", "username_ref")),
                               ("password", ("password", "password_file", "password_ref"))):
                if self._exclusive(basic, keys, f"basic_auth of {label}",
                                   f"at most one of basic_auth {what}, {what}_file & {what}_ref must be configured"):
                    return True
        auth = node.get("authorization")
        if auth is not None:
            if legacy:
                return conflict("authorization", legacy, "authorization is not compatible with bearer_token & bearer_token_file",
                                f"Remove {legacy} and keep authorization (bearer_token_file: F is `authorization: {{credentials_file: F}}`).")
            auth_map = as_map(auth)
            if self._exclusive(auth_map, ("credentials", "credentials_file", "credentials_ref"), f"authorization of {label}",
                               "at most one of authorization credentials & credentials_file must be configured"):
                return True
            written = as_str(auth_map.get("type"))
            if written.strip().lower() == "basic":  # (trimmed and compared in any letter case, as prometheus/common does)
                self.add(self.span(auth_map, "type"), f'authorization type of {label} is "{written}"',
                         _basic_type_fix(label),
                         data={"check": "authorization-basic"})
                return True
            for method in ("basic_auth", "oauth2"):
                if present(method):
                    return conflict("authorization", method, "at most one of basic_auth, oauth2 & authorization must be configured",
                                    f"Keep one credential method: remove {method}, or remove authorization.")
        oauth = node.get("oauth2")
        if oauth is not None:
            if present("basic_auth"):
                return conflict("oauth2", "basic_auth", "at most one of basic_auth, oauth2 & authorization must be configured",
                                "Keep one credential method: remove basic_auth, or remove oauth2.")
            oauth_map = as_map(oauth)
            for key in ("client_id", "token_url"):
                if not nonempty(key, oauth_map):
                    self.add(self.span(node, "oauth2", of_key=True), f"oauth2 of {label} has no {key}",
                             f"Add `{key}:` to oauth2.", data={"check": "oauth2-incomplete"})
                    return True
            if self._exclusive(oauth_map, ("client_secret", "client_secret_file", "client_secret_ref"), f"oauth2 of {label}",
                               "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured"):
                return True
        if self._proxy(node, label):
            return True
        headers = node.get("http_headers")
        if isinstance(headers, YMap):
            for header in headers:
                if as_str(header).lower() in _HTTP_RESERVED_HEADERS:
                    name = "-".join(part[:1].upper() + part[1:].lower() for part in as_str(header).split("-"))
                    fix = ("Send credentials with `authorization:` (or basic_auth, oauth2) instead of a header."
                           if name in ("Authorization", "Proxy-Authorization") else f"Remove the {name} header: Prometheus sets it itself.")
                    self.add(self.span(headers, header, of_key=True),
                             f'http_headers of {label} set {name} ("setting header \"{name}\" is not allowed")', fix,
                             data={"check": "reserved-header", "header": as_str(header)})
                    return True
        for block, where in ((node.get("tls_config"), f"tls_config of {label}"),
                             (as_map(oauth).get("tls_config"), f"oauth2.tls_config of {label}")):
            if isinstance(block, YMap) and self._tls(block, where):
                return True
        return False

    def _exclusive(self, node: YMap, keys: tuple[str, ...], where: str, upstream: str) -> bool:
        set_keys = sorted((k for k in keys if as_str(node.get(k)) != ""), key=node.key_pos)
        if len(set_keys) < 2:
            return False
        self.add(self.span(node, set_keys[1], of_key=True),
                 f"{where} sets both {set_keys[0]} and {set_keys[1]} (\"{upstream}\")",
                 f"Keep one of {', '.join(keys)}.", (Related(self.span(node, set_keys[0], of_key=True), f"{set_keys[0]} is set here"),),
                 {"check": "exclusive-fields", "fields": set_keys})
        return True

    def _proxy(self, node: YMap, label: str) -> bool:
        url_set = node.get("proxy_url") is not None
        url = as_str(node.get("proxy_url"))
        from_env = node.get("proxy_from_environment") is True
        no_proxy = as_str(node.get("no_proxy"))
        problems = (
            (bool(as_map(node.get("proxy_connect_header"))) and not from_env and not url, "proxy_connect_header",
             "if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured",
             "Add proxy_url (or proxy_from_environment: true), or remove proxy_connect_header."),
            (from_env and bool(url), "proxy_url", "if proxy_from_environment is configured, proxy_url must not be configured",
             "Remove proxy_url, or set proxy_from_environment: false."),
            (from_env and bool(no_proxy), "no_proxy", "if proxy_from_environment is configured, no_proxy must not be configured",
             "Remove no_proxy (the NO_PROXY environment variable applies), or set proxy_from_environment: false."),
            (not url_set and bool(no_proxy), "no_proxy", "if no_proxy is configured, proxy_url must also be configured",
             "Add proxy_url, or remove no_proxy."),
        )
        for failed, key, upstream, fix in problems:
            if failed:
                self.add(self.span(node, key, of_key=True), f"{key} of {label} is not usable as written (\"{upstream}\")", fix,
                         data={"check": "proxy"})
                return True
        return False

    def _tls(self, tls: YMap, where: str) -> bool:
        for keys, upstream in (
            (("ca", "ca_file", "ca_ref"), "at most one of ca, ca_file & ca_ref must be configured"),
            (("cert", "cert_file", "cert_ref"), "at most one of cert, cert_file & cert_ref must be configured"),
            (("key", "key_file", "key_ref"), "at most one of key and key_file must be configured"),
        ):
            if self._exclusive(tls, keys, where, upstream):
                return True
        cert = [k for k in ("cert", "cert_file", "cert_ref") if as_str(tls.get(k))]
        key = [k for k in ("key", "key_file", "key_ref") if as_str(tls.get(k))]
        if cert and not key:
            self.add(self.span(tls, cert[0], of_key=True), f"{where} has a client certificate ({cert[0]}) but no key",
                     "Add `key_file:` with the certificate's private key, or remove the certificate.", data={"check": "tls-pair"})
            return True
        if key and not cert:
            self.add(self.span(tls, key[0], of_key=True), f"{where} has a client key ({key[0]}) but no certificate",
                     "Add `cert_file:` with the client certificate, or remove the key.", data={"check": "tls-pair"})
            return True
        return False

    def _protocols(self, job: YMap, label: str) -> None:
        seen: set[str] = set()
        protocols = as_seq(job.get("scrape_protocols"))
        for index, value in enumerate(protocols):
            text = as_str(value).lower()
            if text in seen:
                self.add(at(self.path, protocols.item_pos(index)) if isinstance(protocols, YSeq) else self.span(job, "scrape_protocols"),
                         f"scrape_protocols of {label} lists {as_str(value)} twice", "Remove the duplicate protocol.",
                         data={"check": "scrape-protocols"})
                return
            seen.add(text)

    def _escaping(self, job: YMap, label: str, global_: YMap, global_scheme: str) -> str:
        """The job's name validation scheme; reports utf8 escaping requested with legacy validation (config.go)."""
        local = as_str(job.get("metric_name_validation_scheme"))
        scheme = local or global_scheme
        escaping = as_str(job.get("metric_name_escaping_scheme"))
        global_escaping = as_str(global_.get("metric_name_escaping_scheme"))
        if not escaping:
            if not local:
                escaping = global_escaping or ("underscores" if global_scheme == "legacy" else "allow-utf-8")
            else:
                escaping = "underscores" if local == "legacy" else "allow-utf-8"
        if escaping == "allow-utf-8" and scheme != "utf8":
            container, key = (job, "metric_name_escaping_scheme") if "metric_name_escaping_scheme" in job else (global_, "metric_name_escaping_scheme")
            self.add(self.span(container, key), f"{label} asks for UTF-8 metric names (escaping allow-utf-8) but validates "
                     "names with the legacy scheme (\"utf8 metric names requested but validation scheme is not set to UTF8\")",
                     "Set `metric_name_escaping_scheme: underscores`, or `metric_name_validation_scheme: utf8`.",
                     data={"check": "name-escaping"})
        return scheme

    def _external_labels(self, global_: YMap, scheme: str) -> None:
        labels = global_.get("external_labels")
        if not isinstance(labels, YMap) or not self.clean(("global", "external_labels")):
            return
        for name in labels:
            text = as_str(name)
            if not text or (scheme == "legacy" and not re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", text)):
                self.add(self.span(labels, name, of_key=True), f'external label name "{text}" in global is not a valid label name',
                         "Use a label name of letters, digits and underscores, not starting with a digit.",
                         data={"check": "external-labels"})
                return

    # kubernetes_sd_configs combinations (discovery/kubernetes SDConfig.UnmarshalYAML; FACTS §4)

    def _kubernetes_sd(self, sd: YMap, label: str) -> None:
        if self._http_client(sd, label):
            return
        api_server = sd.get("api_server") is not None
        kubeconfig = as_str(sd.get("kubeconfig_file")) != ""
        custom = [k for k in HTTP_CLIENT_KEYS if k in sd and _is_custom(k, sd.get(k))]
        own = as_map(sd.get("namespaces")).get("own_namespace") is True
        if api_server and kubeconfig:
            self.add(self.span(sd, "kubeconfig_file", of_key=True),
                     f"{label} sets both api_server and kubeconfig_file (\"cannot use 'kubeconfig_file' and 'api_server' simultaneously\")",
                     "Keep one source of discovery credentials: remove api_server (the kubeconfig names the server) or kubeconfig_file.",
                     (Related(self.span(sd, "api_server", of_key=True), "api_server is set here"),), {"check": "sd-combination"})
            return
        if kubeconfig and custom:
            self.add(self.span(sd, custom[0], of_key=True),
                     f"{label} combines kubeconfig_file with its own HTTP client setting {custom[0]} "
                     "(\"cannot use a custom HTTP client configuration together with 'kubeconfig_file'\")",
                     f"Remove {', '.join(custom)} from the SD config (put the credentials in the kubeconfig), or drop kubeconfig_file.",
                     (Related(self.span(sd, "kubeconfig_file", of_key=True), "kubeconfig_file is set here"),), {"check": "sd-combination"})
            return
        if not api_server and custom:
            self.add(self.span(sd, custom[0], of_key=True),
                     f"{label} sets {', '.join(custom)} without api_server (\"to use custom HTTP client configuration please "
                     "provide the 'api_server' URL explicitly\"); in-cluster discovery always uses the pod's ServiceAccount token and CA",
                     f"Remove {', '.join(custom)} from the SD config (scrape credentials belong at the job level), or add "
                     "`api_server: https://kubernetes.default.svc` if discovery really needs other credentials.",
                     data={"check": "sd-combination"})
            return
        if own and (api_server or kubeconfig):
            other = "api_server" if api_server else "kubeconfig_file"
            namespaces = as_map(sd.get("namespaces"))
            self.add(self.span(namespaces, "own_namespace", of_key=True),
                     f"{label} sets namespaces.own_namespace together with {other} (\"cannot use '{other}' and "
                     "'namespaces.own_namespace' simultaneously\"): the own namespace is only known in-cluster",
                     "List the namespace in namespaces.names instead of own_namespace.",
                     (Related(self.span(sd, other, of_key=True), f"{other} is set here"),), {"check": "sd-combination"})
            return
        role = as_str(sd.get("role"))
        if self._role_newer_than_release(sd, role, label):
            return
        found: set[str] = set()
        selectors = as_seq(sd.get("selectors"))
        for index, selector in enumerate(selectors):
            selector_role = as_str(as_map(selector).get("role"))
            span = self.span(as_map(selector), "role") if isinstance(selector, YMap) else self.span(selectors, index)
            if selector_role in found:
                self.add(span, f"{label} has two selectors for role {selector_role} (\"duplicated selector role: {selector_role}\")",
                         "Merge the two selectors into one (label and field selectors are comma-separated lists).",
                         data={"check": "sd-selectors"})
                return
            found.add(selector_role)
            allowed = ALLOWED_SELECTORS.get(role, ())
            if selector_role not in allowed:
                self.add(span, f"{label} has a {selector_role or 'role-less'} selector, but role {role} supports only "
                         f"{', '.join(allowed)} selectors (\"{role} role supports only {', '.join(allowed)} selectors\")",
                         f"Use a selector role among {', '.join(allowed)}, or remove the selector.", data={"check": "sd-selectors"})
                return
            for key, check, syntax in (("field", check_field_selector, "field selector (key=value, key!=value, comma-separated)"),
                                       ("label", check_label_selector, "label selector (app=web, tier in (a,b), !canary, comma-separated)")):
                text = as_map(selector).get(key)
                if text is None or isinstance(text, (dict, list)):
                    continue
                try:
                    check(as_str(text))
                except SelectorError as exc:
                    self.add(self.span(as_map(selector), key), f"{key} selector {render(as_str(text))} of {label} does not parse "
                             f"as a Kubernetes {key} selector (\"{exc}\")", _selector_fix(key, as_str(text), syntax),
                             data={"check": "sd-selectors", "upstream": str(exc)})
                    return

    def _role_newer_than_release(self, sd: YMap, role: str, label: str) -> bool:
        """A role the image's 2.x release does not know yet (endpointslice before 2.21.0): reported, and True."""
        added = ROLES_ADDED_IN_2.get(role)
        if self.release is None or added is None or self.release.version >= added:
            return False
        since = ".".join(str(part) for part in added)
        self.add(self.span(sd, "role"),
                 f'{label}: unknown Kubernetes SD role "{role}" (added in Prometheus {since}, unknown to Prometheus '
                 f"{self.release.text}); the config does not load",
                 f"Run Prometheus {since} or later instead of {self.release.image_text}, or use `role: endpoints`.",
                 data={"check": "sd-role", "prometheus_version": self.release.text})
        return True

    # relabel rules (model/relabel Config.Validate, via relabel.RelabelRule)

    def _relabel_list(self, rules: Any, prefix: tuple, label: str, scheme: str) -> None:
        from .relabel import RelabelError, RelabelRule

        kind = prefix[-1]
        for index, rule in enumerate(as_seq(rules)):
            if not isinstance(rule, YMap) or not self.clean(prefix + (index,)):
                continue
            if self.dollar_escaped:
                rule = {k: v.replace("$$", "$") if isinstance(v, str) else v for k, v in rule.items()}
            if self._action_newer_than_release(rules, index, kind, label):
                continue
            try:
                RelabelRule.from_mapping(rule, name_validation=scheme)
            except RelabelError as exc:
                message = str(exc)
                if message.startswith("unsupported regex"):
                    continue  # valid RE2 that Python cannot express: not an error
                node = as_seq(rules)[index]
                key = _relabel_key(message, node)
                span = self.span(node, key) if key else at(self.path, node.pos)
                self.add(span, f"{kind}[{index}] of {label}: {message}", _relabel_fix(message, node, scheme),
                         data={"check": "relabel", "upstream": message})

    def _action_newer_than_release(self, rules: YSeq, index: int, kind: str, label: str) -> bool:
        """A relabel action a 2.x image does not know yet: relabel.Action's UnmarshalYAML (case-insensitive) answers
        `unknown relabel action`. Reported, and True, so the rule gets no second finding."""
        node = as_seq(rules)[index]
        if self.release is None:
            return False
        _action, added = _action_too_new(node, self.release.version)
        if added is None:
            return False
        since = ".".join(str(part) for part in added)
        self.add(self.span(node, "action"),
                 f'{kind}[{index}] of {label}: unknown relabel action "{node.get("action")}" (added in Prometheus '
                 f"{since}, unknown to Prometheus {self.release.text})",
                 f"Run Prometheus {since} or later instead of {self.release.image_text}, or express the rule with the "
                 "actions it knows.", data={"check": "relabel", "prometheus_version": self.release.text})
        return True

    def _static_targets(self, job: YMap, label: str) -> None:
        for static in as_seq(job.get("static_configs")):
            targets = as_seq(as_map(static).get("targets"))
            for index, target in enumerate(targets):
                text = as_str(target)
                if "/" in text:
                    span = at(self.path, targets.item_pos(index)) if isinstance(targets, YSeq) else at(self.path, job.pos)
                    path_key = "path_prefix" if label.startswith("alerting") else "metrics_path"
                    self.add(span, f'static target "{text}" of {label} is a URL, not host:port ("\\"{text}\\" is not a valid hostname")',
                             _url_target_fix(text, path_key), data={"check": "static-target"})
                    return


def _url_target_fix(text: str, path_key: str) -> str:
    """KS601's fix for a static target written as a URL: the host:port, scheme and path it names, spelled out."""
    match = TARGET_URL.match(text)
    if match is None:
        return (f"Write the target as host:port and put the scheme and path in `scheme:` and `{path_key}:` "
                "(or rewrite __address__ with relabel_configs).")
    path = match.group("path") or ""
    settings = [f"`scheme: {match.group('scheme').lower()}`"] + ([f"`{path_key}: {path}`"] if path not in ("", "/") else [])
    return (f"Write the target as {match.group('address')} and set {' and '.join(settings)} beside its static_configs "
            "(or rewrite __address__ with relabel_configs).")


def _drop_misspelt_required(errors: list[SchemaError]) -> list[SchemaError]:
    """`rol: node` is one mistake: keep "unknown field rol (did you mean role?)", drop "has no role"."""
    unknown: dict[int, list[Any]] = {}
    for error in errors:
        if error.kind == "additional":
            unknown.setdefault(id(error.container), []).append(error.key)
    kept = []
    for error in errors:
        if error.kind == "required":
            mapping = error.value
            if any(did_you_mean(key, error.allowed) for key in unknown.get(id(mapping), [])):
                continue
        kept.append(error)
    return kept


def _is_custom(key: str, value: Any) -> bool:
    """Whether an HTTP client field differs from Prometheus' default (DeepEqual with DefaultHTTPClientConfig)."""
    if key in ("follow_redirects", "enable_http2"):
        return value is not True
    if key in ("bearer_token", "bearer_token_file", "no_proxy"):
        return as_str(value) != ""
    if key == "proxy_from_environment":
        return value is True
    if key == "tls_config":
        return any(v not in (None, False, "") and v != [] for v in as_map(value).values())
    return value is not None


def _target_label_fix(name: str, scheme: str) -> str:
    """A target_label the name validation refuses: the same name spelt with the legacy characters (relabel.go
    validates it with the job's scheme; Prometheus 2 validates the legacy way unless utf8-names is enabled)."""
    rules = "letters, digits and underscores, not starting with a digit"
    if "$" in name:  # ${1} references: only the literal parts need respelling
        return f"Spell the literal parts of target_label with {rules}; keep the ${{n}} references."
    fixed = re.sub(r"[^A-Za-z0-9_]", "_", name)
    fixed = "_" + fixed if fixed[:1].isdigit() else fixed
    if not fixed or fixed == name:
        return f"Write target_label as a label name ({rules})."
    later = " (or run Prometheus 3, which accepts UTF-8 label names)" if scheme == "legacy" else ""
    return f"Write `target_label: {fixed}`{later}."


def _basic_type_fix(label: str) -> str:
    """`authorization: {type: Basic}` is refused; which replacement fits depends on who reads the credentials:
    the API server (kubernetes_sd_configs) and the kubelet authenticate bearer tokens and client certificates,
    never basic auth, so there basic_auth would just make the request anonymous (KS106, KS111)."""
    bearer = "delete `type:` so the file's token is sent as a bearer token (Bearer is the default)"
    if label.startswith("kubernetes_sd_configs"):
        return f"{bearer[0].upper()}{bearer[1:]}: the API server reads no basic auth."
    return (f"If the target wants HTTP basic auth, use `basic_auth: {{username: ..., password_file: ...}}` instead; "
            f"if it wants a token (the kubelet and the API server read no basic auth), {bearer}.")


def _selector_fix(key: str, text: str, syntax: str) -> str:
    """The two selector mistakes seen in practice, each with a fix that keeps what was meant: YAML's `app: web`
    for a label selector's app=web, and a set operator (in, notin) that field selectors do not have
    (fields.ParseSelector takes only =, == and !=) — no field selector can say it, a keep rule can."""
    pair = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9_./-]*)\s*:\s*([A-Za-z0-9_.-]*)\s*", text)
    if key == "label" and pair:
        return f'Write `label: "{pair.group(1)}={pair.group(2)}"`.'
    if key == "field" and re.search(r"\s(in|notin)\s*\(", text):
        return ("Field selectors have no set operators (in, notin): select one value with `key=value`, or remove "
                "`field:` and keep the values with a `keep` relabel rule on the matching __meta_kubernetes_* label.")
    return f"Write `{key}:` as a Kubernetes {syntax}."


def _relabel_key(message: str, rule: YMap) -> str | None:
    if message.startswith("invalid regex"):
        return "regex" if "regex" in rule else None
    if "requires only" in message:
        return "action" if "action" in rule else None
    for needle, key in (("is not a valid label name", "source_labels"), ("modulus", "modulus"),
                        ("'replacement'", "replacement"), ("target_label", "target_label"), ("action", "action")):
        if needle in message and key in rule:
            return key
    return "action" if "action" in rule else None


def _relabel_fix(message: str, rule: Any = None, scheme: str = "utf8") -> str:
    if "is invalid 'target_label'" in message and isinstance(rule, dict):
        return _target_label_fix(as_str(rule.get("target_label", rule.get("targetLabel"))), scheme)
    if message.startswith("invalid regex"):
        return ("Rewrite the regex in RE2 syntax (no look-arounds, backreferences or possessive quantifiers); "
                "Prometheus anchors it as ^(?s:regex)$.")
    if "requires 'target_label'" in message:
        return "Add `target_label: <label name>` to the rule."
    if "non-zero modulus" in message:
        return "Add `modulus: <N>` (N > 0) to the hashmod rule."
    if "unknown relabel action" in message or "cannot be empty" in message:
        return ("Use one of the actions replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, "
                "labelkeep, lowercase, uppercase.")
    if "'replacement' can not be set" in message:
        return "Remove `replacement:` from the rule."
    if "requires only" in message:
        return "Remove the fields the action does not take."
    return "Correct the rule as the message says (see the relabel_config reference at " + DOCS + "#relabel_config)."
