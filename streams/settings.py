"""Service configuration from `EXWATCH_*` environment variables (docs/design.md, Configuration).

The one place that reads them: every variable is a field of `Settings`, read once by
`Settings.from_env` and passed down; the core's thresholds and agreements come from
`Settings.config()`.
"""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from agents.core.config import Config, Thresholds

PREFIX = "EXWATCH_"
# The stall rules' thresholds: fields of both Settings and the core's Thresholds.
THRESHOLDS = tuple(Thresholds.model_fields)


class SettingsError(ValueError):
    """A variable (or the option standing for it) is unusable; the message names it."""


class Settings(BaseModel):
    """Everything the worker and the CLI need to reach Kafka and serve HTTP."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: str = "kafka://127.0.0.1:9092"
    topic_prefix: str = Field(default="", pattern=r"^[A-Za-z0-9._-]{0,100}$")
    app_id: str = Field(default="exchange-watch", pattern=r"^[A-Za-z0-9._-]{1,100}$")
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)
    # How the other workers reach this one (Faust's routing of the views to the tables'
    # owner); default http://<web host>:<web port>, with the host name when binding all.
    canonical_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+$")
    # How people reach the workers' views (alerts link to <public URL>/alerts); default:
    # the canonical URL.
    public_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    store: str = "rocksdb://"
    data_dir: Path = Path(".cache/worker")
    partitions: int = Field(default=4, ge=1, le=1000)
    # Replication factor of every topic the service creates, its tables' changelogs included.
    replication: int = Field(default=1, ge=1, le=10)
    # Every alert state change and dead letter is kept at least this long (README, Topics).
    retention_days: int = Field(default=30, ge=1, le=3650)
    # exactly_once: an event's table changes, its alerts and its offset commit land together
    # or not at all, so a crash neither loses nor double-counts (see README, Reliability).
    processing_guarantee: Literal["at_least_once", "exactly_once"] = "exactly_once"
    # `live` ticks the rules on the wall clock too; `event` uses event time alone (as replay).
    clock: Literal["live", "event"] = "live"
    tick_seconds: float = Field(default=60.0, gt=0, le=86_400)
    # The agreements file (default: the list packaged in agents/core/agreements.toml).
    agreements_file: Path | None = None
    # Thresholds of the stall rules; unset: the agreements file's, else the defaults
    # (agents/core/config.py says why each default).
    gap_remains_days: int | None = None
    gap_pows_days: int | None = None
    gap_civilians_days: int | None = None
    suspension_limit_days: int | None = None
    match_tolerance_days: int | None = None
    commitment_horizon_days: int | None = None
    figure_tolerance: float | None = None
    recent_rate_days: int | None = None
    # How long the group waits for a worker that stopped heartbeating before its partitions
    # go to the others, or to the same worker restarted (Kafka's session timeout; the broker
    # accepts 6-300 s by default). Lower: faster takeover; a worker stalled longer than this
    # (a paused process) is dropped from the group and rejoins.
    session_timeout_seconds: float = Field(default=10.0, ge=6, le=300)
    # Static group membership (Kafka's group.instance.id; one per worker, stable across its
    # restarts): a worker restarted within the session timeout takes its partitions back at
    # once instead of waiting for its old session to expire. Its cost: a worker that stops
    # for good keeps its partitions until that session expires.
    group_instance_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,100}$")
    # How long the tables' changelogs write to one segment before the broker may compact it
    # (streams/topics.py changelog_configs); applied when Faust creates the changelogs.
    changelog_segment_seconds: float = Field(default=600.0, ge=10, le=7 * 86_400)
    # The most events whose table writes the ingest agent holds in memory before writing
    # them (each changed key once); they are also written when no message waits and before
    # every commit (agents/stream/held.py). 1: write after every event, as at_least_once
    # always does.
    batch_events: int = Field(default=1000, ge=1, le=100_000)
    # /healthz reports a partition whose messages wait this long without progress.
    stall_seconds: float = Field(default=60.0, gt=0, le=86_400)
    # No news received for this long: exported for the Prometheus rule ExchangeWatchNoNews.
    news_silence_seconds: float = Field(default=21_600.0, gt=0, le=30 * 86_400)
    # Alertmanager delivery (off when unset): its API base URL, e.g. http://alertmanager:9093,
    # and how often alerts still firing are sent again (below its resolve_timeout, 5 min).
    alertmanager_url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    alertmanager_resend_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Kafka security (SASL over TLS); the password never appears in logs or views.
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_user: str | None = None
    sasl_password: SecretStr | None = None
    tls_ca_file: Path | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # The feed poller (`exchange-watch feeds`): its feeds file, and the port of its /metrics
    # (on web_host; 0: not served).
    feeds_file: Path = Path("deploy/feeds.toml")
    feeds_metrics_port: int = Field(default=6067, ge=0, le=65535)

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, value: str) -> str:
        for part in value.split(";"):
            host = part.strip().removeprefix("kafka://")
            if not host or ":" not in host:
                raise ValueError(f"broker {part!r} is not kafka://HOST:PORT")
        return value

    @field_validator(*THRESHOLDS)
    @classmethod
    def _threshold_bounds(cls, value: object, info: ValidationInfo) -> object:
        # The bounds are the core's (Thresholds): checked here so that a bad variable is
        # refused at start, named, before any agreements file is read.
        if value is not None:
            try:
                Thresholds.model_validate({info.field_name: value})
            except ValidationError as exc:
                raise ValueError(exc.errors()[0]["msg"]) from None
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Read `EXWATCH_<FIELD>` variables (blank: unset); explicit overrides (CLI options)
        win."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for name in cls.model_fields:
            raw = env.get(PREFIX + name.upper())
            if raw is not None and raw.strip() != "":
                values[name] = raw.strip()
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(
                "; ".join(
                    f"{PREFIX}{str(e['loc'][0]).upper() if e['loc'] else '?'}="
                    f"{e.get('input')!r}: {e['msg'].removeprefix('Value error, ')}"
                    for e in exc.errors()[:5]
                )
            ) from None

    def thresholds(self) -> dict[str, int | float]:
        """The thresholds set in the environment, by field name."""
        return {n: v for n in THRESHOLDS if (v := getattr(self, n)) is not None}

    def config(self) -> Config:
        """The core's configuration: the agreements file, then the thresholds set here.
        Raises agents.core.config.ConfigError naming the file or the threshold."""
        return Config.load(self.agreements_file).with_thresholds(self.thresholds())

    @property
    def worker_url(self) -> str:
        """The canonical URL: how the other workers reach this one."""
        if self.canonical_url:
            return self.canonical_url
        host = self.web_host
        if host in ("", "0.0.0.0", "::"):
            host = socket.gethostname()
        return f"http://{host}:{self.web_port}"

    @property
    def alerts_url(self) -> str:
        """Where a person sees the active alerts: the generatorURL of every alert sent."""
        return (self.public_url or self.worker_url).rstrip("/") + "/alerts"

    @property
    def bootstrap_servers(self) -> list[str]:
        """Broker URL as aiokafka's bootstrap list."""
        return [p.strip().removeprefix("kafka://") for p in self.broker.split(";") if p.strip()]

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.security_protocol not in ("SSL", "SASL_SSL"):
            return None
        ctx = ssl.create_default_context(cafile=str(self.tls_ca_file) if self.tls_ca_file else None)
        return ctx

    def kafka_client_options(self) -> dict[str, object]:
        """Keyword arguments for aiokafka producers, consumers and admin clients."""
        opts: dict[str, object] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        ctx = self.ssl_context()
        if ctx is not None:
            opts["ssl_context"] = ctx
        if self.sasl_mechanism:
            opts["sasl_mechanism"] = self.sasl_mechanism
            opts["sasl_plain_username"] = self.sasl_user
            opts["sasl_plain_password"] = (
                self.sasl_password.get_secret_value() if self.sasl_password else None
            )
        return opts
