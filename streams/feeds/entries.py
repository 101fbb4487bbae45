"""From a feed document to `NewsItem`s: parsing, problems, ids, plain text. No I/O.

`feedparser` reads RSS 0.9x-2.0, RSS 1.0 and Atom, in whatever encoding the document declares.
What it cannot read correctly is reported as a `FeedProblem` rather than produced: a document
that is no feed, one whose bytes are not in the declared encoding (the parser would guess and
produce mojibake), and, unless the feed is marked lenient, XML that is not well-formed.
"""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import feedparser
import lxml.etree
import lxml.html

from schemas.codec import Rejected, validate_news
from schemas.common import MAX_ID
from schemas.news import NewsItem

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class FeedProblem:
    """Why a document gave nothing: `reason` is a short code (a metric label), `message` the
    detail for a person."""

    reason: str
    message: str


@dataclass(frozen=True)
class ParsedFeed:
    entries: list[Any]
    warning: str | None = None  # a recovered defect (lenient feeds)


_XML_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._-]+)""", re.IGNORECASE)


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


def declared_encodings(content: bytes, content_type: str | None) -> set[str]:
    """The encodings the document claims: its XML declaration's and the HTTP charset."""
    found: set[str] = set()
    m = _XML_DECLARED.match(content[:500].removeprefix(b"\xef\xbb\xbf"))
    if m:
        found.add(_codec_name(m.group(1).decode("ascii")) or "")
    c = _CHARSET.search(content_type or "")
    if c:
        found.add(_codec_name(c.group(1)) or "")
    return found or {"utf-8"}  # XML's default


def parse_document(
    content: bytes, *, content_type: str | None, url: str, lenient: bool = False
) -> ParsedFeed | FeedProblem:
    """Parse a fetched document. GUIDs and links are kept as the document has them (the
    parser would resolve a relative GUID against the feed's URL, so that the item's id changed
    with the URL); `Candidate.link` resolves links against `url`."""
    headers = {"content-type": content_type} if content_type else {}
    doc = feedparser.parse(content, response_headers=headers, sanitize_html=True)
    exc = doc.get("bozo_exception")
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown):
        declared = declared_encodings(content, content_type)
        if _codec_name(doc.get("encoding")) not in declared:
            return FeedProblem(
                "encoding",
                f"the bytes are not in the declared encoding ({', '.join(sorted(declared))}); "
                f"the parser would have to guess ({exc})",
            )
        exc = None  # the HTTP header and the XML declaration disagree; the declaration held
    if not doc.get("version"):
        detail = f": {exc}" if exc and not isinstance(exc, feedparser.NonXMLContentType) else ""
        return FeedProblem("not_feed", f"not an RSS or Atom document{detail}")
    if isinstance(exc, SAXParseException):
        message = f"not well-formed XML at line {exc.getLineNumber()}: {exc.getMessage()}"
        if not lenient:
            return FeedProblem("malformed", message)
        return ParsedFeed(list(doc.entries), warning=message + " (read leniently)")
    return ParsedFeed(list(doc.entries))


# --- entry -> item -----------------------------------------------------------------------------

_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "blockquote", "section", "article",
    "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "figure",
    "figcaption", "dd", "dt", "dl",
)  # fmt: skip
_LINE_TAGS = frozenset({"br", "li", "tr", "dd", "dt"})
_DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)*")


def normalize_text(text: str) -> str:
    """Spaces collapsed within lines, at most one blank line between paragraphs."""
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: markup and scripts gone, entities decoded, one line per
    block element and a blank line between paragraphs."""
    html = _CONTROL.sub("", html)
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return normalize_text(html)
    for el in list(root.iter(*_DROPPED_TAGS)):
        el.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        if el.tag in _LINE_TAGS:  # ends a line
            el.tail = "\n" + (el.tail or "")
        else:  # a paragraph of its own
            el.text = "\n\n" + (el.text or "")
            el.tail = "\n\n" + (el.tail or "")
    return normalize_text(root.text_content())


def _get(entry: Mapping[str, Any], key: str) -> Any:
    """A field as the parser stored it: feedparser's own `get` maps some missing keys to
    others (`updated` to `published`) with a deprecation warning."""
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def detail_text(detail: Mapping[str, Any] | None, value: str | None = None) -> str:
    """The text of a feedparser text construct (title, summary, content)."""
    kind = (detail or {}).get("type", "text/plain")
    raw = value if value is not None else (detail or {}).get("value", "")
    if not raw:
        return ""
    return html_to_text(raw) if kind in HTML_TYPES else normalize_text(raw)


def entry_key(entry: Mapping[str, Any]) -> str:
    """The entry's own identity: its GUID (Atom id), else its link, else a hash of its text."""
    for field in ("id", "link"):
        value = (_get(entry, field) or "").strip()
        if value:
            return value
    text = "\x1f".join(
        str(_get(entry, f) or "") for f in ("title", "summary", "published", "updated")
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def item_id(source: str, key: str) -> str:
    """`<source>:<entry key>`; a key too long for an item id is replaced by its hash."""
    plain = f"{source}:{key}"
    if len(plain) <= MAX_ID:
        return plain
    return f"{source}:sha256:{hashlib.sha256(key.encode('utf-8')).hexdigest()[:40]}"


def has_full_content(entry: Mapping[str, Any]) -> bool:
    """True when the entry carries a content element (content:encoded, Atom content) with
    text; an entry with only a summary is a teaser."""
    return any(detail_text(c).strip() for c in _get(entry, "content") or ())


def body_of(entry: Mapping[str, Any]) -> str:
    """The longest content element's text, else the summary's."""
    contents = [detail_text(c) for c in _get(entry, "content") or ()]
    best = max(contents, key=len, default="")
    if best:
        return best
    return detail_text(_get(entry, "summary_detail"), _get(entry, "summary"))


def published_of(entry: Mapping[str, Any], fallback: dt.datetime) -> dt.datetime:
    """Publication time (UTC): published, else updated, else `fallback` (when first fetched)."""
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        value = _get(entry, field)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    return fallback


@dataclass(frozen=True)
class Candidate:
    """A feed entry on its way to `news.items`."""

    item_id: str
    key: str
    entry: Any
    base: str  # the document's URL

    @property
    def link(self) -> str | None:
        """The entry's link as an absolute http(s) URL, or None."""
        link = (_get(self.entry, "link") or "").strip()
        if not link:
            return None
        absolute = urljoin(self.base, link)
        return absolute if urlsplit(absolute).scheme in ("http", "https") else None


_SUBSTANCE = ("id", "link", "title", "summary", "content")


def candidates(source: str, entries: list[Any], base: str) -> list[Candidate]:
    """The entries with their item ids, oldest first (feeds list newest first), each id once."""
    out: dict[str, Candidate] = {}
    for entry in entries:
        if not any(_get(entry, f) for f in _SUBSTANCE):
            continue  # nothing to identify or read (what a lenient parse of a cut-off item leaves)
        key = entry_key(entry)
        iid = item_id(source, key)
        out.setdefault(iid, Candidate(iid, key, entry, base))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return sorted(out.values(), key=lambda c: published_of(c.entry, epoch))


def to_news_item(
    candidate: Candidate,
    *,
    source: str,
    lang: str | None,
    fetched_at: dt.datetime,
    body: str | None = None,
) -> NewsItem:
    """The entry as a `NewsItem`, validated as `produce` validates; `Rejected` otherwise.
    `body` replaces the entry's own text (the article's, when it was fetched)."""
    entry = candidate.entry
    title = detail_text(_get(entry, "title_detail"), _get(entry, "title")) or None
    obj = {
        "id": candidate.item_id,
        "source": source,
        "url": candidate.link,
        "published_at": published_of(entry, fetched_at).isoformat(),
        "title": title,
        "body": body if body is not None else body_of(entry),
        "lang": lang,
    }
    return validate_news(obj)


__all__ = [
    "Candidate",
    "FeedProblem",
    "ParsedFeed",
    "Rejected",
    "body_of",
    "candidates",
    "entry_key",
    "has_full_content",
    "html_to_text",
    "item_id",
    "parse_document",
    "to_news_item",
]
