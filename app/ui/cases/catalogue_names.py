"""The site's catalogue and dispatch table as the case screens name them (:class:`CaseNames`), in
the interface's language: Chinese names, or the English ones where the file gives them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.case_catalogue import CaseKind, Catalogue, Name, Routing


class CatalogueNames:
    def __init__(
        self, catalogue: Callable[[], Catalogue], routing: Callable[[], Routing], language: Callable[[], str]
    ) -> None:
        self._catalogue, self._routing, self._language = catalogue, routing, language

    def _say(self, name: Name) -> str:
        return name.en if self._language() == "en" and name.en else name.zh

    def category_name(self, code: str) -> str:
        catalogue = self._catalogue()
        for kind in (CaseKind.EVENT, CaseKind.COMPONENT):  # a code in both: the event's name
            category = catalogue.find(code, kind)
            if category is not None:
                return self._say(category.name)
        found = next((c for c in catalogue.classes() if c.code == code), None)
        return self._say(found.name) if found is not None else ""

    def category_classes(self) -> Sequence[tuple[str, str]]:
        seen: dict[str, str] = {}
        for item in self._catalogue().classes():
            seen.setdefault(item.code, self._say(item.name))
        return sorted(seen.items())

    def category_choices(self) -> Sequence[tuple[str, str]]:
        seen: dict[str, str] = {}
        for category in self._catalogue().categories():
            seen.setdefault(category.code, self._say(category.name))
        return sorted(seen.items())

    def department_name(self, department_id: str) -> str:
        department = self._routing().department(department_id)
        return self._say(department.name) if department is not None else ""

    def department_choices(self) -> Sequence[tuple[str, str]]:
        return [(d.id, self._say(d.name)) for d in self._routing().departments]
