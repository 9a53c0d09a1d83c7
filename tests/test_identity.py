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
