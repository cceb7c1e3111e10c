"""The document the city platform receives (docs/case-export.schema.json) and the retry policy."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from app.core.case_export import (
    SCHEMA_ID,
    CategoryNames,
    RetryPolicy,
    export_payload,
    next_attempt,
    outbox_item,
)
from app.core.cases import (
    CaseState,
    EvidenceStage,
    cancel,
    close,
    feedback,
    return_for_rework,
    verify,
)
from tests.case_fakes import LEADER, OPERATOR, T0, case_versions, evidence

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "case-export.schema.json").read_text("utf-8"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
NAMES = CategoryNames("event", "05", "街面秩序", "无照经营游商", "Street order", "Unlicensed street vending")


def validate(payload: dict[str, object]) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(payload)


def closed_case():
    sent = case_versions(1)[-1]
    after_photo = (evidence(b"after 1", stage=EvidenceStage.FEEDBACK),)
    handled = feedback(sent, OPERATOR, T0 + 3600, "已劝离", after_photo).after
    returned = return_for_rework(handled, OPERATOR, T0 + 3700, "照片角度不同").after
    handled = feedback(returned, OPERATOR, T0 + 5000, "已清理").after
    check_photo = (evidence(b"check", stage=EvidenceStage.VERIFICATION),)
    checked = verify(handled, OPERATOR, T0 + 6000, check_photo).after
    return close(checked, LEADER, T0 + 6100).after


def test_the_schema_itself_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$id"] == SCHEMA_ID


@pytest.mark.parametrize("stage", ["reported", "filed", "dispatched", "closed", "cancelled"])
def test_payloads_of_every_stage_match_the_schema(stage):
    reported, filed, sent = case_versions(7)
    case = {
        "reported": reported,
        "filed": filed,
        "dispatched": sent,
        "closed": closed_case(),
        "cancelled": cancel(filed, LEADER, T0 + 100, "重复上报").after,
    }[stage]
    validate(export_payload(case, zone=SHANGHAI, category=NAMES))
    validate(export_payload(case, zone=UTC))  # no catalogue names: nulls, still valid


def test_the_schema_refuses_what_a_receiver_could_not_use():
    payload = export_payload(case_versions(1)[-1], zone=SHANGHAI)
    for broken in (
        {**payload, "case_version": "3"},
        {**payload, "state": "lost"},
        {**payload, "extra": 1},
        {**payload, "evidence": [{**payload["evidence"][0], "sha256": "abc"}]},
        {**payload, "times": {**payload["times"], "created": {"iso": "2024-05-06 20:53", "epoch": T0}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validate(broken)


def test_a_dispatched_case_says_what_a_platform_needs():
    payload = export_payload(case_versions(3)[-1], zone=SHANGHAI, category=NAMES)
    assert payload["idempotency_key"] == "C-3:3"
    assert (payload["case_id"], payload["case_version"], payload["source"]) == ("C-3", 3, "video")
    assert payload["category"] == {
        "code": "0501", "kind": "event", "class_code": "05", "class_name": "街面秩序", "name": "无照经营游商",
        "class_name_en": "Street order", "name_en": "Unlicensed street vending",
    }  # fmt: skip
    assert payload["location"]["grid_code"] == "330105001002003"
    assert (payload["location"]["lon"], payload["location"]["lat"]) == (120.16, 30.27)
    assert payload["location"]["address"] == "延安路 100 号"
    assert payload["state"] == "dispatched"
    assert payload["department"]["id"] == "城管执法一中队"
    assert payload["deadline"]["due"] == {"iso": "2024-05-07T00:53:20.000+08:00", "epoch": T0 + 4 * 3600}
    assert payload["deadline"]["time_limit"] == {"amount": 4, "unit": "work_hours"}
    assert payload["times"]["created"] == {"iso": "2024-05-06T20:53:20.000+08:00", "epoch": T0}
    assert payload["times"]["dispatched"]["iso"] == "2024-05-06T20:55:20.000+08:00"
    assert payload["times"]["closed"] is None
    assert payload["occurrences"] == {"count": 1, "last_seen": None, "alert_ids": ["A-3"]}
    still, clip = payload["evidence"]
    assert (still["kind"], still["stage"], still["media_type"]) == ("still", "report", "image/jpeg")
    assert (clip["kind"], clip["media_type"], clip["size"]) == ("clip", "video/mp4", len(b"clip 3"))
    assert len(still["sha256"]) == 64 and still["captured_at"]["epoch"] == T0


def test_a_closed_case_counts_its_rework_and_lists_before_and_after_pictures():
    payload = export_payload(closed_case(), zone=SHANGHAI)
    assert payload["state"] == "closed"
    assert payload["rework_count"] == 1
    assert payload["feedback_note"] == "已清理"
    assert [e["stage"] for e in payload["evidence"]] == ["report", "report", "feedback", "verification"]
    assert payload["people"]["closed_by"] == "li"
    assert payload["category"]["class_code"] == "05"  # from the code when no catalogue said


def test_times_carry_the_sites_offset_and_the_same_instant():
    case = case_versions(1)[0]
    utc = export_payload(case, zone=UTC)["times"]["created"]
    local = export_payload(case, zone=SHANGHAI)["times"]["created"]
    assert utc["iso"].endswith("+00:00") and local["iso"].endswith("+08:00")
    assert utc["epoch"] == local["epoch"] == T0


def test_the_outbox_item_is_keyed_by_case_and_version_and_its_payload_is_canonical():
    versions = case_versions(5)
    items = [outbox_item(c, T0 + 500, zone=SHANGHAI, category=NAMES) for c in versions]
    assert [i.key for i in items] == ["C-5:1", "C-5:2", "C-5:3"]
    assert (items[0].case_id, items[0].version, items[0].created_at) == ("C-5", 1, T0 + 500)
    body = json.loads(items[2].payload)
    assert body == export_payload(versions[2], zone=SHANGHAI, category=NAMES)
    assert "无照经营游商" in items[2].payload  # UTF-8 kept, not \\u escapes
    again = outbox_item(versions[2], T0 + 999, zone=SHANGHAI, category=NAMES)
    assert again.payload == items[2].payload  # one key, one body: a re-send is a true duplicate


def test_a_changed_case_is_a_new_key_and_a_new_body():
    sent = case_versions(2)[-1]
    later = replace(sent, version=sent.version + 1, state=CaseState.IN_PROGRESS)
    a, b = (outbox_item(c, T0, zone=SHANGHAI) for c in (sent, later))
    assert a.key != b.key and a.payload != b.payload


def test_retries_back_off_5_10_20_seconds_up_to_ten_minutes():
    assert [next_attempt(n, 1000.0) - 1000.0 for n in range(1, 10)] == [5, 10, 20, 40, 80, 160, 320, 600, 600]
    assert next_attempt(500, 0.0) == 600.0  # no overflow after days of failures
    fast = RetryPolicy(first_s=0.1, cap_s=0.4)
    assert [fast.delay(n) for n in (0, 1, 2, 3, 4)] == [0.0, 0.1, 0.2, 0.4, 0.4]


def test_the_guide_explains_every_field_of_the_schema():
    guide = (Path(__file__).parents[2] / "docs" / "case-export.md").read_text("utf-8")
    missing = [name for name in SCHEMA["properties"] if f"`{name}`" not in guide]
    assert missing == []
    payload = export_payload(case_versions(1)[-1], zone=SHANGHAI)
    assert sorted(payload) == sorted(SCHEMA["properties"])  # the code and the schema agree
