"""One Word file per session: 附件1 (学习安排表) and one 附件2 (列席旁听记录表) per audit,
laid out as the paper forms in the plan, on A4, ready to print and stamp; and one per
unit and semester with all those forms in date order (`merged_docx`), each on a page of
its own, which is what an office prints at the end of a semester.

Text is set in 宋体 (w:eastAsia) with Times New Roman for Latin letters and
digits, the titles in 黑体. Phone numbers are shown in full unless the caller
passes a masking `Privacy` (the site does: its exports are public pages too).

How it is made, and why it is fast. python-docx builds, once per process, a
*skeleton* package: its default template with our page setup, the Normal
style, a footer part and the core properties. Everything in that package but
three parts is the same for every session, so it is compressed once and
copied. For each session only the body of `word/document.xml`, the footer
paragraph and the title in `docProps/core.xml` are written, as
WordprocessingML elements built with lxml (python-docx's own XML library,
which escapes the text) in the shape python-docx itself gives them. Opening
python-docx's template and serialising its 800 kB of styles took most of the
50 ms a file used to cost; now a file takes about 2 ms.

Every file is the same bytes for the same records: zip entries carry a fixed
timestamp and the core properties the template's fixed dates.
"""

from __future__ import annotations

import copy
import functools
import io
import zipfile
from dataclasses import dataclass

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from lxml import etree

from generator.exports.common import FULL, Privacy, cn_date, cn_weekday, unit_name
from generator.kinds import FILING_KINDS, Kind
from generator.model import Audit, Org, Session

BODY_FONT = "宋体"  # SimSun
TITLE_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
TEXT_WIDTH = Cm(15.6)  # A4 (21 cm) less 2.7 cm margins each side
PAGE_MARGIN = Cm(2.7)
SIGNATURE_COLUMN = Cm(8.4)
FOOTER_COLOR = "808080"

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

# Zip entries get this timestamp, not the time of the build: same records, same bytes.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DOCUMENT_PART = "word/document.xml"
FOOTER_PART = "word/footer1.xml"
CORE_PART = "docProps/core.xml"
PER_SESSION = (DOCUMENT_PART, FOOTER_PART, CORE_PART)

# Qualified names, computed once.
_qn = functools.cache(qn)
W_P, W_PPR, W_R, W_RPR, W_T, W_TAB, W_BR = (
    qn(f"w:{name}") for name in ("p", "pPr", "r", "rPr", "t", "tab", "br")
)
XML_SPACE = qn("xml:space")


def _twips(length: Length) -> str:
    return str(int(length.twips))


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """A child `w:<tag>` with `w:`-qualified attributes, in the order given."""
    element = etree.SubElement(parent, _qn(f"w:{tag}"))
    for name, value in attrs.items():
        element.set(_qn(f"w:{name}"), value)
    return element


# ---------------------------------------------------------------- the skeleton


@dataclass(frozen=True, slots=True)
class _Skeleton:
    document: etree._Element  # w:document whose body holds only the section properties
    footer: etree._Element  # w:ftr with its one (styled, empty) paragraph
    core: etree._Element  # cp:coreProperties with the fixed fields set
    static: bytes  # a zip of every other part, compressed once


def _fonts(element: object, east_asian: str, size: float) -> None:
    """Latin and East Asian font names on a python-docx style (it sets only w:ascii)."""
    font = element.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = Pt(size)
    rpr = element.element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


@functools.cache
def _skeleton() -> _Skeleton:
    document = new_document()
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
    section.footer.paragraphs[0]  # creates the footer part and its relationship
    props = document.core_properties
    props.title = "-"
    props.subject = FORM1_TITLE
    props.author = "-"
    props.language = "zh-CN"
    saved = io.BytesIO()
    document.save(saved)
    parts: dict[str, bytes] = {}
    static = io.BytesIO()
    with (
        zipfile.ZipFile(saved) as source,
        zipfile.ZipFile(static, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name in PER_SESSION:
                parts[name] = data
            else:
                target.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return _Skeleton(
        document=etree.fromstring(parts[DOCUMENT_PART]),
        footer=etree.fromstring(parts[FOOTER_PART]),
        core=etree.fromstring(parts[CORE_PART]),
        static=static.getvalue(),
    )


# ---------------------------------------------------------------- WordprocessingML


class _Writer:
    """Appends paragraphs and tables to a body, with the record text cleaned and masked
    as `privacy` says; the elements are those python-docx would have written."""

    def __init__(self, body: etree._Element, privacy: Privacy) -> None:
        self.body = body
        self.privacy = privacy
        self.anchor = body[-1]  # w:sectPr stays last

    def _block(self, tag: str) -> etree._Element:
        element = etree.Element(qn(f"w:{tag}"))
        self.anchor.addprevious(element)
        return element

    def run(
        self, paragraph: etree._Element, text: str, font: str = BODY_FONT, size: float = 12
    ) -> etree._Element:
        """A run of `text`: tabs become w:tab, line breaks w:br (as python-docx's run.text)."""
        run = etree.SubElement(paragraph, W_R)
        rpr = etree.SubElement(run, W_RPR)
        _sub(rpr, "rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, eastAsia=font, hint="eastAsia")
        _sub(rpr, "sz", val=str(int(Pt(size).pt * 2)))
        self.text(run, self.privacy.clean(text))
        return run

    @staticmethod
    def text(run: etree._Element, text: str) -> None:
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                chunk = "".join(buffer)
                t = etree.SubElement(run, W_T)
                t.text = chunk
                if len(chunk.strip()) < len(chunk):
                    t.set(XML_SPACE, "preserve")
                buffer.clear()

        for char in text:
            if char == "\t":
                flush()
                etree.SubElement(run, W_TAB)
            elif char in "\r\n":
                flush()
                etree.SubElement(run, W_BR)
            else:
                buffer.append(char)
        flush()

    def paragraph(
        self,
        text: str = "",
        *,
        font: str = BODY_FONT,
        size: float = 12,
        center: bool = False,
        before: float = 0,
        after: float = 0,
        page_break: bool = False,
    ) -> None:
        paragraph = self._block("p")
        ppr = etree.SubElement(paragraph, W_PPR)
        if page_break:
            _sub(ppr, "pageBreakBefore")
        _sub(ppr, "spacing", before=_twips(Pt(before)), after=_twips(Pt(after)))
        if center:
            _sub(ppr, "jc", val="center")
        if text:
            self.run(paragraph, text, font, size)

    def spread(self, parts: list[str], after: float = 6) -> None:
        """One line with its two parts at the left and right margins (a right tab stop)."""
        paragraph = self._block("p")
        ppr = etree.SubElement(paragraph, W_PPR)
        _sub(_sub(ppr, "tabs"), "tab", pos=_twips(TEXT_WIDTH), val="right")
        _sub(ppr, "spacing", after=_twips(Pt(after)))
        self.run(paragraph, "\t".join(parts))

    def signatures(self, leader: str, liaison: str, filed: str) -> None:
        """组长 and 联络员 side by side, 填报时间 under 联络员: the form's one line would not
        fit three names and a date in 小四 on A4."""
        paragraph = self._block("p")
        ppr = etree.SubElement(paragraph, W_PPR)
        _sub(_sub(ppr, "tabs"), "tab", pos=_twips(SIGNATURE_COLUMN), val="left")
        _sub(ppr, "spacing", line=str(int(1.8 * 240)), lineRule="auto")
        first = self.run(paragraph, f"列席旁听组组长：{leader}\t列席旁听组联络员：{liaison}")
        etree.SubElement(first, W_BR)
        self.run(paragraph, f"\t填报时间：{filed}")

    def table(self, widths: list[float]) -> etree._Element:
        table = self._block("tbl")
        tblpr = _sub(table, "tblPr")
        _sub(tblpr, "tblStyle", val="TableGrid")
        _sub(tblpr, "tblW", type="auto", w="0")
        _sub(tblpr, "jc", val="center")
        _sub(tblpr, "tblLayout", type="fixed")
        _sub(
            tblpr,
            "tblLook",
            firstColumn="1",
            firstRow="1",
            lastColumn="0",
            lastRow="0",
            noHBand="0",
            noVBand="1",
            val="04A0",
        )
        grid = _sub(table, "tblGrid")
        for width in widths:
            _sub(grid, "gridCol", w=_twips(Cm(width)))
        return table

    @staticmethod
    def row(table: etree._Element, height: float) -> etree._Element:
        row = _sub(table, "tr")
        _sub(_sub(row, "trPr"), "trHeight", val=_twips(Cm(height)), hRule="atLeast")
        return row

    def cell(
        self,
        row: etree._Element,
        widths: list[float],
        lines: list[str] | str,
        *,
        center: bool = False,
        size: float = 12,
        merge: str | None = None,
    ) -> None:
        """A cell spanning the columns of `widths`, one paragraph per line; `merge`:
        "restart" for the first cell of a vertical merge."""
        cell = _sub(row, "tc")
        tcpr = _sub(cell, "tcPr")
        _sub(tcpr, "tcW", type="dxa", w=str(sum(int(Cm(w).twips) for w in widths)))
        if len(widths) > 1:
            _sub(tcpr, "gridSpan", val=str(len(widths)))
        if merge:
            _sub(tcpr, "vMerge", val=merge)
        _sub(tcpr, "vAlign", val="center")
        for line in [lines] if isinstance(lines, str) else lines or [""]:
            paragraph = etree.SubElement(cell, W_P)
            _sub(etree.SubElement(paragraph, W_PPR), "jc", val="center" if center else "left")
            if line:
                self.run(paragraph, line, size=size)

    @staticmethod
    def merged(row: etree._Element, width: float) -> None:
        """A cell continuing the vertical merge above it: empty, as python-docx leaves it."""
        cell = _sub(row, "tc")
        tcpr = _sub(cell, "tcPr")
        _sub(tcpr, "tcW", type="dxa", w=_twips(Cm(width)))
        _sub(tcpr, "vMerge")
        etree.SubElement(cell, W_P)


# ---------------------------------------------------------------- the forms


def _form1(out: _Writer, session: Session, org: Org | None, new_page: bool = False) -> None:
    out.paragraph("附件1", font=TITLE_FONT, size=14, page_break=new_page)
    out.paragraph(FORM1_TITLE, font=TITLE_FONT, size=16, center=True, before=12)
    out.paragraph(
        f"（{session.date.year}年第{session.year_seq}次）", size=14, center=True, after=12
    )
    out.spread(
        [
            f"党组织名称（盖章）：{unit_name(org, session.unit)}",
            f"填报时间：{cn_date(session.arrangement_filed)}",
        ]
    )
    speakers = [
        f"{s.name}"
        + (f"（{s.title}）" if s.title else "")
        + (f"：{s.outline}" if s.outline else "")
        for s in session.speakers
    ]
    speaker_rows = max(SPEAKER_ROWS, len(speakers))
    label, text = [3.4], [12.2]
    table = out.table(label + text)

    def line(height: float, name: list[str] | str, value: list[str] | str) -> None:
        row = out.row(table, height)
        out.cell(row, label, name, center=True)
        out.cell(row, text, value)

    line(
        1.3,
        ["中心组学习", "时间及地点"],
        f"{cn_date(session.date)}（{cn_weekday(session.date)}）{session.time}  {session.location}",
    )
    line(1.3, ["中心组", "人  数"], f"{session.members}人")
    line(1.3, ["主持人及", "职  务"], f"{session.host.name}  {session.host.title}")
    line(
        3.6,
        "学习内容",
        [
            f"{n}. {t.title}" + ("（第一议题）" if t.first_topic else "")
            for n, t in enumerate(session.topics, 1)
        ],
    )
    for index in range(speaker_rows):
        row = out.row(table, 0.9)
        if index == 0:
            out.cell(
                row, label, ["交流研讨", "人员、职务", "及发言提纲"], center=True, merge="restart"
            )
        else:
            out.merged(row, label[0])
        out.cell(row, text, speakers[index] if index < len(speakers) else "")
    phone = out.privacy.phone(str(session.contact.phone))
    line(1.3, ["联系人及", "联系电话"], f"{session.contact.name}  {phone}")
    days = org.deadlines[FILING_KINDS[Kind.POST_COPY].deadline].days if org else 2
    out.paragraph(
        f"注：此表一式两份，一份于会前报联络员、一份于会后{days}天内报党委宣传部。",
        size=10.5,
        before=6,
    )


def _form2(out: _Writer, session: Session, audit: Audit, org: Org | None) -> None:
    group = org.groups.get(audit.group) if org else None
    rate = f"{round((org.attendance_threshold if org else 0.9) * 100)}%"
    out.paragraph("附件2", font=TITLE_FONT, size=14, page_break=True)
    out.paragraph(FORM2_TITLE, font=TITLE_FONT, size=16, center=True, before=12, after=18)
    out.spread(
        [f"列席旁听单位：{unit_name(org, session.unit)}", f"旁听时间：{cn_date(session.date)}"]
    )
    widths = [2.6, 5.6, 7.4]
    table = out.table(widths)
    row = out.row(table, 1.0)
    out.cell(row, widths[:2], "旁听重点", center=True)
    out.cell(row, widths[2:], "主要情况", center=True)
    findings = audit.findings
    for name, title, hint in FOCUS:
        row = out.row(table, 3.2)
        out.cell(row, widths[:1], title, center=True)
        out.cell(row, widths[1:2], hint.format(rate=rate), size=10.5)
        value = getattr(findings, name) if findings else None
        out.cell(row, widths[2:], value or "")
    row = out.row(table, 4.0)
    out.cell(row, widths[:1], "问题和建议", center=True)
    out.cell(row, widths[1:], audit.problems or "")
    out.paragraph(after=6)
    out.signatures(
        group.leader.name if group else "",
        group.liaison.name if group else "",
        cn_date(audit.filed),
    )


def _footer(skeleton: _Skeleton, org: Org | None, privacy: Privacy) -> bytes:
    """The institution, small and grey: no record path on a form that is filed on paper."""
    footer = copy.deepcopy(skeleton.footer)
    paragraph = footer.find(W_P)
    _sub(paragraph.find(W_PPR), "jc", val="right")
    run = etree.SubElement(paragraph, W_R)
    rpr = etree.SubElement(run, W_RPR)
    _sub(rpr, "rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, eastAsia=BODY_FONT, hint="eastAsia")
    _sub(rpr, "color", val=FOOTER_COLOR)
    _sub(rpr, "sz", val="16")
    _Writer.text(run, privacy.clean(org.institution if org else ""))
    return _xml(footer)


def _core(skeleton: _Skeleton, title: str, org: Org | None, privacy: Privacy) -> bytes:
    core = copy.deepcopy(skeleton.core)
    dc = "{http://purl.org/dc/elements/1.1/}"
    core.find(f"{dc}title").text = privacy.clean(title)
    core.find(f"{dc}creator").text = privacy.clean(org.institution if org else "")
    return _xml(core)


def _xml(root: etree._Element) -> bytes:
    """As python-docx serialises a part."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def _package(document: etree._Element, title: str, org: Org | None, privacy: Privacy) -> bytes:
    skeleton = _skeleton()
    buffer = io.BytesIO(skeleton.static)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
        for name, data in (
            (DOCUMENT_PART, _xml(document)),
            (FOOTER_PART, _footer(skeleton, org, privacy)),
            (CORE_PART, _core(skeleton, title, org, privacy)),
        ):
            package.writestr(zipfile.ZipInfo(name, ZIP_DATE), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def session_docx(session: Session, org: Org | None, privacy: Privacy = FULL) -> bytes:
    """附件1 of the session, then one 附件2 per audit (a planned audit prints as a blank form)."""
    document = copy.deepcopy(_skeleton().document)
    out = _Writer(document.find(qn("w:body")), privacy)
    _form1(out, session, org)
    for audit in session.audits:
        _form2(out, session, audit, org)
    title = f"{unit_name(org, session.unit)} {session.date} 中心组学习"
    return _package(document, title, org, privacy)


def merged_docx(
    sessions: list[Session], org: Org | None, title: str, privacy: Privacy = FULL
) -> bytes:
    """Every session's 附件1 and 附件2 in one file, in the order given, each form starting
    a page: a unit's semester, printed at once."""
    document = copy.deepcopy(_skeleton().document)
    out = _Writer(document.find(qn("w:body")), privacy)
    for number, session in enumerate(sessions):
        _form1(out, session, org, new_page=number > 0)
        for audit in session.audits:
            _form2(out, session, audit, org)
    return _package(document, title, org, privacy)
