"""Figures in English text: which tokens are counts, their values, pairs, and the rejections."""

from __future__ import annotations

import pytest

from agents.reader.en.numbers import find_mentions
from agents.reader.en.tokens import N, P, W, tokenize
from agents.reader.shared.numbers import parse_grouped_int


def values(text: str) -> list[tuple[int, int] | int]:
    out: list[tuple[int, int] | int] = []
    for m in find_mentions(tokenize(text)):
        out.append((m.value, m.value2) if m.pair else m.value)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kyiv got 1,000 bodies back.", [1000]),
        ("Kyiv got 1 000 bodies back.", [1000]),
        ("Kyiv got 1\u00a0000 bodies back.", [1000]),
        ("Kyiv got 12\u202f000 bodies back.", [12000]),
        ("Kyiv got 1000 bodies back.", [1000]),
        ("more than 6,000 bodies", [6000]),
        ("approximately 12,000 remains", [12000]),
        ("Thirty-one children came home.", [31]),
        ("Nine children came home.", [9]),
        ("One hundred and fifty soldiers came home.", [150]),
        ("one hundred and seventy-five soldiers", [175]),
        ("two hundred prisoners", [200]),
        ("a thousand prisoners", [1000]),
        ("1.2 thousand prisoners", [1200]),
        ("a 1,000-for-1,000 swap", [(1000, 1000)]),
        ("in the 84 for 84 format", [(84, 84)]),
        ("a swap of 900-900 captives", [(900, 900)]),
        ("a 205–205 exchange", [(205, 205)]),
    ],
)
def test_figures_and_values(text: str, expected: list[object]) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the 5th rescue mission",
        "the 40th exchange",
        "about 13km from the town",
        "a Su-34 jet",
        "the Il-76 transport plane",
        "S-300 missiles",
        "a payment of $2,400",
        "inflation of 12%",
        "in 2025",
        "since February 2022",
        "on April 10",
        "on 16 May",
        "May 16, 2025",
        "24- to 48-hour ceasefires",
        "a 20-year-old man",
        "three-year-old Darina",
        "a thirteen-hour interrogation",
        "at 8.37 p.m.",
        "at 21:00",
        "a few hundred were brought back",
        "several thousand were held",
        "dozens of prisoners",
        "hundreds of bodies",
        "5 million dollars",
    ],
)
def test_not_counts(text: str) -> None:
    assert values(text) == []


def test_comma_space_separates_figures() -> None:
    # "April 10, 106 soldiers": a date, then a count; never 10,106
    assert values("on April 10, 106 soldiers were returned") == [106]
    assert values("on 10, 106 soldiers") == [10, 106]


def test_month_before_space_group_is_a_date() -> None:
    assert values("on April 10 100 soldiers") == [100]


def test_range_is_not_a_pair() -> None:
    assert values("aged from 13 to 17") == [13, 17]


def test_approximate_words() -> None:
    for text in (
        "about 130",
        "more than 6,000",
        "over 200",
        "at least 1,200",
        "as many as 130",
        "nearly a thousand",
        "up to 40",
        "some 30",
        "approximately 12,000",
    ):
        ms = find_mentions(tokenize(text + " prisoners"))
        assert ms and ms[0].approx, text
    assert not find_mentions(tokenize("exactly 130 prisoners"))[0].approx


def test_mention_offsets_cover_the_figure() -> None:
    text = "Ukraine received 1 000 bodies and Russia 38."
    ms = find_mentions(tokenize(text))
    assert [text[m.start : m.end] for m in ms] == ["1 000", "38"]


def test_tokens_keep_offsets_and_lower_case() -> None:
    text = "Moscow’s 1,000 soldiers' remains — Kyiv."
    t = tokenize(text)
    for k, low, s, e in zip(t.kind, t.low, t.start, t.end, strict=True):
        assert text[s:e].lower().startswith(low[:1])
        assert k in (N, W, P)
    assert "moscow" in t.low and "soldiers" in t.low and "1,000" in t.low


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,000", 1000),
        ("1 000", 1000),
        ("1.000", 1000),
        ("12,000", 12000),
        ("757", 757),
        ("8.37", None),
        ("1,00", None),
        ("1,000.000", None),
        ("9" * 12, None),
    ],
)
def test_parse_grouped_int(raw: str, value: int | None) -> None:
    assert parse_grouped_int(raw) == value


def test_unicode_digits_do_not_break_tokenizing() -> None:
    # superscripts are not decimal digits; Arabic-Indic digits are
    assert values("x² and ٣ prisoners") == [3]
