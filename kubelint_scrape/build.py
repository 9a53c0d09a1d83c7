"""Stage 2 (assembly) — turn loaded Sources into one indexed Workspace and the Prometheus configs in it.

Embedded configs (a ConfigMap `data` value, a Secret `stringData` value) are parsed on their own and their
positions mapped back onto the outer file, so findings land on the real line.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

from .findings import Finding
from .k8svalidate import refused_by_server, unserved
from .kustomize import kustomize_builds, source_abspath, source_gitops_targets, source_kustomizations
from .load import Limits, Source, gc_paused, parse_text
from .model import (
    RBAC_KINDS,
    WORKLOAD_KINDS,
    BindingDef,
    K8sObject,
    RoleDef,
    ServiceAccountDef,
    Subject,
    Workspace,
    agent_metrics_section,
    binding_from_object,
    is_prometheus_config,
    iter_documents,
    k8s_object,
    load_builtin_rbac,
    pod_template,
    role_from_object,
)
from .operator import HOLDER_SECTIONS, additional_config_keys, holder_section, holder_value, operator_configs
from .otel import COLLECTOR_KIND, collector_configs, collector_cr_configs, is_collector_config, looks_like_collector
from .promconfig import PromConfig, agent_configs, agent_jobs, build_config, keep_written_strings
from .rbacvalidate import ROLE_REF_CHANGES, rejected
from .records import dataclass, field
from .resources import builtin_rbac
from .unreadyaml import NEWRELIC_FORM, TARGET_ALLOCATOR_FORM, form_of_text, looks_like_unread_yaml, unread_yaml_jobs
from .yamltree import FilePos, YMap, YSeq, as_map, as_seq, as_str, key_span

# The VictoriaMetrics operator's kinds (vmoperator.ALL_KINDS, spelt out so that module loads only when needed)
VM_KINDS = ("VMAgent", "VMServiceScrape", "VMPodScrape", "VMNodeScrape", "VMStaticScrape", "VMProbe", "VMScrapeConfig")


@gc_paused
def build_workspace(
    sources: list[Source], default_namespace: str = "default", kubernetes_version: tuple[int, int] = (1, 34),
    limits: Limits = Limits(),
) -> tuple[Workspace, list[PromConfig], list[Finding]]:
    workspace = Workspace(default_namespace=default_namespace, kubernetes_version=kubernetes_version, sources=sources)
    configs: list[PromConfig] = []
    findings: list[Finding] = []
    user_binding_names: set[str] = set()
    builds = kustomize_builds(sources)
    # the checks' view of the same builds (KS006, patch files; None, remembered too, when there is none)
    workspace.indexes["kustomize"] = builds
    kustomized = builds.namespaces() if builds is not None else {}
    fallbacks = builds.fallbacks() if builds is not None else {}
    renamed = builds.renamings()[0] if builds is not None else {}  # namePrefix/nameSuffix (kname.py)
    names = _build_names(sources, builds) if renamed else {}
    accounts = kustomized_accounts(sources, kustomized, renamed) if kustomized else {}
    chains = builds.patch_chains() if builds is not None else {}
    patches = _build_patches(sources, chains) if chains else {}
    # Not only the patches some build reaches: a patch file of a Component or overlay no build includes (dropped
    # from the overlay, or its directory misspelt there, KS008) is still a partial object, never one of its own.
    patch_files = _patch_files(sources, builds) if builds is not None else frozenset()
    for source in sources:
        if patch_files and source_abspath(source) in patch_files:
            continue  # a patch is part of the objects it patches, not an object of its own
        override = kustomized.get(source_abspath(source)) if kustomized else None
        fallback = fallbacks.get(source_abspath(source)) if fallbacks else None
        applied = _applied(source_abspath(source), chains.get(source_abspath(source), ()), patches, builds) if chains else ()
        renaming = _renaming(source, renamed, names, applied) if renamed else ()
        model = source_model(source, default_namespace, override, limits, accounts.get(override, frozenset()), fallback,
                             applied, renaming)
        if applied:  # (the language server's report_paths: findings on these objects may sit in the patches)
            workspace.indexes.setdefault("patch origins", {})[source.path] = frozenset(
                path for patch in applied[0] for path in (patch.key[0], patch.key[3]))
            # what a memo of findings on these objects must be keyed by besides the file (checks/config.py KS601)
            workspace.indexes.setdefault("patches applied", {})[source.path] = applied
        refused = refused_rbac(source, model, kubernetes_version)
        for (obj, derived), is_refused in zip(model.objects, refused):
            _index(workspace, obj, derived, user_binding_names, is_refused)
        configs.extend(model.configs)
        findings.extend(model.findings)
        workspace.unread_configs.extend(model.unread_configs)
    _replacements_kept_by_copies(workspace)
    builtin = builtin_rbac()
    # A ClusterRoleBinding in the inputs replaces the built-in one of the same name (as `kubectl apply` would).
    load_builtin_rbac(workspace, builtin)
    if any(workspace.kind(kind) for kind in VM_KINDS):  # the module only when a VictoriaMetrics kind is there
        from .vmoperator import operator_rbac

        roles, bindings = operator_rbac(workspace)  # what the operator makes for a VMAgent naming no account
        for role in roles:  # (a Role when the operator watches some namespaces only)
            if role.namespace:
                workspace.roles.setdefault((role.namespace, role.name), role)
            else:
                workspace.cluster_roles.setdefault(role.name, role)
        workspace.bindings.extend(bindings)
    workspace.bindings = [b for b in workspace.bindings if not (b.builtin and b.name in user_binding_names)]
    # A binding defined twice under one name exists once, as the definition read last (KS006), like a role.
    last = {(b.kind, b.namespace, b.name): b for b in workspace.bindings}
    if len(last) < len(workspace.bindings):
        _refuse_role_ref_changes(workspace, builds)
        last = {(b.kind, b.namespace, b.name): b for b in workspace.bindings}
        workspace.replaced_bindings = [(b, last[(b.kind, b.namespace, b.name)]) for b in workspace.bindings
                                       if last[(b.kind, b.namespace, b.name)] is not b]
        workspace.bindings = [b for b in workspace.bindings if last[(b.kind, b.namespace, b.name)] is b]
    # The Operator's jobs last, over the final RBAC: a target's marks may depend on grants (ctrlruntime.py: the
    # manager's review grants, built-in system:auth-delegator among them). Reported in the same order as before.
    operator, problems = operator_configs(workspace, limits)
    configs.extend(operator)
    findings.extend(problems)
    if any(workspace.kind(kind) for kind in VM_KINDS):
        from .vmoperator import vm_configs

        vm, problems = vm_configs(workspace, limits)
        configs.extend(vm)
        findings.extend(problems)
    return workspace, _without_operator_texts(workspace, configs), findings


def _without_operator_texts(workspace: Workspace, configs: list[PromConfig]) -> list[PromConfig]:
    """Without the plain configs read from a Secret key an operator reads as additional scrape configs: a whole
    Prometheus config written there (`scrape_configs:` under `global:`) looks like one a pod mounts, but it is the
    operator's text, which operator_configs has read — its jobs as the runner's, refused (KS601: not a list).
    Read twice, its jobs would also be reported as a config no workload mounts (KS100), with their findings twice."""
    if not any(config.origin == "secret" for config in configs):
        return configs
    read_by_operators = additional_config_keys(workspace)
    if not read_by_operators:
        return configs
    return [config for config in configs if not (
        config.origin == "secret" and config.holder is not None
        and (config.holder.namespace, config.holder.name, config.key) in read_by_operators)]


def _refuse_role_ref_changes(workspace: Workspace, builds: Any) -> None:
    """A later definition of a binding that names another role than the one before it is refused: roleRef is
    immutable (rbac validation.go ValidateRoleBindingUpdate, `roleRef: Invalid value: …: cannot change roleRef`),
    so `kubectl apply` of it fails and the earlier definition — its roleRef and its subjects — stands (KS501). Not
    between definitions no Kustomize build applies together: variants for different clusters (KS006)."""
    standing: dict[tuple[str, str, str], BindingDef] = {}
    member_of = builds.builds() if builds is not None else {}
    refused: dict[int, BindingDef] = {}
    for binding in workspace.bindings:  # in read order
        key = (binding.kind, binding.namespace, binding.name)
        earlier = standing.get(key)
        if (earlier is not None and binding.obj is not None and earlier.obj is not None
                and (earlier.role_kind, earlier.role_name) != (binding.role_kind, binding.role_name)
                and not _apart(member_of, earlier.obj.path, binding.obj.path)):
            refused[id(binding)] = earlier
            workspace.rejected_bindings.append(binding)
            continue
        standing[key] = binding
    if refused:
        workspace.indexes[ROLE_REF_CHANGES] = refused
        workspace.bindings = [b for b in workspace.bindings if id(b) not in refused]


def _apart(member_of: dict[str, frozenset[str]], first: str, again: str) -> bool:
    """Both files are in Kustomize builds and no build holds both (as checks.inputs._separate_builds)."""
    a, b = member_of.get(os.path.abspath(first)), member_of.get(os.path.abspath(again))
    return bool(a and b and not a & b)


@dataclass(eq=False)
class SourceModel:
    """What one file contributes, in document order: objects (each with its RBAC/ServiceAccount/pod-template
    view), the Prometheus configs it holds (plain or embedded) and the findings of parsing embedded ones."""

    objects: list[tuple[K8sObject, Any]] = field(default_factory=list)
    configs: list[PromConfig] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    refused: dict[tuple[int, int], list[bool]] = field(default_factory=dict)  # refused_rbac() by version
    unread_configs: list[K8sObject] = field(default_factory=list)  # ConfigMaps/Secrets holding one (KS007)


def _applied(path: str, chain: tuple[str, ...], patches: dict[str, list], builds: Any) -> tuple:
    """(the patches applied to a file's objects in order, the namespace each finds them in: "" for the one they are
    written with). Each kustomization of the chain, innermost first, runs its patchesStrategicMerge and patches
    before its own namespace transformer, its patchesJson6902 after it (kusttarget_configplugin.go)."""
    found: list = []
    namespaces: list[str] = []
    for kustomization, given in zip(chain, builds.patch_givens(path)):
        for patch in patches.get(kustomization, ()):
            found.append(patch)
            namespaces.append((builds.kustomization_namespace(kustomization) or given) if patch.late else given)
    return (tuple(found), tuple(namespaces)) if found else ()


def _build_names(sources: list[Source], builds: Any) -> dict[str, dict]:
    """Outermost build renaming some file → kname.Candidates of its objects (by every earlier name)."""
    from .kname import build_candidates

    assigned, per_build = builds.renamings()
    files = {source_abspath(source): source for source in sources}
    return {outer: build_candidates([(kind, name, namespace, affixes) for path, affixes in per_build[outer].items()
                                if path in files for kind, name, namespace in _written_names(files[path])])
            for outer in {outer for outer, _affixes in assigned.values()}}


def _renaming(source: Source, renamed: dict, names: dict[str, dict], applied: tuple) -> tuple:
    """(the affixes renaming the file's objects, the (kind, earlier name) → (built name, namespace) pairs of its
    build its references may name, sorted) — or (): what kname.renamed needs, small and comparable (a memo key)."""
    found = renamed.get(source_abspath(source))
    if found is None:
        return ()
    from .kname import REFERRED_KINDS, pick, referenced, strings

    build = names[found[0]]
    wanted = source.memo.get("kustomize references")
    if wanted is None:
        wanted = source.memo["kustomize references"] = referenced([doc for _document, doc in iter_documents(source)])
    if applied:  # a patch may write a reference the file does not
        written: set[str] = set()
        for patch in applied[0]:
            strings(patch.body, written)
        wanted = wanted | {(kind, text) for text in written for kind in REFERRED_KINDS}
    return found[1], tuple(sorted((key, pick(build[key], found[1])) for key in wanted if key in build))


def _written_names(source: Source) -> list[tuple[str, str, str]]:
    """(kind, name, namespace as written) of the file's objects a reference can name (kname.REFERRED_KINDS);
    memoised on the file."""
    found = source.memo.get("written names")
    if found is None:
        from .kname import REFERRED_KINDS

        found = source.memo["written names"] = []
        for _document, doc in iter_documents(source):
            if isinstance(doc, YMap) and doc.get("kind") in REFERRED_KINDS:
                metadata = as_map(doc.get("metadata"))
                if as_str(metadata.get("name")):
                    found.append((doc["kind"], as_str(metadata.get("name")), as_str(metadata.get("namespace"))))
    return found


def _patch_files(sources: list[Source], builds: Any) -> frozenset[str]:
    """The files some Kustomization or Component of the inputs applies as patches and no build lists as a resource:
    no objects of their own — when the builds they patch are wholly in the inputs (closed_patch_files: a build
    reaching a remote base keeps its patch files as the nearest thing to the objects they patch)."""
    wanted = builds.closed_patch_files()
    if not wanted:
        return frozenset()
    members = builds.builds()
    return frozenset(path for path in (source_abspath(s) for s in sources) if path in wanted and path not in members)


def _build_patches(sources: list[Source], chains: dict[str, tuple[str, ...]]) -> dict[str, list]:
    """The patches of each patching Kustomization (by its absolute path; kpatch.py, imported only here)."""
    from .kpatch import kustomization_patches
    from .kustomize import is_kustomization

    wanted = {path for chain in chains.values() for path in chain}
    files = {source_abspath(source): source for source in sources}
    patches: dict[str, list] = {}
    for path in wanted:
        source = files.get(path)
        if source is not None:
            patches[path] = [patch for _document, doc in iter_documents(source) if is_kustomization(source.path, doc)
                             for patch in kustomization_patches(source, doc, files)]
    return patches


MODELS_KEPT_PER_SOURCE = 8  # the variants of one file a run models (a base in several overlays), kept between runs


def source_model(source: Source, default_namespace: str, namespace_override: str | None, limits: Limits,
                 accounts: frozenset[tuple[str, str, str]] = frozenset(), namespace_fallback: str | None = None,
                 patches: tuple = (), renaming: tuple = ()) -> SourceModel:
    """A function of the file and four settings, so memoised on its Source: the language server re-lints an
    edit without re-reading the other files' objects or re-parsing their embedded configs. Nothing downstream
    mutates these objects (the analysis builds its own). `accounts`: the ServiceAccounts of the Kustomization
    that sets `namespace_override` (kustomized_accounts), which its bindings' subjects are rewritten to name.
    `namespace_fallback`: an Argo CD Application's destination namespace (kustomize.KustomizeBuilds.fallbacks).
    `patches`: (the kpatch.Patch objects its builds apply to its objects, in order (equal when read from the same
    text), the namespace each finds them in) as _applied makes them, or (). `renaming`: the `namePrefix:`/`nameSuffix:`
    of its build as _renaming makes it, or ()."""
    variant = (default_namespace, namespace_override, limits, accounts, namespace_fallback, patches, renaming)
    return source.remember(("model",), variant, lambda: _build_source_model(
        source, default_namespace, namespace_override, limits, accounts, namespace_fallback, patches, renaming),
        keep=MODELS_KEPT_PER_SOURCE)


def prepare_model(source: Source, default_namespace: str, limits: Limits, kubernetes_version: tuple[int, int]) -> SourceModel:
    """Model a file ahead of the workspace (parallel.py: in whichever process read it), as it will be wanted
    unless a Kustomization sets its namespace: then build_workspace misses this memo and models it again."""
    source_kustomizations(source)  # memoised too: kustomize_builds() reads every file's
    source_gitops_targets(source)
    model = source_model(source, default_namespace, None, limits)
    refused_rbac(source, model, kubernetes_version)
    return model


def refused_rbac(source: Source, model: SourceModel, kubernetes_version: tuple[int, int]) -> list[bool]:
    """Per object of the model, in order: an RBAC object the API server refuses, for its RBAC content (KS501,
    rbacvalidate) or because it cannot decode it (KS602's non-strict findings, k8svalidate.refused_by_server:
    `verbs: get`, a number as a label value). A function of the
    file and the version, memoised on the model: the language server re-indexes every file's objects on each
    edit, and validating all the roles and bindings again was a tenth of a re-lint. (A list by position, not by
    object: it survives the pickling of a prepared model, parallel.py.)"""
    refused = model.refused.get(kubernetes_version)
    if refused is None:
        refused = model.refused[kubernetes_version] = [
            isinstance(derived, (RoleDef, BindingDef))
            and (rejected(derived, kubernetes_version) or refused_by_server(source, obj.doc))
            for obj, derived in model.objects]
    return refused


def _build_source_model(source: Source, default_namespace: str, namespace_override: str | None, limits: Limits,
                        accounts: frozenset[tuple[str, str, str]], namespace_fallback: str | None, patches: tuple,
                        renaming: tuple = ()) -> SourceModel:
    try:
        return _source_model(source, default_namespace, namespace_override, limits, accounts, namespace_fallback, patches,
                             renaming)
    finally:
        # The file's lines, split for its embedded configs' positions, are not needed once its model is built: a
        # cache kept across files held a 20 MB file's million lines (~60 MB) to the end of the run.
        _split_lines.cache_clear()


def _source_model(source: Source, default_namespace: str, namespace_override: str | None, limits: Limits,
                  accounts: frozenset[tuple[str, str, str]], namespace_fallback: str | None, patches: tuple = (),
                  renaming: tuple = ()) -> SourceModel:
    model = SourceModel()
    if patches:
        from .kpatch import apply_patches  # (only for the files a Kustomize patch reaches)
    if renaming:
        from .kname import renamed  # (only for the files a Kustomize namePrefix/nameSuffix reaches)
        names = dict(renaming[1])
    for _document, doc in iter_documents(source):
        if is_prometheus_config(doc):
            keep_written_strings(source, as_seq(doc.get("scrape_configs")))
            model.configs.append(build_config(source.path, doc, "config"))
            continue
        agent_metrics = agent_metrics_section(doc)
        if agent_metrics is not None:
            keep_written_strings(source, agent_jobs(agent_metrics))
            model.configs.extend(agent_configs(source.path, doc, agent_metrics, "config"))
            continue
        obj = k8s_object(source.path, doc, default_namespace, namespace_override, namespace_fallback)
        if obj is None:
            continue
        built = doc
        if patches:
            built = apply_patches(doc, patches[0], patches[1])
            if built is None:
                continue  # `$patch: delete`: the build leaves the object out
        patched = built
        if renaming:  # kustomize renames after a kustomization's patches (kusttarget_configplugin.go)
            built = renamed(built, renaming[0], names, namespace_override)
        if built is not doc:
            obj = k8s_object(source.path, built, default_namespace, namespace_override, namespace_fallback)
        derived = _derive(obj)
        if namespace_override and isinstance(derived, BindingDef):
            derived = kustomized_subjects(derived, namespace_override, accounts,
                                          _subject_names(patched) if renaming else None)
        model.objects.append((obj, derived))
        if obj.kind in ("ConfigMap", "Secret"):
            config_list, problems = embedded_configs(obj, source, limits)
            if any(problem.rule == UNREAD_CONFIG for problem in problems):
                model.unread_configs.append(obj)
        elif obj.kind == COLLECTOR_KIND and obj.api_version.startswith("opentelemetry.io/"):
            config_list, problems = collector_cr_configs(obj, source, limits)
        else:
            continue
        model.configs.extend(config_list)
        model.findings.extend(problems)
    return model


def kustomized_accounts(sources: list[Source], kustomized: dict[str, str],
                        renamed: dict[str, tuple] | None = None) -> dict[str, frozenset[tuple[str, str, str]]]:
    """Namespace a Kustomization sets → (namespace as written, built name, name as written) of the ServiceAccounts in
    the files it covers: the accounts its bindings' subjects can name (kustomized_subjects). Grouped by that namespace rather than by
    build: two builds that set the same namespace move their accounts to the same place. `renamed`: file → (its
    build, the affixes renaming it) (KustomizeBuilds.renamings): the names are the built ones, as its subjects are."""
    found: dict[str, set[tuple[str, str, str]]] = {}
    for source in sources:
        namespace = kustomized.get(source_abspath(source))
        if namespace is not None:
            affixes = renamed.get(source_abspath(source)) if renamed else None
            if affixes is None:
                found.setdefault(namespace, set()).update(
                    (written, name, name) for written, name in _written_accounts(source))
                continue
            from .kname import names_along

            found.setdefault(namespace, set()).update(
                (written, names_along(name, affixes[1])[-1], name) for written, name in _written_accounts(source))
    return {namespace: frozenset(names) for namespace, names in found.items() if names}


def _subject_names(doc: Any) -> dict[int, str]:
    """The names a binding document's subjects write, by index (what kustomized_subjects compares in a renaming
    build)."""
    subjects = doc.get("subjects") if isinstance(doc, YMap) else None
    if not isinstance(subjects, YSeq):
        return {}
    return {i: s["name"] for i, s in enumerate(subjects) if isinstance(s, YMap) and isinstance(s.get("name"), str)}


def _written_accounts(source: Source) -> list[tuple[str, str]]:
    """(namespace as written, name) of the file's ServiceAccounts; memoised on the file (every kustomized file is
    asked at every lint: the language server's re-lint of a monorepo read them all again)."""
    found = source.memo.get("written accounts")
    if found is None:
        found = source.memo["written accounts"] = []
        for _document, doc in iter_documents(source):
            if isinstance(doc, YMap) and doc.get("kind") == "ServiceAccount" and doc.get("apiVersion") == "v1":
                metadata = as_map(doc.get("metadata"))
                if as_str(metadata.get("name")):
                    found.append((as_str(metadata.get("namespace")), as_str(metadata.get("name"))))
    return found


def kustomized_subjects(binding: BindingDef, namespace: str, accounts: frozenset[tuple[str, str, str]],
                        written_names: dict[int, str] | None = None) -> BindingDef:
    """The binding as `kustomize build` writes it under a Kustomization that sets `namespace:`. A ServiceAccount
    subject naming an account of the same build — without a namespace, or with the account's namespace before or
    after the move — gets the account's new namespace (the nameReference transformer: kustomize
    api/filters/nameref setMapping writes the referral's namespace into the subject); a subject named `default`
    gets it whatever it names (api/filters/namespace roleBindingHack). A base's ClusterRoleBinding without subject
    namespaces is therefore valid once built, and a subject left naming the base's namespace follows its account.
    A subject naming an account outside the build is left as written, as kustomize leaves it.

    In a renaming build (`written_names`: the subjects' names before kname.renamed, by index) a subject follows
    only when it wrote one of the account's EARLIER names: nameref's selectReferral keeps the candidates whose
    PrevIds name it (previousNameMatches), and PrevIds excludes the current id, so a subject that already writes
    the built name `project-controller-manager` beside the base's `namespace: system` is left naming
    system/project-controller-manager, an account that does not exist."""
    subjects = list(binding.subjects)
    for i, subject in enumerate(subjects):
        if subject.kind != "ServiceAccount" or (subject.namespace_explicit and subject.namespace == namespace):
            continue
        written = subject.namespace if subject.namespace_explicit else ""
        before = subject.name if written_names is None else written_names.get(subject.index, subject.name)
        if subject.name == "default" or any(
                name == subject.name and (before != name or before == as_written)
                and written in ("", original or "default", namespace) for original, name, as_written in accounts):
            subjects[i] = Subject(subject.kind, subject.name, namespace, True, subject.api_group, subject.index, subject.node)
    if all(new is old for new, old in zip(subjects, binding.subjects)):
        return binding
    return BindingDef(binding.kind, binding.name, binding.namespace, binding.role_kind, binding.role_name, subjects, binding.obj)


def _derive(obj: K8sObject) -> Any:
    """The typed view the workspace indexes an object by: RoleDef, BindingDef, ServiceAccountDef, PodTemplate."""
    kind = obj.kind
    if kind in RBAC_KINDS and obj.api_version.startswith("rbac.authorization.k8s.io/"):
        return role_from_object(obj) if kind in ("ClusterRole", "Role") else binding_from_object(obj)
    if kind == "ServiceAccount" and obj.api_version == "v1":
        automount = obj.doc.get("automountServiceAccountToken")
        return ServiceAccountDef(obj.name, obj.namespace, automount if isinstance(automount, bool) else None, obj)
    if kind in WORKLOAD_KINDS:
        return pod_template(obj)
    return None


def _replacements_kept_by_copies(workspace: Workspace) -> None:
    """A role that replaced another (KS006) and is then written again, identically, is still what replaced it:
    the cluster keeps that last copy, and it is the one the bindings resolve to. Point the replacement at it, or
    a denial no longer finds the earlier definition that granted the rule (nor the fix the copy that stands) — a
    user's kube-prometheus `prometheus-roleSpecificNamespaces.yaml` turned into three identical ClusterRoles
    prometheus-k8s replacing the upstream one (Kong/se-kube-prometheus). One pass over the replacements."""
    if not workspace.replaced_roles:
        return
    def standing(role: RoleDef) -> RoleDef:
        kept = (workspace.cluster_roles.get(role.name) if role.kind == "ClusterRole"
                else workspace.roles.get((role.namespace, role.name)))
        same = kept is not None and kept.obj is not None and role.obj is not None and kept.obj.doc == role.obj.doc
        return kept if same else role
    workspace.replaced_roles = [(old, standing(winner)) for old, winner in workspace.replaced_roles]


def _index(workspace: Workspace, obj: K8sObject, derived: Any, user_binding_names: set[str], refused: bool) -> None:
    workspace.objects.append(obj)
    if unserved(obj.kind, obj.api_version, workspace.kubernetes_version) is not None:
        workspace.unserved.append(obj)  # `kubectl apply` fails: no Deployment to run as, no monitor to select
        return
    workspace.by_kind.setdefault(obj.kind, []).append(obj)
    if derived is None:
        return
    kind = obj.kind
    if refused:
        _index_rejected(workspace, derived)
    elif isinstance(derived, RoleDef):
        index: dict = workspace.cluster_roles if kind == "ClusterRole" else workspace.roles
        key = obj.name if kind == "ClusterRole" else (obj.namespace, obj.name)
        earlier = index.get(key)
        if earlier is not None and earlier.obj is not None and earlier.obj.doc != obj.doc:
            workspace.replaced_roles.append((earlier, derived))
        index[key] = derived
    elif isinstance(derived, BindingDef):
        workspace.bindings.append(derived)
        if kind == "ClusterRoleBinding":
            user_binding_names.add(obj.name)
    elif isinstance(derived, ServiceAccountDef):
        workspace.service_accounts[(obj.namespace, obj.name)] = derived
        workspace.service_account_definitions.append(derived)
    else:
        workspace.workloads.append(derived)


def _index_rejected(workspace: Workspace, derived: RoleDef | BindingDef) -> None:
    """An RBAC object the API server refuses is never created: it grants nothing (nor replaces a built-in object
    or an earlier one of the same name), so the authorizer must not see it. It stays in `objects`/`by_kind`,
    where the RBAC-object rules (KS5xx) read it."""
    if isinstance(derived, BindingDef):
        workspace.rejected_bindings.append(derived)
    elif derived.kind == "ClusterRole":
        workspace.rejected_cluster_roles[derived.name] = derived
    else:
        workspace.rejected_roles[(derived.namespace, derived.name)] = derived


def embedded_configs(obj: K8sObject, source: Source, limits: Limits) -> tuple[list[PromConfig], list[Finding]]:
    """Prometheus and OpenTelemetry Collector configs held as text in a ConfigMap or Secret."""
    configs: list[PromConfig] = []
    findings: list[Finding] = []
    for key, text, position in _embedded_texts(obj, source.text, source):
        holder = _value_source(obj, key, source)  # (the patch's file, for a value a Kustomize patch wrote)
        prometheus = _looks_like_prometheus(text)
        if not prometheus and not looks_like_collector(text) and not looks_like_unread_yaml(text):
            unread = river_scrape_components(text)
            if unread:
                findings.append(_unread_config(obj, holder, key, RIVER_FORM, unread))
            continue
        documents, problems, status = parse_text(holder.path, text, limits, position)
        for problem in problems:
            problem.message = f"in {obj.kind} {obj.name} key {key}: {problem.message}"
        findings.extend(problems)
        if status != "linted":
            continue
        for document in documents:
            origin = "configmap" if obj.kind == "ConfigMap" else "secret"
            agent_metrics = agent_metrics_section(document.root)
            if is_prometheus_config(document.root):
                keep_written_strings(holder, as_seq(document.root.get("scrape_configs")))
                configs.append(build_config(holder.path, document.root, origin, obj, as_str(key)))
            elif agent_metrics is not None:
                keep_written_strings(holder, agent_jobs(agent_metrics))
                configs.extend(agent_configs(holder.path, document.root, agent_metrics, origin, obj, as_str(key)))
            elif is_collector_config(document.root):
                for collector in collector_configs(holder.path, document.root, obj, None, holder):
                    collector.key = as_str(key)  # which key a pod loads decides its identity (analyse.py)
                    configs.append(collector)
            else:
                unread = unread_yaml_jobs(document.root)  # jobs of a program the analysis does not model (unreadyaml.py)
                if unread:
                    findings.append(_unread_config(obj, holder, key, *unread))
    return configs, findings


def _value_source(obj: K8sObject, key: Any, source: Source) -> Source:
    """The file a ConfigMap/Secret value was written in: the object's, or a Kustomize patch's (kpatch.py), whose
    text the value's positions are lines of."""
    for section, _encoded in HOLDER_SECTIONS.get(obj.kind, ()):
        values = obj.doc.get(section)
        if isinstance(values, YMap) and isinstance(values.get(key), str):
            pos = values.value_pos(key)
            if pos.__class__ is FilePos:
                from .kpatch import origin_source

                return origin_source(pos.path) or source
            return source
    return source


def _embedded_texts(obj: K8sObject, outer_text: str, source: Source | None = None):
    """(key, text, position function) for every text value its volume would write: ConfigMap data and binaryData;
    Secret stringData and base64 data (holder_value reads each key where the API server keeps it). Without the
    outer file's text ("") every position is pinned to its value."""
    keys = dict.fromkeys(key for section, _ in HOLDER_SECTIONS.get(obj.kind, ())
                         for key, value in as_map(obj.doc.get(section)).items() if isinstance(value, str))
    for key in keys:
        text, position = holder_value(obj, key, _value_source(obj, key, source).text if source is not None else outer_text)
        if text is not None:
            yield key, text, position


# Grafana Alloy / Agent Flow configuration (River syntax, not YAML): the components whose Kubernetes access the
# analysis would check for a Prometheus config — discovery lists and watches, scrapes send the token.
_RIVER_COMPONENT = re.compile(
    r'^[ \t]*((?:discovery\.kubernetes|prometheus\.scrape|prometheus\.operator\.[a-z]+))[ \t]+"[^"\n]*"[ \t]*\{',
    re.MULTILINE)


UNREAD_CONFIG = "KS007"


def river_scrape_components(text: str) -> list[str]:
    """The Alloy components (`prometheus.scrape`, `discovery.kubernetes`…) a River configuration declares, in order."""
    if "{" not in text or "." not in text:
        return []
    return list(dict.fromkeys(match.group(1) for match in _RIVER_COMPONENT.finditer(text)))


RIVER_FORM = "Grafana Alloy or Agent Flow (River) configuration"

# Per unread form: how its components are shown, why they are not read, and what to check by hand instead.
_UNREAD_FORMS = {
    RIVER_FORM: (
        "with {shown}: this tool reads Prometheus, Grafana Agent and OpenTelemetry YAML only",
        "Check that ServiceAccount's RBAC by hand: `discovery.kubernetes` needs list and watch on its role's "
        "resources, a kubelet scrape needs get on nodes/metrics (nodes/proxy only through the API server proxy); "
        "or keep the equivalent scrape jobs as Prometheus YAML and lint those. Suppress this notice with a reason "
        "once done."),
    NEWRELIC_FORM: (
        "declaring {shown}: its init container writes the Prometheus config from it only when the pod starts",
        "Check that ServiceAccount's RBAC by hand: a `kubernetes.jobs` entry needs list and watch on pods (role "
        "pod), or on endpoints, services and pods (role endpoints), in the namespaces it names; `extra_scrape_configs` "
        "are Prometheus scrape configs copied unchanged, so lint them as a prometheus.yml beside this manifest "
        "(a kubelet scrape needs get on nodes/metrics). Suppress this notice with a reason once done."),
    TARGET_ALLOCATOR_FORM: (
        "declaring {shown}: its discovery runs as the target allocator's ServiceAccount and its scrapes as the "
        "collectors' that fetch targets from it, which this tool does not tie together",
        "Check the target allocator's RBAC by hand: list and watch on each role's resources, and with `prometheus_cr` "
        "list and watch on the monitoring.coreos.com objects it selects and on namespaces (get on the secrets and "
        "configmaps they reference) — nothing more: it never writes; the collectors' ServiceAccounts need what the "
        "scrapes need (get nodes/metrics for a kubelet). Or run it from an OpenTelemetryCollector with "
        "`targetAllocator.enabled`, which this tool checks. Suppress this notice with a reason once done."),
}


def _unread_config(obj: K8sObject, source: Source, key: Any, form: str, components: list[str]) -> Finding:
    section = as_map(obj.doc.get(holder_section(obj, key)))
    data = section if key in section else obj.doc
    what, fix = _UNREAD_FORMS[form]
    shown = ", ".join(components if form != RIVER_FORM else (f"`{c}`" for c in components))
    return Finding(
        UNREAD_CONFIG, key_span(source.path, data, key),
        f"{obj.kind} {obj.namespace}/{obj.name} key {key} is {'an' if form[0] in 'AEIOU' else 'a'} {form} {what.format(shown=shown)}, so what these "
        f"{'components' if form == RIVER_FORM else 'jobs'} need from the API server and the kubelets — and whether "
        "the ServiceAccount that runs them holds it — is not checked",
        fix=fix, object=f"{obj.kind}/{obj.namespace}/{obj.name}",
        data={"key": as_str(key), "form": form, "components": components},
    )


def unread_config_form(obj: K8sObject) -> str:
    """Which unread form a ConfigMap/Secret in `Workspace.unread_configs` holds (for the grant rules' wording):
    River when a value declares River scrape components, else the YAML form its keys name (unreadyaml.py)."""
    # (the texts where embedded_configs found them, binaryData and gzip included: positions are not needed here)
    texts = [text for _key, text, _position in _embedded_texts(obj, "")]
    if any(river_scrape_components(text) for text in texts):
        return RIVER_FORM
    return next((form_of_text(text) for text in texts if looks_like_unread_yaml(text)), NEWRELIC_FORM)


# `scrape_configs` (or `scrape_config_files`: a main config may hold only the globs of its job files) or a leading
# `global` (after comments, a `---` marker, the `{` of a JSON object) written as a YAML key (block, list item,
# JSON/flow, quoted): a cheap gate before parsing,
# so dashboards and other large blobs are never parsed, nor a TOML, INI or script text that merely names
# scrape_configs in a comment (a Telegraf config drew KS001 'YAML syntax error').
_PROMETHEUS_KEY = re.compile(
    r"""(?:^[ \t]*(?:-[ \t]+)*|[{,][ \t]*)["']?scrape_config(?:s|_files)["']?[ \t]*:|\A(?:\s*#[^\n]*)*\s*(?:---[^\n]*(?:\s*#[^\n]*)*\s*)?\{?\s*["']?global["']?[ \t]*:""", re.MULTILINE)


def _looks_like_prometheus(text: str) -> bool:
    return "scrape_config" in text and _PROMETHEUS_KEY.search(text) is not None or (
        "global" in text and _PROMETHEUS_KEY.match(text) is not None)


# A block scalar's header: `|` or `>`, then an indentation indicator and a chomping indicator in either order.
_BLOCK_HEADER = re.compile(r"([|>])(?:([1-9])[+-]?|[+-]([1-9])?)?(?:[ \t]|$)")


@functools.lru_cache(maxsize=2)
def _split_lines(text: str) -> list[str]:
    # Called for every text value of every ConfigMap/Secret: splitting the whole file each time was quadratic
    # (a 600 KB ConfigMap of 20,000 keys took 2.5 min). The str hash is cached, so a hit costs O(1). Cleared when
    # a file's model is done (_build_source_model).
    return text.splitlines()


def embedded_position(outer_text: str, data: YMap, key: Any):
    """Map inner (line0, col0) onto the outer file: exact for a literal block scalar (`|`: line offset +
    indentation) and, where the text can be traced character by character, for a folded block scalar and a
    single- or double-quoted one (the JSON of `kubectl get -o json`, the wrapped strings kubectl writes for a
    config with trailing spaces); anything else is pinned to the value."""
    line, column = data.value_pos(key)
    outer_lines = _split_lines(outer_text)
    opening = outer_lines[line - 1] if 0 < line <= len(outer_lines) else ""
    header = _BLOCK_HEADER.match(opening, column - 1)
    segments = None
    if header is not None:
        indent = _block_indent(outer_lines, line, data.key_pos(key)[1] - 1, header.group(2) or header.group(3))
        if indent is not None and header.group(1) == "|":
            first = line + 1  # 1-based line of the first content line

            def position(inner_line: int, inner_col: int) -> tuple[int, int]:
                return (first + inner_line, indent + inner_col + 1)

            return position
        if indent is not None:
            segments = _folded_segments(outer_lines, line, indent, data.get(key))
    elif opening[column - 1:column] in ("'", '"'):
        segments = _quoted_segments(outer_lines, line - 1, column - 1, data.get(key))
    if segments:
        return _segment_position(data.get(key), segments)

    def pinned(_line: int, _col: int) -> tuple[int, int]:
        return (line, column)

    return pinned


def _block_indent(outer_lines: list[str], header_line: int, parent_indent: int, explicit: str | None) -> int | None:
    """Indentation of a block scalar's content, whose header is on 1-based `header_line`."""
    if explicit:
        # `|2`: the content is indented that much more than the mapping that holds the key (YAML 1.2 §8.1.1.1),
        # whatever its first line looks like (the indicator exists for a first line indented further).
        return parent_indent + int(explicit)
    # By index, not over a slice: a slice copies the rest of the file for each embedded config (quadratic in a
    # file of thousands of ConfigMaps).
    for index in range(header_line, len(outer_lines)):
        candidate = outer_lines[index]
        if candidate.strip():
            return len(candidate) - len(candidate.lstrip(" "))
    return None


# A segment: (offset in the scalar's value, 1-based outer line, 1-based outer column) where a run of characters
# copied one for one from the file starts.
Segment = tuple[int, int, int]


def _segment_position(value: str, segments: list[Segment]):
    """Position function over segments: an inner offset inside a run maps to its own character; one in what
    folding or an escape produced maps just past the run before it."""
    import bisect

    line_starts = [0] + [index + 1 for index, char in enumerate(value) if char == "\n"]
    starts = [start for start, _line, _col in segments]

    def position(inner_line: int, inner_col: int) -> tuple[int, int]:
        offset = min(line_starts[inner_line] + inner_col, len(value)) if inner_line < len(line_starts) else len(value)
        start, outer_line, outer_col = segments[max(bisect.bisect_right(starts, offset) - 1, 0)]
        return (outer_line, outer_col + offset - start)

    return position


def _folded_segments(outer_lines: list[str], header_line: int, indent: int, value: Any) -> list[Segment] | None:
    """A folded block scalar's content lines found in order in its value, separated only by what folding leaves
    (spaces and line breaks); None when they cannot all be found that way."""
    if not isinstance(value, str) or "\r" in value:
        return None
    segments: list[Segment] = []
    cursor = 0
    for number in range(header_line, len(outer_lines)):
        text = outer_lines[number]
        if not text.strip():
            continue
        if len(text) - len(text.lstrip(" ")) < indent:
            break  # the scalar ended
        chunk = text[indent:]
        found = value.find(chunk, cursor)
        if found < 0 or value[cursor:found].strip(" \n"):
            return None
        segments.append((found, number + 1, indent + 1))
        cursor = found + len(chunk)
    return segments if segments and not value[cursor:].strip(" \n") else None


_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}


def _quoted_segments(outer_lines: list[str], line: int, column: int, value: Any) -> list[Segment] | None:
    """Trace a single- or double-quoted scalar opening at 0-based (line, column) as YAML reads it (YAML 1.2 §7.3:
    escapes, `''`, line folding: a line break becomes a space, each empty line a newline, and blanks around breaks
    go) and return its segments; None unless the traced text is exactly `value`."""
    if not isinstance(value, str):
        return None
    quote = outer_lines[line][column]
    out: list[str] = []
    segments: list[Segment] = []
    position = column + 1
    contiguous = False  # whether the next copied character continues the last segment
    while line < len(outer_lines):
        text = outer_lines[line]
        trailing = 0  # blanks copied at the end of this line so far (folding drops them)
        while position < len(text):
            char = text[position]
            if char == quote and not (quote == "'" and text[position + 1:position + 2] == "'"):
                return segments if "".join(out) == value else None
            if quote == '"' and char == "\\" and position + 1 < len(text):
                escape = text[position + 1]
                size = _HEX_ESCAPES.get(escape, 0)
                try:
                    decoded = chr(int(text[position + 2:position + 2 + size], 16)) if size else _ESCAPES[escape]
                except (KeyError, ValueError):
                    return None
                segments.append((len(out), line + 1, position + 1))
                out.append(decoded)
                position += 2 + size
                contiguous = trailing = 0
                continue
            if quote == '"' and char == "\\":  # an escaped line break: only the empty lines after it count
                while line + 1 < len(outer_lines) and not outer_lines[line + 1].strip(" \t"):
                    line += 1
                    segments.append((len(out), line + 1, 1))
                    out.append("\n")
                break
            if not contiguous:
                segments.append((len(out), line + 1, position + 1))
            out.append(char)
            trailing = trailing + 1 if char in " \t" else 0
            if char == "'" and quote == "'":  # `''`: one character from two
                position += 2
                contiguous = False
            else:
                position += 1
                contiguous = True
        else:  # an unescaped line break: fold
            if trailing:
                del out[-trailing:]
            empty = 0
            while line + 1 + empty < len(outer_lines) and not outer_lines[line + 1 + empty].strip(" \t"):
                empty += 1
            segments.append((len(out), line + 1, len(text.rstrip(" \t")) + 1))
            out.extend("\n" * empty if empty else " ")
            line += empty
        line += 1
        if line < len(outer_lines):
            following = outer_lines[line]
            position = len(following) - len(following.lstrip(" \t"))
        contiguous = False
    return None
