"""YAML as text, for `new`: scalars every reader reads back unchanged, comment-aligned
lines, and insertion into an existing file that keeps every existing byte.

Our own insertion rather than ruamel.yaml's round trip: it only ever adds whole
lines, so every existing byte, comment and blank line stays by construction (and is
tested byte for byte), and the one loader (yamlio, libyaml) stays the only YAML reader.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from yaml.nodes import MappingNode, Node, SequenceNode

from generator.new.base import NewError, label
from generator.yamlio import Document
from generator.yamllines import last_line, line_starts, mapping_key

# Everything YAML may not carry raw inside double quotes, or would fold or drop:
# C0/C1 controls, DEL, the Unicode line and paragraph separators (line breaks in
# YAML 1.1), the byte-order mark and non-characters.
_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# A plain scalar is written only when nothing in it can mean anything to any YAML
# reader: it starts with a letter or a CJK character, holds no `:` or `#` and no
# character that needs escaping, and does not end in a space.
_PLAIN = re.compile(
    "[A-Za-z\u2e80-\u2fff\u3001-\ud7ff\uf900-\ufaff\uff01-\uffef]"
    "[^:#\\[\\]{},\"'\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*"
)
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def quote(text: str) -> str:
    """A YAML double-quoted scalar: JSON-style escapes, valid YAML 1.1 and 1.2."""
    return '"' + _ESCAPE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def scalar(value: object) -> str:
    """A value as YAML text that every reader, ours first, reads back unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()  # our loader keeps it a string, as the schema wants
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and not text.endswith((" ", "\u3000"))
        and text.lower() not in _RESERVED
    ):
        return text
    return quote(text)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(slots=True)
class Lines:
    """YAML lines, each with an optional comment; comments are aligned when rendered."""

    lines: list[tuple[str, str | None]] = field(default_factory=list)

    def add(self, text: str, comment: str | None = None) -> None:
        self.lines.append((text, comment))

    def render(self, newline: str = "\n", column: int | None = None) -> str:
        if column is None:
            widths = [display_width(t) for t, c in self.lines if c]
            column = min(max(widths, default=0) + 2, 34)
        out = []
        for text, comment in self.lines:
            if comment:
                pad = max(column - display_width(text), 2)
                out.append(f"{text}{' ' * pad}# {comment}")
            else:
                out.append(text)
        return "".join(line + newline for line in out)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _insert_at_line(text: str, line: int, block: str) -> str:
    """`block` inserted before 0-based `line`, or appended when `line` is past the end."""
    starts = line_starts(text)
    if line < len(starts):
        return text[: starts[line]] + block + text[starts[line] :]
    if text and not text.endswith(("\n", "\r")):
        text += _newline(text)
    return text + block


def _reindent(item: Lines, dash: int, content: int) -> Lines:
    """An item written as "- key: …" / "  key: …" moved to a sequence whose dashes stand
    at column `dash` and whose item content starts at column `content`."""
    out = Lines()
    for index, (line, comment) in enumerate(item.lines):
        if index == 0:
            out.add(" " * dash + "-" + " " * (content - dash - 1) + line[2:], comment)
        else:
            out.add(" " * content + line[2:], comment)
    return out


def insert_item(text: str, document: Document, key: str, item: Lines, what: str) -> str:
    """`item` appended to the block sequence under the top-level `key`, or `key` added at
    the end of the file with `item` as its first entry. `item` is written as for a
    sequence at column 0: first line "- key: …", the others indented by two."""
    root = document.root
    if not isinstance(root, MappingNode) or root.flow_style:
        raise NewError("这个文件的最外层不是逐行书写的“字段: 值”，无法自动添加，请手工编辑。")
    newline = _newline(text)
    found = mapping_key(root, key)
    base = root.start_mark.column
    if found is None:
        block = Lines([(" " * base + f"{key}:", label(key))])
        block.lines.extend(_reindent(item, base + 2, base + 4).lines)
        return _insert_at_line(text, len(line_starts(text)), block.render(newline))
    key_node, sequence = found
    if not isinstance(sequence, SequenceNode) or sequence.flow_style or not sequence.value:
        raise NewError(
            f"第 {key_node.start_mark.line + 1} 行的 {key} 不是逐项书写的列表（如写成了方括号 [ ]），"
            f"无法自动添加{what}。请改成每项一行“- …”的写法后再试，或手工添加。"
        )
    dash = sequence.start_mark.column
    first = sequence.value[0]
    content = (
        first.start_mark.column
        if isinstance(first, MappingNode) and not first.flow_style
        else dash + 2
    )
    block = _reindent(item, dash, max(content, dash + 2))
    return _insert_at_line(text, last_line(sequence) + 1, block.render(newline))


def extend_item(text: str, document: Document, path: Sequence[str | int], lines: Lines) -> str:
    """Keys added at the end of the block mapping at `path` (an existing list item)."""
    node: Node | None = document.root
    for step in path:
        if isinstance(node, MappingNode):
            pair = mapping_key(node, str(step))
            node = pair[1] if pair else None
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            node = node.value[step]
        else:
            node = None
    if not isinstance(node, MappingNode) or node.flow_style:
        line = node.start_mark.line + 1 if node is not None else "?"
        raise NewError(
            f"第 {line} 行的这一项写在花括号 {{ }} 里，无法自动补充。"
            "请改成每个字段一行的写法后再试，或手工补充。"
        )
    column = node.start_mark.column
    block = Lines([(" " * column + line, comment) for line, comment in lines.lines])
    return _insert_at_line(text, last_line(node) + 1, block.render(_newline(text)))
