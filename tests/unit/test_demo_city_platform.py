"""The demo's city platform takes each case version once, keeps it in received.jsonl, and still
knows what it took after a restart (a re-send is answered "duplicate", counted as delivered)."""

from __future__ import annotations

import json
from pathlib import Path

from app.adapters.city_platform import HttpCaseDelivery
from app.core.case_ports import OutboxItem
from app.demo.city_platform import DemoCityPlatform


def item(key: str) -> OutboxItem:
    case_id, version = key.split(":")
    return OutboxItem(
        key, case_id, int(version), json.dumps({"case_id": case_id, "version": int(version)}), 0.0
    )


def test_each_version_is_taken_once_even_across_a_restart(tmp_path: Path) -> None:
    platform = DemoCityPlatform(tmp_path).start()
    try:
        delivery = HttpCaseDelivery(platform.url, timeout_s=5)
        delivery.deliver(item("C1:2"))
        delivery.deliver(item("C1:3"))
        delivery.deliver(item("C1:2"))  # a re-send (the app was killed before it noted the answer)
    finally:
        platform.stop()
    again = DemoCityPlatform(tmp_path).start()
    try:
        HttpCaseDelivery(again.url, timeout_s=5).deliver(item("C1:3"))
    finally:
        again.stop()
    lines = [
        json.loads(line) for line in (tmp_path / "received.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [line["idempotency_key"] for line in lines] == ["C1:2", "C1:3"]
    assert lines[1]["case"] == {"case_id": "C1", "version": 3}
