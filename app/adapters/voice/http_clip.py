"""An IP loudspeaker's clip API: upload the whole clip, play it, wait for its end, remove it.

The convention is the published Axis VAPIX "Media clip API" (``/axis-cgi/mediaclip.cgi``), which
Axis network speakers and cameras with a speaker implement and which a site can put in front of
another make of speaker with a few lines of gateway; docs/voice-http.md has the details:

1. ``POST {cgi}?action=upload&media=audio&name=citywall-<sha256[:12]>``, body
   ``multipart/form-data`` with one file part ``clip`` (``citywall-….wav``, ``audio/wav``): a
   WAV, 8 kHz mono, G.711 µ-law (format tag 7) or A-law (tag 6) as ``speaker.codec`` says.
   Answer ``200`` with ``uploaded=N`` (the clip number) in a text/plain body.
2. ``GET {cgi}?action=play&clip=N[&volume=V][&<the address' own query>]`` (``V`` is the speaker's
   volume 0…100, a percentage of the clip's level, sent only when configured). Answer ``200``.
   The API has no "finished" event: the play lasts the clip's duration, timed here; meanwhile
   the speaker's port is probed every half second, so one that dies mid-play fails the delivery.
3. ``GET {cgi}?action=stop`` when the operator stops (or a higher priority pre-empts).
4. ``GET {cgi}?action=remove&clip=N`` after the end (the device has few clip slots).

Address: ``http[s]://host[:port][/prefix]`` puts the CGI at ``{prefix}/axis-cgi/mediaclip.cgi``;
an address whose path ends in ``.cgi`` names the CGI itself; the address' query string (e.g.
``audiodeviceid=0&audiooutputid=0``) is added to every play. Login: Basic or Digest (MD5,
SHA-256), as the speaker challenges. Faults: refused connection → UNREACHABLE, no answer →
TIMEOUT, 401/403 after logging in → AUTH, other 4xx/5xx → REFUSED with the speaker's own words
(503 → BUSY). Retrying is the router's job. ``sent_pcm`` is the whole clip once it was uploaded.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import re
import secrets
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from app.adapters.voice.wav import write_wav
from app.adapters.voice.web_auth import Authenticator, parse_challenges
from app.core.voice import SAMPLE_RATE, Delivery, DeliveryFailure, Speaker

log = logging.getLogger(__name__)

DEFAULT_CGI = "/axis-cgi/mediaclip.cgi"
PROBE_EVERY_S = 0.5
REMOVE_AFTER_S = 0.3  # a device's output buffer plays on after the clip's time: do not cut its tail
_CLIP_NUMBER = re.compile(r"\b(?:uploaded|replaced|updated)\s*=\s*(\d+)", re.IGNORECASE)


class ClipFailure(Exception):
    def __init__(self, failure: DeliveryFailure, detail: str) -> None:
        super().__init__(detail)
        self.failure, self.detail = failure, detail


@dataclass(frozen=True)
class ClipApi:
    """Where a speaker's clip CGI is, from its address."""

    scheme: str
    host: str
    port: int
    cgi: str
    play_params: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def from_address(address: str) -> ClipApi:
        parts = urlsplit(address)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the address must be an http[s]://host[:port][/path] URL")
        path = parts.path.rstrip("/")
        cgi = path if path.endswith(".cgi") else path + DEFAULT_CGI
        port = parts.port or (443 if scheme == "https" else 80)
        return ClipApi(scheme, parts.hostname, port, cgi, tuple(parse_qsl(parts.query)))

    def target(self, params: Iterable[tuple[str, str]]) -> str:
        return f"{self.cgi}?{urlencode(list(params))}"


def multipart(name: str, filename: str, content_type: str, content: bytes) -> tuple[str, bytes]:
    """(Content-Type header, body) of a multipart/form-data upload of one file (RFC 7578)."""
    boundary = f"citywall-{secrets.token_hex(12)}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    )
    return (
        f"multipart/form-data; boundary={boundary}",
        head.encode() + content + f"\r\n--{boundary}--\r\n".encode(),
    )


class _Client:
    """Requests to one speaker's CGI with its login (one connection per request)."""

    def __init__(self, api: ClipApi, username: str | None, password: str | None, timeout_s: float) -> None:
        self.api, self.timeout_s = api, timeout_s
        self._username, self._password = username, password
        self._auth: Authenticator | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.api.scheme == "https":
            return http.client.HTTPSConnection(
                self.api.host, self.api.port, timeout=self.timeout_s, context=ssl.create_default_context()
            )
        return http.client.HTTPConnection(self.api.host, self.api.port, timeout=self.timeout_s)

    def request(
        self, what: str, method: str, params: Iterable[tuple[str, str]], body: bytes = b"",
        content_type: str | None = None,
    ) -> str:  # fmt: skip
        """The text of a 200 answer; anything else is a ClipFailure naming ``what`` was asked."""
        target = self.api.target(params)
        for _ in range(3):
            authorized = self._auth is not None and self._auth.scheme is not None
            status, reason, text, challenges = self._once(what, method, target, body, content_type)
            if status != 401:
                return self._check(what, status, reason, text)
            self._answer(what, f"HTTP 401 {reason}", challenges, authorized)
        raise ClipFailure(DeliveryFailure.AUTH, f"{what}: the speaker keeps asking for a login")

    def _once(
        self, what: str, method: str, target: str, body: bytes, content_type: str | None
    ) -> tuple[int, str, str, list[str]]:
        headers = {"User-Agent": "CityWall", "Connection": "close"}
        if content_type:
            headers["Content-Type"] = content_type
        authorization = self._auth.authorization(method, target) if self._auth else None
        if authorization:
            headers["Authorization"] = authorization
        where = f"{self.api.host}:{self.api.port}"
        conn = self._connection()
        try:
            conn.request(method, target, body=body if method == "POST" else None, headers=headers)
            response = conn.getresponse()
            text = response.read(64 * 1024).decode("utf-8", "replace")
            return response.status, response.reason, text, response.headers.get_all("WWW-Authenticate") or []
        except ConnectionRefusedError:
            raise ClipFailure(
                DeliveryFailure.UNREACHABLE, f"{what}: {where} refused the connection"
            ) from None
        except TimeoutError:
            raise ClipFailure(
                DeliveryFailure.TIMEOUT, f"{what}: no answer from {where} within {self.timeout_s:.0f} s"
            ) from None
        except socket.gaierror:
            raise ClipFailure(DeliveryFailure.UNREACHABLE, f"{what}: no such host: {self.api.host}") from None
        except ssl.SSLError as exc:
            raise ClipFailure(
                DeliveryFailure.UNREACHABLE, f"{what}: TLS with {where} failed: {exc.reason}"
            ) from None
        except http.client.RemoteDisconnected:
            raise ClipFailure(
                DeliveryFailure.UNREACHABLE, f"{what}: {where} hung up without an answer"
            ) from None
        except http.client.HTTPException as exc:
            what_came = type(exc).__name__
            raise ClipFailure(
                DeliveryFailure.BAD_RESPONSE,
                f"{what}: {where} answered something that is not HTTP ({what_came})",
            ) from None
        except OSError as exc:
            raise ClipFailure(
                DeliveryFailure.UNREACHABLE, f"{what}: {where}: {exc.strerror or exc}"
            ) from None
        finally:
            conn.close()

    def _answer(self, what: str, status_line: str, challenges: list[str], authorized: bool) -> None:
        if self._username is None or self._password is None:
            raise ClipFailure(
                DeliveryFailure.NOT_CONFIGURED,
                f"{what}: {status_line}: the speaker asks for a user name and password; none configured",
            )
        stale = any(c.stale for c in parse_challenges(challenges))
        if authorized and not stale:
            raise ClipFailure(
                DeliveryFailure.AUTH, f"{what}: {status_line}: the speaker refused the user name or password"
            )
        self._auth = self._auth or Authenticator(self._username, self._password)
        if not self._auth.accept(challenges):
            schemes = ", ".join(sorted({c.scheme for c in parse_challenges(challenges)})) or "none"
            raise ClipFailure(
                DeliveryFailure.AUTH, f"{what}: {status_line}: no login scheme we can answer ({schemes})"
            )

    def _check(self, what: str, status: int, reason: str, text: str) -> str:
        error = next(
            (line.strip() for line in text.splitlines() if line.strip().lower().startswith("error")), ""
        )
        if status == 200 and not error:
            return text
        detail = f"{what}: HTTP {status} {reason}" + (f": {error}" if error else "")
        if status == 200:
            raise ClipFailure(DeliveryFailure.REFUSED, detail)
        if status == 403:
            raise ClipFailure(DeliveryFailure.AUTH, detail)
        if status == 404:
            raise ClipFailure(DeliveryFailure.REFUSED, f"{detail} (no media clip API at {self.api.cgi})")
        if status == 503:
            raise ClipFailure(DeliveryFailure.BUSY, detail)
        raise ClipFailure(DeliveryFailure.REFUSED, detail)

    def reachable(self) -> bool:
        """Whether the speaker still accepts connections (a liveness probe while a clip plays)."""
        try:
            socket.create_connection((self.api.host, self.api.port), timeout=min(self.timeout_s, 2.0)).close()
        except OSError:
            return False
        return True


class HttpClipTransport:
    """:class:`~app.adapters.voice.transport.Transport` for DeliveryKind.HTTP speakers."""

    def __init__(self, *, timeout_s: float = 5.0, wall_clock: Callable[[], float] = time.time) -> None:
        self.timeout_s = timeout_s
        self._wall = wall_clock

    def play(self, speaker: Speaker, frames: Iterable[bytes], stop: threading.Event) -> Delivery:
        try:
            api = ClipApi.from_address(speaker.address)
        except ValueError as exc:
            return Delivery(speaker.id, False, DeliveryFailure.NOT_CONFIGURED, str(exc))
        collected: list[bytes] = []
        for frame in frames:  # the whole clip goes up at once (a live stream plays when it ends)
            if stop.is_set():
                break
            collected.append(frame)
        if stop.is_set():
            return Delivery(speaker.id, False, DeliveryFailure.STOPPED, "stopped before the upload")
        pcm = b"".join(collected)
        client = _Client(api, speaker.username, speaker.password, self.timeout_s)
        state: dict[str, float] = {}
        uploaded = False
        try:
            clip_id = self._upload(client, speaker, pcm)
            uploaded = True
            failure, detail = self._play(client, speaker, clip_id, len(pcm) / 2 / SAMPLE_RATE, stop, state)
        except ClipFailure as exc:
            log.info("clip to %s failed: %s (%s)", speaker.id, exc.failure.value, exc.detail)
            failure, detail = exc.failure, exc.detail
        return Delivery(
            speaker.id, failure is None, failure, detail, started_at=state.get("started"),
            ended_at=state.get("ended"), sent_pcm=pcm if uploaded else b"",
        )  # fmt: skip

    def _upload(self, client: _Client, speaker: Speaker, pcm: bytes) -> str:
        name = f"citywall-{hashlib.sha256(pcm).hexdigest()[:12]}"
        content_type, body = multipart(
            "clip", f"{name}.wav", "audio/wav", write_wav(pcm, codec=speaker.codec)
        )
        params = [("action", "upload"), ("media", "audio"), ("name", name)]
        text = client.request("upload", "POST", params, body, content_type)
        found = _CLIP_NUMBER.search(text)
        if found is None:
            first = text.strip().splitlines()[0] if text.strip() else "an empty answer"
            raise ClipFailure(
                DeliveryFailure.BAD_RESPONSE, f"upload: no clip number in the answer ({first!r})"
            )
        return found[1]

    def _play(
        self, client: _Client, speaker: Speaker, clip_id: str, duration_s: float, stop: threading.Event,
        state: dict[str, float],
    ) -> tuple[DeliveryFailure | None, str]:  # fmt: skip
        params = [("action", "play"), ("clip", clip_id)]
        if speaker.volume is not None:
            params.append(("volume", str(max(0, min(100, speaker.volume)))))
        client.request("play", "GET", [*params, *client.api.play_params])
        state["started"] = self._wall()
        end = time.monotonic() + duration_s
        while (remaining := end - time.monotonic()) > 0 and not stop.wait(min(PROBE_EVERY_S, remaining)):
            if time.monotonic() < end and not client.reachable():
                state["ended"] = self._wall()
                played = duration_s - max(0.0, end - time.monotonic())
                raise ClipFailure(
                    DeliveryFailure.UNREACHABLE, f"the speaker stopped answering {played:.1f} s into the clip"
                )
        if stop.is_set():
            state["ended"] = self._wall()
            failure: DeliveryFailure | None = DeliveryFailure.STOPPED
            played = duration_s - max(0.0, end - time.monotonic())
            detail = f"stopped after {played:.1f} s"
            try:
                client.request("stop", "GET", [("action", "stop")])
            except ClipFailure as exc:
                detail += f" (the speaker did not take the stop: {exc.detail})"
        else:
            state["ended"] = state["started"] + duration_s
            failure, detail = None, ""
            stop.wait(REMOVE_AFTER_S)
        try:
            client.request("remove", "GET", [("action", "remove"), ("clip", clip_id)])
        except ClipFailure as exc:  # the play is over either way; the slot stays taken until someone frees it
            log.warning("clip %s on %s not removed: %s", clip_id, speaker.id, exc.detail)
        return failure, detail
