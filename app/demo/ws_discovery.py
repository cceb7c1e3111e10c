"""A WS-Discovery responder for the demo PTZ cameras, on a loopback UDP port.

It answers ``Probe`` datagrams sent to it (unicast) with a ``ProbeMatches`` for every registered
camera whose types and scopes match, the way cameras on a LAN answer a multicast probe. Multicast
itself is not joined: loopback has no multicast here, and tests and the demo probe it directly
(``discover(target=responder.address)``).
"""

from __future__ import annotations

import logging
import socket
import threading
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

from app.adapters.onvif.discovery import (
    ANONYMOUS,
    DN,
    PROBE_ACTION,
    PROBE_MATCHES_ACTION,
    SOAP12,
    TDS,
    WSA,
    WSD,
    expand_qnames,
    parse_with_namespaces,
)
from app.demo.ptz_camera import DiscoveryRecord

log = logging.getLogger(__name__)

_OUR_PREFIXES = {"dn": DN, "tds": TDS}


def scope_matches(wanted: str, offered: str) -> bool:
    """WS-Discovery's default RFC 3986 rule: ``wanted`` is ``offered`` or a segment-wise prefix of it."""
    w, o = wanted.rstrip("/"), offered.rstrip("/")
    return o == w or o.startswith(w + "/")


class WsDiscoveryResponder:
    """Answers WS-Discovery probes for the cameras ``records()`` lists (called per probe)."""

    def __init__(
        self,
        records: Callable[[], Iterable[DiscoveryRecord]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._records = records
        self._host, self._port = host, port
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.probes = 0
        self.garbage_reply: bytes | None = None  # tests: answer this (too) instead of a valid match
        self.rewrite: Callable[[bytes], bytes] | None = None  # tests: a camera that bends the protocol

    @property
    def address(self) -> tuple[str, int]:
        return self._host, self._port

    def start(self) -> WsDiscoveryResponder:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        sock.bind((self._host, self._port))
        sock.settimeout(0.2)
        self._port = sock.getsockname()[1]
        self._sock = sock
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"ws-discovery-{self._port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> WsDiscoveryResponder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        sock = self._sock
        assert sock is not None
        while not self._stopping.is_set():
            try:
                data, sender = sock.recvfrom(65_535)
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                reply = self._answer(data)
            except Exception:  # never let one odd datagram end the responder
                log.exception("WS-Discovery responder: bad datagram")
                continue
            if reply is not None and self.rewrite is not None:
                reply = self.rewrite(reply)
            for datagram in (self.garbage_reply, reply):
                if datagram:
                    try:
                        sock.sendto(datagram, sender)
                    except OSError as exc:
                        log.debug("WS-Discovery responder: cannot answer %s: %s", sender, exc)

    def _answer(self, data: bytes) -> bytes | None:
        try:
            root, prefixes = parse_with_namespaces(data)
        except ET.ParseError:
            return None
        header = root.find(f"{{{SOAP12}}}Header")
        probe = root.find(f"{{{SOAP12}}}Body/{{{WSD}}}Probe")
        if (
            header is None
            or probe is None
            or (header.findtext(f"{{{WSA}}}Action") or "").strip() != PROBE_ACTION
        ):
            return None
        self.probes += 1
        message_id = (header.findtext(f"{{{WSA}}}MessageID") or "").strip()
        wanted_types = set(expand_qnames(probe.findtext(f"{{{WSD}}}Types"), prefixes))
        wanted_scopes = (probe.findtext(f"{{{WSD}}}Scopes") or "").split()
        matches = []
        for record in self._records():
            types = set(expand_qnames(" ".join(record.types), _OUR_PREFIXES))
            if not wanted_types <= types:
                continue
            if not all(any(scope_matches(w, o) for o in record.scopes) for w in wanted_scopes):
                continue
            matches.append(
                "<d:ProbeMatch>"
                f"<a:EndpointReference><a:Address>{escape(record.endpoint_reference)}</a:Address></a:EndpointReference>"
                f"<d:Types>{escape(' '.join(record.types))}</d:Types>"
                f"<d:Scopes>{escape(' '.join(record.scopes))}</d:Scopes>"
                f"<d:XAddrs>{escape(' '.join(record.xaddrs))}</d:XAddrs>"
                f"<d:MetadataVersion>{record.metadata_version}</d:MetadataVersion>"
                "</d:ProbeMatch>"
            )
        if not matches:
            return None  # WS-Discovery: no match, no answer
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<s:Envelope xmlns:s="{SOAP12}" xmlns:a="{WSA}" xmlns:d="{WSD}"'
            f' xmlns:dn="{DN}" xmlns:tds="{TDS}">'
            "<s:Header>"
            f"<a:MessageID>urn:uuid:{uuid.uuid4()}</a:MessageID>"
            f"<a:RelatesTo>{escape(message_id)}</a:RelatesTo>"
            f"<a:To>{ANONYMOUS}</a:To>"
            f"<a:Action>{PROBE_MATCHES_ACTION}</a:Action>"
            '<d:AppSequence InstanceId="1" MessageNumber="1"/>'
            "</s:Header>"
            f"<s:Body><d:ProbeMatches>{''.join(matches)}</d:ProbeMatches></s:Body>"
            "</s:Envelope>"
        ).encode()
