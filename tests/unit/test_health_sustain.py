"""CPU counts in the health status only once a level has held for cpu_sustain_s (pure: a fake clock)."""

from __future__ import annotations

import pytest

from mohawk_engine.config import ConfigError, EngineConfig, load_config
from mohawk_engine.engine import _thresholds
from mohawk_engine.telemetry.health import HealthMonitor, Sustained, Thresholds
from tests.unit.test_health_monitor import devices


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cpu_check(health: HealthMonitor):
    return next(c for c in health.report().checks if c.name == "cpu")


def test_a_cpu_spike_stays_ok_and_a_sustained_level_counts(tmp_path):
    clock, cpu = Clock(), {"pct": 95.0}
    health = HealthMonitor(
        "w", tmp_path, lambda: devices(cpu=cpu["pct"]), lambda: [], Thresholds(cpu_sustain_s=30.0), clock
    )
    first = cpu_check(health)
    assert first.status == "ok" and first.value == 95.0
    assert first.message == "95% busy (warning for 0 s; counts once held for 30 s)"
    clock.now += 29.0
    assert cpu_check(health).status == "ok" and health.report().status == "healthy"
    clock.now += 1.0
    held = health.report()
    assert held.status == "degraded" and held.reasons == ["cpu: 95% busy"]

    cpu["pct"] = 99.0  # critical just now: the sustained warning still counts, critical not yet
    clock.now += 1.0
    rising = cpu_check(health)
    assert rising.status == "warning" and "critical for 0 s" in rising.message
    clock.now += 30.0
    assert cpu_check(health).status == "critical"

    cpu["pct"] = 50.0  # one quiet sample ends the run: the next spike starts from zero
    clock.now += 1.0
    assert cpu_check(health).status == "ok"
    cpu["pct"] = 99.0
    clock.now += 1.0
    assert cpu_check(health).status == "ok" and health.report().status == "healthy"


def test_a_window_of_zero_counts_at_once():
    sustained = Sustained(0.0)
    assert sustained.update("critical", 5.0) == ("critical", 0.0)
    assert sustained.update("ok", 6.0) == ("ok", 0.0)


def test_the_option_reaches_the_monitor_and_is_checked(tmp_path):
    assert EngineConfig().telemetry.cpu_sustain_s == 30.0
    path = tmp_path / "engine.toml"
    path.write_text("[telemetry]\ncpu_sustain_s = 5\n")
    assert _thresholds(load_config(path).telemetry).cpu_sustain_s == 5.0
    path.write_text("[telemetry]\ncpu_sustain_s = -1\n")
    with pytest.raises(ConfigError, match="telemetry.cpu_sustain_s"):
        load_config(path)
