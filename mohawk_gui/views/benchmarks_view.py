"""Benchmarks: the load-test runs recorded by this console (none are recorded by the console itself)."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from mohawk_gui.theme import set_role
from mohawk_gui.views.page import page_layout


class BenchmarksView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout, _ = page_layout(self, "Benchmarks", "Load-test runs against your workers and their results.")
        card = QFrame()
        set_role(card, "card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(24, 24, 24, 24)
        heading = QLabel("No benchmark runs recorded")
        set_role(heading, "section")
        body = QLabel(
            "There are no benchmark runs to list. To load a session, run Triton's perf_analyzer from a terminal "
            "(see the README) and watch its throughput and latency live on the Dashboard and in Sessions."
        )
        body.setWordWrap(True)
        set_role(body, "muted")
        inner.addWidget(heading)
        inner.addWidget(body)
        layout.addWidget(card, 0, Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
