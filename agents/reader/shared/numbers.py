"""Digits with thousands separators."""

from __future__ import annotations

import re

from schemas.common import MAX_COUNT

# Numbers

_GROUPED = re.compile(r"^\d{1,3}(?:([,.\u00a0\u202f\u2009 ])\d{3})+$")


def parse_grouped_int(s: str) -> int | None:
    """Integer from digits with optional thousands separators ("1,000", "1 000", "1.000").

    Returns None for decimals ("8.37"), mixed separators and values above MAX_COUNT.
    """
    if s.isdigit():
        v = int(s) if len(s) <= 9 else MAX_COUNT + 1
    else:
        m = _GROUPED.match(s)
        if m is None or len(set(re.findall(r"\D", s))) != 1:
            return None
        v = int(re.sub(r"\D", "", s))
    return v if v <= MAX_COUNT else None
