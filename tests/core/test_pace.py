from __future__ import annotations

import datetime as dt

from agents.core.pace import Commitment, Series, behind, onset, recovery, side_progress

D = dt.date


def commitment(due: dt.date | None = None, per_side: bool = True) -> Commitment:
    return Commitment(
        agreement="a",
        kind="pows",
        count=1000,
        per_side=per_side,
        parties=("UA", "RU"),
        signed=D(2025, 1, 1),
        due=due,
        slack_days=30,
        horizon_days=365,
        window_days=90,
    )


def series(*deliveries: tuple[dt.date, int, int]) -> Series:
    daily = {d: {"UA": ua, "RU": ru, "unattributed": 0} for d, ua, ru in deliveries}
    total = {
        "UA": sum(ua for _, ua, _ in deliveries),
        "RU": sum(ru for _, _, ru in deliveries),
        "unattributed": 0,
    }
    return Series(total=total, daily=daily)


def test_linear_pace_to_due_with_slack() -> None:
    c = commitment(due=D(2025, 5, 1))  # 120 days
    s = series((D(2025, 2, 10), 300, 300))
    # Expected 1000 * (days - 30) / 120: behind when 300 * 120 < 1000 * (days - 30): day 67.
    assert behind(c, s, D(2025, 3, 8)) == []  # day 66
    assert behind(c, s, D(2025, 3, 9)) == ["UA", "RU"]  # day 67
    assert onset(c, s, D(2025, 4, 1)) == D(2025, 3, 9)
    # Day 78: expected 400. UA has 700, RU 350.
    more = series((D(2025, 2, 10), 300, 300), (D(2025, 3, 20), 400, 50))
    assert behind(c, more, D(2025, 3, 20)) == ["RU"]
    caught_up = series(
        (D(2025, 2, 10), 300, 300), (D(2025, 3, 20), 400, 50), (D(2025, 3, 25), 0, 200)
    )
    assert behind(c, caught_up, D(2025, 3, 28)) == []
    assert recovery(c, caught_up, D(2025, 3, 28), D(2025, 3, 9)) == D(2025, 3, 25)
    assert recovery(c, caught_up, D(2025, 3, 28), D(2025, 3, 27)) == D(2025, 3, 27)


def test_projection_without_due_grace_rate_and_horizon() -> None:
    c = commitment()
    assert behind(c, series(), D(2025, 1, 30)) == []  # within the grace (one gap)
    assert behind(c, series(), D(2025, 2, 1)) == ["UA", "RU"]  # nothing delivered at all
    s = series((D(2025, 1, 20), 500, 500))
    # Rate since signing: 500 in 40 days -> 500 more in 40 days: well inside the horizon.
    assert behind(c, s, D(2025, 2, 10)) == []
    # Much later, the last 90 days hold nothing: behind, from the day the delivery left the window.
    assert onset(c, s, D(2025, 6, 1)) == D(2025, 4, 20)
    done = series((D(2025, 1, 20), 1000, 1000))
    assert behind(c, done, D(2026, 6, 1)) == []


def test_combined_commitment_counts_everything() -> None:
    c = commitment(per_side=False)
    s = Series(
        total={"UA": 600, "RU": 300, "unattributed": 100},
        daily={D(2025, 1, 20): {"UA": 600, "RU": 300, "unattributed": 100}},
    )
    assert c.sides() == ("all",)
    progress = side_progress(c, s, "all", D(2025, 2, 1))
    assert progress["delivered"] == 1000 and progress["complete"] is True
    assert progress["share"] == 1.0 and progress["projected_completion"] is None


def test_progress_figures() -> None:
    c = commitment()
    s = series((D(2025, 3, 1), 300, 100))
    p = side_progress(c, s, "UA", D(2025, 3, 31))
    # Window: 89 days since signing; rate 300 per 89 days.
    assert p["delivered"] == 300 and p["share"] == 0.3
    assert p["rate_per_30_days"] == round(300 * 30 / 89, 1)
    assert p["projected_completion"] == "2025-10-25"  # ceil(700 * 89 / 300) = 208 days on
    assert side_progress(c, series(), "RU", D(2025, 3, 31))["projected_completion"] is None
