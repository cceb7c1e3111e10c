"""Integration fixtures: ``demo_clips`` and ``rtsp_server`` come from tests/demo_fixtures.py, a plugin of
the root conftest (tests/faults shares them); the names below stay importable from here.
``scratch_model`` (tests/scratch_model.py): one model trained one epoch, shared by the training tests."""

from __future__ import annotations

from tests.demo_fixtures import TEST_CLIP_SECONDS, StartServer, loop_mounts
from tests.scratch_model import scratch_model

__all__ = ["TEST_CLIP_SECONDS", "StartServer", "loop_mounts", "scratch_model"]
