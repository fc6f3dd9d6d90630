"""The config form's workers table shows and edits a worker's kind (a combo) and its models list
(comma-separated), validated like the rest of the form and saved into the TOML with its comments."""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox, QStyleOptionViewItem

from mohawk_gui.views.config_view import ConfigView
from mohawk_gui.views.workers_config_table import KIND, MODELS
from tests.gui.conftest import FAST_REFRESH, resolve

V2_WORKER = """
# the triton box, watched only
[[workers]]
name = "triton"
url = "http://127.0.0.1:9"  # nothing listens here
kind = "v2"
models = ["resnet", "bert"]
"""


def _view(qtbot, console, text: str) -> ConfigView:
    console.store.path.write_text(text)
    console.load_config()
    view = ConfigView(console)
    qtbot.addWidget(view)
    return view


def test_kind_and_models_show_after_the_url(qtbot, console):
    view = _view(qtbot, console, FAST_REFRESH + V2_WORKER)
    table = view.form.workers
    header = table.horizontalHeader()
    assert [table.horizontalHeaderItem(header.logicalIndex(v)).text() for v in range(4)] == ["Name", "URL", "Kind", "Models"]
    assert table.item(0, KIND).text() == "v2"
    assert table.item(0, MODELS).text() == "resnet, bert"


def test_the_kind_is_edited_in_a_combo_of_the_accepted_kinds(qtbot, console):
    view = _view(qtbot, console, FAST_REFRESH + V2_WORKER)
    table = view.form.workers
    index = table.model().index(0, KIND)
    delegate = table.itemDelegateForColumn(KIND)
    editor = delegate.createEditor(table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == ["mohawk", "v2"]
    delegate.setEditorData(editor, index)
    assert editor.currentText() == "v2"
    editor.setCurrentText("mohawk")
    delegate.setModelData(editor, table.model(), index)
    assert table.item(0, KIND).text() == "mohawk"
    editor.deleteLater()


def test_edited_kind_and_models_are_saved_keeping_comments(qtbot, loop, console):
    view = _view(qtbot, console, FAST_REFRESH + V2_WORKER)
    table = view.form.workers
    table.item(0, MODELS).setText(" resnet ,, gpt2 ,")
    resolve(qtbot, view.save())
    text = console.store.path.read_text()
    assert "# the triton box, watched only" in text and "# nothing listens here" in text
    assert 'models = ["resnet", "gpt2"]' in text and 'kind = "v2"' in text
    assert console.config.worker("triton").models == ["resnet", "gpt2"]

    table.item(0, KIND).setText("mohawk")
    table.item(0, MODELS).setText("")
    resolve(qtbot, view.save())
    saved = console.config.worker("triton")
    assert (saved.kind, saved.models) == ("mohawk", [])
    assert "# the triton box, watched only" in console.store.path.read_text()


def test_a_new_row_is_a_mohawk_worker_and_a_bad_kind_is_named(qtbot, console):
    view = _view(qtbot, console, FAST_REFRESH)
    table = view.form.workers
    row = table.add_row(["gpu-a", "http://127.0.0.1:8000", "", True, None, None, None])
    assert (table.item(row, KIND).text(), table.item(row, MODELS).text()) == ("mohawk", "")
    table.item(row, KIND).setText("triton")
    assert view.save() is None
    assert console.store.path.read_text() == FAST_REFRESH
    message = view.banner_text.text()
    assert 'worker 1 "gpu-a" kind:' in message and "'mohawk' or 'v2'" in message
