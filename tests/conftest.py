"""Root test configuration: Qt offscreen, no network beyond loopback, no unexplained skip on CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

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
