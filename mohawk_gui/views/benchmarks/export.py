"""Exports of saved runs: the series as CSV, charts as PNG, and a self-contained HTML report."""

from __future__ import annotations

import base64
import csv
import html
import json
from pathlib import Path

from PyQt6.QtCore import QBuffer, QIODevice
from PyQt6.QtWidgets import QWidget

from mohawk_gui.models.runs_table import shape_text
from mohawk_gui.services.run_store import SavedRun
from mohawk_gui.views.benchmarks.figures import comparison_rows, key_figures, ratio_text, run_label, value_text

SERIES_COLUMNS = (
    "second", "timestamp", "elapsed_s", "warmup", "requests", "successes", "errors",
    "throughput", "items_per_s", "p50_ms", "p99_ms",
)  # fmt: skip

CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 32px; color: #1b1f26; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #d0d5dd; }
table { border-collapse: collapse; margin: 8px 0; } td, th { padding: 4px 12px; border-bottom: 1px solid #e4e7ec; }
th { text-align: left; background: #f2f4f7; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f2f4f7; padding: 10px; border-radius: 6px; font-size: 12px; }
img { max-width: 100%; border: 1px solid #d0d5dd; border-radius: 6px; margin: 6px 0; }
.muted { color: #667085; }
"""


def write_series_csv(run: SavedRun, path: str | Path) -> None:
    """One row per second of the run (the load generator's progress samples), errors by kind at the end."""
    kinds = sorted({kind for sample in run.result.series for kind in sample.errors_by_kind})
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*SERIES_COLUMNS, *(f"errors {kind}" for kind in kinds)])
        for sample in run.result.series:
            row = ["" if getattr(sample, c) is None else getattr(sample, c) for c in SERIES_COLUMNS]
            writer.writerow([*row, *(sample.errors_by_kind.get(kind, 0) for kind in kinds)])


def png_bytes(widget: QWidget) -> bytes:
    """The widget as drawn now, PNG-encoded (it need not be on screen)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise OSError("could not encode the chart as PNG")
    return bytes(buffer.data())


def save_png(widget: QWidget, path: str | Path) -> None:
    Path(path).write_bytes(png_bytes(widget))


def html_report(runs: list[SavedRun], images: list[tuple[str, bytes]]) -> str:
    """One page, no external resources: inline CSS, charts as base64 PNG, each run's spec and figures;
    with two runs, the comparison table (B / A) first."""
    e = html.escape
    title = "Load test: " + run_label(runs[0]) if len(runs) == 1 else "Load tests compared"
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{e(title)}</title><style>{CSS}</style></head><body>"]
    parts.append(f"<h1>{e(title)}</h1>")
    if len(runs) == 2:
        parts.append("<h2>Comparison</h2><table><tr><th>Figure</th><th>A</th><th>B</th><th>B / A</th></tr>")
        for label, a, b, ratio, _ in comparison_rows(*runs):
            parts.append(
                f"<tr><td>{e(label)}</td><td class='n'>{value_text(a)}</td><td class='n'>{value_text(b)}</td>"
                f"<td class='n'>{ratio_text(ratio)}</td></tr>"
            )
        parts.append("</table>")
    if images:
        parts.append("<h2>Charts</h2>")
        for caption, data in images:
            encoded = base64.b64encode(data).decode("ascii")
            parts.append(f"<div><img alt='{e(caption)}' title='{e(caption)}' src='data:image/png;base64,{encoded}'></div>")
    for index, run in enumerate(runs):
        parts.append(_run_section(run, chr(ord("A") + index) if len(runs) > 1 else ""))
    parts.append("</body></html>")
    return "\n".join(parts)


def _run_section(run: SavedRun, letter: str) -> str:
    e = html.escape
    result = run.result
    heading = (f"{letter}: " if letter else "") + run_label(run)
    rows = "".join(f"<tr><td>{e(label)}</td><td class='n'>{value_text(value)}</td></tr>" for label, value in key_figures(run))
    errors = "".join(f"<tr><td>{e(kind)}</td><td class='n'>{count:,}</td></tr>" for kind, count in result.errors.items())
    spec = json.dumps(result.spec.model_dump(mode="json"), indent=2)
    return (
        f"<h2>{e(heading)}</h2>"
        f"<p class='muted'>Worker {e(run.worker)} at {e(result.spec.url)}, session {e(run.session)}; "
        f"{e(shape_text(result.spec))}; started {result.started_at.astimezone():%Y-%m-%d %H:%M:%S %Z}"
        f"{' (stopped early)' if result.stopped else ''}. Run id {e(run.id)}.</p>"
        f"<table><tr><th>Figure</th><th>Value</th></tr>{rows}</table>"
        + (f"<table><tr><th>Error</th><th>Count</th></tr>{errors}</table>" if errors else "")
        + f"<h3>Spec</h3><pre>{e(spec)}</pre>"
    )


def write_html_report(runs: list[SavedRun], images: list[tuple[str, bytes]], path: str | Path) -> None:
    Path(path).write_text(html_report(runs, images), encoding="utf-8")
