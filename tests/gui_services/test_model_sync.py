"""ModelSync: one file pushed to real engines at once, through dropped connections and failures."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from pathlib import Path

import pytest

from mohawk_engine.client import EngineClient
from mohawk_gui.services.model_sync import ModelSync, SyncProgress, SyncState
from tests.gui_services.cutting_proxy import CuttingProxy
from tests.support.engine_process import EngineProcess

CHUNK = 1 << 20


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory):
    """Two engines on empty repositories, started side by side."""
    processes = []
    for name in ("a", "b"):
        base = tmp_path_factory.mktemp(f"sync-{name}")
        (base / "models").mkdir()
        processes.append(EngineProcess(base / "models", base / "state"))
    asyncio.run(_start_all(processes))
    yield processes
    for process in processes:
        process.kill()


async def _start_all(processes: list[EngineProcess]) -> None:
    await asyncio.gather(*(asyncio.to_thread(process.start) for process in processes))


@pytest.fixture
def tiny(demo_repo: Path) -> Path:
    return demo_repo / "mlp-tiny.onnx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _by_worker(events: list[SyncProgress], worker: str) -> list[SyncProgress]:
    return [event for event in events if event.worker == worker]


def _assert_monotonic(events: list[SyncProgress]) -> None:
    uploading = [e.done for e in events if e.state in (SyncState.UPLOADING, SyncState.VERIFYING, SyncState.DONE)]
    assert uploading == sorted(uploading), uploading
    hashing = [e.done for e in events if e.state is SyncState.HASHING]
    assert hashing == sorted(hashing) and hashing[-1] == events[-1].total


async def test_push_to_two_engines_at_once(engines, tiny):
    events: list[SyncProgress] = []
    clients = {name: EngineClient(engine.url) for name, engine in zip("ab", engines)}
    try:
        sync = ModelSync(clients.__getitem__, events.append, chunk_bytes=CHUNK)
        await sync.start(tiny, "synced", ["a", "b"])
        for worker, client in clients.items():
            mine = _by_worker(events, worker)
            states = [event.state for event in mine]
            assert states[0] is SyncState.HASHING and states[-1] is SyncState.DONE, states
            assert SyncState.UPLOADING in states and SyncState.VERIFYING in states
            _assert_monotonic(mine)
            assert mine[-1].percent == 100 and mine[-1].model.name == "synced"
            assert "synced" in {m.name for m in await client.list_models()}
        assert sync.sha256 == hashlib.sha256(tiny.read_bytes()).hexdigest()
    finally:
        for client in clients.values():
            await client.aclose()
    for engine in engines:
        assert (engine.model_repo / "synced.onnx").read_bytes() == tiny.read_bytes()


async def test_a_dropped_connection_resumes_without_starting_over(engines, tiny):
    size = tiny.stat().st_size
    events: list[SyncProgress] = []
    async with CuttingProxy(engines[1].port, cut_after=int(2.5 * CHUNK)) as proxy:
        async with EngineClient(proxy.url) as client:
            sync = ModelSync(lambda _: client, events.append, chunk_bytes=CHUNK, backoff_s=0.05)
            await sync.start(tiny, "resumed", ["b"])
    assert proxy.cuts == 1
    assert events[-1].state is SyncState.DONE, events[-1]
    _assert_monotonic(events)
    offsets = [e.done for e in events if e.state is SyncState.UPLOADING]
    assert any(offset % CHUNK for offset in offsets), offsets  # resumed from the prefix the engine kept
    # Every byte crossed the link about once: starting over would have sent the first 2.5 MiB again.
    assert size <= proxy.forwarded < size + CHUNK, (proxy.forwarded, size)
    assert (engines[1].model_repo / "resumed.onnx").read_bytes() == tiny.read_bytes()
    assert "Traceback" not in engines[1].output()  # the cut chunk was no server error


async def test_a_failing_worker_reports_why_while_the_other_completes_then_retries(engines, tiny):
    events: list[SyncProgress] = []
    port = _free_port()
    good, dead = EngineClient(engines[0].url), EngineClient(f"http://127.0.0.1:{port}", timeout=2.0)
    clients = {"good": good, "dead": dead}
    try:
        sync = ModelSync(clients.__getitem__, events.append, chunk_bytes=CHUNK, retries=1, backoff_s=0.05)
        await sync.start(tiny, "partly", ["good", "dead"])
        assert sync.states["good"].state is SyncState.DONE
        failed = sync.states["dead"]
        assert failed.state is SyncState.FAILED and "cannot reach engine" in failed.reason, failed
        assert failed.text().startswith("failed: ")
        async with CuttingProxy(engines[1].port, port=port):  # the worker comes back
            await sync.retry("dead")
        assert sync.states["dead"].state is SyncState.DONE, sync.states["dead"]
    finally:
        await good.aclose()
        await dead.aclose()
    assert (engines[1].model_repo / "partly.onnx").exists()


async def test_cancel_stops_and_drops_the_partial_upload(engines, tiny):
    events: list[SyncProgress] = []
    async with EngineClient(engines[0].url) as client:
        sync = ModelSync(lambda _: client, events.append, chunk_bytes=CHUNK // 4)
        sync.start(tiny, "cancelled", ["a"])
        while not any(e.state is SyncState.UPLOADING and e.done > 0 for e in events):
            await asyncio.sleep(0.01)
        await sync.cancel()
        assert sync.states["a"].state is SyncState.CANCELLED
        assert "cancelled" not in {upload.name for upload in await client.list_uploads()}
        assert not list((engines[0].model_repo / ".uploads").glob("*.part"))
        assert "cancelled" not in {m.name for m in await client.list_models()}
