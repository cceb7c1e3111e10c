"""The skip policy (tests/skip_policy.py): on CI an unexpected skip fails the run and is listed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import skip_policy
from tests.allowed_skips import ALLOWED_SKIPS, AllowedSkip, allowed_reason

REPO = Path(__file__).resolve().parents[2]

INNER = """
import pytest

def test_runs():
    pass

def test_misses_its_tool():
    pytest.skip("frobnicator not installed")

@pytest.mark.skipif(True, reason="needs a frobnicator")
def test_marked():
    pass

@pytest.mark.parametrize("n", [1, 2])
def test_allowed(n):
    pytest.skip("the shared photos are not here")

def test_allowed_for_another_reason():
    pytest.skip("frobnicator not installed")

@pytest.mark.xfail(reason="known bug", strict=True)
def test_known_bug():
    assert False
"""


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_inner=INNER)
    allowed = AllowedSkip(when="shared photos", why="the photos stay out of the repository")
    monkeypatch.setitem(ALLOWED_SKIPS, "test_inner.py::test_allowed", allowed)
    # allowed to skip for one reason only: for another it fails
    monkeypatch.setitem(ALLOWED_SKIPS, "test_inner.py::test_allowed_for_another_reason", allowed)
    monkeypatch.delenv(skip_policy.STRICT_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    return pytester


def test_on_ci_an_unexpected_skip_fails_and_is_listed_with_its_reason(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(skip_policy.STRICT_ENV, "1")
    result = inner.runpytest("-p", "tests.skip_policy", "-rA")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    # the test that skipped in its body fails; the one skipped by a mark fails at set-up
    result.assert_outcomes(passed=1, failed=2, errors=1, skipped=2, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*skips not allowed on CI (tests/allowed_skips.py)*",
            "test_inner.py::test_misses_its_tool: frobnicator not installed",
            "test_inner.py::test_marked: needs a frobnicator",
            "test_inner.py::test_allowed_for_another_reason: frobnicator not installed",
        ]
    )
    assert "test_allowed[" not in result.stdout.str().split("skips not allowed on CI")[1]
    result.stdout.fnmatch_lines(["*skipped on CI, which is not allowed for this test: frobnicator*"])


def test_ci_set_by_the_ci_service_is_strict_too(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = inner.runpytest("-p", "tests.skip_policy")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=2, errors=1, skipped=2, xfailed=1)


def test_off_ci_a_skip_stays_a_skip(inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(skip_policy.STRICT_ENV, "0")  # the project's own switch wins
    result = inner.runpytest("-p", "tests.skip_policy")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=5, xfailed=1)
    assert "skips not allowed" not in result.stdout.str()


def test_a_module_that_skips_itself_fails_the_session_on_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_gone="import pytest\npytest.skip('no frobnicator', allow_module_level=True)\n",
        test_fine="def test_ok():\n    pass\n",
    )
    monkeypatch.setenv(skip_policy.STRICT_ENV, "1")
    result = pytester.runpytest("-p", "tests.skip_policy")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*skips not allowed on CI*", "test_gone.py: no frobnicator"])


def test_every_allowed_skip_names_a_test_that_exists_and_says_why() -> None:
    # (each of them needs the team's ../shared/data development set, which a clean clone does not have)
    assert len(ALLOWED_SKIPS) <= 8, "the allow-list is for the few tests CI truly cannot run"
    for nodeid, (when, why) in ALLOWED_SKIPS.items():
        assert len(why) > 40, f"{nodeid}: say why CI cannot run it"
        path, _, name = nodeid.partition("::")
        source = REPO / path
        assert source.is_file(), f"{nodeid}: no such file"
        functions = {
            n.name for n in ast.walk(ast.parse(source.read_text())) if isinstance(n, ast.FunctionDef)
        }
        assert name.split("[", 1)[0] in functions, f"{nodeid}: no such test"
        assert when in source.read_text(), f"{nodeid}: the test never skips with {when!r}"
        assert allowed_reason(nodeid, f"Skipped: x {when} y") == why
        assert allowed_reason(nodeid, "something else is missing") is None


def test_ci_runs_the_suite_with_strict_skips() -> None:
    script = (REPO / ".ci" / "run").read_text()
    assert f"export {skip_policy.STRICT_ENV}=1" in script
