"""A fleet of three workers in the dashboard and the workers table: all three are shown and added up;
one going offline degrades only its own row and the workers tile, the others keep their figures.
(Render-only views: driven through FleetHub's callbacks with real wire objects, tests/gui/wire.py.)"""

from __future__ import annotations

import pytest

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import ServerInfo
from mohawk_gui.services.fleet_stats import fleet_totals
from mohawk_gui.tables.workers_table import COLUMNS
from mohawk_gui.views.dashboard_view import DashboardView
from mohawk_gui.views.workers_view import WorkersView
from tests.gui.conftest import resolve, until
from tests.gui.wire import devices_snapshot, metrics_snapshot, session_info, session_metrics

WORKERS = {"gpu-a": ("127.0.0.2", 100.0), "gpu-b": ("127.0.0.3", 200.0), "gpu-c": ("127.0.0.4", 300.0)}
STATE = COLUMNS.index("State")


@pytest.fixture
def fleet(qtbot, loop, hub, tracker, console):
    """Starts the three workers' reports once called (after the views exist, as in the app)."""
    clients = []

    def start() -> None:
        _report(hub, clients)

    yield start
    for client in clients:
        resolve(qtbot, client.aclose())


def _report(hub, clients: list) -> None:
    for name, (host, rate) in WORKERS.items():
        client = EngineClient(f"http://{host}:8003")
        clients.append(client)
        hub.on_worker_added(name, client)
        hub.on_state(name, "online", None)
        hub.on_rtt(name, 1.5)
        info = ServerInfo(version="1.0", worker_id=f"id-{name}", model_repository="/m", state_dir="/s", started_at=1.0)
        hub.on_server_info(name, info)
        hub.on_sessions(name, [session_info(f"{name}-mlp")])
        hub.on_metrics(name, metrics_snapshot(session_metrics(f"{name}-mlp", rate=rate), worker_id=f"id-{name}"))
        hub.on_devices(name, devices_snapshot(worker_id=f"id-{name}"))


def _state_of(view: WorkersView, worker: str) -> str:
    return view.model.data(view.model.index(view.model.row_of(worker), STATE))


def test_three_workers_add_up_and_one_offline_degrades_only_its_row_and_tile(qtbot, fleet, tracker, console):
    dashboard = DashboardView(tracker.hub, tracker)
    workers = WorkersView(tracker, console)
    qtbot.addWidget(dashboard)
    qtbot.addWidget(workers)
    fleet()
    until(qtbot, lambda: dashboard.workers_tile.value.text() == "3/3 online")
    assert dashboard.workers_tile.level == "ok"
    assert dashboard.sessions_model.rowCount() == 3
    assert workers.model.rowCount() == 3 and all(_state_of(workers, name) == "online" for name in WORKERS)
    dashboard.sample_charts()
    assert tracker.fleet.workers["gpu-b"].metrics.requests_per_s == 200.0
    assert fleet_totals(tracker.fleet).requests_per_s == pytest.approx(600.0)

    tracker.hub.on_state("gpu-b", "offline", "connection refused; retry 1 at 12:00:00")
    until(qtbot, lambda: dashboard.workers_tile.value.text() == "2/3 online")
    assert dashboard.workers_tile.level == "critical"
    assert "gpu-b offline: connection refused" in dashboard.workers_tile.detail.text()
    assert _state_of(workers, "gpu-b").startswith("offline")
    assert _state_of(workers, "gpu-a") == "online" and _state_of(workers, "gpu-c") == "online"
    assert fleet_totals(tracker.fleet).requests_per_s == pytest.approx(400.0), "only the live workers count"

    tracker.hub.on_metrics("gpu-c", metrics_snapshot(session_metrics("gpu-c-mlp", rate=50.0), worker_id="id-gpu-c"))
    until(qtbot, lambda: fleet_totals(tracker.fleet).requests_per_s == pytest.approx(150.0))
    assert dashboard.sessions_model.rowCount() == 3, "the offline worker's sessions stay listed"
