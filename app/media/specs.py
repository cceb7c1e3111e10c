"""Turn site configuration into the CameraSpecs decoder workers need."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlsplit, urlunsplit

from app.core.stream_failure import StreamSetupError
from app.core.stream_health import HealthPolicy
from app.media.protocol import CameraSpec, SecretUrl
from camera_config.models import Camera, FileSource, IngestSettings, OnvifSource, RtspSource, SiteConfig

# Given an ONVIF camera, return its (main, sub) RTSP URIs; supplied by the ONVIF adapter.
OnvifResolver = Callable[[Camera], tuple[str, str | None]]


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    """RTSP URL with percent-encoded credentials, the way FFmpeg expects them."""
    if not username:
        return url
    parts = urlsplit(url)
    userinfo = quote(username, safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    netloc = f"{userinfo}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def policy_from(settings: IngestSettings) -> HealthPolicy:
    return HealthPolicy(
        stall_after_s=settings.stall_after_s,
        backoff_initial_s=settings.backoff_initial_s,
        backoff_max_s=settings.backoff_max_s,
        backoff_jitter=settings.backoff_jitter,
        offline_after_s=settings.offline_after_s,
        picture_timeout_s=settings.picture_timeout_s,
        stable_after_s=settings.stable_after_s,
    )


def camera_spec(
    camera: Camera, settings: IngestSettings, resolve_onvif: OnvifResolver | None = None
) -> CameraSpec:
    source = camera.source
    creds = camera.credentials
    username = creds.username if creds else None
    password = creds.password.get_secret_value() if creds and creds.password else None

    def spec(sub: SecretUrl, main: SecretUrl | None, is_file: bool = False) -> CameraSpec:
        return CameraSpec(
            camera.id,
            sub,
            main,
            is_file=is_file,
            transport=camera.transport or settings.transport,
            connect_timeout_s=settings.connect_timeout_s,
            read_timeout_s=settings.read_timeout_s,
            policy=policy_from(settings),
            secrets=(password,) if password else (),
        )

    if isinstance(source, FileSource):
        return spec(SecretUrl(str(source.path)), None, is_file=True)
    if isinstance(source, RtspSource):
        main, sub = source.main, source.sub
    elif isinstance(source, OnvifSource):
        if resolve_onvif is None:
            raise StreamSetupError(f"camera {camera.id}: ONVIF stream lookup is not available")
        main, sub = resolve_onvif(camera)
    else:  # pragma: no cover - exhaustive
        raise StreamSetupError(f"camera {camera.id}: unknown source")
    main_url = SecretUrl(with_credentials(main, username, password))
    sub_url = SecretUrl(with_credentials(sub, username, password)) if sub else main_url
    return spec(sub_url, main_url if sub else None)


def site_specs(site: SiteConfig, resolve_onvif: OnvifResolver | None = None) -> list[CameraSpec]:
    """Specs of every enabled camera; one whose streams cannot be found gets its reason instead."""
    return [camera_spec_or_error(cam, site.ingest, resolve_onvif) for cam in site.cameras if cam.enabled]


def camera_spec_or_error(
    camera: Camera, settings: IngestSettings, resolve_onvif: OnvifResolver | None = None
) -> CameraSpec:
    try:
        return camera_spec(camera, settings, resolve_onvif)
    except (StreamSetupError, OSError) as exc:
        return CameraSpec(camera.id, SecretUrl(""), None, policy=policy_from(settings), setup_error=str(exc))
