"""ONVIF off the GUI thread: every call returns a ``concurrent.futures.Future``.

Commands to one camera run one at a time and in the order they were given (a Stop never overtakes
the move it ends); different cameras run in parallel on a shared thread pool. Futures fail with an
:class:`~app.adapters.onvif.errors.OnvifError` whose message can be shown to the operator as it is.

Continuous moves carry a dead-man stop (:class:`MoveHold`): the controller (key, mouse button,
joystick) re-asserts a held move every ~300 ms with :meth:`MoveHold.keep_alive`; each re-assert
re-sends the ContinuousMove with a short ONVIF Timeout (``move_timeout_s``, 1 s by default), so a
camera that honours the Timeout stops by itself if this process dies, and if the re-asserts stop
coming for ``deadman_s`` (0.9 s) while the process lives, a watchdog sends Stop. Either way the
camera stops within about a second of a lost release.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint
from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.types import (
    Capabilities,
    DeviceInfo,
    MediaProfile,
    PtzCapabilities,
)
from app.core.ptz_port import Preset, PtzStatus, PtzVector
from camera_config.models import Camera, OnvifSource

log = logging.getLogger(__name__)

T = TypeVar("T")
KEEP_ALIVE_INTERVAL_S = 0.3  # how often the controller should call MoveHold.keep_alive
DEADMAN_S = 0.9  # no keep-alive for this long: the watchdog stops the camera


def endpoint_of(camera: Camera) -> OnvifEndpoint:
    """The camera's PTZ endpoint, else its ONVIF stream source's; OnvifConfigError without either."""
    if camera.ptz is None and isinstance(camera.source, OnvifSource):
        return OnvifEndpoint.for_media(camera)
    return OnvifEndpoint.for_ptz(camera)


class _Lane:
    """Runs callables one at a time, in submission order, on a shared executor."""

    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self._executor = executor
        self._queue: deque[tuple[Future[object], Callable[[], object]]] = deque()
        self._lock = threading.Lock()
        self._running = False

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            self._queue.append((future, fn))  # type: ignore[arg-type]  # Future is invariant
            if not self._running:
                self._running = True
                self._executor.submit(self._drain)
        return future

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._running = False
                    return
                future, fn = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except OnvifError as exc:
                future.set_exception(exc)
            except Exception as exc:  # a bug, not the camera: log it, tell the operator little
                log.exception("ONVIF command failed unexpectedly")
                future.set_exception(
                    OnvifError(f"internal error talking to the camera ({type(exc).__name__})")
                )
            else:
                future.set_result(result)


class MoveHold:
    """A continuous move the operator holds; release it, or it stops itself (dead-man)."""

    def __init__(
        self,
        service: OnvifService,
        camera: Camera,
        velocity: PtzVector,
        on_expired: Callable[[MoveHold], None] | None,
        clock: Callable[[], float],
    ) -> None:
        self.camera = camera
        self._service = service
        self._clock = clock
        self._on_expired = on_expired
        self._lock = threading.Lock()
        self._velocity = velocity
        self._last_alive = clock()
        self._inflight: Future[None] | None = None
        self._dirty = False
        self._active = True
        self.expired = False  # True once the watchdog stopped it
        self.last_error: OnvifError | None = None
        self.first: Future[None] = self._send()

    @property
    def active(self) -> bool:
        return self._active

    @property
    def velocity(self) -> PtzVector:
        return self._velocity

    def keep_alive(self, velocity: PtzVector | None = None) -> None:
        """Re-assert the move (and change its velocity): call every ~300 ms while held. Never blocks."""
        with self._lock:
            if not self._active:
                return
            self._last_alive = self._clock()
            if velocity is not None:
                self._velocity = velocity
            if self._inflight is not None and not self._inflight.done():
                self._dirty = True  # sent when the one in flight returns: no pile-up on a slow camera
                return
        self._send()

    def release(self) -> Future[None]:
        """The operator let go: Stop, queued after any move still in flight."""
        return self._end(expired=False)

    def _end(self, expired: bool) -> Future[None]:
        with self._lock:
            was_active, self._active = self._active, False
            self.expired = self.expired or (expired and was_active)
        if not was_active:
            done: Future[None] = Future()
            done.set_result(None)
            return done
        self._service._forget(self)
        return self._service._stop_future(self.camera)

    def _expire_if_silent(self, now: float) -> bool:
        with self._lock:
            silent = self._active and now - self._last_alive >= self._service.deadman_s
        if not silent:
            return False
        log.warning(
            "PTZ camera %s: move not re-asserted for %.1f s (release lost?); stopping it",
            self.camera.id,
            now - self._last_alive,
        )
        self._end(expired=True)
        if self._on_expired is not None:
            try:
                self._on_expired(self)
            except Exception:
                log.exception("PTZ dead-man callback failed")
        return True

    def _send(self) -> Future[None]:
        with self._lock:
            velocity = self._velocity
            self._dirty = False
        future = self._service.submit(self.camera, lambda c: c.continuous_move(velocity))
        with self._lock:
            self._inflight = future
        future.add_done_callback(self._sent)
        return future

    def _sent(self, future: Future[None]) -> None:
        error = future.exception()
        if isinstance(error, OnvifError):
            self.last_error = error
        with self._lock:
            again = self._active and self._dirty
        if again:
            self._send()


class OnvifService:
    """ONVIF clients of a site's cameras behind futures; one instance per application."""

    def __init__(
        self,
        *,
        max_workers: int = 8,
        deadman_s: float = DEADMAN_S,
        client_factory: Callable[[OnvifEndpoint], OnvifClient] = OnvifClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.deadman_s = deadman_s
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="onvif")
        self._client_factory = client_factory
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, tuple[OnvifEndpoint, OnvifClient]] = {}
        self._lanes: dict[str, _Lane] = {}
        self._holds: dict[str, MoveHold] = {}
        self._watchdog: threading.Thread | None = None
        self._wake = threading.Condition(self._lock)
        self._closed = False

    # -- plumbing -------------------------------------------------------------------------------------
    def client(self, camera: Camera) -> OnvifClient:
        """The camera's client (made on first use; remade when its settings change)."""
        endpoint = endpoint_of(camera)
        with self._lock:
            known = self._clients.get(camera.id)
            if known is not None and known[0] == endpoint:
                return known[1]
        client = self._client_factory(endpoint)
        with self._lock:
            old = self._clients.get(camera.id)
            self._clients[camera.id] = (endpoint, client)
        if old is not None:
            old[1].close()
        return client

    def submit(self, camera: Camera, call: Callable[[OnvifClient], T]) -> Future[T]:
        """Run ``call(client)`` in the camera's lane; the future carries its result or OnvifError."""
        with self._lock:
            if self._closed:
                raise RuntimeError("OnvifService is shut down")
            lane = self._lanes.get(camera.id)
            if lane is None:
                lane = self._lanes[camera.id] = _Lane(self._executor)
        return lane.submit(lambda: call(self.client(camera)))

    def shutdown(self, wait: bool = True) -> None:
        """Stop every held move, finish queued commands (when ``wait``), close the clients."""
        with self._lock:
            holds = list(self._holds.values())
        for hold in holds:
            hold.release()
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        self._executor.shutdown(wait=wait)
        with self._lock:
            clients = [c for _, c in self._clients.values()]
            self._clients.clear()
        for client in clients:
            client.close()

    # -- device and media ------------------------------------------------------------------------------
    def device_info(self, camera: Camera) -> Future[DeviceInfo]:
        return self.submit(camera, lambda c: c.device_info())

    def capabilities(self, camera: Camera) -> Future[Capabilities]:
        return self.submit(camera, lambda c: c.capabilities())

    def profiles(self, camera: Camera) -> Future[list[MediaProfile]]:
        return self.submit(camera, lambda c: c.profiles())

    def streams(self, camera: Camera) -> Future[tuple[str, str | None]]:
        return self.submit(camera, lambda c: c.streams())

    # -- PTZ -------------------------------------------------------------------------------------------
    def ptz_capabilities(self, camera: Camera) -> Future[PtzCapabilities]:
        return self.submit(camera, lambda c: c.ptz_capabilities())

    def status(self, camera: Camera) -> Future[PtzStatus]:
        return self.submit(camera, lambda c: c.status())

    def absolute_move(self, camera: Camera, position: PtzVector, speed: float | None = None) -> Future[None]:
        self._drop_hold(camera)
        return self.submit(camera, lambda c: c.absolute_move(position, speed))

    def relative_move(
        self, camera: Camera, translation: PtzVector, speed: float | None = None
    ) -> Future[None]:
        self._drop_hold(camera)
        return self.submit(camera, lambda c: c.relative_move(translation, speed))

    def stop(self, camera: Camera) -> Future[None]:
        self._drop_hold(camera)
        return self._stop_future(camera)

    def presets(self, camera: Camera) -> Future[list[Preset]]:
        return self.submit(camera, lambda c: c.presets())

    def set_preset(self, camera: Camera, name: str | None = None, token: str | None = None) -> Future[str]:
        return self.submit(camera, lambda c: c.set_preset(name, token))

    def goto_preset(self, camera: Camera, token: str, speed: float | None = None) -> Future[None]:
        self._drop_hold(camera)
        return self.submit(camera, lambda c: c.goto_preset(token, speed))

    def remove_preset(self, camera: Camera, token: str) -> Future[None]:
        return self.submit(camera, lambda c: c.remove_preset(token))

    def goto_home(self, camera: Camera, speed: float | None = None) -> Future[None]:
        self._drop_hold(camera)
        return self.submit(camera, lambda c: c.goto_home(speed))

    def set_home(self, camera: Camera) -> Future[None]:
        return self.submit(camera, lambda c: c.set_home())

    def hold_move(
        self, camera: Camera, velocity: PtzVector, on_expired: Callable[[MoveHold], None] | None = None
    ) -> MoveHold:
        """Start a continuous move the operator holds (see :class:`MoveHold`).

        A new hold on the same camera replaces the old one (no Stop in between: the new move
        supersedes it). ``on_expired`` runs on the watchdog thread if the dead-man stop fires.
        """
        with self._lock:
            old = self._holds.pop(camera.id, None)
        if old is not None:
            old._active = False
        hold = MoveHold(self, camera, velocity, on_expired, self._clock)
        with self._lock:
            self._holds[camera.id] = hold
            self._start_watchdog()
            self._wake.notify_all()
        return hold

    # -- internals -----------------------------------------------------------------------------------------
    def _stop_future(self, camera: Camera) -> Future[None]:
        return self.submit(camera, lambda c: c.stop())

    def _drop_hold(self, camera: Camera) -> None:
        """Another command supersedes a held move: it no longer needs a dead-man Stop."""
        with self._lock:
            hold = self._holds.pop(camera.id, None)
        if hold is not None:
            hold._active = False

    def _forget(self, hold: MoveHold) -> None:
        with self._lock:
            if self._holds.get(hold.camera.id) is hold:
                del self._holds[hold.camera.id]

    def _start_watchdog(self) -> None:  # with self._lock held
        if self._watchdog is None or not self._watchdog.is_alive():
            self._watchdog = threading.Thread(target=self._watch, name="onvif-deadman", daemon=True)
            self._watchdog.start()

    def _watch(self) -> None:
        tick = min(0.05, self.deadman_s / 10)
        while True:
            with self._lock:
                if self._closed:
                    return
                if not self._holds:
                    self._wake.wait(1.0)
                    continue
                holds = list(self._holds.values())
            now = self._clock()
            for hold in holds:
                hold._expire_if_silent(now)
            with self._lock:
                if self._closed:
                    return
                self._wake.wait(tick)
