"""What a case is about and who handles it: the case catalogue and dispatch matching (匹配派遣).

Stdlib only. The catalogue lists categories as CJ/T 214 does: 事件 (events) and 部件 (components),
each in a 大类 (class, two digits) with 小类 (subclasses, the class's digits then two or more). The
codes differ per city, so they are configuration (``resources/cases/catalogue.yaml`` by default);
an event and a component may share a code (0305), so a category is named by kind and code.

Dispatch matching suggests a department from a table of rules (category or class or any, grid
prefix, department); the most specific rule wins, and the suggestion says which one matched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from app.core.time_limits import TimeLimit

GRID_CODE_MAX = 32  # digits of the longest unit-grid code a site may use (15 is usual)
ANY = "*"


class CaseKind(StrEnum):
    EVENT = "event"  # 事件
    COMPONENT = "component"  # 部件


@dataclass(frozen=True)
class Name:
    """A name in both languages of the UI (Chinese first)."""

    zh: str
    en: str = ""


@dataclass(frozen=True)
class CategoryClass:
    """A 大类: e.g. event class 05 街面秩序."""

    kind: CaseKind
    code: str
    name: Name

    def __post_init__(self) -> None:
        if not (self.code.isdigit() and len(self.code) == 2):
            raise ValueError(f"a class code has two digits (got {self.code!r})")


@dataclass(frozen=True)
class Category:
    """A 小类 a case can be filed under, with its 处理时限."""

    code: str  # e.g. "0501"
    kind: CaseKind
    class_code: str  # e.g. "05"
    class_name: Name
    name: Name
    time_limit: TimeLimit
    urgent: bool = False  # 紧急案件: figures expect every one on time
    verify_locally: bool = True  # a seeded code nobody at the site has confirmed yet

    def __post_init__(self) -> None:
        if not (
            self.code.isdigit()
            and len(self.code) > len(self.class_code)
            and self.code.startswith(self.class_code)
        ):
            raise ValueError(
                f"subclass code {self.code!r} must be digits starting with its class code {self.class_code!r}"
            )

    @property
    def ref(self) -> CategoryRef:
        return CategoryRef(self.kind, self.code)


@dataclass(frozen=True)
class CategoryRef:
    """How cases, routing rules and alert mappings name a category."""

    kind: CaseKind
    code: str

    def __str__(self) -> str:
        return f"{self.kind.value} {self.code}"


class UnknownCategory(LookupError):
    def __init__(self, ref: CategoryRef, known: Iterable[CategoryRef]) -> None:
        self.ref = ref
        same_kind = sorted(r.code for r in known if r.kind is ref.kind)
        listed = ", ".join(same_kind[:20]) + (", …" if len(same_kind) > 20 else "")
        super().__init__(
            f"no {ref.kind.value} category {ref.code!r} in the catalogue"
            + (f"; known {ref.kind.value} codes: {listed}" if listed else f"; it has no {ref.kind.value}s")
        )


@dataclass(frozen=True)
class AlertMapping:
    """Alerts of detector ``rule`` with ``event_code`` become cases of ``category``."""

    rule: str  # app.core.alerts.Rule value: "vending", "bin_overflow"
    event_code: str
    category: CategoryRef


class Catalogue:
    """The site's categories (immutable), looked up by kind and code."""

    def __init__(
        self,
        classes: Iterable[CategoryClass],
        categories: Iterable[Category],
        alert_mappings: Iterable[AlertMapping] = (),
    ) -> None:
        self._classes: dict[tuple[CaseKind, str], CategoryClass] = {}
        for cls in classes:
            if (cls.kind, cls.code) in self._classes:
                raise ValueError(f"{cls.kind.value} class {cls.code} is listed twice")
            self._classes[(cls.kind, cls.code)] = cls
        self._by_ref: dict[CategoryRef, Category] = {}
        for category in categories:
            if category.ref in self._by_ref:
                raise ValueError(f"{category.ref} is listed twice")
            if (category.kind, category.class_code) not in self._classes:
                raise ValueError(f"{category.ref} names class {category.class_code}, which is not listed")
            self._by_ref[category.ref] = category
        self._alerts: dict[tuple[str, str], Category] = {}
        for mapping in alert_mappings:
            self._alerts[(mapping.rule, mapping.event_code)] = self.category(
                mapping.category.code, mapping.category.kind
            )

    def category(self, code: str, kind: CaseKind = CaseKind.EVENT) -> Category:
        """The category; :class:`UnknownCategory` (naming the known codes) when there is none."""
        found = self._by_ref.get(CategoryRef(kind, code))
        if found is None:
            raise UnknownCategory(CategoryRef(kind, code), self._by_ref)
        return found

    def find(self, code: str, kind: CaseKind = CaseKind.EVENT) -> Category | None:
        return self._by_ref.get(CategoryRef(kind, code))

    def categories(self, kind: CaseKind | None = None, class_code: str | None = None) -> tuple[Category, ...]:
        """In file order, optionally of one kind and class (for pickers)."""
        return tuple(
            c
            for c in self._by_ref.values()
            if (kind is None or c.kind is kind) and (class_code is None or c.class_code == class_code)
        )

    def classes(self, kind: CaseKind | None = None) -> tuple[CategoryClass, ...]:
        return tuple(c for c in self._classes.values() if kind is None or c.kind is kind)

    def has_class(self, code: str, kind: CaseKind = CaseKind.EVENT) -> bool:
        return (kind, code) in self._classes

    def category_for_alert(self, rule: str, event_code: str) -> Category | None:
        """The category a detector's alert is filed under: the configured mapping first, else the
        event category with the alert's own code (detectors use catalogue codes), else None."""
        mapped = self._alerts.get((rule, event_code))
        return mapped if mapped is not None else self._by_ref.get(CategoryRef(CaseKind.EVENT, event_code))

    @property
    def alert_mappings(self) -> Mapping[tuple[str, str], Category]:
        return dict(self._alerts)

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_ref.values())

    def __len__(self) -> int:
        return len(self._by_ref)

    def __contains__(self, ref: object) -> bool:
        return ref in self._by_ref


# --- dispatch matching (匹配派遣) ---------------------------------------------------------------


@dataclass(frozen=True)
class Department:
    id: str
    name: Name


class RuleScope(IntEnum):
    """What a routing rule names, from least to most specific."""

    ANY = 0  # "*": every category
    CLASS = 1  # a 大类: "05"
    CATEGORY = 2  # a 小类: "0501"


@dataclass(frozen=True)
class RoutingRule:
    """Cases of ``category`` ("0501", a class "05" or "*") whose unit-grid code starts with
    ``grid_prefix`` ("" = anywhere) go to ``department_id``. ``kind`` applies to codes; "*" matches
    both kinds. ``origin`` says where the rule is written (e.g. "routing.yaml:14"), for the UI."""

    category: str
    grid_prefix: str
    department_id: str
    kind: CaseKind = CaseKind.EVENT
    origin: str = ""

    def __post_init__(self) -> None:
        if self.category != ANY and not (self.category.isdigit() and len(self.category) >= 2):
            raise ValueError(
                f"a routing rule names a category code, a class code or '*' (got {self.category!r})"
            )
        if (self.grid_prefix and not self.grid_prefix.isdigit()) or len(self.grid_prefix) > GRID_CODE_MAX:
            raise ValueError(f"a grid prefix is up to {GRID_CODE_MAX} digits (got {self.grid_prefix!r})")

    @property
    def scope(self) -> RuleScope:
        if self.category == ANY:
            return RuleScope.ANY
        return RuleScope.CLASS if len(self.category) == 2 else RuleScope.CATEGORY

    def matches(self, category: Category, grid_code: str | None) -> bool:
        if self.grid_prefix and not (grid_code or "").startswith(self.grid_prefix):
            return False
        if self.scope is RuleScope.ANY:
            return True
        if self.kind is not category.kind:
            return False
        return self.category == (category.class_code if self.scope is RuleScope.CLASS else category.code)


@dataclass(frozen=True)
class DispatchSuggestion:
    """The department suggested for a case and why: the rule that matched, its scope (小类, 大类
    or any) and its grid prefix, so the UI can say "按 0501 与网格 370199001 匹配"."""

    department: Department
    rule: RoutingRule

    @property
    def scope(self) -> RuleScope:
        return self.rule.scope

    @property
    def grid_prefix(self) -> str:
        return self.rule.grid_prefix


@dataclass(frozen=True)
class Routing:
    """The dispatch table. Rules are tried most specific first: the longest grid prefix, then a
    subclass over a class over "*"; among equals, the first written."""

    departments: tuple[Department, ...]
    rules: tuple[RoutingRule, ...]
    _by_id: dict[str, Department] = field(init=False, repr=False, compare=False)
    _ordered: tuple[RoutingRule, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Department] = {}
        for department in self.departments:
            if department.id in by_id:
                raise ValueError(f"department {department.id!r} is listed twice")
            by_id[department.id] = department
        for rule in self.rules:
            if rule.department_id not in by_id:
                raise ValueError(
                    f"a routing rule names department {rule.department_id!r}, which is not listed"
                )
        ordered = sorted(self.rules, key=lambda r: (-len(r.grid_prefix), -r.scope))  # stable: file order
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_ordered", tuple(ordered))

    def department(self, department_id: str) -> Department | None:
        return self._by_id.get(department_id)

    def suggest(self, category: Category, grid_code: str | None) -> DispatchSuggestion | None:
        """The most specific rule's department; None when no rule matches (the operator chooses)."""
        for rule in self._ordered:
            if rule.matches(category, grid_code):
                return DispatchSuggestion(self._by_id[rule.department_id], rule)
        return None
