"""Saved load-test runs: one JSON file each in the console's data dir, listed newest first."""

from __future__ import annotations

import logging
import os
import re
import uuid
from pathlib import Path

from pydantic import BaseModel, ValidationError

from mohawk_bench.results import LoadResult
from mohawk_gui.services.bundled_engine import default_data_dir

log = logging.getLogger(__name__)

_RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{8}$")


class SavedRun(BaseModel):
    """A finished run as the console keeps it: the worker's name (the spec only knows the URL) and the result."""

    id: str
    worker: str
    result: LoadResult

    @property
    def session(self) -> str:
        return self.result.spec.model


def default_runs_dir() -> Path:
    return default_data_dir() / "benchmarks"


class RunStore:
    """`save`, `list`, `load`, `delete`; a file that does not parse is skipped (and logged), never fatal."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root else default_runs_dir()

    def save(self, worker: str, result: LoadResult) -> SavedRun:
        """Written atomically (a temporary file renamed), so a crash never leaves half a run."""
        run = SavedRun(id=f"{result.started_at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}", worker=worker, result=result)
        self.root.mkdir(parents=True, exist_ok=True)
        target = self._path(run.id)
        temporary = target.with_suffix(".tmp")
        temporary.write_text(run.model_dump_json(indent=2) + "\n")
        os.replace(temporary, target)
        return run

    def list(self) -> list[SavedRun]:
        """Every readable run, newest (by start time) first."""
        if not self.root.is_dir():
            return []
        runs = []
        for path in self.root.glob("*.json"):
            try:
                runs.append(SavedRun.model_validate_json(path.read_text()))
            except (OSError, ValidationError) as exc:
                log.warning("skipping unreadable saved run %s: %s", path, str(exc).splitlines()[0])
        return sorted(runs, key=lambda run: (run.result.started_at, run.id), reverse=True)

    def load(self, run_id: str) -> SavedRun:
        """The run with this id; KeyError when there is none."""
        path = self._path(run_id)
        if not path.is_file():
            raise KeyError(f"no saved run {run_id!r} in {self.root}")
        return SavedRun.model_validate_json(path.read_text())

    def delete(self, run_id: str) -> None:
        """Remove the run's file; KeyError when there is none."""
        path = self._path(run_id)
        if not path.is_file():
            raise KeyError(f"no saved run {run_id!r} in {self.root}")
        path.unlink()

    def _path(self, run_id: str) -> Path:
        if not _RUN_ID.match(run_id):
            raise KeyError(f"{run_id!r} is not a run id (expected YYYYMMDD-HHMMSS-xxxxxxxx)")
        return self.root / f"{run_id}.json"
