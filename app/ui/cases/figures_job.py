"""The figures of a period, worked out off the GUI thread (a month may judge 17,000 of a year's
200,000 cases). Requests are numbered; only the newest one's result is shown."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.core.alerts import Alert
from app.core.case_figures import AlertFigures, Figures, Period, alert_figures, figures, reckoned_at
from app.core.cases import CaseFacts
from app.core.voice_figures import VoiceFigures, voice_facts, voice_figures

# CaseService.facts_in_period(start, end): at least every case made, due or closed in the period (a
# case is judged at its closure or its deadline); compute() keeps those made or judged in it.
FactsSource = Callable[[float, float], Sequence[CaseFacts]]
AlertsSource = Callable[[Period], Iterable[Alert]]  # the alerts raised in the period
# CaseService.cased_alerts(start, end): the alerts raised in the period that became cases.
CasedSource = Callable[[float, float], Collection[str]]


@dataclass(frozen=True)
class FiguresResult:
    period: Period
    figures: Figures
    cases: list[CaseFacts] = field(default_factory=list)  # made or judged in the period: the export's
    alerts: AlertFigures | None = None
    alerts_error: str = ""  # the alerts could not be read (the cases' figures still stand)
    voice: VoiceFigures | None = None  # resolved by prompt alone (喊话劝离), from the same alerts


def compute(
    period: Period,
    now: float,
    facts: FactsSource,
    alerts: AlertsSource | None,
    *,
    zone: tzinfo = UTC,
    cased: CasedSource | None = None,
) -> FiguresResult:
    found = facts(period.start, period.end)
    mine = [
        c
        for c in found
        if c.created_at in period or ((at := reckoned_at(c, now)) is not None and at in period)
    ]
    result = figures(mine, period, now)
    if alerts is None:
        return FiguresResult(period, result, mine)
    try:
        raised = list(alerts(period))
        counted = alert_figures(raised, period)
        # Which became cases: asked of the store (a case made the day after counts too); without
        # it, the cases read for the period are all there is to go by.
        made = (
            cased(period.start, period.end) if cased is not None else {a for c in found for a in c.alert_ids}
        )
        voice = voice_figures(voice_facts(raised, made), period, zone)
    except Exception as exc:  # the alert store is another database: its failure leaves the cases' figures
        return FiguresResult(period, result, mine, None, str(exc) or type(exc).__name__)
    return FiguresResult(period, result, mine, counted, voice=voice)


class _Signals(QObject):
    done = Signal(int, object, str)  # request number, FiguresResult or None, error


class _Run(QRunnable):
    def __init__(self, number: int, work: Callable[[], FiguresResult], signals: _Signals) -> None:
        super().__init__()
        self._number, self._work, self._signals = number, work, signals

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # the case store is gone or refuses: said on the dashboard
            self._signals.done.emit(self._number, None, str(exc) or type(exc).__name__)
            return
        self._signals.done.emit(self._number, result, "")


class FiguresJobs(QObject):
    """Runs :func:`compute`; ``finished`` only for the newest request."""

    finished = Signal(object, str)  # FiguresResult or None, error

    def __init__(
        self,
        facts: FactsSource,
        alerts: AlertsSource | None = None,
        pool: QThreadPool | None = None,
        parent: QObject | None = None,
        *,
        zone: tzinfo = UTC,
        cased: CasedSource | None = None,
    ) -> None:
        super().__init__(parent)
        self._facts, self._alerts, self._zone, self._cased = facts, alerts, zone, cased
        self._pool = pool or QThreadPool.globalInstance()
        self._signals = _Signals(self)
        self._signals.done.connect(self._done)
        self._number = 0
        self.running = False

    def start(self, period: Period, now: float) -> int:
        self._number += 1
        self.running = True
        facts, alerts, zone, cased = self._facts, self._alerts, self._zone, self._cased

        def work() -> FiguresResult:
            return compute(period, now, facts, alerts, zone=zone, cased=cased)

        self._pool.start(_Run(self._number, work, self._signals))
        return self._number

    def _done(self, number: int, result: FiguresResult | None, error: str) -> None:
        if number != self._number:
            return  # an older request: a newer one is on its way
        self.running = False
        self.finished.emit(result, error)
