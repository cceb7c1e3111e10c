#!/usr/bin/env python3
"""Render the case window (Chinese, dark theme) to PNG, to look at it:

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python scripts/case_screens.py /tmp/cases

A morning's cases from the UI tests' fakes (tests/ui/case_fakes.py), the closed one with its
report, feedback and check pictures selected; at 1600×900 and 1280×720 with the overdue banner
(the service's overdue check has run), F1's keys, and the dispatch, edit and new-case dialogs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.core.cases import CaseCommand, CaseState
from app.ui.cases.window import CaseWindow
from app.ui.i18n import Translations
from app.ui.theme import apply_theme
from tests.alert_fakes import FakeClock
from tests.evidence_fakes import MemoryEvidenceStore
from tests.ui.case_fakes import LEAD, SHANGHAI, T0, FakeNames, make_service, morning


def wait(app: QApplication, done: object, ms: int = 5000) -> None:
    from PySide6.QtCore import QDeadlineTimer

    deadline = QDeadlineTimer(ms)
    while not done() and not deadline.hasExpired():  # type: ignore[operator]
        app.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/citywall-cases")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    apply_theme(app)
    Translations().set_language("zh_CN")
    clock = FakeClock(T0)
    service, _repo = make_service(clock)
    store = MemoryEvidenceStore()
    cases = morning(service, clock, store, frames=True)
    window = CaseWindow(service, FakeNames(), LEAD, SHANGHAI, load_evidence=store.read, now=clock.now)
    window.sound.set_muted(True)  # the banner is what is looked at here
    window.show()
    service.tick()  # the overdue case is told: the banner
    window.filters.select(window.filters.state, None)
    wait(app, lambda: window.model.row_of(cases["done"].id) >= 0)
    for size, name in (((1600, 900), "cases-1600x900.png"), ((1280, 720), "cases-1280x720.png")):
        window.resize(*size)
        window.show_case(cases["done"].id)
        wait(app, lambda: window.detail.timeline.topLevelItemCount() > 0)
        wait(app, lambda: window.detail.pair.after.picture.pixmap() is not None
             and not window.detail.pair.after.picture.pixmap().isNull())  # fmt: skip
        wait(app, window.overdue.isVisible)
        for _ in range(20):
            app.processEvents()
        window.grab().save(str(out / name))
        window.help.show()
        for _ in range(5):
            app.processEvents()
        window.grab().save(str(out / name.replace("cases-", "cases-help-")))
        window.help.hide()
    window.resize(1600, 900)
    window.show_case(cases["overdue"].id)
    wait(app, lambda: window.detail.timeline.topLevelItemCount() >= 3)
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(out / "cases-overdue-1600x900.png"))
    window.show_case(cases["filed"].id)
    wait(app, lambda: window.current_case() is not None and window.current_case().state is CaseState.FILED)  # type: ignore[union-attr]
    window.run(CaseCommand.DISPATCH)
    for _ in range(20):
        app.processEvents()
    if window.dialog is not None:
        window.dialog.grab().save(str(out / "cases-dispatch-dialog.png"))
        window.dialog.reject()
    window.run(CaseCommand.EDIT)
    for _ in range(20):
        app.processEvents()
    if window.dialog is not None:
        window.dialog.grab().save(str(out / "cases-edit-dialog.png"))
        window.dialog.reject()
    dialog = window.create_from_tile("cam001", store.refs[0], "330105001001001")
    dialog.search.setText("游商")
    wait(app, lambda: dialog.picture.pixmap() is not None and not dialog.picture.pixmap().isNull())
    dialog.grab().save(str(out / "cases-create-dialog.png"))
    dialog.reject()
    window.shutdown()
    service.close()
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
