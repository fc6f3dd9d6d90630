"""mohawk-bench against another v2 server: a minimal one written here, serving only metadata and infer.

It also misbehaves on demand (chunked replies, 5xx, dropped connections, no reply, slow
replies) to show that each becomes an error of its kind, not a crash.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mohawk_bench.results import LoadResult, load_result

METADATA = {
    "name": "m", "versions": ["1"], "platform": "test",
    "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 4]}],
    "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1, 1]}],
}  # fmt: skip
REPLY = json.dumps({"model_name": "m", "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 1], "data": [0.5]}]})


class V2Server:
    """GET /v2/models/m and POST /v2/models/m/infer; `behaviour(n)` picks how the n-th infer is answered."""

    def __init__(self, behaviour: Callable[[int], str] = lambda n: "ok") -> None:
        self.behaviour = behaviour
        self.seen: list[tuple[str, str]] = []
        self.infer_bodies: list[dict] = []

    async def __aenter__(self) -> V2Server:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc) -> None:
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                method, path, _ = head.split("\r\n", 1)[0].split(" ")
                headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in head.split("\r\n")[1:] if h)}
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self.seen.append((method, path))
                if (method, path) == ("GET", "/v2/models/m"):
                    writer.write(_reply(200, json.dumps(METADATA)))
                    continue
                if (method, path) != ("POST", "/v2/models/m/infer"):
                    writer.write(_reply(404, '{"error":"not found"}'))
                    continue
                self.infer_bodies.append(json.loads(body))
                if not await self._answer(self.behaviour(len(self.infer_bodies)), writer):
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, action: str, writer: asyncio.StreamWriter) -> bool:
        """Answer one infer; False to drop the connection."""
        if action == "drop":
            return False
        if action == "hang":
            await asyncio.sleep(1.0)
            return False
        if action == "slow":
            await asyncio.sleep(0.05)
        if action == "chunked":
            chunks = [REPLY[i : i + 7].encode() for i in range(0, len(REPLY), 7)]
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
        elif action == "503":
            writer.write(_reply(503, '{"error":"overloaded"}'))
        else:
            writer.write(_reply(200, REPLY))
        await writer.drain()
        return True


def _reply(status: int, body: str) -> bytes:
    data = body.encode()
    return b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (status, len(data), data)


async def bench(tmp_path: Path, url: str, *args: str) -> LoadResult:
    out = tmp_path / "result.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mohawk_bench", url, "m", *args, "--output", str(out), "--quiet",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    return load_result(out)


async def test_json_tensors_need_only_the_standard_metadata_and_infer_routes(tmp_path):
    async with V2Server() as server:
        result = await bench(tmp_path, server.url, "--json", "--concurrency", "2", "--requests", "50")
    assert (result.totals.successes, result.totals.errors) == (50, 0)
    assert set(server.seen) == {("GET", "/v2/models/m"), ("POST", "/v2/models/m/infer")}
    assert server.seen.count(("GET", "/v2/models/m")) == 1
    [tensor] = server.infer_bodies[0]["inputs"]
    assert (tensor["name"], tensor["datatype"], tensor["shape"], len(tensor["data"])) == ("x", "FP32", [1, 4], 4)


async def test_given_npz_data_is_sent_as_is_without_reading_the_metadata(tmp_path):
    data = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.savez(tmp_path / "inputs.npz", x=data)
    async with V2Server() as server:
        result = await bench(tmp_path, server.url, "--json", "--data", str(tmp_path / "inputs.npz"), "--requests", "5")
    assert server.seen == [("POST", "/v2/models/m/infer")] * 5
    [tensor] = server.infer_bodies[0]["inputs"]
    assert (tensor["shape"], tensor["data"]) == ([2, 4], data.reshape(-1).tolist())
    assert (result.totals.successes, result.items_per_request, result.totals.items) == (5, 2, 10)


async def test_chunked_replies_are_read(tmp_path):
    async with V2Server(lambda n: "chunked") as server:
        result = await bench(tmp_path, server.url, "--json", "--concurrency", "2", "--requests", "40")
    assert (result.totals.successes, result.totals.errors) == (40, 0)


async def test_failures_are_counted_by_kind_and_the_run_ends(tmp_path):
    actions = {0: "ok", 1: "503", 2: "drop", 3: "ok", 4: "hang"}
    async with V2Server(lambda n: actions[n % 5] if n < 40 else "ok") as server:
        result = await bench(tmp_path, server.url, "--json", "--concurrency", "4", "--requests", "80", "--timeout", "0.3")
    assert result.totals.requests == 80
    assert result.errors == {"http_5xx": 8, "connection": 8, "timeout": 8}
    assert result.error_samples["http_5xx"] == '503: {"error":"overloaded"}'
    assert result.error_samples["timeout"] == "no response within 0.3 s"
    assert result.totals.successes == 56


async def test_an_open_loop_that_cannot_keep_up_reports_late_and_missed_sends(tmp_path):
    async with V2Server(lambda n: "slow") as server:
        result = await bench(tmp_path, server.url, "--json", "--rate", "200", "--max-in-flight", "2", "--duration", "1")
    # two connections at 50 ms a reply carry about 40 of the 200 requests a second asked for
    assert result.totals.successes < 60
    assert result.totals.late > 0 and result.totals.missed > 100
    assert result.latency.p50_ms > 100, "latency counts from the scheduled send time"
