"""Demo loudspeakers in their own process, so that a test (or the demo) can kill one as a power cut
would: the camera's back-channel (:mod:`app.demo.speaker_rtsp`) and an IP speaker's clip API
(:mod:`app.demo.speaker_http`), each writing what it heard to WAV files in ``--out``.

    python -m app.demo.speakers rtsp --out DIR [--port N] [--auth none|digest|basic] [--user NAME]
        [--codecs pcmu,pcma] [--no-backchannel] [--tcp-only] [--session-timeout S]
    python -m app.demo.speakers http --out DIR [--port N] [--auth none|digest|basic] [--user NAME]
        [--max-clips N]

The password comes from ``CITYWALL_DEMO_SPEAKER_PASSWORD`` (never the command line). Standard
output carries one JSON object per line: ``{"event": "ready", "url": …}`` first, then what
happens (``play``, ``heard``/``played`` with the WAV's path, ``error``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from app.core.voice import Codec
from app.demo.speaker_http import ClipSpeaker
from app.demo.speaker_rtsp import BackchannelCamera

PASSWORD_ENV = "CITYWALL_DEMO_SPEAKER_PASSWORD"
ROOT = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app.demo.speakers", description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("rtsp", "http"))
    parser.add_argument("--out", type=Path, required=True, help="folder for the WAV files of what was heard")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", choices=("none", "digest", "basic"), default="none")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--codecs", default="pcmu,pcma", help="rtsp: the back-channel's decoders")
    parser.add_argument("--no-backchannel", action="store_true", help="rtsp: a camera without one (551)")
    parser.add_argument("--tcp-only", action="store_true", help="rtsp: refuse UDP transport")
    parser.add_argument("--session-timeout", type=float, default=60.0)
    parser.add_argument("--max-clips", type=int, default=10, help="http: clip slots")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    password = os.environ.get(PASSWORD_ENV, "")
    lock = threading.Lock()

    def emit(event: dict[str, Any]) -> None:
        with lock:
            print(json.dumps(event, ensure_ascii=False), flush=True)

    server: BackchannelCamera | ClipSpeaker
    if args.kind == "rtsp":
        server = BackchannelCamera(
            args.out, codecs=[Codec(c.strip()) for c in args.codecs.split(",") if c.strip()],
            backchannel=not args.no_backchannel, auth=args.auth, username=args.user, password=password,
            transports=("tcp",) if args.tcp_only else ("tcp", "udp"), session_timeout_s=args.session_timeout,
            port=args.port, on_event=emit,
        )  # fmt: skip
    else:
        server = ClipSpeaker(
            args.out, auth=args.auth, username=args.user, password=password, max_clips=args.max_clips,
            port=args.port, on_event=emit,
        )  # fmt: skip
    server.start()
    emit({"event": "ready", "url": server.url, "pid": os.getpid()})
    done = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: done.set())
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    while not done.wait(0.2):
        pass
    server.stop()
    return 0


class SpeakerProcess:
    """A demo speaker in a child process: its URL once ready, its events as they come, and
    :meth:`kill` for a crash (SIGKILL: no goodbye on any connection)."""

    def __init__(self, kind: str, out_dir: Path, *options: str, password: str | None = None) -> None:
        self.kind, self.out_dir, self.options, self.password = kind, out_dir, options, password
        self.events: list[dict[str, Any]] = []
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._ready = threading.Event()
        self._cond = threading.Condition()

    def start(self, timeout_s: float = 20.0) -> SpeakerProcess:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        if self.password is not None:
            env[PASSWORD_ENV] = self.password
        command = [
            sys.executable,
            "-m",
            "app.demo.speakers",
            self.kind,
            "--out",
            str(self.out_dir),
            *self.options,
        ]
        self._proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        assert self._proc.stdout is not None
        threading.Thread(target=self._read, args=(self._proc.stdout,), daemon=True).start()
        if not self._ready.wait(timeout_s):
            self.kill()
            raise RuntimeError(f"the demo {self.kind} speaker did not start within {timeout_s:.0f} s")
        return self

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                with self._cond:
                    self.events.append(event)
                    self._cond.notify_all()
                if event.get("event") == "ready":
                    self.url = str(event["url"])
                    self._ready.set()

    def wait_for(self, name: str, timeout_s: float = 10.0) -> dict[str, Any]:
        """The first event called ``name`` (waiting for it up to ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                found = next((e for e in self.events if e.get("event") == name), None)
                remaining = deadline - time.monotonic()
                if found is not None or remaining <= 0:
                    break
                self._cond.wait(remaining)
        if found is None:
            raise TimeoutError(
                f"no {name!r} event from the demo {self.kind} speaker within {timeout_s:.0f} s"
            )
        return found

    def kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(10)

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> SpeakerProcess:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


if __name__ == "__main__":
    sys.exit(main())
