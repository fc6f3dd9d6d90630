"""Which execution providers a device asks for, and whether the runtime really gave them.

onnxruntime-gpu loads without CUDA present and quietly falls back to CPU, logging errors.
A session that asked for a GPU must not end up on the CPU unnoticed, so the providers a
session actually got are checked against those it asked for.
"""

from __future__ import annotations

import onnxruntime as ort

from mohawk_engine.runtime.base import RuntimeLoadError

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
TENSORRT = "TensorrtExecutionProvider"


def device_index(device: str) -> int:
    return int(device.split(":", 1)[1]) if device.startswith("cuda:") else 0


def onnx_providers(device: str, tensorrt: bool = False) -> list:
    """The provider list for onnxruntime; raises when a GPU provider is not installed at all."""
    if device == "cpu":
        return [CPU]
    available = ort.get_available_providers()
    if CUDA not in available:
        raise RuntimeLoadError(
            f"CUDA requested but unavailable: {device} needs onnxruntime's {CUDA}, and this onnxruntime "
            f"{ort.__version__} offers only {', '.join(available)} (install onnxruntime-gpu)"
        )
    options = {"device_id": device_index(device)}
    providers: list = [(CUDA, options), CPU]
    if tensorrt:
        if TENSORRT not in available:
            raise RuntimeLoadError(
                f"TensorRT requested but unavailable: onnxruntime offers only {', '.join(available)}"
            )
        providers.insert(0, (TENSORRT, options))
    return providers


def check_active(session: ort.InferenceSession, device: str, tensorrt: bool = False) -> None:
    """Fail when onnxruntime fell back to the CPU instead of the GPU that was asked for."""
    if device == "cpu":
        return
    active = session.get_providers()
    wanted = TENSORRT if tensorrt else CUDA
    if wanted not in active:
        raise RuntimeLoadError(
            f"CUDA requested but unavailable: onnxruntime could not start {wanted} on {device} "
            f"(active providers: {', '.join(active)}; check the CUDA/cuDNN libraries and the driver)"
        )


def torch_device(device: str) -> str:
    """The torch device string; raises when torch has no usable CUDA."""
    if device == "cpu":
        return device
    import torch

    if not torch.cuda.is_available():
        build = torch.version.cuda
        why = "this torch is a CPU-only build" if build is None else "no CUDA device is visible to torch"
        raise RuntimeLoadError(f"CUDA requested but unavailable: {device} for torch {torch.__version__}: {why}")
    count = torch.cuda.device_count()
    if device_index(device) >= count:
        raise RuntimeLoadError(f"CUDA requested but unavailable: {device} does not exist; torch sees {count} GPU(s)")
    return device
