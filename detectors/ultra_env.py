"""Make ultralytics work offline, before it is imported.

What ultralytics would otherwise fetch or try to reach, and how each is blocked here:

* ``Arial.ttf`` / ``Arial.Unicode.ttf`` (label plots during training and ``check_det_dataset``):
  pre-placed in our ``YOLO_CONFIG_DIR`` from a system font (WenQuanYi Micro Hei for CJK class
  names, else DejaVu Sans, else the DejaVu that matplotlib bundles).
* the connectivity probe (``is_online``: DNS look-ups of one.one.one.one / dns.google), the PyPI
  update check and the analytics events (``Events``): off with ``YOLO_OFFLINE=1`` and
  ``settings.json`` written with ``sync: false`` before import.
* auto-install of missing requirements (``check_requirements`` → pip): off with ``YOLO_AUTOINSTALL=0``.
* weights by bare name (``yolo11n.pt`` → GitHub release download): never passed; callers give
  absolute paths or build from a model YAML; :func:`require_absolute` enforces it.
* the AMP check's ``yolo26n.pt`` download: CUDA only; we train on the CPU (``device="cpu"``).

Nothing here imports ultralytics; call :func:`prepare` first, then import it.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

FONT_CANDIDATES_UNICODE = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
FONT_CANDIDATES_LATIN = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def default_config_dir() -> Path:
    env = os.environ.get("CITYWALL_YOLO_CONFIG_DIR")
    if env:
        return Path(env)
    try:  # the app venv has platformdirs; the training venv may not
        import platformdirs

        return Path(platformdirs.user_cache_dir("citywall")) / "ultralytics"
    except ImportError:
        return Path.home() / ".cache" / "citywall" / "ultralytics"


def _bundled_font() -> Path | None:
    """The DejaVu Sans that matplotlib ships (ultralytics needs matplotlib), found without importing it."""
    for entry in sys.path:
        p = Path(entry) / "matplotlib" / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if p.is_file():
            return p
    return None


def _first(paths: tuple[str, ...]) -> Path | None:
    for p in paths:
        if Path(p).is_file():
            return Path(p)
    return _bundled_font()


def prepare(config_dir: Path | None = None) -> Path:
    """Set the offline environment; fill ``config_dir``/Ultralytics (fonts, settings). Returns that folder."""
    root = Path(config_dir) if config_dir else default_config_dir()
    cfg = root / "Ultralytics"  # ultralytics appends this to YOLO_CONFIG_DIR (its USER_CONFIG_DIR)
    cfg.mkdir(parents=True, exist_ok=True)
    os.environ["YOLO_OFFLINE"] = "1"
    os.environ["YOLO_AUTOINSTALL"] = "0"
    os.environ["YOLO_CONFIG_DIR"] = str(root)
    os.environ.setdefault("YOLO_VERBOSE", "True")
    for name, candidates in (
        ("Arial.ttf", FONT_CANDIDATES_LATIN),
        ("Arial.Unicode.ttf", FONT_CANDIDATES_UNICODE),
    ):
        dst = cfg / name
        if not dst.is_file():
            src = _first(candidates)
            if src is None:
                raise FileNotFoundError(
                    f"no font to stand in for {name} (install fonts-dejavu-core or fonts-wqy-microhei)"
                )
            shutil.copyfile(src, dst)
    settings = cfg / "settings.json"
    wanted = {
        "sync": False,
        "api_key": "",
        "openai_api_key": "",
        "datasets_dir": str(cfg / "datasets"),
        "weights_dir": str(cfg / "weights"),
        "runs_dir": str(cfg / "runs"),
        "clearml": False,
        "comet": False,
        "dvc": False,
        "mlflow": False,
        "raytune": False,
        "tensorboard": False,
        "wandb": False,
        "vscode_msg": False,
        "openvino_msg": False,
    }
    try:
        current = json.loads(settings.read_text()) if settings.is_file() else {}
    except (OSError, ValueError):
        current = {}
    if not isinstance(current, dict) or any(current.get(k) != v for k, v in wanted.items()):
        merged = {**(current if isinstance(current, dict) else {}), **wanted}
        settings.write_text(json.dumps(merged, indent=2))
    return cfg


def require_absolute(path: str | Path, what: str = "model") -> Path:
    """A bare name like ``yolov8n.pt`` makes ultralytics download it: only existing absolute paths pass."""
    p = Path(path).expanduser()
    if not p.is_absolute():
        raise ValueError(
            f"{what} path must be absolute (a bare name like {p.name!r} triggers a download): {path}"
        )
    if not p.is_file():
        raise FileNotFoundError(f"{what} not found: {p}")
    return p


def after_import_settings() -> None:
    """Belt and braces once ultralytics is imported: no sync."""
    try:
        from ultralytics.utils import SETTINGS  # type: ignore[import-not-found, unused-ignore]

        SETTINGS.update(sync=False)
    except Exception:
        pass
