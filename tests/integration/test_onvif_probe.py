"""Probing addresses by hand: the demo's ONVIF camera and odd peers on loopback addresses (127.0.0.x).

Every 127.0.0.x address is this machine, so a "range" of them is a real sweep: the camera listens on
one, a web page, a silent device and a non-HTTP banner on others, and the rest refuse the port.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.onboarding import camera_from_discovery, inspect_device
from app.adapters.onvif.probe import ProbeResult, probe_addresses
from app.adapters.onvif.problems import DiscoveryProblem, ProblemKind
from app.adapters.onvif.targets import parse_targets
from app.demo.ptz_camera import PtzCameraSimulator
from tests.odd_peers import Babbler, Tarpit, WebServer

PASSWORD = "probe-0very!"
CAMERA_HOST = "127.0.0.7"


@pytest.fixture
def camera() -> Iterator[PtzCameraSimulator]:
    with PtzCameraSimulator("西门 球机", password=PASSWORD, host=CAMERA_HOST, location="示范区/西门") as sim:
        yield sim


def probe(text: str, ports: tuple[int, ...], **kwargs: Any) -> tuple[ProbeResult, list[DiscoveryProblem]]:
    problems: list[DiscoveryProblem] = []
    result = probe_addresses(parse_targets(text), ports=ports, on_problem=problems.append, **kwargs)
    return result, problems


def test_probing_one_address_finds_the_camera_with_its_name_and_model(camera: PtzCameraSimulator) -> None:
    result, problems = probe(CAMERA_HOST, (80, camera.port), username="admin", password=PASSWORD)
    assert problems == [] and not result.cancelled
    (device,) = result.devices
    assert device.device_url == camera.device_url and device.found_by == "probe"
    assert device.name == "西门 球机" and device.location == "city/示范区/西门"  # GetScopes
    assert device.hardware == "CW-PTZ-20X" and device.info is not None
    assert device.info.manufacturer == "CityWall Demo"
    # and it becomes a site camera as a WS-Discovery find does
    cam = camera_from_discovery(inspect_device(device, "admin", PASSWORD), "cam201")
    assert cam.ptz is not None and cam.ptz.endpoint == camera.device_url


def test_without_a_login_the_camera_is_found_and_its_login_left_to_check(camera: PtzCameraSimulator) -> None:
    result, problems = probe(f"{CAMERA_HOST}:{camera.port}", ())
    assert problems == []
    (device,) = result.devices
    assert device.info is None and not device.login_refused and device.label == CAMERA_HOST
    assert [op for op in camera.operations()] == ["GetSystemDateAndTime"]  # asked nothing that needs a login
    result, problems = probe(f"{CAMERA_HOST}:{camera.port}", (), username="admin", password="wrong")
    assert problems == [] and result.devices[0].login_refused


def test_a_small_range_finds_the_one_camera_among_closed_ports(camera: PtzCameraSimulator) -> None:
    seen: list[tuple[float, int]] = []
    result, problems = probe(
        "127.0.0.1-16",
        (camera.port,),
        username="admin",
        password=PASSWORD,
        progress=lambda f, d: seen.append((f, len(d))),
    )
    assert [d.device_url for d in result.devices] == [camera.device_url]
    assert problems == [] and result.silent == 15  # a range's silent addresses are counted, not listed
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any(0 < f < 1 for f in fractions) and seen[-1][1] == 1


def test_answers_that_are_not_onvif_are_listed_with_the_reason(camera: PtzCameraSimulator) -> None:
    port = camera.port  # the same port on other loopback addresses
    with (
        WebServer("127.0.0.3", port, title="路由器登录"),
        WebServer("127.0.0.4", port, status=401),
        Tarpit("127.0.0.5", port),
        Babbler("127.0.0.6", port),
    ):
        result, problems = probe("127.0.0.1-8, 10.20.30.40, 127.0.0.9", (port,), timeout_s=2.0)
        assert [d.device_url for d in result.devices] == [camera.device_url]
        by_address = {p.address: p for p in problems}
        assert by_address[f"127.0.0.3:{port}"].kind is ProblemKind.NOT_ONVIF
        assert "HTTP 200, text/html" in by_address[f"127.0.0.3:{port}"].detail
        assert "路由器登录" in by_address[f"127.0.0.3:{port}"].detail
        assert by_address[f"127.0.0.4:{port}"].kind is ProblemKind.AUTH_REQUIRED
        assert by_address[f"127.0.0.5:{port}"].kind is ProblemKind.TIMEOUT
        assert by_address[f"127.0.0.6:{port}"].kind is ProblemKind.NOT_HTTP
        assert by_address["10.20.30.40"].kind is ProblemKind.BLOCKED  # the tests' network guard
        assert by_address["127.0.0.9"].kind is ProblemKind.NO_ANSWER  # named by hand: said
        assert by_address["127.0.0.9"].detail == f"{port} refused"
        assert len(problems) == 6  # the range's refusing addresses are not listed one by one
        # With a login, the page behind a login refuses it: said so, not listed as a camera.
        result, problems = probe(f"127.0.0.4:{port}", (), username="admin", password=PASSWORD)
        assert result.devices == () and [p.kind for p in problems] == [ProblemKind.AUTH_REFUSED]
        assert PASSWORD not in repr(problems)


def test_cancel_stops_a_probe_at_once() -> None:
    hosts = [f"127.0.0.{n}" for n in range(20, 52)]
    port = 0
    pits: list[Tarpit] = []
    try:
        first = Tarpit(hosts[0]).start()
        port = first.port
        pits = [first] + [Tarpit(h, port).start() for h in hosts[1:]]
        cancel = threading.Event()
        seen: list[float] = []

        def progress(fraction: float, _devices: tuple[DiscoveredDevice, ...]) -> None:
            seen.append(fraction)
            if fraction >= 0.5:  # every port scanned; 32 silent devices of 5 s each left to ask
                cancel.set()

        start = time.monotonic()
        result = probe_addresses(
            parse_targets("127.0.0.20-51"),
            ports=(port,),
            timeout_s=5.0,
            workers=4,
            progress=progress,
            cancel=cancel,
        )
        assert result.cancelled and result.devices == ()
        assert time.monotonic() - start < 4.0  # not the 40 s the silent devices would take
        assert max(seen) < 1.0
    finally:
        for pit in pits:
            pit.stop()


@pytest.mark.slow
def test_probe_bench_runs_and_ends_with_result_line() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, str(root / "bench" / "probe.py"), "--seconds", "0", "--cameras", "1"]
    command += ["--silent", "1", "--timeout", "3"]  # room for a busy machine: the camera must answer
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("RESULT ") and "found=1 " in last, done.stdout
    assert {item.split("=")[0] for item in last.split()[1:]} == {
        "sweep_s",
        "addresses_per_s",
        "found",
        "cancel_s",
    }
