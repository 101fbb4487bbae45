"""The fixed tune/check split of the labelled corpus."""

from __future__ import annotations

from collections import Counter

import pytest

from agents.reader.evaluation.scores import load, select_part
from agents.reader.evaluation.split import clusters, split
from tests.reader.en_support import CORPUS, NO_CORPUS

DEV = CORPUS / "dev"


def test_clusters_join_reports_named_in_dedupe_notes_only() -> None:
    notes = {
        "d001": "ids before the mark do not join: d004",
        "d002": "x [dedupe] same event as d003",
        "d003": "[dedupe] same event as d002, d005",
        "d004": "",
        "d005": "",
    }
    got = clusters(notes)
    assert got == {"d001": "d001", "d002": "d002", "d003": "d002", "d004": "d004", "d005": "d002"}


def test_a_cluster_never_straddles_the_parts_and_check_stays_within_a_third() -> None:
    rows = [(f"d{i:03d}", "en" if i % 2 else "uk", "") for i in range(1, 40)]
    rows[0] = ("d001", "en", "[dedupe] same event as d003, d005")
    part = split(rows)
    assert part["d001"] == part["d003"] == part["d005"]
    for lang in ("en", "uk"):
        n = sum(1 for _, la, _ in rows if la == lang)
        assert sum(1 for i, la, _ in rows if la == lang and part[i] == "check") <= -(-n // 3)
    assert split(reversed(rows)) == part  # the order of the input does not matter


@pytest.mark.skipif(not (DEV / "more.jsonl").is_file(), reason=NO_CORPUS)
def test_the_corpus_split_is_the_committed_one() -> None:
    records = load([DEV / "news.jsonl", DEV / "more.jsonl"])
    check = select_part(records, "check")
    assert len(records) == 183
    assert Counter(r.lang for r in check) == {"en": 28, "uk": 17, "ru": 17}
    assert len(select_part(records, "tune")) == 121
