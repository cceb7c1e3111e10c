"""WS-Discovery: probing finds the demo PTZ cameras, and a found camera becomes a site camera.

The responder answers on a loopback UDP port (multicast is not available on loopback here), so the
probe is sent there directly with ``discover(target=...)``; the datagrams are the real ones.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.discovery import (
    DEVICE,
    SOAP11,
    SOAP12,
    VIDEO_TRANSMITTER,
    WSA,
    WSA10,
    WSD,
    WSD11,
    DiscoveredDevice,
    DiscoveryError,
    discover,
    parse_probe_matches,
    probe_message,
)
from app.adapters.onvif.onboarding import camera_from_discovery, inspect_device
from app.adapters.onvif.problems import DiscoveryProblem, ProblemKind
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


def search(
    responder: WsDiscoveryResponder, timeout_s: float = 0.4
) -> tuple[list[str], list[DiscoveryProblem]]:
    problems: list[DiscoveryProblem] = []
    found = discover(timeout_s=timeout_s, target=responder.address, on_problem=problems.append)
    return sorted(d.name or "" for d in found), problems


def test_a_reply_that_is_not_xml_is_listed_once_with_the_reason(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    responder.garbage_reply = b"<s:Envelope><unclosed"
    names, problems = search(responder)
    assert names == sorted(NAMES)  # the good answers still count
    # Sent after each of the four probes, listed once: who sent it, why, and how it began.
    assert [(p.address, p.kind) for p in problems] == [("127.0.0.1", ProblemKind.WSD_NOT_XML)]
    assert "<s:Envelope><unclosed" in problems[0].detail
    responder.garbage_reply = b"\x00\xff" * 100
    names, problems = search(responder)
    assert len(names) == 3 and [p.kind for p in problems] == [ProblemKind.WSD_NOT_XML]
    assert parse_probe_matches(b"<not-xml", "127.0.0.1") == (None, [])


def rewrite(*pairs: tuple[str, str]) -> Callable[[bytes], bytes]:
    def apply(reply: bytes) -> bytes:
        text = reply.decode()
        for pattern, replacement in pairs:
            text = re.sub(pattern, replacement, text)
        return text.encode()

    return apply


def test_a_non_conformant_reply_is_read_and_said_to_be_non_conformant(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    # Seen in the field: SOAP 1.1 instead of 1.2, and no RelatesTo.
    responder.rewrite = rewrite((re.escape(SOAP12), SOAP11), (r"<a:RelatesTo>[^<]*</a:RelatesTo>", ""))
    names, problems = search(responder)
    assert names == sorted(NAMES)
    assert len(problems) == 1 and problems[0].kind is ProblemKind.WSD_NONCONFORMANT
    assert "SOAP 1.1" in problems[0].detail and "no RelatesTo" in problems[0].detail
    # WS-Discovery 1.1 (OASIS) namespaces, and the address only in the endpoint reference.
    responder.rewrite = rewrite(
        (re.escape(WSD), WSD11),
        (re.escape(WSA), WSA10),
        (r"<a:Address>[^<]*</a:Address>(.*?)<d:XAddrs>([^<]*)</d:XAddrs>", r"<a:Address>\2</a:Address>\1"),
    )
    names, problems = search(responder)
    assert names == sorted(NAMES)
    assert [p.kind for p in problems] == [ProblemKind.WSD_NONCONFORMANT]
    assert "WS-Discovery 1.1" in problems[0].detail and "EndpointReference" in problems[0].detail


def test_replies_that_name_no_usable_camera_are_listed(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    responder.rewrite = rewrite((r"<d:XAddrs>[^<]*</d:XAddrs>", "<d:XAddrs>rtsp://x/ urn:nothing</d:XAddrs>"))
    names, problems = search(responder)
    assert names == [] and [p.kind for p in problems] == [ProblemKind.WSD_NO_ADDRESS]
    assert "rtsp://x/" in problems[0].detail
    responder.rewrite = rewrite((r"ProbeMatches", "Hello"))  # an announcement, not an answer
    names, problems = search(responder)
    assert names == [] and [p.kind for p in problems] == [ProblemKind.WSD_NOT_MATCH]
    assert "Hello" in problems[0].detail
    responder.rewrite = lambda _reply: b"<html><body>403 Forbidden</body></html>"
    names, problems = search(responder)
    assert names == [] and [p.kind for p in problems] == [ProblemKind.WSD_NOT_MATCH]
    assert "<html>" in problems[0].detail


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


def found(responder: WsDiscoveryResponder, name: str) -> DiscoveredDevice:
    return next(d for d in discover(timeout_s=0.4, target=responder.address) if d.name == name)


def test_a_ptz_camera_brings_its_ptz_block_and_presets(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    cameras[1].seed_presets([("路口全景", 0, 20, 1), ("东侧人行道", 45, 30, 4), ("垃圾桶", -60, 40, 8)])
    description = inspect_device(found(responder, NAMES[1]), "admin", PASSWORD)
    ops = cameras[1].operations()
    assert {"GetNodes", "GetConfigurations", "GetPresets"} <= set(ops)  # asked, not assumed
    assert description.ptz and description.ptz_capabilities is not None
    assert (
        description.ptz_capabilities.node_token == "PtzNode_1"
        and description.ptz_capabilities.max_presets == 64
    )
    assert [(p.token, p.name) for p in description.presets] == [
        ("1", "路口全景"),
        ("2", "东侧人行道"),
        ("3", "垃圾桶"),
    ]
    cam = camera_from_discovery(description, "cam102")
    assert cam.ptz is not None and cam.ptz.profile == "Profile_1"
    assert [(p.token, p.name) for p in cam.ptz.presets] == [
        ("1", "路口全景"),
        ("2", "东侧人行道"),
        ("3", "垃圾桶"),
    ]


def test_a_camera_whose_presets_cannot_be_read_keeps_its_ptz(
    cameras: list[PtzCameraSimulator], responder: WsDiscoveryResponder
) -> None:
    from app.demo.ptz_camera import FaultPlan

    cameras[0].faults = FaultPlan(http_500=True, ops=frozenset({"GetPresets"}))
    description = inspect_device(found(responder, NAMES[0]), "admin", PASSWORD)
    assert description.ptz and description.presets == ()
    assert description.ptz_problem is not None and "HTTP 500" in description.ptz_problem
    cam = camera_from_discovery(description, "cam103")
    assert cam.ptz is not None and cam.ptz.presets == ()


def test_a_fixed_camera_gets_no_ptz_block() -> None:
    with (
        PtzCameraSimulator("北门 枪机", password=PASSWORD, has_ptz=False) as sim,
        WsDiscoveryResponder(lambda: [sim.discovery_record()]) as responder,
    ):
        device = found(responder, "北门 枪机")
        assert device.ptz is None  # its scopes do not claim PTZ
        description = inspect_device(device, "admin", PASSWORD)
        assert not description.ptz and description.presets == () and description.ptz_capabilities is None
        assert "GetPresets" not in sim.operations()
        assert camera_from_discovery(description, "cam104").ptz is None
