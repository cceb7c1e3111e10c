"""The composition root's voice side (imported only by :mod:`app.main`): the site's speakers behind
the delivery router (RTP, SIP, the cameras' back-channel, HTTP clip speakers), the prompt library in
the site's data folder, the voice service over the alert service, and the escalation ladder wired
to detection (its recheck) and to cases (its last step)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as clock_time
from pathlib import Path

from app.adapters.voice.backchannel import BackchannelTransport
from app.adapters.voice.delivery import VoiceDelivery
from app.adapters.voice.http_clip import HttpClipTransport
from app.adapters.voice.rtp import RtpTransport
from app.adapters.voice.sip import SipTransport
from app.adapters.voice.transport import Transport
from app.core.alert_ports import Clock, EvidenceStore
from app.core.alerts import Alert
from app.core.site_time import site_zone
from app.core.system_events import SystemEventKind
from app.core.voice import DeliveryKind
from app.services.alerts import AlertService
from app.services.prompt_library import PromptLibrary
from app.services.system_events import SystemEventLog
from app.services.voice import VoiceService
from app.services.voice_config import ladder_config, speakers, voice_policy, zone_problems
from app.services.voice_ladder import LadderDriver
from app.ui.voice.wiring import LibraryCatalogue, VoiceWiring
from camera_config.models import SiteConfig

log = logging.getLogger(__name__)


@dataclass
class Voice:
    """The voice side of a run: the router (its threads), the library, the service, the ladder."""

    delivery: VoiceDelivery
    library: PromptLibrary
    service: VoiceService
    ladder: LadderDriver

    def wiring(self, clock: Clock, emergency_prompt: str | None = None) -> VoiceWiring:
        return VoiceWiring(
            self.service, self.ladder, prompts=LibraryCatalogue(self.library), clock=clock.now,
            emergency_prompt=emergency_prompt, library=self.library,
        )  # fmt: skip

    def close(self) -> None:
        self.ladder.close()
        self.service.stop()  # what plays stops (a speaker is not left mid-sentence past the app)
        self.delivery.close()


def local_time_in(zone_name: str) -> Callable[[float], clock_time]:
    """The site's wall-clock time of day (quiet hours are the site's, not the workstation's)."""
    zone = site_zone(zone_name)
    return lambda at: datetime.fromtimestamp(at, zone).time()


def open_voice(
    site: SiteConfig,
    data: Path,
    events: SystemEventLog,
    alerts: AlertService,
    evidence: EvidenceStore,
    clock: Clock,
    *,
    recheck: Callable[[str], None] = lambda camera_id: None,
    last_checked: Callable[[str], float | None] = lambda camera_id: None,
    create_case: Callable[[Alert], object] | None = None,
) -> Voice:
    """Everything voice for ``site``: a site without speakers still gets the library and the
    service (its keys then say that no speaker serves the camera)."""
    site_speakers = speakers(site)
    transports: dict[DeliveryKind, Transport] = {
        DeliveryKind.RTP: RtpTransport(),
        DeliveryKind.SIP: SipTransport(),
        DeliveryKind.BACKCHANNEL: BackchannelTransport(),
        DeliveryKind.HTTP: HttpClipTransport(),
    }
    delivery = VoiceDelivery(transports)
    library = PromptLibrary.in_folder(data / "prompts", events=events.publish)
    for problem in library.reload():
        log.warning("prompt library: %s", problem)
    service = VoiceService(
        delivery, lambda: site_speakers, library, alerts, clock, evidence=evidence,
        policy=lambda rule, zone: voice_policy(site, rule, zone),
        local_time=local_time_in(site.site.timezone), events=events.publish,
    )  # fmt: skip
    ladder = LadderDriver(
        alerts, service, lambda rule, zone: ladder_config(site, rule, zone), clock,
        recheck=recheck, last_checked=last_checked, create_case=create_case,
    )  # fmt: skip
    alerts.subscribe(lambda change: service.on_alert_change(change, laddered=ladder.laddered))
    resumed = ladder.resume()
    if resumed:
        log.info("voice ladder: %d prompt(s) cut off by the last stop go on to their wait", resumed)
    in_use = {c.id: c.detection.zones if c.detection else () for c in site.cameras}  # drawn ones too
    for problem in zone_problems(site, in_use):
        log.warning("voice settings: %s", problem)
        events.report(SystemEventKind.VOICE_SETTINGS_PROBLEM, subject=problem)
    log.info("voice: %d speaker(s), %d prompt(s)", len(site_speakers), len(library.prompts()))
    return Voice(delivery, library, service, ladder)
