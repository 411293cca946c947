"""One Word file per session: 附件1 (学习安排表) and one 附件2 (列席旁听记录表) per audit,
laid out as the paper forms in the plan, on A4, ready to print and stamp.

Text is set in 宋体 (w:eastAsia) with Times New Roman for Latin letters and
digits, the titles in 黑体. Phone numbers are shown in full: these are office
documents for the department, not pages on the public site.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from generator.exports.common import clean, cn_date, cn_weekday, unit_name
from generator.model import Audit, Org, Session

BODY_FONT = "宋体"  # SimSun
TITLE_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
TEXT_WIDTH = Cm(15.6)  # A4 (21 cm) less 2.7 cm margins each side
PAGE_MARGIN = Cm(2.7)
SIGNATURE_COLUMN = Cm(8.4)

FORM1_TITLE = "基层党委（党总支）理论学习中心组学习安排表"
FORM2_TITLE = "基层党委（党总支）理论学习中心组学习列席旁听记录表"
# 附件2's 旁听重点, with the plan's words for what to look at (90% comes from org.yaml)
FOCUS = (
    (
        "organization",
        "1.组织领导",
        "有无中心组学习会方案、成员参加率是否达到{rate}、学习资料准备情况等",
    ),
    ("content", "2.学习内容", "是否落实“第一议题”，学习具体内容，内容是否专题化等"),
    (
        "method",
        "3.学习方式",
        "中心组成员研讨发言是否紧扣主题，结合思想实际和工作实际谈认识体会；交流发言人是否有书面发言材料等",
    ),
    (
        "effect",
        "4.学习效果",
        "学习是否做到理论联系实际，切实把学习成效转化为解决实际问题、推动实际工作的能力等",
    ),
)
SPEAKER_ROWS = 5  # the paper form's five blank lines for 交流研讨人员


def _fonts(element: object, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    """Set Latin and East Asian font names on a style or run (python-docx sets only w:ascii)."""
    font = element.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    font.bold = bold or None
    rpr = element.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _setup(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = PAGE_MARGIN
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, 12)  # 小四
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.25
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _paragraph(
    document: Document,
    text: str = "",
    *,
    font: str = BODY_FONT,
    size: float = 12,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    if text:
        _fonts(paragraph.add_run(clean(text)), font, size, bold)
    return paragraph


def _spread(document: Document, parts: list[str], after: float = 6) -> None:
    """One line with its two parts at the left and right margins (tab stops), as on the form."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    _fonts(paragraph.add_run(clean("\t".join(parts))), BODY_FONT, 12)


def _signatures(document: Document, leader: str, liaison: str, filed: str) -> None:
    """组长 and 联络员 side by side, 填报时间 under 联络员: the form's one line would not fit
    three names and a date in 小四 on A4."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.tab_stops.add_tab_stop(SIGNATURE_COLUMN)
    paragraph.paragraph_format.line_spacing = 1.8
    run = paragraph.add_run(clean(f"列席旁听组组长：{leader}\t列席旁听组联络员：{liaison}"))
    _fonts(run, BODY_FONT, 12)
    run.add_break()
    _fonts(paragraph.add_run(clean(f"\t填报时间：{filed}")), BODY_FONT, 12)


def _cell(
    cell: _Cell,
    lines: list[str] | str,
    *,
    center: bool = False,
    size: float = 12,
    width: object | None = None,
) -> None:
    """Replace a cell's text by `lines`, one paragraph each."""
    if isinstance(lines, str):
        lines = [lines]
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    if width is not None:
        cell.width = width
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for index, line in enumerate(lines or [""]):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        if line:
            _fonts(paragraph.add_run(clean(line)), BODY_FONT, size)


def _row_height(row, height: float) -> None:
    row.height = Cm(height)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def _table(document: Document, rows: int, widths: list[float]):
    table = document.add_table(rows=rows, cols=len(widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        column.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def _form1(document: Document, session: Session, org: Org | None) -> None:
    _paragraph(document, "附件1", font=TITLE_FONT, size=14)
    _paragraph(
        document, FORM1_TITLE, font=TITLE_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, before=12
    )
    _paragraph(
        document,
        f"（{session.date.year}年第{session.year_seq}次）",
        size=14,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=12,
    )
    _spread(
        document,
        [
            f"党组织名称（盖章）：{unit_name(org, session.unit)}",
            f"填报时间：{cn_date(session.arrangement_filed)}",
        ],
    )
    speakers = [
        f"{s.name}"
        + (f"（{s.title}）" if s.title else "")
        + (f"：{s.outline}" if s.outline else "")
        for s in session.speakers
    ]
    speaker_rows = max(SPEAKER_ROWS, len(speakers))
    widths = [3.4, 12.2]
    table = _table(document, 5 + speaker_rows, widths)
    rows = table.rows
    label = {"center": True, "width": Cm(widths[0])}
    _cell(rows[0].cells[0], ["中心组学习", "时间及地点"], **label)
    _cell(
        rows[0].cells[1],
        f"{cn_date(session.date)}（{cn_weekday(session.date)}）{session.time}  {session.location}",
    )
    _cell(rows[1].cells[0], ["中心组", "人  数"], **label)
    _cell(rows[1].cells[1], f"{session.members}人")
    _cell(rows[2].cells[0], ["主持人及", "职  务"], **label)
    _cell(rows[2].cells[1], f"{session.host.name}  {session.host.title}")
    _cell(rows[3].cells[0], "学习内容", **label)
    _cell(
        rows[3].cells[1],
        [
            f"{n}. {t.title}" + ("（第一议题）" if t.first_topic else "")
            for n, t in enumerate(session.topics, 1)
        ],
    )
    _row_height(rows[3], 3.6)
    for row in rows[:3]:
        _row_height(row, 1.3)
    merged = rows[4].cells[0].merge(rows[3 + speaker_rows].cells[0])
    _cell(merged, ["交流研讨", "人员、职务", "及发言提纲"], **label)
    for index in range(speaker_rows):
        row = rows[4 + index]
        _row_height(row, 0.9)
        _cell(row.cells[1], speakers[index] if index < len(speakers) else "")
    last = rows[4 + speaker_rows]
    _row_height(last, 1.3)
    _cell(last.cells[0], ["联系人及", "联系电话"], **label)
    _cell(last.cells[1], f"{session.contact.name}  {session.contact.phone}")
    days = org.deadlines["post_copy"].days if org else 2
    _paragraph(
        document,
        f"注：此表一式两份，一份于会前报联络员、一份于会后{days}天内报党委宣传部。",
        size=10.5,
        before=6,
    )


def _form2(document: Document, session: Session, audit: Audit, org: Org | None) -> None:
    group = org.groups.get(audit.group) if org else None
    rate = f"{round((org.attendance_threshold if org else 0.9) * 100)}%"
    _paragraph(
        document, "附件2", font=TITLE_FONT, size=14
    ).paragraph_format.page_break_before = True
    _paragraph(
        document,
        FORM2_TITLE,
        font=TITLE_FONT,
        size=16,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=12,
        after=18,
    )
    _spread(
        document,
        [f"列席旁听单位：{unit_name(org, session.unit)}", f"旁听时间：{cn_date(session.date)}"],
    )
    widths = [2.6, 5.6, 7.4]
    table = _table(document, 6, widths)
    rows = table.rows
    head = rows[0].cells[0].merge(rows[0].cells[1])
    _cell(head, "旁听重点", center=True)
    _cell(rows[0].cells[2], "主要情况", center=True, width=Cm(widths[2]))
    _row_height(rows[0], 1.0)
    findings = audit.findings
    for index, (name, title, hint) in enumerate(FOCUS, 1):
        row = rows[index]
        _row_height(row, 3.2)
        _cell(row.cells[0], title, center=True, width=Cm(widths[0]))
        _cell(row.cells[1], hint.format(rate=rate), size=10.5, width=Cm(widths[1]))
        text = getattr(findings, name) if findings else None
        _cell(row.cells[2], text or "", width=Cm(widths[2]))
    tail = rows[5].cells[1].merge(rows[5].cells[2])
    _cell(rows[5].cells[0], "问题和建议", center=True, width=Cm(widths[0]))
    _cell(tail, audit.problems or "")
    _row_height(rows[5], 4.0)
    _paragraph(document, after=6)
    _signatures(
        document,
        group.leader.name if group else "",
        group.liaison.name if group else "",
        cn_date(audit.filed),
    )


def _footer(document: Document, session: Session, org: Org | None) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(clean(f"{org.institution if org else ''}  记录文件 {session.path}"))
    _fonts(run, BODY_FONT, 8)
    run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def session_docx(session: Session, org: Org | None) -> bytes:
    """附件1 of the session, then one 附件2 per audit (a planned audit prints as a blank form)."""
    document = new_document()
    _setup(document)
    props = document.core_properties
    props.title = clean(f"{unit_name(org, session.unit)} {session.date} 中心组学习")
    props.subject = FORM1_TITLE
    props.author = clean(org.institution if org else "")
    props.language = "zh-CN"
    _form1(document, session, org)
    for audit in session.audits:
        _form2(document, session, audit, org)
    _footer(document, session, org)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
