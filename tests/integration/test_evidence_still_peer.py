"""The still against the demo RTSP server: taken from the main stream with the box on the camera's
own pixels and the caption below; the sub-stream picture when the main stream cannot be had (said
so); a store that refuses is the caller's EvidenceProblem."""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import av
import cv2
import numpy as np
import pytest

from app.core.alert_ports import EvidenceProblem
from app.core.alerts import Alert, Box, EvidenceKind, Rule
from app.demo.clips import ClipSet
from app.demo.rtsp_server import free_port
from app.media.evidence.grab import Picture
from app.media.protocol import CameraSpec, SecretUrl
from app.services.evidence_capture import EvidenceCamera, EvidenceCapture
from tests.evidence_fakes import FullEvidenceStore, MemoryEvidenceStore
from tests.integration.conftest import StartServer

pytestmark = [pytest.mark.peer, pytest.mark.slow]

SHANGHAI = ZoneInfo("Asia/Shanghai")
BOX = Box(0.25, 0.30, 0.55, 0.85, "stall", 0.9)


def alert() -> Alert:
    return Alert(
        id="alert-1", camera_id="cam001", preset=None, zone_id="z1", rule=Rule.VENDING, event_code="0501",
        raised_at=time.time(), score=0.9, zone_name="北门人行道", grid_code="110101001001001", boxes=(BOX,),
    )  # fmt: skip


def camera(sub: str, main: str | None) -> EvidenceCamera:
    spec = CameraSpec("cam001", SecretUrl(sub), SecretUrl(main) if main else None, connect_timeout_s=3.0)
    return EvidenceCamera(spec, "北门 01")


def jpeg(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def key_frames(path: object) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="bgr24") for f in c.decode(video=0) if f.key_frame]


def box_px(h: int, w: int) -> tuple[slice, slice]:
    inset = 6
    y1, y2 = round(BOX.y1 * (h - 1)) + inset, round(BOX.y2 * (h - 1)) - inset
    x1, x2 = round(BOX.x1 * (w - 1)) + inset, round(BOX.x2 * (w - 1)) - inset
    return slice(y1, y2), slice(x1, x2)


def test_still_from_the_main_stream_box_on_the_cameras_pixels(
    rtsp_server: StartServer, demo_clips: ClipSet
) -> None:
    main_clip = demo_clips.clip(demo_clips.variants[0], "main")
    server = rtsp_server(1, extra_mounts=[{"path": "main001", "file": str(main_clip), "mode": "loop"}])
    store = MemoryEvidenceStore()
    capture = EvidenceCapture(store, tz=SHANGHAI)
    try:
        job = capture.capture(alert(), camera(server.url("cam001"), server.url("main001")))
        ref = job.still.result(timeout=30)
    finally:
        capture.close()
    assert job.clip is None  # no clip source given
    assert (ref.kind, ref.media_type, ref.stream, ref.note) == (EvidenceKind.STILL, "image/jpeg", "main", "")
    assert abs(ref.captured_at - time.time()) < 30
    still = jpeg(store.read(ref))
    h, w = 576, 704  # the main stream's D1, not the sub-stream's CIF
    assert still.shape[1] == w and still.shape[0] > h + 40
    # Inside the box: the camera's pixels (one of the main stream's key frames, JPEG aside).
    ys, xs = box_px(h, w)
    errors = [np.abs(still[ys, xs].astype(int) - k[ys, xs].astype(int)).mean() for k in key_frames(main_clip)]
    assert min(errors) < 4.0, errors
    # The caption is in its own band below: the band is dark and holds text, the picture's last
    # rows are the camera's.
    band = still[h + 4 :]
    assert np.median(band) < 40 and (band.max(axis=-1) > 180).sum() > 500


def test_sub_stream_picture_when_the_main_stream_is_unreachable(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    dead_main = f"rtsp://admin:s3cret@127.0.0.1:{free_port()}/main"  # nothing listens: refused at once
    store = MemoryEvidenceStore()
    capture = EvidenceCapture(store, tz=SHANGHAI)
    detector_picture = Picture(np.full((288, 352, 3), 120, np.uint8), time.time() - 1)
    try:
        given = capture.capture(alert(), camera(server.url("cam001"), dead_main), fallback=detector_picture)
        pulled = capture.capture(alert(), camera(server.url("cam001"), dead_main))
        given_ref, pulled_ref = given.still.result(timeout=30), pulled.still.result(timeout=30)
    finally:
        capture.close()
    for ref in (given_ref, pulled_ref):
        assert ref.stream == "sub"
        assert ref.note.startswith("主码流未取到") and "使用子码流画面" in ref.note
        assert "s3cret" not in ref.note
    assert given_ref.captured_at == detector_picture.captured_at
    still = jpeg(store.read(given_ref))
    assert still.shape[1] == 352  # the detector's CIF picture
    ys, xs = box_px(288, 352)
    assert np.abs(still[ys, xs].astype(int) - 120).mean() < 3  # its pixels under the box
    pulled_still = jpeg(store.read(pulled_ref))
    assert pulled_still.shape[1] == 352 and pulled_still[:288].std() > 10  # a real sub-stream picture


def test_a_store_that_refuses_is_the_callers_evidence_problem(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    capture = EvidenceCapture(FullEvidenceStore(), tz=SHANGHAI)
    try:
        job = capture.capture(alert(), camera(server.url("cam001"), None))
        with pytest.raises(EvidenceProblem, match="No space left"):
            job.still.result(timeout=30)
    finally:
        capture.close()
