"""The Ukrainian and Russian reader: one engine, the language a parameter.

Reading goes sentence by sentence, title first. Each body paragraph carries its time frame
("Раніше ...", "за три роки ...", "сьогодні") and the kind it speaks of to the sentences after
it, so "Ранее обмен телами состоялся в прошлом месяце. Россия передала 1 000 тел ..." gives a
background exchange dated to last month. Facts are cleaned by `shared.facts.finalize_facts`, shared
with English.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from agents.reader.shared.dates import reference_date
from agents.reader.shared.facts import MAX_SINGLE_EXCHANGE, finalize_facts, order_labels
from agents.reader.slavic.categories import Scores, choose, score, unrelated_conflict
from agents.reader.slavic.dates import DateCue, find_date, find_since
from agents.reader.slavic.facts import agreement, commitment, halts, mediators
from agents.reader.slavic.figures import Carry, Count, sentence_counts
from agents.reader.slavic.lexicon import (
    AGREE,
    CAPT,
    CIV,
    DATEW,
    DONE,
    GET,
    GIVE,
    HELD,
    HIST,
    MIL,
    MONTH,
    NOW,
    POW,
    REM,
    RET,
    SRC,
    SRC_RU,
    SRC_UA,
    TOTAL,
    TOTALW,
    VOICE_RU,
    VOICE_UA,
    XCH,
    YEARW,
    words,
)
from agents.reader.slavic.parties import Side, source_side
from agents.reader.slavic.tokens import Sentence, sentences
from schemas.common import Kind, Mediator
from schemas.news import (
    ClassifiedNews,
    CommitmentFact,
    ExchangeFact,
    Fact,
    NewsItem,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

VERSION = "0.1"

# "з початку", "в общей сложности", "станом на", "протягом року": a running total.
_TOTAL = re.compile(
    r"(?:упродовж|протягом|в течение)\s(?:[\w']+\s){0,2}(?:року|років|роки|года|лет)(?![\w'])"
    r"|з початку|с начала|від початку|станом на|по состоянию на|в общей сложности"
)
# "за три роки", "за 2025 рік", "за цей час", "за червень": the period of a running total.
_PERIOD = words(
    "рік роки років року год года лет час время період период місяців месяцев січень лютий "
    "березень квітень травень червень липень серпень вересень жовтень листопад грудень январь "
    "февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
)


def _over_period(tokens: list[str]) -> bool:
    """ "за три роки", "за 2025 рік", "за цей час", "за червень"."""
    for k, t in enumerate(tokens):
        if t == "за" and not _PERIOD.isdisjoint(tokens[k + 1 : k + 4]):
            return True
    return False


# "минулий обмін", "прошлый обмен", "останній обмін ... відбувся": an earlier exchange.
_PREVIOUS = ("минул", "прошл", "последн", "останн", "попередн", "предыдущ")
_HANDOVER = ("репатр", "передач")
_LAST_TIME = re.compile(
    "минулого разу|минулий раз|прошлый раз|того ж місяця|тогда же|минулого тижня"
    "|на прошлой неделе|на минулому тижні"
)
_THIS_TIME = re.compile("цього разу|цей раз|этот раз|этого раза")
_SUPERLATIVE = re.compile(
    r"\b(?:наймасштабніш|найбільш|крупнейш|масштабнейш|самы[йм] (?:масштабн|крупн|больш))"
)
_TOTAL_WORD = re.compile(
    r"\b(?:загалом|всього|усього|всего|в общей сложности|итого|у сумі|в сумме)\b"
)
# "ранее сообщили, что в тот же день возвращены 146": the day of the news, not background
_SAME_DAY = re.compile(
    r"(?:в|у) (?:тот|этот|той|цей|той самий|тот самый) же день|(?:того|этого|цього|того самого)"
    r" же? дня|(?:в|у) (?:той|цей) самий день|(?:того|цього) ж дня"
)
_ATTRIBUTION = ("про це", "об этом", "як повідом", "как сообщ", "повідомля", "сообщил")
# Sentences that may set the time frame of their paragraph.
_TIMED = HIST | TOTAL | NOW | XCH | RET | MONTH | DATEW
# A report older than this (days before publication) is background, not news.
_STALE_DAYS = 10
_KINDS = REM | POW | CAPT | CIV | MIL


@dataclass(slots=True)
class Frame:
    """Time frame of the current paragraph."""

    para: int = -1
    hist: bool = False
    total: bool = False
    date: DateCue | None = None
    since: str | None = None
    carry: Carry = field(default_factory=Carry)


@dataclass(slots=True)
class Found:
    count: Count
    sentence: Sentence
    hist: bool
    total: bool
    occurred: str | None
    since: str | None
    as_of: str | None
    agreement: str | None
    claimed_by: Side | None
    dated_back: bool = False  # historical only because its date is well before publication


def _perspective(lang: str, sents: list[Sentence]) -> Side:
    """Whose people "додому", "наших", "повернули" refer to when the text does not say."""
    if lang == "uk":
        return "UA"
    ua = ru = 0
    for s in sents:  # the sources it quotes weigh twice its vocabulary
        if s.sflags & (SRC_UA | SRC_RU):
            side = source_side(s)
            ua += 2 * (side == "UA")
            ru += 2 * (side == "RU")
        if s.sflags & (VOICE_UA | VOICE_RU):
            ua += sum(1 for f in s.flags if f & VOICE_UA)
            ru += sum(1 for f in s.flags if f & VOICE_RU)
    return "UA" if ua > ru else "RU"


def _dateline(body: list[Sentence], ref: dt.date | None) -> DateCue | None:
    """A short date line at the top of the body ("16.02.2024 13:59", "сегодня в 12:06")."""
    for s in body[:6]:
        head = s.text.split(",")[0]
        if len(s.text) <= 40 or (len(head) > 2 and head.isupper()):  # "МОСКВА, 5 мар"
            cue = find_date(s.tokens[:16], s.flags[:16], ref)
            if cue is not None and len(cue.value) == 10:
                return cue
    return None


def _is_previous(s: Sentence) -> bool:
    """ "минулого разу", "прошлый обмен", "останній обмін": the sentence tells of an earlier
    swap."""
    if _LAST_TIME.search(s.low):
        return True
    if not s.sflags & (XCH | RET):
        return False
    toks = s.tokens
    for k in [i for i, f in enumerate(s.flags) if f & (XCH | RET)]:
        handover = s.flags[k] & XCH or toks[k].startswith(_HANDOVER)
        if k and handover and toks[k - 1].startswith(_PREVIOUS):
            return True
    return False


def _frame(
    s: Sentence, frame: Frame, ref: dt.date | None
) -> tuple[bool, bool, DateCue | None, str | None]:
    """(historical, total, date, since) of a sentence, updating the paragraph frame."""
    sf = s.sflags
    # Each regex runs only where a cue word is among the sentence's tokens.
    date = find_date(s.tokens, s.flags, ref) if sf & (MONTH | DATEW | NOW | YEARW) else None
    since = (
        find_since(s.tokens, s.flags, ref) if sf & SRC and sf & (MONTH | TOTALW | DATEW) else None
    )
    if since is not None and date is not None and date.value == since:
        date = None  # "з 2014 року", "с июля": the start of a period, not the day of an event
    now = bool(sf & NOW) or _THIS_TIME.search(s.low) is not None
    total = not now and bool(
        sf & TOTAL
        # "утримувала з 2014 року" is how long; "перші з 2022 року переговори" is no return
        or (since and not sf & HELD and sf & (RET | XCH))
        or (sf & TOTALW and _TOTAL.search(s.low))
        or ("за" in s.tokens and _over_period(s.tokens))
    )
    if total and _SUPERLATIVE.search(s.low) and not _TOTAL_WORD.search(s.low):
        total = False  # "наймасштабніший від початку вторгнення обмін": the largest, not a sum
    stale = (
        date is not None
        and ref is not None
        and date.last_day < ref - dt.timedelta(days=_STALE_DAYS)
    )
    previous = _is_previous(s)
    hist = (
        not total
        and (bool(sf & HIST) or stale or previous)
        and not (sf & HIST and not stale and _SAME_DAY.search(s.low))
    )
    if s.field == "title":
        return hist, total, date, since
    if hist or total or now or date is not None:
        frame.hist, frame.total = hist, total
        if sf & AGREE:  # "обмін, про який домовилися 16 травня": the date of the deal
            date = None
        frame.date = date or (frame.date if hist or total else None)
        frame.since = since
        return hist, total, date, since
    return frame.hist, frame.total, frame.date, frame.since


def read(item: NewsItem, lang: str) -> ClassifiedNews:
    """Classify a Ukrainian or Russian item and extract its facts."""
    ref = reference_date(item.published_at)
    title = sentences(item.title, "title", 0, lang=lang) if item.title else []
    body = sentences(item.body, "body", 1, len(title), lang=lang)
    sents = title + body
    persp = _perspective(lang, sents)
    line = _dateline(body, ref)
    default_source = next((source_side(s) for s in sents if s.sflags & (SRC_UA | SRC_RU)), None)

    found: list[Found] = []
    frame = Frame()
    for i, s in enumerate(sents):
        if s.para != frame.para:
            frame = Frame(para=s.para)
        counts = sentence_counts(s, persp, frame.carry)
        if s.sflags & REM:
            frame.carry.kind = "remains"
        elif s.sflags & (POW | CAPT):
            frame.carry.kind = "pows"
        elif s.sflags & CIV and not s.sflags & MIL:
            frame.carry.kind = "civilians"
        if not counts and not s.sflags & _TIMED:
            continue
        hist, total, date, since = _frame(s, frame, ref)
        if not counts:
            continue
        claimed = _claimed_by(sents, i) or default_source
        dated_back = hist and not s.sflags & HIST and not _is_previous(s)
        local = any(c.own_total for c in counts)
        for c in counts:
            # No single swap of this war was this large: such a figure is a running total.
            big = c.count > MAX_SINGLE_EXCHANGE[c.kind]
            # a total word before one figure is said of it only ("стороны освободили по 120
            # человек, в общей сложности 240")
            is_total = (c.own_total if local and total else total) or big
            occurred = date.value if date else None
            if occurred is None and not hist and not is_total and line is not None:
                occurred = line.value
            found.append(
                Found(
                    c,
                    s,
                    hist and not is_total,
                    is_total,
                    None if is_total else occurred,
                    since,
                    date.value if is_total and date and date.value != since else None,
                    agreement(s.low, s.tokens, s.flags, c.kind, c.count, ref),
                    claimed,
                    dated_back,
                )
            )
            frame.carry.receiver = c.received_by
            frame.carry.kind = c.kind
    found = _day_before(_dedupe(_resolve_parts(found)))

    sc = score(sents)
    background = _background(sc, found)
    others, suspended, promised, underway = _events(sents, ref, found)
    deals = {(f.kind, f.count) for f in others if isinstance(f, CommitmentFact) and f.per_side}
    if deals:  # a headline formula that a deal in the body accounts for names the deal
        found = [
            f
            for f in found
            if f.sentence.field != "title" or (f.count.kind, f.count.count) not in deals
        ]
    current = [f.count.kind for f in found if not f.hist and not f.total]
    hist_kinds = [f.count.kind for f in found if f.hist and not f.total]
    totals = [f.count.kind for f in found if f.total]
    primary, labels = choose(
        sc, current, hist_kinds, totals, suspended, promised, background, underway
    )
    facts: list[Fact] = []
    if not unrelated_conflict(sc):
        facts = [*(_fact(f, background) for f in found), *others]
    return ClassifiedNews(
        item_id=item.id,
        primary=primary,
        labels=order_labels(primary, labels),
        facts=finalize_facts(facts)[:500],
        classifier=f"exchange-watch-reader/{VERSION} ({lang})",
        lang=lang,
        published_at=item.published_at,
    )


_DAY_BEFORE = frozenset(("накануне", "напередодні"))
_VENUE = re.compile("стамбул|istanbul|женев")
_ACT = DONE | RET | XCH | GET | GIVE


def _the_day_before(s: Sentence) -> bool:
    """ "Накануне прошел обмен": the adverb (not "накануне Рождества", the eve of a day)."""
    toks, fl = s.tokens, s.flags
    if _DAY_BEFORE.isdisjoint(toks):
        return False
    return any(
        t in _DAY_BEFORE and k + 1 < len(toks) and (toks[k + 1] == "," or fl[k + 1] & _ACT)
        for k, t in enumerate(toks)
    )


def _day_before(found: list[Found]) -> list[Found]:
    """ "Накануне прошел обмен «90 на 90»" beside a swap the item reports as its news:
    the swap of the day before that one is background."""
    before = [f for f in found if not f.hist and not f.total and _the_day_before(f.sentence)]
    if not before:
        return found
    news = {
        (f.count.kind, id(f.sentence))
        for f in found
        if not f.hist and not f.total and f not in before
    }
    for f in before:
        if any(k == f.count.kind and sid != id(f.sentence) for k, sid in news):
            f.hist = True
    return found


def _background(sc: Scores, found: list[Found]) -> bool:
    """Whether the item's news is something else (its title is about a strike) and its
    exchange figures are background ("the strike came a day after a swap of 390")."""
    if not found or sc.title_exchange or not (sc.title_attack or sc.title_infra):
        return False
    return len({f.sentence.index for f in found if f.sentence.field == "body"}) <= 1


def _claimed_by(sents: list[Sentence], i: int) -> Side | None:
    s = sents[i]
    side = source_side(s) if s.sflags & (SRC_UA | SRC_RU) else None
    if side is None and i + 1 < len(sents):
        nxt = sents[i + 1]
        if nxt.para == s.para and nxt.low.startswith(_ATTRIBUTION):
            side = source_side(nxt)
    return side


def _resolve_parts(found: list[Found]) -> list[Found]:
    """Figures of a sentence that lists parts of several kinds ("Серед них 1235 військових і
    123 цивільних") replace the figure they add up to; parts of one kind (by front sector)
    and parts that add up to nothing given are a subset."""
    drop: set[int] = set()
    sectors: set[tuple[Kind, int]] = set()
    out = []
    for f in found:
        if not f.count.part:
            out.append(f)
            continue
        parts = [g for g in found if g.sentence is f.sentence]
        if f is not parts[0]:
            continue
        whole = sum(g.count.count for g in parts)
        side = parts[0].count.received_by
        matches = [
            g
            for g in out
            if not g.count.part
            and g.count.count == whole
            and g.count.received_by in (side, None)
            and (g.sentence.para == f.sentence.para or g.sentence.field == "title")
        ]
        if matches and len(parts) > 1:
            if all(g.count.kind == matches[0].count.kind for g in parts):
                # a split by front sector or by place: the whole is the figure, and a headline
                # or a line that names one part ("тіла шістьох ... з Куп'янського напрямку")
                # names a part
                sectors.update((g.count.kind, g.count.count) for g in parts)
                continue
            drop.update(id(g) for g in matches)
            for g in parts:
                g.count.part = False
                out.append(g)
    return [f for f in out if id(f) not in drop and (f.count.kind, f.count.count) not in sectors]


def _key(f: Found) -> tuple[Kind, Side | None, int]:
    return f.count.kind, f.count.received_by, f.count.count


def _dedupe(found: list[Found]) -> list[Found]:
    """One fact per figure: the body repeats the title, quotes repeat the lead. A repeat that
    is dated replaces an undated first reading."""
    body_keys = {_key(f) for f in found if f.sentence.field == "body"}
    body_pairs = {(k[1], k[2]) for k in body_keys}
    out: list[Found] = []
    index: dict[tuple[object, ...], int] = {}
    for f in found:
        c = f.count
        if f.sentence.field == "title":
            if (c.received_by, c.count) in body_pairs:
                continue  # the body's reading of the same figure is the fuller one
            if c.received_by is None and any(k[0] == c.kind and k[2] == c.count for k in body_keys):
                continue
        key = (*_key(f), f.hist, f.total)
        if key in index:
            kept = out[index[key]]
            if kept.occurred is None and f.occurred is not None:
                out[index[key]] = f
            continue
        index[key] = len(out)
        out.append(f)
    # An undirected figure is the same swap as a directed pair with that count; an undated
    # repeat of a figure the text dated weeks back is that same earlier swap.
    directed = {(f.count.kind, f.count.count) for f in out if f.count.received_by is not None}
    dated = {_key(f) for f in out if f.dated_back}
    out = [
        f
        for f in out
        if (f.count.received_by is not None or (f.count.kind, f.count.count) not in directed)
        and (f.hist or f.total or f.occurred is not None or _key(f) not in dated)
    ]
    return _drop_part_sums(out)


def _drop_part_sums(found: list[Found]) -> list[Found]:
    """A figure equal to the sum of two or more figures of one other sentence, same receiver
    ("157 на 157 ... додому повернулися 150 військових і 7 цивільних"), is their total."""
    by_sentence: dict[int, list[Found]] = {}
    for f in found:
        by_sentence.setdefault(id(f.sentence), []).append(f)
    # (receiver, historical, sum, sentence) of every sentence with two or more figures
    sums = {
        (parts[0].count.received_by, parts[0].hist, sum(p.count.count for p in parts), key)
        for key, parts in by_sentence.items()
        if len(parts) >= 2
        and all(
            p.count.received_by == parts[0].count.received_by and p.hist == parts[0].hist
            for p in parts
        )
    }
    if not sums:
        return found
    out = []
    for f in found:
        c = f.count
        is_sum = any(
            r == c.received_by and h == f.hist and total == c.count and key != id(f.sentence)
            for r, h, total, key in sums
        )
        if not is_sum:
            out.append(f)
    return out


def _fact(f: Found, background: bool) -> Fact:
    c = f.count
    ev = f.sentence.evidence()
    if f.total:
        return TotalFact(
            kind=c.kind,
            received_by=c.received_by,
            count=c.count,
            as_of=f.as_of,
            since=f.since,
            approximate=c.approx,
            claimed_by=f.claimed_by,
            evidence=ev,
        )
    return ExchangeFact(
        kind=c.kind,
        received_by=c.received_by,
        count=c.count,
        occurred=f.occurred,
        historical=f.hist or background,
        approximate=c.approx,
        agreement=f.agreement,
        claimed_by=f.claimed_by,
        evidence=ev,
    )


def _events(
    sents: list[Sentence], ref: dt.date | None, found: list[Found]
) -> tuple[list[Fact], bool, list[Kind], list[Kind]]:
    """Suspensions, resumptions and commitments: (facts, suspended, kinds committed in talks,
    kinds of a symmetric exchange under way)."""
    out: list[Fact] = []
    current: set[Kind] = {f.count.kind for f in found if not f.hist and not f.total}
    dates = {f.count.kind: f.occurred for f in found if not f.hist and not f.total}
    suspended = False
    promised: list[Kind] = []
    underway: list[Kind] = []
    venues: set[int] | None = None  # sentences that name a venue, found when first needed
    meds: list[Mediator] | None = None
    for s in sents:
        for h in halts(s):
            if h.resumed:
                cue = find_date(s.tokens, s.flags, ref)
                on = cue.value if cue else dates.get(h.kind)
                out.append(ResumptionFact(kind=h.kind, on=on, evidence=s.evidence()))
            elif h.kind not in current:  # a new swap of that kind ends what was reported
                if suspended and not s.sflags & _KINDS:
                    continue  # "прием переносится": the halt reported before, said again
                suspended = True
                out.append(
                    SuspensionFact(
                        kind=h.kind,
                        since=find_since(s.tokens, s.flags, ref),
                        claimed_by=source_side(s),
                        evidence=s.evidence(),
                    )
                )
        p = commitment(s)
        if p is None:
            continue
        if venues is None:
            venues = {id(x) for x in sents if _VENUE.search(x.low)}
        slug = None
        # the sentence, else its paragraph, else the whole item names the venue
        for scope in ([s], [x for x in sents if x.para == s.para], sents):
            if not any(id(x) in venues for x in scope):
                continue  # no venue named: no agreement to resolve
            # the venue and the round from the scope; a date only from the sentence itself
            slug = agreement(
                " ".join(x.low for x in scope),
                s.tokens,
                s.flags,
                p.kind,
                p.count,
                ref,
                p.categories,
            )
            if slug:
                break
        (underway if p.underway else promised).append(p.kind)
        meds = mediators(sents) if meds is None else meds
        out.append(
            CommitmentFact(
                kind=p.kind,
                count=p.count,
                agreement=slug,
                approximate=p.approximate,
                per_side=p.per_side,
                categories=p.categories,
                mediators=meds,
                evidence=s.evidence(),
            )
        )
    if any(isinstance(f, SuspensionFact) and f.since is None for f in out):
        # "Останній обмін відбувся в середині листопада": the halt runs from the last one
        last = _last_exchange_month(sents, ref)
        if last is not None:
            out = [
                f.model_copy(update={"since": last})
                if isinstance(f, SuspensionFact) and f.since is None
                else f
                for f in out
            ]
    return out, suspended, promised, underway


_LAST = ("останн", "последн")


def _last_exchange_month(sents: list[Sentence], ref: dt.date | None) -> str | None:
    """The month of the last exchange, where a sentence names it with a date."""
    for s in sents:
        toks, fl = s.tokens, s.flags
        for k, tok in enumerate(toks):
            if not tok.startswith(_LAST):
                continue
            if any(
                fl[m] & XCH or toks[m].startswith(_HANDOVER)
                for m in range(k + 1, min(len(toks), k + 3))
            ):
                cue = find_date(toks, fl, ref)
                if cue is not None and cue.value:
                    return cue.value[:7]
    return None
