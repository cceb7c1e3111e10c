"""On CI a skipped test is a failed test, unless ``tests/allowed_skips.py`` names it, its skip and why.

A skip is how a missing tool, model or footage hides: on a developer's machine it says what is
missing; on CI, which sets everything up (``scripts/setup.sh --tests``), it means a test that never
ran while the run stayed green. Strict when ``CITYWALL_STRICT_SKIPS=1`` (``.ci/run`` sets it) or,
where that is unset, when ``CI`` is true (what CI services set); ``CITYWALL_STRICT_SKIPS=0`` turns
it off. An unexpected skip of a test fails that test, with its reason; a skip at collection (a
whole module) fails the session. Either way the end of the run lists them. xfail is not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Generator

import pytest

from tests.allowed_skips import allowed_reason

STRICT_ENV = "CITYWALL_STRICT_SKIPS"
_unexpected = pytest.StashKey[list[str]]()


def strict_skips() -> bool:
    """Whether skips outside the allow-list fail the run (see the module's docstring)."""
    own = os.environ.get(STRICT_ENV, "").strip().lower()
    if own:
        return own not in ("0", "false", "no", "off")
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: why")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_unexpected] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if not report.skipped or hasattr(report, "wasxfail") or not strict_skips():
        return report
    why = _reason(report)
    if allowed_reason(item.nodeid, why) is not None:
        return report
    item.config.stash[_unexpected].append(f"{item.nodeid}: {why}")
    report.outcome = "failed"
    report.longrepr = (
        f"skipped on CI, which is not allowed for this test: {why}\n"
        "Make what it needs part of the set-up (scripts/setup.sh --tests), or add it to "
        "tests/allowed_skips.py with the reason CI cannot run it."
    )
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if report.skipped and strict_skips() and allowed_reason(report.nodeid, _reason(report)) is None:
        # No test to fail (a whole module skipped itself): the session fails at its end instead.
        collector.config.stash[_unexpected].append(f"{report.nodeid}: {_reason(report)}")
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    if session.config.stash.get(_unexpected, []) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    found = terminalreporter.config.stash.get(_unexpected, [])
    if found:
        terminalreporter.section("skips not allowed on CI (tests/allowed_skips.py)", red=True, bold=True)
        for line in found:
            terminalreporter.line(line, red=True)
