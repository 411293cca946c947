"""The built site in a real browser: Playwright drives Debian's Chromium.

Skipped when /usr/bin/chromium is absent on a developer's machine; under CI
(CI=true) a missing browser fails the run instead (.ci/run installs it).
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

from __future__ import annotations

import json
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
    # the heat map's colours really are applied: xxgc studied in November (green) and its
    # missing 记录表 is an orange mark of its own, not the red of a month without study
    cell = "td.zxz-heat-studied.zxz-heat-paper-missing"
    green = page.eval_on_selector(cell, "e => getComputedStyle(e).backgroundColor")
    orange = page.eval_on_selector(
        f"{cell} .zxz-heat-paper", "e => getComputedStyle(e).backgroundColor"
    )
    assert green == "rgb(46, 125, 50)" and orange == "rgb(239, 108, 0)"
    assert page.locator(f"{cell} span").all_inner_texts() == ["已学习", "缺材料"]
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
    note = page.locator(".zxz-print-note")
    assert note.is_visible() and "python -m generator export" in note.inner_text()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"):
        assert page.locator(chrome).first.is_hidden(), chrome
    assert page.locator("article h1").first.is_hidden()
    assert page.locator("article h2").first.is_hidden()
    form = page.locator(".zxz-form")
    assert form.is_visible()
    text = form.inner_text()
    assert "基层党委（党总支）理论学习中心组学习安排表" in text and "党组织名称（盖章）" in text
    # the note on the office's copy is for the screen; the record's path is not printed
    assert page.locator(".zxz-print-note").is_hidden()
    assert "records/" not in page.locator("body").inner_text()
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


PHONE = {"width": 390, "height": 844}
OVERFLOW = """() => {
  const page = document.scrollingElement;
  const unseen = [];
  for (const e of document.querySelectorAll("article *")) {
    if (e.scrollWidth <= e.clientWidth + 1 || e.closest(".zxz-scrollable")) continue;
    const style = getComputedStyle(e);
    if (style.display === "inline") continue;  // inline boxes have no scroll width of their own
    unseen.push(`${e.tagName}.${e.className} ${style.overflowX} ${e.scrollWidth}>${e.clientWidth}`);
  }
  const hints = [...document.querySelectorAll(".zxz-scrollable")].map(box => {
    const hint = box.previousElementSibling;
    return !!hint && hint.classList.contains("zxz-scroll-hint") && !hint.hidden
      && hint.getBoundingClientRect().height > 0;
  });
  return {page: [page.scrollWidth, page.clientWidth], unseen, hints};
}"""


def test_the_home_page_fits_a_phone(watched, site_url):
    """At 390 px the month grid and the overdue list stack into cards: every month of every
    unit is on screen, and nothing runs off to the side unseen."""
    page = watched.page
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    page.wait_for_timeout(400)
    found = page.evaluate(OVERFLOW)
    assert found["page"][0] <= found["page"][1], found
    assert found["unseen"] == [] and all(found["hints"]), found
    cells = page.locator("td[class*=zxz-heat-]")
    assert cells.count() == 12 * 5
    for box in (cells.nth(i).bounding_box() for i in range(cells.count())):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    november = page.locator("td.zxz-heat-paper-missing")
    assert "缺材料" in november.inner_text()
    month = november.evaluate("e => getComputedStyle(e, '::before').content")
    assert month == '"11月"'  # the month heads each cell once the header row is gone
    row = page.locator("#overdue ~ table.zxz-stack tbody tr").first
    assert row.is_visible()
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    labels = row.locator("td").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    )  # each cell says what it is, as on a card
    assert labels == [f'"{label}："' for label in ("单位", "学习日期", "待报材料", "应报日期",
                                                  "已逾期", "由谁报送")]  # fmt: skip


def test_a_wide_table_on_a_phone_says_it_scrolls(watched, site_url):
    page = watched.page
    page.set_viewport_size(PHONE)
    page.goto(f"{site_url}/stats/2025-2026-2.html", wait_until="networkidle")
    page.wait_for_timeout(400)
    found = page.evaluate(OVERFLOW)
    assert found["page"][0] <= found["page"][1]
    assert found["unseen"] == [] and found["hints"] and all(found["hints"]), found
    assert "左右滑动" in page.locator(".zxz-scroll-hint").first.inner_text()
    page.set_viewport_size({"width": 1400, "height": 900})  # wide enough: no hint
    page.wait_for_timeout(300)
    assert page.locator(".zxz-scroll-hint:visible").count() == 0


def test_searching_a_leaders_name_lists_that_leaders_records_first(watched, site_url):
    """孙明德 leads g1: jieba knows the name from org.yaml (one word, not 孙 + 明德), so the
    results are his group's pages, and their text carries no zero-width spaces."""
    page = watched.page
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    page.click(".md-search__input")
    page.fill(".md-search__input", "孙明德")
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    page.wait_for_timeout(800)
    items = page.locator(".md-search-result__item")
    texts = items.all_inner_texts()
    assert texts and all("孙明德" in text for text in texts[:5]), texts[:5]
    assert "\u200b" not in page.locator(".md-search-result").inner_text()
    html = page.locator(".md-search-result").evaluate("e => e.textContent")
    assert "\u200b" not in html
    # every hit is a page with the whole name on it, none with 孙 alone (孙雅琴 speaks at xxgc)
    index = page.request.get(f"{site_url}/search/search_index.json").json()
    named = {
        doc["location"].split("#")[0]
        for doc in index["docs"]
        if "孙明德" in doc["text"].replace("\u200b", "") + doc["title"]
    }
    assert "孙\u200b明德" not in json.dumps(index, ensure_ascii=False)
    meta = page.inner_text(".md-search-result__meta")
    count = int(re.search(r"\d+", meta).group(0))
    assert 0 < count <= len(named), (meta, len(named))


def test_stats_charts_render_with_chinese_glyphs_on_a_phone_and_in_print(browser, site_url):
    watched = Watched(browser, viewport={"width": 390, "height": 844}, device_scale_factor=1)
    try:
        page = watched.page
        page.goto(f"{site_url}/stats/2025-2026-2.html", wait_until="networkidle")
        charts = page.locator("figure.zxz-chart")
        assert charts.count() == 2
        for index in range(2):
            chart = charts.nth(index)
            chart.scroll_into_view_if_needed()
            box = chart.locator("svg.zxz-chart-svg").bounding_box()
            assert box["width"] > 300 and box["height"] > 150
            label = chart.get_attribute("aria-labelledby")
            assert page.locator(f"#{label}").inner_text().startswith(f"图{index + 1}")
            # the figure stays within the phone's width: a wide picture scrolls inside it
            assert chart.bounding_box()["width"] <= 390
        units = page.locator("#zxz-chart-units svg").bounding_box()
        assert units["width"] >= 34 * 16  # readable: it scrolls sideways, not shrinks
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        scroller = page.locator("#zxz-chart-units .zxz-chart-scroll")
        assert "zxz-scrollable" in scroller.get_attribute("class")  # site.js: it says so
        assert "图较宽" in page.locator("#zxz-chart-units > .zxz-scroll-hint").inner_text()
        labels = page.locator("#zxz-chart-units svg text").all_text_contents()
        assert "会计学院党委" in labels and "图书馆直属党支部" in labels
        # the labels' font draws 会 and 党 differently: glyphs, not the same missing-glyph box
        same = page.evaluate(
            """() => {
                const text = document.querySelector('#zxz-chart-units svg text');
                const font = getComputedStyle(text).fontFamily;
                const draw = (ch) => {
                    const c = document.createElement('canvas'); c.width = c.height = 40;
                    const g = c.getContext('2d'); g.font = `32px ${font}`;
                    g.fillText(ch, 2, 34); return c.toDataURL();
                };
                return [draw('会') === draw('党'), draw('会') === draw('一')];
            }"""
        )
        assert same == [False, False]
        page.emulate_media(media="print")
        assert charts.first.is_visible()
        assert page.locator("details.zxz-chart-data").first.is_hidden()
        assert watched.errors == [] and watched.outside == []
    finally:
        watched.close()


SCREENSHOTS = ROOT / "docs" / "images"


def test_screenshots(browser, sample_url, tmp_path):
    """The README's pictures: home page, a record page, its print view.
    UPDATE_SCREENSHOTS=1 writes them to docs/images/ (then look at them)."""
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    shots = [
        ("home.png", "index.html", "screen", {"width": 1400, "height": 900}),
        ("home-phone.png", "index.html", "phone", PHONE),
        ("home-phone-map.png", "index.html#months", "phone", PHONE),
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
            watched.page.emulate_media(media="print" if media == "print" else "screen")
            watched.page.goto(f"{sample_url}/{path}", wait_until="networkidle")
            if media == "print":  # a screenshot has no @page margins: show the sheet's
                watched.page.add_style_tag(content="body { padding: 16mm 15mm; }")
            watched.page.wait_for_timeout(300)
            watched.page.screenshot(path=str(out / name), full_page=media == "screen")
            assert watched.outside == [] and watched.errors == []
        finally:
            watched.close()
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000, name


def test_stats_screenshot(browser, sample_url, tmp_path):
    """docs/images/stats.png for the README: a 督查统计 page with its table and charts.
    UPDATE_SCREENSHOTS=1 writes it (then look at it)."""
    out = SCREENSHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    watched = Watched(browser, viewport={"width": 1200, "height": 900}, device_scale_factor=1)
    try:
        page = watched.page
        page.goto(f"{sample_url}/stats/2025-2026-2.html", wait_until="networkidle")
        charts = page.locator(".zxz-charts").bounding_box()  # the page down to its charts
        bottom = charts["y"] + charts["height"] + 16
        page.screenshot(
            path=str(out / "stats.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": 1200, "height": bottom},
        )
        assert watched.outside == [] and watched.errors == []
    finally:
        watched.close()
    data = (out / "stats.png").read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000
