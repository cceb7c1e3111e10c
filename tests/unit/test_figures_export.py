"""The figures as XLSX and CSV, read back as a user's spreadsheet program would (openpyxl, csv)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.adapters.export_files import ExportError
from app.adapters.figures_export import ENGLISH, Names, figure_tables, write_csv, write_xlsx
from app.core.alerts import AlertState, DismissReason
from app.core.case_figures import alert_figures, figures
from tests.alert_samples import sample_alert
from tests.fault_folders import read_only_folder
from tests.unit.test_case_figures import CASES, MAY, NOW, SH, t

NAMES = Names(
    categories={"0501": "无照经营游商", "0504": "店外经营", "0102": "暴露垃圾", "0507": "乱堆物料"},
    departments={"DA": "城管一中队", "DB": "环卫所", "DC": "市场监管所"},
)


def tables(**kw):
    alerts = [
        replace(sample_alert(1, camera="cam1", raised_at=t(5, 3)), state=AlertState.CONFIRMED),
        replace(
            sample_alert(2, camera="cam1", raised_at=t(5, 4)),
            state=AlertState.DISMISSED, dismiss_reason=DismissReason.FALSE_DETECTION,
        ),
    ]  # fmt: skip
    return figure_tables(
        figures(CASES, MAY, NOW), CASES, zone=SH, names=NAMES, alerts=alert_figures(alerts, MAY), **kw
    )


def rows_of(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_xlsx_holds_the_hand_counted_figures_in_chinese_with_english_second_row(tmp_path: Path):
    path = write_xlsx(tmp_path / "考核-2024-05.xlsx", tables())
    book = load_workbook(path)
    assert book.sheetnames == ["汇总", "按部门", "按类别", "按网格", "按来源", "案件清单", "告警"]
    summary = book["汇总"]
    assert [c.value for c in summary[1]] == ["指标", "值"] and [c.value for c in summary[2]] == [
        "Figure",
        "Value",
    ]
    values = {r[0]: r[1] for r in rows_of(summary)[2:]}
    assert values["统计开始"] == datetime(2024, 5, 1, 0, 0) and values["时区"] == "UTC+08:00"
    assert (values["应结案数"], values["结案数"], values["按期结案数"], values["缓办（不计入）"]) == (
        11,
        9,
        5,
        1,
    )
    assert values["结案率"] == pytest.approx(9 / 11) and values["按期结案率"] == pytest.approx(5 / 11)
    assert values["返工率"] == pytest.approx(0.2)
    assert values["紧急案件：按期结案率"] == pytest.approx(0.5) and values["紧急案件达标（100%）"] == "否"
    rate_cell = next(r for r in summary.iter_rows() if r[0].value == "结案率")[1]
    assert rate_cell.number_format == "0.0%"
    # Departments, best first: DA (2/3 on time), DB (2/5), DC (1/3); the unassigned one unranked.
    depts = rows_of(book["按部门"])
    assert depts[0][:4] == ["排名", "部门", "名称", "新增案件"]
    assert [r[:3] for r in depts[2:]] == [
        [1, "DA", "城管一中队"], [2, "DB", "环卫所"], [3, "DC", "市场监管所"], [None, "（未指定）", None],
    ]  # fmt: skip
    cats = {r[0]: r for r in rows_of(book["按类别"])[2:]}
    assert cats["0501"][1] == "无照经营游商" and cats["0501"][3] == 4  # due
    # The case list: the 12 cases judged in May (c08 deferred, marked as left out), by deadline.
    cases = rows_of(book["案件清单"])
    assert cases[0][9] == "派遣时间（UTC+08:00）" and cases[1][9] == "Dispatched (UTC+08:00)"
    by_id = {r[0]: r for r in cases[2:]}
    assert len(by_id) == 12 and "c09" not in by_id and "c10" not in by_id
    c01 = by_id["c01"]
    assert c01[1:8] == ["0501", "无照经营游商", "G1", "DA", "城管一中队", "视频监控", "已结案"]
    assert c01[9] == datetime(2024, 5, 2, 9, 0)  # site time, as Excel shows it
    assert (by_id["c08"][13], by_id["c03"][14], by_id["c02"][14], by_id["c05"][15]) == (
        "否（缓办）",
        "是",
        "否",
        1,
    )
    alerts = rows_of(book["告警"])
    assert alerts[2][:4] == ["全部", None, 2, 1] and alerts[2][7] == pytest.approx(0.5)


def test_csv_is_utf8_with_bom_one_file_per_table(tmp_path: Path):
    written = write_csv(tmp_path / "figures-2024-05.csv", tables())
    assert [p.name for p in written] == [
        f"figures-2024-05-{k}.csv"
        for k in ("summary", "departments", "categories", "grids", "sources", "cases", "alerts")
    ]
    raw = (tmp_path / "figures-2024-05-summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    with (tmp_path / "figures-2024-05-summary.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    values = dict(rows[2:])
    assert rows[0] == ["指标", "值"] and values["结案率"] == "81.8%" and values["按期结案率"] == "45.5%"
    assert values["统计结束"] == "2024-06-01 00:00"
    with (tmp_path / "figures-2024-05-cases.csv").open(encoding="utf-8-sig", newline="") as f:
        cases = list(csv.reader(f))
    assert len(cases) == 2 + 12
    c12 = next(r for r in cases if r[0] == "c12")
    assert c12[10:13] == ["2024-05-31 20:00", "2024-06-01 09:00", "2024-06-02 09:00"] and c12[14] == "否"


def test_words_from_the_ui_and_no_second_row(tmp_path: Path):
    path = write_xlsx(tmp_path / "f.xlsx", tables(words=ENGLISH), english_row=False)
    book = load_workbook(path)
    assert book.sheetnames[0] == "Summary" and book.sheetnames[5] == "Cases"
    rows = rows_of(book["Summary"])
    assert rows[0] == ["Figure", "Value"] and rows[1][0] == "Period start"
    assert rows_of(book["Cases"])[1][0] == "c01"


def test_nothing_due_leaves_rates_empty_not_zero(tmp_path: Path):
    empty = figure_tables(figures([], MAY, NOW), [], zone=SH)
    book = load_workbook(write_xlsx(tmp_path / "empty.xlsx", empty))
    values = {r[0]: r[1] for r in rows_of(book["汇总"])[2:]}
    assert values["应结案数"] == 0 and values["结案率"] is None and values["紧急案件达标（100%）"] is None
    assert len(rows_of(book["案件清单"])) == 2


def test_progress_is_reported_up_to_the_end(tmp_path: Path):
    many = [replace(c, id=f"{c.id}-{n}") for n in range(60) for c in CASES]
    seen: list[tuple[int, int]] = []
    big = figure_tables(figures(many, MAY, NOW), many, zone=SH)
    write_xlsx(tmp_path / "big.xlsx", big, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 2 and seen[-1][0] == seen[-1][1] and seen[-1][1] > 700
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_read_only_folder_names_the_file_and_keeps_the_old_one(tmp_path: Path):
    folder = tmp_path / "share"
    folder.mkdir()
    old = folder / "f.xlsx"
    old.write_bytes(b"last month's export")
    with read_only_folder(folder):
        with pytest.raises(ExportError) as caught:
            write_xlsx(old, tables())
        assert str(old) in str(caught.value) and caught.value.path == old
        assert caught.value.reason in ("read-only folder", "permission denied")
        with pytest.raises(ExportError, match=r"f-summary\.csv"):
            write_csv(folder / "f.csv", tables())
    assert old.read_bytes() == b"last month's export"
    with pytest.raises(ExportError, match="does not exist"):
        write_xlsx(tmp_path / "no-such-folder" / "f.xlsx", tables())


def test_the_voice_figures_are_two_sheets_by_zone_and_by_hour(tmp_path: Path):
    from app.core.voice_figures import voice_figures
    from tests.unit.test_voice_figures import MAY_2, hand_set

    voice = voice_figures(hand_set(), MAY_2, SH)
    path = write_xlsx(tmp_path / "figures.xlsx", tables(voice=voice))
    book = load_workbook(path)
    assert book.sheetnames[-2:] == ["喊话劝离（按区域）", "喊话劝离（按时段）"]
    zones = rows_of(book["喊话劝离（按区域）"])
    assert zones[0][:4] == ["区域", "摄像机", "区域编号", "占道经营告警"]
    assert zones[1][:4] == ["Zone", "Camera", "Zone id", "Vending alerts"]
    # all, then 北门 (4 alerts) before 菜场 (2): alerts, prompted, plays, reached, laddered, resolved,
    # escalated, resolved share, of prompted
    assert zones[2] == ["全部", None, None, 6, 5, 7, 5, 5, 2, 2, pytest.approx(2 / 6), pytest.approx(2 / 5)]
    assert zones[3][:3] == ["北门", "cam1", "z1"] and zones[3][3:10] == [4, 3, 5, 4, 3, 2, 1]
    assert zones[4][:3] == ["菜场", "cam2", "z1"] and zones[4][-2:] == [0.0, 0.0]
    assert book["喊话劝离（按区域）"]["K3"].number_format == "0.0%"
    hours = rows_of(book["喊话劝离（按时段）"])
    assert hours[0][0] == "时段（UTC+08:00）" and len(hours) == 2 + 24
    assert hours[2][0] == "00:00–01:00" and hours[2][1] == 1  # the site's midnight
    assert hours[11][:2] == ["09:00–10:00", 2] and hours[11][-2] == 1.0
    assert hours[14][1] == 0 and hours[14][-2] is None  # no alert at noon: empty, not 0 %
