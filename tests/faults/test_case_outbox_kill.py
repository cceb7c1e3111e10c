"""kill -9 in the middle of a delivery to the city platform: nothing lost, nothing accepted twice.

The pump runs in a child process over the app's case store (the case_outbox table in the site's
SQLite database, each item written with its case version in one transaction). The test server
accepts a request and then holds its answer; the child is killed while it waits, so the platform
has the case and the outbox still says pending. After a restart the item goes again with the same
Idempotency-Key, the platform answers 409, and the outbox counts it delivered. Three kills, then a
run that drains the outbox.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.adapters.storage.cases import open_case_repository
from app.core.audit import AuditDraft
from app.core.case_export import outbox_item
from app.core.case_ports import DeliveryState
from app.core.cases import case_to_record
from tests.case_fakes import case_versions
from tests.platform_server import PlatformServer
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Asia/Shanghai")


def start_child(outbox: Path, server: PlatformServer, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CITYWALL_PLATFORM_TOKEN": server.state.token}
    with log.open("ab") as err:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.case_outbox_child", str(outbox), server.url],
            stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, env=env,
        )  # fmt: skip


@pytest.mark.slow
@pytest.mark.peer
def test_kill_9_while_the_platform_holds_a_request_loses_nothing_and_sends_nothing_twice(tmp_path):
    server = PlatformServer()
    store = open_case_repository(None, tmp_path)
    keys = []
    for n in range(1, 7):
        for case in case_versions(n):
            item = outbox_item(case, case.updated_at or 0.0, zone=ZONE)
            draft = AuditDraft(
                f"case:{case.id}", "test", "wang", case.updated_at or 0.0, case_to_record(case)
            )
            expected = None if case.version == 1 else case.version - 1
            store.append(case, draft, expected_version=expected, outbox=item)
            keys.append(item.key)
    log = tmp_path / "child.log"
    try:
        for ok_before in (0, 3, 5):  # kill on the 1st request, then after some deliveries
            server.state.holding.clear()
            server.state.plan.extend(["ok"] * ok_before + ["hold"])
            child = start_child(tmp_path, server, log)
            try:
                wait_until(server.state.holding.is_set, 60, "the platform to hold a request")
            finally:
                child.kill()  # SIGKILL: no cleanup, no last write
                child.wait(30)
            key = server.state.held[-1]
            entry = next(e for e in store.entries() if e.item.key == key)
            assert entry.state is DeliveryState.PENDING  # accepted there, not recorded here: sent again
            release, server.state.release = server.state.release, threading.Event()
            release.set()  # let the held handler go (its client is dead)
        child = start_child(tmp_path, server, log)
        try:
            wait_until(lambda: store.counts()[DeliveryState.PENDING] == 0, 60, "the outbox to drain")
        finally:
            child.kill()
            child.wait(30)
    finally:
        server.close()
        store.close()
    accepted = server.state.accepted
    assert len(accepted) == len(set(accepted)), "a key was accepted twice"
    assert sorted(accepted) == sorted(keys), "a case is missing"
    assert store.counts()[DeliveryState.DELIVERED] == len(keys)
    assert len(server.state.held) == 3
    for key in server.state.held:  # accepted (held), killed, re-sent: answered "duplicate"
        answers = server.state.requests_for(key)
        assert answers[0] == 201 and set(answers[1:]) == {409}, answers
    for n in range(1, 7):
        mine = [int(k.split(":")[1]) for k in accepted if k.startswith(f"C-{n}:")]
        assert mine == [1, 2, 3]
    text = log.read_text("utf-8")
    assert "delivered" in text  # the children did log
    assert server.state.token not in text
