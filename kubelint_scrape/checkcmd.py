"""The `check` command's work, without click: the console script runs it directly for a plain lint.

Importing click costs ~35 ms (it imports inspect, uuid, datetime…), a fifth of a one-file lint-on-save, so
`console.entry()` parses the common invocations itself (fast_params: paths and the everyday options, nothing it
does not know) and calls run_check(); everything else — help, other commands, other options, and any error —
goes through click, which re-parses the arguments and reports exactly as it always does. cli.check() calls
run_check() too, so both ways lint alike (tests/test_cli.py runs a matrix of invocations both ways).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from .report import FORMATS  # (the report package's own module: stdlib imports only)

FAIL_ON = ("error", "warning", "info", "never")
SUBCOMMANDS = ("check", "explain", "rules", "suggest-rbac", "lsp")

# option → (parameter, allowed values or None for any text, repeatable)
_VALUED = {
    "--format": ("format_name", FORMATS, False),
    "--fail-on": ("fail_on", FAIL_ON, False),
    "--select": ("select", None, True),
    "--ignore": ("ignore", None, True),
    "--stdin-filename": ("stdin_filename", None, False),
    "--output": ("output", None, False),
    "-o": ("output", None, False),
}
_FLAGS = {"--no-color": "no_color", "--quiet": "quiet", "-q": "quiet", "--show-assumptions": "show_assumptions",
          "--force-exclude": "force_exclude"}


class UsageProblem(Exception):
    """Arguments or a configuration the command cannot run with; `kind` says which click error reports it."""

    def __init__(self, message: str, kind: str = "usage", param_hint: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # usage | bad-parameter | configuration
        self.param_hint = param_hint


def defaults() -> dict[str, Any]:
    """The parameters of `check` as click fills them when an option is not given."""
    return {
        "paths": (), "format_name": "text", "fail_on": None, "select": (), "ignore": (), "identity": None,
        "config_file": None, "stdin_filename": "<stdin>", "show_assumptions": False, "kubernetes_version": None,
        "kubelet_authn": None, "kubelet_authz": None, "kubelet_serving_cert": None, "default_namespace": None,
        "max_file_size": None, "force_exclude": False, "output": None, "no_color": False, "quiet": False,
    }


def fast_params(argv: list[str]) -> dict[str, Any] | None:
    """`check`'s parameters for an everyday invocation, or None: let click parse it."""
    params = defaults()
    args = list(argv)
    if args and args[0] == "check":
        args = args[1:]
    elif args and args[0] in SUBCOMMANDS:
        return None
    paths: list[str] = []
    repeated: dict[str, list[str]] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "-" or not arg.startswith("-"):
            paths.append(arg)
            continue
        name, has_value, value = arg.partition("=")
        if name in _FLAGS and not has_value:
            params[_FLAGS[name]] = True
            continue
        if name not in _VALUED:
            return None  # --help, --version, the other options, `--`, combined short flags: click's
        if not has_value:
            if index >= len(args):
                return None
            value = args[index]
            index += 1
        parameter, allowed, repeatable = _VALUED[name]
        if (allowed is not None and value not in allowed) or (value.startswith("-") and value != "-" and not has_value):
            return None  # click reports it (or takes it as it does)
        if repeatable:
            repeated.setdefault(parameter, []).append(value)
        else:
            params[parameter] = value
    params["paths"] = tuple(paths)
    for parameter, values in repeated.items():
        params[parameter] = tuple(values)
    return params


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def run_check(paths, format_name, fail_on, select, ignore, identity, config_file, stdin_filename, show_assumptions,
              kubernetes_version, kubelet_authn, kubelet_authz, kubelet_serving_cert, default_namespace, max_file_size,
              force_exclude, output, no_color, quiet) -> int:
    """Lint, write the report, and return the exit code; UsageProblem before anything is written."""
    from .engine import exit_code
    from .report import write

    config, options, paths = prepare_analysis(
        paths, config_file, identity, stdin_filename, kubernetes_version, kubelet_authn, kubelet_authz,
        kubelet_serving_cert, default_namespace, max_file_size, force_exclude, output=output, select=select, ignore=ignore,
    )
    result = lint_for_command(paths, options, quiet)
    stream = sys.stdout
    color = format_name == "text" and output is None and wants_colour(stream, no_color)
    report = {"color": color, "show_assumptions": show_assumptions, "quiet": quiet}
    if show_assumptions and format_name in ("concise", "github"):
        # These formats are one line per finding for editors and CI logs: the assumptions go to stderr
        # (text prints them first; json and sarif carry them in the document).
        from .report.text import assumptions_text

        sys.stderr.write(assumptions_text(result))
    if output:
        with open_output(output) as handle:
            write(format_name, result, handle, **report)
    else:
        write(format_name, result, stream, **report)
    return exit_code(result, fail_on or config.fail_on or "warning")


def _minor_hint(value: str) -> str:
    """For a version as `kubectl version` prints it (v1.30.2, v1.30.2-eks-1552ad0, 1.30.0+k3s1): the minor to
    write. Only the minor decides (API removals, feature defaults); the flag takes nothing else, so that it means
    what the `kubernetes-version` key of the configuration means."""
    import re

    match = re.fullmatch(r"v?1\.(\d+)(?:\.\d+)?(?:[-+][\w.+-]*)?", value.strip())
    return f" (for {value} write 1.{int(match[1])})" if match else ""


def _config_start(paths, stdin_filename) -> str | None:
    """Where the configuration is looked for: the nearest one to what is linted (the deepest directory holding
    every path; stdin counts as --stdin-filename), as ruff finds a file's — so `kubelint-scrape case/` reads
    case/.kubelint-scrape.yaml from anywhere; above that directory the search reaches the current directory's
    configuration whenever the paths are under it. None (the current directory) without paths."""
    named = [stdin_filename if p == "-" else p for p in paths if p != "-" or stdin_filename]
    if not named:
        return None
    directories = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in named]
    try:
        return os.path.commonpath(directories)
    except ValueError:  # different drives (Windows)
        return None


def prepare_analysis(paths, config_file, identity, stdin_filename, kubernetes_version, kubelet_authn, kubelet_authz,
                     kubelet_serving_cert, default_namespace, max_file_size, force_exclude=False, output=None, select=(),
                     ignore=()) -> tuple[Any, Any, list[str]]:
    """(configuration, engine.Options, paths to read) for `check` and `suggest-rbac`, which must analyse the same
    inputs alike: the same configuration file, the flags overriding its keys, its `paths` when none are given.
    UsageProblem for anything unusable, before anything is read."""
    import re

    from .config import ConfigError, build_options, discover_and_load, flag_value_problem

    try:
        config = discover_and_load(config_file, start=_config_start(paths, stdin_filename), cwd_fallback=True)
    except ConfigError as exc:
        raise UsageProblem(str(exc), "configuration") from None
    # lexists: a named broken link or link loop is an input, and gets a KS004 that says which (load.find_inputs)
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        raise UsageProblem(f"no such file or directory: {', '.join(missing)}")
    if output:
        problem = _unwritable(output)
        if problem:
            raise UsageProblem(f"{output}: {problem}", "bad-parameter", "'--output' / '-o'")
    if kubernetes_version is not None and not re.fullmatch(r"1\.(0|[1-9]\d*)", kubernetes_version):  # no "1.034"
        raise UsageProblem(f"expected 1.N, e.g. 1.34{_minor_hint(kubernetes_version)}", "bad-parameter", "--kubernetes-version")
    for flag, value in (("--identity", identity), ("--default-namespace", default_namespace)):
        problem = flag_value_problem(flag, value) if value is not None else None
        if problem:
            raise UsageProblem(problem, "bad-parameter", f"'{flag}'")
    try:
        options = build_options(
            # An empty --select (`--select "$RULES"` with the variable unset) counts as not given, not as "no rule".
            config, select=_split(select) or None, ignore=_split(ignore) if ignore else None,
            identity=identity, kubernetes_version=kubernetes_version, kubelet_authn=kubelet_authn,
            kubelet_authz=kubelet_authz, kubelet_serving_cert=kubelet_serving_cert,
            default_namespace=default_namespace, max_file_size=max_file_size, stdin_filename=stdin_filename,
        )
    except ValueError as exc:
        raise UsageProblem(str(exc)) from None
    paths = _stdin_when_named(list(paths), stdin_filename)
    if not paths and config.path is None:
        paths = ["."]  # like ruff: the current directory (the pre-commit hook passes no path)
    elif not paths:
        paths = config.root_paths() or [os.path.relpath(config.root)]
        missing = [(index, p) for index, p in enumerate(paths) if not os.path.exists(p)]
        if missing:
            from .config import locate_in

            # at the item, as every other configuration error is (the file named as the user would type it)
            raise UsageProblem("\n".join(f"{locate_in(config.path, ('paths', index))}: no such file or directory: {path}"
                                         for index, path in missing), "configuration")
    elif paths == ["-"] and stdin_filename != "<stdin>" and config.paths:
        # An editor piping one buffer: the configured tree is context, findings are the buffer's only.
        context = [p for p in config.root_paths() if os.path.exists(p)]
        paths = ["-", *context]
        options.report_paths = {stdin_filename}
    if force_exclude and options.exclude is not None:
        paths = _not_excluded(paths, options.exclude, stdin_filename)
    return config, options, paths


def _stdin_when_named(paths: list[str], stdin_filename: str) -> list[str]:
    """--stdin-filename names standard input, so without paths it means `-` (as in ruff; editor setups written
    for ruff pass no `-`), instead of linting the whole current directory and never reading the buffer. Given
    with paths but no `-`, it names nothing the run reads: a usage error rather than a flag silently dropped."""
    if stdin_filename == "<stdin>" or "-" in paths:
        return paths
    if not paths:
        return ["-"]
    raise UsageProblem(f"--stdin-filename {stdin_filename} names standard input, which is read only when `-` is "
                       "among the paths (e.g. `kubelint-scrape - deploy/ --stdin-filename FILE`)")


def _not_excluded(paths: list[str], exclude: Any, stdin_filename: str) -> list[str]:
    """--force-exclude: the paths `exclude` does not match, named ones included (stdin by its --stdin-filename).

    Without it a path named on the command line is always linted, as in ruff. Tools that pass file names — the
    pre-commit hook `kubelint-scrape-files`, an editor piping a buffer — name every staged or open file, so
    they need the flag (as ruff-pre-commit's `entry: ruff check --force-exclude`) for `exclude` to keep, say,
    Helm templates under charts/*/templates/ out of the run."""
    kept = []
    for path in paths:
        named = stdin_filename if path == "-" else path
        if path == "-" and stdin_filename == "<stdin>":
            kept.append(path)  # an unnamed buffer has no path to match
        elif not exclude.matches(named, path != "-" and os.path.isdir(path)):
            kept.append(path)
    return kept


def lint_for_command(paths: list[str], options: Any, quiet: bool = False) -> Any:
    """engine.lint_paths for a one-shot command: in two processes where it pays, with a progress line when stderr
    is a terminal (not with --quiet; erased before anything else is written), and a warning if nothing was read."""
    from .engine import lint_paths
    from .progress import for_stream

    progress = for_stream(sys.stderr, wanted=not quiet)
    try:
        result = lint_paths(paths, options, parallel=True, progress=progress)
    finally:
        progress.clear()  # also when interrupted: the shell prompt must not land after a half line
    warn_if_no_input_files(result, quiet)
    return result


def warn_if_no_input_files(result: Any, quiet: bool = False) -> None:
    """A clean report over nothing looks like a clean repository: say that nothing was read (as ruff says "No
    Python files found"). The exit code stays what the report decides. --quiet hides it, as ruff's does (its
    quiet level turns warnings off: crates/ruff_linter/src/logging.rs LogLevel::Quiet → LevelFilter::Off); the
    summary line still says 0 files."""
    if not result.sources and not quiet:
        sys.stderr.write("kubelint-scrape: warning: no YAML files found under the given paths "
                         "(directories are searched for *.yaml, *.yml, *.json, prometheus*.yml and *.golden files holding a "
                         "manifest)\n")


def wants_colour(stream: Any, no_color: bool) -> bool:
    """Colour for a terminal only, unless --no-color or NO_COLOR says otherwise (https://no-color.org: set to
    anything but the empty string); FORCE_COLOR (https://force-color.org, likewise) colours a pipe too — a CI log
    that renders ANSI. Off wins over on, as in Python's own colouring (`_colorize`)."""
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or stream.isatty()


def open_output(path: str) -> Any:
    """The --output file, open for writing, its missing directories made first: `-o reports/lint.sarif` in a
    fresh CI checkout must not need a `mkdir -p` (ruff makes them too: astral-sh/ruff#11550, a bug fix)."""
    try:
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        return open(path, "w", encoding="utf-8")
    except OSError as exc:  # it went away, or became unwritable, while linting
        raise UsageProblem(f"{path}: cannot write ({exc.strerror})", "bad-parameter", "'--output' / '-o'") from None


def _unwritable(path: str) -> str:
    """Why the report cannot be written to `path`, found before linting ("" if it can). A missing directory is
    made when the report is written (open_output), so it is judged by the nearest directory that exists."""
    if os.path.isdir(path):
        return "is a directory"
    directory = os.path.dirname(os.path.abspath(path))
    existing = directory
    while not os.path.lexists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        return f"{existing} is not a directory"
    if not os.access(path if os.path.exists(path) else existing, os.W_OK):
        return "permission denied"
    return ""
