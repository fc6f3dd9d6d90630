"""Themes applied live from the settings pane (palette, stylesheet, charts), the shortcut table (bound,
listed in the help, each doing its job), and a tooltip on every control that needs one."""

from __future__ import annotations

import pyqtgraph as pg
from PyQt6.QtGui import QKeySequence, QPalette, QShortcut
from PyQt6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)

from mohawk_gui.main_window import VIEW_NAMES
from mohawk_gui.theme import DARK, LIGHT, apply_theme, current_theme
from mohawk_gui.views.help_dialog import key_text
from mohawk_gui.widgets.charts import STYLED
from tests.gui.conftest import resolve, until, worker_block


def _plots(window) -> list[pg.PlotWidget]:
    return [plot for plot in window.findChildren(pg.PlotWidget) if plot.property(STYLED)]


def test_the_light_theme_chosen_in_the_settings_pane_applies_live_to_palette_and_charts(qtbot, qapp, window):
    assert current_theme() is DARK
    plots = _plots(window)
    assert plots, "the dashboard has charts"
    assert plots[0].backgroundBrush().color().name() == DARK.surface
    try:
        window.config.form.fields["appearance.theme"].setCurrentText("light")
        resolve(qtbot, window.config.save())
        assert "theme = \"light\"" in window.console.store.path.read_text()
        assert current_theme() is LIGHT
        assert qapp.palette().color(QPalette.ColorRole.Window).name() == LIGHT.background
        assert qapp.palette().color(QPalette.ColorRole.Text).name() == LIGHT.text
        assert f"background: {LIGHT.background}" in qapp.styleSheet()
        for plot in _plots(window):
            assert plot.backgroundBrush().color().name() == LIGHT.surface
            axis = plot.getPlotItem().getAxis("left")
            assert axis.textPen().color().name() == LIGHT.muted and axis.pen().color().name() == LIGHT.border
    finally:
        apply_theme(qapp, "dark")
    assert all(plot.backgroundBrush().color().name() == DARK.surface for plot in _plots(window))


def test_an_unknown_theme_in_the_raw_toml_is_refused_with_the_choices(qtbot, window):
    config = window.config
    config.tabs.setCurrentIndex(1)
    config.raw.setPlainText(config.raw.toPlainText() + '\n[appearance]\ntheme = "neon"\n')
    assert config.save() is None
    assert "appearance.theme" in config.banner_text.text() and "'dark' or 'light'" in config.banner_text.text()
    assert current_theme() is DARK


def test_every_shortcut_in_the_table_is_bound_and_the_help_dialog_lists_exactly_the_table(qtbot, window):
    table = window.shortcut_table
    keys = [key for entry in table for key in entry.keys]
    assert len(keys) == len(set(keys)), "no key bound twice"
    bound = {shortcut.key().toString() for shortcut in window.findChildren(QShortcut)}
    assert bound == {QKeySequence(key).toString() for key in keys}
    assert {*(f"Ctrl+{n}" for n in range(1, 7)), "Ctrl+N", "F5", "Ctrl+F", "F1", "Ctrl+/"} <= bound
    window.shortcuts["F1"].activated.emit()
    dialog = window.help_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.rows() == [(" or ".join(key_text(key) for key in entry.keys), entry.description) for entry in table]
    dialog.close()
    window.shortcuts["Ctrl+/"].activated.emit()
    assert window.help_dialog is dialog and dialog.isVisible()


def test_each_shortcut_triggers_its_action(qtbot, console, window, gui_engine):
    for position, name in enumerate(VIEW_NAMES, start=1):
        window.shortcuts[f"Ctrl+{position}"].activated.emit()  # offscreen: no active window to send keys to
        assert window.current_view_name() == name

    window.shortcuts["Ctrl+N"].activated.emit()
    assert "No worker connected" in window.status.notice.text(), "no worker: a notice, no wizard"

    console.store.path.write_text(console.store.path.read_text() + worker_block("alpha", gui_engine.url))
    console.load_config()
    resolve(qtbot, console.start())
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())
    window.show_view("Dashboard")
    window.shortcuts["Ctrl+N"].activated.emit()
    wizard = window.sessions.wizard
    assert window.current_view_name() == "Sessions"
    assert wizard is not None and wizard.isVisible() and wizard.worker == "alpha"
    wizard.close()

    states: list[tuple[str, str, str]] = []
    window.hub.worker_state.connect(lambda *state: states.append(state))
    window.shortcuts["F5"].activated.emit()
    assert "Refreshing 1 worker" in window.status.notice.text()
    until(qtbot, lambda: ("alpha", "connecting", "reconnecting") in states)
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())

    window.activateWindow()
    window.shortcuts["Ctrl+F"].activated.emit()
    assert window.current_view_name() == "Logs"
    until(qtbot, lambda: QApplication.focusWidget() is window.logs.text_filter)

    window.shortcuts["Ctrl+Shift+A"].activated.emit()
    assert window.alerts_panel is not None and window.alerts_panel.isVisible()


def _needs_no_tooltip(widget: QWidget) -> bool:
    """Qt's own parts (table corner, tab scrollers, a spin box's or combo's inner editor, a line edit's clear
    button) and dialog Close buttons."""
    parent = widget.parentWidget()
    if widget.objectName() in ("qt_tableview_cornerbutton", "qt_spinbox_lineedit"):
        return True
    if isinstance(parent, (QTabBar, QDialogButtonBox, QLineEdit, QComboBox)):
        return True
    return False


def _describe(widget: QWidget) -> str:
    text = widget.text() if hasattr(widget, "text") and callable(widget.text) else ""
    return f"{type(widget).__name__} {text!r} in {type(widget.parentWidget()).__name__}"


def test_every_button_and_editable_field_in_the_main_window_has_a_tooltip(qtbot, window):
    window.open_alerts()
    window.open_help()
    controls = [
        widget
        for kind in (QAbstractButton, QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit)
        for widget in window.findChildren(kind)
        if not _needs_no_tooltip(widget)
    ]
    assert len(controls) > 40, "the walk reaches the views, the settings form and the dialogs"
    missing = [_describe(widget) for widget in controls if not widget.toolTip()]
    assert not missing, "controls without a tooltip:\n" + "\n".join(missing)
    form = window.config.form.fields
    expected = "Seconds the p99 stays above it before it alerts (in s).\nTOML: alerts.latency_for_s"
    assert form["alerts.latency_for_s"].toolTip() == expected
    assert "TOML: appearance.theme" in form["appearance.theme"].toolTip()
