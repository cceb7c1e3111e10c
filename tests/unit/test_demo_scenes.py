"""Demo scenes: objects come and go at the scripted times (in the encoded clips too), the scene
cameras come with valid zones and settings, and the real detectors raise and clear on them."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from app.demo.clips import ClipSet, find_vtest
from app.demo.encode import MAIN, SUB
from app.demo.scene_clips import SceneClips, generate_scene_clips, source_frames
from app.demo.scene_sprites import REAL_BAGS, burn_clock
from app.demo.scenes import (
    MOVED_ON_ALERT_S,
    MOVED_ON_CLEAR_AFTER_S,
    MOVED_ON_SCRIPT,
    SCENE_GROUP,
    BinScene,
    BinScript,
    VendingScene,
    VendingScript,
    add_demo_scenes,
    demo_detection_settings,
    make_scenes,
    scaled_scripts,
    scene_zones,
    with_scene_mounts,
)
from app.demo.site import build_demo_site, demo_manifest
from app.demo.variants import render, shrink
from camera_config.models import CameraDetection, FileSource, RtspSource, SiteConfig
from detectors.pipeline import PipelineConfig, ScenePipeline
from detectors.rules import BinParams, VendingParams
from detectors.types import BinRoi, HitState, Mask, SceneGeometry, Zone

SHORT_VENDING = VendingScript(length_s=6.0, appear_s=2.0, leave_s=4.0, push_s=0.5)
SHORT_BIN = BinScript(length_s=6.0, fill_from_s=1.0, full_at_s=2.5, emptied_s=4.5)
SHORT_MOVED_ON = VendingScript(length_s=6.0, appear_s=1.0, leave_s=3.0, push_s=0.5)
FPS = SUB.fps


def street() -> np.ndarray:
    return next(source_frames(None, FPS, 1))


def box_px(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[slice, slice]:
    w, h = size
    return slice(round(box[1] * h), round(box[3] * h)), slice(round(box[0] * w), round(box[2] * w))


def region_diff(a: np.ndarray, b: np.ndarray, region: tuple[slice, slice]) -> float:
    return float(np.abs(a[region].astype(np.int16) - b[region].astype(np.int16)).mean())


def litter_box(scene: BinScene) -> tuple[float, float, float, float]:
    """Everything that can lie around the bin, in picture fractions."""
    w, h = scene.size
    xs = [i.x for i in scene.litter] + [i.x + i.sprite[0].shape[1] for i in scene.litter]
    ys = [i.y for i in scene.litter] + [i.y + i.sprite[0].shape[0] for i in scene.litter]
    return (max(0, min(xs)) / w, max(0, min(ys)) / h, min(w, max(xs)) / w, min(h, max(ys)) / h)


# --- scripts --------------------------------------------------------------------------------------


def test_scripts_say_what_is_there_when_and_loop() -> None:
    script = VendingScript()
    assert not script.present(14.9) and script.present(15.0) and script.present(114.9)
    assert not script.present(115.0) and script.present(180.0 + 20.0)
    moved_on = MOVED_ON_SCRIPT  # the same loop, a later stall that leaves long before the other
    assert not moved_on.present(24.9) and moved_on.present(25.0) and moved_on.present(103.9)
    assert not moved_on.present(104.0) and moved_on.length_s == script.length_s
    bins = BinScript()
    assert [bins.items_at(t, 9) for t in (0, 24.9, 25, 70, 139.9, 140, 205)] == [0, 0, 1, 9, 9, 0, 1]
    assert bins.items_at(47.5, 9) == 5  # one more item every (70 - 25) / 8 s
    with pytest.raises(ValueError, match="inside the clip"):
        VendingScript(length_s=100, leave_s=99)
    with pytest.raises(ValueError, match="fill_from_s"):
        BinScript(full_at_s=150, emptied_s=140)


def test_default_timeline_fits_the_demo_rules_in_one_loop() -> None:
    """With the demo dwell the alert must come while the object is still there, and the quiet time
    after clearing must end before the object comes back on the next loop."""
    settings = demo_detection_settings()
    vending = VendingParams.model_validate(settings.rules["vending"]).persistence
    bins = BinParams.model_validate(settings.rules["bins"]).persistence
    b = BinScript()
    found_after_s = 10.0  # the stationary detector: ~7 s to see a new object, plus sampling
    for v in (VendingScript(), MOVED_ON_SCRIPT):
        assert v.appear_s + found_after_s + vending.dwell_s < v.leave_s
        assert v.leave_s + v.push_s + vending.clear_window_s + vending.cooldown_s < v.length_s + v.appear_s
    # the moved-on scene's measured alert and clear: while the stall stands, and within the loop
    v = MOVED_ON_SCRIPT
    assert v.appear_s + vending.dwell_s <= MOVED_ON_ALERT_S[0] and MOVED_ON_ALERT_S[1] < v.leave_s
    # a clear needs a window of misses (all but one: 1 hit in 11 samples is below the clear ratio)
    assert vending.clear_window_s - 2 * settings.revisit_s <= MOVED_ON_CLEAR_AFTER_S[0]
    assert v.leave_s + MOVED_ON_CLEAR_AFTER_S[1] + vending.cooldown_s < v.length_s + v.appear_s
    assert b.full_at_s + bins.dwell_s < b.emptied_s
    assert b.emptied_s + bins.clear_window_s + bins.cooldown_s < b.length_s + b.fill_from_s


# --- rendering ------------------------------------------------------------------------------------


def test_scaled_scripts_tell_the_same_story_in_shorter_clips() -> None:
    """Short runs (smoke tests) encode 18 s scenes: every time a tenth, the order kept."""
    assert scaled_scripts(None) == {}
    short = scaled_scripts(18.0)
    assert short["vending"] == VendingScript(length_s=18.0, appear_s=1.5, leave_s=11.5, push_s=0.4)
    assert short["bins"] == BinScript(length_s=18.0, fill_from_s=2.5, full_at_s=7.0, emptied_s=14.0)
    assert short["moved_on"].appear_s == pytest.approx(MOVED_ON_SCRIPT.appear_s / 10)
    assert short["moved_on"].present(5.0) and not short["moved_on"].present(11.0)
    with pytest.raises(ValueError, match="above 0"):
        scaled_scripts(0.0)


def test_the_stall_is_pushed_in_stands_and_is_pushed_away() -> None:
    scene = VendingScene(SHORT_VENDING, MAIN.size)
    base = render(scene.view, street(), MAIN.size)
    spot = box_px(scene.stall_box(), MAIN.size)
    assert scene.stall_x(1.0) is None and scene.stall_x(4.6) is None
    coming = scene.stall_x(1.6)
    assert coming is not None and coming > scene.spot[0]  # pushed in from the right
    for t, there in ((1.0, False), (2.0, True), (3.9, True), (4.6, False), (6.0 + 3.0, True)):
        diff = region_diff(scene.frame(street(), t, 0), base, spot)
        assert (diff > 25) == there, (t, diff)


def test_the_moved_on_stall_stands_on_the_mirrored_street_until_it_is_pushed_away() -> None:
    scene = make_scenes(size=MAIN.size, moved_on=SHORT_MOVED_ON)["moved_on"]
    assert isinstance(scene, VendingScene) and scene.mirror
    plain = VendingScene(SHORT_MOVED_ON, MAIN.size)
    base = render(scene.view, street(), MAIN.size)[:, ::-1]  # the street from its other side
    spot, other_side = box_px(scene.stall_box(), MAIN.size), box_px(plain.stall_box(), MAIN.size)
    x1, _, x2, _ = scene.stall_box()
    assert x2 < 0.5 < plain.stall_box()[0] and x1 == pytest.approx(1 - plain.stall_box()[2])
    for t, there in ((0.4, False), (1.0, True), (2.9, True), (3.6, False), (6.0 + 2.0, True)):
        picture = scene.frame(street(), t, 0)
        assert (region_diff(picture, base, spot) > 25) == there, t
        assert region_diff(picture, base, other_side) < 1.0  # nothing where the other scene's stands
    expected = np.ascontiguousarray(base)  # with the stall gone: the mirrored street, and the
    burn_clock(expected, 5.0)  # clock burned in the right way round, as on every camera
    assert np.array_equal(scene.frame(street(), 5.0, 0), expected)


def test_bags_pile_up_and_are_taken_away() -> None:
    scene = BinScene(SHORT_BIN, MAIN.size)
    assert not scene.real_photo
    region = box_px(litter_box(scene), MAIN.size)
    empty = scene.frame(street(), 0.5, 0)
    diffs = [region_diff(scene.frame(street(), t, 0), empty, region) for t in (1.0, 1.8, 2.5, 4.4, 4.5)]
    assert diffs[0] > 1 and diffs[0] < diffs[1] < diffs[2]  # more and more litter
    assert diffs[3] == pytest.approx(diffs[2], abs=1.0)  # still full just before the crew comes
    assert diffs[4] < 1.0  # emptied: as clean as at the start


def test_a_real_photo_becomes_one_pile_of_bags_only_when_there(tmp_path: Path) -> None:
    photo = tmp_path.joinpath(*REAL_BAGS)
    photo.parent.mkdir(parents=True)
    picture = np.full((800, 600, 3), 190, np.uint8)
    cv2.ellipse(picture, (200, 470), (60, 40), 0, 0, 360, (20, 20, 20), -1)  # a "black bag"
    cv2.imwrite(str(photo), picture)
    assert BinScene(SHORT_BIN, SUB.size, tmp_path).real_photo
    assert not BinScene(SHORT_BIN, SUB.size, tmp_path / "absent").real_photo


# --- clips ----------------------------------------------------------------------------------------


def decode(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


@pytest.fixture(scope="module")
def short_clips(tmp_path_factory: pytest.TempPathFactory) -> SceneClips:
    return generate_scene_clips(
        tmp_path_factory.mktemp("scenes"),
        vending=SHORT_VENDING,
        bins=SHORT_BIN,
        moved_on=SHORT_MOVED_ON,
        photos=None,
    )


def test_clips_show_the_object_at_the_scripted_times(short_clips: SceneClips) -> None:
    """Decoded clip frames against the bare street at the same instant, in the object's box."""
    src = find_vtest()
    count = round(SHORT_VENDING.length_s * FPS)
    streets = list(source_frames(src, FPS, count))
    scenes = make_scenes(SHORT_VENDING, SHORT_BIN, MAIN.size, moved_on=SHORT_MOVED_ON)
    stands = {  # when each stall is (not) there in the short scripts
        "vending": ((0.5, False), (2.3, True), (3.7, True), (5.5, False)),
        "moved_on": ((0.3, False), (1.2, True), (2.8, True), (4.0, False), (5.5, False)),
    }
    for key, times in stands.items():
        vending = scenes[key]  # type: ignore[index]
        assert isinstance(vending, VendingScene)
        for stream, profile in (("sub", SUB), ("main", MAIN)):
            frames = decode(short_clips.clip(key, stream))  # type: ignore[arg-type]
            assert len(frames) == count and frames[0].shape == (profile.height, profile.width, 3)
            spot = box_px(vending.stall_box(), profile.size)
            for t, there in times:
                n = round(t * FPS)
                bare = render(vending.view, streets[n], MAIN.size)
                bare = shrink(bare[:, ::-1] if vending.mirror else bare, profile.size)
                diff = region_diff(frames[n], bare, spot)
                assert (diff > 20) == there, (key, stream, t, diff)
    bin_scene = scenes["bin"]
    assert isinstance(bin_scene, BinScene)
    frames = decode(short_clips.clip("bin", "sub"))
    region = box_px(litter_box(bin_scene), SUB.size)
    clean, full, emptied = (frames[round(t * FPS)] for t in (0.5, 3.5, 5.5))
    assert region_diff(full, clean, region) > 3 * max(1.0, region_diff(emptied, clean, region))


def test_clips_are_cached(short_clips: SceneClips) -> None:
    messages: list[str] = []
    again = generate_scene_clips(
        short_clips.directory,
        vending=SHORT_VENDING,
        bins=SHORT_BIN,
        moved_on=SHORT_MOVED_ON,
        photos=None,
        progress=lambda _f, m: messages.append(m),
    )
    assert again.sub == short_clips.sub and again.main == short_clips.main
    assert messages == [f"demo scenes ready (0 made, 6 cached) in {short_clips.directory}"]
    assert again.moved_on == SHORT_MOVED_ON
    other = generate_scene_clips(  # another script for the moved-on scene: its clips alone are new
        short_clips.directory,
        vending=SHORT_VENDING,
        bins=SHORT_BIN,
        moved_on=VendingScript(length_s=6.0, appear_s=1.0, leave_s=2.0, push_s=0.5),
        photos=None,
        streams=("sub",),
    )
    assert other.sub["vending"] == short_clips.sub["vending"]
    assert other.sub["moved_on"] != short_clips.sub["moved_on"] and other.sub["moved_on"].exists()


# --- the demo site --------------------------------------------------------------------------------


def test_scene_cameras_come_first_with_zones_and_their_own_mounts(short_clips: SceneClips) -> None:
    base = "rtsp://127.0.0.1:8554"
    site = add_demo_scenes(build_demo_site(base, n_cameras=4), base, short_clips)
    SiteConfig.model_validate(site.model_dump())  # still a valid site
    assert [c.id for c in site.cameras[:3]] == ["scn001", "scn002", "scn003"] and len(site.cameras) == 7
    vending, bin_camera, moved_on = site.cameras[:3]
    assert all(c.group == SCENE_GROUP and "60" in c.name for c in (vending, bin_camera, moved_on))
    assert vending.detection == CameraDetection(zones=scene_zones()["vending"])
    assert moved_on.detection == CameraDetection(zones=scene_zones()["moved_on"])
    assert moved_on.name.startswith("演示 喊话劝离 人行道")
    vending_zones = [z.id for c in site.cameras[:3] for z in c.detection.zones if z.kind == "no_vending"]  # type: ignore[union-attr]
    assert vending_zones == ["no-vending-1", "no-vending-3"]  # (the voice settings tell them apart)
    kinds = [z.kind for z in bin_camera.detection.zones]  # type: ignore[union-attr]
    assert kinds == ["bin", "mask"]
    assert site.detection == demo_detection_settings() and site.detection.revisit_s == 2.0
    manifest = with_scene_mounts(demo_manifest(site, _clip_set(short_clips)), site, short_clips)
    by_path = {m["path"]: m for m in manifest["mounts"]}
    assert len(by_path) == len(manifest["mounts"]) == 14  # one sub and one main per camera
    assert by_path["scn001"]["file"] == str(short_clips.clip("vending", "sub"))
    assert by_path["scn002_main"]["file"] == str(short_clips.clip("bin", "main"))
    assert by_path["scn003"]["file"] == str(short_clips.clip("moved_on", "sub"))
    assert by_path["scn003_main"]["file"] == str(short_clips.clip("moved_on", "main"))
    assert by_path["scn001"]["offset_frames"] == 0  # the story starts at the beginning
    with pytest.raises(ValueError, match="already has cameras scn001"):
        add_demo_scenes(site, base, short_clips)
    files = add_demo_scenes(build_demo_site(base, n_cameras=1), None, short_clips, first=False)
    assert isinstance(files.cameras[-1].source, FileSource) and isinstance(
        files.cameras[0].source, RtspSource
    )


def _clip_set(scenes: SceneClips) -> ClipSet:
    """A stand-in ClipSet for demo_manifest: every ordinary camera plays the vending clip."""
    return ClipSet(
        scenes.directory,
        "synthetic",
        None,
        FPS,
        sub={"full": scenes.clip("vending")},
        main={"full": scenes.clip("vending", "main")},
    )


def test_demo_settings_are_valid_for_the_detectors() -> None:
    rules = demo_detection_settings().rules
    assert VendingParams.model_validate(rules["vending"]).persistence.dwell_s == 60.0
    assert BinParams.model_validate(rules["bins"]).persistence.dwell_s == 60.0


# --- the real detectors on the scenes ---------------------------------------------------------------


def geometry(camera_id: str, key: str) -> SceneGeometry:
    """What the detection runtime makes of a camera's zones (fixed camera, no preset)."""
    zones, bins, masks = [], [], []
    for z in scene_zones()[key]:  # type: ignore[index]
        if z.kind == "no_vending":
            zones.append(Zone(z.id, z.polygon, name=z.name))
        elif z.kind == "bin":
            xs, ys = [p[0] for p in z.polygon], [p[1] for p in z.polygon]
            bins.append(BinRoi(z.id, (min(xs), min(ys), max(xs), max(ys)), z.overflow_line))
        else:
            masks.append(Mask(z.polygon, z.name))
    return SceneGeometry(camera_id, None, tuple(zones), tuple(bins), tuple(masks))


@pytest.mark.slow
def test_every_rule_raises_and_clears_in_one_loop_of_the_demo_scenes() -> None:
    src = find_vtest()
    if src is None:
        pytest.skip("vtest.avi absent: scripts/setup.sh fetches it (the scenes are tuned on real footage)")
    settings = demo_detection_settings()
    config = PipelineConfig(
        detectors=settings.detectors,
        vending=VendingParams.model_validate(settings.rules["vending"]),
        bins=BinParams.model_validate(settings.rules["bins"]),
    )
    scenes = make_scenes()
    pipelines = {key: ScenePipeline(geometry(key, key), config) for key in scenes}
    every = round(settings.revisit_s * FPS)
    hits: dict[str, list[tuple[HitState, float]]] = {key: [] for key in scenes}
    length = VendingScript().length_s
    for n, frame in enumerate(source_frames(src, FPS, round(length * FPS))):
        if n % every:
            continue
        t = n / FPS
        for key, scene in scenes.items():
            picture = shrink(scene.frame(frame, t, n), SUB.size)  # detection reads the CIF stream
            if n == 0:
                pipelines[key].set_bin_reference(picture)
            hits[key] += [(h.state, h.t) for h in pipelines[key].process(picture, t).hits]
    v, b = VendingScript(), BinScript()
    (raised, t_raised), (cleared, t_cleared) = hits["vending"]
    assert (raised, cleared) == (HitState.RAISED, HitState.CLEARED)
    assert v.appear_s + 60 <= t_raised < v.leave_s and v.leave_s < t_cleared < length
    (raised, t_raised), (cleared, t_cleared) = hits["bin"]
    assert (raised, cleared) == (HitState.RAISED, HitState.CLEARED)
    assert b.fill_from_s + 60 <= t_raised < b.emptied_s and b.emptied_s < t_cleared < length
    # the moved-on stall: within the measured ranges the demo's voice ladder is timed against
    (raised, t_raised), (cleared, t_cleared) = hits["moved_on"]
    assert (raised, cleared) == (HitState.RAISED, HitState.CLEARED)
    assert MOVED_ON_ALERT_S[0] <= t_raised <= MOVED_ON_ALERT_S[1]
    gone = MOVED_ON_SCRIPT.leave_s
    assert gone + MOVED_ON_CLEAR_AFTER_S[0] <= t_cleared <= gone + MOVED_ON_CLEAR_AFTER_S[1]
