"""Suspensions, resumptions and commitments in Ukrainian and Russian text; agreement slugs,
sources (claimed_by) and mediators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from agents.reader.shared.agreements import resolve_agreement
from agents.reader.slavic.dates import find_date, find_since
from agents.reader.slavic.figures import BOUNDARY, NOUN_ENDINGS, formulas
from agents.reader.slavic.lexicon import (
    AGREE,
    AGREEN,
    CAPT,
    CIV,
    CONJ,
    DEAD,
    DIR,
    DONE,
    EXOBJ,
    GET,
    GIVE,
    LIST,
    MIL,
    MODAL,
    OFFER,
    ONGOING,
    PEOPLE,
    POW,
    PREP,
    REM,
    RESUME,
    RET,
    SRC,
    SUSP,
    XCH,
)
from agents.reader.slavic.numbers import find_numbers
from agents.reader.slavic.tokens import Sentence
from schemas.common import Category, Kind, Mediator

_CATEGORIES: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (
        "severely_injured",
        (
            "важкопоранен",
            "тяжелоранен",
            "тяжело ранен",
            "важко поранен",
            "тяжкопоранен",
            "тяжкоранен",
        ),
    ),
    ("ill", ("важкохвор", "тяжелобольн", "тяжело больн", "важко хвор", "хворих", "больных")),
    ("under_25", ("до 25", "молодше 25", "младше 25", "молодших за 25", "25 років", "25 лет")),
)
_ROUNDS = (
    (
        1,
        (
            "першого раунду",
            "первого раунда",
            "перших стамбульськ",
            "первых стамбульск",
            "першими домовленостями",
            "першими стамбульськ",
            "первыми договорен",
            "первыми стамбульск",
            "першому раунді",
            "первом раунде",
        ),
    ),
    (
        2,
        (
            "другого раунду",
            "второго раунда",
            "других стамбульськ",
            "вторых стамбульск",
            "другими стамбульськ",
            "вторыми стамбульск",
            "другому раунді",
            "втором раунде",
        ),
    ),
    (
        3,
        (
            "третього раунду",
            "третьего раунда",
            "третьому раунді",
            "третьем раунде",
            "третіх стамбульськ",
            "третьих стамбульск",
        ),
    ),
)
_GENEVA = re.compile(r"женев")
_MEDIATORS: tuple[tuple[Mediator, tuple[str, ...]], ...] = (
    ("TR", ("туреччин", "турці", "турци", "турецьк", "турецк", "ердоган", "эрдоган")),
    ("AE", ("оае", "оаэ", "емірат", "эмират")),
    ("US", ("сша", "трамп", "віткофф", "уиткофф", "американськ", "американск")),
    ("QA", ("катар",)),
    ("SA", ("саудів", "саудов")),
    ("VA", ("ватикан",)),
)
_MEDIATION = (
    "посередн",
    "посредни",
    "посредн",
    "сприян",
    "содейств",
    "за участі",
    "при участии",
    "за підтримки",
    "при поддержке",
)
_MEDIATION_RE = re.compile("|".join(_MEDIATION))
_EACH = (
    "кожна сторона",
    "каждая сторона",
    "з кожного боку",
    "с каждой стороны",
    "кожній стороні",
    "каждой стороне",
    "each side",
)
_ANCHOR_NOUNS = ("репатр", "передач", "повернен", "возвращени", "прийом", "прием")
_NEGATED = ("відбува", "відбул", "відбув", "происход", "провод", "було", "было", "состо")


@dataclass(slots=True)
class Halt:
    kind: Kind
    resumed: bool


def sentence_kind(sf: int) -> Kind:
    if sf & REM:
        return "remains"
    if sf & CIV and not sf & (POW | MIL):
        return "civilians"
    return "pows"


def agreement(
    low: str,
    tokens: list[str],
    flags: list[int],
    kind: Kind | None,
    count: int | None,
    ref: dt.date | None,
    categories: Sequence[Category] = (),
) -> str | None:
    """Slug of an agreement named in `low` (Istanbul 2025 rounds, Geneva 2026), resolved by
    `shared.agreements.resolve_agreement` from the round, month and figures the text gives."""
    if "стамбул" in low or "istanbul" in low:
        place = "istanbul"
    elif any("конвенц" not in low[m.start() : m.start() + 30] for m in _GENEVA.finditer(low)):
        place = "geneva"
    else:
        return None
    round_no = next((n for n, cues in _ROUNDS if any(c in low for c in cues)), None)
    cue = find_date(tokens, flags, ref)
    if cue is not None and cue.value == find_since(tokens, flags, ref):
        cue = None  # "перші з 2022 року переговори": a period's start, not the deal's date
    month = int(cue.value[5:7]) if cue and len(cue.value) >= 7 and cue.value[:4] == "2025" else None
    year = int(cue.value[:4]) if cue and cue.explicit_year else None
    if place == "geneva" and year is None and ref is not None:
        year = ref.year
    if "1000 на 1000" in low or "1 000 на 1 000" in low:
        kind, count = "pows", 1000
    return resolve_agreement(
        place=place,
        year=year,
        month=month,
        round_no=round_no,
        kind=kind,
        count=count,
        categories=categories,
        ref=ref,
    )


def mediators(sentences: list[Sentence]) -> list[Mediator]:
    found: list[Mediator] = []
    for s in sentences:
        if not _MEDIATION_RE.search(s.low):
            continue
        for code, stems in _MEDIATORS:
            if code not in found and any(w.startswith(stems) for w in s.tokens):
                found.append(code)
    return found


_ASIDE_REACH = 12
_AUX = frozenset(["був", "була", "було", "були", "был", "была", "было", "были", "буде", "будет"])


_PROCESS = frozenset(("процес", "процесс", "проведення", "проведение", "хід", "ход"))


def _stalls_something_else(toks: list[str], fl: list[int], a: int, b: int) -> bool:
    """A stall word that stops something else named right after it ("припинити обстріли"):
    after it that is no exchange."""
    stalls = [m for m in range(a, b) if fl[m] & SUSP]
    for m in stalls:
        if m + 2 < len(toks) and toks[m + 1] in _PROCESS:
            m += 1  # "затягує процес обмінів": the process is the exchanges'
        nxt = toks[m + 1] if m + 1 < len(toks) else ""
        nf = fl[m + 1] if m + 1 < len(toks) else 0
        if not nxt[:1].isalpha() or nf & (XCH | PREP | DIR | SRC | CONJ | PEOPLE):
            return False
        if nxt.startswith(_ANCHOR_NOUNS):
            return False
    return bool(stalls)


def _not_held_after(toks: list[str], fl: list[int], comma: int) -> bool:
    """Whether one of the two clauses after the comma at `comma` says "не відбувся" /
    "не состоялся" without naming an exchange of its own."""
    n = len(toks)
    start = comma + 1
    for _ in range(2):
        end = next((m for m in range(start, n) if toks[m] in BOUNDARY), n)
        if any(fl[m] & XCH for m in range(start, end)):
            return False
        if any(
            toks[m] == "не" and m + 1 < end and toks[m + 1].startswith(_NEGATED)
            for m in range(start, end)
        ):
            return True
        if end >= n or toks[end] != ",":
            return False
        start = end + 1
    return False


def _kinds_named(toks: list[str], fl: list[int], a: int, b: int, sf: int) -> list[Kind]:
    """The kinds a stall is said of: bodies and prisoners named in its clause ("репатріацію
    тіл та обмін полоненими": both), else the sentence's kind."""
    found: list[Kind] = []
    for m in range(a, b):
        f = fl[m]
        kind: Kind | None = "remains" if f & (REM | DEAD) else "pows" if f & (POW | CAPT) else None
        if kind is not None and kind not in found:
            found.append(kind)
    return found or [sentence_kind(sf)]


def halts(s: Sentence) -> list[Halt]:
    """Suspensions ("обмени призупинено", "пауза в обмінах") and resumptions of exchanges."""
    toks, fl = s.tokens, s.flags
    sf = s.sflags
    if not (sf & (SUSP | RESUME) or (sf & XCH and "не " in s.low)):
        return []
    out: list[Halt] = []
    n = len(toks)
    for k in range(n):
        f = fl[k]
        anchor = bool(f & XCH) or toks[k].startswith(_ANCHOR_NOUNS)
        if not anchor or (k + 1 < n and fl[k + 1] & EXOBJ):
            continue
        a = k
        while a > 0 and toks[a - 1] not in BOUNDARY:
            a -= 1
        b = k + 1
        while b < n and toks[b] not in BOUNDARY:
            b += 1
        cf = 0
        for m in range(a, b):
            cf |= fl[m]
        if not cf & (SUSP | RESUME) and b < n and toks[b] == ",":
            # "обмін, призначений на суботу, було відкладено": the stall word
            # right after an aside between commas
            close = next(
                (m for m in range(b + 1, min(n, b + _ASIDE_REACH)) if toks[m] in BOUNDARY), n
            )
            m = close + 1
            while m < n and toks[m] in _AUX:
                m += 1
            if close < n and toks[close] == "," and m < n and fl[m] & SUSP:
                cf |= fl[m]
        negated = "не" in toks and any(
            toks[m] == "не" and m + 1 < b and toks[m + 1].startswith(_NEGATED) for m in range(a, b)
        )
        if not negated and not cf & (SUSP | RESUME) and "не" in toks and b < n and toks[b] == ",":
            # "обмін, запланований на сьогодні, не відбувся"; "був запланований обмін, однак
            # він не відбувся": the next clause, or the one after an aside, says it of it
            negated = _not_held_after(toks, fl, b)
        if cf & RESUME:
            out.append(Halt(sentence_kind(s.sflags), True))
            break
        if cf & SUSP and not negated and _stalls_something_else(toks, fl, a, b):
            continue
        if cf & SUSP or negated:
            if cf & MODAL and not cf & SUSP:
                continue
            out.extend(Halt(kind, False) for kind in _kinds_named(toks, fl, a, b, s.sflags))
            break
    return out


_AGREEING = AGREE | AGREEN | MODAL | ONGOING


def _term_of(s: Sentence, first: int) -> bool:
    """Whether the number at `first` is what the deal (or the plan) of the sentence says:
    it follows the agreeing word with no verb of a done return between ("домовилися обміняти
    по 500"), not a figure the sentence reports as done ("після того, як домовилися, Україна
    отримала 7 тисяч тіл") or names on a list ("список із 500 прізвищ")."""
    toks, fl = s.tokens, s.flags
    if any(fl[k] & LIST for k in range(max(0, first - 3), first)):
        return False
    last = next((k for k in range(first - 1, -1, -1) if fl[k] & _AGREEING), -1)
    if last < 0:
        return False
    for k in range(last + 1, first):
        verb = not toks[k].endswith(NOUN_ENDINGS) and not _infinitive(toks[k])
        if fl[k] & (GIVE | GET | RET | DONE) and not fl[k] & MODAL and verb:
            return False
    return True


def _infinitive(tok: str) -> bool:
    return tok.endswith(("ти", "ть", "тися", "ться", "тись"))


_ABOUT = frozenset(("про", "о", "об", "що", "что"))


def _states_terms(toks: list[str], k: int) -> bool:
    """ "домовленість про обмін", "договоренность, что Россия передаст": what follows an
    agreement noun at k says its terms."""
    nxt = toks[k] if k < len(toks) else ""
    return nxt in _ABOUT or (nxt == "," and k + 1 < len(toks) and toks[k + 1] in ("що", "что"))


@dataclass(slots=True)
class Promise:
    kind: Kind
    count: int | None
    per_side: bool
    approximate: bool
    categories: list[Category]
    underway: bool = False  # the exchange is under way or ahead, no talks are reported


def commitment(s: Sentence) -> Promise | None:
    """A bilateral agreement on an exchange: "сторони погодилися передати по 4 тисячі тіл"."""
    sf = s.sflags
    # "домовленість про обмін", "договоренность, что Россия передаст": a deal and its terms
    deal = sf & AGREEN and any(
        f & AGREEN and _states_terms(s.tokens, k + 1) for k, f in enumerate(s.flags[:-1])
    )
    # "проводять обмін за формулою «700 на 700»", "обміняються 300 на 300": a symmetric
    # exchange under way or ahead is the term of the sides' deal
    underway = bool(sf & XCH and sf & (ONGOING | MODAL) and not sf & (DONE | OFFER))
    if not (sf & AGREE or deal or underway) or not sf & (XCH | RET | PEOPLE):
        return None
    cats = [c for c, cues in _CATEGORIES if any(q in s.low for q in cues)]
    nums = find_numbers(s.tokens, s.flags)
    count: int | None = None
    approx = False
    per_side = any(e in s.low for e in _EACH)
    pairs = formulas(s, nums)
    if pairs:
        x, y = pairs[0]
        if x.value != y.value:
            return None  # an uneven formula agreed by the sides is no interstate commitment
        count, approx, per_side = x.value, x.approx, True
    else:
        for num in nums:
            nxt = s.flags[num.last : num.last + 4]
            if any(f & PEOPLE for f in nxt) and _term_of(s, num.first):
                count, approx = num.value, num.approx
                per_side = per_side or (num.first > 0 and s.tokens[num.first - 1] == "по")
                break
    if count is None and not cats:
        return None
    if underway and not (sf & AGREE or deal) and not (pairs or per_side):
        return None  # only a symmetric figure is the term of a deal
    return Promise(
        sentence_kind(sf), count, per_side, approx, cats, underway and not (sf & AGREE or deal)
    )
