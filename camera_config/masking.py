"""Password masking for URLs; dependency-free so decoder workers can use it cheaply."""

from __future__ import annotations

import re

_USERINFO = re.compile(r"(?<=://)([^:/@\s]*):([^@\s]*)@")


def mask_url(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@`` replaced by ***."""
    return _USERINFO.sub(r"\1:***@", text)
