"""The window with voice as an operator sees it (zh_CN, 1366×768 and a large screen): a tile
counting down to its recheck, another playing, the alert list with the escalation on its row and
an alert resolved by prompt; the F1 help with the voice keys. CITYWALL_SHOTS=folder keeps the PNGs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.ui.alerts.model import VOICE_ROLE, Col
from tests.alert_fakes import detected
from tests.ui.voice_rig import make_rig

SHOTS = os.environ.get("CITYWALL_SHOTS")
CAMERAS = [f"cam{i}" for i in range(1, 10)]


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_wall_and_the_list_show_the_escalation(
    qtbot: QtBot, tmp_path: Path, size: tuple[int, int]
) -> None:
    rig = make_rig(qtbot, tmp_path, size=size, cameras=CAMERAS)
    win, hub = rig.win, rig.win.voice
    assert hub is not None and win.alerts is not None
    rig.alerts.detector_raised(detected("gone", "cam2", at=rig.clock.t - 300, zone_id="z2"))
    rig.alerts.detector_cleared("gone", rig.clock.t - 100)  # the vendor left after the prompt
    rig.clock.t = time.time() - 18  # (the list counts on the computer's clock, the ladder on the rig's)
    rig.alerts.detector_raised(detected("a1", "cam1", at=rig.clock.t))  # the ladder: prompt, then the wait
    rig.port.hold = True
    win.pane.compositor.set_selected(1)
    win.pane.setFocus()
    hub.play()  # an operator's prompt at cam2, still playing
    rig.clock.t = time.time()
    hub.tick()
    marks = win.pane.compositor.voice_marks
    assert marks["cam1"].text.startswith("复核 0:4") and marks["cam2"].text == "喊话中"
    triage = win.alerts.triage
    triage.set_filter("all")
    assert triage.select("a1")
    row = triage.table.currentIndex().row()
    state = str(triage.proxy.index(row, Col.STATE).data())
    assert "后复核" in state and "已喊话 1 次" in state
    badge = triage.proxy.index(row, Col.PICTURE).data(VOICE_ROLE)
    assert badge is not None and badge.text.startswith("复核 0:4")  # first column: seen however narrow
    assert triage.select("gone")
    gone = str(triage.proxy.index(triage.table.currentIndex().row(), Col.STATE).data())
    assert gone.startswith("喊话后已离开")
    qtbot.wait(300)  # frames on the tiles
    if SHOTS:
        folder = Path(SHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        win.grab().save(str(folder / f"voice_wall_{size[0]}x{size[1]}.png"))
        win.alerts.grab().save(str(folder / f"voice_alerts_{size[0]}x{size[1]}.png"))
        bar = triage.table.horizontalScrollBar()
        bar.setValue(bar.maximum())  # the state column
        win.alerts.grab().save(str(folder / f"voice_alerts_state_{size[0]}x{size[1]}.png"))
        win.help.toggle()
        qtbot.waitUntil(win.help.isVisible)
        win.grab().save(str(folder / f"voice_help_{size[0]}x{size[1]}.png"))
        win.help.toggle()
    rig.port.finish()
