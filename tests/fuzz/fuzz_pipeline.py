"""Coverage-guided fuzzing of the whole pipeline with atheris (libFuzzer), for long runs outside CI.

    .venv/bin/pip install atheris                      # not a test dependency: a binary wheel, Linux/macOS
    .venv/bin/python tests/fuzz/fuzz_pipeline.py -max_total_time=600 tests/fuzz/corpus

The first run seeds tests/fuzz/corpus from ../shared/corpus (one input per corpus directory: its files joined
by FILE_MARK lines, so cross-file analysis is exercised) plus the examples and fixtures — Kustomize fixtures
whole, each file after a mark naming its path (NAMED_MARK); libFuzzer then keeps
the inputs that reach new code there. An input is one workspace: its bytes are split on FILE_MARK into files.
Everything the pipeline must never do (tests/fuzz/driver.py: an exception, a non-1-based position, invalid
JSON output…) is a crash: libFuzzer stops and writes the input to crash-<sha1>; replay it with
`.venv/bin/python tests/fuzz/fuzz_pipeline.py crash-<sha1>`. A single input over -timeout seconds is reported
as a hang. Defaults added unless given: -timeout=10 -max_len=16384 -dict=tests/fuzz/yaml.dict (YAML and
Kubernetes/Prometheus tokens the analysis branches on).

Not collected by pytest (tests/fuzz/conftest.py); the property tests in tests/test_fuzz_pipeline.py are.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

FILE_MARK = b"\n#~~~ kubelint-fuzz file ~~~\n"
NAMES = ("prometheus.yml", "rbac.yaml", "deployment.yaml", "monitor.yaml", "config.yaml")


# A mark may name its file (`#~~~ kubelint-fuzz file overlays/prod/kustomization.yaml ~~~`): Kustomize layouts
# need their file names and directories (a kustomization's `resources:` and `patches:` name the other files).
NAMED_MARK = re.compile(rb"\n#~~~ kubelint-fuzz file(?: ([A-Za-z0-9._/-]{1,80}))? ~~~\n")


def split_workspace(data: bytes) -> list[tuple[str, bytes]]:
    """The files of one input: split at each mark, named by it when it names a safe relative path (the first
    file, before any mark, and unnamed ones by their index, as inputs written before names were)."""
    pieces = NAMED_MARK.split(data)  # [content, name, content, name, content…]
    named = list(zip([None] + pieces[1::2], pieces[0::2]))
    if len(named) > 1 and not named[0][1]:
        named = named[1:]  # an input that starts with a mark
    files = []
    for index, (name, part) in enumerate(named):
        if index == 8:
            break
        text = name.decode() if name else ""
        safe = text and not text.startswith("/") and ".." not in text.split("/") and text.count("/") <= 3
        files.append((f"ws/{text}" if safe else f"ws/{index}-{NAMES[index % len(NAMES)]}", part))
    return files


def named_mark(name: str) -> bytes:
    return b"\n#~~~ kubelint-fuzz file " + name.encode() + b" ~~~\n"


def seed(corpus: Path) -> None:
    """Fill an empty corpus directory with real inputs."""
    from driver import ROOT, corpus_groups

    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return
    count = 0
    for index, files in enumerate(corpus_groups(limit_files=6)):
        (corpus / f"shared-{index:03d}").write_bytes(FILE_MARK.join(p.read_bytes() for p in files))
        count += 1
    for directory in sorted({p.parent for p in (ROOT / "fixtures").rglob("*.yaml")}) + [ROOT / "examples" / "quickstart"]:
        files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
        if files:
            name = "-".join(directory.relative_to(ROOT).parts)
            (corpus / name).write_bytes(FILE_MARK.join(p.read_bytes() for p in files))
            count += 1
    # Kustomize layouts whole, each file under its own path (a base and its overlays in one input)
    for case in sorted({k.parents[len(k.relative_to(ROOT / "fixtures").parts) - 3]
                        for k in (ROOT / "fixtures").rglob("kustomization.y*ml")}):
        files = sorted(p for p in case.rglob("*") if p.suffix in (".yaml", ".yml") and not p.name.startswith("expected"))
        (corpus / ("kustomize-" + "-".join(case.relative_to(ROOT).parts))).write_bytes(
            b"".join(named_mark(str(p.relative_to(case))) + p.read_bytes() for p in files[:8]))
        count += 1
    print(f"seeded {corpus} with {count} inputs", file=sys.stderr)


def main() -> None:
    import atheris

    with atheris.instrument_imports():
        import driver
        from kubelint_scrape import analyse, build, engine, load, model, promconfig, rbac, relabel, targets  # noqa: F401
        from kubelint_scrape.catalog import checks

        checks()  # imports every check module under instrumentation
        try:
            from kubelint_scrape import lsp, suggest  # noqa: F401
        except ImportError:
            pass
        from kubelint_scrape.report import render

        for name in driver.FORMATS:
            render(name, engine.lint_sources([], engine.Options()))  # import each report module, instrumented

    def test_one_input(data: bytes) -> None:
        driver.check_pipeline(split_workspace(data))

    args = list(sys.argv)
    defaults = {"-timeout=": "10", "-max_len=": "16384", "-dict=": str(HERE / "yaml.dict")}
    for flag, value in defaults.items():
        if not any(a.startswith(flag) for a in args):
            args.append(flag + value)
    directories = [Path(a) for a in args[1:] if not a.startswith("-")]
    for directory in directories:
        if not directory.exists() or directory.is_dir():
            seed(directory)
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--clean":  # pragma: no cover - convenience
        shutil.rmtree(HERE / "corpus", ignore_errors=True)
        sys.exit(0)
    main()
