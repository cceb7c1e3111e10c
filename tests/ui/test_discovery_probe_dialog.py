"""The search dialog as an integrator uses it beyond the broadcast: probing addresses by hand, seeing
every answer it did not understand, and adding a PTZ camera with its presets.

Real peers on loopback addresses: the demo's ONVIF camera on 127.0.0.7, odd peers (a web page, a
silent device) beside it, the demo's WS-Discovery responder made to answer badly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from app.demo.ptz_camera import PtzCameraSimulator
from app.demo.rtsp_server import free_port
from app.demo.ws_discovery import WsDiscoveryResponder
from app.ui.dialogs.discovery import DiscoveryDialog, camera_entries
from app.ui.i18n import Translations
from camera_config.loader import load_site
from tests.odd_peers import Tarpit, WebServer

PASSWORD = "ui-probe-0very!"
HOST = "127.0.0.7"
NAME = "人民路口 球机"
PRESETS = [("路口全景", 0.0, 20.0, 1.0), ("东侧人行道", 45.0, 30.0, 4.0), ("垃圾桶", -60.0, 40.0, 8.0)]
LEFT = Qt.MouseButton.LeftButton
SITE = """\
version: 1
site:
  name: 示范区
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
detection:
  revisit_s: 30
  evidence_dir: evidence
"""


@pytest.fixture
def camera() -> Iterator[PtzCameraSimulator]:
    with PtzCameraSimulator(NAME, password=PASSWORD, host=HOST, location="示范区/人民路") as sim:
        sim.seed_presets(PRESETS)
        yield sim


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(SITE, encoding="utf-8")
    return path


def open_dialog(
    qtbot: QtBot, site_file: Path | None, *, ports: tuple[int, ...], target: tuple[str, int] | None = None
) -> DiscoveryDialog:
    dialog = DiscoveryDialog(
        None,
        site_file=site_file,
        known_hosts=set(),
        target=target or ("127.0.0.1", free_port()),  # nobody answers the search there
        timeout_s=0.3,
        probe_ports=ports,
        probe_timeout_s=2.0,  # a silent device costs this; a busy machine answers well within it
        env={"CAM_PW": PASSWORD},
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: not dialog.searching, timeout=5000)
    dialog.env_edit.setText("CAM_PW")
    return dialog


def probe(qtbot: QtBot, dialog: DiscoveryDialog, text: str) -> list[int]:
    """Type the addresses, press Probe, wait for the end; the progress values seen."""
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.address_edit.setText(text)
    QTest.mouseClick(dialog.probe_button, LEFT)
    assert dialog.searching and not dialog.probe_button.isEnabled() and not dialog.search_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.searching, timeout=15_000)
    return seen


def cell(dialog: DiscoveryDialog, row: int, column: int) -> str:
    item = dialog.table.item(row, column)
    assert item is not None
    return item.text()


def test_probing_an_address_lists_the_camera_beyond_the_broadcast(
    qtbot: QtBot, site_file: Path, camera: PtzCameraSimulator
) -> None:
    dialog = open_dialog(qtbot, site_file, ports=(80, camera.port))
    assert dialog.rows == [] and "type their addresses in Addresses" in dialog.message_text()
    assert not dialog.probe_button.isEnabled()  # nothing typed yet
    seen = probe(qtbot, dialog, HOST)
    assert seen[-1] == 1000 and dialog.progress.value() == 1000
    assert [cell(dialog, 0, c) for c in range(6)] == [
        "cam002",
        NAME,  # from GetScopes: the probe logged in with the password variable's value
        "CW-PTZ-20X",  # its hardware scope (GetScopes)
        "city/示范区/人民路",
        f"{HOST}:{camera.port}",
        "",
    ]
    assert dialog.message_text() == (
        "Probed 1 address(es): 1 camera(s) found, 0 answer(s) not understood, "
        "0 address(es) in ranges without an answer."
    )
    assert dialog.found_label.text() == "1 found" and dialog.search_panel.problems_box.isHidden()


def test_a_range_shows_progress_and_lists_what_it_did_not_understand(
    qtbot: QtBot, site_file: Path, camera: PtzCameraSimulator
) -> None:
    port = camera.port
    with WebServer("127.0.0.3", port, title="NVR Web"), Tarpit("127.0.0.5", port):
        dialog = open_dialog(qtbot, site_file, ports=(port,))
        seen = probe(qtbot, dialog, "127.0.0.1-127.0.0.16, 127.0.0.40")
        assert seen[-1] == 1000 and any(0 < v < 1000 for v in seen)  # it filled over time
        assert len(dialog.rows) == 1 and cell(dialog, 0, 4) == f"{HOST}:{port}"
        assert dialog.search_panel.problems_box.isVisible()
        assert dialog.search_panel.problems_label.text() == "Answers not understood: 3"
        listed = {address: (what, detail) for address, what, detail in dialog.problems.texts()}
        assert listed == {
            "127.0.0.40": ("No answer on any of the ports", f"{port} refused"),  # typed by hand: said
            f"127.0.0.3:{port}": (
                "A web server, but not an ONVIF device service",
                listed[f"127.0.0.3:{port}"][1],
            ),
            f"127.0.0.5:{port}": ("Took the connection but did not answer in time", "2 s"),
        }
        assert "HTTP 200, text/html" in listed[f"127.0.0.3:{port}"][1]
        assert "page “NVR Web”" in listed[f"127.0.0.3:{port}"][1]
        assert dialog.message_text().startswith("Probed 17 address(es): 1 camera(s) found, 3 answer(s) not")
        assert "13 address(es) in ranges without an answer" in dialog.message_text()


def test_stop_ends_a_probe_at_once(qtbot: QtBot, site_file: Path) -> None:
    first = Tarpit("127.0.0.20").start()
    pits = [first] + [Tarpit(f"127.0.0.{n}", first.port).start() for n in range(21, 44)]
    try:
        dialog = DiscoveryDialog(
            None,
            site_file=site_file,
            known_hosts=set(),
            target=("127.0.0.1", free_port()),
            timeout_s=0.3,
            probe_ports=(first.port,),
            probe_timeout_s=20,
            env={},
        )
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: not dialog.searching, timeout=5000)
        dialog.address_edit.setText("127.0.0.20-43")
        QTest.keyClick(dialog.address_edit, Qt.Key.Key_Return)  # Enter probes too
        qtbot.waitUntil(lambda: dialog.progress.value() >= 500, timeout=5000)  # scanned; 24 silent devices
        assert dialog.searching and dialog.cancel_button.isEnabled()
        QTest.mouseClick(dialog.cancel_button, LEFT)
        qtbot.waitUntil(lambda: not dialog.searching, timeout=3000)  # not the 20 s × 24 / 8 workers
        assert dialog.isVisible() and dialog.found_label.text() == "Stopped: 0 found"
        assert dialog.message_text() == "Probe stopped: 0 camera(s) found so far."
    finally:
        for pit in pits:
            pit.stop()


def test_mistakes_in_the_addresses_are_said_before_anything_is_sent(qtbot: QtBot, site_file: Path) -> None:
    dialog = open_dialog(qtbot, site_file, ports=(80,))
    for text, words in (
        ("10.1.0.0/16", "“10.1.0.0/16” has 65536 addresses; probe at most 256 at a time (a /24)."),
        ("10.1.2.300", "“10.1.2.300” is not an address, a range or a subnet."),
        ("10.1.2.9-3", "The range “10.1.2.9-3” ends before it starts."),
    ):
        dialog.address_edit.setText(text)
        QTest.mouseClick(dialog.probe_button, LEFT)
        assert not dialog.searching and dialog.message_text() == words
    dialog.address_edit.setText("10.1.2.3")
    dialog.ports_edit.setText("80, http")
    QTest.mouseClick(dialog.probe_button, LEFT)
    assert dialog.message_text() == "“http” is not a port (1-65535)."


def test_a_broken_ws_discovery_reply_is_listed_with_the_reason(
    qtbot: QtBot, site_file: Path, camera: PtzCameraSimulator
) -> None:
    with WsDiscoveryResponder(lambda: [camera.discovery_record()]) as responder:
        responder.garbage_reply = b"<s:Envelope><unclosed"
        responder.rewrite = lambda reply: reply.replace(b"http://www.w3.org/2003/05/soap-envelope", b"urn:x")
        dialog = open_dialog(qtbot, site_file, ports=(80,), target=responder.address)
        assert dialog.rows == []  # the camera's reply was not understood either
        listed = sorted(dialog.problems.texts())
        assert [(address, what) for address, what, _detail in listed] == [
            ("127.0.0.1", "Answered the search with something that is not XML"),
            ("127.0.0.1", "Answered the search, but not with a WS-Discovery ProbeMatches"),
        ]
        assert (
            "<s:Envelope><unclosed" in listed[0][2] and listed[1][2] == "document element <{urn:x}Envelope>"
        )
        assert dialog.message_text() == "2 answer(s) not understood: see the list below."
        Translations().set_language("zh_CN")
        assert sorted(what for _address, what, _detail in dialog.problems.texts()) == [
            "对搜索的应答不是 WS-Discovery 的 ProbeMatches",
            "对搜索的应答不是 XML",
        ]
        assert dialog.search_panel.problems_label.text() == "未能识别的应答：2"


def test_a_ptz_camera_is_added_with_its_ptz_block_and_presets(
    qtbot: QtBot, site_file: Path, camera: PtzCameraSimulator
) -> None:
    dialog = open_dialog(qtbot, site_file, ports=(camera.port,))
    probe(qtbot, dialog, HOST)
    dialog.select([0])
    QTest.mouseClick(dialog.check_button, LEFT)
    qtbot.waitUntil(lambda: dialog.rows[0].description is not None, timeout=10_000)
    assert cell(dialog, 0, 6) == "Ready: PTZ with 3 presets, 2 stream profiles"
    tip = dialog.table.item(0, 6)
    assert tip is not None and "路口全景、东侧人行道、垃圾桶" in tip.toolTip()
    saved: list[tuple[str, str]] = []
    dialog.site_file_saved.connect(lambda path, backup: saved.append((path, backup)))
    with qtbot.waitSignal(dialog.cameras_added, timeout=10_000):
        QTest.mouseClick(dialog.add_button, LEFT)
    assert "Added to site.yaml: cam002 (1 with PTZ, 3 presets)" in dialog.message_text()
    # the window's system events hear of it, with the backup of the file as it was
    ((path, backup),) = saved
    assert path == str(site_file) and Path(backup).parent.name == "backups" and Path(backup).is_file()
    written = yaml.safe_load(site_file.read_text(encoding="utf-8"))
    entry = written["cameras"][1]
    assert entry["ptz"] == {
        "endpoint": camera.device_url,
        "profile": "Profile_1",
        "presets": [
            {"token": "1", "name": "路口全景"},
            {"token": "2", "name": "东侧人行道"},
            {"token": "3", "name": "垃圾桶"},
        ],
    }
    assert entry["credentials"] == {"username": "admin", "password_env": "CAM_PW"}
    assert written["detection"] == {"revisit_s": 30.0, "evidence_dir": "evidence"}  # the rest is kept
    site = load_site(site_file, env={"CAM_PW": PASSWORD})
    cam = site.camera("cam002")
    assert cam.ptz is not None and [p.name for p in cam.ptz.presets] == ["路口全景", "东侧人行道", "垃圾桶"]
    # What was written is what camera_entries makes of the dialog's camera: one call writes it.
    assert camera_entries(dialog.added) == [entry]


def test_a_probe_with_a_wrong_password_says_so_on_the_row(
    qtbot: QtBot, site_file: Path, camera: PtzCameraSimulator
) -> None:
    dialog = open_dialog(qtbot, site_file, ports=(camera.port,))
    dialog.password_edit.setText("not-the-password")
    probe(qtbot, dialog, HOST)
    assert (
        len(dialog.rows) == 1 and dialog.search_panel.problems_box.isHidden()
    )  # a camera, with a login problem
    assert cell(dialog, 0, 6) == "Failed: camera refused the login (check the user name and password)"
