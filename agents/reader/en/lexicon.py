"""English word classes of the reader: who, what, which verb, and the cues around them.

All words are lower case; tokens are compared after lower-casing and dropping a possessive
ending ("soldiers'", "Moscow's").
"""

from __future__ import annotations

import re

from agents.reader.shared.text import lower_pattern
from schemas.common import Kind, Mediator, Party


def _words(s: str) -> frozenset[str]:
    return frozenset(s.split())


def _words_list(s: str) -> list[str]:
    return s.split()


# ---------------------------------------------------------------- numbers written as words
_UNIT_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
    " fifteen sixteen seventeen eighteen nineteen"
)
UNITS: dict[str, int] = {w: i for i, w in enumerate(_words_list(_UNIT_WORDS))}
TENS: dict[str, int] = {
    w: 10 * (i + 2)
    for i, w in enumerate(_words_list("twenty thirty forty fifty sixty seventy eighty ninety"))
}
SCALES: dict[str, int] = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS: frozenset[str] = frozenset(UNITS) | frozenset(TENS) | frozenset(SCALES)

_MONTH_WORDS = (
    "january february march april may june july august september october november december"
)
MONTHS: dict[str, int] = {
    **{m: i + 1 for i, m in enumerate(_words_list(_MONTH_WORDS))},
    **{
        m: i + 1
        for i, m in enumerate(_words_list("jan feb mar apr may jun jul aug sep oct nov dec"))
    },
    "sept": 9,
}
_WEEKDAY_WORDS = "monday tuesday wednesday thursday friday saturday sunday"
WEEKDAYS: dict[str, int] = {d: i for i, d in enumerate(_words_list(_WEEKDAY_WORDS))}

# Words before a figure that make it approximate ("about 130", "more than 6,000").
APPROX_1 = _words(
    "about approximately around some roughly nearly almost over circa approx estimated upwards"
)
APPROX_2 = frozenset(
    {("more", "than"), ("at", "least"), ("up", "to"), ("as", "many"), ("close", "to"),
     ("in", "excess"), ("no", "fewer"), ("no", "less"), ("not", "less")}
)  # fmt: skip

# ---------------------------------------------------------------- nouns after a figure
REMAINS_HEADS = _words("bodies body remains dead fallen deceased corpses")
REMAINS_MODS = _words("fallen dead deceased killed perished slain late")
POW_HEADS = _words(
    "prisoners prisoner pows pow captives captive soldiers soldier servicemen serviceman"
    " servicemembers troops defenders defender fighters fighter personnel marines sailors"
    " guardsmen guards combatants warriors heroes officers privates sergeants men"
    " prisoners-of-war prisoner-of-war servicewomen paratroopers conscripts"
)
CIVILIAN_HEADS = _words(
    "civilians civilian children child kids minors teenagers teens residents citizens women"
    " orphans deportees inhabitants boys girls elderly nationals hostages detainees"
    " grandchildren families mothers"
)
GENERIC_HEADS = _words(
    "people persons individuals ukrainians russians others compatriots countrymen returnees"
    " captives own"
)
COUNTERPART_HEADS = _words("counterparts counterpart others")
# A singular event noun after a figure counts people ("a 150-prisoner exchange"); plural counts
# events ("three swaps").
EVENT_SINGULAR = _words(
    "exchange swap handover repatriation transfer trade format formula deal basis scheme"
    " agreement accord arrangement principle"
)
EVENT_PLURAL = _words(
    "exchanges swaps handovers repatriations transfers trades rounds stages phases"
    " times occasions batches waves"
)
# Words that may stand inside a noun phrase before its head.
NP_MODIFIERS = _words(
    "ukrainian russian more additional further other wounded injured seriously severely"
    " badly heavily sick ill young military captured detained held illegally deported"
    " civilian political of the war prisoner prisoner-of-war azov azovstal national guard"
    " border navy naval army armed forces marine kursk belgorod bryansk mariupol service"
    " fallen dead deceased killed perished slain late our own its their former"
    " seriously-wounded severely-wounded long-held female male underage minor juvenile"
    " ukrainian-held russian-held previously unlawfully forcibly abducted missing"
)
# Nouns that end a noun phrase without being people.
NONPERSON_HINT = _words(
    "drones drone missiles missile km kilometres kilometers miles metres meters percent"
    " hours hour days day weeks week months month years year minutes times dollars euros"
    " hryvnias roubles rubles tonnes tons villages settlements towns cities regions oblasts"
    " tanks aircraft planes shells rockets names lists list bombs strikes attacks"
    " million billion trillion degrees points"
)

# ---------------------------------------------------------------- nationality and parties
NATIONALITY: dict[str, Party] = {
    "ukrainian": "UA",
    "ukrainians": "UA",
    "ukraine": "UA",
    "defenders": "UA",
    "defender": "UA",
    "heroes": "UA",
    "russian": "RU",
    "russians": "RU",
    "russia": "RU",
    "kursk": "RU",
    "belgorod": "RU",
    "bryansk": "RU",
    "occupiers": "RU",
    "invaders": "RU",
}
# Words naming a party when they stand before the verb ("Russia received", "Kyiv handed over").
AGENTS: dict[str, Party] = {
    "ukraine": "UA",
    "kyiv": "UA",
    "kiev": "UA",
    "ukrainians": "UA",
    "russia": "RU",
    "moscow": "RU",
    "kremlin": "RU",
    "russians": "RU",
    "headquarters": "UA",  # the Coordination Headquarters for the Treatment of POWs (Kyiv)
}
# "the Ukrainian side", "Russian authorities": adjective + one of these names the party.
AGENT_NOUNS = _words(
    "side authorities officials government ministry delegation federation forces army military"
    " ombudsman headquarters commissioner president leadership command"
)
PARTY_ADJ: dict[str, Party] = {"ukrainian": "UA", "russian": "RU"}

# Destination / origin after the verb: "to Ukraine", "from Russian captivity".
PLACE_SIDE: dict[str, Party] = {
    "ukrainians": "UA",
    "russians": "RU",
    "ukraine": "UA",
    "kyiv": "UA",
    "kiev": "UA",
    "ukrainian": "UA",
    "russia": "RU",
    "moscow": "RU",
    "russian": "RU",
}
# Regions whose people are one side's: "from the Kursk region" says who they are, not where
# they went.
REGION_SIDE: dict[str, Party] = {
    "kursk": "RU",
    "belgorod": "RU",
    "bryansk": "RU",
    "kherson": "UA",
    "zaporizhzhia": "UA",
    "kharkiv": "UA",
    "donetsk": "UA",
    "luhansk": "UA",
    "mariupol": "UA",
    "crimea": "UA",
}

# ---------------------------------------------------------------- verbs
# Receiver is the subject: "Ukraine received", "Kyiv brought back".
RECEIVE = _words(
    "receive receives received receiving got get gets getting"
    " welcomed welcome welcomes brought bring brings bringing rescued rescue rescues"
    " liberated liberate liberates reclaimed repatriate repatriates repatriated repatriating"
    " took take takes taking"
)
# Verbs that count only with "back" or "home" after them ("took back", "brought home").
NEEDS_BACK = _words(
    "took take takes taking brought bring brings bringing went go goes came come comes coming"
    " crossed cross crosses crossing"
)
# A give-noun after these is received by the subject: "secured the release of 215".
SECURED = _words("secured secure secures securing won obtained achieved ensured negotiated")
# Receiver is the other side: "Russia handed over", "Ukraine released".
GIVE = _words(
    "handed hand hands handing handover transferred transfer transfers transferring released"
    " release releases releasing freed free frees freeing sent gave give gives giving"
    " delivered deliver delivers delivering"
)
# Return verbs: with a destination it decides; with a subject it is the home side (the usage
# of Ukrainian and Western reports: "Ukraine returned the bodies of 909 defenders").
RETURN = _words(
    "return returns returned returning repatriation came come comes coming went go goes"
    " crossed cross crosses crossing"
)
# Symmetric: nobody in particular receives ("exchanged 115 prisoners").
EXCHANGE = _words("exchange exchanged exchanges exchanging swap swapped swaps swapping traded")
PREDICATES = RECEIVE | GIVE | RETURN | EXCHANGE

# Before a verb: the figure is only offered, planned, discussed, requested.
OFFER = _words(
    "offer offers offered offering propose proposes proposed proposing proposal proposals"
    " ready prepared willing want wants wanted seek seeks sought could might may"
    " would should must suggest suggests suggested suggestion demand demands demanded request"
    " requests requested asked asks ask urge urges urged call calls called"
    " try tried trying attempt attempted consider considering considered"
    " discuss discussed discussing discussion negotiate negotiating shall can able"
)
# Before a verb: the figure is planned, expected or under way, not done. A symmetric figure
# ("1,000 for 1,000", "1,000 from each side") planned so is the term of a deal.
PLAN = _words(
    "plan plans planned planning intend intends intended expect expects expected hope hopes"
    " hoped due scheduled supposed going prepare preparing aim aims aimed set slated begin"
    " counting awaiting await awaits"
    " begins began begun beginning start starts started starting expediting expedite"
)
# "to carry out an exchange": the noun after them takes the mode of their infinitive.
LIGHT_VERBS = _words("carry conduct hold make complete implement perform organise organize")
# After a swap noun: it is under way, not done ("the swap ... began on Friday", "underway").
IN_PROGRESS = _words(
    "underway ongoing begin begins began begun beginning start starts started starting"
    " continue continues continuing proceed proceeds progress expected scheduled slated due"
    " will set"
)
# Before "to" + verb: the act took place ("managed to bring home", "were allowed to return").
IMPLICATIVE = _words("managed allowed permitted helped succeeded able")
# A symmetric figure naming one of these is the term of a deal ("a 700-for-700 deal").
DEAL_NOUNS = _words(
    "deal agreement agreements accord arrangement framework understanding pact memorandum"
)
# ... and one naming these follows the verb that governs it ("exchanged in the 1:1 format").
FORMAT_NOUNS = _words("format formula scheme basis principle")
# Before a verb: both sides agreed on the figure.
COMMIT = _words(
    "agree agrees agreed agreeing agreement agreements deal deals committed commit commits"
    " commitment commitments pledge pledged pledges accord arranged arrangement consensus"
    " understanding memorandum signed reached"
)
NEGATION = _words("not never no failed refused refuse refuses refusing without nor")
# Before a verb: the exchange was held up, or the "transfer" was a deportation.
HELD_UP = _words(
    "postponed postpone postpones postponing delayed delay delays delaying blocked blocking"
    " blocks halted halting suspended suspending stalled stalling cancelled canceled"
    " disrupted derailed prevented obstructed obstructing sabotaged thwarted"
)
FORCIBLE = _words("forcibly illegally unlawfully deported abducted kidnapped forcefully")
# A figure inside these is part of another, a list, a request: not a return.
SUBSET = _words("including included includes among amongst whom")
LISTS = _words("list lists names registry register database")
REQUESTS = _words("request requests requested asked demanded appeal appeals")
# After a figure, with an auxiliary: the people were not returned.
NOT_RETURNED = _words(
    "abducted deported taken killed died wounded injured captured detained held kidnapped"
    " missing fled evacuated displaced imprisoned executed tortured buried identified"
    " exhumed convicted sentenced stranded trapped"
)
# After a figure: the people are still held ("8,000 remain in captivity", "still awaiting").
STILL_HELD = _words("remain remained remains still awaiting waiting")
AUX = _words("were was are is have has had been being be remain remained still reportedly")
# Before a figure, instead of a verb of return: the people are held ("Russia is holding
# more than 10,000 Ukrainians").
HOLDING = _words("holding holds hold held detaining detains detain keeps keeping imprisoning")
# Before a bare figure: an age or a property, not a count ("the oldest is 60").
COPULA = _words("is was are were aged age ages")
# After a figure, directly: casualties ("5 killed", "12 people died").
CASUALTY = _words("killed died dead wounded injured hurt fatalities casualties perished")
# Words that end a noun phrase (verbs, prepositions, conjunctions).
NP_BREAK = (
    AUX
    | PREDICATES
    | _words(
        "in on at to from by with for against during after before since into through as than"
        " but or who which that when while whose where including among between were will"
        " would could said says say including each per apiece via under across over within"
        " back home also and"
    )
)
# Pairing cues before a second figure: "1,000 ... against 30", "in exchange for 95".
PAIR_CUES = _words("against for versus vs")
# "each side", "157 from each side", "1,000 each": the figure holds for both sides.
EACH = _words("each apiece")
# Sentence adverbs marking background.
HISTORICAL = _words("previously earlier previous prior preceded formerly")

# ---------------------------------------------------------------- phrase patterns (per sentence)
# Returns explicitly outside an exchange are not exchange facts.
OUTSIDE_EXCHANGE = lower_pattern(
    r"\b(?:outside(?: of)? (?:the )?(?:framework of |scope of )?(?:an? |the )?(?:exchanges?|swaps?)"
    r"|without (?:an? |any )?(?:exchanges?|swaps?)"
    r"|not (?:as )?(?:a )?part of (?:an? |the |any )?(?:exchanges?|swaps?))",
)
# Exchanges between other states, or other conflicts.
OTHER_EXCHANGE = re.compile(
    r"\b(?:Armenia\w*|Azerbaijan\w*|Syria\w*|Sudan\w*|Yemen\w*|Serbia\w*"
    r"|Kosovo\w*|Taliban|Afghan\w*|Ethiopia\w*|Tigray\w*"
    r"|between (?:the )?(?:U\.S\.(?:A\.)?|USA?|United States|America|Washington|Israel|Hamas"
    r"|Belarus|Germany|Poland) and (?:the )?(?:Russia|Moscow|U\.S\.|USA?|United States|Israel"
    r"|Hamas|Ukraine|Kyiv)"
    r"|between (?:Russia|Moscow) and (?:the )?(?:U\.S\.|USA?|United States|America|Washington"
    r"|Belarus|Germany|the West)"
    r"|(?:Russia|Moscow) and (?:the )?West(?:ern (?:countries|nations|governments))?"
    r"|(?:Russia|Moscow|Russian) and (?:the )?(?:U\.S\.|USA?|United States|Washington|American)"
    r"\b(?! representatives| officials| delegations?| negotiators| mediat)"
    r"|(?:U\.S\.|US|USA|United States|Washington|America) and (?:Russia|Moscow)\b"
    r"|(?:US|U\.S\.|American)[-–](?:Russia|Russian)n?|(?:Russia|Russian)[-–](?:US|U\.S\.|American)"
    r"|Gaza|Hamas|Israel\w*|Palestinian\w*|Hezbollah|West Bank"
    r"|Gershkovich|Whelan|Griner|Kara-Murza|Krasikov|Vinokourov|Fogel|Bout)\b"
)
_OTHER_KEYS = (
    "US", "U.S", "America", "Washington", "Israel", "Hamas", "Gaza", "Palestin", "Hezbollah",
    "West Bank", "Gershkovich", "Whelan", "Griner", "Kara-Murza", "Krasikov", "Vinokourov",
    "Fogel", "Bout", "Belarus", "Germany", "Poland", "United States", "West", "Armenia",
    "Azerbaijan", "Syria", "Sudan", "Yemen", "Serbia", "Kosovo", "Taliban",
    "Afghan", "Ethiopia", "Tigray",
)  # fmt: skip


def other_exchange(text: str) -> bool:
    """Whether the text speaks of an exchange between other states, or of another conflict
    (a substring gate first: the regex runs only when a key name is there)."""
    return any(map(text.__contains__, _OTHER_KEYS)) and OTHER_EXCHANGE.search(text) is not None


def outside_exchange(low: str) -> bool:
    """ "returned outside the exchange": not an exchange figure (`low`: lower-cased text)."""
    return ("outside" in low or "without" in low or "part of" in low) and OUTSIDE_EXCHANGE.search(
        low
    ) is not None  # (lower-case pattern)


_CLAIM_KEYS = (
    "zelensk", "yermak", "lubinets", "budanov", "umerov", "umierov", "kyslytsia", "klymenko",
    "sybiha", "yusov", "coordination", "ministry", "ombudsman", "officials", "authorities",
    "side", "kyiv s", "ukraine s", "president", "medinsky", "peskov", "lavrov", "zakharova",
    "moskalkova", "kremlin", "kartapolov", "lvova", "moscow s", "russia s", "office",
)  # fmt: skip


def may_name_claimant(low: str) -> bool:
    return any(map(low.__contains__, _CLAIM_KEYS))


# Kind hints anywhere in a sentence (for "people", "individuals", bare figures).
KIND_HINT = lower_pattern(
    r"\b(?:(?P<remains>bod(?:y|ies)|remains|repatriation of the (?:dead|fallen)|fallen|deceased)"
    r"|(?P<pows>prisoners?|pows?|captiv\w*|servicem[ae]n|soldiers|defenders|troops|fighters"
    r"|medics|marines)"
    r"|(?P<civilians>civilians?|children|child|kids|minors|residents|deportees)"
    r"|(?P<swap>exchang\w*|swap\w*|in return))\b",
)
KIND_GROUPS: tuple[Kind, ...] = ("remains", "pows", "civilians")

# Officials whose figure is attributed to their side.
CLAIMANTS = lower_pattern(
    r"\b(?:(?P<UA>Zelensk\w*|Yermak|Lubinets|Budanov|Umerov|Umierov|Kyslytsia|Klymenko|Sybiha"
    r"|Yusov|Lubinets|Coordination (?:Headquarters|HQ|Staff)|Ukrain\w+ (?:defen[cs]e )?ministry"
    r"|Ukrain\w+ ombudsman|Ukrainian (?:officials|authorities|side)|(?:Kyiv|Ukraine) (?:said|says)"
    r"|President['’]?s Office|Office of the President"
    r"|Ukraine['’]?s (?:defen[cs]e|foreign) ministry)"
    r"|(?P<RU>Medinsky|Peskov|Lavrov|Zakharova|Moskalkova|Kremlin|Kartapolov|Lvova-Belova"
    r"|Russian (?:defen[cs]e )?ministry|Russia['’]?s (?:defen[cs]e )?ministry|Russian (?:officials"
    r"|authorities|side)|Ministry of Defen[cs]e of (?:the )?Russia\w*|Russian Ministry of"
    r" Defen[cs]e|Russian Defen[cs]e Ministry|(?:Moscow|Russia) (?:said|says)))",
)

# POW categories of the Istanbul agreements.
CATEGORY_CUES = lower_pattern(
    r"\b(?:(?P<severely_injured>(?:severely|seriously|badly|heavily|gravely|critically)"
    r"[- ](?:injured|wounded|hurt)|severe(?:ly)? (?:injuries|wounds))"
    r"|(?P<ill>ill|illness\w*|sick|seriously ill|disease\w*)"
    r"|(?P<under_25>under (?:the )?(?:age )?(?:of )?25|younger than 25|aged? 18 ?(?:to|-|–) ?25"
    r"|18[-–]25|under[- ]25s?|below (?:the age of )?25))\b",
)

MEDIATORS = re.compile(
    r"\b(?:(?P<TR>Turkey|Türkiye|Turkish|Ankara|Erdogan|Erdoğan|Fidan)"
    r"|(?P<AE>UAE|United Arab Emirates|Emirati|Abu Dhabi)"
    r"|(?P<QA>Qatar\w*|Doha)|(?P<SA>Saudi\w*|Riyadh|Jeddah)"
    r"|(?P<VA>Vatican|Holy See|Pope|Zuppi))\b"
)
MEDIATOR_CODES: tuple[Mediator, ...] = ("TR", "AE", "QA", "SA", "VA")

# Agreement cues: venue, round, month/year.
AGREEMENT_PLACE = re.compile(r"\b(?:(?P<istanbul>Istanbul|Turkey|Türkiye)|(?P<geneva>Geneva))\b")
AGREEMENT_ROUND = re.compile(r"\b(?P<n>first|second|third|1st|2nd|3rd) (?:round|meeting|session)\b")
ROUND_NUMBERS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
