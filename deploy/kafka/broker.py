#!/usr/bin/env python3
"""Fetch, start, check and stop a real Apache Kafka broker for local work and tests.

A single-node KRaft broker (combined ``broker,controller`` roles) on the loopback
interface, run straight from the jars that Maven downloads with
``deploy/kafka/pom.xml``: no Docker, no Kafka tarball.

CLI (``python deploy/kafka/broker.py <command> --help`` for details)::

    fetch                      copy the broker jars into .cache/kafka/libs
    start  [--port 9092] [--controller-port 9093] [--data-dir DIR]
           [--property key=value ...] [--listener-config FILE ...]
           [--ready-bootstrap HOST:PORT] [--timeout 90]
                               start a broker, wait until a client's metadata
                               request succeeds, print 127.0.0.1:<port>
    stop   [--port 9092] [--data-dir DIR]
                               SIGTERM (then SIGKILL after 30 s) the broker
                               named by the pid file
    status [--bootstrap HOST:PORT | --port 9092]
                               exit 0 and print the bootstrap if it answers
    ensure [same options as start]
                               reuse $EXWATCH_BROKER or 127.0.0.1:<port> if it
                               answers, else start one; last stdout line is
                               ``started <bootstrap>`` or ``reused <bootstrap>``

Python callers (the module can be loaded by path, e.g. from a pytest fixture)::

    broker = start(port=19092, controller_port=19093, data_dir=tmp_path)
    assert is_reachable(broker.bootstrap)
    stop(broker)
    bootstrap, started = ensure()   # started is a Broker, or None when reused

Everything is written under the repository's ignored ``.cache/`` folder (or the
data dir the caller names): the jars, server.properties, the data, the logs, the
pid file, and the JVM's temporary files.
"""

import argparse
import asyncio
import base64
import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
CACHE_DIR = REPO_ROOT / ".cache"
LIBS_DIR = CACHE_DIR / "kafka" / "libs"
DATA_ROOT = CACHE_DIR / "kafka-data"
POM = SCRIPT_DIR / "pom.xml"
LOG4J_CONFIG = SCRIPT_DIR / "log4j.properties"

KAFKA_VERSION_FALLBACK = "3.9.1"
MARKER_NAME = ".kafka-version"
PID_FILE_NAME = "broker.pid"
CONSOLE_LOG_NAME = "broker.log"
PROPERTIES_NAME = "server.properties"

DEFAULT_PORT = 9092
DEFAULT_CONTROLLER_PORT = 9093
DEFAULT_READY_TIMEOUT = 90.0
DEFAULT_STOP_TIMEOUT = 30.0
HOST = "127.0.0.1"
ENV_BROKER = "EXWATCH_BROKER"

JVM_HEAP = ["-Xms512m", "-Xmx1g"]

log = logging.getLogger("exwatch.broker")


class BrokerError(RuntimeError):
    """Fetching, starting or stopping the broker failed."""


@dataclass(frozen=True)
class Broker:
    """A broker started by this module (or found through its pid file)."""

    bootstrap: str
    pid: int
    data_dir: Path
    log_path: Path
    port: int = DEFAULT_PORT
    controller_port: int = DEFAULT_CONTROLLER_PORT

    @property
    def pid_file(self) -> Path:
        return self.data_dir / PID_FILE_NAME

    @property
    def properties_path(self) -> Path:
        return self.data_dir / PROPERTIES_NAME


# Popen objects of brokers started by this process, so that stop() can reap them.
_children: dict[int, subprocess.Popen[bytes]] = {}


def _say(message: str) -> None:
    """Progress messages go to stderr: stdout is kept for the bootstrap line."""
    print(f"[kafka] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- fetch


def kafka_version() -> str:
    """The Kafka version pinned in pom.xml (``kafka.version`` property)."""
    try:
        root = ET.parse(POM).getroot()
    except (OSError, ET.ParseError):
        return KAFKA_VERSION_FALLBACK
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    node = root.find("m:properties/m:kafka.version", ns)
    if node is None or not (node.text or "").strip():
        return KAFKA_VERSION_FALLBACK
    return (node.text or "").strip()


def _marker_text() -> str:
    digest = hashlib.sha256(POM.read_bytes()).hexdigest() if POM.exists() else "none"
    return f"kafka={kafka_version()}\npom-sha256={digest}\n"


def _libs_ready(libs_dir: Path) -> bool:
    marker = libs_dir / MARKER_NAME
    try:
        return marker.read_text() == _marker_text() and any(libs_dir.glob("kafka_2.13-*.jar"))
    except OSError:
        return False


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (concurrent fetches / starts of the same dir)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def fetch(libs_dir: Path = LIBS_DIR, *, force: bool = False) -> Path:
    """Copy the broker's runtime jars into ``libs_dir`` unless they are already there.

    Uses ``mvn dependency:copy-dependencies`` on deploy/kafka/pom.xml; Maven's own
    cache (~/.m2) makes a second fetch on the same machine quick. A marker file
    (Kafka version + hash of the pom) makes this idempotent.
    """
    libs_dir = libs_dir.resolve()
    if not force and _libs_ready(libs_dir):
        return libs_dir
    with _file_lock(libs_dir.parent / ".fetch.lock"):
        if not force and _libs_ready(libs_dir):
            return libs_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError("mvn not found on PATH (Maven 3 is needed to fetch the Kafka jars)")
        staging = libs_dir.parent / (libs_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        cmd = [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging}",
        ]
        _say(f"fetching Kafka {kafka_version()} jars with Maven into {libs_dir}")
        began = time.monotonic()
        env = dict(os.environ)
        env["MAVEN_OPTS"] = (env.get("MAVEN_OPTS", "") + " -XX:-UsePerfData").strip()
        result = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
        # Maven -q still emits bare ANSI resets; keep only real text, and send it to
        # stderr: stdout is reserved for the bootstrap line.
        output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout.decode(errors="replace")).strip()
        if output:
            print(output, file=sys.stderr)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            raise BrokerError(f"mvn exited with {result.returncode}: {' '.join(cmd)}")
        if not any(staging.glob("kafka_2.13-*.jar")):
            shutil.rmtree(staging, ignore_errors=True)
            raise BrokerError(f"mvn succeeded but no kafka_2.13 jar landed in {staging}")
        (staging / MARKER_NAME).write_text(_marker_text())
        shutil.rmtree(libs_dir, ignore_errors=True)
        staging.rename(libs_dir)
        jars = len(list(libs_dir.glob("*.jar")))
        _say(f"fetched {jars} jars in {time.monotonic() - began:.1f}s")
    return libs_dir


# ------------------------------------------------------------------ configuration


def default_data_dir(port: int) -> Path:
    return DATA_ROOT / str(port)


def random_cluster_id() -> str:
    """A Kafka cluster id: a random UUID, base64url without padding (22 chars).

    Like Kafka's Uuid.randomUuid(), ids starting with '-' are avoided (they would
    read as a command-line option).
    """
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode("ascii")
        if not text.startswith("-"):
            return text


def parse_property(text: str) -> tuple[str, str]:
    """``key=value`` -> (key, value). An empty value removes the key."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise BrokerError(f"expected key=value, got {text!r}")
    return key, value.strip()


def read_properties_file(path: Path) -> dict[str, str]:
    """A minimal Java .properties reader: ``key=value`` lines, '#'/'!' comments."""
    props: dict[str, str] = {}
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise BrokerError(f"cannot read properties file {path}: {exc}") from exc
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        if "=" not in line and ":" in line:
            line = line.replace(":", "=", 1)
        key, value = parse_property(line)
        props[key] = value
    return props


def server_properties(
    *,
    port: int,
    controller_port: int,
    data_dir: Path,
    overrides: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The broker's server.properties as an ordered mapping.

    ``overrides`` replace defaults in place or are appended; an empty value drops
    the key (e.g. ``inter.broker.listener.name=`` when switching to
    ``security.inter.broker.protocol``).
    """
    props: dict[str, str] = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{HOST}:{controller_port}",
        "listeners": f"PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{HOST}:{port}",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": (
            "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,"
            "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"
        ),
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(data_dir / "kraft-logs"),
        "num.partitions": "1",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "true",
        "delete.topic.enable": "true",
        "log.retention.hours": "24",
        "log.segment.bytes": str(16 * 1024 * 1024),
        "num.network.threads": "2",
        "num.io.threads": "4",
        "num.recovery.threads.per.data.dir": "1",
    }
    for key, value in (overrides or {}).items():
        if value == "":
            props.pop(key, None)
        else:
            props[key] = value
    return props


def write_properties(path: Path, props: Mapping[str, str]) -> None:
    body = "".join(f"{key}={value}\n" for key, value in props.items())
    path.write_text("# Written by deploy/kafka/broker.py; rewritten on every start.\n" + body)


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        raise BrokerError("java not found on PATH or in $JAVA_HOME (JDK 11+ is needed)")
    return java


def _jvm_base(libs_dir: Path, data_dir: Path) -> list[str]:
    tmp_dir = data_dir / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return [
        _java(),
        "-XX:-UsePerfData",  # no /tmp/hsperfdata_<user>
        f"-XX:ErrorFile={data_dir / 'hs_err_pid%p.log'}",
        f"-Djava.io.tmpdir={tmp_dir}",  # native libs (zstd, snappy) unpack here
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration={LOG4J_CONFIG.as_uri()}",
        f"-Dkafka.logs.dir={data_dir / 'logs'}",
        "-cp",
        str(libs_dir / "*"),
    ]


def _is_formatted(props: Mapping[str, str]) -> bool:
    dirs = props.get("log.dirs") or props.get("log.dir") or ""
    paths = [Path(d) for d in dirs.split(",") if d.strip()]
    meta = props.get("metadata.log.dir")
    if meta:
        paths.append(Path(meta))
    return bool(paths) and all((p / "meta.properties").exists() for p in paths)


def format_storage(libs_dir: Path, data_dir: Path, props_path: Path, cluster_id: str) -> None:
    cmd = [
        *_jvm_base(libs_dir, data_dir),
        "kafka.tools.StorageTool",
        "format",
        "-t",
        cluster_id,
        "-c",
        str(props_path),
        "-g",
    ]
    result = subprocess.run(
        cmd,
        cwd=data_dir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    output = result.stdout.decode(errors="replace").strip()
    if result.returncode != 0:
        raise BrokerError(f"kafka StorageTool format failed ({result.returncode}):\n{output}")
    if output:
        log.debug("StorageTool: %s", output)


# ------------------------------------------------------------------- readiness


def parse_bootstrap(value: str) -> str:
    """``kafka://h:p,kafka://h2:p2`` or ``h:p,h2:p2`` -> ``h:p,h2:p2``."""
    servers: list[str] = []
    for part in value.split(","):
        item = part.strip()
        if not item:
            continue
        if "://" in item:
            item = item.split("://", 1)[1]
        item = item.rstrip("/")
        if ":" not in item:
            item = f"{item}:{DEFAULT_PORT}"
        servers.append(item)
    if not servers:
        raise BrokerError(f"no host:port in {value!r}")
    return ",".join(servers)


async def is_reachable_async(bootstrap: str, timeout: float = 5.0) -> bool:
    """True when a real Kafka client's metadata request succeeds within ``timeout``."""
    from aiokafka.client import AIOKafkaClient

    servers = parse_bootstrap(bootstrap).split(",")
    request_ms = max(1000, int(timeout * 1000))
    client = AIOKafkaClient(
        bootstrap_servers=servers,
        request_timeout_ms=request_ms,
        retry_backoff_ms=100,
        client_id="exwatch-broker-probe",
    )
    try:
        async with asyncio.timeout(timeout):
            await client.bootstrap()
            metadata = await client.fetch_all_metadata()
            return bool(metadata.brokers())
    except Exception:
        return False
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.close(), timeout=5.0)


@contextlib.contextmanager
def _quiet_aiokafka() -> Iterator[None]:
    """aiokafka logs every refused connection as an error: silence it while probing."""
    logger = logging.getLogger("aiokafka")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def is_reachable(bootstrap: str, timeout: float = 5.0) -> bool:
    """Synchronous :func:`is_reachable_async`; safe to call from inside a running loop
    (the probe then runs on a worker thread with its own loop)."""

    def probe() -> bool:
        with _quiet_aiokafka():
            return asyncio.run(is_reachable_async(bootstrap, timeout))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return probe()
    outcome: list[bool] = []
    worker = threading.Thread(target=lambda: outcome.append(probe()), daemon=True)
    worker.start()
    worker.join(timeout + 10.0)
    return bool(outcome and outcome[0])


# ----------------------------------------------------------------- processes


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    # "pid (comm) S ..." -- comm may contain spaces/parens, state follows the last ')'.
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # reap if it is our (forgotten) child
        if done == pid:
            return False
    except ChildProcessError:
        pass
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_our_broker(pid: int, props_path: Path) -> bool:
    """The pid still runs kafka.Kafka with this data dir's server.properties
    (guards against a recycled pid after a reboot or a crash)."""
    cmd = _cmdline(pid)
    if cmd is None:
        return False
    return "kafka.Kafka" in cmd and str(props_path) in cmd


def running_broker(
    *,
    port: int = DEFAULT_PORT,
    data_dir: Path | None = None,
) -> Broker | None:
    """The broker recorded by the pid file in ``data_dir`` if its process still runs."""
    data_dir = (data_dir or default_data_dir(port)).resolve()
    pid = _read_pid(data_dir / PID_FILE_NAME)
    if pid is None or not _alive(pid) or not _is_our_broker(pid, data_dir / PROPERTIES_NAME):
        return None
    return Broker(
        bootstrap=f"{HOST}:{port}",
        pid=pid,
        data_dir=data_dir,
        log_path=data_dir / CONSOLE_LOG_NAME,
        port=port,
    )


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail(path: Path, lines: int = 40, since: int = 0) -> str:
    """The last ``lines`` lines of ``path`` written after byte offset ``since``."""
    try:
        with path.open("rb") as handle:
            if since > _size(path):  # rotated/truncated meanwhile
                since = 0
            handle.seek(since)
            text = handle.read().decode(errors="replace")
    except OSError:
        return f"({path} not found)"
    return "\n".join(text.splitlines()[-lines:]) or f"({path}: nothing new)"


def _diagnostics(data_dir: Path, console_since: int, server_since: int) -> str:
    console_log = data_dir / CONSOLE_LOG_NAME
    server_log = data_dir / "logs" / "server.log"
    return (
        f"--- last lines of {console_log}:\n{_tail(console_log, 40, console_since)}\n"
        f"--- last lines of {server_log}:\n{_tail(server_log, 15, server_since)}"
    )


def _signal_and_wait(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout``, then SIGKILL. True if it had to be killed."""
    child = _children.get(pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.2)
    killed = False
    if _alive(pid):
        killed = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10.0
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
    if child is not None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=1.0)
        _children.pop(pid, None)
    return killed


# ---------------------------------------------------------------------- start


def start(
    port: int = DEFAULT_PORT,
    controller_port: int = DEFAULT_CONTROLLER_PORT,
    data_dir: Path | str | None = None,
    properties: Mapping[str, str] | Sequence[str] | None = None,
    *,
    listener_configs: Sequence[Path | str] = (),
    ready_bootstrap: str | None = None,
    ready_timeout: float = DEFAULT_READY_TIMEOUT,
    libs_dir: Path = LIBS_DIR,
) -> Broker:
    """Start a detached single-node KRaft broker and wait until it answers metadata.

    ``properties`` (a mapping or ``key=value`` strings) and the files in
    ``listener_configs`` (Java .properties, applied first) override or extend the
    generated server.properties. ``ready_bootstrap`` is what the readiness check
    connects to over PLAINTEXT (default ``127.0.0.1:<port>``).
    """
    data_dir = Path(data_dir or default_data_dir(port)).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    overrides: dict[str, str] = {}
    for config in listener_configs:
        overrides.update(read_properties_file(Path(config)))
    if isinstance(properties, Mapping):
        overrides.update({str(k): str(v) for k, v in properties.items()})
    elif properties is not None:
        overrides.update(parse_property(item) for item in properties)

    libs = fetch(libs_dir)
    with _file_lock(data_dir / ".start.lock"):
        existing = running_broker(port=port, data_dir=data_dir)
        if existing is not None:
            raise BrokerError(
                f"a broker from {data_dir} is already running (pid {existing.pid}); "
                "use `stop` first, or `ensure` to reuse it"
            )
        (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
        for needed in (port, controller_port):
            if not _port_free(needed):
                raise BrokerError(f"port {HOST}:{needed} is already in use")

        props = server_properties(
            port=port, controller_port=controller_port, data_dir=data_dir, overrides=overrides
        )
        props_path = data_dir / PROPERTIES_NAME
        write_properties(props_path, props)
        if not _is_formatted(props):
            cluster_id = random_cluster_id()
            _say(f"formatting {props.get('log.dirs')} (cluster id {cluster_id})")
            format_storage(libs, data_dir, props_path, cluster_id)

        console_log = data_dir / CONSOLE_LOG_NAME
        server_since = _size(data_dir / "logs" / "server.log")
        cmd = [*_jvm_base(libs, data_dir), *JVM_HEAP, "kafka.Kafka", str(props_path)]
        began = time.monotonic()
        with console_log.open("ab") as out:
            out.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} starting broker\n".encode())
            out.flush()
            console_since = out.tell()
            proc = subprocess.Popen(
                cmd,
                cwd=data_dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _children[proc.pid] = proc
        (data_dir / PID_FILE_NAME).write_text(f"{proc.pid}\n")
        broker = Broker(
            bootstrap=f"{HOST}:{port}",
            pid=proc.pid,
            data_dir=data_dir,
            log_path=console_log,
            port=port,
            controller_port=controller_port,
        )
        _say(f"broker pid {proc.pid} starting on {broker.bootstrap} (log {console_log})")

        probe = ready_bootstrap or broker.bootstrap
        deadline = began + ready_timeout
        while True:
            if proc.poll() is not None:
                _children.pop(proc.pid, None)
                (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
                raise BrokerError(
                    f"broker exited with {proc.returncode} before becoming ready\n"
                    + _diagnostics(data_dir, console_since, server_since)
                )
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _signal_and_wait(proc.pid, 10.0)
                (data_dir / PID_FILE_NAME).unlink(missing_ok=True)
                raise BrokerError(
                    f"broker on {probe} not ready after {ready_timeout:g}s (stopped it)\n"
                    + _diagnostics(data_dir, console_since, server_since)
                )
            if is_reachable(probe, timeout=min(5.0, max(1.0, remaining))):
                break
            time.sleep(0.5)
        _say(f"broker ready on {broker.bootstrap} after {time.monotonic() - began:.1f}s")
        return broker


# ----------------------------------------------------------------------- stop


def stop(
    broker: Broker | None = None,
    *,
    port: int = DEFAULT_PORT,
    data_dir: Path | str | None = None,
    timeout: float = DEFAULT_STOP_TIMEOUT,
) -> bool:
    """Stop the broker by the pid in its pid file: SIGTERM, then SIGKILL after
    ``timeout`` seconds. Returns False when there was nothing running."""
    if broker is not None:
        resolved = broker.data_dir.resolve()
    else:
        resolved = Path(data_dir or default_data_dir(port)).resolve()
    pid_file = resolved / PID_FILE_NAME
    pid = _read_pid(pid_file)
    if pid is None and broker is not None:
        pid = broker.pid
    if pid is None:
        return False
    if not _alive(pid):
        pid_file.unlink(missing_ok=True)
        _children.pop(pid, None)
        return False
    if not _is_our_broker(pid, resolved / PROPERTIES_NAME):
        pid_file.unlink(missing_ok=True)
        _say(f"pid {pid} is not the broker of {resolved} any more; not signalling it")
        return False
    began = time.monotonic()
    killed = _signal_and_wait(pid, timeout)
    pid_file.unlink(missing_ok=True)
    how = "killed (SIGKILL)" if killed else "stopped"
    _say(f"broker pid {pid} {how} in {time.monotonic() - began:.1f}s")
    return True


# --------------------------------------------------------------------- ensure


def ensure(
    port: int = DEFAULT_PORT,
    controller_port: int = DEFAULT_CONTROLLER_PORT,
    data_dir: Path | str | None = None,
    properties: Mapping[str, str] | Sequence[str] | None = None,
    *,
    listener_configs: Sequence[Path | str] = (),
    ready_bootstrap: str | None = None,
    ready_timeout: float = DEFAULT_READY_TIMEOUT,
    env: Mapping[str, str] | None = None,
) -> tuple[str, Broker | None]:
    """Reuse a broker that answers, else start one.

    Tries ``$EXWATCH_BROKER`` first (``kafka://host:port`` or ``host:port``, comma
    list allowed), then ``127.0.0.1:<port>``. Returns ``(bootstrap, broker)`` where
    ``broker`` is None when an existing broker was reused (so: don't stop it).
    """
    environ = os.environ if env is None else env
    configured = environ.get(ENV_BROKER, "").strip()
    if configured:
        bootstrap = parse_bootstrap(configured)
        if is_reachable(bootstrap, timeout=5.0):
            return bootstrap, None
        _say(f"${ENV_BROKER}={configured} does not answer; starting a local broker")
    local = ready_bootstrap or f"{HOST}:{port}"
    if is_reachable(local, timeout=3.0):
        return f"{HOST}:{port}", None
    broker = start(
        port=port,
        controller_port=controller_port,
        data_dir=data_dir,
        properties=properties,
        listener_configs=listener_configs,
        ready_bootstrap=ready_bootstrap,
        ready_timeout=ready_timeout,
    )
    return broker.bootstrap, broker


# ------------------------------------------------------------------------ CLI


def _add_start_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="PLAINTEXT port")
    parser.add_argument(
        "--controller-port", type=int, default=DEFAULT_CONTROLLER_PORT, help="KRaft port"
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="default: .cache/kafka-data/<port>"
    )
    parser.add_argument(
        "--property",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override/add a server.properties line (empty value removes it); repeatable",
    )
    parser.add_argument(
        "--listener-config",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a .properties file merged into server.properties (before --property)",
    )
    parser.add_argument(
        "--ready-bootstrap",
        default=None,
        metavar="HOST:PORT",
        help="PLAINTEXT address the readiness check uses (default 127.0.0.1:<port>)",
    )
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_READY_TIMEOUT, help="readiness timeout, s"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broker.py", description="Local single-node Apache Kafka (KRaft) broker."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_fetch = sub.add_parser("fetch", help="download the broker jars into .cache/kafka/libs")
    p_fetch.add_argument("--force", action="store_true", help="fetch even if already there")

    _add_start_options(sub.add_parser("start", help="start a broker and wait until ready"))

    p_stop = sub.add_parser("stop", help="stop the broker recorded in the pid file")
    p_stop.add_argument("--port", type=int, default=DEFAULT_PORT)
    p_stop.add_argument("--data-dir", type=Path, default=None)
    p_stop.add_argument("--timeout", type=float, default=DEFAULT_STOP_TIMEOUT)

    p_status = sub.add_parser("status", help="exit 0 if a broker answers a metadata request")
    p_status.add_argument("--bootstrap", default=None, metavar="HOST:PORT")
    p_status.add_argument("--port", type=int, default=DEFAULT_PORT)
    p_status.add_argument("--timeout", type=float, default=5.0)

    _add_start_options(
        sub.add_parser("ensure", help=f"reuse ${ENV_BROKER} / a running broker, else start")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fetch":
            print(fetch(force=args.force))
            return 0
        if args.command == "start":
            broker = start(
                port=args.port,
                controller_port=args.controller_port,
                data_dir=args.data_dir,
                properties=args.property,
                listener_configs=args.listener_config,
                ready_bootstrap=args.ready_bootstrap,
                ready_timeout=args.timeout,
            )
            print(broker.bootstrap)
            return 0
        if args.command == "stop":
            if not stop(port=args.port, data_dir=args.data_dir, timeout=args.timeout):
                _say("no broker was running")
            return 0
        if args.command == "status":
            bootstrap = parse_bootstrap(args.bootstrap or f"{HOST}:{args.port}")
            if is_reachable(bootstrap, timeout=args.timeout):
                print(bootstrap)
                return 0
            _say(f"no broker answers on {bootstrap}")
            return 1
        if args.command == "ensure":
            bootstrap, started = ensure(
                port=args.port,
                controller_port=args.controller_port,
                data_dir=args.data_dir,
                properties=args.property,
                listener_configs=args.listener_config,
                ready_bootstrap=args.ready_bootstrap,
                ready_timeout=args.timeout,
            )
            print(f"{'started' if started else 'reused'} {bootstrap}")
            return 0
    except BrokerError as exc:
        print(f"[kafka] error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    raise AssertionError(f"unhandled command {args.command!r}")


if __name__ == "__main__":
    sys.exit(main())
