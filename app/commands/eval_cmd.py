"""`citywall eval`: measure a model or the bin judgement on labelled pictures.

* ``citywall eval MODEL.onnx DIR``: a YOLO model on YOLO-format folders (precision, recall, mAP50,
  confusion, PR curve); refuses a folder where not one image has a label file, naming every place
  it looked;
* ``citywall eval bin_classifier DIR``: the bin classifier on class folders ``overflow/``, ``normal/``;
* ``citywall eval --pairs DIR`` (or any of the above on a folder with a ``pairs.csv``): the full bin
  judgement on (clean reference, later picture) pairs of one bin (:mod:`detectors.bin_pairs`).

Every mode prints the figures at the threshold the rule really uses — the defaults of
:mod:`detectors.rules`, or the site file's with ``--site`` — and marks that point on the PR curve.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.commands.detect_cmds import BIN_RULES, _Bar
from app.commands.detect_cmds import Text as DetectText
from app.commands.training_env import say as _say

if TYPE_CHECKING:
    from detectors.pipeline import PipelineConfig


class Text:
    HELP = "measure a model, the bin classifier or the bin judgement on labelled pictures"
    DESCRIPTION = (
        "An ONNX YOLO model on YOLO-format folders (labels beside the images, in a labels/ tree or in "
        "--labels); the bin classifier on class folders overflow/ and normal/; or, with --pairs (or a "
        "folder holding pairs.csv), the full bin judgement on pairs of a clean reference and a later "
        "picture of one bin. Prints the figures at the threshold the rule uses (its default, or the "
        "site file's with --site) beside the PR curve; with --out writes a JSON report, the confusion "
        "matrix and the PR curve as PNGs."
    )
    NO_LABELS = (
        "{path}: none of the {count} images has a label file (class cx cy w h per line), so there is "
        "nothing to measure. Looked for NAME.txt (NAME of each image) in:\n{places}\n"
        "Give the label folder with --labels DIR, or put the images in .../images/ and their labels in "
        ".../labels/ beside it."
    )
    SOME_UNLABELLED = (
        "note: {missing} of {count} images have no label file and count as pictures without objects "
        "(e.g. {example})"
    )
    NO_INPUT = "give MODEL_OR_RULE and LABELLED_DIR, or --pairs DIR"
    BAD_SITE = "{path}: {error}"
    RULE_SOURCE = "{path}"
    PAIRS_FAILED = "{error}"
    NO_OUT = "(no --out: nothing written)"


def register(sub: Any) -> None:
    ev = sub.add_parser("eval", help=Text.HELP, description=Text.DESCRIPTION)
    ev.add_argument(
        "model",
        nargs="?",
        metavar="MODEL_OR_RULE",
        help="a .onnx model, bin_classifier (or a .npz classifier), or bins with a pairs folder",
    )
    ev.add_argument(
        "labelled", nargs="?", type=Path, metavar="LABELLED_DIR", help="YOLO folders, class folders or pairs"
    )
    ev.add_argument(
        "--pairs", type=Path, metavar="DIR", help="a pairs folder (pairs.csv; format in docs/bin-pairs.md)"
    )
    ev.add_argument("--split", help="pairs: only the pairs of this split (the manifest's split column)")
    ev.add_argument("--out", type=Path, metavar="DIR", help="where the report and PNGs go")
    ev.add_argument(
        "--labels",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="YOLO label folder (repeatable)",
    )
    ev.add_argument(
        "--site", type=Path, metavar="SITE.yaml", help="take the rules' thresholds from this site"
    )
    ev.add_argument("--conf", type=float, default=0.25, help="score at which precision/recall are taken")
    ev.add_argument("--iou", type=float, default=0.5, help="IoU that makes a box match (default 0.5)")
    ev.add_argument(
        "--threshold",
        type=float,
        help="bins: the score that counts as overflowing (default: detection.rules.bins.threshold)",
    )
    ev.set_defaults(handler=handle_eval)


def rule_config(site: Path | None) -> tuple[PipelineConfig, str]:
    """The rules' parameters (site file's or the defaults) and where they came from."""
    from detectors.pipeline import PipelineConfig

    if site is None:
        return PipelineConfig(), "default"
    from app.services.detection.setup import pipeline_config
    from camera_config.loader import load_site

    loaded = load_site(site, resolve_secrets=False)  # ConfigError names file, line and field
    return pipeline_config(loaded.detection), str(site)


def handle_eval(args: argparse.Namespace) -> int:
    from camera_config.issues import ConfigError

    try:
        rules, source = rule_config(args.site)
    except (ConfigError, ValueError) as exc:
        _say(Text.BAD_SITE.format(path=args.site, error=exc))
        return 2
    pairs = _pairs_folder(args)
    if pairs is not None:
        return _eval_pairs(pairs, args, rules, source)
    model: str | None = args.model
    labelled: Path | None = args.labelled
    if model is None or labelled is None:
        _say(Text.NO_INPUT)
        return 2
    if not labelled.is_dir():
        _say(DetectText.NO_DATA.format(path=labelled))
        return 2
    lowered = model.lower()
    try:
        if lowered.endswith(".onnx"):
            return _eval_yolo(Path(model), labelled, args, rules.vending.min_score, source)
        if lowered in BIN_RULES or lowered.endswith(".npz"):
            classifier = None if lowered in BIN_RULES else Path(model)
            threshold = rules.bins.threshold if args.threshold is None else args.threshold
            return _eval_bins(
                classifier, labelled, args, threshold, source if args.threshold is None else "--threshold"
            )
    except (OSError, ValueError, RuntimeError) as exc:
        _say(DetectText.EVAL_FAILED.format(error=exc))
        return 1
    _say(DetectText.UNKNOWN_MODEL.format(model=model))
    return 2


def _pairs_folder(args: argparse.Namespace) -> Path | None:
    """--pairs DIR, or a folder given positionally that holds a pairs manifest."""
    from detectors.bin_pairs import has_manifest

    if args.pairs is not None:
        return Path(args.pairs)
    for given in (args.labelled, Path(args.model) if args.model else None):
        if given is not None and Path(given).is_dir() and has_manifest(Path(given)):
            if given == args.labelled and args.model and args.model.lower().endswith(".onnx"):
                return None  # a YOLO model: its own mode, whatever else the folder holds
            return Path(given)
    return None


def _eval_pairs(folder: Path, args: argparse.Namespace, rules: PipelineConfig, source: str) -> int:
    from detectors.bin_pairs import PairsError, evaluate_pairs, write_pairs_report

    threshold = rules.bins.threshold if args.threshold is None else args.threshold
    options = rules.bin_monitor
    if args.model and args.model.lower().endswith(".npz"):
        options = options.model_copy(update={"classifier": Path(args.model)})
    if not folder.is_dir():
        _say(DetectText.NO_DATA.format(path=folder))
        return 2
    try:
        ev = evaluate_pairs(folder, threshold, split=args.split, options=options, progress=_Bar("pairs"))
    except PairsError as exc:
        _say(Text.PAIRS_FAILED.format(error=exc))
        return 2
    where = (
        "--threshold" if args.threshold is not None else ("its default" if source == "default" else source)
    )
    print(f"the bin judgement (change against the clean reference + classifier), threshold from {where}")
    print(ev.text())
    if args.out is not None:
        files = write_pairs_report(ev, args.out)
        print(DetectText.FILES.format(files=", ".join(files.values())))
    else:
        print(Text.NO_OUT)
    return 0


def _eval_yolo(model: Path, labelled: Path, args: argparse.Namespace, min_score: float, source: str) -> int:
    from detectors.evaluate import NoLabels, evaluate_yolo_folders
    from detectors.train import collect_samples

    if not model.is_file():
        _say(DetectText.NO_MODEL.format(path=model))
        return 2
    try:
        ev = evaluate_yolo_folders(
            model,
            [labelled],
            list(args.labels),
            args.out,
            iou_threshold=args.iou,
            report_conf=args.conf,
            progress=_Bar(model.name),
            rule=("detection.rules.vending.min_score", source, min_score),
        )
    except NoLabels as exc:
        places = "\n".join(f"  - {p}" for p in exc.places)
        _say(Text.NO_LABELS.format(path=labelled, count=exc.images, places=places))
        return 2
    samples = collect_samples([labelled], list(args.labels))
    missing = [s for s in samples if s.label is None]
    if missing:
        _say(
            Text.SOME_UNLABELLED.format(
                missing=len(missing), count=len(samples), example=missing[0].image.name
            )
        )
    print(ev.text())
    print(DetectText.FILES.format(files=", ".join(ev.files.values())) if ev.files else Text.NO_OUT)
    return 0


def _eval_bins(
    classifier: Path | None, labelled: Path, args: argparse.Namespace, threshold: float, source: str
) -> int:
    from detectors.evaluate import evaluate_bin_classifier

    if classifier is not None and not classifier.is_file():
        _say(DetectText.NO_MODEL.format(path=classifier))
        return 2
    folders = sorted(p.name for p in labelled.iterdir() if p.is_dir())
    if not {"overflow", "normal"} <= set(folders):
        _say(DetectText.NO_CLASS_FOLDERS.format(path=labelled, found=", ".join(folders) or "none"))
        return 2
    from detectors.evaluate import class_folder_samples

    if not class_folder_samples(labelled, ["overflow", "normal"]):
        _say(DetectText.NO_IMAGES.format(path=f"{labelled}/overflow, {labelled}/normal"))
        return 2
    ev = evaluate_bin_classifier(
        labelled,
        classifier,
        args.out,
        threshold=threshold,
        progress=_Bar("bin classifier"),
        source=source,
    )
    print(ev.text())
    print(DetectText.FILES.format(files=", ".join(ev.files.values())) if ev.files else Text.NO_OUT)
    return 0
