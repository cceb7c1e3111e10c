"""Basic and Digest login for RTSP and HTTP speakers, checked against the worked examples of
RFC 2617 (section 3.5) and RFC 7616 (section 3.9.1)."""

from __future__ import annotations

import base64

from app.adapters.voice.web_auth import Authenticator, parse_challenges

RFC2617 = (
    'Digest realm="testrealm@host.com", qop="auth,auth-int", '
    'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
)


def rfc7616(algorithm: str) -> str:
    return (
        f'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, '
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
        'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"'
    )


def params(header: str) -> dict[str, str]:
    (parsed,) = parse_challenges([header])
    assert parsed.scheme == "digest"
    return parsed.params


def test_rfc2617_md5_example() -> None:
    auth = Authenticator("Mufasa", "Circle Of Life", cnonce=lambda: "0a4f113b")
    assert auth.accept([RFC2617])
    answer = params(auth.authorization("GET", "/dir/index.html") or "")
    assert answer["response"] == "6629fae49393a05397450978507c4ef1"
    assert (answer["qop"], answer["nc"], answer["uri"]) == ("auth", "00000001", "/dir/index.html")
    assert answer["opaque"] == "5ccc069c403ebaf9f0171e9517f40e41"


def test_rfc7616_sha256_and_md5_examples() -> None:
    cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
    expected = {"SHA-256": "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                "MD5": "8ca523f5e9506fed4657c9700eebdbec"}  # fmt: skip
    for algorithm, response in expected.items():
        auth = Authenticator("Mufasa", "Circle of Life", cnonce=lambda: cnonce)
        assert auth.accept([rfc7616(algorithm)])
        answer = params(auth.authorization("GET", "/dir/index.html") or "")
        assert answer["response"] == response and answer["algorithm"] == algorithm


def test_the_strongest_challenge_wins_and_nc_counts() -> None:
    auth = Authenticator("admin", "pw")
    assert auth.accept(['Basic realm="cam"', rfc7616("MD5"), rfc7616("SHA-256")])
    first, second = (params(auth.authorization("PLAY", "rtsp://cam/x") or "") for _ in range(2))
    assert first["algorithm"] == "SHA-256"
    assert (first["nc"], second["nc"]) == ("00000001", "00000002")
    assert first["nonce"] == second["nonce"]


def test_several_challenges_in_one_header_and_basic() -> None:
    header = 'Digest realm="a", nonce="n1", qop="auth-int", Basic realm="b, with comma"'
    digest, basic = parse_challenges([header])
    assert (digest.scheme, digest.params["nonce"], basic.scheme, basic.params["realm"]) == (
        "digest", "n1", "basic", "b, with comma",
    )  # fmt: skip
    auth = Authenticator("operator", "秘密")
    assert auth.accept([header])  # auth-int alone is not answerable: Basic it is
    assert auth.authorization("GET", "/") == "Basic " + base64.b64encode("operator:秘密".encode()).decode()


def test_no_usable_challenge_and_no_secret_in_repr() -> None:
    auth = Authenticator("admin", "hunter2")
    assert not auth.accept(["Negotiate abc==", 'Digest realm="x", nonce="n", algorithm=SHA-512-256'])
    assert auth.authorization("GET", "/") is None
    assert "hunter2" not in repr(auth)
    assert parse_challenges(['Digest realm="r", nonce="n", stale=TRUE'])[0].stale
