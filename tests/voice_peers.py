"""Real receivers for the voice tests: GStreamer and FFmpeg writing what they hear to a WAV, a Python
RTP receiver that notes when each packet arrives, and the comparison of what was sent with what came.

Every process is started here and stopped here by its PID (``stop``), SIGINT first so the receiver
closes its WAV properly.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from app.adapters.voice import g711
from app.adapters.voice.rtp_packets import parse
from app.core.voice import FRAME_SAMPLES, SAMPLE_RATE, Codec

_IP_RECVTTL = getattr(socket, "IP_RECVTTL", 12)  # Linux's value where Python does not name it
_GST_CODEC = {
    Codec.PCMU: ("PCMU", 0, "rtppcmudepay", "mulawdec"),
    Codec.PCMA: ("PCMA", 8, "rtppcmadepay", "alawdec"),
}


def speech_like(seconds: float, seed: int = 7) -> bytes:
    """16-bit PCM at 8 kHz that varies like speech: a few harmonics on a gliding pitch, in syllables
    (4 Hz), so a cross-correlation has one clear peak."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    pitch = 140 + 40 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 6))
    syllables = np.clip(np.sin(2 * np.pi * 4 * t + rng.uniform(0, np.pi)), 0, None) ** 0.5
    signal_ = 0.35 * 32767 * voice / 2.3 * syllables + rng.normal(0, 200, t.size)
    return np.clip(signal_, -32768, 32767).astype("<i2").tobytes()


def on_the_wire(pcm: bytes, codec: Codec) -> bytes:
    """What a receiver can at best get back: the G.711 round trip of ``pcm``."""
    return g711.decode(g711.encode(pcm, codec), codec)


@dataclass(frozen=True)
class Match:
    correlation: float
    lag_ms: float  # where the sent audio starts in the received
    sent_s: float
    received_s: float

    @property
    def duration_error_ms(self) -> float:
        return abs(self.received_s - self.sent_s) * 1000


def compare(sent: bytes, received: bytes) -> Match:
    """Align ``received`` on ``sent`` by cross-correlation, then correlate where they overlap."""
    a = np.frombuffer(sent, dtype="<i2").astype(np.float64)
    b = np.frombuffer(received, dtype="<i2").astype(np.float64)
    if not b.size:
        return Match(0.0, 0.0, a.size / SAMPLE_RATE, 0.0)
    n = 1 << int(np.ceil(np.log2(a.size + b.size)))
    xc = np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)
    lag = int(np.argmax(xc))
    if lag > n // 2:
        lag -= n
    bb, aa = (b[lag:], a) if lag >= 0 else (b, a[-lag:])
    m = min(aa.size, bb.size)
    correlation = float(np.corrcoef(aa[:m], bb[:m])[0, 1]) if m > 1 else 0.0
    return Match(correlation, lag / SAMPLE_RATE * 1000, a.size / SAMPLE_RATE, b.size / SAMPLE_RATE)


def read_wav(path: Path) -> bytes:
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2), path
        return w.readframes(w.getnframes())


def free_udp_port() -> int:
    """An even UDP port with the odd one above it free too (RTP and RTCP; FFmpeg opens both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1]) & ~1
        if port > 1024 and not _bound(port) and not _bound(port + 1):
            return port
    raise RuntimeError("no free pair of UDP ports")


def udp_listeners(port: int) -> int:
    """How many sockets are bound to UDP ``port`` (several may share a multicast group's port)."""
    tables = [Path("/proc/net/udp"), Path("/proc/net/udp6")]
    if not tables[0].exists():
        return int(_bound(port))
    count = 0
    for table in tables:
        if table.exists():
            for line in table.read_text().splitlines()[1:]:
                local = line.split()[1]
                count += int(local.rsplit(":", 1)[1], 16) == port
    return count


def _bound(port: int) -> bool:
    """Whether something listens on UDP ``port`` (binding it ourselves then fails)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return True
        return False


def need(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed ({package}; scripts/setup.sh installs it)")
    return found


# --- receivers that write a WAV ---------------------------------------------------------------------
@dataclass
class Receiver:
    """A receiver process; ``stop`` ends it by its PID and returns what it wrote."""

    name: str
    process: subprocess.Popen[bytes]
    wav: Path
    log: Path

    def stop(self) -> bytes:
        if self.name == "ffmpeg":  # it ignores SIGINT while it waits for packets: it ends by itself
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(15)
        stop_process(self.process, signal.SIGINT)
        if not self.wav.exists() or self.wav.stat().st_size <= 44:
            pytest.fail(
                f"{self.name} wrote no audio; its output:\n{self.log.read_text(errors='replace')[-2000:]}"
            )
        return read_wav(self.wav)


def start_receiver(kind: str, host: str, port: int, codec: Codec, folder: Path) -> Receiver:
    """GStreamer (``gst``) or FFmpeg (``ffmpeg``) receiving RTP G.711 on ``host:port`` into a WAV;
    returns once its socket is open. ``host`` may be a multicast group (joined on the routes' interface)."""
    wav, log = folder / f"{kind}-{codec.value}-{port}.wav", folder / f"{kind}-{codec.value}-{port}.log"
    if kind == "gst":
        name, pt, depay, dec = _GST_CODEC[codec]
        caps = f"application/x-rtp,media=audio,clock-rate=8000,encoding-name={name},payload={pt}"
        command = [
            need("gst-launch-1.0", "gstreamer1.0-tools"), "-q", "-e",
            "udpsrc", f"address={host}", f"port={port}", f"caps={caps}",
            "!", "rtpjitterbuffer", "latency=100", "!", depay, "!", dec, "!", "audioconvert",
            "!", "audio/x-raw,format=S16LE,rate=8000,channels=1",
            "!", "wavenc", "!", "filesink", f"location={wav}",
        ]  # fmt: skip
    else:
        multicast = ipaddress.ip_address(host).is_multicast
        url = f"rtp://{host}:{port}" + ("" if multicast else f"?localaddr={host}")
        command = [
            # -listen_timeout: ends 1 s after the last packet (SIGINT would wait for its 10 s default).
            need("ffmpeg", "ffmpeg"), "-nostdin", "-y", "-loglevel", "error", "-listen_timeout", "1",
            "-i", url,
            "-c:a", "pcm_s16le", "-ar", "8000", "-ac", "1", str(wav),
        ]  # fmt: skip
    before = udp_listeners(port)
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    receiver = Receiver(kind, process, wav, log)
    deadline = time.monotonic() + 10
    while udp_listeners(port) <= before:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_process(process)
            pytest.fail(f"{kind} did not open UDP {port}:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.02)
    return receiver


def stop_process(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM) -> None:
    """End ``process`` (by its PID): ``sig``, then SIGKILL when it does not go within 10 s."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# --- a Python receiver that notes arrival times -----------------------------------------------------
@dataclass
class RtpSink:
    """Receives RTP on ``host:port`` (a multicast group is joined) and notes each packet's arrival."""

    host: str
    port: int = 0
    packets: list[tuple[float, bytes]] = field(default_factory=list)
    ttls: set[int] = field(default_factory=set)  # the IP TTL the packets came with (Linux)

    def __post_init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with contextlib.suppress(OSError):
            self._sock.setsockopt(socket.IPPROTO_IP, _IP_RECVTTL, 1)
        self._sock.bind((self.host, self.port))
        self.port = int(self._sock.getsockname()[1])
        if ipaddress.ip_address(self.host).is_multicast:
            membership = struct.pack("4s4s", socket.inet_aton(self.host), socket.inet_aton("0.0.0.0"))
            self._sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rtp-sink", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data, ancillary, _, _ = self._sock.recvmsg(2048, socket.CMSG_SPACE(4))
            except TimeoutError:
                continue
            except OSError:
                return
            arrived = time.monotonic()
            for level, kind, value in ancillary:
                if level == socket.IPPROTO_IP and kind == socket.IP_TTL and len(value) >= 4:
                    self.ttls.add(int.from_bytes(value[:4], sys.byteorder))
            self.packets.append((arrived, data))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def pcm(self, codec: Codec) -> bytes:
        """The payloads in sequence order, decoded."""
        parsed = sorted((parse(p) for _, p in self.packets), key=lambda p: p[1])
        return b"".join(g711.decode(p[4], codec) for p in parsed)

    def pacing(self) -> dict[str, float]:
        """How the arrivals kept time: the rate error over the whole stream and the worst lateness
        of one packet against the schedule that the first set, both against 20 ms a packet."""
        times = np.array([t for t, _ in self.packets])
        nominal = FRAME_SAMPLES / SAMPLE_RATE
        if times.size < 2:
            return {
                "packets": float(times.size),
                "rate_error_pct": float("nan"),
                "worst_late_ms": float("nan"),
            }
        span = times[-1] - times[0]
        expected = (times.size - 1) * nominal
        schedule = times[0] + np.arange(times.size) * nominal
        return {
            "packets": float(times.size),
            "rate_error_pct": float((span - expected) / expected * 100),
            "worst_late_ms": float(np.max(np.abs(times - schedule)) * 1000),
            "mean_gap_ms": float(np.mean(np.diff(times)) * 1000),
        }


def wait_packets(receiver: RtpSink, count: float, timeout_s: float = 5.0) -> None:
    """Wait until ``receiver`` has ``count`` packets (they are on their way once the sender returns)."""
    deadline = time.monotonic() + timeout_s
    while len(receiver.packets) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"{len(receiver.packets)} RTP packets arrived, {count:.0f} were sent")
        time.sleep(0.01)


@contextlib.contextmanager
def sink(host: str, port: int = 0) -> Iterator[RtpSink]:
    receiver = RtpSink(host, port)
    try:
        yield receiver
    finally:
        receiver.close()
