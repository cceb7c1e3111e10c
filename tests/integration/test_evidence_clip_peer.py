"""Evidence clips through the decoder worker, against the demo RTSP server: the ring is fed by the
pull that already runs, the clip spans before + after within a key-frame interval and is the
camera's own H.264 (no re-encoding); a camera that drops gives a shorter clip, said so."""

from __future__ import annotations

import io
import time
from zoneinfo import ZoneInfo

import av
import numpy as np
import pytest

from app.core.alerts import Alert, EvidenceKind, Rule
from app.demo.clips import ClipSet
from app.media.evidence.ring import ClipUnavailable
from app.media.protocol import CameraSpec, SecretUrl, ViewMode
from app.media.supervisor import IngestSupervisor
from app.services.evidence_capture import EvidenceCamera, EvidenceCapture
from tests.evidence_fakes import MemoryEvidenceStore
from tests.integration.conftest import StartServer
from tests.waiting import wait_until

pytestmark = [pytest.mark.peer, pytest.mark.slow]

GOP_S = 1.0  # the demo's sub clips: 15 frames at 15 fps


def key_frames(path: object) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="gray") for f in c.decode(video=0) if f.key_frame]


def packets(ingest: IngestSupervisor) -> int:
    """cam001's packets so far (the worker reports once a second)."""
    stats = ingest.stats("cam001").get("sub")
    return 0 if stats is None else stats.packets


def test_clip_before_and_after_from_the_watched_cameras_ring(
    rtsp_server: StartServer, demo_clips: ClipSet
) -> None:
    server = rtsp_server(2)
    specs = [
        CameraSpec(f"cam00{i}", SecretUrl(server.url(f"cam00{i}")), None, connect_timeout_s=3.0)
        for i in (1, 2)
    ]
    store = MemoryEvidenceStore()
    with IngestSupervisor(specs, workers=1) as ingest:
        ingest.set_demands("detection", {s.camera_id: (ViewMode.KEYFRAMES, (320, 180)) for s in specs})
        ingest.buffer_clips(["cam001"])  # cam002 is not watched: no ring
        wait_until(
            lambda: packets(ingest) >= 4 * 15, 30, "4 s of cam001's packets (the 3 s before the raise)"
        )
        raised = time.time()
        unwatched = ingest.cut_clip("cam002", raised, 3.0, 2.0)
        capture = EvidenceCapture(
            store, tz=ZoneInfo("Asia/Shanghai"), clips=ingest, before_s=3.0, after_s=4.0
        )
        alert = Alert("a1", "cam001", None, "z1", Rule.VENDING, "0501", raised, 0.9)
        job = capture.capture(alert, EvidenceCamera(specs[0], "北门 01"))
        assert job.clip is not None
        ref = job.clip.result(timeout=30)
        with pytest.raises(ClipUnavailable, match="not a watched camera"):
            unwatched.result(timeout=10)
        capture.close()
    assert (ref.kind, ref.media_type, ref.stream) == (EvidenceKind.CLIP, "video/mp4", "main")  # one stream
    assert "录像" in ref.note and "不完整" not in ref.note
    assert raised - 3.0 - GOP_S - 0.5 <= ref.captured_at <= raised - 3.0 + 0.5
    with av.open(io.BytesIO(store.read(ref)), mode="r") as clip:
        stream = clip.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.width, stream.codec_context.height) == (
            "h264", 352, 288,
        )  # fmt: skip
        duration = float(clip.duration or 0) / 1e6
        first = next(iter(clip.decode(stream))).to_ndarray(format="gray")
    assert 7.0 - 0.5 <= duration <= 7.0 + GOP_S + 0.5, duration
    # The clip's first picture is one of the camera's key frames, bit for bit: nothing re-encoded.
    source = demo_clips.clip(demo_clips.variants[1 % len(demo_clips.variants)])
    assert min(np.abs(first.astype(int) - k.astype(int)).max() for k in key_frames(source)) == 0


def test_a_camera_that_drops_during_the_after_window_gives_a_shorter_clip(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    spec = CameraSpec(
        "cam001", SecretUrl(server.url("cam001")), None, connect_timeout_s=2.0, read_timeout_s=2.0
    )
    store = MemoryEvidenceStore()
    with IngestSupervisor([spec], workers=1) as ingest:
        ingest.set_demands("detection", {"cam001": (ViewMode.KEYFRAMES, (320, 180))})
        ingest.buffer_clips(["cam001"])
        wait_until(lambda: packets(ingest) >= 2 * 15, 30, "2 s of cam001's packets")
        capture = EvidenceCapture(
            store, tz=ZoneInfo("Asia/Shanghai"), clips=ingest, before_s=2.0, after_s=20.0
        )
        alert = Alert("a1", "cam001", None, "z1", Rule.VENDING, "0501", time.time(), 0.9)
        job = capture.capture(alert, EvidenceCamera(spec, "北门 01"), clip=True)
        seen = packets(ingest)
        wait_until(lambda: packets(ingest) >= seen + 2 * 15, 30, "two seconds of the after-window")
        server.kill()
        assert job.clip is not None
        ref = job.clip.result(timeout=30)  # long before the 20 s are over
        capture.close()
    assert "录像不完整" in ref.note, ref.note
    with av.open(io.BytesIO(store.read(ref)), mode="r") as clip:
        duration = float(clip.duration or 0) / 1e6
    assert 2.0 <= duration < 2.0 + GOP_S + 4.0 + 1.0
