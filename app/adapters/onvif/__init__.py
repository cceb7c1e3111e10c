"""ONVIF cameras: device and media services, PTZ control, WS-Discovery (onvif-zeep's WSDLs on zeep).

* :class:`OnvifClient` — one camera, synchronous, every call bounded by a timeout;
* :class:`OnvifService` — every call as a ``Future`` (never block the GUI thread), ordered per
  camera, with the dead-man :class:`MoveHold` for continuous moves;
* :func:`resolve_streams` / :class:`OnvifStreamResolver` — ``app.media.specs.OnvifResolver``;
* :func:`discover` — WS-Discovery probe with progress; :func:`probe_addresses` — ONVIF devices
  at addresses given by hand (other subnets, VLANs); both report the answers they did not
  understand as :class:`DiscoveryProblem`;
* :func:`inspect_device` and :func:`camera_from_discovery` turn a found device into a site camera
  (with its PTZ block and presets).

Failures are :class:`OnvifError` subclasses whose ``str()`` an operator understands.
"""

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint, choose_profiles
from app.adapters.onvif.discovery import DiscoveredDevice, DiscoveryError, discover
from app.adapters.onvif.errors import (
    OnvifAuthError,
    OnvifBadResponse,
    OnvifCameraFault,
    OnvifConfigError,
    OnvifError,
    OnvifNotSupported,
    OnvifTimeout,
    OnvifUnreachable,
)
from app.adapters.onvif.onboarding import DeviceDescription, camera_from_discovery, inspect_device
from app.adapters.onvif.probe import probe_addresses
from app.adapters.onvif.problems import DiscoveryProblem, ProblemKind
from app.adapters.onvif.service import KEEP_ALIVE_INTERVAL_S, MoveHold, OnvifService
from app.adapters.onvif.streams import OnvifStreamResolver, resolve_streams
from app.adapters.onvif.types import (
    Capabilities,
    DeviceInfo,
    MediaProfile,
    PtzCapabilities,
)
from app.core.ptz_port import Preset, PtzStatus, PtzVector

__all__ = [
    "KEEP_ALIVE_INTERVAL_S",
    "Capabilities",
    "DeviceDescription",
    "DeviceInfo",
    "DiscoveredDevice",
    "DiscoveryError",
    "DiscoveryProblem",
    "MediaProfile",
    "MoveHold",
    "OnvifAuthError",
    "OnvifBadResponse",
    "OnvifCameraFault",
    "OnvifClient",
    "OnvifConfigError",
    "OnvifEndpoint",
    "OnvifError",
    "OnvifNotSupported",
    "OnvifService",
    "OnvifStreamResolver",
    "OnvifTimeout",
    "OnvifUnreachable",
    "Preset",
    "ProblemKind",
    "PtzCapabilities",
    "PtzStatus",
    "PtzVector",
    "camera_from_discovery",
    "choose_profiles",
    "discover",
    "inspect_device",
    "probe_addresses",
    "resolve_streams",
]
