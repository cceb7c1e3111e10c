"""Things on the network that are not ONVIF cameras, for the probe's tests: real sockets on loopback.

* :class:`WebServer` — an HTTP server answering every POST with an HTML page (a router's login
  page, an NVR's web UI) or with ``401`` (a page behind a login);
* :class:`Tarpit` — takes connections and never says a word (a hung device);
* :class:`Babbler` — takes a connection, writes a non-HTTP banner and closes (an SSH or RTSP port).
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self


class _Page(BaseHTTPRequestHandler):
    server: _PageServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, body = self.server.answer
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="router"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _PageServer(ThreadingHTTPServer):
    daemon_threads = True
    answer: tuple[int, bytes]


class _Peer:
    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class WebServer(_Peer):
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, *, status: int = 200, title: str = "路由器登录"
    ) -> None:
        self.host, self.port = host, port
        page = f"<html><head><title>{title}</title></head><body>login</body></html>".encode()
        self._server = _PageServer((host, port), _Page)
        self._server.answer = (status, page)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Listener(_Peer):
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._sock = socket.create_server((host, port))
        self._sock.settimeout(0.1)
        self.host, self.port = host, self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2.0)
        for conn in self._held:
            conn.close()
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError


class Tarpit(_Listener):
    def handle(self, conn: socket.socket) -> None:
        self._held.append(conn)  # keep it open and silent


class Babbler(_Listener):
    def handle(self, conn: socket.socket) -> None:
        try:
            conn.sendall(b"SSH-2.0-OpenSSH_8.9\r\n")
        finally:
            conn.close()
