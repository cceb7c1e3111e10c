"""One stream pull: connect, demux, decode straight to the wanted sizes, reconnect with backoff.

Runs in its own thread inside a decoder worker. PyAV releases the GIL while it waits for the
network, decodes and scales, so one thread per stream costs little Python time.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import av
from av.video.reformatter import Interpolation, VideoReformatter

from app.core.stream_failure import StreamFailure, classify_failure
from app.core.stream_health import HealthSnapshot, StreamHealth, StreamState, backoff_delay
from app.media.evidence.ring import PacketRing, StreamParams
from app.media.frame_board import BgraImage, FrameBoard
from app.media.protocol import CameraSpec, Output, SecretUrl
from app.media.scrub import scrub

log = logging.getLogger(__name__)

HealthListener = Callable[[HealthSnapshot], None]


class EndOfStream(Exception):
    """The server ended the stream (an RTSP camera should never do that)."""


class UndecodableStream(Exception):
    """Packets arrive but none of them decodes into a picture."""


class OpenTimedOut(Exception):
    """The camera did not answer the open in time (FFmpeg may call it "Invalid data")."""


def fit_size(src: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Largest even size inside ``box`` with the source's aspect, never larger than the source.

    Upscaling is left to the painter: copying a bigger frame through shared memory buys nothing.
    """
    sw, sh = src
    bw, bh = box
    if sw <= 0 or sh <= 0:
        return (max(2, bw & ~1), max(2, bh & ~1))
    scale = min(bw / sw, bh / sh, 1.0)
    return (max(2, int(sw * scale) & ~1), max(2, int(sh * scale) & ~1))


# Tiles this much smaller than the source are decoded without the H.264 deblocking filter on
# P-frames (keyframes keep it, so any drift ends at the next one). Measured on real street photos
# panned in CIF at 250 kbit/s with a 4-second GOP: decoding costs 20-30 % less, and the picture at
# a 100-tile wall's tile (2.8 times smaller) stays within 41 dB PSNR of the full decode at worst,
# below what the eye can see; at half size it fell to 38 dB, so larger tiles decode in full.
# Against the scene itself the light decode is 0.03 dB (1-second GOP) to 0.25 dB (4-second GOP)
# further off than the full decode (median), next to the 33-37 dB the camera's encoding costs.
LIGHT_DECODE_MAX_SCALE = 0.4
LIGHT_DECODER_OPTIONS = {"skip_loop_filter": "nokey"}
LIGHT_DECODE_CODECS = ("h264",)  # the codec measured; HEVC's filters (SAO too) were not


def light_decoding_fits(codec: str, source: tuple[int, int], pictures: list[tuple[int, int]]) -> bool:
    """Whether every picture made from the stream is small enough to skip P-frame deblocking."""
    sw, sh = source
    if codec not in LIGHT_DECODE_CODECS or sw <= 0 or sh <= 0 or not pictures:
        return False
    return all(w <= sw * LIGHT_DECODE_MAX_SCALE and h <= sh * LIGHT_DECODE_MAX_SCALE for w, h in pictures)


def configure_decoder(decoder: Any, *, light: bool) -> None:
    """How every decoder of ours runs (the ingest bench's like-for-like loop too).

    One thread, slices only: with 100 streams the parallelism comes from the streams. ``light``
    skips P-frame deblocking (see LIGHT_DECODE_MAX_SCALE); set before the first packet."""
    decoder.thread_type = "SLICE"
    decoder.thread_count = 1
    if light:
        decoder.options = dict(LIGHT_DECODER_OPTIONS)


def rtsp_options(transport: str) -> dict[str, str]:
    """What ``av.open`` is told for an RTSP camera (the ingest bench's raw reference uses it too)."""
    options = {
        "rtsp_transport": transport,
        "allowed_media_types": "video",
        # Cameras send SPS/PPS in the SDP: a short probe is enough and makes 100 opens fast.
        "probesize": "32768",
        "analyzeduration": "100000",
    }
    if transport == "udp":
        options.update({"buffer_size": "1048576", "reorder_queue_size": "64", "max_delay": "300000"})
    return options


class Scaler:
    """Turns decoded frames into BGRA pictures of a given size, reusing its swscale contexts.

    It scales in the stream's own YUV first (a third of the samples of BGRA, on swscale's SIMD
    paths, with an area filter) and then converts at the target size. A CIF frame fresh from the
    decoder, scaled to a 100-tile wall's tile, takes 53 µs where one reformat straight to scaled
    BGRA took 78 µs (decoding it takes 135 µs), and the area filter comes closer to an ideal
    downscale (mean error 1.5 against 1.7 levels).
    """

    def __init__(self) -> None:
        self._resize = VideoReformatter()
        self._convert = VideoReformatter()

    def __call__(self, frame: av.VideoFrame, size: tuple[int, int]) -> BgraImage:
        width, height = size
        if frame.width != width or frame.height != height:
            frame = self._resize.reformat(
                frame, width=width, height=height, interpolation=Interpolation.AREA, threads=1
            )
        image = self._convert.reformat(frame, format="bgra", threads=1)
        return cast(BgraImage, image.to_ndarray())  # a view of the frame's plane: bgra is uint8


@dataclass
class _Target:
    output: Output
    scaler: Scaler
    source: tuple[int, int] = (0, 0)  # the source size that ``size`` was fitted for
    size: tuple[int, int] = (0, 0)

    def fitted(self, source: tuple[int, int]) -> tuple[int, int]:
        if source != self.source:
            self.source, self.size = source, fit_size(source, self.output.size)
        return self.size


class StreamPull:
    """Keeps one URL flowing into one or more board slots until stopped."""

    def __init__(
        self,
        name: str,
        url: SecretUrl,
        spec: CameraSpec,
        board: FrameBoard,
        on_health: HealthListener,
        *,
        rng: random.Random | None = None,
        sample_slot: int | None = None,
        health: StreamHealth | None = None,
    ) -> None:
        """``sample_slot``: the board slot whose detection sample requests this pull answers.

        ``health``: the health of a pull this one replaces (its failure streak and backoff go on)."""
        self.name = name
        self._url = url
        self._spec = spec
        self._board = board
        self._on_health = on_health
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._targets: list[_Target] = []
        self._sample_slot = sample_slot
        self._sample_scaler = Scaler()
        self._sample_served = 0  # token of the last request answered
        self.samples = 0  # detection samples answered
        self._keyframes_only = False
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.health = health or StreamHealth(spec.policy)
        # Progress counters read by the worker's watchdog and stats thread.
        self.packets = 0
        self.frames = 0
        self.last_packet_monotonic = 0.0
        self.decoding_since = 0.0  # non-zero while inside the decoder (hang detection)
        self.source_size = (0, 0)
        self.light_decoding = False  # P-frames decoded without deblocking (small tiles only)
        # Evidence clips: every packet as it came, kept for a while (set by the camera runner).
        self.ring: PacketRing | None = None
        self._thread = threading.Thread(target=self._run, name=f"pull-{name}", daemon=True)

    # --- control (any thread) -----------------------------------------------------------------
    def configure(self, outputs: list[Output], keyframes_only: bool) -> None:
        with self._lock:
            kept = {t.output.slot: t for t in self._targets}
            targets = []
            for out in outputs:
                old = kept.get(out.slot)
                if old is not None and old.output == out:
                    targets.append(old)
                else:
                    targets.append(_Target(out, old.scaler if old else Scaler()))
            self._targets = targets
            self._keyframes_only = keyframes_only

    def start(self) -> None:
        self._transition(StreamHealth.start)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._transition(StreamHealth.stop)

    def abandon(self) -> None:
        """Stop without a word: the thread is stuck in libav and a replacement takes over the health
        and the board slots. Whenever the stuck call returns, the thread ends without touching either."""
        with self._lock:
            self._stop.set()
            self._wake.set()
            self._on_health = _ignore
            self.health = StreamHealth(self._spec.policy)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def alive(self) -> bool:
        """The pull thread is still running (an abandoned one: still stuck)."""
        return self._thread.is_alive()

    def check_stall(self, now_monotonic: float) -> None:
        """Called by the watchdog: no packets for stall_after_s while connected means stalled."""
        if (
            self.last_packet_monotonic
            and now_monotonic - self.last_packet_monotonic > self._spec.policy.stall_after_s
            and self.health.state == StreamState.LIVE
        ):
            self._transition(StreamHealth.stall)

    # --- the pull thread ------------------------------------------------------------------------
    def _transition(self, apply: Callable[[StreamHealth, float], bool]) -> None:
        with self._lock:  # the health and listener of this moment (abandon() replaces both)
            changed = apply(self.health, time.time())
            snapshot, listener = self.health.snapshot, self._on_health
        if changed:
            listener(snapshot)

    def _run(self) -> None:
        if self.health.snapshot.attempts:  # replacing a failed pull: its backoff first
            self._wake.wait(backoff_delay(self.health.snapshot.attempts, self._spec.policy, self._rng))
            self._wake.clear()
        while not self._stop.is_set():
            try:
                self._pull_once()
                raise EndOfStream("the server ended the stream")
            except Exception as exc:  # any failure of one stream must only affect this stream
                if self._stop.is_set():
                    break
                reason, detail = _failure(exc)
                message = scrub(detail, self._spec.secrets, self._url.reveal())
                with self._lock:
                    self.health.error(time.time(), message, reason)
                    snapshot, listener = self.health.snapshot, self._on_health
                listener(snapshot)  # also when the state stays: attempts and reason changed
                log.debug("%s: %s (%s)", self.name, reason.value, message)
            self.last_packet_monotonic = 0.0
            delay = backoff_delay(self.health.snapshot.attempts, self._spec.policy, self._rng)
            self._wake.wait(delay)
            self._wake.clear()

    def _open(self) -> Any:
        spec = self._spec
        if spec.is_file:
            return av.open(self._url.reveal(), mode="r")
        started = time.monotonic()
        try:
            return av.open(
                self._url.reveal(),
                mode="r",
                options=rtsp_options(spec.transport),
                timeout=(spec.connect_timeout_s, spec.read_timeout_s),
            )
        except av.error.InvalidDataError as exc:
            # A camera that accepts the connection but never answers DESCRIBE: FFmpeg gives up at
            # the open timeout and reports "Invalid data found". Garbage fails at once.
            if time.monotonic() - started >= 0.9 * spec.connect_timeout_s:
                raise OpenTimedOut(
                    f"no answer within {spec.connect_timeout_s:g} s ({exc.strerror or exc})"
                ) from exc
            raise
        except av.error.OSError as exc:
            # FFmpeg says "Input/output error" for a host name that does not resolve.
            host = _unresolvable_host(self._url.reveal())
            if host is not None:
                raise OSError(f"host name not found: {host}") from exc
            raise

    def _pull_once(self) -> None:
        container = self._open()
        tapped: PacketRing | None = None  # the ring this connection feeds (told its stream's parameters)
        try:
            stream = container.streams.video[0]
            decoder = stream.codec_context
            configure_decoder(decoder, light=False)  # light or not is decided at the first keyframe
            self.source_size = (decoder.width, decoder.height)
            self.light_decoding = False
            wait_for_key = True  # never show the grey smear of P-frames without their reference
            pacer = _FilePacer() if self._spec.is_file else None
            picture_timeout = self._spec.policy.picture_timeout_s
            last_picture = time.monotonic()
            while not self._stop.is_set():
                for packet in container.demux(stream):
                    if self._stop.is_set():
                        return
                    if packet.size == 0:
                        continue
                    ring = self.ring
                    if ring is not None:  # before any decoding: a clip is what the camera sent
                        if ring is not tapped:
                            ring.begin(StreamParams.of(stream), time.time())
                            tapped = ring
                        ring.add(time.time(), packet.pts, packet.dts, packet.is_keyframe, bytes(packet))
                    now = time.monotonic()
                    self.packets += 1
                    self.last_packet_monotonic = now
                    if now - last_picture > picture_timeout:
                        raise UndecodableStream("the camera sends data but no picture can be decoded from it")
                    if (self._keyframes_only or wait_for_key) and not packet.is_keyframe:
                        wait_for_key = True
                        continue
                    wait_for_key = False
                    if packet.is_keyframe:  # the only place a fresh decoder can start
                        wanted = self._light_decoding_wanted(decoder.name)
                        if wanted != self.light_decoding:
                            decoder = self._decoder_for(stream, light=wanted)
                    frames = self._decode(decoder, packet)
                    if self._stop.is_set():
                        return  # stopped (or abandoned as hung) while decoding: publish nothing
                    for frame in frames:
                        if pacer is not None:
                            pacer.wait(frame, self._stop)
                        self._publish(frame)
                        last_picture = time.monotonic()
                        if self.health.state != StreamState.LIVE:
                            self._transition(StreamHealth.frame)  # live means pictures, not just bytes
                if pacer is None or self._stop.is_set():
                    return  # a live stream ended: reconnect
                container.seek(0)  # files loop, for the demo and for replaying footage
                decoder.flush_buffers()
                pacer.restart()
                wait_for_key = True
        finally:
            container.close()
            if tapped is not None:
                tapped.end(time.time(), "the camera's stream broke off")

    def _decode(self, decoder: Any, packet: Any) -> list[av.VideoFrame]:
        """One packet through the decoder; ``decoding_since`` says for how long it has been inside.

        Reset whatever happens: a decode that raises (garbage) is not a decoder that hangs."""
        self.decoding_since = time.monotonic()
        try:
            return cast(list[av.VideoFrame], decoder.decode(packet))
        finally:
            self.decoding_since = 0.0

    def _light_decoding_wanted(self, codec: str) -> bool:
        src = self.source_size
        return light_decoding_fits(codec, src, [target.fitted(src) for target in self._targets])

    def _decoder_for(self, stream: Any, *, light: bool) -> Any:
        """A fresh decoder, switched to at a keyframe (a running one cannot change its options).

        A decoder holding back frames (B-frames) loses them: one frame when the layout changes."""
        decoder = av.CodecContext.create(stream.codec_context.name, "r")
        decoder.extradata = stream.codec_context.extradata  # SPS/PPS from the SDP or the file
        configure_decoder(decoder, light=light)
        self.light_decoding = light
        return decoder

    def _publish(self, frame: av.VideoFrame) -> None:
        self.frames += 1
        src = (frame.width, frame.height)
        self.source_size = src
        for target in self._targets:  # configure() replaces the list, never changes it in place
            pixels = target.scaler(frame, target.fitted(src))
            self._board.write(target.output.slot, pixels, target.output.token)
        # A detection sample wanted? One shared-memory word per frame; KEYFRAMES mode answers too.
        # A light-decoded frame answers too (as faithful to the scene, see LIGHT_DECODE_MAX_SCALE):
        # waiting for a keyframe would hold detection up by as much as a GOP.
        slot = self._sample_slot
        if slot is not None and self._board.request_token(slot) != self._sample_served:
            self._answer_sample(frame, src)

    def _answer_sample(self, frame: av.VideoFrame, src: tuple[int, int]) -> None:
        assert self._sample_slot is not None
        request = self._board.sample_request(self._sample_slot)
        if request is None:  # withdrawn, or being replaced right now: the next frame answers
            self._sample_served = 0
            return
        pixels = self._sample_scaler(frame, fit_size(src, request.size))
        self._board.write(request.detect_slot, pixels, request.token)  # refused if withdrawn meanwhile
        self._sample_served = request.token
        self.samples += 1


class _FilePacer:
    """Plays a file at its own frame rate, as a camera would deliver it."""

    def __init__(self) -> None:
        self.restart()

    def restart(self) -> None:
        self._t0: float | None = None
        self._pts0 = 0.0

    def wait(self, frame: av.VideoFrame, stop: threading.Event) -> None:
        t = float(frame.time or 0.0)
        if self._t0 is None:
            self._t0, self._pts0 = time.monotonic(), t
            return
        delay = self._t0 + (t - self._pts0) - time.monotonic()
        if delay > 0:
            stop.wait(delay)
        elif delay < -1.0:
            self._t0, self._pts0 = time.monotonic(), t  # fell behind (e.g. suspended): resync


def _ignore(snapshot: HealthSnapshot) -> None:
    """The health listener of an abandoned pull: its replacement reports."""


def _unresolvable_host(url: str) -> str | None:
    """The URL's host name if it does not resolve (None for addresses and names that do)."""
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):  # gaierror is an OSError
        return host
    return None


def _failure(exc: BaseException) -> tuple[StreamFailure, str]:
    """Why an attempt failed (for the operator) and the technical detail (for the log and tooltip)."""
    if isinstance(exc, EndOfStream):
        return StreamFailure.DISCONNECTED, str(exc)
    if isinstance(exc, UndecodableStream):
        return StreamFailure.BAD_DATA, str(exc)
    if isinstance(exc, OpenTimedOut | av.error.ExitError | TimeoutError):
        detail = str(exc) if isinstance(exc, OpenTimedOut) else f"no answer from the camera ({_text(exc)})"
        return StreamFailure.TIMED_OUT, detail
    if isinstance(exc, IndexError):
        return StreamFailure.NO_VIDEO, "the stream has no video"
    detail = _text(exc)
    return classify_failure(detail), detail


def _text(exc: BaseException) -> str:
    """FFmpeg's message without the URL it quotes (the reason is in the message, not the address)."""
    if isinstance(exc, av.error.FFmpegError) and exc.strerror:
        return f"{exc.strerror} (FFmpeg {type(exc).__name__}, errno {exc.errno})"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
