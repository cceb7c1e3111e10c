"""Demo clips: real street footage (OpenCV's vtest.avi) re-encoded as camera sub and main streams.

Several framings/lightings of the footage (see ``variants``) make 100 tiles look like 100 cameras.
Clips are cached under a content hash, so only the first run pays for encoding.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

import av

from app.demo import synthetic
from app.demo.encode import MAIN, PROFILES, SUB, ClipWriter, StreamProfile
from app.demo.paths import DEBIAN_VTEST, RESOURCES, default_cache_dir
from app.demo.variants import VARIANTS, Image, Variant, as_image, render, shrink, variant

log = logging.getLogger(__name__)

GENERATOR_VERSION = 2  # bump when variants, encode or synthetic change the output
DEFAULT_DURATION_S = 36.0
VTEST_ENV = "CITYWALL_VTEST"
TRUNCATE_FRACTION = 0.4
StreamName = Literal["sub", "main"]
ProgressFn = Callable[[float, str], None]


@dataclass(frozen=True)
class ClipSet:
    """Paths of generated clips; ``sub``/``main`` map a variant name to its MP4."""

    directory: Path
    source: Literal["vtest", "synthetic"]
    source_path: Path | None
    fps: int
    sub: dict[str, Path] = field(default_factory=dict)
    main: dict[str, Path] = field(default_factory=dict)
    truncated: Path | None = None  # first 40 % of a sub clip's bytes: plays a while, then breaks
    garbage: Path | None = None  # Annex-B H.264 slices of random bytes: no decoder gets a picture

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(self.sub or self.main)

    def clip(self, name: str, stream: StreamName = "sub") -> Path:
        clips = self.sub if stream == "sub" else self.main
        if name not in clips:
            raise KeyError(f"no {stream} clip for variant {name!r} (generated: {', '.join(clips) or 'none'})")
        return clips[name]


def find_vtest() -> Path | None:
    """vtest.avi from $CITYWALL_VTEST, resources/demo (scripts/fetch_vtest.sh) or Debian's opencv-doc."""
    env = os.environ.get(VTEST_ENV)
    candidates = [Path(env)] if env else []
    candidates += [RESOURCES / "vtest.avi", DEBIAN_VTEST]
    return next((p for p in candidates if p.is_file()), None)


def generate_demo_clips(
    cache_dir: Path | None = None,
    *,
    duration_s: float = DEFAULT_DURATION_S,
    source: Path | Literal["auto", "synthetic"] = "auto",
    variants: Sequence[str] | None = None,
    streams: Sequence[StreamName] = ("sub", "main"),
    progress: ProgressFn | None = None,
) -> ClipSet:
    """Make (or find in the cache) every clip; ``duration_s`` is capped at the source's length."""
    directory = cache_dir or default_cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    src_path = find_vtest() if source == "auto" else None if source == "synthetic" else Path(source)
    if src_path is None:
        log.warning(
            "vtest.avi not found ($%s, %s, %s): demo clips use a synthetic street scene "
            "(run scripts/fetch_vtest.sh for real footage)",
            VTEST_ENV,
            RESOURCES,
            DEBIAN_VTEST,
        )
    fingerprint = _fingerprint(src_path)
    chosen = [variant(n) for n in variants] if variants is not None else list(VARIANTS)
    jobs = [(v, PROFILES[s]) for s in streams for v in chosen]
    paths = {(v.name, p.name): directory / _clip_name(v, p, fingerprint, duration_s) for v, p in jobs}
    missing = [(v, p, paths[v.name, p.name]) for v, p in jobs if not paths[v.name, p.name].exists()]
    report = progress or (lambda _f, _m: None)
    if missing:
        _make_clips(src_path, missing, duration_s, report)
    sub = {v.name: paths[v.name, "sub"] for v, p in jobs if p is SUB}
    main = {v.name: paths[v.name, "main"] for v, p in jobs if p is MAIN}
    first = next(iter(sub.values() or main.values()), None)  # the truncated copy prefers a CIF clip
    report(1.0, f"demo clips ready ({len(missing)} made, {len(jobs) - len(missing)} cached) in {directory}")
    return ClipSet(
        directory=directory,
        source="vtest" if src_path else "synthetic",
        source_path=src_path,
        fps=SUB.fps,
        sub=sub,
        main=main,
        truncated=_truncated_copy(first) if first else None,
        garbage=_garbage_file(directory),
    )


def _fingerprint(src: Path | None) -> dict[str, object]:
    if src is None:
        return {"synthetic": synthetic.SCENE_VERSION}
    st = src.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _clip_name(v: Variant, p: StreamProfile, fingerprint: dict[str, object], duration_s: float) -> str:
    params = {
        "gen": GENERATOR_VERSION,
        "src": fingerprint,
        "variant": asdict(v),
        "profile": asdict(p),
        "duration_s": duration_s,
    }
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    return f"{v.name}_{p.name}_{digest}.mp4"


def _make_clips(
    src: Path | None, jobs: list[tuple[Variant, StreamProfile, Path]], duration_s: float, report: ProgressFn
) -> None:
    """Encode every job in one pass over the source; each variant is rendered once, at its largest size."""
    fps = jobs[0][1].fps
    count = _frame_count(src, fps, duration_s)
    outputs: dict[Variant, list[tuple[Path, Path, ClipWriter]]] = {}
    try:
        for v, p, path in jobs:
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.part.mp4")
            outputs.setdefault(v, []).append((path, tmp, ClipWriter(tmp, p)))
        source = synthetic.frames(fps, count) if src is None else _source_frames(src, fps, count)
        for n, frame in enumerate(source):
            for v, outs in outputs.items():
                largest = max(w.profile.size for _, _, w in outs)
                img = render(v, frame, largest)
                for _, _, w in outs:
                    w.write(shrink(img, w.profile.size))
            if n % fps == 0:
                report(n / count, f"encoding {len(jobs)} demo clips ({n // fps} of {count // fps} s)")
        for path, tmp, w in (o for outs in outputs.values() for o in outs):
            w.close()
            tmp.replace(path)  # atomic: a crash never leaves a half clip under its final name
            log.info("demo clip written: %s", path)
    finally:
        for _, tmp, w in (o for outs in outputs.values() for o in outs):
            w.close()
            tmp.unlink(missing_ok=True)


def _frame_count(src: Path | None, fps: int, duration_s: float) -> int:
    if src is not None:
        with av.open(str(src)) as c:
            stream = c.streams.video[0]
            if stream.duration is not None and stream.time_base is not None:
                duration_s = min(duration_s, float(stream.duration * stream.time_base))
    return max(1, int(duration_s * fps))


def _source_frames(src: Path, fps: int, count: int) -> Iterator[Image]:
    """Source frames resampled to ``fps`` by repeating the nearest earlier frame (10 -> 15 fps)."""
    with av.open(str(src)) as c:
        stream = c.streams.video[0]
        src_fps = float(stream.average_rate or 10)
        decoded = c.decode(stream)
        current, index = next(decoded).to_ndarray(format="bgr24"), 0
        for n in range(count):
            want = int(n * src_fps / fps)
            while index < want:
                frame = next(decoded, None)
                if frame is None:
                    return
                current, index = frame.to_ndarray(format="bgr24"), index + 1
            yield as_image(current)


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file and rename, so a crash never leaves a half clip in the cache."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def _truncated_copy(clip: Path) -> Path:
    path = clip.with_name(f"truncated_{clip.name}")
    if not path.exists():
        data = clip.read_bytes()
        _atomic(path, lambda tmp: tmp.write_bytes(data[: int(len(data) * TRUNCATE_FRACTION)]))
    return path


def _garbage_file(directory: Path) -> Path:
    """Deterministic H.264-looking junk: start codes and slice headers, random payloads, no SPS/PPS."""
    path = directory / f"garbage_v{GENERATOR_VERSION}.h264"
    if not path.exists():
        rng = random.Random(0xC17)
        units = [
            b"\x00\x00\x00\x01"
            + bytes([0x65 if i % 15 == 0 else 0x41])
            + rng.randbytes(rng.randint(400, 3000))
            for i in range(90)
        ]
        _atomic(path, lambda tmp: tmp.write_bytes(b"".join(units)))
    return path
