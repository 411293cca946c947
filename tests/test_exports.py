"""Exports, opened with their own libraries: python-docx, openpyxl, icalendar."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
import zoneinfo
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from icalendar import Calendar
from lxml import etree
from openpyxl import load_workbook

from generator.cli import main
from generator.exports import (
    FULL,
    calendar_ics,
    docx,
    masked,
    merged_docx,
    semester_xlsx,
    session_docx,
    write_exports,
)
from generator.exports.common import (
    calendar_path,
    clean,
    semester_xlsx_path,
    session_docx_path,
    unit_semester_docx_path,
)
from generator.exports.ics import Calendars, feeds, uid
from generator.exports.xlsx import Ledger
from generator.pipeline import CheckResult, check
from generator.rules import Status

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"
TODAY = dt.date(2026, 11, 29)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def result() -> CheckResult:
    return check(SAMPLES, TODAY)


def session(result: CheckResult, path: str):
    return next(s for s in result.records.sessions if s.path == f"records/sessions/{path}.yaml")


# ---------------------------------------------------------------- Word: 附件1 and 附件2


def test_docx_form1_has_the_records_fields_in_the_forms_cells(result: CheckResult) -> None:
    s = session(result, "mkszy/2026-09-10")
    document = Document(io.BytesIO(session_docx(s, result.records.org)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "附件1"
    assert "基层党委（党总支）理论学习中心组学习安排表" in texts
    assert f"（2026年第{s.year_seq}次）" in texts
    header = next(t for t in texts if t.startswith("党组织名称（盖章）"))
    assert "马克思主义学院党总支" in header
    assert f"填报时间：2026年{s.arrangement_filed.month}月{s.arrangement_filed.day}日" in header
    table = document.tables[0]
    assert table.cell(0, 0).text == "中心组学习\n时间及地点"
    assert table.cell(0, 1).text == f"2026年9月10日（星期四）{s.time}  {s.location}"
    assert table.cell(1, 1).text == f"{s.members}人"
    assert table.cell(2, 1).text == f"{s.host.name}  {s.host.title}"
    assert table.cell(3, 0).text == "学习内容"
    topics = table.cell(3, 1).text.split("\n")
    assert topics[0] == f"1. {s.topics[0].title}（第一议题）" and len(topics) == len(s.topics)
    assert table.cell(4, 0).text == "交流研讨\n人员、职务\n及发言提纲"
    speaker = s.speakers[0]
    assert table.cell(4, 1).text == f"{speaker.name}（{speaker.title}）：{speaker.outline}"
    assert table.cell(8, 0).text == table.cell(4, 0).text  # one merged cell, five rows
    last = table.rows[-1].cells
    assert last[0].text == "联系人及\n联系电话"
    assert last[1].text == f"{s.contact.name}  {s.contact.phone}"  # in full: an office document
    assert texts[texts.index(header) + 1].startswith("注：此表一式两份")  # right after the table


def test_docx_form2_per_audit_with_findings_and_signatures(result: CheckResult) -> None:
    s = session(result, "mkszy/2026-09-10")
    audit = s.audits[0]
    document = Document(io.BytesIO(session_docx(s, result.records.org)))
    assert len(document.tables) == 1 + len(s.audits)
    table = document.tables[1]
    assert table.cell(0, 0).text == "旁听重点" and table.cell(0, 2).text == "主要情况"
    assert [table.cell(r, 0).text for r in range(1, 5)] == [
        "1.组织领导",
        "2.学习内容",
        "3.学习方式",
        "4.学习效果",
    ]
    assert "成员参加率是否达到90%" in table.cell(1, 1).text
    assert table.cell(1, 2).text == audit.findings.organization
    assert table.cell(2, 2).text == audit.findings.content
    assert table.cell(3, 2).text == audit.findings.method
    assert table.cell(4, 2).text == audit.findings.effect
    assert table.cell(5, 0).text == "问题和建议" and table.cell(5, 1).text == audit.problems
    texts = [p.text for p in document.paragraphs]
    form2 = texts.index("附件2")
    assert document.paragraphs[form2].paragraph_format.page_break_before
    assert "基层党委（党总支）理论学习中心组学习列席旁听记录表" in texts[form2:]
    assert any(t.startswith("列席旁听单位：马克思主义学院党总支") and "旁听时间：2026年9月10日" in t
               for t in texts)  # fmt: skip
    signature = next(t for t in texts if t.startswith("列席旁听组组长"))
    filed = audit.filed
    assert signature == (
        "列席旁听组组长：孙明德\t列席旁听组联络员：周文静\n"
        f"\t填报时间：{filed.year}年{filed.month}月{filed.day}日"
    )


def test_docx_is_a4_with_a_chinese_font(result: CheckResult) -> None:
    s = session(result, "kjxy/2026-10-12")
    document = Document(io.BytesIO(session_docx(s, result.records.org)))
    section = document.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.01)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    run = document.tables[0].cell(0, 1).paragraphs[0].runs[0]
    assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert len(document.tables) == 1  # no audit: 附件1 only


def test_a_planned_audit_prints_a_blank_form2(result: CheckResult) -> None:
    s = session(result, "mkszy/2026-12-23")
    document = Document(io.BytesIO(session_docx(s, result.records.org)))
    table = document.tables[1]
    assert [table.cell(r, 2).text for r in range(1, 5)] == ["", "", "", ""]
    signature = next(p.text for p in document.paragraphs if p.text.startswith("列席旁听组组长"))
    assert signature.endswith("填报时间：    年    月    日")
    first = next(p.text for p in document.paragraphs if p.text.startswith("党组织名称"))
    assert first.endswith("填报时间：    年    月    日")  # no arrangement filed yet


def _footer_text(document) -> str:
    return "".join(p.text for p in document.sections[0].footer.paragraphs)


def test_the_footer_names_the_institution_not_the_record_file(result: CheckResult) -> None:
    s = session(result, "kjxy/2026-10-12")
    footer = _footer_text(Document(io.BytesIO(session_docx(s, result.records.org))))
    assert footer == "兰州工商学院"
    assert "records/" not in footer and ".yaml" not in footer


def _page_breaks(document) -> list[tuple[str, bool]]:
    """(附件1 | 附件2, starts a page) for every form heading, in order."""
    return [
        (p.text, bool(p.paragraph_format.page_break_before))
        for p in document.paragraphs
        if p.text in ("附件1", "附件2")
    ]


def test_a_units_semester_is_one_merged_word_file(result: CheckResult, tmp_path: Path) -> None:
    """What an office prints at the end of a semester: every 附件1 and 附件2 of the unit,
    in date order, each form on a page of its own."""
    written = write_exports(result, tmp_path)
    path = tmp_path / unit_semester_docx_path("mkszy", "2026-2027-1")
    assert path in written
    document = Document(path)
    sessions = [
        s
        for s in result.records.sessions
        if s.unit == "mkszy" and dt.date(2026, 9, 1) <= s.date <= dt.date(2027, 1, 15)
    ]
    audits = sum(len(s.audits) for s in sessions)
    assert len(sessions) >= 4 and audits >= 2
    expected = []
    for number, s in enumerate(sessions):
        expected.append(("附件1", number > 0))
        expected += [("附件2", True)] * len(s.audits)
    assert _page_breaks(document) == expected
    assert len(document.tables) == len(sessions) + audits
    # the forms are the sessions', in date order
    heads = [p.text for p in document.paragraphs if p.text.startswith("（2026年第")]
    assert heads == [f"（2026年第{s.year_seq}次）" for s in sessions]
    first = document.tables[0].cell(0, 1).text
    assert first.startswith(f"{sessions[0].date.year}年{sessions[0].date.month}月")
    assert _footer_text(document) == "兰州工商学院"
    assert document.core_properties.title == (
        "马克思主义学院党总支 2026—2027学年第一学期 中心组学习表格（附件1、附件2）"
    )
    # one file per unit and semester that has sessions
    merged = {p.relative_to(tmp_path).as_posix() for p in written if p.suffix == ".docx"}
    merged = {name for name in merged if name.startswith("exports/units/")}
    assert "exports/units/kjxy/2025-2026-2.docx" in merged and len(merged) == 24


# ---------------------------------------------------------------- Excel: 台账


def row_of(sheet, column: str, value: object) -> dict[str, object]:
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        if cells[column].value == value:
            return cells
    raise AssertionError(f"no row with {column} = {value!r}")


def test_xlsx_sheets_headers_and_sessions(result: CheckResult) -> None:
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1")))
    assert book.sheetnames == [
        *("学习记录", "列席旁听", "其他单位列席", "报送情况", "督查统计"),
        *("整改", "学习计划"),  # v2: tests/test_followup_site.py
    ]
    sheet = book["学习记录"]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.b for c in sheet[1])
    assert sheet.column_dimensions["M"].width == 48  # 学习内容
    s = session(result, "kjxy/2026-10-12")
    row = row_of(sheet, "记录文件", s.path)
    assert row["学习日期"].value == dt.datetime(2026, 10, 12)
    assert row["学习日期"].is_date and row["学习日期"].number_format == "yyyy-mm-dd"
    assert row["时间"].value == dt.time(14, 30)
    assert row["实到人数"].value == 12 and row["中心组人数"].value == 15
    assert row["参加率"].value == pytest.approx(0.8) and row["参加率"].number_format == "0%"
    assert row["联系电话"].value == "0931-8562101"
    assert row["学习内容"].value.startswith(f"1. {s.topics[0].title}（第一议题）")
    assert row["安排表报送日期"].value == dt.datetime(2026, 10, 9)
    # only this semester's sessions
    paths = [c.value for c in sheet["U"][1:]]
    assert "records/sessions/kjxy/2026-05-19.yaml" not in paths
    assert len(paths) == len([x for x in result.records.sessions if x.date >= dt.date(2026, 9, 1)])


def test_xlsx_audits_visits_and_filings(result: CheckResult) -> None:
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1")))
    audit = row_of(book["列席旁听"], "记录文件", "records/sessions/xxgc/2026-11-05.yaml")
    assert audit["列席旁听组"].value == "g1" and audit["组长"].value == "孙明德"
    assert audit["应报日期"].value == dt.datetime(2026, 11, 8)
    assert audit["状态"].value == "逾期未报"
    assert audit["状态"].fill.fgColor.rgb.endswith("FFC7CE")
    planned = row_of(book["列席旁听"], "记录文件", "records/sessions/mkszy/2026-12-23.yaml")
    assert planned["状态"].value == "计划列席"
    visit = row_of(book["其他单位列席"], "记录文件", "records/sessions/kjxy/2026-11-03.yaml")
    assert (visit["列席单位"].value, visit["姓名"].value, visit["职务"].value) == (
        "管理学院党委",
        "韩雪",
        "副书记",
    )
    assert visit["书面报告日期"].value == dt.datetime(2026, 11, 4) and visit["状态"].value == "按时"
    filings = book["报送情况"]
    semester_filings = [
        f for f in result.evaluation.filings if f.session.date >= dt.date(2026, 9, 1)
    ]
    assert filings.max_row - 1 == len(semester_filings)
    header = [c.value for c in filings[1]]
    rows = [
        dict(zip(header, r, strict=True)) for r in filings.iter_rows(min_row=2, values_only=True)
    ]
    arrangement = next(
        r for r in rows
        if r["记录文件"] == "records/sessions/jgdw/2026-12-02.yaml"
        and r["报送事项"] == "学习安排报送表（报联系校领导）"
    )  # fmt: skip
    assert arrangement["应报日期"] == dt.datetime(2026, 11, 30)
    assert arrangement["状态"] == Status.ON_TIME.chinese
    statuses = {r["状态"] for r in rows}
    assert {"按时", "未到期", "逾期未报"} <= statuses


def test_xlsx_compliance_matrix(result: CheckResult) -> None:
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2025-2026-2")))
    sheet = book["督查统计"]
    assert sheet.freeze_panes == "F2"
    tsgzs = row_of(sheet, "单位编号", "tsgzs")
    assert tsgzs["列席旁听组列席"].value == "未完成"  # the planted group-audit-missing
    assert tsgzs["邀请其他单位列席"].value == "不要求"  # 直属党支部 owe no invitations
    hqzs = row_of(sheet, "单位编号", "hqzs")
    assert hqzs["2026年5月学习"].value == "未完成"
    assert hqzs["2026年4月学习"].value == "已完成（1次）"
    assert hqzs["2026年7月学习"].value == "免"  # exempt month
    kjxy = row_of(sheet, "单位编号", "kjxy")
    assert kjxy["列席旁听组列席"].value.startswith("已完成")


def test_xlsx_compliance_matrix_of_all_semesters_has_a_column_per_month_of_the_year(
    result: CheckResult,
) -> None:
    """all.xlsx: a row per unit and semester, months as 1月…12月, so that a long history
    adds rows and not columns."""
    sheet = load_workbook(io.BytesIO(semester_xlsx(result, None)))["督查统计"]
    header = [c.value for c in sheet[1]]
    months = [h for h in header if h.endswith("月学习")]
    assert months == [f"{m}月学习" for m in (3, 4, 5, 6, 7, 9, 10, 11, 12, 1)]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    spring = next(
        r for r in rows if r["单位编号"] == "hqzs" and r["学期"] == "2025—2026学年第二学期"
    )
    assert spring["5月学习"] == "未完成" and spring["4月学习"] == "已完成（1次）"
    assert spring["7月学习"] == "免" and spring["9月学习"] is None
    autumn = next(
        r for r in rows if r["单位编号"] == "hqzs" and r["学期"] == "2026—2027学年第一学期"
    )
    assert autumn["5月学习"] is None and autumn["9月学习"] is not None


def test_xlsx_cells_look_the_same_to_a_reader(result: CheckResult) -> None:
    """What Excel shows, read back: header look, column widths, the filter, each kind's
    format and alignment, status colours in every sheet that has them, empty cells
    left plain, and the document's title."""
    book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1")))
    assert book.properties.title == "兰州工商学院 中心组学习台账 2026—2027学年第一学期"
    assert book.properties.creator == "兰州工商学院"
    sheet = book["学习记录"]
    for cell in sheet[1]:
        assert cell.font.b and cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb.endswith("DDE5F0")
        assert (cell.alignment.horizontal, cell.alignment.vertical) == ("center", "center")
        assert cell.alignment.wrap_text and cell.data_type == "s"
    widths = {d.min: d.width for d in sheet.column_dimensions.values() if d.customWidth}
    assert (widths[1], widths[2], widths[3]) == (9, 20, 12)  # 单位编号, 党组织名称, 学习日期
    assert sheet.auto_filter.ref == f"A1:U{sheet.max_row}"
    row = row_of(sheet, "记录文件", "records/sessions/kjxy/2026-10-12.yaml")
    assert row["时间"].is_date and row["时间"].number_format == "hh:mm"
    members = row["中心组人数"]
    assert type(members.value) is int and members.data_type == "n"
    assert members.number_format == "General" and not members.alignment.wrap_text
    for text in (row["地点"], row["学习内容"], row["联系电话"], row["记录文件"]):
        assert text.data_type == "s" and text.number_format == "General"
        assert text.alignment.wrap_text and text.alignment.vertical == "top"
        assert not text.font.b and text.fill.fill_type is None
    empty = row_of(sheet, "记录文件", "records/sessions/hqzs/2026-12-11.yaml")["实到人数"]
    assert empty.value is None and empty.number_format == "General"  # planned: no count yet
    assert not empty.alignment.wrap_text and empty.fill.fill_type is None
    filings = book["报送情况"]
    colours = {c.value: c.fill.fgColor.rgb[-6:] for c in filings["H"][1:] if c.fill.fill_type}
    assert colours["按时"] == "C6EFCE" and colours["逾期未报"] == "FFC7CE"
    assert colours["未到期"] == "EDEDED"
    matrix = book["督查统计"]
    assert matrix.auto_filter.ref == f"A1:V{matrix.max_row}"
    kjxy = row_of(matrix, "单位编号", "kjxy")
    assert kjxy["参加率"].number_format == "0.0%" and kjxy["参加率"].data_type == "n"
    assert kjxy["2026年9月学习"].fill.fgColor.rgb.endswith("C6EFCE")
    assert kjxy["2026年12月学习"].value == "进行中"
    assert kjxy["2026年12月学习"].fill.fgColor.rgb.endswith("EDEDED")
    assert kjxy["2027年1月学习"].value == "免" and kjxy["2027年1月学习"].fill.fill_type is None
    assert kjxy["学习次数"].fill.fill_type is None and kjxy["党组织名称"].alignment.wrap_text
    plan = row_of(book["学习计划"], "记录文件", "records/plans/kjxy/2026.yaml")
    assert plan["计划报送状态"].fill.fgColor.rgb.endswith("C6EFCE")  # a plan filed on time
    assert plan["状态"].value == "已学习" and plan["状态"].fill.fgColor.rgb.endswith("C6EFCE")
    assert plan["计划应报日期"].number_format == "yyyy-mm-dd" and plan["年度"].value == 2026


def test_xlsx_of_one_ledger_mask_only_the_masked_copies(result: CheckResult) -> None:
    """A Ledger keeps the cells' text for all the workbooks of a build, apart by privacy:
    the site's copy masks the number, the office copy written after it does not."""
    ledger = Ledger.of(result)
    numbers = []
    for privacy in (masked(), FULL, masked()):
        book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1", privacy, ledger)))
        row = row_of(book["学习记录"], "记录文件", "records/sessions/kjxy/2026-10-12.yaml")
        numbers.append(row["联系电话"].value)
    assert numbers == ["0931-856****", "0931-8562101", "0931-856****"]


def test_xlsx_text_is_never_a_formula_and_control_characters_are_replaced(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    target = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    text = target.read_text(encoding="utf-8")
    text = text.replace(
        "  - title: 学习习近平经济思想",
        '  - title: "=HYPERLINK(\\"http://x\\")\\u0001"\n  - title: 学习',
        1,
    )
    text = text.replace("location: 会计学院楼301会议室", 'location: "@SUM(1)\\u0007<b>"', 1)
    target.write_text(text, encoding="utf-8")
    result = check(records, TODAY)
    assert not [f for f in result.findings if f.severity.label == "error"]
    book = load_workbook(io.BytesIO(semester_xlsx(result, None)))
    row = row_of(book["学习记录"], "记录文件", "records/sessions/kjxy/2026-10-12.yaml")
    assert row["学习内容"].data_type == "s"
    assert '2. =HYPERLINK("http://x")\ufffd' in row["学习内容"].value
    assert row["地点"].value == "@SUM(1)\ufffd<b>" and row["地点"].data_type == "s"
    s = session(result, "kjxy/2026-10-12")
    document = Document(io.BytesIO(session_docx(s, result.records.org)))
    assert "@SUM(1)\ufffd<b>" in document.tables[0].cell(0, 1).text
    events = Calendar.from_ical(calendar_ics(result, [s], "x")).walk("VEVENT")
    assert str(events[0]["location"]) == "@SUM(1)\ufffd<b>"


# ---------------------------------------------------------------- calendars


def events_of(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_ics_planned_session_at_1430_in_shanghai(result: CheckResult) -> None:
    s = session(result, "hqzs/2026-12-11")
    assert s.time == "14:30" and s.date > TODAY  # a planned session
    data = calendar_ics(result, result.records.sessions, "全校")
    calendar = Calendar.from_ical(data)
    assert [str(z["tzid"]) for z in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    event = events_of(data)[uid(s)]
    start = event["dtstart"].dt
    assert start == dt.datetime(2026, 12, 11, 14, 30, tzinfo=SHANGHAI)
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert start.astimezone(dt.UTC) == dt.datetime(2026, 12, 11, 6, 30, tzinfo=dt.UTC)
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert event["dtend"].dt - start == dt.timedelta(hours=2)
    assert str(event["summary"]) == "后勤直属党支部 中心组学习"
    assert str(event["location"]) == s.location
    description = str(event["description"])
    assert s.topics[0].title in description and "（计划）" in description


def test_ics_feeds_per_unit_group_and_all(result: CheckResult) -> None:
    built = {(kind, ident): (name, sessions) for kind, ident, name, sessions in feeds(result)}
    assert set(built) == {("all", None)} | {("unit", u) for u in result.records.org.units} | {
        ("group", g) for g in result.records.org.groups
    }
    all_events = events_of(calendar_ics(result, built[("all", None)][1], "all"))
    assert len(all_events) == len(result.records.sessions)
    unit_events = events_of(calendar_ics(result, built[("unit", "kjxy")][1], "kjxy"))
    assert unit_events and all(key.startswith("kjxy-") for key in unit_events)
    group_events = events_of(calendar_ics(result, built[("group", "g1")][1], "g1"))
    units = {key.split("-")[0] for key in group_events}
    assert units == {"kjxy", "xxgc", "jgdw", "mkszy"}
    planned = group_events["mkszy-2026-12-23@zxz-audit.lzgsxy"]
    assert str(planned["summary"]) == "马克思主义学院党总支 中心组学习（g1 列席旁听）"
    assert "计划列席旁听" in str(planned["description"])
    # the same event in every feed: one UID, one content
    assert all_events["mkszy-2026-12-23@zxz-audit.lzgsxy"].to_ical() == planned.to_ical()


def test_ics_marks_expected_audits_while_a_group_owes_one() -> None:
    early = check(SAMPLES, dt.date(2026, 9, 1))  # the semester has just begun
    sessions = [s for s in early.records.sessions if s.unit == "kjxy"]
    events = events_of(calendar_ics(early, sessions, "kjxy"))
    upcoming = events["kjxy-2026-11-03@zxz-audit.lzgsxy"]
    assert str(upcoming["summary"]) == "会计学院党委 中心组学习（g1 待列席旁听）"
    audited = events["kjxy-2026-09-09@zxz-audit.lzgsxy"]
    assert str(audited["summary"]) == "会计学院党委 中心组学习（g1 列席旁听）"
    past = events["kjxy-2026-06-17@zxz-audit.lzgsxy"]
    assert "待列席" not in str(past["summary"])


def test_ics_is_the_same_bytes_for_the_same_records(result: CheckResult) -> None:
    """No wall clock in a feed: every DTSTAMP is the as-of day, so the bytes repeat."""
    again = check(SAMPLES, TODAY)
    feed = calendar_ics(result, result.records.sessions, "x")
    assert feed == calendar_ics(again, again.records.sessions, "x")
    stamps = {event.decoded("DTSTAMP") for event in Calendar.from_ical(feed).walk("VEVENT")}
    assert stamps == {dt.datetime.combine(TODAY, dt.time(0, 0), tzinfo=dt.UTC)}
    later = check(SAMPLES, TODAY + dt.timedelta(days=1))
    later_feed = calendar_ics(later, later.records.sessions, "x")
    assert f"DTSTAMP:{(TODAY + dt.timedelta(days=1)):%Y%m%d}T000000Z".encode() in later_feed


def test_docx_and_xlsx_are_the_same_bytes_for_the_same_records(result: CheckResult) -> None:
    """No wall clock in a file: zip entries carry a fixed date, the workbook the as-of day."""
    s = session(result, "kjxy/2026-10-12")
    again = check(SAMPLES, TODAY)
    docx = session_docx(s, result.records.org)
    xlsx = semester_xlsx(result, "2026-2027-1")
    assert docx == session_docx(session(again, "kjxy/2026-10-12"), again.records.org)
    assert xlsx == semester_xlsx(again, "2026-2027-1")
    for data in (docx, xlsx):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    book = load_workbook(io.BytesIO(xlsx))
    assert book.properties.created == book.properties.modified == dt.datetime(2026, 11, 29)


def test_docx_kept_parts_change_no_byte(result: CheckResult) -> None:
    """docx.py keeps the forms' own words and the footer between files: a unit's file
    made with them kept (after every session's file, both privacies) is the same
    bytes as one made with nothing kept."""
    org = result.records.org
    sessions = [s for s in result.records.sessions if s.unit == "mkszy"]
    for s in result.records.sessions:
        for privacy in (FULL, masked()):
            session_docx(s, org, privacy)
    warm = [merged_docx(sessions, org, "t", privacy) for privacy in (FULL, masked())]
    for kept in (docx._label, docx._fixed_paragraph, docx._footer):
        assert kept.cache_info().currsize > 0
        kept.cache_clear()
    cold = [merged_docx(sessions, org, "t", privacy) for privacy in (masked(), FULL)]
    assert warm == cold[::-1]


def test_docx_text_is_escaped_as_lxml_escapes_it() -> None:
    """The forms' XML is written as text (docx.py): every character a record may hold
    (after common.clean) comes out as python-docx's lxml would write it."""
    every = clean("".join(map(chr, range(0x110000))))
    element = etree.Element("t")
    element.text = every
    assert etree.tostring(element, encoding="UTF-8") == f"<t>{docx._escape(every)}</t>".encode()


def test_docx_zip_is_the_zip_zipfile_writes() -> None:
    """docx._zip writes the records zipfile writes when the three parts are appended to
    the template's zip."""
    skeleton = docx._skeleton()
    parts = [
        ("word/document.xml", "<w:t>学习</w:t>".encode() * 4000),
        ("word/footer1.xml", "兰州工商学院".encode()),
        ("docProps/core.xml", b""),
    ]
    buffer = io.BytesIO(skeleton.static)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts:
            package.writestr(zipfile.ZipInfo(name, docx.ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    assert docx._zip(skeleton, [(n, docx._deflate(d)) for n, d in parts]) == buffer.getvalue()


def test_the_calendars_of_a_build_share_their_events(result: CheckResult) -> None:
    """Calendars writes each event once; a feed is still what calendar_ics gives."""
    calendars = Calendars(result)
    for _kind, _ident, name, sessions in feeds(result):
        assert calendars.calendar(sessions, name) == calendar_ics(result, sessions, name)
    assert Calendar.from_ical(calendars.calendar([], "空")).walk("VEVENT") == []


def test_exports_keep_phone_numbers_unless_masked(result: CheckResult) -> None:
    """`export` writes office copies (full numbers); the site passes masked()."""
    s = session(result, "kjxy/2026-10-12")
    full = Document(io.BytesIO(session_docx(s, result.records.org)))
    shown = Document(io.BytesIO(session_docx(s, result.records.org, masked())))
    assert full.tables[0].rows[-1].cells[1].text == "刘佳  0931-8562101"
    assert shown.tables[0].rows[-1].cells[1].text == "刘佳  0931-856****"
    for privacy, phone in ((FULL, "0931-8562101"), (masked(), "0931-856****")):
        book = load_workbook(io.BytesIO(semester_xlsx(result, "2026-2027-1", privacy)))
        sheet = book["学习记录"]
        header = [c.value for c in sheet[1]]
        phones = {
            row[header.index("联系电话")] for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        assert phone in phones


# ---------------------------------------------------------------- the folder the site links


def test_write_exports_lays_out_every_file(result: CheckResult, tmp_path: Path) -> None:
    stale = tmp_path / "exports" / "sessions" / "gone" / "2020-01-01.docx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    written = write_exports(result, tmp_path)
    relative = {p.relative_to(tmp_path).as_posix() for p in written}
    for s in result.records.sessions:
        assert session_docx_path(s) in relative
    assert "exports/sessions/kjxy/2026-10-12.docx" in relative
    assert {"exports/2025-2026-2.xlsx", "exports/2026-2027-1.xlsx", "exports/all.xlsx"} <= relative
    assert semester_xlsx_path("2026-2027-1") == "exports/2026-2027-1.xlsx"
    assert calendar_path("all") == "exports/calendar/all.ics"
    assert "exports/calendar/units/kjxy.ics" in relative
    assert "exports/calendar/groups/g1.ics" in relative
    assert not stale.exists()
    for path in written:
        assert path.stat().st_size > 0


def test_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["export", "--records", str(SAMPLES), "--as-of", "2026-11-29", "--out", str(tmp_path)]
    )
    assert code == 0
    assert "已导出" in capsys.readouterr().out
    book = load_workbook(tmp_path / "exports" / "all.xlsx")
    assert book.sheetnames[0] == "学习记录"


def test_export_never_writes_into_a_built_site(
    tmp_path: Path, result: CheckResult, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export` writes full numbers: a built site (marked by `build`) and any folder in it
    are refused, so the site's masked copies are never replaced (issue 8, attack 9)."""
    from generator.sitedir import UnsafeFolder, mark_site_dir

    site = tmp_path / "site"
    mark_site_dir(site)
    for out in (site, site / "exports", site / "sessions" / "kjxy"):
        with pytest.raises(UnsafeFolder):
            write_exports(result, out)
        code = main(
            ["export", "--records", str(SAMPLES), "--as-of", "2026-11-29", "--out", str(out)]
        )
        assert code == 1 and "没有导出" in capsys.readouterr().err
    assert [p.name for p in site.rglob("*")] == [".generator-site"]


def test_export_writes_exports_in_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--records", str(SAMPLES), "--as-of", "2026-11-29"]) == 0
    assert (tmp_path / "exports" / "all.xlsx").is_file()
    assert not (tmp_path / "site").exists()


def _slow_first() -> None:
    import time

    time.sleep(1.0)


def test_the_build_process_shares_the_exports_the_worker_has_not_begun(tmp_path, monkeypatch):
    """`finish` takes, from the counter both processes share, the exports the worker has
    not begun (the worker is still busy with its `first` here): every export is written
    once, and the bytes are those written in one process."""
    import generator.exports as exports

    result = check(ROOT / "records", dt.date(2026, 11, 29))
    expected = tmp_path / "one"
    exports.write_exports(result, expected)
    background = exports.BackgroundExports(result, tmp_path / "two", None, exports.FULL,
                                           first=_slow_first)  # fmt: skip
    here: list[Path] = []
    real = exports._write

    def spy(path: Path, data: bytes) -> None:  # only this process's writes: after the fork
        here.append(path)
        real(path, data)

    monkeypatch.setattr(exports, "_write", spy)
    count = background.finish()
    assert here and count == len(background.jobs)
    assert len(here) == len(set(here))  # none written twice here
    one = {p.relative_to(expected): p.read_bytes() for p in expected.rglob("*") if p.is_file()}
    one = {k: v for k, v in one.items() if not k.name.endswith("-circular.docx")}  # not a job
    two = {
        p.relative_to(tmp_path / "two"): p.read_bytes()
        for p in (tmp_path / "two").rglob("*")
        if p.is_file()
    }
    assert one == two
