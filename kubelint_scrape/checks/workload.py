"""KS401–KS405: is the monitoring deployment safe? Host namespaces, privileged containers, host paths, tokens.

Applies to the pod templates of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
Jobs and CronJobs (workspace.workloads), and to Prometheus Operator `Prometheus`/`PrometheusAgent` resources,
whose `spec` carries the pod fields the operator copies into the StatefulSet/DaemonSet it generates.

Severity of KS401 follows the combination that makes it dangerous (SPEC §4): node access *and* an API token with
power; KS402 is always a warning (the table gives it no exception), its message names the combination. A Prometheus (a pod that loads a scrape config, or an operator resource) or a pod whose mounted
token holds grants stays a warning; an exporter whose ServiceAccount holds nothing but the review APIs
(`create tokenreviews`/`subjectaccessreviews`, what kube-rbac-proxy needs; they read and change nothing), or
whose token is not mounted, is reported as info through Finding.requested_severity.
"""

from __future__ import annotations

import functools
import os
import posixpath
from typing import Iterator

from ..catalog import check, rule_params
from ..extapi import reads_pod_token
from ..findings import Finding, Related
from ..grants import (auth_proxy_containers, holds_real_grants, known_api_clients, operator_runners, runner_identity,
                      scrape_pods, unread_config_runners, user_grants, version_refused_bindings)
from ..k8svalidate import rejected_security_context
from ..kustomize import patch_files
from ..model import K8sObject, PodTemplate, named
from ..promconfig import SA_DIR
from ..rbac import Identity
from ..records import dataclass
from ..yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, value_span
from .context import Context

CONTAINER_KEYS = ("initContainers", "containers", "ephemeralContainers")
# Paths whose read-only mount exposes nothing secret; only a writable mount hands over the node.
WRITE_SENSITIVE = {"/sys", "/proc"}
# Sensitive as a whole, not in every part: /etc/localtime or /etc/machine-id below them are harmless.
SHALLOW = {"/", "/etc"}
# The container of an operator-generated Prometheus/PrometheusAgent pod that runs Prometheus itself.
OPERATOR_MAIN_CONTAINER = "prometheus"


@dataclass(eq=False)
class PodView:
    """The pod-level fields these rules read, for a workload's pod template or an operator resource's spec."""

    obj: K8sObject
    spec: YMap
    keys: tuple[str, ...]  # path from the object to `spec`
    identity: Identity
    runs_prometheus: bool
    template: PodTemplate | None = None
    # A workload whose apiVersion the cluster does not serve (KS602), judged as it will run once that is fixed.
    unserved: bool = False

    def span(self, *keys) -> Span:
        return self.obj.key_span(*self.keys, *keys)

    @property
    def name(self) -> str:
        return f"{self.obj.kind} {self.obj.namespace}/{self.obj.name}"

    def containers(self) -> Iterator[tuple[str, int, YMap]]:
        for key in CONTAINER_KEYS:
            for index, node in enumerate(as_seq(self.spec.get(key))):
                if isinstance(node, YMap):
                    yield key, index, node

    def volume_mounts(self) -> Iterator[tuple[str, YMap]]:
        """(container name, mount) for every volume mount of the pod. The operator appends a Prometheus or
        PrometheusAgent resource's own `spec.volumeMounts` to the `prometheus` container it generates."""
        for _key, _index, container in self.containers():
            for mount in as_seq(container.get("volumeMounts")):
                yield as_str(container.get("name")), as_map(mount)
        if self.template is None:
            for mount in as_seq(self.spec.get("volumeMounts")):
                yield OPERATOR_MAIN_CONTAINER, as_map(mount)


def _pods(ctx: Context) -> list[PodView]:
    return ctx.once("workload pods", lambda: _pod_views(ctx))


def _pod_views(ctx: Context) -> list[PodView]:
    # Every workload rule reports at the workload itself: only those in reported files are looked at.
    workloads = [t for t in ctx.workspace.workloads if ctx.reports(t.obj.path)]
    scrapers = scrape_pods(ctx.analysis) if workloads else set()
    patches = patch_files(ctx.workspace) if workloads else set()
    refused = _refused_objects(ctx)
    pods = [PodView(t.obj, t.spec, t.spec_keys, Identity(t.obj.namespace, t.service_account), id(t) in scrapers, t)
            for t in workloads if os.path.abspath(t.obj.path) not in patches and not refused(t.obj)]
    pods += _once_served_pods(ctx, scrapers)
    for obj in operator_runners(ctx.workspace):
        if not ctx.reports(obj.path) or refused(obj):
            continue
        spec = obj.doc.get("spec")
        if isinstance(spec, YMap):
            pods.append(PodView(obj, spec, ("spec",), runner_identity(obj), True))
    return pods


def _once_served_pods(ctx: Context, scrapers: set[int]) -> list[PodView]:
    """The workloads KS602 finds unserved for their apiVersion alone: its fix changes that line (and adds a
    selector), never the pod template, so the pod will run exactly as written. Judged now, as the RBAC objects
    refused for their apiVersion alone are (grants.version_refused_holdings), so a hostPID or docker.sock mount
    is not held back for a second run; each finding says so (_noting_unserved). A template the API server would
    still refuse once served is left to KS602, like any refused object."""
    from ..analyse import unserved_workloads
    from ..k8svalidate import refused_once_served

    if not ctx.workspace.unserved:
        return []
    sources = {source.path: source for source in ctx.sources}
    scrapers = scrapers or scrape_pods(ctx.analysis)
    return [PodView(t.obj, t.spec, t.spec_keys, Identity(t.obj.namespace, t.service_account), id(t) in scrapers, t,
                    unserved=True)
            for t in unserved_workloads(ctx.workspace)
            if ctx.reports(t.obj.path) and (source := sources.get(t.obj.path)) is not None
            and not refused_once_served(source, t.obj.doc)]


def once_served_objects(ctx: Context) -> set[int]:
    """id() of the unserved workloads whose pod the workload rules judge (KS602 says so in its message)."""
    return {id(pod.obj) for pod in _pods(ctx) if pod.unserved}


def _noting_unserved(function):
    """Wraps a workload check: a finding on an unserved workload (_once_served_pods) says that it holds once the
    apiVersion is fixed, with the apiVersion line as its second place."""

    @functools.wraps(function)
    def run(ctx: Context) -> Iterator[Finding]:
        unserved = {id(pod.obj): pod for pod in _pods(ctx) if pod.unserved}
        by_ref = {pod.obj.ref: pod for pod in unserved.values()}
        for finding in function(ctx):
            pod = by_ref.get(finding.object) if by_ref else None
            if pod is not None and finding.span.path == pod.obj.path:
                finding.message += (f" — once its apiVersion is fixed (KS602): as written the cluster does not serve "
                                    f"{pod.obj.api_version}, but the apiVersion is all KS602's fix changes in the pod")
                finding.related += (Related(value_span(pod.obj.path, pod.obj.doc, "apiVersion"),
                                            f"KS602: {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name} uses apiVersion "
                                            f"{pod.obj.api_version}, which the cluster does not serve"),)
            yield finding

    return run


def _refused_objects(ctx: Context):
    """Whether the API server refuses an object (KS602: `hostNetwork: "true"`, a mount of no volume): it is never
    stored and runs no pod, so the workload rules leave it to KS602 — its fix is the one to make, and a hostPID or
    token finding on a pod that never starts would be noise. An unknown field alone is no refusal (the server
    drops it for a non-strict client and runs the pod): the same predicate as for RBAC objects."""
    from ..k8svalidate import refused_by_server

    sources = {source.path: source for source in ctx.sources}
    return lambda obj: (source := sources.get(obj.path)) is not None and refused_by_server(source, obj.doc)


# ---------------------------------------------------------------------------------------------- token and grants


CONTROL_PLANE_BINARIES = ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd")


def static_control_plane_pod(pod: PodView) -> bool:
    """A bare Pod on the host network that runs a control-plane component: kubeadm's static pods
    (/etc/kubernetes/manifests), which the kubelet runs from the file. No ServiceAccount token is mounted into a
    static pod: the ServiceAccount admission plugin leaves mirror pods unchanged and refuses their ServiceAccount
    references."""
    if pod.template is None or pod.obj.kind != "Pod" or pod.spec.get("hostNetwork") is not True:
        return False
    for container in pod.template.containers:
        words = [container.command[0]] if container.command else []
        words.append(container.image.rsplit("/", 1)[-1].split(":", 1)[0])
        if any(w.rsplit("/", 1)[-1] in CONTROL_PLANE_BINARIES for w in words):
            return True
    return False


def automount(pod: PodView, ctx: Context) -> tuple[bool, str]:
    """Whether the token is automounted, and which field decides (the pod's wins over the ServiceAccount's)."""
    if pod.template is None:
        value = pod.spec.get("automountServiceAccountToken")
        return (value is not False), "the operator mounts it unless the resource sets automountServiceAccountToken: false"
    if static_control_plane_pod(pod):
        return False, f"{pod.name} is a static control-plane pod, into which no ServiceAccount token is mounted"
    if pod.template.automount is not None:
        return pod.template.automount, f"{pod.name} sets automountServiceAccountToken: {str(pod.template.automount).lower()}"
    sa = ctx.workspace.service_accounts.get((pod.identity.namespace, pod.identity.name))
    if sa is not None and sa.automount is not None:
        return sa.automount, f"ServiceAccount {pod.identity} sets automountServiceAccountToken: {str(sa.automount).lower()}"
    return True, "automountServiceAccountToken defaults to true"


def projected_token(pod: PodView) -> bool:
    for volume in as_seq(pod.spec.get("volumes")):
        for source in as_seq(as_map(as_map(volume).get("projected")).get("sources")):
            if isinstance(as_map(source).get("serviceAccountToken"), dict):
                return True
    return False


def token_mounted(pod: PodView, ctx: Context) -> bool:
    return automount(pod, ctx)[0] or projected_token(pod)


def combination(pod: PodView, ctx: Context, container: bool = False) -> tuple[str, str]:
    """(requested severity, why) for a host-level exposure of this pod: the token's power is what makes it a risk.
    `container`: the finding names one container, which need not be the one that loads the config (a sidecar), so
    the scraper is its pod."""
    if pod.runs_prometheus:
        if container:
            what = ("its pod runs Prometheus" if pod.template is None else
                    "its pod is a scraper (the pod loads a Prometheus scrape config)")
            return "", f"{what}, so the pod's token and scrape credentials share the exposure"
        what = "it is a Prometheus" if pod.template is None else "it is a scraper (it loads a Prometheus scrape config)"
        return "", f"{what}, so its token and scrape credentials share the exposure"
    grants = holds_real_grants(ctx.analysis.authorizer, pod.identity)
    if grants and token_mounted(pod, ctx):
        role, binding = grants[0].role, grants[0].binding
        return "", (f"its ServiceAccount {pod.identity} holds grants ({named(role)} through "
                    f"{named(binding)}) and its token is mounted: one compromise yields both")
    if grants:
        return "info", f"its ServiceAccount {pod.identity} holds grants, but no token is mounted in the pod"
    if user_grants(ctx.analysis.authorizer, pod.identity):
        return "info", (f"its ServiceAccount {pod.identity} holds only grants that give a token no power (the "
                        f"TokenReview/SubjectAccessReview APIs, `use` of its security policy), so the exposure is the pod's own")
    return "info", f"its ServiceAccount {pod.identity} holds no grants, so the exposure is the pod's own"


def _aggravated(pod: PodView, ctx: Context, container: bool = False) -> str:
    """`; <why>` when the pod's token makes a node-level exposure worse (a Prometheus, or grants), else nothing."""
    severity, why = combination(pod, ctx, container)
    return f"; {why}" if severity == "" else ""


def _related_identity(pod: PodView) -> tuple[Related, ...]:
    if "serviceAccountName" in pod.spec:
        return (Related(pod.span("serviceAccountName"), f"runs as ServiceAccount {pod.identity}"),)
    return ()


# ---------------------------------------------------------------------------------------------- KS401, KS402

HOST_NAMESPACES = {
    "hostNetwork": ("KS401", "shares the node's network namespace: it reaches everything bound to the node's loopback "
                             "(kube-proxy :10249; the controller-manager, scheduler and etcd metrics ports on "
                             "control-plane nodes), can bind node ports, and NetworkPolicies for pods do not confine it"),
    "hostPID": ("KS402", "sees every process on the node, including other pods' and the kubelet: with the same user or "
                         "enough capabilities it can read their environment and memory through /proc, signal them or "
                         "enter their namespaces"),
    "hostIPC": ("KS402", "shares the node's System V IPC and POSIX shared memory with every host process"),
}


@check("KS401", "KS402")
@_noting_unserved
def host_namespaces(ctx: Context) -> Iterator[Finding]:
    for pod in _pods(ctx):
        for key, (rule, consequence) in HOST_NAMESPACES.items():
            if pod.spec.get(key) is not True:
                continue
            if rule == "KS402" and pod.template is None:
                continue  # the operator resources have no hostPID/hostIPC field
            severity, why = combination(pod, ctx)
            if key == "hostNetwork" and _runs_host_process(pod):
                yield _host_process_network(pod, severity, why)
                continue
            if rule == "KS402":
                severity = "warning"  # SPEC §4 gives only KS401 the info level for exporters; `why` still says it
            if severity == "info":
                fix = (f"If the exporter needs {key}, keep it with `# kubelint-scrape: ignore[{rule}] <reason>` and run it "
                       f"without a token that holds grants; otherwise remove `{key}: true`.")
            elif rule == "KS402":
                # Node agents that watch processes (APM, process and security agents) need the node's PID
                # namespace: removing it breaks them, so the fix also says how to keep it knowingly.
                fix = (f"Remove `{key}: true` from {pod.name}; if it is a node agent that needs the node's "
                       f"{'processes' if key == 'hostPID' else 'IPC'}, keep it with "
                       f"`# kubelint-scrape: ignore[{rule}] <reason>` above `{key}:` and give its ServiceAccount no "
                       f"grant it does not use.")
            else:
                fix = (f"Remove `{key}: true` from {pod.name}"
                       + ("; scrape node-level targets by node IP instead." if key == "hostNetwork" else "."))
            yield Finding(
                rule, pod.span(key),
                f"{pod.name} sets {key}: true, so the pod {consequence}; {why}",
                fix=fix, related=_related_identity(pod), object=pod.obj.ref,
                requested_severity=severity, data={"field": key, "identity": str(pod.identity)},
            )


# ---------------------------------------------------------------------------------------------- KS403


HOST_PROCESS_TEXT = ("runs as a Windows HostProcess container: a process directly on the Windows node, outside any "
                     "container isolation, with the node's network and filesystem (Pod Security Standards: privileged "
                     "access to the Windows node)")


# How messages name a container: the list it is in (an init container runs to completion before the others start),
# so the user finds it where it is written. A manifest's ephemeralContainers never get here: the API server refuses
# the whole pod (KS602), so its checks are skipped.
_CONTAINER_NOUN = {"initContainers": "init container"}


@check("KS403")
@_noting_unserved
def privileged_container(ctx: Context) -> Iterator[Finding]:
    for pod in _pods(ctx):
        yield from _pod_host_process(pod, ctx)
        for key, index, container in pod.containers():
            context = as_map(container.get("securityContext"))
            name = as_str(container.get("name")) or f"{key}[{index}]"
            which = f'{_CONTAINER_NOUN.get(key, "container")} {name}'
            added = [as_str(c) for c in as_seq(as_map(context.get("capabilities")).get("add"))]
            if rejected_security_context(context) is not None:
                continue  # the API server refuses the object (KS602): it never runs
            escalation_off = False
            if _host_process(context) is True:
                field, text = "hostProcess", HOST_PROCESS_TEXT
            elif context.get("privileged") is True:
                field, text = "privileged", ("runs privileged: every Linux capability and every host device, unconfined "
                                             "by seccomp and AppArmor, so escaping to the node is trivial")
            elif added and _escalation_allowed(context, added):
                field = "allowPrivilegeEscalation" if "allowPrivilegeEscalation" in context else "capabilities"
                text = (f"allows privilege escalation{_escalation_reason(context)} while adding capabilities "
                        f"{', '.join(added)}: a setuid binary in the image can reach them at run time")
            elif _sys_admin(added):
                field, escalation_off = "capabilities", True
                text = (f"adds capabilit{'y' if len(added) == 1 else 'ies'} {', '.join(added)}: CAP_SYS_ADMIN lets a "
                        f"root process mount, setns into host namespaces and do most kernel administration, as good as "
                        f"privileged; allowPrivilegeEscalation: false (no_new_privs) does not take away a capability "
                        f"the process already holds")
            else:
                continue
            where = {"capabilities": ("capabilities", "add"), "hostProcess": ("windowsOptions", "hostProcess")}.get(field, (field,))
            related = _related_identity(pod)
            if field == "allowPrivilegeEscalation":  # the finding's second place: the capabilities it escalates to
                related = (Related(pod.span(key, index, "securityContext", "capabilities", "add"),
                                   f"adds capabilities {', '.join(added)}"),) + related
            yield Finding(
                "KS403", pod.span(key, index, "securityContext", *where),
                f"{which} of {pod.name} {text}{_aggravated(pod, ctx, container=True)}",
                fix=(f"In {which}, remove `hostProcess: true` (and the pod's `hostNetwork: true`, which it "
                     "requires) and run it as a regular container with the narrowest mounts."
                     + _host_process_leftovers(pod) if field == "hostProcess" else
                     f"In {which}, remove {', '.join(c for c in added if _sys_admin([c]))} from capabilities.add "
                     f"and add only the narrower capabilities it demonstrably needs." if escalation_off else
                     f"In {which}, remove `privileged: true`, set `allowPrivilegeEscalation: false` and "
                     f"`capabilities: {{drop: [\"ALL\"]}}`, adding back only a capability it demonstrably needs."
                     if field == "privileged" else
                     # no privileged: true to remove here: the escalation is what turns the added capabilities risky
                     _escalation_fix(which, added)),
                related=related, object=pod.obj.ref, data={"container": name, "field": field},
            )


def _escalation_fix(which: str, added: list[str]) -> str:
    """Turning escalation off does not make CAP_SYS_ADMIN safe (the SYS_ADMIN branch above flags it with escalation
    off), so the fix never offers to keep it: kept, the container would be flagged again on the next run."""
    keep = [c for c in added if not _sys_admin([c])]
    drop = [c for c in added if _sys_admin([c])]
    fix = (f"In {which}, set `allowPrivilegeEscalation: false` and `capabilities: {{drop: [\"ALL\"]}}`, "
           + (f"keeping in `add` only a capability it demonstrably needs ({', '.join(keep)})" if keep else "")
           + (", and " if keep and drop else "")
           + (f"removing {', '.join(drop)} from `add` (as good as privileged even without escalation)" if drop else ""))
    return fix + "."


def _runs_host_process(pod: PodView) -> bool:
    """Whether a container of the pod is a Windows HostProcess container (its own setting, else the pod's)."""
    pod_level = _host_process(as_map(pod.spec.get("securityContext")))
    for _key, _index, container in pod.containers():
        own = _host_process(as_map(container.get("securityContext")))
        if (own if own is not None else pod_level) is True:
            return True
    return False


def _host_process_network(pod: PodView, severity: str, why: str) -> Finding:
    """KS401 for a Windows HostProcess pod: the API server requires hostNetwork there, so the fix is the
    HostProcess container itself (KS403), and the Linux control-plane ports are not on a Windows node."""
    return Finding(
        "KS401", pod.span("hostNetwork"),
        f"{pod.name} sets hostNetwork: true, which its Windows HostProcess container requires, so the pod shares the "
        f"Windows node's network: it reaches everything bound to the node's loopback (kube-proxy, the kubelet's local "
        f"ports), can bind node ports, and NetworkPolicies for pods do not confine it; {why}",
        fix=(f"hostNetwork cannot be removed while {pod.name} runs a HostProcess container: run the exporter as a "
             f"regular Windows container without `hostProcess: true` and `hostNetwork: true` (KS403), or keep both with "
             f"`# kubelint-scrape: ignore[KS401] <reason>` and run it without a token that holds grants."
             + _host_process_leftovers(pod)),
        related=_related_identity(pod), object=pod.obj.ref,
        requested_severity=severity, data={"field": "hostNetwork", "identity": str(pod.identity)},
    )


def _host_process_leftovers(pod: PodView) -> str:
    """What else a pod moved out of HostProcess must change (Kubernetes docs, "Create a Windows HostProcess Pod"):
    the `NT AUTHORITY\\…` accounts (SYSTEM, Local service, Network service) exist only for HostProcess containers —
    a regular one runs as ContainerUser or ContainerAdministrator — and %CONTAINER_SANDBOX_MOUNT_POINT% is set only
    in HostProcess containers, so paths built on it point nowhere."""
    users: list[str] = []
    sandbox = False
    contexts = [as_map(pod.spec.get("securityContext"))]
    for _key, _index, container in pod.containers():
        contexts.append(as_map(container.get("securityContext")))
        words = [as_str(item) for field in ("command", "args") for item in as_seq(container.get(field))]
        words += [as_str(as_map(env).get("value")) for env in as_seq(container.get("env"))]
        sandbox = sandbox or any("CONTAINER_SANDBOX_MOUNT_POINT" in word for word in words)
    for context in contexts:
        user = as_str(as_map(context.get("windowsOptions")).get("runAsUserName"))
        if user.upper().startswith("NT AUTHORITY\\") and user not in users:
            users.append(user)
    parts = []
    if users:
        parts.append(f"replace `runAsUserName: {users[0]}` (an account only HostProcess containers have) with "
                     f"`ContainerUser`")
    if sandbox:
        parts.append("replace the %CONTAINER_SANDBOX_MOUNT_POINT% paths in its command, args or env (the variable is "
                     "set only in HostProcess containers) with paths inside the container")
    return f" Moving it out of HostProcess, also {' and '.join(parts)}." if parts else ""


def _host_process(context: YMap) -> bool | None:
    value = as_map(context.get("windowsOptions")).get("hostProcess")
    return value if isinstance(value, bool) else None


def _pod_host_process(pod: PodView, ctx: Context) -> Iterator[Finding]:
    """The pod-level `securityContext.windowsOptions.hostProcess: true`, which every container that does not set its
    own value inherits (the API server requires all of them to agree): one finding at the pod-level key."""
    if pod.template is None or _host_process(as_map(pod.spec.get("securityContext"))) is not True:
        return
    names = [as_str(c.get("name")) or f"{key}[{index}]" for key, index, c in pod.containers()
             if _host_process(as_map(c.get("securityContext"))) is None]
    if not names:
        return  # each container sets its own value: reported there
    yield Finding(
        "KS403", pod.span("securityContext", "windowsOptions", "hostProcess"),
        f"{pod.name} sets securityContext.windowsOptions.hostProcess: true, so container{'s' if len(names) > 1 else ''} "
        f"{', '.join(names)} {HOST_PROCESS_TEXT}{_aggravated(pod, ctx)}",
        fix=(f"Remove `hostProcess: true` from {pod.name} (and `hostNetwork: true`, which it requires); an exporter "
             "that must read the node should run as a regular container with the narrowest mounts."
             + _host_process_leftovers(pod)),
        related=_related_identity(pod), object=pod.obj.ref, data={"container": names[0], "field": "hostProcess"},
    )


def _escalation_allowed(context: YMap, added: list[str]) -> bool:
    """Kubernetes' effective allowPrivilegeEscalation: the kubelet sets no_new_privs only for an explicit `false`
    (k/k pkg/securitycontext AddNoNewPrivileges), also beside SYS_ADMIN; the combinations the API server refuses
    (`false` with privileged or "CAP_SYS_ADMIN") are KS602's and never reach here."""
    return bool(added) and context.get("allowPrivilegeEscalation") is not False


def _escalation_reason(context: YMap) -> str:
    if context.get("allowPrivilegeEscalation") is True:
        return ""
    return " (allowPrivilegeEscalation is unset, which Kubernetes treats as true)"


def _sys_admin(added: list[str]) -> bool:
    return any(c.upper().removeprefix("CAP_") in ("SYS_ADMIN", "ALL") for c in added)


# ---------------------------------------------------------------------------------------------- KS404


def _sensitive_paths() -> list[str]:
    return [_normal(p) for p in rule_params("KS404").get("paths", [])]


def _agent_interface(path: str) -> bool:
    """A path at or below an interface made for node agents (params.agent_interfaces: the PodResources socket)."""
    normal = _normal(path)
    return any(normal == p or normal.startswith(p + "/")
               for p in (_normal(q) for q in rule_params("KS404").get("agent_interfaces", [])))


def _normal(path: str) -> str:
    parts = [p for p in path.split("/") if p and p != "."]
    return "/" + "/".join(parts)


def sensitive_match(path: str, sensitive: list[str]) -> str | None:
    """The sensitive path that `path` equals, contains (a parent directory) or lies below (not below / or /etc)."""
    path = _normal(path)
    for candidate in sensitive:
        if path == candidate:
            return candidate
    for candidate in sensitive:
        if path == "/" or candidate.startswith(path + "/"):
            return candidate
        if candidate not in SHALLOW and path.startswith(candidate + "/"):
            return candidate
    return None


@check("KS404")
@_noting_unserved
def sensitive_host_path(ctx: Context) -> Iterator[Finding]:
    sensitive: list[str] | None = None
    for pod in _pods(ctx):
        volumes = pod.spec.get("volumes")
        if not isinstance(volumes, YSeq):
            continue
        for index, volume in enumerate(volumes):
            host_path = as_map(as_map(volume).get("hostPath"))
            path = as_str(host_path.get("path"))
            if not path:
                continue
            if sensitive is None:
                sensitive = _sensitive_paths()
            match = sensitive_match(path, sensitive)
            if match is None or _agent_interface(path):
                continue
            name = as_str(as_map(volume).get("name"))
            mounts = _mounts(pod, name)
            if not mounts:
                continue  # defined but mounted by no container: nothing is exposed
            writable = [m for m, read_only in mounts if not read_only]
            if match in WRITE_SENSITIVE and not writable:
                continue
            where = ", ".join(f"{m}{'' if m in writable else ' (readOnly)'}" for m, _ro in mounts)
            if _normal(path) == match:
                exposure = ""
            elif match.startswith(_normal(path).rstrip("/") + "/"):
                exposure = f" (it contains {match})"
            else:
                exposure = f" (it lies below {match})"
            read = _files_read_below(pod, ctx, name, path)
            if read:
                # The scrape config reads credentials through this mount (a control-plane etcd job's client
                # certificate under /etc/kubernetes/pki): removing it breaks that job, and a narrower hostPath is
                # still below the sensitive path. A Secret holding just those files keeps the job and drops the host.
                files = sorted({(file, relative, host) for _job, file, relative, host in read})
                jobs = ", ".join(f'"{job}"' for job in sorted({job for job, _file, _rel, _host in read}))
                # A Secret key is a file name: one below a sub-directory of the mount gets its path back by `items`,
                # which then lists every key (a Secret volume with items projects only those). kubectl reads the
                # files where they are, on the node: at their host path, which the container's path is only when
                # the mount repeats it; and the Secret must be in the pod's namespace for the pod to mount it.
                keys = _secret_keys([(relative, host) for _file, relative, host in files])
                whole = next((key for key, _host, relative in keys if not relative), None)  # a file mounted by itself
                subpath = any(as_str(m.get("subPath")) for _c, m in pod.volume_mounts() if as_str(m.get("name")) == name)
                nested = ([f"{{key: {key}, path: {relative}}}" for key, _host, relative in keys]
                          if any("/" in relative for _key, _host, relative in keys) and not whole else [])
                fix = (f"Job{'s' if ',' in jobs else ''} {jobs} of the config this pod loads read{'' if ',' in jobs else 's'} "
                       f"{', '.join(f for f, _r, _h in files)} through this mount, so it cannot simply go: put "
                       f"th{'ose files' if len(files) > 1 else 'at file'} in a Secret (on the node that holds th{'em' if len(files) > 1 else 'at file'}: "
                       f"`kubectl create secret generic <name> -n {pod.obj.namespace} "
                       f"{' '.join(f'--from-file={key}={host}' for key, host, _r in keys)}`), mount it readOnly at the same "
                       f"path{f' with `subPath: {whole}`' if whole else ' without the subPath (the Secret holds just those files)' if subpath else ''} in place "
                       f"of the hostPath volume {name}"
                       f"{' with items ' + ', '.join(nested) + ' (each file where the config reads it)' if nested else ''}, "
                       f"and remove {name}; "
                       f"{'the pod then reads a copy, not the host' if whole else f'the rest of {path} (private keys of the node or the cluster) then stays on the host'}. "
                       f"Re-create the Secret when th{'ose files are' if len(files) > 1 else 'at file is'} rotated.")
            else:
                # Agents mount the host for different reasons (cAdvisor-style container metrics, node-exporter's
                # filesystems, a log shipper's /var/log/pods): the kubelet alternative only replaces the first.
                # with its mounts: a volumeMount naming a volume the pod no longer defines is refused (KS602)
                fix = (f"Remove the hostPath volume {name} and its volumeMount{'s' if len(mounts) > 1 else ''} "
                       f"({', '.join(m for m, _ro in mounts)}) if the pod can do without it (container metrics come from the "
                       f"kubelet's /metrics/cadvisor without mounting the host); if it cannot (a node exporter's "
                       f"filesystems, a log shipper's /var/log/pods), mount the narrowest path "
                       f"{'readOnly' if writable else '(readOnly, as it already is)'} and record it "
                       f"with `# kubelint-scrape: ignore[KS404] <reason>`.")
            yield Finding(
                "KS404", value_span(pod.obj.path, host_path, "path"),
                f"{pod.name} mounts host path {path}{exposure} into {where}: {_why_path(match, path)}{_aggravated(pod, ctx)}",
                fix=fix,
                related=_mount_places(pod, name) + _related_identity(pod), object=pod.obj.ref,
                data={"path": path, "matches": match},
            )


def _secret_keys(files: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(key, host path, path below the mount) of the Secret holding `files` ((path below the mount, host path);
    "" below: the mount is the file): a key is a file name, so a sub-directory's / becomes -, and the names that
    then meet (etcd/ca.crt and a top-level etcd-ca.crt) are told apart by a number before the extension, given in
    the sorted order of the files below the mount, the one already named so first — one key per file, the same
    on every run. A file read through two mounts of one host file is one key."""
    ordered = sorted(dict.fromkeys(files), key=lambda f: ("/" in f[0], f))
    taken: set[str] = set()
    keys = []
    for relative, host in ordered:
        key = relative.replace("/", "-") or posixpath.basename(host)
        stem, dot, extension = key.partition(".") if not key.startswith(".") else (key, "", "")
        number = 2
        while key in taken:
            key = f"{stem}-{number}{dot}{extension}"
            number += 1
        taken.add(key)
        keys.append((key, host, relative))
    return sorted(keys, key=lambda k: (k[2], k[1]))


def _files_read_below(pod: PodView, ctx: Context, volume: str, host_path: str) -> list[tuple[str, str, str, str]]:
    """(job, file, path below the mount, path on the host) for each file a scrape job of a config this pod loads
    reads (credentials, TLS files) through a mount of the hostPath `volume` of `host_path` (a subPath mount shows
    that directory below it)."""
    if not pod.runs_prometheus or pod.template is None:
        return []
    read = ctx.once("files read by scrape pods", lambda: _files_read_by_pods(ctx))
    mounts = [(_normal(as_str(m.get("mountPath"))).rstrip("/"), _normal(f"{host_path}/{as_str(m.get('subPath'))}"))
              for _container, m in pod.volume_mounts() if as_str(m.get("name")) == volume]
    mounts = [(m, host) for m, host in mounts if m]  # no mountPath (refused) or `/`: nothing is read "below" it
    found = []
    for job, file in read.get(id(pod.template), ()):
        # `..` resolved as the container's filesystem does (a Secret item path or key may not hold it)
        where = posixpath.normpath(_normal(file))
        below = next(((where[len(m) + 1:], host) for m, host in mounts if where.startswith(m + "/") or where == m), None)
        if below:  # relative "": the mount is that very file (a hostPath of type File)
            relative, host = below
            found.append((job, file, relative, f"{host.rstrip('/')}/{relative}" if relative else host))
    return found


def _files_read_by_pods(ctx: Context) -> dict[int, list[tuple[str, str]]]:
    """id() of a pod template → (job, file) for each absolute file path its jobs read."""
    read: dict[int, list[tuple[str, str]]] = {}
    for analysed in ctx.analysis.jobs:
        resolution, job = analysed.resolution, analysed.job
        pods = [r.pod for r in (resolution, *resolution.also) if r.pod is not None] if resolution is not None else []
        if not pods:
            continue
        files = dict.fromkeys([job.credentials.file, *(as_str(job.tls.get(key)) for key in ("ca_file", "cert_file", "key_file")),
                               *_named_files(job.node)])
        for file in files:
            if file.startswith("/"):
                for template in pods:
                    read.setdefault(id(template), []).append((job.name, file))
    return read


def _named_files(node: object) -> Iterator[str]:
    """Every file a job's config names by a `*_file` key (`*File` in an operator resource) at any depth: besides
    the scrape's own credentials and TLS files, basic_auth.password_file, oauth2.client_secret_file and the files
    of its kubernetes_sd_configs' own tls_config/authorization (what discovery sends to api_server). A Secret made
    of fewer of those files than the job reads leaves the others missing once the host mount goes (iterative:
    trees may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                if isinstance(value, str):
                    if isinstance(key, str) and key.endswith(("_file", "File")):  # an operator endpoint: caFile
                        yield value
                else:
                    stack.append(value)
        elif isinstance(current, list):
            stack.extend(current)


def _mounts(pod: PodView, volume: str) -> list[tuple[str, bool]]:
    return [(f"{container}:{as_str(mount.get('mountPath'))}", mount.get("readOnly") is True)
            for container, mount in pod.volume_mounts() if as_str(mount.get("name")) == volume]


def _mount_places(pod: PodView, volume: str) -> tuple[Related, ...]:
    """The mounts of `volume`: the second place of a host-path finding (the volume alone exposes nothing)."""
    return tuple(
        Related(value_span(pod.obj.path, mount, "mountPath"),
                f"container {container} mounts it at {as_str(mount.get('mountPath'))}"
                + (" (readOnly)" if mount.get("readOnly") is True else ""))
        for container, mount in pod.volume_mounts() if as_str(mount.get("name")) == volume)


def _why_path(match: str, path: str) -> str:
    if match.endswith(".sock"):
        return "a container runtime socket starts privileged containers on the host"
    if match.startswith("/var/lib/kubelet"):
        return "the kubelet directory holds every pod's ServiceAccount tokens and Secret volumes"
    if match.startswith("/var/lib/rancher"):
        return "the k3s/RKE2 data directory holds the server join token, the cluster CA keys and the datastore"
    if match.startswith("/etc"):
        return "it holds the node's kubeconfigs and, on control-plane nodes, the cluster's PKI keys"
    if match == "/":
        return "the host root holds every pod's tokens and Secrets (/var/lib/kubelet), kubeconfigs and the runtime sockets"
    if match == "/sys":
        return "a writable sysfs lets the pod reconfigure the kernel and cgroups of the node"
    if match == "/proc":
        return _why_proc(_normal(path))
    return "it hands host state (container data, keys or tokens) to the pod"


def _why_proc(path: str) -> str:
    """Why a writable mount of host `path` (/proc or below it) is dangerous, by what it reaches: core_pattern only
    through a mount that holds /proc/sys/kernel, not through kubecost network-costs' /proc/net or
    /proc/sys/net/netfilter."""
    kernel = "/proc/sys/kernel"
    if path == kernel or path.startswith(kernel + "/") or kernel.startswith(path + "/"):
        return "a writable host /proc lets the pod change kernel settings (/proc/sys/kernel/core_pattern runs a command on the host)"
    if path.startswith("/proc/sys/"):
        return f"a writable host {path} lets the pod change the node's kernel settings below it, for every pod on the node"
    return f"a writable host {path} hands the pod the node's own /proc entries there (not its own) to write"


# ---------------------------------------------------------------------------------------------- KS405


@check("KS405")
@_noting_unserved
def token_automount_unused(ctx: Context) -> Iterator[Finding]:
    authorizer = ctx.analysis.authorizer
    for pod in _pods(ctx):
        if pod.template is None or pod.runs_prometheus:
            continue
        mounted, decided_by = automount(pod, ctx)
        if not mounted or projected_token(pod):
            continue
        explicit = pod.template.service_account_explicit
        if explicit and (pod.identity.namespace, pod.identity.name) not in ctx.workspace.service_accounts:
            continue  # its ServiceAccount (and so its bindings) lives elsewhere: we cannot tell
        if user_grants(authorizer, pod.identity) or _reads_token(pod):
            continue
        if version_refused_bindings(ctx.analysis, pod.identity):
            continue  # a binding refused for its apiVersion alone grants as written once fixed (KS501), as for KS2xx
        if id(pod.template) in _unread_config_loaders(ctx) or pod.identity in unread_config_runners(ctx.workspace):
            continue  # Alloy's or an operator's (VMAgent, GMP) scrapes use the token; the analysis cannot see them (KS007)
        if auth_proxy_containers(pod.template):
            # kube-rbac-proxy / oauth-proxy call the API server with the pod's token (in-cluster config) to review
            # their clients: without it they cannot start. A missing review grant is KS112's, not this.
            continue
        if known_api_clients(container.image for container in pod.template.containers):
            continue  # kube-state-metrics, the Prometheus Operator… list and watch with the pod's token (loaders.yaml)
        if reads_pod_token(ctx.workspace, pod.template):
            continue  # an extension API server reviews its clients with the pod's token (TokenReview, SubjectAccessReview)
        if not pod.obj.namespace_explicit and _bound_elsewhere(ctx, pod.identity):
            continue  # namespace given at apply time (`kubectl -n`): its bindings name that namespace, not ours
        if pod.spec.get("automountServiceAccountToken") is True:
            span = pod.span("automountServiceAccountToken")  # the pod asks for the token itself: that line decides
        else:
            span = pod.span("serviceAccountName") if explicit else pod.obj.key_span(*pod.keys)
        runs_as = f"ServiceAccount {pod.identity}" + ("" if explicit else " (the namespace's default: it names no serviceAccountName)")
        yield Finding(
            "KS405", span,
            f"{pod.name} mounts a token of {runs_as} because {decided_by}; no binding in the inputs grants that account "
            f"anything and no scrape config in the pod reads the token, but it still authenticates as "
            f"system:serviceaccounts and system:authenticated, so a compromise of any container gets whatever those "
            f"groups are granted now or later",
            fix=f"Set `automountServiceAccountToken: false` in the pod template of {pod.name}.",
            object=pod.obj.ref, data={"identity": str(pod.identity)},
        )


def _unread_config_loaders(ctx: Context) -> set[int]:
    """id() of the pod templates that mount a ConfigMap or Secret holding a Grafana Alloy / Agent Flow config with
    discovery or scrape components (KS007): the pod's token is used, though not by anything the analysis reads."""
    from ..analyse import workloads_loading

    ws = ctx.workspace
    return ctx.once("unread config loaders", lambda: {
        id(pod) for obj in ws.unread_configs for pod in workloads_loading(ws, obj.kind, obj.namespace, obj.name)})


def _bound_elsewhere(ctx: Context, identity: Identity) -> bool:
    # A binding refused for its apiVersion (KS501) shows where the account is meant to live as well.
    bindings = ctx.workspace.bindings + ctx.workspace.rejected_bindings
    return any(s.kind == "ServiceAccount" and s.name == identity.name and s.namespace != identity.namespace
               for b in bindings if not b.builtin for s in b.subjects)


def _reads_token(pod: PodView) -> bool:
    """A container that names the token path (args, command, env) uses it."""
    for _key, _index, container in pod.containers():
        texts = [as_str(a) for a in as_seq(container.get("args")) + as_seq(container.get("command"))]
        texts += [as_str(as_map(e).get("value")) for e in as_seq(container.get("env"))]
        if any(SA_DIR in text for text in texts):
            return True
    return False
