"""KS112: a kube-rbac-proxy that a scrape job reaches cannot review the scraper's token and request.

kube-rbac-proxy authenticates each bearer token with a TokenReview and authorizes each request with a
SubjectAccessReview, both created with its own pod's ServiceAccount token (brancz/kube-rbac-proxy
pkg/authn/delegating.go, pkg/authz/auth.go). Without `create` on them the review call itself is refused:
k8s.io/apiserver's webhook authenticator returns the error, and pkg/filters/auth.go WithAuthentication answers
401 Unauthorized; a refused SubjectAccessReview makes WithAuthorization answer 500 ("Authorization error").
Either way every scrape fails, whatever the scraper itself is granted.

A controller-runtime secure metrics server (ctrlruntime.py) reviews the same way with the manager's token, and its
filter (sigs.k8s.io/controller-runtime pkg/metrics/filters/filters.go) answers 500 to an error of either review:
"Authentication failed" when the TokenReview is refused, "Authorization for user … failed" when the
SubjectAccessReview is. It is recognised only by holding one of the two grants by name, so the case here is the
manager that holds the other one only.
"""

from __future__ import annotations

import os
from typing import Iterator

from ..analyse import JobAnalysis
from .. import ctrlruntime
from ..analyse import holder_keys
from ..authproxy import (Server, authenticates_path, declared_targets, missing_config_files, reached_proxies,
                         reviews_as)
from ..catalog import check
from ..findings import Finding, Related
from ..fixes import yaml_scalar
from ..grants import REVIEW_REQUESTS
from ..model import Workspace
from ..rbac import Authorizer, Decision, Identity, names_identity
from ..yamltree import Span, as_seq
from .context import Context

DELEGATOR = "system:auth-delegator"
OUTCOME = {
    "tokenreviews": "its TokenReview of every scraper's token is refused, so it answers 401 Unauthorized to every "
                    "scrape (pkg/filters/auth.go: an authentication error is a 401)",
    "subjectaccessreviews": "its SubjectAccessReview of every scrape is refused, so it answers 500 Internal Server "
                            "Error (\"Authorization error\", pkg/filters/auth.go)",
}
# controller-runtime's filter answers 500 to an error of either review (pkg/metrics/filters/filters.go).
CONTROLLER_OUTCOME = {
    "tokenreviews": "its TokenReview of every scraper's token is refused, so its metrics filter answers 500 Internal "
                    "Server Error (\"Authentication failed\", controller-runtime pkg/metrics/filters/filters.go) to "
                    "every scrape",
    "subjectaccessreviews": "its SubjectAccessReview of every scrape is refused, so its metrics filter answers 500 "
                            "Internal Server Error (\"Authorization for user … failed\", controller-runtime "
                            "pkg/metrics/filters/filters.go)",
}


@check("KS112")
def auth_proxy_review_permission_missing(ctx: Context) -> Iterator[Finding]:
    yield from _controller_runtime(ctx)
    authorizer = ctx.analysis.authorizer
    servers = declared_targets(ctx.workspace).servers
    if not any(ctx.reports(server.pod.obj.path) for server in servers):
        return  # every finding sits at a proxy's container: no need to find which jobs reach each (every job's)
    yield from _missing_config_files(ctx, servers)
    for index, reaching in reached_proxies(ctx.analysis.jobs, ctx.workspace).items():
        server = servers[index]
        if not ctx.reports(server.pod.obj.path):
            continue
        refused = _refused_reviews(server, authorizer, ctx.workspace)
        if refused is not None:
            yield _finding(ctx, server, *refused, reaching, "kube-rbac-proxy", OUTCOME)


def _missing_config_files(ctx: Context, servers: list[Server]) -> Iterator[Finding]:
    """A kube-rbac-proxy that jobs reach whose --config-file its mounted ConfigMap/Secret does not hold: it exits at
    start, so every scrape of it fails (connection refused), whatever is granted. Any job that keeps its port: the
    token and path do not matter to a proxy that is not running."""
    reaching: dict[int, list[tuple[JobAnalysis, str, Span]]] = {}
    for analysis in ctx.analysis.jobs:
        for index, path, span in analysis.proxies:
            reaching.setdefault(index, []).append((analysis, path, span))
    for index, jobs in reaching.items():
        server = servers[index]
        if not ctx.reports(server.pod.obj.path):
            continue
        missing = missing_config_files(ctx.workspace).get(index)
        if missing is None:
            continue
        from .transport import _flag_span  # (transport imports access, which imports this module)

        pod, holder = server.pod, missing.holder
        job, path, _span = jobs[0]
        others = f" (and {len(jobs) - 1} more job(s))" if len(jobs) > 1 else ""
        keys = sorted(holder_keys(holder))
        if missing.meant:
            fix = f"Write `--config-file={os.path.join(os.path.dirname(missing.file), missing.meant)}`."
        else:
            fix = (f"Add key {os.path.basename(missing.file)} (the proxy's `authorization:` config) to {holder.kind} "
                   f"{holder.name}, or drop --config-file to review each request as `get` on its path.")
        yield Finding(
            "KS112", _flag_span(pod, server.container, "config-file"),
            f"kube-rbac-proxy (container {server.container.name} of {pod.obj.kind} {pod.obj.namespace}/"
            f"{pod.obj.name}) serves the targets job \"{job.job.name}\"{others} scrapes at {path}, but its "
            f"--config-file {missing.file} is not in {holder.kind} {holder.namespace}/{holder.name} mounted at "
            f"{missing.root} (it holds {', '.join(keys)}): the proxy cannot read it and exits at start (\"failed to "
            f"read the config file\"), so every scrape of it fails",
            fix=fix, related=(Related(holder.name_span(), f"{holder.kind} {holder.namespace}/{holder.name}"),
                              *(Related(span, f"job \"{a.job.name}\" scrapes the proxy") for a, _p, span in jobs[:3])),
            object=f"{pod.obj.kind}/{pod.obj.namespace}/{pod.obj.name}",
        )


def _refused_reviews(server: Server, authorizer: Authorizer,
                     workspace: Workspace) -> tuple[Identity, list[Decision]] | None:
    """The proxy's review identity and the review grants it lacks, or None when it can review (or is out of view)."""
    identity = Identity(server.pod.obj.namespace, server.pod.service_account)
    if not reviews_as(server, identity, workspace):
        return None
    missing = [d for d in (authorizer.authorize(identity, request) for request in REVIEW_REQUESTS) if not d.allowed]
    return (identity, missing) if missing else None


def review_fix_after_token(analysis: JobAnalysis, ctx: Context) -> str:
    """The rest of KS106's fix for a token-less job that reaches kube-rbac-proxy: once the token is sent, a proxy
    that cannot review it answers 401 all the same (KS112 then), so the fix says so now rather than after."""
    servers = declared_targets(ctx.workspace).servers
    text = ""
    for index in sorted({index for index, path, _span in analysis.proxies
                         if authenticates_path(servers[index].container, path.split("?", 1)[0])}):
        server = servers[index]
        refused = _refused_reviews(server, ctx.analysis.authorizer, ctx.workspace)
        if refused is None:
            continue
        identity, missing = refused
        pod = server.pod
        names = " and ".join(f"create {d.request.api_group}/{d.request.resource}" for d in missing)
        text += (f"\nThen kube-rbac-proxy (container {server.container.name} of {pod.obj.kind} {pod.obj.namespace}/"
                 f"{pod.obj.name}) reviews the token as its ServiceAccount {identity}, which cannot {names}"
                 f"{_scope_note(missing)}: {OUTCOME[missing[0].request.resource]} (KS112). "
                 + _fix(identity, pod.service_account_explicit, f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"))
    return text


def _controller_runtime(ctx: Context) -> Iterator[Finding]:
    """The controller-runtime secure metrics servers that jobs reach with a token and whose manager lacks a review."""
    servers = ctrlruntime.by_server(ctx.workspace)
    if not any(ctx.reports(pod.obj.path) for pod, _container in servers.values()):
        return
    reached: dict[str, list[tuple[JobAnalysis, str, Span]]] = {}
    for analysis in ctx.analysis.jobs:
        credentials = analysis.job.credentials
        if credentials.kind == "client-cert" or not credentials.kubernetes_authenticates:
            continue  # no token: a 401 before any review (KS106)
        for endpoint in analysis.endpoints:
            if endpoint.klass == "controller-runtime" and endpoint.server in servers:
                reached.setdefault(endpoint.server, []).append((analysis, endpoint.path, analysis.origins[endpoint]))
    for name, reaching in reached.items():
        pod, container = servers[name]
        server = Server(pod, container)
        identity = Identity(pod.obj.namespace, pod.service_account)
        if not ctx.reports(pod.obj.path) or not reviews_as(server, identity, ctx.workspace):
            continue
        missing = [d for d in (ctx.analysis.authorizer.authorize(identity, r) for r in REVIEW_REQUESTS) if not d.allowed]
        if missing:
            yield _finding(ctx, server, identity, missing, reaching, "the controller-runtime metrics server",
                           CONTROLLER_OUTCOME)


def _finding(ctx: Context, server: Server, identity: Identity, missing: list[Decision],
             reaching: list[tuple[JobAnalysis, str, Span]], what: str, outcome: dict[str, str]) -> Finding:
    pod = server.pod
    job, path, _span = reaching[0]
    names = " and ".join(f"create {d.request.api_group}/{d.request.resource}" for d in missing)
    others = f" (and {len(reaching) - 1} more job(s))" if len(reaching) > 1 else ""
    from .access import replaced_fix, replaced_grants, replaced_related  # (access imports this module)

    # The inputs may hold the grant in a binding or role that a later definition of the same name replaces
    # (KS006, kube-prometheus' `kube-state-metrics` ClusterRoleBinding beside another project's): as for a job's
    # denial, the replaced definition is shown and renaming one of the two is offered.
    replaced = replaced_grants(ctx.analysis.authorizer, identity, [d.request for d in missing])
    return Finding(
        "KS112", _container_span(server),
        f"{what} (container {server.container.name} of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}) "
        f"serves the targets job \"{job.job.name}\"{others} scrapes at {path}, but its ServiceAccount {identity} "
        f"cannot {names}{_scope_note(missing)}{_replaced_note(replaced)}: {outcome[missing[0].request.resource]}",
        fix=_fix(identity, pod.service_account_explicit, f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}")
            + replaced_fix(replaced),
        related=tuple(_related(server, identity, ctx.analysis.authorizer, ctx.workspace, reaching,
                               "proxy" if outcome is OUTCOME else "server") + replaced_related(replaced)),
        object=f"{pod.obj.kind}/{pod.obj.namespace}/{pod.obj.name}",
    )


def _container_span(server: Server) -> Span:
    """The container's `image` (what makes it kube-rbac-proxy), else the container itself."""
    pod = server.pod
    for key in ("containers", "initContainers"):
        for index, node in enumerate(as_seq(pod.spec.get(key))):
            if node is server.container.node:
                return pod.key_span(key, index, "image") if "image" in node else pod.key_span(key, index)
    return pod.obj.span


def _scope_note(missing: list[Decision]) -> str:
    """A grant that exists only through a RoleBinding: the review APIs are cluster-scoped, so it cannot apply."""
    scoped = [g for d in missing for g in d.out_of_scope]
    if not scoped:
        return ""
    binding = scoped[0].binding
    return (f" (RoleBinding {binding.namespace}/{binding.name} grants it only inside namespace {binding.namespace}; "
            f"the review APIs are cluster-scoped and need a ClusterRoleBinding)")


def _replaced_note(replaced: list) -> str:
    if not replaced:
        return ""
    _binding, _role, old, winner = replaced[0]
    return (f" (the inputs grant it through {old.ref}, but a later definition of {old.ref} with other content "
            f"replaces it: KS006)")


def _related(server: Server, identity: Identity, authorizer: Authorizer, workspace: Workspace,
             reaching: list[tuple[JobAnalysis, str, Span]], noun: str) -> list[Related]:
    related = []
    account = workspace.service_accounts.get((identity.namespace, identity.name))
    if account is not None:
        related.append(Related(account.obj.span, f"ServiceAccount {identity} is defined here"))
    shown = 0
    # the bindings naming the account: one to a group every ServiceAccount is in (system:authenticated, in a
    # copy of a cluster's bootstrap policy) says nothing about this account
    for binding, role in authorizer.bindings(identity):
        if not names_identity(binding, identity):
            continue
        if binding.obj is not None and shown < 3:
            related.append(Related(binding.obj.span, f"{binding.ref} binds {binding.role_ref} to {identity}"))
            shown += 1
    job, path, span = reaching[0]
    related.append(Related(span, f"job \"{job.job.name}\" keeps this {noun}'s port here and scrapes it at {path} "
                                 f"with a token"))
    return related


def _fix(identity: Identity, explicit: bool, workload: str) -> str:
    # A pod without serviceAccountName runs as the namespace's `default`: binding that would give the review APIs
    # to every such pod of the namespace, so the fix names an account of the proxy's own first.
    first = (f"Give {workload} a ServiceAccount of its own (serviceAccountName) and bind the built-in ClusterRole "
             f"{DELEGATOR} to it; binding it to {identity} instead gives every pod of namespace {identity.namespace} "
             f"without a serviceAccountName the review APIs. The binding, for {identity}:\n") if not explicit else (
             f"Bind the built-in ClusterRole {DELEGATOR} (create tokenreviews and subjectaccessreviews, nothing "
             f"else) to ServiceAccount {identity}:\n")
    return (first +
            f"  apiVersion: rbac.authorization.k8s.io/v1\n"
            f"  kind: ClusterRoleBinding\n"
            f"  metadata:\n"
            f"    name: {yaml_scalar(identity.name + '-auth-delegator')}\n"
            f"  roleRef:\n"
            f"    apiGroup: rbac.authorization.k8s.io\n"
            f"    kind: ClusterRole\n"
            f"    name: {DELEGATOR}\n"
            f"  subjects:\n"
            f"  - kind: ServiceAccount\n"
            f"    name: {yaml_scalar(identity.name)}\n"
            f"    namespace: {yaml_scalar(identity.namespace)}")
