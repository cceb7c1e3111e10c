"""The parts of an SDP (RFC 4566) session description that a sender of G.711 audio needs: media
sections with their formats, ``a=rtpmap``, ``a=control`` and direction, and the static payload
types of RFC 3551 (0 = PCMU/8000, 8 = PCMA/8000) for sections that list no rtpmap."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.voice import SAMPLE_RATE, Codec

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
STATIC_PAYLOADS = {0: ("PCMU", 8000, 1), 8: ("PCMA", 8000, 1)}
_CODEC_NAMES = {"PCMU": Codec.PCMU, "PCMA": Codec.PCMA}


@dataclass
class Media:
    kind: str  # "audio", "video", "application"
    port: int
    protocol: str
    formats: list[int]
    rtpmap: dict[int, tuple[str, int, int]] = field(default_factory=dict)  # pt → (name, rate, channels)
    control: str | None = None
    direction: str | None = None  # None: the session's (and by default sendrecv)

    def encoding(self, payload_type: int) -> tuple[str, int, int] | None:
        return self.rtpmap.get(payload_type) or STATIC_PAYLOADS.get(payload_type)

    def g711(self) -> dict[Codec, int]:
        """The G.711 codecs at 8 kHz mono this section takes, with their payload types."""
        found: dict[Codec, int] = {}
        for pt in self.formats:
            enc = self.encoding(pt)
            if enc and enc[0].upper() in _CODEC_NAMES and enc[1] == SAMPLE_RATE and enc[2] == 1:
                found.setdefault(_CODEC_NAMES[enc[0].upper()], pt)
        return found

    def describe_formats(self) -> str:
        names = []
        for pt in self.formats:
            enc = self.encoding(pt)
            names.append(f"{enc[0]}/{enc[1]}" if enc else f"payload {pt}")
        return ", ".join(names) or "no formats"


@dataclass
class SessionDescription:
    control: str | None = None
    direction: str = "sendrecv"
    media: list[Media] = field(default_factory=list)

    def direction_of(self, media: Media) -> str:
        return media.direction or self.direction


def parse_sdp(text: str) -> SessionDescription:
    """Parse leniently (cameras write odd SDP): unknown lines are skipped, not errors."""
    session = SessionDescription()
    current: Media | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 2 or line[1] != "=":
            continue
        kind, value = line[0], line[2:].strip()
        if kind == "m":
            parts = value.split()
            if len(parts) < 3:
                current = None
                continue
            port = parts[1].split("/")[0]
            formats = [int(f) for f in parts[3:] if f.isdigit()]
            current = Media(parts[0].lower(), int(port) if port.isdigit() else 0, parts[2], formats)
            session.media.append(current)
        elif kind == "a":
            name, _, attr = value.partition(":")
            name = name.strip().lower()
            if name in DIRECTIONS:
                if current is None:
                    session.direction = name
                else:
                    current.direction = name
            elif name == "control":
                if current is None:
                    session.control = attr.strip()
                else:
                    current.control = attr.strip()
            elif name == "rtpmap" and current is not None:
                pt_text, _, encoding = attr.strip().partition(" ")
                pieces = encoding.strip().split("/")
                if pt_text.isdigit() and len(pieces) >= 2 and pieces[1].isdigit():
                    channels = int(pieces[2]) if len(pieces) > 2 and pieces[2].isdigit() else 1
                    current.rtpmap[int(pt_text)] = (pieces[0], int(pieces[1]), channels)
    return session


def resolve(base: str, control: str | None) -> str:
    """An ``a=control`` URL made absolute against ``base`` (RFC 2326 C.1.1; "*" or none: the base)."""
    if not control or control == "*":
        return base
    if "://" in control:
        return control
    return base + ("" if base.endswith("/") else "/") + control.lstrip("/")
