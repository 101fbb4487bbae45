"""Exchange figures in one sentence: who received how many of what.

A number becomes a figure only when it counts people or bodies ("тіла 250 загиблих",
"200 українських військовослужбовців", "по формуле 84 на 84"), the sentence speaks of a
return, transfer or exchange, and nothing in its clause makes it something else: a plan or an
offer, people still held, names on a list, a part of a figure already given, casualties of an
attack, or a return outside an exchange ("поза обміном").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from itertools import pairwise
from operator import or_

from agents.reader.slavic.lexicon import (
    ADJ_ENDINGS,
    AGREE,
    AGREEN,
    APPROX,
    BACK,
    CAPT,
    CAS,
    CIV,
    CONJ,
    CONTRA,
    DEAD,
    DIGIT,
    DIR,
    DONE,
    FOREIGN,
    GET,
    GIVE,
    HELD,
    HOME,
    HOSTILE,
    LIST,
    MIL,
    MODAL,
    NUMW,
    ONGOING,
    OUR,
    OUTSIDE,
    OWN,
    PARTY,
    PEOPLE,
    PERS,
    POW,
    REM,
    RESCUE,
    RET,
    RU,
    SRC,
    SRC_RU,
    SRC_UA,
    SUBSET,
    THOUS,
    TOTAL,
    UA,
    VERBISH,
    XCH,
)
from agents.reader.slavic.numbers import Num, find_numbers
from agents.reader.slavic.parties import Side, other, party_form, party_role, source_side
from agents.reader.slavic.tokens import Sentence
from schemas.common import Kind

BOUNDARY = frozenset(",;:()—–-!?[].")
_CLAUSE_CONJ = frozenset(["а", "але", "но", "однако", "проте", "зате", "зато", "хоча", "хотя"])
_DASHES = frozenset("—–-")
_QUOTES = frozenset("«»\"„“”'")
_SKIP = frozenset(["ще", "еще", "же", "ж", "тільки", "лише", "только", "лишь", "ли"])
_SAME_HEAD = frozenset(("столько", "стільки"))
_SAME_TAIL = frozenset(("же", "ж", "само"))
_SUCH = frozenset(("такое", "такую", "таке", "таку", "такої", "такого"))
_EACH = frozenset(["кожна", "каждая", "кожен", "каждый", "обидві", "обе", "обоюдно", "взаємно"])
_EACH_SIDE = re.compile(
    "з кожного боку|з кожної сторони|с каждой стороны|с обеих сторон|з обох сторін"
    "|від кожної сторони"
)
_MEMBERSHIP = frozenset(("состава", "складу", "числа"))
_THEM = frozenset(("них", "яких", "которых", "їх"))
_SIDE_ADJ = ("ська", "ская", "ській", "ской")  # "українська (сторона)", "российской (стороне)"
_ALL = frozenset(("всех", "всіх"))
_REACH = ("досяг", "сягну", "склал", "станов", "состав", "достиг", "перевищ", "превыс")
_AMOUNT = ("кількіст", "количеств", "число", "числа")
_TRANSFER = RET | GET | GIVE | XCH
# A small number opening a line before a capital: the index of a list or a photo caption.
_CAPTION = re.compile(r"\d{1,2}\.?\s+[А-ЯІЇЄҐA-Z]")


@dataclass(slots=True)
class Count:
    kind: Kind
    received_by: Side | None
    count: int
    approx: bool
    part: bool = False  # read in a sentence that lists parts ("Серед них 1235 військових ...")
    # "в общей сложности 168", "загалом 300": a total said of this figure alone
    own_total: bool = False


@dataclass(slots=True)
class Carry:
    """What a sentence inherits from the sentences before it in the same paragraph."""

    kind: Kind | None = None
    receiver: Side | None = None
    first_count: int | None = None  # the headline figure of the last sentence with figures


@dataclass(slots=True)
class _Phrase:
    kinds: int = 0
    nat: Side | None = None
    own: bool = False
    captive: bool = False  # "з полону" inside the phrase
    noun: bool = False  # an uncounted word where the noun should be
    partitive: bool = False  # "1 600 з них": a part of people named before


_ALSO = frozenset(("также", "також"))


def _bounds(tokens: list[str], first: int, last: int) -> tuple[int, int]:
    """The clause around tokens [first, last): up to a boundary or a clause conjunction, but
    "а также" / "а також" (as well as) joins."""
    a = first
    while a > 0:
        tok = tokens[a - 1]
        if tok in BOUNDARY or (tok in _CLAUSE_CONJ and tokens[a] not in _ALSO):
            break
        a -= 1
    b = last
    n = len(tokens)
    while b < n:
        tok = tokens[b]
        if tok in BOUNDARY or (tok in _CLAUSE_CONJ and not (b + 1 < n and tokens[b + 1] in _ALSO)):
            break
        b += 1
    return a, b


def _captivity(tokens: list[str], flags: list[int], k: int, persp: Side) -> Side | None:
    """Receiver named by "з російського полону" / "из украинского плена" starting at k."""
    if k + 2 >= len(tokens) or not flags[k] & SRC or not flags[k + 2] & CAPT:
        return None
    f = flags[k + 1]
    if f & HOSTILE:
        return persp
    if f & RU and not f & UA:
        return "UA"
    if f & UA and not f & RU:
        return "RU"
    return None


def _phrase(tokens: list[str], flags: list[int], j: int, persp: Side) -> _Phrase:
    """The noun phrase after a number: what is counted and whose people they are."""
    ph = _Phrase()
    n = len(tokens)
    stop = min(n, j + 9)
    extra = 0
    start = j
    while j < stop:
        tok, f = tokens[j], flags[j]
        if j == start and tok in _DASHES and j + 1 < n and flags[j + 1] & PEOPLE:
            j += 1  # "108 — військовослужбовці, ще 12 — цивільні"
            continue
        if tok in BOUNDARY or tok[0].isdigit() or f & (RET | XCH | MODAL | HELD):
            break
        if tok in _QUOTES or tok in _SKIP:
            j += 1
            continue
        if f & CONJ:
            break
        if f & (SRC | DIR) and j + 1 < n:
            cap = _captivity(tokens, flags, j, persp)
            if cap is not None:
                ph.nat = ph.nat or cap
                ph.captive = True
                j += 3
                continue
            if flags[j + 1] & CAPT:
                ph.captive = True
                j += 2
                continue
            role = party_role(tokens, flags, j + 1)
            if role is not None and role[1] in ("src", "dir"):
                ph.nat = ph.nat or (other(role[0]) if role[1] == "src" else role[0])
                j += 2
                continue
            if tokens[j + 1] in _MEMBERSHIP:
                j += 2
                continue
            ph.partitive = not ph.kinds and f & SRC > 0 and tokens[j + 1] in _THEM
            break
        form = party_form(tokens, flags, j)
        if form is not None and form[1] in ("gen", "rf", "amb"):  # "сил України", "ВС РФ"
            ph.nat = ph.nat or form[0]
            j += 1
            continue
        if f & PEOPLE:
            ph.kinds |= f & PEOPLE
        if f & (UA | RU) and not (f & UA and f & RU):
            ph.nat = ph.nat or ("UA" if f & UA else "RU")
        elif f & OWN:
            ph.own = True
        elif f & OUR:
            ph.nat = ph.nat or persp
        if f & (PEOPLE | UA | RU | OWN | OUR):
            j += 1
            continue
        if not ph.kinds and tok.endswith(ADJ_ENDINGS):
            j += 1
            continue
        if ph.kinds and extra < 3 and tok[0].isalpha():  # "бойцов Вооруженных сил РФ"
            extra += 1
            j += 1
            continue
        ph.noun = ph.noun or (not ph.kinds and tok[0].isalpha())
        break
    return ph


def _outside_parts(flags: list[int], sf: int, after: int) -> int:
    """The sentence's flags without the civilians named only as a part after the figure
    ("95 українців, серед них цивільні": the whole is not civilians)."""
    if not sf & CIV:
        return sf
    part = next((k for k in range(after, len(flags)) if flags[k] & SUBSET), None)
    if part is None or any(flags[k] & CIV for k in range(part)):
        return sf
    return sf & ~CIV


def _kind(ph: _Phrase, pre_rem: bool, cf: int, sf: int, carry: Carry) -> Kind:
    k = ph.kinds
    if pre_rem or k & (REM | DEAD):
        return "remains"
    if k & POW:
        return "pows"
    if k & CIV and not k & MIL:
        return "civilians"
    if cf & (CAPT | POW) or ph.captive:
        return "pows"
    if sf & REM:
        return "remains"
    if k & PERS and not k & MIL and sf & CIV and not sf & (MIL | POW | CAPT):
        if carry.kind == "pows":
            return "pows"  # "повернулися 212 українців, серед них 12 цивільних" in a swap
        return "civilians"
    if carry.kind == "remains" and not sf & (CAPT | POW):
        return "remains"
    return "pows"


def _verb(tokens: list[str], flags: list[int], a: int, b: int, before: int) -> int:
    """GET or GIVE: the verb class nearest before `before` in [a, b), else the first after."""
    for k in range(before - 1, a - 1, -1):
        f = flags[k]
        if f & (GET | GIVE) and not (f & GET and f & GIVE):
            return f & (GET | GIVE | BACK)
    for k in range(before, b):
        f = flags[k]
        if f & (GET | GIVE) and not (f & GET and f & GIVE):
            return f & (GET | GIVE | BACK)
    return 0


def _by_subject(subj: Side, verb: int, cf: int, persp: Side) -> Side | None:
    """Receiver from a subject and its verb. "Вернуть"/"повернути" reads both ways: "Україна
    повернула тіла" (got back) and "Киев вернул 150 тел" (gave back). Returned from captivity,
    or said of the side whose people the text calls its own, it is getting back."""
    if verb & GIVE:
        return other(subj)
    if verb & BACK and not cf & CAPT and subj != persp:
        return other(subj)
    return subj


def _phrase_bounds(flags: list[int], a: int, b: int, first: int, last: int) -> tuple[int, int]:
    """The part of the clause [a, b) around a number between conjunctions (і, и, та)."""
    pa, pb = first, last
    while pa > a and not flags[pa - 1] & CONJ:
        pa -= 1
    while pb < b and not flags[pb] & CONJ:
        pb += 1
    return pa, pb


def _subject(tokens: list[str], flags: list[int], a: int, b: int) -> Side | None:
    sides = set()
    for k in range(a, b):
        if not flags[k] & PARTY:
            continue
        r = party_role(tokens, flags, k)
        if r is not None and r[1] == "nom":
            sides.add(r[0])
    return sides.pop() if len(sides) == 1 else None


_OCCUPIED = ("окупован", "оккупирован")
_TEMPORARILY = frozenset(("тимчасово", "временно"))


def _occupied(tokens: list[str], k: int) -> bool:
    if k < len(tokens) and tokens[k] in _TEMPORARILY:
        k += 1
    return k < len(tokens) and tokens[k].startswith(_OCCUPIED)


def _recipient(tokens: list[str], flags: list[int], a: int, b: int, persp: Side) -> Side | None:
    """A receiver named in [a, b) by captivity, direction or dative, when only one is named."""
    sides: set[Side] = set()
    for k in range(a, b):
        if not flags[k] & (SRC | PARTY):
            continue
        cap = _captivity(tokens, flags, k, persp)
        if cap is not None:
            sides.add(cap)
            continue
        if flags[k] & SRC and _occupied(tokens, k + 1):
            sides.add("UA")  # "з тимчасово окупованого Бердянська": back to Ukraine
            continue
        r = party_role(tokens, flags, k)
        if r is not None and r[1] in ("dat", "dir"):
            sides.add(r[0])
        elif r is not None and r[1] == "src":
            sides.add("RU" if r[0] == "UA" else "UA")
    return sides.pop() if len(sides) == 1 else None


def _receiver(
    s: Sentence, num: Num, ph: _Phrase, a: int, b: int, cf: int, persp: Side, carry: Carry
) -> Side | None:
    """The receiving side: the people's own nationality; then a dative, direction or captivity
    phrase of the number's phrase ("і получила 31 тело" stands apart from "передала Украине");
    then subject and verb; then the same in the clause and the sentence; then the paragraph's
    last receiver or the item's perspective."""
    tokens, flags, sf = s.tokens, s.flags, s.sflags
    if ph.nat is not None:
        return ph.nat
    parties = sf & PARTY
    # (a subject before a colon is another clause's: "Росія гальмує обміни: відтоді як ...")
    start = next((k + 1 for k in range(a - 1, -1, -1) if tokens[k] in (":", ";")), 0)
    subj = (_subject(tokens, flags, a, b) or _subject(tokens, flags, start, a)) if parties else None
    if ph.own and subj is not None:
        return subj
    pa, pb = _phrase_bounds(flags, a, b, num.first, num.last)
    if cf & (SRC | PARTY):
        got = _recipient(tokens, flags, pa, pb, persp)
        if got is not None:
            return got
    verb = _verb(tokens, flags, pa, pb, num.first)
    if subj is not None and verb:
        return _by_subject(subj, verb, cf, persp)
    got = _recipient(tokens, flags, a, b, persp) if cf & (SRC | PARTY) else None
    if got is not None:
        return got
    if cf & HOME:
        # "Зеленский сообщил, что домой вернулись 277 человек": the home of the speaker
        return subj or (source_side(s) if sf & (SRC_UA | SRC_RU) else None) or persp
    verb = _verb(tokens, flags, a, b, num.first) or _verb(tokens, flags, 0, len(tokens), a)
    if subj is not None and verb:
        return _by_subject(subj, verb, cf, persp)
    if cf & CONTRA and carry.receiver is not None:
        return other(carry.receiver)
    got = _recipient(tokens, flags, 0, len(tokens), persp) if sf & (SRC | PARTY) else None
    if got is not None:
        return got
    if not sf & (RET | GET | GIVE | RESCUE):
        return None  # "обмінялися 115 полоненими": a combined figure
    if verb & GIVE:
        return other(persp)
    return carry.receiver or persp


# Nouns of the action ("обмін", "повернення", "передача") govern nothing: the verb does.
NOUN_ENDINGS = (
    "мін",
    "мен",
    "міну",
    "мена",
    "мену",
    "міні",
    "мене",
    "міном",
    "меном",
    "міни",
    "мены",
    "мінів",
    "менов",
    "ння",
    "нні",
    "нням",
    "ние",
    "ния",
    "нию",
    "нии",
    "нием",
    "ації",
    "ація",
    "ацію",
    "ация",
    "ации",
    "ачі",
    "ача",
    "ачу",
    "аче",
)


# "перших 200", "других 300", "ещё 150": an adjective with its noun left out
_ELIDED = ("ших", "гих", "ще", "еще", "ещё", "их")
# "вдалося повернути", "удалось освободить", "змогли повернути": the act took place
_MANAGED = ("вдал", "удал", "змогл", "смогл", "зумі", "сумел")


def _infinitive(tok: str) -> bool:
    return tok.endswith(("ти", "ть", "тися", "ться", "тись"))


def _modal(tokens: list[str], flags: list[int], a: int, b: int, first: int, last: int) -> bool:
    """Whether the verb governing the number is a plan, offer or future ("готова передати"),
    or an infinitive that a deal or a plan earlier in the sentence governs ("погодилися
    звільнити ..., і передати по 4 тисячі тіл"); not one of managing ("вдалося повернути")."""
    for k in range(first - 1, a - 1, -1):
        f = flags[k]
        if f & MODAL:
            return True
        if f & (_TRANSFER | DONE | RESCUE) and not tokens[k].endswith(NOUN_ENDINGS):
            if not _infinitive(tokens[k]):
                return False
            if any(tokens[m].startswith(_MANAGED) for m in range(max(0, k - 3), k)):
                return False
            return any(flags[m] & (MODAL | AGREE) for m in range(a, k)) or any(
                flags[m] & AGREE for m in range(a)
            )
    for k in range(last, b):
        f = flags[k]
        if f & MODAL:
            return True
        if f & (_TRANSFER | DONE) and not tokens[k].endswith(NOUN_ENDINGS):
            return False
    return False


def _blocked(
    tokens: list[str],
    flags: list[int],
    a: int,
    b: int,
    cf: int,
    first: int,
    last: int,
    listing: bool = False,
    sf: int = -1,
) -> bool:
    """Whether the clause [a, b) (flags `cf`) makes the number at [first, last) something other
    than a figure of an exchange that happened (`sf`: the sentence's flags, when known)."""
    # (an infinitive of the act is a plan only where the sentence has a plan or a deal)
    planned = cf & MODAL or (sf & (MODAL | AGREE) and cf & _TRANSFER)
    if cf & (AGREE | FOREIGN) or (planned and _modal(tokens, flags, a, b, first, last)):
        return True
    if cf & AGREEN and _deal(tokens, flags, a, b):
        return True  # "домовленість про обмін 1000 на 1000": the terms of a deal
    if cf & XCH and _for_exchange(tokens, flags, a, b):
        return True  # "перевозили 65 полонених на обмін": taken there for a swap to come
    if _apposition_of_plan(tokens, flags, a, b):
        return True  # "погодили новий обмін — по 1200 осіб з кожного боку"
    if first > 0 and flags[first - 1] & SRC:
        return True  # "партію з 6000 тіл", "з 84 звільнених": the whole a part is taken from
    if a > 1 and _outside(tokens, flags, a - 1):
        return True  # "Окремо, поза обміном, Україні передали 22 ..."
    # The narrower phrase: "повернення 469 поза обмінами та репатріація 7 тисяч тіл".
    pa, pb = _phrase_bounds(flags, a, b, first, last)
    pf = 0
    for k in range(pa, pb):
        pf |= flags[k]
    if pf & (HELD | LIST):
        return True
    if pf & CAS and not any(
        flags[k] & _TRANSFER and not (k + 1 < pb and flags[k + 1] & CAS) for k in range(pa, pb)
    ):
        return True  # (also "троє отримали травми": received injuries, no return)
    if not pf & (OUTSIDE | SUBSET | SRC):
        return False
    for k in range(pa, pb):
        f = flags[k]
        if f & OUTSIDE and any(flags[m] & XCH for m in range(k + 1, min(pb, k + 4))):
            return True  # "поза обміном", "без процедури обміну"
        if (
            k < first
            and not listing
            and (f & SUBSET or (f & SRC and k + 1 < pb and tokens[k + 1] in _THEM))
        ):
            return True  # "серед них 22", "з них 12"
    return False


def _for_exchange(tokens: list[str], flags: list[int], a: int, b: int) -> bool:
    """Whether the clause [a, b) names an exchange only as a purpose ("на обмін", "для
    обмена"), with no verb of transfer."""
    acts = [k for k in range(a, b) if flags[k] & _TRANSFER]
    return bool(acts) and all(
        k > 0
        and tokens[k - 1] in ("на", "для")
        and tokens[k].startswith(("обмін", "обмен"))
        and (k < 2 or tokens[k - 2] not in ("в", "у"))
        for k in acts
    )


def _apposition_of_plan(tokens: list[str], flags: list[int], a: int, b: int) -> bool:
    """Whether the clause [a, b) is verbless and set off by a dash or a colon, and the verb it
    depends on, the nearest one before it, is a deal or a plan ("погодили новий обмін — по
    1200 осіб", "договорились провести обмен — тысяча на тысячу")."""
    if a < 1 or (tokens[a - 1] not in _DASHES and tokens[a - 1] != ":"):
        return False
    if any(flags[k] & VERBISH and not tokens[k].endswith(NOUN_ENDINGS) for k in range(a, b)):
        return False
    for k in range(a - 2, -1, -1):
        f, tok = flags[k], tokens[k]
        if tok in _QUOTES:
            continue
        if tok in BOUNDARY and tok not in ",":
            return False
        if not f & VERBISH or tok.endswith(NOUN_ENDINGS):
            continue
        if f & (AGREE | MODAL):
            return True
        if f & (_TRANSFER | DONE) and _infinitive(tok):
            continue  # "договорились провести обмен": the deal governs the infinitive
        # "будет проведен обмен — тысяча на тысячу": a future passive
        return bool(f & (_TRANSFER | DONE) and k > 0 and flags[k - 1] & MODAL)
    return False


def _same_as(tokens: list[str], nums: list[Num], carry: Carry) -> list[Num]:
    """ "столько же" / "стільки ж": as many as the figure before it in the sentence, else as
    the headline figure of the sentence before."""
    out = list(nums)
    for k in range(len(tokens) - 1):
        if tokens[k] in _SAME_HEAD and tokens[k + 1] in _SAME_TAIL:
            end = k + 2
        elif (
            tokens[k] in _SUCH
            and tokens[k + 1] in _SAME_TAIL
            and k + 2 < len(tokens)
            and tokens[k + 2].startswith(_AMOUNT)
        ):
            end = k + 3  # "такое же количество", "таку ж кількість"
        else:
            continue
        before = [m for m in nums if m.last <= k]
        if before:
            out.append(Num(before[-1].value, k, end, before[-1].approx))
        elif carry.first_count is not None:
            out.append(Num(carry.first_count, k, end, False))
    out.sort(key=lambda m: m.first)
    return out


def formulas(s: Sentence, nums: list[Num]) -> list[tuple[Num, Num]]:
    """ "84 на 84", "у форматі «205 на 205»": pairs of numbers joined by "на"."""
    pairs = []
    tokens = s.tokens
    for x, y in pairwise(nums):
        between = [t for t in tokens[x.last : y.first] if t not in _QUOTES]
        if between == ["на"]:
            pairs.append((x, y))
    return pairs


def _kind_of_sentence(sf: int) -> Kind:
    if sf & REM:
        return "remains"
    if sf & CIV and not sf & (POW | MIL | CAPT):
        return "civilians"
    return "pows"


def sentence_counts(s: Sentence, persp: Side, carry: Carry) -> list[Count]:
    """Exchange figures of one sentence, in reading order."""
    tokens, flags, sf = s.tokens, s.flags, s.sflags
    # "Серед них 1235 військових і 123 цивільних": parts of the figure of the sentence before
    listing = bool(flags and (flags[0] & SUBSET or (len(flags) > 1 and flags[1] & SUBSET)))
    acts = sf & (RET | XCH | RESCUE) or (listing and carry.first_count is not None)
    if not acts or not sf & (DIGIT | NUMW | THOUS) or sf & FOREIGN:
        return []
    nums = _same_as(tokens, find_numbers(tokens, flags), carry)
    if nums and nums[0].first == 0 and _CAPTION.match(s.text) and not flags[1] & PEOPLE:
        nums = nums[1:]  # "3 Зустріч із рідними після звільнення": a gallery's numbering
    if not nums:
        return []
    pairs = formulas(s, nums)
    in_formula = {n.first for pair in pairs for n in pair}
    out: list[Count] = []
    listed = _listed_from(tokens, flags) if sf & SUBSET else None
    for num in nums:
        if num.first not in in_formula:
            got = _one(s, num, persp, carry, out, listing)
            if listed is not None and num.first > listed:
                for c in got:
                    c.part = True
            out.extend(got)
    if not out:  # beside other figures a formula names the deal ("обмін «1000 на 1000»")
        for x, y in pairs:
            a, b = _bounds(tokens, x.first, y.last)
            cf = _union(flags, a, b)
            if x.value != y.value or _blocked(tokens, flags, a, b, cf, x.first, y.last, sf=sf):
                continue
            if cf & ONGOING and not cf & DONE:
                continue  # "проводять обмін за формулою 700 на 700": the deal under way
            if any(t in _ALL for t in tokens) or not sf & (XCH | DONE | RET):
                continue
            kind = _kind_of_sentence(_before_subset(flags))
            out.append(Count(kind, "UA", x.value, x.approx, own_total=_total_of(s, x.first)))
            out.append(Count(kind, "RU", y.value, y.approx, own_total=_total_of(s, x.first)))
    if out:
        carry.first_count = out[0].count
    if listing:
        # "Серед звільнених — ... двоє цивільних": parts of a figure given before; the reader
        # keeps them only if they add up to it (a split), else they are a subset.
        for c in out:
            c.part = True
    return _drop_sums(out)


def _one(
    s: Sentence, num: Num, persp: Side, carry: Carry, before: list[Count], listing: bool
) -> list[Count]:
    tokens, flags, sf = s.tokens, s.flags, s.sflags
    a, b = _bounds(tokens, num.first, num.last)
    cf = _union(flags, a, b)
    if _blocked(tokens, flags, a, b, cf, num.first, num.last, listing, sf):
        return []
    ph = _phrase(tokens, flags, num.last, persp)
    pre_rem = False
    each = False
    for k in range(num.first - 1, max(-1, num.first - 4), -1):
        t, f = tokens[k], flags[k]
        if f & REM:
            pre_rem = True
        elif t == "по":
            each = True
        elif not (f & APPROX or t in _SKIP or t in ("не", "ніж", "чем")):
            break
    same = tokens[num.first] in _SAME_HEAD or tokens[num.first] in _SUCH
    party = _elided_party(tokens, flags, num.first)
    elliptic = party is not None
    amount = _amount(tokens, flags, a, num.first)
    # "повернули перших 200": the noun is left out after an adjective; the paragraph's
    elided = (
        num.first > 0
        and tokens[num.first - 1].endswith(_ELIDED)
        and carry.kind is not None
        and bool(sf & (RET | XCH))
    )
    # "Україні передали 1000 тіл, а Росія отримала 30": a bare figure right after a verb of
    # transfer, at the end of its clause, counts what the figure before it counted
    bare = (
        not ph.kinds
        and bool(before)
        and num.first > 0
        and bool(flags[num.first - 1] & (GET | GIVE | RET))
        and (num.last >= len(tokens) or tokens[num.last] in BOUNDARY)
    )
    if not ph.kinds and not pre_rem:
        if (
            ((same or elliptic or bare) and before)
            or amount
            or (ph.partitive and carry.kind)
            or elided
        ):
            pass
        elif not ((ph.captive or cf & CAPT) and ph.noun):
            return []
    if not sf & (RET | XCH) and not ph.kinds & CIV and not listing:
        return []  # "врятували 5 людей" from rubble is no return
    if (same or elliptic or bare) and not ph.kinds and before:
        kind = before[-1].kind
    elif amount and not ph.kinds and not pre_rem:
        kind = _kind_of_sentence(_union(flags, a, b) or sf)
    elif (ph.partitive or elided) and not ph.kinds and not pre_rem and carry.kind:
        kind = carry.kind
    else:
        kind = _kind(ph, pre_rem, cf, _outside_parts(flags, sf, num.last), carry)
    if (
        kind == "pows"
        and ph.kinds & PERS
        and not ph.kinds & (MIL | POW)
        and before
        and before[-1].kind == "pows"
        and num.first > 0
        and flags[num.first - 1] & CONJ
    ):
        kind = "civilians"  # "108 военнопленных и 12 граждан": the text splits by kind
    if party is not None and not ph.nat:
        side, case = party
        verb = _verb(tokens, flags, 0, len(tokens), num.first)
        if case == "nom" and before and before[-1].received_by in ("UA", "RU"):
            # "Україна повернула 230 громадян, а Росія — 248": the other subject of the same
            # verb, read the same way, so the other side
            recv: Side | None = other(before[-1].received_by)
        elif case == "nom":
            recv = _by_subject(side, verb, cf, persp) if verb else other(side)
        else:
            recv = side
    else:
        recv = _receiver(s, num, ph, a, b, cf, persp, carry)
        if recv is None and listing:
            recv = carry.receiver
        if (
            not (ph.nat or ph.own)
            and before
            and before[0].received_by
            and _after_colon(tokens, flags, num.first)
        ):
            # "вернулись 146 украинцев: 142 военных и четверо гражданских": the whole's side
            recv = before[0].received_by
    each_after = sf & XCH and any(t in _EACH for t in tokens[num.last : num.last + 3])
    if (
        (each and (sf & XCH or not _EACH.isdisjoint(tokens)))
        or each_after
        or (sf & XCH and _EACH_SIDE.search(s.low))
    ):
        return [
            Count(kind, "UA", num.value, num.approx, own_total=_total_of(s, num.first)),
            Count(kind, "RU", num.value, num.approx, own_total=_total_of(s, num.first)),
        ]
    return [Count(kind, recv, num.value, num.approx, own_total=_total_of(s, num.first))]


def _after_colon(tokens: list[str], flags: list[int], first: int) -> bool:
    """Whether a colon stands before token `first` with no verb or party between them."""
    for k in range(first - 1, -1, -1):
        if tokens[k] == ":":
            return True
        if flags[k] & (VERBISH | UA | RU) or tokens[k] in BOUNDARY:
            return False
    return False


def _listed_from(tokens: list[str], flags: list[int]) -> int | None:
    """The dash after which a sentence lists the parts of a figure ("серед двохсот
    звільнених — військові ..., а також троє цивільних"): the position of that dash."""
    for k, f in enumerate(flags):
        if f & SUBSET:
            for d in range(k + 1, len(tokens)):
                if tokens[d] in _DASHES:
                    return d
                if tokens[d] in BOUNDARY:
                    return None
            return None
    return None


def _total_of(s: Sentence, first: int) -> bool:
    """Whether a total word stands right before the number ("в общей сложности 240",
    "загалом 300", "всего 3900"): the total is said of it, not of the sentence's other
    figures."""
    return bool(s.sflags & TOTAL) and any(
        s.flags[k] & TOTAL for k in range(max(0, first - 3), first)
    )


def _before_subset(flags: list[int]) -> int:
    """Flags of the tokens before a "зокрема"/"серед них": what the main clause speaks of."""
    u = 0
    for f in flags:
        if f & SUBSET:
            break
        u |= f
    return u


def _elided_party(tokens: list[str], flags: list[int], first: int) -> tuple[Side, str] | None:
    """The party of an elliptic figure: "Україна — 757", "российской — 75" (the verb and the
    noun stand earlier in the sentence)."""
    if first < 2 or tokens[first - 1] not in _DASHES:
        return None
    k = first - 2
    form = party_form(tokens, flags, k)
    if form is not None:
        return form
    f, tok = flags[k], tokens[k]
    if f & (UA | RU) and not (f & UA and f & RU) and tok.endswith(_SIDE_ADJ):
        case = "nom" if tok.endswith(("ська", "ская")) else "dat"
        return ("UA" if f & UA else "RU"), case
    return None


def _deal(tokens: list[str], flags: list[int], a: int, b: int) -> bool:
    """ "домовленість про обмін", "договоренность об обмене": an agreement and its terms."""
    return any(
        flags[k] & AGREEN and tokens[k + 1] in ("про", "о", "об")
        for k in range(a, min(b, len(tokens) - 1))
    )


def _outside(tokens: list[str], flags: list[int], end: int) -> bool:
    """Whether the clause that ends before token `end` is "поза обміном" / "вне обмена"."""
    k = end - 1
    while k >= 0 and tokens[k] not in BOUNDARY:
        if flags[k] & OUTSIDE and k + 1 < end and flags[k + 1] & XCH:
            return True
        k -= 1
    return False


def _union(flags: list[int], a: int, b: int) -> int:
    return reduce(or_, flags[a:b], 0)


def _amount(tokens: list[str], flags: list[int], a: int, first: int) -> bool:
    """ "кількість повернених досягла 6057", "тела ... в количестве 1000": a bare figure that
    a count noun announces."""
    if first < 1:
        return False
    if tokens[first - 1] in ("количестве", "кількості"):
        return any(flags[k] & PEOPLE for k in range(a, first))
    if not tokens[first - 1].startswith(_REACH):
        return False
    return any(tokens[k].startswith(_AMOUNT) for k in range(a, first)) and any(
        flags[k] & (PEOPLE | RET) for k in range(a, first)
    )


def _drop_sums(counts: list[Count]) -> list[Count]:
    """Drop a figure that only sums others of the same sentence ("390: 270 військових і 120
    цивільних")."""
    if len(counts) < 3:
        return counts
    keep = []
    for c in counts:
        parts = [d.count for d in counts if d is not c and d.received_by == c.received_by]
        if len(parts) >= 2 and sum(parts) == c.count:
            continue
        keep.append(c)
    return keep
