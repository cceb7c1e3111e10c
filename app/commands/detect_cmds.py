"""`citywall train` and `citywall eval`: make a detector from labelled pictures, and measure one.

* ``citywall train DATA --out DIR``: a YOLO detector trained on YOLO-format folders (images and one
  ``.txt`` of ``class cx cy w h`` per image) or a ``data.yaml``, exported to ONNX with its class
  names in the file's metadata. Training needs torch + ultralytics, which live only in the separate
  training environment ``.venv-train`` (``scripts/setup_train_env.sh``); the app never imports them.
* ``citywall eval`` (in :mod:`app.commands.eval_cmd`): an ONNX model on YOLO folders (precision,
  recall, mAP50, confusion matrix, PR curve), or the bin classifier (``bin_classifier`` or an
  ``.npz``) on class folders ``overflow/`` and ``normal/`` (accuracy, confusion matrix, PR curve).

Which model class raises which event is configuration: ``detection.class_events`` in the site file
(e.g. ``stall: "0501"``, ``goods: "0504"``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.commands import finetune_cmd
from app.commands.training_env import say as _say
from app.commands.training_env import say_epoch, training_python

BIN_RULES = ("bin_classifier", "bin", "bins", "bin_overflow")
FINETUNE_EPOCHS = 10


class Text:
    """Every message of this module, in one place for translation."""

    TRAIN_HELP = "train a YOLO detector on labelled pictures and export it to ONNX (needs .venv-train)"
    TRAIN_DESCRIPTION = (
        "Trains a YOLO detector (ultralytics, on the CPU) from YOLO-format folders or a data.yaml and "
        "exports it to ONNX with its class names in the metadata, ready for detection.detectors.onnx_yolo."
    )
    EVAL_HELP = "measure a model or rule on labelled pictures (precision, recall, mAP50 or accuracy)"
    EVAL_DESCRIPTION = (
        "An ONNX YOLO model on YOLO-format folders (labels beside the images, in a labels/ tree or in "
        "--labels), or the bin classifier on class folders overflow/ and normal/. Prints the numbers and "
        "the confusion matrix; writes a JSON report, the confusion matrix and the PR curve as PNGs."
    )
    NEED_DATA_OUT = (
        "citywall train needs DATA_DIR_OR_YAML and --out DIR (or --from-verdicts with --site / --data)"
    )
    NO_DATA = "{path}: no such file or folder"
    NO_IMAGES = "{path}: no images found (.jpg, .jpeg, .png, .bmp, .webp)"
    NO_LABELS = "{path}: none of the {count} images has a label file (class cx cy w h per line)"
    NAMES_GUESSED = (
        "note: class names not given (no data.yaml, classes.txt or --names): using {names}. "
        "Give names (e.g. --names stall,cart) so that detection.class_events can map them to event codes."
    )
    DATASET = "dataset: {train} training and {val} validation images in {path}"
    TRAIN_FAILED = "training failed: {error}"
    TRAINED = "model: {onnx}\nclasses: {names}\nlog: {log}"
    NO_ONNX = "training finished but exported no ONNX file; the PyTorch weights are {pt} (log: {log})"
    USE_IT = (
        "use it in the site file:\n"
        "  detection:\n"
        "    detectors: {{onnx_yolo: {{model: {onnx}}}}}\n"
        "    class_events: {{{events}}}\n"
        "  (class → event code: 0501 无照经营游商, 0504 店外经营, 0102 暴露垃圾; verify per city)"
    )
    UNKNOWN_MODEL = (
        "{model}: not a model or rule this command evaluates. Give an ONNX YOLO model (.onnx), the bin "
        "classifier (bin_classifier, or a .npz file); a .pt model: export it to ONNX first "
        "(citywall train does)."
    )
    NO_MODEL = "{path}: no such model file"
    NO_CLASS_FOLDERS = (
        "{path}: the bin classifier is evaluated on class folders: {path}/overflow/ and {path}/normal/ "
        "with pictures of each (found: {found})"
    )
    EVAL_FAILED = "evaluation failed: {error}"
    FILES = "written: {files}"
    PROGRESS = "{what} {done}/{total}"


def register(sub: Any) -> None:
    train = sub.add_parser("train", help=Text.TRAIN_HELP, description=Text.TRAIN_DESCRIPTION)
    train.add_argument(
        "data", type=Path, nargs="?", metavar="DATA_DIR_OR_YAML", help="YOLO-format folders or data.yaml"
    )
    train.add_argument("--out", type=Path, metavar="DIR", help="where the ONNX model goes")
    train.add_argument("--epochs", type=int, help="training epochs (default 30; 10 with --from-verdicts)")
    train.add_argument("--imgsz", type=int, default=320, help="training image size in pixels (default 320)")
    train.add_argument("--batch", type=int, default=16, help="batch size (default 16)")
    train.add_argument("--names", help="class names in class-id order, comma-separated (e.g. stall,cart)")
    train.add_argument("--name", default="model", help="file name of the model (default model → model.onnx)")
    train.add_argument("--val-fraction", type=float, default=0.2, help="share of images kept for validation")
    train.add_argument("--python", type=Path, help="the training environment's python (default .venv-train)")
    finetune_cmd.add_options(train)
    train.set_defaults(handler=handle_train)

    from app.commands import eval_cmd  # `citywall eval` lives there

    eval_cmd.register(sub)


class _Bar:
    """One progress line on stderr, rewritten in place."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(1, total))
        line = Text.PROGRESS.format(what=self.what, done=done, total=total)
        end = "\n" if done >= total else ""
        print(f"\r[{'#' * filled:<{width}}] {line}", end=end, file=sys.stderr, flush=True)


# --- train ----------------------------------------------------------------------------------------------


def _class_names(data: Path, given: str | None, samples: Sequence[Any]) -> tuple[list[str], bool]:
    """(names, guessed): --names, else classes.txt / obj.names in DATA, else 0..N-1 from the labels."""
    if given:
        return [n.strip() for n in given.split(",") if n.strip()], False
    for candidate in ("classes.txt", "obj.names", "names.txt"):
        path = data / candidate
        if path.is_file():
            names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            if names:
                return names, False
    top = -1
    for sample in samples:
        if sample.label is None:
            continue
        for line in Path(sample.label).read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if parts and parts[0].isdigit():
                top = max(top, int(parts[0]))
    return [str(i) for i in range(max(1, top + 1))], True


def handle_train(args: argparse.Namespace) -> int:
    from detectors.train import (
        TrainError,
        collect_samples,
        prepare_yolo_dataset,
        train_yolo,
    )

    if args.from_verdicts:
        args.epochs = args.epochs or FINETUNE_EPOCHS
        return finetune_cmd.handle(args)
    if args.data is None or args.out is None:
        _say(Text.NEED_DATA_OUT)
        return 2
    args.epochs = args.epochs or 30

    python = training_python(args.python)
    if python is None:
        return 2
    data: Path = args.data
    if not data.exists():
        _say(Text.NO_DATA.format(path=data))
        return 2
    out: Path = args.out
    names: list[str] = []
    if data.is_file() or (data / "data.yaml").is_file():
        yaml_file = data if data.is_file() else data / "data.yaml"
    else:
        samples = collect_samples([data])
        if not samples:
            _say(Text.NO_IMAGES.format(path=data))
            return 2
        if not any(s.label is not None for s in samples):
            _say(Text.NO_LABELS.format(path=data, count=len(samples)))
            return 2
        names, guessed = _class_names(data, args.names, samples)
        if guessed:
            _say(Text.NAMES_GUESSED.format(names=", ".join(names)))
        yaml_file = prepare_yolo_dataset(samples, names, out / "dataset", val_fraction=args.val_fraction)
        train_n = len(list((out / "dataset" / "images" / "train").iterdir()))
        val_n = len(list((out / "dataset" / "images" / "val").iterdir()))
        _say(Text.DATASET.format(train=train_n, val=val_n, path=yaml_file))

    try:
        result = train_yolo(
            yaml_file,
            out,
            epochs=args.epochs,
            imgsz=args.imgsz,
            batch=args.batch,
            name=args.name,
            progress=say_epoch,
            python=python,
        )
    except (TrainError, OSError) as exc:
        _say(Text.TRAIN_FAILED.format(error=exc))
        return 1
    if result.onnx is None:
        _say(Text.NO_ONNX.format(pt=result.pt, log=result.log))
        return 1
    shown_names = names or _onnx_names(result.onnx)
    print(Text.TRAINED.format(onnx=result.onnx, names=", ".join(shown_names) or "?", log=result.log))
    events = ", ".join(f"{n}: '0501'" for n in shown_names[:3]) or "stall: '0501'"
    print(Text.USE_IT.format(onnx=result.onnx, events=events))
    return 0


def _onnx_names(path: Path) -> list[str]:
    try:
        from detectors.backends.onnx_yolo import OnnxYolo, OnnxYoloOptions

        det = OnnxYolo(OnnxYoloOptions(model=path.resolve()))
        names = [det.class_names[i] for i in sorted(det.class_names)]
        det.close()
        return names
    except Exception:  # the names are a courtesy; the model is made either way
        return []
