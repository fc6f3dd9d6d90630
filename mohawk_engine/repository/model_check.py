"""Is an uploaded file a loadable model of its format? Checked without unpickling arbitrary data.

ONNX is protobuf: parsing and the ONNX checker run no code. A single uploaded file cannot
carry external weight files, so an ONNX model that points at external data is refused (its
paths could otherwise name files anywhere on the worker). TorchScript is a zip archive: it
must hold TorchScript's code and constants entries (a plain `torch.save` pickle does not),
and is then opened with `torch.jit.load`, whose unpickler only rebuilds TorchScript types.
Both checks block; callers run them in a thread.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import onnx

from mohawk_engine.schemas import ModelFormat

ZIP_MAGIC = b"PK\x03\x04"


class InvalidModelFile(ValueError):
    """The file is not a loadable model of the format it claims; the message says why."""


def sniff_format(path: Path) -> ModelFormat:
    """TorchScript archives are zip files; anything else is taken for ONNX (the check decides)."""
    with path.open("rb") as handle:
        return ModelFormat.TORCHSCRIPT if handle.read(4) == ZIP_MAGIC else ModelFormat.ONNX


def check_model_file(path: Path, model_format: ModelFormat) -> None:
    if model_format is ModelFormat.ONNX:
        _check_onnx(path)
    else:
        _check_torchscript(path)


def _check_onnx(path: Path) -> None:
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:
        raise InvalidModelFile(f"not a readable ONNX file: {_first_line(exc)}") from None
    if any(t.data_location == onnx.TensorProto.EXTERNAL for t in model.graph.initializer):
        raise InvalidModelFile("the ONNX model keeps weights in external files; upload a single self-contained file")
    if not model.graph.output:
        raise InvalidModelFile("not a usable ONNX model: its graph has no outputs")
    try:
        onnx.checker.check_model(str(path))
    except Exception as exc:
        raise InvalidModelFile(f"the ONNX checker rejects the model: {_first_line(exc)}") from None


def _check_torchscript(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise InvalidModelFile("not a TorchScript file: TorchScript models are zip archives (torch.jit.save)")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    has_code = any("/code/" in name for name in names)
    has_constants = any(name.endswith("/constants.pkl") for name in names)
    if not (has_code and has_constants):
        raise InvalidModelFile(
            "not a TorchScript archive (no code/ or constants.pkl entries): save the model with "
            "torch.jit.script(...).save(), not torch.save()"
        )
    import torch

    try:
        torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:
        raise InvalidModelFile(f"torch.jit.load cannot load the TorchScript file: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
