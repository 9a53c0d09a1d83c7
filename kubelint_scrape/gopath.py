"""Go's path.Match / filepath.Match (the same on Unix), for flags and globs that Go programs match paths with:
kube-rbac-proxy's --allow-paths/--ignore-paths, Prometheus' scrape_config_files (filepath.Glob)."""

from __future__ import annotations

import re


def go_path_match(pattern: str, name: str) -> bool:
    """Whether `name` matches `pattern` as Go matches it: `*` and `?` never cross a `/`, `[…]` is a class (`[^…]`
    negated), `\\` escapes. A malformed pattern matches nothing (Go returns ErrBadPattern)."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                return False
            body = pattern[i + 1:end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            out.append("[" + ("^" if negate else "") + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    try:
        return re.fullmatch("".join(out), name) is not None
    except re.error:
        return False
