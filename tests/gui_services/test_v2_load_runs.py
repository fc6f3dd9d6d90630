"""Load tests from the Benchmarks view against a worker of kind "v2": the real engine behind a proxy that
hides Mohawk's /v1 API (so it is a plain Open Inference Protocol v2 server), the real mohawk-bench CLI."""

from __future__ import annotations

import asyncio

import pytest

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.load_runs import LoadRun, LoadShape, build_spec
from mohawk_gui.services.run_store import RunStore
from tests.gui_services.path_proxy import PathProxy
from tests.gui_services.test_load_runs import Recorder
from tests.support.deploy import deploy

SESSION = "v2-load-mlp"


@pytest.fixture(scope="module")
def engine_port(shared_engine) -> int:
    asyncio.run(deploy(shared_engine.url, SESSION, "mlp-tiny"))
    return shared_engine.port


async def test_a_load_run_against_a_v2_worker_uses_only_the_v2_protocol_and_is_saved(engine_port, tmp_path):
    async with PathProxy("127.0.0.1", engine_port, hide=(b"/v1/",)) as proxy:
        settings = WorkerSettings(name="triton-like", url=proxy.url, kind="v2")
        recorder = Recorder()
        spec = build_spec(settings, SESSION, LoadShape(concurrency=2, duration_s=1.5))
        run = LoadRun(settings.name, spec, recorder, RunStore(tmp_path))
        saved = await asyncio.wait_for(run.run(), 60)

    assert recorder.failed == [] and recorder.finished == [saved]
    assert saved.worker == "triton-like" and saved.session == SESSION
    assert saved.result.totals.requests > 0 and saved.result.totals.errors == 0
    paths = proxy.paths()
    assert f"/v2/models/{SESSION}/infer" in paths
    assert [path for path in paths if not path.startswith("/v2/")] == [], "nothing but the v2 protocol"
