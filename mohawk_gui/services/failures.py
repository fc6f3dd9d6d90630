"""Plain-words reasons for why a worker cannot be reached."""

from __future__ import annotations

import ssl

import httpx

from mohawk_engine.client import EngineClientError


class ConnectionLost(Exception):
    """The worker stopped answering, or refused the console; the message says why."""


def describe_failure(exc: BaseException) -> str:
    if isinstance(exc, EngineClientError):
        if exc.status in (401, 403):
            return f"unauthorized ({exc.status}): the worker rejected the API token"
        if exc.status:
            return f"HTTP {exc.status}: {exc.message}"
        return describe_failure(exc.__cause__) if exc.__cause__ is not None else exc.message
    if isinstance(exc, ConnectionLost):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return "timed out"
    if isinstance(exc, httpx.RemoteProtocolError) and "disconnected" in str(exc):
        return "the worker dropped the connection"
    text = str(exc) or type(exc).__name__
    if isinstance(exc, ssl.SSLError) or "SSL" in text or "certificate" in text:
        return f"TLS: {_ssl_reason(text)}"
    if isinstance(exc, httpx.ConnectError | ConnectionError | OSError):
        return _connect_reason(text)
    return text


def is_unreachable(exc: BaseException) -> bool:
    """Whether the error means the worker is gone (network, TLS, auth) rather than one request failing."""
    if isinstance(exc, EngineClientError):
        return exc.status in (0, 401, 403)
    return isinstance(exc, httpx.TransportError | OSError | TimeoutError | ConnectionLost)


def _ssl_reason(text: str) -> str:
    if "]" in text:
        text = text.split("]", 1)[1]
    return text.split(" (_ssl.c")[0].strip()


def _connect_reason(text: str) -> str:
    lowered = text.lower()
    if "refused" in lowered or "all connection attempts failed" in lowered:
        return "connection refused"
    if "name or service not known" in lowered or "nodename nor servname" in lowered:
        return "unknown host"
    if "no route" in lowered or "unreachable" in lowered:
        return "host unreachable"
    return text
