"""Parse YAML keeping the node tree, so that every problem can be shown at its line.

libyaml (PyYAML's C parser) does the parsing when it is installed: a 10,000-camera site parses in
seconds instead of tens of seconds. A file it refuses is parsed again by the pure-Python parser,
whose messages the tests and users know; both build the same nodes and data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from camera_config.issues import format_path

Loc = tuple[str | int, ...]


class Text:
    """Every message of this module, in one place for translation."""

    TAB = "tab characters cannot indent YAML; use spaces"
    SYNTAX = "YAML syntax error: {problem}"
    STARTED = "{problem} ({context} that started on line {line})"
    DUPLICATE_KEY = "duplicate key {key!r} (first on line {first}); keep only one"
    BAD_CHARACTER = (
        "the file contains the character {code}{name}, which YAML does not allow; the file may be "
        "damaged or saved by a word processor: save it again as plain UTF-8 text"
    )
    BAD_DATE = (
        "not a date that exists (YYYY-MM-DD: month 01-12, a day within the month); "
        "write it in quotes if it is meant as text"
    )
    TOO_DEEP = "nested more than {limit} levels deep; a site file needs about 10: is the file damaged?"


MAX_DEPTH = 100  # collections inside collections; a site file needs about 10


class _Loader(yaml.SafeLoader):
    """SafeLoader: plain data only, no Python objects."""


_FastLoader: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)

# What YAML refuses (PyYAML's Reader.NON_PRINTABLE): found first, so the message names the line.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL_NAMES = {0: " (NUL)", 0x1B: " (ESC)", 0x7F: " (DEL)"}


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class YamlProblem:
    mark: Mark | None
    path: str
    message: str


class YamlSyntaxError(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def parse(text: str) -> tuple[Node | None, Any]:
    """The root node and the plain data built from it (one parse for both).

    Raises :class:`YamlSyntaxError` (with line and column) for anything that is not YAML, including
    characters YAML forbids (a NUL byte) and absurd nesting, which would exhaust the recursion.
    """
    _check_characters(text)
    if _FastLoader is not None:
        try:
            return _parse_with(_FastLoader, text)
        except yaml.YAMLError:
            pass  # parsed again below: the pure-Python parser's messages are the known ones
    try:
        return _parse_with(_Loader, text)
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_syntax_problem(exc, text)) from None
    except yaml.YAMLError as exc:  # unmarked errors are rare (characters are checked above)
        raise YamlSyntaxError(YamlProblem(None, "", Text.SYNTAX.format(problem=type(exc).__name__))) from None
    except RecursionError:
        raise YamlSyntaxError(_too_deep(text)) from None


def _parse_with(loader_class: type[yaml.SafeLoader], text: str) -> tuple[Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        try:
            return node, loader.construct_document(node)
        except ValueError:  # PyYAML builds 2026-02-30 as a date and lets datetime's error through
            raise YamlSyntaxError(_impossible_date(node)) from None
    finally:
        loader.dispose()


def _impossible_date(root: Node) -> YamlProblem:
    """Where the first timestamp that is no real date is written, and its field path."""
    stack: list[tuple[Node, Loc]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, loc = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
            try:
                yaml.SafeLoader("").construct_yaml_timestamp(node)
            except ValueError:
                return YamlProblem(mark_of(node), format_path(loc), Text.BAD_DATE)
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*loc, i)) for i, item in reversed(list(enumerate(node.value))))
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                name = str(key.value) if isinstance(key, ScalarNode) else "?"
                stack.extend([(value, (*loc, name)), (key, loc)])
    return YamlProblem(None, "", Text.BAD_DATE)


def _check_characters(text: str) -> None:
    bad = _NON_PRINTABLE.search(text)
    if bad is None:
        return
    index = bad.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = ord(bad.group())
    message = Text.BAD_CHARACTER.format(code=f"U+{code:04X}", name=_CONTROL_NAMES.get(code, ""))
    raise YamlSyntaxError(YamlProblem(Mark(line, column), "", message))


def _too_deep(text: str) -> YamlProblem:
    """Where the nesting first passes :data:`MAX_DEPTH` (the scanner is not recursive)."""
    depth = 0
    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)
    flow_opening = (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    mark: Mark | None = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, opening + flow_opening):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = Mark(token.start_mark.line + 1, token.start_mark.column + 1)
                    break
            elif isinstance(token, closing):
                depth -= 1
    except yaml.YAMLError:
        pass
    return YamlProblem(mark, "", Text.TOO_DEEP.format(limit=MAX_DEPTH))


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    where = Mark(mark.line + 1, mark.column + 1) if mark is not None else None
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return YamlProblem(where, "", Text.TAB)
    problem = exc.problem or exc.context or "not valid YAML"
    context = exc.context_mark
    if exc.context and exc.problem and problem.startswith("but "):
        problem = f"{exc.context} {problem}"  # "expected a single document ... but found another"
    elif exc.context and context is not None and mark is not None and context.line != mark.line:
        problem = Text.STARTED.format(problem=problem, context=exc.context, line=context.line + 1)
    return YamlProblem(where, "", Text.SYNTAX.format(problem=problem))


def duplicate_keys(root: Node) -> list[YamlProblem]:
    """Keys that appear twice in one mapping (PyYAML silently keeps the last)."""
    problems: list[YamlProblem] = []
    stack: list[tuple[Node, Loc]] = [(root, ())]
    visited: set[int] = set()
    while stack:
        node, loc = stack.pop()
        if id(node) in visited:  # aliases share nodes
            continue
        visited.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend((child, (*loc, i)) for i, child in enumerate(node.value))
        elif isinstance(node, MappingNode):
            first: dict[str, Node] = {}
            for key, value in node.value:
                name = str(key.value) if isinstance(key, ScalarNode) else None
                if name is not None and name in first and name != "<<":
                    problems.append(
                        YamlProblem(
                            mark_of(key),
                            format_path((*loc, name)),
                            Text.DUPLICATE_KEY.format(key=name, first=first[name].start_mark.line + 1),
                        )
                    )
                elif name is not None:
                    first[name] = key
                stack.append((value, (*loc, name if name is not None else "?")))
    return problems


def mark_of(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def child(node: Node, part: str | int) -> tuple[Node | None, Node] | None:
    """(key node, value node) for a mapping key or (None, item) for a list index; None if absent."""
    if isinstance(node, SequenceNode) and isinstance(part, int):
        return (None, node.value[part]) if 0 <= part < len(node.value) else None
    if not isinstance(node, MappingNode) or not isinstance(part, str):
        return None
    found: tuple[Node | None, Node] | None = None
    for key, value in node.value:  # the last duplicate wins, as in the data PyYAML built
        if isinstance(key, ScalarNode) and str(key.value) == part:
            found = (key, value)
    if found is None:
        for key, value in node.value:  # `<<: *defaults` merge keys
            if isinstance(key, ScalarNode) and key.tag == "tag:yaml.org,2002:merge":
                for merged in value.value if isinstance(value, SequenceNode) else [value]:
                    found = child(merged, part) or found
    return found


def locate(root: Node, loc: Loc, *, at_parent: bool) -> tuple[Mark, Node | None]:
    """Where ``loc`` is written: its key (or list item); for a missing field, its parent mapping."""
    node: Node = root
    key: Node | None = None
    for index, part in enumerate(loc):
        step = child(node, part)
        if step is None:
            if at_parent or index == len(loc) - 1:
                return mark_of(node), None
            continue  # a part with no node of its own
        key, node = step
    if at_parent:
        return mark_of(node), node
    return mark_of(key if key is not None else node), node


def describe(node: Node) -> str:
    """What kind of YAML value a node is, without its content."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    short = node.tag.rsplit(":", 1)[-1]
    return {
        "str": "text",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "an empty value",
    }.get(short, "a value")
