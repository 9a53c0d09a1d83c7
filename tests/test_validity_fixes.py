"""Fix texts of the config-validity rules (KS601, KS602, KS603), applied to the input and linted again: the
finding must go and no other validity finding may take its place."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from manifests import operator_prometheus, prometheus_deployment

VALIDITY = ("KS601", "KS602", "KS603")


def _lint(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return lint_paths([str(tmp_path)], Options()).findings


def _only(findings: list, rule: str) -> list:
    return [f for f in findings if f.rule == rule]


def _written(fix: str) -> str:
    """The `key: value` a fix says to write."""
    found = re.search(r"Write `([^`]+)`", fix)
    assert found, fix
    return found.group(1)


# a Prometheus 2 release loads the config
PROMETHEUS_V2 = prometheus_deployment("prometheus-config", tag="v2.53.0")

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: app
        PROTOCOLS
        static_configs: [{targets: ["app.shop.svc:8080"]}]
        relabel_configs:
          - {source_labels: [__address__], target_label: TARGET}
"""


def _v2(tmp_path: Path, protocols: str, target: str = "instance") -> list:
    config = CONFIGMAP.replace("PROTOCOLS", protocols).replace("TARGET", target)
    return _lint(tmp_path, {"deploy.yaml": PROMETHEUS_V2, "cm.yaml": config})


def test_ks601_protocol_fix_never_writes_a_duplicate(tmp_path: Path) -> None:
    # `Write it: PrometheusText0.0.4` named a key a list item does not have, and writing the suggestion in place
    # listed PrometheusText0.0.4 twice ("duplicated protocol in scrape_protocols")
    [finding] = _only(_v2(tmp_path, "scrape_protocols: [PrometheusText1.0.0, PrometheusText0.0.4]"), "KS601")
    assert finding.fix == 'Remove "PrometheusText1.0.0" from `scrape_protocols`: it already lists "PrometheusText0.0.4".'
    assert not _only(_v2(tmp_path, "scrape_protocols: [PrometheusText0.0.4]"), "KS601")


def test_ks601_protocol_fix_replaces_the_item(tmp_path: Path) -> None:
    [finding] = _only(_v2(tmp_path, "scrape_protocols: [PrometheusProto, PrometheusText1.0.0]"), "KS601")
    assert finding.fix == 'Replace "PrometheusText1.0.0" with "PrometheusText0.0.4" in `scrape_protocols`.'
    assert not _only(_v2(tmp_path, "scrape_protocols: [PrometheusProto, PrometheusText0.0.4]"), "KS601")


def test_ks601_target_label_fix_on_prometheus_2(tmp_path: Path) -> None:
    # Prometheus 2 validates label names the legacy way: the fix spells the same name with underscores
    [finding] = _only(_v2(tmp_path, "scrape_interval: 30s", target="k8s.address"), "KS601")
    assert _written(finding.fix) == "target_label: k8s_address"
    assert not _only(_v2(tmp_path, "scrape_interval: 30s", target="k8s_address"), "KS601")


def test_ks601_duration_fix_keeps_the_interval(tmp_path: Path) -> None:
    # "1h30" is an hour and a half missing its last unit: `scrape_interval: 30s` (the example) changed it
    config = "global: {scrape_interval: INTERVAL}\nscrape_configs: [{job_name: a, static_configs: [{targets: [a:80]}]}]\n"
    [finding] = _only(_lint(tmp_path, {"prometheus.yml": config.replace("INTERVAL", "1h30")}), "KS601")
    assert _written(finding.fix) == "scrape_interval: 1h30m"
    assert not _only(_lint(tmp_path, {"prometheus.yml": config.replace("INTERVAL", "1h30m")}), "KS601")


def test_ks601_basic_type_in_kubernetes_sd_fix_keeps_a_token(tmp_path: Path) -> None:
    # basic_auth, the fix offered, is read by no API server: the discovery would be anonymous (KS111)
    config = """\
scrape_configs:
  - job_name: pods
    kubernetes_sd_configs:
      - role: pod
        api_server: https://k8s.example.com:6443
        authorization: {TYPEcredentials_file: /etc/prometheus/k8s-token}
"""
    [finding] = _only(_lint(tmp_path, {"prometheus.yml": config.replace("TYPE", "type: Basic, ")}), "KS601")
    assert finding.fix.startswith("Delete `type:`")
    after = _lint(tmp_path, {"prometheus.yml": config.replace("TYPE", "")})
    assert not _only(after, "KS601") and not _only(after, "KS111")


MONITORS = """\
apiVersion: monitoring.coreos.com/v1alpha1
kind: ScrapeConfig
metadata: {name: nodes, namespace: monitoring}
spec:
  kubernetesSDConfigs: [{role: ROLE}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: api, namespace: monitoring}
spec:
  selector: {matchLabels: {app: api}}
  endpoints: [{port: web, interval: INTERVAL}]
"""


def test_ks602_enum_and_duration_fixes(tmp_path: Path) -> None:
    # `role: node` got `Write role: Pod` (the schema's example) instead of the value it is closest to
    findings = _only(_lint(tmp_path, {"m.yaml": MONITORS.replace("ROLE", "node").replace("INTERVAL", "1h30")}), "KS602")
    fixes = sorted(_written(f.fix) for f in findings)
    assert fixes == ["interval: 1h30m", "role: Node"]
    after = MONITORS.replace("ROLE", "Node").replace("INTERVAL", "1h30m")
    assert not _only(_lint(tmp_path, {"m.yaml": after}), "KS602")


def test_ks602_unitless_integer_duration_fix_adds_the_unit(tmp_path: Path) -> None:
    """`interval: 30` (a number) got `Write interval: "30"`: quoted it is a string but still no duration, and the
    CRD's pattern refuses it on the next run. The fix completes the unit, as for `1h30`."""
    findings = _only(_lint(tmp_path, {"m.yaml": MONITORS.replace("ROLE", "Node").replace("INTERVAL", "30")}), "KS602")
    assert [_written(f.fix) for f in findings] == ["interval: 30s"]
    after = MONITORS.replace("ROLE", "Node").replace("INTERVAL", "30s")
    assert not _only(_lint(tmp_path, {"m.yaml": after}), "KS602")


PROBE = """\
apiVersion: monitoring.coreos.com/v1
kind: Probe
metadata: {name: web, namespace: monitoring}
spec:
  prober: {url: blackbox-exporter.monitoring.svc:19115}
  module: http_2xx
  params: PARAMS
  targets: {staticConfig: {static: [https://example.com]}}
"""


def test_ks602_probe_params_mapping_fix_writes_the_list_it_means(tmp_path: Path) -> None:
    # A Probe's params are a list of {name, values}; written as a ServiceMonitor's mapping the API server refuses
    # the object with the CRD schema's type error, and the fix rewrites the user's own parameters as that list
    # (not the schema's example, which named another parameter).
    [finding] = _only(_lint(tmp_path, {"p.yaml": PROBE.replace("PARAMS", '{debug: ["true"], "x-y z": v}')}), "KS602")
    assert 'spec.params in body must be of type array: "object"' in finding.message
    written = _written(finding.fix)
    assert written == 'params: [{name: debug, values: ["true"]}, {name: "x-y z", values: ["v"]}]'
    assert not _only(_lint(tmp_path, {"p.yaml": PROBE.replace("params: PARAMS", written)}), "KS602")


def test_ks602_probe_params_fix_quotes_names_yaml_would_read_as_booleans(tmp_path: Path) -> None:
    # `{name: yes, ...}` written plain is the boolean true: the API server refused the fixed object in turn.
    [finding] = _only(_lint(tmp_path, {"p.yaml": PROBE.replace("PARAMS", '{"yes": [1], "on": [x]}')}), "KS602")
    written = _written(finding.fix)
    assert written == 'params: [{name: "yes", values: ["1"]}, {name: "on", values: ["x"]}]'
    assert not _only(_lint(tmp_path, {"p.yaml": PROBE.replace("params: PARAMS", written)}), "KS602")


def test_ks602_probe_params_with_a_key_yaml_read_as_a_boolean_keeps_the_users_parameters(tmp_path: Path) -> None:
    # `n: [1]`: YAML 1.1's key is the boolean false, the name the user wrote is unknown; the schema's example
    # (`module: http_2xx`) replaced the user's parameters with another one.
    [finding] = _only(_lint(tmp_path, {"p.yaml": PROBE.replace("PARAMS", '{debug: ["true"], n: [1]}')}), "KS602")
    assert "http_2xx" not in finding.fix and "one `{name: KEY, values: [VALUE, …]}` per key" in finding.fix


def test_ks602_probe_params_fix_in_json_is_a_json_list(tmp_path: Path) -> None:
    import json

    probe = {"apiVersion": "monitoring.coreos.com/v1", "kind": "Probe", "metadata": {"name": "web", "namespace": "monitoring"},
             "spec": {"prober": {"url": "blackbox-exporter.monitoring.svc:19115"}, "module": "http_2xx",
                      "params": {"debug": ["true"], "x-y": ["a", "b c"]},
                      "targets": {"staticConfig": {"static": ["https://example.com"]}}}}
    [finding] = _only(_lint(tmp_path, {"p.json": json.dumps(probe, indent=2)}), "KS602")
    key, _, value = _written(finding.fix).partition(": ")
    assert key == '"params"'
    probe["spec"]["params"] = json.loads(value)  # was a JSON string holding YAML flow text: a second KS602
    assert not _only(_lint(tmp_path, {"p.json": json.dumps(probe, indent=2)}), "KS602")


def test_ks602_fixes_in_a_json_file_are_json(tmp_path: Path) -> None:
    """In a .json manifest `Write verbs: ["get"]` pasted as written does not parse: the key is quoted and the value
    JSON; applied literally, the findings go."""
    role = ('{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "p", '
            '"annotations": {"prometheus.io/scrape": true}}, "rules": [{"apiGroups": [""], "resources": ["nodes"], '
            '"verbs": "get"}]}\n')
    findings = _only(_lint(tmp_path, {"role.json": role}), "KS602")
    assert sorted(_written(f.fix) for f in findings) == ['"prometheus.io/scrape": "true"', '"verbs": ["get"]']
    fixed = role.replace('"prometheus.io/scrape": true', '"prometheus.io/scrape": "true"').replace(
        '"verbs": "get"', '"verbs": ["get"]')
    assert not _only(_lint(tmp_path, {"role.json": fixed}), "KS602")


def test_ks602_name_fix_suggests_a_name_the_api_server_takes(tmp_path: Path) -> None:
    # '9prom' (a Service must start with a letter) and 'team.a' (a Namespace takes no dots) were offered unchanged
    objects = ("apiVersion: v1\nkind: Service\nmetadata: {name: SERVICE, namespace: monitoring}\nspec: {ports: [{port: 80}]}\n"
               "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: NAMESPACE}\n")
    findings = _only(_lint(tmp_path, {"o.yaml": objects.replace("SERVICE", "9prom").replace("NAMESPACE", "team.a")}), "KS602")
    names = [re.search(r"e\.g\. '([^']+)'", f.fix).group(1) for f in findings]
    assert names == ["prom", "team-a"]
    assert not _only(_lint(tmp_path, {"o.yaml": objects.replace("SERVICE", names[0]).replace("NAMESPACE", names[1])}), "KS602")


DENYING = operator_prometheus() + """---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: monitoring}
spec:
  selector: {matchLabels: {app: web}}
  endpoints:
    - port: https
      scheme: https
      tlsConfig:
        serverName: web.monitoring.svc
        TLS
"""


def test_ks603_fix_replaces_every_file_field(tmp_path: Path) -> None:
    # the generic example named a token and a CA: a client certificate and key read from files stayed rejected
    files = "certFile: /etc/prom/client.crt\n        keyFile: /etc/prom/client.key"
    [finding] = _only(_lint(tmp_path, {"p.yaml": DENYING.replace("TLS", files)}), "KS603")
    assert "`tlsConfig.certFile` with `cert: {secret:" in finding.fix
    assert "`tlsConfig.keyFile` with `keySecret: {name:" in finding.fix
    secrets = "cert: {secret: {name: web-client, key: tls.crt}}\n        keySecret: {name: web-client, key: tls.key}"
    after = _lint(tmp_path, {"p.yaml": DENYING.replace("TLS", secrets)})
    assert not [f for f in after if f.rule in VALIDITY]


def test_ks601_duplicate_remote_name_is_reported_beside_the_first_entry_s_typo(tmp_path: Path) -> None:
    # the first entry's typo hid the duplicate name (config.go Load refuses "found multiple remote write configs
    # with job name"), and the duplicate then hid the second entry's header: fixing what was reported led to a
    # second round of findings
    config = """\
remote_write:
  - {url: "http://a:8080/push", name: mimir, write_relable_configs: []}
  - {url: "http://b:8080/push", name: mimir, headers: {Authorization: Bearer abc}}
scrape_configs: [{job_name: a, static_configs: [{targets: ["a:80"]}]}]
"""
    findings = _only(_lint(tmp_path, {"prometheus.yml": config}), "KS601")
    checks = sorted(f.data.get("check", "") for f in findings)
    assert checks == ["duplicate-remote-name", "reserved-header", "schema:additional"]


KUBELET_MONITOR = operator_prometheus() + """---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kubelet, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {app.kubernetes.io/name: kubelet}}
  endpoints:
    - port: https-metrics
      scheme: https
      authorization: {credentials: {name: prometheus-token, key: token}}
      tlsConfig: {TLS}
"""


def test_ks301_fix_reads_no_file_where_the_prometheus_denies_file_access(tmp_path: Path) -> None:
    # `replace insecureSkipVerify with tlsConfig.caFile: …/ca.crt` made the operator reject the monitor (KS603)
    from kubelint_scrape.analyse import Assumptions

    [finding] = _only(_lint(tmp_path, {"p.yaml": KUBELET_MONITOR.replace("TLS", "insecureSkipVerify: true")}), "KS301")
    assert "with `tlsConfig.ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}`" in finding.fix
    (tmp_path / "p.yaml").write_text(KUBELET_MONITOR.replace("TLS", "ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}"))
    options = Options(assumptions=Assumptions(kubelet_serving_cert="cluster-ca"))
    after = lint_paths([str(tmp_path)], options).findings
    assert not [f for f in after if f.rule in ("KS301", "KS603", "KS304")]


def test_ks601_selector_fixes_keep_what_was_meant(tmp_path: Path) -> None:
    # `app: web` (YAML's habit) is app=web; a field selector cannot say `in (...)` (fields.ParseSelector takes
    # =, == and != only), so the fix says so instead of "write it as a field selector"
    config = """\
scrape_configs:
  - job_name: pods
    kubernetes_sd_configs: [{role: pod, selectors: [{role: pod, label: LABEL}]}]
  - job_name: services
    kubernetes_sd_configs: [{role: service, selectors: [{role: service, field: "metadata.name in (web, api)"}]}]
"""
    label, field = _only(_lint(tmp_path, {"prometheus.yml": config.replace("LABEL", '"app: web"')}), "KS601")
    assert _written(label.fix) == 'label: "app=web"'
    assert field.fix.startswith("Field selectors have no set operators (in, notin)")
    after = config.replace("LABEL", '"app=web"').replace("metadata.name in (web, api)", "metadata.name=web")
    assert not _only(_lint(tmp_path, {"prometheus.yml": after}), "KS601")


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_ks601_attach_metadata_fixes_applied_leave_no_unused_grant(tmp_path: Path) -> None:
    """attach_metadata fields newer than a 3.5 image: removing them, as the fix said, left their grants unused
    (three KS203); the fix now names each grant. Both alternatives applied literally leave nothing."""
    case = FIXTURES / "KS601" / "fail-attach-metadata-fields-newer-than-image"
    files = {p.name: p.read_text() for p in case.glob("*.yaml")}
    fixes = {f.data.get("field", f.message.split('"')[1]): f.fix for f in _lint(tmp_path, files) if f.rule == "KS601"}
    assert fixes == {
        "namespace": 'Remove "namespace" (and the `list`/`watch` namespaces granted for it, unless another job uses them: '
                     'KS203), or run Prometheus 3.6.0 or later instead of prom/prometheus:v3.5.0.',
        "deployment": 'Remove "deployment" (and the `list`/`watch` apps/replicasets granted for it, unless another job '
                      'uses them: KS203), or run Prometheus 3.11.0 or later instead of prom/prometheus:v3.5.0.',
        "cronjob": 'Remove "cronjob" (and the `list`/`watch` batch/jobs granted for it, unless another job uses them: '
                   'KS203), or run Prometheus 3.11.0 or later instead of prom/prometheus:v3.5.0.'}, fixes
    removed = dict(files)
    removed["cm.yaml"] = "".join(line for line in files["cm.yaml"].splitlines(True)
                                 if line.strip() not in ("namespace: true", "deployment: true", "cronjob: true"))
    removed["rbac.yaml"] = files["rbac.yaml"].replace("[pods, nodes, namespaces]", "[pods, nodes]").replace(
        "  - apiGroups: [apps]\n    resources: [replicasets]\n    verbs: [list, watch]\n", "").replace(
        "  - apiGroups: [batch]\n    resources: [jobs]\n    verbs: [list, watch]\n", "")
    assert removed["rbac.yaml"].count("apiGroups") == 1
    assert not [(f.rule, f.message) for f in _lint(tmp_path, removed)]
    upgraded = dict(files, **{"deploy.yaml": files["deploy.yaml"].replace("prom/prometheus:v3.5.0", "prom/prometheus:v3.11.0")})
    assert not [(f.rule, f.message) for f in _lint(tmp_path, upgraded)]


AGENT = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: prom, namespace: monitoring}
data:
  prometheus.yml: |
    rule_files: [/etc/rules/*.yml]
    scrape_configs:
      - job_name: app
        static_configs: [{targets: ["app:8080"]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      automountServiceAccountToken: false
      containers:
        - name: prometheus
          image: prom/prometheus:v2.53.0
          args: ["--config.file=/etc/prometheus/prometheus.yml", FLAG]
          volumeMounts: [{name: config, mountPath: /etc/prometheus}]
      volumes: [{name: config, configMap: {name: prom}}]
"""


def test_ks601_agent_mode_fix_keeps_the_other_features_in_either_flag_spelling(tmp_path: Path) -> None:
    """kingpin takes `--enable-feature agent,exemplar-storage` as two items too: that agent drew nothing. Each
    spelling's fix, applied as written, leaves nothing and keeps exemplar-storage."""
    for flag, kept in (('"--enable-feature=agent,exemplar-storage"', "--enable-feature=exemplar-storage"),
                       ('"--enable-feature", "exemplar-storage,agent"', "--enable-feature exemplar-storage")):
        (finding,) = _lint(tmp_path, {"agent.yaml": AGENT.replace("FLAG", flag)})
        written = flag.replace('"', "").replace(", ", " ")
        assert finding.fix == (f"Remove `rule_files:` from the agent's config, or remove `agent` from {written}, "
                               f"keeping the other features (`{kept}`)."), finding.fix
        fixed = AGENT.replace("FLAG", ", ".join(f'"{word}"' for word in kept.split(" ")))
        assert not _lint(tmp_path, {"agent.yaml": fixed})
        assert not _lint(tmp_path, {"agent.yaml": AGENT.replace("FLAG", flag).replace("    rule_files: [/etc/rules/*.yml]\n", "")})
    (finding,) = _lint(tmp_path, {"agent.yaml": AGENT.replace("FLAG", '"--enable-feature", "agent"')})
    assert finding.fix.endswith("or drop --enable-feature agent (both items)."), finding.fix
    assert not _lint(tmp_path, {"agent.yaml": AGENT.replace(', FLAG', "")})


def test_ks602_null_required_field_fix_replaces_the_null_and_adds_no_second_key(tmp_path: Path) -> None:
    """`selector: ~` and `spec: null` on monitors: the fix said "Replace the null with a value … Add `selector:` to
    spec …", which, followed, writes a second `selector:` beside the null one (a duplicate key, KS005). It says to
    replace the null with its example; the example written there, the monitors are valid."""
    monitors = ("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: app, namespace: monitoring}\n"
                "spec:\n  selector: ~\n  endpoints:\n    - port: web\n---\n"
                "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: app2, namespace: monitoring}\n"
                "spec: null\n")
    found = _only(_lint(tmp_path, {"monitors.yaml": monitors}), "KS602")
    assert [f.span.line for f in found] == [5, 12], found
    for finding in found:
        assert finding.fix.startswith("Replace the null of `") and "Add `" not in finding.fix, finding.fix
    fixed = monitors
    for finding, key in zip(found, ("  selector: ~", "spec: null")):
        fixed = fixed.replace(key, key.split(":")[0] + ": " + re.search(r"e\.g\. `[a-zA-Z]+: (.+?)`", finding.fix).group(1))
    after = _lint(tmp_path, {"monitors.yaml": fixed})
    assert not [f for f in after if f.rule in (*VALIDITY, "KS005")], [(f.rule, f.message) for f in after]


def test_ks601_release_fix_names_the_kustomize_images_entry_that_sets_it(tmp_path: Path) -> None:
    # The Deployment writes …prometheus:v2.53.0 and the kustomization's `images:` retags it v2.45.0: the fix said
    # "run 2.49.0 or later instead of quay.io/prometheus/prometheus:v2.45.0", and changing the Deployment's image as it says left
    # every finding (the entry retags it again). It names the entry; changing its newTag removes them.
    config = CONFIGMAP.replace("PROTOCOLS", "enable_compression: false").replace("TARGET", "instance")
    deploy = prometheus_deployment("prometheus-config", tag="v2.53.0")
    assert "image: quay.io/prometheus/prometheus:v2.53.0" in deploy
    kustomization = "resources: [cm.yaml, deploy.yaml]\nimages:\n  - name: quay.io/prometheus/prometheus\n    newTag: v2.45.0\n"
    files = {"deploy.yaml": deploy, "cm.yaml": config, "kustomization.yaml": kustomization}
    [finding] = _only(_lint(tmp_path, files), "KS601")
    assert "instead of quay.io/prometheus/prometheus:v2.45.0 (set by the `images:` entry at " in finding.fix
    assert "kustomization.yaml:3 over the image quay.io/prometheus/prometheus:v2.53.0 that Deployment prometheus writes" in finding.fix
    # as the old text read: the Deployment's image changed, the entry retags it again
    files["deploy.yaml"] = deploy.replace("v2.53.0", "v2.49.0")
    assert _only(_lint(tmp_path, files), "KS601")
    files["kustomization.yaml"] = kustomization.replace("v2.45.0", "v2.49.0")
    assert not [f for f in _lint(tmp_path, files) if f.rule in VALIDITY]
    # without a kustomization the fix names the image alone
    del files["kustomization.yaml"]
    (tmp_path / "kustomization.yaml").unlink()
    files["deploy.yaml"] = deploy.replace("v2.53.0", "v2.45.0")
    [finding] = _only(_lint(tmp_path, files), "KS601")
    assert finding.fix.endswith("or run Prometheus 2.49.0 or later instead of quay.io/prometheus/prometheus:v2.45.0.")
    # …and without `images:` entries in the inputs the written image is not looked up at all: reading it split the
    # pod's file into lines, for every pod of an older release (+30 MB of lines at 10,000 objects)
    result = lint_paths([str(tmp_path)], Options())
    assert _only(result.findings, "KS601") and all(source._lines is None for source in result.sources)
    # nor is kpatch.py imported for that lookup (a lint without Kustomize patches or images never loads it)
    code = ("import sys\nfrom kubelint_scrape.engine import Options, lint_paths\n"
            f"lint_paths([{str(tmp_path)!r}], Options())\nprint('kubelint_scrape.kpatch' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_ks601_images_entry_names_a_written_image_broken_over_lines(tmp_path: Path) -> None:
    # The Deployment's image written as a folded block or a quoted scalar continued with an escaped line break:
    # the fix read the text of its first line and named the image ">-" or "…prometheus:\" (and no entry, as none
    # retags such a name). It names the parsed value and the entry.
    config = CONFIGMAP.replace("PROTOCOLS", "enable_compression: false").replace("TARGET", "instance")
    deploy = prometheus_deployment("prometheus-config", tag="v2.53.0")
    line = "image: quay.io/prometheus/prometheus:v2.53.0"
    indent = next(text for text in deploy.splitlines() if line in text).split("image")[0]
    kustomization = "resources: [cm.yaml, deploy.yaml]\nimages:\n  - name: quay.io/prometheus/prometheus\n    newTag: v2.45.0\n"
    for written in (f"image: >-\n{indent}  quay.io/prometheus/prometheus:v2.53.0",
                    f'image: "quay.io/prometheus/prometheus:\\\n{indent}  v2.53.0"'):
        files = {"deploy.yaml": deploy.replace(line, written), "cm.yaml": config, "kustomization.yaml": kustomization}
        [finding] = _only(_lint(tmp_path, files), "KS601")
        assert ("kustomization.yaml:3 over the image quay.io/prometheus/prometheus:v2.53.0 that Deployment prometheus "
                "writes") in finding.fix, finding.fix


def test_ks605_attach_namespace_fix_on_an_image_before_3_6_upgrades_first(tmp_path: Path) -> None:
    # A namespace label read under role pod, loaded by a 3.5 image: "Add `attach_metadata: {namespace: true}`",
    # applied, made the config one 3.5 refuses (KS601: namespace added in 3.6.0). The fix says to run 3.6 first.
    config = CONFIGMAP.replace("PROTOCOLS", "kubernetes_sd_configs: [{role: pod}]").replace(
        "static_configs: [{targets: [\"app.shop.svc:8080\"]}]", "").replace(
        "[__address__], target_label: TARGET", "[__meta_kubernetes_namespace_label_team], target_label: team")
    files = {"deploy.yaml": prometheus_deployment("prometheus-config", tag="v3.5.0"), "cm.yaml": config}
    [finding] = _only(_lint(tmp_path, files), "KS605")
    assert finding.fix.startswith("Run Prometheus 3.6.0 or later instead of quay.io/prometheus/prometheus:v3.5.0 ("), finding.fix
    assert "then add `attach_metadata: {namespace: true}` to the SD config" in finding.fix
    attached = config.replace("kubernetes_sd_configs: [{role: pod}]",
                              "kubernetes_sd_configs: [{role: pod, attach_metadata: {namespace: true}}]")
    # the old fix alone: refused by 3.5
    assert _only(_lint(tmp_path, {**files, "cm.yaml": attached}), "KS601")
    files = {"deploy.yaml": files["deploy.yaml"].replace("v3.5.0", "v3.6.0"), "cm.yaml": attached}
    assert not [f for f in _lint(tmp_path, files) if f.rule in VALIDITY + ("KS605",)]
    # a 3.6 image: the fix is the attach alone
    [finding] = _only(_lint(tmp_path, {**files, "cm.yaml": config}), "KS605")
    assert finding.fix.startswith("Add `attach_metadata: {namespace: true}` to the SD config")


def test_ks601_unmanaged_fix_applied_announces_the_missing_secret(tmp_path: Path) -> None:
    """An unmanaged Prometheus whose additionalScrapeConfigs names a Secret the inputs misspell: setting a selector, as
    the fix says, makes the operator read the Secret, and KS601's sync-failure error took the warning's place
    unannounced. The fix now says so and how to name it; both parts applied leave no KS601."""
    case = FIXTURES / "KS601" / "fail-operator-unmanaged-additional-scrape-configs"
    files = {p.name: p.read_text() for p in case.glob("*.yaml")}
    fixes = {f.message.split()[1]: f.fix for f in _only(_lint(tmp_path, files), "KS601")}
    assert "Once managed" not in fixes["monitoring/k8s"]  # its Secret exists: nothing to announce
    assert fixes["monitoring/missing-secret"].endswith(
        "Once managed, the operator reads Secret monitoring/no-such-secret, which the inputs do not define (Secret "
        "monitoring/additional-scrape-configs holds key prometheus-additional.yaml), and its sync fails without it: "
        "Name Secret additional-scrape-configs, or create Secret no-such-secret in namespace monitoring."), fixes
    text = files["monitoring.yaml"]
    selected = text.replace("  podMonitorSelector: ~\n", "  podMonitorSelector: ~\n  serviceMonitorSelector: {}\n").replace(
        "  additionalScrapeConfigs: {name: no-such-secret", "  serviceMonitorSelector: {}\n"
        "  additionalScrapeConfigs: {name: no-such-secret")
    assert selected.count("serviceMonitorSelector: {}") == 2
    # the selectors alone: the announced error is the only KS601 left
    [left] = _only(_lint(tmp_path, {**files, "monitoring.yaml": selected}), "KS601")
    assert left.severity == "error" and "Secret monitoring/no-such-secret" in left.message, left.message
    named = selected.replace("{name: no-such-secret,", "{name: additional-scrape-configs,")
    assert not [(f.rule, f.message) for f in _lint(tmp_path, {**files, "monitoring.yaml": named})
                if f.severity in ("error", "warning")]


SECRET_REFERENCES = """\
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app, namespace: monitoring}
spec:
  selector: {matchLabels: {app: app}}
  endpoints:
    - port: web
      scheme: https
      basicAuth:
        username: admin
        password: {name: app-basic-auth, key: password}
    - port: admin
      scheme: https
      bearerTokenSecret: {name: app-token}
      tlsConfig:
        ca: {configMap: {name: app-ca}}
"""


def test_ks602_secret_reference_fixes_keep_the_value_and_name_the_fields_key(tmp_path: Path) -> None:
    # A string where a Secret key reference belongs (`username: admin`) was given `Write `username: {name:
    # my-secret, key: token}``: a Secret that does not exist under a key named for a token, and nothing said that
    # "admin" has to be stored somewhere; a reference without `key:` got `e.g. `key: "text"``, the string schema's
    # example. The fixes now say to store the value and offer the key the field's credential usually has.
    findings = _only(_lint(tmp_path, {"m.yaml": SECRET_REFERENCES}), "KS602")
    fixes = {f.data["path"] if "path" in f.data else f.message: f.fix for f in findings}
    assert len(findings) == 3, [f.message for f in findings]
    username = next(f.fix for f in findings if "username" in f.message)
    assert '"admin"' in username and "`username: {name: <Secret name>, key: username}`" in username, username
    token = next(f.fix for f in findings if "bearerTokenSecret.key" in f.message)
    assert "Secret app-token" in token and "`key: token`" in token, token
    ca = next(f.fix for f in findings if "ca.configMap.key" in f.message)
    assert "ConfigMap app-ca" in ca and "`key: ca.crt`" in ca, ca
    assert all("my-secret" not in fix and '"text"' not in fix for fix in fixes.values()), fixes
    # applied literally (the placeholder filled in with the Secret the user stores "admin" in): no validity finding
    fixed = (SECRET_REFERENCES.replace("username: admin", "username: {name: app-user, key: username}")
             .replace("{name: app-token}", "{name: app-token, key: token}")
             .replace("{name: app-ca}", "{name: app-ca, key: ca.crt}"))
    (tmp_path / "m.yaml").write_text(fixed)
    after = lint_paths([str(tmp_path)], Options()).findings
    assert not [f for f in after if f.rule in VALIDITY or f.severity in ("error", "warning")], \
        [f.message for f in after]


def test_ks602_tls_file_path_fix_references_the_fields_key(tmp_path: Path) -> None:
    # `cert: /etc/tls/tls.crt` in a PodMonitor got "Write `cert: {secret: {name: my-secret, key: ca.crt}}`": the
    # schema's example names the CA's key for a client certificate. Applied with the key the fix now names, no
    # validity finding is left.
    monitor = """\
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: worker, namespace: monitoring}
spec:
  selector: {matchLabels: {app: worker}}
  podMetricsEndpoints:
    - port: metrics
      scheme: https
      tlsConfig:
        cert: /etc/tls/tls.crt
        keySecret: {name: worker-client, key: tls.key}
"""
    [finding] = _only(_lint(tmp_path, {"m.yaml": monitor}), "KS602")
    assert "`cert: {secret: {name: <Secret name>, key: tls.crt}}`" in finding.fix and "/etc/tls/tls.crt" in finding.fix, \
        finding.fix
    (tmp_path / "m.yaml").write_text(monitor.replace("cert: /etc/tls/tls.crt",
                                                     "cert: {secret: {name: worker-client, key: tls.crt}}"))
    after = lint_paths([str(tmp_path)], Options()).findings
    assert not [f for f in after if f.rule in VALIDITY or f.severity in ("error", "warning")], \
        [f.message for f in after]
