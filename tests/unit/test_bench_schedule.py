"""Open-loop arrival schedules: constant spacing with an offset, Poisson with the asked mean rate."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mohawk_bench.schedule import arrivals


def test_constant_arrivals_are_evenly_spaced_from_the_offset():
    times = list(itertools.islice(arrivals("constant", 100.0, 50.0, seed=0, offset=0.005), 5))
    assert times == pytest.approx([100.005, 100.025, 100.045, 100.065, 100.085])


def test_poisson_arrivals_have_the_mean_rate_and_exponential_gaps():
    times = np.array(list(itertools.islice(arrivals("poisson", 0.0, 400.0, seed=7), 20_000)))
    gaps = np.diff(np.concatenate([[0.0], times]))
    assert (gaps > 0).all()
    assert 20_000 / times[-1] == pytest.approx(400.0, rel=0.03)
    # exponential gaps: the standard deviation equals the mean
    assert gaps.std() == pytest.approx(gaps.mean(), rel=0.05)


def test_poisson_arrivals_repeat_for_a_seed_and_differ_across_seeds():
    first = list(itertools.islice(arrivals("poisson", 0.0, 100.0, seed=1), 10))
    assert first == list(itertools.islice(arrivals("poisson", 0.0, 100.0, seed=1), 10))
    assert first != list(itertools.islice(arrivals("poisson", 0.0, 100.0, seed=2), 10))


def test_unknown_arrival_process_is_named():
    with pytest.raises(ValueError, match="unknown arrival process 'bursty'; expected constant or poisson"):
        arrivals("bursty", 0.0, 1.0, seed=0)
