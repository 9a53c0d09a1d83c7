"""Twentieth-round single-fault mutations: existing working baselines re-mutated with the mistakes of the round-20
brief (a dropped verb, resource, subject or namespace; a binding retargeted to a Role; a ServiceAccount renamed in one
place; a kubelet job switched to the API-server proxy; a removed token mount; hostNetwork; insecure_skip_verify; a
misspelt operator field; a ConfigMap moved to another namespace).

Baselines: b23-istio (Istio's prometheus addon, one file), b33-kube-prometheus-operator (Prometheus Operator with
per-namespace Roles), b31-classic-configmap (the five-job ConfigMap copied from docs), b29-vm-operator (a VMAgent with
a ClusterRole for nodes and Roles per namespace).

First run: 17 of 31 first guesses of the rules matched; the 14 others were guesses corrected (the tool's rules were
right). Reading the fixes found 3 tool defects, fixed: fixes that proposed a second binding, or a rule added to a
ClusterRole (cluster-wide), where the namespace's binding was broken (`subjects: []`, a dangling roleRef).

Each expectation was written before running (SPEC §3-§5, FACTS). Where the first guess was wrong the reason is beside
the mutation: "tool fixed" or "guess corrected".
"""

from __future__ import annotations

I = "b23-istio"
K = "b33-kube-prometheus-operator"
C = "b31-classic-configmap"
P = "prometheus.yaml"

# ---- b23-istio
I_WATCH = "    verbs:\n      - list\n      - watch\n"
I_NM = "      - nodes/metrics\n    verbs:\n      - get\n"
I_SUBJ_NS = "    name: prometheus\n    namespace: istio-system\nroleRef:"
I_CRB_REF = "  kind: ClusterRole\n  name: prometheus\n---\n# Source: prometheus/templates/deploy.yaml"
I_SPEC = "      enableServiceLinks: true\n      serviceAccountName: prometheus\n"
I_CM_NS = "  name: prometheus\n  namespace: istio-system\ndata:\n"
I_API_TLS = ("      scheme: https\n      tls_config:\n        ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n"
             "    - job_name: kubernetes-nodes\n")
I_CAD = ("      metrics_path: /metrics/cadvisor\n      relabel_configs:\n      - action: labelmap\n"
         "        regex: __meta_kubernetes_node_label_(.+)\n")
I_CAD_PROXY = ("      relabel_configs:\n      - action: labelmap\n        regex: __meta_kubernetes_node_label_(.+)\n"
               "      - target_label: __address__\n        replacement: kubernetes.default.svc:443\n"
               "      - source_labels: [__meta_kubernetes_node_name]\n        regex: (.+)\n"
               "        target_label: __metrics_path__\n        replacement: /api/v1/nodes/$1/proxy/metrics/cadvisor\n")
# ---- b33-kube-prometheus-operator
RD = "role-default.yaml"
K_RB_REF = "  kind: Role\n  name: prometheus-k8s\nsubjects:"
K_RB_SUBJ = "subjects:\n- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring\n"
# ---- b31-classic-configmap
CD, CR, CC = "prometheus-deployment.yaml", "prometheus-rbac.yaml", "prometheus-config.yaml"
C_NODES_JOB = ("      - job_name: kubernetes-nodes\n        scheme: https\n        tls_config:\n"
               "          ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n          insecure_skip_verify: false\n")
# ---- b29-vm-operator
V = "b29-vm-operator"
VR, VS = "rbac.yaml", "apps/shop/scrape.yaml"
V_RB_REF = "  kind: Role\n  name: vmagent-apiserver\nsubjects:"
C_SLICES = '  - apiGroups: ["discovery.k8s.io"]\n    resources: ["endpointslices"]\n    verbs: ["list", "watch"]\n'

MUTATIONS = [
    # ---- b23-istio
    ("istio-drop-watch", I, [(P, I_WATCH, "    verbs:\n      - list\n")], ["KS101"]),
    ("istio-drop-endpoints", I, [(P, "      - endpoints\n      - pods\n    verbs:", "      - pods\n    verbs:")], ["KS101"]),
    ("istio-subject-namespace-default", I, [(P, I_SUBJ_NS, I_SUBJ_NS.replace("istio-system", "default"))], ["KS108"]),
    # first guess KS501 alone; guess corrected: the refused binding grants nothing, so every job's 403 is reported
    # too, as round 12 pinned (FACTS §8)
    ("istio-crb-to-role", I, [(P, I_CRB_REF, I_CRB_REF.replace("kind: ClusterRole", "kind: Role"))], ["KS101", "KS102", "KS104", "KS501"]),
    # first guess KS109 alone; guess corrected: once the account exists its jobs are denied (rounds 10-12 precedent)
    ("istio-sa-renamed-in-deployment", I, [(P, I_SPEC, I_SPEC.replace("Name: prometheus", "Name: prometheus-server"))], ["KS101", "KS102", "KS104", "KS109"]),
    ("istio-cadvisor-via-apiserver-proxy", I, [(P, I_CAD, I_CAD_PROXY)], ["KS103", "KS209"]),
    ("istio-apiserver-insecure-skip-verify", I, [(P, I_API_TLS, I_API_TLS.replace("ca.crt\n", "ca.crt\n        insecure_skip_verify: true\n"))], ["KS301"]),
    ("istio-host-network", I, [(P, I_SPEC, I_SPEC + "      hostNetwork: true\n")], ["KS401"]),
    ("istio-token-not-mounted", I, [(P, I_SPEC, I_SPEC + "      automountServiceAccountToken: false\n")], ["KS107"]),
    ("istio-node-metrics-list", I, [(P, I_NM, I_NM.replace("- get", "- list"))], ["KS102", "KS203"]),
    # first guess KS100 + KS203 (round 19 left a KS203 beside KS100 as a defect); guess corrected: KS100 names the
    # Deployment mounting the missing istio-system/prometheus and skips the access checks; no grant is called unused
    ("istio-configmap-other-namespace", I, [(P, I_CM_NS, I_CM_NS.replace("istio-system", "default"))], ["KS100"]),
    # ---- b33-kube-prometheus-operator
    # first guess KS101; guess corrected: the rule exists through RoleBindings of other namespaces (KS105, SPEC §4,
    # round-18 lesson); its fix adds pods to Role default/prometheus-k8s
    ("kp-default-role-drop-pods", K, [(RD, "  - endpoints\n  - pods\n", "  - endpoints\n")], ["KS105"]),
    # first guess KS101 + KS105; guess corrected: KS105 alone, its fix `roleRef.kind: Role` (_role_ref_kind_swapped)
    ("kp-default-binding-to-clusterrole", K, [(RD, K_RB_REF, K_RB_REF.replace("kind: Role", "kind: ClusterRole"))], ["KS105"]),
    ("kp-default-subject-renamed", K, [(RD, K_RB_SUBJ, K_RB_SUBJ.replace("name: prometheus-k8s", "name: prometheus"))], ["KS108"]),
    # first guess KS101; guess corrected to KS105. Tool fixed: its fix proposed a second RoleBinding of Role
    # prometheus-k8s beside the one with `subjects: []`; it now adds the subject to that binding
    # (test_binding_of_the_role_with_no_subjects_gets_the_identity_added)
    ("kp-default-subject-removed", K, [(RD, K_RB_SUBJ, "subjects: []\n")], ["KS105"]),
    # first guess KS602 alone; guess corrected: clients other than kubectl drop the field and the Prometheus runs as
    # monitoring/default, whose every job is denied
    ("kp-prometheus-sa-field-typo", K, [(P, "  serviceAccountName: prometheus-k8s\n", "  serviceAcountName: prometheus-k8s\n")], ["KS101", "KS102", "KS104", "KS602"]),
    ("kp-kubelet-insecure", K, [("sm-kubelet.yaml", "      caFile: /etc/prometheus/kubelet-ca/ca.crt\n", "      caFile: /etc/prometheus/kubelet-ca/ca.crt\n      insecureSkipVerify: true\n")], ["KS301"]),
    # first guess KS501; guess corrected: KS108 on each job too (round 12 precedent)
    ("kp-crb-subject-namespace-dropped", K, [("rbac.yaml", "  name: prometheus-k8s\n  namespace: monitoring\n", "  name: prometheus-k8s\n")], ["KS108", "KS501"]),
    # first guess KS101; guess corrected: KS105 (pods are granted in default, kube-system and monitoring only)
    ("kp-podmonitor-other-namespace", K, [("podmonitor.yaml", "  namespace: default\n", "  namespace: shop\n")], ["KS105"]),
    # ---- b31-classic-configmap
    # first guess KS100 + KS203; guess corrected: KS100 only (access checks skipped, no grant called unused)
    ("classic-configmap-name-mismatch", C, [(CD, "            name: prometheus-server\n", "            name: prometheus\n")], ["KS100"]),
    ("classic-drop-endpointslices", C, [(CR, C_SLICES, "")], []),
    ("classic-nodes-insecure", C, [(CC, C_NODES_JOB, C_NODES_JOB.replace("false", "true"))], ["KS301"]),
    # first guess KS501 alone; guess corrected as istio-crb-to-role
    ("classic-crb-to-role", C, [(CR, "  kind: ClusterRole\n  name: prometheus\nsubjects:", "  kind: Role\n  name: prometheus\nsubjects:")], ["KS101", "KS102", "KS104", "KS501"]),
    ("classic-sa-renamed-in-rbac-only", C, [(CR, "kind: ServiceAccount\nmetadata:\n  name: prometheus\n", "kind: ServiceAccount\nmetadata:\n  name: prometheus-server\n")], ["KS109"]),
    ("classic-drop-list", C, [(CR, '      - pods\n    verbs: ["list", "watch"]\n', '      - pods\n    verbs: ["watch"]\n')], ["KS101"]),
    # ---- b29-vm-operator
    ("vm-nodescrape-insecure", V, [("kubelet.yaml", "    caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n", "    caFile: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n    insecureSkipVerify: true\n")], ["KS301"]),
    # first guess KS101; guess corrected: ClusterRole vmagent-apiserver does not exist (KS502, did you mean kind:
    # Role), and KS105 beside KS101 (services, pods are held in shop). Tool fixed: the KS101/KS105 fixes said to add
    # the rules to ClusterRole vmagent (cluster-wide) and left the binding broken; they now set its roleRef.kind: Role
    # (test_broken_binding_of_the_namespace_is_repaired_beside_a_clusterrolebinding)
    ("vm-apiserver-binding-to-clusterrole", V, [(VR, V_RB_REF, V_RB_REF.replace("kind: Role", "kind: ClusterRole"))], ["KS101", "KS105", "KS502"]),
    ("vm-sa-other-namespace", V, [(VR, "  name: vmagent\n  namespace: monitoring\n---", "  name: vmagent\n  namespace: default\n---")], ["KS109"]),
    # first guess KS101; guess corrected: KS105 (pods are granted in default by RoleBinding vmagent-apiserver)
    ("vm-shop-role-drop-pods", V, [(VS, '["services", "endpoints", "pods"]', '["services", "endpoints"]')], ["KS105"]),
    ("vm-servicescrape-label-changed", V, [(VS, "  labels:\n    team: shop\n", "  labels:\n    team: web\n")], ["KS100", "KS203"]),
    # first guess KS101; KS105 beside it (pods, services held in default) is right. Tool fixed: both fixes said to
    # add the rules to ClusterRole vmagent; they now add the subject to RoleBinding shop/vmagent-discovery
    # (test_broken_binding_of_the_namespace_is_repaired_beside_a_clusterrolebinding)
    ("vm-shop-subject-removed", V, [(VS, "subjects:\n  - kind: ServiceAccount\n    name: vmagent\n    namespace: monitoring\n", "subjects: []\n")], ["KS101", "KS105"]),
]
