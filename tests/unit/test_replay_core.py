"""Replay core: alerts collected with their video times, labels read (and refused with file:line),
events matched to labelled intervals, false alerts per camera-hour; with a fake pipeline."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from detectors.replay import (
    Alert,
    Interval,
    LabelsError,
    Sample,
    clock,
    looped,
    parse_labels,
    read_labels,
    replay,
    score,
)
from detectors.types import Evidence, Hit, HitState


@dataclass
class Result:
    hits: list[Hit]


@dataclass
class FakePipeline:
    """Raises and clears on a script: {time: [(rule, zone, state)]}."""

    script: dict[float, list[tuple[str, str, HitState]]]
    seen: list[float] = field(default_factory=list)

    def process(self, frame: np.ndarray, t: float) -> Result:
        self.seen.append(t)
        hits = []
        for rule, zone, state in self.script.get(t, []):
            boxes = np.array([[10, 20, 30, 40, 0.9, 0]], np.float32)
            event = "0501" if rule == "vending" else "0102"
            hits.append(
                Hit(rule, event, state, "cam", None, zone, t, 0.9, Evidence(frame, boxes, zone, rule))
            )
        return Result(hits)


def samples(times: list[float], clip_s: float = 1e9) -> list[Sample]:
    frame = np.zeros((4, 4, 3), np.uint8)
    return [Sample(frame, t, t % clip_s, int(t // clip_s)) for t in times]


def test_alerts_collected_with_times_zone_box_and_clear() -> None:
    raised, cleared = HitState.RAISED, HitState.CLEARED
    pipe = FakePipeline(
        {
            20.0: [("vending", "z1", raised)],
            40.0: [("bin_overflow", "b1", raised)],
            60.0: [("vending", "z1", cleared)],
        }
    )
    heard: list[tuple[str, HitState]] = []
    firsts: list[int] = []
    run = replay(
        pipe,
        samples([0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]),
        first_check=lambda f: firsts.append(f.shape[0]),
        on_hit=lambda a, s: heard.append((a.zone_id, s)),
    )
    assert pipe.seen == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0] and firsts == [4]
    assert run.checks == 8 and run.video_s == 70.0
    vending, bin_ = run.alerts
    assert (vending.kind, vending.event, vending.zone_id, vending.raised_s, vending.cleared_s) == (
        "vending",
        "0501",
        "z1",
        20.0,
        60.0,
    )
    assert vending.box == (10.0, 20.0, 30.0, 40.0)
    assert (bin_.kind, bin_.raised_s, bin_.cleared_s) == ("bin", 40.0, None)  # still open at the end
    assert heard == [("z1", raised), ("b1", raised), ("z1", cleared)]


def test_a_clear_without_its_raise_is_not_an_alert() -> None:
    pipe = FakePipeline({5.0: [("vending", "z1", HitState.CLEARED)]})
    run = replay(pipe, samples([0.0, 5.0]), video_s=30.0)
    assert run.alerts == [] and run.video_s == 30.0


def test_labels_file_read_with_comments_header_and_mm_ss(tmp_path: Path) -> None:
    text = (
        "# a vendor, then a full bin\nkind,start_s,end_s,zone\n"
        "vending, 0:15, 1:55 ,no-vending-1\n\nbin,70,140.5\n"
    )
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    assert read_labels(path) == [
        Interval("vending", 15.0, 115.0, "no-vending-1"),
        Interval("bin", 70.0, 140.5, None),
    ]
    assert parse_labels("") == [] and parse_labels("# negative footage\n") == []


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("vending,10", "got 2 field(s)"),
        ("stall,10,20", "kind 'stall' is not one of vending, bin"),
        ("vending,ten,20", "start_s 'ten' is not a time"),
        ("vending,1:75,2:00", "start_s '1:75' is not a time"),
        ("vending,30,20", "end_s (20) must be after start_s (30)"),
        ("bin,-5,20", "must be a time of the clip"),
    ],
)
def test_bad_labels_line_named_by_file_and_line(line: str, says: str) -> None:
    with pytest.raises(LabelsError) as err:
        parse_labels(f"vending,1,2\n{line}\n", "clip.csv")
    assert str(err.value).startswith("clip.csv:2: ") and says in str(err.value)


def test_unreadable_labels_file_named(tmp_path: Path) -> None:
    with pytest.raises(LabelsError, match=r"missing\.csv: cannot read"):
        read_labels(tmp_path / "missing.csv")
    bad = tmp_path / "gbk.csv"
    bad.write_bytes("垃圾".encode("gbk"))
    with pytest.raises(LabelsError, match=r"gbk\.csv: not UTF-8"):
        read_labels(bad)


def alert(kind: str, raised: float, zone: str = "z1") -> Alert:
    return Alert(kind, kind, "0501", zone, raised, raised, 0, 0.9, None)


def test_event_precision_recall_and_false_alerts_per_hour() -> None:
    intervals = [Interval("vending", 15, 115), Interval("vending", 200, 300, "z2"), Interval("bin", 70, 140)]
    alerts = [
        alert("vending", 80),  # true: inside the first interval
        alert("vending", 90),  # a second alert of the same event: true, the event is found once
        alert("vending", 250, zone="z1"),  # the label names z2: a false alert
        alert("vending", 118),  # 3 s after the first ended, within one check: true
        alert("bin", 150),  # 10 s late with a 5 s slack: false, and the bin event is missed
    ]
    everything = score(alerts, intervals, 1800.0, slack_s=5.0)
    assert (everything.alerts, everything.true_alerts, everything.found, everything.intervals) == (5, 3, 1, 3)
    assert everything.false_alerts == 2 and everything.false_per_hour == pytest.approx(4.0)
    assert everything.precision == pytest.approx(0.6) and everything.recall == pytest.approx(1 / 3)
    vending = score(alerts, intervals, 1800.0, slack_s=5.0, kinds=["vending"])
    assert (vending.precision, vending.recall) == (pytest.approx(0.75), 0.5)


def test_negative_footage_every_alert_false_and_no_alert_no_recall() -> None:
    figures = score([alert("vending", 10)], [], 7200.0)
    assert figures.false_alerts == 1 and figures.false_per_hour == pytest.approx(0.5)
    assert math.isnan(figures.recall) and figures.precision == 0.0
    quiet = score([], [], 3600.0)
    assert quiet.false_per_hour == 0.0 and math.isnan(quiet.precision)


def test_labels_repeat_each_loop_of_the_clip() -> None:
    intervals = looped([Interval("vending", 15, 115, "z")], 180.0, 3)
    assert [(i.start_s, i.end_s) for i in intervals] == [(15, 115), (195, 295), (375, 475)]
    alerts = [alert("vending", 80, "z"), alert("vending", 260, "z")]  # found in loops 1 and 2, not 3
    assert score(alerts, intervals, 540.0).recall == pytest.approx(2 / 3)


def test_clock_reads_like_a_player() -> None:
    assert [clock(s) for s in (0, 75.9, 3599, 3725)] == ["00:00", "01:15", "59:59", "1:02:05"]
