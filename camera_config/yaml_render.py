"""YAML text for new entries and changed values, written as people write site files: block
style, short lists of scalars on one line, times in quotes, indented like the file around them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode


@dataclass(frozen=True)
class Style:
    """How the file is indented, so that new lines look like their neighbours."""

    step: int = 2  # a nested mapping's keys, right of its parent key
    indent_sequences: bool = True  # "key:\n  - item" (True) or "key:\n- item"
    newline: str = "\n"


class _BlockDumper(yaml.SafeDumper):
    """Block style, except short lists of scalars (``[mon, tue]``, ``[[0.1, 0.5], ...]``)."""

    indent_sequences = True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless and not self.indent_sequences)


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.SequenceNode:
    def scalar(value: Any) -> bool:
        return not isinstance(value, dict | list)

    flat = all(scalar(v) or (isinstance(v, list) and all(map(scalar, v))) for v in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flat and bool(items))


_TIME_LIKE = re.compile(r"^\d{1,2}:\d{2}$")


class _FlowDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """Times in quotes even where YAML would read them as text: an unquoted 22:30 copied by hand
    is the number 1350 (see PatrolWindow)."""
    style = "'" if _TIME_LIKE.match(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_BlockDumper.add_representer(list, _represent_list)
for _dumper in (_BlockDumper, _FlowDumper):
    _dumper.add_representer(str, _represent_str)


def block_yaml(value: Any) -> str:
    """``value`` (plain data) as a new file writes it: block style, two spaces, lists indented."""
    return block(value, Style())


def block(value: Any, style: Style) -> str:
    dumper = type("_Dumper", (_BlockDumper,), {"indent_sequences": style.indent_sequences})
    text: str = yaml.dump(
        value,
        Dumper=dumper,
        indent=style.step,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
    )
    return text


def flow(value: Any, quote: str | None) -> str:
    """``value`` on one line: a collection in flow style, a scalar as a block value would be
    written (flow context quotes more: ``rtsp://x`` would become ``'rtsp://x'``). A scalar keeps
    the quotes its old value had; text with a line break is written in double quotes."""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        quote = '"'
    if isinstance(value, dict | list):
        text: str = yaml.dump(
            value,
            Dumper=_FlowDumper,
            default_flow_style=True,
            allow_unicode=True,
            sort_keys=False,
            width=1 << 30,
        )
        return text.strip()
    text = yaml.dump({"k": value}, Dumper=_FlowDumper, default_style=quote, allow_unicode=True, width=1 << 30)
    return text.rstrip("\n").partition(": ")[2]


def detect_style(root: MappingNode, newline: str) -> Style:
    """The indentation step and list style of the first nested block collections."""
    step: int | None = None
    indent_sequences: bool | None = None
    stack: list[MappingNode] = [root]
    while stack and (step is None or indent_sequences is None):
        node = stack.pop(0)
        for key, value in node.value:
            if not isinstance(value, MappingNode | SequenceNode) or value.flow_style or not value.value:
                continue
            if isinstance(value, MappingNode):
                if step is None and value.start_mark.line > key.start_mark.line:
                    step = value.start_mark.column - key.start_mark.column
                stack.append(value)
            else:
                first = value.value[0]
                if indent_sequences is None and first.start_mark.line > key.start_mark.line:
                    indent_sequences = first.start_mark.column - 2 > key.start_mark.column
                stack.extend(item for item in value.value if isinstance(item, MappingNode))
    step = step if step is not None and 2 <= step <= 8 else 2
    return Style(step, True if indent_sequences is None else indent_sequences, newline)
