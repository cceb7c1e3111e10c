"""Exports the user starts: the figures as XLSX or CSV, cases as files (JSON + evidence), one case's
printable report (PDF).

Each asks where (a file dialog), then writes off the GUI thread behind a progress dialog (with
Cancel where the writer can stop cleanly: the case files), and says how it went: the files
written with a button that opens their folder, or the error translated, naming the file.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QRunnable, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from app.adapters.case_files_export import CaseExportError, ExportResult, export_cases
from app.adapters.case_report import NoCjkFont, write_case_report
from app.adapters.export_files import ExportError
from app.adapters.figures_export import Names, figure_tables, write_csv, write_xlsx
from app.core.alerts import EvidenceRef
from app.core.audit import AuditEvent
from app.core.case_catalogue import Catalogue, Routing
from app.core.case_export import CategoryNames
from app.core.cases import Case
from app.ui.cases.figures_job import FiguresResult
from app.ui.cases.figures_words import figure_export_words, reason_text, report_words

translate = QCoreApplication.translate

EvidenceReader = Callable[[EvidenceRef], bytes]


class CaseReader(Protocol):
    """What the exports read of the cases (CaseService has it)."""

    def get(self, case_id: str) -> Case | None: ...

    def timeline(self, case_id: str) -> list[AuditEvent]: ...


class Cancelled(Exception):
    pass


@dataclass
class ExportOutcome:
    kind: str  # "xlsx", "csv", "case_files", "report"
    paths: list[Path] = field(default_factory=list)
    error: str = ""  # in words, naming the file
    cancelled: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)  # cases left out: (id, why)


Work = Callable[[Callable[[int, int], None], Callable[[], bool]], ExportOutcome]


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)


class _Job(QRunnable):
    def __init__(self, kind: str, work: Work, signals: _Signals, stop: threading.Event) -> None:
        super().__init__()
        self._kind, self._work, self._signals, self._stop = kind, work, signals, stop

    def run(self) -> None:
        try:
            outcome = self._work(self._signals.progress.emit, self._stop.is_set)
        except Cancelled:
            outcome = ExportOutcome(self._kind, cancelled=True)
        except Exception as exc:  # every failure is said to the user (translated where known)
            outcome = ExportOutcome(self._kind, error=error_text(exc))
        self._signals.done.emit(outcome)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, NoCjkFont):
        return translate(
            "Figures",
            "Cannot write {0}: no font with Chinese characters was found (install fonts-wqy-microhei).",
        ).format(exc.path)
    if isinstance(exc, ExportError):
        return translate("Figures", "Cannot write {0}: {1}.").format(exc.path, reason_text(exc.reason))
    if isinstance(exc, CaseExportError):
        return translate("Figures", "Cannot write the case files to {0}: {1}.").format(
            exc.folder, reason_text(exc.why)
        )
    if isinstance(exc, OSError) and exc.filename:
        return translate("Figures", "Cannot write {0}: {1}.").format(exc.filename, exc.strerror or exc)
    return translate("Figures", "The export failed: {0}").format(str(exc) or type(exc).__name__)


def chinese() -> bool:
    return QLocale().language() == QLocale.Language.Chinese


def names_of(catalogue: Catalogue | None, routing: Routing | None) -> Names:
    """Category and department names in the UI's language."""
    zh = chinese()
    categories: dict[str, str] = {}
    for c in catalogue or ():
        categories.setdefault(c.code, c.name.zh if zh or not c.name.en else c.name.en)
    departments = {
        d.id: d.name.zh if zh or not d.name.en else d.name.en
        for d in (routing.departments if routing else ())
    }
    return Names(categories, departments)


class ExportActions(QObject):
    """The export actions of the case window and the dashboard (one export at a time)."""

    started = Signal(str)  # kind
    progressed = Signal(int, int)  # done, in all
    finished = Signal(object)  # ExportOutcome

    def __init__(
        self,
        parent: QWidget,
        cases: CaseReader,
        read_evidence: EvidenceReader,
        *,
        tz: tzinfo,
        now: Callable[[], float],
        catalogue: Callable[[], Catalogue] | None = None,
        routing: Callable[[], Routing] | None = None,
        open_folder: Callable[[Path], object] | None = None,
        start_folder: Path | None = None,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent, self._cases, self._read = parent, cases, read_evidence
        self._tz, self._now = tz, now
        self._catalogue, self._routing = catalogue, routing
        self._open_folder = open_folder or (lambda p: QDesktopServices.openUrl(QUrl.fromLocalFile(str(p))))
        self._folder = start_folder or Path.home()
        self._pool = pool or QThreadPool.globalInstance()
        self._stop = threading.Event()
        self.dialog: QProgressDialog | None = None
        self.message: QMessageBox | None = None
        self.running = False

    def names(self) -> Names:
        return names_of(
            self._catalogue() if self._catalogue else None, self._routing() if self._routing else None
        )

    def loader(self, case_ids: Sequence[str]) -> Callable[[], list[Case]]:
        """Reads the cases of ``case_ids`` (when called, off the GUI thread); gone ones left out."""
        reader = self._cases

        def load() -> list[Case]:
            return [c for i in case_ids if (c := reader.get(i)) is not None]

        return load

    # --- the figures ---------------------------------------------------------------------------------
    def export_figures(self, result: FiguresResult, kind: str = "xlsx") -> bool:
        """Ask where, then write the shown figures as XLSX (one workbook) or CSV (a file per table)."""
        if self.running:
            return False
        start = datetime.fromtimestamp(result.period.start, self._tz)
        stem = translate("Figures", "figures") + f"-{start:%Y%m%d-%H%M}"
        if kind == "xlsx":
            title, pattern = (
                translate("Figures", "Export the figures (Excel)"),
                translate("Figures", "Excel workbook (*.xlsx)"),
            )
        else:
            title, pattern = (
                translate("Figures", "Export the figures (CSV)"),
                translate("Figures", "CSV files (*.csv)"),
            )
        chosen, _ = QFileDialog.getSaveFileName(
            self._parent, title, str(self._folder / f"{stem}.{kind}"), pattern
        )
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        self._folder = path.parent
        words, names, zone = figure_export_words(), self.names(), self._tz

        def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> ExportOutcome:
            tables = figure_tables(
                result.figures, result.cases, zone=zone, words=words, names=names, alerts=result.alerts,
                voice=result.voice,
            )  # fmt: skip

            if kind == "xlsx":
                return ExportOutcome(kind, [write_xlsx(path, tables, progress=progress)])
            return ExportOutcome(
                kind, write_csv(path, tables, progress=progress)
            )  # files one by one: no stop

        # No Cancel: the writers cannot stop cleanly half-way (openpyxl's streams), and they are quick.
        label = translate("Figures", "Writing {0} …").format(path.name)
        return self._run(kind, work, label, can_cancel=False)

    # --- cases as files ------------------------------------------------------------------------------
    def export_case_files(self, load: Callable[[], Sequence[Case]]) -> bool:
        """Ask for a folder, then write each case of ``load()`` (read off the GUI thread) as JSON
        with its evidence files."""
        if self.running:
            return False
        chosen = QFileDialog.getExistingDirectory(
            self._parent, translate("Figures", "Export the cases as files into …"), str(self._folder)
        )
        if not chosen:
            return False
        folder = Path(chosen)
        self._folder = folder
        catalogue, zone, read = self._catalogue() if self._catalogue else None, self._tz, self._read

        def categories(code: str) -> CategoryNames | None:
            found = catalogue.find(code) if catalogue else None
            if found is None:
                return None
            return CategoryNames(
                found.kind.value, found.class_code, found.class_name.zh, found.name.zh,
                found.class_name.en, found.name.en,
            )  # fmt: skip

        def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> ExportOutcome:
            cases = list(load())
            result: ExportResult = export_cases(
                cases, read, folder, progress, zone=zone, categories=categories, should_stop=stop
            )
            return ExportOutcome(
                "case_files", [folder / c for c in result.exported], cancelled=stop(), skipped=result.skipped
            )

        return self._run(
            "case_files", work, translate("Figures", "Writing the case files …"), can_cancel=True
        )

    # --- one case's report ---------------------------------------------------------------------------
    def export_case_report(self, case: Case) -> bool:
        """打印案件报告 (PDF): ask where, write it, offer to open its folder."""
        if self.running:
            return False
        name = translate("Figures", "case-report") + f"-{case.id}.pdf"
        chosen, _ = QFileDialog.getSaveFileName(
            self._parent, translate("Figures", "Print the case report (PDF)"), str(self._folder / name),
            translate("Figures", "PDF document (*.pdf)"),
        )  # fmt: skip
        if not chosen:
            return False
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self._folder = path.parent
        words, names, zone, now = report_words(), self.names(), self._tz, self._now()
        catalogue_words = dict(names.categories)

        def work(progress: Callable[[int, int], None], stop: Callable[[], bool]) -> ExportOutcome:
            events = self._cases.timeline(case.id)
            written = write_case_report(
                case, events, self._read, catalogue_words, path, zone, words=words,
                department_names=names.departments, generated_at=now,
            )  # fmt: skip
            return ExportOutcome("report", [written])

        return self._run(
            "report", work, translate("Figures", "Writing {0} …").format(path.name), can_cancel=False
        )

    # --- running and telling -------------------------------------------------------------------------
    def _run(self, kind: str, work: Work, label: str, *, can_cancel: bool) -> bool:
        self.running = True
        self._stop = threading.Event()
        dialog = QProgressDialog(
            label, translate("Figures", "Cancel") if can_cancel else "", 0, 0, self._parent
        )
        if not can_cancel:
            dialog.setCancelButton(None)
        dialog.setWindowTitle(translate("Figures", "Export"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self._stop.set)
        self.dialog = dialog
        signals = _Signals(self)
        signals.progress.connect(self._progress)
        signals.done.connect(self._done)
        self.started.emit(kind)
        dialog.show()
        self._pool.start(_Job(kind, work, signals, self._stop))
        return True

    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None and total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        self.progressed.emit(done, total)

    def _done(self, outcome: ExportOutcome) -> None:
        self.running = False
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self._tell(outcome)
        self.finished.emit(outcome)

    def _tell(self, outcome: ExportOutcome) -> None:
        box = QMessageBox(self._parent)
        box.setWindowTitle(translate("Figures", "Export"))
        folder: Path | None = None
        if outcome.error:
            box.setIcon(QMessageBox.Icon.Warning)
            box.setText(outcome.error)
        elif outcome.cancelled and not outcome.paths:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(translate("Figures", "The export was cancelled; nothing was written."))
        else:
            box.setIcon(QMessageBox.Icon.Information)
            folder = outcome.paths[0].parent if outcome.paths else None
            box.setText(self._written_text(outcome))
        box.addButton(QMessageBox.StandardButton.Close)
        if folder is not None:
            opener = box.addButton(translate("Figures", "Open the folder"), QMessageBox.ButtonRole.ActionRole)
            target = folder
            opener.clicked.connect(lambda: self._open_folder(target))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.message = box
        box.open()

    def _written_text(self, outcome: ExportOutcome) -> str:
        if outcome.kind == "case_files":
            text = translate("Figures", "{0} case(s) written to {1}.").format(
                len(outcome.paths), outcome.paths[0].parent if outcome.paths else ""
            )
            if outcome.cancelled:
                text += "\n" + translate(
                    "Figures", "Cancelled: the cases written so far are complete and stay."
                )
            if outcome.skipped:
                lines = "\n".join(
                    translate("Figures", "{0}: {1}").format(case_id, why)
                    for case_id, why in outcome.skipped[:10]
                )
                head = translate("Figures", "{0} case(s) left out (evidence damaged or missing):")
                text += "\n" + head.format(len(outcome.skipped)) + "\n" + lines
            return text
        if outcome.kind == "report":
            return translate("Figures", "The case report was written to {0}.").format(outcome.paths[0])
        files = "\n".join(str(p) for p in outcome.paths)
        return translate("Figures", "The figures were written to:") + "\n" + files
