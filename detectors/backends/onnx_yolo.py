"""YOLO detection models exported by ultralytics to ONNX, run with ONNX Runtime on the CPU.

Class names, input size and stride come from the export's metadata (``names``, ``imgsz``,
``stride``, ``end2end``); the frame is letterboxed exactly as ultralytics does it; the raw head is
decoded, confidence-filtered and class-wise NMS'd in numpy; boxes come back in source pixels.
One intra-op thread by default: the detection worker runs many cameras, not one fast.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from pydantic import Field, field_validator

from detectors.boxes import Letterbox, decode_end2end, decode_yolo, letterbox, unletterbox
from detectors.registry import Plugin, PluginOptions
from detectors.types import Detections, Frame, as_detections, empty_detections

MODELS_DIR = Path(__file__).resolve().parents[2] / "resources" / "models"


def resolve_model_path(path: Path, site_models: Path | None = None) -> Path:
    """Absolute paths as given; relative ones against the site's own models (``site_models``, where
    ``citywall train --from-verdicts`` puts a fine-tuned model) when the file is there, else against
    ``resources/models`` (the shipped defaults)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    if site_models is not None and (Path(site_models) / p).is_file():
        return Path(site_models) / p
    return MODELS_DIR / p


class OnnxYoloOptions(PluginOptions):
    model: Path = Field(description="path to the .onnx file (relative paths are under resources/models)")
    conf: float = Field(0.25, ge=0.0, le=1.0, description="minimum class score")
    iou: float = Field(0.7, ge=0.0, le=1.0, description="NMS IoU threshold (class-wise)")
    max_det: int = Field(300, ge=1)
    classes: list[int] | None = Field(None, description="keep only these class ids")
    agnostic_nms: bool = False
    imgsz: tuple[int, int] | None = Field(
        None, description="(height, width) for models exported with dynamic axes; fixed models use theirs"
    )
    threads: int = Field(1, ge=1, le=64, description="ONNX Runtime intra-op threads")

    @field_validator("imgsz", mode="before")
    @classmethod
    def _square(cls, v: Any) -> Any:
        return (v, v) if isinstance(v, int) else v


def parse_metadata(meta: Mapping[str, str]) -> dict[str, Any]:
    """Ultralytics writes every metadata value as ``str(value)``; read back the ones we need."""
    out: dict[str, Any] = {}
    for key in ("names", "imgsz", "stride", "end2end", "task", "batch", "channels"):
        if key in meta:
            try:
                out[key] = ast.literal_eval(meta[key])
            except (ValueError, SyntaxError):
                out[key] = meta[key]
    for key in ("description", "version", "date", "author", "license"):
        if key in meta:
            out[key] = meta[key]
    return out


class OnnxYolo:
    """A loaded model. ``detect(frame)`` → ``(N, 6)`` float32 ``[x1, y1, x2, y2, score, class]``."""

    def __init__(self, options: OnnxYoloOptions) -> None:
        import onnxruntime as ort  # type: ignore[import-untyped, unused-ignore]  # only when configured

        self.options = options
        self.path = resolve_model_path(options.model)
        if not self.path.is_file():
            raise FileNotFoundError(f"no ONNX model at {self.path}")
        so = ort.SessionOptions()
        so.intra_op_num_threads = options.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(self.path), sess_options=so, providers=["CPUExecutionProvider"]
        )
        self.metadata = parse_metadata(self.session.get_modelmeta().custom_metadata_map)
        inp = self.session.get_inputs()[0]
        self.input_name: str = inp.name
        fixed = [d if isinstance(d, int) else None for d in inp.shape]
        if len(fixed) != 4:
            raise ValueError(f"{self.path.name}: expected an NCHW image input, got shape {inp.shape}")
        if fixed[2] and fixed[3]:
            self.imgsz: tuple[int, int] = (int(fixed[2]), int(fixed[3]))
        elif options.imgsz:
            self.imgsz = options.imgsz
        elif "imgsz" in self.metadata:
            sz = self.metadata["imgsz"]
            self.imgsz = (int(sz[0]), int(sz[1])) if isinstance(sz, list | tuple) else (int(sz), int(sz))
        else:
            self.imgsz = (640, 640)
        self.stride = int(self.metadata.get("stride", 32))
        names = self.metadata.get("names", {})
        if isinstance(names, list):
            names = dict(enumerate(names))
        self._names: dict[int, str] = {int(k): str(v) for k, v in dict(names).items()}
        self.end2end = bool(self.metadata.get("end2end", False))
        self.fp16 = "float16" in str(inp.type)

    @property
    def class_names(self) -> Mapping[int, str]:
        return self._names

    def preprocess(self, frame: Frame) -> tuple[np.ndarray[Any, np.dtype[Any]], Letterbox]:
        img, lb = letterbox(frame, self.imgsz)
        # BGR HWC uint8 → RGB NCHW float 0..1 in one pass (numpy's flip/transpose/scale: 7× the CPU).
        blob = cv2.dnn.blobFromImage(img, 1.0 / 255.0, swapRB=True)
        return (blob.astype(np.float16) if self.fp16 else blob), lb

    def detect(self, frame: Frame, t: float | None = None) -> Detections:
        blob, lb = self.preprocess(frame)
        (raw,) = self.session.run(None, {self.input_name: blob})[:1]
        raw = np.asarray(raw, np.float32)
        o = self.options
        if self.end2end or (raw.ndim == 3 and raw.shape[-1] == 6 and raw.shape[1] != 6):
            det = decode_end2end(raw, o.conf, o.max_det, o.classes)
        else:
            det = decode_yolo(raw, o.conf, o.iou, o.max_det, o.classes, o.agnostic_nms)
        if len(det) == 0:
            return empty_detections()
        det[:, :4] = unletterbox(det[:, :4], lb)
        return as_detections(det)

    def close(self) -> None:
        self.session = None  # type: ignore[assignment, unused-ignore]


def _create(options: OnnxYoloOptions) -> OnnxYolo:
    return OnnxYolo(options)


PLUGIN = Plugin(
    name="onnx_yolo",
    options=OnnxYoloOptions,
    factory=_create,
    description="ultralytics YOLO detection model exported to ONNX, ONNX Runtime on the CPU",
)
