"""`make demo`: the service on its sample data, start to finish, leaving nothing running.

Starts the local Kafka broker unless EXWATCH_BROKER names a reachable one, starts a worker
(event-time clock, so the output is the same on every run), produces the sample events and
news with the `produce` command, shows what the HTTP views answer and what the alert topic
carries, then stops what it started. Each run uses fresh topic names, so reruns never add up.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "deploy" / "sample"


def get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_for(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise SystemExit(f"demo: timed out waiting for {what}")


def show(title: str, body: Any) -> None:
    print(f"\n== {title}")
    print(json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9092)
    parser.add_argument("--controller-port", type=int, default=9093)
    parser.add_argument("--web-port", type=int, help="default: EXWATCH_WEB_PORT, else 6066")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # run as a script: make `deploy.kafka` importable
    from deploy.kafka import broker
    from streams.settings import Settings

    if args.web_port is None:  # the variables are read by Settings alone
        args.web_port = Settings.from_env().web_port

    bootstrap, started = broker.ensure(port=args.port, controller_port=args.controller_port)
    print(f"demo: broker {bootstrap} ({'started' if started else 'reused'})")
    run_id = time.strftime("%Y%m%d%H%M%S")
    data_dir = ROOT / ".cache" / "demo" / run_id
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "EXWATCH_BROKER": f"kafka://{bootstrap}",
        "EXWATCH_TOPIC_PREFIX": f"demo-{run_id}.",
        "EXWATCH_APP_ID": f"exchange-watch-demo-{run_id}",
        "EXWATCH_WEB_PORT": str(args.web_port),
        "EXWATCH_DATA_DIR": str(data_dir / "state"),
        "EXWATCH_STORE": "rocksdb://",
        "EXWATCH_CLOCK": "event",
    }
    url = f"http://127.0.0.1:{args.web_port}"
    cli = [sys.executable, "-m", "streams.cli"]
    log = open(data_dir / "worker.log", "wb")  # noqa: SIM115 - held by the child
    worker = subprocess.Popen(
        [*cli, "worker", "--loglevel", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for("the worker's /healthz", lambda: (get(url + "/healthz") or {}).get("status"), 120)
        print(f"demo: worker up at {url} (log: {data_dir / 'worker.log'})")
        for stream, path in (("events", SAMPLE / "events.jsonl"), ("news", SAMPLE / "news.jsonl")):
            print(f"demo: exchange-watch produce {stream} {path.relative_to(ROOT)}")
            subprocess.run([*cli, "produce", stream, str(path)], cwd=ROOT, env=env, check=True)

        def settled() -> Any:
            first = get(url + "/totals")
            time.sleep(3)
            second = get(url + "/totals")
            return second if first and first == second and any(first.values()) else None

        totals = wait_for("the totals to settle", settled, 120)
        show("GET /totals (people and remains returned, resolved figures)", totals)
        show(
            "GET /totals/windows?kind=remains&size=month",
            get(url + "/totals/windows?kind=remains&size=month"),
        )
        show("GET /suspensions", get(url + "/suspensions"))
        agreements = get(url + "/agreements")
        show("GET /agreements", agreements)
        print("\n== exchange-watch alerts (alerts firing, from the alert topic)")
        sys.stdout.flush()
        subprocess.run([*cli, "alerts"], cwd=ROOT, env={**env, "COLUMNS": "200"}, check=True)
        return 0
    finally:
        worker.terminate()
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        if started is not None:
            broker.stop(started)
            print("demo: broker stopped")
        print("demo: worker stopped")


if __name__ == "__main__":
    raise SystemExit(main())
