"""Property tests over the whole pipeline (SPEC §7): generated, mutated and random input never crashes or hangs.

Three sources of input, each through load → build → analyse → every check → every report format →
suggest-rbac → LSP ranges (tests/fuzz/driver.py says which properties are checked):
- generated workspaces shaped like the real thing — RBAC, bindings, ServiceAccounts, workloads, ConfigMaps and
  Secrets embedding Prometheus configs, Operator resources — where any field may hold the wrong type;
- files of the shared corpus with byte and line mutations, linted with their neighbours;
- random bytes.
Each input is bounded by a hard alarm (a hang fails the test even inside C code that returns) and a
hypothesis deadline. Budget: about a minute in total; the long run is tests/fuzz/fuzz_pipeline.py (atheris).
"""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent / "fuzz"))

from driver import check_pipeline, corpus_groups, mutate, relative, to_yaml  # noqa: E402

HARD_LIMIT_S = 20  # per input: far above the slowest honest case, far below a CI timeout
SETTINGS = dict(
    deadline=timedelta(seconds=8),  # generous: CI machines are slow and shared
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)


@contextmanager
def hard_limit(seconds: int = HARD_LIMIT_S):
    """Fail (instead of hanging the suite) when one input takes longer than `seconds`."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(_signum, _frame):
        raise TimeoutError(f"one input took over {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run(files: list[tuple[str, bytes]]) -> None:
    with hard_limit():
        check_pipeline(files)


# ---------------------------------------------------------------------------------------------- strategies

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)  # control characters: test_random_bytes
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 70_000), st.floats(allow_nan=True, allow_infinity=True),
    TEXT, st.lists(st.integers(0, 9), max_size=2), st.dictionaries(TEXT, st.integers(), max_size=2),
)


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly (7 in 8) the right shape, else any other type (None, list, int where a string is expected…).

    (Not `one_of(s, s, s, JUNK)`: hypothesis flattens and de-duplicates branches, so that would be mostly junk.)
    """
    return st.integers(0, 7).flatmap(lambda n: strategy if n else JUNK)


def pick(*values) -> st.SearchStrategy:
    return maybe(st.sampled_from(values))


def mapping(required: dict, optional: dict | None = None) -> st.SearchStrategy:
    return maybe(st.fixed_dictionaries(required, optional=optional or {}))


NAMES = pick("prometheus", "prometheus-k8s", "default", "kube-state-metrics", "node-exporter", "vmagent", "", "a/b", "*")
NAMESPACES = pick("monitoring", "default", "kube-system", "", "payments")
LABELS = maybe(st.dictionaries(st.sampled_from(["app", "app.kubernetes.io/name", "rbac.example.com/aggregate-to-monitoring"]),
                               pick("prometheus", "true", "node-exporter"), max_size=2))
METADATA = mapping({"name": NAMES}, {"namespace": NAMESPACES, "labels": LABELS,
                                     "annotations": maybe(st.dictionaries(st.sampled_from(
                                         ["kubelint-scrape.io/ignore", "prometheus.io/scrape", "prometheus.io/port"]),
                                         pick("KS401,KS404", "true", "9100", "KS999"), max_size=2))})

RULE = mapping(
    {"verbs": maybe(st.lists(pick("get", "list", "watch", "*", "create", "proxy", "escalate", "bind", "impersonate", "gett"), max_size=3))},
    {
        "apiGroups": maybe(st.lists(pick("", "apps", "*", "discovery.k8s.io", "networking.k8s.io", "extensions"), max_size=2)),
        "resources": maybe(st.lists(pick("nodes", "nodes/metrics", "nodes/proxy", "nodes/*", "pods", "services", "endpoints",
                                         "endpointslices", "*", "*/metrics", "secrets", "ingresses", "namespaces",
                                         "serviceaccounts/token", "pods/exec"), max_size=3)),
        "resourceNames": maybe(st.lists(NAMES, max_size=2)),
        "nonResourceURLs": maybe(st.lists(pick("/metrics", "/metrics/*", "/metrics/cadvisor", "*", "/healthz"), max_size=2)),
    },
)
ROLE = st.fixed_dictionaries(
    {"apiVersion": pick("rbac.authorization.k8s.io/v1", "v1"), "kind": st.sampled_from(["Role", "ClusterRole"]),
     "metadata": METADATA, "rules": maybe(st.lists(RULE, max_size=4))},
    optional={"aggregationRule": mapping({"clusterRoleSelectors": maybe(st.lists(mapping({"matchLabels": LABELS}), max_size=2))})},
)
SUBJECT = mapping({"kind": pick("ServiceAccount", "User", "Group"), "name": maybe(st.sampled_from(
    ["prometheus", "system:serviceaccounts", "system:authenticated", "system:serviceaccount:monitoring:prometheus", ""]))},
    {"namespace": NAMESPACES, "apiGroup": pick("", "rbac.authorization.k8s.io")})
BINDING = st.fixed_dictionaries({
    "apiVersion": pick("rbac.authorization.k8s.io/v1"), "kind": st.sampled_from(["RoleBinding", "ClusterRoleBinding"]),
    "metadata": METADATA,
    "roleRef": mapping({"kind": pick("Role", "ClusterRole"), "name": maybe(st.sampled_from(
        ["prometheus", "cluster-admin", "view", "system:monitoring", "missing"]))}, {"apiGroup": pick("rbac.authorization.k8s.io")}),
    "subjects": maybe(st.lists(SUBJECT, max_size=3)),
})
SERVICE_ACCOUNT = st.fixed_dictionaries(
    {"apiVersion": pick("v1"), "kind": st.just("ServiceAccount"), "metadata": METADATA},
    optional={"automountServiceAccountToken": maybe(st.booleans())},
)
CONTAINER = mapping(
    {"name": NAMES, "image": pick("quay.io/prometheus/prometheus:v3.5.0", "busybox", "prom/node-exporter")},
    {
        "args": maybe(st.lists(pick("--config.file=/etc/prometheus/prometheus.yml", "--web.enable-lifecycle"), max_size=2)),
        "command": maybe(st.lists(pick("/bin/prometheus", "sh"), max_size=2)),
        "volumeMounts": maybe(st.lists(mapping({"name": pick("config", "token", "root"), "mountPath": pick(
            "/etc/prometheus", "/var/run/secrets/kubernetes.io/serviceaccount", "/host")}), max_size=2)),
        "securityContext": mapping({}, {"privileged": maybe(st.booleans()), "allowPrivilegeEscalation": maybe(st.booleans()),
                                        "capabilities": mapping({"add": maybe(st.lists(pick("SYS_ADMIN", "NET_RAW"), max_size=2))})}),
        "ports": maybe(st.lists(mapping({"containerPort": maybe(st.integers(1, 70000))}), max_size=1)),
    },
)
VOLUME = mapping({"name": pick("config", "token", "root")}, {
    "configMap": mapping({"name": pick("prometheus-config", "prometheus")}),
    "secret": mapping({"secretName": pick("prometheus-config")}),
    "hostPath": mapping({"path": pick("/", "/var/run/docker.sock", "/proc", "/var/lib/kubelet")}),
    "projected": mapping({"sources": maybe(st.lists(mapping({}, {
        "serviceAccountToken": mapping({"path": pick("token")}), "configMap": mapping({"name": pick("prometheus-config")})}),
        max_size=2))}),
})
POD_SPEC = mapping({"containers": maybe(st.lists(CONTAINER, max_size=2))}, {
    "serviceAccountName": NAMES, "serviceAccount": NAMES, "automountServiceAccountToken": maybe(st.booleans()),
    "hostNetwork": maybe(st.booleans()), "hostPID": maybe(st.booleans()), "hostIPC": maybe(st.booleans()),
    "volumes": maybe(st.lists(VOLUME, max_size=3)), "initContainers": maybe(st.lists(CONTAINER, max_size=1)),
})
WORKLOAD = st.one_of(
    st.fixed_dictionaries({"apiVersion": pick("apps/v1"), "kind": st.sampled_from(["Deployment", "StatefulSet", "DaemonSet"]),
                           "metadata": METADATA, "spec": mapping({"template": mapping({"spec": POD_SPEC}, {"metadata": METADATA})})}),
    st.fixed_dictionaries({"apiVersion": pick("v1"), "kind": st.just("Pod"), "metadata": METADATA, "spec": POD_SPEC}),
    st.fixed_dictionaries({"apiVersion": pick("batch/v1"), "kind": st.just("CronJob"), "metadata": METADATA,
                           "spec": mapping({"jobTemplate": mapping({"spec": mapping({"template": mapping({"spec": POD_SPEC})})})})}),
)

RELABEL = mapping({}, {
    "source_labels": maybe(st.lists(pick("__address__", "__meta_kubernetes_node_name", "__meta_kubernetes_namespace",
                                         "__meta_kubernetes_service_name", "__meta_kubernetes_pod_annotation_prometheus_io_scrape"), max_size=3)),
    "regex": pick("(.+)", "([^:]+)(?::\\d+)?;(\\d+)", "default;kubernetes;https", "(", "[a-", "true", ".*", "(?P<x>a)"),
    "action": pick("replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep", "hashmod", "lowercase", "uppercase",
                   "keepequal", "dropequal", "bogus"),
    "target_label": pick("__address__", "__metrics_path__", "__scheme__", "instance", "__param_target", "$1"),
    "replacement": pick("kubernetes.default.svc:443", "/api/v1/nodes/$1/proxy/metrics", "$1:10250", "${1}:9100", "https"),
    "separator": pick(";", ""), "modulus": maybe(st.integers(-1, 10)),
})
SD = mapping({"role": pick("node", "pod", "service", "endpoints", "endpointslice", "ingress", "nodes")}, {
    "namespaces": mapping({}, {"names": maybe(st.lists(NAMESPACES, max_size=2)), "own_namespace": maybe(st.booleans())}),
    "api_server": pick("https://kubernetes.default.svc"),
    "attach_metadata": mapping({}, {"node": maybe(st.booleans()), "namespace": maybe(st.booleans())}),
    "selectors": maybe(st.lists(mapping({"role": pick("pod"), "label": pick("app=x")}), max_size=1)),
})
JOB = mapping({"job_name": NAMES}, {
    "scheme": pick("http", "https", "HTTPS"), "metrics_path": pick("/metrics", "/metrics/cadvisor", "/api/v1/nodes/n/proxy/metrics", ""),
    "kubernetes_sd_configs": maybe(st.lists(SD, max_size=2)),
    "static_configs": maybe(st.lists(mapping({"targets": maybe(st.lists(pick("localhost:9090", "10.0.0.1:10250", ":10255", "x"), max_size=2))},
                                             {"labels": LABELS}), max_size=1)),
    "relabel_configs": maybe(st.lists(RELABEL, max_size=4)),
    "bearer_token_file": pick("/var/run/secrets/kubernetes.io/serviceaccount/token", "/etc/token"),
    "authorization": mapping({}, {"credentials_file": pick("/var/run/secrets/kubernetes.io/serviceaccount/token"),
                                  "type": pick("Bearer"), "credentials": pick("secret")}),
    "basic_auth": mapping({}, {"username": pick("u"), "password": pick("p")}),
    "tls_config": mapping({}, {"insecure_skip_verify": maybe(st.booleans()),
                               "ca_file": pick("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")}),
    "params": maybe(st.dictionaries(st.sampled_from(["module", "target"]), maybe(st.lists(pick("http_2xx"), max_size=1)), max_size=1)),
    "scrape_interval": pick("30s", "1m", "-1s", "forever"), "honor_labels": maybe(st.booleans()),
})
PROM_CONFIG = st.fixed_dictionaries({"scrape_configs": maybe(st.lists(JOB, max_size=3))},
                                    optional={"global": mapping({}, {"scrape_interval": pick("30s", "x")})})


@st.composite
def embedded(draw) -> dict:
    kind = draw(st.sampled_from(["ConfigMap", "Secret"]))
    text = to_yaml(draw(PROM_CONFIG), draw(st.integers(0, 9)))
    section = "data" if kind == "ConfigMap" else "stringData"
    key = draw(st.sampled_from(["prometheus.yml", "prometheus.yaml", "config.yaml"]))
    return {"apiVersion": "v1", "kind": kind, "metadata": draw(METADATA), section: {key: draw(maybe(st.just(text)))}}


MONITOR = st.fixed_dictionaries({
    "apiVersion": pick("monitoring.coreos.com/v1"), "kind": st.sampled_from(["ServiceMonitor", "PodMonitor", "Prometheus", "Probe", "ScrapeConfig"]),
    "metadata": METADATA,
    "spec": mapping({}, {
        "serviceAccountName": NAMES,
        "endpoints": maybe(st.lists(mapping({}, {"port": pick("https-metrics", "web"), "scheme": pick("https", "http"),
                                                "path": pick("/metrics", "/metrics/cadvisor"),
                                                "bearerTokenFile": pick("/var/run/secrets/kubernetes.io/serviceaccount/token"),
                                                "tlsConfig": mapping({}, {"insecureSkipVerify": maybe(st.booleans())})}), max_size=2)),
        "podMetricsEndpoints": maybe(st.lists(mapping({}, {"port": pick("web")}), max_size=1)),
        "selector": mapping({}, {"matchLabels": LABELS}),
        "namespaceSelector": mapping({}, {"any": maybe(st.booleans()), "matchNames": maybe(st.lists(NAMESPACES, max_size=2))}),
        "serviceMonitorSelector": mapping({}, {"matchLabels": LABELS}),
        "arbitraryFSAccessThroughSMs": mapping({}, {"deny": maybe(st.booleans())}),
        "kubernetesSDConfigs": maybe(st.lists(mapping({"role": pick("Node", "Pod", "node")}), max_size=1)),
    }),
})
OBJECT = st.one_of(ROLE, BINDING, SERVICE_ACCOUNT, WORKLOAD, embedded(), embedded(), MONITOR, PROM_CONFIG, JUNK)


@st.composite
def workspaces(draw) -> list[tuple[str, bytes]]:
    files = []
    for index in range(draw(st.integers(1, 3))):
        documents = draw(st.lists(OBJECT, min_size=1, max_size=4))
        if draw(st.booleans()) and len(documents) > 1:  # sometimes a `kind: List`
            documents = [{"apiVersion": "v1", "kind": "List", "items": documents}]
        style = draw(st.integers(0, 9))
        text = "---\n".join(to_yaml(doc, style + i) for i, doc in enumerate(documents))
        name = draw(st.sampled_from(["prometheus.yml", "rbac.yaml", "deploy.yaml", "monitoring/config.yaml"]))
        files.append((f"ws/{index}-{name}", text.encode()))
    return files


# ---------------------------------------------------------------------------------------------- properties


@settings(max_examples=250, **SETTINGS)
@given(workspaces())
def test_generated_workspaces(files: list[tuple[str, bytes]]) -> None:
    run(files)


GROUPS = corpus_groups()


@pytest.mark.skipif(not GROUPS, reason="../shared/corpus is absent: no seed files to mutate")
@settings(max_examples=200, **SETTINGS)
@given(
    group=st.integers(0, 10_000), victim=st.integers(0, 10),
    ops=st.lists(st.tuples(st.integers(0, 8), st.integers(0, 1 << 20), st.integers(0, 1 << 16)), min_size=1, max_size=8),
)
def test_mutated_corpus_files(group: int, victim: int, ops: list[tuple[int, int, int]]) -> None:
    files = GROUPS[group % len(GROUPS)]
    chosen = victim % len(files)
    inputs = []
    for index, path in enumerate(files):
        data = path.read_bytes()
        inputs.append((relative(path), mutate(data, ops) if index == chosen else data))
    run(inputs)


@settings(max_examples=150, **SETTINGS)
@given(st.binary(max_size=3000), st.sampled_from([b"", b"apiVersion: v1\nkind: ConfigMap\n", b"scrape_configs:\n"]))
def test_random_bytes(data: bytes, prefix: bytes) -> None:
    run([("ws/noise.yaml", prefix + data)])


def test_hard_limit_catches_a_hang() -> None:
    with pytest.raises(TimeoutError):
        with hard_limit(1):
            while True:
                pass


def test_the_atheris_harness_splits_named_files_into_a_kustomize_layout() -> None:
    """tests/fuzz/fuzz_pipeline.py seeds Kustomize fixtures whole, each file under its path, so the long run
    reaches kustomize.py and kpatch.py; an unsafe or missing name falls back to the file's index."""
    from fuzz_pipeline import named_mark, split_workspace

    data = (named_mark("base/kustomization.yaml") + b"resources: [sa.yaml]\n" + named_mark("base/sa.yaml") + b"a: 1\n"
            + named_mark("../escape.yaml") + b"b: 2\n" + b"\n#~~~ kubelint-fuzz file ~~~\n" + b"c: 3\n")
    assert split_workspace(data) == [("ws/base/kustomization.yaml", b"resources: [sa.yaml]\n"), ("ws/base/sa.yaml", b"a: 1\n"),
                                     ("ws/2-deployment.yaml", b"b: 2\n"), ("ws/3-monitor.yaml", b"c: 3\n")]
    case = Path(__file__).resolve().parents[1] / "fixtures" / "KS006" / "fail-overlays-built-together"
    if not case.is_dir():
        pytest.skip("fixture moved")
    files = sorted(p for p in case.rglob("*.yaml") if not p.name.startswith("expected"))
    result = check_pipeline(split_workspace(b"".join(named_mark(str(p.relative_to(case))) + p.read_bytes() for p in files)),
                            formats=())
    assert "KS006" in {finding.rule for finding in result.findings}  # the overlays were built: Kustomize was read
