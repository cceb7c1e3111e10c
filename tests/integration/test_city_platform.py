"""Cases to a real HTTP server that fails, times out, refuses and recovers: each key accepted once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from app.adapters.city_platform import HttpCaseDelivery
from app.core.case_export import DeliveryProblem, PlatformFailure, RetryPolicy, outbox_item
from app.core.case_ports import DeliveryState, OutboxItem
from app.services.case_outbox import OutboxPump, OutboxStatus
from tests.case_fakes import T0, MemoryOutbox, case_versions
from tests.platform_server import PlatformServer
from tests.waiting import wait_until

pytestmark = pytest.mark.peer

ZONE = ZoneInfo("Asia/Shanghai")
TIMEOUT_S = 0.5


@pytest.fixture
def server() -> Iterator[PlatformServer]:
    peer = PlatformServer()
    yield peer
    peer.close()


@pytest.fixture
def delivery(server: PlatformServer) -> HttpCaseDelivery:
    return HttpCaseDelivery(server.url, server.state.token, timeout_s=TIMEOUT_S)


def item(n: int = 1, version: int = 3) -> OutboxItem:
    return outbox_item(case_versions(n)[version - 1], T0, zone=ZONE)


def failure(delivery: HttpCaseDelivery, it: OutboxItem) -> PlatformFailure:
    with pytest.raises(PlatformFailure) as caught:
        delivery.deliver(it)
    return caught.value


# --- one delivery: what each answer means ------------------------------------------------------------
def test_accepted_then_a_repeat_is_a_duplicate(server, delivery):
    assert delivery.deliver(item()) == "P-1"
    assert delivery.deliver(item()) == "duplicate"
    assert server.state.accepted == ["C-1:3"]
    body = server.state.seen[0].body
    assert body is not None and body["idempotency_key"] == "C-1:3" and body["case_id"] == "C-1"


def test_server_errors_and_timeouts_are_retried(server, delivery):
    server.state.plan.append("503")
    fault = failure(delivery, item())
    assert fault.reason == 'server error 503 {"error": "maintenance"}'
    assert (fault.retry, fault.problem) == (True, DeliveryProblem.SERVER_ERROR)
    server.state.plan.append("slow")
    fault = failure(delivery, item())
    assert (fault.reason, fault.retry, fault.problem) == (
        "timed out after 0.5 s",
        True,
        DeliveryProblem.TIMEOUT,
    )


def test_a_closed_port_is_connection_refused(server, delivery):
    server.refuse()
    fault = failure(delivery, item())
    assert fault.reason == "connection refused"
    assert (fault.retry, fault.problem) == (True, DeliveryProblem.REFUSED_CONNECTION)


def test_a_refusal_is_final_and_says_what_the_platform_said(server, delivery):
    server.state.reject_keys.add("C-1:3")
    fault = failure(delivery, item())
    assert fault.reason == 'refused: 422 {"error": "grid_code is not one of ours"}'
    assert (fault.retry, fault.problem) == (False, DeliveryProblem.REJECTED)


def test_a_wrong_token_is_a_settings_problem_retried_not_a_refused_case(server):
    wrong = HttpCaseDelivery(server.url, "not-the-token", timeout_s=TIMEOUT_S)
    fault = failure(wrong, item())
    assert fault.reason == "token not accepted (401): check the city platform settings"
    assert (fault.retry, fault.problem) == (True, DeliveryProblem.CONFIGURATION)


def test_a_redirect_is_not_followed_so_the_token_stays_home(server, delivery):
    server.state.plan.append("redirect")
    fault = failure(delivery, item())
    assert fault.problem is DeliveryProblem.CONFIGURATION and fault.retry
    assert [s.status for s in server.state.seen] == [302]  # nothing went to the Location


def test_the_token_is_in_no_log_line_and_no_exception(server, caplog):
    token = server.state.token
    caplog.set_level(logging.DEBUG)
    delivery = HttpCaseDelivery(server.url, token, timeout_s=TIMEOUT_S)
    texts = [repr(delivery)]
    for plan in ("503", "slow", "422", "redirect"):
        server.state.plan.append(plan)
        texts.append(str(failure(delivery, item(len(texts)))))
    server.refuse()
    texts.append(str(failure(delivery, item(99))))
    with pytest.raises(ValueError) as bad:
        HttpCaseDelivery(f"ftp://user:{token}@host/x", token)
    texts.append(str(bad.value))
    joined = "\n".join([*texts, caplog.text])
    assert token not in joined
    assert "***" in texts[0]


def test_a_body_echoing_the_token_is_redacted_even_where_the_excerpt_cuts_it(server, delivery):
    token = server.state.token
    server.state.plan.append("echo")
    fault = failure(delivery, item())
    assert fault.reason.startswith("refused: 400 ") and '"auth": "Bearer ***"' in fault.reason
    for pad in range(120, 160, 2):  # the reason's excerpt ends somewhere inside the token
        server.state.echo_pad = pad
        server.state.plan.append("echo")
        assert token[:5] not in failure(delivery, item()).reason


def test_bad_settings_are_refused_by_name():
    with pytest.raises(ValueError, match="needs http:// or https://"):
        HttpCaseDelivery("platform.example/cases")
    with pytest.raises(ValueError, match="more than 0 s"):
        HttpCaseDelivery("http://127.0.0.1:1/x", timeout_s=0)


# --- the pump against the server: every case once, in order, through every fault --------------------
def run_pump(store: MemoryOutbox, delivery: HttpCaseDelivery, statuses: list[OutboxStatus]) -> OutboxPump:
    pump = OutboxPump(
        store,
        delivery,
        retry=RetryPolicy(first_s=0.05, cap_s=0.2),
        interval_s=0.02,
        on_status=statuses.append,
    )
    pump.start()
    return pump


@pytest.mark.slow
def test_every_case_is_delivered_exactly_once_through_failures_timeouts_refusal_and_recovery(
    server, delivery
):
    store, statuses = MemoryOutbox(), list[OutboxStatus]()
    cases = {n: case_versions(n) for n in range(1, 9)}
    keys = [f"C-{n}:{v}" for n in cases for v in (1, 2, 3)]
    server.state.reject_keys.add("C-4:2")  # the platform refuses one version for good
    server.state.plan.extend(["503", "503", "slow", "ok", "503", "slow"])
    pump = run_pump(store, delivery, statuses)
    try:
        for n, versions in cases.items():  # changes arrive while the pump works
            for case in versions:
                store.add(outbox_item(case, case.updated_at or T0, zone=ZONE))
            pump.wake()
            if n == 4:  # the platform goes away mid-stream
                wait_until(lambda: len(server.state.accepted) >= 3, 20, "a few accepted before the outage")
                server.refuse()
                wait_until(lambda: "connection refused" in pump.status().last_error, 20, "the refusal shown")
                assert pump.status().waiting > 0
        server.resume()
        wait_until(lambda: store.counts()[DeliveryState.PENDING] == 0, 30, "the outbox to drain")
    finally:
        assert pump.stop()
    accepted = server.state.accepted
    assert len(accepted) == len(set(accepted)), "a key was accepted twice"
    assert set(accepted) == set(keys) - {"C-4:2"}, "a case is missing"
    for n in cases:  # per case, versions arrived in order
        mine = [int(k.split(":")[1]) for k in accepted if k.startswith(f"C-{n}:")]
        assert mine == sorted(mine)
    rejected = [e for e in store.entries() if e.state is DeliveryState.REJECTED]
    assert [(e.item.key, e.last_error) for e in rejected] == [
        ("C-4:2", 'refused: 422 {"error": "grid_code is not one of ours"}')
    ]
    assert store.counts()[DeliveryState.DELIVERED] == len(keys) - 1
    # Each timed-out request was accepted late or its re-send was: one of the two answered 409.
    wait_until(lambda: [s.status for s in server.state.seen].count(409) >= 2, 10, "the slow answers")
    assert len(accepted) == len(set(accepted))
    assert {s.last_problem for s in statuses} >= {
        DeliveryProblem.SERVER_ERROR, DeliveryProblem.TIMEOUT, DeliveryProblem.REFUSED_CONNECTION,
    }  # fmt: skip
    assert statuses[-1].waiting == 0 and statuses[-1].rejected == 1 and not statuses[-1].running


def test_a_key_the_platform_already_has_counts_as_delivered(server, delivery):
    store, statuses = MemoryOutbox(), list[OutboxStatus]()
    server.state.accepted.append("C-1:1")  # it got there before a crash
    store.add(item(1, 1))
    pump = run_pump(store, delivery, statuses)
    try:
        wait_until(lambda: store.counts()[DeliveryState.DELIVERED] == 1, 10, "the duplicate to count")
    finally:
        assert pump.stop()
    assert server.state.requests_for("C-1:1") == [409]
