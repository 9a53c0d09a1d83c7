"""Fixes and related locations of findings reproducing the real-world failure modes of FACTS §9.

The fixture snapshots (tests/test_fixtures.py) hold the concise report; the fix text a finding carries is
checked here.
"""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _findings(rule: str, case: str, **options):
    result = lint_paths([str(FIXTURES / rule / case)], Options(select={rule}, **options))
    return result.findings


def test_credentials_fix_keeps_the_endpoint_tls_config() -> None:
    # kube-scheduler self-signs: the cluster CA the fix used to add would fail with x509 errors.
    [finding] = _findings("KS106", "fail-scheduler-monitor-without-token")
    assert "bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token" in finding.fix
    assert "caFile" not in finding.fix and "tlsConfig stays" in finding.fix


def test_credentials_fix_reuses_the_discovery_credentials_of_an_external_prometheus() -> None:
    [finding] = _findings("KS106", "fail-apiserver-proxy-outside-the-cluster")
    assert "credentials_file: /opt/prometheus-2.2.1.linux-amd64/kubernetes/token" in finding.fix
    assert "ca_file: /opt/prometheus-2.2.1.linux-amd64/kubernetes/ca.crt" in finding.fix
    assert "/var/run/secrets" not in finding.fix


def test_kubelet_without_token_webhook_and_anonymous_off_answers_401() -> None:
    # prometheus-operator#976/#926: the token is sent, the kubelets have no token webhook and anonymous off → 401,
    # which the maintainers tell apart from an authorization 403.
    findings = _findings("KS106", "fail-token-unauthenticated-kubelet-x509-only",
                         assumptions=_assumptions(kubelet_authn="x509"))
    assert findings and all("401 Unauthorized" in f.message and "kubelet-authn: x509" in f.message for f in findings)
    assert all("--authentication-token-webhook" in f.fix for f in findings)


def test_adding_a_token_is_not_the_whole_fix_when_the_kubelets_ignore_tokens() -> None:
    # prometheus-operator#6517 shape: no token on a kubelet job; with kubelet-authn none or x509 a token alone would
    # only turn this KS106 into the token-ignored one, so the fix also says to enable the kubelets' token webhook.
    for authn in ("none", "x509"):
        findings = _findings("KS106", "fail-kubelet-https-without-token", assumptions=_assumptions(kubelet_authn=authn))
        assert len(findings) == 2
        assert all(f"With kubelet-authn: {authn} (assumption)" in f.fix and "--authentication-token-webhook" in f.fix
                   for f in findings)
    assert not any("--authentication-token-webhook" in f.fix for f in _findings("KS106", "fail-kubelet-https-without-token"))


def test_token_fix_for_kube_rbac_proxy_includes_the_proxy_review_grant() -> None:
    # kube-green#427: sending the token alone would trade KS106's 401 for KS112's 401 (the proxy cannot review it).
    [finding] = _findings("KS106", "fail-kube-rbac-proxy-without-token-proxy-cannot-review")
    assert "401 Unauthorized" in finding.message
    fix = finding.fix
    assert "bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token" in fix
    assert "ServiceAccount kube-green/default, which cannot create authentication.k8s.io/tokenreviews" in fix
    assert "name: system:auth-delegator" in fix and '- nonResourceURLs: ["/metrics"]' in fix
    # the proxy reviews the token before RBAC decides: its binding comes first
    assert fix.index("system:auth-delegator") < fix.index("nonResourceURLs")


def test_cluster_wide_fix_names_the_role_binding_that_binds_the_role_in_one_namespace() -> None:
    # prometheus-operator#3543: a RoleBinding binds the ClusterRole; "nothing binds it" was untrue.
    [finding] = _findings("KS105", "fail-rolebinding-for-any-namespace-servicemonitor")
    assert "lists and watches endpoints cluster-wide" in finding.message
    assert finding.fix.startswith("ClusterRole prometheus in the inputs already grants this, but only "
                                  "RoleBinding/brcm-prometheus1/prometheus binds it to brcm-prometheus1/prometheus, "
                                  "inside namespace brcm-prometheus1: bind it with a ClusterRoleBinding"), finding.fix
    assert "nothing binds it" not in finding.fix


def test_grants_a_failed_authentication_will_need_are_not_unused() -> None:
    # KS106 says: send the token (or enable the kubelet's token webhook). What the target checks then is the
    # identity's grant for it, not an unused grant to delete, nor a nodes/proxy "no job needs".
    for case in ("fail-kubelet-https-without-token", "fail-token-ignored-without-webhook-authn"):
        args = {"assumptions": _assumptions(kubelet_authn="none")} if "ignored" in case else {}
        unused = [f for f in lint_paths([str(FIXTURES / "KS106" / case)], Options(select={"KS203"}, **args)).findings]
        assert not any("nodes/metrics" in f.message for f in unused), case
    [proxy] = lint_paths([str(FIXTURES / "KS106" / "fail-apiserver-proxy-outside-the-cluster")],
                         Options(select={"KS201"})).findings
    assert "uses it only because it scrapes the kubelet through the API-server proxy" in proxy.message


def _assumptions(**values):
    from kubelint_scrape.analyse import Assumptions

    return Assumptions(**values)


def test_denial_as_the_default_account_names_the_account_that_holds_the_grants() -> None:
    # prometheus#3918: the Deployment names no serviceAccountName; RBAC is bound to monitoring/prometheus.
    findings = _findings("KS101", "fail-workload-without-service-account-name")
    assert findings
    for finding in findings:
        assert finding.fix.startswith("Set `serviceAccountName: prometheus` in the pod template of Deployment "
                                      "monitoring/prometheus-deployment")
        assert any("ClusterRoleBinding/prometheus binds" in r.message for r in finding.related)
    [kubelet] = _findings("KS102", "fail-prometheus-resource-without-service-account-name")
    assert kubelet.fix.startswith("Set `serviceAccountName: prometheus-k8s` in the spec of Prometheus monitoring/k8s")


def test_no_account_is_named_when_none_or_several_would_serve() -> None:
    # The quickstart's Deployment names its account: the fix is the grant.
    result = lint_paths([str(FIXTURES.parent / "examples" / "quickstart")], Options(select={"KS102"}))
    assert result.findings and all(not f.fix.startswith("Set `serviceAccountName") for f in result.findings)


def test_fix_names_the_component_role_an_aggregation_label_typo_leaves_out() -> None:
    findings = _findings("KS102", "fail-component-role-not-aggregated")
    assert findings
    for finding in findings:
        assert finding.fix.startswith("ClusterRole prometheus-k8s-kubelet already holds this rule, but aggregated "
                                      "ClusterRole prometheus-k8s does not select it")
        assert 'label it `rbac.monitoring.example.com/aggregate-to-prometheus: "true"`' in finding.fix


def test_related_binding_through_a_group_names_the_group(tmp_path: Path) -> None:
    source = (FIXTURES / "KS102" / "fail-kubeletstats-receiver-without-nodes-stats" / "otel-collector.yaml").read_text()
    grouped = source.replace("- kind: ServiceAccount\n  name: otel-collector\n  namespace: observability",
                             "- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:serviceaccounts:observability")
    assert grouped != source
    (tmp_path / "otel-collector.yaml").write_text(grouped)
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS102"})).findings
    assert any("to group system:serviceaccounts:observability (which observability/otel-collector is in)" in r.message
               for r in finding.related)


def test_namespaced_denial_repeats_the_role_binding_pair_of_other_namespaces() -> None:
    [finding] = _findings("KS105", "fail-monitor-in-namespace-without-its-role")
    assert finding.fix.startswith("Create in namespace staging what grants it in namespace default: a copy of "
                                  "Role default/prometheus-k8s and of RoleBinding default/prometheus-k8s")
    [plain] = _findings("KS105", "fail-namespaces-names-role-missing")
    assert plain.fix.startswith("Create in namespace checkout what grants it in namespace payments")


def test_fix_binds_an_existing_role_that_already_holds_the_rule() -> None:
    # Nothing of the identity's can be extended, but roles of the inputs hold the rules: bind the narrowest one
    # (never the wildcard cluster-reader) instead of writing a new role with the same rules.
    case = FIXTURES / "KS101" / "fail-existing-role-not-bound"
    findings = lint_paths([str(case)], Options(select={"KS101", "KS104"})).findings
    assert len(findings) == 3
    discovery = next(f.fix for f in findings if f.rule == "KS101" and "cluster-wide" in f.message)
    assert discovery.startswith("ClusterRole prometheus-discovery in the inputs already grants this, but nothing binds "
                                "it to monitoring/prometheus: bind it with a ClusterRoleBinding")
    assert "kind: ClusterRoleBinding\n" in discovery and "  name: prometheus-discovery\n" in discovery
    url = next(f.fix for f in findings if f.rule == "KS104")
    assert url.startswith("ClusterRole metrics-reader in the inputs already grants this")
    namespaced = next(f.fix for f in findings if f.rule == "KS101" and "namespace apps" in f.message)
    assert namespaced.startswith("Role apps/pod-reader in the inputs already grants this")
    assert "kind: RoleBinding\n" in namespaced and "  namespace: apps\n" in namespaced
    assert not any("cluster-reader" in f.fix for f in findings)


def test_related_rule_of_a_built_in_role_points_at_the_role_ref() -> None:
    [finding] = _findings("KS105", "fail-rolebinding-to-builtin-view-cluster-wide")
    rule = next(r for r in finding.related if "has the rule" in r.message)
    assert rule.message.startswith("built-in ClusterRole/view has the rule")
    assert (rule.span.path.endswith("rbac.yaml"), rule.span.line, rule.span.column) == (True, 9, 9)  # roleRef name


def test_mismatched_subject_related_points_at_the_value_to_correct() -> None:
    # SPEC §5: the smallest node that causes the finding — the subject's `namespace: default`, or a User's `kind:`.
    for case, line, column, text in (("fail-subject-in-default-namespace", 29, 16, "default"),
                                     ("fail-user-subject-named-like-serviceaccount", 27, 11, "User")):
        [finding] = _findings("KS108", case)
        related = next(r for r in finding.related if " names " in r.message)
        assert (related.span.line, related.span.column) == (line, column), case
        source = Path(related.span.path).read_text().splitlines()[line - 1]
        assert source[column - 1:].startswith(text), case


def test_scrape_class_settings_are_located_in_the_class() -> None:
    # KS301: the class's insecureSkipVerify is the finding's place, the class's authorization the credential, each
    # endpoint using the class a related location; KS303: the class's authorization, and a fix that says where.
    [skip] = _findings("KS301", "fail-scrape-class-shared-by-two-endpoints")
    assert (skip.span.line, skip.span.column) == (21, 9)
    assert "scrapeClass kube of Prometheus monitoring/k8s" in skip.fix
    assert [r.span.line for r in skip.related] == [22, 60, 63]
    [http] = _findings("KS303", "fail-token-from-default-scrape-class-over-http")
    assert [(r.span.line, r.span.column) for r in http.related] == [(19, 7)]
    assert http.fix.startswith("The `authorization` comes from scrapeClass token of Prometheus monitoring/k8s")


def test_direct_kubelet_fixes_record_the_skipped_verification() -> None:
    # Applying the fix must not raise KS301: the comment it writes is KS301's suppression.
    [finding] = _findings("KS209", "fail-cadvisor-through-proxy-with-nodes-metrics")
    assert "insecure_skip_verify: true  # kubelint-scrape: ignore[KS301] kubelets self-sign" in finding.fix


def test_fix_binding_an_existing_role_names_its_excess_and_the_least_privilege_rule() -> None:
    # Binding prometheus-discovery gives the scraper `get` and endpoints it never uses, which KS203 then reports:
    # the fix says so and offers the rule alone, so that applying it as written trades no finding for another.
    case = FIXTURES / "KS101" / "fail-existing-role-not-bound"
    findings = lint_paths([str(case)], Options(select={"KS101", "KS104"})).findings
    discovery = next(f.fix for f in findings if f.rule == "KS101" and "cluster-wide" in f.message)
    binding, _, alternative = discovery.partition("\nOr, for least privilege (binding it also grants ")
    assert "kind: ClusterRoleBinding\n" in binding
    assert alternative.startswith("get services, pods, discovery.k8s.io/endpointslices; get/list/watch endpoints, "
                                  "which no job of monitoring/prometheus uses: KS203):\nCreate ClusterRole "
                                  "prometheus-scrape with this rule"), alternative
    assert alternative.endswith('  - apiGroups: ["discovery.k8s.io"]\n    resources: ["endpointslices"]\n'
                                '    verbs: ["list", "watch"]')
    url = next(f.fix for f in findings if f.rule == "KS104")
    assert "Or, for least privilege" not in url  # metrics-reader grants exactly get /metrics


def test_fix_binds_an_existing_role_refused_only_for_its_api_version(tmp_path: Path) -> None:
    # A tutorial's v1beta1 ClusterRole holds every rule its jobs need; the API server refuses it for the apiVersion
    # alone (KS501), which is the whole repair: the fix binds it once that is changed, not a new role beside it.
    case = FIXTURES / "KS101" / "fail-existing-role-not-bound"
    for path in case.glob("*.yaml"):
        text = path.read_text()
        if path.name == "prometheus-rbac.yaml":
            assert text.startswith("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
                                   "  name: prometheus-discovery\n")
            text = text.replace("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io/v1beta1", 1)
        (tmp_path / path.name).write_text(text)
    findings = lint_paths([str(tmp_path)], Options(select={"KS101"})).findings
    discovery = next(f.fix for f in findings if "cluster-wide" in f.message)
    assert discovery.startswith("ClusterRole prometheus-discovery in the inputs already grants this once its apiVersion "
                                "is rbac.authorization.k8s.io/v1 (as written, `rbac.authorization.k8s.io/v1beta1`, the "
                                "API server refuses it: KS501), but nothing binds it to monitoring/prometheus")
    # An accepted role that holds the rules is still the one offered.
    namespaced = next(f.fix for f in findings if "namespace apps" in f.message)
    assert namespaced.startswith("Role apps/pod-reader in the inputs already grants this, but")



def test_fix_names_the_account_bound_for_a_prometheus_without_service_account_name() -> None:
    # A guide's Prometheus names no serviceAccountName (so it runs as `default`) while its ClusterRoleBinding names
    # the ServiceAccount prometheus-payments, which the guide never defines and nothing runs as: the fix is to run
    # as that account (and create it); binding the role to `default` comes only as the alternative.
    [finding] = _findings("KS101", "fail-prometheus-without-its-service-account")
    first, _, alternative = finding.fix.partition("\nOr:\n")
    assert first.startswith("Set `serviceAccountName: prometheus-payments` in the spec of Prometheus "
                            "payments-monitoring/payments-prometheus: it names none"), first
    assert "(ClusterRoleBinding/prometheus-payments; the inputs do not define that ServiceAccount: create it too)" in first
    assert alternative.startswith("ClusterRole prometheus-payments in the inputs already grants this")


def test_fix_does_not_name_a_bound_account_another_pod_runs_as(tmp_path: Path) -> None:
    # The account the binding names is the one another workload runs as: it was not made for this Prometheus, so
    # the fix does not propose sharing that workload's identity.
    case = FIXTURES / "KS101" / "fail-prometheus-without-its-service-account"
    for path in case.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text())
    (tmp_path / "other.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other, namespace: payments-monitoring}\nspec:\n"
        "  selector: {matchLabels: {app: other}}\n  template:\n    metadata: {labels: {app: other}}\n"
        "    spec:\n      serviceAccountName: prometheus-payments\n      containers: [{name: other, image: busybox}]\n")
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS101"})).findings
    assert "prometheus-payments`" not in finding.fix
    # It runs as `default` because it names no account: an account of its own comes first, then the grant to
    # `default` (which every pod there that names none would share).
    advice, _, grant = finding.fix.partition(" Or, granting `default`:\n")
    assert advice == ("Better: give Prometheus payments-monitoring/payments-prometheus a ServiceAccount of its own "
                      "(`serviceAccountName`) and grant that: it names none, so it runs as its namespace's `default` "
                      "ServiceAccount, and a grant to `default` reaches every pod there that names no account.")
    assert grant.startswith("ClusterRole prometheus-payments in the inputs already grants this")


def test_kubeletstats_endpoint_through_the_proxy_is_fixed_in_the_endpoint() -> None:
    # observeinc/helm-charts' Fargate sidecar: the receiver's endpoint is a URL through the API server's node proxy;
    # the way back to a direct read is the receiver's endpoint, not a Prometheus relabel rule it does not have.
    [finding] = _findings("KS209", "../KS103/fail-kubeletstats-endpoint-url-through-apiserver-proxy")
    assert "`endpoint: ${env:K8S_NODE_IP}:10250` on receiver kubeletstats" in finding.fix
    # The pod defines K8S_NODE_NAME only (its proxy path names the node): applied as written, ${env:K8S_NODE_IP}
    # would expand to nothing, so the fix says how to define it; and Fargate, where no kubelet is reachable.
    assert "`{name: K8S_NODE_IP, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}`" in finding.fix
    assert "not on EKS Fargate, where the proxy is the way" in finding.fix
    assert "relabel" not in finding.fix and "metrics_path" not in finding.fix


def test_writable_proc_subpath_is_explained_by_what_it_reaches(tmp_path: Path) -> None:
    # kubecost network-costs mounts /proc/net and /proc/sys/net/netfilter writable: neither holds
    # /proc/sys/kernel/core_pattern, so the reason given for a whole /proc (or /proc/sys) must not be theirs.
    volumes = {"proc": "/proc", "sys": "/proc/sys", "net": "/proc/net", "netfilter": "/proc/sys/net/netfilter"}
    (tmp_path / "ds.yaml").write_text(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: monitoring}\nspec:\n"
        "  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n"
        "      containers:\n      - name: agent\n        image: busybox\n        volumeMounts:\n"
        + "".join(f"        - {{name: {name}, mountPath: /host/{name}}}\n" for name in volumes)
        + "      volumes:\n"
        + "".join(f"      - {{name: {name}, hostPath: {{path: {path}}}}}\n" for name, path in volumes.items()))
    findings = {f.data["path"]: f.message for f in lint_paths([str(tmp_path)], Options(select={"KS404"})).findings}
    assert set(findings) == set(volumes.values())
    for path in ("/proc", "/proc/sys"):
        assert "/proc/sys/kernel/core_pattern runs a command on the host" in findings[path], findings[path]
    for path in ("/proc/net", "/proc/sys/net/netfilter"):
        assert "core_pattern" not in findings[path] and f"a writable host {path} " in findings[path], findings[path]
    assert "change the node's kernel settings below it" in findings["/proc/sys/net/netfilter"]


def test_kubelet_skip_verify_fix_on_k3s_verifies_with_the_server_ca() -> None:
    # A k3s/RKE2 config.yaml in the inputs: k3s signs the kubelets' serving certificates with its server CA, which
    # pods get as ca.crt (k3s pkg/server/router.go servingKubeletCert, pkg/daemons/control/server.go root-ca-file).
    # The fix verifies against it; enabling serverTLSBootstrap or declaring an assumption is no step there.
    [finding] = _findings("KS301", "fail-k3s-kubelet-skip-verify")
    assert finding.fix.startswith("Replace `insecure_skip_verify: true` with "
                                  "`ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt`"), finding.fix
    assert "serverTLSBootstrap" not in finding.fix and "assumption" not in finding.fix


def test_show_assumptions_says_k3s_kubelets_are_taken_as_cluster_signed() -> None:
    # The checks go by the k3s/RKE2 config.yaml, not by the default self-signed: --show-assumptions says so.
    from kubelint_scrape.report.text import assumptions_text

    k3s = lint_paths([str(FIXTURES / "KS304" / "pass-k3s-kubelets-verified-with-server-ca")], Options())
    assert "kubelet-serving-cert: self-signed (taken as cluster-ca: a k3s/RKE2 config.yaml" in assumptions_text(k3s)
    plain = lint_paths([str(FIXTURES / "KS304" / "fail-kubelet-verified-with-cluster-ca")], Options())
    assert "kubelet-serving-cert: self-signed\n" in assumptions_text(plain)


def test_json_report_gives_the_kubelet_serving_cert_the_checks_went_by() -> None:
    # The JSON report's assumptions are the ones the analysis used: on k3s, cluster-ca, with the value given and why
    # under "inferred"; the report still validates (the schema's assumptions allow more keys).
    from kubelint_scrape.report.json import report

    k3s = report(lint_paths([str(FIXTURES / "KS304" / "pass-k3s-kubelets-verified-with-server-ca")], Options()))
    assert k3s["assumptions"]["kubelet_serving_cert"] == "cluster-ca"
    assert k3s["assumptions"]["inferred"]["kubelet_serving_cert"]["given"] == "self-signed"
    assert "k3s/RKE2 config.yaml" in k3s["assumptions"]["inferred"]["kubelet_serving_cert"]["why"]
    plain = report(lint_paths([str(FIXTURES / "KS304" / "fail-kubelet-verified-with-cluster-ca")], Options()))
    assert plain["assumptions"]["kubelet_serving_cert"] == "self-signed" and "inferred" not in plain["assumptions"]


def test_eks_metrics_paths_as_nonresource_urls_are_named_where_the_403_is() -> None:
    # EKS control-plane metrics granted as nonResourceURLs (a natural reading of "the path"): the API server checks
    # /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics as get kcm/metrics (requestinfo.go), so the 403's
    # finding points at the URL rule its author meant, and KS508's fix is the resource rule EKS documents.
    case = "fail-eks-control-plane-metrics-path-as-url"
    result = lint_paths([str(FIXTURES / "KS508" / case)], Options(select={"KS104", "KS508"}))
    denied = [f for f in result.findings if f.rule == "KS104"]
    assert len(denied) == 2
    for finding in denied:
        [note] = [r for r in finding.related if "nonResourceURLs" in r.message]
        assert "do not apply here: the API server authorizes /apis/metrics.eks.amazonaws.com/v1/" in note.message
        assert note.span.line == 55  # the rule, not the role
    dead = [f for f in result.findings if f.rule == "KS508"]
    assert [f.data["checked_as"] for f in dead] == ["get metrics.eks.amazonaws.com/kcm/metrics named container",
                                                    "get metrics.eks.amazonaws.com/ksh/metrics named container"]
    assert 'grant {apiGroups: ["metrics.eks.amazonaws.com"], resources: ["kcm/metrics"], verbs: ["get"]}' in dead[0].fix


def test_dead_api_path_url_fix_applied_leaves_no_denial(tmp_path: Path) -> None:
    # KS508's fix (delete the URL rule, grant the resources) is the EKS-documented ClusterRole: no 403, no KS508.
    text = (FIXTURES / "KS508" / "fail-eks-control-plane-metrics-path-as-url" / "prometheus.yaml").read_text()
    old = ("  - nonResourceURLs:\n      - /apis/metrics.eks.amazonaws.com/v1/kcm/container/metrics\n"
           "      - /apis/metrics.eks.amazonaws.com/v1/ksh/container/metrics\n    verbs: [\"get\"]\n")
    new = ('  - {apiGroups: ["metrics.eks.amazonaws.com"], resources: ["kcm/metrics"], verbs: ["get"]}\n'
           '  - {apiGroups: ["metrics.eks.amazonaws.com"], resources: ["ksh/metrics"], verbs: ["get"]}\n')
    assert old in text
    (tmp_path / "prometheus.yaml").write_text(text.replace(old, new))
    result = lint_paths([str(tmp_path)], Options(select={"KS104", "KS508", "KS203"}))
    assert not result.findings


def test_api_path_prefix_url_is_dead_only_when_the_prefix_names_a_resource(tmp_path: Path) -> None:
    # `/apis/<group>/<version>/kcm*` matches only resource requests; `/apis/<group>/<version>/*` also matches the
    # group-version discovery path `/apis/<group>/<version>/`, and `/api/v1/...` is left to the URL-authorizing
    # proxies that serve it (Prometheus's HTTP API behind kube-rbac-proxy); a `*` inside an entry is KS505's.
    (tmp_path / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n"
        "  - nonResourceURLs: [/apis/metrics.eks.amazonaws.com/v1/kcm*, /apis/metrics.eks.amazonaws.com/v1/*,"
        " /api/v1/query, '/apis/*/v1/kcm/container/metrics']\n    verbs: [get]\n")
    result = lint_paths([str(tmp_path)], Options(select={"KS508"}))
    [finding] = result.findings
    assert finding.data["nonResourceURL"] == "/apis/metrics.eks.amazonaws.com/v1/kcm*"
    assert "every path it matches as a resource request (API group metrics.eks.amazonaws.com)" in finding.message
    assert finding.fix.startswith("Delete '/apis/metrics.eks.amazonaws.com/v1/kcm*' from nonResourceURLs.")


def test_missing_api_group_grant_goes_into_the_role_that_already_grants_in_that_group() -> None:
    # Two ClusterRoleBindings to the Prometheus of kube-prometheus-stack: the chart's scraper role first, the user's
    # metrics.eks.amazonaws.com role (kcm/metrics) second. ksh/metrics belongs beside kcm/metrics, not in the role
    # Helm renders again on upgrade.
    [finding] = _findings("KS104", "fail-eks-scheduler-metrics-beside-chart-role")
    assert finding.fix.startswith("Add to ClusterRole eks-control-plane-metrics (bound to "
                                  "monitoring/kube-prometheus-stack-prometheus by ClusterRoleBinding eks-control-plane-metrics)")
    assert 'resources: ["ksh/metrics"]' in finding.fix


def test_resource_metrics_api_scrape_fixes_the_path_not_the_grant() -> None:
    # /apis/metrics.k8s.io/v1beta1/nodes is a NodeMetricsList (JSON): a grant of list metrics.k8s.io/nodes would
    # only trade the 403 for a parse error, so the fix is the kubelets' /metrics/resource.
    [finding] = _findings("KS104", "fail-resource-metrics-api-scraped-as-prometheus")
    assert "answers that path with Kubernetes objects as JSON, not Prometheus metrics" in finding.message
    assert finding.fix.startswith("Scrape the kubelets' /metrics/resource instead of /apis/metrics.k8s.io/v1beta1/nodes")
    assert "apiGroups" not in finding.fix
    # EKS's kcm/metrics, ksh/metrics are metrics subresources that serve Prometheus text: only the grant is missing.
    [eks] = _findings("KS104", "fail-eks-control-plane-metrics-resource")
    assert "JSON" not in eks.message and 'resources: ["ksh/metrics"]' in eks.fix


def _vault_monitor(tmp_path: Path, kind: str) -> list:
    # hashicorp/vault-helm templates/prometheus-servicemonitor.yaml with TLS on (port and scheme https), the chart's
    # default `tlsConfig: {insecureSkipVerify: true}` and its values.yaml `authorization` example (a Vault token),
    # run by a Prometheus that selects every monitor. As a PodMonitor, the same endpoint.
    endpoints = "endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"
    (tmp_path / "vault.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\n"
        "spec: {serviceAccountName: prometheus, serviceMonitorSelector: {}, podMonitorSelector: {},\n"
        "  serviceMonitorNamespaceSelector: {}, podMonitorNamespaceSelector: {}}\n---\n"
        f"apiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata: {{name: vault, namespace: vault}}\nspec:\n"
        "  selector: {matchLabels: {app.kubernetes.io/name: vault, vault-active: \"true\"}}\n"
        f"  {endpoints}:\n  - port: https\n    scheme: https\n    path: /v1/sys/metrics\n"
        "    params: {format: [prometheus]}\n    tlsConfig:\n      insecureSkipVerify: true\n"
        "    authorization:\n      credentials: {name: vault-metrics-client, key: token}\n")
    return [f for f in lint_paths([str(tmp_path)], Options(select={"KS301"})).findings]


def test_skip_verify_fix_for_an_application_token_names_the_monitor_keys_not_kube_rbac_proxy(tmp_path: Path) -> None:
    # Vault checks its own token over its own TLS listener: no kube-rbac-proxy is in front of it, and a monitor has
    # no `ca_file` key. The fix named both; applied, the CRD refuses `ca_file` (a PodMonitor has no caFile either).
    [finding] = _vault_monitor(tmp_path, "ServiceMonitor")
    assert "kube-rbac-proxy" not in finding.fix and "their own TLS settings" in finding.fix, finding.fix
    assert "`ca_file`" not in finding.fix and "`server_name`" not in finding.fix, finding.fix
    assert ("with that CA, named by `tlsConfig.ca` (a key of a Secret or ConfigMap) or `tlsConfig.caFile`, and "
            "`tlsConfig.serverName`") in finding.fix, finding.fix
    [finding] = _vault_monitor(tmp_path, "PodMonitor")
    assert "caFile" not in finding.fix and "named by `tlsConfig.ca` (a key of a Secret or ConfigMap), and" in finding.fix


def test_skip_verify_fix_for_a_service_account_token_to_workloads_still_names_kube_rbac_proxy() -> None:
    # The workload that takes the ServiceAccount token reviews it: kube-rbac-proxy in front is what serves TLS there.
    [finding] = _findings("KS301", "fail-scrape-class-sends-token-without-verification")
    assert "kube-rbac-proxy: `--tls-cert-file`" in finding.fix and "their own TLS settings" not in finding.fix
    [finding] = _findings("KS301", "fail-basic-auth-password-with-skip-verify")
    assert "kube-rbac-proxy" not in finding.fix and "replace `insecure_skip_verify: true` with that CA (`ca_file`) and " \
        "`server_name`" in finding.fix


def test_credentials_over_http_points_at_the_target_not_at_the_metrics_path(tmp_path: Path) -> None:
    # Vault's documented job (metrics_path /v1/sys/metrics, its own token file) over plain HTTP, and vault-helm's
    # ServiceMonitor with `path:` (TLS off, the chart's default): the related "targets" place was the path, which
    # picks no target; it is the static target, and the monitor endpoint's port, as without a path.
    (tmp_path / "prometheus.yml").write_text(
        "scrape_configs:\n- job_name: vault\n  metrics_path: /v1/sys/metrics\n  params: {format: [prometheus]}\n"
        "  scheme: http\n  bearer_token_file: /etc/prometheus/prometheus-token\n  static_configs:\n"
        "  - targets: ['vault-active.vault.svc:8200']\n")
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS303"})).findings
    assert [(r.span.line, r.span.column) for r in finding.related] == [(5, 11), (8, 15)], finding.related
    (tmp_path / "prometheus.yml").unlink()
    (tmp_path / "vault.yaml").write_text(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\n"
        "spec: {serviceAccountName: prometheus, serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {}}\n"
        "---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: vault, namespace: vault}\n"
        "spec:\n  selector: {matchLabels: {app.kubernetes.io/name: vault}}\n  endpoints:\n  - port: http\n"
        "    scheme: http\n    path: /v1/sys/metrics\n"
        "    authorization:\n      credentials: {name: vault-metrics-client, key: token}\n")
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS303"})).findings
    assert [(r.span.line, r.span.column) for r in finding.related] == [(13, 13), (12, 5)], finding.related


_ETCD_MONITOR = (
    # kube-prometheus-stack's kubeEtcd with its documented TLS values (client certificate from
    # prometheusSpec.secrets, serverName localhost), on a kubeadm control plane
    "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: monitoring}\n"
    "spec: {serviceAccountName: prometheus, serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {},\n"
    "  secrets: [etcd-client-cert]}\n---\n"
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: kps-kube-etcd\n  namespace: kube-system\n"
    "  labels: {app: kube-etcd}\nspec:\n  clusterIP: None\n  ports: [{name: http-metrics, port: 2381, targetPort: 2381}]\n"
    "  selector: {component: etcd}\n---\n"
    "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: kube-etcd, namespace: monitoring}\n"
    "spec:\n  selector: {matchLabels: {app: kube-etcd}}\n  namespaceSelector: {matchNames: [kube-system]}\n"
    "  endpoints:\n  - port: http-metrics\n    scheme: {scheme}\n    tlsConfig:\n"
    "      caFile: /etc/prometheus/secrets/etcd-client-cert/etcd-ca\n"
    "      certFile: /etc/prometheus/secrets/etcd-client-cert/etcd-client\n"
    "      keyFile: /etc/prometheus/secrets/etcd-client-cert/etcd-client-key\n      serverName: localhost\n")


def test_loopback_etcd_fix_keeps_the_scheme_the_job_scrapes_with(tmp_path: Path) -> None:
    # etcd serves an http metrics URL in plain text and an https one with its client TLS certificate (etcd
    # server/embed/etcd.go createMetricsListener): the fix told this https job to listen on http://0.0.0.0:2381,
    # and applied, every scrape fails with "server gave HTTP response to HTTPS client".
    (tmp_path / "etcd.yaml").write_text(_ETCD_MONITOR.replace("{scheme}", "https"))
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS305"})).findings
    assert "`--listen-metrics-urls=https://0.0.0.0:2381`" in finding.fix and "http://" not in finding.fix, finding.fix
    (tmp_path / "kubeadm.yaml").write_text(
        "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\n"
        "etcd:\n  local:\n    extraArgs: {listen-metrics-urls: 'https://0.0.0.0:2381'}\n")
    assert not lint_paths([str(tmp_path)], Options(select={"KS305"})).findings  # applied, nothing left
    (tmp_path / "kubeadm.yaml").unlink()
    (tmp_path / "etcd.yaml").write_text(_ETCD_MONITOR.replace("{scheme}", "http"))
    [finding] = lint_paths([str(tmp_path)], Options(select={"KS305"})).findings
    assert "`--listen-metrics-urls=http://0.0.0.0:2381`" in finding.fix, finding.fix


def test_show_assumptions_says_bootstrapping_kubelets_are_taken_as_cluster_signed(tmp_path) -> None:
    # A KubeletConfiguration with serverTLSBootstrap: true in the inputs: the kubelets' certificates come from the
    # cluster's kubelet-serving signer, and --show-assumptions and the JSON report say the checks went by cluster-ca.
    # Kubelets that disagree (one configuration without it) keep the given assumption.
    import shutil

    from kubelint_scrape.report.json import report
    from kubelint_scrape.report.text import assumptions_text

    case = FIXTURES / "KS304" / "pass-kubelet-configuration-server-tls-bootstrap"
    result = lint_paths([str(case)], Options())
    assert "kubelet-serving-cert: self-signed (taken as cluster-ca: the KubeletConfiguration in" in assumptions_text(result)
    assert report(result)["assumptions"]["kubelet_serving_cert"] == "cluster-ca"
    mixed = tmp_path / "mixed"
    shutil.copytree(case, mixed)
    (mixed / "other-kubelets.yaml").write_text("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                                               "serverTLSBootstrap: false\n")
    assert "kubelet-serving-cert: self-signed\n" in assumptions_text(lint_paths([str(mixed)], Options()))


def test_opted_in_kube_rbac_proxy_is_moved_to_a_job_of_its_own() -> None:
    # prometheus-node-exporter with kubeRBACProxy.enabled under the prometheus chart: its Service keeps the
    # `prometheus.io/scrape` annotation, so the token-less http annotation job scrapes the proxy's TLS port (400).
    # https and a token on that job would break its plain-HTTP targets and reach all of them (KS306).
    [finding] = _findings("KS106", "fail-node-exporter-chart-kube-rbac-proxy-in-annotation-job")
    assert ":9100/metrics over plain HTTP" in finding.message and "400 Bad Request" in finding.message
    fix = finding.fix
    assert fix.startswith("Not in this job") and "the service annotation `prometheus_io_scrape`" in fix
    assert "DaemonSet monitoring/prometheus-prometheus-node-exporter" in fix
    # what its --config-file makes the proxy review once the token is sent (helm-charts#3338)
    assert 'resources: ["services/prometheus-prometheus-node-exporter"]' in fix


def test_kube_rbac_proxy_plain_port_answers_401_and_its_other_ports_no_review(tmp_path: Path) -> None:
    # On --insecure-listen-address kube-rbac-proxy speaks plain HTTP: a token-less scrape is a 401, not the TLS 400.
    # Its other declared port (--proxy-endpoints-port, served only beside a secure listener) asks no RBAC at all.
    case = FIXTURES / "KS106" / "fail-node-exporter-chart-kube-rbac-proxy-in-annotation-job"
    (tmp_path / "prometheus.yaml").write_text((case / "prometheus.yaml").read_text())
    (tmp_path / "node-exporter.yaml").write_text((case / "node-exporter.yaml").read_text().replace(
        "--secure-listen-address=:9100", "--insecure-listen-address=:9100"))
    findings = lint_paths([str(tmp_path)], Options(select={"KS106"})).findings
    assert [f.message.split(" without credentials")[0] for f in findings] == [
        'job "kubernetes-service-endpoints" scrapes kube-rbac-proxy on :9100/metrics']
    assert "401 Unauthorized" in findings[0].message and findings[0].fix.startswith("Not in this job")


def test_opted_in_fix_names_the_proxy_container_of_the_port() -> None:
    # kube-state-metrics' chart runs a kube-rbac-proxy per port: each finding names the one listening there.
    findings = _findings("KS106", "fail-kube-state-metrics-chart-two-proxies-in-annotation-job")
    assert [(f.message.split(" over plain HTTP")[0].rsplit(" ", 1)[1],
             f.fix.split("(container ", 1)[1].split(" of ", 1)[0]) for f in findings] == [
        (":8080/metrics", "kube-rbac-proxy-http"), (":8081/metrics", "kube-rbac-proxy-telemetry")]


def test_monitor_aimed_at_kube_rbac_proxy_over_http_is_fixed_in_the_monitor() -> None:
    # The node-exporter chart's ServiceMonitor at its defaults (http, no token) with kubeRBACProxy.enabled: the
    # monitor names the Service, so the fix is its own scheme and token, then the --config-file review's grant
    # (helm-charts#3338: "Forbidden (... resource=services, subresource=kube-prometheus-stack-prometheus-node-exporter)").
    [finding] = _findings("KS106", "fail-node-exporter-chart-servicemonitor-http-to-kube-rbac-proxy")
    assert "400 Bad Request" in finding.message
    assert finding.fix.startswith("Set `scheme: https`, and add to the endpoint:")
    assert "bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token" in finding.fix
    assert 'resources: ["services/kube-prometheus-stack-prometheus-node-exporter"]' in finding.fix
