"""Stream URIs of ONVIF cameras: the ``OnvifResolver`` that ``app.media.specs`` takes.

``resolve_streams(camera) -> (main, sub)`` asks the camera's media service for its profiles and
their RTSP URIs: the configured ``main_profile``/``sub_profile`` tokens, else the highest
resolution as main and the lowest at least 320 pixels wide as sub. It blocks (a few round trips
per camera); for a whole site, :class:`OnvifStreamResolver` asks every camera in parallel first
(``prefetch``) and then answers from what it learnt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.errors import OnvifError
from app.core.stream_failure import StreamSetupError
from camera_config.models import Camera, OnvifSource

log = logging.getLogger(__name__)

Streams = tuple[str, str | None]


def _lookup(
    camera: Camera, timeout_s: float, client_factory: Callable[[OnvifEndpoint], OnvifClient]
) -> Streams:
    source = camera.source
    if not isinstance(source, OnvifSource):
        raise StreamSetupError(f"camera {camera.id}: not an ONVIF stream source")
    try:
        client = client_factory(OnvifEndpoint.for_media(camera, timeout_s=timeout_s))
        try:
            return client.streams(source.main_profile, source.sub_profile)
        finally:
            client.close()
    except OnvifError as exc:
        log.warning("camera %s: ONVIF stream lookup failed: %s (%s)", camera.id, exc, exc.detail)
        raise StreamSetupError(str(exc.for_camera(camera.id))) from exc


def resolve_streams(
    camera: Camera,
    *,
    timeout_s: float = 3.0,
    client_factory: Callable[[OnvifEndpoint], OnvifClient] = OnvifClient,
) -> Streams:
    """(main RTSP URI, sub RTSP URI or None) of an ONVIF camera; StreamSetupError saying why not."""
    return _lookup(camera, timeout_s, client_factory)


class OnvifStreamResolver:
    """An ``OnvifResolver`` with a cache, filled for many cameras at once by ``prefetch``."""

    def __init__(
        self,
        *,
        timeout_s: float = 3.0,
        max_workers: int = 8,
        client_factory: Callable[[OnvifEndpoint], OnvifClient] = OnvifClient,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_workers = max_workers
        self._client_factory = client_factory
        self._known: dict[str, Streams | StreamSetupError] = {}

    def prefetch(self, cameras: Iterable[Camera]) -> dict[str, Streams | StreamSetupError]:
        """Look up every enabled ONVIF camera in parallel; returns (and keeps) each result or error."""
        todo = [c for c in cameras if c.enabled and isinstance(c.source, OnvifSource)]
        if not todo:
            return {}

        def one(camera: Camera) -> Streams | StreamSetupError:
            try:
                return _lookup(camera, self.timeout_s, self._client_factory)
            except StreamSetupError as exc:
                return exc

        with ThreadPoolExecutor(
            max_workers=min(self.max_workers, len(todo)), thread_name_prefix="onvif-streams"
        ) as ex:
            results = dict(zip((c.id for c in todo), ex.map(one, todo), strict=True))
        self._known.update(results)
        return results

    def __call__(self, camera: Camera) -> Streams:
        known = self._known.get(camera.id)
        if known is None:
            known = self._known[camera.id] = _lookup(camera, self.timeout_s, self._client_factory)
        if isinstance(known, StreamSetupError):
            raise known
        return known

    def forget(self, camera_id: str | None = None) -> None:
        """Ask again next time (one camera, or all): e.g. after a camera came back with new URIs."""
        if camera_id is None:
            self._known.clear()
        else:
            self._known.pop(camera_id, None)
