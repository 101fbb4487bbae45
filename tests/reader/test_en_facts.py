"""Exchange facts read from English sentences: phrasings, sides, kinds, traps, dates, totals,
commitments, suspensions, resumptions, attribution, evidence."""

from __future__ import annotations

import pytest

from schemas.news import (
    CommitmentFact,
    ExchangeFact,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)
from tests.reader.en_support import classify, counts, of_type

# (text, {(kind, received_by, count, historical)})
PHRASINGS = [
    ("Ukraine receives 757 bodies of fallen soldiers.", {("remains", "UA", 757, False)}),
    ("Russia received 41 bodies in return.", {("remains", "RU", 41, False)}),
    (
        "Ukraine got back 500 Ukrainian soldiers' remains against 21 Russian counterparts.",
        {("remains", "UA", 500, False), ("remains", "RU", 21, False)},
    ),
    (
        "Russia and Ukraine carried out a 1,000-for-1,000 prisoner swap.",
        {("pows", "UA", 1000, False), ("pows", "RU", 1000, False)},
    ),
    (
        "Prisoners were exchanged in the 95 for 95 format.",
        {("pows", "UA", 95, False), ("pows", "RU", 95, False)},
    ),
    (
        "Kyiv and Moscow exchanged 390 prisoners, 195 from each side.",
        {("pows", "UA", 195, False), ("pows", "RU", 195, False)},
    ),
    ("Ukraine brought back the bodies of 212 fallen defenders.", {("remains", "UA", 212, False)}),
    ("Remains of 1 000 dead soldiers went back to Ukraine.", {("remains", "UA", 1000, False)}),
    ("Forty-eight Ukrainian POWs returned home.", {("pows", "UA", 48, False)}),
    ("Russia freed a thousand Ukrainian prisoners.", {("pows", "UA", 1000, False)}),
    ("The two sides exchanged 115 prisoners.", {("pows", None, 115, False)}),
    ("Each side released 75 prisoners.", {("pows", "UA", 75, False), ("pows", "RU", 75, False)}),
    (
        "Russia and Ukraine each freed 84 captives.",
        {("pows", "UA", 84, False), ("pows", "RU", 84, False)},
    ),
    ("Ukraine handed over 30 bodies to Russia.", {("remains", "RU", 30, False)}),
    ("Russia handed 909 bodies to Kyiv.", {("remains", "UA", 909, False)}),
    (
        "103 Russian servicemen were returned from Ukrainian captivity.",
        {("pows", "RU", 103, False)},
    ),
    (
        "Moscow released 25 prisoners of war of the Ukrainian armed forces.",
        {("pows", "UA", 25, False)},
    ),
    ("Ukraine has secured the release of 140 of its soldiers.", {("pows", "UA", 140, False)}),
    ("Russia said it had received 78 of its troops.", {("pows", "RU", 78, False)}),
    (
        "Twenty-seven Belgorod residents went back to Russia.",
        {("civilians", "RU", 27, False)},
    ),
    ("Eleven children deported by Russia have come home.", {("civilians", "UA", 11, False)}),
    (
        "Ukraine repatriates 1,000 bodies, Russia 19.",
        {("remains", "UA", 1000, False), ("remains", "RU", 19, False)},
    ),
    (
        "Ukraine and Russia exchanged the bodies of fallen soldiers, with Kyiv receiving 503 "
        "and Moscow 21.",
        {("remains", "UA", 503, False), ("remains", "RU", 21, False)},
    ),
    (
        "Russia handed over 31 wounded Ukrainian soldiers in exchange for 15 wounded Russian "
        "servicemen.",
        {("pows", "UA", 31, False), ("pows", "RU", 15, False)},
    ),
    (
        "Twenty-five Ukrainian prisoners were released in exchange for the same number of "
        "Russian soldiers.",
        {("pows", "UA", 25, False), ("pows", "RU", 25, False)},
    ),
    ("More than 300 Ukrainians and Russians were released.", {("pows", None, 300, False)}),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_phrasings(text: str, expected: set[tuple[object, ...]]) -> None:
    assert counts(classify(text)) == expected


TRAPS = [
    "A Russian drone attack killed 5 people and injured 12 in Kharkiv.",
    "Air defences shot down 12 drones and 3 missiles.",
    "In 2025, the ministry paid $5 million to the families.",
    "A Su-34 jet and an Il-76 plane were seen over the town.",
    "About 80% of them needed treatment 50 km from the border.",
    "Russia still holds more than 8,000 Ukrainian prisoners of war.",
    "More than 8,000 Ukrainians remain in Russian captivity.",
    "Israel received the bodies of four hostages in exchange for 600 Palestinian prisoners.",
    "Russia and the United States exchanged 24 prisoners in Ankara.",
    "Armenia and Azerbaijan exchanged prisoners, Azerbaijan freeing 32 Armenian soldiers.",
    "Kyiv submitted a list of 640 names of prisoners for the next exchange.",
    "Ukraine handed Qatar a list of 751 children to be returned.",
    "Moscow stands ready to deliver 2,000 more bodies.",
    "Moscow offered to hand over another 2,500 bodies to Kyiv.",
    "Russia proposed exchanging 30 civilians held in the Kursk region.",
    "Trump said both countries could swap more than a thousand prisoners.",
    "Six wounded servicemen were returned outside the framework of an exchange.",
    "Seven civilians came home without an exchange.",
    "The group included 12 children.",
    "Among them were 4 women.",
    "The plane was carrying 65 Ukrainian prisoners of war who were to be exchanged.",
    "Roughly 18,000 minors have been unlawfully deported to Russian territory.",
    "Russia has deported or forcibly transferred at least 19,500 children.",
    "Rescuers recovered the bodies of 14 people from the rubble.",
    "The oldest of those freed is 60.",
    "Kyiv accused Moscow of postponing the repatriation of 6,000 bodies.",
    "This was the 40th exchange since the start of the war.",
    "Dozens of prisoners were exchanged on Friday.",
    "Not 33 children came home, but fewer.",
    "The talks lasted three hours in exchange for nothing.",
]


@pytest.mark.parametrize("text", TRAPS)
def test_traps_give_no_exchange_count(text: str) -> None:
    out = classify(text, title="Ukraine news")
    assert counts(out) == set(), out.facts


def test_counterpart_inherits_kind_and_the_other_side() -> None:
    out = classify("The swap saw 200 Ukrainian remains returned against 12 Russian counterparts.")
    assert counts(out) == {("remains", "UA", 200, False), ("remains", "RU", 12, False)}


def test_historical_background_with_month() -> None:
    out = classify(
        "The December 2024 exchange previously saw 503 Ukrainian soldiers' remains returned "
        "against 36 Russian counterparts.",
        published="2026-01-29",
    )
    xs = of_type(out, ExchangeFact)
    assert {(f.received_by, f.count, f.historical, f.occurred) for f in xs} == {
        ("UA", 503, True, "2024-12"),
        ("RU", 36, True, "2024-12"),
    }


@pytest.mark.parametrize(
    ("text", "published", "occurred", "historical"),
    [
        ("Ukraine received 150 POWs on Tuesday.", "2025-10-17", "2025-10-14", False),
        ("Ukraine received 150 POWs today.", "2025-10-17", "2025-10-17", False),
        ("Ukraine received 150 POWs last week.", "2025-10-17", "2025-10", False),
        ("Ukraine received 150 POWs on October 2.", "2025-10-17", "2025-10-02", False),
        ("Ukraine received 150 POWs in November 2023.", "2025-10-17", "2023-11", True),
        ("Ukraine received 150 POWs on Tuesday.", None, None, False),
        ("Ukraine received 150 POWs on October 23.", None, None, False),
        ("Ukraine received 150 POWs.", "2025-10-17", None, False),
        ("Earlier, on April 10, Ukraine received 100 POWs.", "2023-04-17", "2023-04-10", True),
        (
            "Nine children captured in 2022 returned home on Friday.",
            "2024-09-28",
            "2024-09-27",
            False,
        ),
    ],
)
def test_occurred_only_from_a_cue(
    text: str, published: str | None, occurred: str | None, historical: bool
) -> None:
    (f,) = of_type(classify(text, published=published), ExchangeFact)
    assert (f.occurred, f.historical) == (occurred, historical)


def test_figures_of_one_sentence_share_its_date() -> None:
    out = classify(
        "Moscow and Kyiv exchanged 314 prisoners on Monday, 157 from each side.",
        published="2024-12-30",
    )
    assert {(f.received_by, f.count, f.occurred) for f in of_type(out, ExchangeFact)} == {
        ("UA", 157, "2024-12-30"),
        ("RU", 157, "2024-12-30"),
    }


@pytest.mark.parametrize(
    ("text", "side", "count", "since"),
    [
        ("Since 2022, 4,757 Ukrainians have come home from captivity.", "UA", 4757, "2022"),
        (
            "Since the start of the full-scale invasion, Ukraine has brought home 3,956 POWs.",
            "UA",
            3956,
            "2022-02",
        ),
        ("Ukraine has so far brought home 6,500 bodies of fallen troops.", "UA", 6500, None),
        (
            "In total, Russia has handed over 11,000 bodies of Ukrainian soldiers.",
            "UA",
            11000,
            None,
        ),
        ("This brought the total number of Ukrainians returned to 5,857.", "UA", 5857, None),
    ],
)
def test_cumulative_totals(text: str, side: str, count: int, since: str | None) -> None:
    out = classify(text)
    (f,) = of_type(out, TotalFact)
    assert (f.kind in ("pows", "remains"), f.received_by, f.count, f.since) == (
        True,
        side,
        count,
        since,
    )
    assert not of_type(out, ExchangeFact)


def test_running_total_and_current_figure() -> None:
    out = classify(
        "Ukraine received another 1,212 bodies on Friday, bringing the total returned this week "
        "to 6,057.",
        published="2025-06-13",
    )
    assert counts(out) == {("remains", "UA", 1212, False), ("remains", "UA", 6057, True)}
    (t,) = of_type(out, TotalFact)
    assert t.count == 6057


def test_offer_in_the_same_sentence_makes_the_result_cumulative() -> None:
    out = classify("Russia has handed back 2,500 bodies and stands ready to deliver 1,500 more.")
    assert counts(out) == {("remains", "UA", 2500, True)}


def test_approximate() -> None:
    out = classify("Ukraine received about 130 prisoners and more than 500 bodies.")
    assert all(f.approximate for f in of_type(out, ExchangeFact))
    out = classify("Ukraine received 130 prisoners.")
    assert not of_type(out, ExchangeFact)[0].approximate


def test_sum_of_parts_is_not_listed() -> None:
    out = classify(
        "In the first stage, 270 Ukrainian soldiers and 120 civilians returned home. "
        "390 Ukrainians came home on Friday."
    )
    assert counts(out) == {("pows", "UA", 270, False), ("civilians", "UA", 120, False)}


def test_split_into_soldiers_and_civilians_is_recorded() -> None:
    out = classify(
        "Eighty-four Ukrainians returned home in an exchange for 84 Russians. "
        "Among those freed were eight civilians and 76 servicemen."
    )
    assert counts(out) == {
        ("civilians", "UA", 8, False),
        ("pows", "UA", 76, False),
        ("pows", "RU", 84, False),
    }


@pytest.mark.parametrize(
    ("text", "published", "agreement", "count", "per_side"),
    [
        (
            "At the talks in Istanbul the sides agreed to exchange 1,200 prisoners of war each.",
            "2025-07-24",
            "istanbul-2025-07",
            1200,
            True,
        ),
        (
            "Both sides committed in Istanbul in 2025 to returning approximately 12,000 bodies.",
            "2026-01-29",
            "istanbul-2025-06",
            12000,
            False,
        ),
        (
            "The delegations in Istanbul agreed to a prisoner exchange of 1,000 for 1,000.",
            "2025-05-16",
            "istanbul-2025-05",
            1000,
            True,
        ),
        (
            "Delegations meeting in Geneva agreed to exchange 500 prisoners for 500.",
            "2026-02-18",
            "geneva-2026-02",
            500,
            True,
        ),
        (
            "The two sides agreed on a swap of 900-900 captives.",
            None,
            None,
            900,
            True,
        ),
    ],
)
def test_commitments(
    text: str, published: str | None, agreement: str | None, count: int, per_side: bool
) -> None:
    out = classify(text, published=published)
    (c,) = of_type(out, CommitmentFact)
    assert (c.agreement, c.count, c.per_side) == (agreement, count, per_side)
    assert not of_type(out, ExchangeFact)


def test_commitment_categories_from_the_next_sentence() -> None:
    out = classify(
        "At the Istanbul talks in 2025 the parties agreed to return about 12,000 bodies. "
        "The deal also covers seriously wounded and sick prisoners and those under the age of 25."
    )
    (c,) = of_type(out, CommitmentFact)
    assert c.categories == ["severely_injured", "ill", "under_25"]
    assert c.approximate and "TR" in c.mediators


def test_unilateral_offer_is_not_a_commitment() -> None:
    assert not of_type(classify("Russia offered to hand over 3,000 bodies."), CommitmentFact)
    assert not of_type(classify("Moscow will hand over 2,000 bodies next week."), CommitmentFact)


@pytest.mark.parametrize(
    ("text", "kind", "since"),
    [
        ("POW swaps have been suspended since October 2025.", "pows", "2025-10"),
        ("Exchanges of bodies were halted in March 2024.", "remains", "2024-03"),
        ("POW exchanges have been frozen for five months.", "pows", "2025-05"),
        ("No prisoner exchanges have taken place since August 14.", "pows", "2025-08"),
        ("Exchanges are currently on pause, the Kremlin said on Monday.", "pows", None),
    ],
)
def test_suspensions(text: str, kind: str, since: str | None) -> None:
    (s,) = of_type(classify(text, published="2025-10-17"), SuspensionFact)
    assert (s.kind, s.since) == (kind, since)


@pytest.mark.parametrize(
    "text",
    [
        "The Kremlin denied that exchanges had been suspended.",
        "Russia could suspend prisoner exchanges, officials warned.",
        "Moscow remains open to resuming the exchanges.",
    ],
)
def test_no_suspension_or_resumption(text: str) -> None:
    out = classify(text)
    assert not of_type(out, SuspensionFact) and not of_type(out, ResumptionFact)


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine received 150 POWs on Wednesday, the first such swap in five months.",
        "Exchanges resumed on Wednesday when Ukraine received 150 POWs.",
        "150 POWs came home on Wednesday in the first exchange since the plane crash.",
    ],
)
def test_resumption(text: str) -> None:
    (r,) = of_type(classify(text, published="2025-02-05"), ResumptionFact)
    assert (r.kind, r.on) == ("pows", "2025-02-05")


@pytest.mark.parametrize(
    ("text", "claimed"),
    [
        ("Ukraine received 150 POWs, Zelensky said.", "UA"),
        ("Ukraine received 150 POWs, the Coordination Headquarters said.", "UA"),
        ("Russia received 150 POWs, Medinsky said.", "RU"),
        ("Russia received 150 POWs, the Russian defence ministry said.", "RU"),
        ("Russia received 150 POWs.", None),
    ],
)
def test_claimed_by(text: str, claimed: str | None) -> None:
    (f,) = of_type(classify(text), ExchangeFact)
    assert f.claimed_by == claimed


def test_claim_from_attribution_sentence() -> None:
    out = classify(
        "The bodies of 62 soldiers came home. This was reported by the Coordination Headquarters."
    )
    (f,) = of_type(out, ExchangeFact)
    assert f.claimed_by == "UA"


def test_evidence_is_the_sentence() -> None:
    title = "Ukraine receives 1,003 bodies"
    body = (
        "Fighting continued in the east. Russia received 26 bodies in return, Medinsky said.\n\n"
        "Identification will take months."
    )
    out = classify(body, title=title)
    assert out.facts
    for f in out.facts:
        ev = f.evidence
        assert ev is not None
        src = title if ev.field == "title" else body
        assert src[ev.start : ev.end] == ev.text
    ev_by_count = {f.count: f.evidence for f in of_type(out, ExchangeFact)}
    assert ev_by_count[1003] is not None and ev_by_count[1003].field == "title"
    assert ev_by_count[26] is not None and ev_by_count[26].text.startswith("Russia received 26")


def test_same_figure_in_title_and_body_is_one_fact() -> None:
    out = classify(
        "Ukraine received 212 bodies on Friday, officials said.",
        title="Ukraine receives 212 bodies of fallen soldiers",
        published="2024-05-31",
    )
    (f,) = of_type(out, ExchangeFact)
    assert (f.count, f.occurred) == (212, "2024-05-31")


def test_headline_side_yields_to_body() -> None:
    out = classify(
        "Ukraine has secured the release of 215 of its fighters, Zelensky said.",
        title="Ukraine frees 215 fighters",
    )
    assert counts(out) == {("pows", "UA", 215, False)}
