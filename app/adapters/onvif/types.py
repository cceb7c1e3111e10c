"""Plain results of ONVIF calls: frozen dataclasses, no zeep objects leak out of the adapter.

The PTZ values the service uses (``PtzVector``, ``PtzStatus``, ``Preset``) are the port's, in
:mod:`app.core.ptz_port`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class DeviceInfo:
    manufacturer: str
    model: str
    firmware_version: str
    serial_number: str
    hardware_id: str


@dataclass(frozen=True)
class ServiceAddresses:
    """Where each ONVIF service of a device answers (after any NAT rewriting)."""

    device: str
    media: str | None = None
    ptz: str | None = None
    by_namespace: dict[str, str] = field(default_factory=dict)
    source: Literal["GetServices", "GetCapabilities"] = "GetServices"


@dataclass(frozen=True)
class Capabilities:
    services: ServiceAddresses
    ptz: bool
    rtp_rtsp_tcp: bool | None = None  # RTP over the RTSP connection (interleaved TCP)
    rtp_tcp: bool | None = None
    rtp_multicast: bool | None = None


@dataclass(frozen=True)
class MediaProfile:
    token: str
    name: str
    encoding: str | None = None  # H264, H265, JPEG, MPEG4
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    ptz_configuration: str | None = None  # token of the profile's PTZ configuration, if any
    fixed: bool = False

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    @property
    def has_video(self) -> bool:
        return self.encoding is not None or self.width is not None


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float


@dataclass(frozen=True)
class PtzCapabilities:
    """What the PTZ node and configuration allow, read from GetNode(s) and GetConfigurationOptions."""

    profile_token: str
    configuration_token: str | None
    node_token: str | None
    absolute_pan_tilt: bool = True
    absolute_zoom: bool = True
    relative_pan_tilt: bool = True
    relative_zoom: bool = True
    continuous_pan_tilt: bool = True
    continuous_zoom: bool = True
    home_supported: bool = True
    max_presets: int | None = None
    timeout_range_s: Range | None = None
    pan_limits: Range | None = None  # generic position space
    tilt_limits: Range | None = None
    zoom_limits: Range | None = None
    known: bool = True  # False when the camera did not describe its node (everything assumed)
