"""Read site files; every problem is reported with file, line and field path.

They are written by :mod:`camera_config.site_writer`, which validates with this module."""

from __future__ import annotations

import functools
import logging
import os
import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode

from camera_config import voice_refs, yaml_nodes
from camera_config.explain import Problem, explain
from camera_config.issues import ConfigError, ConfigIssue, format_path
from camera_config.models import TIMEZONE_PATTERN, FileSource, SiteConfig, raw_site_violations

__all__ = [
    "ConfigError",
    "ConfigIssue",
    "load_site",
    "load_site_report",
    "parse_site_text",
    "read_site_file",
    "read_text",
    "save_site",
    "site_from_nodes",
    "validation_issue",
    "yaml_issue",
]

log = logging.getLogger(__name__)

# Paths in site-wide sections that mean "next to the site file" when relative (the writer keeps
# them relative when the file moves).
RELATIVE_PATHS: tuple[tuple[str, str], ...] = (
    ("site", "shared_views"),
    ("detection", "evidence_dir"),
    ("cases", "catalogue"),
    ("cases", "routing"),
    ("cases", "calendar"),
)


class Text:
    """Every message of this module, in one place for translation."""

    NOT_FOUND = "file not found"
    IS_DIR = "is a folder, not a file"
    NO_ACCESS = "cannot read the file: permission denied"
    UNREADABLE = "cannot read the file: {reason}"
    NOT_UTF8 = "not valid UTF-8 text; save the file as UTF-8"
    EMPTY = "the file is empty; a site file needs at least `site:` with a `name:`"
    NOT_MAPPING = "the top level must be a mapping with keys such as site, groups, cameras; got {what}"
    NOT_TEXT = '{what}; write it in quotes so it is read as text (e.g. "001")'
    NO_CLIP = "video file not found: {path}"
    UNKNOWN_TIMEZONE = (
        "unknown time zone {name!r}; use a name of the IANA time zone database, e.g. Asia/Shanghai"
    )


def load_site(
    path: Path, env: Mapping[str, str] | None = None, *, resolve_secrets: bool = True
) -> SiteConfig:
    """Load and validate a site file; raise :class:`ConfigError` listing every problem.

    ``env`` (default: ``os.environ``) supplies the secrets named by ``password_env``; with
    ``resolve_secrets=False`` they are not looked up (e.g. to edit a file on another machine).
    """
    site, warnings = load_site_report(path, env, resolve_secrets=resolve_secrets)
    for warning in warnings:
        log.warning("%s", warning)
    return site


def load_site_report(
    path: Path, env: Mapping[str, str] | None = None, *, resolve_secrets: bool = True
) -> tuple[SiteConfig, list[ConfigIssue]]:
    """Like :func:`load_site`, and also return warnings (problems that do not stop start-up)."""
    path = Path(path)
    return parse_site_text(read_text(path), path, env, resolve_secrets=resolve_secrets)


def parse_site_text(
    text: str, path: Path, env: Mapping[str, str] | None = None, *, resolve_secrets: bool = True
) -> tuple[SiteConfig, list[ConfigIssue]]:
    """Validate ``text`` as if it were the content of ``path`` (relative paths resolve beside it):
    the site and its warnings, or :class:`ConfigError` naming ``path``, line and field."""
    try:
        root, data = yaml_nodes.parse(text)
    except yaml_nodes.YamlSyntaxError as exc:
        raise ConfigError([yaml_issue(path, exc.problem)]) from None
    return site_from_nodes(root, data, path, env, resolve_secrets=resolve_secrets)


def site_from_nodes(
    root: Node | None,
    data: Any,
    path: Path,
    env: Mapping[str, str] | None = None,
    *,
    resolve_secrets: bool = True,
) -> tuple[SiteConfig, list[ConfigIssue]]:
    """Validate what :func:`yaml_nodes.parse` made of the text of ``path`` (``data`` is not changed)."""
    if root is None:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.EMPTY)])
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        mark = yaml_nodes.mark_of(root)
        message = Text.NOT_MAPPING.format(what=yaml_nodes.describe(root))
        raise ConfigError([ConfigIssue(path, mark.line, mark.column, "", message)])
    issues = [yaml_issue(path, p) for p in yaml_nodes.duplicate_keys(root)]
    data = _resolve_clip_paths(data, path.absolute().parent)
    context = {"env": os.environ if env is None else env} if resolve_secrets else None
    issues.extend(_timezone_issues(path, root, data))
    try:
        site = SiteConfig.model_validate(data, context=context)
    except ValidationError as exc:
        problems = explain(exc, SiteConfig)
        issues.extend(validation_issue(path, root, p) for p in problems)
        # The site-wide rules run only on a valid site: check the raw data now, in the same pass.
        rules = [Problem(v.path, v.message, "value_error") for v in raw_site_violations(data)]
        issues.extend(validation_issue(path, root, p) for p in rules)
        raise ConfigError(issues) from None
    if issues:
        raise ConfigError(issues)
    return site, _clip_warnings(site, path, root) + _zone_warnings(site, path, root)


def save_site(site: SiteConfig, path: Path) -> None:
    """Write ``site`` as a new file; see :func:`camera_config.site_writer.create_site`."""
    from camera_config.site_writer import create_site  # the writer validates with this module

    create_site(site, path)


def read_site_file(path: Path) -> tuple[bytes, str]:
    """The bytes of a site file and its text; :class:`ConfigError` (not found, not UTF-8, ...)."""
    raw = _read_bytes(Path(path))
    return raw, _decode(Path(path), raw)


def read_text(path: Path) -> str:
    """The text of a configuration file; :class:`ConfigError` (not found, not UTF-8, ...)."""
    return _decode(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.NOT_FOUND)]) from None
    except IsADirectoryError:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.IS_DIR)]) from None
    except PermissionError:
        raise ConfigError([ConfigIssue(path, None, None, "", Text.NO_ACCESS)]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        issue = ConfigIssue(path, None, None, "", Text.UNREADABLE.format(reason=reason))
        raise ConfigError([issue]) from None


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError([ConfigIssue(path, line, column, "", Text.NOT_UTF8)]) from None


def yaml_issue(path: Path, problem: yaml_nodes.YamlProblem) -> ConfigIssue:
    """A YAML problem (syntax, duplicate key) of the file at ``path``."""
    mark = problem.mark
    return ConfigIssue(
        path, mark.line if mark else None, mark.column if mark else None, problem.path, problem.message
    )


def validation_issue(path: Path, root: Node, problem: Problem) -> ConfigIssue:
    """A validation problem of the file at ``path``, at the line of its field in ``root``."""
    mark, node = yaml_nodes.locate(root, problem.loc, at_parent=problem.at_parent)
    message = problem.message
    if problem.type == "string_type" and isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:str":
        message = Text.NOT_TEXT.format(what=message)
    message = _ITEM_REF.sub(lambda m: _with_line(root, m), message)
    return ConfigIssue(path, mark.line, mark.column, format_path(problem.loc), message)


_ITEM_REF = re.compile(r"\b(cameras|groups|speakers)\[(\d+)\]")


def _with_line(root: Node, ref: re.Match[str]) -> str:
    """``cameras[0]`` in a rule message -> ``cameras[0] on line 12``: easier to find."""
    mark, node = yaml_nodes.locate(root, (ref[1], int(ref[2])), at_parent=False)
    return f"{ref[0]} on line {mark.line}" if node is not None else ref[0]


def _resolve_clip_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Relative paths (clips, shared views, evidence) mean "next to the site file", wherever the
    app was started.

    Returns a copy where a path changed (the caller's data, e.g. the site writer's, stays as read).
    """
    data = dict(data)
    for section, key in RELATIVE_PATHS:
        info = data.get(section)
        if isinstance(info, dict) and isinstance(info.get(key), str):
            folder = Path(info[key]).expanduser()
            data[section] = {**info, key: str(folder if folder.is_absolute() else base / folder)}
    cameras = data.get("cameras")
    if not isinstance(cameras, list):
        return data
    resolved = []
    for camera in cameras:
        source = camera.get("source") if isinstance(camera, dict) else None
        if isinstance(source, dict) and source.get("kind") == "file" and isinstance(source.get("path"), str):
            clip = Path(source["path"]).expanduser()
            clip = clip if clip.is_absolute() else base / clip
            camera = {**camera, "source": {**source, "path": str(clip)}}
        resolved.append(camera)
    data["cameras"] = resolved
    return data


def _timezone_issues(path: Path, root: Node, data: dict[str, Any]) -> list[ConfigIssue]:
    """An unknown time zone passes the model (which does no I/O) and would stop patrols at run time."""
    info = data.get("site")
    name = info.get("timezone") if isinstance(info, dict) else None
    known = _known_timezones()
    if not isinstance(name, str) or not known or name in known or not re.match(TIMEZONE_PATTERN, name):
        return []  # not text or not a name (the model says so), or no time zone database here
    loc = ("site", "timezone")
    mark, _ = yaml_nodes.locate(root, loc, at_parent=False)
    message = Text.UNKNOWN_TIMEZONE.format(name=name)
    return [ConfigIssue(path, mark.line, mark.column, format_path(loc), message)]


def known_timezone(name: str) -> bool:
    """False only when this machine has a time-zone database and ``name`` is not in it."""
    known = _known_timezones()
    return not known or name in known


@functools.cache
def _known_timezones() -> frozenset[str]:
    try:
        return frozenset(zoneinfo.available_timezones())
    except Exception:  # no database (Windows without the tzdata package)
        return frozenset()


def _zone_warnings(site: SiteConfig, path: Path, root: Node) -> list[ConfigIssue]:
    """Speakers' and voice settings' zones the file does not draw: warnings, as zones drawn in
    CityWall (kept beside the shared views) are not known here."""
    rules = site.voice.rules
    if not (any(s.zones for s in site.speakers) or rules.vending.zones or rules.bin_overflow.zones):
        return []
    facts = voice_refs.camera_facts(site.cameras)
    warnings = []
    for v in voice_refs.zone_warnings(site.speakers, site.voice, facts, voice_refs.Text.ZONES_IN_FILE):
        mark, _ = yaml_nodes.locate(root, v.path, at_parent=False)
        warnings.append(ConfigIssue(path, mark.line, mark.column, format_path(v.path), v.message))
    return warnings


def _clip_warnings(site: SiteConfig, path: Path, root: Node) -> list[ConfigIssue]:
    warnings = []
    for index, camera in enumerate(site.cameras):
        if isinstance(camera.source, FileSource) and not camera.source.path.exists():
            loc = ("cameras", index, "source", "path")
            mark, _ = yaml_nodes.locate(root, loc, at_parent=False)
            message = Text.NO_CLIP.format(path=camera.source.path)
            warnings.append(ConfigIssue(path, mark.line, mark.column, format_path(loc), message))
    return warnings
