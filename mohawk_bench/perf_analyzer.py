"""Run Triton's perf_analyzer (the reference load generator) and read its CSV report.

The binary ships inside the tritonclient 2.51 wheel (`<venv>/bin/perf_analyzer`). It links
against libcudart even for HTTP-only use, which pip's nvidia-cuda-runtime-cu12 provides,
and against Debian's libb64.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PerfAnalyzerUnavailable(RuntimeError):
    pass


@dataclass
class PerfRow:
    concurrency: int
    throughput: float
    p50_us: float
    p90_us: float
    p95_us: float
    p99_us: float
    avg_us: float
    server_queue_us: float
    server_compute_us: float


def binary() -> Path:
    candidate = Path(sys.executable).with_name("perf_analyzer")
    if candidate.exists():
        return candidate
    found = shutil.which("perf_analyzer")
    if found:
        return Path(found)
    raise PerfAnalyzerUnavailable("perf_analyzer not found: install tritonclient[http]==2.51.0 into this venv")


def environment() -> dict[str, str]:
    env = dict(os.environ)
    try:
        import nvidia.cuda_runtime as cuda_runtime
    except ImportError as exc:
        raise PerfAnalyzerUnavailable("perf_analyzer needs libcudart: pip install nvidia-cuda-runtime-cu12") from exc
    lib = Path(next(iter(cuda_runtime.__path__))) / "lib"
    env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(lib), env.get("LD_LIBRARY_PATH")]))
    return env


def command(
    url: str,
    model: str,
    concurrency: str = "1:32",
    *,
    measurement_ms: int = 2000,
    max_trials: int = 5,
    batch_size: int = 1,
    stability_percentage: int = 10,
    extra: list[str] | None = None,
) -> list[str]:
    """perf_analyzer's command line for HTTP with binary tensors (run it with `environment()`)."""
    return [
        str(binary()), "-m", model, "-u", url.removeprefix("http://"), "-i", "http",
        "--concurrency-range", concurrency, "-b", str(batch_size),
        "--measurement-interval", str(measurement_ms), "--max-trials", str(max_trials),
        "--stability-percentage", str(stability_percentage), *(extra or []),
    ]  # fmt: skip


def run(url: str, model: str, concurrency: str = "1:32", *, timeout: float = 600, **settings) -> tuple[list[PerfRow], str]:
    """Run perf_analyzer over HTTP with binary tensors (`settings` as for `command`); returns the
    CSV rows and the text output."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.csv"
        settings["extra"] = ["-f", str(report), *(settings.get("extra") or [])]
        args = command(url, model, concurrency, **settings)
        result = subprocess.run(args, env=environment(), capture_output=True, text=True, timeout=timeout)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            raise RuntimeError(f"perf_analyzer exited with {result.returncode}:\n{output}")
        return _read_report(report), output


def _read_report(path: Path) -> list[PerfRow]:
    rows = []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            rows.append(
                PerfRow(
                    concurrency=int(row["Concurrency"]),
                    throughput=float(row["Inferences/Second"]),
                    p50_us=float(row["p50 latency"]),
                    p90_us=float(row["p90 latency"]),
                    p95_us=float(row["p95 latency"]),
                    p99_us=float(row["p99 latency"]),
                    avg_us=float(row.get("Avg latency", 0) or 0),
                    server_queue_us=float(row.get("Server Queue", 0) or 0),
                    server_compute_us=float(row.get("Server Compute Infer", 0) or 0),
                )
            )
    return rows
