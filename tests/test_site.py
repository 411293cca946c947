"""The published site: generation, escaping, privacy, search, links, offline, golden pages."""

from __future__ import annotations

import datetime as dt
import html.parser
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from icalendar import Calendar
from support import HOSTILE, MOBILE, Page, external_references, hostile_session, site_files

from generator.cli import main
from generator.pipeline import check
from generator.privacy import find_mobiles, mask_mobiles, mask_phone
from generator.rules import Status
from generator.site import RecordErrors, SiteError, generate
from generator.site.build import DEVELOPER_DOCS
from generator.site.render import Options, for_officers, render_pages
from generator.site.view import build_data

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "records"
GOLDEN = ROOT / "tests" / "golden"
AS_OF = "2026-11-29"


def run_build(records: Path, tmp: Path, *extra: str) -> tuple[int, Path, Path]:
    site, build = tmp / "site", tmp / "build"
    code = main(
        [
            "build",
            "--records",
            str(records),
            "--as-of",
            AS_OF,
            "--site-dir",
            str(site),
            "--build-dir",
            str(build),
            *extra,
        ]
    )
    return code, site, build


def hostile_records(tmp: Path) -> Path:
    """The golden records plus one session whose every text field is hostile."""
    records = tmp / "records"
    shutil.copytree(GOLDEN / "records", records)
    path = records / "sessions" / "dwa" / "2026-09-16.yaml"
    path.write_text(hostile_session("dwa", "2026-09-16", 4, "g1"), encoding="utf-8")
    return records


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("sample")
    code, site, build = run_build(SAMPLE, tmp)
    assert code == 0
    return site, build


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    code, site, build = run_build(hostile_records(tmp), tmp)
    assert code == 0
    return site, build


# ---------------------------------------------------------------- pages


def test_sample_site_has_every_kind_of_page(sample_site):
    site, build = sample_site
    for page in (
        "index.html",
        "schedule/2026-2027-1.html",
        "schedule/2025-2026-2.html",
        "stats/2026-2027-1.html",
        "stats/2025-2026-2.html",
        "units/index.html",
        "units/kjxy.html",
        "groups/index.html",
        "groups/g1.html",
        "sessions/kjxy/2026-10-12.html",
        "audits/jjxy/2026-05-14-g2.html",
        "rules.html",
        "guide.html",
    ):
        assert (site / page).is_file(), page
    # docs/dev.md is English, for developers: never published (docs/dev.md says so)
    assert not (site / "dev.html").exists() and not (build / "docs" / "dev.md").exists()
    sessions = list((build / "docs" / "sessions").rglob("*.md"))
    assert len(sessions) == len(list((SAMPLE / "sessions").rglob("*.yaml")))


def test_home_page_lists_the_overdue_filing_and_the_heat_map(sample_site):
    site, _ = sample_site
    page = Page.of(site / "index.html")
    text = page.visible
    assert "逾期未报" in text
    # the one planted overdue filing (records/README.md: xxgc 2026-11-05, g1's audit record)
    assert "2026年11月8日" in text and "信息工程学院党委" in text
    heat = [
        attrs
        for tag, attrs in page.tags
        if tag == "td" and "zxz-heat-" in (attrs.get("class") or "")
    ]
    assert len(heat) == 12 * 5  # 12 units × Sep–Jan
    classes = {c for attrs in heat for c in attrs["class"].split()}
    assert {
        "zxz-heat-studied",
        "zxz-heat-planned",
        "zxz-heat-exempt",
        "zxz-heat-paper-missing",
    } <= classes
    for label in ("已学习", "未学习", "计划", "未到期", "免除", "缺材料", "迟报"):
        assert label in text  # the cells and the legend


def _heat_cell(html: str, unit_name: str, month: str) -> str:
    """The HTML of one cell of the home page's heat map."""
    row = html[html.index(f">{unit_name}</a></th>") :]
    row = row[: row.index("</tr>")]
    start = row.index(f'data-month="{month}"')
    return row[row.rindex("<td", 0, start) : row.index("</td>", start)]


def test_a_month_studied_with_paperwork_missing_is_studied_on_home_and_stats(sample_site):
    """xxgc held its November session; only g1's 记录表 is overdue. Home says 已学习 with a
    缺材料 mark of its own colour, never the red 未学习, and 督查统计 says the same months."""
    site, _ = sample_site
    home = (site / "index.html").read_text(encoding="utf-8")
    cell = _heat_cell(home, "信息工程学院党委", "11月")
    assert 'class="zxz-heat-studied zxz-heat-paper-missing"' in cell
    assert "已学习" in cell and "缺材料" in cell and "未学习" not in cell
    legend = home[home.index('class="zxz-legend"') :]
    assert "底色表示当月是否开展了中心组学习" in legend and "缺材料（有材料逾期未报）" in legend
    # the colours differ: studied, unstudied and the paperwork mark
    css = (site / "stylesheets" / "site.css").read_text(encoding="utf-8")
    colours = {
        name: re.search(rf"\.{name}[^{{]*\{{[^}}]*background: (#[0-9a-f]+)", css).group(1)
        for name in ("zxz-heat-studied", "zxz-heat-unstudied", "zxz-heat-paper-missing")
    }
    assert len(set(colours.values())) == 3, colours
    (stats,) = [t for t in html_tables(site / "stats" / "2026-2027-1.html") if "学习次数" in t[0]]
    row = dict(zip(stats[0], next(r for r in stats if r[0] == "信息工程学院党委"), strict=True))
    assert (row["学习次数"], row["未学习月份"]) == ("3", "—")  # Sep, Oct and Nov studied


def test_the_heat_map_and_the_monthly_quota_agree_month_by_month():
    result = check(SAMPLE, dt.date.fromisoformat(AS_OF))
    data = build_data(result)
    checked = 0
    for semester in data.semesters:
        quotas = {
            (q.unit, q.month): q
            for q in data.quotas_for(semester)
            if q.rule == "monthly-study-missing" and q.status is not Status.PENDING
        }
        _, table = data.heat_map(semester)
        for row in table:
            for cell in row:
                quota = quotas.get((cell.unit.id, cell.month))
                if quota is None:
                    continue
                checked += 1
                assert (cell.study == "studied") == (quota.status is Status.ON_TIME), cell
                assert (cell.study == "unstudied") == (quota.status is Status.MISSING), cell
        if semester.id == "2025-2026-2":  # hqzs held nothing in May; ysxy a 党政联席会 in June
            studies = {(c.unit.id, c.month): c.study for row in table for c in row}
            assert studies[("hqzs", "2026-05")] == "unstudied"
            assert studies[("ysxy", "2026-06")] == "unstudied"
    assert checked > 50


def test_record_pages_are_not_in_the_navigation(sample_site):
    site, build = sample_site
    config = (build / "mkdocs.yml").read_text(encoding="utf-8")
    assert "sessions/" not in config and "audits/" not in config and "units/kjxy" not in config
    record = Page.of(site / "sessions" / "kjxy" / "2026-10-12.html")
    nav_links = [
        a.get("href")
        for tag, a in record.tags
        if tag == "a" and "md-nav__link" in (a.get("class") or "")
    ]
    assert nav_links and len(nav_links) < 30
    assert not any("sessions/" in (href or "") for href in nav_links)


def long_history(tmp: Path, years: int = 6) -> Path:
    """The golden records with `years` more school years of semesters before them."""
    records = tmp / "records"
    shutil.copytree(GOLDEN / "records", records)
    org = records / "org.yaml"
    lines = [org.read_text(encoding="utf-8").rstrip("\n")]
    for year in range(2027 - years, 2027):
        lines.append(
            f"  - {{id: {year - 1}-{year}-2, name: {year - 1}—{year}学年第二学期,"
            f" start: {year}-03-01, end: {year}-07-10, exempt_months: [{year}-07]}}"
        )
        if year < 2026:
            lines.append(
                f"  - {{id: {year}-{year + 1}-1, name: {year}—{year + 1}学年第一学期,"
                f" start: {year}-09-01, end: {year + 1}-01-15, exempt_months: [{year + 1}-01]}}"
            )
    org.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return records


def test_the_navigation_lists_four_semesters_however_long_the_history(tmp_path):
    result = check(long_history(tmp_path), dt.date.fromisoformat(AS_OF))
    assert len(result.records.org.semesters) == 12
    generate(result, tmp_path / "build")
    config = (tmp_path / "build" / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("schedule/20") == 4 and config.count("stats/20") == 4
    assert "2026—2027学年第一学期（本学期）" in config and "2024—2025学年第二学期" in config
    assert "2024—2025学年第一学期" not in config
    assert "schedule/index.md" in config and "stats/index.md" in config


def test_session_page_is_form_1_with_filings_and_statuses(sample_site):
    site, _ = sample_site
    text = Page.of(site / "sessions" / "kjxy" / "2026-10-12.html").visible
    for words in (
        "附件1",
        "基层党委（党总支）理论学习中心组学习安排表",
        "党组织名称（盖章）",
        "（2026年第6次）",
        "交流研讨人员、",
        "此表一式两份",
        "应报日期",
        "参加率不足",
    ):
        assert words in text, words
    audit = Page.of(site / "audits" / "jjxy" / "2026-05-14-g2.html").visible
    for words in (
        "附件2",
        "列席旁听组组长：",
        "列席旁听组联络员：",
        "填报时间：",
        "迟报",
        "2026年5月17日",
    ):
        assert words in audit, words


def test_stats_page_has_a_unit_row_per_unit_and_findings_by_rule(sample_site):
    site, _ = sample_site
    page = Page.of(site / "stats" / "2025-2026-2.html")
    text = page.visible
    for rule in (
        "arrangement-late",
        "audit-record-late",
        "monthly-study-missing",
        "group-audit-missing",
    ):
        # the id only as a small label, never in a heading
        assert ("code", "rule-id") in [(t, a.get("class")) for t, a in page.tags]
        assert rule in text and f"（{rule}）" not in text
    html = (site / "stats" / "2025-2026-2.html").read_text(encoding="utf-8")
    for heading in re.findall(r"<h3[^>]*>(.*?)</h3>", html):
        assert not re.search(r"[a-z]+-[a-z]+", heading), heading
    assert '<code class="rule-id" title="规则编号">arrangement-late</code>' in html
    assert text.count("直属党支部") >= 2
    (table,) = [t for t in html_tables(site / "stats" / "2025-2026-2.html") if "学习次数" in t[0]]
    assert len(table) == 1 + 12
    tsgzs = next(row for row in table if row[0] == "图书馆直属党支部")
    assert tsgzs[6] == "0"  # g3 never sat in on tsgzs (group-audit-missing) …
    assert 'zxz-st-missing">0</span>' in (site / "stats" / "2025-2026-2.html").read_text(
        encoding="utf-8"
    )  # … and the count says so in red
    assert "出自同一计算" in text  # the page says whose definitions it uses


class _Tables(html.parser.HTMLParser):
    """Every <table> of a page as rows of cell texts (header row included)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_tables(path: Path) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tables


def test_site_ledger_and_circular_agree_figure_for_figure(sample_site, capsys):
    """One computation: the 督查统计 page, the 台账's 督查统计 sheet and the 通报 (its Word
    table, and report --format json) show the same figures for every unit."""
    from decimal import Decimal

    from docx import Document
    from openpyxl import load_workbook

    site, _ = sample_site
    headers = ["单位", "学习次数", "未学习月份", "参加率", "第一议题", "被列席旁听", "邀请列席",
               "列席他单位", "按时报送"]  # fmt: skip
    for semester in ("2025-2026-2", "2026-2027-1"):
        args = ["report", "--records", str(SAMPLE), "--as-of", AS_OF, "--semester", semester]
        assert main([*args, "--format", "json"]) == 0
        units = json.loads(capsys.readouterr().out)["units"]
        assert [u["unit"] for u in units] == list(check(SAMPLE).records.org.units)
        # the 通报 the page offers for download
        (table,) = Document(site / "exports" / f"{semester}-circular.docx").tables
        word = [[c.text for c in row.cells] for row in table.rows]
        assert word[0] == headers
        # the page
        page = html_tables(site / "stats" / f"{semester}.html")
        (stats,) = [t for t in page if t[0][:1] == ["单位"] and "学习次数" in t[0]]
        assert [h for h in stats[0] if h != "类型"] == headers
        shown = [[cell for i, cell in enumerate(row) if i != 1] for row in stats[1:]]
        assert shown == word[1:]
        # the 台账
        sheet = load_workbook(site / "exports" / f"{semester}.xlsx")["督查统计"]
        titles = [c.value for c in sheet[1]]
        ledger = [
            dict(zip(titles, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert len(units) == len(word) - 1 == len(ledger)
        checked = 0
        for unit, row, line in zip(units, word[1:], ledger, strict=True):
            assert row[0] == unit["name"] == line["党组织名称"]
            assert row[1] == str(unit["sessions"]) == str(line["学习次数"])
            months = "、".join(unit["months_missing"])
            assert row[2] == (months or "—") and (line["未学习月份"] or "") == months
            if unit["attendance"] is None:
                assert row[3] == "—" and line["参加率"] is None
            else:
                assert line["参加率"] == unit["attendance"]
                shown_rate = Decimal(row[3].removesuffix("%"))
                assert abs(shown_rate - Decimal(str(unit["attendance"])) * 100) <= Decimal("0.05")
            assert row[4] == str(unit["first_topic"]) == str(line["第一议题"])
            assert row[5] == str(unit["audits_received"]) == str(line["被列席旁听"])
            assert row[6] == str(unit["invited"]) == str(line["邀请列席"])
            assert row[7] == str(unit["visits_made"]) == str(line["列席他单位"])
            assert row[8] == f"{unit['filings_on_time']}/{unit['filings_due']}"
            assert (line["按时报送"], line["已到期报送"]) == (
                unit["filings_on_time"],
                unit["filings_due"],
            )
            checked += 1
        assert checked == 12


def test_stats_page_offers_the_circular_and_its_charts(sample_site):
    site, _ = sample_site
    ended = Page.of(site / "stats" / "2025-2026-2.html")
    links = {a.get("href"): a for tag, a in ended.tags if tag == "a"}
    circular = links["../exports/2025-2026-2-circular.docx"]
    assert circular["download"] == "2025-2026-2-通报.docx"
    assert "下载通报（Word）" in ended.visible and "下载台账（Excel）" in ended.visible
    assert "进行中" not in ended.visible.split("点击表头")[0]
    current = Page.of(site / "stats" / "2026-2027-1.html")
    assert "下载通报草稿（Word）" in current.visible
    head = current.visible.split("点击表头")[0]
    assert "进行中" in head.split("下载通报草稿（Word）")[1]
    for page in (ended, current):
        figures = [a for tag, a in page.tags if tag == "figure"]
        assert len(figures) == 2
        assert all(
            f["role"] == "group" and f["aria-labelledby"].endswith("-caption") for f in figures
        )
        svgs = [a for tag, a in page.tags if tag == "svg" and a.get("class") == "zxz-chart-svg"]
        assert len(svgs) == 2 and all(s["role"] == "img" for s in svgs)
        ids = [a["id"] for tag, a in page.tags if a.get("id")]
        assert len(ids) == len(set(ids))  # two pictures on one page, no id twice
        assert "图中数字" in page.visible and "各单位参加率、按时报送率和已学习月数" in page.visible
    raw = (site / "stats" / "2025-2026-2.html").read_text(encoding="utf-8")
    assert ">会计学院党委</text>" in raw  # labels are text in the SVG
    # the numbers as text: the chart's table holds every unit's rate
    rates = [
        t
        for t in html_tables(site / "stats" / "2025-2026-2.html")
        if t[0][:2] == ["单位", "参加率"]
    ]
    assert len(rates) == 1 and len(rates[0]) == 13


def test_sortable_tables_script_is_vendored_and_loaded(sample_site):
    site, _ = sample_site
    script = site / "javascripts" / "tablesort.js"
    assert script.is_file()
    page = Page.of(site / "stats" / "2025-2026-2.html")
    assert any(
        tag == "script" and (a.get("src") or "").endswith("javascripts/tablesort.js")
        for tag, a in page.tags
    )


# ---------------------------------------------------------------- links and offline


def broken_links(site: Path) -> list[str]:
    """Every relative href/src of every built page that names no file of the site, or an
    anchor its page lacks. mkdocs --strict checks the links of Markdown only: the pages'
    tables (and the home page's cards, the heat map, the calendars) are raw HTML."""
    pages = {path.resolve(): Page.of(path) for path in site_files(site, (".html",))}
    anchors = {
        path: {attrs.get("id") for _tag, attrs in page.tags}
        | {attrs.get("name") for _tag, attrs in page.tags}
        for path, page in pages.items()
    }
    broken = []
    for path, page in pages.items():
        for _tag, attrs in page.tags:
            for name in ("href", "src"):
                value = attrs.get(name)
                if not value or value.startswith(("data:", "mailto:")):
                    continue
                parts = urlsplit(value)
                if parts.scheme or parts.netloc:
                    continue  # counted by the external-references test
                if parts.path:
                    base = (
                        site if parts.path.startswith("/") else path.parent
                    )  # 404.html: from the root
                    target = (base / unquote(parts.path).lstrip("/")).resolve()
                else:
                    target = path
                if not target.exists():
                    broken.append(f"{path.relative_to(site.resolve())} → {value}")
                elif (
                    parts.fragment
                    and target in anchors
                    and unquote(parts.fragment) not in anchors[target]
                ):
                    broken.append(f"{path.relative_to(site.resolve())} → {value} (no such anchor)")
    return broken


@pytest.mark.parametrize("which", ["sample_site", "hostile_site"])
def test_every_internal_link_resolves(which, request):
    site, _ = request.getfixturevalue(which)
    assert broken_links(site) == []


def test_the_link_checker_finds_a_broken_link_and_a_missing_anchor(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.html").write_text('<h2 id="x">x</h2><a href="#x">ok</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<table><tr><td><a href="a/b.html#x">ok</a> <a href="a/b.html#y">no anchor</a>'
        ' <a href="a/c.html">no page</a> <img src="a/b.html"></td></tr></table>',
        encoding="utf-8",
    )
    assert broken_links(tmp_path) == [
        "index.html → a/b.html#y (no such anchor)",
        "index.html → a/c.html",
    ]


def test_no_external_references(sample_site):
    site, _ = sample_site
    assert external_references(site) == []


def test_external_reference_counter_counts(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link href="https://fonts.googleapis.com/css"><img src="//cdn.example/x.png">'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><a href="page.html">x</a>',
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text(
        "@import 'https://x.example/y.css'; a{background:url(http://x/y.png)}"
    )
    found = external_references(tmp_path)
    assert len(found) == 5  # link, img, googleapis host, @import, url()


def test_no_google_fonts_and_a_local_cjk_stack(sample_site):
    site, _ = sample_site
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in index and "fonts.gstatic" not in index
    css = (site / "stylesheets" / "site.css").read_text(encoding="utf-8")
    assert "Noto Sans CJK SC" in css and "Microsoft YaHei" in css


# ---------------------------------------------------------------- search


def test_search_index_is_segmented_by_jieba(sample_site):
    site, _ = sample_site
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    assert "\\u200b" in index["config"]["separator"]
    entries = [
        d for d in index["docs"] if d["location"].startswith("sessions/mkszy/2026-12-23.html")
    ]
    assert entries
    text = " ".join(d["title"] + " " + d["text"] for d in entries)
    # the topic 学习习近平法治思想 is in the index as words, not as one run of characters
    assert "学习习近平法治思想" not in text
    assert "法治\u200b思想" in text or "法治思想" in text.split("\u200b")
    assert "学习习近平法治思想" in text.replace("\u200b", "")


# ---------------------------------------------------------------- privacy


@pytest.mark.parametrize(
    "written",
    [
        "13912345678",
        "139-1234-5678",
        "139 1234 5678",
        "+8613912345678",
        "+86 139 1234 5678",
        "电话13912345678。",
    ],
)
def test_mobile_numbers_are_masked(written):
    masked = mask_mobiles(written)
    assert "1234" not in masked and "5678" in masked and "****" in masked


def test_masking_leaves_other_numbers_alone():
    assert (
        mask_mobiles("2026年第10次，参加率93%，12345678901234")
        == "2026年第10次，参加率93%，12345678901234"
    )
    assert mask_mobiles("编号 213912345678") == "编号 213912345678"


def test_office_numbers_are_masked_in_the_contact_field():
    assert mask_phone("0931-8561234") == "0931-856****"
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("09318561234") == "0931856****"


def test_no_full_mobile_number_anywhere_in_the_site(hostile_site, sample_site):
    site, build = hostile_site
    for path in [*site.rglob("*"), *build.rglob("*")]:
        if path.is_file() and path.suffix in (".html", ".json", ".md", ".xml", ".js", ".yml"):
            data = path.read_text(encoding="utf-8", errors="replace")
            assert MOBILE not in data and "138000" not in data, path
    text = Page.of(site / "sessions" / "dwa" / "2026-09-16.html").visible
    assert "139****5678" in text
    # office numbers in the sample records are masked by default too
    sample, _ = sample_site
    assert "0931-8562101" not in (sample / "sessions" / "kjxy" / "2026-10-12.html").read_text(
        encoding="utf-8"
    )
    assert "0931-856****" in Page.of(sample / "sessions" / "kjxy" / "2026-10-12.html").visible


def export_text(path: Path) -> str:
    """Everything a published export holds, as text: every part of a .docx/.xlsx
    package (body, headers, footers, properties, shared strings), or the unfolded
    lines of an .ics."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as package:
            return "\n".join(
                package.read(name).decode("utf-8")
                for name in package.namelist()
                if name.endswith((".xml", ".rels"))
            )
    return path.read_bytes().decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def test_the_site_publishes_the_exports_and_every_page_links_its_own(sample_site):
    site, build = sample_site
    exports = site / "exports"
    docx = sorted((exports / "sessions").rglob("*.docx"))
    assert len(docx) == len(list((SAMPLE / "sessions").rglob("*.yaml")))
    assert {p.name for p in exports.glob("*.docx")} == {
        "2025-2026-2-circular.docx",  # the 通报 of each semester begun by the as-of day
        "2026-2027-1-circular.docx",
    }
    assert {p.name for p in exports.glob("*.xlsx")} == {
        "2025-2026-2.xlsx",
        "2026-2027-1.xlsx",
        "all.xlsx",
    }
    assert (exports / "calendar" / "all.ics").is_file()
    assert (exports / "calendar" / "units" / "kjxy.ics").is_file()
    assert (exports / "calendar" / "groups" / "g1.ics").is_file()
    # the build folder holds them too (it builds on its own: cd build && mkdocs build)
    assert (build / "docs" / "exports" / "all.xlsx").is_file()

    def links(page: Path, suffix: str) -> list[Path]:
        return [
            (page.parent / attrs["href"]).resolve()
            for tag, attrs in Page.of(page).tags
            if tag == "a" and (attrs.get("href") or "").endswith(suffix)
        ]

    for record in (SAMPLE / "sessions").rglob("*.yaml"):
        unit, slug = record.parent.name, record.stem
        page = site / "sessions" / unit / f"{slug}.html"
        assert links(page, ".docx") == [(exports / "sessions" / unit / f"{slug}.docx").resolve()]
        assert "下载 Word（附件1" in Page.of(page).visible
    for audit in (site / "audits").rglob("*.html"):
        (target,) = links(audit, ".docx")
        assert target.is_file() and target.parent.name == audit.parent.name
    for semester in ("2025-2026-2", "2026-2027-1"):
        page = site / "stats" / f"{semester}.html"
        assert links(page, ".xlsx") == [(exports / f"{semester}.xlsx").resolve()]
        assert "下载台账（Excel）" in Page.of(page).visible
    # a unit's semester page: all its forms of the semester in one Word file
    for unit in ("kjxy", "mkszy"):
        for semester in ("2025-2026-2", "2026-2027-1"):
            page = site / "units" / unit / f"{semester}.html"
            merged = (exports / "units" / unit / f"{semester}.docx").resolve()
            assert links(page, ".docx")[0] == merged and merged.is_file()
            assert "下载本学期全部表格（Word" in Page.of(page).visible
        assert (exports / "units" / unit / "2026-2027-1.docx").resolve() in links(
            site / "units" / f"{unit}.html", ".docx"
        )  # and the unit's page, for the current semester
    for kind, ident in (("units", "kjxy"), ("groups", "g1")):
        page = site / kind / f"{ident}.html"
        assert links(page, ".ics") == [(exports / "calendar" / kind / f"{ident}.ics").resolve()]
        assert "订阅日历" in Page.of(page).visible
    for page in ("index.html", "schedule/2026-2027-1.html", "schedule/index.html"):
        assert links(site / page, ".ics") == [(exports / "calendar" / "all.ics").resolve()]
        assert "订阅方法" in Page.of(site / page).visible


def test_published_exports_mask_phone_numbers(hostile_site, sample_site):
    for site, _ in (hostile_site, sample_site):
        files = [p for p in (site / "exports").rglob("*") if p.is_file()]
        assert files
        for path in files:
            text = export_text(path)
            assert find_mobiles(text) == [], path
            assert "0931-8562101" not in text and "0931-856" not in text.replace(
                "0931-856****", ""
            ), path
    site, _ = hostile_site
    form = export_text(site / "exports" / "sessions" / "dwa" / "2026-09-16.docx")
    assert "139****5678" in form  # the contact field and the problems text, masked
    ledger = export_text(site / "exports" / "2026-2027-1.xlsx")
    assert "139****5678" in ledger
    sample, _ = sample_site
    assert "0931-856****" in export_text(
        sample / "exports" / "sessions" / "kjxy" / "2026-10-12.docx"
    )


def test_show_phone_setting_shows_numbers_in_full(tmp_path):
    code, site, _ = run_build(hostile_records(tmp_path), tmp_path, "--show-phone")
    assert code == 0
    assert MOBILE in Page.of(site / "sessions" / "dwa" / "2026-09-16.html").visible
    # the published exports follow the setting
    assert MOBILE in export_text(site / "exports" / "sessions" / "dwa" / "2026-09-16.docx")
    assert MOBILE in export_text(site / "exports" / "2026-2027-1.xlsx")


def test_show_phone_can_be_set_in_mkdocs_yml(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace("show_phone: false", "show_phone: true"),
        encoding="utf-8",
    )
    result = check(hostile_records(tmp_path), dt.date.fromisoformat(AS_OF))
    generate(result, tmp_path / "build", config=config)
    page = (tmp_path / "build" / "docs" / "sessions" / "dwa" / "2026-09-16.md").read_text(
        encoding="utf-8"
    )
    assert MOBILE in page


def test_calendar_events_link_their_pages_when_mkdocs_yml_has_a_site_url(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
        + "site_url: https://zxz.example.edu.cn/site/\n",
        encoding="utf-8",
    )
    result = check(GOLDEN / "records", dt.date.fromisoformat(AS_OF))
    generate(result, tmp_path / "build", config=config)
    feed = export_text(tmp_path / "build" / "docs" / "exports" / "calendar" / "all.ics")
    assert "URL:https://zxz.example.edu.cn/site/sessions/dwa/2026-10-14.html" in feed
    assert "UID:dwa-2026-10-14@zxz-audit.lzgsxy" in feed  # the fixed name, not the address


def test_build_site_url_links_every_calendar_event_to_its_page(tmp_path):
    """publish.yml passes the address GitHub Pages gives (or SITE_URL) to build --site-url:
    every event of the published calendars then links back to its session page."""
    code, site, _ = run_build(GOLDEN / "records", tmp_path, "--site-url", "https://x.edu.cn/zxz")
    assert code == 0
    calendar = Calendar.from_ical((site / "exports" / "calendar" / "all.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        url = str(event["URL"])
        assert url.startswith("https://x.edu.cn/zxz/sessions/") and url.endswith(".html")
        assert (site / url.removeprefix("https://x.edu.cn/zxz/")).is_file(), url
        assert url in str(event["DESCRIPTION"])
    workflow = (ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8")
    assert '--site-url "$SITE_URL"' in workflow and "steps.pages.outputs.base_url" in workflow
    assert main(["build", "--records", str(GOLDEN / "records"), "--site-url", "ftp://x",
                 "--site-dir", str(tmp_path / "s2"), "--build-dir", str(tmp_path / "b2")]) == 1  # fmt: skip


def test_mkdocs_yml_is_read_with_the_projects_loader(tmp_path):
    """One YAML loader everywhere: a duplicate key in mkdocs.yml is an error with its line."""
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8") + "site_name: 又一个名字\n",
        encoding="utf-8",
    )
    result = check(GOLDEN / "records", dt.date.fromisoformat(AS_OF))
    with pytest.raises(SiteError) as caught:
        generate(result, tmp_path / "build", config=config)
    lines = config.read_text(encoding="utf-8").count("\n")
    assert any(str(config) in line and f"第 {lines} 行" in line for line in caught.value.lines)
    assert "site_name" in "".join(caught.value.lines)
    assert not (tmp_path / "build").exists()


# ---------------------------------------------------------------- safety


def test_hostile_text_is_shown_literally_and_is_never_markup(hostile_site):
    site, _ = hostile_site
    for page_path in (
        site / "sessions" / "dwa" / "2026-09-16.html",
        site / "audits" / "dwa" / "2026-09-16-g1.html",
    ):
        page = Page.of(page_path)
        for tag, attrs in page.tags:
            assert tag != "img" or attrs.get("src") != "x", page_path
            for name, value in attrs.items():
                assert not name.startswith("on"), (page_path, tag, name)
                assert not (value or "").strip().lower().startswith("javascript:"), (
                    page_path,
                    tag,
                    name,
                )
        assert not any("alert(" in body for body in page.scripts), page_path
        visible = page.visible
        for text in HOSTILE[:4]:
            assert text in visible, (page_path, text)
    session = Page.of(site / "sessions" / "dwa" / "2026-09-16.html").visible
    assert "| a | b |" in session
    # the session page's form keeps its shape: the table cell text stays one cell
    form = (site / "sessions" / "dwa" / "2026-09-16.html").read_text(encoding="utf-8")
    assert (
        "<script>alert" not in form and "<img src=x" not in form and 'href="javascript' not in form
    )


def test_hostile_text_in_org_names_cannot_escape_the_title(tmp_path):
    records = hostile_records(tmp_path)
    org = records / "org.yaml"
    org.write_text(
        org.read_text(encoding="utf-8")
        .replace("name: 文学院党委", 'name: "文学院</title><script>alert(1)</script>党委"')
        .replace("name: 2026—2027学年第一学期", 'name: "<img src=x onerror=alert(1)>学期"'),
        encoding="utf-8",
    )
    code, site, _ = run_build(records, tmp_path)
    assert code == 0
    for path in site.rglob("*.html"):
        data = path.read_text(encoding="utf-8")
        assert "<script>alert" not in data and "<img src=x" not in data, path
    unit = Page.of(site / "units" / "dwa.html")
    assert "文学院</title><script>alert(1)</script>党委" in unit.visible


# ---------------------------------------------------------------- the command


def test_build_fails_on_error_findings_and_says_which(tmp_path, capsys):
    records = tmp_path / "records"
    shutil.copytree(GOLDEN / "records", records)
    bad = records / "sessions" / "zzb" / "2026-10-20.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("present: 9", "present: 19"), encoding="utf-8"
    )
    code, site, _ = run_build(records, tmp_path)
    err = capsys.readouterr().err
    assert code == 1
    assert "错误" in err and "zzb/2026-10-20.yaml" in err and "present-exceeds-members" in err
    assert not (site / "index.html").exists()


def test_generate_refuses_error_findings_without_writing(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(GOLDEN / "records", records)
    (records / "sessions" / "zzb" / "oops.txt").write_text("x", encoding="utf-8")
    result = check(records, dt.date.fromisoformat(AS_OF))
    with pytest.raises(RecordErrors) as caught:
        generate(result, tmp_path / "build")
    assert [f.rule for f in caught.value.findings] == ["file-name"]
    assert not (tmp_path / "build").exists()


def test_build_never_writes_into_the_hand_written_docs(sample_site):
    _, build = sample_site
    hand = sorted(
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()
    )
    assert not any(p.startswith(("sessions/", "units/", "index.md")) for p in hand)
    copied = {
        p.relative_to(build / "docs").as_posix() for p in (build / "docs").rglob("*") if p.is_file()
    }
    assert set(hand) - set(DEVELOPER_DOCS) <= copied  # every page for readers is copied


def test_build_output_goes_to_stderr_only(tmp_path, capsys):
    code, _, _ = run_build(GOLDEN / "records", tmp_path)
    out, err = capsys.readouterr()
    assert code == 0 and out == "" and "站点已生成" in err


def test_serve_refuses_a_missing_site(tmp_path, capsys):
    assert main(["serve", "--site-dir", str(tmp_path / "nothing"), "--port", "0"]) == 1
    assert "python -m generator build" in capsys.readouterr().err


# ---------------------------------------------------------------- golden pages


def generated_pages(build: Path) -> dict[str, str]:
    docs = build / "docs"
    hand = {
        p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*") if p.is_file()
    }
    return {
        p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(docs.rglob("*.md"))
        if p.relative_to(docs).as_posix() not in hand
    }


BLOCKS = ("<", "#", "-", "|", "!!!", " ")  # lines that start a block of their own


@pytest.mark.parametrize("records", [GOLDEN / "records", SAMPLE], ids=["golden", "sample"])
def test_a_labelled_paragraph_never_runs_into_the_line_before(records, tmp_path):
    """`**计划中的学习**：…` and the like are paragraphs of their own: a text line right
    above one would join it into one paragraph (a template whose line ends in a block tag
    loses its newline to trim_blocks)."""
    generate(check(records, dt.date.fromisoformat(AS_OF)), tmp_path / "build")
    joined = []
    for name, text in generated_pages(tmp_path / "build").items():
        for above, line in itertools.pairwise(text.splitlines()):
            if line.startswith("**") and above.strip() and not above.startswith(BLOCKS):
                joined.append(f"{name}: {above[:30]} / {line[:30]}")
    assert joined == []


def test_golden_site(tmp_path):
    """The generated Markdown of a small fixed record set, page by page.
    After an intended change: UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_site.py -k golden"""
    result = check(GOLDEN / "records", dt.date.fromisoformat(AS_OF))
    generate(result, tmp_path / "build")
    pages = generated_pages(tmp_path / "build")
    expected_dir = GOLDEN / "expected"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, text in pages.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(expected_dir).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(expected_dir.rglob("*.md"))
    }
    assert sorted(pages) == sorted(expected)
    for name in expected:
        assert pages[name] == expected[name], f"{name} differs from tests/golden/expected/{name}"


# ---------------------------------------------------------------- zensical


def zensical_command() -> list[str] | None:
    exe = Path(sys.executable).with_name("zensical")
    return [str(exe)] if exe.exists() else (["zensical"] if shutil.which("zensical") else None)


def test_build_folder_also_builds_under_zensical(tmp_path):
    command = zensical_command()
    if command is None:
        reason = (
            "zensical is not installed (pinned in requirements-dev.txt; make setup installs it)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    result = check(GOLDEN / "records", dt.date.fromisoformat(AS_OF))
    build = tmp_path / "build"
    generate(result, build)
    done = subprocess.run(
        [*command, "build", "-f", str(build / "mkdocs.yml")],
        cwd=build,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = build / "site"
    for page in (
        "index.html",
        "sessions/dwa/2026-10-14.html",
        "audits/dwa/2026-10-14-g1.html",
        "units/dwa.html",
    ):
        assert (site / page).is_file(), page
    text = Page.of(site / "sessions" / "dwa" / "2026-10-14.html").visible
    assert "基层党委（党总支）理论学习中心组学习安排表" in text and "138****1234" in text


# ---------------------------------------------------------------- size

BENCHMARKS = ROOT / "benchmarks"


def test_unit_and_group_pages_do_not_grow_with_the_history(tmp_path):
    """Four times the history adds a few semester links to a unit's or a group's page,
    not its sessions: those are on one page per semester."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from realistic import write_college
    finally:
        sys.path.remove(str(BENCHMARKS))
    sizes = {}
    for sessions in (250, 1000):
        folder = tmp_path / str(sessions)
        as_of = write_college(folder / "records", sessions)
        held = len(list((folder / "records" / "sessions" / "u00").glob("*.yaml")))
        generate(check(folder / "records", as_of), folder / "build")
        docs = folder / "build" / "docs"
        sizes[sessions] = {
            page: len((docs / page).read_text(encoding="utf-8"))
            for page in ("units/u00.md", "groups/g1.md")
        }
        semesters = sorted((docs / "units" / "u00").glob("*.md"))
        assert len(semesters) >= 2 * (sessions // 300)  # 300 sessions: a school year
        history = "".join(p.read_text(encoding="utf-8") for p in semesters)
        assert history.count('href="../../sessions/u00/') >= held  # every session
    for page in ("units/u00.md", "groups/g1.md"):
        assert sizes[1000][page] < sizes[250][page] + 2000, (page, sizes)


# ---------------------------------------------------------------- words for officers

HAND_WRITTEN = ("guide.html", "rules.html", "assistant.html", "404.html")
# (a rule id such as arrangement-late, on its small label, is not a YAML key)
YAML_WORDS = re.compile(r"(?<!-)\b(?:findings|problems|first_topic|present|year_seq|report_filed|"
                        r"post_copy|arrangement|filed)\b(?!-)|[a-z_]+: ")  # fmt: skip


def test_generated_pages_show_chinese_dates_and_no_yaml_keys(sample_site):
    """Officers read the site: dates as 2026年11月8日 (not 「2026-11-08送交」), and the
    checker's how-to-write-a-key advice (「（findings）」) stays in the pull request."""
    site, _ = sample_site
    checked = 0
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative in HAND_WRITTEN or relative.startswith(("assistant/", "search/")):
            continue
        text = Page.of(path).visible
        text = re.sub(r"\S*/\S+\.(?:yaml|docx|xlsx|ics)", "", text)  # file paths stay paths
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), relative
        assert not YAML_WORDS.search(text), (relative, YAML_WORDS.search(text).group(0))
        checked += 1
    assert checked > 100
    # the planted overdue record: its finding reads as the department would say it
    page = Page.of(site / "sessions" / "xxgc" / "2026-11-05.html").visible
    assert "最晚应在2026年11月8日送交党委宣传部，至今没有报送" in page
    assert "主要情况、问题和建议和报送日期" in page


def test_every_warning_message_reads_for_officers():
    """Every warning rule, from the rule cases: no YAML key, no ISO date, nothing glued."""
    seen: dict[str, str] = {}
    for records in sorted((ROOT / "tests" / "cases").glob("*/*/records")):
        for finding in check(records, dt.date(2026, 11, 29)).findings:
            if finding.severity.label == "warning":
                seen.setdefault(finding.rule, finding.message)
    assert len(seen) >= 15
    for rule, message in seen.items():
        shown = for_officers(message)
        assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), (rule, shown)
        assert not YAML_WORDS.search(shown.replace("org.yaml", "")), (rule, shown)
        assert shown.endswith(("。", "）")), (rule, shown)
    assert for_officers("报送表 2026-04-08 才报送，应在学习前 2 天（最晚 2026-04-07）报送。") == (
        "报送表2026年4月8日才报送，应在学习前 2 天（最晚2026年4月7日）报送。"
    )
    assert for_officers("与 records/sessions/a/2026-10-15.yaml 重复") == (
        "与 records/sessions/a/2026-10-15.yaml 重复"  # a path keeps its date
    )


# ---------------------------------------------------------------- today


SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("now", "held"),
    [
        (dt.datetime(2026, 12, 2, 7, 40, tzinfo=SHANGHAI), False),  # that morning
        (dt.datetime(2026, 12, 2, 14, 59, tzinfo=SHANGHAI), False),
        (dt.datetime(2026, 12, 2, 15, 0, tzinfo=SHANGHAI), True),  # it has begun
        (dt.datetime(2026, 12, 1, 23, 40, tzinfo=dt.UTC), False),  # 07:40 on the 2nd in Lanzhou
        (dt.datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI), True),  # built later for that day
        (dt.datetime(2026, 12, 1, 16, 0, tzinfo=SHANGHAI), False),  # built the day before
        (None, True),  # no clock: as the checker counts, the whole day
    ],
)
def test_a_session_today_is_held_only_once_it_has_begun(now, held):
    """jgdw meets on 2026-12-02 at 15:00. A build that morning shows it as 今天 and planned."""
    result = check(SAMPLE, dt.date(2026, 12, 2))
    data = build_data(result, now)
    view = data.by_path["records/sessions/jgdw/2026-12-02.yaml"]
    assert view.today and view.held is held
    pages = render_pages(data, Options())
    session = pages["sessions/jgdw/2026-12-02.md"]
    home = pages["index.md"]
    if held:
        assert "今天 15:00" not in session and "报送按时" in session
        assert "今天" not in home.split("## 未来 30 天的学习")[1].split("##")[0]
    else:
        assert "今天 15:00" in session and "报送按时" not in session
        assert 'class="zxz-st zxz-st-planned">今天 15:00<' in session
        upcoming = home.split("## 未来 30 天的学习")[1].split("##")[0]
        assert ">今天</a>" in upcoming and "机关党委" in upcoming
        row = _heat_cell(home, "机关党委", "12月")
        assert "zxz-heat-planned" in row  # December is not yet studied


def test_the_build_command_passes_its_clock(tmp_path, monkeypatch):
    """`build` decides with the wall clock; generate() called without one counts the day."""
    seen = []
    import generator.site.build as site_build

    real = site_build.build_data

    def spy(result, now=None):
        seen.append(now)
        return real(result, now)

    monkeypatch.setattr(site_build, "build_data", spy)
    code, _, _ = run_build(SAMPLE, tmp_path)
    assert code == 0 and seen and isinstance(seen[0], dt.datetime) and seen[0].tzinfo
    assert abs((dt.datetime.now(dt.UTC) - seen[0]).total_seconds()) < 600


def _digests(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_exports_written_meanwhile_are_the_bytes_written_first(tmp_path):
    """The build renders every other page and writes its exports in a second process (the
    exports while mkdocs runs) and then copies them into the site: the site and the build
    folder are byte for byte those of a build that renders and writes everything in one
    process (and no export is left empty)."""
    from generator.site.build import build_site

    # A process of its own: the build forks its export worker only when it runs no
    # other thread, and this test session may already drive a browser.
    site, build = tmp_path / "forked" / "site", tmp_path / "forked" / "build"
    command = [sys.executable, "-m", "generator", "build", "--records", str(SAMPLE)]
    command += ["--as-of", AS_OF, "--site-dir", str(site), "--build-dir", str(build)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    # the progress counts every page, whichever process rendered it
    rendered = int(re.search(r"^生成页面 (\d+) 个$", done.stderr, re.M)[1])
    generated = int(re.search(r"（(\d+) 个生成页面", done.stderr)[1])
    assert rendered + len(list((build / "docs" / "stats").glob("2*.md"))) == generated
    result = check(SAMPLE, dt.date.fromisoformat(AS_OF))
    build_site(result, tmp_path / "site", tmp_path / "build", background=False)
    assert _digests(site) == _digests(tmp_path / "site")
    assert _digests(build) == _digests(tmp_path / "build")
    exports = [p for p in (site / "exports").rglob("*") if p.is_file()]
    assert exports and all(p.stat().st_size > 0 for p in exports)
