"""Why a camera's stream failed, as a small enum the UI translates (the technical text goes to the log).

FFmpeg and the OS describe failures in English sentences of their own ("Immediate exit requested",
"Server returned 401 Unauthorized (authorization failed)"). :func:`classify_failure` turns such a
text into a :class:`StreamFailure` once, where the failure happens; every later layer (the wall,
the event list, the log) uses the enum and shows the text only as detail.
"""

from __future__ import annotations

import re
from enum import StrEnum


class StreamFailure(StrEnum):
    UNREACHABLE = "unreachable"  # no route, network down, host name unknown
    REFUSED = "refused"  # nothing listens at that address and port
    TIMED_OUT = "timed_out"  # connected (or tried to) but no answer in time
    AUTH_FAILED = "auth_failed"  # user name or password refused
    NOT_FOUND = "not_found"  # the camera answers but has no such stream (path, file)
    BAD_DATA = "bad_data"  # data arrives but no picture can be decoded from it
    NO_VIDEO = "no_video"  # the stream has no video track
    UNSUPPORTED = "unsupported"  # a codec or format this build cannot decode
    DISCONNECTED = "disconnected"  # the connection was closed or reset mid-stream
    STALLED = "stalled"  # connected, but no data for a while
    DECODER_HUNG = "decoder_hung"  # the decoder stopped returning; it was replaced
    DECODER_RESTARTING = "decoder_restarting"  # the decoder process died and is being restarted
    NO_STREAM_ADDRESS = "no_stream_address"  # the stream's address could not be found (ONVIF lookup)
    OTHER = "other"  # anything else: the detail says what


# Regular expressions, matched in order; the first match wins. A timed-out open that FFmpeg reports
# as "Invalid data" is described as "no answer …" by the pull: timeouts come before bad data.
_PATTERNS: tuple[tuple[StreamFailure, tuple[str, ...]], ...] = (
    (StreamFailure.DECODER_RESTARTING, ("decoder process", "decoder worker")),
    (StreamFailure.DECODER_HUNG, ("decoder hung", "decoder of", "stuck")),
    (
        StreamFailure.AUTH_FAILED,
        (r"\b40[13]\b", "unauthori", "forbidden", "authori", "authenticat", "login refused", "password"),
    ),
    (StreamFailure.REFUSED, ("connection refused", "econnrefused", r"errno 111\b", "wsaeconnrefused")),
    (
        StreamFailure.UNREACHABLE,
        (
            "no route to host",
            "network is unreachable",
            "host is unreachable",
            "host is down",
            "name or service not known",
            "host name not found",
            "temporary failure in name resolution",
            "nodename nor servname",
            "failed to resolve",
            "could not resolve",
            "getaddrinfo",
            "no such host",
        ),
    ),
    (
        StreamFailure.TIMED_OUT,
        ("timed out", "timeout", "immediate exit requested", "no answer", "etimedout", "did not answer"),
    ),
    (StreamFailure.STALLED, ("stalled", "no data for")),
    (StreamFailure.NO_VIDEO, ("no video", "has no video")),
    (
        StreamFailure.UNSUPPORTED,
        ("decoder not found", "not implemented", "unsupported", "patch welcome", "not supported"),
    ),
    (StreamFailure.NOT_FOUND, (r"\b404\b", "not found", "no such file", "does not exist")),
    (
        StreamFailure.BAD_DATA,
        (
            "invalid data",
            "cannot be decoded",
            "can not be decoded",
            "error while decoding",
            "corrupt",
            "no picture",
            "invalid nal",
            "decode_slice",
        ),
    ),
    (
        StreamFailure.DISCONNECTED,
        (
            "end of file",
            "ended the stream",
            "connection reset",
            "broken pipe",
            "connection aborted",
            "connection closed",
            r"\beof\b",
        ),
    ),
)
_COMPILED = tuple((failure, re.compile("|".join(needles))) for failure, needles in _PATTERNS)
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S*")  # a quoted URL's port or path must not read as "401"
_SPACES = re.compile(r"\s+")


def classify_failure(text: str | None) -> StreamFailure:
    """The reason an FFmpeg / OS / our own error text describes; OTHER when none fits."""
    if not text:
        return StreamFailure.OTHER
    lowered = _SPACES.sub(" ", _URL.sub(" ", text.casefold()))
    for failure, pattern in _COMPILED:
        if pattern.search(lowered):
            return failure
    return StreamFailure.OTHER


class StreamSetupError(RuntimeError):
    """A camera whose streams cannot be determined (reported on its tile, not fatal). Raised by the
    ONVIF adapter and by the media layer alike: it lives here so that neither imports the other."""
