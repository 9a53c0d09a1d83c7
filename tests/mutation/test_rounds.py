"""Rounds 5–20 of single-fault mutations (mutations5.py … mutations20.py), each on working baselines (three a round,
two in rounds 10 to 12 and 15, one in 13, 14 and 16 to 19): the findings of exactly the expected rules (every family but KS604) must be added to the baseline's. Round 5: extension API
servers (prometheus-adapter, metrics-server) scraped by a ServiceMonitor, a static Service DNS target, Operator
ScrapeConfigs and the Operator's credential rules; 6: kube-prometheus-stack 47, the prometheus chart 22, the
splunk-otel-collector agent; 7: microk8s' kube-prometheus copy, a vmagent bootstrap script, a 2018 plain-Prometheus
tutorial; 8: Linkerd viz, Rook-Ceph, Istio's Prometheus addon (from ../shared/corpus); 9: repository layouts: a Kustomize base/component/overlay, a Flux Kustomization
deploying a plain directory, Rancher monitoring's PushProx; 10: Kustomize patches (overlay patches, a Component patching an Operator setup); 11: a VictoriaMetrics operator setup
(VMAgent, VMNodeScrape, VMServiceScrape, VMScrapeConfig, VMProbe, inlineScrapeConfig) and platform control planes (k3s
config.yaml, EKS control-plane metrics); 12: the classic setups copied from docs and blog posts (the five-job ConfigMap, a
Prometheus limited to two namespaces by Roles with an API-server-proxy kubelet job); 13: a kube-prometheus shaped
Prometheus Operator setup (per-namespace Roles named like the ClusterRole, kubelet/API-server/kube-rbac-proxy monitors); 14: the
newest Operator shapes (a PrometheusAgent with scrape classes and EndpointSlice discovery, ScrapeConfig CRs); 15: a kubebuilder v4
operator scaffold (controller-runtime secure metrics) behind a kustomize namePrefix; 16: a multi-tenant Prometheus
Operator setup (a Prometheus and Roles per team namespace, the operator limited by --namespaces, kube-rbac-proxy); 17: a
platform cluster (an operator with --controller-id, PodMonitor on a native sidecar, a kubebuilder v4 operator with a
cert-manager metrics certificate, an OpenTelemetry kubeletstats DaemonSet); 18: a PrometheusAgent with namespaced
Roles, a service-account-token Secret, a scrape class and a Probe behind kustomize namespace:, beside a plain
Prometheus scraping the API server, kubelet and CoreDNS; 19: a plain Prometheus StatefulSet whose config is split over
two ConfigMaps (scrape_config_files), node-exporter behind kube-rbac-proxy --config-file resourceAttributes, annotated
pods in two namespaces with attach_metadata.node, an OpenTelemetry kubeletstats DaemonSet. 20: earlier baselines re-mutated
(Istio's addon, kube-prometheus, the classic ConfigMap, a VMAgent): bindings retargeted or emptied, accounts renamed in
one place, a kubelet job moved to the API-server proxy. Real-world renders repaired into working baselines, each
mutated by one realistic mistake."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import assert_baseline_works, assert_single_fault, load_mutations

ROUNDS = {
    "mutations5": ("b12-adapter", "b13-ms-static", "b14-op-scrapecfg"),
    "mutations6": ("b15-kps", "b16-prom-chart", "b17-otel"),
    "mutations7": ("b18-microk8s", "b19-vmagent", "b20-legacy"),
    "mutations8": ("b21-linkerd", "b22-rook", "b23-istio"),
    "mutations9": ("b24-kustomize", "b25-flux", "b26-pushprox"),
    "mutations10": ("b27-kustomize-patches", "b28-components-operator"),
    "mutations11": ("b29-vm-operator", "b30-platform-control-plane"),
    "mutations12": ("b31-classic-configmap", "b32-two-namespaces-roles"),
    "mutations13": ("b33-kube-prometheus-operator",),
    "mutations14": ("b34-agent-scrape-classes",),
    "mutations15": ("b35-kubebuilder-name-prefix", "b36-kubebuilder-reader-binding-only"),
    "mutations16": ("b37-multi-tenant-operator",),
    "mutations17": ("b38-platform-mixed",),
    "mutations18": ("b39-agent-namespaced",),
    "mutations19": ("b40-statefulset-split-config",),
    "mutations20": ("b23-istio", "b33-kube-prometheus-operator", "b31-classic-configmap", "b29-vm-operator"),
}
# Warnings a baseline keeps on purpose: kubebuilder's monitor.yaml scaffolds `insecureSkipVerify: true` (KS301).
ACCEPTED = {"b35-kubebuilder-name-prefix": frozenset({"KS301"}), "b36-kubebuilder-reader-binding-only": frozenset({"KS301"})}
MUTATIONS = [(round_name, mutation) for round_name in ROUNDS for mutation in load_mutations(round_name)]


@pytest.mark.parametrize("name", list(dict.fromkeys(name for names in ROUNDS.values() for name in names)))
def test_baseline_has_no_error_or_warning(name: str) -> None:
    assert_baseline_works(name, ACCEPTED.get(name, frozenset()))


@pytest.mark.parametrize("mutation", [m for _round, m in MUTATIONS], ids=[f"{r}:{m[0]}" for r, m in MUTATIONS])
def test_single_fault(mutation, tmp_path: Path) -> None:
    assert_single_fault(mutation, tmp_path)
