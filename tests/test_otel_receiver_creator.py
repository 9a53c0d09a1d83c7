"""receiver_creator: the prometheus receiver templates it starts per discovered endpoint are scrape jobs of the
collector's identity (Splunk OTel chart's control-plane templates); other templates and `discovery` stay unmodelled."""

from __future__ import annotations

from kubelint_scrape.load import parse_text
from kubelint_scrape.otel import _unmodelled_components, collector_configs

TEMPLATE = """\
receivers:
  receiver_creator:
    watch_observers: [k8s_observer]
    receivers:
      prometheus/scheduler:
        rule: type == "pod" && labels["component"] == "kube-scheduler"
        config:
          config:
            scrape_configs:
              - job_name: kube-scheduler
                scheme: https
                authorization: {credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token}
                static_configs: [{targets: ['`endpoint`:10259']}]
EXTRA
service:
  pipelines:
    metrics: {receivers: [receiver_creator], exporters: [debug]}
"""


def _config(extra: str = ""):
    docs, findings, _text = parse_text("relay.yaml", TEMPLATE.replace("EXTRA\n", extra))
    assert not findings
    return docs[0].root


def test_prometheus_templates_become_jobs_and_are_modelled() -> None:
    config = _config()
    [prom] = collector_configs("relay.yaml", config, None, None)
    assert [job.name for job in prom.jobs] == ["kube-scheduler"]
    assert _unmodelled_components(config, {"receiver_creator"}) == []


def test_other_templates_or_discovery_stay_unmodelled() -> None:
    kubeletstats = "      kubeletstats:\n        rule: type == \"k8s.node\"\n        config: {auth_type: serviceAccount}\n"
    assert _unmodelled_components(_config(kubeletstats), {"receiver_creator"}) == ["receivers.receiver_creator"]
    discovery = "    discovery: {enabled: true}\n"
    assert _unmodelled_components(_config(discovery), {"receiver_creator"}) == ["receivers.receiver_creator"]



def test_endpoint_expression_is_the_endpoint_the_rule_picks() -> None:
    # A template whose rule picks the kube-apiserver pod scrapes the API server itself (its /metrics needs the URL
    # grant, KS104); one on a pod scrapes that pod's IP at the port the target writes.
    config = _config("""\
      prometheus/apiserver:
        rule: type == "port" && port == 443 &&
          pod.labels["component"] == "kube-apiserver"
        config:
          config:
            scrape_configs:
              - job_name: apiserver
                scheme: https
                static_configs: [{targets: ['`endpoint`']}]
""")
    apiserver, scheduler = sorted(collector_configs("relay.yaml", config, None, None), key=lambda p: p.jobs[0].name)
    assert [t for t, _l, _s in apiserver.jobs[0].static_targets] == ["kubernetes.default.svc:443"]
    # a target that writes its own port keeps it, whatever port the rule requires
    config = _config("""\
      prometheus/etcd:
        rule: type == "port" && port == 2379
        config:
          config:
            scrape_configs:
              - job_name: etcd
                static_configs: [{targets: ['`endpoint`:2381']}]
""")
    etcd = next(p for p in collector_configs("relay.yaml", config, None, None) if p.jobs[0].name == "etcd")
    [(target, _labels, _span)] = etcd.jobs[0].static_targets
    assert target.endswith(":2381") and target.count(":") == 1
    [(target, _labels, _span)] = scheduler.jobs[0].static_targets
    assert target.endswith(":10259") and "`" not in target


def test_per_node_kubeletstats_template_reads_each_nodes_kubelet() -> None:
    # receiver_creator README / Splunk OTel chart (EKS Fargate): a kubeletstats template started per k8s.node reads
    # that node's kubelet at `endpoint`:`kubelet_endpoint_port` (:10250) with the collector's token.
    config = _config("""\
      kubeletstats:
        rule: type == "k8s.node" && name contains "fargate"
        config:
          auth_type: serviceAccount
          endpoint: "`endpoint`:`kubelet_endpoint_port`"
          extra_metadata_labels: [container.id]
""")
    kubelet = next(p for p in collector_configs("relay.yaml", config, None, None) if p.jobs[0].name.startswith("kubeletstats"))
    assert [job.name for job in kubelet.jobs] == ["kubeletstats /stats/summary", "kubeletstats /pods"]
    [(target, _labels, _span)] = kubelet.jobs[0].static_targets
    assert target.endswith(":10250") and "`" not in target
    assert _unmodelled_components(config, {"receiver_creator"}) == []


def test_in_cluster_api_server_variables_are_expanded_as_the_collector_does() -> None:
    # The kubelet sets the default/kubernetes Service's variables in every container (getServiceEnvVarMap); the
    # collector expands ${env:NAME} and ${NAME}; `$${…}` is a literal `$` and stays as written.
    from kubelint_scrape.otel import api_server_env

    assert api_server_env("${KUBERNETES_SERVICE_HOST}:443") == "kubernetes.default.svc:443"
    assert (api_server_env("${env:KUBERNETES_PORT_443_TCP_ADDR}:${env:KUBERNETES_SERVICE_PORT}/api")
            == "kubernetes.default.svc:443/api")
    assert api_server_env("$${KUBERNETES_SERVICE_HOST}:443") == "$${KUBERNETES_SERVICE_HOST}:443"
    assert api_server_env("${env:K8S_NODE_IP}:10250") == "${env:K8S_NODE_IP}:10250"
    config = _config("""\
      kubeletstats/proxy:
        rule: type == "k8s.node"
        config:
          auth_type: serviceAccount
          endpoint: "${KUBERNETES_PORT_443_TCP_ADDR}/api/v1/nodes/${env:K8S_NODE_NAME}/proxy"
""")
    kubelet = next(p for p in collector_configs("relay.yaml", config, None, None) if p.jobs[0].name.startswith("kubeletstats"))
    [(target, _labels, _span)] = kubelet.jobs[0].static_targets
    assert target == "kubernetes.default.svc"
    assert kubelet.jobs[0].metrics_path.startswith("/api/v1/nodes/") and kubelet.jobs[0].metrics_path.endswith("/proxy/stats/summary")
