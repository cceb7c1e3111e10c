"""Root test configuration: Qt offscreen, and no network beyond loopback for any test."""

from __future__ import annotations

import os

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Inherited by decoder workers and other child processes, which install the guard themselves.
os.environ["CITYWALL_NETWORK_GUARD"] = "loopback"
# Ultralytics and friends must never try to reach a hub during tests.
os.environ.setdefault("YOLO_OFFLINE", "1")

from app.netguard import install

install()
