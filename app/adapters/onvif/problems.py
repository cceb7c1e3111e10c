"""Answers the camera search did not understand, as values: a kind (an enum the UI translates) and
the technical detail (for the log and a tooltip, never a password).

Both ways of finding cameras report them: WS-Discovery (a reply that is not XML, not a ProbeMatches,
or one that breaks the protocol but could still be read) and probing addresses by hand (a port that
takes connections but speaks no HTTP, a web server that is not an ONVIF device service, a device
that accepts the connection and never answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.adapters.onvif.errors import camera_words


class ProblemKind(Enum):
    """Why an answer was not understood (or, for NONCONFORMANT, understood only by bending the rules)."""

    WSD_NOT_XML = "wsd-not-xml"  # a WS-Discovery reply that is not well-formed XML
    WSD_NOT_MATCH = "wsd-not-match"  # well-formed, but no ProbeMatch could be read from it
    WSD_NO_ADDRESS = "wsd-no-address"  # a ProbeMatch without an http(s) device address
    WSD_NONCONFORMANT = "wsd-nonconformant"  # read anyway (SOAP 1.1, WS-Discovery 1.1, no RelatesTo…)
    NO_ANSWER = "no-answer"  # an address given by hand: no port took a connection
    UNKNOWN_HOST = "unknown-host"  # a host name given by hand that does not resolve
    NOT_HTTP = "not-http"  # a port took the connection but gave no HTTP answer
    NOT_ONVIF = "not-onvif"  # an HTTP server, but not an ONVIF device service
    TIMEOUT = "timeout"  # took the connection, did not answer in time
    AUTH_REQUIRED = "auth-required"  # answers nothing without a login, and none was given
    AUTH_REFUSED = "auth-refused"  # asks for a login first and refused the one given
    BLOCKED = "blocked"  # this workstation refused to send (network guard, no route, permission)


@dataclass(frozen=True)
class DiscoveryProblem:
    """One answer not understood: who (``address``: host, host:port or URL), what and the detail."""

    address: str
    kind: ProblemKind
    detail: str = ""

    @staticmethod
    def of(address: str, kind: ProblemKind, detail: str = "") -> DiscoveryProblem:
        """A problem whose detail is made safe to show (one line, printable, bounded)."""
        return DiscoveryProblem(address, kind, camera_words(detail, 300))
