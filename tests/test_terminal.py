"""What the CLI does on a terminal, run in a real pseudo-terminal: colour and NO_COLOR.

Both ways of starting it (the console script's click-free fast path and click's main) must agree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")
tty = pytest.importorskip("tty")

ROOT = Path(__file__).resolve().parent.parent
QUICKSTART = ROOT / "examples" / "quickstart"
PROGRAMS = {
    "fast path": "from kubelint_scrape.console import entry; entry()",
    "click": "from kubelint_scrape.cli import main; main()",
}
ESC = "\033["


def on_terminal(args: list[str], terminal: str, program: str = PROGRAMS["fast path"], env: dict | None = None,
                cwd: Path | None = None) -> tuple[int, str, str]:
    """Run the CLI with `terminal` ("stdout" or "stderr") on a pseudo-terminal and the other stream on a pipe;
    return the exit code, stdout and stderr. The terminal is raw: what the program wrote arrives byte for byte
    (no \\n → \\r\\n translation)."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    code = f"import sys; sys.argv = ['kubelint-scrape', *{args!r}]\n{program}"
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, terminal: slave}
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.DEVNULL, env=env, cwd=cwd, **streams)
    os.close(slave)
    chunks: list[bytes] = []

    def drain() -> None:  # until the child closes its end (EIO on Linux, EOF elsewhere)
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    piped, errors = proc.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    seen = b"".join(chunks).decode()
    other = (piped or errors or b"").decode()
    return (proc.returncode, seen, other) if terminal == "stdout" else (proc.returncode, other, seen)


def environment(**changes: str | None) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    for key, value in changes.items():
        if value is not None:
            env[key] = value
    return env


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_text_is_coloured_on_a_terminal(program) -> None:
    code, out, _ = on_terminal([str(QUICKSTART)], "stdout", program, environment())
    assert code == 1 and f"{ESC}31m[error]" in out


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
@pytest.mark.parametrize("value", ["1", "true", "0"])  # any non-empty value, even "0" (no-color.org)
def test_no_color_turns_colour_off(program, value) -> None:
    code, out, _ = on_terminal([str(QUICKSTART)], "stdout", program, environment(NO_COLOR=value))
    assert code == 1 and "KS102 [error]" in out and ESC not in out


def test_an_empty_no_color_is_not_set() -> None:
    _, out, _ = on_terminal([str(QUICKSTART)], "stdout", env=environment(NO_COLOR=""))
    assert f"{ESC}31m[error]" in out


def test_no_color_flag_on_a_terminal() -> None:
    _, out, _ = on_terminal([str(QUICKSTART), "--no-color"], "stdout", env=environment())
    assert "KS102 [error]" in out and ESC not in out


def piped(args: list[str], env: dict, program: str = PROGRAMS["fast path"]) -> subprocess.CompletedProcess:
    code = f"import sys; sys.argv = ['kubelint-scrape', *{args!r}]\n{program}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
@pytest.mark.parametrize("value", ["1", "true", "0"])  # any non-empty value (force-color.org)
def test_force_color_colours_a_pipe(program, value) -> None:
    proc = piped([str(QUICKSTART)], environment(FORCE_COLOR=value), program)
    assert proc.returncode == 1 and f"{ESC}31m[error]" in proc.stdout


@pytest.mark.parametrize("off", [{"NO_COLOR": "1"}, {"FORCE_COLOR": ""}], ids=["NO_COLOR wins", "empty is unset"])
def test_force_color_does_not_colour_when_off(off) -> None:
    proc = piped([str(QUICKSTART)], environment(**{"FORCE_COLOR": "1", **off}))
    assert proc.returncode == 1 and "KS102 [error]" in proc.stdout and ESC not in proc.stdout


def test_force_color_does_not_colour_a_file_or_a_machine_format(tmp_path) -> None:
    env = environment(FORCE_COLOR="1")
    report = tmp_path / "report.txt"
    piped([str(QUICKSTART), "-o", str(report)], env)
    concise = piped([str(QUICKSTART), "--format", "concise"], env)
    assert ESC not in report.read_text() and "KS102" in concise.stdout and ESC not in concise.stdout
