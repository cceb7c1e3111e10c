"""Which (address, port) pairs take a TCP connection: non-blocking connects, a bounded number at once.

One thread drives up to ``window`` connects with a selector, so a /24 with five ports each (1,280
attempts, most to silent addresses) takes about ``attempts / window * timeout`` seconds instead of
a thread per attempt. Works on Windows too: its select() reports a failed connect as an exception
condition, which :class:`selectors.SelectSelector` folds into "writable".
"""

from __future__ import annotations

import errno
import selectors
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from threading import Event

_IN_PROGRESS = {errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EALREADY, 10035}  # 10035: WSAEWOULDBLOCK


class PortState(Enum):
    OPEN = "open"
    REFUSED = "refused"  # something is there; nothing listens on this port
    SILENT = "silent"  # no answer within the timeout (nothing there, or a firewall dropping)
    UNREACHABLE = "unreachable"  # the network says no route
    UNKNOWN_HOST = "unknown-host"
    BLOCKED = "blocked"  # refused on this workstation (network guard, permission)


@dataclass(frozen=True)
class PortResult:
    host: str
    port: int
    state: PortState
    detail: str = ""


def _addresses(host: str, port: int) -> tuple[int, tuple[str, int]] | PortResult:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return PortResult(host, port, PortState.UNKNOWN_HOST, str(exc.strerror or exc))
    except OSError as exc:  # the network guard refuses name look-ups beyond loopback
        return PortResult(host, port, PortState.BLOCKED, str(exc))
    family, _type, _proto, _name, address = infos[0]
    return family, (str(address[0]), int(address[1]))


def _state(code: int) -> PortState:
    if code == 0:
        return PortState.OPEN
    if code in (errno.ECONNREFUSED, 10061):
        return PortState.REFUSED
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH, 10065, 10051):
        return PortState.UNREACHABLE
    if code in (errno.ETIMEDOUT, 10060):
        return PortState.SILENT
    return PortState.UNREACHABLE


def _code_name(code: int) -> str:
    return errno.errorcode.get(code, str(code)) if code else ""


def scan(
    pairs: Iterable[tuple[str, int]],
    *,
    timeout_s: float = 1.0,
    window: int = 128,
    cancel: Event | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[PortResult]:
    """Yield one :class:`PortResult` per pair as it is known (not in order); stops when cancelled."""
    todo = iter(pairs)
    selector = selectors.DefaultSelector()
    pending: dict[socket.socket, tuple[str, int, float]] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < window:
                pair = next(todo, None)
                if pair is None:
                    exhausted = True
                    break
                result = _start(pair, selector, pending, clock())
                if result is not None:
                    yield result
            if not pending:
                if exhausted:
                    return
                continue
            if cancel is not None and cancel.is_set():
                return
            now = clock()
            deadline = min(started + timeout_s for _h, _p, started in pending.values())
            for key, _events in selector.select(max(0.0, min(0.05, deadline - now))):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                host, port, _started = pending.pop(sock)
                selector.unregister(sock)
                code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                sock.close()
                yield PortResult(host, port, _state(code), _code_name(code))
            now = clock()
            for sock, (host, port, started) in list(pending.items()):
                if now - started >= timeout_s:
                    pending.pop(sock)
                    selector.unregister(sock)
                    sock.close()
                    yield PortResult(host, port, PortState.SILENT, f"no answer within {timeout_s:g} s")
            if cancel is not None and cancel.is_set():
                return
    finally:
        for sock in pending:
            selector.unregister(sock)
            sock.close()
        selector.close()


def _start(
    pair: tuple[str, int],
    selector: selectors.BaseSelector,
    pending: dict[socket.socket, tuple[str, int, float]],
    now: float,
) -> PortResult | None:
    host, port = pair
    resolved = _addresses(host, port)
    if isinstance(resolved, PortResult):
        return resolved
    family, address = resolved
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
    except OSError as exc:
        return PortResult(host, port, PortState.BLOCKED, str(exc))
    sock.setblocking(False)
    try:
        code = sock.connect_ex(address)
    except OSError as exc:  # the network guard raises instead of returning a code
        sock.close()
        return PortResult(host, port, PortState.BLOCKED, str(exc))
    if code == 0:
        sock.close()
        return PortResult(host, port, PortState.OPEN)
    if code not in _IN_PROGRESS:
        sock.close()
        return PortResult(host, port, _state(code), _code_name(code))
    pending[sock] = (host, port, now)
    selector.register(sock, selectors.EVENT_WRITE)
    return None
