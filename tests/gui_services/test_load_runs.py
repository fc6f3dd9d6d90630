"""Load runs from the console's services: the real mohawk_bench CLI against a real engine, results in a real store."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta

import pytest

from mohawk_bench.results import ProgressSample
from mohawk_gui.services.config import TlsSettings, WorkerSettings
from mohawk_gui.services.load_runs import InvalidLoad, LoadRun, LoadShape, build_spec
from mohawk_gui.services.run_store import RunStore, SavedRun
from tests.support.deploy import deploy

SESSION = "load-mlp"


class Recorder:
    """The listener: what the run reported, in order."""

    def __init__(self) -> None:
        self.samples: list[ProgressSample] = []
        self.finished: list[SavedRun] = []
        self.failed: list[str] = []
        self.first_sample = asyncio.Event()

    def on_sample(self, sample: ProgressSample) -> None:
        self.samples.append(sample)
        self.first_sample.set()

    def on_finished(self, run: SavedRun) -> None:
        self.finished.append(run)

    def on_failed(self, message: str) -> None:
        self.failed.append(message)


@pytest.fixture(scope="module")
def engine_url(shared_engine) -> str:
    asyncio.run(deploy(shared_engine.url, SESSION, "mlp-tiny"))
    return shared_engine.url


def _run(url: str, session: str, shape: LoadShape, store: RunStore) -> tuple[LoadRun, Recorder]:
    recorder = Recorder()
    spec = build_spec(WorkerSettings(name="w1", url=url), session, shape)
    return LoadRun("w1", spec, recorder, store), recorder


async def test_a_closed_loop_run_reports_samples_and_is_saved(engine_url, tmp_path):
    store = RunStore(tmp_path / "runs")
    run, recorder = _run(engine_url, SESSION, LoadShape(concurrency=2, duration_s=2.0), store)
    saved = await asyncio.wait_for(run.run(), 60)

    assert recorder.failed == [] and recorder.finished == [saved]
    assert len(recorder.samples) >= 2 and recorder.samples[0].throughput > 0
    assert saved.worker == "w1" and saved.session == SESSION and not saved.result.stopped
    assert saved.result.totals.requests > 0 and saved.result.totals.errors == 0
    assert saved.result.latency.p99_ms is not None and saved.result.latency.p99_ms >= saved.result.latency.p50_ms

    again = RunStore(tmp_path / "runs")  # another store on the same folder: what a restarted console sees
    assert [r.id for r in again.list()] == [saved.id]
    assert again.load(saved.id).result.totals == saved.result.totals
    assert not run.running and run.pid is not None


async def test_stopping_mid_run_keeps_the_partial_result(engine_url, tmp_path):
    store = RunStore(tmp_path / "runs")
    run, recorder = _run(engine_url, SESSION, LoadShape(concurrency=2, duration_s=60.0), store)
    task = asyncio.ensure_future(run.run())
    await asyncio.wait_for(recorder.first_sample.wait(), 30)
    started = asyncio.get_running_loop().time()
    run.stop()
    saved = await asyncio.wait_for(task, 30)

    assert asyncio.get_running_loop().time() - started < 15
    assert saved is not None and saved.result.stopped
    assert 0 < saved.result.totals.duration_s < 30 and saved.result.totals.requests > 0
    assert recorder.failed == [] and store.list()[0].id == saved.id


async def test_an_unknown_session_fails_with_the_engines_message(engine_url, tmp_path):
    store = RunStore(tmp_path / "runs")
    run, recorder = _run(engine_url, "no-such-session", LoadShape(duration_s=1.0), store)
    assert await asyncio.wait_for(run.run(), 60) is None
    assert recorder.finished == [] and len(recorder.failed) == 1
    assert "no-such-session" in recorder.failed[0] and "404" in recorder.failed[0]
    assert store.list() == []


async def test_an_offline_worker_fails_with_a_message(tmp_path):
    run, recorder = _run("http://127.0.0.1:9", SESSION, LoadShape(duration_s=1.0), RunStore(tmp_path))
    assert await asyncio.wait_for(run.run(), 60) is None
    assert len(recorder.failed) == 1 and "cannot read http://127.0.0.1:9" in recorder.failed[0]


def test_a_bad_load_shape_names_each_field_and_what_it_expects():
    worker = WorkerSettings(name="w1", url="https://10.0.0.5:8003", token="s3cret", tls=TlsSettings(verify=False))
    with pytest.raises(InvalidLoad) as error:
        build_spec(worker, SESSION, LoadShape(concurrency=0, duration_s=None, requests=None))
    assert "concurrency: Input should be greater than or equal to 1" in str(error.value)
    with pytest.raises(InvalidLoad, match="open loop needs a rate"):
        build_spec(worker, SESSION, LoadShape(mode="open"))
    spec = build_spec(worker, SESSION, LoadShape(mode="open", rate=50.0, arrival="poisson", processes=2))
    assert spec.token_value() == "s3cret" and spec.tls.verify is False and spec.rate == 50.0
    assert "s3cret" not in spec.model_dump_json()


def test_the_store_lists_newest_first_skips_broken_files_and_deletes(tmp_path):
    from tests.support.load_results import sample_result

    store = RunStore(tmp_path)
    base = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    older = store.save("a", sample_result(started_at=base))
    newer = store.save("b", sample_result(started_at=base + timedelta(minutes=5)))
    (tmp_path / "20260101-000000-deadbeef.json").write_text("{not json")
    assert [run.id for run in store.list()] == [newer.id, older.id]
    store.delete(older.id)
    assert [run.id for run in store.list()] == [newer.id]
    with pytest.raises(KeyError, match="not a run id"):
        store.load("../../etc/passwd")
    with pytest.raises(KeyError, match="no saved run"):
        store.delete(older.id)
    assert sorted(os.listdir(tmp_path)) == ["20260101-000000-deadbeef.json", f"{newer.id}.json"]
