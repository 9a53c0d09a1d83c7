"""Cheaper parser events for ruamel.yaml's C parser: the same classes, built in one Python call instead of three.

libyaml itself is fast; what a parse costs on top of it is building a Python event object per scalar and per
collection start and end. ruamel's event classes initialise through a chain of `__init__`s (ScalarEvent →
NodeEvent → Event), and a scalar's `tag` is a property computed on every read. Those were a third of parsing
10,000 objects (measured: 1.8 s → 1.2 s of CPU for the events of the benchmark's files).

The C parser (`_ruamel_yaml.CParser`, Cython) looks the event classes up as globals of its own module each time
it makes an event, so setting these subclasses there makes it build them. They are subclasses with every slot
the originals have, set to the same values, so anything else that reads the C parser's events (ruamel's own
composer, used by `YAML(typ="safe")`) sees no difference. `canonical` maps each back to the ruamel class it
stands for, so the tree builder recognises events from either parser (the pure-Python one is unpatched).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)


class FastScalarEvent(ScalarEvent):
    # `tag` shadows the parent's property with a plain slot: the C parser passes the tag as a str (or None),
    # for which the property returned exactly that.
    __slots__ = ("tag",)

    def __init__(self, anchor: Any, tag: Any, implicit: Any, value: Any, start_mark: Any = None,
                 end_mark: Any = None, style: Any = None, comment: Any = None) -> None:
        self.start_mark = start_mark
        self.end_mark = end_mark
        self.comment = comment
        self.anchor = anchor
        self.ctag = tag
        self.tag = None if tag is None else str(tag)
        self.implicit = implicit
        self.value = value
        self.style = style


def _collection_start_init(self: Any, anchor: Any, tag: Any, implicit: Any, start_mark: Any = None,
                           end_mark: Any = None, flow_style: Any = None, comment: Any = None,
                           nr_items: Any = None) -> None:
    self.start_mark = start_mark
    self.end_mark = end_mark
    self.comment = comment
    self.anchor = anchor
    self.ctag = tag
    self.implicit = implicit
    self.flow_style = flow_style
    self.nr_items = nr_items


def _collection_end_init(self: Any, start_mark: Any = None, end_mark: Any = None, comment: Any = None) -> None:
    self.start_mark = start_mark
    self.end_mark = end_mark
    self.comment = comment


class FastMappingStartEvent(MappingStartEvent):
    __slots__ = ()
    __init__ = _collection_start_init


class FastSequenceStartEvent(SequenceStartEvent):
    __slots__ = ()
    __init__ = _collection_start_init


class FastMappingEndEvent(MappingEndEvent):
    __slots__ = ()
    __init__ = _collection_end_init


class FastSequenceEndEvent(SequenceEndEvent):
    __slots__ = ()
    __init__ = _collection_end_init


canonical: dict[type, type] = {
    FastScalarEvent: ScalarEvent,
    FastMappingStartEvent: MappingStartEvent,
    FastSequenceStartEvent: SequenceStartEvent,
    FastMappingEndEvent: MappingEndEvent,
    FastSequenceEndEvent: SequenceEndEvent,
}


def install(parser_module: Any) -> bool:
    """Make the C parser of `parser_module` build these events; False (nothing changed) when the module does not
    name ruamel's classes as globals the way the known versions do."""
    names = {original.__name__: fast for fast, original in canonical.items()}
    if parser_module is None or any(getattr(parser_module, name, None) is not canonical[fast] and
                                    getattr(parser_module, name, None) is not fast for name, fast in names.items()):
        return False
    for name, fast in names.items():
        setattr(parser_module, name, fast)
    return True
