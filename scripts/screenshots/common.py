"""What every screenshot part shares: saving a grab, waiting for the UI, the engine's auth token."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtWidgets import QWidget


class Shots:
    """The output folder; `save` grabs a widget (a window or a dialog) into it and prints the path."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: list[Path] = []

    def save(self, widget: QWidget, name: str) -> Path:
        path = self.out / name
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        self.saved.append(path)
        print(path, flush=True)
        return path


async def settle(seconds: float = 0.5) -> None:
    """Let Qt lay out and paint (and the streams deliver) before a grab."""
    await asyncio.sleep(seconds)


async def wait_for(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)
