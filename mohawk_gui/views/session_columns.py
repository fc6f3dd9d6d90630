"""Column sizing for the sessions tables (dashboard and Sessions view).

ResizeToContents would measure every cell again each time the figures change (twice a
second, for every row): with a fleet of sessions that alone stalls the UI for tens of
milliseconds. Columns are fitted to their contents when rows come or go instead, and the
figure columns keep room for five-digit numbers.
"""

from __future__ import annotations

from PyQt6.QtCore import QAbstractItemModel, QTimer
from PyQt6.QtWidgets import QHeaderView, QTableView

from mohawk_gui.models.sessions_table import COLUMNS, FIRST_METRIC_COLUMN

WIDEST_FIGURE = "88,888.8"


def fit_session_columns(table: QTableView, model: QAbstractItemModel) -> None:
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(COLUMNS.index("Placement"), QHeaderView.ResizeMode.Stretch)
    figure_width = table.fontMetrics().horizontalAdvance(WIDEST_FIGURE) + 16
    fit = QTimer(table)
    fit.setSingleShot(True)
    fit.setInterval(0)

    def fit_now() -> None:
        table.resizeColumnsToContents()
        for column in range(FIRST_METRIC_COLUMN, len(COLUMNS)):
            header.resizeSection(column, max(header.sectionSize(column), figure_width))

    fit.timeout.connect(fit_now)
    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
        signal.connect(fit.start)
    fit_now()
