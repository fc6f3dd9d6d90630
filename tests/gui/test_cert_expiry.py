"""The workers table's Certificate column: days left from ServerInfo.tls_not_after, warned within the
configured window ([alerts] cert_expiry_days), bad once expired, a dash over plain HTTP."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from PyQt6.QtCore import Qt

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import ServerInfo
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.tables.workers_table import COLUMNS, WorkersTableModel
from mohawk_gui.theme import current_theme
from tests.gui.conftest import resolve, until

CERT = COLUMNS.index("Certificate")


def _info(not_after: datetime | None) -> ServerInfo:
    subject = "CN=worker.example" if not_after else None
    return ServerInfo(
        version="0.1.0", worker_id="w1", model_repository="/models", state_dir="/state", started_at=time.time() - 60,
        tls_not_after=not_after, tls_subject=subject,
    )  # fmt: skip


def _workers(qtbot, hub, tracker, infos: dict[str, tuple[str, ServerInfo]]) -> WorkersTableModel:
    model = WorkersTableModel(tracker)
    clients = []
    for name, (url, info) in infos.items():
        client = EngineClient(url)
        clients.append(client)
        hub.on_worker_added(name, client)
        hub.on_server_info(name, info)
    until(qtbot, lambda: model.rowCount() == len(infos) and all(tracker.fleet.workers[n].info for n in infos))
    for client in clients:
        resolve(qtbot, client.aclose())
    return model


def _cell(model: WorkersTableModel, worker: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(model.row_of(worker), CERT), role)


def test_days_left_are_shown_and_coloured_by_how_close_the_end_is(qtbot, loop, hub, tracker):
    now = datetime.now(timezone.utc)
    model = _workers(qtbot, hub, tracker, {
        "far": ("https://far.example:8003", _info(now + timedelta(days=200, hours=1))),
        "soon": ("https://soon.example:8003", _info(now + timedelta(days=10, hours=1))),
        "gone": ("https://gone.example:8003", _info(now - timedelta(days=3, hours=1))),
        "plain": ("http://plain.example:8003", _info(None)),
    })  # fmt: skip
    theme = current_theme()

    assert _cell(model, "far") == "expires in 200 d"
    assert _cell(model, "far", Qt.ItemDataRole.ForegroundRole) is None
    assert "CN=worker.example is valid until" in _cell(model, "far", Qt.ItemDataRole.ToolTipRole)

    assert _cell(model, "soon") == "expires in 10 d"
    assert _cell(model, "soon", Qt.ItemDataRole.ForegroundRole).name() == theme.warn.lower()
    assert _cell(model, "soon", Qt.ItemDataRole.ToolTipRole).startswith("Renew soon")
    assert "14-day warning" in _cell(model, "soon", Qt.ItemDataRole.ToolTipRole)

    assert _cell(model, "gone") == "expired 3 d ago"
    assert _cell(model, "gone", Qt.ItemDataRole.ForegroundRole).name() == theme.bad.lower()
    assert _cell(model, "gone", Qt.ItemDataRole.ToolTipRole).startswith("Expired")

    assert _cell(model, "plain") == "—"
    assert _cell(model, "plain", Qt.ItemDataRole.ForegroundRole) is None
    assert _cell(model, "plain", Qt.ItemDataRole.ToolTipRole) == "No certificate: plain HTTP"


def test_the_warning_window_follows_the_alert_settings(qtbot, loop, hub, tracker):
    now = datetime.now(timezone.utc)
    model = _workers(qtbot, hub, tracker, {"soon": ("https://soon.example:8003", _info(now + timedelta(days=10, hours=1)))})
    assert _cell(model, "soon", Qt.ItemDataRole.ForegroundRole) is not None

    tracker.set_thresholds(AlertSettings(cert_expiry_days=7))
    assert _cell(model, "soon", Qt.ItemDataRole.ForegroundRole) is None
    assert "warns 7 days ahead" in _cell(model, "soon", Qt.ItemDataRole.ToolTipRole)

    tracker.set_thresholds(AlertSettings(cert_expiry_days=30))
    assert _cell(model, "soon", Qt.ItemDataRole.ForegroundRole).name() == current_theme().warn.lower()


def test_hours_are_shown_on_the_last_day_and_a_naive_time_counts_as_utc(qtbot, loop, hub, tracker):
    naive_utc = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=5, minutes=30)
    model = _workers(qtbot, hub, tracker, {"edge": ("https://edge.example:8003", _info(naive_utc))})
    assert _cell(model, "edge") == "expires in 5 h"
    assert _cell(model, "edge", Qt.ItemDataRole.ForegroundRole).name() == current_theme().warn.lower()
