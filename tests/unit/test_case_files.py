"""The catalogue and routing files: the shipped ones load and route the demo's alerts; a bad file
names file, line and field; the site file's ``cases:`` section."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from app.core.alerts import Rule
from app.core.case_catalogue import CaseKind, Catalogue
from app.core.time_limits import DeadlineUnit, TimeLimit
from app.demo.district import DISTRICT_ADMIN_CODE
from app.services.case_config import (
    DEFAULT_CATALOGUE,
    DEFAULT_ROUTING,
    catalogue_from_text,
    routing_from_text,
)
from camera_config.case_files import load_catalogue_file, parse_catalogue_text, parse_routing_text
from camera_config.case_settings import CaseSettings, ExportSettings
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import load_site, parse_site_text
from camera_config.models import SiteConfig, SiteInfo
from camera_config.site_writer import SiteDocument, create_site
from detectors.rules import DEFAULT_CLASS_EVENTS, BinParams


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return catalogue_from_text(DEFAULT_CATALOGUE.read_text(encoding="utf-8"), DEFAULT_CATALOGUE)


def test_every_shipped_entry_is_marked_to_verify_locally(catalogue: Catalogue) -> None:
    assert len(catalogue) >= 10
    assert all(c.verify_locally for c in catalogue)
    header = DEFAULT_CATALOGUE.read_text(encoding="utf-8").split("version:")[0]
    assert "本地核实" in header and "verify_locally" in header
    assert [c.code for c in catalogue.classes(CaseKind.EVENT)] == ["01", "02", "03", "04", "05"]
    assert catalogue.category("0305", CaseKind.COMPONENT).name.zh == "垃圾箱"


@pytest.mark.parametrize(
    ("code", "name", "limit"),
    [
        ("0102", "暴露垃圾", TimeLimit(4, DeadlineUnit.WORK_HOURS)),
        ("0501", "无照经营游商", TimeLimit(2, DeadlineUnit.WORK_HOURS)),
        ("0504", "店外经营", TimeLimit(1, DeadlineUnit.WORK_DAYS)),
        ("0507", "乱堆物料", TimeLimit(4, DeadlineUnit.WORK_HOURS)),
        ("0511", "沿街晾挂", TimeLimit(1, DeadlineUnit.WORK_DAYS)),
    ],
)
def test_the_domain_codes_are_seeded(catalogue: Catalogue, code: str, name: str, limit: TimeLimit) -> None:
    category = catalogue.category(code)
    assert (category.name.zh, category.time_limit) == (name, limit)


def test_every_event_the_detectors_raise_by_default_has_a_category(catalogue: Catalogue) -> None:
    raised = {(Rule.VENDING.value, code) for code in DEFAULT_CLASS_EVENTS.values()}
    raised.add((Rule.BIN_OVERFLOW.value, BinParams().event))
    found = {pair: catalogue.category_for_alert(*pair) for pair in raised}
    assert {pair: c.name.zh if c else None for pair, c in found.items()} == {
        ("vending", "0501"): "无照经营游商",
        ("vending", "0504"): "店外经营",
        ("bin_overflow", "0102"): "暴露垃圾",
    }


def test_the_shipped_routing_sends_the_demos_cases_to_a_department(catalogue: Catalogue) -> None:
    routing = routing_from_text(DEFAULT_ROUTING.read_text(encoding="utf-8"), DEFAULT_ROUTING, catalogue)
    scene_grid = f"{DISTRICT_ADMIN_CODE}099001003"  # a detection scene camera of the demo
    vendor = routing.suggest(catalogue.category("0501"), scene_grid)
    assert vendor is not None and vendor.department.name.zh == "新华街道城管执法中队"
    assert vendor.rule.origin.startswith("routing.yaml:")
    line = int(vendor.rule.origin.split(":")[1])
    assert "370199099" in DEFAULT_ROUTING.read_text(encoding="utf-8").splitlines()[line - 1]
    rubbish = routing.suggest(catalogue.category("0102"), scene_grid)
    assert rubbish is not None and rubbish.department.name.zh == "环卫所"
    elsewhere = routing.suggest(catalogue.category("0501"), "330106004003007")
    assert elsewhere is not None and elsewhere.department.name.zh == "城管执法中队"  # the "*" rule
    bin_case = routing.suggest(catalogue.category("0305", CaseKind.COMPONENT), scene_grid)
    assert bin_case is not None and bin_case.department.id == "huanwei"


# --- bad files: each names file, line and field of its one problem --------------------------------

CATALOGUE = """\
version: 1
events:
  - code: "05"
    name: {zh: 街面秩序}
    subclasses:
      - code: "0501"
        name: {zh: 无照经营游商}
        time_limit: {amount: 2, unit: work_hours}
      - code: "0504"
        name: {zh: 店外经营}
        time_limit: {amount: 1, unit: work_days}
components:
  - code: "03"
    name: {zh: 市容环境}
    subclasses:
      - code: "0305"
        name: {zh: 垃圾箱}
        time_limit: {amount: 1, unit: work_days}
alerts:
  - {rule: vending, event_code: "0501", category: "0501"}
"""

BAD_CATALOGUES = [
    ("a subclass code twice", ('"0504"', '"0501"', 1), 9, "events[0].subclasses[1].code", "listed twice"),
    (
        "a code outside its class",
        ('"0504"', '"0604"', 1),
        9,
        "events[0].subclasses[1].code",
        "does not start",
    ),
    (
        "a code written as a number",
        ('code: "0501"', "code: 501", 1),
        6,
        "events[0].subclasses[0].code",
        "quotes",
    ),
    ("a class code of one digit", ('code: "05"', 'code: "5"', 1), 3, "events[0].code", "two digits"),
    (
        "an unknown unit",
        ("unit: work_days}\ncomp", "unit: days}\ncomp", 1),
        11,
        "events[0].subclasses[1].time_limit.unit",
        "work_days",
    ),
    (
        "a zero time limit",
        ("amount: 2,", "amount: 0,", 1),
        8,
        "events[0].subclasses[0].time_limit.amount",
        "greater than 0",
    ),
    (
        "a missing time limit",
        ("        time_limit: {amount: 2, unit: work_hours}\n", "", 1),
        6,
        "events[0].subclasses[0].time_limit",
        "missing",
    ),
    (
        "a misspelt key",
        ('    subclasses:\n      - code: "0501"', '    subclass:\n      - code: "0501"', 1),
        5,
        "events[0].subclass",
        "unknown key",
    ),
    (
        "an alert mapped to an unknown category",
        ('category: "0501"', 'category: "0599"', 1),
        20,
        "alerts[0].category",
        "no event category '0599'",
    ),
    (
        "an alert mapped to a component code as an event",
        ('category: "0501"', 'category: "0305"', 1),
        20,
        "alerts[0].category",
        "no event category '0305'",
    ),
    (
        "a duplicate key",
        ("    name: {zh: 街面秩序}\n", "    name: {zh: 街面秩序}\n    name: {zh: 秩序}\n", 1),
        5,
        "events[0].name",
        "duplicate key",
    ),
    (
        "a YAML syntax error",
        ("    name: {zh: 市容环境}", "    name: {zh: 市容环境", 1),
        15,
        "",
        "YAML syntax error",
    ),
]


@pytest.mark.parametrize(
    ("edit", "line", "field", "says"), [b[1:] for b in BAD_CATALOGUES], ids=[b[0] for b in BAD_CATALOGUES]
)
def test_a_bad_catalogue_names_file_line_and_field(
    tmp_path: Path, edit: tuple[str, str, int], line: int, field: str, says: str
) -> None:
    before, after, count = edit
    assert CATALOGUE.count(before) >= count
    path = tmp_path / "catalogue.yaml"
    issue = only_issue(lambda: parse_catalogue_text(CATALOGUE.replace(before, after, count), path))
    assert (issue.file, issue.line, issue.path) == (path, line, field)
    assert says in issue.message
    assert str(issue).startswith(f"{path}:{line}")


def only_issue(load: object) -> ConfigIssue:
    with pytest.raises(ConfigError) as raised:
        load()  # type: ignore[operator]
    assert len(raised.value.issues) == 1, raised.value
    return raised.value.issues[0]


def test_the_good_catalogue_text_loads() -> None:
    spec = parse_catalogue_text(CATALOGUE, Path("catalogue.yaml"))
    assert spec.category_keys() == {("event", "0501"), ("event", "0504"), ("component", "0305")}


def test_an_empty_or_missing_catalogue_is_a_problem_too(tmp_path: Path) -> None:
    assert "is empty" in only_issue(lambda: parse_catalogue_text("", tmp_path / "c.yaml")).message
    assert (
        "no categories"
        in only_issue(lambda: parse_catalogue_text("version: 1\n", tmp_path / "c.yaml")).message
    )
    missing = only_issue(lambda: load_catalogue_file(tmp_path / "nowhere.yaml"))
    assert (missing.file, missing.message) == (tmp_path / "nowhere.yaml", "file not found")


ROUTING = """\
version: 1
departments:
  - id: chengguan
    name: {zh: 城管执法中队}
  - id: huanwei
    name: {zh: 环卫所}
rules:
  - {category: "*", department: chengguan}
  - {category: "0504", department: chengguan}
  - {category: "03", kind: component, department: huanwei}
  - {category: "05", grid_prefix: "370199001", department: chengguan}
"""

BAD_ROUTINGS = [
    (
        "an unknown department",
        ("department: huanwei}", "department: huanwe}", 1),
        10,
        "rules[2].department",
        "unknown department 'huanwe'",
    ),
    (
        "an unknown category",
        ('category: "0504"', 'category: "0505"', 1),
        9,
        "rules[1].category",
        "no event category '0505'",
    ),
    (
        "an unknown class",
        ('category: "05", grid', 'category: "02", grid', 1),
        11,
        "rules[3].category",
        "no event class '02'",
    ),
    (
        "a component class named as an event",
        ("kind: component, ", "", 1),
        10,
        "rules[2].category",
        "no event class '03'",
    ),
    (
        "a grid prefix with letters",
        ('"370199001"', '"37019A001"', 1),
        11,
        "rules[3].grid_prefix",
        "digits only",
    ),
    (
        "a grid prefix longer than a grid code",
        ('"370199001"', '"3701990010020031"', 1),
        11,
        "rules[3].grid_prefix",
        "16 digits",
    ),
    (
        "a department id twice",
        ("rules:\n", "  - id: huanwei\n    name: {zh: 另一个环卫所}\nrules:\n", 1),
        7,
        "departments[2].id",
        "listed twice",
    ),
    ("the same rule twice", ('category: "0504"', 'category: "*"', 1), 9, "rules[1]", "same category"),
    (
        "a category code as a number",
        ('category: "0504"', "category: 504", 1),
        9,
        "rules[1].category",
        "quotes",
    ),
]


@pytest.mark.parametrize(
    ("edit", "line", "field", "says"), [b[1:] for b in BAD_ROUTINGS], ids=[b[0] for b in BAD_ROUTINGS]
)
def test_a_bad_routing_file_names_file_line_and_field(
    tmp_path: Path, edit: tuple[str, str, int], line: int, field: str, says: str
) -> None:
    before, after, count = edit
    assert ROUTING.count(before) >= count
    known = parse_catalogue_text(CATALOGUE, tmp_path / "catalogue.yaml").known_codes()
    path = tmp_path / "routing.yaml"
    issue = only_issue(lambda: parse_routing_text(ROUTING.replace(before, after, count), path, known))
    assert (issue.file, issue.line, issue.path) == (path, line, field)
    assert says in issue.message


def test_the_good_routing_text_loads_and_knows_its_lines(tmp_path: Path) -> None:
    known = parse_catalogue_text(CATALOGUE, tmp_path / "catalogue.yaml").known_codes()
    spec = parse_routing_text(ROUTING, tmp_path / "routing.yaml", known)
    assert [spec.rule_line(i) for i in range(4)] == [8, 9, 10, 11]
    # a site with longer grid codes may use longer prefixes
    longer = ROUTING.replace('"370199001"', '"3701990010020031"')
    assert parse_routing_text(longer, tmp_path / "r.yaml", known, grid_digits=18).rules[3].grid_prefix


# --- the site file's cases: section ----------------------------------------------------------------

SITE = """\
version: 1
site:
  name: 测试中心
cases:
  catalogue: cases/catalogue.yaml
  routing: /etc/citywall/routing.yaml
  auto_create:
    after_open_minutes: 15
  due_soon_share: 0.3
  export:
    endpoint: https://platform.example.local/api/cases
    token_env: TEST_PLATFORM_TOKEN
    timeout_s: 20
"""


def test_a_site_without_cases_uses_the_defaults(tmp_path: Path) -> None:
    site, _ = parse_site_text("site: {name: 测试中心}\n", tmp_path / "site.yaml")
    assert site.cases == CaseSettings()
    assert site.cases.catalogue is None and site.cases.auto_create.on_confirm
    assert site.cases.auto_create.after_open_minutes is None and site.cases.due_soon_share == 0.25
    assert site.cases.export.endpoint is None


def test_the_cases_section_reads_paths_beside_the_site_and_the_token_from_the_environment(
    tmp_path: Path,
) -> None:
    site, _ = parse_site_text(SITE, tmp_path / "site.yaml", {"TEST_PLATFORM_TOKEN": "s3cret-token"})
    cases = site.cases
    assert cases.catalogue == tmp_path / "cases" / "catalogue.yaml"
    assert cases.routing == Path("/etc/citywall/routing.yaml") and cases.calendar is None
    assert (cases.auto_create.on_confirm, cases.auto_create.after_open_minutes) == (True, 15)
    assert cases.export.token == SecretStr("s3cret-token") and cases.export.timeout_s == 20
    assert "s3cret" not in repr(site)


@pytest.mark.parametrize(
    ("before", "after", "line", "field", "says"),
    [
        (
            "token_env: TEST_PLATFORM_TOKEN",
            "token_env: NOT_SET_ANYWHERE",
            12,
            "cases.export.token_env",
            "is not set",
        ),
        ("https://platform", "https://user:pw@platform", 11, "cases.export.endpoint", "must not carry"),
        ("https://platform", "ftp://platform", 11, "cases.export.endpoint", "one of http, https"),
        ("due_soon_share: 0.3", "due_soon_share: 1.5", 9, "cases.due_soon_share", "less than 1"),
        (
            "after_open_minutes: 15",
            "after_open_minutes: 0",
            8,
            "cases.auto_create.after_open_minutes",
            "greater than 0",
        ),
        ("  due_soon_share", "  due_soon: 0.2\n  due_soon_share", 9, "cases.due_soon", "unknown key"),
    ],
)
def test_a_bad_cases_section_names_line_and_field(
    tmp_path: Path, before: str, after: str, line: int, field: str, says: str
) -> None:
    path = tmp_path / "site.yaml"
    text = SITE.replace(before, after, 1)
    issue = only_issue(lambda: parse_site_text(text, path, {"TEST_PLATFORM_TOKEN": "s3cret-token"}))
    assert (issue.line, issue.path) == (line, field)
    assert says in issue.message and "pw" not in issue.message


def test_a_token_without_an_endpoint_is_refused() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        ExportSettings(token_env="TEST_PLATFORM_TOKEN")


def test_the_cases_section_round_trips_through_the_site_writer(tmp_path: Path) -> None:
    cases = CaseSettings(
        catalogue=tmp_path / "cases" / "catalogue.yaml",
        routing=tmp_path / "cases" / "routing.yaml",
        auto_create={"on_confirm": False, "after_open_minutes": 30},
        due_soon_share=0.2,
        export={"endpoint": "http://127.0.0.1:8900/cases", "token_env": "TEST_PLATFORM_TOKEN"},
    )
    site = SiteConfig(site=SiteInfo(name="测试中心"), cases=cases)
    path = tmp_path / "site.yaml"
    create_site(site, path)
    text = path.read_text(encoding="utf-8")
    assert "catalogue: cases/catalogue.yaml" in text  # written relative: the folder can move
    assert load_site(path, resolve_secrets=False) == site

    document = SiteDocument.open(path)
    document.set(("cases", "due_soon_share"), 0.4)
    document.save()
    again = load_site(path, resolve_secrets=False)
    assert again.cases.due_soon_share == 0.4 and again.cases.routing == cases.routing

    moved = tmp_path / "elsewhere" / "site.yaml"
    moved.parent.mkdir()
    SiteDocument.open(path).save(moved)
    assert load_site(moved, resolve_secrets=False).cases.catalogue == cases.catalogue
