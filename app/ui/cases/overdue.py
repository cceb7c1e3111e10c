"""A case that went overdue, told to the people on shift: a banner at the top of the case window
(not modal: the work goes on) with a button that shows the case, and for the shift leader a short
falling tone as well, with its own mute.

The tone is made like the alarm's (app.ui.alerts.sound: a few kilobytes of WAV written at run time,
nothing shipped or downloaded) and played by QSoundEffect; without a sound device the trouble is
said in the mute's tooltip and by ``problem``, and every play asked is still counted in ``requested``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QUrl, Signal
from PySide6.QtGui import QAction
from PySide6.QtMultimedia import QSoundEffect
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.cases import Case
from app.ui.alerts.sound import write_tone
from app.ui.cases.words import CaseNames, department_words

translate = QCoreApplication.translate
MUTED_KEY = "cases/overdue_sound_muted"
TONE = ((988, 0.16), (0, 0.05), (784, 0.16), (0, 0.05), (587, 0.32))  # falling: "time is up"
VOLUME = 0.8


class OverdueSound(QObject):
    problem = Signal(str)

    def __init__(
        self,
        folder: Path,
        settings: QSettings | None = None,
        parent: QObject | None = None,
        *,
        effect: Callable[[QObject], QSoundEffect] = QSoundEffect,
    ) -> None:
        super().__init__(parent)
        self._folder, self._settings, self._make_effect = folder, settings, effect
        self._effect: QSoundEffect | None = None
        self.requested = 0  # plays asked for while not muted
        self.trouble = ""
        muted = settings.value(MUTED_KEY, False) if settings is not None else False
        self.action = QAction(self)
        self.action.setCheckable(True)
        self.action.setChecked(muted not in (True, "true", "1", 1))
        self.action.toggled.connect(lambda on: self.set_muted(not on))
        self.retranslate()

    @property
    def muted(self) -> bool:
        return not self.action.isChecked()

    def set_muted(self, muted: bool) -> None:
        self.action.setChecked(not muted)
        if self._settings is not None:
            self._settings.setValue(MUTED_KEY, muted)
        if muted and self._effect is not None:
            self._effect.stop()
        self.retranslate()

    def play(self) -> None:
        if self.muted:
            return
        self.requested += 1
        try:
            effect = self._sound()
        except OSError as exc:  # the tone could not be written (full or read-only folder)
            self._say(translate("Cases", "The overdue sound cannot be made: {0}").format(exc))
            return
        effect.play()

    def retranslate(self) -> None:
        self.action.setText(translate("Cases", "Overdue sound"))
        tip = translate("Cases", "A tone when a case goes overdue (click to mute)")
        if self.muted:
            tip = translate("Cases", "Overdue sound muted (click to turn it on)")
        self.action.setToolTip(f"{tip}\n{self.trouble}" if self.trouble else tip)

    def _sound(self) -> QSoundEffect:
        if self._effect is None:
            self._folder.mkdir(parents=True, exist_ok=True)
            path = write_tone(self._folder / "case-overdue.wav", TONE)
            effect = self._effect = self._make_effect(self)
            effect.setVolume(VOLUME)
            effect.statusChanged.connect(self._status)
            effect.setSource(QUrl.fromLocalFile(str(path)))
        return self._effect

    def _status(self) -> None:
        if self._effect is not None and self._effect.status() == QSoundEffect.Status.Error:
            self._say(translate("Cases", "No sound device plays the overdue tone: check the speakers."))

    def _say(self, text: str) -> None:
        if text != self.trouble:
            self.trouble = text
            self.retranslate()
            self.problem.emit(text)


class OverdueBanner(QFrame):
    """案件 C… 已超期（城管执法中队）；另有 2 件超期  [查看] [知道了]"""

    show_requested = Signal(str)  # the case id

    def __init__(self, names: CaseNames, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overdueBanner")
        self.setStyleSheet(
            "#overdueBanner { background: #6b1e24; border: 1px solid #c0404a; }"
            " QLabel { color: #ffe4e4; font-weight: bold; }"
        )
        self._names = names
        self.cases: list[Case] = []  # told since the banner was last put away, newest last
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.show_button = QPushButton(self)
        self.show_button.setAutoDefault(False)
        self.show_button.clicked.connect(self._show_newest)
        self.dismiss = QPushButton(self)
        self.dismiss.setAutoDefault(False)
        self.dismiss.clicked.connect(self.put_away)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.show_button)
        row.addWidget(self.dismiss)
        self.retranslate()
        self.hide()

    def tell(self, cases: list[Case]) -> None:
        known = {c.id for c in self.cases}
        self.cases += [c for c in cases if c.id not in known]
        self.retranslate()
        self.show()

    def put_away(self) -> None:
        self.cases = []
        self.hide()

    def retranslate(self) -> None:
        self.show_button.setText(translate("Cases", "Show it"))
        self.dismiss.setText(translate("Cases", "Got it"))
        if not self.cases:
            self.text.clear()
            return
        newest = self.cases[-1]
        department = department_words(self._names, newest.department_id)
        text = (
            translate("Cases", "Case {0} is overdue ({1})").format(newest.id, department)
            if department
            else translate("Cases", "Case {0} is overdue").format(newest.id)
        )
        if len(self.cases) > 1:
            text += translate("Cases", "; {0} more overdue").format(len(self.cases) - 1)
        self.text.setText(text)

    def _show_newest(self) -> None:
        if self.cases:
            self.show_requested.emit(self.cases[-1].id)
