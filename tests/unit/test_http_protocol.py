"""CoalescingTransport: a response head written alone waits for its body, so both leave in one write."""

from __future__ import annotations

import asyncio

from mohawk_engine.api.http_protocol import CoalescingTransport

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"


class RecordingTransport:
    """Records writes (pure logic: no socket needed)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def test_head_and_body_leave_in_one_write():
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(HEAD)
    assert inner.writes == [], "the head waits for its body"
    transport.write(b"hello")
    assert inner.writes == [HEAD + b"hello"]
    await asyncio.sleep(0)
    assert inner.writes == [HEAD + b"hello"], "nothing is sent twice"


async def test_a_head_without_a_body_goes_out_at_the_end_of_the_loop_turn():
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n")
    await asyncio.sleep(0)
    assert len(inner.writes) == 1 and inner.writes[0].startswith(b"HTTP/1.1 101")
    transport.write(b"\x81\x02hi")  # later frames pass straight through
    assert inner.writes[-1] == b"\x81\x02hi"


async def test_close_flushes_a_held_head_first_and_other_calls_pass_through():
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(HEAD)
    transport.close()
    assert inner.writes == [HEAD] and inner.closed
    assert transport.get_extra_info("peername") == "info:peername"


async def test_body_bytes_that_look_like_a_head_keep_their_order():
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"chunk-1")
    transport.write(HEAD)  # held, though it is in fact data
    transport.write(b"chunk-2")
    assert b"".join(inner.writes) == b"chunk-1" + HEAD + b"chunk-2"
