"""Check implementations, one module per rule family. Importing this package imports (and so registers) every
module in it: adding a rule family is adding a module, with no list to keep by hand."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "context":
        importlib.import_module(f"{__name__}.{_module.name}")
