"""The `exchange-watch` command line (docs/design.md, Command line)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Literal, TypeVar

import click
import orjson

from agents.core.config import Config, ConfigError
from schemas.codec import Rejected, decode_news, dumps
from streams.settings import Settings

T = TypeVar("T")


def _settings(ctx: click.Context) -> Settings:
    obj: dict[str, Any] = ctx.obj or {}
    try:
        return Settings.from_env(**obj)
    except Exception as exc:  # pydantic's error names the variable and the problem
        raise click.ClickException(f"configuration: {exc}") from None


def _config(settings: Settings) -> Config:
    """The core's thresholds and agreements, or one clear error naming the file or value."""
    try:
        return settings.config()
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from None


def _wants_json(flag: bool, stream: IO[Any]) -> bool:
    return flag or not stream.isatty()


def _lines(path: str) -> Iterator[bytes]:
    if path == "-":
        yield from sys.stdin.buffer
        return
    try:
        with open(path, "rb") as fh:
            yield from fh
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None


def _kafka(call: Callable[[], T], settings: Settings) -> T:
    """Run a Kafka client call, turning connection and auth failures into one clear error.

    Credentials are checked first with one connection: aiokafka would only log a refused
    login and then fail with a generic "Unable to bootstrap" (or Faust with a traceback).
    """
    from aiokafka.errors import KafkaError

    from streams.security import KafkaAuthError, check_credentials_sync

    try:
        check_credentials_sync(settings)
        return call()
    except KafkaAuthError as exc:
        raise click.ClickException(str(exc)) from None
    except KafkaError as exc:
        raise click.ClickException(
            f"Kafka at {', '.join(settings.bootstrap_servers)}: {exc}"
        ) from None


def _progress(done: int, every: int = 1000) -> None:
    if done % every == 0 and sys.stderr.isatty():
        click.echo(f"\r{done} lines", err=True, nl=False)


@click.group()
@click.option("--broker", help="Kafka URL, e.g. kafka://127.0.0.1:9092 (EXWATCH_BROKER).")
@click.option("--topic-prefix", help="Prefix of every topic name (EXWATCH_TOPIC_PREFIX).")
@click.pass_context
def main(ctx: click.Context, broker: str | None, topic_prefix: str | None) -> None:
    """Watch the humanitarian exchanges of the Russia-Ukraine war as they happen."""
    ctx.obj = {"broker": broker, "topic_prefix": topic_prefix}


@main.command()
@click.option("--web-host", help="Address the HTTP server binds (EXWATCH_WEB_HOST).")
@click.option("--web-port", type=int, help="HTTP port (EXWATCH_WEB_PORT).")
@click.option("--store", help="Table store: rocksdb:// or memory:// (EXWATCH_STORE).")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Table data (EXWATCH_DATA_DIR).")
@click.option("--app-id", help="Consumer group and table namespace (EXWATCH_APP_ID).")
@click.option("--clock", type=click.Choice(["live", "event"]), help="Rule clock (EXWATCH_CLOCK).")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_context
def worker(ctx: click.Context, **options: Any) -> None:
    """Run the Faust worker: agents, tables, timers and the HTTP server."""
    import logging

    import faust

    from streams.app import create_service, local_state
    from streams.faust_fixes import UntestedFaust, check_version
    from streams.topic_admin import TopicError, create_topics

    try:  # before anything reaches the broker
        check_version()
    except UntestedFaust as exc:
        raise click.ClickException(str(exc)) from None
    ctx.obj.update({k if k != "loglevel" else "log_level": v for k, v in options.items()})
    settings = _settings(ctx)
    _kafka(lambda: None, settings)  # refused credentials: one clear error, exit 1
    try:  # every topic it uses exists before Faust starts, without the broker's help
        _kafka(lambda: asyncio.run(create_topics(settings)), settings)
    except TopicError as exc:
        raise click.ClickException(str(exc)) from None
    config = _config(settings)
    with local_state(settings) as rebuilt:
        service = create_service(settings, config)
        ids = ", ".join(a.id for a in config.agreements) or "none"
        click.echo(f"agreements from {config.source} (version {config.version}): {ids}", err=True)
        runner = faust.Worker(service.app, loglevel=settings.log_level)
        # Faust's progress spinner hooks a DEBUG-level handler onto the root logger, which makes
        # every library format its debug records (a tenth of the ingest time when measured).
        runner.spinner = None
        if rebuilt:
            logging.getLogger("exchange_watch").warning(
                "the previous worker did not stop cleanly: tables are rebuilt from the changelog"
            )
        runner.execute_from_commandline()


@main.group()
def produce() -> None:
    """Validate JSONL and send it to an input topic."""


def _produce(ctx: click.Context, path: str, stream: str) -> None:
    from streams.client import Producer, validate_lines

    good = []
    bad = 0
    for n, result in enumerate(validate_lines(_lines(path), stream), start=1):  # type: ignore[arg-type]
        _progress(n)
        if result.error is not None:
            bad += 1
            click.echo(
                f"line {result.lineno}: rejected ({result.error.reason}): {result.error.message}",
                err=True,
            )
        else:
            good.append(result.model)

    async def send() -> int:
        async with Producer(_settings(ctx)) as producer:
            return await producer.send_models(good)  # type: ignore[arg-type]

    sent = _kafka(lambda: asyncio.run(send()), _settings(ctx)) if good else 0
    click.echo(f"sent {sent}, rejected {bad}", err=True)
    if bad:
        sys.exit(1)


@produce.command("news")
@click.argument("file", default="-")
@click.pass_context
def produce_news(ctx: click.Context, file: str) -> None:
    """NewsItem JSONL (FILE or - for stdin) into news.items."""
    _produce(ctx, file, "news")


@produce.command("events")
@click.argument("file", default="-")
@click.pass_context
def produce_events(ctx: click.Context, file: str) -> None:
    """ExchangeEvent JSONL (FILE or - for stdin) into exchange.events."""
    _produce(ctx, file, "events")


@main.command()
@click.option(
    "--config",
    "feeds_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The feeds file (EXWATCH_FEEDS_FILE; default deploy/feeds.toml).",
)
@click.option("--once", is_flag=True, help="Poll every feed once, report, and exit.")
@click.option(
    "--metrics-port",
    "feeds_metrics_port",
    type=int,
    help="Port of /metrics on EXWATCH_WEB_HOST (EXWATCH_FEEDS_METRICS_PORT; 0: off).",
)
@click.option("--json", "as_json", is_flag=True, help="With --once: one JSON object per feed.")
@click.option("--loglevel", type=click.Choice(["debug", "info", "warning", "error"]))
@click.pass_context
def feeds(ctx: click.Context, once: bool, as_json: bool, **options: Any) -> None:
    """Poll RSS and Atom feeds and produce their new entries into news.items."""
    import logging
    import signal

    from streams.feeds.config import FeedsConfigError, load_feeds
    from streams.feeds.poller import run_feeds
    from streams.feeds.seen import SeenTopicError

    ctx.obj.update({k if k != "loglevel" else "log_level": v for k, v in options.items()})
    settings = _settings(ctx)
    try:
        config = load_feeds(settings.feeds_file)
    except FeedsConfigError as exc:
        raise click.ClickException(str(exc)) from None
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("aiokafka", "httpx", "httpcore", "trafilatura", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))

    if once:
        try:
            reports = _kafka(lambda: asyncio.run(run_feeds(settings, config, once=True)), settings)
        except SeenTopicError as exc:
            raise click.ClickException(str(exc)) from None
        json_out = _wants_json(as_json, sys.stdout)
        for report in reports:
            click.echo(dumps(report.to_dict()).decode() if json_out else report.line())
        failed = [r for r in reports if r.result == "error"]
        rejected = sum(r.rejected for r in reports)
        click.echo(
            f"feeds {len(reports)}: ok {sum(r.result == 'ok' for r in reports)}, "
            f"not modified {sum(r.result == 'not_modified' for r in reports)}, "
            f"failed {len(failed)}; entries seen {sum(r.seen for r in reports)}, "
            f"produced {sum(r.produced for r in reports)}, known {sum(r.known for r in reports)}, "
            f"rejected {rejected}",
            err=True,
        )
        if failed or rejected:
            sys.exit(1)
        return

    async def forever() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_feeds(settings, config, once=False, stop=stop)

    if settings.feeds_metrics_port:
        from prometheus_client import start_http_server

        start_http_server(settings.feeds_metrics_port, addr=settings.web_host)
    try:
        _kafka(lambda: asyncio.run(forever()), settings)
    except SeenTopicError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.option("--follow", is_flag=True, help="Keep reading new alerts.")
@click.option("--json", "as_json", is_flag=True, help="One Alert JSON object per line.")
@click.option("--all", "show_all", is_flag=True, help="Every state change, not only firing ones.")
@click.pass_context
def alerts(ctx: click.Context, follow: bool, as_json: bool, show_all: bool) -> None:
    """Read the alert topic: alerts still firing (or every state change with --all)."""
    from streams.alerts_reader import active, read_alerts, render_table

    settings = _settings(ctx)
    json_out = _wants_json(as_json, sys.stdout)

    async def run() -> None:
        seen = []
        async for alert in read_alerts(settings, follow=follow):
            if follow or (show_all and json_out):
                click.echo(dumps(alert).decode() if json_out else render_table([alert]))
            seen.append(alert)
        if not follow:
            shown = seen if show_all else active(seen)
            if json_out:
                if not show_all:
                    for alert in shown:
                        click.echo(dumps(alert).decode())
            else:
                click.echo(render_table(shown))

    with contextlib.suppress(KeyboardInterrupt):
        _kafka(lambda: asyncio.run(run()), settings)


@main.command()
@click.argument("file", default="-")
def classify(file: str) -> None:
    """Offline: NewsItem JSONL in, ClassifiedNews JSONL out, same order, no broker."""
    from agents.reader import classify as read

    bad = 0
    out = sys.stdout.buffer
    for lineno, line in enumerate(_lines(file), start=1):
        if not line.strip():
            continue
        _progress(lineno)
        try:
            item = decode_news(line)
        except Rejected as exc:
            bad += 1
            click.echo(f"line {lineno}: rejected ({exc.reason}): {exc.message}", err=True)
            continue
        out.write(dumps(read(item)) + b"\n")
    out.flush()
    if bad:
        click.echo(f"rejected {bad}", err=True)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--summary",
    "summary_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the final tables as JSON to this file.",
)
@click.pass_context
def replay(ctx: click.Context, files: tuple[str, ...], summary_path: Path | None) -> None:
    """Offline: the whole pipeline over news and event JSONL; alerts JSONL out, then a summary."""
    from agents.core.replay import run

    result = run([Path(f) for f in files], _config(_settings(ctx)))
    out = sys.stdout.buffer
    for line in result.alert_lines:
        out.write(line + b"\n")
    out.flush()
    summary = orjson.dumps(result.summary, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    if summary_path is not None:
        summary_path.write_bytes(summary + b"\n")
    for rejected in result.rejected:
        click.echo(f"{rejected}", err=True)
    click.echo(_summary_text(result.summary), err=True)
    if result.rejected:
        sys.exit(1)


def _summary_text(summary: dict[str, Any]) -> str:
    totals = summary.get("totals", {})
    parts = []
    for kind in ("remains", "pows", "civilians"):
        sides = totals.get(kind, {})
        parts.append(f"{kind}: " + ", ".join(f"{s} {n}" for s, n in sorted(sides.items())))
    return "totals: " + "; ".join(parts)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Figures as JSON.")
@click.option("--errors", is_flag=True, help="Also list each mistake (id, gold, output).")
@click.option(
    "--part",
    type=click.Choice(["tune", "check"]),
    default=None,
    help="Only one part of the fixed tune/check split (give both corpus files).",
)
def evaluate(
    files: tuple[Path, ...],
    langs: tuple[str, ...],
    as_json: bool,
    errors: bool,
    part: Literal["tune", "check"] | None,
) -> None:
    """Score the reader on labelled JSONL (the corpus format): labels and facts, per language
    and for all items."""
    from agents.reader.evaluation import evaluate as run_eval

    report = run_eval(list(files), set(langs) or None, part)
    if as_json:
        click.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(report.render(errors=errors) if errors else report.render())


@main.group()
def schema() -> None:
    """JSON Schema files of the messages."""


@schema.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def schema_export(directory: Path) -> None:
    """Write one JSON Schema file per message into DIRECTORY."""
    from schemas.export import export

    for path in export(directory):
        click.echo(str(path))


if __name__ == "__main__":
    main()
