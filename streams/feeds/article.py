"""The main text of an article page (trafilatura), for feeds whose entries are teasers. No I/O."""

from __future__ import annotations

import trafilatura

from schemas.news import MAX_BODY
from streams.feeds.entries import normalize_text


def extract_text(html: bytes, url: str | None = None) -> str | None:
    """The page's main text (no navigation, comments or boilerplate), paragraphs kept, at
    most `MAX_BODY` characters cut at a word; None when no main text is found."""
    text = trafilatura.extract(
        html,
        url=url,
        output_format="txt",
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
    )
    if not text:
        return None
    text = normalize_text(text)
    if len(text) > MAX_BODY:
        cut = text.rfind(" ", 0, MAX_BODY)
        text = text[: cut if cut > MAX_BODY // 2 else MAX_BODY]
    return text or None
