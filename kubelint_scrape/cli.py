"""Command line: `kubelint-scrape [check] PATHS…`, `explain`, `rules`. Exit 0 clean, 1 findings, 2 usage error.

Heavy modules (the engine, jsonschema, report formats) are imported inside the commands that use them, so
`--version`, `explain` and lint-on-save start fast.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .checkcmd import FAIL_ON, FORMATS


class DefaultCheckGroup(click.Group):
    """`kubelint-scrape PATHS…` means `kubelint-scrape check PATHS…` (like ruff's old default)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCheckGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kubelint-scrape")
def main() -> None:
    """Check Prometheus scrape configs against Kubernetes RBAC, offline: predicts 401/403/zero targets."""


# The options that decide what the analysis sees. `check` and `suggest-rbac` both take them and hand them to
# checkcmd.prepare_analysis, which reads the configuration they override: both commands analyse alike.
_ANALYSIS_OPTIONS = (
    click.option("--identity", metavar="NS/NAME", help="The ServiceAccount every Prometheus config in the inputs runs as."),
    click.option("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
                 help="Use this configuration (pyproject.toml or .kubelint-scrape.yaml) instead of the nearest one."),
    click.option("--stdin-filename", default="<stdin>", metavar="NAME",
                 help="Name `-` (stdin) with this path. With `paths` configured and only `-` given, the rest of the "
                      "tree is read as context (and `check` reports this file's findings only)."),
    click.option("--kubernetes-version", default=None, metavar="1.N", help="[default: 1.34]"),
    click.option("--kubelet-authn", type=click.Choice(["webhook", "anonymous", "none", "x509"]), default=None, help="[default: webhook]"),
    click.option("--kubelet-authz", type=click.Choice(["webhook", "always-allow"]), default=None, help="[default: webhook]"),
    click.option("--kubelet-serving-cert", type=click.Choice(["self-signed", "cluster-ca"]), default=None,
                 help="[default: self-signed]"),
    click.option("--default-namespace", default=None, help="Namespace of objects that name none.  [default: default]"),
    click.option("--max-file-size", type=click.IntRange(min=1), default=None, metavar="MB", help="[default: 20]"),
    click.option("--force-exclude", is_flag=True,
                 help="Apply the configured `exclude` to paths named on the command line too (for tools that pass "
                      "file names: pre-commit, editors)."),
)


def analysis_options(command):
    for option in reversed(_ANALYSIS_OPTIONS):  # decorators apply bottom-up: keep the listed order in --help
        command = option(command)
    return command


def _as_click_error(problem) -> click.ClickException:
    """checkcmd.UsageProblem as the click error that reports it (exit 2 for each)."""
    if problem.kind == "configuration":
        return ConfigurationError(str(problem))
    if problem.kind == "bad-parameter":
        return click.BadParameter(str(problem), param_hint=problem.param_hint)
    return click.UsageError(str(problem))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=False, allow_dash=True))
@click.option("--format", "format_name", type=click.Choice(list(FORMATS)), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(list(FAIL_ON)), default=None,
              help="Exit 1 when a finding at or above this severity remains.  [default: warning]")
@click.option("--select", multiple=True, metavar="IDS", help="Only these rules (ids, prefixes like KS1, or names; comma-separated), replacing the configured select and ignore.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rules (ids, prefixes or names), besides the configured ignore.")
@analysis_options
@click.option("--show-assumptions", is_flag=True, help="Print the cluster assumptions and each job's identity first.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report to this file.")
@click.option("--no-color", is_flag=True, help="Never colour the text output (it is coloured only on a terminal).")
@click.option("--quiet", "-q", is_flag=True, help="Text format: only the finding lines and the summary.")
def check(**params) -> None:
    """Lint PATHS (files, directories, or - for stdin); without PATHS, the configured `paths`."""
    from .checkcmd import UsageProblem, run_check

    try:
        code = run_check(**params)
    except UsageProblem as problem:
        raise _as_click_error(problem) from None
    sys.exit(code)


class ConfigurationError(click.ClickException):
    """A configuration file that cannot be used: exit 2, like a usage error."""

    exit_code = 2

    def format_message(self) -> str:
        return f"invalid configuration:\n{self.message}"


@main.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Show the documentation of one rule (id or name)."""
    from .catalog import resolve_selection
    from .docs import rule_text

    try:
        selected = resolve_selection([rule_id])
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if len(selected) != 1:
        raise click.UsageError(f"{rule_id!r} names {len(selected)} rules; give one id, e.g. KS102")
    click.echo(rule_text(selected.pop()))


@main.command()
@click.option("--format", "format_name", type=click.Choice(["text", "md", "json"]), default="text", show_default=True)
def rules(format_name: str) -> None:
    """List the rule catalog."""
    from .docs import catalog_json, catalog_markdown, catalog_table

    render = {"text": catalog_table, "md": catalog_markdown, "json": catalog_json}[format_name]
    click.echo(render(), nl=False)


@main.command()
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default and only transport; accepted for clients that pass it).")
def lsp(stdio: bool) -> None:
    """Run the Language Server over stdio: diagnostics for open YAML documents, the workspace as context."""
    try:
        from .lsp import serve
        import pygls  # noqa: F401
    except ImportError:
        raise click.ClickException("the language server needs pygls: pip install 'kubelint-scrape[lsp]'") from None
    serve()


@main.command("suggest-rbac")
@click.argument("paths", nargs=-1, type=click.Path(exists=False, allow_dash=True))
@click.option("--diff", is_flag=True, help="Show what to add and what to remove relative to the current grants.")
@analysis_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the YAML to this file.")
def suggest_rbac(paths, diff, output, **analysis_params):
    """Print the minimal ServiceAccount RBAC (YAML) that makes every scrape job in PATHS work; without PATHS, the
    configured `paths`. The configuration and these options are read as `check` reads them."""
    from .checkcmd import UsageProblem, lint_for_command, open_output, prepare_analysis
    from .suggest import plans, render, render_diff

    try:
        _config, options, paths = prepare_analysis(paths, output=output, **analysis_params)
    except UsageProblem as problem:
        raise _as_click_error(problem) from None
    options.select = set()  # only the analysis is needed: no rule but the always-reported input findings runs
    analysis = lint_for_command(paths, options).analysis
    planned = plans(analysis)
    for config in analysis.configs:
        resolution = analysis.resolutions[id(config)]
        if resolution.identity is None and config.jobs:
            click.echo(f"kubelint-scrape: skipped {config.describe}: {resolution.reason} (name it with --identity or the configuration's `identities`)", err=True)
    if not planned:
        click.echo("kubelint-scrape: no scrape job with a known ServiceAccount in the inputs: nothing to suggest", err=True)
        sys.exit(1)
    text = render_diff(analysis, planned) if diff else render(analysis, planned)
    if output:
        try:
            handle = open_output(output)
        except UsageProblem as problem:
            raise _as_click_error(problem) from None
        with handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":  # pragma: no cover
    from .console import entry

    entry()
