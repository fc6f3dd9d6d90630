"""docs/configuration.md documents every option of the engine's and the console's config models.

The option list comes from the pydantic models at test time, so an option added to either
model without a line in the docs fails here.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from mohawk_engine.config import EngineConfig
from mohawk_gui.services.config import ConsoleConfig

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
_TABLE_HEADING = re.compile(r"^###\s.*?`\[\[?([A-Za-z0-9_.]+)\]\]?`", re.MULTILINE)


def _nested_model(annotation: object) -> type[BaseModel] | None:
    """The config model inside an annotation such as `Section`, `list[Section]` or `Section | None`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        model = _nested_model(arg)
        if model is not None:
            return model
    return None


def options(model: type[BaseModel], table: str = "") -> Iterator[tuple[str, str]]:
    """(table, option) for every leaf option: ('server', 'host'), ('workers.tls', 'ca'), ..."""
    for name, field in model.model_fields.items():
        nested = _nested_model(field.annotation)
        if nested is None:
            yield table, name
        else:
            yield from options(nested, f"{table}.{name}" if table else name)


def tables(part: str) -> dict[str, str]:
    """The text under each `### [table]` heading of one part of the document."""
    headings = list(_TABLE_HEADING.finditer(part))
    ends = [h.start() for h in headings[1:]] + [len(part)]
    return {h.group(1): part[h.end():end] for h, end in zip(headings, ends)}


def part(title: str) -> str:
    text = DOC.read_text()
    match = re.search(rf"^## {title}\b.*?(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"docs/configuration.md has no '## {title}' part"
    return match.group(0)


@pytest.mark.parametrize(("title", "model"), [("Engine", EngineConfig), ("Console", ConsoleConfig)])
def test_every_option_is_documented_under_its_table(title: str, model: type[BaseModel]):
    documented = tables(part(title))
    missing = []
    for table, option in options(model):
        text = documented.get(table, part(title) if not table else None)
        if text is None or f"`{option}`" not in text:
            missing.append(f"{table}.{option}" if table else option)
    assert not missing, f"docs/configuration.md ({title}) does not document: {', '.join(missing)}"


def test_option_walk_finds_nested_and_listed_sections():
    found = set(options(ConsoleConfig))
    assert ("workers.tls", "ca") in found and ("bundled_engine", "keep_running") in found
    assert ("server", "port") in set(options(EngineConfig))


def test_documented_tables_exist_in_the_models():
    for title, model in (("Engine", EngineConfig), ("Console", ConsoleConfig)):
        known = {table for table, _ in options(model)}
        stale = set(tables(part(title))) - known
        assert not stale, f"docs/configuration.md ({title}) documents tables the config does not have: {stale}"
