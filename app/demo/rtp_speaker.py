"""A loudspeaker of the demo site: hears RTP G.711 (PCMU or PCMA) on a UDP port, as an IP paging
speaker does, and keeps each announcement it heard as a WAV file (so the demo's operator can open
what "the street" heard, and tests can compare it with what was sent).

An announcement ends after a second of silence on the wire; packets are put back in sequence order
(a reordering network), and a late packet of an ended announcement starts a new one.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.adapters.voice import g711
from app.adapters.voice.rtp_packets import parse
from app.core.voice import SAMPLE_RATE, Codec, wav_bytes

log = logging.getLogger(__name__)
GAP_S = 1.0  # this long without a packet ends an announcement
CODECS = {0: Codec.PCMU, 8: Codec.PCMA}


@dataclass
class _Hearing:
    started: float
    last: float
    packets: dict[int, bytes] = field(default_factory=dict)  # extended sequence → PCM
    first_seq: int | None = None


@dataclass(frozen=True)
class Heard:
    """One announcement as the speaker heard it."""

    path: Path
    seconds: float
    started: float  # wall clock of the first packet
    packets: int


class RtpSpeaker:
    def __init__(self, name: str, folder: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        self.name, self._folder = name, folder
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.bind((host, port))
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.heard: list[Heard] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"demo-speaker-{name}", daemon=True)

    def start(self) -> RtpSpeaker:
        self._folder.mkdir(parents=True, exist_ok=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(2.0)
        self._sock.close()

    def announcements(self) -> list[Heard]:
        with self._lock:
            return list(self.heard)

    def _run(self) -> None:
        hearing: _Hearing | None = None
        while not self._stop.is_set():
            try:
                packet = self._sock.recv(2048)
            except TimeoutError:
                packet = b""
            except OSError:
                break
            now = time.time()
            if hearing is not None and now - hearing.last > GAP_S:
                self._keep(hearing)
                hearing = None
            if not packet:
                continue
            try:
                payload_type, seq, _ts, _ssrc, payload = parse(packet)
            except ValueError:
                log.info("demo speaker %s: not an RTP packet (%d bytes) ignored", self.name, len(packet))
                continue
            codec = CODECS.get(payload_type)
            if codec is None:
                log.info("demo speaker %s: payload type %d is not G.711, ignored", self.name, payload_type)
                continue
            if hearing is None:
                hearing = _Hearing(started=now, last=now, first_seq=seq)
            hearing.last = now
            offset = (seq - (hearing.first_seq or 0)) & 0xFFFF  # sequence numbers wrap at 65536
            hearing.packets[offset] = g711.decode(payload, codec)
        if hearing is not None:
            self._keep(hearing)

    def _keep(self, hearing: _Hearing) -> None:
        pcm = b"".join(hearing.packets[k] for k in sorted(hearing.packets))
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(hearing.started))
        path = self._folder / f"{self.name}-{stamp}-{len(self.heard) + 1:03d}.wav"
        try:
            path.write_bytes(wav_bytes(pcm))
        except OSError as exc:
            log.error("demo speaker %s: could not keep what it heard in %s: %s", self.name, path, exc)
            return
        heard = Heard(path, len(pcm) / 2 / SAMPLE_RATE, hearing.started, len(hearing.packets))
        with self._lock:
            self.heard.append(heard)
        log.info(
            "demo speaker %s heard %.1f s (%d packets): %s", self.name, heard.seconds, heard.packets, path
        )
