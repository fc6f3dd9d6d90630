"""Every YAML under deploy/ is valid for its kind, offline, and the files agree with each other.

Kubernetes kinds are checked against the schemas kubernetes-validate ships (strict: unknown
fields fail); KServe, Prometheus Operator, kustomize and prometheus.yml against the minimal
schemas vendored in tests/support/schemas (each cites the version it was derived from).
"""

from __future__ import annotations

import copy
import json
import shlex
import tomllib
from importlib.resources import files
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
from referencing import Registry, Resource

from mohawk_engine.cli import build_parser
from mohawk_engine.schemas.security import secret_prefix
from tests.support.deploy_manifests import DEPLOY, ROOT, all_documents, documents, engine_toml, manifests, of_kind, only

SCHEMAS = ROOT / "tests" / "support" / "schemas"
K8S_VERSIONS = ("1.29", kubernetes_validate.latest_version())  # the oldest cluster we claim, and the newest
CRD_SCHEMAS = {
    ("serving.kserve.io/v1alpha1", "ServingRuntime"): "servingruntime-serving.kserve.io-v1alpha1.json",
    ("serving.kserve.io/v1beta1", "InferenceService"): "inferenceservice-serving.kserve.io-v1beta1.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-monitoring.coreos.com-v1.json",
    ("monitoring.coreos.com/v1", "PodMonitor"): "podmonitor-monitoring.coreos.com-v1.json",
    ("kustomize.config.k8s.io/v1beta1", "Kustomization"): "kustomization-kustomize.config.k8s.io-v1beta1.json",
}
KUBERNETES_API_GROUPS = ("v1", "apps/v1")


def _registry() -> Registry:
    resources = [
        (schema["$id"], Resource.from_contents(schema))
        for schema in (json.loads(p.read_text()) for p in SCHEMAS.glob("*.json"))
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def vendored(name: str) -> jsonschema.Draft202012Validator:
    schema = REGISTRY.contents(f"https://schemas.mohawk.invalid/{name}")
    return jsonschema.Draft202012Validator(schema, registry=REGISTRY)


def k8s_fragment(name: str) -> jsonschema.Draft202012Validator:
    """A part of a Kubernetes object (e.g. container-v1) from kubernetes-validate's strict schemas."""
    schemas = files("kubernetes_validate") / "kubernetes-json-schema"
    folder = schemas / f"v{kubernetes_validate.latest_version()}-local-strict"
    schema = json.loads((folder / f"{name}.json").read_text())
    definitions = Resource.from_contents(json.loads((folder / "_definitions.json").read_text()))
    return jsonschema.Draft202012Validator(schema, registry=definitions @ Registry())


def serve_args(command: list[str], args: list[str]):
    assert command == ["mohawk-engine"], command
    parsed = build_parser().parse_args(args)
    assert parsed.command == "serve"
    return parsed


# --- every document is valid for its kind ---------------------------------------------------


def test_deploy_holds_the_expected_kinds():
    kinds = {doc["kind"] for _, doc in manifests()}
    assert kinds >= {
        "Namespace", "Deployment", "Service", "PersistentVolumeClaim", "ConfigMap", "Secret",
        "Kustomization", "ServingRuntime", "InferenceService", "ServiceMonitor", "PodMonitor",
    }  # fmt: skip


def _document_id(item: tuple[Path, object]) -> str:
    path, doc = item
    kind = doc.get("kind", "config") if isinstance(doc, dict) else "patch"
    return f"{path.relative_to(DEPLOY)}:{kind}"


@pytest.mark.parametrize(("path", "doc"), all_documents(), ids=map(_document_id, all_documents()))
def test_document_is_valid_for_its_kind(path: Path, doc):
    if path.name == "prometheus.yml":
        vendored("prometheus-config.json").validate(doc)
        return
    if isinstance(doc, list):  # a JSON 6902 patch file named by a kustomization
        vendored("json6902-patch.json").validate(doc)
        return
    key = (doc["apiVersion"], doc["kind"])
    if key in CRD_SCHEMAS:
        vendored(CRD_SCHEMAS[key]).validate(doc)
        return
    assert doc["apiVersion"] in KUBERNETES_API_GROUPS, f"{path}: no schema for {key}"
    for version in K8S_VERSIONS:
        kubernetes_validate.validate(doc, version, strict=True)


def test_schema_check_catches_a_misspelt_field():
    deployment = copy.deepcopy(only("Deployment", "kubernetes/base"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[1], strict=True)
    runtime = copy.deepcopy(only("ServingRuntime", "kserve"))
    runtime["spec"]["protocolVersions"] = ["v3"]
    assert list(vendored(CRD_SCHEMAS[("serving.kserve.io/v1alpha1", "ServingRuntime")]).iter_errors(runtime))


# --- kustomize ------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ["kubernetes/base", "kubernetes/overlays/gpu"])
def test_kustomization_names_files_that_exist(folder: str):
    directory = DEPLOY / folder
    kustomization = documents(directory / "kustomization.yaml")[0]
    for entry in kustomization.get("resources", []) + [p["path"] for p in kustomization.get("patches", [])]:
        assert (directory / entry).exists(), f"{folder}/kustomization.yaml names missing {entry}"


def test_base_kustomization_applies_everything_but_the_secret_template():
    base = DEPLOY / "kubernetes" / "base"
    listed = set(documents(base / "kustomization.yaml")[0]["resources"])
    on_disk = {p.name for p in base.glob("*.yaml")} - {"kustomization.yaml"}
    assert on_disk - listed == {"secret.example.yaml"}, "a placeholder Secret must never be applied"


def apply_json_patch(doc: dict, operations: list[dict]) -> dict:
    """The RFC 6902 add/replace operations kustomize applies (all the GPU overlay uses)."""
    doc = copy.deepcopy(doc)
    for op in operations:
        assert op["op"] in ("add", "replace"), op
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        target = doc
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target.append(op["value"]) if last == "-" else target.insert(int(last), op["value"])
        else:
            assert op["op"] == "add" or last in target, f"replace of missing {op['path']}"
            target[last] = op["value"]
    return doc


def test_gpu_overlay_patches_the_base_deployment_into_a_valid_one():
    overlay = DEPLOY / "kubernetes" / "overlays" / "gpu"
    kustomization = documents(overlay / "kustomization.yaml")[0]
    (patch,) = kustomization["patches"]
    base = only("Deployment", "kubernetes/base")
    assert patch["target"]["kind"] == base["kind"] and patch["target"]["name"] == base["metadata"]["name"]
    gpu = apply_json_patch(base, documents(overlay / patch["path"])[0])
    for version in K8S_VERSIONS:
        kubernetes_validate.validate(gpu, version, strict=True)
    pod = gpu["spec"]["template"]["spec"]
    assert pod["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert any(t["key"] == "nvidia.com/gpu" for t in pod["tolerations"])
    assert "nvidia.com/gpu" not in base["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]


def test_gpu_overlay_retags_the_image_the_base_produces():
    """kustomize applies the base's image rename first: the overlay must match the renamed image,
    or it silently keeps the CPU image."""
    (base_image,) = documents(DEPLOY / "kubernetes" / "base" / "kustomization.yaml")[0]["images"]
    (gpu_image,) = documents(DEPLOY / "kubernetes" / "overlays" / "gpu" / "kustomization.yaml")[0]["images"]
    container_image = only("Deployment", "kubernetes/base")["spec"]["template"]["spec"]["containers"][0]["image"]
    assert container_image.split(":")[0] == base_image["name"]
    assert gpu_image["name"] == base_image.get("newName", base_image["name"])
    assert gpu_image["newTag"].endswith("-cuda")


# --- the Kubernetes deployment agrees with itself and with the engine -----------------------


def test_ports_agree_across_deployment_service_probes_and_config(tmp_path: Path):
    deployment = only("Deployment", "kubernetes/base")
    service = only("Service", "kubernetes/base")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    (port,) = container["ports"]
    args = serve_args(container["command"], container["args"])
    config = engine_toml(only("ConfigMap", "kubernetes/base")["data"]["engine.toml"], tmp_path)
    probe_ports = {container[p]["httpGet"]["port"] for p in ("startupProbe", "livenessProbe", "readinessProbe")}
    target_ports = {p["targetPort"] for p in service["spec"]["ports"]}
    assert probe_ports == target_ports == {port["containerPort"]} == {args.port} == {config.server.port}
    assert service["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_probes_use_the_open_v2_health_routes():
    (container,) = only("Deployment", "kubernetes/base")["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert container["startupProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert {container[p]["httpGet"]["scheme"] for p in ("livenessProbe", "readinessProbe")} == {"HTTPS"}


def test_deployment_runs_locked_down_as_the_image_user():
    pod = only("Deployment", "kubernetes/base")["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == dockerfile_uid() != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert {"requests", "limits"} <= container["resources"].keys()


def dockerfile_uid() -> int:
    lines = (DEPLOY / "docker" / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    return int(users[-1].split(":")[0])


def test_volumes_hold_the_config_state_and_models_the_engine_uses(tmp_path: Path):
    deployment = only("Deployment", "kubernetes/base")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    configmap = only("ConfigMap", "kubernetes/base")
    config = engine_toml(configmap["data"]["engine.toml"], tmp_path)
    args = serve_args(container["command"], container["args"])
    assert volumes[mounts[str(args.config)]]["configMap"]["name"] == configmap["metadata"]["name"]
    claims = {c["metadata"]["name"] for c in of_kind("PersistentVolumeClaim")}
    for path in (config.paths.state_dir, config.paths.model_repository):
        assert volumes[mounts[str(path)]]["persistentVolumeClaim"]["claimName"] in claims
    assert "emptyDir" in volumes[mounts["/tmp"]], "a read-only root filesystem needs a writable /tmp"
    tls = tomllib.loads(configmap["data"]["engine.toml"])["tls"]
    for key in ("cert_file", "key_file"):
        assert "secret" in volumes[mounts[str(Path(tls[key]).parent)]]


def test_api_key_comes_from_the_secret_template():
    (container,) = only("Deployment", "kubernetes/base")["spec"]["template"]["spec"]["containers"]
    env = {e["name"]: e for e in container["env"]}
    ref = env["MOHAWK_BOOTSTRAP_KEY"]["valueFrom"]["secretKeyRef"]
    secrets = {s["metadata"]["name"]: s for s in of_kind("Secret")}
    placeholder = secrets[ref["name"]]["stringData"][ref["key"]]
    assert secret_prefix(placeholder) is None, "an unedited template must stop the engine, not open it"
    assert "value" not in env["MOHAWK_BOOTSTRAP_KEY"], "the key never sits in the manifest"


# --- KServe ---------------------------------------------------------------------------------


def test_serving_runtime_starts_the_engine_on_its_port_with_a_shipped_config(tmp_path: Path):
    runtime = only("ServingRuntime", "kserve")
    (container,) = runtime["spec"]["containers"]
    k8s_fragment("container-v1").validate(container)
    assert container["name"] == "kserve-container"
    args = serve_args(container["command"], container["args"])
    config_name = Path(str(args.config)).name
    assert f"deploy/docker/{config_name}" in copied_into_image()
    config = engine_toml((DEPLOY / "docker" / config_name).read_text(), tmp_path)
    (port,) = container["ports"]
    assert args.port == config.server.port == port["containerPort"] == 8080  # KServe's model-server port
    assert port["name"] == "http1"  # Knative takes the name as the protocol; "h2c" would be HTTP/2
    assert str(config.paths.model_repository) == "/mnt/models"  # where KServe's storage initializer puts models
    assert runtime["spec"]["protocolVersions"] == ["v2"]
    assert {f["name"] for f in runtime["spec"]["supportedModelFormats"]} == {"onnx", "pytorch"}
    hook = container["lifecycle"]["postStart"]["exec"]["command"]
    assert Path(hook[-1]).name == "ensure_session.py" and Path(hook[-1]).name in copied_into_image_names()
    assert {container[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe")} == {
        "/v2/health/live", "/v2/health/ready",
    }  # fmt: skip


def test_inference_service_uses_the_runtime_for_a_supported_format():
    runtime = only("ServingRuntime", "kserve")
    model = only("InferenceService", "kserve")["spec"]["predictor"]["model"]
    assert model["runtime"] == runtime["metadata"]["name"]
    assert model["protocolVersion"] in runtime["spec"]["protocolVersions"]
    assert model["modelFormat"]["name"] in {f["name"] for f in runtime["spec"]["supportedModelFormats"]}


def copied_into_image() -> set[str]:
    """Every source path the Dockerfile's COPY instructions take from the build context."""
    sources = set()
    for line in (DEPLOY / "docker" / "Dockerfile").read_text().splitlines():
        words = shlex.split(line) if line.startswith("COPY ") else []
        if words and not any(w.startswith("--from") for w in words):
            sources |= {w.rstrip("/") for w in words[1:-1]}
    return sources


def copied_into_image_names() -> set[str]:
    return {Path(p).name for p in copied_into_image()}


# --- Prometheus -----------------------------------------------------------------------------


def test_scrape_configs_send_a_bearer_token_to_metrics():
    config = documents(DEPLOY / "prometheus" / "prometheus.yml")[0]
    for job in config["scrape_configs"]:
        assert job["metrics_path"] == "/metrics"
        assert job["authorization"]["type"] == "Bearer" and job["authorization"]["credentials_file"]


def test_service_monitor_selects_the_engine_service_and_its_port():
    monitor = only("ServiceMonitor", "prometheus")
    service = only("Service", "kubernetes/base")
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    port_names = {p["name"] for p in service["spec"]["ports"]}
    secrets = {s["metadata"]["name"]: s for s in of_kind("Secret")}
    for endpoint in monitor["spec"]["endpoints"]:
        assert endpoint["port"] in port_names and endpoint["path"] == "/metrics"
        credentials = endpoint["authorization"]["credentials"]
        assert credentials["key"] in secrets[credentials["name"]]["stringData"]


def test_pod_monitor_scrapes_the_kserve_container_port():
    monitor = only("PodMonitor", "prometheus")
    (container,) = only("ServingRuntime", "kserve")["spec"]["containers"]
    assert {e["port"] for e in monitor["spec"]["podMetricsEndpoints"]} == {p["name"] for p in container["ports"]}


def test_grafana_dashboard_stays_where_the_docs_point():
    dashboard = ROOT / "resources" / "grafana" / "mohawk-dashboard.json"
    assert json.loads(dashboard.read_text())["panels"]
    assert "resources/grafana/mohawk-dashboard.json" in (DEPLOY / "prometheus" / "prometheus.yml").read_text()
