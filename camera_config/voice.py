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

The models do no I/O and know nothing of the cameras: :mod:`camera_config.voice_refs` checks
what they refer to. ``app.services.voice_config`` turns them into the core's values (this package
never imports ``app``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
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

from camera_config.model_base import (
    CAMERA_ID_PATTERN,
    ENV_NAME_PATTERN,
    NAME_MAX,
    Model,
    check_url,
    clock_minutes,
    has_userinfo,
    password_from_env,
)
from camera_config.rules import RuleViolation, SiteRuleError

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
    NO_CAMERAS_FOR_ZONES = "`zones` needs `cameras` (the zones are those cameras' zones)"


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
