"""Runs an ONNX model (or one pipeline stage of it) with onnxruntime on one device."""

from __future__ import annotations

import ctypes

import numpy as np
import onnxruntime as ort
from onnx import TensorProto

from mohawk_engine.runtime.base import RuntimeLoadError
from mohawk_engine.runtime.providers import check_active, onnx_providers


class OnnxRunner:
    def __init__(self, model: bytes | str, device: str, threads: int, tensorrt: bool = False) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        # Spinning intra-op threads would take the cores the event loop and the other replicas need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = onnx_providers(device, tensorrt)
        try:
            self._session = ort.InferenceSession(model, sess_options=options, providers=providers)
        except Exception as exc:
            raise RuntimeLoadError(f"onnxruntime could not load the model: {_first_line(exc)}") from exc
        check_active(self._session, device, tensorrt)
        self.device = device
        self.input_names = [i.name for i in self._session.get_inputs()]
        self.output_names = [o.name for o in self._session.get_outputs()]
        self._bf16_inputs = {i.name for i in self._session.get_inputs() if i.type == _BF16}
        self._has_bf16 = bool(self._bf16_inputs) or any(o.type == _BF16 for o in self._session.get_outputs())
        self._text_inputs = [i.name for i in self._session.get_inputs() if i.type == _STRING]
        self._text_outputs = [o.name for o in self._session.get_outputs() if o.type == _STRING]

    @property
    def providers(self) -> list[str]:
        return self._session.get_providers()

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if self._has_bf16:
            return self._run_bf16(inputs)
        feed = {name: inputs[name] for name in self.input_names}
        for name in self._text_inputs:
            feed[name] = _as_text(name, feed[name])
        outputs = dict(zip(self.output_names, self._session.run(self.output_names, feed)))
        for name in self._text_outputs:
            outputs[name] = _as_bytes(outputs[name])
        return outputs

    def _run_bf16(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """numpy has no bfloat16: BF16 tensors travel as uint16 bit patterns through OrtValues."""
        feed = {
            name: ort.OrtValue.ortvalue_from_numpy_with_onnx_type(inputs[name], TensorProto.BFLOAT16)
            if name in self._bf16_inputs
            else ort.OrtValue.ortvalue_from_numpy(inputs[name])
            for name in self.input_names
        }
        values = self._session.run_with_ort_values(self.output_names, feed)
        return {name: _to_numpy(value) for name, value in zip(self.output_names, values)}

    def close(self) -> None:
        self._session = None


_BF16 = "tensor(bfloat16)"
_STRING = "tensor(string)"


def _as_text(name: str, array: np.ndarray) -> np.ndarray:
    """onnxruntime's string tensors take UTF-8 text; v2 BYTES elements arrive as bytes."""
    try:
        return np.vectorize(_decode, otypes=[object])(array) if array.size else array
    except UnicodeDecodeError:
        raise ValueError(f"BYTES input '{name}' holds bytes that are not UTF-8 text, which ONNX string tensors need")


def _decode(value: object) -> object:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def _as_bytes(array: np.ndarray) -> np.ndarray:
    encode = np.vectorize(lambda v: v.encode("utf-8") if isinstance(v, str) else v, otypes=[object])
    return encode(array) if array.size else array


def _to_numpy(value: ort.OrtValue) -> np.ndarray:
    if value.data_type() != _BF16:
        return value.numpy()
    shape = value.shape()
    count = int(np.prod(shape, dtype=np.int64))
    buffer = (ctypes.c_uint16 * count).from_address(value.data_ptr())
    return np.ctypeslib.as_array(buffer).reshape(shape).copy()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
