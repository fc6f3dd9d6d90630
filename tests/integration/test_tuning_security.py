"""Tuning on an engine with API keys on the v2 data plane, and on one with mutual TLS."""

from __future__ import annotations

import sqlite3
import ssl
import time

import httpx
import pytest

from mohawk_engine.cli import main as cli_main
from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import SessionSpec, SessionState
from mohawk_engine.schemas.tuning import LoadLevels, SearchSpace, TuningStatus, TuningTaskRequest
from mohawk_engine.security.certs import write_bundle
from tests.integration.test_auth import bearer, start_engine
from tests.integration.test_tuning import wait_for, wait_for_bench
from tests.support.deploy import deploy
from tests.support.engine_process import EngineProcess

TOKEN_ENV = "MOHAWK_BENCH_TOKEN"
INFER_BODY = {"inputs": [{"name": "input", "shape": [1, 512], "datatype": "FP32", "data": [0.5] * 512}]}


@pytest.fixture(scope="module")
def v2_secured(tmp_path_factory, demo_repo):
    state = tmp_path_factory.mktemp("state")
    config = tmp_path_factory.mktemp("conf") / "engine.toml"
    config.write_text("[security]\nv2_auth = true\n")
    process, admin = start_engine(demo_repo, state, "--config", str(config))
    yield process, admin, state
    process.kill()


async def test_the_bench_gets_an_ephemeral_infer_key_that_is_never_stored_and_dies_with_the_task(v2_secured):
    process, admin, state = v2_secured
    load = LoadLevels(concurrency=[2], duration_s=1.5, warmup_s=0.2)
    request = TuningTaskRequest(session="tiny", space=SearchSpace(max_batch_size=[4]), load=load)
    async with EngineClient(process.url, token=admin) as client:
        await client.create_session(SessionSpec(name="tiny", model="mlp-tiny"))
        await client.wait_for_state("tiny", timeout=120)
        created = await client.create_tuning_task(request)
        bench = await wait_for_bench(process.proc.pid)
        secret = bench.environ().get(TOKEN_ENV)
        assert secret and secret.startswith("mhk_") and not any(secret in arg for arg in bench.cmdline())
        async with httpx.AsyncClient(base_url=process.url) as http:
            during = await http.post("/v2/models/tiny/infer", json=INFER_BODY, headers=bearer(secret))
            assert during.status_code == 200
            change = await http.delete("/v1/sessions/tiny", headers=bearer(secret))
            assert change.status_code == 403 and "lacks the 'admin' scope" in change.json()["error"]
            info = await wait_for(client, created.id, lambda i: i.status.finished)
            after = await http.post("/v2/models/tiny/infer", json=INFER_BODY, headers=bearer(secret))
            assert after.status_code == 401 and "invalid or revoked" in after.json()["error"]
        assert info.status is TuningStatus.COMPLETED, info.error
        (experiment,) = info.experiments
        assert experiment.status == "ok", experiment.reason
        assert experiment.requests > 0 and experiment.errors == 0 and experiment.throughput > 0
        assert [k.label for k in await client.keys()] == ["ops"]
        assert [s.name for s in await client.list_sessions()] == ["tiny"]
        index = (await client._http.post("/v2/repository/index", json={})).json()
        assert [entry["name"] for entry in index] == ["tiny"]
    prefix = secret.split("_")[1]
    with sqlite3.connect(state / "mohawk.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM api_keys WHERE prefix = ?", (prefix,)).fetchone() == (0,)
        assert [r[0] for r in db.execute("SELECT name FROM sessions")] == ["tiny"]


async def test_tuning_calls_are_audited_by_name(v2_secured):
    process, admin, _ = v2_secured
    started = time.time()
    slow = LoadLevels(concurrency=[1], duration_s=30)
    request = TuningTaskRequest(session="tiny", space=SearchSpace(max_queue_delay_us=[0, 100]), load=slow)
    async with EngineClient(process.url, token=admin) as client:
        created = await client.create_tuning_task(request)
        cancelled = await client.cancel_tuning_task(created.id)
        assert cancelled.status is TuningStatus.CANCELLED
        await client.delete_tuning_task(created.id)
        records = await client.audit(since=started)
    rows = [(r.action, r.target, r.result) for r in reversed(records)]
    task = str(created.id)
    assert rows == [("tuning.create", "tiny", 201), ("tuning.cancel", task, 200), ("tuning.delete", task, 200)]


async def test_mutual_tls_refuses_tuning_up_front_naming_the_setting(tmp_path, model_repo):
    """A new task is refused with a 409; one queued before a restart with mutual TLS fails at once."""
    plain = EngineProcess(model_repo, tmp_path / "state")
    plain.start()
    try:
        await deploy(plain.url, "tiny", "mlp-tiny")
        slow = LoadLevels(concurrency=[1], duration_s=30)
        request = TuningTaskRequest(session="tiny", space=SearchSpace(max_batch_size=[1, 2]), load=slow)
        async with EngineClient(plain.url) as client:
            queued = await client.create_tuning_task(request)
            await wait_for_bench(plain.proc.pid)
    finally:
        plain.kill()
    write_bundle(tmp_path / "certs", ("localhost", "127.0.0.1"), days=2, client="console")
    certs = tmp_path / "certs"
    mtls = EngineProcess(
        model_repo, tmp_path / "state",
        "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server-key.pem"),
        "--tls-client-ca", str(certs / "ca.pem"),
    )  # fmt: skip
    mtls.start()
    try:
        context = ssl.create_default_context(cafile=certs / "ca.pem")
        context.load_cert_chain(certs / "client.pem", certs / "client-key.pem")
        async with EngineClient(mtls.url, verify=context) as client:
            failed = await wait_for(client, queued.id, lambda i: i.status.finished, timeout=30)
            assert failed.status is TuningStatus.FAILED and failed.experiments == []
            assert "tuning needs a client certificate" in failed.error and "[tls] client_ca_file" in failed.error
            with pytest.raises(EngineClientError) as refused:
                await client.create_tuning_task(request)
            assert refused.value.status == 409 and "[tls] client_ca_file" in refused.value.message
            assert [t.id for t in await client.tuning_tasks()] == [queued.id]
            assert (await client.wait_for_state("tiny")).state is SessionState.READY
            assert [s.name for s in await client.list_sessions()] == ["tiny"]
    finally:
        mtls.kill()


async def test_mutual_tls_tuning_with_a_client_certificate_measures_the_engine(tmp_path, model_repo):
    """With [tls] tuning_cert_file / tuning_key_file the bench gets through mutual TLS and measures."""
    certs = tmp_path / "certs"
    write_bundle(certs, ("localhost", "127.0.0.1"), days=2, client="console")
    assert cli_main(["certs", str(certs), "--add-client", "tuning"]) == 0  # the bench's own, from the same CA
    config = tmp_path / "engine.toml"
    config.write_text(
        "[tls]\n"
        f'cert_file = "{certs / "server.pem"}"\n'
        f'key_file = "{certs / "server-key.pem"}"\n'
        f'client_ca_file = "{certs / "ca.pem"}"\n'
        f'tuning_cert_file = "{certs / "tuning.pem"}"\n'
        f'tuning_key_file = "{certs / "tuning-key.pem"}"\n'
    )
    mtls = EngineProcess(model_repo, tmp_path / "state", "--config", str(config))
    mtls.start()
    try:
        context = ssl.create_default_context(cafile=certs / "ca.pem")
        context.load_cert_chain(certs / "client.pem", certs / "client-key.pem")
        async with EngineClient(mtls.url, verify=context) as client:
            await client.create_session(SessionSpec(name="tiny", model="mlp-tiny"))
            assert (await client.wait_for_state("tiny")).state is SessionState.READY
            load = LoadLevels(concurrency=[2], duration_s=0.5, warmup_s=0.1)
            request = TuningTaskRequest(session="tiny", space=SearchSpace(max_batch_size=[1, 4]), load=load)
            task = await client.create_tuning_task(request)
            done = await wait_for(client, task.id, lambda i: i.status.finished, timeout=90)
        assert done.status is TuningStatus.COMPLETED, done.error
        assert [e.status for e in done.experiments] == ["ok", "ok"]
        assert all(e.throughput > 0 and e.errors == 0 for e in done.experiments)
    finally:
        mtls.kill()
