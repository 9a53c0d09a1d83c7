"""Prometheus Operator resources → the same ScrapeJobs a plain config produces (FACTS §6).

The operator (pkg/prometheus/promcfg.go) turns each ServiceMonitor/PodMonitor/Probe endpoint and each
ScrapeConfig into a scrape job for every Prometheus/PrometheusAgent that selects it. We build that job as a
Prometheus-shaped YAML tree whose nodes carry the positions of the monitor fields they come from, and hand it
to promconfig.build_job — so every rule and the JSON `jobs` array treat operator jobs like plain ones.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from typing import Any

from .authproxy import checks_path, is_rbac_proxy, proxy_labels
from .extapi import server_labels, undeclared_server
from .findings import Finding
from .load import Limits, parse_text
from .model import GO_TRUE, K8sObject, LabelSelector, PodTemplate, Workspace, flag_values, go_flag
from .operatorfields import misspelling_of
from .promconfig import FROM_SECRET, PromConfig, ScrapeJob, build_job, keep_written_strings
from .records import dataclass
from .targets import sanitize
from .yamltree import Pos, Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path, key_span

OPERATOR_GROUP = "monitoring.coreos.com/"
RUNNER_KINDS = ("Prometheus", "PrometheusAgent")
# monitor kind → (selector field, namespace selector field, JSON report source)
MONITOR_KINDS = {
    "ServiceMonitor": ("serviceMonitorSelector", "serviceMonitorNamespaceSelector", "servicemonitor"),
    "PodMonitor": ("podMonitorSelector", "podMonitorNamespaceSelector", "podmonitor"),
    "Probe": ("probeSelector", "probeNamespaceSelector", "probe"),
    "ScrapeConfig": ("scrapeConfigSelector", "scrapeConfigNamespaceSelector", "scrapeconfig"),
}
# camelCase relabeling fields of the CRDs → Prometheus config keys
RELABEL_KEYS = {
    "sourceLabels": "source_labels", "separator": "separator", "targetLabel": "target_label", "regex": "regex",
    "modulus": "modulus", "replacement": "replacement", "action": "action",
}
TLS_KEYS = {"caFile": "ca_file", "certFile": "cert_file", "keyFile": "key_file", "serverName": "server_name",
            "insecureSkipVerify": "insecure_skip_verify"}


# The Prometheus Operator's image. Its --namespaces (allow list) and --deny-namespaces flags scope the informers
# of ServiceMonitors, PodMonitors, Probes and ScrapeConfigs (cmd/operator/main.go; pkg/prometheus/server/operator.go
# builds them on config.Namespaces.AllowList/DenyList): a monitor elsewhere is never seen, so no job of it runs —
# the namespaced installs of kube-prometheus-stack (prometheusOperator.namespaces) rely on that. Rancher monitoring
# runs the same binary from its mirror, rancher/mirrored-prometheus-operator-prometheus-operator (its chart's
# prometheusOperator.image), whose tag is the upstream release.
PROMETHEUS_OPERATOR_IMAGE = re.compile(
    r"(^|/)((prometheus-operator|coreos|bitnami)/prometheus-operator|mirrored-prometheus-operator-prometheus-operator)"
    r"([:@]|$)")


def is_prometheus_operator(container: Any) -> bool:
    """A prometheus-operator container: by its image, or — where the manifest leaves the image to be filled in
    (OpenShift's cluster-monitoring-operator writes `image: ""` and sets it at runtime), so no image can tell — by its
    name `prometheus-operator` or the --prometheus-config-reloader flag only that operator takes
    (cmd/operator/main.go)."""
    if PROMETHEUS_OPERATOR_IMAGE.search(container.image):
        return True
    if container.image.strip() and "{{" not in container.image and "${" not in container.image:
        return False
    return container.name == "prometheus-operator" or go_flag(container.command + container.args,
                                                              "prometheus-config-reloader") is not None


def _flag_list(words: list[str], flag: str) -> set[str]:
    """A Go flag (`-flag` or `--flag`, `=value` or next word) holding comma-separated names, over all its uses."""
    values = [*flag_values(words, "--" + flag), *flag_values(words, "-" + flag)]
    return {name.strip() for value in values for name in value.split(",") if name.strip()}


@dataclass(frozen=True)
class OperatorScope:
    """Where the Prometheus Operator(s) of the inputs watch monitors: `allow` (None: every namespace) minus `deny`;
    `flags` names the setting for messages. `runners` is where they watch Prometheus and PrometheusAgent objects
    (None: every namespace but `deny`): --prometheus-instance-namespaces, else the --namespaces allow list
    (cmd/operator/main.go: PrometheusAllowList defaults to AllowList; the Prometheus informers take it with the
    DenyList, pkg/prometheus/server/operator.go). A runner elsewhere is never reconciled: no pod, no job."""

    allow: frozenset[str] | None
    deny: frozenset[str]
    flags: str
    runners: frozenset[str] | None = None
    runner_flags: str = ""

    def watches(self, namespace: str) -> bool:
        return (self.allow is None or namespace in self.allow) and namespace not in self.deny

    def reconciles(self, namespace: str) -> bool:
        return namespace in self.runners if self.runners is not None else namespace not in self.deny


def operator_scope(workspace: Workspace) -> OperatorScope | None:
    """The namespaces the Prometheus Operator watches monitors (and Prometheus objects) in, when every operator
    Deployment of the inputs is limited by --namespaces (their union), --prometheus-instance-namespaces or the one
    operator by --deny-namespaces. None (no limit known) when no operator is in the inputs — it may run anywhere,
    watching everything — or one of them watches every namespace. Computed once per workspace."""
    def build() -> tuple[OperatorScope | None]:
        scopes = []
        for template in workspace.workloads:
            for container in template.containers:
                if is_prometheus_operator(container):
                    words = container.command + container.args
                    allow = _flag_list(words, "namespaces")
                    instances = _flag_list(words, "prometheus-instance-namespaces")
                    scopes.append((allow, _flag_list(words, "deny-namespaces"), instances or allow,
                                   "--prometheus-instance-namespaces" if instances else "--namespaces",
                                   f"{template.obj.kind} {template.obj.namespace}/{template.obj.name}"))
        if not scopes:
            return (None,)
        # Where Prometheus objects are reconciled: the union over the operators, unlimited if one watches all.
        runners = (None if any(not r for _a, _d, r, _f, _w in scopes)
                   else frozenset().union(*(r for _a, _d, r, _f, _w in scopes)))
        runner_flags = " and ".join(sorted({f"{f} of the Prometheus Operator {w}" for _a, _d, r, f, w in scopes if r}))
        if any(not allow and not deny for allow, deny, _r, _f, _where in scopes):
            scope = None
        elif len(scopes) == 1:
            allow, deny, _r, _f, where = scopes[0]
            flag = "--namespaces" if allow else "--deny-namespaces"
            scope = OperatorScope(frozenset(allow) or None, frozenset(deny), f"{flag} of the Prometheus Operator {where}")
        elif any(deny for _allow, deny, _r, _f, _where in scopes):
            return (None,)  # operators that disagree on what they leave out: not decided here
        else:
            allow = frozenset().union(*(a for a, _d, _r, _f, _w in scopes))
            scope = OperatorScope(allow, frozenset(), "--namespaces of the Prometheus Operators "
                                  + ", ".join(w for _a, _d, _r, _f, w in scopes))
        if runners is None and scope is None:
            return (None,)
        scope = scope or OperatorScope(None, frozenset(), "")
        return (OperatorScope(scope.allow, scope.deny, scope.flags, runners, runner_flags),)

    return workspace.index("prometheus-operator-scope", build)[0]


def _unwatched(scope: OperatorScope | None, monitor: K8sObject) -> str:
    """Why no operator sees the monitor, or "" when one may."""
    if scope is None or scope.watches(monitor.namespace):
        return ""
    shown = (f"watches only namespace{'s' if len(scope.allow) > 1 else ''} {', '.join(sorted(scope.allow))}"
             if scope.allow is not None and monitor.namespace not in scope.allow
             else f"does not watch namespace {monitor.namespace}")
    return f"the {scope.flags} {shown}, so it never sees {monitor.kind} {monitor.namespace}/{monitor.name}"


def _unreconciled(workspace: Workspace) -> list[K8sObject]:
    """The Prometheus and PrometheusAgent objects of the inputs that no operator of the inputs reconciles (found once:
    every monitor no runner selects asks, for KS100)."""
    return workspace.index("unreconciled runners", lambda: [
        o for kind in RUNNER_KINDS for o in _operator_objects(workspace, kind) if not reconciled(workspace, o)])


def _runners_not_watching(workspace: Workspace, kind: str, monitor: K8sObject) -> list[K8sObject]:
    """The reconciled runners that select the monitor by its labels and namespace but whose own operators do not
    watch its namespace (another operator of the inputs does, or _unwatched would have said so)."""
    selector_key, ns_key, _source = MONITOR_KINDS[kind]
    found = []
    for runner_kind in RUNNER_KINDS:
        for runner in _operator_objects(workspace, runner_kind):
            spec = as_map(runner.doc.get("spec"))
            if (reconciled(workspace, runner) and _selects(spec.get(selector_key), monitor.labels)
                    and _namespace_selects(workspace, runner, spec.get(ns_key), monitor.namespace)
                    and not watched_by(runner_watches(workspace, runner), monitor.namespace)):
                found.append(runner)
    return found


def _unseen_by_runner(workspace: Workspace, kind: str, monitor: K8sObject) -> str:
    runners = _runners_not_watching(workspace, kind, monitor)
    if not runners:
        return ""
    shown = ", ".join(f"{o.kind} {o.namespace}/{o.name}" for o in runners[:3])
    return (f"the prometheus-operator that runs {shown} does not watch namespace {monitor.namespace}, which its "
            f"--namespaces or --deny-namespaces leave out, so it never sees {kind} {monitor.namespace}/{monitor.name}: "
            f"an operator that watches {monitor.namespace} runs no Prometheus or PrometheusAgent that selects it")


def _shown(objects: list[K8sObject]) -> str:
    return ", ".join(f"{o.kind} {o.namespace}/{o.name}" for o in objects[:3]) + (
        f" and {len(objects) - 3} more" if len(objects) > 3 else "")


def _unreconciled_why(workspace: Workspace, scope: OperatorScope | None, runners: list[K8sObject] | None = None) -> str:
    """KS100's reason naming the runners no operator reconciles (all of them, or `runners`): a monitor they would
    select is never scraped, and their own jobs never run."""
    if runners is None:  # every unselected monitor asks: computed once
        return workspace.index("unreconciled runners why", lambda: _unreconciled_why(workspace, scope, _unreconciled(workspace)))
    if not runners:
        return ""
    elsewhere = [o for o in runners if scope is not None and not scope.reconciles(o.namespace)]
    by_id = [o for o in runners if o not in elsewhere and _id_mismatch(workspace, o)]
    unselected = [o for o in runners if o not in elsewhere and o not in by_id]
    reasons = []
    if elsewhere:
        where = (f"only in namespace{'s' if len(scope.runners) > 1 else ''} {', '.join(sorted(scope.runners))}"
                 if scope.runners is not None else f"in no namespace of {', '.join(sorted(scope.deny))}")
        reasons.append(f"the {scope.runner_flags or scope.flags} reconciles Prometheus and PrometheusAgent objects "
                       f"{where}, so it never runs {_shown(elsewhere)}")
    reasons.extend(_controller_id_why(runner, *_id_mismatch(workspace, runner)) for runner in by_id[:3])
    if unselected:
        reasons.append(f"the labels of {_shown(unselected)} match the --prometheus-instance-selector of no "
                       f"prometheus-operator that watches its namespace, so none runs it")
    return "; ".join(reasons)


def _id_mismatch(workspace: Workspace, runner: K8sObject) -> tuple[str, str] | None:
    """(the operator Deployment, its --controller-id or "") of the first prometheus-operator of the inputs that
    would reconcile `runner` by namespace and labels but not by its controller-id annotation, else None."""
    for template in workspace.workloads:
        for container in template.containers:
            words = container.command + container.args
            if (is_prometheus_operator(container) and _reconciles(words, runner, by_id=False)
                    and not controller_id_matches(words, runner)):
                return (f"{template.obj.kind} {template.obj.namespace}/{template.obj.name}",
                        go_flag(words, "controller-id") or "")
    return None


def _controller_id_why(runner: K8sObject, where: str, controller_id: str) -> str:
    annotation = as_str(runner.annotations.get(CONTROLLER_ID_ANNOTATION))
    name = f"{runner.kind} {runner.namespace}/{runner.name}"
    has = f"{name} is annotated {CONTROLLER_ID_ANNOTATION}: {annotation}" if annotation else f"{name} has no {CONTROLLER_ID_ANNOTATION} annotation"
    if controller_id:
        return (f"the Prometheus Operator {where} runs with --controller-id={controller_id}, so it reconciles only "
                f"objects annotated {CONTROLLER_ID_ANNOTATION}: {controller_id}, and {has}: it never runs it")
    return (f"{has}, which leaves it to an operator started with --controller-id={annotation}; the Prometheus "
            f"Operator {where} has no --controller-id, so it never runs it")


def controller_id_fix(workspace: Workspace, runner: K8sObject) -> str:
    """KS100's fix for a runner whose controller-id annotation the operator that would run it does not match."""
    found = _id_mismatch(workspace, runner)
    if found is None:
        return ""
    where, controller_id = found
    name = f"{runner.kind} {runner.namespace}/{runner.name}"
    annotation = as_str(runner.annotations.get(CONTROLLER_ID_ANNOTATION))
    if controller_id:
        other = (f", or deploy an operator started with --controller-id={annotation} beside it" if annotation else
                 ", or deploy an operator without --controller-id beside it")
        return (f"To have {name} run, annotate it `{CONTROLLER_ID_ANNOTATION}: \"{controller_id}\"` (the "
                f"--controller-id of the Prometheus Operator {where}){other}.")
    return (f"To have {name} run, remove its {CONTROLLER_ID_ANNOTATION} annotation (the Prometheus Operator {where} "
            f"has no --controller-id), or deploy an operator started with --controller-id={annotation} beside it.")


def operator_scope_fix(workspace: Workspace, monitor: K8sObject) -> str:
    """KS100's fix for a monitor no operator watches (_unwatched): widen the operator's scope, or move the monitor;
    for a runner no operator reconciles (_unreconciled): add its namespace to the instance namespaces."""
    scope = operator_scope(workspace)
    if scope is None:
        return _instance_selector_fix(workspace, None, monitor) or _monitor_controller_id_fix(workspace, monitor)
    if not scope.watches(monitor.namespace):
        change = (f"add {monitor.namespace} to the {scope.flags}" if scope.allow is not None and monitor.namespace not in scope.allow
                  else f"remove {monitor.namespace} from the {scope.flags}")
        return (f"To have {monitor.kind} {monitor.namespace}/{monitor.name} scraped, {change} (kube-prometheus-stack: "
                f"prometheusOperator.namespaces / denyNamespaces), or move it to a namespace the operator watches.")
    unseen = _runners_not_watching(workspace, monitor.kind, monitor) if monitor.kind in MONITOR_KINDS else []
    if unseen:
        return (f"To have {monitor.kind} {monitor.namespace}/{monitor.name} scraped by {unseen[0].kind} "
                f"{unseen[0].namespace}/{unseen[0].name}, add {monitor.namespace} to the --namespaces of the "
                f"prometheus-operator that runs it (kube-prometheus-stack: prometheusOperator.namespaces), or move "
                f"the monitor to a namespace that operator watches.")
    runners = [o for o in _unreconciled(workspace) if not scope.reconciles(o.namespace)]
    if not runners:
        return _instance_selector_fix(workspace, scope, monitor) or _monitor_controller_id_fix(workspace, monitor)
    return _instance_namespaces_fix(scope, runners)


def _instance_namespaces_fix(scope: OperatorScope, runners: list[K8sObject]) -> str:
    """KS100's fix for runners in namespaces the operator does not reconcile Prometheus objects in."""
    namespaces = ",".join(sorted({o.namespace for o in runners}))
    flags = scope.runner_flags or scope.flags
    # --namespaces also scopes the monitors; --prometheus-instance-namespaces adds runner namespaces alone.
    instead = ("" if flags.startswith("--prometheus-instance-namespaces") else
               f" (or set --prometheus-instance-namespaces to every namespace holding a Prometheus it runs, "
               f"{namespaces} included)")
    return (f"To have {runners[0].kind} {runners[0].namespace}/{runners[0].name} run, add {namespaces} to the "
            f"{flags}{instead} (kube-prometheus-stack: prometheusOperator.namespaces / "
            f"prometheusOperator.prometheusInstanceNamespaces).")


def _monitor_controller_id_fix(workspace: Workspace, monitor: K8sObject) -> str:
    """controller_id_fix for the unreconciled runner that would select `monitor` (else the first one)."""
    runners = [o for o in _unreconciled(workspace) if _id_mismatch(workspace, o)]
    keys = MONITOR_KINDS.get(monitor.kind)
    runner = next((o for o in runners if keys and _selects(as_map(o.doc.get("spec")).get(keys[0]), monitor.labels)
                   and _namespace_selects(workspace, o, as_map(o.doc.get("spec")).get(keys[1]), monitor.namespace)),
                  runners[0] if runners else None)
    return controller_id_fix(workspace, runner) if runner is not None else ""


def unreconciled_fix(workspace: Workspace, runner: K8sObject) -> str:
    """KS100's fix for a Prometheus or PrometheusAgent no operator of the inputs reconciles (_unreconciled_why)."""
    scope = operator_scope(workspace)
    if scope is not None and not scope.reconciles(runner.namespace):
        return _instance_namespaces_fix(scope, [runner])
    return controller_id_fix(workspace, runner) or _instance_selector_fix(workspace, scope, None, runner)


def _instance_selector_fix(workspace: Workspace, scope: OperatorScope | None, monitor: K8sObject | None,
                           only: K8sObject | None = None) -> str:
    """KS100's fix for runners an operator would reconcile by namespace but whose labels its
    --prometheus-instance-selector does not match (_unreconciled_why's second reason): label the runner — one that
    selects the monitor first — or change the selector. The labels are written out when the selector is equalities
    only (`tier=gold`, its usual form)."""
    from .k8sselector import SelectorError, parse_label_selector

    runners = [o for o in _unreconciled(workspace) if (scope is None or scope.reconciles(o.namespace))
               and (only is None or o is only)]
    for words, _image, _version in _operators(workspace):
        selector = go_flag(words, "prometheus-instance-selector")
        missed = [o for o in runners if selector and _reconciles(words, o, by_labels=False)]
        if not missed:
            continue
        try:
            requirements = parse_label_selector(selector)
        except SelectorError:
            requirements = []
        keys = MONITOR_KINDS.get(monitor.kind) if monitor is not None else None
        runner = next((o for o in missed if keys and _selects(as_map(o.doc.get("spec")).get(keys[0]), monitor.labels)
                       and _namespace_selects(workspace, o, as_map(o.doc.get("spec")).get(keys[1]), monitor.namespace)),
                      missed[0])
        equalities = all(op in ("equals", "double-equals", "in") and len(values) == 1 for _k, op, values in requirements)
        labels = (f"add `{', '.join(f'{key}: {_label_value(next(iter(values)))}' for key, _op, values in requirements)}` to its "
                  f"metadata.labels" if requirements and equalities else "give it metadata.labels that match it")
        return (f"To have {runner.kind} {runner.namespace}/{runner.name} run, {labels}: the Prometheus Operator "
                f"reconciles only Prometheus and PrometheusAgent objects its --prometheus-instance-selector {selector} "
                f"selects (kube-prometheus-stack: prometheusOperator.prometheusInstanceSelector); or change that selector.")
    return ""


def _label_value(value: str) -> str:
    """A label value to write into a manifest: quoted where YAML would read it otherwise (`on` is true, `1` a
    number: kubectl would set "true" or refuse it, and the selector still would not match)."""
    from .fixes import yaml_scalar  # (fixes imports this module through grants and build)

    return yaml_scalar(value)


def _operator_objects(workspace: Workspace, kind: str) -> list[K8sObject]:
    """The Operator's objects of `kind` in the inputs. One without metadata.name is left out: kubectl refuses it
    ("resource name may not be empty", KS602), so there is no such Prometheus to run jobs nor monitor to select —
    a fragment quoted in documentation, not an object. (A monitor the API server refuses otherwise is kept, its
    jobs marked rejected: operator_configs.)"""
    return [o for o in workspace.kind(kind) if o.api_version.startswith(OPERATOR_GROUP) and o.name]


def refused_objects(workspace: Workspace):
    """Whether the API server refuses an object (k8svalidate.refused_by_server). A Kustomize patch file is a
    partial object (KS602 leaves its missing fields alone): not judged here."""
    from .k8svalidate import refused_by_server
    from .kustomize import patch_files

    patches = patch_files(workspace)
    return lambda obj: (not (patches and os.path.abspath(obj.path) in patches) and (source := workspace.source(obj.path)) is not None
                        and refused_by_server(source, obj.doc))


# ---------------------------------------------------------------------------------------------- building YAML


def _node(pos: Pos, **items: Any) -> YMap:
    """A YMap whose keys and values all sit at `pos` unless given as (value, pos) pairs."""
    node = YMap(pos)
    for key, item in items.items():
        value, where = item if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], tuple) else (item, pos)
        node.put(key, value, where)
    return node


def _seq(pos: Pos, items: list[Any]) -> YSeq:
    seq = YSeq(pos)
    for item in items:
        seq.append(item)
        seq.ipos.append(getattr(item, "pos", pos))
    return seq


def _at(mapping: Any, key: str, default: Pos) -> Pos:
    return mapping.key_pos(key) if isinstance(mapping, YMap) and key in mapping else default


def _keep(pos: Pos, labels: list[str], regex: str, action: str = "keep") -> YMap:
    return _node(pos, source_labels=_seq(pos, labels), regex=regex, action=action)


def _selector_relabels(selector: Any, prefix: str, pos: Pos) -> list[YMap]:
    """promcfg.go: label selectors become keep/drop rules on `<prefix>_label_*` / `_labelpresent_*`."""
    rules = []
    sel = LabelSelector.from_node(selector)
    for key, value in sorted(sel.match_labels.items()):
        name = sanitize(key)
        rules.append(_keep(pos, [f"{prefix}_label_{name}", f"{prefix}_labelpresent_{name}"], f"({value});true"))
    for expr in sel.match_expressions:
        name = sanitize(as_str(expr.get("key")))
        values = "|".join(as_str(v) for v in as_seq(expr.get("values")))
        op = as_str(expr.get("operator"))
        if op == "In":
            rules.append(_keep(pos, [f"{prefix}_label_{name}", f"{prefix}_labelpresent_{name}"], f"({values});true"))
        elif op == "NotIn":
            rules.append(_keep(pos, [f"{prefix}_label_{name}", f"{prefix}_labelpresent_{name}"], f"({values});true", "drop"))
        elif op == "Exists":
            rules.append(_keep(pos, [f"{prefix}_labelpresent_{name}"], "true"))
        elif op == "DoesNotExist":
            rules.append(_keep(pos, [f"{prefix}_labelpresent_{name}"], "true", "drop"))
    return rules


def _user_relabels(node: Any, victoriametrics: bool = False) -> list[YMap]:
    """A monitor's relabelings as Prometheus config rules. Only the CRD's fields count: the API server drops any
    other key (`source_labels` written as in a Prometheus config, KS602), so the relabeling runs without it — a
    keep then matches its regex against "". The VictoriaMetrics operator's RelabelConfig takes both spellings
    and keys of its own (`if`, `match`): every key is passed on."""
    result = []
    for item in as_seq(node):
        if not isinstance(item, YMap):
            continue
        converted = YMap(item.pos)
        for key, value in item.items():
            target = RELABEL_KEYS.get(as_str(key), as_str(key) if victoriametrics else None)
            if target is not None:
                converted.put(target, value, item.key_pos(key), item.value_pos(key))
        result.append(converted)
    return result


def token_secret(endpoint: YMap) -> tuple[str, str] | None:
    """The Secret key (name, key) a monitor endpoint, Probe or ScrapeConfig sends as its bearer token:
    `authorization.credentials` (type Bearer) or the deprecated `bearerTokenSecret`."""
    auth = endpoint.get("authorization")
    if isinstance(auth, YMap):
        if (as_str(auth.get("type")) or "Bearer").lower() != "bearer":
            return None
        ref = auth.get("credentials")
    else:
        ref = endpoint.get("bearerTokenSecret")
    if not isinstance(ref, YMap) or not as_str(ref.get("name")):
        return None
    return as_str(ref.get("name")), as_str(ref.get("key"))


def _sd_credentials(sd_node: YMap, sd: YMap) -> None:
    """A kubernetesSDConfigs entry's own credentials (Secret-sourced), as the keys SDConfig reads: whether
    discovery through its apiServer authenticates at all (KS111)."""
    if isinstance(sd_node.get("authorization"), YMap):
        sd["authorization"] = _node(sd_node["authorization"].pos, credentials=FROM_SECRET)
    elif isinstance(sd_node.get("basicAuth"), YMap):
        sd["basic_auth"] = _node(sd_node["basicAuth"].pos, username=FROM_SECRET)
    elif isinstance(sd_node.get("oauth2"), YMap):
        sd["oauth2"] = _node(sd_node["oauth2"].pos, client_id=FROM_SECRET)
    elif isinstance(get_path(sd_node, "tlsConfig", "cert"), YMap):
        sd["tls_config"] = _node(sd_node["tlsConfig"].pos, cert=FROM_SECRET)


def _token_from_secret(job: ScrapeJob, endpoint: YMap) -> None:
    """The Secret keys an Operator job's endpoint (its scrape class merged in) sends as its token and verifies
    the targets with: analyse.token_secret_identity and analyse.cluster_ca_secret look them up."""
    if job.credentials.kind == "inline-token":
        job.credentials.secret = token_secret(endpoint)
    ref = as_map(get_path(endpoint, "tlsConfig", "ca", "secret"))
    if as_str(ref.get("name")) and not as_str(get_path(endpoint, "tlsConfig", "caFile")):
        job.ca_secret = as_str(ref.get("name")), as_str(ref.get("key"))


AUTH_KEYS = ("bearerTokenFile", "authorization", "bearerTokenSecret", "basicAuth", "oauth2")


# Only a ServiceMonitor endpoint (monitoring/v1 Endpoint: bearerTokenFile, HTTPConfigWithProxyAndTLSFiles) names
# files of the Prometheus pod. A PodMonitor endpoint (PodMetricsEndpoint: HTTPConfig), a Probe (ProbeSpec) and a
# ScrapeConfig (v1alpha1 ScrapeConfigSpec) take SafeAuthorization and SafeTLSConfig: Secret and ConfigMap references,
# no bearerTokenFile, no tlsConfig caFile/certFile/keyFile. There such a key is an unknown field (KS602): kubectl's
# strict field validation refuses the object and other clients drop the field, so it never reaches the config.
KINDS_WITHOUT_FILES = ("PodMonitor", "Probe", "ScrapeConfig")
TLS_FILE_KEYS = ("caFile", "certFile", "keyFile")


# What a converted tls_config holds for a CA the operator takes from a Secret or ConfigMap: which CA it is we cannot
# tell, except for the kube-root-ca.crt ConfigMap's ca.crt, which the API server's root-ca-cert-publisher writes in
# every namespace with the cluster CA (the same bundle as the ServiceAccount volume's ca.crt).
CA_REFERENCE = "<from Secret or ConfigMap>"
CLUSTER_CA_REFERENCE = "<the cluster CA: ConfigMap kube-root-ca.crt, key ca.crt>"


def _ca_reference(ca: YMap) -> str:
    ref = as_map(ca.get("configMap"))
    if "secret" not in ca and as_str(ref.get("name")) == "kube-root-ca.crt" and as_str(ref.get("key")) == "ca.crt":
        return CLUSTER_CA_REFERENCE
    return CA_REFERENCE


def names_no_files(job: ScrapeJob) -> bool:
    """Whether a fix for this Operator job must not name files of the Prometheus pod (the ServiceAccount token or
    ca.crt): a KINDS_WITHOUT_FILES kind has no such fields, and a ServiceMonitor whose Prometheus sets
    arbitraryFSAccessThroughSMs.deny is rejected for them (testForArbitraryFSAccess, KS603). Such fixes name Secret
    and ConfigMap references instead (authorization.credentials, tlsConfig.ca)."""
    return job.monitor is not None and (job.monitor.kind in KINDS_WITHOUT_FILES or denies_file_access(job))


def denies_file_access(job: ScrapeJob) -> bool:
    """Whether the Prometheus running an Operator job sets arbitraryFSAccessThroughSMs.deny."""
    runner = getattr(job.config, "runner", None)
    return runner is not None and get_path(runner.doc, "spec", "arbitraryFSAccessThroughSMs", "deny") is True


def discovers_by_own_namespace(job: ScrapeJob) -> bool:
    """Whether an Operator job discovers in its monitor's namespace only because that is where the monitor lives: a
    ServiceMonitor/PodMonitor (or a Probe's ingress targets) with no namespaceSelector naming namespaces (promcfg.go
    getNamespacesFromNamespaceSelector). Moving such a monitor to another namespace moves its discovery with it, so
    a fix that moves it must also name the namespace it discovers in now."""
    monitor = job.monitor
    if monitor is None:
        return False
    spec = as_map(monitor.doc.get("spec"))
    if monitor.kind == "Probe":
        targets = as_map(spec.get("targets"))
        if isinstance(targets.get("staticConfig"), YMap) or not isinstance(targets.get("ingress"), YMap):
            return False
        spec = as_map(targets.get("ingress"))
    elif monitor.kind not in ("ServiceMonitor", "PodMonitor"):
        return False
    selector = as_map(spec.get("namespaceSelector"))
    return selector.get("any") is not True and not any(as_str(n) for n in as_seq(selector.get("matchNames")))


def file_fields(holder: YMap) -> list[tuple[YMap, str]]:
    """The (mapping, key) pairs of an endpoint or spec that name a file: bearerTokenFile and tlsConfig's *File."""
    found = [(holder, "bearerTokenFile")] if "bearerTokenFile" in holder else []
    tls = holder.get("tlsConfig")
    if isinstance(tls, YMap):
        found += [(tls, key) for key in TLS_FILE_KEYS if key in tls]
    return found


def _without(node: YMap, keys: tuple[str, ...]) -> YMap:
    kept = YMap(node.pos)
    for key, value in node.items():
        if key not in keys:
            kept.put(key, value, node.key_pos(key), node.value_pos(key))
    return kept


def without_file_fields(holder: YMap) -> YMap:
    """An endpoint or spec of a KINDS_WITHOUT_FILES kind as the operator gets it: its file fields gone (see above)."""
    if not file_fields(holder):
        return holder
    kept = _without(holder, ("bearerTokenFile",))
    if isinstance(holder.get("tlsConfig"), YMap):
        kept.put("tlsConfig", _without(holder["tlsConfig"], TLS_FILE_KEYS), holder.key_pos("tlsConfig"),
                 holder.value_pos("tlsConfig"))
    return kept


def _copy_at(node: YMap, pos: Pos) -> YMap:
    """`node` with every key and value placed at `pos`: scrape-class settings come from the Prometheus resource's
    file, but the job (and its findings) sits in the monitor's, so they are pinned to the monitor part they apply to."""
    copied = YMap(pos)
    for key, value in node.items():
        copied.put(key, _copy_at(value, pos) if isinstance(value, YMap) else value, pos)
    return copied


def with_scrape_class(endpoint: YMap, scrape_class: YMap | None, pos: Pos) -> YMap:
    """The endpoint's HTTP settings merged with its scrape class as promcfg.go does (mergeTLSConfigWithScrapeClass,
    mergeSafeAuthorizationWithScrapeClass): the class's tlsConfig when the endpoint has none, else the class's
    ca/cert/key files where the endpoint sets neither the file nor the Secret; the class's authorization when the
    endpoint sends no credentials of its own, or its credentials when the endpoint's authorization names none."""
    if not isinstance(scrape_class, YMap):
        return endpoint
    merged = YMap(endpoint.pos)
    for key, value in endpoint.items():
        merged.put(key, value, endpoint.key_pos(key), endpoint.value_pos(key))
    class_tls = scrape_class.get("tlsConfig")
    tls = endpoint.get("tlsConfig")
    if isinstance(class_tls, YMap):
        if not isinstance(tls, YMap) or not tls:
            merged.put("tlsConfig", _copy_at(class_tls, pos), pos)
        else:
            filled = YMap(tls.pos)
            for key, value in tls.items():
                filled.put(key, value, tls.key_pos(key), tls.value_pos(key))
            for file_key, ref_key in (("caFile", "ca"), ("certFile", "cert"), ("keyFile", "keySecret")):
                if not as_str(tls.get(file_key)) and not tls.get(ref_key) and as_str(class_tls.get(file_key)):
                    filled.put(file_key, class_tls[file_key], pos)
            merged.put("tlsConfig", filled, endpoint.key_pos("tlsConfig"))
    class_auth = scrape_class.get("authorization")
    if isinstance(class_auth, YMap):
        auth = endpoint.get("authorization")
        if not any(isinstance(endpoint.get(k), YMap) or (k == "bearerTokenFile" and as_str(endpoint.get(k))) for k in AUTH_KEYS):
            merged.put("authorization", _copy_at(class_auth, pos), pos)
        elif isinstance(auth, YMap) and auth.get("credentials") is None:
            filled = YMap(auth.pos)
            for key, value in auth.items():
                filled.put(key, value, auth.key_pos(key), auth.value_pos(key))
            for key in ("credentials", "credentialsFile"):
                if class_auth.get(key) is not None:
                    filled.put(key, _copy_at(class_auth[key], pos) if isinstance(class_auth[key], YMap) else class_auth[key], pos)
            merged.put("authorization", filled, endpoint.key_pos("authorization"))
    return merged


def unresolved_scrape_class(job: Any) -> str | None:
    """The scrapeClass a monitor names when no Prometheus/PrometheusAgent in the inputs selects it (KS100): the class,
    and the credentials it may add (a client certificate, an authorization), are defined on that unseen resource,
    so what the job sends is unknown here. None for every other job."""
    monitor = getattr(job, "monitor", None)
    if monitor is None or getattr(job.config, "runner", None) is not None:
        return None
    return as_str(get_path(monitor.doc, "spec", "scrapeClass")) or None


def scrape_class_setting(job: Any, *keys: str) -> tuple[str, Span] | None:
    """Where a monitor endpoint's setting (`tlsConfig`, `insecureSkipVerify` / `authorization`) comes from its scrape
    class rather than the endpoint: (the class's description, the span of the key in the Prometheus resource).
    with_scrape_class merges the class in at the endpoint's position, so without this a finding about the setting
    would point at an endpoint that does not write it. None when the endpoint writes the setting itself."""
    monitor, runner = getattr(job, "monitor", None), getattr(job.config, "runner", None)
    if monitor is None or runner is None or not runner.api_version.startswith(OPERATOR_GROUP):
        return None  # (a VMAgent's scrape classes are not modelled: vmoperator.py builds its jobs without them)
    view = RunnerView.of(runner)
    scrape_class = view.scrape_class(monitor)
    index = job.name.rpartition("/")[2]  # jobs are named <kind>/<namespace>/<name>/<endpoint index>
    spec = as_map(monitor.doc.get("spec"))
    endpoints = as_seq(spec.get("endpoints") if monitor.kind == "ServiceMonitor" else spec.get("podMetricsEndpoints"))
    if not isinstance(scrape_class, YMap) or not index.isdigit() or int(index) >= len(endpoints):
        return None
    node: Any = scrape_class
    own: Any = endpoints[int(index)]
    if keys[0] == "authorization" and isinstance(own, YMap) and any(key in own for key in AUTH_KEYS):
        return None  # the endpoint's own credentials win over the class's (mergeSafeAuthorizationWithScrapeClass)
    for key in keys[:-1]:
        node, own = as_map(node.get(key)), as_map(own.get(key) if isinstance(own, YMap) else None)
    if not isinstance(node, YMap) or keys[-1] not in node or (isinstance(own, YMap) and keys[-1] in own):
        return None
    name = as_str(scrape_class.get("name"))
    return (f"scrapeClass {name} of {runner.kind} {runner.namespace}/{runner.name}",
            key_span(runner.path, node, keys[-1]))


# The Prometheus version from which the operator writes attach_metadata for an SD role (promcfg.go
# mergeAttachMetadataWithScrapeClass and generateScrapeConfig, through WithMinimumVersion): older versions get
# none, other roles neither (the operator logs "ignoring attachMetadata not supported by Prometheus").
ATTACH_METADATA_SINCE = {"pod": (2, 35, 0), "endpoints": (2, 37, 0), "endpointslice": (2, 37, 0)}


def _attach_node(spec: YMap, scrape_class: YMap | None, role: str, runner: "RunnerView | None") -> bool:
    """mergeAttachMetadataWithScrapeClass: the monitor's attachMetadata, else its scrape class's, when the
    runner's Prometheus is recent enough for the role to get attach_metadata at all."""
    attach = spec.get("attachMetadata")
    if not isinstance(attach, YMap) and isinstance(scrape_class, YMap):
        attach = scrape_class.get("attachMetadata")
    return isinstance(attach, YMap) and attach.get("node") is True and _attach_supported(role, runner)


def _attach_supported(role: str, runner: "RunnerView | None") -> bool:
    since = ATTACH_METADATA_SINCE.get(role)
    return since is not None and (runner is None or _version_at_least(runner.version, since))


def _http_fields(endpoint: YMap, root: YMap) -> None:
    """Credentials and TLS of a monitor endpoint, as the Prometheus keys build_job reads."""
    pos = endpoint.pos
    # promcfg.go writes bearer_token_file only `if ep.BearerTokenFile != ""`: an empty one (CMO's kubelet monitor,
    # which authenticates with a scrape class's client certificate) sends no token at all.
    if as_str(endpoint.get("bearerTokenFile")):
        root.put("bearer_token_file", endpoint["bearerTokenFile"], endpoint.key_pos("bearerTokenFile"),
                 endpoint.value_pos("bearerTokenFile"))
    elif isinstance(endpoint.get("authorization"), YMap):
        auth = endpoint["authorization"]
        converted = _node(auth.pos, type=as_str(auth.get("type")) or "Bearer")
        if auth.get("credentials") is not None:
            converted.put("credentials", FROM_SECRET, auth.key_pos("credentials"))
        elif as_str(auth.get("credentialsFile")):  # a scrape class's (monitors' own authorization has no file)
            converted.put("credentials_file", auth["credentialsFile"], auth.key_pos("credentialsFile"),
                          auth.value_pos("credentialsFile"))
        else:
            converted.put("credentials", None, auth.pos)
        root.put("authorization", converted, endpoint.key_pos("authorization"))
    elif isinstance(endpoint.get("bearerTokenSecret"), YMap):
        root.put("bearer_token", FROM_SECRET, endpoint.key_pos("bearerTokenSecret"))
    elif isinstance(endpoint.get("basicAuth"), YMap):
        root.put("basic_auth", _node(endpoint["basicAuth"].pos, username=FROM_SECRET), endpoint.key_pos("basicAuth"))
    elif isinstance(endpoint.get("oauth2"), YMap):
        root.put("oauth2", _node(endpoint["oauth2"].pos, client_id=FROM_SECRET), endpoint.key_pos("oauth2"))
    if as_str(endpoint.get("proxyUrl")):  # promcfg.go addProxyConfigtoYaml: proxy_url (a PushProx job's route)
        root.put("proxy_url", endpoint["proxyUrl"], endpoint.key_pos("proxyUrl"), endpoint.value_pos("proxyUrl"))
    tls = endpoint.get("tlsConfig")
    if isinstance(tls, YMap):
        converted = YMap(tls.pos)
        for key, target in TLS_KEYS.items():
            if key in tls:
                converted.put(target, tls[key], tls.key_pos(key), tls.value_pos(key))
        # Secret/ConfigMap-sourced: the operator writes them as files of its own (or inline), so no path we know;
        # a CA still verifies the target (which one, we cannot tell), a client cert still authenticates
        if isinstance(tls.get("ca"), YMap) and "caFile" not in tls:
            converted.put("ca", _ca_reference(tls["ca"]), tls.key_pos("ca"))
        if isinstance(tls.get("cert"), YMap):
            converted.put("cert", FROM_SECRET, tls.key_pos("cert"))
        root.put("tls_config", converted, endpoint.key_pos("tlsConfig"))
    del pos


# ---------------------------------------------------------------------------------------------- selection


def _selects(selector_node: Any, labels: dict) -> bool:
    if selector_node is None:
        return False  # a null selector matches no objects
    return LabelSelector.from_node(selector_node).matches(labels)


def _namespace_selects(workspace: Workspace, runner: K8sObject, selector_node: Any, namespace: str) -> bool:
    if selector_node is None:
        return namespace == runner.namespace  # null: the Prometheus' own namespace only
    selector = LabelSelector.from_node(selector_node)
    if selector.empty:
        return True
    ns_object = workspace.find("Namespace", "", namespace)
    if ns_object is None:
        # The namespace's labels are not in the inputs; only its automatic name label is known. A selector on
        # other labels cannot be decided, and guessing "selected" would report access errors for monitors a
        # Prometheus (like OpenShift's user-workload one) deliberately excludes — so treat it as not selected.
        known = {"kubernetes.io/metadata.name": namespace}
        keys = set(selector.match_labels) | {as_str(e.get("key")) for e in selector.match_expressions}
        return keys <= set(known) and selector.matches(known)
    return selector.matches({**ns_object.labels, "kubernetes.io/metadata.name": namespace})


@dataclass(eq=False)
class RunnerView:
    obj: K8sObject
    service_account: str
    discovery_role: str  # endpoints | endpointslice, for ServiceMonitors
    ignore_namespace_selectors: bool
    apiserver: YMap | None = None  # spec.apiserverConfig: discovery through another API server (apiserver_sd_keys)
    endpointslice_supported: bool = True  # Prometheus >= 2.21.0 (promcfg.go endpointRoleFlavor)
    daemonset: bool = False  # a PrometheusAgent with mode: DaemonSet (one agent per node)
    scrape_classes: dict[str, YMap] | None = None  # spec.scrapeClasses by name
    default_scrape_class: str = ""
    version: Any = None  # spec.version as written (unset: the operator's default, newer than any minimum we ask)

    @classmethod
    def of(cls, obj: K8sObject) -> "RunnerView":
        spec = as_map(obj.doc.get("spec"))
        slices = _version_at_least(spec.get("version"), (2, 21, 0))
        role = "endpointslice" if slices and as_str(spec.get("serviceDiscoveryRole")).lower() == "endpointslice" else "endpoints"
        apiserver = spec.get("apiserverConfig")
        classes: dict[str, YMap] = {}
        default = ""
        for item in as_seq(spec.get("scrapeClasses")):
            if isinstance(item, YMap) and as_str(item.get("name")):
                classes.setdefault(as_str(item.get("name")), item)
                if item.get("default") is True and not default:
                    default = as_str(item.get("name"))
        return cls(obj, as_str(spec.get("serviceAccountName")) or "default", role, spec.get("ignoreNamespaceSelectors") is True,
                   apiserver if isinstance(apiserver, YMap) and as_str(apiserver.get("host")) else None, slices,
                   obj.kind == "PrometheusAgent" and spec.get("mode") == "DaemonSet", classes, default, spec.get("version"))

    def endpoint_role(self, monitor_role: Any) -> str:
        """promcfg.go generateServiceMonitorConfig: a ServiceMonitor's own serviceDiscoveryRole, either way, wins over
        the Prometheus' one; EndpointSlice needs Prometheus >= 2.21.0 (endpointRoleFlavor)."""
        if not isinstance(monitor_role, str) or not monitor_role:
            return self.discovery_role
        return "endpointslice" if self.endpointslice_supported and monitor_role.lower() == "endpointslice" else "endpoints"

    def scrape_class(self, monitor: K8sObject) -> YMap | None:
        """promcfg.go getScrapeClassOrDefault: the class the monitor names, else the runner's default class."""
        name = as_str(get_path(monitor.doc, "spec", "scrapeClass")) or self.default_scrape_class
        return (self.scrape_classes or {}).get(name) if name else None


def _version_at_least(value: Any, minimum: tuple[int, int, int]) -> bool:
    """spec.version (semver.ParseTolerant: a leading v, missing parts 0) against `minimum`; unset or unparsable:
    the operator's default version, which is newer than any minimum we ask about."""
    text = as_str(value).strip().lstrip("vV")
    parts = []
    for piece in text.split("-")[0].split("+")[0].split(".")[:3]:
        if not piece.isdigit():
            return True
        parts.append(int(piece))
    if not parts:
        return True
    return tuple(parts + [0] * (3 - len(parts))) >= minimum


def apiserver_sd_keys(apiserver: YMap, sd: YMap) -> None:
    """A Prometheus resource's `spec.apiserverConfig` in a generated kubernetes_sd_configs entry, as the operator
    writes it (promcfg.go generateK8SSDConfig): `api_server` = host, and its own credentials and TLS — discovery
    then no longer uses the pod's in-cluster configuration (FACTS §4, §6)."""
    sd.put("api_server", as_str(apiserver.get("host")), apiserver.key_pos("host"), apiserver.value_pos("host"))
    _http_fields(apiserver, sd)  # bearerTokenFile, authorization, basicAuth, tlsConfig: the endpoints' field names


# ---------------------------------------------------------------------------------------------- monitors → jobs


def monitor_namespaces(monitor: K8sObject, spec: YMap, runner: RunnerView | None = None,
                       key: str = "namespaceSelector") -> list[str] | None:
    """The namespaces a monitor's namespaceSelector picks (None: `any: true`, every namespace); its own namespace
    when it names none, or when the runner sets ignoreNamespaceSelectors (promcfg.go getNamespacesFromNamespaceSelector)."""
    if runner is not None and runner.ignore_namespace_selectors:
        return [monitor.namespace]
    selector = as_map(spec.get(key))
    if selector.get("any") is True:
        return None
    names = [as_str(n) for n in as_seq(selector.get("matchNames")) if as_str(n)]
    return names or [monitor.namespace]


def port_name_matches(wanted: str, name: str) -> bool:
    """Whether an endpoint's `port` keeps a port named `name`: the operator writes it as a keep rule's regex, which
    Prometheus anchors (a name that is no valid regex is compared as text)."""
    try:
        return re.fullmatch(wanted, name) is not None
    except re.error:
        return wanted == name


def ignored_namespace_selector(job: ScrapeJob) -> tuple[Span, Span, str, list[str] | None] | None:
    """A ServiceMonitor/PodMonitor job whose Prometheus sets ignoreNamespaceSelectors: true while the monitor's own
    namespaceSelector asks for other namespaces: (where the Prometheus sets it, the monitor's namespaceSelector, the
    selector as written, the namespaces it asked for or None for `any: true`). The operator then discovers only in
    the monitor's own namespace (promcfg.go getNamespacesFromNamespaceSelector, FACTS §6), which findings about
    that namespace must say: the user never asked for it. None when the selector changes nothing."""
    runner, monitor = getattr(job.config, "runner", None), job.monitor
    if runner is None or monitor is None or monitor.kind not in ("ServiceMonitor", "PodMonitor"):
        return None
    spec = as_map(runner.doc.get("spec"))
    selector = get_path(monitor.doc, "spec", "namespaceSelector")
    if spec.get("ignoreNamespaceSelectors") is not True or not isinstance(selector, YMap):
        return None
    if selector.get("any") is True:
        asked, names = "any: true", None
    else:
        names = [as_str(n) for n in as_seq(selector.get("matchNames")) if as_str(n)]
        if not names or names == [monitor.namespace]:
            return None
        asked, names = f"matchNames: [{', '.join(names)}]", [n for n in names if n != monitor.namespace]
    monitor_spec = as_map(monitor.doc.get("spec"))
    return (key_span(runner.path, spec, "ignoreNamespaceSelectors"), key_span(monitor.path, monitor_spec, "namespaceSelector"),
            asked, names)


def _namespace_spans(monitor: K8sObject, spec: YMap, runner: RunnerView | None,
                     key: str = "namespaceSelector") -> dict[str | None, Span]:
    """Where monitor_namespaces() took each namespace from, when the namespace selector decided it: the `matchNames` item
    that names it, or `any: true` (cluster-wide). A namespace the monitor's own namespace supplies has none."""
    if runner is not None and runner.ignore_namespace_selectors:
        return {}
    selector = spec.get(key)
    if not isinstance(selector, YMap):
        return {}
    if selector.get("any") is True:
        return {None: at(monitor.path, selector.value_pos("any"))}
    names = selector.get("matchNames")
    spans: dict[str | None, Span] = {}
    if isinstance(names, YSeq):
        for index, name in enumerate(names):
            if as_str(name):
                spans.setdefault(as_str(name), at(monitor.path, names.item_pos(index)))
    return spans


def _sd(pos: Pos, role: str, namespaces: list[str] | None, attach_node: bool, runner: RunnerView | None = None,
        attach_pos: Pos | None = None) -> YSeq:
    """`attach_pos`: where `attachMetadata.node` is written, so the nodes list/watch it needs is reported there
    rather than on the selector."""
    sd = _node(pos, role=role)
    if namespaces is not None:
        sd.put("namespaces", _node(pos, names=_seq(pos, list(namespaces))), pos)
    if attach_node:
        at_pos = attach_pos or pos
        sd.put("attach_metadata", _node(at_pos, node=True), at_pos)
    if runner is not None and runner.apiserver is not None:
        apiserver_sd_keys(runner.apiserver, sd)
    if runner is not None and runner.daemonset:
        # generateK8SSDConfig in DaemonSet mode: each agent discovers only the pods of its own node
        sd.put("selectors", _seq(pos, [_node(pos, role="pod", field="spec.nodeName=$(NODE_NAME)")]), pos)
    return _seq(pos, [sd])


def monitor_endpoint(job: Any) -> YMap | None:
    """The monitor endpoint (ServiceMonitor or VMServiceScrape `endpoints`, PodMonitor or VMPodScrape
    `podMetricsEndpoints` item) a job is generated from — _job_root gives the job the endpoint's position —, None for
    a job of a plain config."""
    monitor = getattr(job, "monitor", None)
    if monitor is None:
        return None
    spec = as_map(monitor.doc.get("spec"))
    for key in ("endpoints", "podMetricsEndpoints"):
        for endpoint in as_seq(spec.get(key)):
            if isinstance(endpoint, YMap) and endpoint.pos == job.node.pos:
                return endpoint
    return None


def _job_root(endpoint: YMap, name: str, sd: YSeq | None, relabels: list[YMap], default_path: str = "/metrics") -> YMap:
    pos = endpoint.pos
    root = _node(pos, job_name=name)
    scheme = as_str(endpoint.get("scheme")).lower()
    if scheme:  # unset, the operator writes none and Prometheus scrapes over http: nothing in the file to point at
        root.put("scheme", scheme, endpoint.key_pos("scheme"), endpoint.value_pos("scheme"))
    path_key = "path" if "path" in endpoint else "metricsPath"
    # A written path keeps its value's position as a plain config's metrics_path does (findings point at the value).
    written = isinstance(endpoint, YMap) and path_key in endpoint
    root.put("metrics_path", as_str(endpoint.get(path_key)) or default_path, _at(endpoint, path_key, pos),
             endpoint.value_pos(path_key) if written else None)
    if isinstance(endpoint.get("params"), YMap):
        root["params"] = endpoint["params"]
    if sd is not None:
        root.put("kubernetes_sd_configs", sd, sd.pos)
    root["relabel_configs"] = _seq(pos, relabels)
    _http_fields(endpoint, root)
    return root


def _fallback_target(namespace: str, selector: Any, port_name: str, port_number: int, kind: str,
                     image: str = "", marks: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """A target that satisfies the monitor's selector, for monitors of workloads our sample cluster lacks; `image`:
    of the container that serves the port, when the inputs declare it; `marks`: the labels of a kube-rbac-proxy
    serving it (authproxy.proxy_labels)."""
    labels = LabelSelector.from_node(selector).match_labels
    target = {"__address__": f"10.244.9.9:{port_number}", "__meta_kubernetes_namespace": namespace,
              "__meta_kubernetes_pod_container_port_name": port_name,
              "__meta_kubernetes_pod_container_port_number": str(port_number)}
    if image:
        target["__meta_kubernetes_pod_container_image"] = image
    target.update(marks)
    prefixes = ["__meta_kubernetes_pod"] if kind == "PodMonitor" else ["__meta_kubernetes_service", "__meta_kubernetes_pod"]
    for prefix in prefixes:
        for key, value in labels.items():
            target[f"{prefix}_label_{sanitize(key)}"] = value
            target[f"{prefix}_labelpresent_{sanitize(key)}"] = "true"
    target["__meta_kubernetes_endpoint_port_name"] = port_name
    target["__meta_kubernetes_endpointslice_port_name"] = port_name
    return target


def _port_filter(endpoint: YMap, port_name_label: str) -> tuple[YMap | None, int]:
    """promcfg.go keeps the endpoint's port: `port` by its name on the Service/Pod, `targetPort` by the pod's
    container port number or name, `portNumber` by number. Returns the keep rule and the port number a stand-in
    target should use."""
    for key in ("port", "targetPort", "portNumber"):
        if key not in endpoint:
            continue
        value = endpoint.get(key)
        if key == "port":
            label = port_name_label
        elif isinstance(value, int):
            label = "__meta_kubernetes_pod_container_port_number"
        else:
            label = "__meta_kubernetes_pod_container_port_name"
        return _keep(endpoint.key_pos(key), [label], as_str(value)), (value if isinstance(value, int) and key != "port" else 8080)
    return None, 8080


def _monitor_jobs(monitor: K8sObject, runner: RunnerView | None, config: PromConfig, ports: "PortBook",
                  endpoints_key: str, label_prefix: str, role: str, port_name_label: str, job_prefix: str,
                  source: str, like: str = "", adapt: Any = None) -> list[ScrapeJob]:
    """ServiceMonitor and PodMonitor endpoints: selector keep rules, port filter, user relabelings. `like`: the
    Prometheus Operator kind a VictoriaMetrics scrape object mirrors (how its stand-in targets are looked up),
    `adapt`: how its endpoint's field names become a monitor endpoint's (vmoperator.py)."""
    like = like or monitor.kind
    spec = as_map(monitor.doc.get("spec"))
    selector_pos = _at(spec, "selector", monitor.doc.pos)
    namespaces = monitor_namespaces(monitor, spec, runner)
    scope_spans = _namespace_spans(monitor, spec, runner)
    scrape_class = runner.scrape_class(monitor) if runner is not None else None
    attach_node = _attach_node(spec, scrape_class, role, runner)
    # the monitor's own attachMetadata.node (a scrape class's lives in the runner's file: keep the selector)
    own_attach = spec.get("attachMetadata")
    attach_pos = own_attach.value_pos("node") if isinstance(own_attach, YMap) and own_attach.get("node") is True else None
    jobs = []
    for index, endpoint in enumerate(as_seq(spec.get(endpoints_key))):
        if not isinstance(endpoint, YMap):
            continue
        if adapt is not None:
            endpoint = adapt(endpoint)
        if monitor.kind in KINDS_WITHOUT_FILES:
            endpoint = without_file_fields(endpoint)
        endpoint = with_scrape_class(endpoint, scrape_class, endpoint.pos)
        relabels = _selector_relabels(spec.get("selector"), label_prefix, selector_pos)
        port_rule, port_number = _port_filter(endpoint, port_name_label)
        if port_rule is not None:
            relabels.append(port_rule)
        generated = len(relabels)
        # (a VMServiceScrape/VMPodScrape relabelConfig takes source_labels/target_label too: keep them)
        relabels += _user_relabels(endpoint.get("relabelings"), victoriametrics=monitor.kind.startswith("VM"))
        name = f"{job_prefix}/{monitor.namespace}/{monitor.name}/{index}"
        root = _job_root(endpoint, name, _sd(selector_pos, role, namespaces, attach_node, runner, attach_pos),
                         relabels)
        job = build_job(monitor.path, root, config, source)
        for sd in job.sd_configs:
            sd.scope_spans = scope_spans
        port_name = as_str(endpoint.get("port"))
        declared = (ports.numbers(like, spec.get("selector"), namespaces, port_name, job.metrics_path or "/metrics")
                    if "port" in endpoint else [])
        job.fallback_targets = [_fallback_target(ns, spec.get("selector"), port_name, number, like, image, marks)
                                for ns, number, image, marks in declared
                                or [(ns, port_number, "", ()) for ns in (namespaces or [monitor.namespace])]]
        job.monitor = monitor
        job.generated_relabels = generated
        _token_from_secret(job, endpoint)
        jobs.append(job)
    return jobs


def service_monitor_jobs(monitor: K8sObject, runner: RunnerView | None, config: PromConfig, ports: "PortBook") -> list[ScrapeJob]:
    own_role = get_path(monitor.doc, "spec", "serviceDiscoveryRole")
    if runner is not None:
        role = runner.endpoint_role(own_role)
    else:
        role = "endpointslice" if as_str(own_role).lower() == "endpointslice" else "endpoints"
    port_label = "__meta_kubernetes_endpointslice_port_name" if role == "endpointslice" else "__meta_kubernetes_endpoint_port_name"
    return _monitor_jobs(monitor, runner, config, ports, "endpoints", "__meta_kubernetes_service", role, port_label,
                         "serviceMonitor", "servicemonitor")


def pod_monitor_jobs(monitor: K8sObject, runner: RunnerView | None, config: PromConfig, ports: "PortBook") -> list[ScrapeJob]:
    return _monitor_jobs(monitor, runner, config, ports, "podMetricsEndpoints", "__meta_kubernetes_pod", "pod",
                         "__meta_kubernetes_pod_container_port_name", "podMonitor", "podmonitor")


def probe_jobs(monitor: K8sObject, runner: RunnerView | None, config: PromConfig, _ports: "PortBook") -> list[ScrapeJob]:
    spec = as_map(monitor.doc.get("spec"))
    prober = as_map(spec.get("prober"))
    prober_url = as_str(prober.get("url"))
    endpoint = _node(monitor.doc.pos, path=as_str(prober.get("path")) or "/probe")
    if as_str(prober.get("scheme")):
        endpoint.put("scheme", as_str(prober["scheme"]), prober.key_pos("scheme"), prober.value_pos("scheme"))
    for key in ("authorization", "basicAuth", "oauth2", "tlsConfig", "bearerTokenSecret"):
        if key in spec:
            endpoint.put(key, spec[key], spec.key_pos(key))
    endpoint = with_scrape_class(without_file_fields(endpoint), runner.scrape_class(monitor) if runner is not None else None, endpoint.pos)
    targets = as_map(spec.get("targets"))
    # promcfg.go generateProbeConfig: "if both StaticConfig and Ingress are defined, the former takes precedence"
    static = targets.get("staticConfig")
    ingress = None if isinstance(static, YMap) else targets.get("ingress")
    static = as_map(static)
    relabels = [_node(_at(spec, "prober", monitor.doc.pos), target_label="__address__", replacement=prober_url or "blackbox-exporter:9115")]
    name = f"probe/{monitor.namespace}/{monitor.name}"
    sd = None
    if isinstance(ingress, YMap):
        ingress_pos = _at(targets, "ingress", monitor.doc.pos)
        namespaces = monitor_namespaces(monitor, ingress, runner)
        sd = _sd(ingress_pos, "ingress", namespaces, False, runner)
        relabels = _selector_relabels(ingress.get("selector"), "__meta_kubernetes_ingress", ingress_pos) + relabels
    root = _job_root(endpoint, name, sd, relabels, "/probe")
    if static:
        static_targets = as_seq(static.get("static"))
        root["static_configs"] = _seq(static.pos, [_node(static.pos, targets=static_targets)])
    job = build_job(monitor.path, root, config, "probe")
    if isinstance(ingress, YMap):
        for sd in job.sd_configs:
            sd.scope_spans = _namespace_spans(monitor, ingress, runner)
    job.monitor = monitor
    _token_from_secret(job, endpoint)
    return [job]


# The HTTP settings of a v1alpha1 ScrapeConfigSpec (SafeAuthorization, SafeTLSConfig: no files, no bearerTokenSecret)
SCRAPE_CONFIG_KEYS = ("scheme", "metricsPath", "params", "authorization", "basicAuth", "oauth2", "tlsConfig", "proxyUrl")


def scrape_config_jobs(monitor: K8sObject, runner: RunnerView | None, config: PromConfig, _ports: "PortBook",
                       spec: YMap | None = None, keys: tuple[str, ...] = SCRAPE_CONFIG_KEYS,
                       sd_adapt: Any = None) -> list[ScrapeJob]:
    """A ScrapeConfig's one job. vmoperator.py reuses it for a VMScrapeConfig: `spec` its spec with field names
    adapted, `keys` its HTTP settings (which include files), `sd_adapt` how a kubernetesSDConfigs entry's names
    become a ScrapeConfig's."""
    spec = as_map(monitor.doc.get("spec")) if spec is None else spec
    endpoint = YMap(getattr(spec, "pos", monitor.doc.pos))  # the job sits on its spec, not on the file's first line
    for key in keys:
        if key in spec:
            endpoint.put(key, spec[key], spec.key_pos(key), spec.value_pos(key))
    if monitor.kind in KINDS_WITHOUT_FILES:
        endpoint = without_file_fields(endpoint)
    endpoint = with_scrape_class(endpoint, runner.scrape_class(monitor) if runner is not None else None, endpoint.pos)
    sds = []
    for sd_node in as_seq(spec.get("kubernetesSDConfigs")):
        sd_node = as_map(sd_node)
        if sd_adapt is not None:
            sd_node = sd_adapt(sd_node)
        pos = getattr(sd_node, "pos", monitor.doc.pos)
        namespaces_node = as_map(sd_node.get("namespaces"))
        names = [as_str(n) for n in as_seq(namespaces_node.get("names")) if as_str(n)]
        own = namespaces_node.get("ownNamespace") is True
        sd = _node(pos, role=(as_str(sd_node.get("role")).lower(), _at(sd_node, "role", pos)))
        if names or own:
            sd["namespaces"] = _node(pos, names=_seq(pos, names), own_namespace=own)
        if as_str(sd_node.get("apiServer")):
            sd["api_server"] = as_str(sd_node.get("apiServer"))
            _sd_credentials(sd_node, sd)
        if get_path(sd_node, "attachMetadata", "node") is True and _attach_supported(as_str(sd_node.get("role")).lower(), runner):
            sd["attach_metadata"] = _node(pos, node=True)
        selectors = []
        for selector in as_seq(sd_node.get("selectors")):  # passed through, role lowercased (generateScrapeConfig)
            if isinstance(selector, YMap):
                converted = _node(selector.pos, role=as_str(selector.get("role")).lower())
                for key in ("label", "field"):
                    if isinstance(selector.get(key), str):
                        converted.put(key, selector[key], selector.key_pos(key), selector.value_pos(key))
                selectors.append(converted)
        if selectors:
            sd.put("selectors", _seq(sd_node.value_pos("selectors"), selectors), sd_node.key_pos("selectors"))
        sds.append(sd)
    relabels = _user_relabels(spec.get("relabelings"), victoriametrics=monitor.kind == "VMScrapeConfig")
    root = _job_root(endpoint, f"scrapeConfig/{monitor.namespace}/{monitor.name}", _seq(monitor.doc.pos, sds) if sds else None, relabels)
    statics = []
    for static in as_seq(spec.get("staticConfigs")):
        static = as_map(static)
        statics.append(_node(getattr(static, "pos", monitor.doc.pos), targets=as_seq(static.get("targets")), labels=as_map(static.get("labels"))))
    if statics:
        root["static_configs"] = _seq(monitor.doc.pos, statics)
    job = build_job(monitor.path, root, config, "scrapeconfig")
    job.monitor = monitor
    _token_from_secret(job, endpoint)
    return [job]


class PortBook:
    """The port numbers that Services and pod templates in the inputs declare under a name.

    A monitor of a workload our sample cluster lacks is simulated on a stand-in target; its port decides what
    the target is. kube-prometheus-stack's controller-manager ServiceMonitor selects `port: http-metrics` of
    a Service whose targetPort is 10257: a control-plane target (get /metrics, loopback-bound), not a workload."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.services = [o for o in workspace.kind("Service") if o.api_version == "v1"]
        self.pods = [(pod, pod.labels) for pod in workspace.workloads]
        # Each monitor selects among the Services or pods by labels, and each selected Service among the pods:
        # scanning them all per monitor made monitors × Services × pods in one namespace (3,000 of each: 55 s).
        self._service_index = _LabelIndex([(s, s.namespace, s.labels) for s in self.services])
        self._pod_index = _LabelIndex([(entry, entry[0].obj.namespace, entry[1]) for entry in self.pods])

    def numbers(self, kind: str, selector: Any, namespaces: list[str] | None, port_name: str,
                path: str = "/metrics") -> list[tuple[str, int, str, tuple[tuple[str, str], ...]]]:
        """(namespace, port number the endpoints carry, image of the container serving it or "", the
        authproxy.proxy_labels of a kube-rbac-proxy serving it) of each selected object that names `port_name`,
        for a scrape of `path`."""
        chosen = LabelSelector.from_node(selector)
        found: list[tuple[str, Any, str, tuple[tuple[str, str], ...]]] = []
        if kind == "ServiceMonitor":
            for service in self._service_index.candidates(namespaces, chosen.match_labels):
                if (namespaces is None or service.namespace in namespaces) and chosen.matches(service.labels):
                    for port in as_seq(get_path(service.doc, "spec", "ports")):
                        port = as_map(port)
                        if as_str(port.get("name")) == port_name:
                            found.append((service.namespace, *self._target_port(service, port, path)))
        else:
            for pod, labels in self._pod_index.candidates(namespaces, chosen.match_labels):
                if (namespaces is None or pod.obj.namespace in namespaces) and chosen.matches(labels):
                    found += [(pod.obj.namespace, *served) for served in _container_ports(pod, port_name, path, self.workspace)]
        return sorted({(ns, n, image, marks) for ns, n, image, marks in found
                       if isinstance(n, int) and not isinstance(n, bool)})

    def _target_port(self, service: K8sObject, port: YMap, path: str) -> tuple[Any, str, tuple[tuple[str, str], ...]]:
        """The Service port's targetPort, which the endpoints carry, and the image of the container serving it in
        the pods the Service selects (a named targetPort is looked up there; the Service's own port when none
        declares it)."""
        target = port.get("targetPort", port.get("port"))
        pairs = {as_str(k): as_str(v) for k, v in as_map(get_path(service.doc, "spec", "selector")).items()}
        for pod, _labels in self._pod_index.candidates([service.namespace], pairs) if pairs else ():
            if pod.selected_by(service):
                for number, image, marks in _container_ports(pod, target, path, self.workspace):
                    return number, image, marks
        return (port.get("port") if isinstance(target, str) else target), "", ()


class _LabelIndex:
    """Objects by namespace and by label pair, in input order: the candidates a label selector can match, a
    superset the caller still tests with the selector itself (so the result is exactly the full scan's)."""

    def __init__(self, entries: list[tuple[Any, str, dict]]) -> None:
        self.all = [item for item, _ns, _labels in entries]
        self.order = {id(item): index for index, item in enumerate(self.all)}
        self.by_namespace: dict[str, list[Any]] = {}
        self.by_pair: dict[tuple[Any, str | None], list[Any]] = {}
        for item, namespace, labels in entries:
            self.by_namespace.setdefault(namespace, []).append(item)
            # as LabelSelector.matches compares: the label's value as a string (None when it is no scalar)
            for key, value in labels.items():
                self.by_pair.setdefault((key, as_str(value, None)), []).append(item)  # type: ignore[arg-type]

    def candidates(self, namespaces: list[str] | None, pairs: dict[str, str]) -> list[Any]:
        """Every object in `namespaces` (None: all) carrying all of `pairs`, and maybe more, in input order."""
        if pairs:  # every match carries each pair: the smallest bucket holds them all
            return min((self.by_pair.get(pair, []) for pair in pairs.items()), key=len)
        if namespaces is None:
            return self.all
        buckets = [self.by_namespace.get(namespace, []) for namespace in dict.fromkeys(namespaces)]
        if len(buckets) == 1:
            return buckets[0]
        return sorted((item for bucket in buckets for item in bucket), key=lambda item: self.order[id(item)])


def _container_ports(pod: PodTemplate, port: Any, path: str,
                     workspace: Workspace) -> list[tuple[Any, str, tuple[tuple[str, str], ...]]]:
    """(containerPort, image of the container, authproxy.proxy_labels of a kube-rbac-proxy or the
    extapi.server_labels of an extension API server) for the port named `port` (a name) or numbered so (a number).
    A kube-rbac-proxy that does not review a scrape of `path` (see authproxy.checks_path) has its image and marks
    left out, so the target is not taken for that check."""
    found = []
    for container in pod.containers:
        proxy = is_rbac_proxy(container)
        image = "" if proxy and not checks_path(container, path) else container.image
        for entry in as_seq(container.node.get("ports")):
            entry = as_map(entry)
            if (as_str(entry.get("name")) == port) if isinstance(port, str) else (entry.get("containerPort") == port):
                number = entry.get("containerPort")
                marks = tuple(sorted(proxy_labels(pod, container, number).items())) if proxy and image else ()
                served = tuple(sorted(server_labels(workspace, pod, container, number).items()))
                found.append((number, image, marks + served))
    server = undeclared_server(workspace, pod, port) if not found else None
    if server is not None:  # a server's port no container declares (kubebuilder's manager: extapi.undeclared_server)
        found.append((port, server.image, tuple(sorted(server_labels(workspace, pod, server, port).items()))))
    return found


BUILDERS = {"ServiceMonitor": service_monitor_jobs, "PodMonitor": pod_monitor_jobs, "Probe": probe_jobs, "ScrapeConfig": scrape_config_jobs}


# ---------------------------------------------------------------------------------------------- entry point


def operator_configs(workspace: Workspace, limits: Limits) -> tuple[list[PromConfig], list]:
    """One PromConfig per Prometheus/PrometheusAgent (its selected monitors + additionalScrapeConfigs), and one
    runner-less PromConfig per monitor nothing in the inputs selects (its access checks are skipped: KS100)."""
    configs: list[PromConfig] = []
    findings: list = []
    monitors = {kind: _operator_objects(workspace, kind) for kind in MONITOR_KINDS}
    ports = PortBook(workspace)
    selected: set[int] = set()
    invalid: dict[int, bool] = {}  # id(monitor) → whether its relabelings or timeouts are refused (once per run)
    # A monitor the API server refuses (KS602 beyond strict field validation: no `spec.selector`, a field of the
    # wrong type) is never stored, so no job of it runs and its access is not judged; its jobs stay in the analysis,
    # marked rejected like those the operator skips, so what they will need once fixed is no unused grant (KS203).
    # A Prometheus/PrometheusAgent the API server refuses is never created: the operator generates no config for
    # it, so every job it would run (monitors' and additionalScrapeConfigs') is marked the same way.
    refused = refused_objects(workspace)
    server_refusal = "the API server refuses it (KS602)"
    # Each kind's monitors by namespace, in input order: a runner whose namespace selector is null selects in its own
    # namespace only, so it looks at those instead of at every monitor of the inputs (a monorepo of a Prometheus per
    # team was quadratic here, at every re-lint of the language server: probe scale3).
    by_namespace: dict[str, dict[str, list[K8sObject]]] = {kind: {} for kind in monitors}
    for kind, objects in monitors.items():
        for monitor in objects:
            by_namespace[kind].setdefault(monitor.namespace, []).append(monitor)
    scope = operator_scope(workspace)
    for runner_kind in RUNNER_KINDS:
        for runner_obj in _operator_objects(workspace, runner_kind):
            if not reconciled(workspace, runner_obj):
                # No operator reconciles it: no StatefulSet, no job. Its monitors' KS100 says so; its own
                # additionalScrapeConfigs are kept, unrun, so that KS100 says it for them too (or, when it selects
                # no monitor either, for the runner itself).
                configs.append(_unrun_config(workspace, runner_obj, scope, limits, findings))
                continue
            runner = RunnerView.of(runner_obj)
            watches = runner_watches(workspace, runner_obj)  # once per runner: its operators' monitor namespaces
            spec = as_map(runner_obj.doc.get("spec"))
            config = PromConfig(runner_obj.path, runner_obj.doc, "operator", runner=runner_obj)
            runner_refusal = f"the API server refuses {config.describe} (KS602)" if refused(runner_obj) else ""
            for kind, (selector_key, ns_selector_key, _source) in MONITOR_KINDS.items():
                if runner_kind == "PrometheusAgent" and kind == "Probe" and "probeSelector" not in spec:
                    continue
                selector_node, ns_selector_node = spec.get(selector_key), spec.get(ns_selector_key)
                if selector_node is None:
                    continue  # a null selector matches no objects (_selects)
                selector = LabelSelector.from_node(selector_node)  # once per runner, not per monitor
                in_namespace: dict[str, bool] = {}
                candidates = (monitors[kind] if ns_selector_node is not None
                              else by_namespace[kind].get(runner_obj.namespace, []))
                for monitor in candidates:
                    if not selector.matches(monitor.labels) or not watched_by(watches, monitor.namespace):
                        continue
                    chosen = in_namespace.get(monitor.namespace)
                    if chosen is None:
                        chosen = in_namespace[monitor.namespace] = _namespace_selects(
                            workspace, runner_obj, ns_selector_node, monitor.namespace)
                    if not chosen:
                        continue
                    selected.add(id(monitor))
                    if runner.daemonset and kind != "PodMonitor":
                        continue  # GenerateAgentConfiguration: a DaemonSet agent generates PodMonitor jobs only
                    jobs = BUILDERS[kind](monitor, runner, config, ports)
                    rejection = runner_refusal or (server_refusal if refused(monitor) else _operator_skips(
                        _rejection(spec, runner, monitor, config, invalid)))
                    for job in jobs:
                        job.rejected = rejection
                    config.jobs.extend(jobs)
            extra, problems = additional_scrape_configs(workspace, runner_obj, config, limits)
            for job in extra:
                job.rejected = runner_refusal or job.rejected  # (or the text's own refusal: scrape_config_list)
            config.jobs.extend(extra)
            findings.extend(problems)
            configs.append(config)
    for kind, objects in monitors.items():
        for monitor in objects:
            if id(monitor) in selected:
                continue
            why = _unwatched(scope, monitor) or "; ".join(
                w for w in (_unseen_by_runner(workspace, kind, monitor), _unreconciled_why(workspace, scope), _null_selectors(workspace, kind), _label_excludes(workspace, kind, monitor),
                            _namespace_excludes(workspace, kind, monitor)) if w)
            config = PromConfig(monitor.path, monitor.doc, "operator", holder=None, runner=None, monitor=monitor,
                                unselected_why=why, unread_runner=unread_runner(workspace, monitor))
            jobs = BUILDERS[kind](monitor, None, config, ports)
            if refused(monitor):
                for job in jobs:
                    job.rejected = server_refusal
            config.jobs.extend(jobs)
            configs.append(config)
    return configs, findings


def _unrun_config(workspace: Workspace, runner_obj: K8sObject, scope: OperatorScope | None, limits: Limits,
                  findings: list) -> PromConfig:
    """The config of a Prometheus/PrometheusAgent no operator of the inputs reconciles: its additionalScrapeConfigs
    (still validated: they run once the operator is fixed), marked unrun (PromConfig.unrun_why)."""
    config = PromConfig(runner_obj.path, runner_obj.doc, "operator", runner=runner_obj,
                        unrun_why=_unreconciled_why(workspace, scope, [runner_obj]))
    extra, problems = additional_scrape_configs(workspace, runner_obj, config, limits)
    config.jobs.extend(extra)
    findings.extend(problems)
    return config


def selects_a_monitor(workspace: Workspace, runner: K8sObject) -> bool:
    """Whether the runner's selectors take in any monitor of the inputs (by labels and namespace; where its operator
    watches is not asked): those monitors' KS100 already names a runner no operator reconciles."""
    spec = as_map(runner.doc.get("spec"))
    for kind, (selector_key, ns_key, _source) in MONITOR_KINDS.items():
        node = spec.get(selector_key)
        if node is None:
            continue
        if any(_selects(node, monitor.labels) and _namespace_selects(workspace, runner, spec.get(ns_key), monitor.namespace)
               for monitor in _operator_objects(workspace, kind)):
            return True
    return False


# The Grafana Agent operator's MetricsInstance selects the Prometheus Operator's ServiceMonitors, PodMonitors and
# Probes with the selector pairs a Prometheus has, a null namespace selector meaning its own namespace (grafana/agent
# pkg/operator/apis/monitoring/v1alpha1/types_metrics.go); a GrafanaAgent then runs them (unreadcrds: KS007).
GRAFANA_AGENT_INSTANCE = ("monitoring.grafana.com/", "MetricsInstance")
GRAFANA_AGENT_MONITOR_KINDS = ("ServiceMonitor", "PodMonitor", "Probe")


def grafana_agent_instance(workspace: Workspace, monitor: K8sObject) -> K8sObject | None:
    """The first MetricsInstance of the inputs that selects the monitor, if any."""
    if monitor.kind not in GRAFANA_AGENT_MONITOR_KINDS:
        return None
    group, kind = GRAFANA_AGENT_INSTANCE
    selector_key, ns_key, _source = MONITOR_KINDS[monitor.kind]
    for instance in workspace.kind(kind):
        spec = as_map(instance.doc.get("spec"))
        if (instance.api_version.startswith(group) and _selects(spec.get(selector_key), monitor.labels)
                and _namespace_selects(workspace, instance, spec.get(ns_key), monitor.namespace)):
            return instance
    return None


def otel_prometheus_cr(collector: K8sObject) -> YMap | None:
    """spec.targetAllocator.prometheusCR of an OpenTelemetryCollector whose target allocator watches the Prometheus
    Operator's monitors (targetAllocator.enabled and prometheusCR.enabled), else None."""
    if not collector.api_version.startswith("opentelemetry.io/"):
        return None
    allocator = as_map(get_path(collector.doc, "spec", "targetAllocator"))
    prometheus_cr = allocator.get("prometheusCR")
    if allocator.get("enabled") is not True or not isinstance(prometheus_cr, YMap) or prometheus_cr.get("enabled") is not True:
        return None
    return prometheus_cr


def _allocator_selects(workspace: Workspace, collector: K8sObject, prometheus_cr: YMap, monitor: K8sObject) -> bool:
    """Whether the allocator's prometheusCR selects the monitor. v1alpha1 selectors are label maps, absent or empty
    meaning all; a v1beta1 LabelSelector absent is left undecided (not selected), written is matched as the operator
    does. An absent namespace selector means every namespace: the allocator's default is `{}`
    (opentelemetry-operator cmd/otel-allocator/internal/config/config.go CreateDefaultConfig)."""
    selector_key, ns_key, _source = MONITOR_KINDS[monitor.kind]
    node = prometheus_cr.get(selector_key)
    if collector.api_version.startswith("opentelemetry.io/v1alpha1"):
        labels = as_map(node)
        selected = all(as_str(monitor.labels.get(k), None) == as_str(v) for k, v in labels.items())
    else:
        selected = node is not None and _selects(node, monitor.labels)
    namespaces = prometheus_cr.get(ns_key)
    return selected and (namespaces is None or _namespace_selects(workspace, collector, namespaces, monitor.namespace))


def otel_allocator_collector(workspace: Workspace, monitor: K8sObject) -> K8sObject | None:
    """The first OpenTelemetryCollector of the inputs whose target allocator's prometheusCR selects the monitor."""
    for collector in workspace.kind("OpenTelemetryCollector"):
        prometheus_cr = otel_prometheus_cr(collector)
        if prometheus_cr is not None and _allocator_selects(workspace, collector, prometheus_cr, monitor):
            return collector
    return None


def unread_runner(workspace: Workspace, monitor: K8sObject) -> K8sObject | None:
    """What runs a monitor in a way this tool does not model (KS007): a Grafana Agent MetricsInstance that selects
    it, or an OpenTelemetryCollector whose target allocator does."""
    return grafana_agent_instance(workspace, monitor) or otel_allocator_collector(workspace, monitor)


def _null_selectors(workspace: Workspace, kind: str) -> str:
    """The runners whose selector for `kind` is absent or null: the operator then selects no monitor of that kind
    (a null LabelSelector matches nothing; `{}` matches all), the usual reason a monitor is left out."""
    selector_key = MONITOR_KINDS[kind][0]
    found = {f"{o.kind} {o.namespace}/{o.name}": misspelling_of(o.doc.get("spec"), o.kind, selector_key)
             for runner_kind in RUNNER_KINDS for o in _operator_objects(workspace, runner_kind)
             if as_map(o.doc.get("spec")).get(selector_key) is None}
    if not found:
        return ""
    runners = list(found)
    shown = ", ".join(runners[:3]) + (f" and {len(runners) - 3} more" if len(runners) > 3 else "")  # a message, not a list
    # A misspelt selector (KS602 at the key) is why it is missing: say so here too, so the two findings agree.
    typos = [f'{runner + " writes it" if len(found) > 1 else "written"} "{typo}", a field the CRD does not define'
             for runner, typo in found.items() if typo][:3]
    written = f" ({'; '.join(typos)})" if typos else ""
    # The operator's deprecated mode: no monitor selector at all leaves the whole configuration to the user.
    left_to_user = [f"{o.kind} {o.namespace}/{o.name} (Secret {o.namespace}/prometheus-{o.name}, key prometheus.yaml.gz)"
                 for o in _operator_objects(workspace, "Prometheus")
                 if f"{o.kind} {o.namespace}/{o.name}" in found and unmanaged(workspace, o)][:3]
    mode = (f"; with no monitor selector at all the operator leaves the configuration of {', '.join(left_to_user)} to "
            f"the user: it never writes that Secret" if left_to_user else "")
    return (f"{shown} {'has' if len(runners) == 1 else 'have'} no spec.{selector_key}{written}, which selects no "
            f"{kind}; `{selector_key}: {{}}` selects them all{mode}")


def unmanaged(workspace: Workspace, runner: K8sObject) -> bool:
    """A Prometheus whose configuration the operator leaves to the user: none of the four monitor selectors is set
    (null or absent), and the operator runs without --disable-unmanaged-prometheus-configuration. It then generates
    no configuration at all and only makes sure the Secret prometheus-<name> exists, empty
    (pkg/prometheus/server/operator.go createOrUpdateConfigurationSecret: "leaving configuration unmanaged") — its
    additionalScrapeConfigs are never loaded either (prometheus-operator#2452, #2840). A PrometheusAgent has no
    such mode. The flag (default false) counts only when every operator Deployment of the inputs sets it: one
    that may run elsewhere, or another that does not, keeps the deprecated mode. scrapeConfigSelector counts from
    operator v0.69.0 only (scrape_config_selector_ignored)."""
    if runner.kind != "Prometheus":
        return False
    spec = as_map(runner.doc.get("spec"))
    ignored = ("scrapeConfigSelector",) if scrape_config_selector_ignored(workspace, runner) else ()
    return (all(spec.get(selector) is None for selector, _ns, _source in MONITOR_KINDS.values() if selector not in ignored)
            and not _unmanaged_mode_disabled(workspace))


# The first operator release whose unmanaged-mode test counts spec.scrapeConfigSelector: before it (the selector
# came with the ScrapeConfig CRD in v0.65.0), createOrUpdateConfigurationSecret tested the ServiceMonitor, PodMonitor
# and Probe selectors only, so a Prometheus selecting ScrapeConfigs alone was left unmanaged and ran none of them
# (prometheus-operator#5928; CHANGELOG 0.69.0: "Don't enable Prometheus unmanaged mode when only
# `.spec.scrapeConfigSelector` is defined. #5941").
SCRAPE_CONFIG_SELECTOR_COUNTS_SINCE = (0, 69, 0)


def scrape_config_selector_ignored(workspace: Workspace, runner: K8sObject) -> str:
    """The operator image(s) of the inputs that reconcile `runner` when every one of them runs a release older than
    SCRAPE_CONFIG_SELECTOR_COUNTS_SINCE (its tag says so), else "": with no operator in the inputs that reconciles it,
    or one whose tag tells no version (`latest`, a digest), the current behaviour is assumed, as everywhere else.
    Only the operators that reconcile this Prometheus decide (_reconciles): a newer one scoped to other namespaces
    or instances leaves it to the old one."""
    operators = [(image, version) for words, image, version in _operators(workspace) if _reconciles(words, runner)]
    old = bool(operators) and all(v is not None and v < SCRAPE_CONFIG_SELECTOR_COUNTS_SINCE for _i, v in operators)
    return ", ".join(dict.fromkeys(image for image, _v in operators)) if old else ""


def _operators(workspace: Workspace) -> list[tuple[list[str], str, tuple[int, int, int] | None]]:
    """(command line, image, release) of every prometheus-operator container of the inputs, found once."""
    def build() -> list[tuple[list[str], str, tuple[int, int, int] | None]]:
        return [(container.command + container.args, container.image, _image_version(container.image))
                for template in workspace.workloads for container in template.containers
                if is_prometheus_operator(container)]

    return workspace.index("prometheus-operator-versions", build)


def reconciled(workspace: Workspace, runner: K8sObject) -> bool:
    """Whether a prometheus-operator of the inputs reconciles the Prometheus or PrometheusAgent `runner` (_reconciles);
    with none in the inputs it may run anywhere, and is taken to run."""
    operators = _operators(workspace)
    return not operators or any(_reconciles(words, runner) for words, _image, _version in operators)


def runner_watches(workspace: Workspace, runner: K8sObject) -> list[tuple[frozenset[str], frozenset[str]]] | None:
    """Where the prometheus-operators that reconcile `runner` watch monitors: one (--namespaces, --deny-namespaces)
    pair per operator, or None when one of them (or, with no operator in the inputs, any) watches every namespace.
    Each operator picks monitors from its own informers (pkg/prometheus/server/operator.go: the ServiceMonitor,
    PodMonitor, Probe and ScrapeConfig informers take its AllowList/DenyList), so a monitor only another operator
    watches is never in this runner's config, whatever the union of the operators' namespaces says."""
    pairs = []
    for words, _image, _version in _operators(workspace):
        if not _reconciles(words, runner):
            continue
        allow, deny = frozenset(_flag_list(words, "namespaces")), frozenset(_flag_list(words, "deny-namespaces"))
        if not allow and not deny:
            return None
        pairs.append((allow, deny))
    return pairs or None


def watched_by(pairs: list[tuple[frozenset[str], frozenset[str]]] | None, namespace: str) -> bool:
    return pairs is None or any((not allow or namespace in allow) and namespace not in deny for allow, deny in pairs)


def _reconciles(words: list[str], runner: K8sObject, by_labels: bool = True, by_id: bool = True) -> bool:
    """Whether a prometheus-operator started with `words` reconciles the Prometheus `runner` (cmd/operator/main.go):
    its namespace is in --prometheus-instance-namespaces, which takes precedence over --namespaces (else in that
    allow list, else not in --deny-namespaces), its labels match --prometheus-instance-selector, and its
    operator.prometheus.io/controller-id annotation equals --controller-id (controller_id_matches).
    `by_labels=False` / `by_id=False`: without that test (which runners the selector or the id is why)."""
    from .k8sselector import label_selector_matches

    allowed = _flag_list(words, "prometheus-instance-namespaces") or _flag_list(words, "namespaces")
    if allowed and runner.namespace not in allowed:
        return False
    if not allowed and runner.namespace in _flag_list(words, "deny-namespaces"):
        return False
    if by_id and not controller_id_matches(words, runner):
        return False
    selector = go_flag(words, "prometheus-instance-selector") if by_labels else None
    return not selector or label_selector_matches(selector, runner.labels)


# The annotation that ties a Prometheus, PrometheusAgent, Alertmanager or ThanosRuler to one operator
# (Documentation/proposals/implemented/202309-controller-id.md; pkg/operator/resource_reconciler.go).
CONTROLLER_ID_ANNOTATION = "operator.prometheus.io/controller-id"


def controller_id_matches(words: list[str], runner: K8sObject) -> bool:
    """ResourceReconciler.isManagedByController (pkg/operator/resource_reconciler.go): the object's
    operator.prometheus.io/controller-id annotation (absent: "") must equal the operator's --controller-id (default
    ""), exactly — an operator with an id runs only objects annotated with it, one without runs only objects
    without the annotation (or with it empty)."""
    return as_str(runner.annotations.get(CONTROLLER_ID_ANNOTATION)) == (go_flag(words, "controller-id") or "")


def _image_version(image: str) -> tuple[int, int, int] | None:
    """The release an image's tag names (`…/prometheus-operator:v0.68.0`, Bitnami's `0.68.0-debian-11-r0`), or None."""
    tag = image.split("@")[0].rsplit("/", 1)[-1].partition(":")[2]
    match = re.match(r"v?(\d+)\.(\d+)\.(\d+)(?:$|[-+])", tag)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def _unmanaged_mode_disabled(workspace: Workspace) -> bool:
    def build() -> bool:
        settings = [go_flag(container.command + container.args, "disable-unmanaged-prometheus-configuration",
                            boolean=True) in GO_TRUE
                    for template in workspace.workloads for container in template.containers
                    if is_prometheus_operator(container)]
        return bool(settings) and all(settings)

    return workspace.index("prometheus-operator-unmanaged-disabled", build)


def _label_misses(workspace: Workspace, kind: str, monitor: K8sObject) -> list[tuple[K8sObject, LabelSelector, dict, bool]]:
    """The runners whose label selector for `kind` is set but does not match the monitor's labels: (runner, its
    selector, the matchLabels the monitor lacks, whether the runner looks in the monitor's namespace). A null
    selector is _null_selectors' reason."""
    selector_key, ns_key, _source = MONITOR_KINDS[kind]
    misses = []
    for runner_kind in RUNNER_KINDS:
        for runner in _operator_objects(workspace, runner_kind):
            spec = as_map(runner.doc.get("spec"))
            node = spec.get(selector_key)
            if node is None or _selects(node, monitor.labels):
                continue
            selector = LabelSelector.from_node(node)
            lacking = {key: value for key, value in selector.match_labels.items()
                       if as_str(monitor.labels.get(key), None) != value}
            misses.append((runner, selector, lacking,
                           _namespace_selects(workspace, runner, spec.get(ns_key), monitor.namespace)))
    return misses


def _label_excludes(workspace: Workspace, kind: str, monitor: K8sObject) -> str:
    """The runners whose label selector for `kind` is set but does not match the monitor's labels, with the
    matchLabels it lacks — kube-prometheus-stack's Prometheus selects `release: <release name>` only
    (serviceMonitorSelectorNilUsesHelmValues), the usual reason a monitor written outside the chart is never
    scraped. Only runners that look in the monitor's namespace: the others are not the one meant to select it."""
    selector_key = MONITOR_KINDS[kind][0]
    reasons = []
    for runner, _selector, lacking, in_namespace in _label_misses(workspace, kind, monitor):
        if not in_namespace:
            continue  # a runner that does not look in the monitor's namespace is not the one meant to select it
        labels = [f"{key}={value}" for key, value in lacking.items()]
        what = (f"requires the label{'s' if len(labels) > 1 else ''} {', '.join(labels)}, which "
                f"{kind} {monitor.namespace}/{monitor.name} does not carry" if labels
                else f"does not match the labels of {kind} {monitor.namespace}/{monitor.name}")
        reasons.append(f"{runner.kind} {runner.namespace}/{runner.name}'s spec.{selector_key} {what}")
    reasons = list(dict.fromkeys(reasons))  # the same runner defined in several files
    return "; ".join(reasons[:3]) + (f" and {len(reasons) - 3} more" if len(reasons) > 3 else "")  # a message, not a list


def label_selection_fix(workspace: Workspace, monitor: K8sObject) -> str:
    """KS100's fix for a monitor that one Prometheus/PrometheusAgent would select but for matchLabels it lacks
    (and whose namespace it does select): the labels to add, written out. "" when the selectors leave it out for
    another reason, or several runners would each want other labels."""
    if monitor.kind not in MONITOR_KINDS:
        return ""  # a VictoriaMetrics scrape object: vmoperator.unselected_why says what leaves it out
    selector_key = MONITOR_KINDS[monitor.kind][0]
    wanted = _label_fix(workspace, monitor)
    if wanted is None:
        return ""
    runner, lacking = wanted
    labels = ", ".join(f"{key}: {_label_value(value)}" for key, value in lacking.items())
    return (f"Add `{labels}` to metadata.labels of {monitor.kind} {monitor.namespace}/{monitor.name}: "
            f"{runner.kind} {runner.namespace}/{runner.name} selects {monitor.kind}s by "
            f"{'them' if len(lacking) > 1 else 'it'} (spec.{selector_key}).")


def _namespace_excludes(workspace: Workspace, kind: str, monitor: K8sObject) -> str:
    """The runners whose label selector for `kind` matches the monitor but whose namespace selector leaves its
    namespace out — a null one selects only the runner's own namespace (the operator's default, and the usual
    reason a monitor written in the application's namespace is never scraped)."""
    selector_key, ns_key, _source = MONITOR_KINDS[kind]
    reasons = []
    for runner_kind in RUNNER_KINDS:
        for runner in _operator_objects(workspace, runner_kind):
            spec = as_map(runner.doc.get("spec"))
            if not _selects(spec.get(selector_key), monitor.labels):
                continue
            name = f"{runner.kind} {runner.namespace}/{runner.name}"
            if spec.get(ns_key) is None:
                if monitor.namespace == runner.namespace:
                    continue  # its own namespace: selected there (something else leaves the monitor out)
                reasons.append(f"{name} has no spec.{ns_key}, which selects {kind}s only in its own namespace "
                               f"{runner.namespace}; `{ns_key}: {{}}` selects every namespace")
            elif not _namespace_selects(workspace, runner, spec.get(ns_key), monitor.namespace):
                reasons.append(namespace_selector_miss(workspace, name, ns_key, spec.get(ns_key), monitor.namespace))
    shown = "; ".join(reasons[:3]) + (f" and {len(reasons) - 3} more" if len(reasons) > 3 else "")  # a message, not a list
    return shown


def namespace_selection_fix(workspace: Workspace, monitor: K8sObject) -> str:
    """KS100's fix for a monitor that one Prometheus/PrometheusAgent selects by its labels but whose namespace that
    runner's (set) namespace selector leaves out for matchLabels the Namespace lacks: the Namespace and the exact
    labels to give it — or, when its manifest is not in the inputs, the labels it must carry. "" when several
    runners would want other labels, or adding the labels would not do (a matchExpressions that still excludes)."""
    if monitor.kind not in MONITOR_KINDS:
        return ""
    ns_key = MONITOR_KINDS[monitor.kind][1]
    namespace = workspace.find("Namespace", "", monitor.namespace)
    wanted = _namespace_fix(workspace, monitor)
    if not wanted:
        return ""
    runner, lacking = wanted[0]
    labels = ", ".join(f"{key}: {_label_value(value)}" for key, value in lacking.items())
    command = " ".join(f"{key}={value}" for key, value in lacking.items())
    why = (f"{runner.kind} {runner.namespace}/{runner.name} selects {monitor.kind}s only in namespaces carrying "
           f"{'them' if len(lacking) > 1 else 'it'} (spec.{ns_key})")
    if namespace is None:
        return (f"Give Namespace {monitor.namespace} the label{'s' if len(lacking) > 1 else ''} `{labels}` "
                f"(`kubectl label namespace {monitor.namespace} {command}`) and lint its manifest with the rest: "
                f"{why}; no Namespace {monitor.namespace} manifest in the inputs shows its labels.")
    now = [f"{key}: {as_str(namespace.labels[key])}" for key in lacking if key in namespace.labels]
    has = f" (it has {', '.join(now)})" if now else ""
    return (f"Set `{labels}` in metadata.labels of Namespace {monitor.namespace}{has}: {why}; or change that "
            f"selector to take the namespace in.")


def _label_fix(workspace: Workspace, monitor: K8sObject) -> tuple[K8sObject, dict] | None:
    """The one runner that looks in the monitor's namespace and would select it with the matchLabels it lacks,
    and those labels (label_selection_fix); None when no runner, or several, would."""
    wanted = [(runner, lacking) for runner, selector, lacking, in_namespace in _label_misses(workspace, monitor.kind, monitor)
              if lacking and in_namespace and selector.matches({**monitor.labels, **lacking})]
    return wanted[0] if len(wanted) == 1 else None


def _namespace_fix(workspace: Workspace, monitor: K8sObject) -> list[tuple[K8sObject, dict]]:
    """The runners that select the monitor by its labels but whose set namespace selector leaves its namespace out
    for matchLabels the Namespace lacks, with those labels (namespace_selection_fix): empty unless every such
    runner wants the same labels (one label edit then brings the monitor to all of them)."""
    selector_key, ns_key, _source = MONITOR_KINDS[monitor.kind]
    namespace = workspace.find("Namespace", "", monitor.namespace)
    known = {**(namespace.labels if namespace is not None else {}), "kubernetes.io/metadata.name": monitor.namespace}
    wanted = []
    for runner_kind in RUNNER_KINDS:
        for runner in _operator_objects(workspace, runner_kind):
            spec = as_map(runner.doc.get("spec"))
            node = spec.get(ns_key)
            if (node is None or not _selects(spec.get(selector_key), monitor.labels)
                    or _namespace_selects(workspace, runner, node, monitor.namespace)):
                continue
            selector = LabelSelector.from_node(node)
            lacking = {key: value for key, value in selector.match_labels.items() if as_str(known.get(key), None) != value}
            if lacking and "kubernetes.io/metadata.name" not in lacking and selector.matches({**known, **lacking}):
                wanted.append((runner, lacking))
    return wanted if len({tuple(sorted(lacking.items())) for _r, lacking in wanted}) == 1 else []


def selection_fix_runners(workspace: Workspace, monitor: K8sObject) -> list[K8sObject]:
    """The Prometheus/PrometheusAgent objects that KS100's label or namespace-label fix for an unselected monitor
    brings it to: what that monitor's jobs need is what those runners' ServiceAccounts are about to use, so the
    grant rules must not advise it away (KS203, KS208). Empty when KS100 prescribes no such edit."""
    if monitor.kind not in MONITOR_KINDS:
        return []
    label = _label_fix(workspace, monitor)
    if label is not None:
        return [label[0]]
    wanted = [runner for runner, _lacking in _namespace_fix(workspace, monitor)]
    return wanted or _unset_namespace_selector_runners(workspace, monitor)


def _unset_namespace_selector_runners(workspace: Workspace, monitor: K8sObject) -> list[K8sObject]:
    """The one runner that selects the monitor by its labels but has no namespace selector, so looks only in its
    own namespace (_namespace_excludes names it and says `{}` selects every namespace: KS100's edit is on that
    runner). Empty when several runners would need that edit: which one the user means is a guess."""
    selector_key, ns_key, _source = MONITOR_KINDS[monitor.kind]
    found = [runner for runner_kind in RUNNER_KINDS for runner in _operator_objects(workspace, runner_kind)
             if runner.namespace != monitor.namespace and as_map(runner.doc.get("spec")).get(ns_key) is None
             and _selects(as_map(runner.doc.get("spec")).get(selector_key), monitor.labels)]
    return found if len(found) == 1 else []


def namespace_selector_miss(workspace: Workspace, runner: str, ns_key: str, selector_node: Any, namespace: str) -> str:
    """Why `runner`'s namespace selector (not null, not selecting `namespace`: _namespace_selects) leaves the
    namespace out, as far as the inputs tell: it does not select it when the Namespace manifest is in view or the
    selector reads only the automatic name label; otherwise its labels are unknown, which _namespace_selects counts
    as not selected — the clause says that, not that the selector excludes it."""
    selector = LabelSelector.from_node(selector_node)
    keys = set(selector.match_labels) | {as_str(e.get("key")) for e in selector.match_expressions}
    if workspace.find("Namespace", "", namespace) or keys <= {"kubernetes.io/metadata.name"}:
        return f"{runner}'s spec.{ns_key} does not select namespace {namespace}"
    return (f"{runner}'s spec.{ns_key} selects namespaces by labels, and no Namespace {namespace} manifest in the "
            f"inputs shows its labels")


def _operator_skips(why: str) -> str:
    """A job's `rejected` says who leaves it out (the report prints it as is): here the operator."""
    return f"the operator leaves it out: {why}" if why else ""


def _rejection(runner_spec: YMap, runner: RunnerView, monitor: K8sObject, config: PromConfig,
               invalid: dict[int, bool]) -> str:
    """Why the operator leaves `monitor` out of this Prometheus' config (resource_selector.go check*, each failure
    "skipping object" with an InvalidConfiguration event), or "": file access that arbitraryFSAccessThroughSMs
    denies (KS603), a scrape class the Prometheus does not define (KS601), relabelings, a scrapeTimeout or a
    ScrapeConfig SD entry the operator refuses (KS601). The first two are recorded on the config for their findings."""
    refused = _file_access_refused(runner_spec, monitor) if monitor.kind == "ServiceMonitor" else []
    if refused:
        config.rejected.extend(refused)
        return "arbitraryFSAccessThroughSMs.deny refuses its file access (KS603)"
    class_name = get_path(monitor.doc, "spec", "scrapeClass")
    if isinstance(class_name, str) and class_name and class_name not in (runner.scrape_classes or {}):
        # validateScrapeClass: "scrapeClass %q not found in Prometheus scrapeClasses"
        config.unknown_scrape_class.append(monitor)
        return f"scrapeClass {class_name!r} is not defined by {config.describe} (KS601)"
    too_new = _actions_too_new(config, monitor)
    if too_new:
        config.actions_too_new.append((monitor, too_new))
        return (f"the operator refuses its relabel action {too_new[0][2]!r} for a Prometheus older than "
                f"{'.'.join(map(str, too_new[0][3]))} (KS601)")
    if id(monitor) not in invalid:
        from .promvalidate import validate_monitor  # only operator inputs need the relabel validator

        # only the operator's own refusals: a setting Prometheus refuses fails the whole generated config instead
        invalid[id(monitor)] = any(f.data.get("check", "").startswith("operator-") for f in validate_monitor(monitor))
    return "the operator refuses its configuration (KS601)" if invalid[id(monitor)] else ""


def _actions_too_new(config: PromConfig, monitor: K8sObject) -> list:
    """The monitor's relabel rules whose action the runner's Prometheus 2.x release predates
    (promvalidate.monitor_actions_too_new); empty for a 3.x or an unknown release."""
    from .promvalidate import monitor_actions_too_new, runner_release

    release = runner_release(config.runner)
    if release is None or release.version[0] != 2:
        return []
    return monitor_actions_too_new(monitor, release.version)


def _file_access_refused(runner_spec: YMap, monitor: K8sObject) -> list[tuple[K8sObject, Span, str]]:
    """pkg/prometheus/resource_selector.go testForArbitraryFSAccess: with arbitraryFSAccessThroughSMs.deny, an
    endpoint that reads a file (bearerTokenFile, tlsConfig ca/cert/key files) gets its ServiceMonitor rejected."""
    if get_path(runner_spec, "arbitraryFSAccessThroughSMs", "deny") is not True:
        return []
    refused = []
    for endpoint in as_seq(get_path(monitor.doc, "spec", "endpoints")):
        if not isinstance(endpoint, YMap):
            continue
        for holder, key in file_fields(endpoint):
            if as_str(holder.get(key)):
                label = key if holder is endpoint else f"tlsConfig.{key}"
                refused.append((monitor, key_span(monitor.path, holder, key), label))
    return refused


def additional_scrape_configs(workspace: Workspace, runner: K8sObject, config: PromConfig, limits: Limits) -> tuple[list[ScrapeJob], list]:
    """`spec.additionalScrapeConfigs: {name, key}` → the Secret's key holds a YAML list of scrape configs."""
    ref = as_map(get_path(runner.doc, "spec", "additionalScrapeConfigs"))
    name, key = as_str(ref.get("name")), as_str(ref.get("key"))
    if not name or not key:
        return [], []
    secret = workspace.find("Secret", runner.namespace, name)
    if secret is None:
        return [], []
    text, position = holder_value(secret, key, workspace.source_text(secret.path))
    if text is None:
        return [], []
    left = f"{runner.kind} {runner.namespace}/{runner.name}" if unmanaged(workspace, runner) else ""
    return scrape_config_list(workspace, secret.path, text, position, config, limits, f"in Secret {name} key {key}",
                              unmanaged_by=left)


def additional_config_keys(workspace: Workspace) -> set[tuple[str, str, str]]:
    """(namespace, Secret name, key) of every Secret key an operator reads as additional scrape configs: each
    Prometheus's, PrometheusAgent's and VMAgent's `spec.additionalScrapeConfigs`, a Secret of its namespace."""
    keys = set()
    for kind in (*RUNNER_KINDS, "VMAgent"):
        for runner in workspace.kind(kind):
            ref = as_map(get_path(runner.doc, "spec", "additionalScrapeConfigs"))
            name, key = as_str(ref.get("name")), as_str(ref.get("key"))
            if name and key:
                keys.add((runner.namespace, name, key))
    return keys


def scrape_config_list(workspace: Workspace, path: str, text: str, position: Any, config: PromConfig, limits: Limits,
                       where: str, inline: bool = False, unmanaged_by: str = "") -> tuple[list[ScrapeJob], list]:
    """The jobs of a YAML list of scrape configs written as a string in `path` (an additionalScrapeConfigs Secret
    key, a VMAgent's inlineScrapeConfig), positioned in that file by `position`; its parse problems say `where`.
    `unmanaged_by`: the Prometheus whose configuration is left to the user (unmanaged), which the operator does not
    read this text for yet."""
    documents, problems, status = parse_text(path, text, limits, position)
    for problem in problems:
        problem.message = f"{where}: {problem.message}"
    jobs = []
    if status == "linted":
        source = workspace.source(path)
        refused = _not_a_list(path, documents[:1], where, "inline additional" if inline else "additional", unmanaged_by)
        for document in documents:
            if source is not None:
                keep_written_strings(source, _meant_jobs(document.root))
            for node in _meant_jobs(document.root):
                if isinstance(node, YMap):
                    jobs.append(build_job(path, node, config, "config"))
        if refused:
            # The operator's sync fails (KS601), so these jobs do not run; they are kept as the user meant them,
            # rejected, as a monitor refused for KS603 is: their needs stay needs (KS203 does not tell to delete
            # the grants the fix needs again) and their access findings wait for the fix.
            for job in jobs:
                job.rejected = _operator_skips("its scrape configs are not a YAML list of mappings (KS601)")
        problems += refused
    return jobs, problems


def _meant_jobs(root: Any) -> YSeq | list:
    """The scrape configs a text meant to list: the list itself; a whole Prometheus config's `scrape_configs`; one
    scrape config written as a mapping (a `job_name` without the `- `). The last two fail to load (_not_a_list)."""
    if isinstance(root, YMap):
        if "scrape_configs" in root:
            return as_seq(root.get("scrape_configs"))
        return [root] if "job_name" in root else []
    return as_seq(root)


def _not_a_list(path: str, documents: list, where: str, which: str, unmanaged_by: str = "") -> list[Finding]:
    """The operators read the text as a list of scrape configs (yaml.Unmarshal into []yaml.MapSlice, first document
    only): anything else — a whole Prometheus config with `scrape_configs:`, a list item that is no mapping — fails
    ("unmarshalling additional scrape configs failed"), and their sync stops before a configuration is written.
    Not yet for an unmanaged Prometheus (`unmanaged_by`): the operator returns before it reads the Secret, and the
    failure comes with the monitor selector that makes the configuration managed."""
    for document in documents:
        root = document.root
        if root is None:  # an empty text: no jobs, no error
            continue
        if isinstance(root, YSeq):
            found = next(((item, root.item_pos(i)) for i, item in enumerate(root)
                          if item is not None and not isinstance(item, YMap)), None)
            if found is None:
                continue
            bad, pos = found
        else:
            bad, pos = root, getattr(root, "pos", document.pos)
        what = ("a mapping" + (" (a whole Prometheus config?)" if isinstance(root, YMap) and "scrape_configs" in root else "")
                if isinstance(bad, YMap) else "a list" if isinstance(bad, YSeq) else "a boolean" if isinstance(bad, bool)
                else "a number" if isinstance(bad, (int, float)) else "a string")
        return [Finding(
            "KS601", at(path, pos),
            f"{where}: the operator reads a YAML list of scrape configs here, and "
            f"{'this is ' + what if bad is root else 'an item of the list is ' + what + ', not a scrape config'}: "
            + (f"{unmanaged_by} leaves its configuration unmanaged (KS601), so the operator does not read this yet, "
               f"but once a monitor selector is set its sync fails (\"unmarshalling {which} scrape configs failed\") "
               f"before it writes the configuration, and neither these jobs nor those of the monitors it selects take "
               f"effect" if unmanaged_by else
               f"its sync fails (\"unmarshalling {which} scrape configs failed\") before it writes the "
               f"configuration, so neither these jobs nor those of the objects it selects take effect"),
            fix="Write the scrape configs as a list of mappings (`- job_name: …`), without a `scrape_configs:` key "
                "above them.")]
    return []


def _secret_keys(secret: K8sObject) -> list[str]:
    """The keys a Secret will hold once applied: `stringData` is merged into `data` by the API server."""
    return list(dict.fromkeys(as_str(k) for section in ("stringData", "data") for k in as_map(secret.doc.get(section))))


@dataclass(eq=False)
class MissingSecretRef:
    """An `additionalScrapeConfigs` reference the operator cannot load: `why` says what is missing, `error` is the
    operator's own words, `fix` how to repair it, `related` the Secrets of the inputs that show what was meant."""
    span: Span
    name: str
    key: str
    why: str
    error: str
    fix: str
    related: list[K8sObject]
    optional: bool = False  # `optional: true`: the operator loads nothing, logs at debug level, and syncs on


# Each operator's words when an additionalScrapeConfigs Secret (name, namespace) or its key is missing, and whether
# it honours `optional: true`. The VictoriaMetrics operator's build.AssetsCache.LoadKeyFromSecret never reads
# `optional`: a missing Secret or key fails its vmagent config generation all the same ("generating config for
# vmagent failed: loading additional scrape configs from Secret failed", vmagent/objects.go generateConfig).
SECRET_ERRORS = {
    "Prometheus": (True, lambda name, ns: f"secrets \"{name}\" not found",
                   lambda name, ns, key: f"key {key} could not be found in secret {name}"),
    "VMAgent": (False, lambda name, ns: f"unable to fetch secret=\"{name}\", ns=\"{ns}\": secrets \"{name}\" not found",
                lambda name, ns, key: f"expected key=\"{key}\" was not found at object=\"secret/{ns}/{name}\""),
}


def missing_additional_scrape_configs(workspace: Workspace, runner: K8sObject) -> MissingSecretRef | None:
    """pkg/k8sutil/secrets.go LoadSecretRef: unless `optional: true`, a Secret (of the runner's own namespace) or
    key that does not exist is an error, and the operator's sync stops there ("loading additional scrape configs
    from Secret failed", pkg/prometheus/server/operator.go): no configuration is generated or updated. A Secret
    absent from the inputs may be made out of band (sealed or external secrets), so that is reported only when the
    inputs show what was meant: a Secret of that name in another namespace, or one of the runner's namespace that
    holds the key (a misspelt name). With `optional: true` the same reference is no error: LoadSecretRef returns
    nothing (a debug log line) and the jobs are silently never generated — `optional` is set on the result.
    A VMAgent's reference is read the same way, except that its operator ignores `optional` (SECRET_ERRORS)."""
    spec = as_map(runner.doc.get("spec"))
    ref = spec.get("additionalScrapeConfigs")
    if not isinstance(ref, YMap):
        return None
    honours_optional, secret_error, key_error = SECRET_ERRORS.get(runner.kind, SECRET_ERRORS["Prometheus"])
    optional = ref.get("optional") is True and honours_optional
    # the fix may offer `optional: true` only where the operator honours it
    tolerate = ", or set `optional: true` if the jobs may be absent." if honours_optional else (
        " (the VictoriaMetrics operator ignores `optional: true`)." if ref.get("optional") is True else ".")
    name, key = as_str(ref.get("name")), as_str(ref.get("key"))
    if not name or not key:
        return None
    where = f"Secret {runner.namespace}/{name}"
    secret = workspace.find("Secret", runner.namespace, name)
    if secret is not None:
        keys = _secret_keys(secret)
        if key in keys:
            return None
        from .promvalidate import did_you_mean  # only a broken reference needs the suggestion

        near = did_you_mean(key, keys)
        has = f"it has {', '.join(keys)}" if keys else "it has no keys"
        return MissingSecretRef(
            at(runner.path, ref.value_pos("key") if "key" in ref else ref.pos), name, key,
            f"which has no such key ({has})", key_error(name, runner.namespace, key),
            (f"Name key {near} (the key {where} defines)" if near else f"Add key {key} to {where}, or name one of its keys")
            + (", or remove the reference if no additional jobs are meant." if optional else tolerate), [secret], optional)
    if optional:
        # An absent optional Secret is the reference's purpose (made out of band, or on some clusters only): a
        # Secret of the inputs under a near name or in another namespace is as likely another Prometheus's.
        return None
    elsewhere = [s for s in workspace.kind("Secret") if s.name == name and s.namespace != runner.namespace]
    misspelt = [s for s in workspace.kind("Secret") if s.namespace == runner.namespace and key in _secret_keys(s)]
    if elsewhere:
        why = (f"which the inputs do not define (they define Secret {elsewhere[0].namespace}/{name}, but the operator reads "
               f"it from {runner.namespace}, the namespace of the {runner.kind})")
        fix = f"Create Secret {name} in namespace {runner.namespace} (or move the {runner.kind} beside it)."
    elif misspelt:
        why = f"which the inputs do not define (Secret {runner.namespace}/{misspelt[0].name} holds key {key})"
        fix = f"Name Secret {misspelt[0].name}, or create Secret {name} in namespace {runner.namespace}."
    else:
        return None
    return MissingSecretRef(at(runner.path, ref.value_pos("name") if "name" in ref else ref.pos), name, key,
                            why, secret_error(name, runner.namespace), fix, elsewhere or misspelt, optional)


# Where each holder kind keeps a key's text, in the order the API server resolves it: (section, base64-encoded).
# A Secret's `stringData` overwrites the same key of `data` on write (core/v1 Secret.StringData); a ConfigMap's
# `binaryData` holds base64 bytes that the volume writes decoded (core/v1 ConfigMap.BinaryData), so a config
# kept there is loaded like one in `data`.
HOLDER_SECTIONS = {"Secret": (("stringData", False), ("data", True)),
                   "ConfigMap": (("data", False), ("binaryData", True))}


def holder_section(holder: K8sObject, key: str) -> str:
    """The section of a ConfigMap/Secret that holds `key` (its first section when none does)."""
    sections = HOLDER_SECTIONS.get(holder.kind, (("data", False),))
    return next((name for name, _ in sections if key in as_map(holder.doc.get(name))), sections[0][0])


def holder_value(holder: K8sObject, key: str, outer_text: str):
    """The text of a Secret or ConfigMap key (`stringData`/`data` as written, base64 `data`/`binaryData` decoded,
    gunzipped for *.gz) and a position function for parse_text: exact for plain block scalars, pinned to the key
    otherwise."""
    from .build import embedded_position

    for section, encoded in HOLDER_SECTIONS.get(holder.kind, (("data", False),)):
        values = holder.doc.get(section)
        if not isinstance(values, YMap) or not isinstance(values.get(key), str):
            continue
        if not encoded:
            return values[key], embedded_position(outer_text, values, key)
        pos = values.value_pos(key)
        try:
            raw = base64.b64decode(values[key].replace("\n", "").strip(), validate=True)
            if str(key).endswith(".gz") or raw[:2] == b"\x1f\x8b":
                import gzip  # only gzipped additionalScrapeConfigs need it

                raw = gzip.decompress(raw)
            text = raw.decode("utf-8")
        except (binascii.Error, ValueError, OSError, EOFError):
            return None, None
        return text, lambda _line, _col: pos
    return None, None
