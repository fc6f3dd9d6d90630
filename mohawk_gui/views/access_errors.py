"""What the Access and Audit panels say when a worker refuses or fails a key / audit call."""

from __future__ import annotations

from mohawk_engine.client import EngineClientError


def refusal_text(worker: str, exc: EngineClientError) -> str:
    """A sentence an operator can act on: a 401/403 names the token and the admin scope it needs."""
    if exc.status == 401:
        return (
            f"{worker} refused the console's token ({exc.message}). Keys and the audit log need an admin key: "
            f"set an admin key's secret as {worker}'s token in Config."
        )
    if exc.status == 403:
        return (
            f"The console's token for {worker} lacks the admin scope ({exc.message}). Keys and the audit log "
            f"need an admin key: set an admin key's secret as {worker}'s token in Config."
        )
    if exc.status == 0:
        return f"{worker} cannot be reached: {exc.message}"
    return f"{worker} answered {exc.status}: {exc.message}"
