"""Where the demo's files live: shipped resources and the per-user clip cache."""

from __future__ import annotations

from pathlib import Path

import platformdirs

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "demo"
SERVER_SCRIPT = RESOURCES / "gst_rtsp_server.py"
DEBIAN_VTEST = Path("/usr/share/doc/opencv-doc/examples/data/vtest.avi")


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("citywall")) / "demo"
