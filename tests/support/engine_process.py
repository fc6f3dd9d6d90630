"""Start and stop a real `mohawk-engine serve` subprocess on a free loopback port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

_LISTENING = re.compile(r"listening on (https?://\S+)")


class EngineProcess:
    def __init__(
        self,
        model_repo: Path,
        state_dir: Path,
        *extra_args: str,
        host: str = "127.0.0.1",
        launcher: list[str] | None = None,
    ) -> None:
        """`launcher` replaces `python -m mohawk_engine`, e.g. with a script that patches the engine first."""
        self.launcher = launcher or [sys.executable, "-m", "mohawk_engine"]
        self.model_repo = model_repo
        self.state_dir = state_dir
        self.extra_args = extra_args
        self.host = host
        self.url: str | None = None
        self.proc: subprocess.Popen | None = None
        self.lines: list[str] = []

    def start(self, timeout: float = 60.0, port: int = 0) -> str:
        args = [
            *self.launcher, "serve",
            "--host", self.host, "--port", str(port),
            "--model-repo", str(self.model_repo), "--state-dir", str(self.state_dir),
            *self.extra_args,
        ]  # fmt: skip
        self.lines = []
        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
        threading.Thread(target=self._pump, args=(self.proc,), daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = _LISTENING.search(line)
                if match:
                    self.url = match.group(1)
                    return self.url
            if self.proc.poll() is not None:
                raise RuntimeError("engine exited during start:\n" + "".join(self.lines))
            time.sleep(0.05)
        self.kill()
        raise TimeoutError("engine did not start in time:\n" + "".join(self.lines))

    def _pump(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            self.lines.append(line)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, wait for a clean exit; SIGKILL only if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def output(self) -> str:
        return "".join(self.lines)
