"""The joystick wrapper, driven by a fake device on its own timer: move, release, presets, hot-plug."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.ui.ptz.joystick import JoystickInput, JoystickState


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


def test_without_pygame_the_reason_is_given_in_words() -> None:
    if JoystickInput.available():
        pytest.skip("pygame is installed here")
    reason = JoystickInput.unavailable_reason()
    assert reason is not None and "pygame" in reason


def test_the_pygame_back_end_reads_a_device_and_notices_its_removal() -> None:
    """Only where the optional pygame is installed (SDL's dummy video driver: no window, no display)."""
    pygame = pytest.importorskip("pygame")
    from app.ui.ptz import joystick as module

    assert JoystickInput.available() and JoystickInput.unavailable_reason() is None
    assert module.pygame_joysticks() is None  # no joystick on a test machine

    class Stick:  # stands in for pygame.joystick.Joystick
        def get_instance_id(self) -> int:
            return 7

        def get_name(self) -> str:
            return "Test stick"

        def get_init(self) -> bool:
            return True

        def get_numaxes(self) -> int:
            return 3

        def get_axis(self, i: int) -> float:
            return (0.5, -1.0, 0.0)[i]

        def get_numbuttons(self) -> int:
            return 2

        def get_button(self, i: int) -> bool:
            return i == 1

        def quit(self) -> None:
            pass

    device = module._PygameDevice(pygame, Stick())
    assert device.read() == JoystickState((0.5, -1.0, 0.0), (False, True))
    pygame.event.post(pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=8))  # another stick
    assert device.read() is not None
    pygame.event.post(pygame.event.Event(pygame.JOYDEVICEREMOVED, instance_id=7))
    assert device.read() is None and device.read() is None
