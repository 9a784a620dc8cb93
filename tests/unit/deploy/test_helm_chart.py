"""The Helm chart, rendered by the real Helm (v4 Go SDK from the helm-python-sdk wheel) and every
manifest checked field by field against the Kubernetes API models of the `kubernetes` package."""

import json
from pathlib import Path

import helm_python as helm
import kubernetes.client.models as k8s
import pytest
import yaml
from kubernetes.client import ApiClient

from alertmanager.cli.server import parse_args

ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "charts/alertmanager"
NS = "monitoring"

MODELS = {("apps/v1", "StatefulSet"): "V1StatefulSet", ("v1", "Service"): "V1Service",
          ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget", ("v1", "Secret"): "V1Secret",
          ("v1", "ConfigMap"): "V1ConfigMap", ("v1", "ServiceAccount"): "V1ServiceAccount"}
PRIMITIVES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "datetime": (str,),
              "date": (str,), "object": (object,)}


def check_fields(value, typ, path):
    """Every key must be a field of the model, recursively, with the right JSON type."""
    if typ.startswith("list["):
        assert isinstance(value, list), f"{path}: expected a list"
        for i, item in enumerate(value):
            check_fields(item, typ[5:-1], f"{path}[{i}]")
    elif typ.startswith(("dict(", "dict[")):
        assert isinstance(value, dict), f"{path}: expected a map"
        inner = typ[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            check_fields(item, inner, f"{path}.{key}")
    elif typ in PRIMITIVES:
        assert isinstance(value, PRIMITIVES[typ]), f"{path}: {value!r} is not {typ}"
        assert typ in ("bool", "object") or not isinstance(value, bool), f"{path}: bool where {typ} expected"
    else:
        model = getattr(k8s, typ)
        assert isinstance(value, dict), f"{path}: expected an object for {typ}"
        by_json = {j: attr for attr, j in model.attribute_map.items()}
        for key, item in value.items():
            assert key in by_json, f"{path}.{key}: no such field in {typ}"
            check_fields(item, model.openapi_types[by_json[key]], f"{path}.{key}")


class _Response:
    def __init__(self, doc):
        self.data = json.dumps(doc)


def validate(doc):
    model = MODELS.get((doc["apiVersion"], doc["kind"]))
    if model is None:
        assert (doc["apiVersion"], doc["kind"]) == ("monitoring.coreos.com/v1", "ServiceMonitor")
        assert set(doc) == {"apiVersion", "kind", "metadata", "spec"}
        check_fields(doc["metadata"], "V1ObjectMeta", "ServiceMonitor.metadata")
        return doc
    check_fields(doc, model, doc["kind"])
    # the client's own deserializer enforces required fields and enums on the way in
    ApiClient().deserialize(_Response(doc), model)
    return doc


def render(values=None):
    with helm.Chart.load(str(CHART)) as chart:
        files = chart.render(values or {}, name="am", namespace=NS)
    docs = []
    for name, text in files.items():
        if name.endswith(".yaml"):
            docs.extend(d for d in yaml.safe_load_all(text) if d)
    return [validate(d) for d in docs], files


def by_kind(docs, kind):
    return [d for d in docs if d["kind"] == kind]


SCENARIOS = {
    "defaults": {},
    "configmap-servicemonitor-5-replicas": {
        "replicaCount": 5, "config": {"kind": "ConfigMap"}, "serviceMonitor": {"enabled": True, "labels": {"p": "x"}},
        "externalUrl": "https://alerts.example.com", "extraArgs": ["--cluster.label=prod"],
        "templates": {"slack.tmpl": '{{ define "x" }}y{{ end }}'}, "priorityClassName": "alerting",
        "tolerations": [{"key": "dedicated", "operator": "Exists"}], "extraEnv": [{"name": "TZ", "value": "UTC"}]},
    "emptydir-hard-antiaffinity-service-peers": {
        "persistence": {"enabled": False}, "podAntiAffinity": "hard", "cluster": {"peers": "service"},
        "podDisruptionBudget": {"enabled": False}, "serviceAccount": {"create": False}},
    "config-as-string": {"config": {"content": "route:\n  receiver: s\nreceivers:\n  - name: s\n"}},
    "existing-secret-no-spread": {"config": {"existingName": "my-am-config"}, "topologySpread": {"enabled": False},
                                  "podAntiAffinity": "", "persistence": {"storageClassName": "gp3"}},
}


@pytest.fixture(scope="module", params=list(SCENARIOS), ids=list(SCENARIOS))
def rendered(request):
    values = SCENARIOS[request.param]
    docs, files = render(values)
    return values, docs, files


def statefulset(docs):
    (sts,) = by_kind(docs, "StatefulSet")
    return sts


def test_helm_lint_is_clean():
    result = helm.lint(str(CHART), strict=True)
    assert result["errors"] == []
    assert all(m["severity"] <= 1 for m in result["messages"]), result["messages"]  # info only


def test_every_manifest_validates_and_names_are_unique(rendered):
    _, docs, _ = rendered
    keys = [(d["kind"], d["metadata"]["name"]) for d in docs]
    assert len(keys) == len(set(keys))
    assert all(d["metadata"]["namespace"] == NS for d in docs)


def test_statefulset_replicas_parallel_and_headless(rendered):
    values, docs, _ = rendered
    sts = statefulset(docs)["spec"]
    assert sts["replicas"] == values.get("replicaCount", 3)
    assert sts["podManagementPolicy"] == "Parallel"
    headless = [s for s in by_kind(docs, "Service") if s["spec"].get("clusterIP") == "None"]
    assert [s["metadata"]["name"] for s in headless] == [sts["serviceName"]]
    spec = headless[0]["spec"]
    assert spec["publishNotReadyAddresses"] is True
    assert {(p["port"], p["protocol"]) for p in spec["ports"]} >= {(9094, "TCP"), (9094, "UDP")}
    pod_labels = sts["template"]["metadata"]["labels"]
    assert spec["selector"].items() <= pod_labels.items()
    assert sts["selector"]["matchLabels"].items() <= pod_labels.items()


def test_api_service_exposes_9093(rendered):
    _, docs, _ = rendered
    (api,) = [s for s in by_kind(docs, "Service") if s["spec"].get("clusterIP") != "None"]
    assert [(p["port"], p["targetPort"]) for p in api["spec"]["ports"]] == [(9093, "http")]


def _container(docs):
    (c,) = statefulset(docs)["spec"]["template"]["spec"]["containers"]
    return c


def test_container_ports_and_probes(rendered):
    _, docs, _ = rendered
    c = _container(docs)
    assert {(p["name"], p["containerPort"], p["protocol"]) for p in c["ports"]} == {
        ("http", 9093, "TCP"), ("gossip-tcp", 9094, "TCP"), ("gossip-udp", 9094, "UDP")}
    assert c["livenessProbe"]["httpGet"] == {"path": "/-/healthy", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/-/ready", "port": "http"}


def test_args_parse_and_name_every_replica_as_a_peer(rendered):
    values, docs, _ = rendered
    c = _container(docs)
    assert [e for e in c["env"] if e["name"] == "POD_IP"][0]["valueFrom"]["fieldRef"]["fieldPath"] == "status.podIP"
    opts = parse_args([a.replace("$(POD_IP)", "10.1.2.3") for a in c["args"]])
    assert str(opts.config_file) == "/etc/alertmanager/alertmanager.yml"
    assert str(opts.storage_path) == "/alertmanager"
    assert opts.cluster.advertise_address == "10.1.2.3:9094"
    headless = f"am-alertmanager-headless.{NS}.svc.cluster.local"
    if values.get("cluster", {}).get("peers") == "service":
        assert opts.cluster.peers == (f"{headless}:9094",)
    else:
        n = values.get("replicaCount", 3)
        assert opts.cluster.peers == tuple(f"am-alertmanager-{i}.{headless}:9094" for i in range(n))
    if "externalUrl" in values:
        assert opts.external_url == values["externalUrl"]


def test_spread_over_zones_and_nodes(rendered):
    values, docs, _ = rendered
    pod = statefulset(docs)["spec"]["template"]["spec"]
    mode = values.get("podAntiAffinity", "soft")
    anti = pod.get("affinity", {}).get("podAntiAffinity", {})
    if mode == "soft":
        (term,) = anti["preferredDuringSchedulingIgnoredDuringExecution"]
        assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    elif mode == "hard":
        (term,) = anti["requiredDuringSchedulingIgnoredDuringExecution"]
        assert term["topologyKey"] == "kubernetes.io/hostname"
    else:
        assert "affinity" not in pod
    if values.get("topologySpread", {}).get("enabled", True):
        (spread,) = pod["topologySpreadConstraints"]
        assert spread["topologyKey"] == "topology.kubernetes.io/zone" and spread["maxSkew"] == 1
        assert spread["labelSelector"]["matchLabels"].items() <= statefulset(docs)["spec"]["template"][
            "metadata"]["labels"].items()
    else:
        assert "topologySpreadConstraints" not in pod


def test_pdb_allows_one_disruption(rendered):
    values, docs, _ = rendered
    pdbs = by_kind(docs, "PodDisruptionBudget")
    if values.get("podDisruptionBudget", {}).get("enabled", True):
        (pdb,) = pdbs
        assert pdb["spec"]["maxUnavailable"] == 1
        assert pdb["spec"]["selector"]["matchLabels"] == statefulset(docs)["spec"]["selector"]["matchLabels"]
    else:
        assert pdbs == []


def test_storage_volume(rendered):
    values, docs, _ = rendered
    sts = statefulset(docs)["spec"]
    mounts = {m["name"]: m["mountPath"] for m in _container(docs)["volumeMounts"]}
    assert mounts["storage"] == "/alertmanager"
    volumes = {v["name"]: v for v in sts["template"]["spec"]["volumes"]}
    if values.get("persistence", {}).get("enabled", True):
        (claim,) = sts["volumeClaimTemplates"]
        assert claim["metadata"]["name"] == "storage" and "storage" not in volumes
        assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
        assert claim["spec"].get("storageClassName") == values.get("persistence", {}).get("storageClassName")
    else:
        assert "volumeClaimTemplates" not in sts and volumes["storage"] == {"name": "storage", "emptyDir": {}}


def test_config_object_and_mount(rendered):
    values, docs, _ = rendered
    config = values.get("config", {})
    kind = config.get("kind", "Secret")
    volumes = {v["name"]: v for v in statefulset(docs)["spec"]["template"]["spec"]["volumes"]}
    name = config.get("existingName") or "am-alertmanager"
    if kind == "Secret":
        assert volumes["config"]["secret"] == {"secretName": name}
    else:
        assert volumes["config"]["configMap"] == {"name": name}
    objects = by_kind(docs, kind)
    if config.get("existingName"):
        assert objects == []
        return
    (obj,) = objects
    files = obj["stringData"] if kind == "Secret" else obj["data"]
    expected = config.get("content", yaml.safe_load((CHART / "values.yaml").read_text())["config"]["content"])
    if isinstance(expected, str):
        assert files["alertmanager.yml"] == expected
    else:
        assert yaml.safe_load(files["alertmanager.yml"]) == expected
    for tmpl_name, text in values.get("templates", {}).items():
        assert files[tmpl_name].rstrip("\n") == text


def test_service_monitor_is_optional(rendered):
    values, docs, _ = rendered
    monitors = by_kind(docs, "ServiceMonitor")
    if not values.get("serviceMonitor", {}).get("enabled"):
        assert monitors == []
        return
    (sm,) = monitors
    (endpoint,) = sm["spec"]["endpoints"]
    assert endpoint["port"] == "http" and endpoint["path"] == "/metrics"
    assert sm["metadata"]["labels"]["p"] == "x"
    selected = [s for s in by_kind(docs, "Service")
                if sm["spec"]["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()]
    assert [s["spec"]["clusterIP"] for s in selected] == ["None"]  # each pod once, via the headless Service


def test_config_change_rolls_pods_through_the_checksum():
    def checksum(values):
        return statefulset(render(values)[0])["spec"]["template"]["metadata"]["annotations"]["checksum/config"]

    base = checksum({})
    assert checksum({}) == base
    assert checksum({"config": {"content": {"route": {"receiver": "other"}, "receivers": [{"name": "other"}]}}}) != base
    assert checksum({"templates": {"a.tmpl": "x"}}) != base
    assert checksum({"replicaCount": 4}) == base


@pytest.mark.parametrize(("values", "message"), [
    ({"config": {"kind": "Deployment"}}, "config.kind must be Secret or ConfigMap"),
    ({"cluster": {"peers": "gossip"}}, "cluster.peers must be pods or service"),
    ({"replicas": 3}, "additional properties 'replicas' not allowed"),
    ({"replicaCount": "three"}, "replicaCount"),
    ({"podAntiAffinity": "always"}, "podAntiAffinity"),
], ids=["bad-config-kind", "bad-peers-mode", "misspelt-key", "non-integer-replicas", "bad-anti-affinity"])
def test_invalid_values_fail_to_render(values, message):
    with pytest.raises(helm.HelmError, match=message):
        render(values)


PASSTHROUGH = {"resources", "podSecurityContext", "securityContext", "livenessProbe", "readinessProbe", "content"}


def test_values_are_documented():
    """Every chart key (top level and one below) has a `# --` comment right above it."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    parent = None
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if not stripped or stripped.startswith(("#", "-")) or ":" not in stripped:
            continue
        depth = len(line) - len(stripped)
        key = stripped.split(":", 1)[0]
        if depth == 0:
            parent = key
        if depth == 0 or (depth == 2 and parent not in PASSTHROUGH):
            above = i - 1
            while lines[above].lstrip().startswith("#") and not lines[above].lstrip().startswith("# --"):
                above -= 1
            assert lines[above].lstrip().startswith("# --"), f"values.yaml line {i + 1}: {key!r} is undocumented"
