"""The issue's "done when", end to end with the parts the app runs (no fakes): a confirmed vending
alert becomes a filed case with its code, grid, department and time limit; it is dispatched on the
site's working calendar, handled, returned once, handled again, checked and closed; every version
reaches a real HTTP city platform exactly once; the month's figures count it; it is in the XLSX
and CSV exports and in the PDF report; the hash chain and the evidence files verify."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook
from PIL import Image

from app.adapters.case_report import write_case_report
from app.adapters.figures_export import Names, figure_tables, write_csv, write_xlsx
from app.adapters.storage.evidence_files import EvidenceFiles
from app.adapters.storage.repository import open_repository
from app.adapters.storage.verify import verify_store
from app.adapters.storage.writer import AlertWriter
from app.core.alerts import Alert, EvidenceKind, Rule
from app.core.case_figures import Period, figures
from app.core.cases import Actor, Case, CaseCommand, CaseEvidence, CaseState, EvidenceStage, Role
from app.core.site_time import site_zone
from app.main import WallClock
from app.main_cases import open_cases
from app.services.alerts import AlertService
from app.services.system_events import SystemEventLog
from camera_config.loader import load_site
from tests.platform_server import PlatformServer
from tests.waiting import wait_until

pytestmark = pytest.mark.peer  # a real HTTP server, SQLite and the evidence folder

SITE = """\
version: 1
site:
  name: 历下区城管指挥中心
cameras:
  - id: cam201
    name: 泉城路北门
    grid_code: "370199099001001"
    location: {lon: 117.02, lat: 36.66}
    source: {kind: rtsp, main: "rtsp://10.0.0.21/main"}
cases:
  export:
    endpoint: "{url}"
    token_env: CITY_PLATFORM_TOKEN
    timeout_s: 3
"""
OP, LEAD, DEPT = (
    Actor("张三", Role.OPERATOR),
    Actor("李值班", Role.SHIFT_LEADER),
    Actor("城管中队", Role.DEPARTMENT),
)


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 180), colour).save(out, "JPEG")
    return out.getvalue()


def test_a_confirmed_vending_alert_goes_round_the_loop(tmp_path: Path) -> None:
    platform = PlatformServer()
    site_file = tmp_path / "site.yaml"
    site_file.write_text(SITE.replace("{url}", platform.url), encoding="utf-8")
    site = load_site(site_file, {"CITY_PLATFORM_TOKEN": platform.state.token})
    data, events = tmp_path / "data", SystemEventLog()
    data.mkdir()
    repository = open_repository(None, data)
    alerts = AlertService(AlertWriter(repository), WallClock(), events.publish)
    evidence = EvidenceFiles(data / "evidence")
    cases = open_cases(site, data, events, alerts, repository, WallClock())
    try:
        now = time.time()
        still = evidence.put(jpeg((200, 30, 30)), kind=EvidenceKind.STILL, media_type="image/jpeg",
                             captured_at=now, camera_id="cam201", stream="main")  # fmt: skip
        alert = Alert(
            id="al-1", camera_id="cam201", preset=None, zone_id="north", rule=Rule.VENDING,
            event_code="0501", raised_at=now, score=0.8, zone_name="北门", grid_code="370199099001001",
            evidence=(still,),
        )  # fmt: skip
        alerts.detector_raised(alert)
        alerts.confirm("al-1", "张三", "流动摊贩")

        def filed() -> Case | None:
            found = cases.service.case_for_alert("al-1")
            return found if found is not None and found.state is CaseState.FILED else None

        wait_until(lambda: filed() is not None, 10, "the alert's case, filed")
        case = filed()
        assert case is not None
        catalogue = cases.rules.catalogue()
        assert (case.state, case.category_code, case.grid_code, case.department_id) == (
            CaseState.FILED, "0501", "370199099001001", "chengguan-xinhua",
        )  # fmt: skip
        assert case.time_limit == catalogue.category("0501").time_limit and case.filed_by == "张三"
        assert case.evidence[0].ref == still and (case.lon, case.lat) == (117.02, 36.66)

        def do(command: CaseCommand, actor: Actor, **args: object) -> Case:
            assert case is not None
            return cases.service.execute(case.id, command, actor, case.version, **args).result(timeout=10)

        case = do(CaseCommand.DISPATCH, LEAD)
        assert case.dispatched_at is not None and case.time_limit is not None
        assert case.due_at == cases.rules.calendar().deadline(case.dispatched_at, case.time_limit)
        case = do(CaseCommand.FEEDBACK, DEPT, note="已劝离")
        case = do(CaseCommand.RETURN, OP, note="摊位仍在")
        after = evidence.put(jpeg((40, 160, 40)), kind=EvidenceKind.STILL, media_type="image/jpeg",
                             captured_at=time.time(), camera_id="cam201", stream="file")  # fmt: skip
        photo = (CaseEvidence(after, EvidenceStage.FEEDBACK, "城管中队", time.time()),)
        case = do(CaseCommand.FEEDBACK, DEPT, note="已清理", evidence=photo)
        case = do(CaseCommand.VERIFY, OP, note="现场已无摊位")
        case = do(CaseCommand.CLOSE, LEAD)
        assert (case.state, case.rework_count, case.version) == (CaseState.CLOSED, 1, 8)

        # Every version from filing on reaches the platform once (report alone is not sent).
        keys = [f"{case.id}:{v}" for v in range(2, case.version + 1)]
        wait_until(lambda: sorted(platform.state.accepted) == sorted(keys), 30, "every version delivered")
        assert len(platform.state.accepted) == len(set(platform.state.accepted)) == 7
        assert platform.state.accepted == keys  # in order

        # The month's figures count it: due, closed, on time (fed back before the deadline), reworked.
        zone = site_zone(site.site.timezone)
        month = Period.month_of(case.closed_at or 0, zone)
        month_figures = figures(cases.service.facts(), month, time.time())
        assert (month_figures.all.closed, month_figures.all.closed_on_time) == (1, 1)
        assert (month_figures.all.closure_rate, month_figures.all.on_time_rate) == (1.0, 1.0)
        assert month_figures.all.rework_rate == 1.0

        tables = figure_tables(
            month_figures, cases.service.facts(), zone=zone,
            names=Names({"0501": "无照经营游商"}, {"chengguan-xinhua": "新华街道城管执法中队"}),
        )  # fmt: skip
        book = load_workbook(write_xlsx(tmp_path / "考核.xlsx", tables))
        cells = [
            str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row
        ]
        assert case.id in cells
        written = write_csv(tmp_path / "考核.csv", tables)
        rows = [r for path in written for r in csv.reader(path.read_text(encoding="utf-8-sig").splitlines())]
        assert any(case.id in row for row in rows)

        report = write_case_report(
            case, cases.service.timeline(case.id), evidence.read, {"0501": "无照经营游商"},
            tmp_path / "案件报告.pdf", zone,
        )  # fmt: skip
        text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(report))
        assert case.id in text and "无照经营游商" in text
        assert still.sha256 in text.replace("\r\n", "")  # the hash may wrap at the column's edge

        result = verify_store(repository, evidence)
        assert result.intact, result.problems
    finally:
        cases.close()
        alerts.close()
        repository.close()
        platform.close()
