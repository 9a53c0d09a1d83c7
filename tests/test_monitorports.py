"""KS606 monitor-port-not-found (checks/monitorports.py): its fix applied as written clears it, and it relates every
object it names."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

FIXTURES = Path(__file__).parent.parent / "fixtures" / "KS606"


def _ks606(tmp_path: Path, text: str) -> list:
    (tmp_path / "monitoring.yaml").write_text(text)
    return [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS606"]


def test_unnamed_service_port_fix_names_it_instead_of_pointing_at_no_names(tmp_path: Path) -> None:
    # "Set `port:` to one of the names above" with none above: the only way is to name the port.
    text = (FIXTURES / "fail-port-name-not-defined" / "monitoring.yaml").read_text().replace(
        "ports: [{name: http-metrics, port: 8080, targetPort: 8080}]", "ports: [{port: 8080, targetPort: 8080}]")
    [finding] = _ks606(tmp_path, text)
    assert finding.fix.startswith('Name the Service port "metrics" (`name: metrics` in its `ports` entry)')
    fixed = text.replace("ports: [{port: 8080, targetPort: 8080}]", "ports: [{name: metrics, port: 8080, targetPort: 8080}]")
    assert _ks606(tmp_path, fixed) == []


def test_target_port_finding_relates_the_workload_whose_ports_it_names(tmp_path: Path) -> None:
    [finding] = _ks606(tmp_path, (FIXTURES / "fail-target-port-name-not-defined" / "monitoring.yaml").read_text())
    assert "Deployment shop/web: http-metrics" in finding.message
    assert [r.message for r in finding.related] == ["Service shop/web is selected here",
                                                     "Deployment shop/web declares its container ports here"]


def test_port_finding_relates_the_ports_of_each_selected_service(tmp_path: Path) -> None:
    # The names to compare are in the Service's `ports:`, not at its `apiVersion`.
    text = (FIXTURES / "fail-port-name-not-defined" / "monitoring.yaml").read_text()
    [finding] = _ks606(tmp_path, text)
    ports_line = text.splitlines().index("  ports: [{name: http-metrics, port: 8080, targetPort: 8080}]") + 1
    assert [(r.span.line, r.message) for r in finding.related] == [
        (ports_line, "Service shop/web is selected; its ports are here")]


def test_podmonitor_fix_applied_as_written_clears_it(tmp_path: Path) -> None:
    text = (FIXTURES / "fail-podmonitor-port-name-not-defined" / "monitoring.yaml").read_text()
    port, target_port = _ks606(tmp_path, text)
    assert port.fix == "Set `port: http-metrics` in podMetricsEndpoints[0] of PodMonitor shop/worker, or name the container port so."
    assert target_port.message.startswith('PodMonitor shop/worker podMetricsEndpoints[1] keeps targetPort "metric"')
    containers_line = text.splitlines().index("      containers:") + 1
    assert [(r.span.line, r.message) for r in port.related] == [
        (containers_line, "Deployment shop/worker declares its container ports here")]
    fixed = text.replace("  - port: metrics\n", "  - port: http-metrics\n").replace("targetPort: metric\n", "targetPort: http-metrics\n")
    assert _ks606(tmp_path, fixed) == []


def test_podmonitor_pod_of_another_namespace_is_not_selected(tmp_path: Path) -> None:
    # Its own namespace by default: a same-labelled pod elsewhere is not what it scrapes, so it is not judged.
    text = (FIXTURES / "fail-podmonitor-port-name-not-defined" / "monitoring.yaml").read_text()
    moved = text.replace("metadata: {name: worker, namespace: shop}\nspec:\n  selector: {matchLabels: {app: worker}}\n  template",
                         "metadata: {name: worker, namespace: other}\nspec:\n  selector: {matchLabels: {app: worker}}\n  template")
    assert moved != text
    assert _ks606(tmp_path, moved) == []


def test_service_target_port_nothing_declares_sits_on_the_service_and_either_fix_clears_it(tmp_path: Path) -> None:
    text = (FIXTURES / "fail-service-target-port-name-not-declared" / "monitoring.yaml").read_text()
    [finding] = _ks606(tmp_path, text)
    assert (finding.span.line, finding.object) == (text.splitlines().index(
        "  ports: [{name: http-metrics, port: 8080, targetPort: metrics}]") + 1, "Service/shop/web")
    assert finding.fix == ('Set `targetPort:` to one of the names above (or the container port\'s number) in port '
                           '"http-metrics" of Service shop/web, or name "metrics" the container port that serves the '
                           'metrics.')
    assert [r.message for r in finding.related] == ["ServiceMonitor shop/web keeps this Service port here",
                                                    "Deployment shop/web declares its container ports here"]
    assert _ks606(tmp_path, text.replace("targetPort: metrics}", "targetPort: http}")) == []
    assert _ks606(tmp_path, text.replace("targetPort: metrics}", "targetPort: 8080}")) == []
    assert _ks606(tmp_path, text.replace("{name: http, containerPort: 8080}", "{name: metrics, containerPort: 8080}")) == []


def test_service_target_port_rename_spares_a_container_port_another_service_port_targets(tmp_path: Path) -> None:
    # The Service also serves traffic on port "http" → container port "http", beside the metrics port whose
    # targetPort "metrics" nothing declares. "Name the container port metrics" read as renaming "http" would take
    # the address from the traffic port: the fix names the Service port it means and the container port to spare.
    text = (FIXTURES / "fail-service-target-port-name-not-declared" / "monitoring.yaml").read_text().replace(
        "ports: [{name: http-metrics, port: 8080, targetPort: metrics}]",
        "ports: [{name: http, port: 80, targetPort: http}, {name: http-metrics, port: 8080, targetPort: metrics}]").replace(
        "ports: [{name: http, containerPort: 8080}]", "ports: [{name: http, containerPort: 8080}, {name: admin, containerPort: 9090}]")
    [finding] = _ks606(tmp_path, text)
    assert 'in port "http-metrics" of Service shop/web' in finding.fix, finding.fix
    assert finding.fix.endswith('or name "metrics" the container port that serves the metrics (not http: another port '
                                'of the Service targets it).'), finding.fix
    assert _ks606(tmp_path, text.replace("{name: admin, containerPort: 9090}", "{name: metrics, containerPort: 9090}")) == []


def test_service_target_port_declared_with_another_protocol_fix_clears_it(tmp_path: Path) -> None:
    # podutil.FindPort matches name and protocol: a UDP "metrics" does not serve the TCP Service port.
    text = (FIXTURES / "fail-service-target-port-declared-with-another-protocol" / "monitoring.yaml").read_text()
    [finding] = _ks606(tmp_path, text)
    assert "declares it with protocol UDP" in finding.message
    assert finding.fix.startswith("Declare the port with the Service port's protocol (`protocol: TCP`")
    fixed = text.replace("{name: metrics, containerPort: 9102, protocol: UDP}", "{name: metrics, containerPort: 9102, protocol: TCP}")
    assert _ks606(tmp_path, fixed) == []


def test_service_target_port_only_a_plain_init_container_declares_fix_clears_it(tmp_path: Path) -> None:
    # FindPort reads an init container's ports only when it is a sidecar (restartPolicy: Always).
    text = (FIXTURES / "fail-service-target-port-only-in-init-container" / "monitoring.yaml").read_text()
    [finding] = _ks606(tmp_path, text)
    assert "only init container metrics-proxy of Deployment shop/web declares it" in finding.message
    assert "`restartPolicy: Always`" in finding.fix
    fixed = text.replace("        image: example/metrics-proxy:1\n",
                         "        image: example/metrics-proxy:1\n        restartPolicy: Always\n")
    assert _ks606(tmp_path, fixed) == []


def test_port_the_service_does_not_expose_is_reached_not_renamed(tmp_path: Path) -> None:
    # Traefik's chart shape: the pods declare container port "metrics", the selected Service exposes only traffic
    # ports. "Set `port:` to one of the names above" would scrape web; renaming a port would break traffic.
    text = (FIXTURES / "fail-monitor-port-only-a-container-port" / "monitoring.yaml").read_text()
    [finding] = _ks606(tmp_path, text)
    assert 'Deployment traefik/traefik, which Service traefik/traefik selects, declares container port "metrics"' in finding.message
    # A LoadBalancer Service would publish a port added to it: only the targetPort way is offered.
    assert finding.fix.startswith("Keep the container port by name: `targetPort: metrics` in place of `port: metrics`")
    assert "Expose it" not in finding.fix
    assert finding.related[-1].message == 'Deployment traefik/traefik declares container port "metrics" here'
    assert _ks606(tmp_path, text.replace("  - port: metrics\n", "  - targetPort: metrics\n")) == []
    # A ClusterIP Service can carry the port: that way is offered first, and applied as written it clears it.
    cluster_ip = text.replace("  type: LoadBalancer\n", "")
    [finding] = _ks606(tmp_path, cluster_ip)
    added = "- {name: metrics, port: 9100, targetPort: metrics}"
    assert finding.fix.startswith(f"Expose it in Service traefik/traefik: add `{added}` to its `ports`")
    exposed = cluster_ip.replace("  - {port: 443, name: websecure, targetPort: websecure, protocol: TCP}\n",
                                 "  - {port: 443, name: websecure, targetPort: websecure, protocol: TCP}\n  " + added + "\n")
    assert _ks606(tmp_path, exposed) == []


def test_port_added_beside_an_unnamed_service_port_is_not_offered(tmp_path: Path) -> None:
    # A ClusterIP Service whose one port has no name: "add `- {name: metrics, ...}` to its ports" applied as written
    # makes two ports, one unnamed, and the API server refuses the Service (spec.ports[0].name: Required value).
    text = (FIXTURES / "fail-monitor-port-only-a-container-port" / "monitoring.yaml").read_text().replace(
        "  type: LoadBalancer\n", "").replace(
        "  - {port: 80, name: web, targetPort: web, protocol: TCP}\n"
        "  - {port: 443, name: websecure, targetPort: websecure, protocol: TCP}\n",
        "  - {port: 80, targetPort: web, protocol: TCP}\n")
    [finding] = _ks606(tmp_path, text)
    assert finding.fix.startswith("Keep the container port by name: `targetPort: metrics` in place of `port: metrics`")
    assert "Expose it" not in finding.fix, finding.fix
    fixed = text.replace("  - port: metrics\n", "  - targetPort: metrics\n")
    (tmp_path / "monitoring.yaml").write_text(fixed)
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings if f.severity != "info"] == []


def test_quoted_service_port_number_is_kept_by_that_ports_name_or_target(tmp_path: Path) -> None:
    # `port: "8080"` on a ServiceMonitor meant Service port 8080: the fix said "`targetPort: <number>`", a
    # placeholder. It names the port that Service port carries, or (unnamed) the container port number it reaches;
    # either, applied as printed, clears the finding.
    text = (FIXTURES / "pass-port-name-defined" / "monitoring.yaml").read_text().replace(
        "  - port: http-metrics\n", "  - port: \"8080\"\n")
    [finding] = _ks606(tmp_path, text)
    assert finding.fix.startswith("Set `port: http-metrics` in endpoints[0] of ServiceMonitor shop/web"), finding.fix
    assert _ks606(tmp_path, text.replace("  - port: \"8080\"\n", "  - port: http-metrics\n")) == []
    unnamed = text.replace("ports: [{name: http-metrics, port: 8080, targetPort: 8080}]", "ports: [{port: 8080, targetPort: 9090}]")
    unnamed = unnamed.replace("ports: [{name: http-metrics, containerPort: 8080}]", "ports: [{name: http-metrics, containerPort: 9090}]")
    found = _ks606(tmp_path, unnamed)
    assert found[0].fix.startswith('Write `targetPort: 9090` in place of `port: "8080"` in endpoints[0]'), found[0].fix
    assert _ks606(tmp_path, unnamed.replace("  - port: \"8080\"\n", "  - targetPort: 9090\n")) == found[1:]


def test_port_regex_keeps_an_unnamed_port_and_a_regex_is_never_the_name_to_give(tmp_path: Path) -> None:
    # The operator writes `port` as an anchored keep regex: `.*` keeps the Service's one unnamed port (its endpoint
    # port name is ""), which was reported with the fix 'Name the Service port ".*"' — a name the API server refuses.
    text = (FIXTURES / "fail-port-name-not-defined" / "monitoring.yaml").read_text().replace(
        "ports: [{name: http-metrics, port: 8080, targetPort: 8080}]", "ports: [{port: 8080, targetPort: 8080}]")
    assert _ks606(tmp_path, text.replace("  - port: metrics\n", "  - port: \".*\"\n")) == []
    # A regex no port name matches: the fix says to give the port a name the pattern matches, not the pattern.
    [finding] = _ks606(tmp_path, text.replace("  - port: metrics\n", "  - port: \".*-metrics\"\n"))
    assert finding.fix.startswith("In its `ports` entry, give the Service port a name `.*-metrics` matches"), finding.fix
    assert "`name: " not in finding.fix
    named = text.replace("  - port: metrics\n", "  - port: \".*-metrics\"\n").replace(
        "ports: [{port: 8080, targetPort: 8080}]", "ports: [{name: http-metrics, port: 8080, targetPort: 8080}]")
    assert _ks606(tmp_path, named) == []


def test_quoted_number_is_kept_by_number_not_named(tmp_path: Path) -> None:
    # `targetPort: "8080"` (a quoted number) is a name to the operator, so KS606 is right; but no port can be named
    # "8080" (a port name needs a letter, IsValidPortName): the fix keeps the port by its number, and clears it.
    text = (FIXTURES / "pass-podmonitor-port-name-defined" / "monitoring.yaml").read_text()
    text = text.replace("  - port: http-metrics\n  - targetPort: \"http-.*\"\n", "  - port: \"8080\"\n  - targetPort: \"8080\"\n")
    findings = _ks606(tmp_path, text)
    assert [f.fix for f in findings] == [
        'Write `portNumber: 8080` instead of `port: "8080"` in podMetricsEndpoints[0] of PodMonitor shop/worker: '
        "`port` is a name.",
        "Write the number unquoted, `targetPort: 8080`, in podMetricsEndpoints[1] of PodMonitor shop/worker: quoted "
        "it is a port name."]
    fixed = text.replace("  - port: \"8080\"\n  - targetPort: \"8080\"\n", "  - portNumber: 8080\n  - targetPort: 8080\n")
    assert _ks606(tmp_path, fixed) == []
    assert [f.rule for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS602"] == []
