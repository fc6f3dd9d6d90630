"""A run's key figures, and two runs' figures side by side with their ratio (pure data, no Qt)."""

from __future__ import annotations

import math

from mohawk_gui.services.run_store import SavedRun

# (label, how to read it from a run, True when higher is better)
FIGURES: tuple[tuple[str, str, bool], ...] = (
    ("Throughput (req/s)", "totals.throughput", True),
    ("Items per second", "totals.items_per_s", True),
    ("Latency p50 (ms)", "latency.p50_ms", False),
    ("Latency p90 (ms)", "latency.p90_ms", False),
    ("Latency p95 (ms)", "latency.p95_ms", False),
    ("Latency p99 (ms)", "latency.p99_ms", False),
    ("Latency max (ms)", "latency.max_ms", False),
    ("Latency mean (ms)", "latency.mean_ms", False),
    ("Requests", "totals.requests", True),
    ("Errors", "totals.errors", False),
    ("Duration (s)", "totals.duration_s", True),
)


def figure(run: SavedRun, path: str) -> float | None:
    value: object = run.result
    for part in path.split("."):
        value = getattr(value, part)
    return None if value is None else float(value)


def key_figures(run: SavedRun) -> list[tuple[str, float | None]]:
    return [(label, figure(run, path)) for label, path, _ in FIGURES]


def ratio(a: float | None, b: float | None) -> float | None:
    """b / a; None when either is missing or a is zero."""
    if a is None or b is None or a == 0:
        return None
    return b / a


def comparison_rows(a: SavedRun, b: SavedRun) -> list[tuple[str, float | None, float | None, float | None, bool]]:
    """(label, run A, run B, B / A, higher is better) per key figure."""
    rows = []
    for label, path, higher_better in FIGURES:
        first, second = figure(a, path), figure(b, path)
        rows.append((label, first, second, ratio(first, second), higher_better))
    return rows


def value_text(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    if value.is_integer() and abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def ratio_text(value: float | None) -> str:
    return "—" if value is None else f"×{value:.2f}"


def run_label(run: SavedRun) -> str:
    return f"{run.worker}/{run.session} {run.result.started_at.astimezone():%Y-%m-%d %H:%M:%S}"
