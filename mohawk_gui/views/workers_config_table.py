"""The config form's workers table: name, URL, token (masked), TLS options; rows can be added and removed."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
)

from mohawk_gui.services.config import WorkerSettings

COLUMNS = ("Name", "URL", "API token", "Verify TLS", "CA bundle", "Client certificate", "Client key")
TOKEN, VERIFY = 2, 3
KEYS = ("name", "url", "token", "verify", "ca", "cert", "key")


class TokenDelegate(QStyledItemDelegate):
    """Shows a token as dots and edits it in a password field."""

    def displayText(self, value, locale) -> str:
        return "•" * min(len(value or ""), 12)

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setEchoMode(QLineEdit.EchoMode.Password)
        return editor


class WorkersConfigTable(QTableWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setItemDelegateForColumn(TOKEN, TokenDelegate(self))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setMinimumHeight(130)

    def load(self, workers: list[WorkerSettings]) -> None:
        self.setRowCount(0)
        for worker in workers:
            tls = worker.tls
            self.add_row([worker.name, worker.url, worker.token or "", tls.verify, tls.ca, tls.cert, tls.key])

    def add_row(self, values: list | None = None) -> int:
        values = values or ["", "", "", True, None, None, None]
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
            rows.append({"name": text["name"], "url": text["url"], "token": text["token"] or None, "tls": tls})
        return rows
