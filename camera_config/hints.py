"""Hints for a valid site file: things that are allowed but probably not meant (``config check``).

Read from the file alone: no camera is asked anything (a hint, not a probe). Each hint names the
file, line and field, like the loader's problems.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from camera_config import yaml_nodes
from camera_config.issues import ConfigIssue, format_path
from camera_config.models import OnvifSource, RtspSource, SiteConfig
from camera_config.voice import RULE_NAMES


class Text:
    """Every message of this module, in one place for translation."""

    ONVIF_WITHOUT_PTZ = (
        "camera {id} is reached over ONVIF but has no `ptz:` block, so it gets no PTZ panel; if it is "
        "a PTZ camera, add `ptz: {{endpoint: {endpoint}}}`, or add it again with Search for cameras "
        "(搜索设备), which reads its PTZ and presets from the camera"
    )
    TAGGED_PTZ = (
        "camera {id} is tagged ptz but has no `ptz:` block, so it gets no PTZ panel; add "
        "`ptz: {{endpoint: {endpoint}}}` (the camera's ONVIF device service; check the address)"
    )
    SPEAKER_NO_CAMERA = (
        "speaker {id} serves no camera, so no alert or tile reaches it (only a broadcast to every "
        "speaker does); list the cameras it serves in `cameras:`"
    )
    LADDER_COOLDOWN = (
        "the {rule} ladder waits {wait:g} s after a prompt, less than the {cooldown:g} s cooldown_s lets a "
        "speaker rest: the cooldown would hold back its next prompt; make cooldown_s shorter than wait_s"
    )
    LADDER_REPEATS = (
        "the {rule} ladder plays {prompts} prompts but max_repeats allows {most} automatic prompts for "
        "an alert: the last would not play"
    )


def site_hints(site: SiteConfig, path: Path, text: str) -> list[ConfigIssue]:
    """Hints for ``site``, as read from ``text`` (the file's content) at ``path``."""
    try:
        root, _data = yaml_nodes.parse(text)
    except yaml_nodes.YamlSyntaxError:
        root = None  # it loaded, so this does not happen; a hint without a line will do

    def issue(index: int, message: str) -> ConfigIssue:
        return at(("cameras", index), message)

    def at(loc: tuple[str | int, ...], message: str) -> ConfigIssue:
        if root is None:
            return ConfigIssue(path, None, None, format_path(loc), message)
        mark, _node = yaml_nodes.locate(root, loc, at_parent=False)
        return ConfigIssue(path, mark.line, mark.column, format_path(loc), message)

    hints = []
    for index, camera in enumerate(site.cameras):
        if camera.ptz is not None or not camera.enabled:
            continue
        if isinstance(camera.source, OnvifSource):
            message = Text.ONVIF_WITHOUT_PTZ.format(id=camera.id, endpoint=camera.source.endpoint)
            hints.append(issue(index, message))
        elif "ptz" in (tag.lower() for tag in camera.tags):
            main = camera.source.main if isinstance(camera.source, RtspSource) else ""
            host = urlsplit(main).hostname or "<camera>"
            host = f"[{host}]" if ":" in host else host
            endpoint = f"http://{host}/onvif/device_service"
            hints.append(issue(index, Text.TAGGED_PTZ.format(id=camera.id, endpoint=endpoint)))
    for index, speaker in enumerate(site.speakers):
        if not speaker.served_cameras:
            hints.append(at(("speakers", index), Text.SPEAKER_NO_CAMERA.format(id=speaker.id)))
    return hints + [at(loc, message) for loc, message in _voice_hints(site)]


def _voice_hints(site: SiteConfig) -> list[tuple[tuple[str | int, ...], str]]:
    """Ladders the rest of the policy would hold back: at the rule, and at each zone of its own."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    for rule in RULE_NAMES:
        zones = getattr(site.voice.rules, rule).zones
        said: set[str] = set()  # a zone that only inherits the rule's problem is not told again
        for zone_id in (None, *zones):
            ladder, policy = site.voice.ladder(rule, zone_id), site.voice.policy(rule, zone_id)
            if not ladder.enabled:
                continue
            loc: tuple[str | int, ...] = ("voice", "rules", rule)
            loc += ("zones", zone_id) if zone_id is not None else ()
            texts = []
            if ladder.wait_s < policy.cooldown_s:
                texts.append(
                    Text.LADDER_COOLDOWN.format(rule=rule, wait=ladder.wait_s, cooldown=policy.cooldown_s)
                )
            if ladder.prompts > policy.max_repeats:
                texts.append(
                    Text.LADDER_REPEATS.format(rule=rule, prompts=ladder.prompts, most=policy.max_repeats)
                )
            out += [(loc, text) for text in texts if text not in said]
            if zone_id is None:
                said.update(texts)
    return out
