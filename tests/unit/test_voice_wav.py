"""G.711 and PCM WAV files: written so that ffmpeg reads them back sample for sample, and read
(ours, ffmpeg's, 8-bit, stereo, cut short) with errors that name the file."""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from app.adapters.voice import g711
from app.adapters.voice.wav import WavError, WavFormat, read_wav, write_wav
from app.core.voice import Codec
from tests.voice_audio import speechlike

PCM = speechlike(0.5).pcm


@pytest.mark.parametrize("codec", [None, Codec.PCMU, Codec.PCMA])
def test_round_trip(codec: Codec | None) -> None:
    data = write_wav(PCM, codec=codec)
    audio = read_wav(data)
    assert (audio.rate, audio.channels, audio.duration_s) == (8000, 1, 0.5)
    expected = PCM if codec is None else g711.decode(g711.encode(PCM, codec), codec)
    assert audio.pcm == expected
    assert audio.format is (
        WavFormat.PCM if codec is None else {Codec.PCMU: WavFormat.MULAW, Codec.PCMA: WavFormat.ALAW}[codec]
    )


def test_g711_layout() -> None:
    data = write_wav(PCM[:6], codec=Codec.PCMU)  # three samples: an odd data chunk gets its pad byte
    assert data[12:16] == b"fmt " and struct.unpack("<I", data[16:20])[0] == 18
    assert struct.unpack("<HHIIHHH", data[20:38]) == (7, 1, 8000, 8000, 1, 8, 0)
    assert data[38:42] == b"fact" and struct.unpack("<II", data[42:50]) == (4, 3)
    assert data[50:54] == b"data" and struct.unpack("<I", data[54:58])[0] == 3
    assert len(data) == 58 + 4 and struct.unpack("<I", data[4:8])[0] == len(data) - 8


@pytest.mark.peer
@pytest.mark.parametrize(("codec", "ffmpeg_codec"), [(Codec.PCMU, "pcm_mulaw"), (Codec.PCMA, "pcm_alaw")])
def test_ffmpeg_reads_ours_and_we_read_ffmpegs(tmp_path: Path, codec: Codec, ffmpeg_codec: str) -> None:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is installed by scripts/setup.sh"
    ours = tmp_path / "ours.wav"
    ours.write_bytes(write_wav(PCM, codec=codec))
    decoded = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(ours), "-f", "s16le", "-ac", "1", "-ar", "8000", "-"],
        capture_output=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    assert decoded == g711.decode(g711.encode(PCM, codec), codec)
    theirs = tmp_path / "theirs.wav"
    subprocess.run(
        [ffmpeg, "-v", "error", "-y", "-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "-",
         "-c:a", ffmpeg_codec, str(theirs)],
        input=PCM, check=True, timeout=30,
    )  # fmt: skip
    their_decoding = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(theirs), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout  # (ffmpeg's encoder rounds a few samples differently from G.711's; the decoders agree)
    assert read_wav(theirs.read_bytes(), theirs.name).pcm == their_decoding


def test_eight_bit_stereo_and_extensible() -> None:
    left_right = np.array([[0, 255], [128, 128]], dtype=np.uint8).tobytes()
    fmt = struct.pack("<HHIIHH", 1, 2, 8000, 16000, 2, 8)
    data = b"RIFF" + struct.pack("<I", 4 + 24 + 8 + 4) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
    data += b"data" + struct.pack("<I", 4) + left_right
    audio = read_wav(data)
    assert audio.channels == 2 and np.frombuffer(audio.pcm, "<i2").tolist() == [-32768, 32512, 0, 0]
    assert np.frombuffer(audio.mono(), "<i2").tolist() == [-128, 0]
    extensible = (
        struct.pack("<HHIIHHHHI", 0xFFFE, 1, 8000, 8000, 1, 8, 22, 8, 0) + struct.pack("<H", 7) + bytes(14)
    )
    body = g711.encode(PCM[:20], Codec.PCMU)
    wav = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(extensible))
        + extensible
        + b"data"
        + struct.pack("<I", 10)
        + body
    )
    assert read_wav(b"RIFF" + struct.pack("<I", len(wav)) + wav).format is WavFormat.MULAW


def test_a_recording_cut_short_keeps_what_is_there() -> None:
    data = write_wav(PCM)
    audio = read_wav(data[: len(data) - 1001])
    assert audio.pcm == PCM[: len(PCM) - 1002]  # whole samples only


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"ID3\x03 not a wav", "prompt.wav: not a WAV file"),
        (b"RIFF\x04\x00\x00\x00WAVE", "prompt.wav: no 'fmt ' chunk"),
        (write_wav(PCM)[:36], "prompt.wav: no 'data' chunk"),
        (write_wav(PCM).replace(b"\x01\x00\x01\x00", b"\x55\x00\x01\x00", 1), "format tag 85 is not PCM"),
        (write_wav(PCM).replace(b"\x02\x00\x10\x00", b"\x03\x00\x18\x00", 1), "24-bit PCM"),
    ],
)
def test_errors_name_the_file(data: bytes, words: str) -> None:
    with pytest.raises(WavError, match=words):
        read_wav(data, "prompt.wav")


@pytest.mark.parametrize(
    ("codec", "sha256"),
    [
        (Codec.PCMU, "81d633c9e6972a18c74a58720b96cb8ca0bdd096d4060b646dd708c3b846019a"),
        (Codec.PCMA, "38488f6fd710f4686360edc4d38639f96c491595ef93f8eb8d62d5e07ca6ce7b"),
    ],
)
def test_every_sample_is_encoded_as_the_reference_encoder_does(codec: Codec, sha256: str) -> None:
    """The codes of all 65,536 samples, -32768 to 32767, are those of Sun's reference g711.c (as
    CPython's audioop.lin2ulaw / lin2alaw gave them; audioop leaves Python in 3.13)."""
    every = np.arange(-32768, 32768, dtype="<i2").tobytes()
    assert hashlib.sha256(g711.encode(every, codec)).hexdigest() == sha256
    assert g711.encode(every[:4], codec) == g711.encode(every, codec)[:2]  # any length, from the start
