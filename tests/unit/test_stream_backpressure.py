"""Stream backpressure logic: a send that waits too long marks the client slow; buffers stay bounded."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from types import SimpleNamespace

import pytest

from mohawk_engine.api.stream import SlowClient, StreamClient, Subscription, next_tick
from mohawk_engine.api.stream_frames import SharedFrames
from mohawk_engine.schemas.telemetry import LogRecord, MetricsSnapshot


class StalledSocket:
    """A WebSocket whose peer never reads: every send waits forever."""

    def __init__(self) -> None:
        self.closed_with: int | None = None

    async def send_text(self, text: str) -> None:
        await asyncio.Event().wait()

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = code


def engine(send_timeout: float = 0.05, buffer: int = 5):
    telemetry = SimpleNamespace(stream_send_timeout_s=send_timeout, stream_buffer_records=buffer)
    return SimpleNamespace(config=SimpleNamespace(telemetry=telemetry), worker_id="w")


async def test_a_frame_that_waits_past_the_send_timeout_marks_the_client_slow():
    client = StreamClient(StalledSocket(), engine(send_timeout=0.05))
    with pytest.raises(SlowClient, match="0.05 s"):
        await client._send("frame")


def test_buffered_logs_are_bounded_and_drops_counted():
    client = StreamClient(StalledSocket(), engine(buffer=5))
    client._subs["logs"] = Subscription(rate_hz=1.0, session=None, buffer=deque(maxlen=5))
    for i in range(12):
        client._on_log(LogRecord(timestamp=i, level="INFO", source="engine", logger="t", message=str(i)))
    sub = client._subs["logs"]
    assert len(sub.buffer) == 5 and sub.dropped == 7
    assert [r.message for r in sub.buffer] == ["7", "8", "9", "10", "11"]


def test_session_filter_keeps_other_sessions_out():
    client = StreamClient(StalledSocket(), engine())
    client._subs["logs"] = Subscription(rate_hz=1.0, session="a", buffer=deque(maxlen=5))
    client._on_log(LogRecord(timestamp=1, level="INFO", source="b", logger="t", message="other"))
    client._on_log(LogRecord(timestamp=2, level="INFO", source="a", logger="t", message="mine"))
    assert [r.message for r in client._subs["logs"].buffer] == ["mine"]


def test_shared_frames_are_built_once_per_period_and_the_cache_stays_bounded():
    built = []
    snapshot = MetricsSnapshot(timestamp=0, worker_id="w")
    fake = SimpleNamespace(worker_id="w", metrics=lambda: built.append(1) or snapshot.model_copy())
    frames = SharedFrames(fake, max_age_s=60, max_entries=8)
    first = frames.frame("metrics", "update", None)
    assert frames.frame("metrics", "update", None) is first and len(built) == 1
    assert json.loads(first)["data"]["worker_id"] == "w"
    for i in range(100):  # a client may name any session
        frames.frame("metrics", "update", f"session-{i}")
    assert len(frames._cache) <= 8


def test_subscriptions_at_one_rate_fall_due_together():
    """Clients that subscribed at different moments share each tick (and so one frame build)."""
    assert next_tick(100.03, 10) == pytest.approx(100.1) and next_tick(100.07, 10) == pytest.approx(100.1)
    assert next_tick(100.1, 10) == pytest.approx(100.2), "a tick that is due now schedules the next one"
    assert next_tick(7.5, 0.25) == 8.0
