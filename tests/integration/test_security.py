"""Secured brokers: SASL/SCRAM-SHA-512 over TLS against a second real broker of our own.

The module's broker has a PLAINTEXT listener (the readiness probe and the admin command
that creates the SCRAM user use it) and a SASL_SSL listener with a certificate made here
by a throwaway CA. The worker and the CLI reach it only through the SASL_SSL listener.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.integration.test_ingest import EVENTS, EXPECTED, wait_totals, write_jsonl
from tests.support import ROOT, Worker, broker_module, free_port, http_get, unique

USER = "alice"
MECHANISM = "SCRAM-SHA-512"
# How a refused login reads in the broker's server.log (org.apache.kafka.common.network.Selector).
BROKER_AUTH_FAILURE = re.compile(r"Failed authentication with /127\.0\.0\.1")

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")


@dataclass(frozen=True)
class SecuredBroker:
    plain_bootstrap: str  # PLAINTEXT: readiness and administration only
    sasl_bootstrap: str  # SASL_SSL: what the service uses
    ca_file: Path
    password: str
    server_log: Path

    def env(self, password: str) -> dict[str, str]:
        """EXWATCH_* security settings (EXWATCH_BROKER is set by Worker from its bootstrap)."""
        return {
            "EXWATCH_SECURITY_PROTOCOL": "SASL_SSL",
            "EXWATCH_SASL_MECHANISM": MECHANISM,
            "EXWATCH_SASL_USER": USER,
            "EXWATCH_SASL_PASSWORD": password,
            "EXWATCH_TLS_CA_FILE": str(self.ca_file),
        }

    def auth_failures(self) -> int:
        """Refused logins the broker has logged so far."""
        try:
            text = self.server_log.read_text(errors="replace")
        except OSError:
            return 0
        return len(BROKER_AUTH_FAILURE.findall(text))


def _openssl(cwd: Path, *args: str) -> None:
    done = subprocess.run(
        ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, f"openssl {' '.join(args)}:\n{done.stderr}"


def make_certificates(directory: Path, store_password: str) -> tuple[Path, Path]:
    """A CA, and a broker certificate for 127.0.0.1/localhost signed by it, as a PKCS12
    keystore. Returns (CA certificate PEM, broker keystore)."""
    directory.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl(
        directory,
        "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-sha256",
        "-subj", "/CN=exchange-watch test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    _openssl(
        directory,
        "req", "-new", *ec, "-keyout", "broker.key", "-out", "broker.csr", "-subj", "/CN=localhost",
    )  # fmt: skip
    (directory / "broker.ext").write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    _openssl(
        directory,
        "x509", "-req", "-in", "broker.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-set_serial", str(secrets.randbits(63)), "-days", "2", "-sha256",
        "-extfile", "broker.ext", "-out", "broker.crt",
    )  # fmt: skip
    _openssl(
        directory,
        "pkcs12", "-export", "-in", "broker.crt", "-inkey", "broker.key",
        "-certfile", "ca.crt", "-name", "broker", "-out", "broker.p12",
        "-passout", f"pass:{store_password}",
    )  # fmt: skip
    return directory / "ca.crt", directory / "broker.p12"


def add_scram_user(libs: Path, plain_bootstrap: str, user: str, password: str) -> None:
    """Create the SCRAM user through the PLAINTEXT listener (kafka-configs)."""
    java = shutil.which("java")
    assert java, "java is needed for the broker"
    done = subprocess.run(
        [
            java, "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-cp", str(libs / "*"), "kafka.admin.ConfigCommand",
            "--bootstrap-server", plain_bootstrap, "--alter",
            "--add-config", f"{MECHANISM}=[iterations=4096,password={password}]",
            "--entity-type", "users", "--entity-name", user,
        ],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"kafka-configs failed:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredBroker]:
    broker = broker_module()
    base = tmp_path_factory.mktemp("secured")
    password = "pw-" + secrets.token_hex(12)
    store_password = secrets.token_hex(12)
    ca_file, keystore = make_certificates(base / "tls", store_password)
    plain, sasl, controller = free_port(), free_port(), free_port()
    listener = "listener.name.sasl_ssl."
    started = broker.start(
        port=plain,
        controller_port=controller,
        data_dir=base / "kafka",
        properties={
            "listeners": (
                f"PLAINTEXT://127.0.0.1:{plain},SASL_SSL://127.0.0.1:{sasl},"
                f"CONTROLLER://127.0.0.1:{controller}"
            ),
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{plain},SASL_SSL://127.0.0.1:{sasl}",
            "sasl.enabled.mechanisms": MECHANISM,
            listener + "sasl.enabled.mechanisms": MECHANISM,
            listener + MECHANISM.lower() + ".sasl.jaas.config": (
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"
            ),
            listener + "ssl.keystore.type": "PKCS12",
            listener + "ssl.keystore.location": str(keystore),
            listener + "ssl.keystore.password": store_password,
            listener + "ssl.key.password": store_password,
            listener + "ssl.client.auth": "none",
        },
    )
    try:
        add_scram_user(broker.LIBS_DIR, started.bootstrap, USER, password)
        yield SecuredBroker(
            plain_bootstrap=started.bootstrap,
            sasl_bootstrap=f"127.0.0.1:{sasl}",
            ca_file=ca_file,
            password=password,
            server_log=started.data_dir / "logs" / "server.log",
        )
    finally:
        broker.stop(started)


def secure_worker(secured: SecuredBroker, tmp_path: Path, password: str, name: str) -> Worker:
    return Worker(
        bootstrap=secured.sasl_bootstrap,
        prefix=unique("sec") + ".",
        app_id=unique("exwatch-sec"),
        port=free_port(),
        data_dir=tmp_path / name,
        extra_env=secured.env(password),
    )


def test_worker_and_cli_authenticate_over_sasl_ssl(secured: SecuredBroker, tmp_path: Path) -> None:
    worker = secure_worker(secured, tmp_path, secured.password, "worker")
    refused = secured.auth_failures()
    try:
        worker.start()
        done = worker.cli_produce(write_jsonl(tmp_path / "events.jsonl", EVENTS))
        assert done.returncode == 0, done.stderr
        assert "sent 5, rejected 0" in done.stderr
        wait_totals(worker, EXPECTED)
        status, health = http_get(worker.url + "/healthz")
        assert status == 200, health
    finally:
        worker.stop()
    assert secured.auth_failures() == refused, "a login with the right password was refused"
    # The secret is nowhere: not in the CLI's output, /healthz or the worker's log.
    assert secured.password not in done.stdout + done.stderr
    assert secured.password not in repr(health)
    assert secured.password not in worker.log_path.read_text(errors="replace")


def test_cli_with_a_wrong_password_fails_once_and_clearly(
    secured: SecuredBroker, tmp_path: Path
) -> None:
    wrong = "wrong-" + secrets.token_hex(12)
    worker = secure_worker(secured, tmp_path, wrong, "unused")  # only for its env
    before = secured.auth_failures()
    began = time.monotonic()
    done = worker.cli_produce(write_jsonl(tmp_path / "events.jsonl", EVENTS[:1]), timeout=60)
    elapsed = time.monotonic() - began
    output = (done.stdout + done.stderr).strip()
    attempts = secured.auth_failures() - before
    print(f"CLI wrong password: exit {done.returncode} after {elapsed:.1f}s, "
          f"{attempts} refused login(s):\n{output}")  # fmt: skip
    assert done.returncode != 0
    assert elapsed < 30, output
    lines = output.splitlines()
    assert len(lines) == 1, output
    assert "authentication failed" in lines[0].lower(), output
    assert "Traceback" not in output
    assert 1 <= attempts <= 2, output
    assert wrong not in output


def test_cli_without_our_ca_fails_once_on_tls(secured: SecuredBroker, tmp_path: Path) -> None:
    worker = secure_worker(secured, tmp_path, secured.password, "unused")
    del worker.extra_env["EXWATCH_TLS_CA_FILE"]  # the system's CAs do not know ours
    done = worker.cli_produce(write_jsonl(tmp_path / "events.jsonl", EVENTS[:1]), timeout=60)
    output = (done.stdout + done.stderr).strip()
    print(f"CLI without the CA: exit {done.returncode}:\n{output}")
    assert done.returncode != 0
    assert len(output.splitlines()) == 1, output
    assert "tls" in output.lower() and "certificate" in output.lower(), output
    assert secured.password not in output


def test_worker_with_a_wrong_password_stops_with_a_clear_error(
    secured: SecuredBroker, tmp_path: Path
) -> None:
    wrong = "wrong-" + secrets.token_hex(12)
    worker = secure_worker(secured, tmp_path, wrong, "worker")
    worker.data_dir.mkdir(parents=True)
    before = secured.auth_failures()
    began = time.monotonic()
    with worker.log_path.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker", "--loglevel", "info"],
            cwd=ROOT,
            env=worker.env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker.proc = proc
    try:
        # It must give up by itself; while it runs it must never call itself healthy.
        while proc.poll() is None and time.monotonic() - began < 45:
            with contextlib.suppress(OSError):
                assert http_get(worker.url + "/healthz", timeout=1)[0] != 200
            time.sleep(0.5)
        exited = proc.poll() is not None
    finally:
        worker.stop()
    elapsed = time.monotonic() - began
    log = worker.log_path.read_text(errors="replace")
    attempts = secured.auth_failures() - before
    print(
        f"worker wrong password: exit {proc.returncode} after {elapsed:.1f}s, "
        f"{attempts} refused login(s), {log.lower().count('authentication failed')} "
        f"'authentication failed' mention(s) in its log:\n{log}"
    )
    assert exited, f"still running after {elapsed:.0f}s:\n{log}"
    assert proc.returncode != 0, log
    assert re.search(r"authentication failed", log, re.IGNORECASE), log
    assert "Traceback" not in log, log
    assert 1 <= attempts <= 2, log
    assert wrong not in log
