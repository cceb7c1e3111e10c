"""How many decoder processes 'auto' starts: enough for the cameras, never more than cores."""

from __future__ import annotations

import pytest

from app.media.supervisor import auto_workers


@pytest.mark.parametrize(
    ("cameras", "per_worker", "cores", "workers"),
    [
        (100, 25, 2, 2),  # the seed centre's workstation: one worker per core, 50 cameras each
        (100, 25, 8, 4),  # cores enough: 25 cameras a worker
        (10, 25, 8, 1),
        (300, 25, 16, 12),
        (0, 25, 4, 1),
        (5, 1, 3, 3),
    ],
)
def test_auto_workers(cameras: int, per_worker: int, cores: int, workers: int) -> None:
    assert auto_workers(cameras, per_worker, cores) == workers
