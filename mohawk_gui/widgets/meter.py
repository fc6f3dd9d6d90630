"""A thin horizontal bar for a fraction (utilization, memory), colored by how full it is."""

from __future__ import annotations

from PyQt6.QtCore import QRectF, QSize, Qt
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtWidgets import QSizePolicy, QWidget

from mohawk_gui.theme import current_theme


class Meter(QWidget):
    def __init__(self, warn_at: float = 0.8, bad_at: float = 0.95, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.warn_at = warn_at
        self.bad_at = bad_at
        self._fraction = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(120, 8)

    def fraction(self) -> float:
        return self._fraction

    def set_fraction(self, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        if fraction != self._fraction:
            self._fraction = fraction
            self.update()

    def color(self) -> str:
        """The fill, in the current theme's colours (read at each paint, so a theme switch applies live)."""
        theme = current_theme()
        if self._fraction >= self.bad_at:
            return theme.bad
        return theme.warn if self._fraction >= self.warn_at else theme.accent

    def track_color(self) -> str:
        return current_theme().surface_alt

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = QRectF(self.rect())
        radius = track.height() / 2
        painter.setBrush(QColor(self.track_color()))
        painter.drawRoundedRect(track, radius, radius)
        if self._fraction > 0:
            filled = QRectF(track.x(), track.y(), max(track.height(), track.width() * self._fraction), track.height())
            painter.setBrush(QColor(self.color()))
            painter.drawRoundedRect(filled, radius, radius)
        painter.end()
