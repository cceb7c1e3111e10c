"""Fakes for PTZ tests: a clock you move by hand and a PTZ head that ramps to where it is told."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from app.adapters.onvif.errors import OnvifError
from app.core.ptz_port import HeldMove, MoveState, Preset, PtzStatus, PtzVector
from app.services.ptz_controller import TickScheduler
from camera_config.models import Camera

PRESETS = (
    Preset("1", "全景", PtzVector(0.0, 0.5, 0.0)),
    Preset("2", "人行道", PtzVector(-0.14, 0.25, 0.1)),
    Preset("3", "商铺门口", PtzVector(0.22, 0.37, 0.26)),
)


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def advance(clock: FakeClock, scheduler: TickScheduler, seconds: float) -> None:
    """Move fake time forward, running every timer at its due time, in order."""
    end = clock.t + seconds
    scheduler.run_due()
    while (due := scheduler.next_due()) is not None and due <= end:
        clock.t = max(clock.t, due)
        scheduler.run_due()
    clock.t = end
    scheduler.run_due()


def done(value: Any = None) -> Future[Any]:
    f: Future[Any] = Future()
    f.set_result(value)
    return f


@dataclass(eq=False)
class FakeHold:
    ptz: FakePtz
    camera: Camera
    velocity: PtzVector
    first: Future[None] = field(default_factory=Future)
    active: bool = True
    keep_alives: int = 0

    def keep_alive(self, velocity: PtzVector | None = None) -> None:
        if self.active:
            self.keep_alives += 1
            if velocity is not None:
                self.velocity = velocity
                self.ptz._drive(velocity)

    def release(self) -> Future[None]:
        if not self.active:
            return done()
        self.active = False
        return self.ptz.stop(self.camera)


def _lerp(a: float | None, b: float | None, f: float) -> float | None:
    if a is None or b is None:
        return b if b is not None else a
    return a + (b - a) * f


class FakePtz:
    """A PTZ camera in fake time, in generic units; every call answers at once."""

    def __init__(
        self,
        clock: Callable[[], float],
        presets: tuple[Preset, ...] = PRESETS,
        move_s: float = 2.0,
        speed: float = 0.2,
    ) -> None:
        self.clock = clock
        self.preset_list = list(presets)
        self.move_s = move_s
        self.speed = speed  # generic units per second at velocity 1
        self.calls: list[str] = []
        self.failing: dict[str, BaseException] = {}
        self.holds: list[FakeHold] = []
        self.translations: list[PtzVector] = []
        self.gotos: list[tuple[float, str]] = []  # (when, preset token) of every GotoPreset
        self._start = PtzVector(0.5, 0.0, 0.0)
        self._goal: PtzVector | None = None
        self._velocity: PtzVector | None = None
        self._t0 = clock()

    # what the camera does
    def where(self) -> tuple[PtzVector, bool]:
        now = self.clock()
        s = self._start
        if self._velocity is not None:
            dt = (now - self._t0) * self.speed
            v = self._velocity
            pos = PtzVector(
                (s.pan or 0.0) + (v.pan or 0.0) * dt,
                (s.tilt or 0.0) + (v.tilt or 0.0) * dt,
                (s.zoom or 0.0) + (v.zoom or 0.0) * dt,
            )
            return pos, True
        if self._goal is not None:
            f = min(1.0, (now - self._t0) / self.move_s)
            g = self._goal
            return PtzVector(
                _lerp(s.pan, g.pan, f), _lerp(s.tilt, g.tilt, f), _lerp(s.zoom, g.zoom, f)
            ), f < 1
        return s, False

    def _freeze(self) -> None:
        self._start, _ = self.where()
        self._goal = self._velocity = None
        self._t0 = self.clock()

    def _ramp(self, goal: PtzVector) -> None:
        self._freeze()
        if goal != self._start:  # already there: the head does not move
            self._goal = goal

    def _drive(self, velocity: PtzVector) -> None:
        self._freeze()
        self._velocity = velocity

    def push(self, position: PtzVector) -> None:
        """Someone outside CityWall moved the camera (its keyboard, another client)."""
        self._freeze()
        self._start = position

    def _answer(self, op: str, value: Any = None, supersede: bool = False) -> Future[Any]:
        self.calls.append(op)
        error = self.failing.get(op)
        if error is not None:
            f: Future[Any] = Future()
            f.set_exception(error)
            return f
        if supersede:
            for hold in self.holds:
                hold.active = False  # OnvifService drops a held move's dead-man on any other move
        return done(value)

    # PtzPort
    def status(self, camera: Camera) -> Future[PtzStatus]:
        pos, moving = self.where()
        state: MoveState = "MOVING" if moving else "IDLE"
        return self._answer("status", PtzStatus(pos, state, state))

    def presets(self, camera: Camera) -> Future[list[Preset]]:
        return self._answer("presets", list(self.preset_list))

    def goto_preset(self, camera: Camera, token: str, speed: float | None = None) -> Future[None]:
        self.gotos.append((self.clock(), token))
        preset = next((p for p in self.preset_list if p.token == token), None)
        if preset is None:
            self.calls.append(f"goto_preset:{token}")
            f: Future[None] = Future()
            f.set_exception(OnvifError(f"camera has no preset {token}"))
            return f
        if "goto_preset" not in self.failing:
            assert preset.position is not None
            self._ramp(preset.position)
        return self._answer("goto_preset", supersede=True)

    def set_preset(self, camera: Camera, name: str | None = None, token: str | None = None) -> Future[str]:
        token = token or str(1 + max((int(p.token) for p in self.preset_list), default=0))
        here, _ = self.where()
        self.preset_list = [p for p in self.preset_list if p.token != token]
        self.preset_list.append(Preset(token, name or f"Preset {token}", here))
        return self._answer("set_preset", token)

    def remove_preset(self, camera: Camera, token: str) -> Future[None]:
        self.preset_list = [p for p in self.preset_list if p.token != token]
        return self._answer("remove_preset")

    def relative_move(
        self, camera: Camera, translation: PtzVector, speed: float | None = None
    ) -> Future[None]:
        self.translations.append(translation)
        here, _ = self.where()
        self._ramp(
            PtzVector(
                (here.pan or 0.0) + (translation.pan or 0.0),
                (here.tilt or 0.0) + (translation.tilt or 0.0),
                (here.zoom or 0.0) + (translation.zoom or 0.0),
            )
        )
        return self._answer("relative_move", supersede=True)

    def absolute_move(self, camera: Camera, position: PtzVector, speed: float | None = None) -> Future[None]:
        self._ramp(position)
        return self._answer("absolute_move", supersede=True)

    def goto_home(self, camera: Camera, speed: float | None = None) -> Future[None]:
        self._ramp(PtzVector(0.0, 0.0, 0.0))
        return self._answer("goto_home", supersede=True)

    def stop(self, camera: Camera) -> Future[None]:
        self._freeze()
        return self._answer("stop", supersede=True)

    def hold_move(
        self, camera: Camera, velocity: PtzVector, on_expired: Callable[[HeldMove], None] | None = None
    ) -> HeldMove:
        for hold in self.holds:
            hold.active = False
        self._drive(velocity)
        hold = FakeHold(self, camera, velocity)
        self.calls.append("continuous_move")
        hold.first.set_result(None)
        self.holds.append(hold)
        return hold


def make_camera(**ptz: object) -> Camera:
    return Camera.model_validate(
        {
            "id": "cam001",
            "name": "人民路口 球机",
            "source": {"kind": "rtsp", "main": "rtsp://127.0.0.1:9/main"},
            "ptz": {"endpoint": "http://127.0.0.1:9/onvif/device_service", **ptz},
        }
    )
