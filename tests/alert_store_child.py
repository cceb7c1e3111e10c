"""A child process for the durability test: appends a burst of alerts through the writer and
reports each id once its write has returned (so the parent knows what was promised on disk).

The test starts it from a forkserver that imported this module (and so the store) once: a fresh
interpreter importing the app for each of its 50 kills cost most of the test's time. By hand:

    python -m tests.alert_store_child DATA_DIR COUNT RUN
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from app.adapters.storage.repository import open_repository
from app.adapters.storage.writer import AlertWriter
from app.core.alerts import AlertBook
from tests.alert_samples import sample_alert


def main(data: Path, count: int, run: int, say: Callable[[str], object]) -> None:
    writer = AlertWriter(open_repository(None, data))
    say("ready")
    book = AlertBook()
    pending = []
    for n in range(count):
        alert = sample_alert(run * 1000 + n)
        change = book.raise_alert(alert)
        pending.append(writer.submit(change.after, change.draft))
        if n % 3 == 2:  # handled too: more than one event per alert
            ack = book.acknowledge(alert.id, "wang", alert.raised_at + 1)
            pending.append(writer.submit(ack.after, ack.draft))
    for future in pending:
        event = future.result()
        say(f"{event.subject.removeprefix('alert:')} {event.seq}")
    writer.close()


def main_over_pipe(data: Path, count: int, run: int, out: Connection) -> None:
    """The forkserver's entry: each line one message (a pipe write under PIPE_BUF: a kill never
    cuts one in half)."""
    main(data, count, run, out.send)


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), lambda line: print(line, flush=True))
