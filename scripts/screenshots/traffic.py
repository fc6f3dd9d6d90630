"""The demo sessions the fleet screenshots show, and steady inference traffic so the live figures move."""

from __future__ import annotations

import asyncio

import httpx

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec

SESSIONS = (
    SessionSpec(name="mlp-tiny", model="mlp-tiny", device_map=DeviceMap(replicas_per_device=2)),
    SessionSpec(name="add-sub", model="add-sub", batching=BatchingConfig(max_batch_size=16, max_queue_delay_us=500)),
)
ADD_SUB = {
    "inputs": [
        {"name": "INPUT0", "shape": [4, 16], "datatype": "FP32", "data": [1.0] * 64},
        {"name": "INPUT1", "shape": [4, 16], "datatype": "FP32", "data": [2.0] * 64},
    ]
}
MLP = {"inputs": [{"name": "input", "shape": [8, 512], "datatype": "FP32", "data": [0.1] * 4096}]}


async def deploy(client: EngineClient) -> None:
    for spec in SESSIONS:
        await client.create_session(spec)
    for spec in SESSIONS:
        await client.wait_for_state(spec.name)


async def traffic(url: str, token: str | None) -> None:
    """Runs until cancelled: three lanes on add-sub, two on mlp-tiny."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=url, timeout=10, headers=headers) as client:

        async def lane(session: str, body: dict, pause: float) -> None:
            while True:
                try:
                    await client.post(f"/v2/models/{session}/infer", json=body)
                except httpx.HTTPError:
                    await asyncio.sleep(0.5)  # a session being reconfigured: keep going
                await asyncio.sleep(pause)

        await asyncio.gather(*(lane("add-sub", ADD_SUB, 0.005) for _ in range(3)), *(lane("mlp-tiny", MLP, 0.01) for _ in range(2)))
