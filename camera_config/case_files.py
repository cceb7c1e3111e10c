"""The case catalogue file (案件分类目录) and the dispatch table file (匹配派遣), read like the site
file: every problem is reported with file, line and field path.

This package does not import the app: these functions return validated file models; the
services turn them into the core's ``Catalogue`` and ``Routing`` (``app.services.case_config``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, PrivateAttr, ValidationError, ValidationInfo, field_validator, model_validator
from yaml.nodes import MappingNode

from camera_config import yaml_nodes
from camera_config.explain import explain
from camera_config.issues import ConfigError, ConfigIssue, format_path
from camera_config.loader import read_text, validation_issue, yaml_issue
from camera_config.model_base import CAMERA_ID_PATTERN, NAME_MAX, Model
from camera_config.rules import RuleViolation, SiteRuleError

__all__ = [
    "CatalogueFile",
    "KnownCodes",
    "RoutingFile",
    "load_catalogue_file",
    "load_routing_file",
    "parse_catalogue_text",
    "parse_routing_text",
]

Kind = Literal["event", "component"]
GRID_DIGITS = 15  # 6 admin + 3 street + 3 community + 3 sequence, unless the site says otherwise
CODE_DIGITS_MAX = 8  # a subclass code: the class's 2 digits and the city's own (usually 2)


class Text:
    """Every message of this module, in one place for translation."""

    EMPTY = "the file is empty; see resources/cases/{example} for what it holds"
    NOT_MAPPING = "the top level must be a mapping with keys such as {keys}; got {what}"
    CLASS_CODE = 'a class (大类) code is two digits in quotes, e.g. "05"'
    SUBCLASS_CODE = f'a subclass (小类) code is 3 to {CODE_DIGITS_MAX} digits in quotes, e.g. "0501"'
    EVENT_CODE = 'an event code is digits in quotes, e.g. "0501"'
    RULE_CATEGORY = 'name a subclass code ("0501"), a class code ("05") or "*" for any category'
    GRID_PREFIX = "a grid prefix is digits only (the start of a unit-grid code), or empty for anywhere"
    GRID_TOO_LONG = "the grid prefix has {n} digits; a unit-grid code has only {digits}"
    NO_CATEGORIES = (
        "the catalogue lists no categories: add classes with subclasses under events or components"
    )
    DUPLICATE_CLASS = "{kind} class {code!r} is listed twice (first as {where}); keep only one"
    DUPLICATE_CODE = (
        "{kind} code {code!r} is listed twice (first as {where}); every category needs its own code"
    )
    NOT_UNDER_CLASS = "subclass code {code!r} does not start with its class code {cls!r}"
    DUPLICATE_ALERT = "rule {rule!r} with event code {code!r} is mapped twice (first as {where})"
    UNKNOWN_CATEGORY = "no {kind} category {code!r} in the catalogue{hint}"
    UNKNOWN_CLASS = "no {kind} class {code!r} in the catalogue{hint}"
    DUPLICATE_DEPARTMENT = (
        "department id {id!r} is listed twice (first as {where}); every department needs its own id"
    )
    UNKNOWN_DEPARTMENT = "unknown department {id!r}; departments listed in this file: {known}"
    DUPLICATE_RULE = "the same category, kind and grid prefix as {where}: that rule always wins; remove one"
    NO_DEPARTMENTS = "(none)"


def _digits(value: str, message: str, lengths: range) -> str:
    if not (value.isdigit() and value.isascii() and len(value) in lengths):
        raise ValueError(message)
    return value


class Name(Model):
    zh: str = Field(min_length=1, max_length=NAME_MAX)
    en: str = Field(default="", max_length=NAME_MAX)


class TimeLimitSpec(Model):
    """``amount`` of ``unit``: work_hours 工作时, urgent_hours 紧急工作时, work_days 工作日."""

    amount: float = Field(gt=0, le=1000)
    unit: Literal["work_hours", "urgent_hours", "work_days"]


class SubclassSpec(Model):
    code: str
    name: Name
    time_limit: TimeLimitSpec
    urgent: bool = False
    verify_locally: bool = True

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return _digits(value, Text.SUBCLASS_CODE, range(3, CODE_DIGITS_MAX + 1))


class ClassSpec(Model):
    code: str
    name: Name
    subclasses: tuple[SubclassSpec, ...] = ()

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return _digits(value, Text.CLASS_CODE, range(2, 3))


class AlertMappingSpec(Model):
    """Alerts of detector ``rule`` with ``event_code`` become cases of ``category`` (of ``kind``)."""

    rule: str = Field(min_length=1, max_length=64)
    event_code: str
    category: str
    kind: Kind = "event"

    @field_validator("event_code")
    @classmethod
    def _event_code(cls, value: str) -> str:
        return _digits(value, Text.EVENT_CODE, range(1, 33))

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _digits(value, Text.SUBCLASS_CODE, range(3, CODE_DIGITS_MAX + 1))


@dataclass(frozen=True)
class KnownCodes:
    """A catalogue's (kind, code) pairs, what a routing file is checked against."""

    categories: frozenset[tuple[str, str]]
    classes: frozenset[tuple[str, str]]


class CatalogueFile(Model):
    version: Literal[1] = 1
    events: tuple[ClassSpec, ...] = ()  # 事件
    components: tuple[ClassSpec, ...] = ()  # 部件
    alerts: tuple[AlertMappingSpec, ...] = ()

    @model_validator(mode="after")
    def _cross_check(self) -> CatalogueFile:
        violations = list(_catalogue_violations(self))
        if violations:
            raise SiteRuleError(violations)
        return self

    def sections(self) -> Iterator[tuple[Kind, tuple[ClassSpec, ...]]]:
        yield "event", self.events
        yield "component", self.components

    def known_codes(self) -> KnownCodes:
        return KnownCodes(self.category_keys(), self.class_keys())

    def category_keys(self) -> frozenset[tuple[str, str]]:
        """(kind, code) of every subclass, for checking a routing file against this catalogue."""
        return frozenset(
            (kind, s.code) for kind, classes in self.sections() for c in classes for s in c.subclasses
        )

    def class_keys(self) -> frozenset[tuple[str, str]]:
        return frozenset((kind, c.code) for kind, classes in self.sections() for c in classes)


def _catalogue_violations(catalogue: CatalogueFile) -> Iterator[RuleViolation]:
    if not catalogue.category_keys():
        yield RuleViolation((), Text.NO_CATEGORIES)
    codes: dict[str, tuple[str | int, ...]] = {}
    for kind, classes in catalogue.sections():
        section = "events" if kind == "event" else "components"
        class_at: dict[str, str] = {}
        for i, cls in enumerate(classes):
            where = f"{section}[{i}]"
            if cls.code in class_at:
                first = class_at[cls.code]
                yield RuleViolation(
                    (section, i, "code"), Text.DUPLICATE_CLASS.format(kind=kind, code=cls.code, where=first)
                )
            else:
                class_at[cls.code] = where
            for j, sub in enumerate(cls.subclasses):
                at = (section, i, "subclasses", j, "code")
                if not sub.code.startswith(cls.code):
                    yield RuleViolation(at, Text.NOT_UNDER_CLASS.format(code=sub.code, cls=cls.code))
                key = f"{kind} {sub.code}"
                if key in codes:
                    first = format_path(codes[key][:-1])
                    yield RuleViolation(at, Text.DUPLICATE_CODE.format(kind=kind, code=sub.code, where=first))
                else:
                    codes[key] = at
    known = catalogue.category_keys()
    mapped: dict[tuple[str, str], int] = {}
    for k, mapping in enumerate(catalogue.alerts):
        if (mapping.kind, mapping.category) not in known:
            yield RuleViolation(
                ("alerts", k, "category"), _unknown_category(mapping.kind, mapping.category, known)
            )
        pair = (mapping.rule, mapping.event_code)
        if pair in mapped:
            yield RuleViolation(
                ("alerts", k, "event_code"),
                Text.DUPLICATE_ALERT.format(rule=pair[0], code=pair[1], where=f"alerts[{mapped[pair]}]"),
            )
        else:
            mapped[pair] = k


def _unknown_category(kind: str, code: str, known: Collection[tuple[str, str]]) -> str:
    same = sorted(c for k, c in known if k == kind)
    close = [c for c in same if c[:2] == code[:2]][:8]
    hint = f"; known {kind} codes in class {code[:2]}: {', '.join(close)}" if close else ""
    if not close and same:
        hint = f"; known {kind} codes: {', '.join(same[:12])}{', …' if len(same) > 12 else ''}"
    return Text.UNKNOWN_CATEGORY.format(kind=kind, code=code, hint=hint)


# --- the dispatch table ---------------------------------------------------------------------------


class DepartmentSpec(Model):
    id: Annotated[str, Field(pattern=CAMERA_ID_PATTERN)]
    name: Name


class RoutingRuleSpec(Model):
    """Cases of ``category`` (subclass, class or "*") in grids starting ``grid_prefix`` go to
    ``department``."""

    category: str
    kind: Kind = "event"
    grid_prefix: str = ""
    department: str = Field(min_length=1, max_length=64)

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return value if value == "*" else _digits(value, Text.RULE_CATEGORY, range(2, CODE_DIGITS_MAX + 1))

    @field_validator("grid_prefix")
    @classmethod
    def _grid_prefix(cls, value: str) -> str:
        return _digits(value, Text.GRID_PREFIX, range(0, 65)) if value else value


class RoutingFile(Model):
    version: Literal[1] = 1
    departments: tuple[DepartmentSpec, ...] = ()
    rules: tuple[RoutingRuleSpec, ...] = ()
    _rule_lines: tuple[int | None, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> RoutingFile:
        context = info.context or {}
        violations = list(_routing_violations(self, context))
        if violations:
            raise SiteRuleError(violations)
        return self

    def rule_line(self, index: int) -> int | None:
        """The line of rule ``index`` in the file it was read from (for "which rule matched")."""
        return self._rule_lines[index] if 0 <= index < len(self._rule_lines) else None


def _routing_violations(routing: RoutingFile, context: dict[str, Any]) -> Iterator[RuleViolation]:
    first_dept: dict[str, int] = {}
    for i, department in enumerate(routing.departments):
        if department.id in first_dept:
            where = f"departments[{first_dept[department.id]}]"
            yield RuleViolation(
                ("departments", i, "id"), Text.DUPLICATE_DEPARTMENT.format(id=department.id, where=where)
            )
        else:
            first_dept[department.id] = i
    known_depts = ", ".join(first_dept) or Text.NO_DEPARTMENTS
    digits = context.get("grid_digits") or GRID_DIGITS
    categories: Collection[tuple[str, str]] | None = context.get("categories")
    classes: Collection[tuple[str, str]] | None = context.get("classes")
    first_rule: dict[tuple[str, str, str], int] = {}
    for k, rule in enumerate(routing.rules):
        if rule.department not in first_dept:
            yield RuleViolation(
                ("rules", k, "department"),
                Text.UNKNOWN_DEPARTMENT.format(id=rule.department, known=known_depts),
            )
        if len(rule.grid_prefix) > digits:
            yield RuleViolation(
                ("rules", k, "grid_prefix"), Text.GRID_TOO_LONG.format(n=len(rule.grid_prefix), digits=digits)
            )
        unknown = _unknown_rule_category(rule, classes, categories)
        if unknown is not None:
            yield RuleViolation(("rules", k, "category"), unknown)
        key = (rule.category, "" if rule.category == "*" else rule.kind, rule.grid_prefix)
        if key in first_rule:
            yield RuleViolation(("rules", k), Text.DUPLICATE_RULE.format(where=f"rules[{first_rule[key]}]"))
        else:
            first_rule[key] = k


def _unknown_rule_category(
    rule: RoutingRuleSpec,
    classes: Collection[tuple[str, str]] | None,
    categories: Collection[tuple[str, str]] | None,
) -> str | None:
    """Why the rule's class or subclass is not in the catalogue; None when it is (or "*", or no
    catalogue to check against)."""
    if rule.category == "*":
        return None
    if len(rule.category) == 2:
        if classes is None or (rule.kind, rule.category) in classes:
            return None
        listed = sorted(c for kind, c in classes if kind == rule.kind)
        hint = f"; known {rule.kind} classes: {', '.join(listed)}" if listed else ""
        return Text.UNKNOWN_CLASS.format(kind=rule.kind, code=rule.category, hint=hint)
    if categories is None or (rule.kind, rule.category) in categories:
        return None
    return _unknown_category(rule.kind, rule.category, categories)


# --- reading --------------------------------------------------------------------------------------

M = TypeVar("M", CatalogueFile, RoutingFile)


def load_catalogue_file(path: Path) -> CatalogueFile:
    """The catalogue at ``path``; :class:`ConfigError` naming file, line and field of every problem."""
    return parse_catalogue_text(read_text(Path(path)), Path(path))


def parse_catalogue_text(text: str, path: Path) -> CatalogueFile:
    model, _ = _parse(text, Path(path), CatalogueFile, "catalogue.yaml", "events, components, alerts", None)
    return model


def load_routing_file(
    path: Path, known: KnownCodes | None = None, *, grid_digits: int | None = None
) -> RoutingFile:
    """The dispatch table at ``path``, checked against a catalogue's ``known`` codes when given
    and the site's ``grid_digits`` (default 15); :class:`ConfigError` as for the catalogue."""
    return parse_routing_text(read_text(Path(path)), Path(path), known, grid_digits=grid_digits)


def parse_routing_text(
    text: str, path: Path, known: KnownCodes | None = None, *, grid_digits: int | None = None
) -> RoutingFile:
    context: dict[str, Any] = {"grid_digits": grid_digits}
    if known is not None:
        context.update(categories=known.categories, classes=known.classes)
    model, root = _parse(text, Path(path), RoutingFile, "routing.yaml", "departments, rules", context)
    lines = []
    for index in range(len(model.rules)):
        mark, node = yaml_nodes.locate(root, ("rules", index), at_parent=False)
        lines.append(mark.line if node is not None else None)
    model._rule_lines = tuple(lines)
    return model


def _parse(
    text: str, path: Path, model: type[M], example: str, keys: str, context: dict[str, Any] | None
) -> tuple[M, MappingNode]:
    try:
        root, data = yaml_nodes.parse(text)
    except yaml_nodes.YamlSyntaxError as exc:
        raise ConfigError([yaml_issue(path, exc.problem)]) from None
    if root is None:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.EMPTY.format(example=example))])
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        mark = yaml_nodes.mark_of(root)
        message = Text.NOT_MAPPING.format(keys=keys, what=yaml_nodes.describe(root))
        raise ConfigError([ConfigIssue(path, mark.line, mark.column, "", message)])
    issues = [yaml_issue(path, p) for p in yaml_nodes.duplicate_keys(root)]
    try:
        parsed = model.model_validate(data, context=context)
    except ValidationError as exc:
        issues.extend(validation_issue(path, root, p) for p in explain(exc, model))
        raise ConfigError(issues) from None
    if issues:
        raise ConfigError(issues)
    return parsed, root
