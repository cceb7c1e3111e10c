"""Run the demo RTSP server (resources/demo/gst_rtsp_server.py) as a child process.

The server needs GStreamer's Python bindings, which live in the system Python (Debian:
/usr/bin/python3), not in our venv; so it is a separate process, started without a shell.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from app.demo.paths import SERVER_SCRIPT

PYTHON_ENV = "CITYWALL_GST_PYTHON"
HOST = "127.0.0.1"
MISSING_EXIT = 3  # the script's exit code when gi, gst-rtsp-server or a plugin is missing
INSTALL_HINT = "apt-get install gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-{base,good,bad}"


class DemoServerError(RuntimeError):
    """The demo RTSP server could not start; the message says why and what to install."""


def default_python() -> str:
    return os.environ.get(PYTHON_ENV) or ("/usr/bin/python3" if os.name == "posix" else "python")


def free_port() -> int:
    """A TCP port free on loopback right now (for a URL needed before the server starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


class DemoRtspServer:
    """The GStreamer RTSP server process serving a manifest's mounts on 127.0.0.1.

    ``port=0`` lets the server pick; after the first start the port is kept, so ``start()`` after
    ``stop()`` or ``kill()`` comes back on the same URLs (as a rebooted camera would).
    """

    def __init__(
        self,
        manifest: Mapping[str, Any],
        *,
        port: int | None = None,
        python: str | None = None,
        script: Path = SERVER_SCRIPT,
        ready_timeout_s: float = 30.0,
        log_lines: int = 400,
    ) -> None:
        self._manifest = dict(manifest)
        self._port = int(port if port is not None else manifest.get("port", 0))
        self._python = python or default_python()
        self._script = script
        self._ready_timeout_s = ready_timeout_s
        self._lines: collections.deque[str] = collections.deque(maxlen=log_lines)
        self._proc: subprocess.Popen[str] | None = None
        self._readers: list[threading.Thread] = []
        self._ready = threading.Event()
        self._manifest_file: Path | None = None
        self._views: dict[str, list[float]] = {}  # ptz_id -> the latest view, kept across restarts
        self._stdin_lock = threading.Lock()

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> DemoRtspServer:
        if self.running:
            raise DemoServerError(f"demo RTSP server already running (pid {self.pid})")
        self._ready.clear()
        self._write_manifest()
        try:
            self._proc = subprocess.Popen(
                [self._python, "-u", str(self._script), "--manifest", str(self._manifest_file)],
                stdin=subprocess.PIPE,  # PTZ view changes; its EOF tells the server we are gone
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            self._remove_manifest()
            raise DemoServerError(
                f"GStreamer RTSP server not found: cannot run {self._python} ({exc.strerror}); "
                f"{INSTALL_HINT}, or set {PYTHON_ENV} to a Python that can import gi"
            ) from exc
        assert self._proc.stdout is not None and self._proc.stderr is not None
        self._readers = [self._drain(self._proc.stdout, ""), self._drain(self._proc.stderr, "stderr: ")]
        self._wait_ready()
        return self

    def stop(self, timeout_s: float = 3.0) -> None:
        """SIGTERM (TerminateProcess on Windows), then kill if it has not exited after ``timeout_s``."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        self._reap()

    def kill(self) -> None:
        """SIGKILL: a crash, as far as clients can tell."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        self._reap()

    def __enter__(self) -> DemoRtspServer:
        return self if self.running else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what clients need ----------------------------------------------------------------------
    @property
    def port(self) -> int:
        if not self._port:
            raise DemoServerError("the demo RTSP server has not started yet: no port")
        return self._port

    @property
    def base_url(self) -> str:
        return f"rtsp://{HOST}:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> int | None:
        """Exit status of the last process (None while it runs): 0 after a clean stop."""
        return self._proc.poll() if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def output(self) -> str:
        """The server's last output lines, for error messages and test failures."""
        return "\n".join(self._lines)

    def set_view(self, ptz_id: str, rect: Sequence[float]) -> None:
        """Point the ``ptz`` mounts of ``ptz_id`` at ``rect`` (x, y, w, h of the panorama).

        Thread-safe and cheap (one line to the server's stdin); remembered, so a restarted server
        comes back showing the same view. A server that is not running just remembers it.
        """
        view = [round(float(v), 6) for v in rect]
        if len(view) != 4:
            raise ValueError("a view is [x, y, w, h]")
        with self._stdin_lock:
            self._views[ptz_id] = view
            proc = self._proc
            if proc is None or proc.poll() is not None or proc.stdin is None:
                return
            try:
                proc.stdin.write(json.dumps({"view": ptz_id, "rect": view}) + "\n")
                proc.stdin.flush()
            except (OSError, ValueError):  # the server died or is being stopped: it gets it at start
                pass

    # -- internals --------------------------------------------------------------------------------
    def _write_manifest(self) -> None:
        manifest = {**self._manifest, "port": self._port, "exit_with_parent": True, "remove_manifest": True}
        if self._views:
            manifest["mounts"] = [
                {**m, "view": self._views[str(m.get("ptz_id") or m.get("path"))]}
                if m.get("mode") == "ptz" and str(m.get("ptz_id") or m.get("path")) in self._views
                else m
                for m in manifest.get("mounts", [])
            ]
        fd, name = tempfile.mkstemp(prefix="citywall-rtsp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, default=str)  # Paths as text
        self._remove_manifest()
        self._manifest_file = Path(name)

    def _remove_manifest(self) -> None:
        if self._manifest_file is not None:
            self._manifest_file.unlink(missing_ok=True)
            self._manifest_file = None

    def _drain(self, stream: IO[str], prefix: str) -> threading.Thread:
        def run() -> None:
            for line in stream:
                line = line.rstrip("\n")
                self._lines.append(prefix + line)
                if not prefix and line.startswith("READY "):
                    self._port = int(line.rsplit(":", 1)[1])
                    self._ready.set()
            stream.close()

        thread = threading.Thread(target=run, name=f"demo-rtsp-{prefix or 'stdout'}", daemon=True)
        thread.start()
        return thread

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self._ready_timeout_s
        while not self._ready.wait(0.05):
            if self._proc.poll() is not None:
                for t in self._readers:
                    t.join(1.0)  # collect the last words before quoting them
                self._reap()
                raise self._startup_error()
            if time.monotonic() > deadline:
                self.kill()
                raise DemoServerError(
                    f"demo RTSP server not ready after {self._ready_timeout_s:.0f} s:\n{self.output()}"
                )

    def _startup_error(self) -> DemoServerError:
        code = self._proc.returncode if self._proc is not None else None
        if code == MISSING_EXIT:
            missing = next((ln for ln in self._lines if "MISSING" in ln), "").split("MISSING", 1)[-1]
            return DemoServerError(
                f"GStreamer RTSP server not found ({self._python}:{missing.split(';')[0]}): {INSTALL_HINT}"
            )
        return DemoServerError(
            f"demo RTSP server exited with code {code} before it was ready:\n{self.output()}"
        )

    def _reap(self) -> None:
        if self._proc is not None:
            self._proc.wait()
            with self._stdin_lock:
                if self._proc.stdin is not None:
                    with contextlib.suppress(OSError):
                        self._proc.stdin.close()
        for t in self._readers:
            t.join(2.0)
        self._readers = []
        self._remove_manifest()
