"""The 台账 of a semester as an Excel workbook: sessions, audits, visits, every filing
with its due date and status, and the compliance matrix (督查统计).

Dates are real Excel dates, header rows bold and frozen, columns sized. Record
text is always a text cell: a topic that starts with "=" stays text, never a
formula. Phone numbers are shown in full unless the caller passes a masking
`Privacy` (the site does). The same records give the same bytes: the document's
dates are the as-of day and the zip entries carry a fixed timestamp.

Written with XlsxWriter, which only writes: about four times faster than openpyxl
was here (openpyxl made, hashed and serialised a style object per cell). Each cell's
format is known when it is written (the column's kind and, for a status cell, its
colour), and the package is assembled in memory (`in_memory`): no temporary files,
every zip entry dated 1980-01-01. Tests read the workbooks back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from generator.circular import SemesterFigures, UnitFigures, all_figures
from generator.exports.common import FULL, Privacy, period_of, unit_name
from generator.kinds import Kind, QuotaRule
from generator.model import Org, Semester, Session
from generator.pipeline import CheckResult
from generator.rules import QUOTA_WORDS, Filing, PlanStatus, Quota, Status

DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
WRAP = {"text_wrap": True, "valign": "top"}
# The look of a cell with a value, by its column's kind (an empty cell keeps the default)
KIND_FORMAT: dict[str, dict[str, Any]] = {
    "text": WRAP,
    "phone": WRAP,
    "date": {"num_format": DATE_FORMAT},
    "time": {"num_format": TIME_FORMAT},
    "int": {},
    "percent": {"num_format": "0%"},
    "percent1": {"num_format": "0.0%"},
}
HEADER_FORMAT = {
    "bold": True,
    "pattern": 1,  # solid: bg_color becomes the fill's colour
    "bg_color": "#DDE5F0",
    "align": "center",
    "valign": "vcenter",
    "text_wrap": True,
}
# XlsxWriter takes widths in pixels; the file holds them in digits of the default font
# (Calibri 11, 7 pixels a digit), so whole widths reach the file exactly as given.
DIGIT_PIXELS = 7

FILING_STATUS_FILL = {
    Status.ON_TIME: "C6EFCE",
    Status.LATE: "FFEB9C",
    Status.MISSING: "FFC7CE",
    Status.PENDING: "EDEDED",
    Status.UNKNOWN: "EDEDED",
}
QUOTA_COLUMNS = (
    (QuotaRule.GROUP_AUDIT, "列席旁听组列席"),
    (QuotaRule.INVITE, "邀请其他单位列席"),
    (QuotaRule.VISIT, "列席其他单位"),
)
SHEETS = ("学习记录", "列席旁听", "其他单位列席", "报送情况", "督查统计")
RECTIFICATION_SHEET = "整改"  # v2
PLAN_SHEET = "学习计划"  # v2
TOPIC_WORDS = {"studied": "已学习", "arranged": "已安排", "missing": "未学习", "pending": "未到期"}
TOPIC_FILLS = {"studied": Status.ON_TIME, "missing": Status.MISSING}


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float
    kind: str = "text"  # text | phone | date | time | int | percent | percent1


# The columns most sheets begin and end with
UNIT_HEAD = (Column("单位编号", 9), Column("党组织名称", 20))
SESSION_HEAD = (*UNIT_HEAD, Column("学习日期", 12, "date"))
RECORD_FILE = Column("记录文件", 36)
STATUS_AND_FILE = (Column("状态", 10), RECORD_FILE)


TEXT_KINDS = ("text", "phone")
# Record text as cells show it, by column kind, then text as written: masking and
# cleaning were most of our own time, and unit names, paths and status words repeat on
# every sheet (all.xlsx repeats every semester's workbook)
Texts = dict[str, dict[str, str]]


def _cell_text(text: str, kind: str, privacy: Privacy) -> str:
    """Record text as its cell shows it: masked (a phone column as a phone number), then
    made safe for XML."""
    return privacy.clean(privacy.phone(text) if kind == "phone" else text)


def _value(value: Any, kind: str) -> Any:
    """The value of a cell of a kind other than text."""
    if kind == "time" and isinstance(value, str):
        hours, minutes = value.split(":")
        return dt.time(int(hours), int(minutes))
    return value


class _Book:
    """The workbook being written; its cell formats, each made once: by the column's
    kind (None: an empty cell, which keeps the default look) and the status whose colour
    fills it; and the cells' text, shared with the other workbooks of the Ledger."""

    def __init__(self, buffer: io.BytesIO, texts: dict[Privacy, Texts]) -> None:
        # in_memory: no temporary files, zip entries dated 1980-01-01. Text only ever goes
        # through _write_string; were write() used, no string may become a formula,
        # number or link either
        self.workbook = Workbook(
            buffer,
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.header = self.workbook.add_format(HEADER_FORMAT)
        self._formats: dict[tuple[str | None, Status | None], Format | None] = {}
        self._texts = texts

    def texts(self, privacy: Privacy) -> Texts:
        return self._texts.setdefault(privacy, {})

    def format(self, kind: str | None, status: Status | None) -> Format | None:
        key = (kind, status)
        if key not in self._formats:
            properties = dict(KIND_FORMAT[kind]) if kind else {}
            if status is not None:
                properties |= {"pattern": 1, "bg_color": "#" + FILING_STATUS_FILL[status]}
            self._formats[key] = self.workbook.add_format(properties) if properties else None
        return self._formats[key]


# Cells are written with XlsxWriter's undecorated writers (_write_string …, which its own
# write() calls): the public ones first try to read the row as A1 notation, a third of
# the time a cell takes. requirements.txt pins the version the tests read back.


def _sheet(
    book: _Book,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    privacy: Privacy = FULL,
    statuses: Sequence[Status | None] = (),
    fills: Sequence[Mapping[int, Status]] = (),
    frozen_columns: int = 0,
) -> None:
    """One sheet: bold frozen header, typed cells, and the 状态 column coloured by `statuses`
    (one per row); `fills` colours other cells (per row: column index → status)."""
    sheet: Worksheet = book.workbook.add_worksheet(title)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.title, book.header)
        sheet.set_column_pixels(index, index, round(column.width * DIGIT_PIXELS))
    status_column = next(i for i, c in enumerate(columns) if c.title == "状态") if statuses else -1
    kinds = [column.kind for column in columns]
    plain = [book.format(kind, None) for kind in kinds]  # a cell's format when not coloured
    texts = book.texts(privacy)
    cell_texts = [texts.setdefault(kind, {}) if kind in TEXT_KINDS else None for kind in kinds]
    for row_number, row in enumerate(rows, 1):
        coloured: dict[int, Status] = {}
        if statuses and (status := statuses[row_number - 1]) is not None:
            coloured[status_column] = status
        if fills:
            coloured.update(fills[row_number - 1])
        for index, (kind, raw) in enumerate(zip(kinds, row, strict=True)):
            status = coloured.get(index) if coloured else None
            if raw is None or raw == "":
                if status is not None:  # an empty cell still shows its colour
                    sheet._write_blank(row_number, index, None, book.format(None, status))
                continue
            cell_format = plain[index] if status is None else book.format(kind, status)
            if (cache := cell_texts[index]) is not None:  # text: a text cell whatever it says
                text = str(raw)
                if (cell := cache.get(text)) is None:
                    cell = cache[text] = _cell_text(text, kind, privacy)
                sheet._write_string(row_number, index, cell, cell_format)
            else:
                _put(sheet, row_number, index, _value(raw, kind), cell_format)
    sheet.freeze_panes(1, frozen_columns)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(columns) - 1)


def _put(sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None) -> None:
    """A cell by its value's type: a str is always text, never a formula, whatever it
    starts with; dates and times are Excel dates (their format comes with the column)."""
    if isinstance(value, str):
        sheet._write_string(row, column, value, cell_format)
    elif isinstance(value, bool):
        sheet._write_boolean(row, column, value, cell_format)
    elif isinstance(value, int | float):
        sheet._write_number(row, column, value, cell_format)
    elif isinstance(value, dt.date | dt.time):
        sheet._write_datetime(row, column, value, cell_format)
    else:
        raise TypeError(f"no Excel cell for {type(value).__name__}: {value!r}")


def _topics(session: Session) -> str:
    return "\n".join(
        f"{n}. {t.title}" + ("（第一议题）" if t.first_topic else "")
        for n, t in enumerate(session.topics, 1)
    )


def _filing_key(filing: Filing) -> tuple[str, str, str | None]:
    return filing.session.path, filing.kind, filing.group or filing.visiting_unit


def _sessions_sheet(
    book: _Book, sessions: list[Session], org: Org | None, privacy: Privacy
) -> None:
    columns = (
        *SESSION_HEAD,
        Column("时间", 7, "time"),
        Column("地点", 24),
        Column("年度次序", 9, "int"),
        Column("会议类型", 11),
        Column("中心组人数", 10, "int"),
        Column("实到人数", 9, "int"),
        Column("参加率", 8, "percent"),
        Column("主持人", 10),
        Column("主持人职务", 14),
        Column("学习内容", 48),
        Column("交流研讨人员、职务及发言提纲", 48),
        Column("联系人", 10),
        Column("联系电话", 15, "phone"),
        Column("安排表报送日期", 13, "date"),
        Column("报宣传部日期", 13, "date"),
        Column("列席旁听组", 10),
        Column("其他单位列席", 24),
        RECORD_FILE,
    )
    rows = []
    for s in sessions:
        speakers = "\n".join(
            p.name + (f"（{p.title}）" if p.title else "") + (f"：{p.outline}" if p.outline else "")
            for p in s.speakers
        )
        visitors = "、".join(f"{unit_name(org, v.unit)} {v.name}（{v.role}）" for v in s.visitors)
        rows.append(
            (
                s.unit,
                unit_name(org, s.unit),
                s.date,
                s.time,
                s.location,
                s.year_seq,
                s.kind,
                s.members,
                s.present,
                s.present / s.members if s.present is not None else None,
                s.host.name,
                s.host.title,
                _topics(s),
                speakers,
                s.contact.name,
                s.contact.phone,
                s.arrangement_filed,
                s.post_copy_filed,
                "、".join(a.group for a in s.audits),
                visitors,
                s.path,
            )
        )
    _sheet(book, SHEETS[0], columns, rows, privacy)


AUDIT_COLUMNS = (
    *SESSION_HEAD,
    Column("列席旁听组", 10),
    Column("组长", 10),
    Column("联络员", 10),
    Column("组织领导", 32),
    Column("学习内容", 32),
    Column("学习方式", 32),
    Column("学习效果", 32),
    Column("问题和建议", 32),
    Column("应报日期", 12, "date"),
    Column("记录表报送日期", 13, "date"),
    *STATUS_AND_FILE,
)
VISITOR_COLUMNS = (
    Column("被列席单位编号", 12),
    Column("被列席单位", 20),
    Column("学习日期", 12, "date"),
    Column("列席单位编号", 12),
    Column("列席单位", 20),
    Column("姓名", 10),
    Column("职务", 8),
    Column("应报日期", 12, "date"),
    Column("书面报告日期", 13, "date"),
    *STATUS_AND_FILE,
)


def _audit_row(org: Org | None, s: Session, a: Any, filing: Filing | None) -> tuple:
    group = org.groups.get(a.group) if org else None
    f = a.findings
    status = filing.status.chinese if filing else ("计划列席" if a.planned else "未到期")
    return (
        s.unit,
        unit_name(org, s.unit),
        s.date,
        a.group,
        group.leader.name if group else None,
        group.liaison.name if group else None,
        f.organization if f else None,
        f.content if f else None,
        f.method if f else None,
        f.effect if f else None,
        a.problems,
        filing.due if filing else None,
        a.filed,
        status,
        s.path,
    )


def _visitor_row(org: Org | None, s: Session, v: Any, filing: Filing | None) -> tuple:
    return (
        s.unit,
        unit_name(org, s.unit),
        s.date,
        v.unit,
        unit_name(org, v.unit),
        v.name,
        v.role,
        filing.due if filing else None,
        v.report_filed,
        filing.status.chinese if filing else "不需报告",
        s.path,
    )


# 列席旁听 and 其他单位列席: a row per audit (per visitor) of each session, with its filing
ITEM_SHEETS = {
    Kind.AUDIT_RECORD: (1, AUDIT_COLUMNS, lambda s: [(a, a.group) for a in s.audits], _audit_row),
    Kind.VISIT_REPORT: (
        2,
        VISITOR_COLUMNS,
        lambda s: [(v, v.unit) for v in s.visitors],
        _visitor_row,
    ),
}


def _item_sheet(
    book: _Book,
    kind: Kind,
    sessions: list[Session],
    org: Org | None,
    filings: dict[tuple, Filing],
    privacy: Privacy,
) -> None:
    """The sheet of the sessions' audits (kind "audit_record") or visitors ("visit_report")."""
    sheet_number, columns, items, row_of = ITEM_SHEETS[kind]
    rows, statuses = [], []
    for s in sessions:
        for item, key in items(s):
            filing = filings.get((s.path, kind, key))
            statuses.append(filing.status if filing else None)
            rows.append(row_of(org, s, item, filing))
    _sheet(book, SHEETS[sheet_number], columns, rows, privacy, statuses)


def _filings_sheet(book: _Book, filings: list[Filing], org: Org | None, privacy: Privacy) -> None:
    columns = (
        *SESSION_HEAD,
        Column("报送事项", 30),
        Column("列席旁听组／列席单位", 18),
        Column("应报日期", 12, "date"),
        Column("报送日期", 12, "date"),
        *STATUS_AND_FILE,
    )
    rows = [
        (
            f.session.unit,
            unit_name(org, f.session.unit),
            f.session.date,
            f.label,
            f.group or (unit_name(org, f.visiting_unit) if f.visiting_unit else None),
            f.due,
            f.filed,
            f.status.chinese,
            f.session.path,
        )
        for f in filings
    ]
    _sheet(book, SHEETS[3], columns, rows, privacy, [f.status for f in filings])


def _quota_text(quota: Quota | None) -> tuple[str, Status | None]:
    if quota is None:
        return "不要求", None
    word = QUOTA_WORDS.get(quota.status, quota.status.chinese)
    return (f"{word}（{quota.count}次）" if quota.count else word), quota.status


# The 通报's figures (circular.UnitFigures), by the same definitions as the 通报 and the site.
FIGURE_COLUMNS = (
    Column("学习次数", 9, "int"),
    Column("未学习月份", 14),
    Column("参加率", 9, "percent1"),
    Column("第一议题", 9, "int"),
    Column("被列席旁听", 10, "int"),
    Column("邀请列席", 9, "int"),
    Column("列席他单位", 10, "int"),
    Column("已到期报送", 10, "int"),
    Column("按时报送", 9, "int"),
)


def _figure_values(row: UnitFigures | None) -> list[Any]:
    if row is None:
        return [None] * len(FIGURE_COLUMNS)
    return [
        row.sessions,
        "、".join(row.months_missing) or None,
        row.attendance,
        row.first_topic,
        row.audits_received,
        row.invited,
        row.visits_made,
        row.filings_due,
        row.filings_on_time,
    ]


def _matrix_sheet(
    book: _Book,
    quotas: list[Quota],
    semesters: list[Semester],
    org: Org | None,
    privacy: Privacy,
    figures: dict[str, SemesterFigures] | None = None,
) -> None:
    """督查统计: one row per unit and semester; the 通报's figures (学习次数 … 按时报送, from
    circular.all_figures: one computation for the 通报, the site and this sheet), then a
    column per month and per semester quota.

    One semester's workbook has a column per month (2026年9月学习); a workbook of
    several semesters has a column per month of the year (9月学习), each row filling
    its semester's months, so that the sheet grows by rows with the history and not
    by rows × columns."""
    if org is None:
        _sheet(book, SHEETS[4], (Column("说明", 40),), [("org.yaml 有错误，无法统计。",)])
        return

    def column_of(month: str) -> str:
        return month if by_year_month else month[5:]

    by_year_month = len(semesters) <= 1 or any(
        len({m[5:] for m in s.months()}) < len(s.months()) for s in semesters
    )  # or a semester longer than a year, whose months would share a column
    months = list(dict.fromkeys(column_of(m) for s in semesters for m in s.months()))
    columns = [
        Column("学期", 22),
        *UNIT_HEAD,
        Column("类别", 10),
        Column("列席旁听组", 10),
    ]
    columns += FIGURE_COLUMNS
    columns += [
        Column(f"{m[:4]}年{int(m[5:])}月学习" if by_year_month else f"{int(m)}月学习", 11)
        for m in months
    ]
    columns += [Column(title, 14) for _, title in QUOTA_COLUMNS]
    by_key = {(q.semester, q.unit, q.rule, q.month): q for q in quotas}
    rows: list[list[Any]] = []
    fills: list[dict[int, Status]] = []
    for semester in semesters:
        own_months = {column_of(m): m for m in semester.months()}
        by_unit = {u.unit: u for u in figures[semester.id].units} if figures else {}
        for unit in org.units.values():
            row: list[Any] = [
                semester.name,
                unit.id,
                unit.name,
                unit.kind,
                org.group_of_unit.get(unit.id),
                *_figure_values(by_unit.get(unit.id)),
            ]
            statuses: list[Status | None] = [None] * (5 + len(FIGURE_COLUMNS))
            for column in months:
                month = own_months.get(column)
                if month is None:
                    row.append(None)
                    statuses.append(None)
                    continue
                quota = by_key.get((semester.id, unit.id, QuotaRule.MONTHLY_STUDY, month))
                text, status = _quota_text(quota)
                if quota is None and month in semester.exempt_months:
                    text = "免"
                row.append(text)
                statuses.append(status)
            for rule, _ in QUOTA_COLUMNS:
                text, status = _quota_text(by_key.get((semester.id, unit.id, rule, None)))
                row.append(text)
                statuses.append(status)
            rows.append(row)
            fills.append({i: status for i, status in enumerate(statuses) if status is not None})
    # frozen up to 列席旁听组 (F2): semester and unit stay in view beside the months
    _sheet(book, SHEETS[4], columns, rows, privacy, fills=fills, frozen_columns=5)


def _rectification_sheet(
    book: _Book,
    sessions: list[Session],
    org: Org | None,
    filings: dict[tuple, Filing],
    privacy: Privacy,
) -> None:
    """整改 (v2): every audit that asked for a rectification (rectify_by), with what the
    unit reported and its status."""
    columns = (
        *SESSION_HEAD,
        Column("列席旁听组", 10),
        Column("问题和建议", 36),
        Column("整改期限", 12, "date"),
        Column("整改措施及成效", 40),
        Column("整改情况报送日期", 14, "date"),
        *STATUS_AND_FILE,
    )
    rows, statuses = [], []
    for s in sessions:
        for a in s.audits:
            if a.rectify_by is None:
                continue
            filing = filings.get((s.path, Kind.RECTIFICATION, a.group))
            r = a.rectification
            statuses.append(filing.status if filing else None)
            rows.append(
                (
                    s.unit,
                    unit_name(org, s.unit),
                    s.date,
                    a.group,
                    a.problems,
                    a.rectify_by,
                    r.measures if r else None,
                    r.filed if r else None,
                    filing.status.chinese if filing else "未举行",
                    s.path,
                )
            )
    _sheet(book, RECTIFICATION_SHEET, columns, rows, privacy, statuses)


def _topic_state(month, studied: Session | None, today: dt.date) -> str:  # month: PlanMonth
    if studied is not None:
        return "studied" if studied.date <= today else "arranged"
    return "missing" if month.ended else "pending"


def _plan_sheet(
    book: _Book,
    result: CheckResult,
    semesters: list[Semester] | None,
    privacy: Privacy,
) -> None:
    """学习计划 (v2): each unit's annual plan against what it studied, one row per planned
    topic of the workbook's months (every month in all.xlsx); a unit-year without a plan,
    or with nothing planned in these months, is one row with the plan's own status."""
    org = result.records.org
    columns = (
        *UNIT_HEAD,
        Column("年度", 7, "int"),
        Column("计划应报日期", 12, "date"),
        Column("计划报送日期", 12, "date"),
        Column("计划报送状态", 11),
        Column("月份", 10),
        Column("计划学习内容", 44),
        Column("学习日期", 12, "date"),
        Column("状态", 9),
        Column("记录文件", 30),
    )
    plans: list[PlanStatus] = result.evaluation.plans

    def judged(year: int) -> bool:
        return org is not None and org.plans_from is not None and year >= org.plans_from

    months: set[str] | None = None
    if semesters is not None:
        months = {m for s in semesters for m in s.months()}
        years = {int(m[:4]) for m in months}
        plans = [p for p in plans if p.year in years]
    rows: list[tuple] = []
    statuses: list[Status | None] = []
    plan_fills: list[Status | None] = []
    for ps in plans:
        # from plans_from on a filed plan is judged; before it, or without it, no plan is
        required = judged(ps.year) and (ps.owed or ps.filed is not None)
        word = ps.status.chinese if required else "不要求"
        fill = ps.status if required else None
        head = (ps.unit, unit_name(org, ps.unit), ps.year, ps.due, ps.filed, word)
        path = ps.plan.path if ps.plan else None
        shown = [m for m in ps.months if months is None or m.month in months]
        topics = [(m, topic) for m in shown for topic in m.topics]
        if not topics:
            rows.append((*head, None, None, None, None, path))
            statuses.append(None)
            plan_fills.append(fill)
        for month, topic in topics:
            state = _topic_state(month, topic.studied_by, result.as_of)
            rows.append(
                (
                    *head,
                    f"{int(month.month[:4])}年{int(month.month[5:])}月",
                    topic.title,
                    topic.studied_by.date if topic.studied_by else None,
                    TOPIC_WORDS[state],
                    path,
                )
            )
            statuses.append(TOPIC_FILLS.get(state, Status.PENDING))
            plan_fills.append(fill)
    plan_column = next(i for i, c in enumerate(columns) if c.title == "计划报送状态")
    fills = [{plan_column: fill} if fill is not None else {} for fill in plan_fills]
    _sheet(book, PLAN_SHEET, columns, rows, privacy, statuses, fills)


@dataclass(slots=True)
class Ledger:
    """The records sorted by the semester whose 台账 holds them, computed once for
    all the workbooks of a build (instead of a pass over the whole history each)."""

    sessions: dict[str | None, list[Session]] = field(default_factory=lambda: defaultdict(list))
    filings: dict[str | None, list[Filing]] = field(default_factory=lambda: defaultdict(list))
    quotas: dict[str, list[Quota]] = field(default_factory=lambda: defaultdict(list))
    figures: dict[str, SemesterFigures] = field(default_factory=dict)  # the 通报's, by semester
    texts: dict[Privacy, Texts] = field(default_factory=dict)  # cell text, by privacy

    @classmethod
    def of(cls, result: CheckResult) -> Ledger:
        org = result.records.org
        ledger = cls()
        if org is not None:
            ledger.figures = all_figures(result)
        period: dict[str, str | None] = {}
        for session in result.records.sessions:
            semester = period_of(org, session.date)
            period[session.path] = semester.id if semester else None
            ledger.sessions[period[session.path]].append(session)
        for filing in result.evaluation.filings:
            ledger.filings[period.get(filing.session.path)].append(filing)
        for quota in result.evaluation.quotas:
            ledger.quotas[quota.semester].append(quota)
        return ledger


def semester_xlsx(
    result: CheckResult,
    semester_id: str | None,
    privacy: Privacy = FULL,
    ledger: Ledger | None = None,
) -> bytes:
    """The 台账 of one semester (sessions counted in it, see common.period_of), or of
    everything when `semester_id` is None. `ledger` (Ledger.of(result)) saves the
    sorting when writing many."""
    org = result.records.org
    semesters = list(org.semesters) if org else []
    ledger = ledger or Ledger.of(result)
    if semester_id is not None:
        semesters = [s for s in semesters if s.id == semester_id]
        if not semesters:
            raise KeyError(semester_id)
        sessions = ledger.sessions.get(semester_id, [])
        filings = ledger.filings.get(semester_id, [])
        quotas = ledger.quotas.get(semester_id, [])
    else:
        sessions = result.records.sessions
        filings = result.evaluation.filings
        quotas = result.evaluation.quotas
    by_key = {_filing_key(f): f for f in filings}
    buffer = io.BytesIO()
    book = _Book(buffer, ledger.texts)
    _sessions_sheet(book, sessions, org, privacy)
    _item_sheet(book, Kind.AUDIT_RECORD, sessions, org, by_key, privacy)
    _item_sheet(book, Kind.VISIT_REPORT, sessions, org, by_key, privacy)
    _filings_sheet(book, filings, org, privacy)
    _matrix_sheet(book, quotas, semesters, org, privacy, ledger.figures)
    _rectification_sheet(book, sessions, org, by_key, privacy)
    _plan_sheet(book, result, semesters if semester_id is not None else None, privacy)
    title = semesters[0].name if semester_id and semesters else "全部学期"
    institution = org.institution if org else ""
    book.workbook.set_properties(
        {
            "title": privacy.clean(f"{institution} 中心组学习台账 {title}"),
            "author": privacy.clean(institution),
            # the day the workbook describes, not the wall clock (XlsxWriter's default):
            # the same records give the same file; it is both created and modified date
            "created": dt.datetime.combine(result.as_of, dt.time(0, 0)),
        }
    )
    book.workbook.close()
    return buffer.getvalue()
