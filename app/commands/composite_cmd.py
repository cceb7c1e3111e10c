"""`citywall composite`: training scenes made on the site's own clean pictures (detectors.composite).

    citywall composite --backgrounds CLEAN_DIR_OR_VIDEO... --out DIR [-n 300] [--zones zones.json]

writes a YOLO folder (images/, labels/, classes.txt, manifest.json) of stalls, umbrellas and carts
labelled ``street_vendor`` and bags, boxes, bulky waste, containers, bins and sign boards pasted as
unlabelled hard negatives. The folder is ready for ``citywall train`` (and ``--extra`` of the verdict
fine-tune). Real cut-outs come from ``../shared/data/real`` (or ``--real-data``) where it exists.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detectors.composite import Composite


class Text:
    HELP = "make training scenes on the site's pictures: stalls to find; bins, bags and signs not to"
    DESCRIPTION = (
        "Pastes street stalls, umbrellas and carts (class 0 street_vendor) and bags, boxes, bulky waste, "
        "containers, bins and sign boards (hard negatives, no label) standing in the no-vending zones of "
        "the site's clean reference pictures, at the size perspective gives them, with a contact shadow "
        "and the scene's light and noise. Writes a YOLO folder with a manifest of what each picture holds "
        "and where every cut-out came from."
    )
    NO_REAL = "note: {path} not found: bags, boxes and containers are generated drawings, not real cut-outs"
    REAL = "real cut-outs from {path}: {count}"
    PROGRESS = "\rcomposites {done}/{total}"
    DONE = (
        "wrote {count} pictures ({positives} with stalls, {negatives} hard negatives only) to {out}\n"
        "manifest: {manifest}"
    )
    FAILED = "citywall composite: {error}"


def register(sub: Any) -> None:
    p = sub.add_parser("composite", help=Text.HELP, description=Text.DESCRIPTION)
    p.add_argument(
        "--backgrounds",
        type=Path,
        nargs="+",
        required=True,
        metavar="PATH",
        help="clean pictures of the site's cameras: picture files, folders of them, or video files",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="the YOLO folder to write")
    p.add_argument("-n", "--count", type=int, default=300, help="pictures to make (default 300)")
    p.add_argument("--zones", type=Path, metavar="JSON", help="no-vending zones per picture (see docs)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same pictures (default 0)")
    p.add_argument("--negatives", type=float, default=0.5, help="share of pictures with only hard negatives")
    p.add_argument("--frames-per-video", type=int, default=8, help="frames taken from each video (default 8)")
    p.add_argument(
        "--sheet", type=Path, metavar="PNG", help="also draw the first 12 pictures, boxed, into PNG"
    )
    p.add_argument("--real-data", type=Path, help="folder of the real photos (default ../shared/data/real)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import cv2

    from detectors.composite import CompositeError, Options, compose, write_yolo
    from detectors.composite_io import contact_sheet, load_backgrounds, read_zones
    from detectors.cutouts import default_real_data, real_cutouts

    try:
        if args.count < 1:
            raise CompositeError(f"-n {args.count}: make at least one picture")
        if not 0.0 <= args.negatives <= 1.0:
            raise CompositeError(f"--negatives {args.negatives}: a share between 0 and 1")
        zones = read_zones(args.zones) if args.zones else None
        backgrounds = load_backgrounds(args.backgrounds, zones, args.frames_per_video)
        real = args.real_data or default_real_data()
        if real.is_dir():
            print(Text.REAL.format(path=real, count=len(real_cutouts(real))), file=sys.stderr)
        else:
            print(Text.NO_REAL.format(path=real), file=sys.stderr)
        comps = compose(
            backgrounds,
            args.count,
            args.seed,
            real_data=real if real.is_dir() else None,
            options=Options(negative_share=args.negatives),
        )
        positives = 0
        shown: list[Composite] = []

        def counted() -> Iterator[Composite]:
            nonlocal positives
            for c in comps:
                positives += any(o.vending for o in c.objects)
                if args.sheet and len(shown) < 12:
                    shown.append(c)
                yield c

        def progress(done: int) -> None:
            print(Text.PROGRESS.format(done=done, total=args.count), end="", file=sys.stderr, flush=True)

        manifest = write_yolo(
            counted(),
            args.out,
            seed=args.seed,
            progress=progress,
            extra={
                "backgrounds": [str(p) for p in args.backgrounds],
                "real_data": str(real) if real.is_dir() else None,
            },
        )
        if args.sheet:
            args.sheet.parent.mkdir(parents=True, exist_ok=True)
            if not cv2.imwrite(str(args.sheet), contact_sheet(shown)):
                raise CompositeError(f"{args.sheet}: cannot write the contact sheet (a .png name?)")
    except (CompositeError, OSError) as exc:
        print(Text.FAILED.format(error=exc), file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(
        Text.DONE.format(
            count=args.count,
            positives=positives,
            negatives=args.count - positives,
            out=args.out,
            manifest=manifest,
        )
    )
    return 0
