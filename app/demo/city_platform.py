"""The demo's city platform: a local HTTP receiver for the cases CityWall sends (docs/case-export.md).

It keeps each Idempotency-Key once (201 the first time, 409 after: a repeat counts as delivered)
and writes what it accepted, one JSON line per case version, to ``received.jsonl`` in its folder,
so that a new user can see what the city would have received. The keys already in that file are
known at start: a restart of the demo never takes a version twice.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
MAX_BODY = 8 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo city platform: " + format, *args)

    def do_POST(self) -> None:
        key = self.headers.get("Idempotency-Key", "")
        length = int(self.headers.get("Content-Length", "0") or 0)
        if not key or not 0 < length <= MAX_BODY:
            self._answer(400, {"error": "an Idempotency-Key header and a JSON body are required"})
            return
        try:
            body = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._answer(400, {"error": "the body is not JSON"})
            return
        status = self.server.platform.take(key, body)
        self._answer(status, {"receipt": key, "duplicate": status == 409})

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, platform: DemoCityPlatform) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.platform = platform


class DemoCityPlatform:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.received = folder / "received.jsonl"
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        if self.received.is_file():
            for line in self.received.read_text(encoding="utf-8").splitlines():
                try:
                    self._keys.add(str(json.loads(line)["idempotency_key"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue  # a line cut by a crash: the case is sent again and kept then
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo city platform is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}/cases"

    def take(self, key: str, body: Any) -> int:
        with self._lock:
            if key in self._keys:
                return 409
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                with self.received.open("a", encoding="utf-8") as out:
                    out.write(json.dumps({"idempotency_key": key, "case": body}, ensure_ascii=False) + "\n")
            except OSError as exc:
                log.warning("demo city platform cannot keep %s: %s", key, exc)
                return 503  # CityWall keeps it in its outbox and tries again
            self._keys.add(key)
            return 201

    def start(self) -> DemoCityPlatform:
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="demo-city-platform", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
