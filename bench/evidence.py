"""Evidence bench: CPU per alert for the still and the clip, and a watched camera's ring memory.

    .venv/bin/python bench/evidence.py [--seconds 40] [--stills 5]

Against the demo RTSP server (a CIF sub-stream at 250 kbit/s and a D1 main stream at 1 Mbit/s,
real street footage, 1-second GOP): the sub-stream is read as a decoder worker's pull reads it,
every packet into a 10-second :class:`PacketRing` (the tap's CPU is measured apart, per second).
``--stills`` stills are taken as :class:`EvidenceCapture` takes them (a main-stream pull to the first
key frame, boxes, caption band, JPEG, store), each in the thread's CPU time. One clip is cut
(10 s before, up to 20 s after, as far as ``--seconds`` allows) and its remux timed the same way.

Last line: ``RESULT evidence_cpu_ms=… still_cpu_ms=… clip_cpu_ms=… ring_mib_per_camera=…
tap_cpu_ms_per_s=…`` (still: the median). A measurement: it exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import av

from app.core.alerts import Alert, Box, EvidenceKind, Rule
from app.demo.clips import generate_demo_clips
from app.demo.rtsp_server import DemoRtspServer
from app.media.evidence.grab import grab_picture
from app.media.evidence.ring import ClipCut, ClipUnavailable, PacketRing, StreamParams
from app.media.evidence.still import caption_for, compose_still, encode_jpeg
from app.media.protocol import SecretUrl
from app.media.pull import rtsp_options

MIB = 1 << 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=40.0, help="how long to run (at least 15)")
    parser.add_argument("--stills", type=int, default=5)
    parser.add_argument(
        "--clip-cache", type=Path, default=None, help="demo clips folder (default: user cache)"
    )
    parser.add_argument("--clip-seconds", type=float, default=12.0, help="length of the demo clips")
    args = parser.parse_args(argv)
    seconds = max(15.0, args.seconds)
    clips = generate_demo_clips(args.clip_cache, duration_s=args.clip_seconds, variants=["full"])
    manifest = {
        "mounts": [
            {"path": "sub", "file": str(clips.clip("full", "sub")), "mode": "loop"},
            {"path": "main", "file": str(clips.clip("full", "main")), "mode": "loop"},
        ]
    }
    with DemoRtspServer(manifest, port=0) as server:
        figures = measure(server.url("sub"), server.url("main"), seconds, args.stills)
    if figures.cut is None:
        print(f"no clip: {figures.problem}", file=sys.stderr)
        return 1
    cut = figures.cut
    print(
        f"ring: {figures.span_s:.1f} s held, peak {figures.ring_mib:.2f} MiB; clip {cut.before_s:.1f} s "
        f"before, {cut.after_s:.1f} s after, {len(cut.data) / 1024:.0f} KiB, {cut.packets} packets; "
        f"stills {', '.join(f'{s:.1f}' for s in figures.stills_ms)} ms"
    )
    print(
        f"RESULT evidence_cpu_ms={figures.evidence_ms:.1f} still_cpu_ms={figures.still_ms:.1f} "
        f"clip_cpu_ms={figures.clip_ms:.1f} ring_mib_per_camera={figures.ring_mib:.2f} "
        f"tap_cpu_ms_per_s={figures.tap_ms_per_s:.2f}"
    )
    return 0


@dataclass
class EvidenceFigures:
    """One measurement: CPU-ms of each still and of the clip's cut, the ring's peak and its tap."""

    stills_ms: list[float]
    clip_ms: float
    ring_peak_bytes: int
    span_s: float
    tap_ms_per_s: float
    cut: ClipCut | None  # None: no clip (``problem`` says why)
    problem: str = ""

    @property
    def still_ms(self) -> float:
        return statistics.median(self.stills_ms) if self.stills_ms else float("nan")

    @property
    def evidence_ms(self) -> float:
        """One alert's evidence: a still (the median) and a clip."""
        return self.still_ms + self.clip_ms

    @property
    def ring_mib(self) -> float:
        return self.ring_peak_bytes / MIB


def measure(sub_url: str, main_url: str, seconds: float, stills: int) -> EvidenceFigures:
    """Feed a 10 s ring from ``sub_url`` as a decoder worker would, take ``stills`` stills from
    ``main_url`` once it is full, and cut a clip (10 s before, up to 20 s after, as far as ``seconds``
    from the start allow); bench/alerts.py runs this beside the wall."""
    seconds = max(15.0, seconds)
    ring = PacketRing("cam001", 10.0)
    stop = threading.Event()
    tap_cpu = [0.0, 0.0]  # CPU seconds in the tap, seconds tapped
    feeder = threading.Thread(target=_feed, args=(sub_url, ring, stop, tap_cpu), daemon=True)
    feeder.start()
    started = time.monotonic()
    while ring.span_s() < 10.0 and time.monotonic() - started < 30:
        time.sleep(0.2)
    raised = time.time()
    after_s = min(20.0, seconds - (time.monotonic() - started) - 2.0)
    ring.start_cut(1, raised, 10.0, after_s)
    peak = ring.memory_bytes()
    stills_ms = [_still_cpu_ms(main_url, raised) for _ in range(stills)]
    clip_ms: float = 0.0
    cut: ClipCut | tuple[int, ClipUnavailable] | None = None
    while cut is None and time.monotonic() - started < seconds + 30:
        peak = max(peak, ring.memory_bytes())
        t0 = time.thread_time()
        done = ring.finished(time.time())
        if done:
            clip_ms = (time.thread_time() - t0) * 1000
            cut = done[0]
        time.sleep(0.2)
    stop.set()
    feeder.join(5)
    tap = tap_cpu[0] * 1000 / max(tap_cpu[1], 1e-9)
    if isinstance(cut, ClipCut):
        return EvidenceFigures(stills_ms, clip_ms, peak, ring.span_s(), tap, cut)
    problem = "the cut did not finish in time" if cut is None else str(cut[1])
    return EvidenceFigures(stills_ms, clip_ms, peak, ring.span_s(), tap, None, problem)


def _feed(url: str, ring: PacketRing, stop: threading.Event, cpu: list[float]) -> None:
    """What StreamPull does with each packet for the ring (the decoding is the wall's, not counted)."""
    with av.open(url, options=rtsp_options("tcp"), timeout=(5.0, 5.0)) as container:
        stream = container.streams.video[0]
        ring.begin(StreamParams.of(stream), time.time())
        t_start = time.monotonic()
        for packet in container.demux(stream):
            if stop.is_set():
                break
            if packet.size == 0:
                continue
            t0 = time.thread_time()
            ring.add(time.time(), packet.pts, packet.dts, packet.is_keyframe, bytes(packet))
            cpu[0] += time.thread_time() - t0
            cpu[1] = time.monotonic() - t_start


class _Store:
    def put(self, data: bytes, **_: object) -> int:
        return len(data)


def _still_cpu_ms(url: str, raised: float) -> float:
    alert = Alert(
        "bench", "cam001", None, "z1", Rule.VENDING, "0501", raised, 0.9, zone_name="北门人行道",
        grid_code="110101001001001", boxes=(Box(0.3, 0.4, 0.5, 0.9, "stall"),),
    )  # fmt: skip
    t0 = time.thread_time()
    picture = grab_picture(SecretUrl(url))
    caption = caption_for(
        alert,
        camera_name="北门 01",
        captured_at=picture.captured_at,
        tz=ZoneInfo("Asia/Shanghai"),
        stream="main",
    )
    _Store().put(encode_jpeg(compose_still(picture.image, alert.boxes, caption)), kind=EvidenceKind.STILL)
    return (time.thread_time() - t0) * 1000


if __name__ == "__main__":
    sys.exit(main())
