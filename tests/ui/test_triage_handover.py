"""The hand-over dialog: gathered off the GUI thread, shown, exported; a refusing store or disk is said."""

from __future__ import annotations

import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from app.core.alerts import Alert
from app.ui.alerts.handover import Fetch, HandoverDialog
from tests.fault_folders import read_only_folder
from tests.unit.test_shift_summary import END, START, shift


def dialog_of(qtbot: QtBot, fetch: Fetch, settings: QSettings | None = None) -> HandoverDialog:
    tz = ZoneInfo("Asia/Shanghai")
    dialog = HandoverDialog(fetch, lambda c: "菜市场北门", lambda: END, tz, "城东中心", settings)
    qtbot.addWidget(dialog)
    return dialog


def test_the_summary_is_gathered_off_the_gui_thread_shown_and_exported(qtbot: QtBot, tmp_path: Path) -> None:
    calls: list[tuple[float, float, threading.Thread]] = []

    def fetch(start: float, end: float) -> list[Alert]:
        calls.append((start, end, threading.current_thread()))
        return shift()

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("triage/shift_start", START)
    dialog = dialog_of(qtbot, fetch, settings)
    assert dialog.progress.isVisibleTo(dialog) and not dialog.csv_button.isEnabled()
    with qtbot.waitSignal(dialog.ready) as ready:
        pass
    assert ready.args == [True] and not dialog.progress.isVisibleTo(dialog)
    assert calls[0][:2] == (START, END) and calls[0][2] is not threading.main_thread()
    shown = dict(zip(*(dialog.column_texts(c) for c in (0, 1)), strict=True))
    assert (
        shown["Dismissed as false"] == "3"
        and shown["Fixed object"] == "2"
        and shown["Still not taken"] == "2"
    )
    assert dialog.open_model.rowCount() == 2
    assert dialog.export(tmp_path / "handover.csv") and dialog.export(tmp_path / "handover.html")
    assert "误报已排除 / Dismissed as false,3" in (tmp_path / "handover.csv").read_text(encoding="utf-8-sig")
    assert "<h1>交接班小结" in (tmp_path / "handover.html").read_text(encoding="utf-8")
    assert dialog.status.text() == f"Saved: {tmp_path / 'handover.html'}"


def test_a_refusing_store_and_a_read_only_folder_are_said(qtbot: QtBot, tmp_path: Path) -> None:
    def broken(start: float, end: float) -> list[Alert]:
        raise OSError("database is locked")

    dialog = dialog_of(qtbot, broken)
    with qtbot.waitSignal(dialog.ready) as ready:
        pass
    assert (
        ready.args == [False]
        and dialog.status.text() == "The shift's alerts cannot be read: database is locked"
    )
    assert not dialog.csv_button.isEnabled()
    dialog._fetch = lambda s, e: shift()
    with qtbot.waitSignal(dialog.ready):
        dialog.gather()
    with read_only_folder(tmp_path / "ro") as folder:
        assert not dialog.export(folder / "handover.csv")
        assert dialog.status.text().startswith(f"Not saved: {folder / 'handover.csv'}: ")
        assert list(folder.iterdir()) == []
