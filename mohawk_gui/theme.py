"""The console's themes (dark, the default, and light): a palette, a stylesheet and the chart colours,
applied live. The module constants are the dark theme's; text coloured by status (OK/WARN/BAD/IDLE/MUTED)
asks `tone()` when it paints, so the light theme's darker shades keep it readable on white."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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



@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    surface: str
    surface_alt: str
    border: str
    text: str
    muted: str
    accent: str
    ok: str
    warn: str
    bad: str
    idle: str
    selection: str
    on_accent: str


DARK = Theme(
    "dark", BACKGROUND, SURFACE, SURFACE_ALT, BORDER, TEXT, MUTED, ACCENT, OK, WARN, BAD, IDLE, "#2d4a73", "#0b1220"
)
LIGHT = Theme(
    "light", "#f4f5f7", "#ffffff", "#eceff3", "#d0d5dd", "#1b2230", "#5b6576", "#2f6fd6", "#17804f", "#95600f",
    "#c0313e", "#6b7384", "#cfe0fb", "#ffffff",
)  # status shades chosen for a WCAG contrast of at least 3.5 on the base, alternate and selection colours
THEMES: dict[str, Theme] = {theme.name: theme for theme in (DARK, LIGHT)}

_current: Theme = DARK
# Called with the new theme after it is applied: widgets that paint with explicit colours (charts) restyle.
theme_listeners: list[Callable[[Theme], None]] = []


def current_theme() -> Theme:
    return _current


def tone(name: str) -> str:
    """The current theme's colour for a status tone: "ok", "warn", "bad", "idle", "muted" or "accent"."""
    return getattr(_current, name)


def stylesheet(t: Theme) -> str:
    return f"""
QWidget {{ background: {t.background}; color: {t.text}; font-size: 10pt; }}
QToolTip {{ background: {t.surface_alt}; color: {t.text}; border: 1px solid {t.border}; padding: 4px; }}
QListWidget#sidebar {{
    background: {t.surface}; border: none; border-right: 1px solid {t.border}; padding-top: 8px; outline: 0;
}}
QListWidget#sidebar::item {{ padding: 10px 18px; border-left: 3px solid transparent; color: {t.muted}; }}
QListWidget#sidebar::item:selected {{ background: {t.surface_alt}; color: {t.text}; border-left: 3px solid {t.accent}; }}
QListWidget#sidebar::item:hover {{ color: {t.text}; }}
QLabel#brand {{
    background: {t.surface}; color: {t.text}; font-size: 13pt; font-weight: 600; padding: 14px 18px 6px 18px;
    border-right: 1px solid {t.border};
}}
QLabel[role="title"] {{ font-size: 15pt; font-weight: 600; }}
QLabel[role="section"] {{ font-size: 11pt; font-weight: 600; color: {t.text}; }}
QLabel[role="muted"] {{ color: {t.muted}; }}
QLabel[role="error"] {{ color: {t.bad}; }}
QLabel[role="badge"] {{
    background: transparent; color: {t.warn}; border: 1px solid {t.warn}; border-radius: 8px; padding: 0px 7px;
    font-size: 8pt;
}}
QFrame[role="card"] {{ background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px; }}
QFrame[role="card"] QLabel, QFrame[role="card"] QWidget#cardBody {{ background: transparent; }}
QFrame[role="banner"] {{ background: {t.surface_alt}; border: 1px solid {t.border}; border-radius: 6px; }}
QFrame[role="banner"] QLabel {{ background: transparent; }}
QTableView {{
    background: {t.surface}; alternate-background-color: {t.surface_alt}; gridline-color: {t.border};
    border: 1px solid {t.border}; border-radius: 6px; selection-background-color: {t.selection};
}}
QHeaderView::section {{
    background: {t.surface_alt}; color: {t.muted}; border: none; border-bottom: 1px solid {t.border}; padding: 6px 8px;
    font-weight: 600;
}}
QTableCornerButton::section {{ background: {t.surface_alt}; border: none; }}
QPushButton {{
    background: {t.surface_alt}; border: 1px solid {t.border}; border-radius: 6px; padding: 6px 14px; color: {t.text};
}}
QPushButton:hover {{ border-color: {t.accent}; }}
QPushButton:pressed {{ background: {t.border}; }}
QPushButton:disabled {{ color: {t.idle}; border-color: {t.surface_alt}; }}
QPushButton[role="primary"] {{ background: {t.accent}; border-color: {t.accent}; color: {t.on_accent}; font-weight: 600; }}
QPushButton[role="primary"]:disabled {{ background: {t.surface_alt}; border-color: {t.border}; color: {t.idle}; }}
QPushButton[role="danger"] {{ border-color: {t.bad}; color: {t.bad}; }}
QPushButton[role="danger"]:disabled {{ color: {t.idle}; border-color: {t.border}; }}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{
    background: {t.surface}; border: 1px solid {t.border}; border-radius: 5px; padding: 4px 6px;
    selection-background-color: {t.selection};
}}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QPlainTextEdit:focus {{ border-color: {t.accent}; }}
QLineEdit[invalid="true"], QSpinBox[invalid="true"], QDoubleSpinBox[invalid="true"] {{ border-color: {t.bad}; }}
QPlainTextEdit {{ font-family: "DejaVu Sans Mono", "Menlo", monospace; }}
QTabWidget::pane {{ border: 1px solid {t.border}; border-radius: 6px; top: -1px; }}
QTabBar::tab {{
    background: {t.surface}; color: {t.muted}; padding: 7px 16px; border: 1px solid {t.border};
    border-bottom: none; border-top-left-radius: 6px; border-top-right-radius: 6px; margin-right: 2px;
}}
QTabBar::tab:selected {{ background: {t.surface_alt}; color: {t.text}; }}
QGroupBox {{ border: 1px solid {t.border}; border-radius: 8px; margin-top: 14px; padding: 12px 10px 8px 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: {t.text}; font-weight: 600; }}
QStatusBar {{ background: {t.surface}; border-top: 1px solid {t.border}; color: {t.muted}; }}
QStatusBar QLabel {{ background: transparent; padding: 0 8px; }}
QStatusBar::item {{ border: none; }}
QPushButton#alertBadge {{
    background: transparent; border: 1px solid {t.border}; border-radius: 9px; padding: 1px 10px; color: {t.muted};
}}
QPushButton#alertBadge[level="warning"] {{ border-color: {t.warn}; color: {t.warn}; }}
QPushButton#alertBadge[level="critical"] {{
    background: {t.bad}; border-color: {t.bad}; color: {t.on_accent}; font-weight: 600;
}}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ background: {t.background}; width: 10px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {t.border}; border-radius: 5px; min-height: 24px; }}
QScrollBar:horizontal {{ background: {t.background}; height: 10px; margin: 0; }}
QScrollBar::handle:horizontal {{ background: {t.border}; border-radius: 5px; min-width: 24px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QProgressBar {{
    background: {t.surface_alt}; border: none; border-radius: 4px; text-align: center; color: {t.text}; max-height: 14px;
    font-size: 8pt;
}}
QProgressBar::chunk {{ background: {t.accent}; border-radius: 4px; }}
QSplitter::handle {{ background: {t.background}; }}
QCheckBox::indicator, QTableView::indicator {{
    width: 14px; height: 14px; border: 1px solid {t.muted}; border-radius: 3px; background: {t.surface};
}}
QCheckBox::indicator:checked, QTableView::indicator:checked {{
    background: {t.accent}; border-color: {t.accent}; image: url({CHECK_MARK});
}}
QCheckBox::indicator:disabled {{ border-color: {t.border}; }}
"""


STYLESHEET = stylesheet(DARK)


def apply_theme(app: QApplication, name: str = "dark") -> Theme:
    """Fusion style, the theme's palette (for what stylesheets miss) and stylesheet; pyqtgraph and the
    registered listeners (charts) follow. Applies live: call again with another name to switch."""
    global _current
    theme = THEMES[name]
    _current = theme
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, theme.background),
        (QPalette.ColorRole.WindowText, theme.text),
        (QPalette.ColorRole.Base, theme.surface),
        (QPalette.ColorRole.AlternateBase, theme.surface_alt),
        (QPalette.ColorRole.Text, theme.text),
        (QPalette.ColorRole.Button, theme.surface_alt),
        (QPalette.ColorRole.ButtonText, theme.text),
        (QPalette.ColorRole.Highlight, theme.selection),
        (QPalette.ColorRole.HighlightedText, theme.text),
        (QPalette.ColorRole.ToolTipBase, theme.surface_alt),
        (QPalette.ColorRole.ToolTipText, theme.text),
        (QPalette.ColorRole.PlaceholderText, theme.idle),
        (QPalette.ColorRole.Link, theme.accent),
    ):
        palette.setColor(role, QColor(color))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme))
    import pyqtgraph

    pyqtgraph.setConfigOptions(background=theme.surface, foreground=theme.muted, antialias=True)
    for listener in list(theme_listeners):
        listener(theme)
    return theme


def set_role(widget, role: str) -> None:
    """Give a widget a stylesheet role (title, muted, card, primary, ...) and re-polish it."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
