"""Camera search bench: what the tree's pinyin search costs on a large site.

    .venv/bin/python bench/camera_search.py [--cameras 500] [--seconds 10]

Builds ``--cameras`` cameras with Chinese street names (groups, grid codes, one in four PTZ), then,
until ``--seconds`` have passed (at least once each):

1. ``keys``: the search keys of every camera (:func:`app.services.camera_search.search_keys`,
   pinyin and initials), which the camera tree works out once when it is built;
2. ``keystroke``: one key typed in the camera tree's search field (offscreen), the tree filtered
   and redrawn, for each prefix of "jfl", "renmin" and "3701".

Medians are printed; the last line is ``RESULT keys_s=… keystroke_ms=… keystroke_max_ms=… cameras=…``.
A measurement: it exits 0 whatever the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services.camera_search import search_keys  # noqa: E402
from app.ui.camera_tree import CameraTree  # noqa: E402
from app.ui.wall.compositor import TileInfo  # noqa: E402
from tests.ui.fakes import FakeSource  # noqa: E402  (all cameras live: no processes to start)

STREETS = [
    "解放路",
    "人民路",
    "和平路",
    "重庆路",
    "长安街",
    "建设大道",
    "中山路",
    "银行街",
    "朝阳路",
    "青年路",
]
SPOTS = ["口东", "口西", "菜市场", "学校门口", "公交站", "商铺门口", "北门", "广场"]
TYPED = ["jfl", "renmin", "3701"]


def cameras(n: int) -> list[TileInfo]:
    return [
        TileInfo(
            f"cam{i:04d}",
            f"{STREETS[i % len(STREETS)]}{SPOTS[i // len(STREETS) % len(SPOTS)]}{i}号",
            f"3701020010{i:05d}",
            f"g{i % 10}",
            ptz=i % 4 == 0,
        )
        for i in range(n)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cameras", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    infos = cameras(args.cameras)
    groups: list[tuple[str, str, str | None]] = [(f"g{i}", f"{STREETS[i]}街道", None) for i in range(10)]
    tree = CameraTree(FakeSource([i.camera_id for i in infos]), infos, groups)
    tree.resize(300, 800)
    tree.show()
    app.processEvents()
    keys: list[float] = []
    strokes: list[float] = []
    end = time.monotonic() + args.seconds
    while not keys or time.monotonic() < end:
        started = time.perf_counter()
        for info in infos:
            search_keys(info.name, info.camera_id, info.grid_code)
        keys.append(time.perf_counter() - started)
        for word in TYPED:
            tree.search.clear()
            app.processEvents()
            for length in range(1, len(word) + 1):
                started = time.perf_counter()
                tree.search.setText(word[:length])
                tree.view.viewport().repaint()
                app.processEvents()
                strokes.append(time.perf_counter() - started)
    keys_s = statistics.median(keys)
    stroke_ms = statistics.median(strokes) * 1000
    print(f"search keys of {args.cameras} cameras: {keys_s * 1000:.1f} ms (median of {len(keys)})")
    print(f"one key typed: {stroke_ms:.2f} ms median, {max(strokes) * 1000:.2f} ms max ({len(strokes)} keys)")
    print(
        f"RESULT keys_s={keys_s:.4f} keystroke_ms={stroke_ms:.2f} "
        f"keystroke_max_ms={max(strokes) * 1000:.2f} cameras={args.cameras}"
    )
    tree.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
