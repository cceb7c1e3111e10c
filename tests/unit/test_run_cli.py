"""`citywall demo|run` options: a window size is read as WxH; a bad one (or length) is refused up front."""

from __future__ import annotations

import pytest

from app.cli import build_parser
from app.commands.common import run_options


def test_size_is_optional_and_read_as_width_by_height() -> None:
    parser = build_parser()
    assert run_options(parser.parse_args(["demo"])).size is None  # as the operator left it
    assert run_options(parser.parse_args(["demo", "--size", "1920x1080"])).size == (1920, 1080)


@pytest.mark.parametrize("bad", ["1920", "1920x", "x1080", "0x1080", "wide x tall"])
def test_a_bad_size_is_refused_naming_the_option(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["demo", "--size", bad])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--size" in err and "like 1600x900" in err


def test_demo_scene_seconds_are_the_demos_unless_given_and_above_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = build_parser()
    assert parser.parse_args(["demo"]).scene_seconds is None  # the 180 s scenes the timings hold for
    assert parser.parse_args(["demo", "--scene-seconds", "18"]).scene_seconds == 18.0
    with pytest.raises(SystemExit) as stop:
        parser.parse_args(["demo", "--scene-seconds", "0"])
    assert stop.value.code == 2
    assert "--scene-seconds: must be above 0 s, not 0" in capsys.readouterr().err
