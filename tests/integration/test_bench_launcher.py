"""The launcher: the console's way to run a load in another process, from asyncio code."""

from __future__ import annotations

import asyncio
import os

import pytest

from mohawk_bench.launcher import BenchFailed, LoadProcess, load_result
from mohawk_bench.spec import LoadSpec
from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def url(shared_engine) -> str:
    asyncio.run(deploy(shared_engine.url, "mlp-tiny", "mlp-tiny"))
    return shared_engine.url


async def test_samples_arrive_while_running_and_the_result_comes_at_the_end(url, tmp_path):
    spec = LoadSpec(url=url, model="mlp-tiny", concurrency=4, duration_s=1.5)
    output = tmp_path / "result.json"
    async with LoadProcess(spec, output) as run:
        assert run.pid != os.getpid()
        samples = [sample async for sample in run.samples()]
        result = await run.result()
    assert [s.second for s in samples] == [0, 1]
    assert result.totals.successes == sum(s.successes for s in samples) > 0
    assert result.spec == spec and not result.stopped
    assert load_result(output) == result


async def test_stop_ends_the_run_with_its_partial_result(url):
    spec = LoadSpec(url=url, model="mlp-tiny", concurrency=2, duration_s=60)
    async with LoadProcess(spec) as run:
        async for sample in run.samples():
            assert sample.successes > 0
            await asyncio.wait_for(run.stop(), 8)
            break
        result = await run.result()
    assert result.stopped
    assert 0 < result.totals.duration_s < 10
    assert not run.output.exists(), "the temporary results folder is removed on exit"


async def test_a_refused_run_raises_bench_failed_with_the_cli_message(url):
    spec = LoadSpec(url=url, model="no-such-model", requests=5)
    async with LoadProcess(spec) as run:
        assert [s async for s in run.samples()] == []
        with pytest.raises(BenchFailed) as failure:
            await run.result()
    assert failure.value.returncode == 2
    assert failure.value.message.startswith("mohawk-bench: error: GET ")
    assert "no-such-model answered 404" in failure.value.message


async def test_leaving_the_block_stops_a_running_load(url):
    spec = LoadSpec(url=url, model="mlp-tiny", concurrency=2, duration_s=60)
    async with LoadProcess(spec, grace_s=8) as run:
        await anext(run.samples())
    assert run.returncode == 0
