"""Build the one request a run sends: inputs from the model metadata or a data file, encoded once."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_bench.metadata import fetch_inputs
from mohawk_bench.endpoint import Endpoint
from mohawk_bench.payload import encode_body, http_request
from mohawk_bench.results import InputInfo
from mohawk_bench.spec import LoadSpec
from mohawk_bench.tensors import items_per_request, load_inputs, random_inputs


@dataclass(frozen=True)
class PreparedRequest:
    endpoint: Endpoint
    payload: bytes
    inputs: list[InputInfo]
    items_per_request: int


def prepare(spec: LoadSpec) -> PreparedRequest:
    """Random inputs need the metadata (GET /v2/models/{name}); a .npz data file describes itself."""
    data = spec.data_file
    specs = None if data is not None and data.suffix.lower() == ".npz" else fetch_inputs(spec)
    if data is not None:
        tensors = load_inputs(data, specs)
    else:
        tensors = random_inputs(specs, spec.batch, spec.seed, spec.shapes)
    body, header_length = encode_body(tensors, spec.binary)
    endpoint = Endpoint.from_url(spec.url)
    path = endpoint.infer_path(spec.model, spec.model_version)
    return PreparedRequest(
        endpoint=endpoint,
        payload=http_request(endpoint, path, body, header_length, spec.token_value()),
        inputs=[InputInfo(name=t.name, datatype=t.datatype, shape=t.shape) for t in tensors],
        items_per_request=items_per_request(tensors, specs),
    )
