"""What the site, browser and assistant tests share: the browser, hostile text, page parsing."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "{ onmouseover=alert(1) }",
    "| a | b |",
]
MOBILE = "13912345678"


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, which must run the browser tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the browser tests: .ci/run installs chromium)")
    pytest.skip(reason)


def hostile_session(unit: str, date: str, year_seq: int, group: str | None) -> str:
    """A valid session file whose every text field is hostile (and its phone a mobile)."""
    h = [json.dumps(text, ensure_ascii=False) for text in HOSTILE]
    day = dt.date.fromisoformat(date)

    def shifted(days: int) -> str:
        return (day + dt.timedelta(days=days)).isoformat()

    audit = (
        f"""audits:
  - group: {group}
    findings:
      organization: {h[0]}
      content: {h[2]}
      method: {h[3]}
      effect: {h[4]}
    problems: {json.dumps("问题：" + HOSTILE[1] + " 联系 " + MOBILE, ensure_ascii=False)}
    filed: {shifted(2)}
"""
        if group
        else ""
    )
    return f"""unit: {unit}
date: {date}
time: "14:30"
location: {h[0]}
year_seq: {year_seq}
members: 10
present: 10
host: {{name: {h[3]}, title: {h[1]}}}
topics:
  - title: {h[2]}
    first_topic: true
  - title: {h[3]}
  - title: {h[4]}
speakers:
  - {{name: {h[0]}, title: {h[4]}, outline: {h[1]}, written: true}}
contact: {{name: {h[1]}, phone: "{MOBILE}"}}
filed:
  arrangement: {shifted(-3)}
  post_copy: {shifted(1)}
{audit}amendments:
  - {{date: {shifted(4)}, reason: {h[3]}}}
"""


class Page(html.parser.HTMLParser):
    """Tags, attributes, script bodies and visible text of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    @classmethod
    def of(cls, path: Path) -> Page:
        page = cls()
        page.feed(path.read_text(encoding="utf-8"))
        return page

    @property
    def visible(self) -> str:
        return "".join(self.text)


def site_files(site: Path, suffixes: tuple[str, ...]) -> list[Path]:
    return [p for p in site.rglob("*") if p.suffix in suffixes]


EXTERNAL_ATTR = re.compile(r"^\s*(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*(?:https?:)?//""", re.I)
CDN_HOSTS = re.compile(
    r"unpkg\.com|jsdelivr|cdnjs|googleapis|gstatic|bootcdn|staticfile|fonts\.net|typekit", re.I
)


def external_references(site: Path) -> list[str]:
    found = []
    for path in site_files(site, (".html",)):
        for tag, attrs in Page.of(path).tags:
            for name, value in attrs.items():
                if name in ("xmlns", "xmlns:xlink") or not value:
                    continue
                if name in (
                    "href",
                    "src",
                    "srcset",
                    "action",
                    "formaction",
                    "poster",
                    "data",
                    "background",
                    "content",
                ) and EXTERNAL_ATTR.match(value):
                    found.append(f"{path.relative_to(site)}: <{tag} {name}={value}>")
                if name == "style" and CSS_URL.search(value):
                    found.append(f"{path.relative_to(site)}: style {value}")
    for path in site_files(site, (".css",)):
        for match in CSS_URL.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(site)}: {match.group(0)}")
    for path in site_files(site, (".html", ".css", ".js", ".json", ".xml")):
        for match in CDN_HOSTS.finditer(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{path.relative_to(site)}: {match.group(0)}")
    return found


class Watched:
    """A page whose every request (the search worker's included) is recorded.

    Recorded, not intercepted: the machine has no network to leak to, so any
    request for another host is a failure, whether or not it could succeed."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", self._request)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))

    def _request(self, request) -> None:
        url = request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if parts.scheme not in ("data", "blob") and parts.hostname != "127.0.0.1":
            self.outside.append(url)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()
