"""What the API routers share: the engine a request is served by, and the error answers they document."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from mohawk_engine.engine import Engine
from mohawk_engine.schemas import ErrorBody


def engine_of(request: Request) -> Engine:
    return request.app.state.engine


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` saying that each of `codes` answers an ErrorBody ({"error": "..."})."""
    return {code: {"model": ErrorBody} for code in codes}
