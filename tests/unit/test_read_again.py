"""A stalled partition is read again from the agents' own position (streams/health.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from agents.core.position import cursor_key
from agents.stream.positions import Positions
from streams.health import read_again


class SeekLog:
    """Stands in for Faust's consumer: its committed offsets, what is sought and acked."""

    def __init__(self, committed: dict[TP, int] | None = None) -> None:
        self.seeks: list[tuple[TP, int]] = []
        self.acked: list[tuple[str, int, int]] = []
        self._committed_offset = committed or {}

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))

    def ack(self, message: Any) -> bool:
        self.acked.append((message.topic, message.partition, message.offset))
        return True


class AppWith:
    def __init__(self, consumer: SeekLog) -> None:
        self.consumer = consumer


class ServiceWith:
    def __init__(self, table: dict[str, int], consumer: SeekLog | None = None) -> None:
        app = AppWith(consumer or SeekLog())
        self.positions = Positions(app=app, table=table, reader=None)  # type: ignore[arg-type]


def test_a_stalled_partition_is_read_again_from_the_next_offset_to_handle() -> None:
    consumer = SeekLog()
    service: Any = ServiceWith({cursor_key("events", 0): 3031})
    asyncio.run(read_again(service, consumer, "events", 0))
    assert consumer.seeks == [(TP("events", 0), 3031)]


def test_a_partition_never_handled_is_left_to_the_consumer() -> None:
    consumer = SeekLog()
    service: Any = ServiceWith({cursor_key("events", 0): 3031})
    asyncio.run(read_again(service, consumer, "events", 1))
    assert consumer.seeks == []


def test_handled_offsets_the_consumer_passed_over_are_acknowledged_before_the_seek() -> None:
    """The consumer's commit stands at 3028 with 3028-3030 handled but never delivered (no
    later message shows the jump): they are acknowledged, so its commits can pass them."""
    consumer = SeekLog({TP("events", 0): 3028})
    service: Any = ServiceWith({cursor_key("events", 0): 3031}, consumer)
    asyncio.run(read_again(service, consumer, "events", 0))
    assert consumer.acked == [("events", 0, 3028), ("events", 0, 3029), ("events", 0, 3030)]
    assert consumer.seeks == [(TP("events", 0), 3031)]


def test_nothing_is_acknowledged_when_the_commit_is_at_the_position() -> None:
    consumer = SeekLog({TP("events", 0): 3031})
    service: Any = ServiceWith({cursor_key("events", 0): 3031}, consumer)
    asyncio.run(read_again(service, consumer, "events", 0))
    assert consumer.acked == []
