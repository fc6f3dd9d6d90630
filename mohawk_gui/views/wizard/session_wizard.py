"""SessionWizard: deploy a session on one worker in four steps; also opened pre-filled by clone-and-edit."""

from __future__ import annotations

from pydantic import ValidationError
from PyQt6.QtCore import QSize, pyqtSignal
from PyQt6.QtWidgets import QApplication, QWidget, QWizard

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import DeviceMap, SessionSpec
from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.theme import Theme, current_theme, theme_listeners
from mohawk_gui.views.wizard.batching_page import BatchingPage
from mohawk_gui.views.wizard.devices_page import DevicesPage
from mohawk_gui.views.wizard.model_page import ModelPage
from mohawk_gui.views.wizard.review_page import ReviewPage


def indicators(theme: Theme) -> str:
    """Radio buttons and check marks in the theme's colours."""
    return f"""
QRadioButton::indicator, QListWidget::indicator {{
    width: 13px; height: 13px; border: 1px solid {theme.muted}; background: {theme.surface};
}}
QRadioButton::indicator {{ border-radius: 7px; }}
QListWidget::indicator {{ border-radius: 3px; }}
QRadioButton::indicator:checked, QListWidget::indicator:checked {{
    background: {theme.accent}; border-color: {theme.accent};
}}
"""


def restyle_wizards(theme: Theme) -> None:
    """A theme switch while a wizard is open: its indicators follow."""
    for widget in QApplication.allWidgets():
        if isinstance(widget, SessionWizard):
            widget.setStyleSheet(indicators(theme))


class SessionWizard(QWizard):
    session_started = pyqtSignal(str, str)  # worker, session: the engine accepted the request

    def __init__(
        self,
        hub: FleetHub,
        worker: str,
        initial: SessionSpec | None = None,
        parent: QWidget | None = None,
        devices: DevicesSnapshot | None = None,
    ) -> None:
        """`devices`: the worker's last devices snapshot, if the caller kept one (the hub only streams)."""
        super().__init__(parent)
        self.hub = hub
        self.worker = worker
        self.initial = initial
        self.devices = devices
        self.setWindowTitle(f"New session on {worker}" if initial is None else f"Clone and edit on {worker}")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setStyleSheet(indicators(current_theme()))
        self.model_page = ModelPage(self)
        self.devices_page = DevicesPage(self)
        self.batching_page = BatchingPage(self)
        self.review_page = ReviewPage(self)
        for page in (self.model_page, self.devices_page, self.batching_page, self.review_page):
            self.addPage(page)
        self.finished.connect(lambda result: self.review_page.stop_following())

    def sizeHint(self) -> QSize:
        return QSize(820, 640)

    @property
    def client(self) -> EngineClient:
        """The worker's client; KeyError when the worker is gone."""
        return self.hub.client(self.worker)

    def base_url(self) -> str:
        try:
            return self.client.base_url
        except KeyError:
            return self.worker

    def draft_spec(self) -> SessionSpec | None:
        """The request as the pages stand; None while a page lacks something (no model, no device)."""
        model = self.model_page.model()
        devices = self.devices_page.devices()
        if model is None or not devices:
            return None
        base = self.initial.device_map if self.initial else DeviceMap()
        device_map = {
            **base.model_dump(),
            "devices": devices,
            "strategy": self.devices_page.strategy.currentText(),
            **self.batching_page.concurrency(),
        }
        if self.initial is None or self.initial.model != model.name:
            device_map["cut_points"] = None
        try:
            return SessionSpec(
                name=self.model_page.session_name(),
                model=model.name,
                device_map=DeviceMap.model_validate(device_map),
                batching=self.batching_page.batching(),
            )
        except ValidationError:
            return None


theme_listeners.append(restyle_wizards)
