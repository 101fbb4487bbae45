"""A loopback HTTP server for the feed poller's tests: each path answers from a script of replies.

    with FeedServer() as server:
        server.route("/wire.xml", Reply(body=fixture("wire.rss.xml"), etag='"v1"'))
        server.url("/wire.xml")

A route holds a list of replies: each request takes the next one, the last one repeats. A reply
with an `etag` or `last_modified` answers 304 to a request that presents them. Every request
is recorded (path, headers, time) for the assertions.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

FIXTURES = Path(__file__).resolve().parent / "data" / "feeds"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = RSS
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # before the status line
    content_length: bool = True  # False: the body ends when the connection closes


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    at: float


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> str:
        with self._lock:
            self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _next(self, path: str) -> Reply | None:
        with self._lock:
            replies = self.routes.get(path)
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self.requests.append(Seen(path, dict(handler.headers.items()), time.monotonic()))
        reply = self._next(path) or Reply(404, b"not found", "text/plain")
        if reply.delay:
            time.sleep(reply.delay)
        status, body = reply.status, reply.body
        if status == 200 and (
            (reply.etag and handler.headers.get("If-None-Match") == reply.etag)
            or (
                reply.last_modified
                and handler.headers.get("If-Modified-Since") == reply.last_modified
            )
        ):
            status, body = 304, b""
        try:
            handler.send_response(status)
            if reply.content_type and status != 304:
                handler.send_header("Content-Type", reply.content_type)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            if reply.last_modified:
                handler.send_header("Last-Modified", reply.last_modified)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if reply.content_length:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            for start in range(0, len(body), 64 * 1024):
                handler.wfile.write(body[start : start + 64 * 1024])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a size limit): what the test wants

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(10)
