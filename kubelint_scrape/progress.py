"""Progress of a long run on stderr (SPEC §5): one self-overwriting line, on a terminal only.

`for_stream` gives a Progress only when the stream is a terminal; anywhere else (a pipe, a file, CI logs, the
language server, which never asks) the stages report to SILENT, whose methods do nothing. A Progress stays
invisible for the first second — most runs end before it — then shows the stage and its count ("reading
files 120/345", "analysing scrape jobs 40/120", "running checks 12/40"), redrawn at most ten times a second;
the command clears it before writing its report.

There is no timer thread or signal: parallel.py forks only a single-threaded process, and a signal arriving
mid-write would interleave with the report. So the line moves when the work reports a step, and a stage
without steps (indexing the objects) shows its name until the next one begins.
"""

from __future__ import annotations

import os
import time
from typing import Any, Callable

DELAY = 1.0  # seconds before anything is drawn
REDRAW = 0.1  # seconds between two drawings of the same stage
PREFIX = "kubelint-scrape: "


class Progress:
    def __init__(self, stream: Any, delay: float = DELAY, clock: Callable[[], float] = time.monotonic) -> None:
        self._stream = stream
        self._clock = clock
        self._visible_from = clock() + delay
        self._next_draw = self._visible_from
        self._label = ""
        self._done = 0
        self._total: int | None = None
        self._drawn = 0  # length of the line on the terminal; 0: nothing to clear
        self._columns: int | None = None

    def stage(self, label: str, total: int | None = None) -> None:
        self._label, self._done, self._total = label, 0, total
        self._draw(now=self._clock(), force=True)

    def advance(self, count: int = 1) -> None:
        self._done += count
        now = self._clock()
        if now >= self._next_draw:
            self._draw(now)

    def clear(self) -> None:
        """Erase the line (before the report is written, or when the run stops)."""
        if self._drawn:
            self._write("\r" + " " * self._drawn + "\r")
            self._drawn = 0

    def _draw(self, now: float, force: bool = False) -> None:
        if now < self._visible_from or (not force and now < self._next_draw):
            return
        self._next_draw = now + REDRAW
        count = f" {self._done}/{self._total}" if self._total is not None else ""
        # One column short of the width: a line that fills it wraps on some terminals, and \r then returns to
        # the wrapped part only.
        text = (PREFIX + self._label + count)[: self._width() - 1]
        self._write("\r" + text.ljust(self._drawn))  # the padding erases the end of a longer previous line
        self._drawn = len(text)

    def _width(self) -> int:
        if self._columns is None:
            try:
                self._columns = os.get_terminal_size(self._stream.fileno()).columns or 80
            except (OSError, ValueError, AttributeError):
                self._columns = 80
        return self._columns

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth failing the run for
            pass


class _Silent:
    """The Progress of a run nobody watches: every step costs one empty call."""

    def stage(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def clear(self) -> None:
        pass


SILENT = _Silent()


def for_stream(stream: Any, wanted: bool = True) -> Progress | _Silent:
    """A Progress drawing on `stream` when it is a terminal (and `wanted`), else SILENT.

    KUBELINT_SCRAPE_PROGRESS_DELAY (seconds) replaces the one-second delay: tests draw at once."""
    if not wanted or not _is_terminal(stream):
        return SILENT
    try:
        delay = float(os.environ.get("KUBELINT_SCRAPE_PROGRESS_DELAY", DELAY))
    except ValueError:
        delay = DELAY
    return Progress(stream, delay)


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no such method, or a closed stream
        return False
