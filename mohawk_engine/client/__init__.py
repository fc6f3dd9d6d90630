"""Python client for the engine's HTTP API; the console, the tests and the load tools use it."""

from mohawk_engine.client.client import EngineClient, EngineClientError

__all__ = ["EngineClient", "EngineClientError"]
