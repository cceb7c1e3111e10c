"""The figures (考核评价) as spreadsheets: one XLSX workbook, or a set of CSV files.

Both hold the same tables (:func:`figure_tables`): a summary (the rates and counts of the period,
urgent cases apart), one table per department, category, grid and source, and the list of the
cases judged in the period (deferred ones marked as left out), so a reader can check every rate by
hand. Headers come from ``words`` (the UI's translations; Chinese by default) with an English
second header row unless switched off. Times are in the site's zone (said in the headers); rates are
fractions shown as percentages in the workbook, and an empty cell where nothing was due (not 0 %).

CSV is UTF-8 with a byte-order mark, so Excel opens Chinese text correctly; one file per table,
named ``<stem>-<table>.csv`` beside the path given. Files are written atomically (a temporary file,
then a rename): a failed export leaves the previous file as it was, and raises
:class:`~app.adapters.export_files.ExportError` naming the file and why (read-only folder, disk full …).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.adapters.export_files import write_export
from app.core.case_figures import AlertFigures, AlertGroup, Figures, Group, judged_cases, on_time
from app.core.cases import CaseFacts
from app.core.site_time import offset_label
from app.core.voice_figures import VoiceFigures, VoiceGroup

Cell = str | int | float | datetime | None
Progress = Callable[[int, int], None]  # (rows written, rows in all)
PROGRESS_EVERY = 500

CHINESE: dict[str, str] = {
    # tables
    "summary": "汇总", "departments": "按部门", "categories": "按类别", "grids": "按网格",
    "sources": "按来源", "cases": "案件清单", "alerts": "告警",
    # summary rows
    "figure": "指标", "value": "值", "period_start": "统计开始", "period_end": "统计结束",
    "computed_at": "计算时间", "time_zone": "时区", "all": "全部", "urgent": "紧急案件",
    "urgent_met": "紧急案件达标（100%）",
    # group columns
    "department": "部门", "category": "类别", "grid": "网格", "source": "来源", "name": "名称",
    "rank": "排名", "created": "新增案件", "due": "应结案数", "closed": "结案数",
    "closed_on_time": "按期结案数", "closure_rate": "结案率", "on_time_rate": "按期结案率",
    "handled": "已反馈数", "reworked": "返工案件数", "rework_rate": "返工率", "deferred": "缓办（不计入）",
    "open_due": "应结未结", "mean_to_feedback_h": "平均处置时长（小时）",
    "mean_to_close_h": "平均结案时长（小时）",
    # case list
    "case_id": "案件编号", "category_name": "类别名称", "department_name": "部门名称", "state": "状态",
    "urgent_flag": "紧急", "dispatched": "派遣时间", "due_at": "处理时限", "handled_at": "反馈时间",
    "closed_at": "结案时间", "counted": "计入考核", "on_time": "按期", "rework_count": "返工次数",
    # alerts
    "rule": "规则", "camera": "摄像机", "raised": "告警数", "confirmed": "确认属实",
    "false_alarms": "误报", "permitted": "合规经营", "unjudged": "未判定", "false_alarm_share": "误报率",
    "confirmed_share": "属实率",
    # values
    "yes": "是", "no": "否", "not_set": "（未指定）", "left_out_deferred": "否（缓办）",
    "state.reported": "已受理", "state.filed": "已立案", "state.cancelled": "不予立案",
    "state.dispatched": "已派遣", "state.in_progress": "处置中", "state.handled": "已反馈",
    "state.verified": "核查通过", "state.closed": "已结案", "state.deferred": "缓办",
    "source.video": "视频监控", "source.operator": "座席上报", "source.imported": "外部导入",
    "rule.vending": "占道经营", "rule.bin_overflow": "垃圾满溢",
    # voice prompts (喊话劝离)
    "voice_zones": "喊话劝离（按区域）", "voice_hours": "喊话劝离（按时段）", "zone": "区域",
    "zone_id": "区域编号", "hour": "时段", "vending_alerts": "占道经营告警", "prompted": "已喊话告警",
    "plays": "喊话次数", "reached": "送达喇叭次数", "laddered": "启用升级流程",
    "resolved_by_prompt": "喊话劝离（未立案）", "escalated": "喊话后转立案", "share_resolved": "喊话劝离占比",
    "share_of_prompted": "占已喊话告警",
}  # fmt: skip

ENGLISH: dict[str, str] = {
    "summary": "Summary", "departments": "Departments", "categories": "Categories", "grids": "Grids",
    "sources": "Sources", "cases": "Cases", "alerts": "Alerts",
    "figure": "Figure", "value": "Value", "period_start": "Period start", "period_end": "Period end",
    "computed_at": "Computed at", "time_zone": "Time zone", "all": "All", "urgent": "Urgent cases",
    "urgent_met": "Urgent target met (100%)",
    "department": "Department", "category": "Category", "grid": "Grid", "source": "Source",
    "name": "Name", "rank": "Rank", "created": "New cases", "due": "Due", "closed": "Closed",
    "closed_on_time": "Closed on time", "closure_rate": "Closure rate", "on_time_rate": "On-time rate",
    "handled": "With feedback", "reworked": "Reworked", "rework_rate": "Rework rate",
    "deferred": "Deferred (left out)", "open_due": "Due, not closed",
    "mean_to_feedback_h": "Mean to feedback (h)", "mean_to_close_h": "Mean to closure (h)",
    "case_id": "Case", "category_name": "Category name", "department_name": "Department name",
    "state": "State", "urgent_flag": "Urgent", "dispatched": "Dispatched", "due_at": "Deadline",
    "handled_at": "Feedback", "closed_at": "Closed", "counted": "Counted", "on_time": "On time",
    "rework_count": "Reworks", "rule": "Rule", "camera": "Camera", "raised": "Alerts",
    "confirmed": "Confirmed", "false_alarms": "False alarms", "permitted": "Permitted",
    "unjudged": "Not judged", "false_alarm_share": "False-alarm share",
    "confirmed_share": "Confirmed share",
    "yes": "yes", "no": "no", "not_set": "(not set)", "left_out_deferred": "no (deferred)",
    "state.reported": "reported", "state.filed": "filed", "state.cancelled": "cancelled",
    "state.dispatched": "dispatched", "state.in_progress": "in progress", "state.handled": "handled",
    "state.verified": "verified", "state.closed": "closed", "state.deferred": "deferred",
    "source.video": "video", "source.operator": "operator", "source.imported": "imported",
    "rule.vending": "street vending", "rule.bin_overflow": "overflowing bin",
    "voice_zones": "Voice prompts by zone", "voice_hours": "Voice prompts by hour", "zone": "Zone",
    "zone_id": "Zone id", "hour": "Hour", "vending_alerts": "Vending alerts", "prompted": "Prompted alerts",
    "plays": "Prompts",
    "reached": "Prompts reaching a speaker", "laddered": "With escalation",
    "resolved_by_prompt": "Resolved by prompt alone", "escalated": "Prompted, then a case",
    "share_resolved": "Resolved share", "share_of_prompted": "Of prompted",
}  # fmt: skip


class Rate(float):
    """A fraction shown as a percentage (a plain float is shown as it is)."""


def _rate(value: float | None) -> Rate | None:
    return None if value is None else Rate(value)


GROUP_COLUMNS = (
    "created", "due", "closed", "closed_on_time", "closure_rate", "on_time_rate", "handled",
    "reworked", "rework_rate", "deferred", "open_due", "mean_to_feedback_h", "mean_to_close_h",
)  # fmt: skip


@dataclass(frozen=True)
class Names:
    """What codes and ids are called (the catalogue's category names, the departments' names)."""

    categories: Mapping[str, str] = field(default_factory=dict)
    departments: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Table:
    key: str  # "summary", "departments" … (the CSV file's suffix)
    title: str  # the sheet's name, in the user's language
    columns: tuple[str, ...]  # keys into the words
    headers: tuple[str, ...]
    english: tuple[str, ...]
    rows: list[tuple[Cell, ...]]


class _Words:
    def __init__(self, words: Mapping[str, str] | None) -> None:
        self.words = {**CHINESE, **(words or {})}

    def __call__(self, key: str) -> str:
        return self.words.get(key, key)


def figure_tables(
    figures: Figures,
    cases: Iterable[CaseFacts],
    *,
    zone: tzinfo,
    words: Mapping[str, str] | None = None,
    names: Names | None = None,
    alerts: AlertFigures | None = None,
    voice: VoiceFigures | None = None,
) -> list[Table]:
    """The tables of the export, in order (the alerts' only when ``alerts`` is given, the voice
    prompts' when ``voice`` is)."""
    w, names = _Words(words), names or Names()
    zone_text = offset_label(zone, figures.period.start)

    def table(
        key: str, columns: Sequence[str], rows: list[tuple[Cell, ...]], timed: Sequence[str] = ()
    ) -> Table:
        headers = tuple(w(c) + (f"（{zone_text}）" if c in timed else "") for c in columns)
        english = tuple(ENGLISH.get(c, c) + (f" ({zone_text})" if c in timed else "") for c in columns)
        return Table(key, w(key), tuple(columns), headers, english, rows)

    def local(at: float | None) -> datetime | None:
        return None if at is None else datetime.fromtimestamp(at, zone).replace(tzinfo=None)

    tables = [table("summary", ("figure", "value"), _summary(figures, w, local, zone_text))]
    group_columns = GROUP_COLUMNS
    departments = figures.departments_ranked()
    rows = [
        (n if g.due else None, _key(g.key, w), names.departments.get(g.key or "", ""), *_group_cells(g))
        for n, g in enumerate(departments, 1)
    ]
    tables.append(table("departments", ("rank", "department", "name", *group_columns), rows))
    for key, label, groups in (
        ("categories", "category", figures.by_category),
        ("grids", "grid", figures.by_grid),
        ("sources", "source", figures.by_source),
    ):
        named = key == "categories"  # categories have names in the catalogue
        rows = []
        for g in sorted(groups.values(), key=lambda g: (g.key is None, g.key or "")):
            shown = w(f"source.{g.key}") if key == "sources" else _key(g.key, w)
            name = (names.categories.get(g.key or "", ""),) if named else ()
            rows.append((shown, *name, *_group_cells(g)))
        tables.append(table(key, (label, *(("name",) if named else ()), *group_columns), rows))
    case_columns = (
        "case_id", "category", "category_name", "grid", "department", "department_name", "source",
        "state", "urgent_flag", "dispatched", "due_at", "handled_at", "closed_at", "counted", "on_time",
        "rework_count",
    )  # fmt: skip
    now = figures.now
    case_rows = [_case_row(c, w, names, local, now) for c in judged_cases(cases, figures.period, now)]
    timed = ("dispatched", "due_at", "handled_at", "closed_at")
    tables.append(table("cases", case_columns, case_rows, timed))
    if alerts is not None:
        alert_columns = (
            "rule", "camera", "raised", "confirmed", "false_alarms", "permitted", "unjudged",
            "false_alarm_share", "confirmed_share",
        )  # fmt: skip
        alert_rows: list[tuple[Cell, ...]] = [(w("all"), "", *_alert_cells(alerts.all))]
        alert_rows += [(w(f"rule.{r.value}"), "", *_alert_cells(g)) for r, g in alerts.by_rule.items()]
        alert_rows += [("", g.key, *_alert_cells(g)) for g in alerts.cameras_by_false_alarms()]
        tables.append(table("alerts", alert_columns, alert_rows))
    if voice is not None:
        zone_rows: list[tuple[Cell, ...]] = [(w("all"), "", "", *_voice_cells(voice.all))]
        zone_rows += [(g.name, g.camera_id, g.zone_id, *_voice_cells(g)) for g in voice.zones_ranked()]
        tables.append(table("voice_zones", ("zone", "camera", "zone_id", *VOICE_COLUMNS), zone_rows))
        hour_rows = [(f"{g.key}:00–{int(g.key) + 1:02d}:00", *_voice_cells(g)) for g in voice.by_hour]
        tables.append(table("voice_hours", ("hour", *VOICE_COLUMNS), hour_rows, timed=("hour",)))
    return tables


VOICE_COLUMNS = (
    "vending_alerts", "prompted", "plays", "reached", "laddered", "resolved_by_prompt", "escalated",
    "share_resolved", "share_of_prompted",
)  # fmt: skip


def _voice_cells(g: VoiceGroup) -> tuple[Cell, ...]:
    return (
        g.alerts, g.prompted, g.plays, g.reached, g.laddered, g.resolved, g.escalated, _rate(g.share),
        _rate(g.share_of_prompted),
    )  # fmt: skip


def _case_row(
    c: CaseFacts, w: _Words, names: Names, local: Callable[[float | None], datetime | None], now: float
) -> tuple[Cell, ...]:
    return (
        c.id, c.category_code, names.categories.get(c.category_code, ""), c.grid_code or "",
        _key(c.department_id, w), names.departments.get(c.department_id or "", ""),
        w(f"source.{c.source.value}"), w(f"state.{c.state.value}"), w("yes") if c.urgent else "",
        local(c.dispatched_at), local(c.due_at), local(c.handled_at), local(c.closed_at),
        w("left_out_deferred") if c.was_deferred else w("yes"),
        w("yes") if on_time(c, now) else w("no"), c.rework_count,
    )  # fmt: skip


def _key(key: str | None, w: _Words) -> str:
    return key if key is not None else w("not_set")


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 2)


def _group_cells(g: Group) -> tuple[Cell, ...]:
    return (
        g.created, g.due, g.closed, g.closed_on_time, _rate(g.closure_rate), _rate(g.on_time_rate),
        g.handled, g.reworked, _rate(g.rework_rate), g.deferred, g.open_due, _hours(g.mean_to_feedback),
        _hours(g.mean_to_close),
    )  # fmt: skip


def _alert_cells(g: AlertGroup) -> tuple[Cell, ...]:
    return (
        g.raised, g.confirmed, g.false_alarms, g.permitted, g.unjudged, _rate(g.false_alarm_share),
        _rate(g.confirmed_share),
    )  # fmt: skip


def _summary(
    f: Figures, w: _Words, local: Callable[[float | None], datetime | None], zone_text: str
) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = [
        (w("period_start"), local(f.period.start)),
        (w("period_end"), local(f.period.end)),
        (w("computed_at"), local(f.now)),
        (w("time_zone"), zone_text),
    ]
    cells = dict(zip(GROUP_COLUMNS, _group_cells(f.all), strict=True))
    rows += [(w(k), cells[k]) for k in GROUP_COLUMNS]
    cells = dict(zip(GROUP_COLUMNS, _group_cells(f.urgent), strict=True))
    urgent = ("due", "closed", "closed_on_time", "closure_rate", "on_time_rate")
    rows += [(f"{w('urgent')}：{w(k)}", cells[k]) for k in urgent]
    met = f.urgent_met()
    rows.append((w("urgent_met"), "" if met is None else w("yes") if met else w("no")))
    return rows


# --- writing ----------------------------------------------------------------------------------------
def write_xlsx(
    path: Path, tables: Sequence[Table], *, english_row: bool = True, progress: Progress | None = None
) -> Path:
    """One sheet per table. Raises ExportError (app.adapters.export_files) naming the file."""
    path = Path(path)
    book = Workbook(write_only=True)
    total, done = sum(len(t.rows) for t in tables), 0
    bold = Font(bold=True)
    for t in tables:
        sheet: WriteOnlyWorksheet = book.create_sheet(_sheet_title(t.title))
        for n, header in enumerate(t.headers):
            width = max(len(header) * 2, len(t.english[n]) + 2, 10)
            sheet.column_dimensions[_column_letter(n)].width = min(width, 40)  # type: ignore[attr-defined]
        sheet.freeze_panes = "A3" if english_row else "A2"
        sheet.append([_styled(sheet, h, bold) for h in t.headers])
        if english_row:
            sheet.append(list(t.english))
        for row in t.rows:
            sheet.append([_cell(sheet, v) for v in row])
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
    buffer = io.BytesIO()
    book.save(buffer)
    write_export(path, buffer.getvalue())
    if progress is not None:
        progress(total, total)
    return path


def write_csv(
    path: Path, tables: Sequence[Table], *, english_row: bool = True, progress: Progress | None = None
) -> list[Path]:
    """One UTF-8 (with BOM) CSV per table: ``<stem>-<table key>.csv`` beside ``path``."""
    path = Path(path)
    total, done, written = sum(len(t.rows) for t in tables), 0, []
    for t in tables:
        text = io.StringIO()
        out = csv.writer(text, lineterminator="\r\n")
        out.writerow(t.headers)
        if english_row:
            out.writerow(t.english)
        for row in t.rows:
            out.writerow([_text(v) for v in row])
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
        target = path.with_name(f"{path.stem}-{t.key}.csv")
        write_export(target, "\ufeff".encode() + text.getvalue().encode("utf-8"))
        written.append(target)
    if progress is not None:
        progress(total, total)
    return written


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31]


def _column_letter(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _styled(sheet: WriteOnlyWorksheet, value: Cell, font: Font) -> SheetCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Cell) -> Cell | SheetCell:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, Rate):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.0%"
        return cell
    return value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, Rate):
        return f"{value * 100:.1f}%"
    return str(value)
