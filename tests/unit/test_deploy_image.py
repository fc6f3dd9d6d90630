"""The container image, checked without a Docker daemon: the Dockerfile's instructions, the files
it copies, and the helper scripts it ships, run against a real engine."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import ssl
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

from mohawk_engine.cli import build_parser
from mohawk_engine.client import EngineClient
from mohawk_engine.config import EngineConfig
from mohawk_engine.schemas import SessionState
from mohawk_engine.schemas.security import new_secret
from tests.support.deploy_manifests import ROOT, engine_toml, only

DOCKER = ROOT / "deploy" / "docker"


def instructions(path: Path = DOCKER / "Dockerfile") -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined, pending = [], ""
    for line in path.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        joined.append(pending + line.strip())
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in joined]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


def exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    assert isinstance(value, list), f"not the exec form: {arguments}"
    return value


def build_args() -> dict[str, str]:
    return dict(a.split("=", 1) for op, a in instructions() if op == "ARG" and "=" in a)


def image_config(name: str, tmp_path: Path) -> tuple[dict, EngineConfig]:
    """A TOML the image ships, as written and as the engine loads it."""
    text = (DOCKER / name).read_text()
    return tomllib.loads(text), engine_toml(text, tmp_path)


# --- the Dockerfile -------------------------------------------------------------------------


def test_image_is_python_311_slim_with_the_pinned_cpu_torch():
    args = build_args()
    froms = [a.split()[0] for op, a in instructions() if op == "FROM"]
    assert {f.replace("${PYTHON_IMAGE}", args["PYTHON_IMAGE"]) for f in froms} == {"python:3.11-slim"}
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"torch=={args['TORCH_VERSION']}" in pyproject["project"]["dependencies"]
    assert args["TORCH_INDEX_URL"].endswith("/whl/cpu") and args["ONNXRUNTIME_PACKAGE"] == "onnxruntime"


def test_final_stage_runs_as_a_non_root_user():
    users = [a for op, a in final_stage() if op == "USER"]
    assert users, "the final stage sets no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert re.search(rf"useradd .*--uid {user}\b", " ".join(a for op, a in final_stage() if op == "RUN"))


def test_nothing_is_fetched_by_add_or_unpinned():
    steps = instructions()
    assert not [a for op, a in steps if op == "ADD"], "ADD fetches URLs and unpacks archives; COPY says what it does"
    assert not [a for op, a in steps if op == "RUN" and re.search(r"\b(curl|wget)\b", a)]


def test_healthcheck_and_cmd_start_the_engine_in_exec_form():
    stage = final_stage()
    (healthcheck,) = [a for op, a in stage if op == "HEALTHCHECK"]
    probe = exec_form(healthcheck.split("CMD", 1)[1])
    script = Path(probe[-1]).name
    assert (DOCKER / script).exists() and probe[0] == "python"
    (cmd,) = [a for op, a in stage if op == "CMD"]
    command = exec_form(cmd)
    assert command[0] == "mohawk-engine"
    args = build_parser().parse_args(command[1:])
    assert args.command == "serve" and args.host == "0.0.0.0"
    assert not [a for op, a in stage if op == "ENTRYPOINT"], "a CMD alone lets Kubernetes args replace it"


def test_exposed_port_and_volumes_match_the_image_config(tmp_path: Path):
    stage = final_stage()
    (cmd,) = [a for op, a in stage if op == "CMD"]
    args = build_parser().parse_args(exec_form(cmd)[1:])
    _, config = image_config(Path(str(args.config)).name, tmp_path)
    (expose,) = [a for op, a in stage if op == "EXPOSE"]
    assert int(expose.split("/")[0]) == config.server.port
    (volumes,) = [exec_form(a) for op, a in stage if op == "VOLUME"]
    assert set(volumes) == {str(config.paths.state_dir), str(config.paths.model_repository)}
    env = " ".join(a for op, a in stage if op == "ENV")
    assert f"MOHAWK_STATE_DIR={config.paths.state_dir}" in env, "the health check reads engine.json there"


def test_every_copied_path_exists_and_is_in_the_build_context():
    ignore = [line for line in (DOCKER / "Dockerfile.dockerignore").read_text().splitlines() if line and line[0] != "#"]
    included = [line[1:].rstrip("/") for line in ignore if line.startswith("!")]
    assert ignore[0] == "*", "the context starts empty and names what goes in"
    for op, arguments in instructions():
        words = shlex.split(arguments)
        if op != "COPY" or any(w.startswith("--from") for w in words):
            continue
        for source in words[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: no such path"
            assert any(source.rstrip("/") == inc or source.startswith(inc + "/") for inc in included), source


@pytest.mark.parametrize("onnxruntime", ["onnxruntime", "onnxruntime-gpu"])
def test_image_installs_the_engine_without_the_console_stack(onnxruntime: str):
    script = [sys.executable, str(DOCKER / "engine_requirements.py"), str(ROOT / "pyproject.toml")]
    output = subprocess.run(
        [*script, "--onnxruntime", onnxruntime], capture_output=True, text=True, check=True
    ).stdout.split()
    names = {re.split(r"[\[<>=!~;]", line, maxsplit=1)[0].lower() for line in output}
    assert {"fastapi", "uvicorn", onnxruntime, "torch", "prometheus-client"} <= names
    assert not names & {"pyqt6", "pyqtgraph", "qasync"}
    assert len(names & {"onnxruntime", "onnxruntime-gpu"}) == 1
    pinned = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {line for line in output if line.startswith(("torch", "fastapi"))} <= set(pinned)


def test_kserve_config_serves_the_storage_initializer_folder(tmp_path: Path):
    raw, config = image_config("kserve.toml", tmp_path)
    assert str(config.paths.model_repository) == "/mnt/models" and config.server.port == 8080
    assert raw["security"]["auth"] == "on"


# --- the shipped configurations, served for real -------------------------------------------


async def test_kubernetes_config_serves_tls_with_keys_and_open_probes(
    model_repo: Path, engine_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The ConfigMap's engine.toml with its paths moved under tmp_path: what the pod would run."""
    certs = tmp_path / "certs"
    subprocess.run([sys.executable, "-m", "mohawk_engine", "certs", str(certs)], check=True, capture_output=True)
    text = only("ConfigMap", "kubernetes/base")["data"]["engine.toml"]
    raw = tomllib.loads(text)
    for option, name in (("cert_file", "server.pem"), ("key_file", "server-key.pem")):
        text = text.replace(raw["tls"][option], str(certs / name))
    (tmp_path / "engine.toml").write_text(text)
    admin = new_secret()
    monkeypatch.setenv("MOHAWK_BOOTSTRAP_KEY", admin)
    engine = engine_factory(model_repo, "--config", str(tmp_path / "engine.toml"))
    url = engine.start()
    assert url.startswith("https://")
    ca = ssl.create_default_context(cafile=certs / "ca.pem")
    async with httpx.AsyncClient(base_url=url, verify=ca) as http:
        assert (await http.get("/v2/health/live")).status_code == 200
        assert (await http.get("/v2/health/ready")).status_code == 200
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.post("/v2/models/mlp-tiny/infer", json={"inputs": []})).status_code == 401  # v2_auth
    async with EngineClient(url, token=admin, verify=ca) as client:
        created = await client.create_key("prometheus", ["read"])
    read_key = {"Authorization": f"Bearer {created.secret}"}
    async with httpx.AsyncClient(base_url=url, verify=ca, headers=read_key) as http:
        scrape = await http.get("/metrics")
        assert scrape.status_code == 200 and "nv_inference_request_success" in scrape.text
        assert (await http.post("/v1/sessions", json={})).status_code == 403  # read scope only
    result = run_script("healthcheck.py", env={"MOHAWK_STATE_DIR": str(engine.state_dir)})
    assert result.returncode == 0 and result.stdout.startswith("https://127.0.0.1:"), result.stdout


# --- the scripts the image ships, against a real engine -------------------------------------


def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DOCKER / name), *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}, cwd=ROOT,
    )  # fmt: skip


def test_healthcheck_passes_while_the_engine_lives(shared_engine):
    result = run_script("healthcheck.py", env={"MOHAWK_STATE_DIR": str(shared_engine.state_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "/v2/health/live: 200" in result.stdout


def test_healthcheck_fails_when_nothing_listens(tmp_path: Path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "engine.json").write_text(json.dumps({"url": f"http://0.0.0.0:{port}"}))
    result = run_script("healthcheck.py", env={"MOHAWK_STATE_DIR": str(tmp_path)})
    assert result.returncode == 1 and f"127.0.0.1:{port}" in result.stdout
    missing = run_script("healthcheck.py", env={"MOHAWK_STATE_DIR": str(tmp_path / "nowhere")})
    assert missing.returncode == 1 and "engine.json" in missing.stdout


async def test_ensure_session_deploys_once_and_waits_for_ready(shared_engine):
    args = ("--url", shared_engine.url, "--name", "kserve-tiny", "--model", "mlp-tiny")
    first = run_script("ensure_session.py", *args)
    assert first.returncode == 0, first.stderr
    assert "kserve-tiny READY" in first.stdout
    again = run_script("ensure_session.py", *args)
    assert again.returncode == 0, again.stderr
    async with EngineClient(shared_engine.url) as client:
        info = await client.get_session("kserve-tiny")
        assert info.state is SessionState.READY and info.spec.model == "mlp-tiny"
        assert info.version == 1, "the second run leaves the serving session alone"
        await client.delete_session("kserve-tiny")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "name the model to serve (MOHAWK_MODEL)"),
        (("--model", "no-such-model"), "no-such-model"),
    ],
)
def test_ensure_session_explains_what_it_cannot_deploy(shared_engine, extra: tuple[str, ...], message: str):
    result = run_script("ensure_session.py", "--url", shared_engine.url, "--name", "kserve-bad", *extra)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr


def test_byte_compiling_skips_what_python_311_cannot_compile(tmp_path: Path):
    """The torch wheel carries a Python 3.12-only test helper; byte-compiling it failed the build."""
    step = next(a for op, a in instructions() if op == "RUN" and "compileall" in a)
    excluded = re.search(r"compileall .*-x '([^']+)'", step)
    assert excluded, step
    unsupported = tmp_path / "site-packages" / "torch" / "testing" / "_internal" / "py312_intrinsics.py"
    unsupported.parent.mkdir(parents=True)
    unsupported.write_text("def f[T](x: T) -> T:\n    return x\n")
    fine = tmp_path / "site-packages" / "mohawk_engine.py"
    fine.write_text("x = 1\n")
    command = [sys.executable, "-m", "compileall", "-q", "-x", excluded.group(1), str(tmp_path)]
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert subprocess.run([*command[:4], *command[6:]], capture_output=True).returncode != 0
