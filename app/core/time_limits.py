"""How long a department has to handle a case (处理时限), in the units cities set them in (stdlib only).

* 工作时 (working hours): counted only inside the working day's hours, on working days;
* 紧急工作时 (urgent hours): counted around the clock, nights, weekends and holidays included;
* 工作日 (working days): whole working days; the deadline is the end of the last one's working hours.

Which days are working days and which hours are working hours is the site's working calendar
(:mod:`app.core.work_calendar`); the amounts per category are the site's catalogue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

HOUR_SECONDS = 3600.0


class DeadlineUnit(StrEnum):
    WORK_HOURS = "work_hours"  # 工作时
    URGENT_HOURS = "urgent_hours"  # 紧急工作时
    WORK_DAYS = "work_days"  # 工作日


@dataclass(frozen=True)
class TimeLimit:
    amount: float  # > 0
    unit: DeadlineUnit

    def __post_init__(self) -> None:
        if not self.amount > 0:
            raise ValueError(f"a time limit must be more than 0 {self.unit.value} (got {self.amount})")
        if self.unit is DeadlineUnit.WORK_DAYS and self.amount != math.floor(self.amount):
            # The deadline is the end of a working day: half a day has no such end (use 工作时).
            raise ValueError(f"working days count whole days (got {self.amount})")
