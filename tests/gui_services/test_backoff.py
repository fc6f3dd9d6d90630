import random

import pytest

from mohawk_gui.services.backoff import Backoff


def test_delays_grow_exponentially_up_to_the_cap():
    backoff = Backoff(initial_s=0.5, maximum_s=4.0, jitter=0.0)
    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_jitter_spreads_delays_within_its_band():
    delays = [Backoff(1.0, 10.0, jitter=0.2, rng=random.Random(seed)).next_delay() for seed in range(50)]
    assert all(0.8 <= delay <= 1.2 for delay in delays)
    assert len({round(delay, 6) for delay in delays}) > 40


def test_reset_starts_again_from_the_initial_delay():
    backoff = Backoff(1.0, 10.0, jitter=0.0)
    backoff.next_delay()
    backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 1.0


def test_jitter_must_be_a_fraction():
    with pytest.raises(ValueError):
        Backoff(jitter=1.5)
