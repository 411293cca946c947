"""The site stage: checked records → Markdown pages → a static mkdocs-material site."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.site.build import BuildReport, RecordErrors, SiteError, build_site, generate

__all__ = ["BuildReport", "RecordErrors", "SiteError", "build_site", "generate"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the build's second mkdocs process imports
    # generator.site.mkdocs_build only, not the exports and their libraries (about 0.9 s)
    if name in __all__:
        return getattr(importlib.import_module("generator.site.build"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
