"""The part of streams.faust_fixes that needs no broker: handling that outlives a cancellation."""

from __future__ import annotations

import asyncio

import pytest

from streams.faust_fixes import _ReadOffsets, to_the_end


def test_a_cancelled_agent_lets_the_event_in_hand_finish_then_stops() -> None:
    steps: list[str] = []

    async def scenario() -> None:
        gate = asyncio.Event()

        async def handling() -> None:
            steps.append("started")
            await gate.wait()  # e.g. waiting while a commit holds the gate
            steps.append("finished")

        agent = asyncio.ensure_future(to_the_end(handling()))
        await asyncio.sleep(0)
        agent.cancel()  # what Faust does to its agents at a stop
        await asyncio.sleep(0)
        assert steps == ["started"] and not agent.done()
        gate.set()
        with pytest.raises(asyncio.CancelledError):
            await agent

    asyncio.run(scenario())
    assert steps == ["started", "finished"]


def test_an_error_in_the_handling_reaches_the_agent() -> None:
    async def failing() -> None:
        raise ValueError("bad")

    with pytest.raises(ValueError, match="bad"):
        asyncio.run(to_the_end(failing()))


def test_the_read_position_ignores_a_message_whose_delivery_was_cancelled() -> None:
    offsets = _ReadOffsets()
    offsets["tp"] = 9  # delivered
    offsets.undelivered.add(("tp", 10))
    offsets["tp"] = 10  # Faust records it after a cancelled delivery: ignored
    assert offsets["tp"] == 9
    offsets["tp"] = 10  # delivered when read again after the seek back
    assert offsets["tp"] == 10
    assert offsets["other"] is None  # still Faust's default
