"""Zones edited in CityWall: layered per (camera, preset) over the site file's, atomic, damage kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.zone_store import ZoneStore, site_with_zones, site_zones, zone_file_beside
from camera_config.models import Camera, CameraDetection, RtspSource, SiteConfig, SiteInfo, ZoneSpec

SQUARE = ((0.1, 0.5), (0.6, 0.5), (0.6, 0.9), (0.1, 0.9))


def zone(zone_id: str, preset: str | None = None, **extra: object) -> ZoneSpec:
    return ZoneSpec.model_validate({"id": zone_id, "preset": preset, "polygon": SQUARE, **extra})


def bin_zone(zone_id: str, preset: str | None = None) -> ZoneSpec:
    polygon = ((0.7, 0.6), (0.8, 0.6), (0.8, 0.8), (0.7, 0.8))
    return ZoneSpec(id=zone_id, kind="bin", preset=preset, polygon=polygon, overflow_line=0.57)


def camera(camera_id: str, zones: tuple[ZoneSpec, ...] = ()) -> Camera:
    return Camera(
        id=camera_id,
        name=camera_id,
        source=RtspSource(main=f"rtsp://10.0.0.5/{camera_id}"),
        detection=CameraDetection(zones=zones) if zones else None,
    )


@pytest.fixture
def site() -> SiteConfig:
    return SiteConfig(
        site=SiteInfo(name="示范区"),
        cameras=(
            camera("fixed", (zone("z1", name="北门"),)),
            camera("dome", (zone("p1-a", "1"), zone("p2-a", "2"))),
            camera("plain"),
        ),
    )


def test_site_zones_are_the_defaults(site: SiteConfig, tmp_path: Path) -> None:
    store = ZoneStore.for_site(site, tmp_path / "zones.json")
    assert store.problems == []
    assert [z.id for z in store.zones("fixed")] == ["z1"]
    assert store.zones_at("dome", "2") == (zone("p2-a", "2"),)
    assert store.zones("plain") == () and store.zones("unknown") == ()
    assert site_zones(site)["dome"] == store.configured("dome")
    assert zone_file_beside(tmp_path / "views" / "shared_views.json") == tmp_path / "views" / "zones.json"


def test_saving_one_preset_replaces_only_that_preset(site: SiteConfig, tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    store = ZoneStore.for_site(site, path)
    effect = store.save("dome", "1", [zone("p1-b", "1"), bin_zone("bin-1", "1")])
    assert [z.id for z in effect] == ["p2-a", "p1-b", "bin-1"]
    assert store.is_overridden("dome", "1") and not store.is_overridden("dome", "2")
    # another workstation reads the same file
    other = ZoneStore.for_site(site, path)
    assert other.zones("dome") == effect
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["cameras"]["dome"][0]["preset"] == "1"
    # an empty list is "no zones here", not "the site file's"
    store.save("fixed", None, [])
    assert ZoneStore.for_site(site, path).zones("fixed") == ()
    assert store.reset("fixed", None) == (zone("z1", name="北门"),)
    assert store.overridden() == [("dome", "1")]


def test_saves_keep_what_another_workstation_saved_meanwhile(site: SiteConfig, tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    a, b = ZoneStore.for_site(site, path), ZoneStore.for_site(site, path)
    a.save("fixed", None, [zone("n1")])
    b.save("plain", None, [zone("n2")])
    fresh = ZoneStore.for_site(site, path)
    assert [z.id for z in fresh.zones("fixed")] == ["n1"] and [z.id for z in fresh.zones("plain")] == ["n2"]


def test_wrong_preset_and_clashing_ids_are_refused_in_words(site: SiteConfig, tmp_path: Path) -> None:
    store = ZoneStore.for_site(site, tmp_path / "zones.json")
    with pytest.raises(ValueError, match="belongs to preset '2', not preset '1'"):
        store.save("dome", "1", [zone("x", "2")])
    with pytest.raises(ValueError, match="'p2-a' is already used at preset '2'"):
        store.save("dome", "1", [zone("p2-a", "1")])
    with pytest.raises(ValueError, match="used twice"):
        store.save("fixed", None, [zone("a"), zone("a")])
    with pytest.raises(ValueError, match="not in the site"):
        store.save("nope", None, [])
    assert not (tmp_path / "zones.json").exists()


def test_a_damaged_file_is_reported_and_kept_aside_before_the_next_save(
    site: SiteConfig, tmp_path: Path
) -> None:
    path = tmp_path / "zones.json"
    path.write_text('{"version": 1, "cameras": {"fixed": [', encoding="utf-8")
    store = ZoneStore.for_site(site, path)
    assert len(store.problems) == 1 and "not valid JSON" in store.problems[0]
    assert store.zones("fixed") == (zone("z1", name="北门"),)  # the site file's still apply
    store.save("plain", None, [zone("n1")])
    kept = list(tmp_path.glob("zones.damaged-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith('{"version": 1')
    assert store.kept_damaged == kept[0]
    assert store.problems == [] and ZoneStore.for_site(site, path).problems == []


def test_an_invalid_zone_names_file_camera_preset_and_field(site: SiteConfig, tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    good = zone("ok", "1").model_dump(mode="json")
    bad = {**bin_zone("b", "2").model_dump(mode="json"), "overflow_line": None}
    data = {
        "version": 1,
        "cameras": {"dome": [{"preset": "1", "zones": [good]}, {"preset": "2", "zones": [bad]}]},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    store = ZoneStore.for_site(site, path)
    assert len(store.problems) == 1
    assert "cameras.dome[1].zones[0]" in store.problems[0] and "overflow_line" in store.problems[0]
    assert [z.id for z in store.zones("dome")] == ["p2-a", "ok"]  # the valid entry still applies


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"version": 2, "cameras": {}}', "unknown format version 2"),
        ("[]", "top level must be an object"),
        ('{"version": 1, "cameras": {"dome": [{"preset": "1", "zones": [{"id": "a", "preset": "2", '
         '"polygon": [[0, 0], [1, 0], [1, 1]]}]}]}}', "says preset '2' inside the entry of preset '1'"),
    ],
)  # fmt: skip
def test_wrong_shapes_of_the_file_are_problems(
    site: SiteConfig, tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "zones.json"
    path.write_text(text, encoding="utf-8")
    store = ZoneStore.for_site(site, path)
    assert any(words in p for p in store.problems), store.problems


def test_an_id_the_site_file_took_meanwhile_is_renamed_and_said(site: SiteConfig, tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    ZoneStore.for_site(site, path).save("dome", "1", [zone("shared", "1")])
    later = site.model_copy(
        update={"cameras": (site.cameras[0], camera("dome", (zone("shared", "2"),)), site.cameras[2])}
    )
    store = ZoneStore.for_site(later, path)
    assert [z.id for z in store.zones("dome")] == ["shared", "shared-2"]
    assert any("used as 'shared-2'" in p for p in store.problems)
    CameraDetection(zones=store.zones("dome"))  # valid for the detection worker


def test_unknown_cameras_are_kept_but_reported(site: SiteConfig, tmp_path: Path) -> None:
    path = tmp_path / "zones.json"
    data = {"version": 1, "cameras": {"gone": [{"preset": None, "zones": []}]}}
    path.write_text(json.dumps(data), encoding="utf-8")
    store = ZoneStore.for_site(site, path)
    assert any("'gone' is not in the site file" in p for p in store.problems)
    store.save("plain", None, [zone("n1")])
    assert "gone" in json.loads(path.read_text(encoding="utf-8"))["cameras"]


def test_a_failed_write_leaves_the_file_as_it_was(
    site: SiteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "zones.json"
    store = ZoneStore.for_site(site, path)
    store.save("plain", None, [zone("n1")])
    before = path.read_text(encoding="utf-8")

    def disk_full(_fd: int) -> None:  # the disk fills while the new file is flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.adapters.json_store.os.fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.save("plain", None, [zone("n2")])
    assert path.read_text(encoding="utf-8") == before
    assert [z.id for z in store.zones("plain")] == ["n1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones.json", "zones.json.lock"]  # no temp left


def test_site_with_zones_gives_the_worker_the_zones_in_effect(site: SiteConfig, tmp_path: Path) -> None:
    store = ZoneStore.for_site(site, tmp_path / "zones.json")
    store.save("plain", None, [zone("n1")])
    effective = site_with_zones(site, store)
    assert [z.id for z in effective.camera("plain").detection.zones] == ["n1"]  # type: ignore[union-attr]
    assert effective.camera("fixed") == site.camera("fixed")
