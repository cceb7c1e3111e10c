"""Verdicts on vending alerts become labelled site data.

A real vtest frame goes through the detection worker's evidence writer (the judged picture is kept
undrawn beside the drawn still) into a real evidence store; the operator's verdict through the
alert service makes a YOLO sample + manifest line in the site's verdict folder, once; a full disk
costs the sample (a visible system event), never the alert; the held-out split never moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import Alert, Box, DismissReason, EvidenceKind, Rule
from app.core.system_events import SystemEvent, SystemEventKind
from app.media.evidence.still import Caption
from app.services.detection.evidence import EvidenceJob, EvidenceWriter
from app.services.detection.protocol import AlertRaised
from app.services.verdict_samples import VerdictSamples, verdict_folder
from detectors.verdict_data import append_line, read_manifest, split_of
from tests.alert_fakes import alert_service, detected
from tests.fault_folders import can_mount, free_some, full_folder

VTEST = Path(__file__).resolve().parents[2] / "resources" / "demo" / "vtest.avi"
T0 = 1_780_000_000.0
BOX = Box(0.30, 0.40, 0.55, 0.85, "0501", 0.91)


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    cap = cv2.VideoCapture(str(VTEST))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 200)
    ok, img = cap.read()
    cap.release()
    assert ok, f"{VTEST} cannot be read"
    return np.asarray(img)


def raised_with_evidence(alert: Alert, frame: np.ndarray, store: EvidenceFiles) -> Alert:
    """The alert as the worker sends it: through the real evidence writer (still + judged picture)."""
    sent: list[object] = []
    writer = EvidenceWriter(sent.append, UTC, store)
    h, w = frame.shape[:2]
    boxes = np.array(
        [[b.x1 * w, b.y1 * h, b.x2 * w, b.y2 * h, b.score or 1, 0] for b in alert.boxes], np.float32
    )
    caption = Caption("cam1", "北门", "占道经营", "2026-12-08 09:00:00", "子码流")
    writer.submit(EvidenceJob(AlertRaised(alert), caption, frame, boxes, ((0.1, 0.1), (0.9, 0.1), (0.9, 0.9)),
                              None, None, alert.raised_at, "cam1"))  # fmt: skip
    writer.close(timeout_s=10)
    (message,) = sent
    assert isinstance(message, AlertRaised)
    return message.alert


def test_a_confirmed_and_a_false_alarm_become_a_positive_and_a_hard_negative_with_the_undrawn_picture(
    tmp_path: Path, frame: np.ndarray
) -> None:
    service, _, clock = alert_service(T0)
    store = EvidenceFiles(tmp_path / "evidence")
    events: list[SystemEvent] = []
    folder = verdict_folder(tmp_path / "site")
    samples = VerdictSamples(service, store, folder, events.append)
    try:
        stall = raised_with_evidence(replace(detected("a-stall", at=T0), boxes=(BOX,)), frame, store)
        sign = raised_with_evidence(detected("a-sign", "cam2", T0, zone_id="z2", preset="3"), frame, store)
        kinds = sorted(e.kind.value for e in stall.evidence)
        assert kinds == ["frame", "still"]  # the drawn still for people, the judged picture for training
        service.detector_raised(stall)
        service.detector_raised(sign)
        clock.t += 60
        service.confirm("a-stall", "王芳")
        service.dismiss("a-sign", "李强", DismissReason.FIXED_OBJECT)
        assert samples.wait_idle(10)
    finally:
        samples.close()
    kept = {s.alert_id: s for s in read_manifest(folder)}
    assert set(kept) == {"a-stall", "a-sign"}
    pos, neg = kept["a-stall"], kept["a-sign"]
    assert (pos.verdict, pos.reason, pos.by, pos.at) == ("positive", "confirmed", "王芳", T0 + 60)
    assert (neg.verdict, neg.reason, neg.by, neg.camera_id, neg.preset) == (
        "negative", "fixed_object", "李强", "cam2", "3"
    )  # fmt: skip
    assert pos.licence == "site's own" and (pos.width, pos.height) == (frame.shape[1], frame.shape[0])
    # the picture is the frame as judged: no red box, no caption band (same size, nearly the same pixels)
    picture = cv2.imread(str(folder / pos.image))
    assert picture is not None and picture.shape == frame.shape
    assert float(np.abs(picture.astype(int) - frame.astype(int)).mean()) < 3.0
    # YOLO labels: the confirmed box for the positive, nothing for the hard negative (its dismissed
    # box stays in the manifest, for judging models)
    cls, cx, cy, w, h = (float(v) for v in (folder / pos.label).read_text().split())
    assert (cls, round(cx, 3), round(cy, 3), round(w, 3), round(h, 3)) == (0, 0.425, 0.625, 0.25, 0.45)
    assert (folder / neg.label).read_text() == ""
    assert neg.boxes == ((0.5, 0.5, 0.7, 0.9),)
    assert events == []
    # and the undrawn picture is no evidence for people: a case made from the alert leaves it out
    assert stall.evidence_of(EvidenceKind.STILL) is not None


def test_verdicts_that_teach_nothing_are_not_kept_and_a_verdict_is_kept_once_across_restarts(
    tmp_path: Path, frame: np.ndarray
) -> None:
    service, _, _ = alert_service(T0)
    store = EvidenceFiles(tmp_path / "evidence")
    folder = verdict_folder(tmp_path / "site")
    samples = VerdictSamples(service, store, folder)
    alerts = {
        "gone": detected("gone", "c1", zone_id="z1"),
        "other": detected("other", "c2", zone_id="z2"),
        "bin": detected("bin", "c3", zone_id="z3", rule=Rule.BIN_OVERFLOW, code="0102"),
        "shop": detected("shop", "c4", zone_id="z4"),
    }
    for alert in alerts.values():
        service.detector_raised(raised_with_evidence(alert, frame, store))
    service.dismiss("gone", "王芳", DismissReason.GONE)
    service.dismiss("other", "王芳", DismissReason.OTHER, "测试")
    service.confirm("bin", "王芳")
    service.dismiss("shop", "王芳", DismissReason.INSIDE_SHOP)  # a stall, only an allowed one
    assert samples.wait_idle(10)
    samples.close()
    kept = read_manifest(folder)
    assert [(s.alert_id, s.verdict, s.reason) for s in kept] == [("shop", "positive", "inside_shop")]
    # another workstation sharing the data folder (or the app after a restart) closes the same alert
    other, _, _ = alert_service(T0)
    again = VerdictSamples(other, store, folder)
    other.detector_raised(raised_with_evidence(alerts["shop"], frame, store))
    other.confirm("shop", "李强")
    assert again.wait_idle(10)
    again.close()
    assert len((folder / "manifest.jsonl").read_text().splitlines()) == 1
    assert len(list((folder / "images").iterdir())) == 1


@pytest.mark.skipif(not can_mount(), reason="a real full disk needs a tmpfs (root)")
def test_a_full_disk_costs_the_sample_not_the_alert_and_says_so(tmp_path: Path, frame: np.ndarray) -> None:
    service, writer, _ = alert_service(T0)
    store = EvidenceFiles(tmp_path / "evidence")
    for name in ("one", "two"):
        service.detector_raised(raised_with_evidence(detected(name, name), frame, store))
    events: list[SystemEvent] = []
    with full_folder(tmp_path / "site", size_kib=1024, folders=("training/verdicts",)) as data:
        samples = VerdictSamples(service, store, verdict_folder(data), events.append)
        service.confirm("one", "王芳")
        assert samples.wait_idle(10)
        # the alert is confirmed and stored; the sample is not, and the operator is told which alert
        assert writer.rows["one"].state.value == "confirmed"
        assert [(e.kind, e.subject) for e in events] == [(SystemEventKind.TRAINING_SAMPLE_NOT_SAVED, "one")]
        assert "No space left" in events[0].detail
        free_some(data, 600)
        service.confirm("two", "王芳")
        assert samples.wait_idle(10)
        samples.close()
        assert [s.alert_id for s in read_manifest(verdict_folder(data))] == ["two"]


def test_the_held_out_split_is_stable_and_about_a_quarter() -> None:
    ids = [f"cam{i % 7}-{i:05d}" for i in range(2000)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in reversed(ids)][::-1]  # order and company do not matter
    share = first.count("test") / len(first)
    assert 0.2 < share < 0.3
    assert split_of("a-stall") == split_of("a-stall")


def test_a_manifest_line_cut_short_by_a_full_disk_is_skipped_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "verdicts"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "x.jpg").write_bytes(b"jpeg")
    good = (
        '{"alert_id": "x", "at": 1.0, "boxes": [[0.1, 0.1, 0.2, 0.2]], "by": "王芳", "camera_id": "c", '
        '"extra": {}, "height": 10, "image": "images/x.jpg", "label": "labels/x.txt", "licence": '
        '"site\'s own", "preset": null, "reason": "confirmed", "split": "train", "verdict": "positive", '
        '"width": 10, "zone_id": "z"}'
    )
    (folder / "manifest.jsonl").write_text(good[:40])  # the disk filled mid-line
    append_line(folder / "manifest.jsonl", good)  # the next sample starts on a line of its own
    problems: list[str] = []
    assert [s.alert_id for s in read_manifest(folder, problems)] == ["x"]
    assert len(problems) == 1 and "manifest.jsonl: line 1" in problems[0]
