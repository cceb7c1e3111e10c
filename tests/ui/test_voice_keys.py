"""The voice keys in the window, over fakes: H pushes the prompt to the selected tile's or alert's
speakers with the operator's name, Shift+H chooses prompt and times, Ctrl+H stops, a camera
without a speaker says so, F8 talks while held (and says so where there is no microphone), Z and
W stop and skip the escalation ladder, Ctrl+Shift+H broadcasts for the shift leader only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtMultimedia import QAudioDevice, QMediaDevices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.core.alerts import Rule
from app.core.voice import VoicePriority
from app.core.voice_ladder import LadderStep
from app.ui.voice.dialogs import EmergencyDialog, PromptChooser
from app.ui.voice.hub import VoiceHub
from app.ui.voice.microphone import QtMicrophone, Sink
from app.ui.wall.tiles import MarkTone
from tests.alert_fakes import detected
from tests.ui.voice_rig import Rig, StreamingPort, make_rig
from tests.voice_fakes import tone

NORTH = ("spk-north", "spk-cam1")


def hub(rig: Rig) -> VoiceHub:
    assert rig.win.voice is not None
    return rig.win.voice


def on_tile(rig: Rig, index: int) -> None:
    rig.win.pane.compositor.set_selected(index)
    rig.win.pane.setFocus()


def key(rig: Rig, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the operator works: the window must have the keyboard back (after a dialog)."""
    if not rig.win.isActiveWindow():
        rig.win.activateWindow()
        assert QTest.qWaitForWindowActive(rig.win)
    widget = rig.win.focusWidget() or rig.win.pane
    QTest.keyClick(widget, key, modifier)


def message(rig: Rig) -> str:
    return rig.win.statusBar().currentMessage()


def answer(script: Callable[[QDialog], None]) -> list[QDialog]:
    """Work the next modal dialog with ``script`` once it has the keyboard (inside its own loop,
    as an operator would); whatever the script leaves open is cancelled."""
    shown: list[QDialog] = []

    def poll(tries: int = 300) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QDialog) and dialog.isActiveWindow():
            shown.append(dialog)
            script(dialog)
            if dialog.isVisible():
                dialog.reject()
        elif tries:
            QTimer.singleShot(10, lambda: poll(tries - 1))

    QTimer.singleShot(0, poll)
    return shown


def test_h_on_a_tile_plays_the_default_prompt_to_its_speakers_and_says_what_reached_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.port.dead = {"spk-cam1"}
    on_tile(rig, 0)
    key(rig, Qt.Key.Key_H)
    assert rig.port.calls == [(NORTH, "请勿占道经营", VoicePriority.OPERATOR)]
    assert hub(rig).last_message == "正在向 北门音柱、北门摄像机喇叭 播放「请勿占道经营」"
    event = rig.writer.events[-1]  # no alert at the tile: an audit event of its own, with the name
    assert (event.subject, event.action, event.actor) == ("camera:cam1", "voice_prompt", "王芳")
    qtbot.waitUntil(lambda: "已送达" in message(rig), timeout=3000)
    assert message(rig) == (
        "「请勿占道经营」（测试点 cam1）：北门音柱 已送达；北门摄像机喇叭 未送达（无法连接）"
    )
    qtbot.waitUntil(lambda: "cam1" in rig.win.pane.compositor.voice_marks, timeout=3000)
    mark = rig.win.pane.compositor.voice_marks["cam1"]
    assert mark.tone is MarkTone.FAULT and mark.text == "喇叭故障"  # the speaker that failed is down


def test_h_on_an_alert_in_the_list_plays_its_rules_prompt_and_records_it_on_the_alert(
    qtbot: QtBot, tmp_path: Path
) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("bin1", "cam2", at=rig.clock.t, rule=Rule.BIN_OVERFLOW, code="0103"))
    triage = rig.win.alerts.triage  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: triage.select("bin1"), timeout=2000)
    triage.table.setFocus()
    on_wall = rig.win.pane.compositor.selected
    assert on_wall != 1  # the list has the keyboard: its alert wins over the wall's selection
    key(rig, Qt.Key.Key_H)
    assert rig.port.calls == [(("spk-market",), "请将垃圾投入垃圾桶", VoicePriority.OPERATOR)]
    (play,) = rig.alerts.get("bin1").plays
    assert play.by == "王芳" and play.delivered == ("spk-market",)
    qtbot.waitUntil(lambda: "菜场音柱 已送达" in message(rig), timeout=3000)


def test_a_tile_with_an_open_alert_plays_that_alerts_prompt_on_it(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("bin1", "cam2", at=rig.clock.t, rule=Rule.BIN_OVERFLOW, code="0103"))
    on_tile(rig, 1)
    key(rig, Qt.Key.Key_H)
    assert rig.port.calls[-1][1] == "请将垃圾投入垃圾桶"
    assert len(rig.alerts.get("bin1").plays) == 1


def test_shift_h_chooses_the_prompt_and_the_times(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)

    def pick_litter_three_times(dialog: QDialog) -> None:
        assert isinstance(dialog, PromptChooser)
        assert dialog.prompt_id == "no_vending"  # the tile's default first
        assert "北门音柱、北门摄像机喇叭" in dialog.where.text()
        QTest.keyClick(dialog.list, Qt.Key.Key_Down)
        QTest.keyClick(dialog.list, Qt.Key.Key_3)
        QTest.keyClick(dialog.list, Qt.Key.Key_Return)

    shown = answer(pick_litter_three_times)
    on_tile(rig, 0)
    key(rig, Qt.Key.Key_H, Qt.KeyboardModifier.ShiftModifier)
    assert len(shown) == 1
    assert rig.port.calls == [(NORTH, "请将垃圾投入垃圾桶 ×3", VoicePriority.OPERATOR)]
    assert hub(rig).last_message.startswith("正在向 北门音柱、北门摄像机喇叭 播放「请将垃圾投入垃圾桶」3 遍")
    assert rig.writer.events[-1].data["play"]["repeats"] == 3


def test_ctrl_h_stops_what_plays_and_the_tile_shows_it_playing_until_then(
    qtbot: QtBot, tmp_path: Path
) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.port.hold = True
    on_tile(rig, 0)
    key(rig, Qt.Key.Key_H)
    compositor = rig.win.pane.compositor
    qtbot.waitUntil(lambda: "cam1" in compositor.voice_marks, timeout=2000)
    assert compositor.voice_marks["cam1"].text == "喊话中"
    assert compositor.voice_marks["cam1"].tone is MarkTone.PLAYING
    key(rig, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert rig.port.stops == [True]
    assert message(rig) == "已停止 测试点 cam1 处的喊话。"
    rig.port.finish()  # the transport ends the stopped play
    qtbot.waitUntil(lambda: "cam1" not in compositor.voice_marks, timeout=2000)
    key(rig, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert message(rig) == "测试点 cam1 处没有正在播放的喊话。"


def test_a_camera_no_speaker_serves_says_so_and_plays_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    on_tile(rig, 2)
    key(rig, Qt.Key.Key_H)
    assert rig.port.calls == []
    assert message(rig) == "没有喇叭覆盖 测试点 cam3，未播放。"
    rig.win.pane.compositor.set_selected(-1)
    key(rig, Qt.Key.Key_H)
    assert message(rig) == "请先选择一个画面或一条告警。"


def test_f8_without_a_microphone_says_so_and_nothing_plays(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The computer's own input, as on a machine without a sound card (this one, and most CI).
    monkeypatch.setattr(QMediaDevices, "defaultAudioInput", staticmethod(QAudioDevice))
    rig = make_rig(qtbot, tmp_path)
    on_tile(rig, 0)
    QTest.keyPress(rig.win.pane, Qt.Key.Key_F8)
    assert message(rig) == "本机没有麦克风，无法讲话。请接上麦克风后再试。"
    assert not hub(rig).talking and rig.port.calls == []
    QTest.keyRelease(rig.win.pane, Qt.Key.Key_F8)
    assert rig.win.isVisible()


class FakeMicrophone:
    def __init__(self) -> None:
        self.sink: Sink | None = None
        self.stopped = False

    def start(self, sink: Sink) -> str | None:
        self.sink = sink
        return None

    def stop(self) -> None:
        self.stopped = True


def test_f8_held_talks_live_to_the_speakers_until_released(qtbot: QtBot, tmp_path: Path) -> None:
    mic = FakeMicrophone()
    port = StreamingPort()
    rig = make_rig(qtbot, tmp_path, port=port, microphone=lambda: mic)
    on_tile(rig, 0)
    QTest.keyPress(rig.win.pane, Qt.Key.Key_F8)
    assert hub(rig).talking and message(rig) == "正在对 北门音柱、北门摄像机喇叭 讲话，松开 F8 结束"
    assert port.calls == [(NORTH, "live", VoicePriority.LIVE)]
    assert mic.sink is not None
    speech = tone(0.3)
    mic.sink(speech[:1000])  # chunks of any size: 20 ms frames go out
    mic.sink(speech[1000:])
    QTest.keyPress(rig.win.pane, Qt.Key.Key_F8, Qt.KeyboardModifier.NoModifier, -1)  # (auto-repeat: ignored)
    QTest.keyRelease(rig.win.pane, Qt.Key.Key_F8)
    assert not hub(rig).talking and mic.stopped
    qtbot.waitUntil(lambda: "讲话结束" in message(rig), timeout=3000)
    assert message(rig) == "测试点 cam1 讲话结束：北门音柱 已送达；北门摄像机喇叭 已送达"
    assert all(len(frame) == 320 for frame in port.live)
    assert b"".join(port.live)[: len(speech)] == speech
    event = rig.writer.events[-1]
    assert (event.action, event.actor) == ("voice_prompt", "王芳")


def test_z_and_w_stop_and_skip_the_escalation_of_the_selected_alert(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    rig.alerts.detector_raised(detected("a2", "cam2", at=rig.clock.t, zone_id="z2"))
    triage = rig.win.alerts.triage  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: triage.select("a1"), timeout=2000)
    triage.table.setFocus()
    key(rig, Qt.Key.Key_W)  # the wait is skipped: the scheduler rechecks the camera now
    ladder = rig.alerts.get("a1").ladder
    assert ladder is not None and ladder.step is LadderStep.RECHECKING and ladder.by == "王芳"
    assert rig.rechecks == ["cam1"] and message(rig) == "已跳过：第 1 次喊话后复核中"
    assert triage.select("a2")
    key(rig, Qt.Key.Key_Z)
    stopped = rig.alerts.get("a2").ladder
    assert stopped is not None and stopped.step is LadderStep.STOPPED and stopped.by == "王芳"
    assert message(rig) == "已停止 测试点 cam2 的喊话升级。"
    assert rig.writer.events[-1].actor == "王芳"
    key(rig, Qt.Key.Key_Z)  # nothing left to stop there
    assert message(rig) == "所选告警没有进行中的喊话升级。"
    # the menu entries of the alert list's context menu are the same actions
    texts = [a.text() for a in triage.table.actions()]
    assert "停止所选告警的喊话升级" in texts and "跳过喊话升级的等待：立即复核" in texts


def test_emergency_broadcast_is_the_shift_leaders_and_is_confirmed(qtbot: QtBot, tmp_path: Path) -> None:
    operator = make_rig(qtbot, tmp_path / "operator")
    key(operator, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.activeModalWidget() is None and operator.port.calls == []
    assert message(operator) == "只有值班长可以发起紧急广播。"
    operator.win.close()

    leader = make_rig(qtbot, tmp_path / "leader", role="shift_leader")

    def enter_alone_cancels(dialog: QDialog) -> None:
        assert isinstance(dialog, EmergencyDialog)
        QTest.keyClick(dialog.list, Qt.Key.Key_Return)
        assert not dialog.isVisible()

    shown = answer(enter_alone_cancels)
    key(leader, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(shown) == 1 and leader.port.calls == [] and message(leader) == "已取消紧急广播。"

    def confirm(dialog: QDialog) -> None:
        assert isinstance(dialog, EmergencyDialog) and "全部 3 个喇叭" in dialog.where.text()
        dialog.ok.click()

    shown = answer(confirm)
    key(leader, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert leader.port.calls == [
        (("spk-north", "spk-cam1", "spk-market"), "请勿占道经营", VoicePriority.EMERGENCY)
    ]
    assert len(shown) == 1 and leader.writer.events[-1].actor == "王芳"


def test_f1_lists_the_voice_keys(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    texts = rig.win.help.texts()
    for label in ("喊话", "向所选画面或告警处喊话", "按住讲话（松开结束）", "F8", "Ctrl+Shift+H"):
        assert label in texts


def test_qt_microphone_without_an_input_device_says_so(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QMediaDevices, "defaultAudioInput", staticmethod(QAudioDevice))
    heard: list[bytes] = []
    why = QtMicrophone().start(heard.append)
    assert why is not None and "microphone" in why.lower()


def test_h_in_the_alarm_window_plays_the_prompt_of_the_alert_it_shows(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("bin1", "cam2", at=rig.clock.t, rule=Rule.BIN_OVERFLOW, code="0103"))
    workspace = rig.win.alerts
    assert workspace is not None
    workspace.alarm_action.setChecked(True)
    alarm = workspace.alarm_window
    assert alarm is not None
    qtbot.waitUntil(lambda: alarm.alert is not None and alarm.alert.id == "bin1", timeout=2000)
    alarm.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is alarm, timeout=2000)
    qtbot.keyClick(alarm, Qt.Key.Key_H)
    assert rig.port.calls == [(("spk-market",), "请将垃圾投入垃圾桶", VoicePriority.OPERATOR)]
    assert len(rig.alerts.get("bin1").plays) == 1
