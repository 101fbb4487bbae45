"""Russian reader: the quality bars on the repository's own labelled set and on the shared
corpus, and the phrasings and traps of Russian reports (from both sides' outlets)."""

from __future__ import annotations

import pytest

from agents.reader import classify
from agents.reader.evaluation import load
from agents.reader.slavic.reader import read
from schemas.news import ExchangeFact, NewsItem
from tests.reader.en_support import CORPUS_NEWS
from tests.reader.slavic_support import assert_quality_bars, counts, item, needs_corpus, own_set

OWN = own_set("ru")


def _item(body: str, title: str | None = None, published: str = "2025-06-16") -> NewsItem:
    return item("ru", body, title, published)


def test_quality_bars_on_own_set() -> None:
    assert_quality_bars(OWN, "ru")


@needs_corpus
def test_quality_bars_on_corpus() -> None:
    assert_quality_bars(CORPUS_NEWS, "ru")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Россия передала Украине тела 6060 погибших военнослужащих, а получила тела 78 "
            "российских военнослужащих.",
            {("remains", "UA", 6060), ("remains", "RU", 78)},
        ),
        (
            "Обмен прошел по формуле 84 на 84, сообщили в Минобороны РФ.",
            {("pows", "UA", 84), ("pows", "RU", 84)},
        ),
        ("Москва передала Киеву 1,5 тыс. тел погибших военных ВСУ.", {("remains", "UA", 1500)}),
        (
            "Украине переданы тела 1 000 погибших, России — тела 24 военных.",
            {("remains", "UA", 1000)},
        ),
        ("Из украинского плена вернули двух военнослужащих.", {("pows", "RU", 2)}),
        ("Из российского плена вернулись пятеро защитников и одна женщина.", {("pows", "UA", 5)}),
        (
            "В пятницу Россия вернула 150 своих военных, а Киеву передала столько же пленных.",
            {("pows", "RU", 150), ("pows", "UA", 150)},
        ),
        ("В Россию вернулись восемь жителей Курской области.", {("civilians", "RU", 8)}),
        (
            "Стороны обменялись 146 пленными с каждой стороны.",
            {("pows", "UA", 146), ("pows", "RU", 146)},
        ),
        (
            "Россия передала Украине 909 тел, тогда как Киев вернул 43 тела.",
            {("remains", "UA", 909), ("remains", "RU", 43)},
        ),
    ],
)
def test_phrasings(body: str, expected: set[tuple[str, str | None, int]]) -> None:
    assert expected <= counts(read(_item(body), "ru"))


@pytest.mark.parametrize(
    "body",
    [
        "Войска продолжают обмениваться ударами, уничтожено 15 беспилотников и две ракеты.",
        "Движение поездов на участке приостановлено, 300 тысяч жителей остались без света.",
        "Погибли два человека, еще 14 пострадали. Тела погибших передали родственникам.",
        "Российская сторона передала Киеву списки на 500 человек для обмена.",
        "В украинском плену остаются более тысячи российских военных.",
        "Украине удалось вернуть 22 тяжелораненых защитников вне рамок обмена.",
        "Москва готова передать еще 3000 тел погибших военнослужащих ВСУ.",
        "Россия и США обменялись заключенными: в Россию вернулись восемь человек.",
        "За сутки ВСУ потеряли 1 040 военнослужащих, уничтожены 4 танка.",
        "Банк России сохранил ставку.\nЧитайте также: из плена вернулись 84 военных.",
    ],
)
def test_traps_give_no_exchange_figures(body: str) -> None:
    assert counts(read(_item(body), "ru")) == set()


def test_train_suspension_is_not_an_exchange_suspension() -> None:
    out = read(_item("Движение поездов приостановлено после удара по подстанции."), "ru")
    assert not [f for f in out.facts if f.type == "suspension"]
    assert out.primary != "exchange_suspended"


@pytest.mark.parametrize(
    "body",
    [
        "Обмены военнопленными приостановлены, заявила Татьяна Москалькова.",
        "Песков признал, что в обменах пленными с Украиной наступила пауза.",
    ],
)
def test_suspension_phrasings(body: str) -> None:
    out = read(_item(body), "ru")
    assert out.primary == "exchange_suspended"
    (s,) = [f for f in out.facts if f.type == "suspension"]
    assert (s.kind, s.claimed_by) == ("pows", "RU")


def test_relative_dates_resolve_against_publication() -> None:
    body = (
        "В минувшую пятницу Россия передала Украине тела 6060 погибших военнослужащих.\n"
        "Ранее обмен телами состоялся в прошлом месяце. Тогда Россия передала Украине 1 000 тел."
    )
    out = read(_item(body, published="2025-06-16"), "ru")
    got = {f.count: f for f in out.facts if isinstance(f, ExchangeFact)}
    assert got[6060].occurred == "2025-06-13" and not got[6060].historical
    assert got[1000].occurred == "2025-05" and got[1000].historical


def test_mediators_and_geneva_commitment() -> None:
    body = (
        "По итогам встречи в Женеве делегации договорились об обмене военнопленными по формуле "
        "«500 на 500». Переговоры прошли при посредничестве США и ОАЭ."
    )
    out = read(_item(body, published="2026-02-19"), "ru")
    (c,) = [f for f in out.facts if f.type == "commitment"]
    assert (c.count, c.agreement, c.per_side) == (500, "geneva-2026-02", True)
    assert set(c.mediators) == {"US", "AE"}
    assert out.primary == "negotiation"


def test_evidence_spans_and_version_on_own_set() -> None:
    for rec in load([OWN]):
        out = classify(rec.item)
        assert out.classifier == "exchange-watch-reader/0.1 (ru)"
        assert out.lang == "ru" and out.labels[0] == out.primary
        for f in out.facts:
            ev = f.evidence
            assert ev is not None
            text = rec.item.title if ev.field == "title" else rec.item.body
            assert text is not None and text[ev.start : ev.end] == ev.text
