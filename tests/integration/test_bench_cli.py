"""mohawk-bench, the real CLI in its own process, against a real engine serving mlp-tiny."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mohawk_bench import histogram
from mohawk_bench.results import load_result, parse_progress
from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def url(shared_engine) -> str:
    asyncio.run(deploy(shared_engine.url, "mlp-tiny", "mlp-tiny"))
    return shared_engine.url


def bench(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mohawk_bench", *args], capture_output=True, text=True, timeout=timeout
    )


def progress(stdout: str) -> list:
    samples = [parse_progress(line) for line in stdout.splitlines()]
    assert None not in samples, stdout
    return samples


def test_closed_loop_by_request_count_is_exact_across_processes(url, tmp_path):
    out = tmp_path / "result.json"
    run = bench(url, "mlp-tiny", "--concurrency", "8", "--processes", "3", "--requests", "1001",
                "--warmup", "0.3", "--output", str(out))  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = load_result(out)
    totals = result.totals
    assert (totals.requests, totals.successes, totals.errors, totals.items) == (1001, 1001, 0, 1001)
    assert totals.throughput == pytest.approx(1001 / totals.duration_s)
    assert result.errors == {} and not result.stopped
    latency = result.latency
    assert 0 < latency.min_ms <= latency.p50_ms <= latency.p90_ms <= latency.p95_ms <= latency.p99_ms <= latency.max_ms
    assert histogram.decode(result.histogram).get_total_count() == 1001
    assert [(i.name, i.datatype, i.shape) for i in result.inputs] == [("input", "FP32", [1, 512])]
    samples = progress(run.stdout)
    assert samples[0].warmup and samples[0].second < 0
    assert sum(s.successes for s in samples if not s.warmup) == 1001
    assert "1001 requests" in run.stderr and "errors      0" in run.stderr


def test_open_loop_poisson_keeps_its_rate_and_prints_progress_each_second(url, tmp_path):
    out = tmp_path / "result.json"
    run = bench(url, "mlp-tiny", "--rate", "150", "--arrival", "poisson", "--duration", "2.5",
                "--output", str(out), "--quiet")  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = load_result(out)
    assert result.spec.mode == "open" and result.totals.errors == 0
    achieved = result.totals.requests / 2.5
    assert achieved == pytest.approx(150, rel=0.2)
    assert result.totals.missed == 0
    samples = progress(run.stdout)
    assert [s.second for s in samples] == [0, 1, 2]
    assert [s.span_s for s in samples[:2]] == pytest.approx([1.0, 1.0], abs=0.01)
    assert samples[1].timestamp - samples[0].timestamp == pytest.approx(1.0, abs=0.01)
    assert run.stderr == ""


def test_json_tensors(url, tmp_path):
    out = tmp_path / "result.json"
    run = bench(url, "mlp-tiny", "--json", "--concurrency", "4", "--requests", "200", "--output", str(out))
    assert run.returncode == 0, run.stderr
    result = load_result(out)
    assert result.spec.binary is False
    assert (result.totals.successes, result.totals.errors) == (200, 0)


def test_unknown_model_is_refused_with_exit_2_and_a_clear_message(url, tmp_path):
    run = bench(url, "no-such-model", "--requests", "10", "--output", str(tmp_path / "r.json"))
    assert run.returncode == 2
    assert run.stderr.startswith(f"mohawk-bench: error: GET {url}/v2/models/no-such-model answered 404")
    assert not (tmp_path / "r.json").exists()


def test_connection_refused_is_a_clear_error(tmp_path):
    run = bench("http://127.0.0.1:9", "mlp-tiny", "--requests", "10", "--output", str(tmp_path / "r.json"))
    assert run.returncode == 2
    assert "mohawk-bench: error: cannot read http://127.0.0.1:9/v2/models/mlp-tiny" in run.stderr


def test_sigterm_ends_the_run_with_partial_results(url, tmp_path):
    out = tmp_path / "result.json"
    args = [sys.executable, "-m", "mohawk_bench", url, "mlp-tiny", "--concurrency", "4", "--processes", "2",
            "--duration", "60", "--output", str(out)]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = parse_progress(process.stdout.readline())
        assert first is not None and first.successes > 0
        process.send_signal(signal.SIGTERM)
        stopped_at = time.monotonic()
        stdout, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    assert time.monotonic() - stopped_at < 5
    result = load_result(out)
    assert result.stopped and "(stopped early)" in stderr
    assert result.totals.successes >= first.successes
    assert result.totals.errors == 0
    assert 1.0 <= result.totals.duration_s < 10


def test_a_server_killed_mid_run_shows_as_connection_errors(engine_factory, model_repo, tmp_path):
    engine = engine_factory(model_repo)
    engine_url = engine.start()
    asyncio.run(deploy(engine_url, "mlp-tiny", "mlp-tiny"))
    out = tmp_path / "result.json"
    args = [sys.executable, "-m", "mohawk_bench", engine_url, "mlp-tiny", "--concurrency", "4",
            "--duration", "2.5", "--output", str(out), "--quiet"]  # fmt: skip
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert parse_progress(process.stdout.readline()) is not None
        engine.kill()
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, stderr
    result = load_result(out)
    assert result.totals.successes > 0
    assert result.errors.get("connection", 0) > 0, result.errors
    assert set(result.errors) == {"connection"}
    assert "connect" in result.error_samples["connection"]
    samples = [json.loads(line) for line in stdout.splitlines()]
    assert samples[-1]["errors_by_kind"].get("connection", 0) > 0
