"""No full mobile number in any published byte, however it is written (generator/privacy.py).

Tried as an attacker would: records carry mobile numbers in every spelling a
reader still reads as a number, in every text field that reaches the site
(org.yaml's names and semester names become headings and anchors). The whole
built site is then scanned — every file, inside the Word and Excel packages and
the gzip sitemap too — after undoing every encoding a file may use (HTML
character references, JSON \\u escapes, calendar line folding, XML tags between
runs) and normalising like the masker does.
"""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from generator import privacy
from generator.cli import main
from generator.exports import FULL, masked, merged_docx, session_docx
from generator.pipeline import check
from generator.privacy import DIGITISH, find_mobiles, mask_mobiles, mask_phone, normalise

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "records"
AS_OF = "2026-11-29"
ZW = "\u200b"

# (the number, as written): every spelling issue 8 found published in full, and more.
SPELLINGS = [
    ("13912345678", "13912345678"),
    ("13722223333", "+86 13722223333"),
    ("13511112222", "135-1111-2222"),
    ("13622223333", "136 2222 3333"),
    ("13733334444", "137  3333  4444"),
    ("13987654321", "+86 (139) 8765-4321"),
    ("13844445555", "138 - 4444 - 5555"),
    ("18633334444", "186.3333.4444"),
    ("15055556666", "150/5555/6666"),
    ("15811112222", "１５８１１１１２２２２"),
    ("15977778888", ZW.join("15977778888")),
    ("15266667777", "0086-152-6666-7777"),
    ("15377778888", "(+86)153 7777 8888"),
    ("18788889999", "１８７－８８８８－９９９９"),
    ("18812123434", "188–1212–3434"),
    ("18956567878", "189—5656—7878"),
    ("17712344321", "\u00ad".join("17712344321")),
    ("17856785678", "178\u20605678\ufeff5678"),
    ("19912345678", "199\u30001234\u00a05678"),
    ("13698765432", " ".join("13698765432")),
    ("13124681357", "（131）2468．1357"),
    ("13213572468", "132／1357／2468"),
    ("14712341234", "①④⑦①②③④①②③④"),
]
TEXT = "；".join(written for _, written in SPELLINGS)
NUMBERS = [number for number, _ in SPELLINGS]


# ---------------------------------------------------------------- the normaliser


@pytest.mark.parametrize(("number", "written"), SPELLINGS)
def test_every_spelling_is_masked(number: str, written: str) -> None:
    assert find_mobiles(f"联系电话：{written}。") == [number]
    shown = mask_mobiles(f"联系电话：{written}。")
    assert shown.startswith("联系电话：") and shown.endswith("。")
    assert f"{number[:3]}****{number[-4:]}" in shown
    assert number not in re.sub(r"[^0-9]", "", normalise(shown))


SEPARATOR = st.text(
    alphabet=st.sampled_from(
        [
            *(" ", "\u3000", "\u00a0", "\t", "-", "－", "–", "—", "―", "−", ".", "．", "。"),
            *("/", "／", "(", ")", "（", "）", "[", "]", "【", "】", ZW, "\u200c", "\u200d"),
            *("\u2060", "\ufeff", "\u00ad"),
        ]
    ),
    max_size=6,
)
DIGIT_FORMS = {d: [d, chr(0xFF10 + int(d)), chr(0x0660 + int(d))] for d in "0123456789"}


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    rest = draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9))
    number = "1" + draw(st.sampled_from("3456789")) + "".join(rest)
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "(+86)", "86-", "＋８６"]))
    parts = [prefix]
    for digit in number:
        parts += [draw(st.sampled_from(DIGIT_FORMS[digit])), draw(SEPARATOR)]
    return number, "".join(parts[:-1])


@settings(max_examples=400, deadline=None)
@given(written_numbers(), st.sampled_from(["", "电话", "联系 ", "（", "x "]))
@example(("13912345678", "1" + " " * 200 + "3912345678"), "")
def test_any_separators_between_the_digits_are_masked(case: tuple[str, str], before: str) -> None:
    number, written = case
    shown = mask_mobiles(f"{before}{written}。")
    assert f"{number[:3]}****{number[-4:]}" in shown, (written, shown)
    assert number not in re.sub(r"[^0-9]", "", normalise(shown))
    assert shown.startswith(before) and shown.endswith("。")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Cs"))))
def test_text_without_digits_is_left_alone(text: str) -> None:
    assert mask_mobiles(text) == text


def test_other_numbers_are_left_alone() -> None:
    for text in (
        "2026年第10次，参加率93%，12345678901234",
        "编号 213912345678",
        "2026-09-10 14:30—16:30，第 3 次",
        "1391234567",  # 10 digits
        "23912345678",  # not 1[3-9]
        "12912345678",
        "㍙㍛㍡㍙㍚㍛㍜㍝㍞㍟㍠",  # 1点3点9点…: hours, not digits in a row
    ):
        assert mask_mobiles(text) == text


def test_the_fast_path_sees_every_digit() -> None:
    """DIGITISH decides which text is looked at: it must cover every character that has
    a digit value or whose NFKC form holds a digit."""
    digitish = re.compile(f"[{DIGITISH}]")
    missed = [
        f"U+{cp:04X}"
        for cp in range(0x110000)
        if cp < 0xD800 or cp > 0xDFFF
        if not digitish.match(chr(cp))
        and (
            unicodedata.digit(chr(cp), None) is not None
            or any(c.isdigit() for c in unicodedata.normalize("NFKC", chr(cp)))
        )
    ]
    assert missed == []


def test_long_hostile_text_is_masked_in_linear_time() -> None:
    import time

    text = ("1" + " " * 5000) * 200 + "x"
    started = time.perf_counter()
    mask_mobiles(text)
    assert time.perf_counter() - started < 2


def test_the_contact_field_masks_office_numbers_in_any_width() -> None:
    assert mask_phone("０９３１－８５６１２３４") == "0931-856****"
    assert mask_phone("0931-8561234") == "0931-856****"
    assert mask_phone("+86 (139) 8765-4321") == "+86 139****4321"
    assert mask_phone("139  1234  5678") == "139****5678"


def test_one_normaliser_serves_site_and_exports() -> None:
    assert not (ROOT / "generator" / "site" / "privacy.py").exists()
    assert masked().text is privacy.mask_mobiles and masked().phone is privacy.mask_phone


# ---------------------------------------------------------------- the whole published site


def _session(unit: str, date: str, year_seq: int, text: str, phone: str, visitor: str) -> str:
    q = json.dumps(text)  # a YAML double-quoted string, invisible characters escaped
    day = dt.date.fromisoformat(date)

    def shifted(days: int) -> str:
        return (day + dt.timedelta(days=days)).isoformat()

    return f"""unit: {unit}
date: {date}
time: "14:30"
location: {q}
year_seq: {year_seq}
members: 10
present: 10
host: {{name: {q}, title: {q}}}
topics:
  - title: {q}
    first_topic: true
  - title: {q}
speakers:
  - {{name: {q}, title: {q}, outline: {q}, written: true}}
contact: {{name: {q}, phone: {json.dumps(phone)}}}
filed:
  arrangement: {shifted(-3)}
  post_copy: {shifted(1)}
audits:
  - group: g1
    findings:
      organization: {q}
      content: {q}
      method: {q}
      effect: {q}
    problems: {q}
    filed: {shifted(2)}
    rectify_by: {shifted(30)}
    rectification:
      measures: {q}
      filed: {shifted(31)}
visitors:
  - {{unit: zzb, name: {json.dumps(visitor)}, role: 书记, report_filed: {shifted(2)}}}
amendments:
  - {{date: {shifted(4)}, reason: {q}}}
"""


def leaky_records(tmp: Path) -> Path:
    """The golden records with every spelling in every text field, org.yaml's names too."""
    records = tmp / "records"
    shutil.copytree(GOLDEN, records)
    org = records / "org.yaml"
    secretary = "乙书记" + SPELLINGS[5][1]
    text = org.read_text(encoding="utf-8")
    for old, new in (
        ("name: 文学院党委", f"name: {json.dumps('文学院党委' + TEXT)}"),
        ("secretary: 乙书记", f"secretary: {json.dumps(secretary)}"),
        ("leader: {name: 丁组长", f"leader: {{name: {json.dumps('丁组长' + TEXT)}"),
        ("name: 2026—2027学年第一学期", f"name: {json.dumps('2026—2027学年第一学期' + TEXT)}"),
    ):
        assert old in text
        text = text.replace(old, new)
    org.write_text(text, encoding="utf-8")
    for path in (records / "sessions").rglob("*.yaml"):  # hosts and visitors: the secretary
        path.write_text(
            path.read_text(encoding="utf-8").replace("乙书记", secretary), encoding="utf-8"
        )
    (records / "sessions" / "dwa" / "2026-09-16.yaml").write_text(
        _session("dwa", "2026-09-16", 4, TEXT, "+86 (139) 8765-4321", secretary),
        encoding="utf-8",
    )
    q = json.dumps(TEXT)
    (records / "plans" / "dwa").mkdir(parents=True)
    (records / "plans" / "dwa" / "2026.yaml").write_text(  # the annual plan's page (v2)
        f"unit: dwa\nyear: 2026\nfiled: 2026-03-18\nitems:\n"
        f"  - month: 2026-09\n    topics: [{q}]\n  - month: 2026-10\n    topics: [{q}]\n",
        encoding="utf-8",
    )
    (records / "sessions" / "dwa" / "2026-12-16.yaml").write_text(  # planned: calendars
        f"""unit: dwa
date: 2026-12-16
time: "09:00"
location: {q}
year_seq: 7
members: 10
host: {{name: {q}, title: {q}}}
topics:
  - title: {q}
    first_topic: true
contact: {{name: {q}, phone: "139  1234  5678"}}
filed:
  arrangement: 2026-11-20
""",
        encoding="utf-8",
    )
    return records


@pytest.fixture(scope="module")
def leaky_site(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("leaky")
    records = leaky_records(tmp)
    result = check(records, dt.date.fromisoformat(AS_OF))
    errors = [
        f"{f.file}:{f.line} {f.message}" for f in result.findings if f.severity.name == "ERROR"
    ]
    assert errors == []
    site = tmp / "site"
    code = main(
        [
            *("build", "--records", str(records), "--as-of", AS_OF),
            *("--site-dir", str(site), "--build-dir", str(tmp / "build")),
        ]
    )
    assert code == 0
    return site, records


_INVISIBLE = {"Cf", "Mn", "Me", "Cc"}
_SEP = r"[\W_]*"  # anything but letters and digits may stand between the digits
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def readings(data: bytes, name: str) -> list[str]:
    """Every way a reader or a program could read `data` as text, normalised twice:
    independently (NFKC, invisible characters dropped) and as the masker does."""
    text = data.decode("utf-8", errors="replace")
    text = html.unescape(html.unescape(text))
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if name.endswith(".ics"):
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    variants = [text, re.sub(r"<[^>]*>", "", text)]
    out = []
    for variant in variants:
        nfkc = unicodedata.normalize("NFKC", variant)
        out.append("".join(c for c in nfkc if unicodedata.category(c) not in _INVISIBLE))
        out.append(normalise(variant))
    return out


def published(site: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file under site/, with the parts of every zip and gzip."""
    files: list[tuple[str, bytes]] = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name, data = path.relative_to(site).as_posix(), path.read_bytes()
        files.append((name, data))
        files.append(("(file name)", name.encode()))
        if data.startswith(b"PK\x03\x04"):
            with zipfile.ZipFile(path) as package:
                files += [(f"{name}!{part}", package.read(part)) for part in package.namelist()]
        elif data.startswith(b"\x1f\x8b"):
            files.append((f"{name}!", gzip.decompress(data)))
    return files


def test_no_full_mobile_number_in_any_published_byte(leaky_site) -> None:
    site, _ = leaky_site
    patterns = {number: re.compile(_SEP.join(number)) for number in NUMBERS}
    files = published(site)
    assert any(name.endswith(".docx!word/document.xml") for name, _ in files)
    assert any(name.endswith(".xlsx!xl/worksheets/sheet1.xml") for name, _ in files)
    assert any(name.endswith(".xlsx!xl/sharedStrings.xml") for name, _ in files)  # cells' text
    leaks = [
        (name, number)
        for name, data in files
        for text in readings(data, name)
        for number, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert leaks == []


def test_the_numbers_were_published_masked(leaky_site) -> None:
    """Not vacuous: the texts did reach every kind of published file, masked."""
    site, _ = leaky_site
    page = (site / "sessions" / "dwa" / "2026-09-16.html").read_text(encoding="utf-8")
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    data = (site / "assistant" / "assistant-data.json").read_text(encoding="utf-8")
    form = b"".join(
        zipfile.ZipFile(site / "exports" / "sessions" / "dwa" / "2026-09-16.docx").read(n)
        for n in ("word/document.xml",)
    ).decode()
    sheet = load_workbook(site / "exports" / "2026-2027-1.xlsx")["学习记录"]
    ledger = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    calendar = (site / "exports" / "calendar" / "all.ics").read_bytes().decode()
    unit = (site / "units" / "dwa.html").read_text(encoding="utf-8")
    plan = (site / "plans" / "dwa" / "2026.html").read_text(encoding="utf-8")
    ledger_page = (site / "rectification" / "2026-2027-1.html").read_text(encoding="utf-8")
    for number in NUMBERS:
        shown = f"{number[:3]}****{number[-4:]}"
        assert shown in page and shown in index and shown in form, number
        assert shown in ledger and shown in unit, number
        assert shown in calendar.replace("\r\n ", ""), number
        assert shown in plan and shown in ledger_page, number
    assert "139****5678" in data  # the assistant lists names and units of recent sessions
    # the semester's name is a heading: its anchor is made from the masked text
    ids = re.findall(r'<h2 id="([^"]+)"', unit)
    assert any("1395678" in id_ for id_ in ids), ids


def test_office_copies_keep_numbers_in_full(leaky_site) -> None:
    """`export` (the department's own copies, never published) is not masked."""
    _, records = leaky_site
    result = check(records, dt.date.fromisoformat(AS_OF))
    session = next(s for s in result.records.sessions if s.path.endswith("dwa/2026-09-16.yaml"))
    text = zipfile.ZipFile(__import__("io").BytesIO(session_docx(session, result.records.org)))
    assert "+86 (139) 8765-4321" in text.read("word/document.xml").decode()


def _leaks(files: list[bytes]) -> set[str]:
    """The numbers the parts of these Word files that hold record text show in full,
    read every way (the other parts are python-docx's template)."""
    patterns = {number: re.compile(_SEP.join(number)) for number in NUMBERS}
    found: set[str] = set()
    for data in files:
        with zipfile.ZipFile(__import__("io").BytesIO(data)) as package:
            for part in ("word/document.xml", "word/footer1.xml", "docProps/core.xml"):
                for text in readings(package.read(part), part):
                    found |= {n for n, pattern in patterns.items() if pattern.search(text)}
    return found


def test_word_files_made_in_full_first_leak_nothing_into_masked_ones(tmp_path: Path) -> None:
    """docx.py writes the forms' own words once and keeps them, keyed by the privacy: the
    office copies (`export`) made first in the same process must not reach the site's."""
    records = leaky_records(tmp_path)
    result = check(records, dt.date.fromisoformat(AS_OF))
    org, sessions = result.records.org, result.records.sessions
    title = f"{TEXT} 中心组学习表格"
    office = [session_docx(s, org, FULL) for s in sessions]
    office.append(merged_docx(sessions, org, title, FULL))
    assert _leaks(office) == set(NUMBERS)  # not vacuous: every spelling reached the forms
    site = [session_docx(s, org, masked()) for s in sessions]
    site.append(merged_docx(sessions, org, title, masked()))
    assert _leaks(site) == set()
    # and the other way round: the masked forms kept do not reach an office copy
    assert session_docx(sessions[0], org, FULL) == office[0]
