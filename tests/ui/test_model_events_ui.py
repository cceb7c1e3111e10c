"""The vending model swapped in while the wall runs, as the operator hears of it (events list and
status bar, in Chinese): updated, or not loaded and why (in the tooltip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.system_events import Severity
from app.services.detection.protocol import ModelLoaded
from app.services.detection.service import model_event
from app.services.system_events import SystemEventLog
from app.ui.i18n import Translations
from app.ui.main_window import MainWindow
from tests.ui.test_system_events_ui import shown_window

MODEL = "/data/sites/东城区/models/vending_yolo.onnx"


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[tuple[MainWindow, SystemEventLog]]:
    events = SystemEventLog()
    with shown_window(qtbot, tmp_path, events, "zh_CN") as win:
        yield win, events
    Translations().set_language("en")


def test_the_operator_hears_that_the_vending_model_was_updated_or_why_the_new_one_was_not_loaded(
    window: tuple[MainWindow, SystemEventLog], qtbot: QtBot, tmp_path: Path
) -> None:
    win, events = window
    Translations().set_language("zh_CN")
    model = win.events_panel.model
    events.publish(model_event(ModelLoaded("onnx_yolo", MODEL, True, sha256="fc7da245a19a14", seconds=0.42)))
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert win.statusBar().currentMessage() == "检测已启用更新后的占道经营识别模型 vending_yolo.onnx"
    assert model.event_at(0).severity is Severity.INFO
    tooltip = model.data(model.index(0, 2), 3)  # ToolTipRole: where it is, which bytes, how long
    assert MODEL in tooltip and "fc7da245a19a" in tooltip and "0.42 s" in tooltip

    why = "detector plugin 'onnx_yolo': failed to start: InvalidProtobuf: Protobuf parsing failed."
    events.publish(model_event(ModelLoaded("onnx_yolo", MODEL, False, why)))
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    said = "新的占道经营识别模型 vending_yolo.onnx 无法加载，继续使用原模型"
    assert win.statusBar().currentMessage() == said
    assert model.event_at(0).severity is Severity.WARNING and model.data(model.index(0, 1)) == "警告"
    assert "Protobuf parsing failed" in model.data(model.index(0, 2), 3)
    assert win.status_faults.badge.isVisible()  # open until a model file that loads is there
    win.events_dock.show()
    qtbot.waitUntil(win.events_dock.isVisible)
    assert win.grab().save(str(tmp_path / "model_events.png"))

    events.publish(model_event(ModelLoaded("onnx_yolo", MODEL, True, sha256="0123456789ab", seconds=0.3)))
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert not win.status_faults.badge.isVisible()
