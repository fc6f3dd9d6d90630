"""record_table_view: the console's read-only table of records, selected by whole rows."""

from __future__ import annotations

from PyQt6.QtCore import QAbstractItemModel
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Selection = QAbstractItemView.SelectionMode


def record_table_view(
    model: QAbstractItemModel, selection: Selection = Selection.ExtendedSelection, stretch_column: int | None = None
) -> QTableView:
    """Rows select whole and alternate in colour, no row numbers, no editing; columns fit their contents and
    the last one (or `stretch_column`) takes the spare width."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch_column is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return table
