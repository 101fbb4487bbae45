"""Scores of the news reader on labelled JSONL in the corpus format, for any language.

    exchange-watch evaluate FILE... [--lang en] [--part tune|check] [--errors] [--json]

Each line: `id`, `lang`, `published` (YYYY-MM-DD, or null/partial: then the item gets
`shared.dates.UNKNOWN_PUBLISHED` and the reader must resolve no relative date), `title`, `text`,
`labels.category`, `labels.secondary`, `facts`. Every item goes through
`agents.reader.classify`, the function the service runs.

Scores per language and for all items together:
- primary-label accuracy; per-category precision/recall/F1 over the label sets (primary and
  secondary);
- exchange-count facts: a labelled `exchange` fact matches a read `exchange` or `total` fact
  with the same `kind`, `received_by` and `count` (cumulative figures are labelled as
  historical exchanges and read as totals); one read fact matches one labelled fact. Among
  the matches: agreement of `historical` (a total counts as historical) and of `occurred`;
- commitments (match on kind and count; then agreement slug), suspensions (kind; then
  `since`), resumptions (kind).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from agents.reader.evaluation.split import Part, split
from agents.reader.shared.dates import UNKNOWN_PUBLISHED
from schemas.news import (
    CATEGORIES,
    MAX_BODY,
    MAX_TITLE,
    ClassifiedNews,
    CommitmentFact,
    ExchangeFact,
    NewsItem,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

# ------------------------------------------------------------------------------ input

# Normalised agreement names of the labelled corpus, mapped to the service's slugs.
AGREEMENT_LABELS: dict[str, str] = {
    "istanbul 2025 (1st round)": "istanbul-2025-05",
    "istanbul 2025 (2nd round)": "istanbul-2025-06",
    "istanbul 2025 (3rd round)": "istanbul-2025-07",
    "geneva 2026": "geneva-2026-02",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


def agreement_slug(label: str | None) -> str | None:
    """Slug of an agreement given by slug or by the corpus's normalised name."""
    if not label:
        return None
    key = " ".join(label.lower().split())
    if key in AGREEMENT_LABELS:
        return AGREEMENT_LABELS[key]
    return key if _SLUG.match(key) else None


@dataclass(slots=True)
class Labelled:
    id: str
    lang: str
    item: NewsItem
    category: str
    secondary: list[str]
    facts: list[dict[str, Any]]
    source_file: str
    notes: str = ""


def published_at(value: str | None) -> dt.datetime:
    """The item time of a corpus `published` value. Only a full date (or date-time) is a
    publication date; a month, a year or null are unknown (`UNKNOWN_PUBLISHED`), so that the
    reader cannot resolve "on Friday" against a guessed day."""
    if not value:
        return UNKNOWN_PUBLISHED
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            return dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=dt.UTC)
        if len(value) > 10:
            t = dt.datetime.fromisoformat(value)
            return t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    return UNKNOWN_PUBLISHED


def to_item(rec: dict[str, Any]) -> NewsItem:
    title = rec.get("title")
    return NewsItem(
        id=str(rec["id"]),
        source=str(rec.get("outlet") or rec.get("source") or "corpus")[:200],
        url=rec.get("url") or None,
        published_at=published_at(rec.get("published")),
        title=title[:MAX_TITLE] if title else None,
        body=(rec.get("text") or rec.get("body") or "")[:MAX_BODY],
        lang=rec.get("lang"),
    )


def load(paths: Iterable[Path], langs: set[str] | None = None) -> list[Labelled]:
    out: list[Labelled] = []
    for path in paths:
        for lineno, line in enumerate(path.read_bytes().splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not JSON: {exc}") from None
            lang = rec.get("lang") or "en"
            if langs and lang not in langs:
                continue
            labels = rec.get("labels") or {}
            out.append(
                Labelled(
                    id=str(rec["id"]),
                    lang=lang,
                    item=to_item(rec),
                    category=labels.get("category", "unrelated"),
                    secondary=list(labels.get("secondary") or []),
                    facts=list(rec.get("facts") or []),
                    source_file=str(path),
                    notes=str(rec.get("notes") or ""),
                )
            )
    return out


# ------------------------------------------------------------------------------ scores


@dataclass(slots=True)
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(slots=True)
class Ratio:
    ok: int = 0
    n: int = 0

    def add(self, good: bool) -> None:
        self.n += 1
        self.ok += good

    @property
    def value(self) -> float:
        return self.ok / self.n if self.n else 1.0

    def to_dict(self) -> dict[str, float | int]:
        return {"ok": self.ok, "n": self.n, "ratio": round(self.value, 4)}

    def __str__(self) -> str:
        return f"{self.ok}/{self.n}"


@dataclass(slots=True)
class Mistake:
    item_id: str
    what: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.item_id}  {self.what}: expected {self.expected}; got {self.got}"


@dataclass
class LangReport:
    lang: str
    items: int = 0
    primary: Ratio = field(default_factory=Ratio)
    categories: dict[str, PRF] = field(default_factory=lambda: {c: PRF() for c in CATEGORIES})
    exchange: PRF = field(default_factory=PRF)
    historical: Ratio = field(default_factory=Ratio)
    occurred: Ratio = field(default_factory=Ratio)
    commitment: PRF = field(default_factory=PRF)
    commitment_agreement: Ratio = field(default_factory=Ratio)
    suspension: PRF = field(default_factory=PRF)
    suspension_since: Ratio = field(default_factory=Ratio)
    resumption: PRF = field(default_factory=PRF)
    failures: int = 0
    mistakes: list[Mistake] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "items": self.items,
            "failures": self.failures,
            "primary_accuracy": self.primary.to_dict(),
            "categories": {c: p.to_dict() for c, p in self.categories.items()},
            "exchange_facts": self.exchange.to_dict(),
            "historical_agreement": self.historical.to_dict(),
            "occurred_agreement": self.occurred.to_dict(),
            "commitments": self.commitment.to_dict(),
            "commitment_agreement": self.commitment_agreement.to_dict(),
            "suspensions": self.suspension.to_dict(),
            "suspension_since": self.suspension_since.to_dict(),
            "resumptions": self.resumption.to_dict(),
            "mistakes": [asdict(m) for m in self.mistakes],
        }

    def render(self, errors: bool = False) -> str:
        pct = self.primary.value * 100
        lines = [
            f"== {self.lang}: {self.items} items"
            + (f", {self.failures} failed" if self.failures else "")
            + " ==",
            f"primary accuracy      {self.primary} = {pct:.1f} %",
            "",
            f"{'category':<22}{'P':>6}{'R':>6}{'F1':>6}{'tp':>5}{'fp':>4}{'fn':>4}",
        ]
        for c, p in self.categories.items():
            if p.tp + p.fp + p.fn == 0:
                continue
            lines.append(
                f"{c:<22}{p.precision:>6.2f}{p.recall:>6.2f}{p.f1:>6.2f}{p.tp:>5}{p.fp:>4}{p.fn:>4}"
            )
        lines.append("")
        lines.append(f"{'facts':<22}{'P':>6}{'R':>6}{'F1':>6}{'tp':>5}{'fp':>4}{'fn':>4}")
        for name, p in (
            ("exchange counts", self.exchange),
            ("commitments", self.commitment),
            ("suspensions", self.suspension),
            ("resumptions", self.resumption),
        ):
            lines.append(
                f"{name:<22}{p.precision:>6.2f}{p.recall:>6.2f}{p.f1:>6.2f}"
                f"{p.tp:>5}{p.fp:>4}{p.fn:>4}"
            )
        lines.append(
            f"among matches: historical {self.historical}, occurred {self.occurred}, "
            f"commitment agreement {self.commitment_agreement}, "
            f"suspension since {self.suspension_since}"
        )
        if errors and self.mistakes:
            lines.append("")
            lines.append("mistakes:")
            lines.extend(f"  {m}" for m in self.mistakes)
        return "\n".join(lines)


@dataclass
class Report:
    langs: dict[str, LangReport]
    # every item of every language (None when there is only one language)
    overall: LangReport | None = None

    def render(self, errors: bool = False) -> str:
        parts = [r.render(errors) for r in self.langs.values()]
        if self.overall is not None:
            parts.append(self.overall.render(errors=False))
        return "\n\n".join(parts) or "no items"

    def to_dict(self) -> dict[str, Any]:
        out = {lang: r.to_dict() for lang, r in self.langs.items()}
        if self.overall is not None:
            out["all"] = self.overall.to_dict()
        return out


# ------------------------------------------------------------------------------ matching


def _fmt_expected(f: dict[str, Any]) -> str:
    t = f.get("type", "exchange")
    if t in ("exchange", "total"):
        return (
            f"{f.get('kind')} {f.get('received_by')} {f.get('count')}"
            f"{' hist' if f.get('historical') or t == 'total' else ''}"
            f"{' @' + f['occurred'] if f.get('occurred') else ''}"
        )
    if t == "commitment":
        return f"commitment {f.get('kind')} {f.get('count')} [{f.get('agreement')}]"
    if t == "suspension":
        return f"suspension {f.get('kind')} since {f.get('since')}"
    return f"{t} {f.get('kind')}"


def _fmt_got(f: Any) -> str:
    if isinstance(f, ExchangeFact):
        return (
            f"{f.kind} {f.received_by} {f.count}{' hist' if f.historical else ''}"
            f"{' @' + f.occurred if f.occurred else ''}"
        )
    if isinstance(f, TotalFact):
        return f"total {f.kind} {f.received_by} {f.count}"
    if isinstance(f, CommitmentFact):
        return f"commitment {f.kind} {f.count} [{f.agreement}]"
    if isinstance(f, SuspensionFact):
        return f"suspension {f.kind} since {f.since}"
    if isinstance(f, ResumptionFact):
        return f"resumption {f.kind} on {f.on}"
    return repr(f)


def _match(
    expected: Sequence[dict[str, Any]],
    got: Sequence[Any],
    key_e: Any,
    key_g: Any,
    prefer: Any = None,
) -> tuple[list[tuple[dict[str, Any], Any]], list[dict[str, Any]], list[Any]]:
    """One-to-one matching by key; among equal keys, pairs that `prefer` accepts first."""
    free = list(got)
    pairs: list[tuple[dict[str, Any], Any]] = []
    missed: list[dict[str, Any]] = []
    for e in expected:
        cands = [g for g in free if key_g(g) == key_e(e)]
        if not cands:
            missed.append(e)
            continue
        best = next((g for g in cands if prefer and prefer(e, g)), cands[0])
        free.remove(best)
        pairs.append((e, best))
    return pairs, missed, free


def score_item(rec: Labelled, out: ClassifiedNews, rep: LangReport) -> None:
    rid = rec.id
    rep.primary.add(out.primary == rec.category)
    if out.primary != rec.category:
        rep.mistakes.append(Mistake(rid, "primary", rec.category, out.primary))
    exp_labels = {rec.category, *rec.secondary}
    got_labels = set(out.labels)
    for c in CATEGORIES:
        p = rep.categories[c]
        if c in exp_labels and c in got_labels:
            p.tp += 1
        elif c in got_labels:
            p.fp += 1
        elif c in exp_labels:
            p.fn += 1
    if exp_labels != got_labels:
        rep.mistakes.append(
            Mistake(rid, "labels", ",".join(sorted(exp_labels)), ",".join(sorted(got_labels)))
        )

    def side(v: Any) -> Any:
        return v if v in ("UA", "RU") else None

    # exchange counts
    exp_x = [f for f in rec.facts if f.get("type", "exchange") in ("exchange", "total")]
    got_x = [f for f in out.facts if isinstance(f, ExchangeFact | TotalFact)]

    def hist_g(g: Any) -> bool:
        return isinstance(g, TotalFact) or bool(g.historical)

    pairs, missed, extra = _match(
        exp_x,
        got_x,
        lambda e: (e.get("kind"), side(e.get("received_by")), e.get("count")),
        lambda g: (g.kind, g.received_by, g.count),
        prefer=lambda e, g: hist_g(g) == bool(e.get("historical") or e.get("type") == "total"),
    )
    rep.exchange.tp += len(pairs)
    rep.exchange.fn += len(missed)
    rep.exchange.fp += len(extra)
    for e, g in pairs:
        eh = bool(e.get("historical") or e.get("type") == "total")
        rep.historical.add(eh == hist_g(g))
        if eh != hist_g(g):
            rep.mistakes.append(Mistake(rid, "historical", _fmt_expected(e), _fmt_got(g)))
        if isinstance(g, ExchangeFact) and e.get("type", "exchange") == "exchange":
            rep.occurred.add(e.get("occurred") == g.occurred)
            if e.get("occurred") != g.occurred:
                rep.mistakes.append(Mistake(rid, "occurred", _fmt_expected(e), _fmt_got(g)))
    for e in missed:
        rep.mistakes.append(Mistake(rid, "missed fact", _fmt_expected(e), "-"))
    for g in extra:
        rep.mistakes.append(Mistake(rid, "extra fact", "-", _fmt_got(g)))

    # commitments
    exp_c = [f for f in rec.facts if f.get("type") == "commitment"]
    got_c = [f for f in out.facts if isinstance(f, CommitmentFact)]
    pairs_c, missed_c, extra_c = _match(
        exp_c,
        got_c,
        lambda e: (e.get("kind"), e.get("count")),
        lambda g: (g.kind, g.count),
        prefer=lambda e, g: agreement_slug(e.get("agreement")) == g.agreement,
    )
    rep.commitment.tp += len(pairs_c)
    rep.commitment.fn += len(missed_c)
    rep.commitment.fp += len(extra_c)
    for e, g in pairs_c:
        ok = agreement_slug(e.get("agreement")) == g.agreement
        rep.commitment_agreement.add(ok)
        if not ok:
            rep.mistakes.append(Mistake(rid, "agreement", _fmt_expected(e), _fmt_got(g)))
    for e in missed_c:
        rep.mistakes.append(Mistake(rid, "missed fact", _fmt_expected(e), "-"))
    for g in extra_c:
        rep.mistakes.append(Mistake(rid, "extra fact", "-", _fmt_got(g)))

    # suspensions and resumptions
    for typ, cls, prf in (
        ("suspension", SuspensionFact, rep.suspension),
        ("resumption", ResumptionFact, rep.resumption),
    ):
        exp_s = [f for f in rec.facts if f.get("type") == typ]
        got_s = [f for f in out.facts if isinstance(f, cls)]
        pairs_s, missed_s, extra_s = _match(exp_s, got_s, lambda e: e.get("kind"), lambda g: g.kind)
        prf.tp += len(pairs_s)
        prf.fn += len(missed_s)
        prf.fp += len(extra_s)
        if typ == "suspension":
            for e, g in pairs_s:
                ok = e.get("since") == g.since
                rep.suspension_since.add(ok)
                if not ok:
                    rep.mistakes.append(Mistake(rid, "since", _fmt_expected(e), _fmt_got(g)))
        for e in missed_s:
            rep.mistakes.append(Mistake(rid, "missed fact", _fmt_expected(e), "-"))
        for g in extra_s:
            rep.mistakes.append(Mistake(rid, "extra fact", "-", _fmt_got(g)))


def select_part(records: list[Labelled], part: Part | None) -> list[Labelled]:
    """The records of one part of the fixed tune/check split (all when `part` is None). The
    split is computed over the records given, so give the whole corpus (both files)."""
    if part is None:
        return records
    parts = split((r.id, r.lang, r.notes) for r in records)
    return [r for r in records if parts[r.id] == part]


def evaluate(paths: list[Path], langs: set[str] | None = None, part: Part | None = None) -> Report:
    """Run the reader over the labelled items of `paths` (languages `langs`, all if None;
    one part of the tune/check split, all if None)."""
    from agents.reader import classify

    reports: dict[str, LangReport] = {}
    overall = LangReport("all")
    records = load(paths)
    chosen = [r for r in select_part(records, part) if not langs or r.lang in langs]
    for rec in chosen:
        rep = reports.setdefault(rec.lang, LangReport(rec.lang))
        for r in (rep, overall):
            r.items += 1
        try:
            out = classify(rec.item)
        except Exception as exc:  # a broken reader must not hide the other scores
            for r in (rep, overall):
                r.failures += 1
                r.primary.add(False)
                r.mistakes.append(
                    Mistake(rec.id, "error", rec.category, f"{type(exc).__name__}: {exc}")
                )
            continue
        score_item(rec, out, rep)
        score_item(rec, out, overall)
    return Report(dict(sorted(reports.items())), overall if len(reports) > 1 else None)
