"""Vending model hot swap: how long from a model file swapped in to the running worker using it.

    .venv/bin/python bench/model_hotswap.py [--seconds 30] [--every 4] [--poll 1.0]

One camera (a vtest street picture with a stall pasted in) is checked by the real detection
worker with the shipped vending model, resolved through the site's models folder as the app does
it. Every ``--every`` s the site's ``models/vending_yolo.onnx`` is replaced, atomically as
``citywall train --from-verdicts`` does it, by the other of two models that differ only in their
class name (so every box says which model found it). Per swap: ``told_s`` (file replaced → the
worker said it uses the new model: the service's look at the file every ``--poll`` s and the
load), ``used_s`` (→ the first check whose boxes carry the new model's label) and the worker's
load time. ``gap_s``: the longest time between two checks during the run (the load is off the
check loop: it should stay near the check interval).

Last line: ``RESULT used_median_s=… used_max_s=… told_median_s=… load_median_s=… swaps=…
gap_max_s=…``. A measurement: exits 0 even when it is slow.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Spawned detection workers import this module again as their __main__: keep the top light.
LABELS = (b"street_vendor", b"site_vendor_2")  # same length: the ONNX file stays valid


def run(seconds: float, every: float, poll_s: float) -> dict[str, float]:
    import cv2
    import numpy as np

    from app.adapters.storage.evidence_files import EvidenceFiles
    from app.core.system_events import SystemEventKind
    from app.demo.clips import find_vtest
    from app.demo.sample_feed import FedCamera, SampleFeed
    from app.demo.variants import as_image
    from app.media.frame_board import BoardLayout, FrameBoard
    from app.services.detection.model_watch import ModelWatch
    from app.services.detection.protocol import DetectionUpdate
    from app.services.detection.scheduler import SchedulerConfig
    from app.services.detection.service import DetectionService
    from app.services.site_models import site_models_dir, site_with_models
    from app.services.system_events import SystemEventLog
    from camera_config.models import (
        Camera,
        CameraDetection,
        DetectionSettings,
        RtspSource,
        SiteConfig,
        SiteInfo,
        ZoneSpec,
    )
    from detectors.backends.onnx_yolo import MODELS_DIR
    from detectors.finetune import swap_in
    from detectors.synth import paste, street_stall

    vtest = find_vtest()
    if vtest is None:
        raise SystemExit("vtest.avi not found: scripts/setup.sh fetches it")
    cap = cv2.VideoCapture(str(vtest))
    ok, frame = cap.read()
    cap.release()
    if not ok:
        raise SystemExit("vtest.avi unreadable")
    obj, alpha = street_stall(np.random.default_rng(0), 110)
    picture = as_image(cv2.resize(paste(frame, obj, alpha, 560, 330, np.random.default_rng(1)), (352, 288)))

    work = Path(tempfile.mkdtemp(prefix="hotswap-"))
    shipped = (MODELS_DIR / "vending_yolo.onnx").read_bytes()
    models = [work / "a.onnx", work / "b.onnx"]
    for path, name in zip(models, LABELS, strict=True):
        path.write_bytes(shipped.replace(LABELS[0], name))
    zone = ZoneSpec(id="z1", polygon=((0.5, 0.4), (1.0, 0.4), (1.0, 1.0), (0.5, 1.0)))
    written = SiteConfig(
        site=SiteInfo(name="bench"),
        cameras=(
            Camera(
                id="cam001",
                name="cam001",
                source=RtspSource(main="rtsp://127.0.0.1:9/cam001"),
                detection=CameraDetection(zones=(zone,)),
            ),
        ),
        detection=DetectionSettings(
            warmup_s=0, detectors={"onnx_yolo": {"model": "vending_yolo.onnx", "conf": 0.05}}
        ),
    )
    data = work / "data"
    target = site_models_dir(data) / "vending_yolo.onnx"
    layout = BoardLayout(((192, 108),), workers=1, detect_slots=2, request_slots=1)
    board = FrameBoard.create(layout)
    log = SystemEventLog()
    service = DetectionService(
        site_with_models(written, data),
        board.name,
        layout,
        {"cam001": 0},
        EvidenceFiles(work / "evidence"),
        scheduler=SchedulerConfig(revisit_s=2.0, warmup_s=0.0, min_interval_s=0.2, max_in_flight=2),
        events=log,
        models=ModelWatch.for_site(written, data, poll_s=poll_s),
    )
    feed = SampleFeed([FedCamera(board, 0, lambda t: picture)])
    checks: list[tuple[float, frozenset[str]]] = []  # when checked (the picture's time), labels found
    used: list[float] = []
    told: list[float] = []
    loads: list[float] = []
    try:
        feed.start()
        service.start()
        deadline = time.monotonic() + 120
        while not checks and time.monotonic() < deadline:  # the worker's first check
            checks += _checks(service.drain(), DetectionUpdate)
            time.sleep(0.02)
        if not checks:
            raise SystemExit("the detection worker never checked the camera")
        start, n = time.monotonic(), 0
        while time.monotonic() - start < seconds:
            n += 1
            label = LABELS[n % 2].decode()
            seen = log.last_seq
            swap_in(models[n % 2], None, target)
            swapped = time.monotonic()
            got_told = got_used = None
            while time.monotonic() - swapped < every:
                now = time.monotonic()
                fresh = _checks(service.drain(), DetectionUpdate)
                checks += fresh
                if got_used is None and any(label in found for _, found in fresh):
                    got_used = now - swapped
                for event in log.since(seen):
                    seen = event.seq
                    if event.kind is SystemEventKind.MODEL_UPDATED and got_told is None:
                        got_told = now - swapped
                        loads.append(float(event.detail.rsplit("loaded in ", 1)[1].split(" s")[0]))
                time.sleep(0.02)
            print(f"swap {n}: told {_s(got_told)}, used {_s(got_used)}", flush=True)
            if got_used is not None:
                used.append(got_used)
            if got_told is not None:
                told.append(got_told)
    finally:
        service.stop()
        feed.stop()
        board.close()
    arrivals = [at for at, _ in checks]
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    return {
        "used_median_s": statistics.median(used) if used else float("inf"),
        "used_max_s": max(used) if used else float("inf"),
        "told_median_s": statistics.median(told) if told else float("inf"),
        "load_median_s": statistics.median(loads) if loads else float("inf"),
        "swaps": float(n),
        "swaps_used": float(len(used)),
        "gap_max_s": max(gaps) if gaps else float("inf"),
    }


def _checks(events: Sequence[object], kind: type) -> list[tuple[float, frozenset[str]]]:
    """The checks among ``events`` (DetectionUpdates): when (monotonic, shared with the worker), what."""
    return [
        (e.checked_at, frozenset(b.label for b in e.boxes))  # type: ignore[attr-defined]
        for e in events
        if isinstance(e, kind)
    ]


def _s(v: float | None) -> str:
    return "never" if v is None else f"{v:.2f} s"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--seconds", type=float, default=30.0, help="how long to keep swapping (default 30)")
    ap.add_argument("--every", type=float, default=4.0, help="seconds between swaps (default 4)")
    ap.add_argument("--poll", type=float, default=1.0, help="the service's look at the file, s (default 1)")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    r = run(args.seconds, args.every, args.poll)
    print(
        f"RESULT used_median_s={r['used_median_s']:.2f} used_max_s={r['used_max_s']:.2f} "
        f"told_median_s={r['told_median_s']:.2f} load_median_s={r['load_median_s']:.2f} "
        f"swaps={r['swaps']:.0f} swaps_used={r['swaps_used']:.0f} gap_max_s={r['gap_max_s']:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
