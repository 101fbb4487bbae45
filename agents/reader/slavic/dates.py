"""Date cues in Ukrainian and Russian text, resolved against the publication date.

A cue gives a reduced-precision ISO date ("2025", "2025-10", "2025-10-17"): explicit dates
with month names in any case ("5 лютого", "у листопаді 2023 року", "в начале февраля"),
numeric dates, relative days ("сьогодні", "вчера"), weekdays ("у четвер", "в минувшую
пятницу"), "минулого місяця", "в прошлом году". Nothing here guesses a date that the text
does not give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from agents.reader.shared.dates import (
    date_str,
    fmt_date,
    months_ago,
    resolve_day_month,
    resolve_month,
    resolve_weekday,
    shift_months,
)
from agents.reader.slavic.lexicon import DATEW, DIGIT, MONTH, NOW, YEARW, words

_MONTHS = (
    "січень січня січні січнем январь января январе",
    "лютий лютого лютому февраль февраля феврале",
    "березень березня березні март марта марте",
    "квітень квітня квітні апрель апреля апреле",
    "травень травня травні май мая мае",
    "червень червня червні июнь июня июне",
    "липень липня липні июль июля июле",
    "серпень серпня серпні август августа августе",
    "вересень вересня вересні сентябрь сентября сентябре",
    "жовтень жовтня жовтні октябрь октября октябре",
    "листопад листопада листопаді ноябрь ноября ноябре",
    "грудень грудня грудні декабрь декабря декабре",
)
_ABBREV = (
    "янв",
    "фев",
    "мар",
    "апр",
    "",
    "июн",
    "июл",
    "авг",
    "сент сен",
    "окт",
    "нояб ноя",
    "дек",
)
MONTH_OF: dict[str, int] = {}
for _i, _forms in enumerate(_MONTHS, start=1):
    for _f in _forms.split():
        MONTH_OF[_f] = _i
_ABBREV_OF = {a: i for i, forms in enumerate(_ABBREV, start=1) for a in forms.split()}

_WEEKDAY = {
    "понеділок": 0,
    "понеділка": 0,
    "понедельник": 0,
    "вівторок": 1,
    "вівторка": 1,
    "вторник": 1,
    "середу": 2,
    "среду": 2,
    "четвер": 3,
    "четверга": 3,
    "четверг": 3,
    "п'ятницю": 4,
    "п'ятниці": 4,
    "пятницу": 4,
    "суботу": 5,
    "суботи": 5,
    "субботу": 5,
    "неділю": 6,
    "неділі": 6,
    "воскресенье": 6,
}
_REL_DAY = {"сьогодні": 0, "сегодня": 0, "вчора": 1, "вчера": 1, "позавчора": 2, "позавчера": 2}
_MONTH_WORD = frozenset(("місяця", "місяці", "месяце", "месяца"))
_YEAR_WORD = words("рік року році год года году г р")
_LAST = ("минул", "прошл", "минувш", "прошедш")
_THIS = words("цього цьому этого этом поточного текущего")
_PAST = words("минулого минулому прошлого прошлом")
_EARLY = ("початку", "начале")
_MIDDLE = ("середині", "середине")
_DATE_FLAGS = MONTH | DATEW | NOW | YEARW
_FROM = words("з із зі с со від от since")
_WAR_START = (
    "повномасштабн",
    "полномасштабн",
    "широкомасштабн",
    "вторгн",
    "війни",
    "войны",
    "сво",
    "спецоперац",
    "великої",
)


@dataclass(slots=True, frozen=True)
class DateCue:
    value: str  # reduced ISO date
    last_day: dt.date  # the latest day the cue may mean, for "is this in the past?"
    explicit_year: bool


def _cue(value: str | None, pre: str | None, explicit: bool) -> DateCue | None:
    """A cue for `value`; "на початку"/"в середине" narrow a month to its first decades."""
    if value is None:
        return None
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        last = dt.date(parts[0], parts[1], parts[2])
    elif len(parts) == 2:
        y, m = shift_months(parts[0], parts[1], 1)
        last = dt.date(y, m, 1) - dt.timedelta(days=1)
        if pre in _EARLY:
            last = dt.date(parts[0], parts[1], 10)
        elif pre in _MIDDLE:
            last = dt.date(parts[0], parts[1], 20)
    else:
        last = dt.date(parts[0], 12, 31)
    return DateCue(value, last, explicit)


def _int(tok: str, digits: tuple[int, ...]) -> int | None:
    """A day ("5", "5-го") or a year ("2025", "2024-го") token."""
    head = tok.split("-", 1)[0]
    return int(head) if head.isdigit() and len(head) in digits else None


def _cues(
    tokens: list[str], flags: list[int], ref: dt.date | None
) -> list[tuple[int, DateCue | None, tuple[int, ...]]]:
    """(rank, cue, partial) for every date cue; `partial` is a (month[, day]) that needs a
    year the reference date could not give. Rank: a written day 21, a relative day 20, a
    month 14, a year 8."""
    out: list[tuple[int, DateCue | None, tuple[int, ...]]] = []
    n = len(tokens)
    for i in range(n):
        f = flags[i]
        if not f & (_DATE_FLAGS | DIGIT):
            continue
        tok = tokens[i]
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < n else ""
        if f & MONTH:
            month = MONTH_OF.get(tok) or _ABBREV_OF.get(tok)
            if month is None:
                continue
            j = i + 2 if nxt == "." else i + 1
            year = _int(tokens[j], (4,)) if j < n else None
            past = j + 1 < n and tokens[j] in _PAST and tokens[j + 1] in _YEAR_WORD
            day = _int(prev, (1, 2))
            if day is not None:
                value = resolve_day_month(ref, day, month, year)
                out.append((21, _cue(value, None, year is not None), (month, day)))
            elif tok in MONTH_OF:
                pre = tokens[i - 1] if i else ""
                if past:
                    value = fmt_date(ref.year - 1, month) if ref else None
                else:
                    value = fmt_date(year, month) if year else resolve_month(ref, month, None)
                out.append((14, _cue(value, pre, year is not None), (month,)))
        elif f & DIGIT:
            if tok.count(".") == 2:  # "16.02.2024"
                d, m, y = tok.split(".")
                if len(y) == 4:
                    out.append((21, _cue(fmt_date(int(y), int(m), int(d)), None, True), ()))
            elif prev in ("у", "в") and not flags[i + 1 if i + 1 < n else i] & MONTH:
                year = _int(tok, (4,))
                if year and 2000 <= year <= 2100:
                    out.append((8, _cue(fmt_date(year), None, True), ()))
        elif tok in _REL_DAY:
            if ref is not None:
                day_ = ref - dt.timedelta(days=_REL_DAY[tok])
                out.append((20, _cue(date_str(day_), None, False), ()))
        elif tok in _WEEKDAY:
            last = prev.startswith(_LAST)
            prep = tokens[i - 2] if last and i > 1 else prev
            if ref is not None and (prep in ("у", "в", "во") or last):
                day_ = resolve_weekday(ref, _WEEKDAY[tok])
                if day_ == ref and last:  # "в минувшую пятницу" said on a Friday: a week ago
                    day_ -= dt.timedelta(days=7)
                out.append((20, _cue(date_str(day_), None, False), ()))
        elif tok in _MONTH_WORD:
            if ref is not None and (prev in _PAST or prev in _THIS):
                out.append((14, _cue(months_ago(ref, prev in _PAST), None, False), ()))
        elif tok == "торік":
            if ref is not None:
                out.append((8, _cue(fmt_date(ref.year - 1), None, False), ()))
        elif tok in _YEAR_WORD:
            year = _int(prev, (4,))
            if year is not None:
                out.append((8, _cue(fmt_date(year), None, True), ()))
            elif ref is not None and (prev in _PAST or prev in _THIS):
                out.append((8, _cue(fmt_date(ref.year - (prev in _PAST)), None, False), ()))
    return out


def find_date(tokens: list[str], flags: list[int], ref: dt.date | None) -> DateCue | None:
    """The most precise date cue of a sentence; a bare day takes a year written nearby."""
    best: DateCue | None = None
    best_rank = 0
    year_cue: DateCue | None = None
    partial: tuple[int, ...] = ()
    for rank, cue, part in _cues(tokens, flags, ref):
        if cue is None:
            partial = partial or part
            continue
        if rank == 8 and cue.explicit_year and year_cue is None:
            year_cue = cue
        if rank > best_rank:
            best, best_rank = cue, rank
    if year_cue is None or best is None:
        return best
    if not best.explicit_year and len(best.value) > 4:
        parts = best.value.split("-")
        return _cue(fmt_date(int(year_cue.value), *(int(p) for p in parts[1:])), None, True) or best
    if partial and len(best.value) == 4:
        return _cue(fmt_date(int(year_cue.value), *partial), None, True) or best
    return best


def find_since(tokens: list[str], flags: list[int], ref: dt.date | None) -> str | None:
    """Start of a cumulative period or of a suspension: "з лютого 2022", "с июля прошлого года",
    "з початку повномасштабного вторгнення"."""
    n = len(tokens)
    for i in range(n - 1):
        if tokens[i] not in _FROM:
            continue
        tok, f = tokens[i + 1], flags[i + 1]
        if tok in MONTH_OF:
            month = MONTH_OF[tok]
            year = _int(tokens[i + 2], (4,)) if i + 2 < n else None
            if year:
                return fmt_date(year, month)
            if i + 3 < n and tokens[i + 2] in _PAST and tokens[i + 3] in _YEAR_WORD:
                return fmt_date(ref.year - 1, month) if ref else None
            return resolve_month(ref, month, None)
        if f & DIGIT and _int(tok, (4,)) and tok.startswith("20"):
            return fmt_date(int(tok[:4]))
        if tok in ("початку", "начала") and i + 2 < n and tokens[i + 2].startswith(_WAR_START):
            return "2022-02"
    return None
