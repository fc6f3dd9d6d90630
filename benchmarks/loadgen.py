"""Load generator benchmark: mohawk-bench against Triton's perf_analyzer on the same engine, same run.

One engine serves the tiny MLP (one replica, max_batch_size 32, no queue delay). Each round
runs perf_analyzer at concurrency 32 (binary tensors) and mohawk-bench at concurrency 32
with 1 and 2 worker processes, the order rotating from round to round. The target: the
median mohawk-bench throughput is at least 0.9 of perf_analyzer's, so the tool is not the
bottleneck of the figures it reports. Each run also records the CPU time the generator's
processes used (psutil, sampled every 0.1 s, start-up included) per 1000 requests the
engine served (its own inference count), which depends far less on what else the machine
is doing than the throughput does.

    .venv/bin/python benchmarks/loadgen.py [--rounds 3] [--window-ms 2000] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mohawk_bench import perf_analyzer  # noqa: E402
from mohawk_bench.results import load_result  # noqa: E402
from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from mohawk_engine.schemas import BatchingConfig  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

MODEL = "mlp-tiny"
CONCURRENCY = 32
TARGET = 0.9
WINDOWS = 3  # perf_analyzer averages 3 consecutive windows; mohawk-bench measures as long
MAX_TRIALS = 10


def run_perf_analyzer(url: str, window_ms: int) -> dict:
    # --stability-percentage 100: on a shared CPU the windows swing by more than the default
    # 10 % and perf_analyzer gives up instead of reporting
    rows, _ = perf_analyzer.run(
        url, MODEL, str(CONCURRENCY), measurement_ms=window_ms, max_trials=MAX_TRIALS, stability_percentage=100
    )
    row = rows[0]
    return {"throughput": row.throughput, "p50_ms": row.p50_us / 1000, "p99_ms": row.p99_us / 1000}


def run_mohawk_bench(url: str, processes: int, window_ms: int, output: Path) -> dict:
    args = [
        sys.executable, "-m", "mohawk_bench", url, MODEL, "--concurrency", str(CONCURRENCY),
        "--processes", str(processes), "--warmup", "1", "--duration", str(WINDOWS * window_ms / 1000),
        "--output", str(output), "--quiet",
    ]  # fmt: skip
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, timeout=120)
    result = load_result(output)
    if result.totals.errors:
        raise RuntimeError(f"mohawk-bench saw errors: {result.errors} {result.error_samples}")
    return {"throughput": result.totals.throughput, "p50_ms": result.latency.p50_ms, "p99_ms": result.latency.p99_ms}


class ToolCpu:
    """CPU seconds used by this script's child processes (and theirs), the engine's excepted."""

    def __init__(self, engine_pid: int) -> None:
        self._engine = {engine_pid, *(p.pid for p in psutil.Process(engine_pid).children(recursive=True))}
        self._last: dict[int, float] = {}
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> ToolCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self._last.values())

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            for child in psutil.Process().children(recursive=True):
                if child.pid not in self._engine:
                    try:
                        times = child.cpu_times()
                    except psutil.Error:
                        continue
                    self._last[child.pid] = times.user + times.system


def served(url: str) -> int:
    stats = httpx.get(f"{url}/v2/models/{MODEL}/stats").json()["model_stats"][0]
    return stats["inference_count"]


def measured(tool, url: str, engine_pid: int, output: Path) -> dict:
    """Run one tool; its figures plus its CPU per 1000 requests the engine served meanwhile."""
    before = served(url)
    with ToolCpu(engine_pid) as cpu:
        figures = tool(url, output)
    figures["cpu_ms_per_1000"] = cpu.seconds * 1e6 / max(served(url) - before, 1)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window-ms", type=int, default=2000, help="perf_analyzer's measurement window")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()
    tools = {
        "perf_analyzer": lambda url, out: run_perf_analyzer(url, args.window_ms),
        "mohawk-bench x1": lambda url, out: run_mohawk_bench(url, 1, args.window_ms, out),
        "mohawk-bench x2": lambda url, out: run_mohawk_bench(url, 2, args.window_ms, out),
    }
    runs: dict[str, list[dict]] = {name: [] for name in tools}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        write_demo_models(models)
        engine = EngineProcess(models, Path(tmp) / "state")
        url = engine.start()
        try:
            batching = BatchingConfig(max_batch_size=32, max_queue_delay_us=0)
            asyncio.run(deploy(url, MODEL, MODEL, batching=batching, threads_per_replica=1))
            names = list(tools)
            for round_index in range(args.rounds):
                order = names[round_index % len(names) :] + names[: round_index % len(names)]
                for name in order:
                    figures = measured(tools[name], url, engine.proc.pid, Path(tmp) / "result.json")
                    runs[name].append(figures)
                    print(f"round {round_index + 1} {name}: {json.dumps(figures)}", flush=True)
        finally:
            engine.stop()
    results = summarize(runs, load_before, os.getloadavg())
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def summarize(runs: dict[str, list[dict]], load_before: tuple, load_after: tuple) -> dict:
    """Medians and best runs per tool; ratios to perf_analyzer's median, best and same-round runs."""
    medians = {
        name: {key: statistics.median(run[key] for run in tool_runs) for key in tool_runs[0]}
        for name, tool_runs in runs.items()
    }
    best = {name: max(run["throughput"] for run in tool_runs) for name, tool_runs in runs.items()}
    reference = runs["perf_analyzer"]
    ratios = {
        name: {
            "median": medians[name]["throughput"] / medians["perf_analyzer"]["throughput"],
            "best": best[name] / best["perf_analyzer"],
            "rounds": [run["throughput"] / ref["throughput"] for run, ref in zip(tool_runs, reference)],
        }
        for name, tool_runs in runs.items()
        if name != "perf_analyzer"
    }
    return {
        "runs": runs, "medians": medians, "best": best, "ratios": ratios,
        "load_before": load_before, "load_after": load_after,
    }  # fmt: skip


def report(results: dict) -> None:
    print(f"load average {results['load_before'][0]:.2f} before, {results['load_after'][0]:.2f} after")
    print(
        "| tool, c=32 | throughput median (best) | p50 | p99 | generator CPU per 1000 req"
        " | / perf_analyzer: median, best, per round | ≥ 0.9 |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, figures in results["medians"].items():
        ratio = results["ratios"].get(name)
        if ratio is None:
            compared = "1 |"
        else:
            rounds = ", ".join(f"{r:.2f}" for r in ratio["rounds"])
            compared = f"{ratio['median']:.2f}, {ratio['best']:.2f}, ({rounds}) | {ratio['median'] >= TARGET}"
        print(
            f"| {name} | {figures['throughput']:.0f} ({results['best'][name]:.0f}) req/s"
            f" | {figures['p50_ms']:.2f} ms | {figures['p99_ms']:.2f} ms | {figures['cpu_ms_per_1000']:.0f} ms"
            f" | {compared} |"
        )


if __name__ == "__main__":
    sys.exit(main())
