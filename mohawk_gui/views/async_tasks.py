"""Start coroutines from Qt slots on the qasync loop without blocking the UI thread, and keep them alive."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)
_running: set[asyncio.Future] = set()


def spawn(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Future:
    """Schedule `coroutine` on the running (qasync) loop; a failure is logged, never raised into Qt."""
    task = asyncio.ensure_future(coroutine)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Future) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


async def cancel_all() -> None:
    """Cancel the background tasks still running; at shutdown, before the clients they use close."""
    tasks = [task for task in _running if not task.done()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
