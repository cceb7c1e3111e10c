"""The demo's speakers and ladder: a speaker per scene camera, waits that let the ladder run to a
case while the stall still stands, and for the vendor who moves on a wait that lets the detector's
clear come first, "resolved by prompt" (checked by running the core's ladder on the scenes' scripts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time as clock_time
from pathlib import Path

import pytest

from app.core.alerts import Rule
from app.core.voice import DeliveryKind, auto_play_refusal
from app.core.voice_ladder import LadderConfig
from app.demo.scene_clips import SceneClips
from app.demo.scenes import (
    MOVED_ON_ALERT_S,
    MOVED_ON_CLEAR_AFTER_S,
    MOVED_ON_SCRIPT,
    SCENE_CAMERAS,
    BinScript,
    VendingScript,
    add_demo_scenes,
    scene_zones,
)
from app.demo.site import build_demo_site, write_demo_site_yaml
from app.demo.voice_site import (
    LADDER_RECHECK_S,
    LADDER_WAIT_S,
    MOVED_ON_WAIT_S,
    PROMPT_S,
    add_demo_voice,
    ladder_timeline,
    speaker_id,
    speaker_ports,
)
from app.services.voice_config import ladder_config, speakers, voice_policy
from camera_config.loader import load_site_report
from camera_config.models import SiteConfig

BASE = "rtsp://127.0.0.1:8554"
ALERT_AT_S = (78.0, 80.0, 82.0, 84.0)  # the vending alert: 77.8-83.6 s at every phase (bench/demo_scenes.py)
START_LATENCY_S = 0.3  # the goal for a prompt's start


def scene_site() -> SiteConfig:
    clips = SceneClips(Path("unused"), "synthetic", 10, VendingScript(), BinScript(), real_photo=False)
    return add_demo_scenes(build_demo_site(BASE, n_cameras=3), BASE, clips)  # RTSP: no clip is read


def test_each_scene_camera_gets_a_local_rtp_speaker_in_the_written_site_file(tmp_path: Path) -> None:
    site = add_demo_voice(scene_site(), {"scn001": 40000})
    path = tmp_path / "site.yaml"
    write_demo_site_yaml(site, path)
    loaded, warnings = load_site_report(path, {})
    assert warnings == []  # the zones they name are the scene cameras' own
    assert loaded.speakers == site.speakers and loaded.voice == site.voice
    by_id = {s.id: s for s in speakers(loaded)}
    assert set(by_id) == {speaker_id(c.camera_id) for c in SCENE_CAMERAS}
    for scene in SCENE_CAMERAS:
        spk = by_id[speaker_id(scene.camera_id)]
        assert spk.kind is DeliveryKind.RTP and spk.address.startswith("rtp://127.0.0.1:")
        assert spk.cameras == (scene.camera_id,)
        assert set(spk.zones) <= {z.id for z in scene_zones()[scene.key]}
    ports = speaker_ports(loaded)
    assert ports["spk-scn001"] == 40000 and ports["spk-scn002"] not in (0, 40000)
    assert len(set(ports.values())) == len(SCENE_CAMERAS) == 3  # a receiver each
    # the moved-on scene's zone waits longer; the vending scene's keeps the rule's ladder
    stays, moves_on = (
        ladder_config(loaded, Rule.VENDING, "no-vending-1"),
        ladder_config(loaded, Rule.VENDING, "no-vending-3"),
    )
    assert (stays.wait_s, moves_on.wait_s) == (LADDER_WAIT_S, MOVED_ON_WAIT_S)
    assert moves_on == replace(stays, wait_s=MOVED_ON_WAIT_S) and moves_on.enabled and moves_on.prompts == 2
    assert moves_on.recheck_s == LADDER_RECHECK_S
    with pytest.raises(ValueError, match="already has speakers spk-scn001"):
        add_demo_voice(site)


def test_a_site_without_the_scenes_gets_no_speakers(tmp_path: Path) -> None:
    site = add_demo_voice(build_demo_site(BASE, n_cameras=2))
    assert site.speakers == () and ladder_config(site, Rule.VENDING).enabled
    assert site.voice.rules.vending.zones == {}  # no setting for a zone the site does not have
    write_demo_site_yaml(site, tmp_path / "site.yaml")
    assert load_site_report(tmp_path / "site.yaml", {})[1] == []


@pytest.mark.parametrize("alert_at", ALERT_AT_S)
@pytest.mark.parametrize("phase", [0.0, 0.7, 1.9])
def test_the_ladder_reaches_a_case_while_the_stall_still_stands(alert_at: float, phase: float) -> None:
    site = add_demo_voice(scene_site())
    config = ladder_config(site, Rule.VENDING, "no-vending-1")
    policy = voice_policy(site, Rule.VENDING, "no-vending-1")
    events = ladder_timeline(
        config, alert_at_s=alert_at, prompt_s=PROMPT_S + START_LATENCY_S, check_phase_s=phase
    )
    what = [e.what for e in events]
    assert what == [
        "alert", "prompt 1", "prompt 1 ends", "recheck", "still there",
        "prompt 2", "prompt 2 ends", "recheck", "still there", "case",
    ]  # fmt: skip
    stall = VendingScript()
    assert all(stall.present(e.at_s) for e in events)  # every step while the stall stands
    assert events[-1].at_s < stall.leave_s
    # Nothing else in the policy holds the second prompt back (cooldown, most prompts, quiet hours).
    first, second = (e.at_s for e in events if e.what.startswith("prompt ") and not e.what.endswith("ends"))
    refusal = auto_play_refusal(
        policy, local_time=clock_time(23, 0), now=second, last_played={"spk-scn001": first},
        speaker_ids=["spk-scn001"], prompts_for_alert=1, ladder=True,
    )  # fmt: skip
    assert refusal is None


def test_waits_of_twenty_seconds_would_file_the_case_after_the_stall_left() -> None:
    """Why the demo's waits are short: with 20 s the second recheck comes after 115 s."""
    slow = LadderConfig(enabled=True, wait_s=20, recheck_s=20)
    events = ladder_timeline(slow, alert_at_s=80.0)
    assert events[-1].what == "case" and events[-1].at_s > VendingScript().leave_s


MOVED_ON_ALERTS = (MOVED_ON_ALERT_S[0], sum(MOVED_ON_ALERT_S) / 2, MOVED_ON_ALERT_S[1])
MOVED_ON_CLEARS = (MOVED_ON_CLEAR_AFTER_S[0], sum(MOVED_ON_CLEAR_AFTER_S) / 2, MOVED_ON_CLEAR_AFTER_S[1])


@pytest.mark.parametrize("alert_at", MOVED_ON_ALERTS)
@pytest.mark.parametrize("phase", [0.0, 0.7, 1.9])
@pytest.mark.parametrize("clear_after", MOVED_ON_CLEARS)
def test_the_vendor_who_moves_on_after_the_first_prompt_is_resolved_by_prompt(
    alert_at: float, phase: float, clear_after: float
) -> None:
    """scn003: the alert and the detector's clear anywhere in their measured ranges (app/demo/scenes.py;
    the slow scene test holds the real detectors to them), the checks at any phase."""
    site = add_demo_voice(scene_site())
    config = ladder_config(site, Rule.VENDING, "no-vending-3")
    stall = MOVED_ON_SCRIPT
    cleared_at = stall.leave_s + clear_after
    events = ladder_timeline(
        config,
        alert_at_s=alert_at,
        prompt_s=PROMPT_S + START_LATENCY_S,
        check_phase_s=phase,
        cleared_at_s=cleared_at,
    )
    assert [e.what for e in events] == ["alert", "prompt 1", "prompt 1 ends", "cleared", "resolved by prompt"]
    played, ended = events[1].at_s, events[2].at_s
    assert stall.present(played) and stall.present(ended)  # the vendor hears the whole prompt …
    assert 6.0 <= stall.leave_s - ended <= 16.0  # … and is pushed away some seconds after it
    assert events[3].at_s == pytest.approx(cleared_at, abs=0.05) and not stall.present(events[3].at_s)
    assert events[-1].at_s < stall.length_s  # seen within the loop, before the stall comes back
    # the recheck (had the clear not come) is due well after the latest clear
    assert ended + config.wait_s > stall.leave_s + MOVED_ON_CLEAR_AFTER_S[1] + 5.0


def test_with_the_vending_scenes_waits_the_vendor_who_moved_on_would_become_a_case() -> None:
    """Why the moved-on scene's zone waits longer: the detector clears only 20 s after the stall has
    gone, so an 8 s wait rechecks an open alert, plays the second prompt to nobody and files a case."""
    site = add_demo_voice(scene_site())
    stall = MOVED_ON_SCRIPT
    events = ladder_timeline(
        ladder_config(site, Rule.VENDING, "no-vending-1"),
        alert_at_s=sum(MOVED_ON_ALERT_S) / 2,
        prompt_s=PROMPT_S + START_LATENCY_S,
        cleared_at_s=stall.leave_s + MOVED_ON_CLEAR_AFTER_S[1],
    )
    assert events[-1].what == "case" and not stall.present(events[-1].at_s)
    assert "resolved by prompt" not in [e.what for e in events]
