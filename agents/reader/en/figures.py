"""One English figure in its window of tokens: whose people it counts, which verb governs it,
and who received them.

A figure is read from: the noun phrase after it (bodies, prisoners, civilians; nationality),
the verb before it (or after it, when the figure is the subject: "130 people returned"), the
words qualifying that verb (offered, agreed, postponed, not), the subject of the verb, the
destination or origin after it ("to Ukraine", "from Russian captivity"). Every scan is bounded
by a fixed number of tokens.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from agents.reader.en.lexicon import (
    AGENTS,
    AGREEMENT_PLACE,
    AGREEMENT_ROUND,
    APPROX_1,
    AUX,
    CASUALTY,
    CIVILIAN_HEADS,
    COMMIT,
    COPULA,
    COUNTERPART_HEADS,
    DEAL_NOUNS,
    EACH,
    EVENT_PLURAL,
    EVENT_SINGULAR,
    EXCHANGE,
    FORCIBLE,
    FORMAT_NOUNS,
    GENERIC_HEADS,
    GIVE,
    HELD_UP,
    HOLDING,
    IMPLICATIVE,
    IN_PROGRESS,
    KIND_GROUPS,
    KIND_HINT,
    LIGHT_VERBS,
    LISTS,
    NATIONALITY,
    NEEDS_BACK,
    NEGATION,
    NONPERSON_HINT,
    NOT_RETURNED,
    NP_BREAK,
    NP_MODIFIERS,
    OFFER,
    PAIR_CUES,
    PLAN,
    POW_HEADS,
    PREDICATES,
    RECEIVE,
    REGION_SIDE,
    REMAINS_HEADS,
    REMAINS_MODS,
    REQUESTS,
    ROUND_NUMBERS,
    SECURED,
    STILL_HELD,
    SUBSET,
)
from agents.reader.en.numbers import Mention
from agents.reader.en.parties import (
    CLAUSE_WORDS,
    STOP_PUNCT,
    Agent,
    across_front,
    agent_after,
    between_sides,
    deported_by_russia,
    destination,
    in_return,
    other,
    shares_subject,
    subject_of,
)
from agents.reader.en.tokens import N, P, Tokens, W
from schemas.common import Kind, Party

PredClass = Literal["receive", "give", "return", "exchange"]
Mode = Literal["done", "offer", "plan", "commit", "neg"]
Side = Party | None

_QUOTES = frozenset("'\"‘’“”«»")
_BACK_WINDOW = 14
_FWD_WINDOW = 18
_MAX_NP_WORDS = 9


_AGREED = re.compile(
    r"\b(?:agree(?:d|s|ment|ments)?|deal|accords?|arrangement|memorandum|talks|negotiations)\b"
)


@dataclass(slots=True)
class DocContext:
    """What earlier sentences of the item established (last side and kind, last figure) and
    the item's agreement cues (venue, round), read once."""

    ref: dt.date | None
    full_text: str
    last_side: dict[str, Party] = field(default_factory=dict)
    last_any_side: Party | None = None
    last_kind: Kind | None = None
    last_count: int | None = None
    side_of_count: dict[int, Party] = field(default_factory=dict)
    _agreement_cues: tuple[str | None, int | None] | None = None
    _agreed: bool | None = None

    def speaks_of_agreement(self) -> bool:
        """Whether the item speaks of an agreement between the sides (a planned symmetric
        figure is then its term)."""
        if self._agreed is None:
            self._agreed = _AGREED.search(self.full_text.lower()) is not None
        return self._agreed

    def agreement_cues(self) -> tuple[str | None, int | None]:
        if self._agreement_cues is None:
            low = self.full_text.lower()
            named = any(map(low.__contains__, ("istanbul", "turkey", "türkiye", "geneva")))
            pm = AGREEMENT_PLACE.search(self.full_text) if named else None
            rm = AGREEMENT_ROUND.search(low) if "round" in low or "meeting" in low else None
            self._agreement_cues = (
                pm.lastgroup if pm else None,
                ROUND_NUMBERS[rm.group("n").lower()] if rm else None,
            )
        return self._agreement_cues


@dataclass(slots=True)
class Pred:
    cls: PredClass
    idx: int
    mode: Mode
    perfect: bool = False  # "has returned": a result so far


REJECT = Pred("exchange", -1, "neg")
_VERBISH = PREDICATES | {"way"}  # words pred_class may accept


@dataclass(slots=True)
class NounPhrase:
    end: int
    kind: Kind | None = None
    person: bool = False
    generic: bool = False
    counterpart: bool = False
    nat: set[Party] = field(default_factory=set)
    our: bool = False
    own: bool = False  # "its", "their": the subject's own people
    event_idx: int | None = None
    each: bool = False  # "1,000 each", "157 from each side"
    both: bool = False  # "from both sides": a combined figure
    more: bool = False


@dataclass(slots=True)
class Reading:
    m: Mention
    kind: Kind
    sides: list[Side]
    counts: list[int]
    mode: Mode
    pred: Pred
    np: NounPhrase
    per_side: bool
    explicit_side: bool
    historical: bool = False
    cumulative: bool = False
    occurred: str | None = None
    since: str | None = None
    as_of: str | None = None


# ------------------------------------------------------------------------------ noun phrase

_PERSON_WORDS = (
    REMAINS_HEADS | POW_HEADS | CIVILIAN_HEADS | GENERIC_HEADS | COUNTERPART_HEADS
    | frozenset(NATIONALITY) | REMAINS_MODS | NP_MODIFIERS
    | frozenset({"more", "further", "additional", "another", "the", "our", "its", "their"})
)  # fmt: skip
_PERSON_HEADS = REMAINS_HEADS | POW_HEADS | CIVILIAN_HEADS | GENERIC_HEADS | {"war"}


def _may_modify(w: str) -> bool:
    """Whether an unknown word can stand before the head noun: participles ("detained"),
    compounds ("long-held"), adverbs, nationality-like adjectives."""
    return w in _PERSON_WORDS or w.endswith(("ed", "ly", "ian")) or "-" in w


def noun_phrase(t: Tokens, k: int) -> NounPhrase | None:
    """The people counted by a figure whose tokens end at k; None when they are not people
    ("12 drones", "the two countries", "three swaps")."""
    np = NounPhrase(end=k)
    n = len(t)
    words: list[tuple[int, str]] = []
    j = k
    while j < n and len(words) < _MAX_NP_WORDS:
        kd, w = t.kind[j], t.low[j]
        if kd == P:
            if w in _QUOTES:
                j += 1
                continue
            break
        if kd != W:
            break
        if w == "of":
            nxt = t.low[j + 1] if j + 1 < n else ""
            if not words:
                if nxt in ("them", "whom", "those", "these", "which"):
                    return None  # "five of them": a part of something
                if nxt in ("our", "its", "their", "the") or (j > 0 and t.low[j - 1] == "number"):
                    j += 1
                    continue
                break
            if words[-1][1] in _PERSON_HEADS or words[-1][1] in COUNTERPART_HEADS:
                words.append((j, w))
                j += 1
                continue
            break
        if w == "and" and words and words[-1][1] in NATIONALITY:
            if j + 1 < n and t.low[j + 1] in NATIONALITY:
                words.append((j, w))
                j += 1
                continue
            break
        if w in EVENT_SINGULAR or w in EVENT_PLURAL:
            words.append((j, w))
            j += 1
            break
        if w in NP_BREAK or (w.endswith("ing") and len(w) >= 5):
            break
        words.append((j, w))
        j += 1
    np.end = j
    if (
        words
        and words[-1][1] in NATIONALITY
        and j + 2 < n
        and t.low[j] == "and"
        and t.kind[j + 1] == N
    ):
        # "307 Ukrainian and 307 Russian soldiers": the first figure shares the second's head
        shared = noun_phrase(t, j + 2)
        if shared is not None and shared.person and not shared.nat & {NATIONALITY[words[-1][1]]}:
            np.kind, np.person, np.generic = shared.kind, True, shared.generic
            np.nat.add(NATIONALITY[words[-1][1]])
            return np
    remains_mark = False
    after_of = False
    for idx, w in words:
        if w == "of":
            after_of = True
            continue
        if w in EVENT_PLURAL and not after_of:
            return None  # "three swaps": a count of events
        if w in EVENT_SINGULAR:
            if not after_of:
                np.event_idx = idx
            break
        if not np.person and (w in NONPERSON_HINT or not _may_modify(w)):
            return None
        if w in NATIONALITY:
            np.nat.add(NATIONALITY[w])
        if w in REGION_SIDE and after_of:
            np.nat.add(REGION_SIDE[w])
        if w == "our":
            np.our = True
        elif w in ("its", "their"):
            np.own = True
        if w in ("more", "further", "additional", "another"):
            np.more = True
        if w in REMAINS_HEADS:
            remains_mark = True
            np.person = True
        elif w in REMAINS_MODS:
            remains_mark = True
            if w in ("dead", "fallen", "deceased"):
                np.person = True
        elif w in CIVILIAN_HEADS:
            if np.kind != "civilians" and not (np.kind == "pows" and w == "civilian"):
                np.kind = "civilians"
            np.person = True
        elif w in POW_HEADS:
            if np.kind is None:
                np.kind = "pows"
            np.person = True
        elif w in COUNTERPART_HEADS:
            np.counterpart = True
            np.person = True
        elif w in GENERIC_HEADS:
            np.generic = True
            np.person = True
    if remains_mark and np.person:
        np.kind = "remains"
    if np.kind is not None:
        np.generic = False
    elif np.person and not np.counterpart:
        np.generic = True
    # "1,000 each", "157 from each side", "205 going each way", "from both sides"
    for x in range(np.end, min(n, np.end + 4)):
        w = t.low[x]
        if (t.kind[x] == P and w in STOP_PUNCT) or t.kind[x] == N:
            break  # (another figure's "each" is its own)
        if w in EACH and not (x + 1 < n and t.low[x + 1] == "other"):
            np.each = True
            break
        if w == "per" and x + 1 < n and t.low[x + 1] == "side":
            np.each = True
            break
        if w == "both" and x + 1 < n and t.low[x + 1] in ("sides", "parties"):
            np.both = True
            break
    return np


# ------------------------------------------------------------------------------ verbs


def pred_class(t: Tokens, j: int) -> PredClass | None:
    """The class of the verb (or verbal noun) at token j, if it is one of ours."""
    w = t.low[j]
    n = len(t)
    if w not in PREDICATES:
        if w == "way" and j >= 2 and t.low[j - 2] == "on":  # "on their way home"
            return "return"
        return None
    nxt = t.low[j + 1] if j + 1 < n else ""
    prv = t.low[j - 1] if j > 0 else ""
    if w in EXCHANGE:
        if prv == "in" and nxt in ("for", "of"):
            return None  # "in exchange for": a pairing, not a verb
        if nxt in ("fund", "pool", "stock"):
            return None  # "the exchange fund": captives held for swaps to come
        return "exchange"
    if w in NEEDS_BACK:
        if w.startswith(("bring", "brought")):
            # "brought 31 children home" is a return too
            if not any(t.low[x] in ("back", "home") for x in range(j + 1, min(n, j + 6))):
                return None
        elif nxt not in ("back", "home"):
            return None
    if w in ("return", "returns") and prv == "in":
        return None  # "in return": said of the other side's part
    if w == "free" and nxt in ("of", "from", "to"):
        return None
    if w in RECEIVE:
        return "receive"
    if w in GIVE:
        if w == "sent" and nxt not in ("back", "home", "to"):
            return None
        if any(t.low[x] in SECURED for x in range(max(0, j - 3), j)):
            return "receive"  # "secured the release of 215"
        if nxt == "of" or prv in ("the", "a", "completing", "completed", "complete"):
            return "return"  # a noun: "the release of", "completing transfer of"
        return "give"
    return "return"


_DETERMINERS = frozenset({"the", "a", "an", "this", "another", "its", "their"})


def _is_nominal(t: Tokens, j: int) -> bool:
    """Whether the word at j is a noun after its determiner ("the release and exchange",
    "a prisoner swap", "the simultaneous release")."""
    for x in range(j - 1, max(-1, j - 5), -1):
        w = t.low[x]
        if w in _DETERMINERS:
            return True
        if t.kind[x] != W or w in AUX or (w in NP_BREAK and w != "and" and w not in PREDICATES):
            return False
    return False


def _for_purpose(t: Tokens, j: int) -> bool:
    """ "for a (planned) exchange", "in preparation for the swap": what the people were
    there for, not what was done."""
    for x in range(j - 1, max(-1, j - 5), -1):
        if t.low[x] == "for" or (t.low[x] == "to" and t.low[j] in ("swap", "exchange")):
            # ("carrying 65 prisoners to a swap": where they were taken, for what)
            return x == 0 or t.low[x - 1] not in ("exchange", "return", "swap")
        if t.kind[x] != W:
            return False
    return False


def mode_before(t: Tokens, j: int) -> tuple[Mode, bool]:
    """What qualifies the verb at j: offered / planned, agreed, negated or held up, or done;
    and whether it is a perfect ("has returned")."""
    perfect = False
    infinitive = j > 0 and t.low[j - 1] == "to"
    # "a deal on the return and exchange of 700": a noun takes the mode of the word
    # it depends on, further back
    nominal = _is_nominal(t, j)
    window = 10 if infinitive else 8 if nominal else 4
    if infinitive and j >= 2 and t.low[j - 2] in IMPLICATIVE:
        return "done", perfect  # "managed to bring home 38", "were allowed to return"
    if infinitive and j >= 2 and t.low[j - 2] in ("and", "or", ","):
        # "agreed to free the sick ... and to return 4,000 bodies": the infinitive
        # before it says what governs both
        for x in range(j - 3, max(0, j - 40), -1):
            if t.low[x] == "to" and x + 1 < j - 2 and t.kind[x + 1] == W:
                return mode_before(t, x + 1)
    if nominal and _for_purpose(t, j):
        return "plan", perfect  # "taking 40 prisoners to the border for a planned swap"
    mode: Mode = "done"
    will = False
    bilateral = False
    x = j
    words = 0
    while x > 0 and words < window:
        x -= 1
        kd, w = t.kind[x], t.low[x]
        if kd == P:
            if w in STOP_PUNCT or (w == "," and not infinitive):
                break
            continue
        words += 1
        if x < j - 1 and pred_class(t, x) is not None and not (nominal and t.low[x + 1] == "and"):
            break
        if j - x <= 3 and (w in NEGATION or w.endswith("n't") or w in FORCIBLE):
            return "neg", perfect
        if w in HELD_UP:
            return "neg", perfect  # "postponed the exchange of", "blocking the return of"
        if infinitive and x == j - 2 and w in ("was", "were", "is", "are", "am"):
            return "plan", perfect  # "she was to bring her son back"
        if w == "to" and x + 1 < j and t.low[x + 1] in LIGHT_VERBS:
            # "agreed ... to carry out a new exchange of 1,200": the infinitive's mode
            return mode_before(t, x + 1)
        if w in ("has", "have") and j - x <= 3:
            perfect = True
        if w in ("sides", "parties", "both", "each"):
            bilateral = True
        if mode == "done" and not will:
            if w in OFFER:
                mode = "offer"
            elif w in PLAN:
                mode = "plan"
            elif w in COMMIT:
                mode = "commit"
            elif w == "will":
                will = True
            elif w == "be" and x >= 1 and t.low[x - 1] == "to" and j - x <= 2:
                mode = "plan"  # "were to be exchanged"
    if will:
        # "the sides will exchange 1,200": agreed; "Russia will hand over": an announcement
        mode = "commit" if bilateral else "plan"
    return mode, perfect


def verbs(t: Tokens) -> list[int]:
    """Positions of the sentence's verbs (and verbal nouns) of return, in order."""
    if t.verbs is None:
        t.verbs = [x for x, w in enumerate(t.low) if w in _VERBISH and pred_class(t, x)]
    return t.verbs


def clause_subject(t: Tokens, j: int) -> Agent:
    """The subject of the verb at j in its clause; a verb coordinated with the one before it
    and without a subject of its own has that verb's subject ("Russia handed over 1,000 ...
    and received 19 back", "... to Ukraine, while receiving about 15 in return")."""
    found = subject_of(t, j)
    if found is not None:
        return found
    before = [x for x in verbs(t) if x < j]
    if before and shares_subject(t, before[-1], j):
        return clause_subject(t, before[-1])
    return None


def pred_before(t: Tokens, i0: int) -> Pred | None:
    for x in range(i0 - 1, max(-1, i0 - 1 - _BACK_WINDOW), -1):
        kd, w = t.kind[x], t.low[x]
        if kd == P:
            if w in STOP_PUNCT:
                return None
            if w == "," and x + 1 < len(t) and t.low[x + 1] in ("and", "which", "who"):
                return None
            continue
        if kd != W:
            continue
        if w in CLAUSE_WORDS:
            return None
        if w in HOLDING:
            return REJECT  # "Russia is holding more than 10,000 Ukrainians"
        if w not in _VERBISH:
            continue
        cls = pred_class(t, x)
        if cls is not None:
            mode, perfect = mode_before(t, x)
            return Pred(cls, x, mode, perfect)
    return None


def pred_after(t: Tokens, k: int) -> Pred | None:
    """A verb after the noun phrase ("130 people returned", "106 soldiers were returned");
    `REJECT` when the people were killed, abducted or are still held. A relative clause
    ("who had been taken to Ukraine") is read through."""
    n = len(t)
    aux = False
    rel = False
    for x in range(k, min(n, k + _FWD_WINDOW)):
        kd, w = t.kind[x], t.low[x]
        if kd == P:
            if w in STOP_PUNCT:
                return None
            if w == ",":
                rel = aux = False  # a relative clause ends
            continue
        if kd == N and not (len(w) == 4 and w.startswith(("19", "20"))):
            if x > k and (t.low[x - 1] in ("and", ",") or t.low[x - 1] in SUBSET):
                continue  # "230 Ukrainians and 248 Russians were freed", "including 33 ..."
            return None  # another figure: its own verb
        if w in ("who", "which", "that"):
            rel = True  # "who had been taken to Ukraine ...": read through
            continue
        if kd != W:
            continue
        if x == k and w in CASUALTY:
            return REJECT
        if w in STILL_HELD and not rel:
            return REJECT
        cls = pred_class(t, x) if w in _VERBISH else None
        if cls is not None:
            if _for_purpose(t, x):
                return Pred(cls, x, "plan")  # "40 POWs were brought to the border for a swap"
            before = [t.low[y] for y in range(max(k, x - 3), x)]
            if before[-2:-1] and before[-2] in IMPLICATIVE and before[-1] == "to":
                return Pred(cls, x, "done")  # "were allowed to come home": they came
            if before and (
                before[-1] in ("to", "will", "would")
                or before[-2:] == ["to", "be"]
                or any(b in OFFER or b in PLAN for b in before)
                or before[-2:-1] in (["will"], ["would"])
            ):
                return Pred(cls, x, "plan")  # "to be handed over", "are expected to return"
            if any(b in NEGATION or b.endswith("n't") for b in before):
                return Pred(cls, x, "neg")
            # "have been repatriated": a result so far
            return Pred(cls, x, "done", perfect="have" in before or "has" in before)
        if w in AUX:
            aux = True
            continue
        if not rel and ((w in NOT_RETURNED and aux) or w in ("fled", "died", "disappeared")):
            return REJECT
    return None


def _immediate(t: Tokens, np_end: int, p: Pred) -> bool:
    """Whether the verb follows the noun phrase directly (maybe after auxiliaries): then the
    figure is its subject ("three children went back", "106 soldiers were returned")."""
    return all(t.low[x] in AUX or t.low[x] in ("also", "all", "now") for x in range(np_end, p.idx))


def _sides(
    t: Tokens,
    m: Mention,
    np: NounPhrase,
    pred: Pred,
    after_pred: bool,
    ctx: DocContext,
    kind: Kind,
    claimant: Party | None,
) -> tuple[list[Side], bool]:
    """Receiving side(s) of a figure, and whether the text said it (not the context)."""
    n = len(t)
    if m.pair:
        return ["UA", "RU"], True
    agent: Agent = clause_subject(t, pred.idx) if not after_pred else agent_after(t, pred.idx)
    # elliptical subject right before the figure: "..., Russia 19"
    if m.i0 >= 1 and t.low[m.i0 - 1] in AGENTS and pred.idx < m.i0 - 1:
        agent = AGENTS[t.low[m.i0 - 1]]
    if np.each or (agent == "each" and not np.nat):
        return ["UA", "RU"], True
    if np.both:
        return [None], True
    if len(np.nat) == 1:
        return [next(iter(np.nat))], True
    if len(np.nat) > 1:
        return [None], True
    lo = min(pred.idx, m.i0)
    hi = max(pred.idx, np.end)
    if (pred.cls == "exchange" and between_sides(t, lo - 2, min(n, hi + 8))) or (
        "across" in t.text and across_front(t, lo, min(n, hi + 8))
    ):
        return [None], True
    if deported_by_russia(t, np.end, min(n, np.end + 8)):
        return ["UA"], True
    dest_from = pred.idx + 1 if after_pred else np.end
    dest = destination(t, dest_from, dest_from + 8)
    if dest is None and not after_pred and pred.idx + 1 < m.i0:
        dest = destination(t, pred.idx + 1, m.i0)
    if not np.person:
        # "the total number of Ukrainians returned to 3,210": the people named before
        for x in range(m.i0 - 1, max(-1, m.i0 - 9), -1):
            if t.low[x] in ("ukrainians", "russians"):
                return [NATIONALITY[t.low[x]]], True
    if dest == "people_ru":
        return ["RU"], True
    if dest == "people_ua":
        return ["UA"], True
    if dest in ("UA", "RU"):
        return [dest], True  # (before "its": "handed over to Kyiv 700 of its dead")
    if np.own:
        # "Russia received 95 of its servicemen", "Russia said 49 of its servicemen had been
        # returned": the subject's own people
        owner = agent if agent in ("UA", "RU") else clause_subject(t, m.i0)
        if owner in ("UA", "RU"):
            return [owner], True
    if np.our and claimant:
        return [claimant], True
    if agent == "joint":
        return [None], True
    if agent in ("UA", "RU"):
        if pred.cls == "receive":
            return [agent], True
        if pred.cls == "give":
            return [other(agent)], True
        if pred.cls == "return":
            # what the other side did in the same sentence, by its own verbs
            done_by_other = {
                cls
                for y in verbs(t)
                if y != pred.idx
                and (cls := pred_class(t, y)) in ("receive", "give")
                and clause_subject(t, y) == other(agent)
            }
            # "Moscow got back 120 men, with Kyiv receiving as many": the other
            # side received its own part, so these came back to the subject
            if "receive" in done_by_other:
                return [agent], True
            # "Russia has handed over 11,500 bodies, while Kyiv has returned only 220": as the
            # other side gave, so did this one
            if "give" in done_by_other:
                return [other(agent)], True
            # "Russia returned the bodies" (handed back) and "Ukraine returned the bodies of
            # its defenders" (brought back): either way Ukraine's people, in these reports
            return ["UA"], True
    if dest == "home":
        return ["UA"], True
    if pred.cls == "exchange" or any(
        t.low[x] in ("exchange", "swap") and t.low[x - 1] != "in"
        for x in range(pred.idx + 1, min(n, pred.idx + 6))
    ):
        return [None], False  # "410 prisoners were freed in a mutual exchange": both sides
    if in_return(t, max(0, lo - 6), lo):
        last = ctx.last_side.get(kind)
        if last:
            return [other(last)], False
    if claimant and pred.cls in ("give", "return"):
        return [claimant], False  # "Kyiv says 189 prisoners freed"
    last = ctx.last_side.get(kind)
    if last:
        return [last], False
    if pred.cls in ("return", "receive"):
        return ["UA"], False
    return [None], False


# ------------------------------------------------------------------------------ one figure


_HARM_VERBS = frozenset(
    [
        "kills",
        "killed",
        "killing",
        "wounds",
        "wounded",
        "wounding",
        "injures",
        "injured",
        "injuring",
        "hurt",
    ]
)


def blocked_before(t: Tokens, i0: int) -> Literal["subset", "other", "frame"] | None:
    """Subsets ("including 12 children"), lists, requests, negated figures ("not 33"), parts
    of a frame ("the first stage of the 1,000-for-1,000 exchange")."""
    x = i0 - 1
    while x >= 0 and (t.low[x] in APPROX_1 or t.low[x] in ("than", "least", "as", "many", "to")):
        x -= 1
    for y in range(x, max(-1, x - 4), -1):
        w = t.low[y]
        if t.kind[y] == P and w in STOP_PUNCT:
            break
        d = x - y
        if (d <= 2 and w in SUBSET) or (d == 3 and w in ("among", "amongst")):
            return "subset"  # "including 12 children", "among those freed were eight"
        if d <= 2 and (w in LISTS or w in REQUESTS):
            return "other"
        if d == 0 and w in _HARM_VERBS:
            return "other"  # "shelling kills 5 in Kherson": casualties
        if (
            d <= 1
            and w in ("not", "no", "never")
            and not (y + 1 < len(t) and t.low[y + 1] in ("fewer", "less", "more"))
        ):
            return "other"
        if d <= 2 and w == "of" and y > 0 and t.low[y - 1] in ("stage", "phase", "part", "wave"):
            return "frame"  # "the second stage of the 700-for-700 exchange"
    return None


def _among_after(t: Tokens, end: int) -> bool:
    """ "14 officers were among those freed", "two women are also among them": a part of the
    figure given elsewhere."""
    x = end
    if x < len(t) and t.low[x] in ("was", "were", "are", "is"):
        x += 1
        if x < len(t) and t.low[x] in ("also", "reportedly"):
            x += 1
        return x < len(t) and t.low[x] in ("among", "amongst")
    return False


def _pair_cue(t: Tokens, i0: int) -> bool:
    x = i0 - 1
    while x >= 0 and (
        t.low[x] in APPROX_1 or t.low[x] in ("than", "least", "more", "some", "the", "a")
    ):
        x -= 1
    return x >= 0 and (
        t.low[x] in PAIR_CUES or (t.low[x] == "return" and x >= 1 and t.low[x - 1] == "in")
    )


def _remains_before(t: Tokens, i0: int) -> bool:
    """ "the bodies of 909 ...", "remains of another 58"."""
    for x in range(i0 - 1, max(-1, i0 - 5), -1):
        if t.low[x] == "of" and x >= 1 and t.low[x - 1] in ("bodies", "remains", "body"):
            return True
    return False


_PART_BEFORE = re.compile(
    r"\b(?:including|included|includes|among them|among whom|of whom|of them)\b[\w ,]*$"
)


def _generic_kind(text: str, pos: int, ctx: DocContext) -> Kind:
    """Kind of "people", "Ukrainians", a bare figure: bodies if the sentence speaks of them,
    prisoners if it speaks of an exchange or captivity, else the nearest hint or the item's."""
    best: Kind | None = None
    best_d = 10**9
    exchange_talk = False
    low = text.lower()
    for m in KIND_HINT.finditer(low):
        g = m.lastgroup
        if g == "remains":
            return "remains"
        if g == "pows" or g == "swap":
            exchange_talk = True
        if g == "civilians" and _PART_BEFORE.search(low, max(0, m.start() - 24), m.start()):
            exchange_talk = True  # "84 Ukrainians, including 33 civilians": a mixed group
            continue
        d = abs(m.start() - pos)
        if g in KIND_GROUPS and d < best_d:
            best, best_d = g, d
    if exchange_talk:
        return "pows"
    return best or ctx.last_kind or "pows"


_CITIZENS = frozenset({"citizens", "nationals", "compatriots"})
_ADVERBS = frozenset({"so", "far", "already", "now", "since", "then", "also", "successfully"})


def _citizens_from_captivity(t: Tokens, start: int, end: int, text: str) -> bool:
    """Whether the people counted are named only as citizens, and the sentence brings them
    from captivity or a prisoner exchange: prisoners by the conventions, whatever they were."""
    words = {t.low[x] for x in range(start, min(end, len(t)))}
    heads = words & CIVILIAN_HEADS
    return bool(heads) and heads <= _CITIZENS and re.search(r"captivity|prisoner", text) is not None


def _in_progress(t: Tokens, j: int) -> bool:
    """Whether the swap named by the noun at j is under way or ahead, said after it in its
    clause: "the swap ... began on Friday", "a swap reportedly underway", "is expected to"."""
    for x in range(j + 1, min(len(t), j + 16)):
        w = t.low[x]
        if t.kind[x] == P and w in STOP_PUNCT:
            return False
        if w in IN_PROGRESS or (w == "yet" and t.low[x - 1] == "not"):
            return True
        if w == "would" and x == j + 1:
            return True  # "the new swap would involve 1,000 prisoners on each side"
    return False


_DONE_AFTER = frozenset(
    {"took", "happened", "occurred", "ended", "concluded", "completed", "held", "conducted",
     "carried", "finished", "exchanged", "swapped", "returned", "released"}
)  # fmt: skip


_DONE_BEFORE = frozenset(
    {"carried", "conducted", "held", "completed", "made", "performed", "staged", "concluded",
     "implemented", "finalised", "finalized"}
)  # fmt: skip


def _done_after(t: Tokens, j: int) -> bool:
    """Whether a verb of the swap noun at j, in its clause, says it took place: after it
    ("the swap ... took place") or governing it ("carried out another exchange")."""
    for x in range(j + 1, min(len(t), j + 16)):
        if t.kind[x] == P and t.low[x] in STOP_PUNCT:
            break
        if t.low[x] in _DONE_AFTER:
            return True
    for x in range(j - 1, max(-1, j - 6), -1):
        if t.kind[x] == P and t.low[x] in STOP_PUNCT:
            break
        if t.low[x] in _DONE_BEFORE:
            return True
    return False


def _mode_of_figure(t: Tokens, m: Mention, np: NounPhrase, pred: Pred, ctx: DocContext) -> Mode:
    """The figure's modality: its verb's, except that a symmetric figure ("1,000 for 1,000",
    "1,000 from each side") naming a deal, or planned or under way while the text speaks of
    an agreement, is the term of that agreement, not an exchange done."""
    mode = pred.mode
    symmetric = m.pair or np.each
    if not symmetric:
        return mode
    if mode == "done" and t.low[pred.idx] in EVENT_SINGULAR and _in_progress(t, pred.idx):
        mode = "plan"
    noun = t.low[np.event_idx] if np.event_idx is not None else ""
    nxt = t.low[np.event_idx + 1] if np.event_idx is not None and np.event_idx + 1 < len(t) else ""
    if noun in DEAL_NOUNS or nxt in DEAL_NOUNS:
        return "commit"  # "under a 700-for-700 deal"
    if (
        mode == "done"
        and noun in FORMAT_NOUNS
        and _is_nominal(t, pred.idx)
        and not _done_after(t, pred.idx)
    ):
        # "a swap in the 700-for-700 format" names the swap's terms; only a verb says
        # that it took place ("exchanged ... in the format", "the swap ... took place")
        mode = "plan"
    if mode == "plan" and ctx.speaks_of_agreement():
        return "commit"
    return mode


def read_figure(
    t: Tokens,
    m: Mention,
    prev: Reading | None,
    ctx: DocContext,
    text: str,
    claimant: Party | None,
    *,
    allow_subset: bool = False,
) -> Reading | Literal["subset"] | None:
    """The reading of figure `m`, None when it is not a count of people returned or agreed,
    "subset" when it is a part ("including 12 children")."""
    blocked = blocked_before(t, m.i0)
    if blocked == "other" or (blocked == "subset" and not allow_subset):
        return blocked if blocked == "subset" else None
    np = noun_phrase(t, m.i1)
    if np is None or (blocked == "frame" and not (m.pair or np.each)):
        return None
    if not allow_subset and _among_after(t, np.end):
        return "subset"
    n = len(t)
    # "1,000 ... against 30 Russian counterparts", "95 in exchange for 95 Russians"
    if (
        prev is not None
        and not m.pair
        and _pair_cue(t, m.i0)
        and (not np.person or np.counterpart or np.generic or np.kind in (None, prev.kind))
    ):
        nat = np.nat if len(np.nat) == 1 else set()
        prev_side = prev.sides[-1]
        side: Side = next(iter(nat)) if nat else (other(prev_side) if prev_side else None)
        # "500 prisoners for 500": the same figure each way
        same = m.value == prev.counts[-1]
        return Reading(
            m, prev.kind, [side], [m.value], prev.mode, prev.pred, np, same, bool(nat),
            prev.historical, prev.cumulative, prev.occurred, prev.since, prev.as_of,
        )  # fmt: skip
    back = pred_before(t, m.i0)
    if back is REJECT:
        return None
    fwd = pred_after(t, np.end)
    if fwd is REJECT:
        if back is None:
            return None
        fwd = None
    pred: Pred | None
    after_pred = False
    if fwd is not None and (back is None or _immediate(t, np.end, fwd)):
        pred, after_pred = fwd, True
    else:
        pred = back
    # "a prisoner swap, in which 95 ... came home": the later verb
    # tells the direction
    steer = (
        fwd
        if pred is back
        and back is not None
        and back.cls == "exchange"
        and fwd is not None
        and fwd.cls != "exchange"
        and fwd.mode == "done"
        else None
    )
    if pred is None and np.event_idx is not None and (np.person or m.pair or np.more):
        pred = Pred("exchange", np.event_idx, mode_before(t, m.i0)[0])
    if pred is None:
        return None
    # the larger operation a stage belongs to: its terms, not a swap done
    mode = "commit" if blocked == "frame" else _mode_of_figure(t, m, np, pred, ctx)
    if mode in ("offer", "plan", "neg"):
        return None
    if not np.person:
        if m.i0 > 0 and t.low[m.i0 - 1] in COPULA:
            return None  # "the oldest of those freed is 60"
        # a bare figure needs a verb right next to it, a pair, or "each"
        adjacent = (not after_pred and pred.idx >= m.i0 - 5) or (
            after_pred
            and (
                pred.idx <= np.end + 3
                # "just over 1,200 have so far been brought back"
                or all(t.low[x] in AUX or t.low[x] in _ADVERBS for x in range(np.end, pred.idx))
            )
        )
        if not (m.pair or np.each or np.event_idx is not None or adjacent):
            return None
        if (
            np.end < n
            and np.event_idx is None
            and t.kind[np.end] == W
            and t.low[np.end] not in NP_BREAK
            and not np.each
            and t.low[np.end] != "going"
        ):
            return None
    kind: Kind | None = np.kind
    if _remains_before(t, m.i0):
        kind = "remains"
    if kind == "civilians" and _citizens_from_captivity(t, m.i1, np.end, text):
        kind = "pows"  # "brought home 189 of its citizens from Russian captivity"
    if kind is None:
        kind = prev.kind if prev is not None else _generic_kind(text, t.start[m.i0], ctx)
    if steer is not None:
        sides, explicit = _sides(t, m, np, steer, True, ctx, kind, claimant)
    else:
        sides, explicit = _sides(t, m, np, pred, after_pred, ctx, kind, claimant)
    # "146 servicemen and eight civilians freed": one verb, one side
    if (
        not explicit
        and prev is not None
        and prev.pred.idx == pred.idx
        and prev.explicit_side
        and len(prev.sides) == 1
    ):
        sides, explicit = list(prev.sides), True
    per_side = m.pair or np.each
    counts = [m.value, m.value2] if m.pair else [m.value] * len(sides)
    return Reading(m, kind, sides, counts, mode, pred, np, per_side, explicit)
