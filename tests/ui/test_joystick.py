"""The joystick wrapper, driven by a fake device on its own timer: move, release, presets, hot-plug;
and its pygame back end on a virtual joystick inside SDL (tests/ui/virtual_joystick.py)."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType, SimpleNamespace

import pytest
from pytestqt.qtbot import QtBot

from app.ui.ptz.joystick import JoystickInput, JoystickState
from tests.ui.virtual_joystick import VirtualJoystick


class FakeStick:
    """A joystick the test moves; ``plugged = False`` pulls it out."""

    name = "Fake PTZ stick"

    def __init__(self) -> None:
        self.axes = [0.0, 0.0, 0.0]
        self.buttons = [False] * 4
        self.plugged = True
        self.closed = False

    def read(self) -> JoystickState | None:
        if not self.plugged:
            return None
        return JoystickState(tuple(self.axes), tuple(self.buttons))

    def close(self) -> None:
        self.closed = True


class Socket:
    """The device factory: hands out the stick while it is plugged in, counts the looks."""

    def __init__(self) -> None:
        self.stick: FakeStick | None = FakeStick()
        self.looks = 0

    def __call__(self) -> FakeStick | None:
        self.looks += 1
        return self.stick if self.stick is not None and self.stick.plugged else None


@pytest.fixture
def socket() -> Socket:
    return Socket()


@pytest.fixture
def joystick(qtbot: QtBot, socket: Socket) -> Iterator[JoystickInput]:
    js = JoystickInput(device_factory=socket, poll_hz=100)
    with qtbot.waitSignal(js.connected, timeout=2000):
        js.start()
    yield js
    js.stop()


def test_deflect_moves_and_centre_releases(qtbot: QtBot, joystick: JoystickInput, socket: Socket) -> None:
    assert socket.stick is not None and joystick.device_name == "Fake PTZ stick"
    socket.stick.axes = [1.0, -1.0, 0.0]  # right and forward
    with qtbot.waitSignal(joystick.move, timeout=2000) as moved:
        pass
    assert moved.args == [1.0, 1.0, 0.0]
    socket.stick.axes = [0.0, 0.0, -1.0]  # twist: zoom out
    qtbot.waitUntil(lambda: joystick.held == (0.0, 0.0, -1.0), timeout=2000)
    socket.stick.axes = [0.05, -0.02, 0.0]  # let go: springs back near the centre
    with qtbot.waitSignal(joystick.released, timeout=2000):
        pass
    assert joystick.held is None


def test_a_held_move_is_repeated_as_a_keep_alive(
    qtbot: QtBot, joystick: JoystickInput, socket: Socket
) -> None:
    assert socket.stick is not None
    socket.stick.axes = [0.6, 0.0, 0.0]
    moves: list[tuple[float, float, float]] = []
    joystick.move.connect(lambda p, t, z: moves.append((p, t, z)))
    qtbot.waitUntil(lambda: len(moves) >= 3, timeout=3000)  # same velocity, sent again while held
    assert set(moves) == {(0.3, 0.0, 0.0)}


def test_unplugging_releases_and_plugging_in_again_needs_a_centred_stick(
    qtbot: QtBot, joystick: JoystickInput, socket: Socket
) -> None:
    stick = socket.stick
    assert stick is not None
    stick.axes = [-1.0, 0.0, 0.0]
    with qtbot.waitSignal(joystick.move, timeout=2000):
        pass
    stick.plugged = False
    with qtbot.waitSignals([joystick.released, joystick.disconnected], timeout=2000):
        pass
    assert stick.closed and joystick.device_name is None and joystick.held is None
    # Plugged in again with the stick still deflected: nothing moves until it is centred.
    stick.plugged, stick.closed = True, False
    moves: list[tuple[float, ...]] = []
    joystick.move.connect(lambda *v: moves.append(v))
    with qtbot.waitSignal(joystick.connected, timeout=3000):
        pass
    for _ in range(5):
        joystick.poll()
    assert moves == []
    stick.axes = [0.0, 0.0, 0.0]
    joystick.poll()
    stick.axes = [0.0, 1.0, 0.0]  # now pulled back: tilt down
    with qtbot.waitSignal(joystick.move, timeout=2000) as moved:
        pass
    assert moved.args == [0.0, -1.0, 0.0]


def test_buttons_call_presets_once_per_press(qtbot: QtBot, joystick: JoystickInput, socket: Socket) -> None:
    assert socket.stick is not None
    presets: list[int] = []
    joystick.preset.connect(presets.append)
    socket.stick.buttons[2] = True
    qtbot.waitUntil(lambda: presets == [3], timeout=2000)
    for _ in range(3):
        joystick.poll()  # still held: no repeat
    socket.stick.buttons[2] = False
    joystick.poll()
    socket.stick.buttons[0] = True
    qtbot.waitUntil(lambda: presets == [3, 1], timeout=2000)


def test_no_joystick_plugged_in_is_looked_for_again_later(qtbot: QtBot) -> None:
    socket = Socket()
    stick, socket.stick = socket.stick, None
    js = JoystickInput(device_factory=socket, poll_hz=100)
    js.start()
    try:
        assert socket.looks == 1 and js.device_name is None and js.running
        socket.stick = stick
        with qtbot.waitSignal(js.connected, timeout=3000):  # found within about a second
            pass
    finally:
        js.stop()


def test_stop_releases_a_held_move(qtbot: QtBot, joystick: JoystickInput, socket: Socket) -> None:
    assert socket.stick is not None
    socket.stick.axes = [1.0, 0.0, 0.0]
    with qtbot.waitSignal(joystick.move, timeout=2000):
        pass
    with qtbot.waitSignals([joystick.released, joystick.disconnected], timeout=500):
        joystick.stop()
    assert not joystick.running


def test_a_failing_back_end_is_treated_as_unplugged(qtbot: QtBot, socket: Socket) -> None:
    class Broken(FakeStick):
        def read(self) -> JoystickState | None:
            if self.axes[0]:
                raise RuntimeError("USB error")
            return super().read()

    socket.stick = Broken()
    js = JoystickInput(device_factory=socket, poll_hz=100)
    js.start()
    try:
        socket.stick.axes = [1.0, 0.0, 0.0]
        with qtbot.waitSignal(js.disconnected, timeout=2000):
            pass
    finally:
        js.stop()


@pytest.fixture
def no_pygame_loaded_yet(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The joystick module as if pygame had never been looked for (restored afterwards)."""
    from app.ui.ptz import joystick as module

    for name, value in (("_checked", False), ("_pygame", None), ("_problem", None)):
        monkeypatch.setattr(module, name, value)
    return module


def test_without_pygame_the_reason_is_given_in_words(
    no_pygame_loaded_yet: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def import_module(name: str) -> ModuleType:
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(no_pygame_loaded_yet, "importlib", SimpleNamespace(import_module=import_module))
    assert not JoystickInput.available()
    reason = JoystickInput.unavailable_reason()
    assert reason is not None and "pygame is not installed" in reason and "joystick" in reason
    assert no_pygame_loaded_yet.pygame_joysticks() is None  # the default back end: no device, no error


def test_sdl_that_cannot_start_is_named_in_the_reason(
    no_pygame_loaded_yet: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail() -> None:
        raise RuntimeError("No available video device")

    broken = SimpleNamespace(display=SimpleNamespace(init=fail), joystick=SimpleNamespace(init=fail))
    monkeypatch.setattr(no_pygame_loaded_yet, "importlib", SimpleNamespace(import_module=lambda name: broken))
    assert not JoystickInput.available()
    assert JoystickInput.unavailable_reason() == "USB joystick: not available (No available video device)."


@pytest.fixture
def sdl_sticks() -> Iterator[list[VirtualJoystick]]:
    """Virtual joysticks inside the SDL that pygame runs (dummy video driver: no window); a test
    appends what it plugs in, and whatever is still plugged in is pulled out afterwards."""
    from app.ui.ptz import joystick as module

    assert JoystickInput.available(), JoystickInput.unavailable_reason()  # pygame is in the dev extras
    pygame = module._load_pygame()
    assert pygame is not None
    assert module.pygame_joysticks() is None, "a real joystick is plugged in: unplug it for this test"
    sticks: list[VirtualJoystick] = []
    yield sticks
    for stick in sticks:
        stick.detach()
    pygame.event.pump()


def test_the_pygame_back_end_steers_from_a_real_sdl_device_and_notices_its_removal(
    qtbot: QtBot, sdl_sticks: list[VirtualJoystick]
) -> None:
    """JoystickInput on its default back end (pygame → SDL) and an SDL virtual stick: found, read,
    turned into PTZ moves and presets, and released when pulled out."""
    from app.ui.ptz import joystick as module

    pygame = module._load_pygame()
    assert pygame is not None
    stick = VirtualJoystick(pygame)
    sdl_sticks.append(stick)
    js = JoystickInput(poll_hz=100)  # no device_factory: pygame_joysticks
    moves: list[tuple[float, float, float]] = []
    presets: list[int] = []
    js.move.connect(lambda p, t, z: moves.append((p, t, z)))
    js.preset.connect(presets.append)
    js.start()
    try:
        with qtbot.waitSignal(js.connected, timeout=3000) as plugged:
            stick.attach()  # found by the next look (about once a second)
        assert plugged.args == ["Virtual Flight Stick"] and js.device_name == "Virtual Flight Stick"
        stick.axis(0, 1.0)  # right, full travel
        stick.axis(1, -1.0)  # and forward: tilt up
        qtbot.waitUntil(lambda: js.held == (1.0, 1.0, 0.0), timeout=2000)
        assert moves[0] == (1.0, 1.0, 0.0)
        stick.axis(0, 0.0)
        stick.axis(1, 0.0)
        with qtbot.waitSignal(js.released, timeout=2000):
            pass
        stick.button(2, True)
        qtbot.waitUntil(lambda: presets == [3], timeout=2000)
        stick.button(2, False)
        # Another stick plugged in and out between two polls (pygame 2.6 loses that batch of events):
        # this one keeps steering.
        other = VirtualJoystick(pygame)
        sdl_sticks.append(other)
        other.attach()
        other.detach()
        stick.axis(2, -1.0)  # twist: zoom out
        qtbot.waitUntil(lambda: js.held == (0.0, 0.0, -1.0), timeout=2000)
        # Pulled out while held: the move is released and the device is gone.
        with qtbot.waitSignals([js.released, js.disconnected], timeout=2000):
            stick.detach()
        assert js.device_name is None and js.held is None and js.running
    finally:
        js.stop()
