"""The v2 infer body codec and its datatypes: JSON, binary tensor data, errors, Triton's client."""

from __future__ import annotations

import json
import struct

import ml_dtypes
import numpy as np
import pytest
import tritonclient.http as httpclient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mohawk_engine.protocol.codec import (
    InferRequest,
    ProtocolError,
    RequestedOutput,
    Tensor,
    decode_infer_request,
    encode_infer_response,
    error_body,
)
from mohawk_engine.protocol.datatypes import (
    DATATYPES,
    bf16_to_fp32,
    element_size,
    fp32_to_bf16,
    numpy_dtype,
    v2_datatype,
)

NUMERIC = ["UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64"]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def request(*inputs: dict, **extra) -> bytes:
    return json.dumps({"inputs": list(inputs), **extra}).encode()


def tensor(name="x", datatype="FP32", shape=(2,), data=(1.0, 2.0), **extra) -> dict:
    return {"name": name, "datatype": datatype, "shape": list(shape), "data": list(data), **extra}


def binary_request(*items: tuple[dict, bytes], **extra) -> tuple[bytes, int]:
    header = json.dumps({"inputs": [head for head, _ in items], **extra}).encode()
    return header + b"".join(blob for _, blob in items), len(header)


def binary_input(name: str, datatype: str, shape: list[int], blob: bytes) -> tuple[dict, bytes]:
    head = {"name": name, "datatype": datatype, "shape": shape, "parameters": {"binary_data_size": len(blob)}}
    return head, blob


def length_prefixed(*items: bytes) -> bytes:
    return b"".join(struct.pack("<I", len(item)) + item for item in items)


def triton_input(name: str, array: np.ndarray, datatype: str, binary: bool) -> httpclient.InferInput:
    inp = httpclient.InferInput(name, list(array.shape), datatype)
    inp.set_data_from_numpy(array, binary_data=binary)
    return inp


# datatypes


def test_numpy_dtype_covers_every_v2_datatype():
    expected = {
        "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
        "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64, "FP16": np.float16,
        "FP32": np.float32, "FP64": np.float64, "BF16": np.uint16, "BYTES": np.object_,
    }  # fmt: skip
    assert set(DATATYPES) == set(expected)
    for name, dtype in expected.items():
        assert numpy_dtype(name) == np.dtype(dtype), name


@pytest.mark.parametrize("bad", ["FLOAT32", "fp32", "", None, 7])
def test_numpy_dtype_rejects_unknown_naming_the_allowed_ones(bad):
    with pytest.raises(ValueError, match="BOOL.*FP32.*BYTES"):
        numpy_dtype(bad)


def test_v2_datatype_inverts_numpy_dtype():
    for name in DATATYPES:
        if name not in ("BF16", "BYTES"):
            assert v2_datatype(numpy_dtype(name)) == name
    assert v2_datatype(np.dtype(object)) == "BYTES"
    assert v2_datatype(np.array([b"ab"]).dtype) == "BYTES"
    assert v2_datatype(np.dtype(">f4")) == "FP32"
    assert v2_datatype(np.float64) == "FP64"
    with pytest.raises(ValueError, match="complex"):
        v2_datatype(np.complex64)


def test_element_size():
    assert element_size("BOOL") == 1
    assert element_size("BF16") == 2
    assert element_size("FP16") == 2
    assert element_size("INT32") == 4
    assert element_size("UINT64") == 8
    assert element_size("BYTES") is None
    with pytest.raises(ValueError):
        element_size("STRING")


def test_bf16_conversion_rounds_to_nearest_even():
    values = struct.unpack(
        "<6f", struct.pack("<6I", 0x3F808000, 0x3F818000, 0x3F808001, 0x3F807FFF, 0x7F7FFFFF, 0xFF800000)
    )
    bits = fp32_to_bf16(np.array(values, dtype=np.float32))
    assert bits.dtype == np.uint16
    assert bits.tolist() == [0x3F80, 0x3F82, 0x3F81, 0x3F80, 0x7F80, 0xFF80]


def test_bf16_nan_stays_nan_and_shape_is_kept():
    values = np.array([[np.nan, -np.nan], [1.0, -2.5]], dtype=np.float32)
    back = bf16_to_fp32(fp32_to_bf16(values))
    assert back.shape == (2, 2) and back.dtype == np.float32
    assert np.isnan(back[0]).all()
    assert back[1].tolist() == [1.0, -2.5]


@FUZZ
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=64))
def test_bf16_matches_ml_dtypes(words):
    values = np.array(words, dtype=np.uint32).view(np.float32)
    ours = bf16_to_fp32(fp32_to_bf16(values))
    with np.errstate(invalid="ignore"):  # ml_dtypes warns when it casts NaN words; the result is still NaN
        theirs = values.astype(ml_dtypes.bfloat16).astype(np.float32)
    np.testing.assert_array_equal(ours, theirs)


# JSON decode


def test_decodes_flat_json_request():
    decoded = decode_infer_request(request(tensor(shape=[2, 2], data=[1, 2.5, 3, 4])), None)
    assert isinstance(decoded, InferRequest)
    (x,) = decoded.inputs
    assert (x.name, x.datatype, list(x.shape)) == ("x", "FP32", [2, 2])
    assert x.data.dtype == np.float32 and x.data.shape == (2, 2)
    assert x.data.tolist() == [[1.0, 2.5], [3.0, 4.0]]
    assert decoded.id is None and decoded.outputs is None and decoded.timeout_us is None
    assert decoded.binary_output_default is False and decoded.parameters == {}


def test_decodes_nested_json_data_row_major():
    body = request(tensor(datatype="INT64", shape=[2, 3], data=[[1, 2, 3], [4, 5, 6]]))
    (x,) = decode_infer_request(body, None).inputs
    assert x.data.dtype == np.int64
    assert x.data.tolist() == [[1, 2, 3], [4, 5, 6]]


def test_nested_data_may_differ_from_shape_when_count_matches():
    body = request(tensor(datatype="INT32", shape=[3, 2], data=[[1, 2, 3], [4, 5, 6]]))
    (x,) = decode_infer_request(body, None).inputs
    assert x.data.tolist() == [[1, 2], [3, 4], [5, 6]]


@pytest.mark.parametrize("datatype", NUMERIC)
def test_decodes_every_numeric_datatype_from_json(datatype):
    (x,) = decode_infer_request(request(tensor(datatype=datatype, shape=[3], data=[0, 1, 7])), None).inputs
    assert x.data.dtype == numpy_dtype(datatype)
    assert x.data.tolist() == [0, 1, 7]
    assert x.data.flags.writeable and x.data.flags.c_contiguous


def test_decodes_extreme_integers_and_floats():
    body = request(
        tensor("u", "UINT64", [2], [2**64 - 1, 0]),
        tensor("i", "INT64", [2], [-(2**63), 2**63 - 1]),
        tensor("h", "FP16", [2], [1e10, -0.5]),
    )
    u, i, h = decode_infer_request(body, None).inputs
    assert u.data.dtype == np.uint64 and u.data.tolist() == [2**64 - 1, 0]
    assert i.data.tolist() == [-(2**63), 2**63 - 1]
    assert h.data.tolist() == [float("inf"), -0.5]


def test_decodes_bool_bytes_and_bf16_from_json():
    body = request(
        tensor("b", "BOOL", [2], [True, False]),
        tensor("s", "BYTES", [2, 2], [["a", "héllo"], ["", "z"]]),
        tensor("f", "BF16", [3], [1.0, 1.00390625, -3.5]),
    )
    b, s, f = decode_infer_request(body, None).inputs
    assert b.data.dtype == np.bool_ and b.data.tolist() == [True, False]
    assert s.data.dtype == object and s.data.shape == (2, 2)
    assert s.data.tolist() == [[b"a", "héllo".encode()], [b"", b"z"]]
    assert f.data.dtype == np.uint16
    assert f.data.tolist() == [0x3F80, 0x3F80, 0xC060]


def test_decodes_empty_tensor_and_scalar():
    body = request(tensor("e", "INT32", [0, 4], []), tensor("s", "FP64", [], [2.5]))
    e, s = decode_infer_request(body, None).inputs
    assert e.data.shape == (0, 4) and e.data.dtype == np.int32
    assert s.data.shape == () and float(s.data) == 2.5


def test_decodes_request_level_fields():
    body = request(
        tensor(),
        id="req-1",
        outputs=[{"name": "a", "parameters": {"binary_data": True}}, {"name": "b"}],
        parameters={"binary_data_output": True, "timeout": 2500, "priority": 3},
    )
    decoded = decode_infer_request(body, None)
    assert decoded.id == "req-1"
    assert decoded.outputs == [RequestedOutput("a", True), RequestedOutput("b", None)]
    assert decoded.binary_output_default is True
    assert decoded.timeout_us == 2500
    assert decoded.parameters["priority"] == 3


def test_empty_outputs_list_is_kept_and_empty_id_is_none():
    decoded = decode_infer_request(request(tensor(), id="", outputs=[]), None)
    assert decoded.outputs == []
    assert decoded.id is None


# binary decode


def test_decodes_binary_fp32():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    body, length = binary_request(binary_input("x", "FP32", [2, 3], array.tobytes()))
    (x,) = decode_infer_request(body, length).inputs
    np.testing.assert_array_equal(x.data, array)
    assert x.data.dtype == np.float32 and x.data.flags.writeable


def test_decodes_binary_and_json_inputs_mixed_in_order():
    a = np.array([1, -2, 3], dtype=np.int16)
    c = np.array([[0.5, 1.5]], dtype=np.float64)
    header = {
        "inputs": [
            binary_input("a", "INT16", [3], a.tobytes())[0],
            tensor("b", "UINT8", [2], [9, 8]),
            binary_input("c", "FP64", [1, 2], c.tobytes())[0],
        ]
    }
    head = json.dumps(header).encode()
    a_, b_, c_ = decode_infer_request(head + a.tobytes() + c.tobytes(), len(head)).inputs
    assert a_.data.tolist() == [1, -2, 3]
    assert b_.data.tolist() == [9, 8]
    np.testing.assert_array_equal(c_.data, c)


def test_decodes_binary_bytes_bf16_and_bool():
    bf16 = np.array([0x3F80, 0xC060, 0x7FC0], dtype="<u2")
    body, length = binary_request(
        binary_input("s", "BYTES", [3], length_prefixed(b"ab", b"", b"\xff\x00")),
        binary_input("f", "BF16", [3], bf16.tobytes()),
        binary_input("b", "BOOL", [3], b"\x00\x01\x02"),
    )
    s, f, b = decode_infer_request(body, length).inputs
    assert s.data.tolist() == [b"ab", b"", b"\xff\x00"]
    assert f.data.dtype == np.uint16 and f.data.tolist() == [0x3F80, 0xC060, 0x7FC0]
    assert b.data.dtype == np.bool_ and b.data.tolist() == [False, True, True]


def test_header_length_equal_to_body_with_json_data_is_accepted():
    body = request(tensor())
    (x,) = decode_infer_request(body, len(body)).inputs
    assert x.data.tolist() == [1.0, 2.0]


def test_zero_size_binary_input():
    body, length = binary_request(binary_input("x", "FP32", [0, 3], b""))
    (x,) = decode_infer_request(body, length).inputs
    assert x.data.shape == (0, 3)


# errors

ERRORS = {
    "malformed json": (b"{not json", None, "invalid JSON in request body"),
    "invalid utf-8": (b"\xff\xfe{", None, "invalid JSON"),
    "not an object": (b"[1, 2]", None, "must be a JSON object, got a list"),
    "no inputs": (b"{}", None, "request has no 'inputs'"),
    "inputs not a list": (b'{"inputs": {}}', None, "'inputs' must be a list"),
    "empty inputs": (b'{"inputs": []}', None, "'inputs' is empty"),
    "input not object": (request(5), None, "input 0 must be a JSON object"),
    "no name": (request({"datatype": "FP32", "shape": [1], "data": [1]}), None, "input 0 has no 'name'"),
    "bad datatype": (request(tensor(datatype="FLOAT")), None, "input 'x' has datatype \"FLOAT\"; expected one of"),
    "shape not list": (request(tensor(shape=[2]) | {"shape": 2}), None, "expected a list of non-negative integers"),
    "negative dim": (request(tensor(shape=[-1, 2])), None, "expected a list of non-negative integers"),
    "float dim": (request(tensor() | {"shape": [2.0]}), None, "non-negative integers"),
    "bool dim": (request(tensor() | {"shape": [True, 2]}), None, "non-negative integers"),
    "count mismatch": (
        request(tensor("input", shape=[2, 512], data=[0.0] * 1000)),
        None,
        "input 'input': shape [2, 512] holds 1024 elements but data has 1000",
    ),
    "nested count mismatch": (request(tensor(shape=[3], data=[[1.0], [2.0]])), None, "holds 3 elements but data has 2"),
    "ragged data": (request(tensor(shape=[3], data=[[1.0, 2.0], [3.0]])), None, "evenly nested"),
    "data not list": (request(tensor() | {"data": 1.0}), None, "data must be a list, got a number"),
    "no data": (request({"name": "x", "datatype": "FP32", "shape": [1]}), None, "neither 'data' nor"),
    "strings for FP32": (request(tensor(data=["1", "2"])), None, "FP32 but its data holds strings"),
    "null in data": (request(tensor(data=[1.0, None])), None, "expected numbers"),
    "bools for INT32": (request(tensor(datatype="INT32", data=[True, False])), None, "holds booleans"),
    "floats for INT32": (request(tensor(datatype="INT32", data=[1.5, 2])), None, "not integers; expected integers"),
    "out of range": (request(tensor(datatype="UINT8", data=[1, 256])), None, "outside [0, 255]"),
    "negative unsigned": (request(tensor(datatype="UINT32", data=[-1, 0])), None, "outside [0, 4294967295]"),
    "huge integer": (request(tensor(datatype="INT64", data=[2**70, 1])), None, "outside [-9223372036854775808, 9223"),
    "null for INT32": (request(tensor(datatype="INT32", data=[1, None])), None, "values that are not integers"),
    "numbers for BOOL": (request(tensor(datatype="BOOL", data=[1, 0])), None, "expected true or false"),
    "numbers for BYTES": (request(tensor(datatype="BYTES", data=["a", 1])), None, "holds a number; expected strings"),
    "lone surrogate": (b'{"inputs":[{"name":"s","datatype":"BYTES","shape":[1],"data":["\\ud800"]}]}', None, "Unicode"),
    "duplicate input": (request(tensor(), tensor()), None, "input 'x' appears more than once"),
    "too many dims": (request(tensor(shape=[1] * 40, data=[1.0])), None, "cannot be held"),
    "parameters not object": (request(tensor(), parameters=[1]), None, "request 'parameters' must be a JSON object"),
    "input parameters": (request(tensor() | {"parameters": "x"}), None, "input 'x' 'parameters' must be"),
    "binary flag not bool": (request(tensor(), parameters={"binary_data_output": 1}), None, "must be true or false"),
    "negative timeout": (request(tensor(), parameters={"timeout": -1}), None, "'timeout' must be a non-negative"),
    "float timeout": (request(tensor(), parameters={"timeout": 1.5}), None, "'timeout' must be a non-negative"),
    "id not string": (request(tensor(), id=5), None, "'id' must be a string"),
    "outputs not list": (request(tensor(), outputs={"name": "y"}), None, "'outputs' must be a list"),
    "output not object": (request(tensor(), outputs=["y"]), None, "output 0 must be a JSON object"),
    "output without name": (request(tensor(), outputs=[{}]), None, "output 0 has no 'name'"),
    "duplicate output": (request(tensor(), outputs=[{"name": "y"}, {"name": "y"}]), None, "more than once"),
    "output binary flag": (
        request(tensor(), outputs=[{"name": "y", "parameters": {"binary_data": "yes"}}]),
        None,
        "output 'y' parameter 'binary_data' must be true or false",
    ),
    "classification": (
        request(tensor(), outputs=[{"name": "y", "parameters": {"classification": 3}}]),
        None,
        "classification",
    ),
    "shared memory": (
        request(tensor() | {"parameters": {"shared_memory_region": "r"}}),
        None,
        "shared memory",
    ),
    "binary without header": (
        request({"name": "x", "datatype": "FP32", "shape": [1], "parameters": {"binary_data_size": 4}}),
        None,
        "no Inference-Header-Content-Length",
    ),
    "both data and binary": (
        binary_request((tensor(shape=[1], data=[1.0]) | {"parameters": {"binary_data_size": 4}}, b"\0" * 4)),
        "header",
        "both 'data' and binary_data_size",
    ),
    "negative binary size": (
        binary_request(({"name": "x", "datatype": "FP32", "shape": [1], "parameters": {"binary_data_size": -4}}, b"")),
        "header",
        "binary_data_size -4; expected a non-negative integer",
    ),
    "binary size mismatch": (
        binary_request(({"name": "x", "datatype": "FP32", "shape": [1, 512], "parameters": {"binary_data_size": 100}},
                        b"\0" * 2048)),
        "header",
        "binary_data_size 100 but shape [1, 512] of FP32 needs 2048 bytes",
    ),  # fmt: skip
    "truncated binary": (
        (lambda b, n: (b[:-100], n))(*binary_request(binary_input("x", "FP32", [2, 512], b"\0" * 4096))),
        "header",
        "only 3996 bytes of binary data remain",
    ),
    "extra binary bytes": (
        (lambda b, n: (b + b"junk", n))(*binary_request(binary_input("x", "FP32", [2], b"\0" * 8))),
        "header",
        "binary_data_size parameters add up to 8",
    ),
    "bytes element overruns": (
        binary_request(binary_input("s", "BYTES", [1], struct.pack("<I", 10) + b"abc")),
        "header",
        "too short for 1 BYTES elements",
    ),
    "bytes too few elements": (
        binary_request(binary_input("s", "BYTES", [3], length_prefixed(b"a", b"b"))),
        "header",
        "too short for 3 BYTES elements",
    ),
    "bytes trailing": (
        binary_request(binary_input("s", "BYTES", [1], length_prefixed(b"a") + b"xy")),
        "header",
        "its 1 BYTES elements take 5 bytes",
    ),
    "bytes huge count": (
        binary_request(binary_input("s", "BYTES", [10**12], length_prefixed(b"a"))),
        "header",
        "too short",
    ),
}


@pytest.mark.parametrize("case", ERRORS)
def test_bad_requests_raise_protocol_error(case):
    body, header_length, message = ERRORS[case]
    if header_length == "header":
        body, header_length = body
    with pytest.raises(ProtocolError) as info:
        decode_infer_request(body, header_length)
    assert message in str(info.value)


@pytest.mark.parametrize("header_length", [-1, 10_000])
def test_header_length_outside_body_is_rejected(header_length):
    with pytest.raises(ProtocolError, match="Inference-Header-Content-Length is"):
        decode_infer_request(request(tensor()), header_length)


def test_protocol_error_is_a_value_error():
    assert issubclass(ProtocolError, ValueError)


# fuzzing: only ProtocolError ever comes out

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
)
dims = st.lists(st.integers(0, 4) | st.just(-1) | st.just(2**40), max_size=3)
datatypes = st.sampled_from([*DATATYPES, "FLOAT", ""])
data_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=4),
    lambda children: st.lists(children, max_size=6),
    max_leaves=24,
)


@st.composite
def near_valid_requests(draw) -> tuple[bytes, int | None]:
    inputs = []
    blobs = []
    for _ in range(draw(st.integers(0, 3))):
        item = {"name": draw(st.sampled_from(["a", "b", "c", ""])), "datatype": draw(datatypes), "shape": draw(dims)}
        if draw(st.booleans()):
            item["data"] = draw(data_values)
        if draw(st.booleans()):
            blob = draw(st.binary(max_size=40))
            blobs.append(blob)
            size = draw(st.sampled_from([len(blob), len(blob) + 1, 0, -1]))
            item["parameters"] = {"binary_data_size": size}
        inputs.append(item)
    document = {"inputs": inputs, "parameters": draw(st.dictionaries(st.sampled_from(["timeout", "binary_data_output"]),
                                                                          json_values, max_size=2))}  # fmt: skip
    if draw(st.booleans()):
        document["outputs"] = draw(json_values)
    header = json.dumps(document).encode()
    body = header + b"".join(blobs)
    header_length = draw(st.sampled_from([len(header), None, len(header) - 1, len(body) + 1]))
    return body, header_length


def decode_or_protocol_error(body: bytes, header_length: int | None) -> None:
    try:
        decoded = decode_infer_request(body, header_length)
    except ProtocolError as exc:
        assert str(exc)
        return
    assert decoded.inputs
    for item in decoded.inputs:
        assert isinstance(item.data, np.ndarray)
        assert list(item.data.shape) == list(item.shape)
        assert item.data.dtype == numpy_dtype(item.datatype)


@FUZZ
@given(st.binary(max_size=200), st.none() | st.integers(-3, 250))
def test_fuzz_arbitrary_bytes(body, header_length):
    decode_or_protocol_error(body, header_length)


@FUZZ
@given(json_values)
def test_fuzz_arbitrary_json_documents(document):
    decode_or_protocol_error(json.dumps(document).encode(), None)


@FUZZ
@given(st.lists(json_values, min_size=1, max_size=3), json_values)
def test_fuzz_arbitrary_json_inputs(inputs, outputs):
    decode_or_protocol_error(json.dumps({"inputs": inputs, "outputs": outputs}).encode(), None)


@FUZZ
@given(near_valid_requests())
def test_fuzz_near_valid_requests(case):
    decode_or_protocol_error(*case)


def test_deeply_nested_json_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="JSON|evenly nested|cannot be held"):
        decode_infer_request(b'{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1], "data": '
                             + b"[" * 100_000 + b"]" * 100_000 + b"}]}", None)  # fmt: skip


# encode


def test_encodes_json_response():
    out = Tensor("y", "FP32", (2, 2), np.array([[1.0, 2.5], [3.0, 4.0]], dtype=np.float32))
    body, length = encode_infer_response("m", "1", "r-1", [out], set())
    assert length is None
    assert json.loads(body) == {
        "model_name": "m",
        "model_version": "1",
        "id": "r-1",
        "outputs": [{"name": "y", "datatype": "FP32", "shape": [2, 2], "data": [1.0, 2.5, 3.0, 4.0]}],
    }


def test_encodes_binary_response_with_header_length():
    a = np.arange(4, dtype=np.int32).reshape(2, 2)
    b = np.array([True, False])
    outputs = [Tensor("a", "INT32", a.shape, a), Tensor("b", "BOOL", b.shape, b)]
    body, length = encode_infer_response("m", "2", None, outputs, {"a"})
    header = json.loads(body[:length])
    assert "id" not in header
    assert header["outputs"][0] == {
        "name": "a",
        "datatype": "INT32",
        "shape": [2, 2],
        "parameters": {"binary_data_size": 16},
    }
    assert header["outputs"][1]["data"] == [True, False]
    assert body[length:] == a.tobytes()


def test_encode_casts_data_to_the_declared_datatype():
    out = Tensor("y", "FP32", (2,), np.array([0.1, 2.0], dtype=np.float64))
    body, length = encode_infer_response("m", "1", None, [out], {"y"})
    assert np.frombuffer(body[length:], np.float32).tolist() == [np.float32(0.1), 2.0]


def test_bf16_output_is_floats_in_json_and_raw_in_binary():
    bits = np.array([0x3F80, 0xC060], dtype=np.uint16)
    out = Tensor("y", "BF16", (2,), bits)
    body, _ = encode_infer_response("m", "1", None, [out], set())
    assert json.loads(body)["outputs"][0]["data"] == [1.0, -3.5]
    body, length = encode_infer_response("m", "1", None, [out], {"y"})
    assert body[length:] == bits.astype("<u2").tobytes()


def test_non_utf8_bytes_output_falls_back_to_binary():
    out = Tensor("s", "BYTES", (2,), np.array([b"ok", b"\xff"], dtype=object))
    body, length = encode_infer_response("m", "1", None, [out], set())
    assert length is not None
    assert json.loads(body[:length])["outputs"][0]["parameters"] == {"binary_data_size": 11}
    assert body[length:] == length_prefixed(b"ok", b"\xff")


def test_error_body():
    assert error_body('bad "thing"') == b'{"error": "bad \\"thing\\""}'
    assert json.loads(error_body("x"))["error"] == "x"


# Triton's client on both ends

TRITON_INPUTS = [
    ("FP32", np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)),
    ("INT64", np.arange(-4, 8, dtype=np.int64).reshape(3, 4)),
    ("UINT8", np.arange(6, dtype=np.uint8).reshape(2, 3)),
    ("FP16", np.array([[0.5, -1.25]], dtype=np.float16)),
    ("BOOL", np.array([[True], [False]])),
    ("BYTES", np.array([[b"alpha", b""], ["gr\u00fc\u00df".encode(), b"z"]], dtype=object)),
]


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("datatype,array", TRITON_INPUTS, ids=[d for d, _ in TRITON_INPUTS])
def test_decodes_what_tritonclient_sends(datatype, array, binary):
    extra = np.ones((1, 2), np.float32)
    inputs = [triton_input("in", array, datatype, binary), triton_input("extra", extra, "FP32", True)]
    outputs = [httpclient.InferRequestedOutput("out", binary_data=not binary), httpclient.InferRequestedOutput("other")]
    body, json_size = httpclient.InferenceServerClient.generate_request_body(
        inputs, outputs=outputs, request_id="rid-7", timeout=1000
    )
    decoded = decode_infer_request(body, json_size)
    first, extra_ = decoded.inputs
    assert (first.name, first.datatype, list(first.shape)) == ("in", datatype, list(array.shape))
    np.testing.assert_array_equal(first.data, array)
    np.testing.assert_array_equal(extra_.data, extra)
    assert decoded.id == "rid-7"
    assert decoded.timeout_us == 1000
    assert decoded.outputs == [RequestedOutput("out", not binary), RequestedOutput("other", True)]


def test_decodes_tritonclient_bf16_and_default_binary_outputs():
    values = np.array([[1.0, -2.0, 0.333]], dtype=np.float32)
    body, json_size = httpclient.InferenceServerClient.generate_request_body([triton_input("x", values, "BF16", True)])
    decoded = decode_infer_request(body, json_size)
    (x,) = decoded.inputs
    assert x.data.dtype == np.uint16
    np.testing.assert_array_equal(bf16_to_fp32(x.data), np.array([[1.0, -2.0, 0.33203125]], np.float32))
    assert decoded.binary_output_default is True
    assert decoded.outputs is None and decoded.id is None


OUTPUTS = [
    *TRITON_INPUTS,
    ("UINT64", np.array([0, 2**64 - 1], dtype=np.uint64)),
    ("INT8", np.array([[-128, 127]], dtype=np.int8)),
    ("FP64", np.array([np.pi, -0.0, np.inf])),
]


@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize("datatype,array", OUTPUTS, ids=[d for d, _ in OUTPUTS])
def test_tritonclient_parses_what_we_encode(datatype, array, binary):
    outputs = [Tensor("out", datatype, array.shape, array), Tensor("pad", "INT32", (1,), np.array([5], np.int32))]
    body, length = encode_infer_response("m", "3", "rid", outputs, {"out", "pad"} if binary else set())
    assert (length is not None) == binary
    result = httpclient.InferenceServerClient.parse_response_body(body, header_length=length)
    got = result.as_numpy("out")
    if datatype == "BYTES" and not binary:
        array = np.vectorize(lambda b: b.decode(), otypes=[object])(array)
    np.testing.assert_array_equal(got, array)
    assert got.shape == array.shape
    assert result.as_numpy("pad").tolist() == [5]
    assert result.get_response()["id"] == "rid"
    assert result.get_response()["model_version"] == "3"


@pytest.mark.parametrize("binary", [True, False])
def test_tritonclient_parses_bf16_outputs(binary):
    values = np.array([[1.0, -3.5], [0.15625, 65280.0]], dtype=np.float32)
    out = Tensor("out", "BF16", values.shape, fp32_to_bf16(values))
    body, length = encode_infer_response("m", "1", None, [out], {"out"} if binary else set())
    got = httpclient.InferenceServerClient.parse_response_body(body, header_length=length).as_numpy("out")
    np.testing.assert_array_equal(got, values)


@FUZZ
@given(
    st.sampled_from(NUMERIC).flatmap(
        lambda dt: hnp.arrays(numpy_dtype(dt), hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)).map(
            lambda a: (dt, a)
        )
    ),
    st.booleans(),
)
def test_fuzz_numeric_round_trip_through_tritonclient(case, binary):
    datatype, array = case
    body, length = encode_infer_response("m", "1", None, [Tensor("out", datatype, array.shape, array)],
                                         {"out"} if binary else set())  # fmt: skip
    got = httpclient.InferenceServerClient.parse_response_body(body, header_length=length).as_numpy("out")
    assert got.dtype == array.dtype
    np.testing.assert_array_equal(got, array)

    inp = triton_input("x", array, datatype, binary)
    request_body, json_size = httpclient.InferenceServerClient.generate_request_body([inp])
    (x,) = decode_infer_request(request_body, json_size).inputs
    np.testing.assert_array_equal(x.data, array)
