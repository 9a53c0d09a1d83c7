"""kube-rbac-proxy sidecars the inputs declare, and the targets discovery finds on them.

kube-rbac-proxy (brancz/kube-rbac-proxy) sits in front of an exporter (kube-prometheus' node-exporter,
kube-state-metrics, many operators' metrics ports): it authenticates each client's bearer token with a TokenReview
and asks the API server with a SubjectAccessReview whether the client may `get` the request's path.

The representative cluster (targets.py) knows none of the user's workloads, so a plain job that keeps
node-exporter's `https` port by Service name, namespace and port name keeps nothing there. Here the pods of the
inputs that run kube-rbac-proxy — only those: an ordinary application is what the representative cluster already
stands for, and taking every pod of the inputs for an authenticated target would be wrong — and the Services in
front of them are discovered as Prometheus would discover them (prometheus discovery/kubernetes/pod.go,
endpoints.go, endpointslice.go set `__meta_kubernetes_pod_container_image` from the container whose port the
target is), and each job's own relabelling decides whether it keeps them.

What the review asks comes from the proxy's `--config-file` when it has one (see ReviewConfig): the file is
found where the container reads it — the flag's path, the volumeMount over it, the ConfigMap `data` or Secret
`stringData`/`data` key the volume puts there — and parsed with positions, like an embedded Prometheus config.
Its `authorization.resourceAttributes` turn the review into a resource request, its `static` allow-list may
allow a scraper without any review, and its `rewrites` fill the attributes from each request's query parameter
or header, which no offline reading can know. A config file the inputs do not hold leaves the review unknown.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from .extapi import has_servers, server_labels, serves, undeclared_server
from .gopath import go_path_match
from .load import Limits, parse_text
from .model import Container, K8sObject, PodTemplate, Workspace, go_flag
from .rbac import Identity, Request
from .records import dataclass, field
from .targets import (PROXY_SERVER_LABEL, RBAC_PROXY_LABEL, RBAC_PROXY_PORT_LABEL, Endpoint, Target, _pod_labels,
                      _service_endpoint_targets, _target, uncovered_port_labels)
from .yamltree import Span, YMap, as_map, as_seq, as_str, at, get_path, key_span

if TYPE_CHECKING:  # analyse.py imports this module
    from .analyse import JobAnalysis

RBAC_PROXY_IMAGE = "kube-rbac-proxy"
# Roles whose targets are pods' ports (the service and ingress roles address a Service or a host, not a container).
POD_ROLES = ("pod", "endpoints", "endpointslice")


# The flags only kube-rbac-proxy pairs (cmd/kube-rbac-proxy/app/options: proxyoptions.go --upstream,
# legacyoptions.go --secure-listen-address); oauth-proxy and oauth2-proxy take --upstream with --https-address.
RBAC_PROXY_FLAGS = ("--upstream", "--secure-listen-address")


def is_rbac_proxy(container: Container) -> bool:
    """Whether the container runs kube-rbac-proxy: by its image, or — where the manifest leaves the image for an
    operator to fill at runtime (OpenShift's cluster-monitoring-operator assets write `image: ""`) or names a
    mirror — by kube-rbac-proxy's own flag pair; by the container's name only when the image names nothing."""
    if RBAC_PROXY_IMAGE in container.image:
        return True
    if all(container.flag_values(flag) for flag in RBAC_PROXY_FLAGS):
        return True
    return _unresolved_image(container.image) and container.name.startswith(RBAC_PROXY_IMAGE)


def _unresolved_image(image: str) -> bool:
    """An image the manifest leaves to be filled in: empty, or a template or variable placeholder."""
    return not image.strip() or any(mark in image for mark in ("{{", "${", "$("))


def _split_paths(container: Container, flag: str) -> list[str]:
    return [p for value in container.flag_values(flag) for p in value.split(",") if p]


def authenticates_path(container: Container, path: str) -> bool:
    """Whether kube-rbac-proxy authenticates and authorizes a request for `path` at all (cmd/kube-rbac-proxy
    app: the --allow-paths and --ignore-paths filters run before authentication):
    - `--ignore-paths` patterns pass without authentication or authorization;
    - with `--allow-paths`, every other path is refused (404, or 403 in newer versions) before any review."""
    if any(go_path_match(pattern, path) for pattern in _split_paths(container, "--ignore-paths")):
        return False
    allow = _split_paths(container, "--allow-paths")
    return not allow or any(go_path_match(pattern, path) for pattern in allow)


def checks_path(container: Container, path: str) -> bool:
    """Whether kube-rbac-proxy asks the API server about a request for `path` (a SubjectAccessReview: of the
    path as a non-resource URL, or of the `--config-file`'s resourceAttributes, see ReviewConfig):
    - `--ignore-paths` patterns pass without authorization;
    - `--allow-paths` patterns are still authorized (pkg/authorization/path/path.go: a match is NoOpinion, left
      to the SubjectAccessReview); every other path is refused whatever RBAC grants (404, or 403 in newer
      versions), which no grant fixes."""
    return authenticates_path(container, path)


def _listen_port(address: str | None) -> int | None:
    """The port of a `host:port` listen address (`:9100`, `[$(IP)]:9100`, `0.0.0.0:8443`)."""
    port = (address or "").rpartition(":")[2]
    return int(port) if port.isdigit() else None


def _proxy_endpoints_port(container: Container) -> int | None:
    """kube-rbac-proxy's --proxy-endpoints-port: a second TLS server on the secure listen host that serves only
    /healthz, with no authentication or authorization (cmd/kube-rbac-proxy/app/kube-rbac-proxy.go Run:
    proxyEndpointsMux); it is started only beside --secure-listen-address."""
    words = container.command + container.args
    value = go_flag(words, "proxy-endpoints-port")
    if go_flag(words, "secure-listen-address") is None or value is None or not value.isdigit() or value == "0":
        return None
    return int(value)


def reviews_on_port(container: Container, port: int) -> bool:
    """Whether kube-rbac-proxy's authenticating server listens on `port`: its --secure-listen-address or
    --insecure-listen-address (Run). Its other declared ports are its --proxy-endpoints-port (/healthz for anyone,
    no review) or nothing at all: no RBAC question there. A listen address that names no port (a template) is
    taken to be any."""
    words = container.command + container.args
    addresses = [value for value in (go_flag(words, flag) for flag in ("secure-listen-address", "insecure-listen-address"))
                 if value is not None]
    ports = {_listen_port(address) for address in addresses}
    return not ports or None in ports or port in ports


def serves_only_tls(container: Container, port: int) -> bool:
    """Whether kube-rbac-proxy serves only TLS on `port`: its --secure-listen-address (a tls.NewListener, with a
    self-signed certificate when none is given) or --proxy-endpoints-port, and not its --insecure-listen-address
    (plain HTTP and h2c) (cmd/kube-rbac-proxy/app/kube-rbac-proxy.go Run). A plain-HTTP request there is answered
    400 by Go's TLS server before the proxy authenticates anything."""
    words = container.command + container.args
    if _listen_port(go_flag(words, "insecure-listen-address")) == port:
        return False
    return _listen_port(go_flag(words, "secure-listen-address")) == port or _proxy_endpoints_port(container) == port


def server_id(pod: PodTemplate, container: Container) -> str:
    """How a target names the kube-rbac-proxy container serving it (the PROXY_SERVER_LABEL value): set only for a
    proxy with a `--config-file`, whose review depends on that container's file."""
    if not container.flag_values("--config-file"):
        return ""
    return f"{pod.obj.kind}/{pod.obj.namespace}/{pod.obj.name}:{container.name}"


def proxy_labels(pod: PodTemplate, container: Container, port: Any) -> dict[str, str]:
    """The labels that mark a target on the kube-rbac-proxy `container`'s port `port` (targets.classify reads
    them): that it is one, which container's --config-file decides its review, and the port they hold for."""
    server = server_id(pod, container)
    marks = {RBAC_PROXY_LABEL: "true", **({PROXY_SERVER_LABEL: server} if server else {})}
    if isinstance(port, int) and not isinstance(port, bool):
        marks[RBAC_PROXY_PORT_LABEL] = str(port)
    return marks


# ---------------------------------------------------------------------------------------------- --config-file


@dataclass(frozen=True)
class StaticRule:
    """One entry of the config's `authorization.static` allow-list (pkg/authorization/static/static.go): an empty
    field matches anything; `user.groups` matches when the user is in any of them (v0.15 and later)."""

    user: str
    groups: tuple[str, ...]
    verb: str
    namespace: str
    api_group: str
    resource: str
    subresource: str
    name: str
    resource_request: bool
    path: str
    span: Span

    def matches(self, identity: Identity, request: Request) -> bool:
        """StaticAuthorizationConfig.Matches for `identity` and the attributes the proxy reviews `request` with."""
        return ((not self.user or self.user == identity.user)
                and (not self.groups or any(g in identity.groups for g in self.groups))
                and self.matches_attributes(request))

    def matches_attributes(self, request: Request) -> bool:
        wanted = (self.verb, self.namespace, self.api_group, self.resource, self.subresource, self.name, self.path)
        actual = (request.verb, request.namespace or "", request.api_group, request.resource, request.subresource,
                  request.name or "", request.url)
        return (all(not want or want == have for want, have in zip(wanted, actual))
                and self.resource_request == request.is_resource)

    def describe_subject(self) -> str:
        users = [f"user {self.user}"] if self.user else []
        return " in ".join(users + [f"group {' or '.join(self.groups)}"] if self.groups else users) or "every user"


@dataclass(frozen=True)
class ReviewConfig:
    """What a kube-rbac-proxy's `--config-file` makes of its review (cmd/kube-rbac-proxy/app/options
    proxyoptions.go parseAuthorizationConfigFile: ghodss/yaml into `authorization:` of pkg/authorization
    config.go AuthzConfig; app/authorizer.go setupAuthorizer):
    - `resourceAttributes` without `rewrites`: every request is reviewed as that resource request, the verb from
      the HTTP method (`get` for a scrape's GET), not the path (pkg/authorization/rewrite/attributes.go
      BoundAttributesGenerator; pkg/proxy/proxy.go GetRequestAttributes before v0.15);
    - `resourceAttributes` with `rewrites`: the attributes are templates filled from a query parameter or header
      of each request (RewritingAttributesGenerator), a request without one is refused: not knowable here;
    - `static`: an allow-list asked before the review (union), which allows without asking RBAC."""

    file: str  # the --config-file path
    holder: str  # "ConfigMap monitoring/x key config.yaml"; the missing object; "" when nothing mounts the file
    found: bool  # the inputs hold the file and it parses
    resource: Request | None = None
    span: Span | None = None  # where the attributes are written (resourceAttributes), else the holder's key
    rewrites: str = ""  # where a rewrite takes the attributes from, when it applies
    static: tuple[StaticRule, ...] = ()

    def describe(self) -> str:
        return f"--config-file {self.file} ({self.holder})" if self.holder else f"--config-file {self.file}"

    def request_for(self, path: str) -> Request:
        """The request the proxy reviews for a GET of `path`."""
        return self.resource if self.resource is not None else Request("get", url=path)

    def unknown(self) -> str:
        """Why the review cannot be decided offline, or ""."""
        if not self.found:
            where = f" ({self.holder})" if self.holder else ""
            return (f"kube-rbac-proxy's --config-file {self.file}{where} is not in the inputs: it may set "
                    "resourceAttributes or a static allow-list, so what it reviews is not known")
        if self.rewrites:
            return (f"kube-rbac-proxy's {self.describe()} rewrites its resourceAttributes from the {self.rewrites} "
                    "of each request: the attributes reviewed are not knowable offline")
        return ""

    def static_rule(self, identity: Identity, request: Request) -> StaticRule | None:
        return next((rule for rule in self.static if rule.matches(identity, request)), None)


def review_config(workspace: Workspace, server: str) -> ReviewConfig | None:
    """The ReviewConfig of the proxy container `server` (see server_id); None for none. Read with the declared
    targets, once per workspace."""
    return declared_targets(workspace).reviews.get(server)


def reviewed_resources(workspace: Workspace) -> frozenset[tuple[str, str]]:
    """(apiGroup, "resource/subresource") of every resource request a kube-rbac-proxy `--config-file` of the inputs
    reviews. Its resourceAttributes may name any subresource — the node-exporter chart's is the Service's own name,
    `services/<fullname>` — and RBAC matches it as a string, so a rule granting it is used, not dead (KS503)."""
    return workspace.index("rbac-proxy-reviewed", lambda: frozenset(
        (review.resource.api_group, review.resource.resource_path)
        for review in declared_targets(workspace).reviews.values()
        if review is not None and review.resource is not None))


def unknown_review(workspace: Workspace) -> bool:
    """Whether a kube-rbac-proxy of the inputs reviews attributes that cannot be read offline (its --config-file
    is not in the inputs, e.g. a namespace-less ConfigMap of a chart placed in the default namespace, or rewrites
    them per request): it may review any made-up subresource, so none can be called dead (KS503)."""
    return workspace.index("rbac-proxy-review-unknown", lambda: any(
        review is not None and bool(review.unknown())
        for review in declared_targets(workspace).reviews.values()))


def _read_review_config(workspace: Workspace, server: Server) -> ReviewConfig | None:
    from .analyse import mounted_key  # analyse.py imports this module

    values = server.container.flag_values("--config-file")
    if not values:
        return None
    file = values[-1]  # pflag: the last occurrence wins
    mounted = mounted_key(server.pod, server.container, file, workspace) if file.startswith("/") else None
    if mounted is None:
        return ReviewConfig(file, "", False)
    kind, name, key = mounted
    holder = workspace.find(kind, server.pod.obj.namespace, name) if key else None
    if holder is None:
        return ReviewConfig(file, f"{kind} {server.pod.obj.namespace}/{name}", False)
    where = f"{kind} {holder.namespace}/{holder.name} key {key}"
    root = _parsed(workspace, holder, key)
    if root is None:
        return ReviewConfig(file, where, False)
    return _review_from(holder.path, root, file, where)


@dataclass(frozen=True)
class MissingConfigFile:
    """A proxy's --config-file under the mount of ConfigMaps/Secrets of the inputs that put no file there
    (analyse.unheld_mounted_file): kube-rbac-proxy reads it at start (cmd/kube-rbac-proxy/app/kube-rbac-proxy.go
    parseAuthorizationConfigFile: os.ReadFile, "failed to read the config file"), so it exits and serves nothing."""

    file: str  # the --config-file path
    holder: K8sObject  # the ConfigMap/Secret mounted over it
    root: str  # its mountPath
    meant: str  # the key of the same volume the flag most likely means (a close spelling), "" for none
    review: ReviewConfig | None  # what the proxy reviews once the flag names `meant`'s file


def missing_config_files(workspace: Workspace) -> dict[int, MissingConfigFile]:
    """Index of a proxy in declared_targets().servers → its MissingConfigFile, for the proxies that have one. Built
    once per workspace."""
    return workspace.index("rbac-proxy-missing-config", lambda: {
        index: missing for index, server in enumerate(declared_targets(workspace).servers)
        if (missing := missing_config_file(workspace, server)) is not None})


def missing_config_file(workspace: Workspace, server: Server) -> MissingConfigFile | None:
    """The proxy's --config-file when the mounted ConfigMap/Secret lacks it (see MissingConfigFile), else None."""
    from .analyse import holder_keys, mounted_key, unheld_mounted_file  # analyse.py imports this module
    from .fixes import close_matches

    values = server.container.flag_values("--config-file")
    if not values or not values[-1].startswith("/"):
        return None
    file = os.path.normpath(values[-1])
    unheld = unheld_mounted_file(server.pod, server.container, file, workspace)
    if unheld is None:
        return None
    holder, root = unheld
    directory = os.path.dirname(file)
    meant = next((key for key in close_matches(os.path.basename(file), sorted(holder_keys(holder)))
                  if mounted_key(server.pod, server.container, os.path.join(directory, key), workspace)), "")
    review = None
    if meant:
        parsed = _parsed(workspace, holder, meant)
        where = f"{holder.kind} {holder.namespace}/{holder.name} key {meant}"
        review = _review_from(holder.path, parsed, os.path.join(directory, meant), where) if parsed is not None else None
    return MissingConfigFile(file, holder, root, meant, review)


def _parsed(workspace: Workspace, holder: K8sObject, key: str) -> YMap | None:
    """The key's text parsed with positions in the holder's file (stringData/data exact for block scalars; base64
    `data`/`binaryData` pinned to the key)."""
    from .operator import holder_value

    value, position = holder_value(holder, key, workspace.source_text(holder.path))
    if not isinstance(value, str):
        return None
    documents, _problems, status = parse_text(holder.path, value, Limits(), position)
    if status != "linted":
        return None
    root = documents[0].root if documents else None
    return root if isinstance(root, YMap) else YMap()


def _field(node: Any, name: str) -> tuple[Any, Any]:
    """(value, key) of a field as encoding/json decodes it (ghodss/yaml converts YAML to JSON first): the exact
    key, else one equal to it ignoring case."""
    mapping = as_map(node)
    if name in mapping:
        return mapping[name], name
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == name.lower():
            return value, key
    return None, None


def _review_from(path: str, root: YMap, file: str, where: str) -> ReviewConfig:
    authorization, _key = _field(root, "authorization")
    attributes, attributes_key = _field(authorization, "resourceAttributes")
    rewrites, _key = _field(authorization, "rewrites")
    resource = span = None
    source = ""
    if isinstance(attributes, YMap):
        text = {name: as_str(_field(attributes, name)[0])
                for name in ("namespace", "apiGroup", "resource", "subresource", "name")}
        if isinstance(rewrites, YMap):
            source = _rewrite_source(rewrites)
            # Go templates ({{.Value}}) filled per request: shown as any namespace, any name.
            text = {name: "" if "{{" in value else value for name, value in text.items()}
        resource = Request("get", text["apiGroup"], text["resource"], text["subresource"],
                           namespace=text["namespace"] or None, name=text["name"] or None)
        span = key_span(path, authorization, attributes_key)
    entries, _key = _field(authorization, "static")
    static = tuple(_static_rule(path, entry, index, entries)
                   for index, entry in enumerate(as_seq(entries)) if isinstance(entry, YMap))
    return ReviewConfig(file, where, True, resource, span, source, static)


def _rewrite_source(rewrites: YMap) -> str:
    """Where `rewrites` takes the values: "query parameter `namespace`", "HTTP header `X`", or both. With
    neither, a request carries no value and is refused (400 Bad Request before v0.15, 403 since)."""
    sources = []
    for field, what in (("byQueryParameter", "query parameter"), ("byHttpHeader", "HTTP header")):
        name = as_str(_field(_field(rewrites, field)[0], "name")[0])
        if name:
            sources.append(f"{what} `{name}`")
    return " or ".join(sources) or "query parameter or header (none named)"


def _static_rule(path: str, entry: YMap, index: int, sequence: Any) -> StaticRule:
    user, _key = _field(entry, "user")
    text = {name: as_str(_field(entry, name)[0])
            for name in ("verb", "namespace", "apiGroup", "resource", "subresource", "name", "path")}
    return StaticRule(as_str(_field(user, "name")[0]), tuple(as_str(g) for g in as_seq(_field(user, "groups")[0])),
                      text["verb"], text["namespace"], text["apiGroup"], text["resource"], text["subresource"],
                      text["name"], _field(entry, "resourceRequest")[0] is True, text["path"],
                      at(path, sequence.item_pos(index)))


# ---------------------------------------------------------------------------------------------- declared targets


@dataclass(frozen=True)
class Server:
    """The kube-rbac-proxy container of a workload in the inputs that serves a discovered target."""

    pod: PodTemplate
    container: Container


@dataclass(eq=False)
class DeclaredTargets:
    """Per SD role, (target, index of its Server or -1 for another container's port) of the pods that run
    kube-rbac-proxy or an extension API server (extapi.py) and of the Services that select them; `key` fingerprints them and the proxies' --config-file
    reviews by content (the simulation is memoised on the job, and a job's analysis reused, across workspaces in
    the language server: an edited proxy config must make them anew)."""

    by_role: dict[str, list[tuple[Target, int]]]
    servers: list[Server]
    key: str
    reviews: dict[str, ReviewConfig] = field(default_factory=dict)  # server_id → what its --config-file says

    def for_role(self, role: str, namespaces: list[str] | None) -> list[tuple[dict[str, str], int]]:
        return [(target.as_dict(), server) for target, server in self.by_role.get(role, ())
                if namespaces is None or target.namespace in namespaces]


EMPTY = DeclaredTargets({}, [], "")


def declared_targets(workspace: Workspace) -> DeclaredTargets:
    """Built once per workspace."""
    return workspace.index("rbac-proxy-targets", lambda: _build(workspace))


def _build(workspace: Workspace) -> DeclaredTargets:
    # Also the pods of extension API servers (extapi.py), whose ports review the path like kube-rbac-proxy does.
    servers_here = has_servers(workspace)
    proxied = [pod for pod in workspace.workloads
               if runs_rbac_proxy(pod) or servers_here and any(_extension_ports(workspace, pod, c)
                                                                for c in pod.app_containers)]
    if not proxied:
        return EMPTY
    servers: list[Server] = []
    server_index: dict[tuple[int, int], int] = {}  # (id(pod), id(container)) → its index in servers
    by_role: dict[str, list[tuple[Target, int]]] = {role: [] for role in POD_ROLES}
    services = _ServicesBySelector([s for s in workspace.kind("Service") if s.api_version == "v1"])
    for number, pod in enumerate(proxied):
        # Addresses of no representative-cluster object, whose names the transport rules would report instead.
        ip = f"10.0.200.{number % 250 + 1}" if pod.spec.get("hostNetwork") is True else f"10.244.200.{number % 250 + 1}"
        sample = _sample_pod(pod, ip)
        for container in pod.app_containers:
            index = -1
            if is_rbac_proxy(container):
                index = len(servers)
                servers.append(Server(pod, container))
                server_index[(id(pod), id(container))] = index
            for entry in _port_entries(container) or [None]:
                labels = _pod_labels(pod.obj.namespace, {**sample, "container": container.name}, entry)
                labels.update(_container_marks(workspace, pod, container, entry["port"] if entry else None, index))
                labels["__address__"] = f"{ip}:{entry['port']}" if entry else ip
                by_role["pod"].append((_target(pod.obj.namespace, labels), index))
        for service in services.selecting(pod):
            for role in ("endpoints", "endpointslice"):
                by_role[role].extend(_endpoint_targets(service, pod, sample, role == "endpointslice", server_index,
                                                       workspace))
    reviews = {server_id(s.pod, s.container): _read_review_config(workspace, s)
               for s in servers if server_id(s.pod, s.container)}
    key = repr(sorted((role, target.labels, index) for role, items in by_role.items() for target, index in items))
    key += repr(sorted(reviews.items()))
    return DeclaredTargets(by_role, servers, key, reviews)


def runs_rbac_proxy(pod: PodTemplate) -> bool:
    """Whether one of the pod's containers runs kube-rbac-proxy. Cached on the template, which lives as long as its
    file's Source: the language server builds the declared targets anew at every re-lint, and asking every
    container of the workspace again was a twentieth of a re-lint of 10,000 objects (analyse.looks_like_prometheus
    is cached so too)."""
    cached = pod.__dict__.get("_runs_rbac_proxy")
    if cached is None:
        cached = pod.__dict__["_runs_rbac_proxy"] = any(is_rbac_proxy(c) for c in pod.app_containers)
    return cached


def _controller(obj: K8sObject) -> tuple[str, str]:
    """(kind, name) of the pod's owner, as `__meta_kubernetes_pod_controller_*` shows it: a Deployment's pods are
    owned by its ReplicaSet (the name gets a template hash), a CronJob's by a Job."""
    if obj.kind == "Deployment":
        return "ReplicaSet", f"{obj.name}-7f9c6b8d5"
    if obj.kind == "CronJob":
        return "Job", f"{obj.name}-28000000"
    return ("", "") if obj.kind == "Pod" else (obj.kind, obj.name)


def _sample_pod(pod: PodTemplate, ip: str) -> dict[str, Any]:
    metadata = pod.obj.doc if pod.spec_keys == ("spec",) else get_path(pod.obj.doc, *pod.spec_keys[:-1])
    annotations = {as_str(k): as_str(v) for k, v in as_map(get_path(metadata, "metadata", "annotations")).items()}
    kind, owner = _controller(pod.obj)
    return {"name": pod.obj.name if pod.obj.kind == "Pod" else f"{owner or pod.obj.name}-abcde", "ip": ip,
            "node": "node-1", "host_ip": "10.0.0.11", "labels": pod.labels, "annotations": annotations,
            "controller": (kind, owner)}


def _extension_ports(workspace: Workspace, pod: PodTemplate, container: Container) -> bool:
    """Whether any declared port of the container is an extension API server's (extapi.server_labels), or the
    container serves one on a port it does not declare (a Service's numeric targetPort reaches it all the same)."""
    return serves(workspace, pod, container)


class _ServicesBySelector:
    """The Services whose selector selects a pod (equality on every key; none = endpoints managed by hand, which
    we cannot see). Each Service is filed under its namespace and its selector's first pair, which any pod it
    selects carries: a pod looks up its own label pairs instead of testing every Service (proxied pods ×
    Services: 2,000 of each in one namespace spent 30 s here)."""

    def __init__(self, services: list[K8sObject]) -> None:
        self.filed: dict[tuple[str, str, str], list[tuple[int, K8sObject]]] = {}
        for order, service in enumerate(services):
            selector = as_map(get_path(service.doc, "spec", "selector"))
            if selector:
                key, value = next(iter(selector.items()))
                self.filed.setdefault((service.namespace, as_str(key), as_str(value)), []).append((order, service))

    def selecting(self, pod: PodTemplate) -> list[K8sObject]:
        """In input order, as a scan of all Services would find them (PodTemplate.selected_by decides)."""
        namespace = pod.obj.namespace
        found = [(order, service) for key, value in pod.labels.items()
                 for order, service in self.filed.get((namespace, key, value), ()) if pod.selected_by(service)]
        return [service for _order, service in sorted(found, key=lambda entry: entry[0])]


def _port_entries(container: Container) -> list[dict]:
    """The container's declared ports, as targets._pod_labels takes them."""
    return [{"name": as_str(port.get("name")), "port": port["containerPort"], "protocol": as_str(port.get("protocol")) or "TCP"}
            for port in map(as_map, as_seq(container.node.get("ports"))) if isinstance(port.get("containerPort"), int)]


def _container_marks(workspace: Workspace, pod: PodTemplate, container: Container, number: int | None,
                     index: int) -> dict[str, str]:
    """What a target of `container` (on its port `number`) carries beyond discovery's labels: its image (which
    discovery sets too), and the kube-rbac-proxy (`index` ≥ 0: its server) and extension API server marks."""
    labels = {"__meta_kubernetes_pod_container_image": container.image}
    if index >= 0:
        labels.update(proxy_labels(pod, container, number))
    if number is not None:
        labels.update(server_labels(workspace, pod, container, number))
    return labels


def _endpoint_targets(service: K8sObject, pod: PodTemplate, sample: dict, slice_role: bool,
                      server_index: dict[tuple[int, int], int], workspace: Workspace) -> list[tuple[Target, int]]:
    """The endpoints/endpointslice targets of `service` on `pod` (endpoints.go, endpointslice.go): one per Service
    port whose targetPort the pod serves, with the labels of the container declaring that port number (none when
    no container does), then one per declared container port no Service port covers."""
    ports = []
    for port in as_seq(get_path(service.doc, "spec", "ports")):
        port = as_map(port)
        number = _container_port(pod, port.get("targetPort", port.get("port")))
        if number is not None:
            ports.append({"name": as_str(port.get("name")), "port": port.get("port"), "target_port": number,
                          "protocol": as_str(port.get("protocol")) or "TCP"})
    endpoint = {"ip": sample["ip"], "node": sample["node"], "pod": sample["name"], "pod_labels": sample["labels"],
                "pod_annotations": sample["annotations"], "controller": sample["controller"]}
    svc = {"namespace": service.namespace, "name": service.name, "labels": service.labels,
           "annotations": service.annotations, "ports": ports, "endpoints": [endpoint]}
    result = []
    for target in _service_endpoint_targets(svc, slice_role):
        labels = target.as_dict()
        number = int(labels["__address__"].rsplit(":", 1)[1])
        container = next((c for c in pod.app_containers if any(entry["port"] == number for entry in _port_entries(c))), None)
        index = -1
        if container is None:
            labels = {name: value for name, value in labels.items() if not name.startswith("__meta_kubernetes_pod_container_")}
            server = undeclared_server(workspace, pod, number)
            if server is not None:  # discovery shows no container for it; the marks say which server answers
                labels.update(server_labels(workspace, pod, server, number))
        else:
            labels["__meta_kubernetes_pod_container_name"] = container.name
            index = server_index.get((id(pod), id(container)), -1)
            labels.update(_container_marks(workspace, pod, container, number, index))
        result.append((_target(service.namespace, labels), index))
    covered = {port["target_port"] for port in ports}
    pod_entry = {"name": sample["name"], "ip": sample["ip"], "node": sample["node"], "labels": sample["labels"],
                 "annotations": sample["annotations"], "controller": sample["controller"]}
    for container in pod.app_containers:
        index = server_index.get((id(pod), id(container)), -1)
        for entry in _port_entries(container):
            if entry["port"] not in covered:
                labels = uncovered_port_labels(svc, slice_role, {**pod_entry, "container": container.name}, entry)
                labels.update(_container_marks(workspace, pod, container, entry["port"], index))
                result.append((_target(service.namespace, labels), index))
    return result


def _container_port(pod: PodTemplate, target: Any) -> int | None:
    """The container port a Service's targetPort names (by name) or numbers (a number is the endpoint's port
    whether or not a container declares it)."""
    if isinstance(target, int) and not isinstance(target, bool):
        return target
    served = pod.port_serving(target)
    return served[1] if served is not None else None


def served_endpoint(endpoint: Endpoint, server: Server | None) -> Endpoint:
    """A relabelled declared target as what it is: a kube-rbac-proxy target only where the proxy checks the path
    scraped as a non-resource URL (see checks_path); otherwise whatever answers is not an RBAC question."""
    path = endpoint.path.split("?", 1)[0]
    if endpoint.klass == "kube-rbac-proxy" and server is not None and not reviews_on_port(server.container, endpoint.port):
        return Endpoint(endpoint.scheme, endpoint.host, endpoint.port, endpoint.path, "workload")
    if endpoint.klass == "kube-rbac-proxy" and (server is None or not checks_path(server.container, path)):
        return Endpoint(endpoint.scheme, endpoint.host, endpoint.port, endpoint.path, "workload")
    return endpoint


# ---------------------------------------------------------------------------------------------- reached proxies


def reached_proxies(jobs: list[JobAnalysis], workspace: Workspace) -> dict[int, list[tuple[JobAnalysis, str, Span]]]:
    """The proxy containers that jobs reach with a bearer token, on a path the proxy authenticates (an
    `--ignore-paths` path passes unreviewed; a path outside `--allow-paths` is refused before any review). A job
    that sends no token gets its 401 before any review (KS106)."""
    servers = declared_targets(workspace).servers
    reached: dict[int, list[tuple[JobAnalysis, str, Span]]] = {}
    for analysis in jobs:
        credentials = analysis.job.credentials
        if credentials.kind == "client-cert" or not credentials.kubernetes_authenticates:
            continue
        for index, path, span in analysis.proxies:
            if authenticates_path(servers[index].container, path.split("?", 1)[0]):
                reached.setdefault(index, []).append((analysis, path, span))
    return reached


def reviews_as(server: Server, identity: Identity, workspace: Workspace) -> bool:
    """Whether the proxy reviews with its pod's ServiceAccount token, and that account is one the inputs define
    (or the namespace's `default`): with `--kubeconfig` it talks to the API server with other credentials; an
    account the inputs lack may hold its grants elsewhere (KS109's uncertainty) — nothing is said then. Without a
    token in the pod the proxy cannot start at all, another failure than this one."""
    if server.container.flag_values("--kubeconfig"):
        return False
    account = workspace.service_accounts.get((identity.namespace, identity.name))
    if account is None and identity.name != "default":
        return False
    pod = server.pod
    automount = pod.automount if pod.automount is not None else (account.automount if account is not None else None)
    return automount is not False or any("serviceAccountToken" in as_map(source)
                                         for volume in pod.volumes
                                         for source in as_seq(as_map(volume.get("projected")).get("sources")))
