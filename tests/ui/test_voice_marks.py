"""The escalation ladder where operators look: its step with a live countdown and the prompts
played on the alert row (list, history, alarm window), a compact badge on the tile that counts
down by repainting itself alone, and an alert resolved by prompt reading as such."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from app.core.alerts import Rule
from app.core.wall_layout import grid_layout
from app.ui.alerts.alarm_window import AlarmWindow
from app.ui.alerts.attention import Attention
from app.ui.alerts.model import AlertTableModel, Col
from app.ui.i18n import Translations
from app.ui.wall.compositor import TileInfo, WallCompositor
from app.ui.wall.tiles import MarkTone, VoiceMark
from tests.alert_fakes import detected
from tests.ui.fakes import FakeSource, image_array
from tests.ui.voice_rig import Rig, make_rig

TZ = ZoneInfo("Asia/Shanghai")


def state_text(model: AlertTableModel, alert_id: str) -> str:
    return str(model.index(model.row_of(alert_id), Col.STATE).data(Qt.ItemDataRole.DisplayRole))


def rig_model(rig: Rig) -> AlertTableModel:
    model = AlertTableModel(lambda c: f"测试点 {c}", rig.clock.now, TZ)
    model.set_alerts(rig.alerts.alerts())
    rig.alerts.subscribe(model.apply)
    return model


def test_the_alert_row_counts_down_to_the_recheck_and_counts_the_prompts(
    qtbot: QtBot, tmp_path: Path
) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    model = rig_model(rig)
    assert state_text(model, "a1") == "新告警\n1:00 后复核（第 1 次喊话已播放）\n已喊话 1 次"
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.column(), b.column())))
    rig.clock.t += 18
    model.tick()
    assert (Col.PICTURE, Col.STATE) in changed  # the laddered row's badge and state, once a second
    assert state_text(model, "a1") == "新告警\n0:42 后复核（第 1 次喊话已播放）\n已喊话 1 次"
    rig.later(42)
    assert state_text(model, "a1") == "新告警\n第 1 次喊话后复核中\n已喊话 1 次"
    rig.later(31)  # no fresh check: still there, the second prompt, then the wait again
    assert state_text(model, "a1") == "新告警\n1:00 后复核（第 2 次喊话已播放）\n已喊话 2 次"
    rig.later(60)
    rig.later(31)
    assert state_text(model, "a1") == "新告警\n2 次喊话后仍在：已转案件\n已喊话 2 次"
    changed.clear()
    model.tick()
    assert (Col.PICTURE, Col.STATE) not in changed  # over: no countdown to tick


def test_gone_after_a_prompt_reads_as_resolved_by_prompt_not_plain_gone(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    rig.alerts.detector_raised(detected("b1", "cam3", at=rig.clock.t, zone_id="z3"))  # no speaker there
    model = rig_model(rig)
    rig.later(20)
    rig.alerts.detector_cleared("a1", rig.clock.t)
    rig.alerts.detector_cleared("b1", rig.clock.t)
    assert rig.alerts.get("a1").resolved_by_prompt
    assert state_text(model, "a1") == "喊话后已离开\n已喊话 1 次，待签收"  # (nobody took it yet)
    assert state_text(model, "b1") == "目标已离开（自动解除）\n待签收"
    # the list the operator works in says the same
    triage = rig.win.alerts.triage  # type: ignore[union-attr]
    triage.set_filter("cleared")
    assert triage.select("a1")
    text = triage.proxy.index(triage.table.currentIndex().row(), Col.STATE).data()
    assert str(text).startswith("喊话后已离开")


def test_a_stopped_escalation_says_who_stopped_it(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    rig.driver.stop("a1", "李四")
    model = rig_model(rig)
    assert state_text(model, "a1") == "新告警\n喊话升级已由 李四 停止\n已喊话 1 次"


def test_the_tile_badge_counts_down_and_repaints_only_itself(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    hub = rig.win.voice
    assert hub is not None
    compositor = rig.win.pane.compositor
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    qtbot.waitUntil(lambda: "cam1" in compositor.voice_marks, timeout=2000)
    assert compositor.voice_marks == {"cam1": VoiceMark("复核 1:00", MarkTone.LADDER)}
    qtbot.wait(50)  # the badge's first appearance painted
    rig.clock.t += 18
    hub.tick()
    assert compositor.voice_marks["cam1"] == VoiceMark("复核 0:42", MarkTone.LADDER)
    index = next(i for i, t in enumerate(compositor.tiles()) if t.info and t.info.camera_id == "cam1")
    badge = compositor._overlay.voice_rect(compositor.tile_rect(index), compositor.tiles()[index])
    assert badge is not None
    assert index not in compositor._whole and index in compositor._parts  # not the whole tile
    tile = compositor.tile_rect(index)
    for part in compositor._parts[index]:  # the badge's rectangle, a small share of the tile
        assert part.intersects(badge) and tile.contains(part)
        assert part.width() * part.height() < tile.width() * tile.height() / 10
    rig.later(42)  # the ladder's own change: the badge follows within a moment
    qtbot.waitUntil(
        lambda: compositor.voice_marks["cam1"] == VoiceMark("复核中", MarkTone.LADDER), timeout=2000
    )
    rig.port.dead = {"spk-north", "spk-cam1"}
    rig.later(31)  # the second prompt reaches nobody: the speakers are down, the ladder goes on
    fault = VoiceMark("复核 1:00 · 喇叭故障", MarkTone.FAULT, short="复核 1:00")
    qtbot.waitUntil(lambda: compositor.voice_marks["cam1"] == fault, timeout=2000)


def test_voice_badges_repaint_in_parts_yet_the_wall_looks_fully_repainted(qtbot: QtBot) -> None:
    Translations().set_language("zh_CN")
    cameras = [f"cam{i:03d}" for i in range(1, 10)]
    wall = WallCompositor(FakeSource(cameras), client_id="test")
    qtbot.addWidget(wall)
    wall.resize(960, 540)
    wall.show_page(grid_layout(3, 3), [TileInfo(c, f"路口 {c}") for c in cameras])
    wall.show()
    qtbot.waitExposed(wall)
    wall.start()
    for second in range(60, 50, -1):
        wall.set_voice_marks({
            "cam001": VoiceMark(f"复核 0:{second:02d}", MarkTone.LADDER),
            "cam005": VoiceMark("喊话中", MarkTone.PLAYING),
            "cam009": VoiceMark("喇叭故障", MarkTone.FAULT),
        })  # fmt: skip
        qtbot.wait(40)
    wall.stop()
    qtbot.wait(80)
    screen = wall.screen()
    shown = screen.grabWindow(wall.winId()).toImage().convertToFormat(QImage.Format.Format_RGB32)
    full = wall.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    differing = np.any(image_array(shown) != image_array(full), axis=2)
    assert differing.mean() < 0.001, f"{differing.sum()} pixels differ from a full repaint"
    badge = wall._overlay.voice_rect(wall.tile_rect(0), wall.tiles()[0])
    assert badge is not None and badge.height() > 8
    wall.set_voice_marks({})
    assert all(t.voice is None for t in wall.tiles())


def test_the_alarm_window_shows_the_escalation_under_its_caption(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))
    attention = Attention(rig.alerts, lambda: [], None)
    window = AlarmWindow(
        attention, rig.alerts, FakeSource(["cam1"]), {}, lambda: "王芳", None, TZ, now=rig.clock.now
    )
    qtbot.addWidget(window)
    window.show()
    assert "1:00 后复核（第 1 次喊话已播放） · 已喊话 1 次" in window.title.text()
    rig.clock.t += 30
    window._tick()
    assert "0:30 后复核" in window.title.text()


def test_nothing_voice_shows_without_plays_or_ladder(qtbot: QtBot, tmp_path: Path) -> None:
    rig = make_rig(qtbot, tmp_path)
    rig.alerts.detector_raised(detected("bin", "cam2", at=rig.clock.t, rule=Rule.BIN_OVERFLOW, code="0103"))
    model = rig_model(rig)
    assert state_text(model, "bin") == "新告警"  # the bin rule has no ladder here, and nothing played
    assert rig.win.pane.compositor.voice_marks == {}
