"""Numbers as Ukrainian and Russian news write them: digits, grouped digits, "1,5 тыс.",
"6 тисяч", and number words in every case and gender ("одного", "двох", "п'ятьох", "тисячу",
"двісті п'ятдесят"); the forms of the number words come from the dictionaries (morphology).
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.reader.slavic.lexicon import APPROX, MONTH, NUMERIC, NUMW, THOUS, YEARW, register
from agents.reader.slavic.morphology import numeral_forms
from schemas.common import MAX_COUNT

# Every form of the numerals, from the dictionaries (morphology.numeral_forms).
WORD_VALUE: dict[str, int] = numeral_forms()
register([*WORD_VALUE], NUMW)

# Singular forms of "thousand" count one thousand on their own ("передали тисячу тіл");
# the plural forms ("тисячі полонених", "тысячи людей") are vague unless a number precedes.
_ONE_THOUSAND = frozenset(["тисяча", "тисячу", "тисячею", "тысяча", "тысячу", "тысячей"])
# also genitive or dative singular: "тела тысячи", "по тисячі полонених"
_GEN_THOUSAND = frozenset(["тисячі", "тысячи", "тысяче"])
_REMAINS_BEFORE = frozenset(["тіла", "тіл", "тела", "тел", "останки", "останків"])


_ONE = frozenset(w for w, v in WORD_VALUE.items() if v == 1)


def _place(value: int) -> int:
    """The place value the next word of a compound number must stay below."""
    if value % 100 == 0:
        return 100
    if value % 10 == 0 and value >= 20:
        return 10
    return 1


@dataclass(slots=True)
class Num:
    value: int
    first: int  # index of the first token of the number
    last: int  # index after the last token
    approx: bool


def _digits(tok: str) -> float | None:
    """Value of a numeric token, None when it is a date, a time, an age or a range."""
    if not tok[0].isdigit():
        return None
    if tok.isdigit():
        return float(tok)
    if not tok.isalnum() and ("-" in tok or ":" in tok or "/" in tok or "_" in tok):
        return None
    if tok.count(".") + tok.count(",") > 1 or not tok.replace(".", "").replace(",", "").isdigit():
        return None
    head, _, tail = tok.replace(",", ".").partition(".")
    if not head.isdigit() or not tail.isdigit():
        return None
    if "," in tok and len(tail) == 3:  # "1,000": grouped thousands
        return float(head + tail)
    return float(f"{head}.{tail}")


def find_numbers(tokens: list[str], flags: list[int]) -> list[Num]:
    """Counts written in the token list; dates, years, times, ages and vague plurals excluded."""
    out: list[Num] = []
    n = len(tokens)
    i = 0
    for start in [k for k, f in enumerate(flags) if f & NUMERIC]:  # few tokens are numbers
        if start < i:
            continue
        i = start
        tok = tokens[i]
        value: float | None = None
        j = i
        if tok[0].isdigit():
            value = _digits(tok)
            j = i + 1
            if value is None:
                i += 1
                continue
            # "1 003", "12 000": groups of three digits after a short head
            while (
                j < n
                and len(tokens[j]) == 3
                and tokens[j].isdigit()
                and tok.isdigit()
                and len(tok) <= 3
                and value < MAX_COUNT
            ):
                value = value * 1000 + int(tokens[j])
                j += 1
        elif tok in WORD_VALUE:
            if tok in _ONE and i + 1 < n and tokens[i + 1].startswith("одн"):
                i += 2  # "одна одній", "один одного": each other, not a number
                continue
            total = WORD_VALUE[tok]
            j = i + 1
            # compound numbers descend: "двісті п'ятдесят п'ять"
            while j < n and tokens[j] in WORD_VALUE and WORD_VALUE[tokens[j]] < _place(total):
                total += WORD_VALUE[tokens[j]]
                j += 1
            value = float(total)
        elif tok in _ONE_THOUSAND or (
            tok in _GEN_THOUSAND and i > 0 and tokens[i - 1] in (*_REMAINS_BEFORE, "по")
        ):
            value, j = 1000.0, i + 1
            while j < n and tokens[j] in WORD_VALUE:  # "тисяча двісті"
                value += WORD_VALUE[tokens[j]]
                j += 1
        else:
            i += 1
            continue
        if j < n and flags[j] & THOUS:
            value *= 1000
            j += 1
            if j < n and tokens[j] == ".":
                j += 1
            while j < n and tokens[j] in WORD_VALUE:
                value += WORD_VALUE[tokens[j]]
                j += 1
        elif j < n and tokens[j] in ("млн", "мільйон", "миллион", "мільйона", "миллиона"):
            i = j + 1
            continue
        if _not_a_count(tokens, flags, i, j, value):
            i = j
            continue
        approx = any(flags[k] & APPROX for k in range(max(0, i - 2), i))
        out.append(Num(int(value), i, j, approx))
        i = j
    return out


def _not_a_count(tokens: list[str], flags: list[int], i: int, j: int, value: float) -> bool:
    if value != int(value) or value < 1 or value > MAX_COUNT:
        return True
    n = len(tokens)
    nxt = tokens[j] if j < n else ""
    if j < n and flags[j] & (MONTH | YEARW):  # "5 лютого", "2025 року"
        return True
    if nxt in ("%", "-", "—", "–") and j + 1 < n and tokens[j + 1][:1].isdigit():
        return True  # "15—20%", ranges
    if nxt == "%" or nxt == "№":
        return True
    # "травня 2025", "№ 5"
    return i > 0 and bool(flags[i - 1] & MONTH or tokens[i - 1] in ("№", "#"))
