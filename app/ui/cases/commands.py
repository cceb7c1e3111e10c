"""The commands under the case detail: one button per command the actor's role may give in the
case's state (Alt+letter each), the dialog a command asks first (a reason, a department, a
correction), and the making of a case by hand at a tile. The store is written off the GUI thread;
what came of it is told by signals, and the window shows it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.core.alerts import EvidenceRef
from app.core.cases import Actor, Case, CaseCommand, CaseEvidence, EvidenceStage, allowed_commands
from app.services.cases import CaseService
from app.ui.alerts.thumbnails import LoadEvidence
from app.ui.cases.create import CreateCaseDialog
from app.ui.cases.dialogs import ASKS, Answer, CommandDialog
from app.ui.cases.edit import Correction, EditCaseDialog
from app.ui.cases.keys import COMMAND_KEYS
from app.ui.cases.model import Job, Work
from app.ui.cases.words import CaseNames, command_words, role_words

translate = QCoreApplication.translate
AttachPicture = Callable[[Path, str | None], EvidenceRef]  # keeps a picture file as evidence
STAGE_OF = {CaseCommand.FEEDBACK: EvidenceStage.FEEDBACK, CaseCommand.VERIFY: EvidenceStage.VERIFICATION,
            CaseCommand.RETURN: EvidenceStage.VERIFICATION}  # fmt: skip
Dialog = CommandDialog | CreateCaseDialog | EditCaseDialog


class CaseCommands(QWidget):
    stored = Signal(object, object)  # CaseCommand, the Case as stored
    made = Signal(object)  # a Case made by hand
    failed = Signal(object, object, object)  # the error, CaseCommand (None: making a case), case id
    saying = Signal(str)  # what is being done, for the status line

    def __init__(
        self,
        service: CaseService,
        names: CaseNames,
        actor: Actor,
        tz: tzinfo,
        pool: QThreadPool,
        current: Callable[[], Case | None],
        *,
        load_evidence: LoadEvidence | None = None,
        attach_picture: AttachPicture | None = None,
        camera_name: Callable[[str], str] = str,
        now: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.names, self.actor, self._tz, self._pool = service, names, actor, tz, pool
        self._current, self._load, self._attach, self._camera_name, self._now = (
            current, load_evidence, attach_picture, camera_name, now,
        )  # fmt: skip
        self.busy = False
        self.dialog: Dialog | None = None
        self._work = Work(self)
        self._work.done.connect(self._came)
        self.buttons: dict[CaseCommand, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for command in COMMAND_KEYS:
            button = self.buttons[command] = QPushButton(self)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, c=command: self.run(c))
            row.addWidget(button)
        row.addStretch(1)
        self.extra = QHBoxLayout()  # the window puts its own controls here, before the actor's name
        row.addLayout(self.extra)
        self.who = QLabel(self)
        row.addWidget(self.who)

    def set_actor(self, actor: Actor) -> None:
        self.actor = actor
        self.update_buttons()

    def run(self, command: CaseCommand) -> None:
        case = self._current()
        button = self.buttons.get(command)
        if case is None or self.busy or button is None or not button.isVisible() or not button.isEnabled():
            return
        if command is CaseCommand.EDIT:
            edit = EditCaseDialog(case, self.names, self.window())
            edit.accepted.connect(lambda: self._correct(case, edit.answer()))
            self._open(edit)
            return
        if command not in ASKS:
            self._give(case, command, Answer(""))
            return
        suggested = (
            self.service.suggest_department(case)
            if command in (CaseCommand.DISPATCH, CaseCommand.REDISPATCH)
            else None
        )
        due = self.service.due_at(case, self._now()) if command is CaseCommand.DISPATCH else None
        dialog = CommandDialog(
            command, case, self.names, self._tz, suggested_department=suggested, due_preview=due,
            can_attach=self._attach is not None, parent=self.window(),
        )  # fmt: skip
        dialog.accepted.connect(lambda: self._give(case, command, dialog.answer()))
        self._open(dialog)

    def create_from_tile(
        self, camera_id: str, snapshot: EvidenceRef | None, grid_code: str | None
    ) -> CreateCaseDialog:
        dialog = CreateCaseDialog(
            self.names, self._camera_name(camera_id), snapshot, grid_code, self._load, self.window()
        )
        dialog.accepted.connect(lambda: self._create(camera_id, snapshot, dialog))
        self._open(dialog)
        return dialog

    def _open(self, dialog: Dialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()

    def _give(self, case: Case, command: CaseCommand, answer: Answer) -> None:
        actor, attach, now = self.actor, self._attach, self._now

        def work() -> Case:
            args: dict[str, Any] = {"note": answer.note}
            if answer.department_id is not None:
                args["department_id"] = answer.department_id
            if answer.amount is not None:
                args["amount"] = answer.amount
            if answer.picture is not None and attach is not None:
                ref = attach(answer.picture, case.camera_id)
                args["evidence"] = (CaseEvidence(ref, STAGE_OF[command], actor.name, now(), answer.note),)
            return self.service.execute(case.id, command, actor, case.version, **args).result(timeout=60)

        self._start(("command", command, case.id), work, command)

    def _correct(self, case: Case, answer: Correction) -> None:
        actor = self.actor

        def work() -> Case:
            return self.service.execute(
                case.id, CaseCommand.EDIT, actor, case.version, what=answer.what, note=answer.note
            ).result(timeout=60)

        self._start(("command", CaseCommand.EDIT, case.id), work, CaseCommand.EDIT)

    def _create(self, camera_id: str, snapshot: EvidenceRef | None, dialog: CreateCaseDialog) -> None:
        new, actor = dialog.answer(), self.actor
        evidence = (
            ()
            if snapshot is None
            else (CaseEvidence(snapshot, EvidenceStage.REPORT, actor.name, snapshot.captured_at),)
        )

        def work() -> Case:
            return self.service.create(
                actor, category_code=new.category_code, camera_id=camera_id, description=new.description,
                evidence=evidence, grid_code=new.grid_code,
            ).result(timeout=60)  # fmt: skip

        self._start(("create", camera_id), work, None)

    def _start(self, token: tuple[Any, ...], work: Callable[[], object], command: CaseCommand | None) -> None:
        text = (
            translate("Cases", "Making the case…")
            if command is None
            else translate("Cases", "Saving: {0}…").format(command_words(command))
        )
        self._set_busy(True)
        self.saying.emit(text)
        self._pool.start(Job(token, work, self._work))

    def _came(self, token: tuple[Any, ...], result: object, error: BaseException | None) -> None:
        self._set_busy(False)
        if token[0] == "create":
            if error is not None:
                self.failed.emit(error, None, None)
            else:
                self.made.emit(result)
            return
        command, case_id = token[1], token[2]
        if error is not None:
            self.failed.emit(error, command, case_id)
        else:
            self.stored.emit(command, result)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_buttons()

    def update_buttons(self) -> None:
        case = self._current()
        allowed = set(allowed_commands(case.state, self.actor.role)) if case is not None else set()
        for command, button in self.buttons.items():
            show = command in allowed
            if command in (CaseCommand.APPROVE, CaseCommand.REJECT):
                show = show and case is not None and case.pending is not None
            if command in (CaseCommand.REQUEST_DEFERRAL, CaseCommand.REQUEST_EXTENSION):
                show = show and case is not None and case.pending is None
            button.setVisible(show)
            button.setEnabled(show and not self.busy)
        self.who.setText(
            translate("Cases", "{0} ({1})").format(self.actor.name, role_words(self.actor.role.value))
        )

    def retranslate(self) -> None:
        for command, button in self.buttons.items():
            key = QKeySequence(COMMAND_KEYS[command]).toString(QKeySequence.SequenceFormat.NativeText)
            button.setText(command_words(command))
            button.setShortcut(QKeySequence(COMMAND_KEYS[command]))  # after setText: it resets the key
            button.setToolTip(f"{command_words(command)} ({key})")
        self.update_buttons()
