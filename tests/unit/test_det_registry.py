"""Detector plugin registry: built-ins + entry points, typed options, lazy imports, named failures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from detectors import registry
from detectors.registry import DetectorLoadError, Plugin, PluginOptions
from detectors.types import Detector

REPO = Path(__file__).resolve().parents[2]


def test_builtins_are_listed_without_importing_them() -> None:
    code = textwrap.dedent(
        """
        import sys
        from detectors import registry
        names = registry.available()
        assert {"onnx_yolo", "ultralytics", "stationary", "motion"} <= set(names), names
        heavy = [m for m in ("onnxruntime", "torch", "ultralytics", "detectors.backends.onnx_yolo",
                             "detectors.stationary") if m in sys.modules]
        print(heavy)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_only_the_configured_plugin_is_imported() -> None:
    code = textwrap.dedent(
        """
        import sys
        from detectors import registry
        det = registry.load("stationary", {"width": 160})
        print(sorted(m for m in ("onnxruntime", "torch", "ultralytics", "detectors.backends.onnx_yolo",
                                 "detectors.motion") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_load_validates_options_with_the_plugin_model() -> None:
    det = registry.load("stationary", {"width": 200, "confirm_s": 2})
    assert isinstance(det, Detector)
    assert det.detect(np.zeros((90, 160, 3), np.uint8), 0.0).shape == (0, 6)
    opts = registry.validate_options("motion", {"threshold": 30})
    assert opts.model_dump()["threshold"] == 30


def test_unknown_option_is_an_error_naming_plugin_and_field() -> None:
    with pytest.raises(DetectorLoadError) as err:
        registry.load("stationary", {"widht": 200})
    assert err.value.plugin == "stationary"
    assert "widht" in str(err.value) and "stationary" in str(err.value)


def test_bad_option_value_is_an_error() -> None:
    with pytest.raises(DetectorLoadError, match="confirm_s"):
        registry.load("stationary", {"confirm_s": -1})


def test_unknown_plugin_lists_the_available_ones() -> None:
    with pytest.raises(DetectorLoadError) as err:
        registry.load("no_such_detector")
    assert "no_such_detector" in str(err.value) and "stationary" in str(err.value)


def test_missing_model_file_stops_start_up_with_the_plugin_name(tmp_path: Path) -> None:
    with pytest.raises(DetectorLoadError) as err:
        registry.load("onnx_yolo", {"model": str(tmp_path / "missing.onnx")})
    assert err.value.plugin == "onnx_yolo" and "missing.onnx" in str(err.value)


def test_ultralytics_backend_refuses_bare_model_names() -> None:
    # a bare name like yolov8n.pt would make ultralytics download it
    with pytest.raises(DetectorLoadError, match="absolute"):
        registry.load("ultralytics", {"model": "yolov8n.pt"})


def _write_entry_point(site: Path, module: str, body: str, name: str) -> None:
    (site / f"{module}.py").write_text(textwrap.dedent(body))
    dist = site / "citywall_test_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: citywall-test-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[citywall.detectors]\n{name} = {module}:PLUGIN\n")


def test_entry_point_plugins_are_discovered_and_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_entry_point(
        tmp_path,
        "cw_fake_plugin",
        """
        import numpy as np
        from detectors.registry import Plugin, PluginOptions

        class Opts(PluginOptions):
            label: str = "thing"

        class Fake:
            def __init__(self, o):
                self.o = o
            @property
            def class_names(self):
                return {0: self.o.label}
            def detect(self, frame, t=None):
                return np.array([[1, 2, 3, 4, 0.9, 0]], np.float32)
            def close(self):
                pass

        PLUGIN = Plugin(name="fake", options=Opts, factory=Fake)
        """,
        "fake",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "fake" in registry.available()
    det = registry.load("fake", {"label": "stall"})
    assert det.class_names == {0: "stall"}
    assert det.detect(np.zeros((4, 4, 3), np.uint8)).dtype == np.float32
    with pytest.raises(DetectorLoadError, match="fake"):
        registry.load("fake", {"nope": 1})


def test_broken_entry_point_fails_with_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_entry_point(tmp_path, "cw_broken_plugin", "raise ImportError('needs libfoo')\n", "broken")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DetectorLoadError) as err:
        registry.load("broken")
    assert err.value.plugin == "broken" and "libfoo" in str(err.value)


def test_options_model_must_forbid_extra_keys() -> None:
    from pydantic import BaseModel

    class Loose(BaseModel):
        x: int = 1

    plugin = Plugin(name="loose", options=Loose, factory=lambda o: None)  # type: ignore[arg-type, return-value, type-var]
    with pytest.raises(DetectorLoadError):
        registry.load_plugin(plugin, {})


def test_factory_failure_is_wrapped() -> None:
    class Opts(PluginOptions):
        pass

    def boom(_: Opts) -> Detector:
        raise RuntimeError("camera model not supported")

    with pytest.raises(DetectorLoadError, match="camera model not supported") as err:
        Plugin(name="boom", options=Opts, factory=boom).create({})
    assert err.value.plugin == "boom"
