"""Detector plugin registry: built-ins plus the ``citywall.detectors`` entry-point group.

A plugin is a :class:`Plugin`: a name, a pydantic options model (``extra="forbid"``, so a typo in a
site file is an error naming the plugin and the field) and a factory. Nothing is imported until a
configuration names it: the built-in table holds ``"module:attribute"`` strings, and entry points are
only ``.load()``-ed on demand, so a site that runs only the weight-free detectors never imports
onnxruntime, and one without the ``train`` extra never imports ultralytics.

Third-party packages register plugins in their own ``pyproject.toml``::

    [project.entry-points."citywall.detectors"]
    my_model = "my_package.citywall_plugin:PLUGIN"

where ``PLUGIN`` is a :class:`Plugin` (or a zero-argument callable returning one).
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from detectors.types import Detector

ENTRY_POINT_GROUP = "citywall.detectors"


class PluginOptions(BaseModel):
    """Base of every plugin's options: immutable, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


OptionsT = TypeVar("OptionsT", bound=PluginOptions)


@dataclass(frozen=True)
class Plugin(Generic[OptionsT]):
    name: str
    options: type[OptionsT]
    factory: Callable[[OptionsT], Detector]
    description: str = ""
    # True: the detector keeps per-view state (background models): one instance per (camera, preset).
    # False: stateless (a model session): one instance can serve every camera.
    stateful: bool = False

    def create(self, options: Mapping[str, Any] | OptionsT | None = None) -> Detector:
        return load_plugin(self, options)


class DetectorLoadError(RuntimeError):
    """A configured detector could not be found, validated or started. The message names the plugin."""

    def __init__(self, plugin: str, reason: str) -> None:
        super().__init__(f"detector plugin {plugin!r}: {reason}")
        self.plugin = plugin
        self.reason = reason


BUILTINS: Mapping[str, str] = {
    "onnx_yolo": "detectors.backends.onnx_yolo:PLUGIN",
    "ultralytics": "detectors.backends.ultralytics_pt:PLUGIN",
    "stationary": "detectors.stationary:PLUGIN",
    "motion": "detectors.motion:PLUGIN",
}


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def available() -> dict[str, str]:
    """Every plugin name → where it comes from (``"builtin"`` or the distribution), importing nothing."""
    out: dict[str, str] = {name: "builtin" for name in BUILTINS}
    for name, ep in _entry_points().items():
        if name in out:
            continue  # built-ins cannot be shadowed by an installed package
        dist = getattr(ep, "dist", None)
        out[name] = f"entry point {ep.value}" + (f" ({dist.name})" if dist is not None else "")
    return out


def _import_target(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


def get_plugin(name: str) -> Plugin[Any]:
    """Import and return the plugin called ``name`` (built-in first, then entry points)."""
    try:
        if name in BUILTINS:
            obj = _import_target(BUILTINS[name])
        else:
            eps = _entry_points()
            if name not in eps:
                known = ", ".join(sorted(available())) or "none"
                raise DetectorLoadError(name, f"no such plugin (available: {known})")
            obj = eps[name].load()
    except DetectorLoadError:
        raise
    except Exception as exc:  # an ImportError, or anything a plugin module raises at import
        raise DetectorLoadError(name, f"cannot import: {type(exc).__name__}: {exc}") from exc
    if not isinstance(obj, Plugin) and callable(obj):
        try:
            obj = obj()
        except Exception as exc:
            raise DetectorLoadError(name, f"plugin factory failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(obj, Plugin):
        raise DetectorLoadError(
            name, f"entry point gave {type(obj).__name__}, not a detectors.registry.Plugin"
        )
    if not (isinstance(obj.options, type) and issubclass(obj.options, BaseModel)):
        raise DetectorLoadError(name, "plugin options must be a pydantic model")
    if obj.options.model_config.get("extra") != "forbid":
        raise DetectorLoadError(name, "plugin options model must forbid extra keys (extra='forbid')")
    return obj


def validate_options(name: str, options: Mapping[str, Any] | None = None) -> PluginOptions:
    """Validate ``options`` with the plugin's own model (imports that one plugin only)."""
    plugin = get_plugin(name)
    opts: PluginOptions = _validate(plugin, options)
    return opts


def _validate(plugin: Plugin[Any], options: Mapping[str, Any] | BaseModel | None) -> Any:
    if isinstance(options, plugin.options):
        return options
    if isinstance(options, BaseModel):
        options = options.model_dump()
    try:
        return plugin.options.model_validate(dict(options or {}))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(options)'}: {err['msg']}" for err in exc.errors()
        )
        raise DetectorLoadError(plugin.name, f"invalid options: {problems}") from exc


def load_plugin(plugin: Plugin[Any], options: Mapping[str, Any] | BaseModel | None = None) -> Detector:
    opts = _validate(plugin, options)
    try:
        detector = plugin.factory(opts)
    except DetectorLoadError:
        raise
    except Exception as exc:
        raise DetectorLoadError(plugin.name, f"failed to start: {type(exc).__name__}: {exc}") from exc
    if not isinstance(detector, Detector):
        raise DetectorLoadError(plugin.name, f"factory returned {type(detector).__name__}, not a Detector")
    return detector


def load(name: str, options: Mapping[str, Any] | BaseModel | None = None) -> Detector:
    """Import, validate and start the detector ``name``; any failure is a :class:`DetectorLoadError`."""
    return load_plugin(get_plugin(name), options)
