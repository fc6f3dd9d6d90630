"""The demo models are deterministic and written once."""

from __future__ import annotations

import hashlib
import shutil

from mohawk_engine.repository.demo import DEMO_FILES, demo_models_present


def test_every_demo_file_is_present_and_a_missing_one_is_noticed(demo_repo, tmp_path):
    assert demo_models_present(demo_repo)
    copy = tmp_path / "models"
    shutil.copytree(demo_repo, copy)
    (copy / "mlp-large.onnx").unlink()
    assert not demo_models_present(copy)
    assert not demo_models_present(tmp_path / "empty")


def test_onnx_weights_are_deterministic(demo_repo, tmp_path):
    from mohawk_engine.repository.demo import TINY_LAYERS, mlp_onnx, mlp_weights

    again = mlp_onnx(mlp_weights(TINY_LAYERS, seed=0), "mlp-tiny").SerializeToString()
    assert hashlib.sha256(again).digest() == hashlib.sha256((demo_repo / "mlp-tiny.onnx").read_bytes()).digest()
    written = {p.name for p in demo_repo.iterdir() if not p.name.startswith(".")}  # engines keep .uploads/ there
    assert len(DEMO_FILES) == len(written)
