"""The worker's sample requests: a check's picture is asked of the camera's decoder into one of the
frame board's detect slots, answered (the slot then stays the worker's until the check has read it)
or given up after ``timeout_s``. Polled many times a second for 100+ cameras: kept cheap."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.media.frame_board import FrameBoard
from app.services.detection.scheduler import Ticket


@dataclass
class Sample:
    ticket: Ticket
    token: int
    camera_slot: int
    detect_index: int
    requested_at: float


class SampleRequests:
    def __init__(self, board: FrameBoard, slots: int, size: tuple[int, int], timeout_s: float) -> None:
        self._board = board
        self._size = size
        self.timeout_s = timeout_s
        self._free = list(range(slots))[::-1]
        self._pending: dict[int, Sample] = {}  # by detect slot
        self.ready: list[Sample] = []  # answered; their detect slots stay ours until checked
        self._written = -1  # samples_written() when last looked
        self._next_timeout = -math.inf  # earliest time a pending sample times out

    @property
    def free(self) -> bool:
        return bool(self._free)

    @property
    def waiting(self) -> bool:
        return bool(self._pending)

    def ask(self, ticket: Ticket, camera_slot: int, now: float) -> None:
        index = self._free.pop()
        token = self._board.request_sample(camera_slot, index, self._size)
        self._pending[index] = Sample(ticket, token, camera_slot, index, now)
        self._next_timeout = min(self._next_timeout, now + self.timeout_s)

    def collect(self, now: float) -> tuple[list[Sample], list[Sample]]:
        """The samples answered since (now in :attr:`ready`) and those given up (slots freed)."""
        # One sum says whether any answer arrived. Requests for a camera that moved or got new
        # zones were withdrawn already (drop), and a check skips a void ticket anyway.
        written = self._board.samples_written()
        if written == self._written and now < self._next_timeout:
            return [], []
        self._written = written
        self._next_timeout = math.inf
        answered, timed_out = [], []
        for sample in list(self._pending.values()):
            if self._board.sample_ready(sample.detect_index, sample.token):
                # Close the request, so that nothing (a restarted decoder that has forgotten it
                # answered) writes into the slot before the check has read it.
                self._board.cancel_sample(sample.camera_slot, sample.detect_index, sample.token)
                self._pending.pop(sample.detect_index)
                self.ready.append(sample)
                answered.append(sample)
            elif now - sample.requested_at > self.timeout_s:
                self.release(sample)
                timed_out.append(sample)
            else:
                self._next_timeout = min(self._next_timeout, sample.requested_at + self.timeout_s)
        return answered, timed_out

    def read(self, sample: Sample) -> None:
        """The check has its picture: the slot can take the next one."""
        self._free.append(sample.detect_index)

    def release(self, sample: Sample) -> None:
        """Give the detect slot back (and withdraw the request, if it is still open)."""
        self._board.cancel_sample(sample.camera_slot, sample.detect_index, sample.token)
        if self._pending.pop(sample.detect_index, None) is None and sample in self.ready:
            self.ready.remove(sample)
        self._free.append(sample.detect_index)

    def drop(self, camera_id: str) -> None:
        """Withdraw the camera's requests and answers (it moved, its zones changed)."""
        for sample in [*self._pending.values(), *self.ready]:
            if sample.ticket.camera_id == camera_id:
                self.release(sample)

    def close(self) -> None:
        for sample in list(self._pending.values()):
            self.release(sample)
