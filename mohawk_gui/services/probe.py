"""'Test connection': reach a worker once with the given settings, without adding it."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

from mohawk_gui.services.clients import make_client
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.failures import describe_failure


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    message: str
    version: str | None = None
    worker_id: str | None = None
    rtt_ms: float | None = None
    sessions: int | None = None


async def probe_worker(settings: WorkerSettings, timeout_s: float = 5.0) -> ProbeResult:
    try:
        client = make_client(settings, timeout_s)
    except (OSError, ssl.SSLError) as exc:
        return ProbeResult(False, f"TLS: cannot load the certificate files: {exc}")
    async with client:
        try:
            started = time.perf_counter()
            info = await client.server_info()
            rtt_ms = (time.perf_counter() - started) * 1000.0
            sessions = await client.list_sessions()
        except Exception as exc:  # noqa: BLE001 - every failure is reported in words
            return ProbeResult(False, describe_failure(exc))
    return ProbeResult(
        True,
        f"Connected: {info.name} {info.version}, worker {info.worker_id}, {len(sessions)} sessions, RTT {rtt_ms:.1f} ms",
        version=info.version,
        worker_id=info.worker_id,
        rtt_ms=rtt_ms,
        sessions=len(sessions),
    )
