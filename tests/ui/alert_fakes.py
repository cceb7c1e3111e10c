"""Alerts for UI tests: a fake clock and writer for a real AlertService, alerts as the demo raises them."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from app.core.alerts import Alert, AlertPriority, EvidenceKind, EvidenceRef, Rule
from app.services.alerts import AlertService
from tests.alert_fakes import FakeClock as BaseClock
from tests.alert_fakes import FakeWriter

T0 = 1_760_000_000.0  # 2025-10-09 16:53:20 +08:00
CAMERAS = {
    "cam001": "菜市场北门",
    "cam002": "人民路口",
    "cam003": "解放路步行街东口",
    "cam004": "火车站南广场",
    "cam005": "中山公园西门",
    "cam006": "建设路垃圾站",
}


class FakeClock(BaseClock):
    def __init__(self, t: float = T0) -> None:
        super().__init__(t)


def make_service(clock: FakeClock | None = None) -> tuple[AlertService, FakeClock]:
    clock = clock or FakeClock()
    return AlertService(FakeWriter(), clock), clock


def still(name: str, camera_id: str = "cam001", at: float = T0) -> EvidenceRef:
    return EvidenceRef(
        sha256=f"{name:0>64}"[:64], kind=EvidenceKind.STILL, media_type="image/jpeg", size=1000,
        captured_at=at, camera_id=camera_id, stream="main",
    )  # fmt: skip


def alert(n: int, at: float | None = None, **changes: object) -> Alert:
    """The n-th alert of a busy morning: cameras, zones and rules in turn, each its own key."""
    camera_id = list(CAMERAS)[n % len(CAMERAS)]
    bins = n % 4 == 3
    base = Alert(
        id=f"a{n:03d}", camera_id=camera_id, preset=str(1 + n % 3), zone_id=f"z{n}",
        rule=Rule.BIN_OVERFLOW if bins else Rule.VENDING,
        event_code="0102" if bins else ("0501", "0504")[n % 2],
        raised_at=at if at is not None else T0 - 60 * (50 - n), score=0.6 + (n % 4) / 10,
        zone_name=("北门禁摆区", "东侧人行道", "商铺门口", "垃圾桶旁")[n % 4],
        grid_code=f"3301020010010{n % 90:02d}",
        priority=AlertPriority.LOW if bins else AlertPriority.NORMAL,
        evidence=(still(f"{n}", camera_id),),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def picture_bytes(colour: QColor, width: int = 704, height: int = 576) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")  # type: ignore[call-overload]  # (the stubs say bytes, PySide takes str)
    return bytes(data.data())
