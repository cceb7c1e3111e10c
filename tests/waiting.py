"""Waiting on a condition in tests that run real processes and servers (no Qt event loop)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str, poll_s: float = 0.02) -> float:
    """Poll ``predicate`` until true; return the seconds it took, fail the test after ``timeout_s``."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout_s:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)
    return time.monotonic() - start
