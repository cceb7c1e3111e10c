"""A joystick that exists only inside SDL (SDL 2.0.14+'s virtual joystick), for testing the pygame back end.

pygame does not expose SDL's virtual joysticks, so this calls the SDL library pygame itself loaded
(found in the process's mappings, else beside pygame) through ctypes. Once attached, SDL reports it
like a USB device: pygame lists it, opens it, reads its axes and buttons, and a detach arrives as
JOYDEVICEREMOVED, as an unplugged stick does.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path
from types import ModuleType

SDL_JOYSTICK_TYPE_FLIGHT_STICK = 4


def _sdl_library(pygame: ModuleType) -> ctypes.CDLL:
    """The SDL2 that pygame uses (loading the same file again gives the same library, not a copy)."""
    candidates: list[Path] = []
    maps = Path("/proc/self/maps")
    if maps.is_file():
        for line in maps.read_text().splitlines():
            name = line.rsplit(" ", 1)[-1]
            if "libSDL2-2" in name or name.endswith("libSDL2.so") or "libSDL2-2.0.so" in name:
                candidates.append(Path(name))
    here = Path(str(pygame.__file__)).parent
    for folder in (here, here.parent / "pygame.libs", here / ".dylibs"):
        candidates += sorted(folder.glob("*SDL2-2*")) + sorted(folder.glob("SDL2.dll"))
    for path in candidates:
        if path.is_file():
            sdl = ctypes.CDLL(str(path))
            if hasattr(sdl, "SDL_JoystickAttachVirtual"):
                return sdl
    raise RuntimeError(f"no SDL2 with virtual joysticks beside pygame ({sys.platform}): {candidates}")


class VirtualJoystick:
    """Plug in with :meth:`attach`, move with :meth:`axis` / :meth:`button`, pull out with :meth:`detach`."""

    def __init__(self, pygame: ModuleType, axes: int = 3, buttons: int = 4) -> None:
        self._pg = pygame
        self._n = (axes, buttons)
        sdl = _sdl_library(pygame)
        sdl.SDL_JoystickAttachVirtual.argtypes = [ctypes.c_int] * 4
        sdl.SDL_JoystickAttachVirtual.restype = ctypes.c_int
        sdl.SDL_JoystickDetachVirtual.argtypes = [ctypes.c_int]
        sdl.SDL_JoystickDetachVirtual.restype = ctypes.c_int
        sdl.SDL_JoystickGetDeviceInstanceID.argtypes = [ctypes.c_int]
        sdl.SDL_JoystickGetDeviceInstanceID.restype = ctypes.c_int32
        sdl.SDL_JoystickFromInstanceID.argtypes = [ctypes.c_int32]
        sdl.SDL_JoystickFromInstanceID.restype = ctypes.c_void_p
        sdl.SDL_JoystickSetVirtualAxis.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int16]
        sdl.SDL_JoystickSetVirtualAxis.restype = ctypes.c_int
        sdl.SDL_JoystickSetVirtualButton.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint8]
        sdl.SDL_JoystickSetVirtualButton.restype = ctypes.c_int
        sdl.SDL_GetError.restype = ctypes.c_char_p
        self._sdl = sdl
        self.instance_id: int | None = None

    def _check(self, result: int, what: str) -> None:
        if result < 0:
            raise RuntimeError(f"SDL {what}: {self._sdl.SDL_GetError().decode(errors='replace')}")

    def attach(self) -> int:
        """Plug it in; returns SDL's instance id (what JOYDEVICEREMOVED names)."""
        index = self._sdl.SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_FLIGHT_STICK, *self._n, 0)
        self._check(index, "attach")
        self.instance_id = int(self._sdl.SDL_JoystickGetDeviceInstanceID(index))
        self._pg.event.pump()  # SDL announces the new device
        return self.instance_id

    def _device_index(self) -> int:
        for i in range(self._pg.joystick.get_count()):
            if self._sdl.SDL_JoystickGetDeviceInstanceID(i) == self.instance_id:
                return i
        raise RuntimeError("the virtual joystick is not plugged in")

    def _opened(self) -> int:
        handle = self._sdl.SDL_JoystickFromInstanceID(self.instance_id or 0)
        if not handle:
            raise RuntimeError("the virtual joystick has not been opened (by pygame) yet")
        return int(handle)

    def axis(self, index: int, value: float) -> None:
        """Move an axis to ``value`` in -1..1 (SDL keeps it until the next event pump reads it)."""
        raw = max(-32768, min(32767, round(value * 32767)))
        self._check(self._sdl.SDL_JoystickSetVirtualAxis(self._opened(), index, raw), "axis")

    def button(self, index: int, down: bool) -> None:
        self._check(self._sdl.SDL_JoystickSetVirtualButton(self._opened(), index, int(down)), "button")

    def detach(self) -> None:
        """Pull it out (nothing when it is not plugged in)."""
        if self.instance_id is None:
            return
        index = self._device_index()
        self.instance_id = None
        self._check(self._sdl.SDL_JoystickDetachVirtual(index), "detach")
