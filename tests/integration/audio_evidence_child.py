"""Child of test_audio_evidence_device.py: a laddered case's recording played from the case detail
on a real (virtual) sound card, while the card's monitor is recorded as the microphone hears it.

Runs with XDG_RUNTIME_DIR pointing at a PulseAudio server whose null sink's monitor is remapped as
the default microphone; prints one JSON line with what happened; the heard PCM goes to argv[1].
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.ui.cases.detail import CaseDetail
from app.ui.voice.audio_devices import Recorder, loudspeaker, microphone
from tests.ui.case_fakes import SHANGHAI, FakeNames
from tests.ui.voice_case_world import laddered_case


def main() -> int:
    app = QApplication(sys.argv[:1])
    mic, speaker = microphone(), loudspeaker()
    out: dict[str, object] = {"microphone": bool(mic), "loudspeaker": bool(speaker)}
    if mic is None or speaker is None:
        print(json.dumps(out))
        return 0
    world = laddered_case()
    view = CaseDetail(FakeNames(), SHANGHAI, world.evidence.read, world.clock.now)
    view.show_case(world.case, world.timeline)
    (row,) = view.audio.rows
    out["enabled"] = row.play_button.isEnabled()
    recorder = Recorder(mic)
    seen: list[str] = []

    def play() -> None:
        row.play_button.click()
        QTimer.singleShot(0, watch)

    def watch() -> None:
        seen.append(row.play_button.text())
        if view.audio.player.playing is not None or len(seen) < 2:
            QTimer.singleShot(20, watch)
            return
        QTimer.singleShot(400, finish)  # the tail reaches the monitor

    def finish() -> None:
        recorder.stop()
        out["buttons"] = sorted(set(seen))
        out["problem"] = row.status.text()
        out["rate"] = recorder.rate
        out["channels"] = recorder.channels
        Path(sys.argv[1]).write_bytes(recorder.samples().tobytes())
        app.quit()

    recorder.start()
    QTimer.singleShot(300, play)
    QTimer.singleShot(20000, app.quit)  # never hang the test
    app.exec()
    view.shutdown()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
