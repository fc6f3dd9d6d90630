"""Receiving a model file: streamed into a temporary file inside the repository, hashed and
size-checked on the way, so a large upload never sits in memory and a rename puts it in place.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path

FLUSH_BYTES = 1 << 20
TEMP_PREFIX = ".upload-"


class UploadTooLarge(ValueError):
    pass


class ChecksumMismatch(ValueError):
    pass


class IncomingModel:
    """One upload in progress. `discard()` removes the temporary file unless it was installed."""

    def __init__(self, root: Path, limit: int) -> None:
        root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=root, prefix=TEMP_PREFIX, suffix=".part")
        self.path = Path(name)
        self.limit = limit
        self.size = 0
        self._handle = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    async def write(self, chunk: bytes) -> None:
        """Take the next piece of the body; raises UploadTooLarge the moment the limit is passed."""
        self.size += len(chunk)
        if self.size > self.limit:
            raise UploadTooLarge(f"the upload passed the limit of {self.limit} bytes (server.max_upload_bytes)")
        self._digest.update(chunk)
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        if self._pending_bytes >= FLUSH_BYTES:
            await self._flush()

    async def finish(self, expected_sha256: str) -> None:
        """Flush to disk and compare digests; raises ChecksumMismatch naming both."""
        await self._flush()
        await asyncio.to_thread(self._close)
        actual = self._digest.hexdigest()
        if actual != expected_sha256.lower():
            raise ChecksumMismatch(
                f"checksum mismatch: X-Content-SHA256 says {expected_sha256.lower()}, the received "
                f"{self.size} bytes hash to {actual}"
            )

    def discard(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.path.unlink(missing_ok=True)

    async def _flush(self) -> None:
        if self._pending:
            data, self._pending, self._pending_bytes = b"".join(self._pending), [], 0
            await asyncio.to_thread(self._handle.write, data)

    def _close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
