"""A stalled partition is read again from the agents' own position (streams/health.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from faust.types import TP

from agents.core.position import cursor_key
from agents.positions import Positions
from streams.health import read_again


class SeekLog:
    def __init__(self) -> None:
        self.seeks: list[tuple[TP, int]] = []

    async def seek(self, tp: TP, offset: int) -> None:
        self.seeks.append((tp, offset))


class ServiceWith:
    def __init__(self, table: dict[str, int]) -> None:
        self.positions = Positions(app=None, table=table, reader=None)  # type: ignore[arg-type]


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
