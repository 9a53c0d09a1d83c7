"""Use the second core for large one-shot runs: half of the per-file work, and half of the checks, in forked
workers.

The work that depends on one file alone — parsing it, modelling its objects and embedded configs, simulating
its jobs' relabelling, validating it (KS601/KS602), engine.file_preparer — is most of a repository run, so a
forked worker does it for about half of the files while this process does the rest; the worker sends its
Sources back pickled, every result memoised on them, which costs a fifth of making them. Later, once the
workspace is analysed, a second worker and this process share the checks, each claiming the next one from a
queue (Claims) as it finishes the last, so both finish together; only the worker's findings travel back.
Only where it pays and is safe: a one-shot CLI run (no threads to fork), a platform with fork(), a second CPU,
and enough input (below ~300 KB the fork and the transfer cost more than they save). If a worker fails in any
way, or fork() is refused, this process does its work itself: nothing is ever skipped, and the result is the
same as a serial run's, in the same order.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Iterator

from .load import Limits, Source, read_source

MIN_FILES = 32
MIN_BYTES = 300_000  # measured: 0.6 MB over 345 files (../shared/corpus) runs in 0.42 s instead of 0.50 s
# From this much input on, the texts are packed once read and prepared (Source.pack): below it they are a small
# part of the run's memory, and compressing them would only cost time (~10 ms a megabyte).
PACK_FROM_BYTES = 4_000_000


def read_sources(files: list[str], limits: Limits, stdin_name: str = "<stdin>", stdin: Any = None,
                 min_files: int = MIN_FILES, min_bytes: int = MIN_BYTES,
                 prepare: Callable[[Source], Any] | None = None,
                 on_read: Callable[[int], Any] | None = None, pack_from: int | None = None) -> list[Source]:
    """read_source() of every file, in order; in two processes when the input is large enough. Then each
    process also runs `prepare` on its share: per-file work whose results the Source memoises (its model).
    `on_read(count)`: called in this process as files are done — each of its own, the worker's share at once
    when it arrives (the CLI's progress line; the worker never calls it). From `pack_from` bytes of input on,
    each text is packed once read and prepared (Source.pack): the worker sends them packed."""
    counted = on_read if on_read is not None else _ignore
    sizes = _sizes(files) if "-" not in files else None
    pack = sizes is not None and sum(size for size, _ in sizes) >= (PACK_FROM_BYTES if pack_from is None else pack_from)
    shares = _split(sizes, min_files, min_bytes) if sizes is not None and _can_fork() else None
    if shares is None:
        return [_counted(_packed(read_source(path, limits, stdin_name, stdin), pack), counted) for path in files]
    mine, theirs = shares

    def read(index: int) -> Source:
        source = read_source(files[index], limits, stdin_name, stdin)
        if prepare is not None:
            prepare(source)
        return _packed(source, pack)

    received = fork_call(lambda: [read(index) for index in theirs])
    results: dict[int, Source] = {index: _counted(read(index), counted) for index in mine}
    sources = received()
    if sources is None or len(sources) != len(theirs):
        sources = [read_source(files[index], limits, stdin_name, stdin) for index in theirs]
    counted(len(theirs))
    results.update(zip(theirs, sources))
    return [results[index] for index in range(len(files))]


def _packed(source: Source, pack: bool) -> Source:
    if pack:
        source.pack()
    return source


def _counted(source: Source, counted: Callable[[int], Any]) -> Source:
    counted(1)
    return source


def _ignore(count: int) -> None:
    pass


def _can_fork() -> bool:
    if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or os.environ.get("KUBELINT_SCRAPE_WORKERS") == "1":
        return False
    # A fork copies only the calling thread: a lock another thread holds (the import lock, a logging lock)
    # would stay locked in the worker forever. Fork only a single-threaded process.
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _sizes(files: list[str]) -> list[tuple[int, int]]:
    """(size in bytes, index) of each file."""
    sizes = []
    for index, path in enumerate(files):
        try:
            sizes.append((os.path.getsize(path), index))
        except OSError:
            sizes.append((0, index))  # read_source reports it
    return sizes


def _split(sizes: list[tuple[int, int]], min_files: int, min_bytes: int) -> tuple[list[int], list[int]] | None:
    """Two shares of about equal bytes (largest files first, each to the lighter share), or None if too small."""
    if len(sizes) < min_files:
        return None
    if sum(size for size, _ in sizes) < min_bytes:
        return None
    # The worker also pickles what it parsed and prepared (about a sixth of the work, measured on 10,000 objects
    # once the preparation had got cheaper; a third before): balance work against work + pickle, so both finish
    # together and this process unpickles the worker's share right after its own.
    costs = (1.0, 1.15)
    shares: tuple[list[int], list[int]] = ([], [])
    weights = [0.0, 0.0]
    for size, index in sorted(sizes, reverse=True):
        lighter = 0 if weights[0] + size * costs[0] <= weights[1] + size * costs[1] else 1
        shares[lighter].append(index)
        weights[lighter] += size * costs[lighter]
    return sorted(shares[0]), sorted(shares[1])


class Claims:
    """Work items that this process and a forked worker claim one at a time, so that both finish together
    whatever each item costs (a static split of the checks left one process idle for a fifth of the stage
    whenever the input's shape differed from the one it was tuned on). The items wait in a pipe, one byte each,
    in the order given; reading one byte from a pipe is atomic, so each item goes to exactly one process. Make
    it before forking, iterate it in both processes, close it here once done."""

    MAX_ITEMS = 256

    def __init__(self, read_end: int) -> None:
        self._read_end = read_end

    @classmethod
    def of(cls, order: list[int]) -> "Claims | None":
        """The queue of `order` (each < MAX_ITEMS); None when no pipe can be had (the caller works alone)."""
        if any(not 0 <= item < cls.MAX_ITEMS for item in order):
            raise ValueError("a claim queue holds items 0-255")
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return None
        try:
            os.write(write_end, bytes(order))  # (at most 256 bytes: one atomic write, far below a pipe's capacity)
        finally:
            os.close(write_end)  # so that a read after the last item sees the end
        return cls(read_end)

    def __iter__(self) -> Iterator[int]:
        while True:
            try:
                claimed = os.read(self._read_end, 1)
            except OSError:
                return
            if not claimed:
                return
            yield claimed[0]

    def close(self) -> None:
        os.close(self._read_end)


RESULT_FOLLOWS = b"result:\n"  # what a worker writes before its pickled result (a failed one writes nothing)


def fork_call(function: Callable[[], Any]) -> Callable[[], Any]:
    """Run `function` in a forked worker; return a function that waits for its (pickled) result, or None when
    the worker failed. The caller must check worth_forking() first."""
    import pickle  # here, not at the top: a one-file lint (most runs) never forks and should not pay for it

    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # refused (a process limit, a sandbox): this process does the work itself
        os.close(read_end)
        os.close(write_end)
        return lambda: None
    if pid == 0:  # the worker: compute, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            result = function()
            # Pickled straight into the pipe, frame by frame, as collect() reads it: a whole payload made first
            # sat in memory beside the objects it was made from (+22 MB at the end of the checks' worker on
            # 10,000 objects: the run's peak). The header says the result follows.
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(RESULT_FOLLOWS)
                pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)

    def collect() -> Any:
        try:
            # Unpickled straight from the pipe, frame by frame: reading the whole payload first held it in memory
            # beside the objects made from it (24 MB of 10,000 objects' worker share, 5 MB of its findings).
            with os.fdopen(read_end, "rb") as pipe:
                if pipe.read(len(RESULT_FOLLOWS)) != RESULT_FOLLOWS:
                    return None  # the worker failed before sending
                result = pickle.load(pipe)
        except Exception:  # a worker that died mid-way (a truncated payload)
            return None
        finally:
            _, status = os.waitpid(pid, 0)  # (after the pipe is closed: a worker still writing gets EPIPE, not stuck)
        return result if os.waitstatus_to_exitcode(status) == 0 else None

    return collect


def worth_forking(total_bytes: int, min_bytes: int = MIN_BYTES) -> bool:
    return total_bytes >= min_bytes and _can_fork()
