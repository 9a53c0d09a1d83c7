"""KS301–KS306: how a scrape job reaches its targets — TLS, credentials, ports (FACTS §1, §4, §6, §7).

Works on the analysed jobs (plain, ConfigMap-embedded and Operator-derived alike): `JobAnalysis.endpoints` are
the targets that survive relabelling on the representative cluster, classified by where they point; targets a
catch-all job only happens to discover are in `incidental` and are not judged here.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Iterator
from urllib.parse import parse_qsl, quote

from ..analyse import (PLAIN_HTTP_TO_TLS, TLS_ONLY_CLASSES, JobAnalysis, UnnamedWorkloads, cluster_ca_secret,
                       unnamed_workloads)
from ..catalog import check, rule_params
from ..findings import Finding, Related
from ..model import flag_values, is_victoriametrics
from ..operator import (CLUSTER_CA_REFERENCE, KINDS_WITHOUT_FILES, discovers_by_own_namespace,
                        names_no_files, scrape_class_setting)
from ..promconfig import SA_CA, SA_DIR, SA_TOKEN, ScrapeJob, http_credentials, is_ip_address, is_loopback_host, split_url
from ..records import dataclass
from ..resources import knowledge
from ..targets import Endpoint, kubelet_subresources
from ..yamltree import Span, YMap, YSeq, as_map, as_seq, as_str, at, get_path, key_span, value_span
from .context import Context

# Credentials a man-in-the-middle or a target can read and replay (a TLS client certificate proves possession
# of its key without revealing it, so it is not among them).
SECRET_CREDENTIALS = ("sa-token", "token-file", "inline-token", "basic", "oauth2")
CREDENTIAL_KEYS = {  # Prometheus key → Operator monitor field
    "authorization": "authorization", "bearer_token_file": "bearerTokenFile", "bearer_token": "bearerTokenSecret",
    "basic_auth": "basicAuth", "oauth2": "oauth2",
}
CLUSTER_CA_FILES = ("/etc/kubernetes/pki/ca.crt", "/etc/kubernetes/ca.crt")
# The cluster CA as an Operator reference: the ConfigMap the API server publishes in every namespace (the same
# ca.crt the ServiceAccount volume holds), read from the monitor's own namespace.
CLUSTER_CA_CONFIGMAP = "tlsConfig.ca: {configMap: {name: kube-root-ca.crt, key: ca.crt}}"
# The comment a fix writes beside the skip it asks for against self-signed kubelets: KS301's suppression and why.
KUBELET_SELF_SIGNED = "kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates"
APPLICATIONS = "discovered application pods and services"  # what a job that keeps workloads it does not name reaches
COMPONENT_FIX = {
    "kube-controller-manager": "run kube-controller-manager with `--bind-address=0.0.0.0` (kubeadm "
                               "`controllerManager.extraArgs: {bind-address: 0.0.0.0}`)",
    "kube-scheduler": "run kube-scheduler with `--bind-address=0.0.0.0` (kubeadm `scheduler.extraArgs: "
                      "{bind-address: 0.0.0.0}`)",
    "etcd": "run etcd with `--listen-metrics-urls=http://0.0.0.0:2381` (kubeadm `etcd.local.extraArgs: "
            "{listen-metrics-urls: http://0.0.0.0:2381}`)",
    "kube-proxy": "set `metricsBindAddress: 0.0.0.0:10249` in the KubeProxyConfiguration (ConfigMap "
                  "kube-system/kube-proxy)",
}


def _connection_jobs(ctx: Context) -> list:
    """The reported jobs whose connection settings (TLS, credentials, port) are their own: a job that shares
    another's (ScrapeJob.transport_of) would repeat that job's KS301–KS304 at the same place."""
    return [analysis for analysis in ctx.reported_jobs() if analysis.job.transport_of is None]


def _operator(job: ScrapeJob) -> bool:
    return getattr(job, "monitor", None) is not None


def _key(job: ScrapeJob, prometheus_key: str) -> str:
    """How the user wrote a field: the Prometheus key, or the Operator monitor field it came from."""
    if not _operator(job):
        return prometheus_key
    return {"insecure_skip_verify": "tlsConfig.insecureSkipVerify", "ca_file": "tlsConfig.caFile",
            "cert_file": "tlsConfig.certFile", "key_file": "tlsConfig.keyFile", "server_name": "tlsConfig.serverName",
            "scheme": "scheme", "tls_config": "tlsConfig"}.get(prometheus_key, CREDENTIAL_KEYS.get(prometheus_key, prometheus_key))


def _credential_key(job: ScrapeJob) -> str:
    for key in CREDENTIAL_KEYS:
        if key in job.node:
            return _key(job, key)
    return "credentials"


def _schemes(analysis: JobAnalysis) -> set[str]:
    return {e.scheme for e in analysis.endpoints} or {analysis.job.scheme}


def _origin(analysis: JobAnalysis, endpoint: Endpoint) -> Span:
    return analysis.origins.get(endpoint, analysis.job.span)


def _address_origin(analysis: JobAnalysis, endpoint: Endpoint) -> Span:
    """Where the job picks the endpoint's address (port rules: KS302, KS305). The shared origin is the written
    metrics_path when no relabel rule decides the target, but a path does not choose the port: the static target
    naming the address, or the discovery that yields it, does (SPEC §5: the smallest node that causes it). An
    Operator endpoint's written `path` stands in for the generated filter that let the target through
    (analyse._scrape_place): the address is that filter's — the endpoint's `port`, else the monitor's selector."""
    origin = _origin(analysis, endpoint)
    job = analysis.job
    if "metrics_path" not in job.node or origin != value_span(job.path, job.node, "metrics_path"):
        return origin
    if _operator(job):
        return at(job.path, job.relabel_nodes[job.generated_relabels - 1].pos) if job.generated_relabels else origin
    address = f"{endpoint.host}:{endpoint.port}"
    for target, _labels, span in job.static_targets:
        if target == address:
            return span
    return job.sd_configs[0].role_span if job.sd_configs else origin


@functools.lru_cache(maxsize=1)
def _cluster_names() -> tuple[dict, dict, set]:
    """Representative-cluster addresses → what runs there (to name targets), and the generic app addresses."""
    cluster = knowledge("cluster")
    by_port: dict[tuple[str, int], str] = {}
    by_host: dict[str, str] = {}
    generic: set[str] = set()
    for svc in cluster["services"]:
        if svc.get("generic"):  # stands for any application: it has no name of its own to report
            generic.add(svc["name"])
            generic.update(endpoint["ip"] for endpoint in svc.get("endpoints", []))
            continue
        name = f"{svc['namespace']}/{svc['name']}"
        by_host.setdefault(f"{svc['name']}.{svc['namespace']}.svc", name)
        # An endpoint IP names the Service only on its ports: node IPs are shared by every hostNetwork pod (the
        # control-plane node's 10.0.0.10 is the API server's endpoint and etcd's pod IP), so a target there on
        # another port is not that Service.
        for endpoint in svc.get("endpoints", []):
            for port in svc.get("ports", []):
                by_port.setdefault((endpoint["ip"], int(port.get("target_port", port["port"]))), name)
    for pod in cluster.get("pods", []):
        for port in pod.get("ports", []):
            by_port.setdefault((pod["ip"], int(port["port"])), f"{pod['namespace']}/{pod['name']}")
    return by_port, by_host, generic


def _known_name(endpoint: Endpoint) -> str:
    """The representative-cluster component at this address ("" for a generic application or a target only the
    job's own selector names)."""
    by_port, by_host, _generic = _cluster_names()
    name = by_port.get((endpoint.host, endpoint.port)) or by_host.get(endpoint.host)
    return f"{name} (:{endpoint.port})" if name else ""


def _generic(endpoint: Endpoint) -> bool:
    _by_port, _by_host, generic = _cluster_names()
    host = endpoint.host.split(".", 1)[0]
    return endpoint.host in generic or host in generic or endpoint.host == "example.com"


def _describe(endpoints: list[Endpoint], job: ScrapeJob | None = None, arbitrary: bool = False) -> str:
    """What the endpoints are, for a message; `arbitrary`: the job keeps workloads it does not name (an unfiltered
    or opt-in job), so an unnamed workload target stands for any application, not for one the job selects."""
    static = {t for t, _labels, _span in job.static_targets} if job is not None else set()
    parts: list[str] = []
    for endpoint in endpoints:
        address = f"{endpoint.host}:{endpoint.port}"
        if endpoint.klass == "workload" and (address in static or endpoint.host in static):
            parts.append(address if address in static else endpoint.host)
            continue
        if endpoint.klass == "workload" and job is not None and job.source_kind == "probe":
            # a Probe's every target is rewritten to its prober.url (promcfg.go generateProbeConfig): the address
            # the credentials go to is the prober the Probe names, not targets it selects
            if f"the prober {address}" not in parts:
                parts.append(f"the prober {address}")
            continue
        text = {
            "kubelet": f"the kubelets (:{endpoint.port})",
            "kubelet-readonly": f"the kubelets' read-only port (:{endpoint.port})",
            "apiserver": "the API server",
            "apiserver-proxy": "the API server's proxy",
            "control-plane": f"the control-plane component on :{endpoint.port}",
            "extension-apiserver": f"the extension API server on :{endpoint.port}",
            "controller-runtime": f"the {endpoint.server} on :{endpoint.port}",
            "kube-rbac-proxy": f"kube-rbac-proxy on :{endpoint.port}",
        }.get(endpoint.klass) or (APPLICATIONS if _generic(endpoint)
                                  else _known_name(endpoint)
                                  or (APPLICATIONS if arbitrary else "the workload targets it selects"))
        if text not in parts:
            parts.append(text)
    return ", ".join(parts) if parts else "its targets"


# ---------------------------------------------------------------------------------------------- KS301


@check("KS301")
def tls_verification_disabled(ctx: Context) -> Iterator[Finding]:
    serving = kubelet_serving_cert(ctx)
    by_class: dict[Span, list[Finding]] = {}
    for analysis in _connection_jobs(ctx):
        job = analysis.job
        if job.tls.get("insecure_skip_verify") is not True or job.credentials.kind not in SECRET_CREDENTIALS:
            continue
        if "https" not in _schemes(analysis):
            continue  # no TLS at all: KS303 reports the clear-text credentials
        https = [e for e in analysis.endpoints if e.scheme == "https"]
        if https and _own_network(analysis):
            # Only the pod's own containers answer on its loopback, and they mount the same token: nobody else can
            # stand in for a self-scrape behind --web.config.file TLS or a sidecar.
            https = [e for e in https if not is_loopback_host(e.host)]
            if not https:
                continue
        classes = {e.klass for e in https}
        skip_key = _key(job, "insecure_skip_verify")
        ca = cluster_ca_field(job)
        if classes == {"kubelet"} and serving == "self-signed":
            fix = (f"Enable `serverTLSBootstrap: true` in the kubelet configuration and approve the kubelets' serving "
                   f"CSRs, then {_verify_with_cluster_ca(job, skip_key, ca, ctx.workspace)} and declare the assumption "
                   f"`kubelet-serving-cert: cluster-ca`; until then record the decision with "
                   f"`# kubelint-scrape: ignore[KS301] kubelets self-sign their serving certificates`.")
        elif classes and classes <= {"kubelet", "apiserver", "apiserver-proxy"}:
            edit = _verify_with_cluster_ca(job, skip_key, ca, ctx.workspace)
            server_name = ""
            if "apiserver" in classes and not job.tls.get("server_name"):
                # After "delete X", a bare "and `server_name: …`" reads as deleting that too: say it is added.
                server_name = (" and add " if edit.startswith("delete") else " and ") + (
                    "`tlsConfig.serverName: kubernetes`" if _operator(job) else "`server_name: kubernetes`")
            fix = f"{edit[0].upper()}{edit[1:]}{server_name}: the certificate is signed by the cluster CA."
        else:
            hints = []
            if "control-plane" in classes:  # they self-sign a serving certificate when given none
                hints.append("kube-controller-manager and kube-scheduler: `--tls-cert-file`/`--tls-private-key-file`, "
                             "e.g. signed by the cluster CA")
            if "extension-apiserver" in classes:  # k8s.io/apiserver self-signs into --cert-dir when given none
                hints.append("extension API servers (metrics-server, prometheus-adapter): "
                             "`--tls-cert-file`/`--tls-private-key-file`, e.g. issued by cert-manager")
            if "controller-runtime" in classes:  # it self-signs when its metrics server is given no CertDir
                hints.append("controller-runtime metrics servers: a certificate in `--metrics-cert-path` "
                             "(kubebuilder's cert-manager patch)")
            if "kube-rbac-proxy" in classes or (job.credentials.kind == "sa-token" and not classes & {
                    "control-plane", "extension-apiserver", "controller-runtime"}):
                # an application that takes the ServiceAccount token reviews it through kube-rbac-proxy in front
                hints.append("kube-rbac-proxy: `--tls-cert-file`/`--tls-private-key-file`, e.g. issued by cert-manager")
            if "workload" in classes and job.credentials.kind != "sa-token":
                # a credential of the targets' own (a Vault token, a password): the application terminates TLS itself
                hints.append("the applications: a certificate and key in their own TLS settings, e.g. issued by "
                             "cert-manager")
            fix = (f"Give the targets serving certificates from a CA Prometheus can verify ({'; '.join(hints)}), then "
                   f"replace `{skip_key}: true` with {_verifying_ca_keys(job)}; if that is not possible yet, "
                   f"record the accepted risk with `# kubelint-scrape: ignore[KS301] <reason>`.")
        related = [Related(job.credentials.span, f"the credential it sends ({_credential_key(job)})")]
        credential_class = scrape_class_setting(job, "authorization") if _operator(job) else None
        if credential_class is not None:
            related[0] = Related(credential_class[1], f"the credential it sends (authorization of {credential_class[0]})")
        span, where = key_span(job.path, job.tls, "insecure_skip_verify"), ""
        from_class = scrape_class_setting(job, "tlsConfig", "insecureSkipVerify") if _operator(job) else None
        if from_class is not None:
            # The setting is the scrape class's: reported there (where a fix or suppression goes), once per class.
            span, where = from_class[1], f" of {from_class[0]}"
            fix = fix.replace(f"`{skip_key}: true`", f"`{skip_key}: true`{where}", 1)
            related.append(Related(job.key_span("job_name") if "job_name" in job.node else job.span,
                                   f"{job.label} gets it from its scrape class"))
        finding = Finding(
            "KS301", span,
            f"{job.label} sends {job.credentials.describe()} to {_describe(https, job)} with {skip_key}: true{where}: "
            f"the certificate is not checked, so whoever answers at a target address receives the credential and "
            f"can replay it",
            fix=fix,
            related=tuple(related),
            object=job.label, data={"credentials": job.credentials.kind, "targets": sorted(classes)},
        )
        yield from _unless_of_scrape_class(finding, from_class is not None, by_class)
    yield from map(_one_per_scrape_class, by_class.values())
    yield from _discovery_tls_disabled(ctx)
    yield from _oauth2_tls_disabled(ctx)


def _verifying_ca_keys(job: ScrapeJob) -> str:
    """The keys that verify a job's targets against a CA of the user's, as the job writes them: an Operator monitor
    has no `ca_file`; it names the CA by `tlsConfig.ca` (a Secret or ConfigMap key) and, where it may name files of
    the Prometheus pod, by `tlsConfig.caFile` (a PodMonitor, Probe or ScrapeConfig cannot, nor a ServiceMonitor under
    arbitraryFSAccessThroughSMs.deny: operator.names_no_files, KS603)."""
    if not _operator(job):
        return "that CA (`ca_file`) and `server_name`"
    files = "" if names_no_files(job) else " or `tlsConfig.caFile`"
    return f"that CA, named by `tlsConfig.ca` (a key of a Secret or ConfigMap){files}, and `tlsConfig.serverName`"


def cluster_ca_field(job: ScrapeJob) -> str:
    """Where the job names the cluster CA: the ServiceAccount's ca.crt, unless the job's monitor cannot name files
    (operator.names_no_files: a PodMonitor, Probe or ScrapeConfig, or arbitraryFSAccessThroughSMs.deny, KS603):
    then the same CA from the kube-root-ca.crt ConfigMap, which Kubernetes publishes in every namespace."""
    if _operator(job) and names_no_files(job):
        return CLUSTER_CA_CONFIGMAP
    return f"{_key(job, 'ca_file')}: {SA_CA}"


def _cluster_ca_reference(job: ScrapeJob, workspace: Any) -> str:
    """How an Operator job's `tlsConfig.ca` names the cluster CA, '' when it names another CA or none: the
    kube-root-ca.crt ConfigMap, or the ca.crt of a service-account-token Secret (analyse.cluster_ca_secret)."""
    if job.tls.get("ca") == CLUSTER_CA_REFERENCE:
        return "ConfigMap kube-root-ca.crt"
    secret = cluster_ca_secret(job, workspace) if _operator(job) else None
    return f"key ca.crt of service-account-token Secret {secret.name}" if secret is not None else ""


def _verify_with_cluster_ca(job: ScrapeJob, skip_key: str, ca: str, workspace: Any) -> str:
    """The edit that turns verification on against the cluster CA. A job that already names that CA (the
    ServiceAccount's ca.crt, or the kubeadm CA file) only needs the skip removed: telling it to add `ca_file`
    again would give the tls_config a duplicate key, which Prometheus refuses to load."""
    ca_file = as_str(job.tls.get("ca_file"))
    if ca_file and (ca_file == SA_CA or ca_file in CLUSTER_CA_FILES):
        # Named by the CA, not by "its ca_file": an OTel kubeletstats receiver with auth_type serviceAccount
        # verifies against the ServiceAccount's ca.crt without writing ca_file (internal/kubelet/client.go
        # saClientProvider, otel._kubeletstats_jobs), so there may be no such key to point at.
        return f"delete `{skip_key}: true` (the CA it verifies against, {ca_file}, is already the cluster CA)"
    if _cluster_ca_reference(job, workspace):
        return f"delete `{skip_key}: true` (its `tlsConfig.ca` already names the cluster CA)"
    return f"replace `{skip_key}: true` with `{ca}`"


def _unless_of_scrape_class(finding: Finding, of_class: bool, by_class: dict[Span, list[Finding]]) -> Iterator[Finding]:
    """The finding now, or, when its setting is a scrape class's, held back with the others at that setting (its
    span) for _one_per_scrape_class once every job is seen."""
    if of_class:
        by_class.setdefault(finding.span, []).append(finding)
    else:
        yield finding


def _one_per_scrape_class(findings: list[Finding]) -> Finding:
    """One KS301 (KS304) for the monitor endpoints that skip verification (verify against the cluster CA) through
    the same scrape class: the class's setting is the one thing to change, each endpoint a related location."""
    first = findings[0]
    if len(findings) == 1:
        return first
    more = len(findings) - 1
    first.message = first.message.replace(
        first.object, f"{first.object} (and {more} more job{'s' if more > 1 else ''} of the scrape class)", 1)
    first.related = tuple(first.related) + tuple(r for f in findings[1:] for r in f.related[-1:])
    first.data = {**first.data, "jobs": [f.object for f in findings]}
    if "targets" in first.data:
        first.data["targets"] = sorted({t for f in findings for t in f.data["targets"]})
    return first


def _discovery_api_servers(ctx: Context) -> Iterator[tuple[ScrapeJob, Any, str]]:
    """kubernetes_sd_configs entries that send credentials of their own to an `api_server` (FACTS §4 Discovery
    identity: with api_server set, discovery uses the SD block's own http_config): (job, sd, scheme)."""
    seen = set()  # a Prometheus resource's apiserverConfig is in every job of its monitors: once
    for analysis in ctx.reported_jobs():
        job = analysis.job
        for sd in job.sd_configs:
            if not sd.api_server or sd.kubeconfig_file or sd.credentials.kind not in SECRET_CREDENTIALS:
                continue
            scheme = sd.api_server_address[0]
            if scheme and sd.span("api_server") not in seen:
                seen.add(sd.span("api_server"))
                yield job, sd, scheme


def _discovery_keys(job: ScrapeJob) -> tuple[str, str, str, str, str]:
    """How the user wrote discovery's API server settings: (server, skip-verify, CA, server name, where), in a
    Prometheus config, a ScrapeConfig's kubernetesSDConfigs entry, or a Prometheus resource's apiserverConfig."""
    if job.source_kind == "scrapeconfig":
        return ("apiServer", "tlsConfig.insecureSkipVerify", "tlsConfig.ca", "tlsConfig.serverName",
                "this kubernetesSDConfigs entry")
    if _operator(job):
        return ("spec.apiserverConfig.host", "tlsConfig.insecureSkipVerify", "tlsConfig.caFile", "tlsConfig.serverName",
                f"spec.apiserverConfig of {job.config.describe}")
    return "api_server", "insecure_skip_verify", "ca_file", "server_name", "this kubernetes_sd_configs entry's tls_config"


def _discovery_tls_disabled(ctx: Context) -> Iterator[Finding]:
    """KS301 for discovery: the SD block's tls_config skips verification of the API server it sends its
    credentials to. Whoever answers at api_server gets the token, and can feed discovery any targets."""
    for job, sd, scheme in _discovery_api_servers(ctx):
        tls = as_map(sd.node.get("tls_config"))
        if scheme != "https" or tls.get("insecure_skip_verify") is not True:
            continue
        api, skip, ca, server, where = _discovery_keys(job)
        yield Finding(
            "KS301", key_span(sd.path, tls, "insecure_skip_verify"),
            f"{job.label} discovers targets through {api} {sd.api_server} and sends it "
            f"{sd.credentials.describe()} with {skip}: true: the API server's certificate is not "
            f"checked, so whoever answers at that address receives the credential and can replay it (and can hand "
            f"discovery any targets)",
            fix=(f"Replace `{skip}: true` in {where} with `{ca}:` the CA that signed that API server's certificate "
                 f"(its cluster's CA; the one in its kubeconfig), plus `{server}` if the address is not in the certificate."),
            related=(Related(sd.credentials.span, "the credential discovery sends"),),
            object=job.label, data={"credentials": sd.credentials.kind, "targets": ["api-server (discovery)"]},
        )


def _oauth2_tls_disabled(ctx: Context) -> Iterator[Finding]:
    """KS301 for the OAuth2 token request: `oauth2.tls_config` (prometheus/common config.OAuth2.TLSConfig, its own
    client for token_url) skipping verification sends the client id and secret to whoever answers at token_url,
    who can then mint tokens for every target the client may reach; the job's own tls_config does not apply."""
    seen = set()  # a config loaded by two workloads is analysed twice: one finding
    for job, oauth2, token_url, secret in _remote_oauth2(ctx, "https://"):
        tls = as_map(oauth2.get("tls_config"))
        if tls.get("insecure_skip_verify") is not True:
            continue
        span = key_span(job.path, tls, "insecure_skip_verify")
        if span in seen:
            continue
        seen.add(span)
        yield Finding(
            "KS301", span,
            f"{job.label} requests its OAuth2 token from {token_url} with oauth2.tls_config insecure_skip_verify: "
            f"true: the token endpoint's certificate is not checked, so whoever answers there receives the client id "
            f"and secret ({secret}) and can mint tokens for everything the client may reach",
            fix=("Replace `insecure_skip_verify: true` in `oauth2.tls_config` with `ca_file:` the CA that signed the "
                 "token endpoint's certificate (or delete it when a public CA signed it)."),
            related=(Related(key_span(job.path, oauth2, secret), "the client secret sent"),),
            object=job.label, data={"credentials": "oauth2", "targets": ["oauth2 token endpoint"]},
        )


# ---------------------------------------------------------------------------------------------- KS302


@check("KS302")
def kubelet_readonly_port(ctx: Context) -> Iterator[Finding]:
    serving = kubelet_serving_cert(ctx)
    for analysis in _connection_jobs(ctx):
        job = analysis.job
        for endpoint in analysis.endpoints:
            if endpoint.klass != "kubelet-readonly":
                continue
            if endpoint.port == knowledge("ports")["kubelet_cadvisor"]:
                if ctx.workspace.kubernetes_version >= (1, 12):  # the port was still served before
                    yield _kubelet_cadvisor_port(analysis, endpoint, serving)
                continue
            if job.direct_setting:  # an OpenTelemetry kubeletstats receiver: its own settings, its paths' grants
                how = direct_setting(job, serving)
                fix = (f"Read the authenticated port instead: {how[0].lower()}{how[1:]}"
                       f"{_readonly_successor_grants(ctx, analysis)}; then set `readOnlyPort: 0` on the kubelets.")
            elif _operator(job):
                fix = (f"{_kubelet_service_port(job, endpoint.port)} instead, with {_https(job)}, {_monitor_token_and_ca(job, serving)}, "
                       f"and grant `get nodes/metrics`; then set `readOnlyPort: 0` on the kubelets.")
            else:
                static = any(target == f"{endpoint.host}:{endpoint.port}" for target, _l, _s in job.static_targets)
                address = ("address `<node>:10250` (better: `kubernetes_sd_configs: [{role: node}]`, whose default "
                           "address is :10250, instead of static targets)" if static else
                           f"address `<node>:10250` (the `role: node` default; drop the rewrite to :{endpoint.port})")
                fix = (f"Scrape the authenticated port instead: {address}, `scheme: https`, `authorization: {{credentials_file: "
                       f"{SA_TOKEN}}}`, {_kubelet_tls_config(serving)}, with `get nodes/metrics` granted; then set "
                       f"`readOnlyPort: 0` on the kubelets.")
            yield Finding(
                "KS302", _address_origin(analysis, endpoint),
                f"{job.label} scrapes the kubelet read-only port :{endpoint.port}{endpoint.path} (plain HTTP, no "
                f"authentication or authorization): it is off by default (`readOnlyPort: 0` in the kubelet "
                f"configuration, kubeadm and managed clusters), so targets fail with connection refused, and where it is "
                f"on it exposes the kubelet API (pod specs on /pods) to anyone who can reach the node"
                + (" — and with `scheme: https` every scrape fails even there: the port serves plain HTTP (\"http: server "
                   "gave HTTP response to HTTPS client\")" if endpoint.scheme == "https" else ""),
                fix=fix,
                object=job.label, data={"port": endpoint.port, "path": endpoint.path},
            )


def readonly_successors(analysis: JobAnalysis, assumptions) -> list:
    """`get nodes/<sub>` the kubelet checks for each path a job reads on the read-only port: what KS302's fix (the
    authenticated port, with the identity's token) needs. Empty where the kubelet authorizes nothing."""
    from ..rbac import Request
    from ..targets import kubelet_checks

    subresources = {kubelet_checks(e.path, assumptions) for e in analysis.endpoints
                    if e.klass == "kubelet-readonly" and e.port != knowledge("ports")["kubelet_cadvisor"]}
    return [Request("get", "", "nodes", sub) for sub in sorted(s for s in subresources if s)]


def _readonly_successor_grants(ctx: Context, analysis: JobAnalysis) -> str:
    """The end of KS302's fix for a receiver: for every job of the receiver (its jobs share one connection, reported
    once), what the kubelet checks for the path on :10250 — to grant where the identity lacks it."""
    jobs = [a for a in ctx.analysis.jobs if a is analysis or a.job.transport_of is analysis.job]
    requests = list(dict.fromkeys(r for a in jobs for r in readonly_successors(a, ctx.analysis.assumptions)))
    identity = analysis.identity
    held = [r for r in requests if identity is not None and ctx.analysis.authorizer.authorize(identity, r).allowed]
    text = ", and grant " + " and ".join(f"`get {r.resource}/{r.subresource}`" for r in requests if r not in held)
    if len(held) == len(requests):
        text = ""  # nothing to grant: the kubelets allow every request, or the identity holds what it needs
    if held:
        text += (f" ({identity} already holds {' and '.join(f'`get {r.resource}/{r.subresource}`' for r in held)}, "
                 f"which the kubelet checks there)")
    return text

# The VictoriaMetrics operator's scrape kinds that name no Service, and how a VMProbe names its prober
# (vmprobe_types.go VMProberSpec: vmProberSpec.url/scheme/path; the other kinds' EndpointScrapeParams take `path`)
VM_WITHOUT_SERVICE = ("VMPodScrape", "VMStaticScrape", "VMScrapeConfig")
VM_PROBER = "vmProberSpec"


def _kubelet_service_port(job: ScrapeJob, port: int = 0) -> str:
    """How the fix names the authenticated kubelet endpoint for an Operator job: the kubelet Service's port for a
    ServiceMonitor; for a PodMonitor, Probe or ScrapeConfig (no Service port to name) the kubelet's port itself,
    which a Probe writes as its `prober.url` (the only address it scrapes, v1 probe_types.go ProberSpec).
    Those kinds send the token from a Secret (_monitor_token_and_ca), so they are kept, not replaced."""
    kind = job.monitor.kind
    if job.source_kind == "probe":
        return f"Scrape the kubelet's authenticated port 10250 (`{VM_PROBER if kind == 'VMProbe' else 'prober'}.url: <node>:10250`)"
    if kind == "VMNodeScrape":  # nodescrape.go: `port` replaces the node address' port, :10250 without it
        return "Scrape the kubelet's authenticated port 10250 (`port: \"10250\"`, or no `port`: the node address' default)"
    if kind in KINDS_WITHOUT_FILES or kind in VM_WITHOUT_SERVICE:
        node_role = any(sd.role == "node" for sd in job.sd_configs)
        return ("Scrape the kubelet's authenticated port 10250 (`<node>:10250`"
                + (f", the `role: {'node' if kind in VM_WITHOUT_SERVICE else 'Node'}` default: drop the rewrite to "
                   f":{port})" if node_role and port else ")"))
    return "Scrape the kubelet Service's `https-metrics` port (10250)"


def _https(job: ScrapeJob) -> str:
    """The scheme setting as the monitor kind spells it: a ScrapeConfig's enum is HTTP/HTTPS (v1alpha1
    scrapeconfig_types.go), a Probe's is its prober's (`prober.scheme`: ProbeSpec has no `scheme`, so a top-level
    one is dropped and the prober is still scraped over HTTP, KS303), the monitors' endpoints take http/https."""
    if getattr(job.monitor, "kind", "") == "VMProbe":
        return f"`{VM_PROBER}.scheme: https`"
    return {"scrapeconfig": "`scheme: HTTPS`", "probe": "`prober.scheme: https`"}.get(job.source_kind, "`scheme: https`")


def _path_key(job: ScrapeJob) -> str:
    """The metrics path setting as the job's kind spells it: Prometheus' metrics_path, a ScrapeConfig's metricsPath,
    a Probe's prober.path, a monitor endpoint's path."""
    if not _operator(job):
        return "metrics_path"
    if job.monitor.kind.startswith("VM"):  # EndpointScrapeParams `path` (a VMScrapeConfig's too), vmProberSpec.path
        return f"{VM_PROBER}.path" if job.monitor.kind == "VMProbe" else "path"
    return {"scrapeconfig": "metricsPath", "probe": "prober.path"}.get(job.source_kind, "path")


def _kubelet_tls_config(serving_cert: str) -> str:
    """The tls_config a Prometheus job verifies the kubelets with: the cluster CA where it signs their serving
    certificates, else (self-signed, KS304) the skip with KS301's suppression saying why."""
    if serving_cert == "cluster-ca":
        return f"`tls_config: {{ca_file: {SA_CA}}}`"
    return (f"`tls_config: {{insecure_skip_verify: true}}  # {KUBELET_SELF_SIGNED}` (the cluster CA in {SA_CA} fails "
            f"against them unless `serverTLSBootstrap: true`, KS304)")


def direct_setting(job: ScrapeJob, serving_cert: str) -> str:
    """ScrapeJob.direct_setting (an OTel kubeletstats receiver's auth_type) with the receiver's TLS setting for the
    kubelets filled in: the cluster CA where it signs their serving certificates, else the skip with KS301's
    suppression saying why (the cluster CA fails against self-signed kubelets, KS304)."""
    tls = (f"`ca_file: {SA_CA}`" if serving_cert == "cluster-ca" else
           f"`insecure_skip_verify: true  # {KUBELET_SELF_SIGNED}`, as the cluster CA fails against them unless "
           f"`serverTLSBootstrap: true`")
    return job.direct_setting.replace("{kubelet_tls}", tls)


def _monitor_token_and_ca(job: ScrapeJob, serving_cert: str) -> str:
    """The monitor settings that send the Prometheus ServiceAccount's token and verify the kubelets: the pod's files
    for a ServiceMonitor; a token Secret and the kube-root-ca.crt ConfigMap for a PodMonitor, Probe or ScrapeConfig
    (they take only Secret and ConfigMap references) or where the Prometheus sets arbitraryFSAccessThroughSMs.deny
    (the operator then rejects those file fields, KS603): operator.names_no_files. Self-signed kubelets fail against
    the cluster CA (KS304): there the skip, with KS301's suppression saying why."""
    denied = names_no_files(job)
    if serving_cert != "cluster-ca":
        ca = (f"`tlsConfig: {{insecureSkipVerify: true}}  # {KUBELET_SELF_SIGNED}` (the cluster CA fails against them "
              f"unless `serverTLSBootstrap: true`, KS304)")
    else:
        ca = f"`{CLUSTER_CA_CONFIGMAP}`" if denied else f"`tlsConfig.caFile: {SA_CA}`"
    return f"{monitor_token(job)} and {ca}"


def monitor_token(job: ScrapeJob) -> str:
    """The monitor setting that sends the Prometheus ServiceAccount's token: the pod's token file, or a token
    Secret where the monitor cannot name files (operator.names_no_files)."""
    if names_no_files(job):
        why = (f"not the token file: a {job.monitor.kind} takes only Secret and ConfigMap references"
               if job.monitor.kind in KINDS_WITHOUT_FILES else
               f"{job.config.describe} sets arbitraryFSAccessThroughSMs.deny, which rejects bearerTokenFile and "
               f"tlsConfig.caFile")
        return f"`authorization: {{credentials: {{name: <Secret>, key: token}}}}` (<Secret>: {token_secret_text(job)}; {why})"
    return f"`bearerTokenFile: {SA_TOKEN}`"


def token_secret_text(job: ScrapeJob) -> str:
    """The service-account-token Secret an Operator monitor's `authorization.credentials` names, and where it lives.
    The operator reads it from the monitor's namespace, while the token controller fills it only for a ServiceAccount
    of the Secret's own namespace (and deletes it when that account does not exist, KS109): a monitor outside its
    Prometheus' namespace moves there, and keeps discovering where it did."""
    monitor, runner = job.monitor, getattr(job.config, "runner", None)
    if runner is None:
        return (f"a Secret of type kubernetes.io/service-account-token with annotation "
                f"`kubernetes.io/service-account.name: <name>` in the {monitor.kind}'s namespace {monitor.namespace}, "
                f"where the operator reads it")
    name = as_str(get_path(runner.doc, "spec", "serviceAccountName")) or "default"
    secret = (f"a Secret of type kubernetes.io/service-account-token with annotation "
              f"`kubernetes.io/service-account.name: {name}`")
    if runner.namespace == monitor.namespace:
        return f"{secret} in the {monitor.kind}'s namespace {monitor.namespace}, where the operator reads it"
    return (f"{secret} in namespace {runner.namespace}: the token controller fills it only for a ServiceAccount of its "
            f"own namespace, and the operator reads it from the {monitor.kind}'s namespace, so move the {monitor.kind} "
            f"to namespace {runner.namespace}{_kept_discovery(job)}")


def _kept_discovery(job: ScrapeJob) -> str:
    """What a monitor moved to its Prometheus' namespace adds to keep discovering in its old namespace."""
    monitor, runner = job.monitor, job.config.runner
    if get_path(runner.doc, "spec", "ignoreNamespaceSelectors") is True:
        return (f" ({job.config.describe} sets ignoreNamespaceSelectors: true, so there it discovers in "
                f"{runner.namespace} only, not in {monitor.namespace}: drop that setting and give it "
                f"`namespaceSelector: {{matchNames: [{monitor.namespace}]}}`)")
    if discovers_by_own_namespace(job):
        return f" with `namespaceSelector: {{matchNames: [{monitor.namespace}]}}` to keep discovering in {monitor.namespace}"
    return ""


def _kubelet_cadvisor_port(analysis: JobAnalysis, endpoint: Endpoint, serving_cert: str) -> Finding:
    """KS302 for the kubelet's own cAdvisor port (4194): disabled by default in Kubernetes 1.11 and removed with
    `--cadvisor-port` in 1.12 (kubernetes#63881, #65707), while the Operator's kubelet Service still publishes it as
    `cadvisor`. Nothing listens there on any supported cluster; the same metrics are /metrics/cadvisor on :10250."""
    job = analysis.job
    return Finding(
        "KS302", _address_origin(analysis, endpoint),
        f"{job.label} scrapes the kubelet's cAdvisor port :{endpoint.port}{endpoint.path}, which the kubelet "
        f"stopped serving in Kubernetes 1.12 (`--cadvisor-port` was removed): nothing listens there, so every target "
        f"is down with connection refused; the kubelet serves the same metrics at /metrics/cadvisor on :10250",
        fix=(f"{_kubelet_service_port(job, endpoint.port)} with `{_path_key(job)}: /metrics/cadvisor`, {_https(job)}, "
             f"{_monitor_token_and_ca(job, serving_cert)}, and grant `get nodes/metrics`."
             if _operator(job) else
             f"Scrape the kubelet at `<node>:10250` with `metrics_path: /metrics/cadvisor`, `scheme: https`, "
             f"`authorization: {{credentials_file: {SA_TOKEN}}}`, {_kubelet_tls_config(serving_cert)}, and grant "
             f"`get nodes/metrics`."),
        object=job.label, data={"port": endpoint.port, "path": endpoint.path},
    )


# ---------------------------------------------------------------------------------------------- KS303


@check("KS303")
def credentials_over_http(ctx: Context) -> Iterator[Finding]:
    removed = removed_insecure_ports(ctx)
    for analysis in _connection_jobs(ctx):
        job = analysis.job
        if job.credentials.kind not in SECRET_CREDENTIALS:
            continue
        dead = {e.port for e in dead_insecure_endpoints(analysis, removed)}  # nothing answers there (KS308): nothing is sent
        # A loopback target (Prometheus scraping itself behind --web.config.file basic auth, a sidecar in its pod)
        # puts nothing on the network, as for the loopback Alertmanagers and remote writes below. One on a port that
        # serves only TLS is kept where the node's loopback is reached (hostNetwork, or the pod not in view): the
        # component answers 400 there; on the pod's own loopback nothing listens (KS305).
        own = _own_network(analysis)
        plain = [e for e in analysis.endpoints if e.scheme == "http" and e.port not in dead
                 and not (is_loopback_host(e.host) and (own or e.klass not in TLS_ONLY_CLASSES))]
        if not plain and not (not analysis.endpoints and job.scheme == "http"):
            continue
        related = []
        # The job scrapes https, yet a target got http: a relabel rule writes `__scheme__` (a pod's
        # prometheus.io/scheme annotation). That rule is the cause, not the job's `scheme: https`.
        scheme_rule = _scheme_rule(job) if job.scheme != "http" and plain else None
        if scheme_rule is not None:
            related.append(Related(scheme_rule, "sets __scheme__ per target, letting a target pick http"))
        elif "scheme" in job.node:
            related.append(Related(value_span(job.path, job.node, "scheme"), f"scheme: {as_str(job.node.get('scheme'))}"))
        for endpoint in plain[:1]:
            # where the job picks that target's address, not the metrics_path a path-decided origin points at
            origin = _address_origin(analysis, endpoint) if endpoint in analysis.origins else None
            if origin is not None and origin not in (job.credentials.span, scheme_rule):
                related.append(Related(origin, f"{_describe([endpoint])}, scraped over http from here"))
        key = _credential_key(job)
        arbitrary = any(e.klass == "workload" for e in plain) and unnamed_workloads(job, analysis.identity) is not None
        # An application needs no Kubernetes token, but a credential written for it (a password, an OAuth2 client,
        # a token file or value of its own) says it authenticates callers: only the read-only kubelet needs none.
        sa_token = job.credentials.kind == "sa-token"
        needs_none = plain and all(e.klass == "kubelet-readonly" or (e.klass == "workload" and sa_token) for e in plain)
        dedicated = not sa_token and not needs_none
        tls_only = [e for e in plain if e.klass in TLS_ONLY_CLASSES]
        if tls_only:
            # The request (headers included) is on the wire before Go's TLS server reads its first bytes and
            # answers 400: the token leaks, and the scrape fails (analyse._plain_http_to_tls).
            ports = sorted({e.port for e in tls_only})
            consequence = (f"; {' and '.join(f':{p}' for p in ports)} serve{'s' if len(ports) == 1 else ''} only TLS, "
                           f"so Go's HTTPS server answers {PLAIN_HTTP_TO_TLS} and every scrape fails")
            fix = (f"Set {_https(job)} with a verified `{_key(job, 'tls_config')}` (`{_key(job, 'ca_file')}: "
                   f"{SA_CA}` for the API server, or the CA that signs the targets' serving certificates); keep "
                   f"`{key}`: the target authenticates it over TLS.")
            if job.direct_setting:
                # an OTel kubeletstats receiver with an http:// endpoint: it has no `scheme`, `tls_config` or
                # `authorization` key; its endpoint is what to change (otel._secure_port_setting)
                how = direct_setting(job, kubelet_serving_cert(ctx))
                fix = f"Read the kubelet over HTTPS: {how[0].lower()}{how[1:]}."
        elif job.direct_setting and all(e.klass == "kubelet-readonly" for e in plain):
            # a kubeletstats receiver on the read-only port: it has no `authorization` to remove; its token goes
            # where it is checked once it reads the authenticated port (KS302's fix)
            consequence = ", and the target is not authenticated either"
            how = direct_setting(job, kubelet_serving_cert(ctx))
            fix = f"Read the kubelet's authenticated port instead (KS302): {how[0].lower()}{how[1:]}."
        else:
            consequence = ", and the target is not authenticated either"
            fix = (f"Keep `{key}` (a credential of the targets' own) and send it encrypted: scrape it with "
                   f"{_https(job)} and a verified `{_key(job, 'tls_config')}`; if the targets do not authenticate "
                   f"callers, remove `{key}` instead."
                   if dedicated and scheme_rule is None else
                   f"Remove `{key}` from the job" + (" (these targets need no credentials)" if needs_none else "")
                   + (f"; if a target does authenticate callers, keep the job's `scheme: {job.scheme}` for every "
                      f"target: drop the relabel rule that writes `__scheme__`, or narrow its regex so that it never "
                      f"yields http (`(https)`), and verify the targets with `{_key(job, 'tls_config')}`."
                      if scheme_rule is not None else
                      f"; if a target does authenticate callers, scrape it with {_https(job)} and a verified "
                      f"`{_key(job, 'tls_config')}`."))
            from_class = scrape_class_setting(job, "authorization") if _operator(job) else None
            if from_class is not None:
                # The monitor writes no credentials: they come from its (default) scrape class.
                related.append(Related(from_class[1], f"the credential it sends (authorization of {from_class[0]})"))
                fix = (f"The `authorization` comes from {from_class[0]}: give this monitor a `scrapeClass` without "
                       f"credentials (or remove them from that class if no monitor using it needs them)"
                       + (", as these targets need none" if needs_none else "")
                       + f"; if a target does authenticate callers, scrape it with {_https(job)} and a verified "
                         f"`tlsConfig`.")
        yield Finding(
            "KS303", job.credentials.span,
            f"{job.label} sends {job.credentials.describe()} over plain HTTP to {_describe(plain, job, arbitrary)}: anyone on the "
            f"network path can read it and replay it{consequence}",
            fix=fix,
            related=tuple(related), object=job.label,
            data={"credentials": job.credentials.kind, "targets": sorted({e.klass for e in plain}) or ["unknown"]},
        )
    # Discovery's own credentials to an http:// api_server (a loopback one is a `kubectl proxy` sidecar in the
    # same pod: nothing crosses the network).
    for job, sd, scheme in _discovery_api_servers(ctx):
        if scheme != "http" or sd.api_server_is_local:
            continue
        yield Finding(
            "KS303", sd.credentials.span,
            f"{job.label} discovers targets through api_server {sd.api_server} and sends it "
            f"{sd.credentials.describe()} over plain HTTP: anyone on the network path can read it and replay it, "
            f"and the API server is not authenticated either",
            fix=("Use an https:// api_server with a verified tls_config (`ca_file:` its cluster's CA), or drop "
                 "api_server and its credentials to discover in-cluster with the pod's ServiceAccount."),
            related=(Related(value_span(sd.path, sd.node, "api_server"), f"api_server: {sd.api_server}"),),
            object=job.label, data={"credentials": sd.credentials.kind, "targets": ["api-server (discovery)"]},
        )
    yield from _senders_over_http(ctx)
    yield from _oauth2_token_over_http(ctx)


def _remote_oauth2(ctx: Context, scheme: str) -> Iterator[tuple[ScrapeJob, YMap, str, str]]:
    """(job, its oauth2 block, token_url, the key of the client secret) of each reported job whose OAuth2 client
    sends a secret to a `scheme` token_url off the pod: a loopback token_url is a sidecar (nothing crosses the
    network), and a client without a secret sends nothing to steal."""
    for analysis in ctx.reported_jobs():
        job = analysis.job
        oauth2 = as_map(job.node.get("oauth2"))
        token_url = as_str(oauth2.get("token_url"))
        secret = _oauth2_secret(oauth2)
        if secret is None or not token_url.lower().startswith(scheme):
            continue
        parts = split_url(token_url)
        if parts is not None and not is_loopback_host(parts.hostname or ""):
            yield job, oauth2, token_url, secret


def _oauth2_secret(oauth2: Any) -> str | None:
    """The key that holds an OAuth2 client's secret, which the token request sends (client credentials grant)."""
    return next((key for key in ("client_secret", "client_secret_file", "client_secret_ref") if oauth2.get(key)), None)


def _oauth2_token_over_http(ctx: Context) -> Iterator[Finding]:
    """KS303 for the OAuth2 token request: an http:// token_url gets the client id and secret in clear text
    whatever the job's scheme (prometheus/common config.OAuth2 posts them to token_url). A loopback token_url is a
    sidecar in the pod: nothing crosses the network."""
    seen = set()
    for job, oauth2, token_url, secret in _remote_oauth2(ctx, "http://"):
        span = value_span(job.path, oauth2, "token_url")
        if span in seen:
            continue
        seen.add(span)
        yield Finding(
            "KS303", span,
            f"{job.label} requests its OAuth2 token from {token_url} over plain HTTP: the client id and secret "
            f"({secret}) cross the network in clear text, so anyone on the path can read them and mint tokens, and "
            f"the token endpoint is not authenticated either",
            fix="Use the token endpoint's https:// URL in `token_url` (with `oauth2.tls_config` naming its CA if a "
                "public CA does not sign it).",
            related=(Related(key_span(job.path, oauth2, secret), "the client secret sent"),),
            object=job.label, data={"credentials": "oauth2", "targets": ["oauth2 token endpoint"]},
        )


# Alertmanager notifications are sent with the alerting entry's own http_config (prometheus notifier/manager.go
# builds each client from AlertmanagerConfig.HTTPClientConfig) over its `scheme`, `http` unless set
# (config.go DefaultAlertmanagerConfig; the operator's AlertmanagerEndpoints.scheme defaults to http too). The
# prometheus-community `prometheus` chart renders such an entry whenever its Alertmanager is enabled: pod discovery,
# `tls_config` and `bearer_token_file`, no scheme — the ServiceAccount token goes in clear text with every alert.
# remote_write / remote_read entries do the same with the scheme of their `url` (config.go RemoteWriteConfig,
# RemoteReadConfig: a url plus an inline HTTPClientConfig; storage/remote builds the client from it). `sigv4` is not
# a leak: it sends an HMAC signature of that one request (timestamped, payload hashed), never the AWS secret key;
# `azuread` and `google_iam` fetch an access token and send it as `Authorization: Bearer`, which is one.
# Operator fields (key, credentials kind, what is sent): AlertmanagerEndpoints, RemoteWriteSpec/RemoteReadSpec
# (bearerToken: a deprecated inline string) and VictoriaMetrics' VMAgentRemoteWriteSpec (bearerTokenSecret).
OPERATOR_CREDENTIALS = (("bearerTokenFile", "sa-token", ""), ("authorization", "inline-token", "a bearer token from a Secret"),
                        ("basicAuth", "basic", "basic auth from a Secret"), ("bearerToken", "inline-token", "a bearer token"),
                        ("bearerTokenSecret", "inline-token", "a bearer token from a Secret"),
                        ("oauth2", "oauth2", "an OAuth2 access token"), ("azureAd", "azuread", "an Azure AD access token"))
TOKEN_SOURCES = (("azuread", "azuread", "an Azure AD access token"), ("google_iam", "google-iam", "a Google access token"))
# (raw config section, operator field, the runner kinds that have it, when it is sent, what receives it)
REMOTE_SECTIONS = (("remote_write", "remoteWrite", ("Prometheus", "PrometheusAgent", "VMAgent"),
                    "with every batch of samples it sends", "remote-write endpoint"),
                   ("remote_read", "remoteRead", ("Prometheus",), "with every remote-read query", "remote-read endpoint"))
RAW_REMOTE_FLAVORS = {"prometheus": ("remote_write", "remote_read"), "grafana-agent": ("remote_write",)}


def _senders_over_http(ctx: Context) -> Iterator[Finding]:
    seen: set[int] = set()
    for config in ctx.analysis.configs:
        runner = config.runner
        if runner is not None:
            if id(runner) in seen or not ctx.reports(runner.path):
                continue
            seen.add(id(runner))
            spec = as_map(get_path(runner.doc, "spec"))
            label = f"{runner.kind} {runner.namespace}/{runner.name}"
            if runner.kind == "Prometheus":
                for index, manager in enumerate(as_seq(as_map(spec.get("alerting")).get("alertmanagers"))):
                    found = _operator_credentials(runner.path, manager)
                    if found is not None and (as_str(manager.get("scheme")) or "http").lower() == "http":
                        where = (f"{label} spec.alerting.alertmanagers[{index}] (Alertmanager "
                                 f"{as_str(manager.get('namespace')) or runner.namespace}/{as_str(manager.get('name'))})")
                        yield _alerting_finding(where, *found, manager, runner.path, "scheme", "tlsConfig")
            for _section, field, kinds, when, receiver in REMOTE_SECTIONS:
                if runner.kind not in kinds:
                    continue
                for index, entry in enumerate(as_seq(spec.get(field))):
                    found = _operator_credentials(runner.path, entry)
                    if found is not None and _plain_remote_url(entry):
                        yield _remote_finding(f"{label} spec.{field}[{index}]", *found, entry, runner.path, when,
                                              receiver, "tlsConfig")
            continue
        if config.monitor is not None or config.flavor not in RAW_REMOTE_FLAVORS or id(config.root) in seen:
            continue
        seen.add(id(config.root))
        if not ctx.reports(config.path):
            continue
        if config.flavor == "prometheus":
            managers = as_seq(as_map(config.root.get("alerting")).get("alertmanagers"))
            for index, manager in enumerate(managers):
                if not isinstance(manager, YMap) or (as_str(manager.get("scheme")) or "http").lower() != "http":
                    continue
                found = _raw_credentials(config.path, manager, ())
                if found is None or _loopback_only(manager):
                    continue
                where = f"alerting.alertmanagers[{index}] of {config.describe}"
                yield _alerting_finding(where, *found, manager, config.path, "scheme", "tls_config")
        for section, _field, _kinds, when, receiver in REMOTE_SECTIONS:
            if section not in RAW_REMOTE_FLAVORS[config.flavor]:
                continue
            owner, prefix = config.root, ""
            # A Grafana Agent instance without remote_write of its own sends with `metrics.global.remote_write`
            # (agent pkg/metrics/instance ApplyDefaults): reported once, at the global entry.
            if config.flavor == "grafana-agent" and not as_seq(owner.get(section)) and config.agent_global is not None:
                if id(config.agent_global) in seen:
                    continue
                seen.add(id(config.agent_global))
                owner, prefix = config.agent_global, "metrics.global."
            for index, entry in enumerate(as_seq(owner.get(section))):
                found = _raw_credentials(config.path, entry, TOKEN_SOURCES) if _plain_remote_url(entry) else None
                if found is not None:
                    yield _remote_finding(f"{prefix}{section}[{index}] of {config.describe}", *found, entry,
                                          config.path, when, receiver, "tls_config")


def _raw_credentials(path: str, entry: Any, token_sources: tuple) -> tuple[str, str, Span, str] | None:
    """(what is sent, its credentials kind, where, its key) for a Prometheus http_config block's secret credentials."""
    credentials = http_credentials(path, entry)
    if credentials.kind in SECRET_CREDENTIALS:
        key = next((k for k in CREDENTIAL_KEYS if k in entry), "")  # (promconfig._credentials' order)
        return credentials.describe(), credentials.kind, credentials.span, key
    for key, kind, text in token_sources:
        if isinstance(entry.get(key), YMap):
            return text, kind, key_span(path, entry, key), key
    return None


def _operator_credentials(path: str, entry: Any) -> tuple[str, str, Span, str] | None:
    """(what is sent, its credentials kind, where, its key) for an operator endpoint's credentials (OPERATOR_CREDENTIALS)."""
    if not isinstance(entry, YMap):
        return None
    for key, kind, text in OPERATOR_CREDENTIALS:
        value = entry.get(key)
        if value is None or (key in ("bearerTokenFile", "bearerToken") and not as_str(value)):
            continue
        if key == "bearerTokenFile":
            text = "the ServiceAccount token" if as_str(value) == SA_TOKEN else f"the token in {as_str(value)}"
            return text, kind if as_str(value) == SA_TOKEN else "token-file", value_span(path, entry, key), key
        return text, kind, key_span(path, entry, key), key
    return None


def _loopback_only(manager: YMap) -> bool:
    """Alertmanagers only at static loopback addresses (a sidecar in the same pod): nothing crosses the network."""
    if any(key.endswith("_sd_configs") and key != "static_configs" for key in manager):
        return False
    targets = [as_str(t) for group in as_seq(manager.get("static_configs")) for t in as_seq(as_map(group).get("targets"))]
    return bool(targets) and all(is_loopback_host(t.rsplit(":", 1)[0]) for t in targets)


def _plain_remote_url(entry: Any) -> bool:
    """A remote_write/remote_read entry whose url is http:// to another host than the pod's loopback (a storage
    adapter sidecar)."""
    url = as_str(as_map(entry).get("url")).strip()
    parts = split_url(url)
    host = (parts.hostname if parts is not None else None) or ""
    return parts is not None and parts.scheme == "http" and bool(host) and not is_loopback_host(host)


def _alerting_finding(where: str, sent: str, kind: str, span: Span, key: str, manager: YMap, path: str,
                      scheme_key: str, tls_key: str) -> Finding:
    related = ()
    if scheme_key in manager:
        related = (Related(value_span(path, manager, scheme_key), f"{scheme_key}: {as_str(manager.get(scheme_key))}"),)
    basic = kind == "basic"
    how = f"`{scheme_key}: {as_str(manager.get(scheme_key))}`" if scheme_key in manager else f"no `{scheme_key}`: http"
    tls_note = f"; its `{tls_key}` applies only to https" if tls_key in manager else ""
    # Alertmanager's own --web.config.file knows basic-auth users only: a bearer token is checked, if at all, by
    # a proxy in front of it.
    fix = (f"Set `{scheme_key}: https` on this entry with a verified `{tls_key}` (the CA that signs the "
           f"Alertmanagers' serving certificates, e.g. from their --web.config.file), keeping basic auth: it then "
           f"travels encrypted." if basic else
           f"If a proxy in front of the Alertmanagers checks this credential, set `{scheme_key}: https` on this "
           f"entry with a verified `{tls_key}` (the CA that signs their serving certificates); otherwise remove "
           f"`{key}` from the entry: Alertmanager itself checks no bearer token.")
    return _sender_finding(where, sent, kind, span, f"with every alert it delivers ({how}{tls_note})", "Alertmanager",
                           fix, related, "alertmanager")


def _remote_finding(where: str, sent: str, kind: str, span: Span, key: str, entry: YMap, path: str, when: str,
                    receiver: str, tls_key: str) -> Finding:
    """Sits on the `url` value (its http:// is what puts the credential on the wire in clear text)."""
    fix = (f"Use an `https://` url with a verified `{tls_key}` (the CA that signs the {receiver}'s serving "
           f"certificate), keeping `{key}`: it then travels encrypted; if the {receiver} checks no credential, remove "
           f"`{key}` from the entry.")
    return _sender_finding(where, sent, kind, value_span(path, entry, "url"),
                           f"{when} (`url: {as_str(entry.get('url')).strip()}`)", receiver, fix,
                           (Related(span, f"the credential it sends ({key})"),), receiver.split(" ")[0])


def _sender_finding(where: str, sent: str, kind: str, span: Span, when: str, receiver: str, fix: str,
                    related: tuple, target: str) -> Finding:
    """KS303 for what Prometheus sends besides scrapes: alerts, remote writes and reads."""
    return Finding(
        "KS303", span,
        f"{where} sends {sent} over plain HTTP {when}: anyone on the network path can read it and replay it, and "
        f"the {receiver} is not authenticated either",
        fix=fix, related=related, object=where, data={"credentials": kind, "targets": [target]},
    )


def _scheme_rule(job: ScrapeJob) -> Span | None:
    """The last relabel rule the job's owner wrote that targets `__scheme__` (Prometheus runs them in order, so
    the last one decides); None when none does."""
    for index in reversed(range(job.generated_relabels, len(job.relabel_nodes))):
        node = job.relabel_nodes[index]
        if as_str(node.get("target_label", node.get("targetLabel"))) == "__scheme__":
            return at(job.path, node.pos)
    return None


# ---------------------------------------------------------------------------------------------- KS304


@check("KS304")
def kubelet_ca_mismatch(ctx: Context) -> Iterator[Finding]:
    self_signed = kubelet_serving_cert(ctx) == "self-signed"
    by_class: dict[Span, list[Finding]] = {}
    for analysis in _connection_jobs(ctx):
        job = analysis.job
        if job.tls.get("insecure_skip_verify") is True:
            continue  # not verified at all (KS301 covers the risk)
        kubelets = [e for e in analysis.endpoints if e.klass == "kubelet" and e.scheme == "https"]
        if not kubelets:
            continue
        if not self_signed:
            if as_str(job.tls.get("server_name")) and not _one_static_kubelet(job):
                yield _kubelet_server_name(analysis, kubelets[0])
            elif not as_str(job.tls.get("ca_file")) and job.tls.get("ca") is None:
                yield _cluster_signed_against_system_roots(analysis, kubelets[0], ctx)
            continue
        ca_file = as_str(job.tls.get("ca_file"))
        if ca_file:
            if not (ca_file.startswith(SA_DIR + "/") or ca_file in CLUSTER_CA_FILES):
                continue  # a dedicated CA bundle (e.g. OpenShift's kubelet-serving-ca-bundle): serving certs are signed
            span, data_ca = value_span(job.path, job.tls, "ca_file"), ca_file
            with_what = f"the cluster CA ({ca_file})"
        elif cluster_ca := _cluster_ca_reference(job, ctx.workspace):  # a monitor's tlsConfig.ca naming the cluster CA
            span = key_span(job.path, job.tls, "ca")
            data_ca = "kube-root-ca.crt" if job.tls.get("ca") == CLUSTER_CA_REFERENCE else cluster_ca
            with_what = f"the cluster CA ({cluster_ca} in tlsConfig.ca)"
        elif job.tls.get("ca") is not None:
            continue  # an inline CA, or a Secret/ConfigMap other than the cluster CA's: we cannot tell which one
        else:
            span, data_ca = _system_roots_place(analysis, kubelets[0]), "system"
            with_what = f"the system's root CAs (no {_key(job, 'ca_file')})"  # a monitor's field: tlsConfig.caFile
        related = list(_kubelets_related(analysis, kubelets[0], span))
        # A CA the monitor takes from its scrape class: reported at the class (where the fix goes), once per class.
        from_class = (scrape_class_setting(job, "tlsConfig", "caFile" if ca_file else "ca")
                      if _operator(job) and data_ca != "system" else None)
        if from_class is not None:
            span, with_what = from_class[1], f"{with_what[:-1]}, of {from_class[0]})"
            related.append(Related(job.key_span("job_name") if "job_name" in job.node else job.span,
                                   f"{job.label} gets it from its scrape class"))
        own = ctx.once("k3s kubelet certificate files", lambda: k3s_kubelet_cert_files(ctx.workspace.sources))
        signer = ("kubelets self-sign them unless `serverTLSBootstrap: true` is set" if not own else
                  f"the kubelets serve the certificate {own[0][0]} that `kubelet-arg: tls-cert-file` in {own[0][1]} "
                  f"gives them, whose signer the inputs do not show")
        finding = Finding(
            "KS304", span,
            f"{job.label} verifies the kubelets' serving certificates (:{kubelets[0].port}) against {with_what}, but "
            f"{signer} (assumption kubelet-serving-cert: "
            f"self-signed): every node target fails with "
            f"{'`x509: certificate signed by unknown authority`' if own else _self_signed_error(job, kubelets[0])}",
            fix=(_own_cert_fix(job, own[0][0]) if own else
                 _ca_mismatch_fix(job, system_roots=not ca_file and job.tls.get("ca") is None))
                + (f" Then delete `{_key(job, 'server_name')}`: each kubelet's certificate names its own node."
                   if as_str(job.tls.get("server_name")) else ""),
            related=tuple(related),
            object=job.label, data={"ca": data_ca},
        )
        yield from _unless_of_scrape_class(finding, from_class is not None, by_class)
    yield from map(_one_per_scrape_class, by_class.values())


def _cluster_signed_against_system_roots(analysis: JobAnalysis, kubelet: Endpoint, ctx: Context) -> Finding:
    """A kubelet job without a CA where the cluster CA signs the kubelets' certificates: Go verifies against the
    system pool (prometheus/common NewTLSConfig leaves RootCAs nil), which holds no cluster CA, so every node
    target fails. (Where the kubelets self-sign, the self-signed branch reports the same job.)"""
    job = analysis.job
    span = _system_roots_place(analysis, kubelet)
    where = _ca_where(job)
    return Finding(
        "KS304", span,
        f"{job.label} verifies the kubelets' serving certificates (:{kubelet.port}) against the system's root CAs "
        f"(no {_key(job, 'ca_file')}), but {_cluster_signer(ctx)}: every node target fails with "
        f"`x509: certificate signed by unknown authority`",
        fix=f"Verify them against the cluster CA: set `{cluster_ca_field(job)}`{where} (the system roots do not hold it).",
        related=_kubelets_related(analysis, kubelet, span),
        object=job.label, data={"ca": "system"},
    )


def _kubelets_related(analysis: JobAnalysis, kubelet: Endpoint, span: Span) -> tuple[Related, ...]:
    """KS304's related location: the place that selects the kubelets, unless the finding already stands there."""
    origin = _origin(analysis, kubelet)
    return (Related(origin, "selects the kubelets"),) if origin != span else ()


def _cluster_signer(ctx: Context) -> str:
    """Why the checks take the kubelets' certificates as signed by the cluster CA (kubelet_serving_cert)."""
    if ctx.analysis.assumptions.kubelet_serving_cert == "cluster-ca":
        return "the cluster CA signs them (assumption kubelet-serving-cert: cluster-ca)"
    config = ctx.once("kubelet configurations bootstrap", lambda: bootstrapping_kubelet_config(ctx.workspace.sources))
    if config:
        return (f"the KubeletConfiguration in {config} sets `serverTLSBootstrap: true`: the cluster CA signs them "
                "(signer kubernetes.io/kubelet-serving)")
    return "k3s/RKE2 (its config.yaml is in the inputs) signs them with its server CA, the cluster CA"


def _one_static_kubelet(job: ScrapeJob) -> bool:
    """A job that discovers nothing and lists one static target (a job per node, often by IP): its server_name can
    be that node's name, which the node's certificate lists, so a fixed name is no mismatch there. (The job's
    endpoints are one per kind of target, not per address: count the written targets.)"""
    return not job.sd_configs and not job.other_sd and len({target for target, _labels, _span in job.static_targets}) == 1


def _kubelet_server_name(analysis: JobAnalysis, kubelet: Endpoint) -> Finding:
    """A kubelet job verifying cluster-signed serving certificates for one fixed server_name: the kubelet requests
    its certificate for its own node's addresses (k/k pkg/kubelet/certificate/kubelet.go addressesToHostnamesAndIPs:
    the Node's hostnames and IPs), so Go's name check (crypto/x509 VerifyHostname) fails on every other node."""
    job = analysis.job
    name = as_str(job.tls.get("server_name"))
    key = _key(job, "server_name")
    span = value_span(job.path, job.tls, "server_name")
    return Finding(
        "KS304", span,
        f"{job.label} verifies the kubelets' serving certificates (:{kubelet.port}) for `{key}: {name}`, but a "
        f"kubelet's certificate from the cluster CA (assumption kubelet-serving-cert: cluster-ca) names only its own "
        f"node's hostname and addresses: every node target not named {name} fails with `x509: certificate is valid "
        f"for <node>, not {name}`",
        fix=f"Delete `{key}`: Prometheus then checks each target's own address, which the kubelet's certificate lists.",
        related=_kubelets_related(analysis, kubelet, span),
        object=job.label, data={"server_name": name},
    )


def _ca_where(job: ScrapeJob) -> str:
    """Where a Prometheus job's CA goes: its `tls_config`, which a job verifying against the system roots often
    lacks, and "in its tls_config" then sent the reader looking for a key the job does not have. (An Operator
    field's name, tlsConfig.caFile, says where itself.)"""
    if _operator(job):
        return ""
    if "tls_config" in job.node:
        return " in its `tls_config`"
    return " under a new `tls_config:` key of the job"


def _own_cert_fix(job: ScrapeJob, cert_file: str) -> str:
    """KS304's fix where a k3s/RKE2 kubelet-arg names the kubelets' serving certificate: serverTLSBootstrap does not
    make that one, so the fix is the CA that issued it (or the declaration, if the cluster CA did)."""
    key = _key(job, "ca_file")
    return (f"Verify them against the CA that issued {cert_file}: mount its certificate in the scraper's container "
            f"and set `{key}` to it; if the cluster CA issued it (with each node's name and IP as SANs), declare the "
            f"assumption `kubelet-serving-cert: cluster-ca` instead. Do not skip verification (KS301).")


def _ca_mismatch_fix(job: ScrapeJob, system_roots: bool) -> str:
    """KS304's fix. Declaring `kubelet-serving-cert: cluster-ca` silences the finding, so for a job verifying against
    the system roots it also names the CA to set: the system pool holds no cluster CA, so cluster-signed kubelets
    fail there too (`x509: certificate signed by unknown authority`) and the bare declaration hid a broken job."""
    verify = ""
    if system_roots:
        where = _ca_where(job)
        verify = (f"verify them against that CA with `{cluster_ca_field(job)}`{where} (the system roots do not hold "
                  f"it) and ")
    return (f"If the kubelets run with `serverTLSBootstrap: true` (serving certificates from the cluster CA), {verify}"
            f"declare the assumption `kubelet-serving-cert: cluster-ca`; otherwise enable `serverTLSBootstrap` and "
            f"approve the kubelets' serving CSRs rather than skipping verification (KS301).")


def _system_roots_place(analysis: JobAnalysis, kubelet: Endpoint) -> Span:
    """Where a job verifying the kubelets against the system roots says so (SPEC §5, the smallest node): its TLS
    block without a CA; without one, what makes the request https — the written `scheme: https`, else the relabel
    rule that writes `__scheme__`; the target's origin only when neither is written. (prometheus/common
    NewTLSConfig leaves RootCAs nil without a CA, so Go verifies against the system pool: the kubelets' self-signed
    certificates fail there as against the cluster CA.)"""
    job = analysis.job
    for tls_key in ("tls_config", "tlsConfig"):  # (a ScrapeConfig's spec is adapted to Prometheus' keys)
        if tls_key in job.node:
            return key_span(job.path, job.node, tls_key)
    if as_str(job.node.get("scheme")).lower() == "https":
        return value_span(job.path, job.node, "scheme")
    return _scheme_rule(job) or _origin(analysis, kubelet)


def _self_signed_error(job: ScrapeJob, kubelet: Endpoint) -> str:
    """The error a kubelet's self-signed certificate gives, as Prometheus logs it. The kubelet signs it for its
    hostname alone (kubernetes cmd/kubelet/app/server.go: GenerateSelfSignedCertKey(hostName, nil, nil)), and Go
    checks the name before the chain (crypto/x509 Certificate.Verify): scraped by IP, as node discovery's InternalIP
    address is, the missing IP SAN is what fails first."""
    by_ip = "`x509: cannot validate certificate for <node IP> because it doesn't contain any IP SANs`"
    by_name = "`x509: certificate signed by unknown authority`"
    server_name = as_str(job.tls.get("server_name") or job.tls.get("serverName"))  # (a monitor's tlsConfig)
    name = server_name or kubelet.host
    if "${" in name:  # a collector's endpoint from its pod's environment (K8S_NODE_IP or K8S_NODE_NAME): either
        return f"{by_ip} (by IP) or {by_name} (by hostname)"
    if not is_ip_address(name):
        # One server_name for every node is the hostname of one node at most, and the name is checked first
        # (crypto/x509 HostnameError): the others fail with `certificate is valid for <node hostname>, not …`.
        return (f"`x509: certificate is valid for <node hostname>, not {server_name}` ({by_name} on a node whose "
                f"hostname it is)" if server_name else by_name)
    return by_ip


# ---------------------------------------------------------------------------------------------- KS305


@check("KS305")
def loopback_bound_target(ctx: Context) -> Iterator[Finding]:
    components = {int(port): name.split(" ")[0] for port, name in knowledge("ports")["loopback_by_default"].items()}
    exposed: set[str] | None = None  # scans every workload: only once a job scrapes a loopback port
    for analysis in ctx.reported_jobs():
        job = analysis.job
        via = analysis.pushprox
        if via is not None and (via.client is None or via.use_localhost):
            # a PushProx client connects, from its node (to localhost with --use-localhost), not Prometheus: its
            # localhost is the node's only in the host network
            yield from _client_own_loopback(analysis, components)
            continue
        yield from _loopback_bound_workloads(ctx, analysis)
        swept = _swept_targets(analysis)
        for endpoint in analysis.endpoints:
            component = components.get(endpoint.port)
            if component is None:
                continue
            if is_loopback_host(endpoint.host):
                finding = _own_loopback(analysis, endpoint, component, _listen_change(ctx, component, endpoint.scheme))
                if finding is not None:
                    yield finding
                continue
            if exposed is None:
                exposed = _exposed_components(ctx)
            if component in exposed:
                continue
            if endpoint in swept:
                continue
            setting = _installer_loopback(ctx).get(component)
            if setting is not None:  # the cluster's installer binds it so: kubeadm's settings would change nothing
                where = f"the {setting.installer} at {setting.span.path}:{setting.span.line}"
                binder = (f"{where} binds it to {setting.value}" if not setting.unset else
                          f"{where} {setting.unset}, so it stays bound to {setting.value}")
                related: tuple = (Related(setting.span, f"the {setting.installer} "
                                          f"{setting.unset or 'binds ' + component + ' to loopback'}"),)
            else:
                binder, related = "kubeadm binds it to 127.0.0.1", ()
            change = _listen_change(ctx, component, endpoint.scheme)
            yield Finding(
                "KS305", _address_origin(analysis, endpoint),
                f"{job.label} scrapes {component} on :{endpoint.port} at a pod/node IP, but {binder}: nothing "
                f"listens on that address, so every target is down with connection refused",
                fix=f"Either {change} and restrict who can reach the port, or drop this job on "
                    f"clusters whose control plane is not reachable (managed clusters).",
                related=related, object=job.label, data={"component": component, "port": endpoint.port},
            )


# What each listen flag of loopbound.LISTEN_FLAGS belongs to, for messages.
LISTEN_FLAG_OWNER = {"metrics-bind-address": "controller-runtime's metrics server",
                     "secure-listen-address": "kube-rbac-proxy", "web.listen-address": "the exporter"}


def _loopback_bound_workloads(ctx: Context, analysis: JobAnalysis) -> Iterator[Finding]:
    """A monitor's port served by a container of the inputs that binds it to loopback (loopbound.py): only its own
    pod reaches it, whatever the cluster, so a warning like _own_loopback's."""
    from ..loopbound import loopback_bound

    job = analysis.job
    for pod, container, number, flag, address in loopback_bound(ctx.workspace, job):
        workload = f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
        port = address.rpartition(":")[2]
        yield Finding(
            "KS305", _monitor_port_span(job),
            f"{job.label} scrapes port {number} of {workload}, but its container {container.name} "
            f"({LISTEN_FLAG_OWNER[flag]}) listens on {address} (--{flag}): only the pod's own containers reach that "
            f"address, so every target is down with connection refused",
            fix=(f"Make container {container.name} of {workload} listen beyond loopback (`--{flag}=:{port}`, or "
                 f"`0.0.0.0:{port}`) and restrict who can reach the port (a NetworkPolicy, or authentication: "
                 f"controller-runtime's --metrics-secure, a kube-rbac-proxy in front)"
                 + (_review_needs(ctx, analysis, pod) if _reviews_scrapes(container, flag) else ".")
                 + "\nOr scrape the port of the sidecar that serves it to other pods."),
            related=(Related(_flag_span(pod, container, flag),
                             f"container {container.name} of {workload} listens on {address}"),),
            object=job.label, requested_severity="warning",
            data={"port": number, "workload": f"{pod.obj.kind}/{pod.obj.namespace}/{pod.obj.name}", "flag": flag},
        )


def _monitor_port_span(job: ScrapeJob) -> Span:
    """The monitor endpoint's written port (`port`, else `targetPort`, else the deprecated PodMonitor one): what
    picks the loopback-bound port (SPEC §5: the smallest node); the endpoint when none is written."""
    from ..loopbound import monitor_endpoint

    endpoint = monitor_endpoint(job) or {}
    key = next((k for k in ("port", "targetPort") if k in endpoint), None)
    return value_span(job.path, endpoint, key) if key else job.span


def _reviews_scrapes(container, flag: str) -> bool:
    """A controller-runtime metrics server that, once reachable, reviews each scrape: --metrics-secure and
    --metrics-require-rbac not written false (kubebuilder v4's defaults, ctrlruntime.bind_port)."""
    from ..ctrlruntime import REQUIRE_RBAC_FLAG, SECURE_FLAG
    from ..model import GO_FALSE, go_flag

    words = container.command + container.args
    return flag == "metrics-bind-address" and all(go_flag(words, name, boolean=True) not in GO_FALSE
                                                  for name in (SECURE_FLAG, REQUIRE_RBAC_FLAG))


@check("KS309")
def https_to_plain_http_server(ctx: Context) -> Iterator[Finding]:
    """A monitor scrapes with `scheme: https` a controller-runtime metrics server started with `--metrics-secure=false`
    (loopbound.plain_http_served): it answers the TLS handshake in plain HTTP."""
    from ..ctrlruntime import SECURE_FLAG
    from ..loopbound import monitor_endpoint, plain_http_served

    for analysis in ctx.reported_jobs():
        job = analysis.job
        for pod, container, number in plain_http_served(ctx.workspace, job):
            workload = f"{pod.obj.kind} {pod.obj.namespace}/{pod.obj.name}"
            # the written `scheme: https` is what the plain server cannot answer (SPEC §5: the smallest node)
            endpoint = monitor_endpoint(job) or {}
            span = value_span(job.path, endpoint, "scheme") if "scheme" in endpoint else job.span
            yield Finding(
                "KS309", span,
                f"{job.label} scrapes port {number} of {workload} with scheme https, but its container "
                f"{container.name} runs controller-runtime's metrics server with --metrics-secure=false, which serves "
                f"plain HTTP: every scrape fails (\"http: server gave HTTP response to HTTPS client\")",
                fix=_plain_server_fix(ctx, analysis, pod, container, workload),
                related=(Related(_flag_span(pod, container, SECURE_FLAG),
                                 f"container {container.name} of {workload} serves plain HTTP on :{number}"),),
                object=job.label,
                data={"port": number, "workload": f"{pod.obj.kind}/{pod.obj.namespace}/{pod.obj.name}"},
            )


# What an endpoint may carry that only an HTTPS scrape uses: its credentials (sent in clear over HTTP, KS303) and
# its TLS settings (unused: a suppression written beside them, e.g. of KS301, would then suppress nothing, KS002).
_HTTPS_ONLY_KEYS = tuple(key for key, _kind, _text in OPERATOR_CREDENTIALS) + ("tlsConfig",)


def _plain_server_fix(ctx: Context, analysis: JobAnalysis, pod, container, workload: str) -> str:
    """Both ways out, each complete as written: the secure server authorizes each scrape (_review_needs) and the plain
    scrape drops what only HTTPS uses."""
    from ..loopbound import monitor_endpoint

    job = analysis.job
    secure = (f"Drop `--metrics-secure=false` from container {container.name} of {workload} (kubebuilder's default "
              f"serves HTTPS and reviews each scrape's token)" + _review_needs(ctx, analysis, pod))
    endpoint = monitor_endpoint(job) or {}
    written = [f"`{key}`" for key in _HTTPS_ONLY_KEYS if key in endpoint]
    plain = "Or, keeping the server as it is, scrape it with `scheme: http`" + (f" and delete {' and '.join(written)} from the endpoint"
                                                   if written else "") + "."
    return secure + "\n" + plain


def _review_needs(ctx: Context, analysis: JobAnalysis, pod) -> str:
    """The end of a fix that makes a controller-runtime metrics server secure or reachable: it then authenticates and
    authorizes each scrape, so the manager needs the two review grants (else KS112) and the scraper get on the path
    (else KS104, an error). "." when both are held; otherwise what to grant, written out."""
    from ..grants import REVIEW_REQUESTS
    from ..rbac import Identity, Request
    from .access import _reader_role_fix

    authorizer = ctx.analysis.authorizer
    text = ""
    manager = Identity(pod.obj.namespace, pod.service_account)
    reviews = [r for r in REVIEW_REQUESTS if not authorizer.authorize(manager, r).allowed]
    if reviews:
        text += (f"; grant its ServiceAccount {manager} " + " and ".join(r.describe() for r in reviews)
                 + " (KS112), which it reviews each scrape with")
    request = Request("get", url=analysis.job.metrics_path or "/metrics")
    identity = analysis.identity
    if identity is None or authorizer.authorize(identity, request).allowed:
        return text + "."
    grant = (f"Add to a ClusterRole bound to {identity} by a ClusterRoleBinding:\n"
             f"  - nonResourceURLs: [\"{request.url}\"]\n    verbs: [\"get\"]")
    return (text + f"; and, since the server then authorizes each scrape as {identity}, which lacks "
            f"{request.describe()} (KS104):\n" + _reader_role_fix(authorizer, identity, request, grant))


def _container_span(pod, container) -> Span:
    for index, node in enumerate(as_seq(pod.spec.get("containers"))):
        if node is container.node:
            return pod.key_span("containers", index)
    return pod.obj.span


def _flag_span(pod, container, flag: str) -> Span:
    """The argv item that writes `flag` last (`--flag=value`, `-flag=value`, or `--flag` before its value): the word
    that decides the value (Go's flag package keeps the last use) and the one to change, so a related location
    points at it rather than at the container (SPEC §5: the smallest node); the container when the item is not
    written as a list entry of its own (a flag inside a `sh -c` string)."""
    names = ("-" + flag, "--" + flag)
    for key in ("args", "command"):  # argv is command + args: a use in args comes after every use in command
        items = container.node.get(key)
        if not isinstance(items, YSeq):
            continue
        for index in range(len(items) - 1, -1, -1):
            if as_str(items[index]).partition("=")[0] in names:
                return at(pod.obj.path, items.item_pos(index))
    return _container_span(pod, container)


def _swept_targets(analysis: JobAnalysis) -> set[Endpoint]:
    """The job's workload targets on a control-plane port (KS305's loopback-bound ports, KS308's insecure ones)
    that it reached only by sweeping: it also keeps ordinary application targets from discovery. A static target
    is named, not swept, and an application is one on no control-plane port: two control-plane ports in one job
    (etcd :2381 beside the controller-manager's :10252) are not a sweep of each other."""
    component_ports = _control_plane_ports()
    static = {target for target, _labels, _span in analysis.job.static_targets}
    named = [e for e in analysis.endpoints if e.klass == "workload" and f"{e.host}:{e.port}" not in static]
    if not any(e.port not in component_ports for e in named):
        return set()
    return {e for e in named if e.port in component_ports}


@functools.lru_cache(maxsize=1)
def _control_plane_ports() -> frozenset[int]:
    loopback = {int(port) for port in knowledge("ports")["loopback_by_default"]}
    return frozenset(loopback | {int(c["port"]) for c in rule_params("KS308")["components"]})


def _listen_change(ctx: Context, component: str, scheme: str = "http") -> str:
    """What makes `component` listen beyond loopback: the setting of the installer whose configuration the inputs
    show (Talos, k3s/RKE2, kubespray: _installer_loopback), at its place; else kubeadm's. A job that scrapes etcd
    with https needs an https metrics URL: etcd serves an http one in plain text and an https one with its client
    TLS certificate (etcd server/embed/etcd.go serveMetrics/createMetricsListener: tlsInfo nil for http)."""
    setting = _installer_loopback(ctx).get(component)
    if setting is None:
        change = COMPONENT_FIX[component]
    else:
        change = f"set {setting.change} in the {setting.installer} at {setting.span.path}:{setting.span.line}"
    if component == "etcd" and scheme == "https":
        change = change.replace(f"http://{_ETCD_METRICS}", f"https://{_ETCD_METRICS}")
    return change


def _own_network(analysis: JobAnalysis) -> bool:
    """Whether the pod that runs the job is in view and outside the host network: 127.0.0.1 is then its own
    loopback, which only its containers reach."""
    resolution = analysis.resolution
    holder = resolution.pod.obj if resolution.pod is not None else resolution.runner
    if holder is None:
        return False  # the pod is not in view (--identity, or resolved otherwise): its network is unknown
    spec = resolution.pod.spec if resolution.pod is not None else as_map(holder.doc.get("spec"))
    return spec.get("hostNetwork") is not True


def _own_loopback(analysis: JobAnalysis, endpoint: Endpoint, component: str, listen: str) -> Finding | None:
    """A loopback target scraped from a pod outside the host network: 127.0.0.1 there is the pod's own loopback,
    where no control-plane component listens (they run in the host network namespace of their node)."""
    if not _own_network(analysis):
        return None
    resolution = analysis.resolution
    holder = resolution.pod.obj if resolution.pod is not None else resolution.runner
    job = analysis.job
    return Finding(
        "KS305", _address_origin(analysis, endpoint),  # the loopback address, not a written metrics_path
        f"{job.label} scrapes {component} at {endpoint.host}:{endpoint.port}, but {holder.kind} "
        f"{holder.namespace}/{holder.name}, which runs it, is not in the host network: {endpoint.host} is the pod's "
        f"own loopback, where nothing listens, so every target is down with connection refused",
        fix=(f"Scrape {component} at the node address after letting it listen there ({listen}), "
             f"or run this scraper with `hostNetwork: true` on the nodes that run {component} (a DaemonSet with the "
             f"control-plane nodeSelector and tolerations)."),
        related=((Related(resolution.span, f"{holder.kind} {holder.namespace}/{holder.name} runs {job.label}"),)
                 if resolution.span is not None else ()),
        # A warning, not info: unlike a pod/node IP (which managed or re-configured control planes may serve), the
        # pod's own loopback never has the component, whatever the cluster.
        object=job.label, requested_severity="warning",
        data={"component": component, "port": endpoint.port, "host": endpoint.host},
    )


def _client_own_loopback(analysis: JobAnalysis, components: dict[int, str]) -> Iterator[Finding]:
    """_own_loopback for a PushProx client with --use-localhost: outside the host network, localhost is the client
    pod's own loopback (cmd/client/main.go doScrape rewrites the host to localhost), where no component listens."""
    via = analysis.pushprox
    if via is None or via.client is None or via.client.spec.get("hostNetwork") is True:
        return
    client, job = via.client.obj, analysis.job
    for component in dict.fromkeys(components[e.port] for e in analysis.endpoints if e.port in components):
        yield Finding(
            "KS305", via.span,
            f"{job.label} reaches {component} through {via.client_name}, which runs with --use-localhost but is not "
            f"in the host network: localhost there is the client pod's own loopback, where nothing listens, so every "
            f"target is down with connection refused",
            fix=f"Run the client with `hostNetwork: true` (and `dnsPolicy: ClusterFirstWithHostNet`) on the nodes that "
                f"run {component}.",
            related=(Related(client.span, f"{client.kind} {client.namespace}/{client.name} runs the client"),),
            object=job.label, requested_severity="warning", data={"component": component, "host": "localhost"},
        )


_LOOPBACK_VALUE = re.compile(r"^(?:[a-z]+://)?(?:127\.\d+\.\d+\.\d+|localhost|\[?::1\]?)(?::\d+)?/?$")


def _non_loopback(value: str) -> bool:
    return any(part.strip() and not _LOOPBACK_VALUE.match(part.strip()) for part in value.split(","))


def _exposed_components(ctx: Context) -> set[str]:
    """Components the inputs configure to listen beyond loopback (kubeadm static pods, kubeadm or kube-proxy config)."""
    exposed: set[str] = set()
    flags = {"kube-controller-manager": "--bind-address", "kube-scheduler": "--bind-address",
             "etcd": "--listen-metrics-urls", "kube-proxy": "--metrics-bind-address"}
    for pod in ctx.workspace.workloads:
        for container in pod.containers:
            words = container.command + container.args
            for component, flag in flags.items():
                if not any(component in w for w in words[:2] + [container.image]):
                    continue
                if any(_non_loopback(value) for value in flag_values(words, flag)):
                    exposed.add(component)
    for obj in ctx.workspace.kind("ClusterConfiguration"):
        for component, path, arg in (("kube-controller-manager", ("controllerManager",), "bind-address"),
                                     ("kube-scheduler", ("scheduler",), "bind-address"),
                                     ("etcd", ("etcd", "local"), "listen-metrics-urls")):
            node = as_map(obj.doc)
            for key in path:
                node = as_map(node.get(key))
            extra = node.get("extraArgs")
            values = [as_str(v) for k, v in as_map(extra).items() if k == arg] + [
                as_str(as_map(item).get("value")) for item in as_seq(extra) if as_map(item).get("name") == arg]
            if any(_non_loopback(v) for v in values):
                exposed.add(component)
    exposed |= _installer_exposed(ctx)
    texts = [as_str(o.doc.get("metricsBindAddress")) for o in ctx.workspace.kind("KubeProxyConfiguration")]
    for obj in ctx.workspace.kind("ConfigMap"):
        for value in as_map(obj.doc.get("data")).values():
            if isinstance(value, str) and "metricsBindAddress" in value:
                match = re.search(r"metricsBindAddress:\s*[\"']?([^\"'\s]*)", value)
                texts.append(match.group(1) if match else "")
    if any(text and (text.startswith(":") or _non_loopback(text)) for text in texts):
        exposed.add("kube-proxy")
    return exposed


# Cluster installers' own configuration, which a repository holding the cluster's monitoring often holds too: where
# each sets the listen address of a component kubeadm binds to loopback (documents without a `kind`).
# - Talos machine config or patch: cluster.<key>.extraArgs.<flag> (Talos docs, kube-prometheus on Talos);
# - k3s / RKE2 config.yaml: `<component>-arg` items `flag=value`; `etcd-expose-metrics: true` serves etcd's metrics
#   on the node address too (k3s/RKE2 server flags);
# - kubespray inventory variables (roles/kubernetes/control-plane defaults; its own default for the first two is
#   0.0.0.0, but only a value the inputs show counts).
_TALOS_ARGS = {"kube-controller-manager": ("controllerManager", "bind-address"),
               "kube-scheduler": ("scheduler", "bind-address"), "etcd": ("etcd", "listen-metrics-urls"),
               "kube-proxy": ("proxy", "metrics-bind-address")}
_K3S_ARGS = {"kube-controller-manager": ("kube-controller-manager-arg", "bind-address"),
             "kube-scheduler": ("kube-scheduler-arg", "bind-address"), "etcd": ("etcd-arg", "listen-metrics-urls"),
             "kube-proxy": ("kube-proxy-arg", "metrics-bind-address")}
_KUBESPRAY_VARS = {"kube-controller-manager": "kube_controller_manager_bind_address",
                   "kube-scheduler": "kube_scheduler_bind_address", "etcd": "etcd_listen_metrics_urls",
                   "kube-proxy": "kube_proxy_metrics_bind_address"}


# What shows a kind-less document is a Talos machine config (or patch) or a k3s/RKE2 config.yaml even where it sets
# none of the listen addresses above: Talos's `machine:` or its cluster sections; k3s server options only it has.
_TALOS_KEYS = ("controlPlane", "controllerManager", "scheduler", "etcd", "proxy", "apiServer")
_K3S_KEYS = frozenset({"write-kubeconfig-mode", "tls-san", "cluster-init", "flannel-backend", "disable-network-policy",
                       "disable-kube-proxy", "kube-apiserver-arg", "kubelet-arg", "etcd-snapshot-schedule-cron",
                       *(key for key, _flag in _K3S_ARGS.values())})
# Where each component listens when the installer's configuration does not say (kubeadm's choice, which Talos
# (siderolabs/talos#3765) and k3s (its etcd: `etcd-expose-metrics`) share).
_LOOPBACK_DEFAULT = {"kube-controller-manager": "127.0.0.1", "kube-scheduler": "127.0.0.1", "etcd": "127.0.0.1:2381",
                     "kube-proxy": "127.0.0.1:10249"}


def _document_span(path: str, root: YMap, key: str = "") -> Span:
    """Where a setting the document leaves out would go: its `key` section when it has one, else its start."""
    return at(path, root.key_pos(key) if key and key in root else root.pos)


def _listens_beyond_loopback(value: str) -> bool:
    value = value.strip()
    return bool(value) and (value.startswith(":") or _non_loopback(value))  # `:10249`: every address


# What each flag is set to for the component to listen on every address, as a fix writes it.
_ETCD_METRICS = "0.0.0.0:2381"
_EXPOSED_VALUE = {"bind-address": "0.0.0.0", "listen-metrics-urls": f"http://{_ETCD_METRICS}",
                  "metrics-bind-address": "0.0.0.0:10249"}


@dataclass(frozen=True, slots=True)
class InstallerSetting:
    """A component's listen address as an installer's configuration in the inputs sets it."""
    component: str
    value: str
    span: Span
    installer: str  # "k3s/RKE2 config.yaml"
    change: str  # what the fix writes in its place
    unset: str = ""  # the installer's configuration is in view but leaves the component at its loopback default:
    # what it does not set ("sets no `cluster.scheduler.extraArgs.bind-address`"); span is then the document


def _installer_exposed(ctx: Context) -> set[str]:
    """Components an installer's configuration in the inputs (see above) makes listen beyond loopback."""
    return {s.component for s in _installer_settings(ctx) if s.value == "true" or _listens_beyond_loopback(s.value)}


def _installer_loopback(ctx: Context) -> dict[str, InstallerSetting]:
    """component → where an installer's configuration in the inputs binds it to loopback explicitly (the first),
    else a Talos or k3s configuration in view that leaves it at that installer's loopback default: KS305 names that
    place, and its fix changes the value there — the kubeadm settings do nothing on k3s or Talos."""
    found: dict[str, InstallerSetting] = {}
    for setting in sorted(_installer_settings(ctx), key=lambda s: bool(s.unset)):  # (stable: written ones first)
        if setting.value != "true" and not _listens_beyond_loopback(setting.value):
            found.setdefault(setting.component, setting)
    return found


def _installer_settings(ctx: Context) -> list[InstallerSetting]:
    return ctx.once("installer listen settings", lambda: list(_scan_installers(ctx)))


def kubelet_serving_cert(ctx: Context) -> str:
    """What signs the kubelets' serving certificates, as the checks go by it: the assumption kubelet-serving-cert,
    except that a k3s/RKE2 config.yaml in the inputs (a kind-less document with k3s server options, _K3S_KEYS) shows
    kubelets whose certificates the cluster CA signs. k3s — and RKE2, built on it — issues each kubelet's serving
    certificate from its server CA (k3s pkg/server/router.go servingKubeletCert: signed with Runtime.ServerCA /
    ServerCAKey, SANs the node name, localhost, 127.0.0.1 and the node IP) and gives pods that CA as their ca.crt
    (pkg/daemons/control/server.go controllerManager: `root-ca-file: Runtime.ServerCA`; the API server verifies the
    kubelets with it too, `kubelet-certificate-authority`). So the cluster CA verifies them, as with
    serverTLSBootstrap, and skipping verification is no fix there. Not where a `kubelet-arg` gives the kubelet a
    certificate of its own (`tls-cert-file=`): that one's signer is unknown, and the assumption stays."""
    assumed = ctx.analysis.assumptions.kubelet_serving_cert
    if assumed == "cluster-ca":
        return assumed
    if ctx.once("kubelet configurations bootstrap", lambda: bootstrapping_kubelet_config(ctx.workspace.sources)):
        return "cluster-ca"
    return ("cluster-ca" if ctx.once("k3s kubelet serving certificates", lambda: k3s_signs_kubelets(ctx.workspace.sources))
            else assumed)


def bootstrapping_kubelet_config(sources) -> str:
    """The path of a KubeletConfiguration (kubelet.config.k8s.io) of the inputs when every one of them sets
    `serverTLSBootstrap: true` and none gives the kubelet a certificate of its own (tlsCertFile): the kubelets then
    request their serving certificates with a CSR of signer kubernetes.io/kubelet-serving, which the
    controller-manager signs with the cluster CA (k8s.io/kubelet config/v1beta1 types.go ServerTLSBootstrap;
    FACTS: kubelet-serving-cert cluster-ca), so the cluster CA verifies them. "" when there is none, or when
    kubelets of the inputs disagree (some self-sign). (Also read by --show-assumptions.)"""
    found = ""
    for source in sources:
        for document in source.documents:
            root = as_map(document.root)
            if as_str(root.get("kind")) != "KubeletConfiguration" or not as_str(root.get("apiVersion")).startswith(
                    "kubelet.config.k8s.io/"):
                continue
            if root.get("serverTLSBootstrap") is not True or as_str(root.get("tlsCertFile")):
                return ""
            found = found or source.path
    return found


def k3s_signs_kubelets(sources) -> bool:
    """A k3s/RKE2 config.yaml is in the inputs, and none of them gives the kubelet its own serving certificate.
    (Also read by --show-assumptions, which says that kubelet-serving-cert is taken as cluster-ca.)"""
    found = False
    for source in sources:
        for document in source.documents:
            root = as_map(document.root)
            if not root or "kind" in root or not any(key in root for key in _K3S_KEYS):
                continue
            if _k3s_kubelet_cert_file(root):
                return False
            found = True
    return found


def _k3s_kubelet_cert_file(root: Any) -> str:
    """The serving certificate a k3s/RKE2 config.yaml's `kubelet-arg: [tls-cert-file=…]` gives the kubelets, or ""."""
    kubelet_args = root.get("kubelet-arg")
    for item in as_seq(kubelet_args) or [kubelet_args]:
        name, _, value = as_str(item).lstrip("-").partition("=")
        if name == "tls-cert-file":
            return value
    return ""


def k3s_kubelet_cert_files(sources) -> list[tuple[str, str]]:
    """(certificate path, config file) for each k3s/RKE2 config.yaml of the inputs giving the kubelets a serving
    certificate of their own: KS304 then names that certificate, not serverTLSBootstrap, which is not how those
    kubelets get theirs."""
    found = []
    for source in sources:
        for document in source.documents:
            root = as_map(document.root)
            if root and "kind" not in root and any(key in root for key in _K3S_KEYS):
                if cert := _k3s_kubelet_cert_file(root):
                    found.append((cert, source.path))
    return found


def _scan_installers(ctx: Context) -> Iterator[InstallerSetting]:
    for source in ctx.workspace.sources:
        for document in source.documents:
            root = as_map(document.root)
            if not root or "kind" in root:
                continue
            path = source.path
            cluster = as_map(root.get("cluster"))
            talos = isinstance(root.get("machine"), dict) or any(isinstance(cluster.get(k), dict) for k in _TALOS_KEYS)
            k3s = any(key in root for key in _K3S_KEYS)
            written: set[str] = set()
            for component, (key, flag) in _TALOS_ARGS.items():
                extra = as_map(as_map(cluster.get(key)).get("extraArgs"))
                change = f"`cluster.{key}.extraArgs.{flag}: {_EXPOSED_VALUE[flag]}`"
                if flag in extra:
                    written.add(component)
                    yield InstallerSetting(component, as_str(extra.get(flag)), at(path, extra.value_pos(flag)),
                                           "Talos machine config", change)
                elif talos:
                    yield InstallerSetting(component, _LOOPBACK_DEFAULT[component],
                                           _document_span(path, root, "cluster"), "Talos machine config", change,
                                           f"sets no `cluster.{key}.extraArgs.{flag}`")
            for component, (key, flag) in _K3S_ARGS.items():
                items = root.get(key)
                seq = as_seq(items)
                for index, item in enumerate(seq or [items]):
                    name, _, value = as_str(item).lstrip("-").partition("=")
                    if name == flag:
                        written.add(component)
                        pos = seq.item_pos(index) if seq else root.value_pos(key)
                        yield InstallerSetting(component, value, at(path, pos), "k3s/RKE2 config.yaml",
                                               f"`{key}: {flag}={_EXPOSED_VALUE[flag]}`")
            if isinstance(root.get("etcd-expose-metrics"), bool):  # false: k3s serves them on 127.0.0.1:2381
                written.add("etcd")
                yield InstallerSetting("etcd", "true" if root["etcd-expose-metrics"] else "127.0.0.1",
                                       at(path, root.value_pos("etcd-expose-metrics")), "k3s/RKE2 config.yaml",
                                       "`etcd-expose-metrics: true`")
            if k3s:
                for component, (key, flag) in _K3S_ARGS.items():
                    if component not in written:
                        etcd = component == "etcd"  # k3s exposes etcd's metrics by its own setting
                        change = "`etcd-expose-metrics: true`" if etcd else f"`{key}: {flag}={_EXPOSED_VALUE[flag]}`"
                        unset = "sets no `etcd-expose-metrics: true`" if etcd else f"sets no `{flag}=` in `{key}`"
                        yield InstallerSetting(component, _LOOPBACK_DEFAULT[component], _document_span(path, root),
                                               "k3s/RKE2 config.yaml", change, unset)
            for component, variable in _KUBESPRAY_VARS.items():
                if variable in root:
                    yield InstallerSetting(component, as_str(root.get(variable)), at(path, root.value_pos(variable)),
                                           "kubespray inventory",
                                           f"`{variable}: {_EXPOSED_VALUE[_K3S_ARGS[component][1]]}`")


# ---------------------------------------------------------------------------------------------- KS308


@check("KS308")
def control_plane_insecure_port(ctx: Context) -> Iterator[Finding]:
    removed = removed_insecure_ports(ctx)
    if not removed:
        return
    for analysis in ctx.reported_jobs():
        job = analysis.job
        for endpoint in dead_insecure_endpoints(analysis, removed):
            component = removed[endpoint.port]
            yield Finding(
                "KS308", _address_origin(analysis, endpoint),
                f"{job.label} scrapes {component['name']} on its insecure port :{endpoint.port}, which Kubernetes "
                f"stopped serving in {component['removed']} ({component['pr']}; assumed cluster version "
                f"{ctx.analysis.assumptions.kubernetes_version}): nothing listens there, so every target is down with "
                f"connection refused and the job collects zero samples",
                fix=_insecure_port_fix(job, component),
                object=job.label, data={"component": component["name"], "port": endpoint.port,
                                        "secure_port": component["secure"]},
            )


def removed_insecure_ports(ctx: Context) -> dict[int, dict]:
    """kube-controller-manager's :10252 and kube-scheduler's :10251 → their KS308 params, for the components whose
    insecure serving the assumed cluster version no longer has (removed in 1.22 and 1.23: kubernetes#96216, #96345;
    `--port` may only be 0)."""
    version = ctx.analysis.assumptions.version
    return {int(c["port"]): c for c in rule_params("KS308")["components"]
            if version >= tuple(int(part) for part in c["removed"].split("."))}


def dead_insecure_endpoints(analysis: JobAnalysis, removed: dict[int, dict]) -> list[Endpoint]:
    """The job's targets on a removed insecure port (one per port), as KS308 reports them: not those of a job that
    also keeps ordinary application targets (as KS305: it reached the port only by sweeping everything), nor of
    discovery that lists another cluster (its version is not the assumed one). Nothing answers there, so no
    request — and no credential — leaves Prometheus for them (KS303 leaves them out)."""
    job = analysis.job
    if not removed or (job.sd_configs and all(sd.other_cluster for sd in job.sd_configs)):
        return []
    swept = _swept_targets(analysis)
    found: dict[int, Endpoint] = {}
    for endpoint in analysis.endpoints:
        if endpoint.port in removed and endpoint not in swept and not endpoint.own_port:
            found.setdefault(endpoint.port, endpoint)
    return list(found.values())


def _insecure_port_fix(job: ScrapeJob, component: dict) -> str:
    """The secure port with what it asks of a scraper: TLS (kubeadm's components self-sign), the token, the grant;
    in the monitor's own fields for an Operator job."""
    name, secure = component["name"], component["secure"]
    skip = f"kubelint-scrape: ignore[KS301] {name} serves a self-signed certificate"
    grant = "grant the ServiceAccount nonResourceURL `get /metrics` (KS104 checks it)"
    if _operator(job):
        if job.monitor.kind == "ServiceMonitor":
            port = (f"select a Service port whose `targetPort` is {secure} (kube-prometheus-stack: leave "
                    f"`{_CHART_KEY[name]}.service.port` and `targetPort` unset, and the chart picks {secure} and https)")
        else:
            port = f"scrape the container port {secure}"
        tls = f"`tlsConfig: {{insecureSkipVerify: true}}  # {skip}`"
        credentials = monitor_token(job)
        return (f"Scrape {name}'s secure port instead: {port}, with {_https(job)}, {credentials}, {tls} "
                f"(or give {name} a `--tls-cert-file` signed by a CA you can name in `tlsConfig`), and {grant}.")
    static = any(target.endswith(f":{component['port']}") for target, _l, _s in job.static_targets)
    address = (f"the target `<host>:{secure}`" if static else f"rewrite `__address__` to `<host>:{secure}`")
    return (f"Scrape {name}'s secure port instead: {address}, `scheme: https`, `authorization: {{credentials_file: "
            f"{SA_TOKEN}}}`, `tls_config: {{insecure_skip_verify: true}}  # {skip}` (kubeadm's {name} self-signs its "
            f"serving certificate; give it a `--tls-cert-file` signed by the cluster CA to verify it with `ca_file`), "
            f"and {grant}. kubeadm, Talos and k3s bind {name} to 127.0.0.1 unless told otherwise (KS305 names the "
            f"setting).")


_CHART_KEY = {"kube-controller-manager": "kubeControllerManager", "kube-scheduler": "kubeScheduler"}


# ---------------------------------------------------------------------------------------------- KS306


@check("KS306")
def token_sent_to_workloads(ctx: Context) -> Iterator[Finding]:
    # A config loaded as several ServiceAccounts has one analysis of the job per identity: the job is reported
    # once, naming every account whose token it sends (each loading pod sends its own).
    owners: dict[int, list] = {}
    for analysis in ctx.reported_jobs():
        # The token of a ServiceAccount: the identity's own, or another account's from its token Secret.
        if analysis.sends_identity_token or analysis.makers:
            owner = analysis.identity if analysis.sends_identity_token else next(iter(analysis.makers))
            owners.setdefault(id(analysis.job), []).append(owner)
    for analysis in ctx.reported_jobs():
        job = analysis.job
        if (not analysis.sends_identity_token and not analysis.makers) or owners.get(id(job)) is None:
            continue
        owner = " or ".join(str(o) for o in dict.fromkeys(owners.pop(id(job))) if o)  # (popped: reported once)
        workloads = [e for e in analysis.endpoints if e.klass == "workload"]
        # Arbitrary: the job also keeps workloads it does not name (it selects by an opt-in any owner can set, or
        # not at all). Targets only its own selector names (an exporter behind kube-rbac-proxy, say) may well
        # check the token, whatever they are called; of those, only known components that never authenticate
        # callers are reported. (An opt-in no representative workload happens to use — port 9090 — keeps none of
        # them, and still lets in whoever uses it.)
        unnamed = unnamed_workloads(job, analysis.identity) if workloads or _may_keep_unnamed(analysis) else None
        components = [e for e in workloads if _known_name(e)]
        if unnamed is None and not components:
            continue
        if unnamed is not None:
            whom, related = _arbitrary_targets(unnamed)
        else:
            names = list(dict.fromkeys(_known_name(e) for e in components))
            whom = ", ".join(names) + (", which does not" if len(names) == 1 else ", which do not") + " authenticate scrapers"
            related = Related(_origin(analysis, components[0]), f"selects {_describe(components[:1])}")
        yield Finding(
            "KS306", job.credentials.span,
            f"{job.label} sends {'its' if analysis.sends_identity_token else 'a'} ServiceAccount token ({_token_file(job, analysis.sends_identity_token)}) "
            f"to {whom}: any of those targets can log the Authorization header and replay it against the API server "
            f"with every grant of {'ServiceAccount ' + owner if owner else 'the scraper'}",
            fix=(f"Remove `{_credential_key(job)}` from this job: application targets need no Kubernetes token. If one "
                 f"requires authentication, give the job a dedicated credential ("
                 + ("a Secret of the monitor's namespace, referenced with `authorization.credentials`"
                    if _operator(job) else "a Secret mounted into Prometheus, referenced with `credentials_file`")
                 + "), never the ServiceAccount token."),
            related=(related,), object=job.label,
            data={"arbitrary": unnamed is not None, "targets": sorted(
                {_known_name(e) or _describe([e], job, unnamed is not None) for e in workloads} | ({APPLICATIONS} if unnamed is not None else set()))},
        )


def _may_keep_unnamed(analysis: JobAnalysis) -> bool:
    """A job none of whose representative targets survives may still keep workloads: those that opt in the way it
    selects. Not a job whose SD finds only nodes (its targets are kubelets, whatever the relabelling), nor one
    whose relabelling Prometheus refuses (KS601): what its broken filter would keep is not known."""
    return (not analysis.endpoints and not analysis.relabel_errors
            and any(sd.role != "node" for sd in analysis.job.sd_configs))


def _token_file(job: ScrapeJob, own: bool = True) -> str:
    if job.credentials.secret is not None:
        return f"from Secret {job.credentials.secret[0]}"
    if job.credentials.kind == "sa-token":
        return job.credentials.file
    return f"{'projected' if own else 'mounted from its Secret'} at {job.credentials.file}"


def _arbitrary_targets(unnamed: UnnamedWorkloads) -> tuple[str, Related]:
    """Who receives the token when the job keeps workloads it does not name, and the place that lets them in."""
    if not unnamed.filtered:
        return ("every application pod or service it discovers (nothing in the job narrows its targets down to "
                "workloads it names)"), Related(unnamed.span, "keeps every workload it discovers")
    keys = " and ".join(unnamed.keys) or "what the job selects on"
    return (f"every application pod or service it discovers whose owner opts in (any workload can carry {keys})"), Related(
        unnamed.span, "lets in any workload whose owner opts in")


# ---------------------------------------------------------------------------------------------- KS307


@check("KS307")
def query_in_metrics_path(ctx: Context) -> Iterator[Finding]:
    """A `?` in `__metrics_path__`: Prometheus puts the label in url.URL.Path (scrape/target.go `URL()`), which Go
    escapes, so the query becomes part of the path the target looks up. vmagent appends the path as written
    (lib/promscrape config.go getScrapeURL): its jobs are not reported."""
    from ..analyse import scraper_program

    for analysis in ctx.reported_jobs():
        if scraper_program(analysis) == "vmagent":
            continue  # (a VictoriaMetrics scrape object's job runs in vmagent, whoever selects it; so do a VMAgent's own)
        endpoint = next((e for e in analysis.endpoints + analysis.incidental if "?" in e.path), None)
        if endpoint is None:
            continue
        job = analysis.job
        path, _, query = endpoint.path.partition("?")
        # The path as written (metrics_path, an Operator endpoint's path) or set by a relabel rule: the finding
        # and the fix go to the one that holds the query.
        written = "metrics_path" in job.node and job.metrics_path == endpoint.path
        span = value_span(job.path, job.node, "metrics_path") if written else _origin(analysis, endpoint)
        yield Finding(
            "KS307", span,
            f"{job.label} scrapes the path `{endpoint.path}`: Prometheus sends it as the URL path, escaping `?`, so "
            f"it requests `{go_escape_path(endpoint.path)}` and the query never arrives: {_query_outcome(endpoint)}",
            fix=_query_fix(job, path, query, written),
            object=job.label, data={"path": endpoint.path, "sent": go_escape_path(endpoint.path)},
        )


def go_escape_path(path: str) -> str:
    """url.URL{Path: path}.EscapedPath(): Go keeps unreserved characters and `$&+,/:;=@` in a path and
    percent-encodes everything else, `?` included (net/url shouldEscape, encodePath)."""
    return quote(path, safe="$&+,/:;=@")


def _query_outcome(endpoint: Endpoint) -> str:
    """What the target does with the path: it decodes `%3F` back, so its path is `<path>?<query>` literally."""
    if endpoint.klass == "kubelet":
        # kubelet server/auth.go GetRequestAttributes: isSubpath on r.URL.Path, the decoded path with its `?`
        sub = kubelet_subresources(endpoint.path.replace("?", "%3F"), (1, 0))[0]
        return (f"the kubelet authorizes it as nodes/{sub} and, once allowed, serves no such path (404 Not Found)")
    return "no handler serves that path, so the target answers 404 Not Found (or serves another page than meant)"


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\[\]-]*")


def _query_fix(job: ScrapeJob, path: str, query: str, written: bool) -> str:
    """The path without the query, and the query as `params` (each key's values in order, as url.ParseQuery)."""
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    # values double-quoted (JSON strings are YAML double-quoted scalars: `{`, `"`, `,` survive); keys such as
    # `match[]` are plain in a block mapping
    lines = [f"  {key if _PLAIN_KEY.fullmatch(key) else json.dumps(key)}: [{', '.join(json.dumps(v) for v in values)}]"
             for key, values in params.items()]
    path_key = _path_key(job)
    where = (f"`{path_key}: {path}`" if written
             else f"have the relabel rule set `__metrics_path__` to `{path}`")
    return (f"Move the query to `params:` and keep only the path: {where}, and\n"
            + "params:\n" + "\n".join(lines) + "\n"
            + "(Prometheus encodes `params` as the request's query string.)")



# ---------------------------------------------------------------------------------------------- KS310

# The node proxy path of the API server: /api/v1/nodes/<name>/proxy/<kubelet path> (FACTS §2).
_NODE_PROXY_PATH = re.compile(r"/api/v1/nodes/[^/]+/proxy(/.*)?$")
# Where the kubelet serves the same data in the Prometheus format (pkg/kubelet/server/server.go
# InstallDefaultHandlers: /metrics/resource, the resource-metrics endpoint with the node's, pods' and containers'
# CPU and memory usage the Summary API reports; /metrics/cadvisor, per-container metrics with cAdvisor's
# machine_* info), all under nodes/metrics (FACTS §1).
KUBELET_RESOURCE_METRICS = "/metrics/resource"


def prometheus_kubelet_path(job, kubelet_path: str) -> str:
    """The kubelet path a Prometheus-format job should scrape in place of `kubelet_path`, as KS310 says:
    /metrics/resource for /stats (JSON), /metrics/cadvisor for the removed /spec; the path itself otherwise, and for
    an OpenTelemetry kubeletstats receiver (`job`: the scrape job), which reads /stats as meant. KS209 and KS201,
    moving a proxied /stats scrape to :10250, name this path (and its nodes/metrics) so that their edits and
    KS310's make one job that works."""
    if getattr(getattr(job, "config", None), "flavor", "") == "kubeletstats":
        return kubelet_path
    if _under(kubelet_path, "/stats"):
        return KUBELET_RESOURCE_METRICS
    if _under(kubelet_path, "/spec"):
        return "/metrics/cadvisor"
    return kubelet_path


def _kubelet_path(endpoint: Endpoint) -> str | None:
    """The path the kubelet is asked for: the scrape path of a kubelet target, or the part after `/proxy` of a node
    proxy path through the API server. None for any other target."""
    if endpoint.klass == "kubelet" and not endpoint.proxy_path:
        return endpoint.path
    if endpoint.klass == "apiserver-proxy" and endpoint.proxy_resource == "nodes":
        match = _NODE_PROXY_PATH.match(endpoint.path)
        return (match.group(1) or "/") if match else None
    return None


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


@check("KS310")
def kubelet_non_metrics_path(ctx: Context) -> Iterator[Finding]:
    """A Prometheus-format scrape of a kubelet path that serves no Prometheus metrics: /stats (the JSON Summary API;
    Prometheus 3 refuses its application/json, Prometheus 2 fails to parse it) or /spec (removed, k/k PR #99236: 404).
    Not an OpenTelemetry kubeletstats receiver, which reads the JSON as meant; not a denied /stats scrape, whose
    KS102 already says it and fixes the path (access.json_summary_scrape)."""
    from ..analyse import scraper_program
    from .access import KUBELET_METRICS_PATH, json_summary_scrape

    for analysis in ctx.reported_jobs():
        job = analysis.job
        if job.config.flavor == "kubeletstats":
            continue
        if any(json_summary_scrape(job, need) and need.satisfied is False for need in analysis.needs):
            continue
        for endpoint in analysis.endpoints:
            kubelet_path = _kubelet_path(endpoint)
            if kubelet_path is None or "?" in kubelet_path:
                continue  # (a query in the path: KS307)
            if _under(kubelet_path, "/stats"):
                # (vmagent's text parser, lib/protoparser/prometheus, logs each unparsable line and skips it)
                refusal = ("vmagent logs each line as `cannot unmarshal Prometheus line` and keeps none of them, so "
                           "the job collects nothing" if scraper_program(analysis) == "vmagent" else
                           "Prometheus 3 refuses the response (`received unsupported Content-Type "
                           "\"application/json\"`) and Prometheus 2 fails to parse it, so every scrape fails")
                outcome = ("the kubelet answers its Summary API there, JSON (application/json), not Prometheus "
                           f"metrics: {refusal} even with the grant")
                written_part = "/stats/summary" if _under(kubelet_path, "/stats/summary") else kubelet_path
                instead = KUBELET_RESOURCE_METRICS
                what = ("the same CPU and memory usage of the node, its pods and containers in the Prometheus format; "
                        f"{KUBELET_METRICS_PATH} has cAdvisor's fuller per-container metrics")
            elif _under(kubelet_path, "/spec"):
                outcome = ("the kubelet no longer serves /spec (removed with KEP-2129, k/k PR #99236): it answers "
                           "404 Not Found on every scrape")
                written_part = kubelet_path
                instead = KUBELET_METRICS_PATH
                what = "the node's machine_* metrics (cores, memory) and per-container metrics"
            else:
                continue
            written = "metrics_path" in job.node and job.metrics_path == endpoint.path or (
                _operator(job) and job.metrics_path == endpoint.path)
            # (a node proxy prefix stays: only the kubelet's part of the path changes)
            new_path = endpoint.path[: len(endpoint.path) - len(kubelet_path)] + instead
            where = (f"set `{_path_key(job)}: {new_path}`" if written
                     else f"in the relabel rule that sets `__metrics_path__`, replace `{written_part}` with `{instead}`")
            via = " through the API server's node proxy" if endpoint.klass == "apiserver-proxy" else ""
            fix = f"Scrape {instead} instead of {written_part}: {where} ({what})."
            if endpoint.klass == "apiserver-proxy":
                # KS209 on the same job moves it to :10250 with this path (prometheus_kubelet_path): either way works.
                fix += f" Or scrape it directly on :10250 as KS209 says, whose fix writes {instead} too."
            if endpoint.klass == "kubelet":
                fix += _metrics_grant(analysis, ctx) + _stats_leftover(analysis, ctx, kubelet_path)
            yield Finding(
                "KS310", _origin(analysis, endpoint),
                f"{job.label} scrapes the kubelet's {kubelet_path}{via}, which is not a metrics endpoint: {outcome}",
                fix=fix, object=job.label, data={"path": kubelet_path, "instead": instead},
            )
            break  # one finding per job: the same path for every node


def _stats_leftover(analysis: JobAnalysis, ctx: Context, kubelet_path: str) -> str:
    """Once the job scrapes /metrics/resource, the get nodes/stats its /stats path was granted is unused (KS203 on
    the next run) unless something else running as the identity needs it (a kubeletstats receiver, a sidecar): say
    which rule to drop it from, so that the fix does not leave it behind (as KS604's _endpoints_leftover does)."""
    from ..fixes import role_to_edit
    from ..grants import requirements
    from .access import json_summary_scrape

    identity = analysis.identity
    if identity is None or not _under(kubelet_path, "/stats"):
        return ""
    moved = [need for need in analysis.needs if json_summary_scrape(analysis.job, need)]
    if not moved or moved[0].decision is None or not moved[0].decision.allowed:
        return ""
    stats = moved[0].request
    # Once per identity and run: requirements() walks every job of the identity, and an identity with many /stats
    # jobs would walk them all again for each one's finding.
    needed = ctx.once("KS310 stats still needed", dict)
    key = (identity, stats.resource, stats.subresource)
    if key not in needed:
        needed[key] = any(
            (r.request.resource, r.request.subresource) == (stats.resource, stats.subresource)
            # (another Prometheus-format /stats scrape is not a need: KS310 moves it to /metrics/resource too)
            and not (r.need is not None and json_summary_scrape(r.job.job, r.need))
            for r in requirements(ctx.analysis, identity))
    if needed[key]:
        return ""  # still needed (a kubeletstats receiver, a sidecar)
    literal = f"{stats.resource}/{stats.subresource}"
    drops = []
    for grant in moved[0].decision.grants:
        rule = grant.rule
        if literal not in rule.resources:
            continue  # (a wildcard: dropping it is KS202/KS203's business)
        # (the rule named by its text too: a KS203 fix beside this one may delete an earlier rule and shift indexes)
        where = (f"rules[{rule.index}] of {role_to_edit(ctx.analysis.workspace, grant.role)} "
                 f"(resources: [{', '.join(json.dumps(r) for r in rule.resources)}])")
        drops.append(f"delete {where}" if rule.resources == (literal,)
                     else f"drop \"{literal}\" from the resources of {where}")
    if not drops:
        return ""
    return (f"\nThen {' and '.join(dict.fromkeys(drops))}: no Prometheus-format job of {identity} needs get "
            f"{literal} once it scrapes {KUBELET_RESOURCE_METRICS} (left, KS203 reports it unused).")


def _metrics_grant(analysis: JobAnalysis, ctx: Context) -> str:
    """The grant the direct kubelet path needs once changed: get nodes/metrics (FACTS §1), or "" when the identity
    holds it or is unknown."""
    from ..fixes import fix_text
    from ..rbac import Request

    identity = analysis.identity
    if identity is None:
        return ""
    request = Request(verb="get", resource="nodes", subresource="metrics")
    authorizer = ctx.analysis.authorizer
    if authorizer.authorize(identity, request).allowed:
        return ""
    return f" It then needs get nodes/metrics, which {identity} lacks:\n{fix_text(authorizer, identity, [request], ctx.analysis)}"
