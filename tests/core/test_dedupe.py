from __future__ import annotations

import pytest

from agents.core.dates import period
from agents.core.dedupe import (
    Figures,
    add_votes,
    compare_figures,
    contribution,
    date_distance,
    figures_close,
    resolve,
    share_a_figure,
)

REL = 0.25


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        (150, 189, True),  # one side says 150 for 150, the other that 189 came home
        (29, 26, True),  # a lead and a quote
        (1000, 1003, True),
        (100, 75, True),  # exactly 25% of the larger: still one swap
        (100, 74, False),  # just beyond
        (1000, 700, False),
        (0, 0, True),
        (2, 3, False),
    ],
)
def test_figure_tolerance_edges(a: int, b: int, close: bool) -> None:
    assert figures_close(a, b, REL) is close
    assert figures_close(b, a, REL) is close


def F(ua: int | None = None, ru: int | None = None, combined: int | None = None) -> Figures:
    return Figures({k: v for k, v in (("UA", ua), ("RU", ru)) if v is not None}, combined)


@pytest.mark.parametrize(
    ("new", "old", "fits"),
    [
        (F(ua=1000, ru=38), F(ua=1000, ru=35), True),
        (F(ua=1000), F(ru=38), True),  # no figure in common: nothing contradicts
        (F(ua=1000, ru=38), F(ua=500, ru=38), False),  # one side incompatible is enough
        (F(combined=1038), F(ua=1000, ru=38), True),  # combined against the sum of sides
        (F(combined=150), F(ua=75, ru=75), True),
        (F(combined=300), F(ua=75, ru=75), False),
        (F(combined=150), F(ua=75), True),  # one side within the combined figure
        (F(combined=150), F(ua=200), False),  # one side cannot exceed the whole swap
        (F(combined=200), F(combined=206), True),
        (F(ua=75), F(combined=150), True),
    ],
)
def test_figures_of_one_swap(new: Figures, old: Figures, fits: bool) -> None:
    assert (compare_figures(new, old, REL) is not None) is fits
    assert (compare_figures(old, new, REL) is not None) is fits


def test_discrepancy_orders_candidates() -> None:
    exact = compare_figures(F(ua=1000), F(ua=1000), REL)
    near = compare_figures(F(ua=1000), F(ua=1003), REL)
    assert exact == 0.0 and near is not None and near > 0


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("2026-01-29", "2026-01-29", 0),
        ("2026-01-29", "2026-01-31", 2),  # at the tolerance
        ("2026-01-29", "2026-02-01", None),  # one day beyond
        ("2025-12-31", "2026-01-02", 2),  # across a year end
        ("2025-11", "2025-11-30", 0),  # a month matches any day in it
        ("2025-11", "2025-12-01", None),
        ("2025-11", "2025-11", 0),
        ("2025-11", "2025-10", None),
        ("2025", "2025-11", 0),  # a year matches anything in it
        ("2025", "2025-12-31", 0),
        ("2025", "2026-01-01", None),
    ],
)
def test_date_tolerance_edges(a: str, b: str, distance: int | None) -> None:
    assert date_distance(period(a), period(b), 2) == distance
    assert date_distance(period(b), period(a), 2) == distance


def tally(*claims: tuple[dict[str, int], int | None, str | None, bool]) -> dict[str, object]:
    out: dict[str, object] = {}
    for seq, (received, combined, by, official) in enumerate(claims):
        out = add_votes(out, received, combined, by, official, seq)
    return out


def test_a_sides_own_claim_outranks_more_media_claims() -> None:
    t = tally(
        ({"UA": 1000, "RU": 29}, None, None, False),
        ({"UA": 1000, "RU": 29}, None, None, False),
        ({"UA": 1003}, None, "UA", False),  # UA's own figure for what it received
        ({"RU": 26}, None, "UA", False),  # UA speaking about RU: media rank for RU
    )
    assert resolve(t) == F(ua=1003, ru=29)


def test_official_events_supersede_news_and_the_side_itself_first() -> None:
    t = tally(
        ({"UA": 1000, "RU": 29}, None, "RU", False),  # RU in news: tier 1 for RU
        ({"UA": 1003, "RU": 26}, None, "UA", True),  # official UA: tier 3 for UA, 2 for RU
        ({"UA": 999, "RU": 27}, None, "RU", True),  # official RU: tier 2 for UA, 3 for RU
    )
    assert resolve(t) == F(ua=1003, ru=27)


def test_majority_then_earliest_seen() -> None:
    assert resolve(tally(({"RU": 29}, None, None, False), ({"RU": 26}, None, None, False))) == F(
        ru=29
    )
    assert resolve(
        tally(
            ({"RU": 29}, None, None, False),
            ({"RU": 26}, None, None, False),
            ({"RU": 26}, None, None, False),
        )
    ) == F(ru=26)


def test_combined_figure_and_what_is_unattributed() -> None:
    t = tally(({}, 150, None, False), ({"UA": 75}, None, None, False))
    figures = resolve(t)
    assert figures == F(ua=75, combined=150)
    assert contribution(figures) == {"UA": 75, "RU": 0, "unattributed": 75}
    assert contribution(F(ua=75, ru=75, combined=140)) == {"UA": 75, "RU": 75, "unattributed": 0}
    assert contribution(F(combined=115)) == {"UA": 0, "RU": 0, "unattributed": 115}


def test_tallies_are_json_and_not_changed_in_place() -> None:
    first = add_votes({}, {"UA": 5}, None, None, False, 1)
    second = add_votes(first, {"UA": 5}, None, None, False, 2)
    assert first == {"UA": {"0|5": [1, 1]}}
    assert second == {"UA": {"0|5": [2, 1]}}


def test_shared_figures() -> None:
    assert share_a_figure(F(ua=1), F(ua=2, ru=3))
    assert not share_a_figure(F(ua=1), F(ru=3))
    assert share_a_figure(F(combined=10), F(ru=3)) and share_a_figure(F(ru=3), F(combined=10))
    assert share_a_figure(F(combined=10), F(combined=12))
