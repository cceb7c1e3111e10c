"""The export actions as a user meets them: a file dialog, a progress dialog, then the file (read
back) or the error, translated and naming the file; the case report as a PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.core.alerts import EvidenceRef
from app.ui.cases.dashboard import FiguresDashboard
from app.ui.cases.export_actions import ExportActions, ExportOutcome
from app.ui.cases.figures_period import PeriodChoice
from tests.fault_folders import read_only_folder
from tests.ui.figures_fakes import NOW, SH, FakeCases, catalogue, full_case, month_of_cases, routing


def answer_dialogs(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The file dialogs answer ``path`` as a user choosing it would."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(path))


def set_up(qtbot: QtBot, cases: FakeCases | None = None, evidence: dict[str, bytes] | None = None, **kw: Any):
    host = QWidget()
    qtbot.addWidget(host)
    store = evidence or {}

    def read(ref: EvidenceRef) -> bytes:
        return store[ref.sha256]

    exports = ExportActions(
        host, cases or FakeCases([]), read, tz=SH, now=lambda: NOW, catalogue=catalogue, routing=routing,
        pool=QThreadPool(), **kw,
    )  # fmt: skip
    outcomes: list[ExportOutcome] = []
    exports.finished.connect(outcomes.append)
    return host, exports, outcomes


def month_dashboard(qtbot: QtBot, exports: ExportActions, count: int = 1200) -> FiguresDashboard:
    facts = month_of_cases(count)
    view = FiguresDashboard(
        lambda f, t: [c for c in facts if c.created_at < t], lambda: NOW, SH, exports=exports,
        catalogue=catalogue, routing=routing,
    )  # fmt: skip
    qtbot.addWidget(view)
    view.set_period(PeriodChoice.PREVIOUS_MONTH)
    qtbot.waitUntil(lambda: view.result is not None and view.xlsx_button.isEnabled())
    return view


def test_the_excel_export_writes_a_workbook_with_progress_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, exports, outcomes = set_up(qtbot)
    view = month_dashboard(qtbot, exports)
    answer_dialogs(monkeypatch, tmp_path / "五月考核")  # no suffix typed: .xlsx added
    progress: list[tuple[int, int]] = []
    exports.progressed.connect(lambda done, total: progress.append((done, total)))
    labels: list[str] = []
    exports.started.connect(lambda kind: labels.append(exports.dialog.labelText() if exports.dialog else ""))
    view.xlsx_button.click()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    [outcome] = outcomes
    assert outcome.error == "" and outcome.paths == [tmp_path / "五月考核.xlsx"]
    assert labels == ["Writing 五月考核.xlsx …"]
    assert progress and progress[-1][0] == progress[-1][1] > 500  # the cases list: rows counted
    book = openpyxl.load_workbook(outcome.paths[0], read_only=True)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert view.result is not None
    assert summary["Closure rate"] == pytest.approx(view.result.figures.all.closure_rate)
    assert book["Departments"]["C3"].value == "Sanitation station"  # names in the UI's language
    assert exports.message is not None and "五月考核.xlsx" in exports.message.text()
    assert exports.dialog is None  # the progress dialog is gone


def test_an_export_to_a_read_only_folder_says_so_naming_the_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.i18n import Translations

    Translations().set_language("zh_CN")
    _, exports, outcomes = set_up(qtbot)
    view = month_dashboard(qtbot, exports)
    with read_only_folder(tmp_path / "只读") as folder:
        answer_dialogs(monkeypatch, folder / "figures.xlsx")
        view.xlsx_button.click()
        qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    [outcome] = outcomes
    target = folder / "figures.xlsx"
    assert outcome.paths == [] and not target.exists()
    assert exports.message is not None and exports.message.icon() == QMessageBox.Icon.Warning
    text = exports.message.text()
    assert text.startswith(f"无法写入 {target}：") and text.endswith("。")
    assert "文件夹为只读" in text or "没有写入权限" in text  # EROFS as root, EACCES otherwise


def test_csv_export_writes_one_file_per_table(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, exports, outcomes = set_up(qtbot)
    view = month_dashboard(qtbot, exports)
    answer_dialogs(monkeypatch, tmp_path / "may.csv")
    view.csv_button.click()
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    names = sorted(p.name for p in outcomes[0].paths)
    assert "may-summary.csv" in names and "may-cases.csv" in names
    assert (tmp_path / "may-departments.csv").read_text(encoding="utf-8-sig").startswith("Rank,Department")


def test_the_case_report_is_written_as_a_pdf_and_its_folder_offered(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, evidence = full_case()
    opened: list[Path] = []
    _, exports, outcomes = set_up(qtbot, FakeCases([case]), evidence, open_folder=opened.append)
    answer_dialogs(monkeypatch, tmp_path / "report.pdf")
    assert exports.export_case_report(case)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=30000)
    [outcome] = outcomes
    assert outcome.error == "" and outcome.paths == [tmp_path / "report.pdf"]
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert exports.message is not None and str(tmp_path / "report.pdf") in exports.message.text()
    opener = next(b for b in exports.message.buttons() if b.text() == "Open the folder")
    assert isinstance(opener, QPushButton)
    opener.click()
    assert opened == [tmp_path]


def test_case_files_of_the_period_are_exported_with_their_evidence(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, evidence = full_case()
    _, exports, outcomes = set_up(qtbot, FakeCases([case]), evidence)
    answer_dialogs(monkeypatch, tmp_path / "out")
    assert exports.export_case_files(exports.loader([case.id, "gone"]))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    assert outcomes[0].paths == [tmp_path / "out" / case.id]
    assert (tmp_path / "out" / case.id / "case.json").is_file()
    assert exports.message is not None and "1 case(s) written" in exports.message.text()


def test_cancelled_case_files_stop_with_what_is_complete(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [full_case(f"CW-20240503-000{n}") for n in range(1, 4)]
    evidence = {k: v for _, e in cases for k, v in e.items()}
    _, exports, outcomes = set_up(qtbot, FakeCases([c for c, _ in cases]), evidence)
    answer_dialogs(monkeypatch, tmp_path / "out")

    def press_cancel(kind: str) -> None:  # the user presses Cancel at once
        assert exports.dialog is not None
        button = exports.dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Cancel"
        button.click()

    exports.started.connect(press_cancel)
    assert exports.export_case_files(exports.loader([c.id for c, _ in cases]))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=20000)
    assert outcomes[0].cancelled and outcomes[0].paths == []
    assert not any((tmp_path / "out").iterdir())
    assert exports.message is not None and "nothing was written" in exports.message.text()
