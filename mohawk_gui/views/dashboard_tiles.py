"""What the dashboard's four health tiles say about the fleet."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_engine.schemas import SessionState
from mohawk_gui.services.alerts import CRITICAL, Alert
from mohawk_gui.services.fleet_state import FleetState
from mohawk_gui.services.fleet_stats import fleet_totals
from mohawk_gui.services.listener import OFFLINE


@dataclass(frozen=True)
class TileFigure:
    value: str
    detail: str
    level: str  # ok | warning | critical | idle


def workers_figure(fleet: FleetState) -> TileFigure:
    totals = fleet_totals(fleet)
    if not totals.workers:
        return TileFigure("0", "no workers yet", "idle")
    offline = [worker for worker in fleet if worker.state == OFFLINE]
    degraded = [worker for worker in fleet if worker.state == "degraded"]
    if offline:
        detail, level = f"{offline[0].name} offline: {offline[0].reason}", "critical"
    elif degraded:
        detail, level = f"{degraded[0].name} degraded: {degraded[0].reason}", "warning"
    elif totals.workers_up < totals.workers:
        detail, level = "connecting …", "idle"
    else:
        detail, level = "all online", "ok"
    return TileFigure(f"{totals.workers_up}/{totals.workers} online", detail, level)


def devices_figure(fleet: FleetState) -> TileFigure:
    totals = fleet_totals(fleet)
    if not totals.cpus:
        return TileFigure("—", "waiting for device reports", "idle")
    gpus = [gpu for worker in fleet if worker.reachable and worker.devices for gpu in worker.devices.gpus]
    if gpus:
        busiest = max(gpus, key=lambda gpu: gpu.utilization_pct)
        detail = f"{totals.cpus} CPU, {len(gpus)} GPU · busiest GPU {busiest.utilization_pct:.0f}%"
    else:
        detail = f"{totals.cpus} CPU host{'s' if totals.cpus > 1 else ''}, no GPU"
    return TileFigure(str(totals.cpus + totals.gpus), detail, "ok")


def sessions_figure(fleet: FleetState) -> TileFigure:
    totals = fleet_totals(fleet)
    states = [session.state for worker in fleet for session in worker.sessions]
    failed = states.count(SessionState.FAILED)
    loading = states.count(SessionState.LOADING)
    if not states:
        return TileFigure("0", "none deployed", "idle")
    level = "critical" if failed else "warning" if loading else "ok"
    detail = f"{totals.requests_per_s:,.1f} req/s · {loading} loading · {failed} failed"
    return TileFigure(f"{totals.sessions_ready}/{totals.sessions} ready", detail, level)


def alerts_figure(alerts: list[Alert]) -> TileFigure:
    if not alerts:
        return TileFigure("0", "nothing needs attention", "ok")
    critical = sum(1 for alert in alerts if alert.severity == CRITICAL)
    return TileFigure(str(len(alerts)), str(alerts[0]), "critical" if critical else "warning")
