"""The outbox of deliveries to the city platform, on SQLite and on PostgreSQL.

An item is queued with the case change it reports, in one transaction: a change that is refused
or fails queues nothing, and an item that cannot be queued keeps its change out too. Due items
come oldest first, a case's versions in order; a failed try waits for its next attempt; delivered
and rejected items leave the queue but stay visible; everything survives a restart.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.adapters.storage.cases import SqlCaseRepository
from app.core import cases as core
from app.core.alert_ports import StoreUnavailable
from app.core.case_ports import CaseConflict, DeliveryState, OutboxEntry, OutboxItem
from app.core.cases import Case, CaseChange, Edit
from app.core.time_limits import TimeLimit
from tests.case_samples import LEADER, OPERATOR, T0, outbox_item, reported, sample_case
from tests.contract.conftest import Store


def queued(repo: SqlCaseRepository, change: CaseChange) -> Case:
    expected = None if change.before is None else change.before.version
    repo.append(change.after, change.draft, expected_version=expected, outbox=outbox_item(change))
    return change.after


def keys(entries: Sequence[OutboxEntry]) -> list[str]:
    return [e.item.key for e in entries]


def test_due_items_come_oldest_first_and_a_case_in_version_order(outbox_cases: SqlCaseRepository) -> None:
    repo = outbox_cases
    a1 = queued(repo, reported(sample_case(1), T0 + 10))
    queued(repo, reported(sample_case(2), T0 + 5))
    queued(repo, reported(sample_case(3), T0 + 20))
    assert keys(repo.due(T0 + 30)) == ["CW-000002:1", "CW-000001:1", "CW-000003:1"]
    assert keys(repo.due(T0 + 30, limit=2)) == ["CW-000002:1", "CW-000001:1"]
    assert keys(repo.due(T0 + 12)) == ["CW-000002:1", "CW-000001:1"]  # not yet: written later
    entry = repo.due(T0 + 30)[1]
    assert (entry.state, entry.attempts, entry.next_attempt_at, entry.last_error) == (
        DeliveryState.PENDING, 0, T0 + 10, "",
    )  # fmt: skip
    assert entry.item == OutboxItem("CW-000001:1", "CW-000001", 1, '{"id":"CW-000001","v":1}', T0 + 10)

    a2 = queued(repo, core.edit(a1, OPERATOR, T0 + 40, Edit(address="南门")))
    repo.mark_failed("CW-000001:1", T0 + 41, "HTTP 503 Service Unavailable", next_attempt_at=T0 + 100)
    # version 2 waits behind version 1's retry: the platform never gets them out of order
    assert "CW-000001:2" not in keys(repo.due(T0 + 50))
    assert keys(repo.due(T0 + 100)) == ["CW-000002:1", "CW-000001:1", "CW-000003:1"]  # not 2 yet
    repo.mark_delivered("CW-000001:1", T0 + 101, "receipt-1")
    assert "CW-000001:2" in keys(repo.due(T0 + 101))
    assert a2.version == 2


def test_a_try_is_marked_failed_delivered_or_rejected(outbox_cases: SqlCaseRepository) -> None:
    repo = outbox_cases
    queued(repo, reported(sample_case(1), T0))
    repo.mark_failed("CW-000001:1", T0 + 1, "connection refused", next_attempt_at=T0 + 31)
    repo.mark_failed("CW-000001:1", T0 + 31, "timed out after 10 s", next_attempt_at=T0 + 91)
    entry = repo.latest_for("CW-000001")
    assert entry is not None
    assert (entry.state, entry.attempts, entry.next_attempt_at, entry.last_error) == (
        DeliveryState.PENDING, 2, T0 + 91, "timed out after 10 s",
    )  # fmt: skip
    assert repo.due(T0 + 90) == [] and keys(repo.due(T0 + 91)) == ["CW-000001:1"]
    repo.mark_delivered("CW-000001:1", T0 + 92, "platform id 77")
    done = repo.latest_for("CW-000001")
    assert done is not None and (done.state, done.attempts, done.delivered_at) == (
        DeliveryState.DELIVERED, 3, T0 + 92,
    )  # fmt: skip
    repo.mark_delivered("CW-000001:1", T0 + 93)  # a second worker's answer changes nothing
    repo.mark_failed("CW-000001:1", T0 + 94, "late failure", next_attempt_at=T0 + 95)
    assert repo.latest_for("CW-000001") == done
    assert repo.due(T0 + 1000) == []

    queued(repo, reported(sample_case(2), T0 + 2))
    repo.mark_rejected("CW-000002:1", T0 + 3, "HTTP 422: category_code 0501 unknown")
    rejected = repo.latest_for("CW-000002")
    assert rejected is not None and (rejected.state, rejected.last_error) == (
        DeliveryState.REJECTED, "HTTP 422: category_code 0501 unknown",
    )  # fmt: skip
    assert repo.due(T0 + 1000) == []
    with pytest.raises(KeyError):
        repo.mark_failed("CW-404:1", T0, "x", next_attempt_at=T0)
    with pytest.raises(KeyError):
        repo.mark_delivered("CW-404:1", T0)


def test_latest_counts_and_entries(outbox_cases: SqlCaseRepository) -> None:
    repo = outbox_cases
    assert repo.counts() == {DeliveryState.PENDING: 0, DeliveryState.DELIVERED: 0, DeliveryState.REJECTED: 0}
    assert repo.latest_for("CW-000001") is None and repo.entries() == []
    a = queued(repo, reported(sample_case(1), T0))
    a = queued(repo, core.file(a, OPERATOR, T0 + 10, time_limit=_limit()))
    queued(repo, reported(sample_case(2), T0 + 20))
    queued(repo, reported(sample_case(3), T0 + 30))
    repo.mark_delivered("CW-000001:1", T0 + 40)
    repo.mark_rejected("CW-000003:1", T0 + 41, "HTTP 400")
    latest = repo.latest_for("CW-000001")
    assert latest is not None and (latest.item.key, latest.state) == ("CW-000001:2", DeliveryState.PENDING)
    assert repo.counts() == {DeliveryState.PENDING: 2, DeliveryState.DELIVERED: 1, DeliveryState.REJECTED: 1}
    newest_first = ["CW-000003:1", "CW-000002:1", "CW-000001:2", "CW-000001:1"]
    assert keys(repo.entries()) == newest_first
    assert keys(repo.entries([DeliveryState.PENDING])) == ["CW-000002:1", "CW-000001:2"]
    assert keys(repo.entries([DeliveryState.DELIVERED, DeliveryState.REJECTED], limit=1)) == ["CW-000003:1"]


def test_an_item_is_queued_only_with_its_change(outbox_cases: SqlCaseRepository) -> None:
    repo = outbox_cases
    case = queued(repo, reported(sample_case(1), T0))
    stale = core.edit(case, LEADER, T0 + 5, Edit(address="x"))
    with pytest.raises(CaseConflict):  # written on version 0: refused, and its item with it
        repo.append(stale.after, stale.draft, expected_version=0, outbox=outbox_item(stale))
    assert keys(repo.entries()) == ["CW-000001:1"]
    edit = core.edit(case, LEADER, T0 + 6, Edit(address="y"))
    reused = OutboxItem("CW-000001:1", "CW-000001", 2, "{}", T0 + 6)  # its key is taken: the item fails
    with pytest.raises(StoreUnavailable):
        repo.append(edit.after, edit.draft, expected_version=1, outbox=reused)
    assert repo.get("CW-000001") == case  # … and the change with it
    assert [e.action for e in repo.events("CW-000001")] == ["report"]
    with pytest.raises(ValueError, match="CW-000002"):
        other = OutboxItem("k", "CW-000002", 2, "{}", T0)
        repo.append(edit.after, edit.draft, expected_version=1, outbox=other)


def test_the_queue_survives_a_restart(store: Store) -> None:
    repo = store.open_cases()
    queued(repo, reported(sample_case(1), T0))
    queued(repo, reported(sample_case(2), T0 + 1))
    repo.mark_failed("CW-000001:1", T0 + 2, "HTTP 500", next_attempt_at=T0 + 60)
    before = repo.entries()
    repo.close()
    again = store.open_cases()
    assert again.entries() == before
    assert keys(again.due(T0 + 60)) == ["CW-000001:1", "CW-000002:1"]


@pytest.fixture
def outbox_cases(store: Store) -> SqlCaseRepository:
    return store.open_cases()


def _limit() -> TimeLimit:
    from tests.case_samples import LIMIT

    return LIMIT
