"""An in-memory EvidenceStore (the real one is app/adapters/storage's) and a store that refuses."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from app.core.alert_ports import EvidenceProblem
from app.core.alerts import EvidenceKind, EvidenceRef


class MemoryEvidenceStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.refs: list[EvidenceRef] = []

    def put(
        self,
        data: bytes,
        *,
        kind: EvidenceKind,
        media_type: str,
        captured_at: float,
        camera_id: str,
        stream: str,
        note: str = "",
    ) -> EvidenceRef:
        sha = hashlib.sha256(data).hexdigest()
        self.files[sha] = data
        ref = EvidenceRef(sha, kind, media_type, len(data), captured_at, camera_id, stream, note)
        self.refs.append(ref)
        return ref

    def read(self, ref: EvidenceRef) -> bytes:
        return self.files[ref.sha256]

    def verify(self, refs: Sequence[EvidenceRef]) -> list[tuple[EvidenceRef, str]]:
        return [(r, "missing") for r in refs if r.sha256 not in self.files]


class FullEvidenceStore(MemoryEvidenceStore):
    """A disk that is full: every put is refused, as the real store says it."""

    def put(self, data: bytes, **kwargs: object) -> EvidenceRef:
        raise EvidenceProblem(f"evidence {kwargs.get('kind')} not kept: No space left on device")
