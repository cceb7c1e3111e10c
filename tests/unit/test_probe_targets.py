"""What an integrator types into "Probe addresses": every form, and every mistake said precisely."""

from __future__ import annotations

import pytest

from app.adapters.onvif.targets import (
    DEFAULT_PORTS,
    MAX_ADDRESSES,
    Target,
    TargetError,
    TargetProblem,
    parse_ports,
    parse_targets,
)


def hosts(text: str) -> list[str]:
    return [t.host for t in parse_targets(text)]


def test_single_addresses_with_and_without_a_port() -> None:
    assert parse_targets("10.1.2.30") == (Target("10.1.2.30"),)
    assert parse_targets("10.1.2.30:8080") == (Target("10.1.2.30", 8080),)
    assert parse_targets("[fe80::1]:81, fe80::2") == (Target("fe80::1", 81), Target("fe80::2"))
    assert parse_targets("Cam-7.Local:8899") == (Target("cam-7.local", 8899),)
    assert Target("fe80::1").netloc(80) == "[fe80::1]:80" and Target("10.0.0.1").netloc(80) == "10.0.0.1:80"


def test_lists_ranges_and_subnets() -> None:
    # Any separator an integrator might paste, the Chinese ones too; each address once, in order.
    assert hosts("10.0.0.9，10.0.0.1-3、10.0.0.2;\n10.0.0.9") == [
        "10.0.0.9",
        "10.0.0.1",
        "10.0.0.2",
        "10.0.0.3",
    ]
    assert hosts("10.1.2.10-10.1.2.12") == ["10.1.2.10", "10.1.2.11", "10.1.2.12"]
    subnet = parse_targets("192.168.5.0/24")
    assert len(subnet) == 254 and subnet[0].host == "192.168.5.1" and subnet[-1].host == "192.168.5.254"
    # Addresses in a range are not "named": a silent one is counted, not listed.
    assert not any(t.named for t in subnet) and parse_targets("10.0.0.5")[0].named
    assert len(parse_targets("10.0.0.0/24, 10.0.1.0/31")) == MAX_ADDRESSES


@pytest.mark.parametrize(
    ("text", "problem", "item", "count"),
    [
        ("  ", TargetProblem.EMPTY, "", 0),
        ("10.0.0.0/23", TargetProblem.RANGE_TOO_LARGE, "10.0.0.0/23", 512),
        ("10.0.0.1-10.0.1.44", TargetProblem.RANGE_TOO_LARGE, "10.0.0.1-10.0.1.44", 300),
        ("10.0.0.0/24 10.0.1.0/29", TargetProblem.TOO_MANY, "10.0.1.0/29", 257),
        ("10.0.0.9-3", TargetProblem.RANGE_BACKWARDS, "10.0.0.9-3", 0),
        ("10.0.0.300", TargetProblem.NOT_AN_ADDRESS, "10.0.0.300", 0),
        ("10.0.0.1-256", TargetProblem.NOT_AN_ADDRESS, "10.0.0.1-256", 0),
        ("cam_7", TargetProblem.NOT_AN_ADDRESS, "cam_7", 0),
        ("10.0.0.1:0", TargetProblem.BAD_PORT, "0", 0),
        ("10.0.0.1:http", TargetProblem.BAD_PORT, "http", 0),
        ("10.0.0.0/24:8080", TargetProblem.PORT_ON_RANGE, "10.0.0.0/24:8080", 0),
        ("10.0.0.1-9:8080", TargetProblem.PORT_ON_RANGE, "10.0.0.1-9:8080", 0),
    ],
)
def test_mistakes_are_named(text: str, problem: TargetProblem, item: str, count: int) -> None:
    with pytest.raises(TargetError) as caught:
        parse_targets(text)
    assert (caught.value.problem, caught.value.item, caught.value.count) == (problem, item, count)


def test_ports() -> None:
    assert parse_ports("") == DEFAULT_PORTS and 80 in DEFAULT_PORTS
    assert parse_ports("8899, 80 8899") == (8899, 80)
    with pytest.raises(TargetError) as caught:
        parse_ports("80 81 82 83 84 85 86 87 88")
    assert caught.value.problem is TargetProblem.TOO_MANY_PORTS
    with pytest.raises(TargetError):
        parse_ports("70000")
