"""English facts of one sentence: exchanges, totals and commitments (from its figures, read by
figures), suspensions and resumptions.

Sentence-level cues go to figures: background ("previously", "the last swap") and cumulative
ones ("so far", "since 2022", "bringing the total to") to the nearest figure, or to every
figure when they open the sentence; date cues to the figure whose verb they stand by. Figures
sharing one verb share its date and background. Nothing scans beyond the sentence, and
sentences are bounded (shared.sentences.MAX_SENTENCE), so the work is linear in the text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from itertools import pairwise

from agents.reader.en.dates import DateCue, duration_start, find_dates
from agents.reader.en.figures import (
    DocContext,
    NounPhrase,
    Pred,
    Reading,
    noun_phrase,
    pred_before,
    pred_class,
    read_figure,
)
from agents.reader.en.lexicon import (
    AGREEMENT_PLACE,
    AGREEMENT_ROUND,
    CATEGORY_CUES,
    CIVILIAN_HEADS,
    KIND_GROUPS,
    KIND_HINT,
    MEDIATOR_CODES,
    MEDIATORS,
    POW_HEADS,
    REMAINS_HEADS,
    ROUND_NUMBERS,
    other_exchange,
    outside_exchange,
)
from agents.reader.en.numbers import Mention, find_mentions
from agents.reader.en.parties import STOP_PUNCT, claimant, claimant_for
from agents.reader.en.tokens import Tokens, tokenize
from agents.reader.shared.agreements import agreement_mediators, resolve_agreement
from agents.reader.shared.dates import fmt_date, is_well_before
from agents.reader.shared.facts import (
    MAX_FIGURES_PER_SENTENCE,
    MAX_SINGLE_EXCHANGE,
    AnyFact,
    sort_categories,
)
from agents.reader.shared.sentences import Sentence, evidence
from agents.reader.shared.text import lower_pattern, lower_same
from schemas.common import MAX_COUNT, Category, Kind, Mediator, Party
from schemas.news import (
    CommitmentFact,
    ExchangeFact,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

__all__ = ["DocContext", "sentence_facts", "state_facts"]

# ------------------------------------------------------------------------------ cues

_CUMULATIVE = lower_pattern(
    r"\b(?:(?P<fwd>(?:bringing|raising|taking) the (?:total|number|tally|overall)(?: number)?"
    r"|total number|since the (?:start|beginning|outbreak|launch|onset)"
    r"(?! of (?:the|this) (?:month|week))|since (?:the )?(?:full-scale|large-scale|russian)"
    r" (?:invasion|war|aggression)|since (?:february |feb\.? )?(?:24,? )?2022|since 2014"
    r"|since the (?:[\w-]+ ){0,2}(?:agreement|agreements|deal|talks|round)|as of)"
    r"|(?P<near>so far|to date|in total|altogether|all told|overall|over the same period"
    r"|in the same period|during the same period|in all(?! (?:regions|areas"
    r"|directions|sectors|cases))|cumulative(?:ly)?|so far this year"
    r"|throughout the (?:full-scale )?war|during the (?:full-scale )?(?:war|invasion)"
    r"|(?:over|in) the course of the (?:full-scale )?war))\b",
)
_HISTORICAL = lower_pattern(
    r"\b(?:previously|earlier(?! (?:today|this (?:week|morning|afternoon|evening)|on|in the day"
    r"|tonight|that day))|previous|prior|preceded|formerly|before that"
    r"|in the past(?! (?:few|several|two|three|24|48|72) (?:days|hours|weeks))"
    r"|(?:over|during|in) the (?:summer|spring|autumn|fall|winter)"
    r"|in (?:several|previous|earlier|past) (?:rounds|months|exchanges|swaps)"
    r"|back in (?:19|20)\d\d"
    r"|last (?:exchange|swap|repatriation|handover|time|such|transfer|exchanged|swapped)"
    r"(?! of (?:the|this) (?:year|month|week)| of 20\d\d| this year| in 20\d\d)"
    r"|(?:another|an earlier) (?:exchange|swap) (?:that )?(?:took place|was held|happened))\b",
)
# Words after which a date belongs to them, not to the return: "captured in 2022"; and a
# "since" too: "held in captivity since 2014".
_NOT_THE_RETURN = lower_pattern(
    r"\b(?:captured|detained|held|taken|deported|abducted|born|killed|died|missing"
    r"|imprisoned|arrested|invasion|crashed|launched|began|started)\b[\w ,'’-]{0,30}$",
)
_NOT_THE_TOTAL = re.compile(r"\bcaptivity\b[\w ,'’-]{0,6}(?:since )?$")
_SUPERLATIVE = re.compile(r"\b(?:\w+est|most|first)\b[\w ,'’-]{0,25}$")
_CUMULATIVE_KEYS = (
    "so far", "to date", "total", "altogether", "all told", "overall", "in all", "cumulative",
    "same period",
    "since", "throughout", "during the", "course of", "as of",
)  # fmt: skip
_HISTORICAL_KEYS = (
    "previous", "earlier", "prior", "preceded", "formerly", "before that", "back in",
    "in the past", "last ", "another", "an earlier", "summer", "spring", "autumn", "fall",
    "winter", "several rounds", "past months",
)  # fmt: skip
# "a day after the first 200 came back": the figure of the clause the lag opens is earlier
_LAG = lower_pattern(r"\b(?:a|one|two|three|\d+) (?:day|days|week|weeks) after\b")


def _since_of(cue_text: str, ref_year: int | None) -> str | None:
    s = cue_text.lower()
    if "2014" in s:
        return "2014"
    if "2022" in s:
        return "2022-02" if "feb" in s else "2022"
    if "year" in s:
        return fmt_date(ref_year) if ref_year else None
    if any(w in s for w in ("invasion", "war", "aggression", "start", "beginning", "outbreak")):
        return "2022-02"
    return None


def _nearest(mentions: list[Mention], a: int, b: int, forward: bool = False) -> int:
    """Index of the mention nearest to characters [a, b) (the first one after it when
    `forward`, as in "bringing the total to 6,057")."""
    if forward:
        for i, m in enumerate(mentions):
            if m.start >= b:
                return i
    best, best_d = -1, 10**9
    for i, m in enumerate(mentions):
        d = a - m.end if a >= m.end else (m.start - b if m.start >= b else 0)
        if d < best_d:
            best, best_d = i, d
    return best


_RELATIVE = re.compile(r"\b(?:who|whom|whose|which)\b")


def _in_relative_clause(low: str, pos: int, mentions: list[Mention]) -> bool:
    """Whether `pos` lies in a relative clause set off by commas ("Medinsky, who led the
    delegation earlier this year, said ...") that holds no figure: its time is its own."""
    start = low.rfind(",", 0, pos)
    if start < 0 or not _RELATIVE.search(low, start, pos):
        return False
    end = low.find(",", pos)
    if end < 0:
        return False  # no closing comma: the clause may run to the figure
    return not any(start < m.start < end for m in mentions)


def _nearest_reading(readings: list[Reading], t: Tokens, pos: int) -> int:
    """Index of the reading a date cue at `pos` belongs to: the nearest by its figure, or by
    its verb when the verb comes before the cue ("repatriated ... since June")."""
    best, best_d = -1, 10**9
    for i, r in enumerate(readings):
        d = abs(pos - r.m.start)
        p = r.pred.idx
        if 0 <= p < len(t) and t.end[p] <= pos:
            d = min(d, pos - t.end[p])
        if d < best_d:
            best, best_d = i, d
    return best


def _fronted(text: str, start: int, mentions: list[Mention]) -> bool:
    """A cue opening the sentence ("In total, ...", "Since 2022, ...") covers all of it."""
    return start <= 12 and (not mentions or mentions[0].start > start)


def _apply_cues(
    text: str,
    t: Tokens,
    mentions: list[Mention],
    readings: list[Reading],
    dates: list[DateCue],
    ctx: DocContext,
) -> None:
    by_mention = {id(r.m): r for r in readings}
    offer_more = "more" in text and any(_offer_more(t, m) for m in mentions)
    # cues go to figures that were read (a subset "including two civilians" takes none)
    mentions = [r.m for r in readings]
    everyone = -2
    owners: dict[int, list[tuple[str, object]]] = {}
    ref_year = ctx.ref.year if ctx.ref else None
    low = lower_same(text)
    cumulative = _CUMULATIVE.finditer(low) if any(map(low.__contains__, _CUMULATIVE_KEYS)) else ()
    historical = _HISTORICAL.finditer(low) if any(map(low.__contains__, _HISTORICAL_KEYS)) else ()
    for cm in cumulative:
        before = low[max(0, cm.start() - 30) : cm.start()]
        cue = cm.group()
        if cue.startswith(("since", "as of")) and (
            _NOT_THE_RETURN.search(before) or _NOT_THE_TOTAL.search(before)
        ):
            continue  # "held by Russia since 2014", "in captivity since 2022"
        if cue.startswith("so far") and _SUPERLATIVE.search(before):
            continue  # "the largest repatriation so far"
        i = (
            everyone
            if _fronted(text, cm.start(), mentions)
            else _nearest(mentions, cm.start(), cm.end(), forward=cm.lastgroup == "fwd")
        )
        owners.setdefault(i, []).append(("cum", cm.group()))
    for lag in _LAG.finditer(low) if " after" in low else ():
        nxt = next((i for i, m in enumerate(mentions) if m.start >= lag.end()), None)
        gap = low[lag.end() : mentions[nxt].start] if nxt is not None else ","
        if nxt is not None and "," not in gap and len(gap) <= 30:
            owners.setdefault(nxt, []).append(("hist", None))
    for hm in historical:
        if _in_relative_clause(low, hm.start(), mentions):
            continue  # "Medinsky, who led the delegation earlier this year, said ..."
        i = (
            everyone
            if _fronted(text, hm.start(), mentions)
            else _nearest(mentions, hm.start(), hm.end())
        )
        owners.setdefault(i, []).append(("hist", None))
    for dc in dates:
        if _in_relative_clause(low, dc.start, mentions):
            continue
        before = low[max(0, dc.start - 30) : dc.start]
        if _NOT_THE_RETURN.search(before) or (dc.role == "since" and _NOT_THE_TOTAL.search(before)):
            continue  # "some of whom had been in captivity since 2022": not the return's
        owners.setdefault(_nearest_reading(readings, t, dc.start), []).append(("date", dc))
    for i, m in enumerate(mentions):
        r = by_mention.get(id(m))
        if r is None:
            continue
        mine = owners.get(i, []) + owners.get(everyone, [])
        anchor = t.start[r.pred.idx] if 0 <= r.pred.idx < len(t) else r.m.start
        on_cues = [v for w, v in mine if w == "date" and isinstance(v, DateCue) and v.role == "on"]
        if on_cues:
            best = min(on_cues, key=lambda c: min(abs(c.start - anchor), abs(c.end - anchor)))
            r.occurred = best.value
        for what, val in mine:
            if what == "cum":
                r.cumulative = True
                r.since = r.since or _since_of(str(val), ref_year)
            elif what == "hist":
                r.historical = True
            elif isinstance(val, DateCue):
                if val.role == "since" and (
                    r.cumulative or any(map(low.__contains__, _CUMULATIVE_KEYS))
                ):
                    r.since = r.since or val.value
                if (
                    val.role == "since"
                    and r.mode == "done"
                    and not _SUPERLATIVE.search(low[max(0, val.start - 30) : val.start])
                ):
                    # "more than 6,000 bodies have been repatriated since June": so far (not
                    # "the first swap since June")
                    r.cumulative = True
                    r.since = r.since or val.value
                elif val.role == "as_of":
                    r.as_of = r.as_of or val.value
    # A figure past the contract's bound ("2022 thousand") is no count of people.
    readings[:] = [r for r in readings if max(r.counts) <= MAX_COUNT]
    for r in readings:
        if max(r.counts) > MAX_SINGLE_EXCHANGE[r.kind] and r.mode == "done":
            r.cumulative = True
    # "has handed over 12,000 ..., while receiving about 200": the same count so far
    for a, b in pairwise(readings):
        if a.cumulative and b.pred.idx > 0 and t.low[b.pred.idx - 1] == "while":
            b.cumulative, b.since = True, b.since or a.since
    # figures of one verb share its date and background: "230 Ukrainians and 248 Russians"
    for r in readings:
        for q in readings:
            if q.cumulative or r.cumulative:
                continue  # a running total keeps its own time
            if q is not r and (q.pred.idx == r.pred.idx or _coordinated(t, q, r)):
                r.historical = r.historical or q.historical
                r.occurred = r.occurred or q.occurred
                if (
                    _coordinated(t, q, r)
                    and q.pred.idx == r.pred.idx
                    and q.np.nat
                    and not r.np.nat
                    and len(q.sides) == 1
                    and not r.per_side
                ):
                    # "185 Russian servicemen and 20 civilians were returned": one side
                    r.sides = list(q.sides)
    # a sentence tells of one event: figures without a date take the sentence's
    dated = [r for r in readings if r.occurred and not r.cumulative]
    for r in readings:
        if r.occurred is None and not r.cumulative:
            same = next((q for q in dated if q.historical == r.historical), None)
            if same is not None:
                r.occurred = same.occurred
    for r in readings:
        if r.mode == "done" and r.pred.perfect and offer_more:
            r.cumulative = (
                True  # "has handed back 5,000 ... and stands ready to deliver 2,000 more"
            )
        if r.cumulative:
            r.occurred = None  # a date near a total is when it was said, or its start
        if r.occurred and is_well_before(r.occurred, ctx.ref):
            r.historical = True
        if r.cumulative and r.as_of is None and r.occurred and r.occurred != r.since:
            r.as_of = r.occurred


_COORD = frozenset({"and", ",", "as", "well", "along", "with", "plus"})


def _coordinated(t: Tokens, a: Reading, b: Reading) -> bool:
    """Figures joined by "and": "230 Ukrainians and 248 Russians"."""
    first, second = (a, b) if a.m.i0 < b.m.i0 else (b, a)
    gap = range(first.np.end, second.m.i0)
    return 0 < len(gap) <= 4 and all(t.low[x] in _COORD for x in gap)


def _offer_more(t: Tokens, m: Mention) -> bool:
    """ "... and stands ready to deliver 2,000 more": the other figure is a result so far."""
    p = pred_before(t, m.i0)
    if p is None or p.mode != "offer":
        return False
    np = noun_phrase(t, m.i1)
    return np is not None and np.more


def _categories(s: Sentence, sents: list[Sentence]) -> list[Category]:
    texts = [s.text]
    nxt = sents[s.seq + 1] if s.seq + 1 < len(sents) else None
    if nxt is not None and nxt.field == s.field:
        texts.append(nxt.text)
    found: set[Category] = set()
    for tx in texts:
        for m in CATEGORY_CUES.finditer(tx.lower()):
            found.add(m.lastgroup)  # type: ignore[arg-type]
    return sort_categories(found)


# ------------------------------------------------------------------------------ agreements

_AGREEMENT_WORDS = re.compile(r"\b(?:agree\w*|accords?|deal|arrangements?|framework|under)\b")


def _agreement_for(
    text: str, dates: list[DateCue], ctx: DocContext, kind: Kind, count: int,
    categories: list[Category], *, commitment: bool,
) -> str | None:  # fmt: skip
    low = text.lower()
    named = any(map(low.__contains__, ("istanbul", "turkey", "türkiye", "geneva")))
    pm = AGREEMENT_PLACE.search(text) if named else None
    rm = AGREEMENT_ROUND.search(low) if "round" in low or "meeting" in low else None
    place = pm.lastgroup if pm else None
    round_no = ROUND_NUMBERS[rm.group("n").lower()] if rm else None
    if commitment and place is None:
        place, doc_round = ctx.agreement_cues()
        round_no = round_no or doc_round
    elif not commitment and (place is None or not _AGREEMENT_WORDS.search(low)):
        return None
    year = month = None
    for c in dates:
        if c.value and not c.relative:
            parts = c.value.split("-")
            if parts[0] in ("2022", "2025", "2026"):
                year = int(parts[0])
                month = int(parts[1]) if len(parts) > 1 else None
                break
    return resolve_agreement(
        place=place, year=year, month=month, round_no=round_no, kind=kind, count=count,
        categories=categories, ref=ctx.ref,
    )  # fmt: skip


# ------------------------------------------------------------------------------ sentence


def _same_number(t: Tokens, ctx: DocContext, prev: Reading | None) -> list[Mention]:
    """ "in exchange for the same number of Russian servicemen": a figure by reference."""
    out: list[Mention] = []
    for i in range(len(t) - 1):
        if t.low[i] == "same" and t.low[i + 1] == "number":
            value = prev.counts[-1] if prev is not None else ctx.last_count
            if value:
                out.append(Mention(value, i, i + 2, False, t.start[i], t.end[i + 1]))
    return out


def _names_kinds(t: Tokens, k: int, kinds: set[Kind]) -> bool:
    """Whether the words from k to the end of the clause name people of each of `kinds`."""
    heads = {"pows": POW_HEADS, "civilians": CIVILIAN_HEADS, "remains": REMAINS_HEADS}
    named = set()
    for x in range(k, min(len(t), k + 12)):
        if t.low[x] in STOP_PUNCT or t.low[x] == ",":
            break
        named |= {kind for kind, words in heads.items() if t.low[x] in words}
    named |= {"pows"} if "war" in t.low[k : k + 12] else set()
    return kinds <= named


_TOTAL_WORDS = frozenset({"total", "tally", "number", "overall", "figure"})


def _total_to(t: Tokens, i0: int) -> bool:
    """ "raising the total to 4,120", "taking the tally to 62", "the total number ... at 62"."""
    return (
        i0 >= 2
        and t.low[i0 - 1] in ("to", "at", "of")
        and any(t.low[x] in _TOTAL_WORDS for x in range(max(0, i0 - 4), i0 - 1))
    )


def _swapped_total(t: Tokens, i0: int) -> tuple[NounPhrase, int] | None:
    """The people of "the total number of <people> swapped/exchanged ... to <figure>", and
    the position of that verb, when the figure at i0 is such a total."""
    if i0 < 2 or t.low[i0 - 1] not in ("to", "at", "reached", "reach", "reaches"):
        return None
    for x in range(max(0, i0 - 20), i0 - 3):
        if t.low[x] == "total" and t.low[x + 1] == "number" and t.low[x + 2] == "of":
            np = noun_phrase(t, x + 3)
            if np is None or not np.person:
                return None
            for y in range(np.end, i0):
                if pred_class(t, y) == "exchange":
                    return np, y
            return None
    return None


def _read_all(
    s: Sentence, t: Tokens, mentions: list[Mention], ctx: DocContext,
    claimant: Callable[[int], Party | None],
) -> list[Reading]:  # fmt: skip
    readings: list[Reading] = []
    subsets: list[Mention] = []
    subset_end = -10
    prev: Reading | None = None
    # "Among those freed were medics and two teenagers": a sentence
    # that opens on "among" lists parts of a figure given before
    among = len(t) > 0 and t.low[0] in ("among", "amongst")
    for m in mentions:
        if among or (
            0 < m.i0 - subset_end <= 2
            and all(t.low[x] in ("and", ",") for x in range(subset_end, m.i0))
        ):
            r: Reading | str | None = "subset"  # "including 12 children and 3 women"
        else:
            r = read_figure(t, m, prev, ctx, s.text, claimant(t.start[m.i0]))
        if r == "subset":
            subsets.append(m)
            np = noun_phrase(t, m.i1)
            subset_end = np.end if np is not None else m.i1
        elif isinstance(r, Reading):
            readings.append(r)
            prev = r
        elif prev is None and (named := _swapped_total(t, m.i0)) is not None:
            # "bringing the total number of captives swapped between the two countries
            # through its mediation to 4,641": a running total of both sides together
            np, verb = named
            readings.append(
                Reading(m, np.kind or "pows", [None], [m.value], "done",
                        Pred("exchange", verb, "done", True), np, False, False, cumulative=True)
            )  # fmt: skip
        elif prev is not None and _total_to(t, m.i0):
            # "..., raising the total to 4,120": the running total of the figure before
            readings.append(
                Reading(m, prev.kind, list(prev.sides[:1]), [m.value], prev.mode, prev.pred,
                        prev.np, False, prev.explicit_side, cumulative=True)
            )  # fmt: skip
    for m in _same_number(t, ctx, prev) if "same number" in s.text else ():
        r = read_figure(t, m, prev, ctx, s.text, claimant(t.start[m.i0]))
        if isinstance(r, Reading):
            # "185 servicemen and 20 civilians ..., and Kyiv received the same number of
            # prisoners of war and civilians": as many of each kind
            before = {q.kind: q for q in readings if q.m.i0 < m.i0 and not q.cumulative}
            if len(before) >= 2 and _names_kinds(t, m.i1, set(before)):
                readings.extend(
                    dataclasses.replace(r, kind=k, counts=list(q.counts)) for k, q in before.items()
                )
            else:
                readings.append(r)
    if len(subsets) >= 2:
        # "Among those freed were eight civilians and 76 servicemen": a split of the whole
        # into military and civilians is recorded part by part
        split: list[Reading] = []
        for m in subsets:
            r = read_figure(t, m, None, ctx, s.text, None, allow_subset=True)
            if isinstance(r, Reading) and r.np.kind in ("pows", "civilians"):
                split.append(r)
        if {r.kind for r in split} == {"pows", "civilians"}:
            total = sum(r.counts[0] for r in split)
            # the whole, given before or in this sentence ("brought home 157 people, including
            # 142 service members and 15 civilians")
            here = [r.sides[0] for r in readings if r.counts == [total] and r.sides[0]]
            whole = ctx.side_of_count.get(total) or (here[0] if here else None)
            if (
                whole is None
                and total not in ctx.side_of_count
                and any(r.counts != [total] for r in readings)
            ):
                return readings  # "157 people, including 12 officers and 15 civilians": a part
            for r in split:
                if not r.explicit_side and whole:
                    r.sides = [whole] * len(r.sides)
            readings.extend(split)
    if len(readings) >= 3 and any(c in s.text for c in "-–—:"):
        _parts_after_dash(t, readings)
    return readings


_DASHES = frozenset({"-", "–", "—", ":"})


def _parts_after_dash(t: Tokens, readings: list[Reading]) -> None:
    """ "230 of its citizens had been freed - 224 servicemen and six civilians": figures of
    several kinds after a dash that add up to the figure before it are its parts, on its
    side."""
    for i, whole in enumerate(readings):
        if len(whole.sides) != 1 or whole.sides[0] is None:
            continue
        dash = next(
            (x for x in range(whole.np.end, min(len(t), whole.np.end + 6)) if t.low[x] in _DASHES),
            None,
        )
        if dash is None:
            continue
        parts = [r for r in readings[i + 1 :] if r.m.i0 > dash and len(r.sides) == 1]
        parts = parts[:2]
        if (
            len(parts) == 2
            and parts[0].kind != parts[1].kind
            and _coordinated(t, parts[0], parts[1])
            and sum(r.counts[0] for r in parts) == whole.counts[0]
        ):
            for r in parts:
                r.sides = list(whole.sides)


def sentence_facts(
    s: Sentence, sents: list[Sentence], ctx: DocContext, *, dated: bool = True
) -> list[AnyFact]:
    """Exchange, total and commitment facts of one sentence (`dated`: whether it may hold a
    date cue; False skips the date reader)."""
    text = s.text
    if outside_exchange(text.lower()) or other_exchange(text):
        return []
    t = tokenize(text)
    mentions = find_mentions(t)[:MAX_FIGURES_PER_SENTENCE]
    if not mentions and "same" not in text:
        return []
    claimant = claimant_for(s, sents)
    readings = _read_all(s, t, mentions, ctx, claimant)
    if not readings:
        return []
    dates = find_dates(text, ctx.ref) if dated else []
    _apply_cues(text, t, mentions, readings, dates, ctx)
    out: list[AnyFact] = []
    ev = evidence(s)
    for r in readings:
        approx = r.m.approx
        claimed = claimant(t.start[r.m.i0])
        if r.mode == "commit":
            cats = _categories(s, sents)
            agreement = _agreement_for(text, dates, ctx, r.kind, r.counts[0], cats, commitment=True)
            found = {x.lastgroup for x in MEDIATORS.finditer(text)}
            meds: list[Mediator] = sorted(
                {*(g for g in MEDIATOR_CODES if g in found), *agreement_mediators(agreement)}
            )
            out.append(
                CommitmentFact(
                    kind=r.kind,
                    count=r.counts[0],
                    agreement=agreement,
                    approximate=approx,
                    per_side=r.per_side,
                    categories=cats,
                    mediators=meds,
                    evidence=ev,
                )
            )
            continue
        agreement = (
            None
            if r.cumulative
            else _agreement_for(text, dates, ctx, r.kind, r.counts[0], [], commitment=False)
        )
        for side, count in zip(r.sides, r.counts, strict=True):
            if r.cumulative:
                out.append(
                    TotalFact(
                        kind=r.kind,
                        received_by=side,
                        count=count,
                        as_of=r.as_of,
                        since=r.since,
                        approximate=approx,
                        claimed_by=claimed,
                        evidence=ev,
                    )
                )
            else:
                out.append(
                    ExchangeFact(
                        kind=r.kind,
                        received_by=side,
                        count=count,
                        occurred=r.occurred,
                        historical=r.historical,
                        approximate=approx,
                        agreement=agreement,
                        claimed_by=claimed,
                        evidence=ev,
                    )
                )
        if r.explicit_side and len(r.sides) == 1 and r.sides[0] is not None:
            ctx.last_side[r.kind] = r.sides[0]
            ctx.last_any_side = r.sides[0]
            ctx.side_of_count.setdefault(r.counts[0], r.sides[0])
        ctx.last_kind = r.kind
        ctx.last_count = r.counts[-1]
    return out


# ------------------------------------------------------------------------------ suspensions

_STALL = lower_pattern(
    r"\b(?:no (?:new |more |further )?(?:prisoner |pow |body )?(?:exchanges|swaps|repatriations)"
    r" (?:have|has|had) (?:taken place|been (?:held|carried out)|happened)"
    r"|delay(?:ed|s|ing)? (?:the |further |new )?(?:prisoner |pow )?(?:exchanges?|swaps?"
    r"|repatriations?|handovers?)"
    r"|suspen(?:d|ds|ded|ding|sion)|halt(?:ed|s|ing)?|stall(?:ed|s|ing)?|paus(?:e|ed|es|ing)"
    r"|postpon(?:e|ed|es|ing|ement)|froze|frozen|freez(?:e|es|ing)|on hold|disrupt(?:ed|s|ion)?"
    r"|broke down|collapsed|block(?:s|ed|ing)|derailed|stopped|ceased|standstill|deadlocked"
    r"|drag(?:s|ged|ging)? (?:out|(?:its|their) feet)|stymi(?:e|ed|es|eing)"
    r"|called off|cancell?ed|off the table|obstruct(?:ed|ing|s)?|sabotag(?:e|ed|es|ing)"
    r"|withdr(?:ew|awn) from)\b",
)
# A stall verb reporting an event (dated by any cue of the sentence), not a state.
_STALL_EVENT = lower_pattern(
    r"^(?:suspend(?:ed|s)|halt(?:ed|s)|postpone[ds]?|paused|pauses|froze|stopped|ceased"
    r"|called off|cancell?ed|derailed|broke down|collapsed|blocked|disrupted|put on hold"
    r"|withdrew from|off the table)$",
)
_EXCH_NOUN = lower_pattern(
    r"\b(?<!in )(?:(?:prisoner|pow|prisoner-of-war|body|bodies)[- ]?)?(?:exchanges?|swaps?|"
    r"repatriations?|handovers?|exchange process|transfers? of (?:bodies|remains|prisoners))\b",
)
_RESUME = lower_pattern(
    r"\b(?:resum(?:e|ed|es|ing|ption)|restart(?:ed|s)?|renewed"
    r"|first (?:[\w-]+ ){0,4}?(?:exchange|swap|repatriation|handover)s? since"
    r"|first (?:[\w-]+ ){0,4}?(?:exchange|swap|repatriation|handover)s?\b[^.;]{0,60}?"
    r"\b(?:in|for|after) (?:more than |over |almost |nearly |a |the )?"
    r"(?:[\w-]+[- ])?(?:months?|weeks?|years?|pause|break|suspension)"
    r"|after a (?:[\w-]+[- ])?(?:month|week|year)s?[- ](?:long )?"
    r"(?:pause|break|hiatus|gap|lull|halt)"
    r"|ended (?:a|the) (?:[\w-]+[- ])?(?:pause|break|hiatus|freeze))\b",
)
_HYPOTHETICAL = lower_pattern(
    r"\b(?:could|might|may|would|threaten\w*|warn\w*|risk\w*|if|unless|open to|ready to"
    r"|den(?:y|ied|ies|ying)|rejected|dismissed"
    r"|willing to|prepared to|plan\w*|hope\w*|want\w*|call\w* for|urge\w*|agree\w* to|aim\w*"
    r"|count(?:s|ing)? on|await\w*|discuss(?:es|ed|ing)?"
    r"|(?:talks|consultations|negotiations|discussions) (?:on|about)(?= resum| restart|\s*$)"
    r"|not (?:been )?(?:suspended|halted|stopped|frozen)|never (?:suspended|stopped)"
    r"|no longer (?:suspended|frozen|on hold))\b",
)


# Substrings without which a sentence reports no suspension or resumption.
_STATE_KEYS = (
    "suspen", "halt", "stall", "paus", "postpon", "froze", "freez", "hold", "disrupt", "broke",
    "collapse", "block", "derail", "stopped", "ceased", "standstill", "deadlock", "called off",
    "cancel", "resum", "restart", "renewed", "first", "after a", "ended", "delay", "no ",
    "off the table", "obstruct", "sabota", "withdr",
)  # fmt: skip


def _kind_near(low: str, pos: int) -> Kind:
    best: Kind = "pows"
    best_d = 10**9
    for m in KIND_HINT.finditer(low):
        d = abs(m.start() - pos)
        if d < best_d and m.lastgroup in KIND_GROUPS:
            best, best_d = m.lastgroup, d
    return best


def _kinds_stalled(low: str, stall: int, noun: int) -> list[Kind]:
    """The kinds a stall is said of: those named around the stall word and the exchange noun
    ("put off both the handover of the dead and the prisoner swap": both), else the
    kind nearest the noun."""
    a, b = max(0, min(stall, noun) - 60), max(stall, noun) + 80
    found: list[Kind] = []
    for m in KIND_HINT.finditer(low, a, b):
        k = m.lastgroup
        if k == "pows" and _OF_THE_DEAD.search(low, max(0, m.start() - 40), m.start()):
            continue  # "the bodies of fallen Ukrainian soldiers": the dead
        if k in ("remains", "pows") and k not in found:
            found.append(k)  # type: ignore[arg-type]
    return found or [_kind_near(low, noun)]


_OF_THE_DEAD = re.compile(r"\b(?:bodies|remains) of (?:the )?(?:[\w-]+ ){0,3}$")


# The subject of the stall word is something else than the exchanges.
_OTHER_STALLED = re.compile(
    r"\b(?:peace|ceasefire|truce)? ?(?:efforts?|talks|negotiations|diplomacy|"
    r"offensive|advance|push)\s+(?:have |has |had )?(?:been )?$"
)
_STATE_BEFORE = re.compile(r"\b(?:remain\w*|been|are|is|currently|still)\s+$")


def _month(value: str | None) -> str | None:
    return value[:7] if value else None


def state_facts(s: Sentence, ctx: DocContext) -> list[AnyFact]:
    """Suspension and resumption facts of one sentence."""
    text = s.text
    low = lower_same(text)
    if not any(map(low.__contains__, _STATE_KEYS)) or other_exchange(text):
        return []
    ex = _EXCH_NOUN.search(low)
    if ex is None:
        return []
    ev = evidence(s)
    rm = _RESUME.search(low)
    if (
        rm is not None
        and not _HYPOTHETICAL.search(low[max(0, rm.start() - 40) : rm.start()])
        and not _HISTORICAL.search(low)
    ):
        on = next((c.value for c in find_dates(text, ctx.ref) if c.role == "on" and c.value), None)
        return [ResumptionFact(kind=_kind_near(low, ex.start()), on=on, evidence=ev)]
    sm = _STALL.search(low)
    if sm is None or abs(sm.start() - ex.start()) > 80:
        return []
    if _OTHER_STALLED.search(low[max(0, sm.start() - 40) : sm.start()]):
        return []  # "swaps that have continued even as peace efforts stalled"
    if _HYPOTHETICAL.search(low[max(0, sm.start() - 70) : sm.end()]):
        return []
    since = None
    dates = find_dates(text, ctx.ref)
    # a stall reported as an event takes the date said with it; when the stall word also
    # governs the exchange ("Kyiv has put a planned swap on hold", "the postponement of the
    # exchange") and no date is said, it happened as reported ("exchanges paused" may be a
    # state)
    word = " ".join(sm.group().split())
    event = (
        _STALL_EVENT.match(word) is not None
        or word == "postponement"
        or low[max(0, sm.start() - 4) : sm.start()] == "put "
    )
    governs = ex.start() > sm.start()
    state = _STATE_BEFORE.search(low[max(0, sm.start() - 20) : sm.start()])
    for c in dates:
        if c.value and c.role == "since":
            since = c.value
            break
    if since is None and event and not state:
        after = [c for c in dates if c.value and c.role == "on" and c.start >= sm.start()]
        anyc = [c for c in dates if c.value and c.role == "on"]
        picks = after or anyc
        since = picks[0].value if picks else None
    since = since or duration_start(low, ctx.ref)
    if since is None and event and governs and not state and ctx.ref is not None:
        since = fmt_date(ctx.ref.year, ctx.ref.month)
    since = _month(since)
    return [
        SuspensionFact(kind=kind, since=since, claimed_by=claimant(low, sm.start()), evidence=ev)
        for kind in _kinds_stalled(low, sm.start(), ex.start())
    ]
