"""Write plain data into a tomlkit document in place, so comments and ordering survive."""

from __future__ import annotations

from typing import Any

import tomlkit
from tomlkit.items import AoT, Table


def merge_into(container: Any, full: dict[str, Any], sparse: dict[str, Any]) -> None:
    """Make `container` hold `full`.

    Keys already in the document are updated in place (only when their value changed); keys
    it lacks are added only when they differ from the defaults (`sparse`), so a save does not
    spell out every default. Keys that `full` no longer has, or that are None, are removed.
    """
    for key in list(container.keys()):
        if full.get(key) is None:
            del container[key]
    for key, value in full.items():
        if value is None:
            continue
        present = key in container
        if isinstance(value, dict):
            _merge_table(container, key, value, sparse.get(key, {}), present)
        elif _is_table_list_slot(container, key, value):
            _merge_table_list(container, key, value, sparse.get(key, value))
        elif present:
            if _plain(container[key]) != value:
                container[key] = value
        elif key in sparse:
            container[key] = value


def _merge_table(container: Any, key: str, full: dict, sparse: dict, present: bool) -> None:
    if present and isinstance(container[key], dict):
        merge_into(container[key], full, sparse)
    elif sparse:
        table = tomlkit.table()
        merge_into(table, sparse, sparse)
        container[key] = table


def _merge_table_list(container: Any, key: str, full: list[dict], sparse: list[dict]) -> None:
    """Arrays of tables (`[[workers]]`) are matched by their `name`, so each keeps its comments."""
    existing = container[key] if key in container else tomlkit.aot()
    by_name = {table.get("name"): table for table in existing if isinstance(table, Table)}
    tables = []
    for item_full, item_sparse in zip(full, sparse, strict=True):
        table = by_name.pop(item_full.get("name"), None)
        if table is None:
            table = tomlkit.table()
            merge_into(table, item_sparse, item_sparse)
            table.add(tomlkit.nl())
        else:
            merge_into(table, item_full, item_sparse)
        tables.append(table)
    if key not in container:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table)
        if tables:
            container[key] = aot
        return
    while len(existing):
        del existing[0]
    for table in tables:
        existing.append(table)
    if not tables:
        del container[key]


def _is_table_list_slot(container: Any, key: str, value: Any) -> bool:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return False
    return isinstance(container[key], AoT) if key in container else bool(value)


def _plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value
