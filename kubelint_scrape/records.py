"""`dataclass` as the standard library's, with one shared `__repr__` instead of a generated one per class.

Python 3.11's dataclass compiles a `__repr__` (wrapped in a recursion guard) for every class it decorates, and
that made up a third of this package's import time: ~30 ms of every lint-on-save (SPEC §6 budgets the whole
one-file lint at 8× the interpreter's start). The shared one prints the same `Name(field=value, …)` text.

Classes with many instances in a large run (needs, requests, decisions, rules) are declared with slots=True:
no __dict__ each (~100 bytes).

Classes that stand for one thing in the inputs or one run's result (objects, configs, jobs, analyses, Sources)
are declared `@dataclass(eq=False)`: they compare by identity — the code already tells them apart with `is` —
and skip a generated `__eq__` too. Value-like classes (spans, requests, identities, findings) keep field equality.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field, fields
from typing import Any

__all__ = ["dataclass", "field"]


def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def dataclass(cls: Any = None, /, **options: Any) -> Any:
    """@dataclass or @dataclass(frozen=True, …): the standard decorator with repr=False, then the shared repr."""

    def wrap(klass: Any) -> Any:
        klass = dataclasses.dataclass(klass, **{**options, "repr": False})
        if options.get("repr", True) and "__repr__" not in klass.__dict__:
            klass.__repr__ = _repr
        if options.get("slots") and options.get("frozen"):
            # Pickle by construction: Python 3.10's frozen slotted dataclasses cannot be unpickled otherwise.
            names = tuple(f.name for f in fields(klass))
            klass.__reduce__ = lambda self: (type(self), tuple(getattr(self, name) for name in names))
        return klass

    return wrap if cls is None else wrap(cls)
