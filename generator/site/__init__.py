"""The site stage: checked records → Markdown pages → a static mkdocs-material site."""

from generator.site.build import BuildReport, RecordErrors, SiteError, build_site, generate

__all__ = ["BuildReport", "RecordErrors", "SiteError", "build_site", "generate"]
