"""The two sides as Ukrainian and Russian text names them, and the role a mention plays.

A receiving side is read from grammar: the dative ("Україні передали", "России переданы"),
a direction ("в Україну", "до Росії"), a source ("з Росії", "из украинского плена"), or a
subject with its verb ("Росія передала", "РФ получила"). "Росії"/"России" is dative,
genitive or locative by form, so it counts as a recipient only next to a verb of transfer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from agents.reader.slavic.lexicon import (
    DIR,
    GET,
    GIVE,
    PARTY,
    PREP,
    RET,
    RU,
    SRC,
    SRC_RU,
    SRC_UA,
    UA,
    register,
)

if TYPE_CHECKING:
    from agents.reader.slavic.tokens import Sentence

Side = Literal["UA", "RU"]
Role = Literal["nom", "dat", "dir", "src", "gen"]

_FORMS: dict[str, tuple[Side, str]] = {}
for _words, _side, _case in (
    ("україна украина київ киев", "UA", "nom"),
    ("україні украине києву киеву", "UA", "dat"),
    ("україни украины києва киева", "UA", "gen"),
    ("україну украину", "UA", "acc"),
    ("росія россия москва", "RU", "nom"),
    ("росії россии москві москве", "RU", "amb"),
    ("росію россию москву", "RU", "acc"),
    ("москви москвы", "RU", "gen"),
    ("рф", "RU", "rf"),
):
    for _w in _words.split():
        _FORMS[_w] = (_side, _case)  # type: ignore[assignment]

_SIDE_CASE = {
    "сторона": "nom",
    "стороні": "dat",
    "стороне": "dat",
    "сторону": "acc",
    "сторони": "gen",
    "стороны": "gen",
    "федерация": "nom",
    "федерація": "nom",
    "федерації": "amb",
    "федерации": "amb",
}
register([*_FORMS, *_SIDE_CASE], PARTY)
# "підконтрольної Києву", "контролируемых Украиной": the place the people came from.
_CONTROL = (
    "підконтрольн",
    "подконтрольн",
    "контрольован",
    "контролируем",
    "окупован",
    "оккупирован",
)
_TRANSFER = RET | GIVE | GET


def other(side: Side | None) -> Side | None:
    if side is None:
        return None
    return "RU" if side == "UA" else "UA"


def party_form(tokens: list[str], flags: list[int], k: int) -> tuple[Side, str] | None:
    """Side and grammatical case of a party named at token k ("Україні", "російська сторона")."""
    if not flags[k] & PARTY:
        return None
    tok = tokens[k]
    got = _FORMS.get(tok)
    if got is not None:
        return got
    case = _SIDE_CASE.get(tok)
    if case is None or k == 0:
        return None
    pf = flags[k - 1]
    if pf & UA and not pf & RU:
        return "UA", case
    if pf & RU and not pf & UA:
        return "RU", case
    return None


_RELATIVES = ("родич", "родственн", "родин", "сім", "семь", "семей", "батьк", "родител", "близьк",
              "близк", "рідн", "родн")  # fmt: skip


def _to_relatives(tokens: list[str], prep: int) -> bool:
    """Whether the preposition at `prep` ("у Росії") follows "до/к (своїх) родичів": where
    people returned to, not where something happened."""
    for x in range(prep - 1, max(-1, prep - 3), -1):
        if tokens[x].startswith(_RELATIVES):
            return any(tokens[y] in ("до", "к") for y in range(max(0, x - 2), x))
    return False


def party_role(tokens: list[str], flags: list[int], k: int) -> tuple[Side, Role] | None:
    """The role of a party named at token k, None when it names no participant."""
    form = party_form(tokens, flags, k)
    if form is None:
        return None
    side, case = form
    first = k - 1 if tokens[k] in _FORMS else k - 2  # the adjective of "українська сторона"
    prev = tokens[first] if first >= 0 else ""
    pf = flags[first] if first >= 0 else 0
    n = len(tokens)
    if prev.startswith(_CONTROL):
        return side, "src"
    if pf & SRC:
        return side, "src"
    if pf & DIR:
        if case in ("acc", "rf") or (prev == "до" and case in ("gen", "amb")):
            return side, "dir"
        if _to_relatives(tokens, first):
            return side, "dir"  # "повернулися до своїх родичів у Росії"
        return None  # locative: "в Україні", "в России"
    if pf & PREP:
        return None
    if case == "nom":
        return side, "nom"
    if case == "dat":
        return side, "dat"
    nxt = flags[k + 1] if k + 1 < n else 0
    if case == "rf":
        if nxt & _TRANSFER:
            return side, "nom"
        return (side, "dat") if pf & _TRANSFER else (side, "gen")
    if case == "amb":
        if pf & _TRANSFER or nxt & _TRANSFER:
            return side, "dat"
        if k + 2 < n and flags[k + 2] & _TRANSFER and tokens[k + 1][0].isalpha():
            return side, "dat"
        return side, "gen"
    if case == "gen":
        return side, "gen"
    return None


def source_side(s: Sentence) -> Side | None:
    """The side whose official the sentence names as its source."""
    toks, fl = s.tokens, s.flags
    for k, f in enumerate(fl):
        if not f & (SRC_UA | SRC_RU):
            continue
        nxt = toks[k + 1] if k + 1 < len(toks) else ""
        if f & SRC_RU and toks[k].startswith(("міноборони", "минобороны")):
            return "UA" if nxt in ("україни", "украины") else "RU"
        if toks[k].startswith(("офіс", "офис")) and not nxt.startswith("президент"):
            continue  # only "Офіс президента" (Kyiv's; Moscow's is the Administration)
        return "UA" if f & SRC_UA else "RU"
    return None
