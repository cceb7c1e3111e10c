"""Times for people are the site's, and say their zone, whatever the workstation's clock says."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from app.core.site_time import clock_time, offset_label, site_zone, stamp

AT = datetime(2024, 5, 6, 11, 6, 13, tzinfo=UTC).timestamp()  # 19:06:13 in Beijing


@pytest.fixture
def workstation_in_london(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/London")
    if hasattr(time, "tzset"):
        time.tzset()
    yield
    monkeypatch.undo()
    if hasattr(time, "tzset"):
        time.tzset()


@pytest.mark.usefixtures("workstation_in_london")
def test_a_time_is_shown_in_the_site_zone_not_the_workstations() -> None:
    shanghai = site_zone("Asia/Shanghai")
    assert os.environ["TZ"] == "Europe/London"
    assert clock_time(AT, shanghai, now=AT + 60) == "19:06:13"
    assert clock_time(AT, shanghai, now=AT + 86400) == "05-06 19:06"  # another site day
    assert stamp(AT, shanghai) == "2024-05-06 19:06:13 UTC+08:00"
    assert offset_label(shanghai, AT) == "UTC+08:00"


def test_offsets_west_of_greenwich_and_with_half_hours_and_an_unknown_zone() -> None:
    assert offset_label(site_zone("America/New_York"), AT) == "UTC-04:00"  # (summer time)
    assert offset_label(site_zone("Asia/Kolkata"), AT) == "UTC+05:30"
    assert site_zone("Nowhere/Atlantis") is UTC
