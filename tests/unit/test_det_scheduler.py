"""The detection scheduler with a fake clock: fairness, boost, pauses, warm-up, bounded revisit, budget."""

from __future__ import annotations

import itertools
import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from app.core.detection_pause import Pause, PauseReason
from app.services.detection.scheduler import ALWAYS_SETTLED, DetectionScheduler, SchedulerConfig, Ticket


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, dt: float) -> None:
        self.t += dt


@dataclass
class Run:
    """What a simulated detection worker saw."""

    checks: list[tuple[float, str]] = field(default_factory=list)
    cpu_s: float = 0.0

    def count(self) -> Counter[str]:
        return Counter(c for _, c in self.checks)

    def times(self, camera_id: str) -> list[float]:
        return [t for t, c in self.checks if c == camera_id]

    def max_gap(self, camera_id: str, start: float, end: float) -> float:
        """Longest stretch without a check of ``camera_id`` in [start, end], edges included."""
        times = [start, *(t for t in self.times(camera_id) if start <= t <= end), end]
        return max(b - a for a, b in itertools.pairwise(times))


def simulate(
    sched: DetectionScheduler,
    clock: FakeClock,
    seconds: float,
    cost: Callable[[str], float] = lambda _: 0.03,
    latency: float = 0.2,
    moving: Callable[[str], bool] = lambda _: True,
    step: float = 0.01,
    run: Run | None = None,
) -> Run:
    """A detection worker: asks for samples, gets each ``latency`` later, checks them one at a time
    (each check takes ``cost`` seconds of this single thread)."""
    run = run or Run()
    end = clock.t + seconds
    pending: list[tuple[float, Ticket]] = []
    while clock.t < end:
        while (ticket := sched.next_check()) is not None:
            pending.append((clock.t + latency, ticket))
        ready = [p for p in pending if p[0] <= clock.t]
        if not ready:
            clock.advance(step)
            continue
        item = min(ready, key=lambda p: p[0])
        pending.remove(item)
        ticket = item[1]
        if not sched.valid(ticket):
            continue
        spent = cost(ticket.camera_id)
        clock.advance(spent)
        run.cpu_s += spent
        if sched.checked(ticket, spent, moving(ticket.camera_id)):
            run.checks.append((clock.t, ticket.camera_id))
    return run


def scheduler(n: int, clock: FakeClock, **config: float) -> DetectionScheduler:
    sched = DetectionScheduler(SchedulerConfig(**config), clock)  # type: ignore[arg-type]
    for i in range(n):
        cid = f"cam{i:03d}"
        sched.add(cid)
        sched.set_place(cid, None, ALWAYS_SETTLED)
        sched.set_watched(cid, True)
    return sched


# --- fairness -----------------------------------------------------------------------------------------
def test_equal_cameras_get_equal_checks() -> None:
    clock = FakeClock()
    sched = scheduler(10, clock, cpu_share=0.3, min_interval_s=0.0)
    run = simulate(sched, clock, 60.0, cost=lambda _: 0.05)
    counts = run.count()
    assert len(counts) == 10
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    # the budget holds: 0.3 core of 0.05 s checks is 6 checks a second
    assert sum(counts.values()) == pytest.approx(6 * 60, rel=0.06)


def test_fair_shares_are_in_cpu_time_so_a_costly_camera_is_checked_less_often() -> None:
    clock = FakeClock()
    sched = scheduler(4, clock, cpu_share=0.2, min_interval_s=0.0)
    run = simulate(sched, clock, 120.0, cost=lambda cid: 0.12 if cid == "cam000" else 0.04)
    counts = run.count()
    others = statistics.mean(counts[c] for c in ("cam001", "cam002", "cam003"))
    assert counts["cam000"] / others == pytest.approx(1 / 3, rel=0.15)


def test_the_budget_follows_the_measured_cost_of_checks() -> None:
    clock = FakeClock()
    sched = scheduler(50, clock, cpu_share=0.5, min_interval_s=0.0, initial_cost_s=0.01)
    run = simulate(sched, clock, 30.0, cost=lambda _: 0.1)
    assert run.cpu_s / 30.0 == pytest.approx(0.5, abs=0.05)  # not 0.5 / 0.01 = 50 checks a second
    assert sched.mean_cost_s == pytest.approx(0.1)
    assert sched.checks_per_s_budget == pytest.approx(5.0)


def test_no_camera_is_checked_more_often_than_the_minimum_interval() -> None:
    clock = FakeClock()
    sched = scheduler(2, clock, cpu_share=1.0, min_interval_s=1.0)
    run = simulate(sched, clock, 20.0, cost=lambda _: 0.01, latency=0.0)
    for cid in ("cam000", "cam001"):
        times = run.times(cid)
        assert min(b - a for a, b in itertools.pairwise(times)) >= 1.0 - 1e-9
        assert 17 <= len(times) <= 20


def test_no_more_samples_in_flight_than_detect_slots() -> None:
    clock = FakeClock()
    sched = scheduler(30, clock, cpu_share=2.0, max_in_flight=4, burst_s=10.0)
    tickets = []
    while (ticket := sched.next_check()) is not None:
        tickets.append(ticket)
    assert len(tickets) == 4 and sched.in_flight == 4
    assert len({t.camera_id for t in tickets}) == 4
    sched.checked(tickets[0], 0.01)
    assert sched.next_check() is not None


# --- boost ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["alert", "operator"])
def test_a_boosted_camera_is_checked_about_boost_weight_times_as_often(how: str) -> None:
    clock = FakeClock()
    sched = scheduler(12, clock, cpu_share=0.2, min_interval_s=0.0, boost_weight=4.0)
    if how == "alert":
        sched.set_alert("cam005", True)
    else:
        sched.set_boost("cam005", True)
    assert sched.weight("cam005") == 4.0
    run = simulate(sched, clock, 120.0, cost=lambda _: 0.04)
    counts = run.count()
    others = statistics.mean(v for k, v in counts.items() if k != "cam005")
    assert counts["cam005"] / others == pytest.approx(4.0, rel=0.1)
    # its checks are spread round the ring, not bunched
    gaps = [b - a for a, b in itertools.pairwise(run.times("cam005"))]
    assert max(gaps) < 2.5 * statistics.mean(gaps)


def test_the_boost_ends_when_the_alert_clears_and_the_operator_lets_go() -> None:
    clock = FakeClock()
    sched = scheduler(6, clock, cpu_share=0.2, min_interval_s=0.0)
    sched.set_alert("cam001", True)
    sched.set_boost("cam001", True)
    sched.set_alert("cam001", False)
    assert sched.weight("cam001") == 4.0  # the operator still looks at it
    sched.set_boost("cam001", False)
    assert sched.weight("cam001") == 1.0
    counts = simulate(sched, clock, 60.0, cost=lambda _: 0.04).count()
    assert max(counts.values()) - min(counts.values()) <= 1


# --- motion gating --------------------------------------------------------------------------------------
def test_a_recheck_goes_before_every_other_camera_once() -> None:
    """The escalation ladder's recheck after a voice prompt: the camera is checked next, then it
    is back in the fair rotation (not checked first again and again)."""
    clock = FakeClock()
    sched = scheduler(50, clock, cpu_share=0.3, min_interval_s=0.0)
    sched.check_soon("cam037")
    sched.check_soon("cam037")  # asked twice: still one recheck
    run = simulate(sched, clock, 20.0)
    assert run.checks[0][1] == "cam037"
    assert run.times("cam037")[1] - run.times("cam037")[0] > 5.0  # then it waits its turn
    other = FakeClock()
    plain = simulate(scheduler(50, other, cpu_share=0.3, min_interval_s=0.0), other, 20.0)
    assert plain.checks[0][1] != "cam037"  # without the request it was not first


def test_still_cameras_are_checked_less_often_but_never_beyond_revisit() -> None:
    clock = FakeClock()
    sched = scheduler(20, clock, cpu_share=0.2, min_interval_s=0.0, still_weight=0.25, revisit_s=10.0)
    still = {f"cam{i:03d}" for i in range(10)}
    start = clock.t
    run = simulate(sched, clock, 120.0, cost=lambda _: 0.02, moving=lambda cid: cid not in still)
    counts = run.count()
    busy = statistics.mean(counts[c] for c in counts if c not in still)
    calm = statistics.mean(counts[c] for c in still)
    assert calm < busy / 2.5  # less often …
    for cid in still:
        assert run.max_gap(cid, start + 15.0, clock.t) <= 10.0  # … but within revisit_s


def test_a_still_camera_that_moves_again_gets_its_full_weight_back() -> None:
    clock = FakeClock()
    sched = scheduler(3, clock, still_after=2)
    tickets = {}
    for _ in range(2):
        for _ in range(3):
            t = sched.next_check()
            assert t is not None
            tickets[t.camera_id] = t
        for cid, t in tickets.items():
            sched.checked(t, 0.01, moving=cid != "cam000")
        clock.advance(1.0)
    assert sched.weight("cam000") == sched.config.still_weight
    while (t := sched.next_check()) is not None and t.camera_id != "cam000":
        sched.checked(t, 0.01)
        clock.advance(0.5)
    assert t is not None
    sched.checked(t, 0.01, moving=True)
    assert sched.weight("cam000") == 1.0


# --- pauses and warm-up ---------------------------------------------------------------------------------
def test_a_moving_camera_is_never_checked_and_says_why() -> None:
    clock = FakeClock()
    sched = scheduler(5, clock, cpu_share=0.5)
    sched.set_place("cam002", "1", None)
    run = simulate(sched, clock, 30.0)
    assert "cam002" not in run.count() and len(run.count()) == 4
    assert sched.reason("cam002") == Pause(PauseReason.MOVING)
    revisit = {r.camera_id: r for r in sched.revisits()}["cam002"]
    assert revisit.pause == Pause(PauseReason.MOVING) and revisit.interval_s is None


def test_a_check_planned_before_the_camera_moved_is_void() -> None:
    clock = FakeClock()
    sched = scheduler(1, clock)
    ticket = sched.next_check()
    assert ticket is not None and sched.valid(ticket)
    sched.set_place("cam000", "2", None)
    assert not sched.valid(ticket)
    assert not sched.checked(ticket, 0.02)  # counts nothing for the camera …
    assert sched.checks("cam000") == 0
    assert sched.mean_cost_s < sched.config.initial_cost_s  # … but the CPU was spent


def test_warm_up_after_arrival_then_checks_resume() -> None:
    clock = FakeClock()
    sched = scheduler(3, clock, warmup_s=8.0, cpu_share=0.5)
    sched.set_place("cam001", "1", None)  # moving
    simulate(sched, clock, 5.0)
    arrived = clock.t
    sched.set_place("cam001", "1", arrived)
    clock.advance(3.0)
    assert sched.reason("cam001") == Pause(PauseReason.WARMING_UP, seconds_left=5)
    run = simulate(sched, clock, 20.0)
    first = run.times("cam001")[0]
    assert arrived + 8.0 <= first <= arrived + 8.0 + 1.0
    assert sched.reason("cam001") is None


def test_a_new_settle_at_another_preset_restarts_the_warm_up() -> None:
    clock = FakeClock()
    sched = scheduler(1, clock, warmup_s=5.0)
    sched.set_place("cam000", "1", clock.t - 100)
    assert sched.eligible("cam000")
    sched.set_place("cam000", "2", clock.t)
    assert not sched.eligible("cam000")
    clock.advance(5.0)
    assert sched.eligible("cam000")


@pytest.mark.parametrize(
    "setup, reason",
    [
        (lambda s: s.set_watched("cam000", False), Pause(PauseReason.NO_ZONES)),
        (
            lambda s: (s.set_place("cam000", "3", 0.0), s.set_watched("cam000", False)),
            Pause(PauseReason.NO_ZONES, preset="3"),
        ),
        (lambda s: s.set_picture("cam000", False), Pause(PauseReason.NO_PICTURE)),
        (
            lambda s: s.add("cam000", enabled=False, off_reason=PauseReason.DETECTOR_NOT_LOADED),
            Pause(PauseReason.DETECTOR_NOT_LOADED),
        ),
        (lambda s: s.add("cam000", enabled=False), Pause(PauseReason.CAMERA_DETECTION_OFF)),
    ],
)
def test_every_reason_not_to_check_a_camera_is_reported(setup, reason: Pause) -> None:
    clock = FakeClock()
    sched = scheduler(1, clock)
    setup(sched)
    assert sched.reason("cam000") == reason and sched.next_check() is None
    (revisit,) = sched.revisits()
    assert revisit.pause == reason
    assert revisit.watched is (reason.reason is PauseReason.NO_PICTURE)  # only that one is watched


def test_a_camera_whose_sample_did_not_come_is_tried_again_later() -> None:
    clock = FakeClock()
    sched = scheduler(1, clock, min_interval_s=0.5)
    ticket = sched.next_check()
    assert ticket is not None
    clock.advance(5.0)
    sched.failed(ticket)
    assert sched.in_flight == 0 and sched.next_check() is None  # not at once …
    clock.advance(1.0)
    assert sched.next_check() is not None  # … but soon


# --- bounded revisit -------------------------------------------------------------------------------------
def test_hundred_cameras_are_each_checked_within_revisit_when_the_cost_is_known() -> None:
    clock = FakeClock()
    sched = scheduler(100, clock, cpu_share=0.5, revisit_s=10.0, initial_cost_s=0.05)
    still = {f"cam{i:03d}" for i in range(0, 100, 3)}
    sched.set_alert("cam050", True)
    start = clock.t
    run = simulate(
        sched, clock, 90.0, cost=lambda cid: 0.035, latency=0.5, moving=lambda cid: cid not in still
    )
    gaps = {cid: run.max_gap(cid, start + 12.0, clock.t) for cid in sched.cameras()}
    assert max(gaps.values()) <= 10.0, sorted(gaps.items(), key=lambda kv: -kv[1])[:5]
    assert run.cpu_s / 90.0 <= 0.5 + 0.02  # within the CPU share
    stats = {r.camera_id: r for r in sched.revisits()}
    assert all(r.interval_s is not None and r.interval_s <= 10.0 for r in stats.values())
    assert stats["cam050"].interval_s is not None and stats["cam001"].interval_s is not None
    assert stats["cam050"].interval_s < stats["cam001"].interval_s
    assert sched.shortfall() is None


def test_a_budget_too_small_for_all_cameras_is_said_and_shown() -> None:
    clock = FakeClock()
    sched = scheduler(100, clock, cpu_share=0.5, revisit_s=10.0)
    run = simulate(sched, clock, 60.0, cost=lambda _: 0.1, latency=0.2)  # room for 5 checks/s, 10 needed
    note = sched.shortfall()
    assert note is not None and "100 cameras every 10 s need 10.0 checks/s" in note and "allows 5.0" in note
    intervals = [r.interval_s for r in sched.revisits() if r.interval_s is not None]
    assert len(intervals) == 100 and statistics.median(intervals) > 15.0  # the UI shows the truth
    assert len(run.count()) == 100  # still everyone, in turn


def test_the_effective_interval_shows_an_overdue_camera_as_overdue() -> None:
    clock = FakeClock()
    sched = scheduler(1, clock, min_interval_s=0.0, revisit_s=10.0)
    for _ in range(4):
        ticket = sched.next_check()
        assert ticket is not None
        sched.checked(ticket, 0.01)
        clock.advance(2.0)
    assert sched.interval("cam000") == pytest.approx(2.0)
    clock.advance(20.0)
    assert sched.interval("cam000") == pytest.approx(22.0)


def test_samples_per_second_over_the_last_window() -> None:
    clock = FakeClock()
    sched = scheduler(20, clock, cpu_share=0.5, min_interval_s=0.0)
    simulate(sched, clock, 30.0, cost=lambda _: 0.05)
    assert sched.samples_per_s() == pytest.approx(10.0, rel=0.1)


def test_configuration_is_checked() -> None:
    for bad in (
        {"revisit_s": 0},
        {"cpu_share": 0},
        {"still_weight": 0},
        {"boost_weight": 0.5},
        {"max_in_flight": 0},
    ):
        with pytest.raises(ValueError):
            SchedulerConfig(**bad)
    assert math.isinf(ALWAYS_SETTLED)


def test_removed_cameras_are_forgotten() -> None:
    clock = FakeClock()
    sched = scheduler(3, clock)
    sched.remove("cam001")
    assert sched.cameras() == ["cam000", "cam002"]
    run = simulate(sched, clock, 5.0)
    assert set(run.count()) == {"cam000", "cam002"}


def test_intervals_restart_after_a_pause() -> None:
    clock = FakeClock()
    sched = scheduler(1, clock, warmup_s=1.0, min_interval_s=0.0)
    ticket = sched.next_check()
    assert ticket is not None
    sched.checked(ticket, 0.01)
    sched.set_place("cam000", "1", None)
    clock.advance(300.0)  # away for five minutes: not a revisit interval of five minutes
    sched.set_place("cam000", "1", clock.t)
    clock.advance(1.0)
    for _ in range(3):
        ticket = sched.next_check()
        assert ticket is not None
        sched.checked(ticket, 0.01)
        clock.advance(2.0)
    assert sched.interval("cam000") == pytest.approx(2.0)


# --- where PTZ cameras point, fed from the PTZ hub ---------------------------------------------------
class PlaceRecorder:
    def __init__(self) -> None:
        self.places: list[tuple[str, str | None, float | None]] = []

    def set_place(self, camera_id: str, preset: str | None, settled_since: float | None) -> None:
        self.places.append((camera_id, preset, settled_since))

    def last(self, camera_id: str) -> tuple[str | None, float | None]:
        return next((p, s) for c, p, s in reversed(self.places) if c == camera_id)


@pytest.mark.parametrize("drawn_by", ["token", "name"])
def test_ptz_places_feed_detection_and_fixed_cameras_are_always_settled(drawn_by: str) -> None:
    from app.core.ptz_control import Requester
    from app.services.detection.places import PtzPlaceFeed
    from app.services.ptz_hub import PtzHub
    from camera_config.models import Camera, CameraDetection, RtspSource, SiteConfig, SiteInfo, ZoneSpec
    from tests.ptz_fakes import FakeClock as PtzClock
    from tests.ptz_fakes import FakePtz, advance, make_camera

    preset = "2" if drawn_by == "token" else "人行道"  # preset 2 is called 人行道 on the fake head
    zone = ZoneSpec(id="kerb", preset=preset, polygon=((0.1, 0.5), (0.9, 0.5), (0.9, 0.9)))
    dome = make_camera().model_copy(update={"detection": CameraDetection(zones=(zone,))})
    fixed = Camera(id="cam002", name="fixed", source=RtspSource(main="rtsp://127.0.0.1:9/fixed"))
    site = SiteConfig(site=SiteInfo(name="t"), cameras=(dome, fixed))
    clock = PtzClock()
    hub = PtzHub(site, port=FakePtz(clock, move_s=2.0), clock=clock)
    recorder = PlaceRecorder()
    feed = PtzPlaceFeed(recorder, site, hub)
    hub.start()
    feed.start()
    advance(clock, hub.scheduler, 3.0)
    assert recorder.last("cam002") == (None, ALWAYS_SETTLED)
    controller = hub.controller("cam001")
    assert controller is not None
    controller.goto_preset(Requester("operator:test", "test"), "2")
    advance(clock, hub.scheduler, 0.5)
    assert recorder.last("cam001") == (None, None)  # on its way: detection pauses
    advance(clock, hub.scheduler, 5.0)
    settled_preset, since = recorder.last("cam001")
    assert settled_preset == preset and since is not None and since <= clock.t
    feed.stop()
    count = len(recorder.places)
    controller.goto_preset(Requester("operator:test", "test"), "1")
    advance(clock, hub.scheduler, 5.0)
    assert len(recorder.places) == count  # unsubscribed
    hub.stop()
