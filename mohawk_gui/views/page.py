"""The frame every view shares: a title, a one-line description, then the view's content."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mohawk_gui.theme import set_role


def page_layout(view: QWidget, title: str, description: str) -> tuple[QVBoxLayout, QHBoxLayout]:
    """Returns the view's main layout and the header row (for buttons next to the title)."""
    layout = QVBoxLayout(view)
    layout.setContentsMargins(20, 16, 20, 12)
    layout.setSpacing(10)
    header = QHBoxLayout()
    heading = QVBoxLayout()
    heading.setSpacing(0)
    title_label = QLabel(title)
    set_role(title_label, "title")
    description_label = QLabel(description)
    set_role(description_label, "muted")
    heading.addWidget(title_label)
    heading.addWidget(description_label)
    header.addLayout(heading, 1)
    layout.addLayout(header)
    return layout, header


def section_label(text: str) -> QLabel:
    label = QLabel(text)
    set_role(label, "section")
    return label
