"""Voice fakes for service and UI tests: a speaker port that answers at once (or holds plays until
told), a prompt library of two tones, an evidence store in memory."""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future

from app.core.alert_ports import EvidenceProblem
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.voice import (
    SAMPLE_RATE,
    Clip,
    Delivery,
    DeliveryFailure,
    DeliveryKind,
    Speaker,
    VoicePriority,
)


def tone(seconds: float = 0.5, hz: float = 440.0) -> bytes:
    n = int(seconds * SAMPLE_RATE)
    return b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / SAMPLE_RATE))) for i in range(n)
    )


class FakePrompts:
    def __init__(self) -> None:
        self.clips = {
            "no_vending": Clip("请勿占道经营", tone(0.5), "请勿占道经营，请自觉离开", "no_vending"),
            "litter": Clip("请将垃圾投入垃圾桶", tone(0.4, 660.0), "请将垃圾投入垃圾桶", "litter"),
        }

    def clip(self, prompt_id: str) -> Clip:
        try:
            return self.clips[prompt_id]
        except KeyError:
            raise LookupError(prompt_id) from None


class FakeAnnouncement:
    def __init__(self, stop: list[bool]) -> None:
        self.result: Future[tuple[Delivery, ...]] = Future()
        self._stopped = stop

    def stop(self) -> None:
        self._stopped.append(True)


class FakePort:
    """Delivers at once to every speaker not in ``dead`` (those fail UNREACHABLE); with ``hold``
    the plays wait until :meth:`finish` is called."""

    def __init__(self) -> None:
        self.dead: set[str] = set()
        self.hold = False
        self.calls: list[tuple[tuple[str, ...], str, VoicePriority]] = []
        self.held: list[tuple[FakeAnnouncement, Sequence[Speaker], bytes]] = []
        self.stops: list[bool] = []

    def announce(
        self, targets: Sequence[Speaker], clip: Clip | Iterator[bytes], priority: VoicePriority
    ) -> FakeAnnouncement:
        pcm = clip.pcm if isinstance(clip, Clip) else b"".join(clip)
        name = clip.name if isinstance(clip, Clip) else "live"
        self.calls.append((tuple(s.id for s in targets), name, priority))
        announcement = FakeAnnouncement(self.stops)
        if self.hold:
            self.held.append((announcement, targets, pcm))
        else:
            announcement.result.set_result(self._deliveries(targets, pcm))
        return announcement

    def finish(self) -> None:
        held, self.held = self.held, []
        for announcement, targets, pcm in held:
            announcement.result.set_result(self._deliveries(targets, pcm))

    def _deliveries(self, targets: Sequence[Speaker], pcm: bytes) -> tuple[Delivery, ...]:
        return tuple(
            Delivery(s.id, False, DeliveryFailure.UNREACHABLE, "connection refused")
            if s.id in self.dead
            else Delivery(s.id, True, started_at=1.0, ended_at=2.0, sent_pcm=pcm)
            for s in targets
        )

    def down(self) -> Mapping[str, Delivery]:
        return {}

    def close(self) -> None:
        pass


class MemoryEvidence:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.full = False

    def put(
        self, data: bytes, *, kind: EvidenceKind, media_type: str, captured_at: float, camera_id: str,
        stream: str, note: str = "",
    ) -> EvidenceRef:  # fmt: skip
        if self.full:
            raise EvidenceProblem("evidence/ab/cd.wav: No space left on device")
        sha = hashlib.sha256(data).hexdigest()
        self.files[sha] = data
        return EvidenceRef(sha, kind, media_type, len(data), captured_at, camera_id, stream, note)

    def read(self, ref: EvidenceRef) -> bytes:
        return self.files[ref.sha256]

    def verify(self, refs: Sequence[EvidenceRef]) -> list[tuple[EvidenceRef, str]]:
        return [(r, "missing") for r in refs if r.sha256 not in self.files]


def speakers() -> list[Speaker]:
    return [
        Speaker("spk-north", "北门音柱", DeliveryKind.RTP, "rtp://127.0.0.1:16000", cameras=("cam1",)),
        Speaker(
            "spk-cam1",
            "北门摄像机喇叭",
            DeliveryKind.BACKCHANNEL,
            "rtsp://127.0.0.1/cam1",
            cameras=("cam1",),
            zones=("z1",),
        ),
        Speaker("spk-market", "菜场音柱", DeliveryKind.SIP, "sip:pa@127.0.0.1:15060", cameras=("cam2",)),
    ]
