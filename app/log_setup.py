"""The operational log: timestamped, levelled, rotating files in the data folder, and stderr.

Each process writes its own file (``citywall.log`` for the wall, ``citywall-decoder-0.log``,
``citywall-detection.log`` …) in one folder, with the same line format. One file per process
because a shared queue or file lock would let a worker killed mid-write (kill -9, a crash in a
decoder) block every other process's logging; and rotation of a file another process holds
open fails on Windows. Child processes (spawned) find the folder and level in the environment.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
import sys
import time
from pathlib import Path

LOG_DIR_ENV = "CITYWALL_LOG_DIR"
LOG_LEVEL_ENV = "CITYWALL_LOG_LEVEL"
LEVELS = ("debug", "info", "warning", "error")
DEFAULT_LEVEL = "info"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
MAIN_FILE = "citywall.log"
FORMAT = "%(asctime)s %(levelname)-7s %(processName)s %(name)s: %(message)s"

_HANDLER_TAG = "_citywall_handler"


class LocalTimeFormatter(logging.Formatter):
    """ISO-8601 local time with milliseconds and the UTC offset: 2026-12-07 14:03:21.512 +0800."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        local = time.localtime(record.created)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", local)
        return f"{stamp}.{int(record.msecs):03d} {time.strftime('%z', local)}"


def level_number(name: str) -> int:
    if name.lower() not in LEVELS:
        raise ValueError(f"log level {name!r} is not one of {', '.join(LEVELS)}")
    return int(getattr(logging, name.upper()))


def _install(handler: logging.Handler, level: int) -> None:
    handler.setLevel(level)
    handler.setFormatter(LocalTimeFormatter(FORMAT))
    setattr(handler, _HANDLER_TAG, True)
    logging.getLogger().addHandler(handler)


def _remove_ours() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_TAG, False):
            root.removeHandler(handler)
            handler.close()


def configure_logging(
    log_dir: Path | None, level: str = DEFAULT_LEVEL, *, stderr: bool = True
) -> Path | None:
    """Log to ``log_dir/citywall.log`` (rotating) and stderr; returns the file, or None when the
    folder cannot be written (then stderr only, and the reason is logged there).

    Child processes started afterwards inherit the folder and level through the environment."""
    number = level_number(level)
    _remove_ours()
    root = logging.getLogger()
    root.setLevel(number)
    if stderr:
        _install(logging.StreamHandler(sys.stderr), max(number, logging.WARNING))
    os.environ[LOG_LEVEL_ENV] = level.lower()
    path = _open_file(log_dir, MAIN_FILE, number)
    if path is not None:
        os.environ[LOG_DIR_ENV] = str(log_dir)
    else:
        os.environ.pop(LOG_DIR_ENV, None)
    _quiet_libraries()
    return path


def init_process_logging(process: str) -> None:
    """In a spawned child: stderr for warnings, and its own file beside the wall's (if any)."""
    level = os.environ.get(LOG_LEVEL_ENV, DEFAULT_LEVEL)
    try:
        number = level_number(level)
    except ValueError:
        number = logging.INFO
    _remove_ours()
    logging.getLogger().setLevel(number)
    _install(logging.StreamHandler(sys.stderr), max(number, logging.WARNING))
    folder = os.environ.get(LOG_DIR_ENV)
    if folder:
        _open_file(Path(folder), f"citywall-{_safe(process)}.log", number)
    _quiet_libraries()


def log_file() -> Path | None:
    """The wall's own log file (None before configure_logging or when it could not be opened)."""
    folder = os.environ.get(LOG_DIR_ENV)
    return Path(folder) / MAIN_FILE if folder else None


def _open_file(folder: Path | None, name: str, level: int) -> Path | None:
    if folder is None:
        return None
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=False
        )
    except OSError as exc:
        logging.getLogger(__name__).warning("no log file in %s: %s", folder, exc.strerror or exc)
        return None
    _install(handler, level)
    return path


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_.-]+", "-", name).strip("-") or "process"


def _quiet_libraries() -> None:
    # zeep and urllib3 log every SOAP envelope and connection at DEBUG/INFO: noise in an
    # operator's log, and a SOAP header can carry a WS-Security token.
    for name in ("zeep", "urllib3", "httpx", "PIL", "asyncio"):
        logging.getLogger(name).setLevel(logging.WARNING)
