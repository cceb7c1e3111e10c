"""The demo site: 100 cameras of the made-up 示范区 on the local demo RTSP server.

Camera ids cam001..camNNN; the sub stream is mount ``camNNN`` and the main stream ``camNNN_main``.
Neighbouring cameras get different clip variants and start offsets, so a wall of them looks like a
district, not like one camera repeated. A few cameras can be PTZ domes (:func:`add_demo_ptz`): their
mounts then show a live view of a panorama that their simulated ONVIF camera steers
(:func:`start_demo_ptz`, see :mod:`app.demo.ptz_site`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.demo.clips import ClipSet
from app.demo.district import CENTRE, CORNERS, DISTRICT_ADMIN_CODE, DISTRICT_NAME, STREETS, Street
from app.demo.panorama import PanoramaClip
from app.demo.ptz_site import (
    PTZ_PASSWORD_ENV,
    DemoPtz,
    add_demo_ptz,
    is_demo_ptz,
    ptz_mounts,
    start_demo_ptz,
)
from camera_config.models import (
    Camera,
    FileSource,
    Group,
    Location,
    RtspSource,
    SiteConfig,
    SiteInfo,
    StreamSource,
)
from camera_config.site_writer import create_site

__all__ = [
    "PTZ_PASSWORD_ENV",
    "DemoPtz",
    "add_demo_ptz",
    "build_demo_site",
    "clip_for",
    "demo_manifest",
    "start_demo_ptz",
    "write_demo_site_yaml",
]

DISTRICT_GROUP = "district"
OFFSET_STRIDE = 83  # frames between neighbours' start points; the server wraps it to the clip length


@dataclass(frozen=True)
class _Point:
    name: str
    tag: str
    community: int  # 1-based, as in the unit-grid code
    lon: float
    lat: float


def clip_for(index: int, variants: tuple[str, ...]) -> tuple[str, int]:
    """(variant, offset_frames) of the camera at 0-based ``index``: neighbours never share a variant."""
    return variants[index % len(variants)], index * OFFSET_STRIDE


def build_demo_site(
    server_url_base: str | None, n_cameras: int = 100, clips: ClipSet | None = None
) -> SiteConfig:
    """The demo district's site config.

    Cameras point at ``server_url_base`` (e.g. ``rtsp://127.0.0.1:8554``); with ``None`` they play
    the ``clips`` directly as file sources (no RTSP server, e.g. where GStreamer is missing).
    """
    if server_url_base is None and clips is None:
        raise ValueError("build_demo_site needs a server URL or clips to play as files")
    if not 1 <= n_cameras <= 999:
        raise ValueError(f"n_cameras must be 1..999 (ids are cam001..cam999), got {n_cameras}")
    groups = [Group(id=DISTRICT_GROUP, name=DISTRICT_NAME)]
    groups += [Group(id=s.id, name=s.name, parent=DISTRICT_GROUP) for s in STREETS]
    cameras: list[Camera] = []
    per_street = [n_cameras // len(STREETS) + (i < n_cameras % len(STREETS)) for i in range(len(STREETS))]
    for s_index, (street, count) in enumerate(zip(STREETS, per_street, strict=True)):
        sequence = [0] * (len(street.communities) + 1)
        for point in _points(street, s_index, count):
            sequence[point.community] += 1
            index = len(cameras)
            cam_id = f"cam{index + 1:03d}"
            # unit-grid code: district (6) + street (3) + community (3) + sequence (3)
            grid = f"{s_index + 1:03d}{point.community:03d}{sequence[point.community]:03d}"
            cameras.append(
                Camera(
                    id=cam_id,
                    name=point.name,
                    group=street.id,
                    grid_code=DISTRICT_ADMIN_CODE + grid,
                    location=Location(lon=round(point.lon, 6), lat=round(point.lat, 6)),
                    source=_source(cam_id, index, server_url_base, clips),
                    tags=(point.tag, street.communities[point.community - 1]),
                )
            )
    return SiteConfig(
        site=SiteInfo(name=f"{DISTRICT_NAME}城市管理监督指挥中心（演示）", grid_code_digits=15),
        groups=tuple(groups),
        cameras=tuple(cameras),
    )


def demo_manifest(
    site: SiteConfig,
    clips: ClipSet,
    *,
    port: int = 0,
    tcp_only: bool = False,
    panorama: PanoramaClip | None = None,
) -> dict[str, Any]:
    """The server manifest serving every RTSP camera of ``site`` from ``clips`` (loop mode).

    Mount paths come from the cameras' URLs; a main stream without a main clip plays the sub clip.
    With a ``panorama``, the demo PTZ cameras get ``ptz`` mounts (a live view that follows their
    simulator) instead of looped clips.
    """
    mounts: list[dict[str, Any]] = ptz_mounts(site, panorama) if panorama is not None else []
    for index, cam in enumerate(site.cameras):
        if not isinstance(cam.source, RtspSource) or (panorama is not None and is_demo_ptz(cam)):
            continue
        name, offset = clip_for(index, clips.variants)
        sub = clips.sub.get(name) or clips.main[name]
        for url, clip in ((cam.source.sub, sub), (cam.source.main, clips.main.get(name, sub))):
            if url is not None:
                mounts.append(
                    {
                        "path": urlsplit(url).path.lstrip("/"),
                        "file": str(clip),
                        "offset_frames": offset,
                        "mode": "loop",
                    }
                )
    return {"port": port, "tcp_only": tcp_only, "mounts": mounts}


def write_demo_site_yaml(site: SiteConfig, path: Path) -> None:
    """Save the demo site as an ordinary site file (atomically), e.g. as a template to edit; it
    is generated afresh at every start, so the previous one is not backed up."""
    create_site(site, path, backup=False)


def _source(cam_id: str, index: int, base: str | None, clips: ClipSet | None) -> StreamSource:
    if base is None:
        assert clips is not None
        return FileSource(path=clips.clip(clip_for(index, clips.variants)[0]))
    base = base.rstrip("/")
    return RtspSource(main=f"{base}/{cam_id}_main", sub=f"{base}/{cam_id}", transport="tcp")


def _points(street: Street, s_index: int, count: int) -> list[_Point]:
    """``count`` camera points of a street, alternating landmarks, crossings and road sections."""
    rng = random.Random(street.id)  # str seeds are hashed with SHA-512: same points on every run
    col, row = s_index % 3, s_index // 3
    lon0, lat0 = CENTRE[0] + (col - 1) * 0.012, CENTRE[1] + (1 - row) * 0.010

    def spot() -> tuple[float, float]:
        return lon0 + rng.uniform(-0.005, 0.005), lat0 + rng.uniform(-0.004, 0.004)

    def community() -> int:
        return rng.randint(1, len(street.communities))

    landmarks: list[_Point] = []
    for lm in street.landmarks:
        (lon, lat), c = spot(), community()
        for k, where in enumerate(lm.spots):  # gates of one landmark lie some 40 m apart
            landmarks.append(_Point(f"{lm.name} {where}", lm.tag, c, lon + 0.0004 * k, lat - 0.0003 * k))
    crossings: list[_Point] = []
    for a, b in combinations(street.roads, 2):
        (lon, lat), c = spot(), community()
        for corner, (dx, dy) in zip(CORNERS, ((1, 1), (-1, -1), (1, -1), (-1, 1)), strict=True):
            crossings.append(_Point(f"{a}与{b}路口 {corner}", "路口", c, lon + dx * 1e-4, lat + dy * 1e-4))
    roads = [
        _Point(f"{r}{what}", "道路", community(), *spot())
        for r in street.roads
        for what in ("公交站", "中段")
    ]
    pool = [p for trio in _zip_longest(landmarks, crossings, roads) for p in trio]
    points = pool[:count]
    for k in range(count - len(pool)):  # more cameras than named places: extra poles on the same spots
        p = pool[k % len(pool)]
        points.append(_Point(f"{p.name} {k // len(pool) + 2}号杆", p.tag, p.community, p.lon, p.lat))
    return points


def _zip_longest(*lists: list[_Point]) -> list[list[_Point]]:
    longest = max(len(x) for x in lists)
    return [[x[i] for x in lists if i < len(x)] for i in range(longest)]
