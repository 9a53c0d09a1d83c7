"""Fix texts of the workload rules (KS4xx), applied to the manifest and linted again."""

from __future__ import annotations

import re
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


def test_workload_fixes_on_daemonsets_refused_for_their_api_version_applied_after_ks602(tmp_path: Path) -> None:
    """KS401–KS405 on DaemonSets refused only for their apiVersion: KS602's fix first (the apiVersion), then each
    workload fix as written. Every one of those findings is gone, the two DaemonSets the served kind would still
    refuse keep their KS602, and the Prometheus still loads its config as monitoring/prometheus."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS401" / "fail-unserved-daemonset-runs-prometheus"
    report = lint_paths([str(case)], Options())
    fixes = {(Path(f.span.path).name, f.span.line, f.rule): f.fix for f in report.findings}
    assert fixes[("prometheus.yaml", 49, "KS602")] == "Change `apiVersion: extensions/v1beta1` to `apiVersion: apps/v1`."
    assert fixes[("exporters.yaml", 1, "KS602")] == "Change `apiVersion: apps/v1beta2` to `apiVersion: apps/v1`."
    assert fixes[("exporters.yaml", 12, "KS405")] == ("Set `automountServiceAccountToken: false` in the pod template of "
                                                       "DaemonSet monitoring/exporter.")
    assert fixes[("prometheus.yaml", 77, "KS404")].startswith("Remove the hostPath volume docker and its volumeMount "
                                                               "(prometheus:/var/run/docker.sock)")
    assert fixes[("prometheus.yaml", 69, "KS403")].startswith("In container prometheus, remove `privileged: true`, set "
                                                               "`allowPrivilegeEscalation: false` and `capabilities: "
                                                               "{drop: [\"ALL\"]}`")
    exporters = (case / "exporters.yaml").read_text().split("---\n")
    exporters[0] = exporters[0].replace("apiVersion: apps/v1beta2", "apiVersion: apps/v1").replace(
        "      hostPID: true\n", "      automountServiceAccountToken: false\n")
    prometheus = (case / "prometheus.yaml").read_text()
    head, daemonset = prometheus.split("apiVersion: extensions/v1beta1\n")
    daemonset = ("apiVersion: apps/v1\n" + daemonset).replace("      hostNetwork: true\n      hostPID: true\n", "").replace(
        "            privileged: true\n", "            allowPrivilegeEscalation: false\n"
        "            capabilities: {drop: [\"ALL\"]}\n").replace(
        "            - {name: docker, mountPath: /var/run/docker.sock}\n", "").replace(
        "        - name: docker\n          hostPath: {path: /var/run/docker.sock}\n", "")
    (tmp_path / "exporters.yaml").write_text("---\n".join(exporters))
    (tmp_path / "prometheus.yaml").write_text(head + daemonset)
    after = lint_paths([str(tmp_path)], Options())
    left = sorted((Path(f.span.path).name, f.rule) for f in after.findings)
    assert left == [("exporters.yaml", "KS602"), ("exporters.yaml", "KS602"), ("prometheus.yaml", "KS304")], \
        [(f.rule, f.message) for f in after.findings]
    assert {a.job.label for a in after.analysis.jobs} == {a.job.label for a in report.analysis.jobs} != set()


def test_ks501_fix_next_to_a_pod_whose_token_it_grants_leaves_no_ks405(tmp_path: Path) -> None:
    """KS405 stays quiet for a token granted only by a binding refused for its apiVersion; KS501's fix applied (the
    apiVersion) leaves nothing: the token is used by a served binding, and no KS405 appears once it is served."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS405" / "pass-binding-refused-only-for-api-version"
    [finding] = lint_paths([str(case)], Options()).findings
    assert finding.rule == "KS501" and finding.fix.startswith(
        "Change `apiVersion: rbac.authorization.k8s.io/v1beta1` to `apiVersion: rbac.authorization.k8s.io/v1`"), finding.fix
    text = (case / "exporter.yaml").read_text()
    (tmp_path / "exporter.yaml").write_text(text.replace("rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1"))
    assert not lint_paths([str(tmp_path)], Options()).findings


def test_ks404_fix_for_a_read_only_mount_recorded_as_it_says_leaves_nothing(tmp_path: Path) -> None:
    """The mount already readOnly: the fix keeps it and records it with the suppression it quotes, on the finding's
    line; applied, no KS404 and no stale-suppression KS002."""
    text = HOST_MOUNT.replace("MOUNTS", "[{name: lib, mountPath: /var/lib, readOnly: true}]").replace(
        "      volumes: VOLUMES\n", "      volumes:\n      - name: lib\n        hostPath: {path: /var/lib}\n")
    (tmp_path / "ds.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert "mount the narrowest path (readOnly, as it already is)" in finding.fix
    comment = re.search(r"`(# kubelint-scrape: ignore\[KS404\]) <reason>`", finding.fix).group(1)
    lines = text.splitlines(True)
    lines[finding.span.line - 1] = lines[finding.span.line - 1].rstrip("\n") + f"  {comment} cAdvisor reads the host's /var/lib\n"
    (tmp_path / "ds.yaml").write_text("".join(lines))
    assert not {f.rule for f in lint_paths([str(tmp_path)], Options()).findings} & {"KS404", "KS002", "KS602"}


# What the KS404 "put those files in a Secret" fix asks for, in place of the pki hostPath volume: the etcd client's
# files by the keys the fix names, each at the path below the mount the scrape config reads it from.
ETCD_CLIENT_SECRET_VOLUME = """    - name: k8s-certs
      secret:
        secretName: etcd-client
        items:
          - {key: apiserver-etcd-client.crt, path: apiserver-etcd-client.crt}
          - {key: apiserver-etcd-client.key, path: apiserver-etcd-client.key}
          - {key: etcd-ca.crt, path: etcd/ca.crt}
"""


def test_ks404_fix_keeps_the_files_the_scrape_config_reads_through_the_mount(tmp_path: Path) -> None:
    """kwok's kind Prometheus mounts the node's /etc/kubernetes/pki for etcd's client certificate: "remove the mount"
    broke job etcd, and a narrower hostPath is still below /etc/kubernetes. The fix moves just those files into a
    Secret mounted at the same path (items for the one below etcd/): applied, KS404 is gone and the config unchanged."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text()
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert finding.fix.startswith('Job "etcd" of the config this pod loads reads /etc/kubernetes/pki/apiserver-etcd-client.crt, '
                                  '/etc/kubernetes/pki/apiserver-etcd-client.key, /etc/kubernetes/pki/etcd/ca.crt through '
                                  'this mount, so it cannot simply go')
    assert "--from-file=etcd-ca.crt=/etc/kubernetes/pki/etcd/ca.crt" in finding.fix
    assert ("with items {key: apiserver-etcd-client.crt, path: apiserver-etcd-client.crt}, {key: apiserver-etcd-client.key, "
            "path: apiserver-etcd-client.key}, {key: etcd-ca.crt, path: etcd/ca.crt}") in finding.fix
    fixed = text.replace("""    - hostPath:
        path: /etc/kubernetes/pki
        type: DirectoryOrCreate
      name: k8s-certs
""", ETCD_CLIENT_SECRET_VOLUME)
    assert fixed != text
    (tmp_path / "prometheus.yaml").write_text(fixed)
    assert not lint_paths([str(tmp_path)], Options()).findings
    # a pod that reads nothing through its host mount keeps the plain fix
    (tmp_path / "prometheus.yaml").write_text(text.replace("/etc/kubernetes/pki/", "/etc/prometheus/certs/"))
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert finding.fix.startswith("Remove the hostPath volume k8s-certs and its volumeMount (prometheus:/etc/kubernetes/pki)")


def test_ks404_secret_command_reads_the_host_files_into_the_pods_namespace(tmp_path: Path) -> None:
    """The command of that fix runs on the node, where the files are at their host path: with the host's
    /etc/kubernetes mounted at /certs through subPath pki, --from-file named /certs/… (no such file on the node) and
    the Secret landed in kubectl's current namespace, not the pod's. It names /etc/kubernetes/pki/… and -n
    kube-system, and says the Secret mount drops the subPath (the Secret has no pki/ in it)."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text().replace("_file: /etc/kubernetes/pki/", "_file: /certs/").replace(
        "        - mountPath: /etc/kubernetes/pki\n", "        - mountPath: /certs\n          subPath: pki\n").replace(
        "        path: /etc/kubernetes/pki\n", "        path: /etc/kubernetes\n")
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    command = re.search(r"`(kubectl create secret [^`]*)`", finding.fix).group(1)
    assert command == ("kubectl create secret generic <name> -n kube-system "
                       "--from-file=apiserver-etcd-client.crt=/etc/kubernetes/pki/apiserver-etcd-client.crt "
                       "--from-file=apiserver-etcd-client.key=/etc/kubernetes/pki/apiserver-etcd-client.key "
                       "--from-file=etcd-ca.crt=/etc/kubernetes/pki/etcd/ca.crt")
    assert "at the same path without the subPath" in finding.fix
    fixed = text.replace("          subPath: pki\n", "").replace("""    - hostPath:
        path: /etc/kubernetes
        type: DirectoryOrCreate
      name: k8s-certs
""", ETCD_CLIENT_SECRET_VOLUME)
    (tmp_path / "prometheus.yaml").write_text(fixed)
    assert not lint_paths([str(tmp_path)], Options()).findings


def test_ks404_secret_items_resolve_dot_dot_in_the_files_read(tmp_path: Path) -> None:
    """A ca_file written /etc/kubernetes/pki/../pki/etcd/ca.crt is etcd/ca.crt below the mount: the Secret's key and
    item path were `..-pki-etcd-ca.crt` and `../pki/etcd/ca.crt`, both refused by the API server (no `..`)."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text().replace(
        "ca_file: /etc/kubernetes/pki/etcd/ca.crt", "ca_file: /etc/kubernetes/pki/../pki/etcd/ca.crt")
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert "--from-file=etcd-ca.crt=/etc/kubernetes/pki/etcd/ca.crt" in finding.fix
    assert "{key: etcd-ca.crt, path: etcd/ca.crt}" in finding.fix and ".." not in finding.fix.split("through this mount")[1]


def test_ks404_secret_keys_of_files_whose_names_meet_stay_apart(tmp_path: Path) -> None:
    """etcd/ca.crt below the mount and a top-level etcd-ca.crt both became the key etcd-ca.crt: the command had two
    --from-file with one key (kubectl refuses it) and the items two entries of one key. The top-level file keeps its
    name, the one below etcd/ gets etcd-ca-2.crt, the same on every run."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text().replace('              - "localhost:2379"\n', (
        '              - "localhost:2379"\n'
        '      - job_name: "etcd2"\n'
        '        scheme: https\n'
        '        tls_config:\n'
        '          ca_file: /etc/kubernetes/pki/etcd-ca.crt\n'
        '        static_configs:\n'
        '          - targets: ["localhost:2381"]\n'))
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    command = re.search(r"`(kubectl create secret [^`]*)`", finding.fix).group(1)
    keys = re.findall(r"--from-file=([^=]+)=", command)
    assert len(keys) == len(set(keys)) == 4
    assert ("--from-file=etcd-ca.crt=/etc/kubernetes/pki/etcd-ca.crt "
            "--from-file=etcd-ca-2.crt=/etc/kubernetes/pki/etcd/ca.crt") in command
    assert "{key: etcd-ca.crt, path: etcd-ca.crt}, {key: etcd-ca-2.crt, path: etcd/ca.crt}" in finding.fix
    assert [f.fix for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"] == [finding.fix]


def test_ks404_secret_fix_for_a_host_file_mounted_by_itself(tmp_path: Path) -> None:
    """A hostPath of type File (the etcd CA alone, mounted at /etc/etcd/ca.crt) read as ca_file: the fix said to
    remove the mount "if the pod can do without it" (job etcd cannot). It copies that file into a Secret mounted at
    the same path with a subPath; applied, KS404 is gone."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text().replace(
        "          cert_file: /etc/kubernetes/pki/apiserver-etcd-client.crt\n"
        "          key_file: /etc/kubernetes/pki/apiserver-etcd-client.key\n", "").replace(
        "ca_file: /etc/kubernetes/pki/etcd/ca.crt", "ca_file: /etc/etcd/ca.crt").replace(
        "        - mountPath: /etc/kubernetes/pki\n", "        - mountPath: /etc/etcd/ca.crt\n").replace(
        "        path: /etc/kubernetes/pki\n        type: DirectoryOrCreate\n",
        "        path: /etc/kubernetes/pki/etcd/ca.crt\n        type: File\n")
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    assert "`kubectl create secret generic <name> -n kube-system --from-file=ca.crt=/etc/kubernetes/pki/etcd/ca.crt`" in finding.fix
    assert "mount it readOnly at the same path with `subPath: ca.crt`" in finding.fix
    fixed = text.replace("        - mountPath: /etc/etcd/ca.crt\n", "        - mountPath: /etc/etcd/ca.crt\n          subPath: ca.crt\n").replace(
        "    - hostPath:\n        path: /etc/kubernetes/pki/etcd/ca.crt\n        type: File\n      name: k8s-certs\n",
        "    - name: k8s-certs\n      secret:\n        secretName: etcd-ca\n")
    (tmp_path / "prometheus.yaml").write_text(fixed)
    assert not lint_paths([str(tmp_path)], Options()).findings


def test_ks404_secret_fix_holds_every_file_the_jobs_read_through_the_mount(tmp_path: Path) -> None:
    """The Secret fix listed only the scrape's own token and TLS files: a job's basic_auth.password_file and the
    tls_config of its kubernetes_sd_configs (what discovery sends to api_server), read through the same host mount,
    were left out, so applying it (the hostPath volume removed) left those files missing and broke the job. Every
    `*_file` the config names below the mount is now in the command and the items."""
    case = Path(__file__).resolve().parent.parent / "fixtures" / "KS404" / "fail-scrape-credentials-read-through-pki-mount"
    text = (case / "prometheus.yaml").read_text().replace('''              - "localhost:2379"
''', '''              - "localhost:2379"
      - job_name: "apiserver"
        scheme: https
        kubernetes_sd_configs:
          - role: endpointslice
            api_server: https://localhost:6443
            tls_config:
              ca_file: /etc/kubernetes/pki/ca.crt
              cert_file: /etc/kubernetes/pki/sd-client.crt
              key_file: /etc/kubernetes/pki/sd-client.key
        tls_config:
          insecure_skip_verify: true
        basic_auth:
          username: prom
          password_file: /etc/kubernetes/pki/basic-pw
''')
    (tmp_path / "prometheus.yaml").write_text(text)
    [finding] = [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS404"]
    read = set(re.findall(r"_file: (/etc/kubernetes/pki/\S+)", text))
    assert len(read) == 7
    items = re.findall(r"\{key: ([^,]+), path: ([^}]+)\}", finding.fix)
    commands = dict(re.findall(r"--from-file=([^=]+)=(\S+?)`?(?= |$|`)", finding.fix))
    # each item's key is in the Secret and, mounted at /etc/kubernetes/pki, lands where the config reads it
    assert {key for key, _path in items} == set(commands)
    assert {f"/etc/kubernetes/pki/{path}" for _key, path in items} == read
    assert {commands[key] for key, _path in items} == read  # the host file copied is the one read there


AGENT = """\
apiVersion: v1
kind: ServiceAccount
metadata: {name: agent, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: agent}
rules:
- {apiGroups: [""], resources: [pods, nodes], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: agent}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: agent}
subjects: [{kind: ServiceAccount, name: agent, namespace: monitoring}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      serviceAccountName: agent
SUPPRESSION      hostPID: true
      containers:
      - {name: agent, image: example.com/process-agent:1.0}
"""


def test_ks402_fix_removes_host_pid_or_keeps_it_knowingly_for_a_node_agent(tmp_path: Path) -> None:
    # A process agent needs the node's PID namespace (Datadog's node agent): "Remove hostPID" alone would break
    # it. The fix's second way, the suppression with a reason above the key, clears the finding too, and the
    # suppression is used (no KS002).
    def lint(text: str) -> list:
        (tmp_path / "agent.yaml").write_text(text)
        return [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule in ("KS402", "KS002")]

    [finding] = lint(AGENT.replace("SUPPRESSION", ""))
    assert finding.fix.startswith("Remove `hostPID: true` from DaemonSet monitoring/agent; if it is a node agent")
    comment = re.search(r"`(# kubelint-scrape: ignore\[KS402\]) <reason>` above `hostPID:`", finding.fix)
    assert comment
    assert not lint(AGENT.replace("SUPPRESSION", f"      {comment.group(1)} process monitoring needs the node's PIDs\n"))
    assert not lint(AGENT.replace("SUPPRESSION", "").replace("      hostPID: true\n", ""))
