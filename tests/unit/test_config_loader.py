"""Site file loading: every problem names the file, the line and the field path; secrets never leak."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import load_site, load_site_report, save_site
from camera_config.models import Camera, FileSource, Location, RtspSource, SiteConfig, SiteInfo

DATA = Path(__file__).parents[1] / "data" / "config"
EXAMPLES = Path(__file__).parents[2] / "camera_config" / "examples"
SECRET = "Xq7#NotARealPass!9"
ENV = {"TEST_CAM_001_PASSWORD": SECRET}


def issues_of(path: Path, env: dict[str, str] | None = None) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_site(path, ENV if env is None else env)
    assert SECRET not in str(caught.value)
    return caught.value.issues


def find(issues: list[ConfigIssue], path: str) -> ConfigIssue:
    matches = [issue for issue in issues if issue.path == path]
    assert matches, f"no issue at {path}; got:\n" + "\n".join(map(str, issues))
    return matches[0]


def write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- valid files ---------------------------------------------------------------------------------
def test_valid_site_loads_with_secret_from_env() -> None:
    site = load_site(DATA / "valid_site.yaml", ENV)
    assert site.site.name == "拱墅区城管指挥中心"
    assert [c.id for c in site.cameras] == ["cam-001", "cam-002", "cam-003"]
    creds = site.camera("cam-001").credentials
    assert creds is not None and creds.password is not None
    assert creds.password.get_secret_value() == SECRET
    assert SECRET not in repr(site)


def test_example_site_is_valid() -> None:
    env = {f"CITYWALL_CAM_{n}_PASSWORD": "x" for n in ("BS_001", "BS_002", "XX_001", "XX_002")}
    site = load_site(EXAMPLES / "site.example.yaml", env)
    assert len(site.groups) == 2 and len(site.cameras) == 4
    assert {c.source.kind for c in site.cameras} == {"rtsp", "onvif"}
    assert all(c.grid_code is not None and len(c.grid_code) == 15 for c in site.cameras)


def test_env_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_CAM_001_PASSWORD", SECRET)
    assert load_site(DATA / "valid_site.yaml").camera("cam-001").credentials is not None


def test_secrets_can_be_left_unresolved() -> None:
    site = load_site(DATA / "missing_secret.yaml", {}, resolve_secrets=False)
    assert site.cameras[0].credentials is not None
    assert site.cameras[0].credentials.password is None


def test_a_camera_built_from_read_credentials_keeps_the_password() -> None:
    """Adding a found camera builds it from credentials already read (no environment then)."""
    creds = load_site(DATA / "valid_site.yaml", ENV).camera("cam-001").credentials
    camera = Camera(
        id="cam-new", name="新摄像机", source=RtspSource(main="rtsp://10.0.0.9/main"), credentials=creds
    )
    assert camera.credentials is not None and camera.credentials.password is not None
    assert camera.credentials.password.get_secret_value() == SECRET


# -- bad files: one problem each -------------------------------------------------------------------
def test_bad_yaml_syntax_names_line_and_column() -> None:
    [issue] = issues_of(DATA / "bad_syntax.yaml")
    assert issue.file.name == "bad_syntax.yaml"
    assert issue.line == 6 and issue.column is not None
    assert "YAML syntax error" in issue.message
    assert "started on line 5" in issue.message
    assert str(issue).startswith(f"{DATA / 'bad_syntax.yaml'}:6:")


def test_tab_indentation_is_explained(tmp_path: Path) -> None:
    [issue] = issues_of(write(tmp_path, "site:\n\tname: x\n"))
    assert (issue.line, issue.column) == (2, 1)
    assert "tab" in issue.message


def test_a_date_that_does_not_exist_is_pointed_at(tmp_path: Path) -> None:
    # PyYAML reads 2026-02-30 as a date and lets datetime's ValueError through: it was a crash.
    [issue] = issues_of(write(tmp_path, "site:\n  name: 2026-02-30\n"))
    assert (issue.line, issue.column, issue.path) == (2, 9, "site.name")
    assert "not a date that exists" in issue.message


def test_wrong_types_are_each_reported() -> None:
    issues = issues_of(DATA / "bad_types.yaml")
    cam_id = find(issues, "cameras[0].id")
    assert cam_id.line == 4 and "quotes" in cam_id.message  # 001 is read as a number
    assert find(issues, "cameras[0].location.lon").line == 6
    transport = find(issues, "cameras[0].source.transport")
    assert transport.line == 10 and "'tcp' or 'udp'" in transport.message
    assert find(issues, "cameras[0].enabled").line == 11
    workers = find(issues, "ingest.workers")
    assert workers.line == 13 and "integer" in workers.message and "'auto'" in workers.message
    assert [i.line for i in issues] == sorted(i.line or 0 for i in issues)


def test_unknown_keys_top_level_and_nested() -> None:
    issues = issues_of(DATA / "unknown_keys.yaml")
    top = find(issues, "camera")
    assert (top.line, top.column) == (3, 1)
    allowed = "version, site, groups, cameras, speakers, ingest, detection, voice, database, cases"
    assert top.message == f"unknown key 'camera'; allowed keys here: {allowed}"
    nested = find(issues, "cameras[0].source.fps")
    assert nested.line == 11
    assert nested.message == "unknown key 'fps'; allowed keys here: kind, main, sub, transport"
    kind = find(issues, "cameras[1].source.kind")
    assert kind.line == 15 and "valid kinds: rtsp, onvif, file" in kind.message
    assert str(kind) == f"{DATA / 'unknown_keys.yaml'}:15:7: cameras[1].source.kind: {kind.message}"


def test_missing_field_points_at_parent_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "site:\n  name: x\ncameras:\n  - id: cam-1\n    source: {kind: onvif}\n")
    issues = issues_of(path)
    name = find(issues, "cameras[0].name")
    assert (name.line, name.message) == (4, "required field 'name' is missing")
    assert find(issues, "cameras[0].source.endpoint").line == 5


def test_missing_kind_lists_valid_kinds(tmp_path: Path) -> None:
    path = write(
        tmp_path, "site:\n  name: x\ncameras:\n  - id: c\n    name: n\n    source:\n      main: rtsp://h/\n"
    )
    issue = find(issues_of(path), "cameras[0].source")
    assert issue.line == 6
    assert issue.message == "missing 'kind'; valid kinds: rtsp, onvif, file"


def test_duplicate_camera_ids() -> None:
    [issue] = issues_of(DATA / "duplicate_ids.yaml")
    assert (issue.path, issue.line) == ("cameras[2].id", 10)
    assert "duplicate camera id 'cam-001'" in issue.message
    assert "cameras[0] on line 4" in issue.message


def test_duplicate_yaml_keys_report_both_lines() -> None:
    issues = issues_of(DATA / "duplicate_yaml_keys.yaml")
    name = find(issues, "cameras[0].name")
    assert name.line == 7 and "first on line 5" in name.message
    site = find(issues, "site")
    assert site.line == 8 and "first on line 1" in site.message


def test_missing_env_secret_points_at_password_env() -> None:
    [issue] = issues_of(DATA / "missing_secret.yaml", {})
    assert (issue.path, issue.line) == ("cameras[0].credentials.password_env", 9)
    assert "TEST_UNSET_PASSWORD is not set" in issue.message


def test_password_inline_in_url_is_refused_without_echoing_it() -> None:
    [issue] = issues_of(DATA / "url_password.yaml")
    assert (issue.path, issue.line) == ("cameras[0].source.main", 8)
    assert "must not carry a user name or password" in issue.message
    assert SECRET not in str(issue) and "NotARealPass" not in str(issue)


def test_unknown_group() -> None:
    [issue] = issues_of(DATA / "unknown_group.yaml")
    assert (issue.path, issue.line) == ("cameras[0].group", 9)
    assert "unknown group 'g009'" in issue.message and "g001" in issue.message


def test_grid_code_wrong_length() -> None:
    [issue] = issues_of(DATA / "grid_code_length.yaml")
    assert (issue.path, issue.line) == ("cameras[0].grid_code", 6)
    assert "must have 15 digits" in issue.message and "got 13" in issue.message


def test_cross_references_are_reported_with_the_field_errors(tmp_path: Path) -> None:
    text = (
        "site:\n  name: 测试\ngroups:\n"
        "  - {id: a, name: A, parent: b}\n"  # 4
        "  - {id: b, name: B, parent: a}\n"  # 5
        "  - {id: c, name: C, parent: a}\n"  # 6: under the loop, not in it
        "cameras:\n"
        "  - {id: c1, name: one, group: nowhere, grid_code: '12', source: {kind: rtsp, main: rtsp://h/1}}\n"
        "  - {id: c1, name: two, source: {kind: rtsp, main: 'ftp://h/2'}}\n"  # 9: a field error too
        "  - {id: c3, name: 3, source: {kind: rtsp, main: rtsp://h/3}}\n"  # 10: name is a number
    )
    issues = issues_of(write(tmp_path, text))
    assert sorted((i.line, i.path) for i in issues) == [
        (4, "groups[0].parent"),
        (5, "groups[1].parent"),
        (8, "cameras[0].grid_code"),
        (8, "cameras[0].group"),
        (9, "cameras[1].id"),
        (9, "cameras[1].source.main"),
        (10, "cameras[2].name"),
    ]
    assert "group 'a' is its own ancestor" in find(issues, "groups[0].parent").message
    assert "unknown group 'nowhere'" in find(issues, "cameras[0].group").message
    assert (
        "duplicate camera id 'c1' (first used by cameras[0] on line 8)"
        in find(issues, "cameras[1].id").message
    )
    assert "must have 15 digits" in find(issues, "cameras[0].grid_code").message


@pytest.mark.parametrize(
    ("yaml_text", "path", "words"),
    [
        ("site:\n  name: " + "长" * 65 + "\n", "site.name", "the site name has 65 characters; keep it to 64"),
        ("site: {name: x, timezone: Mars/Base}\n", "site.timezone", "unknown time zone 'Mars/Base'"),
        (
            "site: {name: x, timezone: 'not a zone!'}\n",
            "site.timezone",
            "a time zone name such as Asia/Shanghai",
        ),
        ("site: {name: x}\ngroups: [{id: g, name: " + "g" * 121 + "}]\n", "groups[0].name", "at most 120"),
        (
            "site: {name: x}\ncameras: [{id: c, name: n, source: {kind: rtsp, main: 'rtsp://h/"
            + "p" * 2100
            + "'}}]\n",
            "cameras[0].source.main",
            "at most 2048 characters",
        ),
        (
            "site: {name: x}\ncameras: [{id: c, name: n, tags: ["
            + "t" * 65
            + "], source: {kind: file, path: a.mp4}}]\n",
            "cameras[0].tags[0]",
            "at most 64 characters",
        ),
    ],
    ids=["site name", "unknown time zone", "not a time zone", "group name", "url", "tag"],
)
def test_absurd_lengths_and_unknown_time_zones_are_refused(
    tmp_path: Path, yaml_text: str, path: str, words: str
) -> None:
    [issue] = issues_of(write(tmp_path, yaml_text))
    assert issue.path == path and issue.line is not None and words in issue.message


def test_a_site_name_of_64_characters_is_fine(tmp_path: Path) -> None:
    assert len(load_site(write(tmp_path, "site:\n  name: " + "长" * 64 + "\n"), {}).site.name) == 64


def test_a_large_inventory_is_accepted(tmp_path: Path) -> None:
    cameras = "".join(
        f"  - {{id: c{i}, name: n{i}, source: {{kind: rtsp, main: rtsp://h/{i}}}}}\n" for i in range(5000)
    )
    site = load_site(write(tmp_path, "site: {name: x}\ncameras:\n" + cameras), {})
    assert len(site.cameras) == 5000  # the model once stopped at 4096 (bench/site_load.py: 10,000)


def test_secret_values_never_in_messages(tmp_path: Path) -> None:
    # A wrong type on a field that holds a secret-looking value: the value must not be echoed.
    path = write(tmp_path, f"site:\n  name: x\n  timezone: [{SECRET}]\ncameras: {SECRET}\n")
    issues = issues_of(path)
    assert find(issues, "cameras").line == 4
    assert all(SECRET not in str(i) for i in issues)


# -- files that are not site files --------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"", None, "empty"),
        (b"# only a comment\n", None, "empty"),
        (b"- a\n- b\n", 1, "must be a mapping"),
        (b"just text\n", 1, "must be a mapping"),
        (b"site:\n  name: \xb2\xe2\xca\xd4\n", 2, "UTF-8"),
    ],
)
def test_not_a_site_file(tmp_path: Path, content: bytes, line: int | None, words: str) -> None:
    path = tmp_path / "site.yaml"
    path.write_bytes(content)
    [issue] = issues_of(path)
    assert issue.line == line and words in issue.message


@pytest.mark.parametrize(
    ("content", "column", "words"),
    [
        (b"site:\n  name: a\x00b\n", 10, "the character U+0000 (NUL), which YAML does not allow"),
        (b"site:\n  name: a\x1bb\n", 10, "the character U+001B (ESC)"),
    ],
)
def test_a_character_yaml_forbids_is_pointed_at(
    tmp_path: Path, content: bytes, column: int, words: str
) -> None:
    path = tmp_path / "site.yaml"
    path.write_bytes(content)
    [issue] = issues_of(path)
    assert (issue.line, issue.column) == (2, column) and words in issue.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("site:\n  name: x\ncameras: " + "[" * 20_000 + "]" * 20_000 + "\n", 3),  # libyaml's limit is 1000
        ("site:\n  name: x\n" + "".join(" " * (2 * i) + "k:\n" for i in range(2_000)), 103),
    ],
    ids=["flow", "block"],
)
def test_absurd_nesting_is_refused_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    [issue] = issues_of(write(tmp_path, text))
    assert issue.line == line and "nested more than 100 levels deep" in issue.message


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    [missing] = issues_of(tmp_path / "nope.yaml")
    assert missing.message == "file not found" and "nope.yaml" in str(missing)
    [folder] = issues_of(tmp_path)
    assert "folder" in folder.message
    if os.name == "posix" and os.geteuid() != 0:  # root reads anything
        locked = write(tmp_path, "site: {name: x}\n", "locked.yaml")
        locked.chmod(0)
        [denied] = issues_of(locked)
        assert "permission" in denied.message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffsite:\n  name: 测试\n".encode())
    assert load_site(path, {}).site.name == "测试"


def test_issues_are_sorted_and_str_lists_one_per_line() -> None:
    with pytest.raises(ConfigError) as caught:
        load_site(DATA / "unknown_keys.yaml", {})
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.issues) >= 3
    assert [i.line for i in caught.value.issues] == sorted(i.line or 0 for i in caught.value.issues)


# -- file sources -----------------------------------------------------------------------------------
def test_relative_clip_path_is_resolved_against_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "demo.mp4").write_bytes(b"")
    text = (
        "site: {name: x, shared_views: views.json}\ndetection: {evidence_dir: pictures}\n"
        "cameras:\n  - {id: c1, name: n, source: {kind: file, path: clips/demo.mp4}}\n"
    )
    path = write(tmp_path, text)
    monkeypatch.chdir(Path(__file__).parent)  # elsewhere: must not matter
    site, warnings = load_site_report(path, {})
    assert isinstance(site.cameras[0].source, FileSource)
    assert site.cameras[0].source.path == tmp_path / "clips" / "demo.mp4"
    assert site.site.shared_views == tmp_path / "views.json"
    assert site.detection.evidence_dir == tmp_path / "pictures"
    assert warnings == []


def test_missing_clip_is_a_warning_with_its_line(tmp_path: Path) -> None:
    text = "site: {name: x}\ncameras:\n  - id: c1\n    name: n\n    source: {kind: file, path: gone.mp4}\n"
    site, [warning] = load_site_report(write(tmp_path, text), {})
    assert site.cameras[0].id == "c1"
    assert (warning.path, warning.line) == ("cameras[0].source.path", 5)
    assert "not found" in warning.message


# -- saving -------------------------------------------------------------------------------------------
def test_round_trip_of_the_valid_site(tmp_path: Path) -> None:
    site = load_site(DATA / "valid_site.yaml", ENV)
    out = tmp_path / "saved.yaml"
    save_site(site, out)
    text = out.read_text(encoding="utf-8")
    assert "拱墅区城管指挥中心" in text  # allow_unicode: readable Chinese, not \u escapes
    assert "kind: rtsp" in text and "version: 1" in text
    assert "ingest" not in text and "enabled: true" not in text  # defaults left out
    assert SECRET not in text
    assert text.index("site:") < text.index("groups:") < text.index("cameras:")
    assert load_site(out, ENV) == site


def test_round_trip_of_a_built_site_with_clips(tmp_path: Path) -> None:
    clip = tmp_path / "clips" / "a.mp4"
    site = SiteConfig(
        site=SiteInfo(name="测试", grid_code_digits=None),
        cameras=(
            Camera(
                id="c1",
                name="一号",
                source=FileSource(path=clip, loop=False),
                location=Location(lon=120.1, lat=30.2, crs="gcj02"),
            ),
            Camera(
                id="c2",
                name="二号",
                source=RtspSource(main="rtsp://10.0.0.1/x", transport="udp"),
                grid_code="12",
                tags=("a", "b"),
            ),
        ),
    )
    out = tmp_path / "site.yaml"
    save_site(site, out)
    assert "path: clips/a.mp4" in out.read_text(encoding="utf-8")  # portable: relative to the file
    assert load_site(out, {}) == site


def test_save_keeps_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = write(tmp_path, "old content\n")
    site = load_site(DATA / "valid_site.yaml", ENV)

    def broken_replace(self: Path, target: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_site(site, out)
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["site.yaml"]  # no temp file left behind
