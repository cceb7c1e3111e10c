"""WS-Discovery (SOAP-over-UDP) probing for ONVIF cameras, as ONVIF Core section 7 describes it.

:func:`discover` sends ``Probe`` messages for ``dn:NetworkVideoTransmitter`` and ``tds:Device`` to
the WS-Discovery multicast group 239.255.255.250:3702 (or any ``target``, e.g. a unicast loopback
responder in tests), collects the ``ProbeMatches`` answering them until the timeout, and reports
progress as it goes. A found device becomes a site camera through :mod:`.onboarding`.

Answers come from the network and are untrusted: they are parsed with the standard library's
expat (no external entities, billion-laughs protection) and size-limited. Nothing is dropped in
silence: a reply that cannot be read is reported (``on_problem``) with the reason, and a reply that
breaks the protocol in a way seen in the field (SOAP 1.1, WS-Discovery 1.1 namespaces, no
``RelatesTo``, the address in the endpoint reference) is read anyway and reported as such.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Event
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.problems import DiscoveryProblem, ProblemKind
from app.adapters.onvif.types import DeviceInfo

log = logging.getLogger(__name__)

WS_DISCOVERY_GROUP = ("239.255.255.250", 3702)
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
WSA10 = "http://www.w3.org/2005/08/addressing"  # WS-Discovery 1.1 (OASIS) uses these two
WSD11 = "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01"
DN = "http://www.onvif.org/ver10/network/wsdl"
TDS = "http://www.onvif.org/ver10/device/wsdl"
PROBE_ACTION = f"{WSD}/Probe"
PROBE_MATCHES_ACTION = f"{WSD}/ProbeMatches"
DISCOVERY_TO = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
ANONYMOUS = f"{WSA}/role/anonymous"
ONVIF_SCOPE = "onvif://www.onvif.org/"
MAX_DATAGRAM = 65_535
VIDEO_TRANSMITTER = f"{{{DN}}}NetworkVideoTransmitter"
DEVICE = f"{{{TDS}}}Device"
DEFAULT_TYPES = (VIDEO_TRANSMITTER, DEVICE)

ProgressFn = Callable[[float, tuple["DiscoveredDevice", ...]], None]
ProblemFn = Callable[[DiscoveryProblem], None]


class DiscoveryError(OnvifError):
    """The probe could not be sent at all (no network, no permission)."""


@dataclass(frozen=True)
class DiscoveredDevice:
    """One ProbeMatch: the device's address(es), its scopes and types, and who answered."""

    endpoint_reference: str
    xaddrs: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    types: tuple[
        str, ...
    ] = ()  # Clark notation, e.g. {http://www.onvif.org/ver10/network/wsdl}NetworkVideoTransmitter
    metadata_version: int | None = None
    responder: str = ""  # the IP address the answer came from
    found_by: Literal["ws-discovery", "probe"] = "ws-discovery"
    info: DeviceInfo | None = None  # GetDeviceInformation, when a probe could log in
    login_refused: bool = False  # a probe's login was refused (the device is there, the login wrong)

    @property
    def device_url(self) -> str | None:
        """The device service URL to use: an http(s) XAddr, preferring the answering host's."""
        usable = [x for x in self.xaddrs if urlsplit(x).scheme.lower() in ("http", "https")]
        same_host = [x for x in usable if urlsplit(x).hostname == self.responder]
        best = same_host or usable
        return best[0] if best else None

    def scope_values(self, kind: str) -> list[str]:
        """Values of ``onvif://www.onvif.org/<kind>/...`` scopes, percent-decoded (UTF-8)."""
        prefix = f"{ONVIF_SCOPE}{kind}/"
        return [
            unquote(s[len(prefix) :]) for s in self.scopes if s.startswith(prefix) and len(s) > len(prefix)
        ]

    @property
    def name(self) -> str | None:
        return next(iter(self.scope_values("name")), None)

    @property
    def hardware(self) -> str | None:
        scoped = next(iter(self.scope_values("hardware")), None)
        return scoped or (self.info.model if self.info is not None and self.info.model else None)

    @property
    def location(self) -> str | None:
        return next(iter(self.scope_values("location")), None)

    @property
    def profiles(self) -> list[str]:
        """ONVIF profiles the device claims (Streaming = Profile S, T, G, ...)."""
        return self.scope_values("Profile")

    @property
    def ptz(self) -> bool | None:
        """True when a ``type/ptz`` scope says so (many cameras don't say: None)."""
        return True if "ptz" in (v.lower() for v in self.scope_values("type")) else None

    @property
    def label(self) -> str:
        return (
            self.name or self.hardware or urlsplit(self.device_url or "").hostname or self.endpoint_reference
        )


# -- XML -------------------------------------------------------------------------------------------
def parse_with_namespaces(data: bytes) -> tuple[ET.Element, dict[str, str]]:
    """Parse ``data``, also returning the prefixes it declares (for QName values in text)."""
    parser: ET.XMLPullParser[ET.Element | tuple[str, str]] = ET.XMLPullParser(events=("start-ns", "end"))
    parser.feed(data)
    parser.close()  # raises ET.ParseError on malformed input
    prefixes: dict[str, str] = {}
    root: ET.Element | None = None
    events: list[Any] = list(parser.read_events())  # (event, element) or (event, (prefix, uri))
    for _event, item in events:
        if isinstance(item, tuple):
            prefixes.setdefault(str(item[0]), str(item[1]))
        elif isinstance(item, ET.Element):
            root = item  # the last element to end is the document element
    if root is None:
        raise ET.ParseError("no document element")
    return root, prefixes


def expand_qnames(text: str | None, prefixes: dict[str, str]) -> tuple[str, ...]:
    """``"dn:NetworkVideoTransmitter tds:Device"`` in Clark notation; unknown prefixes kept as given."""
    out = []
    for item in (text or "").split():
        prefix, _, local = item.rpartition(":")
        uri = prefixes.get(prefix)
        out.append(f"{{{uri}}}{local}" if uri is not None else item)
    return tuple(out)


def probe_message(
    message_id: str, types: Sequence[str] = (VIDEO_TRANSMITTER,), scopes: Sequence[str] = ()
) -> bytes:
    """A Probe for ``types`` (Clark notation) and optional scopes."""
    declared: dict[str, str] = {}
    names = []
    for n, clark in enumerate(types):
        uri, _, local = clark[1:].partition("}")
        prefix = declared.setdefault(uri, f"t{n}")
        names.append(f"{prefix}:{local}")
    ns = "".join(f' xmlns:{p}="{u}"' for u, p in declared.items())
    scope_xml = f"<d:Scopes>{' '.join(scopes)}</d:Scopes>" if scopes else ""
    types_xml = f"<d:Types{ns}>{' '.join(names)}</d:Types>" if names else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{SOAP12}" xmlns:a="{WSA}" xmlns:d="{WSD}">'
        "<s:Header>"
        f'<a:Action s:mustUnderstand="1">{PROBE_ACTION}</a:Action>'
        f"<a:MessageID>{message_id}</a:MessageID>"
        f"<a:ReplyTo><a:Address>{ANONYMOUS}</a:Address></a:ReplyTo>"
        f'<a:To s:mustUnderstand="1">{DISCOVERY_TO}</a:To>'
        "</s:Header>"
        f"<s:Body><d:Probe>{types_xml}{scope_xml}</d:Probe></s:Body>"
        "</s:Envelope>"
    ).encode()


@dataclass(frozen=True)
class ProbeReply:
    """What one datagram said: the devices read from it, and what was wrong with it."""

    relates_to: str | None
    devices: tuple[DiscoveredDevice, ...] = ()
    deviations: tuple[str, ...] = ()  # read anyway, but not as WS-Discovery says (English, for the log)
    problem: ProblemKind | None = None  # set when no device could be read
    detail: str = ""


def _first(element: ET.Element | None, *paths: str) -> ET.Element | None:
    for path in paths:
        found = element.find(path) if element is not None else None
        if found is not None:
            return found
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def read_probe_reply(data: bytes, responder: str = "") -> ProbeReply:
    """Read a ProbeMatches datagram, leniently: see :class:`ProbeReply`."""
    try:
        root, prefixes = parse_with_namespaces(data)
    except ET.ParseError as exc:
        return ProbeReply(None, problem=ProblemKind.WSD_NOT_XML, detail=f"{exc}; begins {data[:48]!r}")
    deviations: list[str] = []
    if root.tag == f"{{{SOAP11}}}Envelope":
        soap = SOAP11
        deviations.append("SOAP 1.1 envelope (ONVIF requires SOAP 1.2)")
    elif root.tag == f"{{{SOAP12}}}Envelope":
        soap = SOAP12
    else:
        return ProbeReply(None, problem=ProblemKind.WSD_NOT_MATCH, detail=f"document element <{root.tag}>")
    header, body = root.find(f"{{{soap}}}Header"), root.find(f"{{{soap}}}Body")
    wsd, wsa = WSD, WSA
    matches = _first(body, f"{{{WSD}}}ProbeMatches")
    if matches is None and (matches := _first(body, f"{{{WSD11}}}ProbeMatches")) is not None:
        wsd, wsa = WSD11, WSA10
        deviations.append("WS-Discovery 1.1 namespaces (ONVIF uses the 2005/04 ones)")
    if matches is None:
        content = [_local(child.tag) for child in body] if body is not None else []
        what = f"body holds {', '.join(content[:3])}" if content else "no ProbeMatches in the body"
        return ProbeReply(None, problem=ProblemKind.WSD_NOT_MATCH, detail=what)
    action_el = _first(header, f"{{{wsa}}}Action", f"{{{WSA}}}Action", f"{{{WSA10}}}Action")
    action = (action_el.text or "").strip() if action_el is not None else ""
    if action != f"{wsd}/ProbeMatches":
        deviations.append(f"Action {action!r}" if action else "no Action header")
    relates_el = _first(header, f"{{{wsa}}}RelatesTo", f"{{{WSA}}}RelatesTo", f"{{{WSA10}}}RelatesTo")
    relates_to = (relates_el.text or "").strip() or None if relates_el is not None else None
    if relates_to is None:
        deviations.append("no RelatesTo header")
    devices: list[DiscoveredDevice] = []
    unusable: list[str] = []
    for match in matches.findall(f"{{{wsd}}}ProbeMatch"):
        address = _first(match, f"{{{wsa}}}EndpointReference/{{{wsa}}}Address", f".//{{{wsa}}}Address")
        epr = (address.text or "").strip() if address is not None else ""
        xaddrs = tuple((match.findtext(f"{{{wsd}}}XAddrs") or "").split())
        if not xaddrs and urlsplit(epr).scheme.lower() in ("http", "https"):
            xaddrs = (epr,)
            deviations.append("the device address is in the EndpointReference, XAddrs is empty")
        if not any(urlsplit(x).scheme.lower() in ("http", "https") for x in xaddrs):
            unusable.append(" ".join(xaddrs) or "no XAddrs")
            continue
        if not epr:
            epr = f"urn:citywall:xaddr:{xaddrs[0]}"
            deviations.append("no EndpointReference")
        version_text = (match.findtext(f"{{{wsd}}}MetadataVersion") or "").strip()
        devices.append(
            DiscoveredDevice(
                endpoint_reference=epr,
                xaddrs=xaddrs,
                scopes=tuple((match.findtext(f"{{{wsd}}}Scopes") or "").split()),
                types=expand_qnames(match.findtext(f"{{{wsd}}}Types"), prefixes),
                metadata_version=int(version_text) if version_text.isdigit() else None,
                responder=responder,
            )
        )
    if not devices:
        if unusable:
            return ProbeReply(relates_to, problem=ProblemKind.WSD_NO_ADDRESS, detail="; ".join(unusable))
        nothing = "ProbeMatches lists no device"
        return ProbeReply(relates_to, problem=ProblemKind.WSD_NOT_MATCH, detail=nothing)
    return ProbeReply(relates_to, tuple(devices), tuple(dict.fromkeys(deviations)))


def parse_probe_matches(data: bytes, responder: str = "") -> tuple[str | None, list[DiscoveredDevice]]:
    """(RelatesTo, devices) of a ProbeMatches datagram; ``(None, [])`` for anything unreadable."""
    reply = read_probe_reply(data, responder)
    return reply.relates_to, list(reply.devices)


# -- probing ----------------------------------------------------------------------------------------
def discover(
    *,
    timeout_s: float = 3.0,
    target: tuple[str, int] = WS_DISCOVERY_GROUP,
    device_types: Sequence[Sequence[str]] = ((VIDEO_TRANSMITTER,), (DEVICE,)),
    scopes: Sequence[str] = (),
    interface: str | None = None,
    progress: ProgressFn | None = None,
    cancel: Event | None = None,
    on_problem: ProblemFn | None = None,
) -> list[DiscoveredDevice]:
    """Probe and collect answers for ``timeout_s`` (or until ``cancel`` is set).

    One Probe per entry of ``device_types`` (ONVIF devices answer ``dn:NetworkVideoTransmitter``;
    some only ``tds:Device``), each sent twice against UDP loss. ``interface``: the local IPv4
    address to send multicast from (default: the system's choice). ``progress(fraction, found)``
    is called about ten times a second and whenever a new device answers; ``on_problem`` once for
    each distinct reply that was not understood, or understood only by bending the protocol.
    """
    host, port = target
    multicast = ipaddress.ip_address(host).is_multicast
    loopback = ipaddress.ip_address(host).is_loopback
    ids = {f"urn:uuid:{uuid.uuid4()}": types for types in device_types}
    found: dict[str, DiscoveredDevice] = {}
    report = progress or (lambda _f, _d: None)
    problems: set[DiscoveryProblem] = set()

    def problem(sender: str, kind: ProblemKind, detail: str) -> None:
        item = DiscoveryProblem.of(sender, kind, detail)
        if item not in problems:  # a device answers each of our probes: say it once
            problems.add(item)
            log.info("WS-Discovery reply from %s not understood (%s): %s", sender, kind.value, item.detail)
            if on_problem is not None:
                on_problem(item)

    start = time.monotonic()
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    except OSError as exc:
        raise DiscoveryError(f"cannot search the network for cameras ({exc.strerror or exc})") from None
    with sock:
        try:
            sock.bind(("127.0.0.1" if loopback else (interface or "0.0.0.0"), 0))
            if multicast:
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
                if interface:
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(interface))
            messages = [probe_message(mid, types, scopes) for mid, types in ids.items()]
            for message in messages:
                sock.sendto(message, target)
        except OSError as exc:
            raise DiscoveryError(
                f"cannot search the network for cameras ({exc.strerror or exc})",
                detail=f"probe to {host}:{port}",
            ) from None
        resent = False
        report(0.0, ())
        while True:
            elapsed = time.monotonic() - start
            if elapsed >= timeout_s or (cancel is not None and cancel.is_set()):
                break
            if not resent and elapsed >= min(0.25, timeout_s / 4):
                resent = True  # SOAP-over-UDP: repeat, in case the first datagram was lost
                for message in messages:
                    try:
                        sock.sendto(message, target)
                    except OSError as exc:
                        log.debug("WS-Discovery re-send failed: %s", exc)
            sock.settimeout(max(0.01, min(0.1, timeout_s - elapsed)))
            try:
                data, (sender, _port) = sock.recvfrom(MAX_DATAGRAM)
            except TimeoutError:
                report(min(1.0, (time.monotonic() - start) / timeout_s), tuple(found.values()))
                continue
            except OSError as exc:  # e.g. ICMP port unreachable from a unicast target
                log.debug("WS-Discovery receive: %s", exc)
                continue
            reply = read_probe_reply(data[:MAX_DATAGRAM], sender)
            if reply.problem is not None:
                problem(sender, reply.problem, reply.detail)
                continue
            # Our socket's port is ours alone: whatever arrives answers our probes (a RelatesTo
            # naming no probe of ours is a device's mistake, not someone else's answer).
            deviations = list(reply.deviations)
            if reply.relates_to is not None and reply.relates_to not in ids:
                deviations.append("RelatesTo names no probe of ours")
            if deviations:
                problem(sender, ProblemKind.WSD_NONCONFORMANT, "; ".join(deviations))
            new = False
            for device in reply.devices:
                key = device.endpoint_reference
                if key not in found:
                    found[key] = device
                    new = True
            if new:
                report(min(1.0, (time.monotonic() - start) / timeout_s), tuple(found.values()))
    result = sorted(found.values(), key=lambda d: (d.label, d.endpoint_reference))
    report(1.0, tuple(result))
    return result
