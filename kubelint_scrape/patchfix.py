"""Fix words for a role's rule a Kustomize JSON 6902 operation wrote (kpatch._mark_operation): the user edits the
operation, not a rule in a list. "Delete this rule" there means deleting the operation (its `value` deleted alone
writes a null rule, which the API server refuses); "replace this rule with" rules means one operation per rule,
each rule its `value` mapping (a `- apiGroups:` list pasted under `value:` would write one rule that is a list)."""

from __future__ import annotations

from typing import Any

from .fixes import render_rules, render_rules_in


def operation_of(rule: Any) -> tuple[str, Any, str] | None:
    """(op, its position — a FilePos —, its path) of the JSON 6902 operation that wrote the rule as one list item."""
    node = getattr(rule, "node", None)
    return getattr(getattr(node, "pos", None), "__dict__", {}).get("operation")


def _where(operation: tuple[str, Any, str]) -> str:
    op, pos, path = operation
    return f"the `{op}` operation (path {path}) at {pos.path}:{pos[0]}"


def delete_rule(rule: Any, text: str) -> str:
    """`text` (a fix deleting the rule), with how to delete a rule an operation wrote."""
    operation = operation_of(rule)
    if operation is None:
        return text
    if operation[0] == "add":
        how = "delete that whole operation from the patch (its `value` deleted alone would add a null rule)"
    else:  # a `replace` of the base's rule: deleted, the base's rule would come back
        how = "change it to `op: remove` and delete its `value` (deleted, it would leave the base's rule in place)"
    return f"{text} This rule is written by {_where(operation)}: {how}."


def replace_rule(rule: Any, head: str, role: Any, rules: list[dict]) -> str:
    """`head` ("Replace this rule of … with"), a colon and the rules; for a rule an operation wrote, the operations
    that write them instead (the first keeps the operation's op and path, the others append)."""
    operation = operation_of(rule)
    if operation is None:
        return f"{head}:\n{render_rules_in(role, rules)}"
    op, _pos, path = operation
    lines = []
    for number, one in enumerate(rules):
        lines.append(f"- op: {op if number == 0 else 'add'}")
        lines.append(f"  path: {path if number == 0 else path.rsplit('/', 1)[0] + '/-'}")
        lines.append("  value:")
        lines.extend("    " + line[2:] for line in render_rules([one], "").splitlines())
    return (f"{head} the `value`s of these operations, in place of {_where(operation)}, which writes this rule:\n"
            + "\n".join("  " + line for line in lines))
