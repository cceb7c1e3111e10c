"""Taking up a changed model file in the running detection worker (hot swap).

The new model is loaded and tried once on a blank picture on a thread of its own, so the checks
go on with the old model meanwhile (an ONNX session takes from tenths of a second to seconds to
build). The worker's loop picks the result up between checks: a model that loaded replaces the old
one in every view's pipeline (zones, dwell, references, open alerts and tracks are the views' and
stay); one that did not is thrown away and the old one goes on, with the reason sent to the GUI.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.services.detection.protocol import ModelChanged, ModelLoaded
from detectors import registry
from detectors.types import Detector

log = logging.getLogger(__name__)

TRIAL_SHAPE = (96, 128, 3)  # a blank picture the new model must get through before it is used


@dataclass
class LoadedModel:
    """A finished load: ``detector`` when it worked, else ``error``."""

    request: ModelChanged
    generation: int
    detector: Detector | None
    error: str
    seconds: float

    def answer(self, ok: bool, why: str = "") -> ModelLoaded:
        m = self.request
        return ModelLoaded(m.plugin, m.path, ok, why or self.error, m.sha256, round(self.seconds, 3))


class ModelLoader:
    """Loads requested models in the background; :meth:`finished` hands over what is done, the
    latest request per plugin only (an older one overtaken by a newer swap is closed unused)."""

    def __init__(self) -> None:
        self._done: queue.SimpleQueue[LoadedModel] = queue.SimpleQueue()
        self._generation: dict[str, int] = {}
        self._threads: list[threading.Thread] = []

    def load(self, request: ModelChanged, options: Mapping[str, Any]) -> None:
        generation = self._generation.get(request.plugin, 0) + 1
        self._generation[request.plugin] = generation
        opts = {**options, "model": request.path}
        thread = threading.Thread(
            target=self._load, args=(request, generation, opts), name=f"load-{request.plugin}", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _load(self, request: ModelChanged, generation: int, options: Mapping[str, Any]) -> None:
        t0 = time.monotonic()
        detector: Detector | None = None
        try:
            detector = registry.load(request.plugin, options)
            detector.detect(
                np.zeros(TRIAL_SHAPE, np.uint8), None
            )  # a wrong format fails here, not on a camera
            error = ""
        except Exception as exc:  # whatever the file is, the old model stays and the GUI hears why
            error = (
                str(exc) if isinstance(exc, registry.DetectorLoadError) else f"{type(exc).__name__}: {exc}"
            )
            if detector is not None:
                detector.close()
                detector = None
        self._done.put(LoadedModel(request, generation, detector, error, time.monotonic() - t0))

    def finished(self) -> list[LoadedModel]:
        """Loads done since the last call that are still wanted (superseded ones are closed)."""
        out: list[LoadedModel] = []
        while True:
            try:
                loaded = self._done.get_nowait()
            except queue.Empty:
                return out
            if loaded.generation == self._generation.get(loaded.request.plugin):
                out.append(loaded)
            elif loaded.detector is not None:
                loaded.detector.close()

    def close(self, timeout_s: float = 2.0) -> None:
        """Wait for loads under way (bounded) and close whatever was never taken."""
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._generation.clear()  # nothing is wanted any more: finished() closes them all
        self.finished()
