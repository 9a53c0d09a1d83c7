"""A small JSON Schema interpreter over the positioned YAML tree, for lint-on-save speed.

`import jsonschema` alone costs ~95 ms (SPEC §6), more than a whole one-file lint may take. The schemas in
rules/schemas/ use a small subset of Draft 2020-12, interpreted here with jsonschema's semantics (a test runs
both on the corpus and on generated mutations and requires the same verdict):

  type, properties, patternProperties, additionalProperties, required, enum, const, pattern, minLength,
  minimum, items, minItems, $ref (to "#/$defs/…"), anyOf, oneOf; `description`/`examples` are annotations.

Unlike jsonschema it reports each problem once, at its place in the tree (the container and key that hold
the bad value), with what the schema expected, so a check can turn it into a sentence a person understands.
Any other keyword raises: a schema edit must not silently validate less.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from .records import dataclass, field

Path_ = tuple  # keys (str) and list indexes (int) from the root to a value

_KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "examples", "type", "properties",
    "patternProperties", "additionalProperties", "required", "enum", "const", "pattern", "minLength", "minimum",
    "items", "minItems", "anyOf", "oneOf",
}


@dataclass(eq=False)
class SchemaError:
    """One violation. `container`/`key` locate it in the tree (key None: the root itself)."""

    kind: str  # type | additional | required | enum | const | pattern | minLength | minimum | minItems | anyOf | oneOf
    path: Path_
    container: Any
    key: Any
    value: Any
    expected: str  # the `description` of the innermost schema that has one ("" if none)
    example: str = ""
    schema: dict = field(default_factory=dict)  # the (resolved) schema the value failed
    allowed: tuple = ()  # enum values, or the property names a mapping allows (for "did you mean")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_ok(value: Any, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "number":
        return _is_number(value)
    if name == "integer":
        return _is_number(value) and (isinstance(value, int) or float(value).is_integer())
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    raise ValueError(f"unknown JSON Schema type {name!r}")


def _equal(a: Any, b: Any) -> bool:
    """jsonschema's equality: booleans are not numbers, 1 == 1.0, containers compare deeply."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    if a is None or b is None:
        return a is None and b is None
    return a == b


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class Validator:
    def __init__(self, schema: dict, check_keywords: bool = True) -> None:
        self.schema = schema
        if check_keywords:  # the shipped schemas are checked by the tests, not on every lint (load())
            self._check_keywords(schema)
        self._cache: dict[int, _Compiled] = {}

    # -- public

    def errors(self, instance: Any, schema: dict | None = None) -> list[SchemaError]:
        found: list[SchemaError] = []
        self._validate(instance, self.schema if schema is None else schema, (), None, None, "", "", found)
        return found

    def is_valid(self, instance: Any, schema: dict | None = None) -> bool:
        return not self.errors(instance, schema)

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = self._ref(schema["$ref"])
        return schema

    def definition(self, name: str) -> dict:
        return self.schema["$defs"][name]

    # -- internals

    def _ref(self, ref: str) -> dict:
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"unsupported $ref {ref!r}: only local #/$defs/ references")
        return self.schema["$defs"][ref[len("#/$defs/"):]]

    def _check_keywords(self, schema: Any) -> None:
        stack = [schema]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                unknown = set(node) - _KNOWN
                if unknown:
                    raise ValueError(f"schema keyword(s) {sorted(unknown)} not supported by schema_check")
                for key in ("properties", "patternProperties", "$defs"):
                    stack.extend(node.get(key, {}).values())
                for key in ("additionalProperties", "items"):
                    if isinstance(node.get(key), dict):
                        stack.append(node[key])
                stack.extend(node.get("anyOf", []))
                stack.extend(node.get("oneOf", []))

    def _compiled(self, schema: dict) -> "_Compiled":
        compiled = self._cache.get(id(schema))
        if compiled is None or compiled.source is not schema:  # (it holds `source` alive: a hit is that very dict)
            compiled = self._cache[id(schema)] = _Compiled(self, schema)
        return compiled

    def _validate(self, value: Any, schema: dict, path: Path_, container: Any, key: Any,
                  expected: str, example: str, out: list[SchemaError]) -> None:
        self._check(value, self._compiled(schema), path, container, key, expected, example, out)

    def _check(self, value: Any, node: "_Compiled", path: Path_, container: Any, key: Any,
               expected: str, example: str, out: list[SchemaError]) -> None:
        # Hot path (it runs for every value of every document): everything about the schema was worked out once,
        # down to its subschemas, compiled on first use (node.child).
        expected = node.expected or expected
        example = node.example or example
        schema = node.schema
        if node.types is not None and not (
            isinstance(value, node.classes) if node.classes is not None else any(_type_ok(value, name) for name in node.types)
        ):
            out.append(SchemaError("type", path, container, key, value, expected, example, schema, ()))
            return  # every other keyword here is specific to the expected types
        if node.enum is not None and not any(_equal(value, option) for option in node.enum):
            out.append(SchemaError("enum", path, container, key, value, expected, example, schema, tuple(node.enum)))
            return
        if node.has_const and not _equal(value, node.const):
            out.append(SchemaError("const", path, container, key, value, expected, example, schema, (node.const,)))
            return
        if isinstance(value, str):
            if node.pattern is not None and not node.pattern.search(value):
                out.append(SchemaError("pattern", path, container, key, value, expected, example, schema, ()))
            if node.min_length is not None and len(value) < node.min_length:
                out.append(SchemaError("minLength", path, container, key, value, expected, example, schema, ()))
        elif isinstance(value, dict):
            if node.clean is None:
                if node.object_checks:
                    self._object(value, node, path, container, key, expected, example, out)
            else:
                content = repr(value)  # (C-level, and it tells 1, "1", true and 1.0 apart as the checks do)
                if content not in node.clean:
                    found = len(out)
                    self._object(value, node, path, container, key, expected, example, out)
                    if len(out) == found and len(content) <= _MAX_CLEAN_CHARS:
                        if len(node.clean) >= _MAX_CLEAN:
                            node.clean.clear()
                        node.clean.add(content)
        elif isinstance(value, list):
            if node.min_items is not None and len(value) < node.min_items:
                out.append(SchemaError("minItems", path, container, key, value, expected, example, schema, ()))
            if node.items is not None:
                items = node.child(self, _ITEMS, node.items)
                for index, item in enumerate(value):
                    self._check(item, items, path + (index,), value, index, "", "", out)
        elif node.minimum is not None and _is_number(value) and value < node.minimum:
            out.append(SchemaError("minimum", path, container, key, value, expected, example, schema, ()))
        for combinator, branches in node.combinators:
            passing = sum(1 for branch in branches if self.is_valid(value, branch))
            if passing == 0 or (combinator == "oneOf" and passing > 1):
                out.append(SchemaError(combinator, path, container, key, value, expected, example, schema, ()))

    def _object(self, value: dict, node: "_Compiled", path: Path_, container: Any, key: Any, expected: str, example: str,
                out: list[SchemaError]) -> None:
        schema = node.schema
        properties = node.properties
        patterns = node.patterns
        for name in node.required:
            if name not in value:
                out.append(SchemaError("required", path, container, key, value, expected, example, schema, (name,)))
        additional = node.additional
        for name, item in value.items():
            matched = False
            subschema = properties.get(name) if isinstance(name, str) else None
            if subschema is not None:
                matched = True
                self._check(item, node.child(self, name, subschema), path + (name,), value, name, "", "", out)
            if patterns and isinstance(name, str):
                for index, (regex, pattern_schema) in enumerate(patterns):
                    if regex.search(name):
                        matched = True
                        self._check(item, node.child(self, (_PATTERN, index), pattern_schema), path + (name,), value,
                                    name, "", "", out)
            if matched:
                continue
            if additional is False:
                out.append(SchemaError("additional", path + (name,), value, name, name, expected, example, schema,
                                       tuple(properties)))
            elif isinstance(additional, dict):
                self._check(item, node.child(self, _ADDITIONAL, additional), path + (name,), value, name, "", "", out)


class _Compiled:
    """One schema with its $ref chain followed and its keywords looked up once (the validator asks per value)."""

    __slots__ = ("source", "schema", "expected", "example", "types", "classes", "enum", "has_const", "const", "pattern",
                 "min_length", "minimum", "object_checks", "properties", "patterns", "required", "additional", "items",
                 "min_items", "combinators", "children", "clean")

    def __init__(self, validator: Validator, schema: dict) -> None:
        self.source = schema
        expected = example = ""
        while True:  # keep the innermost description/example of the chain, for messages
            if "description" in schema:
                expected = schema["description"]
            examples = schema.get("examples")
            if examples:
                example = examples[0]
            if "$ref" not in schema:
                break
            schema = validator._ref(schema["$ref"])
        self.schema = schema
        self.expected = expected
        self.example = example
        types = schema.get("type")
        self.types = None if types is None else (tuple(types) if isinstance(types, list) else (types,))
        # Types one isinstance() decides (numbers need _type_ok: booleans are not numbers, 3.0 is an integer).
        classes = None if self.types is None else [_CLASSES.get(name) for name in self.types]
        self.classes = tuple(classes) if classes is not None and None not in classes else None
        self.children: dict[Any, _Compiled] = {}  # compiled on first use (schemas recurse): child()
        self.enum = schema.get("enum")
        self.has_const = "const" in schema
        self.const = schema.get("const")
        self.pattern = _regex(schema["pattern"]) if "pattern" in schema else None
        self.min_length = schema.get("minLength")
        self.minimum = schema.get("minimum")
        self.properties = schema.get("properties", {})
        self.patterns = [(_regex(p), sub) for p, sub in schema.get("patternProperties", {}).items()]
        self.required = tuple(schema.get("required", ()))
        self.additional = schema.get("additionalProperties", True)
        self.object_checks = bool(self.properties or self.patterns or self.required or self.additional is not True)
        items = schema.get("items")
        self.items = items if isinstance(items, dict) else None
        self.min_items = schema.get("minItems")
        self.combinators = tuple((name, schema[name]) for name in ("anyOf", "oneOf") if name in schema)
        # The contents of the values found valid here, for a schema of many properties (a scrape config): a value
        # is valid or not by its content alone, and a repository's configs repeat whole jobs (one setup rendered
        # per cluster or environment), each checked once. Errors are always recomputed: they carry positions.
        self.clean: set[str] | None = set() if len(self.properties) >= _MEMO_PROPERTIES and self.object_checks else None

    def child(self, validator: Validator, key: Any, schema: dict) -> "_Compiled":
        """A compiled subschema: a property's (key: its name), `items`, `additionalProperties` or a pattern's."""
        compiled = self.children.get(key)
        if compiled is None:
            compiled = self.children[key] = validator._compiled(schema)
        return compiled


_MEMO_PROPERTIES = 20
# Bounds on what is kept per schema (a few MB at most: a language server keeps its validators for hours).
_MAX_CLEAN = 2_000
_MAX_CLEAN_CHARS = 16_384

# Keys of the subschemas that are not properties (property names are strings).
_ITEMS, _ADDITIONAL, _PATTERN = object(), object(), object()
_CLASSES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


@functools.lru_cache(maxsize=None)
def load(name: str) -> Validator:
    """The validator for rules/schemas/<name>.schema.json (parsed once per process)."""
    from .resources import rules_path

    with open(rules_path("schemas", f"{name}.schema.json"), encoding="utf-8") as handle:
        return Validator(json.load(handle), check_keywords=False)
