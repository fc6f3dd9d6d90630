"""Fixtures shared by the whole suite: demo models written once, real engine subprocesses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.engine_process import EngineProcess


@pytest.fixture(scope="session")
def demo_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mohawk_engine.repository.demo import write_demo_models

    root = tmp_path_factory.mktemp("models")
    write_demo_models(root)
    return root


@pytest.fixture
def model_repo(demo_repo: Path, tmp_path: Path) -> Path:
    """A private copy of the demo repository (hard links: cheap) that a test may change."""
    root = tmp_path / "models"
    shutil.copytree(demo_repo, root, copy_function=_link_or_copy)
    return root


def _link_or_copy(src: str, dst: str) -> None:
    try:
        Path(dst).hardlink_to(src)
    except OSError:
        shutil.copy2(src, dst)


@pytest.fixture
def engine_factory(tmp_path: Path):
    started: list[EngineProcess] = []

    def make(model_repo: Path, *extra_args: str, state_dir: Path | None = None) -> EngineProcess:
        process = EngineProcess(model_repo, state_dir or tmp_path / "state", *extra_args)
        started.append(process)
        return process

    yield make
    for process in started:
        process.kill()


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path):
    """One engine serving the demo repository for a whole test module."""
    process = EngineProcess(demo_repo, tmp_path_factory.mktemp("state"))
    process.start()
    yield process
    process.kill()
