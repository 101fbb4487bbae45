"""The parts of streams.faust_fixes that need no broker: the version they hold for, and handling
that outlives a cancellation."""

from __future__ import annotations

import asyncio
import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from faust.tables import recovery

from streams import faust_fixes
from streams.cli import main
from streams.faust_fixes import (
    RECOVERY_IDLE_SECONDS,
    TESTED_WITH,
    UntestedFaust,
    _ReadOffsets,
    check_version,
    to_the_end,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_installed_faust_is_the_tested_one_and_pyproject_pins_it_exactly() -> None:
    assert version("faust-streaming") == TESTED_WITH
    check_version()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"faust-streaming=={TESTED_WITH}" in project["dependencies"]


def test_another_faust_release_is_refused_with_both_versions_named() -> None:
    with pytest.raises(UntestedFaust, match=r"faust-streaming 0\.16\.0 is installed") as err:
        check_version("0.16.0")
    assert f"tested on {TESTED_WITH} only" in str(err.value)
    with pytest.raises(UntestedFaust):
        check_version("0.15.2")


def test_the_worker_does_not_start_on_another_faust_release(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(faust_fixes, "version", lambda _name: "0.16.0")
    with pytest.raises(UntestedFaust):
        faust_fixes.apply()
    # No broker is reachable at this address: the refusal comes before any connection.
    result = CliRunner().invoke(main, ["--broker", "kafka://127.0.0.1:9", "worker"])
    assert result.exit_code == 1
    assert "faust-streaming 0.16.0 is installed" in result.output
    assert "Traceback" not in result.output


def test_the_module_docstring_counts_the_corrections_it_lists() -> None:
    doc = faust_fixes.__doc__ or ""
    listed = re.findall(r"^(\d+)\. ", doc, flags=re.MULTILINE)
    assert listed == [str(n) for n in range(1, len(listed) + 1)]
    words = ["One", "Two", "Three", "Four", "Five", "Six"]
    words += ["Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve"]
    assert doc.startswith(f"{words[len(listed) - 1]} corrections")


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


def test_the_recovery_waits_in_its_changelog_loop_once_with_the_round_the_correction_shortens() -> (
    None
):
    # Correction 8 reaches the loop through the module's `asyncio`: it must still be the only
    # wait_for there, the changelog loop's 5 s idle round, followed by the two-round check.
    source = inspect.getsource(recovery)
    assert source.count("asyncio.wait_for(") == 1
    start = source.index("async def _slurp_changelogs(")
    loop = source[start : source.index("def flush_buffers(", start)]
    assert "changelog_queue.get(), timeout=5.0" in loop
    assert "timeout_count > 1" in loop and "await detect_aborted_tx()" in loop


def test_after_apply_the_recovery_idle_round_is_short_and_the_rest_of_asyncio_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    faust_fixes.apply()
    assert recovery.asyncio is not asyncio
    assert recovery.asyncio.Event is asyncio.Event
    assert recovery.asyncio.TimeoutError is asyncio.TimeoutError
    asked: list[float | None] = []

    async def recording(awaitable: object, timeout: float | None) -> str:
        asked.append(timeout)
        return "done"

    monkeypatch.setattr(asyncio, "wait_for", recording)

    async def scenario() -> None:
        assert await recovery.asyncio.wait_for(None, timeout=5.0) == "done"
        assert await recovery.asyncio.wait_for(None, timeout=0.25) == "done"
        assert await recovery.asyncio.wait_for(None, timeout=None) == "done"

    asyncio.run(scenario())
    assert asked == [RECOVERY_IDLE_SECONDS, min(0.25, RECOVERY_IDLE_SECONDS), None]
