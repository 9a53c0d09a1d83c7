"""Subprocesses started by the tests run the package under test.

Many tests run the CLI in a child process (`python -m kubelint_scrape`, `python -c …`, the console script),
often from a temporary directory. The child finds the package through the environment's installation, which
may be an editable install of another checkout (a second git worktree shares the first one's venv): the tests
would then pass or fail on code they were not written for. Putting this checkout first on PYTHONPATH makes
every child import the same package as the test process; for a plain `pip install -e .` of this checkout it
changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

CHECKOUT = str(Path(__file__).resolve().parent.parent)

os.environ["PYTHONPATH"] = os.pathsep.join(
    [CHECKOUT, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != CHECKOUT]]
)
