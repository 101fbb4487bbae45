"""Real Prometheus and Alertmanager processes (the Debian packages `make install` installs), run
on loopback from the files in deploy/, and a webhook receiver standing in for a pager."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import ROOT, free_port, http_get, wait_until

PROMETHEUS = shutil.which("prometheus")
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
PROMTOOL = shutil.which("promtool")
AMTOOL = shutil.which("amtool")

needs_prometheus = pytest.mark.skipif(
    PROMETHEUS is None or PROMTOOL is None, reason="prometheus is installed by `make install`"
)
needs_alertmanager = pytest.mark.skipif(
    ALERTMANAGER is None, reason="prometheus-alertmanager is installed by `make install`"
)

DEPLOY = ROOT / "deploy"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


@dataclass
class Daemon:
    """A server process with its log; stopped with SIGTERM (then SIGKILL)."""

    argv: list[str]
    log_path: Path
    ready_url: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> Daemon:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

        def ready() -> bool:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.argv[0]} exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as resp:
                    return bool(resp.status == 200)
            except OSError:
                return False

        try:
            wait_until(ready, timeout, f"{Path(self.argv[0]).name} ready", every=0.2)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# Prometheus.


def prometheus_config(targets: list[str], alertmanager: str | None = None) -> dict[str, Any]:
    """deploy/prometheus/prometheus.yml with loopback targets, a 1 s scrape interval and the
    rules file by its absolute path."""
    config = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    config["global"]["scrape_interval"] = "1s"
    config["global"]["evaluation_interval"] = "1s"
    config["rule_files"] = [str(DEPLOY / "prometheus" / name) for name in config["rule_files"]]
    (job,) = config["scrape_configs"]
    job["static_configs"] = [{"targets": targets}]
    if alertmanager is None:
        del config["alerting"]
    else:
        config["alerting"]["alertmanagers"] = [{"static_configs": [{"targets": [alertmanager]}]}]
    return config


def start_prometheus(directory: Path, targets: list[str]) -> tuple[Daemon, str]:
    """A Prometheus scraping `targets`; returns it and its base URL."""
    assert PROMETHEUS is not None
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "prometheus.yml"
    config.write_text(yaml.safe_dump(prometheus_config(targets)))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    daemon = Daemon(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={directory / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        directory / "prometheus.log",
        url + "/-/ready",
    )
    return daemon.start(), url


def query(url: str, expr: str) -> dict[str, Any]:
    """Prometheus' answer to an instant query (the whole JSON document)."""
    q = urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=10) as resp:
            return dict(json.loads(resp.read()))
    except urllib.error.HTTPError as exc:
        return dict(json.loads(exc.read() or b"{}"))


# Alertmanager.


@dataclass
class Webhook:
    """Records every notification Alertmanager sends to it."""

    port: int = field(default_factory=free_port)
    received: list[dict[str, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> Webhook:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def notified(self) -> list[tuple[str, str, str | None]]:
        """(status, fingerprint label set as text, endsAt) of every alert notified, in order."""
        out = []
        for message in self.received:
            for alert in message["alerts"]:
                labels = ",".join(f"{k}={v}" for k, v in sorted(alert["labels"].items()))
                ends = alert["endsAt"]
                out.append((alert["status"], labels, None if ends.startswith("0001") else ends))
        return out


def alertmanager_config(webhook: str) -> dict[str, Any]:
    """deploy/alertmanager/alertmanager.yml with the webhook as its only receiver and no
    waiting: a notification per change, a second apart."""
    config = load_yaml(DEPLOY / "alertmanager" / "alertmanager.yml")
    receiver = config["route"]["receiver"]
    config["receivers"] = [
        {"name": receiver, "webhook_configs": [{"url": webhook, "send_resolved": True}]}
    ]
    config["route"].update({"group_wait": "0s", "group_interval": "1s", "repeat_interval": "1h"})
    return config


@dataclass
class Alertmanager:
    directory: Path
    webhook: str
    port: int = field(default_factory=free_port)
    daemon: Daemon | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Alertmanager:
        """Start (or start again, on the same port and storage: silences and the
        notification log survive, alerts do not)."""
        assert ALERTMANAGER is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "alertmanager.yml"
        config.write_text(yaml.safe_dump(alertmanager_config(self.webhook)))
        self.daemon = Daemon(
            [
                ALERTMANAGER,
                f"--config.file={config}",
                f"--storage.path={self.directory / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",  # no peers
                "--log.level=warn",
            ],
            self.directory / "alertmanager.log",
            self.url + "/-/ready",
        ).start()
        return self

    def stop(self) -> None:
        if self.daemon is not None:
            self.daemon.stop()

    def alerts(self) -> list[dict[str, Any]]:
        """GET /api/v2/alerts: the alerts Alertmanager holds active."""
        status, body = http_get(self.url + "/api/v2/alerts")
        assert status == 200, body
        return list(body)


def by_labels(alerts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {",".join(f"{k}={v}" for k, v in sorted(a["labels"].items())): a for a in alerts}


def settle(check: Any, timeout: float, what: str) -> Any:
    return wait_until(check, timeout, what, every=0.3)
