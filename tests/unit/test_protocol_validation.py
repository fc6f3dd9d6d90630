"""Decoded tensors checked against a model's signature."""

from __future__ import annotations

import numpy as np
import pytest

from mohawk_engine.protocol.codec import ProtocolError, RequestedOutput, Tensor
from mohawk_engine.protocol.validation import select_outputs, validate_inputs
from mohawk_engine.schemas import TensorSpec

MLP = [TensorSpec(name="input", datatype="FP32", shape=[-1, 512])]
TWO = [
    TensorSpec(name="a", datatype="INT64", shape=[-1, 3]),
    TensorSpec(name="b", datatype="FP32", shape=[-1, -1, 2]),
]
OUTPUTS = [
    TensorSpec(name="logits", datatype="FP32", shape=[-1, 10]),
    TensorSpec(name="probs", datatype="FP32", shape=[-1, 10]),
    TensorSpec(name="label", datatype="BYTES", shape=[-1]),
]


def make(name: str, datatype: str, shape: list[int], data: np.ndarray | None = None) -> Tensor:
    if data is None:
        data = np.zeros(shape, dtype=np.float32 if datatype == "FP32" else np.int64)
    return Tensor(name, datatype, shape, data)


def test_valid_single_input_is_returned_by_name():
    x = np.arange(1024, dtype=np.float32).reshape(2, 512)
    arrays = validate_inputs([make("input", "FP32", [2, 512], x)], MLP, True, "mlp-tiny")
    assert list(arrays) == ["input"]
    np.testing.assert_array_equal(arrays["input"], x)
    assert arrays["input"].dtype == np.float32


def test_returns_c_contiguous_arrays_of_the_given_shape_in_spec_order():
    a = np.arange(6, dtype=np.int64).reshape(3, 2).T  # (2, 3), Fortran-ordered view
    b = np.zeros(8, dtype=np.float32)  # flat data, shape given separately
    arrays = validate_inputs([make("b", "FP32", [2, 2, 2], b), make("a", "INT64", [2, 3], a)], TWO, True, "two")
    assert list(arrays) == ["a", "b"]
    assert arrays["a"].flags.c_contiguous and arrays["b"].flags.c_contiguous
    assert arrays["b"].shape == (2, 2, 2)
    np.testing.assert_array_equal(arrays["a"], a)


def test_data_is_coerced_to_the_spec_dtype():
    spec = [TensorSpec(name="x", datatype="FP16", shape=[2])]
    arrays = validate_inputs([Tensor("x", "FP16", [2], np.array([1.5, 2.0]))], spec, False, "m")
    assert arrays["x"].dtype == np.float16
    assert arrays["x"].tolist() == [1.5, 2.0]


def test_bf16_and_bytes_keep_their_carrier_dtypes():
    specs = [TensorSpec(name="f", datatype="BF16", shape=[-1]), TensorSpec(name="s", datatype="BYTES", shape=[-1])]
    inputs = [
        Tensor("f", "BF16", [2], np.array([0x3F80, 0x4000], dtype=np.uint16)),
        Tensor("s", "BYTES", [2], np.array([b"a", b"bc"], dtype=object)),
    ]
    arrays = validate_inputs(inputs, specs, True, "m")
    assert arrays["f"].dtype == np.uint16 and arrays["f"].tolist() == [0x3F80, 0x4000]
    assert arrays["s"].dtype == object and arrays["s"].tolist() == [b"a", b"bc"]


def test_unknown_input_names_the_expected_ones():
    with pytest.raises(ProtocolError) as info:
        validate_inputs([make("inp", "FP32", [1, 512])], MLP, True, "mlp-tiny")
    assert str(info.value) == "model 'mlp-tiny' has no input 'inp'; it expects input(s) 'input'"


def test_missing_input_is_named():
    with pytest.raises(ProtocolError) as info:
        validate_inputs([make("a", "INT64", [1, 3])], TWO, True, "two")
    assert str(info.value) == "model 'two' expects input(s) 'a', 'b'; missing 'b'"


def test_duplicate_input_is_rejected():
    x = make("input", "FP32", [1, 512])
    with pytest.raises(ProtocolError, match="'input' appears more than once"):
        validate_inputs([x, x], MLP, True, "mlp-tiny")


def test_wrong_datatype_names_both():
    tensor = make("input", "INT32", [1, 512], np.zeros((1, 512), np.int32))
    with pytest.raises(ProtocolError) as info:
        validate_inputs([tensor], MLP, True, "mlp-tiny")
    assert str(info.value) == "input 'input' of model 'mlp-tiny' is FP32, got INT32"


@pytest.mark.parametrize("shape", [[2, 500], [1, 3], [512], [1, 512, 1]])
def test_wrong_shape_names_expected_and_given(shape):
    with pytest.raises(ProtocolError) as info:
        validate_inputs([make("input", "FP32", shape)], MLP, True, "mlp-tiny")
    assert str(info.value) == f"input 'input' expects shape [-1, 512], got {shape}"


def test_zero_batch_is_rejected_for_batchable_models():
    with pytest.raises(ProtocolError, match="batch size 0; expected dimension 0 to be at least 1"):
        validate_inputs([make("input", "FP32", [0, 512])], MLP, True, "mlp-tiny")


def test_zero_leading_dim_is_allowed_when_not_batchable():
    arrays = validate_inputs([make("input", "FP32", [0, 512])], MLP, False, "mlp-tiny")
    assert arrays["input"].shape == (0, 512)


def test_batchable_inputs_must_share_the_batch_size():
    inputs = [make("a", "INT64", [2, 3]), make("b", "FP32", [3, 4, 2])]
    with pytest.raises(ProtocolError) as info:
        validate_inputs(inputs, TWO, True, "two")
    assert "must share one batch size" in str(info.value)
    assert "'a': 2, 'b': 3" in str(info.value)


def test_differing_leading_dims_are_fine_when_not_batchable():
    arrays = validate_inputs([make("a", "INT64", [2, 3]), make("b", "FP32", [3, 4, 2])], TWO, False, "two")
    assert arrays["a"].shape == (2, 3) and arrays["b"].shape == (3, 4, 2)


def test_data_that_does_not_fill_the_shape_is_rejected():
    tensor = Tensor("input", "FP32", [2, 512], np.zeros(512, np.float32))
    with pytest.raises(ProtocolError, match=r"shape \[2, 512\] holds 1024 elements but data has 512"):
        validate_inputs([tensor], MLP, True, "mlp-tiny")


def test_select_outputs_defaults_to_all_in_spec_order():
    assert select_outputs(None, OUTPUTS, "m") == ["logits", "probs", "label"]
    assert select_outputs([], OUTPUTS, "m") == ["logits", "probs", "label"]


def test_select_outputs_keeps_request_order():
    requested = [RequestedOutput("label", True), RequestedOutput("logits", None)]
    assert select_outputs(requested, OUTPUTS, "m") == ["label", "logits"]


def test_select_outputs_rejects_unknown_naming_available():
    with pytest.raises(ProtocolError) as info:
        select_outputs([RequestedOutput("scores", None)], OUTPUTS, "m")
    assert str(info.value) == "model 'm' has no output 'scores'; available outputs: 'logits', 'probs', 'label'"


def test_select_outputs_rejects_duplicates():
    with pytest.raises(ProtocolError, match="'probs' is requested more than once"):
        select_outputs([RequestedOutput("probs", None), RequestedOutput("probs", True)], OUTPUTS, "m")
