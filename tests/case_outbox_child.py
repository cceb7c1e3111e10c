"""A child process for the kill test: the outbox pump over the app's case store (the case_outbox
table of the SQLite database in DATA_DIR), posting to a URL, until it is killed. The token comes in
the environment (CITYWALL_PLATFORM_TOKEN), as in the app.

    python -m tests.case_outbox_child DATA_DIR URL
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from app.adapters.city_platform import HttpCaseDelivery
from app.adapters.storage.cases import open_case_repository
from app.core.case_export import RetryPolicy
from app.services.case_outbox import OutboxPump


def main(data_dir: Path, url: str) -> None:
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(message)s")
    delivery = HttpCaseDelivery(url, os.environ["CITYWALL_PLATFORM_TOKEN"], timeout_s=10)
    pump = OutboxPump(
        open_case_repository(None, data_dir), delivery, retry=RetryPolicy(0.05, 0.2), interval_s=0.02
    )
    pump.start()
    print("ready", flush=True)
    threading.Event().wait()  # until killed


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2])
