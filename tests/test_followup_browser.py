"""The 整改台账 and a 年度学习计划 page in Chromium: they render, link each other, sort,
keep their colours, print without the screen-only follow-up, and give the guide its
pictures (UPDATE_SCREENSHOTS=1 writes docs/images/rectification.png and plan.png)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import Watched

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"


@pytest.fixture
def watched(browser):
    watched = Watched(browser, viewport={"width": 1400, "height": 900}, device_scale_factor=1)
    yield watched
    assert watched.outside == [] and watched.errors == []
    watched.close()


def _colour(page, text: str) -> str:
    return page.locator(".zxz-st", has_text=text).first.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )


def test_the_ledger_renders_in_colour_and_leads_to_the_records(watched, sample_url):
    page = watched.page
    page.goto(f"{sample_url}/index.html", wait_until="networkidle")
    page.locator(".md-tabs__link", has_text="整改台账").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "整改台账：2026—2027学年第一学期"
    table = page.locator("article table", has_text="整改期限")
    assert table.locator("tbody tr").count() == 4
    # the same colours as every other status cell
    colours = {_colour(page, word) for word in ("逾期未报", "按时", "未到期")}
    assert len(colours) == 3
    assert _colour(page, "逾期未报") == "rgb(251, 218, 218)"  # --zxz-miss-bg
    # the table sorts by its deadline column (the site's own tablesort.js)
    header = table.locator("th", has_text="整改期限")
    header.click()
    first = table.locator("tbody tr").first.inner_text()
    header.click()
    assert table.locator("tbody tr").first.inner_text() != first
    # a row leads to its 附件2, which shows the problem and its rectification
    table.locator("tr", has_text="外国语学院党总支").get_by_role("link", name="附件2").click()
    page.wait_for_load_state("networkidle")
    assert "列席旁听记录：外国语学院党总支 2026年10月19日" in page.locator("h1").inner_text()
    assert page.get_by_role("heading", name="整改要求").is_visible()


def test_the_plan_page_renders_and_the_follow_up_is_not_printed(watched, sample_url):
    page = watched.page
    page.goto(f"{sample_url}/plans/index.html", wait_until="networkidle")
    page.locator("tr", has_text="艺术设计学院党总支").get_by_role("link").nth(1).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "艺术设计学院党总支 2026年度学习计划"
    june = page.locator("tr", has=page.locator("strong", has_text="2026年6月"))
    assert "✗ 未学习" in june.inner_text()
    march = page.locator("tr", has=page.locator("strong", has_text="2026年3月"))
    march.get_by_role("link").first.click()
    page.wait_for_load_state("networkidle")
    assert "艺术设计学院党总支 2026年第1次中心组学习" in page.locator("h1").inner_text()
    # a later 附件2 prints its form alone: the earlier problems are for the screen
    page.goto(f"{sample_url}/audits/glxy/2026-11-11-g3.html", wait_until="networkidle")
    earlier = page.get_by_role("heading", name="以前列席旁听指出的问题")
    assert earlier.is_visible()
    page.emulate_media(media="print")
    assert earlier.is_hidden()
    assert page.locator(".zxz-form").is_visible()


def test_screenshots(browser, sample_url, tmp_path):
    out = IMAGES if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path
    for name, path in (
        ("rectification.png", "rectification/2026-2027-1.html"),
        ("plan.png", "plans/ysxy/2026.html"),
    ):
        watched = Watched(browser, viewport={"width": 1400, "height": 900}, device_scale_factor=1)
        try:
            watched.page.goto(f"{sample_url}/{path}", wait_until="networkidle")
            watched.page.screenshot(path=str(out / name), full_page=True)
            assert watched.outside == [] and watched.errors == []
        finally:
            watched.close()
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG") and 20_000 < len(data) < 1_500_000, name
