"""The bin judgement measured as it is used: a clean reference picture and a later picture of one bin.

A *pairs folder* holds pictures and a manifest ``pairs.csv`` (UTF-8, one pair a line after the
header; paths relative to the folder)::

    id,reference,later,x1,y1,x2,y2,line,label,split,note
    s1-03,ref/s1_t012.jpg,later/s1_t054_bags.jpg,0.21,0.43,0.25,0.48,0.43,overflow,dev,2 bags pasted

* ``reference``: the bin when clean (what "clean now" would store); ``later``: the same view later,
  same size;
* ``x1 y1 x2 y2``: the bin's body, ``line``: its overflow line (image y), all as fractions of the
  picture's width and height, as a bin zone is drawn (``line`` empty: the box's top);
* ``label``: ``overflow`` or ``normal``; ``id``, ``split`` (e.g. dev / test) and ``note`` optional.

:func:`evaluate_pairs` runs the full judgement on each pair — a :class:`~detectors.bins.BinMonitor`
given the reference as the bin's confirmed clean view, then the later picture observed — and
counts the later picture as overflowing when its score reaches the rule's threshold
(:class:`detectors.rules.BinParams`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from detectors.bins import BinClassifier, BinMonitor, BinOptions
from detectors.types import BinRoi, SceneGeometry

MANIFEST = "pairs.csv"
LABELS = ("overflow", "normal")
REQUIRED = ("reference", "later", "x1", "y1", "x2", "y2", "label")
Progress = Callable[[int, int], None]


class PairsError(ValueError):
    """A pairs folder that cannot be read; the message names the file, line and field."""


@dataclass(frozen=True)
class Pair:
    id: str
    reference: Path
    later: Path
    box: tuple[float, float, float, float]
    line: float | None
    label: str
    split: str = ""
    note: str = ""


@dataclass(frozen=True)
class PairResult:
    id: str
    reference: str
    later: str
    label: str
    predicted: str
    score: float
    change_above: float | None
    change_base: float | None
    classifier: float | None
    split: str = ""
    note: str = ""

    @property
    def right(self) -> bool:
        return self.label == self.predicted


@dataclass
class PairsEval:
    folder: str
    threshold: float
    n: int
    accuracy: float
    precision: float  # of "overflow"
    recall: float
    confusion: list[list[int]]  # rows true (overflow, normal), columns predicted
    results: list[PairResult]
    split: str | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def mistakes(self) -> list[PairResult]:
        return [r for r in self.results if not r.right]

    def text(self) -> str:
        split = f", split {self.split}" if self.split else ""
        lines = [
            f"pairs {self.n}{split}, threshold {self.threshold:.2f}, accuracy {self.accuracy:.3f}",
            f"  overflow: precision {self.precision:.3f}  recall {self.recall:.3f}",
            "confusion (rows true, columns predicted): overflow, normal",
            *("  " + " ".join(f"{v:5d}" for v in row) for row in self.confusion),
        ]
        wrong = self.mistakes
        lines.append(f"mistakes: {len(wrong)}" + (":" if wrong else ""))
        for r in wrong:
            parts = [f"score {r.score:.2f}"]
            if r.change_above is not None and r.change_base is not None:
                parts.append(f"changed above {r.change_above:.2f}, base {r.change_base:.2f}")
            if r.classifier is not None:
                parts.append(f"classifier {r.classifier:.2f}")
            lines.append(
                f"  {r.id}: {r.label} judged {r.predicted} ({'; '.join(parts)})  {r.reference} → {r.later}"
            )
        return "\n".join(lines)


def has_manifest(folder: Path) -> bool:
    return (Path(folder) / MANIFEST).is_file()


def _number(raw: str, where: str) -> float:
    try:
        v = float(raw)
    except ValueError:
        raise PairsError(f"{where}: {raw!r} is not a number") from None
    if not 0.0 <= v <= 1.0:
        raise PairsError(f"{where}: {v} must be a fraction of the picture, 0 to 1")
    return v


def read_pairs(folder: Path) -> list[Pair]:
    """The pairs of ``folder/pairs.csv``; :class:`PairsError` naming line and field on bad input."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise PairsError(f"{path}: no such file (a pairs folder needs its manifest {MANIFEST})")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PairsError(f"{path}: not UTF-8 text") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise PairsError(f"{path} line 1: the header lacks {', '.join(missing)} (needs {','.join(REQUIRED)})")
    pairs: list[Pair] = []
    seen: set[str] = set()
    for row in reader:
        n = reader.line_num
        where = f"{path} line {n}"
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        x1, y1, x2, y2 = (_number(values[k], f"{where}, field {k}") for k in ("x1", "y1", "x2", "y2"))
        if not (x2 > x1 and y2 > y1):
            raise PairsError(f"{where}, fields x1..y2: the box needs x2 > x1 and y2 > y1")
        line = _number(values["line"], f"{where}, field line") if values.get("line") else None
        if line is not None and line > y2:
            raise PairsError(f"{where}, field line: {line} lies below the bin's foot ({y2})")
        label = values["label"].lower()
        if label not in LABELS:
            raise PairsError(f"{where}, field label: {values['label']!r} is not overflow or normal")
        files = {}
        for k in ("reference", "later"):
            if not values[k]:
                raise PairsError(f"{where}, field {k}: empty")
            p = folder / values[k]
            if not p.is_file():
                raise PairsError(f"{where}, field {k}: {p} not found")
            files[k] = p
        pid = values.get("id") or f"line{n}"
        if pid in seen:
            raise PairsError(f"{where}, field id: {pid!r} used twice")
        seen.add(pid)
        pairs.append(
            Pair(
                pid,
                files["reference"],
                files["later"],
                (x1, y1, x2, y2),
                line,
                label,
                values.get("split", ""),
                values.get("note", ""),
            )
        )
    if not pairs:
        raise PairsError(f"{path}: no pairs (one a line after the header)")
    return pairs


def _read(path: Path) -> np.ndarray[Any, Any]:
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise PairsError(f"{path}: not a picture OpenCV can read")
    return np.asarray(img)


def judge_pair(
    pair: Pair, options: BinOptions | None = None, classifier: BinClassifier | None = None
) -> tuple[float, float | None, float | None, float | None]:
    """(score, changed above, changed at the base, classifier) of the later picture."""
    ref, later = _read(pair.reference), _read(pair.later)
    if ref.shape != later.shape:
        raise PairsError(
            f"pair {pair.id}: {pair.reference.name} is {ref.shape[1]}x{ref.shape[0]}, "
            f"{pair.later.name} {later.shape[1]}x{later.shape[0]}: a pair is two pictures of one view"
        )
    geometry = SceneGeometry("pairs", None, bins=(BinRoi("bin", pair.box, pair.line),))
    monitor = BinMonitor(geometry, options, classifier)
    monitor.set_reference(ref, confirmed=True)
    ob = monitor.observe(later)["bin"]
    return ob.score, ob.change_above, ob.change_base, ob.classifier


def evaluate_pairs(
    folder: Path,
    threshold: float | None = None,
    *,
    split: str | None = None,
    options: BinOptions | None = None,
    progress: Progress | None = None,
) -> PairsEval:
    """The bin judgement on every pair of ``folder`` (those of ``split`` when given) → accuracy.

    ``threshold``: the score from which a bin counts as overflowing, by default the rule's
    (:class:`detectors.rules.BinParams`); ``options``: the monitor's (the site's ``bin_monitor``)."""
    from detectors.rules import BinParams

    thr = BinParams().threshold if threshold is None else float(threshold)
    pairs = read_pairs(folder)
    if split is not None:
        pairs = [p for p in pairs if p.split == split]
        if not pairs:
            raise PairsError(f"{Path(folder) / MANIFEST}: no pairs with split {split!r}")
    opts = options or BinOptions()
    classifier = None
    if opts.classifier is not None and Path(opts.classifier).is_file():
        classifier = BinClassifier.load(opts.classifier)  # once, not per pair
    results: list[PairResult] = []
    for i, pair in enumerate(pairs):
        score, above, base, clf = judge_pair(pair, opts, classifier)
        root = Path(folder)
        results.append(
            PairResult(
                pair.id,
                str(pair.reference.relative_to(root)),
                str(pair.later.relative_to(root)),
                pair.label,
                "overflow" if score >= thr else "normal",
                round(score, 4),
                None if above is None else round(above, 4),
                None if base is None else round(base, 4),
                None if clf is None else round(clf, 4),
                pair.split,
                pair.note,
            )
        )
        if progress:
            progress(i + 1, len(pairs))
    return summarise(results, thr, str(folder), split)


def summarise(
    results: Sequence[PairResult], threshold: float, folder: str = "", split: str | None = None
) -> PairsEval:
    cm = [[0, 0], [0, 0]]
    for r in results:
        cm[LABELS.index(r.label)][LABELS.index(r.predicted)] += 1
    n = len(results)
    tp, fn, fp = cm[0][0], cm[0][1], cm[1][0]
    return PairsEval(
        folder,
        threshold,
        n,
        (cm[0][0] + cm[1][1]) / n if n else 0.0,
        tp / (tp + fp) if tp + fp else 0.0,
        tp / (tp + fn) if tp + fn else 0.0,
        cm,
        list(results),
        split,
    )


def write_pairs_report(ev: PairsEval, out_dir: Path, name: str = "bin_pairs") -> dict[str, str]:
    """JSON (every pair with its scores), the confusion matrix and the PR curve over the score."""
    from detectors.eval_charts import draw_confusion, draw_score_pr_curve

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "confusion": str(
            draw_confusion(ev.confusion, list(LABELS), out / f"{name}_confusion.png", "true", "predicted")
        ),
        "pr_curve": str(
            draw_score_pr_curve(
                [r.score for r in ev.results],
                [r.label == "overflow" for r in ev.results],
                out / f"{name}_pr_curve.png",
                f"bin judgement on pairs: accuracy {ev.accuracy:.3f} (n={ev.n})",
                operating=(ev.threshold, ev.precision, ev.recall),
            )
        ),
    }
    data = asdict(ev)
    data["mistakes"] = [r.id for r in ev.mistakes]
    data["files"] = files
    (out / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files["json"] = str(out / f"{name}.json")
    ev.files = files
    return files
