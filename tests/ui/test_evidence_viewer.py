"""The evidence viewer with a real clip made by the demo: the still shows, the clip plays (the
position moves), pauses, seeks; the time is the site's; a missing file is said, not a blank."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from app.core.alerts import Alert, Box, EvidenceKind, EvidenceRef, Rule
from app.demo.clips import generate_demo_clips
from app.media.evidence.grab import Picture
from app.media.evidence.ring import ClipCut, PacketRing, StreamParams
from app.media.evidence.still import caption_for, compose_still, encode_jpeg
from app.ui.evidence_viewer import EvidenceViewer
from tests.evidence_fakes import MemoryEvidenceStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOTS = Path("/tmp") / "citywall-evidence-viewer.png"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> tuple[MemoryEvidenceStore, Alert]:
    """A still and a 6-second clip as the capture makes them, from the demo's street footage."""
    clip_path = generate_demo_clips(
        tmp_path_factory.mktemp("clips"), duration_s=4.0, variants=["full"], streams=["sub"]
    ).clip("full")
    store = MemoryEvidenceStore()
    raised = time.time()
    with av.open(str(clip_path)) as c:
        stream = c.streams.video[0]
        ring = PacketRing("cam001", 10.0)
        ring.begin(StreamParams.of(stream), 0.0)
        pk = [(p.pts, p.dts, p.is_keyframe, bytes(p)) for p in c.demux(stream) if p.size]
        c.seek(0)
        first = next(iter(c.decode(stream))).to_ndarray(format="bgr24")
    for i in range(150):  # 10 s at 15 fps: 3 before the raise at 3 s, 6 after (the clip loops the 4 s)
        if i == 45:
            ring.start_cut(1, raised, 3.0, 6.0)
        pts, dts, key, data = pk[i % len(pk)]
        ring.add(raised - 3.0 + i / 15, pts, dts, key, data)
    (cut,) = ring.finished(raised + 10)
    assert isinstance(cut, ClipCut)
    clip = store.put(cut.data, kind=EvidenceKind.CLIP, media_type="video/mp4", captured_at=cut.start_at,
                     camera_id="cam001", stream="sub", note="")  # fmt: skip
    alert = Alert("a1", "cam001", None, "z1", Rule.VENDING, "0501", raised, 0.9, zone_name="北门人行道",
                  boxes=(Box(0.55, 0.35, 0.8, 0.95, "person"),))  # fmt: skip
    picture = Picture(np.asarray(first, np.uint8), raised)
    caption = caption_for(alert, camera_name="北门 01", captured_at=raised, tz=SHANGHAI, stream="main")
    jpeg = encode_jpeg(compose_still(picture.image, alert.boxes, caption))
    still = store.put(jpeg, kind=EvidenceKind.STILL, media_type="image/jpeg", captured_at=raised,
                      camera_id="cam001", stream="main")  # fmt: skip

    return store, replace(alert, evidence=(still, clip))


def test_the_viewer_shows_the_still_and_plays_the_clip(qtbot, evidence) -> None:
    store, alert = evidence
    viewer = EvidenceViewer(store.read, SHANGHAI)
    qtbot.addWidget(viewer)
    viewer.resize(1100, 480)
    viewer.show()
    viewer.show_alert(alert)
    qtbot.waitUntil(
        lambda: viewer.still.pixmap() is not None and not viewer.still.pixmap().isNull(), timeout=10000
    )
    qtbot.waitUntil(lambda: viewer.play_button.isEnabled() and viewer.frames_shown >= 1, timeout=10000)
    assert viewer.position_s == 0.0
    assert "(UTC+08:00)" in viewer.time_label.text() and "主码流" not in viewer.time_label.text()
    viewer.play_button.click()
    qtbot.waitUntil(lambda: viewer.position_s >= 1.0, timeout=10000)  # it plays: the position moves
    assert viewer.slider.value() >= 5
    viewer.play_button.click()  # pause
    qtbot.waitUntil(lambda: viewer.play_button.text() == "Play", timeout=5000)
    paused_at = viewer.position_s
    qtbot.wait(300)
    assert viewer.position_s - paused_at < 0.3
    viewer._seek.emit(5.0)  # the slider's seek
    qtbot.waitUntil(lambda: abs(viewer.position_s - 5.0) < 0.2, timeout=5000)
    QApplication.processEvents()
    viewer.grab().save(str(SHOTS))
    # The still shows its box: red pixels in the scaled picture.
    image = (
        viewer.still.pixmap().toImage().convertToFormat(viewer.still.pixmap().toImage().Format.Format_RGB888)
    )
    arr = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())[
        :, : image.width() * 3
    ]
    rgb = arr.reshape(image.height(), image.width(), 3).astype(int)
    assert ((rgb[..., 0] > 180) & (rgb[..., 1] < 80) & (rgb[..., 2] < 80)).sum() > 50
    viewer.shutdown()


def test_missing_files_are_said(qtbot) -> None:
    store = MemoryEvidenceStore()
    ghost = EvidenceRef("0" * 64, EvidenceKind.CLIP, "video/mp4", 10, time.time(), "cam001", "sub")
    viewer = EvidenceViewer(store.read, SHANGHAI)
    qtbot.addWidget(viewer)
    viewer.show_evidence(None, ghost)
    qtbot.waitUntil(lambda: "could not be read" in viewer.video.text(), timeout=5000)
    assert "No picture" in viewer.still.text()
    assert not viewer.play_button.isEnabled()
    viewer.shutdown()
