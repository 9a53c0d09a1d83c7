"""Which pod loads a config (analyse.resolve_identity): the file its command line names, and the key of the
ConfigMap/Secret found there through volume `items` and mount `subPath`."""

from __future__ import annotations

import pytest

from kubelint_scrape.analyse import config_file_paths
from kubelint_scrape.model import Container
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
])
def test_config_file_paths(command: list[str], args: list[str], expected: list[str]) -> None:
    assert config_file_paths(_container(command, args)) == expected


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


@pytest.mark.parametrize("pattern,path,expected", [
    ("/etc/prometheus/scrape.d/*.yml", "/etc/prometheus/scrape.d/kubelet.yml", True),
    ("/etc/prometheus/*.yml", "/etc/prometheus/scrape.d/kubelet.yml", False),  # `*` stops at `/` (filepath.Match)
    ("/etc/prometheus/jobs-?.yml", "/etc/prometheus/jobs-a.yml", True),
    ("/etc/prometheus/jobs-[^a].yml", "/etc/prometheus/jobs-a.yml", False),
    ("/etc/prometheus/jobs-[a-c].yml", "/etc/prometheus/jobs-b.yml", True),
    ("/etc/prometheus/jobs-[.yml", "/etc/prometheus/jobs-[.yml", False),  # ErrBadPattern: Glob matches nothing
])
def test_scrape_config_files_glob(pattern: str, path: str, expected: bool) -> None:
    from kubelint_scrape.analyse import go_glob_match

    assert go_glob_match(pattern, path) is expected
