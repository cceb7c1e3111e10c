"""Demo peers for tests/integration and tests/faults: short demo clips, and the demo RTSP server
(gst-rtsp-server) on loopback. A plugin of the root conftest: one definition, so the session makes
the clips once (a conftest that imported these fixtures defined them again, and made them again).

``demo_clips`` (session): 4 s clips of every variant, sub (CIF) and main (D1), made once per session
in a temporary cache. CITYWALL_TEST_CLIP_CACHE=user reuses the user cache (instant after the first
run); any other value is taken as a cache folder.

``rtsp_server`` (factory): ``rtsp_server(n=1, extra_mounts=(), tcp_only=False)`` starts a
DemoRtspServer with loop mounts cam001..camNNN (CIF clips, variants and start points varied) plus
``extra_mounts`` (manifest entries), on a free loopback port; every server is stopped at teardown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from app.demo.clips import ClipSet, generate_demo_clips
from app.demo.paths import default_cache_dir
from app.demo.rtsp_server import DemoRtspServer

TEST_CLIP_SECONDS = 4.0
StartServer = Callable[..., DemoRtspServer]


@pytest.fixture(scope="session")
def demo_clips(tmp_path_factory: pytest.TempPathFactory) -> ClipSet:
    where = os.environ.get("CITYWALL_TEST_CLIP_CACHE")
    cache = (default_cache_dir() if where == "user" else Path(where)) if where else None
    return generate_demo_clips(cache or tmp_path_factory.mktemp("demo-clips"), duration_s=TEST_CLIP_SECONDS)


def loop_mounts(clips: ClipSet, n: int, prefix: str = "cam") -> list[dict[str, Any]]:
    variants = clips.variants
    return [
        {
            "path": f"{prefix}{i:03d}",
            "file": str(clips.clip(variants[i % len(variants)])),
            "offset_frames": i * 15,
            "mode": "loop",
        }
        for i in range(1, n + 1)
    ]


@pytest.fixture
def rtsp_server(demo_clips: ClipSet) -> Iterator[StartServer]:
    servers: list[DemoRtspServer] = []

    def start(
        n: int = 1, extra_mounts: Sequence[Mapping[str, Any]] = (), tcp_only: bool = False
    ) -> DemoRtspServer:
        mounts = [*loop_mounts(demo_clips, n), *map(dict, extra_mounts)]
        manifest = {"tcp_only": tcp_only, "mounts": mounts}
        server = DemoRtspServer(manifest, port=0)  # the server binds a free port and reports it
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()
