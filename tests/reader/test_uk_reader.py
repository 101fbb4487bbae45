"""Ukrainian reader: the quality bars on the repository's own labelled set and on the shared
corpus, and the phrasings and traps of Ukrainian reports."""

from __future__ import annotations

import pytest

from agents.reader import classify
from agents.reader.slavic.reader import read
from schemas.news import CommitmentFact, ExchangeFact, NewsItem, TotalFact
from tests.reader.en_support import CORPUS_NEWS
from tests.reader.slavic_support import assert_quality_bars, counts, item, needs_corpus, own_set

OWN = own_set("uk")


def _item(body: str, title: str | None = None, published: str = "2025-11-20") -> NewsItem:
    return item("uk", body, title, published)


def test_quality_bars_on_own_set() -> None:
    assert_quality_bars(OWN, "uk")


@needs_corpus
def test_quality_bars_on_corpus() -> None:
    assert_quality_bars(CORPUS_NEWS, "uk")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Сьогодні додому повернулися 84 захисники з російського полону.", {("pows", "UA", 84)}),
        ("В Україну повернули тіла 1000 загиблих військових.", {("remains", "UA", 1000)}),
        ("Україні передали тисячу тіл, а Росії — 24 тіла.", {("remains", "UA", 1000)}),
        (
            "Україна повернула з полону п'ятьох військових і одного цивільного.",
            {("pows", "UA", 5), ("civilians", "UA", 1)},
        ),
        ("Росія отримала двох своїх військових, Україна — двох захисників.", {("pows", "RU", 2)}),
        (
            "Україна і Росія провели обмін полоненими за формулою 84 на 84.",
            {("pows", "UA", 84), ("pows", "RU", 84)},
        ),
        ("Загалом з початку року Україні повернули понад 1,5 тис. тіл.", {("remains", "UA", 1500)}),
        ("Росії передали 1 212 тіл загиблих російських військових.", {("remains", "RU", 1212)}),
        ("На батьківщину повернули тіла двохсот п'ятдесяти полеглих.", {("remains", "UA", 250)}),
    ],
)
def test_phrasings(body: str, expected: set[tuple[str, str | None, int]]) -> None:
    assert expected <= counts(read(_item(body), "uk"))


@pytest.mark.parametrize(
    "body",
    [
        "Метеорологи домовилися частіше обмінюватися інформацією. До України повернуться дощі.",
        "Унаслідок атаки загинули п'ятеро людей, ще 12 поранені. Рятувальники дістали тіла двох.",
        "Росія атакувала місто 47 дронами та трьома ракетами.",
        "Україна передала списки на 1 200 полонених для наступного обміну.",
        "У російському полоні досі утримуються понад 8 тисяч українців.",
        "Ще 22 важкопоранених повернулися з полону поза обміном.",
        "Україна готова передати Росії ще 300 полонених в обмін на своїх.",
        "Наступний обмін 500 на 500 може відбутися вже найближчим часом.",
        "Сторони обмінюються ударами, українські військові повернули контроль над двома селами.",
        "ХАМАС передав Ізраїлю тіла чотирьох заручників, Ізраїль звільнив 600 палестинців.",
        "Синоптики прогнозують сніг.\nЧитайте також: Україна повернула тіла 909 загиблих.",
    ],
)
def test_traps_give_no_exchange_figures(body: str) -> None:
    assert counts(read(_item(body), "uk")) == set()


def test_rain_returning_is_unrelated() -> None:
    out = read(_item("До України повернуться морози. Синоптики обіцяють сніг 22-23 січня."), "uk")
    assert out.primary == "unrelated"
    assert out.facts == []


def test_historical_total_and_dates() -> None:
    body = (
        "Сьогодні в Україну повернули тіла 563 загиблих.\n"
        "Раніше, у жовтні, Україна отримала 1000 тіл.\n"
        "З початку повномасштабного вторгнення з полону повернули 5 857 українців."
    )
    out = read(_item(body, published="2025-11-20"), "uk")
    facts = {(f.type, f.count): f for f in out.facts if isinstance(f, ExchangeFact | TotalFact)}
    now = facts[("exchange", 563)]
    assert isinstance(now, ExchangeFact) and not now.historical and now.occurred == "2025-11-20"
    before = facts[("exchange", 1000)]
    assert isinstance(before, ExchangeFact) and before.historical and before.occurred == "2025-10"
    total = facts[("total", 5857)]
    assert isinstance(total, TotalFact) and total.since == "2022-02"


def test_commitment_istanbul_second_round() -> None:
    body = (
        "У Стамбулі 2 червня сторони домовилися обміняти всіх важкопоранених і важкохворих "
        "полонених та молодих військових до 25 років. Також погодилися передати по 6 тисяч тіл."
    )
    out = read(_item(body, published="2025-06-02"), "uk")
    got = {(f.kind, f.count): f for f in out.facts if isinstance(f, CommitmentFact)}
    assert got[("pows", None)].categories == ["severely_injured", "ill", "under_25"]
    assert got[("pows", None)].agreement == "istanbul-2025-06"
    assert got[("remains", 6000)].per_side
    assert out.primary == "negotiation"


def test_suspension_claimed_and_dated() -> None:
    body = "Лубінець: обміни полоненими призупинені з жовтня 2025 року."
    out = read(_item(body, published="2026-01-10"), "uk")
    assert out.primary == "exchange_suspended"
    (s,) = [f for f in out.facts if f.type == "suspension"]
    assert (s.kind, s.since, s.claimed_by) == ("pows", "2025-10", "UA")


def test_a_halt_without_a_date_runs_from_the_last_exchange_named_with_one() -> None:
    body = (
        "Уповноважений заявив, що Росія гальмує обміни полоненими. Останній обмін "
        "полоненими відбувся на початку жовтня."
    )
    (s,) = [
        f for f in read(_item(body, published="2026-01-10"), "uk").facts if f.type == "suspension"
    ]
    assert s.since == "2025-10"
    undated = "Уповноважений заявив, що Росія гальмує обміни полоненими. Обмін готували давно."
    (s,) = [
        f
        for f in read(_item(undated, published="2026-01-10"), "uk").facts
        if f.type == "suspension"
    ]
    assert s.since is None


def test_evidence_spans_and_version_on_own_set() -> None:
    from agents.reader.evaluation import load

    for rec in load([OWN]):
        out = classify(rec.item)
        assert out.classifier == "exchange-watch-reader/0.1 (uk)"
        assert out.lang == "uk" and out.published_at == rec.item.published_at
        assert out.labels[0] == out.primary
        for f in out.facts:
            ev = f.evidence
            assert ev is not None
            text = rec.item.title if ev.field == "title" else rec.item.body
            assert text is not None and text[ev.start : ev.end] == ev.text


def test_unknown_publication_date_resolves_no_relative_date() -> None:
    from agents.reader.shared.dates import UNKNOWN_PUBLISHED

    item = NewsItem(
        id="t",
        source="t",
        published_at=UNKNOWN_PUBLISHED,
        body="Сьогодні додому повернулися 84 захисники.",
        lang="uk",
    )
    (f,) = read(item, "uk").facts
    assert isinstance(f, ExchangeFact) and f.occurred is None
