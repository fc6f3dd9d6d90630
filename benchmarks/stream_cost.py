"""What live observability costs the data plane: serving throughput with and without stream clients.

perf_analyzer drives mlp-tiny at concurrency 32 (binary tensors); runs alternate between no
stream client and 4 clients subscribed to every topic at 10 Hz (in a separate process),
`--rounds` times each, and the medians are compared.

    .venv/bin/python benchmarks/stream_cost.py [--rounds 3] [--window-ms 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mohawk_bench import perf_analyzer  # noqa: E402
from mohawk_engine.client.stream import EngineStream  # noqa: E402
from mohawk_engine.repository.demo import write_demo_models  # noqa: E402
from mohawk_engine.schemas import BatchingConfig  # noqa: E402
from mohawk_engine.schemas.telemetry import TOPICS  # noqa: E402
from tests.support.deploy import deploy  # noqa: E402
from tests.support.engine_process import EngineProcess  # noqa: E402

SUBSCRIBERS = 4
RATE_HZ = 10.0


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


def measure(url: str, window_ms: int) -> float:
    rows, _ = perf_analyzer.run(url, "mlp-tiny", "32", measurement_ms=window_ms, max_trials=8, stability_percentage=20)
    return rows[0].throughput


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--window-ms", type=int, default=4000)
    args = parser.parse_args()
    plain, streamed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        write_demo_models(Path(tmp) / "models")
        engine = EngineProcess(Path(tmp) / "models", Path(tmp) / "state")
        url = engine.start()
        try:
            asyncio.run(deploy(url, "mlp-tiny", "mlp-tiny", batching=BatchingConfig(max_queue_delay_us=0)))
            for _ in range(args.rounds):
                plain.append(measure(url, args.window_ms))
                frames = multiprocessing.Value("l", 0)
                subscribers = multiprocessing.Process(target=_subscriber_process, args=(url, frames), daemon=True)
                subscribers.start()
                try:
                    streamed.append(measure(url, args.window_ms))
                finally:
                    subscribers.terminate()
                    subscribers.join(10)
                print(f"round: plain {plain[-1]:.0f} infer/s, with streams {streamed[-1]:.0f} infer/s, "
                      f"{frames.value} frames received", flush=True)  # fmt: skip
        finally:
            engine.stop()
    base, loaded = statistics.median(plain), statistics.median(streamed)
    print("| measure | value |")
    print("|---|---|")
    print(f"| throughput, no stream clients (median of {args.rounds}) | {base:.0f} infer/s |")
    print(f"| throughput, {SUBSCRIBERS} clients x 5 topics at {RATE_HZ:.0f} Hz | {loaded:.0f} infer/s |")
    print(f"| change | {100 * (loaded - base) / base:+.1f} % (target: no worse than -2 %) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
