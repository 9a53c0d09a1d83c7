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
from dataclasses import dataclass, field
from typing import Any

Path_ = tuple  # keys (str) and list indexes (int) from the root to a value

_KNOWN = {
    "$schema", "$id", "$defs", "$ref", "title", "description", "examples", "type", "properties",
    "patternProperties", "additionalProperties", "required", "enum", "const", "pattern", "minLength", "minimum",
    "items", "minItems", "anyOf", "oneOf",
}


@dataclass
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
    def __init__(self, schema: dict) -> None:
        self.schema = schema
        self._check_keywords(schema)

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

    def _validate(self, value: Any, schema: dict, path: Path_, container: Any, key: Any,
                  expected: str, example: str, out: list[SchemaError]) -> None:
        # Follow $ref chains, keeping the innermost description/example for messages.
        while True:
            if "description" in schema:
                expected = schema["description"]
            examples = schema.get("examples")
            if examples:
                example = examples[0]
            if "$ref" not in schema:
                break
            schema = self._ref(schema["$ref"])
        # Hot path (it runs for every value of every document): no closures, no work for absent keywords.
        types = schema.get("type")
        if types is not None:
            if isinstance(types, list):
                ok = any(_type_ok(value, name) for name in types)
            else:
                ok = _type_ok(value, types)
            if not ok:
                out.append(SchemaError("type", path, container, key, value, expected, example, schema, ()))
                return  # every other keyword here is specific to the expected types
        if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
            out.append(SchemaError("enum", path, container, key, value, expected, example, schema, tuple(schema["enum"])))
            return
        if "const" in schema and not _equal(value, schema["const"]):
            out.append(SchemaError("const", path, container, key, value, expected, example, schema, (schema["const"],)))
            return
        if isinstance(value, str):
            if "pattern" in schema and not _regex(schema["pattern"]).search(value):
                out.append(SchemaError("pattern", path, container, key, value, expected, example, schema, ()))
            if "minLength" in schema and len(value) < schema["minLength"]:
                out.append(SchemaError("minLength", path, container, key, value, expected, example, schema, ()))
        elif isinstance(value, dict):
            self._object(value, schema, path, container, key, expected, example, out)
        elif isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append(SchemaError("minItems", path, container, key, value, expected, example, schema, ()))
            items = schema.get("items")
            if isinstance(items, dict):
                for index, item in enumerate(value):
                    self._validate(item, items, path + (index,), value, index, "", "", out)
        elif "minimum" in schema and _is_number(value) and value < schema["minimum"]:
            out.append(SchemaError("minimum", path, container, key, value, expected, example, schema, ()))
        for combinator in ("anyOf", "oneOf"):
            if combinator in schema:
                passing = sum(1 for branch in schema[combinator] if self.is_valid(value, branch))
                if passing == 0 or (combinator == "oneOf" and passing > 1):
                    out.append(SchemaError(combinator, path, container, key, value, expected, example, schema, ()))

    def _object(self, value: dict, schema: dict, path: Path_, container: Any, key: Any, expected: str, example: str,
                out: list[SchemaError]) -> None:
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties")
        for name in schema.get("required", ()):
            if name not in value:
                out.append(SchemaError("required", path, container, key, value, expected, example, schema, (name,)))
        additional = schema.get("additionalProperties", True)
        for name, item in value.items():
            matched = False
            subschema = properties.get(name) if isinstance(name, str) else None
            if subschema is not None:
                matched = True
                self._validate(item, subschema, path + (name,), value, name, "", "", out)
            if patterns and isinstance(name, str):
                for pattern, pattern_schema in patterns.items():
                    if _regex(pattern).search(name):
                        matched = True
                        self._validate(item, pattern_schema, path + (name,), value, name, "", "", out)
            if matched:
                continue
            if additional is False:
                out.append(SchemaError("additional", path + (name,), value, name, name, expected, example, schema,
                                       tuple(properties)))
            elif isinstance(additional, dict):
                self._validate(item, additional, path + (name,), value, name, "", "", out)


@functools.lru_cache(maxsize=None)
def load(name: str) -> Validator:
    """The validator for rules/schemas/<name>.schema.json (parsed once per process)."""
    from .resources import rules_dir

    with open(rules_dir() / "schemas" / f"{name}.schema.json", encoding="utf-8") as handle:
        return Validator(json.load(handle))
