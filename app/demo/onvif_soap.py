"""SOAP 1.2 plumbing of the demo ONVIF camera: reading requests, writing answers and faults.

Answers are written by hand, the way a camera's firmware writes them, with the prefixes ONVIF
documents use (tt, tds, trt, tptz, ter) declared on the envelope, so that QName values in text
(fault codes such as ``ter:NotAuthorized``) resolve. Requests are read with ElementTree by their
namespaced names; a request in the wrong namespace is a request the camera does not know.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
TT = "http://www.onvif.org/ver10/schema"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TRT = "http://www.onvif.org/ver10/media/wsdl"
TPTZ = "http://www.onvif.org/ver20/ptz/wsdl"
TER = "http://www.onvif.org/ver10/error"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PREFIXES = {"env": SOAP12, "tt": TT, "tds": TDS, "trt": TRT, "tptz": TPTZ, "ter": TER}
CONTENT_TYPE = "application/soap+xml; charset=utf-8"


@dataclass
class X:
    """An element to write: ``tag`` is ``prefix:Name``; children are elements or text."""

    tag: str
    children: list[X | str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)

    def render(self) -> str:
        attrs = "".join(f" {k}={quoteattr(v)}" for k, v in self.attrs.items())
        if not self.children:
            return f"<{self.tag}{attrs}/>"
        inner = "".join(c.render() if isinstance(c, X) else escape(c) for c in self.children)
        return f"<{self.tag}{attrs}>{inner}</{self.tag}>"


def x(tag: str, *children: X | str | float | bool | None, **attrs: str | float | bool | None) -> X:
    """An element; None children and attributes are left out, numbers and booleans as XML text."""
    return X(
        tag,
        [_text(c) if not isinstance(c, X) else c for c in children if c is not None],
        {k: _text(v) for k, v in attrs.items() if v is not None},
    )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def envelope(body: X | None) -> bytes:
    ns = " ".join(f'xmlns:{p}="{uri}"' for p, uri in PREFIXES.items())
    inner = body.render() if body is not None else ""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope {ns}>'
    return f"{head}<env:Body>{inner}</env:Body></env:Envelope>".encode()


class SoapFault(Exception):
    """A SOAP 1.2 fault to answer: ``code`` Sender/Receiver, ONVIF subcodes (``ter:...``), a reason."""

    def __init__(
        self, code: str, subcodes: tuple[str, ...], reason: str, http_status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.code, self.subcodes, self.reason = code, subcodes, reason
        self.http_status = http_status or (400 if code == "Sender" else 500)

    def body(self) -> X:
        code: X = x("env:Code", x("env:Value", f"env:{self.code}"))
        parent = code
        for sub in self.subcodes:
            node = x("env:Subcode", x("env:Value", sub))
            parent.children.append(node)
            parent = node
        return x("env:Fault", code, x("env:Reason", x("env:Text", self.reason, **{"xml:lang": "en"})))


def sender(reason: str, *subcodes: str) -> SoapFault:
    return SoapFault("Sender", subcodes, reason)


def receiver(reason: str, *subcodes: str) -> SoapFault:
    return SoapFault("Receiver", subcodes, reason)


def not_authorized() -> SoapFault:
    return sender("Sender not Authorized", "ter:NotAuthorized")


def invalid_arg(reason: str, *more: str) -> SoapFault:
    return sender(reason, "ter:InvalidArgVal", *more)


@dataclass(frozen=True)
class Request:
    """A parsed SOAP request: the body's operation element and the header's security element."""

    namespace: str
    operation: str
    body: ET.Element
    security: ET.Element | None
    soap_version: str


def parse_request(data: bytes) -> Request:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise sender(f"not well-formed XML: {exc}", "ter:WellFormed") from None
    for env in (SOAP12, SOAP11):
        if root.tag == f"{{{env}}}Envelope":
            break
    else:
        raise sender("not a SOAP envelope", "ter:WellFormed")
    body = root.find(f"{{{env}}}Body")
    op = next(iter(body), None) if body is not None else None
    if op is None:
        raise sender("empty SOAP body", "ter:WellFormed")
    header = root.find(f"{{{env}}}Header")
    security = header.find(f"{{{WSSE}}}Security") if header is not None else None
    namespace, _, operation = op.tag[1:].partition("}")
    return Request(namespace, operation, op, security, env)


def child(node: ET.Element | None, ns: str, name: str) -> ET.Element | None:
    return None if node is None else node.find(f"{{{ns}}}{name}")


def text(node: ET.Element | None, ns: str, name: str) -> str | None:
    found = child(node, ns, name)
    return None if found is None or found.text is None else found.text.strip()


def required(node: ET.Element, ns: str, name: str) -> str:
    value = text(node, ns, name)
    if not value:
        raise invalid_arg(f"{name} is required")
    return value


def boolean(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")
