"""TLS for worker connections: verify against a CA bundle, optionally present a client certificate."""

from __future__ import annotations

import ssl
from datetime import datetime, timezone

from mohawk_engine.schemas import ServerInfo
from mohawk_gui.services.config import TlsSettings


def ssl_context(settings: TlsSettings) -> ssl.SSLContext:
    """One context for both the REST client and the stream; raises OSError/SSLError on unreadable files."""
    context = ssl.create_default_context(cafile=str(settings.ca) if settings.ca else None)
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if settings.cert is not None:
        context.load_cert_chain(str(settings.cert), str(settings.key) if settings.key else None)
    return context


def is_tls(url: str) -> bool:
    return url.lower().startswith("https://")


def days_until_expiry(info: ServerInfo, now: datetime | None = None) -> float | None:
    """Days left on the worker's serving certificate (negative once expired); None for plain HTTP."""
    if info.tls_not_after is None:
        return None
    expiry = info.tls_not_after
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=timezone.utc)
    return (expiry - (now or datetime.now(timezone.utc))).total_seconds() / 86400
