"""The console script `kubelint-scrape`: a plain lint without importing click, the rest through click.

Importing click costs ~35 ms (it imports inspect, uuid, datetime…), a fifth of a one-file lint-on-save. So
entry() parses the everyday invocations itself (checkcmd.fast_params: paths and the common options of `check`,
nothing it does not know) and runs the very function cli.check() runs; help, the other commands and options,
and any usage or configuration error go through click, which parses the arguments again and reports exactly
as it always does (tests/test_cli.py runs a matrix of invocations both ways).
"""

from __future__ import annotations

import errno
import gc
import os
import sys


def entry() -> None:
    """Lint (or run another command), then leave without tearing the heap down.

    At interpreter shutdown every object is freed one by one: 2.7 s of a 16 s run over 10,000 objects, after
    the report was already written. The streams are flushed first and the exit code is the command's; the OS
    takes the memory back at once. (Tests call cli.main() through click's runner, which must not exit.)

    The cyclic collector stays off: a one-shot command makes millions of objects and frees them with the process,
    and each pass of the collector walks every object made since the last (three passes over 10,000 objects cost
    0.85 s, and freed nothing that mattered). The language server, which runs for hours, turns it back on."""
    gc.disable()
    code: object = _fast_check(sys.argv[1:])
    if code is None:  # not a plain lint, or a usage problem: click's
        from .cli import main

        try:
            main()
            code = 0
        except SystemExit as exit_request:
            code = exit_request.code if exit_request.code is not None else 0
    if not isinstance(code, int):  # sys.exit("message"): Python prints it and exits 1
        sys.stderr.write(f"{code}\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or stream: nothing more can be written anyway
            pass
    os._exit(code)


def _fast_check(argv: list[str]) -> int | None:
    """A plain lint run without click (checkcmd explains why); None: click handles these arguments."""
    from .checkcmd import UsageProblem, fast_params, run_check

    params = fast_params(argv)
    if params is None:
        return None
    try:
        return run_check(**params)
    except UsageProblem:
        return None  # click parses again and reports it as it always does
    # What click's main() does with these two, so that both ways end alike:
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")
        return 1
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        return 1  # the reader went away (`| head`): stop quietly
