"""Evidence thumbnails, read and scaled off the GUI thread, kept for the rows most recently shown.

The picture comes from ``load_evidence(ref) -> bytes`` (the evidence store); a worker of a small
thread pool decodes and scales it (QImage is safe outside the GUI thread) and hands it back by a
queued signal. A picture that cannot be read is remembered as missing (said so in the row), not
tried again on every repaint.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage

from app.core.alerts import Alert, EvidenceKind, EvidenceRef

log = logging.getLogger(__name__)

LoadEvidence = Callable[[EvidenceRef], bytes]
THUMB = QSize(96, 72)  # 4:3 like CIF/D1 pictures
KEPT = 400  # a few screens of the list: ~11 MiB


class _Done(QObject):
    done = Signal(str, QImage, str)  # sha256, thumbnail (null when unreadable), why


class _Load(QRunnable):
    def __init__(self, ref: EvidenceRef, load: LoadEvidence, size: QSize, done: _Done) -> None:
        super().__init__()
        self._ref, self._load, self._size, self._done = ref, load, size, done

    def run(self) -> None:
        try:
            data = self._load(self._ref)
        except Exception as exc:  # a missing file, a store that is gone: the row says "no picture"
            log.warning("evidence %s not readable: %s", self._ref.sha256[:12], exc)
            self._done.done.emit(self._ref.sha256, QImage(), str(exc))
            return
        image = QImage.fromData(data)
        if image.isNull():
            self._done.done.emit(self._ref.sha256, QImage(), "not a picture")
            return
        thumb = image.scaled(
            self._size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self._done.done.emit(self._ref.sha256, thumb, "")


def still_of(alert: Alert) -> EvidenceRef | None:
    return alert.evidence_of(EvidenceKind.STILL)


class Thumbnails(QObject):
    """``get`` answers at once (the thumbnail, or None while it loads); ``ready`` says when one came."""

    ready = Signal(str)  # sha256

    def __init__(
        self,
        load: LoadEvidence | None,
        parent: QObject | None = None,
        *,
        size: QSize = THUMB,
        kept: int = KEPT,
        pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._load, self.size, self._kept = load, size, kept
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self.missing: dict[str, str] = {}  # sha256 → why it could not be read
        self._pool = pool or QThreadPool(self)
        if pool is None:
            self._pool.setMaxThreadCount(2)  # two cores on a control-room PC run the wall too
        self._done = _Done(self)
        self._done.done.connect(self._arrived, Qt.ConnectionType.QueuedConnection)

    def get(self, ref: EvidenceRef | None) -> QImage | None:
        if ref is None or self._load is None:
            return None
        image = self._cache.get(ref.sha256)
        if image is not None:
            self._cache.move_to_end(ref.sha256)
            return image
        if ref.sha256 not in self._pending and ref.sha256 not in self.missing:
            self._pending.add(ref.sha256)
            self._pool.start(_Load(ref, self._load, self.size, self._done))
        return None

    def pending(self) -> int:
        return len(self._pending)

    def __len__(self) -> int:
        return len(self._cache)

    def wait(self, ms: int = 5000) -> bool:
        """Tests and shutdown: let the loads in flight finish."""
        return self._pool.waitForDone(ms)

    def _arrived(self, sha256: str, image: QImage, why: str) -> None:
        self._pending.discard(sha256)
        if image.isNull():
            self.missing[sha256] = why
        else:
            self._cache[sha256] = image
            while len(self._cache) > self._kept:
                self._cache.popitem(last=False)
        self.ready.emit(sha256)
