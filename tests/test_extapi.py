"""Extension API servers' always-allowed paths (extapi.py), as k8s.io/apiserver and pflag read them."""

from kubelint_scrape.extapi import DEFAULT_ALWAYS_ALLOW, allowed_paths, always_allowed, known_image
from kubelint_scrape.model import Container
from kubelint_scrape.yamltree import YMap


def container(*args: str, image: str = "registry.k8s.io/metrics-server/metrics-server:v0.7.2") -> Container:
    return Container(name="server", image=image, command=[], args=list(args), mounts=[], node=YMap())


def test_default_paths_leave_metrics_to_review():
    assert allowed_paths(container("--secure-port=10250")) == DEFAULT_ALWAYS_ALLOW
    assert not always_allowed(DEFAULT_ALWAYS_ALLOW, "/metrics")
    assert always_allowed(DEFAULT_ALWAYS_ALLOW, "/livez")


def test_first_flag_replaces_the_default_and_later_ones_append():
    # pflag's stringSliceValue.Set: the first occurrence replaces the default list, later occurrences append.
    paths = allowed_paths(container("--authorization-always-allow-paths=/healthz", "--authorization-always-allow-paths",
                                    "/metrics,/readyz"))
    assert paths == ("/healthz", "/metrics", "/readyz")
    assert always_allowed(paths, "/metrics") and not always_allowed(paths, "/livez")


def test_empty_flag_allows_nothing():
    paths = allowed_paths(container("--authorization-always-allow-paths="))
    assert paths == () and not always_allowed(paths, "/healthz")


def test_patterns_match_by_prefix_with_a_star_and_ignore_the_leading_slash():
    assert always_allowed(("metrics*",), "/metrics/slis")
    assert always_allowed(("/metrics",), "metrics?x=1")
    assert not always_allowed(("/metrics/*",), "/metrics")


def test_antrea_allows_metrics_in_code():
    assert always_allowed(allowed_paths(container(image="antrea/antrea-controller-ubuntu:v2.2.0")), "/metrics")


def test_known_images_by_repository_name_not_substring():
    # Upstream, vendor copies and the old single-arch names are the server…
    for image in ("registry.k8s.io/metrics-server/metrics-server:v0.8.0", "k8s.gcr.io/metrics-server-amd64:v0.3.6",
                  "rancher/mirrored-metrics-server:v0.7.1", "docker.io/bitnami/metrics-server@sha256:0123",
                  "localhost:5000/metrics-server"):
        assert known_image(image) == "metrics-server", image
    for image in ("registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0",
                  "directxman12/k8s-prometheus-adapter-amd64:v0.8.4"):
        assert known_image(image) == "prometheus-adapter", image
    # …an exporter or operator named after it, or a registry host that contains the name, is not.
    for image in ("olxbr/metrics-server-exporter:v0.0.7", "vexxhost/metrics-server-operator:v1",
                  "metrics-server.registry.example/team/app:1"):
        assert known_image(image) == "", image


def test_image_judgements_are_remembered_by_the_image_text():
    """known_image and the scraper-program test read the image text alone and are asked of every container at each
    re-lint of the language server: a second ask of the same text is a cache hit (which cannot go stale)."""
    from kubelint_scrape.grants import _scraper_repository

    for judge, image, expected in ((known_image, "example.org/remembered/metrics-server:v9", "metrics-server"),
                                   (_scraper_repository, "example.org/remembered/prometheus:v9", "prometheus")):
        assert judge(image) == expected
        hits = judge.cache_info().hits
        assert judge(image) == expected
        assert judge.cache_info().hits == hits + 1
