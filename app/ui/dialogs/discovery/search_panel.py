"""The top of the camera search dialog: search (WS-Discovery), probe addresses, progress and stop, and
the answers that were not understood.

One search or probe at a time runs on a worker thread (:class:`.jobs.Job`); a GUI timer copies its
progress, its devices (:attr:`SearchPanel.found`) and its problems into the widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Literal

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.adapters.onvif.discovery import discover
from app.adapters.onvif.errors import OnvifError
from app.adapters.onvif.probe import probe_addresses
from app.adapters.onvif.targets import TargetError, parse_ports, parse_targets
from app.ui.dialogs.discovery.jobs import Job, JobKind, JobResult
from app.ui.dialogs.discovery.results import ProblemsTable
from app.ui.dialogs.discovery.texts import target_error_text

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
POLL_MS = 50
TextFn = Callable[[], str]
Outcome = Literal["done", "cancelled", "failed"]


class SearchPanel(QWidget):
    """``found`` carries every device of the running job (all so far) on each poll and at its end;
    ``message`` a re-translatable text (or None) and whether it is an error; ``changed`` any state."""

    found = Signal(object)
    message = Signal(object, bool)
    changed = Signal()

    def __init__(
        self,
        executor: Executor,
        *,
        target: tuple[str, int],
        timeout_s: float,
        probe_ports: tuple[int, ...],
        probe_timeout_s: float,
        login: Callable[[], tuple[str | None, str | None]],
        rows: Callable[[], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._executor = executor
        self.target, self.timeout_s, self.probe_timeout_s = target, timeout_s, probe_timeout_s
        self._login, self._rows = login, rows
        self.job: Job | None = None
        self.started = False
        self.outcome: tuple[JobKind, Outcome] | None = None
        self._closing = False
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

        self.search_button = QPushButton(self)
        self.search_button.clicked.connect(self.start_search)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(10)
        self.found_label = QLabel(self)
        self.address_label = QLabel(self)
        self.address_edit = QLineEdit(self)
        self.address_edit.setMaxLength(2000)
        self.address_edit.returnPressed.connect(self.start_probe)
        self.address_edit.textChanged.connect(lambda _t: self.update_state())
        self.address_label.setBuddy(self.address_edit)
        self.ports_label = QLabel(self)
        self.ports_edit = QLineEdit(", ".join(str(p) for p in probe_ports), self)
        self.ports_edit.setMaxLength(100)
        self.ports_edit.setMinimumWidth(220)
        self.ports_edit.setMaximumWidth(260)
        self.ports_edit.returnPressed.connect(self.start_probe)
        self.ports_label.setBuddy(self.ports_edit)
        self.probe_button = QPushButton(self)
        self.probe_button.clicked.connect(self.start_probe)
        for button in (self.search_button, self.cancel_button, self.probe_button):
            button.setAutoDefault(False)
        self.problems_label = QLabel(self)
        self.problems = ProblemsTable(self)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.progress, 1)
        search_row.addWidget(self.found_label)
        search_row.addWidget(self.cancel_button)
        probe_row = QHBoxLayout()
        probe_row.addWidget(self.address_label)
        probe_row.addWidget(self.address_edit, 1)
        probe_row.addWidget(self.ports_label)
        probe_row.addWidget(self.ports_edit)
        probe_row.addWidget(self.probe_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addLayout(probe_row)
        self.problems_box = QWidget(self)  # placed by the dialog, under the results
        box = QVBoxLayout(self.problems_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.problems_label)
        box.addWidget(self.problems)
        self._show_problems()

    def retranslate(self) -> None:
        self.search_button.setText(translate("DiscoveryDialog", "&Search again"))
        self.search_button.setToolTip(translate("DiscoveryDialog", "Search the network again (F5)"))
        self.cancel_button.setText(translate("DiscoveryDialog", "S&top"))
        self.address_label.setText(translate("DiscoveryDialog", "Add&resses"))
        self.address_edit.setPlaceholderText(
            translate("DiscoveryDialog", "e.g. 10.1.2.30, 10.1.2.0/24, 10.1.2.10-40, 10.1.2.31:8899")
        )
        self.address_edit.setToolTip(
            translate(
                "DiscoveryDialog",
                "An address, a range (at most 256 addresses, a /24) or a list, separated by commas. "
                "Each is asked for its ONVIF device service on the ports given.",
            )
        )
        self.ports_label.setText(translate("DiscoveryDialog", "P&orts"))
        self.probe_button.setText(translate("DiscoveryDialog", "&Probe"))
        self.problems.retranslate()
        self._show_problems()
        self.update_state()

    # -- starting and stopping --------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def start_search(self) -> None:
        """WS-Discovery: ask every camera on this network segment to answer."""
        if self.job is not None or self._closing:
            return

        def work(job: Job) -> JobResult:
            devices = discover(
                timeout_s=self.timeout_s,
                target=self.target,
                progress=job.progress,
                cancel=job.cancel,
                on_problem=job.problem,
            )
            return JobResult(tuple(devices))

        self._start("search", work)

    def start_probe(self) -> None:
        """Ask the addresses typed for an ONVIF device service (cameras on other subnets, VLANs)."""
        if self.job is not None or self._closing:
            return
        try:
            targets = parse_targets(self.address_edit.text())
            ports = parse_ports(self.ports_edit.text())
        except TargetError as exc:
            mistake = exc  # `exc` is gone after the block; the message is re-translated later
            self.message.emit(lambda: target_error_text(mistake), True)
            self.address_edit.setFocus()
            return
        user, password = self._login()

        def work(job: Job) -> JobResult:
            result = probe_addresses(
                targets,
                ports=ports,
                username=user,
                password=password,
                timeout_s=self.probe_timeout_s,
                progress=job.progress,
                on_problem=job.problem,
                cancel=job.cancel,
            )
            return JobResult(result.devices, result.silent, len(targets))

        self._start("probe", work)

    def _start(self, kind: JobKind, work: Callable[[Job], JobResult]) -> None:
        self.started = True
        self.outcome = None
        self.job = Job(kind, self._executor, work)
        self.problems.set_problems(())
        self._show_problems()
        self.progress.setValue(0)
        self.message.emit(None, False)
        self._timer.start()
        self.update_state()

    def cancel(self) -> None:
        """Stop the search or probe now; what was found so far stays listed."""
        if self.job is not None:
            self.job.cancel.set()
            self.update_state()

    def shutdown(self) -> None:
        self._closing = True
        if self.job is not None:
            self.job.cancel.set()
        self._timer.stop()

    # -- following the job ------------------------------------------------------------------------
    def _poll(self) -> None:
        job = self.job
        if job is None:
            self._timer.stop()
            return
        snapshot = job.snapshot()
        self.progress.setValue(round(snapshot.fraction * 1000))
        self.found.emit(snapshot.devices)
        self.problems.set_problems(snapshot.problems)
        self._show_problems()
        if job.done():
            self._finished(job)
        self.update_state()

    def _finished(self, job: Job) -> None:
        self.job = None
        self._timer.stop()
        self.problems.set_problems(job.snapshot().problems)
        problems = len(self.problems.problems)
        try:
            result = job.future.result()
        except OnvifError as exc:
            detail = str(exc)
            self.outcome = (job.kind, "failed")
            self._failed(job.kind, lambda: detail)
        except Exception as exc:
            log.exception("camera %s failed", job.kind)
            name = type(exc).__name__
            self.outcome = (job.kind, "failed")
            self._failed(job.kind, lambda: translate("DiscoveryDialog", "internal error ({0})").format(name))
        else:
            self.found.emit(result.devices)
            how: Outcome = "cancelled" if job.cancel.is_set() else "done"
            self.outcome = (job.kind, how)
            self.message.emit(self._summary(job.kind, how, result, problems), self._rows() == 0)
        self.progress.setValue(1000)
        self._show_problems()

    def _failed(self, kind: JobKind, detail: TextFn) -> None:
        if kind == "search":
            self.message.emit(
                lambda: translate("DiscoveryDialog", "The search failed: {0}").format(detail()), True
            )
        else:
            self.message.emit(
                lambda: translate("DiscoveryDialog", "The probe failed: {0}").format(detail()), True
            )

    def _summary(self, kind: JobKind, how: Outcome, result: JobResult, problems: int) -> TextFn | None:
        found = len(result.devices)
        if kind == "search":
            if how == "done" and self._rows() == 0 and not problems:
                return lambda: translate(
                    "DiscoveryDialog",
                    "No camera answered. Cameras on another subnet do not hear the search: type their "
                    "addresses in Addresses and press Probe.",
                )
            if problems:
                return lambda: translate(
                    "DiscoveryDialog", "{0} answer(s) not understood: see the list below."
                ).format(problems)
            return None
        if how == "cancelled":
            return lambda: translate("DiscoveryDialog", "Probe stopped: {0} camera(s) found so far.").format(
                found
            )
        return lambda: translate(
            "DiscoveryDialog",
            "Probed {0} address(es): {1} camera(s) found, {2} answer(s) not understood, "
            "{3} address(es) in ranges without an answer.",
        ).format(result.addresses, found, problems, result.silent)

    # -- showing ----------------------------------------------------------------------------------
    def update_state(self) -> None:
        idle = self.job is None
        self.search_button.setEnabled(idle)
        self.probe_button.setEnabled(idle and bool(self.address_edit.text().strip()))
        self.cancel_button.setEnabled(self.job is not None and not self.job.cancel.is_set())
        self._show_found()
        self.changed.emit()

    def _show_found(self) -> None:
        count = self._rows()
        if self.job is not None:
            if self.job.kind == "search":
                self.found_label.setText(translate("DiscoveryDialog", "Searching… {0} found").format(count))
            else:
                self.found_label.setText(translate("DiscoveryDialog", "Probing… {0} found").format(count))
            return
        how = self.outcome[1] if self.outcome else ""
        if not self.started:
            self.found_label.setText("")
        elif how == "failed":
            self.found_label.setText(translate("DiscoveryDialog", "Search failed"))
        elif how == "cancelled":
            self.found_label.setText(translate("DiscoveryDialog", "Stopped: {0} found").format(count))
        elif how == "done" and count == 0:
            self.found_label.setText(translate("DiscoveryDialog", "No camera answered"))
        else:
            self.found_label.setText(translate("DiscoveryDialog", "{0} found").format(count))

    def _show_problems(self) -> None:
        count = len(self.problems.problems)
        self.problems_label.setText(translate("DiscoveryDialog", "Answers not understood: {0}").format(count))
        self.problems_box.setVisible(count > 0)
