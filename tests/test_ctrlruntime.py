"""controller-runtime secure metrics servers (ctrlruntime.py): which manager flags make one, as Go's flag package
reads them (kubebuilder v4 cmd/main.go: --metrics-bind-address default "0", --metrics-secure default true)."""

import pytest

from kubelint_scrape.ctrlruntime import bind_port
from kubelint_scrape.model import Container
from kubelint_scrape.yamltree import YMap


def manager(*args: str) -> Container:
    return Container(name="manager", image="controller:latest", command=["/manager"], args=list(args), mounts=[],
                     node=YMap())


@pytest.mark.parametrize(("args", "port"), [
    (["--metrics-bind-address=:8443"], 8443),
    (["-metrics-bind-address=0.0.0.0:8443"], 8443),  # one dash: Go's flag package takes either
    (["--metrics-bind-address", "[::]:9443"], 9443),
    (["--metrics-bind-address=:8443", "--metrics-secure"], 8443),  # a bool flag alone is true
    (["--metrics-bind-address=:8443", "--metrics-secure=true"], 8443),
    (["--metrics-bind-address=:8443", "--metrics-secure=false", "--metrics-secure=true"], 8443),  # the last wins
    (["--metrics-bind-address=127.0.0.1:8080", "--metrics-bind-address=:8443"], 8443),
])
def test_secure_non_loopback_servers(args, port):
    assert bind_port(manager(*args)) == port


@pytest.mark.parametrize("args", [
    [],  # the v4 default "0": no metrics server
    ["--metrics-bind-address=0"],
    ["--metrics-bind-address=127.0.0.1:8080"],  # v3: behind a kube-rbac-proxy sidecar
    ["--metrics-bind-address=localhost:8080"],
    ["--metrics-bind-address=[::1]:8080"],
    ["--metrics-bind-address=:8443", "--metrics-secure=false"],
    ["--metrics-bind-address=:8443", "-metrics-secure=0"],  # strconv.ParseBool
    ["--metrics-bind-address=:8443", "--metrics-secure=F"],
])
def test_not_secure_servers(args):
    assert bind_port(manager(*args)) is None
