"""The printable case report: a real case taken through the workflow by the core, its evidence in the
real evidence store, the PDF read back (pypdfium2: text and pages rendered to PNG)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from app.adapters import case_report
from app.adapters.case_report import NoCjkFont, find_cjk_font, write_case_report
from app.adapters.export_files import ExportError
from app.adapters.storage.evidence_files import EvidenceFiles
from app.core import cases as cw
from app.core.alerts import EvidenceKind, EvidenceRef
from app.core.audit import GENESIS, AuditEvent, seal
from app.core.cases import Actor, Case, CaseEvidence, CaseSource, EvidenceStage, Role
from app.core.time_limits import DeadlineUnit, TimeLimit
from tests.fault_folders import read_only_folder

SH = ZoneInfo("Asia/Shanghai")
CATALOGUE = {"0501": "无照经营游商", "0504": "店外经营"}
OP, LEAD, DEPT = (
    Actor("张三", Role.OPERATOR),
    Actor("李四", Role.SHIFT_LEADER),
    Actor("城管一中队", Role.DEPARTMENT),
)


def at(day: int, hour: float) -> float:
    return datetime(2024, 5, day, int(hour), int(hour % 1 * 60), tzinfo=SH).timestamp()


def picture(colour: str, text: str) -> bytes:
    image = Image.new("RGB", (640, 360), "#6b7480")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 640, 360), fill="#3d434b")  # the street
    if colour:
        draw.rectangle((250, 170, 390, 280), fill=colour)  # the stall
    draw.text((12, 12), text, fill="white")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def evidence(store: EvidenceFiles, stall: bool, text: str, stage: EvidenceStage, when: float) -> CaseEvidence:
    """A still in the store: a street, with the red stall when ``stall``."""
    ref = store.put(
        picture("#d23c3c" if stall else "", text), kind=EvidenceKind.STILL, media_type="image/jpeg",
        captured_at=when, camera_id="cam012", stream="main",
    )  # fmt: skip
    return CaseEvidence(ref, stage, "张三", when)


def worked_case(store: EvidenceFiles, extra_events: int = 0) -> tuple[Case, list[AuditEvent]]:
    """Reported from an alert, filed, dispatched, handled, returned once, handled, verified, closed."""
    report, feedback, check = EvidenceStage.REPORT, EvidenceStage.FEEDBACK, EvidenceStage.VERIFICATION
    before = evidence(store, True, "cam012 2024-05-06 09:58:00", report, at(6, 9.97))
    clip = EvidenceRef("c" * 64, EvidenceKind.CLIP, "video/mp4", 1_000, at(6, 9.96), "cam012", "main")
    case = Case(
        id="CW-20240506-0001", source=CaseSource.VIDEO, category_code="0501", created_at=0.0,
        created_by="", camera_id="cam012", preset="1", zone_id="z-north", grid_code="330105001002003",
        lon=120.123456, lat=30.28765, address="杭州市拱墅区北门街 12 号",
        description="北门人行道上有流动摊贩", alert_ids=("al-00017",),
        evidence=(before, CaseEvidence(clip, report, OP.name, at(6, 10))),
    )  # fmt: skip
    changes = [cw.report(case, OP, at(6, 10))]
    c = changes[-1].after
    system = Actor("system", Role.SYSTEM)
    repeats = [  # the stall seen again while the department has the case
        lambda c, n=n: cw.add_occurrence(c, system, at(6, 10.3) + n, f"al-{100 + n}")
        for n in range(extra_events)
    ]
    first = (evidence(store, True, "feedback 1", feedback, at(6, 11)),)
    second = (evidence(store, False, "feedback 2", feedback, at(6, 13)),)
    checked = (evidence(store, False, "cam012 2024-05-06 13:30:00", check, at(6, 13.5)),)
    steps = [
        lambda c: cw.file(c, OP, at(6, 10.1), time_limit=TimeLimit(4, DeadlineUnit.WORK_HOURS)),
        lambda c: cw.dispatch(c, OP, at(6, 10.2), department_id="D-CG1", due_at=at(6, 14.2)),
        *repeats,
        lambda c: cw.start(c, DEPT, at(6, 10.5)),
        lambda c: cw.feedback(c, DEPT, at(6, 11.0), "已劝离", first),
        lambda c: cw.return_for_rework(c, OP, at(6, 11.5), "核查时摊贩仍在"),
        lambda c: cw.feedback(c, DEPT, at(6, 13.0), "摊贩已离开，现场已清理", second),
        lambda c: cw.verify(c, OP, at(6, 13.5), checked),
        lambda c: cw.close(c, LEAD, at(6, 14.0), "结案"),
    ]
    for step in steps:
        changes.append(step(c))
        c = changes[-1].after
    events, prev = [], GENESIS
    for seq, change in enumerate(changes, 40):  # the case's events sit among others in the chain
        events.append(seal(change.draft, seq, prev))
        prev = events[-1].hash
    return c, events


def text_of(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]


def render(path: Path, out: Path, page: int = 0) -> Image.Image:
    pdf = pdfium.PdfDocument(path)
    image: Image.Image = pdf[page].render(scale=1.6).to_pil()
    image.save(out)
    return image


def test_the_report_has_the_case_its_evidence_and_timeline_in_chinese(tmp_path: Path):
    store = EvidenceFiles(tmp_path / "evidence")
    case, events = worked_case(store)
    path = write_case_report(case, events, store.read, CATALOGUE, tmp_path / "报告.pdf", SH,
                             department_names={"D-CG1": "城管一中队"}, generated_at=at(7, 9))  # fmt: skip
    pages = text_of(path)
    # Page 1: the particulars and the before/after pair; page 2: the timeline (9 events) and the
    # other evidence (the clip and two feedback photos), as looked at in the rendered pages.
    assert len(pages) == 2
    first, second = pages
    assert "CW-20240506-0001" in first and "0501 无照经营游商" in first
    assert "330105001002003" in first and "杭州市拱墅区北门街 12 号" in first
    assert "120.123456，30.287650" in first and "城管一中队（D-CG1）" in first
    assert "2024-05-06 14:11:00 UTC+08:00" in first  # the deadline, in site time
    assert "已结案" in first and "第 1 页 / 共 2 页" in first
    before, after = case.evidence[0], case.evidence[-1]  # the alert's still, the centre's check
    assert (before.stage, after.stage) == (EvidenceStage.REPORT, EvidenceStage.VERIFICATION)
    for e, page in [(before, first), (after, first), *((e, second) for e in case.evidence[1:-1])]:
        assert e.ref.sha256[:32] in page and e.ref.sha256[32:] in page  # the full sha256
        assert f"{datetime.fromtimestamp(e.ref.captured_at, SH):%Y-%m-%d %H:%M:%S}" in page
    assert "视频片段，无法打印" in second
    for words in ("受理", "立案", "派遣", "返工", "核查时摊贩仍在", "结案", "李四", "值班长", "处置部门"):
        assert words in second
    assert events[-1].hash[:16] in second and "#48" in second
    image = render(path, tmp_path / "page1.png")
    # The before picture (red stall) is drawn on page 1.
    red = 0
    for count, colour in image.convert("RGB").getcolors(maxcolors=1 << 20) or []:
        assert isinstance(colour, tuple)
        red += count if colour[0] > 180 and colour[1] < 90 and colour[2] < 90 else 0
    assert red > 2_000


def test_a_long_timeline_flows_over_pages_with_its_header_repeated(tmp_path: Path):
    store = EvidenceFiles(tmp_path / "evidence")
    case, events = worked_case(store, extra_events=80)
    pages = text_of(write_case_report(case, events, store.read, CATALOGUE, tmp_path / "r.pdf", SH))
    # 89 timeline rows of about 11 mm: four pages or more after the first.
    assert len(pages) >= 5
    timeline = [p for p in pages if "再次发现" in p]
    assert len(timeline) >= 3 and all("操作" in p for p in timeline)  # the header row repeated
    assert sum(p.count("再次发现") for p in pages) == 80 and "al-179" in "".join(timeline)
    assert f"共 {len(pages)} 页" in pages[-1]


def test_missing_and_altered_evidence_are_said_in_the_report(tmp_path: Path):
    store = EvidenceFiles(tmp_path / "evidence")
    case, events = worked_case(store)
    stills = [e for e in case.evidence if e.ref.kind is EvidenceKind.STILL]
    store.path_of(stills[0].ref.sha256, "image/jpeg").write_bytes(b"edited afterwards")
    store.path_of(stills[-1].ref.sha256, "image/jpeg").unlink()
    path = write_case_report(case, events, store.read, CATALOGUE, tmp_path / "r.pdf", SH)
    first = text_of(path)[0]
    assert "证据文件已被改动" in first
    assert "证据文件无法读取" in first and stills[-1].ref.sha256 in first.replace("\n", "").replace("\r", "")


def test_no_cjk_font_and_a_read_only_folder_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store = EvidenceFiles(tmp_path / "evidence")
    case, events = worked_case(store)
    folder = tmp_path / "share"
    with read_only_folder(folder), pytest.raises(ExportError) as caught:
        write_case_report(case, events, store.read, CATALOGUE, folder / "r.pdf", SH)
    assert caught.value.path == folder / "r.pdf"
    monkeypatch.setattr(case_report, "CJK_FONTS", (("/nowhere/wqy-microhei.ttc", 0),))
    with pytest.raises(NoCjkFont, match="install fonts-wqy-microhei") as no_font:
        write_case_report(case, events, store.read, CATALOGUE, tmp_path / "r.pdf", SH)
    assert no_font.value.path == tmp_path / "r.pdf" and not (tmp_path / "r.pdf").exists()
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_bytes(b"not a font")
    with pytest.raises(NoCjkFont, match=r"fake\.ttf cannot be used"):
        write_case_report(case, events, store.read, CATALOGUE, tmp_path / "r.pdf", SH, font=(not_a_font, 0))


def test_the_projects_cjk_font_is_found():
    # scripts/setup.sh installs fonts-wqy-microhei (or Windows' own Microsoft YaHei is used).
    assert find_cjk_font() is not None, "no CJK TrueType font: run scripts/setup.sh (fonts-wqy-microhei)"


def test_the_alerts_prompts_and_recording_are_in_the_report(tmp_path: Path):
    """A case whose alert went up the escalation ladder: the alert's raise, both prompts (one not
    heard) and the ladder's steps are in the timeline, in time order among the case's own events,
    and the recording is listed with its hash (audio cannot be printed)."""
    from dataclasses import replace

    from app.core.alerts import Alert, AlertBook, Rule
    from app.core.voice import VoicePlay, VoicePriority, wav_bytes
    from app.core.voice_ladder import Ladder, LadderStep

    store = EvidenceFiles(tmp_path / "evidence")
    case, events = worked_case(store)
    audio = store.put(
        wav_bytes(b"\x00\x10" * 8000), kind=EvidenceKind.AUDIO, media_type="audio/wav",
        captured_at=at(6, 9.98), camera_id="cam012", stream="voice", note="请勿占道经营",
    )  # fmt: skip
    case = replace(
        case, evidence=(*case.evidence, CaseEvidence(audio, EvidenceStage.REPORT, "system", at(6, 10)))
    )
    book = AlertBook()
    drafts = [
        book.raise_alert(
            Alert("al-00017", "cam012", "1", "z-north", Rule.VENDING, "0501", at(6, 9.97), 0.9)
        ).draft
    ]
    heard = VoicePlay("请勿占道经营", "system", at(6, 9.98), VoicePriority.AUTOMATIC, ("spk-1",), ("spk-1",))
    deaf = replace(heard, at=at(6, 9.99), delivered=(), failures=(("spk-1", "timeout"),))
    drafts.append(book.record_play("al-00017", heard, (audio,)).draft)
    drafts.append(book.record_play("al-00017", deaf).draft)
    ladder = Ladder("al-00017", LadderStep.ESCALATED, 2, at(6, 9.995))
    drafts.append(book.set_ladder("al-00017", ladder, "system", at(6, 9.995)).draft)
    prev, alert_events = events[-1].hash, []
    for seq, draft in enumerate(drafts, 100):  # written after the case's: ordered by time in the report
        alert_events.append(seal(draft, seq, prev))
        prev = alert_events[-1].hash
    path = write_case_report(case, events + alert_events, store.read, CATALOGUE, tmp_path / "r.pdf", SH)
    text = "".join(text_of(path)).replace("\r\n", "")  # a narrow cell wraps its words
    for words in ("告警产生", "喊话", "已送达喇叭", "未送达任何喇叭", "喊话后仍在：转案件"):
        assert words in text
    assert (
        text.index("告警产生") < text.index("已送达喇叭") < text.index("未送达任何喇叭") < text.index("受理")
    )
    assert "喊话录音" in text and "无法打印" in text and audio.sha256[:32] in text
    assert "detector" not in text and "system" not in text  # 检测, 系统
