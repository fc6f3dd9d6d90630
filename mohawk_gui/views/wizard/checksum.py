"""SHA-256 of a local model file, read in chunks, reporting progress (runs in a worker thread)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

CHUNK = 1 << 20


def file_sha256(path: Path, progress: Callable[[int, int], None] | None = None) -> str:
    """Hex digest; `progress(done_bytes, total_bytes)` after each chunk."""
    total = path.stat().st_size
    digest = hashlib.sha256()
    done = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest()
