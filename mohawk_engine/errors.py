"""Errors the engine reports to callers, each with the HTTP status it maps to."""

from __future__ import annotations


class EngineError(Exception):
    status: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(EngineError):
    status = 400


class NotFound(EngineError):
    status = 404


class Conflict(EngineError):
    status = 409


class PayloadTooLarge(EngineError):
    status = 413


class UnsupportedMediaType(EngineError):
    status = 415


class Unavailable(EngineError):
    """The request was well-formed but cannot be served now (queue full, not ready, timed out)."""

    status = 503


class QueueFull(Unavailable):
    pass


class RequestTimeout(Unavailable):
    pass


class SessionNotReady(Unavailable):
    pass


class InferenceFailed(EngineError):
    """The runtime raised while computing a batch: a server-side fault, not bad input."""

    status = 500
