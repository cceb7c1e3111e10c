"""What to probe, as an integrator types it: addresses, ranges and lists (pure parsing, no I/O).

Accepted, separated by commas, spaces, semicolons or new lines (the Chinese "，" and "、" too):

* an address: ``10.1.2.30``, ``10.1.2.30:8080``, ``fe80::1``, ``[fe80::1]:8080``, ``cam-7.local``;
* a range: ``10.1.2.10-40`` or ``10.1.2.10-10.1.2.40``;
* a subnet: ``10.1.2.0/24`` (its hosts; IPv6 up to /120).

One probe covers at most :data:`MAX_ADDRESSES` addresses (a /24): a larger sweep would take long
and looks like an attack to the network's owners. Mistakes come back as :class:`TargetError`
with a :class:`TargetProblem` the UI translates and the item in question.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import Enum

MAX_ADDRESSES = 256
MAX_PORTS = 8
DEFAULT_PORTS = (80, 8080, 8000, 8899, 2020)  # where ONVIF device services usually listen
_SEPARATORS = re.compile(r"[\s,;，、；]+")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*$")


class TargetProblem(Enum):
    EMPTY = "empty"
    NOT_AN_ADDRESS = "not-an-address"
    BAD_PORT = "bad-port"
    RANGE_BACKWARDS = "range-backwards"
    RANGE_TOO_LARGE = "range-too-large"  # one range or subnet beyond MAX_ADDRESSES
    TOO_MANY = "too-many"  # everything together beyond MAX_ADDRESSES
    PORT_ON_RANGE = "port-on-range"  # ranges take the port list, not a port of their own
    TOO_MANY_PORTS = "too-many-ports"


class TargetError(ValueError):
    def __init__(self, problem: TargetProblem, item: str = "", count: int = 0) -> None:
        super().__init__(f"{problem.value}: {item!r} ({count})")
        self.problem, self.item, self.count = problem, item[:60], count


@dataclass(frozen=True)
class Target:
    """One address to probe; ``port`` None: every port of the list. ``named`` when typed on its own
    (it then gets a line of its own even when nothing answers there)."""

    host: str
    port: int | None = None
    named: bool = True

    def netloc(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{port}"


def parse_ports(text: str) -> tuple[int, ...]:
    """``"80, 8080"`` -> ``(80, 8080)``; empty text -> :data:`DEFAULT_PORTS`."""
    items = [i for i in _SEPARATORS.split(text.strip()) if i]
    if not items:
        return DEFAULT_PORTS
    ports: list[int] = []
    for item in items:
        port = _port(item)
        if port not in ports:
            ports.append(port)
    if len(ports) > MAX_PORTS:
        raise TargetError(TargetProblem.TOO_MANY_PORTS, text, len(ports))
    return tuple(ports)


def parse_targets(text: str) -> tuple[Target, ...]:
    """Every address of ``text``, in the order given, each once."""
    items = [i for i in _SEPARATORS.split(text.strip()) if i]
    if not items:
        raise TargetError(TargetProblem.EMPTY)
    out: dict[tuple[str, int | None], Target] = {}
    for item in items:
        for target in _expand(item):
            out.setdefault((target.host, target.port), target)
            if len(out) > MAX_ADDRESSES:
                raise TargetError(TargetProblem.TOO_MANY, item, len(out))
    return tuple(out.values())


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise TargetError(TargetProblem.BAD_PORT, text)
    return int(text)


def _expand(item: str) -> list[Target]:
    if "/" in item:
        return _subnet(item)
    if "-" in item and _looks_like_range(item):
        return _range(item)
    host, port = _split_port(item)
    try:
        return [Target(str(ipaddress.ip_address(host)), port)]
    except ValueError:
        pass
    if _HOST_NAME.match(host) and not host.replace(".", "").isdigit():
        return [Target(host.lower(), port)]
    raise TargetError(TargetProblem.NOT_AN_ADDRESS, item)


def _split_port(item: str) -> tuple[str, int | None]:
    if item.startswith("["):  # [v6] or [v6]:port
        host, _, rest = item[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise TargetError(TargetProblem.NOT_AN_ADDRESS, item)
        return host, _port(rest[1:]) if rest else None
    if item.count(":") == 1:
        host, _, port = item.partition(":")
        return host, _port(port)
    return item, None  # no port, or a bare IPv6 address


def _looks_like_range(item: str) -> bool:
    first = item.partition("-")[0]
    try:
        return ipaddress.ip_address(first).version == 4
    except ValueError:
        return False  # a host name with a dash


def _subnet(item: str) -> list[Target]:
    if re.search(r"/\d+:\d+$", item):
        raise TargetError(TargetProblem.PORT_ON_RANGE, item)
    try:
        network = ipaddress.ip_network(item, strict=False)
    except ValueError:
        raise TargetError(TargetProblem.NOT_AN_ADDRESS, item) from None
    if network.num_addresses > MAX_ADDRESSES:
        raise TargetError(TargetProblem.RANGE_TOO_LARGE, item, network.num_addresses)
    hosts = list(network.hosts()) or [network.network_address]
    return [Target(str(h), None, named=len(hosts) == 1) for h in hosts]


def _range(item: str) -> list[Target]:
    first_text, _, last_text = item.partition("-")
    if ":" in last_text:
        raise TargetError(TargetProblem.PORT_ON_RANGE, item)
    first = ipaddress.IPv4Address(first_text)
    if last_text.isdigit():  # 10.1.2.10-40: the last part of the address
        if int(last_text) > 255:
            raise TargetError(TargetProblem.NOT_AN_ADDRESS, item)
        last = ipaddress.IPv4Address((int(first) & ~0xFF) | int(last_text))
    else:
        try:
            last = ipaddress.IPv4Address(last_text)
        except ValueError:
            raise TargetError(TargetProblem.NOT_AN_ADDRESS, item) from None
    if last < first:
        raise TargetError(TargetProblem.RANGE_BACKWARDS, item)
    count = int(last) - int(first) + 1
    if count > MAX_ADDRESSES:
        raise TargetError(TargetProblem.RANGE_TOO_LARGE, item, count)
    numbers = range(int(first), int(last) + 1)
    return [Target(str(ipaddress.IPv4Address(n)), None, named=count == 1) for n in numbers]
