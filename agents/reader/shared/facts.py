"""Facts of one item: their union type, bounds of the work on an item, POW categories,
labels, and the clean-up shared by the languages (`finalize_facts`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from schemas.common import Category, Kind, Party
from schemas.news import (
    CATEGORIES,
    CategoryName,
    CommitmentFact,
    ExchangeFact,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

AnyFact = ExchangeFact | TotalFact | SuspensionFact | ResumptionFact | CommitmentFact

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
    - suspensions and resumptions of one kind are kept once;
    - a figure that only restates another is dropped: a rounded one ("more than 240" beside
      246), a combined one equal to one side's figure ("exchanged 103 prisoners" beside
      "103 each"), an exchange equal to a running total of the text.
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
    # A commitment without agreement duplicates one with the same kind and count; one
    # without a count adds its categories to the counted one of its kind and agreement.
    named = {(f.kind, f.count) for f in out if isinstance(f, CommitmentFact) and f.agreement}
    out = [
        f
        for f in out
        if not (isinstance(f, CommitmentFact) and not f.agreement and (f.kind, f.count) in named)
    ]
    # The same terms read again with another agreement (a quote whose venue was resolved from
    # a background paragraph): the first reading, which names its venue, is the deal.
    first: dict[tuple[object, ...], str | None] = {}
    kept: list[AnyFact] = []
    for f in out:
        if isinstance(f, CommitmentFact) and f.count is not None:
            key = (f.kind, f.count)
            if key in first and first[key] != f.agreement:
                continue
            first.setdefault(key, f.agreement)
        kept.append(f)
    out = kept
    out = _merge_uncounted(out)
    return _drop_restated(_drop_sums(_drop_fulfilled(_split_each_side(out))))


def _merge_uncounted(facts: list[AnyFact]) -> list[AnyFact]:
    if not any(isinstance(f, CommitmentFact) and f.count is None for f in facts):
        return facts
    counted = {
        (f.kind, f.agreement): i
        for i, f in enumerate(facts)
        if isinstance(f, CommitmentFact) and f.count is not None
    }
    out = list(facts)
    gone: set[int] = set()
    for i, f in enumerate(facts):
        if isinstance(f, CommitmentFact) and f.count is None:
            j = counted.get((f.kind, f.agreement))
            if j is not None:
                g = out[j]
                assert isinstance(g, CommitmentFact)
                out[j] = g.model_copy(
                    update={
                        "categories": sort_categories([*g.categories, *f.categories]),
                        "mediators": sorted({*g.mediators, *f.mediators}),
                    }
                )
                gone.add(i)
    return [f for i, f in enumerate(out) if i not in gone]


def _split_each_side(facts: list[AnyFact]) -> list[AnyFact]:
    """ "390 freed by each side - 270 soldiers and 120 civilians": undirected parts of
    several kinds that add up to a figure both sides received split that figure, on each
    side."""
    loose = [
        f
        for f in facts
        if isinstance(f, ExchangeFact) and f.received_by is None and not f.historical
    ]
    if not loose:
        return facts
    # (a part may have been given one side by its sentence's context: one whose figure the
    # other side does not also have)
    current = [f for f in facts if isinstance(f, ExchangeFact) and not f.historical]
    both = {(f.kind, f.count) for f in current if f.received_by == "UA"} & {
        (f.kind, f.count) for f in current if f.received_by == "RU"
    }
    parts = [f for f in current if f.received_by is None or (f.kind, f.count) not in both]
    for f in facts:
        if not (isinstance(f, ExchangeFact) and f.received_by == "UA" and not f.historical):
            continue
        twin = next(
            (
                g
                for g in facts
                if isinstance(g, ExchangeFact)
                and g.received_by == "RU"
                and not g.historical
                and g.count == f.count
                and g.kind == f.kind
            ),
            None,
        )
        split = _parts_adding_up(f.count, [p for p in parts if p.count < f.count])
        if twin is None or not split or not any(p.received_by is None for p in split):
            continue
        out: list[AnyFact] = []
        for g in facts:
            if g is f or g is twin:
                out.extend(
                    p.model_copy(update={"received_by": g.received_by, "occurred": g.occurred})
                    for p in split
                )
            elif g not in split:
                out.append(g)
        return out
    return facts


def _parts_adding_up(target: int, parts: list[ExchangeFact]) -> list[ExchangeFact]:
    """Two or more of `parts`, of more than one kind, that add up to `target` (the first ten
    are tried exhaustively); empty if none do."""
    parts = parts[:10]
    for mask in range(1, 1 << len(parts)):
        chosen = [p for i, p in enumerate(parts) if mask >> i & 1]
        if (
            len(chosen) >= 2
            and len({p.kind for p in chosen}) >= 2
            and sum(p.count for p in chosen) == target
        ):
            return chosen
    return []


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
    kinds ("390 Ukrainians" = 270 soldiers + 120 civilians) or to figures the other side
    claims ("277" = 246 + 31); a combined "in total" equal to
    both sides' figures of the swap reported ("478 in total" = 230 + 248)."""
    current: dict[Party, list[ExchangeFact]] = {}
    for f in facts:
        if isinstance(f, ExchangeFact) and f.received_by and not f.historical:
            current.setdefault(f.received_by, []).append(f)
    keep: list[AnyFact] = []
    for f in facts:
        if isinstance(f, TotalFact) and f.received_by:
            same = [g.count for g in current.get(f.received_by, [])]
            if _sums_to(f.count, same):
                continue
        if isinstance(f, TotalFact) and f.received_by is None:
            # "478 captives from both sides in total" beside 230 and 248: this swap's sum
            both = [g.count for side in current.values() for g in side]
            if len(current) == 2 and _sums_to(f.count, both):
                continue
        if isinstance(f, ExchangeFact) and f.received_by and not f.historical:
            others = [g for g in current.get(f.received_by, []) if g is not f]
            parts = [g.count for g in others]
            smaller = {g.kind for g in others if g.count < f.count}
            if smaller >= {"pows", "civilians"} and _sums_to(f.count, parts):
                continue
            # Kyiv's "277 came home" beside Moscow's 246 and 31 wounded: one side's claim
            # that adds up the other's figures
            theirs = [g.count for g in others if g.claimed_by not in (None, f.claimed_by)]
            if f.claimed_by is not None and _sums_to(f.count, theirs):
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


def _drop_restated(facts: list[AnyFact]) -> list[AnyFact]:
    # only a rounded figure, a combined one or a running total may restate another
    if not any(
        isinstance(f, TotalFact)
        or (isinstance(f, ExchangeFact) and (f.approximate or f.received_by is None))
        for f in facts
    ):
        return facts
    exact: dict[tuple[Kind, Party | None, bool], set[int]] = {}
    directed: dict[tuple[Kind, bool], set[int]] = {}
    totals: set[tuple[Kind, Party | None, int]] = set()
    for f in facts:
        if isinstance(f, ExchangeFact):
            if f.received_by is not None:
                directed.setdefault((f.kind, f.historical), set()).add(f.count)
            if not f.approximate:
                exact.setdefault((f.kind, f.received_by, f.historical), set()).add(f.count)
        elif isinstance(f, TotalFact):
            totals.add((f.kind, f.received_by, f.count))
            if not f.approximate:
                exact.setdefault((f.kind, f.received_by, True), set()).add(f.count)
    out: list[AnyFact] = []
    for f in facts:
        if isinstance(f, TotalFact) and f.approximate:
            same = exact.get((f.kind, f.received_by, True), set())
            if any(c != f.count and abs(c - f.count) <= 0.1 * c for c in same):
                continue  # "более 3,2 тысячи" beside "3 214"
        if isinstance(f, ExchangeFact):
            if (f.kind, f.received_by, f.count) in totals:
                continue  # "62 bodies have come home" beside "taking the total to 62"
            same = exact.get((f.kind, f.received_by, f.historical), set())
            if f.approximate and any(c != f.count and abs(c - f.count) <= 0.1 * c for c in same):
                continue
            if f.received_by is None and f.count in directed.get((f.kind, f.historical), set()):
                continue
        out.append(f)
    return out
