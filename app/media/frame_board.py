"""Latest-frame mailboxes in one shared-memory segment, shared by the GUI and decoder processes.

Each slot holds two BGRA buffers. The single writer of a slot always fills the buffer that is
not the newest one and then publishes it; readers copy the newest one and verify with a
per-buffer sequence number (odd while being written) that it did not change under them. Nothing
queues: a reader that is slow simply sees the newest frame next time (latest-frame-wins).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from multiprocessing import shared_memory

import numpy as np
import numpy.typing as npt

_MAGIC = 0x43495459_57414C4C  # "CITYWALL"
_HEADER_WORDS = 8
_CTL_WORDS = 16
_ALIGN = 4096

# Slot control block (int64 words).
_LATEST, _COUNT, _BSEQ0 = 0, 1, 2  # _BSEQ0 + b for buffer b
_META0 = 4  # 4 words per buffer: width, height, monotonic ns, wall-clock ns
_TOKEN = 12  # which writer may write into this slot (focus slots change hands)

BgraImage = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class BoardLayout:
    """Slot capacities (width, height) and the number of worker heartbeat words."""

    capacities: tuple[tuple[int, int], ...]
    workers: int

    def buffer_bytes(self, slot: int) -> int:
        width, height = self.capacities[slot]
        return _aligned(width * height * 4)

    def offsets(self) -> tuple[int, list[int]]:
        """Byte offset of the control area and of each slot's first buffer."""
        ctl_offset = (_HEADER_WORDS + self.workers) * 8
        data = _aligned(ctl_offset + len(self.capacities) * _CTL_WORDS * 8)
        starts = []
        for slot in range(len(self.capacities)):
            starts.append(data)
            data += 2 * self.buffer_bytes(slot)
        return ctl_offset, starts

    def total_bytes(self) -> int:
        _, starts = self.offsets()
        last = len(self.capacities) - 1
        return (
            starts[-1] + 2 * self.buffer_bytes(last)
            if starts
            else _aligned((_HEADER_WORDS + self.workers) * 8)
        )


@dataclass(frozen=True)
class FrameMeta:
    width: int
    height: int
    captured_monotonic_ns: int  # when the decoder published it (time.monotonic_ns, same clock for all)
    captured_wall_ns: int  # wall clock, for burned-in capture times
    count: int  # frames published into the slot so far


def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


class FrameBoard:
    """Create with :meth:`create` in the GUI process, :meth:`attach` in workers."""

    def __init__(self, shm: shared_memory.SharedMemory, layout: BoardLayout, owner: bool) -> None:
        self._shm, self.layout, self._owner = shm, layout, owner
        ctl_offset, self._starts = layout.offsets()
        buf = shm.buf
        assert buf is not None
        self._header = np.ndarray((_HEADER_WORDS + layout.workers,), np.int64, buf, 0)
        self._ctl = np.ndarray((len(layout.capacities), _CTL_WORDS), np.int64, buf, ctl_offset)
        self._buffers = [
            (
                np.ndarray((layout.buffer_bytes(i),), np.uint8, buf, start),
                np.ndarray((layout.buffer_bytes(i),), np.uint8, buf, start + layout.buffer_bytes(i)),
            )
            for i, start in enumerate(self._starts)
        ]

    @property
    def name(self) -> str:
        return self._shm.name

    @classmethod
    def create(cls, layout: BoardLayout) -> FrameBoard:
        name = f"citywall-{secrets.token_hex(6)}"
        shm = shared_memory.SharedMemory(name=name, create=True, size=layout.total_bytes())
        board = cls(shm, layout, owner=True)
        board._header[0] = _MAGIC
        board._ctl[:, :] = 0
        board._ctl[:, _LATEST] = -1
        return board

    @classmethod
    def attach(cls, name: str, layout: BoardLayout) -> FrameBoard:
        shm = shared_memory.SharedMemory(name=name, create=False)
        board = cls(shm, layout, owner=False)
        if int(board._header[0]) != _MAGIC:
            board.close()
            raise RuntimeError(f"shared memory {name!r} is not a CityWall frame board")
        return board

    def close(self) -> None:
        # Views into the mapping must be gone before the mapping can close.
        del self._header, self._ctl, self._buffers
        self._shm.close()
        if self._owner:
            self._shm.unlink()

    # --- heartbeats: a hung worker stops beating and is restarted by the supervisor -------------
    def beat(self, worker: int) -> None:
        self._header[_HEADER_WORDS + worker] = time.monotonic_ns()

    def last_beat_ns(self, worker: int) -> int:
        return int(self._header[_HEADER_WORDS + worker])

    # --- slot ownership ---------------------------------------------------------------------
    def set_token(self, slot: int, token: int) -> None:
        self._ctl[slot, _TOKEN] = token

    def token(self, slot: int) -> int:
        return int(self._ctl[slot, _TOKEN])

    def reset(self, slot: int) -> None:
        """Forget the slot's frames (used when a focus slot is handed to another camera)."""
        self._ctl[slot, _LATEST] = -1

    # --- writer side --------------------------------------------------------------------------
    def write(self, slot: int, image: BgraImage, token: int = 0) -> bool:
        """Publish ``image`` (h, w, 4) uint8 into ``slot``; False if it does not fit or is not ours."""
        ctl = self._ctl[slot]
        if token and int(ctl[_TOKEN]) != token:
            return False
        height, width = image.shape[:2]
        cap_w, cap_h = self.layout.capacities[slot]
        if width > cap_w or height > cap_h:
            return False
        latest = int(ctl[_LATEST])
        b = 0 if latest != 0 else 1
        ctl[_BSEQ0 + b] += 1  # odd: being written
        dst = self._buffers[slot][b][: width * height * 4].reshape(height, width, 4)
        np.copyto(dst, image)
        meta = _META0 + 4 * b
        ctl[meta : meta + 4] = (width, height, time.monotonic_ns(), time.time_ns())
        ctl[_BSEQ0 + b] += 1  # even: complete
        ctl[_LATEST] = b
        ctl[_COUNT] += 1
        return True

    # --- reader side --------------------------------------------------------------------------
    def count(self, slot: int) -> int:
        return int(self._ctl[slot, _COUNT])

    def meta(self, slot: int) -> FrameMeta | None:
        ctl = self._ctl[slot]
        b = int(ctl[_LATEST])
        if b < 0:
            return None
        w, h, mono, wall = (int(v) for v in ctl[_META0 + 4 * b : _META0 + 4 * b + 4])
        return FrameMeta(w, h, mono, wall, int(ctl[_COUNT]))

    def read(
        self, slot: int, dest: BgraImage | None = None, newer_than: int = 0
    ) -> tuple[BgraImage, FrameMeta] | None:
        """Copy the newest frame if it is newer than count ``newer_than``.

        ``dest`` is reused when its shape matches, so a steady stream costs one memcpy per frame.
        """
        ctl = self._ctl[slot]
        for _ in range(4):
            count = int(ctl[_COUNT])
            b = int(ctl[_LATEST])
            if b < 0 or count <= newer_than:
                return None
            seq = int(ctl[_BSEQ0 + b])
            if seq & 1:
                continue
            w, h, mono, wall = (int(v) for v in ctl[_META0 + 4 * b : _META0 + 4 * b + 4])
            if dest is None or dest.shape != (h, w, 4):
                dest = np.empty((h, w, 4), np.uint8)
            np.copyto(dest, self._buffers[slot][b][: w * h * 4].reshape(h, w, 4))
            if int(ctl[_BSEQ0 + b]) == seq:
                return dest, FrameMeta(w, h, mono, wall, count)
        return None
