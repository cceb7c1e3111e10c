"""A case going overdue, told by the case service once: the shift leader hears a short tone and sees
a banner that shows the case; an operator sees the banner without a tone; the mute silences it; a
burst of overdue cases is one tone and one banner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QSettings, QUrl
from PySide6.QtMultimedia import QSoundEffect

from app.core.cases import Actor, Case
from app.services.cases import CaseService
from app.ui.cases.overdue import MUTED_KEY, OverdueSound
from app.ui.cases.window import CaseWindow
from app.ui.i18n import Translations
from tests.alert_fakes import FakeClock
from tests.evidence_fakes import MemoryEvidenceStore
from tests.ui.case_fakes import LEAD, OP, SHANGHAI, T0, FakeNames, make_service, morning


class FakeEffect(QSoundEffect):
    """Counts what is played, with no sound device needed."""

    played: list[str] = []  # noqa: RUF012 (shared by the instances of one test)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = ""

    def setSource(self, url: QUrl | str) -> None:  # noqa: N802 (Qt API)
        self.url = url.toLocalFile() if isinstance(url, QUrl) else url

    def play(self) -> None:
        FakeEffect.played.append(self.url)


@pytest.fixture
def world(tmp_path) -> Iterator[tuple[CaseService, FakeClock, dict[str, Case]]]:
    FakeEffect.played = []
    clock = FakeClock(T0)
    service, _repo = make_service(clock)
    cases = morning(service, clock, MemoryEvidenceStore())
    yield service, clock, cases
    service.close()


def open_window(
    qtbot, service: CaseService, clock: FakeClock, actor: Actor, tone: OverdueSound
) -> CaseWindow:
    window = CaseWindow(service, FakeNames(), actor, SHANGHAI, now=clock.now, overdue_sound=tone)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    return window


def sound(tmp_path, settings: QSettings | None = None) -> OverdueSound:
    return OverdueSound(tmp_path / "sounds", settings, effect=FakeEffect)


def test_the_shift_leader_hears_and_sees_an_overdue_case(qtbot, world, tmp_path) -> None:
    service, clock, cases = world
    leader_sound = sound(tmp_path)
    window = open_window(qtbot, service, clock, LEAD, leader_sound)
    assert window.mute.isVisibleTo(window) and not window.overdue.isVisible()
    service.tick()  # the service's check: 0501 (dispatched 7 h ago with 2 工作时) is overdue
    qtbot.waitUntil(window.overdue.isVisible, timeout=5000)
    overdue = cases["overdue"]
    assert window.overdue.text.text() == f"Case {overdue.id} is overdue (城管执法中队)"
    assert leader_sound.requested == 1 and len(FakeEffect.played) == 1
    assert FakeEffect.played[0].endswith("case-overdue.wav")
    assert (tmp_path / "sounds" / "case-overdue.wav").stat().st_size > 1000  # the tone, made here
    service.tick()  # told once: no second tone
    service._submit(lambda: None).result(timeout=5)
    qtbot.wait(400)
    assert leader_sound.requested == 1
    window.show_case(cases["fine"].id)
    qtbot.waitUntil(lambda: getattr(window.current_case(), "id", None) == cases["fine"].id)
    window.overdue.show_button.click()  # the banner's button shows the overdue case
    qtbot.waitUntil(lambda: getattr(window.current_case(), "id", None) == overdue.id)
    window.overdue.dismiss.click()
    assert not window.overdue.isVisible()
    window.shutdown()


def test_an_operator_sees_the_banner_without_a_tone_in_chinese(qtbot, world, tmp_path) -> None:
    Translations().set_language("zh_CN")
    service, clock, _cases = world
    quiet = sound(tmp_path)
    window = open_window(qtbot, service, clock, OP, quiet)
    assert not window.mute.isVisibleTo(window)  # the tone is the shift leader's
    clock.t += 3 * 3600  # 0504 (1 工作日 = 8 h from +10 min) is overdue too: one burst
    service.tick()
    qtbot.waitUntil(window.overdue.isVisible, timeout=5000)
    newest = window.overdue.cases[-1]
    assert len(window.overdue.cases) == 2
    assert window.overdue.text.text() == f"案件 {newest.id} 已超期（城管执法中队）；另有 1 件超期"
    assert window.overdue.show_button.text() == "查看" and quiet.requested == 0 and FakeEffect.played == []
    window.shutdown()


def test_muted_no_tone_and_the_mute_is_remembered(qtbot, world, tmp_path) -> None:
    service, clock, _cases = world
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    muted = sound(tmp_path, settings)
    window = open_window(qtbot, service, clock, LEAD, muted)
    window.mute.click()  # the shift leader mutes it
    assert muted.muted and settings.value(MUTED_KEY) in (True, "true")
    service.tick()
    qtbot.waitUntil(window.overdue.isVisible, timeout=5000)  # still said on screen
    assert muted.requested == 0 and FakeEffect.played == []
    assert sound(tmp_path, settings).muted  # the next start remembers it
    window.shutdown()


def test_a_folder_that_cannot_hold_the_tone_is_said(qtbot, world, tmp_path) -> None:
    service, clock, _cases = world
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    broken = OverdueSound(blocked / "sounds", effect=FakeEffect)
    window = open_window(qtbot, service, clock, LEAD, broken)
    service.tick()
    qtbot.waitUntil(window.overdue.isVisible, timeout=5000)
    assert "overdue sound cannot be made" in window.statusBar().currentMessage()
    assert "overdue sound cannot be made" in broken.action.toolTip()
    window.shutdown()
