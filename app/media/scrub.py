"""Remove secrets from text that may reach logs or screens (FFmpeg errors quote the URL)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from camera_config.masking import mask_url


def scrub(text: str, secrets: Iterable[str], url: str | None = None) -> str:
    hidden = [s for s in secrets if s]
    if url:
        password = urlsplit(url).password
        if password:
            hidden.append(password)
    for secret in sorted(set(hidden), key=len, reverse=True):
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, "***")
    return mask_url(text)
