"""Durability: the app killed (kill -9) in the middle of a burst of alert writes, 50 times.

Every write whose future had returned (the child printed it) is in the database afterwards, the
SQLite file passes ``PRAGMA integrity_check``, and the audit record verifies (chain, rows).
Kills land at random moments: while the store opens (first start included), mid-burst, late.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.adapters.storage.repository import open_repository
from app.adapters.storage.verify import verify_store

KILLS = 50
BURST = 12  # alerts per child (plus an acknowledgement of every third)
ROOT = Path(__file__).resolve().parents[2]


def run_and_kill(data: Path, run: int, rng: random.Random) -> list[tuple[str, int]]:
    """Start a child, kill -9 it at a random moment; what it said was written."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.alert_store_child", str(data), str(BURST), str(run)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT, env=env,
    )  # fmt: skip
    assert child.stdout is not None
    lines: list[str] = []
    wanted = rng.randint(-2, BURST + BURST // 3)  # below 1: a kill by time, maybe while it opens
    if wanted < 1:
        timer = threading.Timer(rng.uniform(0.0, 1.5), lambda: child.send_signal(signal.SIGKILL))
        timer.start()
    deadline = time.monotonic() + 60
    for line in child.stdout:
        if not line.endswith("\n"):
            break  # cut by the kill mid-line: not a promise
        lines.append(line.strip())
        if len(lines) - 1 >= wanted >= 1:  # "ready" first, then written ids
            child.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the child took too long"
    with contextlib.suppress(ProcessLookupError):
        child.send_signal(signal.SIGKILL)
    # Lines printed before the kill are still in the pipe, some already in the reader's buffer:
    # read on through it (communicate() would read the pipe underneath and lose those).
    rest = child.stdout.read()
    child.wait(timeout=30)
    if wanted < 1:
        timer.cancel()
    lines += rest.split("\n")[:-1]  # the last piece has no newline: cut by the kill, or empty
    written = [line.split() for line in lines if line and line != "ready"]
    return [(alert_id, int(seq)) for alert_id, seq in written]


def stored_events(path: Path) -> dict[int, str]:
    """seq → subject of the audit events in the file; none while no start has committed the schema
    (a first start killed during its migrations leaves an empty database: nothing was promised)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        try:
            return dict(db.execute("SELECT seq, subject FROM audit_events").fetchall())
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return {}


@pytest.mark.slow
def test_kill_9_during_a_burst_loses_no_write_that_returned(tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    promised: dict[int, str] = {}
    for run in range(KILLS):
        for alert_id, seq in run_and_kill(tmp_path, run, rng):
            promised[seq] = alert_id
        stored = stored_events(tmp_path / "alerts.sqlite3")
        lost = {seq: a for seq, a in promised.items() if stored.get(seq) != f"alert:{a}"}
        assert not lost, f"run {run} (seed {seed}): written and returned, then lost: {lost}"
    assert len(promised) > KILLS  # the kills did not all land before the first write
    with contextlib.closing(sqlite3.connect(tmp_path / "alerts.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    repository = open_repository(None, tmp_path)
    try:
        result = verify_store(repository, None)
    finally:
        repository.close()
    assert result.problems == [], f"seed {seed}"
    assert result.events >= len(promised)
