"""The joystick mapping: raw axes to a PTZ velocity (dead zone, curve, steps, inversion, presets)."""

from __future__ import annotations

import math

import pytest

from app.core.ptz_port import PtzVector
from app.ui.ptz.joystick import (
    DEFAULT_MAPPING,
    JoystickMapping,
    axes_to_velocity,
    axis_speed,
    pressed_presets,
)


def test_a_centred_stick_asks_for_nothing() -> None:
    assert axes_to_velocity((0.0, 0.0, 0.0)) is None
    assert axes_to_velocity((0.1, -0.14, 0.05)) is None  # inside the dead zone: a resting hand
    assert axes_to_velocity(()) is None  # a device without axes


def test_full_travel_is_full_speed_in_each_direction() -> None:
    assert axes_to_velocity((1.0, 0.0, 0.0)) == PtzVector(1.0, 0.0, 0.0)
    assert axes_to_velocity((-1.0, 0.0, 0.0)) == PtzVector(-1.0, 0.0, 0.0)
    # SDL reports forward as negative: forward tilts up.
    assert axes_to_velocity((0.0, -1.0, 0.0)) == PtzVector(0.0, 1.0, 0.0)
    assert axes_to_velocity((0.0, 1.0, 0.0)) == PtzVector(0.0, -1.0, 0.0)
    assert axes_to_velocity((0.0, 0.0, 1.0)) == PtzVector(0.0, 0.0, 1.0)
    assert axes_to_velocity((0.0, 0.0, -1.0)) == PtzVector(0.0, 0.0, -1.0)


def test_the_speed_grows_smoothly_and_gently_near_the_centre() -> None:
    speeds = [axis_speed(x / 100) for x in range(0, 101)]
    assert speeds == sorted(speeds) and speeds[0] == 0.0 and speeds[-1] == 1.0
    assert axis_speed(0.16) == DEFAULT_MAPPING.step  # just past the dead zone: moves, gently
    assert axis_speed(0.5) < 0.5  # the curve leaves room for fine control
    assert all(math.isclose(s / 0.05, round(s / 0.05)) for s in speeds)  # whole steps: no jitter
    assert axis_speed(-0.5) == -axis_speed(0.5)


def test_small_tremors_do_not_change_the_velocity() -> None:
    assert axes_to_velocity((0.60, 0.0, 0.0)) == axes_to_velocity((0.61, 0.0, 0.0))


def test_out_of_range_and_broken_readings_are_safe() -> None:
    assert axis_speed(1.7) == 1.0 and axis_speed(-3.0) == -1.0
    assert axis_speed(float("nan")) == 0.0 and axis_speed(float("inf")) == 0.0


def test_missing_axes_read_as_centred_and_zoom_can_be_off() -> None:
    assert axes_to_velocity((0.0, -1.0)) == PtzVector(0.0, 1.0, 0.0)  # a two-axis stick
    no_zoom = JoystickMapping(zoom_axis=None)
    assert axes_to_velocity((1.0, 0.0, 1.0), no_zoom) == PtzVector(1.0, 0.0, None)
    assert axes_to_velocity((0.0, 0.0, 1.0), no_zoom) is None


def test_the_mapping_is_configurable() -> None:
    mapping = JoystickMapping(
        pan_axis=3, tilt_axis=4, zoom_axis=0, invert_tilt=False, invert_zoom=True, max_speed=0.5, step=0
    )
    velocity = axes_to_velocity((1.0, 0.0, 0.0, -1.0, 1.0), mapping)
    assert velocity == PtzVector(-0.5, 0.5, -0.5)
    linear = JoystickMapping(dead_zone=0.0, curve=1.0, step=0.0)
    assert axis_speed(0.3, linear) == pytest.approx(0.3)


@pytest.mark.parametrize(
    "bad",
    [{"dead_zone": 1.0}, {"dead_zone": -0.1}, {"curve": 0.0}, {"max_speed": 0.0}, {"step": 2.0}],
)
def test_a_nonsense_mapping_is_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        JoystickMapping(**bad)  # type: ignore[arg-type]


def test_buttons_call_presets_on_the_way_down() -> None:
    assert pressed_presets(frozenset(), frozenset({0})) == [1]
    assert pressed_presets(frozenset({0}), frozenset({0})) == []  # held: once
    assert pressed_presets(frozenset({0}), frozenset({0, 4, 2})) == [3, 5]
    custom = JoystickMapping(preset_buttons=(5, 6))
    assert pressed_presets(frozenset(), frozenset({0, 6}), custom) == [2]
