"""API keys: the secret's format, hashing, scopes, and the key store on a real SQLite file."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from pydantic import ValidationError

from mohawk_engine.api.auth import audit_action, control_scope
from mohawk_engine.config import SecurityConfig, is_loopback
from mohawk_engine.schemas.security import ApiKeyRequest, new_secret, secret_prefix
from mohawk_engine.store import keys as keys_module
from mohawk_engine.store.keys import KeyStore, expand_scopes, hash_secret


@pytest.fixture
def store(tmp_path):
    keys = KeyStore(tmp_path / "state" / "mohawk.sqlite3")
    yield keys
    keys.close()


def test_secrets_are_random_and_carry_their_prefix():
    first, second = new_secret(), new_secret()
    assert first != second
    mark, prefix, rest = first.split("_", 2)
    assert mark == "mhk" and len(prefix) == 8 and len(rest) >= 40
    assert secret_prefix(first) == prefix
    for bad in ("", "mhk_1234567_" + "a" * 40, "xyz_12345678_" + "a" * 40, "mhk_12345678_short", "Bearer x"):
        assert secret_prefix(bad) is None


def test_scopes_admin_implies_the_others():
    assert expand_scopes(["admin"]) == {"read", "infer", "admin"}
    assert expand_scopes(["read"]) == {"read"}
    assert expand_scopes(["infer", "read"]) == {"read", "infer"}
    assert control_scope("GET", "/v1/sessions") == "read"
    assert control_scope("POST", "/v1/sessions") == "admin"
    assert control_scope("GET", "/v1/keys") == "admin"
    assert control_scope("GET", "/v1/audit") == "admin"


def test_key_request_validation_names_the_problem():
    assert ApiKeyRequest(label="  ci ", scopes=["admin", "read", "admin"]).model_dump() == {
        "label": "ci", "scopes": ["read", "admin"]
    }  # fmt: skip
    with pytest.raises(ValidationError, match="'read', 'infer' or 'admin'"):
        ApiKeyRequest(label="x", scopes=["root"])
    with pytest.raises(ValidationError, match="at least 1"):
        ApiKeyRequest(label="x", scopes=[])
    with pytest.raises(ValidationError, match="blank"):
        ApiKeyRequest(label="   ", scopes=["read"])


def test_only_the_hash_is_stored_and_a_wrong_secret_fails(store):
    created = store.create("ci", ["read", "infer"])
    raw = sqlite3.connect(store.path).execute("SELECT * FROM api_keys").fetchall()
    assert created.secret not in repr(raw)
    assert hashlib.sha256(created.secret.encode()).hexdigest() == hash_secret(created.secret) in repr(raw)
    identity = store.authenticate(created.secret)
    assert identity.prefix == created.prefix and identity.allows("infer") and not identity.allows("admin")
    forged = f"mhk_{created.prefix}_{'A' * 43}"
    assert store.authenticate(forged) is None
    assert store.authenticate("not-a-key") is None


def test_revoked_keys_fail_and_stay_listed(store):
    created = store.create("old", ["admin"])
    assert store.revoke(created.prefix).revoked
    assert store.authenticate(created.secret) is None
    (listed,) = store.list()
    assert listed.revoked and listed.revoked_at is not None and not hasattr(listed, "secret")
    assert store.revoke("00000000") is None


def test_last_used_is_written_at_most_every_few_seconds(store, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(keys_module.time, "time", lambda: clock[0])
    created = store.create("ci", ["read"])
    assert store.get(created.prefix).last_used is None
    store.authenticate(created.secret)
    assert store.get(created.prefix).last_used == 1000.0
    clock[0] += 1.0
    store.authenticate(created.secret)
    assert store.get(created.prefix).last_used == 1000.0
    clock[0] += keys_module.LAST_USED_EVERY_S
    store.authenticate(created.secret)
    assert store.get(created.prefix).last_used == clock[0]


def test_bootstrap_key_is_ensured_as_admin_even_after_revocation(store):
    secret = new_secret()
    info = store.ensure(secret)
    assert info.label == "console (bundled)" and info.scopes == ["admin"]
    store.revoke(info.prefix)
    store.ensure(secret)
    assert store.authenticate(secret).allows("admin")
    assert store.count_active() == 1
    with pytest.raises(ValueError, match="mhk_"):
        store.ensure("plain-password")


def test_loopback_detection_and_auto_auth():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.5", "example.com"))
    assert not SecurityConfig().auth_enabled("127.0.0.1")
    assert SecurityConfig().auth_enabled("0.0.0.0")
    assert SecurityConfig(auth="on").auth_enabled("127.0.0.1")
    assert not SecurityConfig(auth="off").auth_enabled("0.0.0.0")


def test_audit_actions_are_named():
    assert audit_action("POST", "/v1/sessions", "/v1/sessions") == ("session.create", None)
    assert audit_action("PUT", "/v1/sessions/tiny", None) == ("session.reconfigure", "tiny")
    assert audit_action("DELETE", "/v1/sessions/tiny", None) == ("session.delete", "tiny")
    assert audit_action("DELETE", "/v1/keys/abcd1234", None) == ("key.revoke", "abcd1234")
    assert audit_action("PUT", "/v1/models/m", None) == ("model.upload", "m")
    assert audit_action("POST", "/v1/sessions/plan", "/v1/sessions/plan") == ("POST /v1/sessions/plan", None)
