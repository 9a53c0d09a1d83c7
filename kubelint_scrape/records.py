"""`dataclass` as the standard library's, with one shared `__repr__` instead of a generated one per class.

Python 3.11's dataclass compiles a `__repr__` (wrapped in a recursion guard) for every class it decorates, and
that made up a third of this package's import time: ~30 ms of every lint-on-save (SPEC §6 budgets the whole
one-file lint at 8× the interpreter's start). The shared one prints the same `Name(field=value, …)` text.

Classes with many instances in a large run (needs, requests, decisions, rules) are declared with slots=True:
no __dict__ each (~100 bytes).

Classes that stand for one thing in the inputs or one run's result (objects, configs, jobs, analyses, Sources)
are declared `@dataclass(eq=False)`: they compare by identity — the code already tells them apart with `is` —
and skip a generated `__eq__` too. Value-like classes (spans, requests, identities, findings) keep field equality.

The methods the standard decorator still generates (`__init__`, `__eq__`, `__hash__`, frozen `__setattr__`) are
Python source it compiles on every start: ~15 ms of a one-file lint for this package's ~60 classes. The module
`_dataclass_code` holds that very source, written out once (`python -m kubelint_scrape.records`), so Python
compiles it into its bytecode cache like any module and a start only loads it. While one of our classes is
decorated, the decorator's `exec` of a function text finds the compiled function of the same text there; any other
text (another Python version's wording, a class changed since) is compiled as usual — never a different function.
tests/test_catalog.py checks that the cache is complete and compiles to the same code as its texts.
"""

from __future__ import annotations

import _thread
import builtins
import sys
import types
from types import FunctionType
from typing import Any


class _InspectOnDemand(types.ModuleType):
    """What `import dataclasses` binds as its `inspect`: the real module, imported on the first attribute read."""

    def __getattr__(self, name: str) -> Any:
        import inspect

        return getattr(inspect, name)


def _import_dataclasses_without_inspect() -> None:
    """Import the dataclasses module without inspect (with ast, dis, tokenize and linecache, ~5 ms of a ~90 ms
    one-file lint). dataclasses imports it for one call only — the signature it writes into a class without a
    docstring, which `dataclass` below never leaves it — so it gets a stand-in that imports inspect when read. The
    stand-in is in sys.modules only while dataclasses is imported: anyone else importing inspect gets the real one
    (importlib's LazyLoader cannot serve here: the import system reads a module's __spec__, which loads it)."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        return
    stand_in = _InspectOnDemand("inspect")  # (its __spec__, None, is what the import system reads of it)
    sys.modules["inspect"] = stand_in
    try:
        import dataclasses  # noqa: F401
    finally:
        if sys.modules.get("inspect") is stand_in:
            del sys.modules["inspect"]


_import_dataclasses_without_inspect()

import dataclasses  # noqa: E402  (after _import_dataclasses_without_inspect)
from dataclasses import field, fields  # noqa: E402

__all__ = ["dataclass", "field"]

CACHE_MODULE = "_dataclass_code"

try:
    from ._dataclass_code import CODE as _COMPILED
except ImportError:  # pragma: no cover - the cache is part of the package; without it every text is compiled
    _COMPILED = {}

_FACTORY = "__create_fn__"  # what the standard decorator names the function whose text it execs
_decorating = _thread.RLock()


def _exec_cached(source: Any, globals: Any = None, locals: Any = None) -> None:
    """`exec` as the dataclasses module calls it (a `def __create_fn__…` text, a namespace to define it in), served
    from the cache when the text is there: the function the text defines, on the same globals."""
    code = _COMPILED.get(source) if isinstance(source, str) and isinstance(locals, dict) else None
    if code is None:
        _exec_as_dataclasses_does(source, globals, locals)
        return
    locals[_FACTORY] = FunctionType(code, globals if globals is not None else {}, _FACTORY)


def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _exec_as_dataclasses_does(source: Any, globals: Any, locals: Any) -> None:
    # A bare exec() here would compile with this module's `from __future__ import annotations`; the dataclasses
    # module has none, so its methods' annotations are evaluated.
    if isinstance(source, str):
        source = compile(source, "<string>", "exec", dont_inherit=True)
    builtins.exec(source, globals, locals)


def dataclass(cls: Any = None, /, **options: Any) -> Any:
    """@dataclass or @dataclass(frozen=True, …): the standard decorator with repr=False, then the shared repr."""

    def wrap(klass: Any) -> Any:
        if not klass.__doc__:
            # Else the decorator writes one from inspect.signature(klass), ~0.1 ms a class at every start.
            klass.__doc__ = klass.__name__
        with _decorating:  # (two threads may import two of our modules at once)
            dataclasses.exec = _exec_cached  # a module global: found before the builtin
            try:
                klass = dataclasses.dataclass(klass, **{**options, "repr": False})
            finally:
                del dataclasses.exec
        if options.get("repr", True) and "__repr__" not in klass.__dict__:
            klass.__repr__ = _repr
        if options.get("slots") and options.get("frozen"):
            # Pickle by construction: Python 3.10's frozen slotted dataclasses cannot be unpickled otherwise.
            names = tuple(f.name for f in fields(klass))
            klass.__reduce__ = lambda self: (type(self), tuple(getattr(self, name) for name in names))
        return klass

    return wrap if cls is None else wrap(cls)


# ---------------------------------------------------------------------------------------------- the cache


def function_texts() -> list[str]:
    """Every function text the standard decorator compiles for this package's classes, on this Python."""
    import importlib
    import pkgutil

    package = sys.modules[__package__]
    texts: list[str] = []

    def record(source: Any, globals: Any = None, locals: Any = None) -> None:
        if isinstance(source, str) and source.startswith(f"def {_FACTORY}("):
            texts.append(source)
        _exec_as_dataclasses_does(source, globals, locals)

    global _exec_cached
    cached, _exec_cached = _exec_cached, record  # type: ignore[assignment]
    try:
        for module in pkgutil.walk_packages(package.__path__, f"{__package__}."):
            if module.name.rsplit(".", 1)[-1] not in (CACHE_MODULE, "__main__") and module.name not in sys.modules:
                try:
                    importlib.import_module(module.name)
                except ImportError:  # an optional extra not installed (pygls): its classes compile as usual
                    pass
    finally:
        _exec_cached = cached  # type: ignore[assignment]
    return list(dict.fromkeys(texts))


def render_cache(texts: list[str]) -> str:
    """The cache module: each text as it is, then its compiled function stored under the text."""
    parts = [
        f'"""Generated by `python -m {__package__}.records` on Python {sys.version_info[0]}.{sys.version_info[1]}: the '
        'dataclass methods of this package, compiled\nwith the package (records.py explains). Do not edit."""\n',
        f"PYTHON = {tuple(sys.version_info[:2])!r}\nCODE = {{}}\n",
    ]
    for text in texts:
        parts.append(f"\n{text}\n\n\nCODE[{text!r}] = {_FACTORY}.__code__\n")
    return "".join(parts)


def main() -> None:
    """Write the cache module for this Python (in a fresh interpreter: every module is imported to find them)."""
    import os

    from importlib import import_module

    path = os.path.join(os.path.dirname(__file__), f"{CACHE_MODULE}.py")
    texts = import_module(f"{__package__}.records").function_texts()  # (not this __main__ copy's)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(render_cache(texts))
    print(f"{path}: {len(texts)} functions")


if __name__ == "__main__":
    main()
