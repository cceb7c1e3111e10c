"""Latest-frame mailboxes in one shared-memory segment, shared by the GUI and decoder processes.

Each slot holds two BGRA buffers. The single writer of a slot always fills the buffer that is
not the newest one and then publishes it; readers copy the newest one and verify with a
per-buffer sequence number (odd while being written) that it did not change under them. Nothing
queues: a reader that is slow simply sees the newest frame next time (latest-frame-wins).

Detection samples travel through the same segment. After the ordinary slots come a few *detect
slots*, and every camera tile slot has a small *request block*. The detection worker (the only
writer of request blocks) asks "camera k: put your next decoded frame, fitted into W x H, into
detect slot j" (:meth:`FrameBoard.request_sample`, which returns a token); the camera's decoder
reads one word per decoded frame (:meth:`FrameBoard.request_token`) and, when it sees a token it
has not answered yet, reformats that frame once more and writes it into the detect slot with the
token (:meth:`FrameBoard.write`). Each buffer remembers the token it was written with, so a late
answer to an old request is never taken for the answer to a new one (:meth:`FrameBoard.read_sample`).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing import shared_memory
from typing import NamedTuple, TypeVar

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
_BTOKEN0 = 13  # _BTOKEN0 + b: the token buffer b was written with

# Sample request block of a camera tile slot (int64 words), written by the detection worker only.
_REQ_WORDS = 4
_REQ_TOKEN, _REQ_SLOT, _REQ_W, _REQ_H = 0, 1, 2, 3

BgraImage = npt.NDArray[np.uint8]
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class BoardLayout:
    """Slot capacities (width, height), the number of worker heartbeat words, and detection samples.

    ``detect_slots`` slots of ``detect_capacity`` follow the ``capacities`` slots (board slot
    ``len(capacities) + j`` is detect slot ``j``); the first ``request_slots`` slots (the cameras'
    tile slots) each have a sample request block.
    """

    capacities: tuple[tuple[int, int], ...]
    workers: int
    detect_slots: int = 0
    detect_capacity: tuple[int, int] = (640, 480)
    request_slots: int = 0

    def __post_init__(self) -> None:
        if self.detect_slots < 0 or not 0 <= self.request_slots <= len(self.capacities):
            raise ValueError("detect_slots must be >= 0 and request_slots within the ordinary slots")

    @property
    def all_capacities(self) -> tuple[tuple[int, int], ...]:
        """Capacities of every slot: the ordinary ones, then the detect slots."""
        return self.capacities + (self.detect_capacity,) * self.detect_slots

    def detect_slot(self, index: int) -> int:
        """Board slot number of detect slot ``index``."""
        if not 0 <= index < self.detect_slots:
            raise IndexError(f"detect slot {index} out of range (the board has {self.detect_slots})")
        return len(self.capacities) + index

    def buffer_bytes(self, slot: int) -> int:
        width, height = self.all_capacities[slot]
        return _aligned(width * height * 4)

    def _request_offset(self) -> int:
        return (_HEADER_WORDS + self.workers) * 8

    def offsets(self) -> tuple[int, list[int]]:
        """Byte offset of the control area and of each slot's first buffer."""
        ctl_offset = self._request_offset() + self.request_slots * _REQ_WORDS * 8
        data = _aligned(ctl_offset + len(self.all_capacities) * _CTL_WORDS * 8)
        starts = []
        for slot in range(len(self.all_capacities)):
            starts.append(data)
            data += 2 * self.buffer_bytes(slot)
        return ctl_offset, starts

    def total_bytes(self) -> int:
        ctl_offset, starts = self.offsets()
        last = len(self.all_capacities) - 1
        return starts[-1] + 2 * self.buffer_bytes(last) if starts else _aligned(ctl_offset)


@dataclass(slots=True)  # not frozen: a frozen init costs 4x, and the wall makes 1,500 a second
class FrameMeta:
    """A published frame's size, capture times and count (a value: nothing changes it)."""

    width: int
    height: int
    captured_monotonic_ns: int  # when the decoder published it (time.monotonic_ns, same clock for all)
    captured_wall_ns: int  # wall clock, for burned-in capture times
    count: int  # frames published into the slot so far
    token: int = 0  # the token the frame was written with (detect slots: the request it answers)


def _meta_of(row: list[int], buffer: int) -> FrameMeta:
    """The meta of the frame in ``buffer``, from a slot's control words read as plain ints."""
    w, h, mono, wall = row[_META0 + 4 * buffer : _META0 + 4 * buffer + 4]
    return FrameMeta(w, h, mono, wall, row[_COUNT], row[_BTOKEN0 + buffer])


class FrameRef(NamedTuple):
    """The newest frame of a slot where it lies in shared memory: read without a copy (a tuple:
    a wall takes 1,500 of these a second).

    ``pixels`` stays this frame while the writer leaves its buffer alone, which it does for at
    least one frame period (it fills the other buffer first); :meth:`FrameBoard.holds` tells.
    A reader that keeps drawing from it sees the next frames arrive in its count and moves on.
    """

    slot: int
    buffer: int
    seq: int
    pixels: BgraImage
    meta: FrameMeta


@dataclass(frozen=True)
class SampleRequest:
    """What the detection worker asks of a camera's decoder: its next frame, fitted into ``size``."""

    token: int
    detect_slot: int  # board slot number to write into
    size: tuple[int, int]


class _Segment(shared_memory.SharedMemory):
    """A shared-memory segment that may outlive its board while readers hold frames in it."""

    def __del__(self) -> None:
        # Frames still held (FrameRef.pixels) keep the mapping: it is unmapped when they go.
        with contextlib.suppress(BufferError):
            super().__del__()


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
        self._requests = np.ndarray(
            (layout.request_slots, _REQ_WORDS), np.int64, buf, layout._request_offset()
        )
        self._caps = layout.all_capacities
        self._n_plain = len(layout.capacities)
        self._ctl = np.ndarray((len(self._caps), _CTL_WORDS), np.int64, buf, ctl_offset)
        # The same control and request words as plain int64s: a decoder touches a dozen of them per
        # frame, and a numpy scalar costs ten times a memoryview item (1,500 frames a second).
        self._ctl_words = buf[ctl_offset : ctl_offset + len(self._caps) * _CTL_WORDS * 8].cast("q")
        request_offset = layout._request_offset()
        request_end = request_offset + layout.request_slots * _REQ_WORDS * 8
        self._request_words = buf[request_offset:request_end].cast("q")
        self._detect_ctl = [self._ctl[self._n_plain + j] for j in range(layout.detect_slots)]
        self._last_token = 0
        self._buffers = [
            (
                np.ndarray((layout.buffer_bytes(i),), np.uint8, buf, start),
                np.ndarray((layout.buffer_bytes(i),), np.uint8, buf, start + layout.buffer_bytes(i)),
            )
            for i, start in enumerate(self._starts)
        ]
        self._views: dict[tuple[int, int, int, int], BgraImage] = {}  # (slot, buffer, w, h) → _pixels

    @property
    def name(self) -> str:
        return self._shm.name

    @classmethod
    def create(cls, layout: BoardLayout) -> FrameBoard:
        name = f"citywall-{secrets.token_hex(6)}"
        shm = _Segment(name=name, create=True, size=layout.total_bytes())
        board = cls(shm, layout, owner=True)
        board._header[0] = _MAGIC
        board._requests[:, :] = 0
        board._ctl[:, :] = 0
        board._ctl[:, _LATEST] = -1
        for j in range(layout.detect_slots):
            board._ctl[layout.detect_slot(j), _TOKEN] = -1  # nobody may write until a request
        return board

    @classmethod
    def attach(cls, name: str, layout: BoardLayout) -> FrameBoard:
        shm = _Segment(name=name, create=False)
        if shm.size < layout.total_bytes():
            shm.close()
            raise RuntimeError(f"shared memory {name!r} is smaller than the board layout says")
        board = cls(shm, layout, owner=False)
        if int(board._header[0]) != _MAGIC:
            board.close()
            raise RuntimeError(f"shared memory {name!r} is not a CityWall frame board")
        return board

    def close(self) -> None:
        # Views into the mapping must be gone before the mapping can close.
        del self._header, self._requests, self._ctl, self._detect_ctl, self._buffers, self._views
        self._ctl_words.release()
        self._request_words.release()
        try:
            self._shm.close()
        except BufferError:
            # A reader still holds frames in place (FrameRef.pixels): the mapping stays until the
            # last of them is gone (the name is unlinked below all the same).
            log.debug("frame board %s: closed while frames are still held; unmapped later", self.name)
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
        words = self._ctl_words
        base = slot * _CTL_WORDS
        # Detect slots take nothing but the answer to their current request.
        if (token or slot >= self._n_plain) and words[base + _TOKEN] != token:
            return False
        height, width = image.shape[:2]
        cap_w, cap_h = self._caps[slot]
        if width > cap_w or height > cap_h:
            return False
        b = 0 if words[base + _LATEST] != 0 else 1
        seq = base + _BSEQ0 + b
        words[seq] += 1  # odd: being written
        np.copyto(self._pixels(slot, b, width, height), image)
        meta = base + _META0 + 4 * b
        words[meta] = width
        words[meta + 1] = height
        words[meta + 2] = time.monotonic_ns()
        words[meta + 3] = time.time_ns()
        words[base + _BTOKEN0 + b] = token
        words[seq] += 1  # even: complete
        words[base + _LATEST] = b
        words[base + _COUNT] += 1
        return True

    # --- reader side --------------------------------------------------------------------------
    def count(self, slot: int) -> int:
        return int(self._ctl[slot, _COUNT])

    def newer(self, slots: Sequence[int], seen: Sequence[int]) -> list[tuple[int, FrameRef]]:
        """The newest frame of each slot whose count differs from ``seen`` (index-aligned; a
        negative slot is skipped), in place, with its index: a wall's poll in one read of the
        control words rather than one per tile (1,500 tile frames a second)."""
        rows = self._ctl[: self._n_plain].tolist()
        pixels = self._pixels
        found: list[tuple[int, FrameRef]] = []
        for index, slot in enumerate(slots):
            if slot < 0:
                continue
            row = rows[slot]
            b = row[_LATEST]
            if b < 0 or row[_COUNT] == seen[index]:
                continue
            seq = row[_BSEQ0 + b]
            if seq & 1:
                continue  # (see latest)
            meta = _meta_of(row, b)
            found.append((index, FrameRef(slot, b, seq, pixels(slot, b, meta.width, meta.height), meta)))
        return found

    def meta(self, slot: int) -> FrameMeta | None:
        row = self._ctl[slot].tolist()  # one read of the control words, then plain ints
        b = row[_LATEST]
        if b < 0:
            return None
        return _meta_of(row, b)

    def captured_monotonic_ns(self, slot: int) -> int | None:
        """When the newest frame of ``slot`` was published (health asks this of every camera)."""
        base = slot * _CTL_WORDS
        b = self._ctl_words[base + _LATEST]
        return None if b < 0 else self._ctl_words[base + _META0 + 4 * b + 2]

    def latest(self, slot: int) -> FrameRef | None:
        """The newest complete frame of ``slot`` in place (see :class:`FrameRef`), or None."""
        row = self._ctl[slot].tolist()  # one read of the control words, then plain ints
        b = row[_LATEST]
        if b < 0:
            return None
        seq = row[_BSEQ0 + b]
        if seq & 1:
            return None  # cannot happen to the newest buffer unless a writer broke the protocol
        meta = _meta_of(row, b)
        return FrameRef(slot, b, seq, self._pixels(slot, b, meta.width, meta.height), meta)

    def _pixels(self, slot: int, buffer: int, width: int, height: int) -> BgraImage:
        """A ``width`` x ``height`` picture in a slot's buffer, made once per size (the writer
        fills it, the wall paints from it). It goes through a memoryview of the mapping: unlike a
        plain numpy view, that keeps the mapping alive, so a frame held by a reader never points
        into unmapped memory."""
        key = (slot, buffer, width, height)
        pixels = self._views.get(key)
        if pixels is None:
            if len(self._views) > 4 * len(self._caps):
                self._views.clear()  # sizes of past layouts
            buf = self._shm.buf
            assert buf is not None
            start = self._starts[slot] + buffer * self.layout.buffer_bytes(slot)
            flat = np.frombuffer(buf[start : start + width * height * 4], np.uint8)
            pixels = self._views[key] = flat.reshape(height, width, 4)
        return pixels

    def holds(self, ref: FrameRef) -> bool:
        """Does ``ref``'s buffer still hold that frame (not rewritten since, not being rewritten)?"""
        return int(self._ctl[ref.slot, _BSEQ0 + ref.buffer]) == ref.seq

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
            token = int(ctl[_BTOKEN0 + b])
            np.copyto(dest, self._buffers[slot][b][: w * h * 4].reshape(h, w, 4))
            if int(ctl[_BSEQ0 + b]) == seq:
                return dest, FrameMeta(w, h, mono, wall, count, token)
        return None

    # --- detection samples: the detection worker's side ------------------------------------------
    def request_sample(self, camera_slot: int, detect_index: int, size: tuple[int, int]) -> int:
        """Ask the decoder of ``camera_slot`` for its next frame, fitted into ``size``, in detect slot
        ``detect_index``; returns the request's token (for :meth:`read_sample`).

        A new request for the same camera or the same detect slot replaces the old one; an answer
        to the old one can no longer land.
        """
        slot = self.layout.detect_slot(detect_index)
        cap_w, cap_h = self.layout.detect_capacity
        width, height = min(int(size[0]), cap_w), min(int(size[1]), cap_h)
        if width < 2 or height < 2:
            raise ValueError(f"sample size {size} is too small")
        # Unique across restarts of the detection worker (a decoder may still remember old tokens).
        token = max(time.monotonic_ns(), self._last_token + 1)
        self._last_token = token
        self._ctl[slot, _TOKEN] = token  # from now on only the answer to this request may land
        self._ctl[slot, _LATEST] = -1
        req = self._requests[camera_slot]
        req[_REQ_TOKEN] = 0  # the decoder ignores the block while it is being filled in
        req[_REQ_SLOT], req[_REQ_W], req[_REQ_H] = slot, width, height
        req[_REQ_TOKEN] = token  # last: the decoder sees a complete request
        return token

    def cancel_sample(self, camera_slot: int, detect_index: int, token: int) -> None:
        """Withdraw a request (timed out, the camera moved): the slot takes no answer to it."""
        slot = self.layout.detect_slot(detect_index)
        if int(self._ctl[slot, _TOKEN]) == token:
            self._ctl[slot, _TOKEN] = -1
        req = self._requests[camera_slot]
        if int(req[_REQ_TOKEN]) == token:
            req[_REQ_TOKEN] = 0

    def samples_written(self) -> int:
        """Frames written into all detect slots so far: unchanged means no answer arrived."""
        return int(self._ctl[self._n_plain :, _COUNT].sum())

    def sample_ready(self, detect_index: int, token: int) -> bool:
        """Has request ``token`` been answered (a few word reads: cheap enough to poll)?"""
        ctl = self._detect_ctl[detect_index]
        b = int(ctl[_LATEST])
        return b >= 0 and int(ctl[_BTOKEN0 + b]) == token and not int(ctl[_BSEQ0 + b]) & 1

    def convert_sample(
        self, detect_index: int, token: int, convert: Callable[[BgraImage], T]
    ) -> tuple[T, FrameMeta] | None:
        """Hand the answer to request ``token`` to ``convert`` straight from shared memory (e.g. a
        BGRA→BGR conversion into a new array: one pass instead of a copy and a pass).

        ``convert`` must not keep the view it is given. The caller owns the detect slot until it
        asks for another sample with it, so nothing writes there meanwhile; the buffer's sequence
        number is checked afterwards all the same.
        """
        ctl = self._detect_ctl[detect_index]
        b = int(ctl[_LATEST])
        if b < 0 or int(ctl[_BTOKEN0 + b]) != token:
            return None
        seq = int(ctl[_BSEQ0 + b])
        if seq & 1:
            return None
        w, h, mono, wall = (int(v) for v in ctl[_META0 + 4 * b : _META0 + 4 * b + 4])
        view = self._buffers[self._n_plain + detect_index][b][: w * h * 4].reshape(h, w, 4)
        result = convert(view)
        del view
        if int(ctl[_BSEQ0 + b]) != seq or int(ctl[_BTOKEN0 + b]) != token:
            return None
        return result, FrameMeta(w, h, mono, wall, int(ctl[_COUNT]), token)

    def read_sample(
        self, detect_index: int, token: int, dest: BgraImage | None = None
    ) -> tuple[BgraImage, FrameMeta] | None:
        """The answer to request ``token``, or None while there is none (cheap enough to poll)."""
        ctl = self._detect_ctl[detect_index]
        b = int(ctl[_LATEST])
        if b < 0 or int(ctl[_BTOKEN0 + b]) != token:
            return None
        got = self.read(self._n_plain + detect_index, dest)
        if got is None or got[1].token != token:
            return None
        return got

    # --- detection samples: the decoder's side -----------------------------------------------------
    def request_token(self, camera_slot: int) -> int:
        """The camera's pending request token (0: none). One word: cheap enough for every frame."""
        return self._request_words[camera_slot * _REQ_WORDS + _REQ_TOKEN]

    def sample_request(self, camera_slot: int) -> SampleRequest | None:
        """The camera's pending request in full, or None (no request, or it changed while read)."""
        req = self._requests[camera_slot]
        token = int(req[_REQ_TOKEN])
        if token == 0:
            return None
        slot, width, height = int(req[_REQ_SLOT]), int(req[_REQ_W]), int(req[_REQ_H])
        if int(req[_REQ_TOKEN]) != token:
            return None
        return SampleRequest(token, slot, (width, height))
