"""What "Add to site" writes, as plain data, and the write itself (no widgets here).

:func:`camera_entries` turns the cameras to add into the mappings a site file holds (defaults left
out, ``kind`` first, the ``ptz:`` block with its presets), so writing them is one call:
:func:`append_cameras`, through the site writer (:mod:`camera_config.site_writer`). It re-reads
the site file (a file with problems is not touched, one changed since it was read is refused),
appends the cameras leaving every other line and comment as it was, keeps the previous file in
``backups/`` beside it, and writes atomically.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication

from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.onboarding import camera_from_discovery
from app.ui.dialogs.discovery.results import FoundDevice
from app.ui.dialogs.discovery.texts import onvif_error_text
from camera_config.explain import explain
from camera_config.issues import format_path
from camera_config.models import CAMERA_ID_PATTERN, Camera, Credentials, OnvifSource, RtspSource, SiteConfig
from camera_config.site_writer import SaveResult, SiteDocument, SiteEditError

translate = QCoreApplication.translate
SiteWriteError = SiteEditError  # the cameras were not added; the message says why (file unchanged)


def rows_problem(rows: Sequence[FoundDevice], site: SiteConfig | None) -> str | None:
    """Why these rows cannot be added as they are (in words), or None."""
    unchecked = [r.device.label for r in rows if r.description is None]
    if unchecked:
        return translate("DiscoveryDialog", "Check the login of these cameras first: {0}").format(
            translate("DiscoveryDialog", ", ").join(unchecked)
        )
    site_ids = {c.id for c in site.cameras} if site is not None else set()
    seen: set[str] = set()
    for row in rows:
        if not re.match(CAMERA_ID_PATTERN, row.camera_id):
            return translate(
                "DiscoveryDialog",
                "Camera id “{0}”: use 1-64 letters A-Z, digits, _ . -, starting with a letter or digit.",
            ).format(row.camera_id[:40])
        if row.camera_id in site_ids or row.camera_id in seen:
            return translate("DiscoveryDialog", "Camera id “{0}” is already used: choose another.").format(
                row.camera_id
            )
        seen.add(row.camera_id)
        if not row.camera_name:
            return translate("DiscoveryDialog", "Camera id “{0}”: give the camera a name.").format(
                row.camera_id
            )
        if len(row.camera_name) > 120:
            return translate(
                "DiscoveryDialog", "Camera id “{0}”: the name is longer than 120 characters."
            ).format(row.camera_id)
    return None


def cameras_for(rows: Sequence[FoundDevice], credentials: Credentials, group: str | None) -> list[Camera]:
    """The site cameras for checked rows; ValueError (in words) when one cannot be made."""
    cameras: list[Camera] = []
    for row in rows:
        assert row.description is not None
        try:
            cameras.append(
                camera_from_discovery(
                    row.description, row.camera_id, name=row.camera_name, group=group, credentials=credentials
                )
            )
        except (OnvifError, ValidationError, ValueError) as exc:
            raise ValueError(
                translate("DiscoveryDialog", "{0}: {1}").format(row.device.label, words(exc))
            ) from None
    return cameras


def words(exc: BaseException) -> str:
    """An exception in words for a message."""
    if isinstance(exc, ValidationError):
        return "; ".join(f"{format_path(p.loc)}: {p.message}" for p in explain(exc, Camera))
    if isinstance(exc, OnvifError):
        return onvif_error_text(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename})" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def camera_entries(cameras: Sequence[Camera]) -> list[dict[str, Any]]:
    """Each camera as its site-file mapping: what the user would write by hand (defaults left out)."""
    entries = []
    for camera in cameras:
        data = camera.model_dump(mode="json", exclude_defaults=True)
        data["source"] = {"kind": camera.source.kind, **data.get("source", {})}
        entries.append(data)
    return entries


def append_cameras(path: Path, entries: Sequence[Mapping[str, Any]]) -> SaveResult:
    """Append the cameras ``entries`` describe to the site file at ``path``; what was saved (the
    site as the app will read it, and the backup of the file as it was).

    Raises :class:`ConfigError` when the file has problems now (it is then not touched),
    :class:`SiteWriteError` when the cameras do not fit the site or the file changed on disk since
    it was read, OSError when it cannot be written (the file is then as it was).
    """
    document = SiteDocument.open(path)
    document.add_cameras(entries)
    return document.save()


# -- which found devices the site has already ----------------------------------------------------------
def netloc(url: str) -> tuple[str, str] | None:
    """(host, host:port) of an URL, lower case, the port made explicit; None without a host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    try:
        port = parts.port
    except ValueError:
        port = None
    default = {"http": 80, "https": 443, "rtsp": 554, "rtsps": 322}.get(parts.scheme.lower(), 0)
    return host, f"{host}:{port or default}"


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def site_hosts(site: SiteConfig) -> set[str]:
    """What identifies the site's cameras on the network, for the dialog's ``known_hosts``.

    ONVIF endpoints give ``host:port``; stream URLs give their ``host`` (a camera's own address),
    except on loopback, where one server (the demo's) serves many cameras.
    """
    known: set[str] = set()
    for camera in site.cameras:
        endpoints = [camera.ptz.endpoint] if camera.ptz is not None else []
        if isinstance(camera.source, OnvifSource):
            endpoints.append(camera.source.endpoint)
        for url in endpoints:
            if (loc := netloc(url)) is not None:
                known.add(loc[1])
        if isinstance(camera.source, RtspSource):
            for stream in (camera.source.main, camera.source.sub):
                where = netloc(stream) if stream else None
                if where is not None and not _loopback(where[0]):
                    known.add(where[0])
    return known


def is_known(device: DiscoveredDevice, known_hosts: set[str]) -> bool:
    url = device.device_url
    loc = netloc(url) if url else None
    return loc is not None and (loc[1] in known_hosts or loc[0] in known_hosts)
