"""The 填报助手's v2 forms in a browser: 整改情况 and 年度学习计划.

As in test_assistant.py, a liaison fills the form; the YAML the page produces goes
into a copy of the records where the page says, and `check` must accept it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from support import Watched
from test_assistant import NOW, _open, _panel, _serve

from generator.cli import main
from generator.findings import Severity
from generator.pipeline import check
from generator.yamlio import parse

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "records"
AS_OF = dt.date(2026, 11, 29)
HOSTILE = '<img src=x onerror=alert(1)> 整改: "要点" #1 \\ {a: [b]}'
SPRING_2027 = """  - id: 2026-2027-2
    name: 2026—2027学年第二学期
    start: 2027-03-01
    end: 2027-07-09
    exempt_months: [2027-07]
"""


def sample_records(target: Path) -> Path:
    """The sample records, with hqzs's 2026 plan not yet written and a spring 2027
    semester, so that next year can be planned too."""
    shutil.copytree(SAMPLE, target)
    (target / "plans" / "hqzs" / "2026.yaml").unlink()
    org = target / "org.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(text.replace("deadlines:\n", SPRING_2027 + "deadlines:\n", 1), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("followup")
    records = sample_records(tmp / "records")
    site, build = tmp / "site", tmp / "build"
    args = ["build", "--records", str(records), "--as-of", AS_OF.isoformat()]
    assert main([*args, "--site-dir", str(site), "--build-dir", str(build)]) == 0
    server, url = _serve(site)
    yield url, site
    server.shutdown()
    server.server_close()


@pytest.fixture
def watched(browser):
    watched = Watched(browser, viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    watched.context.clock.set_fixed_time(NOW)
    yield watched
    assert watched.outside == [], watched.outside
    assert watched.errors == [], watched.errors
    watched.close()


def _records(tmp_path: Path) -> Path:
    return sample_records(tmp_path / "records")


def _mine(records: Path, relative: str) -> list:
    shown = f"records/{relative}"
    return [f for f in check(records, AS_OF).findings if f.file == shown]


def _yaml(page) -> str:
    return page.locator("#zxz-a-yaml").text_content()


def _ok(page) -> bool:
    return "已通过格式检查" in page.inner_text(".zxz-a-status")


# ---------------------------------------------------------------- the data and the schema


def test_the_plan_schema_and_rectification_data_are_in_the_site(site_url):
    _, site = site_url
    folder = site / "assistant"
    copy = folder / "plan.schema.json"
    assert copy.read_bytes() == (ROOT / "schemas" / "plan.schema.json").read_bytes()
    assert (folder / "followup.js").is_file()
    script = (folder / "assistant-data.js").read_text(encoding="utf-8")
    bundle = json.loads(script.split("=", 1)[1].rstrip().rstrip(";"))
    assert bundle["plan_schema"]["title"] == "中心组年度学习计划"
    data = bundle["data"]
    assert data["plan_months"]["2026"] == [
        "2026-03", "2026-04", "2026-05", "2026-06", "2026-09", "2026-10", "2026-11", "2026-12",
    ]  # fmt: skip
    assert data["plan_months"]["2027"][:2] == ["2027-03", "2027-04"]
    assert "2027-07" not in data["plan_months"]["2027"]  # exempt
    assert "2026" in data["plans"]["kjxy"] and "hqzs" not in data["plans"]
    wgyxy = next(s for s in data["sessions"]["wgyxy"] if s["slug"] == "2026-10-19")
    assert wgyxy["audits"][0]["rectify_by"] == "2026-11-19"
    assert wgyxy["audits"][0]["rectification"] is None
    assert "研讨时间偏短" in wgyxy["audits"][0]["problems"]


# ---------------------------------------------------------------- 整改情况


def test_a_rectification_from_the_page_passes_check(watched, site_url, tmp_path):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="整改情况").click()
    panel = _panel(page, "rectification")
    panel.locator("select").nth(0).select_option("wgyxy")
    # the one audit that asked for a rectification is chosen, its problems shown
    assert "研讨时间偏短" in panel.inner_text() and "2026-11-19" in panel.inner_text()
    assert not _ok(page)  # 整改措施及成效 is still empty
    panel.locator("[data-ptr='/measures']").fill(HOSTILE)
    panel.locator("[data-ptr='/filed']").fill("2026-11-18")
    assert _ok(page), page.inner_text(".zxz-a-status")
    assert page.locator("#zxz-a-yaml img").count() == 0  # typed text stays text
    assert "末尾" in page.inner_text(".zxz-a-howto")
    snippet = _yaml(page)
    assert snippet.startswith("    rectification:")

    records = _records(tmp_path)
    path = records / "sessions" / "wgyxy" / "2026-10-19.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.endswith("    rectify_by: 2026-11-19\n")  # the audit is the file's last item
    path.write_text(text + snippet, encoding="utf-8")
    assert _mine(records, "sessions/wgyxy/2026-10-19.yaml") == []  # filed on time
    audit = parse(path.read_bytes()).data["audits"][0]
    assert audit["rectification"] == {"measures": HOSTILE, "filed": "2026-11-18"}


def test_a_late_rectification_is_a_note_not_a_refusal(watched, site_url):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="整改情况").click()
    panel = _panel(page, "rectification")
    panel.locator("select").nth(0).select_option("wgyxy")
    panel.locator("[data-ptr='/measures']").fill("延长研讨时间")
    assert panel.locator("[data-ptr='/filed']").input_value() == "2026-11-29"  # today
    assert _ok(page)
    assert "记为迟报" in page.inner_text(".zxz-a-notes")


def test_only_the_date_is_added_to_measures_already_written(watched, site_url, tmp_path):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="整改情况").click()
    panel = _panel(page, "rectification")
    panel.locator("select").nth(0).select_option("whcm")
    panel.locator("select").nth(1).select_option("2026-11-09|g3")
    assert panel.locator("[data-ptr='/measures']").is_hidden()
    assert _ok(page)
    snippet = _yaml(page)
    assert snippet.startswith("      filed: 2026-11-29") and "measures" not in snippet
    assert "measures 那一行后面" in page.inner_text(".zxz-a-howto")

    records = _records(tmp_path)
    path = records / "sessions" / "whcm" / "2026-11-09.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("      measures:"))
    path.write_text("".join([*lines[: at + 1], snippet, *lines[at + 1 :]]), encoding="utf-8")
    assert _mine(records, "sessions/whcm/2026-11-09.yaml") == []
    assert parse(path.read_bytes()).data["audits"][0]["rectification"]["filed"] == "2026-11-29"


@pytest.mark.parametrize(
    ("unit", "choice", "date", "words"),
    [
        ("jrxy", "2026-04-20|g2", "2026-11-01", "已经报送"),  # filed: an edit with an amendment
        ("wgyxy", "2026-10-19|g3", "2026-12-01", "晚于今天"),
        ("wgyxy", "2026-10-19|g3", "2026-10-18", "早于学习日期"),
    ],
)
def test_rectification_refusals(watched, site_url, unit, choice, date, words):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="整改情况").click()
    panel = _panel(page, "rectification")
    panel.locator("select").nth(0).select_option(unit)
    panel.locator("select").nth(1).select_option(choice)
    if panel.locator("[data-ptr='/measures']").is_visible():
        panel.locator("[data-ptr='/measures']").fill("整改措施")
    panel.locator("[data-ptr='/filed']").fill(date)
    assert words in page.inner_text(".zxz-a-status")
    assert page.locator(".zxz-a-copy").is_disabled()


def test_filed_without_measures_is_refused_in_the_checkers_words(watched, site_url):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="整改情况").click()
    panel = _panel(page, "rectification")
    panel.locator("select").nth(0).select_option("wgyxy")
    page.locator(".zxz-a-generate").click()  # problems of untouched fields show on 生成
    status = page.inner_text(".zxz-a-status")
    assert "「整改情况 › 整改情况报送日期」（filed）已填写，说明整改情况已报送" in status
    assert "「整改情况 › 整改措施及成效」（measures）" in status


# ---------------------------------------------------------------- 年度学习计划


def test_a_plan_from_the_page_passes_check(watched, site_url, tmp_path):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="年度学习计划").click()
    panel = _panel(page, "plan")
    panel.locator("[data-ptr='/unit']").select_option("hqzs")
    assert panel.locator("[data-ptr='/year']").input_value() == "2026"  # hqzs has none yet
    labels = panel.locator(".zxz-a-months label").all_inner_texts()
    assert [re.sub(r" · .*", "", label) for label in labels] == [
        "2026年3月", "2026年4月", "2026年5月", "2026年6月",
        "2026年9月", "2026年10月", "2026年11月", "2026年12月",
    ]  # fmt: skip
    areas = panel.locator(".zxz-a-months textarea")
    areas.nth(0).fill(
        "传达学习2026年全国两会精神和《政府工作报告》\n学习习近平总书记关于安全生产的重要论述"
    )
    areas.nth(1).fill("  学习习近平总书记关于教育的重要论述  \n\n")
    areas.nth(2).fill(HOSTILE)
    panel.locator("[data-ptr='/filed']").fill("2026-03-25")
    assert _ok(page), page.inner_text(".zxz-a-status")
    assert "records/plans/hqzs/2026.yaml" in page.inner_text(".zxz-a-file")
    assert "2026年6月" in page.inner_text(".zxz-a-notes")  # months left to fill in later
    assert page.locator("#zxz-a-yaml img").count() == 0
    with page.expect_download() as info:
        page.locator(".zxz-a-download").click()
    assert info.value.suggested_filename == "2026.yaml"
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text == _yaml(page)
    assert text.splitlines()[0].endswith("schemas/plan.schema.json")

    records = _records(tmp_path)
    (records / "plans" / "hqzs" / "2026.yaml").write_text(text, encoding="utf-8")
    result = check(records, AS_OF)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    mine = [f.rule for f in result.findings if f.file == "records/plans/hqzs/2026.yaml"]
    assert mine == ["plan-topic-unstudied"]  # May's (hostile) title was never studied
    plan = next(p for p in result.records.plans if p.unit == "hqzs")
    assert plan.filed == dt.date(2026, 3, 25)
    assert [(i.month, i.topics) for i in plan.items] == [
        (
            "2026-03",
            (
                "传达学习2026年全国两会精神和《政府工作报告》",
                "学习习近平总书记关于安全生产的重要论述",
            ),
        ),
        ("2026-04", ("学习习近平总书记关于教育的重要论述",)),
        ("2026-05", (HOSTILE,)),
    ]
    # the months left empty are comments a liaison can fill in later
    assert '  # - month: "2026-06"' in text


def test_an_existing_plan_is_refused_and_next_year_offered(watched, site_url, tmp_path):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="年度学习计划").click()
    panel = _panel(page, "plan")
    panel.locator("[data-ptr='/unit']").select_option("kjxy")
    year = panel.locator("[data-ptr='/year']")
    assert year.input_value() == "2027"  # kjxy has its 2026 plan: next year's is offered
    assert panel.locator(".zxz-a-months label").first.inner_text().startswith("2027年3月")
    year.select_option("2026")
    panel.locator(".zxz-a-months textarea").first.fill("学习内容")
    assert "已经有了" in page.inner_text(".zxz-a-status")
    assert page.locator(".zxz-a-copy").is_disabled()
    year.select_option("2027")
    panel.locator(".zxz-a-months textarea").first.fill("传达学习2027年全国两会精神")
    panel.locator("[data-ptr='/filed']").fill("2026-12-01")
    assert "晚于今天" in page.inner_text(".zxz-a-status")
    panel.locator("[data-ptr='/filed']").fill("")
    assert _ok(page)
    records = _records(tmp_path)
    (records / "plans" / "kjxy" / "2027.yaml").write_text(_yaml(page), encoding="utf-8")
    assert _mine(records, "plans/kjxy/2027.yaml") == []  # not due before 2027-03-31


def test_an_empty_plan_is_refused_in_the_schemas_words(watched, site_url):
    page = _open(watched, site_url[0])
    page.get_by_role("tab", name="年度学习计划").click()
    _panel(page, "plan").locator("[data-ptr='/unit']").select_option("hqzs")
    page.locator(".zxz-a-generate").click()  # problems of untouched fields show on 生成
    status = page.inner_text(".zxz-a-status")
    assert "「学习安排」（items）至少要写 1 项" in status
    assert page.locator(".zxz-a-download").is_disabled()


def test_problems_and_planned_titles_reach_the_page_masked(tmp_path):
    """The page's data is published: a mobile number in 问题和建议 or a planned title is
    masked there as on every page (payload, as test_assistant.py checks the rest)."""
    from generator.site.assistant import payload

    records = _records(tmp_path)
    path = records / "sessions" / "wgyxy" / "2026-10-19.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("研讨时间偏短", "研讨时间偏短（联系 13912345678）", 1), "utf-8")
    plan = records / "plans" / "kjxy" / "2026.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace(
            "      - 学习习近平总书记关于教育的重要论述", "      - 学习（13912345678）", 1
        ),
        "utf-8",
    )
    masked = json.dumps(payload(check(records, AS_OF), {}), ensure_ascii=False)
    assert "13912345678" not in masked and masked.count("139****5678") == 2
