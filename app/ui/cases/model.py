"""The case list's model (one page of the store's answer) and the reader that asks the store off
the GUI thread: every question carries a number, and only the newest answer is shown.

The list never holds the store: a page of at most ``PAGE`` cases, asked with limit/offset, and
the count of all that match. Sorting by a header is a new question to the store (``sort`` only
says which :class:`SortKey` was asked), never a sort of the page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from app.core.case_ports import CaseQuery, SortKey
from app.core.cases import Case
from app.services.cases import CaseService
from app.ui.cases.supervise import Supervisor
from app.ui.cases.words import (
    CaseNames,
    Supervision,
    category_words,
    department_words,
    source_words,
    state_words,
    supervision_words,
    when_words,
)

translate = QCoreApplication.translate

PAGE = 100
COUNT_AT_MOST = 10_000  # the list counts up to here ("more than 10,000"): a scan stops early
COLUMNS = (  # what supervision needs first: the state, the colour's word, the deadline
    "id",
    "state",
    "supervision",
    "due",
    "category",
    "department",
    "grid",
    "address",
    "source",
    "created",
)
SORT_OF: dict[str, SortKey] = {
    "id": SortKey.CREATED,
    "created": SortKey.CREATED,
    "state": SortKey.STATE,
    "supervision": SortKey.DUE,
    "due": SortKey.DUE,
    "category": SortKey.CATEGORY,
    "grid": SortKey.GRID,
    "department": SortKey.DEPARTMENT,
}
# Dark room colours: the background says it at a glance, the 督办 column says it in words.
ROW_BACKGROUND = {
    Supervision.DUE_SOON: QColor(110, 84, 20),
    Supervision.OVERDUE: QColor(128, 28, 32),
}
CaseRole = Qt.ItemDataRole.UserRole + 1
SupervisionRole = Qt.ItemDataRole.UserRole + 2


def header_words(column: str) -> str:
    words = {
        "id": translate("Cases", "Case"),
        "state": translate("Cases", "State"),
        "supervision": translate("Cases", "Supervision"),
        "category": translate("Cases", "Category"),
        "grid": translate("Cases", "Grid"),
        "address": translate("Cases", "Address"),
        "department": translate("Cases", "Department"),
        "due": translate("Cases", "Deadline"),
        "source": translate("Cases", "Source"),
        "created": translate("Cases", "Reported at"),
    }
    return words[column]


class CaseTableModel(QAbstractTableModel):
    sort_requested = Signal(object, bool)  # SortKey, descending

    def __init__(
        self,
        names: CaseNames,
        tz: tzinfo,
        now: Callable[[], float] = time.time,
        parent: QObject | None = None,
        *,
        supervisor: Supervisor | None = None,
    ) -> None:
        super().__init__(parent)
        self._names, self._tz, self._now = names, tz, now
        self.supervisor = supervisor or Supervisor()
        self._cases: list[Case] = []
        # (case id, version) -> colour and time left: working time is counted on the calendar
        # once per case and tick, not for every cell painted.
        self._marks: dict[tuple[str, int], tuple[Supervision, str]] = {}

    # --- contents ---------------------------------------------------------------------------------
    def set_cases(self, cases: list[Case]) -> None:
        self.beginResetModel()
        self._cases = list(cases)
        self._marks.clear()
        self.endResetModel()

    def cases(self) -> list[Case]:
        return list(self._cases)

    def case_at(self, row: int) -> Case | None:
        return self._cases[row] if 0 <= row < len(self._cases) else None

    def row_of(self, case_id: str) -> int:
        return next((n for n, c in enumerate(self._cases) if c.id == case_id), -1)

    def replace_case(self, case: Case) -> bool:
        """A newer version of a case on this page (a notice): its row is redrawn in place."""
        row = self.row_of(case.id)
        if row < 0:
            return False
        self._cases[row] = case
        self._marks.pop((case.id, case.version), None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return True

    def tick(self) -> None:
        """Time passes: "due soon" and "overdue" change without any notice."""
        self._marks.clear()
        if self._cases:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._cases) - 1, len(COLUMNS) - 1))

    # --- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._cases)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 (Qt API)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return header_words(COLUMNS[section])
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        case = self.case_at(index.row())
        if case is None or not index.isValid():
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = ROW_BACKGROUND.get(self.mark(case)[0])
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole and column in ("address", "category", "due"):
            return self._text(case, column)
        if role == CaseRole:
            return case
        if role == SupervisionRole:
            return self.mark(case)[0]
        return None

    def mark(self, case: Case) -> tuple[Supervision, str]:
        """The case's colour and the time it has left (as of the last tick)."""
        key = (case.id, case.version)
        mark = self._marks.get(key)
        if mark is None:
            now = self._now()
            mark = self._marks[key] = (
                self.supervisor.level(case, now),
                self.supervisor.left_words(case, now),
            )
        return mark

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_OF.get(COLUMNS[column])
        if key is not None:
            self.sort_requested.emit(key, order is Qt.SortOrder.DescendingOrder)

    def _text(self, case: Case, column: str) -> str:
        if column == "id":
            return case.id
        if column == "state":
            return state_words(case.state)
        if column == "supervision":
            return supervision_words(self.mark(case)[0])
        if column == "category":
            return category_words(self._names, case.category_code)
        if column == "grid":
            return case.grid_code or ""
        if column == "address":
            return case.address
        if column == "department":
            return department_words(self._names, case.department_id)
        if column == "due":
            left = self.mark(case)[1]
            due = when_words(case.due_at, self._tz)
            return translate("Cases", "{0} ({1})").format(due, left) if left else due
        if column == "source":
            return source_words(case.source)
        return when_words(case.created_at, self._tz)


def sortable(column: int) -> bool:
    return COLUMNS[column] in SORT_OF


# --- reading off the GUI thread ----------------------------------------------------------------------
class PageAnswer(QObject):
    """Carries a page back to the GUI thread (queued): question number, cases, total, error."""

    done = Signal(int, object, int, str)


class PageQuestion(QRunnable):
    def __init__(self, number: int, service: CaseService, query: CaseQuery, answer: PageAnswer) -> None:
        super().__init__()
        self._number, self._service, self._query, self._answer = number, service, query, answer

    def run(self) -> None:
        try:
            cases = self._service.search(self._query)
            total = self._service.count(self._query, COUNT_AT_MOST)
        except Exception as exc:  # the store is gone: the list says so and keeps what it showed
            self._answer.done.emit(self._number, [], -1, str(exc) or type(exc).__name__)
            return
        self._answer.done.emit(self._number, cases, total, "")


class Work(QObject):
    """Any read or command off the GUI thread, answered on it: (token, result, error)."""

    done = Signal(object, object, object)


class Job(QRunnable):
    def __init__(self, token: object, work: Callable[[], object], answer: Work) -> None:
        super().__init__()
        self._token, self._work, self._answer = token, work, answer

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # told to the GUI, translated there
            self._answer.done.emit(self._token, None, exc)
            return
        self._answer.done.emit(self._token, result, None)
