"""The throughput / p99 Pareto front on hand-made points."""

from __future__ import annotations

from mohawk_engine.tuning.pareto import front


def test_dominated_points_drop_out_and_the_front_runs_by_p99():
    points = [
        (0, 100.0, 5.0),  # front: lowest p99
        (1, 300.0, 20.0),  # front: highest throughput
        (2, 200.0, 8.0),  # front
        (3, 150.0, 9.0),  # dominated by 2
        (4, 250.0, 25.0),  # dominated by 1
        (5, 90.0, 6.0),  # dominated by 0
    ]
    assert front(points) == [0, 2, 1]


def test_equal_p99_keeps_the_higher_throughput_and_equal_points_both_stay():
    assert front([(0, 100.0, 5.0), (1, 80.0, 5.0)]) == [0]
    assert front([(0, 100.0, 5.0), (1, 100.0, 7.0)]) == [0]
    assert front([(0, 100.0, 5.0), (1, 100.0, 5.0), (2, 50.0, 9.0)]) == [0, 1]


def test_empty_and_single():
    assert front([]) == []
    assert front([(7, 1.0, 1.0)]) == [7]
