"""A real Prometheus on loopback, configured from deploy/prometheus/, scraping a worker on the
real broker: a domain metric read back through Prometheus' query API after known input, the
rules loaded and evaluated, and every query of the Grafana dashboard run against it."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.replay import run as replay
from agents.core.stores import Stores
from tests.monitoring import DEPLOY, Daemon, load_yaml, needs_prometheus, query, start_prometheus
from tests.support import ROOT, Worker, free_port, produce, unique, wait_until

pytestmark = needs_prometheus

DASHBOARD = DEPLOY / "grafana" / "dashboards" / "exchange-watch.json"
# Grafana's interval variables, as Grafana would fill them in for a short range.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s", "$__range": "1h"}
PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
    "bool", "offset", "le", "inf", "nan",
}  # fmt: skip
# Panels with no series in this run, and why: the consumer neither skipped nor repeated input,
# no recovery ran long enough to be seen, and this worker delivers to no Alertmanager.
EMPTY_HERE = {
    "exchange_watch_alertmanager_pending_messages",
    "exchange_watch_alertmanager_post_failures_total",
    "exchange_watch_alertmanager_delivered_total",
}


AK = ("agreement", "kind")


@dataclass
class Observed:
    worker: Worker
    prometheus: Daemon
    url: str
    inputs: list[Path]
    config: Config


@pytest.fixture(scope="module")
def observed(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    base = tmp_path_factory.mktemp("observed")
    worker = Worker(
        bootstrap=kafka_bootstrap,
        prefix=unique("prom") + ".",
        app_id=unique("exwatch-prom"),
        port=free_port(),
        data_dir=base / "worker",
        extra_env={"EXWATCH_PARTITIONS": "1"},
    )
    prometheus: Daemon | None = None
    try:
        worker.start()
        prometheus, url = start_prometheus(base / "prometheus", [f"127.0.0.1:{worker.port}"])
        # Scraped before any input: the counters' first increase is seen.
        wait_until(
            lambda: query(url, "exchange_watch_deadletters_total")["data"]["result"],
            30,
            "a first scrape",
        )
        inputs = [ROOT / "deploy/sample/events.jsonl", ROOT / "deploy/sample/news.jsonl"]
        for path, what in zip(inputs, ("events", "news"), strict=True):
            done = worker.cli_produce(path, what)
            assert done.returncode == 0, done.stderr
        produce(worker.bootstrap, worker.topic("exchange.events"), [(b"RU-UA", b"{not json")])
        yield Observed(worker, prometheus, url, inputs, Config.load())
    finally:
        if prometheus is not None:
            prometheus.stop()
        worker.stop()


def values(answer: dict[str, Any], *labels: str) -> dict[tuple[str, ...], float]:
    assert answer["status"] == "success", answer
    return {
        tuple(r["metric"].get(name, "") for name in labels): float(r["value"][1])
        for r in answer["data"]["result"]
    }


def test_a_domain_metric_read_back_through_prometheus(observed: Observed) -> None:
    stores = Stores.in_memory()
    # The worker read the events, then the events the news gave: as replay reads the files.
    replay(observed.inputs, observed.config, stores=stores)
    engine = Engine(stores, observed.config)
    expected = {
        (kind, side): float(n)
        for kind, sides in engine.totals().items()
        for side, n in sides.items()
    }
    expr = 'exchange_watch_people_returned{job="exchange-watch"}'
    days = {
        (row["agreement"], row["kind"]): float(row["days"])
        for row in engine.gauges()["days_since_last_exchange"]
    }

    def arrived() -> dict[str, Any] | None:
        answer = query(observed.url, expr)
        got = values(query(observed.url, "exchange_watch_days_since_last_exchange"), *AK)
        return answer if values(answer, "kind", "side") == expected and got == days else None

    answer = wait_until(arrived, 60, "the figures of the sample in Prometheus")
    with urllib.request.urlopen(observed.worker.url + "/metrics", timeout=10) as resp:
        scrape = [
            line
            for line in resp.read().decode().splitlines()
            if line.startswith("exchange_watch_people_returned")
            or "exchange_watch_people_returned" in line
        ]
    print("scrape of the worker's /metrics (people returned):", *scrape, sep="\n  ")
    remains = 'exchange_watch_people_returned{kind="remains",side="UA"}'
    print(f"Prometheus /api/v1/query?query={remains}:")
    print(json.dumps(query(observed.url, remains), indent=2))
    assert answer["data"]["result"]


def test_the_rules_load_and_the_dead_letter_rule_fires(observed: Observed) -> None:
    with urllib.request.urlopen(observed.url + "/api/v1/rules", timeout=10) as resp:
        groups = json.loads(resp.read())["data"]["groups"]
    declared = load_yaml(DEPLOY / "prometheus" / "rules.yml")["groups"]
    assert sorted(g["name"] for g in groups) == sorted(g["name"] for g in declared)
    assert sorted(r["name"] for g in groups for r in g["rules"]) == sorted(
        r["alert"] for g in declared for r in g["rules"]
    )

    def evaluated() -> bool:
        with urllib.request.urlopen(observed.url + "/api/v1/rules", timeout=10) as resp:
            rules = [r for g in json.loads(resp.read())["data"]["groups"] for r in g["rules"]]
        assert all(r.get("lastError", "") == "" for r in rules), rules
        return all(r["health"] == "ok" for r in rules)

    wait_until(evaluated, 30, "every rule evaluated without error")
    known = exported(observed.worker)
    for group in declared:
        for rule in group["rules"]:
            unknown = metric_names(rule["expr"]) - known
            assert not unknown, f"{rule['alert']} reads metrics not exported: {unknown}"

    # The one bad event of the input: Prometheus' own alert, as Alertmanager would get it.
    def firing() -> list[dict[str, Any]]:
        with urllib.request.urlopen(observed.url + "/api/v1/alerts", timeout=10) as resp:
            alerts = json.loads(resp.read())["data"]["alerts"]
        return [a for a in alerts if a["state"] == "firing"]

    got = wait_until(firing, 60, "ExchangeWatchDeadLetters firing")
    assert [(a["labels"]["alertname"], a["labels"]["reason"]) for a in got] == [
        ("ExchangeWatchDeadLetters", "not_json")
    ]


def dashboard_queries() -> list[tuple[str, str]]:
    board = json.loads(DASHBOARD.read_text())
    out = []
    for panel in board["panels"]:
        for target in panel.get("targets", []):
            out.append((panel["title"], target["expr"]))
    return out


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (functions, keywords, label names and
    string literals left out)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = match.group(0)
        following = text[match.end() :].lstrip()
        if following.startswith("(") or word.lower() in PROMQL_WORDS:
            continue
        names.add(word)
    return names


def exported(worker: Worker) -> set[str]:
    """Every series name the worker's /metrics can hold, from its # TYPE lines."""
    with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            names.add(name)
            if kind == "counter":
                names.add(name + "_total")
            if kind == "histogram":
                names.update(name + s for s in ("_bucket", "_count", "_sum"))
    return names | {"up"}


def test_every_dashboard_query_runs_on_metrics_the_service_exports(observed: Observed) -> None:
    queries = dashboard_queries()
    assert len(queries) >= 20
    known = exported(observed.worker)
    # The sink's metrics exist in every worker, with or without EXWATCH_ALERTMANAGER_URL.
    for title, expr in queries:
        unknown = metric_names(expr) - known
        assert not unknown, f"{title!r} reads metrics the service does not export: {unknown}"
    wait_until(
        lambda: (
            values(query(observed.url, "exchange_watch_classification_seconds_count"))
            and len(values(query(observed.url, "up"))) == 1
            and query(
                observed.url, "count_over_time(exchange_watch_classification_seconds_count[1m])"
            )["data"]["result"]
            and float(
                query(
                    observed.url,
                    "count_over_time(exchange_watch_classification_seconds_count[1m])",
                )["data"]["result"][0]["value"][1]
            )
            >= 3
        ),
        60,
        "a few scrapes after the input",
    )
    empty = []
    for title, expr in queries:
        filled = expr
        for variable, value in GRAFANA_VARIABLES.items():
            filled = filled.replace(variable, value)
        answer = query(observed.url, filled)
        assert answer.get("status") == "success", (title, filled, answer)
        if not answer["data"]["result"]:
            empty.append(expr)
    # Only the panels this run cannot fill are empty.
    assert {name for expr in empty for name in metric_names(expr)} <= EMPTY_HERE, empty
    print(f"{len(queries)} dashboard queries answered; empty here: {len(empty)}")


def test_metric_names_reads_what_promql_reads() -> None:
    expr = (
        "histogram_quantile(0.95, sum by (le) (rate(exchange_watch_classification_seconds_bucket"
        '{job="x"}[5m]))) / on (instance) group_left up unless ignoring (a) nope_total'
    )
    assert metric_names(expr) == {
        "exchange_watch_classification_seconds_bucket",
        "up",
        "nope_total",
    }
    assert orjson.dumps(sorted(metric_names("time() - max(a_b)"))) == b'["a_b"]'
