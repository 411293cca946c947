"""The built site in a real browser: Playwright drives Debian's Chromium.

Skipped when /usr/bin/chromium is absent on a developer's machine; under CI
(CI=true) a missing browser fails the run instead (.ci/run installs it).
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from support import HOSTILE, Watched, hostile_session

from generator.cli import main
from generator.site.serve import make_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    """The sample records plus one hostile session, built and served on 127.0.0.1."""
    tmp = tmp_path_factory.mktemp("browser")
    records = tmp / "records"
    shutil.copytree(ROOT / "records", records)
    path = records / "sessions" / "kjxy" / "2026-09-30.yaml"
    path.write_text(hostile_session("kjxy", "2026-09-30", 99, None), encoding="utf-8")
    site = tmp / "site"
    code = main(
        [
            "build",
            "--records",
            str(records),
            "--as-of",
            "2026-11-29",
            "--site-dir",
            str(site),
            "--build-dir",
            str(tmp / "build"),
        ]
    )
    assert code == 0
    server = make_server(site, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def watched(browser):
    watched = Watched(browser, viewport={"width": 1400, "height": 900})
    yield watched
    watched.close()


def test_home_page_renders(watched, site_url):
    page = watched.page
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    assert "兰州工商学院中心组学习列席旁听" in page.inner_text("h1")
    assert page.locator(".zxz-card").count() == 4
    assert page.locator("table.zxz-heat tbody tr").count() == 12
    assert page.locator(".zxz-legend").first.is_visible()
    tabs = page.inner_text(".md-tabs")
    for tab in ("首页", "学习安排", "督查统计", "单位", "列席旁听组", "规则说明", "填报指南"):
        assert tab in tabs
    # the heat map's colours really are applied: a missing cell is red
    red = page.eval_on_selector("td.zxz-heat-missing", "e => getComputedStyle(e).backgroundColor")
    assert red == "rgb(211, 47, 47)"
    assert watched.errors == []


def test_searching_a_chinese_phrase_finds_the_record(watched, site_url):
    page = watched.page
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    page.click(".md-search__input")
    page.fill(".md-search__input", "大思政课建设")
    page.keyboard.press("End")  # Material reads the query on keyup; fill() sends none
    page.wait_for_function(
        """() => [...document.querySelectorAll('.md-search-result__link')]
                 .some(a => a.href.includes('/sessions/jjxy/2026-05-14.html'))""",
        timeout=15000,
    )
    page.wait_for_timeout(500)
    links = page.locator(".md-search-result__item a.md-search-result__link")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    # the record whose topic is 推进经济学“大思政课”建设 comes first; another mentions 大思政课 too
    assert "/sessions/jjxy/2026-05-14.html" in hrefs[0]
    assert len(hrefs) <= 3
    assert "个符合条件的结果" in page.inner_text(".md-search-result__meta")


def test_a_record_page_prints_as_the_form_alone(watched, site_url):
    page = watched.page
    page.goto(f"{site_url}/sessions/kjxy/2026-10-12.html", wait_until="networkidle")
    assert page.locator(".md-header").is_visible()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"):
        assert page.locator(chrome).first.is_hidden(), chrome
    assert page.locator("article h1").first.is_hidden()
    assert page.locator("article h2").first.is_hidden()
    form = page.locator(".zxz-form")
    assert form.is_visible()
    text = form.inner_text()
    assert "基层党委（党总支）理论学习中心组学习安排表" in text and "党组织名称（盖章）" in text
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    # the audit record (附件2) also fits one A4 page, with its signature lines
    page.goto(f"{site_url}/audits/jjxy/2026-05-14-g2.html", wait_until="networkidle")
    page.emulate_media(media="print")
    assert "列席旁听组组长：" in page.locator(".zxz-form").inner_text()
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1


def test_no_request_leaves_127_0_0_1(watched, site_url):
    page = watched.page
    for path in (
        "index.html",
        "schedule/2026-2027-1.html",
        "stats/2025-2026-2.html",
        "units/kjxy.html",
        "groups/g1.html",
        "sessions/kjxy/2026-10-12.html",
        "audits/jjxy/2026-05-14-g2.html",
        "rules.html",
    ):
        page.goto(f"{site_url}/{path}", wait_until="networkidle")
    page.click(".md-search__input")
    page.fill(".md-search__input", "学习")
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert watched.requests, "the route recorded nothing"
    assert any(url.endswith("search_index.json") for url in watched.requests)
    assert watched.outside == []


def test_hostile_record_executes_nothing_and_shows_its_text(watched, site_url):
    page = watched.page
    page.goto(f"{site_url}/sessions/kjxy/2026-09-30.html", wait_until="networkidle")
    page.hover(".zxz-form")
    for cell in page.locator(".zxz-form td").all():
        cell.hover()
    page.mouse.move(5, 5)
    body = page.inner_text("article")
    for text in HOSTILE:
        assert text in body, text
    assert "139****5678" in body and "13912345678" not in page.content()
    assert page.locator("article img[src='x']").count() == 0
    assert page.locator("article script").count() == 0
    assert watched.dialogs == []
    assert watched.errors == []
    assert watched.outside == []


def test_tables_sort_when_a_header_is_clicked(watched, site_url):
    page = watched.page
    page.goto(f"{site_url}/units/kjxy/2025-2026-2.html", wait_until="networkidle")
    table = page.locator("article table:not([class])").filter(has_text="次序").first
    dates = lambda: table.locator("tbody tr td:first-child").all_inner_texts()  # noqa: E731
    before = dates()
    header = table.locator("th", has_text="次序")
    header.click()
    ascending = dates()
    header.click()
    descending = dates()
    assert ascending == list(reversed(descending)) and len(ascending) == len(before) > 2
    assert ascending[0].startswith("2026年3月")


SCREENSHOTS = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    """The sample records alone, as `make site` shows them."""
    tmp = tmp_path_factory.mktemp("screens")
    args = ["build", "--as-of", "2026-11-29", "--records", str(ROOT / "records")]
    assert main([*args, "--site-dir", str(tmp / "site"), "--build-dir", str(tmp / "b")]) == 0
    server = make_server(tmp / "site", "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_screenshots(browser, sample_url, tmp_path):
    """The README's pictures: home page, a record page, its print view.
    UPDATE_SCREENSHOTS=1 writes them to docs/images/ (then look at them)."""
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots = [
        ("home.png", "index.html", "screen", {"width": 1400, "height": 900}),
        ("record.png", "sessions/kjxy/2026-10-12.html", "screen", {"width": 1400, "height": 900}),
        ("print.png", "sessions/kjxy/2026-10-12.html", "print", {"width": 794, "height": 1123}),
        (
            "print-audit.png",
            "audits/jjxy/2026-05-14-g2.html",
            "print",
            {"width": 794, "height": 1123},
        ),
    ]
    for name, path, media, viewport in shots:
        watched = Watched(browser, viewport=viewport, device_scale_factor=1)
        try:
            watched.page.emulate_media(media=media)
            watched.page.goto(f"{sample_url}/{path}", wait_until="networkidle")
            if media == "print":  # a screenshot has no @page margins: show the sheet's
                watched.page.add_style_tag(content="body { padding: 16mm 15mm; }")
            watched.page.screenshot(path=str(out / name), full_page=media == "screen")
            assert watched.outside == [] and watched.errors == []
        finally:
            watched.close()
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000, name
