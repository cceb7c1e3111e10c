"""Optional guard that makes any non-loopback connection from Python code fail loudly.

The app never needs the internet; tests (and cautious sites) set CITYWALL_NETWORK_GUARD=loopback
so that a library reaching out (a model hub, a font download) raises instead of leaking.
Worker processes install it too because the variable is inherited.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

ENV = "CITYWALL_NETWORK_GUARD"


class NetworkBlocked(ConnectionError):
    pass


def _is_loopback(address: Any) -> bool:
    if isinstance(address, str | bytes):
        return True  # AF_UNIX path
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need DNS: not loopback


def install() -> None:
    if getattr(socket.socket, "_citywall_guarded", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def check(address: Any) -> None:
        if not _is_loopback(address):
            raise NetworkBlocked(f"CityWall network guard: connection to {address!r} blocked (loopback only)")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        check(args[-1])
        return original_sendto(self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            check((host, 0))
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    socket.socket._citywall_guarded = True  # type: ignore[attr-defined]


def install_from_env() -> None:
    if os.environ.get(ENV) == "loopback":
        install()
