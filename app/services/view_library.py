"""All layouts and views an operator can pick: built-in, their own, and the site's shared ones."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from app.adapters.view_store import ViewFile
from app.core.wall_layout import WallLayout, WallView, builtin_layouts, grid_for_count

ALL_CAMERAS = "__all__"  # the built-in view with every camera in site order (its name is translated)


class ViewLibrary:
    """Every edit goes to its file at once and the library then shows the file as it is on disk,
    so views and layouts other workstations saved in the shared file meanwhile appear too."""

    def __init__(self, cameras: list[str], user: ViewFile, shared: ViewFile | None = None) -> None:
        self._cameras = list(cameras)
        self._user, self._shared = user, shared
        self._builtin = builtin_layouts()
        self.problems: list[str] = []
        self._layouts: dict[bool, list[WallLayout]] = {False: [], True: []}
        self._views: dict[bool, list[WallView]] = {False: [], True: []}
        for file in (user, shared):
            if file is None:
                continue
            stored = file.load()
            self._layouts[file.shared] = stored.layouts
            self._views[file.shared] = stored.views
            self.problems += stored.problems

    def layouts(self) -> dict[str, WallLayout]:
        merged = dict(self._builtin)
        for layout in self._layouts[True] + self._layouts[False]:
            merged[layout.name] = layout
        return merged

    def layout(self, name: str) -> WallLayout:
        return self.layouts().get(name) or grid_for_count(len(self._cameras))

    def is_builtin_layout(self, name: str) -> bool:
        return name in self._builtin

    def all_cameras_view(self) -> WallView:
        return WallView(ALL_CAMERAS, grid_for_count(len(self._cameras)).name, tuple(self._cameras))

    def views(self) -> list[WallView]:
        return [self.all_cameras_view(), *self._views[True], *self._views[False]]

    def view(self, name: str) -> WallView | None:
        return next((v for v in self.views() if v.name == name), None)

    def save_view(self, view: WallView, shared: bool = False) -> WallView:
        """Save ``view`` in the personal (or shared) file. Raises ValueError (StoreConflict when a
        colleague changed the same view since it was read here) or OSError; nothing saved then."""
        if view.name == ALL_CAMERAS or not view.name.strip():
            raise ValueError("choose a name for the view")
        view = replace(view, shared=shared)
        self._change(shared, views=[view])
        return view

    def delete_view(self, name: str, shared: bool = False) -> None:
        self._change(shared, drop_views=[name])

    def save_layout(self, layout: WallLayout, shared: bool = False) -> None:
        layout.validate()
        if layout.name in self._builtin:
            raise ValueError(f"{layout.name!r} is a built-in layout; choose another name")
        self._change(shared, layouts=[layout])

    def delete_layout(self, name: str, shared: bool = False) -> None:
        """Remove a custom layout from the personal (or shared) file; built-ins cannot be deleted."""
        if name in self._builtin:
            raise ValueError(f"{name!r} is a built-in layout and cannot be deleted")
        if all(lay.name != name for lay in self._layouts[shared]):
            raise ValueError(f"there is no {'shared' if shared else 'personal'} layout named {name!r}")
        self._change(shared, drop_layouts=[name])

    def _change(
        self,
        shared: bool,
        *,
        layouts: Iterable[WallLayout] = (),
        views: Iterable[WallView] = (),
        drop_layouts: Iterable[str] = (),
        drop_views: Iterable[str] = (),
    ) -> None:
        file = self._shared if shared else self._user
        if file is None:
            raise ValueError("this site has no folder for shared views (site.shared_views_dir)")
        try:
            file.change(layouts, views, drop_layouts=drop_layouts, drop_views=drop_views)
        finally:  # a refused save shows what the other workstation saved
            stored = file.stored()
            self._layouts[shared], self._views[shared] = stored.layouts, stored.views
