"""A case filed after the escalation ladder shows its whole story — the raise, both prompts (who,
which prompt, which speakers, reached or not and why), the ladder's steps, then the case's own
events — and the audio the speakers got: a recording row with play and save, a clear message
where the workstation has no sound output, never a broken picture tile; the alert's evidence
window lists the recording too. Rendered in Chinese (CITYWALL_SHOTS=folder keeps the pictures)."""

from __future__ import annotations

import io
import os
import wave
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.core.alerts import EvidenceKind
from app.ui.alerts.evidence import EvidenceWindow
from app.ui.audio_evidence import AudioPlayer
from app.ui.cases.detail import CaseDetail
from app.ui.i18n import Translations
from tests.alert_fakes import detected
from tests.fault_folders import read_only_folder
from tests.ui.case_fakes import SHANGHAI, FakeNames
from tests.ui.voice_case_world import SPEAKERS, LadderedCase, laddered_case


class FakeSound(QObject):
    """Stands in for the loudspeaker's player: keeps what it was given; ``finish`` plays it to the end."""

    finished = Signal()
    made: list[FakeSound] = []  # noqa: RUF012 (the tests read it)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.played: list[bytes] = []
        self.playing = False
        FakeSound.made.append(self)

    def play(self, pcm: bytes) -> None:
        self.stop()
        self.played.append(pcm)
        self.playing = True

    def stop(self) -> None:
        if self.playing:
            self.playing = False
            self.finished.emit()

    def finish(self) -> None:
        self.stop()


def no_output() -> bool:
    return False


def detail_of(qtbot: QtBot, world: LadderedCase, player: AudioPlayer | None = None) -> CaseDetail:
    read = world.evidence.read
    player = player or AudioPlayer(read, available=no_output, pool=QThreadPool())
    view = CaseDetail(
        FakeNames(), SHANGHAI, read, world.clock.now, speaker_name=SPEAKERS.__getitem__, audio_player=player
    )
    qtbot.addWidget(view)
    view.show_case(world.case, world.timeline)
    return view


def rows(view: CaseDetail) -> list[tuple[str, str, str, str]]:
    out = []
    for n in range(view.timeline.topLevelItemCount()):
        item = view.timeline.topLevelItem(n)
        assert item is not None
        out.append((item.text(0)[11:], item.text(1), item.text(3), item.text(4)))
    return out


def test_the_timeline_tells_the_whole_story_in_time_order(qtbot: QtBot) -> None:
    world = laddered_case()
    view = detail_of(qtbot, world)
    shown = rows(view)
    assert [(when, action) for when, _, action, _ in shown] == [
        ("14:26:40", "Alert raised"),
        ("14:26:40", "Voice prompt 1 playing"),
        ("14:26:40", "Voice prompt reached the speakers"),
        ("14:26:40", "Prompt 1 played, recheck in 2:00"),
        ("14:26:40", "Evidence kept"),
        ("14:28:40", "Rechecking after prompt 1"),
        ("14:29:41", "Voice prompt 2 playing"),
        ("14:29:41", "Voice prompt reached 1 of 2 speakers"),
        ("14:29:41", "Prompt 2 played, recheck in 2:00"),
        ("14:31:41", "Rechecking after prompt 2"),
        ("14:32:42", "Still there after 2 prompts: case created"),
        ("14:32:42", "Reported"),
        ("14:34:12", "File"),
    ]
    assert shown[0][1] == "Detection" and shown[2][1] == "System" and shown[-1][1] == "张三"
    assert shown[0][3] == "Street vending · 北门禁摆区"
    assert shown[4][3].startswith("snapshot ") and "still" not in shown[4][3]
    assert shown[2][3] == "Prompt 1 of the escalation: “请勿占道经营” to 北门音柱, 北门摄像机喇叭"
    second = "Prompt 2 of the escalation: “请勿占道经营” to 北门音柱, 北门摄像机喇叭"
    assert shown[7][3] == f"{second}; not reached: 北门音柱: no connection"
    partial = view.timeline.topLevelItem(7)
    assert partial is not None and "Alert al-0601" in partial.toolTip(3)
    assert "北门摄像机喇叭: reached" in partial.toolTip(3)


def test_the_recording_is_a_row_with_play_and_save_never_a_picture_tile(qtbot: QtBot) -> None:
    world = laddered_case()
    view = detail_of(qtbot, world)
    assert view.tabs.tabText(1) == "Evidence (2)"
    assert view.gallery.count() == 1  # the still; the recording is not a picture
    (row,) = view.audio.rows
    assert row.ref.kind is EvidenceKind.AUDIO
    # both prompts sent the same clip: one file, said so
    assert row.label.text() == "Voice prompt recording · 请勿占道经营 · 0.5 s · 14:26:40 · played 2 times"
    # this workstation has no sound output: said once, plainly; play is off, save is on
    assert view.audio.no_output.isVisibleTo(view.audio)
    assert "no sound output" in view.audio.no_output.text() and "WAV" in view.audio.no_output.text()
    assert not row.play_button.isEnabled() and row.save_button.isEnabled()
    # a double click on a prompt's row in the timeline opens its recording
    prompt = view.timeline.topLevelItem(2)
    assert prompt is not None
    view.timeline.itemActivated.emit(prompt, 0)
    assert view.tabs.currentWidget() is view.evidence_page


def test_a_device_unplugged_after_the_list_was_shown_is_said_on_play(qtbot: QtBot) -> None:
    world = laddered_case()
    present = [True]
    player = AudioPlayer(world.evidence.read, available=lambda: present[0], pool=QThreadPool())
    view = detail_of(qtbot, world, player)
    (row,) = view.audio.rows
    assert row.play_button.isEnabled() and not view.audio.no_output.isVisibleTo(view.audio)
    present[0] = False
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    assert row.status.isVisibleTo(row) and "no sound output" in row.status.text()
    assert player.playing is None


def test_play_sends_the_recorded_pcm_to_the_loudspeaker_and_stops_at_the_end(qtbot: QtBot) -> None:
    world = laddered_case()
    FakeSound.made.clear()
    player = AudioPlayer(world.evidence.read, available=lambda: True, sound=FakeSound, pool=QThreadPool())
    view = detail_of(qtbot, world, player)
    (row,) = view.audio.rows
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.play_button.text() == "Stop")
    (sound,) = FakeSound.made
    with wave.open(io.BytesIO(world.evidence.read(row.ref)), "rb") as source:
        assert sound.played == [source.readframes(source.getnframes())]  # 8 kHz mono PCM as sent
    sound.finish()
    assert row.play_button.text() == "Play" and player.playing is None
    # again, and stopped before the end: the loudspeaker stops (one player, used again)
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.play_button.text() == "Stop")
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    assert len(FakeSound.made) == 1 and len(sound.played) == 2 and not sound.playing
    assert row.play_button.text() == "Play"


def test_a_recording_that_cannot_be_read_is_said_in_its_row(qtbot: QtBot) -> None:
    world = laddered_case()
    audio = next(e.ref for e in world.case.evidence if e.ref.kind is EvidenceKind.AUDIO)
    world.evidence.files[audio.sha256] = b"RIFF, but not a WAV"
    player = AudioPlayer(world.evidence.read, available=lambda: True, sound=FakeSound, pool=QThreadPool())
    view = detail_of(qtbot, world, player)
    (row,) = view.audio.rows
    qtbot.mouseClick(row.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "could not be read" in row.status.text())
    assert row.play_button.text() == "Play" and player.playing is None


def test_save_writes_the_wav_and_a_read_only_folder_is_said(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = laddered_case()
    view = detail_of(qtbot, world)
    (row,) = view.audio.rows
    target = tmp_path / "out" / "prompt"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    row.save_button.click()
    saved = target.with_name("prompt.wav")
    qtbot.waitUntil(lambda: "Saved to" in row.status.text())
    assert saved.read_bytes() == world.evidence.read(row.ref)
    assert str(saved) in row.status.text()
    locked = tmp_path / "locked"
    with read_only_folder(locked):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(locked / "p.wav"), ""))
        row.save_button.click()
        qtbot.waitUntil(lambda: "Not saved" in row.status.text())
    assert "the folder is read-only" in row.status.text() and not (locked / "p.wav").exists()


def test_the_alerts_evidence_window_lists_its_recordings(qtbot: QtBot) -> None:
    world = laddered_case()
    audio = next(e.ref for e in world.case.evidence if e.ref.kind is EvidenceKind.AUDIO)
    still = next(e.ref for e in world.case.evidence if e.ref.kind is EvidenceKind.STILL)
    alert = replace(detected("al-0601", at=world.case.created_at), evidence=(still, audio))
    window = EvidenceWindow(alert, "北门", world.evidence.read, SHANGHAI)
    qtbot.addWidget(window)
    (row,) = window.audio.rows
    assert window.audio.isVisibleTo(window) and "请勿占道经营" in row.label.text()
    assert row.save_button.isEnabled()
    window.done(0)
    plain = EvidenceWindow(replace(alert, evidence=(still,)), "北门", world.evidence.read, SHANGHAI)
    qtbot.addWidget(plain)
    assert plain.audio.rows == [] and not plain.audio.isVisibleTo(plain)
    plain.done(0)


def test_a_laddered_case_renders_in_chinese(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from app.ui.theme import apply_theme

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    Translations().set_language("zh_CN")
    world = laddered_case()
    view = detail_of(qtbot, world)
    view.resize(1280, 860)
    view.show()
    qtbot.waitUntil(lambda: view.pair.before.picture.pixmap() is not None
                    and not view.pair.before.picture.pixmap().isNull())  # fmt: skip
    shown = rows(view)
    assert shown[0][2] == "告警产生" and shown[1][2] == "第 1 次喊话播放中"
    assert shown[7][3].endswith("未送达：北门音柱：无法连接")
    (row,) = view.audio.rows
    assert row.label.text() == "喊话录音 · 请勿占道经营 · 0.5 秒 · 14:26:40 · 播放 2 次"
    folder = Path(os.environ.get("CITYWALL_SHOTS", tmp_path))
    assert view.grab().save(str(folder / "case-detail-laddered.png"))
    view.tabs.setCurrentWidget(view.evidence_page)
    qtbot.wait(20)
    assert view.grab().save(str(folder / "case-detail-laddered-evidence.png"))


def test_every_alert_event_is_worded(qtbot: QtBot) -> None:
    """The operator's decisions on the alert, a stopped ladder and an event this version does not
    know (shown as it is, never dropped)."""
    from app.core.alerts import AlertBook, DismissReason
    from app.core.audit import GENESIS, AuditDraft, seal
    from app.core.voice_ladder import Ladder, LadderStep
    from app.ui.cases.timeline_words import timeline_row

    book = AlertBook()
    alert = detected("a9")
    drafts = [
        book.raise_alert(alert).draft,
        book.raise_alert(replace(alert, id="a10", raised_at=alert.raised_at + 60)).draft,  # continued
        book.snooze("a9", "张三", alert.raised_at + 70, 5).draft,
        book.set_ladder("a9", Ladder("a9", LadderStep.STOPPED, 1, 0.0, by="张三"), "张三", 80.0).draft,
        book.dismiss("a9", "李四", alert.raised_at + 90, DismissReason.PERMITTED, "有证早餐车").draft,
        AuditDraft("alert:a9", "something_new", "system", 100.0, note="kept as it is"),
    ]
    events = [seal(d, n, GENESIS) for n, d in enumerate(drafts, 1)]
    words = [timeline_row(e, SHANGHAI, FakeNames(), SPEAKERS.__getitem__) for e in events]
    assert [(w.who, w.action, w.note) for w in words] == [
        ("Detection", "Alert raised", "Street vending · 北门禁摆区"),
        ("Detection", "Seen again by detection", ""),
        ("张三", "Alert muted", "5 min"),
        ("张三", "Voice escalation stopped by 张三", ""),
        ("李四", "Dismissed as false", "Permitted: 有证早餐车"),
        ("System", "something_new", "kept as it is"),
    ]
    assert all(w.alert_id == "a9" for w in words)
