"""A dismissal teaches, through the real alert service: dismissed as 固定设施 / 误检, a vending
alert's boxes are suppressed and detection is told; removing one takes it away; a bin dismissal
cleans the bin instead; every change is in the audit record; a refusing store loses nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.core.alerts import Box, DismissReason, Rule
from app.services.suppression_store import SuppressionStore
from app.services.suppressions import SuppressionService
from detectors.pipeline import PipelineConfig, ScenePipeline
from detectors.rules import PersistenceParams, VendingParams
from detectors.types import Hit, HitState, SceneGeometry, Suppression, Zone
from tests.alert_fakes import FakeClock, alert_service, detected
from tests.fault_folders import read_only_folder


class FakeDetection:
    def __init__(self) -> None:
        self.told: dict[str, tuple[Suppression, ...]] = {}
        self.cleaned: list[tuple[str, str | None, tuple[str, ...]]] = []

    def set_suppressions(self, camera_id: str, suppressions: Iterable[Suppression]) -> None:
        self.told[camera_id] = tuple(suppressions)

    def bins_clean(self, camera_id: str, preset: str | None, bin_ids: Iterable[str]) -> None:
        self.cleaned.append((camera_id, preset, tuple(bin_ids)))


def wired(tmp_path: Path, store: SuppressionStore | None = None):
    alerts, writer, clock = alert_service()
    detection = FakeDetection()
    store = store or SuppressionStore.open(tmp_path / "suppressions.json")
    service = SuppressionService(store, clock, detection=detection, record=alerts.record_event)
    alerts.subscribe(service.on_alert_change)
    return alerts, writer, clock, detection, service


@pytest.mark.parametrize("reason", [DismissReason.FIXED_OBJECT, DismissReason.FALSE_DETECTION])
def test_a_dismissal_suppresses_the_boxes_and_detection_is_told(tmp_path: Path, reason) -> None:
    alerts, writer, _clock, detection, service = wired(tmp_path)
    alerts.detector_raised(detected("a1", preset="1"))
    assert detection.told == {}
    alerts.dismiss("a1", "张三", reason)
    told = detection.told["cam1"]
    assert [(s.preset, s.zone_id, s.label, s.box) for s in told] == [
        ("1", "z1", "0501", (0.5, 0.5, 0.7, 0.9))
    ]
    assert [r.by for r in service.of_camera("cam1")] == ["张三"]
    kept = SuppressionStore.open(tmp_path / "suppressions.json").of_camera("cam1")
    assert [(r.alert_id, r.reason) for r in kept] == [("a1", reason)], "kept for the next start"
    event = writer.events[-1]
    assert (event.subject, event.action, event.actor, event.reason) == (
        f"suppression:{told[0].id}",
        "suppress",
        "张三",
        reason.value,
    )


def test_removing_a_place_takes_it_away_everywhere(tmp_path: Path) -> None:
    alerts, writer, clock, detection, service = wired(tmp_path)
    alerts.detector_raised(detected("a1"))
    alerts.dismiss("a1", "张三", DismissReason.FIXED_OBJECT)
    (place,) = service.of_camera("cam1")
    heard: list[str] = []
    service.subscribe(heard.append)
    clock.t += 3600
    assert service.remove(place.id, "李四") == place
    assert detection.told["cam1"] == ()
    assert service.of_camera("cam1") == ()
    assert SuppressionStore.open(tmp_path / "suppressions.json").all() == ()
    assert heard == ["cam1"]
    event = writer.events[-1]
    assert (event.action, event.actor, event.at) == ("unsuppress", "李四", clock.t)
    assert service.remove(place.id, "李四") is None, "gone already"


def test_other_verdicts_teach_nothing(tmp_path: Path) -> None:
    alerts, _writer, _clock, detection, service = wired(tmp_path)
    for n, reason in enumerate([DismissReason.PERMITTED, DismissReason.INSIDE_SHOP, DismissReason.GONE]):
        alerts.detector_raised(detected(f"a{n}", zone_id=f"z{n}"))
        alerts.dismiss(f"a{n}", "张三", reason)
    alerts.detector_raised(detected("c1", zone_id="zc"))
    alerts.confirm("c1", "张三")
    assert detection.told == {} and service.of_camera("cam1") == ()


def test_a_bin_dismissal_makes_the_current_view_the_clean_reference(tmp_path: Path) -> None:
    alerts, writer, _clock, detection, service = wired(tmp_path)
    alerts.detector_raised(detected("b1", zone_id="bin-1", rule=Rule.BIN_OVERFLOW, code="0102", preset="3"))
    alerts.dismiss("b1", "张三", DismissReason.FALSE_DETECTION)
    assert detection.cleaned == [("cam1", "3", ("bin-1",))]
    assert detection.told == {} and service.of_camera("cam1") == (), "the bin is never suppressed"
    assert (writer.events[-1].action, writer.events[-1].actor) == ("clean_reference", "张三")


def test_places_stored_before_a_restart_are_told_to_detection_at_start(tmp_path: Path) -> None:
    alerts, _writer, _clock, _detection, _service = wired(tmp_path)
    alerts.detector_raised(detected("a1", "cam7"))
    alerts.dismiss("a1", "张三", DismissReason.FIXED_OBJECT)
    detection = FakeDetection()
    again = SuppressionService(SuppressionStore.open(tmp_path / "suppressions.json"), FakeClock())
    again.attach(detection)
    assert [s.zone_id for s in detection.told["cam7"]] == ["z1"]


def test_a_store_that_refuses_keeps_the_teaching_in_memory_and_writes_it_later(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    store = SuppressionStore.open(folder / "suppressions.json", lock_timeout_s=0.2)
    alerts, _writer, _clock, detection, service = wired(tmp_path, store)
    alerts.detector_raised(detected("a1"))
    with read_only_folder(folder):
        alerts.dismiss("a1", "张三", DismissReason.FIXED_OBJECT)
        assert len(detection.told["cam1"]) == 1, "detection learns it even though the disk refused"
        assert service.unsaved() == 1 and len(service.of_camera("cam1")) == 1
    assert service.retry()
    assert len(SuppressionStore.open(folder / "suppressions.json").all()) == 1


# --- end to end: a real scene pipeline --------------------------------------------------------------
W, H = 640, 360
BOARD = [200, 200, 300, 340, 0.8, 1]  # a red sign board the vending model takes for a stall
QUICK = PersistenceParams(dwell_s=5, window_s=5, clear_window_s=5, cooldown_s=0, min_samples=3)


class BoardModel:
    """A vending model that sees the sign board in every frame."""

    def __init__(self) -> None:
        self.class_names = {1: "stall"}

    def detect(self, frame: np.ndarray, t: float | None = None) -> np.ndarray:
        return np.array([BOARD], np.float32)

    def close(self) -> None:
        pass


def pipeline() -> ScenePipeline:
    zone = Zone("pavement", ((0.0, 0.4), (1.0, 0.4), (1.0, 1.0), (0.0, 1.0)))
    config = PipelineConfig(
        detectors={"onnx_yolo": {"model": "vending.onnx"}},
        # the board stands there from the first frame: what it teaches here is the dismissal, not the
        # zone's reference picture (which would call it furniture by itself)
        vending=VendingParams.model_validate({"persistence": QUICK, "appearance": {"enabled": False}}),
    )
    return ScenePipeline(SceneGeometry("cam1", None, (zone,)), config, {"onnx_yolo": BoardModel()})


def run(pipe: ScenePipeline, start: float, seconds: int = 15) -> list[Hit]:
    frame = np.full((H, W, 3), 90, np.uint8)
    hits = []
    for t in range(seconds):
        hits += pipe.process(frame, start + t).hits
    return [h for h in hits if h.state is HitState.RAISED]


def test_end_to_end_a_dismissed_sign_board_stops_raising_and_removing_brings_it_back(tmp_path: Path) -> None:
    alerts, _writer, _clock, detection, service = wired(tmp_path)
    pipe = pipeline()
    (hit,) = run(pipe, 0.0)
    box = hit.evidence.boxes[0]
    fractions = (box[0] / W, box[1] / H, box[2] / W, box[3] / H)
    alert = replace(
        detected("a1", zone_id=hit.zone_id, code=hit.event),
        boxes=(Box(*fractions, hit.event, float(box[4])),),
    )
    alerts.detector_raised(alert)
    alerts.dismiss("a1", "张三", DismissReason.FIXED_OBJECT)
    pipe = pipeline()
    pipe.set_suppressions(detection.told["cam1"])
    assert run(pipe, 100.0) == [], "the same board in the same place raises nothing"
    (place,) = service.of_camera("cam1")
    service.remove(place.id, "李四")
    pipe.set_suppressions(detection.told["cam1"])
    assert len(run(pipe, 200.0)) == 1, "without the suppression it raises again"


def test_the_composition_root_keeps_places_beside_the_zones_and_follows_the_alert_service(
    tmp_path: Path,
) -> None:
    from app.main import suppressions_for

    alerts, writer, _clock = alert_service()
    service = suppressions_for(tmp_path, alerts)
    detection = FakeDetection()
    service.attach(detection)
    alerts.detector_raised(detected("a1"))
    alerts.dismiss("a1", "张三", DismissReason.FALSE_DETECTION)
    assert [r.alert_id for r in SuppressionStore.open(tmp_path / "suppressions.json").all()] == ["a1"]
    assert len(detection.told["cam1"]) == 1
    assert writer.events[-1].action == "suppress"


def test_places_another_workstation_made_are_read_again_and_told(tmp_path: Path) -> None:
    _alerts, _writer, _clock, detection, service = wired(tmp_path)
    other_alerts, _w, _c, _d, _other = wired(tmp_path)  # another workstation, the same shared file
    other_alerts.detector_raised(detected("a9", "cam3"))
    other_alerts.dismiss("a9", "王五", DismissReason.FIXED_OBJECT)
    assert service.of_camera("cam3") == ()
    assert service.reload() == ["cam3"]
    assert [r.by for r in service.of_camera("cam3")] == ["王五"]
    assert len(detection.told["cam3"]) == 1
    assert service.reload() == [], "nothing new: nobody is told"
