"""The PTZ controller against the demo PTZ camera over real ONVIF (HTTP + SOAP on loopback).

Goto preset: the tracker says MOVING towards it, then SETTLED on it; a manual continuous move and
release: OFF_PRESET. Waits are conditions with deadlines; nothing decides the outcome by sleeping.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from app.adapters.onvif.service import OnvifService
from app.core.preset_tracking import Place
from app.core.ptz_control import Requester
from app.core.ptz_port import PtzVector
from app.demo.ptz_camera import PtzCameraSimulator
from app.services.ptz_controller import (
    ControllerSettings,
    PlaceChanged,
    PtzController,
    PtzEvent,
    ThreadScheduler,
)
from camera_config.models import Camera
from tests.waiting import wait_until

PASSWORD = "Pt#z:S3cret/测试"
USER = "operator"
OPERATOR = Requester("operator:zhang", "张三")


@pytest.fixture
def camera() -> Iterator[tuple[PtzCameraSimulator, Camera]]:
    sim = PtzCameraSimulator("测试球机", username=USER, password=PASSWORD, home=(0.0, 30.0, 1.0))
    sim.seed_presets([("全景", 0.0, 30.0, 1.0), ("商铺门口", 60.0, 45.0, 6.0)])
    sim.start()
    cam = Camera.model_validate(
        {
            "id": "cam042",
            "name": "人民路口 球机",
            "source": {"kind": "rtsp", "main": "rtsp://127.0.0.1:9/unused"},
            "credentials": {"username": USER, "password_env": "TEST_PTZ_PASSWORD"},
            "ptz": {"endpoint": sim.device_url},
        },
        context={"env": {"TEST_PTZ_PASSWORD": PASSWORD}},
    )
    yield sim, cam
    sim.stop()


@pytest.mark.peer
@pytest.mark.slow
def test_goto_preset_settles_and_a_manual_move_leaves_it(camera: tuple[PtzCameraSimulator, Camera]) -> None:
    sim, cam = camera
    service = OnvifService()
    scheduler = ThreadScheduler()
    ctl = PtzController(
        cam, service, scheduler, settings=ControllerSettings(moving_poll_s=0.2, idle_poll_s=1.0)
    )
    places: list[tuple[Place, str | None]] = []
    lock = threading.Lock()

    def heard(event: PtzEvent) -> None:
        if isinstance(event, PlaceChanged):
            p = event.place
            with lock:
                places.append((p.place, p.preset.token if p.preset else p.target))

    ctl.subscribe(heard)
    try:
        ctl.start()
        wait_until(lambda: len(ctl.presets) == 2, 10.0, "presets read")
        wait_until(lambda: ctl.place.on_preset("1"), 10.0, "settled on the home preset at start")
        shops = ctl.find_preset("商铺门口")
        assert shops is not None

        ctl.goto_preset(OPERATOR, "商铺门口").result(timeout=10.0)  # 60 deg of pan, 5x zoom: ~1 s
        wait_until(lambda: ctl.place.on_preset(shops.token), 10.0, "settled on 商铺门口")
        with lock:
            seen = list(places)
        moving = seen.index((Place.MOVING, shops.token))
        assert (Place.SETTLED, shops.token) in seen[moving:]
        state = sim.state()
        assert (round(state.pan), round(state.tilt), round(state.zoom)) == (60, 45, 6)
        assert ctl.place.settled_since is not None and ctl.control.held_by(OPERATOR)

        move = ctl.hold_move(OPERATOR, PtzVector(pan=0.3))
        move.started.result(timeout=10.0)
        wait_until(lambda: sim.state().pan > 62.0, 10.0, "the head turns")
        move.keep_alive()
        move.release().result(timeout=10.0)
        wait_until(lambda: ctl.place.place is Place.OFF_PRESET, 10.0, "off-preset after the manual move")
        assert not sim.state().pan_tilt_moving
        with lock:
            assert places[-1] == (Place.OFF_PRESET, None)
    finally:
        ctl.stop()
        scheduler.stop()
        service.shutdown()
