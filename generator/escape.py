"""Escaping user text for the context it lands in.

Record text is data, never markup: a liaison's `<b>` or `|` must show as
typed, and nothing in a record may become a link, an attribute or a command.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Every ASCII punctuation character Markdown (and its extensions: attr_list `{}`,
# tables `|`, emphasis, links, footnotes) may treat as syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&~^=:\"'$%])")


def markdown_inline(text: object) -> str:
    """Text safe inside Markdown inline content and table cells: every character
    that Markdown or HTML could read as syntax becomes a numeric character
    reference, and line breaks are folded so that a value cannot open a block."""
    value = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group(1))};", value)


def markdown_cell(text: object) -> str:
    """Text safe in a Markdown table cell: as markdown_inline, `|` included."""
    return markdown_inline(text)


def html_text(text: object) -> str:
    return html.escape(str(text), quote=True)


def github_data(text: str) -> str:
    """Workflow-command message: % and line breaks encoded, so text cannot start a new command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """Workflow-command property value (file, title): also `:` and `,` encoded."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text for a terminal or a workflow log: control characters (ANSI escapes,
    line breaks), bidirectional and zero-width marks, line separators and the
    undecodable bytes of a file name become escapes (`\\x1b`, `\\u202e`, `\\xff`),
    so record text can neither drive the terminal nor hide or reorder what is
    shown. Spaces of every width stay as they are."""
    if text.isprintable():
        return text
    return "".join(
        _escaped(c) if not c.isprintable() and unicodedata.category(c) != "Zs" else c for c in text
    )


def utf8(text: str) -> str:
    """`text` unchanged when it can be written as UTF-8; otherwise its lone
    surrogates (undecodable bytes of a file name) become escapes, so that JSON
    output is always valid UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(_escaped(c) if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)
    return text


def utf8_data(value: object) -> object:
    """`utf8` on every string (keys too) of JSON-shaped data."""
    if isinstance(value, str):
        return utf8(value)
    if isinstance(value, dict):
        return {utf8_data(k): utf8_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [utf8_data(v) for v in value]
    return value
