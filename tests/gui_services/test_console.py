"""The console's orchestration (Qt-free): config-driven workers, bundled engine kept or stopped."""

from __future__ import annotations

import os
import signal

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import LOCAL_WORKER, Console
from tests.gui_services.recording_listener import RecordingListener


async def test_added_workers_are_saved_and_connected_and_removed_ones_are_forgotten(tmp_path, shared_engine):
    store = ConfigStore(tmp_path / "console.toml")
    store.path.write_text("# keep me\n[bundled_engine]\nenabled = false\n")
    listener = RecordingListener()
    console = Console(store, listener)
    console.load_config()
    await console.start()
    assert console.manager.names() == []
    try:
        await console.add_worker(WorkerSettings(name="w", url=shared_engine.url))
        await listener.wait_for(lambda: listener.answering("w"), what="online")
        assert store.path.read_text().startswith("# keep me\n")
        assert [worker.name for worker in store.load().workers] == ["w"]

        await console.remove_worker("w")
        assert store.load().workers == [] and console.manager.names() == []
    finally:
        await console.shutdown()


async def test_an_invalid_config_file_leaves_the_defaults_in_force_and_says_why(tmp_path):
    store = ConfigStore(tmp_path / "console.toml")
    store.path.write_text("[refresh]\nheartbeat_s = -1\n")
    notices = []
    console = Console(store, RecordingListener())
    console.notice = notices.append
    config = console.load_config()
    assert config.refresh.heartbeat_s == 1.0
    assert console.config_problems and console.config_problems[0].startswith("refresh.heartbeat_s")
    assert "is invalid" in notices[0]


async def test_a_kept_running_local_engine_is_adopted_by_the_next_console(tmp_path, model_repo):
    (tmp_path / "data").mkdir()
    model_repo.rename(tmp_path / "data" / "models")
    store = ConfigStore(tmp_path / "console.toml")
    store.path.write_text(f'[bundled_engine]\nkeep_running = true\ndata_dir = "{tmp_path / "data"}"\n')
    first = Console(store, RecordingListener())
    first.load_config()
    await first.start()
    pid = first.bundled.pid
    try:
        await first.shutdown()
        os.kill(pid, 0)  # still running

        listener = RecordingListener()
        second = Console(store, listener)
        notices = []
        second.notice = notices.append
        second.load_config()
        await second.start()
        await listener.wait_for(lambda: listener.answering(LOCAL_WORKER), what="adopted engine online")
        assert second.bundled.adopted and second.bundled.pid == pid
        assert notices[-1].startswith("Local engine already running at")
        store.path.write_text(f'[bundled_engine]\nkeep_running = false\ndata_dir = "{tmp_path / "data"}"\n')
        second.load_config()
        await second.shutdown()
        assert not second.bundled.running()
    finally:
        if first.bundled.running():
            os.kill(pid, signal.SIGKILL)
