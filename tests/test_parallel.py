"""Parsing a large input in two processes (kubelint_scrape/parallel.py) gives exactly the serial result.

The thresholds are lowered so that small test trees take the forked path: a sample of the fixtures (trees.py)
and every example, plus
files that are broken in each way the loader reports (syntax, Helm template, binary, too large), must come
back as the same Sources in the same order, and the whole lint must print the same report. A worker that
fails must cost nothing but time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kubelint_scrape import parallel
from kubelint_scrape.build import build_workspace
from kubelint_scrape.engine import Options, file_preparer, lint_sources
from kubelint_scrape.load import Limits, discover, read_source
from kubelint_scrape.report import render

from trees import sampled_cases

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the parallel read needs fork()")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Built once for the module (no test writes to it): a lint of the whole tree is the suite's costliest step."""
    tmp_path = tmp_path_factory.mktemp("tree")
    for case in sampled_cases():
        shutil.copytree(case, tmp_path / "fixtures" / case.relative_to(ROOT / "fixtures"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "syntax.yaml").write_text("kind: ConfigMap\nmetadata: {name: [\n")
    (broken / "helm.yaml").write_text("metadata:\n  name: {{ .Values.name }}\n")
    (broken / "binary.yaml").write_bytes(b"\x00\x01\xff" * 100)
    (broken / "large.yaml").write_text("a: " + "x" * 5000 + "\n")
    kustomized = tmp_path / "kustomized"
    kustomized.mkdir()
    (kustomized / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: monitoring\nresources: [sa.yaml]\n")
    (kustomized / "sa.yaml").write_text("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: kustomized-only\n")
    files, _problems = discover([str(tmp_path)])
    return files


@pytest.fixture(scope="module")
def serial_report(tree: list[str]) -> str:
    """The whole tree linted serially with the default limits, the report every forked way must print."""
    return _report([read_source(path, Limits()) for path in tree])


def _report(sources, limits: Limits | None = None) -> str:
    result = lint_sources(sources, Options(limits=limits or Limits()))
    return render("json", result, color=False, show_assumptions=False, quiet=False)


def test_the_forked_read_equals_the_serial_read(tree: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KUBELINT_SCRAPE_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    limits = Limits(max_file_bytes=4096)
    serial = [read_source(path, limits) for path in tree]
    forked = parallel.read_sources(tree, limits, min_files=1, min_bytes=0, prepare=file_preparer(Options(limits=limits)))
    assert [s.path for s in forked] == tree
    # each file came back prepared (by the worker or here): modelled, its jobs simulated, KS601/KS602 done;
    # the lint below uses those results
    assert all(any(key[0] == "model" for key in s.memo if isinstance(key, tuple)) for s in forked)
    assert all("KS602" in s.memo for s in forked)
    assert any(key[0] == "KS601" for s in forked for key in s.memo if isinstance(key, tuple))
    assert any(job.memo for s in forked for model in s.memo.get(("model",), {}).values()
               for config in model.configs for job in config.jobs)
    assert [(s.status, [(f.rule, str(f.span), f.message) for f in s.findings]) for s in forked] == \
           [(s.status, [(f.rule, str(f.span), f.message) for f in s.findings]) for s in serial]
    assert {s.status for s in forked} >= {"linted", "failed", "skipped"}
    assert _report(forked, limits) == _report(serial, limits)  # (the same limits: the prepared models are used)
    # a file a Kustomization namespaces was modelled ahead without it: the workspace models it again, with it
    workspace, _configs, _findings = build_workspace(forked)
    assert ("monitoring", "kustomized-only") in workspace.service_accounts


def test_a_failing_worker_costs_only_time(tree: list[str], serial_report: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def broken_pickle(*_args, **_kwargs):
        raise RuntimeError("worker cannot send")

    import pickle

    monkeypatch.setattr(pickle, "dumps", broken_pickle)  # only the worker pickles
    limits = Limits()
    forked = parallel.read_sources(tree, limits, min_files=1, min_bytes=0)
    assert [s.path for s in forked] == tree
    assert _report(forked) == serial_report


def test_a_refused_fork_costs_only_time(tree: list[str], serial_report: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def refused():
        raise PermissionError("fork not allowed here")

    monkeypatch.setattr(os, "fork", refused)
    limits = Limits()
    read = parallel.read_sources(tree, limits, min_files=1, min_bytes=0)
    assert _report(read) == serial_report


def test_small_inputs_and_stdin_are_read_in_this_process(tree: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork():
        raise AssertionError("must not fork")

    monkeypatch.setattr(os, "fork", no_fork)
    import io

    parallel.read_sources(tree[:3], Limits())  # below MIN_FILES / MIN_BYTES
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    piped = parallel.read_sources(["-", *tree], Limits(), "piped.yaml", io.BytesIO(b"a: 1\n"), min_files=1, min_bytes=0)
    assert piped[0].path == "piped.yaml" and len(piped) == len(tree) + 1  # stdin is read once, here
    monkeypatch.setenv("KUBELINT_SCRAPE_WORKERS", "1")
    parallel.read_sources(tree, Limits(), min_files=1, min_bytes=0)


def test_config_checks_in_a_worker_give_the_serial_findings(tree: list[str], serial_report: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """lint_sources(parallel=True) hands KS601/KS602/KS604 to a forked worker: same report, worker or not."""
    from kubelint_scrape import engine

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(engine, "_worth_forking", lambda sources: True)
    forks = []
    real_fork = os.fork

    def counting_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counting_fork)
    fresh = [read_source(path, Limits()) for path in tree]
    forked = render("json", lint_sources(fresh, Options(), parallel=True), color=False, show_assumptions=False, quiet=False)
    assert forks and forked == serial_report


def test_progress_counts_every_file_once_the_workers_share_when_it_arrives(tree: list[str],
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The forked worker never reports progress (its copy of the progress line is not the terminal's): this
    process counts each file of its own, then the worker's whole share in one step."""
    monkeypatch.delenv("KUBELINT_SCRAPE_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    steps: list[int] = []
    parallel.read_sources(tree, Limits(), min_files=1, min_bytes=0, on_read=steps.append)
    assert sum(steps) == len(tree)
    mine, theirs = parallel._split(parallel._sizes(tree), 1, 0)
    assert steps == [1] * len(mine) + [len(theirs)]


# ------------------------------------------------------------------- the checks, claimed by two processes


def test_each_claimed_item_goes_to_exactly_one_process() -> None:
    import time

    items = list(range(200))
    claims = parallel.Claims.of(items)
    assert claims is not None
    collect = parallel.fork_call(lambda: [item for item in claims if time.sleep(0.002) is None])
    mine = [item for item in claims if time.sleep(0.002) is None]
    claims.close()
    theirs = collect()
    assert sorted(mine + theirs) == items
    assert mine and theirs  # both took a share


def test_a_claim_queue_holds_byte_sized_items_only() -> None:
    with pytest.raises(ValueError):
        parallel.Claims.of([256])
    claims = parallel.Claims.of([3, 1, 2])
    assert list(claims) == [3, 1, 2] and list(claims) == []
    claims.close()


@pytest.fixture
def checked_tree(tmp_path: Path) -> list[str]:
    """The first failing case of every rule: every check has something to find, and the tree lints in a second."""
    for rule in sorted((ROOT / "fixtures").glob("KS*")):
        case = next(iter(sorted(rule.glob("fail-*"))), None)
        if case is not None:
            shutil.copytree(case, tmp_path / rule.name / case.name)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return discover([str(tmp_path)])[0]


def _lint_json(tree: list[str], parallel_run: bool) -> str:
    sources = [read_source(path, Limits()) for path in tree]
    return render("json", lint_sources(sources, Options(), parallel=parallel_run), color=False, show_assumptions=False,
                  quiet=False)


@pytest.mark.parametrize("slow", ["here", "worker"])
def test_checks_give_the_serial_report_whichever_process_claims_them(checked_tree: list[str], slow: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """One process is slowed on every check, so the other claims most of the shared ones: the report is the
    serial one, and the worker ran the in_worker checks and (when this process is slow) shared ones too."""
    import time

    from kubelint_scrape import engine

    serial = _lint_json(checked_tree, False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(engine, "_worth_forking", lambda sources: True)
    here = os.getpid()
    ran = tmp_path / "ran.log"
    real = engine.checks()
    wrapped: dict[int, object] = {}

    def slowed(function):
        def run(ctx):
            in_worker = os.getpid() != here
            if in_worker == (slow == "worker"):
                time.sleep(0.01)
            with open(ran, "a") as log:
                log.write(f"{int(in_worker)} {function.__name__} {int(function.in_worker)}\n")
            return function(ctx)

        run.__dict__.update(function.__dict__)
        run.__name__ = function.__name__
        return run

    monkeypatch.setattr(engine, "checks", lambda: {rule: wrapped.setdefault(id(f), slowed(f)) for rule, f in real.items()})
    assert _lint_json(checked_tree, True) == serial
    runs = [line.split() for line in ran.read_text().splitlines()]
    assert all(by == "1" for by, _name, only in runs if only == "1")  # the worker's own
    if slow == "here":
        assert [name for by, name, only in runs if by == "1" and only == "0"]  # it helped with the shared ones
    assert len({name for _by, name, _only in runs}) == len(runs)  # each check ran once


def test_checks_of_a_failing_worker_run_here(checked_tree: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from kubelint_scrape import engine

    serial = _lint_json(checked_tree, False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(engine, "_worth_forking", lambda sources: True)

    def broken_pickle(*_args, **_kwargs):
        raise RuntimeError("worker cannot send")

    monkeypatch.setattr(pickle, "dumps", broken_pickle)  # only the worker pickles
    assert _lint_json(checked_tree, True) == serial


# ------------------------------------------------------------------- packed texts (Source.pack)


def test_a_packed_source_gives_back_its_text_as_read(tmp_path: Path) -> None:
    import pickle

    from kubelint_scrape.load import Source, parse_source

    text = "# kubelint-scrape: ignore[KS301]\nkind: ConfigMap\ndata:\n  a: \"\u00e9\u2028x\"\n"
    source = parse_source("cm.yaml", text)
    lines = source.lines
    source.pack()
    assert source.packed and source.size == len(text)
    assert source.text == text and source.lines == lines and source.line(2) == "kind: ConfigMap"
    other = parse_source("other.yaml", "b: 2\n")
    other.pack()
    assert other.text == "b: 2\n" and source.text == text  # the last unpacked text is never another Source's
    sent = pickle.loads(pickle.dumps(source))  # as the forked reader sends it: still packed
    assert sent.packed and sent.text == text
    source.text = "c: 3\n"  # a new text replaces the packed one
    assert not source.packed and source.text == "c: 3\n" and source.lines == ["c: 3"]
    assert Source("empty.yaml").size == 0


@pytest.mark.parametrize("format_name", ["json", "sarif", "text", "github", "concise"])
def test_packed_texts_give_the_reports_of_unpacked_ones(checked_tree: list[str], format_name: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A large one-shot run packs every text once read (parallel.PACK_FROM_BYTES): what reads a text later — the
    embedded configs' positions, suppression comments, a fix that reads a line, every report's positions and
    lines, a file whose lines editors count otherwise (U+2028) — must see the same text, so the report is the same."""
    from kubelint_scrape.engine import lint_paths
    from kubelint_scrape.load import Source

    unusual = tmp_path / "unusual-breaks.yaml"
    unusual.write_text("# a comment with a LINE SEPARATOR \u2028 in it\n"
                       "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: nodes-proxy\n"
                       "rules:\n  - apiGroups: [\"\"]\n    resources: [nodes/proxy]\n    verbs: [get]\n", encoding="utf-8")
    paths = [*checked_tree, str(unusual)]
    packed: list[str] = []
    real_pack = Source.pack

    def counted_pack(source: Source) -> None:
        packed.append(source.path)
        real_pack(source)

    monkeypatch.setattr(Source, "pack", counted_pack)

    def report(pack_from: int) -> str:
        monkeypatch.setattr(parallel, "PACK_FROM_BYTES", pack_from)
        result = lint_paths(paths, Options(), parallel=True)
        return render(format_name, result, color=False, show_assumptions=False, quiet=False)

    unpacked = report(1 << 40)
    assert not packed
    assert report(0) == unpacked
    assert sorted(packed) == sorted(paths)
    assert "kubelint-scrape" in unpacked or format_name == "concise"
