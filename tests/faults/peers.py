"""Small peers the demo RTSP server cannot play: a camera that accepts connections and never answers."""

from __future__ import annotations

import contextlib
import socket
import threading


class SilentCamera:
    """A TCP server on loopback that accepts every connection, reads what it is sent and never answers
    (an RTSP service that has hung). Connections are held open until :meth:`stop`."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self.connections = 0
        self._thread = threading.Thread(target=self._run, name="silent-camera", daemon=True)

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self._server.getsockname()[1]}/stream"

    def start(self) -> SilentCamera:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for client in self._clients:
            client.close()
        self._server.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                client = None
            if client is not None:
                client.setblocking(False)
                self._clients.append(client)
                self.connections += 1
            for held in self._clients:  # swallow requests so the client's writes never block
                with contextlib.suppress(OSError):  # BlockingIOError included
                    held.recv(65536)
