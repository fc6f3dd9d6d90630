"""The card every chart sits in: title, units, a line of latest figures, and CSV/PNG export."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QPoint, QSize, Qt
from PyQt6.QtWidgets import QApplication, QFileDialog, QFrame, QHBoxLayout, QLabel, QMenu, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from mohawk_gui.theme import Theme, current_theme, set_role, theme_listeners


class ChartFrame(QFrame):
    """Subclasses put their plot in `body` and implement `export_csv`; PNG is a grab of the card."""

    def __init__(self, title: str, units: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        self.title = title
        self.units = units
        self.title_label = QLabel("")
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.latest_label = QLabel("")
        self.latest_label.setTextFormat(Qt.TextFormat.RichText)
        self.latest_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.latest_label.setStyleSheet("font-size: 9pt;")
        self.csv_button = self._tool_button("CSV", "Export this chart's data as CSV", self._ask_csv)
        self.png_button = self._tool_button("PNG", "Export this chart as a PNG image", self._ask_png)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(6)
        header.addWidget(self.title_label, 1)
        header.addWidget(self.csv_button)
        header.addWidget(self.png_button)
        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.latest_label)
        layout.addLayout(self.body, 1)
        self.restyle(current_theme())
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def sizeHint(self) -> QSize:
        """Modest, so that grids of charts share the space they get rather than ask for more."""
        return QSize(420, 240)

    def restyle(self, theme: Theme) -> None:
        """The title's units and the export buttons in the theme's colours (called again on a theme switch)."""
        units = f" <span style='color:{theme.muted}'>({self.units})</span>" if self.units else ""
        self.title_label.setText(f"<b>{self.title}</b>{units}")
        for button in (self.csv_button, self.png_button):
            button.setStyleSheet(
                f"QToolButton {{ color: {theme.muted}; background: transparent; padding: 0 3px; font-size: 8pt; }}"
                f"QToolButton:hover {{ color: {theme.text}; }}"
            )

    def export_csv(self, path: str | Path) -> None:
        raise NotImplementedError

    def export_png(self, path: str | Path) -> None:
        """The card as it is drawn now (title, latest figures, plot)."""
        if not self.grab().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")

    def context_menu(self) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Export CSV…", self._ask_csv)
        menu.addAction("Export PNG…", self._ask_png)
        return menu

    def _context_menu(self, position: QPoint) -> None:
        self.context_menu().exec(self.mapToGlobal(position))

    def _tool_button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    def _file_stem(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-") or "chart"

    def _ask_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export CSV", f"{self._file_stem()}.csv", "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def _ask_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export PNG", f"{self._file_stem()}.png", "PNG image (*.png)")
        if path:
            self.export_png(path)


def restyle_frames(theme: Theme) -> None:
    for widget in QApplication.allWidgets():
        if isinstance(widget, ChartFrame):
            widget.restyle(theme)


theme_listeners.append(restyle_frames)
