"""SessionManager.remove: a temporary session (a tuning candidate) leaves nothing behind in the manager.

A real manager over the demo repository and a real SQLite state store, in this process.
"""

from __future__ import annotations

from mohawk_engine.placement.devices import DeviceInventory
from mohawk_engine.repository.repository import ModelRepository
from mohawk_engine.schemas import SessionSpec, SessionState
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.sqlite import StateStore


async def test_remove_drops_ready_failed_and_stopped_sessions_entirely(demo_repo, tmp_path):
    store = StateStore(tmp_path / "mohawk.sqlite3")
    manager = SessionManager(ModelRepository(demo_repo), DeviceInventory(), store, warmup_batches=0)
    try:
        await manager.create(SessionSpec(name="base", model="mlp-tiny"))
        await manager.create(SessionSpec(name="base--tune-1-0", model="mlp-tiny"))
        broken = SessionSpec.model_validate(
            {"name": "base--tune-1-1", "model": "mlp-tiny", "device_map": {"devices": ["cuda:99"]}}
        )
        await manager.create(broken)
        for name in ("base", "base--tune-1-0", "base--tune-1-1"):
            await manager.wait_loaded(name)
        assert manager.get("base--tune-1-0").state is SessionState.READY
        assert manager.get("base--tune-1-1").state is SessionState.FAILED

        await manager.delete("base--tune-1-0")
        assert "base--tune-1-0" in manager  # what delete leaves: a STOPPED entry
        for name in ("base--tune-1-0", "base--tune-1-1", "never-existed"):
            await manager.remove(name)
        assert "base--tune-1-0" not in manager and "base--tune-1-1" not in manager
        assert [s.name for s in manager.list()] == ["base"]
        assert manager.get("base").state is SessionState.READY
    finally:
        await manager.shutdown()
        store.close()
