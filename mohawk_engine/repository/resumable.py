"""Resumable model uploads: a file sent in ranged chunks, kept in the repository's hidden
`.uploads/` folder until it is committed (checksum, model check, atomic install) or aborted.

Each upload is two files: `<id>.json` (what was announced: name, size, SHA-256, format,
overwrite) and `<id>.part` (the bytes so far). The bytes on disk are the truth: `received`
is the part file's size, so an upload survives an engine restart, and a chunk cut off by a
dropped connection keeps the prefix that arrived. An upload idle for longer than the expiry
is deleted by `sweep()`. A committed upload leaves its `.json` behind (as a tombstone, until
it expires) so that a commit repeated after a lost response answers the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from mohawk_engine.repository.uploads import FLUSH_BYTES, ChecksumMismatch
from mohawk_engine.schemas import ModelFormat
from mohawk_engine.schemas.uploads import UploadStatus

UPLOADS_DIR = ".uploads"
_ID = re.compile(r"^[0-9a-f]{32}$")
HASH_CHUNK = 1 << 20


class UploadNotFound(KeyError):
    """No upload of that id (never started, aborted, committed and expired, or expired)."""


class OffsetMismatch(ValueError):
    """A chunk did not start where the upload stands; `received` is where it must."""

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received


class BadChunk(ValueError):
    """The chunk's body did not match its Content-Range; nothing of it was kept."""


@dataclass
class PartialUpload:
    id: str
    name: str
    size: int
    sha256: str
    format: str | None
    overwrite: bool
    created: float
    committed: bool = False


class ResumableUploads:
    """The uploads of one repository. Callers hold `lock(id)` around appends, commits and aborts."""

    def __init__(self, root: Path, expiry_s: float, clock: Callable[[], float] = time.time) -> None:
        self.folder = root / UPLOADS_DIR
        self.expiry_s = expiry_s
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    def lock(self, upload_id: str) -> asyncio.Lock:
        return self._locks.setdefault(upload_id, asyncio.Lock())

    def create(
        self, name: str, size: int, sha256: str, model_format: ModelFormat | None, overwrite: bool
    ) -> PartialUpload:
        self.folder.mkdir(parents=True, exist_ok=True)
        fmt = model_format.value if model_format else None
        upload = PartialUpload(secrets.token_hex(16), name, size, sha256.lower(), fmt, overwrite, self._clock())
        self.data_path(upload.id).touch(mode=0o600)
        self._write_meta(upload)
        return upload

    def get(self, upload_id: str) -> PartialUpload:
        """The upload; raises UploadNotFound (also for a malformed id or one that has expired)."""
        meta = self.folder / f"{upload_id}.json"
        if not _ID.match(upload_id) or not meta.is_file():
            raise UploadNotFound(
                f"no upload '{upload_id}' (never started, aborted, or expired after {self.expiry_s:g} s idle)"
            )
        upload = PartialUpload(**json.loads(meta.read_text()))
        if self._expired(upload) and not self._busy(upload_id):
            self.discard(upload_id)
            raise UploadNotFound(f"upload '{upload_id}' expired after {self.expiry_s:g} s without activity")
        return upload

    def all(self) -> list[PartialUpload]:
        self.sweep()
        if not self.folder.is_dir():
            return []
        uploads = [PartialUpload(**json.loads(p.read_text())) for p in self.folder.glob("*.json") if _ID.match(p.stem)]
        return sorted(uploads, key=lambda upload: upload.created)

    def received(self, upload: PartialUpload) -> int:
        if upload.committed:
            return upload.size
        try:
            return self.data_path(upload.id).stat().st_size
        except FileNotFoundError:
            return 0

    def status(self, upload: PartialUpload) -> UploadStatus:
        return UploadStatus(
            id=upload.id,
            name=upload.name,
            size=upload.size,
            received=self.received(upload),
            sha256=upload.sha256,
            format=upload.format,
            overwrite=upload.overwrite,
            committed=upload.committed,
            expires_at=self._last_activity(upload) + self.expiry_s,
        )

    async def append(self, upload: PartialUpload, start: int, length: int, body: AsyncIterator[bytes]) -> int:
        """Write `length` bytes from `body` at offset `start`; returns the bytes now received.

        A body longer or shorter than `length` raises BadChunk and leaves the upload as it was;
        any other failure (a dropped connection) keeps what arrived.
        """
        received = self.received(upload)
        if start != received:
            raise OffsetMismatch(
                f"upload '{upload.id}' has {received} of {upload.size} bytes; the next chunk must start at "
                f"byte {received}, not {start} (GET /v1/uploads/{upload.id} tells the offset)",
                received,
            )
        handle = await asyncio.to_thread(self.data_path(upload.id).open, "ab")
        written, pending = 0, bytearray()
        try:
            async for piece in body:
                written += len(piece)
                if written > length:
                    raise BadChunk(f"the chunk body is longer than the {length} bytes its Content-Range names")
                pending += piece
                if len(pending) >= FLUSH_BYTES:
                    await asyncio.to_thread(handle.write, bytes(pending))
                    pending.clear()
            if written < length:
                raise BadChunk(f"the chunk body has {written} bytes; its Content-Range names {length}")
        except BadChunk:
            pending.clear()
            await asyncio.to_thread(_truncate, handle, start)
            raise
        finally:
            await asyncio.to_thread(_finish, handle, bytes(pending))
        return start + written

    async def verify(self, upload: PartialUpload) -> Path:
        """The complete file, flushed to disk and hashed (in a thread); raises ChecksumMismatch."""
        path = self.data_path(upload.id)
        actual = await asyncio.to_thread(_sync_and_hash, path)
        if actual != upload.sha256:
            raise ChecksumMismatch(
                f"checksum mismatch: the upload announced SHA-256 {upload.sha256}, the received "
                f"{upload.size} bytes hash to {actual}"
            )
        return path

    def mark_committed(self, upload: PartialUpload) -> None:
        upload.committed = True
        self._write_meta(upload)
        self.data_path(upload.id).unlink(missing_ok=True)

    def discard(self, upload_id: str) -> None:
        self.data_path(upload_id).unlink(missing_ok=True)
        (self.folder / f"{upload_id}.json").unlink(missing_ok=True)
        lock = self._locks.get(upload_id)
        if lock is not None and not lock.locked():
            del self._locks[upload_id]

    def sweep(self) -> list[str]:
        """Delete uploads idle past the expiry (and part files without their record); returns their ids."""
        if not self.folder.is_dir():
            return []
        expired = []
        for path in self.folder.iterdir():
            upload_id = path.stem
            if upload_id in expired or self._busy(upload_id) or path.suffix not in (".json", ".part"):
                continue
            if path.suffix == ".part" and (self.folder / f"{upload_id}.json").exists():
                continue
            try:
                stale = self._clock() - path.stat().st_mtime > self.expiry_s
                if path.suffix == ".json":
                    stale = self._expired(PartialUpload(**json.loads(path.read_text())))
            except (OSError, ValueError, TypeError):
                stale = True
            if stale:
                self.discard(upload_id)
                expired.append(upload_id)
        return expired

    def data_path(self, upload_id: str) -> Path:
        return self.folder / f"{upload_id}.part"

    def _busy(self, upload_id: str) -> bool:
        lock = self._locks.get(upload_id)
        return lock is not None and lock.locked()

    def _expired(self, upload: PartialUpload) -> bool:
        return self._clock() - self._last_activity(upload) > self.expiry_s

    def _last_activity(self, upload: PartialUpload) -> float:
        times = [upload.created]
        for path in (self.folder / f"{upload.id}.json", self.data_path(upload.id)):
            try:
                times.append(path.stat().st_mtime)
            except FileNotFoundError:
                pass
        return max(times)

    def _write_meta(self, upload: PartialUpload) -> None:
        meta = self.folder / f"{upload.id}.json"
        temp = meta.with_suffix(".json.tmp")
        temp.write_text(json.dumps(asdict(upload)))
        os.replace(temp, meta)


def _truncate(handle, size: int) -> None:
    handle.flush()
    handle.truncate(size)


def _finish(handle, pending: bytes) -> None:
    if pending:
        handle.write(pending)
    handle.close()


def _sync_and_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
