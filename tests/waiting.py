"""Waiting on a condition in tests that run real processes and servers (no Qt event loop)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import av
import pytest
from av.container import InputContainer


def wait_until(predicate: Callable[[], bool], timeout_s: float, what: str, poll_s: float = 0.02) -> float:
    """Poll ``predicate`` until true; return the seconds it took, fail the test after ``timeout_s``."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout_s:
            pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(poll_s)
    return time.monotonic() - start


# A PTZ mount answers DESCRIBE only once its live pipeline (decode, crop, x264) has made a first
# picture: about 0.7 s here, longer on a loaded CI machine. FFmpeg reports a reply that misses the
# open timeout as "Invalid data found", so the open gets room and a failure quotes the server.
PTZ_OPEN_TIMEOUT_S = 20.0


@contextlib.contextmanager
def open_ptz_stream(
    url: str, server_output: Callable[[], str], read_timeout_s: float = 5.0
) -> Iterator[InputContainer]:
    """``av.open`` a PTZ mount over TCP; on failure, fail with the seconds it took and the server's log."""
    started = time.monotonic()
    options = {"rtsp_transport": "tcp", "analyzeduration": "500000"}
    try:
        container = av.open(url, options=options, timeout=(PTZ_OPEN_TIMEOUT_S, read_timeout_s))
    except av.FFmpegError as exc:
        took = time.monotonic() - started
        pytest.fail(f"cannot open {url} after {took:.1f} s: {exc}\n--- server output ---\n{server_output()}")
    with container:
        yield container
