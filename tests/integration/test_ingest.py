"""Ingest against a real RTSP server (gst-rtsp-server on loopback), through real worker processes."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import numpy as np
import psutil
import pytest

from app.core.stream_health import HealthPolicy, StreamState
from app.demo.clips import ClipSet
from app.media.protocol import CameraSpec, SecretUrl, ViewMode
from app.media.supervisor import IngestSupervisor
from tests.integration.conftest import StartServer
from tests.waiting import wait_until

pytestmark = [pytest.mark.peer, pytest.mark.slow, pytest.mark.heavy]

TILE = (192, 108)
FAST_POLICY = HealthPolicy(
    stall_after_s=1.5, backoff_initial_s=0.3, backoff_max_s=3.0, offline_after_s=6.0, picture_timeout_s=3.0
)


def specs_for(base_url: str, names: list[str], transport: Literal["tcp", "udp"] = "tcp") -> list[CameraSpec]:
    return [
        CameraSpec(name, SecretUrl(f"{base_url}/{name}"), None, transport=transport, policy=FAST_POLICY)
        for name in names
    ]


@contextmanager
def running(specs: list[CameraSpec], workers: int | None = None) -> Iterator[IngestSupervisor]:
    supervisor = IngestSupervisor(specs, workers=workers)
    supervisor.start()
    try:
        yield supervisor
    finally:
        supervisor.stop()


def states(supervisor: IngestSupervisor, cameras: list[str] | None = None) -> dict[str, StreamState]:
    return {c: supervisor.health(c).state for c in cameras or supervisor.camera_ids}


def all_in(supervisor: IngestSupervisor, wanted: set[StreamState], cameras: list[str] | None = None) -> bool:
    return all(s in wanted for s in states(supervisor, cameras).values())


def frames(supervisor: IngestSupervisor, camera_id: str) -> int:
    meta = supervisor.frame_meta(camera_id)
    return 0 if meta is None else meta.count


def show_all(
    supervisor: IngestSupervisor, mode: ViewMode = ViewMode.LIVE, size: tuple[int, int] = TILE
) -> None:
    supervisor.set_demands("test", {c: (mode, size) for c in supervisor.camera_ids})


def test_hundred_cameras_go_live_and_survive_a_server_restart(rtsp_server: StartServer) -> None:
    server = rtsp_server(100)
    names = [f"cam{i:03d}" for i in range(1, 101)]
    with running(specs_for(server.base_url, names)) as supervisor:
        show_all(supervisor)
        wait_until(
            lambda: all_in(supervisor, {StreamState.LIVE}) and all(frames(supervisor, n) > 0 for n in names),
            30,
            "all 100 cameras to be live with a picture",
        )
        for name in ("cam001", "cam050", "cam100"):
            got = supervisor.read_frame(name)
            assert got is not None
            image, meta, from_main = got
            assert not from_main and (meta.width, meta.height) == (132, 108)  # CIF 11:9 fitted into 192x108
            assert float(image[..., :3].std()) > 10, f"{name} shows a flat picture"

        server.kill()
        # Not frozen "live": every camera notices and says it is reconnecting.
        wait_until(
            lambda: all_in(supervisor, {StreamState.RECONNECTING, StreamState.OFFLINE}),
            15,
            "every camera to leave 'live' after the server died",
        )
        counts = {n: frames(supervisor, n) for n in names}
        assert supervisor.health("cam042").last_error

        server.start()  # same port
        took = wait_until(
            lambda: (
                all_in(supervisor, {StreamState.LIVE})
                and all(frames(supervisor, n) > counts[n] for n in names)
            ),
            10,
            "all 100 cameras to be live again within 10 s of the server's restart",
        )
        print(f"all 100 live again {took:.1f} s after the restart")


def test_garbage_and_truncated_mounts_fail_only_their_own_camera(
    rtsp_server: StartServer, demo_clips: ClipSet
) -> None:
    server = rtsp_server(
        4,
        extra_mounts=[
            {"path": "garbage", "mode": "garbage"},
            {"path": "truncated", "file": str(demo_clips.truncated), "mode": "file"},
        ],
    )
    good = [f"cam{i:03d}" for i in range(1, 5)]
    with running(specs_for(server.base_url, [*good, "garbage", "truncated"]), workers=1) as supervisor:
        show_all(supervisor)
        wait_until(lambda: all_in(supervisor, {StreamState.LIVE}, good), 20, "the good cameras to go live")
        before = {n: frames(supervisor, n) for n in good}
        wait_until(
            lambda: all(supervisor.health(n).attempts >= 2 for n in ("garbage", "truncated")),
            20,
            "the broken mounts to fail (twice each)",
        )
        for name in ("garbage", "truncated"):
            health = supervisor.health(name)
            assert health.state != StreamState.LIVE or frames(supervisor, name) == 0
            assert health.last_error
        # Same worker process, yet the good cameras kept delivering throughout.
        assert all_in(supervisor, {StreamState.LIVE}, good)
        assert all(frames(supervisor, n) > before[n] + 10 for n in good)
        assert supervisor.worker_restarts == 0


def test_a_crashed_decoder_process_takes_down_only_its_cameras(rtsp_server: StartServer) -> None:
    server = rtsp_server(8)
    names = [f"cam{i:03d}" for i in range(1, 9)]
    with running(specs_for(server.base_url, names), workers=2) as supervisor:
        show_all(supervisor)
        wait_until(lambda: all_in(supervisor, {StreamState.LIVE}), 20, "all cameras live")
        victims = [n for n in names if supervisor.worker_of(n) == 0]
        others = [n for n in names if supervisor.worker_of(n) == 1]
        assert victims and others
        pid = supervisor.worker_pids()[0]
        assert pid is not None
        assert psutil.Process(pid).nice() != psutil.Process().nice()  # decoding yields to the GUI
        before = {n: frames(supervisor, n) for n in others}
        os.kill(pid, signal.SIGKILL)
        wait_until(
            lambda: all(supervisor.health(n).state != StreamState.LIVE for n in victims),
            5,
            "the crashed worker's cameras to stop claiming 'live'",
        )
        assert "decoder process" in (supervisor.health(victims[0]).last_error or "")
        assert all_in(supervisor, {StreamState.LIVE}, others)
        wait_until(lambda: all_in(supervisor, {StreamState.LIVE}), 15, "the restarted worker's cameras")
        assert supervisor.worker_pids()[0] != pid
        restarted = supervisor.worker_pids()[0]
        assert restarted is not None and psutil.Process(restarted).nice() != psutil.Process().nice()
        assert supervisor.worker_restarts == 1
        assert all(frames(supervisor, n) > before[n] for n in others)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP freezes a process only on POSIX")
def test_a_hung_decoder_process_is_killed_and_replaced(rtsp_server: StartServer) -> None:
    server = rtsp_server(4)
    names = [f"cam{i:03d}" for i in range(1, 5)]
    with running(specs_for(server.base_url, names), workers=2) as supervisor:
        show_all(supervisor)
        wait_until(lambda: all_in(supervisor, {StreamState.LIVE}), 20, "all cameras live")
        pid = supervisor.worker_pids()[1]
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)  # frozen: no heartbeat, no frames, no messages
        wait_until(lambda: supervisor.worker_pids()[1] != pid, 15, "the hung worker to be replaced")
        wait_until(lambda: all_in(supervisor, {StreamState.LIVE}), 15, "its cameras to come back")


def test_view_modes_keyframes_live_and_focus_switch_seamlessly(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    spec = CameraSpec(
        "cam001",
        SecretUrl(f"{server.base_url}/cam001"),
        SecretUrl(f"{server.base_url}/cam001"),  # same URL: the main pull must not be duplicated
        policy=FAST_POLICY,
    )
    with running([spec], workers=1) as supervisor:
        supervisor.set_demand("wall", "cam001", ViewMode.KEYFRAMES, TILE)
        wait_until(lambda: frames(supervisor, "cam001") >= 2, 10, "key frames")
        start, t0 = frames(supervisor, "cam001"), time.monotonic()
        time.sleep(3)
        keyframe_rate = (frames(supervisor, "cam001") - start) / (time.monotonic() - t0)
        assert 0.3 <= keyframe_rate <= 2.5, f"key frames only: ~1/s expected, got {keyframe_rate:.1f}/s"

        supervisor.set_demand("wall", "cam001", ViewMode.LIVE, TILE)
        start, t0 = frames(supervisor, "cam001"), time.monotonic()
        time.sleep(3)
        live_rate = (frames(supervisor, "cam001") - start) / (time.monotonic() - t0)
        assert live_rate >= 10, f"live: ~15 fps expected, got {live_rate:.1f}"

        supervisor.set_demand("wall", "cam001", ViewMode.FOCUSED, (704, 576))
        got = supervisor.read_frame("cam001")
        assert got is not None  # seamless: a picture is there at once (the tile's) before the focus one
        wait_until(lambda: (r := supervisor.read_frame("cam001")) is not None and r[2], 10, "focus frames")
        got = supervisor.read_frame("cam001")
        assert got is not None and got[2] and (got[1].width, got[1].height) == (352, 288)  # never upscaled

        supervisor.set_demand("wall", "cam001", ViewMode.LIVE, TILE)
        got = supervisor.read_frame("cam001")
        assert got is not None and not got[2]  # back on the tile stream at once: it never stopped
        wait_until(
            lambda: (r := supervisor.read_frame("cam001")) is not None and r[1].width == 132, 5, "tile size"
        )


def test_focus_uses_the_separate_main_stream(rtsp_server: StartServer, demo_clips: ClipSet) -> None:
    main_clip = str(demo_clips.clip(demo_clips.variants[0], "main"))
    server = rtsp_server(1, extra_mounts=[{"path": "cam001_main", "file": main_clip, "mode": "loop"}])
    spec = CameraSpec(
        "cam001", SecretUrl(f"{server.base_url}/cam001"), SecretUrl(f"{server.base_url}/cam001_main")
    )
    with running([spec], workers=1) as supervisor:
        supervisor.set_demand("wall", "cam001", ViewMode.FOCUSED, (1280, 720))
        wait_until(
            lambda: (r := supervisor.read_frame("cam001")) is not None and r[2], 15, "main-stream frames"
        )
        got = supervisor.read_frame("cam001")
        assert got is not None and (got[1].width, got[1].height) == (704, 576)
        # Frames come through shared memory, health through the worker's pipe: it may lag a little.
        wait_until(lambda: supervisor.health("cam001").main_state == StreamState.LIVE, 5, "main stream LIVE")
        # The tile stream keeps running meanwhile (for other walls and a seamless return).
        wait_until(
            lambda: (t := supervisor.read_frame("cam001", main=False)) is not None and t[1].width <= 352,
            10,
            "tile",
        )


def test_udp_transport_works(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    specs = specs_for(server.base_url, ["cam001"], transport="udp")
    with running(specs, workers=1) as supervisor:
        show_all(supervisor)
        wait_until(lambda: frames(supervisor, "cam001") > 15, 15, "frames over UDP")


def test_a_camera_nobody_answers_goes_offline_with_the_reason() -> None:
    spec = CameraSpec(
        "dead",
        SecretUrl("rtsp://admin:Sup3rSecret@127.0.0.1:9/stream"),  # discard port: refused
        None,
        policy=HealthPolicy(backoff_initial_s=0.2, backoff_max_s=0.5, offline_after_s=1.5),
        secrets=("Sup3rSecret",),
    )
    with running([spec], workers=1) as supervisor:
        show_all(supervisor)
        wait_until(lambda: supervisor.health("dead").state == StreamState.OFFLINE, 10, "offline")
        health = supervisor.health("dead")
        assert health.last_error and "refused" in health.last_error
        assert "Sup3rSecret" not in repr(health)
        assert supervisor.read_frame("dead") is None


def test_frames_are_decoded_at_the_requested_tile_size(rtsp_server: StartServer) -> None:
    server = rtsp_server(1)
    with running(specs_for(server.base_url, ["cam001"]), workers=1) as supervisor:
        supervisor.set_demand("wall", "cam001", ViewMode.LIVE, (96, 54))
        wait_until(
            lambda: (r := supervisor.read_frame("cam001")) is not None and r[1].height == 54, 10, "54 px"
        )
        supervisor.set_demand("wall", "cam001", ViewMode.LIVE, (400, 400))
        wait_until(
            lambda: (r := supervisor.read_frame("cam001")) is not None and r[1].width == 352, 10, "CIF"
        )
        got = supervisor.read_frame("cam001")
        assert got is not None
        assert got[0].shape == (288, 352, 4) and np.all(got[0][..., 3] == 255)
