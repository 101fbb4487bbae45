"""Throughput of the news reader against a trivial baseline, and one adversarial body.

    python bench/bench_reader.py [--lang en] [--seconds 3]

Per item, the reader's path is: orjson parse of the NewsItem JSON, pydantic validation, read.
The baseline, timed in the same run on the same items: orjson parse plus one pass of one
compiled regex (`\\d+` findall) over the body. Prints items per second per core (one process,
one thread) and the ratio. Then times one 1 MB adversarial body (digit runs, commas, spaces,
repeated keywords, no sentence ends) and reports that it finished and how long it took.

The articles are composed here from sentences written for this benchmark (about 3 KB each):
exchange reports with background, strikes, talks, and items unrelated to the war. Other
languages add their texts to ARTICLES under their code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.reader import classify
from schemas.news import NewsItem

_EXCHANGE = [
    "Ukraine received {a} prisoners of war on {day}, the Coordination Headquarters said.",
    "Russia said it had received {b} of its servicemen in return.",
    "The exchange was mediated by the United Arab Emirates, officials in Kyiv said.",
    "Among those freed were soldiers who had defended Mariupol and members of the National Guard.",
    "Many of them had been held in captivity for more than two years, relatives said.",
    "Since 2022, more than {total} Ukrainians have been freed from Russian captivity.",
    "The bodies of {c} fallen soldiers were also returned to Ukraine during the week.",
    "Moscow received {d} bodies of its servicemen, the Russian defence ministry said.",
    "Forensic experts will now work to identify the dead, a process that can take months.",
    "The previous exchange, in {month}, had been the first in several weeks.",
]
_BACKGROUND = [
    "Russian forces continued to press their offensive in the Donetsk region overnight.",
    "Air defences shot down {x} of the {y} drones launched at Ukraine, the air force said.",
    "A missile strike on Kharkiv damaged a school and injured {z} people, the mayor said.",
    "Energy workers restored power to most households after an attack on a substation.",
    "European leaders met in Brussels to discuss further military aid for Kyiv.",
    "The talks between the delegations are expected to resume later this month.",
    "Prices for heating rose by {p}% compared with last winter, the statistics office said.",
    "Officials said that the next round of negotiations could take place in Istanbul.",
    "Lawmakers in Kyiv debated a bill on mobilisation that has divided the parliament.",
    "The governor said {q} residents had been evacuated from villages near the border.",
]
_UNRELATED = [
    "The central bank raised its key interest rate by half a point to {r}%.",
    "Analysts had expected a smaller increase after inflation slowed in the spring.",
    "Heavy rain is forecast for the coast on {day}, with winds of up to {s} km an hour.",
    "The football club announced the signing of a new striker for an undisclosed fee.",
    "Shares in technology companies fell sharply in early trading on {day}.",
    "The museum will reopen in {month} after a two-year renovation, the city council said.",
    "Tourist numbers reached {t} in the summer, the highest figure in a decade.",
    "The company said it would cut {u} jobs as part of a restructuring plan.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = ["January 2025", "March 2025", "June 2025", "October 2025", "November 2023"]


def _fill(s: str, rnd: random.Random) -> str:
    return s.format(
        a=rnd.choice([84, 95, 150, 205, 1000]), b=rnd.choice([84, 95, 150, 205]),
        c=rnd.choice([757, 909, 1000, 1212]), d=rnd.choice([26, 30, 38, 41]),
        total=rnd.choice(["4,757", "6,000", "8,050"]), day=rnd.choice(_DAYS),
        month=rnd.choice(_MONTHS), x=rnd.randint(20, 90), y=rnd.randint(91, 200),
        z=rnd.randint(2, 40), p=rnd.randint(5, 30), q=rnd.randint(100, 900),
        r=rnd.choice(["5.75", "9.5", "21"]), s=rnd.randint(40, 120),
        t=f"{rnd.randint(1, 9)},{rnd.randint(100, 999)},000", u=rnd.randint(200, 5000),
    )  # fmt: skip


def _article(rnd: random.Random, kind: str, size: int = 3000) -> tuple[str, str]:
    pools = {
        "exchange": [_EXCHANGE, _BACKGROUND],
        "war": [_BACKGROUND],
        "unrelated": [_UNRELATED],
    }[kind]
    title = {
        "exchange": "Ukraine and Russia swap prisoners and bodies of fallen soldiers",
        "war": "Russian drones and missiles strike Ukrainian cities overnight",
        "unrelated": "Central bank raises rates as inflation stays high",
    }[kind]
    paras: list[str] = []
    length = 0
    while length < size:
        pool = rnd.choice(pools)
        para = " ".join(_fill(rnd.choice(pool), rnd) for _ in range(rnd.randint(2, 4)))
        paras.append(para)
        length += len(para) + 2
    return title, "\n\n".join(paras)[:size]


ARTICLES: dict[str, Callable[..., list[dict[str, object]]]] = {}


KINDS = ("exchange", "war", "unrelated")


def english_items(n: int, kinds: tuple[str, ...] = KINDS) -> list[dict[str, object]]:
    """`n` articles, the kinds in turn: exchange reports (about half their sentences tell of
    exchanges, with figures), strikes and war news, news unrelated to the war."""
    rnd = random.Random(7)
    out: list[dict[str, object]] = []
    for i in range(n):
        title, body = _article(rnd, kinds[i % len(kinds)])
        out.append(
            {
                "id": f"bench-{i}",
                "source": "bench",
                "published_at": "2025-10-17T12:00:00+00:00",
                "title": title,
                "body": body,
                "lang": "en",
            }
        )
    return out


ARTICLES["en"] = english_items


def adversarial_body(size: int = 1_000_000) -> str:
    """Digit runs, commas, spaces, repeated keywords, no sentence end."""
    parts = [
        "1" * 5000,
        ", " * 3000,
        " " * 5000,
        "prisoners exchange bodies returned to Ukraine 1,000 for 1,000 " * 300,
        "1,000,000,000,000 " * 400,
        "on Friday on Friday since since 2022 " * 300,
        "swap swap swap swap 12 12 12 12 " * 400,
        "1 000 000 000 " * 500,
        "a a a a thousand thousand hundred " * 300,
        "-" * 3000,
        "'" * 2000,
    ]
    body = "".join(parts)
    while len(body) < size:
        body += body
    return body[:size]


def _time(fn: Callable[[], None], seconds: float) -> tuple[int, float]:
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        fn()
        n += 1
        if time.perf_counter() >= deadline:
            return n, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lang", default="en", choices=sorted(ARTICLES))
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args(argv)

    make = ARTICLES[args.lang]
    digits = re.compile(r"\d+")

    def measure(raw: list[bytes]) -> tuple[float, float]:
        def reader_pass() -> None:
            for r in raw:
                classify(NewsItem.model_validate(orjson.loads(r)))

        def baseline_pass() -> None:
            for r in raw:
                digits.findall(orjson.loads(r)["body"])

        reader_pass()  # warm up (imports, caches)
        n_r, t_r = _time(reader_pass, args.seconds)
        n_b, t_b = _time(baseline_pass, args.seconds / 3)
        return t_r / (n_r * len(raw)), t_b / (n_b * len(raw))

    print(f"lang {args.lang}, one process, one thread")
    print(
        f"{'articles':<22}{'body':>7}{'reader/s':>10}{'us/item':>9}{'baseline/s':>12}{'ratio':>7}"
    )
    for label, kinds in (("mixed (1/3 each)", KINDS), *((k, (k,)) for k in KINDS)):
        raw = [orjson.dumps(d) for d in make(args.items, kinds)]
        avg = sum(len(orjson.loads(r)["body"]) for r in raw) / len(raw)
        per_r, per_b = measure(raw)
        print(
            f"{label:<22}{avg:>7.0f}{1 / per_r:>10.0f}{per_r * 1e6:>9.0f}{1 / per_b:>12.0f}"
            f"{per_r / per_b:>6.1f}x"
        )

    body = adversarial_body()
    item = NewsItem(
        id="adversarial",
        source="bench",
        published_at=dt.datetime(2025, 10, 17, 12, tzinfo=dt.UTC),
        title="prisoners " * 50,
        body=body[:100_000],
        lang=args.lang,
    )
    start = time.perf_counter()
    out = classify(item)
    took = time.perf_counter() - start
    print(
        f"adversarial body ({len(item.body):,} chars, the NewsItem maximum): finished in "
        f"{took * 1000:.0f} ms, primary {out.primary}, {len(out.facts)} facts"
    )
    big = item.model_construct(**{**item.__dict__, "body": body})  # 1 MB, past the schema
    start = time.perf_counter()
    out = classify(big)
    took = time.perf_counter() - start
    print(
        f"adversarial body ({len(body):,} chars, unvalidated): finished in {took * 1000:.0f} ms,"
        f" primary {out.primary}, {len(out.facts)} facts"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
