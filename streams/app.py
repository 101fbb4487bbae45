"""The Faust app: configuration, topics, tables, and the agents and views registered on it.

`create_service(settings)` builds everything for one worker; the CLI's `worker` command runs it.
Tables hold the engine's state (`agents.core` Stores): each Stores mapping is a
changelog-backed Faust table, written only while processing the dyad's partition of
`exchange.events`, so the worker that owns that partition owns the whole state.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import time
from collections.abc import Iterator
from typing import Any

import faust
from faust.sensors.prometheus import setup_prometheus_sensors

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.stores import Stores
from agents.core.writeback import write_back
from agents.stream import classify, ingest
from agents.stream.held import HeldWrites
from agents.stream.positions import Positions
from agents.stream.service import Service
from streams import alertmanager, faust_codec, faust_fixes, health, metrics, web
from streams.range_reader import RangeReader
from streams.settings import Settings
from streams.topics import TopicNames, changelog_configs

log = logging.getLogger("exchange_watch")


def _credentials(settings: Settings) -> Any:
    if settings.sasl_mechanism is None:
        if settings.security_protocol == "SSL":
            return faust.SSLCredentials(settings.ssl_context())
        return None
    password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
    return faust.SASLCredentials(
        username=settings.sasl_user,
        password=password,
        mechanism=settings.sasl_mechanism,
        ssl_context=settings.ssl_context(),
    )


RUNNING_MARKER = "worker.running"


@contextlib.contextmanager
def local_state(settings: Settings) -> Iterator[bool]:
    """Guard the on-disk table store across the worker's life; yields True when it was rebuilt.

    RocksDB keeps writes that Kafka never committed (a transaction aborted by a crash), so a
    store left by a worker that did not stop cleanly may hold changes the changelog does not.
    Such a store is removed, and the tables are rebuilt from the changelog alone (committed
    data only under exactly-once). A clean stop removes the marker, keeping restarts fast.
    """
    data_dir = settings.data_dir
    marker = data_dir / RUNNING_MARKER
    rebuilt = False
    if marker.exists():
        for child in data_dir.iterdir():
            if child.name == RUNNING_MARKER:
                continue
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        rebuilt = True
    data_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(str(os.getpid()))
    try:
        yield rebuilt
    finally:
        marker.unlink(missing_ok=True)


def make_app(settings: Settings) -> faust.App:
    faust_fixes.apply()
    faust_codec.register()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=settings.broker,
        broker_credentials=_credentials(settings),
        store=settings.store,
        datadir=str(settings.data_dir),
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication,
        processing_guarantee=settings.processing_guarantee,
        web_host=settings.web_host,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        canonical_url=settings.worker_url,
        web_enabled=True,
        # Only the views of docs/design.md: Faust's /router and /table views (cluster layout,
        # table contents) are off; routing between workers does not need them.
        web_router_enabled=False,
        web_tables_enabled=False,
        web_stats_enabled=False,
        web_graph_enabled=False,
        # aiohttp refuses request lines over 8190 bytes in plain text; up to 16 KB the views
        # answer themselves, with their JSON error.
        web_application_options={"handler_args": {"max_line_size": 16 * 1024}},
        autodiscover=False,
        value_serializer="orjson",
        key_serializer="raw",
        consumer_auto_offset_reset="earliest",
        table_standby_replicas=0,
        # A member that stops heartbeating (kill -9, a lost host) holds its partitions this
        # long; Faust's 60 s kept a restarted worker idle for most of a minute. Heartbeats come
        # from the consumer's own thread, so a busy event loop does not miss them.
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=min(3.0, settings.session_timeout_seconds / 3),
        consumer_group_instance_id=settings.group_instance_id,
    )
    setup_prometheus_sensors(app, pattern="/metrics", name_prefix="exchange_watch")
    faust_fixes.cache_sensor_labels(app)
    return app


def create_service(settings: Settings | None = None, config: Config | None = None) -> Service:
    """`config`: the core's configuration, if the caller read it already (else from settings)."""
    settings = settings or Settings.from_env()
    app = make_app(settings)
    names = TopicNames.with_prefix(settings.topic_prefix)

    def raw_topic(name: str) -> faust.TopicT:
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
            internal=True,  # created at start with these partitions, if missing
        )

    changelog = changelog_configs(settings.changelog_segment_seconds)
    tables = {
        field.name: app.Table(
            field.name,
            schema=faust.Schema(key_type=str, key_serializer="raw", value_serializer="json"),
            partitions=settings.partitions,
            extra_topic_configs=changelog,
        )
        for field in dataclasses.fields(Stores)
    }
    # Reads kept in memory, writes held and made once per key (agents/stream/held.py; the
    # tables stay the truth: forgotten at every rebalance, below).
    stores = write_back(Stores(**tables))
    # Each agent's next offset per input partition (agents/stream/positions.py); not engine state.
    positions_table = app.Table(
        "positions",
        schema=faust.Schema(key_type=str, key_serializer="raw", value_serializer="json"),
        partitions=settings.partitions,
        extra_topic_configs=changelog,
    )
    range_reader = RangeReader(settings)

    @app.on_before_shutdown.connect
    async def stop_range_reader(sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        await range_reader.stop()

    config = config or settings.config()
    positions = Positions(app, positions_table, range_reader)
    # Writes are held across events under exactly-once only, where offsets advance only in
    # a transaction that first takes every held write. Under at-least-once a join/leave run
    # once ended short with them held (docs/reliability.md): it writes after every event.
    batch = settings.batch_events if settings.processing_guarantee == "exactly_once" else 1
    held = HeldWrites(stores, positions, batch)
    # No commit passes an event whose writes are held (streams/faust_fixes.py, correction 10).
    faust_fixes.before_commit(app, held.write)
    service = Service(
        settings=settings,
        app=app,
        names=names,
        news_items=raw_topic(names.news_items),
        news_classified=app.topic(
            names.news_classified,
            value_serializer="orjson",
            partitions=settings.partitions,
            internal=True,
        ),
        exchange_events=raw_topic(names.exchange_events),
        ticks=raw_topic(names.ticks),
        alerts=app.topic(names.alerts, value_serializer="orjson", partitions=1, internal=True),
        deadletter=app.topic(
            names.deadletter, value_serializer="orjson", partitions=1, internal=True
        ),
        tables=tables,
        stores=stores,
        engine=Engine(stores, config),
        positions=positions,
        held=held,
    )

    # A rebalance may give the tables to another worker, or rebuild them from their changelogs:
    # what the stores and the engine keep is dropped, and read again from the tables. The last
    # drop is at the end of the recovery: views answered during it may have read half-rebuilt
    # tables.
    async def forget_kept(sender: Any, /, *args: Any, **kwargs: Any) -> None:
        dropped = held.drop()
        if dropped:
            log.info("rebalance: %d table writes of uncommitted events dropped", dropped)
        service.engine.forget()

    for signal in (
        app.on_partitions_revoked,
        app.on_partitions_assigned,
        app.on_rebalance_complete,
    ):
        signal.connect(forget_kept)

    # Registration, in one place: each agent and view is given the shared handles.
    classify.register(service)
    ingest.register(service)
    web.register(service)
    health.register(service)
    metrics.register_engine(
        service.engine, lambda: service.owns_dyad, live=settings.clock == "live"
    )
    metrics.start_counters(
        [names.news_items, names.exchange_events, names.ticks],
        (classify.STAGE, ingest.STAGE),
    )
    metrics.NEWS_LAST_RECEIVED.set(time.time())
    metrics.NEWS_SILENCE_THRESHOLD.set(settings.news_silence_seconds)
    if settings.alertmanager_url:
        alertmanager.register(service)
    return service
