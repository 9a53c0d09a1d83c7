"""KS604's relabel renames must keep what the rules select once the job is on role endpointslice."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kubelint_scrape.checks.config import ENDPOINT_LABELS
from kubelint_scrape.cli import main
from kubelint_scrape.engine import Options, lint_paths

FIXTURES = Path(__file__).parent.parent / "fixtures" / "KS604"


def test_endpoints_name_is_renamed_to_the_service_name() -> None:
    # The Endpoints object carries its Service's name; an EndpointSlice is `<service>-<suffix>` (generateName), so
    # `keep regex: node-exporter` on __meta_kubernetes_endpointslice_name would keep nothing. prometheus
    # discovery/kubernetes endpointslice.go sets __meta_kubernetes_service_name from the slice's
    # kubernetes.io/service-name label: the same value endpoints_name had.
    assert ENDPOINT_LABELS["__meta_kubernetes_endpoints_name"] == "__meta_kubernetes_service_name"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(FIXTURES / "fail-endpoints-name-keep")])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["rule"] == "KS604"]
    assert finding["data"]["renames"] == {"__meta_kubernetes_endpoints_name": "__meta_kubernetes_service_name"}
    assert "__meta_kubernetes_endpointslice_name" not in finding["fix"]


ENDPOINTS_SCRAPER_RULES = """\
- {apiGroups: [""], resources: [RESOURCES], verbs: [list, watch]}
EXTRA
"""
SERVICES_JOB = "- job_name: services\n  kubernetes_sd_configs:\n  - role: ROLE\n"


def _lint(tmp_path: Path, resources: str, role: str, extra: str = "") -> list[dict]:
    from manifests import cluster_scraper

    rules = ENDPOINTS_SCRAPER_RULES.replace("RESOURCES", resources).replace("EXTRA", extra)
    (tmp_path / "all.yaml").write_text(cluster_scraper(rules, SERVICES_JOB.replace("ROLE", role)))
    result = CliRunner().invoke(main, ["check", "--format", "json", "--fail-on", "never", str(tmp_path)])
    return json.loads(result.output)["findings"]


def test_ks604_fix_says_the_endpoints_grant_goes_once_the_switch_is_made(tmp_path: Path) -> None:
    # role endpointslice never reads endpoints: applying only the switch and the new grant left KS203 on endpoints
    (finding,) = [f for f in _lint(tmp_path, "endpoints, pods, services", "endpoints") if f["rule"] == "KS604"]
    assert 'drop "endpoints" from the role that grants it list and watch' in finding["fix"]
    slices = '- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}'
    assert "KS203" in {f["rule"] for f in _lint(tmp_path, "endpoints, pods, services", "endpointslice", slices)}
    after = {f["rule"] for f in _lint(tmp_path, "pods, services", "endpointslice", slices)}
    assert not after & {"KS101", "KS203", "KS604"}, after


def test_ks604_fix_says_nothing_of_endpoints_the_scraper_does_not_hold(tmp_path: Path) -> None:
    (finding,) = [f for f in _lint(tmp_path, "pods, services", "endpoints") if f["rule"] == "KS604"]
    assert "drop" not in finding["fix"]


def test_ks604_fix_judges_each_account_that_loads_the_config() -> None:
    # Two workloads load the config as alpha (holds endpointslices) and beta (lacks it): the fix named only the
    # first account, "monitoring/alpha already holds it", while beta's discovery would break after the switch.
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS604" / "fail-config-loaded-as-two-accounts"
    (finding,) = [f for f in lint_paths([str(case)], Options(select={"KS604"})).findings]
    assert ("grant list and watch on endpointslices (to monitoring/beta, which lacks it; monitoring/alpha already "
            "holds it)") in finding.fix, finding.fix


def test_grant_names_the_account_made_for_a_prometheus_without_service_account_name() -> None:
    # The Prometheus names no serviceAccountName, so it runs as monitoring/default; the inputs bind their
    # ClusterRole to monitoring/prometheus. The access fix says to name that account (checks/access.py
    # _unnamed_service_account); KS604's grant must go to it too, not to the namespace's default account
    # (which every pod there that names none runs as).
    result = CliRunner().invoke(main, ["check", "--format", "json", "--fail-on", "never",
                                       str(FIXTURES / "fail-prometheus-without-service-account-name")])
    (finding,) = [f for f in json.loads(result.output)["findings"] if f["rule"] == "KS604"]
    assert "(to monitoring/prometheus, which lacks it;" in finding["fix"]
    assert "`serviceAccountName: prometheus`" in finding["fix"]
    assert "to monitoring/default" not in finding["fix"]


def test_ks604_fix_on_a_release_before_endpointslice_upgrades_it_and_applied_leaves_nothing(tmp_path: Path) -> None:
    """KS601's second way out for `role: endpointslice` on Prometheus 2.20 is `role: endpoints`; KS604 then asks for
    endpointslice again, which that release refuses (KS601): its fix must say to run 2.21.0 or later first. Applied
    whole (image, role, grant, endpoints dropped), nothing is left."""
    from manifests import cluster_scraper

    rules = ENDPOINTS_SCRAPER_RULES.replace("RESOURCES", "endpoints, services, pods").replace("EXTRA\n", "")
    text = cluster_scraper(rules, SERVICES_JOB.replace("ROLE", "endpoints")).replace("prometheus:v3.7.3", "prometheus:v2.20.1")
    (tmp_path / "all.yaml").write_text(text)
    [finding] = lint_paths([str(tmp_path)], Options()).findings
    assert finding.rule == "KS604"
    assert finding.fix.startswith("Run Prometheus 2.21.0 or later instead of quay.io/prometheus/prometheus:v2.20.1 "
                                  "(container prometheus of Deployment monitoring/prometheus: before 2.21.0 Prometheus "
                                  "does not know role endpointslice), and write `role: endpointslice`; "), finding.fix
    fixed = (text.replace("prometheus:v2.20.1", "prometheus:v2.21.0").replace("role: endpoints\n", "role: endpointslice\n")
             .replace("resources: [endpoints, services, pods], verbs: [list, watch]}",
                      'resources: [services, pods], verbs: [list, watch]}\n- {apiGroups: ["discovery.k8s.io"], '
                      'resources: ["endpointslices"], verbs: ["list", "watch"]}'))
    (tmp_path / "all.yaml").write_text(fixed)
    assert lint_paths([str(tmp_path)], Options()).findings == []
