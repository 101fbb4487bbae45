"""Thresholds of the stall rules and the agreements file: immutable configuration.

`Config.load(path)` reads a TOML file (stdlib `tomllib`) holding a `version`, an optional
`[thresholds]` table and `[[agreements]]`; `path=None` reads `agreements.toml` beside this
module, the one list of agreements that ships with the package (the reader knows the rounds
from it too).
`Config.with_thresholds(values)` then applies thresholds set elsewhere: the service's
settings (`streams/settings.py`, the one place that reads `EXWATCH_*` variables) pass down
the threshold variables that are set. The core reads no environment.

Defaults and why:
- gap: remains 30 days (repatriations of remains have come about monthly), POWs 45 days and
  civilians 45 days (swaps of people come less regularly);
- suspension limit 30 days; match tolerance 2 days (reports of one swap date it a day or two
  apart: publication the next day, time zones); commitment horizon 365 days;
- figure tolerance 0.25: two figures a, b for the same side are one swap's figures when
  |a - b| <= 0.25 * max(a, b) (one side says 150, the other 189: 0.21; a lead 29, a quote 26);
- recent rate window 90 days: the pace of a commitment is what it delivered over the last
  90 days (or since signing, when that is shorter).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from schemas.common import Category, Kind, Mediator, Party, Slug, check_reduced_date

DEFAULT_AGREEMENTS_PATH = Path(__file__).resolve().with_name("agreements.toml")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Model):
    gap_remains_days: int = Field(default=30, ge=1, le=3650)
    gap_pows_days: int = Field(default=45, ge=1, le=3650)
    gap_civilians_days: int = Field(default=45, ge=1, le=3650)
    suspension_limit_days: int = Field(default=30, ge=1, le=3650)
    match_tolerance_days: int = Field(default=2, ge=0, le=31)
    commitment_horizon_days: int = Field(default=365, ge=1, le=36500)
    figure_tolerance: float = Field(default=0.25, ge=0.0, lt=1.0)
    recent_rate_days: int = Field(default=90, ge=1, le=3650)

    def gap_days(self, kind: str) -> int:
        return int(getattr(self, f"gap_{kind}_days"))


def _date_text(value: Any) -> Any:
    # TOML turns an unquoted 2025-05-16 into a date; the contract keeps dates as text.
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if isinstance(value, str):
        check_reduced_date(value)
    return value


class CommitmentSpec(_Model):
    """What an agreement commits to for one kind. count 0 means no fixed number."""

    kind: Kind
    count: int = Field(default=0, ge=0, le=1_000_000)
    per_side: bool = False
    categories: tuple[Category, ...] = ()
    due: str | None = None
    approximate: bool = False

    _dates = field_validator("due", mode="before")(_date_text)


class AgreementSpec(_Model):
    id: Slug
    name: str = ""
    # how news names it: the venue ("istanbul") and the round of talks there
    place: str = ""
    round: int | None = Field(default=None, ge=1, le=99)
    signed: str
    parties: tuple[Party, ...] = ("RU", "UA")
    mediators: tuple[Mediator, ...] = ()
    kinds: tuple[Kind, ...] = ()
    gap_days: dict[Kind, int] = Field(default_factory=dict)
    commitments: tuple[CommitmentSpec, ...] = ()

    _dates = field_validator("signed", mode="before")(_date_text)

    @model_validator(mode="after")
    def _one_commitment_per_kind(self) -> AgreementSpec:
        kinds = [c.kind for c in self.commitments]
        if len(set(kinds)) != len(kinds):
            raise ValueError(f"agreement {self.id}: more than one commitment for one kind")
        return self

    def covered_kinds(self) -> tuple[str, ...]:
        kinds = set(self.kinds) | {c.kind for c in self.commitments}
        return tuple(k for k in ("remains", "pows", "civilians") if k in kinds)


class AgreementsFile(_Model):
    version: int | str
    thresholds: Thresholds = Field(default_factory=Thresholds)
    agreements: tuple[AgreementSpec, ...] = ()


class ConfigError(ValueError):
    """The agreements file or a threshold variable is unusable; the message says why."""


def _read(path: Path) -> AgreementsFile:
    """The agreements file at `path`, validated; ConfigError naming the file and the fields."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        parsed = AgreementsFile.model_validate(raw)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise ConfigError(f"{path}: {problems}") from None
    ids = [a.id for a in parsed.agreements]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{path}: an agreement id appears twice")
    return parsed


# The packaged list, read once: the default of every Config and the reader's agreements.
_DEFAULT = _read(DEFAULT_AGREEMENTS_PATH)
DEFAULT_AGREEMENTS: tuple[AgreementSpec, ...] = _DEFAULT.agreements


@dataclass(frozen=True)
class Config:
    thresholds: Thresholds = field(default_factory=Thresholds)
    agreements: tuple[AgreementSpec, ...] = DEFAULT_AGREEMENTS
    version: int | str = _DEFAULT.version
    source: str = str(DEFAULT_AGREEMENTS_PATH)

    @classmethod
    def load(cls, path: Path | str | None = None) -> Config:
        """Read thresholds and agreements from a TOML file (None: the packaged file)."""
        path = DEFAULT_AGREEMENTS_PATH if path is None else Path(path)
        parsed = _DEFAULT if path == DEFAULT_AGREEMENTS_PATH else _read(path)
        return cls(parsed.thresholds, parsed.agreements, parsed.version, str(path))

    def with_thresholds(self, values: Mapping[str, Any]) -> Config:
        """This configuration with the given thresholds (by field name) in place of its own."""
        merged: dict[str, Any] = {**self.thresholds.model_dump(), **values}
        try:
            thresholds = Thresholds.model_validate(merged)
        except ValidationError as exc:
            err = exc.errors()[0]
            name = str(err["loc"][0]) if err["loc"] else "?"
            raise ConfigError(f"{name}={merged.get(name)!r}: {err['msg']}") from None
        return replace(self, thresholds=thresholds)
