"""Child of test_prompt_audio_devices.py: the prompt editor against a real (virtual) sound card.

Runs with XDG_RUNTIME_DIR pointing at a PulseAudio server whose null sink's monitor is remapped
as a microphone: what the editor plays ("Listen") is what the microphone hears. The editor's
record dialog is driven like an operator would (name, Record, Stop, Save) while the standard
prompt plays; prints one JSON line with what happened.
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

from app.services.prompt_library import PromptLibrary
from app.ui.voice.audio_devices import loudspeaker, microphone
from app.ui.voice.prompt_editor import PromptEditor
from app.ui.voice.record_dialog import RecordDialog


def main() -> int:
    app = QApplication(sys.argv[:1])
    mic, speaker = microphone(), loudspeaker()
    out: dict[str, object] = {"microphone": bool(mic), "loudspeaker": bool(speaker)}
    if mic is None or speaker is None:
        print(json.dumps(out))
        return 0
    library = PromptLibrary(Path(sys.argv[1]))
    editor = PromptEditor(library, operator="张三")
    editor.show()
    editor.select("no_vending")
    steps: list[str] = []

    def drive_dialog() -> None:
        dialog = app.activeModalWidget()
        if not isinstance(dialog, RecordDialog):
            QTimer.singleShot(50, drive_dialog)
            return
        dialog.name_edit.setText("录音测试")
        dialog.record_button.click()  # Record
        steps.append("recording" if dialog.recorder.recording() else "not recording")
        QTimer.singleShot(300, editor.preview)  # the standard prompt, into the speaker the mic hears
        QTimer.singleShot(5500, lambda: stop(dialog))

    def stop(dialog: RecordDialog) -> None:
        dialog.record_button.click()  # Stop
        out["recorded_s"] = round(dialog.recorder.seconds(), 2)
        out["save_enabled"] = dialog.buttons.buttons()[0].isEnabled()
        dialog.accept()

    def finished() -> None:
        if editor.is_busy():
            QTimer.singleShot(50, finished)
            return
        out["status"] = editor.status.text()
        out["steps"] = steps
        mine = [p for p in library.prompts() if p.name == "录音测试"]
        if mine:
            clip, original = library.clip(mine[0].id), library.clip("no_vending")
            out["kept_s"] = clip.duration_s
            out["original_s"] = original.duration_s
            out["source"] = mine[0].source.value
            out["pcm"] = str(Path(sys.argv[1]) / "recorded.pcm")
            Path(str(out["pcm"])).write_bytes(clip.pcm)
        app.quit()

    def record_then_finish() -> None:
        editor.record()  # the record dialog, modal: drive_dialog works it
        QTimer.singleShot(0, finished)

    QTimer.singleShot(0, drive_dialog)
    QTimer.singleShot(0, record_then_finish)
    QTimer.singleShot(30000, app.quit)  # never hang the test
    app.exec()
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
