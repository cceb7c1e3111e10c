"""What detection learnt survives a restart of the app: the file in the site's data folder.

A real pipeline (the stationary detector, a no-vending zone, a bin with its clean reference) is
checkpointed, written and read back: the same rules, background and references come back, with
sample times moved onto the new run's clock; a view learnt for other zones, one too old, or of a
camera no longer watched is left out; a damaged or tampered file is set aside and reported (and
runs no code); a write into a folder that cannot take it is reported once, and nothing stops.
"""

from __future__ import annotations

import functools
import io
import math
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from app.adapters.state_file import StateFileError, dumps, loads
from app.core.alerts import Alert, AlertState, Rule
from app.core.system_events import SystemEvent, SystemEventKind
from app.services.detection.checkpoints import Checkpoints
from app.services.detection.protocol import AlertRaised, ViewCheckpoint
from app.services.detection.resume import ResumeBook
from app.services.detection.saved_views import KINDS, SavedView, SavedViews
from app.services.detection.setup import scene_geometry
from camera_config.models import (
    Camera,
    CameraDetection,
    DetectionSettings,
    PtzSettings,
    RtspSource,
    SiteConfig,
    SiteInfo,
    ZoneSpec,
)
from detectors.pipeline import PipelineState, ScenePipeline
from detectors.rules import PersistenceState
from detectors.stationary import StationaryState
from detectors.synth import bin_scene

PAVEMENT = ZoneSpec(id="pavement", name="人行道", polygon=((0.0, 0.5), (1.0, 0.5), (1.0, 1.0), (0.0, 1.0)))
SCENE = bin_scene(np.random.default_rng(5), w=352, h=288)
BIN = ZoneSpec(
    id="bin1",
    kind="bin",
    polygon=(
        (SCENE.box[0], SCENE.box[1]),
        (SCENE.box[2], SCENE.box[1]),
        (SCENE.box[2], SCENE.box[3]),
        (SCENE.box[0], SCENE.box[3]),
    ),
    overflow_line=SCENE.rim - 0.03,
)
ZONES = (PAVEMENT, BIN)
MONO, WALL = 5000.0, 1_700_000_000.0  # the clocks when the file was written


def site(zones: tuple[ZoneSpec, ...] = ZONES, ptz: bool = False, max_age_s: float = 600.0) -> SiteConfig:
    camera = Camera(
        id="cam1",
        name="北门",
        source=RtspSource(main="rtsp://127.0.0.1:9/cam1"),
        ptz=PtzSettings(endpoint="http://127.0.0.1:9/onvif/device_service") if ptz else None,
        detection=CameraDetection(zones=zones),
    )
    return SiteConfig(
        site=SiteInfo(name="t"), cameras=(camera,), detection=DetectionSettings(resume_max_age_s=max_age_s)
    )


@functools.cache
def learnt(preset: str | None = None) -> tuple[ScenePipeline, ViewCheckpoint]:
    """A pipeline that has watched the street a while (sample times up to MONO) and its checkpoint."""
    zones = tuple(z.model_copy(update={"preset": preset}) for z in ZONES)
    geometry = scene_geometry("cam1", preset, zones)
    assert geometry is not None
    pipe = ScenePipeline(geometry)
    pipe.set_bin_reference(SCENE.image)
    rng = np.random.default_rng(1)
    for i in range(12):
        noisy = np.clip(SCENE.image.astype(np.int16) + rng.integers(-3, 4, SCENE.image.shape), 0, 255)
        pipe.process(noisy.astype(np.uint8), MONO - 24.0 + 2.0 * i)
    alert = Alert(
        "a1", "cam1", preset, "pavement", Rule.VENDING, "0501", WALL - 30.0, 0.9, zone_name="人行道"
    )
    return pipe, ViewCheckpoint("cam1", preset, float("-inf"), pipe.snapshot(), (alert,))


def events_into(into: list[SystemEvent]) -> SavedViews:
    return SavedViews(Path("unused"), into.append)


def test_what_a_view_learnt_comes_back_with_its_times_on_the_new_clock(tmp_path: Path) -> None:
    pipe, cp = learnt()
    saved = SavedViews(tmp_path / "detection_views.npz")
    assert saved.save([(cp, 4.0)], mono=MONO, wall=WALL)
    assert saved.last_size == (tmp_path / "detection_views.npz").stat().st_size < 200_000
    # The computer restarted: its monotonic clock began again; the app was down for 60 s.
    acknowledged = replace(cp.open_alerts[0], state=AlertState.ACKNOWLEDGED, acknowledged_by="王芳")
    loaded = saved.load(site(), [acknowledged], mono=100.0, wall=WALL + 60.0)
    ((back, age),) = loaded.views
    assert age == pytest.approx(64.0) and not loaded.damaged
    assert back.open_alerts == (acknowledged,)  # as the store gave it back
    assert back.settled_since == -math.inf and not back.from_last_run  # a fixed camera
    shift = (100.0 - MONO) - 60.0  # its samples were taken 60 s and more before this run's "now"
    before, after = cp.state, back.state
    assert after.geometry == before.geometry
    old = [t.persistence for r in before.rules for t in r.tracks]
    new = [t.persistence for r in after.rules for t in r.tracks]
    assert old and len(new) == len(old)
    for o, n in zip(old, new, strict=True):
        assert n.phase == o.phase and n.hits == o.hits and n.cooldown_until == o.cooldown_until  # (-inf)
        assert n.times == pytest.approx(tuple(t + shift for t in o.times))
    assert before.detectors is not None and after.detectors is not None
    s_old, s_new = before.detectors["stationary"], after.detectors["stationary"]
    assert isinstance(s_old, StationaryState) and isinstance(s_new, StationaryState)
    assert s_new.background == s_old.background and s_new.evidence == s_old.evidence
    assert s_new.t_last == pytest.approx(s_old.t_last + shift) and s_new.size == s_old.size
    assert before.bin_references is not None and after.bin_references is not None
    assert after.bin_references.size == before.bin_references.size
    for new_crops, old_crops in zip(
        after.bin_references.refs["bin1"], before.bin_references.refs["bin1"], strict=True
    ):  # above the line, around the foot, the window around the bin
        assert len(new_crops) == len(old_crops) == 3
        for a, c in zip(new_crops, old_crops, strict=True):
            assert np.array_equal(a, c) and a.dtype == c.dtype
    resumed = ScenePipeline(pipe.geometry)
    assert resumed.restore(after)  # a new pipeline takes it over
    assert resumed.bin_monitor is not None and resumed.bin_monitor.has_reference("bin1")


def test_a_view_learnt_for_other_zones_too_old_or_of_a_camera_gone_is_left_out(tmp_path: Path) -> None:
    _, cp = learnt()
    saved = SavedViews(tmp_path / "views.npz")
    saved.save([(cp, 30.0)], mono=MONO, wall=WALL)
    moved = PAVEMENT.model_copy(update={"polygon": ((0.0, 0.4), (1.0, 0.4), (1.0, 1.0), (0.0, 1.0))})
    changed = saved.load(site((moved, BIN)), mono=MONO + 60.0, wall=WALL + 60.0)
    assert changed.views == () and changed.zones_changed == 1
    # 30 s old when written, the app down 9 min 40 s: ten minutes, the limit; a second more is too old
    kept = saved.load(site(max_age_s=600.0), mono=MONO + 570.0, wall=WALL + 570.0)
    assert len(kept.views) == 1
    old = saved.load(site(max_age_s=600.0), mono=MONO + 571.0, wall=WALL + 571.0)
    assert old.views == () and old.too_old == 1
    gone = saved.load(site().model_copy(update={"cameras": ()}), mono=MONO, wall=WALL)
    assert gone.views == () and gone.unknown == 1
    assert "1 view(s) resumed" in kept.describe()


def test_a_ptz_view_resumes_at_the_cameras_first_settled_place_at_its_preset(tmp_path: Path) -> None:
    _, cp = learnt(preset="1")
    saved = SavedViews(tmp_path / "views.npz")
    saved.save([(replace(cp, settled_since=4321.0), 2.0)], mono=MONO, wall=WALL)
    at_1 = tuple(z.model_copy(update={"preset": "1"}) for z in ZONES)
    ((back, _),) = saved.load(site(at_1, ptz=True), mono=MONO + 5.0, wall=WALL + 5.0).views
    assert back.settled_since is None and back.from_last_run  # another run's clock: meaningless
    book = Checkpoints([back])
    assert not book.resumes_at("cam1", "2", 10.0)  # another preset
    assert book.resumes_at("cam1", "1", 10.0)  # settled at its preset after the restart: resumes
    assert book.resumes_at("cam1", "1", 10.0)  # (told again: the same place)
    assert not book.resumes_at("cam1", "1", 55.0)  # it left and came back: afresh, as after a worker restart


def test_views_read_back_are_kept_with_their_age_and_their_alerts_are_not_announced_again() -> None:
    _, cp = learnt()
    book = ResumeBook([(cp, 20.0)], now=1000.0)
    assert book.aged(now=1010.0) == [(cp, 30.0)]
    assert book.lost_with_worker() == []  # the app had those alerts: nothing to raise again
    assert book.open_alerts() == list(cp.open_alerts)
    book.seen(AlertRaised(cp.open_alerts[0]))
    assert book.lost_with_worker() == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short (a full disk, a crash mid-copy)
        lambda data: data[:100] + bytes(200) + data[300:],  # zeros over the archive
        lambda data: b"not an archive at all",
        lambda data: b"",
    ],
    ids=["truncated", "zeroed", "garbage", "empty"],
)
def test_a_damaged_file_is_set_aside_and_reported_and_detection_starts_afresh(tmp_path: Path, damage) -> None:
    _, cp = learnt()
    path = tmp_path / "views.npz"
    SavedViews(path).save([(cp, 1.0)], mono=MONO, wall=WALL)
    path.write_bytes(damage(path.read_bytes()))
    events: list[SystemEvent] = []
    loaded = SavedViews(path, events.append).load(site(), mono=MONO, wall=WALL)
    assert loaded.views == () and loaded.damaged
    ((event),) = events
    assert event.kind is SystemEventKind.STORE_DAMAGED and event.subject == str(path)
    assert not path.exists() and len(list(tmp_path.glob("views.damaged-*.npz"))) == 1  # kept aside


@dataclass(frozen=True)
class Stranger:
    command: str


class Boom:
    """Would leave a mark if a reader ever unpickled it."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(MARK),))


MARK = Path("/nonexistent")  # set per test


def test_a_tampered_file_runs_no_code_and_makes_only_the_types_it_knows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(f"{__name__}.MARK", tmp_path / "pwned")
    _, cp = learnt()
    good = dumps((SavedView(cp, 1.0),), KINDS, {"format": "detection-views", "version": 1})
    # A member replaced by a pickled object: refused (read without pickle), nothing runs.
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    evil = io.BytesIO()
    np.save(evil, np.array([Boom()], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(out := io.BytesIO(), "w") as z:
        for name, data in members.items():
            z.writestr(name, evil.getvalue() if name == "a0.npy" else data)
    with pytest.raises(StateFileError):
        loads(out.getvalue(), KINDS)
    assert not (tmp_path / "pwned").exists()
    # A type the reader does not make, a simple field of the wrong type: refused.
    with pytest.raises(StateFileError, match="not one this reader makes"):
        loads(dumps((Stranger("rm -rf /"),), [Stranger]), KINDS)
    wrong = replace(cp, state=PipelineState(cp.state.geometry, cp.state.rules))
    rules = list(wrong.state.rules)
    track = rules[0].tracks[0]
    bad = replace(track, persistence=replace(track.persistence, cooldown_until="soon"))  # type: ignore[arg-type]
    rules[0] = replace(rules[0], tracks=(bad, *rules[0].tracks[1:]))
    tampered = dumps((SavedView(replace(wrong, state=replace(wrong.state, rules=tuple(rules))), 1.0),), KINDS)
    with pytest.raises(StateFileError, match=r"PersistenceState\.cooldown_until"):
        loads(tampered, KINDS)
    assert isinstance(loads(good, KINDS)[1], tuple)


def test_a_write_that_fails_is_reported_once_and_the_next_good_one_says_so(tmp_path: Path) -> None:
    _, cp = learnt()
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")  # (portable: also as root, also on Windows)
    events: list[SystemEvent] = []
    saved = SavedViews(blocker / "views.npz", events.append)
    assert not saved.save([(cp, 1.0)]) and not saved.save([(cp, 1.0)])
    ((event),) = events
    assert event.kind is SystemEventKind.STORE_NOT_SAVED and "views.npz" in event.subject
    blocker.unlink()
    assert saved.save([(cp, 1.0)]) and (blocker / "views.npz").is_file()
    assert len(events) == 1


def test_no_file_yet_is_no_problem(tmp_path: Path) -> None:
    events: list[SystemEvent] = []
    loaded = SavedViews(tmp_path / "views.npz", events.append).load(site())
    assert loaded.views == () and not loaded.damaged and events == []


def test_sample_times_of_every_kind_are_moved() -> None:
    from app.services.detection.saved_views import shifted

    _, cp = learnt()
    moved = shifted(cp.state, -100.0)
    assert moved.geometry is cp.state.geometry
    p_old = [t.persistence for r in cp.state.rules for t in r.tracks]
    p_new = [t.persistence for r in moved.rules for t in r.tracks]
    assert all(isinstance(p, PersistenceState) for p in p_new)
    assert [p.run_start for p in p_new] == [None if p.run_start is None else p.run_start - 100 for p in p_old]
    assert shifted(cp.state, 0.0) is cp.state
