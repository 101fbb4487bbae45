"""The feed poller against the real broker and a loopback HTTP server serving the fixtures of
tests/data/feeds: each entry produced once across changes, 304s and restarts; broken feeds
reported without stopping the others; the command line, its metrics and its backoff; and a feed
entry about a swap ending in the worker's /totals."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import REGISTRY

from schemas.codec import decode_news
from schemas.news import NewsItem
from streams.client import Producer
from streams.feeds.config import FeedsFile
from streams.feeds.fetch import Fetcher
from streams.feeds.poller import FeedPoller, PollReport, run_feeds
from streams.feeds.seen import SeenStore
from streams.settings import Settings
from tests.feed_server import ATOM, FeedServer, Reply, fixture
from tests.support import ROOT, Worker, consume, free_port, totals_of, unique, wait_until

WIRE, WIRE_2 = fixture("wire.rss.xml"), fixture("wire-2.rss.xml")


def settings_for(bootstrap: str) -> Settings:
    return Settings(
        broker=f"kafka://{bootstrap}",
        topic_prefix=unique("t") + ".",
        app_id=unique("feeds-test"),
    )


def feeds_file(*feeds: dict[str, Any], **top: Any) -> FeedsFile:
    return FeedsFile.model_validate({"feed": list(feeds), **top})


def by_source(reports: list[PollReport]) -> dict[str, PollReport]:
    return {r.source: r for r in reports}


def news_on(bootstrap: str, topic: str, expect: int, timeout: float = 30) -> list[NewsItem]:
    """The items on the topic, after waiting for one more than expected (none may come)."""
    records = consume(bootstrap, topic, expect, timeout=timeout)
    assert len(records) == expect, [r.key for r in records]
    more = consume(bootstrap, topic, expect + 1, timeout=2)
    assert len(more) == expect, "more items than expected"
    return [decode_news(r.value) for r in records]


def metric(name: str, feed: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(f"exchange_watch_feed_{name}", {"feed": feed, **labels}) or 0.0


async def start_poller(settings: Settings, feeds: FeedsFile, producer: Producer) -> FeedPoller:
    seen = SeenStore(settings, producer, [f.source for f in feeds.feed], feeds.remember)
    await seen.start()
    return FeedPoller(feeds, producer, seen, Fetcher(feeds.user_agent))


def test_each_entry_once_across_changes_304s_and_restarts(kafka_bootstrap: str) -> None:
    settings = settings_for(kafka_bootstrap)
    wire, ministry = unique("wire"), unique("ministry")
    modified = "Fri, 06 Feb 2026 10:00:00 GMT"
    with FeedServer() as server:
        # the wire: v1, then v1 again (304 to the conditional GET), then v2 (one new entry)
        server.route(
            "/wire.xml",
            Reply(body=WIRE, etag='"v1"'),
            Reply(body=WIRE, etag='"v1"'),
            Reply(body=WIRE_2, etag='"v2"'),
        )
        server.route(
            "/ministry.atom",
            Reply(body=fixture("ministry.atom.xml"), content_type=ATOM, last_modified=modified),
        )
        feeds = feeds_file(
            {"source": wire, "url": server.url("/wire.xml"), "lang": "en"},
            {"source": ministry, "url": server.url("/ministry.atom")},
        )

        async def three_polls() -> list[dict[str, PollReport]]:
            async with Producer(settings) as producer:
                poller = await start_poller(settings, feeds, producer)
                try:
                    return [by_source(await poller.run_once()) for _ in range(3)]
                finally:
                    await poller.fetcher.close()

        first, second, third = asyncio.run(three_polls())
        # a restart: the ids come back from the seen topic; no validators, so full GETs
        restarted = by_source(asyncio.run(run_feeds(settings, feeds, once=True)))
        wire_hits = server.hits("/wire.xml")
        ministry_hits = server.hits("/ministry.atom")

    counts = [(r.result, r.seen, r.produced, r.known) for r in first.values()]
    assert counts == [("ok", 3, 3, 0), ("ok", 2, 2, 0)]
    assert [r.result for r in second.values()] == ["not_modified", "not_modified"]
    assert wire_hits[1].headers["If-None-Match"] == '"v1"'
    assert ministry_hits[1].headers["If-Modified-Since"] == modified
    assert (third[wire].result, third[wire].produced, third[wire].known) == ("ok", 1, 2)
    assert wire_hits[2].headers["If-None-Match"] == '"v1"'  # v1's validators, then v2's
    assert third[ministry].result == "not_modified"
    assert "If-None-Match" not in wire_hits[3].headers  # after the restart
    assert [(r.result, r.seen, r.produced, r.known) for r in restarted.values()] == [
        ("ok", 3, 0, 3),
        ("ok", 2, 0, 2),
    ]

    items = news_on(kafka_bootstrap, settings.topic_prefix + "news.items", 6)
    assert sorted(i.id for i in items) == sorted(
        [
            f"{wire}:wire-2026-0205-01",
            f"{wire}:wire-2026-0204-07",
            f"{wire}:http://wire.test/news/power",
            f"{wire}:wire-2026-0212-03",
            f"{ministry}:tag:ministry.test,2026:news-4411",
            f"{ministry}:tag:ministry.test,2026:news-4409",
        ]
    )
    new = next(i for i in items if i.id.endswith("wire-2026-0212-03"))
    assert new.title == "Bodies of 1,000 fallen soldiers returned to Ukraine"
    assert new.lang == "en" and new.source == wire
    # the seen topic: one record per item, keyed by its id, written after the item
    seen = consume(kafka_bootstrap, settings.topic_prefix + "feeds.seen", 6, timeout=20)
    assert sorted(r.key.decode() for r in seen) == sorted(i.id for i in items)
    assert {orjson.loads(r.value)["outcome"] for r in seen} == {"produced"}

    assert metric("entries_produced_total", wire) == 4
    assert metric("entries_seen_total", wire) == 9
    assert metric("entries_known_total", wire) == 5
    assert metric("fetches_total", wire, result="not_modified") == 1
    assert metric("fetches_total", ministry, result="not_modified") == 2
    assert metric("last_success_timestamp_seconds", ministry) > time.time() - 60


OLD_AND_NEW = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Mixed</title><link>http://mixed.test/</link>
<item><title>An entry from 2013</title><guid>mixed-2013</guid>
<pubDate>Wed, 01 May 2013 10:00:00 +0000</pubDate><description>Too old.</description></item>
<item><title>A current entry</title><guid>mixed-2026</guid>
<pubDate>Mon, 02 Feb 2026 10:00:00 +0000</pubDate><description>Fine.</description></item>
</channel></rss>"""


def test_broken_feeds_are_reported_and_the_others_go_on(kafka_bootstrap: str) -> None:
    settings = settings_for(kafka_bootstrap)
    s = {name: unique(name) for name in ("good", "html", "cut", "mojibake", "huge", "loop",
                                          "slow", "busy", "mixed")}  # fmt: skip
    huge = WIRE + b"<!--" + b"x" * 200_000 + b"-->"
    with FeedServer() as server:
        routes = {
            "good": [Reply(body=fixture("uk.windows-1251.rss.xml"))],
            "html": [Reply(body=fixture("not-a-feed.html"), content_type="text/html")],
            "cut": [Reply(body=fixture("truncated.rss.xml"))],
            "mojibake": [
                Reply(body=fixture("uk.windows-1251.rss.xml").replace(b"windows-1251", b"utf-8"))
            ],
            "huge": [Reply(body=huge, content_length=False)],
            "loop": [Reply(302, headers={"Location": "/loop"})],
            "slow": [Reply(body=WIRE, delay=1.0)],
            # unavailable first, then back: its entries come on the next poll
            "busy": [
                Reply(503, b"", "text/plain", headers={"Retry-After": "120"}),
                Reply(body=fixture("ru.koi8-r.atom.xml"), content_type=ATOM),
            ],
            "mixed": [Reply(body=OLD_AND_NEW)],
        }
        feeds = []
        for name, replies in routes.items():
            feeds.append({"source": s[name], "url": server.route(f"/{name}", *replies)})
        feeds[4]["max_bytes"] = 100_000
        feeds[6]["timeout_seconds"] = 0.3

        async def two_polls() -> tuple[list[dict[str, PollReport]], dict[str, int]]:
            config = feeds_file(*feeds)
            async with Producer(settings) as producer:
                poller = await start_poller(settings, config, producer)
                try:
                    polls = [by_source(await poller.run_once()) for _ in range(2)]
                finally:
                    await poller.fetcher.close()
                return polls, {k: st.failures for k, st in poller.states.items()}

        (first, second), failures = asyncio.run(two_polls())

    expected_errors = {
        "html": "not_feed",
        "cut": "malformed",
        "mojibake": "encoding",
        "huge": "too_large",
        "loop": "redirects",
        "slow": "timeout",
    }
    for name, reason in expected_errors.items():
        for poll in (first, second):
            report = poll[s[name]]
            assert (report.result, report.reason) == ("error", reason), report
            assert f"/{name}" in (report.message or "")  # the URL is in the report
        assert failures[s[name]] == 2
        assert metric("fetch_errors_total", s[name], reason=reason) == 2
    assert (first[s["busy"]].reason, first[s["busy"]].retry_after) == ("http_503", 120.0)
    assert (second[s["busy"]].result, second[s["busy"]].produced) == ("ok", 1)
    assert failures[s["busy"]] == 0
    assert (first[s["good"]].produced, second[s["good"]].known) == (1, 1)
    # the entry from 2013 is refused once, remembered, and known on the next poll
    assert (first[s["mixed"]].produced, first[s["mixed"]].rejected) == (1, 1)
    assert (second[s["mixed"]].rejected, second[s["mixed"]].known) == (0, 2)
    assert metric("entries_rejected_total", s["mixed"], reason="invalid") == 1

    items = news_on(kafka_bootstrap, settings.topic_prefix + "news.items", 3)
    assert {i.title for i in items} == {
        "Україна повернула тіла 909 загиблих військових",
        "Россия и Украина провели обмен пленными",
        "A current entry",
    }
    seen = consume(kafka_bootstrap, settings.topic_prefix + "feeds.seen", 4, timeout=20)
    [rejected] = [
        orjson.loads(r.value) for r in seen if orjson.loads(r.value)["outcome"] != "produced"
    ]
    assert rejected["item_id"] == f"{s['mixed']}:mixed-2013"
    assert rejected["reason"] == "invalid" and "before 2014" in rejected["error"]


def two_entries(*guids: str) -> bytes:
    items = "".join(
        f"<item><title>Entry {g}</title><guid>{g}</guid>"
        f"<pubDate>Mon, 02 Feb 2026 1{n}:00:00 +0000</pubDate><description>Text {g}.</description>"
        "</item>"
        for n, g in enumerate(guids)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>E</title>'
    return f"{head}{items}</channel></rss>".encode()


def test_memory_is_bounded_and_the_topic_with_it(kafka_bootstrap: str) -> None:
    settings = settings_for(kafka_bootstrap)
    source = unique("bounded")
    with FeedServer() as server:
        url = server.route(
            "/f", Reply(body=two_entries("a", "b")), Reply(body=two_entries("b", "c"))
        )
        feeds = feeds_file({"source": source, "url": url}, remember=2)

        async def polls() -> tuple[list[dict[str, PollReport]], int]:
            async with Producer(settings) as producer:
                poller = await start_poller(settings, feeds, producer)
                reports = [by_source(await poller.run_once()) for _ in range(2)]
                await poller.fetcher.close()
            async with Producer(settings) as producer:
                again = SeenStore(settings, producer, [source], feeds.remember)
                return reports, await again.start()

        (first, second), remembered = asyncio.run(polls())
    assert (first[source].produced, second[source].produced, second[source].known) == (2, 1, 1)
    assert remembered == 2
    records = consume(kafka_bootstrap, settings.topic_prefix + "feeds.seen", 4, timeout=20)
    # a, b, c, then the tombstone of a (pushed out by c)
    assert [(r.key.decode().split(":", 1)[1], r.value is None) for r in records] == [
        ("a", False),
        ("b", False),
        ("c", False),
        ("a", True),
    ]


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXWATCH_")}
    env.update(
        {
            "EXWATCH_BROKER": settings.broker,
            "EXWATCH_TOPIC_PREFIX": settings.topic_prefix,
            "EXWATCH_APP_ID": settings.app_id,
        }
    )
    return env


def write_toml(path: Path, feeds: list[dict[str, Any]], **top: Any) -> Path:
    def value(v: Any) -> str:
        return orjson.dumps(v).decode()

    lines = [f"{k} = {value(v)}" for k, v in top.items()]
    for feed in feeds:
        lines += ["", "[[feed]]"] + [f"{k} = {value(v)}" for k, v in feed.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def feeds_once(config: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", "feeds", "--once", "--config", str(config)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_feeds_once_from_the_command_line(kafka_bootstrap: str, tmp_path: Path) -> None:
    settings = settings_for(kafka_bootstrap)
    with FeedServer() as server:
        server.route(
            "/articles/remains", Reply(body=fixture("article.html"), content_type="text/html")
        )
        feeds = [
            {"source": "wire", "url": server.route("/wire.xml", Reply(body=WIRE)), "lang": "en"},
            {
                "source": "ministry",
                "url": server.route("/m.atom", Reply(body=fixture("ministry.atom.xml"))),
                "lang": "uk",
            },
            {
                "source": "cp1251",
                "url": server.route("/uk.xml", Reply(body=fixture("uk.windows-1251.rss.xml"))),
            },
            {
                "source": "koi8",
                "url": server.route("/ru.atom", Reply(body=fixture("ru.koi8-r.atom.xml"))),
            },
            {
                "source": "teasers",
                "url": server.route("/teasers.xml", Reply(body=fixture("teasers.rss.xml"))),
                "fetch_article": True,
            },
        ]
        config = write_toml(tmp_path / "feeds.toml", feeds, user_agent="exchange-watch-test/1")
        run = feeds_once(config, cli_env(settings))
        # again, with a broken feed added: nothing new, the broken one reported, exit 1
        feeds.append(
            {"source": "broken", "url": server.route("/b", Reply(body=fixture("not-a-feed.html")))}
        )
        again = feeds_once(write_toml(tmp_path / "more.toml", feeds), cli_env(settings))
        ua = server.hits("/wire.xml")[0].headers["User-Agent"]

    assert run.returncode == 0, run.stderr
    print(run.stdout + run.stderr)  # the figures of the run, for the record
    reports = [orjson.loads(line) for line in run.stdout.splitlines()]
    assert [(r["source"], r["result"], r["produced"]) for r in reports] == [
        ("wire", "ok", 3),
        ("ministry", "ok", 2),
        ("cp1251", "ok", 1),
        ("koi8", "ok", 1),
        ("teasers", "ok", 2),
    ]
    assert reports[4]["articles"] == 1  # the other page is missing: its teaser is produced
    assert run.stderr.splitlines()[-1] == (
        "feeds 5: ok 5, not modified 0, failed 0; entries seen 9, produced 9, known 0, rejected 0"
    )
    assert ua == "exchange-watch-test/1"
    items = {i.id: i for i in news_on(kafka_bootstrap, settings.topic_prefix + "news.items", 9)}
    article = items["teasers:teaser-1"]
    assert article.body.startswith("Remains repatriated\nThe bodies of 1,000 fallen soldiers")
    assert "Most read" not in article.body
    assert items["teasers:teaser-2"].body == "Negotiators met again…"
    assert items["ministry:tag:ministry.test,2026:news-4411"].lang == "uk"

    assert again.returncode == 1
    last = [orjson.loads(line) for line in again.stdout.splitlines()]
    assert sum(r["produced"] for r in last) == 0 and sum(r["known"] for r in last) == 9
    assert last[-1]["result"] == "error" and last[-1]["reason"] == "not_feed"
    assert "/b: not an RSS or Atom document" in last[-1]["message"]
    assert again.stderr.splitlines()[-1].startswith("feeds 6: ok 5, not modified 0, failed 1;")


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
        text = resp.read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("exchange_watch_feed_"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_running_feeds_backs_off_serves_metrics_and_stops(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    settings = settings_for(kafka_bootstrap)
    port = free_port()
    with FeedServer() as server:
        busy = server.route(
            "/busy", Reply(503, b"", "text/plain", headers={"Retry-After": "3"}), Reply(body=WIRE)
        )
        failing = server.route("/fail", Reply(500, b"", "text/plain"))
        config = write_toml(
            tmp_path / "feeds.toml",
            [
                {"source": "busy", "url": busy, "interval_seconds": 1},
                {"source": "fail", "url": failing, "interval_seconds": 1},
            ],
        )
        log = (tmp_path / "feeds.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "feeds", "--config", str(config)],
            cwd=ROOT,
            env={**cli_env(settings), "EXWATCH_FEEDS_METRICS_PORT": str(port)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until(lambda: len(server.hits("/fail")) >= 4, 30, "four polls of the failing feed")
            wait_until(lambda: len(server.hits("/busy")) >= 2, 10, "the busy feed's second poll")
            metrics = wait_until(
                lambda: (
                    (m := scrape(port)).get(
                        'exchange_watch_feed_entries_produced_total{feed="busy"}'
                    )
                    and m
                ),
                10,
                "the busy feed's entries in /metrics",
            )
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(20)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            log.close()
        fail_times = [h.at for h in server.hits("/fail")]
        busy_times = [h.at for h in server.hits("/busy")]

    output = (tmp_path / "feeds.log").read_text()
    assert code == 0, output
    # 1 s after the first failure, then doubling: 2 s, 4 s (jitter adds up to a tenth)
    gaps = [b - a for a, b in itertools.pairwise(fail_times[:4])]
    for gap, want in zip(gaps, [1, 2, 4], strict=True):
        assert want * 0.95 <= gap <= want * 1.1 + 1.0, gaps
    # Retry-After 3 on the busy feed, longer than its 1 s interval
    assert 3 * 0.95 <= busy_times[1] - busy_times[0] <= 3 * 1.1 + 1.0
    assert metrics['exchange_watch_feed_entries_produced_total{feed="busy"}'] == 3
    assert metrics['exchange_watch_feed_fetch_errors_total{feed="busy",reason="http_503"}'] == 1
    assert metrics['exchange_watch_feed_fetch_errors_total{feed="fail",reason="http_500"}'] >= 3
    assert metrics['exchange_watch_feed_last_success_timestamp_seconds{feed="busy"}'] > 0
    assert 'exchange_watch_feed_last_success_timestamp_seconds{feed="fail"}' not in metrics
    assert "feed fail: error http_500" in output and failing in output
    news_on(kafka_bootstrap, settings.topic_prefix + "news.items", 3)


def test_a_feed_entry_about_a_swap_ends_in_the_totals(make_worker: Any, tmp_path: Path) -> None:
    worker: Worker = make_worker(EXWATCH_PARTITIONS="1")
    with FeedServer() as server:
        config = write_toml(
            tmp_path / "feeds.toml",
            [{"source": "wire", "url": server.route("/wire.xml", Reply(body=WIRE)), "lang": "en"}],
        )
        run = feeds_once(config, worker.env())
    assert run.returncode == 0, run.stderr
    expected = {
        "remains": {"UA": 0, "RU": 0},
        "pows": {"UA": 157, "RU": 157},
        "civilians": {"UA": 0, "RU": 0},
    }
    assert wait_until(lambda: totals_of(worker) == expected and expected, 90, "the swap in /totals")
