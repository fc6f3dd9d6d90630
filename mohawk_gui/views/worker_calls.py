"""WorkerCalls: the Access and Audit panels' requests to their selected worker's /v1 API.

A request runs through the worker's client (so it carries the console's own token for it); a refusal
or a lost worker is said in the panel's banner, and an answer that comes after the selection moved is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_gui.services.v2_models import read_only_reason
from mohawk_gui.views.access_errors import refusal_text
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.error_banner import ErrorBanner

ClientOf = Callable[[str], EngineClient]


class WorkerCalls:
    """`selected()` names the panel's worker at each moment (None: no worker selected)."""

    def __init__(self, client_of: ClientOf, selected: Callable[[], str | None], banner: ErrorBanner) -> None:
        self._client_of = client_of
        self._selected = selected
        self._banner = banner
        self.in_flight = 0

    def read_only_reason(self) -> str | None:
        """Why the selected worker has no /v1 API to ask (a plain v2 server), or None."""
        worker = self._selected()
        try:
            return read_only_reason(self._client_of(worker)) if worker is not None else None
        except KeyError:
            return None

    def call(self, request: Callable[[EngineClient], Awaitable[Any]], done: Callable[[Any], None]) -> asyncio.Future:
        """Run `request` on the worker selected now; `done(answer)` only if it is still the selected one."""
        worker = self._selected()

        async def run() -> None:
            if worker is None:
                return
            self.in_flight += 1
            try:
                client = self._client_of(worker)
                if read_only_reason(client):
                    return  # no /v1 API to ask; the panel's controls and summary say why
                answer = await request(client)
            except KeyError:
                self._banner.say(f"{worker} is no longer connected.")
                return
            except EngineClientError as exc:
                if worker == self._selected():
                    self._banner.say(refusal_text(worker, exc))
                return
            finally:
                self.in_flight -= 1
            if worker == self._selected():
                self._banner.dismiss()
                done(answer)

        return spawn(run())
