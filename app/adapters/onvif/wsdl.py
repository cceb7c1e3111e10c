"""The ONVIF WSDLs shipped inside onvif-zeep, parsed once, never fetched from the network.

onvif-zeep installs its WSDL and schema files as a top-level ``wsdl`` folder of the distribution.
We locate them through the distribution's metadata, without importing the ``onvif`` package (its
import configures the root logger). zeep is given a transport that refuses every remote URL, so a
schema that names an ``http://`` location fails loudly instead of reaching out.
"""

from __future__ import annotations

import importlib.metadata
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from zeep import Settings
from zeep.transports import Transport
from zeep.wsdl import Document

from app.adapters.onvif.errors import OnvifConfigError

DISTRIBUTION = "onvif-zeep"

NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
NS_MEDIA = "http://www.onvif.org/ver10/media/wsdl"
NS_PTZ = "http://www.onvif.org/ver20/ptz/wsdl"
NS_MEDIA2 = "http://www.onvif.org/ver20/media/wsdl"
NS_SCHEMA = "http://www.onvif.org/ver10/schema"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"

# service namespace -> (WSDL file, binding name); the bindings are SOAP 1.2, as ONVIF requires.
SERVICES: dict[str, tuple[str, str]] = {
    NS_DEVICE: ("devicemgmt.wsdl", "DeviceBinding"),
    NS_MEDIA: ("media.wsdl", "MediaBinding"),
    NS_PTZ: ("ptz.wsdl", "PTZBinding"),
}

_documents: dict[str, Any] = {}
_lock = threading.Lock()


class RemoteSchemaRefused(OnvifConfigError):
    """zeep tried to load a schema or WSDL from the network."""


def wsdl_dir() -> Path:
    """The folder holding onvif-zeep's WSDLs (``…/site-packages/wsdl``)."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        raise OnvifConfigError(
            "ONVIF support is not installed (Python package onvif-zeep); reinstall CityWall"
        ) from None
    folder = Path(str(dist.locate_file("wsdl")))
    if not (folder / "devicemgmt.wsdl").is_file():
        raise OnvifConfigError(f"ONVIF WSDL files missing from the onvif-zeep installation ({folder})")
    return folder


def zeep_settings() -> Settings:
    """Lenient about what cameras send (many are not schema-exact), strict about XML attacks."""
    return Settings(
        strict=False,
        xml_huge_tree=False,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )


_Transport: Any = Transport  # zeep's classes are untyped


class MalformedAnswer(Exception):
    """The camera's answer is not a well-formed SOAP envelope (zeep would silently "recover" it)."""

    def __init__(self, status_code: int, content: bytes) -> None:
        super().__init__(f"HTTP {status_code}: not a SOAP envelope: {content[:200]!r}")
        self.status_code = status_code


class LocalOnlyTransport(_Transport):  # type: ignore[misc]
    """A zeep transport whose document loading reads local files only.

    SOAP calls (``post``) still go to the camera through the given session; only WSDL/XSD loading is
    restricted, so nothing but the camera itself is ever contacted. Answers must be well-formed
    XML: zeep's lenient mode would otherwise turn a truncated answer or an HTML error page into an
    empty result instead of an error.
    """

    def post(self, address: str, message: Any, headers: Any) -> Any:
        response = _Transport.post(self, address, message, headers)
        content: bytes = response.content or b""
        media_type = str(response.headers.get("Content-Type", "")).split(";")[0].strip().lower()
        if content.strip() and media_type != "multipart/related" and not _is_soap(content):
            raise MalformedAnswer(int(response.status_code), content)
        return response

    def load(self, url: str) -> bytes:
        scheme = urlsplit(url).scheme.lower()
        if scheme in ("http", "https", "ftp"):
            raise RemoteSchemaRefused(
                "ONVIF schema would be downloaded; refused (the WSDLs must come from onvif-zeep)",
                detail=f"zeep asked for {url}",
            )
        return cast(bytes, _Transport.load(self, url))


def _is_soap(content: bytes) -> bool:
    """Well-formed XML whose root is a SOAP envelope (an HTML error page is well-formed too)."""
    try:
        root = ET.fromstring(content.lstrip())  # expat: no external entities, no network
    except ET.ParseError:
        return False
    return root.tag in (f"{{{SOAP12_ENV}}}Envelope", f"{{{SOAP11_ENV}}}Envelope")


def document(namespace: str) -> Any:
    """The parsed WSDL ``Document`` of a service namespace, shared by every client (read-only)."""
    with _lock:
        doc = _documents.get(namespace)
        if doc is None:
            filename = SERVICES[namespace][0]
            make: Any = Document
            doc = make(str(wsdl_dir() / filename), LocalOnlyTransport(), settings=zeep_settings())
            _documents[namespace] = doc
        return doc


def binding_name(namespace: str) -> str:
    return f"{{{namespace}}}{SERVICES[namespace][1]}"
