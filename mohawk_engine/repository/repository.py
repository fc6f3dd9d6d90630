"""The model repository: a folder of `.onnx` and TorchScript `.pt` files, each a model.

A model's name is its file name without the extension. Signatures are read once per file
version (size and modification time) and cached.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

from mohawk_engine.repository.signatures import describe
from mohawk_engine.schemas import ModelInfo

log = logging.getLogger("mohawk.repository")

SUFFIXES = (".onnx", ".pt")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class ModelNotFound(KeyError):
    pass


class ModelRepository:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, tuple[tuple[int, int], ModelInfo]] = {}
        self._lock = threading.Lock()

    def list(self) -> list[ModelInfo]:
        if not self.root.is_dir():
            return []
        files = sorted(p for p in self.root.iterdir() if p.suffix in SUFFIXES and p.is_file())
        return [self._info(p) for p in files]

    def names(self) -> list[str]:
        return [p.stem for p in sorted(self.root.glob("*")) if p.suffix in SUFFIXES]

    def path_of(self, name: str) -> Path:
        if not _NAME_RE.match(name):
            raise ValueError(f"model name {name!r} is not a plain file name (letters, digits, '_', '.', '-')")
        for suffix in SUFFIXES:
            path = self.root / f"{name}{suffix}"
            if path.is_file():
                return path
        known = ", ".join(self.names()) or "none"
        raise ModelNotFound(f"unknown model '{name}' in {self.root}; models: {known}")

    def get(self, name: str) -> ModelInfo:
        return self._info(self.path_of(name))

    def _info(self, path: Path) -> ModelInfo:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == key:
                return cached[1]
            info = describe(path.stem, path, path.name)
            if info.error:
                log.warning("model %s: %s", path.name, info.error)
            self._cache[path] = (key, info)
            return info
