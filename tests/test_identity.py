"""Which pod loads a config (analyse.resolve_identity): the file its command line names, and the key of the
ConfigMap/Secret found there through volume `items` and mount `subPath`."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubelint_scrape.analyse import _api_audience, config_file_paths, config_flag_urls
from kubelint_scrape.model import Container, container_env, expand_env
from kubelint_scrape.yamltree import YMap


def _container(command: list[str], args: list[str]) -> Container:
    return Container(name="c", image="i", command=command, args=args, mounts=[], node=YMap(None))


@pytest.mark.parametrize("command,args,expected", [
    ([], ["--config.file=/etc/prometheus/prometheus.yml"], ["/etc/prometheus/prometheus.yml"]),
    (["/bin/prometheus", "--config.file", "/etc/cfg/config.yaml"], [], ["/etc/cfg/config.yaml"]),
    ([], ["-promscrape.config=/config/scrape.yml", "-remoteWrite.url=http://vm:8428"], ["/config/scrape.yml"]),
    ([], ["--config=/conf/relay.yaml"], ["/conf/relay.yaml"]),
    (["sh", "-c", "exec prometheus --config.file='/etc/p/prometheus.yml' --web.enable-lifecycle"], [],
     ["/etc/p/prometheus.yml"]),
    ([], ["--web.config.file=/etc/web/web.yml", "--config=env:COLLECTOR_CONFIG"], []),
    # through the kubelet's atomic-writer directory: the key the volume holds there
    ([], ["--config.file=/etc/prometheus/..data/prometheus.yml"], ["/etc/prometheus/prometheus.yml"]),
])
def test_config_file_paths(command: list[str], args: list[str], expected: list[str]) -> None:
    assert config_file_paths(_container(command, args)) == expected


@pytest.mark.parametrize("workdir,args,expected", [
    # A relative config file is opened from the container's workingDir (Prometheus reads it from its CWD).
    ("/etc/prometheus", ["--config.file=prometheus.yml"], ["/etc/prometheus/prometheus.yml"]),
    ("/etc/prometheus", ["--config.file", "./conf/../prometheus.yml"], ["/etc/prometheus/prometheus.yml"]),
    ("/etc/prometheus", ["--config.file=/etc/other/p.yml"], ["/etc/other/p.yml"]),
    # Without workingDir the image's WORKDIR decides, which the inputs do not show; a URI is no file.
    ("", ["--config.file=prometheus.yml"], []),
    ("/conf", ["--config=env:COLLECTOR_CONFIG"], []),
    ("/conf", ["--config=$(CONFIG_FILE)"], []),
])
def test_config_file_paths_relative_to_working_dir(workdir: str, args: list[str], expected: list[str]) -> None:
    node = YMap()
    if workdir:
        node["workingDir"] = workdir
    container = Container(name="c", image="i", command=[], args=args, mounts=[], node=node)
    assert config_file_paths(container) == expected


@pytest.mark.parametrize("image,workdir,command,args,expected", [
    # No config flag: the image's CMD names /etc/prometheus/prometheus.yml (prometheus Dockerfile) ...
    ("prom/prometheus:v3.5.0", "", [], [], ["/etc/prometheus/prometheus.yml"]),
    ("quay.io/prometheus/prometheus@sha256:0123", "", [], [], ["/etc/prometheus/prometheus.yml"]),
    # ... unless args replace the CMD, or command replaces ENTRYPOINT and CMD: then the flag default prometheus.yml
    # is opened in the working directory, workingDir or the image's WORKDIR /prometheus
    ("prom/prometheus:v3.5.0", "", [], ["--storage.tsdb.retention.time=15d"], ["/prometheus/prometheus.yml"]),
    ("prom/prometheus:v3.5.0", "", ["/bin/prometheus"], [], ["/prometheus/prometheus.yml"]),
    ("prom/prometheus:v3.5.0", "/etc/prometheus", [], ["--web.enable-lifecycle"], ["/etc/prometheus/prometheus.yml"]),
    ("prom/prometheus:v3.5.0", "", [], ["--config.file=prom.yml"], ["/prometheus/prom.yml"]),
    # a flag written, a shell, a positional word, or another image: nothing implied
    ("prom/prometheus:v3.5.0", "", [], ["--config.file=/c/p.yml"], ["/c/p.yml"]),
    ("prom/prometheus:v3.5.0", "", ["sh", "-c", "envsubst < /t/p.yml > /tmp/p.yml; exec prometheus"], [], []),
    ("prom/prometheus:v3.5.0", "", [], ["run"], []),
    ("quay.io/prometheus-operator/prometheus-config-reloader:v0.80.0", "", [], [], []),
    ("bitnami/prometheus:3", "", [], [], []),
    # the collector distributions' CMD is --config /etc/<name>/config.yaml; without it the collector loads nothing
    ("otel/opentelemetry-collector-contrib:0.110.0", "", [], [], ["/etc/otelcol-contrib/config.yaml"]),
    ("ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-k8s:0.110.0", "", [], [],
     ["/etc/otelcol-k8s/config.yaml"]),
    ("otel/opentelemetry-collector:0.110.0", "", [], ["--feature-gates=+x"], [""]),
    # vmagent's -promscrape.config has no default: no file, unless its flags come from the environment
    ("victoriametrics/vmagent:v1.102.0", "", [], ["-remoteWrite.url=http://vm:8428"], [""]),
    ("victoriametrics/vmagent:v1.102.0", "", [], ["-envflag.enable", "-remoteWrite.url=http://vm:8428"], []),
])
def test_config_file_of_a_prometheus_image_without_the_flag(image: str, workdir: str, command: list[str],
                                                            args: list[str], expected: list[str]) -> None:
    node = YMap()
    if workdir:
        node["workingDir"] = workdir
    container = Container(name="c", image=image, command=command, args=args, mounts=[], node=node)
    assert config_file_paths(container) == expected


@pytest.mark.parametrize("args,urls,paths", [
    # vmagent loads -promscrape.config from a URL too (lib/promscrape/config.go → fscore.ReadFileOrHTTP)
    (["-promscrape.config=https://cfg.example.com/scrape.yml", "-remoteWrite.url=http://vm:8428"],
     ["https://cfg.example.com/scrape.yml"], []),
    (["-promscrape.config", "http://cfg/scrape.yml"], ["http://cfg/scrape.yml"], []),
    (["-promscrape.config=/config/scrape.yml", "-remoteWrite.url=http://vm:8428"], [], ["/config/scrape.yml"]),
])
def test_config_flag_urls(args: list[str], urls: list[str], paths: list[str]) -> None:
    container = _container([], args)
    assert (config_flag_urls(container), config_file_paths(container)) == (urls, paths)


# Upstream's table (k/k third_party/forked/golang/expansion/expand_test.go), with VAR_A=A, VAR_B=B, VAR_C=C,
# VAR_EMPTY="" and VAR_REF="$(VAR_A)": the kubelet expands a container's command and args with it.
EXPANSION_ENV = {"VAR_A": "A", "VAR_B": "B", "VAR_C": "C", "VAR_EMPTY": "", "VAR_REF": "$(VAR_A)"}


@pytest.mark.parametrize("text,expected", [
    ("$(VAR_A)", "A"), ("___$(VAR_B)___", "___B___"), ("$(VAR_REF)", "$(VAR_A)"), ("foo$(VAR_EMPTY)bar", "foobar"),
    ("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"), ("$?_boo_$!", "$?_boo_$!"), ("$VAR_A", "$VAR_A"),
    ("$(VAR_DNE)", "$(VAR_DNE)"), ("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"), ("$$$$$$$(VAR_A)", "$$$A"),
    ("${VAR_A}", "${VAR_A}"), ("$(VAR_B)_______$(A", "B_______$(A"), ("$(VAR_A)foobarzab$", "Afoobarzab$"),
    ("--$($($($($--", "--$($($($($--"), ("$(foo$$var)", "$(foo$$var)"),
])
def test_expand_env_follows_kubernetes(text: str, expected: str) -> None:
    assert expand_env(text, EXPANSION_ENV) == expected


def test_container_env_expands_earlier_variables_and_skips_runtime_values() -> None:
    from kubelint_scrape.yamltree import YSeq

    def entry(**fields) -> YMap:
        node = YMap(None)
        for key, value in fields.items():
            node.put(key, value, None, None)
        return node

    env = YSeq(None)
    for item in (entry(name="DIR", value="/etc/prometheus"), entry(name="CONFIG", value="$(DIR)/prometheus.yml"),
                 entry(name="POD", valueFrom=YMap(None))):
        env.append(item)
    container = entry(env=env)
    assert container_env(container) == {"DIR": "/etc/prometheus", "CONFIG": "/etc/prometheus/prometheus.yml"}


def test_configured_identity_reason_names_the_glob_as_written(tmp_path, monkeypatch) -> None:
    import json

    from click.testing import CliRunner

    from kubelint_scrape.cli import main

    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "prometheus.yml").write_text("scrape_configs:\n  - job_name: a\n    static_configs: [{targets: [x:1]}]\n")
    (tmp_path / ".kubelint-scrape.yaml").write_text('identities: {"deploy/**": monitoring/prometheus}\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "deploy", "--format", "json", "--fail-on", "never"])
    [job] = json.loads(result.stdout)["jobs"]
    assert job["identity"] == "monitoring/prometheus"
    assert job["identity_reason"] == "configured: identities['deploy/**']"


@pytest.mark.parametrize("audience, api", [
    ("", True),
    ("https://kubernetes.default.svc.cluster.local", True),
    ("https://kubernetes.default.svc", True),
    ("k3s", True),
    ("https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/c", True),
    ("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC", True),
    ("https://issuer.example.com", True),  # a cluster-specific issuer we cannot tell apart: no KS106 guess
    ("vault", False),
    ("sts.amazonaws.com", False),
    ("api://AzureADTokenExchange", False),
    ("metrics.apps.example.com", False),
])
def test_projected_token_audience_taken_for_the_api_server(audience, api):
    token = YMap()
    token["audience"] = audience
    assert _api_audience(token) is api


@pytest.mark.parametrize("pattern,path,expected", [
    ("/etc/prometheus/scrape.d/*.yml", "/etc/prometheus/scrape.d/kubelet.yml", True),
    ("/etc/prometheus/*.yml", "/etc/prometheus/scrape.d/kubelet.yml", False),  # `*` stops at `/` (filepath.Match)
    ("/etc/prometheus/jobs-?.yml", "/etc/prometheus/jobs-a.yml", True),
    ("/etc/prometheus/jobs-[^a].yml", "/etc/prometheus/jobs-a.yml", False),
    ("/etc/prometheus/jobs-[a-c].yml", "/etc/prometheus/jobs-b.yml", True),
    ("/etc/prometheus/jobs-[.yml", "/etc/prometheus/jobs-[.yml", False),  # ErrBadPattern: Glob matches nothing
])
def test_scrape_config_files_glob(pattern: str, path: str, expected: bool) -> None:
    from kubelint_scrape.gopath import go_path_match

    assert go_path_match(pattern, path) is expected


@pytest.mark.parametrize("glob, included, expected", [
    ("scrape.d/*.yml", "repo/prom/scrape.d/kubelet.yml", True),   # relative: to the including file's directory
    ("scrape.d/*.yml", "repo/prom/kubelet.yml", False),
    ("../jobs/*.yml", "repo/jobs/kubelet.yml", True),
    ("/etc/prometheus/scrape.d/*.yml", "repo/prom/scrape.d/kubelet.yml", True),  # absolute: by its last components
    ("/etc/prometheus/*.yml", "repo/prom/kubelet.yml", True),
    ("/etc/prometheus/scrape.d/*.yml", "repo/prom/kubelet.yml", True),  # its last component: the layout is unknown
    ("/etc/prometheus/scrape.d/*.yaml", "repo/prom/scrape.d/kubelet.yml", False),
    ("/etc/prometheus/scrape.d/*.yml", "repo/jobs/kubelet.yml", False),  # outside the including file's directory
])
def test_a_config_file_taken_in_by_scrape_config_files(glob: str, included: str, expected: bool) -> None:
    from kubelint_scrape.analyse import Includes, _including_file
    from kubelint_scrape.promconfig import build_config

    root = YMap()
    root["scrape_config_files"] = [glob]
    parent = build_config("repo/prom/prometheus.yml", root, "config")
    child = build_config(included, YMap(), "config")
    found = _including_file(child, Includes(files=[(parent, [glob])]))
    assert (found == (parent, glob)) is expected


@pytest.mark.parametrize("name, scraper", [
    ("prometheus", True), ("prometheus-server", True), ("prometheus-k8s", True), ("vmagent", True),
    ("grafana-agent", True), ("alloy", True), ("otel-collector", True), ("monitoring", True),
    ("prometheus-node-exporter", False), ("kube-state-metrics", False), ("prometheus-adapter", False),
    ("prometheus-operator", False), ("prometheus-pushgateway", False), ("default", False), ("grafana", False),
])
def test_scraper_like_service_account_names(name: str, scraper: bool) -> None:
    """A plain config takes the identity of the only scraper-like ServiceAccount beside it: an exporter's or an
    operator's account beside it (a chart rendered to one directory) must not make that ambiguous or wrong."""
    from kubelint_scrape.analyse import _scraper_name

    assert _scraper_name(name) is scraper


# One config mounted by two workloads that run as different ServiceAccounts (SPEC §3: each is an identity of it).
SHARED = Path(__file__).resolve().parent.parent / "fixtures" / "KS102" / "fail-config-loaded-by-two-serviceaccounts"


def _lint_shared(reverse: bool = False, **options):
    from kubelint_scrape.engine import Options, lint_sources
    from kubelint_scrape.load import parse_source

    paths = sorted(SHARED.glob("*.yaml"), reverse=reverse)
    sources = [parse_source(p.name, p.read_text()) for p in paths]
    return lint_sources(sources, Options(**options))


@pytest.mark.parametrize("reverse", [False, True])
def test_a_config_loaded_as_two_service_accounts_is_analysed_as_each(reverse: bool) -> None:
    result = _lint_shared(reverse)
    [config] = result.analysis.configs
    resolution = result.analysis.resolutions[id(config)]
    # Ordered by namespace/name whatever the order of the inputs, each naming the workload that runs as it.
    assert [str(r.identity) for r in resolution.each] == ["monitoring/prometheus", "monitoring/prometheus-ha"]
    assert [r.pod.obj.name for r in resolution.each] == ["prometheus", "prometheus-ha"]
    assert [(j.job.name, str(j.identity)) for j in result.analysis.jobs] == [
        ("kubernetes-cadvisor", "monitoring/prometheus"), ("kubernetes-cadvisor", "monitoring/prometheus-ha")]
    assert [f.rule for f in result.findings] == ["KS102", "KS304"]  # KS304 (no identity in it) once, not twice
    [denied] = [f for f in result.findings if f.rule == "KS102"]
    assert "as monitoring/prometheus-ha," in denied.message
    assert any("StatefulSet monitoring/prometheus-ha" in r.message for r in denied.related)


def test_a_second_identity_shares_the_relabel_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    from kubelint_scrape import analyse

    planned = []
    real = analyse._plan_simulation
    monkeypatch.setattr(analyse, "_plan_simulation",
                        lambda job, identity, *shown: planned.append(job) or real(job, identity, *shown))
    result = _lint_shared()
    assert len(result.analysis.jobs) == 2 and len(planned) == 1


def test_identity_override_still_names_one_identity() -> None:
    from kubelint_scrape.rbac import Identity

    result = _lint_shared(identity=Identity("monitoring", "prometheus"))
    assert [str(j.identity) for j in result.analysis.jobs] == ["monitoring/prometheus"]
    assert "KS102" not in [f.rule for f in result.findings]


def test_a_job_checked_as_two_identities_is_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from kubelint_scrape.cli import main

    monkeypatch.chdir(SHARED.parent / "pass-config-loaded-by-two-serviceaccounts")
    files = sorted(p.name for p in Path(".").glob("*.yaml"))
    result = CliRunner().invoke(main, ["check", *files, "--ignore", "KS304", "--format", "text"])
    assert "All checks passed (4 file(s), 1 scrape job(s))." in result.output


@pytest.mark.parametrize("written,name,expected", [
    (None, "prometheus", ("monitoring", True)),         # no namespace: takes the build's account's new one
    ("metrics", "prometheus", ("monitoring", True)),    # the account's namespace before the move: follows it
    ("default", "scraper", ("monitoring", True)),       # an account written without namespace is in "default"
    ("kube-system", "prometheus", ("kube-system", True)),  # another namespace's account: left as written
    (None, "outsider", ("", False)),                    # not an account of the build: left, rejected (KS501)
    ("kube-system", "default", ("monitoring", True)),   # `default` always takes it (namespace roleBindingHack)
])
def test_kustomized_subjects(written: str | None, name: str, expected: tuple[str, bool]) -> None:
    """A ClusterRoleBinding's ServiceAccount subject as `kustomize build` writes it under `namespace: monitoring`
    (kustomize api/filters/nameref setMapping, api/filters/namespace roleBindingHack)."""
    from kubelint_scrape.build import kustomized_subjects
    from kubelint_scrape.model import BindingDef, Subject

    subject = Subject("ServiceAccount", name, written or "", written is not None, "", 0, None)
    binding = BindingDef("ClusterRoleBinding", "b", "", "ClusterRole", "r", [subject])
    accounts = frozenset({("metrics", "prometheus", "prometheus"), ("", "scraper", "scraper")})
    result = kustomized_subjects(binding, "monitoring", accounts).subjects[0]
    assert (result.namespace, result.namespace_explicit) == expected


@pytest.mark.parametrize("before,expected", [
    ("controller-manager", ("project-system", True)),  # wrote the account's name before the prefix: follows it
    ("project-controller-manager", ("system", True)),  # wrote the built name: no PrevId matches, left as written
])
def test_kustomized_subjects_in_a_renaming_build(before: str, expected: tuple[str, bool]) -> None:
    """Under `namespace: project-system` + `namePrefix: project-` a subject moves with the account only when it wrote
    one of the account's earlier names: kustomize api/filters/nameref selectReferral (previousNameMatches reads
    PrevIds, which exclude the current id); the namespace transformer sets subjects named `default` only."""
    from kubelint_scrape.build import kustomized_subjects
    from kubelint_scrape.model import BindingDef, Subject

    subject = Subject("ServiceAccount", "project-controller-manager", "system", True, "", 0, None)
    binding = BindingDef("ClusterRoleBinding", "b", "", "ClusterRole", "r", [subject])
    accounts = frozenset({("system", "project-controller-manager", "controller-manager")})
    result = kustomized_subjects(binding, "project-system", accounts, {0: before}).subjects[0]
    assert (result.namespace, result.namespace_explicit) == expected
