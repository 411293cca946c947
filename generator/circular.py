"""The semester circular (通报): its figures, exactly as records.md defines them
("The semester report (通报), version 2"), computed from the checker's Evaluation.

This is the one computation behind the 通报 (`python -m generator report`), the
督查统计 page of the site and the 督查统计 sheet of the Excel 台账: none of them
counts deadlines itself. Every filing status comes from `rules.Filing`, every
quota count from `rules.Quota`, every missing month from a `monthly-study-missing`
finding. What is computed here is only who owes what, over which sessions:

- a unit owes the arrangement and post-copy of its own 中心组学习 sessions dated
  no later than as-of, and the visit report of each visit it made (the Filing's
  `visiting_unit`), on sessions in the semester; the audit record is the group's,
  and counts toward no unit;
- a filing is *due* when its due date is earlier than as-of (rules.md: a deadline
  has passed once the due date is earlier than today), and *on time* when its
  status is ON_TIME; a filing whose due date cannot be computed (calendar
  uncovered) is not due.

Formatting shared by the Word file, Markdown, the site and the 台账 is here too,
so that all of them print a figure the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from generator.findings import RULE_TITLES, Finding, Severity
from generator.kinds import FILING_KINDS, QUOTA_KINDS, Kind, Owner, QuotaRule
from generator.model import Semester, Session
from generator.pipeline import CheckResult
from generator.rules import Filing, Status

QUOTA_FIELDS = {rule: kind.counted_as for rule, kind in QUOTA_KINDS.items() if kind.counted_as}
# Column headers of the Word table, exactly as records.md gives them.
TABLE_HEADERS = (
    "单位",
    "学习次数",
    "未学习月份",
    "参加率",
    "第一议题",
    "被列席旁听",
    "邀请列席",
    "列席他单位",
    "按时报送",
)
SECTIONS = ("一、总体情况", "二、各单位情况", "三、存在的问题", "四、整改情况", "五、下一步工作")
DASH = "—"


class UnknownSemester(KeyError):
    """The semester id is not in org.yaml; `known` lists those that are."""

    def __init__(self, semester_id: str, known: list[str]) -> None:
        super().__init__(semester_id)
        self.semester_id = semester_id
        self.known = known

    def __str__(self) -> str:
        known = "、".join(self.known) if self.known else "（org.yaml 没有列出学期）"
        return f"org.yaml 中没有学期「{self.semester_id}」。现有学期：{known}。"


class NoOrg(ValueError):
    def __str__(self) -> str:
        return "org.yaml 缺失或有错误，无法统计。请先运行 python -m generator check 并改正。"


# ---------------------------------------------------------------- the figures


@dataclass(slots=True)
class UnitFigures:
    """One unit's row of the circular. The JSON fields are records.md's; `present`,
    `members` and `months_owed` are kept for the sums and charts."""

    unit: str
    name: str
    kind: str
    sessions: int = 0
    months_missing: list[str] = field(default_factory=list)
    first_topic: int = 0
    audits_received: int = 0
    invited: int = 0
    visits_made: int = 0
    filings_due: int = 0
    filings_on_time: int = 0
    filings_late: int = 0  # of the due ones: filed after the due date
    filings_missing: int = 0  # of the due ones: not filed
    present: int = 0  # Σpresent over the sessions that record it
    members: int = 0  # Σmembers over the same sessions
    months_owed: int = 0  # monthly quotas met or missed (not still open)

    @property
    def attendance_fraction(self) -> Fraction | None:
        return Fraction(self.present, self.members) if self.members else None

    @property
    def attendance(self) -> float | None:
        """Σpresent / Σmembers rounded (half up) to 4 decimals; None when no session records present."""
        return decimals(self.attendance_fraction, 4)

    @property
    def months_studied(self) -> int:
        return self.months_owed - len(self.months_missing)

    @property
    def on_time_rate(self) -> Fraction | None:
        return Fraction(self.filings_on_time, self.filings_due) if self.filings_due else None

    def as_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "name": self.name,
            "kind": self.kind,
            "sessions": self.sessions,
            "months_missing": list(self.months_missing),
            "attendance": self.attendance,
            "first_topic": self.first_topic,
            "audits_received": self.audits_received,
            "invited": self.invited,
            "visits_made": self.visits_made,
            "filings_due": self.filings_due,
            "filings_on_time": self.filings_on_time,
        }

    def cells(self) -> list[str]:
        """The Word table's row, in TABLE_HEADERS order."""
        return [
            self.name,
            str(self.sessions),
            months_text(self.months_missing),
            percent(self.attendance_fraction),
            str(self.first_topic),
            str(self.audits_received),
            str(self.invited),
            str(self.visits_made),
            f"{self.filings_on_time}/{self.filings_due}",
        ]


@dataclass(frozen=True, slots=True)
class MonthFilings:
    """The units' filings of sessions in one month, by status (the college chart).
    `on_time + late + missing` are the due ones; `not_due` are not yet due."""

    month: str
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_due: int = 0


@dataclass(frozen=True, slots=True)
class RectificationItem:
    """An audit of the semester that set a 整改期限 (rectify_by), and where it stands."""

    unit: str
    date: dt.date  # the session's
    group: str
    rectify_by: dt.date
    filed: dt.date | None
    measures: str | None
    status: Status


@dataclass(slots=True)
class SemesterFigures:
    semester: Semester
    as_of: dt.date
    institution: str
    units: list[UnitFigures]
    months: list[MonthFilings]
    warnings: list[Finding]
    rectifications: list[RectificationItem]
    session_dates: dict[str, dt.date]  # its sessions' path -> date, for naming findings
    unit_names: dict[str, str]
    group_leaders: dict[str, str]
    attendance_threshold: float = 0.9

    @property
    def state(self) -> str:
        """ended | current | upcoming, as of the as-of day."""
        if self.semester.end < self.as_of:
            return "ended"
        return "upcoming" if self.semester.start > self.as_of else "current"

    @property
    def title(self) -> str:
        return f"关于{self.semester.name}基层党委理论学习中心组学习列席旁听情况的通报"

    def total(self, name: str) -> int:
        return sum(
            len(u.months_missing) if name == "months_missing" else getattr(u, name)
            for u in self.units
        )

    @property
    def attendance_fraction(self) -> Fraction | None:
        members = self.total("members")
        return Fraction(self.total("present"), members) if members else None

    def as_json(self) -> dict[str, object]:
        return {
            "semester": self.semester.id,
            "as_of": self.as_of.isoformat(),
            "units": [u.as_json() for u in self.units],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)


def all_figures(result: CheckResult) -> dict[str, SemesterFigures]:
    """The figures of every semester in org.yaml, in one pass over the records."""
    org = result.records.org
    if org is None:
        raise NoOrg()
    today = result.as_of
    rows = {
        s.id: {uid: UnitFigures(uid, u.name, u.kind) for uid, u in org.units.items()}
        for s in org.semesters
    }
    months: dict[str, dict[str, dict[str, int]]] = {
        s.id: {m: defaultdict(int) for m in s.months()} for s in org.semesters
    }
    in_semester = _count_sessions(result, rows)
    _count_filings(result, rows, months)
    _count_quotas(result, rows)
    warnings = _warnings(result, rows)
    rectifications = _rectifications(result, in_semester, today)
    leaders = {g.id: g.leader.name for g in org.groups.values()}
    figures: dict[str, SemesterFigures] = {}
    for semester in org.semesters:
        units = list(rows[semester.id].values())
        for row in units:
            row.months_missing.sort()
        figures[semester.id] = SemesterFigures(
            semester=semester,
            as_of=today,
            institution=org.institution,
            units=units,
            months=[
                MonthFilings(m, c["on_time"], c["late"], c["missing"], c["not_due"])
                for m, c in months[semester.id].items()
            ],
            warnings=warnings.get(semester.id, []),
            rectifications=rectifications.get(semester.id, []),
            session_dates={s.path: s.date for s in in_semester.get(semester.id, [])},
            unit_names={uid: u.name for uid, u in org.units.items()},
            group_leaders=leaders,
            attendance_threshold=org.attendance_threshold,
        )
    return figures


Rows = dict[str, dict[str, UnitFigures]]  # semester id → unit id → its figures


def _count_sessions(result: CheckResult, rows: Rows) -> dict[str, list[Session]]:
    """Each unit's studies held by the as-of day; returns the sessions of each semester."""
    org = result.records.org
    assert org is not None
    in_semester: dict[str, list[Session]] = defaultdict(list)
    for session in result.records.sessions:
        semester = org.semester_of(session.date)
        if semester is None:
            continue
        in_semester[semester.id].append(session)
        row = rows[semester.id].get(session.unit)
        if row is None or not session.is_study or session.date > result.as_of:
            continue
        row.sessions += 1
        row.first_topic += any(t.first_topic for t in session.topics)
        if session.present is not None:
            row.present += session.present
            row.members += session.members
    return in_semester


def _count_filings(
    result: CheckResult, rows: Rows, months: dict[str, dict[str, dict[str, int]]]
) -> None:
    """The filings each unit owes (by its owner) and each month's, by status."""
    org = result.records.org
    assert org is not None
    today = result.as_of
    for filing in result.evaluation.filings:
        owner = filing_owner(filing, today)
        if owner is None:
            continue
        semester = org.semester_of(filing.session.date)
        if semester is None or owner not in rows[semester.id]:
            continue
        row = rows[semester.id][owner]
        month = months[semester.id][filing.session.date.strftime("%Y-%m")]
        if is_due(filing, today):
            row.filings_due += 1
            row.filings_on_time += filing.status is Status.ON_TIME
            row.filings_late += filing.status is Status.LATE
            row.filings_missing += filing.status is Status.MISSING
            month[filing.status.value] += 1
        else:
            month["not_due"] += 1


def _count_quotas(result: CheckResult, rows: Rows) -> None:
    for quota in result.evaluation.quotas:
        row = rows.get(quota.semester, {}).get(quota.unit)
        if row is None:
            continue
        if quota.rule == QuotaRule.MONTHLY_STUDY:
            row.months_owed += quota.status is not Status.PENDING
        elif quota.rule in QUOTA_FIELDS:
            setattr(row, QUOTA_FIELDS[quota.rule], quota.count)


def _warnings(result: CheckResult, rows: Rows) -> dict[str, list[Finding]]:
    """Each semester's warnings; the months each unit did not study go into its row."""
    warnings: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.semester not in rows:
            continue
        if finding.rule == QuotaRule.MONTHLY_STUDY and finding.unit in rows[finding.semester]:
            rows[finding.semester][finding.unit].months_missing.append(finding.month or "")
        if finding.severity is Severity.WARNING:
            warnings[finding.semester].append(finding)
    return warnings


def semester_figures(result: CheckResult, semester_id: str) -> SemesterFigures:
    org = result.records.org
    if org is None:
        raise NoOrg()
    if semester_id not in {s.id for s in org.semesters}:
        raise UnknownSemester(semester_id, [s.id for s in org.semesters])
    return all_figures(result)[semester_id]


def filing_owner(filing: Filing, today: dt.date) -> str | None:
    """The unit whose 按时报送 figure counts this filing (kinds.FilingKind.in_filing_rate),
    or None when it counts in no unit's (an audit record is the group's, a rectification
    is followed apart) or lies outside the figures (a session after as-of)."""
    kind = FILING_KINDS[filing.kind]
    if not kind.in_filing_rate:
        return None
    if kind.owner is Owner.VISITOR:
        return filing.visiting_unit
    session = filing.session
    return session.unit if session.is_study and session.date <= today else None


def is_due(filing: Filing, today: dt.date) -> bool:
    """Its due date has passed: earlier than as-of (rules.md's "missing" uses the same
    words). A due date that cannot be computed (calendar uncovered) has not passed."""
    return filing.due is not None and filing.due < today


def _rectifications(
    result: CheckResult, in_semester: dict[str, list[Session]], today: dt.date
) -> dict[str, list[RectificationItem]]:
    """Audits with `rectify_by` (records.md v2), with the checker's status for them (its
    Filing of kind "rectification"). A session that is not a study session owes no
    filing to the checker; its audit's status follows the same definition here (late:
    filed after rectify_by; missing: none filed once rectify_by is earlier than today)."""
    checked: dict[tuple[str, str | None], Filing] = {
        (f.session.path, f.group): f
        for f in result.evaluation.filings
        if f.kind == Kind.RECTIFICATION
    }
    out: dict[str, list[RectificationItem]] = defaultdict(list)
    for semester_id, sessions in in_semester.items():
        for session in sessions:
            for audit in session.audits:
                if audit.rectify_by is None:
                    continue
                filed = audit.rectification.filed if audit.rectification else None
                measures = audit.rectification.measures if audit.rectification else None
                filing = checked.get((session.path, audit.group))
                if filing is not None:
                    status = filing.status
                elif filed is not None:
                    status = Status.ON_TIME if filed <= audit.rectify_by else Status.LATE
                else:
                    status = Status.MISSING if audit.rectify_by < today else Status.PENDING
                out[semester_id].append(
                    RectificationItem(
                        session.unit,
                        session.date,
                        audit.group,
                        audit.rectify_by,
                        filed,
                        measures,
                        status,
                    )
                )
    return out


# ---------------------------------------------------------------- shared formatting


def decimals(value: Fraction | None, places: int) -> float | None:
    """An exact fraction rounded half up (as people round) to `places` decimals."""
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def percent(value: Fraction | None) -> str:
    """93.3%: one decimal, rounded half up from the exact fraction; — when none."""
    if value is None:
        return DASH
    exact = Decimal(value.numerator) * 100 / Decimal(value.denominator)
    return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def months_text(months: list[str]) -> str:
    return "、".join(months) if months else DASH


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


STATE_WORDS = {"ended": "已结束", "current": "进行中", "upcoming": "尚未开始"}
RECTIFICATION_WORDS = {
    Status.ON_TIME: "已按期报送整改情况",
    Status.LATE: "整改情况逾期后报送",
    Status.MISSING: "逾期未报送整改情况",
    Status.PENDING: "尚未到期",
    Status.UNKNOWN: "无法判断",
}


# ---------------------------------------------------------------- the text of the circular


@dataclass(frozen=True, slots=True)
class Problem:
    """三、存在的问题: one rule, and per unit the dates (or months) it concerns."""

    rule: str
    title: str
    count: int
    lines: list[str]  # 会计学院党委：2026年3月26日、2026年4月24日


def problems(figures: SemesterFigures) -> list[Problem]:
    """Every warning of the semester, grouped by rule (in the order rules.md lists them),
    naming the units and the dates."""
    order = {rule: i for i, rule in enumerate(RULE_TITLES)}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in figures.warnings:
        by_rule[finding.rule].append(finding)
    unit_order = {uid: i for i, uid in enumerate(figures.unit_names)}
    out: list[Problem] = []
    for rule in sorted(by_rule, key=lambda r: (order.get(r, len(order)), r)):
        per_unit: dict[str, list[str]] = defaultdict(list)
        for finding in by_rule[rule]:
            per_unit[finding.unit or ""].append(_when(finding, figures))
        lines = []
        for unit in sorted(per_unit, key=lambda u: (unit_order.get(u, len(unit_order)), u)):
            name = figures.unit_names.get(unit, unit) or "（未注明单位）"
            whens = [w for w in dict.fromkeys(sorted(per_unit[unit])) if w]
            lines.append(f"{name}：{'、'.join(whens)}" if whens else name)
        title = RULE_TITLES.get(rule, rule)
        out.append(Problem(rule, title, len(by_rule[rule]), lines))
    return out


def _when(finding: Finding, figures: SemesterFigures) -> str:
    if finding.file and finding.file in figures.session_dates:
        return cn_date(figures.session_dates[finding.file])
    if finding.month:
        return cn_month(finding.month)
    if finding.group:
        leader = figures.group_leaders.get(finding.group)
        return f"列席旁听组{finding.group}" + (f"（组长{leader}）" if leader else "")
    return ""


def overview(figures: SemesterFigures) -> list[str]:
    """一、总体情况: the figures of the table, summed, as sentences."""
    f = figures
    units = len(f.units)
    when = cn_date(f.as_of)
    period = (
        f"{cn_date(f.semester.start)}至{cn_date(f.semester.end)}"
        if f.state == "ended"
        else f"{cn_date(f.semester.start)}至{when}（本学期{STATE_WORDS[f.state]}，数字截至{when}）"
    )
    missing_units = sum(1 for u in f.units if u.months_missing)
    due, on_time = f.total("filings_due"), f.total("filings_on_time")
    rate = percent(Fraction(on_time, due) if due else None)
    first = [
        f"{period}，全校{units}个基层党委（党总支）、直属党支部共开展中心组学习"
        f"{f.total('sessions')}次，其中落实“第一议题”{f.total('first_topic')}次；"
        f"中心组成员总体参加率{percent(f.attendance_fraction)}（实到{f.total('present')}人次，"
        f"应到{f.total('members')}人次）。"
        + (
            f"{missing_units}个单位共有{f.total('months_missing')}个月未开展中心组学习。"
            if missing_units
            else "各单位均按月开展了中心组学习。"
        ),
        f"各列席旁听组列席旁听各单位中心组学习{f.total('audits_received')}次；"
        f"各基层党委（党总支）邀请其他单位书记、副书记列席{f.total('invited')}次，"
        f"列席其他单位中心组学习{f.total('visits_made')}次。",
        f"各单位已到报送期限的材料（学习安排报送表、会后报党委宣传部的安排表、列席情况书面报告）"
        f"共{due}份，按时报送{on_time}份，按时报送率{rate}。",
    ]
    return first


def rectification_lines(figures: SemesterFigures) -> list[str]:
    """四、整改情况: one line per audit with a 整改期限."""
    lines = []
    for item in figures.rectifications:
        name = figures.unit_names.get(item.unit, item.unit)
        line = (
            f"{name}（{cn_date(item.date)}，列席旁听组{item.group}）："
            f"整改期限{cn_date(item.rectify_by)}，{RECTIFICATION_WORDS[item.status]}"
        )
        if item.filed is not None:
            line += f"（{cn_date(item.filed)}报送）"
        if item.measures:
            line += f"。整改措施及成效：{item.measures}"
        lines.append(line + ("" if line.endswith("。") else "。"))
    return lines


NO_RECTIFICATION = "本学期无整改要求的列席旁听记录。"
NEXT_STEPS_NOTE = "【本部分由党委宣传部撰写：结合上述情况提出下一步工作要求。】"
NO_PROBLEMS = "本学期检查未发现问题。"


def department(institution: str) -> str:
    """The signature: 中共兰州工商学院委员会宣传部."""
    return f"中共{institution}委员会宣传部"


_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~$"})


def markdown_cell(text: object) -> str:
    """Record text in the printed Markdown: one line, its syntax characters escaped with
    a backslash (readable in a terminal, inert when rendered)."""
    return " ".join(str(text).split()).translate(_MARKDOWN)


def as_markdown(figures: SemesterFigures) -> str:
    """The circular as Markdown (`report --format md`): the Word file's text and table."""
    lines = [f"# {figures.title}", "", "各基层党委（党总支）、直属党支部：", ""]
    lines += [f"## {SECTIONS[0]}", ""]
    for paragraph in overview(figures):
        lines += [paragraph, ""]
    lines += [f"## {SECTIONS[1]}", ""]
    lines.append("| " + " | ".join(TABLE_HEADERS) + " |")
    lines.append("|" + "---|" * len(TABLE_HEADERS))
    for unit in figures.units:
        lines.append("| " + " | ".join(markdown_cell(c) for c in unit.cells()) + " |")
    lines += ["", f"## {SECTIONS[2]}", ""]
    found = problems(figures)
    if not found:
        lines += [NO_PROBLEMS, ""]
    for number, problem in enumerate(found, 1):
        lines += [f"### （{cn_number(number)}）{problem.title}（{problem.count}项）", ""]
        lines += [f"- {markdown_cell(line)}" for line in problem.lines]
        lines.append("")
    lines += [f"## {SECTIONS[3]}", ""]
    items = rectification_lines(figures)
    lines += [f"- {markdown_cell(line)}" for line in items] if items else [NO_RECTIFICATION]
    lines += ["", f"## {SECTIONS[4]}", "", NEXT_STEPS_NOTE, ""]
    lines += [department(figures.institution), "", cn_date(figures.as_of), ""]
    return "\n".join(lines)


def cn_number(number: int) -> str:
    """一 … 九十九, for （一）（二） headings."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
