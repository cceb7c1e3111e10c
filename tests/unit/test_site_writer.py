"""The site writer: every kind of edit changes only its own lines of a file that sets every field;
a backup is kept, a stale or invalid write is refused, a failed write leaves the file whole."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, SecretStr

from camera_config import site_writer
from camera_config.issues import ConfigError
from camera_config.loader import load_site
from camera_config.models import (
    Camera,
    CameraDetection,
    Credentials,
    FileSource,
    Group,
    Location,
    OnvifSource,
    Patrol,
    PatrolStep,
    PatrolWindow,
    PtzSettings,
    RtspSource,
    SiteConfig,
    ZoneSpec,
)
from camera_config.site_writer import (
    BACKUP_FOLDER,
    SiteDocument,
    SiteEditError,
    StaleSiteError,
    add_to_site,
    backups_of,
    create_site,
)

DATA = Path(__file__).parents[1] / "data" / "config"
FULL = (DATA / "full_site.yaml").read_text(encoding="utf-8")
Edit = Callable[[SiteDocument], None]

NEW_PTZ = PtzSettings(
    endpoint="http://10.0.0.9/onvif/device_service",
    profile="Profile_1",
    patrol=Patrol(steps=(PatrolStep(preset="1", dwell_s=20), PatrolStep(preset="2", dwell_s=40))),
)
NEW_PTZ_TEXT = """\
    ptz:
      kind: onvif
      endpoint: http://10.0.0.9/onvif/device_service
      profile: Profile_1
      patrol:
        steps:
          - preset: '1'
            dwell_s: 20.0
          - preset: '2'
            dwell_s: 40.0
"""
NEW_CAMERA = Camera(
    id="cam-101",
    name="新点位 球机",
    group="g003",
    source=OnvifSource(endpoint="http://10.0.0.9/onvif/device_service"),
    credentials=Credentials(username="admin", password_env="CAM_101_PASSWORD"),
    ptz=NEW_PTZ,
    tags=("ptz", "新"),
)
NEW_CAMERA_TEXT = (
    """\
  - id: cam-101
    name: 新点位 球机
    group: g003
    source:
      kind: onvif
      endpoint: http://10.0.0.9/onvif/device_service
    credentials:
      username: admin
      password_env: CAM_101_PASSWORD
"""
    + NEW_PTZ_TEXT
    + "    tags: [ptz, 新]\n"
)
CAM_002 = FULL[FULL.index("  # an ONVIF bullet camera\n") : FULL.index("  # a recorded clip")]
CAM_001 = FULL[FULL.index("  # the PTZ dome") : FULL.index("  # an ONVIF bullet camera\n")]
CAM_001_PTZ = FULL[
    FULL.index("    ptz:\n      kind: onvif") : FULL.index("    detection:\n      enabled: true")
]
CAM_003 = FULL[FULL.index("  # a recorded clip") : FULL.index("# -- how streams")]


def changed_ptz(doc: SiteDocument) -> None:
    ptz = doc.site.camera("cam-001").ptz
    assert ptz is not None and ptz.patrol is not None
    steps = (*ptz.patrol.steps, PatrolStep(preset="3", dwell_s=15))
    doc.set_camera(
        "cam-001",
        ptz=ptz.model_copy(
            update={"timeout_s": 5.0, "patrol": ptz.patrol.model_copy(update={"steps": steps})}
        ),
    )


def changed_list_and_mapping(doc: SiteDocument) -> None:
    doc.set_camera("cam-001", tags=("ptz", "菜场"))
    doc.set_camera("cam-002", location=Location(lon=120.15, lat=30.31, crs="bd09"))


def changed_lists(doc: SiteDocument) -> None:
    doc.set_camera("cam-002", tags=("公交站", "夜间"))
    ptz = doc.site.camera("cam-001").ptz
    assert ptz is not None and ptz.patrol is not None
    night = PatrolWindow(days=("sat", "sun"), start="22:00", end="06:00")
    patrol = ptz.patrol.model_copy(update={"schedule": (*ptz.patrol.schedule, night)})
    doc.set_camera("cam-001", ptz=ptz.model_copy(update={"patrol": patrol}))


def changed_settings(doc: SiteDocument) -> None:
    doc.set(("detection", "revisit_s"), 45)
    doc.update(("detection", "detectors", "onnx_yolo"), {"score": 0.5})
    doc.set(("ingest", "workers"), "auto")


def replaced_camera(doc: SiteDocument) -> None:
    camera = doc.site.camera("cam-002")
    doc.replace_camera(camera.model_copy(update={"name": "湖墅南路公交站（北）", "enabled": True}))


# (name, edit, [(text before, text after), ...]): the file after the edit is FULL with exactly these
# replacements, each of a text that appears once.
EDITS: list[tuple[str, Edit, list[tuple[str, str]]]] = [
    (
        "add a camera with a ptz block and a patrol",
        lambda doc: doc.add_cameras([NEW_CAMERA]),
        [("    # no tags\n\n", "    # no tags\n" + NEW_CAMERA_TEXT + "\n")],
    ),
    (
        "add a group",
        lambda doc: doc.add_groups([Group(id="g004", name="新街道", parent="g001")]),
        [
            (
                "    name: '大关街道'\n",
                "    name: '大关街道'\n  - id: g004\n    name: 新街道\n    parent: g001\n",
            )
        ],
    ),
    (
        "give a camera a ptz block",
        lambda doc: doc.set_camera("cam-002", ptz=NEW_PTZ),
        [
            (
                "    enabled: false   # being repaired\n",
                NEW_PTZ_TEXT + "    enabled: false   # being repaired\n",
            )
        ],
    ),
    (
        "change a ptz block (a setting and a patrol step)",
        changed_ptz,
        [
            ("      timeout_s: 3.0\n", "      timeout_s: 5.0\n"),
            (
                "          - {preset: 路口, dwell_s: 30}\n",
                "          - {preset: 路口, dwell_s: 30}\n"
                "          - preset: '3'\n            dwell_s: 15.0\n",
            ),
        ],
    ),
    (
        "remove a ptz block",
        lambda doc: doc.set_camera("cam-001", ptz=None),
        [(CAM_001_PTZ, "")],
    ),
    (
        "change a stream URL and the password variable",
        lambda doc: doc.update_camera(
            "cam-001",
            {"source": {"sub": "rtsp://10.30.1.11/sub2"}, "credentials": {"password_env": "CAM_001_NEW"}},
        ),
        [
            (
                "sub: rtsp://10.30.1.11:554/Streaming/Channels/102   # CIF sub stream",
                "sub: rtsp://10.30.1.11/sub2   # CIF sub stream",
            ),
            ("password_env: TEST_CAM_001_PASSWORD   #", "password_env: CAM_001_NEW   #"),
        ],
    ),
    (
        "switch a camera from ONVIF to RTSP",
        lambda doc: doc.set_camera(
            "cam-002", source=RtspSource(main="rtsp://10.30.1.12/main", transport="udp")
        ),
        [
            (
                "      kind: onvif\n      endpoint: http://10.30.1.12/onvif/device_service\n"
                "      main_profile: MainStream\n      sub_profile: SubStream\n",
                "      kind: rtsp\n      main: rtsp://10.30.1.12/main\n",
            )
        ],
    ),
    (
        "change a flow list and a block mapping",
        changed_list_and_mapping,
        [
            ("    tags: [ptz, 游商, 菜场]\n", "    tags: [ptz, 菜场]\n"),
            ("      lat: 30.3000\n", "      lat: 30.31\n      crs: bd09\n"),
        ],
    ),
    (
        "append to block lists",
        changed_lists,
        [
            ("      - 公交站\n", "      - 公交站\n      - 夜间\n"),
            (
                '            end: "19:00"   # the market closes\n',
                '            end: "19:00"   # the market closes\n          - days: [sat, sun]\n'
                "            start: '22:00'\n            end: '06:00'\n",
            ),
        ],
    ),
    (
        "replace a camera",
        replaced_camera,
        [
            ("    name: 湖墅南路公交站\n", "    name: 湖墅南路公交站（北）\n"),
            ("enabled: false   # being", "enabled: true   # being"),
        ],
    ),
    (  # the speakers that served it no longer do; its own speaker goes with it
        "remove the first camera",
        lambda doc: doc.remove_camera("cam-001"),
        [
            (CAM_001, ""),
            ("    cameras: [cam-001, cam-002]\n", "    cameras: [cam-002]\n"),
            (
                FULL[FULL.index("  - id: cam-001-own") : FULL.index("\n# -- detection")],
                "",
            ),
        ],
    ),
    (
        "remove a camera in the middle",
        lambda doc: doc.remove_camera("cam-002"),
        [
            (CAM_002, ""),
            ("    cameras: [cam-001, cam-002]\n", "    cameras: [cam-001]\n"),
            ("    cameras:\n      - cam-002\n", "    cameras: []\n"),
        ],
    ),
    ("remove the last camera", lambda doc: doc.remove_camera("cam-003"), [(CAM_003, "")]),
    (
        "remove a group",
        lambda doc: doc.remove_group("g003"),
        [("  # a group with no cameras yet\n  - id: g003\n    name: '大关街道'\n", "")],
    ),
    (
        "draw zones on a camera",
        lambda doc: doc.set_camera(
            "cam-003", detection=CameraDetection(zones=(ZoneSpec(id="z9", polygon=((0, 0), (1, 0), (1, 1))),))
        ),
        [
            (
                "    detection:\n      enabled: false\n",
                "    detection:\n      enabled: true\n      zones:\n"
                "        - id: z9\n          kind: no_vending\n"
                "          polygon: [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]]\n",
            )
        ],
    ),
    (
        "rename the site",
        lambda doc: doc.set_site_info(name="新名字"),
        [("  name: 拱墅区城管指挥中心   #", "  name: 新名字   #")],
    ),
    (
        "change detection and ingest settings",
        changed_settings,
        [
            ("revisit_s: 30   #", "revisit_s: 45   #"),
            ("      score: 0.4\n", "      score: 0.5\n"),
            ("  workers: 2\n", "  workers: auto\n"),
        ],
    ),
]


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(FULL, encoding="utf-8")
    return path


def edited(text: str, replacements: list[tuple[str, str]]) -> str:
    for before, after in replacements:
        assert text.count(before) == 1, f"not once in the file: {before!r}"
        text = text.replace(before, after)
    return text


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


@pytest.mark.parametrize(("name", "edit", "replacements"), EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_changes_only_its_own_lines(
    site_file: Path, name: str, edit: Edit, replacements: list[tuple[str, str]]
) -> None:
    document = SiteDocument.open(site_file)
    edit(document)
    result = document.save()
    assert site_file.read_text(encoding="utf-8") == edited(FULL, replacements)
    assert result.backup is not None and result.backup.read_text(encoding="utf-8") == FULL
    assert result.backup.parent == site_file.parent / BACKUP_FOLDER
    assert load_site(site_file, resolve_secrets=False) == result.site  # the app reads what was written
    assert leftovers(site_file.parent) == []


def test_the_full_site_sets_every_field_the_models_allow() -> None:
    data = __import__("yaml").safe_load(FULL)
    missing = sorted(_unset_fields(SiteConfig, [data]))
    assert missing == [], "add these to tests/data/config/full_site.yaml: " + ", ".join(missing)


def _unset_fields(model: type[BaseModel], found: list[Any], prefix: str = "") -> set[str]:
    missing: set[str] = set()
    for name, info in model.model_fields.items():
        values = [f[name] for f in found if isinstance(f, dict) and name in f]
        if not values:
            missing.add(prefix + name)
        for sub in _models(info.annotation):
            kind = sub.model_fields.get("kind")
            items = [i for v in values for i in (v if isinstance(v, list) else [v])]
            if kind is not None and isinstance(kind.default, str) and len(_models(info.annotation)) > 1:
                items = [i for i in items if isinstance(i, dict) and i.get("kind") == kind.default]
            missing |= _unset_fields(
                sub, items, f"{prefix}{name}.{sub.__name__}." if kind else f"{prefix}{name}."
            )
    return missing


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds (through Optional, unions, Annotated, tuples and lists)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) in (Union, UnionType, Annotated, tuple, list):
        out: list[type[BaseModel]] = []
        for arg in get_args(annotation):
            out.extend(m for m in _models(arg) if m not in out)
        return out
    return []


def test_several_edits_in_one_save_and_a_second_save(site_file: Path) -> None:
    document = SiteDocument.open(site_file)
    document.add_groups([Group(id="g004", name="新街道")])
    document.add_cameras([NEW_CAMERA.model_copy(update={"group": "g004"})])
    document.set_camera("cam-002", ptz=NEW_PTZ)
    first = document.save()
    document.remove_camera("cam-003")
    second = document.save()
    site = load_site(site_file, resolve_secrets=False)
    assert [c.id for c in site.cameras] == ["cam-001", "cam-002", "cam-101"]
    assert site.camera("cam-002").ptz == NEW_PTZ and site.camera("cam-101").group == "g004"
    assert site.detection.revisit_s == 30 and "onnx_yolo" in site.detection.detectors  # untouched
    assert first.backup is not None and second.backup is not None and first.backup != second.backup
    assert first.backup.read_text(encoding="utf-8") == FULL
    assert "# the PTZ dome at the market: every field" in site_file.read_text(encoding="utf-8")


def test_saving_no_change_writes_nothing(site_file: Path) -> None:
    document = SiteDocument.open(site_file)
    document.replace_camera(document.site.camera("cam-001"))  # the same camera: no change
    result = document.save()
    assert not result.changed and result.backup is None
    assert site_file.read_text(encoding="utf-8") == FULL and not (site_file.parent / BACKUP_FOLDER).exists()


def test_a_file_changed_on_disk_since_it_was_read_is_not_overwritten(site_file: Path) -> None:
    document = SiteDocument.open(site_file)
    document.add_cameras([NEW_CAMERA])
    theirs = FULL.replace("revisit_s: 30", "revisit_s: 20")  # someone else saved meanwhile
    site_file.write_text(theirs, encoding="utf-8")
    with pytest.raises(StaleSiteError) as caught:
        document.save()
    assert str(site_file) in str(caught.value) and "changed on disk since it was read" in str(caught.value)
    assert site_file.read_text(encoding="utf-8") == theirs
    assert backups_of(site_file) == []
    site_file.unlink()
    with pytest.raises(StaleSiteError, match="removed or renamed"):
        document.save()
    assert not site_file.exists()


def test_an_edit_that_would_not_load_is_refused_with_file_line_and_field(site_file: Path) -> None:
    document = SiteDocument.open(site_file)
    document.set_camera("cam-002", group="nowhere")
    with pytest.raises(SiteEditError) as caught:
        document.save()
    [issue] = caught.value.issues
    line = FULL.splitlines().index("    group: g002") + 1  # cam-002's group
    assert (issue.file, issue.line, issue.path) == (site_file, line, "cameras[1].group")
    assert "unknown group 'nowhere'" in issue.message and "nothing was written" in str(caught.value)
    assert site_file.read_text(encoding="utf-8") == FULL and backups_of(site_file) == []


def test_refusals_in_words(site_file: Path) -> None:
    document = SiteDocument.open(site_file)
    with pytest.raises(SiteEditError, match="already has a camera with the id cam-001"):
        document.add_cameras([NEW_CAMERA.model_copy(update={"id": "cam-001"})])
    with pytest.raises(SiteEditError, match="the camera id cam-101 is given twice"):
        document.add_cameras([NEW_CAMERA, NEW_CAMERA])
    with pytest.raises(SiteEditError, match="has no camera with the id 'cam-999'"):
        document.set_camera("cam-999", enabled=False)
    with pytest.raises(SiteEditError, match="passwords are never written"):
        document.update_camera("cam-001", {"credentials": {"password": SecretStr("secret")}})
    assert not document.changed


def test_a_file_with_problems_is_not_opened(site_file: Path) -> None:
    site_file.write_text(FULL.replace("    group: g001\n", "    group: [\n", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        SiteDocument.open(site_file)
    assert str(site_file) in str(caught.value)


def _fail_fsync(monkeypatch: pytest.MonkeyPatch, *, after: int) -> None:
    """The disk fills up: every fsync after the first ``after`` fails with ENOSPC."""
    calls = {"n": 0}
    real = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] > after:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("after", [0, 1], ids=["backup fails", "site write fails"])
def test_a_full_disk_leaves_the_file_whole_and_no_temporary_file(
    site_file: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    document = SiteDocument.open(site_file)
    document.add_cameras([NEW_CAMERA])
    _fail_fsync(monkeypatch, after=after)
    with pytest.raises(OSError) as caught:
        document.save()
    assert caught.value.errno == errno.ENOSPC
    assert site_file.read_text(encoding="utf-8") == FULL
    assert leftovers(site_file.parent) == []
    assert len(backups_of(site_file)) == after  # a backup is whole or absent
    monkeypatch.undo()
    assert document.save().site.camera("cam-101").name == "新点位 球机"  # once there is room again


def test_a_read_only_folder_leaves_the_file_whole(site_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = SiteDocument.open(site_file)
    document.add_cameras([NEW_CAMERA])
    folder = site_file.parent
    if os.name == "posix" and os.geteuid() != 0:
        folder.chmod(0o555)
    else:  # root writes anywhere: the file system says no instead

        def refuse(*args: Any, **kwargs: Any) -> Any:
            raise OSError(errno.EROFS, "Read-only file system", str(folder))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        monkeypatch.setattr(Path, "mkdir", refuse)
    try:
        with pytest.raises(OSError):
            document.save()
    finally:
        folder.chmod(0o755)
    assert site_file.read_text(encoding="utf-8") == FULL
    assert sorted(p.name for p in folder.iterdir()) == ["site.yaml"]


def test_backups_are_timestamped_and_bounded(site_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_writer, "BACKUPS_KEPT", 3)
    document = SiteDocument.open(site_file)
    versions = []
    for number in range(5):
        versions.append(site_file.read_text(encoding="utf-8"))
        document.set(("detection", "revisit_s"), 40 + number)
        document.save()
    kept = backups_of(site_file)
    assert [p.read_text(encoding="utf-8") for p in kept] == versions[-3:]  # the newest three, in order
    assert all(p.name.startswith("site.") and p.suffix == ".yaml" for p in kept)


def test_line_endings_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    raw = b"\xef\xbb\xbf" + FULL.replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(raw)
    document = SiteDocument.open(path)
    document.set_camera("cam-002", ptz=NEW_PTZ)
    document.save()
    expected = edited(FULL, [("    enabled: false   # being", NEW_PTZ_TEXT + "    enabled: false   # being")])
    assert path.read_bytes() == b"\xef\xbb\xbf" + expected.replace("\n", "\r\n").encode("utf-8")


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_linked_site_file_stays_a_link(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "site.yaml"
    real.write_text(FULL, encoding="utf-8")
    link = tmp_path / "site.yaml"
    link.symlink_to(real)
    result = add_to_site(link, [NEW_CAMERA])
    assert link.is_symlink() and "cam-101" in real.read_text(encoding="utf-8")
    assert result.site.camera("cam-101").name == "新点位 球机" and backups_of(real) != []


def test_an_empty_list_and_a_missing_section_are_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("# small\nsite:\n  name: 小站   # a name\ncameras: []   # none yet\n", encoding="utf-8")
    result = add_to_site(path, [NEW_CAMERA.model_copy(update={"group": "g1"})], [Group(id="g1", name="一")])
    text = path.read_text(encoding="utf-8")
    assert text.startswith(
        "# small\nsite:\n  name: 小站   # a name\ngroups:\n  - id: g1\n    name: 一\n"
        "cameras:   # none yet\n  - id: cam-101\n"
    )
    assert [c.id for c in result.site.cameras] == ["cam-101"]
    document = SiteDocument.open(path)
    document.remove_camera("cam-101")
    document.save()
    assert "cameras: []" in path.read_text(encoding="utf-8")
    assert load_site(path, resolve_secrets=False).cameras == ()


def test_save_as_another_folder_keeps_relative_paths_pointing_at_the_same_files(
    site_file: Path, tmp_path: Path
) -> None:
    other = tmp_path / "elsewhere" / "copy.yaml"
    other.parent.mkdir()
    document = SiteDocument.open(site_file)
    document.add_cameras([NEW_CAMERA])
    result = document.save(other)
    clip = result.site.camera("cam-003").source
    assert isinstance(clip, FileSource) and clip.path == site_file.parent / "clips" / "dagu.mp4"
    assert result.site.site.shared_views == site_file.parent / "views" / "shared_views.json"
    assert result.site.detection.evidence_dir == site_file.parent / "evidence"
    assert site_file.read_text(encoding="utf-8") == FULL  # the original is not touched


def test_create_site_backs_up_what_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text("# old\nsite: {name: old}\n", encoding="utf-8")
    site = SiteConfig(site={"name": "新"}, cameras=(NEW_CAMERA.model_copy(update={"group": None}),))
    result = create_site(site, path)
    assert (
        result.backup is not None
        and result.backup.read_text(encoding="utf-8") == "# old\nsite: {name: old}\n"
    )
    assert load_site(path, resolve_secrets=False) == site
    shutil.rmtree(tmp_path / BACKUP_FOLDER)
    create_site(site, path, backup=False)
    assert not (tmp_path / BACKUP_FOLDER).exists()


CAMERA_IDS = ["cam-001", "cam-002", "cam-003"]


@pytest.mark.parametrize("source", CAMERA_IDS)
@pytest.mark.parametrize("target", CAMERA_IDS)
def test_a_camera_replaced_by_any_other_reads_back_as_given_and_nothing_else_changes(
    site_file: Path, target: str, source: str
) -> None:
    before = load_site(site_file, resolve_secrets=False)
    wanted = before.camera(source).model_copy(update={"id": target, "group": before.camera(target).group})
    document = SiteDocument.open(site_file)
    document.replace_camera(wanted)
    document.save()
    after = load_site(site_file, resolve_secrets=False)
    assert after.camera(target) == wanted
    assert after.model_copy(update={"cameras": ()}) == before.model_copy(update={"cameras": ()})
    assert [c for c in after.cameras if c.id != target] == [c for c in before.cameras if c.id != target]
