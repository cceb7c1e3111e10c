"""The site's verdict samples on disk: what the alert service writes and ``citywall train --from-verdicts``
reads (no app imports: the training side reads it without the wall).

A folder (``<site data>/training/verdicts``) holds ``images/<alert>.jpg`` (the picture detection
judged, as the camera sent it: nothing drawn), ``labels/<alert>.txt`` (YOLO lines ``0 cx cy w h``:
the confirmed boxes of a positive; empty for a hard negative) and ``manifest.jsonl``, one
:class:`VerdictSample` per line (licence: the site's own).

A verdict is *positive* when the operator confirmed the alert, or dismissed it as 店内经营 /
合规 (a stall it is, only an allowed one); *negative* (a hard negative for the vending detector)
when dismissed as 误检 or 固定设施. A quarter of the samples is held out for evaluation, chosen
by a hash of the alert id: stable whatever else is added, the same on every workstation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Verdict = Literal["positive", "negative"]
Split = Literal["train", "test"]

HELD_OUT_SHARE = 0.25
LICENCE = "site's own"
MANIFEST = "manifest.jsonl"
POSITIVE_REASONS = frozenset({"inside_shop", "permitted"})  # it IS a stall, only an allowed one
NEGATIVE_REASONS = frozenset({"false_detection", "fixed_object"})  # no stall: a hard negative


def verdict_of(state: str, dismiss_reason: str | None) -> Verdict | None:
    """What a closed alert teaches the vending detector (None: nothing, e.g. 已离开 / 其他)."""
    if state == "confirmed":
        return "positive"
    if state == "dismissed" and dismiss_reason in POSITIVE_REASONS:
        return "positive"
    if state == "dismissed" and dismiss_reason in NEGATIVE_REASONS:
        return "negative"
    return None


def split_of(alert_id: str, share: float = HELD_OUT_SHARE) -> Split:
    """``test`` (held out) for about ``share`` of alert ids, by their hash: never moves."""
    h = int(hashlib.sha256(f"citywall-verdicts:{alert_id}".encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "test" if h < share else "train"


BoxT = tuple[float, float, float, float]  # x1, y1, x2, y2 in picture fractions


@dataclass(frozen=True)
class VerdictSample:
    alert_id: str
    camera_id: str
    preset: str | None
    zone_id: str
    verdict: Verdict
    reason: str  # "confirmed", or the dismissal reason
    by: str
    at: float  # when the verdict was given (wall-clock seconds)
    boxes: tuple[BoxT, ...]  # the alert's boxes: confirmed (positive) or dismissed (negative)
    image: str  # relative to the folder
    label: str
    split: Split
    width: int
    height: int
    licence: str = LICENCE
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> VerdictSample:
        d = json.loads(text)
        d["boxes"] = tuple(tuple(float(v) for v in b) for b in d.get("boxes", ()))
        return cls(**d)


def safe_name(alert_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in alert_id)[:80] or "alert"


def yolo_lines(boxes: Iterable[BoxT], cls: int = 0) -> str:
    out = []
    for x1, y1, x2, y2 in boxes:
        x1, y1, x2, y2 = max(0.0, x1), max(0.0, y1), min(1.0, x2), min(1.0, y2)
        if x2 > x1 and y2 > y1:
            out.append(f"{cls} {(x1 + x2) / 2:.6f} {(y1 + y2) / 2:.6f} {x2 - x1:.6f} {y2 - y1:.6f}")
    return "".join(line + "\n" for line in out)


def read_manifest(folder: Path, problems: list[str] | None = None) -> list[VerdictSample]:
    """The samples of ``folder`` whose picture is there, one per alert (the first kept wins).

    A damaged line (a write cut short by a full disk) is skipped and named, file and line, in
    ``problems``."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return []
    seen: dict[str, VerdictSample] = {}
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            sample = VerdictSample.from_json(line)
        except (ValueError, TypeError, KeyError) as exc:
            if problems is not None:
                problems.append(f"{path}: line {number}: skipped ({type(exc).__name__}: {exc})")
            continue
        if sample.alert_id in seen:
            continue
        if not (Path(folder) / sample.image).is_file():
            if problems is not None:
                problems.append(f"{path}: line {number}: skipped ({sample.image} is missing)")
            continue
        seen[sample.alert_id] = sample
    return list(seen.values())


def append_line(path: Path, line: str) -> None:
    """One manifest line, on a line of its own even after a write the disk cut short."""
    with Path(path).open("ab") as out:
        if out.tell() > 0:
            with Path(path).open("rb") as back:
                back.seek(-1, 2)
                if back.read(1) != b"\n":
                    out.write(b"\n")
        out.write(line.encode("utf-8") + b"\n")
        out.flush()


def keep_sample(folder: Path, sample: VerdictSample, picture: bytes) -> None:
    """Write ``sample``'s picture, its labels (the boxes of a positive; none for a hard negative:
    its dismissed boxes stay in the manifest, for judging models) and its manifest line, in that
    order (a manifest line always has its files)."""
    from camera_config.files import write_atomic

    folder = Path(folder)
    for sub in ("images", "labels"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    write_atomic(folder / sample.image, picture)
    write_atomic(folder / sample.label, yolo_lines(sample.boxes) if sample.verdict == "positive" else "")
    append_line(folder / MANIFEST, sample.to_json())


def counts(samples: Sequence[VerdictSample]) -> dict[str, int]:
    out = {"positive": 0, "negative": 0, "train": 0, "test": 0}
    for s in samples:
        out[s.verdict] += 1
        out[s.split] += 1
    return out
