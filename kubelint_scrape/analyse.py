"""Stage 3 — analyse: who each scrape job runs as, what it needs, and whether RBAC grants it.

The result (JobAnalysis) is what the access rules read and what the JSON report's `jobs` array shows:
identity with the reason it was chosen, target classes, and every requirement with its provenance and the
decision (granted by which binding → role, or which rule nearly granted it).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import os
import re
import sys
from typing import Any, Callable, Iterator

from .authproxy import (POD_ROLES, DeclaredTargets, ReviewConfig, declared_targets, review_config, served_endpoint,
                        serves_only_tls)
from .gopath import go_path_match
from .load import gc_paused
from .model import GO_TRUE, WORKLOAD_KINDS, K8sObject, PodTemplate, Workspace, is_victoriametrics, pod_template, service_dns_name
from .operator import (label_selection_fix, namespace_selection_fix, operator_scope_fix, unreconciled_fix,
                       unresolved_scrape_class)
from .otel import COLLECTOR_KIND, collector_service_account, target_allocator_service_account
from .promconfig import SA_DIR, TARGET_URL, Credentials, PromConfig, ScrapeJob, SDConfig, is_in_cluster_api_host, is_loopback_host
from .pushprox import Route, route as pushprox_route
from .rbac import ANONYMOUS, Authorizer, Decision, Identity, Request, api_server_request
from .records import dataclass, field
from .relabel import (DROP, HASHMOD, KEEP, KEEP_IF_EQUAL, KEEPEQUAL, RelabelError, RelabelRule, example_match,
                      relabel_tracking)
from .resources import knowledge
from .extapi import has_servers, service_dns_containers, service_dns_labels
from .targets import (Endpoint, all_namespaces_proxy, classify, extension_endpoint, kubelet_subresources,
                      label_family, meta_families, moved_labels, representative_targets, served_by_other_container, shown_services, user_targets,
                      assumed_stand_in)
from .yamltree import Span, YMap, as_map, as_seq, as_str, at, get_path, key_span, value_span

AUTHENTICATED_CLASSES = ("kubelet", "apiserver", "apiserver-proxy", "control-plane", "extension-apiserver",
                         "controller-runtime", "kube-rbac-proxy")
# Targets that serve only TLS on the port classified (kubelet :10250, API server, kube-controller-manager :10257,
# kube-scheduler :10259, an extension API server's secure port, a controller-runtime metrics server with
# SecureServing). kube-rbac-proxy is not among them: it serves plain HTTP on --insecure-listen-address.
TLS_ONLY_CLASSES = ("kubelet", "apiserver", "apiserver-proxy", "control-plane", "extension-apiserver",
                    "controller-runtime")
# Go's net/http TLS server answers a handshake whose first bytes look like HTTP ("GET /") with this and closes
# ((*conn).serve, tlsRecordHeaderLooksLikeHTTP): before authentication, whatever credentials the request carries.
PLAIN_HTTP_TO_TLS = '400 Bad Request ("Client sent an HTTP request to an HTTPS server")'
LOOPBACK_PORTS = frozenset(int(p) for p in knowledge("ports")["loopback_by_default"])


@dataclass(frozen=True)
class Assumptions:
    kubernetes_version: str = "1.34"
    kubelet_authn: str = "webhook"  # webhook | anonymous | none | x509
    kubelet_authz: str = "webhook"  # webhook | always-allow
    kubelet_serving_cert: str = "self-signed"  # self-signed | cluster-ca
    default_namespace: str = "default"

    @property
    def version(self) -> tuple[int, int]:
        major, minor = self.kubernetes_version.split(".")[:2]
        return int(major), int(minor)

    def as_json(self) -> dict:
        return {
            "kubernetes_version": self.kubernetes_version,
            "kubelet_authn": self.kubelet_authn,
            "kubelet_authz": self.kubelet_authz,
            "kubelet_serving_cert": self.kubelet_serving_cert,
            "default_namespace": self.default_namespace,
        }


@dataclass(eq=False)
class Resolution:
    """Which ServiceAccount loads a config, and why we think so."""

    identity: Identity | None
    reason: str
    span: Span | None = None  # where the identity is named (serviceAccountName, the workload, the SA)
    pod: PodTemplate | None = None
    explicit: bool = False  # named by the user (--identity / config), not inferred
    managed: bool = False  # an operator creates this ServiceAccount, so it need not be in the inputs
    namespace_assumed: bool = False  # the workload names no namespace: it is placed in the default namespace
    runner: K8sObject | None = None  # the operator resource (Prometheus, PrometheusAgent, collector) that runs it
    # Service discovery run by another pod with its own ServiceAccount (an OpenTelemetry target allocator): its
    # resolution; the jobs' scrapes stay with `identity`.
    discovery: "Resolution | None" = None
    fix: str = ""  # unresolved: a fix for what the reason found, instead of KS100's generic one
    # The other ServiceAccounts that load the same config (workloads with different serviceAccountNames mounting
    # one key, SPEC §3): each is an identity of the config as real as this one, whose jobs are analysed as it too.
    # Sorted by namespace/name with this one first; empty for the usual single loader.
    also: list["Resolution"] = field(default_factory=list)

    @property
    def each(self) -> list["Resolution"]:
        """This resolution and those of the config's other loading identities (`also`), in that order."""
        return [self, *self.also] if self.also else [self]


@dataclass(eq=False, slots=True)
class Need:
    kind: str  # discovery | scrape
    request: Request
    why: str
    span: Span
    target: str = ""  # target class for scrape needs
    alternatives: tuple[Request, ...] = ()  # any one of request/alternatives suffices (fine-grained kubelet authz)
    decision: Decision | None = None
    alternative_decisions: tuple[Decision, ...] = ()
    unchecked: str = ""  # why no decision was made (other credentials, always-allow kubelet)
    path: str = ""  # scrape needs: the HTTP path requested
    # Who makes the request when not the job's identity: the target allocator that runs an OpenTelemetry
    # collector's service discovery (Resolution.discovery).
    identity: Identity | None = None
    # Discovery needs added by `attach_metadata` (its key: node, namespace, deployment, job, cronjob): they list
    # other resources than the role's, often cluster-wide while the role's own discovery is namespaced.
    attached: str = ""
    # A kube-rbac-proxy scrape whose review its --config-file shapes (authproxy.ReviewConfig): where the attributes
    # are written, for the finding; and False in asks_rbac when its static allow-list lets the scraper in unasked.
    review: ReviewConfig | None = None
    asks_rbac: bool = True

    @property
    def satisfied(self) -> bool | None:
        if self.decision is None:
            return None
        return self.decision.allowed or any(d.allowed for d in self.alternative_decisions)

    @property
    def granting(self) -> Decision | None:
        for decision in (self.decision, *self.alternative_decisions):
            if decision is not None and decision.allowed:
                return decision
        return None


@dataclass(eq=False)
class CredentialGap:
    """An authenticated target scraped without credentials (KS106)."""

    target: str
    endpoint: Endpoint
    outcome: str  # "401 Unauthorized …" | "403 Forbidden as system:anonymous" | PLAIN_HTTP_TO_TLS
    token_ignored: bool = False
    plain_http: bool = False  # scraped with scheme http: the TLS-only target answers 400 before authenticating
    # The job sends a projected ServiceAccount token minted for this other audience: the TokenReview rejects it.
    foreign_audience: ForeignAudience | None = None
    # What the target authorizes once the request authenticates (left unchecked now): KS106's fix sends the
    # identity's token, which then needs these grants too, or the scrape goes from 401 to 403.
    needs: list[Need] = field(default_factory=list)
    # A kube-rbac-proxy of the inputs that a job for every opted-in workload keeps: the workload filter it passed
    # ("the service annotation `prometheus_io_scrape` = `true`"). The job's own fix would break its other targets.
    opted_in: str = ""


@dataclass(eq=False)
class JobAnalysis:
    job: ScrapeJob
    resolution: Resolution
    # The sequences are lists while analyse_job adds to them, tuples once it is done (_compact).
    endpoints: list[Endpoint] = field(default_factory=list)
    needs: list[Need] = field(default_factory=list)
    credential_gaps: list[CredentialGap] = field(default_factory=list)
    relabel_errors: tuple[tuple[Span, str], ...] = ()
    incidental: list[Endpoint] = field(default_factory=list)  # authenticated targets a catch-all job happens to keep
    origins: dict[Endpoint, Span] = field(default_factory=dict)  # where the job selects each endpoint (transport rules)
    survivors: int = 0
    # The job's credential is its identity's ServiceAccount token: the automounted file, or one a projected
    # serviceAccountToken volume of the pod that runs it writes elsewhere.
    sends_identity_token: bool = False
    # Identities other than the job's that make some of its requests (Need.identity), and why: the token of
    # another ServiceAccount that the job sends from a Secret.
    makers: dict[Identity, Resolution] = field(default_factory=dict)
    # The kube-rbac-proxy containers of the inputs that the job's kept targets lead to, as indexes into
    # authproxy.declared_targets(workspace).servers, with the path scraped and where the job selects them: they
    # review its token and its request (KS112). Indexes, not the containers: a reused analysis (the language
    # server) must not hold the pod templates of an earlier version of the workload's file.
    proxies: list[tuple[int, str, Span]] = field(default_factory=list)
    # The job's proxy_url names a PushProx proxy: its client, not Prometheus, makes the requests (pushprox.py).
    pushprox: Route | None = None

    @property
    def identity(self) -> Identity | None:
        return self.resolution.identity

    @functools.cached_property  # asked of every reusable job with static targets at each re-lint
    def named_services(self) -> frozenset[tuple[str, str]]:
        """(namespace, name) of the Services whose DNS names address the job's targets: only their objects (and the
        pods they select) are read beyond the config, identity and RBAC (_static_extension). An edit elsewhere in
        a file holding workloads makes new objects of them all; a job naming no Service of the inputs (a blackbox
        job's sites, an IP) is still reused — re-analysing every static-target job cost the language server's
        re-lint of 1,000 objects a fifth more."""
        names = (service_dns_name(e.host) for e in (*self.endpoints, *self.incidental, *self.origins))
        return frozenset(name for name in names if name is not None)

    @functools.cached_property  # asked of every reusable job at each re-lint (the language server)
    def asks_as_anonymous(self) -> bool:
        """Whether the job's scrapes reach a target as system:anonymous (no token, or one the kubelet ignores)."""
        return bool(self.credential_gaps) or any(need.identity == ANONYMOUS for need in self.needs)

    def resolution_of(self, identity: Identity | None) -> Resolution | None:
        """How `identity` comes to make some of this job's requests: the job's own resolution, the target
        allocator's that runs its discovery, or the ServiceAccount whose token it sends."""
        if identity is None:
            return None
        if identity == self.identity:
            return self.resolution
        discovery = self.resolution.discovery
        if discovery is not None and discovery.identity == identity:
            return discovery
        return self.makers.get(identity)

    @property
    def target_classes(self) -> list[str]:
        classes = sorted({e.klass for e in self.endpoints})
        if not classes and (self.job.sd_configs or self.job.static_targets):
            return ["unknown"]
        return classes


@dataclass(eq=False)
class Analysis:
    workspace: Workspace
    configs: list[PromConfig]
    assumptions: Assumptions
    authorizer: Authorizer
    jobs: list[JobAnalysis]
    resolutions: dict[int, Resolution]  # id(config) → resolution
    # What the jobs' analyses read of the inputs besides their config, identity and RBAC (_inputs_key): the
    # kube-rbac-proxy targets they were simulated on and the assumed Services the inputs show
    declared_key: Any = ""


# ---------------------------------------------------------------------------------------------- identity


def _volume_refs(volume: YMap, holder_kind: str) -> tuple[str, ...]:
    """The names of the ConfigMaps (or Secrets) `volume` projects, each once: a tuple, kept per volume of every
    template (a set is 216 bytes even empty; most volumes name none or one)."""
    names = []
    if holder_kind == "ConfigMap":
        names.append(as_str(as_map(volume.get("configMap")).get("name")))
        for source in as_seq(as_map(volume.get("projected")).get("sources")):
            names.append(as_str(as_map(as_map(source).get("configMap")).get("name")))
    else:
        names.append(as_str(as_map(volume.get("secret")).get("secretName")))
        for source in as_seq(as_map(volume.get("projected")).get("sources")):
            names.append(as_str(as_map(as_map(source).get("secret")).get("name")))
    return tuple([name for name in dict.fromkeys(names) if name])


# Images of programs that load a Prometheus-format scrape config (Prometheus, its config reloaders, vmagent, the
# OpenTelemetry Collector, Grafana Agent/Alloy), and the flags that name the file they load.
SCRAPER_IMAGES = ("prometheus", "vmagent", "victoriametrics", "opentelemetry-collector", "otel/", "otelcol",
                  "grafana/agent", "grafana/alloy")
CONFIG_FLAG = re.compile(r"""(?<![\w.-])--?(?:config\.file|promscrape\.config|config)(?:=|\s+)['"]?([^\s'"]+)""")


def looks_like_prometheus(pod: PodTemplate) -> bool:
    cached = pod.__dict__.get("_runs_prometheus")  # asked per config on every run; the template outlives runs
    if cached is None:
        cached = pod.__dict__["_runs_prometheus"] = any(
            any(name in c.image for name in SCRAPER_IMAGES) or any(a.startswith("--config.file") for a in c.args + c.command)
            for c in pod.containers)
    return cached


URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def config_file_paths(container: Any) -> list[str]:
    """The files a container's command line names as its config (`--config.file=F`, `--config.file F`,
    vmagent's `-promscrape.config`, the collector's `--config`), also inside an `sh -c` script."""
    return [path for _flag, _value, path in _config_flag_files(container)]


# What the images of the scrapers load when the command line names no config file: the executable the image runs,
# the file its CMD names ("" when it names none), the file the flag defaults to when a pod's `args` replace the
# CMD or its `command` replaces ENTRYPOINT and CMD (relative to the working directory; "" when the program then
# loads no scrape config), the image's WORKDIR, and the flag as users write it.
# - Prometheus (prom/prometheus, quay.io/prometheus/prometheus; prometheus Dockerfile): WORKDIR /prometheus,
#   ENTRYPOINT /bin/prometheus, CMD [--config.file=/etc/prometheus/prometheus.yml, --storage.tsdb.path=/prometheus];
#   the flag defaults to prometheus.yml (docs/command-line/prometheus.md).
# - The OpenTelemetry Collector distributions (opentelemetry-collector-releases distributions/<name>/Dockerfile):
#   ENTRYPOINT /<name>, CMD [--config, /etc/<name>/config.yaml]; without --config the collector does not start.
# - vmagent (victoriametrics/vmagent): -promscrape.config defaults to "" (lib/promscrape/config.go), so without it
#   vmagent scrapes no file's jobs.
PROMETHEUS_SERVER_IMAGE = re.compile(r"(?:^|/)(?:prom|prometheus)/prometheus(?:[:@]|$)")
COLLECTOR_IMAGE = re.compile(r"(?:^|/)opentelemetry-collector(-contrib|-k8s)?(?:[:@]|$)")
VMAGENT_IMAGE = re.compile(r"(?:^|/)vmagent(?:[:@]|$)")


def _image_defaults(image: str) -> tuple[tuple[str, ...], str, str, str, str] | None:
    """(executables, CMD's file, flag default, WORKDIR, flag) of a scraper image whose layout is known, else None."""
    if PROMETHEUS_SERVER_IMAGE.search(image):
        return ("prometheus",), "/etc/prometheus/prometheus.yml", "prometheus.yml", "/prometheus", "--config.file"
    found = COLLECTOR_IMAGE.search(image)
    if found:
        name = "otelcol" + (found.group(1) or "")
        return (name,), f"/etc/{name}/config.yaml", "", "/", "--config"
    if VMAGENT_IMAGE.search(image):
        return ("vmagent", "vmagent-prod"), "", "", "/", "-promscrape.config"
    return None


def _implicit_config_file(container: Any) -> tuple[str, str, str] | None:
    """(what names it, file, file) of the config a known scraper image's container loads when its command line
    names none; file "" when it loads none. A pod's `command` replaces the image's ENTRYPOINT and CMD, and `args`
    its CMD (Kubernetes "Define a Command and Arguments for a Container"). None for an unknown image, a command
    that runs another program (a shell script may write any flag), a config flag written on the command line, or
    vmagent reading its flags from the environment (-envflag.enable)."""
    defaults = _image_defaults(container.image)
    if defaults is None or config_flags(container):
        return None
    executables, cmd_file, default, image_workdir, flag = defaults
    command, args = container.command, container.args
    if command and os.path.basename(command[0]) not in executables:
        return None
    if any("envflag.enable" in word for word in command + args):
        return None
    if not command and args and not args[0].startswith("-"):
        return None  # not flags for the image's program: the container does not start as written
    replaced = ("command replaces the image's ENTRYPOINT and CMD" if command else
                "args replace the image's CMD" if args else "")
    if not replaced and cmd_file:
        return f"the image's CMD {flag}", cmd_file, cmd_file
    if not default:
        why = f"{replaced}, which named {cmd_file}" if cmd_file else "the flag has no default"
        return f"no {flag} ({why})", "", ""
    workdir = as_str(container.node.get("workingDir")) or image_workdir
    if not workdir.startswith("/"):
        return None
    path = os.path.normpath(os.path.join(workdir, default))
    where = f"workingDir {workdir}" if as_str(container.node.get("workingDir")) else f"the image's WORKDIR {workdir}"
    return f"the default {flag} ({replaced}; it opens {default} in {where})", path, path


def _image_workdir(container: Any) -> str:
    """The WORKDIR of the container's image where the inputs can know it (the Prometheus server images'), else ""."""
    defaults = _image_defaults(container.image)
    return defaults[3] if defaults is not None and defaults[3] != "/" else ""


def _config_flag_fix(container: Any, flag: str, file: str) -> str:
    """How to make a container's config flag name `file`: edit the flag written, or write one where a default was
    taken. Args replace the image's CMD, which for Prometheus also sets --storage.tsdb.path=/prometheus: keep it."""
    if flag.startswith("-"):
        return f"make its {flag} name {file}"
    defaults = _image_defaults(container.image)
    written = defaults[4] if defaults is not None else "--config.file"
    if not container.command and not container.args:
        kept = ", --storage.tsdb.path=/prometheus" if written == "--config.file" else ""
        return f"give it `args: [{written}={file}{kept}]` (args replace the image's CMD)"
    return f"add `{written}={file}` to its args"


def _through_data_dir(path: str) -> str:
    """The file a path through the kubelet's atomic-writer directory reads: a ConfigMap/Secret/projected volume keeps
    each key at <mount>/..data/<key> and links <mount>/<key> to it (k/k pkg/volume/util/atomic_writer.go
    dataDirName), so `--config.file=/etc/prometheus/..data/prometheus.yml` loads the key mounted at /etc/prometheus."""
    head, sep, tail = path.partition("/..data/")
    return f"{head}/{tail}" if sep and tail else path


def _config_flag_files(container: Any) -> list[tuple[str, str, str]]:
    """(flag as written, value as written, absolute file) of each config flag naming a file whose place is known.
    A relative value is opened from the process's working directory: the container's `workingDir` when it sets one
    (`--config.file=prometheus.yml` with `workingDir: /etc/prometheus` reads /etc/prometheus/prometheus.yml, not
    whatever else the pod mounts); without it the image's WORKDIR, which the inputs do not show (but for the
    Prometheus server images: /prometheus), so such a value names no known file. A URI (the collector's `env:VAR`, `yaml:…`, an http URL) is no file."""
    workdir = as_str(container.node.get("workingDir")) or _image_workdir(container)
    found = []
    for flag, value in config_flags(container):
        if value.startswith("/"):
            found.append((flag, value, _through_data_dir(os.path.normpath(value))))
        elif workdir.startswith("/") and "$(" not in value and not URI_SCHEME.match(value):
            found.append((flag, value, _through_data_dir(os.path.normpath(os.path.join(workdir, value)))))
    implicit = _implicit_config_file(container)
    return found + [implicit] if implicit is not None else found


def config_flag_urls(container: Any) -> list[str]:
    """The http(s) URLs a container's config flag names: vmagent reads `-promscrape.config` from a URL as well as
    from a file (VictoriaMetrics lib/promscrape/config.go loadConfig → fscore.ReadFileOrHTTP), and then loads that,
    not a key mounted beside it."""
    return [value for value in _config_flag_values(container) if value.startswith(("http://", "https://"))]


def _config_flag_values(container: Any) -> list[str]:
    return [value for _flag, value in config_flags(container)]


def config_flags(container: Any) -> list[tuple[str, str]]:
    """(flag as written, value) of each config flag of a container: `--config.file`, vmagent's `-promscrape.config`,
    the collector's `--config` — a message names the flag the user wrote."""
    return [(m.group(0).split("=", 1)[0].split()[0], m.group(1))
            for m in CONFIG_FLAG.finditer(" ".join(container.command + container.args))]


def _volume_key_paths(volume: YMap, holder_kind: str, name: str, key: str) -> list[str]:
    """Where the volume puts `key` of the ConfigMap/Secret `name`, relative to the volume's root: the key itself,
    or an `items` entry's path (with `items`, keys not listed are not in the volume at all)."""
    field, name_key = ("configMap", "name") if holder_kind == "ConfigMap" else ("secret", "secretName")
    candidates = [(as_map(volume.get(field)), name_key)] + [
        (as_map(as_map(s).get(field)), "name") for s in as_seq(as_map(volume.get("projected")).get("sources"))]
    sources = [source for source, name_field in candidates if source and as_str(source.get(name_field)) == name]
    paths = []
    for source in sources:
        items = source.get("items")
        if isinstance(items, list) and items:
            paths.extend(os.path.normpath(as_str(as_map(i).get("path"))) for i in items
                         if as_str(as_map(i).get("key")) == key and as_str(as_map(i).get("path")))
        else:
            paths.append(key)
    return paths


def _key_files(pod: PodTemplate, container: Any, holder_kind: str, name: str, key: str) -> tuple[set[str], set[str]]:
    """(files at which `key` of the ConfigMap/Secret appears in the container, mount paths of its volumes there)."""
    by_name = {as_str(v.get("name")): v for v, names in _pod_volume_refs(pod, holder_kind) if name in names}
    files: set[str] = set()
    roots: set[str] = set()
    for mount in container.mounts:
        volume = by_name.get(as_str(mount.get("name")))
        target = os.path.normpath(as_str(mount.get("mountPath")) or "/")
        if volume is None:
            continue
        roots.add(target)
        sub_path = os.path.normpath(as_str(mount.get("subPath"))) if as_str(mount.get("subPath")) else ""
        for relative in _volume_key_paths(volume, holder_kind, name, key):
            if not sub_path:
                files.add(os.path.normpath(os.path.join(target, relative)))
            elif relative == sub_path:
                files.add(target)
            elif relative.startswith(sub_path + "/"):
                files.add(os.path.normpath(os.path.join(target, relative[len(sub_path) + 1:])))
    return files, roots


def mounted_key(pod: PodTemplate, container: Any, path: str, workspace: Workspace) -> tuple[str, str, str] | None:
    """(ConfigMap|Secret, name, key) of the object whose key a volume puts at `path` in the container (a file a
    flag names: kube-rbac-proxy's --config-file); key "" when a volume of a ConfigMap/Secret that the inputs lack
    is mounted over the path (the file may be any of its keys). None when no such volume covers the path. A path
    through the volume's atomic-writer directory (<mount>/..data/<key>) is that key's file."""
    path = _through_data_dir(os.path.normpath(path))
    absent = None
    for kind in ("ConfigMap", "Secret"):
        for _volume, names in _pod_volume_refs(pod, kind):
            for name in sorted(names):
                holder = workspace.find(kind, pod.obj.namespace, name)
                if holder is None:
                    roots = _key_files(pod, container, kind, name, os.path.basename(path))[1]
                    if absent is None and any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots):
                        absent = (kind, name, "")
                    continue
                for key in holder_keys(holder):
                    if path in _key_files(pod, container, kind, name, key)[0]:
                        return kind, name, key
    return absent


def unheld_mounted_file(pod: PodTemplate, container: Any, path: str, workspace: Workspace) -> tuple[K8sObject, str] | None:
    """(ConfigMap/Secret, mountPath) when the innermost volumeMount of the container over `path` is a volume of
    ConfigMaps/Secrets that are all in the inputs and none of them puts a file at `path`: the mount hides the
    image's directory and the volume is read-only, so the file does not exist. None when the file is there, or
    may be (another kind of source, a ConfigMap/Secret the inputs lack, no mount over the path). <mount>/..data/<key>
    is the key's file too (_through_data_dir)."""
    path = _through_data_dir(os.path.normpath(path))
    covering = [m for m in container.mounts if as_str(m.get("mountPath"))
                and _covers(os.path.normpath(as_str(m.get("mountPath"))), path)]
    if not covering:
        return None
    mount = max(covering, key=lambda m: len(os.path.normpath(as_str(m.get("mountPath")))))
    innermost = os.path.normpath(as_str(mount.get("mountPath")))
    if any(_covers(injected, path) and len(injected) >= len(innermost) for injected in vault_injected_mounts(pod, container)):
        return None  # the Vault Agent Injector's writable volume is mounted over the path instead
    volume = next((v for v in pod.volumes if as_str(v.get("name")) == as_str(mount.get("name"))), None)
    if volume is None:
        return None
    sources = [as_map(volume.get("configMap")), as_map(volume.get("secret"))] if "projected" not in volume else [
        as_map(s) for s in as_seq(as_map(volume.get("projected")).get("sources"))]
    holders = []
    for kind in ("ConfigMap", "Secret"):
        for name in _volume_refs(volume, kind):
            holder = workspace.find(kind, pod.obj.namespace, name)
            # its keys are not all in the inputs: the token controller fills a service-account-token Secret,
            # and an object written without data is a placeholder filled out of band (a sealed/external secret)
            # (and a controller's object — an ExternalSecret merging keys in, a SealedSecret — writes it too)
            if (holder is None or as_str(holder.doc.get("type")) == SA_TOKEN_SECRET or not holder_keys(holder)
                    or (kind == "Secret" and {(holder.namespace, name), ("*", name)}
                        & _secrets_written_by_controllers(workspace))):
                return None
            holders.append(holder)
    # every source must be a ConfigMap/Secret (a projected token or downward API file may be the one read)
    if not holders or len(holders) != len([s for s in sources if s]):
        return None
    if mounted_key(pod, container, path, workspace) is not None:
        return None
    return holders[0], os.path.normpath(as_str(mount.get("mountPath")))


VAULT_ANNOTATION = "vault.hashicorp.com/"


def vault_injected_mounts(pod: PodTemplate, container: Any) -> list[str]:
    """The mount paths the Vault Agent Injector's webhook adds to a container of a pod annotated
    `vault.hashicorp.com/agent-inject: "true"`: its emptyDir, where the agent renders the secrets, at
    `secret-volume-path` (default /vault/secrets) and at each `secret-volume-path-<name>` (vault-k8s
    agent-inject/agent/container_volume.go ContainerVolumeMounts, getUniqueMountPaths), in every app container or
    only those `agent-inject-containers` lists. A file the config reads there is the agent's, not a ConfigMap's the
    template mounts above it."""
    annotations = pod.annotations
    if annotations.get(VAULT_ANNOTATION + "agent-inject", "") not in GO_TRUE:  # (the webhook's strconv.ParseBool)
        return []
    only = [name.strip() for name in annotations.get(VAULT_ANNOTATION + "agent-inject-containers", "").split(",")
            if name.strip()]
    if only and container.name not in only:
        return []
    default = annotations.get(VAULT_ANNOTATION + "secret-volume-path") or "/vault/secrets"
    custom = [value for key, value in annotations.items()
              if key.startswith(VAULT_ANNOTATION + "secret-volume-path-") and value]
    return [os.path.normpath(path) for path in [default, *custom] if path.startswith("/")]


# Controllers that write a Secret's keys from an object of their own, the Secret of that name and namespace (the
# first name one of the paths gives, else the object's own): External Secrets' ExternalSecret (spec.target.name;
# `creationPolicy: Merge` adds its keys to a Secret written beside it) and ClusterExternalSecret (cluster-scoped: the
# ExternalSecret it makes in each namespace it selects, named spec.externalSecretName, writes the target of its
# spec.externalSecretSpec — external-secrets apis/externalsecrets/v1beta1/clusterexternalsecret_types.go), Bitnami's
# SealedSecret, cert-manager's Certificate (spec.secretName: the issuing controller sets tls.crt, tls.key and, when
# the issuer gives one, ca.crt in that Secret, keeping a Secret of that name that exists — cert-manager
# pkg/controller/certificates/issuing/internal/secret.go setValues) and the Vault Secrets Operator's secret kinds
# (spec.destination.name; with `create: false` it writes into a Secret that exists — vault-secrets-operator
# api/v1beta1/vaultstaticsecret_types.go Destination).
_VSO_DESTINATION = (("spec", "destination", "name"),)
_SECRET_WRITERS = {"ExternalSecret": (("spec", "target", "name"),), "SealedSecret": (),
                   "ClusterExternalSecret": (("spec", "externalSecretSpec", "target", "name"),
                                             ("spec", "externalSecretName")),
                   "Certificate": (("spec", "secretName"),), "VaultStaticSecret": _VSO_DESTINATION,
                   "VaultDynamicSecret": _VSO_DESTINATION, "VaultPKISecret": _VSO_DESTINATION,
                   "HCPVaultSecretsApp": _VSO_DESTINATION}
# Writers whose Secret may be in any namespace: "*" stands for the namespace in the set below.
_CLUSTER_SECRET_WRITERS = frozenset({"ClusterExternalSecret"})


def _secrets_written_by_controllers(workspace: Workspace) -> frozenset[tuple[str, str]]:
    """(namespace, name) of the Secrets a controller's object of the inputs writes (_SECRET_WRITERS; namespace "*"
    for a cluster-scoped one's): their keys are not all in the inputs even where a Secret of that name is. Built
    once per workspace."""
    def build() -> frozenset[tuple[str, str]]:
        found = set()
        for kind, paths in _SECRET_WRITERS.items():
            for obj in workspace.kind(kind):
                name = next((as_str(get_path(obj.doc, *path)) for path in paths if as_str(get_path(obj.doc, *path))),
                            obj.name)
                found.add(("*" if kind in _CLUSTER_SECRET_WRITERS else obj.namespace, name))
        return frozenset(found)

    return workspace.index("secrets written by controllers", build)


def _loads_key(pod: PodTemplate, holder_kind: str, name: str, key: str, includes: Includes | None = None) -> str | None:
    """_how_loaded, remembered on the template (which lives as long as its file's Source) while no config's
    `scrape_config_files` is keyed to a ConfigMap/Secret key: then the answer reads the pod alone, and the identity
    resolution asks it for every mounting pod of every config at each re-lint of the language server."""
    if includes is not None and includes.keyed:
        return _how_loaded(pod, holder_kind, name, key, includes)  # other configs' globs decide too
    memo = pod.__dict__.setdefault("_loads_key", {})
    found = memo.get((holder_kind, name, key))
    if found is None:
        found = memo[(holder_kind, name, key)] = _how_loaded(pod, holder_kind, name, key, None)
    return found


def _refine_image(pod: PodTemplate, holder_kind: str, name: str, key: str, includes: Includes | None,
                  found: str | None) -> str | None:
    """"unincluded" for an "image" answer when the file a config flag names is another config of the inputs (held
    in a ConfigMap/Secret key mounted there): Prometheus loads that config and, of other files, only those its
    scrape_config_files take in (config/config.go GetScrapeConfigs), which did not take this key in (else the
    answer was "include"). Outside the memo: it depends on the other objects of the inputs, not the pod alone."""
    if found == "image" and includes is not None and _loaded_instead(pod, holder_kind, name, key, includes):
        return "unincluded"
    return found


def _loaded_instead(pod: PodTemplate, holder_kind: str, name: str, key: str,
                    includes: Includes) -> tuple[Any, str, tuple[str, str, str], list[str], set[str]] | None:
    """(container, the path its config flag names, the (kind, name, key) of the config of the inputs mounted at
    that path, that config's globs, the files `key` is mounted at), for a container that mounts `key` but whose
    config flag names another config of the inputs. None when none does."""
    for container in pod.containers:
        files, _roots = _key_files(pod, container, holder_kind, name, key)
        if not files:
            continue
        for path in config_file_paths(container):
            for (kind, namespace, other, other_key), globs in includes.held.items():
                if namespace != pod.obj.namespace or (kind, other, other_key) == (holder_kind, name, key):
                    continue
                if path in _key_files(pod, container, kind, other, other_key)[0]:
                    return container, path, (kind, other, other_key), globs, files
    return None


def unincluded_loaders(analysis: Analysis, config: PromConfig) -> list[Identity]:
    """The ServiceAccounts of the pods that mount `config` (a ConfigMap/Secret key) beside the config their flag names,
    whose scrape_config_files leave the key out (KS100 says so): KS100's fix (a glob that reaches the key) runs its
    jobs as them, so the grant rules keep what those jobs need. Empty for any other config."""
    holder = config.holder
    if holder is None or not config.key or analysis.resolutions.get(id(config)) is None:
        return []
    if analysis.resolutions[id(config)].identity is not None:
        return []
    includes = analysis.__dict__.get("_includes")
    if includes is None:
        includes = analysis.__dict__["_includes"] = scrape_config_includes(analysis.configs, analysis.workspace)
    pods = _pods_by_volume_source(analysis.workspace).get((holder.kind, holder.namespace, holder.name), [])
    return list(dict.fromkeys(
        Identity(pod.obj.namespace, pod.service_account) for pod in pods
        if _refine_image(pod, holder.kind, holder.name, config.key, includes,
                         _loads_key(pod, holder.kind, holder.name, config.key, includes)) == "unincluded"))


def _unincluded_reason(pods: list[PodTemplate], kind: str, name: str, key: str, includes: Includes) -> tuple[str, str]:
    """Why the config a pod's flag names does not take in `key`, and the fix: a glob that reaches the key's file."""
    for pod in pods:
        found = _loaded_instead(pod, kind, name, key, includes)
        if found is None:
            continue
        container, path, (other_kind, other, other_key), globs, files = found
        at_files = ", ".join(sorted(files))
        loaded = f"its config flag names {path}, {other_kind} {other} key {other_key} of the inputs"
        globs_text = (f"whose scrape_config_files ({', '.join(globs)}) take in no file key {key} is mounted at "
                      f"({at_files})" if globs else f"which has no scrape_config_files, so key {key} (mounted at "
                      f"{at_files}) is never read")
        target = sorted(files)[0]
        fix = (f"If key {key} holds jobs container {container.name} of {pod.obj.kind} {pod.obj.namespace}/"
               f"{pod.obj.name} should run, list {os.path.dirname(target)}/*{os.path.splitext(target)[1]} (or "
               f"{target}) under scrape_config_files in {other_kind} {other} key {other_key}, or mount key {key} "
               f"where an existing glob reaches (Prometheus >= 2.43).")
        return f"{loaded}, {globs_text}", fix
    return f"the config flag names another config, not key {key}", ""


def _how_loaded(pod: PodTemplate, holder_kind: str, name: str, key: str, includes: Includes | None) -> str:
    """How the pod comes to load `key` of a ConfigMap/Secret it mounts: "flag" when a container's config flag
    names the file the key is mounted at; "include" when the config a flag names lists that file in its
    `scrape_config_files`; "image" when the key is mounted, no config flag names a file of this ConfigMap/Secret
    and the pod runs a scraper image; "mount" when only the key is mounted (an agent that names the file in a
    config of its own); "absent" when `items` or `subPath` leave the key out; "other" when a config flag names
    another key of it, or a file of the image (no volume of the container is mounted over it); "url" when the config
    flag of a container the key is mounted in names a URL."""
    mounted = False
    other = False
    url = False
    for container in pod.containers:
        files, roots = _key_files(pod, container, holder_kind, name, key)
        mounted = mounted or bool(files)
        for path in config_file_paths(container):
            if not path:  # its program loads no config file (vmagent without -promscrape.config)
                other = other or bool(files)
                continue
            if path in files:
                return "flag"
            if includes is not None and includes.keyed and files and _included(pod, container, path, files, includes):
                return "include"
            if any(_covers(root, path) for root in roots) or (files and _image_file(container, path, files)):
                other = True
            elif _sibling_mount(pod, container, path, holder_kind, name, key) is not None:
                other = True
        url = url or bool(files and config_flag_urls(container))
    if not mounted:
        return "absent"
    if other:
        return "other"
    if url:
        return "url"
    return "image" if looks_like_prometheus(pod) else "mount"


def _sibling_mount(pod: PodTemplate, container: Any, path: str, holder_kind: str, name: str, key: str) -> Any:
    """The other container of the pod where the key is mounted at `path`, when `container`'s config flag names that
    path but no volume of its own is mounted over it: volumes are mounted per container (a config-reloader sidecar
    mounting the ConfigMap does not put it in the Prometheus container), so Prometheus reads the image's file there,
    or none and fails to start. None otherwise (and when a shell runs the command: a script may fetch the file)."""
    if any(os.path.basename(word) in SHELLS for word in (container.command + container.args)[:4]):
        return None
    if any(_covers(os.path.normpath(as_str(m.get("mountPath"))), path)
           for m in container.mounts if as_str(m.get("mountPath"))):
        return None
    return next((other for other in pod.containers if other is not container
                 and path in _key_files(pod, other, holder_kind, name, key)[0]), None)


def _mount_over(container: Any, path: str) -> str:
    """The container's volumeMount over `path`, as a flow mapping to copy (`{name: config, mountPath: /etc/config}`)."""
    for mount in container.mounts:
        if as_str(mount.get("mountPath")) and _covers(os.path.normpath(as_str(mount.get("mountPath"))), path):
            keys = ("name", "mountPath", "subPath", "readOnly")
            return "{" + ", ".join(f"{k}: {str(mount.get(k)).lower() if isinstance(mount.get(k), bool) else as_str(mount.get(k))}"
                                   for k in keys if k in mount) + "}"
    return f"the one at {path}"


def _covers(root: str, path: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _image_file(container: Any, path: str, files: set[str]) -> bool:
    """True when the config flag names a file no volume mount of the container covers, so Prometheus reads the
    image's file (prom/prometheus ships /etc/prometheus/prometheus.yml) or fails to start, not the key mounted at
    `files`. Not when a shell runs the command line, nor when it names the key's file: a script may copy, sed or
    envsubst the key to `path` first, naming it through a variable, a glob or a `cd` (`cp /etc/tmpl/* /tmp/`)."""
    mounts = [os.path.normpath(as_str(m.get("mountPath"))) for m in container.mounts if as_str(m.get("mountPath"))]
    if any(_covers(root, path) for root in mounts):
        return False
    words = container.command + container.args
    if any(os.path.basename(word) in SHELLS for word in words[:4]):  # (after tini --, dumb-init)
        return False
    line = " ".join(words)
    return not any(file in line for file in files)


# Shells a container's command line may start with (`sh -c`, `/bin/bash -ec`, `busybox sh -c`, `tini -- sh`).
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})


def _absent_key_fix(pods: list[PodTemplate], kind: str, name: str, key: str, keys: list[str]) -> str:
    """The mount change that puts `key` where a container's config flag looks, when the flag names a file inside
    a mount of the ConfigMap/Secret that no key fills (a subPath or an `items` path naming no key: Prometheus finds
    no file there and does not start): `subPath: <key>`, or an `items` entry. "" when the flag names another key's
    file (the pod loads that one on purpose) or no such mount."""
    field, name_key = ("configMap", "name") if kind == "ConfigMap" else ("secret", "secretName")
    for pod in pods:
        volumes = {as_str(v.get("name")): v for v, names in _pod_volume_refs(pod, kind) if name in names}
        for container in pod.containers:
            keyed = set().union(*(_key_files(pod, container, kind, name, k)[0] for k in keys))
            for flag, _value, path in _config_flag_files(container):
                if path in keyed:
                    continue
                for mount in container.mounts:
                    volume = volumes.get(as_str(mount.get("name")))
                    root = os.path.normpath(as_str(mount.get("mountPath")) or "/")
                    source = as_map(volume.get(field)) if volume is not None else None
                    # a plain configMap/secret volume of this object (projected ones: the fix would name a source)
                    if not source or as_str(source.get(name_key)) != name or not _covers(root, path):
                        continue
                    where = f"the volumeMount {_mount_over(container, path)} of container {container.name} of " \
                            f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
                    items = source.get("items")
                    if as_str(mount.get("subPath")) and path == root and not (isinstance(items, list) and items):
                        return f"Set `subPath: {key}` on {where}, so that {flag} finds key {key} at {path}."
                    if not as_str(mount.get("subPath")) and isinstance(items, list) and items:
                        relative = os.path.relpath(path, root)
                        volume_of = f"volume {as_str(volume.get('name'))} of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
                        # an entry already writes that path from a key the object lacks (the kubelet refuses to
                        # mount it): name the key there, rather than adding a second entry for the same path
                        entry = next((as_map(i) for i in items
                                      if os.path.normpath(as_str(as_map(i).get("path"))) == relative), None)
                        if entry is not None:
                            return (f"In the items of {volume_of}, make the entry for path {relative} name key {key} "
                                    f"instead of {as_str(entry.get('key'))}, which {kind} {name} does not hold.")
                        return (f"Add `{{key: {key}, path: {relative}}}` to the items of {volume_of}, so that {flag} "
                                f"finds key {key} at {path}.")
    return ""


def holder_keys(holder: K8sObject | None) -> list[str]:
    """The keys of a ConfigMap (data, binaryData) or Secret (stringData, data) as the inputs write it, each once;
    none for an object not in the inputs."""
    if holder is None:
        return []
    sections = ("data", "binaryData") if holder.kind == "ConfigMap" else ("stringData", "data")
    return list(dict.fromkeys(as_str(k) for s in sections for k in as_map(holder.doc.get(s))))


def _flag_elsewhere(pods: list[PodTemplate], kind: str, name: str, key: str) -> tuple[str, str]:
    """Why a config flag that points into the mount does not load `key`: the file it names, and where the key is
    (another key's file, or no file at all: items/subPath renamed it, and Prometheus fails to start); and the fix.
    Pointing the flag at the key is right only if the key is the config that pod should run (it may load another
    key on purpose): the fix says so, and keeps the other way out, the workload that does load it."""
    for pod in pods:
        for container in pod.containers:
            files, roots = _key_files(pod, container, kind, name, key)
            for flag, value, path in _config_flag_files(container):
                if not path:
                    if files:
                        return (f"container {container.name} loads no config file: {flag}",
                                f"If key {key} is the config container {container.name} of {pod.obj.kind} "
                                f"{pod.obj.namespace}/{pod.obj.name} should run, "
                                f"{_config_flag_fix(container, flag, sorted(files)[0])}.")
                    continue
                # A relative value: say that the working directory puts it there.
                named = path if value.startswith("/") else f"{path} ({value} in workingDir {container.node.get('workingDir')})"
                sibling = _sibling_mount(pod, container, path, kind, name, key)
                if sibling is not None:
                    return (f"{flag} of container {container.name} names {named}, where key {key} is mounted only in "
                            f"container {sibling.name}: container {container.name} mounts no volume there, so it reads "
                            f"the image's file, or none and fails to start",
                            f"Add to container {container.name} of {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name} the "
                            f"volumeMount container {sibling.name} has: {_mount_over(sibling, path)}.")
                if files and any(_covers(root, path) for root in vault_injected_mounts(pod, container)):
                    # (not the image's file: the injector's emptyDir is there, and the agent renders the file)
                    return (f"{flag} names {named}, under the volume the Vault Agent Injector mounts in container "
                            f"{container.name} (the pod's vault.hashicorp.com annotations): the agent renders that "
                            f"file from Vault, not key {key} (it is at {', '.join(sorted(files))})",
                            f"If key {key} is the config container {container.name} of {pod.obj.kind} "
                            f"{pod.obj.namespace}/{pod.obj.name} should run, {_config_flag_fix(container, flag, sorted(files)[0])}.")
                if files and _image_file(container, path, files):
                    return (f"{flag} names {named}, which no volume of container {container.name} is mounted over "
                            f"(the image's file, or none), not key {key} (it is at {', '.join(sorted(files))})",
                            f"If key {key} is the config container {container.name} of {pod.obj.kind} "
                            f"{pod.obj.namespace}/{pod.obj.name} should run, {_config_flag_fix(container, flag, sorted(files)[0])}.")
                if not any(_covers(root, path) for root in roots):
                    continue
                where = f"it is at {', '.join(sorted(files))}" if files else "it is not in the mount"
                fix = (f"If key {key} is the config container {container.name} of {pod.obj.kind} "
                       f"{pod.obj.namespace}/{pod.obj.name} should run, {_config_flag_fix(container, flag, sorted(files)[0])}"
                       f"{f' instead of {path}' if flag.startswith('-') else ''}; otherwise lint the config together with the workload "
                       f"that loads it, or name the identity with `--identity NAMESPACE/SERVICEACCOUNT` (or "
                       f"`identities` in the configuration).") if files else ""
                return f"{flag} names {named}, not key {key} ({where})", fix
    return f"the config flag names another of its files, not key {key}", ""


def loading_containers(pod: PodTemplate, config: PromConfig) -> list[Any]:
    """The containers of `pod` that read `config`: those whose config flag names the file its key is mounted at,
    else every container the key is mounted in (a sidecar that reloads it, an agent naming it in its own config).
    Empty when the config is not a mounted ConfigMap/Secret key."""
    holder = config.holder
    if holder is None or not config.key:
        return []
    flagged, mounted = [], []
    for container in pod.containers:
        files, _roots = _key_files(pod, container, holder.kind, holder.name, config.key)
        if files and any(path in files for path in config_file_paths(container)):
            flagged.append(container)
        elif files:
            mounted.append(container)
    return flagged or mounted


@dataclass(eq=False)
class Includes:
    """The `scrape_config_files` globs of the configs in the inputs. Prometheus (>= 2.43) reads every file they
    match as more `scrape_configs` of the same server (prometheus config/config.go GetScrapeConfigs), so what a
    glob reaches is loaded by whatever loads the config naming it."""

    # (ConfigMap|Secret, namespace, name, key) of a config held in one (or made of a file by a kustomize
    # configMapGenerator) → its globs: a key mounted where a glob reaches is loaded by the pod loading the config.
    keyed: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)
    # Every config of the inputs held in a ConfigMap/Secret key, with its globs (maybe none): a pod whose config
    # flag names one of them loads that config, and another key it mounts only where those globs reach.
    held: dict[tuple[str, str, str, str], list[str]] = field(default_factory=dict)
    # Configs that are files of the inputs, with their globs: another such file that a glob reaches runs as they do.
    files: list[tuple[PromConfig, list[str]]] = field(default_factory=list)


def scrape_config_includes(configs: list[PromConfig], workspace: Workspace) -> Includes:
    includes = Includes()
    for config in configs:
        globs = [as_str(g) for g in as_seq(config.root.get("scrape_config_files")) if as_str(g)]
        if config.holder is not None and config.key:
            includes.held[(config.holder.kind, config.holder.namespace, config.holder.name, config.key)] = globs
        if not globs:
            continue
        if config.holder is not None:
            if config.key:
                includes.keyed[(config.holder.kind, config.holder.namespace, config.holder.name, config.key)] = globs
            continue
        if config.origin != "config":
            continue
        generated = _kustomize_generated(config, workspace)
        if generated is not None:
            namespace, name, key = generated
            includes.keyed[("ConfigMap", namespace, name, key)] = globs
        includes.files.append((config, globs))
    return includes


def _including_file(config: PromConfig, includes: Includes) -> tuple[PromConfig, str] | None:
    """The config file of the inputs whose scrape_config_files take in `config` (a file of the inputs too), with
    the glob. A relative glob is relative to the including file's directory, as Prometheus joins it
    (config.SetDirectory). An absolute one names the runtime layout, not the repository's: it is matched by its
    last components against the path relative to the including file's directory (`/etc/prometheus/scrape.d/*.yml`
    takes in `scrape.d/kubelet.yml` beside `prometheus.yml`) — an inference the identity's reason states."""
    if config.holder is not None or config.origin != "config":
        return None
    path = os.path.abspath(config.path)
    for parent, globs in includes.files:
        if parent is config:
            continue
        base = os.path.dirname(os.path.abspath(parent.path))
        relative = os.path.relpath(path, base).replace(os.sep, "/")
        for glob in globs:
            if not glob.startswith("/"):
                if go_path_match(os.path.normpath(os.path.join(base, glob)), path):
                    return parent, glob
            elif not relative.startswith("../"):
                tail = "/".join(glob.split("/")[-(relative.count("/") + 1):])
                if go_path_match(tail, relative):
                    return parent, glob
    return None


def _included(pod: PodTemplate, container: Any, config_path: str, files: set[str], includes: Includes) -> bool:
    """Whether the config at `config_path` in the container (a file its config flag names) is one of `includes`
    whose scrape_config_files globs match one of `files`. Relative globs are relative to the config's directory
    (config.SetDirectory joins them with it, and filepath.Join cleans `./`, `../` and `//` away; an absolute glob
    keeps them, but the OS resolves them when filepath.Glob opens the directory), so the joined glob is compared
    normalised, as _including_file does."""
    for (kind, namespace, name, key), globs in includes.keyed.items():
        if namespace != pod.obj.namespace:
            continue
        if config_path not in _key_files(pod, container, kind, name, key)[0]:
            continue
        base = os.path.dirname(config_path)
        if any(go_path_match(os.path.normpath(os.path.join(base, glob)), os.path.normpath(file))
               for glob in globs for file in files):
            return True
    return False


def _pods_by_volume_source(workspace: Workspace) -> dict[tuple[str, str, str], list[PodTemplate]]:
    """(ConfigMap|Secret, namespace, name) → pod templates with a volume of it, in input order (built once:
    a scan of every workload per config was quadratic — 4.8 s of 10,000 objects)."""

    def build() -> dict[tuple[str, str, str], list[PodTemplate]]:
        index: dict[tuple[str, str, str], list[PodTemplate]] = {}
        for pod in workspace.workloads:
            for kind in ("ConfigMap", "Secret"):
                for _volume, names in _pod_volume_refs(pod, kind):
                    for name in names:
                        bucket = index.setdefault((kind, pod.obj.namespace, name), [])
                        if not bucket or bucket[-1] is not pod:
                            bucket.append(pod)
        return index

    return workspace.index("pods-by-volume-source", build)


def _pod_volume_refs(pod: PodTemplate, holder_kind: str) -> list[tuple[YMap, tuple[str, ...]]]:
    """(volume, ConfigMap/Secret names it projects) per volume; cached on the template, which lives as long as
    its file's Source (the language server rebuilds this index on every edit)."""
    cache = pod.__dict__.setdefault("_volume_refs", {})
    refs = cache.get(holder_kind)
    if refs is None:
        refs = cache[holder_kind] = [(volume, _volume_refs(volume, holder_kind)) for volume in pod.volumes]
    return refs


def workloads_loading(workspace: Workspace, kind: str, namespace: str, name: str) -> list[PodTemplate]:
    """Workloads whose pod template mounts the ConfigMap/Secret `namespace/name`."""
    found = []
    for pod in _pods_by_volume_source(workspace).get((kind, namespace, name), ()):
        volumes = {as_str(v.get("name")) for v, names in _pod_volume_refs(pod, kind) if name in names}
        if not volumes:
            continue
        if any(as_str(m.get("name")) in volumes for c in pod.containers for m in c.mounts):
            found.append(pod)
    found.sort(key=lambda p: (not looks_like_prometheus(p), p.obj.path, p.obj.name))
    return found


def unserved_workloads(workspace: Workspace) -> list[PodTemplate]:
    """The pod templates of the workloads left out because the cluster does not serve their apiVersion (KS602),
    built once per workspace (its `unserved` objects are in no other index): the identity resolution and the workload rules
    (checks/workload.py) see the same template objects, so a resolution's pod is known as the scraper it is."""
    return workspace.index("unserved workloads", lambda: [
        pod for pod in (pod_template(obj) for obj in workspace.unserved if obj.kind in WORKLOAD_KINDS)
        if pod is not None])


def _unserved_workloads_loading(workspace: Workspace, kind: str, namespace: str | None, name: str) -> list[PodTemplate]:
    """Like workloads_loading (`namespace` None: in any namespace), among unserved_workloads."""
    found = []
    for pod in unserved_workloads(workspace):
        if namespace is not None and pod.obj.namespace != namespace:
            continue
        volumes = {as_str(v.get("name")) for v, names in _pod_volume_refs(pod, kind) if name in names}
        if volumes and any(as_str(m.get("name")) in volumes for c in pod.containers for m in c.mounts):
            found.append(pod)
    found.sort(key=lambda p: (not looks_like_prometheus(p), p.obj.path, p.obj.name))
    return found


def _other_namespace_note(workspace: Workspace, kind: str, namespace: str, name: str) -> str:
    """The workloads of other namespaces that mount a ConfigMap/Secret of this name: a volume names one of the
    pod's own namespace only, so where the inputs hold none there (a Deployment that names no namespace lands in
    the default one, its ConfigMap in `monitoring`), the pod never starts (FailedMount) and nothing loads this
    config. Said in the KS100, which otherwise reads as if no Prometheus had been written at all."""
    notes = []
    for pod in _other_namespace_pods(workspace, kind, namespace, name):
        placed = "" if pod.obj.namespace_explicit else " (it names no namespace: placed in " + pod.obj.namespace + ")"
        notes.append(f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}{placed} mounts {kind} "
                     f"{pod.obj.namespace}/{name}, which the inputs do not define")
    if not notes:
        return ""
    return f"; {'; '.join(notes)}: a pod mounts {kind}s of its own namespace only"


def _other_namespace_pods(workspace: Workspace, kind: str, namespace: str, name: str) -> list[PodTemplate]:
    """The workloads of other namespaces that mount a ConfigMap/Secret `name` their own namespace lacks."""
    served = [pod for (holder_kind, pod_namespace, holder_name), pods in _pods_by_volume_source(workspace).items()
              if holder_kind == kind and holder_name == name and pod_namespace != namespace for pod in pods]
    unserved = [pod for pod in _unserved_workloads_loading(workspace, kind, None, name) if pod.obj.namespace != namespace]
    # (a namespace that has its own: a config of its own, resolved on its own)
    return [pod for pod in dict.fromkeys(served + unserved) if workspace.find(kind, pod.obj.namespace, name) is None]


def _other_namespace_fix(workspace: Workspace, kind: str, namespace: str, name: str) -> str:
    """KS100's fix beside _other_namespace_note: the workload into the config's namespace, or the config into the
    workload's. Where a Kustomization's `namespace:` (or a GitOps object's target namespace) builds the workload's
    file, its metadata.namespace is overwritten by that build (kustomize's namespace transformer): the namespace to
    change is the build's."""
    from .kustomize import workspace_builds  # (only for this rare finding: not on every lint's path)

    pods = _other_namespace_pods(workspace, kind, namespace, name)
    builds = workspace_builds(workspace) if pods else None
    setter = builds.namespace_setters().get(os.path.abspath(pods[0].obj.path)) if builds is not None else None
    move = (f"give it `metadata.namespace: {namespace}` (its ServiceAccount and the bindings' subjects move with it)"
            if setter is None else
            f"{setter[1]} sets namespace {setter[0]} for the build that includes {pods[0].obj.path}, which overrides "
            f"its metadata.namespace, so set {namespace} there (it moves every namespaced object of that build; "
            f"the bindings' subjects of its ServiceAccount must follow)")
    return (f"Run the workload meant to load it in namespace {namespace}, beside {kind} {namespace}/{name}: {move}, or "
            f"put the {kind} in the workload's namespace; then lint again.")


def _unselected_fix(workspace: Workspace, monitor: K8sObject) -> str:
    """KS100's fix for a monitor no Prometheus selects. The operator-side change (scope, instance selector,
    controller-id) and the selector-side one (labels of the monitor or of its Namespace) are independent reasons
    the message lists together: applying only the first would leave the monitor unselected, so both are given."""
    fixes = [fix for fix in (operator_scope_fix(workspace, monitor),
                             label_selection_fix(workspace, monitor) or namespace_selection_fix(workspace, monitor)) if fix]
    return fixes[0] + "".join(f" Also {fix[0].lower()}{fix[1:]}" for fix in fixes[1:]) if fixes else ""


def _from_holder(workspace: Workspace, kind: str, namespace: str, name: str, key: str, how: str, made: str,
                 includes: Includes | None) -> Resolution:
    """The identity of the pods loading `key` (none: the whole object) of the ConfigMap/Secret holding a config;
    unresolved where no workload mounts it. `made` says where a generated holder comes from."""
    mounting = workloads_loading(workspace, kind, namespace, name)
    if not mounting:
        unserved = _unserved_workloads_loading(workspace, kind, namespace, name)
        if not unserved:
            note = _other_namespace_note(workspace, kind, namespace, name)
            return Resolution(None, f"no workload in namespace {namespace} mounts {kind} {name}{made}" + note,
                              fix=_other_namespace_fix(workspace, kind, namespace, name) if note else "")
        return _once_served(_from_loaders(unserved, kind, name, key, how, includes)
                            if key else _from_pod(unserved[0], how))
    if not key:
        return _from_pod(mounting[0], how)
    return _from_loaders(mounting, kind, name, key, how, includes, holder_keys(workspace.find(kind, namespace, name)))


def _once_served(resolution: Resolution) -> Resolution:
    """A config loaded only by a workload of an apiVersion the cluster does not serve: KS602 says the workload
    never exists as written, and its fix changes the apiVersion (and adds a selector), not the pod template, so
    the ServiceAccount the config will run as is already certain. The access checks run as that account now,
    so the 403s the user would meet once the workload is fixed come in the same run, not the next one; the
    reason says why the identity holds only then."""
    for each in resolution.each:
        pod = each.pod
        if pod is None:  # unresolved among several of them (KS100): say that none of them exists yet either
            each.reason += " (and as written the cluster creates none of them: their apiVersion is not served, KS602)"
            continue
        each.reason += (f", once that {pod.obj.kind} is created: as written it uses apiVersion "
                        f"{pod.obj.api_version}, which the cluster does not serve (KS602)")
    return resolution


def _from_pod(pod: PodTemplate, how: str) -> Resolution:
    identity = Identity(pod.obj.namespace, pod.service_account)
    key = "serviceAccountName" if "serviceAccountName" in pod.spec else "serviceAccount"
    span = at(pod.obj.path, pod.spec.value_pos(key)) if pod.service_account_explicit else pod.obj.span
    default = "" if pod.service_account_explicit else " (no serviceAccountName: the namespace's `default` ServiceAccount)"
    return Resolution(identity, f"{how} {pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}{default}", span, pod,
                      namespace_assumed=not pod.obj.namespace_explicit)


def _from_loaders(mounting: list[PodTemplate], kind: str, name: str, key: str, how: str,
                  includes: Includes | None = None, keys: list[str] | None = None) -> Resolution:
    """The identity of the pods that load `key` of the ConfigMap/Secret `name`, among those that mount it: those
    whose config flag names the key's file, else those running a scraper image, else those that merely mount it.
    Pods that lack the key (`items`, `subPath`) or whose config flag names another key of it do not load it.
    Loaders with different ServiceAccounts all run it (SPEC §3): the resolution of the first by namespace/name,
    with the others' in `also`. `keys`: the object's keys in the inputs, for the fix when none loads it."""
    ways = [(pod, _refine_image(pod, kind, name, key, includes, _loads_key(pod, kind, name, key, includes)))
            for pod in mounting]
    # A file the config flag names and a file its scrape_config_files globs take in are loaded alike.
    tiers = (("flag", "include"), ("image",), ("mount",))
    loaders = next(([pod for pod, way in ways if way in tier] for tier in tiers if any(way in tier for _, way in ways)), [])

    def names(pods: list[PodTemplate], accounts: bool = False) -> str:
        return ", ".join(dict.fromkeys(f"{p.obj.kind} {p.obj.namespace}/{p.obj.name}"
                                       + (f" (as {p.obj.namespace}/{p.service_account})" if accounts else "")
                                       for p in pods))

    if not loaders:
        if all(way == "absent" for _, way in ways):
            return Resolution(None, f"{kind} {name} is mounted by {names(mounting)}, but its `items` or `subPath` "
                              f"leave out key {key}", fix=_absent_key_fix(mounting, kind, name, key, keys or []))
        if any(way == "url" for _, way in ways):
            return Resolution(None, f"{kind} {name} is mounted by {names(mounting)}, but the config flag names a URL, "
                              f"which is loaded instead of key {key}")
        if includes is not None and any(way == "unincluded" for _, way in ways):
            reason, fix = _unincluded_reason([pod for pod, way in ways if way == "unincluded"], kind, name, key,
                                             includes)
            return Resolution(None, f"{kind} {name} is mounted by {names(mounting)}, but {reason}", fix=fix)
        reason, fix = _flag_elsewhere([pod for pod, way in ways if way == "other"], kind, name, key)
        return Resolution(None, f"{kind} {name} is mounted by {names(mounting)}, but {reason}", fix=fix)
    way = dict(ways)
    included = f"{kind} {name} key {key} is among the scrape_config_files of the config loaded by"
    # One resolution per ServiceAccount, from the first of its loaders; several run the config as each of them.
    first: dict[Identity, PodTemplate] = {}
    for pod in loaders:
        first.setdefault(Identity(pod.obj.namespace, pod.service_account), pod)
    each = [_from_pod(pod, included if way.get(pod) == "include" else how)
            for _identity, pod in sorted(first.items(), key=lambda kv: (kv[0].namespace, kv[0].name))]
    each[0].also = each[1:]
    return each[0]


def resolve_identity(
    config: PromConfig, workspace: Workspace, identity_override: Identity | None,
    identity_globs: dict[str, str] | dict[str, tuple[str, str]], includes: Includes | None = None,
) -> Resolution:
    if identity_override is not None:
        return Resolution(identity_override, "given with --identity", explicit=True)
    for pattern, value in identity_globs.items():
        if fnmatch.fnmatch(config.path, pattern) or fnmatch.fnmatch(os.path.basename(config.path), pattern):
            # engine.py resolves the configured globs to exact paths, with the glob that matched for the reason
            value, pattern = value if isinstance(value, tuple) else (value, pattern)
            return Resolution(Identity.parse(value), f"configured: identities[{pattern!r}]", explicit=True)
    if config.unrun_why:
        runner = config.runner
        return Resolution(None, f"no prometheus-operator in the inputs runs it ({config.unrun_why})",
                          fix=unreconciled_fix(workspace, runner))
    if config.runner is not None:
        runner = config.runner
        spec = as_map(runner.doc.get("spec"))
        if runner.kind == COLLECTOR_KIND:
            sa, managed = collector_service_account(runner)
            key = "serviceAccount"
            default = " (no serviceAccount: the OpenTelemetry Operator creates and uses this one)" if managed else ""
        elif runner.kind == "VMAgent" and is_victoriametrics(runner):
            from .vmoperator import agent_identity, operator_role_name

            sa, managed = agent_identity(runner)
            key = "serviceAccountName"
            default = (f" (no serviceAccountName: the VictoriaMetrics operator creates this one and binds it to the "
                       f"ClusterRole {operator_role_name(runner)} it makes, as when it runs cluster-wide, its "
                       f"default)") if managed else ""
        else:
            sa, managed, key = as_str(spec.get("serviceAccountName")), False, "serviceAccountName"
            default = "" if sa else " (no serviceAccountName: the namespace's `default` ServiceAccount)"
            sa = sa or "default"
        span = value_span(runner.path, spec, key) if key in spec else runner.span
        resolution = Resolution(Identity(runner.namespace, sa), f"run by {runner.kind} {runner.namespace}/{runner.name}{default}",
                                span, managed=managed, namespace_assumed=not runner.namespace_explicit, runner=runner)
        allocator = target_allocator_service_account(runner) if runner.kind == COLLECTOR_KIND else None
        if allocator is not None:
            ta_sa, ta_managed = allocator
            ta_spec = as_map(spec.get("targetAllocator"))
            ta_span = value_span(runner.path, ta_spec, "serviceAccount") if "serviceAccount" in ta_spec else (
                value_span(runner.path, ta_spec, "enabled"))
            default = (" (no spec.targetAllocator.serviceAccount: the OpenTelemetry Operator creates this one, with no "
                       "permissions)") if ta_managed else ""
            resolution.discovery = Resolution(
                Identity(runner.namespace, ta_sa),
                f"the target allocator of {runner.kind} {runner.namespace}/{runner.name} runs the prometheus "
                f"receiver's service discovery{default}", ta_span, managed=ta_managed,
                namespace_assumed=not runner.namespace_explicit, runner=runner)
        return resolution
    if config.origin == "operator" and config.unread_runner is not None:
        by = config.unread_runner
        how = ("the target allocator's prometheusCR of " if by.kind == COLLECTOR_KIND else "")
        runs = ("its target allocator discovers it and the collectors scrape it, which this tool does not model"
                if by.kind == COLLECTOR_KIND else "a GrafanaAgent runs it, and this tool does not model the Grafana "
                "Agent operator")
        return Resolution(None, f"{how}{by.kind} {by.namespace}/{by.name} selects {config.describe}: {runs}")
    if config.origin == "operator":
        why = f" ({config.unselected_why})" if config.unselected_why else ""
        if is_victoriametrics(config.monitor):  # a VMAgent runs it, never a Prometheus: the fix names the VMAgent
            runners = "VMAgent"
            fix = ("Lint the scrape object together with the VMAgent meant to select it"
                   + (" (with the selectors named above changed to take it in)" if why else "")
                   + ", or name the identity with `--identity NAMESPACE/SERVICEACCOUNT` (or `identities` in the "
                     "configuration).")
        else:
            runners = "Prometheus or PrometheusAgent"
            fix = _unselected_fix(workspace, config.monitor) if config.monitor is not None else ""
        return Resolution(None, f"no {runners} in the inputs selects {config.describe}{why}", fix=fix)
    holder = config.holder
    if holder is not None:
        return _from_holder(workspace, holder.kind, holder.namespace, holder.name, config.key,
                            f"{holder.kind} {holder.namespace}/{holder.name} is mounted by", "", includes)
    generated = _kustomize_generated(config, workspace)
    if generated is not None:
        # The generator's ConfigMap holds the file as surely as a ConfigMap written out would: where no workload
        # mounts it (a volume naming another ConfigMap), nothing loads the file, and guessing from a ServiceAccount
        # beside it would hide that (SPEC §3). A main config's scrape_config_files taking the file in still decides.
        namespace, name, key = generated
        resolution = _from_holder(workspace, "ConfigMap", namespace, name, key,
                                  f"kustomize configMapGenerator {name} holds this file and is mounted by",
                                  " (made by a kustomize configMapGenerator from this file)", includes)
        if resolution.identity is not None or includes is None or _including_file(config, includes) is None:
            return resolution
    including = _including_file(config, includes) if includes is not None else None
    if including is not None:
        parent, glob = including
        resolution = resolve_identity(parent, workspace, None, identity_globs)
        if resolution.identity is not None:
            each = [dataclasses.replace(r, reason=f"scrape_config_files {glob!r} of {parent.path} takes in this file; "
                                                  f"that config: {r.reason}", also=[]) for r in resolution.each]
            each[0].also = each[1:]
            return each[0]
    beside = _service_accounts_beside(config.path, workspace)
    if len(beside) == 1:
        sa = beside[0]
        return Resolution(
            Identity(sa.namespace, sa.name),
            f"inferred: the only scraper ServiceAccount defined beside the config ({sa.obj.path})",
            sa.obj.span,
        )
    return Resolution(None, "no workload mounts this config and no single ServiceAccount is defined beside it")


def _service_accounts_beside(path: str, workspace: Workspace):
    # Only a ServiceAccount named like a scraper's: an exporter's (cadvisor, node-exporter) beside a stray config
    # does not load it, and a wrong guess would report its RBAC (SPEC §3: never guess silently). Grouped by
    # directory once: asked per config no workload loads, a pass over every account each was quadratic.
    def build() -> dict[str, list]:
        found: dict[str, list] = {}
        for sa in workspace.service_account_definitions:
            if _scraper_name(sa.name):
                found.setdefault(os.path.dirname(os.path.abspath(sa.obj.path)), []).append(sa)
        return found
    return workspace.index("scraper-accounts-by-directory", build).get(os.path.dirname(os.path.abspath(path)), [])


# Names of ServiceAccounts that run scrapers, as setups name them (prometheus, prometheus-k8s, vmagent,
# grafana-agent, alloy, otel-collector, monitoring, metrics-scraper…). An exporter's or an operator's
# (prometheus-node-exporter, kube-state-metrics, prometheus-adapter, prometheus-operator) does not match: it
# does not load a scrape config, and a wrong guess would report its RBAC (SPEC §3: never guess silently).
_SCRAPER_WORDS = ("prometheus", "vmagent", "agent", "collector", "scrape", "monitoring", "alloy", "otel", "telemetry")


_EXPORTER_WORDS = ("exporter", "kube-state-metrics", "pushgateway", "adapter", "operator")


def _scraper_name(name: str) -> bool:
    return any(word in name for word in _SCRAPER_WORDS) and not any(word in name for word in _EXPORTER_WORDS)


def _kustomize_generated(config: PromConfig, workspace: Workspace) -> tuple[str, str, str] | None:
    """(namespace, name, key) of the ConfigMap a kustomize configMapGenerator makes of the file (`files:` entries
    are `path` or `key=path`; the key defaults to the file's name)."""
    target = os.path.abspath(config.path)
    for obj in workspace.kind("Kustomization"):
        base = os.path.dirname(os.path.abspath(obj.path))
        # The namespace the Kustomization's resources get (kustomize.KustomizeBuilds.namespaces): an overlay's that
        # builds its directory (obj.namespace: the outermost transformer runs last), else its own `namespace:`, else
        # a generator's `namespace` option.
        overlay = obj.namespace if obj.namespace_explicit else ""
        for generator in as_seq(obj.doc.get("configMapGenerator")):
            generator = as_map(generator)
            namespace = (overlay or as_str(obj.doc.get("namespace")) or as_str(generator.get("namespace"))
                         or workspace.default_namespace)
            for entry in as_seq(generator.get("files")):
                key, sep, file = as_str(entry).partition("=")
                key, file = (key, file) if sep else (os.path.basename(key), key)
                if os.path.normpath(os.path.join(base, file)) == target:
                    return namespace, as_str(generator.get("name")), key
    return None


# ---------------------------------------------------------------------------------------------- requirements


def _rules(job: ScrapeJob, errors: list[tuple[int, str]]) -> list[tuple[RelabelRule, int]]:
    """The job's relabel rules with their index in job.relabel_nodes; (index, message) of those that fail."""
    rules = []
    for index, node in enumerate(job.relabel_nodes):
        try:
            # vmagent's keep_if_equal/drop_if_equal are simulated as vmagent runs them: a config that uses them is
            # meant for vmagent (Prometheus refuses to load it, KS601).
            rules.append((RelabelRule.from_mapping(_go_strings(node, job.config.dollar_escaped), vmagent=True), index))
        except RelabelError as exc:
            errors.append((index, str(exc)))
        except Exception as exc:  # malformed values (wrong types): validation rules report them
            errors.append((index, f"invalid relabel rule: {exc}"))
    return rules


def _may_decide_targets(node: Any) -> bool:
    """Whether a relabel rule Prometheus refuses (KS601) could have decided which targets the job keeps or where
    it scrapes them: a filter (keep, drop, their -equal forms, hashmod feeding one), a label-name action
    (labelkeep/labeldrop can remove __address__), or one writing a `__`-prefixed or templated target label.
    Simulating the job without it would report targets the rule was written to exclude (a keep with a bad regex
    keeps everything); with it unknown, the job's targets are too. A rule that only writes an ordinary label
    cannot change them, and the rest of the relabelling still says what the job scrapes."""
    if not isinstance(node, YMap):
        return True
    action = node.get("action", "replace")
    target = node.get("target_label", "")
    if not isinstance(action, str) or not isinstance(target, str):
        return True
    ordinary_target = bool(target) and not target.startswith("__") and "$" not in target
    return not (action.lower() in ("replace", "lowercase", "uppercase", "labelmap") and ordinary_target)


def _go_strings(node: YMap, dollar_escaped: bool = False) -> dict:
    """Go yaml.v2 decodes a scalar into a string field as its text: `regex: true` is the regex "true".
    In an OpenTelemetry Collector config `$$` stands for a literal `$` (the collector expands ${env:…})."""
    text_fields = ("regex", "replacement", "separator", "target_label")
    result = {}
    for key, value in node.items():
        if key in text_fields and isinstance(value, (bool, int, float)):
            value = as_str(value)
        if dollar_escaped and key in text_fields and isinstance(value, str):
            value = value.replace("$$", "$")
        if key == "regex" and isinstance(value, str) and "$(SHARD)" in value:
            # Operator-generated sharding: the config reloader substitutes the pod's shard number; simulate shard 0.
            value = value.replace("$(SHARD)", "0")
        result[key] = value
    return result


def _initial_labels(job: ScrapeJob, labels: dict[str, str]) -> dict[str, str]:
    result = {"job": job.name, "__scheme__": job.scheme, "__metrics_path__": job.metrics_path, **labels}
    for name, values in as_map(job.node.get("params")).items():
        first = as_seq(values)
        if first:
            result[f"__param_{name}"] = as_str(first[0])
    return result


def _simulate(labels: dict[str, str], rules: list[tuple[RelabelRule, int]]) -> tuple[dict[str, str] | None, int | None]:
    """Relabel one target; also return the rule that decides what it is: the last one that changed where it is
    scraped, else the last `keep` filter it passed (e.g. `default;kubernetes;https` picking the API server).

    A representative target stands for all the cluster's targets of its kind, whose hashes fall in every shard:
    with `hashmod` sharding, it survives when it does in some shard (its own hash would decide for one object
    of the sample cluster, and a job keeping shard 1 of 4 would seem to scrape nothing)."""
    plain = [rule for rule, _node in rules]
    moduli = [rule.modulus for rule in plain if rule.action == HASHMOD and rule.modulus > 0]
    residues: list[int | None] = list(range(min(max(moduli), _MAX_SHARDS))) if moduli else [None]
    current = changed = kept = None
    for residue in residues:
        try:
            current, changed, kept = relabel_tracking(labels, plain, _WHERE_LABELS, residue)
        except Exception:
            return None, None
        if _scraped(current):
            break
    if not _scraped(current):
        return None, None
    decisive = changed if changed is not None else kept
    return current, (rules[decisive][1] if decisive is not None else None)


def _scraped(labels: dict[str, str] | None) -> bool:
    """Whether Prometheus makes a target of relabelled labels (scrape/target.go PopulateLabels): not when a rule
    dropped it, nor without an `__address__` ("no address"), nor when the address holds a `/`
    (config.CheckTargetAddress: "is not a valid hostname" — a proxy path written into `__address__` is never
    requested, so it needs no permission)."""
    if labels is None:
        return False
    address = labels.get("__address__", "")
    return bool(address) and "/" not in address


_WHERE_LABELS = ("__address__", "__metrics_path__", "__scheme__")
_MAX_SHARDS = 64  # shards tried per target: enough for real sharding, bounded for a huge modulus


def _sd_namespaces(sd: SDConfig, identity: Identity | None) -> list[str] | None:
    if sd.namespaces is not None and sd.own_namespace:
        return sd.namespaces + [identity.namespace if identity else "monitoring"]
    return sd.namespaces


def _target_sets(job: ScrapeJob, identity: Identity | None) -> list[tuple[dict[str, str], tuple]]:
    """(labels, where the job selects them) per representative target: ("sd", index) or ("static", index)."""
    sets: list[tuple[dict[str, str], tuple]] = []
    for index, sd in enumerate(job.sd_configs):
        for labels in representative_targets(sd.role, _sd_namespaces(sd, identity)):
            sets.append((labels, ("sd", index)))
    for index, (target, labels, _span) in enumerate(job.static_targets):
        meant = _meant_target(target) if not job.relabel_nodes else {"__address__": target}
        sets.append(({**meant, **labels}, ("static", index)))
    return sets


def _meant_target(target: str) -> dict[str, str]:
    """A static target's labels, for a job without relabel_configs. There a target written as a URL
    (`https://kubernetes.default.svc:443/metrics`) makes Prometheus refuse the config (config.go ScrapeConfig
    Validate → checkStaticTargets, only when len(RelabelConfigs) == 0: a blackbox job's URL targets are moved to
    __param_target by its rules), KS601; the job is analysed as what KS601's fix writes — host:port with `scheme:` and `metrics_path:` — so the other rules judge the target
    the user meant (the API server over https), not a plain-HTTP request to a URL-shaped host."""
    match = TARGET_URL.match(target)
    if match is None:
        return {"__address__": target}
    meant = {"__address__": match.group("address"), "__scheme__": match.group("scheme").lower()}
    if match.group("path") and match.group("path") != "/":
        meant["__metrics_path__"] = match.group("path")
    return meant


def _scrape_place(job: ScrapeJob, cause: int | None, origin: tuple) -> tuple:
    """Where a simulated target's scrape is decided (SPEC §5, the smallest node that causes it): the decisive
    relabel rule, else metrics_path, else the discovery. A monitor's generated filter (its selector, its port keep
    rule) only lets the target through; a `path:` the user wrote on the endpoint decides what is scraped there."""
    if cause is not None and cause < job.generated_relabels and _written_path(job):
        return ("metrics_path",)
    if cause is not None:
        return ("rule", cause)
    if "metrics_path" in job.node:
        return ("metrics_path",)
    return origin


def _written_path(job: ScrapeJob) -> bool:
    """An operator job whose endpoint writes its path: _job_root keeps the value's own position only then."""
    return "metrics_path" in job.node and job.node.value_pos("metrics_path") != job.node.key_pos("metrics_path")


def _span_of(job: ScrapeJob, place: tuple) -> Span:
    """The span a position-free place of a simulation stands for in this job."""
    kind = place[0]
    if kind == "rule":
        return at(job.path, job.relabel_nodes[place[1]].pos)
    if kind == "metrics_path":
        return value_span(job.path, job.node, "metrics_path")
    if kind == "sd":
        return job.sd_configs[place[1]].role_span
    if kind == "static":
        return job.static_targets[place[1]][2]
    return job.span


def discovery_needs(job: ScrapeJob, sd: SDConfig, identity: Identity | None, pod: PodTemplate | None = None,
                    version: tuple[int, int] | None = None) -> list[Need]:
    # Discovery with other credentials (a kubeconfig, a token file not the pod's): its needs are not decided
    # against the identity, but a grant of the identity may be what serves them (an external Prometheus using an
    # exported token of the ServiceAccount), so they are kept, unchecked, as scrapes with such tokens are.
    unchecked = "" if discovery_sends_identity_token(sd, pod) else (
        f"discovery authenticates with {_discovery_credentials(sd)}, not the ServiceAccount token: its RBAC is not in view")
    foreign = discovery_foreign_audience(sd, pod)
    if foreign is not None:
        unchecked = (f"discovery sends a token minted for audience {foreign.audience!r}, which the API server rejects: "
                     f"401 Unauthorized (KS111)")
    return discovery_requests(sd, identity, unchecked, version)


def discovery_foreign_audience(sd: SDConfig, pod: PodTemplate | None) -> "ForeignAudience | None":
    """Discovery through an api_server (a real one: https, not a loopback proxy) whose credentials file is a
    projected ServiceAccount token of the pod minted for another audience: the API server's token authenticator
    rejects it (an invalid token is an error, not a fallback to anonymous, FACTS §1), every list and watch gets
    401 Unauthorized, and the SD config finds zero targets."""
    if not sd.api_server or sd.kubeconfig_file or sd.api_server_address[0] != "https" or sd.api_server_is_local:
        return None
    return foreign_audience(sd.credentials, pod)


def anonymous_discovery(sd: SDConfig) -> bool:
    """Discovery that calls a real API server (https, not a loopback proxy such as `kubectl proxy`, which adds
    its own credentials) with no credentials it authenticates — none at all, or only basic auth / a non-Bearer
    authorization scheme, which its authenticators skip: the API server takes it for system:anonymous."""
    if not sd.api_server or sd.kubeconfig_file or sd.credentials.kubernetes_authenticates:
        return False
    return sd.api_server_address[0] == "https" and not sd.api_server_is_local


def discovery_requests(sd: SDConfig, identity: Identity | None, unchecked: str = "",
                       version: tuple[int, int] | None = None) -> list[Need]:
    """The list and watch requests of one kubernetes_sd_configs entry (FACTS §4 role table), as needs; `version`:
    the cluster's, for a resource an older cluster serves from another group (None: a current cluster)."""
    table = knowledge("sd-roles")
    resources = [_as_served(resource, version) for resource in table["roles"].get(sd.role, [])]
    spans = [sd.role_span] * len(resources)
    own = len(spans)  # the role's own resources, before attach_metadata's
    attached = [""] * own
    flags = {"node": sd.attach_node, "namespace": sd.attach_namespace, "deployment": sd.attach_deployment,
             "job": sd.attach_job, "cronjob": sd.attach_cronjob}
    for name, entry in table["attach_metadata"].items():
        # `job` and `cronjob` share one informer on batch/jobs: one need (and one finding) for both keys
        if flags.get(name) and sd.role in entry["roles"] and entry["needs"] not in resources:
            resources.append(entry["needs"])
            attach = as_map(sd.node.get("attach_metadata"))
            spans.append(key_span(sd.path, attach, name))
            attached.append(name)
    needs = []
    if sd.namespaces is None:
        scopes: list[str | None] = [None]
    else:
        scopes = list(dict.fromkeys(sd.namespaces + ([identity.namespace] if sd.own_namespace and identity else [])))
    for index, (resource, span, attach_key) in enumerate(zip(resources, spans, attached)):
        group = resource.get("group", "")
        name = sd.selected_name(_SELECTOR_ROLES.get(resource["resource"], ""))
        named = f" named {name} (field selector)" if name else ""
        with_attach = f" with attach_metadata.{attach_key}" if attach_key else ""
        for scope in [None] if resource.get("cluster_scoped") else scopes:
            where = "cluster-wide" if scope is None else f"in namespace {scope}"
            # a role's own resources list where the scope was chosen; attach_metadata's where it was asked for
            at_scope = sd.scope_spans.get(scope, span) if index < own and not resource.get("cluster_scoped") else span
            # one string for both verbs, and one for every job that says the same (interned): thousands of jobs
            # discovering pods cluster-wide held a copy each (5 MB at 10,000 objects)
            why = sys.intern(f"kubernetes_sd_configs role {sd.role}{with_attach} lists and watches "
                             f"{resource['resource']}{named} {where}")
            for verb in ("list", "watch"):
                needs.append(
                    Need(
                        "discovery",
                        Request(verb, group, resource["resource"], namespace=scope, name=name),
                        why,
                        at_scope,
                        unchecked=unchecked,
                        attached=attach_key,
                    )
                )
    return needs


def _proxy_review_need(endpoint: Endpoint, span: Span, review: ReviewConfig) -> Need:
    """The scrape need of a kube-rbac-proxy whose --config-file shapes its review: the resourceAttributes'
    resource request, or the path as a non-resource URL; unchecked when the file or its rewrites leave the
    attributes unknown (never a guess: a missing file keeps the path's URL, the default review)."""
    path = endpoint.path.split("?", 1)[0]
    request = review.request_for(path)
    why = f"scrapes kube-rbac-proxy on :{endpoint.port} at {path}"
    if request.is_resource and review.found:
        why += f" (reviewed as a resource request: its --config-file {review.file})"
    need = Need("scrape", request, why, span, endpoint.klass, path=path, review=review)
    need.unchecked = review.unknown()
    return need


def _static_allowance(need: Need, asker: Identity) -> None:
    """A kube-rbac-proxy's static allow-list is asked before the SubjectAccessReview (a union): an entry matching
    the scraper and the reviewed attributes allows it whatever RBAC grants, and no grant is used."""
    rule = need.review.static_rule(asker, need.request) if need.review is not None else None
    if rule is not None:
        need.asks_rbac = False
        need.unchecked = (f"the static authorization of kube-rbac-proxy's {need.review.describe()} allows "
                          f"{asker} {need.request.describe()} without asking RBAC")


def _discovery_credentials(sd: SDConfig) -> str:
    if sd.kubeconfig_file:
        return f"the credentials in kubeconfig_file {sd.kubeconfig_file}"
    return sd.credentials.describe()


def _as_served(resource: dict, version: tuple[int, int] | None) -> dict:
    """The sd-roles entry as a cluster of `version` serves it: `before: {"1.NN": {group: …}}` names the group its
    discovery lists on clusters older than 1.NN (Ingress in extensions before networking.k8s.io existed)."""
    for until, changes in (resource.get("before") or {}).items():
        major, minor = until.split(".")[:2]
        if version is not None and version < (int(major), int(minor)):
            return {**resource, **changes}
    return resource


# The `selectors[].role` that filters the list/watch of each resource discovery reads.
_SELECTOR_ROLES = {"nodes": "node", "pods": "pod", "services": "service", "endpoints": "endpoints",
                   "endpointslices": "endpointslice", "ingresses": "ingress"}


# The root /proxy paths (/api/v1/proxy/nodes/NAME/…) were removed from the API server in Kubernetes 1.10
# (kubernetes/kubernetes#59884, deprecated since 1.2): a scrape there gets 404 Not Found whatever RBAC grants.
ROOT_PROXY_REMOVED = (1, 10)
LEGACY_PROXY_GONE = ("the API server has no root /proxy paths since Kubernetes 1.10 (kubernetes#59884): every scrape "
                     "gets 404 Not Found, whatever RBAC grants (KS209)")
PROXY_PATH_AT_KUBELET = ("the kubelet serves no API-server proxy path: it authorizes the request as get nodes/proxy, "
                         "then answers 404 Not Found, whatever RBAC grants (KS209)")


def scrape_needs(job: ScrapeJob, endpoint: Endpoint, span: Span, assumptions: Assumptions,
                 workspace: Workspace | None = None) -> list[Need]:
    klass = endpoint.klass
    if klass == "kubelet":
        subresources = kubelet_subresources(endpoint.path, assumptions.version)
        # The kubelet asks about its own node by name: one node, when node discovery selects it by name.
        node = _only_node(job)
        requests = [Request("get", "", "nodes", sub, name=node) for sub in subresources]
        why = f"scrapes the kubelet at :{endpoint.port}{endpoint.path}"
        need = Need("scrape", requests[0], why, span, klass, tuple(requests[1:]), path=endpoint.path)
        if endpoint.proxy_path:
            need.unchecked = PROXY_PATH_AT_KUBELET  # no grant makes it work: KS209 says so, not an access error
        return [need]
    if klass == "apiserver-proxy":
        if endpoint.legacy_proxy:
            request = Request("proxy", "", "nodes")
        elif endpoint.proxy_resource == "nodes":
            request = Request("get", "", "nodes", "proxy", name=endpoint.proxy_name or _only_node(job))
        else:
            # no namespace: the path takes each target's own and discovery is cluster-wide (all_namespaces_proxy)
            request = Request("get", "", endpoint.proxy_resource, "proxy", namespace=endpoint.proxy_namespace or None,
                              name=endpoint.proxy_name or None)
        every = " in every namespace it discovers" if request.resource != "nodes" and request.namespace is None else ""
        need = Need("scrape", request, f"scrapes through the API-server proxy at {endpoint.path}{every}", span, klass,
                    path=endpoint.path)
        if endpoint.legacy_proxy and assumptions.version >= ROOT_PROXY_REMOVED:
            need.unchecked = LEGACY_PROXY_GONE  # no grant makes it work: KS209 says so, not an access error
        return [need]
    if klass == "kube-rbac-proxy" and endpoint.proxy_server and workspace is not None:
        review = review_config(workspace, endpoint.proxy_server)
        if review is not None:
            return [_proxy_review_need(endpoint, span, review)]
    if klass == "apiserver":
        request = api_server_request(endpoint.path)
        if request is not None:  # a path of an API group's objects: a resource, not a non-resource URL
            return [Need("scrape", request, f"scrapes the API server at {endpoint.path}", span, klass,
                         path=endpoint.path)]
    if klass in ("apiserver", "control-plane", "extension-apiserver", "controller-runtime", "kube-rbac-proxy"):
        path = endpoint.path.split("?", 1)[0]
        what = {"apiserver": "the API server", "control-plane": f"the control-plane component on :{endpoint.port}",
                "extension-apiserver": f"the extension API server on :{endpoint.port}",
                "controller-runtime": f"the {endpoint.server} on :{endpoint.port}",
                "kube-rbac-proxy": f"kube-rbac-proxy on :{endpoint.port}"}[klass]
        return [Need("scrape", Request("get", url=path), f"scrapes {what} at {path}", span, klass)]
    return []


def _only_node(job: ScrapeJob) -> str | None:
    """The node every target of the job is on, when its only discovery is node discovery of one named node."""
    names = {sd.selected_name("node") if sd.role == "node" else None for sd in job.sd_configs}
    return names.pop() if len(names) == 1 and not job.static_targets else None


@dataclass(eq=False, slots=True)
class Simulation:
    """A job's relabelling over the representative cluster: where its surviving targets are scraped."""

    seen: tuple[tuple[Endpoint, Span], ...]  # one per distinct endpoint, with the rule that decides it
    survivors: int
    relabel_errors: tuple[tuple[Span, str], ...]  # (tuples: kept per job for the run, most of them empty)


def simulate_job(job: ScrapeJob, identity: Identity | None, shared: dict | None = None,
                 shown: frozenset[str] = frozenset()) -> Simulation:
    """A function of the job's content (and, for `own_namespace` discovery, its identity's namespace): memoised
    on the job, which lives as long as its file's Source. With `shared`, results are also kept by content across
    jobs: repositories repeat jobs (one config per cluster or environment, a chart rendered twice), and the
    language server re-lints an edited file whose unchanged jobs are new objects, often at new lines (a shared
    result records places, not positions)."""
    own_namespace = identity.namespace if identity is not None and _uses_own_namespace(job) else None
    # (`shown`: the assumed Services the inputs show, targets.shown_services; none before the workspace exists)
    memo_key = own_namespace if not shown else (own_namespace, shown)
    simulation = job.memo.get(memo_key)
    if simulation is None:
        plan = _shared_plan(shared, lambda: (_content_key(job, own_namespace), shown),
                            lambda: _plan_simulation(job, identity, shown))
        seen, survivors, errors = plan
        simulation = job.memo[memo_key] = Simulation(
            tuple([(endpoint, _span_of(job, place)) for endpoint, place in seen]), survivors,
            tuple([(at(job.path, job.relabel_nodes[index].pos), message) for index, message in errors]))
    return simulation


def _shared_plan(shared: dict | None, key: Callable[[], tuple], make: Callable[[], Any]) -> Any:
    """make(), or the plan `shared` keeps under key() (a job's content: see simulate_job), kept there once made."""
    if shared is None:
        return make()
    content = key()
    plan = shared.get(content)
    if plan is None:
        if len(shared) >= 4096:
            shared.clear()  # bounded: a long language-server session sees many versions of its jobs
        plan = shared[content] = make()
    return plan


def presimulate(configs: list[PromConfig], shared: dict | None = None) -> None:
    """Simulate ahead, before the workspace exists, the jobs whose simulation cannot depend on their identity
    (no `own_namespace` discovery): a large one-shot run does this in the process that read the file
    (parallel.py), so the relabelling of half of the jobs happens on the other core."""
    for config in configs:
        for job in config.jobs:
            if not _uses_own_namespace(job):
                simulate_job(job, None, shared)


def _uses_own_namespace(job: ScrapeJob) -> bool:
    """Whether the job discovers in its identity's own namespace, so its simulation depends on the identity."""
    return any(sd.own_namespace for sd in job.sd_configs)


def _content_key(job: ScrapeJob, own_namespace: str | None) -> tuple:
    """Everything the simulation reads, without positions. repr() is the canonical form: the C-level dict/list
    repr follows key order and tells `true`, `1` and "1" apart (they relabel differently), at a tenth of the
    cost of walking the tree in Python."""
    return (
        repr(job.node), repr(job.relabel_nodes), job.name, job.scheme, job.metrics_path, job.config.dollar_escaped,
        own_namespace,
        tuple((sd.role, None if sd.namespaces is None else tuple(sd.namespaces), sd.own_namespace) for sd in job.sd_configs),
        repr([(target, labels) for target, labels, _span in job.static_targets]), repr(job.fallback_targets),
    )


def _plan_simulation(job: ScrapeJob, identity: Identity | None, shown: frozenset[str] = frozenset()) -> tuple:
    """(endpoint, place) per distinct endpoint, the number of surviving targets, (rule index, message) errors."""
    errors: list[tuple[int, str]] = []
    rules = _rules(job, errors)
    if any(_may_decide_targets(job.relabel_nodes[index]) for index, _message in errors):
        return [], 0, errors
    survivors = 0
    seen: dict[tuple, tuple[Endpoint, tuple]] = {}
    target_sets = _target_sets(job, identity)
    remote = {index for index, sd in enumerate(job.sd_configs) if sd.elsewhere}
    attempts = (
        lambda: [(labels, origin, rules) for labels, origin in target_sets],
        lambda: [(labels, ("job",), rules) for labels in job.fallback_targets],
        lambda: _user_filtered_targets(job, identity, rules),
    )
    for attempt in attempts:
        kept: list[tuple[Endpoint, tuple, tuple]] = []
        for labels, origin, target_rules in attempt():
            final, cause = _simulate(_initial_labels(job, labels), target_rules)
            if final is None or _unnamed_assumed_service(job, labels, origin, target_rules, shown):
                continue
            survivors += 1
            endpoint = classify(final)
            if origin[0] == "sd" and origin[1] in remote:
                endpoint = dataclasses.replace(endpoint, elsewhere=True)
            kept.append((endpoint, _scrape_place(job, cause, origin), origin))
        spread = _proxied_namespaces(job, kept, rules)
        for endpoint, place, origin in kept:
            if _cluster_wide_sd(job, origin) and endpoint.proxy_namespace in spread.get(origin, ()):
                endpoint = all_namespaces_proxy(endpoint)
            key = _endpoint_key(endpoint)
            if key not in seen or seen[key][0].elsewhere and not endpoint.elsewhere:
                seen[key] = (endpoint, place)  # one kept from this cluster too is this cluster's: checked
        if seen:
            break  # the later attempts only stand in when no representative target survives
    return list(seen.values()), survivors, errors


def _unnamed_assumed_service(job: ScrapeJob, labels: dict[str, str], origin: tuple,
                             rules: list[tuple[RelabelRule, int]], shown: frozenset[str]) -> bool:
    """Whether a kept target is one of a Service the cluster has only when something outside the inputs creates it
    (targets.assumed_stand_in: the operator's kubelet Service, a chart's control-plane ones) and the job keeps it
    without naming it: an ordinary application's target in its place is kept too. A finding must be true of the
    inputs, and a `.*-metrics` port filter does not say the cluster runs an operator with --kubelet-service."""
    if origin[0] != "sd":
        return False
    stand_in = assumed_stand_in(job.sd_configs[origin[1]].role, labels, shown)
    return stand_in is not None and _simulate(_initial_labels(job, stand_in), rules)[0] is not None


def _cluster_wide_sd(job: ScrapeJob, origin: tuple) -> bool:
    return origin[0] == "sd" and job.sd_configs[origin[1]].namespaces is None


def _proxied_namespaces(job: ScrapeJob, kept: list[tuple[Endpoint, tuple, tuple]],
                        rules: list[tuple[RelabelRule, int]]) -> dict[tuple, set[str]]:
    """Per cluster-wide SD config, the namespaces its kept targets proxy into when the proxy path takes each
    target's own namespace and the sample targets it keeps span more than one, or the job's rules never filter on
    the namespace: the job then proxies into whatever namespace it discovers. (A keep on the user's own annotation
    keeps the sample's one annotated pod, in one namespace; in the user's cluster such pods may be in any.) One
    namespace only is a path that writes it out, or a job keeping one namespace's targets, and stays that
    namespace's need."""
    spread: dict[tuple, set[str]] = {}
    for endpoint, _place, origin in kept:
        if endpoint.proxy_namespace_discovered and _cluster_wide_sd(job, origin):
            spread.setdefault(origin, set()).add(endpoint.proxy_namespace)
    anywhere = not _filters_on_namespace(rules)
    return {origin: namespaces for origin, namespaces in spread.items() if len(namespaces) > 1 or anywhere}


_FILTERS = frozenset({"keep", "drop", "keepequal", "dropequal"})


def _filters_on_namespace(rules: list[tuple[RelabelRule, int]]) -> bool:
    """Whether a keep/drop rule reads the target's namespace, directly or through a label an earlier rule copied
    it into: only then can the job keep some namespaces' targets and not others."""
    carriers = {"__meta_kubernetes_namespace"}
    for rule, _index in rules:
        if carriers.intersection(rule.source_labels):
            if rule.action in _FILTERS:
                return True
            if rule.target_label:
                carriers.add(rule.target_label)
    return False


# Labels and annotations of discovered objects: the user's own, which the sample cluster cannot know.
_USER_METADATA = re.compile(r"^__meta_kubernetes_([a-z]+)_(label|labelpresent|annotation|annotationpresent)_")
# The names of the nodes (node.go, pod.go, endpoints.go, endpointslice.go), the `__meta_kubernetes_<family>_…` that
# carries one: the user's too. A job keeping one node by name keeps a kubelet of the user's cluster, whatever the
# sample's node names are. Only a keep: every node has a name, so a drop matching all of the sample's
# (`regex: .+`) drops every node of any cluster.
_NODE_NAMES = {"__meta_kubernetes_node_name": "node", "__meta_kubernetes_pod_node_name": "pod",
               "__meta_kubernetes_endpoint_node_name": "endpoint",
               "__meta_kubernetes_endpointslice_endpoint_node_name": "endpointslice"}


def _user_filtered_targets(job: ScrapeJob, identity: Identity | None,
                           rules: list[tuple[RelabelRule, int]]) -> list[tuple[dict[str, str], tuple, list]]:
    """For a job that keeps none of the sample targets: the nodes and generic applications again, without the
    keep/drop filters on labels, annotations or node names (a `keep` on `__meta_kubernetes_node_label_nvidia_com_gpu_present`,
    on the pod label `app: prometheus` of the inputs' own workload, on `__meta_kubernetes_node_name: worker-7`). The sample cluster cannot say which of the
    user's objects carry them, and what such a filter picks is still a kubelet (every node) or an application,
    scraped where the job's relabelling sends it (a pod's host IP on :10250 is its kubelet). The named system
    components are left out: an unknown Service-label filter does not pick the API server or the kubelet."""
    retried = []
    kept_namespaces = _kept_namespaces([rule for rule, _index in rules])
    for index, sd in enumerate(job.sd_configs):
        families = meta_families(sd.role, sd.attach_node, sd.attach_namespace) or frozenset()
        kept_rules = [(rule, place) for rule, place in rules if not _filters_on_user_metadata(rule, families)]
        namespaces = _sd_namespaces(sd, identity)
        # A cluster-wide discovery kept to namespaces the job names (`keep` on __meta_kubernetes_namespace): the
        # sample cluster has none of the user's namespaces, so its targets are made in those.
        chosen = kept_namespaces if namespaces is None and kept_namespaces else None
        if len(kept_rules) == len(rules) and not chosen:
            continue
        for labels in user_targets(sd.role, chosen or namespaces):
            retried.append((labels, ("sd", index), kept_rules))
    return retried


def _filters_on_user_metadata(rule: RelabelRule, families: frozenset[str]) -> bool:
    """A keep/drop on labels or annotations of an object the role describes, or a keep on a node name it sets (`families`,
    targets.meta_families).
    One on another role's labels (`__meta_kubernetes_service_annotation_*` under role pod, KS605) is no choice of
    the user's: the label is empty on every target, so the filter stays."""
    return rule.action in (KEEP, DROP) and any(
        _USER_METADATA.match(name) and label_family(name) in families
        or rule.action == KEEP and _NODE_NAMES.get(name) in families for name in rule.source_labels)


def _endpoint_key(endpoint: Endpoint) -> tuple:
    """What makes two kept targets one entry of a job: workloads collapse into one, except on ports kubeadm binds
    to loopback (KS305 names them); a static loopback target stays apart from the others (what it is sent never
    crosses the network, KS303), so one entry never stands for both."""
    return (endpoint.klass, endpoint.port if endpoint.klass != "workload" or endpoint.port in LOOPBACK_PORTS else 0,
            endpoint.path if endpoint.klass != "workload" else "", endpoint.proxy_resource, endpoint.proxy_server,
            is_loopback_host(endpoint.host))


def _static_extension(endpoint: Endpoint, workspace: Workspace) -> Endpoint:
    """A workload target addressed by a Service's DNS name (a static target; discovery gives pod addresses) that
    reaches an extension API server of the inputs (extapi.py) as that server, or, on a removed insecure
    control-plane port, a container of another image (the application's own :10251, as targets.classify marks a
    discovered one: KS308 leaves it alone). The representative cluster knows no such Service, so this is decided
    here, where the inputs are, not in the memoised simulation."""
    if endpoint.klass != "workload":
        return endpoint
    if str(endpoint.port) in knowledge("ports")["insecure_removed"] and not endpoint.own_port:
        if any(served_by_other_container(container.image, endpoint.port, knowledge("ports"))
               for _pod, container, _number in service_dns_containers(workspace, endpoint.host, endpoint.port)):
            return dataclasses.replace(endpoint, own_port=True)
    if not has_servers(workspace):
        return endpoint
    marks = service_dns_labels(workspace, endpoint.host, endpoint.port)
    return extension_endpoint(endpoint, marks) if marks else endpoint


def simulate_declared(job: ScrapeJob, identity: Identity | None, declared: DeclaredTargets,
                      shared: dict | None = None) -> list[tuple[Endpoint, Span, int]]:
    """The job's relabelling over the targets of the inputs' kube-rbac-proxy pods (authproxy.py): (endpoint, where
    the job selects it, index of the proxy serving it in declared.servers or -1) per kept target. In addition to
    the representative cluster's targets, not instead: a job keeping node-exporter by its Service name keeps
    nothing there. Memoised on the job for one version of those targets (the language server re-lints with edited
    workloads), and with `shared` by content like simulate_job: every job is run over every declared target (of
    its namespaces), so a repository holding many clusters' copies of the same jobs and proxies would otherwise
    pay jobs × proxies simulations (the fixtures tree: 565,000 of them, 25 s)."""
    if not declared.key or not any(sd.role in POD_ROLES and not sd.kubeconfig_file for sd in job.sd_configs):
        return []
    own_namespace = identity.namespace if identity is not None and _uses_own_namespace(job) else None
    memo = job.memo.get("declared")
    if memo is None or memo[0] != (declared.key, own_namespace):
        plan = _shared_plan(shared, lambda: ("declared", declared.key, _content_key(job, own_namespace)),
                            lambda: _plan_declared(job, identity, declared))
        memo = job.memo["declared"] = ((declared.key, own_namespace), plan)
    return [(endpoint, _span_of(job, place), index) for endpoint, place, index in memo[1]]


def _plan_declared(job: ScrapeJob, identity: Identity | None, declared: DeclaredTargets) -> list[tuple[Endpoint, tuple, int]]:
    rules = _rules(job, [])
    kept = []
    for position, sd in enumerate(job.sd_configs):
        if sd.role not in POD_ROLES or sd.kubeconfig_file:
            continue  # a kubeconfig names another cluster's API server: not the one the inputs deploy to
        for labels, index in declared.for_role(sd.role, _sd_namespaces(sd, identity)):
            final, cause = _simulate(_initial_labels(job, labels), rules)
            if final is None:
                continue
            classified = classify(final)
            if classified.klass != "kube-rbac-proxy":
                index = -1  # relabelled to another container's port of the pod (targets.RBAC_PROXY_PORT_LABEL)
            endpoint = served_endpoint(classified, declared.servers[index] if index >= 0 else None)
            kept.append((endpoint, _scrape_place(job, cause, ("sd", position)), index))
    return kept


@dataclass(frozen=True)
class UnnamedWorkloads:
    """How a job lets in workloads it does not name (see unnamed_workloads)."""

    span: Span  # its first keep filter, which they pass; the SD role when no keep filter selects at all
    filtered: bool
    keys: tuple[str, ...] = ()  # what its keep filters select on, in words ("the pod annotation `…` = `true`")


def unnamed_workloads(job: ScrapeJob, identity: Identity | None) -> UnnamedWorkloads | None:
    """Whether the job keeps a workload it does not name — an application it cannot know of that opts in the way
    the representative ones do (annotations, label presence): it selects by an opt-in or a pattern, or not at
    all. None when every discovered workload it keeps is one it names (a service name, an app label value),
    whatever that workload is called. Memoised on the job like simulate_job."""
    key = ("unnamed", identity.namespace if identity is not None and _uses_own_namespace(job) else None)
    if key not in job.memo:
        job.memo[key] = _unnamed_workloads(job, identity)
    return job.memo[key]


def _fixed_address(discovered: dict[str, str], address: str, path: str = "") -> bool:
    """Whether relabelling sent the discovered target to an address it writes out, built from none of the
    target's labels (a blackbox or a probe exporter: `__address__` replaced by `blackbox-exporter:9115`, the
    target moved to `__param_target`): the request, token included, goes there, not to the discovered workload.
    A host holding a discovered value (the pod IP, `$1.$2.svc` from the service name and namespace) is the
    target's own; short values (a port number, `true`) say nothing either way and are not compared. A path that
    names the target (`/proxy/10.0.0.7:8080/metrics` through a gateway) may be forwarded with the token: kept."""
    host = address.rsplit(":", 1)[0] if not address.endswith("]") else address
    values = [value for value in discovered.values() if len(value) > 4]
    return (bool(host) and not any(host in value or value in host for value in values)
            and not any(value in path for value in values))


def _unnamed_workloads(job: ScrapeJob, identity: Identity | None) -> UnnamedWorkloads | None:
    rules = _rules(job, [])
    # A target that survives has passed every keep filter: the first one is where the job could have named it. A
    # drop of the empty value on one label or annotation filters as a keep of its presence does (an owner opts in
    # by setting it to anything).
    # A keep of namespaces selects as `namespaces.names` does: it names no workload, so it is not where the job
    # could have named one; the unnamed application is tried deployed in each namespace it keeps.
    filters = _workload_filters(rules)
    ports = _owner_chosen_ports([r for r, _ in rules])
    opt_ins = _owner_chosen_metadata([r for r, _ in rules])
    namespaces = _kept_namespaces([r for r, _ in rules])
    for index, sd in enumerate(job.sd_configs):
        for base in representative_targets(sd.role, _sd_namespaces(sd, identity), unnamed=True):
            for labels in (v for placed in _in_namespaces(base, namespaces) for opted in _with_metadata(placed, opt_ins)
                           for v in _with_ports(opted, ports)):
                initial = _initial_labels(job, labels)
                try:
                    final = relabel_tracking(initial, [r for r, _ in rules], ())[0]
                except Exception:
                    continue  # a rule that cannot run on it: the simulation reports it (relabel_errors)
                if final is None or not final.get("__address__") or classify(final).klass != "workload":
                    continue
                if _fixed_address(labels, final["__address__"], final.get("__metrics_path__", "")):
                    continue  # (the token goes to the address the job writes, which names that workload)
                if filters:
                    keys = tuple(dict.fromkeys(_describe_filter(rule) for rule, _ in filters))
                    return UnnamedWorkloads(_span_of(job, ("rule", filters[0][1])), True, keys)
                return UnnamedWorkloads(_span_of(job, ("sd", index)), False)
    return None


_META_KEY = re.compile(r"^__meta_kubernetes_([a-z]+)_(annotation|annotationpresent|label|labelpresent)_(\w+)$")


def _describe_filter(rule: RelabelRule) -> str:
    """What one keep filter selects on, in the words of the object its owner edits: `the pod annotation
    prometheus_io_scrape = "true"`, `the port name "metrics"`. Meta label names are sanitized (`.`/`/` became
    `_`), so the annotation or label is named as Prometheus exposes it, not guessed back."""
    if len(rule.source_labels) == 1:
        label = rule.source_labels[0]
        meta = _META_KEY.match(label)
        if meta:
            kind, what, name = meta.groups()
            noun = "annotation" if what.startswith("annotation") else "label"
            if what.endswith("present") or _drops_unset_metadata(rule):
                return f"the {kind} {noun} `{name}` with any value"
            return f"the {kind} {noun} `{name}` = `{rule.regex}`"
        if label in _PORT_NAME_LABELS:
            return f"the port name `{rule.regex}`"
        if label in _PORT_NUMBER_LABELS:
            return f"the port number `{rule.regex}`"
    if rule.action in (KEEPEQUAL, KEEP_IF_EQUAL):
        return f"`{';'.join(rule.source_labels)}` equal to `{rule.target_label}`"
    return f"`{';'.join(rule.source_labels)}` matching `{rule.regex}`"


def _workload_filters(rules: list[tuple[RelabelRule, int]]) -> list[tuple[RelabelRule, int]]:
    """The job's keep filters that select workloads (by annotation, label, port, name), not namespaces: a target
    that survives has passed each of them, so its owner has opted in or been named."""
    return [(rule, node) for rule, node in rules
            if (rule.action in (KEEP, KEEPEQUAL, KEEP_IF_EQUAL) or _drops_unset_metadata(rule))
            and not _keeps_namespaces(rule)]


def _drops_unset_metadata(rule: RelabelRule) -> bool:
    """A drop of the empty value of one label or annotation (`regex: ""`): what passes carries it, with any value."""
    return (rule.action == DROP and rule.regex == "" and len(rule.source_labels) == 1
            and _META_KEY.match(rule.source_labels[0]) is not None)


# The labels carrying a discovered port's name and number, per SD role (FACTS §4): a workload's owner writes both in
# its own Pod or Service spec.
_PORT_NAME_LABELS = ("__meta_kubernetes_pod_container_port_name", "__meta_kubernetes_endpoint_port_name",
                     "__meta_kubernetes_endpointslice_port_name", "__meta_kubernetes_service_port_name")
_PORT_NUMBER_LABELS = ("__meta_kubernetes_pod_container_port_number", "__meta_kubernetes_endpointslice_port",
                       "__meta_kubernetes_service_port_number")
_LITERALS = re.compile(r"\(?([A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)*)\)?")


def _owner_chosen_ports(rules: list[RelabelRule]) -> list[tuple[str, str]]:
    """The port names and numbers a job keeps by value ("metrics", "9090") or by pattern (`.*-metrics`, `9\\d{3}`):
    any workload owner can give a port such a name or number, so they select by an opt-in as an annotation does.
    (kind, value) with kind "name"/"number", from keep rules on one port label: each literal of a list of
    literals, else one value the pattern matches."""
    found: list[tuple[str, str]] = []
    for rule in rules:
        if rule.action != KEEP or len(rule.source_labels) != 1:
            continue
        label = rule.source_labels[0]
        kind = "name" if label in _PORT_NAME_LABELS else "number" if label in _PORT_NUMBER_LABELS else None
        if kind is None:
            continue
        match = _LITERALS.fullmatch(rule.regex)
        values = match.group(1).split("|") if match else [v for v in (example_match(rule.regex),) if v]
        found += [(kind, value) for value in values if (kind, value) not in found]
    return found


def _keeps_namespaces(rule: RelabelRule) -> bool:
    return rule.action == KEEP and rule.source_labels == ("__meta_kubernetes_namespace",)


def _kept_namespaces(rules: list[RelabelRule]) -> list[str]:
    """The namespaces a job keeps by `__meta_kubernetes_namespace`, the relabelling twin of `namespaces.names`:
    each literal of a list of literals, else one value the pattern matches; for a keep on it joined with other
    labels (`[__meta_kubernetes_namespace, __meta_kubernetes_pod_label_app]`, `team-a;.+`), its part of a value
    the pattern matches (the other labels stay a filter the unnamed workload must pass)."""
    found: list[str] = []
    for rule in rules:
        if _keeps_namespaces(rule):
            match = _LITERALS.fullmatch(rule.regex)
            values = match.group(1).split("|") if match else [v for v in (example_match(rule.regex),) if v]
        elif rule.action == KEEP and "__meta_kubernetes_namespace" in rule.source_labels and rule.separator:
            parts = (example_match(rule.regex) or "").split(rule.separator)
            values = [parts[rule.source_labels.index("__meta_kubernetes_namespace")]] \
                if len(parts) == len(rule.source_labels) else []
        else:
            continue
        found += [value for value in values if value and value not in found]
    return found


def _in_namespaces(labels: dict[str, str], namespaces: list[str]) -> Iterator[dict[str, str]]:
    """The unnamed workload as discovered, then deployed in each namespace the job keeps (see above)."""
    yield labels
    for namespace in namespaces:
        if "__meta_kubernetes_namespace" in labels and labels["__meta_kubernetes_namespace"] != namespace:
            yield moved_labels(labels, namespace)


# Metadata a job keeps by that any workload owner sets in its own spec without naming anything: an annotation
# (`example.com/scrape: "true"`) or the mere presence of a label or annotation (the Operator's `Exists` selector).
# The representative applications carry only the common opt-ins (prometheus.io/scrape), so a job that selects on
# another one would look as if it kept none of them. A label's value is not among them: `app: web` names a workload.
_OPT_IN_METADATA = re.compile(r"^(__meta_kubernetes_[a-z]+_)(annotation|annotationpresent|labelpresent)_\w+$")


def _owner_chosen_metadata(rules: list[RelabelRule]) -> dict[str, str]:
    """{meta label: value} that passes a keep rule on one opt-in label (see above): the first literal of a list of
    literals ("true" for presence), else a value its pattern matches. Also a drop of the empty value on one label
    or annotation (`regex: ""`, the agent's "drop pods without a `name` label"): any value its owner gives it
    passes, so it selects by presence, not by a value that names the workload."""
    found: dict[str, str] = {}
    for rule in rules:
        if len(rule.source_labels) != 1:
            continue
        label = rule.source_labels[0]
        if _drops_unset_metadata(rule):
            found.setdefault(label, "x")
        if rule.action != KEEP or not _OPT_IN_METADATA.match(label):
            continue
        match = _LITERALS.fullmatch(rule.regex)
        value = match.group(1).split("|")[0] if match else example_match(rule.regex)
        if value is not None:
            found.setdefault(label, value)
    return found


def _with_metadata(labels: dict[str, str], opt_ins: dict[str, str]) -> Iterator[dict[str, str]]:
    """The unnamed workload as discovered, then opted in with every such label of an object kind its role
    discovers (a pod annotation under the pod, endpoints and endpointslice roles, not under the service role)."""
    yield labels
    chosen = {key: value for key, value in opt_ins.items()
              if any(name.startswith(f"__meta_kubernetes_{_META_KEY.match(key).group(1)}_") for name in labels)}
    if chosen and any(labels.get(key) != value for key, value in chosen.items()):
        yield {**labels, **chosen}


def _with_ports(labels: dict[str, str], ports: list[tuple[str, str]]) -> Iterator[dict[str, str]]:
    """The unnamed workload as discovered, then with each port name or number the job keeps (see above)."""
    yield labels
    for kind, value in ports:
        changed = dict(labels)
        for key in (_PORT_NAME_LABELS if kind == "name" else _PORT_NUMBER_LABELS):
            if key in changed:
                changed[key] = value
        if kind == "number" and value.isdigit() and ":" in changed.get("__address__", ""):
            changed["__address__"] = changed["__address__"].rsplit(":", 1)[0] + ":" + value
        if changed != labels:
            yield changed


def identity_token_files(pod: PodTemplate) -> set[str]:
    """Where projected serviceAccountToken volumes put the pod's ServiceAccount token for the API server: those
    without an `audience` (the API server's is the default) or naming the API server. A token for another
    audience is refused by the API server and the kubelets."""
    return {os.path.normpath(path) for path, source in pod.projected_files.items()
            if isinstance(source.get("serviceAccountToken"), YMap) and _api_audience(source["serviceAccountToken"])}


# The API server takes tokens minted for its --api-audiences, which default to its --service-account-issuer:
# kubeadm's https://kubernetes.default.svc.cluster.local, EKS' https://kubernetes.default.svc (its issuer is an
# oidc.eks URL), GKE's https://container.googleapis.com/v1/projects/…/clusters/…, AKS' *.azmk8s.io or
# *.oic.prod-aks.azure.com issuer, k3s' "k3s". An audience naming none of these (vault, sts.amazonaws.com,
# api://AzureADTokenExchange, istio-ca) is another service's; a cluster-specific one we cannot recognise is taken
# for the API server's, so KS106 errs on the side of silence.
_API_AUDIENCE_HINTS = ("kubernetes", "k3s", "container.googleapis.com/", "oidc.eks.", "azmk8s.io", "prod-aks.azure.com")
_FOREIGN_AUDIENCE_HINTS = ("vault", "sts.amazonaws.com", "azureadtokenexchange", "istio-ca", "spiffe://", "gcp-sts",
                           "iam.googleapis.com", "openshift")


def _api_audience(token: YMap) -> bool:
    audience = as_str(token.get("audience")).lower()
    if not audience or any(hint in audience for hint in _API_AUDIENCE_HINTS):
        return True
    return not (any(hint in audience for hint in _FOREIGN_AUDIENCE_HINTS) or "://" not in audience)


@dataclass(eq=False)
class ForeignAudience:
    """A projected serviceAccountToken, minted for an audience other than the API server's, that a job sends."""

    audience: str
    file: str
    span: Span  # the projection's `audience`


# Targets that authenticate a bearer token with a TokenReview carrying no audiences of their own, so the API server
# checks it against its own audiences (--api-audiences): the kubelet (cmd/kubelet/app/auth.go sets no APIAudiences),
# the API server itself and the controller-manager, scheduler and extension API servers (delegated authentication),
# and controller-runtime's filter (its DelegatingAuthenticatorConfig sets no APIAudiences).
# kube-rbac-proxy is left out: its --auth-token-audiences may name the token's audience.
API_AUDIENCE_TARGETS = ("kubelet", "apiserver", "apiserver-proxy", "control-plane", "extension-apiserver",
                        "controller-runtime")


def foreign_audience(credentials: Credentials, pod: PodTemplate | None) -> ForeignAudience | None:
    """The token file the job sends when a projected serviceAccountToken of its pod writes it for another audience."""
    if credentials.kind != "token-file" or pod is None:
        return None
    source = pod.projected_files.get(os.path.normpath(credentials.file))
    token = source.get("serviceAccountToken") if source is not None else None
    if not isinstance(token, YMap) or _api_audience(token):
        return None
    return ForeignAudience(as_str(token.get("audience")), credentials.file, at(pod.obj.path, token.value_pos("audience")))


def sends_identity_token(job: ScrapeJob, pod: PodTemplate | None) -> bool:
    return _is_identity_token(job.credentials, pod)


def discovery_sends_identity_token(sd: SDConfig, pod: PodTemplate | None) -> bool:
    """Whether this discovery authenticates as the pod's ServiceAccount: in-cluster, or an api_server with the
    ServiceAccount token (or a projected token for the API server) as its credentials file."""
    return sd.in_cluster or (not sd.kubeconfig_file and _is_identity_token(sd.credentials, pod))


def _is_identity_token(credentials: Credentials, pod: PodTemplate | None) -> bool:
    if credentials.kind == "sa-token":
        return True
    return (credentials.kind == "token-file" and pod is not None
            and os.path.normpath(credentials.file) in identity_token_files(pod))


SA_TOKEN_SECRET = "kubernetes.io/service-account-token"


def token_secret_identity(job: ScrapeJob, pod: PodTemplate | None, workspace: Workspace) -> tuple[Identity, K8sObject] | None:
    """The ServiceAccount whose token the job sends when that token comes from a Secret of type
    kubernetes.io/service-account-token (the token controller fills its `token` key with a token of the
    ServiceAccount its annotation names): an operator resource's `authorization.credentials`/`bearerTokenSecret`
    (a Secret in the resource's namespace), or a token file that a secret volume of the loading pod mounts."""
    credentials = job.credentials
    if credentials.secret is not None and job.monitor is not None:
        namespace = job.monitor.namespace
        name, key = credentials.secret
    elif credentials.kind == "token-file" and pod is not None:
        found = pod.secret_file(os.path.normpath(credentials.file))
        if found is None:
            return None
        namespace = pod.obj.namespace
        name, key = found
    else:
        return None
    secret = workspace.find("Secret", namespace, name)
    if secret is None or as_str(secret.doc.get("type")) != SA_TOKEN_SECRET or key != "token":
        return None
    account = as_str(secret.annotations.get("kubernetes.io/service-account.name"))
    return (Identity(namespace, account), secret) if account else None


def cluster_ca_secret(job: ScrapeJob, workspace: Workspace) -> K8sObject | None:
    """The Secret whose ca.crt an Operator job verifies its targets with, when that Secret is of type
    kubernetes.io/service-account-token: the token controller writes the cluster's root CA into its ca.crt
    (k/k pkg/controller/serviceaccount/tokens_controller.go, v1.ServiceAccountRootCAKey), the same bundle as the
    ServiceAccount volume's ca.crt and the kube-root-ca.crt ConfigMap. None for any other CA."""
    if job.ca_secret is None or job.monitor is None or job.ca_secret[1] != "ca.crt":
        return None
    secret = workspace.find("Secret", job.monitor.namespace, job.ca_secret[0])
    return secret if secret is not None and as_str(secret.doc.get("type")) == SA_TOKEN_SECRET else None


def analyse_job(job: ScrapeJob, resolution: Resolution, authorizer: Authorizer, assumptions: Assumptions,
                shared_simulations: dict | None = None) -> JobAnalysis:
    analysis = JobAnalysis(job, resolution, sends_identity_token=sends_identity_token(job, resolution.pod))
    identity = resolution.identity
    token_identity = None  # another ServiceAccount whose token the job sends: its scrapes are that account's
    token = token_secret_identity(job, resolution.pod, authorizer.workspace)
    if token is not None:
        if token[0] == identity:
            analysis.sends_identity_token = True
        else:
            token_identity, secret = token
            analysis.makers[token_identity] = Resolution(
                token_identity, f"the job's bearer token is Secret {secret.namespace}/{secret.name}, a "
                f"service-account-token Secret of ServiceAccount {token_identity}", job.credentials.span,
                runner=resolution.runner)
    discoverer = resolution.discovery
    for sd in job.sd_configs:
        if discoverer is not None and discoverer.identity is not None:
            for need in discovery_needs(job, sd, discoverer.identity, discoverer.pod, assumptions.version):
                need.identity = discoverer.identity
                need.why += f" (in the target allocator, as {discoverer.identity})"
                analysis.needs.append(need)
            continue
        analysis.needs.extend(discovery_needs(job, sd, identity, resolution.pod, assumptions.version))
    simulation = simulate_job(job, identity, shared_simulations, shown_services(authorizer.workspace))
    analysis.relabel_errors = simulation.relabel_errors
    analysis.survivors = simulation.survivors
    seen = [(_static_extension(endpoint, authorizer.workspace), span) for endpoint, span in simulation.seen]
    keys = {_endpoint_key(endpoint) for endpoint, _span in seen}
    proxied = set()  # keys of the inputs' own kube-rbac-proxy containers that the job keeps
    tls_only = set()  # those of them on a port the proxy serves only TLS on
    declared = declared_targets(authorizer.workspace)
    for endpoint, span, server in simulate_declared(job, identity, declared, shared_simulations):
        analysis.survivors += 1
        if _endpoint_key(endpoint) not in keys:
            keys.add(_endpoint_key(endpoint))
            seen.append((endpoint, span))
        if server >= 0:
            analysis.proxies.append((server, endpoint.path, span))
            if endpoint.klass == "kube-rbac-proxy":
                proxied.add(_endpoint_key(endpoint))
                if serves_only_tls(declared.servers[server].container, endpoint.port):
                    tls_only.add(_endpoint_key(endpoint))
    catch_all = any(endpoint.klass == "workload" for endpoint, _ in seen)
    # A kube-rbac-proxy of the inputs that passes the job's workload filters was opted in by its owner (the
    # node-exporter chart's Service annotation `prometheus.io/scrape: "true"` beside kubeRBACProxy.enabled): the
    # job is aimed at it, and its failure is the job's, not an incidental discovery. Only an unfiltered job
    # keeps it by chance.
    expects_auth = job.credentials.authenticates or job.scheme == "https"
    opted_in = proxied if proxied and catch_all and not expects_auth and _workload_filters(_rules(job, [])) else set()
    analysis.pushprox = via = pushprox_route(job, authorizer.workspace)
    if via is not None and via.client_identity is not None:
        analysis.makers[via.client_identity] = Resolution(
            via.client_identity, f"{via.client_name} makes the job's requests with its own ServiceAccount token "
            f"({via.token_path})", via.span, pod=via.client)
    foreign = foreign_audience(job.credentials, resolution.pod)
    elsewhere = job.discovery_elsewhere()
    for endpoint, span in seen:
        analysis.origins[endpoint] = span
        # A catch-all job (it also keeps ordinary workloads) that neither speaks TLS nor sends credentials did not
        # aim at the kubelet or API server it incidentally discovers: those targets are just down, not a 403 to fix.
        if (endpoint.klass in AUTHENTICATED_CLASSES + ("kubelet-readonly",) and catch_all and not expects_auth
                and _endpoint_key(endpoint) not in opted_in):
            analysis.incidental.append(endpoint)
            continue
        analysis.endpoints.append(endpoint)
        if endpoint.klass not in AUTHENTICATED_CLASSES:
            continue
        if via is not None and (via.client is None or via.token_path):
            # The PushProx client authenticates (its own token) or is not in view: not Prometheus's credentials.
            for need in scrape_needs(job, endpoint, span, assumptions, authorizer.workspace):
                if via.client_identity is not None:
                    need.identity = via.client_identity
                    need.why += f" (through {via.client_name})"
                else:
                    need.unchecked = f"{via.client_name} makes the request through proxy_url {via.proxy}"
                analysis.needs.append(need)
            continue
        # Through PushProx the job's http is its connection to the proxy; the client may speak https to the target
        # (endpoints keep the job's scheme: the transport rules judge Prometheus's own connection).
        if (endpoint.scheme == "http" and (endpoint.klass in TLS_ONLY_CLASSES or _endpoint_key(endpoint) in tls_only)
                and not (via is not None and via.https)):
            _plain_http_to_tls(analysis, endpoint, span, assumptions, authorizer.workspace)
            continue
        if _rejects_audience(endpoint, foreign, assumptions):
            # An invalid token is an error, not a fallback to anonymous (FACTS §1): 401 whatever RBAC grants.
            gap = CredentialGap(endpoint.klass, endpoint, "401 Unauthorized", foreign_audience=foreign)
            analysis.credential_gaps.append(gap)
            for need in scrape_needs(job, endpoint, span, assumptions, authorizer.workspace):
                need.unchecked = f"the token is for audience {foreign.audience!r}, which the target rejects (KS106)"
                analysis.needs.append(need)
                gap.needs.append(need)
            continue
        unseen_class = None if job.credentials.authenticates else unresolved_scrape_class(job)
        if unseen_class:
            # The class may carry the credentials (a client certificate, an authorization): not anonymous for sure.
            for need in scrape_needs(job, endpoint, span, assumptions, authorizer.workspace):
                need.unchecked = (f"its credentials may come from scrapeClass {unseen_class} of the Prometheus that "
                                  f"selects the monitor, which is not in the inputs")
                analysis.needs.append(need)
            continue
        outcome = _anonymous_outcome(endpoint, job, assumptions)
        if outcome is not None:
            anonymous_needs = scrape_needs(job, endpoint, span, assumptions, authorizer.workspace)
            if outcome.startswith("403") and _granted_to_anonymous(anonymous_needs, authorizer):
                # The target asks RBAC about system:anonymous, and the inputs grant it what the scrape needs: the
                # request succeeds without a token (decided below, as system:anonymous).
                for need in anonymous_needs:
                    need.identity = ANONYMOUS
                    need.why += " (without a token, as system:anonymous)"
                analysis.needs.extend(anonymous_needs)
                continue
            if outcome:
                # Credentials sent but not authenticated: basic auth or a non-Bearer scheme (any target), or a
                # token the kubelet does not check (kubelet-authn: none or x509).
                ignored = job.credentials.kind != "none"
                gap = CredentialGap(endpoint.klass, endpoint, outcome, ignored, needs=anonymous_needs)
                analysis.credential_gaps.append(gap)
                # What the target checks once the request authenticates (KS106's fix): not decided now, but the
                # identity's grant for it is what the job will use, not an unused one (KS201, KS203, KS208).
                for need in anonymous_needs:
                    need.unchecked = f"the request is anonymous ({outcome}): RBAC decides once it authenticates (KS106)"
                    analysis.needs.append(need)
            continue
        for need in scrape_needs(job, endpoint, span, assumptions, authorizer.workspace):
            if not analysis.sends_identity_token and token_identity is None:
                need.unchecked = f"sends {job.credentials.describe()}, not the ServiceAccount token: its RBAC is not in view"
            elif endpoint.elsewhere and elsewhere is not None and not is_in_cluster_api_host(endpoint.host):
                # A target discovered in another cluster is that cluster's kubelet or API server: it authenticates
                # and authorizes against that cluster's API server, whose RBAC the inputs do not hold (FACTS §4).
                need.unchecked = (f"its targets are discovered through {_elsewhere(elsewhere)}, which may be another "
                                  "cluster: that cluster's RBAC decides, not the inputs'")
            elif endpoint.klass == "kubelet" and assumptions.kubelet_authz == "always-allow":
                need.unchecked = "kubelet-authz: always-allow (assumption): the kubelet does not ask RBAC"
            elif token_identity is not None:
                need.identity = token_identity
            analysis.needs.append(need)
    if opted_in:
        opt_in = _describe_filter(_workload_filters(_rules(job, []))[0][0])
        for gap in analysis.credential_gaps:
            if _endpoint_key(gap.endpoint) in opted_in:
                gap.opted_in = opt_in
    for need in analysis.needs:
        asker = need.identity or identity
        if not need.unchecked and asker is not None:
            _static_allowance(need, asker)
        if need.unchecked or asker is None:
            continue
        need.decision = authorizer.authorize(asker, need.request)
        need.alternative_decisions = tuple(authorizer.authorize(asker, r) for r in need.alternatives)
    _compact(analysis)
    return analysis


# The parts of needs that repeat from job to job, one object each: 10,000 objects' ~38,000 needs held ~38,000
# requests and reasons, of which ~340 distinct (~8 MB). Bounded for a language server's long session.
_SHARED_NEED_PARTS: dict[Any, Any] = {}


def _compact(analysis: JobAnalysis) -> None:
    """The complete analysis's lists as tuples, which nothing changes later: a large run keeps one analysis per job
    (~11,000 of 10,000 objects), and its lists, most of them empty, were ~4 MB of over-allocation and empty lists
    (every empty tuple is the same object). Its needs' requests and reasons are shared with equal ones."""
    analysis.endpoints = tuple(analysis.endpoints)
    analysis.needs = tuple(analysis.needs)
    analysis.credential_gaps = tuple(analysis.credential_gaps)
    analysis.incidental = tuple(analysis.incidental)
    analysis.proxies = tuple(analysis.proxies)
    if len(_SHARED_NEED_PARTS) > 50_000:
        _SHARED_NEED_PARTS.clear()
    share = _SHARED_NEED_PARTS.setdefault
    for need in analysis.needs:
        need.request = share(need.request, need.request)
        need.why = share(need.why, need.why)
        if need.alternatives:
            need.alternatives = tuple([share(request, request) for request in need.alternatives])


def loaded_by_vmagent(pod: PodTemplate | None) -> bool:
    """Whether VictoriaMetrics' vmagent, not Prometheus (or a program built on its scrape code), loads the config:
    it accepts a superset of the YAML and builds scrape URLs its own way (lib/promscrape config.go)."""
    return pod is not None and any("vmagent" in c.image or any(a.startswith("-promscrape.config") for a in c.args)
                                   for c in pod.containers)


def scraper_program(analysis: JobAnalysis) -> str:
    """The program that makes a job's requests, as findings name it: vmagent for a VictoriaMetrics scrape object's
    job (whoever selects it), a VMAgent's own scrape configs and a plain config a vmagent container loads;
    Prometheus otherwise."""
    job = analysis.job
    runner = getattr(job.config, "runner", None)
    if (is_victoriametrics(job.monitor) or (runner is not None and runner.kind == "VMAgent")
            or loaded_by_vmagent(analysis.resolution.pod)):
        return "vmagent"
    return "Prometheus"


def _plain_http_to_tls(analysis: JobAnalysis, endpoint: Endpoint, span: Span, assumptions: Assumptions,
                       workspace: Workspace) -> None:
    """A TLS-only target scraped over http answers 400 before authentication: no RBAC question is asked. Without
    credentials that is KS106's gap (it needs https and a token); with them KS303 reports the clear-text token.
    The needs are kept, unchecked, as what the job will use once it speaks https (KS203, KS208)."""
    job = analysis.job
    # the workspace: a kube-rbac-proxy's --config-file decides what it will review once the job speaks https
    needs = scrape_needs(job, endpoint, span, assumptions, workspace)
    if job.credentials.kind == "none":
        analysis.credential_gaps.append(CredentialGap(endpoint.klass, endpoint, PLAIN_HTTP_TO_TLS, plain_http=True,
                                                      needs=needs))
    for need in needs:
        need.unchecked = f"scheme http to a TLS-only port: {PLAIN_HTTP_TO_TLS} before authentication"
        analysis.needs.append(need)


def _elsewhere(sd: SDConfig) -> str:
    return f"kubeconfig_file {sd.kubeconfig_file}" if sd.kubeconfig_file else f"api_server {sd.api_server}"


# kubelet-authn values where the kubelet has no token webhook: a bearer token is not authenticated (FACTS §1).
KUBELET_IGNORES_TOKENS = ("none", "x509")


def _rejects_audience(endpoint: Endpoint, foreign: ForeignAudience | None, assumptions: Assumptions) -> bool:
    """Whether the target authenticates the job's foreign-audience token and so rejects it (a kubelet without the
    token webhook ignores any token: the request is anonymous, which _anonymous_outcome judges)."""
    if foreign is None or endpoint.klass not in API_AUDIENCE_TARGETS:
        return False
    return not (endpoint.klass == "kubelet" and assumptions.kubelet_authn in KUBELET_IGNORES_TOKENS)


def target_asks_rbac(need: Need, assumptions: Assumptions) -> bool:
    """Whether the target of a scrape need asks RBAC at all. A kubelet whose authorization mode is AlwaysAllow
    allows every request it authenticated without a SubjectAccessReview (k/k cmd/kubelet/app/auth.go BuildAuthz),
    so a direct kubelet scrape then needs no grant whatever its path. The API-server proxy path is authorized by
    the API server itself (nodes/proxy, FACTS §2) and is not affected."""
    return need.asks_rbac and not (need.target == "kubelet" and assumptions.kubelet_authz == "always-allow")


def _anonymous_outcome(endpoint: Endpoint, job: ScrapeJob, assumptions: Assumptions) -> str | None:
    """None: the request is authenticated (RBAC decides). "": anonymous works. Otherwise the failure it gets.

    kubelet-authn (FACTS §1): `webhook` = bearer tokens checked by TokenReview, anonymous off (config-file
    defaults); `anonymous` = tokens checked and anonymous on; `none` = no token webhook, anonymous on (the CLI
    flag defaults) — a token is then not authenticated and the request falls to system:anonymous; `x509` = no token
    webhook and anonymous off (kubespray, early GKE: prometheus-operator#926, #976, prometheus#2606) — only client
    certificates authenticate, a token or none gets 401. x509 client certificates are always authenticated."""
    credentials = job.credentials
    if endpoint.klass == "kubelet":
        if credentials.kind == "client-cert" or (credentials.kubernetes_authenticates
                                                 and assumptions.kubelet_authn not in KUBELET_IGNORES_TOKENS):
            return None
        if assumptions.kubelet_authn in ("webhook", "x509"):
            return "401 Unauthorized (the kubelet does not allow anonymous requests)"
        if assumptions.kubelet_authz == "always-allow":
            return ""
        return "403 Forbidden as system:anonymous"
    if credentials.kubernetes_authenticates:
        return None
    if endpoint.klass == "kube-rbac-proxy":
        # kube-rbac-proxy builds its authenticator with anonymous authentication off ("always require
        # authentication", brancz/kube-rbac-proxy pkg/authn/delegating.go): no token is a 401, not an RBAC question.
        return "401 Unauthorized (kube-rbac-proxy does not allow anonymous requests)"
    if endpoint.klass == "controller-runtime":
        # Its filter's DelegatingAuthenticatorConfig has `Anonymous: false` (controller-runtime pkg/metrics/filters).
        return "401 Unauthorized (controller-runtime's metrics filter does not allow anonymous requests)"
    # The API server, and kube-controller-manager/kube-scheduler (delegated authentication, anonymous on by
    # default), take the request for system:anonymous and ask RBAC.
    return "403 Forbidden as system:anonymous"


def _granted_to_anonymous(needs: list[Need], authorizer: Authorizer) -> bool:
    """Whether the inputs grant system:anonymous (group system:unauthenticated) every request of a scrape made
    without a token, where the target takes it for anonymous and asks RBAC (FACTS §1 outcome matrix, §7)."""
    return bool(needs) and all(any(authorizer.authorize(ANONYMOUS, request).allowed
                                   for request in (need.request, *need.alternatives)) for need in needs)


@gc_paused
def analyse(
    workspace: Workspace,
    configs: list[PromConfig],
    assumptions: Assumptions,
    identity_override: Identity | None = None,
    identity_globs: dict[str, str] | dict[str, tuple[str, str]] | None = None,
    previous: "Analysis | None" = None,
    shared_simulations: dict | None = None,
    on_job: Callable[[], Any] | None = None,
) -> Analysis:
    """`previous`: the analysis of an earlier run over mostly the same Sources (the language server). A job
    whose object, identity resolution and RBAC inputs are all unchanged keeps its JobAnalysis from then.
    `shared_simulations`: relabel simulations by content, kept by the language server (simulate_job).
    `on_job`: called after each job (the CLI's progress line)."""
    authorizer = Authorizer(workspace, previous.authorizer if previous is not None else None)
    jobs = []
    resolutions: dict[int, Resolution] = {}
    declared_key = _inputs_key(workspace)
    # A job simulated on other kube-rbac-proxy targets of the inputs (a workload edited), or with other assumed
    # Services shown (a Service named after one added elsewhere: targets.shown_services), is analysed anew.
    reusable = _reusable_jobs(previous, assumptions) if previous is None or previous.declared_key == declared_key else {}
    # A static target addressed by a Service's DNS name is judged by the Service and the pods it selects
    # (_static_extension): a job with static targets is reused only while those objects are the same ones.
    same_services = previous is not None and _same_objects(previous.workspace, workspace)
    services: set[tuple[str, str]] | None = None  # (namespace, name) of both runs' Services, when needed
    includes = scrape_config_includes(configs, workspace)
    for config in configs:
        resolution = resolve_identity(config, workspace, identity_override, identity_globs or {}, includes)
        resolutions[id(config)] = resolution
        # Reuse needs the same job object resolved the same way, with the same RBAC objects deciding for it.
        old_resolution = reusable.get(id(config)) if reusable else None
        same_config = (old_resolution is not None and old_resolution[0] is config
                       and _same_resolution(old_resolution[1], resolution))
        # A config loaded as several ServiceAccounts: its jobs are analysed once as each (one JobAnalysis per job
        # and identity); the relabel simulation, a function of the job's content, is shared among them.
        for each in resolution.each:
            same = same_config and _same_grants(authorizer, previous, each)
            for job in config.jobs:
                # (A token from a Secret depends on that Secret and its ServiceAccount's grants too: analysed anew.)
                old = reusable.get((id(job), each.identity)) if same and not _token_may_be_secret(job) else None
                if old is not None and old[1].asks_as_anonymous:
                    old = None  # decided for system:anonymous, whose grants `same_inputs` does not compare
                if old is not None and job.node.get("proxy_url"):
                    old = None  # a PushProx client elsewhere may make its requests, with its own grants (pushprox.py)
                if old is not None and job.static_targets and not same_services:
                    if services is None:
                        services = _service_keys(previous.workspace) | _service_keys(workspace)  # type: ignore[union-attr]
                    if not services.isdisjoint(old[1].named_services):
                        old = None
                if old is not None and old[0] is job:
                    jobs.append(old[1])
                else:
                    jobs.append(analyse_job(job, each, authorizer, assumptions, shared_simulations))
                if on_job is not None:
                    on_job()
    return Analysis(workspace, configs, assumptions, authorizer, jobs, resolutions, declared_key)


def _inputs_key(workspace: Workspace) -> tuple:
    return declared_targets(workspace).key, shown_services(workspace)


def _same_objects(old: Workspace, new: Workspace) -> bool:
    """Whether both runs hold the very same Services and workloads (unchanged files keep their model's objects)."""
    return (len(old.workloads) == len(new.workloads) and all(a is b for a, b in zip(old.workloads, new.workloads))
            and len(old.kind("Service")) == len(new.kind("Service"))
            and all(a is b for a, b in zip(old.kind("Service"), new.kind("Service"))))


def _service_keys(workspace: Workspace) -> set[tuple[str, str]]:
    return {(service.namespace, service.name) for service in workspace.kind("Service")}


def _same_grants(authorizer: Authorizer, previous: Analysis | None, resolution: Resolution) -> bool:
    """Whether the RBAC objects deciding for the resolution's identities are those of the previous run."""
    return ((resolution.identity is None or authorizer.same_inputs(previous.authorizer, resolution.identity))  # type: ignore[union-attr]
            and (resolution.discovery is None or resolution.discovery.identity is None
                 or authorizer.same_inputs(previous.authorizer, resolution.discovery.identity)))  # type: ignore[union-attr]


def _token_may_be_secret(job: ScrapeJob) -> bool:
    return job.credentials.secret is not None or job.credentials.kind == "token-file"


def _reusable_jobs(previous: Analysis | None, assumptions: Assumptions) -> dict[Any, tuple]:
    """id(config) → (config, its resolution) and (id(job), identity) → (job, its JobAnalysis as that identity) of
    the previous run. Keyed by id: safe, since each value holds its object alive and a match is confirmed with `is`."""
    if previous is None or previous.assumptions != assumptions:
        return {}
    reusable: dict[Any, tuple] = {(id(job.job), job.identity): (job.job, job) for job in previous.jobs}
    for config in previous.configs:
        reusable[id(config)] = (config, previous.resolutions[id(config)])
    return reusable


def _same_resolution(old: Resolution | None, new: Resolution | None) -> bool:
    if old is None or new is None:
        return old is new
    return (old.identity == new.identity and old.reason == new.reason and old.span == new.span and old.pod is new.pod
            and (old.explicit, old.managed, old.namespace_assumed) == (new.explicit, new.managed, new.namespace_assumed)
            and _same_resolution(old.discovery, new.discovery)
            and len(old.also) == len(new.also) and all(map(_same_resolution, old.also, new.also)))


def reads_service_account_files(job: ScrapeJob) -> list[tuple[str, Span, str]]:
    """(file, where, what for) for each ServiceAccount file a job reads or relies on (in-cluster discovery)."""
    reads = []
    if job.credentials.kind == "sa-token":
        reads.append(("token", job.credentials.span, "scrape credentials"))
    for key in ("ca_file", "cert_file", "key_file"):
        value = as_str(job.tls.get(key))
        if value.startswith(SA_DIR + "/"):
            reads.append((value[len(SA_DIR) + 1:], value_span(job.path, job.tls, key), f"tls_config.{key}"))
    for sd in job.sd_configs:
        if sd.in_cluster:
            # rest.InClusterConfig fails without the token; without ca.crt it only logs and verifies the API server
            # against the system roots, which do not hold the cluster CA.
            reads.append(("token", sd.role_span, "discovery"))
            reads.append(("ca.crt", sd.role_span, "discovery CA"))
            break
    for sd in job.sd_configs:
        if sd.in_cluster and sd.own_namespace:
            # in-cluster discovery reads the pod's namespace from this file for `own_namespace` and does not
            # start without it ("could not determine the pod's namespace", discovery/kubernetes/kubernetes.go)
            reads.append(("namespace", value_span(sd.path, as_map(sd.node.get("namespaces")), "own_namespace"),
                          "discovery own_namespace"))
            break
    for sd in job.sd_configs:  # an api_server's own http_config (in-cluster discovery spelled out)
        if sd.api_server and sd.credentials.kind == "sa-token":
            reads.append(("token", sd.credentials.span, "discovery credentials"))
        tls = as_map(sd.node.get("tls_config"))
        for key in ("ca_file", "cert_file", "key_file"):
            value = as_str(tls.get(key))
            if sd.api_server and value.startswith(SA_DIR + "/"):
                reads.append((value[len(SA_DIR) + 1:], value_span(sd.path, tls, key), f"discovery tls_config.{key}"))
    return reads
