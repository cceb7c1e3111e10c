"""PTZ arithmetic: ONVIF generic spaces <-> degrees and magnification, wrap-around, head motion, views."""

from __future__ import annotations

import math

import pytest

from app.adapters.onvif.client import choose_profiles, rebase_stream_uri, rebase_xaddr
from app.adapters.onvif.errors import OnvifConfigError, OnvifNotSupported, scrub
from app.adapters.onvif.types import MediaProfile
from app.core import ptz_geometry as geo
from app.core.ptz_port import PtzStatus
from app.demo.panorama import HFOV_WIDE_DEG, TILE_WIDTH, WRAP_MARGIN, ViewRect, view_rect
from app.demo.ptz_model import HeadSpeeds, PtzHead

HEAD = geo.HeadRange()  # pan -180..180 (wraps), tilt -30..90 below the horizon, zoom 1..20


# -- generic position space ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("deg", "generic"), [(-180.0, -1.0), (-90.0, -0.5), (0.0, 0.0), (90.0, 0.5), (179.999, 0.99999)]
)
def test_pan_degrees_to_generic_and_back(deg: float, generic: float) -> None:
    assert HEAD.pan_to_generic(deg) == pytest.approx(generic, abs=1e-4)
    assert HEAD.pan_from_generic(generic) == pytest.approx(deg, abs=1e-3)


def test_pan_wraps_around_the_full_circle() -> None:
    assert HEAD.pan_wraps
    assert HEAD.pan_to_generic(190.0) == pytest.approx(HEAD.pan_to_generic(-170.0))
    assert HEAD.pan_to_generic(360.0 + 45.0) == pytest.approx(0.25)
    # generic +1 and -1 are the same direction on a 360-degree head
    assert geo.wrap_degrees(HEAD.pan_from_generic(1.0)) == pytest.approx(
        geo.wrap_degrees(HEAD.pan_from_generic(-1.0))
    )
    assert geo.wrap_generic_pan(1.2) == pytest.approx(-0.8)
    assert geo.wrap_degrees(540.0) == pytest.approx(-180.0)


def test_shortest_pan_delta_crosses_the_seam() -> None:
    assert geo.shortest_pan_delta(170.0, -170.0) == pytest.approx(20.0)
    assert geo.shortest_pan_delta(-170.0, 170.0) == pytest.approx(-20.0)
    assert geo.shortest_pan_delta(10.0, 100.0) == pytest.approx(90.0)


def test_a_limited_pan_head_does_not_wrap() -> None:
    limited = geo.HeadRange(pan_min=-170.0, pan_max=170.0)
    assert not limited.pan_wraps
    assert limited.pan_to_generic(175.0) == pytest.approx(1.0)  # clamped, not wrapped
    assert limited.pan_from_generic(1.0) == pytest.approx(170.0)


@pytest.mark.parametrize(("deg", "generic"), [(-30.0, 1.0), (30.0, 0.0), (90.0, -1.0), (60.0, -0.5)])
def test_tilt_generic_plus_one_is_up(deg: float, generic: float) -> None:
    # Degrees below the horizon (dome convention): the highest view is the smallest angle.
    assert HEAD.tilt_to_generic(deg) == pytest.approx(generic)
    assert HEAD.tilt_from_generic(generic) == pytest.approx(deg)


def test_tilt_and_zoom_clamp_at_their_limits() -> None:
    assert HEAD.tilt_to_generic(120.0) == -1.0
    assert HEAD.tilt_from_generic(-3.0) == 90.0
    assert HEAD.zoom_to_generic(40.0) == 1.0
    assert HEAD.zoom_to_generic(0.5) == 0.0


@pytest.mark.parametrize(("mag", "generic"), [(1.0, 0.0), (20.0, 1.0), (10.5, 0.5)])
def test_zoom_magnification_maps_linearly_to_generic(mag: float, generic: float) -> None:
    assert HEAD.zoom_to_generic(mag) == pytest.approx(generic)
    assert HEAD.zoom_from_generic(generic) == pytest.approx(mag)


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError, match="not a number"):
        HEAD.pan_to_generic(math.nan)


# -- translation, velocity, speed ----------------------------------------------------------------------
def test_translation_is_a_fraction_of_the_full_travel() -> None:
    assert HEAD.pan_translation_deg(0.25) == pytest.approx(90.0)  # 1 = the full 360 degrees
    assert HEAD.tilt_translation_deg(0.5) == pytest.approx(-60.0)  # up: the angle below horizon shrinks
    assert HEAD.zoom_translation(-1.0) == pytest.approx(-19.0)
    assert HEAD.pan_translation_deg(3.0) == pytest.approx(360.0)  # clamped to -1..1


def test_translate_wraps_pan_and_stops_tilt_and_zoom_at_limits() -> None:
    pan, tilt, zoom = HEAD.translate(170.0, 80.0, 19.0, dx=1 / 18, dy=-0.5, dz=0.5)
    assert pan == pytest.approx(-170.0)  # +20 degrees across the seam
    assert tilt == 90.0  # down by 60, stopped at straight down
    assert zoom == 20.0


def test_velocity_and_speed_are_clamped() -> None:
    assert geo.velocity(1.5) == 1.0 and geo.velocity(-2) == -1.0
    assert geo.speed(-0.1) == 0.0 and geo.speed(0.4) == 0.4


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(ValueError):
        geo.HeadRange(zoom_min=5.0, zoom_max=1.0)


# -- the simulated head's motion (fake clock: no sleeping) -----------------------------------------------
def head() -> PtzHead:
    return PtzHead(
        HEAD, HeadSpeeds(pan_deg_s=90.0, tilt_deg_s=60.0, zoom_per_s=6.0), position=(0.0, 30.0, 1.0)
    )


def test_absolute_move_takes_time_proportional_to_distance() -> None:
    h = head()
    h.go_to(10.0, pan=90.0, tilt=None, zoom=None)
    assert h.state(10.5).pan == pytest.approx(45.0) and h.state(10.5).pan_tilt_moving
    assert h.state(11.0).pan == pytest.approx(90.0) and not h.state(11.0).pan_tilt_moving
    h.go_to(11.0, pan=None, tilt=None, zoom=7.0, zoom_speed=0.5)  # 6 steps at 3/s: 2 s
    assert h.state(12.0).zoom == pytest.approx(4.0) and h.state(12.0).zoom_moving
    assert not h.state(13.0).zoom_moving


def test_absolute_pan_takes_the_short_way_across_the_seam() -> None:
    h = PtzHead(HEAD, position=(170.0, 30.0, 1.0))
    h.go_to(0.0, pan=-170.0, tilt=None, zoom=None)
    mid = h.state(10.0 / 90.0).pan  # 10 degrees later: at the seam
    assert abs(abs(mid) - 180.0) < 1e-6
    assert h.state(1.0).pan == pytest.approx(-170.0)


def test_continuous_move_honours_the_timeout_and_stop() -> None:
    h = head()
    h.drive(0.0, pan=0.5, tilt=None, zoom=None, timeout_s=1.0)  # 45 deg/s for 1 s
    assert h.state(0.5).pan_tilt_moving and h.state(0.5).pan == pytest.approx(22.5)
    assert not h.state(1.2).pan_tilt_moving and h.state(1.2).pan == pytest.approx(45.0)
    h.drive(2.0, pan=-1.0, tilt=None, zoom=None, timeout_s=None)
    h.stop(2.5)
    assert h.state(3.0).pan == pytest.approx(0.0) and not h.state(3.0).pan_tilt_moving


def test_continuous_tilt_up_stops_at_the_limit() -> None:
    h = head()
    h.drive(0.0, pan=0.0, tilt=1.0, zoom=None, timeout_s=10.0)  # up at 60 deg/s from 30 below
    assert h.state(0.5).tilt == pytest.approx(0.0)
    assert h.state(2.0).tilt == pytest.approx(-30.0)
    assert not h.state(2.0).pan_tilt_moving  # halted against the limit, though the timeout runs


def test_relative_pan_can_turn_more_than_half_a_circle() -> None:
    h = head()
    h.go_by(0.0, dx=0.75, dy=0.0, dz=0.0)  # 270 degrees clockwise, 3 s at 90 deg/s
    assert h.state(1.0).pan == pytest.approx(90.0)
    assert h.state(3.0).pan == pytest.approx(-90.0) and not h.state(3.0).pan_tilt_moving


def test_stop_of_one_axis_group_leaves_the_other() -> None:
    h = head()
    h.drive(0.0, pan=1.0, tilt=None, zoom=1.0, timeout_s=None)
    h.stop(0.1, pan_tilt=False, zoom=True)
    s = h.state(0.2)
    assert s.pan_tilt_moving and not s.zoom_moving


# -- the virtual PTZ view over the panorama --------------------------------------------------------------
def test_view_narrows_with_zoom_and_keeps_16_by_9() -> None:
    wide, tele = view_rect(0.0, 30.0, 1.0), view_rect(0.0, 30.0, 10.0)
    assert wide.w == pytest.approx(HFOV_WIDE_DEG / 360.0)
    assert tele.w == pytest.approx(wide.w / 10.0)
    width_px, height_px = wide.w * TILE_WIDTH, wide.h * 576
    assert width_px / height_px == pytest.approx(16 / 9)
    assert wide.w * TILE_WIDTH <= WRAP_MARGIN  # the widest view always fits in the wrap margin


def test_view_follows_pan_and_wraps() -> None:
    centre = view_rect(0.0, 30.0, 1.0)
    assert centre.x + centre.w / 2 == pytest.approx(0.25)  # pan 0: the centre of the real footage
    right = view_rect(90.0, 30.0, 1.0)
    assert right.x - centre.x == pytest.approx(0.25)
    seam = view_rect(-90.0, 30.0, 1.0)  # centred on the panorama's wrap point
    assert 0.0 <= seam.x < 1.0 and seam.x == pytest.approx(1.0 - seam.w / 2)


def test_view_tilt_moves_from_top_to_bottom() -> None:
    up, down = view_rect(0.0, -30.0, 1.0), view_rect(0.0, 90.0, 1.0)
    assert up.y == pytest.approx(0.0)
    assert down.y + down.h == pytest.approx(1.0)
    assert ViewRect(0.1, 0.2, 0.3, 0.4).as_list() == [0.1, 0.2, 0.3, 0.4]


# -- profile choice, NAT rewriting, messages -------------------------------------------------------------
def profile(token: str, w: int | None, h: int | None, ptz: bool = False) -> MediaProfile:
    return MediaProfile(token, token, "H264" if w else None, w, h, 25.0, "ptz" if ptz else None)


def test_main_is_the_highest_resolution_and_sub_the_lowest_at_least_320_wide() -> None:
    profiles = [
        profile("mid", 704, 576),
        profile("tiny", 176, 144),
        profile("big", 1920, 1080),
        profile("cif", 352, 288),
    ]
    main, sub = choose_profiles(profiles)
    assert (main.token, sub.token if sub else None) == ("big", "cif")
    only = profile("only", 1280, 720)
    assert choose_profiles([only]) == (only, None)
    main, sub = choose_profiles(profiles, main_token="mid", sub_token="tiny")
    assert (main.token, sub and sub.token) == ("mid", "tiny")


def test_profiles_without_video_are_not_chosen_and_unknown_tokens_are_named() -> None:
    main, _ = choose_profiles([profile("audio", None, None), profile("video", 640, 360)])
    assert main.token == "video"
    with pytest.raises(OnvifConfigError, match=r"no media profile 'nope' \(it has: a\)"):
        choose_profiles([profile("a", 640, 360)], main_token="nope")
    with pytest.raises(OnvifNotSupported):
        choose_profiles([])


def test_xaddrs_of_a_camera_behind_nat_are_rebased_on_the_configured_endpoint() -> None:
    endpoint = "http://203.0.113.5:8080/onvif/device_service"
    assert rebase_xaddr("http://192.168.1.64/onvif/PTZ", endpoint) == "http://203.0.113.5:8080/onvif/PTZ"
    assert (
        rebase_xaddr("http://203.0.113.5:8999/onvif/Media", endpoint) == "http://203.0.113.5:8999/onvif/Media"
    )
    assert (
        rebase_xaddr("http://[fe80::1]/x?y=1", "http://[2001:db8::5]:81/d") == "http://[2001:db8::5]:81/x?y=1"
    )
    assert (
        rebase_stream_uri("rtsp://192.168.1.64:554/Streaming/101", endpoint)
        == "rtsp://203.0.113.5:554/Streaming/101"
    )


def test_scrub_removes_secrets_and_control_characters() -> None:
    assert scrub("login pw=S3cret!\x00failed", ["S3cret!", None, ""]) == "login pw=*** failed"


def test_status_idle_and_moving() -> None:
    assert PtzStatus(None, "IDLE", "IDLE").idle
    assert PtzStatus(None, "IDLE", "UNKNOWN").idle
    assert not PtzStatus(None, "UNKNOWN", "UNKNOWN").idle
    assert PtzStatus(None, "IDLE", "MOVING").moving and not PtzStatus(None, "IDLE", "MOVING").idle
