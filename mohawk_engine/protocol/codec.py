"""Open Inference Protocol v2 infer bodies: JSON and the binary tensor data extension.

Pure functions of bytes and numpy arrays, on the hot path of every request. Anything a
client can send either decodes or raises `ProtocolError` with a sentence that says what was
wrong and what was expected; no other exception escapes `decode_infer_request`.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field

import numpy as np

from mohawk_engine.protocol.datatypes import DATATYPES, bf16_to_fp32, element_size, fp32_to_bf16, numpy_dtype

_LENGTH = struct.Struct("<I")
_WIRE: dict[str, np.dtype] = {
    name: numpy_dtype(name).newbyteorder("<") for name in DATATYPES if name not in ("BYTES", "BOOL")
}
_WIRE["BOOL"] = np.dtype(np.bool_)
_SIZES: dict[str, int | None] = {name: element_size(name) for name in DATATYPES}
_KNOWN = frozenset(DATATYPES)
_SHOW_LIMIT = 80
_DECODER = json.JSONDecoder()


class ProtocolError(ValueError):
    """A request that breaks the protocol; the message names what was wrong and what was expected."""


@dataclass(slots=True)
class Tensor:
    """A named tensor: v2 datatype, shape, and the array holding it (uint16 for BF16, object for BYTES)."""

    name: str
    datatype: str
    shape: list[int]
    data: np.ndarray


@dataclass(slots=True)
class RequestedOutput:
    """An output the client asked for; `binary` is its parameters.binary_data, None when not given."""

    name: str
    binary: bool | None = None


@dataclass(slots=True)
class InferRequest:
    """A decoded infer request."""

    id: str | None
    inputs: list[Tensor]
    outputs: list[RequestedOutput] | None = None
    binary_output_default: bool = False
    timeout_us: int | None = None
    parameters: dict = field(default_factory=dict)


def decode_infer_request(body: bytes, header_length: int | None = None) -> InferRequest:
    """Decode an infer request body; `header_length` is Inference-Header-Content-Length, if sent."""
    header, binary = _split_body(body, header_length)
    document = _load_json(header)
    if not isinstance(document, dict):
        raise ProtocolError(f"request body must be a JSON object, got {_kind(document)}")
    parameters = _parameters(document.get("parameters"), "request")
    return InferRequest(
        id=_request_id(document.get("id")),
        inputs=_decode_inputs(_input_list(document), binary),
        outputs=_requested_outputs(document.get("outputs")),
        binary_output_default=bool(_flag(parameters, "binary_data_output", "request")),
        timeout_us=_timeout(parameters.get("timeout")),
        parameters=parameters,
    )


def encode_infer_response(
    model_name: str,
    model_version: str,
    request_id: str | None,
    outputs: list[Tensor],
    binary_names: set[str],
) -> tuple[bytes, int | None]:
    """Encode an infer response; returns (body, JSON header length), the length None for pure JSON.

    Outputs named in `binary_names` go as binary tensor data after the JSON header, and so
    does any BYTES output that is not valid UTF-8.
    """
    entries = []
    blobs: list[bytes] = []
    for tensor in outputs:
        entry: dict = {"name": tensor.name, "datatype": tensor.datatype, "shape": [int(d) for d in tensor.shape]}
        data = None if tensor.name in binary_names else _json_data_out(tensor)
        if data is None:
            blob = binary_tensor_data(tensor)
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        else:
            entry["data"] = data
        entries.append(entry)
    response: dict = {"model_name": model_name, "model_version": model_version}
    if request_id is not None:
        response["id"] = request_id
    response["outputs"] = entries
    header = json.dumps(response, separators=(",", ":")).encode()
    if not blobs:
        return header, None
    return b"".join([header, *blobs]), len(header)


def wire_dtype(datatype: str) -> np.dtype:
    """The dtype of a fixed-size datatype's binary data on the wire."""
    return _WIRE[datatype]


def error_body(message: str) -> bytes:
    """The JSON body of an error reply: {"error": message}."""
    return json.dumps({"error": message}).encode()


def _split_body(body: bytes, header_length: int | None) -> tuple[bytes, memoryview | None]:
    if header_length is None:
        return body, None
    if not 0 <= header_length <= len(body):
        raise ProtocolError(
            f"Inference-Header-Content-Length is {header_length} but the request body holds {len(body)} bytes; "
            "expected the length of the JSON header at the start of the body"
        )
    return body[:header_length], memoryview(body)[header_length:]


def _load_json(header: bytes):
    try:
        return _DECODER.decode(header.decode())
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"invalid JSON in request body: {exc}") from None


def _input_list(document: dict) -> list:
    inputs = document.get("inputs")
    if inputs is None:
        raise ProtocolError("request has no 'inputs'; expected a list of input tensors")
    if not isinstance(inputs, list):
        raise ProtocolError(f"request 'inputs' must be a list of input tensors, got {_kind(inputs)}")
    if not inputs:
        raise ProtocolError("request 'inputs' is empty; expected at least one input tensor")
    return inputs


def _decode_inputs(items: list, binary: memoryview | None) -> list[Tensor]:
    tensors: list[Tensor] = []
    seen: set[str] = set()
    offset = 0
    for index, item in enumerate(items):
        name, datatype, shape, parameters = _input_header(item, index)
        if name in seen:
            raise ProtocolError(f"input '{name}' appears more than once; expected each input once")
        seen.add(name)
        count = math.prod(shape)
        size = _binary_size(name, parameters, item, binary)
        if size is None:
            array = _json_data_in(name, datatype, shape, count, item["data"])
        else:
            _check_binary_size(name, datatype, shape, count, size)
            array = _binary_data_in(name, datatype, count, _blob(name, binary, offset, size))
            offset += size
        tensors.append(Tensor(name, datatype, shape, _reshape(name, array, shape)))
    if binary is not None and offset != len(binary):
        raise ProtocolError(
            f"the body holds {len(binary)} bytes of binary data after the JSON header but the inputs' "
            f"binary_data_size parameters add up to {offset}; expected them to match exactly"
        )
    return tensors


def _input_header(item, index: int) -> tuple[str, str, list[int], dict]:
    if not isinstance(item, dict):
        raise ProtocolError(f"input {index} must be a JSON object, got {_kind(item)}")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise ProtocolError(f"input {index} has no 'name'; expected a non-empty string, got {_show(name)}")
    datatype = item.get("datatype")
    if not isinstance(datatype, str) or datatype not in _KNOWN:
        raise ProtocolError(
            f"input '{name}' has datatype {_show(datatype)}; expected one of {', '.join(DATATYPES)}"
        )
    shape = item.get("shape")
    if type(shape) is not list:
        raise _bad_shape(name, shape)
    for dim in shape:
        if type(dim) is not int or dim < 0:
            raise _bad_shape(name, shape)
    return name, datatype, shape, _parameters(item.get("parameters"), f"input '{name}'")


def _bad_shape(name: str, shape) -> ProtocolError:
    return ProtocolError(f"input '{name}' has shape {_show(shape)}; expected a list of non-negative integers")


def _binary_size(name: str, parameters: dict, item: dict, binary: memoryview | None) -> int | None:
    if "shared_memory_region" in parameters:
        raise ProtocolError(
            f"input '{name}' uses shared memory, which this server does not support; send its data in the body"
        )
    size = parameters.get("binary_data_size")
    if size is None:
        if "data" not in item:
            raise ProtocolError(f"input '{name}' has neither 'data' nor a binary_data_size parameter; expected one")
        return None
    if type(size) is not int or size < 0:
        raise ProtocolError(f"input '{name}' has binary_data_size {_show(size)}; expected a non-negative integer")
    if "data" in item:
        raise ProtocolError(f"input '{name}' has both 'data' and binary_data_size; expected only one")
    if binary is None:
        raise ProtocolError(
            f"input '{name}' has binary_data_size but the request has no Inference-Header-Content-Length header; "
            "expected the header to give the length of the JSON part"
        )
    return size


def _blob(name: str, binary: memoryview, offset: int, size: int) -> memoryview:
    if offset + size > len(binary):
        raise ProtocolError(
            f"input '{name}' has binary_data_size {size} but only {len(binary) - offset} bytes of binary data "
            "remain in the body; expected the body to hold every input's binary data in order"
        )
    return binary[offset : offset + size]


def _json_data_in(name: str, datatype: str, shape: list[int], count: int, data) -> np.ndarray:
    if not isinstance(data, list):
        raise ProtocolError(f"input '{name}' data must be a list, got {_kind(data)}")
    if datatype == "BYTES":
        return _json_bytes_in(name, shape, count, data)
    try:
        parsed = np.array(data)
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise ProtocolError(
            f"input '{name}' data is not a flat or evenly nested list of values; expected {count} {datatype} values"
        ) from None
    _check_count(name, shape, count, parsed.size)
    if parsed.size == 0:
        return np.empty(0, numpy_dtype(datatype))
    return _cast_numbers(name, datatype, parsed, data)


def _cast_numbers(name: str, datatype: str, parsed: np.ndarray, data: list) -> np.ndarray:
    kind = parsed.dtype.kind
    if datatype == "BOOL":
        if kind != "b":
            what = _kind_of_array(kind)
            raise ProtocolError(f"input '{name}' is BOOL but its data holds {what}; expected true or false")
        return parsed
    target = numpy_dtype(datatype)
    if datatype != "BF16" and target.kind in "iu":
        return _cast_integers(name, datatype, target, parsed, data)
    if kind not in "iuf":
        raise ProtocolError(f"input '{name}' is {datatype} but its data holds {_kind_of_array(kind)}; expected numbers")
    with np.errstate(over="ignore"):
        if datatype == "BF16":
            return fp32_to_bf16(parsed.astype(np.float32))
        return parsed.astype(target, copy=False)


def _cast_integers(name: str, datatype: str, target: np.dtype, parsed: np.ndarray, data: list) -> np.ndarray:
    if parsed.dtype.kind not in "iu":
        parsed = _python_integers(name, datatype, parsed.dtype.kind, data)
    info = np.iinfo(target)
    if int(parsed.min()) < info.min or int(parsed.max()) > info.max:
        raise ProtocolError(
            f"input '{name}' is {datatype} but its data holds values outside [{info.min}, {info.max}]"
        )
    return parsed.astype(target, copy=False)


def _python_integers(name: str, datatype: str, kind: str, data: list) -> np.ndarray:
    """Integers numpy could not fit in one dtype (e.g. 2**63 beside 0) as an object array of ints."""
    values = np.array(data, dtype=object) if kind in "fO" else None
    if values is None or not all(type(value) is int for value in values.flat):
        what = "values that are not integers" if kind in "fO" else _kind_of_array(kind)
        raise ProtocolError(f"input '{name}' is {datatype} but its data holds {what}; expected integers")
    return values


def _json_bytes_in(name: str, shape: list[int], count: int, data: list) -> np.ndarray:
    strings = _flatten_strings(name, data)
    _check_count(name, shape, count, len(strings))
    array = np.empty(len(strings), dtype=object)
    try:
        array[:] = [s.encode() for s in strings]
    except UnicodeEncodeError:
        raise ProtocolError(
            f"input '{name}' data holds a string that is not valid Unicode; expected UTF-8 text"
        ) from None
    return array


def _flatten_strings(name: str, data: list) -> list[str]:
    flat: list[str] = []
    stack = [iter(data)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            if not isinstance(item, str):
                raise ProtocolError(f"input '{name}' is BYTES but its data holds {_kind(item)}; expected strings")
            flat.append(item)
        else:
            stack.pop()
    return flat


def _check_binary_size(name: str, datatype: str, shape: list[int], count: int, size: int) -> None:
    item = _SIZES[datatype]
    if item is not None and size != item * count:
        raise ProtocolError(
            f"input '{name}' has binary_data_size {size} but shape {shape} of {datatype} needs "
            f"{item * count} bytes ({count} elements of {item} bytes)"
        )


def _binary_data_in(name: str, datatype: str, count: int, blob: memoryview) -> np.ndarray:
    if datatype == "BYTES":
        return _binary_bytes_in(name, count, blob)
    if datatype == "BOOL":
        return np.frombuffer(blob, dtype=np.uint8) != 0
    return np.frombuffer(blob, dtype=_WIRE[datatype]).astype(numpy_dtype(datatype))


def _binary_bytes_in(name: str, count: int, blob: memoryview) -> np.ndarray:
    end = len(blob)
    if count * _LENGTH.size > end:
        raise _short_bytes(name, count, end)
    array = np.empty(count, dtype=object)
    offset = 0
    for index in range(count):
        if offset + _LENGTH.size > end:
            raise _short_bytes(name, count, end)
        (length,) = _LENGTH.unpack_from(blob, offset)
        offset += _LENGTH.size
        if offset + length > end:
            raise _short_bytes(name, count, end)
        array[index] = bytes(blob[offset : offset + length])
        offset += length
    if offset != end:
        raise ProtocolError(
            f"input '{name}' has binary_data_size {end} but its {count} BYTES elements take {offset} bytes; "
            "expected them to match exactly"
        )
    return array


def _short_bytes(name: str, count: int, size: int) -> ProtocolError:
    return ProtocolError(
        f"input '{name}' has binary_data_size {size}, too short for {count} BYTES elements; "
        "expected each element as a 4-byte little-endian length followed by its bytes"
    )


def _check_count(name: str, shape: list[int], count: int, found: int) -> None:
    if found != count:
        raise ProtocolError(f"input '{name}': shape {shape} holds {count} elements but data has {found}")


def _reshape(name: str, array: np.ndarray, shape: list[int]) -> np.ndarray:
    try:
        return array.reshape(shape)
    except (ValueError, OverflowError, TypeError) as exc:
        raise ProtocolError(f"input '{name}' has shape {shape}, which cannot be held in memory: {exc}") from None


def _requested_outputs(raw) -> list[RequestedOutput] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ProtocolError(f"request 'outputs' must be a list of requested outputs, got {_kind(raw)}")
    outputs: list[RequestedOutput] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        output = _requested_output(item, index)
        if output.name in seen:
            raise ProtocolError(f"output '{output.name}' is requested more than once; expected each output once")
        seen.add(output.name)
        outputs.append(output)
    return outputs


def _requested_output(item, index: int) -> RequestedOutput:
    if not isinstance(item, dict):
        raise ProtocolError(f"output {index} must be a JSON object, got {_kind(item)}")
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise ProtocolError(f"output {index} has no 'name'; expected a non-empty string, got {_show(name)}")
    where = f"output '{name}'"
    parameters = _parameters(item.get("parameters"), where)
    for unsupported in ("classification", "shared_memory_region"):
        if unsupported in parameters:
            raise ProtocolError(f"{where} asks for {unsupported}, which this server does not support")
    return RequestedOutput(name, _flag(parameters, "binary_data", where))


def _parameters(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ProtocolError(f"{where} 'parameters' must be a JSON object, got {_kind(value)}")
    return value


def _flag(parameters: dict, key: str, where: str) -> bool | None:
    value = parameters.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ProtocolError(f"{where} parameter '{key}' must be true or false, got {_show(value)}")


def _request_id(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"request 'id' must be a string, got {_kind(value)}")
    return value


def _timeout(value) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise ProtocolError(
            f"request parameter 'timeout' must be a non-negative integer of microseconds, got {_show(value)}"
        )
    return value


def _json_data_out(tensor: Tensor) -> list | None:
    array = np.asarray(tensor.data)
    if tensor.datatype == "BYTES":
        return _json_bytes_out(array)
    if tensor.datatype == "BF16":
        return bf16_to_fp32(_bf16_bits(array)).ravel().tolist()
    return array.astype(numpy_dtype(tensor.datatype), copy=False).ravel().tolist()


def _json_bytes_out(array: np.ndarray) -> list[str] | None:
    strings = []
    for item in array.ravel().tolist():
        if isinstance(item, bytes):
            try:
                item = item.decode()
            except UnicodeDecodeError:
                return None
        strings.append(item if isinstance(item, str) else str(item))
    return strings


def binary_tensor_data(tensor: Tensor) -> bytes:
    """A tensor as binary data on the wire (little-endian; BYTES as length-prefixed elements)."""
    array = np.asarray(tensor.data)
    if tensor.datatype == "BYTES":
        return _binary_bytes_out(array)
    if tensor.datatype == "BF16":
        array = _bf16_bits(array)
    return array.astype(_WIRE[tensor.datatype], copy=False).tobytes()


def _binary_bytes_out(array: np.ndarray) -> bytes:
    parts = []
    for item in array.ravel().tolist():
        raw = item if isinstance(item, bytes) else str(item).encode("utf-8", "surrogatepass")
        parts.append(_LENGTH.pack(len(raw)))
        parts.append(raw)
    return b"".join(parts)


def _bf16_bits(array: np.ndarray) -> np.ndarray:
    return array if array.dtype == np.uint16 else fp32_to_bf16(array)


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _kind_of_array(kind: str) -> str:
    return {
        "b": "booleans",
        "i": "integers",
        "u": "integers",
        "f": "numbers",
        "U": "strings",
    }.get(kind, "values of mixed or unsupported types")


def _show(value) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 3] + "..."
