"""The one writer of site files: a change keeps every other line of the file as it was written.

Every program path that changes a site file (the discovery dialog, ``config import-csv``, any
editor in the UI) goes through a :class:`SiteDocument`::

    doc = SiteDocument.open(path)              # read and validate: ConfigError if it has problems
    doc.add_groups([Group(id="east", name="东区")])
    doc.add_cameras([camera])                  # Camera models (or plain dicts), appended in order
    doc.set_camera("cam101", ptz=PtzSettings(endpoint=url, patrol=patrol))  # replace fields
    doc.update_camera("cam101", {"source": {"sub": "rtsp://10.0.0.9/sub"}})  # merge nested keys
    doc.remove_camera("cam007")
    result = doc.save()                        # SaveResult(path, backup, site, warnings)

Edits change only the text of what they name. ``set_camera(id, ptz=model)`` makes the block say
exactly what the model says, with the fewest changed lines: keys that keep their value keep their
line, quotes and comments; keys at their default are not added (a default already written in the
file stays written); keys the model leaves out are removed. ``set_camera(id, ptz=None)`` removes
the block. ``update_camera`` changes only the keys it is given: a mapping merges into the
mapping already there, anything else replaces. New entries go where the model's field order puts
them, indented like their neighbours. Passwords are never written (a ``SecretStr`` is refused):
a camera names the environment variable that holds its password (``credentials.password_env``).

:meth:`SiteDocument.save`:

1. validates the new text with the loader (as the app will read it, secrets not resolved): an
   invalid result raises :class:`SiteEditError` with issues naming file, line and field, and
   nothing is written (each edit has already been checked, by parsing its result, to change the
   data only where it said: otherwise it raises :class:`SiteEditError` at once);
2. refuses with :class:`StaleSiteError` when the file on disk is no longer what was read;
3. copies the file as it was to ``backups/<stem>.<YYYYmmdd-HHMMSS-mmm><suffix>`` beside it
   (the newest :data:`BACKUPS_KEPT` of each file are kept);
4. writes a temporary file in the same folder, fsyncs it and renames it over the file: a failure
   (full disk, read-only folder: ``OSError``) leaves the old file whole and no temporary file.

For the discovery dialog (PTZ from the device): add the camera with its ``ptz`` block in the
:class:`Camera` model, or later ``doc.set_camera(id, ptz=ptz_settings)``; a field added to
:class:`PtzSettings` (e.g. presets) is written like any other, with no change here.
A document is used by one thread at a time; open a new one for each change the user confirms.
"""

from __future__ import annotations

import contextlib
import re
import time
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, SecretStr
from pydantic_core import PydanticUndefined
from yaml.nodes import Node

from camera_config import yaml_nodes
from camera_config.files import write_atomic
from camera_config.issues import ConfigError, ConfigIssue
from camera_config.loader import RELATIVE_PATHS, parse_site_text, read_site_file, site_from_nodes
from camera_config.models import Camera, Group, SiteConfig
from camera_config.yaml_render import block_yaml
from camera_config.yaml_splice import REMOVE, Editor, Fields, SpliceError, data_at, plain

__all__ = [
    "BACKUPS_KEPT",
    "BACKUP_FOLDER",
    "SaveResult",
    "SiteDocument",
    "SiteEditError",
    "StaleSiteError",
    "add_to_site",
    "create_site",
    "render_site",
]

BACKUP_FOLDER = "backups"
BACKUPS_KEPT = 20


class Text:
    """Every message of this module, in one place for translation."""

    HEADER = "# CityWall site configuration (see camera_config/examples/site.example.yaml)\n"
    STALE = (
        "{file} was changed on disk since it was read (by another program or person); nothing was "
        "written: open it again and repeat the change"
    )
    GONE = "{file} was removed or renamed since it was read; nothing was written"
    INVALID = "the change would leave {file} invalid; nothing was written"
    UNSAFE = "{file}: {why}; nothing was written"
    UNEXPECTED = (
        "{file}: the change could not be made exactly (it touched other settings); nothing was "
        "written: change it by hand"
    )
    TAKEN = "{file} already has a {kind} with the id {ids}"
    TWICE = "the {kind} id {ids} is given twice"
    UNKNOWN = "{file} has no {kind} with the id {id!r}"
    NO_SECRETS = (
        "passwords are never written to a site file; name the environment variable in "
        "credentials.password_env"
    )


class SiteEditError(Exception):
    """The change was refused; nothing was written. ``issues`` name file, line and field when
    the result would not load; ``str()`` says it all in words."""

    def __init__(self, message: str, issues: Sequence[ConfigIssue] = ()) -> None:
        self.message = message
        self.issues = list(issues)
        super().__init__("\n".join([message, *map(str, self.issues)]))


class StaleSiteError(SiteEditError):
    """The file on disk changed since it was read: reopen it and make the change again."""


@dataclass(frozen=True)
class SaveResult:
    path: Path
    backup: Path | None  # the file as it was before, None if there was none (or no change)
    site: SiteConfig  # the site as the app will read it (secrets not resolved)
    warnings: list[ConfigIssue] = field(default_factory=list)
    changed: bool = True


class SiteDocument:
    """A site file being edited; see the module's docstring."""

    def __init__(self, path: Path, raw: bytes, text: str, site: SiteConfig) -> None:
        self.path = path
        self._raw = raw  # the bytes read: the file must still hold them when it is saved
        self._bom = raw.startswith(b"\xef\xbb\xbf")
        self._saved_text = text
        self._text = text
        self._parsed: tuple[str, Node | None, Any] | None = None
        self.site = site  # as read or last saved

    @classmethod
    def open(cls, path: Path) -> SiteDocument:
        """Read and validate ``path`` (secrets not resolved); :class:`ConfigError` if it has problems."""
        path = Path(path)
        raw, text = read_site_file(path)
        try:
            root, data = yaml_nodes.parse(text)
        except yaml_nodes.YamlSyntaxError:
            parse_site_text(text, path)  # raises the ConfigError that names the line
            raise
        site, _ = site_from_nodes(root, data, path, resolve_secrets=False)
        document = cls(path, raw, text, site)
        document._parsed = (text, root, data)  # parsed once: edits start from it
        return document

    @property
    def text(self) -> str:
        """The file's text with the edits made so far."""
        return self._text

    @property
    def changed(self) -> bool:
        return self._text != self._saved_text

    # -- cameras and groups ----------------------------------------------------------------------
    def add_cameras(self, cameras: Iterable[Camera | Mapping[str, Any]]) -> None:
        self._add("cameras", "camera", list(cameras))

    def add_groups(self, groups: Iterable[Group | Mapping[str, Any]]) -> None:
        self._add("groups", "group", list(groups))

    def set_camera(self, camera_id: str, **fields: Any) -> None:
        """Each named field becomes exactly ``value`` (None: removed, the field takes its default)."""
        for name, value in fields.items():
            self.set(("cameras", camera_id, name), value)

    def update_camera(self, camera_id: str, changes: Mapping[str, Any]) -> None:
        """Merge ``changes`` into the camera: nested mappings merge, other values replace."""
        self.update(("cameras", camera_id), changes)

    def replace_camera(self, camera: Camera) -> None:
        """The camera with ``camera.id`` becomes ``camera`` (its unchanged lines stay as written)."""
        self.set(("cameras", camera.id), camera)

    def remove_camera(self, camera_id: str) -> None:
        """Remove the camera, and it from the speakers that serve it (its own speaker goes too)."""
        self._remove_item("cameras", "camera", camera_id)
        speakers = self._data_at(("speakers",))
        for index in reversed(range(len(speakers) if isinstance(speakers, list) else 0)):
            speaker = speakers[index]
            served = speaker.get("cameras") if isinstance(speaker, dict) else None
            if isinstance(speaker, dict) and speaker.get("camera") == camera_id:
                self._apply(lambda e, i=index: e.remove_item(("speakers",), i), ("speakers",), remove=index)
            elif isinstance(served, list) and camera_id in served:
                self.set(("speakers", index, "cameras"), [c for c in served if c != camera_id])

    def set_group(self, group_id: str, **fields: Any) -> None:
        for name, value in fields.items():
            self.set(("groups", group_id, name), value)

    def remove_group(self, group_id: str) -> None:
        self._remove_item("groups", "group", group_id)

    def set_site_info(self, **fields: Any) -> None:
        """Fields of the ``site:`` section (name, shared_views, grid_code_digits, timezone)."""
        for name, value in fields.items():
            self.set(("site", name), value)

    # -- any path ----------------------------------------------------------------------------------
    def set(self, path: Sequence[str | int], value: Any) -> None:
        """The value at ``path`` becomes ``value``. ``path`` is keys and list indexes; after
        ``cameras`` or ``groups`` a text is an id: ``("cameras", "cam101", "ptz", "patrol")``."""
        at = self._resolve(path)
        self._apply(lambda editor: editor.set(at, self._convert(at, value)), at)

    def update(self, path: Sequence[str | int], changes: Mapping[str, Any]) -> None:
        """Merge ``changes`` into the mapping at ``path`` (nested mappings merge)."""
        for key, value in changes.items():
            at = (*path, key)
            current = self._data_at(self._resolve(at))
            if isinstance(value, Mapping) and not isinstance(value, BaseModel) and isinstance(current, dict):
                self.update(at, value)
            else:
                self.set(at, value)

    # -- saving ------------------------------------------------------------------------------------
    def save(self, path: Path | None = None) -> SaveResult:
        """Validate, back up, write atomically (see the module's docstring). ``path``: write there
        instead (relative clip and view paths are rebased; a file there is backed up first)."""
        target = self.path if path is None else Path(path)
        same = _same_file(target, self.path)
        if not same and target.absolute().parent != self.path.absolute().parent:
            self._rebase(target.absolute().parent)
        _, root, data = self._parse()
        try:
            site, warnings = site_from_nodes(root, data, target, resolve_secrets=False)
        except ConfigError as exc:
            raise SiteEditError(Text.INVALID.format(file=target), exc.issues) from None
        if same:
            self._check_unchanged()
            if not self.changed:
                return SaveResult(target, None, site, warnings, changed=False)
        real = target.resolve() if target.is_symlink() else target  # a link stays a link
        backup = backup_file(real) if real.exists() else None
        body = ("\ufeff" if self._bom else "") + self._text
        write_atomic(real, body)
        self.path, self._raw, self._saved_text, self.site = target, body.encode("utf-8"), self._text, site
        return SaveResult(target, backup, site, warnings)

    # -- inside ----------------------------------------------------------------------------------
    def _add(self, section: str, kind: str, items: list[Any]) -> None:
        if not items:
            return
        ids = [getattr(item, "id", None) if isinstance(item, BaseModel) else item.get("id") for item in items]
        current = self._data_at((section,))
        listed = current if isinstance(current, list) else []
        existing = {item.get("id") for item in listed if isinstance(item, dict)}
        taken = sorted({str(i) for i in ids if i in existing})
        if taken:
            raise SiteEditError(Text.TAKEN.format(file=self.path.name, kind=kind, ids=", ".join(taken)))
        twice = sorted({str(i) for i in ids if ids.count(i) > 1})
        if twice:
            raise SiteEditError(Text.TWICE.format(kind=kind, ids=", ".join(twice)))
        values = [self._convert((section, 0), item) for item in items]
        self._apply(lambda editor: editor.append((section,), values), (section,), append=True)

    def _remove_item(self, section: str, kind: str, item_id: str) -> None:
        index = self._index(section, kind, item_id)
        self._apply(lambda editor: editor.remove_item((section,), index), (section,), remove=index)

    def _index(self, section: str, kind: str, item_id: str) -> int:
        items = self._data_at((section,))
        for index, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and item.get("id") == item_id:
                return index
        raise SiteEditError(Text.UNKNOWN.format(file=self.path.name, kind=kind, id=item_id))

    def _resolve(self, path: Sequence[str | int]) -> tuple[str | int, ...]:
        out: list[str | int] = []
        for part in path:
            if len(out) == 1 and out[0] in ("cameras", "groups") and isinstance(part, str):
                out.append(self._index(str(out[0]), str(out[0])[:-1], part))
            else:
                out.append(part)
        return tuple(out)

    def _apply(
        self, edit: Any, path: tuple[str | int, ...], *, append: bool = False, remove: int | None = None
    ) -> None:
        """Run ``edit`` on an editor of the text; keep its result only if the data changed just at
        ``path`` and as the editor said."""
        _, root, data = self._parse()
        if root is None:
            raise SiteEditError(Text.UNEXPECTED.format(file=self.path.name))
        editor = Editor(self._text, root, data, order_of=self._order_of)
        try:
            done = edit(editor)
            text = editor.result()
        except SpliceError as exc:
            raise SiteEditError(Text.UNSAFE.format(file=self.path.name, why=exc)) from None
        if append:
            old = self._data_at(path)
            expected = _replaced(data, path, [*(old if isinstance(old, list) else []), *done])
        elif remove is not None:
            old = list(self._data_at(path))
            expected = _replaced(data, path, old[:remove] + old[remove + 1 :])
        else:
            expected = _replaced(data, path, done)
        try:
            root_after, data_after = yaml_nodes.parse(text)
        except yaml_nodes.YamlSyntaxError:
            raise SiteEditError(Text.UNEXPECTED.format(file=self.path.name)) from None
        if data_after != expected:
            raise SiteEditError(Text.UNEXPECTED.format(file=self.path.name))
        self._text, self._parsed = text, (text, root_after, data_after)

    def _parse(self) -> tuple[str, Node | None, Any]:
        if self._parsed is None or self._parsed[0] != self._text:
            root, data = yaml_nodes.parse(self._text)
            self._parsed = (self._text, root, data)
        return self._parsed

    def _data_at(self, path: Sequence[str | int]) -> Any:
        return data_at(self._parse()[2], path)

    def _model_at(self, path: Sequence[str | int]) -> type[BaseModel] | None:
        """The model whose mapping is written at ``path`` (None for plain data)."""
        model: type[BaseModel] | None = SiteConfig
        options: list[Any] = [SiteConfig]
        for depth, part in enumerate(path):
            if isinstance(part, int):
                options = [a for o in options for a in _options(_item_type(o))]
            else:
                owner = _pick(options, self._data_at(path[:depth]))
                if owner is None or part not in owner.model_fields:
                    return None
                options = _options(owner.model_fields[part].annotation)
        model = _pick(options, self._data_at(path))
        return model

    def _order_of(self, path: Sequence[str | int]) -> Sequence[str]:
        model = self._model_at(path)
        return list(model.model_fields) if model is not None else ()

    def _convert(self, path: Sequence[str | int], value: Any) -> Any:
        """``value`` as the editor takes it: models become :class:`Fields`, None a removal where
        the field's default is None, paths text relative to the site file's folder."""
        if value is None and path and isinstance(path[-1], str):
            owner = self._model_at(path[:-1])
            info = owner.model_fields.get(path[-1]) if owner is not None else None
            if info is not None and info.default is None:
                return REMOVE
        return _value(value, self.path.absolute().parent)

    def _check_unchanged(self) -> None:
        try:
            now = self.path.read_bytes()
        except FileNotFoundError:
            raise StaleSiteError(Text.GONE.format(file=self.path)) from None
        if now != self._raw:
            raise StaleSiteError(Text.STALE.format(file=self.path))

    def _rebase(self, folder: Path) -> None:
        """Relative clip and view paths keep pointing at the same files from ``folder``."""
        old = self.path.absolute().parent
        for at in RELATIVE_PATHS:
            where = self._data_at(at)
            if isinstance(where, str) and not Path(where).expanduser().is_absolute():
                self.set(at, _portable(old / where, folder))
        cameras = self._data_at(("cameras",))
        for index, camera in enumerate(cameras if isinstance(cameras, list) else []):
            source = camera.get("source") if isinstance(camera, dict) else None
            clip = source.get("path") if isinstance(source, dict) and source.get("kind") == "file" else None
            if isinstance(clip, str) and not Path(clip).expanduser().is_absolute():
                self.set(("cameras", index, "source", "path"), _portable(old / clip, folder))


# -- whole files -------------------------------------------------------------------------------------
def add_to_site(path: Path, cameras: Sequence[Camera] = (), groups: Sequence[Group] = ()) -> SaveResult:
    """Add ``groups`` and then ``cameras`` to the site file at ``path`` in one write.

    :class:`ConfigError` when the file has problems now (it is not touched), :class:`SiteEditError`
    when the additions do not fit (an id taken, the result invalid), OSError when it cannot be
    written (the file is then as it was).
    """
    document = SiteDocument.open(path)
    document.add_groups(groups)
    document.add_cameras(cameras)
    return document.save()


def create_site(site: SiteConfig, path: Path, *, backup: bool = True) -> SaveResult:
    """Write ``site`` as a new file (readable YAML, defaults left out), atomically; a file already
    at ``path`` is backed up first (unless ``backup`` is False: a generated file, e.g. the demo's)."""
    path = Path(path)
    text = render_site(site, path.absolute().parent)
    try:
        saved, warnings = parse_site_text(text, path, resolve_secrets=False)
    except ConfigError as exc:
        raise SiteEditError(Text.INVALID.format(file=path), exc.issues) from None
    kept = backup_file(path) if backup and path.exists() else None
    write_atomic(path, text)
    return SaveResult(path, kept, saved, warnings)


def render_site(site: SiteConfig, folder: Path) -> str:
    """The text of a new site file for ``site``; clip paths under ``folder`` are written relative."""
    data = {"version": site.version, **plain(_value(site, folder))}
    return Text.HEADER + block_yaml(data)


def backup_file(path: Path) -> Path:
    """Copy ``path`` to ``backups/<stem>.<time><suffix>`` beside it; keep the newest few."""
    folder = path.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    raw = path.read_bytes()
    now = time.time()
    while True:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now)) + f"-{int(now * 1000) % 1000:03d}"
        target = folder / f"{path.stem}.{stamp}{path.suffix}"
        if not target.exists():
            break
        now += 0.001
    write_atomic(target, raw, mode=path.stat().st_mode & 0o777)
    _prune(folder, path)
    return target


def backups_of(path: Path) -> list[Path]:
    """The backups of ``path``, oldest first."""
    pattern = re.compile(re.escape(path.stem) + r"\.\d{8}-\d{6}-\d{3}" + re.escape(path.suffix) + "$")
    folder = path.parent / BACKUP_FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if pattern.match(p.name))


def _prune(folder: Path, path: Path) -> None:
    for old in backups_of(path)[:-BACKUPS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()


# -- values ------------------------------------------------------------------------------------------
def _value(value: Any, folder: Path) -> Any:
    """Plain data (and :class:`Fields` for models) to write."""
    if isinstance(value, SecretStr):
        raise SiteEditError(Text.NO_SECRETS)
    if isinstance(value, BaseModel):
        return _fields(value, folder)
    if isinstance(value, Mapping):
        return {str(k): _value(v, folder) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_value(v, folder) for v in value]
    if isinstance(value, Path):
        return _portable(value, folder)
    if isinstance(value, Enum):
        return value.value
    return value


def _fields(model: BaseModel, folder: Path) -> Fields:
    values: dict[str, Any] = {}
    needed: set[str] = set()
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        default = info.get_default(call_default_factory=True)
        if value is None and default is None:
            continue  # absent: removed where the file has it
        values[name] = _value(value, folder)
        if default is PydanticUndefined or value != default:
            needed.add(name)
    fresh = needed | ({"kind"} if "kind" in values else set())  # `kind` reads better written
    return Fields(values, frozenset(needed), frozenset(fresh))


def _portable(path: Path, folder: Path) -> str:
    """Paths inside the site folder are written relative to it, so the folder can move."""
    if path.is_absolute() and path.is_relative_to(folder):
        return path.relative_to(folder).as_posix()
    return str(path)


def _replaced(data: Any, path: Sequence[str | int], value: Any) -> Any:
    """A copy of ``data`` where ``path`` holds ``value`` (:data:`REMOVE`: without it)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list) and isinstance(head, int):
        out = list(data)
        out[head] = _replaced(out[head], rest, value)
        return out
    out_map = dict(data) if isinstance(data, dict) else {}
    new = _replaced(out_map.get(str(head)), rest, value)
    if new is REMOVE:
        out_map.pop(str(head), None)
    else:
        out_map[str(head)] = new
    return out_map


def _same_file(a: Path, b: Path) -> bool:
    if a.absolute() == b.absolute():
        return True
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _options(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _options(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [o for arg in get_args(tp) for o in _options(arg)]
    return [] if tp is type(None) else [tp]


def _item_type(tp: Any) -> Any:
    args = get_args(tp) if get_origin(tp) in (tuple, list) else ()
    return args[0] if args else None


def _pick(options: list[Any], data: Any) -> type[BaseModel] | None:
    """The model among ``options`` that ``data`` is written for (by its ``kind`` if several)."""
    models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
    if len(models) > 1 and isinstance(data, dict):
        for model in models:
            kind = model.model_fields.get("kind")
            if kind is not None and kind.default == data.get("kind"):
                return model
    return models[0] if models else None
