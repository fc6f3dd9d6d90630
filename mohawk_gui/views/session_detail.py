"""The selected session: what it runs and where, its state and events, its live charts, and actions."""

from __future__ import annotations

from datetime import datetime

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.session_recorder import SessionRecorder
from mohawk_gui.models.session_text import batching_text, bytes_text, placement_text
from mohawk_gui.models.sessions_table import STATE_COLORS
from mohawk_gui.services.v2_models import READ_ONLY_REASON
from mohawk_gui.theme import set_role, tone
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.error_banner import ErrorBanner
from mohawk_gui.views.session_charts import SessionCharts
from mohawk_gui.views.session_events import EventsTimeline
from mohawk_gui.views.tuning.apply_dialog import ApplyDialog


MIDDLE_HEIGHT = 175
TERMINABLE = (SessionState.LOADING, SessionState.READY, SessionState.FAILED)
CLONE_TIP = "Open the session wizard with this session's settings"
TERMINATE_TIP = "Stop this session on its worker (asks first)"
RECONFIGURE_TIP = "Change batching and replicas live; the new version serves before the old drains"


def _tensor(tensor) -> str:
    return f"{tensor.name} {tensor.datatype}[{', '.join(str(d) for d in tensor.shape)}]"


def tensors_text(info: SessionInfo) -> str:
    """Every input and output, one per line (the tooltip)."""
    return "\n".join([*(f"in  {_tensor(t)}" for t in info.inputs), *(f"out {_tensor(t)}" for t in info.outputs)])


def tensors_summary(info: SessionInfo) -> str:
    """'input FP32[-1, 512] → output FP32[-1, 10]' for small models, counts for big ones."""
    if not info.inputs and not info.outputs:
        return "—"
    if len(info.inputs) + len(info.outputs) > 4:
        return f"{len(info.inputs)} inputs → {len(info.outputs)} outputs (hover for the list)"
    return ", ".join(map(_tensor, info.inputs)) + " → " + ", ".join(map(_tensor, info.outputs))


class SessionDetail(QWidget):
    clone_requested = pyqtSignal(str, object)  # worker, SessionSpec

    def __init__(self, hub: FleetHub, recorder: SessionRecorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.recorder = recorder
        self.key: tuple[str, str] | None = None
        self.confirm_box: QMessageBox | None = None
        self.reconfigure_dialog: ApplyDialog | None = None

        self.name_label = QLabel("No session selected")
        set_role(self.name_label, "title")
        self.state_label = QLabel("")
        self.state_label.setStyleSheet("font-weight: 600; padding: 2px 10px; border-radius: 8px;")
        self.where_label = QLabel("")
        set_role(self.where_label, "muted")
        self.clone_button = QPushButton("Clone and edit…")
        self.clone_button.setToolTip(CLONE_TIP)
        self.reconfigure_button = QPushButton("Reconfigure…")
        self.reconfigure_button.setToolTip(RECONFIGURE_TIP)
        self.terminate_button = QPushButton("Terminate")
        set_role(self.terminate_button, "danger")
        self.terminate_button.setToolTip(TERMINATE_TIP)
        header = QHBoxLayout()
        header.addWidget(self.name_label)
        header.addWidget(self.state_label)
        header.addWidget(self.where_label, 1)
        header.addWidget(self.reconfigure_button)
        header.addWidget(self.clone_button)
        header.addWidget(self.terminate_button)

        self.message = ErrorBanner()

        self.fields: dict[str, QLabel] = {}
        info_card = QFrame()
        set_role(info_card, "card")
        form = QFormLayout(info_card)
        form.setContentsMargins(12, 10, 12, 10)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(3)
        for name in ("Model", "Tensors", "Placement", "Plan", "Batching", "Since", "Reason", "Notes"):
            label = QLabel("—")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = label
            title = QLabel(name)
            set_role(title, "muted")
            form.addRow(title, label)
        self.timeline = EventsTimeline()
        events_box = QVBoxLayout()
        events_title = QLabel("Events")
        set_role(events_title, "section")
        events_box.addWidget(events_title)
        events_box.addWidget(self.timeline, 1)
        middle_widget = QWidget()
        middle_widget.setFixedHeight(MIDDLE_HEIGHT)
        middle = QHBoxLayout(middle_widget)
        middle.setContentsMargins(0, 0, 0, 0)
        middle.setSpacing(10)
        middle.addWidget(info_card, 3)
        middle.addLayout(events_box, 2)

        self.charts = SessionCharts(recorder.capacity)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(10)
        body.addWidget(middle_widget)
        body.addWidget(self.charts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.message)
        layout.addWidget(self.body, 1)

        self.clone_button.clicked.connect(self.request_clone)
        self.reconfigure_button.clicked.connect(self.open_reconfigure)
        self.terminate_button.clicked.connect(self.confirm_terminate)
        recorder.recorded.connect(self._recorded)
        recorder.events_changed.connect(self._events_changed)
        recorder.info_changed.connect(self._info_changed)
        self.show_session(None)

    def info(self) -> SessionInfo | None:
        if self.key is None or self.key not in self.recorder.series:
            return None
        return self.recorder.series[self.key].info

    def show_session(self, key: tuple[str, str] | None) -> None:
        self.key = key
        self.message.hide()
        self.charts.show_series(self.recorder.get(*key) if key else None)
        self._show_info()
        self._show_events()
        if key is not None:
            spawn(self._load_events(*key))

    def request_clone(self) -> None:
        info = self.info()
        if self.key is None or info is None:
            return
        spec = info.spec.model_copy(deep=True)
        spec.name = f"{spec.name[:58]}-copy"
        self.clone_requested.emit(self.key[0], spec)

    def open_reconfigure(self) -> ApplyDialog | None:
        """The live-reconfigure path the Tuning panel's Apply uses, with batching and replicas editable."""
        info = self.info()
        if self.key is None or info is None:
            return None
        worker, session = self.key
        dialog = ApplyDialog(self.hub, worker, session, lambda current: current, title="Reconfigure", editable=True,
                             current=info.spec, parent=self)  # fmt: skip
        self.reconfigure_dialog = dialog
        dialog.open()
        return dialog

    def confirm_terminate(self) -> QMessageBox | None:
        """Asks first (non-blocking box); Yes stops the session on its worker."""
        if self.key is None:
            return None
        worker, session = self.key
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Terminate session",
            f"Stop session '{session}' on {worker}?\n\nRequests in flight finish; new requests are refused.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Terminate")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._confirmed(result, worker, session))
        self.confirm_box = box
        box.open()
        return box

    def _confirmed(self, result: int, worker: str, session: str) -> None:
        self.confirm_box = None
        if result == QMessageBox.StandardButton.Yes.value:
            self.terminate_button.setEnabled(False)
            spawn(self._terminate(worker, session))

    async def _terminate(self, worker: str, session: str) -> None:
        try:
            info = await self.hub.client(worker).delete_session(session)
        except EngineClientError as exc:
            self._show_message(f"Could not terminate '{session}': {exc.message}")
        except KeyError:
            self._show_message(f"Worker '{worker}' is no longer connected")
        else:
            if (worker, session) in self.recorder.series:
                self.recorder.series[(worker, session)].info = info
        finally:
            self._show_info()

    async def _load_events(self, worker: str, session: str) -> None:
        """Past events from the engine, when its client offers them (the stream only brings new ones)."""
        try:
            client = self.hub.client(worker)
            fetch = None if getattr(client, "read_only", False) else getattr(client, "session_events", None)
            if fetch is not None:
                self.recorder.add_events(worker, session, list(await fetch(session)))
        except (KeyError, EngineClientError):
            return

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _recorded(self, worker: str, session: str) -> None:
        if self.key == (worker, session):
            self.charts.refresh()

    def _events_changed(self, worker: str, session: str) -> None:
        if self.key == (worker, session):
            self._show_events()

    def _info_changed(self, worker: str, session: str) -> None:
        if self.key == (worker, session):
            self._show_info()

    def _show_events(self) -> None:
        self.timeline.show_events(self.recorder.get(*self.key).events if self.key else [])

    def _show_info(self) -> None:
        info = self.info()
        for button in (self.clone_button, self.terminate_button):
            button.setEnabled(info is not None)
        self.reconfigure_button.setEnabled(False)
        if self.key is None:
            self.name_label.setText("No session selected")
            self.where_label.setText("Pick a session in the table above")
            self.state_label.hide()
            self.body.hide()
            return
        self.body.show()
        worker, session = self.key
        self.name_label.setText(session)
        self.where_label.setText(f"on {worker}")
        if info is None:
            self._show_state("UNKNOWN", "waiting for the worker's session list")
            return
        self._show_state(info.state.value, info.reason)
        self.terminate_button.setEnabled(info.state in TERMINABLE)
        self.reconfigure_button.setEnabled(info.state is SessionState.READY)
        self._show_read_only(getattr(info, "read_only", False))
        self.fields["Model"].setText(f"{info.spec.model} ({info.format or 'unknown format'})")
        self.fields["Tensors"].setText(tensors_summary(info))
        self.fields["Tensors"].setToolTip(tensors_text(info))
        self.fields["Placement"].setText(placement_text(info) + _threads_text(info.spec))
        plan = info.plan
        self.fields["Plan"].setText(
            f"{len(plan.placements)} {plan.placements[0].role}(s), about {bytes_text(plan.estimated_bytes)}, "
            + ("fits" if plan.fits else "may not fit")
            if plan
            else "—"
        )
        self.fields["Batching"].setText(batching_text(info))
        self.fields["Since"].setText(
            f"{datetime.fromtimestamp(info.updated_at):%Y-%m-%d %H:%M:%S} (version {info.version})"
        )
        self.fields["Reason"].setText(info.reason or "—")
        self.fields["Notes"].setText("\n".join(self._notes(worker, info)) or "—")

    def _notes(self, worker: str, info: SessionInfo) -> list[str]:
        """What a plain v2 server does not offer: the model's own notes and the worker's /metrics note."""
        notes = list(getattr(info, "notes", []))
        try:
            metrics_note = getattr(self.hub.client(worker), "metrics_note", None)
        except KeyError:
            metrics_note = None
        return [*notes, metrics_note] if metrics_note else notes

    def _show_read_only(self, read_only: bool) -> None:
        """A model on a plain v2 server: reconfigure, clone and terminate need Mohawk's /v1 API, and say so."""
        self.clone_button.setToolTip(READ_ONLY_REASON if read_only else CLONE_TIP)
        self.terminate_button.setToolTip(READ_ONLY_REASON if read_only else TERMINATE_TIP)
        self.reconfigure_button.setToolTip(READ_ONLY_REASON if read_only else RECONFIGURE_TIP)
        if read_only:
            for button in (self.reconfigure_button, self.clone_button, self.terminate_button):
                button.setEnabled(False)
            self.where_label.setText(
                f"{self.where_label.text()} · monitor only: reconfigure, clone and terminate are {READ_ONLY_REASON}"
            )

    def _show_state(self, state: str, reason: str | None) -> None:
        color = tone(next((c for s, c in STATE_COLORS.items() if s.value == state), "idle"))
        self.state_label.setText(state)
        self.state_label.setStyleSheet(
            f"font-weight: 600; padding: 2px 10px; border-radius: 8px; color: {color}; border: 1px solid {color};"
        )
        self.state_label.setToolTip(reason or "")
        self.state_label.show()


def _threads_text(spec: SessionSpec) -> str:
    threads = spec.device_map.threads_per_replica
    return f", {threads} thread(s) per replica" if threads else ", runtime-chosen threads"
