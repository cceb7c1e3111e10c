"""PTZ cameras of the demo site: which cameras, their simulators, and their video mounts.

``add_demo_ptz(site, base)`` turns a few demo cameras into PTZ domes (every 25th: cam001, cam026,
...): their streams stay on the demo RTSP server under the same mount names, now ``ptz`` mounts
showing a live pan/tilt/zoom view of the panorama, and their ``ptz`` settings point at a simulated
ONVIF camera on loopback. ``start_demo_ptz(site, server)`` starts those simulators (and a
WS-Discovery responder) and makes each one drive its mounts' view.

The demo password is generated once per process into ``CITYWALL_DEMO_PTZ_PASSWORD`` (unless set);
the site file names that variable, never the password.
"""

from __future__ import annotations

import logging
import os
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.demo.panorama import PanoramaClip, aim, view_rect
from app.demo.ptz_camera import PtzCameraSimulator, StreamProfile
from app.demo.rtsp_server import HOST, DemoRtspServer, free_port
from app.demo.ws_discovery import WsDiscoveryResponder
from camera_config.models import Camera, Credentials, PtzSettings, RtspSource, SiteConfig

log = logging.getLogger(__name__)

PTZ_PASSWORD_ENV = "CITYWALL_DEMO_PTZ_PASSWORD"
PTZ_USERNAME = "admin"
PTZ_TAG = "球机"  # PTZ dome
DEFAULT_PTZ_COUNT = 4
SUB_SIZE, MAIN_SIZE = (640, 360), (1280, 720)
SUB_KBPS, MAIN_KBPS = 800, 2000
# Presets seeded on a camera's first start: (name, pixel x, y of the street footage at the view's
# centre, zoom). Aimed at what there is to see (people on the walkway, the doorway, the junction);
# relative offsets from each dome's home used to show lawn and, zoomed in, shapeless grass.
SEED_PRESETS = (
    ("全景", 384.0, 230.0, 1.0),
    ("人行道", 250.0, 215.0, 1.0),
    ("商铺门口", 560.0, 60.0, 1.0),
    ("路口", 660.0, 170.0, 1.0),
)


def demo_ptz_password(env: Mapping[str, str] | None = None) -> str:
    """The demo cameras' password: from the environment, else a new random one put there."""
    source = os.environ if env is None else env
    value = source.get(PTZ_PASSWORD_ENV)
    if value:
        return value
    value = secrets.token_urlsafe(12)
    os.environ[PTZ_PASSWORD_ENV] = value
    return value


def demo_ptz_ids(site: SiteConfig, count: int = DEFAULT_PTZ_COUNT) -> list[str]:
    """Ids of the cameras that become PTZ: ``count`` cameras spread evenly over the site."""
    ids = [c.id for c in site.cameras if isinstance(c.source, RtspSource)]
    if not ids or count <= 0:
        return []
    step = max(1, len(ids) // count)
    return ids[::step][:count]


def ptz_home(camera_id: str) -> tuple[float, float, float]:
    """A camera's home position (pan, tilt, zoom): each dome faces its own part of the scene."""
    pan = float(zlib.crc32(camera_id.encode()) % 360 - 180)
    return pan, 30.0, 1.0


def add_demo_ptz(
    site: SiteConfig,
    server_url_base: str,
    *,
    count: int = DEFAULT_PTZ_COUNT,
    ports: Mapping[str, int] | None = None,
    env: Mapping[str, str] | None = None,
) -> SiteConfig:
    """``site`` with ``count`` cameras made PTZ (simulator endpoints on free loopback ports).

    ``server_url_base`` is the demo RTSP server (``rtsp://127.0.0.1:PORT``); ``ports`` fixes the
    simulator port of some cameras (default: free ports now, as for the RTSP server's port).
    """
    password = demo_ptz_password(env)
    context = {"env": {**(env if env is not None else os.environ), PTZ_PASSWORD_ENV: password}}
    chosen = set(demo_ptz_ids(site, count))
    base = server_url_base.rstrip("/")
    cameras: list[Camera] = []
    for cam in site.cameras:
        if cam.id not in chosen:
            cameras.append(cam)
            continue
        port = (ports or {}).get(cam.id) or free_port()
        data: dict[str, Any] = cam.model_dump(exclude={"source", "credentials", "ptz", "tags"})
        data.update(
            source=RtspSource(main=f"{base}/{cam.id}_main", sub=f"{base}/{cam.id}", transport="tcp"),
            credentials=Credentials.model_validate(
                {"username": PTZ_USERNAME, "password_env": PTZ_PASSWORD_ENV}, context=context
            ),
            ptz=PtzSettings(endpoint=f"http://{HOST}:{port}/onvif/device_service"),
            tags=(*cam.tags, PTZ_TAG),
        )
        cameras.append(Camera.model_validate(data, context=context))
    return site.model_copy(update={"cameras": tuple(cameras)})


def is_demo_ptz(camera: Camera) -> bool:
    """A PTZ camera served by the demo (simulator on loopback, streams on the demo server)."""
    if camera.ptz is None or not isinstance(camera.source, RtspSource):
        return False
    return urlsplit(camera.ptz.endpoint).hostname == HOST


def ptz_mounts(site: SiteConfig, panorama: PanoramaClip) -> list[dict[str, Any]]:
    """The ``ptz`` mounts (sub and main) of the site's demo PTZ cameras."""
    mounts: list[dict[str, Any]] = []
    for index, cam in enumerate(site.cameras):
        if not is_demo_ptz(cam):
            continue
        assert isinstance(cam.source, RtspSource)
        view = view_rect(*ptz_home(cam.id)).as_list()
        for url, (width, height), kbps in (
            (cam.source.sub, SUB_SIZE, SUB_KBPS),
            (cam.source.main, MAIN_SIZE, MAIN_KBPS),
        ):
            if url is None:
                continue
            mounts.append(
                {
                    "path": urlsplit(url).path.lstrip("/"),
                    "mode": "ptz",
                    "file": str(panorama.path),
                    "offset_frames": index * 37,
                    "ptz_id": cam.id,
                    "tile_width": panorama.tile_width,
                    "width": width,
                    "height": height,
                    "bitrate_kbps": kbps,
                    "view": view,
                }
            )
    return mounts


@dataclass
class DemoPtz:
    """The running demo PTZ simulators (by camera id) and their WS-Discovery responder."""

    cameras: dict[str, PtzCameraSimulator] = field(default_factory=dict)
    discovery: WsDiscoveryResponder | None = None

    def stop(self) -> None:
        if self.discovery is not None:
            self.discovery.stop()
        for sim in self.cameras.values():
            sim.stop()

    def __enter__(self) -> DemoPtz:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo_ptz(
    site: SiteConfig,
    server: DemoRtspServer | None,
    *,
    presets_dir: Path | None = None,
    discovery: bool = True,
) -> DemoPtz:
    """Start a simulator for every demo PTZ camera of ``site``; their moves drive ``server``'s views.

    ``presets_dir``: keep each camera's presets in ``<dir>/<camera id>.json`` across runs (a new
    camera starts with three presets). ``discovery``: also answer WS-Discovery probes on a loopback
    UDP port (``result.discovery.address``).
    """
    running = DemoPtz()
    try:
        for cam in site.cameras:
            if not is_demo_ptz(cam):
                continue
            running.cameras[cam.id] = _simulator(cam, server, presets_dir)
        if discovery and running.cameras:
            sims = list(running.cameras.values())
            running.discovery = WsDiscoveryResponder(lambda: [s.discovery_record() for s in sims]).start()
    except BaseException:
        running.stop()
        raise
    log.info("demo PTZ cameras: %s", ", ".join(running.cameras) or "none")
    return running


def _simulator(cam: Camera, server: DemoRtspServer | None, presets_dir: Path | None) -> PtzCameraSimulator:
    assert cam.ptz is not None and isinstance(cam.source, RtspSource)
    creds = cam.credentials
    password = creds.password.get_secret_value() if creds and creds.password else demo_ptz_password()
    sub = cam.source.sub or cam.source.main
    streams = (
        StreamProfile("Profile_1", "mainStream", cam.source.main, *MAIN_SIZE, bitrate_kbps=MAIN_KBPS),
        StreamProfile("Profile_2", "subStream", sub, *SUB_SIZE, bitrate_kbps=SUB_KBPS),
    )
    presets_path = presets_dir / f"{cam.id}.json" if presets_dir is not None else None
    fresh = presets_path is None or not presets_path.exists()
    home = ptz_home(cam.id)

    def show(rect: Any, camera_id: str = cam.id) -> None:
        if server is not None:
            server.set_view(camera_id, rect.as_list())

    sim = PtzCameraSimulator(
        cam.name,
        username=creds.username if creds else PTZ_USERNAME,
        password=password,
        streams=streams,
        port=urlsplit(cam.ptz.endpoint).port or 0,
        presets_path=presets_path,
        home=home,
        on_view=show if server is not None else None,
        location=cam.group or "",
    )
    if fresh:
        sim.seed_presets([(name, *aim(x, y, zoom)) for name, x, y, zoom in SEED_PRESETS])
    return sim.start()
