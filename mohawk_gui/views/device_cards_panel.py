"""The selected worker's device cards: its CPU and each GPU, updated live."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from mohawk_gui.services.fleet_state import WorkerStatus
from mohawk_gui.theme import set_role
from mohawk_gui.widgets.device_card import DeviceCard, cpu_card_values, gpu_card_values, gpu_title

COLUMNS = 3


class DeviceCardsPanel(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        content = QWidget()
        outer = QVBoxLayout(content)
        outer.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel("Select a worker to see its devices")
        set_role(self.message, "muted")
        outer.addWidget(self.message)
        self._grid = QGridLayout()
        self._grid.setSpacing(10)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        outer.addLayout(self._grid)
        outer.addStretch(1)
        self.setWidget(content)
        self.cards: dict[str, DeviceCard] = {}

    def show_worker(self, worker: WorkerStatus | None) -> None:
        snapshot = worker.devices if worker is not None and worker.reachable else None
        if snapshot is None:
            self._set_cards({})
            if worker is None:
                self.message.setText("Select a worker to see its devices")
            elif not worker.reachable:
                self.message.setText(f"{worker.name} is {worker.state}: no live device figures")
            else:
                self.message.setText(f"Waiting for {worker.name}'s device report …")
            self.message.show()
            return
        self.message.hide()
        cards = {"CPU": ("CPU and system memory", cpu_card_values(snapshot))}
        for gpu in snapshot.gpus:
            cards[f"GPU {gpu.index}"] = (gpu_title(gpu), gpu_card_values(gpu))
        self._set_cards({key: title for key, (title, _) in cards.items()})
        for key, (_, values) in cards.items():
            self.cards[key].show_values(*values)

    def _set_cards(self, titles: dict[str, str]) -> None:
        if {key: card.title.text() for key, card in self.cards.items()} == titles:
            return
        for card in self.cards.values():
            card.deleteLater()
        self.cards = {}
        for position, (key, title) in enumerate(titles.items()):
            card = DeviceCard(title)
            self.cards[key] = card
            self._grid.addWidget(card, position // COLUMNS, position % COLUMNS)
