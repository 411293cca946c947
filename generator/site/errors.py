"""The site's refusal: its own module, so that build.py and the pages it builds
(assistant.py) both raise it without importing each other."""

from __future__ import annotations


class SiteError(Exception):
    """The site cannot be built; `lines` say why, in Chinese."""

    def __init__(self, message: str, lines: list[str] | None = None) -> None:
        super().__init__(message)
        self.lines = lines or []
