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


def site_hints(site: SiteConfig, path: Path, text: str) -> list[ConfigIssue]:
    """Hints for ``site``, as read from ``text`` (the file's content) at ``path``."""
    try:
        root, _data = yaml_nodes.parse(text)
    except yaml_nodes.YamlSyntaxError:
        root = None  # it loaded, so this does not happen; a hint without a line will do

    def issue(index: int, message: str) -> ConfigIssue:
        loc = ("cameras", index)
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
    return hints
