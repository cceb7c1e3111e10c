"""Seen and heard until taken: tile marks on the wall, the alarm sound per priority, the alarm window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtMultimedia import QSoundEffect
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.core.alerts import AlertPriority, AlertState
from app.core.wall_layout import grid_layout
from app.ui.alerts import sound as sound_module
from app.ui.alerts.alarm_window import AlarmWindow
from app.ui.alerts.attention import Attention
from app.ui.alerts.sound import AlarmSound
from app.ui.wall.compositor import TileInfo, WallCompositor
from tests.ui.alert_fakes import CAMERAS, alert, make_service, picture_bytes
from tests.ui.fakes import FakeSource

INFOS = {c: TileInfo(c, n) for c, n in CAMERAS.items()}


@pytest.fixture
def wall(qtbot: QtBot) -> WallCompositor:
    compositor = WallCompositor(FakeSource(list(CAMERAS)), client_id="test")
    qtbot.addWidget(compositor)
    compositor.resize(800, 450)
    compositor.show_page(grid_layout(2, 2), [INFOS[c] for c in list(CAMERAS)[:4]])
    return compositor


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def marked(wall: WallCompositor) -> set[str]:
    return {t.info.camera_id for t in wall.tiles() if t.info is not None and t.awaiting}


def test_a_tile_stays_marked_and_the_sound_repeats_until_the_alert_is_taken(
    qtbot: QtBot, wall: WallCompositor, settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sound_module.REPEAT_S, AlertPriority.NORMAL, 0.05)
    service, clock = make_service()
    sound = AlarmSound(tmp_path / "tones", settings)
    attention = Attention(service, lambda: [wall], sound)
    service.detector_raised(alert(1))  # cam002, normal priority
    assert marked(wall) == {"cam002"} and sound.requested == [AlertPriority.NORMAL]
    qtbot.waitUntil(lambda: len(sound.requested) >= 3)  # repeats while nobody takes it
    clock.t += 3600  # an hour later it is still marked: the mark has no timeout
    attention.refresh()
    assert marked(wall) == {"cam002"}
    service.acknowledge("a001", "张三")
    assert marked(wall) == set() and sound.priority is None
    count = len(sound.requested)
    QTest.qWait(150)
    assert len(sound.requested) == count  # silent once taken
    assert (tmp_path / "tones" / "alarm-normal.wav").stat().st_size > 10_000


def test_a_more_urgent_alert_sounds_at_once_in_its_own_tone(
    wall: WallCompositor, settings: QSettings, tmp_path: Path
) -> None:
    service, _ = make_service()
    sound = AlarmSound(tmp_path, settings)
    Attention(service, lambda: [wall], sound)
    service.detector_raised(alert(3))  # a bin: low
    service.detector_raised(alert(1))  # vending: normal
    service.detector_raised(alert(5, priority=AlertPriority.HIGH))
    assert sound.requested == [AlertPriority.LOW, AlertPriority.NORMAL, AlertPriority.HIGH]
    assert {p.name for p in tmp_path.glob("alarm-*.wav")} == {
        "alarm-low.wav",
        "alarm-normal.wav",
        "alarm-high.wav",
    }


def test_an_alert_that_cleared_before_anyone_saw_it_still_waits(
    wall: WallCompositor, settings: QSettings, tmp_path: Path
) -> None:
    service, clock = make_service()
    sound = AlarmSound(tmp_path, settings)
    Attention(service, lambda: [wall], sound)
    service.detector_raised(alert(2))  # cam003
    service.detector_cleared("a002", clock.t + 40)
    assert service.get("a002").state is AlertState.CLEARED and marked(wall) == {"cam003"}
    assert sound.priority is AlertPriority.NORMAL
    service.acknowledge("a002", "张三")
    assert marked(wall) == set() and sound.priority is None


def test_muted_is_silent_and_remembered(wall: WallCompositor, settings: QSettings, tmp_path: Path) -> None:
    service, _ = make_service()
    sound = AlarmSound(tmp_path, settings)
    Attention(service, lambda: [wall], sound)
    sound.action.trigger()  # the toolbar toggle
    assert sound.muted and "muted" in sound.action.toolTip()
    service.detector_raised(alert(1))
    assert sound.requested == [] and marked(wall) == {"cam002"}  # muted, still marked
    again = AlarmSound(tmp_path, settings)
    assert again.muted
    sound.action.trigger()  # on again: what waits sounds at once
    assert sound.requested == [AlertPriority.NORMAL]


class DeadSpeaker(QSoundEffect):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)

    def status(self) -> QSoundEffect.Status:
        return QSoundEffect.Status.Error

    def play(self) -> None:
        self.statusChanged.emit()


def test_no_sound_device_is_said_not_swallowed(qtbot: QtBot, settings: QSettings, tmp_path: Path) -> None:
    sound = AlarmSound(tmp_path, settings, effect=DeadSpeaker)
    with qtbot.waitSignal(sound.problem) as said:
        sound.play(AlertPriority.HIGH)
    assert said.args == ["No sound device plays the alarm: check the speakers."]
    assert "check the speakers" in sound.action.toolTip() and sound.requested == [AlertPriority.HIGH]


def test_the_alarm_window_shows_the_newest_waiting_alert_and_a_takes_it(
    qtbot: QtBot, wall: WallCompositor, tmp_path: Path
) -> None:
    service, _ = make_service()
    attention = Attention(service, lambda: [wall], None)
    loaded: list[str] = []

    def load(ref: object) -> bytes:
        loaded.append(getattr(ref, "sha256", ""))
        return picture_bytes(QColor(90, 90, 90))

    window = AlarmWindow(attention, service, FakeSource(list(CAMERAS)), INFOS, lambda: "张三", load)
    qtbot.addWidget(window)
    window.show()
    assert window.alert is None and window.title.text() == "No alert waits to be taken."
    service.detector_raised(alert(1))
    service.detector_raised(alert(4))
    assert window.alert is not None and window.alert.id == "a004"  # the newest
    assert [t.info.camera_id for t in window.live.tiles() if t.info] == ["cam005"]
    assert "1 more alert(s) not yet taken" in window.title.text()
    qtbot.waitUntil(lambda: not window.still.image.isNull())
    QTest.keyClick(window, Qt.Key.Key_A)
    assert service.get("a004").acknowledged_by == "张三"
    assert window.alert is not None and window.alert.id == "a001"
    window.take_shown()
    assert window.alert is None and not window.take.isEnabled()


def test_a_snoozed_alert_is_said_on_its_tile_until_the_snooze_ends(
    qtbot: QtBot, wall: WallCompositor, settings: QSettings, tmp_path: Path
) -> None:
    service, clock = make_service()
    attention = Attention(service, lambda: [wall], AlarmSound(tmp_path / "tones", settings))
    service.detector_raised(alert(1))  # cam002
    service.snooze("a001", "张三", minutes=10)
    attention.refresh()
    tile = next(t for t in wall.tiles() if t.info is not None and t.info.camera_id == "cam002")
    assert tile.muted and not tile.awaiting  # quiet, and says why

    def grey_tag_pixels() -> int:
        image = wall.grab().toImage()
        grey = QColor(96, 100, 110).rgb()
        return sum(
            image.pixel(x, y) == grey for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
        )

    assert grey_tag_pixels() > 30  # the 告警已静音 tag on the tile
    clock.t += 601
    service.tick()  # the snooze ends
    attention.refresh()
    assert not tile.muted and grey_tag_pixels() == 0
