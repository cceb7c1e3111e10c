"""The service's side of a worker restart, without processes: the checkpoints it keeps (merged), the
alerts that died with the worker, the worker's bookkeeping of open alerts and checkpoints, and how
a worker's problems become the system events the operator sees."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.adapters.storage.evidence_files import EvidenceFiles
from app.core.alerts import Alert, Rule
from app.core.detection_faults import DetectionFault
from app.core.system_events import Severity, SystemEventKind
from app.services.detection.alerting import OpenAlerts
from app.services.detection.checkpoints import Checkpoints
from app.services.detection.protocol import AlertCleared, AlertRaised, DetectionProblem, ViewCheckpoint
from app.services.detection.resume import ResumeBook
from app.services.detection.service import problem_event
from detectors.pipeline import PipelineConfig, PipelineState, ScenePipeline
from detectors.rules import LabelledDetections, PersistenceParams, RuleState, VendingParams
from detectors.types import Evidence, Hit, HitState, SceneGeometry, Zone

ZONE = Zone("pavement", ((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
GEOMETRY = SceneGeometry("cam1", None, (ZONE,))


def raised(alert_id: str, zone: str = "pavement") -> Alert:
    return Alert(alert_id, "cam1", None, zone, Rule.VENDING, "0501", 1000.0, 0.8)


def checkpoint(*open_alerts: Alert, state: PipelineState | None = None) -> ViewCheckpoint:
    return ViewCheckpoint("cam1", None, float("-inf"), state or PipelineState(GEOMETRY), open_alerts)


# --- the book the service keeps -----------------------------------------------------------------------


def test_the_book_keeps_the_latest_checkpoint_of_each_view_with_the_parts_it_left_out() -> None:
    book = ResumeBook()
    book.keep(checkpoint(state=PipelineState(GEOMETRY, (), None, {"stationary": "learnt"})))
    book.keep(checkpoint(state=PipelineState(GEOMETRY, (RuleState("vending"),), None, None)))
    (kept,) = book.checkpoints()
    assert kept.state.rules == (RuleState("vending"),) and kept.state.detectors == {"stationary": "learnt"}
    assert pickle.loads(pickle.dumps(kept)).state.detectors == {"stationary": "learnt"}  # crosses


def test_an_alert_raised_but_never_sent_is_sent_without_its_picture_when_the_worker_dies() -> None:
    book = ResumeBook()
    a1, a2 = raised("a1"), raised("a2", "kerb")
    book.keep(checkpoint(a1))
    book.seen(AlertRaised(a1))
    book.keep(checkpoint(a1, a2))  # a2 raised: its checkpoint came, its picture was being written
    lost = book.lost_with_worker(now_wall=2000.0)
    assert lost == [AlertRaised(a2)]
    assert book.lost_with_worker() == []  # said once


def test_an_alert_cleared_but_never_sent_is_cleared_when_the_worker_dies() -> None:
    book = ResumeBook()
    a1 = raised("a1")
    book.keep(checkpoint(a1))
    book.seen(AlertRaised(a1))
    book.keep(checkpoint())  # the worker cleared it; the clear (with its picture) never left
    (cleared,) = book.lost_with_worker(now_wall=2000.0)
    assert cleared == AlertCleared("a1", "cam1", 2000.0, ())
    assert book.open_alerts() == []


def test_a_clear_the_gui_got_is_not_resumed_even_from_an_older_checkpoint() -> None:
    """Zones changed: the worker closed the view's alerts; no newer checkpoint of the view comes."""
    book = ResumeBook()
    a1 = raised("a1")
    book.keep(checkpoint(a1))
    book.seen(AlertRaised(a1))
    book.seen(AlertCleared("a1", "cam1", 1010.0))
    assert book.open_alerts() == [] and book.lost_with_worker() == []


# --- the worker's bookkeeping ------------------------------------------------------------------------


def hit(state: HitState, zone: str = "pavement") -> Hit:
    boxes = np.zeros((0, 6), np.float32)
    return Hit(
        "vending", "0501", state, "cam1", None, zone, 10.0, 0.8, Evidence(None, boxes, zone, "vending")
    )


def test_open_alerts_clear_with_the_id_of_their_raise_also_after_a_takeover() -> None:
    alerts = OpenAlerts()
    first = alerts.on_hit(hit(HitState.RAISED), 1000.0, "人行道", (), "G-0101")
    assert isinstance(first, AlertRaised) and alerts.of_view("cam1", None) == (first.alert,)
    assert alerts.active("cam1") and first.alert.rule is Rule.VENDING and first.alert.grid_code == "G-0101"
    after_restart = OpenAlerts()
    assert after_restart.take_over(pickle.loads(pickle.dumps(alerts.of_view("cam1", None)))) == 1
    cleared = after_restart.on_hit(hit(HitState.CLEARED), 1090.0, "人行道", ())
    assert cleared == AlertCleared(first.alert.id, "cam1", 1090.0)
    assert not after_restart.active("cam1") and len(after_restart) == 0
    unknown_rule = replace_rule(hit(HitState.RAISED), "loitering")
    assert alerts.on_hit(unknown_rule, 1000.0, "", ()) is None


def replace_rule(h: Hit, rule: str) -> Hit:
    return Hit(rule, h.event, h.state, h.camera_id, h.preset, h.zone_id, h.t, h.score, h.evidence)


def test_a_worker_takes_over_each_view_when_its_pipeline_is_made_and_checkpoints_what_changed() -> None:
    config = PipelineConfig(
        detectors={"stationary": {}}, vending=VendingParams(persistence=PersistenceParams(dwell_s=5))
    )
    pipe = ScenePipeline(GEOMETRY, config)
    frame = np.full((90, 160, 3), 120, np.uint8)
    stall = [LabelledDetections(np.array([[10, 50, 40, 80, 0.9, 0]], np.float32), {0: "stall"})]
    for t in range(0, 4):
        pipe.process(frame, float(t))
        pipe.vending.update(float(t), None, stall, (160, 90))
    sender = Checkpoints(models_every_s=10.0)
    first = sender.after_check(("cam1", None), pipe, float("-inf"), (), now=100.0, found=frozenset({1}))
    assert first.state.detectors is not None and "stationary" in first.state.detectors
    again = sender.after_check(("cam1", None), pipe, float("-inf"), (), now=101.0, found=frozenset())
    assert again.state.detectors is None  # nothing new (something went), and not yet 10 s old
    found_more = sender.after_check(("cam1", None), pipe, float("-inf"), (), now=102.0, found=frozenset({2}))
    assert found_more.state.detectors is not None  # something new found: its models at once
    pipe.reset_view()
    reset = sender.after_check(("cam1", None), pipe, None, (), now=103.0, found=frozenset({2}))
    assert reset.state.detectors is not None
    late = sender.after_check(("cam1", None), pipe, None, (), now=113.5, found=frozenset({2}))
    assert late.state.detectors is not None  # at least every 10 s

    receiver = Checkpoints([pickle.loads(pickle.dumps(first))])
    assert receiver.resumes_at("cam1", None, float("-inf")) and not receiver.resumes_at("cam1", None, 5.0)
    new_pipe = ScenePipeline(GEOMETRY, config)
    assert receiver.take_over(("cam1", None), new_pipe) is not None
    assert new_pipe.vending.runs()[("pavement", "0501")] == 0.0  # the dwell as it was at ``first``
    assert receiver.waiting() == []
    other_zones = Checkpoints([first])
    moved = ScenePipeline(SceneGeometry("cam1", None, (Zone("kerb", ZONE.polygon),)), config)
    assert other_zones.take_over(("cam1", None), moved) is None  # learnt for other zones: not taken


# --- faults as system events -----------------------------------------------------------------------------


def test_a_worker_problem_becomes_the_system_event_the_ui_words() -> None:
    plugin = DetectionProblem(
        None, DetectionFault.DETECTOR_NOT_LOADED, "no ONNX model at x.onnx", "onnx_yolo"
    )
    event = problem_event(plugin)
    assert (event.kind, event.subject, event.detail) == (
        SystemEventKind.DETECTION_PROBLEM,
        "detector_not_loaded",
        "onnx_yolo: no ONNX model at x.onnx",
    )
    assert event.severity is Severity.WARNING and event.camera_id is None
    picture = DetectionProblem(
        "cam1", DetectionFault.EVIDENCE_NOT_SAVED, "[Errno 28] No space left", "/e/1.jpg"
    )
    event = problem_event(picture)
    assert (event.kind, event.camera_id, event.subject, event.detail) == (
        SystemEventKind.EVIDENCE_NOT_SAVED,
        "cam1",
        "/e/1.jpg",
        "[Errno 28] No space left",
    )
    assert event.severity is Severity.ERROR
    no_picture = DetectionProblem("cam2", DetectionFault.NO_PICTURE, "3 samples did not come", value=5.0)
    assert problem_event(no_picture).value == 5.0 and "no_picture" in no_picture.message


def test_a_restarted_worker_gets_the_checkpoints_unless_workers_keep_dying() -> None:
    from app.media.frame_board import BoardLayout
    from app.services.detection.service import FRESH_AFTER_DEATHS, DetectionService
    from camera_config.models import Camera, RtspSource, SiteConfig, SiteInfo, ZoneSpec

    zone = ZoneSpec(id="pavement", polygon=ZONE.polygon)
    camera = Camera(id="cam1", name="cam1", source=RtspSource(main="rtsp://127.0.0.1:9/x"))
    site = SiteConfig(site=SiteInfo(name="t"), cameras=(camera,))
    layout = BoardLayout(((192, 108),), workers=1, detect_slots=1, request_slots=1)
    stored = replace(raised("stored"), camera_id="cam1")
    service = DetectionService(
        site, "no-board", layout, {"cam1": 0}, EvidenceFiles(Path("unused")), adopt=[stored]
    )  # (never started)
    service.set_zones("cam1", [zone])  # drawn since the site file was read
    service._book.keep(checkpoint(raised("a1")))
    setup = service._worker_setup()
    assert setup.cameras[0].zones == (zone,) and [cp.camera_id for cp in setup.resume] == ["cam1"]
    assert setup.adopt == (stored,)  # the app's stored open alerts, until a checkpoint holds them
    service._keep(checkpoint(raised("a1"), stored))
    assert service._worker_setup().adopt == ()
    service._restarts_in_a_row = FRESH_AFTER_DEATHS  # what it resumes may be what kills it
    assert service._worker_setup().resume == ()
