"""A synchronous ONVIF client (device, media ver10, PTZ ver20) on zeep and onvif-zeep's WSDLs.

Written against the ONVIF Core, Media and PTZ service specifications, not against one camera:

* Service addresses come from ``GetServices`` (``GetCapabilities`` for older cameras); nothing but
  the device service URL is configured. A camera behind NAT advertises its private address: with
  ``rewrite_xaddrs`` the advertised host is replaced by the configured one.
* WS-UsernameToken (PasswordDigest, with the camera's clock offset from ``GetSystemDateAndTime``)
  and HTTP digest authentication; ``auto`` sends the token and answers a digest challenge.
* PTZ uses the generic spaces only (every PTZ node supports them), with explicit space URIs, and
  reads the node and configuration options for what the camera can do before asking it.
* Every call has a timeout; every failure becomes an :class:`OnvifError` whose message an
  operator understands and which never contains the password.

Blocking: call it from worker threads (:class:`app.adapters.onvif.service.OnvifService`), never
from the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import HTTPDigestAuth
from zeep import Client
from zeep import exceptions as zeep_exceptions
from zeep.wsse.username import UsernameToken

from app.adapters.onvif import ptz_math as pm
from app.adapters.onvif.errors import (
    OnvifAuthError,
    OnvifBadResponse,
    OnvifCameraFault,
    OnvifConfigError,
    OnvifError,
    OnvifNotSupported,
    OnvifTimeout,
    OnvifUnreachable,
    camera_words,
    scrub,
)
from app.adapters.onvif.types import (
    Capabilities,
    DeviceInfo,
    MediaProfile,
    PtzCapabilities,
    Range,
    ServiceAddresses,
)
from app.adapters.onvif.wsdl import (
    NS_DEVICE,
    NS_MEDIA,
    NS_PTZ,
    LocalOnlyTransport,
    MalformedAnswer,
    binding_name,
    document,
    zeep_settings,
)
from app.core import ptz_geometry as geo
from app.core.ptz_port import MoveState, Preset, PtzStatus, PtzVector
from camera_config.models import Camera, OnvifSource

log = logging.getLogger(__name__)

AuthMode = Literal["wsse", "digest", "auto"]
T = TypeVar("T")

# Fault subcodes (ONVIF Core "ter:" codes, WS-Security codes) and what they mean to an operator.
_AUTH_CODES = {
    "NotAuthorized",
    "FailedAuthentication",
    "InvalidSecurity",
    "InvalidSecurityToken",
    "FailedCheck",
}
# What "camera does not support ..." says when an operation is refused as unsupported.
_UNSUPPORTED_WORDS = {
    "ContinuousMove": "continuous moves",
    "RelativeMove": "relative moves",
    "AbsoluteMove": "absolute moves",
    "Stop": "stopping PTZ moves",
    "GetStatus": "PTZ status",
    "GetPresets": "presets",
    "SetPreset": "presets",
    "GotoPreset": "presets",
    "RemovePreset": "presets",
    "GotoHomePosition": "a home position",
    "SetHomePosition": "a home position",
    "GetProfiles": "media profiles",
    "GetStreamUri": "RTSP streaming for this profile",
    "GetDeviceInformation": "device information",
}
_UNSUPPORTED_CODES = {
    "ActionNotSupported",
    "PTZNotSupported",
    "NoPTZProfile",
    "SpaceNotSupported",
    "TimeoutNotSupported",
    "NoSuchService",
    "InvalidStreamSetup",
}


@dataclass(frozen=True)
class OnvifEndpoint:
    """How to reach one camera's ONVIF device service."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    auth: AuthMode = "auto"
    timeout_s: float = 3.0
    move_timeout_s: float = 1.0
    profile_token: str | None = None
    rewrite_xaddrs: bool = True
    label: str | None = None  # the camera as the operator knows it, for messages

    @classmethod
    def for_ptz(cls, camera: Camera) -> OnvifEndpoint:
        """The endpoint of ``camera.ptz``; OnvifConfigError when the camera has no PTZ settings."""
        if camera.ptz is None:
            raise OnvifConfigError(
                "camera has no PTZ control configured (`ptz:` in the site file)", camera=camera.id
            )
        user, password = _login(camera)
        return cls(
            url=camera.ptz.endpoint,
            username=user,
            password=password,
            auth=camera.ptz.auth,
            timeout_s=camera.ptz.timeout_s,
            move_timeout_s=camera.ptz.move_timeout_s,
            profile_token=camera.ptz.profile,
            rewrite_xaddrs=camera.ptz.rewrite_xaddrs,
            label=camera.id,
        )

    @classmethod
    def for_media(cls, camera: Camera, timeout_s: float = 3.0) -> OnvifEndpoint:
        """The endpoint of an ONVIF stream source; uses the PTZ settings' auth when they share it."""
        source = camera.source
        if not isinstance(source, OnvifSource):
            raise OnvifConfigError("camera's streams are not looked up over ONVIF", camera=camera.id)
        user, password = _login(camera)
        ptz = camera.ptz if camera.ptz is not None and camera.ptz.endpoint == source.endpoint else None
        return cls(
            url=source.endpoint,
            username=user,
            password=password,
            auth=ptz.auth if ptz else "auto",
            timeout_s=ptz.timeout_s if ptz else timeout_s,
            rewrite_xaddrs=ptz.rewrite_xaddrs if ptz else True,
            label=camera.id,
        )


def _login(camera: Camera) -> tuple[str | None, str | None]:
    creds = camera.credentials
    if creds is None:
        return None, None
    return creds.username, creds.password.get_secret_value() if creds.password else None


# -- addresses -----------------------------------------------------------------------------------
def _netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def rebase_xaddr(xaddr: str, endpoint: str) -> str:
    """``xaddr`` reached through the configured ``endpoint``'s scheme, host and port.

    A camera behind NAT or port forwarding advertises addresses on its own network (``http://
    192.168.1.64/onvif/PTZ``) that the client cannot reach; the path is right, the host is not.
    Addresses on the endpoint's host are kept as they are (a camera may use another port there).
    """
    x, e = urlsplit(xaddr), urlsplit(endpoint)
    if not x.hostname or not e.hostname or x.hostname.lower() == e.hostname.lower():
        return xaddr
    return urlunsplit((e.scheme, _netloc(e.hostname, e.port), x.path or "/", x.query, ""))


def rebase_stream_uri(uri: str, endpoint: str) -> str:
    """An RTSP URI whose host is not the endpoint's: the endpoint's host, the URI's own port."""
    u, e = urlsplit(uri), urlsplit(endpoint)
    if not u.hostname or not e.hostname or u.hostname.lower() == e.hostname.lower():
        return uri
    return urlunsplit((u.scheme, _netloc(e.hostname, u.port), u.path, u.query, u.fragment))


# -- authentication ------------------------------------------------------------------------------
_UsernameToken: Any = UsernameToken  # zeep is untyped
_Client: Any = Client


class _WsseToken:
    """WS-UsernameToken with PasswordDigest, timestamped on the camera's clock (a zeep wsse plugin).

    A fresh token per message (thread-safe, never reuses a nonce); ``offset`` is the camera's clock
    minus ours, so cameras that check the Created time accept us even when the clocks differ.
    """

    def __init__(self, username: str, password: str, offset: Callable[[], timedelta]) -> None:
        self.username, self._password, self._offset = username, password, offset

    def apply(self, envelope: Any, headers: Any) -> Any:
        created = datetime.now(UTC) + self._offset()
        token = _UsernameToken(
            self.username, self._password, use_digest=True, created=created, zulu_timestamp=True
        )
        return token.apply(envelope, headers)

    def verify(self, envelope: Any) -> Any:
        return envelope


# -- reading zeep objects --------------------------------------------------------------------------
def _get(obj: Any, *path: str) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


def _text(obj: Any, *path: str) -> str | None:
    value = _get(obj, *path)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        value = getattr(value, "_value_1", value)
    return str(value).strip()


def _float(obj: Any, *path: str) -> float | None:
    value = _get(obj, *path)
    return None if value is None else float(value)


def _seconds(value: Any) -> float | None:
    if isinstance(value, timedelta):
        return value.total_seconds()
    return None


def _range(obj: Any) -> Range | None:
    lo, hi = _float(obj, "Min"), _float(obj, "Max")
    return Range(lo, hi) if lo is not None and hi is not None else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _move_state(value: Any) -> MoveState:
    text = str(getattr(value, "_value_1", value) or "").strip().upper()
    return text if text in ("IDLE", "MOVING") else "UNKNOWN"  # type: ignore[return-value]


def _vector(obj: Any) -> PtzVector | None:
    if obj is None:
        return None
    return PtzVector(
        pan=_float(obj, "PanTilt", "x"), tilt=_float(obj, "PanTilt", "y"), zoom=_float(obj, "Zoom", "x")
    )


def choose_profiles(
    profiles: list[MediaProfile], main_token: str | None = None, sub_token: str | None = None
) -> tuple[MediaProfile, MediaProfile | None]:
    """(main, sub): the configured tokens, else main = highest resolution and sub = the lowest
    resolution at least 320 pixels wide other than main (None when there is none)."""
    by_token = {p.token: p for p in profiles}
    video = [p for p in profiles if p.has_video] or list(profiles)
    if not video:
        raise OnvifNotSupported("video streaming (it lists no media profiles)")
    for token in (main_token, sub_token):
        if token is not None and token not in by_token:
            known = ", ".join(by_token) or "none"
            raise OnvifConfigError(f"camera has no media profile {token!r} (it has: {known})")
    main = by_token[main_token] if main_token else max(video, key=lambda p: p.pixels)  # first of equals
    if sub_token:
        return main, by_token[sub_token]
    smaller = [p for p in video if p.token != main.token and (p.width or 0) >= 320 and p.pixels < main.pixels]
    return main, (min(smaller, key=lambda p: p.pixels) if smaller else None)


class OnvifClient:
    """One camera's ONVIF services. Thread-safe; calls block for at most ``timeout_s`` each."""

    def __init__(self, endpoint: OnvifEndpoint) -> None:
        self.endpoint = endpoint
        self._lock = threading.RLock()
        self._offset = timedelta(0)
        self._session = self._make_session()
        self._transport = LocalOnlyTransport(session=self._session, operation_timeout=endpoint.timeout_s)
        self._wsse = (
            _WsseToken(endpoint.username, endpoint.password or "", lambda: self._offset)
            if endpoint.username and endpoint.auth in ("wsse", "auto")
            else None
        )
        self._proxies: dict[str, Any] = {}
        self._services: ServiceAddresses | None = None
        self._profiles: list[MediaProfile] | None = None
        self._ptz: PtzCapabilities | None = None
        self._advertised_hosts: set[str] = set()  # the camera's own hosts when it sits behind NAT

    @property
    def label(self) -> str:
        return self.endpoint.label or (urlsplit(self.endpoint.url).hostname or self.endpoint.url)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> OnvifClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- device ---------------------------------------------------------------------------------
    def services(self) -> ServiceAddresses:
        """Service addresses (asked once, then cached): GetServices, else GetCapabilities."""
        with self._lock:
            if self._services is None:
                self._sync_clock()
                self._services = self._find_services()
            return self._services

    def device_info(self) -> DeviceInfo:
        r = self._call(NS_DEVICE, "GetDeviceInformation", "device information request")
        return DeviceInfo(
            manufacturer=_text(r, "Manufacturer") or "",
            model=_text(r, "Model") or "",
            firmware_version=_text(r, "FirmwareVersion") or "",
            serial_number=_text(r, "SerialNumber") or "",
            hardware_id=_text(r, "HardwareId") or "",
        )

    def scopes(self) -> list[str]:
        """The device's scope URIs (``onvif://www.onvif.org/name/...``, as WS-Discovery announces them)."""
        result = self._call(NS_DEVICE, "GetScopes", "scope request")
        return [item for s in _as_list(result) if (item := _text(s, "ScopeItem"))]

    def capabilities(self) -> Capabilities:
        services = self.services()
        streaming: Any = None
        try:
            caps = self._call(NS_DEVICE, "GetCapabilities", "capabilities request", Category=["All"])
            streaming = _get(caps, "Media", "StreamingCapabilities")
        except (OnvifCameraFault, OnvifNotSupported, OnvifBadResponse) as exc:
            log.info(
                "%s: GetCapabilities failed (%s); capabilities from GetServices only", self.label, exc.detail
            )

        def flag(name: str) -> bool | None:
            value = _get(streaming, name)
            return None if value is None else bool(value)

        return Capabilities(
            services=services,
            ptz=services.ptz is not None,
            rtp_rtsp_tcp=flag("RTP_RTSP_TCP"),
            rtp_tcp=flag("RTP_TCP"),
            rtp_multicast=flag("RTPMulticast"),
        )

    # -- media ----------------------------------------------------------------------------------
    def profiles(self, refresh: bool = False) -> list[MediaProfile]:
        with self._lock:
            if self._profiles is None or refresh:
                result = self._call(NS_MEDIA, "GetProfiles", "media profile request")
                self._profiles = [self._profile(p) for p in _as_list(result)]
            return list(self._profiles)

    def stream_uri(self, profile_token: str) -> str:
        """The RTSP URI of a profile (RTP unicast over RTSP, the Profile S streaming setup)."""
        setup = {"Stream": "RTP-Unicast", "Transport": {"Protocol": "RTSP"}}
        r = self._call(
            NS_MEDIA, "GetStreamUri", "stream address request", StreamSetup=setup, ProfileToken=profile_token
        )
        uri = _text(r, "Uri")
        if not uri or urlsplit(uri).scheme.lower() not in ("rtsp", "rtsps"):
            raise OnvifBadResponse(camera=self.label, detail=f"GetStreamUri gave {uri!r}, not an rtsp URI")
        host = (urlsplit(uri).hostname or "").lower()
        if host in self._advertised_hosts:
            # The camera's own (private) address, which the service addresses showed unreachable.
            uri = rebase_stream_uri(uri, self.endpoint.url)
            log.info("%s: stream URI host rewritten to the configured host (camera behind NAT?)", self.label)
        return uri

    def streams(
        self, main_profile: str | None = None, sub_profile: str | None = None
    ) -> tuple[str, str | None]:
        """(main URI, sub URI or None) for the configured or best-fitting profiles."""
        main, sub = choose_profiles(self.profiles(), main_profile, sub_profile)
        return self.stream_uri(main.token), self.stream_uri(sub.token) if sub else None

    # -- PTZ: what the camera can do -------------------------------------------------------------------
    def ptz_profile(self) -> MediaProfile:
        """The profile PTZ commands name: the configured token, else the first with a PTZ configuration."""
        profiles = self.profiles()
        wanted = self.endpoint.profile_token
        if wanted is not None:
            for p in profiles:
                if p.token == wanted:
                    return p
            raise OnvifConfigError(
                f"camera has no media profile {wanted!r} (it has: {', '.join(p.token for p in profiles)})",
                camera=self.label,
            )
        for p in profiles:
            if p.ptz_configuration is not None:
                return p
        raise OnvifNotSupported("PTZ control (no media profile has a PTZ configuration)", camera=self.label)

    def ptz_capabilities(self, refresh: bool = False) -> PtzCapabilities:
        with self._lock:
            if self._ptz is None or refresh:
                self._ptz = self._read_ptz_capabilities()
            return self._ptz

    # -- PTZ: moves -------------------------------------------------------------------------------
    def continuous_move(self, velocity: PtzVector, timeout_s: float | None = None) -> None:
        """Move at ``velocity`` (generic, -1..1) until Stop or the ONVIF Timeout (dead-man stop)."""
        caps = self.ptz_capabilities()
        self._require(velocity, caps.continuous_pan_tilt, caps.continuous_zoom, "continuous moves")
        timeout = self.endpoint.move_timeout_s if timeout_s is None else timeout_s
        if caps.timeout_range_s is not None:
            timeout = geo.clamp(timeout, caps.timeout_range_s.lo, caps.timeout_range_s.hi)
        speed = self._speed_vector(
            velocity, pm.PAN_TILT_VELOCITY_GENERIC, pm.ZOOM_VELOCITY_GENERIC, geo.velocity, geo.velocity
        )
        self._call(
            NS_PTZ,
            "ContinuousMove",
            "continuous move",
            ProfileToken=caps.profile_token,
            Velocity=speed,
            Timeout=timedelta(seconds=timeout),
        )

    def relative_move(self, translation: PtzVector, speed: float | None = None) -> None:
        """Move by ``translation`` (generic: -1..1 is the axis' full travel; + is right, up, tele)."""
        caps = self.ptz_capabilities()
        self._require(translation, caps.relative_pan_tilt, caps.relative_zoom, "relative moves")
        vector = self._speed_vector(
            translation,
            pm.PAN_TILT_TRANSLATION_GENERIC,
            pm.ZOOM_TRANSLATION_GENERIC,
            geo.velocity,
            geo.velocity,
        )
        self._call(
            NS_PTZ,
            "RelativeMove",
            "relative move",
            ProfileToken=caps.profile_token,
            Translation=vector,
            **self._speed_arg(speed),
        )

    def absolute_move(self, position: PtzVector, speed: float | None = None) -> None:
        """Move to ``position`` (generic: pan/tilt -1..1, zoom 0..1); a missing pan or tilt is kept."""
        caps = self.ptz_capabilities()
        self._require(position, caps.absolute_pan_tilt, caps.absolute_zoom, "absolute moves")
        if position.pan_tilt and (position.pan is None or position.tilt is None):
            now = self.status().position or PtzVector()
            position = PtzVector(
                pan=position.pan if position.pan is not None else now.pan or 0.0,
                tilt=position.tilt if position.tilt is not None else now.tilt or 0.0,
                zoom=position.zoom,
            )
        vector: dict[str, Any] = {}
        if position.pan is not None and position.tilt is not None:
            pan = geo.clamp(position.pan, *self._limits(caps.pan_limits, -1.0, 1.0))
            tilt = geo.clamp(position.tilt, *self._limits(caps.tilt_limits, -1.0, 1.0))
            vector["PanTilt"] = {"x": pan, "y": tilt, "space": pm.PAN_TILT_POSITION_GENERIC}
        if position.zoom is not None:
            zoom = geo.clamp(position.zoom, *self._limits(caps.zoom_limits, 0.0, 1.0))
            vector["Zoom"] = {"x": zoom, "space": pm.ZOOM_POSITION_GENERIC}
        self._call(
            NS_PTZ,
            "AbsoluteMove",
            "absolute move",
            ProfileToken=caps.profile_token,
            Position=vector,
            **self._speed_arg(speed),
        )

    def stop(self, pan_tilt: bool = True, zoom: bool = True) -> None:
        token = self.ptz_capabilities().profile_token
        self._call(NS_PTZ, "Stop", "stop command", ProfileToken=token, PanTilt=pan_tilt, Zoom=zoom)

    def status(self) -> PtzStatus:
        token = self.ptz_capabilities().profile_token
        r = self._call(NS_PTZ, "GetStatus", "PTZ status request", ProfileToken=token)
        utc = _get(r, "UtcTime")
        return PtzStatus(
            position=_vector(_get(r, "Position")),
            pan_tilt=_move_state(_get(r, "MoveStatus", "PanTilt")),
            zoom=_move_state(_get(r, "MoveStatus", "Zoom")),
            error=camera_words(_text(r, "Error")) or None,
            utc_time=utc if isinstance(utc, datetime) else None,
        )

    # -- PTZ: presets and home ----------------------------------------------------------------------
    def presets(self) -> list[Preset]:
        token = self.ptz_capabilities().profile_token
        result = self._call(NS_PTZ, "GetPresets", "preset list request", ProfileToken=token)
        presets = []
        for p in _as_list(result):
            preset_token = _text(p, "token")
            if preset_token:
                presets.append(Preset(preset_token, _text(p, "Name") or "", _vector(_get(p, "PTZPosition"))))
        return presets

    def set_preset(self, name: str | None = None, token: str | None = None) -> str:
        """Store the current position as a new preset (``token`` None) or over ``token``; its token."""
        args: dict[str, Any] = {"ProfileToken": self.ptz_capabilities().profile_token}
        if name is not None:
            args["PresetName"] = name
        if token is not None:
            args["PresetToken"] = token
        r = self._call(NS_PTZ, "SetPreset", "preset save", **args)
        new_token = r if isinstance(r, str) else _text(r, "PresetToken")
        if not new_token:
            raise OnvifBadResponse(camera=self.label, detail="SetPreset answered without a PresetToken")
        return new_token

    def goto_preset(self, token: str, speed: float | None = None) -> None:
        profile = self.ptz_capabilities().profile_token
        self._call(
            NS_PTZ,
            "GotoPreset",
            "go-to-preset command",
            ProfileToken=profile,
            PresetToken=token,
            **self._speed_arg(speed),
        )

    def remove_preset(self, token: str) -> None:
        profile = self.ptz_capabilities().profile_token
        self._call(NS_PTZ, "RemovePreset", "preset removal", ProfileToken=profile, PresetToken=token)

    def find_preset(self, name_or_token: str) -> Preset:
        """A preset by token, else by name (names are what operators see; tokens are what cameras take)."""
        presets = self.presets()
        for p in presets:
            if p.token == name_or_token:
                return p
        for p in presets:
            if p.name == name_or_token:
                return p
        raise OnvifCameraFault(f"camera has no preset {name_or_token!r}", camera=self.label)

    def goto_home(self, speed: float | None = None) -> None:
        caps = self.ptz_capabilities()
        if not caps.home_supported:
            raise OnvifNotSupported("a home position", camera=self.label)
        self._call(
            NS_PTZ,
            "GotoHomePosition",
            "go-home command",
            ProfileToken=caps.profile_token,
            **self._speed_arg(speed),
        )

    def set_home(self) -> None:
        caps = self.ptz_capabilities()
        if not caps.home_supported:
            raise OnvifNotSupported("a home position", camera=self.label)
        self._call(NS_PTZ, "SetHomePosition", "set-home command", ProfileToken=caps.profile_token)

    # -- internals: setting up ------------------------------------------------------------------------
    def _make_session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies or .netrc credentials from the environment
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=4, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        e = self.endpoint
        if e.username and e.auth in ("digest", "auto"):
            # requests answers a 401 digest challenge and then reuses the nonce; cameras that accept
            # the WS-UsernameToken never challenge, so "auto" costs nothing there.
            session.auth = HTTPDigestAuth(e.username, e.password or "")
        session.headers["User-Agent"] = "CityWall-ONVIF/1"
        return session

    def _sync_clock(self) -> None:
        """The camera's clock offset for WS-UsernameToken (GetSystemDateAndTime needs no login)."""
        if self._wsse is None:
            return
        try:
            r = self._call(NS_DEVICE, "GetSystemDateAndTime", "clock request", _setup=True)
        except (OnvifTimeout, OnvifUnreachable):
            raise
        except OnvifError as exc:
            log.info(
                "%s: no camera time (%s); WS-UsernameToken uses our clock", self.label, exc.detail or exc
            )
            return
        utc = _get(r, "UTCDateTime")
        try:
            cam = datetime(
                int(_get(utc, "Date", "Year")),
                int(_get(utc, "Date", "Month")),
                int(_get(utc, "Date", "Day")),
                int(_get(utc, "Time", "Hour")),
                int(_get(utc, "Time", "Minute")),
                int(_get(utc, "Time", "Second")),
                tzinfo=UTC,
            )
        except (TypeError, ValueError):
            return
        offset = cam - datetime.now(UTC)
        self._offset = offset if abs(offset) > timedelta(seconds=2) else timedelta(0)
        if self._offset:
            log.info(
                "%s: camera clock differs by %.0f s; tokens use the camera's time",
                self.label,
                offset.total_seconds(),
            )

    def _find_services(self) -> ServiceAddresses:
        url = self.endpoint.url
        found: dict[str, str] = {}
        source: Literal["GetServices", "GetCapabilities"] = "GetServices"
        try:
            result = self._call(
                NS_DEVICE, "GetServices", "service list request", IncludeCapability=False, _setup=True
            )
            for s in _as_list(result):
                ns, xaddr = _text(s, "Namespace"), _text(s, "XAddr")
                if ns and xaddr:
                    found[ns] = xaddr
        except (OnvifCameraFault, OnvifNotSupported, OnvifBadResponse) as exc:
            log.info("%s: GetServices failed (%s); trying GetCapabilities", self.label, exc.detail or exc)
        if not found:
            source = "GetCapabilities"
            caps = self._call(
                NS_DEVICE, "GetCapabilities", "capabilities request", Category=["All"], _setup=True
            )
            for ns, name in ((NS_DEVICE, "Device"), (NS_MEDIA, "Media"), (NS_PTZ, "PTZ")):
                xaddr = _text(caps, name, "XAddr")
                if xaddr:
                    found[ns] = xaddr
        if self.endpoint.rewrite_xaddrs:
            rebased = {ns: rebase_xaddr(x, url) for ns, x in found.items()}
            if rebased != found:
                log.info(
                    "%s: service addresses name another host; using %s (camera behind NAT?)", self.label, url
                )
                self._advertised_hosts = {
                    (urlsplit(x).hostname or "").lower() for ns, x in found.items() if rebased[ns] != x
                }
            found = rebased
        return ServiceAddresses(
            device=url, media=found.get(NS_MEDIA), ptz=found.get(NS_PTZ), by_namespace=found, source=source
        )

    def _proxy(self, namespace: str, setup: bool = False) -> Any:
        with self._lock:
            proxy = self._proxies.get(namespace)
            if proxy is not None:
                return proxy
            address: str | None = None
            if namespace == NS_DEVICE:
                address = self.endpoint.url  # the only configured address: it must work as given
            else:
                services = self.services() if not setup else self._services
                address = (services.by_namespace if services else {}).get(namespace)
                if not address:
                    what = {
                        NS_MEDIA: "media streaming (no media service)",
                        NS_PTZ: "PTZ control (no PTZ service)",
                    }
                    raise OnvifNotSupported(what.get(namespace, namespace), camera=self.label)
            client = _Client(
                document(namespace), wsse=self._wsse, transport=self._transport, settings=zeep_settings()
            )
            proxy = client.create_service(binding_name(namespace), address)
            self._proxies[namespace] = proxy
            return proxy

    def _read_ptz_capabilities(self) -> PtzCapabilities:
        profile = self.ptz_profile()
        config_token = profile.ptz_configuration
        base = PtzCapabilities(profile_token=profile.token, configuration_token=config_token, node_token=None)
        try:
            configs = _as_list(self._call(NS_PTZ, "GetConfigurations", "PTZ configuration request"))
            config = next(
                (c for c in configs if _text(c, "token") == config_token), configs[0] if configs else None
            )
            node_token = _text(config, "NodeToken")
            config_token = _text(config, "token") or config_token
            nodes = _as_list(self._call(NS_PTZ, "GetNodes", "PTZ node request"))
            node = next((n for n in nodes if _text(n, "token") == node_token), nodes[0] if nodes else None)
            options = (
                self._call(
                    NS_PTZ, "GetConfigurationOptions", "PTZ options request", ConfigurationToken=config_token
                )
                if config_token
                else None
            )
        except (OnvifCameraFault, OnvifNotSupported, OnvifBadResponse) as exc:
            log.info(
                "%s: PTZ node not described (%s); assuming every move is supported",
                self.label,
                exc.detail or exc,
            )
            return PtzCapabilities(profile.token, config_token, None, known=False)
        spaces = _get(node, "SupportedPTZSpaces")
        if spaces is None:
            spaces = _get(options, "Spaces")

        def has(name: str) -> bool:
            return spaces is None or bool(_as_list(_get(spaces, name)))

        pan_limits = tilt_limits = zoom_limits = None
        pt_range = _get(config, "PanTiltLimits", "Range")
        if _text(pt_range, "URI") == pm.PAN_TILT_POSITION_GENERIC:
            pan_limits, tilt_limits = _range(_get(pt_range, "XRange")), _range(_get(pt_range, "YRange"))
        z_range = _get(config, "ZoomLimits", "Range")
        if _text(z_range, "URI") == pm.ZOOM_POSITION_GENERIC:
            zoom_limits = _range(_get(z_range, "XRange"))
        timeout_range = None
        lo, hi = _seconds(_get(options, "PTZTimeout", "Min")), _seconds(_get(options, "PTZTimeout", "Max"))
        if lo is not None and hi is not None and 0 <= lo <= hi:
            timeout_range = Range(lo, hi)
        max_presets = _get(node, "MaximumNumberOfPresets")
        home = _get(node, "HomeSupported")
        return PtzCapabilities(
            profile_token=base.profile_token,
            configuration_token=config_token,
            node_token=_text(node, "token"),
            absolute_pan_tilt=has("AbsolutePanTiltPositionSpace"),
            absolute_zoom=has("AbsoluteZoomPositionSpace"),
            relative_pan_tilt=has("RelativePanTiltTranslationSpace"),
            relative_zoom=has("RelativeZoomTranslationSpace"),
            continuous_pan_tilt=has("ContinuousPanTiltVelocitySpace"),
            continuous_zoom=has("ContinuousZoomVelocitySpace"),
            home_supported=True if home is None else bool(home),
            max_presets=None if max_presets is None else int(max_presets),
            timeout_range_s=timeout_range,
            pan_limits=pan_limits,
            tilt_limits=tilt_limits,
            zoom_limits=zoom_limits,
            known=node is not None,
        )

    def _profile(self, p: Any) -> MediaProfile:
        vec = _get(p, "VideoEncoderConfiguration")
        token = _text(p, "token")
        if not token:
            raise OnvifBadResponse(camera=self.label, detail="a media profile without a token")
        width, height = _get(vec, "Resolution", "Width"), _get(vec, "Resolution", "Height")
        fps = _get(vec, "RateControl", "FrameRateLimit")
        return MediaProfile(
            token=token,
            name=_text(p, "Name") or token,
            encoding=_text(vec, "Encoding"),
            width=None if width is None else int(width),
            height=None if height is None else int(height),
            fps=None if fps is None else float(fps),
            ptz_configuration=_text(p, "PTZConfiguration", "token"),
            fixed=bool(_get(p, "fixed")),
        )

    # -- internals: commands ----------------------------------------------------------------------------
    def _require(self, v: PtzVector, pan_tilt_ok: bool, zoom_ok: bool, what: str) -> None:
        if (v.pan_tilt and not pan_tilt_ok) or (v.zoom is not None and not zoom_ok):
            raise OnvifNotSupported(what, camera=self.label)
        if not v.pan_tilt and v.zoom is None:
            raise ValueError(f"{what}: no axis given")

    @staticmethod
    def _limits(r: Range | None, lo: float, hi: float) -> tuple[float, float]:
        return (max(lo, r.lo), min(hi, r.hi)) if r is not None and r.lo <= r.hi else (lo, hi)

    @staticmethod
    def _speed_vector(
        v: PtzVector, pt_space: str, z_space: str, pt: Callable[[float], float], z: Callable[[float], float]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if v.pan_tilt:
            out["PanTilt"] = {"x": pt(v.pan or 0.0), "y": pt(v.tilt or 0.0), "space": pt_space}
        if v.zoom is not None:
            out["Zoom"] = {"x": z(v.zoom), "space": z_space}
        return out

    @staticmethod
    def _speed_arg(speed: float | None) -> dict[str, Any]:
        if speed is None:
            return {}  # the configuration's DefaultPTZSpeed
        s = geo.speed(speed)
        return {
            "Speed": {
                "PanTilt": {"x": s, "y": s, "space": pm.PAN_TILT_SPEED_GENERIC},
                "Zoom": {"x": s, "space": pm.ZOOM_SPEED_GENERIC},
            }
        }

    def _call(self, namespace: str, operation: str, what: str, _setup: bool = False, **kwargs: Any) -> Any:
        """One SOAP call; every failure comes out as an OnvifError naming the camera."""
        secrets = (self.endpoint.password,)
        try:
            if not _setup:
                self.services()  # once: the camera's clock and service addresses come first
            proxy = self._proxy(namespace, setup=_setup)
            log.debug("%s: %s", self.label, operation)
            return getattr(proxy, operation)(**kwargs)
        except OnvifError as exc:
            raise exc.for_camera(self.label) from None
        except requests.Timeout as exc:
            raise OnvifTimeout(
                self.endpoint.timeout_s, camera=self.label, detail=scrub(f"{operation}: {exc}", secrets)
            ) from None
        except requests.ConnectionError as exc:
            raise self._unreachable(operation, exc) from None
        except MalformedAnswer as exc:
            raise self._malformed(exc, operation, what) from None
        except zeep_exceptions.Fault as exc:
            raise self._fault(exc, operation, what) from None
        except zeep_exceptions.TransportError as exc:
            raise self._transport_error(exc, operation, what) from None
        except (
            zeep_exceptions.Error,
            SyntaxError,  # lxml's XMLSyntaxError
            ValueError,
            TypeError,
            AttributeError,
            KeyError,
            IndexError,
        ) as exc:
            detail = scrub(f"{operation}: {type(exc).__name__}: {exc}", secrets)[:500]
            log.info("%s: %s", self.label, detail)
            raise OnvifBadResponse(camera=self.label, detail=detail) from None

    def _unreachable(self, operation: str, exc: requests.ConnectionError) -> OnvifError:
        parts = urlsplit(self.endpoint.url)
        where = _netloc(parts.hostname or "?", parts.port)
        text = str(exc).lower()
        if "refused" in text:
            reason = "connection refused: is the address and port right, and the camera on?"
        elif "name or service" in text or "resolve" in text or "nodename" in text:
            reason = "unknown host name"
        elif "unreachable" in text or "no route" in text:
            reason = "network unreachable"
        elif "reset" in text or "aborted" in text or "remotedisconnected" in text:
            reason = "the camera closed the connection"
        else:
            reason = "no connection"
        return OnvifUnreachable(
            where, reason, camera=self.label, detail=scrub(f"{operation}: {exc}", (self.endpoint.password,))
        )

    def _fault(self, exc: Any, operation: str, what: str) -> OnvifError:
        codes = {getattr(q, "localname", str(q)).split(":")[-1] for q in (exc.subcodes or [])}
        code = str(exc.code or "").split(":")[-1]
        reason = camera_words(scrub(str(exc.message or ""), (self.endpoint.password,)))
        detail = f"{operation}: SOAP fault {code}/{'/'.join(sorted(codes))}: {reason}"
        if codes & _AUTH_CODES or "not authorized" in reason.lower():
            return OnvifAuthError(camera=self.label, detail=detail)
        if codes & _UNSUPPORTED_CODES:
            return OnvifNotSupported(
                _UNSUPPORTED_WORDS.get(operation, what), camera=self.label, detail=detail
            )
        if "NoHomePosition" in codes:
            return OnvifCameraFault("camera has no home position set", camera=self.label, detail=detail)
        if "TooManyPresets" in codes:
            return OnvifCameraFault("camera's preset memory is full", camera=self.label, detail=detail)
        if codes & {"NoToken", "NoEntity"}:
            return OnvifCameraFault(
                f"camera does not know that preset or profile ({reason})", camera=self.label, detail=detail
            )
        words = f": {reason}" if reason else ""
        return OnvifCameraFault(f"camera rejected the {what}{words}", camera=self.label, detail=detail)

    def _malformed(self, exc: MalformedAnswer, operation: str, what: str) -> OnvifError:
        status = exc.status_code
        detail = scrub(f"{operation}: {exc}", (self.endpoint.password,))[:500]
        if status in (401, 403):
            return OnvifAuthError(camera=self.label, detail=detail)
        if status >= 500:
            return OnvifCameraFault(
                f"camera reported an internal error (HTTP {status}) for the {what}",
                camera=self.label,
                detail=detail,
            )
        if status == 404:
            return OnvifNotSupported(
                f"this service at the configured address (HTTP 404 for the {what})",
                camera=self.label,
                detail=detail,
            )
        log.info("%s: %s", self.label, detail)
        return OnvifBadResponse(camera=self.label, detail=detail)

    def _transport_error(self, exc: Any, operation: str, what: str) -> OnvifError:
        status = int(getattr(exc, "status_code", 0) or 0)
        detail = scrub(f"{operation}: HTTP {status}: {str(exc)[:300]}", (self.endpoint.password,))
        if status in (401, 403):
            return OnvifAuthError(camera=self.label, detail=detail)
        if status == 404:
            return OnvifNotSupported(
                f"this service at the configured address (HTTP 404 for the {what})",
                camera=self.label,
                detail=detail,
            )
        if status >= 500:
            return OnvifCameraFault(
                f"camera reported an internal error (HTTP {status}) for the {what}",
                camera=self.label,
                detail=detail,
            )
        return OnvifBadResponse(camera=self.label, detail=detail)
