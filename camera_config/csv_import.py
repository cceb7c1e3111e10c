"""Import a camera inventory spreadsheet (CSV from Excel) into a site configuration.

Passwords never go into the YAML: they go to a private env file next to it, and each camera's
``credentials.password_env`` names its variable. Imported into an existing site (``into``), the
new groups and cameras are added by the site writer: the rest of that file, comments included,
stays as it was, and the file written over is backed up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from camera_config import csv_columns as cols
from camera_config.csv_rows import Row, read_rows
from camera_config.env_file import write_env_file
from camera_config.explain import Loc, explain
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.models import CAMERA_ID_PATTERN, Camera, Group, SiteConfig
from camera_config.site_writer import SaveResult, SiteDocument, create_site


class Text:
    """Every message of this module, in one place for translation."""

    REQUIRED = "required; this cell is empty"
    NOT_NUMBER = "must be a number in decimal degrees (e.g. 120.1551)"
    HALF_LOCATION = "{other} is set but this cell is empty; give both coordinates or neither"
    EXCEL_NUMBER = "Excel turned this code into a number; format the column as Text and export again"
    NOT_BOOL = "must be yes/no (是/否, true/false, 1/0)"
    NO_SOURCE = "needs a stream: fill {main} (RTSP URL) or {onvif} (ONVIF device URL)"
    SUB_WITHOUT_MAIN = "a sub stream needs the main stream URL ({main}) as well"
    USER_CONFLICT = "the user name in the URL differs from {other}; keep one"
    PASSWORD_CONFLICT = "the password in the URL differs from {other}; keep one"
    PASSWORD_TWICE = "give a password or a password variable ({other}), not both"
    PASSWORD_NO_USER = "a password needs a user name ({other} or user@ in the URL)"
    DUPLICATE_ID = "duplicate camera id (first on line {line}); every camera needs its own id"
    EXISTING_ID = "camera id already used in {file}; every camera needs its own id"
    SITE_NAME = "--site-name"


@dataclass
class ImportResult:
    site: SiteConfig
    secrets: dict[str, str] = field(repr=False)  # variable -> password: for the secrets file only
    added: int
    warnings: list[ConfigIssue] = field(default_factory=list)
    document: SiteDocument | None = field(default=None, repr=False)  # the site imported into
    site_name: str | None = None  # a new name for it (--site-name)

    @property
    def new_groups(self) -> tuple[Group, ...]:
        return self.site.groups[len(self.document.site.groups) if self.document else 0 :]

    @property
    def new_cameras(self) -> tuple[Camera, ...]:
        return self.site.cameras[len(self.site.cameras) - self.added :]


@dataclass(frozen=True)
class Written:
    saved: SaveResult  # the site file (its backup, the site as the app reads it)
    secrets: Path | None  # the secrets file, if there were passwords


def secrets_path(out: Path) -> Path:
    """``site.yaml`` -> ``site.secrets.env`` beside it."""
    return out.with_name(f"{out.stem}.secrets.env")


def password_variable(camera_id: str) -> str:
    return f"CITYWALL_CAM_{re.sub(r'[^A-Z0-9]', '_', camera_id.upper())}_PASSWORD"


def import_csv(csv_path: Path, *, site_name: str | None = None, into: Path | None = None) -> ImportResult:
    """Read the inventory and build a validated site; raise :class:`ConfigError` with every problem."""
    document = SiteDocument.open(into) if into is not None else None
    result = _Importer(Path(csv_path), document.site if document else None, into).run(site_name)
    result.document, result.site_name = document, site_name
    return result


def write_import(result: ImportResult, out: Path) -> Written:
    """Write the secrets file (if any passwords) and then the site file: the site imported into,
    with the new groups and cameras added (saved as ``out``), or a new file. A file at ``out`` is
    backed up first. :class:`SiteEditError` (nothing written) if the site changed meanwhile."""
    secrets = None
    if result.secrets:
        secrets = secrets_path(out)
        write_env_file(secrets, result.secrets)
    if result.document is None:
        return Written(create_site(result.site, out), secrets)
    document = result.document
    document.add_groups(result.new_groups)
    document.add_cameras(result.new_cameras)
    if result.site_name is not None:
        document.set_site_info(name=result.site_name)
    return Written(document.save(out), secrets)


class _Importer:
    def __init__(self, path: Path, base: SiteConfig | None, into: Path | None) -> None:
        self.path = path
        self.base = base
        self.into = into
        self.issues: list[ConfigIssue] = []
        self.warnings: list[ConfigIssue] = []
        self.secrets: dict[str, str] = {}
        self.groups: dict[str, str] = {}  # group name or id -> id
        self.new_groups: list[dict[str, str]] = []
        self.group_rows: dict[str, Row] = {}
        self.rows: list[Row] = []  # one per imported camera, in order
        self.first_line: dict[str, int] = {}  # camera id -> line that first used it
        cameras = base.cameras if base else ()
        self.base_variables = {c.credentials.password_env for c in cameras if c.credentials}

    def error(self, line: int | None, path: str, message: str) -> None:
        self.issues.append(ConfigIssue(self.path, line, None, path, message))

    def run(self, site_name: str | None) -> ImportResult:
        sheet = read_rows(self.path)
        rows, self.warnings = sheet.rows, sheet.warnings
        self.issues.extend(sheet.errors)  # and every other row is still checked
        for group in self.base.groups if self.base else ():
            self.groups.setdefault(group.id, group.id)
            self.groups.setdefault(group.name, group.id)
        cameras = [cam for row in rows if (cam := self._camera(row)) is not None]
        site = self._validate(cameras, site_name)  # the good rows too: report everything at once
        if site is None or self.issues:
            raise ConfigError(self.issues)
        return ImportResult(site, self.secrets, len(cameras), self.warnings)

    # -- one row -> one camera ------------------------------------------------------------------
    def _camera(self, row: Row) -> dict[str, Any] | None:
        before = len(self.issues)
        cells = row.cells
        camera: dict[str, Any] = {}
        for column in ("id", "name"):
            if not cells.get(column):
                self.error(row.line, row.label(column), Text.REQUIRED)
            camera[column] = " ".join(cells.get(column, "").split())  # Alt+Enter line breaks in Excel
        self._check_id(row)
        if cells.get("group"):
            camera["group"] = self._group(cells["group"], row)
        if cells.get("grid_code"):
            if cols.looks_like_excel_number(cells["grid_code"]):
                self.error(row.line, row.label("grid_code"), Text.EXCEL_NUMBER)
            camera["grid_code"] = cells["grid_code"]
        location = self._location(row)
        if location:
            camera["location"] = location
        camera["source"], user, password = self._source(row)
        credentials = self._credentials(row, user, password, camera["id"])
        if credentials:
            camera["credentials"] = credentials
        if cells.get("enabled"):
            enabled = cols.parse_bool(cells["enabled"])
            if enabled is None:
                self.error(row.line, row.label("enabled"), Text.NOT_BOOL)
            camera["enabled"] = enabled
        if cells.get("tags"):
            camera["tags"] = cols.parse_tags(cells["tags"])
        if len(self.issues) > before:
            return None
        self.rows.append(row)
        return camera

    def _check_id(self, row: Row) -> None:
        camera_id = row.cells.get("id", "")
        if not camera_id:
            return
        if camera_id in self.first_line:
            self.error(row.line, row.label("id"), Text.DUPLICATE_ID.format(line=self.first_line[camera_id]))
        elif self.base is not None and any(cam.id == camera_id for cam in self.base.cameras):
            name = self.into.name if self.into else ""
            self.error(row.line, row.label("id"), Text.EXISTING_ID.format(file=name))
        else:
            self.first_line[camera_id] = row.line

    def _group(self, name: str, row: Row) -> str:
        if name not in self.groups:
            group_id = self._new_group_id(name)
            self.groups[name] = group_id
            self.new_groups.append({"id": group_id, "name": name})
            self.group_rows[group_id] = row
        return self.groups[name]

    def _new_group_id(self, name: str) -> str:
        """A readable, stable id: the name itself if it is a valid id, else g001, g002..."""
        taken = set(self.groups.values())
        if re.match(CAMERA_ID_PATTERN, name) and name not in taken:
            return name
        number = 1
        while f"g{number:03d}" in taken:
            number += 1
        return f"g{number:03d}"

    def _location(self, row: Row) -> dict[str, Any] | None:
        cells = row.cells
        lon_text, lat_text = cells.get("lon", ""), cells.get("lat", "")
        if not lon_text and not lat_text:
            return None
        location: dict[str, Any] = {}
        for column, text, other in (("lon", lon_text, "lat"), ("lat", lat_text, "lon")):
            if not text:
                self.error(row.line, row.label(column), Text.HALF_LOCATION.format(other=row.label(other)))
                continue
            value = cols.parse_degrees(text)
            if value is None:
                self.error(row.line, row.label(column), Text.NOT_NUMBER)
            location[column] = value
        if cells.get("crs"):
            location["crs"] = cells["crs"].lower()
        return location

    def _source(self, row: Row) -> tuple[dict[str, Any], str | None, str | None]:
        cells = row.cells
        main, sub, onvif = cells.get("main_url", ""), cells.get("sub_url", ""), cells.get("onvif", "")
        transport = cells.get("transport", "").lower() or None
        parts = {c: cols.split_credentials(u) for c, u in (("main_url", main), ("sub_url", sub)) if u}
        if main:
            source: dict[str, Any] = {"kind": "rtsp", "main": parts["main_url"].url}
            if sub:
                source["sub"] = parts["sub_url"].url
        elif onvif:
            parts = {"onvif": cols.split_credentials(onvif)}
            source = {"kind": "onvif", "endpoint": parts["onvif"].url}
            if sub:
                message = Text.SUB_WITHOUT_MAIN.format(main=row.label("main_url"))
                self.error(row.line, row.label("sub_url"), message)
        else:
            labels = {"main": row.label("main_url"), "onvif": row.label("onvif")}
            self.error(
                row.line,
                row.label("main_url" if "main_url" in row.labels else "onvif"),
                Text.NO_SOURCE.format(**labels),
            )
            return {}, None, None
        if transport:
            source["transport"] = transport
        user = password = None
        for column, split in parts.items():
            if split.username is not None:
                if user is not None and split.username != user:
                    message = Text.USER_CONFLICT.format(other=row.label("main_url"))
                    self.error(row.line, row.label(column), message)
                user = split.username
            if split.password is not None:
                if password is not None and split.password != password:
                    self.error(
                        row.line,
                        row.label(column),
                        Text.PASSWORD_CONFLICT.format(other=row.label("main_url")),
                    )
                password = split.password
        return source, user, password

    def _credentials(
        self, row: Row, user: str | None, password: str | None, camera_id: str
    ) -> dict[str, Any]:
        cells = row.cells
        url_label = row.label("main_url" if cells.get("main_url") else "onvif")
        if cells.get("username"):
            if user is not None and user != cells["username"]:
                self.error(row.line, url_label, Text.USER_CONFLICT.format(other=row.label("username")))
            user = cells["username"]
        if cells.get("password"):
            if password is not None and password != cells["password"]:
                self.error(row.line, url_label, Text.PASSWORD_CONFLICT.format(other=row.label("password")))
            password = cells["password"]
        variable = cells.get("password_env") or None
        if password is not None and variable is not None:
            message = Text.PASSWORD_TWICE.format(other=row.label("password_env"))
            self.error(row.line, row.label("password"), message)
        if (password is not None or variable is not None) and user is None:
            self.error(
                row.line,
                row.label("password" if password else "password_env"),
                Text.PASSWORD_NO_USER.format(other=row.label("username")),
            )
        if user is None:
            return {}
        if password is not None:
            variable = password_variable(camera_id)
            number = 2
            while variable in self.secrets or variable in self.base_variables:  # ids 'a-1' and 'a.1'
                variable, number = password_variable(f"{camera_id}_{number}"), number + 1
            self.secrets[variable] = password
        return {"username": user, "password_env": variable} if variable else {"username": user}

    # -- the whole site -------------------------------------------------------------------------
    def _validate(self, cameras: list[dict[str, Any]], site_name: str | None) -> SiteConfig | None:
        """Validate with the site model; rows with field errors are set aside for a second pass, as
        the site-wide rules (duplicate ids, grid code length) only run once every field is valid."""
        base: dict[str, Any] = {"site": {"name": ""}}
        if self.base is not None:
            base = self.base.model_dump(mode="json")
        if site_name is not None or self.base is None:
            base["site"]["name"] = site_name if site_name is not None else self.path.stem
        old_cameras, old_groups = base.get("cameras", []), base.get("groups", [])
        base["groups"] = [*old_groups, *self.new_groups]
        for _ in range(2):
            base["cameras"] = [*old_cameras, *cameras]
            try:
                return SiteConfig.model_validate(base)
            except ValidationError as exc:
                problems = explain(exc, SiteConfig)
            bad: set[int] = set()
            for problem in problems:
                line, label = self._where(problem.loc, len(old_cameras), len(old_groups))
                self.error(line, label, problem.message)
                index = problem.loc[1] if problem.loc[:1] == ("cameras",) and len(problem.loc) > 1 else None
                if isinstance(index, int) and index >= len(old_cameras):
                    bad.add(index - len(old_cameras))
            if not bad or len(bad) == len(cameras) or any(p.loc[:1] != ("cameras",) for p in problems):
                return None
            cameras = [cam for i, cam in enumerate(cameras) if i not in bad]
            self.rows = [row for i, row in enumerate(self.rows) if i not in bad]
        return None

    def _where(self, loc: Loc, cameras_from: int, groups_from: int) -> tuple[int | None, str]:
        """The CSV row and column header that a model error points at."""
        if loc[:1] == ("cameras",) and len(loc) > 1 and isinstance(loc[1], int) and loc[1] >= cameras_from:
            row = self.rows[loc[1] - cameras_from]
            column = _COLUMN_OF.get(loc[2:4], _COLUMN_OF.get(loc[2:3], "id"))
            if column == "main_url" and not row.cells.get("main_url"):
                column = "onvif"  # the source was built from the ONVIF column
            return row.line, row.label(column)
        if loc[:1] == ("groups",) and len(loc) > 1 and isinstance(loc[1], int) and loc[1] >= groups_from:
            group_id = self.new_groups[loc[1] - groups_from]["id"]
            row = self.group_rows[group_id]
            return row.line, row.label("group")
        if loc[:2] == ("site", "name"):
            return None, Text.SITE_NAME
        return None, ".".join(map(str, loc))


# Model field path (below cameras[i]) -> CSV column.
_COLUMN_OF: dict[Loc, str] = {
    ("id",): "id",
    ("name",): "name",
    ("group",): "group",
    ("grid_code",): "grid_code",
    ("location",): "lon",
    ("location", "lon"): "lon",
    ("location", "lat"): "lat",
    ("location", "crs"): "crs",
    ("source",): "main_url",
    ("source", "main"): "main_url",
    ("source", "sub"): "sub_url",
    ("source", "endpoint"): "onvif",
    ("source", "transport"): "transport",
    ("credentials",): "username",
    ("credentials", "username"): "username",
    ("credentials", "password_env"): "password_env",
    ("enabled",): "enabled",
    ("tags",): "tags",
}
