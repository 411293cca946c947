"""The semester circular (通报) as a Word file, laid out as GB/T 9704 lays out official
documents: A4, 37/35/28/26 mm margins, the title in 二号 小标宋, the body in 三号 仿宋
on a fixed 28 pt line, 一、 headings in 黑体, （一） headings in 楷体, page numbers
"— 1 —" in 四号 宋体, the issuing department and the date at the end.

Sections, in the order records.md gives: the title; 一、总体情况; 二、各单位情况 (the
table with exactly circular.TABLE_HEADERS and the charts); 三、存在的问题; 四、整改情况;
五、下一步工作 (a highlighted placeholder: the department writes it).

python-docx builds the document; the package is then written again with every zip
entry dated ZIP_DATE and the core properties dated the as-of day, so that the same
records and as-of day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from generator import charts as charts_module
from generator.circular import (
    NEXT_STEPS_NOTE,
    NO_PROBLEMS,
    NO_RECTIFICATION,
    SECTIONS,
    TABLE_HEADERS,
    SemesterFigures,
    cn_date,
    cn_number,
    department,
    overview,
    problems,
    rectification_lines,
)
from generator.exports.common import FULL, Privacy

TITLE_FONT = "方正小标宋简体"  # GB/T 9704's 小标宋; Word substitutes where it is not installed
BODY_FONT = "仿宋"  # FangSong, on every Chinese Windows
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
TABLE_SIZE = 10.5  # 五号
TABLE_HEADER_SIZE = 9  # 小五: a four-character header fits two lines of a narrow column
LINE = Pt(28)  # 22 lines a page
INDENT = Pt(BODY_SIZE * 2)  # two characters
TEXT_WIDTH = Cm(15.6)
# cm, 15.6 in all (the text width): a unit's name of ten characters fits one line
COLUMN_WIDTHS = (4.3, 1.1, 2.05, 1.65, 1.1, 1.3, 1.1, 1.3, 1.6)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _sub(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    """A child `w:<tag>` with `w:`-qualified attributes."""
    element = etree.SubElement(parent, qn(f"w:{tag}"))
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _fonts(run_or_style, east_asian: str, size: float | None = None, bold: bool = False) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(name), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the names above


class _Circular:
    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy
        self.document = new_document()
        self._page()
        self._styles()
        self._style_ids: dict[str, str | None] = {}

    def _page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.footer_distance = Cm(2.5)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(footer.add_run("— "), PAGE_NUMBER_FONT, 14)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = footer.add_run("1")
        _fonts(run, PAGE_NUMBER_FONT, 14)
        footer._p.append(field)
        field.append(run._r)
        _fonts(footer.add_run(" —"), PAGE_NUMBER_FONT, 14)

    def _styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        _fonts(normal, BODY_FONT, BODY_SIZE)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.first_line_indent = INDENT
        fmt.widow_control = False
        for name, font, size in (
            ("Title", TITLE_FONT, TITLE_SIZE),
            ("Heading 1", HEADING_FONT, BODY_SIZE),
            ("Heading 2", SUBHEADING_FONT, BODY_SIZE),
        ):
            style = styles[name]
            _fonts(style, font, size)
            style.font.italic = False
            pf = style.paragraph_format
            pf.space_before = pf.space_after = Pt(0)
            pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            pf.line_spacing = Pt(36) if name == "Title" else LINE
            pf.first_line_indent = Pt(0) if name == "Title" else INDENT
            pf.keep_with_next = True
            ppr = style.element.get_or_add_pPr()
            for border in ppr.findall(qn("w:pBdr")):  # the template's rule under the title
                ppr.remove(border)
        self.document.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    # ------------------------------------------------------------ blocks

    def text(self, value: str) -> str:
        return self.privacy.clean(value)

    def paragraph(self, value: str = "", style: str | None = None, **fmt) -> None:
        paragraph = self.document.add_paragraph()
        if style is not None:
            # what add_paragraph(style=…) writes, with the id looked up once: python-docx
            # searches every style for the default on each paragraph
            if style not in self._style_ids:
                part = self.document.part
                self._style_ids[style] = part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            paragraph._p.style = self._style_ids[style]
        if value:
            paragraph.add_run(self.text(value))
        pf = paragraph.paragraph_format
        if fmt.get("align") is not None:
            paragraph.alignment = fmt["align"]
        if fmt.get("indent") is not None:
            pf.first_line_indent = fmt["indent"]
        if fmt.get("right") is not None:
            pf.right_indent = fmt["right"]
        return paragraph

    def heading(self, value: str, level: int) -> None:
        self.paragraph(value, style="Heading 1" if level == 1 else "Heading 2")

    def table(self, figures: SemesterFigures) -> None:
        """The units' table, written as WordprocessingML directly (python-docx's cell API
        costs a quarter of a second for 25 units, and the site builds one per semester);
        the header row repeats on every page."""
        body = self.document.element.body
        table = etree.Element(qn("w:tbl"))
        body.find(qn("w:sectPr")).addprevious(table)
        tblpr = _sub(table, "tblPr")
        _sub(tblpr, "tblStyle", val="TableGrid")
        _sub(tblpr, "tblW", w="0", type="auto")
        _sub(tblpr, "jc", val="center")
        _sub(tblpr, "tblLayout", type="fixed")
        grid = _sub(table, "tblGrid")
        widths = [str(Cm(w).twips) for w in COLUMN_WIDTHS]
        for width in widths:
            _sub(grid, "gridCol", w=width)
        rows = [list(TABLE_HEADERS)] + [unit.cells() for unit in figures.units]
        for r, values in enumerate(rows):
            row = _sub(table, "tr")
            if r == 0:
                _sub(_sub(row, "trPr"), "tblHeader")
            for c, value in enumerate(values):
                cell = _sub(row, "tc")
                tcpr = _sub(cell, "tcPr")
                _sub(tcpr, "tcW", w=widths[c], type="dxa")
                _sub(tcpr, "vAlign", val="center")
                paragraph = _sub(cell, "p")
                ppr = _sub(paragraph, "pPr")
                _sub(ppr, "spacing", before="40", after="40", line="240", lineRule="auto")
                _sub(ppr, "ind", firstLine="0")
                _sub(ppr, "jc", val="left" if c == 0 and r else "center")
                run = _sub(paragraph, "r")
                rpr = _sub(run, "rPr")
                font = HEADING_FONT if r == 0 else BODY_FONT
                _sub(
                    rpr, "rFonts", ascii=LATIN_FONT, hAnsi=LATIN_FONT, eastAsia=font, cs=LATIN_FONT
                )
                _sub(rpr, "sz", val=str(int((TABLE_HEADER_SIZE if r == 0 else TABLE_SIZE) * 2)))
                text = _sub(run, "t")
                text.text = self.text(value)

    def picture(self, data: bytes, caption: str) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pf = paragraph.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        pf.keep_with_next = True
        paragraph.add_run().add_picture(io.BytesIO(data), width=TEXT_WIDTH)
        caption_paragraph = self.paragraph(caption, align=WD_ALIGN_PARAGRAPH.CENTER, indent=Pt(0))
        for run in caption_paragraph.runs:
            _fonts(run, BODY_FONT, 14)

    def placeholder(self, value: str) -> None:
        paragraph = self.paragraph(value)
        for run in paragraph.runs:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    def save(self, figures: SemesterFigures) -> bytes:
        props = self.document.core_properties
        stamp = dt.datetime.combine(figures.as_of, dt.time(0, 0))
        # Word's core properties hold at most 255 characters (python-docx refuses more)
        props.title = self.text(figures.title)[:255]
        props.subject = self.text(figures.semester.name)[:255]
        props.author = props.last_modified_by = self.text(department(figures.institution))[:255]
        props.keywords = "通报"
        props.comments = ""
        props.language = "zh-CN"
        props.created = props.modified = props.last_printed = stamp
        props.revision = 1
        saved = io.BytesIO()
        self.document.save(saved)
        return _fixed_zip(saved.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The package again, each entry dated ZIP_DATE, in python-docx's order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _width(text: str) -> float:
    """In characters of the body font: CJK full width, ASCII half."""
    return sum(0.5 if ord(char) < 0x2E80 else 1.0 for char in text)


def circular_docx(
    figures: SemesterFigures,
    privacy: Privacy = FULL,
    pictures: bool | dict[str, bytes] = True,
) -> bytes:
    """The 通报 of one semester. `pictures`: True draws the charts here; a dict gives
    them already drawn (PNG by picture key: exports.circulars draws each picture once
    for the page and the file); False leaves them out (tests that read the text)."""
    out = _Circular(privacy)
    if figures.state != "ended":
        note = f"草稿：本学期{'进行中' if figures.state == 'current' else '尚未开始'}，数字截至{cn_date(figures.as_of)}"
        paragraph = out.paragraph(note, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0))
        for run in paragraph.runs:
            _fonts(run, HEADING_FONT, 12)
    out.paragraph()
    out.paragraph(figures.title, style="Title")
    out.paragraph()
    out.paragraph("各基层党委（党总支）、直属党支部：", indent=Pt(0))

    out.heading(SECTIONS[0], 1)
    for text in overview(figures):
        out.paragraph(text)
    out.heading(SECTIONS[1], 1)
    out.paragraph(
        "各单位本学期中心组学习列席旁听情况见下表（学习次数、参加率、第一议题只计中心组学习；"
        "按时报送 = 按时报送份数/已到期份数）。"
    )
    out.table(figures)
    if pictures:  # the same two pictures as the 督查统计 page
        shown = charts_module.pictures(figures, privacy.text)
        drawn = pictures if isinstance(pictures, dict) else {}
        for number, picture in enumerate(shown, 1):
            png = drawn.get(picture.key) or charts_module.render(picture, ("png",))["png"]
            out.picture(png, f"图{number}　{picture.title}")

    out.heading(SECTIONS[2], 1)
    found = problems(figures)
    if not found:
        out.paragraph(NO_PROBLEMS)
    for number, problem in enumerate(found, 1):
        out.heading(f"（{cn_number(number)}）{problem.title}（{problem.count}项）", 2)
        for line in problem.lines:
            out.paragraph(line + "。")

    out.heading(SECTIONS[3], 1)
    lines = rectification_lines(figures)
    for line in lines or [NO_RECTIFICATION]:
        out.paragraph(line)

    out.heading(SECTIONS[4], 1)
    out.placeholder(NEXT_STEPS_NOTE)

    out.paragraph()
    out.paragraph()
    signature, date = department(figures.institution), cn_date(figures.as_of)
    date_right = 4.0  # GB/T 9704: the date 4 characters from the right margin
    signature_right = max(0.0, date_right + (_width(date) - _width(signature)) / 2)
    out.paragraph(
        signature,
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=Pt(0),
        right=Pt(BODY_SIZE * signature_right),
    )
    out.paragraph(
        date, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=Pt(0), right=Pt(BODY_SIZE * date_right)
    )
    return out.save(figures)
