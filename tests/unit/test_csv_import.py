"""Camera inventory import: encodings, Chinese headers, secrets kept out of YAML, errors per row/column."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from camera_config.csv_columns import split_credentials
from camera_config.csv_import import import_csv, password_variable, secrets_path, write_import
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import load_site
from camera_config.models import OnvifSource, RtspSource

DATA = Path(__file__).parents[1] / "data" / "config"
EXAMPLES = Path(__file__).parents[2] / "camera_config" / "examples"
SECRET = "Xq7#NotARealPass!9"


def issues_of(path: Path, into: Path | None = None) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        import_csv(path, into=into)
    assert SECRET not in str(caught.value)
    return caught.value.issues


def at(issues: list[ConfigIssue], line: int, column: str) -> ConfigIssue:
    matches = [i for i in issues if i.line == line and i.path == column]
    assert matches, f"no issue at line {line}, column {column}; got:\n" + "\n".join(map(str, issues))
    return matches[0]


def write_csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "inventory.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("name", ["inventory_utf8.csv", "inventory_gbk.csv"])
def test_import_utf8_bom_and_gbk(name: str) -> None:
    result = import_csv(DATA / name, site_name="拱墅区")
    site = result.site
    assert site.site.name == "拱墅区"
    assert [(g.id, g.name) for g in site.groups] == [("g001", "米市巷街道"), ("g002", "湖墅街道")]
    cam1, cam2, cam3 = site.cameras
    assert (cam1.id, cam1.name, cam1.group) == ("cam-001", "米市巷菜场东门", "g001")
    assert cam1.grid_code == "330105001001001"
    assert isinstance(cam1.source, RtspSource)
    assert cam1.source.main == "rtsp://10.30.1.11:554/Streaming/Channels/101"  # user:pass@ taken out
    assert cam1.source.transport == "tcp" and cam1.tags == ("ptz", "游商")
    assert cam1.credentials is not None and cam1.credentials.username == "admin"
    assert cam1.credentials.password_env == "CITYWALL_CAM_CAM_001_PASSWORD"
    assert cam2.name == "湖墅南路 公交站"  # Excel line break inside the cell
    assert isinstance(cam2.source, OnvifSource)
    assert cam3.credentials is None and cam3.location is None
    names = ["CITYWALL_CAM_CAM_001_PASSWORD", "CITYWALL_CAM_CAM_002_PASSWORD"]
    assert result.secrets == dict.fromkeys(names, SECRET)
    assert [(w.line, w.path) for w in result.warnings] == [(1, "备注")]  # unknown column: ignored, said
    assert SECRET not in repr(site) and SECRET not in repr(result)


def test_written_yaml_has_no_password_and_secrets_file_is_private(tmp_path: Path) -> None:
    out = tmp_path / "site.yaml"
    secrets = write_import(import_csv(DATA / "inventory_utf8.csv"), out).secrets
    assert secrets is not None and secrets == tmp_path / "site.secrets.env" == secrets_path(out)
    assert SECRET not in out.read_text(encoding="utf-8")
    lines = secrets.read_text(encoding="utf-8").splitlines()
    assert f"CITYWALL_CAM_CAM_001_PASSWORD='{SECRET}'" in lines
    if os.name == "posix":
        assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    env = {"CITYWALL_CAM_CAM_001_PASSWORD": SECRET, "CITYWALL_CAM_CAM_002_PASSWORD": SECRET}
    site = load_site(out, env)  # the written site is valid and finds its secrets
    assert site.site.name == "inventory_utf8"
    creds = site.camera("cam-002").credentials
    assert creds is not None and creds.password is not None and creds.password.get_secret_value() == SECRET


def test_secrets_file_keeps_other_lines(tmp_path: Path) -> None:
    out = tmp_path / "site.yaml"
    secrets_path(out).write_text("OTHER_PASSWORD=keep\nCITYWALL_CAM_CAM_001_PASSWORD=old\n", encoding="utf-8")
    write_import(import_csv(DATA / "inventory_utf8.csv"), out)
    text = secrets_path(out).read_text(encoding="utf-8")
    assert "OTHER_PASSWORD=keep" in text and "=old" not in text and text.count("CAM_001") == 1


def test_example_inventory_imports() -> None:
    result = import_csv(EXAMPLES / "inventory.example.csv", site_name="西湖区")
    assert len(result.site.cameras) == 4 and len(result.site.groups) == 2
    assert result.secrets == {}


def test_missing_required_column() -> None:
    [issue] = issues_of(DATA / "inventory_missing_column.csv")
    assert (issue.line, issue.path) == (1, "id")
    assert "编号" in issue.message and "设备编号" in issue.message
    assert str(issue).startswith(f"{DATA / 'inventory_missing_column.csv'}:1: id: ")


def test_bad_rows_are_all_reported_with_line_and_header() -> None:
    issues = issues_of(DATA / "inventory_bad.csv")
    assert "decimal degrees" in at(issues, 3, "经度").message  # row 2 spans lines 3-4 (quoted newline)
    assert "first on line 2" in at(issues, 5, "编号").message
    assert "Excel" in at(issues, 5, "网格码").message
    assert "must have 15 digits" in at(issues, 6, "网格码").message
    assert "rtsp, rtsps" in at(issues, 7, "主码流").message
    assert "180" in at(issues, 7, "经度").message
    assert all(i.file.name == "inventory_bad.csv" for i in issues)


def test_a_row_with_too_many_cells_does_not_hide_the_other_rows_problems(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "编号,名称,主码流\nc1,一,rtsp://10.0.0.1/x,extra\nc2,,rtsp://10.0.0.2/x\nc3,三,\n"
    )
    issues = issues_of(path)
    assert [(i.line, i.path) for i in issues] == [(2, ""), (3, "名称"), (4, "主码流")]
    assert "the row has 4 cells but the header has 3" in issues[0].message


def test_an_absurd_site_name_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "编号,名称,主码流\nc1,一,rtsp://10.0.0.1/x\n")
    with pytest.raises(ConfigError) as caught:
        import_csv(path, site_name="x" * 300)
    [issue] = caught.value.issues
    assert issue.path == "--site-name" and "keep it to 64" in issue.message


def test_english_headers_any_case_and_spacing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "ID,Name, Main URL ,GRID_CODE,Group\nc1,Gate,rtsp://10.0.0.1/x,330105001001001,Downtown\n"
    )
    site = import_csv(path).site
    assert site.cameras[0].grid_code == "330105001001001"
    assert [(g.id, g.name) for g in site.groups] == [("Downtown", "Downtown")]


def test_no_stream_column(tmp_path: Path) -> None:
    [issue] = issues_of(write_csv(tmp_path, "编号,名称\nc1,一号\n"))
    assert issue.line == 1 and "main_url" in issue.message and "onvif" in issue.message


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (f"c1,一号,rtsp://admin:{SECRET}@10.0.0.1/x,,other,,,", "主码流", "user name in the URL differs"),
        (f"c1,一号,rtsp://admin:{SECRET}@10.0.0.1/x,,,other,,", "主码流", "password in the URL differs"),
        (f"c1,一号,rtsp://10.0.0.1/x,,,{SECRET},,", "密码", "needs a user name"),
        (f"c1,一号,rtsp://10.0.0.1/x,,admin,{SECRET},PW_VAR,", "密码", "not both"),
        ("c1,一号,rtsp://10.0.0.1/x,,,,,maybe", "启用", "yes/no"),
        ("c1,一号,,ftp://10.0.0.1/onvif,,,,", "ONVIF地址", "one of http, https"),
        (",一号,rtsp://10.0.0.1/x,,,,,", "编号", "empty"),
        ("c 1,一号,rtsp://10.0.0.1/x,,,,,", "编号", "letters A-Z"),
    ],
)
def test_row_errors(tmp_path: Path, row: str, column: str, words: str) -> None:
    header = "编号,名称,主码流,ONVIF地址,用户名,密码,密码变量,启用\n"
    issues = issues_of(write_csv(tmp_path, header + row + "\n"))
    assert words in at(issues, 2, column).message


def test_row_without_stream(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "编号,名称,主码流,ONVIF地址\nc1,一号,,\n")
    assert "needs a stream" in at(issues_of(path), 2, "主码流").message


def test_sub_stream_needs_main(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "编号,名称,子码流,ONVIF地址\nc1,一号,rtsp://10.0.0.1/s,http://10.0.0.1/onvif\n"
    )
    assert "main stream" in at(issues_of(path), 2, "子码流").message


def test_gbk_file_errors_keep_chinese_headers(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "编号,名称,主码流,经度,纬度\nc1,一号,rtsp://10.0.0.1/x,东经,30.1\n", "gbk")
    assert "decimal degrees" in at(issues_of(path), 2, "经度").message


def test_half_a_location(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "编号,名称,主码流,经度,纬度\nc1,一号,rtsp://10.0.0.1/x,120.1,\n")
    assert "give both" in at(issues_of(path), 2, "纬度").message


def test_undecodable_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x81\x30\xff\xff\n")
    [issue] = issues_of(path)
    assert "UTF-8" in issue.message
    path.write_bytes(b"")
    assert "no header" in issues_of(path)[0].message
    path.write_text("编号,名称,主码流\n", encoding="utf-8")
    assert "no camera rows" in issues_of(path)[0].message


def test_merge_into_existing_site(tmp_path: Path) -> None:
    csv = write_csv(
        tmp_path,
        "编号,名称,所属街道,主码流\ncam-101,新点位,湖墅街道,rtsp://10.0.0.9/x\n"
        "cam-102,另一个,新街道,rtsp://10.0.0.10/x\n",
    )
    result = import_csv(csv, into=DATA / "valid_site.yaml")
    site = result.site
    assert site.site.name == "拱墅区城管指挥中心" and result.added == 2
    assert [c.id for c in site.cameras] == ["cam-001", "cam-002", "cam-003", "cam-101", "cam-102"]
    assert site.camera("cam-101").group == "g002"  # existing group found by name
    assert site.camera("cam-102").group == "g003"  # a new group gets the next free id
    assert [g.name for g in site.groups][-1] == "新街道"


def test_merging_into_a_site_file_keeps_it_as_written_and_backs_it_up(tmp_path: Path) -> None:
    target = tmp_path / "site.yaml"
    before = (DATA / "valid_site.yaml").read_text(encoding="utf-8")
    target.write_text(before, encoding="utf-8")
    csv = write_csv(tmp_path, "编号,名称,所属街道,主码流\ncam-101,新点位,新街道,rtsp://10.0.0.9/x\n")
    written = write_import(import_csv(csv, into=target), target)
    after = target.read_text(encoding="utf-8")
    new_group = "  - id: g003\n    name: 新街道\n"
    new_camera = (
        "  - id: cam-101\n    name: 新点位\n    group: g003\n    source:\n      kind: rtsp\n"
        "      main: rtsp://10.0.0.9/x\n"
    )
    groups_end, cameras_end = before.index("cameras:\n"), before.index("\n# detection:")
    expected = (
        before[:groups_end] + new_group + before[groups_end:cameras_end] + new_camera + before[cameras_end:]
    )
    assert after == expected  # every comment and the detection section as they were
    assert written.saved.backup is not None and written.saved.backup.read_text(encoding="utf-8") == before
    site = load_site(target, resolve_secrets=False)
    assert site.detection.revisit_s == 30 and list(site.detection.detectors) == ["onnx_yolo"]


def test_merge_duplicate_ids_are_errors(tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "编号,名称,主码流\ncam-002,重复,rtsp://10.0.0.9/x\n")
    [issue] = issues_of(csv, into=DATA / "valid_site.yaml")
    assert (issue.line, issue.path) == (2, "编号")
    assert "already used in valid_site.yaml" in issue.message


def test_password_variables_never_collide(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "编号,名称,主码流,用户名,密码\n"
        "a-1,一号,rtsp://10.0.0.1/x,admin,one\na.1,二号,rtsp://10.0.0.2/x,admin,two\n",
    )
    result = import_csv(path)
    assert result.secrets == {"CITYWALL_CAM_A_1_PASSWORD": "one", "CITYWALL_CAM_A_1_2_PASSWORD": "two"}
    envs = [c.credentials.password_env for c in result.site.cameras if c.credentials]
    assert envs == ["CITYWALL_CAM_A_1_PASSWORD", "CITYWALL_CAM_A_1_2_PASSWORD"]


def test_password_variable_names() -> None:
    assert password_variable("cam-001") == "CITYWALL_CAM_CAM_001_PASSWORD"
    assert password_variable("bs.7") == "CITYWALL_CAM_BS_7_PASSWORD"


@pytest.mark.parametrize(
    ("url", "clean", "user", "password"),
    [
        ("rtsp://10.0.0.1/x", "rtsp://10.0.0.1/x", None, None),
        ("rtsp://admin:Abc@123@10.0.0.1:554/x", "rtsp://10.0.0.1:554/x", "admin", "Abc@123"),
        ("rtsp://admin:a#b/c?d@10.0.0.1/x", "rtsp://10.0.0.1/x", "admin", "a#b/c?d"),
        ("rtsp://admin:p%40ss@cam.local", "rtsp://cam.local", "admin", "p@ss"),
        ("rtsp://viewer@10.0.0.1/x", "rtsp://10.0.0.1/x", "viewer", None),
    ],
)
def test_split_credentials(url: str, clean: str, user: str | None, password: str | None) -> None:
    split = split_credentials(url)
    assert (split.url, split.username, split.password) == (clean, user, password)
