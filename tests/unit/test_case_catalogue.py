"""The case catalogue and dispatch matching (匹配派遣) in the core: lookups, the alert → category
mapping, and which routing rule wins."""

from __future__ import annotations

import pytest

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
    RuleScope,
    UnknownCategory,
)
from app.core.time_limits import DeadlineUnit, TimeLimit

E, C = CaseKind.EVENT, CaseKind.COMPONENT
HOURS = TimeLimit(2, DeadlineUnit.WORK_HOURS)


def category(code: str, kind: CaseKind = E) -> Category:
    return Category(code, kind, code[:2], Name(f"类{code[:2]}"), Name(f"小类{code}"), HOURS)


CLASSES = [
    CategoryClass(E, "01", Name("市容环境")),
    CategoryClass(E, "05", Name("街面秩序")),
    CategoryClass(C, "03", Name("市容环境")),
    CategoryClass(C, "05", Name("其他设施")),
]
CATEGORIES = [category("0102"), category("0501"), category("0504"), category("0305", C), category("0501", C)]


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue(
        CLASSES,
        CATEGORIES,
        [
            AlertMapping("vending", "0501", CategoryRef(E, "0501")),
            AlertMapping("bin_overflow", "0102", CategoryRef(C, "0305")),  # a city that files it on the bin
        ],
    )


def test_an_event_and_a_component_may_share_a_code(catalogue: Catalogue) -> None:
    assert catalogue.category("0501").name.zh == "小类0501"
    assert catalogue.category("0501").kind is E
    assert catalogue.category("0501", C).kind is C
    assert catalogue.find("0999") is None
    assert CategoryRef(C, "0305") in catalogue and CategoryRef(E, "0305") not in catalogue


def test_an_unknown_code_names_the_known_ones(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownCategory) as raised:
        catalogue.category("0305")  # a component code asked as an event
    message = str(raised.value)
    assert "event category '0305'" in message and "0102, 0501, 0504" in message
    assert raised.value.ref == CategoryRef(E, "0305")


def test_lists_by_kind_and_class_in_file_order(catalogue: Catalogue) -> None:
    assert [c.code for c in catalogue.categories(E)] == ["0102", "0501", "0504"]
    assert [c.code for c in catalogue.categories(E, "05")] == ["0501", "0504"]
    assert [c.code for c in catalogue.categories(C)] == ["0305", "0501"]
    assert [c.code for c in catalogue.classes(C)] == ["03", "05"]
    assert len(catalogue) == 5 and catalogue.has_class("05") and not catalogue.has_class("02")


@pytest.mark.parametrize(
    ("rule", "event_code", "expected"),
    [
        ("vending", "0501", CategoryRef(E, "0501")),  # mapped
        ("bin_overflow", "0102", CategoryRef(C, "0305")),  # mapped to a component
        ("vending", "0504", CategoryRef(E, "0504")),  # not mapped: the event of the same code
        ("vending", "0999", None),  # neither: no category (the operator picks one)
    ],
)
def test_an_alert_finds_its_category(
    catalogue: Catalogue, rule: str, event_code: str, expected: CategoryRef | None
) -> None:
    found = catalogue.category_for_alert(rule, event_code)
    assert (found.ref if found else None) == expected


def test_a_catalogue_refuses_duplicates_and_codes_outside_their_class() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        Catalogue(CLASSES, [category("0501"), category("0501")])
    with pytest.raises(ValueError, match="not listed"):
        Catalogue(CLASSES, [category("0201")])
    with pytest.raises(ValueError, match="starting with its class code"):
        Category("0601", E, "05", Name("街面秩序"), Name("x"), HOURS)
    with pytest.raises(UnknownCategory):
        Catalogue(CLASSES, CATEGORIES, [AlertMapping("vending", "0501", CategoryRef(E, "0999"))])


DEPARTMENTS = tuple(
    Department(d, Name(d))
    for d in ("any", "street-order", "vendors", "x-any", "x-order", "x-vendors", "bins", "first", "second")
)
STREET = "370199001"  # a street's 9-digit prefix
COMMUNITY = STREET + "002"
ROUTING = Routing(
    DEPARTMENTS,
    (
        RoutingRule("*", "", "any"),
        RoutingRule("05", "", "street-order"),
        RoutingRule("0501", "", "vendors"),
        RoutingRule("*", STREET, "x-any"),
        RoutingRule("05", STREET, "x-order"),
        RoutingRule("0501", COMMUNITY, "x-vendors"),
        RoutingRule("03", "", "bins", kind=C),
    ),
)


@pytest.mark.parametrize(
    ("code", "kind", "grid", "department", "scope", "prefix"),
    [
        # no grid prefix matches: subclass over class over "*"
        ("0501", E, "370199002001001", "vendors", RuleScope.CATEGORY, ""),
        ("0504", E, "370199002001001", "street-order", RuleScope.CLASS, ""),
        ("0102", E, "370199002001001", "any", RuleScope.ANY, ""),
        # a longer grid prefix beats a more specific category
        ("0501", E, STREET + "001001", "x-order", RuleScope.CLASS, STREET),
        ("0102", E, STREET + "001001", "x-any", RuleScope.ANY, STREET),
        ("0501", E, COMMUNITY + "007", "x-vendors", RuleScope.CATEGORY, COMMUNITY),
        ("0504", E, COMMUNITY + "007", "x-order", RuleScope.CLASS, STREET),
        # no grid: only the rules for anywhere
        ("0501", E, None, "vendors", RuleScope.CATEGORY, ""),
        # a class rule names its kind; "*" takes both kinds
        ("0305", C, "370199002001001", "bins", RuleScope.CLASS, ""),
        ("0501", C, "370199002001001", "any", RuleScope.ANY, ""),
        ("0501", C, STREET + "001001", "x-any", RuleScope.ANY, STREET),
    ],
)
def test_the_most_specific_rule_suggests_the_department(
    code: str, kind: CaseKind, grid: str | None, department: str, scope: RuleScope, prefix: str
) -> None:
    suggestion = ROUTING.suggest(category(code, kind), grid)
    assert suggestion is not None
    assert (suggestion.department.id, suggestion.scope, suggestion.grid_prefix) == (department, scope, prefix)


def test_among_equal_rules_the_first_written_wins_and_none_match_gives_none() -> None:
    routing = Routing(DEPARTMENTS, (RoutingRule("05", "", "first"), RoutingRule("05", "", "second")))
    suggestion = routing.suggest(category("0501"), "370199001001001")
    assert suggestion is not None and suggestion.department.id == "first"
    assert routing.suggest(category("0102"), "370199001001001") is None


def test_the_suggestion_says_where_the_rule_is_written() -> None:
    rule = RoutingRule("0501", "", "vendors", origin="routing.yaml:14")
    suggestion = Routing(DEPARTMENTS, (rule,)).suggest(category("0501"), None)
    assert suggestion is not None and suggestion.rule.origin == "routing.yaml:14"


def test_routing_refuses_unknown_departments_and_bad_rules() -> None:
    with pytest.raises(ValueError, match="'nobody'"):
        Routing(DEPARTMENTS, (RoutingRule("05", "", "nobody"),))
    with pytest.raises(ValueError, match="listed twice"):
        Routing((Department("a", Name("甲")), Department("a", Name("乙"))), ())
    with pytest.raises(ValueError, match="grid prefix"):
        RoutingRule("05", "37A", "any")
    with pytest.raises(ValueError, match="category code"):
        RoutingRule("5", "", "any")
