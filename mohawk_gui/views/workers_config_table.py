"""The config form's workers table: name, URL, kind, models, token (masked), TLS options; rows can be added
and removed."""

from __future__ import annotations

from typing import get_args

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
)

from mohawk_gui.services.config import WorkerSettings

# Kind and Models came later: they sit last in the model (rows given as lists keep their order) and are
# shown after the URL.
COLUMNS = ("Name", "URL", "API token", "Verify TLS", "CA bundle", "Client certificate", "Client key", "Kind", "Models")
TOKEN, VERIFY, KIND, MODELS = 2, 3, 7, 8
KEYS = ("name", "url", "token", "verify", "ca", "cert", "key", "kind", "models")
KINDS: tuple[str, ...] = get_args(WorkerSettings.model_fields["kind"].annotation)
DEFAULTS = ["", "", "", True, None, None, None, "mohawk", ""]
HEADER_TIPS = {
    KIND: "'mohawk': a Mohawk engine; 'v2': any Open Inference Protocol v2 server (monitor only)",
    MODELS: "Kind 'v2': the models to monitor when the server has no repository index, comma-separated",
}


def models_text(models: list[str]) -> str:
    return ", ".join(models)


def models_list(text: str) -> list[str]:
    """'a, b,,c ' -> ['a', 'b', 'c']."""
    return [name.strip() for name in text.split(",") if name.strip()]


class TokenDelegate(QStyledItemDelegate):
    """Shows a token as dots and edits it in a password field."""

    def displayText(self, value, locale) -> str:
        return "•" * min(len(value or ""), 12)

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setEchoMode(QLineEdit.EchoMode.Password)
        return editor


class KindDelegate(QStyledItemDelegate):
    """Edits a worker's kind in a combo box holding the kinds the config accepts."""

    def createEditor(self, parent, option, index):
        editor = QComboBox(parent)
        editor.addItems(KINDS)
        return editor

    def setEditorData(self, editor: QComboBox, index) -> None:
        editor.setCurrentText(str(index.data() or KINDS[0]))

    def setModelData(self, editor: QComboBox, model, index) -> None:
        model.setData(index, editor.currentText())


class WorkersConfigTable(QTableWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setItemDelegateForColumn(TOKEN, TokenDelegate(self))
        self.setItemDelegateForColumn(KIND, KindDelegate(self))
        for column, tip in HEADER_TIPS.items():
            self.horizontalHeaderItem(column).setToolTip(tip)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.moveSection(KIND, 2)
        header.moveSection(MODELS, 3)
        self.setMinimumHeight(130)

    def load(self, workers: list[WorkerSettings]) -> None:
        self.setRowCount(0)
        for worker in workers:
            tls = worker.tls
            values = [worker.name, worker.url, worker.token or "", tls.verify, tls.ca, tls.cert, tls.key]
            self.add_row([*values, worker.kind, models_text(worker.models)])

    def add_row(self, values: list | None = None) -> int:
        """`values` in KEYS order; missing trailing ones (kind, models) take their defaults."""
        values = list(values or []) + DEFAULTS[len(values or []):]
        row = self.rowCount()
        self.insertRow(row)
        for column, value in enumerate(values):
            if column == VERIFY:
                item = QTableWidgetItem()
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                item.setCheckState(Qt.CheckState.Checked if value else Qt.CheckState.Unchecked)
            else:
                item = QTableWidgetItem("" if value is None else str(value))
            self.setItem(row, column, item)
        return row

    def remove_selected(self) -> None:
        for row in sorted({index.row() for index in self.selectedIndexes()}, reverse=True):
            self.removeRow(row)

    def values(self) -> list[dict]:
        """Plain data for validation: empty optional cells become None."""
        rows = []
        for row in range(self.rowCount()):
            cells = {key: self.item(row, column) for column, key in enumerate(KEYS)}
            text = {key: (item.text().strip() if item else "") for key, item in cells.items()}
            tls = {"verify": cells["verify"].checkState() == Qt.CheckState.Checked}
            tls.update({key: text[key] for key in ("ca", "cert", "key") if text[key]})
            row_data = {"name": text["name"], "url": text["url"], "token": text["token"] or None, "tls": tls}
            row_data.update(kind=text["kind"], models=models_list(text["models"]))
            rows.append(row_data)
        return rows
