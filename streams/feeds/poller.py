"""The poll loop: fetch each feed, parse it, produce its new entries, remember them.

One feed's trouble (an HTTP error, a document that is no feed, a bug in the parser) is
reported with its URL and never stops the others. A feed that fails keeps its place: its
conditional-GET validators move only once every new entry was acknowledged, and it is tried
again after a backoff (`schedule.next_delay`). Entries are produced oldest first.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aiokafka.errors import KafkaError

from schemas.codec import Rejected
from schemas.news import NewsItem
from streams import metrics
from streams.client import Producer
from streams.feeds.article import extract_text
from streams.feeds.config import FeedsFile, FeedSpec
from streams.feeds.entries import (
    Candidate,
    FeedProblem,
    body_of,
    candidates,
    has_full_content,
    parse_document,
    to_news_item,
)
from streams.feeds.fetch import Fetcher, FetchError, Validators
from streams.feeds.schedule import next_delay
from streams.feeds.seen import SeenRecord, SeenStore
from streams.settings import Settings

log = logging.getLogger("exchange_watch.feeds")

# Feeds fetched at the same time.
MAX_PARALLEL = 8
# On stop, how long a poll in progress may take to finish.
STOP_GRACE_SECONDS = 30.0


@dataclass
class FeedState:
    spec: FeedSpec
    validators: Validators = field(default_factory=Validators)
    failures: int = 0  # failed polls in a row


@dataclass
class PollReport:
    """What one poll of one feed did."""

    source: str
    url: str
    result: Literal["ok", "not_modified", "error"]
    seen: int = 0
    produced: int = 0
    known: int = 0
    rejected: int = 0
    articles: int = 0
    reason: str | None = None
    message: str | None = None
    retry_after: float | None = None
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        if self.result == "error":  # the message names the URL
            counts = f"; produced {self.produced}" if self.produced else ""
            return f"{self.source}: error {self.reason}: {self.message}{counts}"
        head = f"{self.source} ({self.url}): "
        if self.result == "not_modified":
            return head + "not modified"
        text = (
            f"ok: seen {self.seen}, produced {self.produced}, known {self.known}, "
            f"rejected {self.rejected}"
        )
        if self.articles:
            text += f", article texts {self.articles}"
        return head + text + (f" ({self.warning})" if self.warning else "")


class FeedPoller:
    def __init__(
        self, feeds: FeedsFile, producer: Producer, seen: SeenStore, fetcher: Fetcher
    ) -> None:
        self.feeds = feeds
        self.producer = producer
        self.seen = seen
        self.fetcher = fetcher
        self.states = {f.source: FeedState(f) for f in feeds.feed}
        self._parallel = asyncio.Semaphore(MAX_PARALLEL)

    async def run_once(self) -> list[PollReport]:
        return list(await asyncio.gather(*(self.poll(s) for s in self.states.values())))

    async def run_forever(self, stop: asyncio.Event) -> None:
        loops = [asyncio.create_task(self._loop(s, stop)) for s in self.states.values()]
        await stop.wait()
        _, pending = await asyncio.wait(loops, timeout=STOP_GRACE_SECONDS)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _loop(self, state: FeedState, stop: asyncio.Event) -> None:
        while not stop.is_set():
            report = await self.poll(state)
            delay = next_delay(
                state.spec.interval_seconds,
                state.failures,
                retry_after=report.retry_after,
                max_backoff=self.feeds.max_backoff_seconds,
                jitter=random.random(),
            )
            if report.result == "error":
                log.info("%s: next try in %.0f s", state.spec.source, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def poll(self, state: FeedState) -> PollReport:
        """Poll one feed once; never raises (but for cancellation)."""
        source = state.spec.source
        async with self._parallel:
            try:
                report = await self._poll(state)
            except Exception as exc:  # a bug must not end this feed's loop or the others
                log.exception("%s (%s): failed", source, state.spec.url)
                report = PollReport(source, state.spec.url, "error", reason="internal")
                report.message = f"{type(exc).__name__}: {exc}"
        if report.result == "error":
            state.failures += 1
            metrics.FEED_FETCH_ERRORS.labels(source, report.reason or "unknown").inc()
            log.warning("feed %s", report.line())
        else:
            state.failures = 0
            metrics.FEED_LAST_SUCCESS.labels(source).set(time.time())
            if report.produced or report.rejected:
                log.info("feed %s", report.line())
        metrics.FEED_FETCHES.labels(source, report.result).inc()
        metrics.FEED_ENTRIES_SEEN.labels(source).inc(report.seen)
        metrics.FEED_ENTRIES_PRODUCED.labels(source).inc(report.produced)
        metrics.FEED_ENTRIES_KNOWN.labels(source).inc(report.known)
        return report

    async def _poll(self, state: FeedState) -> PollReport:
        spec = state.spec
        report = PollReport(spec.source, spec.url, "ok")
        try:
            doc = await self.fetcher.feed(spec, state.validators)
        except FetchError as exc:
            return _failed(report, exc.reason, exc.message, exc.retry_after)
        if doc is None:
            report.result = "not_modified"
            return report
        fetched_at = dt.datetime.now(dt.UTC)
        parsed = await asyncio.to_thread(
            parse_document,
            doc.content,
            content_type=doc.content_type,
            url=doc.url,
            lenient=spec.lenient,
        )
        if isinstance(parsed, FeedProblem):
            return _failed(report, parsed.reason, f"{spec.url}: {parsed.message}")
        report.warning = parsed.warning
        found = candidates(spec.source, parsed.entries, doc.url)
        new = [c for c in found if not self.seen.known(spec.source, c.item_id)]
        report.seen, report.known = len(found), len(found) - len(new)

        items: list[tuple[Candidate, NewsItem]] = []
        records: list[SeenRecord] = []
        for cand in new:
            body = None
            if spec.fetch_article and cand.link and not has_full_content(cand.entry):
                body = await self._article(spec, cand)
                report.articles += body is not None
            try:
                item = to_news_item(
                    cand, source=spec.source, lang=spec.lang, fetched_at=fetched_at, body=body
                )
            except Rejected as exc:
                log.warning(
                    "feed %s (%s): entry %s rejected (%s): %s",
                    spec.source, spec.url, cand.key, exc.reason, exc.message,
                )  # fmt: skip
                metrics.FEED_ENTRIES_REJECTED.labels(spec.source, exc.reason).inc()
                report.rejected += 1
                records.append(
                    SeenRecord(
                        spec.source, cand.item_id, "rejected", cand.link, exc.reason, exc.message
                    )
                )
                continue
            items.append((cand, item))

        failure: str | None = None
        try:
            deliveries = [await self.producer.send_news(item) for _, item in items]
            results = await asyncio.gather(*deliveries, return_exceptions=True)
        except KafkaError as exc:
            results, failure = [exc] * len(items), str(exc)
        for (cand, item), result in zip(items, results, strict=True):
            if isinstance(result, BaseException):
                failure = failure or f"{type(result).__name__}: {result}"
                continue
            report.produced += 1
            records.append(SeenRecord(spec.source, item.id, "produced", cand.link))
        try:
            await self.seen.remember_all(records)
        except KafkaError as exc:  # the items go again next time: a repeat, never a loss
            failure = failure or f"seen topic: {exc}"
        if failure is not None:
            return _failed(report, "kafka", f"{spec.url}: producing failed: {failure}")
        state.validators = doc.validators
        return report

    async def _article(self, spec: FeedSpec, cand: Candidate) -> str | None:
        """The linked page's main text when it is longer than the teaser; None otherwise (the
        teaser is produced)."""
        assert cand.link is not None
        try:
            page = await self.fetcher.page(cand.link, spec)
            text = await asyncio.wait_for(
                asyncio.to_thread(extract_text, page.content, page.url),
                spec.article_timeout_seconds,
            )
        except FetchError as exc:
            result, text = exc.reason, None
            log.info("feed %s: article %s: %s", spec.source, cand.link, exc.message)
        except TimeoutError:
            result, text = "extract_timeout", None
        else:
            result = "extracted" if text else "no_text"
        if text is not None and len(text) <= len(body_of(cand.entry)):
            result, text = "shorter_than_teaser", None
        metrics.FEED_ARTICLES.labels(spec.source, result).inc()
        return text


def _failed(
    report: PollReport, reason: str, message: str, retry_after: float | None = None
) -> PollReport:
    report.result = "error"
    report.reason = reason
    report.message = message
    report.retry_after = retry_after
    return report


async def run_feeds(
    settings: Settings, feeds: FeedsFile, *, once: bool, stop: asyncio.Event | None = None
) -> list[PollReport]:
    """Poll every feed once (`once`), or until `stop` is set."""
    async with Producer(settings) as producer:
        seen = SeenStore(settings, producer, [f.source for f in feeds.feed], feeds.remember)
        remembered = await seen.start()
        log.info(
            "%d feeds; %d entry ids remembered from %s", len(feeds.feed), remembered, seen.topic
        )
        fetcher = Fetcher(feeds.user_agent)
        try:
            poller = FeedPoller(feeds, producer, seen, fetcher)
            if once:
                return await poller.run_once()
            await poller.run_forever(stop or asyncio.Event())
            return []
        finally:
            await fetcher.close()
