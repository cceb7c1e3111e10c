"""`citywall config check|import-csv`: validate a site file, import a camera inventory."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # decoder workers re-import the entry script: keep this module light
    from camera_config.csv_import import ImportResult
    from camera_config.issues import ConfigIssue
    from camera_config.models import SiteConfig


class Text:
    """Every message of this module, in one place for translation."""

    HELP = "check a site file or import a camera inventory"
    CHECK_HELP = "validate a site file and summarise it"
    IMPORT_HELP = "build a site file from a camera inventory CSV (Excel export, UTF-8 or GBK)"
    OK = "{file}: OK"
    SITE = "site: {name}"
    CAMERAS = "cameras: {count} ({kinds}){disabled}"
    DISABLED = ", {count} disabled"
    IN_GROUP = "  {name} ({id}): {count}"
    NO_GROUP = "  (no group): {count}"
    GROUPS = "groups: {count}"
    NO_GRID = "without grid code: {ids}"
    NO_LOCATION = "without location: {ids}"
    NONE = "none"
    SPEAKERS = "speakers: {count}"
    SPEAKER = "  {id}{name}: {kind} {address}{extra}, {codec} → {cameras}{zones}"
    OWN_SPEAKER = " (camera {camera}'s own speaker)"
    MULTICAST = " (multicast, ttl {ttl})"
    SPEAKER_ZONES = " (zones {zones})"
    NO_CAMERA = "no camera"
    WITHOUT_SPEAKER = "cameras without a speaker: {ids}"
    VOICE = "voice {rule}: auto-play {auto}, prompt {prompt}, ladder {ladder}{zones}"
    LADDER_ON = "on ({prompts} prompts, wait {wait:g} s, recheck {recheck:g} s, then {then})"
    LADDER_CASE = "a case"
    LADDER_NO_CASE = "no case"
    ON = "on"
    OFF = "off"
    ZONE_SETTINGS = "; zones with their own settings: {zones}"
    SECRETS = "secrets: {count} referenced, all set ({names})"
    NO_SECRETS = "secrets: none referenced"
    WARNING = "warning: {issue}"
    HINT = "hint: {issue}"
    PROBLEMS = "{count} problem(s); nothing was written"
    CHECK_PROBLEMS = "{count} problem(s) found"
    EXISTS = "{file} already exists; add --force to replace it (or --into {file} to add to it)"
    WRITE_FAILED = "{file}: cannot write: {reason}; nothing was changed"
    BACKUP = "the previous {file} is kept as {backup}"
    IMPORTED = "imported {count} camera(s) into {file} ({groups} group(s), {cameras} camera(s) in total)"
    SECRETS_WRITTEN = (
        "passwords of {count} camera(s) are in {file} (private, mode 600; do not commit or share it).\n"
        "load them before starting CityWall, e.g.:  set -a; . {file}; set +a\n"
        "(systemd: EnvironmentFile={file})"
    )


def register(sub: Any) -> None:
    parser = sub.add_parser("config", help=Text.HELP, description=Text.HELP)
    commands = parser.add_subparsers(dest="config_command", required=True, metavar="ACTION")

    check = commands.add_parser("check", help=Text.CHECK_HELP, description=Text.CHECK_HELP)
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(handler=check_command)

    imp = commands.add_parser("import-csv", help=Text.IMPORT_HELP, description=Text.IMPORT_HELP)
    imp.add_argument("csv", type=Path, metavar="CSV")
    imp.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.yaml")
    imp.add_argument("--site-name", metavar="NAME", help="site name (default: the CSV file name)")
    imp.add_argument("--into", type=Path, metavar="EXISTING.yaml", help="add the cameras to this site")
    imp.add_argument("--force", action="store_true", help="replace OUT.yaml if it exists")
    imp.set_defaults(handler=import_command)


def check_command(args: argparse.Namespace) -> int:
    from camera_config.issues import ConfigError
    from camera_config.loader import load_site_report

    try:
        site, warnings = load_site_report(args.file)
    except ConfigError as exc:
        _print_issues(exc.issues)
        _err(Text.CHECK_PROBLEMS.format(count=len(exc.issues)))
        return 1
    for warning in warnings:
        _err(Text.WARNING.format(issue=warning))
    print(Text.OK.format(file=args.file))
    print(summary(site))
    for hint in _hints(site, args.file):
        print(Text.HINT.format(issue=hint))
    return 0


def _hints(site: SiteConfig, path: Path) -> list[ConfigIssue]:
    """What the file allows but probably does not mean (read from the file alone: no network)."""
    from camera_config.hints import site_hints

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # it was read a moment ago; hints are not worth an error
    return site_hints(site, path, text)


def import_command(args: argparse.Namespace) -> int:
    from camera_config.csv_import import import_csv, write_import
    from camera_config.issues import ConfigError
    from camera_config.site_writer import SiteEditError

    out: Path = args.output
    in_place = args.into is not None and out.exists() and out.resolve() == args.into.resolve()
    if out.exists() and not args.force and not in_place:
        _err(Text.EXISTS.format(file=out))
        return 1
    try:
        result = import_csv(args.csv, site_name=args.site_name, into=args.into)
    except ConfigError as exc:
        _print_issues(exc.issues)
        _err(Text.PROBLEMS.format(count=len(exc.issues)))
        return 1
    for warning in result.warnings:
        _err(Text.WARNING.format(issue=warning))
    try:
        written = write_import(result, out)
    except SiteEditError as exc:
        _err(str(exc))
        return 1
    except OSError as exc:
        _err(Text.WRITE_FAILED.format(file=exc.filename or out, reason=exc.strerror or type(exc).__name__))
        return 1
    _print_imported(result, out, written.secrets)
    if written.saved.backup is not None:
        print(Text.BACKUP.format(file=out.name, backup=written.saved.backup))
    return 0


def summary(site: SiteConfig) -> str:
    """Counts and gaps of a site, never a secret's value."""
    cams = site.cameras
    kinds = Counter(cam.source.kind for cam in cams)
    disabled = sum(not cam.enabled for cam in cams)
    lines = [
        Text.SITE.format(name=site.site.name),
        Text.CAMERAS.format(
            count=len(cams),
            kinds=", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items())) or Text.NONE,
            disabled=Text.DISABLED.format(count=disabled) if disabled else "",
        ),
    ]
    by_group = Counter(cam.group for cam in cams)
    lines += [Text.IN_GROUP.format(name=g.name, id=g.id, count=by_group[g.id]) for g in site.groups]
    if by_group[None]:
        lines.append(Text.NO_GROUP.format(count=by_group[None]))
    lines.append(Text.GROUPS.format(count=len(site.groups)))
    lines.append(Text.NO_GRID.format(ids=_ids([c.id for c in cams if c.grid_code is None])))
    lines.append(Text.NO_LOCATION.format(ids=_ids([c.id for c in cams if c.location is None])))
    if site.speakers:
        lines += _speaker_lines(site)
    lines += _voice_lines(site)
    secrets = sorted(
        {c.credentials.password_env for c in cams if c.credentials and c.credentials.password_env}
        | {s.password_env for s in site.speakers if s.password_env}
    )
    if secrets:
        lines.append(Text.SECRETS.format(count=len(secrets), names=_names(secrets)))
    else:
        lines.append(Text.NO_SECRETS)
    return "\n".join(lines)


def _speaker_lines(site: SiteConfig) -> list[str]:
    """Each speaker, how it is reached and what it serves (addresses never hold a secret: the
    loader refuses one)."""
    from camera_config.models import RtspSource

    lines = [Text.SPEAKERS.format(count=len(site.speakers))]
    for s in site.speakers:
        address, extra = s.address or "", Text.MULTICAST.format(ttl=s.ttl) if s.multicast else ""
        if s.camera is not None:
            source = site.camera(s.camera).source
            address = address or (source.main if isinstance(source, RtspSource) else "")
            extra = Text.OWN_SPEAKER.format(camera=s.camera)
        zones = Text.SPEAKER_ZONES.format(zones=_names(list(s.zones))) if s.zones else ""
        lines.append(
            Text.SPEAKER.format(
                id=s.id,
                name=f" {s.name}" if s.name else "",
                kind=s.kind,
                address=address,
                extra=extra,
                codec=s.codec,
                cameras=_names(list(s.served_cameras)) or Text.NO_CAMERA,
                zones=zones,
            )
        )
    served = {c for s in site.speakers for c in s.served_cameras}
    lines.append(Text.WITHOUT_SPEAKER.format(ids=_ids([c.id for c in site.cameras if c.id not in served])))
    return lines


def _voice_lines(site: SiteConfig) -> list[str]:
    """What plays by itself, per rule (the rule's own settings; zones may differ, and are named)."""
    from camera_config.voice import RULE_NAMES

    lines = []
    for rule in RULE_NAMES:
        policy, ladder = site.voice.policy(rule), site.voice.ladder(rule)
        then = Text.LADDER_CASE if ladder.create_case else Text.LADDER_NO_CASE
        ladder_text = (
            Text.LADDER_ON.format(
                prompts=ladder.prompts, wait=ladder.wait_s, recheck=ladder.recheck_s, then=then
            )
            if ladder.enabled
            else Text.OFF
        )
        zones = list(getattr(site.voice.rules, rule).zones)
        lines.append(
            Text.VOICE.format(
                rule=rule,
                auto=Text.ON if policy.auto_play else Text.OFF,
                prompt=policy.prompt,
                ladder=ladder_text,
                zones=Text.ZONE_SETTINGS.format(zones=_names(zones)) if zones else "",
            )
        )
    return lines


def _ids(ids: list[str]) -> str:
    """``2 (cam-001, cam-002)``, or ``none``."""
    return f"{len(ids)} ({_names(ids)})" if ids else Text.NONE


def _names(names: list[str], limit: int = 8) -> str:
    more = f", … +{len(names) - limit}" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _print_imported(result: ImportResult, out: Path, secrets: Path | None) -> None:
    site = result.site
    total = {"groups": len(site.groups), "cameras": len(site.cameras)}
    print(Text.IMPORTED.format(count=result.added, file=out, **total))
    if secrets is not None:
        print(Text.SECRETS_WRITTEN.format(count=len(result.secrets), file=secrets))


def _print_issues(issues: list[ConfigIssue]) -> None:
    for issue in issues:
        _err(str(issue))


def _err(text: str) -> None:
    print(text, file=sys.stderr)
