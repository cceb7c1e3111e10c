"""The worker's side of resuming after a crash.

After every check the worker sends a :class:`ViewCheckpoint` of the view it checked: always the
rules' state (dwell, hit histories, hysteresis, the furniture the zones follow) and the view's open
alerts, which are small; the bins' and zones' reference pictures when they changed; what the
background models learnt (tens of kB a view, compressed) every ``models_every_s``, after the view
was reset, and whenever the detectors found something they had not found at the last such checkpoint
(a stall that has just been found is in the checkpoint at once, not up to ``models_every_s`` later;
what went needs no hurry: a restored detector sees at once that it is gone). The service keeps the
latest of each view (:mod:`app.services.detection.resume`) and starts a new worker with them;
:class:`Checkpoints` hands each to the view's new pipeline when the view is first checked again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from app.core.alerts import Alert
from app.services.detection.protocol import ViewCheckpoint
from detectors.pipeline import ScenePipeline

CHECKPOINT_MODELS_S = 10.0  # the background models at most this stale after a crash

PlaceKey = tuple[str, str | None]


@dataclass
class _Sent:
    generation: int  # the pipeline's resets when its models were last sent
    references: int  # its reference pictures' changes (bins, zones) when they were last sent
    models_at: float
    found: frozenset[Hashable]  # what the detectors found then (rough boxes)


class Checkpoints:
    def __init__(self, resume: Iterable[ViewCheckpoint] = (), models_every_s: float = CHECKPOINT_MODELS_S):
        self._resume: dict[PlaceKey, ViewCheckpoint] = {(cp.camera_id, cp.preset): cp for cp in resume}
        self._sent: dict[PlaceKey, _Sent] = {}
        self._models_every_s = models_every_s

    def waiting(self) -> list[ViewCheckpoint]:
        """The views not yet taken over."""
        return list(self._resume.values())

    def resumes_at(self, camera_id: str, preset: str | None, settled_since: float | None) -> bool:
        """Whether the view was learnt at this very place (a PTZ camera told the same place again
        after a restart resumes; one that has moved since starts the view afresh). A view from the
        app's last run resumes at the camera's first settled place at its preset, which it is
        then bound to (the camera leaving and coming back before the view is checked starts it
        afresh, as after a worker restart)."""
        cp = self._resume.get((camera_id, preset))
        if cp is not None and cp.from_last_run and settled_since is not None:
            self._resume[(camera_id, preset)] = replace(cp, settled_since=settled_since, from_last_run=False)
            return True
        return cp is not None and cp.settled_since == settled_since

    def forget(self, camera_id: str, preset: str | None) -> None:
        """The view's zones changed: what was learnt for the old zones is void."""
        self._resume.pop((camera_id, preset), None)
        self._sent.pop((camera_id, preset), None)

    def take_over(self, key: PlaceKey, pipe: ScenePipeline) -> ViewCheckpoint | None:
        """Give a new pipeline what the previous worker learnt for its view (None: nothing, or it
        was learnt for other zones)."""
        cp = self._resume.pop(key, None)
        if cp is None or not pipe.restore(cp.state):
            return None
        return cp

    def after_check(
        self,
        key: PlaceKey,
        pipe: ScenePipeline,
        settled_since: float | None,
        open_alerts: tuple[Alert, ...],
        now: float,
        found: frozenset[Hashable] = frozenset(),
    ) -> ViewCheckpoint:
        """The checkpoint after a check that found ``found`` (rough boxes, any hashable)."""
        sent = self._sent.get(key)
        refs = pipe.reference_changes
        models = (
            sent is None
            or sent.generation != pipe.generation  # the view was reset: the models sent are void
            or not found <= sent.found
            or now - sent.models_at >= self._models_every_s
        )
        references = sent is None or sent.references != refs
        state = pipe.snapshot(detectors=models, references=references)
        if sent is None:
            sent = self._sent[key] = _Sent(pipe.generation, refs, now, found)
        sent.references = refs
        if models:
            sent.generation, sent.models_at, sent.found = pipe.generation, now, found
        return ViewCheckpoint(key[0], key[1], settled_since, state, open_alerts)

    def dropped(self, key: PlaceKey) -> None:
        """The view's pipeline was closed: the next one's first checkpoint is complete."""
        self._sent.pop(key, None)
