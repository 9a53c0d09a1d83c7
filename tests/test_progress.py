"""The progress line (SPEC §5): on a terminal's stderr only, after about a second, one line overwritten in place,
erased before the report; never on a pipe or in a file, never with --quiet, never on stdout."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint_scrape.progress import SILENT, Progress, for_stream
from test_terminal import PROGRAMS, on_terminal

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
AT_ONCE = {**os.environ, "KUBELINT_SCRAPE_PROGRESS_DELAY": "0"}  # long enough for any run: draw from the start


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_in_the_first_second() -> None:
    clock, screen = Clock(), Terminal()
    progress = Progress(screen, clock=clock)
    progress.stage("reading files", 3)
    progress.advance()
    clock.now += 0.9
    progress.advance()
    progress.clear()
    assert screen.getvalue() == ""  # a short run leaves no trace


def test_after_a_second_one_line_is_overwritten_in_place_then_erased() -> None:
    clock, screen = Clock(), Terminal()
    progress = Progress(screen, clock=clock)
    progress.stage("reading files", 345)
    clock.now += 1.0
    progress.advance(120)
    assert screen.getvalue() == "\rkubelint-scrape: reading files 120/345"
    progress.advance()  # within a tenth of a second of the last drawing: not drawn again
    assert screen.getvalue().count("\r") == 1
    progress.stage("indexing objects")  # a new stage is drawn at once, padded over the longer line
    assert screen.getvalue().endswith("\rkubelint-scrape: indexing objects     ")
    clock.now += 0.2
    progress.stage("running checks", 40)
    progress.advance(12)
    clock.now += 0.2
    progress.advance()
    line = "kubelint-scrape: running checks 13/40"
    assert screen.getvalue().endswith("\r" + line)
    progress.clear()
    assert screen.getvalue().endswith("\r" + line + "\r" + " " * len(line) + "\r")
    assert "\n" not in screen.getvalue()


def test_the_line_fits_the_terminal() -> None:
    clock, screen = Clock(), Terminal()
    progress = Progress(screen, clock=clock, delay=0)
    progress._columns = 20
    progress.stage("analysing scrape jobs", 5690)
    assert screen.getvalue() == "\r" + "kubelint-scrape: analysing"[:19]


def test_only_a_terminal_gets_a_progress_line() -> None:
    assert for_stream(io.StringIO()) is SILENT
    assert for_stream(Terminal(), wanted=False) is SILENT  # --quiet
    assert isinstance(for_stream(Terminal()), Progress)
    closed = open(os.devnull, "w")
    closed.close()
    assert for_stream(closed) is SILENT  # isatty() raises on a closed stream


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_a_run_on_a_terminal_shows_its_stages_and_erases_them(program) -> None:
    code, out, err = on_terminal([str(QUICKSTART), "--format", "json"], "stderr", program, AT_ONCE)
    assert code == 1
    json.loads(out)  # stdout is the report alone
    # (each stage is drawn as it begins; counts within a stage at most ten times a second)
    for stage in ("reading files 0/3", "indexing objects", "analysing scrape jobs 0/2", "running checks 0/"):
        assert f"\rkubelint-scrape: {stage}" in err, err
    drawn = err.rsplit("\r", 2)[-2]
    assert err.endswith("\r" + drawn + "\r") and drawn.strip() == ""  # the last thing written erases the line
    assert "\n" not in err


def test_suggest_rbac_shows_progress_too() -> None:
    code, out, err = on_terminal(["suggest-rbac", str(QUICKSTART)], "stderr", env=AT_ONCE)
    assert code == 0 and out.startswith("# Minimal RBAC")
    assert "\rkubelint-scrape: analysing scrape jobs" in err and err.endswith("\r")


def test_quiet_shows_no_progress() -> None:
    code, _, err = on_terminal([str(QUICKSTART), "--quiet"], "stderr", env=AT_ONCE)
    assert code == 1 and err == ""


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_a_run_that_is_not_on_a_terminal_writes_nothing_to_stderr(program) -> None:
    code = f"import sys; sys.argv = ['kubelint-scrape', {str(QUICKSTART)!r}, '--format', 'concise']\n{program}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=AT_ONCE, timeout=120)
    assert proc.returncode == 1 and "KS102" in proc.stdout
    assert proc.stderr == ""
