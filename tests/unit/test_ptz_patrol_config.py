"""`ptz.patrol` and `ptz.lock_minutes_default` in the site configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from camera_config.issues import ConfigError
from camera_config.loader import load_site, save_site
from camera_config.models import WEEKDAYS, Patrol, PatrolStep, PatrolWindow, PtzSettings

ENDPOINT = "http://10.0.0.5/onvif/device_service"


def test_defaults() -> None:
    ptz = PtzSettings(endpoint=ENDPOINT)
    assert ptz.patrol is None and ptz.lock_minutes_default == 10
    patrol = Patrol.model_validate({"steps": [{"preset": "1", "dwell_s": 30}]})
    assert patrol.schedule == () and patrol.resume_after_s == 30.0
    assert patrol.steps == (PatrolStep(preset="1", dwell_s=30),)
    assert PatrolWindow(start="08:00", end="18:00").days == WEEKDAYS


def test_every_field() -> None:
    ptz = PtzSettings.model_validate(
        {
            "endpoint": ENDPOINT,
            "lock_minutes_default": 30,
            "patrol": {
                "steps": [{"preset": "全景", "dwell_s": 60}, {"preset": "3", "dwell_s": 5.5}],
                "schedule": [
                    {"days": ["Mon", "tue", " wed "], "start": "07:30", "end": "19:00"},
                    {"days": "sat", "start": "22:00", "end": "06:00"},
                ],
                "resume_after_s": 0,
            },
        }
    )
    assert ptz.patrol is not None and ptz.lock_minutes_default == 30
    day, night = ptz.patrol.schedule
    assert day.days == ("mon", "tue", "wed") and (day.start_minute, day.end_minute) == (450, 1140)
    assert not day.overnight and night.overnight and night.days == ("sat",)
    assert ptz.patrol.resume_after_s == 0


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"start": "8:5", "end": "09:00"}, "must be written HH:MM (00:00 to 23:59), e.g. '08:30'; got '8:5'"),
        ({"start": "25:00", "end": "09:00"}, "got '25:00'"),
        ({"start": "24:00", "end": "09:00"}, "(00:00 to 23:59)"),
        ({"start": "08:00", "end": "12:60"}, "(00:00 to 23:59, or 24:00 for an end)"),
        ({"start": "noon", "end": "13:00"}, "got 'noon'"),
        ({"start": 1350, "end": "23:00"}, "1350: YAML reads an unquoted HH:MM as a number (probably '22:30"),
        ({"start": "08:00", "end": "08:00"}, "window ends when it starts (08:00); for a whole day"),
        ({"start": "00:00", "end": "24:00", "days": []}, "at least 1 item"),
        ({"start": "00:00", "end": "24:00", "days": ["monday"]}, "'wed', 'thu', 'fri', 'sat' or 'sun'"),
        ({"start": "00:00", "end": "24:00", "days": ["mon", "Mon"]}, "each day once; repeated: mon"),
    ],
)  # fmt: skip
def test_bad_windows_say_what_is_wrong(window: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PatrolWindow.model_validate(window)
    assert message in str(caught.value)


def test_over_midnight_and_whole_day_windows_are_allowed() -> None:
    night = PatrolWindow(days=("fri",), start="22:00", end="06:00")
    assert night.overnight and (night.start_minute, night.end_minute) == (1320, 360)
    whole = PatrolWindow(start="00:00", end="24:00")
    assert not whole.overnight and whole.end_minute == 1440
    to_midnight = PatrolWindow(start="18:00", end="00:00")  # 00:00 as an end: over midnight, to 24:00
    assert to_midnight.overnight


@pytest.mark.parametrize(
    ("patrol", "message"),
    [
        ({"steps": []}, "at least 1 item"),
        ({"steps": [{"preset": "1", "dwell_s": 4}]}, "greater than or equal to 5"),
        ({"steps": [{"preset": "1", "dwell_s": 3601}]}, "less than or equal to 3600"),
        ({"steps": [{"preset": "", "dwell_s": 10}]}, "at least 1 character"),
        ({"steps": [{"preset": "1"}]}, "Field required"),
        ({"steps": [{"preset": "1", "dwell_s": 10}], "resume_after_s": -1}, "greater than or equal to 0"),
        ({"steps": [{"preset": "1", "dwell_s": 10}], "speed": 1}, "Extra inputs are not permitted"),
    ],
)
def test_bad_patrols_are_refused(patrol: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Patrol.model_validate(patrol)
    assert message in str(caught.value)


def test_lock_minutes_are_bounded() -> None:
    for bad in (0, 721):
        with pytest.raises(ValidationError):
            PtzSettings(endpoint=ENDPOINT, lock_minutes_default=bad)


SITE = """
site: {{name: 测试站点}}
cameras:
  - id: cam001
    name: 人民路口 球机
    source: {{kind: rtsp, main: "rtsp://10.0.0.5/Streaming/101"}}
    ptz:
      endpoint: http://10.0.0.5/onvif/device_service
      lock_minutes_default: 15
      patrol:
        steps:
          - {{preset: 全景, dwell_s: 30}}
          - {{preset: "2", dwell_s: 20}}
        schedule:
          - days: [fri, sat]
            start: {start}
            end: "06:00"
"""


def test_unquoted_time_in_the_site_file_is_pointed_at(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(SITE.format(start="22:30"), encoding="utf-8")  # YAML reads 1350
    with pytest.raises(ConfigError) as caught:
        load_site(path, {})
    (issue,) = caught.value.issues
    assert (issue.line, issue.path) == (16, "cameras[0].ptz.patrol.schedule[0].start")
    assert "probably '22:30'" in issue.message


def test_site_file_round_trip_keeps_times_as_text(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(SITE.format(start='"22:30"'), encoding="utf-8")
    site = load_site(path, {})
    ptz = site.camera("cam001").ptz
    assert ptz is not None and ptz.patrol is not None and ptz.lock_minutes_default == 15
    assert ptz.patrol.schedule[0].overnight
    save_site(site, tmp_path / "again.yaml")
    written = (tmp_path / "again.yaml").read_text(encoding="utf-8")
    assert "'22:30'" in written and "patrol:" in written
    assert load_site(tmp_path / "again.yaml", {}) == site
