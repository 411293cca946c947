"""Record format v2 on the site, in the 台账 and in the overdue report: the 整改台账, the
年度学习计划 pages, the follow-up on 附件2, unit, group and home pages.

The records are the sample ones with hqzs's 2026 plan never written (so one plan is
missing) and hostile text in a rectification and a planned title.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from openpyxl import load_workbook
from support import MOBILE, Page
from test_site import long_history

from generator import overdue
from generator.cli import main
from generator.exports.xlsx import semester_xlsx
from generator.pipeline import check
from generator.site import generate
from generator.site.followup import build_followup
from generator.site.view import build_data

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "records"
AS_OF = "2026-11-29"
TODAY = dt.date(2026, 11, 29)
HOSTILE_MEASURES = f"<img src=x onerror=alert(1)> | a | b | 联系 {MOBILE}"
HOSTILE_TITLE = "[x](javascript:alert(1)) {: onclick=alert(1) }"


def followup_records(tmp: Path) -> Path:
    records = tmp / "records"
    shutil.copytree(SAMPLE, records)
    (records / "plans" / "hqzs" / "2026.yaml").unlink()
    path = records / "sessions" / "whcm" / "2026-11-09.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      measures: 已拟定理论问题抽查题库（初稿），12月学习时首次抽查\n"
    assert old in text
    path.write_text(
        text.replace(old, f"      measures: {json.dumps(HOSTILE_MEASURES, ensure_ascii=False)}\n"),
        encoding="utf-8",
    )
    plan = records / "plans" / "ysxy" / "2026.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "      - 学习习近平总书记关于党的建设的重要思想，纪念中国共产党成立105周年\n"
    assert old in text
    plan.write_text(
        text.replace(old, old + f"      - {json.dumps(HOSTILE_TITLE, ensure_ascii=False)}\n"),
        encoding="utf-8",
    )
    return records


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("followup-site")
    records = followup_records(tmp)
    site, build = tmp / "site", tmp / "build"
    args = ["build", "--records", str(records), "--as-of", AS_OF]
    assert main([*args, "--site-dir", str(site), "--build-dir", str(build)]) == 0
    return site, build, records


def html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def rows(site: Path, page: str) -> list[str]:
    """The text-and-markup of every table row of a page's content."""
    return re.findall(r"<tr>(.*?)</tr>", html(site, page), re.S)


def row_with(site: Path, page: str, *words: str) -> str:
    found = [r for r in rows(site, page) if all(w in r for w in words)]
    assert len(found) == 1, (page, words, len(found))
    return found[0]


def links(site: Path, page: str) -> list[str]:
    """Every internal link of a page, resolved to a path under the site."""
    path = site / page
    out = []
    for tag, attrs in Page.of(path).tags:
        value = attrs.get("href") if tag == "a" else None
        if not value or value.startswith(("#", "data:")) or urlsplit(value).scheme:
            continue
        target = (path.parent / unquote(urlsplit(value).path)).resolve()
        out.append(target.relative_to(site.resolve()).as_posix())
    return out


# ---------------------------------------------------------------- pages and navigation


def test_every_v2_page_exists_and_its_links_resolve(built):
    site, _, _ = built
    pages = [
        "rectification/2025-2026-2.html",
        "rectification/2026-2027-1.html",
        "rectification/index.html",
        "plans/index.html",
        *(f"plans/{unit}/2026.html" for unit in ("kjxy", "ysxy", "whcm", "hqzs")),
    ]
    for page in pages:
        assert (site / page).is_file(), page
        for target in links(site, page):
            assert (site / target).exists(), (page, target)
    assert len(list((site / "plans").glob("*/2026.html"))) == 12  # hqzs's: a missing plan


def test_the_navigation_has_the_new_pages_and_stays_bounded(built, tmp_path):
    _, build, _ = built
    config = (build / "mkdocs.yml").read_text(encoding="utf-8")
    assert "整改台账" in config and "rectification/index.md" in config
    assert "年度学习计划: plans/index.md" in config
    assert "plans/kjxy" not in config  # a plan page is reached through tables
    result = check(long_history(tmp_path), TODAY)
    generate(result, tmp_path / "build")
    config = (tmp_path / "build" / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("rectification/20") == 4  # as many semesters as 学习安排 lists


# ---------------------------------------------------------------- 整改台账


def test_the_ledger_lists_every_audit_with_a_deadline_in_its_status_colour(built):
    site, _, _ = built
    page = "rectification/2026-2027-1.html"
    assert len([r for r in rows(site, page) if "<td" in r]) == 4
    missing = row_with(site, page, "外国语学院党总支")
    assert 'class="zxz-st zxz-st-missing">逾期未报' in missing
    assert "研讨时间偏短" in missing and "2026年11月19日" in missing
    assert "../sessions/wgyxy/2026-10-19.html" in missing
    assert "../audits/wgyxy/2026-10-19-g3.html" in missing and "g3（赵文博）" in missing
    on_time = row_with(site, page, "机关党委")
    assert 'zxz-st-on-time">按时' in on_time and "修订机关党委中心组学习规则" in on_time
    assert "2026年10月23日" in on_time
    assert 'zxz-st-late">迟报' in row_with(site, page, "管理学院党委")
    assert 'zxz-st-pending">未到期' in row_with(site, page, "文化传媒学院党总支")
    spring = "rectification/2025-2026-2.html"
    assert len([r for r in rows(site, spring) if "<td" in r]) == 1
    assert 'zxz-st-on-time">按时' in row_with(site, spring, "金融学院党委")
    index = Page.of(site / "rectification" / "index.html").visible
    assert "2026—2027学年第一学期" in index and "2025—2026学年第二学期" in index


def test_a_later_audit_page_shows_the_earlier_problems_and_their_rectification(built):
    site, _, _ = built
    later = Page.of(site / "audits" / "glxy" / "2026-11-11-g3.html").visible
    assert "以前列席旁听指出的问题" in later
    assert "研讨题目改为会前一周印发" in later and "迟报" in later  # 2026-09-21's rectification
    assert "未要求整改" in later  # 2026-05-13 named problems, no deadline
    found = links(site, "audits/glxy/2026-11-11-g3.html")
    assert "audits/glxy/2026-09-21-g3.html" in found and "audits/glxy/2026-05-13-g3.html" in found
    assert "整改要求" not in later  # this audit asked for none
    own = Page.of(site / "audits" / "whcm" / "2026-11-09-g3.html").visible
    assert "整改要求" in own and "2026年12月10日" in own
    # the planned December audit of wgyxy: what to check on the spot
    planned = html(site, "audits/wgyxy/2026-12-21-g3.html")
    earlier = planned.split("以前列席旁听指出的问题", 1)[1]
    assert "研讨时间偏短" in earlier and "zxz-st-missing" in earlier
    # screen only: the section lies outside the form, which is all a print shows
    form = planned.split('class="zxz-form zxz-form-2"', 1)[1].split("以前列席旁听指出的问题")[0]
    assert "</div>" in form
    first = Page.of(site / "audits" / "jrxy" / "2026-03-23-g2.html").visible
    assert "以前列席旁听指出的问题" not in first  # the unit's first audit: nothing to check


def test_unit_pages_list_open_rectifications_and_the_plan(built):
    site, _, _ = built
    wgyxy = Page.of(site / "units" / "wgyxy.html").visible
    assert "待整改" in wgyxy and "研讨时间偏短" in wgyxy and "逾期未报" in wgyxy
    assert "plans/wgyxy/2026.html" in links(site, "units/wgyxy.html")
    whcm = html(site, "units/whcm.html")
    assert "待整改" in whcm and 'zxz-st-pending">未到期' in whcm
    assert "待整改" not in Page.of(site / "units" / "glxy.html").visible  # reported, if late
    kjxy = Page.of(site / "units" / "kjxy.html").visible
    assert "待整改" not in kjxy  # nothing asked of it
    hqzs = Page.of(site / "units" / "hqzs.html").visible
    assert "2026年度学习计划应在 2026年3月31日前报党委宣传部备案" in hqzs


def test_group_pages_follow_up_and_keep_their_record_table(built):
    site, _, _ = built
    g3 = Page.of(site / "groups" / "g3.html").visible
    assert "督促整改" in g3 and "外国语学院党总支" in g3
    assert "记录表逾期未报" not in g3  # a rectification is the unit's to report
    groups = row_with(site, "groups/index.html", "g3（赵文博）")
    assert 'zxz-st-on-time">0' in groups


def test_a_session_page_shows_its_rectification(built):
    site, _, _ = built
    text = Page.of(site / "sessions" / "wgyxy" / "2026-10-19.html").visible
    assert "整改情况" in text and "2026年11月19日" in text and "逾期未报" in text


def test_rectifications_stay_out_of_the_sessions_status_and_the_stats(built):
    _, _, records = built
    data = build_data(check(records, TODAY))
    assert not [f for v in data.sessions for f in v.filings if f.kind == "rectification"]
    view = data.by_path["records/sessions/wgyxy/2026-10-19.yaml"]
    assert view.status is not None and view.status.value == "on_time"
    follow = build_followup(data)
    assert [r.view.session.unit for r in follow.open_rectifications("wgyxy")] == ["wgyxy"]
    assert data.pending("group", "g3") == []  # whcm's open rectification is not g3's filing


# ---------------------------------------------------------------- 年度学习计划


def test_the_plan_page_sets_the_plan_against_the_sessions(built):
    site, _, _ = built
    page = "plans/ysxy/2026.html"
    june = row_with(site, page, "<strong>2026年6月</strong>")
    assert "学习习近平总书记关于党的建设的重要思想" in june and "zxz-st-missing" in june
    assert "✗ 未学习" in june
    march = row_with(site, page, "<strong>2026年3月</strong>")
    assert "✓ 已学习" in march and "../../sessions/ysxy/2026-03-30.html" in march
    december = row_with(site, page, "<strong>2026年12月</strong>")
    assert "已安排" in december and "../../sessions/ysxy/2026-12-16.html" in december
    text = Page.of(site / page).visible
    assert "未学习 2 项" in text  # the planned title and the hostile one
    hqzs = Page.of(site / "plans" / "hqzs" / "2026.html").visible
    assert "逾期未报" in hqzs and "new --plan --unit hqzs --year 2026" in hqzs
    whcm = html(site, "plans/whcm/2026.html")
    assert "已报送（迟报）" in whcm
    hqzs_may = Page.of(site / "plans" / "index.html")
    assert "年度学习计划" in hqzs_may.visible


def test_a_topic_studied_early_counts_and_a_missing_plan_is_marked(built):
    site, _, _ = built
    # the sample's hqzs planned its May topic and studied it on 2026-04-16: earlier counts
    data = build_data(check(SAMPLE, TODAY))
    follow = build_followup(data)
    status = follow.plan_for("hqzs", 2026)
    may = next(m for m in status.months if m.month == "2026-05")
    (topic,) = may.topics
    assert topic.studied_by is not None and topic.studied_by.date == dt.date(2026, 4, 16)
    assert follow.topic_state(may, topic.studied_by) == "studied"
    # here hqzs's plan was never written: the index says so
    (hqzs,) = [r for r in rows(site, "plans/index.html") if "后勤直属党支部" in r]
    assert 'zxz-st-missing">逾期未报' in hqzs and "hqzs/2026.html" in hqzs


def test_the_home_page_lists_overdue_rectifications_and_missing_plans(built):
    site, _, _ = built
    page = "index.html"
    rectification = row_with(site, page, "整改情况（g3）")
    assert "外国语学院党总支" in rectification and "2026年11月19日" in rectification
    assert "10 天" in rectification
    plan = row_with(site, page, "2026年度学习计划")
    assert "后勤直属党支部" in plan and "2026年3月31日" in plan and "243 天" in plan
    assert "plans/hqzs/2026.html" in links(site, page)
    card = re.search(
        r'zxz-card-num">(\d+)</span><span class="zxz-card-label">件材料逾期未报', html(site, page)
    )
    assert card and card.group(1) == "3"  # xxgc's audit record, wgyxy's rectification, hqzs's plan


def test_record_text_in_rectifications_and_plans_is_never_markup(built):
    site, _, _ = built
    for page in (
        "rectification/2026-2027-1.html",
        "audits/whcm/2026-11-09-g3.html",
        "sessions/whcm/2026-11-09.html",
        "units/whcm.html",
        "groups/g3.html",
        "plans/ysxy/2026.html",
    ):
        parsed = Page.of(site / page)
        for tag, attrs in parsed.tags:
            assert tag != "img" or attrs.get("src") != "x", page
            for name, value in attrs.items():
                assert not name.startswith("on"), (page, tag, name)
                assert not (value or "").lower().startswith("javascript:"), (page, tag, name)
        text = html(site, page)
        assert MOBILE not in text and "<img src=x" not in text, page
    audit = Page.of(site / "audits" / "whcm" / "2026-11-09-g3.html").visible
    assert "<img src=x onerror=alert(1)> | a | b | 联系 139****5678" in audit
    assert HOSTILE_TITLE in Page.of(site / "plans" / "ysxy" / "2026.html").visible


# ---------------------------------------------------------------- the 台账 and the overdue report


def test_the_ledger_workbook_has_rectification_and_plan_sheets(built):
    _, _, records = built
    result = check(records, TODAY)
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1")))
    assert book.sheetnames[-2:] == ["整改", "学习计划"]
    sheet = book["整改"]
    header = [c.value for c in sheet[1]]
    found = {
        row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)
    }
    assert set(found) == {"wgyxy", "jgdw", "glxy", "whcm"}
    wgyxy = found["wgyxy"]
    assert wgyxy["状态"].value == "逾期未报" and wgyxy["状态"].fill.fgColor.rgb.endswith("FFC7CE")
    assert wgyxy["整改期限"].value == dt.datetime(2026, 11, 19)
    assert found["whcm"]["整改措施及成效"].value == HOSTILE_MEASURES  # full: the office copy
    plans = book["学习计划"]
    header = [c.value for c in plans[1]]
    table = [
        dict(zip(header, r, strict=True)) for r in plans.iter_rows(min_row=2, values_only=True)
    ]
    hqzs = [r for r in table if r["单位编号"] == "hqzs"]
    assert len(hqzs) == 1 and hqzs[0]["计划报送状态"] == "逾期未报" and hqzs[0]["月份"] is None
    assert {r["月份"] for r in table if r["单位编号"] == "kjxy"} == {
        "2026年9月", "2026年10月", "2026年11月", "2026年12月",
    }  # fmt: skip
    spring = load_workbook(io.BytesIO(semester_xlsx(result, "2025-2026-2")))["学习计划"]
    header = [c.value for c in spring[1]]
    table = [
        dict(zip(header, r, strict=True)) for r in spring.iter_rows(min_row=2, values_only=True)
    ]
    june = [r for r in table if r["单位编号"] == "ysxy" and r["月份"] == "2026年6月"]
    assert [r["状态"] for r in june] == ["未学习", "未学习"]
    whcm = next(r for r in table if r["单位编号"] == "whcm")
    assert whcm["计划报送状态"] == "迟报" and whcm["计划报送日期"] == dt.datetime(2026, 4, 7)


def test_overdue_lists_overdue_rectifications_and_missing_plans(built, capsys):
    """overdue takes every *-missing finding by its suffix: the v2 ones too, in a
    section of their own, and exactly what check says."""
    _, _, records = built
    result = check(records, TODAY)
    rules = [f.rule for f in overdue.overdue_findings(result)]
    assert "rectification-missing" in rules and "plan-missing" in rules
    assert rules == [f.rule for f in result.findings if f.rule.endswith("-missing")]
    body = overdue.as_markdown(result)
    section = body.split("### 整改情况和年度学习计划（2 项）", 1)[1].split("###")[0]
    assert overdue._cell("records/sessions/wgyxy/2026-10-19.yaml") in section
    assert "后勤直属党支部（hqzs）" in section and "2026年" in section
    assert "### 其他" not in body
    main(["overdue", "--records", str(records), "--as-of", AS_OF, "--format", "json"])
    payload = json.loads(capsys.readouterr().out)
    plan = next(f for f in payload["findings"] if f["rule"] == "plan-missing")
    assert plan["year"] == 2026 and plan["unit"] == "hqzs" and plan["file"] is None


def test_a_new_missing_rule_would_still_be_listed(built, monkeypatch):
    """A rule id ending in -missing that no section names falls under 其他, never lost."""
    _, _, records = built
    monkeypatch.setattr(overdue, "SECTIONS", overdue.SECTIONS[:-1])
    body = overdue.as_markdown(check(records, TODAY))
    assert "### 其他（2 项）" in body
    assert overdue._cell("records/sessions/wgyxy/2026-10-19.yaml") in body


def test_plans_before_plans_from_are_shown_but_never_late_or_missing(tmp_path):
    """rules.md: no plan rule before plans_from; the site and the 台账 say 已报送 / 不要求."""
    from generator.site.render import Options, render_pages

    records = followup_records(tmp_path)  # hqzs has no 2026 plan; whcm's was filed late
    org = records / "org.yaml"
    org.write_text(
        org.read_text(encoding="utf-8").replace("plans_from: 2026", "plans_from: 2027"),
        encoding="utf-8",
    )
    result = check(records, TODAY)
    assert not [f for f in result.findings if f.rule.startswith("plan-")]
    pages = render_pages(build_data(result), Options())
    whcm = pages["plans/whcm/2026.md"]
    assert "已报送</span>" in whcm and "迟报" not in whcm
    assert "plans/hqzs/2026.md" not in pages  # not owed, no file: nothing to show
    assert "年度学习计划](plans/hqzs" not in pages["index.md"]
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2025-2026-2")))["学习计划"]
    header = [c.value for c in book[1]]
    words = {r[header.index("计划报送状态")] for r in book.iter_rows(min_row=2, values_only=True)}
    assert words == {"不要求"}


def test_plan_and_ledger_pages_stay_out_of_the_search_index(built):
    """Their text is the records' (topics, problems): searching a topic finds the session."""
    site, _, _ = built
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert "sessions/ysxy/2026-03-30.html" in locations
    assert not [loc for loc in locations if loc.startswith(("plans/ysxy", "rectification/20"))]
    assert "plans/index.html" in locations and "rectification/index.html" in locations
