"""RecordTableModel, base of the console's list-backed tables: headers, alignment, the signal a change sends."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, Qt

from mohawk_gui.models.record_table import RIGHT_ALIGNED, RecordTableModel

TOOLTIP = Qt.ItemDataRole.ToolTipRole


class Pairs(RecordTableModel[tuple[str, int]]):
    """(name, count) rows: the count column is numeric; the tooltip names the row."""

    columns = ("Name", "Count")
    numeric_columns = frozenset({1})

    def cell(self, record: tuple[str, int], column: int) -> str:
        return str(record[column])

    def role_data(self, record: tuple[str, int], column: int, role: int):
        return f"about {record[0]}" if role == TOOLTIP else None


def _signals(model: Pairs) -> list[str]:
    seen: list[str] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.dataChanged.connect(lambda first, last: seen.append(f"changed {first.row()}-{last.row()}:{last.column()}"))
    return seen


def test_cells_headers_alignment_and_other_roles(qtbot):
    model = Pairs()
    model.set_rows([("a", 1), ("b", 20)])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(model.index(0, 0)) == 0, "a flat table"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["Name", "Count"]
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert [model.data(model.index(1, c)) for c in range(2)] == ["b", "20"]
    assert model.data(model.index(1, 1), Qt.ItemDataRole.TextAlignmentRole) == RIGHT_ALIGNED
    assert model.data(model.index(1, 0), Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.data(model.index(0, 0), TOOLTIP) == "about a"
    assert model.data(QModelIndex()) is None
    assert model.row_where(lambda record: record[1] > 5) == 1 and model.row_where(lambda record: False) == -1


def test_update_rows_keeps_the_rows_when_the_keys_stay_and_resets_when_they_move(qtbot):
    model = Pairs()
    model.set_rows([("a", 1), ("b", 2)])
    seen = _signals(model)
    model.update_rows([("a", 5), ("b", 6)], key=lambda record: record[0])
    assert seen == ["changed 0-1:1"] and model.data(model.index(0, 1)) == "5"
    model.update_rows([("b", 6), ("a", 5)], key=lambda record: record[0])
    assert seen == ["changed 0-1:1", "reset"] and model.data(model.index(0, 0)) == "b"
    model.set_rows([])
    model.refresh()
    assert seen == ["changed 0-1:1", "reset", "reset"], "no change signal over an empty table"
