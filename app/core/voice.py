"""Voice prompts to loudspeakers at the scene (导听/喊话): speakers, clips, plays (stdlib only, no I/O).

A :class:`Speaker` is one loudspeaker the site file names: how it is reached (:class:`DeliveryKind`
and an address), which cameras (and zones) it serves. A :class:`Clip` is what is played: 8 kHz mono
16-bit PCM, named, with the text it says when it was rendered from text. The delivery adapters
(``app/adapters/voice``) sit behind one port, :class:`SpeakerPort`: ``announce(targets, clip,
priority)`` returns an :class:`Announcement` whose future gives one :class:`Delivery` per speaker
(delivered, or failed with a :class:`DeliveryFailure`). A play of higher :class:`VoicePriority`
pre-empts a lower one on the same speaker (an operator's live talk stops an automatic prompt; an
emergency broadcast stops both); a lower one is refused while a higher one plays.

:class:`VoicePolicy` is what a rule/zone allows automatically (auto-play, cooldown per speaker,
quiet hours, most prompts per alert); :func:`auto_play_refusal` says why an automatic prompt may
not play now (None: it may).
"""

from __future__ import annotations

import hashlib
import io
import wave
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import time as clock_time
from enum import IntEnum, StrEnum
from typing import Any, Protocol

SAMPLE_RATE = 8000  # G.711's rate: every clip is kept and sent at it
FRAME_SAMPLES = 160  # 20 ms at 8 kHz: one RTP packet
FRAME_BYTES = FRAME_SAMPLES * 2  # 16-bit PCM


class DeliveryKind(StrEnum):
    RTP = "rtp"  # RTP G.711 unicast or multicast to an IP paging speaker
    SIP = "sip"  # a SIP paging call (the speaker auto-answers)
    BACKCHANNEL = "onvif_backchannel"  # the camera's own speaker (ONVIF RTSP audio back-channel)
    HTTP = "http"  # an IP speaker's clip API: upload, then play


class Codec(StrEnum):
    PCMU = "pcmu"  # G.711 µ-law, RTP payload type 0
    PCMA = "pcma"  # G.711 A-law, RTP payload type 8


class VoicePriority(IntEnum):
    """Higher pre-empts lower on the same speaker."""

    AUTOMATIC = 1  # the escalation ladder / auto-play
    OPERATOR = 2  # an operator pushed a prompt
    LIVE = 3  # an operator's live talk (push-to-talk)
    EMERGENCY = 4  # an emergency broadcast


class DeliveryFailure(StrEnum):
    UNREACHABLE = "unreachable"  # no route, connection refused, no such host
    TIMEOUT = "timeout"  # the speaker did not answer in time
    BUSY = "busy"  # the speaker (or SIP peer) is busy: 486/600, or a higher-priority play
    NO_ANSWER = "no_answer"  # a SIP call nobody (no auto-answer) picked up: 408/480
    REFUSED = "refused"  # the peer said no (4xx/5xx other than the above)
    AUTH = "auth"  # the credentials were refused (401/403 after one authenticated try)
    BAD_RESPONSE = "bad_response"  # the peer said something that does not follow its protocol
    NO_AUDIO = "no_audio"  # the peer offers no audio we can send (no back-channel, no G.711)
    PREEMPTED = "preempted"  # a play of higher priority took the speaker
    STOPPED = "stopped"  # an operator stopped it
    NOT_CONFIGURED = "not_configured"  # no adapter for the kind, or the speaker's password is missing


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    kind: DeliveryKind
    address: str  # rtp://239.0.1.10:5004, sip:pa@10.0.0.5:5060, rtsp://cam/…, http://speaker/…
    codec: Codec = Codec.PCMU
    cameras: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()  # zone ids it covers on those cameras; empty: all of them
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # from the environment, never the file
    ttl: int = 1  # multicast hops (RTP)
    volume: int | None = None  # 0..100 where the speaker's API takes one

    def serves(self, camera_id: str, zone_id: str | None = None) -> bool:
        if camera_id not in self.cameras:
            return False
        return zone_id is None or not self.zones or zone_id in self.zones


def speakers_for(speakers: Sequence[Speaker], camera_id: str, zone_id: str | None = None) -> list[Speaker]:
    """The speakers that serve ``camera_id`` (and ``zone_id`` when given), in site-file order."""
    return [s for s in speakers if s.serves(camera_id, zone_id)]


@dataclass(frozen=True)
class Clip:
    """8 kHz mono signed 16-bit little-endian PCM, whole frames (padded with silence)."""

    name: str
    pcm: bytes
    text: str = ""  # what it says, when rendered from text (or typed by whoever recorded it)
    prompt_id: str = ""  # the library's id ("" for live talk or a one-off)

    def __post_init__(self) -> None:
        if len(self.pcm) % 2:
            raise ValueError(f"clip {self.name!r}: PCM must be whole 16-bit samples")

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / 2 / SAMPLE_RATE

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pcm).hexdigest()

    def frames(self) -> Iterator[bytes]:
        """20 ms frames of 320 bytes (the last one padded with silence)."""
        for start in range(0, len(self.pcm), FRAME_BYTES):
            chunk = self.pcm[start : start + FRAME_BYTES]
            yield chunk + b"\x00" * (FRAME_BYTES - len(chunk))

    def repeated(self, times: int, gap_s: float = 1.0) -> Clip:
        """The clip ``times`` times with ``gap_s`` of silence between (one play, one evidence file)."""
        if times < 1:
            raise ValueError("a clip plays at least once")
        gap = b"\x00\x00" * int(gap_s * SAMPLE_RATE)
        pcm = gap.join([self.pcm] * times)
        name = self.name if times == 1 else f"{self.name} ×{times}"
        return Clip(name, pcm, self.text, self.prompt_id)


@dataclass(frozen=True)
class Delivery:
    """What happened at one speaker."""

    speaker_id: str
    delivered: bool
    failure: DeliveryFailure | None = None
    detail: str = ""  # the peer's own words ("SIP/2.0 486 Busy Here"), never a password
    started_at: float | None = None  # wall-clock seconds the first packet left
    ended_at: float | None = None
    attempts: int = 1
    sent_pcm: bytes = field(default=b"", repr=False)  # what actually left (for the evidence)

    def to_record(self) -> dict[str, Any]:
        return {
            "speaker_id": self.speaker_id, "delivered": self.delivered,
            "failure": self.failure.value if self.failure else None, "detail": self.detail,
            "started_at": self.started_at, "ended_at": self.ended_at, "attempts": self.attempts,
        }  # fmt: skip


class Announcement(Protocol):
    """One announce call in flight: its result, and a way to stop it."""

    @property
    def result(self) -> Future[tuple[Delivery, ...]]:
        """One delivery per target, in the order given, once every speaker has finished."""
        ...

    def stop(self) -> None:
        """Stop playing everywhere (the deliveries say STOPPED)."""
        ...


class SpeakerPort(Protocol):
    def announce(
        self, targets: Sequence[Speaker], clip: Clip | Iterator[bytes], priority: VoicePriority
    ) -> Announcement:
        """Play ``clip`` (or a live stream of 20 ms frames, for talk) on every target at once."""
        ...

    def down(self) -> Mapping[str, Delivery]:
        """Speakers whose latest play failed (by id), with that failure: shown as down."""
        ...

    def close(self) -> None: ...


# --- what plays automatically --------------------------------------------------------------------------
@dataclass(frozen=True)
class QuietHours:
    start: clock_time  # e.g. 22:00
    end: clock_time  # e.g. 07:00 (may wrap past midnight)

    def contains(self, moment: clock_time) -> bool:
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class VoicePolicy:
    """What a rule (and a zone, which may override it) lets play without a person."""

    auto_play: bool = False  # a new alert plays the prompt at once (the ladder's first step)
    prompt_id: str = "no_vending"  # the library's prompt for this rule
    cooldown_s: float = 120.0  # no automatic prompt on a speaker that played one this recently
    quiet_hours: QuietHours | None = None
    max_repeats: int = 3  # most automatic prompts for one alert


class AutoRefusal(StrEnum):
    OFF = "off"
    QUIET_HOURS = "quiet_hours"
    COOLDOWN = "cooldown"
    MAX_REPEATS = "max_repeats"
    NO_SPEAKER = "no_speaker"


def auto_play_refusal(
    policy: VoicePolicy,
    *,
    local_time: clock_time,
    now: float,
    last_played: Mapping[str, float],
    speaker_ids: Sequence[str],
    prompts_for_alert: int,
    ladder: bool = False,
) -> AutoRefusal | None:
    """Why an automatic prompt may not play now (None: it may). ``ladder``: the escalation ladder
    asks (its own setting turned it on, so ``auto_play`` is not needed)."""
    if not policy.auto_play and not ladder:
        return AutoRefusal.OFF
    if not speaker_ids:
        return AutoRefusal.NO_SPEAKER
    if policy.quiet_hours is not None and policy.quiet_hours.contains(local_time):
        return AutoRefusal.QUIET_HOURS
    if prompts_for_alert >= policy.max_repeats:
        return AutoRefusal.MAX_REPEATS
    if all(now - last_played.get(s, float("-inf")) < policy.cooldown_s for s in speaker_ids):
        return AutoRefusal.COOLDOWN
    return None


def ready_speakers(
    policy: VoicePolicy, now: float, last_played: Mapping[str, float], speaker_ids: Sequence[str]
) -> list[str]:
    """The speakers past their cooldown (those an automatic prompt goes to)."""
    return [s for s in speaker_ids if now - last_played.get(s, float("-inf")) >= policy.cooldown_s]


@dataclass(frozen=True)
class VoicePlay:
    """One play, as the alert (and its audit record) keeps it: who, what, where, when, and whether
    it reached each speaker; ``audio_sha256``: the evidence file of the audio actually sent."""

    prompt_name: str
    by: str  # the operator, or "system" for the ladder and auto-play
    at: float
    priority: VoicePriority
    speakers: tuple[str, ...]
    delivered: tuple[str, ...] = ()  # the speakers it reached
    failures: tuple[tuple[str, str], ...] = ()  # (speaker id, DeliveryFailure value: detail)
    text: str = ""
    repeats: int = 1
    audio_sha256: str | None = None
    ladder_attempt: int = 0  # the ladder's prompt number (0: not the ladder's)

    @property
    def reached(self) -> bool:
        return bool(self.delivered)

    def to_record(self) -> dict[str, Any]:
        return {
            **self.__dict__, "priority": int(self.priority), "speakers": list(self.speakers),
            "delivered": list(self.delivered), "failures": [list(f) for f in self.failures],
        }  # fmt: skip

    @staticmethod
    def from_record(record: Mapping[str, Any]) -> VoicePlay:
        known = {k: v for k, v in record.items() if k in VoicePlay.__dataclass_fields__}
        return VoicePlay(**{
            **known, "priority": VoicePriority(record["priority"]),
            "speakers": tuple(record.get("speakers", ())), "delivered": tuple(record.get("delivered", ())),
            "failures": tuple((str(a), str(b)) for a, b in record.get("failures", ())),
        })  # fmt: skip


def play_of(
    clip: Clip, deliveries: Sequence[Delivery], *, by: str, at: float, priority: VoicePriority,
    repeats: int = 1, audio_sha256: str | None = None, ladder_attempt: int = 0,
) -> VoicePlay:  # fmt: skip
    return VoicePlay(
        prompt_name=clip.name, by=by, at=at, priority=priority,
        speakers=tuple(d.speaker_id for d in deliveries),
        delivered=tuple(d.speaker_id for d in deliveries if d.delivered),
        failures=tuple(
            (d.speaker_id, f"{d.failure.value if d.failure else 'failed'}: {d.detail}".rstrip(": "))
            for d in deliveries if not d.delivered
        ),
        text=clip.text, repeats=repeats, audio_sha256=audio_sha256, ladder_attempt=ladder_attempt,
    )  # fmt: skip


def wav_bytes(pcm: bytes, rate: int = SAMPLE_RATE) -> bytes:
    """16-bit mono PCM as a WAV file (the audio kept as evidence: any player opens it)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()
