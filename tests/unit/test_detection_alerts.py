"""Detection joined to the alert service: the worker's messages become the service's alerts, and the
cameras the worker checks more often follow the service (a dismissed or snoozed alert's camera
loses its priority at once; a snooze that ends gives it back)."""

from __future__ import annotations

from app.core.alerts import AlertState, DismissReason, EvidenceKind, EvidenceRef
from app.services.detection.alert_feed import DetectionAlerts
from app.services.detection.protocol import AlertCleared, AlertRaised, DetectionUpdate
from tests.alert_fakes import alert_service, detected

T0 = 1_780_000_000.0


class FakeDetection:
    def __init__(self) -> None:
        self.boosts: list[tuple[str, bool]] = []

    def boost(self, camera_id: str, on: bool) -> None:
        self.boosts.append((camera_id, on))


def test_raises_and_clears_reach_the_service_and_a_repeated_raise_continues_the_alert() -> None:
    service, writer, _ = alert_service(T0)
    intake = DetectionAlerts(service, FakeDetection())
    change = intake.take(AlertRaised(detected("a1", at=T0)))
    assert change is not None and service.get("a1").state is AlertState.RAISED
    again = intake.take(AlertRaised(detected("a1-later", at=T0 + 5)))  # same zone, still open
    assert again is not None and again.after.id == "a1" and service.get("a1").last_seen_at == T0 + 5
    assert intake.take(AlertRaised(detected("a1", at=T0))) is None  # the very same raise twice: ignored
    picture = EvidenceRef("ab" * 32, EvidenceKind.CLEAR_STILL, "image/jpeg", 9, T0 + 60, "cam1", "sub")
    cleared = intake.take(AlertCleared("a1", "cam1", T0 + 60, (picture,)))
    assert cleared is not None and cleared.after.state is AlertState.CLEARED
    assert service.get("a1").evidence_of(EvidenceKind.CLEAR_STILL) == picture
    assert intake.take(DetectionUpdate("cam1", None, 1.0, (), False)) is None
    assert [e.action for e in writer.events] == ["raise", "continue", "clear"]


def test_a_dismissed_or_snoozed_alerts_camera_loses_its_priority_in_the_worker() -> None:
    service, _, clock = alert_service(T0)
    service.load([detected("stored", "cam9")])  # loaded at start: boosted from the first moment
    detection = FakeDetection()
    intake = DetectionAlerts(service, detection)
    assert detection.boosts == [("cam9", True)]
    intake.take(AlertRaised(detected("a1", "cam1", T0)))
    intake.take(AlertRaised(detected("a2", "cam2", T0)))
    assert intake.boosted == {"cam1", "cam2", "cam9"}
    service.dismiss("a1", "王芳", DismissReason.FALSE_DETECTION)
    assert detection.boosts[-1] == ("cam1", False) and intake.boosted == {"cam2", "cam9"}
    service.snooze("a2", "王芳", 10)
    assert detection.boosts[-1] == ("cam2", False)
    clock.t += 11 * 60
    service.tick()  # the snooze ends by itself: the camera is checked more often again
    assert detection.boosts[-1] == ("cam2", True)
    service.acknowledge("stored", "王芳")  # still open: no change for the worker
    assert detection.boosts[-1] == ("cam2", True) and "cam9" in intake.boosted
    intake.close()
    service.confirm("stored", "王芳")
    assert "cam9" in intake.boosted  # closed: it no longer follows
