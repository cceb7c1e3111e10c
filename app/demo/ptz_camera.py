"""A demo ONVIF PTZ camera on loopback: device, media (ver10) and PTZ (ver20) services over HTTP.

For tests and the embedded demo only; it binds 127.0.0.1. What it implements follows the ONVIF
Core, Media and PTZ specifications as a Profile S PTZ dome would:

* device service at ``/onvif/device_service``; the media and PTZ services live at other paths,
  which clients must learn from ``GetServices`` or ``GetCapabilities`` (``advertise`` puts another
  host in those addresses, as a camera behind NAT does);
* login by WS-UsernameToken and/or HTTP digest (``auth``), with the ONVIF pre-authentication
  operations (``GetSystemDateAndTime``, ``GetServices``) open to everyone;
* two media profiles (main and sub stream) sharing one PTZ configuration in the generic spaces;
* a head with real mechanics (:mod:`app.demo.ptz_model`): continuous moves honour the ONVIF
  Timeout, absolute/relative/preset/home moves take time, so GetStatus says MOVING, then IDLE;
* presets (optionally persisted to a JSON file) and a settable home position;
* fault injection for tests (:class:`FaultPlan`): slow answers, malformed XML, HTTP 500.

The video of the camera is the demo RTSP server's ``ptz`` mount: ``on_view`` receives the current
view of the panorama (:func:`app.demo.panorama.view_rect`) whenever it changes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Literal
from urllib.parse import quote, urlsplit

from app.adapters.onvif import ptz_math as pm
from app.core import ptz_geometry as geo
from app.demo import onvif_soap as soap
from app.demo.onvif_auth import DigestChecker, WsseChecker
from app.demo.onvif_soap import TDS, TPTZ, TRT, TT, SoapFault, X, x
from app.demo.panorama import ViewRect, view_rect
from app.demo.ptz_model import HeadSpeeds, HeadState, PtzHead

log = logging.getLogger(__name__)

AuthPolicy = Literal["wsse", "digest", "either", "none"]
DEVICE_PATH = "/onvif/device_service"
MEDIA_PATH = "/onvif/cw/media_service"
PTZ_PATH = "/onvif/cw/ptz_service"
PRE_AUTH = frozenset(
    {"GetSystemDateAndTime", "GetServices", "GetServiceCapabilities", "GetWsdlUrl", "GetHostname"}
)
PTZ_CONFIG = "PtzConfig_1"
PTZ_NODE = "PtzNode_1"
MAX_PRESETS = 64
TIMEOUT_RANGE_S = (0.5, 60.0)
DEFAULT_TIMEOUT_S = 5.0
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?)S)?)?$")


@dataclass(frozen=True)
class FaultPlan:
    """Misbehaviour to inject, for operations in ``ops`` (None: every operation)."""

    delay_s: float = 0.0  # answer this late
    malformed: bool = False  # answer with broken XML (HTTP 200)
    http_500: bool = False  # answer HTTP 500 with an HTML page, as a crashed web server does
    ops: frozenset[str] | None = None

    def applies(self, operation: str) -> bool:
        return self.ops is None or operation in self.ops


@dataclass(frozen=True)
class StreamProfile:
    token: str
    name: str
    uri: str
    width: int
    height: int
    fps: int = 15
    bitrate_kbps: int = 800


@dataclass
class _Preset:
    name: str
    pan: float
    tilt: float
    zoom: float


@dataclass(frozen=True)
class DiscoveryRecord:
    """What the camera announces to WS-Discovery probes."""

    endpoint_reference: str
    xaddrs: tuple[str, ...]
    scopes: tuple[str, ...]
    types: tuple[str, ...] = ("dn:NetworkVideoTransmitter", "tds:Device")
    metadata_version: int = 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: PtzCameraSimulator


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "CityWall-PTZ-Simulator/1"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        log.debug("ptz simulator %s: " + format, self.server.sim.name, *args)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        status, headers, payload = self.server.sim.handle(self.path, self.headers.get("Authorization"), body)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (its timeout): nothing to do
            self.wfile.write(payload)

    def do_GET(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "POST")
        self.send_header("Content-Length", "0")
        self.end_headers()


Answer = tuple[int, dict[str, str], bytes]


class PtzCameraSimulator:
    """One simulated PTZ camera; ``start()`` serves it on 127.0.0.1, ``stop()`` ends it."""

    def __init__(
        self,
        name: str = "演示云台",
        *,
        password: str,
        username: str = "admin",
        streams: tuple[StreamProfile, ...] | None = None,
        auth: AuthPolicy = "either",
        host: str = "127.0.0.1",
        port: int = 0,
        advertise: str | None = None,
        presets_path: Path | None = None,
        ranges: geo.HeadRange | None = None,
        speeds: HeadSpeeds | None = None,
        home: tuple[float, float, float] = (0.0, 30.0, 1.0),
        supports_absolute: bool = True,
        on_view: Callable[[ViewRect], None] | None = None,
        view_hz: float = 15.0,
        location: str = "",
        hardware: str = "CW-PTZ-20X",
        clock: Callable[[], float] = time.monotonic,
        clock_offset_s: float = 0.0,
        has_ptz: bool = True,
    ) -> None:
        self.name, self.host, self.location, self.hardware = name, host, location, hardware
        self.ranges = ranges or geo.HeadRange()
        self.streams = streams or (
            StreamProfile(
                "Profile_1", "mainStream", "rtsp://127.0.0.1:8554/ptz_main", 1280, 720, bitrate_kbps=2000
            ),
            StreamProfile("Profile_2", "subStream", "rtsp://127.0.0.1:8554/ptz", 640, 360),
        )
        self.auth: AuthPolicy = auth
        self.advertise = advertise
        self.supports_absolute = supports_absolute
        self.has_ptz = has_ptz  # False: a fixed ONVIF camera (no PTZ service, no PTZ in its profiles)
        self.ignore_move_timeout = False  # a camera that ignores the ONVIF Timeout (dead-man tests)
        self.on_view = on_view
        self.requests: deque[tuple[str, str]] = deque(maxlen=500)  # (operation, how it logged in)
        self._clock = clock
        self._clock_offset = timedelta(seconds=clock_offset_s)  # a camera whose clock is wrong
        self._port = port
        self._faults = FaultPlan()
        self._wsse = WsseChecker(username, password)
        self._digest = DigestChecker(username, password, realm=f"CityWall {hardware}")
        self._head = PtzHead(self.ranges, speeds, position=home)
        self._home = home
        self._presets: dict[str, _Preset] = {}
        self._presets_path = presets_path
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._view_hz = view_hz
        self._load_presets()

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> PtzCameraSimulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self.host, self._port), _Handler)
        server.sim = self
        self._server = server
        self._port = server.server_address[1]
        serve = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        serve.name = f"ptz-sim-{self._port}"
        self._threads = [serve]
        if self.on_view is not None:
            self._threads.append(
                threading.Thread(target=self._view_loop, name=f"ptz-view-{self._port}", daemon=True)
            )
        for t in self._threads:
            t.start()
        log.info("demo PTZ camera %s on %s", self.name, self.device_url)
        return self

    def stop(self) -> None:
        self._stopping.set()  # also ends injected delays
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        for t in self._threads:
            t.join(2.0)
        self._threads = []

    def __enter__(self) -> PtzCameraSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- what tests and the demo use ------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def device_url(self) -> str:
        return f"http://{self.host}:{self._port}{DEVICE_PATH}"

    @property
    def faults(self) -> FaultPlan:
        return self._faults

    @faults.setter
    def faults(self, plan: FaultPlan) -> None:
        self._faults = plan

    def state(self) -> HeadState:
        return self._head.state(self._clock())

    def view(self) -> ViewRect:
        s = self.state()
        return view_rect(s.pan, s.tilt, s.zoom, self.ranges)

    def operations(self) -> list[str]:
        return [op for op, _ in list(self.requests)]

    def discovery_record(self) -> DiscoveryRecord:
        base = "onvif://www.onvif.org"
        scopes = [
            f"{base}/type/video_encoder",
            *([f"{base}/type/ptz"] if self.has_ptz else []),
            f"{base}/Profile/Streaming",
            f"{base}/hardware/{quote(self.hardware)}",
            f"{base}/name/{quote(self.name)}",
        ]
        if self.location:
            scopes.append(f"{base}/location/city/{quote(self.location)}")
        epr = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'citywall-ptz:{self.name}:{self._port}')}"
        return DiscoveryRecord(epr, (self._xaddr(DEVICE_PATH),), tuple(scopes))

    def seed_presets(self, presets: Iterable[tuple[str, float, float, float]]) -> None:
        """Add presets (name, pan, tilt, zoom) as if an installer had stored them."""
        with self._lock:
            for name, pan, tilt, zoom in presets:
                token = next(str(n) for n in range(1, MAX_PRESETS + 2) if str(n) not in self._presets)
                r = self.ranges
                self._presets[token] = _Preset(
                    name,
                    geo.wrap_degrees(pan),
                    geo.clamp(tilt, r.tilt_min, r.tilt_max),
                    geo.clamp(zoom, r.zoom_min, r.zoom_max),
                )
            self._save_presets()

    def preset_names(self) -> dict[str, str]:
        with self._lock:
            return {t: p.name for t, p in self._presets.items()}

    # -- HTTP ----------------------------------------------------------------------------------------
    def handle(self, path: str, authorization: str | None, body: bytes) -> Answer:
        """Answer one POST: (status, headers, payload)."""
        services = {DEVICE_PATH: TDS, MEDIA_PATH: TRT, **({PTZ_PATH: TPTZ} if self.has_ptz else {})}
        service = services.get(urlsplit(path).path)
        if service is None:
            return 404, {"Content-Type": "text/plain"}, b"no such service\n"
        try:
            request = soap.parse_request(body)
        except SoapFault as fault:
            return self._fault(fault)
        op = request.operation
        plan = self._faults
        if plan.applies(op):
            if plan.delay_s > 0 and self._stopping.wait(plan.delay_s):
                return 503, {"Content-Type": "text/plain"}, b"shutting down\n"
            if plan.http_500:
                self.requests.append((op, "fault:500"))
                page = b"<html><body><h1>500 Internal Server Error</h1></body></html>"
                return 500, {"Content-Type": "text/html"}, page
            if plan.malformed:
                self.requests.append((op, "fault:malformed"))
                broken = b'<?xml version="1.0"?><env:Envelope xmlns:env="' + soap.SOAP12.encode()
                return 200, {"Content-Type": soap.CONTENT_TYPE}, broken + b'"><env:Body><tt:Oops'
        login = "pre-auth" if op in PRE_AUTH else self._login(request, authorization)
        if login == "challenge":
            self.requests.append((op, "refused"))
            _, hdrs, payload = self._fault(soap.not_authorized())
            return 401, {**hdrs, "WWW-Authenticate": self._digest.challenge()}, payload
        if login == "refused":
            self.requests.append((op, "refused"))
            return self._fault(soap.not_authorized())
        self.requests.append((op, login))
        try:
            if request.namespace != service:
                raise soap.receiver(f"{op} is not an operation of this service", "ter:ActionNotSupported")
            handler = getattr(self, "_op_" + _snake(op), None)
            if handler is None:
                raise soap.receiver(f"{op} is not supported", "ter:ActionNotSupported")
            answer: X = handler(request.body)
        except SoapFault as fault:
            return self._fault(fault)
        return 200, {"Content-Type": soap.CONTENT_TYPE}, soap.envelope(answer)

    def _login(self, request: soap.Request, authorization: str | None) -> str:
        """'wsse', 'digest' or 'none' when accepted; 'challenge' (HTTP 401) or 'refused' (SOAP fault)."""
        if self.auth == "none":
            return "none"
        if self.auth in ("wsse", "either") and self._wsse.check(request.security, self._utc_now()):
            return "wsse"
        if self.auth in ("digest", "either") and self._digest.check(authorization, "POST"):
            return "digest"
        return "refused" if self.auth == "wsse" else "challenge"

    @staticmethod
    def _fault(fault: SoapFault) -> Answer:
        return fault.http_status, {"Content-Type": soap.CONTENT_TYPE}, soap.envelope(fault.body())

    def _xaddr(self, path: str) -> str:
        return f"http://{self.advertise or f'{self.host}:{self._port}'}{path}"

    # -- device service ------------------------------------------------------------------------------
    def _utc_now(self) -> datetime:
        return datetime.now(UTC) + self._clock_offset

    def _op_get_system_date_and_time(self, _req: ET.Element) -> X:
        now = self._utc_now()
        local = now.astimezone()

        def date_time(tag: str, t: datetime) -> X:
            return x(
                tag,
                x("tt:Time", x("tt:Hour", t.hour), x("tt:Minute", t.minute), x("tt:Second", t.second)),
                x("tt:Date", x("tt:Year", t.year), x("tt:Month", t.month), x("tt:Day", t.day)),
            )

        return x(
            "tds:GetSystemDateAndTimeResponse",
            x(
                "tds:SystemDateAndTime",
                x("tt:DateTimeType", "NTP"),
                x("tt:DaylightSavings", False),
                x("tt:TimeZone", x("tt:TZ", "CST-8")),
                date_time("tt:UTCDateTime", now),
                date_time("tt:LocalDateTime", local),
            ),
        )

    def _op_get_device_information(self, _req: ET.Element) -> X:
        return x(
            "tds:GetDeviceInformationResponse",
            x("tds:Manufacturer", "CityWall Demo"),
            x("tds:Model", f"{self.hardware} (simulator)"),
            x("tds:FirmwareVersion", "1.0.0"),
            x("tds:SerialNumber", f"CW{uuid.uuid5(uuid.NAMESPACE_URL, self.name).hex[:10].upper()}"),
            x("tds:HardwareId", self.hardware),
        )

    def _op_get_services(self, _req: ET.Element) -> X:
        def service(ns: str, path: str, major: int, minor: int) -> X:
            return x(
                "tds:Service",
                x("tds:Namespace", ns),
                x("tds:XAddr", self._xaddr(path)),
                x("tds:Version", x("tt:Major", major), x("tt:Minor", minor)),
            )

        return x(
            "tds:GetServicesResponse",
            service(TDS, DEVICE_PATH, 2, 60),
            service(TRT, MEDIA_PATH, 2, 60),
            *([service(TPTZ, PTZ_PATH, 2, 60)] if self.has_ptz else []),
        )

    def _op_get_capabilities(self, req: ET.Element) -> X:
        wanted = {(c.text or "").strip() for c in req.findall(f"{{{TDS}}}Category")} or {"All"}
        known = {"All", "Device", "Media", "PTZ"}
        if not wanted & known:
            raise soap.receiver(
                "capability category not supported", "ter:ActionNotSupported", "ter:NoSuchService"
            )
        every = "All" in wanted
        parts: list[X] = []
        if every or "Device" in wanted:
            parts.append(x("tt:Device", x("tt:XAddr", self._xaddr(DEVICE_PATH))))
        if every or "Media" in wanted:
            streaming = x(
                "tt:StreamingCapabilities",
                x("tt:RTPMulticast", False),
                x("tt:RTP_TCP", True),
                x("tt:RTP_RTSP_TCP", True),
            )
            parts.append(x("tt:Media", x("tt:XAddr", self._xaddr(MEDIA_PATH)), streaming))
        if (every or "PTZ" in wanted) and self.has_ptz:
            parts.append(x("tt:PTZ", x("tt:XAddr", self._xaddr(PTZ_PATH))))
        return x("tds:GetCapabilitiesResponse", x("tds:Capabilities", *parts))

    def _op_get_scopes(self, _req: ET.Element) -> X:
        scopes = [
            x("tds:Scopes", x("tt:ScopeDef", "Fixed"), x("tt:ScopeItem", s))
            for s in self.discovery_record().scopes
        ]
        return x("tds:GetScopesResponse", *scopes)

    # -- media service ----------------------------------------------------------------------------------
    def _profile(self, s: StreamProfile) -> X:
        return x(
            "trt:Profiles",
            x("tt:Name", s.name),
            x(
                "tt:VideoSourceConfiguration",
                x("tt:Name", "VideoSource_1"),
                x("tt:UseCount", len(self.streams)),
                x("tt:SourceToken", "VideoSource_1"),
                x("tt:Bounds", x=0, y=0, width=1920, height=1080),
                token="VideoSourceConfig_1",
            ),
            x(
                "tt:VideoEncoderConfiguration",
                x("tt:Name", f"VideoEncoder_{s.token}"),
                x("tt:UseCount", 1),
                x("tt:Encoding", "H264"),
                x("tt:Resolution", x("tt:Width", s.width), x("tt:Height", s.height)),
                x("tt:Quality", 4.0),
                x(
                    "tt:RateControl",
                    x("tt:FrameRateLimit", s.fps),
                    x("tt:EncodingInterval", 1),
                    x("tt:BitrateLimit", s.bitrate_kbps),
                ),
                x("tt:H264", x("tt:GovLength", s.fps), x("tt:H264Profile", "Baseline")),
                x(
                    "tt:Multicast",
                    x("tt:Address", x("tt:Type", "IPv4"), x("tt:IPv4Address", "0.0.0.0")),
                    x("tt:Port", 0),
                    x("tt:TTL", 1),
                    x("tt:AutoStart", False),
                ),
                x("tt:SessionTimeout", "PT60S"),
                token=f"VideoEncoder_{s.token}",
            ),
            self._ptz_configuration("tt:PTZConfiguration") if self.has_ptz else None,
            token=s.token,
            fixed=True,
        )

    def _op_get_profiles(self, _req: ET.Element) -> X:
        return x("trt:GetProfilesResponse", *(self._profile(s) for s in self.streams))

    def _op_get_profile(self, req: ET.Element) -> X:
        s = self._stream(soap.required(req, TRT, "ProfileToken"))
        body = self._profile(s)
        body.tag = "trt:Profile"
        return x("trt:GetProfileResponse", body)

    def _op_get_stream_uri(self, req: ET.Element) -> X:
        s = self._stream(soap.required(req, TRT, "ProfileToken"))
        setup = soap.child(req, TRT, "StreamSetup")
        stream = soap.text(setup, TT, "Stream")
        protocol = soap.text(soap.child(setup, TT, "Transport"), TT, "Protocol")
        if stream not in ("RTP-Unicast", None) or protocol not in ("RTSP", "UDP", "TCP", None):
            raise soap.invalid_arg("only RTP unicast over RTSP is offered", "ter:InvalidStreamSetup")
        return x(
            "trt:GetStreamUriResponse",
            x(
                "trt:MediaUri",
                x("tt:Uri", s.uri),
                x("tt:InvalidAfterConnect", False),
                x("tt:InvalidAfterReboot", False),
                x("tt:Timeout", "PT0S"),
            ),
        )

    def _stream(self, token: str) -> StreamProfile:
        for s in self.streams:
            if s.token == token:
                return s
        raise soap.invalid_arg(f"no profile {token}", "ter:NoProfile")

    # -- PTZ service: description ----------------------------------------------------------------------
    @staticmethod
    def _space2d(tag: str, uri: str, lo: float = -1.0, hi: float = 1.0) -> X:
        return x(
            tag,
            x("tt:URI", uri),
            x("tt:XRange", x("tt:Min", lo), x("tt:Max", hi)),
            x("tt:YRange", x("tt:Min", lo), x("tt:Max", hi)),
        )

    @staticmethod
    def _space1d(tag: str, uri: str, lo: float, hi: float) -> X:
        return x(tag, x("tt:URI", uri), x("tt:XRange", x("tt:Min", lo), x("tt:Max", hi)))

    def _spaces(self, tag: str) -> X:
        parts: list[X] = []
        if self.supports_absolute:
            parts += [
                self._space2d("tt:AbsolutePanTiltPositionSpace", pm.PAN_TILT_POSITION_GENERIC),
                self._space1d("tt:AbsoluteZoomPositionSpace", pm.ZOOM_POSITION_GENERIC, 0.0, 1.0),
            ]
        parts += [
            self._space2d("tt:RelativePanTiltTranslationSpace", pm.PAN_TILT_TRANSLATION_GENERIC),
            self._space1d("tt:RelativeZoomTranslationSpace", pm.ZOOM_TRANSLATION_GENERIC, -1.0, 1.0),
            self._space2d("tt:ContinuousPanTiltVelocitySpace", pm.PAN_TILT_VELOCITY_GENERIC),
            self._space1d("tt:ContinuousZoomVelocitySpace", pm.ZOOM_VELOCITY_GENERIC, -1.0, 1.0),
            self._space1d("tt:PanTiltSpeedSpace", pm.PAN_TILT_SPEED_GENERIC, 0.0, 1.0),
            self._space1d("tt:ZoomSpeedSpace", pm.ZOOM_SPEED_GENERIC, 0.0, 1.0),
        ]
        return x(tag, *parts)

    def _ptz_configuration(self, tag: str) -> X:
        return x(
            tag,
            x("tt:Name", "PTZ"),
            x("tt:UseCount", len(self.streams)),
            x("tt:NodeToken", PTZ_NODE),
            x("tt:DefaultAbsolutePantTiltPositionSpace", pm.PAN_TILT_POSITION_GENERIC),
            x("tt:DefaultAbsoluteZoomPositionSpace", pm.ZOOM_POSITION_GENERIC),
            x("tt:DefaultRelativePanTiltTranslationSpace", pm.PAN_TILT_TRANSLATION_GENERIC),
            x("tt:DefaultRelativeZoomTranslationSpace", pm.ZOOM_TRANSLATION_GENERIC),
            x("tt:DefaultContinuousPanTiltVelocitySpace", pm.PAN_TILT_VELOCITY_GENERIC),
            x("tt:DefaultContinuousZoomVelocitySpace", pm.ZOOM_VELOCITY_GENERIC),
            x(
                "tt:DefaultPTZSpeed",
                x("tt:PanTilt", x=1.0, y=1.0, space=pm.PAN_TILT_SPEED_GENERIC),
                x("tt:Zoom", x=1.0, space=pm.ZOOM_SPEED_GENERIC),
            ),
            x("tt:DefaultPTZTimeout", f"PT{DEFAULT_TIMEOUT_S:g}S"),
            x("tt:PanTiltLimits", self._space2d("tt:Range", pm.PAN_TILT_POSITION_GENERIC)),
            x("tt:ZoomLimits", self._space1d("tt:Range", pm.ZOOM_POSITION_GENERIC, 0.0, 1.0)),
            token=PTZ_CONFIG,
        )

    def _node(self, tag: str) -> X:
        return x(
            tag,
            x("tt:Name", "PTZ head"),
            self._spaces("tt:SupportedPTZSpaces"),
            x("tt:MaximumNumberOfPresets", MAX_PRESETS),
            x("tt:HomeSupported", True),
            token=PTZ_NODE,
            FixedHomePosition=False,
        )

    def _op_get_service_capabilities(self, _req: ET.Element) -> X:
        caps = x(
            "tptz:Capabilities", EFlip=False, Reverse=False, GetCompatibleConfigurations=True, MoveStatus=True
        )
        return x("tptz:GetServiceCapabilitiesResponse", caps)

    def _op_get_nodes(self, _req: ET.Element) -> X:
        return x("tptz:GetNodesResponse", self._node("tptz:PTZNode"))

    def _op_get_node(self, req: ET.Element) -> X:
        if soap.required(req, TPTZ, "NodeToken") != PTZ_NODE:
            raise soap.invalid_arg("no such node", "ter:NoEntity")
        return x("tptz:GetNodeResponse", self._node("tptz:PTZNode"))

    def _op_get_configurations(self, _req: ET.Element) -> X:
        return x("tptz:GetConfigurationsResponse", self._ptz_configuration("tptz:PTZConfiguration"))

    def _op_get_configuration(self, req: ET.Element) -> X:
        if soap.required(req, TPTZ, "PTZConfigurationToken") != PTZ_CONFIG:
            raise soap.invalid_arg("no such configuration", "ter:NoConfig")
        return x("tptz:GetConfigurationResponse", self._ptz_configuration("tptz:PTZConfiguration"))

    def _op_get_configuration_options(self, req: ET.Element) -> X:
        if soap.required(req, TPTZ, "ConfigurationToken") != PTZ_CONFIG:
            raise soap.invalid_arg("no such configuration", "ter:NoConfig")
        lo, hi = TIMEOUT_RANGE_S
        return x(
            "tptz:GetConfigurationOptionsResponse",
            x(
                "tptz:PTZConfigurationOptions",
                self._spaces("tt:Spaces"),
                x("tt:PTZTimeout", x("tt:Min", f"PT{lo:g}S"), x("tt:Max", f"PT{hi:g}S")),
            ),
        )

    # -- PTZ service: moves -----------------------------------------------------------------------------
    def _profile_token(self, req: ET.Element) -> None:
        token = soap.required(req, TPTZ, "ProfileToken")
        self._stream(token)

    def _vector(
        self, node: ET.Element | None, pt_space: str, z_space: str, z_range: tuple[float, float]
    ) -> tuple[float | None, float | None, float | None]:
        """(x, y, zoom) of a PTZVector/PTZSpeed element in the generic spaces (None: not given)."""
        pan = tilt = zoom = None
        pt = soap.child(node, TT, "PanTilt")
        if pt is not None:
            if pt.get("space", pt_space) != pt_space:
                raise soap.invalid_arg(f"space {pt.get('space')} not supported", "ter:SpaceNotSupported")
            pan, tilt = self._number(pt.get("x"), -1.0, 1.0), self._number(pt.get("y"), -1.0, 1.0)
        z = soap.child(node, TT, "Zoom")
        if z is not None:
            if z.get("space", z_space) != z_space:
                raise soap.invalid_arg(f"space {z.get('space')} not supported", "ter:SpaceNotSupported")
            zoom = self._number(z.get("x"), *z_range)
        return pan, tilt, zoom

    @staticmethod
    def _number(value: str | None, lo: float, hi: float) -> float:
        try:
            number = float(value or "")
        except ValueError:
            raise soap.invalid_arg(f"not a number: {value!r}") from None
        if not lo - 1e-6 <= number <= hi + 1e-6:
            raise soap.invalid_arg(f"{number} outside {lo}..{hi}", "ter:InvalidPosition")
        return geo.clamp(number, lo, hi)

    def _speeds(self, req: ET.Element, ns: str) -> tuple[float, float]:
        speed = soap.child(req, ns, "Speed")
        if speed is None:
            return 1.0, 1.0  # DefaultPTZSpeed
        pan, _tilt, zoom = self._vector(speed, pm.PAN_TILT_SPEED_GENERIC, pm.ZOOM_SPEED_GENERIC, (0.0, 1.0))
        return (1.0 if pan is None else abs(pan)), (1.0 if zoom is None else zoom)

    def _op_continuous_move(self, req: ET.Element) -> X:
        self._profile_token(req)
        velocity = soap.child(req, TPTZ, "Velocity")
        if velocity is None:
            raise soap.invalid_arg("Velocity is required")
        vx, vy, vz = self._vector(
            velocity, pm.PAN_TILT_VELOCITY_GENERIC, pm.ZOOM_VELOCITY_GENERIC, (-1.0, 1.0)
        )
        timeout_text = soap.text(req, TPTZ, "Timeout")
        timeout = DEFAULT_TIMEOUT_S if timeout_text is None else _duration_s(timeout_text)
        timeout = geo.clamp(timeout, *TIMEOUT_RANGE_S)
        self._head.drive(self._clock(), vx, vy, vz, None if self.ignore_move_timeout else timeout)
        return x("tptz:ContinuousMoveResponse")

    def _op_relative_move(self, req: ET.Element) -> X:
        self._profile_token(req)
        translation = soap.child(req, TPTZ, "Translation")
        if translation is None:
            raise soap.invalid_arg("Translation is required")
        dx, dy, dz = self._vector(
            translation, pm.PAN_TILT_TRANSLATION_GENERIC, pm.ZOOM_TRANSLATION_GENERIC, (-1.0, 1.0)
        )
        pts, zs = self._speeds(req, TPTZ)
        self._head.go_by(self._clock(), dx or 0.0, dy or 0.0, dz or 0.0, pts, zs)
        return x("tptz:RelativeMoveResponse")

    def _op_absolute_move(self, req: ET.Element) -> X:
        self._profile_token(req)
        if not self.supports_absolute:
            raise soap.receiver("absolute moves are not supported", "ter:ActionNotSupported")
        position = soap.child(req, TPTZ, "Position")
        if position is None:
            raise soap.invalid_arg("Position is required")
        px, py, pz = self._vector(
            position, pm.PAN_TILT_POSITION_GENERIC, pm.ZOOM_POSITION_GENERIC, (0.0, 1.0)
        )
        pts, zs = self._speeds(req, TPTZ)
        r = self.ranges
        self._head.go_to(
            self._clock(),
            None if px is None else r.pan_from_generic(px),
            None if py is None else r.tilt_from_generic(py),
            None if pz is None else r.zoom_from_generic(pz),
            pts,
            zs,
        )
        return x("tptz:AbsoluteMoveResponse")

    def _op_stop(self, req: ET.Element) -> X:
        self._profile_token(req)
        pan_tilt = soap.boolean(soap.text(req, TPTZ, "PanTilt"), True)
        zoom = soap.boolean(soap.text(req, TPTZ, "Zoom"), True)
        self._head.stop(self._clock(), pan_tilt, zoom)
        return x("tptz:StopResponse")

    def _position(self, tag: str, pan: float, tilt: float, zoom: float) -> X:
        r = self.ranges
        return x(
            tag,
            x(
                "tt:PanTilt",
                x=r.pan_to_generic(pan),
                y=r.tilt_to_generic(tilt),
                space=pm.PAN_TILT_POSITION_GENERIC,
            ),
            x("tt:Zoom", x=r.zoom_to_generic(zoom), space=pm.ZOOM_POSITION_GENERIC),
        )

    def _op_get_status(self, req: ET.Element) -> X:
        self._profile_token(req)
        s = self.state()
        return x(
            "tptz:GetStatusResponse",
            x(
                "tptz:PTZStatus",
                self._position("tt:Position", s.pan, s.tilt, s.zoom),
                x(
                    "tt:MoveStatus",
                    x("tt:PanTilt", "MOVING" if s.pan_tilt_moving else "IDLE"),
                    x("tt:Zoom", "MOVING" if s.zoom_moving else "IDLE"),
                ),
                x("tt:UtcTime", datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
            ),
        )

    # -- PTZ service: presets and home -------------------------------------------------------------------
    def _op_get_presets(self, req: ET.Element) -> X:
        self._profile_token(req)
        with self._lock:
            presets = [
                x(
                    "tptz:Preset",
                    x("tt:Name", p.name),
                    self._position("tt:PTZPosition", p.pan, p.tilt, p.zoom),
                    token=t,
                )
                for t, p in self._presets.items()
            ]
        return x("tptz:GetPresetsResponse", *presets)

    def _op_set_preset(self, req: ET.Element) -> X:
        self._profile_token(req)
        name = soap.text(req, TPTZ, "PresetName")
        token = soap.text(req, TPTZ, "PresetToken")
        if name is not None and not 1 <= len(name) <= 64:
            raise soap.invalid_arg("preset names are 1 to 64 characters", "ter:InvalidPresetName")
        s = self.state()
        with self._lock:
            if token is not None and token not in self._presets:
                raise soap.invalid_arg(f"no preset {token}", "ter:NoToken")
            if name is not None and any(p.name == name and t != token for t, p in self._presets.items()):
                raise soap.invalid_arg(f"a preset named {name} exists", "ter:PresetExist")
            if token is None:
                if len(self._presets) >= MAX_PRESETS:
                    raise soap.receiver("preset memory full", "ter:Action", "ter:TooManyPresets")
                token = next(str(n) for n in range(1, MAX_PRESETS + 2) if str(n) not in self._presets)
            old = self._presets.get(token)
            label = name or (old.name if old else f"Preset {token}")
            self._presets[token] = _Preset(label, s.pan, s.tilt, s.zoom)
            self._save_presets()
        return x("tptz:SetPresetResponse", x("tptz:PresetToken", token))

    def _op_goto_preset(self, req: ET.Element) -> X:
        self._profile_token(req)
        token = soap.required(req, TPTZ, "PresetToken")
        with self._lock:
            preset = self._presets.get(token)
        if preset is None:
            raise soap.invalid_arg(f"no preset {token}", "ter:NoToken")
        pts, zs = self._speeds(req, TPTZ)
        self._head.go_to(self._clock(), preset.pan, preset.tilt, preset.zoom, pts, zs)
        return x("tptz:GotoPresetResponse")

    def _op_remove_preset(self, req: ET.Element) -> X:
        self._profile_token(req)
        token = soap.required(req, TPTZ, "PresetToken")
        with self._lock:
            if self._presets.pop(token, None) is None:
                raise soap.invalid_arg(f"no preset {token}", "ter:NoToken")
            self._save_presets()
        return x("tptz:RemovePresetResponse")

    def _op_goto_home_position(self, req: ET.Element) -> X:
        self._profile_token(req)
        pts, zs = self._speeds(req, TPTZ)
        pan, tilt, zoom = self._home
        self._head.go_to(self._clock(), pan, tilt, zoom, pts, zs)
        return x("tptz:GotoHomePositionResponse")

    def _op_set_home_position(self, req: ET.Element) -> X:
        self._profile_token(req)
        s = self.state()
        with self._lock:
            self._home = (s.pan, s.tilt, s.zoom)
            self._save_presets()
        return x("tptz:SetHomePositionResponse")

    # -- presets on disk ---------------------------------------------------------------------------------
    def _load_presets(self) -> None:
        path = self._presets_path
        if path is None or not path.is_file():
            return
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self._presets = {
                str(p["token"]): _Preset(str(p["name"]), float(p["pan"]), float(p["tilt"]), float(p["zoom"]))
                for p in data.get("presets", [])
            }
            home = data.get("home")
            if home:
                self._home = (float(home[0]), float(home[1]), float(home[2]))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.warning(
                "demo PTZ camera %s: presets file %s unreadable (%s); starting without", self.name, path, exc
            )

    def _save_presets(self) -> None:
        path = self._presets_path
        if path is None:
            return
        data = {
            "presets": [{"token": t, **vars(p)} for t, p in self._presets.items()],
            "home": list(self._home),
        }
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("demo PTZ camera %s: cannot save presets to %s (%s)", self.name, path, exc)
            tmp.unlink(missing_ok=True)

    # -- the video's view --------------------------------------------------------------------------------
    def _view_loop(self) -> None:
        last: list[float] | None = None
        period = 1.0 / self._view_hz
        while not self._stopping.is_set():
            rect = self.view()
            current = rect.as_list()
            if current != last and self.on_view is not None:
                try:
                    self.on_view(rect)
                    last = current
                except Exception:  # a consumer's bug must not stop the camera
                    log.exception("demo PTZ camera %s: view consumer failed", self.name)
            self._stopping.wait(period)


def _snake(operation: str) -> str:
    """GetStreamUri -> get_stream_uri (the handler method of an operation)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower()


def _duration_s(text: str) -> float:
    """Seconds of an xs:duration as ONVIF uses it (PT1S, PT0.5S, PT1M30S, P0DT0H0M2S)."""
    m = _DURATION.match(text.strip())
    if not m or not any(m.groups()):
        raise soap.invalid_arg(f"bad duration {text!r}", "ter:InvalidTimeout")
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in m.groups())
    return days * 86400 + hours * 3600 + minutes * 60 + seconds
