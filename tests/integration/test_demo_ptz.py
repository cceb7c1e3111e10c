"""The demo site's PTZ domes: configuration, simulators, and their live views on the RTSP server."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.discovery import discover
from app.core.ptz_port import PtzVector
from app.demo.clips import ClipSet
from app.demo.panorama import PanoramaClip, generate_panorama_clip
from app.demo.ptz_site import PTZ_TAG, demo_ptz_ids
from app.demo.rtsp_server import DemoRtspServer, free_port
from app.demo.site import PTZ_PASSWORD_ENV, add_demo_ptz, build_demo_site, demo_manifest, start_demo_ptz
from camera_config.models import RtspSource
from tests.waiting import open_ptz_stream


@pytest.fixture(scope="module")
def panorama(tmp_path_factory: pytest.TempPathFactory) -> PanoramaClip:
    return generate_panorama_clip(tmp_path_factory.mktemp("panorama"), duration_s=2.0)


def test_several_demo_cameras_become_ptz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PTZ_PASSWORD_ENV, "")  # recorded, so the password set below is undone after
    monkeypatch.delenv(PTZ_PASSWORD_ENV)
    site = build_demo_site("rtsp://127.0.0.1:8554", n_cameras=100)
    assert demo_ptz_ids(site) == ["cam001", "cam026", "cam051", "cam076"]
    ptz_site = add_demo_ptz(site, "rtsp://127.0.0.1:8554")
    password = os.environ[PTZ_PASSWORD_ENV]  # made up by the demo itself
    domes = [c for c in ptz_site.cameras if c.ptz is not None]
    assert [c.id for c in domes] == ["cam001", "cam026", "cam051", "cam076"]
    for cam in domes:
        assert cam.credentials is not None and cam.credentials.password_env == PTZ_PASSWORD_ENV
        assert (
            cam.credentials.password is not None and cam.credentials.password.get_secret_value() == password
        )
        assert cam.ptz is not None and cam.ptz.endpoint.startswith("http://127.0.0.1:")
        assert PTZ_TAG in cam.tags and cam.name == site.camera(cam.id).name
    ports = Counter(c.ptz.endpoint for c in domes if c.ptz is not None)
    assert len(ports) == 4  # one simulator each
    assert password not in ptz_site.model_dump_json()


def test_manifest_serves_ptz_mounts_for_the_domes(demo_clips: ClipSet, panorama: PanoramaClip) -> None:
    site = add_demo_ptz(
        build_demo_site("rtsp://127.0.0.1:8554", n_cameras=8), "rtsp://127.0.0.1:8554", count=2
    )
    manifest = demo_manifest(site, demo_clips, panorama=panorama)
    mounts = {m["path"]: m for m in manifest["mounts"]}
    assert len(mounts) == len(manifest["mounts"]) == 16  # sub and main of every camera, once
    domes = demo_ptz_ids(site, 2)
    for cam_id in domes:
        for path, width in ((cam_id, 640), (f"{cam_id}_main", 1280)):
            assert mounts[path]["mode"] == "ptz" and mounts[path]["ptz_id"] == cam_id
            assert mounts[path]["width"] == width and len(mounts[path]["view"]) == 4
    assert {m["mode"] for p, m in mounts.items() if p.removesuffix("_main") not in domes} == {"loop"}
    # without a panorama the domes play ordinary clips, as before
    assert {m["mode"] for m in demo_manifest(site, demo_clips)["mounts"]} == {"loop"}


@pytest.mark.peer
@pytest.mark.slow
def test_demo_ptz_cameras_run(demo_clips: ClipSet, panorama: PanoramaClip, tmp_path: Path) -> None:
    port = free_port()
    base = f"rtsp://127.0.0.1:{port}"
    site = add_demo_ptz(build_demo_site(base, n_cameras=4), base, count=1)
    cam = site.camera("cam001")
    assert isinstance(cam.source, RtspSource) and cam.source.sub is not None
    with (
        DemoRtspServer(demo_manifest(site, demo_clips, port=port, panorama=panorama), port=port) as server,
        start_demo_ptz(site, server, presets_dir=tmp_path) as ptz,
    ):
        assert list(ptz.cameras) == ["cam001"] and ptz.discovery is not None
        with OnvifClient(OnvifEndpoint.for_ptz(cam)) as client:
            presets = client.presets()
            assert [p.name for p in presets] == [
                "全景",
                "人行道",
                "商铺门口",
                "路口",
            ]  # seeded at first start
            assert client.streams() == (cam.source.main, cam.source.sub)
            client.goto_preset(presets[2].token)
            client.relative_move(PtzVector(pan=0.01))
        found = discover(timeout_s=0.4, target=ptz.discovery.address)
        assert [d.device_url for d in found] == [cam.ptz.endpoint if cam.ptz else None]
        with open_ptz_stream(cam.source.sub, server.output) as container:
            frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (640, 360)
        assert "WARNING" not in server.output() and "ERROR" not in server.output()
    assert (tmp_path / "cam001.json").is_file()  # presets kept for the next run
