"""From a found device to a site camera: log in, read what a site camera needs, describe it.

:func:`inspect_device` reads the device information, the media profiles and, when the device has a
PTZ service, its PTZ node and configuration (GetConfigurations, GetNodes, GetConfigurationOptions)
and presets (GetPresets). :func:`camera_from_discovery` turns that into a :class:`Camera` whose
``ptz:`` block names the PTZ profile and lists the presets, so a PTZ camera gets its PTZ panel
without anyone writing the block by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.adapters.onvif.client import OnvifClient, OnvifEndpoint, choose_profiles
from app.adapters.onvif.discovery import DiscoveredDevice
from app.adapters.onvif.errors import OnvifAuthError, OnvifError, OnvifTimeout, OnvifUnreachable
from app.adapters.onvif.types import DeviceInfo, MediaProfile, PtzCapabilities
from app.core.ptz_port import Preset
from camera_config.models import Camera, Credentials, OnvifSource, PresetInfo, PtzSettings

log = logging.getLogger(__name__)

NAME_LIMIT = 64  # PresetInfo.name


@dataclass(frozen=True)
class DeviceDescription:
    """What the device said when its login was checked."""

    device: DiscoveredDevice
    info: DeviceInfo
    profiles: tuple[MediaProfile, ...]
    ptz: bool
    main_profile: str | None
    sub_profile: str | None
    ptz_capabilities: PtzCapabilities | None = None  # None: no PTZ (or it could not be read)
    presets: tuple[Preset, ...] = ()
    ptz_problem: str | None = None  # the device has PTZ, but reading its presets failed (English)

    @property
    def ptz_profile(self) -> str | None:
        """The profile PTZ commands name: the main profile when it has PTZ, else the device's choice."""
        for p in self.profiles:
            if p.token == self.main_profile and p.ptz_configuration:
                return p.token
        return self.ptz_capabilities.profile_token if self.ptz_capabilities is not None else None


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
        caps, presets, problem = _read_ptz(client) if has_ptz else (None, (), None)
    finally:
        client.close()
    return DeviceDescription(
        device,
        info,
        tuple(profiles),
        has_ptz,
        main.token,
        sub.token if sub else None,
        ptz_capabilities=caps,
        presets=presets,
        ptz_problem=problem,
    )


def _read_ptz(client: OnvifClient) -> tuple[PtzCapabilities | None, tuple[Preset, ...], str | None]:
    """The PTZ node and presets; a camera that fails only these is still added (with PTZ)."""
    try:
        caps = client.ptz_capabilities()
        presets = tuple(client.presets())
    except (OnvifAuthError, OnvifTimeout, OnvifUnreachable):
        raise  # the login or the connection failed: the whole check failed
    except OnvifError as exc:
        log.info("%s: PTZ presets not read (%s)", client.label, exc.detail or exc)
        return None, (), exc.message
    return caps, presets, None


def preset_infos(presets: tuple[Preset, ...]) -> tuple[PresetInfo, ...]:
    """Presets as the site file records them (token and name; names cut to the model's limit)."""
    seen: set[str] = set()
    out = []
    for p in presets:
        if p.token in seen or len(p.token) > 64:
            continue  # a camera listing a token twice, or one no site file can hold
        seen.add(p.token)
        out.append(PresetInfo(token=p.token, name=" ".join(p.name.split())[:NAME_LIMIT]))
    return tuple(out)


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
    ptz = None
    if description.ptz:
        ptz = PtzSettings(
            endpoint=url, profile=description.ptz_profile, presets=preset_infos(description.presets)
        )
    return Camera(
        id=camera_id,
        name=name or description.device.name or description.info.model or camera_id,
        group=group,
        source=OnvifSource(
            endpoint=url, main_profile=description.main_profile, sub_profile=description.sub_profile
        ),
        credentials=credentials,
        ptz=ptz,
    )
