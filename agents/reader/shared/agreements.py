"""The agreements as the reader knows them, from the service's one list
(`agents/core/agreements.toml`): which agreement a text names ("in Istanbul", "the second
round", "the Geneva deal")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from agents.core.config import DEFAULT_AGREEMENTS, AgreementSpec
from agents.core.dates import period
from schemas.common import Category, Kind, Mediator


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    slug: str
    place: str
    round: int | None
    signed: dt.date
    mediators: tuple[Mediator, ...]
    # What the round is known for, used to tell the rounds at one place apart.
    kinds: tuple[Kind, ...]
    counts: tuple[int, ...]
    categories: bool


def _info(spec: AgreementSpec) -> AgreementInfo:
    counts: list[int] = []
    for c in spec.commitments:
        if c.count:
            counts += [c.count, 2 * c.count] if c.per_side else [c.count]
    return AgreementInfo(
        slug=spec.id,
        place=spec.place,
        round=spec.round,
        signed=period(spec.signed).start,
        mediators=spec.mediators,
        kinds=spec.covered_kinds(),  # type: ignore[arg-type]
        counts=tuple(counts),
        categories=any(c.categories for c in spec.commitments),
    )


AGREEMENTS: dict[str, AgreementInfo] = {a.id: _info(a) for a in DEFAULT_AGREEMENTS}
PLACES: frozenset[str] = frozenset(a.place for a in AGREEMENTS.values() if a.place)


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
    """Slug of the agreement a text names by its place ("istanbul", which the lexicons also
    read from "in Turkey"; "geneva"), told apart by year, round, month, what it covers, or
    the publication date. None when the place is no known venue or the round cannot be told
    (the 2022 Istanbul talks are no agreement of the list)."""
    cands = [a for a in AGREEMENTS.values() if place and a.place == place]
    if year is not None:
        cands = [a for a in cands if a.signed.year == year]
    if round_no is not None:
        cands = [a for a in cands if a.round == round_no] or (cands if len(cands) == 1 else [])
    if len(cands) > 1 and month is not None:
        cands = [a for a in cands if a.signed.month == month] or cands
    if len(cands) <= 1:
        return cands[0].slug if cands else None
    if categories:
        cands = [a for a in cands if a.categories] or cands
    if kind is not None and len(cands) > 1:
        only = [a for a in cands if kind in a.kinds]
        if len(only) == 1:
            return only[0].slug
    if count is not None:
        by_count = [a for a in cands if count in a.counts and (kind is None or kind in a.kinds)]
        if len(by_count) == 1:
            return by_count[0].slug
    if len(cands) == 1:
        return cands[0].slug
    if ref is not None:
        # A report published within days after a round speaks of that round.
        for a in sorted(cands, key=lambda a: a.signed, reverse=True):
            if 0 <= (ref - a.signed).days <= 10:
                return a.slug
    return None
