"""Background tasks started from Qt slots: failures are logged, and shutdown cancels what is left."""

from __future__ import annotations

import asyncio
import logging

from mohawk_gui.views.async_tasks import cancel_all, spawn


async def test_cancel_all_ends_pending_tasks_quietly(caplog):
    started = asyncio.Event()

    async def waits_forever() -> None:
        started.set()
        await asyncio.Event().wait()

    task = spawn(waits_forever())
    await started.wait()
    with caplog.at_level(logging.ERROR):
        await cancel_all()
    assert task.cancelled()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a cancelled task is no failure"


async def test_a_failing_task_is_logged_not_raised(caplog):
    async def fails() -> None:
        raise RuntimeError("worker gone")

    with caplog.at_level(logging.ERROR):
        task = spawn(fails())
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    assert any("background task failed" in r.getMessage() for r in caplog.records)
