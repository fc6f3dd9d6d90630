"""Where the serving time goes: the two figures benchmarks/serve.py misses, taken apart.

1. Concurrency 1, tiny MLP: p50 of one client (mohawk-bench, one connection) against
   - a canned server: uvloop + httptools answering every call with a reply recorded from the
     engine, doing no work at all (the floor: loopback round trip + client on this machine),
   - the engine with the model's run replaced by a constant (everything the engine does but
     the model), and
   - the engine itself,
   in alternating rounds, plus onnxruntime's own p50 for the same one-row run, back to back
   and after 200 us of idle before each run (a server waits for every call at concurrency 1).
2. Large MLP, batch 16, two intra-op threads: onnxruntime alone, and beside a process that
   keeps a share of one core busy, as the event loop and the load generator do while serving.

    .venv/bin/python benchmarks/overhead.py [--rounds 4] [--json results.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from canned import CannedServer, record_replies  # noqa: E402
from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from mohawk_engine.schemas import BatchingConfig  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

BENCH = Path(sys.executable).with_name("mohawk-bench")
MODEL = "mlp-tiny"

# Run in the engine process by `--stub`: the model's run becomes a constant of the right shape.
STUB_ENGINE = """
import sys
import numpy as np
from mohawk_engine.runtime import onnx_runner

def constant_run(self, inputs):
    rows = next(iter(inputs.values())).shape[0]
    return {name: np.zeros((rows, 10), np.float32) for name in self.output_names}

onnx_runner.OnnxRunner.run = constant_run
from mohawk_engine.cli import main
sys.exit(main(sys.argv[1:]))
"""


def stub_engine(models: Path, workdir: Path) -> EngineProcess:
    """The real engine, started with the model's run replaced (see STUB_ENGINE)."""
    script = workdir / "stub_engine.py"
    script.write_text(STUB_ENGINE)
    return EngineProcess(models, workdir / "state", launcher=[sys.executable, str(script)])


def client_p50_us(url: str, seconds: float, workdir: Path) -> float:
    output = workdir / "result.json"
    args = [str(BENCH), url, MODEL, "--concurrency", "1", "--duration", str(seconds), "--warmup", "0.5", "--quiet"]
    subprocess.run([*args, "--output", str(output)], check=True, capture_output=True)
    return json.loads(output.read_text())["latency"]["p50_ms"] * 1000


def onnxruntime_p50_us(path: Path, idle_s: float = 0.0) -> float:
    """One-row run p50, back to back or with `idle_s` of sleep before each run (as a server waits)."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feed = {"input": np.random.default_rng(0).standard_normal((1, 512), dtype=np.float32)}
    for _ in range(50):
        session.run(None, feed)
    samples = []
    for _ in range(2000):
        if idle_s:
            time.sleep(idle_s)
        started = time.perf_counter_ns()
        session.run(None, feed)
        samples.append((time.perf_counter_ns() - started) / 1000)
    return statistics.median(samples)


def concurrency_one(models: Path, workdir: Path, rounds: int, seconds: float) -> dict:
    batching = BatchingConfig(max_batch_size=32, max_queue_delay_us=0)
    engine = EngineProcess(models, workdir / "engine-state")
    stub = stub_engine(models, workdir)
    canned = None
    try:
        for process in (engine, stub):
            asyncio.run(deploy(process.start(), MODEL, MODEL, batching=batching, threads_per_replica=1))
        canned = CannedServer(*record_replies(engine.url, MODEL))
        canned.start()
        targets = {"canned": canned.url, "stub": stub.url, "engine": engine.url}
        samples: dict[str, list[float]] = {name: [] for name in targets}
        for round_index in range(rounds):
            order = list(targets) if round_index % 2 == 0 else list(reversed(targets))
            for name in order:
                samples[name].append(client_p50_us(targets[name], seconds, workdir))
    finally:
        if canned is not None:
            canned.stop()
        engine.stop()
        stub.stop()
    result = {name: statistics.median(values) for name, values in samples.items()}
    result["rounds"] = samples
    result["onnxruntime"] = onnxruntime_p50_us(models / f"{MODEL}.onnx")
    result["onnxruntime_after_idle"] = onnxruntime_p50_us(models / f"{MODEL}.onnx", idle_s=200e-6)
    return result


def _busy(stop, duty: float) -> None:
    """Keep `duty` of one core busy, in 1 ms periods."""
    while not stop.is_set():
        started = time.perf_counter()
        while time.perf_counter() - started < duty * 1e-3:
            pass
        time.sleep((1 - duty) * 1e-3)


def large_items_per_s(path: Path, seconds: float) -> float:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    feed = {"input": np.random.default_rng(0).standard_normal((16, 2048), dtype=np.float32)}
    for _ in range(5):
        session.run(None, feed)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        session.run(None, feed)
        count += 16
    return count / (time.perf_counter() - started)


def contention(models: Path, seconds: float, duties: tuple[float, ...]) -> dict:
    result = {}
    for duty in duties:
        stop = multiprocessing.Event()
        busy = multiprocessing.Process(target=_busy, args=(stop, duty)) if duty else None
        if busy:
            busy.start()
        try:
            result[f"{duty:.1f}"] = large_items_per_s(models / "mlp-large.onnx", seconds)
        finally:
            stop.set()
            if busy:
                busy.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=3.0, help="per client run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        models = workdir / "models"
        write_demo_models(models)
        one = concurrency_one(models, workdir, args.rounds, args.seconds)
        shared = contention(models, 2 * args.seconds, (0.0, 0.2, 0.4))
    report(one, shared)
    if args.json:
        args.json.write_text(json.dumps({"concurrency_one": one, "contention": shared}, indent=2))
    return 0


def report(one: dict, shared: dict) -> None:
    print(f"Concurrency 1, tiny MLP, mohawk-bench p50 (median of {len(one['rounds']['engine'])} rounds):")
    print("| server | p50 | above the canned server |")
    print("|---|---|---|")
    for name, label in (("canned", "canned replies (uvloop + httptools)"), ("stub", "engine, model run replaced"),
                        ("engine", "engine")):  # fmt: skip
        print(f"| {label} | {one[name]:.0f} us | {one[name] - one['canned']:+.0f} us |")
    print(f"| onnxruntime alone, one row, back to back | {one['onnxruntime']:.0f} us | |")
    print(f"| onnxruntime alone, one row, 200 us idle before each | {one['onnxruntime_after_idle']:.0f} us | |")
    alone = shared["0.0"]
    print("\nLarge MLP, batch 16, 2 intra-op threads, beside a process busy for a share of one core:")
    print("| busy share | items/s | vs alone |")
    print("|---|---|---|")
    for duty, rate in shared.items():
        print(f"| {float(duty):.0%} | {rate:.0f} | {rate / alone:.2f} |")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
