"""The one path that changes a running session's settings: show old → new, PUT the new spec, follow the session.

The engine starts the new version and makes it READY before the old one drains, so no request is dropped.
Used by the Tuning panel (apply the best, or any experiment) and by the session detail's "Reconfigure…".
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.theme import set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.tuning.form_values import settings_diff

Proposal = Callable[[SessionSpec], SessionSpec]  # the session's current spec -> the spec to apply

# Editable settings: (label, section, field, lowest, highest).
EDITABLE = (
    ("Max batch size", "batching", "max_batch_size", 1, 65536),
    ("Queue delay (µs)", "batching", "max_queue_delay_us", 0, 10_000_000),
    ("Queue size", "batching", "max_queue_size", 1, 1_000_000),
    ("Timeout (ms)", "batching", "timeout_ms", 1, 3_600_000),
    ("Replicas per device", "device_map", "replicas_per_device", 1, 64),
    ("Threads per replica", "device_map", "threads_per_replica", 0, 256),
)


def diff_html(changes: list[tuple[str, str, str]]) -> str:
    if not changes:
        return "No setting changes: the session already runs these settings."
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{escape(old)}</td><td>→</td><td><b>{escape(new)}</b></td></tr>"
        for name, old, new in changes
    )
    return f"<table cellspacing='4'><tr><th align='left'>setting</th><th>now</th><th></th><th>new</th></tr>{rows}</table>"


class ApplyDialog(QDialog):
    """Opens with the session's current spec (fetched when not given); Apply reconfigures live."""

    applied = pyqtSignal(str, object)  # worker, SessionInfo of the new version

    def __init__(
        self,
        hub: FleetHub,
        worker: str,
        session: str,
        propose: Proposal,
        *,
        title: str,
        editable: bool = False,
        current: SessionSpec | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.hub = hub
        self.worker = worker
        self.session = session
        self.propose = propose
        self.current: SessionSpec | None = None
        self.proposed: SessionSpec | None = None
        self.result_info: SessionInfo | None = None
        self.applying = False
        heading = QLabel(f"<b>{escape(title)}</b>: session '{escape(session)}' on {escape(worker)}")
        note = QLabel("The new version starts and becomes READY before the old one drains: no request is dropped.")
        note.setWordWrap(True)
        set_role(note, "muted")
        self.edits: dict[tuple[str, str], QSpinBox] = {}
        self.form = QWidget()
        form = QFormLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        for label, section, name, low, high in EDITABLE:
            box = QSpinBox()
            box.setRange(low, high)
            box.setGroupSeparatorShown(True)
            box.valueChanged.connect(self._edited)
            self.edits[(section, name)] = box
            form.addRow(label, box)
        self.form.setVisible(editable)
        self.form.setEnabled(False)
        self.diff_label = QLabel("Reading the session's current settings …")
        self.diff_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply")
        set_role(self.apply_button, "primary")
        self.apply_button.setEnabled(False)
        self.close_button = QPushButton("Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addWidget(self.form)
        layout.addWidget(self.diff_label)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.apply_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)
        hub.sessions.connect(self._sessions)
        if current is not None:
            self._show_current(current)
        else:
            spawn(self._load_current())

    async def _load_current(self) -> None:
        try:
            info = await self.hub.client(self.worker).get_session(self.session)
        except EngineClientError as exc:
            self._status(f"Cannot read session '{self.session}': {exc.message}", error=True)
        except KeyError:
            self._status(f"Worker '{self.worker}' is not connected", error=True)
        else:
            self._show_current(info.spec)

    def _show_current(self, current: SessionSpec) -> None:
        self.current = current
        proposed = self.propose(current)
        for (section, name), box in self.edits.items():
            box.blockSignals(True)
            box.setValue(getattr(getattr(proposed, section), name))
            box.blockSignals(False)
        self.form.setEnabled(True)
        self._set_proposed(proposed)

    def _edited(self) -> None:
        if self.proposed is None:
            return
        updates: dict[str, dict[str, int]] = {"batching": {}, "device_map": {}}
        for (section, name), box in self.edits.items():
            updates[section][name] = box.value()
        spec = self.proposed.model_copy(
            update={
                "batching": self.proposed.batching.model_copy(update=updates["batching"]),
                "device_map": self.proposed.device_map.model_copy(update=updates["device_map"]),
            }
        )
        self._set_proposed(spec)

    def _set_proposed(self, spec: SessionSpec) -> None:
        self.proposed = spec
        changes = settings_diff(self.current, spec) if self.current else []
        self.diff_label.setText(diff_html(changes))
        self.apply_button.setEnabled(bool(changes) and not self.applying)
        self.resize(self.size().expandedTo(self.sizeHint()))  # the diff arrives after the dialog opened: grow to show it

    def apply(self) -> None:
        if self.proposed is None or self.applying:
            return
        self.applying = True
        self.apply_button.setEnabled(False)
        self.form.setEnabled(False)
        self._status("Applying: starting the new version while the current one serves …")
        spawn(self._apply(SessionSpec.model_validate(self.proposed.model_dump())))

    async def _apply(self, spec: SessionSpec) -> None:
        try:
            info = await self.hub.client(self.worker).reconfigure_session(spec)
        except EngineClientError as exc:
            self.applying = False
            self.form.setEnabled(True)
            self.apply_button.setEnabled(True)
            self._status(f"The engine did not apply it: {exc.message}", error=True)
            return
        except KeyError:
            self.applying = False
            self._status(f"Worker '{self.worker}' is not connected", error=True)
            return
        self.result_info = info
        self.current = info.spec
        self._show_version(info)
        self.close_button.setText("Close")
        self.applied.emit(self.worker, info)

    def _show_version(self, info: SessionInfo) -> None:
        if info.state is SessionState.READY:
            self._status(f"Version {info.version} is READY.")
        else:
            self._status(f"Version {info.version} is {info.state.value}" + (f": {info.reason}" if info.reason else ""),
                         error=info.state is SessionState.FAILED)  # fmt: skip

    def _sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        """After applying, the worker's session list says what became of the new version."""
        if worker != self.worker or self.result_info is None:
            return
        for info in sessions:
            if info.name == self.session and info.version >= self.result_info.version:
                self.result_info = info
                self._show_version(info)

    def _status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        set_role(self.status_label, "error" if error else "muted")
