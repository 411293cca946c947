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
copied. Those three are cut, once, where each file's text goes (`_holes`):
`word/document.xml` around the body, the footer around its paragraph,
`docProps/core.xml` around the title and creator. For each file only the
forms are written, as WordprocessingML *text* in exactly the shape and
serialisation python-docx (lxml) gives them: the template's `w:` prefix, our
attribute values (names and numbers: nothing to escape), record text escaped
as libxml2 escapes text (`_escape`; `tests/test_exports.py` checks every code
point against lxml). The markup around text and the forms' own words (labels,
titles) are written once and kept, keyed by the privacy (at most 64 entries
each; `tests/test_privacy.py` checks nothing masked-away leaks). The zip's
records are written here too (`_zip`), as zipfile writes them (a test
compares): appending to the template's zip made zipfile reread and rewrite
its whole directory each time. Deflating the three parts is now about 40%
of the cost and is left as zipfile does it: another level changes the bytes.

Measured on a 1,500-session history (1,500 session files and 330 unit files,
masked, one process, CPU seconds): python-docx for every file took 50 ms a
file; lxml elements per file about 4 s and 3.5 s (2.6 ms and 11 ms a file);
text 0.72 s and 0.44 s (0.5 ms and 1.3 ms a file), the same bytes. A unit
file writes its sessions' forms again rather than keeping every session's
from its own file: keeping them would save about 0.25 s there (less in the
build, whose two processes share the files) for 16 MB held per 1,500
sessions, keyed by the identity of mutable objects.

Every file is the same bytes for the same records: zip entries carry a fixed
timestamp and the core properties the template's fixed dates.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
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

# A private-use character, in no template part: where the per-file text goes.
_HOLE = "\ue000"


@functools.cache
def _twips(length: Length) -> str:
    return str(int(length.twips))


@functools.cache
def _half_points(size: float) -> str:
    return str(int(Pt(size).pt * 2))


def _escape(text: str) -> str:
    """Text content as libxml2 (lxml) escapes it; the text is clean (common.clean)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


# ---------------------------------------------------------------- the skeleton


@dataclass(frozen=True, slots=True)
class _Skeleton:
    document: tuple[bytes, bytes]  # word/document.xml before and after the body's forms
    footer: tuple[bytes, bytes]  # word/footer1.xml before and after its one paragraph
    core: tuple[bytes, ...]  # docProps/core.xml around the title and the creator
    static: bytes  # a zip of every other part, compressed once
    entries: bytes  # its entries (local headers and compressed data), which start a file
    directory: bytes  # its central directory records, which start a file's directory
    count: int  # how many parts it holds


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
    document_root = etree.fromstring(parts[DOCUMENT_PART])
    footer_root = etree.fromstring(parts[FOOTER_PART])
    footer_root.remove(footer_root.find(qn("w:p")))  # each file writes its own
    core_root = etree.fromstring(parts[CORE_PART])
    dc = "{http://purl.org/dc/elements/1.1/}"
    head, tail = _holes(document_root, document_root.find(qn("w:body")))
    footer_head, footer_tail = _holes(footer_root, footer_root)
    core = _holes(core_root, core_root.find(f"{dc}title"), core_root.find(f"{dc}creator"))
    w = f'xmlns:w="{etree.QName(qn("w:p")).namespace}"'.encode()
    if w not in head or w not in footer_head:  # the forms are written with the w: prefix
        raise RuntimeError("the template's parts do not declare the w: prefix")
    static_zip = static.getvalue()
    _, _, _, count, _, size, offset, comment = _END.unpack(static_zip[-_END.size :])
    if offset + size + _END.size != len(static_zip) or comment:
        raise RuntimeError("the template's zip is not laid out as zipfile writes it")
    return _Skeleton(
        (head, tail),
        (footer_head, footer_tail),
        core,
        static_zip,
        static_zip[:offset],
        static_zip[offset : offset + size],
        count,
    )


def _holes(root: etree._Element, *places: etree._Element) -> tuple[bytes, ...]:
    """The part as python-docx serialises it, cut where each of `places` starts its
    text: what a file writes there goes between the pieces."""
    for place in places:
        place.text = _HOLE
    pieces = tuple(_xml(root).split(_HOLE.encode()))
    if len(pieces) != len(places) + 1:
        raise RuntimeError("the template holds the placeholder character")
    return pieces


def _xml(root: etree._Element) -> bytes:
    """As python-docx serialises a part."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)


# ---------------------------------------------------------------- WordprocessingML
# The elements python-docx writes, as text: the `w:` prefix is the template's, the
# attribute values are ours (names and numbers, nothing to escape), record text goes
# through `_escape`.

_SPLIT_RUN = re.compile("([\t\r\n])")


def _runs_text(text: str) -> str:
    """w:t, w:tab and w:br for `text`, as python-docx's run.text makes them: a tab is
    w:tab, each \\r or \\n a w:br, the rest w:t (xml:space="preserve" if it has outer
    whitespace)."""
    if "\t" not in text and "\r" not in text and "\n" not in text:  # most text: one w:t
        if not text:
            return ""
        if len(text.strip()) < len(text):
            return f'<w:t xml:space="preserve">{_escape(text)}</w:t>'
        return f"<w:t>{_escape(text)}</w:t>"
    out: list[str] = []
    for piece in _SPLIT_RUN.split(text):
        if not piece:
            continue
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in "\r\n":
            out.append("<w:br/>")
        elif len(piece.strip()) < len(piece):
            out.append(f'<w:t xml:space="preserve">{_escape(piece)}</w:t>')
        else:
            out.append(f"<w:t>{_escape(piece)}</w:t>")
    return "".join(out)


def _fonts_xml(font: str) -> str:
    return f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}" w:hint="eastAsia"/>'


# The markup around the text, the same for every file: made once.


@functools.cache
def _run_head(font: str, size: float) -> str:
    return f'<w:r><w:rPr>{_fonts_xml(font)}<w:sz w:val="{_half_points(size)}"/></w:rPr>'


@functools.cache
def _row_head(height: float) -> str:
    return f'<w:tr><w:trPr><w:trHeight w:val="{_twips(Cm(height))}" w:hRule="atLeast"/></w:trPr>'


@functools.cache
def _cell_head(widths: tuple[float, ...], merge: str | None) -> str:
    width = sum(int(Cm(w).twips) for w in widths)
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
        + (f'<w:gridSpan w:val="{len(widths)}"/>' if len(widths) > 1 else "")
        + (f'<w:vMerge w:val="{merge}"/>' if merge else "")
        + '<w:vAlign w:val="center"/></w:tcPr>'
    )


_TABLE_PROPERTIES = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
    '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)


def _run(privacy: Privacy, text: str, font: str, size: float, end: str = "") -> str:
    return f"{_run_head(font, size)}{_runs_text(privacy.clean(text))}{end}</w:r>"


def _paragraph(
    privacy: Privacy,
    text: str,
    font: str,
    size: float,
    center: bool,
    before: float,
    after: float,
    page_break: bool,
) -> str:
    return (
        "<w:p><w:pPr>"
        + ("<w:pageBreakBefore/>" if page_break else "")
        + f'<w:spacing w:before="{_twips(Pt(before))}" w:after="{_twips(Pt(after))}"/>'
        + ('<w:jc w:val="center"/>' if center else "")
        + "</w:pPr>"
        + (_run(privacy, text, font, size) if text else "")
        + "</w:p>"
    )


# The form's own words, the same in every file (a few dozen, keyed by the privacy too).
_fixed_paragraph = functools.lru_cache(maxsize=64)(_paragraph)


@functools.lru_cache(maxsize=64)
def _label(
    privacy: Privacy,
    widths: tuple[float, ...],
    lines: tuple[str, ...] | str,
    center: bool,
    size: float,
    merge: str | None,
) -> str:
    return _Writer(privacy).cell(widths, lines, center=center, size=size, merge=merge)


_CENTER = '<w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
_LEFT = '<w:p><w:pPr><w:jc w:val="left"/></w:pPr>'


class _Writer:
    """Writes paragraphs and tables to `parts`, with the record text cleaned and masked
    as `privacy` says; the XML is what python-docx would write."""

    def __init__(self, privacy: Privacy) -> None:
        self.privacy = privacy
        self.parts: list[str] = []

    def run(self, text: str, font: str = BODY_FONT, size: float = 12, end: str = "") -> str:
        """A run of `text` (`end`: elements after its text, inside the run)."""
        return _run(self.privacy, text, font, size, end)

    def paragraph(
        self,
        text: str = "",
        *,
        fixed: bool = False,
        font: str = BODY_FONT,
        size: float = 12,
        center: bool = False,
        before: float = 0,
        after: float = 0,
        page_break: bool = False,
    ) -> None:
        """`fixed`: the text is the form's own, no record's, so the paragraph is the same
        in every file and written once."""
        args = (self.privacy, text, font, size, center, before, after, page_break)
        self.parts.append(_fixed_paragraph(*args) if fixed else _paragraph(*args))

    def spread(self, parts: list[str], after: float = 6) -> None:
        """One line with its two parts at the left and right margins (a right tab stop)."""
        self.parts.append(
            f'<w:p><w:pPr><w:tabs><w:tab w:pos="{_twips(TEXT_WIDTH)}" w:val="right"/></w:tabs>'
            f'<w:spacing w:after="{_twips(Pt(after))}"/></w:pPr>'
            f"{self.run(chr(9).join(parts))}</w:p>"
        )

    def signatures(self, leader: str, liaison: str, filed: str) -> None:
        """组长 and 联络员 side by side, 填报时间 under 联络员: the form's one line would not
        fit three names and a date in 小四 on A4."""
        first = self.run(f"列席旁听组组长：{leader}\t列席旁听组联络员：{liaison}", end="<w:br/>")
        self.parts.append(
            f'<w:p><w:pPr><w:tabs><w:tab w:pos="{_twips(SIGNATURE_COLUMN)}" w:val="left"/>'
            f'</w:tabs><w:spacing w:line="{int(1.8 * 240)}" w:lineRule="auto"/></w:pPr>'
            f"{first}{self.run(f'{chr(9)}填报时间：{filed}')}</w:p>"
        )

    def table(self, widths: tuple[float, ...], rows: list[str]) -> None:
        grid = "".join(f'<w:gridCol w:w="{_twips(Cm(width))}"/>' for width in widths)
        self.parts.append(
            f"<w:tbl>{_TABLE_PROPERTIES}<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
        )

    @staticmethod
    def row(height: float, *cells: str) -> str:
        return f"{_row_head(height)}{''.join(cells)}</w:tr>"

    def cell(
        self,
        widths: tuple[float, ...],
        lines: Sequence[str] | str,
        *,
        center: bool = False,
        size: float = 12,
        merge: str | None = None,
    ) -> str:
        """A cell spanning the columns of `widths`, one paragraph per line; `merge`:
        "restart" for the first cell of a vertical merge."""
        out = [_cell_head(widths, merge)]
        jc = _CENTER if center else _LEFT
        for line in [lines] if isinstance(lines, str) else lines or [""]:
            out.append(f"{jc}{self.run(line, size=size) if line else ''}</w:p>")
        out.append("</w:tc>")
        return "".join(out)

    def label(
        self,
        widths: tuple[float, ...],
        lines: tuple[str, ...] | str,
        *,
        center: bool = True,
        size: float = 12,
        merge: str | None = None,
    ) -> str:
        """A cell of the form's own words, no record's: the same in every file, so
        written once."""
        return _label(self.privacy, widths, lines, center, size, merge)

    @staticmethod
    @functools.cache
    def merged(width: float) -> str:
        """A cell continuing the vertical merge above it: empty, as python-docx leaves it."""
        return (
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{_twips(Cm(width))}"/><w:vMerge/>'
            "</w:tcPr><w:p/></w:tc>"
        )


# ---------------------------------------------------------------- the forms


def _form1(out: _Writer, session: Session, org: Org | None, new_page: bool = False) -> None:
    out.paragraph("附件1", fixed=True, font=TITLE_FONT, size=14, page_break=new_page)
    out.paragraph(FORM1_TITLE, fixed=True, font=TITLE_FONT, size=16, center=True, before=12)
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
    label, text = (3.4,), (12.2,)

    def line(height: float, name: tuple[str, ...] | str, value: list[str] | str) -> str:
        return out.row(height, out.label(label, name), out.cell(text, value))

    rows = [
        line(
            1.3,
            ("中心组学习", "时间及地点"),
            f"{cn_date(session.date)}（{cn_weekday(session.date)}）{session.time}  {session.location}",
        ),
        line(1.3, ("中心组", "人  数"), f"{session.members}人"),
        line(1.3, ("主持人及", "职  务"), f"{session.host.name}  {session.host.title}"),
        line(
            3.6,
            "学习内容",
            [
                f"{n}. {t.title}" + ("（第一议题）" if t.first_topic else "")
                for n, t in enumerate(session.topics, 1)
            ],
        ),
    ]
    for index in range(speaker_rows):
        if index == 0:
            first = out.label(label, ("交流研讨", "人员、职务", "及发言提纲"), merge="restart")
        else:
            first = out.merged(label[0])
        rows.append(
            out.row(0.9, first, out.cell(text, speakers[index] if index < len(speakers) else ""))
        )
    phone = out.privacy.phone(str(session.contact.phone))
    rows.append(line(1.3, ("联系人及", "联系电话"), f"{session.contact.name}  {phone}"))
    out.table(label + text, rows)
    days = org.deadlines[FILING_KINDS[Kind.POST_COPY].deadline].days if org else 2
    out.paragraph(
        f"注：此表一式两份，一份于会前报联络员、一份于会后{days}天内报党委宣传部。",
        fixed=True,
        size=10.5,
        before=6,
    )


def _form2(out: _Writer, session: Session, audit: Audit, org: Org | None) -> None:
    group = org.groups.get(audit.group) if org else None
    rate = f"{round((org.attendance_threshold if org else 0.9) * 100)}%"
    out.paragraph("附件2", fixed=True, font=TITLE_FONT, size=14, page_break=True)
    out.paragraph(
        FORM2_TITLE, fixed=True, font=TITLE_FONT, size=16, center=True, before=12, after=18
    )
    out.spread(
        [f"列席旁听单位：{unit_name(org, session.unit)}", f"旁听时间：{cn_date(session.date)}"]
    )
    widths = (2.6, 5.6, 7.4)
    rows = [
        out.row(
            1.0,
            out.label(widths[:2], "旁听重点"),
            out.label(widths[2:], "主要情况"),
        )
    ]
    findings = audit.findings
    for name, title, hint in FOCUS:
        value = getattr(findings, name) if findings else None
        rows.append(
            out.row(
                3.2,
                out.label(widths[:1], title),
                out.label(widths[1:2], hint.format(rate=rate), center=False, size=10.5),
                out.cell(widths[2:], value or ""),
            )
        )
    rows.append(
        out.row(
            4.0,
            out.label(widths[:1], "问题和建议"),
            out.cell(widths[1:], audit.problems or ""),
        )
    )
    out.table(widths, rows)
    out.paragraph(fixed=True, after=6)
    out.signatures(
        group.leader.name if group else "",
        group.liaison.name if group else "",
        cn_date(audit.filed),
    )


def _forms(session: Session, org: Org | None, privacy: Privacy, new_page: bool) -> str:
    """附件1 of the session, then one 附件2 per audit (a planned audit prints as a blank
    form): the body's XML."""
    out = _Writer(privacy)
    _form1(out, session, org, new_page)
    for audit in session.audits:
        _form2(out, session, audit, org)
    return "".join(out.parts)


@functools.lru_cache(maxsize=8)
def _footer(institution: str) -> _Deflated:
    """The institution (cleaned and masked), small and grey: no record path on a form
    that is filed on paper. The same part in every file of an institution: deflated once."""
    head, tail = _skeleton().footer
    paragraph = (
        '<w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="right"/></w:pPr>'
        f'<w:r><w:rPr>{_fonts_xml(BODY_FONT)}<w:color w:val="{FOOTER_COLOR}"/><w:sz w:val="16"/>'
        f"</w:rPr>{_runs_text(institution)}</w:r></w:p>"
    )
    return _deflate(head + paragraph.encode() + tail)


def _core(skeleton: _Skeleton, title: str, org: Org | None, privacy: Privacy) -> bytes:
    head, between, tail = skeleton.core
    creator = privacy.clean(org.institution if org else "")
    return b"".join(
        (head, _escape(privacy.clean(title)).encode(), between, _escape(creator).encode(), tail)
    )


# The zip records (PKWARE's APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16) with the fields Python's
# zipfile writes for `writestr(ZipInfo(name, ZIP_DATE), data, ZIP_DEFLATED)` to a file
# it can seek in: written here, the three parts cost their compression and no more
# (opening the template's zip in append mode and rewriting its directory cost as much).
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_VERSION = 20  # 2.0: deflate
_SYSTEM = zipfile.ZipInfo().create_system  # 3 (Unix), 0 on Windows, as zipfile has it
_PERMISSIONS = 0o600 << 16  # zipfile's for an entry without attributes
_ZIP64_LIMIT = (1 << 31) - 1  # zipfile switches to ZIP64 records past this size


# A part as it goes into the zip: its size, CRC-32 and deflated bytes.
_Deflated = tuple[int, int, bytes]


def _deflate(data: bytes) -> _Deflated:
    """As zipfile deflates (its default level)."""
    if len(data) * 1.05 > _ZIP64_LIMIT:
        raise ValueError("too large for a Word file")
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return len(data), zlib.crc32(data), deflate.compress(data) + deflate.flush()


def _zip(skeleton: _Skeleton, parts: list[tuple[str, _Deflated]]) -> bytes:
    """The template's parts then `parts` as a zip."""
    entries = [skeleton.entries]
    directory = [skeleton.directory]
    offset = len(skeleton.entries)
    for name, (size, crc, packed) in parts:
        filename = name.encode("ascii")
        # flags, method, time, date, CRC-32, compressed and full size; then the name's length
        fields = (0, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc, len(packed), size)
        fields += (len(filename),)
        local = _LOCAL.pack(b"PK\3\4", _VERSION, 0, *fields, 0)
        entries += (local, filename, packed)
        # versions made by and needed; no extra field, comment, disk, internal attributes
        made = (_VERSION, _SYSTEM, _VERSION, 0)
        central = _CENTRAL.pack(b"PK\1\2", *made, *fields, 0, 0, 0, 0, _PERMISSIONS, offset)
        directory += (central, filename)
        offset += len(local) + len(filename) + len(packed)
    count = skeleton.count + len(parts)
    end = _END.pack(b"PK\5\6", 0, 0, count, count, sum(map(len, directory)), offset, 0)
    return b"".join((*entries, *directory, end))


def _package(body: bytes, title: str, org: Org | None, privacy: Privacy) -> bytes:
    skeleton = _skeleton()
    head, tail = skeleton.document
    return _zip(
        skeleton,
        [
            (DOCUMENT_PART, _deflate(head + body + tail)),
            (FOOTER_PART, _footer(privacy.clean(org.institution if org else ""))),
            (CORE_PART, _deflate(_core(skeleton, title, org, privacy))),
        ],
    )


def session_docx(session: Session, org: Org | None, privacy: Privacy = FULL) -> bytes:
    """附件1 of the session, then one 附件2 per audit (a planned audit prints as a blank form)."""
    title = f"{unit_name(org, session.unit)} {session.date} 中心组学习"
    return _package(_forms(session, org, privacy, False).encode(), title, org, privacy)


def merged_docx(
    sessions: list[Session], org: Org | None, title: str, privacy: Privacy = FULL
) -> bytes:
    """Every session's 附件1 and 附件2 in one file, in the order given, each form starting
    a page: a unit's semester, printed at once."""
    body = "".join(_forms(s, org, privacy, number > 0) for number, s in enumerate(sessions))
    return _package(body.encode(), title, org, privacy)
