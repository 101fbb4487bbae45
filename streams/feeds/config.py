"""The feeds file (`deploy/feeds.toml`): which RSS and Atom feeds to poll, and how.

Read with the stdlib `tomllib` and checked by pydantic; every problem is one `FeedsConfigError`
naming the file, the key and, where the file shows it, the line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

DEFAULT_USER_AGENT = "exchange-watch/0.1 (RSS and Atom poller)"


class FeedsConfigError(ValueError):
    """The feeds file is unusable; the message says where and why."""


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


class FeedSpec(BaseModel):
    """One feed: where it is, the name its items carry, and how to poll it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The source of every item, and with the entry's id the item's identity: renaming a feed's
    # source makes its entries new. ':' separates the source from the entry id in item ids.
    source: Annotated[str, StringConstraints(pattern=r"^[^:\x00-\x1f]{1,100}$")]
    url: Annotated[str, StringConstraints(max_length=2048)]
    # ISO 639-1 of the items; without it the reader tells the language from the text (a feed's
    # own <language> is not taken: it is often a CMS default).
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = None
    interval_seconds: float = Field(default=900.0, ge=1, le=86_400)
    # Entries with no full content element (only a summary) are teasers: fetch the linked page
    # and take its main text instead.
    fetch_article: bool = False
    # Hosts (and their subdomains) an article may be fetched from, redirects included;
    # default: the feed's own host.
    article_hosts: list[str] = Field(default_factory=list, max_length=100)
    # Produce the entries of a feed that is not well-formed XML, as far as the parser recovers
    # them; off by default, as a cut-off document yields cut-off entries.
    lenient: bool = False
    timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    max_bytes: int = Field(default=5_000_000, ge=1_000, le=100_000_000)
    article_timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    article_max_bytes: int = Field(default=2_000_000, ge=1_000, le=100_000_000)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)

    @property
    def allowed_article_hosts(self) -> tuple[str, ...]:
        hosts = self.article_hosts or [urlsplit(self.url).hostname or ""]
        return tuple(h.lower().rstrip(".") for h in hosts)


class FeedsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    user_agent: Annotated[str, StringConstraints(min_length=1, max_length=300)] = DEFAULT_USER_AGENT
    # Longest wait after failures (Retry-After included) before a feed is tried again.
    max_backoff_seconds: float = Field(default=21_600.0, ge=1, le=7 * 86_400)
    # Item ids remembered per feed (memory and the seen topic); more than any feed lists at once.
    remember: int = Field(default=10_000, ge=1, le=1_000_000)
    feed: list[FeedSpec] = Field(min_length=1, max_length=10_000)


_FEED_HEADER = re.compile(r"^\s*\[\[\s*feed\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[")


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for n in range(start, end):
        if pattern.match(lines[n]):
            return n + 1
    return None


def _where(text: str, loc: tuple[int | str, ...]) -> str:
    """A validation error's location as the file shows it: `feed #2 (line 14): interval_seconds`."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if _FEED_HEADER.match(line)]
    if len(loc) >= 2 and loc[0] == "feed" and isinstance(loc[1], int):
        index = loc[1]
        key = ".".join(str(p) for p in loc[2:]) or "(table)"
        label = f"feed #{index + 1}"
        if index < len(headers):
            start = headers[index]
            end = next(
                (n for n in range(start + 1, len(lines)) if _TABLE_HEADER.match(lines[n])),
                len(lines),
            )
            line = _key_line(lines, start + 1, end, str(loc[2])) if len(loc) > 2 else None
            return f"{label}, {key} (line {line or start + 1})"
        return f"{label}, {key}"
    key = ".".join(str(p) for p in loc) or "(file)"
    line = _key_line(lines, 0, headers[0] if headers else len(lines), str(loc[0])) if loc else None
    return f"{key} (line {line})" if line else key


def parse_feeds(text: str, name: str = "feeds file") -> FeedsFile:
    """The feeds file's text as a `FeedsFile`, or `FeedsConfigError`."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message gives line and column
        raise FeedsConfigError(f"{name}: not valid TOML: {exc}") from None
    try:
        parsed = FeedsFile.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(text, tuple(e['loc']))}: {e['msg']}" for e in exc.errors()[:5]]
        more = exc.error_count() - len(problems)
        if more > 0:
            problems.append(f"and {more} more")
        raise FeedsConfigError(f"{name}: " + "; ".join(problems)) from None
    seen: dict[str, int] = {}
    for n, feed in enumerate(parsed.feed):
        if feed.source in seen:
            raise FeedsConfigError(
                f"{name}: feed #{n + 1}: source {feed.source!r} is already the source of "
                f"feed #{seen[feed.source] + 1}; each feed needs its own"
            )
        seen[feed.source] = n
    return parsed


def load_feeds(path: Path) -> FeedsFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FeedsConfigError(f"{path}: cannot read: {exc}") from None
    return parse_feeds(text, str(path))
