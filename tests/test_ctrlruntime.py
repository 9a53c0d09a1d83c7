"""controller-runtime secure metrics servers (ctrlruntime.py): which manager flags make one, as Go's flag package
reads them (kubebuilder v4 cmd/main.go: --metrics-bind-address default "0", --metrics-secure default true)."""

import pytest

from kubelint_scrape.ctrlruntime import bind_port
from kubelint_scrape.model import Container
from kubelint_scrape.yamltree import YMap


def manager(*args: str) -> Container:
    return Container(name="manager", image="controller:latest", command=["/manager"], args=list(args), mounts=[],
                     node=YMap())


@pytest.mark.parametrize(("args", "port"), [
    (["--metrics-bind-address=:8443"], 8443),
    (["-metrics-bind-address=0.0.0.0:8443"], 8443),  # one dash: Go's flag package takes either
    (["--metrics-bind-address", "[::]:9443"], 9443),
    (["--metrics-bind-address=:8443", "--metrics-secure"], 8443),  # a bool flag alone is true
    (["--metrics-bind-address=:8443", "--metrics-secure=true"], 8443),
    (["--metrics-bind-address=:8443", "--metrics-secure=false", "--metrics-secure=true"], 8443),  # the last wins
    (["--metrics-bind-address=127.0.0.1:8080", "--metrics-bind-address=:8443"], 8443),
    # operator-sdk's Helm/Ansible scaffold: the filter on by --metrics-require-rbac
    (["--metrics-require-rbac", "--metrics-secure", "--metrics-bind-address=:8443"], 8443),
])
def test_secure_non_loopback_servers(args, port):
    assert bind_port(manager(*args)) == port


@pytest.mark.parametrize("args", [
    [],  # the v4 default "0": no metrics server
    ["--metrics-bind-address=0"],
    ["--metrics-bind-address=127.0.0.1:8080"],  # v3: behind a kube-rbac-proxy sidecar
    ["--metrics-bind-address=localhost:8080"],
    ["--metrics-bind-address=[::1]:8080"],
    ["--metrics-bind-address=:8443", "--metrics-secure=false"],
    ["--metrics-bind-address=:8443", "-metrics-secure=0"],  # strconv.ParseBool
    ["--metrics-bind-address=:8443", "--metrics-secure=F"],
    # HTTPS without the authentication/authorization filter (helm-operator-plugins: --metrics-require-rbac=false)
    ["--metrics-bind-address=:8443", "--metrics-secure", "--metrics-require-rbac=false"],
    ["--metrics-bind-address=:8443", "--metrics-require-rbac", "--metrics-require-rbac=0"],
])
def test_not_secure_servers(args):
    assert bind_port(manager(*args)) is None


# kubebuilder ≥ 4.3's cert-manager layout (config/default/cert_metrics_manager_patch.yaml): the manager loads the
# certificate of Secret metrics-server-cert from --metrics-cert-path instead of self-signing one.
CERT_MANAGER_ARGS = """\
            - --metrics-bind-address=:8443
            - --metrics-cert-path=/tmp/k8s-metrics-server/metrics-certs
          volumeMounts:
            - {name: metrics-certs, mountPath: /tmp/k8s-metrics-server/metrics-certs, readOnly: true}
"""
CERT_MANAGER_VOLUMES = """\
      volumes:
        - name: metrics-certs
          secret: {secretName: metrics-server-cert, items: [{key: ca.crt, path: ca.crt}, {key: tls.crt, path: tls.crt}, {key: tls.key, path: tls.key}]}
"""


def _cert_manager_operator(tmp_path, tls: str):
    import re
    from pathlib import Path

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS106" / "fail-controller-runtime-metrics-without-token"
    text = (fixture / "operator.yaml").read_text()
    text = text.replace("            - --metrics-bind-address=:8443\n", "")
    text = re.sub(r"(      containers:\n(?:.*\n)*?          args:\n(?:            - .*\n)+)",
                  lambda m: m.group(1) + CERT_MANAGER_ARGS.replace("            - --metrics-bind-address=:8443\n", ""),
                  text, count=1)
    text = text.replace("          args:\n", "          args:\n            - --metrics-bind-address=:8443\n", 1)
    text = text.replace("      containers:\n", CERT_MANAGER_VOLUMES + "      containers:\n", 1)
    text = re.sub(r"      tlsConfig:\n        insecureSkipVerify: true[^\n]*\n", tls, text)
    (tmp_path / "operator.yaml").write_text(text)
    (tmp_path / "prometheus.yaml").write_text((fixture / "prometheus.yaml").read_text())
    return tmp_path


def _ks106(path):
    from kubelint_scrape.engine import Options, lint_paths

    found = lint_paths([str(path)], Options()).findings
    assert not [f for f in found if f.rule in ("KS001", "KS002")], found
    [ks106] = [f for f in found if f.rule == "KS106"]
    return ks106


def test_ks106_fix_verifies_a_certificate_given_in_metrics_cert_path(tmp_path):
    """The server serves the certificate in --metrics-cert-path, not a self-signed one: the fix verifies it with its
    Secret's ca.crt (kubebuilder config/prometheus/monitor_tls_patch.yaml) instead of writing insecureSkipVerify with
    a KS301 suppression that says it self-signs."""
    ks106 = _ks106(_cert_manager_operator(tmp_path, ""))
    assert "insecureSkipVerify" not in ks106.fix and "self-signs" not in ks106.fix, ks106.fix
    assert "ca: {secret: {name: metrics-server-cert, key: ca.crt}}" in ks106.fix, ks106.fix
    assert "serverName: <service>.<namespace>.svc" in ks106.fix, ks106.fix


def test_ks106_fix_replaces_the_skip_with_the_certificate_of_metrics_cert_path(tmp_path):
    """A job already skipping verification: the token, then the verification of the given certificate in place of
    the skip — not a suppression claiming that the server self-signs."""
    skip = "      tlsConfig:\n        insecureSkipVerify: true\n"
    ks106 = _ks106(_cert_manager_operator(tmp_path, skip))
    assert "self-signs" not in ks106.fix, ks106.fix
    assert ("Then replace its `tlsConfig.insecureSkipVerify: true` with `ca: {secret: {name: metrics-server-cert, "
            "key: ca.crt}}`") in ks106.fix, ks106.fix


def test_ks106_fix_still_skips_verification_of_a_self_signed_server(tmp_path):
    """Without --metrics-cert-path the server self-signs (controller-runtime's default): the fix is unchanged."""
    from pathlib import Path

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS106" / "fail-controller-runtime-metrics-without-token"
    ks106 = _ks106(fixture)
    assert "controller-runtime's metrics server self-signs its serving certificate" in ks106.fix, ks106.fix


KS112_CASE = "fail-controller-runtime-missing-subjectaccessreviews"


def _ks112(tmp_path, keep: str):
    """The KS112 fixture with its metrics auth role's one rule granting create on `keep`'s review resource."""
    from pathlib import Path

    from kubelint_scrape.engine import Options, lint_paths

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS112" / KS112_CASE
    for name in ("operator.yaml", "prometheus.yaml"):
        (tmp_path / name).write_text((fixture / name).read_text())
    text = (tmp_path / "operator.yaml").read_text()
    assert "resources: [tokenreviews]" in text
    (tmp_path / "operator.yaml").write_text(text.replace(
        "  - apiGroups: [authentication.k8s.io]\n    resources: [tokenreviews]\n",
        f"  - apiGroups: [{keep}]\n    resources: [{_resource(keep)}]\n"))
    return [f for f in lint_paths([str(tmp_path)], Options()).findings if f.rule == "KS112"]


def _resource(group: str) -> str:
    return {"authentication.k8s.io": "tokenreviews", "authorization.k8s.io": "subjectaccessreviews"}[group]


def test_ks112_manager_without_tokenreviews(tmp_path):
    """A manager granted only subjectaccessreviews: the filter's TokenReview is refused, its delegating authenticator
    returns the error and the filter answers 500 "Authentication failed" (pkg/metrics/filters/filters.go)."""
    [ks112] = _ks112(tmp_path, "authorization.k8s.io")
    assert "cannot create authentication.k8s.io/tokenreviews:" in ks112.message, ks112.message
    assert '"Authentication failed"' in ks112.message and "controller-runtime metrics server" in ks112.message


def test_ks112_manager_with_both_reviews(tmp_path):
    """Both review grants (the scaffold's metrics_auth_role): nothing to say."""
    from pathlib import Path

    from kubelint_scrape.engine import Options, lint_paths

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "KS112" / KS112_CASE
    (tmp_path / "prometheus.yaml").write_text((fixture / "prometheus.yaml").read_text())
    (tmp_path / "operator.yaml").write_text((fixture / "operator.yaml").read_text().replace(
        "    resources: [tokenreviews]\n    verbs: [create]\n",
        "    resources: [tokenreviews]\n    verbs: [create]\n  - apiGroups: [authorization.k8s.io]\n"
        "    resources: [subjectaccessreviews]\n    verbs: [create]\n"))
    found = lint_paths([str(tmp_path)], Options()).findings
    assert not [f for f in found if f.rule in ("KS112", "KS104")], found
