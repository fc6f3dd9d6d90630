"""Build a worker's EngineClient (and its TLS context) from its settings."""

from __future__ import annotations

import ssl

from mohawk_engine.client import EngineClient
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.tls import is_tls, ssl_context


def tls_context_for(settings: WorkerSettings) -> ssl.SSLContext | None:
    """The TLS context for an https worker (None for http); raises OSError/SSLError on bad files."""
    return ssl_context(settings.tls) if is_tls(settings.url) else None


def make_client(settings: WorkerSettings, timeout_s: float) -> EngineClient:
    context = tls_context_for(settings)
    return EngineClient(settings.url, token=settings.token, timeout=timeout_s, verify=context if context else True)
