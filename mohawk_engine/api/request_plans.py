"""Infer requests whose JSON header a session has seen before, decoded without parsing it again.

Clients send the same header call after call: same inputs, shapes, outputs and options, only
the binary tensor data differ (tritonclient, perf_analyzer and mohawk-bench all do). Parsing
and checking that header, and encoding the reply's, costs more than a small model's run. So
once a header carrying only binary numeric tensors has been decoded and validated against a
session's signature, what it says is kept as a `RequestPlan`: where each input's bytes lie,
their dtype and shape, which outputs go back and how. A later request to the same session with
the same header bytes and body length is sliced by the plan; its reply reuses the JSON header
encoded for the same output shapes. Everything else takes the full path (codec + validation),
which is also where every error is found and worded.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field

import numpy as np

from mohawk_engine.protocol.codec import InferRequest, Tensor, binary_tensor_data, wire_dtype
from mohawk_engine.protocol.datatypes import numpy_dtype
from mohawk_engine.sessions.session import Session

MAX_HEADER_BYTES = 4096
PLANS_PER_SESSION = 64
REPLY_HEADERS_PER_PLAN = 8  # output shapes can depend on the data; most models have one
_SLICEABLE = frozenset(
    ("UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64", "BF16")
)


@dataclass(frozen=True, slots=True)
class InputSlice:
    """One input's bytes in the body: [start, start + count elements) of `wire` dtype."""

    name: str
    wire: np.dtype
    dtype: np.dtype
    shape: tuple[int, ...]
    start: int
    count: int

    def array(self, body: bytes) -> np.ndarray:
        """A writable array of its own, as the full decode gives."""
        return np.frombuffer(body, self.wire, self.count, self.start).astype(self.dtype).reshape(self.shape)


@dataclass(slots=True)
class RequestPlan:
    """What one header says, checked against one session's signature."""

    body_length: int
    inputs: tuple[InputSlice, ...]
    rows: int
    request_id: str | None
    outputs: list[str]
    binary_outputs: set[str]
    output_datatypes: dict[str, str]
    reply_headers: dict[tuple, bytes] = field(default_factory=dict)

    def arrays(self, body: bytes) -> dict[str, np.ndarray]:
        return {piece.name: piece.array(body) for piece in self.inputs}

    def encode_reply(self, results: dict[str, np.ndarray]) -> tuple[bytes, int] | None:
        """The reply body and its JSON header's length, or None when no header is kept for these shapes."""
        header = self.reply_headers.get(tuple(results[name].shape for name in self.outputs))
        if header is None:
            return None
        blobs = [binary_tensor_data(self._tensor(name, results[name])) for name in self.outputs]
        return b"".join([header, *blobs]), len(header)

    def keep_reply_header(self, results: dict[str, np.ndarray], body: bytes, header_length: int | None) -> None:
        """Keep the JSON header of a reply encoded the full way, when every output went as binary data."""
        if header_length is None or len(self.reply_headers) >= REPLY_HEADERS_PER_PLAN:
            return
        if not self._fixed_size_binary_outputs():
            return
        self.reply_headers[tuple(results[name].shape for name in self.outputs)] = body[:header_length]

    def _fixed_size_binary_outputs(self) -> bool:
        return all(name in self.binary_outputs and self.output_datatypes[name] != "BYTES" for name in self.outputs)

    def _tensor(self, name: str, array: np.ndarray) -> Tensor:
        return Tensor(name, self.output_datatypes[name], list(array.shape), array)


class RequestPlans:
    """Each session's plans, keyed by the exact header bytes; gone with the session."""

    def __init__(self) -> None:
        self._by_session: weakref.WeakKeyDictionary[Session, dict[bytes, RequestPlan]] = weakref.WeakKeyDictionary()

    def find(self, session: Session, body: bytes, header_length: int | None) -> RequestPlan | None:
        if header_length is None or header_length > MAX_HEADER_BYTES:
            return None
        plans = self._by_session.get(session)
        if not plans:
            return None
        plan = plans.get(body[:header_length])
        return plan if plan is not None and plan.body_length == len(body) else None

    def learn(
        self,
        session: Session,
        body: bytes,
        header_length: int | None,
        request: InferRequest,
        outputs: list[str],
        binary_outputs: set[str],
        rows: int,
    ) -> None:
        """Keep a plan for a request that decoded and validated, when its header fully describes its body."""
        if header_length is None or header_length > MAX_HEADER_BYTES:
            return
        slices = _slices(request, header_length, len(body))
        if slices is None:
            return
        order = [spec.name for spec in session.model.inputs]
        plans = self._by_session.setdefault(session, {})
        if len(plans) >= PLANS_PER_SESSION:
            plans.pop(next(iter(plans)))
        plans[body[:header_length]] = RequestPlan(
            body_length=len(body),
            inputs=tuple(sorted(slices, key=lambda piece: order.index(piece.name))),
            rows=rows,
            request_id=request.id,
            outputs=outputs,
            binary_outputs=binary_outputs,
            output_datatypes={spec.name: spec.datatype for spec in session.model.outputs},
        )


def _slices(request: InferRequest, header_length: int, body_length: int) -> list[InputSlice] | None:
    """Where each input lies, when every input came as binary data of a fixed-size datatype.

    The binary part holds exactly the binary inputs' bytes (the codec checks that), so the
    inputs' sizes adding up to all of it means none came as JSON data.
    """
    slices = []
    start = header_length
    for tensor in request.inputs:
        if tensor.datatype not in _SLICEABLE:
            return None
        count = math.prod(tensor.shape)
        wire = wire_dtype(tensor.datatype)
        slices.append(InputSlice(tensor.name, wire, numpy_dtype(tensor.datatype), tuple(tensor.shape), start, count))
        start += count * wire.itemsize
    return slices if start == body_length else None
