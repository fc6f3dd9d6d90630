"""Console benchmark: UI event-loop stalls with a live fleet, cold start, and memory over a long stream.

Three measurements, each against its own target:
  1. cold start: process start to the main window's first paint, median of --starts runs
     (target <= 1.5 s). The console starts with no worker and no bundled engine, so only the
     console itself is timed.
  2. live fleet: --workers real engines with --sessions sessions each, streaming to the console
     at 10 Hz while a little traffic flows, the console showing the dashboard, the sessions view
     and one session's live charts in turn. A probe coroutine asks for a 5 ms sleep over and
     over; how late it wakes is the stall (target p99 <= 16 ms, max <= 100 ms). The half second
     after each view switch (that view's first layout and paint, the operator's own click) is
     reported apart as `view_switch_max_ms`.
  3. memory: --sim-minutes of 10 Hz metrics for every session of the fleet, replayed into the
     console's hub as fast as the UI takes them (an accelerated stream), with the dashboard and a
     session's charts shown; RSS after the first tenth against the end (target growth <= 20 MB).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/console.py [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PROBE_SLEEP_S = 0.005


def first_paint_child(started: float) -> None:
    """Runs in a fresh process: build the console as `mohawk-gui` does, print seconds to the first paint."""
    from PyQt6.QtCore import QEvent, QObject
    from PyQt6.QtWidgets import QApplication

    import mohawk_gui.app as app_module

    class FirstPaint(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time() - started)
                QApplication.instance().quit()
            return False

    painted: list[float] = []
    app = QApplication(sys.argv[:1])
    app_module.apply_theme(app)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "console.toml"
        config.write_text("[bundled_engine]\nenabled = false\n")
        store = app_module.ConfigStore(config)
        hub = app_module.FleetHub()
        console = app_module.Console(store, hub)
        window = app_module.MainWindow(hub, app_module.FleetTracker(hub, console.load_config().alerts), console)
        window.resize(1440, 900)
        paint_filter = FirstPaint()
        window.installEventFilter(paint_filter)
        window.show()
        app.exec()
    print(json.dumps({"first_paint_s": painted[0] if painted else None}))


def cold_start(starts: int) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    times = []
    for _ in range(starts):
        started = time.time()
        out = subprocess.run(
            [sys.executable, __file__, "--first-paint-child", repr(started)],
            capture_output=True, text=True, env=env, timeout=60, check=True,
        )  # fmt: skip
        times.append(json.loads(out.stdout.strip().splitlines()[-1])["first_paint_s"])
    return {"first_paint_s": times, "median_s": statistics.median(times)}


def start_fleet(workers: int, sessions: int, tmp: Path) -> list:
    from mohawk_engine.repository.demo import write_demo_models
    from tests.support.deploy import deploy
    from tests.support.engine_process import EngineProcess

    models = tmp / "models"
    write_demo_models(models)
    engines = []
    for index in range(workers):
        engine = EngineProcess(models, tmp / f"state-{index}")
        engine.start()
        engines.append(engine)

    async def deploy_all() -> None:
        for engine in engines:
            await asyncio.gather(*(deploy(engine.url, f"s{i}", "mlp-tiny") for i in range(sessions)))

    asyncio.run(deploy_all())
    return engines


def traffic(urls: list[str], sessions: int, stop, rate_hz: float = 100.0) -> None:
    """A trickle of inferences round-robin over every session, so the charts have figures.

    Runs in its own process: a thread here would take the GIL from the console being measured.
    """
    import httpx
    import numpy as np

    body = {"inputs": [{"name": "input", "shape": [1, 512], "datatype": "FP32",
                        "data": np.zeros(512, dtype=np.float32).tolist()}]}  # fmt: skip
    with httpx.Client(timeout=5) as client:
        turn = 0
        while not stop.wait(1.0 / rate_hz):
            url = urls[turn % len(urls)]
            client.post(f"{url}/v2/models/s{(turn // len(urls)) % sessions}/infer", json=body)
            turn += 1


class StallProbe:
    """Asks for short sleeps on the event loop; records how late each one wakes, in ms."""

    SETTLE_S = 0.5  # after a view switch: its first layout and paint are counted apart

    def __init__(self) -> None:
        self.lags_ms: list[float] = []
        self.navigation_ms: list[float] = []
        self.worst: list[tuple[float, str, float]] = []  # (lag ms, phase, seconds into it)
        self.recording = False
        self.phase = ("start", time.perf_counter())

    def enter(self, phase: str) -> None:
        self.phase = (phase, time.perf_counter())

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(PROBE_SLEEP_S)
            if self.recording:
                woke = time.perf_counter()
                lag_ms = max(0.0, (woke - asked - PROBE_SLEEP_S) * 1000)
                into_phase = asked - self.phase[1]
                (self.navigation_ms if into_phase < self.SETTLE_S else self.lags_ms).append(lag_ms)
                if lag_ms > 16:
                    self.worst.append((round(lag_ms, 1), self.phase[0], round(into_phase, 2)))

    def summary(self) -> dict:
        lags = sorted(self.lags_ms)
        if not lags:
            return {"samples": 0}
        return {
            "samples": len(lags),
            "p50_ms": lags[len(lags) // 2],
            "p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))],
            "max_ms": lags[-1],
            "view_switch_max_ms": max(self.navigation_ms, default=0.0),
            "worst": sorted(self.worst, reverse=True)[:8],
        }


def build_console(config_text: str, tmp: Path):
    import qasync
    from PyQt6.QtWidgets import QApplication

    import mohawk_gui.app as app_module

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app_module.apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    tmp.mkdir(parents=True, exist_ok=True)
    config = tmp / "console.toml"
    config.write_text(config_text)
    store = app_module.ConfigStore(config)
    hub = app_module.FleetHub()
    console = app_module.Console(store, hub)
    window = app_module.MainWindow(hub, app_module.FleetTracker(hub, console.load_config().alerts), console)
    window.resize(1440, 900)
    app_module.settle_heap()  # as mohawk-gui does once its window is built
    return app, loop, hub, console, window


def live_fleet(workers: int, sessions: int, seconds: float, tmp: Path, profile: Path | None = None) -> dict:
    from mohawk_gui.views.async_tasks import cancel_all

    engines = start_fleet(workers, sessions, tmp)
    context = multiprocessing.get_context("spawn")
    stop_traffic = context.Event()
    feeder = context.Process(target=traffic, args=([e.url for e in engines], sessions, stop_traffic), daemon=True)
    feeder.start()
    workers_toml = "".join(f'[[workers]]\nname = "w{i}"\nurl = "{e.url}"\n\n' for i, e in enumerate(engines))
    refresh = "[refresh]\nmetrics_hz = 10.0\ndevices_hz = 2.0\nsessions_s = 2.0\n\n"
    _app, loop, _hub, console, window = build_console(workers_toml + refresh, tmp)
    probe = StallProbe()

    async def scenario() -> dict:
        stop = asyncio.Event()
        probing = asyncio.ensure_future(probe.run(stop))
        window.show()
        await console.start()
        await asyncio.sleep(5)  # connections up, first snapshots drawn
        probe.recording = True
        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        third = seconds / 3
        probe.enter("dashboard")
        window.show_view("Dashboard")
        await asyncio.sleep(third)
        probe.enter("sessions + session detail")
        window.show_view("Sessions")
        window.open_session("w0", "s0")
        await asyncio.sleep(third)
        probe.enter("dashboard again")
        window.show_view("Dashboard")
        await asyncio.sleep(third)
        probe.recording = False
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
        stop.set()
        await probing
        await cancel_all()  # as mohawk-gui does before closing its connections
        await console.shutdown()
        return probe.summary()

    try:
        with loop:
            result = loop.run_until_complete(scenario())
    finally:
        stop_traffic.set()
        feeder.join(10)
        for engine in engines:
            engine.stop()
    window.close()
    return {"workers": workers, "sessions_per_worker": sessions, "seconds": seconds, **result}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def accelerated_memory(workers: int, sessions: int, sim_minutes: float, tmp: Path) -> dict:
    """Replay `sim_minutes` of 10 Hz metrics with the console's wall clock (time.time) simulated, so
    rings, chart spans and alert windows see the whole half hour, not the seconds it takes."""
    from tests.gui.wire import metrics_snapshot, session_info, session_metrics

    _app, loop, hub, _console, window = build_console("[bundled_engine]\nenabled = false\n", tmp)
    names = [f"w{i}" for i in range(workers)]
    ticks = int(sim_minutes * 60 * 10)
    samples: list[tuple[int, float]] = []
    real_time = time.time
    simulated = {"now": real_time()}
    start_of_replay = simulated["now"]

    async def scenario() -> None:
        window.show()
        for worker in names:
            hub.on_state(worker, "online", None)
            hub.on_sessions(worker, [session_info(f"s{i}") for i in range(sessions)])
        window.show_view("Sessions")
        window.open_session(names[0], "s0")
        for tick in range(ticks):
            simulated["now"] = start_of_replay + tick / 10  # ten frames a second
            if tick == ticks // 2:
                window.show_view("Dashboard")
            for worker in names:
                figures = [session_metrics(f"s{i}", rate=100 + tick % 50, p50=1 + (tick % 7) / 10) for i in range(sessions)]
                snapshot = metrics_snapshot(*figures, worker_id=worker)
                snapshot.timestamp = simulated["now"]
                hub.on_metrics(worker, snapshot)
            if tick % 20 == 0:
                await asyncio.sleep(0)  # let Qt paint and run its timers, as between real frames
            if tick % (ticks // 50 or 1) == 0:
                samples.append((tick, rss_mb()))

    started = time.monotonic()
    time.time = lambda: simulated["now"]
    try:
        with loop:
            loop.run_until_complete(scenario())
    finally:
        time.time = real_time
    samples.append((ticks, rss_mb()))
    ring = window.sessions.recorder.get(names[0], "s0").throughput
    window.close()
    baseline = next(rss for tick, rss in samples if tick >= ticks // 10)
    return {
        "simulated_minutes": sim_minutes,
        "frames": ticks * workers,
        "wall_s": time.monotonic() - started,
        "chart_ring_samples": len(ring),
        "chart_ring_capacity": window.sessions.recorder.capacity,
        "rss_after_first_tenth_mb": baseline,
        "rss_end_mb": samples[-1][1],
        "rss_max_mb": max(rss for _, rss in samples),
        "growth_mb": samples[-1][1] - baseline,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--first-paint-child", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured seconds of the live fleet")
    parser.add_argument("--starts", type=int, default=5, help="cold starts timed")
    parser.add_argument("--sim-minutes", type=float, default=30.0, help="minutes of 10 Hz stream replayed")
    parser.add_argument("--only", choices=["cold", "live", "memory"], help="run one measurement")
    parser.add_argument("--profile", type=Path, help="cProfile the console's thread during the live run into this file")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.first_paint_child is not None:
        first_paint_child(args.first_paint_child)
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: dict = {"load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "cold"):
            results["cold_start"] = cold_start(args.starts)
            print("cold start", json.dumps(results["cold_start"]), flush=True)
        if args.only in (None, "live"):
            results["live"] = live_fleet(args.workers, args.sessions, args.seconds, Path(tmp) / "live", args.profile)
            print("live fleet", json.dumps(results["live"]), flush=True)
        if args.only in (None, "memory"):
            results["memory"] = accelerated_memory(args.workers, args.sessions, args.sim_minutes, Path(tmp) / "memory")
            print("memory", json.dumps(results["memory"]), flush=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def report(r: dict) -> None:
    rows = []
    if "cold_start" in r:
        rows.append(("cold start to first paint (median)", f"{r['cold_start']['median_s']:.2f} s", "<= 1.5 s",
                     r["cold_start"]["median_s"] <= 1.5))  # fmt: skip
    if "live" in r:
        live = r["live"]
        rows.append(("loop stall p99", f"{live['p99_ms']:.1f} ms", "<= 16 ms", live["p99_ms"] <= 16))
        rows.append(("loop stall max", f"{live['max_ms']:.1f} ms", "<= 100 ms", live["max_ms"] <= 100))
        rows.append(("longest stall on a view switch", f"{live['view_switch_max_ms']:.1f} ms", "", ""))
    if "memory" in r:
        memory = r["memory"]
        rows.append(("RSS growth", f"{memory['growth_mb']:.1f} MB over {memory['simulated_minutes']:g} min",
                     "<= 20 MB", memory["growth_mb"] <= 20))  # fmt: skip
    print("| measure | value | target | met |\n|---|---|---|---|")
    for name, value, target, met in rows:
        print(f"| {name} | {value} | {target} | {met} |")


if __name__ == "__main__":
    sys.exit(main())
