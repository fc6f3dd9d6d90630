"""Python client for the engine's HTTP API and its /v1/stream WebSocket; the console, the tests
and the load tools use it."""

from mohawk_engine.client.client import EngineClient, EngineClientError
from mohawk_engine.client.stream import EngineStream

__all__ = ["EngineClient", "EngineClientError", "EngineStream"]
