"""Runs a TorchScript module, or a slice of a sequential one (a pipeline stage), on one device."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from mohawk_engine.runtime.base import RuntimeLoadError
from mohawk_engine.runtime.providers import torch_device


def load_module(path: str, device: str) -> torch.jit.ScriptModule:
    try:
        module = torch.jit.load(path, map_location=device)
    except Exception as exc:
        text = str(exc).strip().splitlines()
        raise RuntimeLoadError(f"torch could not load the TorchScript file: {text[0] if text else exc!r}") from exc
    return module.eval()


def sequential_layers(module: torch.jit.ScriptModule) -> list[torch.nn.Module]:
    """The layers of a scripted nn.Sequential, in order; empty when the module is not one."""
    if getattr(module, "original_name", "") != "Sequential":
        return []
    return [child for _, child in module.named_children()]


class TorchRunner:
    """`forward` is the whole module, or a chain of its layers for a pipeline stage."""

    def __init__(
        self,
        forward: Callable[..., object],
        device: str,
        input_names: list[str],
        output_names: list[str],
        threads: int = 0,
    ) -> None:
        self._forward = forward
        self.device = device
        self.input_names = input_names
        self.output_names = output_names
        self._threads = threads
        self._threads_set = False

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        if self._threads and not self._threads_set:
            torch.set_num_threads(self._threads)
            self._threads_set = True
        args = [torch.from_numpy(np.ascontiguousarray(inputs[name])).to(self.device) for name in self.input_names]
        with torch.inference_mode():
            result = self._forward(*args)
        outputs = result if isinstance(result, (tuple, list)) else (result,)
        if len(outputs) != len(self.output_names):
            raise RuntimeError(
                f"the module returned {len(outputs)} tensor(s) but its signature names {len(self.output_names)}"
            )
        return {name: tensor.detach().cpu().numpy() for name, tensor in zip(self.output_names, outputs)}

    def close(self) -> None:
        self._forward = None


def whole_module_runner(
    path: str, device: str, input_names: list[str], output_names: list[str], threads: int
) -> TorchRunner:
    target = torch_device(device)
    return TorchRunner(load_module(path, target), target, input_names, output_names, threads)


def stage_runners(
    path: str,
    devices: list[str],
    cuts: list[int],
    input_names: list[str],
    output_names: list[str],
    threads: int,
) -> list[TorchRunner]:
    """One runner per stage; stage k runs layers (cuts[k-1], cuts[k]] of the sequential module."""
    bounds = [-1, *cuts, None]
    runners = []
    for k, device in enumerate(devices):
        target = torch_device(device)
        layers = sequential_layers(load_module(path, target))
        if not layers:
            raise RuntimeLoadError("the pipeline strategy needs a TorchScript nn.Sequential to split")
        chain = layers[bounds[k] + 1 : bounds[k + 1] + 1 if bounds[k + 1] is not None else None]
        stage_in = input_names if k == 0 else [f"stage{k - 1}.out"]
        stage_out = output_names if k == len(devices) - 1 else [f"stage{k}.out"]
        runners.append(TorchRunner(_chain(chain), target, stage_in, stage_out, threads))
    return runners


def _chain(layers: list[torch.nn.Module]) -> Callable[[torch.Tensor], torch.Tensor]:
    def forward(x: torch.Tensor) -> torch.Tensor:
        for layer in layers:
            x = layer(x)
        return x

    return forward
