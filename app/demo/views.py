"""Shared views for the demo site: one per street, in layouts an operator would pick."""

from __future__ import annotations

from pathlib import Path

from app.adapters.view_store import ViewFile
from app.core.wall_layout import WallView, grid_for_count
from camera_config.models import SiteConfig

SPAN_BY_SIZE = ((6, "1+5"), (8, "1+7"), (10, "2+8"), (13, "1+12"), (17, "1+16"))


def seed_demo_views(site: SiteConfig, path: Path) -> None:
    """Write the demo's shared views unless the file exists (an operator may have changed them)."""
    if path.exists():
        return
    views = []
    for group in site.groups:
        cameras = tuple(c.id for c in site.cameras if c.group == group.id)
        if not cameras:
            continue
        layout = next(
            (name for size, name in SPAN_BY_SIZE if len(cameras) <= size), grid_for_count(len(cameras)).name
        )
        views.append(WallView(group.name, layout, cameras, shared=True))
    ViewFile(path, shared=True).save([], views)
