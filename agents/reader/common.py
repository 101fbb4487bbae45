"""Language-neutral helpers of the news readers (English, Ukrainian, Russian).

Stable API for every language reader; extend it, do not change what is here:

- `UNKNOWN_PUBLISHED`, `reference_date(published_at)`: the date relative cues resolve against,
  or None when the publication date is unknown (the sentinel, the first instant the schema
  accepts, marks it); then no relative date is ever resolved.
- `Sentence` (field, start, end, text, para, seq), `split_sentences(text, field)`,
  `item_sentences(item)`, `evidence(sentence)`: sentences with character offsets into
  `item.title` / `item.body` (`text == field[start:end]`), and their `Evidence`.
- `lower_pattern(src)`, `lower_same(text)`: case-insensitive matching done fast (lower-cased
  pattern over lower-cased text, offsets kept).
- `parse_grouped_int("1,000" | "1 000" | "1.000")`: digits with thousands separators.
- Dates: `fmt_date`, `date_str`, `resolve_weekday`, `resolve_day_month`, `resolve_month`,
  `shift_months`, `months_ago`, `is_well_before`.
- Agreements: `AGREEMENTS`, `AGREEMENT_LABELS`, `agreement_slug(label)`,
  `resolve_agreement(...)`, `agreement_mediators(slug)`.
- POW categories: `CATEGORY_ORDER`, `sort_categories`.
- Bounds and plausibility: `MAX_SENTENCE`, `MAX_FIGURES_PER_SENTENCE`, `MAX_FACT_SENTENCES`,
  `MAX_FACTS`; `MAX_SINGLE_EXCHANGE` (larger figures are cumulative totals).
- Facts: `finalize_facts(facts)` (merge duplicates, drop sums of parts, drop fulfilled
  commitments, one suspension/resumption per kind); `order_labels(primary, labels)`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from schemas.common import MAX_COUNT, MAX_YEAR, MIN_YEAR, Category, Kind, Mediator, Party
from schemas.news import (
    CATEGORIES,
    CategoryName,
    CommitmentFact,
    Evidence,
    ExchangeFact,
    NewsItem,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

FieldName = Literal["title", "body"]
AnyFact = ExchangeFact | TotalFact | SuspensionFact | ResumptionFact | CommitmentFact

# --------------------------------------------------------------------------------------------
# Publication date

# NewsItem.published_at is required (and not before MIN_YEAR); a feed (or the evaluation) that
# does not know the page date sends this sentinel, the first instant the schema accepts. The
# readers then resolve no relative cue ("on Friday") at all: against it they could only invent
# a date. (No exchange report of this war dates from that midnight.)
UNKNOWN_PUBLISHED = dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC)


def reference_date(published_at: dt.datetime | None) -> dt.date | None:
    """The date relative cues ("today", "on Friday") resolve against; None when unknown (no
    value, or the UNKNOWN_PUBLISHED sentinel or anything earlier)."""
    if published_at is None or published_at <= UNKNOWN_PUBLISHED:
        return None
    return published_at.date()


# --------------------------------------------------------------------------------------------
# Case-insensitive matching, fast: lower-cased patterns over lower-cased text


def lower_pattern(src: str, flags: int = 0) -> re.Pattern[str]:
    """Compile `src` for lower-cased text: its letters are lowered (not group names, not
    escapes such as \\S). Case-sensitive matching of lower-case text is several times faster
    than re.IGNORECASE."""
    parts = re.split(r"(\(\?P<\w+>|\\[A-Za-z])", src)
    return re.compile("".join(p if i % 2 else p.lower() for i, p in enumerate(parts)), flags)


def lower_same(text: str) -> str:
    """`text` lower-cased, offsets kept (when lower-casing would change the length, as for a
    few non-Latin letters, the text itself)."""
    low = text.lower()
    return low if len(low) == len(text) else text


# --------------------------------------------------------------------------------------------
# Sentences

# Sentences longer than this are cut (at a space) so that no later step scans unbounded text.
MAX_SENTENCE = 1000

# Abbreviations (lower case, without the final dot) after which a dot does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    " ".join(
        (
            "mr mrs ms dr st gen lt col maj capt sgt adm gov sen rep prof jr sr no nos vs etc",
            "approx est dept inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec",
            "u.s u.k u.n e.g i.e a.m p.m fig ca cf al ukr rus",
            "г гг ст им пп тыс млн млрд см т.е т.д т.п ул обл р-н",
        )
    ).split(" ")
)

# A sentence ends at a newline, or at . ! ? … (and closing quotes or brackets) before a space.
# (It opens with a character class, which lets the regex engine skip fast to candidates.)
_BOUNDARY = re.compile(
    r"[\n.!?…](?:(?<=\n)(?:[ \t\r\u00a0]*\n)*|(?<!\n)[.!?…]*[\"'”’»)\]]*(?=\s|$))"
)
_INITIALS = re.compile(r"^(?:\w\.)+\w$")
_SPACE = frozenset(" \t\r\n\u00a0\u2009\u202f")
_OPENERS = frozenset("\"'“‘«([-–—•*")


class Sentence(NamedTuple):
    """One sentence: `text == <field text>[start:end]`; `para` counts paragraphs in the field
    (-1 for the title); `seq` is the position among the item's sentences (title first)."""

    field: FieldName
    start: int
    end: int
    text: str
    para: int
    seq: int


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the punctuation text[start:end] ends a sentence (not an abbreviation, an
    initial, or a dot before a lower-case word)."""
    n = len(text)
    j = end
    while j < n and text[j] in _SPACE:
        j += 1
    if j >= n:
        return True
    c = text[j]
    if not (c.isupper() or c.isdigit() or c in _OPENERS):
        return False
    if text[start] != ".":
        return True
    ws = text.rfind(" ", max(0, start - 24), start)
    nl = text.rfind("\n", max(0, start - 24), start)
    word = text[max(ws, nl) + 1 : start].lstrip("\"'“‘«([").lower()
    if not word or len(word) > 6:
        return True
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "Vladimir V. Putin"
    return word not in ABBREVIATIONS and ("." not in word or _INITIALS.match(word) is None)


def split_sentences(
    text: str, field: FieldName, *, first_index: int = 0, max_len: int = MAX_SENTENCE
) -> list[Sentence]:
    """Split `text` into sentences with offsets; linear in len(text).

    Newlines always end a sentence (headlines, bullet lines); blank lines start a paragraph.
    Pieces longer than `max_len` are cut at the last space before the limit.
    """
    out: list[Sentence] = []
    para = 0
    start = 0

    def emit(a: int, b: int) -> None:
        piece = text[a:b]
        body = piece.strip()
        if not body:
            return
        a += len(piece) - len(piece.lstrip())
        b = a + len(body)
        while b - a > max_len:
            cut = text.rfind(" ", a + max_len // 2, a + max_len)
            if cut <= a:
                cut = a + max_len
            out.append(Sentence(field, a, cut, text[a:cut], para, first_index + len(out)))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append(Sentence(field, a, b, text[a:b], para, first_index + len(out)))

    for m in _BOUNDARY.finditer(text):
        ms, me = m.span()
        if text[ms] == "\n":
            emit(start, ms)
            start = me
            if me - ms > 1 and text.count("\n", ms, me) > 1:
                para += 1
        elif _ends_sentence(text, ms, me):
            emit(start, me)
            start = me
    emit(start, len(text))
    return out


def item_sentences(item: NewsItem) -> list[Sentence]:
    """Title sentences (paragraph -1) then body sentences, indexed in that order."""
    title = (
        [s._replace(para=-1) for s in split_sentences(item.title, "title")] if item.title else []
    )
    return title + split_sentences(item.body, "body", first_index=len(title))


def evidence(sentence: Sentence) -> Evidence:
    """The Evidence of a fact read from `sentence` (its exact span in the item's field; the
    text is cut at the schema's 2,000 characters, sentences are shorter)."""
    return Evidence(
        field=sentence.field, start=sentence.start, end=sentence.end, text=sentence.text[:2000]
    )


# --------------------------------------------------------------------------------------------
# Numbers

_GROUPED = re.compile(r"^\d{1,3}(?:([,.\u00a0\u202f\u2009 ])\d{3})+$")


def parse_grouped_int(s: str) -> int | None:
    """Integer from digits with optional thousands separators ("1,000", "1 000", "1.000").

    Returns None for decimals ("8.37"), mixed separators and values above MAX_COUNT.
    """
    if s.isdigit():
        v = int(s) if len(s) <= 9 else MAX_COUNT + 1
    else:
        m = _GROUPED.match(s)
        if m is None or len(set(re.findall(r"\D", s))) != 1:
            return None
        v = int(re.sub(r"\D", "", s))
    return v if v <= MAX_COUNT else None


# --------------------------------------------------------------------------------------------
# Dates (reduced precision strings as in DESIGN.md)


def fmt_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ "YYYY", "YYYY-MM" or "YYYY-MM-DD"; None when out of range or not a calendar date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_str(d: dt.date) -> str | None:
    return fmt_date(d.year, d.month, d.day)


def resolve_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The latest date on or before `ref` falling on `weekday` (Monday = 0)."""
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by `delta` months."""
    n = year * 12 + (month - 1) + delta
    return n // 12, n % 12 + 1


def months_ago(ref: dt.date, n: int) -> str | None:
    """The month `n` months before `ref`, as "YYYY-MM"."""
    y, m = shift_months(ref.year, ref.month, -n)
    return fmt_date(y, m)


def resolve_day_month(
    ref: dt.date | None, day: int, month: int, year: int | None, *, slack_days: int = 2
) -> str | None:
    """A day and month, with the year when the text gives it, else the latest such date not
    more than `slack_days` after `ref`; None without year and without reference."""
    if year is not None:
        return fmt_date(year, month, day)
    if ref is None:
        return None
    for y in (ref.year, ref.year - 1):
        try:
            cand = dt.date(y, month, day)
        except ValueError:
            continue
        if cand <= ref + dt.timedelta(days=slack_days):
            return date_str(cand)
    return None


def resolve_month(ref: dt.date | None, month: int, year: int | None) -> str | None:
    """A month, with its year when given, else the latest such month not after `ref`."""
    if year is not None:
        return fmt_date(year, month)
    if ref is None:
        return None
    return fmt_date(ref.year if month <= ref.month else ref.year - 1, month)


def is_well_before(value: str, ref: dt.date | None) -> bool:
    """Whether a reduced-precision date lies clearly before `ref` (so it is background):
    a day more than 21 days before, a month at least two months before, an earlier year."""
    if ref is None:
        return False
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return parts[0] < ref.year
    if len(parts) == 2:
        return (ref.year * 12 + ref.month) - (parts[0] * 12 + parts[1]) >= 2
    try:
        d = dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return (ref - d).days > 21


# --------------------------------------------------------------------------------------------
# Agreements


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    slug: str
    place: str
    signed: dt.date
    mediators: tuple[Mediator, ...]
    # What the round is known for, used to tell the rounds apart when a text says only "Istanbul".
    kinds: tuple[Kind, ...]
    counts: tuple[int, ...]


AGREEMENTS: dict[str, AgreementInfo] = {
    a.slug: a
    for a in (
        AgreementInfo(
            "istanbul-2025-05", "istanbul", dt.date(2025, 5, 16), ("TR",), ("pows",), (1000, 2000)
        ),
        AgreementInfo(
            "istanbul-2025-06",
            "istanbul",
            dt.date(2025, 6, 2),
            ("TR",),
            ("remains", "pows"),
            (6000, 12000),
        ),
        AgreementInfo(
            "istanbul-2025-07", "istanbul", dt.date(2025, 7, 23), ("TR",), ("pows",), (1200, 2400)
        ),
        AgreementInfo("geneva-2026-02", "geneva", dt.date(2026, 2, 1), (), ("pows",), (500, 1000)),
    )
}

# Normalised agreement names used by the labelled corpus, mapped to slugs.
AGREEMENT_LABELS: dict[str, str] = {
    "istanbul 2025 (1st round)": "istanbul-2025-05",
    "istanbul 2025 (2nd round)": "istanbul-2025-06",
    "istanbul 2025 (3rd round)": "istanbul-2025-07",
    "geneva 2026": "geneva-2026-02",
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def agreement_slug(label: str | None) -> str | None:
    """Slug of an agreement given by slug or by the corpus's normalised name."""
    if not label:
        return None
    key = " ".join(label.lower().split())
    if key in AGREEMENT_LABELS:
        return AGREEMENT_LABELS[key]
    return key if _SLUG.match(key) else None


def agreement_mediators(slug: str | None) -> list[Mediator]:
    info = AGREEMENTS.get(slug or "")
    return list(info.mediators) if info else []


def resolve_agreement(
    *,
    place: str | None,
    year: int | None = None,
    month: int | None = None,
    round_no: int | None = None,
    kind: Kind | None = None,
    count: int | None = None,
    categories: Sequence[Category] = (),
    ref: dt.date | None = None,
) -> str | None:
    """Slug of the agreement a text names by place ("istanbul" incl. "in Turkey", "geneva"),
    told apart by round number, month, what it covers, or the publication date.
    None when the place is not a known venue or the round cannot be told."""
    if place == "geneva":
        return "geneva-2026-02" if year in (None, 2026) else None
    if place != "istanbul":
        return None
    if year is not None and year != 2025:
        return None  # e.g. the 2022 Istanbul talks
    by_round = {1: "istanbul-2025-05", 2: "istanbul-2025-06", 3: "istanbul-2025-07"}
    if round_no in by_round:
        return by_round[round_no]
    by_month = {5: "istanbul-2025-05", 6: "istanbul-2025-06", 7: "istanbul-2025-07"}
    if month in by_month:
        return by_month[month]
    if kind == "remains" or categories:
        return "istanbul-2025-06"
    if count is not None:
        for info in AGREEMENTS.values():
            if info.place == "istanbul" and count in info.counts and kind in info.kinds:
                return info.slug
    if ref is not None:
        # A report published within days after a round speaks of that round.
        for info in sorted(AGREEMENTS.values(), key=lambda a: a.signed, reverse=True):
            if info.place == "istanbul" and 0 <= (ref - info.signed).days <= 10:
                return info.slug
    return None


# --------------------------------------------------------------------------------------------
# POW categories, plausibility, labels

CATEGORY_ORDER: tuple[Category, ...] = ("severely_injured", "ill", "under_25")


def sort_categories(cats: Iterable[Category]) -> list[Category]:
    got = set(cats)
    return [c for c in CATEGORY_ORDER if c in got]


# Bounds of the work on one item: an article has a handful of figures; adversarial text must
# not make the reader slow or its output exceed the schema (500 facts).
MAX_FIGURES_PER_SENTENCE = 24
MAX_FACT_SENTENCES = 150
MAX_FACTS = 200

# No single exchange of this war returned more than these (per report, both sides together);
# a larger figure is a cumulative total.
MAX_SINGLE_EXCHANGE: dict[Kind, int] = {"remains": 6100, "pows": 2100, "civilians": 1000}


def order_labels(primary: CategoryName, labels: Iterable[CategoryName]) -> list[CategoryName]:
    """Primary first, then the other labels in the contract's category order, no repeats."""
    rest = set(labels) - {primary}
    return [primary, *(c for c in CATEGORIES if c in rest)]


# --------------------------------------------------------------------------------------------
# Fact post-processing


def _merge_exchange(a: ExchangeFact, b: ExchangeFact) -> ExchangeFact:
    return a.model_copy(
        update={
            "occurred": a.occurred or b.occurred,
            "approximate": a.approximate and b.approximate,
            "agreement": a.agreement or b.agreement,
            "claimed_by": a.claimed_by or b.claimed_by,
        }
    )


def finalize_facts(facts: Sequence[AnyFact]) -> list[AnyFact]:
    """Clean the facts of one item, keeping the order of first mention:

    - the same figure read twice (title and body, lead and quote) is kept once, with the most
      specific date, agreement and attribution of its readings;
    - a combined figure (received_by null) that only sums the directed figures of the same kind
      given in the text ("150 prisoners, 75 from each side") is dropped;
    - a commitment whose figure the same text reports as carried out is dropped (the deal and its
      execution in one report are one event);
    - suspensions and resumptions of one kind are kept once.
    """
    out: list[AnyFact] = []
    ex_index: dict[tuple[object, ...], int] = {}
    seen: set[tuple[object, ...]] = set()
    for f in facts:
        if isinstance(f, ExchangeFact):
            key: tuple[object, ...] = ("x", f.kind, f.received_by, f.count, f.historical)
            if key in ex_index:
                i = ex_index[key]
                prev = out[i]
                assert isinstance(prev, ExchangeFact)
                out[i] = _merge_exchange(prev, f)
                continue
            ex_index[key] = len(out)
            out.append(f)
            continue
        if isinstance(f, TotalFact):
            key = ("t", f.kind, f.received_by, f.count)
        elif isinstance(f, CommitmentFact):
            key = ("c", f.kind, f.count, f.agreement)
        elif isinstance(f, SuspensionFact):
            key = ("s", f.kind)
        else:
            key = ("r", f.kind)
        if key in seen:
            if isinstance(f, SuspensionFact | ResumptionFact):
                # one suspension per kind: keep the first reading, completed by the others
                for i, g in enumerate(out):
                    if type(g) is type(f) and g.kind == f.kind:
                        if isinstance(g, SuspensionFact) and isinstance(f, SuspensionFact):
                            out[i] = g.model_copy(
                                update={
                                    "since": g.since or f.since,
                                    "claimed_by": g.claimed_by or f.claimed_by,
                                }
                            )
                        elif isinstance(g, ResumptionFact) and isinstance(f, ResumptionFact):
                            out[i] = g.model_copy(update={"on": g.on or f.on})
            if isinstance(f, CommitmentFact):
                # keep the richer reading (categories, mediators) of the same commitment
                for i, g in enumerate(out):
                    if isinstance(g, CommitmentFact) and ("c", g.kind, g.count, g.agreement) == key:
                        out[i] = g.model_copy(
                            update={
                                "categories": sort_categories([*g.categories, *f.categories]),
                                "mediators": sorted({*g.mediators, *f.mediators}),
                                "per_side": g.per_side or f.per_side,
                            }
                        )
            continue
        seen.add(key)
        out.append(f)
    # A commitment without agreement duplicates one with the same kind and count.
    named = {(f.kind, f.count) for f in out if isinstance(f, CommitmentFact) and f.agreement}
    out = [
        f
        for f in out
        if not (isinstance(f, CommitmentFact) and not f.agreement and (f.kind, f.count) in named)
    ]
    return _drop_sums(_drop_fulfilled(out))


def _sums_to(target: int, parts: list[int]) -> bool:
    """Whether two or more of `parts` add up to `target` (the first ten smaller parts are
    tried exhaustively: at most 1,024 sums)."""
    parts = [p for p in parts if p < target][:10]
    n = len(parts)
    for mask in range(1, 1 << n):
        if mask & (mask - 1) and sum(parts[i] for i in range(n) if mask >> i & 1) == target:
            return True
    return False


def _drop_sums(facts: list[AnyFact]) -> list[AnyFact]:
    """Drop figures that only add up others of the same text: a combined figure equal to the
    sides' figures ("314 prisoners, 157 from each side"); a side's "in total" equal to its
    parts ("246 ... and 31 wounded: 277 in total"); a side's figure equal to parts of several
    kinds ("390 Ukrainians" = 270 soldiers + 120 civilians)."""
    current: dict[Party, list[ExchangeFact]] = {}
    for f in facts:
        if isinstance(f, ExchangeFact) and f.received_by and not f.historical:
            current.setdefault(f.received_by, []).append(f)
    keep: list[AnyFact] = []
    for f in facts:
        if isinstance(f, TotalFact) and f.received_by:
            same = [g.count for g in current.get(f.received_by, []) if g.kind == f.kind]
            if _sums_to(f.count, same):
                continue
        if isinstance(f, ExchangeFact) and f.received_by and not f.historical:
            others = [g for g in current.get(f.received_by, []) if g is not f]
            parts = [g.count for g in others]
            smaller = {g.kind for g in others if g.count < f.count}
            if smaller >= {"pows", "civilians"} and _sums_to(f.count, parts):
                continue
        keep.append(f)
    facts = keep
    directed: dict[tuple[Kind, bool], dict[Party, set[int]]] = {}
    for f in facts:
        if isinstance(f, ExchangeFact) and f.received_by is not None:
            directed.setdefault((f.kind, f.historical), {}).setdefault(f.received_by, set()).add(
                f.count
            )
    out: list[AnyFact] = []
    for f in facts:
        if isinstance(f, ExchangeFact) and f.received_by is None:
            sides = directed.get((f.kind, f.historical), {})
            ua, ru = sides.get("UA", set()), sides.get("RU", set())
            if any(f.count - a in ru for a in ua):
                continue
        out.append(f)
    return out


def _drop_fulfilled(facts: list[AnyFact]) -> list[AnyFact]:
    done = {(f.kind, f.count) for f in facts if isinstance(f, ExchangeFact) and not f.historical}
    return [
        f
        for f in facts
        if not (isinstance(f, CommitmentFact) and (f.kind, f.count) in done and not f.agreement)
    ]
