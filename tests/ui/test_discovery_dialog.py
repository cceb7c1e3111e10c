"""Search for cameras, check a login, add to the site: against the demo PTZ simulator's responder.

The responder answers WS-Discovery on a loopback UDP port (no multicast on loopback here), so the
dialog's probe is sent there with ``target=``; the datagrams and the ONVIF login are the real ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.demo.ptz_camera import PtzCameraSimulator
from app.demo.ws_discovery import WsDiscoveryResponder
from app.ui.dialogs.discovery import DiscoveryDialog, site_hosts
from app.ui.i18n import Translations
from camera_config.loader import load_site
from camera_config.models import OnvifSource
from camera_config.site_writer import backups_of

PASSWORD = "ui-disc-0very!"
NAME = "人民路口 球机"
LEFT = Qt.MouseButton.LeftButton
SITE = """\
# 示范区: adding cameras must keep every setting and comment of this file
version: 1
site:
  name: 示范区   # the district
groups:
  - id: east
    name: 东区
cameras:
  - id: cam001
    name: 东门
    group: east
    source:
      kind: rtsp
      main: rtsp://10.0.0.5/main

# detection: slower revisits, the ONNX model, pictures kept beside the site file
detection:
  revisit_s: 30
  detectors:
    onnx_yolo: {model: models/street.onnx}
  evidence_dir: evidence
"""
DETECTION = SITE.index("\n# detection:")


@pytest.fixture
def camera() -> Iterator[PtzCameraSimulator]:
    sim = PtzCameraSimulator(NAME, password=PASSWORD, location="示范区/人民路").start()
    yield sim
    sim.stop()


@pytest.fixture
def responder(camera: PtzCameraSimulator) -> Iterator[WsDiscoveryResponder]:
    with WsDiscoveryResponder(lambda: [camera.discovery_record()]) as r:
        yield r


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(SITE, encoding="utf-8")
    return path


def open_dialog(
    qtbot: QtBot,
    responder: WsDiscoveryResponder,
    site_file: Path | None,
    *,
    timeout_s: float = 0.8,
    env: dict[str, str] | None = None,
    known: set[str] | None = None,
) -> DiscoveryDialog:
    dialog = DiscoveryDialog(
        None,
        site_file=site_file,
        known_hosts=known or set(),
        target=responder.address,
        timeout_s=timeout_s,
        env=env if env is not None else {},
    )
    qtbot.addWidget(dialog)
    dialog.show()  # the search starts by itself
    qtbot.waitExposed(dialog)
    return dialog


def cell(dialog: DiscoveryDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def edit(dialog: DiscoveryDialog, row: int, column: int, text: str) -> None:
    """As typed into the table (F2, the text, Enter)."""
    item = dialog.table.item(row, column)
    assert item is not None
    item.setText(text)


def wait_search(qtbot: QtBot, dialog: DiscoveryDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.searching and dialog.found_label.text() != "", timeout=10_000)


def test_the_search_shows_progress_and_lists_the_camera(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path, camera: PtzCameraSimulator
) -> None:
    dialog = open_dialog(qtbot, responder, site_file, timeout_s=1.5)
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    qtbot.waitUntil(lambda: dialog.searching, timeout=2000)
    assert not dialog.search_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: len(dialog.rows) == 1, timeout=5000)
    assert "Searching" in dialog.found_label.text()
    wait_search(qtbot, dialog)
    assert any(0 < v < 1000 for v in seen) and dialog.progress.value() == 1000  # it filled over time
    assert dialog.found_label.text() == "1 found" and dialog.search_button.isEnabled()
    cells = [cell(dialog, 0, c) for c in range(7)]
    assert cells == [
        "cam002",  # the next free id after the site's cam001
        NAME,
        "CW-PTZ-20X",
        "city/示范区/人民路",
        f"127.0.0.1:{camera.port}",
        "",
        "Login not checked",
    ]
    address = dialog.table.item(0, 4)
    assert address is not None and address.toolTip() == camera.device_url


def test_cancel_stops_the_search_at_once(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path
) -> None:
    dialog = open_dialog(qtbot, responder, site_file, timeout_s=60)
    qtbot.waitUntil(lambda: len(dialog.rows) == 1, timeout=5000)
    QTest.mouseClick(dialog.cancel_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.searching, timeout=3000)  # not the 60 s
    assert dialog.found_label.text() == "Stopped: 1 found" and len(dialog.rows) == 1


def test_closing_the_dialog_ends_the_search(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path
) -> None:
    dialog = open_dialog(qtbot, responder, site_file, timeout_s=60)
    qtbot.waitUntil(lambda: len(dialog.rows) == 1, timeout=5000)
    search = dialog._search  # the worker's future: it must end, not probe on for a minute
    assert search is not None
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    qtbot.waitUntil(search.done, timeout=3000)


def test_add_writes_a_valid_site_file_without_the_password(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path, camera: PtzCameraSimulator
) -> None:
    env = {"CAM_PW": PASSWORD}
    dialog = open_dialog(qtbot, responder, site_file, env=env)
    wait_search(qtbot, dialog)
    dialog.env_edit.setText("CAM_PW")
    assert "CAM_PW is set on this workstation" in dialog.env_note.text()
    dialog.select([0])
    assert not dialog.add_button.isEnabled()  # the login is checked first
    QTest.mouseClick(dialog.check_button, LEFT)
    qtbot.waitUntil(lambda: dialog.rows[0].description is not None, timeout=10_000)
    assert cell(dialog, 0, 6) == "Ready: PTZ, 2 stream profiles"
    edit(dialog, 0, 0, "cam101")  # as typed in the table (F2)
    edit(dialog, 0, 1, "人民路口 东北角")
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findData("east"))
    with qtbot.waitSignal(dialog.cameras_added, timeout=10_000) as added:
        QTest.mouseClick(dialog.add_button, LEFT)
    assert added.args == [["cam101"]]
    text = site_file.read_text(encoding="utf-8")
    assert PASSWORD not in text and "password_env: CAM_PW" in text
    site = load_site(site_file, env=env)  # valid, and the password resolves from the environment
    assert [c.id for c in site.cameras] == ["cam001", "cam101"]
    cam = site.camera("cam101")
    assert cam.name == "人民路口 东北角" and cam.group == "east"
    assert isinstance(cam.source, OnvifSource) and cam.source.endpoint == camera.device_url
    assert cam.ptz is not None and cam.ptz.profile == "Profile_1"
    assert cam.credentials is not None and cam.credentials.password is not None
    assert cam.credentials.password.get_secret_value() == PASSWORD
    assert text.startswith(SITE[:DETECTION]) and text.endswith(SITE[DETECTION:])  # the camera is inserted
    assert site.detection.revisit_s == 30 and site.detection.evidence_dir == site_file.parent / "evidence"
    assert list(site.detection.detectors) == ["onnx_yolo"]
    [backup] = backups_of(site_file)
    assert backup.read_text(encoding="utf-8") == SITE  # the file before
    assert cell(dialog, 0, 6) == "Added as cam101" and cell(dialog, 0, 5) == "yes"
    assert "Added to site.yaml: cam101" in dialog.message_text()
    assert not dialog.add_button.isEnabled()  # not twice


def test_a_wrong_password_is_said_in_words(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path
) -> None:
    dialog = open_dialog(qtbot, responder, site_file)
    wait_search(qtbot, dialog)
    assert "is not set here" in dialog.env_note.text()
    dialog.password_edit.setText("not-the-password")
    dialog.select([0])
    QTest.mouseClick(dialog.check_button, LEFT)
    assert cell(dialog, 0, 6) == "Checking login…" and not dialog.check_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.rows[0].error is not None, timeout=10_000)
    assert "refused the login (check the user name and password)" in dialog.message_text()
    assert cell(dialog, 0, 6).startswith("Failed: ")
    assert not dialog.add_button.isEnabled()
    assert site_file.read_text(encoding="utf-8") == SITE


def test_the_login_fields_are_checked_in_words(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path
) -> None:
    dialog = open_dialog(qtbot, responder, site_file)
    wait_search(qtbot, dialog)
    dialog.env_edit.setText("2 bad name")
    assert "is not an environment variable name" in dialog.login_error.text()
    dialog.select([0])
    QTest.mouseClick(dialog.check_button, LEFT)
    assert dialog.rows[0].busy is False and "not an environment variable name" in dialog.message_text()
    dialog.env_edit.setText("CAM_PW")
    dialog.user_edit.clear()
    assert dialog.login_error.text() == "Enter the cameras' user name."


def test_a_taken_id_and_a_damaged_site_file_are_refused_and_nothing_is_lost(
    qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path
) -> None:
    dialog = open_dialog(qtbot, responder, site_file, env={"CAM_PW": PASSWORD})
    wait_search(qtbot, dialog)
    dialog.env_edit.setText("CAM_PW")
    dialog.select([0])
    QTest.mouseClick(dialog.check_button, LEFT)
    qtbot.waitUntil(lambda: dialog.rows[0].description is not None, timeout=10_000)
    edit(dialog, 0, 0, "cam001")
    QTest.mouseClick(dialog.add_button, LEFT)
    assert dialog.message_text() == "Camera id “cam001” is already used: choose another."
    edit(dialog, 0, 0, "cam102")
    damaged = SITE + "  - id: broken\n    name: [\n"  # someone is editing the file by hand
    site_file.write_text(damaged, encoding="utf-8")
    QTest.mouseClick(dialog.add_button, LEFT)
    qtbot.waitUntil(lambda: "Not added" in dialog.message_text(), timeout=10_000)
    assert "the site file has problems" in dialog.message_text() and "site.yaml:" in dialog.message_text()
    assert site_file.read_text(encoding="utf-8") == damaged


def test_without_a_site_file_adding_is_off_and_says_why(
    qtbot: QtBot, responder: WsDiscoveryResponder, camera: PtzCameraSimulator
) -> None:
    known = {f"127.0.0.1:{camera.port}"}  # the demo site already has it
    dialog = open_dialog(qtbot, responder, None, env={"CAM_PW": PASSWORD}, known=known)
    wait_search(qtbot, dialog)
    assert cell(dialog, 0, 5) == "yes"
    assert not dialog.read_only_note.isHidden() and "read-only (demo)" in dialog.read_only_note.text()
    dialog.env_edit.setText("CAM_PW")
    dialog.select([0])
    QTest.mouseClick(dialog.check_button, LEFT)
    qtbot.waitUntil(lambda: dialog.rows[0].description is not None, timeout=10_000)
    assert not dialog.add_button.isEnabled()


def test_a_search_that_cannot_start_says_so(qtbot: QtBot, site_file: Path) -> None:
    dialog = DiscoveryDialog(None, site_file=site_file, known_hosts=set(), timeout_s=0.5)  # multicast
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.found_label.text() == "Search failed", timeout=5000)
    assert dialog.message_text().startswith("The search failed: cannot search the network for cameras")


def test_site_hosts_name_the_cameras_already_there() -> None:
    from camera_config.models import SiteConfig

    site = SiteConfig.model_validate(
        {
            "site": {"name": "x"},
            "cameras": [
                {"id": "a", "name": "a", "source": {"kind": "rtsp", "main": "rtsp://10.0.0.5/main"}},
                {"id": "b", "name": "b", "source": {"kind": "rtsp", "main": "rtsp://127.0.0.1:8554/b"}},
                {
                    "id": "c",
                    "name": "c",
                    "source": {"kind": "onvif", "endpoint": "http://10.0.0.7/onvif/device_service"},
                },
            ],
        }
    )
    assert site_hosts(site) == {"10.0.0.5", "10.0.0.7:80"}


def test_in_chinese(qtbot: QtBot, responder: WsDiscoveryResponder, site_file: Path) -> None:
    dialog = open_dialog(qtbot, responder, site_file)
    wait_search(qtbot, dialog)
    Translations().set_language("zh_CN")
    assert dialog.windowTitle() == "搜索设备"
    assert dialog.found_label.text() == "已发现 1 台"
    assert cell(dialog, 0, 6) == "未检查登录"
