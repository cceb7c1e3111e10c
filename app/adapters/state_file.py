"""Plain values (frozen dataclasses, enums, tuples, arrays) in a file that is safe to read.

The file is a NumPy ``.npz`` archive read with ``allow_pickle=False``: a member ``tree`` holds the
value as JSON (zlib-compressed), and every byte string or array in it is a member of its own,
referred to by name. Only the dataclasses and enums the reader names can come out of a file, each
made through its constructor, and the simple fields (numbers, strings, bytes) are checked against
their annotations: a damaged or tampered file gives :class:`StateFileError`, never runs code.

Tags in the JSON tree: a JSON array is a tuple; ``{"l": [...]}`` a list, ``{"s": [...]}`` a
frozenset, ``{"m": [[key, value], ...]}`` a dict, ``{"b": name}`` bytes, ``{"a": name}`` an
array, ``{"e": type, "v": value}`` an enum member, ``{"c": type, "f": {field: value}}`` a
dataclass. Numbers, strings, booleans and null are themselves (infinities as JSON's extension).
"""

from __future__ import annotations

import dataclasses
import enum
import io
import json
import types
import typing
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

TREE = "tree"
MAGIC = "citywall-state"


class StateFileError(ValueError):
    """The data is not a state file this reader can use (damaged, tampered, or of unknown types)."""


def dumps(value: object, kinds: Iterable[type], meta: Mapping[str, Any] | None = None) -> bytes:
    """``value`` (made of ``kinds``, plain values and arrays) and ``meta`` (JSON) as file bytes.
    Raises :class:`StateFileError` naming a type that is not among ``kinds``."""
    known = _by_name(kinds)
    arrays: dict[str, np.ndarray] = {}
    tree = {"magic": MAGIC, "meta": dict(meta or {}), "value": _encode(value, known, arrays)}
    text = json.dumps(tree, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    arrays[TREE] = np.frombuffer(zlib.compress(text, 6), np.uint8)
    out = io.BytesIO()
    np.savez(out, allow_pickle=False, **arrays)
    return out.getvalue()


def loads(data: bytes, kinds: Iterable[type]) -> tuple[dict[str, Any], object]:
    """The ``(meta, value)`` in file bytes made by :func:`dumps`."""
    known = _by_name(kinds)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            members = {name: archive[name] for name in archive.files}
    except Exception as exc:  # (NumPy's header parser alone raises half a dozen kinds)
        raise StateFileError(f"not a readable archive: {type(exc).__name__}: {exc}") from None
    try:
        tree = json.loads(zlib.decompress(_bytes(members.pop(TREE))).decode("utf-8"))
    except KeyError:
        raise StateFileError("no tree in the archive") from None
    except (zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise StateFileError(f"the tree is damaged: {exc}") from None
    if not isinstance(tree, dict) or tree.get("magic") != MAGIC or not isinstance(tree.get("meta"), dict):
        raise StateFileError("not a CityWall state file")
    try:
        value = _decode(tree.get("value"), known, members)
    except StateFileError:
        raise
    except Exception as exc:  # a constructor refused what a tampered file gave it
        raise StateFileError(f"invalid value: {type(exc).__name__}: {exc}") from None
    return tree["meta"], value


# --- encoding -------------------------------------------------------------------------------------
def _by_name(kinds: Iterable[type]) -> dict[str, type]:
    known: dict[str, type] = {}
    for kind in kinds:
        if kind.__qualname__ in known and known[kind.__qualname__] is not kind:
            raise ValueError(f"two state types named {kind.__qualname__}")
        known[kind.__qualname__] = kind
    return known


def _encode(value: object, known: dict[str, type], arrays: dict[str, np.ndarray]) -> object:
    if isinstance(value, enum.Enum):  # (first: a StrEnum is a str too)
        return {"e": _name(type(value), known), "v": _encode(value.value, known, arrays)}
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, np.generic):
        return _encode(value.item(), known, arrays)
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b": _member(np.frombuffer(bytes(value), np.uint8), arrays)}
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            raise StateFileError("an array of Python objects cannot be kept")
        return {"a": _member(value, arrays)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name), known, arrays) for f in dataclasses.fields(value)}
        return {"c": _name(type(value), known), "f": fields}
    if isinstance(value, tuple):
        return [_encode(v, known, arrays) for v in value]
    if isinstance(value, list):
        return {"l": [_encode(v, known, arrays) for v in value]}
    if isinstance(value, frozenset | set):
        return {"s": [_encode(v, known, arrays) for v in value]}
    if isinstance(value, Mapping):
        return {"m": [[_encode(k, known, arrays), _encode(v, known, arrays)] for k, v in value.items()]}
    raise StateFileError(f"a {type(value).__qualname__} cannot be kept (not a state type)")


def _name(kind: type, known: dict[str, type]) -> str:
    if known.get(kind.__qualname__) is not kind:
        raise StateFileError(f"a {kind.__qualname__} cannot be kept (not a state type)")
    return kind.__qualname__


def _member(array: np.ndarray, arrays: dict[str, np.ndarray]) -> str:
    name = f"a{len(arrays)}"
    arrays[name] = array
    return name


# --- decoding -------------------------------------------------------------------------------------
def _decode(node: object, known: dict[str, type], members: dict[str, np.ndarray]) -> object:
    if node is None or isinstance(node, bool | int | float | str):
        return node
    if isinstance(node, list):
        return tuple(_decode(v, known, members) for v in node)
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise StateFileError(f"unknown node {str(node)[:60]!r}")
    if "c" in node:
        kind = _kind(node["c"], known)
        raw = node.get("f")
        if not dataclasses.is_dataclass(kind) or not isinstance(raw, dict):
            raise StateFileError(f"{node['c']} is not a dataclass")
        fields = {str(k): _decode(v, known, members) for k, v in raw.items()}
        _check_fields(kind, fields)
        return kind(**fields)
    if "e" in node:
        kind = _kind(node["e"], known)
        if not issubclass(kind, enum.Enum):
            raise StateFileError(f"{node['e']} is not an enum")
        return kind(_decode(node.get("v"), known, members))
    ((tag, inner),) = node.items()
    if tag == "l" and isinstance(inner, list):
        return [_decode(v, known, members) for v in inner]
    if tag == "s" and isinstance(inner, list):
        return frozenset(_decode(v, known, members) for v in inner)
    if tag == "m" and isinstance(inner, list):
        out: dict[object, object] = {}
        for pair in (_decode(p, known, members) for p in inner):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise StateFileError("a damaged mapping")
            out[pair[0]] = pair[1]
        return out
    if tag in ("a", "b") and isinstance(inner, str):
        if inner not in members:
            raise StateFileError(f"member {inner!r} is missing")
        array = members[inner]
        return _bytes(array) if tag == "b" else array
    raise StateFileError(f"unknown tag {tag!r}")


def _kind(name: object, known: dict[str, type]) -> type:
    kind = known.get(name) if isinstance(name, str) else None
    if kind is None:
        raise StateFileError(f"type {str(name)[:60]!r} is not one this reader makes")
    return kind


def _bytes(array: np.ndarray) -> bytes:
    if array.dtype != np.uint8 or array.ndim != 1:
        raise StateFileError("a byte string member is not bytes")
    return array.tobytes()


SIMPLE: dict[object, tuple[type, ...]] = {
    float: (int, float),
    int: (int,),
    str: (str,),
    bytes: (bytes,),
    bool: (bool,),
}
_hints: dict[type, dict[str, tuple[type, ...]]] = {}


def _check_fields(kind: type, fields: dict[str, object]) -> None:
    """The simple fields (numbers, strings, bytes, optionally None) must hold what they say."""
    checks = _hints.get(kind)
    if checks is None:
        checks = _hints[kind] = _simple_hints(kind)
    for name, value in fields.items():
        allowed = checks.get(name)
        if allowed is not None and not isinstance(value, allowed):
            raise StateFileError(f"{kind.__qualname__}.{name}: a {type(value).__qualname__} is not allowed")
        if allowed is not None and isinstance(value, bool) and bool not in allowed:
            raise StateFileError(f"{kind.__qualname__}.{name}: a bool is not allowed")


def _simple_hints(kind: type) -> dict[str, tuple[type, ...]]:
    try:
        hints = typing.get_type_hints(kind)
    except Exception:  # an annotation that cannot be resolved here: the constructor alone checks
        return {}
    out: dict[str, tuple[type, ...]] = {}
    for name, hint in hints.items():
        args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if all(a in SIMPLE or a is type(None) for a in args):
            out[name] = tuple(t for a in args for t in (SIMPLE.get(a, (type(None),))))
    return out
