"""Fix texts of the workload rules (KS4xx), applied to the manifest and linted again."""

from __future__ import annotations

from pathlib import Path

from kubelint_scrape.engine import Options, lint_paths

POD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: netshoot, namespace: tools}
spec:
  selector: {matchLabels: {app: netshoot}}
  template:
    metadata: {labels: {app: netshoot}}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: tcpdump
        image: nicolaka/netshoot:v0.13
        securityContext:
          CONTEXT
"""


def _ks403(tmp_path: Path, context: str) -> list:
    (tmp_path / "pod.yaml").write_text(POD.replace("CONTEXT", context))
    return [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS403"]


def test_ks403_escalation_fix_does_not_offer_to_keep_sys_admin(tmp_path: Path) -> None:
    # with escalation off, an added SYS_ADMIN is still KS403 (as good as privileged): keeping it, as the fix
    # offered, left a KS403 after the fix was applied
    [finding] = _ks403(tmp_path, 'capabilities: {add: ["SYS_ADMIN", "NET_RAW"]}')
    assert "only a capability it demonstrably needs (NET_RAW)" in finding.fix
    assert "removing SYS_ADMIN from `add`" in finding.fix
    assert _ks403(tmp_path, '{allowPrivilegeEscalation: false, capabilities: {add: ["SYS_ADMIN", "NET_RAW"], drop: ["ALL"]}}')
    assert not _ks403(tmp_path, '{allowPrivilegeEscalation: false, capabilities: {add: ["NET_RAW"], drop: ["ALL"]}}')


def test_ks403_escalation_fix_with_only_sys_admin(tmp_path: Path) -> None:
    [finding] = _ks403(tmp_path, 'capabilities: {add: ["SYS_ADMIN"]}')
    assert "demonstrably needs" not in finding.fix and "removing SYS_ADMIN from `add`" in finding.fix


HOST_MOUNT = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cadvisor, namespace: monitoring}
spec:
  selector: {matchLabels: {app: cadvisor}}
  template:
    metadata: {labels: {app: cadvisor}}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: cadvisor
        image: gcr.io/cadvisor/cadvisor:v0.52.1
        volumeMounts: MOUNTS
      volumes: VOLUMES
"""


def test_ks404_fix_removes_the_volume_with_its_mounts(tmp_path: Path) -> None:
    # removing only the volume leaves a volumeMount naming a volume the pod does not define: KS602, refused
    (tmp_path / "ds.yaml").write_text(HOST_MOUNT.replace("MOUNTS", "[{name: sock, mountPath: /var/run/docker.sock}]")
                                      .replace("VOLUMES", "[{name: sock, hostPath: {path: /var/run/docker.sock}}]"))
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert finding.fix.startswith("Remove the hostPath volume sock and its volumeMount (cadvisor:/var/run/docker.sock)")
    (tmp_path / "ds.yaml").write_text(HOST_MOUNT.replace("MOUNTS", "[]").replace("VOLUMES", "[]"))
    assert not {f.rule for f in lint_paths([str(tmp_path)], Options()).findings} & {"KS404", "KS602"}


def test_ks404_fix_does_not_ask_to_make_a_read_only_mount_read_only(tmp_path: Path) -> None:
    # a log shipper's /var/lib mounted readOnly: "mount the narrowest path readOnly" read as if it were writable
    mounts = "[{name: lib, mountPath: /var/lib, READONLY}]"
    volumes = "[{name: lib, hostPath: {path: /var/lib}}]"
    for read_only, wording in (("readOnly: true", "narrowest path (readOnly, as it already is)"),
                               ("readOnly: false", "narrowest path readOnly")):
        (tmp_path / "ds.yaml").write_text(HOST_MOUNT.replace("MOUNTS", mounts.replace("READONLY", read_only))
                                          .replace("VOLUMES", volumes))
        [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
        assert wording in finding.fix


def test_host_network_of_a_windows_host_process_pod_is_not_fixed_by_removing_it_alone() -> None:
    # The API server requires hostNetwork for a HostProcess pod: the fix is the HostProcess container (KS403).
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS401" / "fail-windows-host-process-network"
    [finding] = lint_paths([str(case)], Options(select={"KS401"})).findings
    assert "Windows node's network" in finding.message and "control-plane" not in finding.message
    assert finding.fix.startswith("hostNetwork cannot be removed while DaemonSet monitoring/windows-exporter runs a "
                                  "HostProcess container")
    assert "`hostProcess: true` and `hostNetwork: true` (KS403)" in finding.fix
    # what only a HostProcess container has must go with it, or the moved exporter does not start
    assert "replace `runAsUserName: NT AUTHORITY\\system` (an account only HostProcess containers have)" in finding.fix
    assert "%CONTAINER_SANDBOX_MOUNT_POINT% paths" in finding.fix
