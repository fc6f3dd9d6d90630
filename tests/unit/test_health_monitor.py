"""Health checks roll up into one status with the reasons; custom checks can be added."""

from __future__ import annotations

from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuStatus, HealthCheck, SessionMetrics
from mohawk_engine.telemetry.health import HealthMonitor, Thresholds

GIB = 2**30


def devices(memory_used: int = 4 * GIB, cpu: float = 10.0, gpu_used: int | None = None) -> DevicesSnapshot:
    gpus = []
    if gpu_used is not None:
        gpus = [GpuStatus(index=0, uuid="GPU-1", name="g", utilization_pct=50, memory_used_bytes=gpu_used,
                          memory_total_bytes=10 * GIB)]  # fmt: skip
    return DevicesSnapshot(
        timestamp=0, worker_id="w", cpu_percent=cpu, cpu_per_core=[cpu], memory_used_bytes=memory_used,
        memory_total_bytes=16 * GIB, process_rss_bytes=GIB, gpus=gpus,
    )  # fmt: skip


def monitor(tmp_path, snapshot: DevicesSnapshot, sessions=()) -> HealthMonitor:
    return HealthMonitor("w", tmp_path, lambda: snapshot, lambda: list(sessions), Thresholds())


def test_healthy_when_everything_is_within_limits(tmp_path):
    report = monitor(tmp_path, devices()).report()
    assert report.status == "healthy" and report.reasons == []


def test_memory_pressure_and_failed_sessions_degrade_then_gpu_memory_turns_critical(tmp_path):
    failed = (SessionMetrics(session="bad", state="FAILED"), 100)
    report = monitor(tmp_path, devices(memory_used=13 * GIB), [failed]).report()
    assert report.status == "degraded"
    assert any(r.startswith("host_memory") for r in report.reasons)
    assert any("bad" in r for r in report.reasons)
    critical = monitor(tmp_path, devices(gpu_used=int(9.8 * GIB))).report()
    assert critical.status == "critical" and critical.reasons == ["gpu0_memory: 98% used"]


def test_queue_saturation(tmp_path):
    full = (SessionMetrics(session="busy", state="READY", queue_depth=95), 100)
    report = monitor(tmp_path, devices(), [full]).report()
    assert report.status == "critical" and "busy" in report.reasons[0]


def test_custom_checks_count_and_a_raising_check_is_critical(tmp_path):
    health = monitor(tmp_path, devices())
    health.register("license", lambda: HealthCheck(name="license", status="warning", message="expires in 3 days"))
    assert health.report().reasons == ["license: expires in 3 days"]
    health.register("broken", lambda: 1 / 0)
    report = health.report()
    assert report.status == "critical" and any(r.startswith("broken: check raised") for r in report.reasons)
