"""The fixed split of the labelled corpus into a *tune* part and a *check* part.

The reader is built on *tune* only; *check* is scored once, at the end, as the nearest thing
to unseen text. Reports of one event must not straddle the two parts (a reader tuned on one
outlet's account of a swap would be checked on another's), so the unit is the same-event
cluster that the corpus notes name (`[dedupe] same event as d011, d012 ...`); an item in no
cluster is a cluster of its own.

The rule, fixed before any score of either part was seen and never to be changed for a
score: clusters are taken in the order of the SHA-256 of `"exchange-watch split v1 " + <the
smallest id of the cluster>`; a cluster goes to *check* when that keeps the *check* items of
each of its languages within a third of that language's items (rounded up), else to *tune*.
On the 183 items of `news.jsonl` and `more.jsonl` this gives 62 check items (en 28, uk 17,
ru 17) and 121 tune items.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

Part = Literal["tune", "check"]

SALT = "exchange-watch split v1 "
_ID = re.compile(r"\bd\d{3,}\b")


def clusters(notes: Mapping[str, str]) -> dict[str, str]:
    """Item id -> the smallest id of its same-event cluster, from the items' notes."""
    parent = {i: i for i in notes}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item_id, note in notes.items():
        at = note.find("[dedupe]")
        if at < 0:
            continue
        for other in _ID.findall(note[at:]):
            if other in parent:
                a, b = root(item_id), root(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {i: root(i) for i in notes}


def _order(key: str) -> str:
    return hashlib.sha256((SALT + key).encode()).hexdigest()


def split(items: Iterable[tuple[str, str, str]]) -> dict[str, Part]:
    """(id, lang, notes) of every labelled item -> its part."""
    rows = list(items)
    lang = {i: la for i, la, _ in rows}
    cluster_of = clusters({i: note for i, _, note in rows})
    members: dict[str, list[str]] = {}
    for i in lang:
        members.setdefault(cluster_of[i], []).append(i)
    cap = {la: math.ceil(n / 3) for la, n in Counter(lang.values()).items()}
    taken: Counter[str] = Counter()
    part: dict[str, Part] = {}
    for key in sorted(members, key=_order):
        add = Counter(lang[i] for i in members[key])
        to: Part = "check" if all(taken[la] + n <= cap[la] for la, n in add.items()) else "tune"
        if to == "check":
            taken.update(add)
        for i in members[key]:
            part[i] = to
    return part
