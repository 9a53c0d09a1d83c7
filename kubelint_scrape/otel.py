"""OpenTelemetry Collector configs → scrape jobs: the `prometheus` receiver's scrape_configs, and `kubeletstats`.

A collector config lives in a ConfigMap (mounted by the collector's workload, so identity resolves as for a
Prometheus ConfigMap) or in an `OpenTelemetryCollector` CR (`spec.config`, a mapping in v1beta1 and a YAML
string in v1alpha1; identity = `spec.serviceAccount`, else the `<name>-collector` ServiceAccount the operator
creates). Only receivers a `service.pipelines` entry uses are started, so only those are analysed.

kubeletstats (opentelemetry-collector-contrib receiver/kubeletstatsreceiver README, "Role-based access
control", @02a6748): reads the kubelet's /stats/summary → `get nodes/stats`; with `extra_metadata_labels` or
the `*_{request,limit}_utilization` metrics it also reads /pods → `get nodes/pods` (the kubelet checks
nodes/proxy for /pods before KubeletFineGrainedAuthz, FACTS §1). auth_type serviceAccount sends the pod's SA
token; tls a client certificate; none uses the read-only port; kubeConfig goes through the API-server proxy:
`<kubeconfig host>/api/v1/nodes/<endpoint>/proxy/<path>` (internal/kubelet/client.go kubeConfigClientProvider, @02a6748),
with the kubeconfig's credentials, which in a pod without a kubeconfig file are the in-cluster config's: the pod's
token against kubernetes.default.svc (client-go clientcmd's deferred loading falls back to it) → `get nodes/proxy`.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from .load import Limits, parse_text
from .model import K8sObject
from .promconfig import SA_CA, SA_TOKEN, PromConfig, build_config, build_job, keep_written_strings
from .targets import kubelet_subresources, sample_node_ip, sample_node_name
from .yamltree import Pos, YMap, YSeq, as_map, as_seq, as_str

COLLECTOR_KIND = "OpenTelemetryCollector"


def looks_like_collector(text: str) -> bool:
    return "receivers:" in text and ("service:" in text or "exporters:" in text)


def is_collector_config(doc: Any) -> bool:
    return isinstance(doc, YMap) and isinstance(doc.get("receivers"), YMap) and "kind" not in doc


def _used_receivers(config: YMap) -> set[str] | None:
    pipelines = as_map(as_map(config.get("service")).get("pipelines"))
    if not pipelines:
        return None  # no service section in view: analyse every receiver
    used: set[str] = set()
    for pipeline in pipelines.values():
        used.update(as_str(r) for r in as_seq(as_map(pipeline).get("receivers")))
    return used


def _receiver_type(name: str) -> str:
    return name.split("/", 1)[0]


def collector_configs(path: str, config: YMap, holder: K8sObject | None, runner: K8sObject | None,
                      source: Any = None) -> list[PromConfig]:
    """PromConfigs for one collector config: one per prometheus receiver, one for the kubeletstats receivers.
    `source`: the load.Source the config's positions are in, to read back the text of string fields
    (promconfig.keep_written_strings)."""
    used = _used_receivers(config)
    result: list[PromConfig] = []
    # (flavor: these jobs read the kubelet's JSON Summary API, as the receiver means to; a Prometheus job there is
    # KS102's summary_path_fix)
    kubelet = PromConfig(path, config, "configmap" if holder is not None else "operator", holder, runner=runner,
                         flavor="kubeletstats")
    kubelet.dollar_escaped = False
    for name, kind, receiver, _pos in _receivers_in_use(config, used):
        if kind == "prometheus" and isinstance(receiver.get("config"), YMap):
            result.append(_prometheus_receiver(path, receiver["config"], holder, runner, source))
        elif kind == "receiver_creator":
            for inner, rule in _templated_prometheus(receiver):
                prom = _prometheus_receiver(path, inner, holder, runner, source)
                _resolve_endpoint(prom, rule)
                result.append(prom)
    for name, receiver, pos, _per_node in kubeletstats_receivers(config, used):
        kubelet.jobs.extend(_kubeletstats_jobs(path, name, receiver, pos, kubelet))
    if kubelet.jobs:
        result.append(kubelet)
    unmodelled = _unmodelled_components(config, used)
    for prom in result:
        prom.unmodelled = unmodelled
    return result


def kubeletstats_receivers(config: YMap, used: set[str] | None = None) -> list[tuple[str, YMap, Pos, bool]]:
    """The kubeletstats receivers the collector starts: (name, config, position of its name, started per node by a
    receiver_creator), in the order the config writes them. `used`: the receivers the pipelines use
    (_used_receivers, computed when None)."""
    found = []
    for name, kind, receiver, pos in _receivers_in_use(config, _used_receivers(config) if used is None else used):
        if kind == "receiver_creator":
            found.extend((template, started, template_pos, True)
                         for template, started, template_pos in _templated_kubeletstats(receiver))
        elif kind in ("kubeletstats", "kubelet_stats"):
            found.append((name, receiver, pos, False))
    return found


def _receivers_in_use(config: YMap, used: set[str] | None) -> Iterator[tuple[str, str, YMap, Pos]]:
    """(name, type, settings, position of its name) of each receiver the pipelines use (`used`; None: every one),
    in the order the config writes them; a receiver written without settings (`kubeletstats:`) as an empty map."""
    receivers = as_map(config.get("receivers"))
    for name, receiver in receivers.items():
        name = as_str(name)
        if used is not None and name not in used:
            continue
        pos = receivers.key_pos(name)
        yield name, _receiver_type(name), receiver if isinstance(receiver, YMap) else YMap(pos), pos


def missing_client_certificate(receiver: YMap) -> list[str]:
    """The client-certificate settings a kubeletstats receiver with auth_type tls (the default) lacks, [] for the
    other auth types. The receiver has no config validation for them: building its client
    (internal/kubelet/client.go tlsClientProvider.BuildClient, called by the receiver factory's restClient when the
    collector creates the receiver) runs tls.LoadX509KeyPair(cert_file, key_file), which fails on an empty path
    (`open : no such file or directory`), so the receiver is never created."""
    if (as_str(receiver.get("auth_type")) or "tls") != "tls":
        return []
    return [key for key in ("cert_file", "key_file") if not as_str(receiver.get(key))]


def _prometheus_receiver(path: str, root: YMap, holder: K8sObject | None, runner: K8sObject | None,
                         source: Any = None) -> PromConfig:
    if source is not None:
        keep_written_strings(source, as_seq(root.get("scrape_configs")), collector=True)
    prom = build_config(path, root, "configmap" if holder is not None else "config", holder)
    prom.runner = runner
    prom.dollar_escaped = True  # the collector expands ${env:…}; a literal $ is written $$
    for job in prom.jobs:
        job.static_targets = [(api_server_env(target), labels, span) for target, labels, span in job.static_targets]
    return prom


# The variables of the default/kubernetes Service, which the kubelet sets in every container even with
# enableServiceLinks: false (pkg/kubelet/kubelet_pods.go getServiceEnvVarMap: "We always want to add environment
# variables for master services"); the collector expands ${env:NAME} (and the older ${NAME}) before a receiver
# reads its config, so `${KUBERNETES_SERVICE_HOST}:443` is the API server. A `$${…}` is a literal `$`: not expanded.
_API_SERVER_ENV = re.compile(r"(?<!\$)\$\{(?:env:)?(KUBERNETES_SERVICE_HOST|KUBERNETES_PORT_443_TCP_ADDR"
                             r"|KUBERNETES_SERVICE_PORT|KUBERNETES_SERVICE_PORT_HTTPS|KUBERNETES_PORT_443_TCP_PORT)\}")
_API_SERVER_HOST_VARS = frozenset({"KUBERNETES_SERVICE_HOST", "KUBERNETES_PORT_443_TCP_ADDR"})


def api_server_env(text: str) -> str:
    """`text` with the in-cluster API server variables expanded as the collector would (host → the Service's name)."""
    if "KUBERNETES_" not in text:
        return text
    return _API_SERVER_ENV.sub(lambda m: "kubernetes.default.svc" if m.group(1) in _API_SERVER_HOST_VARS else "443",
                               text)


# The receiver_creator `rule` expression (expr-lang over the observed endpoint) of a template: which component it
# starts on, and the port it requires.
_RULE_API_SERVER = re.compile(r"kube-apiserver")
_RULE_PORT = re.compile(r"\bport\s*==\s*(\d+)")
_ENDPOINT = "`endpoint`"


def _resolve_endpoint(prom: PromConfig, rule: str) -> None:
    """The `endpoint` expression of the template's static targets, as the observer would fill it: the endpoint
    the rule matches — a port endpoint's `ip:port`, a pod's IP. A rule that picks the kube-apiserver pod makes the
    target the API server itself (its /metrics needs `get` on the URL, KS104), whose address no sample pod has."""
    port = _RULE_PORT.search(rule)
    host = "kubernetes.default.svc" if _RULE_API_SERVER.search(rule) else SAMPLE_ENDPOINT_IP
    # A bare `endpoint` is the whole address (a port endpoint's ip:port); `endpoint`:9153 adds the port to a pod's.
    whole = f"{host}:{port.group(1)}" if port is not None else host
    for job in prom.jobs:
        job.static_targets = [(whole if target == _ENDPOINT else
                               target.replace(_ENDPOINT, host) if target.startswith(_ENDPOINT) else target,
                               labels, span) for target, labels, span in job.static_targets]


# An address of no representative-cluster object (whose names the transport rules would report instead).
SAMPLE_ENDPOINT_IP = "10.244.201.1"


def _templated_prometheus(creator: YMap) -> list[tuple[YMap, str]]:
    """The scrape configs of the prometheus receivers a receiver_creator starts per discovered endpoint.

    receiver_creator (opentelemetry-collector-contrib receiver/receivercreator README) holds receiver templates
    under `receivers.<type/name>.config`; for a prometheus template that is the receiver's own config, whose
    `config` is the Prometheus config. The `endpoint` backtick expression in a target becomes the endpoint's
    address, so the jobs scrape what their ports say (kube-proxy :10249, the controller-manager :10257, …)
    with the collector's identity and credentials, like any other prometheus receiver.
    """
    found = []
    for name, template in as_map(creator.get("receivers")).items():
        if _receiver_type(as_str(name)) == "prometheus":
            inner = as_map(as_map(template).get("config")).get("config")
            if isinstance(inner, YMap):
                found.append((inner, " ".join(as_str(as_map(template).get("rule")).split())))
    return found


# A receiver_creator rule that starts its template once per node the k8s_observer reports (observe_nodes).
_RULE_NODE = re.compile(r'\btype\s*==\s*"k8s\.node"')


def _templated_kubeletstats(creator: YMap) -> list[tuple[str, YMap, Pos]]:
    """The kubeletstats receivers a receiver_creator starts per node: (template name, its config with the node
    endpoint's backtick expressions filled in, the template's position).

    The k8s_observer's node endpoint carries the node's address as `endpoint` and its kubelet's port
    (status.daemonEndpoints.kubeletEndpoint) as `kubelet_endpoint_port` — the Splunk OTel chart's EKS Fargate cluster
    receiver (signalfx/splunk-otel-collector-chart) and Splunk's receiver_creator docs write
    '`endpoint`:`kubelet_endpoint_port`' with rule type == "k8s.node" —, so each started receiver reads that node's
    kubelet on :10250 with the collector's credentials. A template without an `endpoint` stays unmodelled (what receiver_creator then fills in
    is not read here)."""
    found = []
    templates = as_map(creator.get("receivers"))
    for name, template in templates.items():
        name = as_str(name)
        template = as_map(template)
        config = template.get("config")
        if (_receiver_type(name) not in ("kubeletstats", "kubelet_stats") or not isinstance(config, YMap)
                or "endpoint" not in config or not _RULE_NODE.search(as_str(template.get("rule")))):
            continue
        resolved = YMap(config.pos)
        for key, value in config.items():
            if key == "endpoint":
                value = (as_str(value).replace("`kubelet_endpoint_port`", "10250")
                         .replace(_ENDPOINT, sample_node_ip()))
            resolved.put(key, value, config.key_pos(key), config.value_pos(key))
        found.append((name, resolved, templates.key_pos(name)))
    return found


MODELLED = {"prometheus", "kubeletstats", "kubelet_stats"}
# The resourcedetection processor's detectors that ask the Kubernetes API with the collector's identity: k8s_api
# (k8snode is its deprecated alias) gets the collector's node and openshift the cluster's infrastructures — the
# OpenTelemetry operator generates nodes get/list and infrastructures get/list/watch for them
# (internal/components/processors resourcedetection) —; kubeadm and eks read ConfigMaps of kube-system
# (kubeadm-config, aws-auth). Counted as unmodelled, so the grants they use are never called unused.
API_DETECTORS = frozenset({"k8s_api", "k8snode", "openshift", "kubeadm", "eks"})


def _unmodelled_components(config: YMap, used: set[str] | None) -> list[str]:
    """Components that may call the Kubernetes API with the collector's identity (k8s_cluster, k8sattributes…)."""
    found = []
    # The collector builds only the components its service names (a processor in no pipeline, an extension not
    # in service.extensions, is configured and never started), as with receivers; no service section in view:
    # every one counts.
    service = as_map(config.get("service"))
    pipelines = as_map(service.get("pipelines"))
    started = None if not pipelines else {
        "receivers": used if used is not None else _used_receivers(config),
        "processors": {as_str(p) for pipeline in pipelines.values()
                       for p in as_seq(as_map(pipeline).get("processors"))},
        "extensions": {as_str(e) for e in as_seq(service.get("extensions"))}}
    for section in ("receivers", "processors", "extensions"):
        for name in as_map(config.get(section)):
            name = as_str(name)
            kind = _receiver_type(name)
            if kind in MODELLED or (section == "receivers" and used is not None and name not in used) or (
                    started is not None and name not in started[section]):
                continue
            if kind == "receiver_creator":
                # Its prometheus templates and per-node kubeletstats templates are analysed (_templated_prometheus,
                # _templated_kubeletstats); any other template it starts (a k8s_* receiver…) is not, nor what
                # `discovery` creates from pod annotations.
                creator = as_map(as_map(config.get(section)).get(name))
                templates = as_map(creator.get("receivers"))
                node_kubeletstats = {template for template, _c, _p in _templated_kubeletstats(creator)}
                if (templates and all(_receiver_type(as_str(t)) == "prometheus" or as_str(t) in node_kubeletstats
                                      for t in templates)
                        and as_map(creator.get("discovery")).get("enabled") is not True):
                    continue
                found.append(f"{section}.{name}")
            elif kind.startswith("k8s") or "kube" in kind:
                found.append(f"{section}.{name}")
            elif kind == "resourcedetection" and section == "processors":
                detectors = as_seq(as_map(as_map(config.get(section)).get(name)).get("detectors"))
                if any(as_str(detector) in API_DETECTORS for detector in detectors):
                    found.append(f"{section}.{name}")
    return found


def _kubeletstats_jobs(path: str, name: str, receiver: YMap, pos: Pos, config: PromConfig) -> list:
    auth = as_str(receiver.get("auth_type")) or "tls"
    endpoint = as_str(receiver.get("endpoint")) or "${env:HOSTNAME}:10250"
    if auth == "kubeConfig":
        return _kubeconfig_jobs(path, name, receiver, pos, config, endpoint)
    scheme, address, prefix = _endpoint_url(endpoint, auth, "endpoint" in receiver)
    endpoint_pos = receiver.value_pos("endpoint") if "endpoint" in receiver else pos
    # A tls receiver without its client certificate is never created (KS601 says so): no request is made, but its
    # paths still tell what the identity's grants are for once it is fixed.
    refused = (f"the collector cannot create receiver {name} without {' and '.join(missing_client_certificate(receiver))}"
               if missing_client_certificate(receiver) else "")
    jobs = []
    for kubelet_path in kubelet_paths(receiver):
        root = YMap(pos)
        root.put("job_name", f"{name} {kubelet_path}", pos)
        root.put("scheme", scheme, endpoint_pos)
        path_pos = (receiver.key_pos("extra_metadata_labels") if kubelet_path == "/pods" and "extra_metadata_labels" in receiver
                    else endpoint_pos if prefix else pos)
        root.put("metrics_path", prefix + kubelet_path, path_pos)
        if auth == "serviceAccount":
            # The receiver sends the pod's token and, unless ca_file says otherwise, verifies with the SA ca.crt.
            root.put("authorization", _map(receiver.key_pos("auth_type"), credentials_file=SA_TOKEN), receiver.key_pos("auth_type"))
            ca_file = as_str(receiver.get("ca_file")) or SA_CA
            root.put("tls_config", _map(receiver.key_pos("ca_file") if "ca_file" in receiver else receiver.key_pos("auth_type"), ca_file=ca_file), pos)
        elif auth == "tls":
            # (tlsClientProvider.BuildClient: the client certificate, and the roots plus ca_file to verify with)
            tls = _map(pos, cert_file=as_str(receiver.get("cert_file")) or "<tls>")
            if as_str(receiver.get("ca_file")):
                tls.put("ca_file", as_str(receiver.get("ca_file")), receiver.key_pos("ca_file"))
            root.put("tls_config", tls, pos)
        if receiver.get("insecure_skip_verify") is True:
            tls = root.get("tls_config") if isinstance(root.get("tls_config"), YMap) else _map(pos)
            tls.put("insecure_skip_verify", True, receiver.key_pos("insecure_skip_verify"))
            root.put("tls_config", tls, pos)
        targets = YSeq(endpoint_pos)
        targets.append(address)
        targets.ipos.append(endpoint_pos)
        root.put("static_configs", _seq(endpoint_pos, [_map(endpoint_pos, targets=targets)]), endpoint_pos)
        job = build_job(path, root, config, "config")
        job.transport_of = jobs[0] if jobs else None  # one receiver, one connection: its settings judged once
        job.rejected = refused
        if scheme == "http" and not prefix:  # the kubelet's read-only port (KS302): the receiver's own way off it
            job.direct_setting = _secure_port_setting(name, auth, endpoint if "endpoint" in receiver else "",
                                                      as_str(receiver.get("ca_file")))
        if prefix:  # a path in the endpoint: the proxy's fix is the endpoint itself, not a Prometheus relabel rule
            # The variable must exist in the collector's container, or ${env:K8S_NODE_IP} expands to nothing and
            # the receiver dials ":10250"; a proxy endpoint names the node by K8S_NODE_NAME, so it is often absent.
            job.direct_setting = (f"set `endpoint: ${{env:K8S_NODE_IP}}:10250` on receiver {name} (where the pod can "
                                  f"reach its node's kubelet: not on EKS Fargate, where the proxy is the way), with "
                                  f"K8S_NODE_IP the node's IP from the downward API in the collector container's env "
                                  f"if it is not there yet (`{{name: K8S_NODE_IP, valueFrom: {{fieldRef: {{fieldPath: "
                                  f"status.hostIP}}}}}}`): it then reads the kubelet on :10250 itself with the pod's "
                                  f"token ({{kubelet_tls}})")
        jobs.append(job)
    return jobs


def _secure_port_setting(name: str, auth: str, endpoint: str, ca_file: str) -> str:
    """How receiver `name`, reading a kubelet's read-only port over plain HTTP, reads its authenticated port instead:
    the endpoint's host on https :10250 and, unless it already sends it, the pod's token (auth_type serviceAccount;
    internal/kubelet/client.go saClientProvider). The kubelets are verified against the receiver's ca_file when it
    has one; else `{kubelet_tls}`, filled in by the checks (the assumptions)."""
    host = endpoint.rpartition("://")[2].partition("/")[0] or "${env:K8S_NODE_IP}"
    if ":" in host.rsplit("}", 1)[-1]:
        host = host.rsplit(":", 1)[0]
    token = "" if auth == "serviceAccount" else " and `auth_type: serviceAccount`"
    env = ("" if endpoint else " (K8S_NODE_IP the node's IP from the downward API: `{name: K8S_NODE_IP, valueFrom: "
           "{fieldRef: {fieldPath: status.hostIP}}}` in the collector container's env)")
    tls = f"verifying the kubelets against its ca_file {ca_file}" if ca_file else "{kubelet_tls}"
    return (f"set `endpoint: https://{host}:10250`{token} on receiver {name}{env}: it then reads the kubelet on "
            f":10250 itself with the pod's token ({tls})")

def _endpoint_url(endpoint: str, auth: str, given: bool) -> tuple[str, str, str]:
    """The receiver's base URL split as the client builds it (internal/kubelet/client.go buildEndpoint and
    clientImpl.buildReq, @d6d7081): `https://` (`http://` for auth_type none) is put before an endpoint without a
    scheme, and each kubelet path is joined onto the whole URL — so an endpoint with a path, such as
    `https://kubernetes.default.svc/api/v1/nodes/${env:K8S_NODE_NAME}/proxy` (the EKS Fargate form: no kubelet
    reachable from the pod), reads through the API server's node proxy. No port is added to a given endpoint (the
    URL's own default applies); only the hostname default, used when `endpoint` is unset, carries :10250/:10255.
    Returns (scheme, host[:port], path prefix without its trailing slash)."""
    scheme, _, rest = api_server_env(endpoint).rpartition("://")
    scheme = scheme or ("http" if auth == "none" else "https")
    address, slash, prefix = rest.partition("/")
    prefix = (slash + prefix).rstrip("/")
    if "${" in prefix:  # the collector's own node in a proxy path: on a DaemonSet, every node in turn
        prefix = re.sub(r"\$\{[^}]*\}", sample_node_name(), prefix)
    if not given and ":" not in address.rsplit("]", 1)[-1]:
        address += ":10255" if auth == "none" else ":10250"
    return scheme, address, prefix


def kubelet_paths(receiver: YMap) -> list[str]:
    """The kubelet paths the receiver reads: /stats/summary, and /pods for pod metadata or utilization metrics."""
    paths = ["/stats/summary"]
    metrics = as_map(receiver.get("metrics"))
    utilization = any(k.endswith(("_request_utilization", "_limit_utilization")) and as_map(v).get("enabled") is True
                      for k, v in metrics.items())
    if receiver.get("extra_metadata_labels") or utilization:
        paths.append("/pods")
    return paths


def kubelet_grants(receiver: YMap, version: tuple[int, int]) -> list[str]:
    """The nodes subresources a kubeletstats receiver's token needs `get` on at this Kubernetes version, one per path it
    reads: the first the kubelet checks (targets.kubelet_subresources, FACTS §1), so /pods asks nodes/pods where the
    kubelet has fine-grained authorization rather than nodes/proxy, which KS201 reports as a cluster takeover."""
    grants: list[str] = []
    for path in kubelet_paths(receiver):
        grant = f"nodes/{kubelet_subresources(path, version)[0]}"
        if grant not in grants:
            grants.append(grant)
    return grants


def _kubeconfig_jobs(path: str, name: str, receiver: YMap, pos: Pos, config: PromConfig, endpoint: str) -> list:
    """auth_type kubeConfig: the same paths, read through the API server's node proxy with the pod's token (the
    in-cluster config); `endpoint` is the node's name in the proxy path."""
    auth_pos = receiver.key_pos("auth_type")
    node = endpoint.rpartition("://")[2]
    if "${" in node:  # the collector's own node (${env:K8S_NODE_NAME}): on a DaemonSet, every node in turn
        node = sample_node_name()
    jobs = []
    for kubelet_path in kubelet_paths(receiver):
        root = YMap(pos)
        root.put("job_name", f"{name} {kubelet_path}", pos)
        root.put("scheme", "https", auth_pos)
        root.put("metrics_path", f"/api/v1/nodes/{node}/proxy{kubelet_path}", auth_pos)
        root.put("authorization", _map(auth_pos, credentials_file=SA_TOKEN), auth_pos)
        tls = _map(auth_pos, ca_file=SA_CA)
        if receiver.get("insecure_skip_verify") is True:  # it overrides the kubeconfig's CA (client.go)
            tls = _map(receiver.key_pos("insecure_skip_verify"), insecure_skip_verify=True)
        root.put("tls_config", tls, auth_pos)
        root.put("static_configs", _seq(auth_pos, [_map(auth_pos, targets=_seq(auth_pos, ["kubernetes.default.svc:443"]))]), auth_pos)
        job = build_job(path, root, config, "config")
        job.transport_of = jobs[0] if jobs else None
        job.direct_setting = (f"set `auth_type: serviceAccount` on receiver {name}: it then reads the kubelet on "
                              f":10250 itself with the pod's token (`endpoint: ${{env:K8S_NODE_NAME}}:10250` or the "
                              f"node's IP, {{kubelet_tls}})")  # the TLS setting depends on the assumptions: checks fill it in
        jobs.append(job)
    return jobs


def _map(pos: Pos, **items: Any) -> YMap:
    node = YMap(pos)
    for key, value in items.items():
        node.put(key, value, pos)
    return node


def _seq(pos: Pos, items: list) -> YSeq:
    seq = YSeq(pos)
    for item in items:
        seq.append(item)
        seq.ipos.append(pos)
    return seq


def collector_cr_configs(obj: K8sObject, source: Any, limits: Limits) -> tuple[list[PromConfig], list]:
    """The config of an OpenTelemetryCollector CR (mapping, or YAML text positioned onto the outer file)."""
    from .build import embedded_position

    spec = as_map(obj.doc.get("spec"))
    config = spec.get("config")
    if isinstance(config, str):
        documents, problems, status = parse_text(obj.path, config, limits, embedded_position(source.text, spec, "config"))
        for problem in problems:
            problem.message = f"in {obj.kind} {obj.name} spec.config: {problem.message}"
        if status != "linted" or not documents or not isinstance(documents[0].root, YMap):
            return [], problems
        config = documents[0].root
    if not isinstance(config, YMap):
        return [], []
    return collector_configs(obj.path, config, None, obj, source), []


def collector_service_account(obj: K8sObject) -> tuple[str, bool]:
    """(ServiceAccount, created by the operator?) of an OpenTelemetryCollector."""
    explicit = as_str(as_map(obj.doc.get("spec")).get("serviceAccount"))
    return (explicit, False) if explicit else (f"{obj.name}-collector", True)


def target_allocator_service_account(obj: K8sObject) -> tuple[str, bool] | None:
    """(ServiceAccount, created by the operator?) of the target allocator of an OpenTelemetryCollector whose
    `spec.targetAllocator.enabled` is true, else None.

    With a target allocator the operator rewrites the prometheus receiver to fetch its targets from the allocator
    (http_sd): the allocator runs the receiver's service discovery, with its own ServiceAccount
    (`spec.targetAllocator.serviceAccount`, else `<name>-targetallocator`, which the operator creates with no
    permissions), while the collectors still scrape with theirs (opentelemetry-operator cmd/otel-allocator
    README, "RBAC": "The Collector part of this same CR also has a serviceAccount key which only affects the
    collector and not the TargetAllocator")."""
    allocator = as_map(as_map(obj.doc.get("spec")).get("targetAllocator"))
    if allocator.get("enabled") is not True:
        return None
    explicit = as_str(allocator.get("serviceAccount"))
    return (explicit, False) if explicit else (f"{obj.name}-targetallocator", True)
