"""WS-Discovery: probing finds the demo PTZ cameras, and a found camera becomes a site camera.

The responder answers on a loopback UDP port (multicast is not available on loopback here), so the
probe is sent there directly with ``discover(target=...)``; the datagrams are the real ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.discovery import (
    DEVICE,
    VIDEO_TRANSMITTER,
    DiscoveredDevice,
    DiscoveryError,
    camera_from_discovery,
    discover,
    inspect_device,
    parse_probe_matches,
    probe_message,
)
from app.demo.ptz_camera import PtzCameraSimulator
from app.demo.rtsp_server import free_port
from app.demo.ws_discovery import WsDiscoveryResponder, scope_matches
from camera_config.models import Camera, Credentials

PASSWORD = "disc-0very!"
NAMES = ("人民路口 球机", "东门 球机", "西街 球机")


@pytest.fixture
def cameras() -> Iterator[list[PtzCameraSimulator]]:
    sims = [
        PtzCameraSimulator(name, password=PASSWORD, location=f"示范区/{name[:2]}").start() for name in NAMES
    ]
    yield sims
    for sim in sims:
        sim.stop()


@pytest.fixture
def responder(cameras: list[PtzCameraSimulator]) -> Iterator[WsDiscoveryResponder]:
    with WsDiscoveryResponder(lambda: [c.discovery_record() for c in cameras]) as r:
        yield r


def test_probe_finds_every_camera_with_its_scopes(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    seen: list[tuple[float, int]] = []
    found = discover(timeout_s=0.6, target=responder.address, progress=lambda f, d: seen.append((f, len(d))))
    assert sorted(d.name or "" for d in found) == sorted(NAMES)
    by_name = {d.name: d for d in found}
    for sim in cameras:
        device = by_name[sim.name]
        assert device.device_url == sim.device_url
        assert device.hardware == "CW-PTZ-20X" and device.ptz is True and "Streaming" in device.profiles
        assert device.location == f"city/示范区/{sim.name[:2]}"
        assert VIDEO_TRANSMITTER in device.types and DEVICE in device.types
        assert device.responder == "127.0.0.1"
    # progress: starts at 0, never goes back, ends at 1 with everything found
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert seen[-1][1] == 3 and any(0 < n < 3 or 0.0 < f < 1.0 for f, n in seen)
    assert responder.probes >= 2  # one probe per device type, each sent twice against loss


def test_scopes_narrow_the_search(cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder) -> None:
    wanted = cameras[1].discovery_record().scopes[-2]  # its name scope
    found = discover(timeout_s=0.4, target=responder.address, scopes=[wanted])
    assert [d.name for d in found] == [cameras[1].name]
    assert scope_matches("onvif://www.onvif.org/location", "onvif://www.onvif.org/location/city/x")
    assert not scope_matches("onvif://www.onvif.org/loc", "onvif://www.onvif.org/location")


def test_garbage_and_foreign_answers_are_ignored(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    responder.garbage_reply = b"<s:Envelope><unclosed"
    found = discover(timeout_s=0.4, target=responder.address)
    assert len(found) == 3
    responder.garbage_reply = b"\x00\xff" * 100
    assert len(discover(timeout_s=0.4, target=responder.address)) == 3
    # A ProbeMatches answering someone else's probe is not ours.
    _, devices = parse_probe_matches(b"<not-xml", "127.0.0.1")
    assert devices == []


def test_nobody_answers() -> None:
    start = time.monotonic()
    assert discover(timeout_s=0.3, target=("127.0.0.1", free_port())) == []
    assert time.monotonic() - start < 2.0


def test_cancel_ends_the_search_early(responder: WsDiscoveryResponder) -> None:
    cancel = threading.Event()
    found: list[int] = []

    def progress(_fraction: float, devices: tuple[DiscoveredDevice, ...]) -> None:
        found.append(len(devices))
        if len(devices) == 3:
            cancel.set()  # the operator has what they need and presses "stop"

    start = time.monotonic()
    discover(timeout_s=10.0, target=responder.address, progress=progress, cancel=cancel)
    assert time.monotonic() - start < 5.0 and 3 in found


def test_multicast_probe_is_blocked_by_the_network_guard_with_a_clear_error() -> None:
    with pytest.raises(DiscoveryError, match="cannot search the network for cameras"):
        discover(timeout_s=0.2)


def test_probe_message_is_a_ws_discovery_probe() -> None:
    text = probe_message("urn:uuid:1", (VIDEO_TRANSMITTER,)).decode()
    assert "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe" in text
    assert "urn:schemas-xmlsoap-org:ws:2005:04:discovery" in text
    assert 'xmlns:t0="http://www.onvif.org/ver10/network/wsdl">t0:NetworkVideoTransmitter' in text


def test_a_found_camera_becomes_a_site_camera(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    device = next(d for d in discover(timeout_s=0.4, target=responder.address) if d.name == NAMES[0])
    description = inspect_device(device, "admin", PASSWORD)
    assert description.ptz and description.info.model.startswith("CW-PTZ-20X")
    assert (description.main_profile, description.sub_profile) == ("Profile_1", "Profile_2")
    creds = Credentials.model_validate(
        {"username": "admin", "password_env": "CAM_NEW_PASSWORD"},
        context={"env": {"CAM_NEW_PASSWORD": PASSWORD}},
    )
    cam = camera_from_discovery(description, "cam101", credentials=creds)
    assert isinstance(cam, Camera) and cam.name == NAMES[0]
    assert (
        cam.ptz is not None and cam.ptz.endpoint == cameras[0].device_url and cam.ptz.profile == "Profile_1"
    )
    with OnvifClient(OnvifEndpoint.for_ptz(cam)) as client:  # and it works as configured
        assert client.status().idle
