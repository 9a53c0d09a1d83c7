"""Synthetic but realistic monitoring repositories for the benchmark (deterministic for a given seed).

A repository is a set of "apps", one file each: a ServiceAccount, a Role or ClusterRole with 5–20 rules, its
binding, a Service and a workload with a full pod spec (two containers with probes, resources, security
context, env, volumes). Every third app is a Prometheus: its file also holds a ConfigMap embedding 10–30 scrape
jobs (kubelet, cAdvisor, API server, endpoints, pods, static and blackbox targets with relabelling) that its
Deployment mounts; the other apps carry a settings ConfigMap (not a Prometheus config, so never parsed twice).
Objects average ≈ 2 KB (10,000 objects ≈ 20 MB; SPEC §6 quotes ≈ 33 MB): the benchmark reports MB/s too.
"""

from __future__ import annotations

import os
import random
import textwrap

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]
READ = ["get", "list", "watch"]
RESOURCES = [
    ("", "pods"), ("", "services"), ("", "endpoints"), ("", "nodes"), ("", "nodes/metrics"), ("", "configmaps"),
    ("", "namespaces"), ("", "persistentvolumeclaims"), ("", "events"), ("apps", "deployments"),
    ("apps", "statefulsets"), ("apps", "daemonsets"), ("apps", "replicasets"), ("batch", "jobs"),
    ("batch", "cronjobs"), ("networking.k8s.io", "ingresses"), ("discovery.k8s.io", "endpointslices"),
    ("policy", "poddisruptionbudgets"), ("autoscaling", "horizontalpodautoscalers"), ("coordination.k8s.io", "leases"),
]
SD_ROLES = ["node", "pod", "service", "endpoints", "endpointslice", "ingress"]


def rbac_rules(rng: random.Random, count: int, cluster: bool) -> str:
    lines = []
    for _ in range(count):
        group, resource = rng.choice(RESOURCES)
        verbs = READ if rng.random() < 0.7 else rng.sample(VERBS, rng.randint(1, 4))
        lines.append(f'  - apiGroups: ["{group}"]')
        lines.append(f"    resources: [{', '.join(repr(r) for r in [resource] + ([f'{resource}/status'] if rng.random() < 0.3 else []))}]")
        if rng.random() < 0.1:
            lines.append(f"    resourceNames: [\"{resource.split('/')[0]}-{rng.randint(1, 99)}\"]")
        lines.append(f"    verbs: [{', '.join(verbs)}]")
    if cluster and rng.random() < 0.3:
        lines.append('  - nonResourceURLs: ["/metrics", "/metrics/cadvisor"]')
        lines.append("    verbs: [get]")
    return "\n".join(lines)


def scrape_job(rng: random.Random, index: int, namespace: str) -> str:
    kind = rng.choice(["kubelet", "cadvisor", "apiserver", "endpoints", "pods", "static", "blackbox", "service"])
    name = f"{kind}-{index}"
    if kind in ("kubelet", "cadvisor"):
        path = "/metrics" if kind == "kubelet" else "/metrics/cadvisor"
        return textwrap.dedent(f"""\
          - job_name: {name}
            scheme: https
            metrics_path: {path}
            authorization:
              credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
            tls_config:
              ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
              insecure_skip_verify: true
            kubernetes_sd_configs:
              - role: node
            relabel_configs:
              - action: labelmap
                regex: __meta_kubernetes_node_label_(.+)
              - source_labels: [__meta_kubernetes_node_name]
                target_label: node
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: (container_tasks_state|container_memory_failures_total)
                action: drop
        """)
    if kind == "apiserver":
        return textwrap.dedent(f"""\
          - job_name: {name}
            scheme: https
            bearer_token_file: /var/run/secrets/kubernetes.io/serviceaccount/token
            tls_config:
              ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
            kubernetes_sd_configs:
              - role: endpoints
                namespaces:
                  names: [default]
            relabel_configs:
              - source_labels: [__meta_kubernetes_namespace, __meta_kubernetes_service_name, __meta_kubernetes_endpoint_port_name]
                action: keep
                regex: default;kubernetes;https
        """)
    if kind in ("endpoints", "service", "pods"):
        role = {"endpoints": rng.choice(["endpoints", "endpointslice"]), "service": "service", "pods": "pod"}[kind]
        meta = "pod" if role == "pod" else "service"
        own = f"\n                  names: [{namespace}, team-{rng.randint(1, 40)}]" if rng.random() < 0.4 else ""
        namespaces = f"\n                namespaces:{own}" if own else ""
        return textwrap.dedent(f"""\
          - job_name: {name}
            scrape_interval: {rng.choice(['15s', '30s', '1m'])}
            kubernetes_sd_configs:
              - role: {role}{namespaces}
            relabel_configs:
              - source_labels: [__meta_kubernetes_{meta}_annotation_prometheus_io_scrape]
                action: keep
                regex: "true"
              - source_labels: [__meta_kubernetes_{meta}_annotation_prometheus_io_path]
                action: replace
                target_label: __metrics_path__
                regex: (.+)
              - source_labels: [__address__, __meta_kubernetes_{meta}_annotation_prometheus_io_port]
                action: replace
                regex: ([^:]+)(?::\\d+)?;(\\d+)
                replacement: $1:$2
                target_label: __address__
              - action: labelmap
                regex: __meta_kubernetes_{meta}_label_(.+)
              - source_labels: [__meta_kubernetes_namespace]
                target_label: namespace
        """)
    if kind == "blackbox":
        return textwrap.dedent(f"""\
          - job_name: {name}
            metrics_path: /probe
            params:
              module: [http_2xx]
            static_configs:
              - targets: ["https://example-{index}.com", "https://status-{index}.example.org/health"]
            relabel_configs:
              - source_labels: [__address__]
                target_label: __param_target
              - source_labels: [__param_target]
                target_label: instance
              - target_label: __address__
                replacement: blackbox-exporter.{namespace}.svc:9115
        """)
    return textwrap.dedent(f"""\
      - job_name: {name}
        honor_labels: true
        static_configs:
          - targets: ["10.0.{index % 250}.{rng.randint(1, 250)}:9100", "10.0.{index % 250}.{rng.randint(1, 250)}:9100"]
            labels:
              env: production
              team: team-{rng.randint(1, 40)}
    """)


def prometheus_configmap(rng: random.Random, name: str, namespace: str, jobs: int) -> str:
    body = "".join(scrape_job(rng, i, namespace) for i in range(jobs))
    config = "global:\n  scrape_interval: 30s\n  evaluation_interval: 30s\n  external_labels:\n    cluster: bench\nscrape_configs:\n" + body
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {namespace}\n"
        f"  labels:\n    app.kubernetes.io/name: {name}\ndata:\n  prometheus.yml: |\n"
        + textwrap.indent(config, "    ")
    )


def workload(rng: random.Random, name: str, namespace: str, prometheus: bool) -> str:
    kind = "Deployment" if prometheus else rng.choice(["Deployment", "Deployment", "StatefulSet", "DaemonSet"])
    image = "quay.io/prometheus/prometheus:v3.5.0" if prometheus else f"registry.example.com/{name}:1.{rng.randint(0, 40)}.{rng.randint(0, 9)}"
    args = (
        '            - "--config.file=/etc/prometheus/prometheus.yml"\n'
        '            - "--storage.tsdb.path=/prometheus"\n'
        '            - "--storage.tsdb.retention.time=15d"\n'
        '            - "--web.enable-lifecycle"\n'
        if prometheus
        else f'            - "--port={rng.randint(8000, 9000)}"\n            - "--log-level=info"\n'
    )
    config_volume = (
        f"        - name: config\n          configMap:\n            name: {name}-config\n"
        if prometheus else
        f"        - name: config\n          configMap:\n            name: {name}-settings\n"
    )
    replicas = "" if kind == "DaemonSet" else f"  replicas: {rng.randint(1, 3)}\n"
    service_name = f"  serviceName: {name}\n" if kind == "StatefulSet" else ""
    return f"""\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: platform
    app.kubernetes.io/version: "1.{rng.randint(0, 40)}"
  annotations:
    deployment.kubernetes.io/revision: "{rng.randint(1, 30)}"
spec:
{replicas}{service_name}  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/part-of: platform
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "{rng.randint(8000, 9999)}"
        prometheus.io/path: /metrics
    spec:
      serviceAccountName: {name}
      automountServiceAccountToken: {"true" if prometheus or rng.random() < 0.5 else "false"}
      securityContext:
        runAsNonRoot: true
        runAsUser: {rng.randint(1000, 65000)}
        fsGroup: 2000
        seccompProfile:
          type: RuntimeDefault
      priorityClassName: platform-high
      terminationGracePeriodSeconds: 30
      nodeSelector:
        kubernetes.io/os: linux
      tolerations:
        - key: node-role.kubernetes.io/control-plane
          operator: Exists
          effect: NoSchedule
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: {name}
      initContainers:
        - name: init-chown
          image: busybox:1.36
          command: ["sh", "-c", "chown -R 65534:65534 /data"]
          volumeMounts:
            - name: data
              mountPath: /data
      containers:
        - name: {name}
          image: {image}
          imagePullPolicy: IfNotPresent
          args:
{args}          ports:
            - name: http
              containerPort: {9090 if prometheus else rng.randint(8000, 9000)}
              protocol: TCP
            - name: metrics
              containerPort: {rng.randint(9100, 9999)}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: GOMAXPROCS
              valueFrom:
                resourceFieldRef:
                  resource: limits.cpu
          resources:
            requests:
              cpu: {rng.randint(50, 500)}m
              memory: {rng.randint(64, 1024)}Mi
            limits:
              memory: {rng.randint(1024, 4096)}Mi
          readinessProbe:
            httpGet:
              path: /-/ready
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
          livenessProbe:
            httpGet:
              path: /-/healthy
              port: http
            failureThreshold: 6
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: config
              mountPath: /etc/{"prometheus" if prometheus else name}
              readOnly: true
            - name: data
              mountPath: /data
            - name: tmp
              mountPath: /tmp
        - name: {"config-reloader" if prometheus else "exporter"}
          image: {"quay.io/prometheus-operator/prometheus-config-reloader:v0.85.0" if prometheus else "quay.io/prometheus/statsd-exporter:v0.28.0"}
          args:
            - "--listen-address=:{rng.randint(8080, 8090)}"
            - "--watched-dir=/etc/config"
            - "--reload-url=http://127.0.0.1:9090/-/reload"
          ports:
            - name: sidecar-metrics
              containerPort: {rng.randint(8080, 8090)}
          env:
            - name: SHARD
              value: "{rng.randint(0, 9)}"
            - name: NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              cpu: 100m
              memory: 64Mi
          livenessProbe:
            tcpSocket:
              port: sidecar-metrics
            periodSeconds: 20
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            runAsNonRoot: true
            capabilities:
              drop: [ALL]
          volumeMounts:
            - name: config
              mountPath: /etc/config
              readOnly: true
      volumes:
{config_volume}        - name: data
          emptyDir:
            sizeLimit: 10Gi
        - name: tmp
          emptyDir: {{}}
"""


def settings_configmap(rng: random.Random, name: str, namespace: str) -> str:
    """An application's own settings: a large ConfigMap that is not a Prometheus config (must stay cheap)."""
    lines = [f"    {section}:" + "".join(
        f"\n      {key}_{i}: {rng.choice(['true', 'false', rng.randint(1, 10000), 'https://api.example.com/v1'])}"
        for i, key in enumerate(rng.sample(["timeout", "retries", "endpoint", "enabled", "pool", "cache", "limit", "ttl"], 6))
    ) for section in ("server", "client", "database", "cache", "features", "logging", "tracing", "limits")]
    return (
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-settings\n  namespace: {namespace}\n"
        f"  labels:\n    app.kubernetes.io/name: {name}\ndata:\n  LOG_LEVEL: info\n  REGION: eu-west-1\n"
        f"  settings.yaml: |\n" + "\n".join(lines) + "\n"
    )


def app(rng: random.Random, index: int, jobs: int | None = None) -> tuple[str, int]:
    """One app's file and the number of objects in it."""
    namespace = f"team-{index % 40 + 1}"
    prometheus = index % 3 == 0
    name = f"prometheus-{index}" if prometheus else f"app-{index}"
    cluster = prometheus or rng.random() < 0.3
    role_kind = "ClusterRole" if cluster else "Role"
    role_ns = "" if cluster else f"\n  namespace: {namespace}"
    binding_kind = "ClusterRoleBinding" if cluster else "RoleBinding"
    docs = [
        f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {namespace}\n"
        f"  labels:\n    app.kubernetes.io/name: {name}\n",
        f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {role_kind}\nmetadata:\n  name: {name}{role_ns}\n"
        f"  labels:\n    app.kubernetes.io/name: {name}\nrules:\n{rbac_rules(rng, rng.randint(5, 20), cluster)}\n",
        f"apiVersion: rbac.authorization.k8s.io/v1\nkind: {binding_kind}\nmetadata:\n  name: {name}{role_ns}\n"
        f"roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: {role_kind}\n  name: {name}\n"
        f"subjects:\n  - kind: ServiceAccount\n    name: {name}\n    namespace: {namespace}\n",
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {namespace}\n"
        f"  annotations:\n    prometheus.io/scrape: \"true\"\nspec:\n  selector:\n    app.kubernetes.io/name: {name}\n"
        f"  ports:\n    - name: http\n      port: 80\n      targetPort: http\n",
        workload(rng, name, namespace, prometheus),
    ]
    if prometheus:
        docs.append(prometheus_configmap(rng, name, namespace, jobs or rng.randint(10, 30)))
    else:
        docs.append(settings_configmap(rng, name, namespace))
    return "---\n".join(docs), len(docs)


def generate(directory: str, objects: int, seed: int = 7) -> tuple[int, int, int]:
    """Write apps under `directory` until `objects` objects exist. Returns (objects, files, bytes)."""
    rng = random.Random(seed)
    count = files = size = 0
    index = 0
    while count < objects:
        text, n = app(rng, index)
        sub = os.path.join(directory, f"team-{index % 40 + 1}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"app-{index:05d}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(text)
        count += n
        files += 1
        size += len(text.encode())
        index += 1
    return count, files, size


def single_file(path: str, lines: int = 300, seed: int = 11) -> int:
    """A Prometheus bundle of about `lines` lines (the lint-on-save case). Returns its line count."""
    jobs = 1
    while True:  # index 0 is a Prometheus: SA, ClusterRole, binding, Service, Deployment, ConfigMap with `jobs` jobs
        text, _ = app(random.Random(seed), 0, jobs)
        body = text.splitlines()
        if len(body) >= lines:
            break
        jobs += 1
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(body) + "\n")
    return len(body)


if __name__ == "__main__":  # pragma: no cover
    import sys

    target, n = sys.argv[1], int(sys.argv[2])
    print(generate(target, n))
