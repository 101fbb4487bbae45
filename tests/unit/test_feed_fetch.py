"""The poller's HTTP against a loopback server: conditional GET, Retry-After, size and time
bounds, redirect loops, and the hosts article pages may come from."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from streams.feeds.config import DEFAULT_USER_AGENT, FeedSpec
from streams.feeds.fetch import MAX_REDIRECTS, Fetcher, FetchError, Validators
from tests.feed_server import FeedServer, Reply, fixture
from tests.support import free_port

WIRE = fixture("wire.rss.xml")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as s:
        yield s


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    f = Fetcher(DEFAULT_USER_AGENT)
    yield f
    await f.close()


def spec(url: str, **kw: Any) -> FeedSpec:
    return FeedSpec(source="t", url=url, **kw)


async def failure(fetcher: Fetcher, url: str, **kw: Any) -> FetchError:
    with pytest.raises(FetchError) as info:
        await fetcher.feed(spec(url, **kw), Validators())
    assert url in info.value.message  # every message names the URL
    return info.value


async def test_conditional_get(server: FeedServer, fetcher: Fetcher) -> None:
    lm = "Thu, 05 Feb 2026 10:00:00 GMT"
    url = server.route("/wire.xml", Reply(body=WIRE, etag='"v1"', last_modified=lm))
    doc = await fetcher.feed(spec(url), Validators())
    assert doc is not None and doc.content == WIRE
    assert doc.content_type == "application/rss+xml; charset=utf-8"
    assert doc.validators == Validators('"v1"', lm)
    assert await fetcher.feed(spec(url), doc.validators) is None  # 304
    first, second = server.hits("/wire.xml")
    assert "If-None-Match" not in first.headers
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == lm
    assert first.headers["User-Agent"] == DEFAULT_USER_AGENT
    assert "application/rss+xml" in first.headers["Accept"]


@pytest.mark.parametrize(
    ("status", "header", "reason", "retry_after"),
    [
        (503, "7", "http_503", 7.0),
        (429, "120", "http_429", 120.0),
        (503, None, "http_503", None),
        (429, "Wed, 21 Oct 2015 07:28:00 GMT", "http_429", 0.0),
        (404, "60", "http_404", None),  # Retry-After only counts with 429 and 503
        (500, None, "http_500", None),
    ],
)
async def test_http_errors(
    server: FeedServer,
    fetcher: Fetcher,
    status: int,
    header: str | None,
    reason: str,
    retry_after: float | None,
) -> None:
    headers = {"Retry-After": header} if header else {}
    url = server.route("/f", Reply(status, b"busy", "text/plain", headers=headers))
    err = await failure(fetcher, url)
    assert err.reason == reason
    assert err.retry_after == retry_after
    assert f"HTTP {status}" in err.message


async def test_size_limits(server: FeedServer, fetcher: Fetcher) -> None:
    big = WIRE + b"<!--" + b"x" * 200_000 + b"-->"
    announced = server.route("/announced", Reply(body=big))
    streamed = server.route("/streamed", Reply(body=big, content_length=False))
    err = await failure(fetcher, announced, max_bytes=100_000)
    assert (err.reason, str(len(big))) == ("too_large", err.message.split(": ")[1].split()[0])
    err = await failure(fetcher, streamed, max_bytes=100_000)
    assert err.reason == "too_large" and "more than 100000 bytes" in err.message
    # within the limit, the same body is read whole without a Content-Length
    doc = await fetcher.feed(spec(streamed, max_bytes=300_000), Validators())
    assert doc is not None and doc.content == big


async def test_redirects(server: FeedServer, fetcher: Fetcher) -> None:
    server.route("/loop", Reply(302, headers={"Location": "/loop"}))
    err = await failure(fetcher, server.url("/loop"))
    assert err.reason == "redirects"
    assert len(server.hits("/loop")) == MAX_REDIRECTS + 1
    server.route("/old", Reply(301, headers={"Location": "/moved"}))
    server.route("/moved", Reply(302, headers={"Location": "/new.xml"}))
    server.route("/new.xml", Reply(body=WIRE))
    doc = await fetcher.feed(spec(server.url("/old")), Validators())
    assert doc is not None and doc.url == server.url("/new.xml") and doc.content == WIRE


async def test_timeouts_and_refused_connections(server: FeedServer, fetcher: Fetcher) -> None:
    slow = server.route("/slow", Reply(body=WIRE, delay=1.5))
    err = await failure(fetcher, slow, timeout_seconds=0.3)
    assert err.reason == "timeout"
    err = await failure(fetcher, f"http://127.0.0.1:{free_port()}/feed.xml")
    assert err.reason == "connect"


async def test_article_pages_only_from_allowed_hosts(server: FeedServer, fetcher: Fetcher) -> None:
    page = server.route("/a", Reply(body=fixture("article.html"), content_type="text/html"))
    feed = spec(server.url("/feed.xml"))
    assert feed.allowed_article_hosts == ("127.0.0.1",)
    assert (await fetcher.page(page, feed)).content == fixture("article.html")
    # another host, directly or by a redirect: refused before any request goes there
    elsewhere = spec(server.url("/feed.xml"), article_hosts=["wire.test"])
    with pytest.raises(FetchError) as info:
        await fetcher.page(page, elsewhere)
    assert info.value.reason == "host_not_allowed"
    away = server.route(
        "/away", Reply(302, headers={"Location": page.replace("127.0.0.1", "localhost")})
    )
    with pytest.raises(FetchError) as info:
        await fetcher.page(away, feed)
    assert info.value.reason == "host_not_allowed" and "localhost" in info.value.message
    assert server.hits("/a") and len(server.hits("/a")) == 1
    # subdomains of an allowed host are allowed
    assert spec("https://wire.test/f", article_hosts=["wire.test"]).allowed_article_hosts == (
        "wire.test",
    )
    big = server.route(
        "/big", Reply(body=b"<p>" + b"x" * 5_000 + b"</p>", content_type="text/html")
    )
    with pytest.raises(FetchError) as info:
        await fetcher.page(big, spec(server.url("/f"), article_max_bytes=1_000))
    assert info.value.reason == "too_large"
