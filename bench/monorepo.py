"""A monorepo of N teams, the shape of probe scale3: the language server's re-lint after an edit of one file must
scale with the edit, not with the workspace (SPEC §5/§6).

    .venv/bin/python bench/monorepo.py --teams 30,100,300,1000            # LSP re-lint and CLI run per size
    .venv/bin/python bench/monorepo.py --teams 300 --kustomize            # the same with an overlay per team
    .venv/bin/python bench/monorepo.py --generate DIR --teams 300         # write one and stop

Each team has its own directory: a Namespace, a Prometheus Deployment (or every fourth team an Operator
Prometheus with ServiceMonitors/PodMonitors), its scrape ConfigMap with 10–20 jobs, a Role and RoleBinding per
namespace; every tenth team also a ClusterRole and ClusterRoleBinding. Accounts: every third team's is written in
the previous team's directory ("made elsewhere"), every third in its Prometheus file, the rest beside it. With --kustomize, each team's directory is
a base with a kustomization.yaml and `overlays/<team>/kustomization.yaml` sets its namespace.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402
import generate  # noqa: E402


def _account(team: str, namespace: str) -> str:
    return f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: prometheus-{team}\n  namespace: {namespace}\n"


def _operator(rng: random.Random, team: str, namespace: str) -> str:
    monitors = "".join(
        f"---\napiVersion: monitoring.coreos.com/v1\nkind: {kind}\nmetadata:\n  name: {team}-{i}\n  namespace: {namespace}\n"
        f"spec:\n  selector:\n    matchLabels:\n      app: {team}-{i}\n"
        + ("  endpoints:\n    - port: http\n      interval: 30s\n" if kind == "ServiceMonitor"
           else "  podMetricsEndpoints:\n    - port: http\n")
        for i, kind in enumerate(rng.choice(["ServiceMonitor", "PodMonitor"]) for _ in range(rng.randint(10, 20))))
    return (f"apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: {team}\n  namespace: {namespace}\n"
            f"spec:\n  serviceAccountName: prometheus-{team}\n  serviceMonitorSelector: {{}}\n  podMonitorSelector: {{}}\n"
            + monitors)


def _rbac(rng: random.Random, team: str, namespace: str, cluster: bool) -> str:
    kind, binding = ("ClusterRole", "ClusterRoleBinding") if cluster else ("Role", "RoleBinding")
    ns = "" if cluster else f"\n  namespace: {namespace}"
    return (f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: prometheus-{team}{ns}\n"
            f"rules:\n{generate.rbac_rules(rng, rng.randint(3, 8), cluster)}\n---\n"
            f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {binding}\nmetadata:\n  name: prometheus-{team}{ns}\n"
            f"roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {kind}\n  name: prometheus-{team}\n"
            f"subjects:\n  - kind: ServiceAccount\n    name: prometheus-{team}\n    namespace: {namespace}\n")


def monorepo(directory: str, teams: int, kustomize: bool = False, seed: int = 3) -> int:
    """Write the monorepo; returns the number of files."""
    rng = random.Random(seed)
    root = Path(directory)
    files = 0
    for t in range(teams):
        team, namespace = f"team{t:04d}", f"team{t:04d}"
        base = root / "teams" / team
        base.mkdir(parents=True, exist_ok=True)
        written: list[str] = []

        def write(name: str, text: str, where: Path = base) -> None:
            nonlocal files
            (where / name).write_text(text)
            files += 1
            if where == base:
                written.append(name)

        write("namespace.yaml", f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n")
        # Every third team's account is written by the previous team (a shared "accounts" file there).
        if t % 3 == 2:
            write("accounts.yaml", _account(team, namespace) + "---\n" + _account(f"team{t + 1:04d}", f"team{t + 1:04d}"))
        elif t == 0:
            write("account.yaml", _account(team, namespace))
        own_account = _account(team, namespace) + "---\n" if t % 3 == 1 else ""  # in the Prometheus' own file
        if t % 4 == 3:
            write("prometheus.yaml", own_account + _operator(rng, team, namespace))
        else:
            name = f"prometheus-{team}"
            text = (generate.workload(rng, name, namespace, True)
                    .replace(f"serviceAccountName: {name}\n", f"serviceAccountName: prometheus-{team}\n")
                    + "---\n" + generate.prometheus_configmap(rng, name, namespace, rng.randint(10, 20)))
            write("prometheus.yaml", own_account + text)
        write("rbac.yaml", _rbac(rng, team, namespace, cluster=False))
        if t % 10 == 0:
            write("cluster-rbac.yaml", _rbac(rng, team + "-cluster", namespace, cluster=True)
                  .replace(f"name: prometheus-{team}-cluster\n    namespace", f"name: prometheus-{team}\n    namespace"))
        if kustomize:
            write("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
                  + "".join(f"  - {name}\n" for name in sorted(written)))
            overlay = root / "overlays" / team
            overlay.mkdir(parents=True, exist_ok=True)
            write("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                  f"namespace: {namespace}\nresources:\n  - ../../teams/{team}\n", overlay)
    return files


def _edited(workspace: Path) -> Path:
    """The file the LSP measurement edits: the middle one of the Prometheus files that also hold their account
    (bench._edit doubles its `kind: ServiceAccount`, a KS005 finding every other edit)."""
    files = [p for p in sorted(workspace.glob("teams/*/prometheus.yaml")) if "kind: ServiceAccount\n" in p.read_text()]
    return files[len(files) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", default="30,100,300,1000")
    parser.add_argument("--kustomize", action="store_true")
    parser.add_argument("--edits", type=int, default=9)
    parser.add_argument("--generate", help="write the monorepo (first --teams size) into this directory and stop")
    parser.add_argument("--tree", help="measure the kubelint_scrape package of this directory")
    args = parser.parse_args()
    sizes = [int(s) for s in args.teams.split(",")]
    if args.generate:
        print(monorepo(args.generate, sizes[0], args.kustomize))
        return 0
    if args.tree:
        bench.TREE = str(Path(args.tree).resolve())
        bench.ENV["PYTHONPATH"] = bench.TREE
    work = Path(tempfile.mkdtemp(prefix="kubelint-monorepo-"))
    try:
        print("| teams | files | LSP re-lint warm | LSP first | CLI full run |")
        print("|------:|------:|-----------------:|----------:|-------------:|")
        for size in sizes:
            target = work / f"teams-{size}"
            files = monorepo(str(target), size, args.kustomize)
            bench.run(bench.lint_argv(str(target)))  # warm-up: bytecode
            _how, cold, warm = bench.lsp_session(target, args.edits, _edited(target))
            cli = statistics.median(bench.run(bench.lint_argv(str(target))).seconds for _ in range(3 if size <= 300 else 1))
            print(f"| {size} | {files} | {warm * 1000:.0f} ms | {cold * 1000:.0f} ms | {cli:.2f} s |", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
