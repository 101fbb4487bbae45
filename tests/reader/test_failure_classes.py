"""The reader on the six classes of failure seen on unseen real articles, in each language.

Every case is a sentence written for this test (none is taken from a corpus) together with
its negative twin: the sentence that differs in the one respect that decides, and must not
give the fact. Facts are written compactly:

- ("x", kind, side, count): an exchange reported as news (not historical, not a total);
- ("h", kind, side, count): a background figure (a historical exchange or a running total);
- ("c", kind, count): a commitment; ("s", kind): a suspension; ("r", kind): a resumption;
  ("p", category): the primary.

`want` must all be read; `never` must not be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from agents.reader import classify
from schemas.news import (
    ClassifiedNews,
    CommitmentFact,
    ExchangeFact,
    NewsItem,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

Fact = tuple[Any, ...]


@dataclass(frozen=True)
class Case:
    lang: str
    text: str
    want: tuple[Fact, ...] = ()
    never: tuple[Fact, ...] = ()
    published: str = "2025-10-17"
    title: str | None = field(default=None)


def read(case: Case) -> ClassifiedNews:
    d = dt.date.fromisoformat(case.published)
    # An English sentence alone may name neither country; a real report's headline would,
    # and the reader reads nothing that is not about this war.
    title = case.title or ("Ukraine" if case.lang == "en" else None)
    item = NewsItem(
        id="case",
        source="test",
        published_at=dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC),
        title=title,
        body=case.text,
        lang=case.lang,
    )
    return classify(item)


def facts_of(out: ClassifiedNews) -> set[Fact]:
    got: set[Fact] = {("p", out.primary)}
    for f in out.facts:
        if isinstance(f, ExchangeFact):
            got.add(("h" if f.historical else "x", f.kind, f.received_by, f.count))
        elif isinstance(f, TotalFact):
            got.add(("h", f.kind, f.received_by, f.count))
        elif isinstance(f, CommitmentFact):
            got.add(("c", f.kind, f.count))
        elif isinstance(f, SuspensionFact):
            got.add(("s", f.kind))
        elif isinstance(f, ResumptionFact):
            got.add(("r", f.kind))
    return got


def check(case: Case) -> None:
    got = facts_of(read(case))
    missing = [w for w in case.want if w not in got]
    wrong = [n for n in case.never if n in got]
    assert not missing and not wrong, f"missing {missing}, wrong {wrong}; read {sorted(got)}"


def cases(*pairs: tuple[str, Case, Case]) -> list[Any]:
    """Each (name, case, twin) as two parametrised tests."""
    out = []
    for name, case, twin in pairs:
        out.append(pytest.param(case, id=f"{case.lang}-{name}"))
        out.append(pytest.param(twin, id=f"{twin.lang}-{name}-twin"))
    return out


# ---------------------------------------------------------------- 1. who received whom

WHO = cases(
    (
        "according-to-is-a-source",
        Case("en", "Ukraine on Monday received the bodies of 640 people who, according to "
             "Russia, are Ukrainian soldiers.", want=(("x", "remains", "UA", 640),),
             never=(("x", "remains", "RU", 640),)),
        Case("en", "Ukraine on Monday handed over to Russia the bodies of 640 people who, "
             "according to Kyiv, are Russian soldiers.", want=(("x", "remains", "RU", 640),),
             never=(("x", "remains", "UA", 640),)),
    ),
    (
        "the-headquarters-received",
        Case("en", "Moscow handed over 640 bodies on Friday and received 19 in return. The "
             "headquarters confirmed it had received 640 bodies.",
             want=(("x", "remains", "UA", 640),), never=(("x", "remains", "RU", 640),)),
        Case("en", "Kyiv handed over 640 bodies on Friday and received 19 in return. The "
             "Kremlin confirmed it had received 640 bodies.",
             want=(("x", "remains", "RU", 640),), never=(("x", "remains", "UA", 640),)),
    ),
    (
        "said-that-it-received",
        Case("en", "Moscow handed over 500 bodies on Friday. Russia said at the time that it "
             "had received the remains of 27 of its soldiers.",
             want=(("x", "remains", "RU", 27),), never=(("x", "remains", "UA", 27),)),
        Case("en", "Moscow handed over 500 bodies on Friday. Kyiv said at the time that it "
             "had received the remains of 27 of its soldiers.",
             want=(("x", "remains", "UA", 27),), never=(("x", "remains", "RU", 27),)),
    ),
    (
        "while-the-other-returned",
        Case("en", "Since the Istanbul agreement, Russia has handed over more than 9,000 "
             "bodies to Ukraine, while Kyiv has returned only about 180, he said.",
             want=(("h", "remains", "RU", 180),), never=(("h", "remains", "UA", 180),)),
        Case("en", "Since the Istanbul agreement, Kyiv has handed over more than 9,000 "
             "bodies to Russia, while Moscow has returned only about 180, he said.",
             want=(("h", "remains", "UA", 180),), never=(("h", "remains", "RU", 180),)),
    ),
    (
        "gave-and-got-back",
        Case("en", "Moscow handed over 312 prisoners to Kyiv and received 309 in return.",
             want=(("x", "pows", "UA", 312), ("x", "pows", "RU", 309))),
        Case("en", "Kyiv handed over 312 prisoners to Moscow and received 309 in return.",
             want=(("x", "pows", "RU", 312), ("x", "pows", "UA", 309)),
             never=(("x", "pows", "UA", 312),)),
    ),
    (
        "while-receiving",
        Case("en", "Russia transferred 64 wounded soldiers to Ukraine, while receiving 52 "
             "in return.", want=(("x", "pows", "UA", 64), ("x", "pows", "RU", 52))),
        Case("en", "Ukraine transferred 64 wounded soldiers to Russia, while receiving 52 "
             "in return.", want=(("x", "pows", "RU", 64), ("x", "pows", "UA", 52)),
             never=(("x", "pows", "RU", 52),)),
    ),
    (
        "residents-of-a-region",
        Case("en", "Forty-two residents of the Belgorod region returned home from Ukraine "
             "on Monday.", want=(("x", "civilians", "RU", 42),)),
        Case("en", "Forty-two residents of the Kharkiv region returned home from Russia "
             "on Monday.", want=(("x", "civilians", "UA", 42),),
             never=(("x", "civilians", "RU", 42),)),
    ),
    (
        "leader-handed-over-to",
        Case("en", "The Russian leader said his country had handed over to Ukraine the "
             "bodies of 757 soldiers on Friday.", want=(("x", "remains", "UA", 757),)),
        Case("en", "The Ukrainian leader said his country had handed over to Russia the "
             "bodies of 57 soldiers on Friday.", want=(("x", "remains", "RU", 57),),
             never=(("x", "remains", "UA", 57),)),
    ),
    (
        "passive-to-a-nationality",
        Case("en", "On Tuesday, 48 bodies were handed over to the Russians.",
             want=(("x", "remains", "RU", 48),)),
        Case("en", "On Tuesday, 48 bodies were handed over to the Ukrainians.",
             want=(("x", "remains", "UA", 48),), never=(("x", "remains", "RU", 48),)),
    ),
    (
        "gave-and-got-back",
        Case("uk", "Росія передала Україні 250 тіл загиблих захисників, а отримала 31 тіло "
             "своїх військових.", want=(("x", "remains", "UA", 250), ("x", "remains", "RU", 31))),
        Case("uk", "Україна передала Росії 40 тіл окупантів.",
             want=(("x", "remains", "RU", 40),), never=(("x", "remains", "UA", 40),)),
    ),
    (
        "gave-and-got-back",
        Case("ru", "Россия передала Украине 187 военнопленных и получила взамен 185 своих "
             "военнослужащих.", want=(("x", "pows", "UA", 187), ("x", "pows", "RU", 185))),
        Case("ru", "Украина передала России 40 тел погибших военных.",
             want=(("x", "remains", "RU", 40),), never=(("x", "remains", "UA", 40),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", WHO)
def test_who_received_whom(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- 2. deal, plan or offer

PLANS = cases(
    (
        "agreed-vs-done",
        Case("en", "At the talks, the sides agreed to exchange 840 prisoners each.",
             want=(("c", "pows", 840),), never=(("x", "pows", "UA", 840),)),
        Case("en", "On Tuesday, the sides exchanged 840 prisoners each.",
             want=(("x", "pows", "UA", 840), ("x", "pows", "RU", 840))),
    ),
    (
        "ready-vs-done",
        Case("en", "Moscow is ready to hand over another 1,500 bodies to Kyiv.",
             never=(("x", "remains", "UA", 1500),)),
        Case("en", "Moscow handed over another 1,500 bodies to Kyiv.",
             want=(("x", "remains", "UA", 1500),)),
    ),
    (
        "part-of-a-deal",
        Case("en", "As part of a 500-for-500 deal, 120 Ukrainians came home on Thursday.",
             want=(("x", "pows", "UA", 120), ("c", "pows", 500)),
             never=(("x", "pows", "UA", 500), ("x", "pows", "RU", 500))),
        Case("en", "In a 120-for-120 swap, 120 Ukrainians came home on Thursday.",
             want=(("x", "pows", "UA", 120),)),
    ),
    (
        "expected-vs-took-place",
        Case("en", "A prisoner swap in the 300-for-300 format is expected next week, after "
             "the sides agreed on it in Geneva.",
             never=(("x", "pows", "UA", 300), ("x", "pows", "RU", 300))),
        Case("en", "A prisoner swap in the 300-for-300 format took place on Friday.",
             want=(("x", "pows", "UA", 300), ("x", "pows", "RU", 300))),
    ),
    (
        "agreed-vs-done",
        Case("uk", "Сторони домовилися обміняти по 840 полонених.",
             want=(("c", "pows", 840),), never=(("x", "pows", "UA", 840),)),
        Case("uk", "Сторони обміняли по 840 полонених.",
             want=(("x", "pows", "UA", 840), ("x", "pows", "RU", 840))),
    ),
    (
        "will-vs-did",
        Case("uk", "Росія передасть Україні ще 1500 тіл наступного тижня.",
             never=(("x", "remains", "UA", 1500),)),
        Case("uk", "Росія передала Україні ще 1500 тіл.", want=(("x", "remains", "UA", 1500),)),
    ),
    (
        "agreed-vs-done",
        Case("ru", "Стороны договорились обменять по 840 пленных.",
             want=(("c", "pows", 840),), never=(("x", "pows", "UA", 840),)),
        Case("ru", "Стороны обменяли по 840 пленных.",
             want=(("x", "pows", "UA", 840), ("x", "pows", "RU", 840))),
    ),
    (
        "will-vs-did",
        Case("ru", "Россия передаст Украине 1500 тел на следующей неделе.",
             never=(("x", "remains", "UA", 1500),)),
        Case("ru", "Россия передала Украине 1500 тел.", want=(("x", "remains", "UA", 1500),)),
    ),
    (
        "under-way-vs-done",
        Case("ru", "Сейчас стороны проводят обмен пленными в формате «500 на 500», о котором "
             "договорились в Женеве.",
             want=(("c", "pows", 500),), never=(("x", "pows", "UA", 500),)),
        Case("ru", "Вчера стороны провели обмен пленными в формате «500 на 500».",
             want=(("x", "pows", "UA", 500), ("x", "pows", "RU", 500))),
    ),
    (
        "terms-after-a-dash",
        Case("uk", "Делегації погодили черговий обмін полоненими — по 640 осіб з кожного боку.",
             want=(("c", "pows", 640),),
             never=(("x", "pows", "UA", 640), ("x", "pows", "RU", 640))),
        Case("uk", "Сторони провели черговий обмін полоненими — по 640 осіб з кожного боку.",
             want=(("x", "pows", "UA", 640), ("x", "pows", "RU", 640))),
    ),
    (
        "terms-after-a-dash",
        Case("ru", "«Условились в течение недели провести обмен — семьсот на семьсот», — "
             "сказал глава делегации.",
             never=(("x", "pows", "UA", 700), ("x", "pows", "RU", 700))),
        Case("ru", "«Сегодня провели обмен военнопленными — семьсот на семьсот», — сказал "
             "глава делегации.", want=(("x", "pows", "UA", 700), ("x", "pows", "RU", 700))),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", PLANS)
def test_deal_plan_or_offer_versus_done(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- 3. parts of a figure

PARTS = cases(
    (
        "including",
        Case("en", "Ukraine brought home 205 prisoners on Saturday, including 38 officers.",
             want=(("x", "pows", "UA", 205),), never=(("x", "pows", "UA", 38),)),
        Case("en", "Ukraine brought home 38 officers on Saturday.",
             want=(("x", "pows", "UA", 38),)),
    ),
    (
        "split-by-kind",
        Case("en", "On Friday, 270 soldiers and 120 civilians returned to Ukraine, 390 people "
             "in all.", want=(("x", "pows", "UA", 270), ("x", "civilians", "UA", 120)),
             never=(("x", "pows", "UA", 390),)),
        Case("en", "On Friday, 390 soldiers returned to Ukraine.",
             want=(("x", "pows", "UA", 390),)),
    ),
    (
        "rounded-headline",
        Case("en", "Ukraine got back 318 soldiers on Saturday.",
             title="Ukraine gets back more than 310 soldiers",
             want=(("x", "pows", "UA", 318),), never=(("x", "pows", "UA", 310),)),
        Case("en", "Ukraine got back 310 soldiers on Saturday.",
             title="Ukraine gets back 310 soldiers", want=(("x", "pows", "UA", 310),)),
    ),
    (
        "among-them",
        Case("uk", "Додому повернулися 205 захисників, серед них 38 офіцерів.",
             want=(("x", "pows", "UA", 205),), never=(("x", "pows", "UA", 38),)),
        Case("uk", "Додому повернулися 38 офіцерів.", want=(("x", "pows", "UA", 38),)),
    ),
    (
        "by-front-sector",
        Case("uk", "В Україну повернули тіла 300 загиблих. Зокрема, 200 тіл — з Донецького "
             "напрямку та 100 — з Запорізького.", want=(("x", "remains", "UA", 300),),
             never=(("x", "remains", "UA", 200), ("x", "remains", "UA", 100))),
        Case("uk", "В Україну повернули тіла 200 загиблих із Донецького напрямку.",
             want=(("x", "remains", "UA", 200),)),
    ),
    (
        "including",
        Case("ru", "В Россию вернулись 205 военнослужащих, в том числе 38 офицеров.",
             want=(("x", "pows", "RU", 205),), never=(("x", "pows", "RU", 38),)),
        Case("ru", "В Россию вернулись 38 офицеров.", want=(("x", "pows", "RU", 38),)),
    ),
    (
        "including-parts-that-add-up",
        Case("en", "Ukraine brought home 120 people on Friday, including 104 soldiers and 16 "
             "civilians.", want=(("x", "pows", "UA", 104), ("x", "civilians", "UA", 16))),
        Case("en", "Ukraine brought home 120 prisoners on Friday, including 14 officers and 16 "
             "civilians.", want=(("x", "pows", "UA", 120),),
             never=(("x", "pows", "UA", 14), ("x", "civilians", "UA", 16))),
    ),
    (
        "were-among-them",
        Case("en", "Ukraine brought home 205 prisoners on Saturday. Officials said 17 officers "
             "were among those freed.", want=(("x", "pows", "UA", 205),),
             never=(("x", "pows", "UA", 17), ("x", "pows", None, 17))),
        Case("en", "Ukraine brought home 205 prisoners on Saturday. Officials said 17 officers "
             "were freed as well.", want=(("x", "pows", "UA", 205),)),
    ),
    (
        "split-after-a-dash",
        Case("uk", "У п'ятницю з полону повернулися 96 українців: 81 — військові, ще 15 — "
             "цивільні.", want=(("x", "pows", "UA", 81), ("x", "civilians", "UA", 15)),
             never=(("x", "pows", "UA", 15),)),
        Case("uk", "У п'ятницю з полону повернулися 81 військовий і 15 морпіхів.",
             want=(("x", "pows", "UA", 81), ("x", "pows", "UA", 15)),
             never=(("x", "civilians", "UA", 15),)),
    ),
    (
        "listed-after-a-dash",
        Case("ru", "Домой вернулись 146 украинцев. Среди ста сорока шести освобожденных — "
             "пограничники, моряки, а также четверо гражданских.",
             want=(("x", "pows", "UA", 146),),
             never=(("x", "civilians", "UA", 4), ("x", "pows", "UA", 4))),
        Case("ru", "Домой вернулись 146 украинцев: 142 военных и четверо гражданских.",
             want=(("x", "pows", "UA", 142), ("x", "civilians", "UA", 4))),
    ),
    (
        "soldiers-and-citizens",
        Case("ru", "Взамен Украине переданы 81 военнопленный и 15 граждан Украины.",
             want=(("x", "pows", "UA", 81), ("x", "civilians", "UA", 15)),
             never=(("x", "pows", "UA", 15),)),
        Case("ru", "Взамен Украине переданы 81 военнопленный и 15 бойцов ВСУ.",
             want=(("x", "pows", "UA", 81), ("x", "pows", "UA", 15)),
             never=(("x", "civilians", "UA", 15),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", PARTS)
def test_parts_are_not_new_figures(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- 4. background

BACKGROUND = cases(
    (
        "month-before",
        Case("en", "In August, the sides exchanged 115 prisoners each.", published="2024-10-02",
             want=(("h", "pows", "UA", 115),), never=(("x", "pows", "UA", 115),)),
        Case("en", "On Sunday, the sides exchanged 115 prisoners each.", published="2024-08-25",
             want=(("x", "pows", "UA", 115),)),
    ),
    (
        "cumulative",
        Case("en", "Since 2022, 4,757 Ukrainians have come home from captivity.",
             want=(("h", "pows", "UA", 4757),), never=(("x", "pows", "UA", 4757),)),
        Case("en", "On Thursday, 475 Ukrainians came home from captivity.",
             want=(("x", "pows", "UA", 475),)),
    ),
    (
        "running-total",
        Case("en", "Russia handed over 909 bodies on Monday, raising the total to 4,120.",
             want=(("x", "remains", "UA", 909), ("h", "remains", "UA", 4120)),
             never=(("x", "remains", "UA", 4120),)),
        Case("en", "Russia handed over 909 bodies on Monday.",
             want=(("x", "remains", "UA", 909),)),
    ),
    (
        "last-year",
        Case("uk", "Торік сторони обміняли по 115 полонених.",
             want=(("h", "pows", "UA", 115),), never=(("x", "pows", "UA", 115),)),
        Case("uk", "Сьогодні сторони обміняли по 115 полонених.",
             want=(("x", "pows", "UA", 115),)),
    ),
    (
        "since-the-war-began",
        Case("uk", "З початку повномасштабної війни з полону повернулися 4757 українців.",
             want=(("h", "pows", "UA", 4757),), never=(("x", "pows", "UA", 4757),)),
        Case("uk", "Сьогодні з полону повернулися 475 українців.",
             want=(("x", "pows", "UA", 475),)),
    ),
    (
        "the-previous-swap",
        Case("ru", "В ходе предыдущего обмена стороны передали друг другу по 115 пленных.",
             want=(("h", "pows", "UA", 115),), never=(("x", "pows", "UA", 115),)),
        Case("ru", "Сегодня стороны передали друг другу по 115 пленных.",
             want=(("x", "pows", "UA", 115),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", BACKGROUND)
def test_background_is_not_news(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- 5. suspensions, commitments

STATES = cases(
    (
        "suspended-vs-resumed",
        Case("en", "Prisoner exchanges between the two countries have been suspended.",
             want=(("s", "pows"),)),
        Case("en", "Prisoner exchanges between the two countries have resumed.",
             never=(("s", "pows"),)),
    ),
    (
        "postponed-handover",
        Case("en", "Kyiv postponed the handover of the bodies, Moscow said on Saturday.",
             want=(("s", "remains"),)),
        Case("en", "Kyiv completed the handover of the bodies, Moscow said on Saturday.",
             never=(("s", "remains"),)),
    ),
    (
        "agreed-vs-offered",
        Case("en", "At the talks the delegations agreed to return 6,000 bodies to each side.",
             want=(("c", "remains", 6000),)),
        Case("en", "Moscow offered to return 6,000 bodies.", never=(("c", "remains", 6000),)),
    ),
    (
        "suspended-vs-resumed",
        Case("uk", "Обміни полоненими призупинено.", want=(("s", "pows"),)),
        Case("uk", "Обміни полоненими відновлено.", never=(("s", "pows"),)),
    ),
    (
        "agreed-vs-offered",
        Case("uk", "Делегації домовилися про повернення 6000 тіл кожній стороні.",
             want=(("c", "remains", 6000),)),
        Case("uk", "Росія запропонувала повернути 6000 тіл.", never=(("c", "remains", 6000),)),
    ),
    (
        "suspended-vs-resumed",
        Case("ru", "Обмены пленными приостановлены.", want=(("s", "pows"),)),
        Case("ru", "Обмены пленными возобновлены.", never=(("s", "pows"),)),
    ),
    (
        "agreed-vs-offered",
        Case("ru", "Делегации договорились о передаче 6000 тел каждой стороне.",
             want=(("c", "remains", 6000),)),
        Case("ru", "Россия предложила передать 6000 тел.", never=(("c", "remains", 6000),)),
    ),
    (
        "delaying-the-repatriation",
        Case("en", "Moscow accused Kyiv on Monday of delaying the repatriation of the bodies of "
             "fallen Ukrainian soldiers.", want=(("s", "remains"),), never=(("s", "pows"),)),
        Case("en", "Moscow accused Kyiv on Monday of exaggerating the number of the bodies of "
             "fallen Ukrainian soldiers.", never=(("s", "remains"), ("s", "pows"))),
    ),
    (
        "peace-efforts-stalled",
        Case("en", "Prisoner swaps have continued even as peace efforts stalled, officials said.",
             never=(("s", "pows"),)),
        Case("en", "Prisoner swaps have stalled even as peace efforts continued, officials said.",
             want=(("s", "pows"),)),
    ),
    (
        "accused-of-blocking",
        Case("en", "Kyiv accused Moscow on Monday of blocking prisoner exchanges for weeks.",
             want=(("s", "pows"),)),
        Case("en", "Kyiv accused Moscow on Monday of blocking Red Cross visits to prisoners "
             "for weeks.", never=(("s", "pows"),)),
    ),
    (
        "accused-of-blocking",
        Case("uk", "Омбудсман заявив, що Росія вже третій тиждень блокує обміни полоненими.",
             want=(("s", "pows"),)),
        Case("uk", "Омбудсман заявив, що Росія вже третій тиждень блокує доступ до полонених.",
             never=(("s", "pows"),)),
    ),
    (
        "drags-out-the-process",
        Case("uk", "За словами омбудсмана, російська сторона затягує процес обмінів полоненими.",
             want=(("s", "pows"),)),
        Case("uk", "За словами омбудсмана, російська сторона затягує процес розслідування "
             "щодо полонених.", never=(("s", "pows"),)),
    ),
    (
        "postponed-bodies-waiting",
        Case("ru", "Киев отложил прием тел погибших военных. Грузовики с телами 900 "
             "украинских военных находились у места передачи. Прием переносится на "
             "неопределенный срок.", want=(("s", "remains"), ("p", "exchange_suspended")),
             never=(("x", "remains", "UA", 900), ("s", "pows"))),
        Case("ru", "Киев принял тела погибших военных. На месте передачи Украине передали "
             "тела 900 украинских военных.", want=(("x", "remains", "UA", 900),),
             never=(("s", "remains"),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", STATES)
def test_suspensions_and_commitments(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- 6. talks versus exchange

TALKS = cases(
    (
        "captured-at-the-front-vs-swapped",
        Case("en", "Ukrainian paratroopers took 11 Russian soldiers prisoner near Lyman this "
             "week. \"They will go to the exchange fund, so that more of our defenders can come "
             "home,\" a spokesman said.",
             title="Ukrainian paratroopers capture 11 Russian soldiers",
             want=(("p", "other_war"),), never=(("p", "pow_exchange"),)),
        Case("en", "Ukraine brought home 11 soldiers from Russian captivity this week. \"More of "
             "our defenders came home,\" a spokesman said.",
             title="Ukraine brings home 11 soldiers", want=(("p", "pow_exchange"),)),
    ),
    (
        "captured-at-the-front-vs-swapped",
        Case("uk", "Десантники взяли в полон 9 російських штурмовиків біля Куп'янська. "
             "Кожен полонений — це шанс повернути наших захисників. Полонені поповнять "
             "обмінний фонд.", title="Десантники взяли в полон 9 окупантів",
             want=(("p", "other_war"),), never=(("p", "pow_exchange"),)),
        Case("uk", "Україна повернула з полону 9 захисників. Кожен обмін — це шанс повернути "
             "наших захисників.", title="Україна повернула з полону 9 захисників",
             want=(("p", "pow_exchange"), ("x", "pows", "UA", 9))),
    ),
    (
        "captured-at-the-front-vs-swapped",
        Case("ru", "Бойцы взяли в плен 9 украинских военных под Купянском. Пленные пополнят "
             "обменный фонд, чтобы вернуть наших ребят.", title="Бойцы взяли в плен 9 военных ВСУ",
             want=(("p", "other_war"),), never=(("p", "pow_exchange"),)),
        Case("ru", "Из украинского плена вернули 9 российских военных.",
             title="Из плена вернули 9 российских военных",
             want=(("p", "pow_exchange"), ("x", "pows", "RU", 9))),
    ),
    (
        "talks-vs-swap",
        Case("en", "The delegations met in Istanbul and agreed on a new prisoner swap of "
             "1,000 for 1,000.", title="Russia and Ukraine agree on a new prisoner swap",
             want=(("p", "negotiation"),)),
        Case("en", "Russia and Ukraine swapped 1,000 prisoners each on Friday under a deal "
             "agreed in Istanbul.", title="Russia and Ukraine swap 1,000 prisoners each",
             want=(("p", "pow_exchange"),)),
    ),
    (
        "talks-vs-swap",
        Case("uk", "Делегації зустрілися у Стамбулі й домовилися про новий обмін 1000 на 1000.",
             title="Україна і Росія домовилися про обмін полоненими",
             want=(("p", "negotiation"),)),
        Case("uk", "Україна і Росія провели обмін полоненими 1000 на 1000 за домовленістю, "
             "досягнутою у Стамбулі.", title="Україна і Росія провели обмін полоненими",
             want=(("p", "pow_exchange"),)),
    ),
    (
        "talks-vs-swap",
        Case("ru", "Делегации встретились в Стамбуле и договорились о новом обмене 1000 на 1000.",
             title="Россия и Украина договорились об обмене пленными",
             want=(("p", "negotiation"),)),
        Case("ru", "Россия и Украина провели обмен пленными 1000 на 1000 по договоренности, "
             "достигнутой в Стамбуле.", title="Россия и Украина провели обмен пленными",
             want=(("p", "pow_exchange"),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", TALKS)
def test_talks_versus_exchange(case: Case) -> None:
    check(case)


# ---------------------------------------------------------------- more ways of telling

VARIED = cases(
    (
        "freed-in-return",
        Case("en", "Kyiv freed 95 Russian servicemen. In return, Moscow released 103 "
             "Ukrainian defenders, officials said.",
             want=(("x", "pows", "RU", 95), ("x", "pows", "UA", 103))),
        Case("en", "Kyiv said Moscow might free 103 Ukrainian defenders in return for 95 "
             "Russian servicemen.", never=(("x", "pows", "UA", 103),)),
    ),
    (
        "welcomed-back-words",
        Case("en", "Ukraine welcomed back one hundred and fifty soldiers from Russian "
             "captivity on Wednesday.", want=(("x", "pows", "UA", 150),)),
        Case("en", "Ukraine hopes to welcome back one hundred and fifty soldiers from Russian "
             "captivity soon.", never=(("x", "pows", "UA", 150),)),
    ),
    (
        "according-to-the-ministry",
        Case("en", "According to Russia's defence ministry, 96 Russian servicemen were "
             "returned from territory controlled by Kyiv.", want=(("x", "pows", "RU", 96),)),
        Case("en", "According to Russia's defence ministry, 96 Russian servicemen remain in "
             "Ukrainian captivity.", never=(("x", "pows", "RU", 96),)),
    ),
    (
        "repatriated-remains",
        Case("en", "The remains of 1,000 fallen defenders were repatriated to Ukraine, the "
             "coordination headquarters said.", want=(("x", "remains", "UA", 1000),)),
        Case("en", "The remains of 1,000 fallen defenders are still held in Russia, the "
             "coordination headquarters said.", never=(("x", "remains", "UA", 1000),)),
    ),
    (
        "passive-was-returned",
        Case("uk", "Сьогодні в Україну було повернуто 157 військових і 7 цивільних.",
             want=(("x", "pows", "UA", 157), ("x", "civilians", "UA", 7))),
        Case("uk", "В Україну планують повернути 157 військових і 7 цивільних.",
             never=(("x", "pows", "UA", 157),)),
    ),
    (
        "managed-to-return",
        Case("uk", "Вдалося повернути додому тіла 909 полеглих захисників.",
             want=(("x", "remains", "UA", 909),)),
        Case("uk", "Росія досі утримує тіла 909 полеглих захисників.",
             never=(("x", "remains", "UA", 909),)),
    ),
    (
        "freed-from-captivity",
        Case("uk", "З російського полону звільнили п'ятьох цивільних.",
             want=(("x", "civilians", "UA", 5),)),
        Case("uk", "У російському полоні досі перебувають п'ятеро цивільних.",
             never=(("x", "civilians", "UA", 5),)),
    ),
    (
        "passive-were-returned",
        Case("ru", "Из плена были возвращены 96 российских военнослужащих.",
             want=(("x", "pows", "RU", 96),)),
        Case("ru", "В плену остаются 96 российских военнослужащих.",
             never=(("x", "pows", "RU", 96),)),
    ),
    (
        "managed-to-free",
        Case("ru", "Удалось освободить из украинского плена 146 российских бойцов.",
             want=(("x", "pows", "RU", 146),)),
        Case("ru", "Удастся ли освободить из украинского плена 146 российских бойцов, пока "
             "неизвестно.", never=(("x", "pows", "RU", 146),)),
    ),
    (
        "crossed-back",
        Case("en", "Ukraine and Russia swapped civilians. Twenty-six Ukrainian civilians crossed "
             "back into Ukraine on Tuesday, the ombudsman said.",
             want=(("x", "civilians", "UA", 26),)),
        Case("en", "Ukraine and Russia swapped civilians. Twenty-six Ukrainian civilians crossed "
             "the front line during the fighting in 2022, the ombudsman said.",
             never=(("x", "civilians", "UA", 26),)),
    ),
    (
        "a-mediators-running-total",
        Case("en", "Russia and Ukraine swapped 95 prisoners each on Monday. The UAE said it had "
             "mediated the swap, bringing the total number of captives exchanged between the "
             "two countries with its help to 3,180.", want=(("h", "pows", None, 3180),),
             never=(("h", "pows", "UA", 3180), ("x", "pows", None, 3180))),
        Case("en", "Russia and Ukraine swapped 95 prisoners each on Monday. The UAE said it had "
             "mediated the swap, bringing the total number of Ukrainians freed with its help "
             "to 3,180.", want=(("h", "pows", "UA", 3180),),
             never=(("h", "pows", None, 3180),)),
    ),
    (
        "abbreviated-month",
        Case("en", "The last swap of prisoners, on Oct. 12, returned 84 captives to each side.",
             published="2025-12-01", want=(("h", "pows", "UA", 84),),
             never=(("h", "pows", "UA", 12), ("x", "pows", "UA", 12))),
        Case("en", "The last swap of prisoners, in October, returned 12 captives to each side.",
             published="2025-12-01", want=(("h", "pows", "UA", 12),)),
    ),
    (
        "across-the-front-line",
        Case("en", "Since 2022 the remains of more than 9,000 people have been returned "
             "across the front line, the Red Cross said.", want=(("h", "remains", None, 9000),),
             never=(("h", "remains", "UA", 9000), ("h", "remains", "RU", 9000))),
        Case("en", "Since 2022 the remains of more than 9,000 people have been returned to "
             "Ukraine, the Red Cross said.", want=(("h", "remains", "UA", 9000),)),
    ),
)  # fmt: skip


EVENING = cases(
    (
        "exchange-fund-is-not-a-swap",
        Case("en", "Kyiv said the 60 Russian soldiers captured near the border on Monday will "
             "replenish the exchange fund.", never=(("x", "pows", "RU", 60),)),
        Case("en", "Kyiv said 60 Russian soldiers were returned to Russia in an exchange on "
             "Monday.", want=(("x", "pows", "RU", 60),)),
    ),
    (
        "counting-on-a-release",
        Case("en", "\"We are counting on the release of 800 Ukrainians,\" the president said.",
             never=(("x", "pows", "UA", 800),)),
        Case("en", "\"We have secured the release of 800 Ukrainians,\" the president said.",
             want=(("x", "pows", "UA", 800),)),
    ),
    (
        "agreed-to-carry-out",
        Case("en", "The delegations agreed in Geneva on Tuesday to carry out an exchange of "
             "prisoners of war, 500 people on each side.", want=(("c", "pows", 500),),
             never=(("x", "pows", "UA", 500), ("x", "pows", "RU", 500))),
        Case("en", "The two sides carried out an exchange of prisoners of war in Geneva on "
             "Tuesday, 500 people on each side.", want=(("x", "pows", "UA", 500),),
             never=(("c", "pows", 500),)),
    ),
    (
        "other-states-only",
        Case("en", "Russia and Western countries exchanged 14 prisoners at Abu Dhabi airport on "
             "Friday, officials said.", title="Moscow and the West trade 14 prisoners",
             want=(("p", "unrelated"),), never=(("x", "pows", None, 14),)),
        Case("en", "Russia and Ukraine exchanged 14 prisoners at Abu Dhabi airport on Friday, "
             "officials said.", title="Moscow and Kyiv trade 14 prisoners",
             want=(("x", "pows", None, 14),)),
    ),
    (
        "nationalities-share-one-head",
        Case("en", "On Monday 212 Ukrainian and 209 Russian soldiers were freed.",
             want=(("x", "pows", "UA", 212), ("x", "pows", "RU", 209))),
        Case("en", "On Monday 212 Ukrainian and 209 Russian drones were launched.",
             never=(("x", "pows", "UA", 212), ("x", "pows", "RU", 209))),
    ),
    (
        "captivity-since-is-not-a-total",
        Case("en", "Kyiv said 140 Ukrainians had come home, many of whom had been in captivity "
             "since 2022.", want=(("x", "pows", "UA", 140),), never=(("h", "pows", "UA", 140),)),
        Case("en", "Kyiv said 140 Ukrainians had come home since 2022.",
             want=(("h", "pows", "UA", 140),), never=(("x", "pows", "UA", 140),)),
    ),
    (
        "talks-on-resuming-are-no-resumption",
        Case("en", "Officials from both countries held talks on resuming prisoner swaps.",
             never=(("r", "pows"),)),
        Case("en", "Prisoner swaps resumed on Friday after a pause of two months.",
             want=(("r", "pows"),)),
    ),
    (
        "sum-of-both-sides-in-total",
        Case("en", "Kyiv said 130 Ukrainians came home and Moscow said 131 Russians returned. "
             "The mediator said 261 captives from both sides were freed in total.",
             want=(("x", "pows", "UA", 130), ("x", "pows", "RU", 131)),
             never=(("h", "pows", None, 261),)),
        Case("en", "Kyiv said 130 Ukrainians came home and Moscow said 131 Russians returned. "
             "The mediator said 2,610 captives from both sides had been freed in total.",
             want=(("h", "pows", None, 2610),)),
    ),
    (
        "carried-to-a-swap-is-not-swapped",
        Case("en", "The bus was carrying 40 Ukrainian prisoners to a swap.",
             never=(("x", "pows", "UA", 40),)),
        Case("en", "The bus brought 40 Ukrainian prisoners home from a swap.",
             want=(("x", "pows", "UA", 40),)),
    ),
    (
        "carried-to-a-swap-is-not-swapped",
        Case("uk", "Літаком перевозили 40 українських полонених на обмін.",
             never=(("x", "pows", "UA", 40),)),
        Case("uk", "Літаком перевезли на батьківщину 40 українських полонених після обміну.",
             want=(("x", "pows", "UA", 40),)),
    ),
    (
        "carried-to-a-swap-is-not-swapped",
        Case("ru", "Автобусом везли 40 украинских пленных на обмен.",
             never=(("x", "pows", "UA", 40),)),
        Case("ru", "В обмен на 40 украинских пленных Россия получила 40 своих военных.",
             want=(("x", "pows", "UA", 40),)),
    ),
    (
        "future-passive-before-the-terms",
        Case("ru", "Стороны договорились, что в ближайшее время будет проведен обмен — пятьсот "
             "на пятьсот.", want=(("c", "pows", 500),), never=(("x", "pows", "UA", 500),)),
        Case("ru", "В субботу был проведен обмен — пятьсот на пятьсот.",
             want=(("x", "pows", "UA", 500),), never=(("c", "pows", 500),)),
    ),
    (
        "the-same-day-is-news",
        Case("ru", "Ранее Минобороны сообщило, что в тот же день из плена вернулись 84 "
             "российских военных.", want=(("x", "pows", "RU", 84),),
             never=(("h", "pows", "RU", 84),)),
        Case("ru", "Ранее Минобороны сообщило, что 2 октября из плена вернулись 84 российских "
             "военных.", want=(("h", "pows", "RU", 84),)),
    ),
    (
        "hundred-in-an-oblique-case",
        Case("uk", "Міноборони Росії заявило про повернення ста п'ятдесяти російських "
             "військових.", want=(("x", "pows", "RU", 150),), never=(("x", "pows", "RU", 50),)),
        Case("uk", "Міноборони Росії заявило про повернення п'ятдесяти російських військових.",
             want=(("x", "pows", "RU", 50),)),
    ),
    (
        "a-part-does-not-set-the-kind",
        Case("uk", "Вчора додому повернулися 120 українців, серед них цивільні.",
             want=(("x", "pows", "UA", 120),), never=(("x", "civilians", "UA", 120),)),
        Case("uk", "Вчора додому повернулися 120 цивільних українців.",
             want=(("x", "civilians", "UA", 120),)),
    ),
    (
        "a-gapped-clause-takes-its-own-subject",
        Case("uk", "Україна повернула 310 своїх громадян, а Росія — 312 військових.",
             want=(("x", "pows", "UA", 310), ("x", "pows", "RU", 312))),
        Case("uk", "Україна повернула 310 своїх громадян і 312 військових.",
             want=(("x", "pows", "UA", 312),), never=(("x", "pows", "RU", 312),)),
    ),
    (
        "a-swap-that-would-involve",
        Case("en", "The negotiator said the new swap would involve 700 prisoners on each side.",
             never=(("x", "pows", "UA", 700), ("x", "pows", "RU", 700))),
        Case("en", "The negotiator said the new swap involved 700 prisoners on each side.",
             want=(("x", "pows", "UA", 700), ("x", "pows", "RU", 700))),
    ),
    (
        "parts-of-each-sides-figure",
        Case("en", "On Friday, 390 people were freed by each side - 270 soldiers and 120 "
             "civilians.", want=(("x", "pows", "UA", 270), ("x", "civilians", "RU", 120)),
             never=(("x", "pows", "UA", 390), ("x", "pows", None, 270))),
        Case("en", "On Friday, 390 people were freed by each side.",
             want=(("x", "pows", "UA", 390), ("x", "pows", "RU", 390))),
    ),
    (
        "coordinated-figures-share-a-side",
        Case("en", "Moscow said 185 Russian servicemen and 20 civilians were returned from "
             "Ukrainian-held territory.", want=(("x", "civilians", "RU", 20),),
             never=(("x", "civilians", "UA", 20),)),
        Case("en", "Kyiv said 185 Ukrainian soldiers and 20 Russian civilians were freed.",
             want=(("x", "civilians", "RU", 20),), never=(("x", "civilians", "UA", 20),)),
    ),
    (
        "the-same-number-of-each-kind",
        Case("en", "Moscow said 185 Russian servicemen and 20 civilians were returned, and in "
             "exchange Kyiv received the same number of Ukrainian prisoners of war and "
             "civilians.", want=(("x", "pows", "UA", 185), ("x", "civilians", "UA", 20)),
             never=(("x", "pows", "UA", 20),)),
        Case("en", "Moscow said 185 Russian servicemen were returned, and in exchange Kyiv "
             "received the same number of Ukrainian prisoners of war.",
             want=(("x", "pows", "UA", 185),), never=(("x", "civilians", "UA", 185),)),
    ),
    (
        "the-same-amount",
        Case("ru", "Из плена вернулись 185 российских военнослужащих, взамен Украине передано "
             "такое же количество военнопленных ВСУ.",
             want=(("x", "pows", "RU", 185), ("x", "pows", "UA", 185))),
        Case("ru", "Из плена вернулись 185 российских военнослужащих, взамен Украине переданы "
             "военнопленные ВСУ.", want=(("x", "pows", "RU", 185),),
             never=(("x", "pows", "UA", 185),)),
    ),
    (
        "the-same-amount",
        Case("uk", "З полону повернулися 185 українських військових, натомість Росії передали "
             "таку ж кількість російських полонених.",
             want=(("x", "pows", "UA", 185), ("x", "pows", "RU", 185))),
        Case("uk", "З полону повернулися 185 українських військових, натомість Росії передали "
             "російських полонених.", want=(("x", "pows", "UA", 185),),
             never=(("x", "pows", "RU", 185),)),
    ),
    (
        "a-planned-swap-that-did-not-take-place",
        Case("uk", "Обмін полоненими між Україною та Росією, запланований на сьогодні, не "
             "відбувся.", want=(("s", "pows"),)),
        Case("uk", "Обмін полоненими між Україною та Росією, запланований на сьогодні, "
             "відбувся.", never=(("s", "pows"),)),
    ),
    (
        "a-planned-swap-that-did-not-take-place",
        Case("ru", "Обмен пленными между Россией и Украиной, который планировался на среду, не "
             "состоялся.", want=(("s", "pows"),)),
        Case("ru", "Обмен пленными между Россией и Украиной, который планировался на среду, "
             "состоялся.", never=(("s", "pows"),)),
    ),
    (
        "the-largest-since-is-no-total",
        Case("uk", "Сьогодні відбувся наймасштабніший від початку вторгнення обмін: Україна "
             "повернула 230 своїх громадян.", published="2024-01-03",
             want=(("x", "pows", "UA", 230),), never=(("h", "pows", "UA", 230),)),
        Case("uk", "Загалом від початку вторгнення Україна повернула 230 своїх громадян.",
             published="2024-01-03", want=(("h", "pows", "UA", 230),),
             never=(("x", "pows", "UA", 230),)),
    ),
    (
        "the-last-swap-of-the-year-is-news",
        Case("en", "Our people are home: 189 Ukrainians freed in the last exchange of the year.",
             published="2024-12-30", want=(("x", "pows", "UA", 189),),
             never=(("h", "pows", "UA", 189),)),
        Case("en", "In the last exchange, 189 Ukrainians were freed.", published="2024-12-30",
             want=(("h", "pows", "UA", 189),), never=(("x", "pows", "UA", 189),)),
    ),
    (
        "citizens-from-captivity-are-prisoners",
        Case("en", "Ukraine has brought home 140 of its citizens from Russian captivity.",
             want=(("x", "pows", "UA", 140),), never=(("x", "civilians", "UA", 140),)),
        Case("en", "Russia says Ukraine has handed over 40 Russian citizens who were taken to "
             "Sumy during the incursion.", want=(("x", "civilians", "RU", 40),),
             never=(("x", "pows", "RU", 40),)),
    ),
    (
        "parts-after-a-dash-take-the-side-of-the-whole",
        Case("en", "Ukraine said 130 of its people had been freed - 121 servicemen and nine "
             "civilians.", want=(("x", "pows", "UA", 121), ("x", "civilians", "UA", 9)),
             never=(("x", "pows", "RU", 121),)),
        Case("en", "Ukraine said 130 of its people had been freed; 121 servicemen were handed "
             "over to Russia.", want=(("x", "pows", "RU", 121),),
             never=(("x", "pows", "UA", 121),)),
    ),
    (
        "a-figure-whose-noun-came-before",
        Case("en", "Kyiv says 19,500 children were deported, and that just over 1,200 have so "
             "far been brought back.", want=(("h", "civilians", "UA", 1200),)),
        Case("en", "Kyiv says 19,500 children were deported, and that just over 1,200 have so "
             "far been identified.", never=(("h", "civilians", "UA", 1200),)),
    ),
    (
        "a-relative-clause-keeps-its-time",
        Case("en", "Medinsky, who led the delegation in Istanbul earlier this year, said Russia "
             "had received the bodies of 24 servicemen.", published="2025-09-18",
             want=(("x", "remains", "RU", 24),), never=(("h", "remains", "RU", 24),)),
        Case("en", "Earlier this year, Medinsky said, Russia received the bodies of 24 "
             "servicemen.", published="2025-09-18", want=(("h", "remains", "RU", 24),),
             never=(("x", "remains", "RU", 24),)),
    ),
    (
        "home-is-the-speakers",
        Case("ru", "Минобороны России сообщило о возвращении 246 российских военнослужащих. "
             "Президент Украины Владимир Зеленский сообщил, что домой вернулись 277 человек.",
             want=(("x", "pows", "UA", 277),), never=(("x", "pows", "RU", 277),)),
        Case("ru", "Минобороны России сообщило о возвращении 246 российских военнослужащих. "
             "Москалькова сообщила, что домой вернулись 46 человек.",
             want=(("x", "pows", "RU", 46),), never=(("x", "pows", "UA", 46),)),
    ),
    (
        "one-sides-sum-of-the-others-figures",
        Case("ru", "Минобороны России сообщило, что Украине передано 246 военнопленных ВСУ. "
             "Кроме того, Украине передан 31 раненый военнопленный. Зеленский сообщил, что "
             "домой вернулись 277 человек.",
             want=(("x", "pows", "UA", 246), ("x", "pows", "UA", 31)),
             never=(("x", "pows", "UA", 277),)),
        Case("ru", "Минобороны России сообщило, что Украине передано 246 военнопленных ВСУ. "
             "Кроме того, Украине передан 31 раненый военнопленный. Зеленский сообщил, что "
             "домой вернулись 280 человек.",
             want=(("x", "pows", "UA", 280),)),
    ),
    (
        "back-to-relatives-in-a-country",
        Case("uk", "Лубінець повідомив, що водночас до своїх родичів у Росії повернулися троє "
             "дітей.", want=(("x", "civilians", "RU", 3),),
             never=(("x", "civilians", "UA", 3),)),
        Case("uk", "Лубінець повідомив, що водночас до своїх родичів в Україні повернулися "
             "троє дітей.", want=(("x", "civilians", "UA", 3),),
             never=(("x", "civilians", "RU", 3),)),
    ),
    (
        "prisoners-for-as-many",
        Case("en", "A further 210 prisoners for 210 were exchanged on Saturday.",
             want=(("x", "pows", "UA", 210), ("x", "pows", "RU", 210))),
        Case("en", "A further 210 prisoners were exchanged on Saturday.",
             want=(("x", "pows", None, 210),), never=(("x", "pows", "UA", 210),)),
    ),
    (
        "a-bare-figure-after-a-verb-counts-the-same",
        Case("uk", "20 листопада Україні передали ще 1000 тіл загиблих, а Росія отримала 30.",
             published="2025-11-25",
             want=(("x", "remains", "UA", 1000), ("x", "remains", "RU", 30))),
        Case("uk", "20 листопада Україні передали ще 1000 тіл загиблих, а Росія отримала 30 "
             "листів.", published="2025-11-25", want=(("x", "remains", "UA", 1000),),
             never=(("x", "remains", "RU", 30),)),
    ),
    (
        "a-subject-before-a-colon-is-another-clauses",
        Case("uk", "Росія штучно гальмує обміни полоненими: відтоді як 2 жовтня з неволі "
             "повернулися 185 військових, жодного обміну не відбулося.",
             published="2025-11-25", want=(("h", "pows", "UA", 185),),
             never=(("h", "pows", "RU", 185),)),
        Case("uk", "Відтоді як 2 жовтня Росія повернула 185 своїх військових, жодного обміну не "
             "відбулося.", published="2025-11-25", want=(("h", "pows", "RU", 185),),
             never=(("h", "pows", "UA", 185),)),
    ),
)  # fmt: skip


@pytest.mark.parametrize("case", EVENING)
def test_ways_of_telling_from_the_evening_batches(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("case", VARIED)
def test_more_ways_of_telling(case: Case) -> None:
    check(case)


def test_one_deal_read_twice_keeps_the_venue_it_names() -> None:
    """The terms of a deal in the lead (with its venue) and again in a quote (whose venue can
    only be looked for elsewhere, where a background paragraph names an older round) are one
    commitment, with the lead's agreement; the twin names two deals with their own terms."""
    lead = (
        "Україна та Росія за підсумками переговорів у Женеві домовилися про обмін полоненими "
        "– 500 на 500. «Ми домовилися про обмін – 500 на 500», – сказав Умєров. Нагадаємо, "
        "у травні за підсумками переговорів у Стамбулі відбувся обмін «1000 на 1000»."
    )
    got = [
        (f.count, f.agreement)
        for f in read(Case("uk", lead, published="2026-02-18")).facts
        if isinstance(f, CommitmentFact)
    ]
    assert got == [(500, "geneva-2026-02")], got
    twin = (
        "Україна та Росія за підсумками переговорів у Женеві домовилися про обмін полоненими "
        "– 500 на 500. Раніше у Стамбулі сторони домовилися про обмін «1200 на 1200»."
    )
    got = [
        (f.count, f.agreement)
        for f in read(Case("uk", twin, published="2026-02-18")).facts
        if isinstance(f, CommitmentFact)
    ]
    assert (500, "geneva-2026-02") in got and any(count == 1200 for count, _ in got), got
