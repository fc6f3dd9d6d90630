"""Workers' Access and Audit tabs (with real keys, one of them generated from the panel and shown once),
the model sync dialog pushing to the live worker, and the session detail's Reconfigure dialog."""

from __future__ import annotations

from pathlib import Path

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas.security import ApiKeyRequest
from mohawk_gui.main_window import MainWindow
from screenshots.common import Shots, settle, wait_for

WORKER = "lab-1"
KEYS = (("grafana scraper", ["read"]), ("ci deploy", ["admin"]), ("perf lab loadgen", ["read", "infer"]))


async def _keys(client: EngineClient) -> None:
    """A few keys as an operator would have them; one revoked (the laptop that was lost)."""
    for label, scopes in KEYS:
        await client.create_key(label, scopes)
    lost = await client.create_key("old laptop", ["admin"])
    await client.revoke_key(lost.prefix)


async def _access(window: MainWindow, shots: Shots, client: EngineClient) -> None:
    await _keys(client)
    workers = window.workers
    window.show_view("Workers")
    workers.select_worker(WORKER)
    workers.tabs.setCurrentWidget(workers.access)
    await workers.access.refresh()
    await wait_for(lambda: workers.access.model.rowCount() > len(KEYS), "the keys to be listed")
    await settle(0.5)
    shots.save(window, "access.png")
    await workers.access.generate(ApiKeyRequest(label="throwaway (screenshot)", scopes=["read"]))
    await wait_for(lambda: workers.access.secret_dialog is not None, "the new key's secret")
    dialog = workers.access.secret_dialog
    await settle(0.3)
    shots.save(dialog, "access-secret.png")
    dialog.reject()
    throwaway = [key for key in await client.keys() if key.label.startswith("throwaway") and not key.revoked]
    for key in throwaway:
        await client.revoke_key(key.prefix)
    workers.tabs.setCurrentWidget(workers.audit)
    await settle(0.5)
    await workers.audit.refresh()
    await settle(0.5)
    shots.save(window, "audit.png")
    workers.tabs.setCurrentIndex(0)


async def _model_sync(window: MainWindow, shots: Shots, model_repo: Path) -> None:
    model_file = next(path for path in sorted(model_repo.rglob("*.onnx")) if "mlp-tiny" in str(path))
    dialog = window.workers.open_sync_dialog()
    dialog.choose_file(model_file)
    dialog.name_edit.setText("mlp-tiny-v2")
    for worker, row in dialog.rows.items():
        row.check.setChecked(worker == WORKER)
    await dialog.start()
    await settle(0.5)
    shots.save(dialog, "model-sync.png")
    dialog.close()


async def _reconfigure(window: MainWindow, shots: Shots) -> None:
    window.open_session(WORKER, "mlp-tiny")
    await settle(0.5)
    dialog = window.sessions.detail.open_reconfigure()
    await wait_for(lambda: dialog.current is not None, "the reconfigure dialog to read the session")
    dialog.edits[("batching", "max_queue_delay_us")].setValue(500)
    dialog.edits[("device_map", "replicas_per_device")].setValue(3)
    await settle(0.5)
    shots.save(dialog, "reconfigure.png")
    dialog.reject()


async def capture_admin(window: MainWindow, shots: Shots, client: EngineClient, model_repo: Path) -> None:
    await _access(window, shots, client)
    await _model_sync(window, shots, model_repo)
    await _reconfigure(window, shots)
