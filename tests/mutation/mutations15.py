"""Fifteenth-round single-fault mutations: a kubebuilder v4 operator scaffold behind a kustomize namePrefix.

Baselines, written from kubernetes-sigs/kubebuilder testdata/project-v4/config (default/kustomization.yaml with
`namespace: project-system` and `namePrefix: project-`, the manager patch adding `--metrics-bind-address=:8443`,
rbac/metrics_auth_role(_binding).yaml, metrics_reader_role.yaml, prometheus/monitor.yaml as scaffolded: https,
bearerTokenFile, insecureSkipVerify: true) plus a Prometheus Operator Prometheus monitoring/k8s running as
prometheus-k8s, its ClusterRole/Binding, and a ClusterRoleBinding of project-metrics-reader to it:
- b35-kubebuilder-name-prefix: the ClusterRole prometheus-k8s grants get /metrics as well (kube-prometheus does);
- b36-kubebuilder-reader-binding-only: it does not: the reader binding is the scraper's only /metrics grant.
Both lint with no error; one warning, justified: KS301 on the scaffold's `insecureSkipVerify: true` (the token goes
to a certificate nobody checks; kubebuilder's own TODO says so). KS208 (info) on b36.

Each expectation was written before running (rule ids, SPEC §3-§5; kustomize api/filters/nameref, controller-runtime
pkg/metrics/filters/filters.go); where the first guess was wrong and the tool right the reason is beside the
mutation. The harness keys findings by message, so a message that names a renamed object counts as added (KS301,
KS208 in many rows). "GAP" marks a broken setup the tool does not report (no rule covers it; left for the lead).
The tool was wrong once, and is fixed: a binding subject writing the account's built name beside the base's
namespace was moved with the account; kustomize leaves it (auth-binding-subject-built-name).
"""

from __future__ import annotations

B35 = "b35-kubebuilder-name-prefix"
B36 = "b36-kubebuilder-reader-binding-only"
READER_CRB = """---
# The scaffold's reader role (built name project-metrics-reader) bound to the scraper, as kubebuilder's book asks.
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: project-metrics-reader-prometheus-k8s
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: project-metrics-reader
subjects:
- kind: ServiceAccount
  name: prometheus-k8s
  namespace: monitoring
"""
P = "monitoring/prometheus.yaml"
RSUBJ = "  name: project-metrics-reader\nsubjects:\n- kind: ServiceAccount\n  name: prometheus-k8s\n  namespace: monitoring\n"
K = "config/default/kustomization.yaml"
PATCH = "config/default/manager_metrics_patch.yaml"
MON = "config/prometheus/monitor.yaml"
AUTH = "config/rbac/metrics_auth_role.yaml"
AUTHB = "config/rbac/metrics_auth_role_binding.yaml"
READER = "config/rbac/metrics_reader_role.yaml"
RK = "config/rbac/kustomization.yaml"
SVC = "config/default/metrics_service.yaml"
MGR = "config/manager/manager.yaml"
ARG = "  value: --metrics-bind-address=:8443\n"


def patch(*words: str) -> tuple:
    """The manager patch writing `words` as the container's first args (each inserted at 0: last word first)."""
    text = "".join(f"- op: add\n  path: /spec/template/spec/containers/0/args/0\n  value: {w}\n" for w in words)
    return (PATCH, None, text)


READER_BIND_IN_BASE = """apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: metrics-reader-prometheus
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: %s
subjects:
- kind: ServiceAccount
  name: prometheus-k8s
  namespace: monitoring
"""

MUTATIONS = [
    # ---- the reader binding (b36: it is the scraper's only /metrics grant)
    ("reader-binding-removed", B36, [(P, READER_CRB, "")], ["KS104"]),
    ("reader-binding-unprefixed", B36, [(P, "  name: project-metrics-reader\nsubjects", "  name: metrics-reader\nsubjects")], ["KS104", "KS502"]),
    # first guess KS602; KS501 is the RBAC-refusal rule (roleRef.kind Unsupported value): right
    ("reader-binding-kind-role", B36, [(P, "  kind: ClusterRole\n  name: project-metrics-reader", "  kind: Role\n  name: project-metrics-reader")], ["KS104", "KS501"]),
    # first guess KS104; KS105 (a RoleBinding cannot grant a non-resource URL) is the more exact rule, KS203 the reader rule it leaves useless: right
    ("reader-binding-rolebinding", B36, [(P, "kind: ClusterRoleBinding\nmetadata:\n  name: project-metrics-reader-prometheus-k8s\n", "kind: RoleBinding\nmetadata:\n  name: project-metrics-reader-prometheus-k8s\n  namespace: project-system\n")], ["KS105", "KS203"]),
    ("reader-binding-subject-typo", B36, [(P, RSUBJ, RSUBJ.replace("name: prometheus-k8s", "name: prometheus-k8"))], ["KS108"]),
    # first guess KS104; the subject-mismatch rule KS108 is the more exact one: right
    ("reader-binding-subject-no-namespace", B36, [(P, RSUBJ, RSUBJ.replace("  namespace: monitoring\n", ""))], ["KS108", "KS501"]),
    # KS203 too: the `/metric` rule grants nothing used: right
    ("reader-role-url-typo", B36, [(READER, '  - "/metrics"\n', '  - "/metric"\n')], ["KS104", "KS203"]),
    # KS504 too: `list` is never asked of a URL: right
    ("reader-role-verb-list", B36, [(READER, "  - get\n", "  - list\n")], ["KS104", "KS504"]),
    ("reader-role-dropped-from-rbac", B36, [(RK, "- metrics_reader_role.yaml\n", "")], ["KS104", "KS502"]),
    # ---- the build's renaming (b36)
    # KS301: its message names the built names (proj-…), so it counts as added
    ("prefix-changed", B36, [(K, "namePrefix: project-\n", "namePrefix: proj-\n")], ["KS104", "KS301", "KS502"]),
    # KS301 message names the unprefixed objects
    ("prefix-removed", B36, [(K, "namePrefix: project-\n", "")], ["KS104", "KS301", "KS502"]),
    # KS301 message names the -v2 objects
    ("suffix-added", B36, [(K, "namePrefix: project-\n", "namePrefix: project-\nnameSuffix: -v2\n")], ["KS104", "KS301", "KS502"]),
    # the overlay re-prefixes: the reader is team-project-metrics-reader; KS301 message renamed
    ("overlay-team-prefix", B36, [("config/overlays/team/kustomization.yaml", None, "namePrefix: team-\nresources:\n- ../../default\n")], ["KS104", "KS301", "KS502"]),
    # no fault; only messages naming the namespace change
    ("namespace-changed", B36, [(K, "namespace: project-system\n", "namespace: operators\n")], ["KS208", "KS301"]),
    # no fault; the objects stay in `system`, messages change
    ("namespace-removed", B36, [(K, "namespace: project-system\n", "")], ["KS208", "KS301"]),
    ("reader-bound-in-base-written-name", B36, [(P, READER_CRB, ""), ("config/rbac/metrics_reader_binding.yaml", None, READER_BIND_IN_BASE % "metrics-reader"), (RK, "- metrics_reader_role.yaml\n", "- metrics_reader_role.yaml\n- metrics_reader_binding.yaml\n")], []),
    ("reader-bound-in-base-built-name", B36, [(P, READER_CRB, ""), ("config/rbac/metrics_reader_binding.yaml", None, READER_BIND_IN_BASE % "project-metrics-reader"), (RK, "- metrics_reader_role.yaml\n", "- metrics_reader_role.yaml\n- metrics_reader_binding.yaml\n")], []),
    ("reader-bound-in-base-wrong-name", B36, [(P, READER_CRB, ""), ("config/rbac/metrics_reader_binding.yaml", None, READER_BIND_IN_BASE % "metrics-readers"), (RK, "- metrics_reader_role.yaml\n", "- metrics_reader_role.yaml\n- metrics_reader_binding.yaml\n")], ["KS104", "KS502"]),
    # ---- b35 (the CR grants /metrics as well): redundant pieces removed
    ("cr-also-grants-reader-binding-removed", B35, [(P, READER_CRB, "")], []),
    # no fault (the reader binding grants /metrics); KS208 info: a RoleBinding could now do the CR's work
    ("cr-loses-metrics", B35, [(P, "- nonResourceURLs: [/metrics]\n  verbs: [get]\n", "")], ["KS208"]),
    # the CR still grants /metrics: only the dangling reader binding (and renamed messages)
    ("cr-also-grants-prefix-removed", B35, [(K, "namePrefix: project-\n", "")], ["KS301", "KS502"]),
    # ---- the manager's review grants
    # KS112 right: the TokenReview is refused, so filters.go answers 500 "Authentication failed" to every scrape (one
    # named review grant left still recognises the server)
    ("auth-role-no-tokenreviews", B35, [(AUTH, "- apiGroups:\n  - authentication.k8s.io\n  resources:\n  - tokenreviews\n  verbs:\n  - create\n", "")], ["KS112"]),
    # KS112 right, as above (SubjectAccessReview refused: 500 "Authorization for user … failed")
    ("auth-role-no-sar", B35, [(AUTH, "- apiGroups:\n  - authorization.k8s.io\n  resources:\n  - subjectaccessreviews\n  verbs:\n  - create\n", "")], ["KS112"]),
    # no fault (`*` grants both); not recognised by design (a wildcard says nothing about the server); KS202 is for scrapers only
    ("auth-role-resources-star", B35, [(AUTH, "  - tokenreviews\n", '  - "*"\n'), (AUTH, "  - subjectaccessreviews\n", '  - "*"\n')], ["KS301"]),
    # KS112 right, as auth-role-no-tokenreviews
    ("auth-role-verb-get", B35, [(AUTH, "  - tokenreviews\n  verbs:\n  - create\n", "  - tokenreviews\n  verbs:\n  - get\n")], ["KS112"]),
    # GAP: neither review grant left, so the server is not recognised (KS109 covers scrapers' accounts only)
    ("auth-binding-subject-renamed", B35, [(AUTHB, "  name: controller-manager\n", "  name: manager\n")], ["KS301"]),
    # KS502 right; the broken server itself: GAP as above
    ("auth-binding-roleref-typo", B35, [(AUTHB, "  name: metrics-auth-role\n", "  name: metrics-auth-rol\n")], ["KS301", "KS502"]),
    # the binding file, now outside the build, is linted on its own: KS502 (did you mean project-metrics-auth-role); server: GAP
    ("auth-binding-dropped", B35, [(RK, "- metrics_auth_role_binding.yaml\n", "")], ["KS301", "KS502"]),
    # GAP, as above
    ("manager-sa-changed", B35, [(MGR, "      serviceAccountName: controller-manager\n", "      serviceAccountName: manager\n")], ["KS301"]),
    # GAP, as above
    ("manager-sa-default", B35, [(MGR, "      serviceAccountName: controller-manager\n", "      serviceAccountName: default\n")], ["KS301"]),
    # ---- the manager's flags
    # KS309 right: an https scrape of a plain-HTTP server fails the handshake
    ("secure-false-monitor-https", B35, [patch("--metrics-bind-address=:8443", "--metrics-secure=false")], ["KS301", "KS309"]),
    # KS305 right: nothing listens beyond loopback
    ("bind-loopback", B35, [(PATCH, ARG, "  value: --metrics-bind-address=127.0.0.1:8443\n")], ["KS301", "KS305"]),
    # KS303 right (the token over HTTP); the /metrics grants are now unused (KS203); KS306 not: the monitor selects the operator's own Service by label
    ("http-8080-monitor-http", B35, [patch("--metrics-bind-address=:8080", "--metrics-secure=false"), (MON, "      scheme: https\n", "      scheme: http\n"), (SVC, "    port: 8443\n    protocol: TCP\n    targetPort: 8443\n", "    port: 8080\n    protocol: TCP\n    targetPort: 8080\n")], ["KS203", "KS208", "KS303"]),
    ("bind-single-dash", B35, [(PATCH, ARG, "  value: -metrics-bind-address=:8443\n")], []),
    ("secure-bare-true", B35, [patch("--metrics-bind-address=:8443", "--metrics-secure")], []),
    # no scrape fault (nothing reviewed); only wording
    ("require-rbac-false", B35, [patch("--metrics-bind-address=:8443", "--metrics-require-rbac=false")], ["KS301"]),
    # the server is off: nothing listens (not detected); only wording
    ("bind-zero", B35, [(PATCH, ARG, "  value: --metrics-bind-address=0\n")], ["KS301"]),
    # the v4 default `0`: as bind-zero
    ("patch-dropped", B35, [(K, "- path: manager_metrics_patch.yaml\n  target:\n    kind: Deployment\n", "")], ["KS301"]),
    # ---- the monitor
    ("monitor-no-bearer", B35, [(MON, "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "")], ["KS106"]),
    # first guess KS100; the token of a Secret is not the scraper's identity and the tool rightly judges nothing it cannot know; KS301 now names the Secret
    ("monitor-authorization", B35, [(MON, "      bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n", "      authorization:\n        type: Bearer\n        credentials:\n          name: metrics-token\n          key: token\n")], ["KS301"]),
    # KS606 right (did you mean "https"): the endpoint selects no port, so no target
    ("monitor-port-typo", B35, [(MON, "      port: https #", "      port: htps #")], ["KS301", "KS606"]),
    # KS303 right; the job no longer counts as needing /metrics (plain HTTP to a server taken to be TLS): KS203/KS208
    ("monitor-scheme-http", B35, [(MON, "      scheme: https\n", "      scheme: http\n")], ["KS203", "KS208", "KS303"]),
    # KS104 right (get /metric is reviewed and denied); the CR's /metrics grant is unused: KS203
    # FIXED: was KS104 "grant /metric" plus two KS203 "delete the /metrics grants": applied together, nothing is
    # scraped. controller-runtime serves /metrics alone (server.go defaultServer.Start), so the path is the fix
    # and the granted /metrics is what that fix relies on.
    ("monitor-path-typo", B35, [(MON, "    - path: /metrics\n", "    - path: /metric\n")], ["KS104"]),
    # no target selected (not detected); only wording
    ("monitor-selector-mismatch", B35, [(MON, "      app.kubernetes.io/name: project\n", "      app.kubernetes.io/name: projects\n")], ["KS301"]),
    ("monitor-verify-on", B35, [(MON, "        insecureSkipVerify: true\n", "        insecureSkipVerify: false\n")], []),
    # ---- the Service
    ("service-port-changed", B35, [(SVC, "    port: 8443\n", "    port: 9443\n")], []),
    # GAP: nothing listens on 9443 (not detected); only wording
    ("service-targetport-changed", B35, [(SVC, "    targetPort: 8443\n", "    targetPort: 9443\n")], ["KS301"]),
    # KS606 right, as monitor-port-typo
    ("service-port-renamed", B35, [(SVC, "  - name: https\n", "  - name: metrics\n")], ["KS301", "KS606"]),
    # ---- the Prometheus's own ClusterRole (b35)
    ("cr-no-endpoints", B35, [(P, "  resources: [services, endpoints, pods]\n", "  resources: [services, pods]\n")], ["KS101"]),
    # KS109 plus the consequences for the account it names: right
    ("prometheus-sa-renamed", B35, [(P, "  serviceAccountName: prometheus-k8s\n", "  serviceAccountName: prometheus\n")], ["KS101", "KS104", "KS109"]),
]
OVL = "config/overlays/team/kustomization.yaml"
MUTATIONS += [
    # no fault (kustomize rewrites metrics-reader to team-project-metrics-reader); messages renamed
    ("overlay-binding-written-name", B36, [(P, READER_CRB, ""), (OVL, None, "namePrefix: team-\nresources:\n- ../../default\n- reader_binding.yaml\n"), ("config/overlays/team/reader_binding.yaml", None, READER_BIND_IN_BASE % "metrics-reader")], ["KS208", "KS301"]),
    # no fault (project-metrics-reader is a PrevId); messages renamed
    ("overlay-binding-default-name", B36, [(P, READER_CRB, ""), (OVL, None, "namePrefix: team-\nresources:\n- ../../default\n- reader_binding.yaml\n"), ("config/overlays/team/reader_binding.yaml", None, READER_BIND_IN_BASE % "project-metrics-reader")], ["KS208", "KS301"]),
    # no fault (already the built name); messages renamed
    ("overlay-binding-built-name", B36, [(P, READER_CRB, ""), (OVL, None, "namePrefix: team-\nresources:\n- ../../default\n- reader_binding.yaml\n"), ("config/overlays/team/reader_binding.yaml", None, READER_BIND_IN_BASE % "team-project-metrics-reader")], ["KS208", "KS301"]),
    # no fault; messages renamed
    ("suffix-binding-in-base", B36, [(P, READER_CRB, ""), (K, "namePrefix: project-\n", "namePrefix: project-\nnameSuffix: -v2\n"), ("config/rbac/metrics_reader_binding.yaml", None, READER_BIND_IN_BASE % "metrics-reader"), (RK, "- metrics_reader_role.yaml\n", "- metrics_reader_role.yaml\n- metrics_reader_binding.yaml\n")], ["KS208", "KS301"]),
    ("auth-binding-subject-built-namespace", B35, [(AUTHB, "  namespace: system\n", "  namespace: project-system\n")], []),
    # the subject names default/controller-manager, which kustomize leaves: the server breaks (GAP as above)
    ("auth-binding-subject-other-namespace", B35, [(AUTHB, "  namespace: system\n", "  namespace: default\n")], ["KS301"]),
    ("manager-sa-built-name", B35, [(MGR, "      serviceAccountName: controller-manager\n", "      serviceAccountName: project-controller-manager\n")], []),
    # FIXED: kustomize leaves {name: project-controller-manager, namespace: system} as written (no PrevId matches), so the manager loses its review grants; the tool moved the subject and called the server secure. GAP as above for the finding itself
    ("auth-binding-subject-built-name", B35, [(AUTHB, "  name: controller-manager\n", "  name: project-controller-manager\n")], ["KS301"]),
    # the auth binding follows the overlay (nameref), only the reader binding dangles
    ("overlay-team-auth-ok", B35, [(OVL, None, "namePrefix: team-\nresources:\n- ../../default\n")], ["KS301", "KS502"]),
]
