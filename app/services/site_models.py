"""The site's own detection models: a relative model name in the site file (``onnx_yolo: {model:
vending_yolo.onnx}``) means the site's fine-tuned copy in ``<site data>/models`` when there is one
(``citywall train --from-verdicts`` swaps it in there), else the shipped one in resources/models.

The composition root resolves the names before the detection worker starts (the worker gets
absolute paths); a model swapped in while the wall runs is noticed by
:class:`~app.services.detection.model_watch.ModelWatch`, which resolves the same names again.
"""

from __future__ import annotations

from pathlib import Path

from camera_config.models import SiteConfig
from detectors.backends.onnx_yolo import resolve_model_path

MODELS = "models"
MODEL_PLUGINS = ("onnx_yolo",)  # plugins whose ``model`` option names a file


def site_models_dir(data: Path) -> Path:
    return Path(data) / MODELS


def site_with_models(site: SiteConfig, data: Path) -> SiteConfig:
    """``site`` with each model plugin's relative ``model`` resolved (site's own first)."""
    detectors = dict(site.detection.detectors)
    changed = False
    for name in MODEL_PLUGINS:
        options = detectors.get(name)
        if not options or "model" not in options or Path(str(options["model"])).is_absolute():
            continue
        resolved = resolve_model_path(Path(str(options["model"])), site_models_dir(data))
        detectors[name] = {**options, "model": str(resolved)}
        changed = True
    if not changed:
        return site
    detection = site.detection.model_copy(update={"detectors": detectors})
    return site.model_copy(update={"detection": detection})
