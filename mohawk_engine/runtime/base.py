"""What every runtime backend offers the replica that drives it."""

from __future__ import annotations

from typing import Protocol

import numpy as np


class RuntimeLoadError(RuntimeError):
    """A model could not be loaded; the message says why in plain words."""


class Runner(Protocol):
    """Runs one model (or one pipeline stage) on one device.

    `run` blocks and is called from the replica's own worker thread; only a quick one-row
    run with every replica idle is made on the event loop (see replicas/pool.py). Inputs and outputs are keyed by tensor name. BF16 tensors travel as uint16 bit
    patterns.
    """

    device: str
    input_names: list[str]
    output_names: list[str]

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...

    def close(self) -> None: ...
