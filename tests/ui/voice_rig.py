"""The main window with voice over fakes: an alert service, a voice service on a fake speaker port,
the escalation ladder driven by a fake clock, a prompt catalogue of the two fake prompts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import time as clock_time
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core.voice import Clip, Speaker, VoicePriority
from app.core.voice_ladder import LadderConfig
from app.run_options import RunOptions
from app.services.alerts import AlertService
from app.services.voice import VoiceService
from app.services.voice_ladder import LadderDriver
from app.ui.main_window import AlertWiring, MainWindow, SiteUi
from app.ui.runner import build_window
from app.ui.voice.microphone import Microphone
from app.ui.voice.wiring import VoiceWiring
from app.ui.wall.compositor import TileInfo
from tests.alert_fakes import FakeClock, FakeWriter, alert_service
from tests.ui.fakes import FakeSource
from tests.voice_fakes import FakeAnnouncement, FakePort, FakePrompts, MemoryEvidence, speakers

CAMERAS = ["cam1", "cam2", "cam3"]  # cam1: 北门音柱 + 北门摄像机喇叭, cam2: 菜场音柱, cam3: none
LADDER = LadderConfig(enabled=True, prompts=2, wait_s=60.0, recheck_s=30.0)


class Catalogue:
    def prompts(self) -> list[tuple[str, str]]:
        return [("no_vending", "请勿占道经营"), ("litter", "请将垃圾投入垃圾桶")]


class StreamingPort(FakePort):
    """Reads a live talk's frames on a thread of its own, as the real transports do (the fake
    port's join would block the GUI until the talk ends)."""

    def __init__(self) -> None:
        super().__init__()
        self.live: list[bytes] = []

    def announce(
        self, targets: Sequence[Speaker], clip: Clip | Iterator[bytes], priority: VoicePriority
    ) -> FakeAnnouncement:
        if isinstance(clip, Clip):
            return super().announce(targets, clip, priority)
        self.calls.append((tuple(s.id for s in targets), "live", priority))
        announcement = FakeAnnouncement(self.stops)

        def pump() -> None:
            for frame in clip:
                self.live.append(frame)
            pcm = b"".join(self.live)
            announcement.result.set_result(self._deliveries(targets, pcm))

        threading.Thread(target=pump, daemon=True).start()
        return announcement


@dataclass
class Rig:
    win: MainWindow
    alerts: AlertService
    writer: FakeWriter
    clock: FakeClock
    port: FakePort
    voice: VoiceService
    driver: LadderDriver
    rechecks: list[str]

    def later(self, seconds: float) -> None:
        self.clock.t += seconds
        self.driver.tick()


def make_rig(
    qtbot: QtBot,
    tmp_path: Path,
    *,
    role: str = "operator",
    port: FakePort | None = None,
    microphone: Callable[[], Microphone] | None = None,
    size: tuple[int, int] = (1400, 900),
    cameras: list[str] | None = None,
) -> Rig:
    alerts, writer, clock = alert_service(time.time())  # the alert list's clock and the ladder's agree
    port = port or FakePort()
    voice = VoiceService(
        port, speakers, FakePrompts(), alerts, clock, evidence=MemoryEvidence(),
        local_time=lambda t: clock_time(12, 0),
    )  # fmt: skip
    rechecks: list[str] = []
    driver = LadderDriver(
        alerts, voice, lambda rule, zone: LADDER if rule == "vending" else LadderConfig(), clock,
        recheck=rechecks.append,
    )  # fmt: skip
    names = cameras or CAMERAS
    ui = SiteUi(
        "示范区", [TileInfo(c, f"测试点 {c}", "370199099001001") for c in names], [], tmp_path / "shots"
    )
    options = RunOptions(
        offscreen=True, size=size, language="zh_CN", profile_dir=tmp_path, fresh=True, operator="王芳",
        role=role,
    )  # fmt: skip
    wiring = VoiceWiring(voice, driver, Catalogue(), microphone=microphone, clock=clock.now)
    win = build_window(
        FakeSource(names),
        ui,
        None,
        options,
        alerts=AlertWiring(alerts, timezone="Asia/Shanghai"),
        voice=wiring,
    )
    qtbot.addWidget(win)
    win.show()
    win.start()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: win.isActiveWindow(), timeout=3000)
    return Rig(win, alerts, writer, clock, port, voice, driver, rechecks)
