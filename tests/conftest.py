"""Root test configuration: Qt offscreen, no network beyond loopback, no unexplained skip on CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import filelock
import pytest

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Inherited by decoder workers and other child processes, which install the guard themselves.
os.environ["CITYWALL_NETWORK_GUARD"] = "loopback"
# Ultralytics and friends must never try to reach a hub during tests.
os.environ.setdefault("YOLO_OFFLINE", "1")

from app.netguard import install

install()

# On CI a skip outside tests/allowed_skips.py fails the run; pytester tests that rule. The
# PostgreSQL server of the contract tests is started once per session, by the first test using it;
# so are the demo clips of the integration and fault tests.
pytest_plugins = ("pytester", "tests.skip_policy", "tests.pg_server", "tests.demo_fixtures")


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A test that switches the interface to Chinese must not leave the next test in Chinese."""
    yield
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication

        if QCoreApplication.instance() is not None:
            from app.ui.i18n import Translations

            Translations().set_language("en")


@pytest.fixture(autouse=True, scope="module")
def _one_heavy_module_at_a_time(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """With two test processes (pytest-xdist), a module marked ``heavy`` (a hundred cameras, a
    training run: either fills both cores) never runs beside another: the second waits for the
    first, while light modules go on beside it. Their timings then mean what they say."""
    if request.node.get_closest_marker("heavy") is None or "PYTEST_XDIST_WORKER" not in os.environ:
        yield
        return
    # The workers' temporary folders share one parent: the run's own.
    with filelock.FileLock(tmp_path_factory.getbasetemp().parent / "heavy-module.lock"):
        yield
