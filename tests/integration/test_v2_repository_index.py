"""POST /v2/repository/index: Triton's model repository index, as Triton and MLServer serve it."""

from __future__ import annotations

import httpx

from tests.support.deploy import deploy


async def test_the_index_lists_every_session_in_tritons_shape(shared_engine):
    await deploy(shared_engine.url, "index-mlp", "mlp-tiny")
    async with httpx.AsyncClient(base_url=shared_engine.url) as client:
        everything = (await client.post("/v2/repository/index")).json()
        ready = (await client.post("/v2/repository/index", json={"ready": True})).json()
    assert {"name": "index-mlp", "version": "1", "state": "READY"} in everything
    assert all(set(entry) <= {"name", "version", "state", "reason"} for entry in everything)
    assert "index-mlp" in [entry["name"] for entry in ready]


async def test_a_bad_body_is_a_400_naming_what_was_expected(shared_engine):
    async with httpx.AsyncClient(base_url=shared_engine.url) as client:
        not_json = await client.post("/v2/repository/index", content=b"{ready")
        wrong_type = await client.post("/v2/repository/index", json={"ready": "yes"})
    assert not_json.status_code == 400 and "ready" in not_json.json()["error"]
    assert wrong_type.status_code == 400 and "boolean 'ready'" in wrong_type.json()["error"]
