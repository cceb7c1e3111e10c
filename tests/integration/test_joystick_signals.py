"""Starting the optional joystick back end (SDL) must not take SIGTERM away from the wall."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import types
from pathlib import Path

import pytest

from app.ui.ptz import joystick

ROOT = Path(__file__).resolve().parents[2]
LOAD_THEN_TERMINATE = """
import os, signal, time
from app.ui.ptz.joystick import _load_pygame
assert _load_pygame() is not None, "SDL did not start"
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(10)
print("still running after SIGTERM")
"""


@pytest.mark.peer
def test_sigterm_still_ends_a_process_that_started_sdl() -> None:
    pytest.importorskip("pygame")
    done = subprocess.run(
        [sys.executable, "-c", LOAD_THEN_TERMINATE], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGTERM, done.stdout + done.stderr


def test_sdl_is_told_to_leave_signals_alone_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, str | None] = {}

    def init() -> None:  # what SDL reads from the environment as its video starts
        seen["hint"] = os.environ.get("SDL_NO_SIGNAL_HANDLERS")

    fake = types.SimpleNamespace(
        display=types.SimpleNamespace(init=init), joystick=types.SimpleNamespace(init=lambda: None)
    )
    monkeypatch.setitem(sys.modules, "pygame", fake)
    monkeypatch.setattr(joystick, "_checked", False)
    monkeypatch.setattr(joystick, "_pygame", None)
    for name in ("SDL_NO_SIGNAL_HANDLERS", "SDL_VIDEODRIVER", "SDL_JOYSTICK_ALLOW_BACKGROUND_EVENTS"):
        monkeypatch.setenv(name, "")  # restored (or removed again) after the test
        monkeypatch.delenv(name)
    assert joystick._load_pygame() is fake
    assert seen["hint"] == "1"
