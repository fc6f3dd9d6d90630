"""LightLoad: closed-loop traffic to an `mlp-tiny` session on one thread, for checks that nothing drops under load."""

from __future__ import annotations

import threading
import time

import numpy as np
import tritonclient.http as httpclient


class LightLoad:
    """One request at a time, `pause_s` apart; counts every success and every failure (none is expected)."""

    def __init__(self, url: str, model: str, pause_s: float = 0.005) -> None:
        self._client = httpclient.InferenceServerClient(url.removeprefix("http://"))
        self._model = model
        self._pause_s = pause_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.ok = 0
        self.failures: list[str] = []

    def _run(self) -> None:
        data = httpclient.InferInput("input", [1, 512], "FP32")
        data.set_data_from_numpy(np.ones((1, 512), np.float32))
        while not self._stop.is_set():
            try:
                assert self._client.infer(self._model, [data]).as_numpy("output").shape == (1, 10)
                self.ok += 1
            except Exception as exc:  # every failure is counted; none is expected
                self.failures.append(str(exc))
            time.sleep(self._pause_s)

    def __enter__(self) -> LightLoad:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(30)
        self._client.close()
