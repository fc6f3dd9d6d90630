"""Triton's perf_analyzer, the reference load generator, runs against the engine unchanged."""

from __future__ import annotations

import asyncio

import pytest

from mohawk_bench import perf_analyzer
from tests.support.deploy import deploy

pytestmark = pytest.mark.perf_analyzer


@pytest.fixture(scope="module")
def url(shared_engine):
    asyncio.run(deploy(shared_engine.url, "mlp-tiny", "mlp-tiny"))
    return shared_engine.url


def test_perf_analyzer_concurrency_sweep(url):
    rows, output = perf_analyzer.run(
        url, "mlp-tiny", "1:32:31", measurement_ms=800, max_trials=4, stability_percentage=100, timeout=240
    )
    assert [row.concurrency for row in rows] == [1, 32], output
    for row in rows:
        assert row.throughput > 0, output
        assert row.p99_us > 0
        assert row.server_compute_us > 0, output
    assert rows[-1].server_queue_us > 0, "at concurrency 32 requests wait for the single replica"
    assert "compute infer" in output and "queue" in output
    assert "error" not in output.lower(), output


def test_perf_analyzer_json_tensors(url):
    rows, output = perf_analyzer.run(
        url, "mlp-tiny", "4", measurement_ms=500, max_trials=4, stability_percentage=100, extra=["--input-tensor-format", "json",
                                                                       "--output-tensor-format", "json"]
    )
    assert rows and rows[0].throughput > 0, output
