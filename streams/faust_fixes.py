"""Eleven corrections to faust-streaming that the service's guarantees depend on.

They replace Faust internals by name, so they hold for the one version they were tested on,
`TESTED_WITH`, which pyproject.toml pins exactly; `apply()` refuses any other version, and
the worker does not start on one (review each correction against the new code first).

The first seven were found by the kill -9, rebalance and cluster tests (a swap counted twice after
a restart; totals short after a rebalance; swaps lost at a handover). Table writes are
queued in the producer's buffer (`send_soon`) and sent by one background task; the first
three are faults in how Faust cuts that queue at a commit:

1. `ProducerBuffer.flush` is not a drain: it returns as soon as one message takes over 0.1 s,
   and never waits for the message the sender task is sending. Offsets were committed while
   writes of the events before them were still queued, and a crash or a stop lost them.
   `flush` here waits until the queue is empty and nothing is in flight.
2. The exactly-once commit (`TransactionManager.commit`) did not flush at all, and even a
   drain is not enough: events keep being applied while the commit awaits the broker, so a
   transaction could end in the middle of one event's writes. After a crash the event was
   applied again on top of half of its own effects. Now the commit closes a gate that every
   table writer passes (`table_writes()`), drains, commits, and opens it again: a
   transaction always holds whole events.
3. On a rebalance, Faust forgets the offsets acknowledged since the last commit before it
   commits, so under exactly-once the open transaction was aborted while the worker's local
   tables kept its writes; when the partitions came back, those uncommitted writes were taken
   as applied and the events they came from were skipped. Now the consumer stops the flow,
   waits for the events in hand and commits before Faust's revocation runs.
4. Messages an agent sends while handling an event (alerts, dead letters, classified news,
   events read from news) went to the transaction of their destination partition, or to no
   transaction at all for a topic the worker does not read (faust-streaming#177): after a
   crash they were sent again, and in a cluster a destination partition owned by another
   worker had no transaction to join. Inside `atomic_message(message)` they now join the
   transaction of the event's own partition, with its table writes and its offset. Sends
   outside any event (the wall-clock tick) are sent outside transactions.
5. Under exactly-once, Faust took a changelog's end for table recovery from the consumer's
   cached last stable offset, which is unknown (-1) for a partition not fetched yet: a worker
   taking over partitions, or restarting, believed the changelogs empty, started from empty
   tables and went on from the committed offsets (the totals lost everything before the
   handover). The end is now asked of the broker, at read_committed isolation.
6. When a worker stops, Faust cancels its agents and acknowledges the event each one had in
   hand, handled or not, and the final commit takes its offset: an event cancelled while it
   waited at the gate was lost (one swap missing after the owner of the tables left, once in
   four runs). `to_the_end(...)` lets the handling of the event in hand finish first.
7. Faust's fetch loop hands each message to the streams while racing a flow suspension (a
   rebalance); when the suspension wins, the delivery is cancelled but the loop still records
   the message as read. After the seek back to the committed offsets that ends a rebalance,
   messages recorded so were skipped as already read: two or three consecutive swaps lost,
   or a hole the commits could not pass. The read position now only moves for messages that
   were delivered.
8. Under exactly-once every changelog ends in a transaction marker (a commit marker after a
   clean stop, the abort marker of the open transaction after a kill), which the consumer
   never delivers, so the table recovery never sees the record it waits for. It looks at the
   consumer's position only after two idle rounds of its changelog loop, 5 s each: every
   restart waited 10 s with its tables already whole. The idle round is now
   `RECOVERY_IDLE_SECONDS` (Faust's two rounds still guard against records fetched but not
   yet queued), found by `bench/bench_restart.py`.
9. Faust subscribes as soon as the broker has answered its requests to create the topics, but
   a broker busy after a restart (thousands of partitions to load) can leave new topics out of
   its metadata for seconds. aiokafka assigns partitions from the metadata it read at the
   subscription and never asks again for topics it did not find, until its metadata max age
   (5 min): the worker was assigned no partition at all and stayed idle (3 of 10 runs of
   `bench/bench_restart.py`). The consumer now subscribes once every topic is in the
   broker's metadata (or after `TOPIC_WAIT_SECONDS`, with a warning naming those missing).
10. Not a fault of Faust, but its consequence for the ingest agent, which holds its table
   writes in memory across events and writes each changed key once (agents/stream/held.py):
   a commit must not pass an event whose writes are still held. Every commit now first
   calls the writers registered with `before_commit(...)`, between two events (under the
   gate of correction 2), so that the writes go out before the offsets, in the same
   transaction under exactly-once. `writing_for(event)` gives such writes the changelog
   partition of the event they came from.
11. Not a fault either, but a cost: Faust's Prometheus sensor finds the labelled child of a
   metric (`Counter.labels(...)`, a lock and a validation) on every table read and write and
   every message sent, a tenth of the worker's time under load. `cache_sensor_labels(app)`
   keeps each child once found; the metrics, their names and values are Faust's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from importlib.metadata import version
from typing import Any

from aiokafka import AIOKafkaClient
from aiokafka.errors import KafkaError
from faust import streams as faust_streams
from faust.tables import recovery
from faust.transport.consumer import Consumer, TransactionManager
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread
from faust.transport.producer import ProducerBuffer
from faust.types import EventT, Message

# The faust-streaming release these corrections were written and tested against.
TESTED_WITH = "0.15.3"

# How long the table recovery waits for a changelog record before it looks at the positions.
RECOVERY_IDLE_SECONDS = 1.0

# How long a subscription waits for its topics to be in the broker's metadata, and how often
# it asks.
TOPIC_WAIT_SECONDS = 60.0
TOPIC_POLL_SECONDS = 0.25

# How long a revocation waits for the events in hand before committing what is acknowledged.
REVOKE_WAIT_SECONDS = 10.0

log = logging.getLogger("exchange_watch")

_gate: asyncio.Lock | None = None
# The partition (topic, number) of the event being handled, in the agent's task only.
_source: ContextVar[tuple[str, int] | None] = ContextVar("exwatch_source", default=None)


def _the_gate() -> asyncio.Lock:
    global _gate
    if _gate is None:
        _gate = asyncio.Lock()
    return _gate


@contextlib.asynccontextmanager
async def atomic_message(message: Message) -> AsyncIterator[None]:
    """Hold while handling one input message: its table writes and the messages sent inside
    go to one transaction (under exactly-once), which a commit never splits."""
    token = _source.set((message.topic, message.partition))
    try:
        async with _the_gate():
            yield
    finally:
        _source.reset(token)


async def to_the_end(handling: Awaitable[None]) -> None:
    """Await one event's handling; if the agent is cancelled meanwhile, let the handling
    finish before the cancellation goes on (Faust will acknowledge the event anyway)."""
    task = asyncio.ensure_future(handling)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def before_commit(app: Any, write: Callable[[], object]) -> None:
    """Call `write` at every commit of `app`'s consumer, between two events, before the
    offsets (and, under exactly-once, the transaction) are committed: writes held in memory
    are made then, so that no commit passes an event whose writes are not in it."""
    app.__dict__.setdefault("_exwatch_before_commit", []).append(write)


def _write_held(app: Any) -> None:
    for write in app.__dict__.get("_exwatch_before_commit", ()):
        write()


@contextlib.contextmanager
def writing_for(event: EventT) -> Iterator[None]:
    """Table writes made inside go to the changelog partition of `event`, as if made while
    it was handled (Faust takes the partition from the stream's current event)."""
    token = faust_streams._current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        faust_streams._current_event.reset(token)


# 1. A flush that drains.

_original_send_pending = ProducerBuffer._send_pending


async def _send_pending_counted(self: ProducerBuffer, fut: Any) -> None:
    self.__dict__["_exwatch_in_flight"] = self.__dict__.get("_exwatch_in_flight", 0) + 1
    try:
        await _original_send_pending(self, fut)
    finally:
        self.__dict__["_exwatch_in_flight"] -= 1


def _in_flight(buffer: ProducerBuffer) -> int:
    return int(buffer.__dict__.get("_exwatch_in_flight", 0))


async def _drain(self: ProducerBuffer) -> None:
    while True:
        while _in_flight(self):
            await asyncio.sleep(0.001)
        if not self.size:
            return
        if self.should_stop:
            # The sender task is ending (worker stopping): send the rest in order here.
            await _send_pending_counted(self, self.pending.get_nowait())
        else:
            await asyncio.sleep(0.001)


# 2. An exactly-once commit of whole events only.

_original_commit = TransactionManager.commit


async def _commit_whole_events(
    self: TransactionManager, offsets: Any, start_new_transaction: bool = True
) -> bool:
    async with _the_gate():
        _write_held(self.app)
        await self.producer.flush()
        return bool(await _original_commit(self, offsets, start_new_transaction))


# 3. Commit before a revocation forgets what was acknowledged.

_original_revoked = Consumer.on_partitions_revoked


async def _commit_then_revoke(self: Consumer, revoked: Any) -> None:
    app: Any = self.app
    if not self.should_stop and self.assignment():
        self.stop_flow()
        app.flow_control.suspend()
        app.flow_control.clear()
        deadline = time.monotonic() + REVOKE_WAIT_SECONDS
        while self._unacked_messages and time.monotonic() < deadline:
            await self._wait_for_ack(timeout=0.2)
            self._clean_unacked_messages()
        await self.commit()
    await _original_revoked(self, revoked)


# 4. Sends join the transaction of the event being handled.

_original_send = TransactionManager.send


async def _send_with_source(
    self: TransactionManager,
    topic: str,
    key: bytes | None,
    value: bytes | None,
    partition: int | None,
    timestamp: float | None,
    headers: Any,
    *,
    transactional_id: str | None = None,
) -> Any:
    source = _source.get()
    if source is None:
        if topic in self.app.tables.changelog_topics:
            # Table writes come from the buffer's sender task; their partition is the
            # source partition, so Faust's own choice of transaction is the right one.
            return await _original_send(self, topic, key, value, partition, timestamp, headers)
        return await self.producer.send(topic, key, value, partition, timestamp, headers)
    app: Any = self.app
    group = app.assignor.group_for_topic(source[0])
    tid = f"{app.conf.id}-{group}-{source[1]}"
    return await self.producer.send(
        topic, key, value, partition, timestamp, headers, transactional_id=tid
    )


# 5. Changelog ends from the broker.


async def _highwaters_from_broker(self: AIOKafkaConsumerThread, partitions: Any) -> Any:
    # The consumer reads at read_committed under exactly-once, so the broker answers with the
    # last stable offset: committed data only, as recovery needs.
    return await self._ensure_consumer().end_offsets(list(partitions))


# 7. The read position moves only for delivered messages.


class _ReadOffsets(defaultdict[Any, int | None]):
    """Faust's map of read positions, which ignores the positions of undelivered messages."""

    def __init__(self) -> None:
        super().__init__(lambda: None)
        self.undelivered: set[tuple[Any, int]] = set()

    def __setitem__(self, tp: Any, offset: int | None) -> None:
        if offset is not None and (tp, offset) in self.undelivered:
            self.undelivered.discard((tp, offset))
            return
        super().__setitem__(tp, offset)


_original_consumer_init = Consumer.__init__


def _consumer_init(self: Consumer, *args: Any, **kwargs: Any) -> None:
    _original_consumer_init(self, *args, **kwargs)
    offsets = _ReadOffsets()
    offsets.update(self._read_offset)
    self._read_offset = offsets
    deliver = self.callback

    async def delivering(message: Any) -> None:
        try:
            await deliver(message)
        except asyncio.CancelledError:
            offsets.undelivered.add((message.tp, message.offset))
            raise

    self.callback = delivering


# 8. Shorter idle rounds in the table recovery.


class _RecoveryAsyncio:
    """asyncio as `faust.tables.recovery` sees it: the same module, except that its one
    `wait_for` (the changelog loop's idle round, 5 s) lasts at most `RECOVERY_IDLE_SECONDS`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait_for(awaitable: Awaitable[Any], timeout: float | None) -> Any:
        if timeout is not None:
            timeout = min(timeout, RECOVERY_IDLE_SECONDS)
        return await asyncio.wait_for(awaitable, timeout)


_RECOVERY_ASYNCIO = _RecoveryAsyncio()


# 9. Subscribe once the topics are in the broker's metadata.


async def topics_missing(client: AIOKafkaClient, topics: set[str], timeout: float) -> set[str]:
    """Ask the broker for its metadata until each of `topics` has partitions there; the
    topics still missing after `timeout` seconds (none, normally)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            # All topics: a request naming them would have the broker create missing ones.
            cluster = await client.fetch_all_metadata()
            missing = {t for t in topics if not cluster.partitions_for_topic(t)}
        except KafkaError:
            missing = set(topics)
        if not missing or time.monotonic() >= deadline:
            return missing
        await asyncio.sleep(TOPIC_POLL_SECONDS)


_original_subscribe = AIOKafkaConsumerThread.subscribe


async def _subscribe_known_topics(self: AIOKafkaConsumerThread, topics: Any) -> None:
    wanted = set(topics)
    client = self._ensure_consumer()._client
    missing = await self.call_thread(topics_missing, client, wanted, TOPIC_WAIT_SECONDS)
    if missing:
        log.warning(
            "topics not in the broker's metadata after %.0f s, subscribing without them: %s",
            TOPIC_WAIT_SECONDS,
            ", ".join(sorted(missing)),
        )
    await _original_subscribe(self, wanted)


# 10. Writes held in memory are made before every commit.

_original_commit_offsets = Consumer._commit_offsets


async def _commit_offsets_after_writes(
    self: Consumer, offsets: Any, start_new_transaction: bool = True
) -> bool:
    if not self.in_transaction:
        # At least once: between two events; the commit's drain then sends the writes
        # before the offsets. (Exactly-once writes them in its transaction, correction 2.)
        async with _the_gate():
            _write_held(self.app)
    return bool(await _original_commit_offsets(self, offsets, start_new_transaction))


# 11. The sensor's labelled metrics found once.


class _CachedLabels:
    """A labelled Prometheus metric whose children are looked up once per label set."""

    def __init__(self, metric: Any) -> None:
        self._metric = metric
        self._children: dict[tuple[Any, ...], Any] = {}

    def labels(self, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(kwargs.items()))  # (each call site names its labels in one order)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = self._metric.labels(*args, **kwargs)
        return child

    def __getattr__(self, name: str) -> Any:
        return getattr(self._metric, name)


def cache_sensor_labels(app: Any) -> None:
    """Have the app's Prometheus monitor (from `setup_prometheus_sensors`) keep the children
    of its labelled metrics."""
    metrics = app.monitor._metrics
    app.monitor._metrics = metrics._replace(
        **{
            name: _CachedLabels(metric)
            for name, metric in metrics._asdict().items()
            if getattr(metric, "_labelnames", ())
        }
    )


_PATCHES: tuple[tuple[type, str, Any], ...] = (
    (ProducerBuffer, "_send_pending", _send_pending_counted),
    (ProducerBuffer, "flush", _drain),
    (TransactionManager, "commit", _commit_whole_events),
    (TransactionManager, "send", _send_with_source),
    (Consumer, "on_partitions_revoked", _commit_then_revoke),
    (Consumer, "_commit_offsets", _commit_offsets_after_writes),
    (AIOKafkaConsumerThread, "_highwaters", _highwaters_from_broker),
    (Consumer, "__init__", _consumer_init),
    (AIOKafkaConsumerThread, "subscribe", _subscribe_known_topics),
)
_MODULE_PATCHES: tuple[tuple[Any, str, Any], ...] = ((recovery, "asyncio", _RECOVERY_ASYNCIO),)


class UntestedFaust(RuntimeError):
    """The installed faust-streaming is not the release the corrections were tested on."""


def check_version(installed: str | None = None) -> None:
    """Refuse any faust-streaming but `TESTED_WITH`: the corrections replace its internals,
    and on another release they could silently stop correcting, or break it."""
    found = installed if installed is not None else version("faust-streaming")
    if found != TESTED_WITH:
        raise UntestedFaust(
            f"faust-streaming {found} is installed, but the corrections in "
            f"streams/faust_fixes.py were tested on {TESTED_WITH} only: install "
            f"faust-streaming=={TESTED_WITH} (as pyproject.toml pins it), or review each "
            "correction against the new release's code and its tests before raising TESTED_WITH"
        )


def apply() -> None:
    """Install the corrections (idempotent), on the tested faust-streaming only."""
    check_version()
    for owner, name, replacement in _PATCHES + _MODULE_PATCHES:
        if getattr(owner, name) is not replacement:
            setattr(owner, name, replacement)
