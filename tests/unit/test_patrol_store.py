"""Patrols saved in CityWall: layered over the site file's, shared, atomic, and never lost silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.services.patrol_store import PatrolStore, patrol_file_beside, site_patrols
from camera_config.models import Patrol, SiteConfig

CONFIGURED = Patrol.model_validate({"steps": [{"preset": "1", "dwell_s": 30}]})
EDITED = Patrol.model_validate(
    {
        "steps": [{"preset": "2", "dwell_s": 20}, {"preset": "3", "dwell_s": 45}],
        "schedule": [{"days": ["fri", "sat"], "start": "22:00", "end": "06:00"}],
        "resume_after_s": 60,
    }
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "shared" / "patrols.json"


def store(path: Path) -> PatrolStore:
    s = PatrolStore(path, {"cam001": CONFIGURED, "cam026": None})
    s.load()
    return s


def test_the_site_file_is_the_default_and_a_saved_patrol_overrides_it(path: Path) -> None:
    s = store(path)
    assert (
        s.patrol("cam001") == CONFIGURED
        and s.patrol("cam026") is None
        and s.patrols() == {"cam001": CONFIGURED}
    )
    assert not path.exists() and s.problems == []
    s.save("cam026", EDITED)
    s.save("cam001", None)  # "no patrol", although the site file has one
    again = store(path)  # another workstation, or the next start
    assert again.patrol("cam026") == EDITED and again.patrol("cam001") is None
    assert again.is_overridden("cam001") and again.configured("cam001") == CONFIGURED
    assert again.patrols() == {"cam026": EDITED}
    again.reset("cam001")
    assert store(path).patrol("cam001") == CONFIGURED and not store(path).is_overridden("cam001")


def test_saving_keeps_what_another_workstation_saved_meanwhile(path: Path) -> None:
    mine, theirs = store(path), store(path)
    theirs.save("cam026", EDITED)
    mine.save("cam001", EDITED)
    assert store(path).patrols() == {"cam001": EDITED, "cam026": EDITED}


def test_the_file_is_plain_json_and_written_atomically(path: Path) -> None:
    s = store(path)
    s.save("cam026", EDITED)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["patrols"]["cam026"]["schedule"][0] == {
        "days": ["fri", "sat"],
        "start": "22:00",
        "end": "06:00",
    }
    assert sorted(p.name for p in path.parent.iterdir()) == ["patrols.json", "patrols.json.lock"]  # no temp


def test_a_file_that_is_not_json_is_reported_and_kept_aside_before_the_next_save(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "patrols": {', encoding="utf-8")
    s = store(path)
    assert s.patrol("cam001") == CONFIGURED  # the site file's patrols still apply
    assert len(s.problems) == 1 and "not valid JSON" in s.problems[0] and str(path) in s.problems[0]
    s.save("cam026", EDITED)
    kept = sorted(path.parent.glob("patrols.damaged-*.json"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == '{"version": 1, "patrols": {'
    assert store(path).patrol("cam026") == EDITED and store(path).problems == []


def test_an_invalid_patrol_is_reported_by_camera_and_field(path: Path) -> None:
    path.parent.mkdir(parents=True)
    bad = {"steps": [{"preset": "1", "dwell_s": 2}]}
    path.write_text(
        json.dumps({"version": 1, "patrols": {"cam001": bad, "cam026": EDITED.model_dump(mode="json")}}),
        encoding="utf-8",
    )
    s = store(path)
    assert s.patrol("cam001") == CONFIGURED and s.patrol("cam026") == EDITED
    assert len(s.problems) == 1
    assert "patrols.cam001.steps[0].dwell_s" in s.problems[0] and "5" in s.problems[0]
    s.save("cam026", CONFIGURED)
    assert len(list(path.parent.glob("patrols.damaged-*.json"))) == 1


@pytest.mark.parametrize(
    "text",
    ["[]", '{"version": 1}', '{"version": 7, "patrols": {}}', '{"version": 1, "patrols": []}'],
)
def test_a_file_of_the_wrong_shape_is_damaged(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    s = store(path)
    assert len(s.problems) == 1 and s.patrols() == {"cam001": CONFIGURED}


def test_a_failed_write_leaves_the_file_as_it_was(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = store(path)
    s.save("cam026", EDITED)
    before = path.read_text(encoding="utf-8")

    def full_disk(_fd: int) -> None:  # the disk fills while the new file is flushed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.adapters.json_store.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        s.save("cam001", EDITED)
    assert path.read_text(encoding="utf-8") == before and s.patrol("cam001") == CONFIGURED
    assert not list(path.parent.glob("*.tmp"))


def test_the_store_lives_beside_the_shared_views_and_reads_the_site(tmp_path: Path) -> None:
    assert patrol_file_beside(tmp_path / "views" / "site-views.json") == tmp_path / "views" / "patrols.json"
    site = SiteConfig.model_validate(
        {
            "site": {"name": "示范区"},
            "cameras": [
                {
                    "id": "cam001",
                    "name": "人民路口",
                    "source": {"kind": "rtsp", "main": "rtsp://10.0.0.5/main"},
                    "ptz": {"endpoint": "http://10.0.0.5/onvif/device_service", "patrol": CONFIGURED},
                },
                {"id": "cam002", "name": "东门", "source": {"kind": "rtsp", "main": "rtsp://10.0.0.6/main"}},
            ],
        }
    )
    assert site_patrols(site) == {"cam001": CONFIGURED}
    s = PatrolStore.for_site(site, tmp_path / "patrols.json")
    assert s.patrols() == {"cam001": CONFIGURED}
