"""A case's voice-prompt recording played from the case detail on a real sound server: a PulseAudio
of the test's own (its null sink is the loudspeaker, the sink's monitor the microphone), in a child
process (Qt Multimedia meets its sound server once per process). The button turns to Stop while it
plays and back to Play at the end; the microphone hears the prompt's 440 Hz tone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.integration.test_prompt_audio_devices import pytestmark as device_marks
from tests.integration.test_prompt_audio_devices import sound_server  # noqa: F401 (the fixture)

CHILD = Path(__file__).with_name("audio_evidence_child.py")
pytestmark = device_marks


def test_the_recording_plays_on_the_workstations_loudspeaker(
    sound_server: dict[str, str],  # noqa: F811 (the fixture)
    tmp_path: Path,
) -> None:
    heard = tmp_path / "heard.pcm"
    done = subprocess.run(
        [sys.executable, str(CHILD), str(heard)], env=sound_server, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["microphone"] and result["loudspeaker"], result
    assert result["enabled"] and result["problem"] == "", result
    assert "Stop" in result["buttons"] and "Play" in result["buttons"], result
    samples = np.frombuffer(heard.read_bytes(), "<i2").astype(float) / 32768
    rate, channels = int(result["rate"]), int(result["channels"])
    mono = samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples
    loud = np.abs(mono) > 0.05
    # The prompt (a 0.5 s tone) reached the microphone. Only roughly in time: PulseAudio's null-sink
    # loop drops pieces of audio on a busy machine (see test_prompt_audio_devices).
    assert 0.2 < loud.sum() / rate < 1.5, loud.sum() / rate
    spectrum = np.abs(np.fft.rfft(mono)) ** 2
    freqs = np.fft.rfftfreq(len(mono), 1 / rate)
    assert spectrum[(freqs > 400) & (freqs < 480)].sum() > 0.6 * spectrum.sum()  # the tone, not noise
