"""User configuration: `[tool.kubelint-scrape]` in pyproject.toml or `.kubelint-scrape.yaml`.

The file is found by walking up from the current directory (the nearest one wins; in one directory
`.kubelint-scrape.yaml` wins over pyproject.toml), or named with `--config FILE`. It is validated against the
JSON Schema shipped at rules/schemas/config.schema.json; any problem (unknown key, wrong type, unknown rule id)
is a ConfigError that names the file, the key and, where known, the line — the CLI exits 2 on it.

Validation runs on every lint that has a configuration file, including lint-on-save, and `import jsonschema`
alone costs ~100 ms there (SPEC §6). The schema uses a handful of keywords, so `_validate` interprets exactly
those; a schema using any other keyword is handed to jsonschema instead, and tests check both agree.

Paths and globs in the configuration are relative to the directory of the file that holds it. Globs follow
.gitignore rules (PathMatcher): `name` matches at any depth, `dir/name` is anchored, `dir/` matches only
directories, `**` spans directories, `!pattern` re-includes; a leading `./` anchors as `/` does, and a
Windows separator (`legacy\\old`) or a `..` segment is a configuration error rather than a glob that matches nothing.
"""

from __future__ import annotations

import functools
import json
import os
import re
from typing import Any, Iterable

from .records import dataclass, field

YAML_NAMES = (".kubelint-scrape.yaml", ".kubelint-scrape.yml")
PYPROJECT = "pyproject.toml"
SECTION = "tool.kubelint-scrape"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file, the key and the problem."""


@dataclass
class Config:
    path: str | None = None  # the file it came from (None: no configuration file)
    root: str = "."  # directory that relative paths and globs start from
    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # rule id → severity (resolved)
    fail_on: str | None = None
    exclude: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, set[str]] = field(default_factory=dict)  # glob → rule ids (resolved)
    identities: dict[str, str] = field(default_factory=dict)  # glob → NAMESPACE/NAME
    kubernetes_version: str | None = None
    kubelet_authn: str | None = None
    kubelet_authz: str | None = None
    kubelet_serving_cert: str | None = None
    default_namespace: str | None = None
    max_file_size: int | None = None

    def root_paths(self) -> list[str]:
        """`paths` as paths to open from the current directory (what the user would have typed)."""
        return [_display(os.path.join(self.root, p)) for p in self.paths]

    def exclude_matcher(self) -> "PathMatcher | None":
        return PathMatcher(self.exclude, self.root) if self.exclude else None


def _display(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return os.path.abspath(path)


# ---------------------------------------------------------------------------------------------- finding the file


def find_config(start: str | None = None) -> str | None:
    """The nearest configuration file at or above `start` (default: the current directory)."""
    directory = os.path.abspath(start or os.getcwd())
    while True:
        for name in YAML_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        candidate = os.path.join(directory, PYPROJECT)
        if os.path.isfile(candidate) and _has_section(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_section(path: str) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError):
        return False
    # Cheap textual gate first (most pyproject.toml files are not ours, or only list the package as a
    # dependency), then a real parse to be sure.
    if "kubelint-scrape" not in text or not re.search(r"tool\s*\.\s*[\"']?kubelint-scrape", text):
        return False
    try:
        return isinstance(_toml_table(_parse_toml(path, text)), dict)
    except ConfigError:
        return True  # ours but broken: load_config reports the syntax error


def discover_and_load(explicit: str | None = None, start: str | None = None, cwd_fallback: bool = False) -> Config:
    """The configuration named with --config, else the nearest one at or above `start` (default: the current
    directory), else the defaults rooted there. `cwd_fallback` (the CLI, whose `start` is where the linted paths
    are): failing that, the nearest one at or above the current directory — paths outside its tree still get the
    project's configuration — and the defaults are rooted at the current directory."""
    if explicit is not None:
        if not os.path.isfile(explicit):
            raise ConfigError(f"{explicit}: configuration file not found")
        return load_config(explicit)
    found = find_config(start) or (find_config() if cwd_fallback and start is not None else None)
    if found:
        return load_config(found)
    return Config(root=os.path.abspath(os.getcwd() if cwd_fallback or start is None else start))


# ---------------------------------------------------------------------------------------------- reading


def load_config(path: str) -> Config:
    shown = _display(path)  # messages name the file as the user would type it
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read configuration ({exc})") from None
    if path.endswith(".toml"):
        document = _parse_toml(shown, text)
        data = _toml_table(document)
        if data is None:
            raise ConfigError(f"{shown}: no [{SECTION}] table")
        locate = _toml_locator(shown, text)
    else:
        data, locate = _parse_yaml(shown, text)
    errors = validate(data)
    if errors:
        raise ConfigError("\n".join(f"{locate(where)}: {message}" for where, message in errors))
    return _build(path, data, locate)


def locate_in(path: str, where: tuple) -> str:
    """`file:line:col: key` of a value of the configuration at `path`, for a problem found after loading (a
    configured path that does not exist); read again, as only an error pays for it."""
    shown = _display(path)
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        locate = _toml_locator(shown, text) if path.endswith(".toml") else _parse_yaml(shown, text)[1]
        return locate(where)
    except (OSError, UnicodeDecodeError, ConfigError):
        return f"{shown}: {_dotted(where)}"


def _parse_toml(path: str, text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # `path:line:col:` as every other configuration error is written (tomllib puts the position at the end)
        message = str(exc)
        where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        if where:
            raise ConfigError(f"{path}:{where[1]}:{where[2]}: invalid TOML: {message[:where.start()]}") from None
        raise ConfigError(f"{path}: invalid TOML: {message}") from None


def _toml_table(document: dict) -> Any:
    return document.get("tool", {}).get("kubelint-scrape") if isinstance(document.get("tool"), dict) else None


def _parse_yaml(path: str, text: str):
    from .load import parse_text
    from .yamltree import YMap

    documents, problems, _status = parse_text(path, text)
    if problems:
        raise ConfigError("\n".join(f"{p.span}: {_config_problem(p)}" for p in problems))
    if not documents:
        data: Any = YMap()
    elif len(documents) > 1:
        raise ConfigError(f"{path}: one YAML document expected, found {len(documents)}")
    else:
        data = documents[0].root

    def locate(where: tuple) -> str:
        # A problem with a value points at the value, the smallest node that causes it (SPEC §5): `blocker` in
        # `KS401: blocker`, not the key; a KeyPath (unknown key, a key that is no rule, a glob key) at the key.
        node, line, column = data, 1, 1
        last = len(where) - 1
        for index, key in enumerate(where):
            if isinstance(node, dict) and key in node:
                if isinstance(node, YMap):
                    at_value = index == last and not isinstance(where, KeyPath)
                    line, column = node.value_pos(key) if at_value else node.key_pos(key)
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and key < len(node):
                line, column = node.item_pos(key) if hasattr(node, "item_pos") else (line, column)
                node = node[key]
            else:
                break
        return f"{path}:{line}:{column}: {_dotted(where)}" if where else f"{path}:{line}:{column}"

    return data, locate


class KeyPath(tuple):
    """The key path of a problem with the last key itself (an unknown key, a rule id that names no rule), not with
    its value: a YAML configuration's locator points at the key."""

    __slots__ = ()


def _config_problem(finding: Any) -> str:
    """A parse finding's message as it applies to this file: KS005's says why Kubernetes and Prometheus refuse a
    repeated key, which is not why a configuration does (its keys would silently override one another)."""
    if finding.rule == "KS005":
        return finding.message.split(":", 1)[0] + ": a key may be given once"
    return finding.message


def _toml_locator(path: str, text: str):
    """TOML parsers keep no positions: find the line of a top-level key inside our table by reading the text."""
    lines = text.splitlines()

    def locate(where: tuple) -> str:
        label = f"[{SECTION}] {_dotted(where)}" if where else f"[{SECTION}]"
        if not where or not isinstance(where[0], str):
            return f"{path}: {label}"
        in_section = False
        key = re.escape(where[0])
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if stripped.startswith("["):
                header = stripped.strip("[]").replace('"', "").replace(" ", "")
                in_section = header == SECTION or header.startswith(SECTION + ".")
                if header.startswith(f"{SECTION}.{where[0]}"):
                    return f"{path}:{number}: {label}"
                continue
            if in_section and re.match(rf"\s*(\"{key}\"|'{key}'|{key})\s*=", line):
                return f"{path}:{number}: {label}"
        return f"{path}: {label}"

    return locate


def _dotted(where: Iterable[Any]) -> str:
    parts = []
    for key in where:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif re.fullmatch(r"[A-Za-z0-9_-]+", str(key)):
            parts.append(("." if parts else "") + str(key))
        else:
            parts.append(("." if parts else "") + json.dumps(str(key)))
    return "".join(parts)


def _build(path: str, data: dict, locate) -> Config:
    from .catalog import ALWAYS_REPORTED, resolve_ignore, resolve_selection

    def rules(codes: list[str], where: tuple, resolve=resolve_selection) -> set[str]:
        try:
            return resolve(codes)
        except ValueError as exc:
            raise ConfigError(f"{locate(_failing_item(codes, where, resolve))}: {exc}") from None

    def _failing_item(codes: list[str], where: tuple, resolve) -> tuple:
        """The list item `resolve` refuses (`KS999` in `ignore: [KS1, KS999]`), the smallest node."""
        if isinstance(where, KeyPath):
            return where
        for index, code in enumerate(codes):
            try:
                resolve([code])
            except ValueError:
                return where + (index,)
        return where

    for where, pattern in _globs(data):
        if _WINDOWS_SEPARATOR.search(pattern):
            raise ConfigError(f"{locate(KeyPath(where) if isinstance(where[-1], str) else where)}: `{pattern}`: write directories with `/` "
                              f"(`{pattern.replace(chr(92), '/')}`): globs are matched against `/`-separated paths on "
                              "every system, and a backslash escapes the next character (as in .gitignore)")
        if _PARENT_SEGMENT.search(pattern):
            raise ConfigError(f"{locate(KeyPath(where) if isinstance(where[-1], str) else where)}: `{pattern}`: `..` matches "
                              "nothing: globs are matched against the paths below the directory of the configuration file "
                              f"({_display(os.path.dirname(os.path.abspath(path))) or '.'}), as in .gitignore; write the path from "
                              "there, or move the configuration file to a directory above everything it names")
    config = Config(path=os.path.abspath(path), root=os.path.dirname(os.path.abspath(path)))
    if "select" in data:
        rules(data["select"], ("select",))
        config.select = list(data["select"])
    config.ignore = list(data.get("ignore", []))
    rules(config.ignore, ("ignore",), resolve_ignore)
    for code, severity in data.get("severity", {}).items():
        resolved = rules([code], KeyPath(("severity", code)))
        if resolved and resolved <= ALWAYS_REPORTED:
            # An unread file is an error whatever the overrides say (SPEC §5): an override naming only those rules
            # would be ignored in silence, so it is refused (a prefix such as KS0 still sets the others).
            raise ConfigError(f"{locate(KeyPath(('severity', code)))}: {code} cannot be given a severity: an input that cannot "
                              f"be read ({', '.join(sorted(resolved))}) is always an error")
        for rule_id in resolved - ALWAYS_REPORTED:
            config.severity[rule_id] = severity
    for pattern, codes in data.get("per-path-ignores", {}).items():
        config.per_path_ignores[pattern] = rules(codes, ("per-path-ignores", pattern), resolve_ignore)
    config.fail_on = data.get("fail-on")
    config.exclude = list(data.get("exclude", []))
    config.paths = list(data.get("paths", []))
    config.identities = dict(data.get("identities", {}))
    config.kubernetes_version = data.get("kubernetes-version")
    config.kubelet_authn = data.get("kubelet-authn")
    config.kubelet_authz = data.get("kubelet-authz")
    config.kubelet_serving_cert = data.get("kubelet-serving-cert")
    config.default_namespace = data.get("default-namespace")
    config.max_file_size = data.get("max-file-size")
    return config


# A backslash before a letter, digit or `.`/`_`/`-` escapes nothing (.gitignore: `\\o` is `o`), so it is a Windows
# directory separator the matcher would never match (`legacy\\old\\*.yaml` silently ignoring nothing); the escapes
# gitignore has (`\\!`, `\\#`, `\\*`, `\\[`, `\\ `) stay allowed.
_WINDOWS_SEPARATOR = re.compile(r"\\[A-Za-z0-9._-]")
# The paths globs are matched against are normalised and lie below the configuration's directory: a `..` segment
# (`../rbac.yaml` beside a --config file in a subdirectory) would match nothing, in silence.
_PARENT_SEGMENT = re.compile(r"(?:^!?|/)\.\.(?:/|$)")


def _globs(data: dict) -> Iterable[tuple[tuple, str]]:
    """(where, glob) of every gitignore-style glob in the configuration."""
    for index, pattern in enumerate(data.get("exclude", [])):
        yield ("exclude", index), pattern
    for key in ("per-path-ignores", "identities"):
        for pattern in data.get(key, {}):
            yield (key, pattern), pattern


# ---------------------------------------------------------------------------------------------- validation


@functools.lru_cache(maxsize=1)
def schema() -> dict:
    from .resources import rules_path

    with open(rules_path("schemas", "config.schema.json"), encoding="utf-8") as handle:
        return json.load(handle)


# Keywords `_validate` implements (assertions) or may ignore (annotations).
ASSERTIONS = {"type", "enum", "pattern", "minLength", "minimum", "properties", "additionalProperties",
              "propertyNames", "items", "$ref"}
ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "default", "examples"}


def validate(data: Any, schema_: dict | None = None) -> list[tuple[tuple, str]]:
    """Every problem as (key path, message); empty when valid."""
    schema_ = schema_ if schema_ is not None else schema()
    if not _interpretable(schema_):
        return _validate_with_jsonschema(data, schema_)
    errors: list[tuple[tuple, str]] = []
    _validate(data, schema_, schema_, (), errors)
    return errors


# Command-line flags that set what a configuration key sets → where the schema checks that key's values.
_FLAG_SCHEMAS = {
    "--identity": ("properties", "identities", "additionalProperties"),
    "--default-namespace": ("properties", "default-namespace"),
}


def flag_value_problem(flag: str, value: str) -> str | None:
    """Why the configuration would refuse this flag's value (None: it would take it). A flag and the key it
    overrides accept the same values and say so in the same words."""
    node: Any = schema()
    for part in _FLAG_SCHEMAS[flag]:
        node = node[part]
    errors: list[tuple[tuple, str]] = []
    _validate(value, node, schema(), (), errors)
    return errors[0][1] if errors else None


def _interpretable(node: Any) -> bool:
    """Whether every keyword in this schema is one `_validate` implements (boolean schemas are)."""
    if not isinstance(node, dict):
        return isinstance(node, bool)
    if any(key not in ASSERTIONS | ANNOTATIONS for key in node):
        return False
    children = [*node.get("properties", {}).values(), *node.get("$defs", {}).values()]
    children += [node[key] for key in ("additionalProperties", "propertyNames", "items") if key in node]
    return all(_interpretable(child) for child in children)


_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    for name in ("object", "array", "string", "integer"):
        if isinstance(value, _TYPES[name]):
            return name
    return "number" if isinstance(value, float) else type(value).__name__


def _is(value: Any, type_name: str) -> bool:
    if isinstance(value, bool):
        return type_name == "boolean"
    return isinstance(value, _TYPES[type_name])


def _resolve(ref: str, root: dict) -> dict:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def _validate(value: Any, node: dict, root: dict, where: tuple, errors: list) -> None:
    if "$ref" in node:
        target = _resolve(node["$ref"], root)
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        _validate(value, merged, root, where, errors)
        return
    expected = node.get("type")
    if expected is not None and not _is(value, expected):
        hint = ""
        if where and where[-1] == "kubernetes-version" and isinstance(value, (int, float)):
            hint = ' (write it as a quoted string, e.g. "1.30": as a number 1.30 is 1.3)'
        errors.append((where, f"expected {_article(expected)}, got {_type_name(value)} {_short(value)}{hint}"))
        return
    if "enum" in node and value not in node["enum"]:
        errors.append((where, f"{_short(value)} is not one of {', '.join(map(str, node['enum']))}"))
        return
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            errors.append((where, "must not be empty"))
        elif "pattern" in node and not re.search(node["pattern"], value):
            errors.append((where, f"{_short(value)} is not {node.get('description', 'of the expected form')}"))
    if "minimum" in node and _is(value, "number") and value < node["minimum"]:
        errors.append((where, f"{value} is below the minimum {node['minimum']}"))
    if isinstance(value, dict):
        properties = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append((where, f"key {_short(key)} is not a string"))
                continue
            if "propertyNames" in node:
                _validate(key, node["propertyNames"], root, KeyPath(where + (key,)), errors)
            if key in properties:
                _validate(item, properties[key], root, where + (key,), errors)
            elif extra is False:
                import difflib

                close = difflib.get_close_matches(key, list(properties), n=1)
                known = ", ".join(properties)
                errors.append((KeyPath(where + (key,)), f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else f"; known keys: {known}")))
            elif isinstance(extra, dict):
                _validate(item, extra, root, where + (key,), errors)
    if isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _validate(item, node["items"], root, where + (index,), errors)


def _article(type_name: str) -> str:
    return {"object": "a table/mapping", "array": "a list", "integer": "an integer"}.get(type_name, f"a {type_name}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _validate_with_jsonschema(data: Any, schema_: dict) -> list[tuple[tuple, str]]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema_)
    return [(tuple(error.absolute_path), error.message) for error in validator.iter_errors(data)]


# ---------------------------------------------------------------------------------------------- gitignore-style globs


class PathMatcher:
    """.gitignore semantics for a list of patterns, relative to `root`.

    A path matches when it, or any directory above it (below root), matches the last pattern that decides
    it; `!pattern` re-includes. Paths outside root are tested with the unanchored patterns only.
    """

    def __init__(self, patterns: Iterable[str], root: str) -> None:
        self.root = os.path.abspath(root)
        self.rules: list[tuple[re.Pattern, bool, bool, bool]] = []  # regex, negated, directory-only, anchored
        for pattern in patterns:
            negated = pattern.startswith("!")
            body = pattern[1:] if negated else pattern
            if body.startswith("\\"):  # `\!name`, `\#name`: a literal first character
                body = body[1:]
            directory_only = body.endswith("/")
            body = body.rstrip("/")
            # `./legacy/**` names legacy/ in the configuration's directory, as `/legacy/**` does (ruff normalises
            # a leading `./` in its globs too); git would match it against no path at all.
            relative_to_root = body.startswith("./")
            while body.startswith("./"):
                body = body[2:]
            if not body:
                continue
            anchored = "/" in body or relative_to_root
            self.rules.append((re.compile(_glob_regex(body.lstrip("/"))), negated, directory_only, anchored))

    def __bool__(self) -> bool:
        return bool(self.rules)

    def relative(self, path: str) -> str | None:
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        return None if relative == ".." or relative.startswith("../") else relative

    def matches(self, path: str, is_dir: bool = False, below: str | None = None) -> bool:
        """Whether `path` is excluded. `below`: a directory named on the command line that `path` was found in;
        it and the directories above it were asked for by name, so only what lies below it is matched (a
        named path is linted, as in ruff: `kubelint-scrape legacy/` lints legacy/ even with `exclude: [legacy/]`)."""
        relative = self.relative(path)
        parts = (relative if relative is not None else os.path.abspath(path).lstrip(os.sep).replace(os.sep, "/")).split("/")
        inside = relative is not None
        first = 1
        if below is not None:  # the last `depth below` parts of the path are those under the named directory
            under = os.path.relpath(os.path.abspath(path), os.path.abspath(below)).split(os.sep)
            first = max(1, len(parts) - len(under) + 1)
        for depth in range(first, len(parts) + 1):  # a directory that matches excludes everything below it
            candidate_is_dir = depth < len(parts) or is_dir
            if self._decide("/".join(parts[:depth]), parts[depth - 1], candidate_is_dir, inside):
                return True
        return False

    def _decide(self, relative: str, name: str, is_dir: bool, inside: bool) -> bool:
        matched = False
        for regex, negated, directory_only, anchored in self.rules:
            if directory_only and not is_dir:
                continue
            if anchored and not inside:
                continue
            if regex.fullmatch(relative if anchored else name):
                matched = not negated
        return matched


def _glob_regex(glob: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(glob):
        char = glob[index]
        if glob.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if glob.startswith("/**", index) and index + 3 == len(glob):
            out.append("/.*")
            index += 3
            continue
        if glob.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = glob.find("]", index + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                inner = glob[index + 1:end]
                if inner.startswith("!"):
                    inner = "^" + inner[1:]
                out.append("[" + inner.replace("\\", "\\\\") + "]")
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


# ---------------------------------------------------------------------------------------------- engine options


def _rule_selection(config: Config, select: list[str] | None, ignore: list[str] | None,
                    ) -> tuple[list[str] | None, list[str]]:
    """(select, ignore) codes from the configuration and the command line, combined as ruff combines them
    (ruff_workspace configuration.rs, as_rule_table: the command line's selection is applied after the file's).
    `--select` starts the selection afresh, so the file's `select` and `ignore` no longer apply: asking for a
    rule by name shows it even where the project ignores it. `--ignore` alone narrows what the file selects:
    `ignore: [KS604]` in the file and `--ignore KS208` in CI silence both."""
    if select is not None:
        return select, list(ignore or [])
    return config.select, [*config.ignore, *(ignore or [])]


def build_options(
    config: Config,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    identity: str | None = None,
    kubernetes_version: str | None = None,
    kubelet_authn: str | None = None,
    kubelet_authz: str | None = None,
    kubelet_serving_cert: str | None = None,
    default_namespace: str | None = None,
    max_file_size: int | None = None,
    stdin_filename: str = "<stdin>",
) -> Any:
    """engine.Options from the configuration, each given command-line value replacing its key (the rule
    selection combines as _rule_selection says).

    Raises ValueError for unknown rule codes or a malformed identity given on the command line.
    """
    from .analyse import Assumptions
    from .catalog import resolve_ignore, resolve_selection
    from .engine import Options
    from .load import Limits
    from .rbac import Identity

    def pick(flag: Any, configured: Any, default: Any) -> Any:
        return flag if flag is not None else (configured if configured is not None else default)

    selected, ignored = _rule_selection(config, select, ignore)
    defaults = Assumptions()
    return Options(
        assumptions=Assumptions(
            pick(kubernetes_version, config.kubernetes_version, defaults.kubernetes_version),
            pick(kubelet_authn, config.kubelet_authn, defaults.kubelet_authn),
            pick(kubelet_authz, config.kubelet_authz, defaults.kubelet_authz),
            pick(kubelet_serving_cert, config.kubelet_serving_cert, defaults.kubelet_serving_cert),
            pick(default_namespace, config.default_namespace, defaults.default_namespace),
        ),
        select=resolve_selection(selected) if selected is not None else None,
        ignore=resolve_ignore(ignored),
        severity_overrides=dict(config.severity),
        identity=Identity.parse(identity) if identity else None,
        identities=dict(config.identities),
        limits=Limits(max_file_bytes=pick(max_file_size, config.max_file_size, 20) * 1024 * 1024),
        stdin_filename=stdin_filename,
        root=config.root,
        per_path_ignores=dict(config.per_path_ignores),
        exclude=config.exclude_matcher(),
    )
