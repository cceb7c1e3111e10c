"""``citywall train --from-verdicts``: the site's vending model fine-tuned on its operators' verdicts.

Reads the site's verdict samples (``<site data>/training/verdicts``, kept by the wall whenever a
vending alert is confirmed or dismissed), fine-tunes the site's current model (its ``.pt``) in the
training environment on their training split + the shipped real data + ``--extra`` YOLO folders,
judges the old and the new model on the held-out verdicts at the vending rule's threshold, and swaps
the new one in (``<site data>/models``) only when it is better; a running wall takes it up within seconds.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from camera_config.models import SiteConfig
    from detectors.finetune import VerdictScore

from app.commands.training_env import say as _say
from app.commands.training_env import say_epoch, training_python

MIN_VERDICTS = 12  # "after a dozen verdicts" (DOMAIN: a site's first week)
MIN_HELD_OUT = 3
DEFAULT_MODEL = "vending_yolo.onnx"
REPO = Path(__file__).resolve().parents[2]
# A gentle fine-tune: the backbone frozen (its features stay, the CPU does a third of the work), a
# small learning rate with no warm-up (whose high bias rate would undo the model in its first
# steps). Chosen on a simulated site (bench/finetune_verdicts.py): unfrozen at 0.001 the scores sank
# and a stall was lost; frozen at 0.0005 the false alarm stayed; frozen at 0.002 it went, all found.
FINETUNE_HYP: dict[str, Any] = {
    "optimizer": "AdamW", "lr0": 0.002, "warmup_epochs": 0, "freeze": 10, "mosaic": 1.0, "fliplr": 0.5,
    "scale": 0.5,
}  # fmt: skip


class Text:
    NO_SOURCE = "--from-verdicts needs the site: --site SITE.yaml or --data DATA_DIR (the site's data folder)"
    NO_FOLDER = "{path}: no such folder"
    PROBLEM = "warning: {problem}"
    TOO_FEW = (
        "too few verdicts to fine-tune: {total} in {folder} ({positive} confirmed, {negative} dismissed "
        "as false/fixed; {test} held out for judging). Needed: at least {need} verdicts with at least "
        "{need_test} held out. Confirm or dismiss more vending alerts on the wall (each verdict is kept)."
    )
    NO_WEIGHTS = (
        "{onnx}: no trainable weights beside it ({pt} is missing). Fine-tuning starts from a .pt model; "
        "give one with --weights."
    )
    NO_MODEL = "{path}: the site's current model is missing"
    SITE_NOTE = "note: the site's detection does not use onnx_yolo; the model is kept but not used ({file})"
    START = "fine-tuning {model} from {weights} on {device}"
    DATA = (
        "data: {verdicts} verdict pictures (training split) + {shipped} shipped + {extra} extra; "
        "{val} for validation; held out for judging: {test} verdicts"
    )
    FAILED = "fine-tuning failed: {error}"
    JUDGING = "judging old and new model on {n} held-out verdicts at score ≥ {threshold:.2f} …"
    HEADER = "{alert:<28} {verdict:<9} {old:>10} {new:>10}"
    ROW = "{alert:<28} {verdict:<9} {old:>10} {new:>10}"
    OLD = "old model: {summary}"
    NEW = "new model: {summary}"
    SWAPPED = (
        "swapped in: {target} (the old one is kept as {previous}); a running wall takes it up in seconds"
    )
    KEPT = "kept the old model: {why}. The new one is at {candidate}"
    REPORT = "report: {path}"


def add_options(train: Any) -> None:
    """The --from-verdicts options of ``citywall train``."""
    train.add_argument(
        "--from-verdicts",
        action="store_true",
        help="fine-tune the site's vending model on its operators' verdicts; swap it in only if better",
    )
    train.add_argument("--site", type=Path, metavar="SITE.yaml", help="with --from-verdicts: the site file")
    train.add_argument(
        "--data",
        dest="site_data",
        type=Path,
        metavar="DATA_DIR",
        help="with --from-verdicts: the site's data folder",
    )
    train.add_argument(
        "--extra", type=Path, action="append", default=[], metavar="YOLO_DIR",
        help="with --from-verdicts: more YOLO-format training folders (repeatable), e.g. composite scenes",
    )  # fmt: skip
    train.add_argument("--weights", type=Path, help="with --from-verdicts: start from this .pt")
    train.add_argument(
        "--shipped-data", type=Path, default=REPO.parent / "shared" / "data" / "real",
        help="with --from-verdicts: the shipped real pictures (default ../shared/data/real, where present)",
    )  # fmt: skip
    train.add_argument("--min-verdicts", type=int, default=MIN_VERDICTS, help=argparse.SUPPRESS)
    train.add_argument("--hyp", action="append", default=[], metavar="KEY=VALUE", help=argparse.SUPPRESS)


def handle(args: argparse.Namespace) -> int:
    from detectors.backends.onnx_yolo import MODELS_DIR, resolve_model_path
    from detectors.finetune import better, finetune_dataset, judge_on_verdicts, previous_of, swap_in
    from detectors.train import TrainError, train_yolo
    from detectors.verdict_data import counts, read_manifest

    site, data = _site_and_data(args)
    if data is None:
        return 2
    from app.services.site_models import site_models_dir
    from app.services.verdict_samples import verdict_folder

    folder = verdict_folder(data)
    problems: list[str] = []
    samples = read_manifest(folder, problems)
    for problem in problems:
        _say(Text.PROBLEM.format(problem=problem))
    c = counts(samples)
    if len(samples) < args.min_verdicts or c["test"] < MIN_HELD_OUT:
        _say(Text.TOO_FEW.format(
            total=len(samples), folder=folder, positive=c["positive"], negative=c["negative"],
            test=c["test"], need=args.min_verdicts, need_test=MIN_HELD_OUT,
        ))  # fmt: skip
        return 2
    python = training_python(args.python)
    if python is None:
        return 2

    name, uses_onnx = _model_name(site)
    models = site_models_dir(data)
    current = resolve_model_path(Path(name), models)
    if not current.is_file():
        _say(Text.NO_MODEL.format(path=current))
        return 2
    weights = args.weights or _weights_beside(current, MODELS_DIR / name)
    if weights is None or not weights.is_file():
        _say(Text.NO_WEIGHTS.format(onnx=current, pt=args.weights or current.with_suffix(".pt")))
        return 2
    threshold, classes = _rule(site)
    work = (args.out or data / "training" / "runs") / time.strftime("%Y%m%d-%H%M%S")
    train = [s for s in samples if s.split == "train"]
    test = [s for s in samples if s.split == "test"]
    real = args.shipped_data if args.shipped_data and args.shipped_data.is_dir() else None
    prepared = finetune_dataset(folder, train, real, list(args.extra), work / "dataset")
    _say(Text.DATA.format(
        verdicts=prepared.verdicts, shipped=prepared.shipped, extra=prepared.extra, val=prepared.val,
        test=len(test),
    ))  # fmt: skip

    def started(ev: Mapping[str, Any]) -> None:
        _say(Text.START.format(model=current, weights=weights, device=ev.get("device", "cpu")))

    epochs = int(args.epochs)
    hyp: dict[str, Any] = {**FINETUNE_HYP, "close_mosaic": min(5, epochs // 2)}
    for item in args.hyp:  # for experiments: ultralytics' own names and values
        key, _, value = item.partition("=")
        hyp[key] = json.loads(value) if value[:1].isdigit() or value in ("true", "false") else value
    started_at = time.monotonic()
    try:
        result = train_yolo(
            prepared.data_yaml, work, epochs=epochs, imgsz=args.imgsz, batch=args.batch,
            weights=weights, name="vending_yolo", progress=say_epoch, python=python, hyp=hyp,
            device="auto", started=started,
        )  # fmt: skip
    except (TrainError, OSError) as exc:
        _say(Text.FAILED.format(error=exc))
        return 1
    if result.onnx is None:
        _say(Text.FAILED.format(error=f"no ONNX exported (log: {result.log})"))
        return 1
    _say(Text.JUDGING.format(n=len(test), threshold=threshold))
    old = judge_on_verdicts(current, folder, test, threshold, classes)
    new = judge_on_verdicts(result.onnx, folder, test, threshold, classes)
    _table(old, new)
    take, why = better(new, old)
    device = str(next((e.get("device") for e in result.events if e.get("event") == "start"), "cpu"))
    report = _report(old, new, take, why, weights, prepared, time.monotonic() - started_at, epochs, device)
    (work / "finetune.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if take:
        target = models / name
        swap_in(result.onnx, result.pt, target, report)
        print(Text.SWAPPED.format(target=target, previous=previous_of(target)))
        if not uses_onnx:
            _say(Text.SITE_NOTE.format(file=args.site or data))
    else:
        print(Text.KEPT.format(why=why, candidate=result.onnx))
    print(Text.REPORT.format(path=work / "finetune.json"))
    return 0


def _site_and_data(args: argparse.Namespace) -> tuple[SiteConfig | None, Path | None]:
    if args.site is None and args.site_data is None:
        _say(Text.NO_SOURCE)
        return None, None
    site = None
    if args.site is not None:
        from camera_config.loader import ConfigError, load_site

        try:
            site = load_site(args.site, resolve_secrets=False)  # no camera is opened here
        except (ConfigError, OSError) as exc:
            _say(str(exc))
            return None, None
    if args.site_data is not None:
        if not args.site_data.is_dir():
            _say(Text.NO_FOLDER.format(path=args.site_data))
            return site, None
        return site, args.site_data
    from app.main import site_data_dir  # the folder the wall uses (imports Qt: only for --site)

    assert site is not None
    return site, site_data_dir(site)


def _model_name(site: SiteConfig | None) -> tuple[str, bool]:
    """The site's onnx_yolo model file name (relative: it may be the site's own), and whether the
    site runs onnx_yolo at all (unknown without a site file: assumed)."""
    if site is None:
        return DEFAULT_MODEL, True
    options = site.detection.detectors.get("onnx_yolo")
    if not options:
        return DEFAULT_MODEL, False
    model = Path(str(options.get("model", DEFAULT_MODEL)))
    return (model.name if model.is_absolute() else str(model)), True


def _weights_beside(current: Path, shipped: Path) -> Path | None:
    for candidate in (current.with_suffix(".pt"), shipped.with_suffix(".pt")):
        if candidate.is_file():
            return candidate
    return None


def _rule(site: SiteConfig | None) -> tuple[float, set[str]]:
    from detectors.rules import VendingParams

    params = VendingParams()
    if site is not None:
        from app.services.detection.setup import pipeline_config

        params = pipeline_config(site.detection).vending
    return params.min_score, set(params.class_events)


def _mark(verdict: str, right: bool, best: float) -> str:
    word = ("found" if right else "missed") if verdict == "positive" else ("quiet" if right else "ALARM")
    return f"{word} {best:.2f}" if best else word


def _table(old: VerdictScore, new: VerdictScore) -> None:
    print(Text.HEADER.format(alert="alert", verdict="verdict", old="old", new="new"))
    for a, b in zip(old.samples, new.samples, strict=True):
        print(Text.ROW.format(
            alert=a.alert_id[:28], verdict=a.verdict, old=_mark(a.verdict, a.right, a.best),
            new=_mark(b.verdict, b.right, b.best),
        ))  # fmt: skip
    print(Text.OLD.format(summary=old.summary()))
    print(Text.NEW.format(summary=new.summary()))


def _report(
    old: VerdictScore, new: VerdictScore, take: bool, why: str, weights: Path, prepared: Any,
    seconds: float, epochs: int, device: str,
) -> dict[str, Any]:  # fmt: skip
    def score(s: VerdictScore) -> dict[str, Any]:
        return {
            "model": str(s.model), "found": s.found, "positives": s.positives,
            "false_alarms": s.false_alarms, "negatives": s.negatives,
            "samples": [
                {"alert": j.alert_id, "verdict": j.verdict, "right": j.right, "best": round(j.best, 3)}
                for j in s.samples
            ],
        }  # fmt: skip

    return {
        "swapped": take, "why": why, "threshold": old.threshold, "weights": str(weights),
        "epochs": epochs, "device": device, "seconds": round(seconds, 1),
        "data": {"verdicts": prepared.verdicts, "shipped": prepared.shipped, "extra": prepared.extra,
                 "val": prepared.val},
        "old": score(old), "new": score(new), "licence": "site's own",
    }  # fmt: skip
