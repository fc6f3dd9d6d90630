"""Soak: the engine serving mlp-tiny at saturation for minutes; no request may fail, RSS may not creep up.

A closed loop of `--concurrency` requests (mohawk-bench, the project's load generator) runs for
`--minutes` after a warm-up; the engine's RSS is sampled every `--sample-s` seconds (psutil, by
PID). Reported: failed requests, RSS at the end of the warm-up / at the end / at most and the
growth, throughput per minute. Exit status 0 when nothing failed and RSS grew <= `--max-growth-pct`.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--concurrency 32] [--json soak.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

MIB = 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0, help="measured minutes, after the warm-up")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup-s", type=float, default=30.0, help="load before RSS at start is taken")
    parser.add_argument("--sample-s", type=float, default=10.0, help="seconds between RSS samples")
    parser.add_argument("--max-growth-pct", type=float, default=5.0)
    parser.add_argument("--json", type=Path, default=Path("soak.json"), help="where the figures go")
    return parser


class _Progress:
    """mohawk-bench's per-second JSON lines, read off its stdout."""

    def __init__(self, stream) -> None:
        self.samples: list[dict] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            try:
                self.samples.append(json.loads(line))
            except ValueError:
                continue

    def join(self) -> None:
        self._thread.join(10)


def _per_minute(samples: list[dict], measured_minutes: float) -> list[dict]:
    """Mean throughput per minute; the run's last partial second counts in its final minute."""
    last = max(0, math.ceil(measured_minutes) - 1)
    minutes: dict[int, list[dict]] = {}
    for sample in samples:
        if not sample["warmup"]:
            minutes.setdefault(min(int(sample["elapsed_s"] // 60), last), []).append(sample)
    return [
        {
            "minute": minute + 1,
            "throughput": round(statistics.fmean(s["throughput"] for s in group), 1),
            "p99_ms_median": _median(s["p99_ms"] for s in group),
            "errors": sum(s["errors"] for s in group),
        }
        for minute, group in sorted(minutes.items())
    ]


def _median(values) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def _rss_sample(process: psutil.Process, elapsed_s: float) -> dict:
    return {"t_s": round(elapsed_s, 1), "rss_mib": round(process.memory_info().rss / MIB, 2)}


def _run(args: argparse.Namespace, workdir: Path) -> dict:
    models = workdir / "models"
    write_demo_models(models)
    engine = EngineProcess(models, workdir / "state")
    engine.start()
    try:
        asyncio.run(deploy(engine.url, "mlp-tiny", "mlp-tiny"))
        engine_process = psutil.Process(engine.proc.pid)
        output = workdir / "bench.json"
        duration_s = args.minutes * 60
        bench = subprocess.Popen(
            [
                sys.executable, "-m", "mohawk_bench", engine.url, "mlp-tiny",
                "--concurrency", str(args.concurrency), "--duration", str(duration_s),
                "--warmup", str(args.warmup_s), "--output", str(output), "--quiet",
            ],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        progress = _Progress(bench.stdout)
        started = time.monotonic()
        rss: list[dict] = []
        while bench.poll() is None:
            rss.append(_rss_sample(engine_process, time.monotonic() - started))
            print(f"[{rss[-1]['t_s']:6.0f} s] engine RSS {rss[-1]['rss_mib']:.1f} MiB", flush=True)
            time.sleep(args.sample_s)
        progress.join()
        rss.append(_rss_sample(engine_process, time.monotonic() - started))
        if bench.returncode != 0:
            raise RuntimeError(f"mohawk-bench exited with status {bench.returncode}")
        result = json.loads(output.read_text())
        engine_exit = engine.stop()
    finally:
        engine.kill()
    measured = [s for s in rss if s["t_s"] >= args.warmup_s]
    start, end = measured[0]["rss_mib"], measured[-1]["rss_mib"]
    totals = result["totals"]
    return {
        "command": " ".join(sys.argv),
        "minutes": args.minutes,
        "concurrency": args.concurrency,
        "warmup_s": args.warmup_s,
        "requests": totals["requests"],
        "successes": totals["successes"],
        "failed_requests": totals["errors"],
        "errors_by_kind": result.get("errors", {}),
        "throughput": round(totals["throughput"], 1),
        "latency": result.get("latency"),
        "rss_start_mib": start,
        "rss_end_mib": end,
        "rss_max_mib": max(s["rss_mib"] for s in measured),
        "rss_growth_pct": round((end - start) / start * 100, 2),
        "rss_samples": rss,
        "throughput_per_minute": _per_minute(progress.samples, args.minutes),
        "engine_exit_status": engine_exit,
    }


def main() -> int:
    args = _parser().parse_args()
    with tempfile.TemporaryDirectory(prefix="mohawk-soak-") as tmp:
        report = _run(args, Path(tmp))
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    ok = report["failed_requests"] == 0 and report["rss_growth_pct"] <= args.max_growth_pct
    print(
        f"{report['requests']} requests, {report['failed_requests']} failed, {report['throughput']} infer/s; "
        f"RSS {report['rss_start_mib']} -> {report['rss_end_mib']} MiB (max {report['rss_max_mib']}, "
        f"{report['rss_growth_pct']:+.2f} %); per minute: "
        + ", ".join(f"{m['throughput']:.0f}" for m in report["throughput_per_minute"])
        + f"\n{'PASS' if ok else 'FAIL'} (figures in {args.json})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
