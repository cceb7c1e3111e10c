"""Edit YAML text in place: change one value, add or remove one entry, leave every other byte.

Re-emitting a whole YAML document (PyYAML, or ruamel.yaml's round trip) rewrites lines nobody
asked to change: it re-indents, re-spaces ``[a,  b]``, wraps long lines and moves comments. Here an
edit is "at this path the value becomes V": the node's marks say where it is written, and only
that text is replaced. Comments belong to entries by where people put them:

* a comment at the end of a line stays with that line;
* full-line comments just above an entry (no blank line between) at its indentation or less belong
  to it: they go when it is removed, and nothing is inserted between them and it;
* full-line comments just below an entry, indented deeper than it, belong to it as well;
* everything else (a heading after a blank line) stays where it is.

A value that cannot be changed in place (a scalar becoming a list, a flow list of mappings) is
written afresh at its key: comments inside that one value are then lost, none outside it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from camera_config.yaml_render import block, detect_style, flow

Path = tuple[str | int, ...]
REMOVE: Any = object()  # the value that removes a key


class Text:
    """Every message of this module, in one place for translation."""

    ALIAS = "line {line}: this value is shared through a YAML alias (*name); change it by hand"
    MERGE = "line {line}: this mapping uses a YAML merge key (<<); change it by hand"
    LAYOUT = "line {line}: unusual layout here; change it by hand"


class SpliceError(Exception):
    """This part of the file cannot be changed automatically; the message says where and why."""


class _Rewrite(Exception):
    """The value cannot be changed in place: write it afresh at its key."""


@dataclass(frozen=True)
class Fields:
    """A mapping made from a model. ``values``: every key it may hold, in field order. ``needed``:
    keys added where the file lacks them (the others are at their default: updated where the file
    has them, not added). ``fresh``: the keys of a block written anew."""

    values: Mapping[str, Any]
    needed: frozenset[str]
    fresh: frozenset[str]


def data_at(data: Any, path: Sequence[str | int]) -> Any:
    """What parsed YAML holds at ``path`` (mapping keys and list indexes); None where nothing is."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def plain(value: Any) -> Any:
    """The data that ``value``, written afresh, reads back as."""
    if isinstance(value, Fields):
        return {k: plain(v) for k, v in value.values.items() if k in value.fresh}
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class _Span:
    """Where an entry (a mapping key and its value, or a list item) is written."""

    start: int  # index of the key, or of the item's dash
    first: int  # its first line (0-based)
    last: int  # its last line of content
    column: int  # of the key or the dash
    inner: int  # comment lines at or left of this column belong to the next entry


class Editor:
    """Edits of one text; :meth:`result` is the text with all of them. The edits of one editor
    must touch separate entries (the site writer makes one editor per operation)."""

    def __init__(
        self, text: str, root: Node, data: Any, order_of: Callable[[Path], Sequence[str]] = lambda _: ()
    ) -> None:
        if not isinstance(root, MappingNode) or root.flow_style or not root.value:
            raise SpliceError(Text.LAYOUT.format(line=1))
        self.text = text
        self.root = root
        self.data = data
        self.order_of = order_of  # the keys of the mapping at a path, in the order they are written
        self._lines = text.split("\n")
        self._starts = [0]
        for line in self._lines[:-1]:
            self._starts.append(self._starts[-1] + len(line) + 1)
        self.style = detect_style(root, "\r\n" if "\r\n" in text else "\n")
        self._splices: list[tuple[int, int, int, str]] = []

    # -- public edits ----------------------------------------------------------------------------
    def set(self, path: Path, value: Any) -> Any:
        """``path`` (keys and list indexes) gets ``value`` (plain data, :class:`Fields` or
        :data:`REMOVE`); a missing key is inserted after the keys that precede it (``order_of``).
        Returns the data the edited part reads back as (:data:`REMOVE` when removed)."""
        mark = len(self._splices)
        try:
            return self._set(path, value)
        except (_Rewrite, KeyError, IndexError):
            del self._splices[mark:]
        if len(path) < 2:
            raise SpliceError(Text.LAYOUT.format(line=1))
        parent = _with(self._data_at(path[:-1]), path[-1], value)  # change the parent instead
        done = self.set(path[:-1], parent)
        key = path[-1]
        return done.get(key, REMOVE) if isinstance(done, dict) and isinstance(key, str) else done[key]

    def append(self, path: Path, items: Sequence[Any]) -> list[Any]:
        """Append ``items`` to the list at ``path``; what they read back as."""
        mark = len(self._splices)
        try:
            node, _, _ = self._walk(path)
            if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
                raise _Rewrite
            last = self._items(node)[-1][1]
            text = "".join(self._item_lines(v, last.column, last.inner) for v in items)
            self._insert_at_line(self._trailing(last, len(self._lines) - 1) + 1, text)
            return [plain(item) for item in items]
        except (_Rewrite, KeyError):
            del self._splices[mark:]
        old = self._data_at(path)
        done = self.set(path, [*(old if isinstance(old, list) else []), *items])
        return list(done[-len(items) :]) if items else []

    def remove_item(self, path: Path, index: int) -> None:
        """Remove item ``index`` of the list at ``path``, with its comments."""
        mark = len(self._splices)
        try:
            node, _, floor = self._walk(path)
            if not isinstance(node, SequenceNode) or node.flow_style or len(node.value) < 2:
                raise _Rewrite
            items = self._items(node)
            self._remove([span for _, span in items], index, floor)
            return
        except _Rewrite:
            del self._splices[mark:]
        old = list(self._data_at(path))
        self.set(path, old[:index] + old[index + 1 :])

    def result(self) -> str:
        text = self.text
        ordered = sorted(self._splices, key=lambda s: (s[0], s[1], s[2]), reverse=True)
        previous_start = len(text) + 1
        for start, end, _, replacement in ordered:
            if end > previous_start:
                raise SpliceError(Text.LAYOUT.format(line=self._line_of(start) + 1))  # overlapping edits
            text = text[:start] + replacement + text[end:]
            previous_start = start
        return text

    # -- walking ---------------------------------------------------------------------------------
    def _set(self, path: Path, value: Any) -> Any:
        parent, parent_data, floor = self._walk(path[:-1])
        key = path[-1]
        if isinstance(key, int):
            if not isinstance(parent, SequenceNode) or parent.flow_style:
                raise _Rewrite
            node, span = self._items(parent)[key]
            return self._update(node, parent_data[key], value, span, None)
        if not isinstance(parent, MappingNode) or parent.flow_style:
            raise _Rewrite
        entries = self._entries(parent)
        names = [name for name, *_ in entries]
        if "<<" in names:
            raise SpliceError(Text.MERGE.format(line=parent.start_mark.line + 1))
        if key in names:
            index = names.index(key)
            _, node, span = entries[index]
            if value is REMOVE:
                if len(entries) == 1:
                    raise _Rewrite
                self._remove([e[2] for e in entries], index, floor)
                return REMOVE
            return self._update(node, parent_data[key], value, span, key)
        if value is not REMOVE:
            self._insert_entry(entries, key, value, self.order_of(path[:-1]), floor)
        return plain(value) if value is not REMOVE else REMOVE

    def _data_at(self, path: Path) -> Any:
        return data_at(self.data, path)

    def _walk(self, path: Path) -> tuple[Node, Any, int]:
        """The node and data at ``path`` and the first line its entries may own."""
        node: Node = self.root
        data = self.data
        floor = 0
        for part in path:
            if isinstance(part, int) and isinstance(node, SequenceNode) and not node.flow_style:
                item, span = self._items(node)[part]
                node, data = item, data[part]
                floor = span.first if item.start_mark.line == span.first else span.first + 1
            elif isinstance(part, str) and isinstance(node, MappingNode) and not node.flow_style:
                found = [(k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == part]
                if not found:
                    raise KeyError(part)
                key, value = found[-1]
                if value.start_mark.index < key.end_mark.index:
                    raise SpliceError(Text.ALIAS.format(line=key.start_mark.line + 1))
                node, data = value, data[part]
                floor = key.start_mark.line + (0 if value.start_mark.line == key.start_mark.line else 1)
            else:
                raise _Rewrite
        return node, data, floor

    def _entries(self, node: MappingNode) -> list[tuple[str, Node, _Span]]:
        out: list[tuple[str, Node, _Span]] = []
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                raise SpliceError(Text.LAYOUT.format(line=key.start_mark.line + 1))
            name = "<<" if key.tag == "tag:yaml.org,2002:merge" else str(key.value)
            alias = value.start_mark.index < key.end_mark.index
            end = key.end_mark.index if alias else max(self._end(value), key.end_mark.index)
            column = key.start_mark.column
            span = _Span(key.start_mark.index, key.start_mark.line, self._line_of(end - 1), column, column)
            out.append((name, value, span))
        return out

    def _items(self, node: SequenceNode) -> list[tuple[Node, _Span]]:
        out: list[tuple[Node, _Span]] = []
        previous_end = node.start_mark.index
        for item in node.value:
            if item.start_mark.index < previous_end:
                raise SpliceError(Text.ALIAS.format(line=self._line_of(previous_end) + 1))
            dash = self._dash_before(item.start_mark.index)
            end = self._end(item)
            line = self._line_of(dash)
            column = dash - self._starts[line]
            inner = item.start_mark.column if item.start_mark.line == line else column + self.style.step
            out.append((item, _Span(dash, line, self._line_of(end - 1), column, inner)))
            previous_end = end
        return out

    def _end(self, node: Node) -> int:
        """The index just after ``node``'s last character."""
        while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
            if isinstance(node, MappingNode):
                key, value = node.value[-1]
                if value.start_mark.index < key.end_mark.index:  # an alias: on the key's line
                    return int(key.end_mark.index)
                node = value
            else:
                last = node.value[-1]
                if last.start_mark.index < node.start_mark.index:
                    raise SpliceError(Text.ALIAS.format(line=node.start_mark.line + 1))
                node = last
        return int(node.end_mark.index)

    def _dash_before(self, index: int) -> int:
        i = index - 1
        while i >= 0 and self.text[i] in " \t\r\n":
            i -= 1
        if i < 0 or self.text[i] != "-":
            raise SpliceError(Text.LAYOUT.format(line=self._line_of(index) + 1))
        return i

    # -- changing one value ---------------------------------------------------------------------
    def _update(self, node: Node, old: Any, new: Any, span: _Span, key: str | None) -> Any:
        """``key``: the mapping key of the value (None: a list item)."""
        mark = len(self._splices)
        try:
            return self._reconcile(node, old, new, span)
        except _Rewrite:
            del self._splices[mark:]
        self._rewrite(span, node, new, key)
        return plain(new)

    def _reconcile(self, node: Node, old: Any, new: Any, span: _Span) -> Any:
        if isinstance(new, Fields | Mapping):
            if not isinstance(node, MappingNode) or not isinstance(old, dict):
                raise _Rewrite
            if node.flow_style:
                return self._inline(node, old, _flow_target(old, new))
            return self._reconcile_mapping(node, old, new, span)
        if isinstance(new, list | tuple):
            if not isinstance(node, SequenceNode) or not isinstance(old, list):
                raise _Rewrite
            if node.flow_style:
                if not old and any(isinstance(v, Fields | Mapping) for v in new):
                    raise _Rewrite  # "cameras: []" gets its first cameras: as a block
                return self._inline(node, old, _flow_target(old, new))
            if not new:
                raise _Rewrite
            return self._reconcile_list(node, old, list(new), span)
        if not isinstance(node, ScalarNode) or node.style in ("|", ">") or isinstance(old, list | dict):
            raise _Rewrite
        return self._inline(node, old, new)

    def _reconcile_mapping(self, node: MappingNode, old: dict[str, Any], new: Any, span: _Span) -> Any:
        values = new.values if isinstance(new, Fields) else new
        needed = new.needed if isinstance(new, Fields) else frozenset(new)
        floor = span.first if node.start_mark.line == span.first else span.first + 1
        entries = self._entries(node)
        names = [name for name, *_ in entries]
        if "<<" in names:
            raise SpliceError(Text.MERGE.format(line=node.start_mark.line + 1))
        kept = {name for name in names if name in values and values[name] is not REMOVE}
        if not kept:
            raise _Rewrite
        result: dict[str, Any] = {}
        spans = [e[2] for e in entries]
        for index, (name, child, child_span) in enumerate(entries):
            if name in kept:
                result[name] = self._update(child, old[name], values[name], child_span, name)
            else:
                self._remove(spans, index, floor)
        order = list(values)
        for name in order:
            if name not in names and name in needed and values[name] is not REMOVE:
                self._insert_entry(entries, name, values[name], order, floor)
                result[name] = plain(values[name])
        return result

    def _reconcile_list(self, node: SequenceNode, old: list[Any], new: list[Any], span: _Span) -> Any:
        floor = span.first if node.start_mark.line == span.first else span.first + 1
        items = self._items(node)
        result = [
            self._update(child, old[i], new[i], child_span, None)
            for i, (child, child_span) in enumerate(items[: len(new)])
        ]
        spans = [child_span for _, child_span in items]
        for index in range(len(new), len(items)):
            self._remove(spans, index, floor)
        if len(new) > len(items):
            last = items[-1][1]
            text = "".join(self._item_lines(v, last.column, last.inner) for v in new[len(items) :])
            self._insert_at_line(self._trailing(last, len(self._lines) - 1) + 1, text)
            result.extend(plain(v) for v in new[len(items) :])
        return result

    def _inline(self, node: Node, old: Any, new: Any) -> Any:
        target = plain(new)
        if _same(old, target):
            return old
        style = node.style if isinstance(node, ScalarNode) and node.style in ("'", '"') else None
        text = flow(target, style if isinstance(target, str) else None)
        self._splice(node.start_mark.index, node.end_mark.index, text)
        return target

    # -- text operations -------------------------------------------------------------------------
    def _insert_entry(
        self, entries: list[tuple[str, Node, _Span]], key: str, value: Any, order: Sequence[str], floor: int
    ) -> None:
        names = [name for name, *_ in entries]
        before = [n for n in order[: order.index(key)] if n in names] if key in order else names
        column = entries[0][2].column
        text = self._entry_lines(key, value, column, column)
        if before:
            after = max(names.index(n) for n in before)
            self._insert_at_line(self._trailing(entries[after][2], len(self._lines) - 1) + 1, text)
        elif self._shares_line(entries[0][2]):
            raise _Rewrite  # it would go before the dash of the list item
        else:
            self._insert_at_line(self._leading(entries[0][2], floor), text)

    def _rewrite(self, span: _Span, node: Node, value: Any, key: str | None) -> None:
        """Replace the entry's content with ``value`` written afresh at the same place; the comment
        at the end of a one-line entry (``cameras: []   # none yet``) stays on its first line."""
        if key is None:
            text = self._item_lines(value, 0, span.inner - span.column, rest=span.column)
        else:
            text = self._entry_lines(key, value, 0, span.column)
        text = text.rstrip("\n").rstrip("\r")
        end = self._starts[span.last] + len(self._lines[span.last].rstrip("\r"))
        after = self.text[node.end_mark.index : end]
        if span.first == span.last and after.strip().startswith("#"):
            first, newline, rest = text.partition(self.style.newline)
            text = first + after + newline + rest
        self._splice(span.start, end, text)

    def _remove(self, spans: Sequence[_Span], index: int, floor: int) -> None:
        """Remove entry ``index`` of ``spans`` (one collection's entries) with its comments."""
        span = spans[index]
        if self._shares_line(span):
            raise _Rewrite
        low = spans[index - 1].last + 1 if index > 0 else floor
        high = spans[index + 1].first - 1 if index + 1 < len(spans) else len(self._lines) - 1
        first, last = self._leading(span, low), self._trailing(span, high)
        real_lines = len(self._lines) - (self._lines[-1] == "")  # "a\n" splits into "a" and ""
        blank_above = first == 0 or self._blank(first - 1) or index == 0
        if last + 1 < real_lines and self._blank(last + 1) and blank_above:
            last += 1  # no double blank line where it was, nor one under its parent's key
        self._splice(self._starts[first], self._line_start(last + 1), "")

    def _insert_at_line(self, line: int, text: str) -> None:
        position = self._line_start(line)
        if position == len(self.text) and self.text and not self.text.endswith("\n"):
            text = self.style.newline + text
        self._splice(position, position, text)

    def _splice(self, start: int, end: int, replacement: str) -> None:
        self._splices.append((start, end, len(self._splices), replacement))

    # -- lines -----------------------------------------------------------------------------------
    def _line_of(self, index: int) -> int:
        return max(0, bisect.bisect_right(self._starts, index) - 1)

    def _line_start(self, line: int) -> int:
        return self._starts[line] if line < len(self._starts) else len(self.text)

    def _blank(self, line: int) -> bool:
        return not self._lines[line].strip()

    def _comment_column(self, line: int) -> int | None:
        text = self._lines[line]
        stripped = text.lstrip(" ")
        return len(text) - len(stripped) if stripped.startswith("#") else None

    def _leading(self, span: _Span, floor: int) -> int:
        line = span.first
        while line - 1 >= floor:
            column = self._comment_column(line - 1)
            if column is None or column > span.inner:
                break
            line -= 1
        return line

    def _trailing(self, span: _Span, ceiling: int) -> int:
        """The last line of the entry with the comments below it that are its own: those indented
        deeper than its keys, and those aligned with it that close it (no sibling follows them)."""
        end = span.last
        while end + 1 <= ceiling and self._comment_column(end + 1) is not None:
            end += 1
        after = end + 1
        closes = after > ceiling or self._blank(after) or self._indent_of(after) < span.column
        line = span.last
        while line + 1 <= end:
            column = self._comment_column(line + 1)
            assert column is not None
            if column <= span.inner and not (closes and column >= span.column):
                break
            line += 1
        return line

    def _indent_of(self, line: int) -> int:
        text = self._lines[line]
        return len(text) - len(text.lstrip(" "))

    def _shares_line(self, span: _Span) -> bool:
        """Something (a list item's dash) precedes the entry on its first line."""
        return bool(self.text[self._starts[span.first] : span.start].strip())

    # -- rendering -------------------------------------------------------------------------------
    def _entry_lines(self, key: str, value: Any, first: int, rest: int) -> str:
        return self._indent(block({key: plain(value)}, self.style), first, rest)

    def _item_lines(self, value: Any, dash: int, inner: int, *, rest: int | None = None) -> str:
        """``- value`` with its dash at column ``dash`` (``rest``: the column of the lines after the
        first, default ``dash``) and its content at ``inner``, as the list's other items."""
        data = plain(value)
        offset = max(2, inner - dash)
        if isinstance(data, dict) and data:
            lines = block(data, self.style).rstrip("\n").split("\n")
            text = "\n".join(
                ("-" + " " * (offset - 1) + line) if i == 0 else (" " * offset + line if line else line)
                for i, line in enumerate(lines)
            )
        else:
            text = "-" + " " * (offset - 1) + flow(data, None)
        return self._indent(text, dash, dash if rest is None else rest)

    def _indent(self, text: str, first: int, rest: int) -> str:
        lines = text.rstrip("\n").split("\n")
        out = [(" " * (first if i == 0 else rest)) + line if line else line for i, line in enumerate(lines)]
        return "".join(line + self.style.newline for line in out)


def _with(parent: Any, key: str | int, value: Any) -> Any:
    """A copy of ``parent`` (plain data, None when missing) where ``key`` has ``value``."""
    if isinstance(key, int):
        items = list(parent)
        items[key] = value
        return items
    out = dict(parent) if isinstance(parent, dict) else {}
    if value is REMOVE:
        out.pop(key, None)
    else:
        out[key] = value
    return out


def _flow_target(old: Any, new: Any) -> Any:
    """What a flow collection becomes: like a block one, its kept keys first (see ``Fields``)."""
    if isinstance(new, Fields | Mapping) and isinstance(old, dict):
        values = new.values if isinstance(new, Fields) else new
        needed = new.needed if isinstance(new, Fields) else frozenset(new)
        out = {k: _flow_target(old[k], values[k]) for k in old if k in values and values[k] is not REMOVE}
        added = {k: v for k, v in values.items() if k not in old and k in needed and v is not REMOVE}
        return out | {k: plain(v) for k, v in added.items()}
    if isinstance(new, list | tuple) and isinstance(old, list):
        return [_flow_target(old[i], v) if i < len(old) else plain(v) for i, v in enumerate(new)]
    return plain(new)


def _same(old: Any, new: Any) -> bool:
    """Equal as data, and of the same kind (YAML's 1 and true are not the same value)."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return bool(old == new)
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new, strict=True))
    return type(old) is type(new) and bool(old == new)
