"""An IP loudspeaker with a clip API, as Axis documents it (VAPIX "Media clip API",
``/axis-cgi/mediaclip.cgi``): upload a clip, play it, stop, remove. It writes what it played to a
WAV file per play.

Strict, so that a client's mistake fails a test: upload must be ``POST …?action=upload&media=audio``
with a ``multipart/form-data`` body (RFC 7578) holding exactly one file part, a WAV at 8 kHz mono in
a format the speaker takes (µ-law, A-law or 16-bit PCM by default); ``play``/``stop``/``remove`` are
GETs; unknown parameters, a clip that does not exist, a volume outside 0…1000, no free clip slot
(``max_clips``, Axis' ``MediaClip.MaxGroups``) or a body over ``max_upload_bytes`` are refused with
``400 Bad Request`` and an ``Error: …`` line; a wrong login gets ``401`` (HTTP digest by default, as
Axis devices use; or basic). A play lasts the clip's duration in real time; ``stop`` or a new play
cuts it short, and removing a clip while it plays is recorded in :attr:`ClipSpeaker.errors` (the
client did not wait for the end).
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

from app.adapters.voice.wav import WavError, WavFormat, read_wav, write_wav
from app.adapters.voice.web_auth import parse_challenges
from app.demo.onvif_auth import DigestChecker

HOST = "127.0.0.1"
REALM = "CityWall demo speaker"
CGI = "/axis-cgi/mediaclip.cgi"
Auth = Literal["none", "digest", "basic"]
_ALLOWED = {
    "upload": {"action", "media", "name"},
    "play": {"action", "clip", "volume", "repeat", "audiodeviceid", "audiooutputid"},
    "stop": {"action"},
    "remove": {"action", "clip"},
}


@dataclass
class StoredClip:
    name: str
    pcm: bytes
    format: WavFormat


@dataclass
class HeardPlay:
    clip_id: int
    name: str
    volume: int | None
    params: dict[str, str]
    duration_s: float
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None
    stopped: bool = False  # cut short by stop, a new play or a removal
    pcm: bytes = b""  # what came out of the speaker
    wav: Path | None = None


class _BadRequest(Exception):
    pass


class ClipSpeaker:
    def __init__(
        self,
        out_dir: Path | None = None,
        *,
        auth: Auth = "digest",
        username: str = "operator",
        password: str = "",
        formats: Sequence[WavFormat] = (WavFormat.MULAW, WavFormat.ALAW, WavFormat.PCM),
        max_clips: int = 10,
        max_upload_bytes: int = 1_500_000,
        prefix: str = "",
        port: int = 0,
        on_event: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.auth, self.username, self._password = auth, username, password
        self.formats, self.max_clips, self.max_upload_bytes = tuple(formats), max_clips, max_upload_bytes
        self.prefix = prefix.rstrip("/")
        self._port = port
        self._on_event = on_event
        self._digest = DigestChecker(username, password, REALM)
        self.clips: dict[int, StoredClip] = {}
        self.plays: list[HeardPlay] = []
        self.requests: list[tuple[str, str]] = []  # method, request target
        self.errors: list[str] = []
        self._current: HeardPlay | None = None
        self._timer: threading.Timer | None = None
        self._lock = threading.RLock()
        self._announce = threading.local()  # an event to emit once this thread's answer is written
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The speaker's address: ``http://host:port[/prefix]``."""
        return f"http://{HOST}:{self._port}{self.prefix}"

    def start(self) -> ClipSpeaker:
        speaker = self

        class Handler(_Handler):
            owner = speaker

        server = ThreadingHTTPServer((HOST, self._port), Handler)
        server.daemon_threads = True
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self._lock:
            if self._current is not None:
                self._end_play(stopped=True)

    def __enter__(self) -> ClipSpeaker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def playing(self) -> HeardPlay | None:
        return self._current

    # --- the API ------------------------------------------------------------------------------------
    def handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, str, list[tuple[str, str]]]:
        """(status, text body, extra headers) for one request."""
        self.requests.append((method, target))
        parts = urlsplit(target)
        challenge = self._check_auth(method, target, headers.get("authorization"))
        if challenge:
            return 401, "401 Unauthorized\n", [("WWW-Authenticate", challenge)]
        if parts.path != self.prefix + CGI:
            return 404, "404 Not Found\n", []
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        action = query.get("action", "")
        try:
            if action not in _ALLOWED:
                raise _BadRequest(f"unknown action {action!r}")
            unknown = sorted(set(query) - _ALLOWED[action])
            if unknown:
                raise _BadRequest(f"unknown parameter {unknown[0]!r} for action={action}")
            if (method == "POST") != (action == "upload"):
                raise _BadRequest(f"action={action} must use {'POST' if action == 'upload' else 'GET'}")
            with self._lock:
                text = getattr(self, f"_{action}")(query, headers, body)
        except _BadRequest as exc:
            return 400, f"400 Bad Request\nError: {exc}\n", []
        return 200, f"OK\n{text}\n", []

    def _upload(self, query: dict[str, str], headers: dict[str, str], body: bytes) -> str:
        if query.get("media") != "audio":
            raise _BadRequest("media=audio is required for upload")
        filename, content = _one_file(headers.get("content-type", ""), body)
        try:
            audio = read_wav(content, filename)
        except WavError as exc:
            raise _BadRequest(str(exc)) from None
        if audio.format not in self.formats:
            raise _BadRequest(f"unsupported audio format {audio.format.name}")
        if audio.rate != 8000 or audio.channels != 1:
            raise _BadRequest(
                f"unsupported audio: {audio.channels} channel(s) at {audio.rate} Hz (8000 Hz mono)"
            )
        free = next((n for n in range(self.max_clips) if n not in self.clips), None)
        if free is None:
            raise _BadRequest(f"no free media clip (MaxGroups={self.max_clips})")
        self.clips[free] = StoredClip(query.get("name") or filename, audio.pcm, audio.format)
        self.emit(
            {"event": "uploaded", "clip": free, "format": audio.format.name, "seconds": audio.duration_s}
        )
        return f"uploaded={free}"

    def _clip(self, query: dict[str, str]) -> int:
        text = query.get("clip", "")
        if not text.isdigit() or int(text) not in self.clips:
            raise _BadRequest(f"clip {text!r} does not exist")
        return int(text)

    def _play(self, query: dict[str, str], headers: dict[str, str], body: bytes) -> str:
        clip_id = self._clip(query)
        volume: int | None = None
        if "volume" in query:
            if not query["volume"].isdigit() or int(query["volume"]) > 1000:
                raise _BadRequest(f"volume {query['volume']!r} is not 0…1000")
            volume = int(query["volume"])
        if ("audiodeviceid" in query) != ("audiooutputid" in query):
            raise _BadRequest("audiodeviceid and audiooutputid go together")
        if self._current is not None:
            self._end_play(stopped=True)
        clip = self.clips[clip_id]
        extra = {k: v for k, v in query.items() if k not in ("action", "clip", "volume")}
        play = HeardPlay(clip_id, clip.name, volume, extra, len(clip.pcm) / 2 / 8000)
        self.plays.append(play)
        self._current = play
        self._timer = threading.Timer(play.duration_s, self._finish, args=(play,))
        self._timer.daemon = True
        self._timer.start()
        self._announce.event = {"event": "play", "clip": clip_id, "volume": volume}  # once answered
        return f"playing={clip_id}"

    def _stop(self, query: dict[str, str], headers: dict[str, str], body: bytes) -> str:
        if self._current is not None:
            self._end_play(stopped=True)
        return "stopping"

    def _remove(self, query: dict[str, str], headers: dict[str, str], body: bytes) -> str:
        clip_id = self._clip(query)
        if self._current is not None and self._current.clip_id == clip_id:
            self.errors.append(f"clip {clip_id} removed while playing")
            self._end_play(stopped=True)
        del self.clips[clip_id]
        return f"removed={clip_id}"

    # --- playing ------------------------------------------------------------------------------------
    def _finish(self, play: HeardPlay) -> None:
        with self._lock:
            if self._current is play:
                self._end_play(stopped=False)

    def _end_play(self, *, stopped: bool) -> None:
        play = self._current
        assert play is not None
        self._current = None
        if self._timer is not None:
            self._timer.cancel()
        play.ended = time.monotonic()
        play.stopped = stopped
        pcm = self.clips[play.clip_id].pcm
        if stopped:
            pcm = pcm[: int(min(play.ended - play.started, play.duration_s) * 8000) * 2]
        play.pcm = pcm
        if self.out_dir is not None:
            play.wav = self.out_dir / f"played-{len(self.plays):03d}-clip{play.clip_id}.wav"
            play.wav.write_bytes(write_wav(pcm))
        self.emit({"event": "played", "clip": play.clip_id, "stopped": stopped, "seconds": len(pcm) / 16000,
                   "wav": str(play.wav) if play.wav else None})  # fmt: skip

    # --- login --------------------------------------------------------------------------------------
    def _check_auth(self, method: str, target: str, header: str | None) -> str | None:
        if self.auth == "none":
            return None
        if self.auth == "basic":
            expected = "Basic " + base64.b64encode(f"{self.username}:{self._password}".encode()).decode()
            if header and hmac.compare_digest(header.encode(), expected.encode()):
                return None
            return f'Basic realm="{REALM}"'
        if header and self._digest.check(header, method):
            parsed = parse_challenges([header])
            if parsed and parsed[0].params.get("uri") == target:
                return None
        return self._digest.challenge()

    def answered(self) -> None:
        """The handler's thread wrote its answer: events that wait for that go out now."""
        event, self._announce.event = getattr(self._announce, "event", None), None
        if event is not None:
            self.emit(event)

    def emit(self, event: dict[str, Any]) -> None:
        if self._on_event is not None:
            self._on_event(event)


def _one_file(content_type: str, body: bytes) -> tuple[str, bytes]:
    """The one file part of a multipart/form-data body (RFC 7578): (file name, content)."""
    kind, _, rest = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        raise _BadRequest(f"upload needs multipart/form-data, not {kind.strip() or 'nothing'}")
    params = {
        k.strip().lower(): v.strip().strip('"') for k, _, v in (p.partition("=") for p in rest.split(";"))
    }
    boundary = params.get("boundary", "").encode()
    if not boundary:
        raise _BadRequest("multipart body without a boundary")
    delimiter = b"--" + boundary
    end = body.find(b"\r\n" + delimiter + b"--")
    if (
        not body.startswith(delimiter + b"\r\n")
        or end < 0
        or body[end + len(delimiter) + 4 :] not in (b"", b"\r\n")
    ):
        raise _BadRequest("malformed multipart body")
    files: list[tuple[str, bytes]] = []
    for part in body[len(delimiter) + 2 : end].split(b"\r\n" + delimiter + b"\r\n"):
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            raise _BadRequest("multipart part without headers")
        disposition = ""
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = value
        fields = {
            k.strip().lower(): v.strip().strip('"')
            for k, _, v in (p.partition("=") for p in disposition.split(";"))
        }
        if not disposition.strip().lower().startswith("form-data") or "name" not in fields:
            raise _BadRequest("multipart part without Content-Disposition: form-data; name=…")
        if "filename" in fields:
            files.append((fields["filename"], content))
    if len(files) != 1:
        raise _BadRequest(f"{len(files)} files in the upload (one expected)")
    return files[0]


class _Handler(BaseHTTPRequestHandler):
    owner: ClipSpeaker
    protocol_version = "HTTP/1.1"
    server_version = "CityWallDemoSpeaker/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the owner records requests
        pass

    def _serve(self, method: str) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = b""
        if method == "POST":
            length = headers.get("content-length")
            if length is None or not length.isdigit():
                return self._reply(411, "411 Length Required\n", [])
            if int(length) > self.owner.max_upload_bytes:
                self.close_connection = True
                return self._reply(413, "413 Payload Too Large\n", [])
            body = self.rfile.read(int(length))
        status, text, extra = self.owner.handle(method, self.path, headers, body)
        self._reply(status, text, extra)
        self.owner.answered()
        return None

    def _reply(self, status: int, text: str, extra: list[tuple[str, str]]) -> None:
        data = text.encode()
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")
