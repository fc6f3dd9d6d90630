"""The Config pane: validated form and raw TOML, atomic save with backup, restore, restart notices."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from mohawk_gui.views.config_view import RAW_TAB, ConfigView
from tests.gui.conftest import FAST_REFRESH, resolve, until

COMMENTED = "# my console, my comments\n" + FAST_REFRESH + "\n[alerts]\nrtt_ms = 150.0  # VPN is slow\n"


def _view(qtbot, console, text: str = COMMENTED) -> ConfigView:
    console.store.path.write_text(text)
    console.load_config()
    view = ConfigView(console)
    qtbot.addWidget(view)
    return view


def test_the_form_shows_the_saved_values(qtbot, console):
    view = _view(qtbot, console)
    assert view.form.fields["alerts.rtt_ms"].value() == 150.0
    assert view.form.fields["refresh.heartbeat_s"].value() == 0.2
    assert view.raw.toPlainText() == COMMENTED
    assert not view.restore_button.isEnabled(), "no backup yet"


def test_saving_the_form_keeps_comments_writes_a_backup_and_applies_the_config(qtbot, loop, console):
    view = _view(qtbot, console)
    view.form.fields["alerts.rtt_ms"].setValue(90.0)
    applied = view.save()
    resolve(qtbot, applied)

    text = console.store.path.read_text()
    assert text.startswith("# my console, my comments\n")
    assert "rtt_ms = 90.0  # VPN is slow" in text
    assert console.store.backup_path.read_text() == COMMENTED
    assert console.config.alerts.rtt_ms == 90.0
    assert view.restore_button.isEnabled()
    assert "Saved to" in view.banner_text.text()


def test_invalid_form_input_shows_the_errors_and_writes_nothing(qtbot, console):
    view = _view(qtbot, console)
    view.form.fields["refresh.heartbeat_s"].setValue(0.0)
    row = view.form.workers.add_row(["bad name!", "ftp://nowhere", "", True, None, None, None])
    assert row == 0

    assert view.save() is None
    assert console.store.path.read_text() == COMMENTED
    assert not console.store.has_backup()
    message = view.banner_text.text()
    assert "nothing was written" in message
    assert "refresh.heartbeat_s" in message
    assert 'worker 1 "bad name!" url: url must look like' in message and 'worker 1 "bad name!" name: name must' in message
    assert view.form.fields["refresh.heartbeat_s"].property("invalid") is True


def test_invalid_raw_toml_is_rejected_with_its_line(qtbot, console):
    view = _view(qtbot, console)
    view.tabs.setCurrentIndex(RAW_TAB)
    view.raw.setPlainText("[refresh]\nheartbeat_s = \n")
    assert view.save() is None
    assert "line 2" in view.banner_text.text()
    assert console.store.path.read_text() == COMMENTED


def test_raw_edits_are_saved_verbatim(qtbot, loop, console):
    view = _view(qtbot, console)
    view.tabs.setCurrentIndex(RAW_TAB)
    edited = COMMENTED + "\n# a note for later\n"
    view.raw.setPlainText(edited)
    resolve(qtbot, view.save())
    assert console.store.path.read_text() == edited


def test_form_edits_carry_over_to_the_raw_tab(qtbot, console):
    view = _view(qtbot, console)
    view.form.fields["alerts.queue_depth"].setValue(64)
    view.tabs.setCurrentIndex(RAW_TAB)
    assert "queue_depth = 64" in view.raw.toPlainText()
    assert "# VPN is slow" in view.raw.toPlainText()


def test_local_engine_options_say_they_need_a_restart(qtbot, loop, console):
    view = _view(qtbot, console)
    view.form.fields["bundled_engine.port"].setValue(8123)
    resolve(qtbot, view.save())
    assert "Restart the console to apply: bundled_engine.port" in view.banner_text.text()
    badges = [label.text() for label in view.form.findChildren(type(view.banner_text)) if label.property("role") == "badge"]
    assert len(badges) == 5


def test_restore_brings_the_backup_back(qtbot, loop, console):
    view = _view(qtbot, console)
    view.form.fields["alerts.rtt_ms"].setValue(10.0)
    resolve(qtbot, view.save())
    assert console.config.alerts.rtt_ms == 10.0

    view.confirm_restore()
    yes = view._confirm.button(view._confirm.StandardButton.Yes)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: console.config.alerts.rtt_ms == 150.0)
    assert console.store.path.read_text() == COMMENTED
    assert view.form.fields["alerts.rtt_ms"].value() == 150.0
    assert console.config.alerts.rtt_ms == 150.0

