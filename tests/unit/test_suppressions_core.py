"""What a dismissal teaches (one suppressed place per box, bins cleaned instead) and the verdict
counts with their false-alarm share: pure functions over the core's alerts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.core.alerts import AlertBook, Box, DismissReason, Rule
from app.core.case_figures import Period, alert_figures
from app.core.suppressions import (
    BadSuppression,
    SuppressionRecord,
    VerdictCounts,
    bin_clean_from_dismissal,
    of_camera,
    records_from_dismissal,
    total,
    verdict_counts,
)
from tests.alert_fakes import detected

T = 1_780_000_000.0


def dismissed(reason: DismissReason, *, rule: Rule = Rule.VENDING, alert_id: str = "a1", note: str = ""):
    book = AlertBook()
    alert = detected(alert_id, rule=rule, code="0501" if rule is Rule.VENDING else "0102", preset="2")
    alert = replace(alert, boxes=(Box(0.1, 0.2, 0.3, 0.6, "0501", 0.8), Box(0.5, 0.5, 0.7, 0.9, "0501", 0.7)))
    book.raise_alert(alert)
    return book.dismiss(alert_id, "张三", T + 60, reason, note).after


@pytest.mark.parametrize("reason", [DismissReason.FIXED_OBJECT, DismissReason.FALSE_DETECTION])
def test_a_vending_dismissal_as_fixed_object_or_false_detection_suppresses_each_box(reason) -> None:
    records = records_from_dismissal(dismissed(reason))
    assert [r.box for r in records] == [(0.1, 0.2, 0.3, 0.6), (0.5, 0.5, 0.7, 0.9)]
    first = records[0]
    assert (first.camera_id, first.preset, first.zone_id, first.event_code) == ("cam1", "2", "z1", "0501")
    assert (first.alert_id, first.reason, first.by, first.at) == ("a1", reason, "张三", T + 60)
    assert first.zone_name == "北门禁摆区"
    assert len({r.id for r in records}) == 2
    assert records_from_dismissal(dismissed(reason)) == records, "the same dismissal, the same places"


@pytest.mark.parametrize(
    "reason", [DismissReason.INSIDE_SHOP, DismissReason.PERMITTED, DismissReason.GONE, DismissReason.OTHER]
)
def test_other_dismissals_teach_nothing(reason) -> None:
    assert records_from_dismissal(dismissed(reason, note="因为")) == ()


def test_an_open_or_confirmed_alert_teaches_nothing() -> None:
    book = AlertBook()
    book.raise_alert(detected("a1"))
    assert records_from_dismissal(book.get("a1")) == ()
    assert records_from_dismissal(book.confirm("a1", "李四", T).after) == ()


def test_a_bin_dismissal_cleans_the_bin_instead_of_suppressing_it() -> None:
    alert = dismissed(DismissReason.FIXED_OBJECT, rule=Rule.BIN_OVERFLOW)
    assert records_from_dismissal(alert) == ()
    clean = bin_clean_from_dismissal(alert)
    assert clean is not None and (clean.camera_id, clean.preset, clean.bin_ids) == ("cam1", "2", ("z1",))
    assert bin_clean_from_dismissal(dismissed(DismissReason.GONE, rule=Rule.BIN_OVERFLOW)) is None
    assert bin_clean_from_dismissal(dismissed(DismissReason.FIXED_OBJECT)) is None


def test_boxes_past_the_picture_edge_are_clipped_and_empty_ones_skipped() -> None:
    book = AlertBook()
    alert = replace(detected("a1"), boxes=(Box(-0.1, 0.5, 0.2, 1.2, "0501"), Box(1.1, 0.1, 1.3, 0.3, "0501")))
    book.raise_alert(alert)
    records = records_from_dismissal(book.dismiss("a1", "张三", T, DismissReason.FALSE_DETECTION).after)
    assert [r.box for r in records] == [(0.0, 0.5, 0.2, 1.0)]


def test_a_record_goes_to_json_and_back_and_bad_ones_name_the_field() -> None:
    record = records_from_dismissal(dismissed(DismissReason.FIXED_OBJECT))[0]
    assert SuppressionRecord.from_record(record.to_record()) == record
    bad = record.to_record() | {"box": [0.5, 0.5, 0.4, 0.9]}
    with pytest.raises(BadSuppression, match="x2 > x1"):
        SuppressionRecord.from_record(bad)
    with pytest.raises(BadSuppression, match="reason"):
        SuppressionRecord.from_record(record.to_record() | {"reason": "bored"})
    without = {k: v for k, v in record.to_record().items() if k != "zone_id"}
    with pytest.raises(BadSuppression, match="zone_id"):
        SuppressionRecord.from_record(without)


def test_of_camera_keeps_one_camera_oldest_first() -> None:
    a = records_from_dismissal(dismissed(DismissReason.FIXED_OBJECT, alert_id="a1"))
    b = tuple(
        replace(r, camera_id="cam2")
        for r in records_from_dismissal(dismissed(DismissReason.FIXED_OBJECT, alert_id="a2"))
    )
    c = tuple(
        replace(r, at=T) for r in records_from_dismissal(dismissed(DismissReason.FIXED_OBJECT, alert_id="a3"))
    )
    assert [r.id for r in of_camera((*a, *b, *c), "cam1")] == ["a3-1", "a3-2", "a1-1", "a1-2"]


def test_verdict_counts_per_rule_and_camera_with_the_false_alarm_share() -> None:
    book = AlertBook()
    for n, (camera, rule) in enumerate(
        [("cam1", Rule.VENDING)] * 7 + [("cam2", Rule.VENDING)] * 2 + [("cam1", Rule.BIN_OVERFLOW)] * 2
    ):
        book.raise_alert(detected(f"a{n}", camera, zone_id=f"z{n}", rule=rule))
    book.confirm("a0", "张三", T)
    book.dismiss("a1", "张三", T, DismissReason.FALSE_DETECTION)
    book.dismiss("a2", "张三", T, DismissReason.FIXED_OBJECT)
    book.dismiss("a3", "张三", T, DismissReason.PERMITTED)  # judged, a right detection
    book.dismiss("a4", "张三", T, DismissReason.GONE)  # not judged
    book.dismiss("a5", "张三", T, DismissReason.INSIDE_SHOP)  # the rule judged the scene wrong
    # a6 still open: not judged
    book.dismiss("a7", "张三", T, DismissReason.FIXED_OBJECT)
    book.confirm("a9", "张三", T)
    counts = verdict_counts(book)
    vending1 = counts[(Rule.VENDING, "cam1")]
    assert vending1 == VerdictCounts(
        confirmed=1, false_detection=1, fixed_object=1, inside_shop=1, permitted=1, unjudged=2
    )
    assert (vending1.judged, vending1.false_alarms, vending1.raised) == (5, 3, 7)
    assert vending1.false_share == pytest.approx(3 / 5)
    assert counts[(Rule.VENDING, "cam2")].false_share == pytest.approx(1.0)
    assert counts[(Rule.BIN_OVERFLOW, "cam1")].false_share == pytest.approx(0.0)
    assert list(counts) == [(Rule.BIN_OVERFLOW, "cam1"), (Rule.VENDING, "cam1"), (Rule.VENDING, "cam2")]
    assert total(counts.values()).judged == 7
    assert VerdictCounts(unjudged=3).false_share is None


def test_the_share_is_the_figures_dashboards_for_the_same_alerts() -> None:
    book = AlertBook()
    reasons = [*DismissReason, None, None]
    for n, reason in enumerate(reasons):
        book.raise_alert(detected(f"a{n}", zone_id=f"z{n}"))
        if reason is not None:
            book.dismiss(f"a{n}", "张三", T, reason, "因为")
    book.confirm(f"a{len(reasons) - 1}", "张三", T)
    period = Period(T - 10, T + 10)
    figures = alert_figures(book, period).by_camera["cam1"]
    mine = verdict_counts(book)[(Rule.VENDING, "cam1")]
    assert (mine.judged, mine.false_alarms, mine.false_share) == (
        figures.judged,
        figures.false_alarms,
        figures.false_alarm_share,
    )
