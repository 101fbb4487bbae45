"""Is this report the same swap as that one, and which figure stands: pure functions.

Same swap (reports of one kind; `tol` days and relative figure tolerance `rel` from Config):
- dates: two day-precise dates match when at most `tol` days apart; a month-precise date
  matches any date inside that month (and the month itself), a year-precise date anything in
  that year; otherwise the coarser period must contain the finer one;
- figures: a side's figures a and b are compatible when |a - b| <= rel * max(a, b)
  (rel 0.25 covers one side saying 150 and the other 189, or a lead 29 and a quote 26).
  Every side present in both must be compatible; a combined figure must be compatible with
  the other report's combined figure, with the sum of its sides when it gives both sides, and
  never be smaller than a single side it gives (beyond the tolerance). Reports that share no
  figure (one gives only what UA received, the other only RU) are compatible, except that a
  historical mention (or a swap known only from one) dated only to a month or a year must share
  a figure: a background mention with a vague date and no common figure is too little to call
  two reports one swap;
- among several candidates the nearest date wins, then the closest figures, then the oldest.

Resolution of `received[side]` (and of the combined figure) from all claims of a swap: each
claim gives a vote to its figure, in one of four tiers, and the best tier present decides:
  3: an official-origin event's claim by that side itself (its own figure for what it got),
  2: any other claim from an official-origin event (the official event supersedes news),
  1: a claim made by that side itself in news (claim.by == side),
  0: every other claim (media, or the other side).
Within the tier, the figure most claims give wins; a tie goes to the figure seen first. The
combined figure uses tiers 2 (official) and 0 (other).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from agents.core.dates import Period
from agents.core.stores import JSON

FIGURE_DIMENSIONS = ("UA", "RU", "combined")


class Figures(NamedTuple):
    """Figures of a report or swap: per receiving side, and a combined figure."""

    received: Mapping[str, int]
    combined: int | None = None


def figures_close(a: int, b: int, rel: float) -> bool:
    return abs(a - b) <= rel * max(a, b)


def discrepancy(a: int, b: int) -> float:
    top = max(a, b)
    return 0.0 if top == 0 else abs(a - b) / top


def compare_figures(new: Figures, old: Figures, rel: float) -> float | None:
    """The largest relative difference between two reports' figures, or None if incompatible."""
    worst = 0.0
    for side in ("UA", "RU"):
        if side in new.received and side in old.received:
            a, b = new.received[side], old.received[side]
            if not figures_close(a, b, rel):
                return None
            worst = max(worst, discrepancy(a, b))
    if new.combined is not None and old.combined is not None:
        if not figures_close(new.combined, old.combined, rel):
            return None
        worst = max(worst, discrepancy(new.combined, old.combined))
    for combined_side, sided in ((new, old), (old, new)):
        if combined_side.combined is None or not sided.received:
            continue
        total = sum(sided.received.values())
        if len(sided.received) == 2:
            if not figures_close(combined_side.combined, total, rel):
                return None
            worst = max(worst, discrepancy(combined_side.combined, total))
        elif total > combined_side.combined * (1 + rel):
            # One side alone cannot exceed the combined figure of the whole swap.
            return None
    return worst


def share_a_figure(a: Figures, b: Figures) -> bool:
    """Do two reports give some figure about the same thing (a side, or the whole swap)?"""
    if set(a.received) & set(b.received):
        return True
    if a.combined is not None and (b.combined is not None or b.received):
        return True
    return b.combined is not None and bool(a.received)


def date_distance(a: Period, b: Period, tol_days: int) -> int | None:
    """Days between two report dates when they can be one swap's, else None."""
    if a.precision == "day" and b.precision == "day":
        gap = abs((a.start - b.start).days)
        return gap if gap <= tol_days else None
    coarse, fine = (a, b) if a.rank <= b.rank else (b, a)
    return 0 if coarse.contains(fine) else None


def claim_tier(official: bool, by: str | None, dimension: str) -> int:
    if dimension == "combined":
        return 2 if official else 0
    return (2 if official else 0) + (1 if by == dimension else 0)


def add_votes(
    tally: Mapping[str, JSON],
    received: Mapping[str, int],
    combined: int | None,
    by: str | None,
    official: bool,
    seq: int,
) -> dict[str, JSON]:
    """A new tally with one claim's votes added.

    Tally: {"UA"|"RU"|"combined": {"<tier>|<figure>": [claims, first seq]}}.
    """
    out: dict[str, JSON] = {}
    for dim in FIGURE_DIMENSIONS:  # (received names only parties: UA, RU)
        votes = dict(tally.get(dim, {}))
        figure = combined if dim == "combined" else received.get(dim)
        if figure is not None:
            key = f"{claim_tier(official, by, dim)}|{figure}"
            count, first = votes.get(key, (0, seq))
            votes[key] = [count + 1, min(first, seq)]
        if votes:
            out[dim] = votes
    return out


def resolve(tally: Mapping[str, JSON]) -> Figures:
    """The resolved figures of a tally (see the module docstring for the policy)."""
    chosen: dict[str, int] = {}
    for dim in FIGURE_DIMENSIONS:
        votes = tally.get(dim) or {}
        if not votes:
            continue
        if len(votes) == 1:  # (one figure: no ranking to do)
            (only,) = votes
            chosen[dim] = int(only.split("|", 1)[1])
            continue

        def rank(item: tuple[str, list[int]]) -> tuple[int, int, int]:
            tier = int(item[0].split("|", 1)[0])
            count, first = item[1]
            return (tier, count, -first)

        best_key, _ = max(votes.items(), key=rank)
        chosen[dim] = int(best_key.split("|", 1)[1])
    combined = chosen.pop("combined", None)
    return Figures(received=chosen, combined=combined)


def contribution(figures: Figures) -> dict[str, int]:
    """What a swap adds to the tables: each side, and the part of a combined figure that the
    sides do not explain (all of it when no side is known)."""
    ua = figures.received.get("UA", 0)
    ru = figures.received.get("RU", 0)
    rest = max(0, figures.combined - ua - ru) if figures.combined is not None else 0
    return {"UA": ua, "RU": ru, "unattributed": rest}
