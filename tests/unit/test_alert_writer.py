"""The one writer: submit never waits, writes land in submission order, a failed write fails its
future and is reported (and recovery too), the thread survives, close finishes what was submitted."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from app.adapters.storage.repository import SqlAlertRepository, open_repository
from app.adapters.storage.writer import AlertWriter, WriteDone
from app.core.alert_ports import StoreFault, StoreUnavailable
from app.core.alerts import Alert, AlertBook
from app.core.audit import AuditDraft, AuditEvent, verify_chain
from tests.alert_samples import sample_alert


class Gate:
    """A repository whose writes wait for ``release`` and fail while ``failing`` is set."""

    def __init__(self, inner: SqlAlertRepository) -> None:
        self.inner, self.release, self.failing = inner, threading.Event(), False

    def append(self, alert: Alert, draft: AuditDraft) -> AuditEvent:
        assert self.release.wait(30)
        if self.failing:
            raise StoreUnavailable(self.inner.where, StoreFault.DISK_FULL, "database or disk is full")
        return self.inner.append(alert, draft)

    def append_many(self, changes: Sequence[tuple[Alert, AuditDraft]]) -> list[AuditEvent]:
        assert self.release.wait(30)
        if self.failing:
            raise StoreUnavailable(self.inner.where, StoreFault.DISK_FULL, "database or disk is full")
        return self.inner.append_many(changes)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqlAlertRepository]:
    repository = open_repository(None, tmp_path)
    yield repository
    repository.close()


def raises(book: AlertBook, n: int) -> tuple[Alert, AuditDraft]:
    change = book.raise_alert(sample_alert(n))
    return change.after, change.draft


def test_submit_returns_at_once_while_the_database_is_busy(repo: SqlAlertRepository) -> None:
    gate, book = Gate(repo), AlertBook()
    writer = AlertWriter(gate)  # type: ignore[arg-type]
    futures = [writer.submit(*raises(book, n)) for n in range(1, 21)]
    assert not any(f.done() for f in futures)  # the database has not answered; the caller goes on
    gate.release.set()
    assert [f.result(30).seq for f in futures] == list(range(1, 21))  # in submission order
    assert verify_chain(list(repo.events())) == []
    assert len(writer.latencies_s) == 20 and all(s > 0 for s in writer.latencies_s)
    assert writer.close()


def test_a_failed_write_fails_its_future_and_is_reported_and_so_is_recovery(repo: SqlAlertRepository) -> None:
    gate, book = Gate(repo), AlertBook()
    failures: list[StoreUnavailable] = []
    recovered: list[bool] = []
    done: list[WriteDone] = []
    writer = AlertWriter(
        gate,  # type: ignore[arg-type]
        on_failure=failures.append,
        on_recovered=lambda: recovered.append(True),
        on_written=done.append,
    )
    gate.failing = True
    gate.release.set()
    failed = writer.submit(*raises(book, 1))
    with pytest.raises(StoreUnavailable) as caught:
        failed.result(30)
    assert caught.value.fault is StoreFault.DISK_FULL
    assert [f.fault for f in failures] == [StoreFault.DISK_FULL] and recovered == []
    gate.failing = False
    # The book still has the alert; its next change stores it as it is then.
    change = book.acknowledge("al-00001", "wang", 1_780_000_100.0)
    assert writer.submit(change.after, change.draft).result(30).seq == 1
    assert recovered == [True]
    assert repo.get("al-00001") == change.after
    assert [(d.alert_id, d.ok) for d in done] == [("al-00001", False), ("al-00001", True)]
    assert writer.close()


def test_an_unexpected_error_does_not_end_the_writer(repo: SqlAlertRepository) -> None:
    class Broken:
        calls = 0

        def append(self, alert: Alert, draft: AuditDraft) -> AuditEvent:
            Broken.calls += 1
            if Broken.calls == 1:
                raise ValueError("a bug")
            return repo.append(alert, draft)

        def append_many(self, changes: Sequence[tuple[Alert, AuditDraft]]) -> list[AuditEvent]:
            return [self.append(alert, draft) for alert, draft in changes]

        def close(self) -> None:
            pass

    failures: list[StoreUnavailable] = []
    writer = AlertWriter(Broken(), on_failure=failures.append)  # type: ignore[arg-type]
    book = AlertBook()
    with pytest.raises(StoreUnavailable, match="a bug"):
        writer.submit(*raises(book, 1)).result(30)
    assert writer.submit(*raises(book, 2)).result(30).seq == 1
    assert len(failures) == 1
    assert writer.close()


def test_close_finishes_what_was_submitted_then_refuses_more(repo: SqlAlertRepository) -> None:
    gate, book = Gate(repo), AlertBook()
    writer = AlertWriter(gate)  # type: ignore[arg-type]
    futures = [writer.submit(*raises(book, n)) for n in range(1, 6)]
    gate.release.set()
    assert writer.close()
    assert all(f.done() and f.exception() is None for f in futures)
    late = writer.submit(*raises(book, 6))
    assert isinstance(late.exception(0), StoreUnavailable)


def test_writes_queued_during_a_slow_one_go_in_one_transaction_in_order(repo: SqlAlertRepository) -> None:
    gate = Gate(repo)
    batches: list[int] = []
    counted, entered = gate.append_many, threading.Event()

    def append_many(changes: Sequence[tuple[Alert, AuditDraft]]) -> list[AuditEvent]:
        batches.append(len(changes))
        entered.set()
        return counted(changes)

    gate.append_many = append_many  # type: ignore[method-assign]
    writer = AlertWriter(gate)  # type: ignore[arg-type]
    book = AlertBook()
    futures = [writer.submit(*raises(book, 0))]
    assert entered.wait(10)  # the first write is under way (and waits at the gate)
    futures += [writer.submit(*raises(book, n)) for n in range(1, 20)]
    gate.release.set()
    events = [f.result(timeout=10) for f in futures]
    assert batches == [1, 19]  # the burst that queued up: one transaction, one sync to disk
    assert [e.seq for e in events] == list(range(1, 21)) and verify_chain(list(repo.events())) == []
    assert writer.close()
