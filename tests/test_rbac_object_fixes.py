"""Fix texts of the RBAC-object rules that depend on what the scrapers holding the rule need."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths
from manifests import prometheus_deployment, scraper_rbac

SCRAPER = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
- apiGroups: [""]
  resources: [nodes, services, endpoints, pods]
  verbs: [get, list, watch]
- apiGroups: [extensions]
  resources: [ingresses]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
---
""" + prometheus_deployment() + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: pods
      kubernetes_sd_configs:
      - role: ROLE
"""

GRAFANA = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: grafana-shares-it}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: grafana, namespace: monitoring}
"""


def _ks503_fix(tmp_path: Path, text: str) -> str:
    (tmp_path / "all.yaml").write_text(text)
    findings = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS503"]
    assert len(findings) == 1, findings
    return findings[0].fix


def test_ks503_fix_deletes_a_dead_entry_no_job_of_its_scraper_reads(tmp_path: Path) -> None:
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "pod"))
    # ingresses is the rule's only resource: the whole rule goes (an emptied `resources` is refused, KS501)
    assert fix.startswith("Delete this rule: no scrape job of monitoring/prometheus reads ingresses")
    assert 'write `apiGroups: ["networking.k8s.io"]` in this rule' in fix


def test_ks503_fix_moves_the_entry_when_a_job_discovers_it(tmp_path: Path) -> None:
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "ingress"))
    assert fix.startswith('Write `apiGroups: ["networking.k8s.io"]` in this rule')


def test_ks503_fix_moves_the_entry_when_another_subject_holds_the_rule(tmp_path: Path) -> None:
    # what Grafana's token needs is not modelled: deleting the entry could take away what it uses
    fix = _ks503_fix(tmp_path, SCRAPER.replace("ROLE", "pod") + GRAFANA)
    assert fix.startswith('Write `apiGroups: ["networking.k8s.io"]` in this rule')


def test_ks503_fix_repairs_a_misspelt_resource_a_job_needs(tmp_path: Path) -> None:
    """`Nodes` / `node` / `endpoint` beside a job that lists nodes or endpoints: the fix said "Delete this rule: no
    scrape job reads Nodes" (it looked for the misspelt name among the jobs' needs), which deletes the very grant
    the node job lacks; the entry is to be repaired. Applied, the config is clean."""
    scraper = SCRAPER.replace("[extensions]", '["networking.k8s.io"]')  # (one KS503 per config)
    node_job = scraper.replace("ROLE", "node")
    fix = _ks503_fix(tmp_path, node_job.replace("[nodes, services", "[Nodes, services"))
    assert fix == "Replace 'Nodes' with 'nodes' in `resources`."
    fix = _ks503_fix(tmp_path, node_job.replace("[nodes, services", "[node, services"))
    assert fix == "Replace 'node' with 'nodes' in `resources`."
    fix = _ks503_fix(tmp_path, scraper.replace("ROLE", "endpoints").replace(", endpoints, pods]", ", endpoint, pods]"))
    assert fix == "Replace 'endpoint' with 'endpoints' in `resources`."
    # a job that reads none of it still gets the deletion, naming the resource meant
    fix = _ks503_fix(tmp_path, scraper.replace("ROLE", "pod").replace("[nodes, services", "[Nodes, services"))
    assert fix.startswith("Delete 'Nodes' from this rule: no scrape job of monitoring/prometheus reads nodes,")


AGGREGATED = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions:
    - {key: example.com/aggregate-to-prometheus, operator: OPERATOR, VALUES}
    EXTRA
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: prometheus-parts
  labels: {example.com/aggregate-to-prometheus: "true"}
rules:
- nonResourceURLs: ["/metrics"]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: apiserver
      scheme: https
      authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      static_configs: [{targets: [kubernetes.default.svc:443]}]
---
""" + prometheus_deployment()


def _aggregated(tmp_path: Path, operator: str, values: str, extra: str = "") -> list:
    text = AGGREGATED.replace("OPERATOR", operator).replace(", VALUES", values).replace("EXTRA", extra)
    (tmp_path / "all.yaml").write_text(text)
    return lint_paths([str(tmp_path)], Options()).findings


def test_ks501_fix_of_an_exclusion_only_selector_warns_it_would_select_cluster_admin(tmp_path: Path) -> None:
    # `DoesNotExist` with values is refused; deleting `values` alone (the first half of the fix) makes the
    # ClusterRole valid and select every unlabelled ClusterRole, cluster-admin included (KS206)
    [finding] = [f for f in _aggregated(tmp_path, "DoesNotExist", ', values: ["true"]') if f.rule == "KS501"]
    assert "cluster-admin included" in finding.fix and "In/Exists expression" in finding.fix
    assert "KS206" in {f.rule for f in _aggregated(tmp_path, "DoesNotExist", "")}
    # applied in full (an In/Exists expression beside it), no KS501 and no cluster-admin
    rules = {f.rule for f in _aggregated(tmp_path, "DoesNotExist", "",
                                        "- {key: example.com/aggregate-to-prometheus, operator: Exists}")}
    assert not rules & {"KS501", "KS206"}, rules


def test_ks501_fix_of_notin_without_values_does_not_offer_exists(tmp_path: Path) -> None:
    # `Exists` means the opposite of `NotIn`; and NotIn alone selects every ClusterRole without the value
    [finding] = [f for f in _aggregated(tmp_path, "NotIn", "") if f.rule == "KS501"]
    assert "Exists`" not in finding.fix.split(".")[0] and "cluster-admin included" in finding.fix


def test_ks501_fix_without_caution_when_the_selector_names_roles(tmp_path: Path) -> None:
    [finding] = [f for f in _aggregated(tmp_path, "DoesNotExist", ', values: ["x"]',
                                        "- {key: example.com/aggregate-to-prometheus, operator: Exists}")
                 if f.rule == "KS501"]
    assert "cluster-admin" not in finding.fix


ROLE_ONLY = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules:
- RULE
"""


def _rules_after(tmp_path: Path, rule: str) -> tuple[str, set[str]]:
    (tmp_path / "all.yaml").write_text(ROLE_ONLY.replace("RULE", rule))
    findings = lint_paths([str(tmp_path)], Options()).findings
    return next((f.fix for f in findings if f.rule == "KS503"), ""), {f.rule for f in findings}


def test_ks503_fix_for_a_rules_only_resource_rewrites_the_rule_instead_of_emptying_it(tmp_path: Path) -> None:
    # moving the rule's only resource out would leave `resources: []`, which the API server refuses (KS501)
    fix, _ = _rules_after(tmp_path, '{apiGroups: [extensions], resources: [ingresses], verbs: [list, watch]}')
    assert fix == 'Write `apiGroups: ["networking.k8s.io"]` in this rule, the group that serves ingresses.'
    _, rules = _rules_after(tmp_path, '{apiGroups: [networking.k8s.io], resources: [ingresses], verbs: [list, watch]}')
    assert not rules & {"KS501", "KS503"}, rules


def test_ks503_fix_for_a_url_as_the_rules_only_resource_replaces_the_rule(tmp_path: Path) -> None:
    fix, _ = _rules_after(tmp_path, '{apiGroups: [non-resource-urls], resources: [/metrics], verbs: [get]}')
    assert fix.startswith('Replace this rule with a non-resource URL rule, without apiGroups or resources: '
                          '{nonResourceURLs: ["/metrics"], verbs: ["get"]}')
    _, rules = _rules_after(tmp_path, '{nonResourceURLs: ["/metrics"], verbs: ["get"]}')
    assert not rules & {"KS501", "KS503"}, rules


def test_ks503_moved_entry_keeps_the_rules_resource_names(tmp_path: Path) -> None:
    # without its resourceNames the moved entry would grant every Secret, not the one the rule meant
    fix, _ = _rules_after(tmp_path, '{apiGroups: [apps], resources: [deployments, secrets], resourceNames: [creds], '
                                    'verbs: [get]}')
    assert '{apiGroups: [""], resources: ["secrets"], resourceNames: ["creds"], verbs: ["get"]}' in fix


def test_ks505_fix_for_a_group_pattern_names_the_groups_it_meant_never_star(tmp_path: Path) -> None:
    # `apiGroups: ["*"]` with `resources: ["*"]` and read verbs would grant every Secret (KS204)
    (tmp_path / "all.yaml").write_text(ROLE_ONLY.replace(
        "RULE", '{apiGroups: ["*.k8s.io"], resources: ["*"], verbs: [get, list, watch]}'))
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS505"]
    assert '"discovery.k8s.io"' in finding.fix and '"networking.k8s.io"' in finding.fix
    assert '"apps"' not in finding.fix and "or use `*`" not in finding.fix
    fix, rules = _rules_after(tmp_path, '{apiGroups: ["discovery.k8s.io"], resources: ["*"], verbs: [get, list, watch]}')
    assert "KS505" not in rules


def test_ks508_fix_deletes_a_rule_whose_urls_are_all_kubelet_paths(tmp_path: Path) -> None:
    # deleting each kubelet path from the rule leaves `nonResourceURLs: []`, which the API server refuses (KS501)
    (tmp_path / "all.yaml").write_text(ROLE_ONLY.replace("RULE", '{nonResourceURLs: ["/stats/summary", "/metrics/resource"], '
                                                                  'verbs: [get]}'))
    fixes = [f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS508"]
    assert len(fixes) == 2 and all(fix.startswith("Delete this rule") for fix in fixes), fixes
    assert 'grant {apiGroups: [""], resources: ["nodes/stats"], verbs: ["get"]}' in fixes[0]
    _, rules = _rules_after(tmp_path, '{apiGroups: [""], resources: ["nodes/stats"], verbs: [get]}')
    assert not rules & {"KS501", "KS508"}, rules
    # beside a URL that does apply, only the kubelet path goes
    (tmp_path / "all.yaml").write_text(ROLE_ONLY.replace("RULE", '{nonResourceURLs: ["/metrics", "/metrics/cadvisor"], '
                                                                  'verbs: [get]}'))
    [fix] = [f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS508"]
    assert fix.startswith("Delete '/metrics/cadvisor' from nonResourceURLs")


def test_ks504_fixes_of_list_and_watch_on_a_url_rule_write_get_once() -> None:
    # both stand for `get` on a URL: replacing each with it would give `verbs: [get, get]`
    fixture = Path(__file__).parent.parent / "fixtures" / "KS504" / "fail-resource-verbs-alone-on-url-rule"
    fixes = [f.fix for f in lint_paths([str(fixture)], Options(select={"KS504"})).findings]
    assert fixes[0] == "Replace 'list' with get." and fixes[1].startswith("Delete 'watch': the get"), fixes


ROLE_BOUND_TWICE = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: prom, namespace: monitoring}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [list, watch]
URLS---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prom, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prom}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prom-2, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prom}
subjects: [{kind: ServiceAccount, name: other, namespace: monitoring}]
"""


def test_ks501_clusterrolebinding_to_role_fix_keeps_the_role_s_other_bindings_working(tmp_path: Path) -> None:
    """"make prom a ClusterRole" left the RoleBindings that refer to Role prom (roleRef kind Role, immutable)
    pointing at nothing (KS502): the fix keeps the Role for them and names them."""
    crb = ("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: prom}\n"
           "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prom}\n"
           "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    (tmp_path / "rbac.yaml").write_text(ROLE_BOUND_TWICE.replace("URLS", "") + crb)
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS501"})).findings
    assert finding.fix.startswith("Either bind Role monitoring/prom with a RoleBinding in its namespace"), finding.fix
    assert "create ClusterRole prom with the rules of Role monitoring/prom" in finding.fix
    # RoleBinding prom binds the ClusterRoleBinding's own subject: redundant once that is accepted
    assert ("then delete RoleBinding/monitoring/prom: its subjects get the same rules in every namespace through this "
            "binding; keep the Role for RoleBinding/monitoring/prom-2, which refers to it with `roleRef.kind: Role`") \
        in finding.fix
    # applied: the ClusterRoleBinding names a new ClusterRole with the Role's rules, the Role stays
    cluster_role = ("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: prom}\n"
                    "rules: [{apiGroups: [\"\"], resources: [pods], verbs: [list, watch]}]\n")
    (tmp_path / "rbac.yaml").write_text(ROLE_BOUND_TWICE.replace("URLS", "") + crb.replace("kind: Role,", "kind: ClusterRole,")
                                        + cluster_role)
    assert not lint_paths([str(tmp_path)], Options(select={"KS501", "KS502"})).findings


def test_ks501_role_with_urls_fix_names_the_subjects_it_means(tmp_path: Path) -> None:
    # "the same subjects" left the user to find the RoleBindings of the Role
    urls = "  - nonResourceURLs: [/metrics]\n    verbs: [get]\n"
    (tmp_path / "rbac.yaml").write_text(ROLE_BOUND_TWICE.replace("URLS", urls))
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS501"})).findings
    assert finding.fix.endswith("into a ClusterRole and bind it with a ClusterRoleBinding to the subjects of "
                                "RoleBinding/monitoring/prom and RoleBinding/monitoring/prom-2 (they keep the Role for "
                                "its other rules)."), finding.fix


# A scraper whose Role is bound twice in its namespace: to itself and to another ServiceAccount (agent).
SHARED_ROLE = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus, namespace: monitoring}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: prometheus, namespace: monitoring}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
URLS---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prometheus, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus}
subjects:
- {kind: ServiceAccount, name: prometheus}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: agent, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus}
subjects:
- {kind: ServiceAccount, name: agent, namespace: monitoring}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: pods
      kubernetes_sd_configs:
      - role: pod
        NAMESPACES
    - job_name: apiserver
      scheme: https
      authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      static_configs: [{targets: [kubernetes.default.svc:443]}]
---
""" + prometheus_deployment()

URL_ROLE = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus-urls}
rules: [{nonResourceURLs: ["/metrics"], verbs: ["get"]}]
"""


def _document(text: str, kind: str, name: str) -> str:
    """The YAML document of `kind` named `name` in a multi-document text (one of SHARED_ROLE's)."""
    [doc] = [d for d in text.split("---\n") if f"kind: {kind}\n" in d and f"{{name: {name}," in d]
    return doc


def _without(text: str, kind: str, name: str) -> str:
    return text.replace(_document(text, kind, name) + "---\n", "", 1)


def _lint_text(tmp_path: Path, text: str) -> list:
    (tmp_path / "all.yaml").write_text(text)
    return lint_paths([str(tmp_path)], Options()).findings


def test_ks501_role_with_urls_fix_applied_to_every_binding_makes_the_roles_grants_apply(tmp_path: Path) -> None:
    """Copied as the fix said, RoleBinding prometheus's subject (no namespace: the binding's own) made a
    ClusterRoleBinding the API server refuses (KS501) and the scraper still lacked /metrics (KS108)."""
    setup = SHARED_ROLE.replace("URLS", "- nonResourceURLs: [/metrics]\n  verbs: [get]\n").replace(
        "NAMESPACES", "namespaces: {names: [monitoring]}")
    [finding] = [f for f in _lint_text(tmp_path, setup) if f.rule == "KS501"]
    assert "to the subjects of RoleBinding/monitoring/agent and RoleBinding/monitoring/prometheus" in finding.fix
    assert "Write `namespace: monitoring` on ServiceAccount subject prometheus there" in finding.fix
    # applied: the URL rule leaves the Role for a ClusterRole bound to both bindings' subjects, namespace written
    fixed = setup.replace("- nonResourceURLs: [/metrics]\n  verbs: [get]\n", "") + URL_ROLE + """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-urls}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-urls}
subjects:
- {kind: ServiceAccount, name: agent, namespace: monitoring}
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
"""
    # the Role, accepted now, grants the pods discovery; /metrics comes from the ClusterRole
    assert not [f for f in _lint_text(tmp_path, fixed) if f.severity in ("error", "warning")]


def _crb_to_role(kind: str) -> str:
    return f"""\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {{name: prometheus-everywhere}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: {kind}, name: prometheus}}
subjects:
- {{kind: ServiceAccount, name: prometheus, namespace: monitoring}}
"""


CLUSTER_ROLE = """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
"""

URL_GRANT = URL_ROLE + """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-urls}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-urls}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
"""


def test_ks501_clusterrolebinding_to_role_fix_applied_deletes_the_binding_it_makes_redundant(tmp_path: Path) -> None:
    """Kept as the fix said, RoleBinding monitoring/prometheus granted its subject, once the ClusterRoleBinding
    was accepted, nothing the cluster-wide grant does not: KS203 on the scraper."""
    setup = SHARED_ROLE.replace("URLS", "").replace("        NAMESPACES\n", "") + _crb_to_role("Role") + URL_GRANT
    [finding] = [f for f in _lint_text(tmp_path, setup) if f.rule == "KS501"]
    assert ("; then delete RoleBinding/monitoring/prometheus: its subjects get the same rules in every namespace "
            "through this binding; keep the Role for RoleBinding/monitoring/agent, which refers to it") in finding.fix
    # applied: roleRef kind ClusterRole, ClusterRole prometheus with the Role's rules, the redundant binding deleted
    fixed = _without(setup, "RoleBinding", "prometheus").replace(_crb_to_role("Role"), _crb_to_role("ClusterRole"))
    assert not [f for f in _lint_text(tmp_path, fixed + CLUSTER_ROLE) if f.severity in ("error", "warning")]
    # the alternative in brackets: the Role dropped, agent's binding re-created with roleRef kind ClusterRole
    dropped = _without(fixed, "Role", "prometheus").replace("kind: Role, name: prometheus}", "kind: ClusterRole, name: prometheus}")
    assert "kind: Role\n" not in dropped
    assert not [f for f in _lint_text(tmp_path, dropped + CLUSTER_ROLE) if f.severity in ("error", "warning")]


REVIEWED = (Path(__file__).parent.parent / "fixtures" / "KS503" / "pass-kube-rbac-proxy-reviewed-subresource" /
            "stack.yaml").read_text()
KUBELET_MONITOR = """\
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: kubelet, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {app.kubernetes.io/name: kubelet}}
  endpoints:
    - port: https-metrics
      scheme: https
      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
      tlsConfig: {insecureSkipVerify: true}  # kubelint-scrape: ignore[KS301] kubelets self-sign their certificates
---
apiVersion: v1
kind: Service
metadata: {name: kubelet, namespace: kube-system, labels: {app.kubernetes.io/name: kubelet}}
spec:
  clusterIP: None
  ports: [{name: https-metrics, port: 10250}]
"""


def _reviewed_rule(resources: str) -> str:
    return REVIEWED.replace('resources: ["services/node-exporter"]', f"resources: {resources}")


def _serious(findings: list) -> list:
    return [f"{f.rule} {f.message}" for f in findings if f.severity in ("error", "warning")]


def test_ks503_typo_of_the_subresource_a_kube_rbac_proxy_reviews_is_corrected_to_it(tmp_path: Path) -> None:
    """`services/node-exporte` beside a kube-rbac-proxy that reviews `services/node-exporter`: the fix was "use the
    plural, lowercase resource name …, e.g. resources: ["services/node-exporte"]" — the entry unchanged."""
    [finding] = [f for f in _lint_text(tmp_path, _reviewed_rule('["services/node-exporte"]')) if f.rule == "KS503"]
    assert "(did you mean services/node-exporter?)" in finding.message
    assert finding.fix == "Replace 'services/node-exporte' with 'services/node-exporter' in `resources`."
    assert not _serious(_lint_text(tmp_path, _reviewed_rule('["services/node-exporter"]')))


def test_ks503_kubelet_subresource_typo_beside_a_reviewed_subresource(tmp_path: Path) -> None:
    # with a kubelet job, the typo is corrected (and then grants its scrape: no KS102); without one, it goes
    [finding] = [f for f in _lint_text(tmp_path, _reviewed_rule('["services/node-exporter", "nodes/metric"]')
                                       + KUBELET_MONITOR) if f.rule == "KS503"]
    assert finding.fix == "Replace 'nodes/metric' with 'nodes/metrics' in `resources`."
    assert not _serious(_lint_text(tmp_path, _reviewed_rule('["services/node-exporter", "nodes/metrics"]')
                                   + KUBELET_MONITOR))
    [finding] = [f for f in _lint_text(tmp_path, _reviewed_rule('["services/node-exporter", "nodes/metric"]'))
                 if f.rule == "KS503"]
    assert finding.fix.startswith("Delete 'nodes/metric' from this rule: no scrape job of monitoring/prometheus reads")
    assert not _serious(_lint_text(tmp_path, _reviewed_rule('["services/node-exporter"]')))


def test_ks503_unknown_subresource_with_nothing_close_is_deleted_not_repeated(tmp_path: Path) -> None:
    [finding] = [f for f in _lint_text(tmp_path, _reviewed_rule('["services/node-exporter", "pods/metricz"]'))
                 if f.rule == "KS503"]
    assert finding.fix.startswith("Delete 'pods/metricz' from this rule: it grants nothing; the subresources of pods "
                                  "are pods/attach, "), finding.fix
    assert not _serious(_lint_text(tmp_path, _reviewed_rule('["services/node-exporter"]')))


def test_ks501_role_of_urls_only_fix_deletes_what_the_move_leaves_empty(tmp_path: Path) -> None:
    """The Role held only the URL rule: moved, it has `rules: []`, bound by two RoleBindings that grant nothing."""
    setup = SHARED_ROLE.replace('- apiGroups: [""]\n  resources: [pods]\n  verbs: [list, watch]\nURLS',
                                "- nonResourceURLs: [/metrics]\n  verbs: [get]\n").replace("        NAMESPACES\n", "")
    setup = setup.replace("    - job_name: pods\n      kubernetes_sd_configs:\n      - role: pod\n", "")
    [finding] = [f for f in _lint_text(tmp_path, setup) if f.rule == "KS501"]
    assert finding.fix.endswith(" Then delete the Role, left without rules, and RoleBinding/monitoring/agent and "
                                "RoleBinding/monitoring/prometheus."), finding.fix
    fixed = _without(_without(_without(setup, "Role", "prometheus"), "RoleBinding", "prometheus"), "RoleBinding", "agent")
    fixed += URL_ROLE + """\
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus-urls}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheus-urls}
subjects:
- {kind: ServiceAccount, name: agent, namespace: monitoring}
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
"""
    assert "kind: Role\n" not in fixed and "kind: RoleBinding\n" not in fixed
    assert not [f for f in _lint_text(tmp_path, fixed) if f.severity in ("error", "warning")]


def test_ks502_fix_to_use_a_cluster_role_says_to_recreate_the_binding(tmp_path: Path) -> None:
    # A RoleBinding to a Role of another namespace: switching it to a ClusterRole changes roleRef, which the API
    # server refuses on an existing binding ("cannot change roleRef", FACTS §8).
    (tmp_path / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: monitoring}\n"
        "rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader, namespace: app}\n"
        "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\n"
        "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS502"})).findings
    assert finding.fix == ("Create Role reader in namespace app, or make it a ClusterRole and set `roleRef.kind: "
                           "ClusterRole` (delete and re-create the binding: roleRef is immutable)."), finding.fix


ROLE_READER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: monitoring}
rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: app}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]
"""


def test_ks502_cluster_role_fix_keeps_the_role_another_binding_uses(tmp_path: Path) -> None:
    """"Make it a ClusterRole" turned Role monitoring/reader into a ClusterRole, and RoleBinding monitoring/reader,
    which refers to that Role, was left dangling (KS502 again). The fix adds a ClusterRole beside the kept Role."""
    (tmp_path / "rbac.yaml").write_text(ROLE_READER)
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS502"})).findings
    assert finding.fix == ("Create Role reader in namespace app, or add a ClusterRole reader with the rules of Role "
                           "monitoring/reader (keep that Role: RoleBinding monitoring/reader refers to it) and set "
                           "`roleRef.kind: ClusterRole` (delete and re-create the binding: roleRef is immutable)."), finding.fix
    app_binding = ROLE_READER.split("---\n")[2]
    fixed = ROLE_READER.replace(app_binding, app_binding.replace("kind: Role, name: reader", "kind: ClusterRole, name: reader"))
    fixed += ("---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n"
              "rules: [{apiGroups: [''], resources: [pods], verbs: [list]}]\n")
    (tmp_path / "rbac.yaml").write_text(fixed)
    assert not lint_paths([str(tmp_path)], Options(select={"KS502"})).findings
    # the other alternative, applied: a copy of the Role in namespace app
    (tmp_path / "rbac.yaml").write_text(ROLE_READER + "---\n" + ROLE_READER.split("---\n")[0].replace("namespace: monitoring", "namespace: app"))
    assert not lint_paths([str(tmp_path)], Options(select={"KS502"})).findings



VMAGENT_WRITING = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: vmagent-config, namespace: monitoring}
data:
  scrape.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs: [{role: pod}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vmagent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: vmagent}}
  template:
    metadata: {labels: {app: vmagent}}
    spec:
      serviceAccountName: vmagent
      containers:
        - name: vmagent
          image: victoriametrics/vmagent:v1.102.0
          args: ["-promscrape.config=/config/scrape.yml", "-remoteWrite.url=http://vm:8428/api/v1/write"]
          volumeMounts: [{name: config, mountPath: /config}]
      volumes: [{name: config, configMap: {name: vmagent-config}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: vmagent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: vmagent}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [list, watch, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: vmagent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: vmagent}
subjects: [{kind: ServiceAccount, name: vmagent, namespace: monitoring}]
"""


def test_ks207_fix_naming_vmagent_applied_leaves_its_discovery_granted(tmp_path: Path) -> None:
    """KS207 names the scraper program (vmagent); its fix applied as written leaves nothing, discovery still granted."""
    (tmp_path / "a.yaml").write_text(VMAGENT_WRITING)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS207"]
    assert "vmagent never writes to the Kubernetes API" in finding.message
    assert finding.fix == 'Remove "update" from the verbs of this rule, leaving ["list", "watch"].', finding.fix
    (tmp_path / "a.yaml").write_text(VMAGENT_WRITING.replace("verbs: [list, watch, update]", "verbs: [list, watch]"))
    assert not lint_paths([str(tmp_path)], Options()).findings


def test_ks602_fix_of_a_comma_separated_rule_field_writes_each_item_and_applied_leaves_nothing(tmp_path: Path) -> None:
    # `verbs: list, watch` is one string: refused (KS602). ["list, watch"] would be accepted as one verb Kubernetes
    # does not know (KS504, whose "did you mean watch" drops list); the user meant two verbs.
    text = SCRAPER.replace("ROLE", "pod").replace("  verbs: [get, list, watch]\n- apiGroups: [extensions]",
                                                  "  verbs: list, watch\n- apiGroups: [extensions]")
    (tmp_path / "all.yaml").write_text(text)
    found = lint_paths([str(tmp_path)], Options()).findings
    assert [f.rule for f in found if f.rule in ("KS504", "KS602", "KS101")] == ["KS602", "KS101"]
    assert found[[f.rule for f in found].index("KS602")].fix == 'Write `verbs: ["list", "watch"]`.'
    assert next(f for f in found if f.rule == "KS101").fix.startswith(
        'In ClusterRole/prometheus (KS602), write `verbs: ["list", "watch"]`')
    (tmp_path / "all.yaml").write_text(text.replace("verbs: list, watch", 'verbs: ["list", "watch"]'))
    after = {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}
    assert not after & {"KS504", "KS602", "KS101"}, after


def test_ks504_fix_deletes_an_invented_verb_whose_meaning_the_rule_already_grants() -> None:
    # Kiali's `verbs: [create, post]`: "replace 'post' with create" would write create twice; `*` covers `Get`
    fixture = Path(__file__).parent.parent / "fixtures" / "KS504" / "fail-invented-verb-beside-the-verb-it-means"
    fixes = [f.fix for f in lint_paths([str(fixture)], Options(select={"KS504"})).findings]
    assert fixes == ["Delete 'post': the rule already grants create.",
                     "Delete 'Get': the rule's `*` verb already grants get."], fixes


def test_ks503_fix_deletes_a_resource_no_group_serves_instead_of_repeating_it() -> None:
    # KEDA's `external` in the core group: the old fix's "e.g." rule was the entry itself
    fixture = Path(__file__).parent.parent / "fixtures" / "KS503" / "fail-core-resource-no-group-serves"
    fixes = [f.fix for f in lint_paths([str(fixture)], Options(select={"KS503"})).findings]
    assert fixes[0].startswith("Delete 'external' from this rule: no built-in API group serves"), fixes
    assert fixes[1].startswith("Delete this rule: no built-in API group serves"), fixes
    assert not any('resources: ["external"]' in fix for fix in fixes), fixes


def test_ks503_fix_extends_the_rule_that_already_grants_the_resource_in_its_group() -> None:
    # OpenCost's core `deployments` beside an apps rule for deployments: a third rule would repeat rules[1]
    fixture = Path(__file__).parent.parent / "fixtures" / "KS503" / "fail-core-deployments-beside-an-apps-rule"
    fixes = [f.fix for f in lint_paths([str(fixture)], Options(select={"KS503"})).findings]
    # rules[1] also grants statefulsets: `get` added to its verbs would grant get statefulsets, which nothing asked
    # for, so the missing verb gets a rule of its own for deployments alone
    assert fixes == ["Delete 'deployments' from this rule: rules[1] already grants list/watch on deployments in apps; "
                     "add {apiGroups: [\"apps\"], resources: [\"deployments\"], verbs: [\"get\"]} for get (added to "
                     "rules[1]'s verbs, get would also be granted on statefulsets)."], fixes


def test_ks503_fix_adds_the_verb_to_a_sibling_rule_for_that_resource_alone(tmp_path: Path) -> None:
    fixture = Path(__file__).parent.parent / "fixtures" / "KS503" / "fail-core-deployments-beside-an-apps-rule"
    text = (fixture / "rbac.yaml").read_text().replace("resources: [deployments, statefulsets]", "resources: [deployments]")
    (tmp_path / "rbac.yaml").write_text(text)
    fixes = [f.fix for f in lint_paths([str(tmp_path)], Options(select={"KS503"})).findings]
    assert fixes == ["Delete 'deployments' from this rule: rules[1] already grants list/watch on deployments in apps; "
                     "add get to its verbs."], fixes


KUBE_PROMETHEUS_NAMES = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus-k8s}
rules:
- {apiGroups: [''], resources: [nodes/metrics], verbs: [get]}
- {nonResourceURLs: [/metrics, /metrics/slis], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: prometheus-k8s, namespace: monitoring}
rules: [{apiGroups: [''], resources: [services, endpoints, pods], verbs: [list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: prometheus-k8s, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus-k8s}
subjects: [{kind: ServiceAccount, name: prometheus-k8s, namespace: monitoring}]
"""


def test_ks502_no_cluster_role_fix_when_the_namesake_grants_nothing_through_a_role_binding(tmp_path: Path) -> None:
    """kube-prometheus names its ClusterRole (nodes/metrics, URLs) like its per-namespace Roles. With the Role of
    kube-system missing, "did you mean `kind: ClusterRole`?" pointed the RoleBinding at a role it gets nothing
    from in kube-system (cluster-scoped resources and URLs only), and discovery stayed denied; the fix is the Role."""
    (tmp_path / "rbac.yaml").write_text(KUBE_PROMETHEUS_NAMES)
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS502"})).findings
    assert "did you mean `kind: ClusterRole`" not in finding.message, finding.message
    assert finding.fix == ("Create Role prometheus-k8s in namespace kube-system (a copy of Role "
                           "monitoring/prometheus-k8s)."), finding.fix
    role = KUBE_PROMETHEUS_NAMES.split("---\n")[1]
    (tmp_path / "rbac.yaml").write_text(KUBE_PROMETHEUS_NAMES + "---\n" + role.replace("namespace: monitoring", "namespace: kube-system"))
    assert not lint_paths([str(tmp_path)], Options(select={"KS502"})).findings


APISERVER_JOB = scraper_rbac("""\
- apiGroups: [""]
  resources: [services, pods]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
- nonResourceURLs: ["/metrics/*"]
  verbs: [get]
""") + prometheus_deployment() + """---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus, namespace: monitoring}
data:
  prometheus.yml: |
    scrape_configs:
    - job_name: apiserver
      scheme: https
      metrics_path: PATH
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
      kubernetes_sd_configs:
      - role: endpointslice
        namespaces: {names: [default]}
      relabel_configs:
      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name, __meta_kubernetes_endpointslice_port_name]
        action: keep
        regex: default;kubernetes;https
"""


def test_ks505_metrics_slash_star_fix_replaces_it_when_no_job_reads_below(tmp_path: Path) -> None:
    """`/metrics/*` for an API server job scraping /metrics: the fix said "Add '/metrics' next to it", which, applied,
    left `/metrics/*` as a grant no job uses (KS203). With nothing below /metrics/ read, it is replaced; applied, the
    config is clean. A job that also reads /metrics/slis keeps the entry."""
    [finding] = [f for f in _lint_text(tmp_path, APISERVER_JOB.replace("PATH", "/metrics")) if f.rule == "KS505"]
    assert finding.fix == ("Replace '/metrics/*' with '/metrics': no scrape job of monitoring/prometheus reads a path "
                           "below /metrics/.")
    assert not _serious(_lint_text(tmp_path, APISERVER_JOB.replace("PATH", "/metrics").replace('["/metrics/*"]',
                                                                                               '["/metrics"]')))
    both = APISERVER_JOB.replace("PATH", "/metrics/slis").replace("- job_name: apiserver", """- job_name: apiserver-metrics
      scheme: https
      tls_config: {ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt}
      bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
      kubernetes_sd_configs:
      - role: endpointslice
        namespaces: {names: [default]}
      relabel_configs:
      - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name, __meta_kubernetes_endpointslice_port_name]
        action: keep
        regex: default;kubernetes;https
    - job_name: apiserver""")
    [finding] = [f for f in _lint_text(tmp_path, both) if f.rule == "KS505"]
    assert finding.fix.startswith("Add '/metrics' next to '/metrics/*'")
    assert not _serious(_lint_text(tmp_path, both.replace('["/metrics/*"]', '["/metrics", "/metrics/*"]')))


def test_dangling_role_ref_fix_in_a_renaming_build_writes_the_name_as_written(tmp_path: Path) -> None:
    """A binding of a namePrefix build misspells its ClusterRole: KS502's fix and the access error's fix write the
    name the role's file gives it (`prometheus`), which kustomize's nameReference rewrites to the built
    `a-prometheus` (kname.py), not the built name, which the base would then hold for every overlay."""
    (tmp_path / "base").mkdir()
    (tmp_path / "overlay").mkdir()
    (tmp_path / "base/kustomization.yaml").write_text("resources: [prometheus.yaml]\n")
    (tmp_path / "overlay/kustomization.yaml").write_text("resources: [../base]\nnamespace: team-a\nnamePrefix: a-\n")
    (tmp_path / "base/prometheus.yaml").write_text("""\
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus}
data:
  prometheus.yml: |
    scrape_configs:
      - job_name: pods
        kubernetes_sd_configs:
          - role: pod
---
""" + prometheus_deployment().replace("{name: prometheus, namespace: monitoring}", "{name: prometheus}") + """\
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: prometheus}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: prometheus}
rules:
  - {apiGroups: [""], resources: [pods], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: prometheus}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: prometheu}
subjects:
  - {kind: ServiceAccount, name: prometheus, namespace: default}
""")
    findings = lint_paths([str(tmp_path)], Options()).findings
    fixes = {f.rule: f.fix for f in findings if f.rule in ("KS101", "KS502")}
    assert set(fixes) == {"KS101", "KS502"}, [(f.rule, f.message) for f in findings]
    assert fixes["KS502"].startswith("Set `roleRef.name: prometheus` (the kustomize build names it a-prometheus;"), fixes
    [ks502] = [f for f in findings if f.rule == "KS502"]
    assert "(did you mean prometheus, which the kustomize build names a-prometheus?)" in ks502.message, ks502.message
    assert "set its `roleRef.name: prometheus` (" in fixes["KS101"], fixes["KS101"]
    text = (tmp_path / "base/prometheus.yaml").read_text().replace("name: prometheu}", "name: prometheus}")
    (tmp_path / "base/prometheus.yaml").write_text(text)
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS101", "KS502")]


def test_ks501_empty_verbs_fix_offers_get_alone_for_a_subresource_and_read_verbs_for_a_resource() -> None:
    # nodes/metrics (like a nonResourceURL) is only ever read with get: list and watch on it would be unused grants.
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS501" / "fail-rule-without-api-groups-and-empty-verbs"
    [empty] = [f for f in lint_paths([str(case)], Options(select={"KS501"})).findings if "has no verbs" in f.message]
    assert empty.fix == 'Add the verbs the rule is for, e.g. `verbs: ["get"]`.'
    from kubelint_scrape.model import PolicyRule
    from kubelint_scrape.rbacvalidate import _read_verbs

    def rule(resources: tuple = (), urls: tuple = ()) -> PolicyRule:
        return PolicyRule(verbs=(), api_groups=("",) if resources else (), resources=resources, resource_names=(),
                          non_resource_urls=urls, index=0)

    assert _read_verbs(rule(resources=("pods", "nodes/metrics"))) == '["get", "list", "watch"]'
    assert _read_verbs(rule(urls=("/metrics",))) == '["get"]'


TOKEN_MINTER = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: token-minter, namespace: monitoring}
rules:
- apiGroups: [""]
  resources: ["serviceaccounts", "serviceaccounts/token"]
  resourceNames: ["scraper"]
  verbs: ["get", "create"]
"""


def test_ks510_fix_keeps_create_for_a_subresource_names_limit(tmp_path: Path) -> None:
    # create on serviceaccounts/token names its ServiceAccount, so resourceNames limit it: the fix must not delete
    # `create` from the rule (that refuses the TokenRequest for "scraper"); it adds the unnamed create beside it.
    from kubelint_scrape.model import PolicyRule
    from kubelint_scrape.rbac import Request, rule_allows

    (tmp_path / "role.yaml").write_text(TOKEN_MINTER)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS510"]
    assert "Delete 'create'" not in finding.fix, finding.fix
    assert 'Add a rule of its own without resourceNames: {apiGroups: [""], resources: ["serviceaccounts"], ' \
           'verbs: ["create"]}' in finding.fix, finding.fix
    assert "keep 'create' in this rule for serviceaccounts/token" in finding.fix
    # Applied: the added rule sits beside the old one; KS510 is gone and the named token create still allowed.
    applied = TOKEN_MINTER + '- apiGroups: [""]\n  resources: ["serviceaccounts"]\n  verbs: ["create"]\n'
    (tmp_path / "role.yaml").write_text(applied)
    assert not [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS510"]
    old = PolicyRule(verbs=("get", "create"), api_groups=("",), resources=("serviceaccounts", "serviceaccounts/token"),
                     resource_names=("scraper",), non_resource_urls=(), index=0)
    assert rule_allows(old, Request("create", "", "serviceaccounts", "token", namespace="monitoring", name="scraper"))


def test_ks104_fix_for_metrics_beside_an_uncovered_slash_star_is_ks505_s_edit(tmp_path: Path) -> None:
    """The API server job denied /metrics while its ClusterRole grants `/metrics/*`: KS104 said to add a
    `/metrics` rule and KS505 to replace the entry; applied together, the role held /metrics twice. KS505 owns the
    edit and KS104's fix is that same edit; applied, nothing serious is left."""
    found = _lint_text(tmp_path, APISERVER_JOB.replace("PATH", "/metrics"))
    [ks104] = [f for f in found if f.rule == "KS104"]
    [ks505] = [f for f in found if f.rule == "KS505"]
    assert ks104.fix.startswith("In ClusterRole/prometheus rules[")
    assert ks104.fix.endswith("(the same edit as KS505 there): " + ks505.fix[0].lower() + ks505.fix[1:]), ks104.fix
    assert "Add to" not in ks104.fix
    assert not _serious(_lint_text(tmp_path, APISERVER_JOB.replace("PATH", "/metrics").replace('["/metrics/*"]',
                                                                                               '["/metrics"]')))


def test_ks508_fix_for_a_relative_url_with_an_inner_star_names_an_exact_path(tmp_path: Path) -> None:
    """'*/metrics' lacks its leading '/', but the fix 'replace it with /*/metrics' (applied: fixtures/KS104/
    fail-star-slash-metrics-url-is-literal) left an entry that still matches only that literal path (KS505 at the
    same place, the job still denied). The fix now names the exact path; written as told, the role grants it."""
    source = Path(__file__).resolve().parent.parent / "fixtures" / "KS104" / "fail-star-slash-metrics-url-is-literal"
    for f in source.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS508"]
    assert "'/*/metrics'" not in finding.fix.split(":")[0] and "(e.g. '/metrics')" in finding.fix, finding.fix
    rbac = tmp_path / "rbac.yaml"
    rbac.write_text(rbac.read_text().replace('nonResourceURLs: ["*/metrics"]', 'nonResourceURLs: ["/metrics"]'))
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings if f.severity != "info"] == []


def test_ks508_fix_for_a_plain_relative_url_adds_the_slash(tmp_path: Path) -> None:
    (tmp_path / "rbac.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
        "rules:\n  - {nonResourceURLs: [\"metrics\"], verbs: [get]}\n")
    (finding,) = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS508"]
    assert finding.fix == "Replace 'metrics' with '/metrics'."


def test_escalation_rule_on_roles_and_clusterroles_gets_one_edit_from_ks203_ks205_ks507(tmp_path: Path) -> None:
    """A Role's [escalate, bind] on [roles, clusterroles] bound to a scraper that needs neither: KS203 deleted the
    rule, KS507 removed `clusterroles` and KS205 removed its three escalations one by one (escalate on
    clusterroles, which no RoleBinding grants, left it short of "the whole rule"). All three now delete the rule;
    deleted, none of them is left and nothing is denied."""
    from kubelint_scrape.engine import Options, lint_paths

    escalation = ('  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["roles", "clusterroles"]\n'
                  '    verbs: ["escalate", "bind"]\n')
    pods = '  - apiGroups: [""]\n    resources: ["pods"]\n    verbs: ["list", "watch"]\n'
    rbac = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: prometheus, namespace: apps}\n"
            "rules:\n" + pods + "{escalation}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
            "metadata: {name: prometheus, namespace: apps}\n"
            "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: prometheus}\n"
            "subjects: [{kind: ServiceAccount, name: prometheus, namespace: monitoring}]\n")
    (tmp_path / "prometheus.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: prometheus, namespace: monitoring}\n---\n"
        + prometheus_deployment("prometheus-config", tag="v3.5.0")
        + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus-config, namespace: monitoring}\ndata:\n"
          "  prometheus.yml: |\n    scrape_configs:\n      - job_name: pods\n        kubernetes_sd_configs:\n"
          "          - role: pod\n            namespaces: {names: [apps]}\n")
    (tmp_path / "rbac.yaml").write_text(rbac.replace("{escalation}", escalation))
    found = {f.rule: f for f in lint_paths([str(tmp_path)], Options()).findings}
    assert {"KS203", "KS205", "KS507"} <= set(found), found
    for rule in ("KS203", "KS205", "KS507"):
        assert found[rule].fix.startswith("Delete this rule from Role apps/prometheus"), (rule, found[rule].fix)
    (tmp_path / "rbac.yaml").write_text(rbac.replace("{escalation}", ""))
    left = [f for f in lint_paths([str(tmp_path)], Options()).findings]
    assert not left, [(f.rule, f.message) for f in left]
    # A rule that also grants what is no escalation (get roles) keeps the targeted wording: only the verbs go.
    (tmp_path / "rbac.yaml").write_text(rbac.replace("{escalation}", escalation.replace(
        '["escalate", "bind"]', '["get", "escalate", "bind"]')))
    [ks205] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS205"]
    assert ks205.fix.startswith("Remove escalate rbac.authorization.k8s.io/roles, bind "
                                "rbac.authorization.k8s.io/roles"), ks205.fix


def test_ks505_on_an_api_group_slash_star_says_what_it_matches_and_its_fix_grants_the_resources(tmp_path: Path) -> None:
    """`nonResourceURLs: ["/apis/metrics.eks.amazonaws.com/*"]` for jobs scraping EKS's control-plane metrics: KS505
    said it "matches paths below /apis/metrics.eks.amazonaws.com/" and to add the bare group path. Of those paths
    only the version discovery documents are non-resource requests (requestinfo.go NewRequestInfo: fewer than four
    parts under /apis); the metrics paths are resource requests, which no URL grants. The fix now deletes the rule
    (its only URL; KS203 says the same) and grants the resources KS104 asks for; applied, nothing is left."""
    case = Path(__file__).resolve().parent.parent / "fixtures/KS508/fail-eks-control-plane-metrics-path-as-url"
    text = (case / "prometheus.yaml").read_text()
    urls = ("      - /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics\n"
            "      - /apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics\n")
    assert urls in text
    (tmp_path / "prometheus.yaml").write_text(text.replace(urls, "      - /apis/metrics.eks.amazonaws.com/*\n"))
    found = lint_paths([str(tmp_path)], Options()).findings
    [ks505] = [f for f in found if f.rule == "KS505"]
    assert ("matches, of the API server's paths below /apis/metrics.eks.amazonaws.com/, only the version discovery "
            "documents") in ks505.message, ks505.message
    assert ks505.fix.startswith("Delete this rule (no scrape job of monitoring/prometheus reads a discovery document"), ks505.fix
    grant = '{apiGroups: ["metrics.eks.amazonaws.com"], resources: ["kcm/metrics", "ksh/metrics"], verbs: ["get"]}'
    assert grant in ks505.fix, ks505.fix
    assert [f.fix for f in found if f.rule == "KS203"] == ["Delete this rule from ClusterRole prometheus."]
    start = text.index("  - nonResourceURLs:")
    end = text.index("---", start)
    rule = ('  - apiGroups: ["metrics.eks.amazonaws.com"]\n    resources: ["kcm/metrics", "ksh/metrics"]\n'
            '    verbs: ["get"]\n')
    (tmp_path / "prometheus.yaml").write_text(text[:start] + rule + text[end:])
    left = {f.rule for f in lint_paths([str(tmp_path)], Options()).findings}
    assert not left & {"KS104", "KS203", "KS505", "KS508"}, left
