"""A child process for the durability test: appends a burst of alerts through the writer and
prints each id once its write has returned (so the parent knows what was promised on disk).

    python -m tests.alert_store_child DATA_DIR COUNT RUN
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.adapters.storage.repository import open_repository
from app.adapters.storage.writer import AlertWriter
from app.core.alerts import AlertBook
from tests.alert_samples import sample_alert


def main(data: Path, count: int, run: int) -> None:
    writer = AlertWriter(open_repository(None, data))
    print("ready", flush=True)
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
        print(event.subject.removeprefix("alert:"), event.seq, flush=True)
    writer.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
