"""The site file's loudspeakers (``speakers:``) and what plays on them by itself (``voice:``).

A speaker is reached one of four ways (``kind``): ``rtp`` (G.711 to an IP paging speaker,
``rtp://host:port``, multicast too), ``sip`` (a paging call, ``sip:user@host[:port]``),
``onvif_backchannel`` (a camera's own speaker through its RTSP back-channel, ``rtsp://…``; or
``camera: <id>`` for that camera's own, address and login taken from the camera) and ``http`` (an
IP speaker's clip API, ``http(s)://…``). It serves ``cameras`` (and, if given, only ``zones`` on
them). Its password lives in the environment variable ``password_env``, never in the file.

``voice:`` says, per rule (``vending``, ``bin_overflow``) and per zone, what plays without a
person: auto-play, the prompt, cooldown, quiet hours, most prompts, and the escalation ladder.
Every setting is optional at every level; the most specific one wins: a zone's (under the rule's
``zones:``), the rule's, ``voice.defaults``, then CityWall's default (the same as the core's).

The models do no I/O and know nothing of the cameras: :func:`voice_violations` checks the
references (cameras, zones) for :class:`~camera_config.models.SiteConfig`, on the validated site
or on raw data. ``app.services.voice_config`` turns them into the core's values.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from camera_config.model_base import (
    CAMERA_ID_PATTERN,
    ENV_NAME_PATTERN,
    NAME_MAX,
    Model,
    check_url,
    clock_minutes,
    has_userinfo,
    password_from_env,
    unknown_message,
)
from camera_config.rules import RuleViolation, SiteRuleError

if TYPE_CHECKING:  # the site's models refer to this module's
    from camera_config.models import Camera

SpeakerKind = Literal["rtp", "sip", "onvif_backchannel", "http"]
CodecName = Literal["pcmu", "pcma"]
RuleName = Literal["vending", "bin_overflow"]  # app.core.alerts.Rule's values
RULE_NAMES: tuple[RuleName, ...] = ("vending", "bin_overflow")
RULE_ZONE_KIND: dict[str, str] = {"vending": "no_vending", "bin_overflow": "bin"}
RULE_PROMPTS: dict[str, str] = {"vending": "no_vending", "bin_overflow": "litter"}

Id = Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]
PromptId = Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]  # the prompt library's id
EnvName = Annotated[str, Field(pattern=ENV_NAME_PATTERN, max_length=128)]

QUIET_OFF = "off"
_QUIET = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–~]\s*(\d{1,2}:\d{2})\s*$")


class Text:
    """Every message of this module, in one place for translation."""

    LITERAL_PASSWORD = (
        "a password is never written in the site file; put it in an environment variable and name "
        "that variable in `password_env` (with `username`)"
    )
    SECRET_HINT = (
        "name the speaker's user in `username` and its password's environment variable in `password_env`"
    )
    NO_ADDRESS = "a {kind} speaker needs `address` ({example})"
    NO_ADDRESS_BC = (
        "an onvif_backchannel speaker needs `address` (rtsp://…), or `camera: <id>` for that camera's "
        "own speaker"
    )
    CAMERA_NOT_BC = (
        "`camera:` names the camera whose own speaker this is (kind onvif_backchannel); a {kind} speaker "
        "lists the cameras it serves in `cameras:`"
    )
    TTL_NOT_RTP = "ttl (multicast hops) is for rtp speakers only"
    PASSWORD_NEEDS_USER = "password_env needs `username` (the user the speaker logs in)"
    RTP_FORM = "must be rtp://host:port, e.g. rtp://239.0.1.10:5004 (multicast) or rtp://10.0.0.21:5004"
    RTP_PORT = "needs a port from 1 to 65535: rtp://host:port"
    SIP_FORM = "must be sip:user@host or sip:user@host:port, e.g. sip:pa@10.0.0.5:5060"
    SIP_PASSWORD = (
        "a SIP address must not carry a password; name the environment variable that holds it "
        "in `password_env`"
    )
    SIP_PORT = "has an invalid port; it must be a number from 1 to 65535"
    QUIET_FORM = (
        "quiet hours must be written 'HH:MM-HH:MM' in quotes, e.g. '22:00-07:00' (over midnight), or "
        "off for none"
    )
    QUIET_NUMBER = (
        "quiet hours must be text in quotes, e.g. '22:00-07:00'; YAML read this as the number {value}"
    )
    QUIET_EMPTY = "quiet hours end when they start ({start}); write 'off' for none"
    DUPLICATE = (
        "duplicate speaker id {id!r} (first used by speakers[{first}]); every speaker needs its own id"
    )
    ZONE_NOT_SERVED = "zone {zone!r} is on none of this speaker's cameras ({cameras}); {known}"
    THEIR_ZONES = "their zones: {zones}"
    NO_ZONES = "they have no zones drawn"
    NO_CAMERAS_FOR_ZONES = "`zones` needs `cameras` (the zones are those cameras' zones)"
    BC_NOT_RTSP = (
        "camera {camera!r} {how}, so its back-channel address cannot be taken from it; write the "
        "camera's RTSP URL in `address` (rtsp://…)"
    )
    BC_ONVIF = "is reached over ONVIF (its stream URL is asked at run time)"
    BC_FILE = "plays a video file"
    OVERRIDE_UNKNOWN_ZONE = "unknown zone {zone!r}: no camera has a zone with this id{hint}"
    ZONES_IN_FILE = (
        "; zones drawn in CityWall's zone editor are not in this file: if it is one of those, all is well"
    )
    OVERRIDE_WRONG_KIND = (
        "zone {zone!r} is a {kind} zone on every camera that has it; {rule} alerts come from {want} zones"
    )


# --- speakers ---------------------------------------------------------------------------------------


class SpeakerSpec(Model):
    """One loudspeaker as the site file names it (see the module notes)."""

    id: Id
    name: str = Field(default="", max_length=NAME_MAX)
    kind: SpeakerKind
    address: str | None = None
    camera: Id | None = None  # onvif_backchannel: this camera's own speaker
    codec: CodecName = "pcmu"
    cameras: tuple[Id, ...] = Field(default=(), max_length=1024)
    zones: tuple[Id, ...] = Field(default=(), max_length=256)
    username: str | None = Field(default=None, min_length=1, max_length=128)
    password_env: EnvName | None = None
    ttl: int = Field(default=1, ge=1, le=255, description="multicast hops (rtp)")
    volume: int | None = Field(default=None, ge=0, le=100, description="where the speaker's API takes one")
    _password: SecretStr | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _no_literal_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise SiteRuleError([RuleViolation(("password",), Text.LITERAL_PASSWORD)])
        return data

    @field_validator("address")
    @classmethod
    def _address(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if value is None or kind is None:
            return value
        if kind == "rtp":
            return _rtp_address(value)
        if kind == "sip":
            return _sip_address(value)
        schemes = ("rtsp", "rtsps") if kind == "onvif_backchannel" else ("http", "https")
        return check_url(value, schemes, Text.SECRET_HINT)

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> SpeakerSpec:
        problems: list[RuleViolation] = []
        if self.camera is not None and self.kind != "onvif_backchannel":
            problems.append(RuleViolation(("camera",), Text.CAMERA_NOT_BC.format(kind=self.kind)))
        if self.address is None and not (self.kind == "onvif_backchannel" and self.camera is not None):
            message = (
                Text.NO_ADDRESS_BC
                if self.kind == "onvif_backchannel"
                else Text.NO_ADDRESS.format(kind=self.kind, example=_EXAMPLES[self.kind])
            )
            problems.append(RuleViolation(("address",), message))
        if "ttl" in self.model_fields_set and self.kind != "rtp":
            problems.append(RuleViolation(("ttl",), Text.TTL_NOT_RTP))
        if self.password_env is not None and self.username is None:
            problems.append(RuleViolation(("password_env",), Text.PASSWORD_NEEDS_USER))
        if self.zones and not self.served_cameras:
            problems.append(RuleViolation(("zones",), Text.NO_CAMERAS_FOR_ZONES))
        if problems:
            raise SiteRuleError(problems)
        password = password_from_env(
            self.password_env, info, f"the password of speaker {self.id} (set it before starting CityWall)"
        )
        if password is not None:  # validated again without an environment: keep the one already read
            self._password = password
        return self

    @property
    def password(self) -> SecretStr | None:
        """Its own password (from ``password_env``); a camera's own speaker may use the camera's."""
        return self._password

    @property
    def served_cameras(self) -> tuple[str, ...]:
        """``cameras``, with ``camera`` (a camera's own speaker) first when it is not listed."""
        if self.camera is None or self.camera in self.cameras:
            return self.cameras
        return (self.camera, *self.cameras)

    @property
    def multicast(self) -> bool:
        if self.kind != "rtp" or self.address is None:
            return False
        host = urlsplit(self.address).hostname or ""
        try:
            return ipaddress.ip_address(host).is_multicast
        except ValueError:
            return False


_EXAMPLES: dict[str, str] = {
    "rtp": "rtp://239.0.1.10:5004",
    "sip": "sip:pa@10.0.0.5:5060",
    "onvif_backchannel": "rtsp://10.0.0.5:554/…",
    "http": "http://10.0.0.6/api/play",
}
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_SIP = re.compile(
    r"^(?P<scheme>sips?):(?P<user>[^@]+)@(?P<host>\[[0-9A-Fa-f:.]+\]|[^:\[\]@;?]+)(?::(?P<port>[^;?]*))?$"
)
_SIP_USER = re.compile(r"^[A-Za-z0-9_.!~*'()&=+$,?/%-]+$")


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(_HOST.match(host))
    return True


def _rtp_address(value: str) -> str:
    """``rtp://host:port`` (unicast or multicast): no user, no path; messages never echo it."""
    parts = urlsplit(value)
    if parts.scheme.lower() != "rtp":
        raise ValueError(Text.RTP_FORM)
    if parts.username or parts.password or has_userinfo(value):
        raise ValueError(f"URL must not carry a user name or password; {Text.SECRET_HINT}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or not parts.hostname:
        raise ValueError(Text.RTP_FORM)
    if not _valid_host(parts.hostname):
        raise ValueError(Text.RTP_FORM)
    try:
        port = parts.port
    except ValueError:
        raise ValueError(Text.RTP_PORT) from None
    if port is None or port == 0:
        raise ValueError(Text.RTP_PORT)
    return value


def _sip_address(value: str) -> str:
    m = _SIP.match(value)
    if m is None:
        raise ValueError(Text.SIP_FORM)
    if ":" in m["user"]:
        raise ValueError(Text.SIP_PASSWORD)  # sip:user:password@host (RFC 3261 says: do not)
    if not _SIP_USER.match(m["user"]) or not _valid_host(m["host"]):
        raise ValueError(Text.SIP_FORM)
    port = m["port"]
    if port is not None and not (port.isdigit() and 1 <= int(port) <= 65535):
        raise ValueError(Text.SIP_PORT)
    return value


# --- the voice policy -------------------------------------------------------------------------------


def _quiet_hours(value: Any) -> Any:
    """``'22:00-07:00'`` as written (checked), ``off`` (also false or '') for none."""
    if value is False or (isinstance(value, str) and value.strip().lower() in ("", "off", "none")):
        return QUIET_OFF
    if isinstance(value, bool):
        raise ValueError(Text.QUIET_FORM)
    if isinstance(value, int | float):
        raise ValueError(Text.QUIET_NUMBER.format(value=value))
    if not isinstance(value, str):
        raise ValueError(Text.QUIET_FORM)
    m = _QUIET.match(value)
    if m is None:
        raise ValueError(Text.QUIET_FORM)
    start, end = clock_minutes(m[1], end=False), clock_minutes(m[2], end=True)
    if start == end % (24 * 60):
        raise ValueError(Text.QUIET_EMPTY.format(start=m[1]))
    return f"{m[1]}-{m[2]}"


def quiet_minutes(text: str) -> tuple[int, int] | None:
    """``'22:00-07:00'`` -> (1320, 420), minutes after midnight; 24:00 is 0. None for ``off``."""
    m = _QUIET.match(text)
    if text == QUIET_OFF or m is None:
        return None
    return clock_minutes(m[1], end=False), clock_minutes(m[2], end=True) % (24 * 60)


QuietText = Annotated[str, Field(max_length=32)]


class LadderSettings(Model):
    """The escalation ladder: prompt → wait → recheck → again → a case. Unset: inherited."""

    enabled: bool | None = None
    prompts: int | None = Field(default=None, ge=1, le=10, description="prompts before a case")
    wait_s: float | None = Field(default=None, ge=0, le=86400, description="after each prompt")
    recheck_s: float | None = Field(
        default=None, ge=0, le=3600, description="longest wait for the fresh check of the zone"
    )
    create_case: bool | None = None
    prompt: PromptId | None = None  # default: the rule's (or zone's) prompt


class PolicySettings(Model):
    """What plays without a person, for a rule or a zone. Unset: inherited (see the module notes)."""

    auto_play: bool | None = None
    prompt: PromptId | None = None
    cooldown_s: float | None = Field(default=None, ge=0, le=86400, description="per speaker")
    quiet_hours: QuietText | None = None
    max_repeats: int | None = Field(
        default=None, ge=1, le=100, description="most automatic prompts for one alert"
    )
    ladder: LadderSettings | None = None

    @field_validator("quiet_hours", mode="before")
    @classmethod
    def _quiet(cls, value: Any) -> Any:
        return None if value is None else _quiet_hours(value)


class RuleVoiceSettings(PolicySettings):
    """A rule's settings, and ``zones``: zone id → that zone's own (on every camera with the id)."""

    zones: dict[str, PolicySettings] = Field(default_factory=dict, max_length=4096)


class VoiceRules(Model):
    vending: RuleVoiceSettings = RuleVoiceSettings()
    bin_overflow: RuleVoiceSettings = RuleVoiceSettings()


class VoiceSettings(Model):
    defaults: PolicySettings = PolicySettings()
    rules: VoiceRules = VoiceRules()

    def policy(self, rule: str, zone_id: str | None = None) -> ResolvedPolicy:
        """The policy of ``rule`` in ``zone_id``, every setting resolved."""
        levels = self._levels(rule, zone_id)

        def pick(name: str, default: Any) -> Any:
            return next((v for v in (getattr(lv, name) for lv in levels) if v is not None), default)

        quiet = pick("quiet_hours", QUIET_OFF)
        return ResolvedPolicy(
            auto_play=pick("auto_play", POLICY_DEFAULTS.auto_play),
            prompt=pick("prompt", RULE_PROMPTS[rule]),
            cooldown_s=float(pick("cooldown_s", POLICY_DEFAULTS.cooldown_s)),
            quiet_hours=quiet_minutes(quiet),
            max_repeats=pick("max_repeats", POLICY_DEFAULTS.max_repeats),
        )

    def ladder(self, rule: str, zone_id: str | None = None) -> ResolvedLadder:
        """The ladder of ``rule`` in ``zone_id``; its prompt is the policy's unless a ladder names one."""
        ladders = [lv.ladder for lv in self._levels(rule, zone_id) if lv.ladder is not None]

        def pick(name: str, default: Any) -> Any:
            return next((v for v in (getattr(ld, name) for ld in ladders) if v is not None), default)

        return ResolvedLadder(
            enabled=pick("enabled", LADDER_DEFAULTS.enabled),
            prompts=pick("prompts", LADDER_DEFAULTS.prompts),
            wait_s=float(pick("wait_s", LADDER_DEFAULTS.wait_s)),
            recheck_s=float(pick("recheck_s", LADDER_DEFAULTS.recheck_s)),
            create_case=pick("create_case", LADDER_DEFAULTS.create_case),
            prompt=pick("prompt", None) or self.policy(rule, zone_id).prompt,
        )

    def _levels(self, rule: str, zone_id: str | None) -> list[PolicySettings]:
        """Most specific first: the zone's, the rule's, the defaults."""
        if rule not in RULE_NAMES:
            raise ValueError(f"no voice settings for rule {rule!r}; rules: {', '.join(RULE_NAMES)}")
        rule_settings: RuleVoiceSettings = getattr(self.rules, rule)
        zone = rule_settings.zones.get(zone_id) if zone_id is not None else None
        return [s for s in (zone, rule_settings, self.defaults) if s is not None]


@dataclass(frozen=True)
class ResolvedPolicy:
    """A rule's policy in a zone with nothing left to inherit (the core's VoicePolicy's fields)."""

    auto_play: bool = False
    prompt: str = "no_vending"
    cooldown_s: float = 120.0
    quiet_hours: tuple[int, int] | None = None  # minutes after midnight: start, end (may wrap)
    max_repeats: int = 3


@dataclass(frozen=True)
class ResolvedLadder:
    """A rule's ladder in a zone with nothing left to inherit (the core's LadderConfig's fields)."""

    enabled: bool = False
    prompts: int = 2
    wait_s: float = 120.0
    recheck_s: float = 60.0
    create_case: bool = True
    prompt: str = "no_vending"


POLICY_DEFAULTS = ResolvedPolicy()  # CityWall's defaults; a test keeps them equal to the core's
LADDER_DEFAULTS = ResolvedLadder()


# --- references to cameras and zones ----------------------------------------------------------------


@dataclass(frozen=True)
class CameraFacts:
    """What the voice rules need to know of a camera: its zones (id → kind) and its source kind."""

    zones: Mapping[str, str]
    source: str | None


def camera_facts(cameras: Iterable[Camera]) -> dict[str, CameraFacts]:
    """Each camera's zones and source kind (the voice references are checked against them)."""
    return {
        c.id: CameraFacts({z.id: z.kind for z in c.detection.zones} if c.detection else {}, c.source.kind)
        for c in cameras
    }


def raw_camera_facts(cameras: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[str, CameraFacts]:
    """Each camera's zones and source kind as read (the voice references are checked against them)."""
    facts: dict[str, CameraFacts] = {}
    for _, camera in cameras:
        camera_id, detection, source = camera.get("id"), camera.get("detection"), camera.get("source")
        zones = detection.get("zones") if isinstance(detection, dict) else None
        kinds = {
            z["id"]: z.get("kind", "no_vending")
            for z in (zones if isinstance(zones, list) else [])
            if isinstance(z, dict) and isinstance(z.get("id"), str)
        }
        kind = source.get("kind") if isinstance(source, dict) else None
        if isinstance(camera_id, str):
            facts[camera_id] = CameraFacts(kinds, kind if isinstance(kind, str) else None)
    return facts


def voice_violations(
    speakers: Sequence[tuple[int, Any]], cameras: Mapping[str, CameraFacts]
) -> Iterator[RuleViolation]:
    """Speakers' ids and cameras, each problem at the path of its field (site root).

    ``speakers``: (index, entry) with entries as models or raw mappings; values that are not text
    are skipped (their own field error says why). Zones are :func:`zone_warnings`' concern."""
    first_seen: dict[str, int] = {}
    for index, entry in speakers:
        get = _getter(entry)
        speaker_id = get("id")
        if isinstance(speaker_id, str):
            if speaker_id in first_seen:
                message = Text.DUPLICATE.format(id=speaker_id, first=first_seen[speaker_id])
                yield RuleViolation(("speakers", index, "id"), message)
            else:
                first_seen[speaker_id] = index
        yield from _camera_refs(index, get, cameras)


def _camera_refs(index: int, get: Any, cameras: Mapping[str, CameraFacts]) -> Iterator[RuleViolation]:
    at = ("speakers", index)
    own = get("camera")
    if isinstance(own, str):
        facts = cameras.get(own)
        if facts is None:
            yield RuleViolation((*at, "camera"), unknown_message("camera", own, cameras.keys()))
        elif get("address") is None and get("kind") == "onvif_backchannel" and facts.source != "rtsp":
            how = Text.BC_ONVIF if facts.source == "onvif" else Text.BC_FILE
            yield RuleViolation((*at, "camera"), Text.BC_NOT_RTSP.format(camera=own, how=how))
    listed = get("cameras")
    for k, camera_id in enumerate(listed if isinstance(listed, list | tuple) else []):
        if isinstance(camera_id, str) and camera_id not in cameras:
            yield RuleViolation((*at, "cameras", k), unknown_message("camera", camera_id, cameras.keys()))


def zone_warnings(
    speakers: Sequence[SpeakerSpec], voice: VoiceSettings, cameras: Mapping[str, CameraFacts], note: str = ""
) -> Iterator[RuleViolation]:
    """Zone ids that no camera has: a speaker's ``zones`` on its cameras, the rules' zone settings
    anywhere (and of a kind the rule watches). ``cameras`` give the zones known: the site file's
    when it is loaded (zones drawn in CityWall live elsewhere, so these are warnings then, ending
    in ``note``), the zones in use at run time."""
    for index, spec in enumerate(speakers):
        served = [c for c in spec.served_cameras if c in cameras]
        known = sorted({z for c in served for z in cameras[c].zones})
        for k, zone_id in enumerate(spec.zones if served else ()):
            if zone_id not in known:
                their = Text.THEIR_ZONES.format(zones=", ".join(known[:10])) if known else Text.NO_ZONES
                cams = ", ".join(served[:5])
                message = Text.ZONE_NOT_SERVED.format(zone=zone_id, cameras=cams, known=their) + note
                yield RuleViolation(("speakers", index, "zones", k), message)
    kinds: dict[str, set[str]] = {}
    for facts in cameras.values():
        for zone_id, kind in facts.zones.items():
            kinds.setdefault(zone_id, set()).add(kind)
    for rule in RULE_NAMES:
        want = RULE_ZONE_KIND[rule]
        for zone_id in getattr(voice.rules, rule).zones:
            at = ("voice", "rules", rule, "zones", zone_id)
            if zone_id not in kinds:
                close = sorted(z for z, k in kinds.items() if want in k)[:10]
                hint = f"; {want} zones: {', '.join(close)}" if close else ""
                yield RuleViolation(at, Text.OVERRIDE_UNKNOWN_ZONE.format(zone=zone_id, hint=hint) + note)
            elif want not in kinds[zone_id]:
                kind = "/".join(sorted(kinds[zone_id]))
                message = Text.OVERRIDE_WRONG_KIND.format(zone=zone_id, kind=kind, rule=rule, want=want)
                yield RuleViolation(at, message + note)


def _getter(entry: Any) -> Any:
    """Read a field of a model or a raw mapping alike (None when absent)."""
    if isinstance(entry, Mapping):
        return entry.get
    return lambda name: getattr(entry, name, None)
