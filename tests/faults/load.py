"""Closed-loop load from a thread pool: each thread keeps one request in flight and tallies outcomes."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np


def infer_body(rows: int = 1, width: int = 512, value: float = 0.5) -> dict:
    return {"inputs": [{"name": "input", "shape": [rows, width], "datatype": "FP32", "data": [value] * (rows * width)}]}


def tiny_binary_request(rows: int = 1) -> tuple[bytes, dict[str, str]]:
    """A binary-extension infer request for mlp-tiny: (body, headers)."""
    raw = np.full((rows, 512), 0.25, np.float32).tobytes()
    header = (
        '{"inputs":[{"name":"input","shape":[%d,512],"datatype":"FP32","parameters":{"binary_data_size":%d}}]}'
        % (rows, len(raw))
    ).encode()
    return header + raw, {"Inference-Header-Content-Length": str(len(header))}


class LoadGenerator:
    """`threads` clients posting to `url`/v2/models/`model`/infer until stopped.

    Outcomes: HTTP status codes as ints, transport failures by exception class name.
    """

    def __init__(self, url: str, model: str, threads: int = 4, timeout: float = 5.0) -> None:
        self.url = url
        self.model = model
        self.outcomes: Counter[int | str] = Counter()
        self.timeline: list[tuple[float, int | str]] = []
        self._threads = threads
        self._timeout = timeout
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> "LoadGenerator":
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="load")
        for _ in range(self._threads):
            self._pool.submit(self._run)
        return self

    def stop(self) -> Counter:
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return self.outcomes

    def _record(self, outcome: int | str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1
            self.timeline.append((time.monotonic(), outcome))

    def _run(self) -> None:
        body, headers = tiny_binary_request()
        with httpx.Client(timeout=self._timeout) as client:
            while not self._stop.is_set():
                try:
                    response = client.post(f"{self.url}/v2/models/{self.model}/infer", content=body, headers=headers)
                except httpx.HTTPError as exc:
                    self._record(type(exc).__name__)
                    time.sleep(0.02)
                    continue
                self._record(response.status_code)

    def successes_after(self, moment: float) -> int:
        with self._lock:
            return sum(1 for when, outcome in self.timeline if when > moment and outcome == 200)
