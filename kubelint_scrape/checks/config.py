"""KS601, KS602, KS604, KS605: configuration the consumer would reject, discovery on a deprecated API, and
relabel rules that read what discovery never sets.

KS601 — every Prometheus config (plain or embedded) validated as Prometheus loads it (promvalidate.py).
KS602 — Kubernetes objects that `kubectl apply` / the API server would refuse (k8svalidate.py).
KS604 — `role: endpoints` discovery (plain configs, Operator ScrapeConfigs and ServiceMonitors) on a cluster
version where core v1 Endpoints is deprecated (FACTS §8).
KS605 — relabel rules reading a `__meta_kubernetes_*` label the job's SD role never sets (FACTS §4).
"""

from __future__ import annotations

import os

from typing import Any, Iterator

from ..catalog import check, rule_params
from ..findings import Finding, Related
from ..yamltree import YMap, YSeq, as_map, as_seq, as_str, at, get_path, key_span, walk_strings
from .context import Context


@check("KS601")
def invalid_prometheus_config(ctx: Context) -> Iterator[Finding]:
    configs = ctx.analysis.configs
    if not configs:
        return
    from ..otel import is_collector_config
    from ..promvalidate import MONITOR_RELABELINGS, validate, validate_additional, validate_monitor

    seen: set[int] = set()
    for config in configs:
        if config.flavor == "kubeletstats":
            # Its jobs are made from the receivers' settings, not Prometheus YAML (an OpenTelemetryCollector CR's
            # config has origin "operator": validated as additional scrape configs it got Prometheus' refusals).
            if ctx.reports(config.path):
                yield from _kubeletstats_refusals(config, ctx.analysis.assumptions.version)
            continue
        if config.origin != "operator":
            if _loaded_by_vmagent(ctx, config):
                continue  # vmagent accepts a superset (its roles, actions, `if:` filters): Prometheus' rules do not apply
            if ctx.reports(config.path) and not is_collector_config(config.root):
                # (a collector's kubeletstats receivers are not Prometheus YAML)
                yield from _config_findings(ctx, config, validate)
                yield from _agent_mode_findings(ctx, config)
            continue
        if config.runner is not None and config.runner.kind == "VMAgent":
            # its own scrape configs are vmagent's superset of Prometheus' (as above), its objects CRs; only a
            # reference its operator cannot load is reported, as for a Prometheus
            yield from _additional_scrape_configs_findings(ctx, config)
            continue
        # An Operator config is synthesised from CRs (their own schema applies); only additionalScrapeConfigs
        # jobs are Prometheus YAML as written, validated once even when several Prometheus resources use them.
        yield from _runner_scrape_classes_findings(ctx, config, seen)
        yield from _scrape_class_findings(ctx, config, seen)
        yield from _class_authorization_findings(ctx, config, seen)
        yield from _too_new_action_findings(ctx, config, seen)
        yield from _additional_scrape_configs_findings(ctx, config)
        extra = [job for job in config.jobs if job.source_kind == "config" and id(job.node) not in seen]
        seen.update(id(job.node) for job in extra)
        if extra and ctx.reports(*{job.path for job in extra}):
            from ..operator import unmanaged

            yield from validate_additional(config, extra, unmanaged(ctx.workspace, config.runner))
    from ..operator import refused_objects

    # A monitor the API server refuses (KS602) never reaches the operator, whose rejections these are.
    refused = refused_objects(ctx.workspace)
    for kind in MONITOR_RELABELINGS:  # each monitor once, however many Prometheus resources select it
        for monitor in ctx.workspace.kind(kind):
            if _operator_monitor(monitor) and ctx.reports(monitor.path) and not refused(monitor):
                source = ctx.source(monitor.path)
                if source is None or not source.memo:
                    yield from validate_monitor(monitor)
                    continue
                patches = ctx.workspace.indexes.get("patches applied", {}).get(monitor.path, ())
                yield from source.remember(*_monitor_key(monitor, patches), lambda: validate_monitor(monitor))


def _operator_monitor(obj: Any) -> bool:
    from ..promvalidate import MONITOR_RELABELINGS

    return obj.kind in MONITOR_RELABELINGS and obj.api_version.startswith("monitoring.coreos.com/")


def _monitor_key(monitor: Any, patches: tuple = ()) -> tuple[tuple, tuple]:
    """(family, variant) of a monitor's operator refusals on its Source (Source.remember): the monitor by its place;
    the variants by namespace, which a Kustomization may set and the findings name, and by the Kustomize patches
    applied to its file's objects (build.py "patches applied", equal when read from the same text): a patched
    monitor is a new tree at the base's position, and an edit of the patch alone changes it."""
    return ("KS601-monitor", monitor.path, monitor.doc.pos), (monitor.namespace, patches)


def _scrape_class_findings(ctx: Context, config: Any, seen: set) -> Iterator[Finding]:
    """A monitor naming a scrape class its Prometheus/PrometheusAgent does not define: the operator rejects it for
    that resource (resource_selector.go validateScrapeClass: "scrapeClass %q not found in Prometheus
    scrapeClasses"), so none of its targets is scraped there."""
    runner = config.runner
    if runner is None:
        return
    classes = [as_str(as_map(c).get("name")) for c in as_seq(as_map(runner.doc.get("spec")).get("scrapeClasses"))]
    for monitor in getattr(config, "unknown_scrape_class", ()):
        if ("scrape-class", id(monitor), id(runner)) in seen:
            continue
        seen.add(("scrape-class", id(monitor), id(runner)))
        if not ctx.reports(monitor.path):
            continue
        spec = as_map(monitor.doc.get("spec"))
        name = as_str(spec.get("scrapeClass"))  # one the runner does not define (operator.py decided)
        defined = f"it defines {', '.join(c for c in classes if c)}" if any(classes) else "it defines no scrapeClasses"
        spec_node = as_map(runner.doc.get("spec"))
        where = spec_node.key_pos("scrapeClasses") if "scrapeClasses" in spec_node else runner.doc.key_pos("spec") if "spec" in runner.doc else runner.doc.pos
        yield Finding(
            "KS601", at(monitor.path, spec.value_pos("scrapeClass")),
            f'{monitor.kind} {monitor.namespace}/{monitor.name} uses scrapeClass "{name}", which {runner.kind} '
            f"{runner.namespace}/{runner.name} does not define ({defined}; \"scrapeClass \\\"{name}\\\" not found in Prometheus "
            f"scrapeClasses\"): the operator rejects the {monitor.kind} for it and none of its targets is scraped",
            fix=f'Name one of the scrape classes of {runner.kind} {runner.namespace}/{runner.name}, or add `- name: {name}` to its spec.scrapeClasses.',
            related=(Related(at(runner.path, where), f"scrape classes of {runner.kind} {runner.namespace}/{runner.name}"),),
            object=f"{monitor.kind} {monitor.name}", data={"check": "operator-scrape-class", "scrapeClass": name})


def _runner_scrape_classes_findings(ctx: Context, config: Any, seen: set) -> Iterator[Finding]:
    """The scrape classes of a Prometheus/PrometheusAgent that the operator or Prometheus refuses, once a runner: a
    second `default: true` (the operator fails every reconciliation of the resource: "failed to parse scrape
    classes: multiple default scrape classes defined", Documentation/developer/scrapeclass.md), and a class
    authorization Prometheus does not load (monitoringv1.Authorization.Validate / prometheus/common
    HTTPClientConfig.Validate: type Basic, or both credentials and credentialsFile) — written into every job of the
    class, so Prometheus refuses the whole generated configuration."""
    runner = config.runner
    if runner is None or ("runner-classes", id(runner)) in seen or not ctx.reports(runner.path):
        return
    seen.add(("runner-classes", id(runner)))
    label = f"{runner.kind} {runner.namespace}/{runner.name}"
    first_default = None
    for item in as_seq(as_map(runner.doc.get("spec")).get("scrapeClasses")):
        if not isinstance(item, YMap):
            continue
        name = as_str(item.get("name"))
        if item.get("default") is True:
            if first_default is None:
                first_default = item
            else:
                yield Finding(
                    "KS601", key_span(runner.path, item, "default"),
                    f"{label} marks scrapeClass {name} `default: true`, and scrapeClass "
                    f"{as_str(first_default.get('name'))} already is its default: the operator refuses the resource "
                    "(\"failed to parse scrape classes: multiple default scrape classes defined\") and generates no "
                    "configuration for it, so none of its monitors is scraped",
                    fix=f"Keep `default: true` on one scrape class only: remove it from scrapeClass {name}.",
                    related=(Related(key_span(runner.path, first_default, "default"),
                                     f"the default scrapeClass {as_str(first_default.get('name'))}"),),
                    object=label, data={"check": "scrape-class-default-twice", "scrapeClass": name})
        auth = item.get("authorization")
        if not isinstance(auth, YMap):
            continue
        if as_str(auth.get("type")).strip().lower() == "basic":
            problem, key = 'Authorization type cannot be set to \"basic\", use \"basic_auth\" instead', "type"
            fix = "Remove `type: Basic` (the default type Bearer sends the credentials as a token)."
        elif as_map(auth.get("credentials")) and as_str(auth.get("credentialsFile")):
            problem, key = "Authorization can not specify both Credentials and CredentialsFile", "credentials"
            fix = "Keep one of credentials and credentialsFile."
        else:
            continue
        yield Finding(
            "KS601", key_span(runner.path, auth, key),
            f"scrapeClass {name} of {label} has an authorization Prometheus does not load (\"{problem}\"): the "
            "operator writes it into every job of the class, so Prometheus refuses the whole generated configuration "
            "— a running server keeps its previous configuration, a starting one exits",
            fix=fix, object=label, data={"check": "scrape-class-authorization"})


# A monitor's own way of sending credentials → what prometheus/common HTTPClientConfig.Validate says when the
# operator writes a scrape class's `authorization` beside it.
_BESIDE_CLASS_AUTHORIZATION = {
    "bearerTokenFile": "authorization is not compatible with bearer_token & bearer_token_file",
    "bearerTokenSecret": "authorization is not compatible with bearer_token & bearer_token_file",
    "basicAuth": "at most one of basic_auth, oauth2 & authorization must be configured",
    "oauth2": "at most one of basic_auth, oauth2 & authorization must be configured",
}


def _own_credential(monitor: Any, holder: YMap) -> str:
    """The one way other than `authorization` in which a monitor endpoint (or Probe/ScrapeConfig spec) sends
    credentials, or "" (none, or several: that conflict is the monitor's own, reported by validate_monitor)."""
    found = [key for key in ("basicAuth", "oauth2") if isinstance(holder.get(key), YMap) and holder.get(key)]
    if as_str(as_map(holder.get("bearerTokenSecret")).get("name")):
        found.append("bearerTokenSecret")
    if monitor.kind == "ServiceMonitor" and as_str(holder.get("bearerTokenFile")):
        found.append("bearerTokenFile")  # only a ServiceMonitor endpoint still writes it (promcfg.go)
    return found[0] if len(found) == 1 else ""


def _class_authorization_fix(monitor: Any, holder: YMap, key: str, named: bool) -> str:
    """The smallest change that leaves one credential in the job: a token Secret moves into `authorization` (which
    the class then leaves alone); a token file can go when the class sends the same one; basic auth and OAuth 2.0
    need a class without authorization."""
    other_class = (f"give this {monitor.kind} `spec.scrapeClass:` naming a class without authorization" if not named
                   else "name a scrape class without authorization in spec.scrapeClass")
    if key == "bearerTokenSecret":
        ref = as_map(holder.get(key))
        return (f"Replace bearerTokenSecret with `authorization: {{credentials: {{name: {as_str(ref.get('name'))}, "
                f"key: {as_str(ref.get('key')) or 'KEY'}}}}}`, which the class's authorization then leaves alone.")
    if key == "bearerTokenFile":
        return (f"Remove bearerTokenFile when the class's authorization sends the same token; otherwise {other_class}.")
    return other_class[0].upper() + other_class[1:] + f", which leaves {key} the job's only credential."


def _class_authorization_findings(ctx: Context, config: Any, seen: set) -> Iterator[Finding]:
    """A monitor that sends credentials its own way (basicAuth, oauth2, bearerTokenSecret, a ServiceMonitor's
    bearerTokenFile) and sets no `authorization`, under a scrape class (named or default) that has one: promcfg.go
    writes the class's authorization whenever the monitor's own is unset (mergeSafeAuthorizationWithScrapeClass),
    beside the monitor's credentials, and Prometheus refuses the generated configuration (prometheus/common
    HTTPClientConfig.Validate) — the whole configuration, so every job of that Prometheus keeps the old one or,
    on a start, none. The operator does not check the pair, so the monitor is not rejected (FACTS §4, §6)."""
    from ..operator import OPERATOR_GROUP, RunnerView
    from ..promvalidate import MONITOR_RELABELINGS

    runner = config.runner
    if runner is None or not runner.api_version.startswith(OPERATOR_GROUP):
        return
    view = RunnerView.of(runner)
    if not view.scrape_classes:
        return
    monitors = {id(job.monitor): job.monitor for job in config.jobs if job.monitor is not None and not job.rejected}
    for monitor in monitors.values():
        if monitor.kind not in MONITOR_RELABELINGS or ("class-authorization", id(monitor), id(runner)) in seen:
            continue
        seen.add(("class-authorization", id(monitor), id(runner)))
        scrape_class = view.scrape_class(monitor)
        class_auth = scrape_class.get("authorization") if isinstance(scrape_class, YMap) else None
        if not isinstance(class_auth, YMap) or not class_auth or not ctx.reports(monitor.path):
            continue
        holders_path = MONITOR_RELABELINGS[monitor.kind][0]
        holders = get_path(monitor.doc, *holders_path)
        holders = list(enumerate(as_seq(holders))) if isinstance(holders, YSeq) else [(None, holders)]
        class_name = as_str(scrape_class.get("name"))
        named = bool(as_str(get_path(monitor.doc, "spec", "scrapeClass")))
        for position, holder in holders:
            if not isinstance(holder, YMap) or as_map(holder.get("authorization")):
                continue  # its own authorization: the class only fills in missing credentials
            key = _own_credential(monitor, holder)
            if not key:
                continue
            where = ".".join(str(p) for p in holders_path[1:]) + (f"[{position}]" if position is not None else "")
            subject = f"{where} sends" if where else "sends"
            how = "names" if named else "gets by default"
            upstream = _BESIDE_CLASS_AUTHORIZATION[key]
            yield Finding(
                "KS601", key_span(monitor.path, holder, key),
                f"{monitor.kind} {monitor.namespace}/{monitor.name} {subject} credentials with {key} and sets no "
                f"authorization, and the scrapeClass {class_name} it {how} from {runner.kind} {runner.namespace}/"
                f"{runner.name} has one: the operator writes both into the job (\"{upstream}\"), so Prometheus "
                "refuses the whole generated configuration — a running server keeps its previous configuration, a "
                "starting one exits",
                fix=_class_authorization_fix(monitor, holder, key, named),
                related=(Related(key_span(runner.path, scrape_class, "authorization"),
                                 f"authorization of scrapeClass {class_name}"),),
                object=f"{monitor.kind} {monitor.name}", data={"check": "scrape-class-auth-conflict"})


def _too_new_action_findings(ctx: Context, config: Any, seen: set) -> Iterator[Finding]:
    """A monitor whose relabel action the Prometheus 2.x release of a selecting Prometheus/PrometheusAgent predates:
    the operator rejects the monitor for that resource (LabelConfigValidator: "%s relabel action is only supported
    from Prometheus version %s", pkg/prometheus/resource_selector.go), so none of its targets is scraped there."""
    from ..promvalidate import runner_release

    runner = config.runner
    release = runner_release(runner) if runner is not None else None
    if release is None:
        return
    spec = as_map(runner.doc.get("spec"))
    field = "image" if as_str(spec.get("image")) else "version"
    place = at(runner.path, spec.value_pos(field)) if field in spec else runner.span
    for monitor, too_new in getattr(config, "actions_too_new", ()):
        if ("too-new-action", id(monitor), id(runner)) in seen or not ctx.reports(monitor.path):
            continue
        seen.add(("too-new-action", id(monitor), id(runner)))
        for node, where, action, added in too_new:
            since = ".".join(map(str, added))
            yield Finding(
                "KS601", at(monitor.path, node.value_pos("action")),
                f"{monitor.kind} {monitor.namespace}/{monitor.name} {where}: relabel action {action!r} is only supported "
                f"from Prometheus {since}, and {runner.kind} {runner.namespace}/{runner.name} runs Prometheus "
                f"{release.text}: the operator rejects the {monitor.kind} for it (\"{action} relabel action is only "
                f"supported from Prometheus version {since}\") and none of its targets is scraped there",
                fix=(f"Run Prometheus {since} or later in {runner.kind} {runner.namespace}/{runner.name} (spec.{field}), "
                     f"or express the rule with the actions Prometheus {release.text} knows."),
                related=(Related(place, f"{runner.kind} {runner.namespace}/{runner.name} runs Prometheus {release.text}"),),
                object=f"{monitor.kind} {monitor.name}",
                data={"check": "operator-relabel-version", "action": action, "prometheus_version": release.text})


def _additional_scrape_configs_findings(ctx: Context, config: Any) -> Iterator[Finding]:
    """A Prometheus/PrometheusAgent/VMAgent whose additionalScrapeConfigs names a Secret or key that does not exist: the
    operator's sync fails before it writes the configuration (operator.missing_additional_scrape_configs), so the
    additional jobs are not the only thing lost: no monitor it selects takes effect either."""
    from ..operator import missing_additional_scrape_configs

    from ..operator import unmanaged

    runner = config.runner
    if runner is None or not ctx.reports(runner.path):
        return
    if unmanaged(ctx.workspace, runner):
        yield from _unmanaged_additional_findings(ctx, config)
        return  # the operator returns before it reads the Secret: a missing one fails nothing
    missing = missing_additional_scrape_configs(ctx.workspace, runner)
    if missing is None:
        return
    related = tuple(Related(s.span, f"Secret {s.namespace}/{s.name} is defined here") for s in missing.related[:2])
    if missing.optional:
        # Not a refusal, so not KS601's error: the operator syncs on without the jobs and says so only at debug
        # level (k8sutil.LoadSecretRef) — scrape jobs that silently never run.
        yield Finding(
            "KS601", missing.span,
            f"{runner.kind} {runner.namespace}/{runner.name} takes additionalScrapeConfigs from key {missing.key} of "
            f"Secret {runner.namespace}/{missing.name}, {missing.why}: with `optional: true` the operator loads "
            f"nothing and logs it only at debug level, so no additional scrape job is generated and none runs",
            fix=missing.fix, related=related, object=f"{runner.kind} {runner.name}", requested_severity="warning",
            data={"check": "operator-additional-scrape-configs-optional"})
        return
    yield Finding(
        "KS601", missing.span,
        f"{runner.kind} {runner.namespace}/{runner.name} takes additionalScrapeConfigs from key {missing.key} of Secret "
        f"{runner.namespace}/{missing.name}, {missing.why}: the operator's sync fails (\"loading additional scrape "
        f"configs from Secret failed: {missing.error}\") before it writes the configuration, so neither these jobs "
        f"nor the {'scrape objects' if runner.kind == 'VMAgent' else 'monitors'} it selects take effect",
        fix=missing.fix, related=related,
        object=f"{runner.kind} {runner.name}", data={"check": "operator-additional-scrape-configs"})


def _unmanaged_additional_findings(ctx: Context, config: Any) -> Iterator[Finding]:
    """A Prometheus with additionalScrapeConfigs and no monitor selector: the operator leaves its configuration
    unmanaged (operator.unmanaged) and writes an empty Secret, so the additional jobs — meant to run, or they would
    not be written — never do, and the Prometheus scrapes nothing. Not a refusal (KS601's error): the operator
    syncs on and says so only at debug level, the way a missing `optional: true` Secret is reported. The jobs are
    still analysed, as they will run once a selector is set."""
    runner = config.runner
    spec = as_map(runner.doc.get("spec"))
    from ..grants import first_few
    from ..operator import SCRAPE_CONFIG_SELECTOR_COUNTS_SINCE, scrape_config_selector_ignored

    who = f"{runner.kind} {runner.namespace}/{runner.name}"
    none_of = "serviceMonitorSelector, podMonitorSelector, probeSelector and scrapeConfigSelector"
    upgrade = ""
    if spec.get("scrapeConfigSelector") is not None:
        # Only an operator older than v0.69.0 leaves this one unmanaged (operator.scrape_config_selector_ignored).
        since = "v" + ".".join(map(str, SCRAPE_CONFIG_SELECTOR_COUNTS_SINCE))
        images = scrape_config_selector_ignored(ctx.workspace, runner)
        none_of = (f"serviceMonitorSelector, podMonitorSelector and probeSelector (its scrapeConfigSelector counts "
                   f"from prometheus-operator {since} only, and the inputs run {images})")
        upgrade = f"Run prometheus-operator {since} or later, or set"
        scrape_configs = [job.name for job in config.jobs if job.source_kind == "scrapeconfig"]
        # Selecting none of the inputs' ScrapeConfigs, there are none to speak of: the Prometheus scrapes nothing,
        # and one labelled for it later would not run either.
        lost = (f" and none of the ScrapeConfigs it selects ({first_few(scrape_configs)}) runs" if scrape_configs
                else ": it scrapes nothing, and no ScrapeConfig of the inputs matches its scrapeConfigSelector (one "
                     "that did would not run either)")
        yield Finding(
            "KS601", key_span(runner.path, spec, "scrapeConfigSelector"),
            f"{who} sets none of {none_of}, so the operator leaves its configuration unmanaged: it keeps Secret "
            f"{runner.namespace}/prometheus-{runner.name} empty{lost} (prometheus-operator#5928)",
            fix=(f"{upgrade} another monitor selector in {who} (`serviceMonitorSelector: {{matchLabels: "
                 f"{{prometheus: {runner.name}}}}}` selects only the ServiceMonitors labelled so), so that the "
                 f"operator generates the configuration."),
            object=f"{runner.kind} {runner.name}", requested_severity="warning",
            data={"check": "operator-scrape-config-selector-unmanaged"})
    ref = spec.get("additionalScrapeConfigs")
    if not isinstance(ref, YMap) or not as_str(ref.get("name")):
        return
    jobs = [job.name for job in config.jobs if job.source_kind == "config"]
    named = f" ({first_few(jobs)})" if jobs else ""
    # Managed, the operator reads the Secret, and a broken reference then stops its sync (KS601's error): a fix
    # that only sets a selector would trade this warning for that error, so it says so and how to repair both.
    from ..operator import missing_additional_scrape_configs

    missing = missing_additional_scrape_configs(ctx.workspace, runner)
    then = (f" Once managed, the operator reads Secret {runner.namespace}/{missing.name}, {missing.why}, and its "
            f"sync fails without it: {missing.fix}" if missing is not None and not missing.optional else "")
    yield Finding(
        "KS601", key_span(runner.path, spec, "additionalScrapeConfigs"),
        f"{who} sets none of {none_of}, "
        f"so the operator leaves its configuration unmanaged: it keeps Secret {runner.namespace}/prometheus-"
        f"{runner.name} empty and never loads additionalScrapeConfigs from Secret {runner.namespace}/"
        f"{as_str(ref.get('name'))}: none of its additional scrape jobs{named} runs",
        fix=(f"{upgrade + ' one' if upgrade else 'Set one'} monitor selector in {who} so that the operator generates the configuration: "
             f"`serviceMonitorSelector: {{}}` also selects the ServiceMonitors of namespace {runner.namespace}, a "
             f"`matchLabels` selector no monitor carries selects none; or run the operator with "
             f"--disable-unmanaged-prometheus-configuration.{then}"),
        object=f"{runner.kind} {runner.name}", requested_severity="warning",
        data={"check": "operator-additional-scrape-configs-unmanaged"})


def _loaded_by_vmagent(ctx: Context, config: Any) -> bool:
    from ..analyse import loaded_by_vmagent

    return loaded_by_vmagent(ctx.analysis.resolutions[id(config)].pod)


# config.go LoadFile(agentMode): sections a Prometheus started with `--agent` refuses ("field alerting is not
# allowed in agent mode"): it evaluates no rules, sends no alerts and answers no queries.
AGENT_FORBIDDEN = {
    "alerting": "an agent sends no alerts",
    "rule_files": "an agent evaluates no rules (run them in the Prometheus, Mimir or Thanos that receives its remote_write)",
    "remote_read": "an agent answers no queries",
}


def _agent_flag(pod: Any) -> Any:
    """(container, key, index in its args or command, the flag as written) of the flag that starts Prometheus in
    agent mode, or None: `--agent` in 3.x, `--enable-feature=agent` (a comma list) in 2.x, where LoadFile refuses the
    same sections; kingpin also takes the list as the next item (`--enable-feature`, `agent`), model.flag_values.
    Prometheus 3.0 removed the `agent` feature flag (CHANGELOG 3.0.0, #14747): a 3.x only warns about an unknown
    feature and runs as a server, which loads alerting and rule_files; so the feature counts only in a container
    whose image names a 2.x release (an image naming none is the current 3.x, as everywhere in KS601)."""
    from ..promvalidate import image_release

    for container in pod.containers:
        release = image_release(container.image)
        feature_flag = release is not None and release[0] == 2
        for key, values in (("args", container.args), ("command", container.command)):
            for index, value in enumerate(values):
                if value in ("--agent", "--agent=true") or (feature_flag and (
                        value.startswith("--enable-feature=") and "agent" in value.split("=", 1)[1].split(","))):
                    return container, key, index, value
                following = values[index + 1] if index + 1 < len(values) else "-"
                if (feature_flag and value == "--enable-feature" and not following.startswith("-")
                        and "agent" in following.split(",")):
                    return container, key, index, f"{value} {following}"
    return None


def _loading_pods(ctx: Context, config: Any) -> list:
    """The pod of each ServiceAccount that loads the config (Resolution.each): a config mounted by two workloads
    with different accounts is loaded by both, and what one of them refuses (--agent, an older release) is a
    refusal whichever account sorts first."""
    resolution = ctx.analysis.resolutions.get(id(config))
    return [each.pod for each in resolution.each if each.pod is not None] if resolution is not None else []


def _agent_mode_findings(ctx: Context, config: Any) -> Iterator[Finding]:
    agents = [(pod, flag) for pod in _loading_pods(ctx, config) if (flag := _agent_flag(pod)) is not None]
    if not agents:
        return
    pod, (container, _key, _index, flag) = agents[0]
    # with two loaders, say which one runs as an agent
    loader = f" of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}" if len(_loading_pods(ctx, config)) > 1 else ""
    related = []
    for agent, (flagged, flag_key, flag_index, _flag) in agents:
        values = flagged.node.get(flag_key)
        related.append(Related(at(agent.obj.path, values.item_pos(flag_index) if isinstance(values, YSeq) else flagged.node.pos),
                               f"agent mode in {agent.obj.kind} {agent.obj.namespace}/{agent.obj.name}"))
    for section, why in AGENT_FORBIDDEN.items():
        value = config.root.get(section)
        if section == "alerting":
            present = bool(as_seq(as_map(value).get("alertmanagers")) or as_seq(as_map(value).get("alert_relabel_configs")))
        else:
            present = bool(as_seq(value))
        if not present:
            continue
        yield Finding(
            "KS601", at(config.path, config.root.key_pos(section)),
            f"{config.describe} sets {section}, but the container {container.name}{loader} that loads it runs Prometheus with "
            f"{flag} (\"field {section} is not allowed in agent mode\"): {why}; Prometheus will refuse to load this config",
            fix=f"Remove `{section}:` from the agent's config, or {_leave_agent_mode(flag)}.",
            related=tuple(related), object=config.describe, data={"check": "agent-mode", "section": section})


def _leave_agent_mode(flag: str) -> str:
    """How to stop the agent mode of `flag`: drop `--agent`, or take `agent` out of an --enable-feature list and
    keep the other features it turns on (`--enable-feature=agent,exemplar-storage` → `…=exemplar-storage`), written
    as the flag is (`--enable-feature agent,exemplar-storage`, two items, → `--enable-feature exemplar-storage`)."""
    separator = " " if " " in flag else "="
    name, _, value = flag.partition(separator)
    others = [feature for feature in value.split(",") if feature and feature != "agent"]
    if name != "--enable-feature" or not others:
        return f"drop {flag}" if separator == "=" else f"drop {flag} (both items)"
    return f"remove `agent` from {flag}, keeping the other features (`{name}{separator}{','.join(others)}`)"


def _kubeletstats_refusals(config: Any, version: tuple[int, int]) -> Iterator[Finding]:
    """KS601 for an OpenTelemetry Collector kubeletstats receiver with auth_type tls (its default) but no client
    certificate: the receiver factory builds its kubelet client when the collector creates the receiver, and
    tlsClientProvider.BuildClient (opentelemetry-collector-contrib internal/kubelet/client.go) fails in
    tls.LoadX509KeyPair on the empty path. The collector then fails to build its pipelines and exits; a
    receiver_creator only logs the error and never starts that receiver on any node (receiver/receivercreator
    observerhandler.go startReceiver)."""
    from ..otel import kubelet_grants, kubeletstats_receivers, missing_client_certificate

    for name, receiver, pos, per_node in kubeletstats_receivers(config.root):
        missing = missing_client_certificate(receiver)
        if not missing:
            continue
        auth = "`auth_type: tls`" if "auth_type" in receiver else "auth_type unset: tls is its default"
        span = key_span(config.path, receiver, "auth_type") if "auth_type" in receiver else at(config.path, pos)
        effect = ("receiver_creator fails to start it on every node (it logs `failed to start receiver` and goes on): "
                  "no kubelet stats are collected" if per_node else
                  "collector fails to build its pipelines and exits at start-up: it collects nothing at all")
        lacking = " and ".join(f"`{key}`" for key in missing)
        message = (f"kubeletstats receiver {name} authenticates with a client certificate ({auth}) but has no "
                   f"{lacking}: it loads its client certificate with "
                   f"tls.LoadX509KeyPair(cert_file, key_file) when it is created, which fails with `open : no such "
                   f"file or directory`, so the {effect}")
        token = (f"set `auth_type: serviceAccount` on receiver {name}: it then sends the pod's ServiceAccount token "
                 f"(keep it mounted; the ServiceAccount needs `get` on "
                 f"{' and '.join(kubelet_grants(receiver, version))})")
        certificate = ("set both `cert_file` and `key_file` to a client certificate and key the kubelets accept "
                       "(signed by their --client-ca-file CA) and mount them in the collector's container")
        if receiver.get("insecure_skip_verify") is True:
            # The token sent without verifying the kubelet (otel.py maps the skip the same way) is KS301 on the
            # next run; a client certificate over the same connection gives an impostor nothing to replay.
            fix = (f"{certificate[0].upper()}{certificate[1:]}; or {token}, but only once the kubelets' serving "
                   f"certificates are verified: with `insecure_skip_verify: true` the token goes to whoever answers "
                   f"at a node's address (KS301).")
        else:
            fix = f"{token[0].upper()}{token[1:]}, or {certificate}."
        yield Finding("KS601", span, message, fix=fix, object=f"receiver {name}", data={"missing": missing})


def _config_findings(ctx: Context, config: Any, validate: Any) -> list[Finding]:
    """KS601 of a plain or embedded config depends on the config and on the Prometheus release its loader's image
    names: memoised on its file's Source (the config lives as long as the Source's model does, see
    build.source_model) with the release, which the precheck, run before workloads are known, leaves None."""
    # Each loader's release (Resolution.each: two workloads with different ServiceAccounts, one on 2.x): what
    # any of them refuses is reported, once.
    by_version: dict[Any, Any] = {}
    for pod in _loading_pods(ctx, config):
        release = _pod_release(ctx, pod)
        by_version.setdefault(release.version if release is not None else None, release)  # one per release
    releases = list(by_version.values()) or [None]
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for release in releases:
        for finding in _release_findings(ctx, config, validate, release):
            if (finding.span, finding.message) not in seen:
                seen.add((finding.span, finding.message))
                findings.append(finding)
    return findings


def _release_findings(ctx: Context, config: Any, validate: Any, release: Any) -> list[Finding]:
    source = ctx.source(config.path)
    if source is None or not source.memo:
        return list(validate(config, release))
    family, variant = _ks601_key(config)
    return source.remember(family, (variant, release), lambda: list(validate(config, release)))


def _pod_release(ctx: Context, pod: Any) -> Any:
    """The Prometheus release whose image loads the config in this pod, when the tag of the pod's Prometheus
    container says (prom/prometheus:v2.45.0); None when it does not (latest, a digest, no Prometheus image) or when
    the pod's Prometheus containers name different releases: then the current 3.x is assumed, as without a workload."""
    from ..promvalidate import PromRelease, checked_as_current, image_release

    found = {(version, c.image, c.name, any("utf8-names" in word for word in c.command + c.args))
             for c in pod.containers if (version := image_release(c.image)) is not None}
    if len({version for version, *_ in found}) != 1:
        return None
    version, image, name, utf8_names = sorted(found)[0]
    if checked_as_current(version):
        # A release that knows every field the current 3.x does is checked as without one: the memo key (and the
        # result the parallel precheck already made) stays the same.
        return None
    obj = pod.obj
    container = next(c for c in pod.containers if c.name == name and c.image == image)
    return PromRelease(version, image, f"container {name} of {obj.kind} {obj.namespace}/{obj.name}", utf8_names,
                       _image_set_by(ctx, obj, container))


def _image_set_by(ctx: Context, obj: Any, container: Any) -> str:
    """Where a Kustomization's `images:` sets the container's image, when the image differs from what its `image:`
    writes ("" when not): kpatch keeps the rewritten value at the written one's place, so the written value is the
    one the file's own tree holds there. Only when the inputs hold such entries at all: no file is walked (nor, as
    before, split into lines: 30 MB at 10,000 objects) for a lint without them."""
    entries = ctx.once("kustomize images entries", lambda: _kustomize_image_entries(ctx))
    if not entries:
        return ""
    from ..kpatch import retag_image

    pos = container.node.value_pos("image")
    path = at(obj.path, pos).path
    written = ctx.once(f"written images of {path}", lambda: _written_images(ctx.source(path))).get(tuple(pos), "")
    if not written or written == container.image:
        return ""
    places = [place for place, entry in entries if retag_image(written, entry) != written]
    shown = ", ".join(places) if places else "a kustomization's `images:`"
    return (f"set by the `images:` entry at {shown} over the image {written} that {obj.kind} {obj.name} writes: "
            f"change that entry's newName/newTag/digest, not the container's image")


def _written_images(source: Any) -> dict[tuple[int, int], str]:
    """Position → value of every `image:` string of a file as written (the Source's own tree, which kpatch leaves
    alone: it retags copies): the parsed value, so a folded, quoted or continued scalar reads whole, not as its
    first line's text (">-", or "…prometheus:\\" of a quoted scalar broken with an escape)."""
    found: dict[tuple[int, int], str] = {}
    stack = [document.root for document in source.documents] if source is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            if isinstance(node.get("image"), str):
                found[tuple(node.value_pos("image"))] = node["image"]
            stack.extend(node.values())
        elif isinstance(node, YSeq):
            stack.extend(node)
    return found


def _kustomize_image_entries(ctx: Context) -> list[tuple[str, Any]]:
    """("path:line", entry) of every `images:` entry of the inputs' kustomizations (kpatch._image_entry), once;
    kpatch.py is imported only when there is one (a lint without Kustomize images never loads it)."""
    from ..kustomize import is_kustomization, source_kustomizations

    found = []
    for kustomization in ctx.sources:
        if not source_kustomizations(kustomization):  # (memoised on the file: no document of it is one)
            continue
        for document in kustomization.documents:
            doc = document.root
            images = as_seq(doc.get("images")) if is_kustomization(kustomization.path, doc) else ()
            if images:
                from ..kpatch import _image_entry
            for index, item in enumerate(images):
                entry = _image_entry(item)
                if entry is not None:
                    where = at(kustomization.path, images.item_pos(index))
                    found.append((f"{where.path}:{where.line}", entry))
    return found


def _ks601_key(config: Any) -> tuple[tuple, str]:
    """(family, variant) of a config's KS601 on its Source (Source.remember; _release_findings adds the release).
    By position, not id(): the key must survive the Source's trip back from a parallel worker (pickled). The
    findings name the config's holder (Finding.object: "ConfigMap team-a/… key …"), whose namespace a
    Kustomization may set: the variant, like the monitor's namespace in _monitor_key."""
    return ("KS601", config.path, config.root.pos, config.key), config.describe


def precheck(source: Any, configs: list, objects: list, wanted: set[str]) -> None:
    """KS601 and KS602 of one file, ahead of the workspace (they read nothing else: a config, or an operator
    monitor, alone), memoised on its Source where the checks look for them: a large one-shot run does this in
    the process that read the file (parallel.py), so validating half of the configs and objects happens on the
    other core."""
    if "KS601" in wanted:
        from ..otel import is_collector_config
        from ..promvalidate import validate, validate_monitor

        for config in configs:
            if config.origin != "operator" and not is_collector_config(config.root):
                family, variant = _ks601_key(config)
                source.remember(family, (variant, None), lambda: list(validate(config)))  # as _release_findings asks
        for obj in objects:
            if _operator_monitor(obj):
                source.remember(*_monitor_key(obj), lambda: validate_monitor(obj))  # as the check asks (unpatched)
    if "KS602" in wanted:
        from ..k8svalidate import source_findings

        source_findings(source)


def _unserved_loaders(ctx: Context) -> set[int]:
    """ids of the unserved workloads whose ServiceAccount a config was resolved to (analyse._once_served)."""
    unserved = {id(obj) for obj in ctx.workspace.unserved}
    return {id(r.pod.obj) for resolution in ctx.analysis.resolutions.values() for r in resolution.each
            if r.pod is not None and id(r.pod.obj) in unserved}


@check("KS602")
def invalid_kubernetes_object(ctx: Context) -> Iterator[Finding]:
    from ..k8svalidate import source_findings, unserved_finding
    from ..kustomize import patch_files, source_abspath
    from .workload import once_served_objects

    patches = patch_files(ctx.workspace)
    for source in ctx.sources:
        if ctx.reports(source.path):
            findings = source_findings(source)  # memoised on the Source
            # A Kustomize patch is a partial object: the fields it leaves out come from the base it patches.
            if patches and source_abspath(source) in patches:
                findings = [f for f in findings if f.data.get("check") != "schema:required"]
            yield from findings
    # Unlike the rest, whether an apiVersion is served depends on the cluster version: not memoised on the file.
    loaders = _unserved_loaders(ctx) if ctx.workspace.unserved else set()
    judged = once_served_objects(ctx) if ctx.workspace.unserved else set()
    for obj in ctx.workspace.unserved:
        if ctx.reports(obj.path):
            finding = unserved_finding(obj, ctx.workspace.kubernetes_version, id(obj) in loaders, id(obj) in judged)
            if finding is not None:
                yield finding


# ---------------------------------------------------------------------------------------------- KS604

ENDPOINTSLICE_RULE = '{apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"]}'
# Meta labels of role endpoints and their role endpointslice equivalents (prometheus discovery/kubernetes
# endpoints.go / endpointslice.go). Prefix entries end with "_".
# The Endpoints object is named after its Service, but an EndpointSlice is generateName'd `<service>-<suffix>`
# (EndpointSlice controller), so __meta_kubernetes_endpointslice_name never equals what a rule compared
# __meta_kubernetes_endpoints_name with (`regex: node-exporter` would keep zero targets). The same value under
# role endpointslice is the Service's name, which both roles set from the Service (addServiceLabels).
ENDPOINT_LABELS = {
    "__meta_kubernetes_endpoints_name": "__meta_kubernetes_service_name",
    "__meta_kubernetes_endpoints_label_": "__meta_kubernetes_endpointslice_label_",
    "__meta_kubernetes_endpoints_labelpresent_": "__meta_kubernetes_endpointslice_labelpresent_",
    "__meta_kubernetes_endpoints_annotation_": "__meta_kubernetes_endpointslice_annotation_",
    "__meta_kubernetes_endpoints_annotationpresent_": "__meta_kubernetes_endpointslice_annotationpresent_",
    "__meta_kubernetes_endpoint_hostname": "__meta_kubernetes_endpointslice_endpoint_hostname",
    "__meta_kubernetes_endpoint_node_name": "__meta_kubernetes_endpointslice_endpoint_node_name",
    "__meta_kubernetes_endpoint_ready": "__meta_kubernetes_endpointslice_endpoint_conditions_ready",
    "__meta_kubernetes_endpoint_port_name": "__meta_kubernetes_endpointslice_port_name",
    "__meta_kubernetes_endpoint_port_protocol": "__meta_kubernetes_endpointslice_port_protocol",
    "__meta_kubernetes_endpoint_port_app_protocol": "__meta_kubernetes_endpointslice_port_app_protocol",
    "__meta_kubernetes_endpoint_address_target_kind": "__meta_kubernetes_endpointslice_address_target_kind",
    "__meta_kubernetes_endpoint_address_target_name": "__meta_kubernetes_endpointslice_address_target_name",
}


def _deprecated_since() -> tuple[int, int]:
    text = str(rule_params("KS604").get("deprecated_since", "1.33"))
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


def _renames(nodes: list[Any]) -> dict[str, str]:
    """Endpoints meta labels a job's relabel rules use, with the names they have under role endpointslice."""
    found: dict[str, str] = {}
    for node in nodes:
        for text in walk_strings(node):
            if "__meta_kubernetes_endpoint" not in text:
                continue
            for old, new in ENDPOINT_LABELS.items():
                index = text.find(old)
                if index < 0:
                    continue
                if old.endswith("_"):
                    end = index + len(old)
                    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
                        end += 1
                    found[text[index:end]] = new + text[index + len(old):end]
                else:
                    after = text[index + len(old):index + len(old) + 1]
                    if not (after.isalnum() or after == "_"):
                        found[old] = new
    return found


def _role_unknown(job: Any) -> bool:
    """A ServiceMonitor no Prometheus/PrometheusAgent in the inputs selects, whose own spec names no
    serviceDiscoveryRole: the role is the selecting Prometheus' (promcfg.go), unknown here, so `endpoints` is only
    this tool's stand-in and no deprecation can be claimed (KS100 says why the monitor is left out)."""
    monitor = getattr(job, "monitor", None)
    return (job.source_kind == "servicemonitor" and job.config.runner is None and monitor is not None
            and monitor.kind == "ServiceMonitor" and get_path(monitor.doc, "spec", "serviceDiscoveryRole") is None)


def endpointslice_successors(analysis: Any, version: tuple[int, int]) -> list:
    """The list and watch on EndpointSlices that KS604's fix moves a job's deprecated `role: endpoints` discovery to,
    in the namespaces it discovers: a grant of them prepares that switch, so KS203 must not advise removing what
    KS604 asks to keep. Empty when KS604 stays silent on the job (version before the deprecation, a monitor whose
    role is the unknown Prometheus', discovery made with other credentials)."""
    from ..rbac import Request

    if version < _deprecated_since() or _role_unknown(analysis.job):
        return []
    return [Request(verb, "discovery.k8s.io", "endpointslices", namespace=ns)
            for sd in analysis.job.sd_configs if as_str(sd.node.get("role")) == "endpoints" and not sd.off_identity
            for ns in (sd.namespaces or [None]) for verb in ("list", "watch")]


def endpoints_fallback_successors(ctx: Context, analysis: Any) -> list:
    """The list and watch on Endpoints that KS601's other fix moves a job to when the Prometheus loading its plain
    config predates role endpointslice (2.21.0: the config does not load; "or use `role: endpoints`"), in the
    namespaces it discovers: KS203 must not advise removing a grant that fix needs."""
    from ..rbac import Request

    roles = [sd for sd in analysis.job.sd_configs if as_str(sd.node.get("role")) == "endpointslice" and not sd.off_identity]
    if not roles or _loader_without_endpointslice(ctx, analysis.job) is None:
        return []
    return [Request(verb, "", "endpoints", namespace=ns) for sd in roles for ns in (sd.namespaces or [None])
            for verb in ("list", "watch")]


@check("KS604")
def deprecated_endpoints_role(ctx: Context) -> Iterator[Finding]:
    assumptions = ctx.analysis.assumptions
    # Discovery of another cluster (kubeconfig_file, a remote api_server) is left out: the assumed version is the
    # linted cluster's, and whether that one has deprecated Endpoints is not known.
    candidates = [
        (analysis, sd) for analysis in _endpoints_role_jobs(ctx) if not analysis.job.rejected for sd in analysis.job.sd_configs
        if as_str(sd.node.get("role")) == "endpoints" and not _role_unknown(analysis.job) and not sd.other_cluster
    ]
    if not candidates:
        return
    since = _deprecated_since()
    if assumptions.version < since:
        return
    version_text = (f"core v1 Endpoints is deprecated since Kubernetes {since[0]}.{since[1]} (assumed cluster version "
                    f"{assumptions.kubernetes_version}): each list and watch returns a deprecation warning, and the API is being replaced by EndpointSlice")
    from ..rbac import Request
    from .access import intended_account, misspelt_account_key

    authorizer = ctx.analysis.authorizer
    # One group per monitor endpoint and per resource running it: a ServiceMonitor selected by a Prometheus and a
    # PrometheusAgent gets role endpoints from each one's missing serviceDiscoveryRole, two causes with two fixes
    # (before, the agent's jobs hid in the Prometheus' finding and its KS604 showed only after that fix).
    by_span: dict = {}
    for analysis, sd in candidates:
        by_span.setdefault((sd.role_span, _runner_key(_monitor_runner(analysis))), []).append((analysis, sd))
    by_runner: dict = {}  # runner → [(finding, monitor, renames, granted)] of monitors whose role is the runner's
    for (span, _runner), group in by_span.items():
        analysis, sd = group[0]
        job = analysis.job
        monitor = getattr(job, "monitor", None)
        if monitor is not None:  # operator jobs: only what the user wrote in the monitor can need renaming
            renames = _renames([monitor.doc.get("spec")])
        else:
            renames = _renames(job.relabel_nodes + [r for r in as_seq(job.node.get("metric_relabel_configs")) if isinstance(r, YMap)])
        rename_text = ("; in the relabel rules rename " + ", ".join(f"{old} → {new}" for old, new in sorted(renames.items()))
                       if renames else "")
        grant = ""
        identity = analysis.identity
        # Every ServiceAccount that runs the job (a config loaded by two workloads: Resolution.each), each judged
        # on its own grants: naming only the first would say "already holds it" of an account beside one lacking it.
        # A scraper that runs as `default` only because it names no account: the grant goes to the account the
        # inputs made for it, as the access fixes say (access.intended_account), not to every pod's `default`.
        intended = {a.identity: named for a, _sd in group if a.identity is not None
                    and (named := intended_account(a, ctx)) is not None}
        # KS101's edit of the account, the same words: beside a misspelt key, "set" and KS602's rename wrote it twice
        misspelt = {a.identity: key for a, _sd in group if a.identity in intended
                    and (key := misspelt_account_key(a)) is not None}
        identities = list(dict.fromkeys(intended.get(a.identity, a.identity) for a, _sd in group
                                        if a.identity is not None))
        if identities and not sd.off_identity:
            namespaces = sd.namespaces or [None]
            holds = {ident: all(
                authorizer.authorize(ident, Request(verb, "discovery.k8s.io", "endpointslices", namespace=ns)).allowed
                for ns in namespaces for verb in ("list", "watch")) for ident in identities}
            granted = all(holds.values())
            lacking = [str(i) for i in identities if not holds[i]]
            holding = [str(i) for i in identities if holds[i]]
            parts = ([f"to {' and '.join(lacking)}, which lack{'s' if len(lacking) == 1 else ''} it"] if lacking else [])
            parts += [f"{' and '.join(holding)} already hold{'s' if len(holding) == 1 else ''} it"] if holding else []
            named = "".join(f"; the ServiceAccount the inputs made for the scraper, which runs as {ident}: "
                            + (f"write `serviceAccountName: {account.name}` in place of `{misspelt[ident]}`"
                               if ident in misspelt else f"set `serviceAccountName: {account.name}`")
                            for ident, account in intended.items())
            grant = f" ({'; '.join(parts)}{named})"
            leftover = "".join(dict.fromkeys(_endpoints_leftover(authorizer, ident, namespaces) for ident in identities))
        else:
            granted = None
            leftover = named = ""
        switch = _switch_text(job)
        names = list(dict.fromkeys(a.job.label for a, _ in group))
        subject = names[0] if len(names) == 1 else f"{names[0]} (and {len(names) - 1} more job{'s' if len(names) > 2 else ''} of the same monitor)"
        related = ()
        runner = _monitor_runner(analysis)
        too_old = _version_without_endpointslice(runner)
        if too_old is not None:
            switch = _upgrade_text(runner, too_old, monitor)
            related = (Related(at(runner.path, as_map(runner.doc.get("spec")).value_pos("version")),
                               f"{runner.kind} {runner.namespace}/{runner.name} runs Prometheus {too_old}: before 2.21.0 "
                               "the operator writes role: endpoints whatever serviceDiscoveryRole says"),)
        elif _own_endpoints_role(monitor) is not None:
            span, switch, related = _own_role_override(monitor, runner)
        elif (release := _loader_without_endpointslice(ctx, job)) is not None:
            # `role: endpointslice` alone would make this release refuse the whole config (KS601)
            switch = (f"Run Prometheus 2.21.0 or later instead of {release.image_text} ({release.loader}: before 2.21.0 "
                      f"Prometheus does not know role endpointslice), and {_lower_first(switch)}")
        elif runner is not None:
            related = (Related(runner.key_span("spec"), f"{runner.kind} {runner.namespace}/{runner.name} has no "
                               "serviceDiscoveryRole: EndpointSlice, so its ServiceMonitors get role: endpoints"),)
        finding = Finding(
            "KS604", span,
            f"{subject} discovers targets with role: endpoints; {version_text}",
            fix=f"{switch}{rename_text}; and grant list and watch on endpointslices{grant}: {ENDPOINTSLICE_RULE}.{leftover}",
            related=related, object=job.label,
            data={"role": "endpoints", "kubernetes_version": assumptions.kubernetes_version, "renames": renames,
                  "jobs": [a.job.name for a, _ in group]},
        )
        if runner is not None and _own_endpoints_role(monitor) is None:
            by_runner.setdefault(_runner_key(runner), []).append((finding, runner, monitor, renames, granted,
                                                         intended.get(identity, identity), leftover, named, too_old))
        else:
            yield finding
    # A monitor that several resources run would get the same finding text once per resource at the same place
    # (one kept, the others' fixes lost): each resource's finding then sits on that resource, as for many monitors.
    runners_of: dict = {}
    for span, runner in by_span:
        runners_of.setdefault(span, set()).add(runner)
    for entries in by_runner.values():
        shared = any(len(runners_of[f.span]) > 1 for f, *_ in entries)
        yield entries[0][0] if len(entries) == 1 and not shared else _one_per_runner(entries, version_text)


def _endpoints_leftover(authorizer: Any, identity: Any, namespaces: list) -> str:
    """Role endpointslice lists and watches endpointslices, services and pods, never endpoints (prometheus
    discovery/kubernetes/endpointslice.go): once the switch is made, a list/watch on endpoints held for this
    discovery is an unused grant (KS203 on the next run) — say so, so the fix does not leave it behind."""
    from ..rbac import Request

    held = all(authorizer.authorize(identity, Request(verb, "", "endpoints", namespace=ns)).allowed
               for ns in namespaces for verb in ("list", "watch"))
    if held:
        return (f" Once no job of {identity} discovers with role: endpoints, drop \"endpoints\" from the role that "
                f"grants it list and watch (unused then, KS203), unless something else running as {identity} reads it.")
    # Lacking it, KS101 asks to grant list and watch on endpoints for this job: applied beside this switch, that
    # grant was unused at once (KS203 on the next run). The switch makes it unneeded: say to grant this instead.
    return (f" This replaces KS101's list and watch on endpoints for {identity}: role endpointslice never reads "
            f"Endpoints, so do not add that grant (it would be unused, KS203).")


def _endpoints_role_jobs(ctx: Context) -> list:
    """The jobs whose KS604 a run reports: those in reported files, and every ServiceMonitor job of a Prometheus
    that one of them runs under or that a reported file defines. The monitors of one Prometheus are reported
    together on it (_one_per_runner), so a run reporting one file needs its other monitors to say the same, and
    the jobs other runners make of those monitors (whether a finding moves onto each runner); the rest stay out
    (the language server re-lints a file at a time; computing every job's took 6 ms of a re-lint)."""
    jobs = ctx.analysis.jobs
    if ctx.report_paths is None:
        return jobs
    reported = ctx.reported_jobs()
    runners = {id(runner) for analysis in jobs if (runner := _monitor_runner(analysis)) is not None
               and ctx.reports(runner.path)}
    runners.update(id(runner) for analysis in reported if (runner := _monitor_runner(analysis)) is not None)
    shown = {id(analysis) for analysis in reported}
    chosen = [analysis for analysis in jobs if id(analysis) in shown or id(_monitor_runner(analysis)) in runners]
    # and the jobs other runners make of the same monitors: whether a monitor's finding moves onto each runner
    # (several run it) is decided by all of them, also when those runners' files are not reported
    monitors = {id(monitor) for analysis in chosen if (monitor := getattr(analysis.job, "monitor", None)) is not None}
    picked = {id(analysis) for analysis in chosen}
    return [analysis for analysis in jobs if id(analysis) in picked
            or id(getattr(analysis.job, "monitor", None)) in monitors]


def _monitor_runner(analysis: Any) -> Any:
    """The Prometheus/PrometheusAgent whose serviceDiscoveryRole a ServiceMonitor job follows. A VMServiceScrape's
    role is its own spec.discoveryRole alone (VictoriaMetrics servicescrape.go), whatever its VMAgent says."""
    job = analysis.job
    monitor = getattr(job, "monitor", None)
    if job.source_kind != "servicemonitor" or (monitor is not None and monitor.kind != "ServiceMonitor"):
        return None
    return job.config.runner


def _runner_key(runner: Any) -> tuple | None:
    """A Prometheus/PrometheusAgent by kind and name: two definitions of one (KS006, files applied in turn) are one
    resource in the cluster, so their monitors are reported together."""
    return None if runner is None else (runner.kind, runner.namespace, runner.name)


def _one_per_runner(entries: list, version_text: str) -> Finding:
    """One KS604 for the ServiceMonitors that get role: endpoints only because the Prometheus/PrometheusAgent
    selecting them has no serviceDiscoveryRole: EndpointSlice (promcfg.go: the monitor's own role, else the
    resource's). One field on that resource is the cause and its one fix, so a Prometheus selecting a dozen
    monitors gets one finding there, with each monitor as a related location, not a dozen copies of it."""
    first, runner, identity = entries[0][0], entries[0][1], entries[0][5]
    where = f"{runner.kind} {runner.namespace}/{runner.name}"
    monitors = [f"{m.kind} {m.namespace}/{m.name}" for _, _, m, *_ in entries]
    # Two definitions of one monitor (KS006, files applied in turn) are one ServiceMonitor in the cluster.
    counts = {name: monitors.count(name) for name in monitors}
    distinct = [name + (f" (defined {counts[name]} times)" if counts[name] > 1 else "") for name in counts]
    shown = ", ".join(distinct[:3]) + (f" and {len(distinct) - 3} more" if len(distinct) > 3 else "")
    renames = [(f"{old} → {new}", f"{m.kind} {m.namespace}/{m.name}") for _, _, m, found, *_ in entries
               for old, new in sorted(found.items())]
    rename_text = ("; in the relabel rules rename " + ", ".join(f"{r} ({m})" for r, m in renames)) if renames else ""
    held = [entry[4] for entry in entries if entry[4] is not None]
    grant = ""
    if held:
        grant = f" ({identity} already holds it" if all(held) else f" (to {identity}, which lacks it"
        grant += f"{entries[0][7]})"
    jobs = [job for f, *_ in entries for job in f.data["jobs"]]
    # A Prometheus too old for EndpointSlice discovery: its version is the one cause, and the fix starts there.
    too_old = entries[0][8]
    switch = (_upgrade_text(runner, too_old, None) if too_old is not None
              else f"Add `serviceDiscoveryRole: EndpointSlice` to the spec of the {where}")
    cause = (f"runs Prometheus {too_old}, for which the operator writes role: endpoints" if too_old is not None
             else "has no serviceDiscoveryRole: EndpointSlice")
    span = (at(runner.path, as_map(runner.doc.get("spec")).value_pos("version")) if too_old is not None
            else runner.key_span("spec"))
    return Finding(
        "KS604", span,
        f"{where} {cause}, so {_monitors_count(len(distinct))} it selects "
        f"({shown}) discover{'s' if len(distinct) == 1 else ''} targets with role: endpoints; {version_text}",
        fix=(f"{switch}{rename_text}; and grant list and "
             f"watch on endpointslices{grant}: {ENDPOINTSLICE_RULE}.{next((e[6] for e in entries if e[6]), '')}"),
        # (Each job once: the definitions of one Prometheus (KS006) each run the monitor's job under the same name.)
        related=tuple(Related(f.span, f"{name} discovers with role: endpoints ({', '.join(dict.fromkeys(f.data['jobs']))})")
                      for (f, *_), name in zip(entries, monitors)),
        object=first.object,
        data={**first.data, "jobs": jobs, "renames": {old: new for entry in entries for old, new in entry[3].items()}},
    )


def _monitors_count(count: int) -> str:
    return "the ServiceMonitor" if count == 1 else f"the {count} ServiceMonitors"


def _version_without_endpointslice(runner: Any) -> str | None:
    """The spec.version of a Prometheus/PrometheusAgent too old for EndpointSlice discovery, which the operator
    then never generates (promcfg.go endpointRoleFlavor: serviceDiscoveryRole counts only from 2.21.0), or None."""
    if runner is None:
        return None
    from ..operator import RunnerView

    return None if RunnerView.of(runner).endpointslice_supported else as_str(get_path(runner.doc, "spec", "version"))


def _loader_without_endpointslice(ctx: Context, job: Any) -> Any:
    """The PromRelease of a pod loading the plain config of `job` that does not know role endpointslice yet (its
    image's tag before 2.21.0), or None."""
    if job.source_kind not in ("config", "configmap"):
        return None
    from ..promvalidate import ROLES_ADDED_IN_2

    added = ROLES_ADDED_IN_2["endpointslice"]
    return next((release for pod in _loading_pods(ctx, job.config)
                 if (release := _pod_release(ctx, pod)) is not None and release.version < added), None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upgrade_text(runner: Any, version: str, monitor: Any) -> str:
    asked = any(as_str(get_path(obj.doc, "spec", "serviceDiscoveryRole")).lower() == "endpointslice"
                for obj in (runner, monitor) if obj is not None)
    role = "" if asked else " and add `serviceDiscoveryRole: EndpointSlice` to its spec"
    return (f"Set `version` of the {runner.kind} {runner.namespace}/{runner.name} to v2.21.0 or later (it is {version}, "
            f"for which the operator writes role: endpoints){role}")


def _own_endpoints_role(monitor: Any) -> Any:
    """The ServiceMonitor's own `serviceDiscoveryRole` node when it asks for Endpoints: it wins over the Prometheus
    resource's (promcfg.go generateServiceMonitorConfig), so it is what causes the endpoints role."""
    if monitor is None or monitor.kind != "ServiceMonitor":
        return None
    spec = as_map(monitor.doc.get("spec"))
    role = spec.get("serviceDiscoveryRole")
    return spec if isinstance(spec, YMap) and isinstance(role, str) and role.lower() == "endpoints" else None


def _own_role_override(monitor: Any, runner: Any) -> tuple[Any, str, tuple]:
    """Finding span, fix and related location when the ServiceMonitor itself sets serviceDiscoveryRole: Endpoints:
    the finding sits on that value, and the fix changes it there (adding EndpointSlice to the Prometheus would not)."""
    spec = _own_endpoints_role(monitor)
    span = at(monitor.path, spec.value_pos("serviceDiscoveryRole"))
    related: tuple = ()
    runner_spec = as_map(runner.doc.get("spec")) if runner is not None else {}
    if isinstance(runner_spec, YMap) and as_str(runner_spec.get("serviceDiscoveryRole")).lower() == "endpointslice":
        related = (Related(at(runner.path, runner_spec.value_pos("serviceDiscoveryRole")),
                           f"{runner.kind} {runner.namespace}/{runner.name} asks for EndpointSlice, but the "
                           "ServiceMonitor's own serviceDiscoveryRole wins"),)
    return span, "Set `serviceDiscoveryRole: EndpointSlice` in this ServiceMonitor (its own role wins over the Prometheus resource's)", related


def _switch_text(job: Any) -> str:
    kind = job.source_kind
    monitor = getattr(job, "monitor", None)
    if monitor is not None and monitor.kind == "VMServiceScrape":
        # (the operator's VM_VMSERVICESCRAPEDEFAULT_ENFORCEENDPOINTSLICES defaults every VMServiceScrape that names
        # no discoveryRole to endpointslice: config.go addVMServiceScrapeDefaults — one switch for all of them)
        return (f"Add `discoveryRole: endpointslices` to the spec of VMServiceScrape {monitor.namespace}/"
                f"{monitor.name} (or set VM_VMSERVICESCRAPEDEFAULT_ENFORCEENDPOINTSLICES=true in the VictoriaMetrics "
                f"operator's environment, which does so for every VMServiceScrape naming no discoveryRole)")
    if kind == "servicemonitor":
        runner = job.config.runner
        where = f"the {runner.kind} {runner.namespace}/{runner.name}" if runner is not None else "the Prometheus resource"
        return f"Add `serviceDiscoveryRole: EndpointSlice` to the spec of {where} (or of this ServiceMonitor)"
    if kind == "scrapeconfig":
        return "Write `role: EndpointSlice` in kubernetesSDConfigs"
    return "Write `role: endpointslice`"


# ---------------------------------------------------------------------------------------------- KS605

_META_PREFIX = "__meta_kubernetes_"
# Families whose labels no role sets without being asked: a token outside every role's list (a newer role's
# gateway_*, a typo) is not judged, only the names of another role's labels are.
_KNOWN_FAMILIES = frozenset({"node", "pod", "service", "endpoints", "endpoint", "endpointslice", "ingress", "namespace",
                             "namespace_metadata"})


def _meta_family(label: str) -> str | None:
    """targets.label_family, for the families judged here."""
    from ..targets import label_family

    family = label_family(label)
    return family if family in _KNOWN_FAMILIES else None


def _offered(family: str) -> str:
    """How a fix names a family's labels."""
    if family == "namespace":
        return _META_PREFIX + family
    if family == "namespace_metadata":
        return f"{_META_PREFIX}namespace_label_*"
    return f"{_META_PREFIX}{family}_*"


def _families_set(job: Any) -> tuple[set[str], list[str]] | None:
    """The label families the job's SD configs put on its targets, and its roles; None when one role is not in
    the table (its labels are not known here) or the job has no Kubernetes discovery."""
    from ..targets import meta_families

    families: set[str] = set()
    roles: list[str] = []
    for sd in job.sd_configs:
        own = meta_families(sd.role, sd.attach_node, sd.attach_namespace)
        if own is None:
            return None
        families.update(own)
        roles.append(sd.role)
    return (families, list(dict.fromkeys(roles))) if roles else None


def _same_value_under(label: str, roles: list[str]) -> str | None:
    """The label that carries the same value under the job's role: endpoints ↔ endpointslice names (KS604's
    table, read both ways), else None."""
    if roles == ["endpointslice"]:
        table = ENDPOINT_LABELS
    elif roles == ["endpoints"]:
        table = {new: old for old, new in ENDPOINT_LABELS.items() if not new.startswith("__meta_kubernetes_service")}
    else:
        return None
    for old, new in table.items():
        if old.endswith("_") and label.startswith(old):
            return new + label[len(old):]
        if label == old:
            return new
    return None


def _effect(rule_node: YMap, label: str, job_label: str, kept_any: bool) -> str:
    """What an always-empty source label does to this rule. A `keep` drops every target when its anchored regex
    cannot match the joined values (Prometheus relabel.go): certain for a lone source label whose regex does not
    match "", and what the simulated cluster shows when the job keeps none of its targets."""
    from ..relabel import RelabelError, RelabelRule, relabel

    try:
        rule = RelabelRule.from_mapping(rule_node)
    except (RelabelError, TypeError, ValueError):
        return "the rule sees an empty value in its place"
    if rule.action == "drop" and len(rule.source_labels) == 1 and relabel({}, [rule]) is not None:
        return "this drop rule never drops a target"
    if rule.action != "keep":
        return "the rule sees an empty value in its place"
    if (len(rule.source_labels) == 1 and relabel({}, [rule]) is None) or not kept_any:
        return f"this keep rule drops every target, so {job_label} scrapes nothing"
    return "this keep rule compares an empty value in its place"


def _attach_fix(ctx: Context, job: Any, field: str, resource: str, otherwise: str) -> str:
    add = (f"add `attach_metadata: {{{field}: true}}` to the SD config (and grant list, watch on {resource}), or "
           f"{otherwise[0].lower()}{otherwise[1:]}")
    upgrade = _attach_upgrade(ctx, job, field)
    return upgrade + add if upgrade else add[0].upper() + add[1:]


def _attach_upgrade(ctx: Context, job: Any, field: str) -> str:
    """What must come before adding attach_metadata.<field>: a newer Prometheus, when a pod loading the config runs
    a release that does not know the field yet (`namespace` from 3.6.0, the mapping itself with `node` from 2.35.0)
    and would refuse the config the fix writes (KS601); else ""."""
    from ..promvalidate import ADDED_IN_2, ADDED_IN_3

    added = ADDED_IN_3["attachMetadata"].get(field) or ADDED_IN_2["kubernetesSDConfig"]["attach_metadata"]
    for pod in _loading_pods(ctx, job.config):
        release = _pod_release(ctx, pod)
        if release is not None and release.version < added:
            since = ".".join(str(part) for part in added)
            return (f"Run Prometheus {since} or later instead of {release.image_text} ({release.loader}: Prometheus "
                    f"{release.text} does not know attach_metadata.{field} and refuses a config with it, KS601), then ")
    return ""


@check("KS605")
def meta_label_not_set_by_role(ctx: Context) -> Iterator[Finding]:
    for analysis in ctx.reported_jobs():
        job = analysis.job
        if job.source_kind not in ("config", "configmap") or getattr(job, "monitor", None) is not None:
            continue  # operator-generated rules use the role's own labels
        known = _families_set(job)
        if known is None:
            continue
        families, roles = known
        written: set[str] = set()  # labels an earlier rule sets itself (target_label) are not the role's to set
        for index, rule_node in enumerate(job.relabel_nodes):
            sources = rule_node.get("source_labels")
            for position, value in enumerate(as_seq(sources)):
                label = as_str(value)
                family = _meta_family(label)
                if family is None or family in families or label in written:
                    continue
                role_text = " and ".join(f"role {role}" for role in roles)
                same = _same_value_under(label, roles)
                hint = f" (it sets {same})" if same else ""
                offered = ", ".join(_offered(f) for f in sorted(families))
                fix = (f"Read {same} instead of {label}." if same else
                       f"Read a label {role_text} sets ({offered}), or discover with the role whose label this is.")
                if family == "node" and any(role in ("pod", "endpoints", "endpointslice") for role in roles) and not same:
                    fix = _attach_fix(ctx, job, "node", "nodes", fix)
                if family == "namespace_metadata" and any(role != "node" for role in roles):
                    fix = _attach_fix(ctx, job, "namespace", "namespaces", fix)
                yield Finding(
                    "KS605", at(job.path, sources.item_pos(position) if isinstance(sources, YSeq) else rule_node.pos),
                    f"{job.label} relabel_configs[{index}] reads {label}, which {role_text} never sets{hint}: "
                    f"it is empty on every target, and {_effect(rule_node, label, job.label, bool(analysis.endpoints))}",
                    fix=fix, object=job.label,
                    data={"label": label, "roles": roles, "replacement": same},
                )
            target = as_str(rule_node.get("target_label"))
            if target:
                written.add(target)
