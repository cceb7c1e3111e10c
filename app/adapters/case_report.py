"""A printable case report (PDF): the case, its evidence with capture times and hashes, its timeline.

Made with reportlab (pure Python, BSD, maintained since 2000): Qt's QPdfWriter would do it too, but
Qt belongs in ``app/ui`` only, and the report must also be made where no GUI runs (an export job).

Page 1 holds the case's particulars and the before/after evidence; the timeline (the case's audit
events and those of its alerts — the raise, voice prompts, the escalation ladder — in time order:
time, who, role, action, note, and each event's hash) starts on a new page. Every picture
is shown with its capture time and full sha256; a file that is missing, or whose bytes no longer
match its sha256, is said so in red in its place (the report is still made: it is the evidence
of what is on record). Clips cannot be printed: they are listed with their hashes.

Chinese needs a font with CJK glyphs embedded in the PDF (a fresh machine has none in reportlab):
the one the project installs (``fonts-wqy-microhei``, see scripts/setup.sh) or the system's own
(Microsoft YaHei on Windows), found by :func:`find_cjk_font`, or one given. Only TrueType outlines
work (reportlab cannot embed CFF/OpenType fonts such as Noto Sans CJK). The glyphs used are embedded
as a subset, so the report prints the same anywhere.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from app.adapters.export_files import ExportError, write_export
from app.core.alerts import EvidenceRef
from app.core.audit import AuditEvent
from app.core.cases import Case, CaseEvidence, EvidenceStage
from app.core.site_time import stamp

EvidenceReader = Callable[[EvidenceRef], bytes]  # EvidenceStore.read: raises when it cannot

# Where the CJK fonts are: the project's (Debian/Ubuntu fonts-wqy-microhei), then other Linux
# packages, Windows and macOS. (path, index of the face in a collection)
CJK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/System/Library/Fonts/STHeiti Medium.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)

WORDS: dict[str, str] = {
    "title": "案件报告", "generated": "生成时间", "page": "第 {n} 页 / 共 {total} 页",
    "particulars": "案件信息", "before_after": "处置前后对比", "other_evidence": "其他证据",
    "timeline": "处置过程（审计记录）", "no_before": "无处置前照片", "no_after": "尚无处置后照片",
    "case_id": "案件编号", "source": "来源", "category": "类别", "grid": "单元网格", "address": "地址",
    "coordinates": "坐标（经度，纬度）", "camera": "摄像机 / 预置位", "department": "处置部门",
    "filed_at": "立案时间", "dispatched_at": "派遣时间", "due_at": "处理时限", "handled_at": "反馈时间",
    "closed_at": "结案时间", "state": "状态", "urgent": "紧急", "rework": "返工次数",
    "description": "描述", "feedback": "反馈说明", "alerts": "关联告警", "yes": "是", "no": "否",
    "before": "处置前", "after": "处置后", "captured": "抓拍时间", "sha256": "SHA-256",
    "missing": "证据文件无法读取：{why}", "altered": "证据文件已被改动：内容与登记的 SHA-256 不符",
    "not_picture": "（视频片段，无法打印）",
    "time": "时间", "who": "人员", "role": "角色", "action": "操作", "note": "说明", "hash": "记录哈希",
    "stage.report": "上报", "stage.feedback": "部门反馈", "stage.verification": "核查",
    "kind.still": "抓拍", "kind.clip": "视频片段", "kind.clear_still": "消失时抓拍",
    "source.video": "视频监控", "source.operator": "座席上报", "source.imported": "外部导入",
    "state.reported": "已受理", "state.filed": "已立案", "state.cancelled": "不予立案",
    "state.dispatched": "已派遣", "state.in_progress": "处置中", "state.handled": "已反馈",
    "state.verified": "核查通过", "state.closed": "已结案", "state.deferred": "缓办",
    "role.operator": "座席员", "role.shift_leader": "值班长", "role.department": "处置部门",
    "role.system": "系统",
    "action.report": "受理", "action.edit": "修改", "action.file": "立案", "action.cancel": "不予立案",
    "action.dispatch": "派遣", "action.redispatch": "改派", "action.start": "开始处置",
    "action.feedback": "反馈", "action.verify": "核查通过", "action.return": "返工",
    "action.close": "结案", "action.request_deferral": "申请缓办", "action.request_extension": "申请延期",
    "action.approve": "批准", "action.reject": "驳回", "action.resume": "恢复处置",
    "action.add_occurrence": "再次发现", "action.add_evidence": "补充证据",
    # the events of the case's alerts (its timeline is their story too): the raise, prompts, the ladder
    "action.raise": "告警产生", "action.continue": "再次检测到", "action.clear": "目标已离开（自动解除）",
    "action.acknowledge": "告警已签收", "action.assign": "告警已指派", "action.escalate": "告警已上报值班长",
    "action.confirm": "已确认违规", "action.dismiss": "误报已排除", "action.snooze": "告警已静音",
    "action.snooze_ended": "静音结束", "action.evidence": "证据已保存", "action.voice_prompt": "喊话",
    "action.ladder_prompting": "喊话升级：播放喊话", "action.ladder_waiting": "喊话升级：等待复核",
    "action.ladder_rechecking": "喊话升级：复核现场", "action.ladder_resolved": "喊话后已离开",
    "action.ladder_escalated": "喊话后仍在：转案件", "action.ladder_stopped": "喊话升级已停止",
    "action.ladder_ended": "喊话升级已结束",
    "reason.delivered": "已送达喇叭", "reason.not_delivered": "未送达任何喇叭",
    "reason.false_detection": "误检", "reason.fixed_object": "固定设施", "reason.inside_shop": "店内经营",
    "reason.permitted": "合规经营", "reason.gone": "已离开", "reason.other": "其他",
    "kind.audio": "喊话录音", "not_printed_audio": "（喊话录音，无法打印：请导出案件文件收听）",
    "actor.detector": "检测", "actor.system": "系统",
}  # fmt: skip

PAGE_W, PAGE_H = A4
MARGIN = 16 * mm
PICTURE_W, PICTURE_H = 84 * mm, 58 * mm


class NoCjkFont(ExportError):
    """No font that can write Chinese was found."""


@dataclass(frozen=True)
class _Styles:
    font: str
    body: ParagraphStyle
    small: ParagraphStyle
    mono: ParagraphStyle
    bad: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle


def find_cjk_font(candidates: Sequence[tuple[str, int]] | None = None) -> tuple[Path, int] | None:
    """The first CJK TrueType font on this machine (path, face index) of ``candidates``
    (:data:`CJK_FONTS` by default), or None."""
    for name, index in CJK_FONTS if candidates is None else candidates:
        if Path(name).is_file():
            return Path(name), index
    return None


def _register_font(path: Path, index: int) -> str:
    name = "CJK-" + hashlib.sha1(f"{path}#{index}".encode(), usedforsecurity=False).hexdigest()[:10]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
    return name


def _styles(font: str) -> _Styles:
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=12.5, wordWrap="CJK")
    return _Styles(
        font,
        base,
        ParagraphStyle("small", parent=base, fontSize=7.5, leading=10),
        ParagraphStyle("mono", parent=base, fontName="Courier", fontSize=6.5, leading=8),
        ParagraphStyle("bad", parent=base, textColor=colors.HexColor("#b00020")),
        ParagraphStyle("h", parent=base, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4),
        ParagraphStyle("t", parent=base, fontSize=16, leading=20, spaceAfter=2),
    )


def write_case_report(
    case: Case,
    events: Sequence[AuditEvent],
    evidence_reader: EvidenceReader,
    catalogue_words: Mapping[str, str],
    path: Path,
    tz: tzinfo,
    *,
    words: Mapping[str, str] | None = None,
    department_names: Mapping[str, str] | None = None,
    font: tuple[Path, int] | None = None,
    generated_at: float | None = None,
) -> Path:
    """Write the report of ``case`` to ``path`` (atomically). ``catalogue_words`` names the
    category codes (0501 → 无照经营游商); ``words`` overrides the report's own words (the UI's
    translations). Raises :class:`NoCjkFont` or ExportError naming the file."""
    path = Path(path)
    found = font or find_cjk_font()
    if found is None:
        raise NoCjkFont(
            path, "no font with Chinese characters found on this machine (install fonts-wqy-microhei, "
            "or give the path of a TrueType CJK font)",
        )  # fmt: skip
    try:
        name = _register_font(*found)
    except Exception as exc:  # reportlab raises its own errors for fonts it cannot read
        raise NoCjkFont(path, f"the font {found[0]} cannot be used: {exc}") from exc
    w = {**WORDS, **(words or {})}
    st = _styles(name)
    when = generated_at

    def at(value: float | None) -> str:
        return "" if value is None else stamp(value, tz)

    story: list[Flowable] = [
        Paragraph(escape(f"{w['title']}　{case.id}"), st.title),
        Paragraph(escape(f"{w['generated']}：{at(when)}") if when is not None else "", st.small),
        Paragraph(escape(w["particulars"]), st.heading),
        _particulars(case, w, st, catalogue_words, department_names or {}, at),
        Paragraph(escape(w["before_after"]), st.heading),
    ]
    before, after, others = _split_evidence(case)
    story.append(
        _grid([
            _evidence_cell(before, evidence_reader, w, st, at) if before else [_p(w["no_before"], st.body)],
            _evidence_cell(after, evidence_reader, w, st, at) if after else [_p(w["no_after"], st.body)],
        ])
    )  # fmt: skip
    story += [PageBreak(), Paragraph(escape(w["timeline"]), st.heading), _timeline(events, w, st, at)]
    if others:
        cells = [_evidence_cell(e, evidence_reader, w, st, at) for e in others]
        story += [Paragraph(escape(w["other_evidence"]), st.heading), _grid(cells)]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm, title=f"{w['title']} {case.id}", author="CityWall",
    )  # fmt: skip
    doc.build(story, canvasmaker=_numbered(name, f"{w['title']} {case.id}", w["page"]))
    write_export(path, buffer.getvalue())
    return path


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _particulars(
    case: Case, w: Mapping[str, str], st: _Styles, catalogue: Mapping[str, str],
    departments: Mapping[str, str], at: Callable[[float | None], str],
) -> Table:  # fmt: skip
    coords = "" if case.lon is None or case.lat is None else f"{case.lon:.6f}，{case.lat:.6f}"
    camera = " / ".join(x for x in (case.camera_id, case.preset) if x)
    dept = case.department_id or ""
    dept = f"{departments[dept]}（{dept}）" if dept in departments else dept
    rows = [
        ("case_id", case.id),
        ("category", f"{case.category_code} {catalogue.get(case.category_code, '')}".strip()),
        ("source", w.get(f"source.{case.source.value}", case.source.value)),
        ("state", w.get(f"state.{case.state.value}", case.state.value)),
        ("grid", case.grid_code or ""),
        ("address", case.address),
        ("coordinates", coords),
        ("camera", camera),
        ("department", dept),
        ("urgent", w["yes"] if case.urgent else w["no"]),
        ("filed_at", at(case.filed_at)),
        ("dispatched_at", at(case.dispatched_at)),
        ("due_at", at(case.due_at)),
        ("handled_at", at(case.handled_at)),
        ("closed_at", at(case.closed_at)),
        ("rework", str(case.rework_count)),
        ("alerts", ", ".join(case.alert_ids)),
        ("description", case.description),
        ("feedback", case.feedback_note),
    ]
    data = [[_p(w[k], st.body), _p(v, st.body)] for k, v in rows if v]
    table = Table(data, colWidths=[32 * mm, PAGE_W - 2 * MARGIN - 32 * mm])
    table.setStyle(_GRID)
    return table


_GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa3ad")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef1f4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
)


def _split_evidence(case: Case) -> tuple[CaseEvidence | None, CaseEvidence | None, list[CaseEvidence]]:
    """The before picture (the first reported still), the after picture (the centre's latest
    check, else the department's latest feedback), and the rest (in stage and time order)."""
    order = {EvidenceStage.REPORT: 0, EvidenceStage.FEEDBACK: 1, EvidenceStage.VERIFICATION: 2}
    items = sorted(case.evidence, key=lambda e: (order[e.stage], e.ref.captured_at))
    stills = [e for e in items if e.ref.media_type.startswith("image/")]
    before = next((e for e in stills if e.stage is EvidenceStage.REPORT), None)
    after = next(
        (e for stage in (EvidenceStage.VERIFICATION, EvidenceStage.FEEDBACK)
         for e in reversed(stills) if e.stage is stage),
        None,
    )  # fmt: skip
    return before, after, [e for e in items if e is not before and e is not after]


def _grid(cells: list[list[Flowable]]) -> Table:
    """Two columns of evidence cells."""
    if len(cells) % 2:
        cells.append([])
    half = (PAGE_W - 2 * MARGIN) / 2
    table = Table([cells[i : i + 2] for i in range(0, len(cells), 2)], colWidths=[half, half])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


def _evidence_cell(
    e: CaseEvidence, read: EvidenceReader, w: Mapping[str, str], st: _Styles,
    at: Callable[[float | None], str],
) -> list[Flowable]:  # fmt: skip
    side = w["before"] if e.stage is EvidenceStage.REPORT else w["after"]
    kind = w.get(f"kind.{e.ref.kind.value}", e.ref.kind.value)
    head = f"{side}：{w.get(f'stage.{e.stage.value}', e.stage.value)} · {kind} · {e.ref.camera_id}"
    out: list[Flowable] = [_p(head, st.body)]
    if e.ref.media_type.startswith("image/"):
        out.append(_picture(e.ref, read, w, st))
    elif e.ref.media_type.startswith("audio/"):
        out.append(_p(w["not_printed_audio"], st.small))
    else:
        out.append(_p(w["not_picture"], st.small))
    sha = e.ref.sha256
    out += [
        _p(f"{w['captured']}：{at(e.ref.captured_at)}", st.small),
        _p(f"{w['sha256']}：", st.small),
        Paragraph(f"{sha[:32]}<br/>{sha[32:]}", st.mono),
    ]
    if e.note or e.ref.note:
        out.append(_p("；".join(x for x in (e.note, e.ref.note) if x), st.small))
    return out


def _picture(ref: EvidenceRef, read: EvidenceReader, w: Mapping[str, str], st: _Styles) -> Flowable:
    try:
        data = read(ref)
    except Exception as exc:  # the store names the file and why; the report says it and goes on
        return _p(w["missing"].format(why=exc), st.bad)
    if hashlib.sha256(data).hexdigest() != ref.sha256:
        return _p(w["altered"], st.bad)
    try:
        width, height = ImageReader(io.BytesIO(data)).getSize()
    except Exception as exc:  # not a picture reportlab can read
        return _p(w["missing"].format(why=exc), st.bad)
    scale = min(PICTURE_W / width, PICTURE_H / height)
    return Image(io.BytesIO(data), width=width * scale, height=height * scale, hAlign="LEFT")


def _timeline(
    events: Sequence[AuditEvent], w: Mapping[str, str], st: _Styles, at: Callable[[float | None], str]
) -> Table:
    head = [_p(w[k], st.body) for k in ("time", "who", "role", "action", "note", "hash")]
    rows: list[list[Any]] = [head]
    for e in sorted(events, key=lambda e: (e.at, e.seq)):  # the case's and its alerts', as they happened
        role = str(e.data.get("by_role", ""))
        note = "：".join(x for x in (w.get(f"reason.{e.reason}", e.reason), e.note) if x)
        rows.append(
            [
                _p(at(e.at), st.small),
                _p(w.get(f"actor.{e.actor}", e.actor), st.small),
                _p(w.get(f"role.{role}", role), st.small),
                _p(w.get(f"action.{e.action}", e.action), st.small),
                _p(note, st.small),
                Paragraph(f"#{e.seq}<br/>{e.hash[:16]}", st.mono),
            ]
        )
    widths = [34 * mm, 22 * mm, 17 * mm, 18 * mm, 58 * mm]
    widths.append(PAGE_W - 2 * MARGIN - sum(widths))
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_GRID)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f4")),
                               ("BACKGROUND", (0, 1), (0, -1), colors.white)]))  # fmt: skip
    return table


def _numbered(font: str, title: str, page_words: str) -> type[Canvas]:
    """A canvas that writes "page n of m" and the case id at the foot of every page."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab's own, not in its stubs

        def save(self) -> None:
            total = len(self._pages)
            for n, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(font, 7.5)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(MARGIN, MARGIN * 0.6, title)
                self.drawRightString(PAGE_W - MARGIN, MARGIN * 0.6, page_words.format(n=n, total=total))
                super().showPage()
            super().save()

    return NumberedCanvas
