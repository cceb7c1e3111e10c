"""Reading a site's backgrounds for :mod:`detectors.composite`: pictures, folders, video files, a zones file.

The zones file (JSON) maps a background's file name (a picture, or a video for all its frames; ``*``
for every background) to its no-vending zones and, optionally, its ground-plane prior::

    {"cam12_clean.jpg": {"zones": [[[0.1, 0.5], [0.6, 0.5], [0.9, 0.95], [0.0, 0.95]]],
                         "horizon": -0.1, "person_at_bottom": 0.3},
     "*": {"zones": [[[0, 0.4], [1, 0.4], [1, 1], [0, 1]]]}}

Points are normalised (x, y) in 0..1 of the picture's width and height.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from detectors.composite import Background, Composite, CompositeError, Ground, Polygon

PICTURES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
VIDEOS = (".avi", ".mp4", ".mkv", ".mov", ".ts", ".webm")


def _polygon(raw: Any, where: str) -> Polygon:
    if not isinstance(raw, list) or len(raw) < 3:
        raise CompositeError(f"{where}: a zone is a list of at least 3 [x, y] points")
    pts: list[tuple[float, float]] = []
    for j, p in enumerate(raw):
        if not (isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)):
            raise CompositeError(f"{where}[{j}]: a point is [x, y] (numbers), got {p!r}")
        x, y = float(p[0]), float(p[1])
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise CompositeError(f"{where}[{j}]: points are normalised (0..1), got [{x}, {y}]")
        pts.append((x, y))
    return tuple(pts)


def read_zones(path: Path) -> dict[str, tuple[tuple[Polygon, ...], Ground | None]]:
    """The zones file → {file name or '*': (zones, ground or None)}; errors name the file and the key."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CompositeError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except json.JSONDecodeError as exc:
        raise CompositeError(f"{path}: not JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(raw, dict):
        raise CompositeError(
            f"{path}: expected an object of file name → {{zones, horizon, person_at_bottom}}"
        )
    out: dict[str, tuple[tuple[Polygon, ...], Ground | None]] = {}
    for name, entry in raw.items():
        where = f"{path}: {name!r}"
        if not isinstance(entry, dict) or not isinstance(entry.get("zones", []), list):
            raise CompositeError(f"{where}: expected {{'zones': [[[x, y], ...], ...]}}")
        unknown = set(entry) - {"zones", "horizon", "person_at_bottom"}
        if unknown:
            raise CompositeError(f"{where}: unknown field(s) {sorted(unknown)}")
        zones = tuple(_polygon(z, f"{where}.zones[{i}]") for i, z in enumerate(entry.get("zones", [])))
        ground = None
        if "horizon" in entry or "person_at_bottom" in entry:
            try:
                ground = Ground(
                    float(entry.get("horizon", Ground.horizon)),
                    float(entry.get("person_at_bottom", Ground.person_at_bottom)),
                )
            except (TypeError, ValueError) as exc:
                raise CompositeError(f"{where}: horizon and person_at_bottom are numbers") from exc
            if not 0.02 <= ground.person_at_bottom <= 2.0 or ground.horizon >= 0.9:
                raise CompositeError(f"{where}: person_at_bottom is 0.02..2 and horizon below 0.9")
        out[str(name)] = (zones, ground)
    return out


def _video_frames(path: Path, count: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    try:
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        picks = np.linspace(0, max(0, total - 1), count).astype(int) if total > 0 else range(count)
        frames = []
        for i in picks:
            if total > 0:
                cap.set(cv2.CAP_PROP_POS_FRAMES, int(i))
            ok, frame = cap.read()
            if ok and frame is not None:
                frames.append(np.asarray(frame, np.uint8))
        return frames
    finally:
        cap.release()


def load_backgrounds(
    paths: Iterable[Path],
    zones: Mapping[str, tuple[tuple[Polygon, ...], Ground | None]] | None = None,
    frames_per_video: int = 8,
    longest: int = 1280,
) -> list[Background]:
    """Pictures and video frames under ``paths`` as backgrounds (shrunk to ``longest`` px), with their zones.

    Raises :class:`CompositeError` naming the path when a path is missing or holds no usable picture.
    """
    zones = dict(zones or {})
    out: list[Background] = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise CompositeError(f"{root}: no such file or folder")
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        found = 0
        for f in files:
            suffix = f.suffix.lower()
            if suffix in PICTURES:
                img = cv2.imread(str(f), cv2.IMREAD_COLOR)
                frames = [(f.name, img)] if img is not None else []
            elif suffix in VIDEOS:
                frames = [(f"{f.name}#{i}", fr) for i, fr in enumerate(_video_frames(f, frames_per_video))]
            else:
                continue
            entry = zones.get(f.name) or zones.get("*") or ((), None)
            for name, img in frames:
                s = longest / max(img.shape[:2])
                if s < 1:
                    img = cv2.resize(
                        img, (round(img.shape[1] * s), round(img.shape[0] * s)), interpolation=cv2.INTER_AREA
                    )
                out.append(Background(np.asarray(img, np.uint8), name, entry[0], entry[1]))
                found += 1
        if not found:
            raise CompositeError(
                f"{root}: no background pictures found ({', '.join(PICTURES)} pictures or "
                f"{', '.join(VIDEOS)} videos that can be read)"
            )
    if not out:
        raise CompositeError(
            "no background pictures: give the site's clean reference pictures (at least one)"
        )
    return out


def contact_sheet(composites: Iterable[Composite], columns: int = 3, tile_width: int = 480) -> np.ndarray:
    """The composites side by side, vending boxes red, hard negatives green, each named: to look at them."""
    tiles = []
    for comp in composites:
        img = comp.image.copy()
        for o in comp.objects:
            colour = (0, 0, 255) if o.vending else (0, 200, 0)
            cv2.rectangle(img, o.box[:2], (o.box[2] - 1, o.box[3] - 1), colour, 1)
            cv2.putText(
                img, o.kind, (o.box[0], max(10, o.box[1] - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1
            )
        s = tile_width / img.shape[1]
        tiles.append(cv2.resize(img, (tile_width, round(img.shape[0] * s)), interpolation=cv2.INTER_AREA))
    if not tiles:
        raise CompositeError("no composites to show")
    height = max(t.shape[0] for t in tiles)
    tiles = [np.pad(t, ((0, height - t.shape[0]), (0, 0), (0, 0))) for t in tiles]
    blank = np.zeros_like(tiles[0])
    tiles += [blank] * (-len(tiles) % columns)
    rows = [np.hstack(tiles[i : i + columns]) for i in range(0, len(tiles), columns)]
    return np.vstack(rows)
