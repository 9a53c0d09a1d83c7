"""The real-world corpus (../shared/corpus): no crash anywhere, schema-valid JSON, and reviewed findings.

Each source directory is linted on its own, as its project would lint it. `corpus_snapshot.txt` holds the
reviewed concise findings (paths relative to the corpus); after a reviewed change rewrite it with
`KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_corpus.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kubelint_scrape.cli import main

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SNAPSHOT = Path(__file__).resolve().parent / "corpus_snapshot.txt"
UPDATE = os.environ.get("KUBELINT_UPDATE_SNAPSHOTS") == "1"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS} (it lives in ../shared beside the checkout)")


def sources() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


def lint(source: Path | str, *args: str):
    cwd = os.getcwd()
    os.chdir(CORPUS)
    try:
        return CliRunner().invoke(main, [source if isinstance(source, str) else source.name, "--fail-on", "never", *args])
    finally:
        os.chdir(cwd)


def jobs_by_name(source: Path, *args: str) -> dict[str, dict]:
    report = json.loads(lint(source, "--format", "json", *args).stdout)
    return {f"{Path(j['path']).name}:{j['name']}": j for j in report["jobs"]}


def test_every_source_lints_cleanly_and_matches_the_snapshot() -> None:
    import jsonschema

    schema = json.loads((CORPUS.parent / "schemas" / "report.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    lines: list[str] = []
    for source in sources():
        result = lint(source, "--format", "json")
        assert result.exit_code == 0, (source.name, result.exception, result.output[-1000:])
        report = json.loads(result.stdout)  # the report; stderr may warn (linkerd-viz holds no *.yaml)
        validator.validate(report)
        assert all(f["status"] in ("linted", "failed", "skipped") for f in report["files"])
        concise = lint(source, "--format", "concise").stdout
        lines.extend(concise.splitlines())
    text = "\n".join(lines) + "\n"
    if UPDATE:
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), "corpus findings changed: review them, then update the snapshot"


def test_whole_corpus_in_one_run() -> None:
    result = lint(".", "--format", "json")
    assert result.exit_code == 0, result.exception
    report = json.loads(result.stdout)
    assert len(report["files"]) >= 340


def _kubelet_requirements(job: dict) -> list[dict]:
    return [r for r in job["requirements"] if r.get("resource") == "nodes" and r.get("subresource")]


def test_prometheus_example_scrapes_kubelets_directly_with_nodes_metrics() -> None:
    jobs = jobs_by_name(CORPUS / "prometheus")
    for name in ("kubernetes-nodes", "kubernetes-cadvisor"):
        job = jobs[f"prometheus-kubernetes.yml:{name}"]
        assert job["identity"] == "default/prometheus"
        assert job["targets"] == ["kubelet"]
        (need,) = _kubelet_requirements(job)
        assert (need["subresource"], need["satisfied"]) == ("metrics", True)
    apiserver = jobs["prometheus-kubernetes.yml:kubernetes-apiservers"]
    assert apiserver["targets"] == ["apiserver"]
    assert any(r.get("non_resource_url") == "/metrics" and r["satisfied"] for r in apiserver["requirements"])


def test_2020_example_goes_through_the_apiserver_proxy_with_nodes_proxy() -> None:
    # Its RBAC is rbac.authorization.k8s.io/v1beta1: served (so granting) on the clusters of its time only.
    for version, granted in (("1.21", True), ("1.34", False)):
        jobs = jobs_by_name(CORPUS / "prometheus-2020-apiproxy", "--kubernetes-version", version)
        for name in ("kubernetes-nodes", "kubernetes-cadvisor"):
            job = jobs[f"prometheus-kubernetes.yml:{name}"]
            assert job["targets"] == ["apiserver-proxy"]
            (need,) = _kubelet_requirements(job)
            assert (need["subresource"], need["satisfied"]) == ("proxy", granted)


def test_giantswarm_uses_the_read_only_port() -> None:
    jobs = jobs_by_name(CORPUS / "giantswarm-prometheus")
    job = jobs["configmap.yaml:kubernetes-nodes"]
    assert job["identity"] == "monitoring/prometheus-k8s"
    assert job["targets"] == ["kubelet-readonly"]
    assert not _kubelet_requirements(job)
