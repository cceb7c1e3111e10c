"""Cases for UI tests: a real CaseService over the in-memory store, the site's names, evidence
pictures with their capture time burned in, and a morning's cases in every supervision colour."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from app.core.alerts import EvidenceKind
from app.core.cases import Actor, Case, CaseCommand, CaseEvidence, EvidenceStage, Role
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.services.cases import CaseService, Place
from tests.alert_fakes import FakeClock
from tests.case_store_fakes import (
    ClockCalendar,
    FakeCatalogue,
    FakeCategory,
    FakeRouting,
    MemoryCaseRepository,
)
from tests.evidence_fakes import MemoryEvidenceStore

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = 1_780_000_000.0  # 2026-05-29 04:26:40 +08:00
OP = Actor("张三", Role.OPERATOR)
LEAD = Actor("李值班", Role.SHIFT_LEADER)
C = CaseCommand
VTEST = Path(__file__).resolve().parents[2] / "resources" / "demo" / "vtest.avi"


class FakeNames:
    classes: ClassVar[dict[str, str]] = {"01": "市容环境", "05": "街面秩序"}
    categories: ClassVar[dict[str, str]] = {"0102": "暴露垃圾", "0501": "无照经营游商", "0504": "店外经营"}
    departments: ClassVar[dict[str, str]] = {"enforcement": "城管执法中队", "sanitation": "环卫所"}

    def category_name(self, code: str) -> str:
        return self.categories.get(code) or self.classes.get(code, "")

    def category_classes(self) -> Sequence[tuple[str, str]]:
        return list(self.classes.items())

    def category_choices(self) -> Sequence[tuple[str, str]]:
        return list(self.categories.items())

    def department_name(self, department_id: str) -> str:
        return self.departments.get(department_id, "")

    def department_choices(self) -> Sequence[tuple[str, str]]:
        return list(self.departments.items())


def catalogue() -> FakeCatalogue:
    cat = FakeCatalogue()
    cat.categories["0102"] = FakeCategory("0102", TimeLimit(8, DeadlineUnit.WORK_HOURS))
    return cat


def make_service(clock: FakeClock) -> tuple[CaseService, MemoryCaseRepository]:
    repo = MemoryCaseRepository()
    service = CaseService(
        repo, clock, catalogue=catalogue, routing=FakeRouting, calendar=ClockCalendar,
        place_of=lambda cam: Place("330105001001001", 120.16, 30.27, "武林广场北门"),
    )  # fmt: skip
    return service, repo


def picture(text: str, colour: QColor, frame: int | None = None) -> bytes:
    """A 704×576 JPEG: a street frame (the demo's, when it is here) or a colour, the text burned in."""
    image = _frame(frame) if frame is not None else None
    if image is None:
        image = QImage(704, 576, QImage.Format.Format_RGB32)
        image.fill(colour)
    painter = QPainter(image)
    painter.fillRect(QRect(0, image.height() - 40, image.width(), 40), QColor(0, 0, 0, 170))
    font = QFont()
    font.setPixelSize(22)
    painter.setFont(font)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(
        QRect(12, image.height() - 40, image.width() - 24, 40), Qt.AlignmentFlag.AlignVCenter, text
    )
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")  # type: ignore[call-overload]
    return bytes(data.data())


def _frame(n: int) -> QImage | None:
    if not VTEST.exists():
        return None
    import av

    with av.open(str(VTEST)) as container:
        for i, frame in enumerate(container.decode(video=0)):
            if i == n:
                rgb = frame.to_ndarray(format="rgb24")
                h, w = rgb.shape[:2]
                return (
                    QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
                    .scaled(704, 576)
                    .convertToFormat(QImage.Format.Format_RGB32)
                )
    return None


def evidence(
    store: MemoryEvidenceStore,
    stage: EvidenceStage,
    at: float,
    text: str,
    colour: QColor,
    frame: int | None = None,
) -> CaseEvidence:
    ref = store.put(picture(text, colour, frame), kind=EvidenceKind.STILL, media_type="image/jpeg",
                    captured_at=at, camera_id="cam001", stream="main")  # fmt: skip
    return CaseEvidence(ref, stage, OP.name, at)


def settle(service: CaseService) -> None:
    service._submit(lambda: None).result(timeout=5)


def do(service: CaseService, case: Case, command: CaseCommand, actor: Actor = OP, **args: object) -> Case:
    return service.execute(case.id, command, actor, case.version, **args).result(timeout=5)


def morning(
    service: CaseService, clock: FakeClock, store: MemoryEvidenceStore, *, frames: bool = False
) -> dict[str, Case]:
    """Cases of a morning: one overdue, one due soon, one on time, one just filed, one closed after
    a check (with report, feedback and check pictures)."""
    clock.t = T0
    make = lambda code, grid, text, ev=(): service.create(  # noqa: E731
        OP, category_code=code, camera_id="cam001", description=text, grid_code=grid, evidence=ev
    ).result(timeout=5)
    before = evidence(store, EvidenceStage.REPORT, T0 - 30, "上报 2026-05-29 04:26:10", QColor(90, 60, 40),
                      10 if frames else None)  # fmt: skip
    overdue = do(service, make("0501", "330105001001001", "北门人行道流动摊贩", (before,)), C.DISPATCH)
    clock.t = T0 + 600
    soon = do(service, make("0504", "330105001002003", "东街店外经营"), C.DISPATCH)
    clock.t = T0 + 3 * 3600
    fine = do(service, make("0102", "330105002001001", "垃圾站旁暴露垃圾"), C.DISPATCH)
    clock.t = T0 + 4 * 3600
    filed = make("0501", "330106001001001", "解放路口流动摊贩")
    clock.t = T0 + 5 * 3600
    done = make("0102", "330105002001002", "公园西门暴露垃圾",
                (evidence(store, EvidenceStage.REPORT, T0 + 5 * 3600 - 20, "上报 2026-05-29 09:26:20",
                          QColor(90, 60, 40), 40 if frames else None),))  # fmt: skip
    done = do(service, done, C.DISPATCH)
    clock.t = T0 + 6 * 3600
    back = evidence(store, EvidenceStage.FEEDBACK, T0 + 6 * 3600 - 60, "反馈 2026-05-29 10:25:40",
                    QColor(40, 90, 60), 300 if frames else None)  # fmt: skip
    done = do(service, done, C.FEEDBACK, Actor("环卫所", Role.DEPARTMENT), note="已清运，地面已冲洗",
              evidence=(back,))  # fmt: skip
    check = evidence(store, EvidenceStage.VERIFICATION, T0 + 6 * 3600 + 300, "核查 2026-05-29 10:31:40",
                     QColor(40, 70, 100), 600 if frames else None)  # fmt: skip
    done = do(service, done, C.VERIFY, OP, note="现场核查已清理", evidence=(check,))
    clock.t = T0 + 6.5 * 3600
    done = do(service, done, C.CLOSE, LEAD, note="")
    clock.t = T0 + 7 * 3600  # 0501 (2 h) is overdue; 0504 (8 h from +10 min) has ~1.2 h left; 0102 fine
    settle(service)
    return {"overdue": overdue, "soon": soon, "fine": fine, "filed": filed, "done": done}
