"""The dialog's words for what the adapters report as values: problem kinds, address mistakes,
ONVIF failures. Translated here (context ``DiscoveryDialog``), never parsed from English."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.adapters.onvif.errors import (
    OnvifAuthError,
    OnvifBadResponse,
    OnvifError,
    OnvifNotSupported,
    OnvifTimeout,
    OnvifUnreachable,
)
from app.adapters.onvif.problems import ProblemKind
from app.adapters.onvif.targets import MAX_ADDRESSES, MAX_PORTS, TargetError, TargetProblem

translate = QCoreApplication.translate


def problem_text(kind: ProblemKind) -> str:
    """What happened, for the "answers not understood" list."""
    if kind is ProblemKind.WSD_NOT_XML:
        return translate("DiscoveryDialog", "Answered the search with something that is not XML")
    if kind is ProblemKind.WSD_NOT_MATCH:
        return translate("DiscoveryDialog", "Answered the search, but not with a WS-Discovery ProbeMatches")
    if kind is ProblemKind.WSD_NO_ADDRESS:
        return translate("DiscoveryDialog", "Answered the search without an http address to reach it at")
    if kind is ProblemKind.WSD_NONCONFORMANT:
        return translate(
            "DiscoveryDialog", "Answer does not follow WS-Discovery; the camera is listed anyway"
        )
    if kind is ProblemKind.NO_ANSWER:
        return translate("DiscoveryDialog", "No answer on any of the ports")
    if kind is ProblemKind.UNKNOWN_HOST:
        return translate("DiscoveryDialog", "Unknown host name")
    if kind is ProblemKind.NOT_HTTP:
        return translate("DiscoveryDialog", "Takes connections but does not speak HTTP")
    if kind is ProblemKind.NOT_ONVIF:
        return translate("DiscoveryDialog", "A web server, but not an ONVIF device service")
    if kind is ProblemKind.TIMEOUT:
        return translate("DiscoveryDialog", "Took the connection but did not answer in time")
    if kind is ProblemKind.AUTH_REQUIRED:
        return translate(
            "DiscoveryDialog",
            "Asks for a login before answering: enter the user name and password, probe again",
        )
    if kind is ProblemKind.AUTH_REFUSED:
        return translate("DiscoveryDialog", "Asks for a login and refused the one given")
    return translate("DiscoveryDialog", "Not allowed to reach this address from this workstation")


def target_error_text(error: TargetError) -> str:
    """A mistake in the addresses or ports typed, naming the item."""
    item, count = error.item, error.count
    p = error.problem
    if p is TargetProblem.EMPTY:
        return translate(
            "DiscoveryDialog", "Type the addresses to probe, e.g. 10.1.2.30, 10.1.2.0/24 or 10.1.2.10-40."
        )
    if p is TargetProblem.NOT_AN_ADDRESS:
        return translate("DiscoveryDialog", "“{0}” is not an address, a range or a subnet.").format(item)
    if p is TargetProblem.BAD_PORT:
        return translate("DiscoveryDialog", "“{0}” is not a port (1-65535).").format(item)
    if p is TargetProblem.RANGE_BACKWARDS:
        return translate("DiscoveryDialog", "The range “{0}” ends before it starts.").format(item)
    if p is TargetProblem.RANGE_TOO_LARGE:
        return translate(
            "DiscoveryDialog", "“{0}” has {1} addresses; probe at most {2} at a time (a /24)."
        ).format(item, count, MAX_ADDRESSES)
    if p is TargetProblem.TOO_MANY:
        return translate(
            "DiscoveryDialog", "More than {0} addresses in all (a /24); probe fewer at a time."
        ).format(MAX_ADDRESSES)
    if p is TargetProblem.PORT_ON_RANGE:
        return translate(
            "DiscoveryDialog", "“{0}”: a range takes the ports from the Ports field, not a port of its own."
        ).format(item)
    return translate("DiscoveryDialog", "At most {0} ports at a time.").format(MAX_PORTS)


def onvif_error_text(error: OnvifError) -> str:
    """An ONVIF failure of one camera (the camera is named by its row)."""
    if isinstance(error, OnvifAuthError):
        return translate("DiscoveryDialog", "camera refused the login (check the user name and password)")
    if isinstance(error, OnvifTimeout):
        return translate("DiscoveryDialog", "camera did not answer within {0} s").format(
            f"{error.timeout_s:g}"
        )
    if isinstance(error, OnvifUnreachable):
        return translate("DiscoveryDialog", "cannot connect to the camera")
    if isinstance(error, OnvifBadResponse):
        return translate("DiscoveryDialog", "unexpected answer from the camera")
    if isinstance(error, OnvifNotSupported) and error.what.startswith("video streaming"):
        return translate("DiscoveryDialog", "camera lists no video profiles")
    return error.message
