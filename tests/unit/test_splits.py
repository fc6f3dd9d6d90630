"""Pipeline stages computed from real ONNX graphs and TorchScript modules equal the whole model."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from mohawk_engine.runtime.onnx_graph import cut_candidates, stage_models
from mohawk_engine.runtime.onnx_runner import OnnxRunner
from mohawk_engine.runtime.torch_runner import stage_runners, whole_module_runner


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(7).standard_normal((5, 512), dtype=np.float32)


def test_onnx_cut_candidates_follow_the_chain(demo_repo):
    cuts = cut_candidates(onnx.load(str(demo_repo / "mlp-tiny.onnx")))
    names = [name for name, _ in cuts]
    assert names == ["fc0.matmul", "fc0.out", "relu0", "fc1.matmul", "fc1.out", "relu1", "fc2.matmul"]
    before = [b for _, b in cuts]
    assert before == sorted(before) and before[0] == 512 * 1024 * 4


@pytest.mark.parametrize("cuts", [["relu0"], ["fc0.out", "relu1"], ["fc0.matmul", "relu0", "fc1.out"]])
def test_onnx_stages_equal_the_whole_graph(demo_repo, x, cuts):
    model = onnx.load(str(demo_repo / "mlp-tiny.onnx"))
    expected = ort.InferenceSession(str(demo_repo / "mlp-tiny.onnx")).run(None, {"input": x})[0]
    tensors = {"input": x}
    stages = stage_models(model, cuts)
    assert len(stages) == len(cuts) + 1
    for stage in stages:
        tensors = OnnxRunner(stage.SerializeToString(), "cpu", 1).run(tensors)
    np.testing.assert_allclose(tensors["output"], expected, rtol=1e-5, atol=1e-5)


def test_torchscript_stages_equal_the_whole_module(demo_repo, x):
    path = str(demo_repo / "mlp-tiny-ts.pt")
    whole = whole_module_runner(path, "cpu", ["input"], ["output"], 1).run({"input": x})["output"]
    tensors = {"input": x}
    for stage in stage_runners(path, ["cpu", "cpu", "cpu"], [1, 3], ["input"], ["output"], 1):
        tensors = stage.run(tensors)
    np.testing.assert_allclose(tensors["output"], whole, rtol=1e-6, atol=1e-6)
    onnx_out = ort.InferenceSession(str(demo_repo / "mlp-tiny.onnx")).run(None, {"input": x})[0]
    np.testing.assert_allclose(whole, onnx_out, rtol=1e-4, atol=1e-4)
