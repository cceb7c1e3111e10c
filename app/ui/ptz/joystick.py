"""An optional USB joystick steers the selected PTZ camera (摇杆): pan, tilt, zoom, and presets.

pygame (SDL) reads the joystick; it is not a dependency: ``pip install 'citywall[joystick]'``.
Without it :meth:`JoystickInput.available` is False, :meth:`JoystickInput.unavailable_reason`
says why, and everything else works.

* :func:`axes_to_velocity` is the whole mapping, pure: raw axes (-1..1) to a PTZ velocity, with a
  dead zone, a response curve for fine control near the centre, and steps that keep a trembling
  hand from sending a new command at every poll.
* :class:`JoystickInput` polls the device from a QTimer on the GUI thread (~30 Hz) and emits
  ``move(pan, tilt, zoom)`` when the velocity changes and at least every 250 ms while the stick is
  held (the keep-alive a held PTZ move needs), ``released()`` when the stick is centred or the
  joystick is unplugged, and ``preset(n)`` when a preset button is pressed. A joystick plugged in
  (or already deflected when CityWall starts) does nothing until its stick has been centred once.
  Hot-plug: an unplugged joystick is looked for again every second.

The lead's wiring, for the camera in focus::

    move -> controller.hold_move(operator, PtzVector(pan, tilt, zoom)) on the first, then
            OperatorMove.keep_alive(PtzVector(pan, tilt, zoom)); released -> OperatorMove.release()
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from app.core.ptz_port import PtzVector

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

POLL_HZ = 30.0
KEEP_ALIVE_S = 0.25  # re-emit a held move at least this often (MoveHold wants one every ~300 ms)
RESCAN_S = 1.0  # without a joystick, look for one this often


# -- the mapping (pure) ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JoystickMapping:
    """Which axis does what, and how the stick's travel becomes a speed.

    Axes count from 0 as SDL numbers them: 0 left/right, 1 forward/back, 2 (or 3) the twist of a
    three-axis stick. SDL reports forward as negative: ``invert_tilt`` makes forward tilt up.
    ``preset_buttons[k]`` is the button (from 0) that calls preset ``k + 1``.
    """

    pan_axis: int = 0
    tilt_axis: int = 1
    zoom_axis: int | None = 2
    invert_pan: bool = False
    invert_tilt: bool = True
    invert_zoom: bool = False
    dead_zone: float = 0.15  # fraction of the travel around the centre that means "centred"
    curve: float = 2.0  # speed = travel**curve: 1 is linear, 2 gives fine control near the centre
    max_speed: float = 1.0  # ONVIF generic velocity space: 1 is the camera's fastest
    step: float = 0.05  # speeds are multiples of this (0: continuous)
    preset_buttons: tuple[int, ...] = tuple(range(10))

    def __post_init__(self) -> None:
        if not 0.0 <= self.dead_zone < 1.0:
            raise ValueError("dead_zone must be at least 0 and less than 1")
        if not 0.2 <= self.curve <= 5.0:
            raise ValueError("curve must be between 0.2 and 5")
        if not 0.0 < self.max_speed <= 1.0:
            raise ValueError("max_speed must be more than 0 and at most 1")
        if not 0.0 <= self.step <= self.max_speed:
            raise ValueError("step must be between 0 and max_speed")


DEFAULT_MAPPING = JoystickMapping()


def axis_speed(raw: float, mapping: JoystickMapping = DEFAULT_MAPPING) -> float:
    """One axis: raw position (-1..1) to a speed (-max_speed..max_speed); 0 inside the dead zone."""
    if not math.isfinite(raw):
        return 0.0
    travel = min(1.0, abs(raw))
    if travel <= mapping.dead_zone:
        return 0.0
    fraction = (travel - mapping.dead_zone) / (1.0 - mapping.dead_zone)
    speed = fraction**mapping.curve * mapping.max_speed
    if mapping.step > 0:
        # Never below one step: past the dead zone the camera moves, however gently.
        speed = max(mapping.step, round(speed / mapping.step) * mapping.step)
        speed = min(round(speed, 6), mapping.max_speed)
    return math.copysign(speed, raw)


def axes_to_velocity(axes: Sequence[float], mapping: JoystickMapping = DEFAULT_MAPPING) -> PtzVector | None:
    """The PTZ velocity the stick asks for; None when it is centred (every axis in the dead zone).

    Axes the device does not have read as centred. Pan and tilt are always given (0 when still);
    zoom is None when the mapping has no zoom axis.
    """

    def read(index: int | None, invert: bool) -> float:
        if index is None or not 0 <= index < len(axes):
            return 0.0
        speed = axis_speed(float(axes[index]), mapping)
        return -speed if invert and speed else speed

    pan = read(mapping.pan_axis, mapping.invert_pan)
    tilt = read(mapping.tilt_axis, mapping.invert_tilt)
    zoom = read(mapping.zoom_axis, mapping.invert_zoom)
    if pan == 0.0 and tilt == 0.0 and zoom == 0.0:
        return None
    return PtzVector(pan=pan, tilt=tilt, zoom=None if mapping.zoom_axis is None else zoom)


def pressed_presets(
    before: frozenset[int], now: frozenset[int], mapping: JoystickMapping = DEFAULT_MAPPING
) -> list[int]:
    """Presets (from 1) whose buttons went down between two reads, in button order."""
    return [mapping.preset_buttons.index(b) + 1 for b in sorted(now - before) if b in mapping.preset_buttons]


# -- devices -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class JoystickState:
    """One read of a joystick: axes in -1..1, buttons down or up."""

    axes: tuple[float, ...]
    buttons: tuple[bool, ...] = ()

    @property
    def pressed(self) -> frozenset[int]:
        return frozenset(i for i, down in enumerate(self.buttons) if down)


class JoystickDevice(Protocol):
    """A plugged-in joystick."""

    @property
    def name(self) -> str: ...

    def read(self) -> JoystickState | None:
        """Its state now; None once it is unplugged (or failed)."""
        ...

    def close(self) -> None: ...


DeviceFactory = Callable[[], JoystickDevice | None]
"""Returns a plugged-in joystick, or None when there is none (called again later: hot-plug)."""


_pygame: ModuleType | None = None
_problem: str | None = None
_checked = False


def _load_pygame() -> ModuleType | None:
    """pygame with its display (dummy driver, no window) and joystick subsystems; None if impossible."""
    global _pygame, _problem, _checked
    if _checked:
        return _pygame
    _checked = True
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # SDL pumps joystick events only with a video subsystem: a dummy one opens no window and never
    # talks to the display server Qt uses. Events must arrive while a Qt window has the focus.
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_JOYSTICK_ALLOW_BACKGROUND_EVENTS", "1")
    # SDL's video start would take over SIGTERM and SIGINT and turn them into SDL_QUIT events that
    # nothing reads here: `kill` (a service manager's stop) or Ctrl+C would no longer end the wall.
    os.environ["SDL_NO_SIGNAL_HANDLERS"] = "1"
    try:
        pygame = importlib.import_module("pygame")
    except ImportError:
        _problem = "not-installed"
        return None
    try:
        pygame.display.init()
        pygame.joystick.init()
    except Exception as exc:  # pygame.error, or anything SDL throws at start-up
        log.warning("USB joystick: SDL could not start: %s", exc)
        _problem = str(exc) or type(exc).__name__
        return None
    _pygame = pygame
    return pygame


class _PygameDevice:
    def __init__(self, pygame: ModuleType, joystick: Any) -> None:
        self._pg = pygame
        self._joy = joystick
        self._instance = joystick.get_instance_id()
        self._plugged = int(pygame.joystick.get_count())
        self._gone = False
        self.name = str(joystick.get_name())

    def _removed(self) -> bool:
        """Whether SDL says this joystick was unplugged since the last read."""
        pg = self._pg
        try:
            events = pg.event.get((pg.JOYDEVICEREMOVED, pg.JOYDEVICEADDED))
        except Exception as exc:
            # pygame 2.6 fails on the removal of a device whose arrival it never saw (another stick
            # plugged in and out between two polls) and loses the batch: then this one counts as gone
            # only if fewer joysticks are plugged in than before (a swap in that same moment is missed).
            log.debug("USB joystick events: %r", exc)
            plugged, self._plugged = self._plugged, int(pg.joystick.get_count())
            return self._plugged < plugged
        self._plugged = int(pg.joystick.get_count())
        return any(e.type == pg.JOYDEVICEREMOVED and e.instance_id == self._instance for e in events)

    def read(self) -> JoystickState | None:
        if self._gone:
            return None
        try:
            if self._removed() or not self._joy.get_init():
                self._gone = True
                return None
            axes = tuple(float(self._joy.get_axis(i)) for i in range(self._joy.get_numaxes()))
            buttons = tuple(bool(self._joy.get_button(i)) for i in range(self._joy.get_numbuttons()))
        except Exception as exc:  # pygame.error: the device went away under us
            log.info("USB joystick %s: %s", self.name, exc)
            self._gone = True
            return None
        return JoystickState(axes, buttons)

    def close(self) -> None:
        try:
            self._joy.quit()
        except Exception as exc:
            log.debug("USB joystick close: %s", exc)


def pygame_joysticks() -> JoystickDevice | None:
    """The first joystick SDL sees, or None (also when pygame is not there)."""
    pg = _load_pygame()
    if pg is None:
        return None
    try:
        pg.event.pump()
        pg.event.get((pg.JOYDEVICEADDED, pg.JOYDEVICEREMOVED))  # hot-plug: SDL updates its list
        if pg.joystick.get_count() < 1:
            return None
        joystick = pg.joystick.Joystick(0)
        joystick.init()
    except Exception as exc:
        log.info("USB joystick: cannot open: %s", exc)
        return None
    device = _PygameDevice(pg, joystick)
    log.info("USB joystick: %s (%d axes)", device.name, joystick.get_numaxes())
    return device


# -- the Qt side ----------------------------------------------------------------------------------------
class JoystickInput(QObject):
    """Polls a joystick on the GUI thread and says what the operator asks for, as signals.

    ``device_factory`` (tests, other back-ends) replaces pygame. Call :meth:`start`; :meth:`stop`
    releases a held move.
    """

    move = Signal(float, float, float)  # pan, tilt, zoom velocities (-1..1)
    released = Signal()
    preset = Signal(int)  # preset number, from 1
    connected = Signal(str)  # a joystick's name
    disconnected = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        device_factory: DeviceFactory | None = None,
        mapping: JoystickMapping = DEFAULT_MAPPING,
        poll_hz: float = POLL_HZ,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.mapping = mapping
        self._factory: DeviceFactory = device_factory or pygame_joysticks
        self._clock = clock
        self._device: JoystickDevice | None = None
        self._next_scan = 0.0
        self._armed = False  # the stick was centred since the device appeared
        self._held: tuple[float, float, float] | None = None
        self._sent_at = 0.0
        self._buttons: frozenset[int] = frozenset()
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, round(1000 / poll_hz)))
        self._timer.timeout.connect(self.poll)

    # -- availability -------------------------------------------------------------------------------
    @staticmethod
    def available() -> bool:
        """Whether pygame can read joysticks here (one need not be plugged in)."""
        return _load_pygame() is not None

    @staticmethod
    def unavailable_reason() -> str | None:
        """Why there is no joystick support, in words for the operator; None when there is."""
        if _load_pygame() is not None:
            return None
        if _problem == "not-installed":
            return translate(
                "Joystick",
                "USB joystick: not available (pygame is not installed; install CityWall with the "
                "“joystick” extra).",
            )
        return translate("Joystick", "USB joystick: not available ({0}).").format(_problem)

    # -- life cycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._next_scan = 0.0
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        self._release()
        if self._device is not None:
            device, self._device = self._device, None
            device.close()
            self.disconnected.emit(device.name)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    @property
    def device_name(self) -> str | None:
        return None if self._device is None else self._device.name

    @property
    def held(self) -> tuple[float, float, float] | None:
        """The velocity being held now (pan, tilt, zoom), None when the stick is centred."""
        return self._held

    # -- polling -----------------------------------------------------------------------------------
    def poll(self) -> None:
        now = self._clock()
        if self._device is None:
            if now < self._next_scan:
                return
            self._next_scan = now + RESCAN_S
            if not self._open():
                return
        assert self._device is not None
        try:
            state = self._device.read()
        except Exception:  # a back-end bug must not leave a camera moving
            log.exception("USB joystick read failed")
            state = None
        if state is None:
            self._lost()
            return
        self._steer(state, now)
        pressed = state.pressed
        for number in pressed_presets(self._buttons, pressed, self.mapping):
            self.preset.emit(number)
        self._buttons = pressed

    def _open(self) -> bool:
        try:
            device = self._factory()
        except Exception:
            log.exception("USB joystick: looking for a device failed")
            return False
        if device is None:
            return False
        self._device, self._armed, self._held = device, False, None
        first = None
        try:
            first = device.read()
        except Exception:
            log.exception("USB joystick read failed")
        self._buttons = first.pressed if first is not None else frozenset()  # buttons held: no preset
        self.connected.emit(device.name)
        return True

    def _steer(self, state: JoystickState, now: float) -> None:
        velocity = axes_to_velocity(state.axes, self.mapping)
        if velocity is None:
            self._armed = True
            self._release()
            return
        if not self._armed:
            return  # deflected since it appeared: wait for the operator to centre it
        values = (velocity.pan or 0.0, velocity.tilt or 0.0, velocity.zoom or 0.0)
        if values != self._held or now - self._sent_at >= KEEP_ALIVE_S:
            self._held, self._sent_at = values, now
            self.move.emit(*values)

    def _release(self) -> None:
        if self._held is not None:
            self._held = None
            self.released.emit()

    def _lost(self) -> None:
        device, self._device = self._device, None
        self._release()
        self._buttons = frozenset()
        self._next_scan = self._clock() + RESCAN_S
        if device is not None:
            try:
                device.close()
            except Exception:
                log.exception("USB joystick close failed")
            self.disconnected.emit(device.name)
