"""What live observability costs the data plane: serving with and without stream clients.

perf_analyzer drives mlp-tiny at concurrency 32 (binary tensors); runs alternate between no
stream client and 4 clients subscribed to every topic at 10 Hz (in a separate process),
`--rounds` times each (the order flips every round, so drift hits both alike), and the
medians are compared, as well as each round's pair. Besides throughput, which varies by
several percent from run to run on a small machine, it reports the engine's CPU time per
1000 inferences (psutil) and the CPU the 4 clients cost an idle engine, which are steadier.

    .venv/bin/python benchmarks/stream_cost.py [--rounds 4] [--window-ms 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mohawk_bench import perf_analyzer  # noqa: E402
from mohawk_engine.client.stream import EngineStream  # noqa: E402
from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from mohawk_engine.schemas import TOPICS, BatchingConfig  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

SUBSCRIBERS = 4
RATE_HZ = 10.0
MODEL = "mlp-tiny"


@dataclass
class Run:
    throughput: float
    cpu_ms_per_1000: float

    def __str__(self) -> str:
        return f"{self.throughput:.0f} infer/s, engine CPU {self.cpu_ms_per_1000:.0f} ms per 1000 inferences"


async def _subscribe_all(url: str, frames: multiprocessing.Value) -> None:
    async def one() -> None:
        async with EngineStream(url) as stream:
            for topic in TOPICS:
                await stream.subscribe(topic, rate_hz=RATE_HZ)
            async for _ in stream:
                with frames.get_lock():
                    frames.value += 1

    await asyncio.gather(*(one() for _ in range(SUBSCRIBERS)))


def _subscriber_process(url: str, frames: multiprocessing.Value) -> None:
    asyncio.run(_subscribe_all(url, frames))


class Subscribers:
    """4 stream clients in their own process, so their CPU is not the engine's."""

    def __init__(self, url: str) -> None:
        self.frames = multiprocessing.Value("l", 0)
        self._process = multiprocessing.Process(target=_subscriber_process, args=(url, self.frames), daemon=True)

    def __enter__(self) -> "Subscribers":
        self._process.start()
        time.sleep(1.0)  # connected and past the snapshots
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._process.terminate()
        self._process.join(10)


def inferences(url: str) -> int:
    return httpx.get(f"{url}/v2/models/{MODEL}/stats").json()["model_stats"][0]["inference_count"]


def measure(url: str, engine: psutil.Process, window_ms: int) -> Run:
    cpu, served = sum(engine.cpu_times()[:2]), inferences(url)
    rows, _ = perf_analyzer.run(url, MODEL, "32", measurement_ms=window_ms, max_trials=8, stability_percentage=20)
    cpu, served = sum(engine.cpu_times()[:2]) - cpu, inferences(url) - served
    return Run(rows[0].throughput, 1e6 * cpu / max(served, 1))


def idle_cpu_ms_per_s(engine: psutil.Process, seconds: float = 5.0) -> float:
    cpu = sum(engine.cpu_times()[:2])
    time.sleep(seconds)
    return 1000 * (sum(engine.cpu_times()[:2]) - cpu) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--window-ms", type=int, default=3000)
    args = parser.parse_args()
    plain: list[Run] = []
    streamed: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp:
        write_demo_models(Path(tmp) / "models")
        server = EngineProcess(Path(tmp) / "models", Path(tmp) / "state")
        url = server.start()
        engine = psutil.Process(server.proc.pid)
        try:
            asyncio.run(deploy(url, MODEL, MODEL, batching=BatchingConfig(max_queue_delay_us=0)))
            idle = idle_cpu_ms_per_s(engine)
            with Subscribers(url) as subscribers:
                idle_streamed = idle_cpu_ms_per_s(engine)
                idle_frames = subscribers.frames.value
            for round_ in range(args.rounds):
                for with_streams in (False, True) if round_ % 2 == 0 else (True, False):
                    if with_streams:
                        with Subscribers(url) as subscribers:
                            streamed.append(measure(url, engine, args.window_ms))
                        print(f"  with streams: {streamed[-1]} ({subscribers.frames.value} frames)", flush=True)
                    else:
                        plain.append(measure(url, engine, args.window_ms))
                        print(f"  plain:        {plain[-1]}", flush=True)
        finally:
            server.stop()
    base = statistics.median(r.throughput for r in plain)
    loaded = statistics.median(r.throughput for r in streamed)
    base_cpu = statistics.median(r.cpu_ms_per_1000 for r in plain)
    loaded_cpu = statistics.median(r.cpu_ms_per_1000 for r in streamed)
    print(f"| measure (median of {args.rounds}) | no stream clients | {SUBSCRIBERS} clients x 5 topics x {RATE_HZ:.0f} Hz |")
    print("|---|---|---|")
    print(f"| throughput | {base:.0f} infer/s | {loaded:.0f} infer/s ({100 * (loaded - base) / base:+.1f} %) |")
    print(f"| engine CPU per 1000 inferences | {base_cpu:.0f} ms | {loaded_cpu:.0f} ms "
          f"({100 * (loaded_cpu - base_cpu) / base_cpu:+.1f} %) |")  # fmt: skip
    print(f"| engine CPU while idle | {idle:.1f} ms/s | {idle_streamed:.1f} ms/s ({idle_frames} frames sent) |")
    paired = statistics.median(s.throughput / p.throughput - 1 for p, s in zip(plain, streamed))
    print(f"\nthroughput change, median of the {args.rounds} rounds' own pairs: {100 * paired:+.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
