"""Read a model's inputs from its v2 metadata (GET /v2/models/{name})."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from mohawk_bench.spec import LoadSpec
from mohawk_bench.tensors import InputSpec
from mohawk_bench.tls import ssl_context


class MetadataError(RuntimeError):
    """The model metadata could not be read or does not describe its inputs."""


def fetch_inputs(spec: LoadSpec, timeout: float = 10.0) -> list[InputSpec]:
    path = f"/v2/models/{quote(spec.model, safe='')}"
    if spec.model_version:
        path += f"/versions/{quote(spec.model_version, safe='')}"
    headers = {"Authorization": f"Bearer {spec.token_value()}"} if spec.token else {}
    verify = ssl_context(spec.tls) if spec.tls_enabled else True
    try:
        with httpx.Client(base_url=spec.url, headers=headers, verify=verify, timeout=timeout) as client:
            response = client.get(path)
    except httpx.HTTPError as exc:
        raise MetadataError(f"cannot read {spec.url}{path}: {exc}") from exc
    if response.status_code != 200:
        raise MetadataError(f"GET {spec.url}{path} answered {response.status_code}: {response.text[:300]}")
    return parse_inputs(response.json())


def parse_inputs(document) -> list[InputSpec]:
    """The inputs of a v2 model metadata document."""
    try:
        inputs = [InputSpec(str(i["name"]), str(i["datatype"]), [int(d) for d in i["shape"]]) for i in document["inputs"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise MetadataError(f"model metadata does not describe its inputs ({exc!r}): {str(document)[:300]}") from None
    if not inputs:
        raise MetadataError("model metadata lists no inputs")
    return inputs
