"""HTTP-style authentication for RTSP and HTTP speakers: Basic and Digest (RFC 2617 / RFC 7616).

The peer's challenges (``WWW-Authenticate``) pick the scheme: Digest with SHA-256 before Digest with
MD5 before Basic; ``qop=auth`` when offered (``auth-int`` alone is not supported), MD5-sess and
SHA-256-sess too. One :class:`Authenticator` answers every later request of a session with the
same nonce and a counting ``nc``, as RFC 2617 section 3.2.2 allows; a ``stale=true`` challenge
takes a new nonce without counting as a refused password. The password never leaves this object
except inside the Authorization header (no repr, no log line, no exception carries it).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*")
_PARAM = re.compile(r"""\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*)\s*""")
_HASHES: dict[str, Callable[[bytes], str]] = {
    "MD5": lambda b: hashlib.md5(b, usedforsecurity=False).hexdigest(),
    "SHA-256": lambda b: hashlib.sha256(b).hexdigest(),
}


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "digest", "basic", …
    params: dict[str, str] = field(default_factory=dict)  # names in lower case

    @property
    def algorithm(self) -> str:
        return self.params.get("algorithm", "MD5").upper()

    @property
    def qops(self) -> list[str]:
        return [q.strip().lower() for q in self.params.get("qop", "").split(",") if q.strip()]

    @property
    def stale(self) -> bool:
        return self.params.get("stale", "").lower() == "true"


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def parse_challenges(headers: Iterable[str]) -> list[Challenge]:
    """The challenges in ``WWW-Authenticate`` values (several may share one value, comma-separated)."""
    found: list[Challenge] = []
    for value in headers:
        pos, current = 0, None
        while pos < len(value):
            param = _PARAM.match(value, pos)
            if param and current is not None:
                current.params[param[1].lower()] = _unquote(param[2])
                pos = param.end()
            else:
                token = _TOKEN.match(value, pos)
                if token is None:
                    break
                current = Challenge(token[1].lower())
                found.append(current)
                pos = token.end()
                if pos < len(value) and value[pos] == "=":  # token68 (e.g. a Negotiate blob): skip it
                    pos = value.find(",", pos) if "," in value[pos:] else len(value)
            if pos < len(value) and value[pos] == ",":
                pos += 1
    return found


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _digest_usable(challenge: Challenge) -> bool:
    base = challenge.algorithm.removesuffix("-SESS")
    qops = challenge.qops
    return (
        challenge.scheme == "digest"
        and base in _HASHES
        and "nonce" in challenge.params
        and (not qops or "auth" in qops)
    )


def _rank(challenge: Challenge) -> int:
    if _digest_usable(challenge):
        return 3 if challenge.algorithm.startswith("SHA-256") else 2
    return 1 if challenge.scheme == "basic" else 0


class Authenticator:
    """Answers one peer's challenges for one user (one per connection or play)."""

    def __init__(self, username: str, password: str, cnonce: Callable[[], str] | None = None) -> None:
        self._username = username
        self._password = password
        self._cnonce = cnonce or (lambda: secrets.token_hex(8))
        self._challenge: Challenge | None = None
        self._nc = 0

    def __repr__(self) -> str:
        return f"Authenticator(username={self._username!r})"

    @property
    def scheme(self) -> str | None:
        return self._challenge.scheme if self._challenge else None

    def accept(self, www_authenticate: Iterable[str]) -> bool:
        """Take the strongest challenge we can answer; False if none is usable."""
        challenges = [c for c in parse_challenges(www_authenticate) if _rank(c) > 0]
        if not challenges:
            return False
        self._challenge = max(challenges, key=_rank)
        self._nc = 0
        return True

    def authorization(self, method: str, uri: str) -> str | None:
        """The Authorization header for a request (None before a challenge was accepted)."""
        challenge = self._challenge
        if challenge is None:
            return None
        if challenge.scheme == "basic":
            token = base64.b64encode(f"{self._username}:{self._password}".encode()).decode("ascii")
            return f"Basic {token}"
        return self._digest(challenge, method, uri)

    def _digest(self, challenge: Challenge, method: str, uri: str) -> str:
        algorithm = challenge.algorithm
        h = _HASHES[algorithm.removesuffix("-SESS")]
        realm, nonce = challenge.params.get("realm", ""), challenge.params["nonce"]
        self._nc += 1
        nc, cnonce = f"{self._nc:08x}", self._cnonce()
        ha1 = h(f"{self._username}:{realm}:{self._password}".encode())
        if algorithm.endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}".encode())
        ha2 = h(f"{method}:{uri}".encode())
        qop = "auth" if challenge.qops else None
        if qop:
            response = h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}".encode())
        else:
            response = h(f"{ha1}:{nonce}:{ha2}".encode())
        parts = [
            f"username={_quote(self._username)}", f"realm={_quote(realm)}", f"nonce={_quote(nonce)}",
            f"uri={_quote(uri)}", f"response={_quote(response)}",
        ]  # fmt: skip
        if "algorithm" in challenge.params:
            parts.append(f"algorithm={challenge.params['algorithm']}")
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f"cnonce={_quote(cnonce)}"]
        if "opaque" in challenge.params:
            parts.append(f"opaque={_quote(challenge.params['opaque'])}")
        return "Digest " + ", ".join(parts)
