"""The console's dark theme: one palette, one stylesheet, and the chart colors."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QApplication

BACKGROUND = "#14171c"
SURFACE = "#1b1f26"
SURFACE_ALT = "#232934"
BORDER = "#2f3643"
TEXT = "#e6e9ef"
MUTED = "#8d97a8"
ACCENT = "#4c9aff"
OK = "#3ecf8e"
WARN = "#f5b942"
BAD = "#f0616d"
IDLE = "#6b7587"

CHECK_MARK = (Path(__file__).parent / "resources" / "check.svg").as_posix()

SERIES_COLORS = ("#4c9aff", "#3ecf8e", "#f5b942", "#f0616d", "#b48ead", "#56c2d6", "#e88b5a", "#9ccc65")

STATE_COLORS = {"online": OK, "degraded": WARN, "offline": BAD, "connecting": IDLE}
LEVEL_COLORS = {"ok": OK, "warning": WARN, "critical": BAD, "idle": IDLE}

STYLESHEET = f"""
QWidget {{ background: {BACKGROUND}; color: {TEXT}; font-size: 10pt; }}
QToolTip {{ background: {SURFACE_ALT}; color: {TEXT}; border: 1px solid {BORDER}; padding: 4px; }}
QListWidget#sidebar {{
    background: {SURFACE}; border: none; border-right: 1px solid {BORDER}; padding-top: 8px; outline: 0;
}}
QListWidget#sidebar::item {{ padding: 10px 18px; border-left: 3px solid transparent; color: {MUTED}; }}
QListWidget#sidebar::item:selected {{ background: {SURFACE_ALT}; color: {TEXT}; border-left: 3px solid {ACCENT}; }}
QListWidget#sidebar::item:hover {{ color: {TEXT}; }}
QLabel#brand {{
    background: {SURFACE}; color: {TEXT}; font-size: 13pt; font-weight: 600; padding: 14px 18px 6px 18px;
    border-right: 1px solid {BORDER};
}}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="section"] {{ font-size: 11pt; font-weight: 600; color: {TEXT}; }}
QLabel[role="muted"] {{ color: {MUTED}; }}
QLabel[role="error"] {{ color: {BAD}; }}
QLabel[role="badge"] {{
    background: transparent; color: {WARN}; border: 1px solid {WARN}; border-radius: 8px; padding: 0px 7px;
    font-size: 8pt;
}}
QFrame[role="card"] {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
QFrame[role="card"] QLabel, QFrame[role="card"] QWidget#cardBody {{ background: transparent; }}
QFrame[role="banner"] {{ background: {SURFACE_ALT}; border: 1px solid {BORDER}; border-radius: 6px; }}
QFrame[role="banner"] QLabel {{ background: transparent; }}
QTableView {{
    background: {SURFACE}; alternate-background-color: {SURFACE_ALT}; gridline-color: {BORDER};
    border: 1px solid {BORDER}; border-radius: 6px; selection-background-color: #2d4a73;
}}
QHeaderView::section {{
    background: {SURFACE_ALT}; color: {MUTED}; border: none; border-bottom: 1px solid {BORDER}; padding: 6px 8px;
    font-weight: 600;
}}
QTableCornerButton::section {{ background: {SURFACE_ALT}; border: none; }}
QPushButton {{
    background: {SURFACE_ALT}; border: 1px solid {BORDER}; border-radius: 6px; padding: 6px 14px; color: {TEXT};
}}
QPushButton:hover {{ border-color: {ACCENT}; }}
QPushButton:pressed {{ background: {BORDER}; }}
QPushButton:disabled {{ color: {IDLE}; border-color: {SURFACE_ALT}; }}
QPushButton[role="primary"] {{ background: {ACCENT}; border-color: {ACCENT}; color: #0b1220; font-weight: 600; }}
QPushButton[role="primary"]:disabled {{ background: {SURFACE_ALT}; border-color: {BORDER}; color: {IDLE}; }}
QPushButton[role="danger"] {{ border-color: {BAD}; color: {BAD}; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{
    background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 5px; padding: 4px 6px;
    selection-background-color: #2d4a73;
}}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QDoubleSpinBox[invalid="true"] {{ border-color: {BAD}; }}
QPlainTextEdit {{ font-family: "DejaVu Sans Mono", "Menlo", monospace; }}
QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 6px; top: -1px; }}
QTabBar::tab {{
    background: {SURFACE}; color: {MUTED}; padding: 7px 16px; border: 1px solid {BORDER};
    border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px; margin-right: 2px;
}}
QTabBar::tab:selected {{ background: {SURFACE_ALT}; color: {TEXT}; }}
QGroupBox {{ border: 1px solid {BORDER}; border-radius: 8px; margin-top: 14px; padding: 12px 10px 8px 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: {TEXT}; font-weight: 600; }}
QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: {MUTED}; }}
QStatusBar QLabel {{ background: transparent; padding: 0 8px; }}
QStatusBar::item {{ border: none; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ background: {BACKGROUND}; width: 10px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {BORDER}; border-radius: 5px; min-height: 24px; }}
QScrollBar:horizontal {{ background: {BACKGROUND}; height: 10px; margin: 0; }}
QScrollBar::handle:horizontal {{ background: {BORDER}; border-radius: 5px; min-width: 24px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QProgressBar {{
    background: {SURFACE_ALT}; border: none; border-radius: 4px; text-align: center; color: {TEXT}; max-height: 14px;
    font-size: 8pt;
}}
QProgressBar::chunk {{ background: {ACCENT}; border-radius: 4px; }}
QSplitter::handle {{ background: {BACKGROUND}; }}
QCheckBox::indicator, QTableView::indicator {{
    width: 14px; height: 14px; border: 1px solid {MUTED}; border-radius: 3px; background: {SURFACE};
}}
QCheckBox::indicator:checked, QTableView::indicator:checked {{
    background: {ACCENT}; border-color: {ACCENT}; image: url({CHECK_MARK});
}}
QCheckBox::indicator:disabled {{ border-color: {BORDER}; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style, a dark palette (for what stylesheets miss) and the stylesheet; pyqtgraph to match."""
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, SURFACE_ALT),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, SURFACE_ALT),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, "#2d4a73"),
        (QPalette.ColorRole.HighlightedText, TEXT),
        (QPalette.ColorRole.ToolTipBase, SURFACE_ALT),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.PlaceholderText, IDLE),
        (QPalette.ColorRole.Link, ACCENT),
    ):
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
    import pyqtgraph

    pyqtgraph.setConfigOptions(background=SURFACE, foreground=MUTED, antialias=True)


def set_role(widget, role: str) -> None:
    """Give a widget a stylesheet role (title, muted, card, primary, ...) and re-polish it."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
