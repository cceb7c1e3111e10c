"""Contract tests of the ONVIF client against the demo PTZ camera, over real HTTP and SOAP.

Every operation the client offers, both login methods, NAT'ed service addresses, and what a
broken camera does to the client: wrong password, no answer in time, malformed XML, HTTP 500,
a missing feature. Waits are conditions with deadlines, never sleeps that decide the outcome.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from functools import partial
from pathlib import Path

import av
import numpy as np
import pytest

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.errors import (
    OnvifAuthError,
    OnvifBadResponse,
    OnvifCameraFault,
    OnvifError,
    OnvifNotSupported,
    OnvifTimeout,
    OnvifUnreachable,
)
from app.adapters.onvif.service import MoveHold, OnvifService
from app.adapters.onvif.streams import OnvifStreamResolver, resolve_streams
from app.adapters.onvif.types import DeviceInfo
from app.adapters.onvif.wsdl import NS_MEDIA, NS_PTZ, LocalOnlyTransport, RemoteSchemaRefused, document
from app.core.ptz_port import PtzStatus, PtzVector
from app.core.stream_failure import StreamSetupError
from app.demo.panorama import PanoramaClip, generate_panorama_clip, view_rect
from app.demo.ptz_camera import MEDIA_PATH, PTZ_PATH, FaultPlan, PtzCameraSimulator, StreamProfile
from app.demo.ptz_model import HeadSpeeds
from app.demo.rtsp_server import DemoRtspServer
from app.media.specs import camera_spec
from camera_config.models import Camera, Credentials, IngestSettings, OnvifSource, PtzSettings, RtspSource
from tests.waiting import open_ptz_stream, wait_until

PASSWORD = "Pt#z:S3cret/测试"  # characters that break naive URL and header handling
USER = "operator"
ENV = {"TEST_PTZ_PASSWORD": PASSWORD}
SPEEDS = HeadSpeeds(pan_deg_s=180.0, tilt_deg_s=120.0, zoom_per_s=40.0)  # a quick head: short tests
Sim = Callable[..., PtzCameraSimulator]


@pytest.fixture
def sim() -> Iterator[Sim]:
    started: list[PtzCameraSimulator] = []

    def start(**kwargs: object) -> PtzCameraSimulator:
        kwargs.setdefault("username", USER)
        kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("speeds", SPEEDS)
        camera = PtzCameraSimulator(**kwargs).start()  # type: ignore[arg-type]
        started.append(camera)
        return camera

    yield start
    for camera in started:
        camera.stop()


def client_for(camera: PtzCameraSimulator, **kwargs: object) -> OnvifClient:
    fields: dict[str, object] = {
        "username": USER,
        "password": PASSWORD,
        "timeout_s": 3.0,
        "label": "测试球机",
    }
    fields.update(kwargs)
    return OnvifClient(OnvifEndpoint(camera.device_url, **fields))  # type: ignore[arg-type]


def site_camera(endpoint: str, *, source: str = "rtsp", **ptz: object) -> Camera:
    data: dict[str, object] = {
        "id": "cam042",
        "name": "人民路口 球机",
        "source": {"kind": "rtsp", "main": "rtsp://127.0.0.1:9/unused"}
        if source == "rtsp"
        else {"kind": "onvif", "endpoint": endpoint},
        "credentials": {"username": USER, "password_env": "TEST_PTZ_PASSWORD"},
        "ptz": {"endpoint": endpoint, **ptz},
    }
    return Camera.model_validate(data, context={"env": ENV})


def moves_seen(camera: PtzCameraSimulator, n: int) -> bool:
    return camera.operations().count("ContinuousMove") >= n


def wait_idle(client: OnvifClient, timeout_s: float = 5.0) -> PtzStatus:
    last: list[PtzStatus] = []

    def idle() -> bool:
        last[:] = [client.status()]
        return last[0].idle

    wait_until(idle, timeout_s, "camera IDLE")
    return last[0]


def never_has_password(exc: BaseException) -> None:
    assert isinstance(exc, OnvifError)
    for text in (str(exc), exc.detail, repr(exc), exc.message):
        assert PASSWORD not in text


# -- device and media --------------------------------------------------------------------------------
def test_device_information_and_service_addresses(sim: Sim) -> None:
    camera = sim(name="东门 球机")
    with client_for(camera) as client:
        info = client.device_info()
        services = client.services()
    assert info.manufacturer == "CityWall Demo" and info.hardware_id == "CW-PTZ-20X" and info.serial_number
    # The services live at paths no client could guess: they were learnt from GetServices.
    assert services.source == "GetServices"
    assert services.media == f"http://127.0.0.1:{camera.port}{MEDIA_PATH}"
    assert services.ptz == f"http://127.0.0.1:{camera.port}{PTZ_PATH}"
    assert camera.operations()[:2] == ["GetSystemDateAndTime", "GetServices"]


def test_capabilities(sim: Sim) -> None:
    with client_for(sim()) as client:
        caps = client.capabilities()
    assert caps.ptz and caps.rtp_rtsp_tcp is True and caps.rtp_multicast is False
    assert caps.services.by_namespace[NS_PTZ].endswith(PTZ_PATH)


def test_older_cameras_without_get_services_use_get_capabilities(sim: Sim) -> None:
    camera = sim()
    camera.faults = FaultPlan(http_500=True, ops=frozenset({"GetServices"}))
    with client_for(camera) as client:
        services = client.services()
        assert client.profiles()
    assert (
        services.source == "GetCapabilities"
        and services.media is not None
        and services.media.endswith(MEDIA_PATH)
    )


def test_camera_behind_nat_is_reached_at_the_configured_host(sim: Sim) -> None:
    # The camera advertises its LAN address; the network guard would refuse any connection to it.
    camera = sim(advertise="192.168.1.64:80")
    with client_for(camera) as client:
        assert client.services().ptz == f"http://127.0.0.1:{camera.port}{PTZ_PATH}"
        assert client.status().idle
    with client_for(camera, rewrite_xaddrs=False) as literal, pytest.raises(OnvifUnreachable) as caught:
        literal.profiles()
    assert "cannot connect to the camera at 127.0.0.1" in str(caught.value)


def test_profiles_and_stream_uris(sim: Sim) -> None:
    streams = (
        StreamProfile("p_sub", "sub", "rtsp://127.0.0.1:8554/s", 640, 360),
        StreamProfile("p_main", "main", "rtsp://127.0.0.1:8554/m", 1920, 1080),
    )
    with client_for(sim(streams=streams)) as client:
        profiles = client.profiles()
        assert [(p.token, p.encoding, p.width, p.height, p.ptz_configuration) for p in profiles] == [
            ("p_sub", "H264", 640, 360, "PtzConfig_1"),
            ("p_main", "H264", 1920, 1080, "PtzConfig_1"),
        ]
        assert client.stream_uri("p_sub") == "rtsp://127.0.0.1:8554/s"
        assert client.streams() == ("rtsp://127.0.0.1:8554/m", "rtsp://127.0.0.1:8554/s")
        assert client.streams(main_profile="p_sub", sub_profile=None) == ("rtsp://127.0.0.1:8554/s", None)
        with pytest.raises(OnvifCameraFault, match=r"does not know that preset or profile|rejected"):
            client.stream_uri("nope")


def test_stream_resolver_fills_onvif_sources(sim: Sim) -> None:
    camera = sim()
    cam = site_camera(camera.device_url, source="onvif")
    main, sub = resolve_streams(cam)
    assert (main, sub) == (camera.streams[0].uri, camera.streams[1].uri)
    dead = cam.model_copy(
        update={"id": "cam043", "source": OnvifSource(endpoint="http://127.0.0.1:9/onvif/device_service")}
    )
    resolver = OnvifStreamResolver(timeout_s=1.0)
    found = resolver.prefetch([cam, dead])
    assert found["cam042"] == (main, sub)
    assert isinstance(found["cam043"], StreamSetupError) and "cannot connect" in str(found["cam043"])
    spec = camera_spec(cam, IngestSettings(), resolver)  # as app.main will wire it
    assert spec.main_url is not None and spec.main_url.reveal().endswith("/ptz_main")
    assert spec.sub_url.reveal().startswith(f"rtsp://{USER}:") and PASSWORD not in repr(spec)
    with pytest.raises(StreamSetupError, match="camera cam043: cannot connect to the camera"):
        camera_spec(dead, IngestSettings(), resolver)


# -- PTZ ------------------------------------------------------------------------------------------------
def test_ptz_capabilities_come_from_node_and_options(sim: Sim) -> None:
    with client_for(sim()) as client:
        caps = client.ptz_capabilities()
    assert caps.known and caps.profile_token == "Profile_1" and caps.configuration_token == "PtzConfig_1"
    assert caps.absolute_pan_tilt and caps.relative_zoom and caps.continuous_pan_tilt and caps.home_supported
    assert caps.max_presets == 64 and caps.timeout_range_s is not None and caps.timeout_range_s.lo == 0.5


def test_absolute_move_reports_moving_then_idle_at_the_target(sim: Sim) -> None:
    camera = sim()
    with client_for(camera) as client:
        client.absolute_move(PtzVector(pan=0.5, tilt=0.5, zoom=0.2))  # 90 deg at 180 deg/s: 0.5 s
        assert client.status().pan_tilt == "MOVING"
        status = wait_idle(client)
    assert status.position is not None
    assert status.position.pan == pytest.approx(0.5, abs=1e-3)
    assert status.position.tilt == pytest.approx(0.5, abs=1e-3)
    assert status.position.zoom == pytest.approx(0.2, abs=1e-3)
    state = camera.state()
    assert (state.pan, state.tilt, state.zoom) == pytest.approx((90.0, 0.0, 4.8), abs=0.05)


def test_absolute_move_of_one_axis_keeps_the_others(sim: Sim) -> None:
    with client_for(sim(home=(30.0, 45.0, 2.0))) as client:
        client.absolute_move(PtzVector(pan=-0.5), speed=1.0)
        status = wait_idle(client)
    assert status.position is not None and status.position.pan == pytest.approx(-0.5, abs=1e-3)
    assert status.position.tilt == pytest.approx(-0.25, abs=1e-3)  # 45 deg below the horizon, kept


def test_relative_move(sim: Sim) -> None:
    camera = sim()
    with client_for(camera) as client:
        client.relative_move(PtzVector(pan=0.05, tilt=0.0, zoom=0.1), speed=1.0)  # +18 deg, +1.9x
        wait_idle(client)
    state = camera.state()
    assert (state.pan, state.zoom) == pytest.approx((18.0, 2.9), abs=0.05)


def test_continuous_move_carries_the_onvif_timeout(sim: Sim) -> None:
    camera = sim()
    with client_for(camera) as client:
        client.continuous_move(PtzVector(pan=0.5), timeout_s=0.6)  # half speed for 0.6 s
        assert client.status().pan_tilt == "MOVING"
        wait_idle(client, timeout_s=3.0)
    assert camera.state().pan == pytest.approx(0.5 * SPEEDS.pan_deg_s * 0.6, abs=2.0)


def test_stop_ends_a_continuous_move(sim: Sim) -> None:
    camera = sim()
    with client_for(camera) as client:
        client.continuous_move(PtzVector(pan=-0.3, zoom=0.5), timeout_s=30)
        assert client.status().moving
        client.stop()
        assert client.status().idle
    state = camera.state()
    assert not state.pan_tilt_moving and not state.zoom_moving and state.pan < 0


def test_presets_set_list_goto_remove(sim: Sim, tmp_path: Path) -> None:
    store = tmp_path / "presets.json"
    camera = sim(presets_path=store)
    with client_for(camera) as client:
        client.absolute_move(PtzVector(pan=0.1, tilt=0.2, zoom=0.3))
        wait_idle(client)
        token = client.set_preset("人行道 早市")
        assert [(p.token, p.name) for p in client.presets()] == [(token, "人行道 早市")]
        preset = client.find_preset("人行道 早市")
        assert preset.position is not None and preset.position.pan == pytest.approx(0.1, abs=1e-3)
        client.absolute_move(PtzVector(pan=-0.4, tilt=-0.2, zoom=0.0))
        wait_idle(client)
        client.goto_preset(token)
        assert client.status().moving
        status = wait_idle(client)
        assert status.position is not None and status.position.zoom == pytest.approx(0.3, abs=1e-3)
        assert client.set_preset(token=token) == token  # overwrite in place
        with pytest.raises(OnvifCameraFault, match=r"rejected the preset save: .*exists"):
            client.set_preset("人行道 早市")  # another preset with the same name
        client.remove_preset(token)
        assert client.presets() == []
        with pytest.raises(OnvifCameraFault, match="does not know that preset"):
            client.goto_preset(token)
    # Presets survive the camera's restart.
    with client_for(camera) as client:
        again = client.set_preset("路口")
    camera.stop()
    restarted = sim(presets_path=store)
    with client_for(restarted) as client:
        assert [(p.token, p.name) for p in client.presets()] == [(again, "路口")]


def test_home_position(sim: Sim) -> None:
    camera = sim(home=(10.0, 20.0, 1.0))
    with client_for(camera) as client:
        client.absolute_move(PtzVector(pan=0.5, tilt=0.0, zoom=0.5))
        wait_idle(client)
        client.goto_home()
        assert client.status().moving
        wait_idle(client)
        assert (camera.state().pan, camera.state().tilt) == pytest.approx((10.0, 20.0), abs=0.05)
        client.absolute_move(PtzVector(pan=-0.25, tilt=0.0, zoom=0.0))
        wait_idle(client)
        client.set_home()
        client.absolute_move(PtzVector(pan=0.0, tilt=0.0, zoom=0.0))
        wait_idle(client)
        client.goto_home()
        wait_idle(client)
    assert camera.state().pan == pytest.approx(-45.0, abs=0.05)


def test_missing_feature_is_named_and_nothing_is_sent(sim: Sim) -> None:
    camera = sim(supports_absolute=False)
    with client_for(camera) as client:
        with pytest.raises(OnvifNotSupported) as caught:
            client.absolute_move(PtzVector(pan=0.1, tilt=0.1))
        assert str(caught.value) == "camera 测试球机: camera does not support absolute moves"
        assert "AbsoluteMove" not in camera.operations()
        client.relative_move(PtzVector(pan=0.01))  # what it has still works
    # A camera that does not describe its PTZ node, and then refuses, gets the same words.
    camera.faults = FaultPlan(http_500=True, ops=frozenset({"GetConfigurations", "GetNodes"}))
    with client_for(camera) as client:
        assert not client.ptz_capabilities().known
        with pytest.raises(OnvifNotSupported, match="camera does not support absolute moves"):
            client.absolute_move(PtzVector(pan=0.1, tilt=0.1))
    assert "AbsoluteMove" in camera.operations()


# -- logins ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("camera_auth", "client_auth", "used"),
    [
        ("wsse", "wsse", "wsse"),
        ("digest", "digest", "digest"),
        ("either", "auto", "wsse"),
        ("digest", "auto", "digest"),
    ],
)
def test_both_login_methods(sim: Sim, camera_auth: str, client_auth: str, used: str) -> None:
    camera = sim(auth=camera_auth)
    with client_for(camera, auth=client_auth) as client:
        assert client.device_info().manufacturer
        assert client.status().idle
    logins = {how for op, how in camera.requests if op in ("GetDeviceInformation", "GetStatus")}
    assert used in logins and logins <= {used, "refused"}  # digest: one 401 challenge first


@pytest.mark.parametrize(
    ("camera_auth", "client_auth"), [("wsse", "wsse"), ("digest", "digest"), ("either", "auto")]
)
def test_wrong_password_is_a_clear_error_without_the_password(
    sim: Sim, camera_auth: str, client_auth: str
) -> None:
    camera = sim(auth=camera_auth)
    wrong = PASSWORD + "x"
    with (
        client_for(camera, auth=client_auth, password=wrong) as client,
        pytest.raises(OnvifAuthError) as caught,
    ):
        client.presets()
    assert str(caught.value) == "camera 测试球机: camera refused the login (check the user name and password)"
    never_has_password(caught.value)
    assert wrong not in caught.value.detail


def test_a_camera_clock_far_off_does_not_break_the_login(sim: Sim) -> None:
    # WS-UsernameToken carries a timestamp the camera checks against its own clock (+-5 min here);
    # the client reads the camera's time first and signs with it.
    camera = sim(auth="wsse", clock_offset_s=3600.0)
    with client_for(camera, auth="wsse") as client:
        assert client.status().idle


# -- broken cameras ---------------------------------------------------------------------------------
def test_timeout(sim: Sim) -> None:
    camera = sim()
    with client_for(camera, timeout_s=0.5) as client:
        client.status()
        camera.faults = FaultPlan(delay_s=3.0, ops=frozenset({"GetStatus"}))
        start = time.monotonic()
        with pytest.raises(OnvifTimeout) as caught:
            client.status()
        assert time.monotonic() - start < 2.0
        assert str(caught.value) == "camera 测试球机: camera did not answer within 0.5 s"
        camera.faults = FaultPlan()
        assert client.status().idle  # the client recovers


def test_malformed_answer(sim: Sim) -> None:
    camera = sim()
    camera.faults = FaultPlan(malformed=True, ops=frozenset({"GetPresets"}))
    with client_for(camera) as client, pytest.raises(OnvifBadResponse) as caught:
        client.presets()
    assert str(caught.value) == "camera 测试球机: unexpected answer from camera"
    never_has_password(caught.value)


def test_http_500(sim: Sim) -> None:
    camera = sim()
    camera.faults = FaultPlan(http_500=True, ops=frozenset({"GetStatus"}))
    with client_for(camera) as client, pytest.raises(OnvifCameraFault) as caught:
        client.status()
    assert "camera reported an internal error (HTTP 500)" in str(caught.value)


def test_nobody_listening(sim: Sim) -> None:
    camera = sim()
    camera.stop()
    with client_for(camera) as client, pytest.raises(OnvifUnreachable, match="connection refused"):
        client.device_info()


def test_schemas_are_never_downloaded() -> None:
    transport = LocalOnlyTransport()
    with pytest.raises(RemoteSchemaRefused):
        transport.load("http://www.w3.org/2001/xml.xsd")
    # The shipped WSDLs load entirely from disk (the network guard is installed for every test).
    for ns in (NS_MEDIA, NS_PTZ):
        assert document(ns) is not None


# -- the service: futures, ordering, dead-man stop ---------------------------------------------------
@pytest.fixture
def service() -> Iterator[OnvifService]:
    svc = OnvifService(max_workers=4)
    yield svc
    svc.shutdown()


def test_every_call_returns_a_future(sim: Sim, service: OnvifService) -> None:
    camera = sim()
    cam = site_camera(camera.device_url)
    info: Future[DeviceInfo] = service.device_info(cam)
    assert info.result(timeout=10).manufacturer
    assert len(service.profiles(cam).result(timeout=5)) == 2
    assert service.capabilities(cam).result(timeout=5).ptz
    assert service.ptz_capabilities(cam).result(timeout=5).known
    service.absolute_move(cam, PtzVector(pan=0.05, tilt=0.0, zoom=0.0)).result(timeout=5)
    assert service.status(cam).result(timeout=5).position is not None
    token = service.set_preset(cam, "测试").result(timeout=5)
    assert [p.token for p in service.presets(cam).result(timeout=5)] == [token]
    service.goto_preset(cam, token).result(timeout=5)
    service.remove_preset(cam, token).result(timeout=5)
    service.goto_home(cam).result(timeout=5)
    service.set_home(cam).result(timeout=5)
    service.relative_move(cam, PtzVector(zoom=0.1)).result(timeout=5)
    service.stop(cam).result(timeout=5)
    assert service.streams(cam).result(timeout=5)[1] == camera.streams[1].uri


def test_futures_carry_operator_words(sim: Sim, service: OnvifService) -> None:
    camera = sim()
    cam = site_camera(camera.device_url, timeout_s=0.5)
    camera.faults = FaultPlan(delay_s=2.0, ops=frozenset({"GetPresets"}))
    with pytest.raises(OnvifTimeout, match=r"camera cam042: camera did not answer within 0\.5 s"):
        service.presets(cam).result(timeout=10)
    no_ptz = cam.model_copy(update={"ptz": None})
    with pytest.raises(OnvifError, match="no PTZ control configured"):
        service.status(no_ptz).result(timeout=5)


def test_commands_to_one_camera_keep_their_order(sim: Sim, service: OnvifService) -> None:
    camera = sim()
    cam = site_camera(camera.device_url)
    service.status(cam).result(timeout=10)
    camera.requests.clear()
    futures = [service.relative_move(cam, PtzVector(pan=0.001)) for _ in range(5)] + [service.stop(cam)]
    for f in futures:
        f.result(timeout=10)
    assert camera.operations() == ["RelativeMove"] * 5 + ["Stop"]


def test_release_stops_a_held_move(sim: Sim, service: OnvifService) -> None:
    camera = sim()
    cam = site_camera(camera.device_url)
    hold = service.hold_move(cam, PtzVector(pan=0.4))
    hold.first.result(timeout=10)
    assert camera.state().pan_tilt_moving
    hold.release().result(timeout=5)
    assert not camera.state().pan_tilt_moving and not hold.active and not hold.expired


def test_keep_alive_re_asserts_the_move(sim: Sim, service: OnvifService) -> None:
    camera = sim()
    cam = site_camera(camera.device_url)
    hold = service.hold_move(cam, PtzVector(pan=0.2))
    hold.first.result(timeout=10)
    for k in range(3):
        hold.keep_alive(PtzVector(pan=0.2, zoom=0.1 * k))
        wait_until(partial(moves_seen, camera, k + 2), 3.0, "re-asserted move")
    hold.release().result(timeout=5)
    assert camera.operations()[-1] == "Stop"


@pytest.mark.slow
def test_dead_man_stop_when_the_release_is_lost(sim: Sim, service: OnvifService) -> None:
    """The operator's key-up never arrives: the camera must stop within about a second."""
    camera = sim()
    camera.ignore_move_timeout = True  # prove the client's own Stop, not the camera's timeout
    cam = site_camera(camera.device_url)
    expired: list[MoveHold] = []
    hold = service.hold_move(cam, PtzVector(pan=0.3), on_expired=expired.append)
    hold.first.result(timeout=10)
    assert camera.state().pan_tilt_moving
    for n in range(2, 5):  # held for a while, re-asserted as a controller does
        hold.keep_alive()
        wait_until(partial(moves_seen, camera, n), 2.0, "re-asserted")
    hold.keep_alive()
    # ... and then nothing more: the release was lost.
    took = wait_until(lambda: not camera.state().pan_tilt_moving, 1.2, "camera IDLE after the lost release")
    assert took <= 1.2
    assert hold.expired and expired == [hold] and "Stop" in camera.operations()
    hold.keep_alive()  # a late keep-alive does not restart the move
    assert not camera.state().pan_tilt_moving


@pytest.mark.slow
def test_camera_stops_by_itself_when_the_client_dies(sim: Sim) -> None:
    """No keep-alive and no Stop at all (the process died): the ONVIF Timeout stops the camera."""
    camera = sim()
    with client_for(camera, move_timeout_s=1.0) as client:
        client.ptz_capabilities()
        client.continuous_move(PtzVector(pan=0.3))
        sent = time.monotonic()
    wait_until(lambda: not camera.state().pan_tilt_moving, 1.2, "camera IDLE by its own timeout")
    assert time.monotonic() - sent <= 1.2


# -- the virtual PTZ video ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def panorama(tmp_path_factory: pytest.TempPathFactory) -> PanoramaClip:
    return generate_panorama_clip(tmp_path_factory.mktemp("panorama"), duration_s=2.0)


def gray(frame: av.VideoFrame) -> np.ndarray:
    small = frame.reformat(width=160, height=90, format="gray")
    return np.asarray(small.to_ndarray(), dtype=np.float32)


@pytest.mark.peer
@pytest.mark.slow
def test_ptz_video_follows_the_camera(sim: Sim, panorama: PanoramaClip) -> None:
    mount = {
        "path": "ptz042",
        "mode": "ptz",
        "file": str(panorama.path),
        "ptz_id": "cam042",
        "tile_width": panorama.tile_width,
        "view": view_rect(0.0, 30.0, 1.0).as_list(),  # the simulator's home
    }
    with DemoRtspServer({"mounts": [mount]}, port=0) as server:
        camera = sim(
            home=(0.0, 30.0, 1.0),
            streams=(StreamProfile("Profile_1", "main", server.url("ptz042"), 640, 360),),
            on_view=lambda rect: server.set_view("cam042", rect.as_list()),
        )
        with client_for(camera) as client:
            uri, _ = client.streams()
            with open_ptz_stream(uri, server.output) as container:
                frames = container.decode(video=0)
                first = next(frames)
                assert (first.width, first.height) == (640, 360)
                before = gray(first)
                same_view = max(float(np.abs(gray(next(frames)) - before).mean()) for _ in range(5))
                client.absolute_move(PtzVector(pan=0.6, tilt=0.3, zoom=0.3))
                wait_idle(client)
                deadline = time.monotonic() + 5.0
                change = 0.0
                while time.monotonic() < deadline and change <= max(4 * same_view, 12.0):
                    change = float(np.abs(gray(next(frames)) - before).mean())
    assert change > max(4 * same_view, 12.0), (change, same_view, server.output())


def test_site_camera_settings_reach_the_client(sim: Sim) -> None:
    camera = sim(auth="digest")
    cam = site_camera(camera.device_url, auth="digest", timeout_s=2.0, move_timeout_s=0.7)
    endpoint = OnvifEndpoint.for_ptz(cam)
    assert (endpoint.auth, endpoint.timeout_s, endpoint.move_timeout_s, endpoint.label) == (
        "digest",
        2.0,
        0.7,
        "cam042",
    )
    assert PASSWORD not in repr(endpoint)
    with OnvifClient(endpoint) as client:
        assert client.status().idle
    assert isinstance(cam.source, RtspSource) and isinstance(cam.ptz, PtzSettings)
    assert isinstance(cam.credentials, Credentials)
