"""A fleet: three real engines on distinct loopback addresses (Linux routes all of 127/8 to lo), one
connection manager. The fleet's figures add up across workers; one engine killed goes offline while
the others stay online and keep the figures moving, and the event loop never stalls."""

from __future__ import annotations

import asyncio
import contextlib
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.fleet_state import FleetState
from mohawk_gui.services.fleet_stats import fleet_totals
from mohawk_gui.services.listener import OFFLINE
from tests.gui_services.recording_listener import RecordingListener
from tests.support.deploy import deploy
from tests.support.engine_process import EngineProcess

HOSTS = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
MLP_BODY = {"inputs": [{"name": "input", "shape": [1, 512], "datatype": "FP32", "data": [0.5] * 512}]}


class FleetRecorder(RecordingListener):
    """Records the callbacks and keeps a FleetState the way the console's tracker does."""

    def __init__(self) -> None:
        super().__init__()
        self.fleet = FleetState()

    def on_worker_added(self, worker: str, client) -> None:
        self.calls["on_worker_added"].append((worker, client))
        self.fleet.add(worker, client.base_url)

    def on_state(self, worker: str, state: str, reason: str | None) -> None:
        super().__getattr__("on_state")(worker, state, reason)
        self.fleet.set_state(worker, state, reason or "")

    def on_sessions(self, worker: str, sessions: list) -> None:
        self.calls["on_sessions"].append((worker, sessions))
        self.fleet.get(worker).sessions = sessions

    def on_metrics(self, worker: str, snapshot) -> None:
        self.calls["on_metrics"].append((worker, snapshot))
        if self.fleet.get(worker).reachable:
            self.fleet.get(worker).metrics = snapshot


class StallMeter:
    """A coroutine ticking every 10 ms that keeps the longest gap between its ticks."""

    def __init__(self) -> None:
        self.longest_s = 0.0
        self._task = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            self.longest_s = max(self.longest_s, now - last)
            last = now

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@pytest.fixture
def fleet_engines(demo_repo, tmp_path):
    engines = [EngineProcess(demo_repo, tmp_path / f"state-{i}", host=host) for i, host in enumerate(HOSTS)]
    with ThreadPoolExecutor(len(engines)) as pool:
        list(pool.map(lambda engine: engine.start(), engines))
    yield engines
    for engine in engines:
        engine.kill()


async def _traffic(url: str) -> None:
    """One lane of mlp-tiny inferences, until cancelled; a dead engine only makes it wait and retry."""
    async with httpx.AsyncClient(base_url=url, timeout=2) as client:
        while True:
            try:
                await client.post("/v2/models/fleet-mlp/infer", json=MLP_BODY)
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
            await asyncio.sleep(0.02)


def _live_rate(listener: FleetRecorder, worker: str) -> float:
    metrics = listener.fleet.get(worker).metrics
    return metrics.requests_per_s if metrics else 0.0


async def test_three_engines_add_up_and_one_killed_degrades_only_itself(fleet_engines, fast_refresh):
    assert [engine.url.split("//")[1].split(":")[0] for engine in fleet_engines] == list(HOSTS)
    await asyncio.gather(*(deploy(engine.url, "fleet-mlp", "mlp-tiny") for engine in fleet_engines))
    listener = FleetRecorder()
    manager = ConnectionManager(listener, fast_refresh, initial_backoff_s=0.1)
    names = [f"w{i}" for i in range(len(fleet_engines))]
    for name, engine in zip(names, fleet_engines, strict=True):
        manager.add_worker(WorkerSettings(name=name, url=engine.url))
    traffic = [asyncio.ensure_future(_traffic(engine.url)) for engine in fleet_engines]
    meter = StallMeter()
    try:
        await listener.wait_for(lambda: all(listener.answering(name) for name in names), what="all online")
        await listener.wait_for(
            lambda: all(_live_rate(listener, name) > 0 for name in names), timeout=20, what="traffic on every worker"
        )
        totals = fleet_totals(listener.fleet)
        assert (totals.workers, totals.workers_up, totals.sessions_ready) == (3, 3, 3)
        assert totals.requests_per_s == pytest.approx(sum(_live_rate(listener, name) for name in names))
        assert len({info.worker_id for _, info in listener.calls["on_server_info"]}) == 3, "three distinct engines"

        fleet_engines[1].kill()
        await listener.wait_for(lambda: listener.state("w1") == OFFLINE, what="w1 offline")
        assert "connection refused" in listener.reason("w1")
        seen = len(listener.calls["on_metrics"])
        await asyncio.sleep(1.0)
        survivors = {worker for worker, _ in listener.calls["on_metrics"][seen:]}
        assert survivors == {"w0", "w2"}, "the others keep streaming; the dead one sends nothing"
        assert listener.answering("w0") and listener.answering("w2")
        after = fleet_totals(listener.fleet)
        assert (after.workers, after.workers_up) == (3, 2)
        assert after.requests_per_s == pytest.approx(_live_rate(listener, "w0") + _live_rate(listener, "w2"))
        assert after.requests_per_s > 0
    finally:
        await meter.stop()
        for lane in traffic:
            lane.cancel()
        await asyncio.gather(*traffic, return_exceptions=True)
        await manager.close()
    print(f"longest event-loop gap: {meter.longest_s * 1000:.0f} ms")
    assert meter.longest_s < 0.25, f"the event loop stalled for {meter.longest_s * 1000:.0f} ms"
