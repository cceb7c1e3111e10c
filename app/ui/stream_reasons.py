"""What the operator is told about a camera that shows no picture: a short reason and what to check.

The reason is a :class:`StreamFailure` (decided where the failure happened); the wall shows its
short label on the tile, the tooltip adds what to check and the technical detail (FFmpeg's words).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.core.stream_failure import StreamFailure

F = StreamFailure


def failure_label(reason: StreamFailure | None) -> str:
    """A few words, short enough for a small tile (a Chinese label is four to eight characters)."""
    translate = QCoreApplication.translate
    labels = {
        F.UNREACHABLE: translate("StreamFailure", "Network unreachable"),
        F.REFUSED: translate("StreamFailure", "Connection refused"),
        F.TIMED_OUT: translate("StreamFailure", "No answer"),
        F.AUTH_FAILED: translate("StreamFailure", "Login refused"),
        F.NOT_FOUND: translate("StreamFailure", "Stream not found"),
        F.BAD_DATA: translate("StreamFailure", "Undecodable stream"),
        F.NO_VIDEO: translate("StreamFailure", "No video in stream"),
        F.UNSUPPORTED: translate("StreamFailure", "Unsupported format"),
        F.DISCONNECTED: translate("StreamFailure", "Connection lost"),
        F.STALLED: translate("StreamFailure", "No data arriving"),
        F.DECODER_HUNG: translate("StreamFailure", "Decoder hung"),
        F.DECODER_RESTARTING: translate("StreamFailure", "Decoder restarting"),
        F.NO_STREAM_ADDRESS: translate("StreamFailure", "Stream address unknown"),
        F.OTHER: translate("StreamFailure", "Stream error"),
    }
    return labels[reason or F.OTHER]


def failure_hint(reason: StreamFailure | None) -> str:
    """What to check, for the tooltip and the event list."""
    translate = QCoreApplication.translate
    hints = {
        F.UNREACHABLE: translate("StreamFailure", "Check the network and the camera's address."),
        F.REFUSED: translate("StreamFailure", "The camera is off, or its RTSP port is wrong."),
        F.TIMED_OUT: translate("StreamFailure", "The camera or the network is down or overloaded."),
        F.AUTH_FAILED: translate("StreamFailure", "Check the user name and password in the site file."),
        F.NOT_FOUND: translate("StreamFailure", "Check the stream address (path) in the site file."),
        F.BAD_DATA: translate("StreamFailure", "The camera sends a stream that cannot be decoded."),
        F.NO_VIDEO: translate("StreamFailure", "The stream carries no video: check the stream address."),
        F.UNSUPPORTED: translate("StreamFailure", "Set the camera to H.264 or H.265."),
        F.DISCONNECTED: translate("StreamFailure", "The camera closed the connection; retrying."),
        F.STALLED: translate("StreamFailure", "Connected, but no data for a while; retrying."),
        F.DECODER_HUNG: translate("StreamFailure", "The camera's decoder was replaced; retrying."),
        F.DECODER_RESTARTING: translate("StreamFailure", "Its decoder process is being restarted."),
        F.NO_STREAM_ADDRESS: translate("StreamFailure", "The camera gave no stream address (ONVIF)."),
        F.OTHER: translate("StreamFailure", "See the detail below and the log."),
    }
    return hints[reason or F.OTHER]


def failure_tooltip(reason: StreamFailure | None, detail: str | None) -> str:
    """Reason, what to check, and the technical detail (already free of passwords)."""
    text = QCoreApplication.translate("StreamFailure", "{0}: {1}").format(
        failure_label(reason), failure_hint(reason)
    )
    return f"{text}\n{detail}" if detail else text
