"""Markdown pages from SiteData through Jinja templates.

The environment escapes by default: every value a template prints that is not
already `Markup` goes through `finalize`, which masks mobile numbers and turns
Markdown/HTML punctuation into numeric character references
(`generator.escape.markdown_inline`). Raw-HTML blocks use the `h` and `attr`
filters instead, except the pages' tables: raw HTML written as the HTML Markdown
made of them, they print through `finalize` as Markdown did (its references are
safe in HTML too). Only URLs built here from checked ids, dates and the
templates' own markup are `Markup`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, pass_context
from markupsafe import Markup

from generator import charts as charts_module
from generator.escape import html_text, markdown_inline
from generator.exports.common import (
    calendar_path,
    circular_docx_path,
    semester_xlsx_path,
    session_docx_path,
    unit_semester_docx_path,
)
from generator.findings import RULE_TITLES, Finding, Severity
from generator.kinds import FILING_KINDS, Kind, Owner, QuotaRule
from generator.model import Semester
from generator.privacy import mask_mobiles, mask_phone
from generator.rules import QUOTA_WORDS, STATUS_WORDS, SUMMARY_WORDS, Status
from generator.site import followup as v2
from generator.site.view import SiteData, safe_id

WEEKDAYS = "一二三四五六日"
STATUS_LABELS = {
    **{status.value: word for status, word in STATUS_WORDS.items()},
    "exempt": "免除",
    "planned": "计划",
    "none": "—",
}
# Every page carries the navigation: it lists the latest semesters only, so that
# a long history does not make every page (and the build) grow with it.
NAV_SEMESTERS = 4
QUOTA_LABELS = {status.value: word for status, word in QUOTA_WORDS.items()}
MONTHLY_LABELS = {"on_time": "已学习", "missing": "未学习", "pending": "未到期"}


@dataclass(frozen=True, slots=True)
class Options:
    show_phone: bool = False


def _masked(value: object, options: Options) -> str:
    text = str(value)
    return text if options.show_phone else mask_mobiles(text)


def make_environment(options: Options) -> Environment:
    # the same record text (unit and group names, places, people, dates) recurs on
    # thousands of pages: each distinct value is masked and escaped once per environment
    finalized: dict[object, Markup] = {}

    def finalize(value: object) -> object:
        if isinstance(value, Markup):
            return value
        if value is None:
            return Markup("—")
        if isinstance(value, bool):
            return Markup("是" if value else "否")
        if isinstance(value, int | float):
            return Markup(str(value))
        if isinstance(value, dt.date):
            return cn_date(value)
        text = str(value)
        done = finalized.get(text)
        if done is None:
            done = finalized[text] = Markup(markdown_inline(_masked(text, options)))
        return done

    env = Environment(
        loader=PackageLoader("generator.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def h(value: object) -> Markup:
        """Text in a raw-HTML block: HTML-escaped, line breaks kept as <br>."""
        if value is None:
            return Markup("—")
        escaped = html_text(_masked(value, options))
        return Markup("<br>".join(escaped.splitlines()))

    def attr(value: object) -> Markup:
        """An attribute value; the templates always put it in double quotes."""
        text = " ".join(_masked("" if value is None else value, options).split())
        return Markup(html_text(text))

    def phone(value: object) -> Markup:
        text = str(value) if options.show_phone else mask_phone(str(value))
        return Markup(markdown_inline(text))

    def officer(value: str) -> Markup:
        """A checker message as officers read it (see `for_officers`), escaped."""
        return Markup(markdown_inline(_masked(for_officers(value), options)))

    env.filters.update(
        h=h,
        attr=attr,
        phone=phone,
        officer=officer,
        cn_date=cn_date,
        cn_month=cn_month,
        pct=pct,
        weekday=lambda d: WEEKDAYS[d.weekday()],
    )
    env.globals["timedelta"] = dt.timedelta
    env.globals["calendar"] = month_calendar
    env.globals.update(
        rule_id=rule_id,
        status_badge=status_badge,
        quota_badge=quota_badge,
        count_badge=count_badge,
        RULE_TITLES=RULE_TITLES,
        FILING_KINDS=FILING_KINDS,
        Kind=Kind,
        QuotaRule=QuotaRule,
        Owner=Owner,
        SUMMARY_WORDS=SUMMARY_WORDS,
        Status=Status,
        Severity=Severity,
    )
    env.filters["rel"] = _rel
    env.filters["relhtml"] = _relhtml
    return env


# ---------------------------------------------------------------- helpers


def cn_date(day: dt.date | None) -> Markup:
    if day is None:
        return Markup("—")
    return Markup(f"{day.year}年{day.month}月{day.day}日")


def cn_month(month: str) -> Markup:
    year, number = month.split("-")
    return Markup(f"{int(year)}年{int(number)}月")


ISO_DATE = re.compile(r"(?<![0-9A-Za-z_/.-])(\d{4})-(\d{2})-(\d{2})(?![0-9A-Za-z_/.-])")
# 「主要情况（findings）」「（first_topic: true）」: the YAML key beside its Chinese name
YAML_KEY_NOTE = re.compile(r"（[a-z][a-z_]*(?::\s*[a-z0-9_]+)?）")
# a sentence that tells how to write a key: 「请在 filed 下写 arrangement: 报送日期。」
YAML_HOWTO = re.compile(r"(?:(?<=[。；：])|^)[^。；：]*\b[a-z][a-z_]*:\s[^。；]*[。；]?")


def for_officers(message: str) -> str:
    """A checker message (rules.py writes for the liaison who fixes the file) as the site
    shows it to officers and leaders: no YAML keys or how-to-write-a-key sentences, and
    dates as 2026年11月8日 like the rest of the site, without the spaces that set an ISO
    date apart from Chinese text. JSON and annotations keep the message as written."""
    text = YAML_HOWTO.sub("", YAML_KEY_NOTE.sub("", message)).strip()
    if text.endswith("："):  # 「方案要求落实“第一议题”：」 lost what followed
        text = text[:-1] + "。"

    def date(match: re.Match[str]) -> str:
        year, month, day = (int(part) for part in match.groups())
        return f"\0{year}年{month}月{day}日\0"  # marked: only these lose their spaces

    text = ISO_DATE.sub(date, text)
    # 「报送表 2026-04-08 才报送」: the spaces were there to set the ISO date apart
    cjk = "[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]"
    text = re.sub(rf"(?<={cjk}) \0|\0 (?={cjk})", "\0", text).replace("\0", "")
    return text.strip()


def pct(value: float | None) -> Markup:
    return Markup("—" if value is None else f"{value:.0%}")


@functools.lru_cache(maxsize=4096)  # a few statuses and labels, on every page
def status_badge(status: Status | str | None, text: str | None = None) -> Markup:
    """A coloured label; `text` (computed, trusted) overrides the status' name."""
    name = "none" if status is None else str(getattr(status, "value", status))
    label = text if text is not None else STATUS_LABELS[name]
    return Markup('<span class="zxz-st zxz-st-{}">{}</span>').format(
        safe_id(name.replace("_", "-")), label
    )


def rule_id(rule: str) -> Markup:
    """The rule's id, small and grey beside its Chinese name: officers read the name,
    the id is what the JSON output, the annotations and 规则说明 call it."""
    return Markup('<code class="rule-id" title="规则编号">{}</code>').format(rule)


def count_badge(quota, text: str) -> Markup:  # quota: Quota | None
    """A count coloured by its quota's status; grey where the unit owes none (直属党支部)."""
    if quota is None:
        return Markup('<span class="zxz-st zxz-st-none" title="不要求">{}</span>').format(text)
    return status_badge(quota.status, text)


def quota_badge(quota, monthly: bool = False) -> Markup:  # quota: Quota | None
    if quota is None:
        return Markup('<span class="zxz-st zxz-st-none">不适用</span>')
    labels = MONTHLY_LABELS if monthly else QUOTA_LABELS
    text = labels.get(quota.status.value, quota.status.chinese)
    if not monthly:
        text = f"{text}（{quota.count}次）"
    return status_badge(quota.status, text)


@functools.lru_cache(maxsize=65536)
def _relative(target: str, folder: str) -> str:
    # a build links the same few hundred targets from the same few folders thousands of times
    return posixpath.relpath(target, folder)


@pass_context
def _rel(context, target: str) -> Markup:
    """A link from the page being rendered to another docs-relative .md path."""
    return Markup(_relative(target, posixpath.dirname(context["here"]) or "."))


@pass_context
def _relhtml(context, target: str) -> Markup:
    """The same link for a raw-HTML block: the built page's .html name."""
    link = str(_rel(context, target))
    base, _, anchor = link.partition("#")
    if base.endswith(".md"):
        base = base[:-3] + ".html"
    return Markup(base + (f"#{anchor}" if anchor else ""))


@dataclass(slots=True)
class CalendarDay:
    date: dt.date
    sessions: list


@dataclass(slots=True)
class CalendarMonth:
    month: str
    label: Markup
    weeks: list[list[CalendarDay | None]]


def month_calendar(semester: Semester, views: list) -> list[tuple[CalendarMonth, list]]:
    """The semester's months (and any month a holiday session of this period falls in),
    each as Monday-first weeks, with the sessions of every day."""
    months = sorted(set(semester.months()) | {v.session.date.strftime("%Y-%m") for v in views})
    by_day: dict[dt.date, list] = defaultdict(list)
    for view in views:
        by_day[view.session.date].append(view)
    out: list[tuple[CalendarMonth, list]] = []
    for month in months:
        year, number = int(month[:4]), int(month[5:])
        first = dt.date(year, number, 1)
        days = (dt.date(year + number // 12, number % 12 + 1, 1) - first).days
        cells: list[CalendarDay | None] = [None] * first.weekday()
        cells += [
            CalendarDay(day, by_day.get(day, []))
            for day in (first + dt.timedelta(days=i) for i in range(days))
        ]
        cells += [None] * (-len(cells) % 7)
        weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
        items = [v for v in views if v.session.date.strftime("%Y-%m") == month]
        out.append((CalendarMonth(month, cn_month(month), weeks), items))
    return out


# ---------------------------------------------------------------- pages


def semester_page(kind: str, semester: Semester) -> str:
    return f"{kind}/{safe_id(semester.id)}.md"


def unit_page(unit_id: str) -> str:
    return f"units/{safe_id(unit_id)}.md"


def group_page(group_id: str) -> str:
    return f"groups/{safe_id(group_id)}.md"


def unit_semester_page(unit_id: str, semester: Semester) -> str:
    """A unit's sessions, visits and findings of one semester: the unit page itself
    shows only the current one, so that it does not grow with the history."""
    return f"units/{safe_id(unit_id)}/{safe_id(semester.id)}.md"


def group_semester_page(group_id: str, semester: Semester) -> str:
    return f"groups/{safe_id(group_id)}/{safe_id(semester.id)}.md"


# The exports (generator.exports) written into the site, by docs-relative path.
EXPORT_FILE = re.compile(r"[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*\.(?:docx|xlsx|ics)")


def _export(path: str) -> str:
    """An export's path becomes a URL: ids and slugs only, checked as safe_id does."""
    if not EXPORT_FILE.fullmatch(path):
        raise ValueError(f"unsafe export path in a URL: {path!r}")
    return path


def docx_file(view) -> str:  # view: SessionView
    return _export(session_docx_path(view.session))


def unit_docx_file(unit_id: str, semester: Semester) -> str:
    return _export(unit_semester_docx_path(safe_id(unit_id), safe_id(semester.id)))


def xlsx_file(semester: Semester | None) -> str:
    return _export(semester_xlsx_path(semester.id if semester else None))


def ics_file(kind: str, ident: str | None = None) -> str:
    return _export(calendar_path(kind, ident))


def circular_file(semester: Semester) -> str:
    return _export(circular_docx_path(semester.id))


@dataclass(frozen=True, slots=True)
class ChartView:
    """A picture of the 督查统计 page: its inline SVG and its numbers as a table."""

    number: int
    picture: charts_module.Picture
    svg: Markup
    ident: Markup  # zxz-chart-<key>: an id, made of checked characters only


_SVG_TAG = re.compile(r"<svg\b")


def stats_charts(data: SiteData, semester: Semester, options: Options) -> list[ChartView]:
    """The semester's pictures, drawn once at build time (the same as in its 通报): inline
    SVG, its text kept as text, labelled for screen readers by the figure's caption.
    The build's `data.circulars` draws them (maybe in a second process); without it
    (rendering pages alone) they are drawn here."""
    from generator.exports.circulars import chart_svgs

    figures = data.semester_figures(semester)
    privacy = masked_privacy(options)
    if data.circulars is not None and semester.id in data.circulars.semesters:
        drawn = data.circulars.svgs(semester.id)
    else:
        drawn = chart_svgs(figures, privacy)
    out: list[ChartView] = []
    for number, picture in enumerate(charts_module.pictures(figures, privacy.text), 1):
        ident = f"zxz-chart-{safe_id(picture.key)}"
        svg = _SVG_TAG.sub(
            f'<svg role="img" aria-labelledby="{ident}-caption" class="zxz-chart-svg"',
            drawn[picture.key],
            1,
        )
        out.append(ChartView(number, picture, Markup(svg), Markup(ident)))
    return out


def masked_privacy(options: Options):  # -> exports.common.Privacy
    """The exports' privacy setting that matches the pages' (phones masked unless shown)."""
    from generator.exports.common import FULL, masked

    return FULL if options.show_phone else masked()


def finding_groups(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    return sorted(by_rule.items(), key=lambda item: (-item[1][0].severity, item[0]))


PageJob = tuple[str, str, dict]  # docs-relative page, template, its variables


@dataclass(slots=True)
class PageRenderer:
    """The generated pages of one site: `jobs` lists them, `render` writes any share of
    them (the build renders two shares at once, one in a second process). Rendering is
    a pure function of the data, so a page is the same bytes whichever process renders it."""

    data: SiteData
    options: Options
    follow: v2.FollowUp = field(init=False)
    # one environment, its templates compiled once (before the build forks its worker,
    # which then shares them) and its finalized values shared by every share of pages
    _env: Environment = field(init=False)
    _templates: dict[str, Template] = field(init=False)

    def __post_init__(self) -> None:
        self.follow = v2.build_followup(self.data)
        self._env = make_environment(self.options)
        self._templates = {}

    def _template(self, name: str) -> Template:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self._env.get_template(name)
        return template

    def compile(self, jobs: list[PageJob]) -> None:
        """Compile the templates of these jobs now (say, before a fork)."""
        for _, name, _ in jobs:
            self._template(name)

    def jobs(self) -> tuple[list[PageJob], list[PageJob]]:
        """Every page: the 督查统计 pages apart from the rest (the build renders the rest
        first, while the charts are being drawn)."""
        data = self.data
        jobs: list[PageJob] = [("index.md", "index.md.j2", {})]
        for semester in data.semesters:
            jobs.append(
                (semester_page("schedule", semester), "schedule.md.j2", {"semester": semester})
            )
        jobs.append(("stats/other.md", "stats_other.md.j2", {}))
        jobs.append(("schedule/index.md", "semesters.md.j2", {"kind": "schedule"}))
        jobs.append(("stats/index.md", "semesters.md.j2", {"kind": "stats"}))
        jobs += _owner_jobs("unit", data.units, data.semesters)
        jobs += _owner_jobs("group", data.groups, data.semesters)
        for view in data.sessions:
            jobs.append((view.page, "session.md.j2", {"view": view}))
            for audit in view.audits:
                jobs.append((audit.page, "audit.md.j2", {"view": view, "item": audit}))
        jobs.extend(v2.page_jobs(data, self.follow))
        stats = [
            (semester_page("stats", semester), "stats.md.j2", {"semester": semester})
            for semester in data.semesters
        ]
        return jobs, stats

    def render(
        self, jobs: list[PageJob], progress: Callable[[int, int], None] | None = None
    ) -> dict[str, str]:
        """docs-relative path → Markdown, for these jobs."""
        data, options = self.data, self.options
        common = {
            "data": data,
            "today": data.today,
            "unit_page": unit_page,
            "group_page": group_page,
            "semester_page": semester_page,
            "unit_semester_page": unit_semester_page,
            "group_semester_page": group_semester_page,
            "docx_file": docx_file,
            "unit_docx_file": unit_docx_file,
            "xlsx_file": xlsx_file,
            "ics_file": ics_file,
            "circular_file": circular_file,
            "stats_charts": lambda semester: stats_charts(data, semester, options),
            "finding_groups": finding_groups,
            "semesters_newest": list(reversed(data.semesters)),
            "followup": self.follow,
            "rectification_page": v2.rectification_page,
            "plan_page": v2.plan_page,
        }
        pages: dict[str, str] = {}
        for number, (path, name, extra) in enumerate(jobs, 1):
            pages[path] = with_title(self._template(name).render(common, here=path, **extra))
            if progress is not None:
                progress(number, len(jobs))
        return pages


def render_pages(
    data: SiteData, options: Options, progress: Callable[[int, int], None] | None = None
) -> dict[str, str]:
    """Every generated page, in one process: path → Markdown."""
    renderer = PageRenderer(data, options)
    rest, stats = renderer.jobs()
    return renderer.render(rest + stats, progress)


_OWNER_PAGES = {"unit": (unit_page, unit_semester_page), "group": (group_page, group_semester_page)}


def _owner_jobs(kind: str, owners: dict, semesters: list[Semester]) -> list[tuple[str, str, dict]]:
    """The index of the units (or groups), each one's page and its page of every semester:
    (page, template, variables) for `PageRenderer`."""
    page, semester_page_of = _OWNER_PAGES[kind]
    jobs: list[tuple[str, str, dict]] = [(f"{kind}s/index.md", f"{kind}s.md.j2", {})]
    for ident, owner in owners.items():
        jobs.append((page(ident), f"{kind}.md.j2", {kind: owner}))
        jobs.extend(
            (semester_page_of(ident, s), f"{kind}_semester.md.j2", {kind: owner, "semester": s})
            for s in semesters
        )
    return jobs


def with_title(markdown: str) -> str:
    """Give the page an explicit `title` in its front matter.

    MkDocs takes a page's title from its first heading and the theme prints it
    unescaped (in <title>, the header, the navigation): a unit called
    `</title><script>…` would become markup. The heading line is already
    escaped for Markdown and HTML alike (numeric character references, no raw
    `<>&"'`), so it is the title as the theme may print it.
    """
    lines = markdown.split("\n")
    heading = next((line[2:].strip() for line in lines if line.startswith("# ")), None)
    if heading is None:
        return markdown
    entry = "title: " + json.dumps(heading, ensure_ascii=False)
    if lines[0] == "---":
        return "\n".join([lines[0], entry, *lines[1:]])
    return "\n".join(["---", entry, "---", *lines])


def nav(data: SiteData, show_phone: bool = False) -> list:
    """The navigation: overview pages only; record pages are reached through tables.
    Each semester menu lists the latest NAV_SEMESTERS semesters (up to the one after
    the current) and 全部学期, the index of all: every page carries the navigation."""
    semesters = data.semesters
    end = len(semesters)
    if data.current is not None:
        end = min(end, semesters.index(data.current) + 2)
    newest = list(reversed(semesters[max(0, end - NAV_SEMESTERS) : end]))

    def title(semester: Semester) -> str:
        # the theme prints navigation titles as HTML: escape them here
        name = html_text(semester.name if show_phone else mask_mobiles(semester.name))
        return f"{name}（本学期）" if semester is data.current else name

    return [
        {"首页": "index.md"},
        {
            "学习安排": [{title(s): semester_page("schedule", s)} for s in newest]
            + [{"全部学期": "schedule/index.md"}]
        },
        {
            "督查统计": [{title(s): semester_page("stats", s)} for s in newest]
            + [{"全部学期": "stats/index.md"}, {"学期外": "stats/other.md"}]
        },
        {
            "整改台账": [{title(s): v2.rectification_page(s)} for s in newest]
            + [{"全部学期": "rectification/index.md"}]
        },
        {"年度学习计划": "plans/index.md"},
        {"单位": "units/index.md"},
        {"列席旁听组": "groups/index.md"},
        {"规则说明": "rules.md"},
        {"填报指南": "guide.md"},
        {"填报助手": "assistant.md"},
    ]
