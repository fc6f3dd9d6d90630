"""Scoring experiments: the objective, the constraints, and the best feasible experiment."""

from __future__ import annotations

from mohawk_engine.schemas.tuning import Constraints, Experiment, Objective


def score(experiment: Experiment, objective: Objective) -> float | None:
    """Higher is better; None when the experiment has no figure for the objective."""
    if objective == "maximize_throughput":
        return experiment.throughput
    value = experiment.p99_ms if objective == "minimize_p99" else experiment.mean_ms
    return None if value is None else -value


def violations(experiment: Experiment, constraints: Constraints) -> list[str]:
    """Why the experiment does not qualify, in plain words; empty when it does."""
    if experiment.status != "ok":
        return [f"experiment {experiment.status}"]
    problems = []
    if experiment.p99_ms is None:
        problems.append("no successful request measured")
    elif constraints.max_p99_ms is not None and experiment.p99_ms > constraints.max_p99_ms:
        problems.append(f"p99 {experiment.p99_ms:.3f} ms > {constraints.max_p99_ms:g} ms")
    if constraints.max_memory_mb is not None:
        if experiment.memory_mb is None:
            problems.append("memory unknown")
        elif experiment.memory_mb > constraints.max_memory_mb:
            problems.append(f"memory {experiment.memory_mb:.1f} MB > {constraints.max_memory_mb:g} MB")
    rate = experiment.errors / experiment.requests if experiment.requests else 0.0
    if rate > constraints.max_error_rate:
        problems.append(f"error rate {rate:.4f} > {constraints.max_error_rate:g}")
    return problems


def feasible(experiment: Experiment, constraints: Constraints) -> bool:
    return not violations(experiment, constraints)


def best(experiments: list[Experiment], objective: Objective, constraints: Constraints) -> int | None:
    """The index of the feasible experiment that scores highest (the earliest on a tie), or None."""
    chosen: tuple[float, int] | None = None
    for experiment in experiments:
        value = score(experiment, objective)
        if value is None or not feasible(experiment, constraints):
            continue
        if chosen is None or value > chosen[0]:
            chosen = (value, experiment.index)
    return None if chosen is None else chosen[1]
