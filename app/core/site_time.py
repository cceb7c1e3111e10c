"""One clock for people: times shown to operators are in the site's time zone and say which.

Stored times are wall-clock seconds (UTC-based epoch); what a person reads is the site's local
time (``site.timezone`` in the site file, an IANA name such as ``Asia/Shanghai``), whatever zone
the workstation's own clock is set to. ``zoneinfo`` needs a time-zone database: the system's, or
the ``tzdata`` package (Windows has none of its own).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)


def site_zone(name: str) -> tzinfo:
    """The zone called ``name``; UTC (said in the log) when this machine does not know it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.error("time zone %r unknown on this machine (is the tzdata package installed?); using UTC", name)
        return UTC


def offset_label(zone: tzinfo, at: float | None = None) -> str:
    """``UTC+08:00`` — the zone's offset at ``at`` (now when None), as a header says it."""
    moment = datetime.fromtimestamp(at, UTC) if at is not None else datetime.now(UTC)
    offset = moment.astimezone(zone).utcoffset() or timedelta(0)
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local(at: float, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(at, zone)


def clock_time(at: float, zone: tzinfo, now: float | None = None) -> str:
    """``HH:MM:SS`` when ``at`` is on the same site day as ``now``; ``MM-DD HH:MM`` otherwise."""
    moment = local(at, zone)
    today = local(now, zone) if now is not None else datetime.now(zone)
    if moment.date() == today.date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%m-%d %H:%M")


def stamp(at: float, zone: tzinfo) -> str:
    """``2024-05-06 19:06:13 UTC+08:00``: a full time that says its zone (events, exports)."""
    return f"{local(at, zone):%Y-%m-%d %H:%M:%S} {offset_label(zone, at)}"
