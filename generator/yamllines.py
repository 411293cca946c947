"""Where things stand in a YAML file, in lines, read from libyaml's nodes: where a
node's content ends, where the items of a top-level list are. `new` inserts lines
there; the filing assistant page tells a liaison which lines to add where. A neutral
module, so that the site does not import the scaffolder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.yamlio import Document

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts, counting line breaks the way libyaml does."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def last_line(node: Node) -> int:
    """0-based line of the last character that belongs to `node`'s content."""
    if isinstance(node, ScalarNode):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    if node.flow_style:
        return node.end_mark.line
    children: list[Node] = (
        [v for pair in node.value for v in pair]
        if isinstance(node, MappingNode)
        else list(node.value)
    )
    return max((last_line(c) for c in children), default=node.start_mark.line)


def mapping_key(mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


@dataclass(frozen=True, slots=True)
class ListLines:
    """Where the items of a top-level list stand in a file (1-based lines), so that a page
    can say exactly which lines to add where."""

    end: int  # the last line of the list's content
    items: list[dict[str, Any]]  # each: line, end, column (of its keys); flow: written {…}


def list_lines(document: Document, key: str) -> ListLines | None:
    """The lines of the block list under the top-level `key`; None when there is none, or
    it is written in flow style ([…]), which cannot be extended line by line."""
    root = document.root
    if not isinstance(root, MappingNode):
        return None
    found = mapping_key(root, key)
    if found is None or not isinstance(found[1], SequenceNode) or found[1].flow_style:
        return None
    items = []
    for node in found[1].value:
        flow = not isinstance(node, MappingNode) or node.flow_style
        items.append(
            {
                "line": node.start_mark.line + 1,
                "end": last_line(node) + 1,
                "column": node.start_mark.column,
                "flow": bool(flow),
            }
        )
    return ListLines(last_line(found[1]) + 1, items)
