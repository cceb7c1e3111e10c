"""A dismissal teaches: the service that turns operators' verdicts into suppressed places (no Qt).

It follows the alert service (:meth:`SuppressionService.on_alert_change`, subscribed in the
composition root): a vending alert dismissed as 误检 or 固定设施 adds one suppressed place per box at
its (camera, preset, zone, event); a bin alert dismissed so makes the bin's current view its clean
reference instead (the bin keeps being watched). An operator removes a place in the zone editor
(:meth:`remove`). Every change is

* stored in ``suppressions.json`` (:class:`~app.services.suppression_store.SuppressionStore`);
* told to detection (``set_suppressions`` with the camera's places as they are now);
* an event in the audit record (who, when, why: ``suppression:<id>`` ``suppress`` / ``unsuppress``);
* told to listeners (the zone editor's list).

A store that refuses a write (disk full, read-only share) does not undo the teaching: detection is
told anyway, the place is kept in memory, the fault is a system event (the store publishes it), and
the next change writes it again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

from app.adapters.json_store import StoreConflict
from app.core.alert_ports import Clock
from app.core.alerts import AlertChange
from app.core.audit import AuditDraft
from app.core.suppressions import (
    SuppressionRecord,
    bin_clean_from_dismissal,
    of_camera,
    records_from_dismissal,
)
from app.services.listeners import add_listener
from app.services.suppression_store import SuppressionStore
from detectors.types import Suppression

log = logging.getLogger(__name__)

Listener = Callable[[str], None]  # the camera whose places changed
Record = Callable[[AuditDraft], object]  # the alert service's record_event


class DetectionTarget(Protocol):
    """What the service needs of detection (the real :class:`DetectionService`, or a fake)."""

    def set_suppressions(self, camera_id: str, suppressions: Iterable[Suppression]) -> None: ...

    def bins_clean(self, camera_id: str, preset: str | None, bin_ids: Iterable[str]) -> None: ...


def as_suppression(record: SuppressionRecord) -> Suppression:
    """A stored place as the detectors' rule takes it."""
    return Suppression(
        record.id, record.preset, record.zone_id, record.event_code, record.box, record.min_iou
    )


def detector_suppressions(records: Iterable[SuppressionRecord], camera_id: str) -> tuple[Suppression, ...]:
    """The detectors' :class:`Suppression` values of one camera (every preset)."""
    return tuple(as_suppression(r) for r in of_camera(records, camera_id))


class SuppressionService:
    def __init__(
        self,
        store: SuppressionStore,
        clock: Clock,
        *,
        detection: DetectionTarget | None = None,
        record: Record | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._detection = detection
        self._record = record
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        # Kept in memory while the store refuses them (added, or removed: None).
        self._unsaved: dict[str, SuppressionRecord | None] = {}

    # --- reading ----------------------------------------------------------------------------------
    @property
    def problems(self) -> list[str]:
        return list(self._store.problems)

    def of_camera(self, camera_id: str) -> tuple[SuppressionRecord, ...]:
        """The camera's suppressed places now (every preset), oldest first."""
        with self._lock:
            return of_camera(self._current().values(), camera_id)

    def get(self, suppression_id: str) -> SuppressionRecord | None:
        with self._lock:
            return self._current().get(suppression_id)

    def unsaved(self) -> int:
        """Changes kept in memory only, because the store refused them."""
        with self._lock:
            return len(self._unsaved)

    def _current(self) -> dict[str, SuppressionRecord]:
        out = {r.id: r for r in self._store.all()}
        for key, value in self._unsaved.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """``listener(camera_id)`` after every change of a camera's places (on the changing thread)."""
        return add_listener(self._listeners, self._lock, listener)

    # --- start ----------------------------------------------------------------------------------
    def attach(self, detection: DetectionTarget | None) -> None:
        """Detection to tell (started after the service); told every camera's places at once."""
        with self._lock:
            self._detection = detection
            cameras = sorted({r.camera_id for r in self._current().values()})
        for camera_id in cameras:
            self._tell_detection(camera_id)

    def reload(self) -> list[str]:
        """Read the file again (another workstation may have added or removed places); detection is
        told the cameras whose places changed. Returns the cameras that changed."""
        with self._lock:
            before = self._current()
            self._store.load()
            after = self._current()
        changed = sorted(
            {r.camera_id for k, r in before.items() if after.get(k) != r}
            | {r.camera_id for k, r in after.items() if before.get(k) != r}
        )
        for camera_id in changed:
            self._changed(camera_id)
        return changed

    # --- what the alert service says ------------------------------------------------------------
    def on_alert_change(self, change: AlertChange) -> None:
        """An alert changed: a teaching dismissal adds places (or cleans a bin); others do nothing."""
        after = change.after
        if change.before is not None and change.before.state is after.state:
            return  # not the dismissal itself (evidence, a later clear noted…)
        records = records_from_dismissal(after)
        if records:
            self.add(records)
            return
        clean = bin_clean_from_dismissal(after)
        if clean is not None:
            if self._detection is not None:
                self._detection.bins_clean(clean.camera_id, clean.preset, clean.bin_ids)
            self._audit(
                AuditDraft(
                    subject=f"bin:{clean.camera_id}:{after.zone_id}", action="clean_reference",
                    actor=after.dismissed_by or "system", at=after.dismissed_at or self._clock.now(),
                    reason=after.dismiss_reason.value if after.dismiss_reason else "",
                    note=after.id, data={"camera_id": clean.camera_id, "preset": clean.preset,
                                         "bin_ids": list(clean.bin_ids), "alert_id": after.id},
                )
            )  # fmt: skip

    # --- commands ---------------------------------------------------------------------------------
    def add(self, records: Iterable[SuppressionRecord]) -> tuple[SuppressionRecord, ...]:
        """Suppress these places (an id already there is left as it is); returns those added."""
        with self._lock:
            current = self._current()
            fresh = tuple(r for r in records if r.id not in current)
            if not fresh:
                return ()
            for r in fresh:
                self._unsaved[r.id] = r
            self._flush()
        for r in fresh:
            self._audit(
                AuditDraft(
                    subject=f"suppression:{r.id}", action="suppress", actor=r.by, at=r.at,
                    data=r.to_record(), reason=r.reason.value, note=r.alert_id,
                )
            )  # fmt: skip
        for camera_id in sorted({r.camera_id for r in fresh}):
            self._changed(camera_id)
        return fresh

    def remove(self, suppression_id: str, by: str, note: str = "") -> SuppressionRecord | None:
        """An operator takes a suppressed place away: that thing raises alerts again there. Returns
        the place removed (None: there was none of that id)."""
        with self._lock:
            record = self._current().get(suppression_id)
            if record is None:
                return None
            self._unsaved[suppression_id] = None
            self._flush()
        self._audit(
            AuditDraft(
                subject=f"suppression:{record.id}", action="unsuppress", actor=by, at=self._clock.now(),
                data=record.to_record(), note=note,
            )
        )  # fmt: skip
        self._changed(record.camera_id)
        return record

    def retry(self) -> bool:
        """Write what the store refused before (True: nothing is left unsaved)."""
        with self._lock:
            self._flush()
            return not self._unsaved

    # --- inside ---------------------------------------------------------------------------------
    def _flush(self) -> None:
        """Write the unsaved changes (under the lock); on a refusal keep them for the next try."""
        if not self._unsaved:
            return
        added = [r for r in self._unsaved.values() if r is not None]
        removed = [k for k, v in self._unsaved.items() if v is None]
        try:
            if added:
                self._store.add(added)
                for r in added:
                    self._unsaved.pop(r.id, None)
            if removed:
                self._store.remove(removed)
                for key in removed:
                    self._unsaved.pop(key, None)
        except StoreConflict as exc:  # another workstation changed the same id: theirs is kept
            log.warning("suppressions not saved: %s", exc)
            for r in added:
                self._unsaved.pop(r.id, None)
            for key in removed:
                self._unsaved.pop(key, None)
        except OSError as exc:  # (StoreBusy too) the store publishes the fault; kept in memory
            log.error("suppressions not saved (kept in memory, written with the next change): %s", exc)

    def _changed(self, camera_id: str) -> None:
        self._tell_detection(camera_id)
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(camera_id)
            except Exception:  # one view's bug must not stop detection being told
                log.exception("suppression listener failed")

    def _tell_detection(self, camera_id: str) -> None:
        if self._detection is None:
            return
        with self._lock:
            values = detector_suppressions(self._current().values(), camera_id)
        try:
            self._detection.set_suppressions(camera_id, values)
        except Exception:
            log.exception("detection not told the suppressions of %s", camera_id)

    def _audit(self, draft: AuditDraft) -> None:
        if self._record is None:
            return
        try:
            self._record(draft)
        except Exception:
            log.exception("suppression event not recorded: %s %s", draft.subject, draft.action)
