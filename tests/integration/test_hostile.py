"""Hostile input on every input topic (`news.items`, `exchange.events`) and in the `produce`
command's files: invalid UTF-8, not JSON, deep nesting, huge strings, NaN and infinities, wrong
types, negative or absurd counts, dates out of range, unknown party codes, duplicate keys.

Each hostile message must land in `deadletter` (original bytes, topic, partition, offset, a
reason and an error a person can act on), the good messages interleaved with them must all
count, and the worker must keep going.

The messages are built by Hypothesis strategies, one per family. A worker costs seconds to
start, so the examples are not fed to the worker one test run at a time: `examples()` collects
a deterministic batch from each strategy first (`derandomize`, no database), and one worker
takes the whole batch. (A `@given` test with `max_examples=1` would only ever see the simplest
example, every message the same.)

Messages that once crashed an agent or were accepted although they should not be (deep
nesting, tombstones, lax counts, timestamps out of range, an 800 KB message whose dead letter
outgrew the producer's limit) are kept out of those batches: `PROBES` sends each once to a
third worker, between good sentinel events, and each has its own test. `FUTURE` (exchanges
dated 2099) goes the same way.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import re
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from agents.core.from_news import events_from_classified
from agents.reader import classify
from schemas.codec import MAX_MESSAGE_BYTES
from schemas.common import MAX_COUNT, MAX_YEAR, MIN_YEAR
from schemas.news import MAX_BODY, MAX_TITLE, NewsItem
from tests.integration.test_ingest import EVENTS, EXPECTED, exchange, wait_totals
from tests.support import (
    ROOT,
    Worker,
    assign_from_start,
    free_port,
    http_get,
    reading_consumer,
    unique,
    wait_until,
)

SOURCE = "test-scraper"
DYAD = b"RU-UA"
# orjson refuses documents nested deeper than this.
ORJSON_DEPTH = 1024
# Nesting the batches use below orjson's limit. From about 900 levels up to orjson's limit the
# duplicate-key check (json.loads) raises RecursionError today: see PROBES.
SAFE_DEPTH = 200

# Valid messages that the families below spoil in one place each (never sent as they are).
T_EXCHANGE = exchange("h-x", "2024-03-10", "remains", 10, 10)
T_CLAIMED = {
    **T_EXCHANGE,
    "claims": [{"by": "UA", "received": {"UA": 10, "RU": 10}, "source": "ua-coordination-hq"}],
}
T_SUSPENSION = {"type": "suspension", "event_id": "h-s", "source": SOURCE, "kind": "pows",
                "since": "2025-10", "reason": "talks stalled", "by": "RU"}  # fmt: skip
T_RESUMPTION = {"type": "resumption", "event_id": "h-r", "source": SOURCE, "kind": "pows",
                "on": "2026-02-05"}  # fmt: skip
T_COMMITMENT = {"type": "commitment", "event_id": "h-c", "source": SOURCE, "kind": "remains",
                "agreement_id": "istanbul-2025-06", "count": 12000, "signed": "2025-06-02",
                "due": "2025-12", "parties": ["RU", "UA"], "mediators": ["TR"]}  # fmt: skip
T_TOTAL = {"type": "total", "event_id": "h-t", "source": SOURCE, "kind": "pows",
           "received_by": "UA", "claimed_by": "UA", "count": 4757, "as_of": "2025-05"}  # fmt: skip
EVENT_TEMPLATES = [T_EXCHANGE, T_CLAIMED, T_SUSPENSION, T_RESUMPTION, T_COMMITMENT, T_TOTAL]
EXCHANGE_BODY = (
    "Ukraine received the bodies of 1,000 fallen soldiers in a repatriation; "
    "Russia received 38 bodies in return."
)
# A hostile news item that were accepted would add an exchange: the totals would show it.
T_NEWS = {"id": "h-n", "source": "feed", "url": "https://example.org/a",
          "published_at": "2026-01-29T12:00:00+00:00", "title": "Ukraine receives 1,000 bodies",
          "body": EXCHANGE_BODY, "lang": "en"}  # fmt: skip
UNRELATED = [
    ("Weather", "The weather in Lisbon is sunny today and the markets are calm."),
    ("Recipe", "A recipe for apple pie with cinnamon and a crisp crust."),
    ("Football", "The home side won the cup final after extra time on Saturday."),
]


@dataclass(frozen=True)
class Hostile:
    raw: bytes
    reason: str  # the dead letter's reason
    hint: str  # what the dead letter's error must name: the field, or the problem


def examples(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    """Up to n examples of a strategy, the same on every run (the first is the simplest)."""
    found: list[Any] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


def set_path(obj: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(obj)
    node: Any = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def drop(obj: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != key}


def with_literal(obj: dict[str, Any], path: tuple[Any, ...], literal: bytes) -> bytes:
    """obj as JSON with the value at path replaced by raw text orjson would not write."""
    return orjson.dumps(set_path(obj, path, "@@LITERAL@@")).replace(b'"@@LITERAL@@"', literal)


def dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# One strategy per family. Each takes the templates of its topic.

BAD_UTF8 = (b"\xff", b"\xfe\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf5\x80\x80\x80", b"\x80",
            b"\xe2\x82")  # fmt: skip


@st.composite
def not_utf8(draw: st.DrawFn, templates: list[dict[str, Any]], text_field: str) -> Hostile:
    base = draw(st.sampled_from(templates))
    if draw(st.booleans()):
        raw = orjson.dumps(base)
        pos = draw(st.integers(0, len(raw)))
        raw = raw[:pos] + draw(st.sampled_from(BAD_UTF8)) + raw[pos:]
    else:  # Cyrillic in a legacy code page
        word = draw(st.sampled_from(["Україна", "Росія", "обмін", "военнопленные"]))
        codec = draw(st.sampled_from(["cp1251", "koi8-u"]))
        raw = with_literal(base, (text_field,), b'"' + word.encode(codec) + b'"')
    assume(not is_utf8(raw))
    return Hostile(raw, "not_utf8", "UTF-8")


GARBAGE = (b"{broken", b"{'type': 'exchange'}", b"undefined", b'{"a": 1}}', b'{"a": 1,}',
           b"// comment\n{}", b"\xef\xbb\xbf{}", b"\x00", b'{"a": 01}', b"[1, 2", b'{"a" 1}',
           b"", b"   ", b'{"id": "a\x00b"}', b"<html></html>")  # fmt: skip


@st.composite
def not_json(draw: st.DrawFn, templates: list[dict[str, Any]]) -> Hostile:
    raw = orjson.dumps(draw(st.sampled_from(templates)))
    how = draw(st.sampled_from(["cut", "tail", "garbage"]))
    if how == "cut":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "tail":
        raw += draw(st.sampled_from([b"x", b"}", b",", b"\x00", b" {}", b"]"]))
    else:
        raw = draw(st.sampled_from(GARBAGE))
    return Hostile(raw, "not_json", "not JSON")


def nest(depth: int, leaf: Any, as_object: bool) -> Any:
    for _ in range(depth):
        leaf = {"a": leaf} if as_object else [leaf]
    return leaf


@st.composite
def deep_nesting(draw: st.DrawFn, template: dict[str, Any], fields: list[str]) -> Hostile:
    shape = draw(st.sampled_from(["array", "object", "field"]))
    if shape == "field":  # deep enough to be silly, within what the parsers take
        path = tuple(draw(st.sampled_from(fields)).split("."))
        value = nest(draw(st.integers(2, SAFE_DEPTH)), 1, draw(st.booleans()))
        return Hostile(orjson.dumps(set_path(template, path, value)), "invalid", dotted(path))
    depth = draw(st.integers(ORJSON_DEPTH + 1, 3 * ORJSON_DEPTH))
    if shape == "array":
        return Hostile(b"[" * depth + b"]" * depth, "not_json", "depth")
    return Hostile(b'{"a":' * depth + b"1" + b"}" * depth, "not_json", "depth")


@st.composite
def huge_string(draw: st.DrawFn, cases: list[tuple[dict[str, Any], str, int]]) -> Hostile:
    """A string field past its maximum length (in characters, any of them), or a message past
    the byte limit that is refused before parsing."""
    template, name, limit = draw(st.sampled_from(cases))
    if draw(st.integers(0, 5)) == 0:
        extra = draw(st.integers(1, 40_000))
        raw = orjson.dumps({**template, name: "x" * (MAX_MESSAGE_BYTES + extra)})
        return Hostile(raw, "too_large", "bytes")
    char = draw(st.characters(codec="utf-8"))
    n = draw(st.integers(limit + 1, limit + min(limit * 20, 5_000)))
    return Hostile(orjson.dumps({**template, name: char * n}), "too_large", name)


NONFINITE = (b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"inf", b"nan", b"1E999999")


@st.composite
def nan_inf(draw: st.DrawFn, cases: list[tuple[dict[str, Any], tuple[Any, ...]]]) -> Hostile:
    template, path = draw(st.sampled_from(cases))
    if draw(st.booleans()):  # not JSON at all
        literal = draw(st.sampled_from(NONFINITE))
        return Hostile(with_literal(template, path, literal), "not_json", "not JSON")
    text = draw(st.sampled_from(["NaN", "nan", "Infinity", "-Infinity", "inf", "-inf"]))
    return Hostile(orjson.dumps(set_path(template, path, text)), "invalid", dotted(path))


@st.composite
def wrong_types(
    draw: st.DrawFn,
    template: dict[str, Any],
    wrong: dict[tuple[Any, ...], list[Any]],
    required: list[str],
) -> Hostile:
    """Values pydantic's lax mode does not coerce (those it does are in PROBES), required
    fields missing, unknown fields, and bodies that are not objects."""
    shape = draw(st.sampled_from(["value", "missing", "unknown", "not_object"]))
    if shape == "value":
        path = draw(st.sampled_from(sorted(wrong, key=dotted)))
        value = draw(st.sampled_from(wrong[path]))
        return Hostile(orjson.dumps(set_path(template, path, value)), "invalid", dotted(path))
    if shape == "missing":
        name = draw(st.sampled_from(required))
        return Hostile(orjson.dumps(drop(template, name)), "invalid", name)
    if shape == "unknown":
        name = draw(st.sampled_from(["extra", "Kind", "event id", "__proto__", "received_by_"]))
        assume(name not in template)
        return Hostile(orjson.dumps({**template, name: 1}), "invalid", name)
    body = draw(st.sampled_from([None, [], [template], 1, "exchange", True]))
    return Hostile(orjson.dumps(body), "invalid", "(message)")


EVENT_WRONG: dict[tuple[Any, ...], list[Any]] = {
    ("type",): ["exchanges", 5, None, "EXCHANGE"],
    ("kind",): [5, None, ["remains"], {"k": 1}, True, "bodies"],
    ("occurred",): [20250616, None, ["2025"], 2025.5],
    ("received",): [[1000, 38], "1000:38", 5, None],
    ("received", "UA"): ["lots", [1], {"n": 1}, None, "1e3", 5.5],
    ("event_id",): [123, None, [], {}],
    ("historical",): ["maybe", 2, [], None],
    ("sources",): ["x", [1], {"url": "x"}],
    ("confidence",): ["high", [], None, 1.5, -0.1],
    ("claims",): [{"by": "UA"}, "x", [1]],
    ("origin",): ["rumour", 1],
}


@st.composite
def bad_count(draw: st.DrawFn) -> Hostile:
    template, path = draw(
        st.sampled_from(
            [
                (T_EXCHANGE, ("received", "UA")),
                (T_EXCHANGE, ("received", "RU")),
                ({**T_EXCHANGE, "received": {}, "combined": 5}, ("combined",)),
                (T_CLAIMED, ("claims", 0, "received", "UA")),
                (T_COMMITMENT, ("count",)),
                (T_TOTAL, ("count",)),
            ]
        )
    )
    n = draw(
        st.one_of(
            st.integers(-(2**63), -1),
            st.integers(MAX_COUNT + 1, 2**63 - 1),
            st.integers(2**64, 10**30),  # past 64 bits: orjson reads a float
        )
    )
    return Hostile(with_literal(template, path, str(n).encode()), "invalid", dotted(path))


MALFORMED_DATES = ["2025-02-30", "2025-13", "25-01-01", "2025/01/01", "2025-1-1", "",
                   "yesterday", "2025-00", "20250616", "2025-6", "-2025"]  # fmt: skip


@st.composite
def bad_date(draw: st.DrawFn) -> Hostile:
    template, name = draw(
        st.sampled_from(
            [
                (T_EXCHANGE, "occurred"),
                (T_SUSPENSION, "since"),
                (T_RESUMPTION, "on"),
                (T_COMMITMENT, "signed"),
                (T_COMMITMENT, "due"),
                (T_TOTAL, "as_of"),
                (T_EXCHANGE, "reported_at"),
            ]
        )
    )
    if name == "reported_at":  # no zone, or not a date
        text = draw(st.sampled_from(["2025-06-16T12:00:00", "2025-13-45T00:00:00Z",
                                     "2025-06-16", "soon"]))  # fmt: skip
    elif draw(st.booleans()):
        text = draw(st.sampled_from(MALFORMED_DATES))
    else:  # before the war's exchanges, or past the schema's years (2099: FUTURE below)
        year = draw(st.one_of(st.integers(1, MIN_YEAR - 1), st.integers(MAX_YEAR + 1, 9999)))
        full = f"{year:04d}-{draw(st.integers(1, 12)):02d}-{draw(st.integers(1, 28)):02d}"
        text = full[: draw(st.sampled_from([4, 7, 10]))]
    return Hostile(orjson.dumps({**template, name: text}), "invalid", name)


PARTY_LIKE = ["XX", "ua", "UKR", "RUS", "BY", "PL", "", " UA", "UA ", "Ua", "РУ", "EU"]
MEDIATORS = {"TR", "AE", "US", "QA", "SA", "VA"}


@st.composite
def unknown_party(draw: st.DrawFn) -> Hostile:
    where = draw(st.sampled_from(["received", "received_by", "claimed_by", "by", "claims",
                                  "parties", "mediators"]))  # fmt: skip
    code = draw(st.sampled_from(PARTY_LIKE + sorted(MEDIATORS)))
    if where == "received":
        obj, hint = {**T_EXCHANGE, "received": {code: 5}}, "received"
    elif where in ("received_by", "claimed_by"):
        obj, hint = {**T_TOTAL, where: code}, where
    elif where == "by":
        obj, hint = {**T_SUSPENSION, "by": code}, "by"
    elif where == "claims":
        obj, hint = set_path(T_CLAIMED, ("claims", 0, "by"), code), "claims.0.by"
    elif where == "parties":
        obj, hint = {**T_COMMITMENT, "parties": ["UA", code]}, "parties"
    else:
        assume(code not in MEDIATORS)
        obj, hint = {**T_COMMITMENT, "mediators": [code]}, "mediators"
    return Hostile(orjson.dumps(obj), "invalid", hint)


@st.composite
def duplicate_keys(draw: st.DrawFn, templates: list[dict[str, Any]]) -> Hostile:
    template = draw(st.sampled_from(templates))
    if "received" in template and draw(st.booleans()):  # inside a nested object
        side = draw(st.sampled_from(["UA", "RU"]))
        raw = orjson.dumps(template).replace(
            b'"received":{', b'"received":{"' + side.encode() + b'":' + b"7,", 1
        )
        return Hostile(raw, "duplicate_keys", side)
    key = draw(st.sampled_from(sorted(template)))
    value = draw(st.sampled_from([template[key], "other", 0, None]))
    raw = orjson.dumps(template)[:-1] + b"," + orjson.dumps(key) + b":" + orjson.dumps(value)
    return Hostile(raw + b"}", "duplicate_keys", key)


EVENT_FAMILIES: dict[str, st.SearchStrategy[Hostile]] = {
    "not_utf8": not_utf8(EVENT_TEMPLATES, "event_id"),
    "not_json": not_json(EVENT_TEMPLATES),
    "deep_nesting": deep_nesting(T_EXCHANGE, ["received.UA", "event_id", "sources"]),
    "huge_strings": huge_string(
        [(T_EXCHANGE, "event_id", 200), (T_EXCHANGE, "source", 200), (T_SUSPENSION, "reason", 2000)]
    ),
    "nan_inf": nan_inf(
        [
            (T_EXCHANGE, ("confidence",)),
            (T_EXCHANGE, ("received", "UA")),
            ({**T_EXCHANGE, "received": {}, "combined": 5}, ("combined",)),
        ]
    ),
    "wrong_types": wrong_types(T_EXCHANGE, EVENT_WRONG, ["event_id", "kind", "occurred"]),
    "counts": bad_count(),
    "dates": bad_date(),
    "parties": unknown_party(),
    "duplicate_keys": duplicate_keys(EVENT_TEMPLATES),
}
HOSTILE_EVENT = st.one_of(*EVENT_FAMILIES.values())

NEWS_WRONG: dict[tuple[Any, ...], list[Any]] = {
    ("body",): [5, None, [], {"text": EXCHANGE_BODY}],
    ("published_at",): [True, [], "yesterday", None],
    ("title",): [5, ["a"]],
    ("lang",): ["EN", "eng", 5, "e"],
    ("id",): [5, None, ""],
    ("source",): ["", None],
}
NEWS_FAMILIES: dict[str, st.SearchStrategy[Hostile]] = {
    "not_utf8": not_utf8([T_NEWS], "body"),
    "not_json": not_json([T_NEWS]),
    "deep_nesting": deep_nesting(T_NEWS, ["body", "title"]),
    "huge_strings": huge_string(
        [(T_NEWS, "body", MAX_BODY), (T_NEWS, "title", MAX_TITLE), (T_NEWS, "id", 200)]
    ),
    "nan_inf": nan_inf([(T_NEWS, ("title",)), (T_NEWS, ("published_at",))]).filter(
        lambda h: h.reason == "not_json"  # the strings are just odd titles
    ),
    "wrong_types": wrong_types(T_NEWS, NEWS_WRONG, ["id", "source", "published_at", "body"]),
    "dates": st.sampled_from(
        [
            "2025-06-16T12:00:00",
            "2025-06-16",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "16/06/2025 12:00",
            "2025-06-16T25:00:00Z",
        ]
    ).map(
        lambda t: Hostile(orjson.dumps({**T_NEWS, "published_at": t}), "invalid", "published_at")
    ),
    "duplicate_keys": duplicate_keys([T_NEWS]),
}
HOSTILE_NEWS = st.one_of(*NEWS_FAMILIES.values())
# Keys are hostile too: the dead letter keeps them as they were.
ODD_KEYS = st.one_of(st.just(DYAD), st.none(), st.binary(max_size=12))


@st.composite
def good_exchanges(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed exchange on the 15th of a month between 2022-03 and 2025-02: a month or
    more from one another and from EVENTS, so that dedupe never merges them."""
    month = draw(st.integers(0, 35))
    year, mon = 2022 + (month + 2) // 12, (month + 2) % 12 + 1
    return exchange(
        f"good-{year}-{mon:02d}",
        f"{year}-{mon:02d}-15",
        draw(st.sampled_from(["remains", "pows", "civilians"])),
        draw(st.integers(0, 5_000)),
        draw(st.integers(0, 5_000)),
    )


good_news = st.builds(
    lambda ident, pick: {"id": ident, "source": "feed", "published_at":
                         "2026-01-29T12:00:00+00:00", "title": pick[0], "body": pick[1]},
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40),
    st.sampled_from(UNRELATED),
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Kafka and HTTP helpers.


async def _produce_tracked(
    bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes | None]]
) -> list[tuple[int, int]]:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        futures = [await producer.send(topic, value, key=key) for key, value in messages]
        return [(meta.partition, meta.offset) for meta in [await f for f in futures]]
    finally:
        await producer.stop()


def produce_tracked(
    bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes | None]]
) -> list[tuple[int, int]]:
    """Send in order; (partition, offset) of each message."""
    return list(asyncio.run(_produce_tracked(bootstrap, topic, messages)))


async def _read_all(bootstrap: str, topic: str, appear: float) -> list[Any]:
    consumer = reading_consumer(bootstrap)
    await consumer.start()
    out: list[Any] = []
    try:
        tps = await assign_from_start(consumer, topic, appear)
        if not tps:
            return out
        end = await consumer.end_offsets(tps)
        pending = {tp for tp in tps if await consumer.position(tp) < end[tp]}
        deadline = time.monotonic() + 30
        while pending and time.monotonic() < deadline:
            batch = await consumer.getmany(*pending, timeout_ms=500)
            for records in batch.values():
                out.extend(records)
            pending = {tp for tp in pending if await consumer.position(tp) < end[tp]}
    finally:
        await consumer.stop()
    return out


def read_all(bootstrap: str, topic: str, appear: float = 10.0) -> list[Any]:
    """Every record of a topic up to its end when called; none when the topic does not
    appear within `appear` seconds."""
    return list(asyncio.run(_read_all(bootstrap, topic, appear)))


def create_topics(bootstrap: str, names: list[str], partitions: int = 2) -> None:
    """The worker does not create `news.items` (scrapers do); created here with the worker's
    partition count so that it is subscribed from the start."""

    async def run() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics(
                [NewTopic(n, num_partitions=partitions, replication_factor=1) for n in names]
            )
        finally:
            await admin.close()

    asyncio.run(run())


def letters_by_position(
    worker: Worker, once: bool = True
) -> dict[tuple[str, int, int], dict[str, Any]]:
    """Dead letters by the position of their message; `once`: no message has two."""
    out: dict[tuple[str, int, int], dict[str, Any]] = {}
    for record in read_all(worker.bootstrap, worker.topic("deadletter")):
        letter = orjson.loads(record.value)
        position = (letter["topic"], letter["partition"], letter["offset"])
        assert not (once and position in out), f"two dead letters for {position}"
        out[position] = letter
    return out


def b64(raw: bytes | None) -> str | None:
    return None if raw is None else base64.b64encode(raw).decode("ascii")


def crashes(worker: Worker) -> list[str]:
    """Agent crashes the worker logged (Faust restarts the agent; the message is lost)."""
    text = worker.log_path.read_text(errors="replace") if worker.log_path.exists() else ""
    return [line[:300] for line in text.splitlines() if "Crashed reason=" in line]


def deadletter_metrics(worker: Worker) -> Counter[tuple[str, str]]:
    with urllib.request.urlopen(worker.url + "/metrics", timeout=5) as resp:
        text = resp.read().decode()
    counts: Counter[tuple[str, str]] = Counter()
    for line in text.splitlines():
        if line.startswith("exchange_watch_deadletters_total{"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', line))
            counts[(labels["reason"], labels["stage"])] += int(float(line.rsplit(" ", 1)[1]))
    return counts


def add_totals(base: dict[str, dict[str, int]], events: list[dict[str, Any]]) -> dict[str, Any]:
    out = {k: dict(v) for k, v in base.items()}
    for ev in events:
        for side, n in ev["received"].items():
            out[ev["kind"]][side] += n
    return out


def interleave(bad: list[Any], good: list[Any]) -> list[Any]:
    """bad with good spread evenly between them, a good one last."""
    out: list[Any] = []
    step = max(1, len(bad) // max(1, len(good)))
    rest = list(good)
    for i, item in enumerate(bad):
        if i % step == 0 and len(rest) > 1:
            out.append(rest.pop(0))
        out.append(item)
    return out + rest


def check_letter(
    letter: dict[str, Any] | None,
    hostile: Hostile,
    key: bytes | None,
    topic: str,
    stage: str,
) -> list[str]:
    """What is wrong with the dead letter of one hostile message (empty when right)."""
    what = f"{hostile.raw[:80]!r} ({len(hostile.raw)} bytes), expected {hostile.reason}"
    if letter is None:
        return [f"no dead letter for {what}"]
    wrong = []
    if letter["reason"] != hostile.reason:
        wrong.append(f"reason {letter['reason']!r} for {what}: {letter['error']}")
    if hostile.hint not in letter["error"]:
        wrong.append(f"error {letter['error']!r} does not name {hostile.hint!r} for {what}")
    if letter["value"] != b64(hostile.raw):
        wrong.append(f"value is not the original bytes for {what}")
    if letter["key"] != b64(key):
        wrong.append(f"key {letter['key']!r} is not the original {key!r} for {what}")
    if letter["topic"] != topic or letter["stage"] != stage:
        wrong.append(f"topic/stage {letter['topic']}/{letter['stage']} for {what}")
    return wrong


# ---------------------------------------------------------------------------------------------
# The worker on hostile batches.


def test_hostile_messages_go_to_deadletter_and_the_good_all_count(
    make_worker: Any, kafka_bootstrap: str
) -> None:
    prefix = unique("t") + "."
    create_topics(kafka_bootstrap, [prefix + "news.items"])
    worker: Worker = make_worker(prefix)
    events_topic, news_topic = worker.topic("exchange.events"), worker.topic("news.items")

    # The batches: every family of each topic, with odd keys on some messages.
    bad_events = [h for fam in EVENT_FAMILIES.values() for h in examples(fam, 6)]
    bad_news = [h for fam in NEWS_FAMILIES.values() for h in examples(fam, 3)]
    keys = examples(ODD_KEYS, 12)
    event_keys = [keys[i % len(keys)] if i % 4 == 0 else DYAD for i in range(len(bad_events))]
    news_keys = [keys[i % len(keys)] for i in range(len(bad_news))]
    extra = list({e["event_id"]: e for e in examples(good_exchanges(), 8)}.values())
    good_events = [*EVENTS, *extra, EVENTS[0]]  # EVENTS[0] again: a re-delivery counts once
    news_items = list({n["id"]: n for n in examples(good_news, 4)}.values())
    for item in news_items:  # so the totals stay those of the events
        assert not events_from_classified(NewsItem(**item), classify(NewsItem(**item)))
    expected = add_totals(EXPECTED, extra)

    event_msgs = interleave(
        [(k, h.raw, h) for k, h in zip(event_keys, bad_events, strict=True)],
        [(DYAD, orjson.dumps(e), None) for e in good_events],
    )
    news_msgs = interleave(
        [(k, h.raw, h) for k, h in zip(news_keys, bad_news, strict=True)],
        [(n["id"].encode(), orjson.dumps(n), None) for n in news_items],
    )
    event_pos = produce_tracked(worker.bootstrap, events_topic, [m[:2] for m in event_msgs])
    news_pos = produce_tracked(worker.bootstrap, news_topic, [m[:2] for m in news_msgs])

    wait_totals(worker, expected)
    n_bad = len(bad_events) + len(bad_news)
    wait_until(
        lambda: len(read_all(worker.bootstrap, worker.topic("news.classified"))) >= len(news_items),
        60,
        "every good news item classified",
        every=1,
    )
    wait_until(
        lambda: len(read_all(worker.bootstrap, worker.topic("deadletter"))) >= n_bad,
        60,
        f"{n_bad} dead letters",
        every=1,
    )

    letters = letters_by_position(worker)
    problems: list[str] = []
    for msgs, positions, topic, stage in (
        (event_msgs, event_pos, events_topic, "ingest"),
        (news_msgs, news_pos, news_topic, "classify"),
    ):
        for (key, _, hostile), (partition, offset) in zip(msgs, positions, strict=True):
            letter = letters.pop((topic, partition, offset), None)
            if hostile is None:
                if letter is not None:
                    problems.append(f"good message at {partition}/{offset} dead-lettered: {letter}")
                continue
            problems += check_letter(letter, hostile, key, topic, stage)
    problems += [f"dead letter for no hostile message: {v}" for v in letters.values()]
    assert not problems, "\n".join(problems[:20]) + f"\n({len(problems)} problems)"

    # Each good news item classified exactly once, nothing else classified.
    classified = Counter(
        orjson.loads(r.value)["item_id"]
        for r in read_all(worker.bootstrap, worker.topic("news.classified"))
    )
    assert classified == Counter(n["id"] for n in news_items)
    # The totals are still exactly the good events' (nothing late slipped in).
    wait_totals(worker, expected, timeout=5)
    # Dead letters are counted by reason and stage for the operators.
    want = Counter((h.reason, "ingest") for h in bad_events)
    want.update((h.reason, "classify") for h in bad_news)
    assert deadletter_metrics(worker) == want
    # The worker kept going, and no agent crashed on the way.
    assert worker.proc is not None and worker.proc.poll() is None
    assert http_get(worker.url + "/healthz")[0] == 200
    assert crashes(worker) == []


# ---------------------------------------------------------------------------------------------
# The produce command on files mixing good and hostile lines.


def run_cli(worker: Worker, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=ROOT,
        env=worker.env(),
        capture_output=True,
        timeout=120,
    )


REJECTION = re.compile(rb"^line (\d+): rejected \((\w+)\): (.+)$")


def one_line(h: Hostile) -> bool:
    """A hostile message that stays one line of a JSONL file (blank lines are skipped)."""
    return b"\n" not in h.raw and h.raw.strip() != b""


def write_lines(path: Path, rows: list[tuple[bytes, Hostile | None]]) -> dict[int, Hostile]:
    """The rows as lines (the last one without a newline); hostile lines by line number."""
    path.write_bytes(b"\n".join(raw for raw, _ in rows))
    return {n: h for n, (_, h) in enumerate(rows, start=1) if h is not None}


def check_cli(done: subprocess.CompletedProcess[bytes], bad: dict[int, Hostile], sent: int) -> None:
    err = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr[-2000:]
    got = {int(m[1]): (m[2].decode(), m[3].decode()) for m in map(REJECTION.match, err) if m}
    assert len([line for line in err if REJECTION.match(line)]) == len(got), "a line twice"
    assert sorted(got) == sorted(bad), done.stderr[-2000:]
    for n, h in bad.items():
        reason, message = got[n]
        assert reason == h.reason and h.hint in message, (n, h.raw[:80], got[n])
    assert err[-1] == f"sent {sent}, rejected {len(bad)}".encode(), err[-3:]


def test_produce_command_reports_each_hostile_line_and_sends_the_good(
    make_worker: Any, kafka_bootstrap: str, tmp_path: Path
) -> None:
    prefix = unique("t") + "."
    create_topics(kafka_bootstrap, [prefix + "news.items"])
    worker: Worker = make_worker(prefix)

    # Events: hostile lines of every family, a line of invalid UTF-8 and one with a NUL byte,
    # blank lines (skipped, not rejected), a CRLF line ending, no newline after the last line.
    crlf = exchange("cli-crlf", "2024-04-15", "pows", 12, 12)
    hostile = examples(HOSTILE_EVENT.filter(one_line), 30)
    named = [
        Hostile(with_literal(T_EXCHANGE, ("event_id",), b'"\xff\xfeid"'), "not_utf8", "UTF-8"),
        Hostile(with_literal(T_EXCHANGE, ("event_id",), b'"a\x00b"'), "not_json", "not JSON"),
    ]
    rows: list[tuple[bytes, Hostile | None]] = [(orjson.dumps(EVENTS[0]), None), (b"", None)]
    rows += [(h.raw, h) for h in named] + [(b"   \t", None), (orjson.dumps(crlf) + b"\r", None)]
    rows += interleave([(h.raw, h) for h in hostile], [(orjson.dumps(e), None) for e in EVENTS[1:]])
    bad = write_lines(tmp_path / "events.jsonl", rows)
    sent = len(EVENTS) + 1
    check_cli(run_cli(worker, "produce", "events", str(tmp_path / "events.jsonl")), bad, sent)

    # News likewise.
    items = list({n["id"]: n for n in examples(good_news, 3)}.values())
    news_bad = examples(HOSTILE_NEWS.filter(one_line), 12)
    news_rows = interleave([(h.raw, h) for h in news_bad], [(orjson.dumps(n), None) for n in items])
    bad_news = write_lines(tmp_path / "news.jsonl", news_rows)
    check_cli(
        run_cli(worker, "produce", "news", str(tmp_path / "news.jsonl")), bad_news, len(items)
    )

    # The good lines took effect; the bad were never sent (so never dead-lettered).
    wait_totals(worker, add_totals(EXPECTED, [crlf]))
    wait_until(
        lambda: len(read_all(worker.bootstrap, worker.topic("news.classified"))) >= len(items),
        60,
        "the good news items classified",
        every=1,
    )
    assert len(read_all(worker.bootstrap, worker.topic("exchange.events"))) == sent
    assert len(read_all(worker.bootstrap, worker.topic("news.items"))) == len(items)
    assert read_all(worker.bootstrap, worker.topic("deadletter"), appear=0) == []
    assert crashes(worker) == []


# ---------------------------------------------------------------------------------------------
# Probes: hostile messages that today crash an agent (Faust restarts it; the message is lost
# without a dead letter) or are accepted. One worker takes them all, in one go.


@dataclass(frozen=True)
class Probe:
    name: str
    topic: str  # "exchange.events" or "news.items"
    value: bytes | None
    reasons: tuple[str, ...]  # acceptable dead-letter reasons
    hint: str  # the error must name it
    counted: tuple[str, str] | None = None  # (kind, date) whose window must stay empty
    # Why it would fail (then the test is a strict xfail); None when it passes.
    fault: str | None = None


def deep_objects(depth: int, outer: dict[str, Any]) -> bytes:
    """An object `depth` levels deep inside another: within orjson's limit, past json's."""
    inner = b'{"a":' * depth + b"1" + b"}" * depth
    return with_literal(outer, ("nested",), inner)


def lax(eid: str, date: str, literal: bytes) -> bytes:
    """A pows exchange whose counts are `literal`, a value pydantic's lax mode coerces."""
    return orjson.dumps(exchange(eid, date, "pows", 0, 0)).replace(b":0", b":" + literal)


PROBES = [
    Probe("deep_objects", "exchange.events", deep_objects(1000, T_EXCHANGE), ("not_json",), ""),
    Probe("tombstone", "exchange.events", None, ("not_json", "invalid"), ""),
    Probe("counts_as_strings", "exchange.events", lax("p-str", "2023-01-15", b'"100"'),
          ("invalid",), "received.UA", counted=("pows", "2023-01-15")),
    Probe("counts_as_booleans", "exchange.events", lax("p-bool", "2023-03-15", b"true"),
          ("invalid",), "received.UA", counted=("pows", "2023-03-15")),
    Probe("counts_as_floats", "exchange.events", lax("p-float", "2023-05-15", b"100.0"),
          ("invalid",), "received.UA", counted=("pows", "2023-05-15")),
    Probe("historical_as_string", "exchange.events",
          orjson.dumps({**exchange("p-hist", "2023-07-15", "pows", 9, 9), "historical": "no"}),
          ("invalid",), "historical", counted=("pows", "2023-07-15")),
    Probe("date_with_time", "exchange.events",
          orjson.dumps(exchange("p-time", "2025-06-16T00:00:00Z", "remains", 3, 3)),
          ("invalid",), "occurred"),
    Probe("reported_at_1900", "exchange.events",
          orjson.dumps({**exchange("p-1900", "2019-09-15", "remains", 4, 4),
                        "reported_at": "1900-01-01T00:00:00+00:00"}),
          ("invalid",), "reported_at", counted=("remains", "2019-09-15")),
    # Last but one of the events: it sets the clock to 9999, and every later rule evaluation
    # fails (after the event was applied to the tables).
    Probe("reported_at_9999", "exchange.events",
          orjson.dumps({**exchange("p-9999", "2019-11-15", "remains", 5, 5),
                        "reported_at": "9999-12-31T23:59:59+00:00"}),
          ("invalid",), "reported_at", counted=("remains", "2019-11-15")),
    # Last: sent once everything else was processed, as it stops the ingest agent for good.
    Probe("oversized_800kb", "exchange.events",
          orjson.dumps({**T_EXCHANGE, "event_id": "x" * 800_000}), ("too_large",), "bytes"),
    # These crashed the classify agent (from_news made an event dated 2010 or 2101, invalid)
    # until published_at got bounds.
    Probe("news_published_2010", "news.items",
          orjson.dumps({**T_NEWS, "id": "p-2010", "published_at": "2010-06-01T00:00:00Z"}),
          ("invalid",), "published_at"),
    Probe("news_published_2101", "news.items",
          orjson.dumps({**T_NEWS, "id": "p-2101", "published_at": "2101-06-01T00:00:00Z"}),
          ("invalid",), "published_at"),
    Probe("news_deep_objects", "news.items", deep_objects(1000, {**T_NEWS, "id": "p-deep"}),
          ("not_json",), ""),
]  # fmt: skip
FUTURE = [
    Probe("future_2099", "exchange.events",
          orjson.dumps(exchange("p-2099", "2099-01-01", "civilians", 7, 7)),
          ("invalid",), "occurred", counted=("civilians", "2099-01-01")),
    Probe("future_2099_reported_2026", "exchange.events",
          orjson.dumps({**exchange("p-2099r", "2099-06-01", "civilians", 8, 8),
                        "reported_at": "2026-01-29T12:00:00+00:00"}),
          ("invalid",), "occurred", counted=("civilians", "2099-06-01")),
]  # fmt: skip
# Good events before, between and after the probes, each alone in its window.
SENTINELS = [exchange("s-0", "2015-01-15", "remains", 1, 1),
             exchange("s-1", "2015-05-15", "remains", 2, 2),
             exchange("s-2", "2015-09-15", "remains", 3, 3)]  # fmt: skip
NEWS_SENTINEL = {"id": "probe-sentinel", "source": "feed",
                 "published_at": "2026-01-29T12:00:00+00:00", "title": UNRELATED[0][0],
                 "body": UNRELATED[0][1]}  # fmt: skip


@dataclass
class Probed:
    worker: Worker
    position: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    letters: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    classified: set[str] = field(default_factory=set)
    crashes: list[str] = field(default_factory=list)
    counted_after: bool = False  # the sentinel after the last probe was counted

    def window(self, kind: str, date: str) -> list[Any]:
        url = f"{self.worker.url}/totals/windows?kind={kind}&from={date}&to={date}"
        status, body = http_get(url)
        assert status == 200, (status, body)
        return [w for w in body["windows"] if w["total"]]

    def send(self, topic: str, key: bytes, probes: list[Probe], after: Any = None) -> None:
        """The probes, then `after` (a sentinel), in order on one partition."""
        msgs: list[tuple[bytes | None, bytes | None]] = [(key, p.value) for p in probes]
        if after is not None:
            msgs.append((key, orjson.dumps(after)))
        positions = produce_tracked(self.worker.bootstrap, self.worker.topic(topic), msgs)
        for p, (partition, offset) in zip(probes, positions, strict=False):
            self.position[p.name] = (self.worker.topic(topic), partition, offset)

    def classified_ids(self) -> set[str]:
        records = read_all(self.worker.bootstrap, self.worker.topic("news.classified"))
        return {orjson.loads(r.value)["item_id"] for r in records}


@pytest.fixture(scope="module")
def probed(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Probed]:
    prefix = unique("t") + "."
    create_topics(kafka_bootstrap, [prefix + "news.items"])
    worker = Worker(
        bootstrap=kafka_bootstrap,
        prefix=prefix,
        app_id=unique("exwatch-test"),
        port=free_port(),
        data_dir=tmp_path_factory.mktemp("probes"),
    )
    events = [p for p in FUTURE + PROBES if p.topic == "exchange.events"]
    news = [p for p in PROBES if p.topic == "news.items"]
    assert events[-1].name == "oversized_800kb"
    try:
        worker.start()
        out = Probed(worker)
        produce_tracked(kafka_bootstrap, worker.topic("exchange.events"),
                        [(DYAD, orjson.dumps(SENTINELS[0]))])  # fmt: skip
        out.send("exchange.events", DYAD, events[:-1], after=SENTINELS[1])
        out.send("news.items", b"probe", news, after=NEWS_SENTINEL)
        # Everything before a sentinel was processed once the sentinel was.
        wait_until(lambda: out.window("remains", SENTINELS[1]["occurred"]), 60, "sentinel")
        wait_until(lambda: NEWS_SENTINEL["id"] in out.classified_ids(), 60, "news sentinel", 1)
        out.send("exchange.events", DYAD, events[-1:], after=SENTINELS[2])
        # Dead letters are sent just before their sentinels; the last probe has none before.
        with contextlib.suppress(AssertionError):
            wait_until(
                lambda: (
                    len(letters_by_position(worker, once=False)) >= len(events) + len(news)
                    and out.window("remains", SENTINELS[2]["occurred"])
                ),
                5,
                "dead letters and the last sentinel",
                every=1,
            )
        # Faust restarts a crashed agent, which may see a message again: letters may repeat.
        out.letters = letters_by_position(worker, once=False)
        out.classified = out.classified_ids()
        out.counted_after = bool(out.window("remains", SENTINELS[2]["occurred"]))
        out.crashes = crashes(worker)
        yield out
    finally:
        worker.stop()


def check_probe(probed: Probed, probe: Probe) -> None:
    letter = probed.letters.get(probed.position[probe.name])
    assert letter is not None, f"no dead letter; crashes logged: {probed.crashes}"
    assert letter["reason"] in probe.reasons, letter
    assert letter["error"] and probe.hint in letter["error"], letter["error"]
    original = probe.value or b""
    kept = base64.b64decode(letter["value"])
    assert kept == original or (probe.reasons == ("too_large",) and original.startswith(kept))
    if probe.counted is not None:
        assert probed.window(*probe.counted) == [], "refused, yet counted"


@pytest.mark.parametrize(
    "probe",
    [
        pytest.param(
            p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=p.fault)] if p.fault else []
        )
        for p in PROBES
    ],
)
def test_probe_is_dead_lettered(probed: Probed, probe: Probe) -> None:
    check_probe(probed, probe)


@pytest.mark.parametrize("probe", FUTURE, ids=[p.name for p in FUTURE])
def test_exchange_dated_far_in_the_future_is_refused(probed: Probed, probe: Probe) -> None:
    """2099 is within the schema's years (2014-2100). Before the "in the future" checks of
    schemas/common.py such an exchange was counted, and without reported_at it moved the event
    clock to 2099, so that every stall rule fired at once."""
    check_probe(probed, probe)


def test_probes_leave_the_worker_running(probed: Probed) -> None:
    """The fixture saw the sentinels through; the process and its web server live on."""
    assert probed.worker.proc is not None and probed.worker.proc.poll() is None
    assert http_get(probed.worker.url + "/healthz")[0] == 200


def test_ingest_keeps_counting_after_the_probes(probed: Probed) -> None:
    assert probed.counted_after, f"the last sentinel was not counted; crashes: {probed.crashes}"


def test_produce_command_rejects_deep_nesting(probed: Probed, tmp_path: Path) -> None:
    good = [exchange("cli-ok-1", "2015-03-15", "remains", 1, 1),
            exchange("cli-ok-2", "2015-07-15", "remains", 1, 1)]  # fmt: skip
    rows: list[tuple[bytes, Hostile | None]] = [
        (orjson.dumps(good[0]), None),
        (deep_objects(1000, T_EXCHANGE), Hostile(b"", "not_json", "")),
        (orjson.dumps(good[1]), None),
    ]
    bad = write_lines(tmp_path / "deep.jsonl", rows)
    check_cli(run_cli(probed.worker, "produce", "events", str(tmp_path / "deep.jsonl")), bad, 2)
