"""Cross-field rule violations that carry the exact path of the offending field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleViolation:
    path: tuple[str | int, ...]
    message: str


class SiteRuleError(ValueError):
    """Raised by a model validator; the loader reports each violation at its own path.

    Paths are relative to the model that raised it (the site root, or e.g. a credentials block).
    """

    def __init__(self, violations: list[RuleViolation]) -> None:
        self.violations = violations
        super().__init__("; ".join(f"{'.'.join(map(str, v.path))}: {v.message}" for v in violations))
