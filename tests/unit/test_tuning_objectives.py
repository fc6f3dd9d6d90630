"""Objectives and constraints on hand-made experiments."""

from __future__ import annotations

import time

from mohawk_engine.schemas import BatchingConfig, DeviceMap
from mohawk_engine.schemas.tuning import CandidateParams, Constraints, Experiment
from mohawk_engine.tuning import objectives

PARAMS = CandidateParams(batching=BatchingConfig(), device_map=DeviceMap())


def experiment(index: int, throughput: float | None, p99: float | None, mean: float | None = None, *,
               memory: float | None = 10.0, errors: int = 0, requests: int = 100, status: str = "ok") -> Experiment:  # fmt: skip
    now = time.time()
    return Experiment(
        index=index, candidate=index, overrides={}, params=PARAMS, concurrency=1, status=status,
        throughput=throughput, p99_ms=p99, mean_ms=mean if mean is not None else p99, memory_mb=memory,
        errors=errors, requests=requests, started=now, finished=now,
    )  # fmt: skip


RUNS = [
    experiment(0, 100.0, 5.0, 3.0),
    experiment(1, 300.0, 20.0, 9.0, memory=50.0),
    experiment(2, 200.0, 8.0, 2.5),
    experiment(3, 500.0, 2.0, 1.0, status="failed"),
]


def test_each_objective_picks_its_winner():
    none = Constraints()
    assert objectives.best(RUNS, "maximize_throughput", none) == 1
    assert objectives.best(RUNS, "minimize_p99", none) == 0
    assert objectives.best(RUNS, "minimize_mean_latency", none) == 2


def test_constraints_filter_before_choosing():
    assert objectives.best(RUNS, "maximize_throughput", Constraints(max_p99_ms=10)) == 2
    assert objectives.best(RUNS, "maximize_throughput", Constraints(max_memory_mb=20)) == 2
    assert objectives.best(RUNS, "maximize_throughput", Constraints(max_p99_ms=1)) is None
    assert objectives.violations(RUNS[1], Constraints(max_p99_ms=10, max_memory_mb=20)) == [
        "p99 20.000 ms > 10 ms",
        "memory 50.0 MB > 20 MB",
    ]


def test_failed_or_erroring_experiments_never_win():
    assert not objectives.feasible(RUNS[3], Constraints())
    flaky = experiment(4, 1000.0, 1.0, errors=5, requests=100)
    assert objectives.best([*RUNS, flaky], "maximize_throughput", Constraints()) == 1
    assert objectives.best([*RUNS, flaky], "maximize_throughput", Constraints(max_error_rate=0.1)) == 4
    assert not objectives.feasible(experiment(5, 0.0, None), Constraints())


def test_ties_go_to_the_earlier_experiment():
    twins = [experiment(0, 100.0, 5.0), experiment(1, 100.0, 5.0)]
    assert objectives.best(twins, "maximize_throughput", Constraints()) == 0
    assert objectives.score(twins[0], "minimize_p99") == -5.0
