"""Parse YAML keeping the node tree, so that every problem can be shown at its line."""

from __future__ import annotations

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


class _Loader(yaml.SafeLoader):
    """SafeLoader: plain data only, no Python objects."""


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
    """The root node and the plain data built from it (one parse for both)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise YamlSyntaxError(_syntax_problem(exc, text)) from None
    except yaml.YAMLError as exc:  # unmarked errors are rare (reader errors carry no mark)
        raise YamlSyntaxError(YamlProblem(None, "", Text.SYNTAX.format(problem=type(exc).__name__))) from None
    finally:
        loader.dispose()
    return node, data


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
