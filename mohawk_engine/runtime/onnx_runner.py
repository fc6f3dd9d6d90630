"""Runs an ONNX model (or one pipeline stage of it) with onnxruntime on one device."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

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

    @property
    def providers(self) -> list[str]:
        return self._session.get_providers()

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        feed = {name: inputs[name] for name in self.input_names}
        return dict(zip(self.output_names, self._session.run(self.output_names, feed)))

    def close(self) -> None:
        self._session = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
