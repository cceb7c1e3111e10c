"""WS-Discovery (SOAP-over-UDP) probing for ONVIF cameras, as ONVIF Core section 7 describes it.

:func:`discover` sends ``Probe`` messages for ``dn:NetworkVideoTransmitter`` and ``tds:Device`` to
the WS-Discovery multicast group 239.255.255.250:3702 (or any ``target``, e.g. a unicast loopback
responder in tests), collects the ``ProbeMatches`` answering them until the timeout, and reports
progress as it goes. A found device can become a site camera with :func:`camera_from_discovery`
after :func:`inspect_device` read its profiles.

Answers come from the network and are untrusted: they are parsed with the standard library's
expat (no external entities, billion-laughs protection), size-limited, and anything malformed is
ignored rather than raised.
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
from typing import Any
from urllib.parse import unquote, urlsplit

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint, choose_profiles
from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.types import DeviceInfo, MediaProfile
from camera_config.models import Camera, Credentials, OnvifSource, PtzSettings

log = logging.getLogger(__name__)

WS_DISCOVERY_GROUP = ("239.255.255.250", 3702)
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSA = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
WSD = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
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
        return next(iter(self.scope_values("hardware")), None)

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


def parse_probe_matches(data: bytes, responder: str = "") -> tuple[str | None, list[DiscoveredDevice]]:
    """(RelatesTo, devices) of a ProbeMatches datagram; ``(None, [])`` for anything else or garbage."""
    try:
        root, prefixes = parse_with_namespaces(data)
    except ET.ParseError:
        return None, []
    header = root.find(f"{{{SOAP12}}}Header")
    action = (header.findtext(f"{{{WSA}}}Action") or "").strip() if header is not None else ""
    matches = root.find(f"{{{SOAP12}}}Body/{{{WSD}}}ProbeMatches")
    if action != PROBE_MATCHES_ACTION or matches is None or header is None:
        return None, []
    relates_to = (header.findtext(f"{{{WSA}}}RelatesTo") or "").strip() or None
    devices = []
    for match in matches.findall(f"{{{WSD}}}ProbeMatch"):
        epr = (match.findtext(f"{{{WSA}}}EndpointReference/{{{WSA}}}Address") or "").strip()
        xaddrs = tuple((match.findtext(f"{{{WSD}}}XAddrs") or "").split())
        if not epr or not xaddrs:
            continue
        version_text = (match.findtext(f"{{{WSD}}}MetadataVersion") or "").strip()
        devices.append(
            DiscoveredDevice(
                endpoint_reference=epr,
                xaddrs=xaddrs,
                scopes=tuple((match.findtext(f"{{{WSD}}}Scopes") or "").split()),
                types=expand_qnames(match.findtext(f"{{{WSD}}}Types"), prefixes),
                metadata_version=int(version_text) if version_text.isdigit() else None,
                responder=responder,
            )
        )
    return relates_to, devices


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
) -> list[DiscoveredDevice]:
    """Probe and collect answers for ``timeout_s`` (or until ``cancel`` is set).

    One Probe per entry of ``device_types`` (ONVIF devices answer ``dn:NetworkVideoTransmitter``;
    some only ``tds:Device``), each sent twice against UDP loss. ``interface``: the local IPv4
    address to send multicast from (default: the system's choice). ``progress(fraction, found)``
    is called about ten times a second and whenever a new device answers.
    """
    host, port = target
    multicast = ipaddress.ip_address(host).is_multicast
    loopback = ipaddress.ip_address(host).is_loopback
    ids = {f"urn:uuid:{uuid.uuid4()}": types for types in device_types}
    found: dict[str, DiscoveredDevice] = {}
    report = progress or (lambda _f, _d: None)
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
            relates_to, devices = parse_probe_matches(data, sender)
            if relates_to not in ids:
                continue  # someone else's answer, or not an answer
            new = False
            for device in devices:
                key = device.endpoint_reference
                if key not in found:
                    found[key] = device
                    new = True
            if new:
                report(min(1.0, (time.monotonic() - start) / timeout_s), tuple(found.values()))
    result = sorted(found.values(), key=lambda d: (d.label, d.endpoint_reference))
    report(1.0, tuple(result))
    return result


# -- from a found device to a site camera ---------------------------------------------------------------
@dataclass(frozen=True)
class DeviceDescription:
    device: DiscoveredDevice
    info: DeviceInfo
    profiles: tuple[MediaProfile, ...]
    ptz: bool
    main_profile: str | None
    sub_profile: str | None


def inspect_device(
    device: DiscoveredDevice,
    username: str | None,
    password: str | None,
    *,
    timeout_s: float = 3.0,
    client_factory: Callable[[OnvifEndpoint], OnvifClient] = OnvifClient,
) -> DeviceDescription:
    """Log in to a found device and read what a site camera needs (blocking: run it off the GUI)."""
    url = device.device_url
    if url is None:
        raise OnvifError("the device gave no usable address (no http XAddr)")
    client = client_factory(OnvifEndpoint(url, username, password, timeout_s=timeout_s, label=device.label))
    try:
        info = client.device_info()
        profiles = client.profiles()
        main, sub = choose_profiles(profiles)
        has_ptz = client.services().ptz is not None and any(p.ptz_configuration for p in profiles)
    finally:
        client.close()
    return DeviceDescription(device, info, tuple(profiles), has_ptz, main.token, sub.token if sub else None)


def camera_from_discovery(
    description: DeviceDescription,
    camera_id: str,
    *,
    name: str | None = None,
    group: str | None = None,
    credentials: Credentials | None = None,
) -> Camera:
    """A site camera for an inspected device: ONVIF streams with its profiles, and PTZ if it has it."""
    url = description.device.device_url
    if url is None:
        raise OnvifError("the device gave no usable address (no http XAddr)")
    ptz_profile = next(
        (
            p.token
            for p in description.profiles
            if p.token == description.main_profile and p.ptz_configuration
        ),
        None,
    )
    return Camera(
        id=camera_id,
        name=name or description.device.name or description.info.model or camera_id,
        group=group,
        source=OnvifSource(
            endpoint=url, main_profile=description.main_profile, sub_profile=description.sub_profile
        ),
        credentials=credentials,
        ptz=PtzSettings(endpoint=url, profile=ptz_profile) if description.ptz else None,
    )
