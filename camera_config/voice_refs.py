"""Where the site file's speakers and voice settings refer to cameras and zones: checked for
:class:`~camera_config.models.SiteConfig` (the validated site, or raw data when other fields have
problems) and, for zones, at load as warnings and at run time against the zones in use (zones
drawn in CityWall live beside the shared views, not in the site file)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from camera_config.model_base import unknown_message
from camera_config.rules import RuleViolation
from camera_config.voice import RULE_NAMES, RULE_ZONE_KIND, SpeakerSpec, VoiceSettings

if TYPE_CHECKING:  # the site's models refer to this module's
    from camera_config.models import Camera


class Text:
    """Every message of this module, in one place for translation."""

    DUPLICATE = (
        "duplicate speaker id {id!r} (first used by speakers[{first}]); every speaker needs its own id"
    )
    ZONE_NOT_SERVED = "zone {zone!r} is on none of this speaker's cameras ({cameras}); {known}"
    THEIR_ZONES = "their zones: {zones}"
    NO_ZONES = "they have no zones drawn"
    BC_NOT_RTSP = (
        "camera {camera!r} {how}, so its back-channel address cannot be taken from it; write the "
        "camera's RTSP URL in `address` (rtsp://…)"
    )
    BC_ONVIF = "is reached over ONVIF (its stream URL is asked at run time)"
    BC_FILE = "plays a video file"
    OVERRIDE_UNKNOWN_ZONE = "unknown zone {zone!r}: no camera has a zone with this id{hint}"
    ZONES_IN_FILE = (
        "; zones drawn in CityWall's zone editor are not in this file: if it is one of those, all is well"
    )
    OVERRIDE_WRONG_KIND = (
        "zone {zone!r} is a {kind} zone on every camera that has it; {rule} alerts come from {want} zones"
    )


@dataclass(frozen=True)
class CameraFacts:
    """What the voice rules need to know of a camera: its zones (id → kind) and its source kind."""

    zones: Mapping[str, str]
    source: str | None


def camera_facts(cameras: Iterable[Camera]) -> dict[str, CameraFacts]:
    """Each camera's zones and source kind (the voice references are checked against them)."""
    return {
        c.id: CameraFacts({z.id: z.kind for z in c.detection.zones} if c.detection else {}, c.source.kind)
        for c in cameras
    }


def raw_camera_facts(cameras: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[str, CameraFacts]:
    """Each camera's zones and source kind as read (the voice references are checked against them)."""
    facts: dict[str, CameraFacts] = {}
    for _, camera in cameras:
        camera_id, detection, source = camera.get("id"), camera.get("detection"), camera.get("source")
        zones = detection.get("zones") if isinstance(detection, dict) else None
        kinds = {
            z["id"]: z.get("kind", "no_vending")
            for z in (zones if isinstance(zones, list) else [])
            if isinstance(z, dict) and isinstance(z.get("id"), str)
        }
        kind = source.get("kind") if isinstance(source, dict) else None
        if isinstance(camera_id, str):
            facts[camera_id] = CameraFacts(kinds, kind if isinstance(kind, str) else None)
    return facts


def voice_violations(
    speakers: Sequence[tuple[int, Any]], cameras: Mapping[str, CameraFacts]
) -> Iterator[RuleViolation]:
    """Speakers' ids and cameras, each problem at the path of its field (site root).

    ``speakers``: (index, entry) with entries as models or raw mappings; values that are not text
    are skipped (their own field error says why). Zones are :func:`zone_warnings`' concern."""
    first_seen: dict[str, int] = {}
    for index, entry in speakers:
        get = _getter(entry)
        speaker_id = get("id")
        if isinstance(speaker_id, str):
            if speaker_id in first_seen:
                message = Text.DUPLICATE.format(id=speaker_id, first=first_seen[speaker_id])
                yield RuleViolation(("speakers", index, "id"), message)
            else:
                first_seen[speaker_id] = index
        yield from _camera_refs(index, get, cameras)


def _camera_refs(index: int, get: Any, cameras: Mapping[str, CameraFacts]) -> Iterator[RuleViolation]:
    at = ("speakers", index)
    own = get("camera")
    if isinstance(own, str):
        facts = cameras.get(own)
        if facts is None:
            yield RuleViolation((*at, "camera"), unknown_message("camera", own, cameras.keys()))
        elif get("address") is None and get("kind") == "onvif_backchannel" and facts.source != "rtsp":
            how = Text.BC_ONVIF if facts.source == "onvif" else Text.BC_FILE
            yield RuleViolation((*at, "camera"), Text.BC_NOT_RTSP.format(camera=own, how=how))
    listed = get("cameras")
    for k, camera_id in enumerate(listed if isinstance(listed, list | tuple) else []):
        if isinstance(camera_id, str) and camera_id not in cameras:
            yield RuleViolation((*at, "cameras", k), unknown_message("camera", camera_id, cameras.keys()))


def zone_warnings(
    speakers: Sequence[SpeakerSpec], voice: VoiceSettings, cameras: Mapping[str, CameraFacts], note: str = ""
) -> Iterator[RuleViolation]:
    """Zone ids that no camera has: a speaker's ``zones`` on its cameras, the rules' zone settings
    anywhere (and of a kind the rule watches). ``cameras`` give the zones known: the site file's
    when it is loaded (zones drawn in CityWall live elsewhere, so these are warnings then, ending
    in ``note``), the zones in use at run time."""
    for index, spec in enumerate(speakers):
        served = [c for c in spec.served_cameras if c in cameras]
        known = sorted({z for c in served for z in cameras[c].zones})
        for k, zone_id in enumerate(spec.zones if served else ()):
            if zone_id not in known:
                their = Text.THEIR_ZONES.format(zones=", ".join(known[:10])) if known else Text.NO_ZONES
                cams = ", ".join(served[:5])
                message = Text.ZONE_NOT_SERVED.format(zone=zone_id, cameras=cams, known=their) + note
                yield RuleViolation(("speakers", index, "zones", k), message)
    kinds: dict[str, set[str]] = {}
    for facts in cameras.values():
        for zone_id, kind in facts.zones.items():
            kinds.setdefault(zone_id, set()).add(kind)
    for rule in RULE_NAMES:
        want = RULE_ZONE_KIND[rule]
        for zone_id in getattr(voice.rules, rule).zones:
            at = ("voice", "rules", rule, "zones", zone_id)
            if zone_id not in kinds:
                close = sorted(z for z, k in kinds.items() if want in k)[:10]
                hint = f"; {want} zones: {', '.join(close)}" if close else ""
                yield RuleViolation(at, Text.OVERRIDE_UNKNOWN_ZONE.format(zone=zone_id, hint=hint) + note)
            elif want not in kinds[zone_id]:
                kind = "/".join(sorted(kinds[zone_id]))
                message = Text.OVERRIDE_WRONG_KIND.format(zone=zone_id, kind=kind, rule=rule, want=want)
                yield RuleViolation(at, message + note)


def _getter(entry: Any) -> Any:
    """Read a field of a model or a raw mapping alike (None when absent)."""
    if isinstance(entry, Mapping):
        return entry.get
    return lambda name: getattr(entry, name, None)
