"""The semester circular (通报): figures by records.md's definitions on a tiny semester
worked out by hand, the command, the Word file read back, and the charts."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm

from generator import charts
from generator.circular import (
    SECTIONS,
    TABLE_HEADERS,
    UnknownSemester,
    as_markdown,
    decimals,
    percent,
    problems,
    rectification_lines,
    semester_figures,
)
from generator.cli import main
from generator.exports.circular_docx import circular_docx
from generator.pipeline import check
from generator.rules import Status

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "circular" / "records"
AS_OF = dt.date(2026, 5, 10)

# tests/data/circular: one semester s1 (2026-03-01 … 06-30), as of 2026-05-10, so March and
# April have ended and May has not. Deadlines are the defaults: arrangement 2 days before,
# post-copy 2 days after, audit record and visit report 3 days after, in calendar days.
#
# ua 甲学院党委 (党委, group g1)
#   03-10 study, 9/10 present, 第一议题. arrangement 03-08 (due 03-08, on time), post-copy 03-12
#         (due 03-12, on time). g1's audit record filed late: the group's, counted for no unit;
#         its rectification (filed late) is ua's, but not among the figures' filings.
#         Visitors: ub's 书记 (report on time: ub's filing) and ud's 书记 (report late: ud's).
#   04-15 study, present missing (not in the attendance sums), no 第一议题. arrangement 04-14
#         (due 04-13: late), post-copy none (due 04-17: missing).
#   04-20 党政联席会 with uc's 书记 visiting and g1 sitting in: not a study session, so no
#         session, no filing, no invitation, no visit, no audit counted, no report owed by uc.
#   05-08 study, 10/10, 第一议题. arrangement 05-06 (due 05-06 < as-of: due, on time);
#         post-copy none, due 05-10 = as-of: not yet due, so not counted.
#   05-11 planned (after as-of): its arrangement was due 05-09 and is missing, but the
#         session lies after as-of, so nothing of it is counted.
#   => sessions 3; attendance (9+10)/(10+10) = 0.95; 第一议题 2; audits 1 (g1 on 03-10);
#      invited 1 (ub; ud is a 直属党支部, whose visits count toward no quota);
#      filings due 2 + 2 + 1 = 5, on time 2 + 0 + 1 = 3.
# ub 乙学院党委 (党委, g1): no session in March.
#   04-08 study, 11/12, 第一议题, both filings on time. Two visitors from uc: 书记 reported
#         04-12 (late), 副书记 04-10 (on time): one report, the earlier counts: on time.
#   05-08 study, 12/12; arrangement 05-06 on time; post-copy filed 05-09 on time, but due
#         05-10 = as-of: not yet due, not counted.
#   => sessions 2; months missing [2026-03]; attendance 23/24 = 0.958333… → 0.9583;
#      audits 0; invited 2 (two entries); visits 1 (to ua); filings due 2 + 1 + 1 (its
#      report on ua's 03-10) = 4, all on time.
# uc 丙学院党总支 (党总支, g2): no session in April.
#   03-18 study, 7/8, post-copy 03-25 (due 03-20: late); g2 audited (record not counted).
#   05-06 study, 8/8, both filings on time (post-copy due 05-08).
#   => attendance 15/16 = 0.9375; audits 1; visits 2 (two entries on ub's 04-08);
#      filings due 4 own + 1 report = 5, on time 3 + 1 = 4.
# ud 丁直属党支部: two sessions, everything on time, but its report on ua's 03-10 was late:
#   filings due 4 + 1 = 5, on time 4; it owes no invitations or visits: 0 and 0.
# ue 戊学院党总支: nothing at all: months missing March and April, attendance null.
EXPECTED = [
    {"unit": "ua", "name": "甲学院党委", "kind": "党委", "sessions": 3, "months_missing": [],
     "attendance": 0.95, "first_topic": 2, "audits_received": 1, "invited": 1,
     "visits_made": 0, "filings_due": 5, "filings_on_time": 3},
    {"unit": "ub", "name": "乙学院党委", "kind": "党委", "sessions": 2,
     "months_missing": ["2026-03"], "attendance": 0.9583, "first_topic": 2,
     "audits_received": 0, "invited": 2, "visits_made": 1, "filings_due": 4,
     "filings_on_time": 4},
    {"unit": "uc", "name": "丙学院党总支", "kind": "党总支", "sessions": 2,
     "months_missing": ["2026-04"], "attendance": 0.9375, "first_topic": 2,
     "audits_received": 1, "invited": 0, "visits_made": 2, "filings_due": 5,
     "filings_on_time": 4},
    {"unit": "ud", "name": "丁直属党支部", "kind": "直属党支部", "sessions": 2,
     "months_missing": [], "attendance": 1.0, "first_topic": 2, "audits_received": 0,
     "invited": 0, "visits_made": 0, "filings_due": 5, "filings_on_time": 4},
    {"unit": "ue", "name": "戊学院党总支", "kind": "党总支", "sessions": 0,
     "months_missing": ["2026-03", "2026-04"], "attendance": None, "first_topic": 0,
     "audits_received": 0, "invited": 0, "visits_made": 0, "filings_due": 0,
     "filings_on_time": 0},
]  # fmt: skip
EXPECTED_ROWS = [
    ["甲学院党委", "3", "—", "95.0%", "2", "1", "1", "0", "3/5"],
    ["乙学院党委", "2", "2026-03", "95.8%", "2", "0", "2", "1", "4/4"],
    ["丙学院党总支", "2", "2026-04", "93.8%", "2", "1", "0", "2", "4/5"],
    ["丁直属党支部", "2", "—", "100.0%", "2", "0", "0", "0", "4/5"],
    ["戊学院党总支", "0", "2026-03、2026-04", "—", "0", "0", "0", "0", "0/0"],
]


@pytest.fixture(scope="module")
def tiny():
    result = check(TINY, AS_OF)
    assert not [f for f in result.findings if f.severity.label == "error"]
    return semester_figures(result, "s1")


def test_json_figures_are_the_hand_worked_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["report", "--records", str(TINY), "--as-of", "2026-05-10", "--semester", "s1",
         "--format", "json"]
    )  # fmt: skip
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert list(payload) == ["semester", "as_of", "units"]
    assert payload["semester"] == "s1" and payload["as_of"] == "2026-05-10"
    assert payload["units"] == EXPECTED
    for unit in payload["units"]:
        assert list(unit) == list(EXPECTED[0])  # the spec's keys, in its order


def test_a_due_date_on_as_of_is_not_due_and_one_day_later_it_is() -> None:
    """ua's 05-08 post-copy is due 05-10: not counted on 05-10; on 05-11 it is due and
    missing, and so is the arrangement of ua's 05-11 session (now dated no later than
    as-of); ub's 05-08 post-copy (filed 05-09) is due and on time."""
    later = {u.unit: u for u in semester_figures(check(TINY, AS_OF + dt.timedelta(1)), "s1").units}
    assert (later["ua"].filings_due, later["ua"].filings_on_time) == (7, 3)
    assert (later["ub"].filings_due, later["ub"].filings_on_time) == (5, 5)


def test_rounding_is_half_up_from_the_exact_fraction() -> None:
    assert decimals(Fraction(29, 32), 4) == 0.9063  # 0.90625: half up, not to even
    assert decimals(Fraction(14, 15), 4) == 0.9333
    assert percent(Fraction(14, 15)) == "93.3%"
    assert percent(Fraction(15, 16)) == "93.8%"  # 93.75 → 93.8
    assert percent(Fraction(1, 1)) == "100.0%"
    assert percent(None) == "—"


def test_unknown_semester_lists_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", "--records", str(TINY), "--semester", "2099-1"])
    assert code == 2
    err = capsys.readouterr().err
    assert "「2099-1」" in err and "现有学期：s1" in err
    with pytest.raises(UnknownSemester) as caught:
        semester_figures(check(TINY, AS_OF), "nope")
    assert caught.value.known == ["s1"]


def test_docx_is_written_to_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["report", "--records", str(TINY), "--as-of", "2026-05-10", "--semester", "s1"]
    assert main(args) == 0
    written = tmp_path / "s1-通报.docx"
    assert written.is_file() and "已写入" in capsys.readouterr().err
    out = tmp_path / "sub" / "x.docx"
    assert main([*args, "--out", str(out)]) == 0
    assert out.read_bytes() == written.read_bytes()  # same records, same day: same bytes


def test_markdown_has_the_sections_and_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["report", "--records", str(TINY), "--as-of", "2026-05-10", "--semester", "s1"]
    assert main([*args, "--format", "md"]) == 0
    text = capsys.readouterr().out
    positions = [text.index(f"## {s}") for s in SECTIONS]
    assert positions == sorted(positions)
    assert "| " + " | ".join(TABLE_HEADERS) + " |" in text
    assert "| 乙学院党委 | 2 | 2026-03 | 95.8% | 2 | 0 | 2 | 1 | 4/4 |" in text


def test_problems_name_every_warning_by_rule_with_units_and_dates(tiny) -> None:
    found = {p.rule: p for p in problems(tiny)}
    assert set(found) == {f.rule for f in tiny.warnings}
    assert sum(p.count for p in found.values()) == len(tiny.warnings) == 15
    assert found["not-study-session"].lines == ["甲学院党委：2026年4月20日"]
    assert found["monthly-study-missing"].lines == [
        "乙学院党委：2026年3月",
        "丙学院党总支：2026年4月",
        "戊学院党总支：2026年3月、2026年4月",
    ]
    assert found["visit-report-late"].lines == ["甲学院党委：2026年3月10日"]
    rules = list(found)
    assert rules.index("arrangement-late") < rules.index("monthly-study-missing")


# ---------------------------------------------------------------- the Word file


@pytest.fixture(scope="module")
def word(tiny):
    return circular_docx(tiny)


def test_docx_sections_in_order_and_the_table_exactly(word: bytes, tiny) -> None:
    document = Document(io.BytesIO(word))
    texts = [p.text for p in document.paragraphs]
    title = "关于2026年春季学期基层党委理论学习中心组学习列席旁听情况的通报"
    assert title in texts
    positions = [texts.index(title)] + [texts.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    for section in SECTIONS:
        assert document.paragraphs[texts.index(section)].style.name == "Heading 1"
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(TABLE_HEADERS)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == EXPECTED_ROWS
    # 一、总体情况 sums the figures
    overview = " ".join(texts[texts.index(SECTIONS[0]) : texts.index(SECTIONS[1])])
    assert "共开展中心组学习9次" in overview and "落实“第一议题”8次" in overview
    assert "共19份，按时报送15份" in overview
    assert "总体参加率95.7%（实到67人次，应到70人次）" in overview  # 19+23+15+10 of 20+24+16+10
    # 三、存在的问题, 四, 五, the signature
    problems_text = texts[texts.index(SECTIONS[2]) : texts.index(SECTIONS[3])]
    assert "（一）安排表报送迟了（1项）" in problems_text
    assert "甲学院党委：2026年4月20日。" in problems_text
    rectification = texts[texts.index(SECTIONS[3]) + 1 : texts.index(SECTIONS[4])]
    assert rectification == rectification_lines(tiny) and len(rectification) == 3
    placeholder = document.paragraphs[texts.index(SECTIONS[4]) + 1]
    assert "由党委宣传部撰写" in placeholder.text
    assert placeholder.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    assert texts[-2:] == ["中共测试学院委员会宣传部", "2026年5月10日"]
    assert texts[0].startswith("草稿：本学期进行中")


def test_docx_is_an_a4_official_document(word: bytes) -> None:
    document = Document(io.BytesIO(word))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert round(section.top_margin.cm, 1) == 3.7 and round(section.left_margin.cm, 1) == 2.8
    normal = document.styles["Normal"]
    assert normal.font.size.pt == 16  # 三号
    fonts = normal.element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "仿宋"
    )
    heading = document.styles["Heading 1"].element.rPr.rFonts
    assert (
        heading.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "黑体"
    )
    footer = document.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer  # — 1 —
    pictures = document.inline_shapes
    assert len(pictures) == 2 and all(abs(p.width - Cm(15.6)) < Cm(0.01) for p in pictures)
    assert document.core_properties.created == dt.datetime(2026, 5, 10, tzinfo=dt.UTC)


def test_docx_is_the_same_bytes_for_the_same_records(word: bytes, tiny) -> None:
    assert circular_docx(tiny) == word
    with zipfile.ZipFile(io.BytesIO(word)) as package:
        assert {i.date_time for i in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_ended_semester_is_no_draft_and_dates_its_circular(tiny) -> None:
    ended = semester_figures(check(TINY, dt.date(2026, 7, 5)), "s1")
    assert ended.state == "ended"
    texts = [p.text for p in Document(io.BytesIO(circular_docx(ended, pictures=False))).paragraphs]
    assert not texts[0].startswith("草稿") and texts[-1] == "2026年7月5日"
    assert any("2026年3月1日至2026年6月30日" in t for t in texts)


def test_rectification_lists_the_audits_with_rectify_by_and_where_they_stand(tiny) -> None:
    """ua 03-10: rectify_by 04-10, filed 04-12 (the checker's filing: late); uc 03-18:
    rectify_by 06-01, nothing yet (not due); ua 04-20 is a 党政联席会, which the checker
    does not judge: the same definition here (05-01 passed, nothing filed: missing)."""
    items = [(i.unit, i.date.isoformat(), i.group, i.status) for i in tiny.rectifications]
    assert items == [
        ("ua", "2026-03-10", "g1", Status.LATE),
        ("uc", "2026-03-18", "g2", Status.PENDING),
        ("ua", "2026-04-20", "g1", Status.MISSING),
    ]
    lines = rectification_lines(tiny)
    assert lines[0] == (
        "甲学院党委（2026年3月10日，列席旁听组g1）：整改期限2026年4月10日，"
        "整改情况逾期后报送（2026年4月12日报送）。整改措施及成效：制定整改清单，已落实3项。"
    )
    assert "尚未到期" in lines[1] and "逾期未报送整改情况" in lines[2]
    # the rectification is the audited unit's, but not one of the filings the figures count
    assert {u.unit: u.filings_due for u in tiny.units}["ua"] == 5


# ---------------------------------------------------------------- charts


def _ink(png: bytes) -> tuple[int, int]:
    """(pixels that are not white, all pixels)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return sum(histogram[:250]), image.width * image.height


def _label(text: str, settings: dict) -> bytes:
    """One label drawn as the charts draw their text."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(0.6, 0.6))
        figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=24)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=50)
    return buffer.getvalue()


def test_chinese_labels_are_glyphs_not_boxes() -> None:
    """Two different characters look different in the charts' font; in a font without
    CJK glyphs both are the same box (tofu) — the test knows what a failure looks like."""
    assert charts.cjk_font() is not None, "no CJK font: apt-get install fonts-noto-cjk"
    settings = charts._settings()
    assert settings["font.family"][0] == charts.cjk_font()
    a, b = _label("会", settings), _label("党", settings)
    assert a != b and _ink(a)[0] > 0 and _ink(b)[0] > 0
    no_cjk = dict(settings, **{"font.family": ["DejaVu Sans"]})
    with pytest.warns(UserWarning, match="missing from font"):
        assert _label("会", no_cjk) == _label("党", no_cjk)


def test_pictures_are_not_blank_and_the_svg_keeps_its_text(tiny) -> None:
    units, college = charts.pictures(tiny)
    assert [c.key for c in units.charts] == ["attendance", "on-time", "months"]
    made = charts.render(units, ("svg", "png"), "t")
    png = made["png"]
    assert png.startswith(b"\x89PNG")
    ink, total = _ink(png)
    assert 0.03 * total < ink < 0.6 * total
    svg = made["svg"]
    assert svg.startswith("<svg") and "<metadata" not in svg and "<style" not in svg
    assert ">甲学院党委</text>" in svg and ">95.0%</text>" in svg  # text, not paths
    assert ">3/3</text>" in svg  # ua: March, April, May (studied before it ends) of 3
    assert 'id="t-units-' in svg and "\n\n" not in svg
    assert charts.render(units, ("svg",), "t")["svg"] == svg  # no date, no random ids
    assert units.rows[1] == ("乙学院党委", "95.8%", "4/4", "100.0%", "2/3", "2026-03")
    rows = college.rows
    assert [r[0] for r in rows] == ["2026年3月", "2026年4月", "2026年5月", "2026年6月"]
    # every due filing once, in the month of its session
    assert sum(int(r[1]) + int(r[2]) + int(r[3]) for r in rows) == sum(
        u.filings_due for u in tiny.units
    )
    assert sum(int(r[1]) for r in rows) == sum(u.filings_on_time for u in tiny.units)


def test_pictures_label_text_through_the_given_function(tiny) -> None:
    units, _ = charts.pictures(tiny, lambda text: text.replace("甲", "X"))
    assert units.rows[0][0] == "X学院党委"
    assert ">X学院党委</text>" in charts.render(units, ("svg",))["svg"]


def test_markdown_escapes_record_text(tiny) -> None:
    tiny.units[0].name = "甲|<b>*"
    try:
        text = as_markdown(tiny)
    finally:
        tiny.units[0].name = "甲学院党委"
    assert "| 甲\\|\\<b\\>\\* | 3 |" in text


# ---------------------------------------------------------------- printed by LibreOffice

SAMPLES = ROOT / "records"
SCREENSHOT = ROOT / "docs" / "images" / "circular.png"


def test_circular_prints_through_libreoffice(tmp_path: Path) -> None:
    """The sample's ended semester, converted to PDF by LibreOffice as an office would
    print it. UPDATE_SCREENSHOTS=1 writes its first pages to docs/images/circular.png
    (with poppler's pdftoppm; then look at it)."""
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:  # python-docx reads the file back in the tests above; this one looks
        pytest.skip("LibreOffice not found: apt-get install libreoffice-writer-nogui")
    figures = semester_figures(check(SAMPLES, dt.date(2026, 11, 29)), "2025-2026-2")
    source = tmp_path / "2025-2026-2-通报.docx"
    source.write_bytes(circular_docx(figures))
    profile = (tmp_path / "profile").as_uri()  # its own profile: other runs may be open
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    pdf = (tmp_path / "2025-2026-2-通报.pdf").read_bytes()
    pages = len(__import__("re").findall(rb"/Type\s*/Page[^s]", pdf))
    assert 3 <= pages <= 8, pages
    assert b"/Subtype/Image" in pdf.replace(b" ", b"")  # the charts came through
    if os.environ.get("UPDATE_SCREENSHOTS") != "1":
        return
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(tmp_path / "2025-2026-2-通报.pdf"),
         str(tmp_path / "page")],
        check=True, timeout=120,
    )  # fmt: skip
    images = [Image.open(p) for p in sorted(tmp_path.glob("page-*.png"))]
    sheet = Image.new("RGB", (sum(i.width for i in images) + 20 * (len(images) + 1),
                              max(i.height for i in images) + 40), "#d0d4d8")  # fmt: skip
    x = 20
    for image in images:
        sheet.paste(image, (x, 20))
        x += image.width + 20
    sheet.save(SCREENSHOT, optimize=True)


def test_a_second_process_draws_the_same_files(tmp_path: Path) -> None:
    """With many semesters the build draws charts and 通报 in a spawned worker: what it
    returns is byte for byte what this process makes."""
    from generator.circular import all_figures
    from generator.exports import masked
    from generator.exports.circulars import Circulars

    figures = all_figures(check(SAMPLES, dt.date(2026, 11, 29)))
    with Circulars(figures, masked(), parallel=True) as worker:
        assert worker._pool is not None  # really a second process
        there = {s: (worker.svgs(s), worker.docx(s)) for s in worker.semesters}
    with Circulars(figures, masked(), parallel=False) as here:
        assert here._pool is None
        assert there == {s: (here.svgs(s), here.docx(s)) for s in here.semesters}
    assert list(there) == ["2025-2026-2", "2026-2027-1"]
    # a process that would wait draws the SVGs the worker has not begun: the same bytes
    with Circulars(figures, masked(), parallel=True) as helped:
        helped.draw_unstarted()
        assert {s: (helped.svgs(s), helped.docx(s)) for s in helped.semesters} == there


def test_a_long_semester_name_fits_words_core_properties(tiny) -> None:
    """Word's title property holds 255 characters; the document's own title holds all."""
    import dataclasses

    name = "长" * 300
    long = dataclasses.replace(tiny, semester=dataclasses.replace(tiny.semester, name=name))
    document = Document(io.BytesIO(circular_docx(long, pictures=False)))
    assert len(document.core_properties.title) == 255
    assert any(name in p.text for p in document.paragraphs)
