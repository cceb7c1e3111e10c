"""`citywall replay` end to end: a real-footage clip with a stall pushed in on a known timeline gives
its alert at the right clip time and full event recall; real negative footage raises nothing; bad
input is refused naming what is wrong.

Real footage: OpenCV's vtest.avi street (scripts/setup.sh fetches it) and every clip in
``../shared/data/real/video`` (the team's development set, absent from a bare clone; the
``CITYWALL_SHARED_DATA`` variable points elsewhere, e.g. from a git worktree).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import pytest

from app.cli import main
from app.commands import replay_cmd
from app.commands.replay_cmd import site_data_dir
from app.demo.clips import find_vtest
from app.demo.encode import SUB
from app.demo.scene_replay import scene_labels, scene_samples
from app.demo.scenes import VENDING_ZONE, VendingScene, VendingScript, demo_detection_settings, scene_zones
from app.services.detection.setup import pipeline_config, scene_geometry
from app.services.zone_store import ZoneStore
from camera_config.loader import load_site
from camera_config.models import ZoneSpec
from detectors import clip_samples
from detectors.pipeline import ScenePipeline
from detectors.replay import Sample, looped, replay, score

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("CITYWALL_SHARED_DATA", REPO.parent / "shared" / "data"))
REAL_VIDEO = SHARED / "real" / "video"
# A stall pushed in at 8-10 s, standing until 40 s, gone by 42 s: a minute of the demo street.
SHORT = VendingScript(length_s=60.0, appear_s=10.0, leave_s=40.0, push_s=2.0)
WHOLE = ((0.02, 0.08), (0.98, 0.08), (0.98, 0.98), (0.02, 0.98))  # the whole picture but an OSD line


def site_yaml(path: Path, zone: tuple[tuple[float, float], ...], detection: str = "") -> Path:
    points = ", ".join(f"[{x}, {y}]" for x, y in zone)
    path.write_text(
        "site:\n  name: 回放测试\n"
        "cameras:\n"
        "  - id: cam001\n    name: 人行道\n    source: {kind: file, path: clip.mp4}\n"
        "    detection:\n      zones:\n"
        f"        - {{id: no-vending-1, kind: no_vending, polygon: [{points}]}}\n"
        "        - {id: osd, kind: mask, polygon: [[0, 0], [0.46, 0], [0.46, 0.075], [0, 0.075]]}\n"
        "  - id: cam002\n    name: 路口\n    source: {kind: file, path: clip.mp4}\n" + detection,
        encoding="utf-8",
    )
    return path


# Short dwell and clear, a check every 2 s (the stationary detector's pace in the demo).
SHORT_RULES = """detection:
  revisit_s: 2
  rules:
    vending:
      persistence: {dwell_s: 12, window_s: 12, raise_ratio: 0.6, clear_ratio: 0.15, clear_window_s: 10,
                    cooldown_s: 5, min_samples: 3, max_gap_s: 60}
      appearance: {reference_checks: 1}  # the zone's clean picture: the first check (the stall comes at 8 s)
"""


@pytest.fixture(scope="module")
def stall_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A minute of the real street at CIF, 5 fps, with the scripted stall (H.264 MP4)."""
    path = tmp_path_factory.mktemp("replay") / "stall.mp4"
    scene = VendingScene(SHORT, SUB.size)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = SUB.size[0], SUB.size[1], "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for sample in scene_samples(scene, 0.2, SHORT.length_s):
            frame = av.VideoFrame.from_ndarray(sample.frame, format="bgr24")
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["replay", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_replay_prints_the_stalls_alert_at_its_clip_time_and_full_recall(
    stall_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_cmd, "PROGRESS_EVERY_S", 0.0)  # a progress line at every frame
    site = site_yaml(tmp_path / "site.yaml", VENDING_ZONE, SHORT_RULES)
    labels = tmp_path / "labels.csv"
    labels.write_text("kind,start_s,end_s,zone\nvending,0:10,0:40,no-vending-1\n", encoding="utf-8")
    args = [str(site), "--camera", "cam001", "--file", str(stall_clip), "--labels", str(labels)]
    code, out, err = run_cli([*args, "--data-dir", str(tmp_path / "data")], capsys)
    assert code == 0, out + err
    raised = re.findall(r"^(\d\d):(\d\d)  ALERT    vending 0501  zone no-vending-1", out, re.M)
    assert len(raised) == 1, out
    at = int(raised[0][0]) * 60 + int(raised[0][1])
    assert SHORT.appear_s + 12 <= at <= SHORT.leave_s, out  # after the dwell, while the stall stands
    assert "a check every 2 s" in out and "30 checks" in out, out
    assert "vending: event precision 1.00 (1/1 alerts" in out and "recall 1.00 (1/1 intervals found)" in out
    assert "false alerts: 0 in 0.017 camera-hours" in out
    # progress goes to stderr (stdout keeps the alerts), with how far, how many alerts, how fast
    assert re.search(r"^… 00:59 / 01:00 \(98 %\), 1 alert\(s\), \d+× real time$", err, re.M), err


def test_ctrl_c_on_a_long_clip_still_reports_what_was_replayed(
    stall_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = clip_samples.clip_samples

    def interrupted_after_20(*args: Any, **kwargs: Any) -> Iterator[Sample]:
        for n, sample in enumerate(real(*args, **kwargs)):
            if n == 20:
                raise KeyboardInterrupt
            yield sample

    monkeypatch.setattr(clip_samples, "clip_samples", interrupted_after_20)
    site = site_yaml(tmp_path / "site.yaml", VENDING_ZONE, SHORT_RULES)
    labels = tmp_path / "labels.csv"
    labels.write_text("vending,0:10,0:30\nvending,0:35,0:50\n", encoding="utf-8")  # the second not reached
    args = [str(site), "--camera", "cam001", "--file", str(stall_clip), "--labels", str(labels)]
    code, out, err = run_cli([*args, "--data-dir", str(tmp_path / "data")], capsys)
    assert code == 130, out + err
    assert "ALERT    vending 0501" in out and "interrupted at 00:38 of video" in out, out
    assert "20 checks" in out and "recall 1.00 (1/1 intervals found)" in out, out


def test_zones_drawn_in_citywall_win_over_the_site_files(
    stall_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The operator moved the zone off the stall's pavement (zones.json): no alert any more."""
    site = site_yaml(tmp_path / "site.yaml", VENDING_ZONE, SHORT_RULES)
    data = tmp_path / "data"
    config = load_site(site, resolve_secrets=False)
    store = ZoneStore.for_site(config, site_data_dir(config, data) / "zones.json")
    moved = ZoneSpec(
        id="drawn", kind="no_vending", polygon=((0.05, 0.85), (0.3, 0.85), (0.3, 0.98), (0.05, 0.98))
    )
    store.save("cam001", None, (moved,))
    args = [str(site), "--camera", "cam001", "--file", str(stall_clip), "--negative", "--data-dir", str(data)]
    code, out, err = run_cli(args, capsys)
    assert code == 0, out + err
    assert "no_vending drawn" in out and "ALERT" not in out, out
    assert "false alerts: 0 in" in out


def test_zones_read_from_the_data_folder_the_wall_uses(tmp_path: Path) -> None:
    from app.main import site_data_dir as walls

    site = load_site(site_yaml(tmp_path / "site.yaml", VENDING_ZONE), resolve_secrets=False)
    assert site_data_dir(site, tmp_path / "data") == walls(site, tmp_path / "data")
    shared = site.site.model_copy(update={"shared_views": tmp_path / "share" / "views.json"})
    site = site.model_copy(update={"site": shared})
    assert site_data_dir(site, None) == walls(site, None) == tmp_path / "share"


def test_bad_input_refused_naming_what_is_wrong(
    stall_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_yaml(tmp_path / "site.yaml", VENDING_ZONE)
    base = [str(site), "--data-dir", str(tmp_path / "data")]
    code, _, err = run_cli([*base, "--camera", "cam999", "--file", str(stall_clip)], capsys)
    assert code == 1 and "no camera 'cam999'; the site's cameras: cam001, cam002" in err
    code, _, err = run_cli([*base, "--camera", "cam002", "--file", str(stall_clip)], capsys)
    assert code == 1 and "camera cam002: no no-vending or bin zone at the fixed view" in err
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video", encoding="utf-8")
    code, _, err = run_cli([*base, "--camera", "cam001", "--file", str(not_video)], capsys)
    assert code == 1 and f"{not_video}: cannot read the video" in err
    labels = tmp_path / "labels.csv"
    labels.write_text("vending,10,40\nvending,50\n", encoding="utf-8")
    code, out, err = run_cli(
        [*base, "--camera", "cam001", "--file", str(stall_clip), "--labels", str(labels)], capsys
    )
    assert code == 1 and f"{labels}:2: expected kind,start_s,end_s[,zone]" in err and out == ""


@pytest.mark.slow
def test_scripted_street_scene_gives_full_vending_event_recall() -> None:
    """The demo's vending scene (real vtest street, stall 15-115 s), its demo settings, one loop at
    the 2 s revisit, two sampling phases: the stall's one event is found, and nothing else raised."""
    if find_vtest() is None:
        pytest.fail("vtest.avi missing: scripts/setup.sh fetches it (the scene is real street footage)")
    settings = demo_detection_settings()
    scene = VendingScene(VendingScript(), SUB.size)
    geometry = scene_geometry("scn001", None, scene_zones()["vending"])
    assert geometry is not None
    for phase in (0.0, 1.0):
        pipe = ScenePipeline(geometry, pipeline_config(settings))
        samples = scene_samples(scene, settings.revisit_s, scene.script.length_s, phase_s=phase)
        run = replay(pipe, samples, video_s=scene.script.length_s)
        figures = score(run.alerts, looped(scene_labels(scene), 180.0, 1), run.video_s, slack_s=2.0)
        assert (figures.recall, figures.precision) == (1.0, 1.0), (phase, run.alerts)


def negative_clips() -> list[object]:
    clips: list[object] = [pytest.param("vtest", id="vtest.avi")]
    found = sorted(REAL_VIDEO.glob("*")) if REAL_VIDEO.is_dir() else []
    clips += [
        pytest.param(p.name, id=p.name) for p in found if p.suffix.lower() in (".mp4", ".avi", ".mkv", ".mov")
    ]
    if not found:
        clips.append(pytest.param("", id="shared-clips"))
    return clips


@pytest.mark.slow
@pytest.mark.parametrize("clip", negative_clips())
def test_real_negative_footage_raises_no_alert(
    clip: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No vendor, no bin in these clips: a no-vending zone over the whole picture, the site's default
    detection (the weight-free stationary detector, a check every 10 s, 3 min dwell), ten minutes of
    footage (the clip looped): not one alert."""
    if clip == "vtest":
        path = find_vtest()
        if path is None:
            pytest.fail("vtest.avi missing: scripts/setup.sh fetches it")
    elif not clip:
        pytest.skip(f"{REAL_VIDEO} absent (../shared/data/real not available)")
    else:
        path = REAL_VIDEO / clip
    with av.open(str(path)) as container:
        length = float(container.duration or 0) / 1e6
    loops = max(1, round(600 / max(length, 1.0)))
    site = site_yaml(tmp_path / "site.yaml", WHOLE)
    args = [str(site), "--camera", "cam001", "--file", str(path), "--negative", "--loop", str(loops)]
    code, out, err = run_cli([*args, "--data-dir", str(tmp_path / "data")], capsys)
    assert code == 0, out + err
    assert "a check every 10 s" in out and " 0 alert(s)" in out, out
    assert re.search(r"false alerts: 0 in [\d.]+ camera-hours = 0.00 per camera-hour", out), out


def test_a_place_operators_dismissed_raises_nothing_in_replay(
    stall_clip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Replay judges what the wall would: a suppression in the data folder applies."""
    from app.core.alerts import DismissReason
    from app.core.suppressions import SuppressionRecord
    from app.services.suppression_store import SuppressionStore, suppression_file_beside

    site = site_yaml(tmp_path / "site.yaml", VENDING_ZONE, SHORT_RULES)
    data = tmp_path / "data"
    args = [str(site), "--camera", "cam001", "--file", str(stall_clip), "--negative", "--data-dir", str(data)]
    code, out, err = run_cli(args, capsys)
    found = re.search(r"ALERT .* box (\d+),(\d+)-(\d+),(\d+)", out)
    assert code == 0 and found is not None, out + err
    x1, y1, x2, y2 = (int(v) for v in found.groups())
    w, h = clip_samples.fit(*SUB.size, replay_cmd.SAMPLE_BOX)  # the boxes are in the fitted picture
    config = load_site(site, resolve_secrets=False)
    store = SuppressionStore.open(suppression_file_beside(site_data_dir(config, data) / "zones.json"))
    box = (x1 / w, y1 / h, x2 / w, y2 / h)
    store.add([
        SuppressionRecord("s1", "cam001", None, "no-vending-1", "0501", box, "a1", DismissReason.FIXED_OBJECT,
                          "张三", 0.0),
    ])  # fmt: skip
    code, again, err = run_cli(args, capsys)
    assert code == 0 and found.group(0) not in again, again  # the dismissed stall raises no more
    assert "1 place(s) operators dismissed on this camera count no more" in err
