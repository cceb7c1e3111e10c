"""Where cameras point, for detection: :class:`PtzPlaceFeed` feeds the PTZ hub's ``PlaceChanged``
events into :meth:`DetectionService.set_place` (any :class:`PlaceSink`), and marks fixed cameras as
always settled."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from app.services.detection.protocol import ViewPlace
from app.services.detection.scheduler import ALWAYS_SETTLED
from camera_config.models import Camera, SiteConfig

if TYPE_CHECKING:
    from app.core.preset_tracking import PlaceSnapshot
    from app.services.ptz_hub import PtzHub


class PlaceSink(Protocol):
    """What :class:`PtzPlaceFeed` needs of a service (tests pass a recorder)."""

    def set_place(self, camera_id: str, preset: str | None, settled_since: float | None) -> None: ...


def preset_key(camera: Camera, snapshot: PlaceSnapshot) -> str | None:
    """The preset a settled camera is on, as its zones name it: the token, or the preset's name
    when the zones were drawn against the name."""
    if snapshot.preset is None:
        return None
    token, name = snapshot.preset.token, snapshot.preset.name
    drawn = {z.preset for z in camera.detection.zones} if camera.detection is not None else set()
    return name if token not in drawn and name and name in drawn else token


def view_place(camera: Camera, snapshot: PlaceSnapshot) -> ViewPlace:
    """Where a PTZ camera points, as the detection worker needs it."""
    settled = snapshot.settled_since
    if settled is None or snapshot.preset is None:
        return ViewPlace(camera.id, None, None)
    return ViewPlace(camera.id, preset_key(camera, snapshot), settled)


class PtzPlaceFeed:
    """Feeds PTZ ``PlaceChanged`` events into the detection service; fixed cameras are always settled.

    Listeners run on the PTZ hub's tick (the GUI thread); each forwards one small message.
    """

    def __init__(self, service: PlaceSink, site: SiteConfig, hub: PtzHub | None) -> None:
        self._service = service
        self._site = site
        self._hub = hub
        self._unsubscribe: list[Callable[[], None]] = []

    def start(self) -> None:
        from app.services.ptz_controller import PlaceChanged, PtzEvent

        for camera in self._site.cameras:
            controller = self._hub.controller(camera.id) if self._hub is not None else None
            if camera.ptz is None or controller is None:
                self._service.set_place(camera.id, None, ALWAYS_SETTLED)
                continue

            def on_event(event: PtzEvent, camera: Camera = camera) -> None:
                if isinstance(event, PlaceChanged):
                    place = view_place(camera, event.place)
                    self._service.set_place(place.camera_id, place.preset, place.settled_since)

            self._unsubscribe.append(controller.subscribe(on_event))
            place = view_place(camera, controller.place)
            self._service.set_place(place.camera_id, place.preset, place.settled_since)

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
