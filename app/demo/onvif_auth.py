"""The demo camera's login checks: WS-UsernameToken (ONVIF Core 5.9.4) and HTTP digest (RFC 7616).

WS-UsernameToken: PasswordDigest = Base64(SHA-1(nonce + created + password)), a Created time within
five minutes of the camera's clock and a nonce never seen before; PasswordText is accepted too.
HTTP digest: MD5 with qop=auth and nonces the camera issued, as most cameras implement it.
"""

from __future__ import annotations

import base64
import binascii
import collections
import hashlib
import hmac
import re
import secrets
import threading
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from app.demo.onvif_soap import WSSE, WSU

PASSWORD_DIGEST = "#PasswordDigest"
MAX_SKEW = timedelta(minutes=5)
_DIGEST_PARAM = re.compile(r'(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class _Seen:
    """A bounded memory of nonces (replay protection without unbounded growth)."""

    def __init__(self, size: int = 4096) -> None:
        self._order: collections.deque[str] = collections.deque(maxlen=size)
        self._set: set[str] = set()
        self._lock = threading.Lock()

    def add(self, item: str) -> bool:
        """True if ``item`` is new (and now remembered)."""
        with self._lock:
            if item in self._set:
                return False
            if len(self._order) == self._order.maxlen:
                self._set.discard(self._order[0])
            self._order.append(item)
            self._set.add(item)
            return True

    def __contains__(self, item: str) -> bool:
        with self._lock:
            return item in self._set


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class WsseChecker:
    def __init__(self, username: str, password: str) -> None:
        self.username, self.password = username, password
        self._nonces = _Seen()

    def check(self, security: ET.Element | None, now: datetime | None = None) -> bool:
        """True if the Security header holds a valid UsernameToken for our user."""
        token = security.find(f"{{{WSSE}}}UsernameToken") if security is not None else None
        if token is None:
            return False
        user = (token.findtext(f"{{{WSSE}}}Username") or "").strip()
        pw_node = token.find(f"{{{WSSE}}}Password")
        if pw_node is None or not hmac.compare_digest(user.encode(), self.username.encode()):
            return False
        given = (pw_node.text or "").strip()
        if not pw_node.get("Type", "").endswith(PASSWORD_DIGEST):
            return hmac.compare_digest(given.encode(), self.password.encode())
        nonce_b64 = (token.findtext(f"{{{WSSE}}}Nonce") or "").strip()
        created = (token.findtext(f"{{{WSU}}}Created") or "").strip()
        when = _parse_time(created)
        now = now or datetime.now(UTC)
        if not nonce_b64 or when is None or abs(now - when) > MAX_SKEW:
            return False
        try:
            nonce = base64.b64decode(nonce_b64, validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = base64.b64encode(
            hashlib.sha1(nonce + created.encode() + self.password.encode()).digest()
        ).decode()
        return hmac.compare_digest(given.encode(), expected.encode()) and self._nonces.add(nonce_b64)


class DigestChecker:
    def __init__(self, username: str, password: str, realm: str) -> None:
        self.username, self.password, self.realm = username, password, realm
        self._issued = _Seen()

    def challenge(self) -> str:
        nonce = secrets.token_hex(16)
        self._issued.add(nonce)
        return f'Digest realm="{self.realm}", qop="auth", nonce="{nonce}", algorithm=MD5'

    def check(self, header: str | None, method: str) -> bool:
        if not header or not header.lower().startswith("digest "):
            return False
        params = {m[1].lower(): (m[2] if m[2] else m[3]) for m in _DIGEST_PARAM.finditer(header[7:])}
        needed = ("username", "realm", "nonce", "uri", "response")
        if any(k not in params for k in needed) or params["nonce"] not in self._issued:
            return False
        if params["username"] != self.username or params["realm"] != self.realm:
            return False

        def md5(text: str) -> str:
            return hashlib.md5(text.encode()).hexdigest()

        ha1 = md5(f"{self.username}:{self.realm}:{self.password}")
        ha2 = md5(f"{method}:{params['uri']}")
        if params.get("qop") == "auth":
            expected = md5(
                f"{ha1}:{params['nonce']}:{params.get('nc', '')}:{params.get('cnonce', '')}:auth:{ha2}"
            )
        else:
            expected = md5(f"{ha1}:{params['nonce']}:{ha2}")
        return hmac.compare_digest(expected, params["response"].lower())
