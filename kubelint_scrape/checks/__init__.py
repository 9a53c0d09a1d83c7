"""Check implementations, one module per rule family. Importing this package imports (and so registers) every
module in it: adding a rule family is adding a module, with no list to keep by hand."""

import importlib
import os

for _name in sorted(os.listdir(__path__[0])):  # (not pkgutil: importing it costs more than this listing)
    if _name.endswith(".py") and _name not in ("__init__.py", "context.py"):
        importlib.import_module(f"{__name__}.{_name[:-3]}")
