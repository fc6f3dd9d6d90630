"""Wizard page 4: the exact request, Start, then the session's state live until READY or FAILED."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, QVBoxLayout, QWizardPage

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_gui.theme import set_role, tone
from mohawk_gui.views.async_tasks import spawn

if TYPE_CHECKING:
    from mohawk_gui.views.wizard.session_wizard import SessionWizard

POLL_S = 0.2
FOLLOW_LIMIT_S = 600.0
DONE = (SessionState.READY, SessionState.FAILED, SessionState.STOPPED)


def failure_text(info: SessionInfo) -> str:
    reason = (info.reason or "the engine gave no reason").rstrip(".")
    return f"The session did not start: {reason}. Go back to change the settings, then start again."


class ReviewPage(QWizardPage):
    def __init__(self, wizard: SessionWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Review and start")
        self.setSubTitle("The request below is sent as shown. Start it, then watch it load.")
        self.spec: SessionSpec | None = None
        self.state: SessionState | None = None
        self.follow_task: asyncio.Future | None = None
        self.request_label = QLabel("")
        set_role(self.request_label, "muted")
        self.request = QPlainTextEdit()
        self.request.setReadOnly(True)
        self.start_button = QPushButton("Start session")
        set_role(self.start_button, "primary")
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.error = QLabel("")
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.state_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.request_label)
        layout.addWidget(self.request, 1)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        self.start_button.clicked.connect(self.start)

    def initializePage(self) -> None:
        if self.following():
            return
        self.spec = self._wizard.draft_spec()
        self.state = None
        self.error.setText("")
        self.state_label.setText("")
        self.progress.hide()
        self.start_button.setEnabled(self.spec is not None)
        self.request_label.setText(f"POST {self._wizard.base_url()}/v1/sessions")
        self.request.setPlainText(self.spec.model_dump_json(indent=2) if self.spec else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.state in DONE

    def following(self) -> bool:
        return self.follow_task is not None and not self.follow_task.done()

    def start(self) -> asyncio.Future | None:
        if self.spec is None or self.following():
            return None
        self.start_button.setEnabled(False)
        self.error.setText("")
        self.follow_task = spawn(self._start_and_follow(self.spec))
        return self.follow_task

    def stop_following(self) -> None:
        if self.following():
            self.follow_task.cancel()

    async def _start_and_follow(self, spec: SessionSpec) -> None:
        try:
            client = self._wizard.client
            self._show_state("Sending the request…", "warn")
            info = await client.create_session(spec)
            self._wizard.session_started.emit(self._wizard.worker, spec.name)
            deadline = time.monotonic() + FOLLOW_LIMIT_S
            while True:
                self._show(info)
                if info.state in DONE:
                    return
                if time.monotonic() > deadline:
                    self.error.setText(f"Still {info.state.value} after {FOLLOW_LIMIT_S:.0f} s; see Sessions.")
                    return
                await asyncio.sleep(POLL_S)
                info = await client.get_session(spec.name)
        except EngineClientError as exc:
            self.error.setText(f"The engine refused: {exc.message}")
            self._show_state("", "warn")
        except KeyError:
            self.error.setText(f"Worker '{self._wizard.worker}' is not connected")
        finally:
            self.progress.hide()
            self.start_button.setEnabled(self.state not in (SessionState.READY, SessionState.LOADING))

    def _show(self, info: SessionInfo) -> None:
        self.state = info.state
        self.progress.setVisible(info.state is SessionState.LOADING)
        if info.state is SessionState.READY:
            self._show_state(f"READY — '{info.name}' serves requests at /v2/models/{info.name}/infer", "ok")
        elif info.state is SessionState.FAILED:
            self._show_state("FAILED", "bad")
            self.error.setText(failure_text(info))
        elif info.state is SessionState.LOADING:
            self._show_state("LOADING — placing the model and warming it up…", "warn")
        else:
            self._show_state(info.state.value, "warn")
        self.completeChanged.emit()

    def _show_state(self, text: str, level: str) -> None:
        self.state_label.setText(f"<span style='color:{tone(level)}'><b>{text}</b></span>" if text else "")
