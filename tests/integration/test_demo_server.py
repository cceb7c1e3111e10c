"""The demo RTSP server, exercised by real RTSP clients (PyAV) on loopback."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass

import av
import psutil
import pytest

from app.demo.clips import ClipSet
from app.demo.rtsp_server import DemoRtspServer, DemoServerError, free_port
from app.demo.site import build_demo_site, demo_manifest
from camera_config.models import RtspSource
from tests.integration.conftest import TEST_CLIP_SECONDS, StartServer

pytestmark = pytest.mark.heavy  # tests/conftest.py: never beside another heavy module

# FFmpeg's default analysis window makes every open take ~2 s; half a second is plenty here.
OPTIONS = {"rtsp_transport": "tcp", "analyzeduration": "500000"}


@dataclass
class Decoded:
    frames: int = 0
    packets: int = 0
    size: tuple[int, int] | None = None
    error: Exception | None = None
    ended: bool = False


def decode(url: str, want_frames: int = 10, seconds: float = 5.0) -> Decoded:
    """Read ``url`` until ``want_frames`` pictures, the end of the stream or ``seconds``."""
    out = Decoded()
    deadline = time.monotonic() + seconds
    try:
        with av.open(url, options=OPTIONS, timeout=(5.0, 3.0)) as container:
            stream = container.streams.video[0]
            for packet in container.demux(stream):
                if packet.size == 0:
                    out.ended = True
                    break
                out.packets += 1
                for frame in packet.decode():
                    out.frames, out.size = out.frames + 1, (frame.width, frame.height)
                if out.frames >= want_frames or time.monotonic() > deadline:
                    break
            else:
                out.ended = True
    except av.FFmpegError as exc:
        out.error = exc
    return out


@pytest.mark.peer
@pytest.mark.slow
def test_100_mounts_serve_decodable_cif(rtsp_server: StartServer) -> None:
    server = rtsp_server(100)
    for cam in ("cam001", "cam050", "cam100"):
        got = decode(server.url(cam))
        assert got.error is None, f"{cam}: {got.error}\n{server.output()}"
        assert got.frames >= 10 and got.size == (352, 288), cam


@pytest.mark.peer
def test_garbage_mount_fails_to_decode_while_a_normal_mount_works(rtsp_server: StartServer) -> None:
    server = rtsp_server(1, extra_mounts=[{"path": "garbage", "mode": "garbage"}])
    bad = decode(server.url("garbage"), seconds=3.0)
    assert bad.frames == 0
    assert bad.error is not None or bad.packets > 0, "the garbage mount sent nothing at all"
    good = decode(server.url("cam001"))
    assert good.frames >= 10
    assert server.running, server.output()


@pytest.mark.peer
def test_truncated_file_mount_ends_early(rtsp_server: StartServer, demo_clips: ClipSet) -> None:
    assert demo_clips.truncated is not None
    broken = {"path": "broken", "file": str(demo_clips.truncated), "mode": "file"}
    server = rtsp_server(0, extra_mounts=[broken])
    full_clip_frames = int(TEST_CLIP_SECONDS * demo_clips.fps)
    got = decode(server.url("broken"), want_frames=full_clip_frames, seconds=8.0)
    assert got.frames < full_clip_frames * 0.8
    assert got.ended or got.error is not None
    assert server.running, server.output()


@pytest.mark.peer
def test_kill_then_start_again_on_the_same_port(rtsp_server: StartServer) -> None:
    server = rtsp_server(2)
    port, first_pid = server.port, server.pid
    server.kill()
    assert not server.running
    assert decode(server.url("cam001"), seconds=2.0).error is not None  # nobody listens now
    server.start()
    assert server.port == port and server.pid != first_pid
    assert decode(server.url("cam002")).frames >= 10


@pytest.mark.peer
def test_stop_while_streaming_exits_cleanly(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    with av.open(server.url("cam001"), options=OPTIONS, timeout=(5.0, 3.0)) as container:
        next(container.decode(video=0))  # a session is active
        server.stop()
    assert server.returncode == 0, server.output()  # SIGTERM sufficed: no kill after the grace time


@pytest.mark.peer
def test_demo_site_serves_sub_and_main_streams(demo_clips: ClipSet) -> None:
    port = free_port()  # the site's URLs need the port before the server starts
    site = build_demo_site(f"rtsp://127.0.0.1:{port}", n_cameras=7)
    source = site.camera("cam003").source
    assert isinstance(source, RtspSource) and source.sub is not None
    with DemoRtspServer(demo_manifest(site, demo_clips), port=port):
        sub, main = decode(source.sub), decode(source.main)
    assert (sub.size, main.size) == ((352, 288), (704, 576))


@pytest.mark.peer
def test_server_exits_when_its_parent_dies() -> None:
    # A crashed test run or app must not leave 100 cameras streaming in the background.
    parent_code = (
        "from app.demo.rtsp_server import DemoRtspServer; import time; "
        "s = DemoRtspServer({'mounts': [{'path': 'g', 'mode': 'garbage'}]}).start(); "
        "print(s.pid, flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen([sys.executable, "-c", parent_code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 3.0
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(server_pid)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for init to reap it counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.mark.parametrize("python", ["/nonexistent/python3", sys.executable])
def test_missing_gstreamer_python_gives_a_clear_error(python: str) -> None:
    # The venv's own interpreter stands for "a Python without gi".
    server = DemoRtspServer({"mounts": [{"path": "cam001", "file": "unused.mp4"}]}, python=python)
    with pytest.raises(DemoServerError, match=r"GStreamer RTSP server not found.*apt-get install"):
        server.start()
    assert not server.running
