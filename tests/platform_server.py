"""A city platform for tests: a real HTTP server (in a thread) that keeps each Idempotency-Key once.

It answers as docs/case-export.md asks of a receiver: 201 for a new key, 409 for a key it has, 401
without the right bearer token, 400 when the body's key differs from the header's. It can be told
what to do with the next requests (``plan``): answer 503, answer 422, sleep past the client's
timeout (and then accept, as a slow server does), or accept and hold the answer (for the kill test);
``refuse`` closes its port and ``resume`` opens the same port again.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Seen:
    key: str
    status: int
    body: dict[str, Any] | None = None


@dataclass
class PlatformState:
    token: str
    accepted: list[str] = field(default_factory=list)  # keys, in the order accepted
    seen: list[Seen] = field(default_factory=list)  # every request and what it was answered
    plan: deque[str] = field(default_factory=deque)  # "503", "422", "slow", "hold", "redirect", "echo", "ok"
    reject_keys: set[str] = field(default_factory=set)  # always answered 422
    slow_s: float = 2.0
    held: list[str] = field(default_factory=list)  # keys whose answer was held
    echo_pad: int = 0  # characters before the echoed Authorization header
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    log_lines: list[str] = field(default_factory=list)

    def requests_for(self, key: str) -> list[int]:
        with self.lock:
            return [s.status for s in self.seen if s.key == key]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        self.server.state.log_lines.append(format % args)

    def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout) or was killed

    def do_POST(self) -> None:
        state = self.server.state
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("Idempotency-Key", "")
        if self.headers.get("Authorization") != f"Bearer {state.token}":
            self._record(key, 401)
            self._answer(401, {"error": "bad token"})
            return
        body = json.loads(raw)
        if body.get("idempotency_key") != key:
            self._record(key, 400, body)
            self._answer(400, {"error": "Idempotency-Key header and body differ"})
            return
        with state.lock:
            action = state.plan.popleft() if state.plan else "ok"
        if key in state.reject_keys or action == "422":
            self._record(key, 422, body)
            self._answer(422, {"error": "grid_code is not one of ours"})
        elif action == "503":
            self._record(key, 503, body)
            self._answer(503, {"error": "maintenance"})
        elif action == "echo":  # a careless server quoting the request's headers
            self._record(key, 400, body)
            self._answer(400, {"pad": "x" * state.echo_pad, "auth": self.headers.get("Authorization")})
        elif action == "redirect":
            self._record(key, 302, body)
            self._answer(302, {}, {"Location": "http://127.0.0.1:9/elsewhere"})
        elif action == "slow":
            state.release.wait(state.slow_s)  # the client times out meanwhile
            self._accept(key, body)
        elif action == "hold":
            answer = self._commit(key, body)  # committed on our side; the client never hears
            state.held.append(key)
            state.holding.set()
            state.release.wait(60)
            self._answer(*answer)
        else:
            self._accept(key, body)

    def _accept(self, key: str, body: dict[str, Any]) -> None:
        self._answer(*self._commit(key, body))

    def _commit(self, key: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        state = self.server.state
        with state.lock:
            duplicate = key in state.accepted
            if not duplicate:
                state.accepted.append(key)
        status = 409 if duplicate else 201
        self._record(key, status, body)
        return status, {"error": "duplicate"} if duplicate else {"id": f"P-{len(state.accepted)}"}

    def _record(self, key: str, status: int, body: dict[str, Any] | None = None) -> None:
        with self.server.state.lock:
            self.server.state.seen.append(Seen(key, status, body))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: PlatformState) -> None:
        self.state = state
        super().__init__(("127.0.0.1", port), _Handler)


class PlatformServer:
    def __init__(self, token: str = "tok-Secret-4242") -> None:
        self.state = PlatformState(token)
        self.port = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.resume()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/cases"

    def resume(self) -> None:
        """Listen (again, on the same port after :meth:`refuse`)."""
        self._server = _Server(self.port, self.state)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def refuse(self) -> None:
        """Close the port: a client gets "connection refused"."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self.state.release.set()
        self.refuse()
