"""Typed site configuration: immutable pydantic v2 models.

The YAML loader (``camera_config.loader``) turns a file into a :class:`SiteConfig` and turns
validation errors into messages with file, line and field path. Validators here do no I/O:
secrets are looked up in the ``env`` mapping passed as validation context.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from camera_config import model_base
from camera_config.case_settings import CaseSettings
from camera_config.model_base import (
    NAME_MAX,
    SITE_NAME_MAX,
    Model,
    check_url,
    clock_minutes,
    has_userinfo,
    password_from_env,
    unknown_message,
)
from camera_config.rules import RuleViolation, SiteRuleError
from camera_config.voice import SpeakerSpec, VoiceSettings
from camera_config.voice_refs import camera_facts, raw_camera_facts, voice_violations

# Defined with the base model; named here too, where the site's modules have always found them.
CAMERA_ID_PATTERN = model_base.CAMERA_ID_PATTERN
ENV_NAME_PATTERN = model_base.ENV_NAME_PATTERN
TIMEZONE_PATTERN = model_base.TIMEZONE_PATTERN

Tag = Annotated[str, Field(min_length=1, max_length=64)]


class Credentials(Model):
    """Login for a camera. The password itself lives in an environment variable."""

    username: str = Field(min_length=1, max_length=128)
    password_env: Annotated[str, Field(pattern=ENV_NAME_PATTERN, max_length=128)] | None = None
    _password: SecretStr | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _resolve_password(self, info: ValidationInfo) -> Credentials:
        password = password_from_env(
            self.password_env, info, "this camera's password (set it before starting CityWall, e.g. in "
            "the service's environment file)",
        )  # fmt: skip
        if password is not None:  # validated again without an environment: keep the one already read
            self._password = password
        return self

    @property
    def password(self) -> SecretStr | None:
        return self._password


class RtspSource(Model):
    """A camera reached by RTSP URLs (main stream for focus, sub stream for tiles)."""

    kind: Literal["rtsp"] = "rtsp"
    main: str
    sub: str | None = None
    transport: Literal["tcp", "udp"] | None = None

    @field_validator("main", "sub")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value, ("rtsp", "rtsps"))


class OnvifSource(Model):
    """A camera reached through its ONVIF device service; stream URIs are asked at run time."""

    kind: Literal["onvif"] = "onvif"
    endpoint: str = Field(description="device service URL, e.g. http://10.0.0.5/onvif/device_service")
    main_profile: str | None = Field(default=None, min_length=1, max_length=64)
    sub_profile: str | None = Field(default=None, min_length=1, max_length=64)
    transport: Literal["tcp", "udp"] | None = None

    @field_validator("endpoint")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value, ("http", "https"))


class FileSource(Model):
    """A recorded clip played in a loop at its own frame rate (demo, replay of evidence)."""

    kind: Literal["file"] = "file"
    path: Path
    loop: bool = True


StreamSource = Annotated[RtspSource | OnvifSource | FileSource, Field(discriminator="kind")]


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PatrolStep(Model):
    """One stop of a patrol: a preset (its token, or its name as the camera shows it) and how long
    the camera stays there, counted from when it has settled on the preset."""

    preset: str = Field(min_length=1, max_length=64)
    dwell_s: float = Field(ge=5, le=3600)


class PatrolWindow(Model):
    """When a patrol runs by itself: ``days`` (mon..sun), from ``start`` to ``end`` (local "HH:MM"
    in the site's timezone). An ``end`` earlier than ``start`` runs over midnight into the next day
    (``days: [fri], start: "22:00", end: "06:00"`` runs Friday 22:00 to Saturday 06:00): ``days``
    are the days the window starts. ``end: "24:00"`` runs to midnight; start and end may not be equal.

    Write times in quotes: unquoted, YAML reads 22:30 as the number 1350 (base 60).
    """

    days: tuple[Weekday, ...] = Field(default=WEEKDAYS, min_length=1, max_length=7)
    start: str
    end: str

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            value = [d.strip().lower() if isinstance(d, str) else d for d in value]
            repeated = sorted({d for d in value if isinstance(d, str) and value.count(d) > 1})
            if repeated:
                raise ValueError(f"each day once; repeated: {', '.join(repeated)}")
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _time_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            hours, minutes = divmod(value, 60)
            guess = f" (probably '{hours:02d}:{minutes:02d}')" if 0 <= value <= 1440 else ""
            raise ValueError(
                f"time must be text in quotes, e.g. '08:30'; got the number {value}: YAML reads an "
                f"unquoted HH:MM as a number{guess}"
            )
        return value

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        clock_minutes(value, end=False)
        return value

    @field_validator("end")
    @classmethod
    def _end(cls, value: str) -> str:
        clock_minutes(value, end=True)
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> PatrolWindow:
        if self.start_minute == self.end_minute:
            raise SiteRuleError(
                [
                    RuleViolation(
                        ("end",),
                        f"window ends when it starts ({self.start}); for a whole day write "
                        "start: '00:00', end: '24:00'",
                    )
                ]
            )
        return self

    @property
    def start_minute(self) -> int:
        """Minutes after midnight of ``start``."""
        return clock_minutes(self.start, end=False)

    @property
    def end_minute(self) -> int:
        """Minutes after midnight of ``end`` (1440 for 24:00)."""
        return clock_minutes(self.end, end=True)

    @property
    def overnight(self) -> bool:
        """The window ends on the day after it starts."""
        return self.end_minute < self.start_minute


class Patrol(Model):
    """A patrol (巡航): presets visited in order, round and round, each for its dwell time.

    Started and stopped by an operator, or by ``schedule`` (empty: only by hand). When an operator
    (or a verification, or a detection follow-up) takes the camera, the patrol pauses and resumes at
    the step it was on; after an operator, only once the camera has been left alone for
    ``resume_after_s``.
    """

    steps: tuple[PatrolStep, ...] = Field(min_length=1, max_length=64)
    schedule: tuple[PatrolWindow, ...] = Field(default=(), max_length=32)
    resume_after_s: float = Field(default=30.0, ge=0, le=3600)


class PtzOpticsSettings(Model):
    """How the camera's ONVIF positions map to the world: click-to-centre and drag-a-box-to-zoom
    aim with it. Defaults fit a typical 20x dome; take the real values from the camera's data sheet.
    """

    hfov_wide_deg: float = Field(
        default=60.0, gt=0, lt=180, description="horizontal field of view at the widest zoom, degrees"
    )
    zoom_max: float = Field(
        default=20.0, gt=1, le=100, description="optical zoom: magnification at the tele end"
    )
    pan_range_deg: tuple[float, float] = Field(
        default=(-180.0, 180.0), description="pan angles at ONVIF generic -1 and 1 (360 degrees: endless)"
    )
    tilt_range_deg: tuple[float, float] = Field(
        default=(-30.0, 90.0),
        description="tilt below the horizon at ONVIF generic -1 and 1 (90: straight down)",
    )
    aspect: float = Field(default=16 / 9, gt=0.5, lt=4, description="picture width / height")

    @model_validator(mode="after")
    def _ranges(self) -> PtzOpticsSettings:
        for name, (low, high) in (
            ("pan_range_deg", self.pan_range_deg),
            ("tilt_range_deg", self.tilt_range_deg),
        ):
            if not low < high:
                raise ValueError(f"{name}: the first angle must be below the second, got [{low}, {high}]")
        if self.pan_range_deg[1] - self.pan_range_deg[0] > 360:
            raise ValueError("pan_range_deg spans more than 360 degrees")
        return self


class PresetInfo(Model):
    """A preset the camera reported when it was added (GetPresets): its token and its name.

    A record for people editing the file (zones and patrol steps name presets); the camera itself
    stays the authority, so presets stored or removed later at the camera are still used.
    """

    token: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=64)


class PtzSettings(Model):
    """PTZ control of a camera over ONVIF; the camera's ``credentials`` log in.

    ``endpoint`` is the ONVIF device service (the PTZ and media services are found from it).
    ``profile`` names the media profile whose PTZ configuration is used (default: the first
    profile that has one). ``auth``: WS-UsernameToken (``wsse``), HTTP digest (``digest``) or
    ``auto`` (WS-UsernameToken, and HTTP digest when the camera asks for it). ``patrol``: the
    camera's patrol (巡航), if it has one. ``lock_minutes_default``: how long an operator's lock
    lasts unless they choose otherwise. ``presets``: what the camera had when it was added.
    """

    kind: Literal["onvif"] = "onvif"
    endpoint: str = Field(description="device service URL, e.g. http://10.0.0.5/onvif/device_service")
    profile: str | None = Field(default=None, min_length=1, max_length=64)
    auth: Literal["wsse", "digest", "auto"] = "auto"
    timeout_s: float = Field(default=3.0, gt=0, le=60, description="answer timeout of every call")
    move_timeout_s: float = Field(
        default=1.0, gt=0, le=10, description="ONVIF Timeout sent with continuous moves (dead-man stop)"
    )
    rewrite_xaddrs: bool = Field(
        default=True,
        description="reach the camera's services at the endpoint's host when it advertises another "
        "(a camera behind NAT or port forwarding)",
    )
    patrol: Patrol | None = None
    lock_minutes_default: int = Field(
        default=10, ge=1, le=720, description="how long an operator's lock of the camera lasts by default"
    )
    optics: PtzOpticsSettings = Field(default_factory=PtzOpticsSettings)
    presets: tuple[PresetInfo, ...] = Field(default=(), max_length=1024)

    @field_validator("endpoint")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value, ("http", "https"))


class Location(Model):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"


class Group(Model):
    id: Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]
    name: str = Field(min_length=1, max_length=NAME_MAX)
    parent: str | None = None


Point = tuple[Annotated[float, Field(ge=0, le=1)], Annotated[float, Field(ge=0, le=1)]]


class ZoneSpec(Model):
    """A shape drawn on one view of a camera, in picture fractions (0..1) so it survives resolution.

    ``no_vending``: a polygon where stalls, carts and goods must not stay (占道经营).
    ``bin``: a litter bin's body as a polygon (its bounding box is used) and ``overflow_line``, the
    picture height (0..1) of a line a little above the rim. ``mask``: an area never analysed (a
    burned-in clock, OSD text, a flag that always moves). On a PTZ camera every shape belongs to a
    ``preset`` (a zone drawn at preset 1 is wrong at preset 2); on a fixed camera ``preset`` is empty.
    """

    id: Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]
    name: str = Field(default="", max_length=NAME_MAX)
    kind: Literal["no_vending", "bin", "mask"] = "no_vending"
    preset: str | None = None
    polygon: tuple[Point, ...] = Field(min_length=3, max_length=64)
    overflow_line: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _bin_needs_a_line(self) -> ZoneSpec:
        if self.kind == "bin":
            if self.overflow_line is None:
                raise ValueError("a bin needs overflow_line: the height (0..1) of a line just above the rim")
            top = min(y for _, y in self.polygon)
            bottom = max(y for _, y in self.polygon)
            if not top - 0.5 * (bottom - top) <= self.overflow_line <= bottom:
                raise ValueError("overflow_line must cross the bin (between a little above it and its foot)")
        elif self.overflow_line is not None:
            raise ValueError("overflow_line belongs to bins only (kind: bin)")
        return self


class CameraDetection(Model):
    """What is watched on one camera; rule settings come from the site's ``detection`` section."""

    enabled: bool = True
    zones: tuple[ZoneSpec, ...] = ()

    @model_validator(mode="after")
    def _unique_zone_ids(self) -> CameraDetection:
        seen = Counter(z.id for z in self.zones)
        repeated = sorted(zone_id for zone_id, n in seen.items() if n > 1)
        if repeated:
            raise ValueError(f"zone ids must be unique on a camera: {', '.join(repeated)}")
        return self


class DetectionSettings(Model):
    """Site-wide detection: which detectors run and the rules' parameters.

    ``detectors`` maps a plugin name to its options and ``rules`` holds the vending/bin rule
    parameters; both are validated by the detector plugins themselves at start-up (this package
    does not import them), with errors that name the setting.
    """

    enabled: bool = True
    revisit_s: float = Field(default=10.0, ge=1, le=600)  # check each watched camera this often
    warmup_s: float = Field(default=8.0, ge=0, le=300)  # wait this long after a PTZ camera settles
    detectors: dict[str, dict[str, Any]] = Field(default_factory=lambda: {"stationary": dict[str, Any]()})
    rules: dict[str, dict[str, Any]] = Field(default_factory=dict)
    class_events: dict[str, str] = Field(
        default_factory=dict, description="model class name → event code (e.g. stall: '0501')"
    )
    evidence_dir: Path | None = None  # where alert pictures are kept; default: the user's data folder
    # What detection had learnt is resumed after a restart of the app unless older than this
    # (counting the time the app was down): the street may have changed a lot since.
    resume_max_age_s: float = Field(default=600.0, ge=0, le=86400)


class Camera(Model):
    id: Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]
    name: str = Field(min_length=1, max_length=NAME_MAX)
    group: str | None = None
    grid_code: Annotated[str, Field(pattern=r"^\d+$")] | None = None
    location: Location | None = None
    source: StreamSource
    credentials: Credentials | None = None
    ptz: PtzSettings | None = None
    detection: CameraDetection | None = None
    enabled: bool = True
    tags: tuple[Tag, ...] = Field(default=(), max_length=32)

    @property
    def transport(self) -> Literal["tcp", "udp"] | None:
        return None if isinstance(self.source, FileSource) else self.source.transport


class IngestSettings(Model):
    """How streams are pulled. Defaults suit 100+ cameras on a 2-core workstation."""

    workers: int | Literal["auto"] = "auto"
    cameras_per_worker: int = Field(
        default=25,
        ge=1,
        le=200,
        description="cameras a decoder worker takes; 'auto' workers never outnumber the machine's cores",
    )
    transport: Literal["tcp", "udp"] = "tcp"
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=5.0, gt=0, le=120)
    stall_after_s: float = Field(default=2.0, gt=0, le=60)
    backoff_initial_s: float = Field(default=0.5, gt=0, le=60)
    backoff_max_s: float = Field(default=5.0, gt=0, le=600)
    backoff_jitter: float = Field(default=0.2, ge=0, le=1)
    offline_after_s: float = Field(default=20.0, gt=0, le=3600)
    picture_timeout_s: float = Field(default=10.0, gt=0, le=600)
    stable_after_s: float = Field(default=10.0, gt=0, le=3600)
    tile_capacity: tuple[int, int] = (1280, 720)
    focus_capacity: tuple[int, int] = (1920, 1080)
    focus_slots: int = Field(default=4, ge=1, le=16)

    @field_validator("workers")
    @classmethod
    def _workers(cls, value: int | str) -> int | str:
        if isinstance(value, int) and not 1 <= value <= 64:
            raise ValueError("workers must be between 1 and 64, or 'auto'")
        return value

    @field_validator("tile_capacity", "focus_capacity")
    @classmethod
    def _size(cls, value: tuple[int, int]) -> tuple[int, int]:
        width, height = value
        if not (16 <= width <= 7680 and 16 <= height <= 4320):
            raise ValueError("size must be [width, height] between 16x16 and 7680x4320")
        return value


class SiteInfo(Model):
    name: str = Field(min_length=1)
    # Wall views every operator of the site sees (JSON, written by CityWall); relative to the site file.
    shared_views: Path | None = None
    grid_code_digits: int | None = Field(default=15, ge=4, le=32)
    # An IANA time zone name (patrol schedules, evidence folders); the loader checks it is known.
    timezone: Annotated[str, Field(pattern=TIMEZONE_PATTERN, max_length=64)] = "Asia/Shanghai"

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > SITE_NAME_MAX:
            raise ValueError(
                f"the site name has {len(value)} characters; keep it to {SITE_NAME_MAX} (it is shown in "
                "the title bar and on snapshots, and names the site's data folder)"
            )
        return value


DATABASE_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


class DatabaseSettings(Model):
    """A PostgreSQL server for the alerts of a room of workstations (without this section each
    workstation keeps them in an SQLite file in the site's data folder). The password is never in
    the URL or the file: ``password_env`` names the environment variable that holds it (or libpq's
    PGPASSWORD / ~/.pgpass supplies it)."""

    url: str = Field(description="postgresql://user@host:5432/citywall")
    password_env: Annotated[str, Field(pattern=ENV_NAME_PATTERN, max_length=128)] | None = None
    _password: SecretStr | None = PrivateAttr(default=None)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme.lower() not in DATABASE_SCHEMES:
            raise ValueError(
                f"must be a PostgreSQL URL (postgresql://user@host:5432/citywall), got scheme "
                f"{parts.scheme or 'none'!r}; without a database section alerts are kept in SQLite"
            )
        if parts.password or (has_userinfo(value) and ":" in value.partition("://")[2].rpartition("@")[0]):
            raise ValueError(
                "the URL must not carry a password; name the environment variable that holds it "
                "in `password_env` (or use PGPASSWORD / ~/.pgpass)"
            )
        if not parts.hostname:
            raise ValueError("URL has no host")
        try:
            _ = parts.port
        except ValueError:
            raise ValueError("URL has an invalid port; it must be a number from 1 to 65535") from None
        if not parts.path.strip("/"):
            raise ValueError("URL names no database (postgresql://user@host:5432/citywall)")
        return value

    @model_validator(mode="after")
    def _resolve_password(self, info: ValidationInfo) -> DatabaseSettings:
        password = password_from_env(
            self.password_env, info, "the database password (set it before starting CityWall)"
        )
        if password is not None:  # validated again without an environment: keep the one already read
            self._password = password
        return self

    @property
    def password(self) -> SecretStr | None:
        return self._password


class SiteConfig(Model):
    version: Literal[1] = 1
    site: SiteInfo
    groups: tuple[Group, ...] = ()
    cameras: tuple[Camera, ...] = ()  # 10,000 check in seconds (bench/site_load.py)
    speakers: tuple[SpeakerSpec, ...] = Field(default=(), max_length=4096)  # see camera_config.voice
    ingest: IngestSettings = IngestSettings()
    detection: DetectionSettings = DetectionSettings()
    voice: VoiceSettings = VoiceSettings()
    database: DatabaseSettings | None = None  # None: alerts in SQLite in the site's data folder
    cases: CaseSettings = CaseSettings()

    @model_validator(mode="after")
    def _cross_references(self) -> SiteConfig:
        violations = list(_site_violations(self))
        if violations:
            raise SiteRuleError(violations)
        return self

    def camera(self, camera_id: str) -> Camera:
        for cam in self.cameras:
            if cam.id == camera_id:
                return cam
        raise KeyError(camera_id)

    def group_path(self, group_id: str | None) -> tuple[Group, ...]:
        """Groups from the root down to ``group_id`` (empty for no group)."""
        by_id = {g.id: g for g in self.groups}
        path: list[Group] = []
        while group_id is not None and group_id in by_id and len(path) <= len(by_id):
            path.append(by_id[group_id])
            group_id = by_id[group_id].parent
        return tuple(reversed(path))


def _site_violations(site: SiteConfig) -> Iterator[RuleViolation]:
    groups = [(i, g.id, g.parent) for i, g in enumerate(site.groups)]
    cameras = [(i, c.id, c.group, c.grid_code) for i, c in enumerate(site.cameras)]
    yield from cross_reference_violations(groups, cameras, site.site.grid_code_digits)
    if site.speakers:  # the table of cameras only for the speakers that refer to them
        yield from voice_violations(list(enumerate(site.speakers)), camera_facts(site.cameras))


def raw_site_violations(data: Any) -> list[RuleViolation]:
    """The cross-field rules on a site's raw data (as read from YAML), for a file whose fields
    have problems too: the rules of the valid parts are reported in the same pass."""
    if not isinstance(data, dict):
        return []

    def items(key: str) -> list[tuple[int, dict[str, Any]]]:
        value = data.get(key)
        return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []

    info = data.get("site")
    digits: Any = info.get("grid_code_digits", 15) if isinstance(info, dict) else 15
    digits = (
        digits if isinstance(digits, int) and not isinstance(digits, bool) and 4 <= digits <= 32 else None
    )
    groups = [(i, g.get("id"), g.get("parent")) for i, g in items("groups")]
    cameras = [(i, c.get("id"), c.get("group"), c.get("grid_code")) for i, c in items("cameras")]
    violations = list(cross_reference_violations(groups, cameras, digits))
    if items("speakers"):
        violations += voice_violations(items("speakers"), raw_camera_facts(items("cameras")))
    return violations


def cross_reference_violations(
    groups: Sequence[tuple[int, Any, Any]], cameras: Sequence[tuple[int, Any, Any, Any]], digits: int | None
) -> Iterator[RuleViolation]:
    """Duplicate ids, unknown groups and parents, group cycles and grid-code lengths, each at the
    path of the offending field. ``groups``: (index, id, parent); ``cameras``: (index, id, group,
    grid_code); a value that is not text is skipped (its own field error says why)."""
    for kind, entries in (
        ("group", [(i, g) for i, g, _ in groups]),
        ("camera", [(i, c) for i, c, *_ in cameras]),
    ):
        first_seen: dict[str, int] = {}
        for index, item_id in entries:
            if not isinstance(item_id, str):
                continue
            if item_id in first_seen:
                yield RuleViolation(
                    (f"{kind}s", index, "id"),
                    f"duplicate {kind} id {item_id!r} (first used by {kind}s[{first_seen[item_id]}]); "
                    f"every {kind} needs its own id",
                )
            else:
                first_seen[item_id] = index
    group_ids = {g for _, g, _ in groups if isinstance(g, str)}
    for index, _, parent in groups:
        if isinstance(parent, str) and parent not in group_ids:
            yield RuleViolation(("groups", index, "parent"), unknown_message("group", parent, group_ids))
    yield from _group_cycles(groups)
    for index, _, group, grid_code in cameras:
        if isinstance(group, str) and group not in group_ids:
            yield RuleViolation(("cameras", index, "group"), unknown_message("group", group, group_ids))
        if digits is not None and isinstance(grid_code, str) and len(grid_code) != digits:
            yield RuleViolation(
                ("cameras", index, "grid_code"),
                f"unit-grid code must have {digits} digits (site.grid_code_digits), got {len(grid_code)}",
            )


def _group_cycles(groups: Sequence[tuple[int, Any, Any]]) -> Iterator[RuleViolation]:
    parents = {g: p for _, g, p in groups if isinstance(g, str) and (p is None or isinstance(p, str))}
    for index, group_id, parent in groups:
        if not isinstance(group_id, str) or group_id not in parents:
            continue
        seen = {group_id}
        while parent is not None and parent in parents:
            if parent == group_id:
                yield RuleViolation(("groups", index, "parent"), f"group {group_id!r} is its own ancestor")
                break
            if parent in seen:
                break  # a loop above this group: reported at the groups in it
            seen.add(parent)
            parent = parents[parent]
