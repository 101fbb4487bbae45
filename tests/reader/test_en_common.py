"""The language-neutral helpers the English reader is built on (agents/reader/shared/):
sentences with offsets, agreements, labels, fact clean-up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.reader.evaluation.scores import agreement_slug
from agents.reader.shared.agreements import AGREEMENTS, resolve_agreement
from agents.reader.shared.facts import finalize_facts, order_labels, sort_categories
from agents.reader.shared.sentences import MAX_SENTENCE, evidence, item_sentences, split_sentences
from agents.reader.shared.text import lower_pattern, lower_same
from schemas.common import Kind, Party
from schemas.news import (
    CommitmentFact,
    ExchangeFact,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)
from tests.reader.en_support import item


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text, "body")]


def test_sentences_and_offsets() -> None:
    text = (
        "Ukraine received 1,000 bodies. Russia received 38 in return!\n\n"
        "Mr. Smith of the U.S. said so. Vladimir V. Putin spoke at 8.37 p.m. on Friday?  Yes."
    )
    got = split_sentences(text, "body")
    assert [s.text for s in got] == [
        "Ukraine received 1,000 bodies.",
        "Russia received 38 in return!",
        "Mr. Smith of the U.S. said so.",
        "Vladimir V. Putin spoke at 8.37 p.m. on Friday?",
        "Yes.",
    ]
    for s in got:
        assert text[s.start : s.end] == s.text
    assert [s.para for s in got] == [0, 0, 1, 1, 1]
    assert [s.seq for s in got] == [0, 1, 2, 3, 4]


def test_quotes_and_lower_case_after_a_dot() -> None:
    assert texts('"We are home." He said it. approx. 30 people came.') == [
        '"We are home."',
        "He said it. approx. 30 people came.",
    ]


def test_newlines_end_sentences() -> None:
    assert texts("Headline without a dot\nFirst sentence. Second") == [
        "Headline without a dot",
        "First sentence.",
        "Second",
    ]


def test_long_runs_are_cut() -> None:
    text = "word " * 2000
    got = split_sentences(text, "body")
    assert all(len(s.text) <= MAX_SENTENCE for s in got)
    assert all(text[s.start : s.end] == s.text for s in got)


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\u00a0\"'”1,")), max_size=400))
def test_offsets_always_hold(text: str) -> None:
    for s in split_sentences(text, "body"):
        assert text[s.start : s.end] == s.text and s.text.strip() == s.text and s.text


def test_item_sentences_title_first() -> None:
    it = item("Body one. Body two.", "Title here")
    got = item_sentences(it)
    assert [(s.field, s.para, s.seq) for s in got] == [
        ("title", -1, 0),
        ("body", 0, 1),
        ("body", 0, 2),
    ]
    ev = evidence(got[2])
    assert it.body[ev.start : ev.end] == ev.text == "Body two."


def test_lower_pattern_keeps_group_names_and_escapes() -> None:
    rx = lower_pattern(r"(?P<UA>Kyiv|Zelensky)\S")
    assert rx.pattern == r"(?P<UA>kyiv|zelensky)\S"
    m = rx.search(lower_same("In Kyiv, ..."))
    assert m is not None and m.lastgroup == "UA"
    assert lower_same("İstanbul") == "İstanbul"  # lower-casing would shift offsets


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("Istanbul 2025 (1st round)", "istanbul-2025-05"),
        ("Istanbul 2025 (2nd round)", "istanbul-2025-06"),
        ("Istanbul 2025 (3rd round)", "istanbul-2025-07"),
        ("Geneva 2026", "geneva-2026-02"),
        ("istanbul-2025-06", "istanbul-2025-06"),
        (None, None),
        ("", None),
        ("Some Other Deal!", None),
    ],
)
def test_agreement_slug(label: str | None, slug: str | None) -> None:
    assert agreement_slug(label) == slug


@pytest.mark.parametrize(
    ("kwargs", "slug"),
    [
        ({"place": "istanbul", "round_no": 3}, "istanbul-2025-07"),
        ({"place": "istanbul", "year": 2025, "month": 6}, "istanbul-2025-06"),
        ({"place": "istanbul", "year": 2025, "kind": "remains"}, "istanbul-2025-06"),
        ({"place": "istanbul", "categories": ["under_25"]}, "istanbul-2025-06"),
        ({"place": "istanbul", "kind": "pows", "count": 1200}, "istanbul-2025-07"),
        ({"place": "istanbul", "kind": "pows", "count": 1000}, "istanbul-2025-05"),
        ({"place": "istanbul", "ref": dt.date(2025, 5, 20)}, "istanbul-2025-05"),
        ({"place": "istanbul", "year": 2022}, None),
        ({"place": "istanbul", "ref": dt.date(2025, 12, 1)}, None),
        ({"place": "geneva"}, "geneva-2026-02"),
        ({"place": None}, None),
    ],
)
def test_resolve_agreement(kwargs: dict[str, object], slug: str | None) -> None:
    assert resolve_agreement(**kwargs) == slug  # type: ignore[arg-type]
    assert slug is None or slug in AGREEMENTS


def test_order_labels_and_categories() -> None:
    assert order_labels("attack", ["negotiation", "attack", "pow_exchange"]) == [
        "attack",
        "pow_exchange",
        "negotiation",
    ]
    assert sort_categories(["under_25", "ill", "ill"]) == ["ill", "under_25"]


def X(
    side: Party | None,
    count: int,
    kind: Kind = "pows",
    historical: bool = False,
    occurred: str | None = None,
) -> ExchangeFact:
    return ExchangeFact(
        kind=kind, received_by=side, count=count, historical=historical, occurred=occurred
    )


def test_finalize_merges_duplicates_keeping_the_date() -> None:
    out = finalize_facts(
        [X("UA", 150), X("UA", 150, occurred="2025-10-17"), X("UA", 150, historical=True)]
    )
    assert [(f.count, f.historical, f.occurred) for f in out if isinstance(f, ExchangeFact)] == [
        (150, False, "2025-10-17"),
        (150, True, None),
    ]


def test_finalize_drops_sums() -> None:
    out = finalize_facts([X(None, 314), X("UA", 157), X("RU", 157)])
    assert [(f.received_by, f.count) for f in out if isinstance(f, ExchangeFact)] == [
        ("UA", 157),
        ("RU", 157),
    ]
    out = finalize_facts(
        [X("UA", 246), X("UA", 31), TotalFact(kind="pows", received_by="UA", count=277)]
    )
    assert not [f for f in out if isinstance(f, TotalFact)]
    out = finalize_facts([X("UA", 390), X("UA", 270), X("UA", 120, kind="civilians")])
    assert sorted(f.count for f in out if isinstance(f, ExchangeFact)) == [120, 270]
    # parts of one kind (stages of one exchange) do not remove the whole
    out = finalize_facts([X("UA", 1000), X("UA", 390), X("UA", 307), X("UA", 303)])
    assert len(out) == 4


def test_finalize_commitments_and_states() -> None:
    done = CommitmentFact(kind="civilians", count=46)
    named = CommitmentFact(kind="pows", count=1200, agreement="istanbul-2025-07")
    bare = CommitmentFact(kind="pows", count=1200, categories=["ill"])
    out = finalize_facts(
        [
            X("RU", 46, kind="civilians"),
            done,
            named,
            bare,
            SuspensionFact(kind="pows"),
            SuspensionFact(kind="pows", since="2025-10"),
            ResumptionFact(kind="pows"),
            ResumptionFact(kind="pows", on="2025-02-05"),
        ]
    )
    cs = [f for f in out if isinstance(f, CommitmentFact)]
    assert [(c.count, c.agreement) for c in cs] == [(1200, "istanbul-2025-07")]
    (s,) = [f for f in out if isinstance(f, SuspensionFact)]
    (r,) = [f for f in out if isinstance(f, ResumptionFact)]
    assert (s.since, r.on) == ("2025-10", "2025-02-05")
