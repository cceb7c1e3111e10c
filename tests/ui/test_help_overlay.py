"""F1 help overlay: toggles, covers its parent, lists every action in the current language, closes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.ui.actions import ACTIONS
from app.ui.help_overlay import HelpOverlay


class Marked(QTranslator):
    """Translates every action text to a marked one, as a real .qm would."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return f"译·{source}" if context in ("Actions", "Help") else None

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def marked() -> Iterator[None]:
    translator = Marked()
    app = QCoreApplication.instance()
    assert app is not None
    app.installTranslator(translator)
    yield
    app.removeTranslator(translator)


def test_toggles_and_covers_its_parent(qtbot: QtBot, window: QWidget) -> None:
    overlay = HelpOverlay(window)
    assert not overlay.isVisible()
    overlay.toggle()
    qtbot.waitUntil(overlay.isVisible)
    assert overlay.geometry() == window.rect()
    window.resize(1200, 700)
    qtbot.waitUntil(lambda: overlay.geometry() == window.rect())
    overlay.toggle()
    assert not overlay.isVisible()
    window.resize(1000, 600)  # while hidden: it covers the new size when shown again
    overlay.toggle()
    qtbot.waitUntil(lambda: overlay.geometry() == window.rect())


def test_lists_every_action(window: QWidget) -> None:
    overlay = HelpOverlay(window)
    texts = overlay.texts()
    for spec in ACTIONS:
        assert spec.label() in texts
        assert spec.group_label() in texts
    assert "Ctrl+Shift+S" in texts and "F1" in texts
    assert any("number" in t for t in texts)  # 0–9 then Enter
    assert any("swap" in t for t in texts)  # drag a tile onto another


def test_retranslates_on_language_change(qtbot: QtBot, window: QWidget, marked: None) -> None:
    overlay = HelpOverlay(window)
    overlay.show()
    qtbot.waitUntil(lambda: "译·Next page" in overlay.texts())
    texts = overlay.texts()
    for spec in ACTIONS:
        assert f"译·{spec.text}" in texts
        assert f"译·{spec.group}" in texts
    assert "译·Keyboard shortcuts" in texts


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_F1])
def test_closes_on_esc_and_f1(qtbot: QtBot, window: QWidget, key: Qt.Key) -> None:
    overlay = HelpOverlay(window)
    overlay.show()
    qtbot.waitUntil(overlay.hasFocus)
    QTest.keyClick(overlay, key)
    qtbot.waitUntil(lambda: not overlay.isVisible())


def test_closes_on_click(qtbot: QtBot, window: QWidget) -> None:
    overlay = HelpOverlay(window)
    overlay.show()
    QTest.mouseClick(overlay, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not overlay.isVisible())


@pytest.mark.parametrize("size", [(1600, 900), (1920, 1080)])
def test_fits_readably(qtbot: QtBot, window: QWidget, size: tuple[int, int]) -> None:
    window.resize(*size)
    overlay = HelpOverlay(window)
    overlay.show()
    qtbot.waitUntil(lambda: overlay.size() == window.size())
    px = overlay.font_px()
    assert px is not None and px >= 14
    assert not overlay.grab().isNull()


def test_fits_with_long_translations(qtbot: QtBot, window: QWidget, marked: None) -> None:
    overlay = HelpOverlay(window)
    overlay.show()
    qtbot.waitUntil(lambda: "译·Next page" in overlay.texts())
    px = overlay.font_px()
    assert px is not None and px >= 14
