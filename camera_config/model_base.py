"""What every configuration model shares: the immutable base model, name and text limits, and
reading a secret from the environment. The site file's models (:mod:`camera_config.models`) and
the case files' (:mod:`camera_config.case_files`) build on it."""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationInfo

from camera_config.rules import RuleViolation, SiteRuleError

CAMERA_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
TIMEZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$"
SITE_NAME_MAX = 64  # the title bar, snapshots' captions and the site's data folder are named after it
NAME_MAX = 120  # cameras, groups, zones: what fits a tile's caption and a list
TEXT_MAX = 2048  # any other text (a URL): longer is a pasted mistake, not a setting


class Model(BaseModel):
    """Base for every config model: immutable, unknown keys are errors, no text is absurdly long."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, str_max_length=TEXT_MAX)


def has_userinfo(url: str) -> bool:
    """``user:pass@`` even when the password holds '#', '?' or '/', which defeat urlsplit."""
    rest = url.partition("://")[2]
    if "@" not in rest:
        return False
    head = rest[: rest.rfind("@")]
    return "/" not in head or not re.match(r"^[^/:]*(:\d+)?/", head)


def password_from_env(
    password_env: str | None, info: ValidationInfo, what: str, *, field: str = "password_env"
) -> SecretStr | None:
    """The password held by the environment variable ``password_env`` (the loader's environment,
    in the validation context); None when none is named or no environment is given. ``field``:
    the key that names the variable, where a missing one is reported."""
    env = (info.context or {}).get("env") if info.context is not None else None
    if password_env is None or env is None:
        return None
    value = env.get(password_env)
    if value is None:
        # A rule violation, so that the loader points at `password_env`, not the whole block.
        raise SiteRuleError(
            [RuleViolation((field,), f"environment variable {password_env} is not set; it must hold {what}")]
        )
    return SecretStr(value)


CREDENTIALS_HINT = "put them under `credentials:` (username plus password_env naming an environment variable)"


def check_url(value: str, schemes: tuple[str, ...], secret_hint: str = CREDENTIALS_HINT) -> str:
    """A URL of one of ``schemes`` with a host and a sane port, and no secret in it: ``secret_hint``
    says where the secret goes instead."""
    parts = urlsplit(value)
    if parts.scheme.lower() not in schemes:
        raise ValueError(f"URL scheme must be one of {', '.join(schemes)}, got {parts.scheme or 'none'!r}")
    if parts.username or parts.password or has_userinfo(value):
        # Site files are shared and versioned: a password in a URL would leak everywhere.
        raise ValueError(f"URL must not carry a user name or password; {secret_hint}")
    if not parts.hostname:
        raise ValueError("URL has no host")
    try:
        _ = parts.port
    except ValueError:
        # Not the parser's text: it quotes the port part, which may be a fragment of a password.
        raise ValueError("URL has an invalid port; it must be a number from 1 to 65535") from None
    return value


_CLOCK_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def clock_minutes(value: str, *, end: bool) -> int:
    """Minutes after midnight of "HH:MM" (an end may say 24:00); ValueError says what is wrong."""
    m = _CLOCK_TIME.match(value)
    hours, minutes = (int(m[1]), int(m[2])) if m else (-1, -1)
    if not m or hours > 24 or minutes > 59 or (hours == 24 and (minutes or not end)):
        allowed = "00:00 to 23:59, or 24:00 for an end" if end else "00:00 to 23:59"
        raise ValueError(f"time must be written HH:MM ({allowed}), e.g. '08:30'; got {value[:20]!r}")
    return hours * 60 + minutes


def unknown_message(kind: str, value: str, known: Collection[str]) -> str:
    """What to say of a reference to nothing: the unknown id, close ones, and some known ones."""
    close = sorted(k for k in known if k.lower().startswith(value[:2].lower()))[:5]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    choices = f" Known {kind}s: {', '.join(sorted(known)[:10])}" if known else f" No {kind}s are defined."
    return f"unknown {kind} {value!r}{hint}.{choices}"
