"""Finding a camera as an operator types: by name, id, grid code, pinyin or pinyin initials.

"jfl" finds 解放路…, "jiefang" too, as do "解放", "cam-03" and a part of the grid code. The names of
the areas a camera is in (its group, and the groups that group lies in) are keys of the camera too:
a district's or street's name lists every camera in it. Each word typed must be found in one of the
camera's keys (case-insensitive). The keys are worked out once
per camera list (:func:`search_keys`): pinyin of 100+ names takes some milliseconds, a match on
the ready keys only a substring test, so typing stays instant on a full site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

OTHER = "\x00"  # marks text that is not Chinese in what pypinyin gives back
SEPARATOR = "\n"  # between keys: never typed into a search field, so no word matches across two keys


def _is_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def pinyin_keys(name: str) -> tuple[str, str]:
    """The full pinyin (``jiefanglu``) and the initials (``jfl``) of ``name``, lower case; letters
    and digits that are not Chinese stay as they are (``3号杆`` → ``3haogan``, ``3hg``)."""
    full: list[str] = []
    initials: list[str] = []
    # A Chinese character gives one syllable; a run of other text comes back whole, marked.
    for piece in lazy_pinyin(name, style=Style.NORMAL, errors=lambda text: OTHER + text):
        if piece.startswith(OTHER):
            other = "".join(piece[1:].casefold().split())
            full.append(other)
            initials.append(other)
        elif piece:
            full.append(piece.casefold())
            initials.append(piece[0].casefold())
    return "".join(full), "".join(initials)


def search_keys(*texts: str | None) -> str:
    """Every key of a camera (its name, id, grid code…) with the pinyin of those in Chinese, as
    one string to match against (see :func:`matches`)."""
    keys: list[str] = []
    for text in texts:
        if not text:
            continue
        keys.append(text.casefold())
        if _is_han(text):
            keys.extend(pinyin_keys(text))
    return SEPARATOR.join(keys)


def query_words(text: str) -> list[str]:
    return text.casefold().split()


def matches(keys: str, words: list[str]) -> bool:
    """Does every word typed appear in one of ``keys`` (as made by :func:`search_keys`)?"""
    return all(word in keys for word in words)


def area_names(groups: Iterable[tuple[str, str, str | None]]) -> dict[str, tuple[str, ...]]:
    """``groups`` as (id, name, parent id): each group's name with the names of the groups it lies
    in, outermost first (a street in a district: the district's name, then the street's)."""
    known = {group_id: (name, parent) for group_id, name, parent in groups}
    out: dict[str, tuple[str, ...]] = {}
    for group_id in known:
        names: list[str] = []
        current: str | None = group_id
        while current in known and len(names) < len(known):  # (a loop in the parents stops here)
            name, current = known[current]
            names.append(name)
        out[group_id] = tuple(reversed(names))
    return out


@dataclass(frozen=True)
class SearchEntry:
    camera_id: str
    keys: str


class CameraIndex:
    """The search keys of a site's cameras, worked out once; :meth:`find` keeps the site's order."""

    def __init__(
        self, cameras: Iterable[tuple[str, str, str | None]], areas: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        """``cameras``: (id, name, grid code) of each camera, in the order to list them; ``areas``:
        the names of the areas each camera (by id) is in (see :func:`area_names`)."""
        areas = areas or {}
        self.entries = [
            SearchEntry(cid, search_keys(name, cid, grid, *areas.get(cid, ()))) for cid, name, grid in cameras
        ]

    def find(self, text: str) -> list[str]:
        words = query_words(text)
        return [entry.camera_id for entry in self.entries if matches(entry.keys, words)]
