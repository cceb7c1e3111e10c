"""All PTZ cameras of a site: one ONVIF service, a controller and (if configured) a patrol each.

Everything runs on one TickScheduler that the GUI drives from a timer (``tick``), so controller
and patrol listeners are called on the GUI thread; ONVIF calls run in the service's threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from app.adapters.onvif.service import OnvifService
from app.core.ptz_control import Requester
from app.services.patrols import PatrolRunner
from app.services.ptz_controller import PtzController, PtzPort, TickScheduler
from app.services.shared_locks import LockFolder, LockSync
from camera_config.models import Patrol, SiteConfig

log = logging.getLogger(__name__)


UNNAMED = "—"  # nobody said who is on shift (a run without a screen and without --operator)


def operator(name: str | None = None) -> Requester:
    """The person on shift at this workstation, as others see them in locks and control notices
    (the name they gave at the start of the shift, never the computer's account)."""
    shown = (name or "").strip() or UNNAMED
    return Requester(f"operator:{shown}", shown)


class PtzHub:
    def __init__(
        self,
        site: SiteConfig,
        *,
        service: OnvifService | None = None,
        port: PtzPort | None = None,
        clock: Callable[[], float] = time.monotonic,
        patrol_of: Callable[[str], Patrol | None] | None = None,
        locks: LockFolder | None = None,
    ) -> None:
        """``locks``: the folder through which operator locks are shared with other workstations."""
        self.site = site
        self.service = service or OnvifService()
        self._port: PtzPort = port or self.service  # tests steer a fake head instead
        self.scheduler = TickScheduler(clock)
        self.controllers: dict[str, PtzController] = {}
        self.patrols: dict[str, PatrolRunner] = {}
        for camera in site.cameras:
            if camera.ptz is None or not camera.enabled:
                continue
            controller = PtzController(camera, self._port, self.scheduler, clock=clock)
            self.controllers[camera.id] = controller
            # Patrols edited by operators (a store beside the shared views) win over the site file.
            patrol = patrol_of(camera.id) if patrol_of is not None else camera.ptz.patrol
            if patrol is not None:
                self.patrols[camera.id] = PatrolRunner(
                    controller, patrol, self.scheduler, clock=clock, timezone=site.site.timezone
                )
        self.lock_sync = LockSync(self.controllers, locks, self.scheduler) if locks is not None else None

    def controller(self, camera_id: str) -> PtzController | None:
        return self.controllers.get(camera_id)

    def patrol(self, camera_id: str) -> PatrolRunner | None:
        return self.patrols.get(camera_id)

    def set_patrol(self, camera_id: str, patrol: Patrol | None) -> PatrolRunner | None:
        """Replace a camera's patrol (edited by an operator); a running one is stopped first."""
        old = self.patrols.pop(camera_id, None)
        if old is not None:
            old.close()
        controller = self.controllers.get(camera_id)
        if controller is None or patrol is None:
            return None
        runner = PatrolRunner(
            controller, patrol, self.scheduler, clock=self.scheduler.clock, timezone=self.site.site.timezone
        )
        self.patrols[camera_id] = runner
        return runner

    def start(self) -> None:
        for controller in self.controllers.values():
            controller.start()
        if self.lock_sync is not None and self.controllers:
            try:
                self.lock_sync.start()
            except OSError as exc:  # the share is away: locks stay local to this workstation
                log.warning("PTZ locks are not shared: %s", exc)
                self.lock_sync = None

    def tick(self) -> None:
        """Run what is due (status polls, dwell timers, listener calls); call every ~50 ms."""
        try:
            self.scheduler.run_due()
        except Exception:  # one misbehaving listener must not stop PTZ for every camera
            log.exception("PTZ scheduler task failed")

    def stop(self) -> None:
        if self.lock_sync is not None:
            self.lock_sync.stop()
        for runner in self.patrols.values():
            runner.close()
        for controller in self.controllers.values():
            controller.stop()
        self.service.shutdown(wait=False)
