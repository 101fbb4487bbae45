"""The English news reader: `read(item, lang) -> ClassifiedNews`, pure and deterministic.

Steps: an item naming neither Ukraine nor Russia is unrelated at once; else sentences with
offsets (shared.sentences), what each sentence speaks of (marks, a word scan), whether the item is
about the Russia-Ukraine war at all (categories), the facts of the sentences that can hold them
(en_facts, en_figures), clean-up (common.finalize_facts), then the categories (categories).
Modules: tokens (tokens, figures), dates (date cues), lexicon (word classes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.reader.en.categories import decide, is_relevant, is_teaser
from agents.reader.en.facts import DocContext, sentence_facts, state_facts
from agents.reader.en.lexicon import OTHER_EXCHANGE, other_exchange
from agents.reader.en.marks import Marks, sentence_marks
from agents.reader.shared.dates import reference_date
from agents.reader.shared.facts import MAX_FACT_SENTENCES, MAX_FACTS, AnyFact
from agents.reader.shared.facts import finalize_facts as _finalize
from agents.reader.shared.sentences import Sentence, item_sentences
from schemas.news import (
    CategoryName,
    ClassifiedNews,
    ExchangeFact,
    NewsItem,
    ResumptionFact,
)

VERSION = "exchange-watch-reader/0.1 (en)"

# A sentence can hold an exchange figure only with a figure (digits or words) and one of the
# words an exchange is told with; a suspension or resumption only with a stall or resume word.
_FIGURE_MARKS = frozenset({"digit", "number"})
_FACT_MARKS = frozenset({"pow", "rem", "civ", "exch", "ret", "commit", "verb"})
_STATE_MARKS = frozenset({"stall", "resume"})
# Without one of these stems an item cannot be about the war: it is read no further.
_ANCHORS = re.compile(
    r"ukrain|kyiv|kiev|russia|moscow|kremlin|putin|zelensk|donetsk|donbas|luhansk|kharkiv"
    r"|kherson|zaporizh|crimea|mariupol|kursk|belgorod|bryansk|odesa|odessa|dnipro|sumy"
)


# Ukraine named: the country, its capital, its president, its prisoner-of-war headquarters.
_UKRAINE = re.compile(r"ukrain|kyiv|kiev|zelensk|lubinets|coordination headquarters")


def read(item: NewsItem, lang: str = "en") -> ClassifiedNews:
    """Classify one English item and extract its exchange facts."""
    ref = reference_date(item.published_at)
    if (
        _ANCHORS.search((item.title or "").lower()) is None
        and _ANCHORS.search(item.body.lower()) is None
    ):
        return _result(item, lang, "unrelated", ["unrelated"], [])
    # "Also read: ..." lines are dropped; sentences are numbered again without them
    every = item_sentences(item)
    sents = [x for x in every if not is_teaser(x.text)]
    if len(sents) < len(every):
        sents = [s._replace(seq=i) for i, s in enumerate(sents)]
    marks = [sentence_marks(s.text) for s in sents]
    facts: list[AnyFact] = []
    fact_sentence: list[int] = []
    if is_relevant(sents, marks):
        raw: list[tuple[AnyFact, int]] = []
        ctx = DocContext(ref, f"{item.title or ''}\n{item.body}")
        budget = MAX_FACT_SENTENCES
        for pos, (s, mk) in enumerate(zip(sents, marks, strict=True)):
            g = mk.groups
            if not g & _FACT_MARKS:
                continue
            budget -= 1
            if budget < 0:
                break  # past any article's length: the rest is not read for facts
            if g & _FIGURE_MARKS:
                dated = "date" in g
                raw.extend((f, pos) for f in sentence_facts(s, sents, ctx, dated=dated))
            if g & _STATE_MARKS or "exch" in g:  # also "no exchanges have taken place"
                raw.extend((f, pos) for f in state_facts(s, ctx))
        raw = _headline_agrees_with_body(raw[: 2 * MAX_FACTS])
        facts = _resumption_dates(_finalize([f for f, _ in raw]))[:MAX_FACTS]
        span_pos = {(s.field, s.start): pos for pos, s in enumerate(sents)}
        fact_sentence = [
            span_pos.get((f.evidence.field, f.evidence.start), 0) if f.evidence else 0
            for f in facts
        ]
        # the categories weigh every reading, before duplicates are merged: a figure in the
        # headline and again in the body is the headline's subject
        primary, labels = decide(sents, marks, [f for f, _ in raw], [p for _, p in raw])
        if _other_exchange_headline(sents, marks, facts, fact_sentence) or _other_states_only(item):
            primary, labels, facts = "unrelated", ["unrelated"], []
    else:
        primary, labels = "unrelated", ["unrelated"]
    return _result(item, lang, primary, labels, facts)


def _result(
    item: NewsItem,
    lang: str,
    primary: CategoryName,
    labels: list[CategoryName],
    facts: list[AnyFact],
) -> ClassifiedNews:
    return ClassifiedNews(
        item_id=item.id,
        primary=primary,
        labels=labels,
        facts=facts,
        classifier=VERSION,
        lang=lang,
        published_at=item.published_at,
    )


def _headline_agrees_with_body(raw: list[tuple[AnyFact, int]]) -> list[tuple[AnyFact, int]]:
    """Headlines compress ("Ukraine frees 215 fighters"): a headline figure that the body
    gives for the other side, and never for the headline's side, is the body's."""
    body = {
        (f.kind, f.count, f.received_by)
        for f, _ in raw
        if isinstance(f, ExchangeFact) and f.evidence and f.evidence.field == "body"
    }
    out: list[tuple[AnyFact, int]] = []
    for f, pos in raw:
        if (
            isinstance(f, ExchangeFact)
            and f.evidence
            and f.evidence.field == "title"
            and (f.kind, f.count, f.received_by) not in body
            and any(k == f.kind and c == f.count and s != f.received_by for k, c, s in body)
        ):
            continue  # (also a headline figure without a side that the body gives one)
        out.append((f, pos))
    return out


def _resumption_dates(facts: list[AnyFact]) -> list[AnyFact]:
    """A resumption without its own date took place on the date of the current exchange of
    that kind reported in the same item."""
    out: list[AnyFact] = []
    for f in facts:
        if isinstance(f, ResumptionFact) and f.on is None:
            on = next(
                (
                    g.occurred
                    for g in facts
                    if isinstance(g, ExchangeFact)
                    and g.kind == f.kind
                    and not g.historical
                    and g.occurred
                ),
                None,
            )
            if on:
                f = f.model_copy(update={"on": on})
        out.append(f)
    return out


def _other_states_only(item: NewsItem) -> bool:
    """An exchange between other states ("Russia and the West") in an item that never names
    Ukraine, its capital or its people: not this war's exchange."""
    whole = f"{item.title or ''}\n{item.body}"
    return _UKRAINE.search(whole.lower()) is None and other_exchange(whole)


def _other_exchange_headline(
    sents: Sequence[Sentence],
    marks: Sequence[Marks],
    facts: Sequence[AnyFact],
    fact_sentence: Sequence[int],
) -> bool:
    """An item whose headline reports an exchange between other states (the US-Russia swap,
    Gaza) is not about this war's exchanges, unless it reports one of them in the headline."""
    head = [i for i, s in enumerate(sents) if s.field == "title"] or [0]
    if not any(marks[i].exchange_talk and OTHER_EXCHANGE.search(sents[i].text) for i in head):
        return False
    return not any(
        isinstance(f, ExchangeFact) and not f.historical and si in head
        for f, si in zip(facts, fact_sentence, strict=True)
    )
