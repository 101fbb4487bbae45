"""Exposure: the web server binds loopback unless configured; the HTTP views of docs/design.md are
read-only and refuse unknown, repeated and malformed parameters and oversized queries with 4xx.

One worker serves every test of this module (with the sample events in its tables).
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from streams.settings import Settings
from tests.integration.test_hostile import create_topics, read_all
from tests.integration.test_ingest import EVENTS, EXPECTED, exchange, wait_totals
from tests.support import Worker, free_port, http_get, produce, unique

# Views that answer from the tables and check their query.
STATE_VIEWS = ["/totals", "/totals/windows", "/agreements", "/suspensions", "/alerts"]
# Every view of docs/design.md, with parameters that make it answer 200.
VIEWS = ["/healthz", "/metrics", "/totals", "/totals/windows?kind=remains", "/agreements",
         "/suspensions", "/alerts"]  # fmt: skip
WRITES = ["POST", "PUT", "DELETE", "PATCH"]


@pytest.fixture(scope="module")
def worker(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    prefix = unique("t") + "."
    create_topics(kafka_bootstrap, [prefix + "news.items"])  # scrapers' topic: not the worker's
    w = Worker(
        bootstrap=kafka_bootstrap,
        prefix=prefix,
        app_id=unique("exwatch-test"),
        port=free_port(),
        data_dir=tmp_path_factory.mktemp("exposure"),
    )
    try:
        w.start()
        produce(
            w.bootstrap, w.topic("exchange.events"), [(b"RU-UA", orjson.dumps(e)) for e in EVENTS]
        )
        wait_totals(w, EXPECTED)
        yield w
    finally:
        w.stop()


def request(method: str, url: str, body: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, method=method, data=body)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def json_error(worker: Worker, path: str) -> tuple[int, str]:
    """Status and error text of a refused GET, which must be a JSON {"error": ...}."""
    status, headers, body = request("GET", worker.url + path)
    assert headers.get("Content-Type", "").startswith("application/json"), (path, status, body)
    return status, orjson.loads(body)["error"]


# ---------------------------------------------------------------------------------------------
# Where it listens.


def _address(hex_addr: str) -> str:
    raw = bytes.fromhex(hex_addr)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    # IPv6: four 32-bit words, each in host (little-endian) order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


def listening_addresses(port: int) -> list[str]:
    """Local addresses with a TCP socket listening on `port` (Linux /proc/net/tcp{,6})."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                found.append(_address(addr))
    return found


def outward_addresses() -> list[str]:
    """This machine's addresses other than loopback (the ones a route out would use)."""
    found = []
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((probe, 9))  # UDP: nothing is sent
                addr = s.getsockname()[0]
        except OSError:
            continue
        if not ipaddress.ip_address(addr).is_loopback:
            found.append(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux /proc/net/tcp")
def test_web_server_listens_on_loopback_only(worker: Worker) -> None:
    addresses = listening_addresses(worker.port)
    assert addresses, f"nothing listens on {worker.port}"
    assert all(ipaddress.ip_address(a).is_loopback for a in addresses), addresses
    for addr in outward_addresses():
        with pytest.raises(OSError):  # refused: nothing listens there
            socket.create_connection((addr, worker.port), timeout=3).close()
    # Loopback is the default, and the address is configuration.
    assert Settings.from_env({}).web_host == "127.0.0.1"
    assert Settings.from_env({"EXWATCH_WEB_HOST": "0.0.0.0"}).web_host == "0.0.0.0"


# ---------------------------------------------------------------------------------------------
# Read-only.


def snapshot(worker: Worker) -> dict[str, Any]:
    state: dict[str, Any] = {}
    for view in STATE_VIEWS:
        path = view + ("?kind=remains&size=month" if view == "/totals/windows" else "")
        status, body = http_get(worker.url + path)
        assert status == 200, (path, status, body)
        state[path] = body
    for topic in ("exchange.events", "news.items"):
        state[topic] = len(read_all(worker.bootstrap, worker.topic(topic)))
    return state


def test_views_refuse_writes_and_change_nothing(worker: Worker) -> None:
    before = snapshot(worker)
    # A body that would add to the totals if any view took it in.
    body = orjson.dumps(exchange("via-http", "2025-11-20", "remains", 500, 500))
    for view in VIEWS:
        for method in WRITES:
            status, headers, answer = request(method, worker.url + view, body)
            assert status == 405, (method, view, status, answer[:200])
            allowed = {m.strip() for m in headers.get("Allow", "").split(",") if m.strip()}
            assert allowed <= {"GET", "HEAD"}, (method, view, allowed)
        assert request("HEAD", worker.url + view)[0] == 200, view
    assert snapshot(worker) == before
    assert http_get(worker.url + "/healthz")[0] == 200


# ---------------------------------------------------------------------------------------------
# Parameters.

LONG = "&".join(f"p{i}=1" for i in range(120))  # 600+ characters: over the 512 limit
BAD_WINDOWS = [
    ("kind=remains&x=1", "x"),
    ("kind=remains&kind=pows", "kind"),
    ("kind=remains&size=day&size=week", "size"),
    ("kind=remains&from=2025-01-01&from=2025-02-01", "from"),
    ("", "kind"),
    ("kind=tanks", "kind"),
    ("kind=REMAINS", "kind"),
    ("kind=remains&size=fortnight", "size"),
    ("kind=remains&from=2025-13-01", "from"),
    ("kind=remains&to=yesterday", "to"),
    ("kind=remains&from=2025-06-16T00:00", "from"),
    ("kind=remains&from=%00", "from"),
    ("kind=remains&from=2025-06-01&to=2025-01-01", "from"),
    (LONG, "512"),
]


@pytest.mark.parametrize("view", ["/totals", "/agreements", "/suspensions", "/alerts"])
def test_views_without_parameters_refuse_any(worker: Worker, view: str) -> None:
    for query, named in [
        ("x=1", "x"),
        ("debug=1&debug=2", "debug"),
        ("kind=remains", "kind"),  # a parameter of another view
        ("x", "x"),  # no value
        (LONG, "512"),
    ]:
        status, error = json_error(worker, f"{view}?{query}")
        assert status == 400 and named in error, (view, query, status, error)


@pytest.mark.parametrize(("query", "named"), BAD_WINDOWS, ids=[b[0][:30] for b in BAD_WINDOWS])
def test_windows_refuses_bad_parameters(worker: Worker, query: str, named: str) -> None:
    status, error = json_error(worker, f"/totals/windows?{query}")
    assert status == 400 and named in error, (query, status, error)


def test_healthz_refuses_parameters(worker: Worker) -> None:
    for query in ("x=1", "verbose", LONG):
        status, error = json_error(worker, f"/healthz?{query}")
        assert status == 400 and "parameter" in error, (query, status, error)


def test_metrics_ignores_parameters(worker: Worker) -> None:
    """/metrics is exempt: Faust's Prometheus view answers whatever the query (Prometheus
    scrapers send none); it has no state to leak through parameters."""
    for query in ("x=1", "x=1&x=2", LONG):
        status, headers, body = request("GET", f"{worker.url}/metrics?{query}")
        assert status == 200 and body.startswith(b"# HELP"), (query, status)
        assert headers["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("view", ["/healthz", *STATE_VIEWS])
def test_a_10kb_query_is_refused(worker: Worker, view: str) -> None:
    status, _, body = request("GET", f"{worker.url}{view}?q={'x' * 10_000}")
    assert status in (400, 414), (view, status, body[:200])


@pytest.mark.parametrize("view", ["/healthz", *STATE_VIEWS])
def test_a_10kb_query_gets_a_json_error(worker: Worker, view: str) -> None:
    status, error = json_error(worker, f"{view}?q={'x' * 10_000}")
    assert status in (400, 414) and ("query" in error or "parameter" in error), (view, error)


def test_windows_with_valid_parameters(worker: Worker) -> None:
    status, body = http_get(worker.url + "/totals/windows?kind=remains&size=day")
    assert status == 200, body
    days = {w["start"]: (w["UA"], w["RU"]) for w in body["windows"] if w["total"]}
    assert days == {"2025-06-16": (6057, 78), "2025-08-19": (1000, 19)}
    url = "/totals/windows?kind=remains&size=month&from=2025-06-01&to=2025-08-31"
    status, body = http_get(worker.url + url)
    assert status == 200, body
    months = [(w["start"], w["end"], w["UA"], w["RU"]) for w in body["windows"]]
    assert months == [
        ("2025-06-01", "2025-06-30", 6057, 78),
        ("2025-07-01", "2025-07-31", 0, 0),
        ("2025-08-01", "2025-08-31", 1000, 19),
    ]
    for query in ("kind=pows&size=week", "kind=civilians", "kind=pows&from=&to="):
        status, body = http_get(f"{worker.url}/totals/windows?{query}")
        assert status == 200 and body["windows"], (query, status, body)


@pytest.mark.parametrize(
    "query",
    [
        "kind=remains&from=9999-12-31&to=9999-12-31",
        "kind=remains&size=week&from=9999-12-27&to=9999-12-31",
        "kind=remains&size=month&to=9999-12-31&from=9999-12-01",
        "kind=remains&from=0001-01-01&to=0001-01-02",
    ],
)
def test_windows_refuse_dates_outside_the_war_years(worker: Worker, query: str) -> None:
    status, error = json_error(worker, f"/totals/windows?{query}")
    assert status == 400 and ("from" in error or "to" in error), (query, status, error)


@pytest.mark.parametrize(
    "path", ["/router/", "/router/topics", "/router/totals/", "/table/", "/table/totals/",
             "/table/totals/remains/"],
)  # fmt: skip
def test_only_the_designed_views_answer(worker: Worker, path: str) -> None:
    assert request("GET", worker.url + path)[0] == 404


def test_unknown_paths_are_not_found(worker: Worker) -> None:
    for path in ("/totals/", "/TOTALS", "/totals/windows/", "/admin", "/..%2f..%2fetc/passwd"):
        assert request("GET", worker.url + path)[0] == 404, path
