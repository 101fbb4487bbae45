"""One swap reported in English, Ukrainian and Russian counts once (the real reader, replay)."""

from __future__ import annotations

from pathlib import Path

import orjson

from agents.core.config import Config
from agents.core.replay import run

ITEMS = [
    {
        "id": "xl-uk",
        "source": "wire-uk",
        "lang": "uk",
        "published_at": "2026-02-05T12:00:00+00:00",
        "title": "Додому повернулися 157 захисників",
        "body": "Сьогодні відбувся обмін полоненими. Додому повернулися 157 українських "
        "захисників, повідомив Координаційний штаб з питань поводження з "
        "військовополоненими. Посередником виступили Об'єднані Арабські Емірати.",
    },
    {
        "id": "xl-ru",
        "source": "wire-ru",
        "lang": "ru",
        "published_at": "2026-02-05T13:00:00+00:00",
        "title": "Из плена возвращены 157 военнослужащих",
        "body": "Из подконтрольной киевскому режиму территории возвращены 157 российских "
        "военнослужащих, сообщило Минобороны России. В обмен украинской стороне переданы "
        "157 военнопленных. Посредническую помощь оказали ОАЭ.",
    },
    {
        "id": "xl-en",
        "source": "wire-en",
        "published_at": "2026-02-05T15:00:00+00:00",
        "title": "Ukraine and Russia swap 157 prisoners each",
        "body": "Ukraine and Russia carried out a prisoner exchange on Thursday, with 157 "
        "prisoners of war returned to each side, the Ukrainian Coordination Headquarters "
        "said. The swap was mediated by the United Arab Emirates.",
    },
]


def replay_items(tmp_path: Path, items: list[dict[str, object]]) -> dict[str, object]:
    path = tmp_path / "items.jsonl"
    path.write_bytes(b"".join(orjson.dumps(i) + b"\n" for i in items))
    result = run([path], Config.load())
    assert not result.rejected
    return result.summary


def test_one_swap_in_three_languages_counts_once(tmp_path: Path) -> None:
    summary = replay_items(tmp_path, ITEMS)
    assert summary["totals"]["pows"] == {"UA": 157, "RU": 157, "unattributed": 0}
    # In any order (the English item has no lang: it is detected).
    for order in ([2, 0, 1], [1, 2, 0]):
        again = replay_items(tmp_path, [ITEMS[i] for i in order])
        assert again["totals"] == summary["totals"]


def test_sides_differing_figures_are_one_swap(tmp_path: Path) -> None:
    # The Russian report gives a different figure for what Ukraine received: a claim, kept,
    # not a second swap; Ukraine's own figure for what it received is the resolved one.
    ru = dict(ITEMS[1])
    ru["body"] = str(ru["body"]).replace("переданы 157", "переданы 150")
    summary = replay_items(tmp_path, [ITEMS[0], ru, ITEMS[2]])
    assert summary["totals"]["pows"] == {"UA": 157, "RU": 157, "unattributed": 0}
