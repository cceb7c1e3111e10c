"""The case catalogue and the dispatch table as the core's types, from their files (or the
defaults shipped in resources/cases/). Problems raise ``ConfigError`` naming file, line and field;
:class:`app.services.settings_files.LastGoodFile` keeps the last good one when a file goes bad."""

from __future__ import annotations

from pathlib import Path

from app.core.case_catalogue import (
    AlertMapping,
    CaseKind,
    Catalogue,
    Category,
    CategoryClass,
    CategoryRef,
    Department,
    Name,
    Routing,
    RoutingRule,
)
from app.core.time_limits import DeadlineUnit, TimeLimit
from camera_config.case_files import (
    CatalogueFile,
    KnownCodes,
    RoutingFile,
    parse_catalogue_text,
    parse_routing_text,
)
from camera_config.case_settings import CaseSettings

DEFAULTS = Path(__file__).resolve().parents[2] / "resources" / "cases"
DEFAULT_CATALOGUE = DEFAULTS / "catalogue.yaml"
DEFAULT_ROUTING = DEFAULTS / "routing.yaml"


def catalogue_path(settings: CaseSettings) -> Path:
    """The site's catalogue file (the loader made it absolute), or the shipped default."""
    return settings.catalogue or DEFAULT_CATALOGUE


def routing_path(settings: CaseSettings) -> Path:
    return settings.routing or DEFAULT_ROUTING


def catalogue_from_text(text: str, path: Path) -> Catalogue:
    """``text`` as the catalogue file at ``path``; ConfigError when it has problems."""
    return catalogue_from_file(parse_catalogue_text(text, path))


def routing_from_text(
    text: str, path: Path, catalogue: Catalogue | None = None, *, grid_digits: int | None = None
) -> Routing:
    """``text`` as the dispatch table at ``path``, checked against ``catalogue``'s codes."""
    known = known_codes(catalogue) if catalogue is not None else None
    spec = parse_routing_text(text, path, known, grid_digits=grid_digits)
    return routing_from_file(spec, path.name)


def catalogue_from_file(spec: CatalogueFile) -> Catalogue:
    classes: list[CategoryClass] = []
    categories: list[Category] = []
    for kind_text, sections in spec.sections():
        kind = CaseKind(kind_text)
        for cls in sections:
            class_name = Name(cls.name.zh, cls.name.en)
            classes.append(CategoryClass(kind, cls.code, class_name))
            categories.extend(
                Category(
                    code=sub.code,
                    kind=kind,
                    class_code=cls.code,
                    class_name=class_name,
                    name=Name(sub.name.zh, sub.name.en),
                    time_limit=TimeLimit(sub.time_limit.amount, DeadlineUnit(sub.time_limit.unit)),
                    urgent=sub.urgent,
                    verify_locally=sub.verify_locally,
                )
                for sub in cls.subclasses
            )
    mappings = [
        AlertMapping(m.rule, m.event_code, CategoryRef(CaseKind(m.kind), m.category)) for m in spec.alerts
    ]
    return Catalogue(classes, categories, mappings)


def routing_from_file(spec: RoutingFile, file_name: str = "") -> Routing:
    departments = tuple(Department(d.id, Name(d.name.zh, d.name.en)) for d in spec.departments)
    rules = []
    for index, rule in enumerate(spec.rules):
        line = spec.rule_line(index)
        origin = f"{file_name}:{line}" if file_name and line is not None else file_name
        rules.append(
            RoutingRule(rule.category, rule.grid_prefix, rule.department, CaseKind(rule.kind), origin)
        )
    return Routing(departments, tuple(rules))


def known_codes(catalogue: Catalogue) -> KnownCodes:
    """What a routing file is checked against: ``catalogue``'s classes and categories."""
    return KnownCodes(
        frozenset((c.kind.value, c.code) for c in catalogue),
        frozenset((c.kind.value, c.code) for c in catalogue.classes()),
    )
