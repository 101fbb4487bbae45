"""HTTP views of the worker (docs/design.md, HTTP): read-only, JSON, routed to the dyad's owner.

All state of the dyad lives with the worker that owns its partition of `exchange.events`, so
every state view is routed there (Faust's topic routing); any worker answers for all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import orjson
from faust import web
from faust.exceptions import SameNode

from schemas.common import KINDS, MAX_YEAR, MIN_YEAR
from streams import health
from streams.topics import DYAD

if TYPE_CHECKING:
    from agents.stream.service import Service

# A query longer than this is refused: no view needs more.
MAX_QUERY = 512
WINDOW_SIZES = ("day", "week", "month")


class BadRequest(Exception):
    pass


def json_response(view: web.View, body: Any, status: int = 200) -> web.Response:
    return view.bytes(
        orjson.dumps(body, option=orjson.OPT_SORT_KEYS),
        content_type="application/json",
        status=status,
    )


def check_query(query: Mapping[str, str], allowed: tuple[str, ...], raw: str) -> None:
    if len(raw) > MAX_QUERY:
        raise BadRequest(f"query is {len(raw)} characters; the limit is {MAX_QUERY}")
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        allowed_text = ", ".join(allowed) if allowed else "none"
        raise BadRequest(f"unknown parameter(s): {', '.join(unknown)}; allowed: {allowed_text}")
    getall = getattr(query, "getall", None)
    if getall is not None:
        for name in set(query):
            if len(getall(name)) > 1:
                raise BadRequest(f"parameter {name!r} given more than once")


def parse_date(value: str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name}={value!r} is not a date (YYYY-MM-DD)") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise BadRequest(f"{name}={value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return day


def windows_args(query: Mapping[str, str]) -> tuple[str, str, dt.date | None, dt.date | None]:
    kind = query.get("kind", "")
    if kind not in KINDS:
        raise BadRequest(f"kind must be one of {', '.join(KINDS)}")
    size = query.get("size", "day")
    if size not in WINDOW_SIZES:
        raise BadRequest(f"size must be one of {', '.join(WINDOW_SIZES)}")
    start = parse_date(query.get("from"), "from")
    end = parse_date(query.get("to"), "to")
    if start and end and start > end:
        raise BadRequest("from is after to")
    return kind, size, start, end


def register(service: Service) -> None:
    app = service.app
    engine = service.engine

    def state_view(
        path: str, allowed: tuple[str, ...], answer: Callable[[Mapping[str, str]], Any]
    ) -> None:
        async def handler(self: web.View, request: web.Request) -> web.Response:
            try:
                check_query(request.query, allowed, request.query_string)
            except BadRequest as exc:
                return json_response(self, {"error": str(exc)}, status=400)
            # The router hashes the key with the producer's partitioner, which needs the
            # topic's metadata: ask for it first (a no-op once known).
            producer: Any = app.producer
            await producer._ensure_producer().partitions_for(service.names.exchange_events)
            try:
                return await app.router.route_topic_req(
                    service.exchange_events, DYAD, self.web, request
                )
            except SameNode:
                pass
            try:
                return json_response(self, answer(request.query))
            except BadRequest as exc:
                return json_response(self, {"error": str(exc)}, status=400)

        handler.__name__ = "view_" + path.strip("/").replace("/", "_")
        app.page(path)(handler)

    def windows(q: Mapping[str, str]) -> Any:
        kind, size, start, end = windows_args(q)
        return engine.windows(kind, size, start, end)

    state_view("/totals", (), lambda q: engine.totals())
    state_view("/totals/windows", ("kind", "size", "from", "to"), windows)
    state_view("/agreements", (), lambda q: engine.agreements())
    state_view("/suspensions", (), lambda q: engine.suspensions())
    state_view("/alerts", (), lambda q: engine.alerts())

    @app.page("/healthz")
    async def healthz(self: web.View, request: web.Request) -> web.Response:
        if request.query_string:
            return json_response(self, {"error": "no parameters allowed"}, status=400)
        state = health.recovery_state(service)
        if state is not None and state[0]:
            # The tables are being rebuilt from their changelogs: the views may show part.
            body = {"status": "recovering", "remaining_messages": state[2]}
            return json_response(self, body, status=503)
        if not service.ready:
            return json_response(self, {"status": "starting"}, status=503)
        wrong = health.problems(service)
        if wrong:
            return json_response(self, {"status": "degraded", "problems": wrong}, status=503)
        return json_response(self, {"status": "ok"})

    @app.task
    async def mark_ready() -> None:
        # Tasks start once the app's services (consumer, agents, web) have started.
        service.ready = True
