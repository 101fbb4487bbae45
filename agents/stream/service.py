"""The handles one worker's agents and views share: its app, topics, tables, engine, position.

Built and filled by `streams.app.create_service`; the agents (`agents.stream`) and the views
(`streams.web`, `streams.health`, `streams.alertmanager`) import this type, never the app, so
the imports run one way: the app depends on them, and they on this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import faust

from agents.core.engine import Engine
from agents.core.stores import Stores
from agents.stream.held import HeldWrites
from agents.stream.positions import Positions
from agents.stream.watchdog import StallWatch
from streams.settings import Settings
from streams.topics import TopicNames


@dataclass
class Service:
    """One worker's app with the handles its agents and views share."""

    settings: Settings
    app: faust.App
    names: TopicNames
    news_items: faust.TopicT
    news_classified: faust.TopicT
    exchange_events: faust.TopicT
    ticks: faust.TopicT
    alerts: faust.TopicT
    deadletter: faust.TopicT
    tables: dict[str, Any]
    # The engine's mappings as it uses them: each Faust table behind a WriteBack
    # (agents.core.writeback), written by `held`.
    stores: Stores
    engine: Engine
    positions: Positions
    # The ingest agent's writes and positions, held across events (agents/stream/held.py).
    held: HeldWrites
    ready: bool = False
    watch: StallWatch | None = None
    owns_dyad: bool = False
