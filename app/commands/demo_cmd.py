"""`citywall demo`: the embedded demo site — 100 cameras on a local RTSP server, no hardware."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from app.commands.common import add_run_options, alert_store_problem, data_folder_problem, run_options

DEMO_OPERATOR = "演示座席员"  # the demo's operator on shift when it runs without a screen

if TYPE_CHECKING:  # decoder workers re-import the entry script: keep this module light
    from camera_config.models import SiteConfig


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="open the wall on the embedded demo site (local RTSP server, real street footage)",
        description="Generates the demo clips (first run only), starts a local RTSP server with one "
        "mount per camera and opens the wall on it. Without a display it runs headless for 20 s and "
        "saves a screenshot.",
    )
    parser.add_argument("--cameras", type=int, default=100, help="number of demo cameras (default 100)")
    parser.add_argument("--clip-seconds", type=float, default=36.0, help="length of the looped clips")
    parser.add_argument(
        "--scene-seconds",
        type=_above_zero,
        default=None,
        help="length of the scripted scenes' clips, their stories scaled to fit (default 180; short "
        "runs only: the alerts come at the full length's times)",
    )
    add_run_options(parser)
    parser.set_defaults(handler=handle)


def _above_zero(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0 s, not {text}")
    return value


def _progress(fraction: float, message: str) -> None:
    bar = "#" * int(fraction * 30)
    print(f"\r[{bar:<30}] {fraction:4.0%} {message[:60]:<60}", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)


def _no_display() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def with_demo_patrols(site: SiteConfig) -> SiteConfig:
    """Demo PTZ cameras patrol their three seeded presets (全景 → 人行道 → 商铺门口) when started."""
    from camera_config.models import Patrol, PatrolStep

    steps = [PatrolStep(preset=name, dwell_s=15) for name in ("全景", "人行道", "商铺门口")]
    cameras = []
    for camera in site.cameras:
        if camera.ptz is not None and camera.ptz.patrol is None:
            ptz = camera.ptz.model_copy(update={"patrol": Patrol(steps=tuple(steps), resume_after_s=20)})
            camera = camera.model_copy(update={"ptz": ptz})
        cameras.append(camera)
    return site.model_copy(update={"cameras": tuple(cameras)})


def with_demo_city_platform(site: SiteConfig, url: str) -> SiteConfig:
    """Cases are sent to the demo's local city platform (as a site's would be to the city's)."""
    from camera_config.case_settings import ExportSettings

    cases = site.cases.model_copy(update={"export": ExportSettings(endpoint=url)})
    return site.model_copy(update={"cases": cases})


def handle(args: argparse.Namespace) -> int:
    from app.adapters.data_folder import DataFolderError, check_folder
    from app.core.alert_ports import SchemaTooNew, StoreUnavailable
    from app.demo.city_platform import DemoCityPlatform
    from app.demo.clips import generate_demo_clips
    from app.demo.panorama import generate_panorama_clip
    from app.demo.rtp_speaker import RtpSpeaker
    from app.demo.rtsp_server import DemoRtspServer, DemoServerError, free_port
    from app.demo.scene_clips import generate_scene_clips
    from app.demo.scenes import SCENE_CAMERAS, add_demo_scenes, scaled_scripts, with_scene_mounts
    from app.demo.site import (
        add_demo_ptz,
        build_demo_site,
        demo_manifest,
        start_demo_ptz,
        write_demo_site_yaml,
    )
    from app.demo.views import seed_demo_views
    from app.demo.voice_site import add_demo_voice, speaker_ports
    from app.log_setup import configure_logging
    from app.main import run_site

    configure_logging(None, args.log_level)  # stderr until the data folder is known
    demo_dir = (args.data_dir or Path(platformdirs.user_data_dir("citywall"))) / "demo"
    try:
        writable = check_folder(demo_dir).writable
    except DataFolderError as exc:
        return data_folder_problem(exc.folder, exc.reason, offscreen=args.offscreen)

    if _no_display() and not args.offscreen:
        shot = Path(tempfile.gettempdir()) / "citywall-demo.png"
        print(f"No display found: running the demo headless for 20 s; screenshot → {shot}", file=sys.stderr)
        args.offscreen = True
        args.seconds = args.seconds or 20.0
        args.screenshot = args.screenshot or shot
    print("Preparing demo footage…", file=sys.stderr)
    clips = generate_demo_clips(duration_s=args.clip_seconds, progress=_progress)
    panorama = generate_panorama_clip(duration_s=args.clip_seconds, progress=_progress)
    scripts = scaled_scripts(args.scene_seconds)
    scenes = (
        generate_scene_clips(progress=_progress, **scripts) if args.cameras > len(SCENE_CAMERAS) else None
    )
    port = free_port()
    base = f"rtsp://127.0.0.1:{port}"
    # The scripted scenes (a stall that stays, a bin that fills up, a stall that leaves when asked)
    # take three of the places.
    ordinary = args.cameras - (len(SCENE_CAMERAS) if scenes is not None else 0)
    site = with_demo_patrols(add_demo_ptz(build_demo_site(base, n_cameras=ordinary, clips=clips), base))
    if scenes is not None:
        # A loudspeaker at each scene (an RTP receiver on loopback) and the vending ladder on.
        site = add_demo_voice(add_demo_scenes(site, base, scenes))
    shared_views = demo_dir / "shared_views.json"
    site = site.model_copy(update={"site": site.site.model_copy(update={"shared_views": shared_views})})
    site_file = demo_dir / "site.yaml"
    if writable:  # read-only: the wall still runs and says so; nothing is seeded
        seed_demo_views(site, shared_views)
        write_demo_site_yaml(site, site_file)
    print(f"Demo site: {len(site.cameras)} cameras ({site_file})", file=sys.stderr)
    try:
        manifest = demo_manifest(site, clips, port=port, panorama=panorama)
        if scenes is not None:
            manifest = with_scene_mounts(manifest, site, scenes)
        for mount in manifest["mounts"]:  # main and sub of a camera show the same moment, as live
            if mount.get("mode") == "loop":  # cameras do (the evidence still is a later pull)
                mount["live"] = True
        server = DemoRtspServer(manifest, port=port).start()
    except DemoServerError as exc:
        print(f"CityWall demo cannot start its RTSP server: {exc}", file=sys.stderr)
        return 1
    ptz = start_demo_ptz(site, server, presets_dir=demo_dir / "ptz")
    platform = DemoCityPlatform(demo_dir / "city_platform" if writable else Path(tempfile.mkdtemp())).start()
    heard = demo_dir / "heard" if writable else Path(tempfile.mkdtemp(prefix="citywall-heard-"))
    speakers = [RtpSpeaker(name, heard, port).start() for name, port in speaker_ports(site).items()]
    if speakers:
        print(f"The demo's loudspeakers keep what they hear in {heard}", file=sys.stderr)
    site = with_demo_city_platform(site, platform.url)
    print(f"Cases go to the demo city platform: {platform.received}", file=sys.stderr)
    try:
        target = ptz.discovery.address if ptz.discovery is not None else None
        options = run_options(args)
        if options.operator is None and args.offscreen:
            options = dataclasses.replace(options, operator=DEMO_OPERATOR)  # never waits for a name
        if options.role is None:  # the demo walks one person through the whole case loop
            options = dataclasses.replace(options, role="shift_leader")
        code, report = run_site(site, options, discovery_target=target)
    except DataFolderError as exc:
        return data_folder_problem(exc.folder, exc.reason, offscreen=args.offscreen)
    except (SchemaTooNew, StoreUnavailable) as exc:
        return alert_store_problem(exc, offscreen=args.offscreen)
    finally:
        for speaker in speakers:
            speaker.stop()
        platform.stop()
        ptz.stop()
        server.stop()
    if args.seconds is not None:
        live = len(report.ever_live)
        print(f"{live}/{len(report.cameras)} cameras went live", file=sys.stderr)
        if args.screenshot:
            print(f"screenshot: {args.screenshot}", file=sys.stderr)
        if report.never_live:
            print(f"never live: {', '.join(report.never_live)}", file=sys.stderr)
            return 1
    return code
