"""The Tuning form's pure logic: comma lists, the request it builds, experiment counts, settings diffs."""

from __future__ import annotations

import pytest

from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec
from mohawk_engine.schemas.tuning import Experiment, CandidateParams
from mohawk_gui.models.experiments_table import overrides_text, status_text
from mohawk_gui.views.tuning.form_values import (
    FormError,
    FormValues,
    build_request,
    experiment_count,
    parse_choices,
    parse_ints,
    settings_diff,
)


def test_comma_lists_parse_trim_and_drop_duplicates():
    assert parse_ints(" 1, 8,32 ,8,", "max_batch_size", "Max batch sizes", 1, 64) == [1, 8, 32]
    assert parse_ints("  ", "max_batch_size", "Max batch sizes", 1, 64) is None
    assert parse_choices("CPU, cuda, cpu", "providers", "Providers", ("cpu", "cuda", "tensorrt")) == ["cpu", "cuda"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1, x", "Max batch sizes: 'x' is not a whole number; expected comma-separated whole numbers from 1 to 64"),
        ("1.5", "'1.5' is not a whole number"),
        ("0, 8", "Max batch sizes: 0 is out of range; expected whole numbers from 1 to 64"),
        ("65", "65 is out of range"),
    ],
)
def test_bad_numbers_say_which_field_and_what_is_expected(text, words):
    with pytest.raises(FormError) as error:
        parse_ints(text, "max_batch_size", "Max batch sizes", 1, 64)
    assert words in str(error.value) and error.value.field == "max_batch_size"


def test_a_bad_choice_names_the_allowed_ones():
    with pytest.raises(FormError, match="Providers: 'tpu' is not one of cpu, cuda, tensorrt"):
        parse_choices("cpu, tpu", "providers", "Providers", ("cpu", "cuda", "tensorrt"))


def test_the_request_counts_every_candidate_at_every_load_level():
    values = FormValues(session="tiny", lists={"max_batch_size": "1, 8", "replicas_per_device": "1,2,4"},
                        concurrency="1, 4", duration_s=1.0, warmup_s=0.2, max_p99_ms=5.0)  # fmt: skip
    request = build_request(values)
    assert request.space.max_batch_size == [1, 8] and request.space.replicas_per_device == [1, 2, 4]
    assert request.load.concurrency == [1, 4] and request.constraints.max_p99_ms == 5.0
    assert request.constraints.max_memory_mb is None and request.strategy.max_experiments is None
    assert experiment_count(request) == 2 * 3 * 2
    values.strategy, values.max_experiments = "random", 4
    assert experiment_count(build_request(values)) == 4 * 2
    values.max_experiments = 100  # never more than the grid holds
    assert experiment_count(build_request(values)) == 6 * 2


def test_empty_space_missing_session_and_too_many_experiments_are_refused():
    with pytest.raises(FormError, match="search space is empty") as empty:
        build_request(FormValues(session="tiny", lists={"max_batch_size": " , "}))
    assert empty.value.field == "space"
    with pytest.raises(FormError, match="Pick the session"):
        build_request(FormValues(session=" ", lists={"max_batch_size": "1"}))
    with pytest.raises(FormError, match="Concurrencies: give at least one"):
        build_request(FormValues(session="tiny", lists={"max_batch_size": "1"}, concurrency=""))
    big = {"max_batch_size": ",".join(map(str, range(1, 41))), "max_queue_delay_us": ",".join(map(str, range(30)))}
    with pytest.raises(FormError, match="1,200 experiments; at most 1,000"):
        build_request(FormValues(session="tiny", lists=big))
    with pytest.raises(FormError, match=r"Seconds each: Input should be greater than 0 \(got 0\)"):
        build_request(FormValues(session="tiny", lists={"max_batch_size": "1"}, duration_s=0))


def test_settings_diff_lists_only_what_changes():
    old = SessionSpec(name="tiny", model="mlp-tiny")
    new = old.model_copy(update={"batching": BatchingConfig(max_batch_size=8),
                                 "device_map": DeviceMap(replicas_per_device=2)})  # fmt: skip
    assert settings_diff(old, new) == [("max batch size", "32", "8"), ("replicas per device", "1", "2")]
    assert settings_diff(old, old) == []


def test_experiment_texts():
    experiment = Experiment(
        index=3, candidate=1, overrides={"max_batch_size": 8, "replicas_per_device": 2},
        params=CandidateParams(batching=BatchingConfig(), device_map=DeviceMap()), concurrency=2, status="ok",
        throughput=100.0, p99_ms=2.0, feasible=False, started=0.0, finished=1.0,
    )  # fmt: skip
    assert overrides_text(experiment.overrides) == "batch 8, replicas 2"
    assert status_text(experiment, best=None, pareto=[]) == "ok, over limits"
    feasible = experiment.model_copy(update={"feasible": True})
    assert status_text(feasible, best=3, pareto=[3]) == "ok, best"
    failed = experiment.model_copy(update={"status": "failed", "reason": "did not fit"})
    assert status_text(failed, best=None, pareto=[]) == "failed: did not fit"
