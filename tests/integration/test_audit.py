"""The audit log: every mutating control call, allowed or refused, on a real engine and SQLite."""

from __future__ import annotations

import time

import httpx
import pytest

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import SessionSpec
from mohawk_engine.store.audit import PRUNE_EVERY, AuditLog
from tests.integration.test_auth import start_engine


@pytest.fixture(scope="module")
def secured(tmp_path_factory, demo_repo):
    process, admin = start_engine(demo_repo, tmp_path_factory.mktemp("state"))
    yield process, admin
    process.kill()


async def test_mutating_calls_are_recorded_with_key_action_target_and_result(secured):
    process, admin = secured
    started = time.time()
    async with EngineClient(process.url, token=admin) as client:
        reader = await client.create_key("dashboard", ["read"])
        await client.create_session(SessionSpec(name="audited", model="mlp-tiny"))
        await client.wait_for_state("audited", timeout=120)
        await client.plan_session(SessionSpec(name="planned", model="mlp-tiny"))
        await client.delete_session("audited")
        await client.revoke_key(reader.prefix)
        await client.list_sessions()  # reads are not audited
    async with EngineClient(process.url, token=reader.secret) as revoked:
        with pytest.raises(EngineClientError):
            await revoked.delete_session("audited")
    async with httpx.AsyncClient(base_url=process.url) as http:
        assert (await http.put("/v1/sessions/nobody", json={})).status_code == 401
    async with EngineClient(process.url, token=admin) as client:
        records = await client.audit(since=started)
    rows = [(r.key, r.action, r.target, r.result) for r in reversed(records)]
    assert rows == [
        (admin.split("_")[1], "key.create", reader.prefix, 201),
        (admin.split("_")[1], "session.create", "audited", 201),
        (admin.split("_")[1], "POST /v1/sessions/plan", None, 200),
        (admin.split("_")[1], "session.delete", "audited", 200),
        (admin.split("_")[1], "key.revoke", reader.prefix, 200),
        ("anonymous", "session.delete", "audited", 401),
        ("anonymous", "session.reconfigure", "nobody", 401),
    ]
    assert all(r.client.startswith("127.0.0.1:") for r in records)
    assert [r.id for r in records] == sorted((r.id for r in records), reverse=True)


async def test_limit_since_and_admin_only(secured):
    process, admin = secured
    async with EngineClient(process.url, token=admin) as client:
        for label in ("a", "b", "c"):
            await client.create_key(label, ["read"])
        newest_two = await client.audit(limit=2)
        assert len(newest_two) == 2 and newest_two[0].id > newest_two[1].id
        assert await client.audit(since=time.time() + 60) == []
        reader = await client.create_key("reader", ["read"])
        with pytest.raises(EngineClientError) as bad:
            await client.audit(limit=0)
        assert bad.value.status == 400 and "limit" in bad.value.message
    async with EngineClient(process.url, token=reader.secret) as client:
        with pytest.raises(EngineClientError) as refused:
            await client.audit()
        assert refused.value.status == 403


def test_the_table_is_pruned_to_the_newest_records(tmp_path):
    audit = AuditLog(tmp_path / "mohawk.sqlite3", max_records=10)
    try:
        for n in range(PRUNE_EVERY):
            audit.record("anonymous", "POST /v1/x", str(n), 200, None)
        kept = audit.query(limit=10_000)
        assert len(kept) == 10
        assert kept[0].target == str(PRUNE_EVERY - 1) and kept[-1].target == str(PRUNE_EVERY - 10)
    finally:
        audit.close()
