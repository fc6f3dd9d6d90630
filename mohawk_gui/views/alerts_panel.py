"""The alerts panel: a dialog opened from the status bar badge (or Ctrl+Shift+A) listing the alerts with
their times; the operator acknowledges the active ones here."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.models.alerts_table import ACTIVE_ONLY, ALL, COLUMNS, RECORD_ID_ROLE, AlertsTableModel
from mohawk_gui.theme import set_role
from mohawk_gui.views.record_table_view import record_table_view

SCOPES = ((ACTIVE_ONLY, "Active and acknowledged"), (ALL, "All, resolved too"))


class AlertsPanel(QDialog):
    def __init__(self, tracker: FleetTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Alerts")
        self.resize(1000, 420)
        self.tracker = tracker
        self.model = AlertsTableModel(tracker, self)

        self.scope = QComboBox()
        for scope, label in SCOPES:
            self.scope.addItem(label, scope)
        self.scope.setToolTip("Show only the alerts that still fire, or every alert including the resolved ones")
        self.summary = QLabel("")
        set_role(self.summary, "muted")
        self.acknowledge_button = QPushButton("Acknowledge selected")
        self.acknowledge_button.setToolTip("Mark the selected active alerts as seen: they leave the status bar badge")
        self.acknowledge_all_button = QPushButton("Acknowledge all")
        self.acknowledge_all_button.setToolTip("Mark every active alert as seen")
        top = QHBoxLayout()
        top.addWidget(self.scope)
        top.addWidget(self.summary, 1)
        top.addWidget(self.acknowledge_button)
        top.addWidget(self.acknowledge_all_button)

        self.table = record_table_view(self.model, stretch_column=COLUMNS.index("Detail"))
        # A long reason wraps onto more lines of its row instead of being cut (the tooltip has it too).
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

        self.scope.currentIndexChanged.connect(lambda _: self.model.set_scope(self.scope.currentData()))
        self.acknowledge_button.clicked.connect(self.acknowledge_selected)
        self.acknowledge_all_button.clicked.connect(self.acknowledge_all)
        self.model.modelReset.connect(self._update)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        self._update()

    def set_scope(self, scope: str) -> None:
        self.scope.setCurrentIndex([value for value, _ in SCOPES].index(scope))

    def selected_ids(self) -> list[int]:
        return [self.model.data(index, RECORD_ID_ROLE) for index in self.table.selectionModel().selectedRows()]

    def acknowledge_selected(self) -> int:
        return self.tracker.acknowledge(self.selected_ids())

    def acknowledge_all(self) -> int:
        return self.tracker.acknowledge([record.id for record in self.tracker.unacknowledged()])

    def _update(self) -> None:
        unseen = len(self.tracker.unacknowledged())
        self.summary.setText(f"{len(self.tracker.alerts)} firing, {unseen} not acknowledged")
        self.acknowledge_all_button.setEnabled(bool(unseen))
        self.acknowledge_button.setEnabled(bool(self.table.selectionModel().selectedRows()))
