"""The model repository: a folder of `.onnx` and TorchScript `.pt` files, each a model.

A model's name is its file name without the extension. Signatures are read once per file
version (size and modification time) and cached. Every name resolves inside the root: names
are plain file stems, and a symlink whose target lies outside the root is refused.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
from pathlib import Path

from mohawk_engine.errors import BadRequest
from mohawk_engine.repository.signatures import describe
from mohawk_engine.schemas import ModelFormat, ModelInfo

log = logging.getLogger("mohawk.repository")

SUFFIXES = (".onnx", ".pt")
_SUFFIX_OF = {ModelFormat.ONNX: ".onnx", ModelFormat.TORCHSCRIPT: ".pt"}
_FORMAT_OF = {suffix: model_format for model_format, suffix in _SUFFIX_OF.items()}
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class ModelNotFound(KeyError):
    pass


class InvalidModelName(ValueError):
    """The name is not a plain file stem (a path, '..', or characters a file name should not hold)."""


class ModelExists(ValueError):
    """A model of that name is there already (and may not be replaced)."""


class ModelOutsideRepository(ValueError):
    """The model file is a symlink to somewhere outside the repository root."""


def validate_name(name: str) -> str:
    if not _NAME_RE.match(name):
        raise InvalidModelName(
            f"model name {name!r} is not a plain file name: expected 1-128 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return name


def resolve_upload_target(name: str, format_header: str | None) -> tuple[str, ModelFormat | None]:
    """The stem and format an upload named `name` installs as (format None: sniff the file).

    The format comes from `format_header` (e.g. X-Model-Format) or the name's extension, which
    must agree when both are given; raises BadRequest naming what was wrong.
    """
    stem, from_suffix = name, None
    for suffix, model_format in _FORMAT_OF.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            stem, from_suffix = name.removesuffix(suffix), model_format
    try:
        validate_name(stem)
    except InvalidModelName as exc:
        raise BadRequest(str(exc)) from exc
    if format_header is None:
        return stem, from_suffix
    try:
        from_header = ModelFormat(format_header.strip().lower())
    except ValueError:
        choices = ", ".join(f.value for f in ModelFormat)
        raise BadRequest(
            f"X-Model-Format '{format_header}' is not a model format; expected one of: {choices}"
        ) from None
    if from_suffix is not None and from_suffix is not from_header:
        raise BadRequest(f"X-Model-Format says {from_header.value} but the name '{name}' says {from_suffix.value}")
    return stem, from_header


class ModelRepository:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[Path, tuple[tuple[int, int], ModelInfo]] = {}
        self._lock = threading.Lock()
        # Every change to the set of files (install, sidecar write, delete), whichever router makes
        # it, holds this lock so that an "exists?" check and the rename that follows stay together.
        self.install_lock = asyncio.Lock()

    def list(self) -> list[ModelInfo]:
        """Every model file; one that links outside the root is listed with `error` set, never read."""
        if not self.root.is_dir():
            return []
        files = sorted(p for p in self.root.iterdir() if p.suffix in SUFFIXES and p.is_file())
        return [self.list_one(p) for p in files]

    def names(self) -> list[str]:
        return [p.stem for p in sorted(self.root.glob("*")) if p.suffix in SUFFIXES]

    def find(self, name: str) -> Path | None:
        """The file holding model `name` (not yet confined), or None."""
        validate_name(name)
        for suffix in SUFFIXES:
            path = self.root / f"{name}{suffix}"
            if path.is_file():
                return path
        return None

    def path_of(self, name: str) -> Path:
        path = self.find(name)
        if path is None:
            known = ", ".join(self.names()) or "none"
            raise ModelNotFound(f"unknown model '{name}' in {self.root}; models: {known}")
        return self.confine(path)

    def confine(self, path: Path) -> Path:
        """`path` itself when it resolves inside the root; raises ModelOutsideRepository otherwise."""
        root = self.root.resolve()
        target = path.resolve()
        if not target.is_relative_to(root):
            raise ModelOutsideRepository(
                f"model file {path.name} links to {target}, outside the model repository {root}; refused"
            )
        return path

    def get(self, name: str) -> ModelInfo:
        return self._info(self.path_of(name))

    def install(self, temp: Path, name: str, model_format: ModelFormat, overwrite: bool) -> Path:
        """Rename a checked file (already inside the root) into place as model `name`; atomic."""
        target = self.root / f"{validate_name(name)}{_SUFFIX_OF[model_format]}"
        existing = self.find(name)
        if existing is not None and existing.suffix != target.suffix:
            raise ModelExists(f"model '{name}' exists as {existing.name}; delete it before uploading another format")
        if existing is not None and not overwrite:
            raise ModelExists(f"model '{name}' exists ({existing.name}); upload with overwrite=true to replace it")
        os.chmod(temp, 0o644)
        os.replace(temp, target)
        self.forget(target)
        return target

    def remove(self, name: str) -> ModelInfo:
        """Delete model `name` and its sidecar; a link is removed itself, never what it points to."""
        path = self.find(name)
        if path is None:
            raise ModelNotFound(f"unknown model '{name}' in {self.root}")
        info = self.list_one(path)
        path.unlink()
        path.with_suffix(".json").unlink(missing_ok=True)
        self.forget(path)
        return info

    def write_sidecar(self, name: str, text: str) -> ModelInfo:
        """Replace model `name`'s sidecar JSON atomically; returns the model as read with it."""
        path = self.path_of(name)
        temp = path.with_name(f".{path.stem}.json.part")
        temp.write_text(text)
        os.replace(temp, path.with_suffix(".json"))
        self.forget(path)
        return self._info(path)

    def list_one(self, path: Path) -> ModelInfo:
        try:
            return self._info(self.confine(path))
        except ModelOutsideRepository as exc:
            return _refused(path, str(exc))

    def forget(self, path: Path) -> None:
        """Drop the cached signature of a file that was replaced or deleted."""
        with self._lock:
            self._cache.pop(path, None)

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


def _refused(path: Path, reason: str) -> ModelInfo:
    model_format = ModelFormat.ONNX if path.suffix == ".onnx" else ModelFormat.TORCHSCRIPT
    return ModelInfo(
        name=path.stem, format=model_format, path=path.name, size_bytes=0, inputs=[], outputs=[], error=reason
    )
