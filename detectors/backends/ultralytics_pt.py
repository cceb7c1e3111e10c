"""Ultralytics ``.pt`` models, in-process (only where the ``train`` extra is installed: torch, ultralytics).

The app's own venv has neither; this backend serves a detection worker started with the training
venv's Python, and the parity tests. The offline environment is set before ultralytics is imported,
and the model path must be absolute (a bare name would be downloaded).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from detectors import ultra_env
from detectors.registry import Plugin, PluginOptions
from detectors.types import Detections, Frame, as_detections, empty_detections


class UltralyticsOptions(PluginOptions):
    model: Path = Field(description="absolute path to a .pt (or exported) model")
    conf: float = Field(0.25, ge=0.0, le=1.0)
    iou: float = Field(0.7, ge=0.0, le=1.0)
    imgsz: int | tuple[int, int] = 640
    max_det: int = Field(300, ge=1)
    classes: list[int] | None = None
    threads: int = Field(1, ge=1, le=64, description="torch intra-op threads")
    config_dir: Path | None = Field(
        None, description="YOLO_CONFIG_DIR (fonts, settings); default: user cache"
    )


class UltralyticsDetector:
    def __init__(self, options: UltralyticsOptions) -> None:
        path = ultra_env.require_absolute(options.model)
        ultra_env.prepare(options.config_dir)
        try:
            import torch  # type: ignore[import-not-found, unused-ignore]
            from ultralytics import YOLO  # type: ignore[import-not-found, unused-ignore]
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "the 'ultralytics' backend needs the train extra (torch + ultralytics): "
                "run scripts/setup_train_env.sh and use .venv-train"
            ) from exc
        ultra_env.after_import_settings()
        torch.set_num_threads(options.threads)
        self.options = options
        self.model: Any = YOLO(str(path), task="detect")
        names = getattr(self.model, "names", {}) or {}
        self._names = {int(k): str(v) for k, v in dict(names).items()}

    @property
    def class_names(self) -> Mapping[int, str]:
        return self._names

    def detect(self, frame: Frame, t: float | None = None) -> Detections:
        o = self.options
        results = self.model.predict(
            frame, conf=o.conf, iou=o.iou, imgsz=o.imgsz, max_det=o.max_det, classes=o.classes,
            device="cpu", verbose=False,
        )  # fmt: skip
        if not results:
            return empty_detections()
        boxes = results[0].boxes
        if boxes is None or len(boxes) == 0:
            return empty_detections()
        data = boxes.data.cpu().numpy().astype(np.float32)
        return as_detections(data[:, :6])

    def close(self) -> None:
        self.model = None


def _create(options: UltralyticsOptions) -> UltralyticsDetector:
    return UltralyticsDetector(options)


PLUGIN = Plugin(
    name="ultralytics",
    options=UltralyticsOptions,
    factory=_create,
    description="ultralytics YOLO .pt model in-process (needs torch + ultralytics: the train extra)",
)
