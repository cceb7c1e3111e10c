"""The case window (案件): a top-level window of its own (the shift leader keeps it on a second
screen) with the case list and its filters on the left, the chosen case on the right, and the
commands the person on shift may give under it.

Nothing here waits on the store on the GUI thread: pages, timelines and commands run in a small
thread pool and come back by queued signals; the newest page asked is the one shown. The case
service's notices (heard on its writer thread) come through a signal too and, a burst at a time,
redraw the rows they touch and ask the page again (a case may have left or joined the filter).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.case_ports import CaseConflict, CaseQuery, OutboxEntry, SortKey
from app.core.cases import Actor, Case, CaseCommand, CaseEvidence, EvidenceStage, Role
from app.core.work_calendar import WorkCalendar
from app.services.cases import CaseNotice, CaseService
from app.ui.alerts.thumbnails import LoadEvidence
from app.ui.cases.commands import AttachPicture, CaseCommands, Dialog
from app.ui.cases.create import CreateCaseDialog
from app.ui.cases.detail import CaseDetail
from app.ui.cases.evidence import CaseEvidenceWindow
from app.ui.cases.filters import CaseFilters
from app.ui.cases.help import CaseHelp
from app.ui.cases.keys import WINDOW_KEYS
from app.ui.cases.model import (
    COLUMNS,
    COUNT_AT_MOST,
    PAGE,
    CaseTableModel,
    Job,
    PageAnswer,
    PageQuestion,
    Work,
)
from app.ui.cases.overdue import OverdueBanner, OverdueSound
from app.ui.cases.supervise import Supervisor
from app.ui.cases.words import DUE_SOON_SHARE, CaseNames, done_words, error_words

translate = QCoreApplication.translate
WIDEST = {"address": 180, "category": 170, "due": 230}  # px: long texts are elided, shown in full as tips
NOTICE_MS = 250  # a burst of notices is one redraw
TICK_MS = 30_000  # "due soon" and "overdue" follow the clock


class _Notices(QObject):
    heard = Signal(object)  # CaseNotice, emitted on the case writer's thread: queued to the GUI


class CaseWindow(QMainWindow):
    case_shown = Signal(str)  # the case now in the detail
    case_created = Signal(object)  # a Case made by hand

    def __init__(
        self,
        service: CaseService,
        names: CaseNames,
        actor: Actor,
        tz: tzinfo,
        *,
        load_evidence: LoadEvidence | None = None,
        attach_picture: AttachPicture | None = None,
        camera_name: Callable[[str], str] = str,
        now: Callable[[], float] = time.time,
        calendar: Callable[[], WorkCalendar] | None = None,
        due_soon_share: float = DUE_SOON_SHARE,
        overdue_sound: OverdueSound | None = None,
        delivery: Callable[[str], OutboxEntry | None] | None = None,
        speaker_name: Callable[[str], str] = str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("caseWindow")
        self.service, self.names, self.actor, self._tz = service, names, actor, tz
        self._load, self._now = load_evidence, now
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._base = CaseQuery(limit=PAGE)
        self._asked = 0
        self.total = 0
        self._want: str | None = None  # the case to select when the page comes
        self._sized = False
        # 督办 on the site's working calendar (None: on the clock, nights and weekends counted).
        self.supervisor = Supervisor(calendar, due_soon_share)
        self.model = CaseTableModel(names, tz, now, self, supervisor=self.supervisor)
        self.filters = CaseFilters(names, self)
        self.filters.changed.connect(lambda: self.reload(first_page=True))
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(COLUMNS.index("created"), Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(lambda _i: self.open_report_evidence())
        self.count = QLabel(self)
        self.page_label = QLabel(self)
        self.previous = QPushButton(self)
        self.next = QPushButton(self)
        self.previous.clicked.connect(lambda: self.turn(-1))
        self.next.clicked.connect(lambda: self.turn(1))
        self.banner = QLabel(self)
        self.banner.setObjectName("caseBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #5a1e22; color: #ffe0e0; padding: 6px;")
        self.banner.hide()
        self.detail = CaseDetail(
            names, tz, load_evidence, now, self, supervisor=self.supervisor, speaker_name=speaker_name
        )
        self.detail.evidence_requested.connect(self.open_evidence)
        self._delivery = delivery  # the city platform's outbox, where the site has one
        self.detail.set_delivery_shown(delivery is not None)
        self.commands = CaseCommands(
            service, names, actor, tz, self.pool, lambda: self.detail.case, load_evidence=load_evidence,
            attach_picture=attach_picture, camera_name=camera_name, now=now, parent=self,
        )  # fmt: skip
        self.buttons = self.commands.buttons
        self.commands.stored.connect(self._stored)
        self.commands.made.connect(self._made)
        self.commands.failed.connect(self._failed)
        self.commands.saying.connect(lambda text: self.statusBar().showMessage(text))
        # Overdue: a banner for everyone, a tone for the shift leader (the mute beside their name).
        self.overdue = OverdueBanner(names, self)
        self.overdue.show_requested.connect(self.show_case)
        self.sound = overdue_sound or OverdueSound(
            Path(tempfile.gettempdir()) / "citywall-sounds", parent=self
        )
        self.sound.problem.connect(lambda text: self.statusBar().showMessage(text))
        self.mute = QToolButton(self)
        self.mute.setDefaultAction(self.sound.action)
        self.commands.extra.addWidget(self.mute)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filters)
        left_layout.addWidget(self.table, 1)
        paging = QHBoxLayout()
        paging.addWidget(self.count)
        paging.addStretch(1)
        paging.addWidget(self.previous)
        paging.addWidget(self.page_label)
        paging.addWidget(self.next)
        left_layout.addLayout(paging)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.commands)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setSizes([880, 720])  # the list a little wider; kept in proportion when resized
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(2)
        central_layout.addWidget(self.overdue)
        central_layout.addWidget(split, 1)
        self.setCentralWidget(central)
        self.help = CaseHelp(self)
        self._shortcuts()
        self._pages = PageAnswer(self)
        self._pages.done.connect(self._page_came)
        self._work = Work(self)
        self._work.done.connect(self._work_came)
        self._notices = _Notices(self)
        self._notices.heard.connect(self._heard)
        self._heard_ids: dict[str, Case] = {}
        self._heard_overdue: list[Case] = []
        self._coalesce = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._coalesce.timeout.connect(self._apply_notices)
        unsubscribe = self._unsubscribe = service.subscribe(self._notices.heard.emit)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._clock)
        self._tick.start()
        self.model.sort_requested.connect(self._sort)  # after the header's first sort indicator
        self.mute.setVisible(actor.role is Role.SHIFT_LEADER)
        self.retranslate()
        self.resize(1600, 900)
        self.reload()

    # --- the lead's API -----------------------------------------------------------------------------
    @property
    def dialog(self) -> Dialog | None:
        """The command's dialog opened last (tests, screenshots)."""
        return self.commands.dialog

    def set_actor(self, actor: Actor) -> None:
        """The person on shift changed (or acts in another role): the buttons follow."""
        self.actor = actor
        self.commands.set_actor(actor)
        self.mute.setVisible(actor.role is Role.SHIFT_LEADER)

    def show_case(self, case_id: str) -> None:
        """Select ``case_id`` in the list when it is on this page, and show it in the detail."""
        self._want = case_id
        row = self.model.row_of(case_id)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._ask(("case", case_id), lambda: self.service.get(case_id))
        self.raise_()
        self.activateWindow()

    def show_case_for_alert(self, alert_id: str) -> None:
        """The case of a confirmed alert (one key in the alert list): found off the GUI thread."""
        self._ask(("for_alert", alert_id), lambda: self.service.case_for_alert(alert_id))
        self.show()
        self.raise_()
        self.activateWindow()

    def create_from_tile(
        self, camera_id: str, snapshot: EvidenceRef | None, grid_code: str | None
    ) -> CreateCaseDialog:
        """The tile's context menu: a new case at this camera, its snapshot as the report picture."""
        return self.commands.create_from_tile(camera_id, snapshot, grid_code)

    def run(self, command: CaseCommand) -> None:
        """A command's button (or its key): its dialog first where it asks something."""
        self.commands.run(command)

    def reload(self, *, first_page: bool = False) -> None:
        if first_page:
            self._base = replace(self._base, offset=0)
        query = self.filters.query(self._now(), self._base)
        self._asked += 1
        self.count.setText(translate("Cases", "Reading…"))
        self.pool.start(PageQuestion(self._asked, self.service, query, self._pages))

    def turn(self, pages: int) -> None:
        offset = self._base.offset + pages * PAGE
        if 0 <= offset < max(self.total, 1):
            self._base = replace(self._base, offset=offset)
            self.reload()

    def current_case(self) -> Case | None:
        return self.detail.case

    def current_query(self) -> CaseQuery:
        """The list's filters and sort as they are now (this page)."""
        return self.filters.query(self._now(), self._base)

    def wait_idle(self, ms: int = 5000) -> bool:
        """Tests and shutdown: let the reads and commands in flight finish."""
        return self.pool.waitForDone(ms)

    # --- the list ----------------------------------------------------------------------------------
    def _sort(self, key: SortKey, descending: bool) -> None:
        self._base = replace(self._base, sort=key, descending=descending, offset=0)
        self.reload()

    def _page_came(self, number: int, cases: list[Case], total: int, error: str) -> None:
        if number != self._asked:
            return  # an older question: a newer one is on its way
        if error:
            self.count.setText(translate("Cases", "The cases could not be read: {0}").format(error))
            return
        keep = self._want or (self.detail.case.id if self.detail.case is not None else None)
        self.total = total
        self.model.set_cases(cases)
        if cases and not self._sized:  # once: then the widths are the operator's
            self._sized = True
            self.table.resizeColumnsToContents()
            for name, most in WIDEST.items():
                column = COLUMNS.index(name)
                self.table.setColumnWidth(column, min(self.table.columnWidth(column), most))
        if total > COUNT_AT_MOST:
            self.count.setText(translate("Cases", "more than {0} cases").format(f"{COUNT_AT_MOST:,}"))
        else:
            self.count.setText(translate("Cases", "{0} cases").format(f"{total:,}"))
        pages = max(1, -(-total // PAGE))
        page = self._base.offset // PAGE + 1
        self.page_label.setText(translate("Cases", "page {0} / {1}").format(page, pages))
        self.previous.setEnabled(page > 1)
        self.next.setEnabled(page < pages)
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.table.selectRow(row)
            self._want = None
        elif keep is None and cases:
            self.table.selectRow(0)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = self.model.case_at(current.row())
        if case is not None:
            self._show(case, reload_timeline=case.id != (self.detail.case.id if self.detail.case else None))

    def _show(self, case: Case, *, reload_timeline: bool = True) -> None:
        if self.detail.case is None or case.id != self.detail.case.id:
            self.banner.hide()
        self.detail.show_case(case)
        self.case_shown.emit(case.id)
        self.commands.update_buttons()
        if reload_timeline:
            self._ask(("timeline", case.id), lambda: self.service.timeline(case.id))
        self._ask_delivery()

    def _ask_delivery(self) -> None:
        case, delivery = self.detail.case, self._delivery
        if case is not None and delivery is not None:
            case_id = case.id
            self._ask(("delivery", case_id), lambda: delivery(case_id))

    # --- notices from the service (any workstation's changes) ---------------------------------------
    def _heard(self, notice: CaseNotice) -> None:
        self._heard_ids[notice.case.id] = notice.case
        if notice.overdue:
            self._heard_overdue.append(notice.case)
        if not self._coalesce.isActive():
            self._coalesce.start()

    def _apply_notices(self) -> None:
        heard, self._heard_ids = self._heard_ids, {}
        overdue, self._heard_overdue = self._heard_overdue, []
        if overdue:  # a burst (the first check after a start may find many) is one banner, one tone
            self.overdue.tell(overdue)
            if self.actor.role is Role.SHIFT_LEADER:
                self.sound.play()
        for case in heard.values():
            self.model.replace_case(case)
        shown = self.detail.case
        if shown is not None and shown.id in heard and heard[shown.id].version > shown.version:
            self._show(heard[shown.id])
        self.reload()

    def _clock(self) -> None:
        self.model.tick()
        self.detail.refresh_header()
        self._ask_delivery()  # the outbox works on its own: its word on the shown case follows

    # --- what the commands and reads came to ------------------------------------------------------------
    def _ask(self, token: tuple[Any, ...], work: Callable[[], object]) -> None:
        self.pool.start(Job(token, work, self._work))

    def _work_came(self, token: tuple[Any, ...], result: object, error: BaseException | None) -> None:
        what = token[0]
        if what == "timeline":
            if self.detail.case is not None and self.detail.case.id == token[1] and error is None:
                self.detail.show_timeline(result)  # type: ignore[arg-type]
        elif what == "delivery":
            if self.detail.case is not None and self.detail.case.id == token[1] and error is None:
                self.detail.show_delivery(result)  # type: ignore[arg-type]
        elif what in ("case", "for_alert"):
            self._found(token, result, error)

    def _made(self, case: Case) -> None:
        self.statusBar().showMessage(
            translate("Cases", "Case {0} made: {1}.").format(case.id, case.category_code)
        )
        self.case_created.emit(case)
        self._want = case.id
        self._show(case)
        self.reload()

    def _stored(self, command: CaseCommand, case: Case) -> None:
        self.banner.hide()
        self.statusBar().showMessage(done_words(command).format(case.id))
        if self.detail.case is not None and self.detail.case.id == case.id:
            self._show(case)

    def _found(self, token: tuple[Any, ...], result: object, error: BaseException | None) -> None:
        if error is not None:
            self._say(error_words(error))
            return
        if not isinstance(result, Case):
            if token[0] == "for_alert":
                self._say(translate("Cases", "No case was made from this alert (yet)."))
            else:
                self._say(translate("Cases", "Case {0} is not in the store.").format(token[1]))
            return
        self._want = result.id
        row = self.model.row_of(result.id)
        if row >= 0:
            self.table.selectRow(row)
            self._show(result)
        else:
            self.table.clearSelection()
            self._show(result)
            self.statusBar().showMessage(
                translate("Cases", "Case {0} is shown; the list's filters leave it out.").format(result.id)
            )

    def _failed(self, error: BaseException, command: CaseCommand | None, case_id: str | None = None) -> None:
        self._say(error_words(error, command))
        if isinstance(error, CaseConflict) and case_id is not None:
            self._ask(("case", case_id), lambda: self.service.get(case_id))  # theirs, as stored

    def _say(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.show()
        self.statusBar().showMessage(text)

    # --- evidence ----------------------------------------------------------------------------------
    def open_evidence(self, item: CaseEvidence | None) -> QWidget | None:
        case = self.detail.case
        if item is None or case is None or self._load is None:
            return None
        window = CaseEvidenceWindow(case, item, self._load, self._tz, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def open_report_evidence(self) -> QWidget | None:
        case = self.detail.case
        if case is None:
            return None
        items = case.evidence_at(EvidenceStage.REPORT, EvidenceKind.STILL) or case.evidence_at(
            EvidenceStage.REPORT
        )
        return self.open_evidence(items[0]) if items else None

    # --- keys, words, closing -------------------------------------------------------------------------
    def _shortcuts(self) -> None:
        handlers: dict[str, Callable[[], object]] = {
            "search": lambda: self.filters.text.setFocus(Qt.FocusReason.ShortcutFocusReason),
            "reload": self.reload,
            "next_page": lambda: self.turn(1),
            "previous_page": lambda: self.turn(-1),
            "evidence": self.open_report_evidence,
            "help": self.help.toggle,
        }
        for key_id, (key, _text) in WINDOW_KEYS.items():
            QShortcut(QKeySequence(key), self, handlers[key_id])

    def retranslate(self) -> None:
        self.setWindowTitle(translate("Cases", "Cases"))
        self.previous.setText(translate("Cases", "Previous page"))
        self.next.setText(translate("Cases", "Next page"))
        self.commands.retranslate()
        self.sound.retranslate()
        self.overdue.retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LanguageChange:  # Ctrl+L: the words follow
            self.retranslate()
            self.filters.retranslate()
            self.detail.retranslate()
            self.detail.refresh_header()
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
            self.model.tick()
        super().changeEvent(event)

    def shutdown(self) -> None:
        """At the app's end: no more notices, the reads and commands in flight finished."""
        self._unsubscribe()
        self._tick.stop()
        self.detail.shutdown()
        self.pool.waitForDone(5000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        for dialog in self.findChildren(CaseEvidenceWindow):
            dialog.close()  # their players stop; the case window itself only hides
        self.detail.shutdown()
        super().closeEvent(event)
