"""Feed documents to NewsItems, on fixtures written for the tests: RSS 2.0 and Atom, documents in
windows-1251 and KOI8-R, and the documents the poller must refuse (not a feed, bytes not in the
declared encoding, XML cut off)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urljoin

import feedparser
import pytest

from schemas.codec import Rejected
from schemas.common import MAX_ID
from schemas.news import MAX_TITLE
from streams.feeds.article import extract_text
from streams.feeds.entries import (
    FeedProblem,
    ParsedFeed,
    candidates,
    entry_key,
    has_full_content,
    html_to_text,
    item_id,
    parse_document,
    to_news_item,
)
from tests.feed_server import fixture

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
BASE = "http://127.0.0.1:8000/feeds/"


def parsed(name: str, content_type: str | None = "application/xml", **kw: Any) -> ParsedFeed:
    result = parse_document(fixture(name), content_type=content_type, url=BASE + name, **kw)
    assert isinstance(result, ParsedFeed), result
    return result


def items(name: str, source: str = "src", lang: str | None = None) -> list[Any]:
    return [
        to_news_item(c, source=source, lang=lang, fetched_at=NOW)
        for c in candidates(source, parsed(name).entries, BASE + name)
    ]


def test_rss_entries_become_items_oldest_first() -> None:
    power, rates, swap = items("wire.rss.xml", "test-wire", "en")
    # GUID when there is one, the link when not; the source in front
    assert swap.id == "test-wire:wire-2026-0205-01"
    assert power.id == "test-wire:http://wire.test/news/power"
    assert swap.source == "test-wire" and swap.lang == "en"
    assert swap.url == "http://wire.test/news/157-pows"
    # pubDate with its offset, as UTC
    assert swap.published_at == dt.datetime(2026, 2, 5, 10, 0, tzinfo=dt.UTC)
    assert swap.title == "Ukraine and Russia swap 157 prisoners of war each"
    # escaped HTML in the description: plain text, one paragraph each
    assert swap.body.startswith(
        "Ukraine and Russia carried out a prisoner exchange on Thursday.\n\n"
    )
    assert "157 Ukrainian defenders returned home" in swap.body
    assert "<" not in swap.body
    # content:encoded wins over the description; its script is gone; entities decoded
    assert rates.title == "Central bank holds rates & signals caution"
    assert rates.body == (
        "The central bank kept its key rate unchanged on Wednesday, citing slowing inflation."
        "\n\nKey rate: unchanged\nNext meeting: March"
    )


def test_atom_entries() -> None:
    meeting, release = items("ministry.atom.xml", "ministry")
    assert release.id == "ministry:tag:ministry.test,2026:news-4411"
    # a relative link resolves against the feed's URL
    assert release.url == "http://127.0.0.1:8000/news/4411"
    # published wins over updated
    assert release.published_at == dt.datetime(2026, 2, 5, 12, 0, tzinfo=dt.UTC)
    assert meeting.published_at == dt.datetime(2026, 2, 4, 9, 0, tzinfo=dt.UTC)
    # an HTML title, XHTML content
    assert release.title == "Повернення полонених: додому повернулися 157 захисників"
    assert release.body == (
        "Сьогодні додому повернулися 157 українських захисників.\n\n"
        "Обмін відбувся за посередництва Об'єднаних Арабських Еміратів."
    )
    assert meeting.body == (
        "Відбулося засідання штабу з родинами зниклих безвісти. Наступна зустріч у березні."
    )
    assert release.lang is None  # the feed's xml:lang is not taken: the reader tells it


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("uk.windows-1251.rss.xml", "Україна повернула тіла 909 загиблих військових"),
        ("ru.koi8-r.atom.xml", "Россия и Украина провели обмен пленными"),
    ],
)
def test_documents_in_declared_single_byte_encodings(name: str, title: str) -> None:
    with pytest.raises(UnicodeDecodeError):  # the fixture really is not UTF-8
        fixture(name).decode("utf-8")
    [item] = items(name)
    assert item.title == title
    assert "\ufffd" not in item.body and item.body[:2] in ("В ", "Из")


def test_the_xml_declaration_wins_over_a_wrong_http_charset() -> None:
    result = parse_document(
        fixture("uk.windows-1251.rss.xml"),
        content_type="application/rss+xml; charset=utf-8",
        url=BASE,
    )
    assert isinstance(result, ParsedFeed)
    assert result.entries[0].title == "Україна повернула тіла 909 загиблих військових"


def test_bytes_not_in_the_declared_encoding_are_refused() -> None:
    # windows-1251 bytes declared as UTF-8: the parser would guess windows-1252 (mojibake)
    content = fixture("uk.windows-1251.rss.xml").replace(b"windows-1251", b"utf-8")
    result = parse_document(content, content_type="application/rss+xml", url=BASE)
    assert isinstance(result, FeedProblem)
    assert result.reason == "encoding"
    assert "declared encoding (utf-8)" in result.message


def test_no_feed_and_cut_off_documents() -> None:
    html = parse_document(fixture("not-a-feed.html"), content_type="text/html", url=BASE)
    assert html == FeedProblem("not_feed", "not an RSS or Atom document")
    garbage = parse_document(b"\x00\x01 binary", content_type=None, url=BASE)
    assert isinstance(garbage, FeedProblem) and garbage.reason == "not_feed"
    cut = parse_document(fixture("truncated.rss.xml"), content_type=None, url=BASE)
    assert isinstance(cut, FeedProblem) and cut.reason == "malformed"
    assert cut.message.startswith("not well-formed XML at line 15")
    # lenient: what the parser recovers, less the cut-off item that has nothing in it
    lenient = parsed("truncated.rss.xml", lenient=True)
    assert lenient.warning and "read leniently" in lenient.warning
    assert [c.entry.title for c in candidates("cut", lenient.entries, BASE)] == ["A complete item"]


def test_a_feed_served_as_text_html_is_still_read() -> None:
    assert len(parsed("wire.rss.xml", content_type="text/html").entries) == 3


def test_ids() -> None:
    assert item_id("wire", "guid-1") == "wire:guid-1"
    long_key = "https://wire.test/" + "x" * 300
    long_id = item_id("wire", long_key)
    assert long_id.startswith("wire:sha256:") and len(long_id) <= MAX_ID
    assert item_id("wire", long_key) == long_id  # stable
    assert item_id("wire", long_key + "y") != long_id
    # no GUID and no link: a hash of the entry's text, stable across polls
    bare = feedparser.FeedParserDict(title="A title", summary="Text.", published="Mon")
    assert entry_key(bare) == entry_key(feedparser.FeedParserDict(bare))
    assert entry_key(bare).startswith("sha256:")
    # a GUID that is not a URL stays as it is, whatever the feed's URL (a permalink GUID by
    # default in RSS: the parser alone would resolve it against the feed's URL)
    plain = fixture("teasers.rss.xml").replace(b' isPermaLink="false"', b"")
    for url in ("http://127.0.0.1:8000/f.xml", "https://moved.test/rss"):
        doc = parse_document(plain, content_type=None, url=url)
        assert isinstance(doc, ParsedFeed)
        [first, _] = candidates("t", doc.entries, url)
        assert first.item_id == "t:teaser-1"
        assert first.link == urljoin(url, "/articles/remains")
    # one id once per document
    doc = parsed("wire.rss.xml")
    assert len(candidates("w", doc.entries + doc.entries, BASE)) == 3


def test_dates_fall_back_to_the_fetch_time() -> None:
    entry = feedparser.FeedParserDict(id="x", title="t", summary="b")
    [cand] = candidates("s", [entry], BASE)
    assert to_news_item(cand, source="s", lang=None, fetched_at=NOW).published_at == NOW


def test_entries_are_validated_as_produce_validates() -> None:
    def item_of(**fields: Any) -> Any:
        [cand] = candidates("s", [feedparser.FeedParserDict(id="x", **fields)], BASE)
        return to_news_item(cand, source="s", lang=None, fetched_at=NOW)

    with pytest.raises(Rejected) as too_long:
        item_of(title="x" * (MAX_TITLE + 1), summary="b")
    assert too_long.value.reason == "too_large"
    assert "title" in too_long.value.message
    with pytest.raises(Rejected) as too_old:
        item_of(title="t", summary="b", published_parsed=(2013, 5, 1, 0, 0, 0, 0, 0, 0))
    assert too_old.value.reason == "invalid"
    assert "before 2014" in too_old.value.message
    with pytest.raises(Rejected, match="in the future"):
        item_of(title="t", summary="b", published_parsed=(2099, 5, 1, 0, 0, 0, 0, 0, 0))


@pytest.mark.parametrize(
    ("html", "text"),
    [
        (
            "<p>One <b>bold</b> word.</p><p>Two&nbsp;&amp; three.</p>",
            "One bold word.\n\nTwo & three.",
        ),
        ("Line one<br>line two<br/>line three", "Line one\nline two\nline three"),
        ("<ul><li>a</li><li>b</li></ul>after", "a\nb\n\nafter"),
        ("<div><div><p>deep</p></div></div>", "deep"),
        ("<p>text</p><script>alert(1)</script><style>p{}</style>", "text"),
        ("plain &lt;not a tag&gt;", "plain <not a tag>"),
        ("", ""),
        ("   \n\t ", ""),
        ("<p>a\x00b\x07c</p>", "abc"),
        ("<p>unclosed <i>tags", "unclosed tags"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_plain_text_is_kept_as_it_is() -> None:
    entry = feedparser.FeedParserDict(
        id="x",
        summary="a < b and <c>",
        summary_detail={"type": "text/plain", "value": "a < b and <c>"},
    )
    [cand] = candidates("s", [entry], BASE)
    assert to_news_item(cand, source="s", lang=None, fetched_at=NOW).body == "a < b and <c>"


def test_teasers_and_full_content() -> None:
    wire = {c.entry.title: c.entry for c in candidates("w", parsed("wire.rss.xml").entries, BASE)}
    assert has_full_content(wire["Central bank holds rates & signals caution"])
    assert not has_full_content(wire["Ukraine and Russia swap 157 prisoners of war each"])


def test_article_text() -> None:
    text = extract_text(fixture("article.html"), "http://127.0.0.1/articles/remains")
    assert text is not None
    assert "The bodies of 1,000 fallen soldiers were returned to Ukraine on Friday" in text
    assert "Russia received the bodies of 38 of its soldiers" in text
    for boilerplate in ("Most read", "Subscribe", "Sport", "All rights reserved"):
        assert boilerplate not in text
    assert extract_text(b"<html><body></body></html>") is None
