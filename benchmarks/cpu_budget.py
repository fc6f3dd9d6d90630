"""Large MLP at concurrency 32: the CPU each served item costs, and whether serving at 0.9 of
onnxruntime's in-process rate fits on this machine beside the load generator.

Measured over a steady window in the middle of perf_analyzer runs (c=32, binary tensors):
  - onnxruntime in-process at the batch size the engine formed, 2 intra-op threads: CPU per
    item and items/s (the baseline of benchmarks/serve.py),
  - perf_analyzer against a server that does no work (benchmarks/canned.py): the client's CPU
    per request and the canned server's,
  - perf_analyzer against the engine: the client's CPU per request, the engine's event-loop
    thread per request and its other threads (the runtime) per item.
From these, the cores that serving 0.9 x the baseline rate needs even with a server that costs
no more than the canned one. More than this machine has means no server reaches the target
here with the load generator beside it.

    .venv/bin/python benchmarks/cpu_budget.py [--seconds 6] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from canned import CannedServer, record_replies  # noqa: E402
from mohawk_bench import perf_analyzer  # noqa: E402
from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from mohawk_engine.schemas import BatchingConfig  # noqa: E402
from serve import ort_session  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

MODEL = "mlp-large"
TICK = os.sysconf("SC_CLK_TCK")
TARGET = 0.9


def cpu_s(pid: int, tid: int | None = None) -> float:
    """User + system CPU seconds of a process (all its threads) or of one of its threads."""
    path = f"/proc/{pid}/stat" if tid is None else f"/proc/{pid}/task/{tid}/stat"
    fields = Path(path).read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def under_load(url: str, seconds: float, sample) -> dict:
    """Run perf_analyzer at c=32 against `url`; `sample()` -> dict of counters, read after a
    warm-up and again `seconds` later. Returns the counters' growth over that window."""
    args = perf_analyzer.command(url, MODEL, "32", measurement_ms=int(seconds * 4000), max_trials=3)
    client = subprocess.Popen(args, env=perf_analyzer.environment(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(3)
        before = {**sample(), "client_cpu_s": cpu_s(client.pid), "wall_s": time.perf_counter()}
        time.sleep(seconds)
        after = {**sample(), "client_cpu_s": cpu_s(client.pid), "wall_s": time.perf_counter()}
    finally:
        client.terminate()
        client.wait(30)
    return {key: after[key] - before[key] for key in before}


def engine_counters(engine: EngineProcess) -> dict:
    stats = httpx.get(f"{engine.url}/v2/models/{MODEL}/stats").json()["model_stats"][0]
    pid = engine.proc.pid
    return {
        "requests": stats["inference_count"],
        "batches": stats["execution_count"],
        "loop_cpu_s": cpu_s(pid, pid),
        "engine_cpu_s": cpu_s(pid),
    }


def canned_counters(canned: CannedServer) -> dict:
    return {"requests": canned.infer_calls, "server_cpu_s": cpu_s(os.getpid(), canned.thread_id)}


def in_process(path: Path, rows: int, seconds: float) -> dict:
    session = ort_session(path, 2)
    feed = {session.get_inputs()[0].name: np.random.default_rng(0).standard_normal((rows, 2048), dtype=np.float32)}
    for _ in range(3):
        session.run(None, feed)
    items, cpu0, started = 0, time.process_time(), time.perf_counter()
    while time.perf_counter() - started < seconds:
        session.run(None, feed)
        items += rows
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    return {"items_per_s": items / wall, "cpu_per_item_us": cpu / items * 1e6, "cores": cpu / wall}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0, help="measurement window per run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = Path(tmp) / "models"
        write_demo_models(models)
        engine = EngineProcess(models, Path(tmp) / "state")
        canned = None
        try:
            batching = BatchingConfig(max_batch_size=32, max_queue_delay_us=0)
            asyncio.run(deploy(engine.start(), MODEL, MODEL, batching=batching, threads_per_replica=2))
            canned = CannedServer(*record_replies(engine.url, MODEL))
            canned.start()
            free = under_load(canned.url, args.seconds, lambda: canned_counters(canned))
            served = under_load(engine.url, args.seconds, lambda: engine_counters(engine))
        finally:
            if canned is not None:
                canned.stop()
            engine.stop()
        batch = max(1, round(served["requests"] / max(served["batches"], 1)))
        raw = in_process(models / f"{MODEL}.onnx", batch, args.seconds)
    results = {"canned": free, "engine": served, "batch": batch, "in_process": raw}
    report(results, os.cpu_count() or 1)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def report(r: dict, cores: int) -> None:
    free, served, raw = r["canned"], r["engine"], r["in_process"]

    def per_request_us(window: dict, key: str) -> float:
        return window[key] / max(window["requests"], 1) * 1e6

    client_canned = per_request_us(free, "client_cpu_s")
    server_canned = per_request_us(free, "server_cpu_s")
    client_engine = per_request_us(served, "client_cpu_s")
    loop = per_request_us(served, "loop_cpu_s")
    runtime = (served["engine_cpu_s"] - served["loop_cpu_s"]) / max(served["requests"], 1) * 1e6
    served_rate = served["requests"] / served["wall_s"]
    target_rate = TARGET * raw["items_per_s"]
    needed = target_rate * (raw["cpu_per_item_us"] + client_canned + server_canned) / 1e6
    needed_at_engine_cost = target_rate * (raw["cpu_per_item_us"] + client_engine + server_canned) / 1e6
    print(f"Large MLP, concurrency 32, formed batch {r['batch']}; this machine has {cores} cores.")
    print("| CPU per request (or item) | us |")
    print("|---|---|")
    print(f"| onnxruntime in-process, batch {r['batch']}, per item ({raw['cores']:.2f} cores busy) | {raw['cpu_per_item_us']:.0f} |")
    print(f"| perf_analyzer, against the canned server ({free['requests'] / free['wall_s']:.0f} req/s) | {client_canned:.0f} |")
    print(f"| canned server (does no work) | {server_canned:.0f} |")
    print(f"| perf_analyzer, against the engine ({served_rate:.0f} req/s) | {client_engine:.0f} |")
    print(f"| engine: event-loop thread | {loop:.0f} |")
    print(f"| engine: other threads (runtime), per item | {runtime:.0f} |")
    print(f"\nonnxruntime in-process: {raw['items_per_s']:.0f} items/s; served: {served_rate:.0f} ({served_rate / raw['items_per_s']:.2f}).")
    print(
        f"Serving {TARGET} x that ({target_rate:.0f} items/s) beside perf_analyzer needs at least {needed:.2f} cores "
        f"with a server that costs no more than the canned one ({needed_at_engine_cost:.2f} with the client's cost "
        f"per request as measured against the engine); this machine has {cores}."
    )


if __name__ == "__main__":
    sys.exit(main())
