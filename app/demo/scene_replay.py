"""The scripted demo scenes as replay samples with their labels: real street footage (vtest.avi)
with a stall pushed in and out, or a bin filling up and emptied, on a known timeline.

Only the checked frames are rendered (the street is decoded in full, the scene drawn at the check
times), so replaying a scene costs what its checks cost. The labels come from the scene's script:
the stall standing in its spot (``appear_s`` to ``leave_s``), the bin full (``full_at_s`` to
``emptied_s``), in the scene's zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from app.demo.clips import find_vtest
from app.demo.scene_clips import source_frames
from app.demo.scenes import BinScene, Scene, scene_zones
from app.demo.variants import shrink
from detectors.replay import Interval, Sample

SCENE_FPS = 10  # vtest.avi's own rate: every frame of the street is a real one


def scene_labels(scene: Scene) -> list[Interval]:
    """When the scene's object is there, in one loop of its clip (clip time)."""
    zone = next(z.id for z in scene_zones()[scene.key] if z.kind in ("no_vending", "bin"))
    if isinstance(scene, BinScene):
        return [Interval("bin", scene.script.full_at_s, scene.script.emptied_s, zone)]
    return [Interval("vending", scene.script.appear_s, scene.script.leave_s, zone)]


def scene_samples(
    scene: Scene,
    every_s: float,
    seconds: float,
    *,
    phase_s: float = 0.0,
    size: tuple[int, int] | None = None,
) -> Iterator[Sample]:
    """A check every ``every_s`` (the first at ``phase_s``) over ``seconds`` of the scene's looping
    clip, rendered at the scene's size and shrunk to ``size``; the synthetic street where vtest.avi
    is missing."""
    length = scene.script.length_s
    fps = SCENE_FPS
    count = math.ceil(seconds * fps)
    next_check = phase_s
    for n, street in enumerate(source_frames(find_vtest(), fps, count)):
        t = n / fps
        if t + 1e-6 < next_check:
            continue
        while next_check <= t + 1e-6:
            next_check += every_s
        clip_t = t % length
        m = round(clip_t * fps)  # the frame number in the clip (the pasted objects' noise is seeded by it)
        picture = scene.frame(street, clip_t, m)
        if size is not None:
            picture = shrink(picture, size)
        yield Sample(picture, t, clip_t, int(t // length))
