"""Stream failure texts (FFmpeg's, the OS's, our own) are classified into reasons the UI translates."""

from __future__ import annotations

import pytest

from app.core.stream_failure import StreamFailure, classify_failure

F = StreamFailure


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # What PyAV raises, as seen on this machine (strerror, and str() with the URL quoted).
        ("Connection refused", F.REFUSED),
        ("[Errno 111] Connection refused: 'rtsp://127.0.0.1:9/x'", F.REFUSED),
        ("Immediate exit requested", F.TIMED_OUT),  # FFmpeg's interrupt callback: our read timeout
        ("no answer within 5 s (Invalid data found when processing input)", F.TIMED_OUT),
        ("Connection timed out", F.TIMED_OUT),
        ("Server returned 401 Unauthorized (authorization failed)", F.AUTH_FAILED),
        ("Server returned 403 Forbidden (access denied)", F.AUTH_FAILED),
        ("Server returned 404 Not Found", F.NOT_FOUND),
        ("No such file or directory", F.NOT_FOUND),
        ("Invalid data found when processing input", F.BAD_DATA),
        ("the camera sends data but no picture can be decoded from it", F.BAD_DATA),
        ("No route to host", F.UNREACHABLE),
        ("Network is unreachable", F.UNREACHABLE),
        ("host name not found: cam-17.example", F.UNREACHABLE),
        ("[Errno -2] Name or service not known", F.UNREACHABLE),
        ("Connection reset by peer", F.DISCONNECTED),
        ("End of file", F.DISCONNECTED),
        ("the server ended the stream", F.DISCONNECTED),
        ("the stream has no video", F.NO_VIDEO),
        ("Decoder not found", F.UNSUPPORTED),
        ("Function not implemented", F.UNSUPPORTED),
        ("decoder of cam7/sub stuck for 8 s", F.DECODER_HUNG),
        ("decoder process stopped unexpectedly (exit code -9)", F.DECODER_RESTARTING),
        ("no data for 2 s: stalled", F.STALLED),
        ("Input/output error", F.OTHER),
        ("", F.OTHER),
        (None, F.OTHER),
    ],
)
def test_texts_are_classified(text: str | None, expected: StreamFailure) -> None:
    assert classify_failure(text) is expected


def test_a_url_in_the_text_never_decides_the_reason() -> None:
    # Port 4010 and a path named 401 / 404 must not read as "authentication failed" / "not found".
    assert classify_failure("Connection refused: 'rtsp://10.0.0.5:4010/cam401'") is F.REFUSED
    assert classify_failure("Immediate exit requested: 'rtsp://h/404/stream'") is F.TIMED_OUT
    assert classify_failure("rtsp://h/corrupt/stalled") is F.OTHER


def test_case_and_line_breaks_do_not_matter() -> None:
    assert classify_failure("CONNECTION\n  REFUSED") is F.REFUSED
