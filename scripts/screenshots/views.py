"""The six views at 1440x900 (dashboard and workers at 1280x720 too), the alerts panel, the help,
the add-worker dialog, the config view refusing bad input, and the dashboard in the light theme."""

from __future__ import annotations

from PyQt6.QtWidgets import QApplication

from mohawk_gui.main_window import VIEW_NAMES, MainWindow
from mohawk_gui.theme import apply_theme
from screenshots.common import Shots, settle, wait_for

SMALL = (1280, 720)
LARGE = (1440, 900)


def _show(window: MainWindow, name: str) -> None:
    window.show_view(name)
    if name == "Workers":
        window.workers.select_worker("lab-1")
        window.workers.tabs.setCurrentIndex(0)
    if name == "Sessions":
        window.sessions.open_session("lab-1", "mlp-tiny")


async def capture_views(window: MainWindow, shots: Shots) -> None:
    """Benchmarks is left to its own part (it needs runs first)."""
    for name in VIEW_NAMES:
        if name == "Benchmarks":
            continue
        _show(window, name)
        await settle(1.0)
        shots.save(window, f"{name.lower()}.png")
        if name == "Config":
            scroll = window.config.form.verticalScrollBar()
            scroll.setValue(scroll.maximum())
            await settle(0.3)
            shots.save(window, "config-alerts.png")
            scroll.setValue(0)
    window.resize(*SMALL)
    for name in ("Dashboard", "Workers"):
        _show(window, name)
        await settle(1.0)
        shots.save(window, f"{name.lower()}-{SMALL[0]}x{SMALL[1]}.png")
    window.resize(*LARGE)
    await settle(0.5)


async def capture_dialogs(window: MainWindow, shots: Shots, url: str, token: str | None) -> None:
    window.show_view("Dashboard")
    await wait_for(lambda: window.tracker.alerts, "an alert to fire", timeout=30)
    panel = window.open_alerts()
    await settle(0.5)
    shots.save(panel, "alerts.png")
    panel.close()
    help_dialog = window.open_help()
    await settle(0.3)
    shots.save(help_dialog, "help.png")
    help_dialog.close()

    window.show_view("Workers")
    dialog = window.workers.open_add_dialog()
    dialog.name_edit.setText("lab-1-mirror")
    dialog.url_edit.setText(url)
    dialog.token_edit.setText(token or "")  # without it a Mohawk engine with auth on answers only on /v2
    dialog.test_connection()
    await wait_for(dialog.save_button.isEnabled, "the connection test to pass")
    await settle(0.3)
    shots.save(dialog, "add-worker.png")
    dialog.reject()

    window.show_view("Config")
    window.config.form.fields["refresh.heartbeat_s"].setValue(0)
    window.config.form.workers.add_row(["gpu box 3", "gpu-box-3:8003", "", True, None, None, None])
    window.config.save()
    await settle(0.5)
    shots.save(window, "config-invalid.png")
    window.config.reload()


async def capture_light_theme(window: MainWindow, shots: Shots, app: QApplication) -> None:
    apply_theme(app, "light")
    try:
        _show(window, "Dashboard")
        await settle(1.5)
        shots.save(window, "dashboard-light.png")
        _show(window, "Workers")
        await settle(1.0)
        shots.save(window, "workers-light.png")
    finally:
        apply_theme(app, "dark")
