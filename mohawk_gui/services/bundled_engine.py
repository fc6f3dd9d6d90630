"""The local engine the console starts when no worker is configured."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

import platformdirs

from mohawk_engine.schemas.security import BOOTSTRAP_ENV, new_secret, secret_prefix
from mohawk_engine.schemas.server import PARENT_PID_ENV

_LISTENING = re.compile(r"listening on (http://\S+)")
APP_NAME = "mohawk"
TOKEN_FILE = "engine-token"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class BundledEngineError(RuntimeError):
    """The local engine could not start; the message holds its last output lines."""


def load_or_create_token(path: Path) -> str:
    """This install's admin key for its local engine: made once, kept readable by the user only (0600)."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        token = ""
    if secret_prefix(token) is not None:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return token
    token = new_secret()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as out:
        out.write(token + "\n")
    partial.chmod(0o600)  # O_CREAT keeps the mode of a file left over from an interrupted write
    os.replace(partial, path)
    return token


class BundledEngine:
    """`python -m mohawk_engine serve` on a loopback port, its models and state under `data_dir`.

    The engine runs with auth on; `token` (an admin key the engine adopts from MOHAWK_BOOTSTRAP_KEY)
    is what the console sends it.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        port: int = 0,
        demo_models: bool = True,
        python: str = sys.executable,
        die_with_console: bool = True,
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir else default_data_dir()
        self.die_with_console = die_with_console  # the engine ends with this process, even one that crashed
        self.port = port
        self.demo_models = demo_models
        self.python = python
        self.url: str | None = None
        self.pid: int | None = None
        self.adopted = False
        self.token: str | None = None
        self.output: deque[str] = deque(maxlen=200)
        self._process: subprocess.Popen | None = None

    @property
    def model_repo(self) -> Path:
        return self.data_dir / "models"

    @property
    def state_dir(self) -> Path:
        return self.data_dir / "state"

    def command(self) -> list[str]:
        """Demo models are written on the first run only (into an empty repository): later starts are quicker."""
        args = [self.python, "-m", "mohawk_engine", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--auth", "on"]
        if self.demo_models and not _has_files(self.model_repo):
            args.append("--demo-models")
        return [*args, "--model-repo", str(self.model_repo), "--state-dir", str(self.state_dir)]

    async def start(self, timeout_s: float = 60.0) -> str:
        """Start the engine (or adopt one a previous console left running) and return its URL."""
        self.token = load_or_create_token(self.data_dir / TOKEN_FILE)
        running = self.find_running()
        if running is not None:
            self.url, self.pid = running
            self.adopted = True
            return self.url
        self.state_dir.mkdir(parents=True, exist_ok=True)
        loop = asyncio.get_running_loop()
        listening: asyncio.Future[str] = loop.create_future()
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self._environment(),
            start_new_session=True,
        )
        self.pid = self._process.pid
        threading.Thread(target=self._pump, args=(self._process, loop, listening), daemon=True).start()
        try:
            async with asyncio.timeout(timeout_s):
                self.url = await listening
        except TimeoutError:
            self.stop()
            raise BundledEngineError(f"the local engine did not start within {timeout_s:.0f} s:\n{self.tail()}") from None
        return self.url

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", BOOTSTRAP_ENV: self.token}
        if self.die_with_console:
            env[PARENT_PID_ENV] = str(os.getpid())
        else:
            env.pop(PARENT_PID_ENV, None)
        return env

    def _pump(self, process: subprocess.Popen, loop: asyncio.AbstractEventLoop, listening: asyncio.Future) -> None:
        """Read the engine's output (so its pipe never fills) and resolve `listening` with its URL."""
        for line in process.stdout:
            self.output.append(line.rstrip("\n"))
            match = _LISTENING.search(line)
            if match and not listening.done():
                _call_soon(loop, _resolve, listening, match.group(1))
        process.stdout.close()
        exit_message = f"the local engine exited with status {process.wait()}:\n{self.tail()}"
        _call_soon(loop, _fail, listening, BundledEngineError(exit_message))

    def tail(self, lines: int = 20) -> str:
        return "\n".join(list(self.output)[-lines:])

    def find_running(self) -> tuple[str, int] | None:
        """The URL and PID recorded in the state dir, when that process is still alive."""
        record = self.state_dir / "engine.json"
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            url, pid = str(data["url"]), int(data["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return (url, pid) if _alive(pid) and _is_engine(pid) else None

    def running(self) -> bool:
        return self.pid is not None and _alive(self.pid)

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM by PID, wait for a clean exit, SIGKILL if it hangs."""
        if self.pid is None or not _alive(self.pid):
            self._reap()
            return
        os.kill(self.pid, signal.SIGTERM)
        if not self._wait(timeout_s):
            os.kill(self.pid, signal.SIGKILL)
            self._wait(timeout_s)
        self._reap()

    def _wait(self, timeout_s: float) -> bool:
        if self._process is not None:
            try:
                self._process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                return False
            return True
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(self.pid):
            time.sleep(0.05)
        return not _alive(self.pid)

    def _reap(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.wait(5)


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _call_soon(loop: asyncio.AbstractEventLoop, callback, *args) -> None:
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:
        pass  # the loop is closed: nobody waits for the answer any more


def _resolve(future: asyncio.Future, url: str) -> None:
    if not future.done():
        future.set_result(url)


def _fail(future: asyncio.Future, error: Exception) -> None:
    if not future.done():
        future.set_exception(error)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def _is_engine(pid: int) -> bool:
    """Guard against a recycled PID: the process must be a mohawk engine (where /proc tells)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return True
    return b"mohawk_engine" in cmdline or b"mohawk-engine" in cmdline
