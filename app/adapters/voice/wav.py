"""WAV files of voice clips: 16-bit PCM and G.711 (format tag 7 µ-law, 6 A-law), written and read.

The standard library's ``wave`` reads and writes integer PCM only, so the RIFF is built here: a
G.711 file has an 18-byte ``fmt `` chunk (``cbSize`` 0) and a ``fact`` chunk with the sample count,
as non-PCM WAVs must (Microsoft's RIFF spec); ffmpeg, sox and IP speakers read them. Reading
accepts PCM (8/16-bit, also inside WAVE_FORMAT_EXTENSIBLE), µ-law and A-law, and returns 16-bit PCM.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from app.adapters.voice import g711
from app.core.voice import SAMPLE_RATE, Codec


class WavFormat(IntEnum):
    PCM = 1
    ALAW = 6
    MULAW = 7
    EXTENSIBLE = 0xFFFE


FORMAT_OF = {Codec.PCMU: WavFormat.MULAW, Codec.PCMA: WavFormat.ALAW}
_CODEC_OF = {WavFormat.MULAW: Codec.PCMU, WavFormat.ALAW: Codec.PCMA}


class WavError(ValueError):
    """A file that is not a WAV this module reads; the message names the file and what is wrong."""


@dataclass(frozen=True)
class WavAudio:
    pcm: bytes  # signed 16-bit little-endian, channels interleaved
    rate: int
    channels: int
    format: WavFormat  # how it was stored

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / 2 / self.channels / self.rate

    def mono(self) -> bytes:
        """The channels averaged (a clip is mono)."""
        if self.channels == 1:
            return self.pcm
        samples = np.frombuffer(self.pcm, dtype="<i2").reshape(-1, self.channels).astype(np.int32)
        mixed: bytes = samples.mean(axis=1).round().astype("<i2").tobytes()
        return mixed


def _chunk(tag: bytes, body: bytes) -> bytes:
    return tag + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def write_wav(pcm: bytes, *, rate: int = SAMPLE_RATE, codec: Codec | None = None) -> bytes:
    """A mono WAV of 16-bit PCM samples, stored as PCM (``codec`` None) or G.711."""
    if len(pcm) % 2:
        raise ValueError("PCM must be whole 16-bit samples")
    samples = len(pcm) // 2
    if codec is None:
        fmt = struct.pack("<HHIIHH", WavFormat.PCM, 1, rate, rate * 2, 2, 16)
        chunks = _chunk(b"fmt ", fmt) + _chunk(b"data", pcm)
    else:
        fmt = struct.pack("<HHIIHHH", FORMAT_OF[codec], 1, rate, rate, 1, 8, 0)
        fact = struct.pack("<I", samples)
        chunks = _chunk(b"fmt ", fmt) + _chunk(b"fact", fact) + _chunk(b"data", g711.encode(pcm, codec))
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def read_wav(data: bytes, name: str = "WAV") -> WavAudio:
    """Decode a WAV file's bytes; ``name`` (the file) goes into every error message."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{name}: not a WAV file (no RIFF/WAVE header)")
    fmt: bytes | None = None
    body: bytes | None = None
    pos = 12
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        start, end = pos + 8, pos + 8 + size
        if tag == b"fmt ":
            fmt = data[start:end]
        elif tag == b"data":
            body = data[start : min(end, len(data))]  # a recorder killed mid-file leaves a short data chunk
            if end > len(data):
                break
        pos = end + (size % 2)
    if fmt is None or len(fmt) < 16:
        raise WavError(f"{name}: no 'fmt ' chunk")
    if body is None:
        raise WavError(f"{name}: no 'data' chunk")
    tag_value, channels, rate, _, block, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag_value == WavFormat.EXTENSIBLE and len(fmt) >= 26:
        tag_value = struct.unpack("<H", fmt[24:26])[0]  # the sub-format GUID starts with the tag
    if tag_value not in (WavFormat.PCM, WavFormat.ALAW, WavFormat.MULAW):
        raise WavError(f"{name}: format tag {tag_value} is not PCM, µ-law or A-law")
    wav_format = WavFormat(tag_value)
    if channels < 1 or rate < 1:
        raise WavError(f"{name}: {channels} channels at {rate} Hz")
    usable = len(body) - len(body) % max(block, 1)
    body = body[:usable]
    if wav_format in _CODEC_OF:
        if bits != 8:
            raise WavError(f"{name}: G.711 with {bits} bits per sample (must be 8)")
        pcm = g711.decode(body, _CODEC_OF[wav_format])
    elif bits == 16:
        pcm = body
    elif bits == 8:  # unsigned 8-bit PCM
        pcm = ((np.frombuffer(body, dtype=np.uint8).astype(np.int16) - 128) << 8).astype("<i2").tobytes()
    else:
        raise WavError(f"{name}: {bits}-bit PCM (16- or 8-bit expected)")
    return WavAudio(pcm, rate, channels, wav_format)
