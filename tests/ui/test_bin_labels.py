"""Teaching the bin detector from the zone editor: label a bin as it looks now, retrain, use it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.services.bin_samples import BinSampleStore
from app.services.zone_store import ZoneStore
from app.ui.detection.zone_editor import ZoneEditorDialog
from camera_config.models import DetectionSettings
from detectors.bins import BinClassifier
from tests.ui.fakes import FakeSource
from tests.ui.test_zone_editor import camera, drag, open_editor


def test_label_a_bin_now_then_retrain_and_the_new_classifier_is_handed_on(
    qtbot: QtBot, tmp_path: Path
) -> None:
    samples = BinSampleStore(tmp_path / "bin_samples")
    zones = ZoneStore(tmp_path / "zones.json", {"cam1": ()})
    editor = open_editor(
        qtbot,
        ZoneEditorDialog(FakeSource(["cam1"]), camera(), DetectionSettings(), zones, bin_samples=samples),
    )
    box = editor.bin_labels
    assert box is not None and box.isVisible()
    assert not box.overflow_button.isEnabled() and not box.retrain_button.isEnabled()  # no bin selected
    QTest.keyClick(editor.canvas, Qt.Key.Key_B)
    drag(editor.canvas, (0.4, 0.4), (0.6, 0.8))
    assert editor.shapes[0].kind == "bin" and box.overflow_button.isEnabled()
    for _ in range(3):
        QTest.mouseClick(box.overflow_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(box.confirmed_clean, timeout=1000) as clean:  # detection's clean reference
        QTest.mouseClick(box.normal_button, Qt.MouseButton.LeftButton)
    assert clean.args[0].id == "bin-1" and clean.args[0].preset is None
    assert samples.counts() == {"overflow": 3, "normal": 1}
    assert "3 overflowing, 1 clean" in box.counts_label.text()
    assert not box.retrain_button.isEnabled()  # three of each are needed
    for _ in range(2):
        QTest.mouseClick(box.normal_button, Qt.MouseButton.LeftButton)
    assert box.retrain_button.isEnabled()
    with qtbot.waitSignal(box.retrained, timeout=30_000) as done:
        QTest.mouseClick(box.retrain_button, Qt.MouseButton.LeftButton)
        assert box.busy and box.progress.isVisible() and not box.overflow_button.isEnabled()
    (path,) = done.args
    assert path == samples.classifier_path and BinClassifier.load(path).info["site_samples"] == {
        "overflow": 3,
        "normal": 3,
    }
    assert "in use now" in box.result.text() and not box.progress.isVisible()
    assert box.overflow_button.isEnabled()  # labelling goes on


def test_closing_the_editor_completes_a_retrain_under_way(qtbot: QtBot, tmp_path: Path) -> None:
    samples = BinSampleStore(tmp_path / "bin_samples")
    editor = open_editor(
        qtbot,
        ZoneEditorDialog(FakeSource(["cam1"]), camera(), DetectionSettings(), None, bin_samples=samples),
    )
    box = editor.bin_labels
    assert box is not None
    QTest.keyClick(editor.canvas, Qt.Key.Key_B)
    drag(editor.canvas, (0.4, 0.4), (0.6, 0.8))
    for label in ("overflow", "normal") * 3:
        assert box.label_now(label) is not None
    got: list[object] = []
    box.retrained.connect(got.append)
    assert box.start_retrain()
    editor.hide()  # e.g. the operator saved and closed at once
    assert got == [samples.classifier_path] and not box.busy
