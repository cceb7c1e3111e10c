#!/usr/bin/env python3
"""Make the real bin pairs folder for `citywall eval --pairs` (see detectors/real_pairs.py for what
the pairs are): real frames of vtest.avi and the parking-lot clip, with rubbish cut from the
Amsterdam photos of ../shared/data/real pasted for "overflow". Nothing it writes goes into git.

Usage: .venv/bin/python scripts/make_bin_pairs.py [--data ../shared/data/real] [--out build/bin_pairs]
then:  .venv/bin/python -m app eval --pairs build/bin_pairs --split test --out build/eval
--fresh: the fresh held-out pairs instead (other spots, other photos; default out build/bin_pairs_fresh).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.real_pairs import (  # noqa: E402
    PARKING_CLIP,
    find_real_data,
    make_fresh_pairs,
    make_real_pairs,
)

VTEST = ROOT / "resources" / "demo" / "vtest.avi"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--data", type=Path, default=find_real_data(ROOT) or ROOT.parent / "shared" / "data" / "real"
    )
    ap.add_argument("--vtest", type=Path, default=VTEST)
    ap.add_argument("--out", type=Path, help="default build/bin_pairs (--fresh: build/bin_pairs_fresh)")
    ap.add_argument("--fresh", action="store_true", help="the fresh held-out pairs (split fresh)")
    args = ap.parse_args()
    if args.out is None:
        args.out = ROOT / "build" / ("bin_pairs_fresh" if args.fresh else "bin_pairs")
    if not (args.data / "bins" / "overflow").is_dir():
        print(
            f"{args.data}/bins/overflow: not found (the real photos the rubbish is cut from)", file=sys.stderr
        )
        return 2
    clips = {"vtest": args.vtest, "parking": args.data / PARKING_CLIP}
    missing = [f"{k}: {v}" for k, v in clips.items() if not v.is_file()]
    if missing:
        print(
            "clips not found: " + "; ".join(missing) + " (scripts/fetch_vtest.sh fetches vtest.avi)",
            file=sys.stderr,
        )
        return 2

    def bar(done: int, total: int) -> None:
        print(f"\rspots {done}/{total}", end="\n" if done >= total else "", file=sys.stderr, flush=True)

    make = make_fresh_pairs if args.fresh else make_real_pairs
    counts = make(args.data, clips, args.out, bar)
    print(
        f"{args.out}: {counts['pairs']} pairs ({counts['overflow']} overflow, {counts['normal']} normal) "
        f"at {counts['spots']} spots"
    )
    print((args.out / "README.txt").read_text(encoding="utf-8"), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
