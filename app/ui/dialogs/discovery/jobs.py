"""A search or a probe running on a worker thread, and what it has found so far (no widgets here).

The worker reports through :meth:`Job.progress` and :meth:`Job.problem` (from its own threads); the
dialog's GUI timer reads :meth:`Job.snapshot`. Nothing crosses into Qt from a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Literal

from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.problems import DiscoveryProblem

JobKind = Literal["search", "probe"]


@dataclass(frozen=True)
class JobResult:
    devices: tuple[DiscoveredDevice, ...]
    silent: int = 0  # probed addresses where nothing answered (a range's are not listed one by one)
    addresses: int = 0  # how many addresses a probe covered


@dataclass(frozen=True)
class Snapshot:
    fraction: float
    devices: tuple[DiscoveredDevice, ...]
    problems: tuple[DiscoveryProblem, ...]


class Job:
    """One run of ``work(job)``; ``cancel`` asks it to stop (it returns what it has)."""

    def __init__(self, kind: JobKind, executor: Executor, work: Callable[[Job], JobResult]) -> None:
        self.kind = kind
        self.cancel = threading.Event()
        self._lock = threading.Lock()
        self._fraction = 0.0
        self._devices: tuple[DiscoveredDevice, ...] = ()
        self._problems: dict[DiscoveryProblem, None] = {}  # ordered, each once
        self.future: Future[JobResult] = executor.submit(work, self)

    def progress(self, fraction: float, devices: tuple[DiscoveredDevice, ...]) -> None:
        with self._lock:
            self._fraction = max(self._fraction, min(1.0, max(0.0, fraction)))
            self._devices = devices

    def problem(self, problem: DiscoveryProblem) -> None:
        with self._lock:
            self._problems[problem] = None

    def snapshot(self) -> Snapshot:
        with self._lock:
            return Snapshot(self._fraction, self._devices, tuple(self._problems))

    def done(self) -> bool:
        return self.future.done()
