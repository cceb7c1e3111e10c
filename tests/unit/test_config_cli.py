"""`citywall config check|import-csv`: exit codes, concise output, no tracebacks, no secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main

DATA = Path(__file__).parents[1] / "data" / "config"
EXAMPLES = Path(__file__).parents[2] / "camera_config" / "examples"
SECRET = "Xq7#NotARealPass!9"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main(["config", *map(str, argv)])
    out, err = capsys.readouterr()
    assert SECRET not in out and SECRET not in err
    return code, out, err


def test_check_valid_site_prints_summary(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_CAM_001_PASSWORD", SECRET)
    code, out, err = run(capsys, "check", DATA / "valid_site.yaml")
    assert code == 0 and err == ""
    assert "valid_site.yaml: OK" in out
    assert "site: 拱墅区城管指挥中心" in out
    assert "cameras: 3 (onvif 1, rtsp 2), 1 disabled" in out
    assert "米市巷街道 (g001): 1" in out and "(no group): 1" in out
    assert "groups: 2" in out
    assert "without grid code: 1 (cam-003)" in out
    assert "without location: 2 (cam-002, cam-003)" in out
    assert "secrets: 1 referenced, all set (TEST_CAM_001_PASSWORD)" in out


def test_check_example_site(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BS_001", "BS_002", "XX_001", "XX_002"):
        monkeypatch.setenv(f"CITYWALL_CAM_{name}_PASSWORD", SECRET)
    code, out, _ = run(capsys, "check", EXAMPLES / "site.example.yaml")
    assert code == 0 and "cameras: 4 (onvif 2, rtsp 2)" in out


def test_check_reports_every_issue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", DATA / "unknown_keys.yaml")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"{DATA / 'unknown_keys.yaml'}:3:1: camera: unknown key 'camera'")
    assert any(":11:7: cameras[0].source.fps: unknown key 'fps'" in line for line in lines)
    assert lines[-1] == "3 problem(s) found"


def test_check_missing_secret_and_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", DATA / "missing_secret.yaml")
    assert code == 1 and ":9:" in err and "TEST_UNSET_PASSWORD is not set" in err
    code, _, err = run(capsys, "check", DATA / "no_such_file.yaml")
    assert code == 1 and "no_such_file.yaml: file not found" in err


def test_check_never_echoes_an_inline_password(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", DATA / "url_password.yaml")
    assert code == 1 and "url_password.yaml:8:" in err and "NotARealPass" not in err


def test_check_warns_about_missing_clip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text(
        "site: {name: x}\ncameras:\n  - {id: c, name: n, source: {kind: file, path: a.mp4}}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", site)
    assert code == 0 and "OK" in out
    assert err.startswith(f"warning: {site}:3:") and "video file not found" in err


def test_import_csv_writes_site_and_secrets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_yaml = tmp_path / "site.yaml"
    csv = DATA / "inventory_utf8.csv"
    code, out, err = run(capsys, "import-csv", csv, "-o", out_yaml, "--site-name", "拱墅区")
    assert code == 0
    secrets = tmp_path / "site.secrets.env"
    assert f"imported 3 camera(s) into {out_yaml}" in out
    assert str(secrets) in out and "set -a" in out
    assert "备注" in err and "ignored" in err  # the unknown column is mentioned, not fatal
    assert SECRET not in out_yaml.read_text(encoding="utf-8")
    assert SECRET in secrets.read_text(encoding="utf-8")


def test_import_then_check_with_the_secrets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out_yaml = tmp_path / "site.yaml"
    assert run(capsys, "import-csv", DATA / "inventory_gbk.csv", "-o", out_yaml)[0] == 0
    code, _, err = run(capsys, "check", out_yaml)
    assert code == 1 and "CITYWALL_CAM_CAM_001_PASSWORD is not set" in err
    for line in (tmp_path / "site.secrets.env").read_text(encoding="utf-8").splitlines()[1:]:
        name, _, value = line.partition("=")
        monkeypatch.setenv(name, value.strip("'"))
    code, out, _ = run(capsys, "check", out_yaml)
    assert code == 0 and "secrets: 2 referenced, all set" in out


def test_import_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_yaml = tmp_path / "site.yaml"
    out_yaml.write_text("keep me\n", encoding="utf-8")
    code, _, err = run(capsys, "import-csv", DATA / "inventory_utf8.csv", "-o", out_yaml)
    assert code == 1 and "--force" in err
    assert out_yaml.read_text(encoding="utf-8") == "keep me\n"
    code, _, _ = run(capsys, "import-csv", DATA / "inventory_utf8.csv", "-o", out_yaml, "--force")
    assert code == 0 and "cameras:" in out_yaml.read_text(encoding="utf-8")


def test_import_errors_write_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "inv.csv"
    csv.write_text(
        f"编号,名称,主码流,经度,纬度\nc1,一号,rtsp://admin:{SECRET}@10.0.0.1/x,east,30\n"
        f"c1,二号,rtsp://10.0.0.2/x,,\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import-csv", csv, "-o", tmp_path / "site.yaml")
    assert code == 1 and out == ""
    assert f"{csv}:2: 经度: must be a number" in err
    assert f"{csv}:3: 编号: duplicate camera id (first on line 2)" in err
    assert "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.csv"]


def test_import_into_existing_with_duplicate_id(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "inv.csv"
    csv.write_text("编号,名称,主码流\ncam-001,重复,rtsp://10.0.0.9/x\n", encoding="utf-8")
    out_yaml = tmp_path / "merged.yaml"
    code, _, err = run(capsys, "import-csv", csv, "-o", out_yaml, "--into", DATA / "valid_site.yaml")
    assert code == 1 and "already used in valid_site.yaml" in err and not out_yaml.exists()


def test_import_into_existing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    csv = tmp_path / "inv.csv"
    csv.write_text("编号,名称,所属街道,主码流\ncam-101,新点位,湖墅街道,rtsp://10.0.0.9/x\n", encoding="utf-8")
    out_yaml = tmp_path / "merged.yaml"
    code, out, _ = run(capsys, "import-csv", csv, "-o", out_yaml, "--into", DATA / "valid_site.yaml")
    assert code == 0 and "imported 1 camera(s)" in out and "4 camera(s) in total" in out
    assert "TEST_CAM_001_PASSWORD" in out_yaml.read_text(encoding="utf-8")


def test_import_into_the_same_file_keeps_it_and_says_where_the_backup_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site_yaml = tmp_path / "site.yaml"
    before = (DATA / "valid_site.yaml").read_text(encoding="utf-8")
    site_yaml.write_text(before, encoding="utf-8")
    csv = tmp_path / "inv.csv"
    csv.write_text("编号,名称,主码流\ncam-101,新点位,rtsp://10.0.0.9/x\n", encoding="utf-8")
    code, out, err = run(capsys, "import-csv", csv, "--into", site_yaml, "-o", site_yaml)  # no --force needed
    assert code == 0, err
    after = site_yaml.read_text(encoding="utf-8")
    at = before.index("\n# detection:")
    camera = (
        "  - id: cam-101\n    name: 新点位\n    source:\n      kind: rtsp\n      main: rtsp://10.0.0.9/x\n"
    )
    assert after == before[:at] + camera + before[at:]  # the camera added, nothing else changed
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.read_text(encoding="utf-8") == before and f"kept as {backup}" in out


def test_import_force_replaces_with_a_backup(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_yaml = tmp_path / "site.yaml"
    old = "# hand-written notes\nsite:\n  name: 旧\n"
    out_yaml.write_text(old, encoding="utf-8")
    code, out, _ = run(capsys, "import-csv", DATA / "inventory_utf8.csv", "-o", out_yaml, "--force")
    assert code == 0 and "kept as" in out
    [backup] = (tmp_path / "backups").iterdir()
    assert backup.read_text(encoding="utf-8") == old


def test_import_into_a_file_that_changes_meanwhile_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from camera_config import csv_import

    site_yaml = tmp_path / "site.yaml"
    site_yaml.write_text((DATA / "valid_site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    csv = tmp_path / "inv.csv"
    csv.write_text("编号,名称,主码流\ncam-101,新点位,rtsp://10.0.0.9/x\n", encoding="utf-8")
    real = csv_import.import_csv

    def someone_saves_meanwhile(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
        return result

    monkeypatch.setattr(csv_import, "import_csv", someone_saves_meanwhile)
    code, _, err = run(capsys, "import-csv", csv, "--into", site_yaml, "-o", site_yaml)
    assert code == 1 and "changed on disk since it was read" in err and "nothing was written" in err
    assert site_yaml.read_text(encoding="utf-8").endswith("# edited\n")


def test_bad_file_as_a_process_exits_1_without_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEST_CAM_001_PASSWORD"}
    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "app", "config", "check", str(DATA / "bad_types.yaml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "bad_types.yaml:4:" in proc.stderr and "cameras[0].id" in proc.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"site:\n  name: a\x00b\n", ":2:10: the file contains the character U+0000 (NUL)"),
        (
            b"site:\n  name: x\ncameras: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
            ":3:109: nested more than 100",
        ),
        (b"site:\n  name: " + b"x" * 300 + b"\n", ":2:3: site.name: the site name has 300 characters"),
    ],
    ids=["nul", "deep", "long name"],
)
def test_a_damaged_file_is_explained_by_the_command_without_a_traceback(
    tmp_path: Path, content: bytes, words: str
) -> None:
    path = tmp_path / "site.yaml"
    path.write_bytes(content)
    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "app", "config", "check", str(path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{path}{words}" in proc.stderr and "1 problem(s) found" in proc.stderr
