"""Cases to the city platform over HTTP: one POST of the export JSON per outbox item.

What the receiver answers decides what happens to the item (docs/case-export.md):

* 2xx: accepted. 409: it had this Idempotency-Key already: delivered too (a re-send after a
  crash, or after a reply that got lost).
* 408, 429, 5xx, timeouts, refused or broken connections: tried again later (backoff).
* 401, 403, 404 and redirects: our endpoint or token is wrong, not the case: tried again later, so
  fixing the configuration sends everything that waited.
* any other 4xx: the platform refused this case for good: kept in the outbox and shown.

The token goes in the Authorization header only; it is never in a log line or an exception text
(a body the server echoes it in is redacted). urllib (stdlib) is enough for one POST; redirects are
not followed, so the token never travels to another host.
"""

from __future__ import annotations

import http.client
import json
import logging
import socket
import ssl
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

from app.core.case_export import DeliveryProblem, PlatformFailure
from app.core.case_ports import OutboxItem

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 425, 429})
CONFIG_STATUSES = frozenset({401, 403, 404, 405})
BODY_CHARS = 160  # of a refusal's body, in the reason the operator reads


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx comes back as an HTTPError


def safe_url(url: str) -> str:
    """The endpoint without user:password or query (for logs and the settings screen)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class HttpCaseDelivery:
    """CaseDelivery over HTTP(S). ``proxy`` None goes direct (a control room's LAN), whatever the
    environment says; give ``http://host:port`` to go through one."""

    def __init__(
        self, url: str, token: str | None = None, *, timeout_s: float = 5.0, proxy: str | None = None
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"city platform endpoint {safe_url(url)!r}: needs http:// or https:// and a host"
            )
        if timeout_s <= 0:
            raise ValueError(f"city platform timeout must be more than 0 s (got {timeout_s})")
        self.url, self.timeout_s = url, timeout_s
        self._token = token or ""
        proxies = {"http": proxy, "https": proxy} if proxy else {}
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirect())

    def __repr__(self) -> str:
        return f"HttpCaseDelivery({safe_url(self.url)!r}, token={'***' if self._token else None})"

    def _clean(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def deliver(self, item: OutboxItem) -> str:
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": item.key,
            "User-Agent": "CityWall",
        }
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(self.url, item.payload.encode("utf-8"), headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.timeout_s) as response:
                status, body = response.status, response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            body = _read_quietly(exc)
            exc.close()
            return self._answer(exc.code, body, item)
        except Exception as exc:  # every way a connection fails: urllib wraps some, not all
            raise self._network_failure(exc) from None
        return self._answer(status, body, item)

    def _answer(self, status: int, body: bytes, item: OutboxItem) -> str:
        if 200 <= status < 300:
            return _receipt(body) or f"accepted ({status})"
        if status == 409:
            log.info("city platform already had %s: counted as delivered", item.key)
            return "duplicate"
        text = _excerpt(self._clean(body.decode("utf-8", "replace")))
        detail = f" {text}" if text else ""
        if status in RETRY_STATUSES or status >= 500:
            raise PlatformFailure(
                f"server error {status}{detail}", retry=True, problem=DeliveryProblem.SERVER_ERROR
            )
        if 300 <= status < 400 or status in CONFIG_STATUSES:
            what = {401: "token not accepted", 403: "not allowed", 404: "endpoint not found"}.get(
                status, "check the endpoint"
            )
            raise PlatformFailure(
                f"{what} ({status}): check the city platform settings",
                retry=True,
                problem=DeliveryProblem.CONFIGURATION,
            )
        raise PlatformFailure(f"refused: {status}{detail}", retry=False, problem=DeliveryProblem.REJECTED)

    def _network_failure(self, exc: BaseException) -> PlatformFailure:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            return PlatformFailure(
                f"timed out after {self.timeout_s:g} s", retry=True, problem=DeliveryProblem.TIMEOUT
            )
        if isinstance(reason, ConnectionRefusedError):
            return PlatformFailure(
                "connection refused", retry=True, problem=DeliveryProblem.REFUSED_CONNECTION
            )
        if isinstance(reason, socket.gaierror):
            host = urlsplit(self.url).hostname
            return PlatformFailure(f"host {host} not found", retry=True, problem=DeliveryProblem.UNREACHABLE)
        if isinstance(reason, ssl.SSLCertVerificationError):
            return PlatformFailure(
                f"certificate not trusted: {reason.verify_message}",
                retry=True,
                problem=DeliveryProblem.UNREACHABLE,
            )
        if isinstance(reason, ssl.SSLError):
            return PlatformFailure(
                f"TLS failed: {reason.reason}", retry=True, problem=DeliveryProblem.UNREACHABLE
            )
        if isinstance(reason, http.client.RemoteDisconnected | ConnectionResetError | ConnectionAbortedError):
            return PlatformFailure(
                "connection closed by the server", retry=True, problem=DeliveryProblem.UNREACHABLE
            )
        if isinstance(reason, OSError) and reason.strerror:
            return PlatformFailure(reason.strerror.lower(), retry=True, problem=DeliveryProblem.UNREACHABLE)
        name = type(reason).__name__
        log.warning("city platform: unexpected failure %s: %s", name, self._clean(str(reason)))
        return PlatformFailure(f"failed: {name}", retry=True, problem=DeliveryProblem.OTHER)


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read(64 * 1024)
    except Exception:  # a body cut off: the status says enough
        return b""


def _excerpt(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= BODY_CHARS else text[: BODY_CHARS - 1] + "…"


def _receipt(body: bytes) -> str:
    """The platform's id for the case, when its JSON answer names one."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        for key in ("receipt", "id", "case_id", "caseId"):
            if isinstance(data.get(key), str | int):
                return str(data[key])
    return ""
