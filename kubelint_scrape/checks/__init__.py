"""Check implementations, one module per rule family; importing this package registers them all."""

from . import access, inputs  # noqa: F401
