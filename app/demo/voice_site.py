"""The demo's loudspeakers and voice policy: one speaker per scripted scene camera, and the
escalation ladder on for street vending with waits short enough to be seen in one loop.

Each scene camera gets an ``rtp`` speaker at a local UDP port on 127.0.0.1, where the demo runs a
receiver that records what it hears (:func:`speaker_ports` says which port is whose). The ladder's
timing is chosen against the vending scenes (:class:`app.demo.scenes.VendingScript`, a 180 s loop,
the demo's 60 s dwell, sampling every 2 s). :func:`ladder_timeline` runs the core's ladder on their
scripts, so the numbers below are checked by tests, not just written down.

scn001, the vendor who stays (the stall stands from 15 s to 115 s; the alert comes at 78-84 s)::

    ~80 s ALERT → prompt 1 (4.05 s) → wait 8 s → recheck (next check, ≤ 2 s): still there
        → prompt 2 (4.05 s) → wait 8 s → recheck: still there → CASE at ~110 s (≤ 113 s)
    115 s the stall is pushed away (the alert clears at 134-165 s)

Waits of 20 s would not fit: the second recheck would come after the stall has left, while the
alert is still open, and file a case about a vendor who had gone.

scn003, the vendor who moves on (:data:`app.demo.scenes.MOVED_ON_SCRIPT`: the stall stands from
25 s to 104 s; the alert comes at 86-92 s, the detector clears it 19-60 s after the stall left,
both as measured by bench/demo_scenes.py). Its zone waits ``MOVED_ON_WAIT_S`` after a prompt::

    86-92 s ALERT → prompt 1 (4.05 s) → wait 85 s …
    104 s the stall is pushed away, 7-13 s after the prompt ended
    123-164 s the alert CLEARS → RESOLVED by prompt (the recheck would have come at ≥ 176 s)

With scn001's 8 s the recheck would find the alert still open (the detector needs 20 s of an
empty pavement to clear it), play the second prompt to nobody and file a case.
"""

from __future__ import annotations

import socket
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.core import voice_ladder
from app.core.voice_ladder import LadderAction, LadderActionKind, LadderConfig, LadderStep
from app.demo.scenes import SCENE_CAMERAS, SCENE_KEYS, SceneKey
from camera_config.models import SiteConfig
from camera_config.voice import (
    CodecName,
    LadderSettings,
    PolicySettings,
    RuleVoiceSettings,
    SpeakerSpec,
    VoiceRules,
    VoiceSettings,
)

HOST = "127.0.0.1"
PROMPT_S = 4.05  # the shipped "请勿占道经营，请自觉离开" (resources/voice, no_vending), as the demo plays it
LADDER_WAIT_S = 8.0
LADDER_RECHECK_S = 6.0  # the longest wait for the fresh check (the demo checks every 2 s)
COOLDOWN_S = 5.0  # shorter than the wait, so the ladder's second prompt is not held back

MOVED_ON_WAIT_S = 85.0  # the moved-on scene's zone: its alert clears before the recheck

SPEAKER_NAMES: dict[SceneKey, str] = {
    "vending": "演示 人行道喇叭",
    "bin": "演示 草坪垃圾桶喇叭",
    "moved_on": "演示 喊话劝离喇叭",
}
SPEAKER_ZONES: dict[SceneKey, tuple[str, ...]] = {
    "vending": ("no-vending-1",),
    "bin": ("bin-1",),
    "moved_on": ("no-vending-3",),
}
SPEAKER_CODECS: dict[SceneKey, CodecName] = {  # both laws are heard
    "vending": "pcmu",
    "bin": "pcma",
    "moved_on": "pcma",
}


def free_udp_port() -> int:
    """A UDP port free on loopback right now (for a speaker address needed before its receiver)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def speaker_id(camera_id: str) -> str:
    return f"spk-{camera_id}"


def demo_voice_settings(scenes: Collection[SceneKey] = SCENE_KEYS) -> VoiceSettings:
    """The ladder on for vending (two prompts, then a case), waits that fit the scene's loop; where
    the site has the moved-on scene (``scenes``), its zone waits long enough for the vendor to go."""
    ladder = LadderSettings(
        enabled=True, prompts=2, wait_s=LADDER_WAIT_S, recheck_s=LADDER_RECHECK_S, create_case=True
    )
    zones = {}
    if "moved_on" in scenes:  # (a zone no camera has would be warned about when the site loads)
        zones = {
            zone: PolicySettings(ladder=LadderSettings(wait_s=MOVED_ON_WAIT_S))
            for zone in SPEAKER_ZONES["moved_on"]
        }
    return VoiceSettings(
        defaults=PolicySettings(cooldown_s=COOLDOWN_S),
        rules=VoiceRules(vending=RuleVoiceSettings(prompt="no_vending", ladder=ladder, zones=zones)),
    )


def add_demo_voice(site: SiteConfig, ports: Mapping[str, int] | None = None) -> SiteConfig:
    """``site`` with an rtp speaker for each scene camera it has (``ports``: camera id → UDP port
    on 127.0.0.1; a free one each where not given) and :func:`demo_voice_settings`."""
    ids = {c.id for c in site.cameras}
    scenes = [scene for scene in SCENE_CAMERAS if scene.camera_id in ids]
    speakers = [
        SpeakerSpec(
            id=speaker_id(scene.camera_id),
            name=SPEAKER_NAMES[scene.key],
            kind="rtp",
            address=f"rtp://{HOST}:{(ports or {}).get(scene.camera_id) or free_udp_port()}",
            codec=SPEAKER_CODECS[scene.key],
            cameras=(scene.camera_id,),
            zones=SPEAKER_ZONES[scene.key],
        )
        for scene in scenes
    ]
    taken = {s.id for s in site.speakers} & {s.id for s in speakers}
    if taken:
        raise ValueError(f"the site already has speakers {', '.join(sorted(taken))}")
    voice = demo_voice_settings([scene.key for scene in scenes])
    return site.model_copy(update={"speakers": (*site.speakers, *speakers), "voice": voice})


def speaker_ports(site: SiteConfig) -> dict[str, int]:
    """Speaker id → the local UDP port its receiver listens on (the demo's rtp speakers)."""
    ports = {}
    for spec in site.speakers:
        parts = urlsplit(spec.address or "")
        if spec.kind == "rtp" and parts.hostname == HOST and parts.port is not None:
            ports[spec.id] = parts.port
    return ports


@dataclass(frozen=True)
class LadderEvent:
    at_s: float  # clip time
    what: str  # "alert", "prompt 1", "prompt 1 ends", "recheck", "still there", "case", …


def ladder_timeline(
    config: LadderConfig,
    *,
    alert_at_s: float,
    prompt_s: float = PROMPT_S,
    check_every_s: float = 2.0,
    check_phase_s: float = 0.0,
    cleared_at_s: float | None = None,
    until_s: float = 180.0,
    step_s: float = 0.05,
) -> list[LadderEvent]:
    """What the core's ladder does for an alert raised at ``alert_at_s`` (clip time) when each
    prompt plays ``prompt_s`` and the camera is checked every ``check_every_s``. The detector
    clears the alert at ``cleared_at_s`` (None: the alert stays open throughout, as the vending
    scene's does until well after the ladder has ended)."""
    events = [LadderEvent(alert_at_s, "alert")]

    def carry_out(t: float, actions: tuple[LadderAction, ...]) -> float | None:
        until = None
        for action in actions:
            if action.kind is LadderActionKind.PLAY:
                events.append(LadderEvent(t, f"prompt {action.attempt}"))
                until = t + prompt_s
            else:
                events.append(LadderEvent(t, _ACTION_WORDS[action.kind]))
        return until

    ladder, actions = voice_ladder.start("demo", alert_at_s)
    playing_until = carry_out(alert_at_s, actions)
    n = 0
    while ladder.active and (t := alert_at_s + n * step_s) <= until_s:
        n += 1
        if cleared_at_s is not None and t >= cleared_at_s:
            events.append(LadderEvent(t, "cleared"))
            ladder, actions = voice_ladder.alert_cleared(ladder, t)
        elif playing_until is not None and t >= playing_until:
            events.append(LadderEvent(t, f"prompt {ladder.attempt} ends"))
            playing_until = None
            ladder, actions = voice_ladder.prompt_finished(ladder, config, t, delivered=True)
        else:
            checked_at = check_phase_s + ((t - check_phase_s) // check_every_s) * check_every_s
            before = ladder.step
            ladder, actions = voice_ladder.tick(ladder, config, t, checked_at)
            if before is LadderStep.RECHECKING and ladder.step is not LadderStep.RECHECKING:
                events.append(LadderEvent(t, "still there"))
        playing_until = carry_out(t, actions) or playing_until
    return events


_ACTION_WORDS = {
    LadderActionKind.RECHECK: "recheck",
    LadderActionKind.CREATE_CASE: "case",
    LadderActionKind.RESOLVED: "resolved by prompt",
}
