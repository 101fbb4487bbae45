"""HTTP for the feed poller (httpx): bounded in time and size, redirects counted and checked.

Every failure is one `FetchError` with a short reason code (a metric label) and a message that
names the URL; 429 and 503 carry the server's `Retry-After`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from streams.feeds.config import FeedSpec
from streams.feeds.schedule import parse_retry_after

MAX_REDIRECTS = 5
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class FetchError(Exception):
    def __init__(self, reason: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class Validators:
    """What the last good response said, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Document:
    content: bytes
    content_type: str | None
    url: str  # after redirects
    validators: Validators


def host_allowed(url: str, hosts: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in hosts)


class Fetcher:
    """One HTTP client for all feeds (connection reuse), with a clear user agent."""

    def __init__(self, user_agent: str) -> None:
        self._client = httpx.AsyncClient(headers={"User-Agent": user_agent}, follow_redirects=False)

    async def close(self) -> None:
        await self._client.aclose()

    async def feed(self, spec: FeedSpec, validators: Validators) -> Document | None:
        """The feed document, or None when the server says it has not changed (304)."""
        headers = {"Accept": FEED_ACCEPT, **validators.headers()}
        response, content = await self._get(
            spec.url, headers, spec.max_bytes, spec.timeout_seconds, hosts=None
        )
        if response.status_code == 304:
            return None
        return Document(
            content,
            response.headers.get("content-type"),
            str(response.url),
            Validators(response.headers.get("etag"), response.headers.get("last-modified")),
        )

    async def page(self, url: str, spec: FeedSpec) -> Document:
        """An article page linked from the feed, only from the feed's allowed hosts."""
        response, content = await self._get(
            url,
            {"Accept": PAGE_ACCEPT},
            spec.article_max_bytes,
            spec.article_timeout_seconds,
            hosts=spec.allowed_article_hosts,
        )
        return Document(
            content, response.headers.get("content-type"), str(response.url), Validators()
        )

    async def _get(
        self,
        url: str,
        headers: dict[str, str],
        max_bytes: int,
        timeout: float,
        hosts: tuple[str, ...] | None,
    ) -> tuple[httpx.Response, bytes]:
        """GET with redirects followed by hand (counted, and each checked against `hosts`),
        the whole exchange within `timeout`, the body read up to `max_bytes`."""
        with _reported(url, timeout):
            async with asyncio.timeout(timeout):
                request = self._client.build_request(
                    "GET", url, headers=headers, timeout=httpx.Timeout(timeout)
                )
                for hop in range(MAX_REDIRECTS + 1):
                    if hosts is not None and not host_allowed(str(request.url), hosts):
                        raise FetchError(
                            "host_not_allowed",
                            f"{url}: {request.url} is not on the allowed hosts "
                            f"({', '.join(hosts)})",
                        )
                    response = await self._client.send(request, stream=True)
                    try:
                        if response.next_request is not None:
                            if hop == MAX_REDIRECTS:
                                raise FetchError(
                                    "redirects",
                                    f"{url}: more than {MAX_REDIRECTS} redirects "
                                    f"(the last to {response.next_request.url})",
                                )
                            request = response.next_request
                            continue
                        self._check_status(url, response)
                        if response.status_code == 304:
                            return response, b""
                        return response, await self._read(url, response, max_bytes)
                    finally:
                        await response.aclose()
        raise AssertionError("unreachable")  # the loop returns or raises

    @staticmethod
    def _check_status(url: str, response: httpx.Response) -> None:
        status = response.status_code
        if 200 <= status < 300 or status == 304:
            return
        retry_after = None
        if status in (429, 503):
            retry_after = parse_retry_after(
                response.headers.get("retry-after"), dt.datetime.now(dt.UTC)
            )
        detail = f"; Retry-After {retry_after:g} s" if retry_after is not None else ""
        raise FetchError(
            f"http_{status}",
            f"{url}: HTTP {status} {response.reason_phrase}{detail}",
            retry_after=retry_after,
        )

    @staticmethod
    async def _read(url: str, response: httpx.Response, max_bytes: int) -> bytes:
        announced = response.headers.get("content-length", "")
        if announced.isdigit() and int(announced) > max_bytes:
            raise FetchError(
                "too_large", f"{url}: {announced} bytes announced; the limit is {max_bytes}"
            )
        buf = bytearray()
        async for chunk in response.aiter_bytes():  # decompressed: a gzip bomb is bounded too
            buf += chunk
            if len(buf) > max_bytes:
                raise FetchError("too_large", f"{url}: more than {max_bytes} bytes")
        return bytes(buf)


@contextlib.contextmanager
def _reported(url: str, timeout: float) -> Iterator[None]:
    """Transport failures as `FetchError`s with a reason code."""
    try:
        yield
    except TimeoutError:
        raise FetchError("timeout", f"{url}: no complete answer within {timeout:g} s") from None
    except httpx.TimeoutException:
        raise FetchError("timeout", f"{url}: timed out (limit {timeout:g} s)") from None
    except httpx.ConnectError as exc:
        raise FetchError("connect", f"{url}: cannot connect: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError("transport", f"{url}: {type(exc).__name__}: {exc}") from None
