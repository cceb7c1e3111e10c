"""SIP messages (RFC 3261 §7), the SDP of a G.711 offer and answer (RFC 4566/3264) and HTTP digest
credentials (RFC 2617, RFC 8760: MD5 and SHA-256): the text side of :mod:`app.adapters.voice.sip`."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from app.adapters.voice import g711
from app.core.voice import Codec

# RFC 3261 §7.3.3: the compact forms a peer may use.
_COMPACT = {
    "v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length",
    "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding",
}  # fmt: skip


@dataclass
class SipMessage:
    """A request (``INVITE sip:… SIP/2.0``) or a response (``SIP/2.0 200 OK``); header names lower case."""

    start: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def is_response(self) -> bool:
        return self.start.startswith("SIP/2.0 ")

    @property
    def status(self) -> int:
        """The status code of a response (0 for a request)."""
        return int(self.start.split(" ", 2)[1]) if self.is_response else 0

    @property
    def method(self) -> str:
        """A request's method; for a response, the method its CSeq answers."""
        if self.is_response:
            return self.cseq[1]
        return self.start.split(" ", 1)[0]

    @property
    def cseq(self) -> tuple[int, str]:
        number, _, method = (self.header("cseq") or "0 ?").partition(" ")
        return int(number), method.strip()

    @property
    def branch(self) -> str | None:
        via = self.all("via")
        return param(via[0], "branch") if via else None

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Every value of ``name``, comma-joined lines split (Via, Record-Route, Contact…)."""
        name = name.lower()
        found: list[str] = []
        for key, value in self.headers:
            if key == name:
                found.extend(split_commas(value) if name in _LISTS else [value])
        return found

    def to_bytes(self) -> bytes:
        lines = [self.start]
        lines += [f"{_canonical(k)}: {v}" for k, v in self.headers if k != "content-length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


_LISTS = {"via", "route", "record-route", "contact", "allow", "supported"}
_CANONICAL = {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}


def _canonical(name: str) -> str:
    return _CANONICAL.get(name) or "-".join(part.capitalize() for part in name.split("-"))


def parse_message(data: bytes) -> SipMessage:
    """One SIP message from one UDP datagram; ValueError when it is not one."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    lines = head.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    start = lines[0].strip()
    if not (start.startswith("SIP/2.0 ") or start.endswith(" SIP/2.0")):
        raise ValueError(f"not a SIP message: {start[:60]!r}")
    if start.startswith("SIP/2.0 ") and not re.fullmatch(r"SIP/2\.0 [1-6]\d\d( .*)?", start):
        raise ValueError(f"bad status line: {start[:60]!r}")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # folded onto the line before
            name, value = headers[-1]
            headers[-1] = (name, f"{value} {line.strip()}")
            continue
        name, colon, value = line.partition(":")
        if not colon:
            continue
        key = name.strip().lower()
        headers.append((_COMPACT.get(key, key), value.strip()))
    message = SipMessage(start, headers, body)
    cseq = message.header("cseq")
    if cseq is not None and not re.fullmatch(r"\d+\s+[A-Za-z]+", cseq):
        raise ValueError(f"bad CSeq: {cseq[:40]!r}")
    length = message.header("content-length")
    if length is not None and length.isdigit():
        message.body = body[: int(length)]
    return message


def split_commas(value: str) -> list[str]:
    """Split a header's comma-separated values, leaving commas inside <…> and "…" alone."""
    parts: list[str] = []
    current: list[str] = []
    angle = quoted = False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not angle and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def param(value: str, name: str) -> str | None:
    """A ``;name=value`` parameter of a header value (outside its <uri>)."""
    outside = value.rsplit(">", 1)[-1] if "<" in value else value
    for part in outside.split(";")[1:]:
        key, _, val = part.partition("=")
        if key.strip().lower() == name:
            return val.strip().strip('"')
    return None


def uri_of(value: str) -> str:
    """The URI of a name-addr (``"Pa" <sip:pa@h>;tag=1`` → ``sip:pa@h``) or addr-spec."""
    if "<" in value:
        return value[value.index("<") + 1 : value.index(">")]
    return value.split(";", 1)[0].strip()


@dataclass(frozen=True)
class SipUri:
    user: str
    host: str
    port: int
    params: str = ""  # ";transport=udp;lr" as written

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        return f"sip:{user}{hostport(self.host, self.port)}{self.params}"

    @property
    def loose_route(self) -> bool:
        return ";lr" in self.params.lower()


def parse_sip_uri(uri: str, default_port: int = 5060) -> SipUri:
    """``sip:user@host:port;params`` → its parts; ValueError naming what is wrong."""
    text = uri.strip()
    if not text.lower().startswith("sip:"):
        raise ValueError(f"{uri!r}: a SIP address starts with sip: (sip:pa@10.0.0.5:5060)")
    rest = text[4:].split("?", 1)[0]
    params = ""
    if ";" in rest:
        rest, params = rest.split(";", 1)
        params = ";" + params
    user, _, hostpart = rest.rpartition("@")
    if hostpart.startswith("["):
        host, _, tail = hostpart[1:].partition("]")
        port_text = tail.removeprefix(":")
    else:
        host, _, port_text = hostpart.partition(":")
    if not host:
        raise ValueError(f"{uri!r}: no host")
    if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ValueError(f"{uri!r}: the port must be a number from 1 to 65535")
    return SipUri(user, host, int(port_text) if port_text else default_port, params)


def hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def new_token(bits: int = 64) -> str:
    return secrets.token_hex(bits // 8)


def new_branch() -> str:
    return "z9hG4bK" + new_token(64)  # the RFC 3261 magic cookie, then a fresh value


def response_to(request: SipMessage, status: int, reason: str) -> SipMessage:
    """A response to ``request`` (our answer to a peer's BYE, OPTIONS… within the dialog)."""
    headers = [(k, v) for k, v in request.headers if k in ("via", "from", "to", "call-id", "cseq")]
    return SipMessage(f"SIP/2.0 {status} {reason}", headers)


# --- SDP ---------------------------------------------------------------------------------------------
def sdp_offer(address: str, port: int, codecs: Sequence[Codec], session_id: int) -> bytes:
    """An offer to send G.711 only (``sendonly``: a paging speaker plays; it has nothing to send)."""
    ip = "IP6" if ":" in address else "IP4"
    types = [g711.PAYLOAD_TYPE[c] for c in codecs]
    lines = [
        "v=0", f"o=citywall {session_id} {session_id} IN {ip} {address}", "s=CityWall",
        f"c=IN {ip} {address}", "t=0 0", f"m=audio {port} RTP/AVP {' '.join(map(str, types))}",
        *(f"a=rtpmap:{g711.PAYLOAD_TYPE[c]} {c.name}/8000" for c in codecs), "a=ptime:20", "a=sendonly",
    ]  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode()


@dataclass(frozen=True)
class SdpAnswer:
    address: str  # where to send RTP
    port: int  # 0: the audio stream was refused
    payload_types: tuple[int, ...]
    direction: str  # sendrecv, recvonly, sendonly, inactive

    def codec(self, offered: Iterable[Codec]) -> Codec | None:
        """The first codec of the answer's list that we offered (RFC 3264 §6.1)."""
        by_type = {g711.PAYLOAD_TYPE[c]: c for c in offered}
        return next((by_type[pt] for pt in self.payload_types if pt in by_type), None)


_DIRECTIONS = ("sendrecv", "recvonly", "sendonly", "inactive")


def parse_sdp_answer(body: bytes) -> SdpAnswer:
    """The first audio stream of an SDP answer; ValueError when there is none."""
    session_address = media_address = ""
    direction = "sendrecv"
    audio: tuple[int, tuple[int, ...]] | None = None
    in_audio = False
    for raw in body.decode("utf-8", errors="replace").splitlines():
        kind, _, value = raw.strip().partition("=")
        if kind == "m":
            if audio is not None:
                break  # only the first audio stream
            fields = value.split()
            in_audio = len(fields) >= 4 and fields[0] == "audio"
            if in_audio:
                audio = (int(fields[1]), tuple(int(f) for f in fields[3:] if f.isdigit()))
        elif kind == "c":
            fields = value.split()
            if len(fields) >= 3:
                address = fields[2].split("/", 1)[0]
                if in_audio:
                    media_address = address
                elif audio is None:
                    session_address = address
        elif kind == "a" and value in _DIRECTIONS and (in_audio or audio is None):
            direction = value
    if audio is None:
        raise ValueError("the answer has no audio stream (m=audio)")
    address = media_address or session_address
    if not address:
        raise ValueError("the answer says no address for its audio (c=)")
    return SdpAnswer(address, audio[0], audio[1], direction)


def refuses_audio(answer: SdpAnswer) -> bool:
    """Whether the answer leaves nothing to send to: port 0, 0.0.0.0 (on hold), or a direction
    that does not receive."""
    try:
        unspecified = ipaddress.ip_address(answer.address).is_unspecified
    except ValueError:
        unspecified = False
    return answer.port == 0 or unspecified or answer.direction in ("sendonly", "inactive")


# --- digest credentials ------------------------------------------------------------------------------
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def parse_challenge(value: str) -> dict[str, str] | None:
    """The parameters of a ``Digest`` challenge (lower-case keys), None for another scheme."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    found = {}
    for match in re.finditer(r'([\w-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]+)', rest):
        found[match.group(1).lower()] = match.group(3) if match.group(3) is not None else match.group(2)
    return found


def supported(challenge: dict[str, str]) -> bool:
    algorithm = challenge.get("algorithm", "MD5").upper().removesuffix("-SESS")
    return algorithm in _HASHES and "nonce" in challenge


def digest_authorization(
    challenge: dict[str, str],
    *,
    method: str,
    uri: str,
    username: str,
    password: str,
    body: bytes = b"",
    cnonce: str | None = None,
    nc: int = 1,
) -> str:
    """The ``Authorization`` (or ``Proxy-Authorization``) value answering ``challenge``."""
    algorithm = challenge.get("algorithm", "MD5")
    hash_name = algorithm.upper().removesuffix("-SESS")

    def h(text: str | bytes) -> str:
        data = text.encode() if isinstance(text, str) else text
        return _HASHES[hash_name](data).hexdigest()

    realm, nonce = challenge.get("realm", ""), challenge["nonce"]
    offered = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
    qop = "auth" if "auth" in offered else ("auth-int" if "auth-int" in offered else None)
    cnonce = cnonce or new_token(64)
    ha1 = h(f"{username}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}" + (f":{h(body)}" if qop == "auth-int" else ""))
    response = h(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:{qop}:{ha2}" if qop else f"{ha1}:{nonce}:{ha2}")
    parts = [
        f'username="{username}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
        f'response="{response}"', f"algorithm={algorithm}",
    ]  # fmt: skip
    if "opaque" in challenge:
        parts.append(f'opaque="{challenge["opaque"]}"')
    if qop:
        parts += [f"qop={qop}", f"nc={nc:08x}", f'cnonce="{cnonce}"']
    return "Digest " + ", ".join(parts)
