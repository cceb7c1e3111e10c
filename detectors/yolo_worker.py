"""Ultralytics jobs run in the *training* venv (.venv-train), driven as a subprocess by detectors.train.

    .venv-train/bin/python -m detectors.yolo_worker train   '<json>'
    .venv-train/bin/python -m detectors.yolo_worker predict '<json>'
    .venv-train/bin/python -m detectors.yolo_worker export  '<json>'

Progress and results are JSON lines on stdout prefixed with ``@@CITYWALL@@ `` (ultralytics' own log
goes to stderr/stdout as usual and is passed through). The offline environment is set before
ultralytics is imported (:mod:`detectors.ultra_env`), models are built from a YAML (no pretrained
weights) or loaded from absolute paths, and everything runs on the CPU unless a training job asks
for ``device: "auto"`` (the first GPU torch sees, else the CPU).

This module imports only the standard library at import time, so that the app venv can import it
(for its constants) without torch.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PREFIX = "@@CITYWALL@@ "

# width multipliers: yolo11's own n is (0.50, 0.25); "p" (pico) is ours: ~4x fewer weights, < 3 MB ONNX
SCALES: dict[str, tuple[float, float, int]] = {
    "p": (0.33, 0.125, 1024),
    "n": (0.50, 0.25, 1024),
    "s": (0.50, 0.50, 1024),
}


def emit(event: str, **data: Any) -> None:
    print(PREFIX + json.dumps({"event": event, **data}, default=str), flush=True)


def _ultralytics(config_dir: str | None) -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from detectors import ultra_env

    ultra_env.prepare(Path(config_dir) if config_dir else None)
    import ultralytics  # type: ignore[import-not-found, unused-ignore]

    ultra_env.after_import_settings()
    return ultralytics


def model_yaml(arch: str, scale: str, nc: int, out_dir: Path) -> Path:
    """Write our model YAML: ultralytics' bundled architecture (``yolo11``/``yolov8``) at ``scale``."""
    import yaml  # type: ignore[import-untyped, unused-ignore]
    from ultralytics.nn.tasks import yaml_model_load  # type: ignore[import-not-found, unused-ignore]
    from ultralytics.utils import ROOT  # type: ignore[import-not-found, unused-ignore]

    sub = {"yolo11": "11", "yolov8": "v8", "yolo26": "26"}[arch]
    src = ROOT / "cfg" / "models" / sub / f"{arch}.yaml"
    d = yaml_model_load(src)
    d = {k: v for k, v in d.items() if k not in ("yaml_file", "scale")}
    d["scales"] = {scale: list(SCALES[scale])}
    d["nc"] = nc
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"citywall-{arch}{scale}-nc{nc}.yaml"
    path.write_text(yaml.safe_dump(d, sort_keys=False))
    return path


def cmd_train(a: dict[str, Any]) -> None:
    _ultralytics(a.get("config_dir"))
    import torch  # type: ignore[import-not-found, unused-ignore]
    from ultralytics import YOLO  # type: ignore[import-not-found, unused-ignore]

    torch.set_num_threads(int(a.get("threads") or os.cpu_count() or 1))
    project = Path(a["project"]).resolve()
    data = Path(a["data"]).resolve()
    if a.get("weights"):
        from detectors.ultra_env import require_absolute

        model = YOLO(str(require_absolute(a["weights"], "starting weights")))
    else:
        cfg = model_yaml(a.get("arch", "yolo11"), a.get("scale", "p"), int(a["nc"]), project)
        model = YOLO(str(cfg), task="detect")
    epochs = int(a.get("epochs", 10))
    t0 = time.time()

    def on_epoch(trainer: Any) -> None:
        m = {k: round(float(v), 5) for k, v in (trainer.metrics or {}).items()}
        if trainer.epoch + 1 > trainer.epochs:  # called once more after the final validation
            return
        tl = getattr(trainer, "tloss", None)
        loss = (
            {k: float(v) for k, v in tl.items()}
            if isinstance(tl, dict)
            else (tl.tolist() if tl is not None else None)
        )
        emit(
            "epoch",
            epoch=trainer.epoch + 1,
            epochs=trainer.epochs,
            metrics=m,
            loss=loss,
            seconds=round(time.time() - t0, 1),
        )

    model.add_callback("on_fit_epoch_end", on_epoch)
    device = pick_device(str(a.get("device") or "cpu"), torch)
    emit("start", data=str(data), epochs=epochs, imgsz=a.get("imgsz", 320), device=device)
    model.train(
        data=str(data),
        epochs=epochs,
        imgsz=int(a.get("imgsz", 320)),
        batch=int(a.get("batch", 16)),
        workers=int(a.get("workers", 0)),
        device=device,
        project=str(project),
        name=a.get("name", "train"),
        exist_ok=True,
        seed=int(a.get("seed", 0)),
        deterministic=True,
        # ultralytics drops loaded weights when pretrained is False: only a fresh model starts blank
        pretrained=bool(a.get("weights")),
        amp=False,
        plots=bool(a.get("plots", False)),
        val=bool(a.get("val", True)),
        cache=a.get("cache", False),
        patience=int(a.get("patience", 100)),
        verbose=False,
        **dict(a.get("hyp", {})),
    )
    trainer = model.trainer
    best = Path(trainer.best) if Path(trainer.best).is_file() else Path(trainer.last)
    result: dict[str, Any] = {
        "pt": str(best),
        "metrics": {k: float(v) for k, v in (trainer.metrics or {}).items()},
    }
    if a.get("export", True):
        result["onnx"] = _export(str(best), int(a.get("export_imgsz") or a.get("imgsz", 320)))
    result["seconds"] = round(time.time() - t0, 1)
    emit("done", **result)


def pick_device(wanted: str, torch: Any) -> str:
    """``auto``: the first CUDA GPU torch sees, else the CPU; anything else as given."""
    if wanted != "auto":
        return wanted
    return "0" if torch.cuda.is_available() else "cpu"


def _export(weights: str, imgsz: int) -> str:
    from ultralytics import YOLO

    from detectors.ultra_env import require_absolute

    model = YOLO(str(require_absolute(weights)))
    out = model.export(
        format="onnx", imgsz=imgsz, dynamic=False, simplify=True, opset=None, half=False, device="cpu"
    )
    return str(Path(out).resolve())


def cmd_export(a: dict[str, Any]) -> None:
    _ultralytics(a.get("config_dir"))
    emit("done", onnx=_export(a["weights"], int(a.get("imgsz", 320))))


def cmd_predict(a: dict[str, Any]) -> None:
    """Boxes from ultralytics' own predictor, per image: [[x1, y1, x2, y2, score, class], ...]."""
    _ultralytics(a.get("config_dir"))
    import torch
    from ultralytics import YOLO

    from detectors.ultra_env import require_absolute

    torch.set_num_threads(1)
    model = YOLO(str(require_absolute(a["model"])), task="detect")
    out: dict[str, Any] = {}
    for img in a["images"]:
        r = model.predict(
            str(img),
            conf=float(a.get("conf", 0.25)),
            iou=float(a.get("iou", 0.7)),
            imgsz=a.get("imgsz", 320),
            device="cpu",
            verbose=False,
            max_det=int(a.get("max_det", 300)),
        )[0]
        out[str(img)] = r.boxes.data.cpu().numpy().tolist() if r.boxes is not None else []
    emit("done", boxes=out, names={int(k): v for k, v in model.names.items()})


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2 or argv[0] not in {"train", "predict", "export"}:
        print(__doc__, file=sys.stderr)
        return 2
    args = json.loads(argv[1])
    try:
        {"train": cmd_train, "predict": cmd_predict, "export": cmd_export}[argv[0]](args)
    except Exception as exc:
        emit("error", error=f"{type(exc).__name__}: {exc}")
        raise
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
