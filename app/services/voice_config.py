"""The site file's speakers and voice policy as the core's values (:mod:`app.core.voice`,
:mod:`app.core.voice_ladder`). The site file was checked when it was loaded (cameras, zones,
addresses, passwords from the environment); this only turns it into what the core takes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time as clock_time

from app.core.voice import Codec, DeliveryKind, QuietHours, Speaker, VoicePolicy
from app.core.voice_ladder import LadderConfig
from camera_config.issues import format_path
from camera_config.models import RtspSource, SiteConfig, ZoneSpec
from camera_config.voice import SpeakerSpec
from camera_config.voice_refs import CameraFacts, zone_warnings


def speakers(site: SiteConfig) -> tuple[Speaker, ...]:
    """Every speaker of ``site``, in file order; passwords as read from the environment (None when
    the site was loaded without resolving secrets, or names none)."""
    return tuple(speaker(site, spec) for spec in site.speakers)


def speaker(site: SiteConfig, spec: SpeakerSpec) -> Speaker:
    """One speaker. A camera's own (``camera:``, no ``address``) speaks through the camera's main
    RTSP URL, and logs in with the camera's credentials unless it names a ``username`` of its own."""
    address = spec.address
    username, password = spec.username, spec.password
    if spec.camera is not None:
        camera = site.camera(spec.camera)
        if address is None:
            if not isinstance(camera.source, RtspSource):  # refused when the file was loaded
                raise ValueError(f"speaker {spec.id}: camera {camera.id} has no RTSP URL")
            address = camera.source.main
        if username is None and camera.credentials is not None:
            username, password = camera.credentials.username, camera.credentials.password
    assert address is not None  # the model requires one unless `camera` gives it
    return Speaker(
        id=spec.id,
        name=spec.name or spec.id,
        kind=DeliveryKind(spec.kind),
        address=address,
        codec=Codec(spec.codec),
        cameras=spec.served_cameras,
        zones=spec.zones,
        username=username,
        password=None if password is None else password.get_secret_value(),
        ttl=spec.ttl,
        volume=spec.volume,
    )


def voice_policy(site: SiteConfig, rule: str, zone_id: str | None = None) -> VoicePolicy:
    """What ``rule`` (an :class:`app.core.alerts.Rule` value) lets play by itself in ``zone_id``."""
    policy = site.voice.policy(rule, zone_id)
    quiet = None
    if policy.quiet_hours is not None:
        start, end = policy.quiet_hours
        quiet = QuietHours(clock_time(*divmod(start, 60)), clock_time(*divmod(end, 60)))
    return VoicePolicy(
        auto_play=policy.auto_play,
        prompt_id=policy.prompt,
        cooldown_s=policy.cooldown_s,
        quiet_hours=quiet,
        max_repeats=policy.max_repeats,
    )


def ladder_config(site: SiteConfig, rule: str, zone_id: str | None = None) -> LadderConfig:
    """The escalation ladder of ``rule`` in ``zone_id``."""
    ladder = site.voice.ladder(rule, zone_id)
    return LadderConfig(
        enabled=ladder.enabled,
        prompts=ladder.prompts,
        wait_s=ladder.wait_s,
        recheck_s=ladder.recheck_s,
        create_case=ladder.create_case,
        prompt_id=ladder.prompt,
    )


def zone_problems(site: SiteConfig, zones: Mapping[str, Iterable[ZoneSpec]]) -> list[str]:
    """Speakers' ``zones`` and the rules' zone settings that name a zone no camera has, given the
    zones in use (camera id → its zones at every preset: the zone store's over the site file's).
    The loader could only warn about them (it knows the site file's zones alone); each line says
    the field and the problem, for a system event at start."""
    facts = {
        c.id: CameraFacts({z.id: z.kind for z in zones.get(c.id, ())}, c.source.kind) for c in site.cameras
    }
    return [f"{format_path(v.path)}: {v.message}" for v in zone_warnings(site.speakers, site.voice, facts)]
