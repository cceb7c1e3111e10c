"""The demo scenes as clips: D1 main + CIF sub MP4s like every demo camera, all rendered in one pass
over the street footage and cached under a hash of everything that shapes them."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import av

from app.demo import synthetic
from app.demo.clips import find_vtest
from app.demo.encode import PROFILES, SUB, ClipWriter, StreamProfile
from app.demo.paths import default_cache_dir
from app.demo.scene_sprites import REAL_BAGS
from app.demo.scenes import (
    MOVED_ON_SCRIPT,
    SCENE_KEYS,
    BinScript,
    Scene,
    SceneKey,
    VendingScript,
    make_scenes,
)
from app.demo.variants import Image, as_image, shrink

log = logging.getLogger(__name__)

SCENE_VERSION = 1  # bump when a script, a sprite, the placement or the clock changes the output
ProgressFn = Callable[[float, str], None]
REAL_DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"


@dataclass(frozen=True)
class SceneClips:
    """The generated scene clips: ``sub``/``main`` map a scene key to its MP4."""

    directory: Path
    source: Literal["vtest", "synthetic"]
    fps: int
    vending: VendingScript
    bin: BinScript
    real_photo: bool  # one pile of bags comes from a real photo
    sub: dict[str, Path] = field(default_factory=dict)
    main: dict[str, Path] = field(default_factory=dict)
    moved_on: VendingScript = MOVED_ON_SCRIPT

    def clip(self, key: str, stream: Literal["sub", "main"] = "sub") -> Path:
        clips = self.sub if stream == "sub" else self.main
        if key not in clips:
            raise KeyError(f"no {stream} clip for scene {key!r} (generated: {', '.join(clips) or 'none'})")
        return clips[key]


def source_frames(src: Path | None, fps: int, count: int) -> Iterator[Image]:
    """``count`` frames of the street at ``fps``: vtest.avi resampled and looped (nearest earlier
    frame, 10 → 15 fps), or the synthetic street when ``src`` is None."""
    if src is None:
        yield from synthetic.frames(fps, count)
        return
    n = 0
    while n < count:
        made = 0
        with av.open(str(src)) as container:
            stream = container.streams.video[0]
            src_fps = float(stream.average_rate or 10)
            decoded = container.decode(stream)
            first = next(decoded, None)
            if first is None:
                raise OSError(f"{src}: no video frames")
            current, index, start = first.to_ndarray(format="bgr24"), 0, n
            while n < count:
                want = int((n - start) * src_fps / fps)
                while index < want:
                    frame = next(decoded, None)
                    if frame is None:
                        break
                    current, index = frame.to_ndarray(format="bgr24"), index + 1
                if index < want:
                    break  # the footage ended: start it again
                yield as_image(current)
                n, made = n + 1, made + 1
        if made == 0:
            raise OSError(f"{src}: no usable frames")


def _fingerprint(src: Path | None) -> dict[str, object]:
    if src is None:
        return {"synthetic": synthetic.SCENE_VERSION}
    st = src.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _photo_fingerprint(photos: Path | None) -> dict[str, object] | None:
    if photos is None:
        return None
    path = photos.joinpath(*REAL_BAGS)
    if not path.is_file():
        return None
    return {"file": REAL_BAGS[-1], "size": path.stat().st_size}


def _clip_name(key: str, p: StreamProfile, params: Mapping[str, Any]) -> str:
    data = {"gen": SCENE_VERSION, "scene": key, "profile": asdict(p), **params}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"scene_{key}_{p.name}_{digest}.mp4"


def generate_scene_clips(
    cache_dir: Path | None = None,
    *,
    source: Path | Literal["auto", "synthetic"] = "auto",
    vending: VendingScript | None = None,
    bins: BinScript | None = None,
    moved_on: VendingScript | None = None,
    photos: Path | Literal["auto"] | None = "auto",
    streams: Sequence[Literal["sub", "main"]] = ("sub", "main"),
    progress: ProgressFn | None = None,
) -> SceneClips:
    """Make (or find in the cache) the scene clips; ``photos`` "auto" uses ``../shared/data/real``
    when it exists (None: generated objects only)."""
    vending, bins, moved_on = vending or VendingScript(), bins or BinScript(), moved_on or MOVED_ON_SCRIPT
    scripts: dict[SceneKey, Any] = {"vending": vending, "bin": bins, "moved_on": moved_on}
    directory = cache_dir or default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    src = find_vtest() if source == "auto" else None if source == "synthetic" else Path(source)
    photo_dir = (REAL_DATA if REAL_DATA.is_dir() else None) if photos == "auto" else photos
    photo_print = _photo_fingerprint(photo_dir)
    if photo_print is None:
        photo_dir = None
    profiles = [PROFILES[s] for s in streams]
    paths: dict[tuple[SceneKey, str], Path] = {}
    for key in SCENE_KEYS:
        params: dict[str, object] = {"src": _fingerprint(src), "script": asdict(scripts[key])}
        if key == "bin":
            params["photo"] = photo_print
        for p in profiles:
            paths[key, p.name] = directory / _clip_name(key, p, params)
    report = progress or (lambda _f, _m: None)
    missing = [k for k in paths if not paths[k].exists()]
    if missing:
        scenes = make_scenes(vending, bins, _largest(missing), photo_dir, moved_on=moved_on)
        _make_clips(src, {k: paths[k] for k in missing}, scenes, report)
    report(1.0, f"demo scenes ready ({len(missing)} made, {len(paths) - len(missing)} cached) in {directory}")
    return SceneClips(
        directory=directory,
        source="vtest" if src else "synthetic",
        fps=SUB.fps,
        vending=vending,
        bin=bins,
        moved_on=moved_on,
        real_photo=photo_dir is not None,
        sub={k: v for (k, s), v in paths.items() if s == "sub"},
        main={k: v for (k, s), v in paths.items() if s == "main"},
    )


def _largest(jobs: Sequence[tuple[SceneKey, str]]) -> tuple[int, int]:
    """The size a scene is rendered at: its largest stream's (the others are shrunk from it)."""
    return max((PROFILES[s] for _, s in jobs), key=lambda p: p.width).size


def _make_clips(
    src: Path | None,
    jobs: Mapping[tuple[SceneKey, str], Path],
    scenes: Mapping[SceneKey, Scene],
    report: ProgressFn,
) -> None:
    """Render every missing clip in one pass over the street footage, each scene once at its largest
    size (D1), then shrunk for the CIF sub stream."""
    fps = SUB.fps
    wanted = {key for key, _ in jobs}
    frames = {key: round(scenes[key].script.length_s * fps) for key in wanted}
    count = max(frames.values())
    writers: list[tuple[SceneKey, Path, Path, ClipWriter]] = []
    try:
        for (key, stream), path in jobs.items():
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")
            writers.append((key, path, tmp, ClipWriter(tmp, PROFILES[stream])))
        for n, street in enumerate(source_frames(src, fps, count)):
            t = n / fps
            for key in wanted:
                if n >= frames[key]:
                    continue
                img = scenes[key].frame(street, t, n)
                for k, _, _, writer in writers:
                    if k == key:
                        writer.write(shrink(img, writer.profile.size))
            if n % fps == 0:
                report(n / count, f"encoding demo scenes ({n // fps} of {count // fps} s)")
        for _, path, tmp, writer in writers:
            writer.close()
            tmp.replace(path)  # atomic: a crash never leaves a half clip under its final name
            log.info("demo scene clip written: %s", path)
    finally:
        for _, _, tmp, writer in writers:
            writer.close()
            tmp.unlink(missing_ok=True)
