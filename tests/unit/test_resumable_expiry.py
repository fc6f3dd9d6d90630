"""Expiry of resumable uploads (pure logic on a temp folder; the clock is moved forward)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mohawk_engine.repository.resumable import ResumableUploads, UploadNotFound


def _store(root: Path, skew: list[float]) -> ResumableUploads:
    return ResumableUploads(root, expiry_s=60.0, clock=lambda: time.time() + skew[0])


def test_an_idle_upload_expires_and_its_files_go(tmp_path: Path) -> None:
    skew = [0.0]
    store = _store(tmp_path, skew)
    upload = store.create("m", 100, "a" * 64, None, False)
    store.data_path(upload.id).write_bytes(b"x" * 40)
    assert store.status(upload).received == 40 and store.get(upload.id).name == "m"
    skew[0] = 61.0
    with pytest.raises(UploadNotFound, match="expired"):
        store.get(upload.id)
    assert list(store.folder.iterdir()) == []


def test_sweep_keeps_fresh_uploads_and_drops_stale_and_orphaned_files(tmp_path: Path) -> None:
    skew = [0.0]
    store = _store(tmp_path, skew)
    stale = store.create("old", 10, "b" * 64, None, False)
    orphan = store.folder / ("c" * 32 + ".part")
    orphan.write_bytes(b"x")
    skew[0] = 61.0
    fresh = _store(tmp_path, skew).create("new", 10, "d" * 64, None, False)
    assert sorted(store.sweep()) == sorted([stale.id, "c" * 32])
    assert [u.id for u in store.all()] == [fresh.id]


def test_a_malformed_id_is_not_found(tmp_path: Path) -> None:
    store = _store(tmp_path, [0.0])
    with pytest.raises(UploadNotFound):
        store.get("../../etc/passwd")
