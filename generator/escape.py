"""Escaping user text for the context it lands in.

Record text is data, never markup: a liaison's `<b>` or `|` must show as
typed, and nothing in a record may become a link, an attribute or a command.
"""

from __future__ import annotations

import html
import re

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
