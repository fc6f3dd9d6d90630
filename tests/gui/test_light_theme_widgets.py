"""Widgets that paint with explicit colours follow a live switch to the light theme (and back): the device
meter's track, the wizard's radio indicators, the chart cards' units and export buttons, the events
timeline, and the disabled danger buttons."""

from __future__ import annotations

from PyQt6.QtGui import QColor

from mohawk_gui.theme import DARK, LIGHT, apply_theme
from mohawk_gui.views.session_events import EventsTimeline
from mohawk_gui.views.wizard import SessionWizard
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.widgets.meter import Meter
from tests.gui.conftest import until


def _track_pixel(meter: Meter) -> str:
    return QColor(meter.grab().toImage().pixel(meter.width() // 2, meter.height() // 2)).name()


def test_explicitly_painted_widgets_follow_a_switch_to_light_and_back(qtbot, qapp, live_hub):
    meter = Meter()
    meter.resize(120, 8)
    frame = ChartFrame("Latency", "ms")
    timeline = EventsTimeline()
    wizard = SessionWizard(live_hub, "local")
    for widget in (meter, frame, timeline, wizard):
        qtbot.addWidget(widget)
    wizard.show()
    until(qtbot, lambda: wizard.model_page.models, timeout=15)
    assert _track_pixel(meter) == DARK.surface_alt and DARK.muted in frame.title_label.text()
    try:
        apply_theme(qapp, "light")
        assert meter.track_color() == LIGHT.surface_alt and _track_pixel(meter) == LIGHT.surface_alt
        meter.set_fraction(0.9)
        assert meter.color() == LIGHT.warn
        assert f"border: 1px solid {LIGHT.muted}; background: {LIGHT.surface}" in wizard.styleSheet()
        assert f"background: {LIGHT.accent}" in wizard.styleSheet() and DARK.surface not in wizard.styleSheet()
        assert f"color:{LIGHT.muted}" in frame.title_label.text()
        assert all(f"color: {LIGHT.muted}" in b.styleSheet() for b in (frame.csv_button, frame.png_button))
        timeline.show_events([])
        assert timeline.item(0).foreground().color().name() == LIGHT.muted
        assert f'QPushButton[role="danger"]:disabled {{ color: {LIGHT.idle}; border-color: {LIGHT.border}; }}' in qapp.styleSheet()
    finally:
        apply_theme(qapp, "dark")
    assert _track_pixel(meter) != LIGHT.surface_alt and f"background: {DARK.surface}" in wizard.styleSheet()
    assert f"color: {DARK.muted}" in frame.csv_button.styleSheet()
    wizard.close()
