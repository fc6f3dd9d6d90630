"""Send real v2 inferences to an engine (for tests that need live metrics)."""

from __future__ import annotations

import asyncio

import httpx


async def send_add_sub(url: str, session: str, requests: int = 40, concurrency: int = 4) -> int:
    """POST `requests` add-sub inferences; returns how many succeeded."""
    body = {
        "inputs": [
            {"name": "INPUT0", "shape": [1, 16], "datatype": "FP32", "data": [1.0] * 16},
            {"name": "INPUT1", "shape": [1, 16], "datatype": "FP32", "data": [2.0] * 16},
        ]
    }
    succeeded = 0
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:

        async def one_lane(count: int) -> None:
            nonlocal succeeded
            for _ in range(count):
                response = await client.post(f"/v2/models/{session}/infer", json=body)
                succeeded += response.status_code == 200

        await asyncio.gather(*(one_lane(requests // concurrency) for _ in range(concurrency)))
    return succeeded
