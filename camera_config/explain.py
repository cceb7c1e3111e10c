"""Turn pydantic validation errors into plain problems at clean field paths.

Shared by the YAML loader and the CSV import: each maps a :class:`Problem` back to its own
coordinates (a YAML node, a CSV row and column). Messages never contain input values (a value
could be a password), so ``str(ValidationError)`` and ``error['input']`` are never used.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from camera_config.models import CAMERA_ID_PATTERN, ENV_NAME_PATTERN, TIMEZONE_PATTERN
from camera_config.rules import SiteRuleError

Loc = tuple[str | int, ...]


class Text:
    """Every message of this module, in one place for translation."""

    UNKNOWN_KEY = "unknown key {key!r}; allowed keys here: {allowed}"
    UNKNOWN_KEY_NO_HINT = "unknown key {key!r}"
    MISSING = "required field {field!r} is missing"
    MISSING_ITEM = "item {number} is missing"
    BAD_KIND = "unknown kind; valid kinds: {kinds}"
    NO_KIND = "missing 'kind'; valid kinds: {kinds}"
    NEED_MAPPING = "expected a mapping (key: value lines)"
    NEED_LIST = "expected a list (one '- item' per line, or [a, b])"
    ONE_OF = "{first}; or {second}"
    PATTERNS: ClassVar[dict[str, str]] = {
        CAMERA_ID_PATTERN: "must be 1-64 characters: letters A-Z a-z, digits, '_', '.', '-', "
        "starting with a letter or digit",
        ENV_NAME_PATTERN: "must be an environment variable name: letters A-Z, digits and '_', "
        "not starting with a digit (e.g. CITYWALL_CAM_001_PASSWORD)",
        r"^\d+$": "must contain digits only",
        TIMEZONE_PATTERN: "must be a time zone name such as Asia/Shanghai (IANA time zone database)",
    }


@dataclass(frozen=True)
class Problem:
    """A validation problem. ``at_parent``: point at the enclosing mapping (a missing field)."""

    loc: Loc
    message: str
    type: str
    at_parent: bool = False
    branch: bool = False  # one of several failed alternatives of a plain union


def explain(exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    problems: list[Problem] = []
    for error in exc.errors(include_input=False, include_url=False):
        problems.extend(_explain_one(error, root))
    return _merge_union_branches(problems)


def _explain_one(error: ErrorDetails, root: type[BaseModel]) -> list[Problem]:
    walk = _walk(root, error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, SiteRuleError):
        # Rule paths are relative to where the rule was raised (the site root, a credentials block).
        return [Problem(walk.loc + tuple(v.path), v.message, kind) for v in cause.violations]
    last = walk.loc[-1] if walk.loc else None
    if kind == "missing":
        if isinstance(last, int):
            return [Problem(walk.loc[:-1], Text.MISSING_ITEM.format(number=last + 1), kind, at_parent=True)]
        return [Problem(walk.loc, Text.MISSING.format(field=last), kind, at_parent=True)]
    if kind == "extra_forbidden":
        if walk.container is None:
            return [Problem(walk.loc, Text.UNKNOWN_KEY_NO_HINT.format(key=last), kind)]
        allowed = ", ".join(walk.container.model_fields)
        return [Problem(walk.loc, Text.UNKNOWN_KEY.format(key=last, allowed=allowed), kind)]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        kinds = ", ".join(_kinds(walk.options)) or "?"
        if kind == "union_tag_invalid":
            return [Problem((*walk.loc, "kind"), Text.BAD_KIND.format(kinds=kinds), kind)]
        return [Problem(walk.loc, Text.NO_KIND.format(kinds=kinds), kind)]
    return [Problem(walk.loc, _message(error), kind, branch=walk.branch)]


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in Text.PATTERNS:
        return Text.PATTERNS[str(ctx["pattern"])]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Text.NEED_MAPPING
    if kind in ("tuple_type", "list_type"):
        return Text.NEED_LIST
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _merge_union_branches(problems: list[Problem]) -> list[Problem]:
    """``int | Literal['auto']`` fails once per branch: say it once, as alternatives."""
    out: list[Problem] = []
    seen: dict[Loc, int] = {}
    for problem in problems:
        index = seen.get(problem.loc) if problem.branch else None
        if index is None:
            if problem.branch:
                seen[problem.loc] = len(out)
            out.append(problem)
        else:
            first = out[index]
            out[index] = Problem(
                first.loc,
                Text.ONE_OF.format(first=first.message, second=problem.message),
                first.type,
                branch=True,
            )
    return out


@dataclass(frozen=True)
class _Walked:
    loc: Loc  # loc without union tags and branch labels
    container: type[BaseModel] | None  # model that holds the last part
    options: list[Any]  # possible types of the value at loc
    branch: bool  # the last raw part was a smart-union branch label


def _walk(root: type[BaseModel], raw: tuple[str | int, ...]) -> _Walked:
    """Follow ``raw`` through the model types, dropping parts pydantic inserts for unions."""
    options: list[Any] = [root]
    clean: list[str | int] = []
    container: type[BaseModel] | None = None
    branch = False
    for part in raw:
        branch = False
        models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
        if isinstance(part, str):
            tagged = [m for m in models if _kind_of(m) == part] if len(models) > 1 else []
            owner = next((m for m in models if part in m.model_fields), None)
            mappings = [o for o in options if get_origin(o) is dict and len(get_args(o)) == 2]
            if tagged:
                options = tagged
            elif owner is not None:
                container = owner
                clean.append(part)
                options = _options(owner.model_fields[part].annotation)
            elif mappings:  # a key of a dict[str, Model] (e.g. a zone id): its value is that model
                container = None
                clean.append(part)
                options = _options(get_args(mappings[0])[1])
            elif len(options) > 1:
                branch = True  # e.g. 'int' or "literal['auto']" under int | Literal['auto']
            else:
                container = models[0] if len(models) == 1 else None
                clean.append(part)
                options = []
        else:
            container = None
            clean.append(part)
            options = _options(_item_type([o for o in options if get_origin(o) in (tuple, list)], part))
    return _Walked(tuple(clean), container, options, branch)


def _options(tp: Any) -> list[Any]:
    """The concrete alternatives of a type: Annotated stripped, unions flattened, None dropped."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _options(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [o for arg in get_args(tp) for o in _options(arg)]
    return [] if tp is type(None) else [tp]


def _item_type(sequences: list[Any], index: int) -> Any:
    if not sequences:
        return Any
    args = get_args(sequences[0])
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    return args[index] if 0 <= index < len(args) else Any


def _kind_of(model: type[BaseModel]) -> str | None:
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return None
    return str(get_args(field.annotation)[0])


def _kinds(options: list[Any]) -> list[str]:
    models = [o for o in options if isinstance(o, type) and issubclass(o, BaseModel)]
    return [k for k in (_kind_of(m) for m in models) if k is not None]
