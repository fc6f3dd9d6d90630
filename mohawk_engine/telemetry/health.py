"""Health monitor: checks with warning and critical thresholds, rolled up into one status.

Built-in checks cover host memory, CPU, free disk in the state dir, GPU memory, FAILED
sessions and queue saturation; more can be registered in code with `register`.

CPU is noisy: any load test on a small machine holds it above 90 % for seconds. Its level
counts only once it has held for `cpu_sustain_s` (`Sustained`); until then the check stays
ok and its message says how long the level has held. The monitor samples whenever a report
is made (GET /v1/health, each /v1/stream frame). The other gauges move slowly (memory, disk)
or mean real trouble at once (a FAILED session, queues about to refuse requests).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthCheck, HealthReport, SessionMetrics

Check = Callable[[], HealthCheck | None]
_RANK = {"ok": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True)
class Thresholds:
    memory_pct: tuple[float, float] = (75.0, 90.0)
    cpu_pct: tuple[float, float] = (90.0, 98.0)
    disk_free_pct: tuple[float, float] = (10.0, 5.0)
    gpu_memory_pct: tuple[float, float] = (90.0, 97.0)
    queue_fill_pct: tuple[float, float] = (50.0, 90.0)
    cpu_sustain_s: float = 30.0


class Sustained:
    """A gauge's level that counts only once every sample for `window_s` seconds has reached it."""

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._since: dict[str, float] = {}  # level -> when the samples last rose to it

    def update(self, raw: str, now: float) -> tuple[str, float]:
        """The level that counts after this sample, and for how many seconds `raw` has held."""
        for name in ("warning", "critical"):
            if _RANK[raw] >= _RANK[name]:
                self._since.setdefault(name, now)
            else:
                self._since.pop(name, None)
        counted = "ok"
        for name in ("warning", "critical"):
            if name in self._since and now - self._since[name] >= self.window_s:
                counted = name
        return counted, now - self._since.get(raw, now)


def level(value: float, warning: float, critical: float, higher_is_worse: bool = True) -> str:
    if higher_is_worse:
        return "critical" if value >= critical else "warning" if value >= warning else "ok"
    return "critical" if value <= critical else "warning" if value <= warning else "ok"


class HealthMonitor:
    def __init__(
        self,
        worker_id: str,
        state_dir: Path,
        devices: Callable[[], DevicesSnapshot],
        sessions: Callable[[], list[tuple[SessionMetrics, int]]],
        thresholds: Thresholds = Thresholds(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`sessions` gives each session's metrics with its queue limit."""
        self._worker_id = worker_id
        self._state_dir = state_dir
        self._devices = devices
        self._sessions = sessions
        self.thresholds = thresholds
        self._clock = clock
        self._cpu_level = Sustained(thresholds.cpu_sustain_s)
        self._custom: dict[str, Check] = {}

    def register(self, name: str, check: Check) -> None:
        self._custom[name] = check

    def report(self) -> HealthReport:
        devices = self._devices()
        sessions = self._sessions()
        checks = [
            self._memory(devices),
            self._cpu(devices),
            self._disk(),
            *self._gpu_memory(devices),
            self._failed(sessions),
            self._queues(sessions),
        ]
        for name, check in self._custom.items():
            try:
                result = check()
            except Exception as exc:
                result = HealthCheck(name=name, status="critical", message=f"check raised: {exc}")
            if result is not None:
                checks.append(result)
        worst = max((_RANK[c.status] for c in checks), default=0)
        status = ("healthy", "degraded", "critical")[worst]
        reasons = [f"{c.name}: {c.message}" for c in checks if c.status != "ok"]
        return HealthReport(
            timestamp=time.time(), worker_id=self._worker_id, status=status, reasons=reasons, checks=checks
        )

    def _memory(self, devices: DevicesSnapshot) -> HealthCheck:
        pct = 100.0 * devices.memory_used_bytes / max(devices.memory_total_bytes, 1)
        warn, crit = self.thresholds.memory_pct
        return HealthCheck(name="host_memory", status=level(pct, warn, crit), message=f"{pct:.0f}% used", value=pct)

    def _cpu(self, devices: DevicesSnapshot) -> HealthCheck:
        warn, crit = self.thresholds.cpu_pct
        pct = devices.cpu_percent
        raw = level(pct, warn, crit)
        status, held = self._cpu_level.update(raw, self._clock())
        message = f"{pct:.0f}% busy"
        if status != raw:
            message += f" ({raw} for {held:.0f} s; counts once held for {self._cpu_level.window_s:g} s)"
        return HealthCheck(name="cpu", status=status, message=message, value=pct)

    def _disk(self) -> HealthCheck:
        usage = shutil.disk_usage(self._state_dir)
        pct = 100.0 * usage.free / max(usage.total, 1)
        warn, crit = self.thresholds.disk_free_pct
        status = level(pct, warn, crit, higher_is_worse=False)
        return HealthCheck(name="state_disk", status=status, message=f"{pct:.0f}% free", value=pct)

    def _gpu_memory(self, devices: DevicesSnapshot) -> list[HealthCheck]:
        warn, crit = self.thresholds.gpu_memory_pct
        checks = []
        for gpu in devices.gpus:
            pct = 100.0 * gpu.memory_used_bytes / max(gpu.memory_total_bytes, 1)
            checks.append(
                HealthCheck(
                    name=f"gpu{gpu.index}_memory", status=level(pct, warn, crit), message=f"{pct:.0f}% used", value=pct
                )
            )
        return checks

    def _failed(self, sessions: list[tuple[SessionMetrics, int]]) -> HealthCheck:
        failed = [m.session for m, _ in sessions if m.state == "FAILED"]
        if failed:
            return HealthCheck(
                name="sessions", status="warning", message=f"FAILED: {', '.join(failed)}", value=float(len(failed))
            )
        return HealthCheck(name="sessions", status="ok", message=f"{len(sessions)} session(s), none failed", value=0.0)

    def _queues(self, sessions: list[tuple[SessionMetrics, int]]) -> HealthCheck:
        warn, crit = self.thresholds.queue_fill_pct
        worst_pct, worst = 0.0, None
        for metrics, limit in sessions:
            pct = 100.0 * metrics.queue_depth / max(limit, 1)
            if pct >= worst_pct:
                worst_pct, worst = pct, metrics.session
        message = f"fullest queue {worst_pct:.0f}% ({worst})" if worst else "no queues"
        return HealthCheck(name="queues", status=level(worst_pct, warn, crit), message=message, value=worst_pct)
