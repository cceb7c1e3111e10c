"""督办 in the case window on the site's working calendar: a case dispatched on a Friday evening is
not "due soon" over the weekend when Monday's working hours are enough, turns due soon on Monday
morning, and its time left is said in working hours; urgent hours stay clock time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from app.core.cases import Case, CaseCommand
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.core.work_calendar import WorkCalendar
from app.services.cases import CaseService, Place
from app.ui.cases.model import COLUMNS, SupervisionRole
from app.ui.cases.window import CaseWindow
from app.ui.cases.words import Supervision
from app.ui.i18n import Translations
from tests.alert_fakes import FakeClock
from tests.case_store_fakes import FakeCategory, FakeRouting, MemoryCaseRepository
from tests.ui.case_fakes import LEAD, OP, SHANGHAI, FakeNames, catalogue, do

CALENDAR = WorkCalendar()  # 08:30–12:00, 14:00–17:30, Monday to Friday
FRIDAY_1700 = datetime(2026, 5, 29, 17, 0, tzinfo=SHANGHAI).timestamp()


def at(day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI).timestamp()


@pytest.fixture
def friday() -> Iterator[tuple[CaseService, FakeClock, dict[str, Case]]]:
    assert datetime.fromtimestamp(FRIDAY_1700, SHANGHAI).strftime("%A") == "Friday"
    clock = FakeClock(FRIDAY_1700)
    cat = catalogue()
    cat.categories["0504"] = FakeCategory("0504", TimeLimit(40, DeadlineUnit.URGENT_HOURS))
    service = CaseService(
        MemoryCaseRepository(), clock, catalogue=lambda: cat, routing=FakeRouting, calendar=lambda: CALENDAR,
        place_of=lambda cam: Place("330105001001001", address="武林广场北门"),
    )  # fmt: skip
    make = lambda code: service.create(OP, category_code=code, camera_id="cam001").result(timeout=5)  # noqa: E731
    vendor = do(service, make("0501"), CaseCommand.DISPATCH, LEAD)  # 2 工作时: 0.5 h on Friday, 1.5 on Monday
    urgent = do(service, make("0504"), CaseCommand.DISPATCH, LEAD)  # 40 紧急工作时: Sunday 09:00
    yield service, clock, {"vendor": vendor, "urgent": urgent}
    service.close()


def open_window(qtbot, service: CaseService, clock: FakeClock, calendar: bool = True) -> CaseWindow:
    window = CaseWindow(
        service, FakeNames(), LEAD, SHANGHAI, now=clock.now, calendar=(lambda: CALENDAR) if calendar else None
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    return window


def level(window: CaseWindow, case: Case) -> Supervision:
    index = window.model.index(window.model.row_of(case.id), COLUMNS.index("supervision"))
    return Supervision(index.data(SupervisionRole))  # a StrEnum comes back from Qt as its str


def test_a_friday_evening_case_is_not_due_soon_over_the_weekend(qtbot, friday) -> None:
    service, clock, cases = friday
    vendor = cases["vendor"]
    assert vendor.due_at == datetime(2026, 6, 1, 10, 0, tzinfo=SHANGHAI).timestamp()
    clock.t = at(31, 20)  # Sunday 20:00: 14 of 65 clock hours left, 1.5 of 2 working hours
    on_clock = open_window(qtbot, service, clock, calendar=False)
    assert level(on_clock, vendor) is Supervision.DUE_SOON  # the clock rule would nag all weekend
    on_clock.shutdown()
    window = open_window(qtbot, service, clock)
    assert level(window, vendor) is Supervision.NORMAL
    window.show_case(vendor.id)
    qtbot.waitUntil(lambda: getattr(window.current_case(), "id", None) == vendor.id)
    assert "1.5 working hours left" in window.detail.values["deadline"].text()
    clock.t = datetime(2026, 6, 1, 9, 40, tzinfo=SHANGHAI).timestamp()  # Monday: 20 working minutes left
    window._clock()  # the window's 30-second tick
    assert level(window, vendor) is Supervision.DUE_SOON
    assert "0.3 working hours left" in window.detail.values["deadline"].text()
    clock.t = datetime(2026, 6, 1, 14, 30, tzinfo=SHANGHAI).timestamp()  # past 10:00; 12:00–14:00 is lunch
    window._clock()
    assert level(window, vendor) is Supervision.OVERDUE
    assert "overdue by 2.5 working hours" in window.detail.values["deadline"].text()
    window.shutdown()


def test_urgent_hours_count_on_the_clock_and_read_in_chinese(qtbot, friday) -> None:
    Translations().set_language("zh_CN")
    service, clock, cases = friday
    urgent = cases["urgent"]
    assert urgent.due_at == at(31, 9)  # 40 hours around the clock: Sunday 09:00
    clock.t = at(30, 20)  # Saturday 20:00: 13 of 40 hours left, more than a quarter
    window = open_window(qtbot, service, clock)
    assert level(window, urgent) is Supervision.NORMAL
    window.show_case(urgent.id)
    qtbot.waitUntil(lambda: getattr(window.current_case(), "id", None) == urgent.id)
    assert "剩余 13 小时 0 分钟" in window.detail.values["deadline"].text()
    window.show_case(cases["vendor"].id)
    qtbot.waitUntil(lambda: getattr(window.current_case(), "id", None) == cases["vendor"].id)
    assert "剩余 1.5 工作时" in window.detail.values["deadline"].text()
    clock.t = at(31, 0)
    window._clock()
    assert level(window, urgent) is Supervision.DUE_SOON  # 9 of 40 hours: under a quarter
    window.shutdown()
