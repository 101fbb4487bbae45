"""Fail fast, once and clearly, when the broker refuses our TLS or SASL credentials.

aiokafka turns a refused login into a generic `KafkaConnectionError("Unable to bootstrap
from ...")` (the cause is only logged), and Faust then dies with a traceback. Before a client
starts, `check_credentials` opens ONE connection to the first bootstrap server that answers,
does the TLS and SASL handshakes, and closes it: bad credentials or an untrusted certificate
raise `KafkaAuthError` with one line that names the problem and never the password.
A broker that does not answer at all is left to the client, which reports that itself.
"""

from __future__ import annotations

import asyncio
import ssl

from aiokafka import errors
from aiokafka.conn import create_conn

from streams.settings import Settings

# Kafka answers a refused login with one of these (the broker's message says which).
_AUTH_ERRORS: tuple[type[Exception], ...] = (
    errors.SaslAuthenticationFailed,
    errors.AuthenticationFailedError,
    errors.AuthenticationMethodNotSupported,
    errors.UnsupportedSaslMechanismError,
    errors.IllegalSaslStateError,
)


class KafkaAuthError(Exception):
    """The broker refused the configured credentials, or TLS could not be established."""


def _who(settings: Settings) -> str:
    if settings.sasl_mechanism is None:
        return settings.security_protocol
    mechanism = f"{settings.sasl_mechanism} over {settings.security_protocol}"
    return f"SASL user {settings.sasl_user!r} ({mechanism})"


def _reason(exc: BaseException) -> str:
    """The broker's own message (e.g. 'invalid credentials with SASL mechanism ...')."""
    text = str(exc.args[0]) if exc.args and isinstance(exc.args[0], str) else ""
    return text or getattr(exc, "description", "") or type(exc).__name__


async def check_credentials(settings: Settings, timeout: float = 20.0) -> None:
    """Authenticate once against the first bootstrap server that answers; see the module doc."""
    if settings.security_protocol == "PLAINTEXT":
        return
    options = settings.kafka_client_options()
    password = settings.sasl_password.get_secret_value() if settings.sasl_password else None
    for server in settings.bootstrap_servers:
        host, _, port = server.rpartition(":")
        try:
            conn = await asyncio.wait_for(
                create_conn(
                    host,
                    int(port),
                    client_id=f"{settings.app_id}-credentials-check",
                    request_timeout_ms=int(timeout * 1000),
                    ssl_context=options.get("ssl_context"),
                    security_protocol=settings.security_protocol,
                    sasl_mechanism=settings.sasl_mechanism,
                    sasl_plain_username=settings.sasl_user,
                    sasl_plain_password=password,
                ),
                timeout,
            )
        except _AUTH_ERRORS as exc:
            raise KafkaAuthError(
                f"authentication failed: Kafka at {server} refused {_who(settings)}: "
                f"{_reason(exc)}; check EXWATCH_SASL_USER / EXWATCH_SASL_PASSWORD"
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise KafkaAuthError(
                f"TLS failed: Kafka at {server} presented a certificate we do not trust "
                f"({exc.verify_message}); check EXWATCH_TLS_CA_FILE"
            ) from None
        except ssl.SSLError as exc:
            raise KafkaAuthError(f"TLS failed: Kafka at {server}: {exc.reason or exc}") from None
        except (TimeoutError, OSError, errors.KafkaError):
            continue  # not answering: try the next server; the client will say so if none does
        conn.close()
        return


def check_credentials_sync(settings: Settings, timeout: float = 20.0) -> None:
    """`check_credentials` on a private event loop (leaves the thread's current loop alone,
    which Faust's worker picks up afterwards)."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(check_credentials(settings, timeout))
    finally:
        loop.close()
