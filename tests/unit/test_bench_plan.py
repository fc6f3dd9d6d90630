"""Sharing a run between worker processes: connections, rate, request count and start offsets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mohawk_bench.endpoint import Endpoint
from mohawk_bench.plan import share, split
from mohawk_bench.spec import LoadSpec

ENDPOINT = Endpoint("127.0.0.1", 8003, False, "")


@given(total=st.integers(0, 10**6), parts=st.integers(1, 64))
def test_shares_add_up_exactly_and_differ_by_at_most_one(total, parts):
    shares = [share(total, parts, i) for i in range(parts)]
    assert sum(shares) == total
    assert max(shares) - min(shares) <= 1


def test_closed_loop_splits_connections_and_request_count():
    spec = LoadSpec(url="http://h:1", model="m", concurrency=33, requests=1001, processes=4)
    plans = split(spec, ENDPOINT, b"payload")
    assert [p.lanes for p in plans] == [9, 8, 8, 8]
    assert [p.requests for p in plans] == [251, 250, 250, 250]
    assert {p.duration_s for p in plans} == {None}
    assert len({p.seed for p in plans}) == 4


def test_open_loop_splits_rate_and_staggers_constant_arrivals():
    spec = LoadSpec(url="http://h:1", model="m", mode="open", rate=1000, max_in_flight=10, duration_s=5, processes=4)
    plans = split(spec, ENDPOINT, b"payload")
    assert [p.rate for p in plans] == [250.0] * 4
    assert [p.lanes for p in plans] == [3, 3, 2, 2]
    assert [p.offset_s for p in plans] == pytest.approx([0, 0.001, 0.002, 0.003])
    # merged: one arrival every 1 ms, as one process at 1000/s would send
    merged = sorted(p.offset_s + k / p.rate for p in plans for k in range(3))
    assert [b - a for a, b in zip(merged, merged[1:])] == pytest.approx([0.001] * 11)
    assert {p.duration_s for p in plans} == {5}
