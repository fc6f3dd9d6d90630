"""Status text follows the theme: on the light theme a READY cell's colour is a darker green that reads on
white (WCAG contrast at least 3); the dark theme keeps its colours."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QPalette

from mohawk_engine.schemas import SessionState
from mohawk_gui.models.sessions_table import STATE_COLUMN, SessionsTableModel
from mohawk_gui.theme import DARK, LIGHT, OK, apply_theme, tone
from tests.gui.wire import session_info


def _luminance(color: QColor) -> float:
    channels = [c / 255 for c in (color.red(), color.green(), color.blue())]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _state_color(model: SessionsTableModel, worker: str, session: str) -> QColor:
    return model.data(model.index(model.row_of(worker, session), STATE_COLUMN), Qt.ItemDataRole.ForegroundRole)


def test_a_ready_cell_reads_on_the_light_base_and_keeps_its_dark_colour(qtbot, qapp, hub):
    model = SessionsTableModel(hub)
    hub.on_sessions("local", [session_info("mlp"), session_info("bad", state=SessionState.FAILED)])
    assert _state_color(model, "local", "mlp").name() == OK == DARK.ok
    try:
        apply_theme(qapp, "light")
        ready = _state_color(model, "local", "mlp")
        assert ready.name() == LIGHT.ok != DARK.ok
        for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase, QPalette.ColorRole.Highlight):
            assert contrast(ready, qapp.palette().color(role)) >= 3, role
        assert contrast(_state_color(model, "local", "bad"), qapp.palette().color(QPalette.ColorRole.Base)) >= 3
    finally:
        apply_theme(qapp, "dark")
    assert _state_color(model, "local", "mlp").name() == DARK.ok


def test_every_light_status_tone_reads_on_the_light_surfaces():
    for name in ("ok", "warn", "bad", "idle", "muted"):
        for surface in (LIGHT.surface, LIGHT.surface_alt, LIGHT.selection):
            assert contrast(QColor(getattr(LIGHT, name)), QColor(surface)) >= 3, (name, surface)
    assert tone("ok") == DARK.ok and DARK.ok == "#3ecf8e", "the dark theme keeps its status colours"
