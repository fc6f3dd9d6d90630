"""Model names resolve only inside the repository root: no paths, no links that lead out of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mohawk_engine.repository.repository import (
    InvalidModelName,
    ModelExists,
    ModelNotFound,
    ModelOutsideRepository,
    ModelRepository,
)
from mohawk_engine.schemas import ModelFormat


@pytest.fixture
def repo(demo_repo: Path, tmp_path: Path) -> ModelRepository:
    root = tmp_path / "models"
    root.mkdir()
    shutil.copy(demo_repo / "add-sub.onnx", root / "add-sub.onnx")
    return ModelRepository(root)


@pytest.fixture
def outside(demo_repo: Path, tmp_path: Path) -> Path:
    """A real model file that lies outside the repository."""
    path = tmp_path / "elsewhere" / "secret.onnx"
    path.parent.mkdir()
    shutil.copy(demo_repo / "add-sub.onnx", path)
    return path


@pytest.mark.parametrize("name", ["../add-sub", "/etc/passwd", "..", "a/b", "sub/../add-sub", ".hidden", "", "x" * 200])
def test_names_that_are_not_plain_stems_are_refused(repo, name):
    with pytest.raises(InvalidModelName, match="not a plain file name"):
        repo.path_of(name)


def test_a_link_out_of_the_root_is_marked_in_the_listing_and_refused_on_load(repo, outside):
    (repo.root / "leak.onnx").symlink_to(outside)
    (repo.root / "passwd.onnx").symlink_to("/etc/passwd")
    listed = {m.name: m for m in repo.list()}
    assert listed["add-sub"].error is None and listed["add-sub"].inputs
    for name in ("leak", "passwd"):
        assert "outside the model repository" in listed[name].error
        assert listed[name].inputs == [] and listed[name].size_bytes == 0
        with pytest.raises(ModelOutsideRepository, match=f"{name}.onnx links to .*; refused"):
            repo.get(name)


def test_a_link_that_stays_inside_the_root_works(repo):
    (repo.root / "alias.onnx").symlink_to(repo.root / "add-sub.onnx")
    assert repo.get("alias").outputs[0].name == "OUTPUT0"
    assert repo.path_of("alias") == repo.root / "alias.onnx"


def test_a_root_that_is_itself_a_link_still_serves_its_models(repo, tmp_path):
    linked = ModelRepository(tmp_path / "models-link")
    linked.root.symlink_to(repo.root)
    assert [m.name for m in linked.list()] == ["add-sub"]
    assert linked.get("add-sub").error is None


def test_a_dangling_link_is_skipped(repo):
    (repo.root / "gone.onnx").symlink_to(repo.root / "nothing-here.onnx")
    assert [m.name for m in repo.list()] == ["add-sub"]
    with pytest.raises(ModelNotFound):
        repo.path_of("gone")


def test_remove_takes_away_the_link_not_its_target(repo, outside):
    (repo.root / "leak.onnx").symlink_to(outside)
    removed = repo.remove("leak")
    assert removed.error is not None
    assert not (repo.root / "leak.onnx").is_symlink() and outside.is_file()


def test_install_refuses_another_format_under_the_same_name(repo, tmp_path):
    temp = repo.root / ".upload-x.part"
    temp.write_bytes(b"PK")
    with pytest.raises(ModelExists, match="exists as add-sub.onnx"):
        repo.install(temp, "add-sub", ModelFormat.TORCHSCRIPT, overwrite=True)
    with pytest.raises(ModelExists, match="overwrite=true"):
        repo.install(temp, "add-sub", ModelFormat.ONNX, overwrite=False)
    assert temp.exists()
