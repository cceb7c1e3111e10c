"""Noticing, in the GUI process, that the site's vending model file changed while the wall runs.

``citywall train --from-verdicts`` swaps a fine-tuned model into ``<site data>/models`` from
another process (often a terminal), and an operator may put ``vending_yolo.previous.onnx`` back by
hand: either way only the file tells. :class:`ModelWatch` looks at the resolved model path on the
detection service's own timer (no Qt here): the site's copy when there is one, else the shipped
one, so a first fine-tuned model, a replaced one and a removed one (back to the shipped) are all
seen. A change is passed on once the file has stayed the same for one more look (a copy still
being written is not loaded) and only when its bytes differ from what the worker has.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Mapping
from pathlib import Path

from app.services.detection.protocol import ModelChanged
from app.services.site_models import MODEL_PLUGINS, site_models_dir
from camera_config.models import SiteConfig
from detectors.backends.onnx_yolo import resolve_model_path

log = logging.getLogger(__name__)

MODEL_POLL_S = 1.0  # a swapped-in model reaches the worker within about two looks and its loading
Stamp = tuple[int, int, int]  # (mtime_ns, size, inode): cheap to take every second


def file_stamp(path: Path) -> Stamp | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def file_sha256(path: Path) -> str:
    """The file's SHA-256 ("" when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


class ModelWatch:
    """The model files of ``names`` (plugin → the site file's ``model``, relative or absolute),
    resolved against ``site_models`` (the site's own first). :meth:`poll` says what changed."""

    def __init__(
        self, names: Mapping[str, str], site_models: Path | None, poll_s: float = MODEL_POLL_S
    ) -> None:
        self._names = dict(names)
        self._dir = site_models
        self.poll_s = poll_s
        self._next = -math.inf
        self._seen: dict[str, tuple[Path, Stamp | None]] = {}  # the file as last settled
        self._pending: dict[str, tuple[Path, Stamp]] = {}  # changed at the last look: settling
        self._told: dict[str, tuple[Path, str]] = {}  # what the worker was given: path, sha256
        for plugin in self._names:
            path = self.resolve(plugin)
            self._seen[plugin] = (path, file_stamp(path))
            self._told[plugin] = (path, file_sha256(path))

    @classmethod
    def for_site(cls, site: SiteConfig, data: Path, poll_s: float = MODEL_POLL_S) -> ModelWatch | None:
        """The watch of ``site``'s model plugins as written in the site file (before
        :func:`~app.services.site_models.site_with_models` resolved them); None without any."""
        names = {
            name: str(options["model"])
            for name, options in site.detection.detectors.items()
            if name in MODEL_PLUGINS and options and "model" in options
        }
        return cls(names, site_models_dir(data), poll_s) if names else None

    def resolve(self, plugin: str) -> Path:
        return resolve_model_path(Path(self._names[plugin]), self._dir)

    def paths(self) -> dict[str, Path]:
        """The file each plugin's worker should load now (what a restarted worker starts with)."""
        return {plugin: path for plugin, (path, _) in self._told.items()}

    def poll(self, now: float) -> list[ModelChanged]:
        """Look at the files when due (every ``poll_s``); the changes to tell the worker."""
        if now < self._next:
            return []
        self._next = now + self.poll_s
        changed: list[ModelChanged] = []
        for plugin in self._names:
            path = self.resolve(plugin)
            stamp = file_stamp(path)
            if stamp is None:
                continue  # neither the site's copy nor the shipped one: the loaded model stays
            if (path, stamp) == self._seen[plugin]:
                self._pending.pop(plugin, None)
                continue
            if self._pending.get(plugin) != (path, stamp):
                self._pending[plugin] = (path, stamp)  # still being written? look once more first
                continue
            del self._pending[plugin]
            self._seen[plugin] = (path, stamp)
            sha = file_sha256(path)
            if not sha:
                continue  # unreadable now: the loaded model stays
            told_sha = self._told[plugin][1]
            self._told[plugin] = (path, sha)
            if sha == told_sha:
                continue  # touched, or the same bytes elsewhere: the worker has this model
            log.info("model of %s changed: %s (sha256 %s)", plugin, path, sha[:12])
            changed.append(ModelChanged(plugin, str(path), sha))
        return changed
