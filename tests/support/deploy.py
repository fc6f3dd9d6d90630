"""Helpers to deploy sessions on a real engine through the real client."""

from __future__ import annotations

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionInfo, SessionSpec


async def deploy(
    url: str, name: str, model: str, *, timeout: float = 120.0, batching: BatchingConfig | None = None, **device_map
) -> SessionInfo:
    spec = SessionSpec(
        name=name, model=model, device_map=DeviceMap(**device_map), batching=batching or BatchingConfig()
    )
    async with EngineClient(url) as client:
        await client.create_session(spec)
        return await client.wait_for_state(name, timeout=timeout)
