"""`ptz:` in the site configuration: a camera's ONVIF PTZ control, validated without I/O."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from camera_config.loader import load_site, save_site
from camera_config.models import Camera, PtzSettings, RtspSource

SECRET = "Pt#z-S3cret!"


def camera(**ptz: object) -> Camera:
    return Camera.model_validate(
        {
            "id": "cam001",
            "name": "人民路口 球机",
            "source": {"kind": "rtsp", "main": "rtsp://10.0.0.5/Streaming/101"},
            "credentials": {"username": "admin", "password_env": "CAM001_PASSWORD"},
            "ptz": ptz,
        },
        context={"env": {"CAM001_PASSWORD": SECRET}},
    )


def test_defaults() -> None:
    cam = camera(endpoint="http://10.0.0.5/onvif/device_service")
    assert cam.ptz == PtzSettings(endpoint="http://10.0.0.5/onvif/device_service")
    assert cam.ptz is not None
    assert (cam.ptz.kind, cam.ptz.auth, cam.ptz.timeout_s, cam.ptz.move_timeout_s) == (
        "onvif",
        "auto",
        3.0,
        1.0,
    )
    assert cam.ptz.rewrite_xaddrs and cam.ptz.profile is None
    assert cam.credentials is not None and cam.credentials.password is not None  # shared with the streams


def test_every_field() -> None:
    cam = camera(
        endpoint="https://cam.example:8443/onvif/device_service",
        profile="Profile_1",
        auth="digest",
        timeout_s=5,
        move_timeout_s=0.5,
        rewrite_xaddrs=False,
    )
    assert cam.ptz is not None and (cam.ptz.auth, cam.ptz.profile, cam.ptz.move_timeout_s) == (
        "digest",
        "Profile_1",
        0.5,
    )


@pytest.mark.parametrize(
    ("ptz", "message"),
    [
        ({"endpoint": "rtsp://10.0.0.5/x"}, "URL scheme must be one of http, https"),
        ({"endpoint": f"http://admin:{SECRET}@10.0.0.5/onvif"}, "must not carry a user name or password"),
        ({"endpoint": "http:///onvif"}, "URL has no host"),
        ({"endpoint": "http://10.0.0.5/onvif", "auth": "basic"}, "'wsse', 'digest' or 'auto'"),
        ({"endpoint": "http://10.0.0.5/onvif", "timeout_s": 0}, "greater than 0"),
        ({"endpoint": "http://10.0.0.5/onvif", "move_timeout_s": 30}, "less than or equal to 10"),
        ({"endpoint": "http://10.0.0.5/onvif", "speed": 1}, "Extra inputs are not permitted"),
        ({}, "Field required"),
    ],
)
def test_invalid_settings_are_refused_without_leaking_the_password(
    ptz: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        camera(**ptz)
    assert message in str(caught.value)
    assert SECRET not in str(caught.value).replace(f"input_value='http://admin:{SECRET}", "")


def test_settings_are_immutable() -> None:
    cam = camera(endpoint="http://10.0.0.5/onvif/device_service")
    assert cam.ptz is not None
    with pytest.raises(ValidationError):
        cam.ptz.timeout_s = 9  # type: ignore[misc]


def test_site_file_round_trip(tmp_path: Path) -> None:
    text = """
site: {name: 测试站点}
cameras:
  - id: cam001
    name: 人民路口 球机
    source: {kind: rtsp, main: "rtsp://10.0.0.5/Streaming/101"}
    credentials: {username: admin, password_env: CAM001_PASSWORD}
    ptz:
      endpoint: http://10.0.0.5/onvif/device_service
      auth: wsse
      timeout_s: 2.5
"""
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    site = load_site(path, {"CAM001_PASSWORD": SECRET})
    ptz = site.camera("cam001").ptz
    assert ptz is not None and (ptz.auth, ptz.timeout_s) == ("wsse", 2.5)
    save_site(site, tmp_path / "again.yaml")
    written = (tmp_path / "again.yaml").read_text(encoding="utf-8")
    assert "ptz:" in written and SECRET not in written
    assert load_site(tmp_path / "again.yaml", {"CAM001_PASSWORD": SECRET}) == site
    assert isinstance(site.camera("cam001").source, RtspSource)


def test_optics_from_the_data_sheet_reach_the_controller() -> None:
    from app.services.ptz_controller import ControllerSettings

    cam = camera(
        endpoint="http://10.0.0.5/onvif/device_service",
        optics={"hfov_wide_deg": 58.9, "zoom_max": 25, "tilt_range_deg": [-15, 90], "aspect": 1.6},
    )
    optics = ControllerSettings.for_camera(cam).optics
    assert (optics.hfov_wide_deg, optics.aspect) == (58.9, 1.6)
    assert (optics.head.zoom_max, optics.head.tilt_min, optics.head.pan_min) == (25, -15, -180)
    default = ControllerSettings.for_camera(camera(endpoint="http://10.0.0.5/onvif/device_service")).optics
    assert (default.hfov_wide_deg, default.head.zoom_max) == (60.0, 20.0)  # a typical 20x dome


@pytest.mark.parametrize(
    ("optics", "message"),
    [
        ({"tilt_range_deg": [90, -30]}, "tilt_range_deg: the first angle must be below the second"),
        ({"pan_range_deg": [-200, 200]}, "pan_range_deg spans more than 360 degrees"),
        ({"hfov_wide_deg": 180}, "less than 180"),
        ({"zoom_max": 1}, "greater than 1"),
    ],
)
def test_impossible_optics_are_refused(optics: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        camera(endpoint="http://10.0.0.5/onvif/device_service", optics=optics)
