"""The plan's rules (../shared/spec/rules.md) applied to validated records.

`evaluate` returns the findings and, for the site, the status of every filing
and every quota, so that the checker and the pages can never disagree.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from generator.deadlines import CalendarUncovered, WorkCalendar
from generator.findings import Finding, unexpected_failure
from generator.kinds import (
    FILING_KINDS,
    QUOTA_KINDS,
    DataPath,
    FilingKind,
    Kind,
    Owed,
    QuotaRule,
    filing_places,
)
from generator.model import (
    Amendment,
    Deadline,
    Org,
    Plan,
    PlanItem,
    Semester,
    Session,
    Unit,
)
from generator.records import RecordSet, SessionIdentity
from generator.ruleids import Rule


class Status(StrEnum):
    ON_TIME = "on_time"  # filed by the due date
    LATE = "late"  # filed after the due date
    MISSING = "missing"  # due date passed, nothing filed
    PENDING = "pending"  # not filed, not yet due
    UNKNOWN = "unknown"  # due date cannot be computed (calendar uncovered)

    @property
    def chinese(self) -> str:
        return STATUS_WORDS[self]


# The one definition of the status words: the site, the exports and the report read these.
STATUS_WORDS: dict[Status, str] = {
    Status.ON_TIME: "按时",
    Status.LATE: "迟报",
    Status.MISSING: "逾期未报",
    Status.PENDING: "未到期",
    Status.UNKNOWN: "无法计算",
}
# A quota (学期 counts) says done / not done / in progress, not on time / late.
QUOTA_WORDS: dict[Status, str] = {
    Status.ON_TIME: "已完成",
    Status.MISSING: "未完成",
    Status.PENDING: "进行中",
}


# A session's filings taken together (the worst of their statuses), after 「报送」.
SUMMARY_WORDS: dict[Status, str] = {
    Status.ON_TIME: "按时",
    Status.LATE: "有迟报",
    Status.MISSING: "有逾期",
    Status.PENDING: "未到期",
    Status.UNKNOWN: "无法计算",
}


@dataclass(frozen=True, slots=True)
class Filing:
    """One piece of paperwork a session owes, with its due date and status."""

    session: Session
    kind: str  # a key of kinds.FILING_KINDS
    due: dt.date | None
    filed: dt.date | None
    status: Status
    group: str | None = None  # for audit_record and rectification
    visiting_unit: str | None = None  # for visit_report

    @property
    def label(self) -> str:
        return FILING_KINDS[self.kind].label


@dataclass(frozen=True, slots=True)
class Quota:
    """A period obligation: monthly study, group audit, invitation, visit."""

    rule: str  # the rule that fires when it is not met
    unit: str
    semester: str
    status: Status  # ON_TIME (met), MISSING (period ended unmet), PENDING (period open)
    count: int
    group: str | None = None
    month: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedTopic:
    title: str
    studied_by: Session | None  # the first 中心组学习 that studied it in time


@dataclass(frozen=True, slots=True)
class PlanMonth:
    month: str  # YYYY-MM
    line: int | None  # of the plan item
    ended: bool  # its last day is earlier than today
    topics: tuple[PlannedTopic, ...]


@dataclass(frozen=True, slots=True)
class PlanStatus:
    """A unit's annual plan for one year (v2): owed, filed, and carried out month by month."""

    unit: str
    year: int
    due: dt.date
    filed: dt.date | None
    status: Status
    plan: Plan | None
    months: tuple[PlanMonth, ...]
    owed: bool = True  # plan-missing applies: from plans_from on, in a year with a semester


@dataclass(slots=True)
class Evaluation:
    today: dt.date
    findings: list[Finding] = field(default_factory=list)
    filings: list[Filing] = field(default_factory=list)
    quotas: list[Quota] = field(default_factory=list)
    plans: list[PlanStatus] = field(default_factory=list)


def evaluate(records: RecordSet, today: dt.date) -> Evaluation:
    """Every rule over every session and period; findings include the earlier stages'."""
    result = Evaluation(today, findings=list(records.findings))
    sessions = records.sessions
    result.findings.extend(_duplicate_seq(records.identities, records.org))
    for session in sessions:
        result.findings.extend(_org_free_checks(session, records.org, today))
        result.findings.extend(_entry_checks(session, records.org, today))
    for plan in records.plans:
        result.findings.extend(_plan_checks(plan, today))
    org = records.org
    if org is None:
        return result
    calendar = WorkCalendar(org.holidays, org.workdays)
    for session in sessions:
        try:
            findings = list(_org_checks(session, org))
            rule_findings, filings = _session_rules(session, org, calendar, today)
        except Exception as err:  # a bug must not hide the other files' findings
            result.findings.append(unexpected_failure(Rule.SCHEMA, session.path, err, session.unit))
            continue
        result.findings.extend(findings + rule_findings)
        result.filings.extend(filings)
    quotas = list(_quotas(sessions, org, today))
    result.quotas = quotas
    result.findings.extend(_quota_findings(quotas, org))
    result.plans = _plan_statuses(records.plans, sessions, org, today)
    result.findings.extend(_plan_findings(result.plans, records, org))
    return result


# ---------------------------------------------------------------- errors


def _duplicate_seq(identities: list[SessionIdentity], org: Org | None) -> Iterable[Finding]:
    """On the repeat; a file with other problems takes part as long as its unit, date
    and year_seq can be read, so fixing those does not reveal this one later."""
    first: dict[tuple[str, int, int], SessionIdentity] = {}
    for session in identities:  # sorted by date, then by the day's -n suffix
        key = (session.unit, session.date.year, session.year_seq)
        if key in first:
            earlier = first[key]
            yield Finding(
                Rule.DUPLICATE_SEQ,
                session.path,
                session.line,
                f"「年度学习次序」（year_seq）{session.year_seq} 与 {earlier.path} 重复："
                f"同一单位同一年的学习次序不能相同。请改为本年度实际的第几次学习。",
                unit=session.unit,
                semester=_semester_id(org, session.date),
            )
        else:
            first[key] = session


def _filing_dates(session: Session) -> Iterator[tuple[dt.date, DataPath, FilingKind, str]]:
    """Every filing date the session states, from the filing-kind table."""
    for place in filing_places(session.document.data):
        if isinstance(place.value, str):  # the schema has checked it is a date
            what = f"{place.named}{place.kind.label}报送日期"
            yield dt.date.fromisoformat(place.value), place.path, place.kind, what


def _org_free_checks(session: Session, org: Org | None, today: dt.date) -> Iterable[Finding]:
    semester = _semester_id(org, session.date)
    scope = {"unit": session.unit, "semester": semester}
    if session.present is not None and session.present > session.members:
        yield Finding(
            Rule.PRESENT_EXCEEDS_MEMBERS,
            session.path,
            session.line("present"),
            f"「实到人数」{session.present} 多于「中心组人数」{session.members}。请核对后改正其中一个。",
            **scope,
        )
    for filed, path, kind, what in _filing_dates(session):
        if not kind.before_session and filed < session.date:
            yield Finding(
                Rule.FILED_BEFORE_SESSION,
                session.path,
                session.line(*path),
                f"{what} {filed} 早于学习日期 {session.date}：学习之后才能报送。请写实际报送的日期。",
                **scope,
            )
        if filed > today:
            yield Finding(
                Rule.FILED_IN_FUTURE,
                session.path,
                session.line(*path),
                f"{what} {filed} 晚于今天（{today}）。请写实际报送的日期；还没报送就先不写这一项。",
                **scope,
            )


def says_something(text: str) -> bool:
    """A reason says something when it has a letter or a digit, not only
    blanks, punctuation or symbols."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def amendment_problems(
    amendments: Iterable[Amendment],
    line: Callable[..., int | None],
    earliest: dt.date | None,
    today: dt.date,
    earliest_words: str,
) -> Iterator[tuple[int | None, str]]:
    """amendment-invalid (v2): (line, message) for each amendment whose date is out of
    range or whose reason is empty talk; shared by sessions and plans."""
    for index, amendment in enumerate(amendments):
        where = ("amendments", index)
        if earliest is not None and amendment.date < earliest:
            yield (
                line(*where, "date"),
                f"更正记录（第{index + 1}条）的日期 {amendment.date} 早于{earliest_words} {earliest}。"
                "更正只能在这之后、今天或以前，请写实际更正的日期。",
            )
        elif amendment.date > today:
            yield (
                line(*where, "date"),
                f"更正记录（第{index + 1}条）的日期 {amendment.date} 晚于今天（{today}）。"
                "请写实际更正的日期。",
            )
        if not says_something(amendment.reason):
            yield (
                line(*where, "reason"),
                f"更正记录（第{index + 1}条）的更正原因「{amendment.reason}」没有说明任何内容。"
                "请写清更正了什么、为什么，如：更正实到人数，原记录漏记2人。",
            )


def _entry_checks(session: Session, org: Org | None, today: dt.date) -> Iterable[Finding]:
    """amendment-invalid, duplicate-entry and rectify-by-before-session (v2)."""
    scope = {"unit": session.unit, "semester": _semester_id(org, session.date)}
    for line, message in amendment_problems(
        session.amendments, session.line, session.date, today, "学习日期"
    ):
        yield Finding(Rule.AMENDMENT_INVALID, session.path, line, message, **scope)
    groups_seen: dict[str, int] = {}
    for audit in session.audits:
        if audit.group in groups_seen:
            yield Finding(
                Rule.DUPLICATE_ENTRY,
                session.path,
                session.line("audits", audit.index),
                f"列席旁听组「{audit.group}」在本次学习中已有一条列席旁听记录（第 "
                f"{session.line('audits', groups_seen[audit.group])} 行）。一次学习每个组只写一条："
                "请把这一条的内容并入前面那一条，再删除这一条。",
                group=audit.group,
                **scope,
            )
        else:
            groups_seen[audit.group] = audit.index
        if audit.rectify_by is not None and audit.rectify_by <= session.date:
            yield Finding(
                Rule.RECTIFY_BY_BEFORE_SESSION,
                session.path,
                session.line("audits", audit.index, "rectify_by"),
                f"整改期限（rectify_by）{audit.rectify_by} 不晚于学习日期 {session.date}。"
                "整改期限应在学习之后，请写给被旁听单位的实际整改期限。",
                group=audit.group,
                **scope,
            )
    visitors_seen: dict[tuple[str, str], int] = {}
    for visitor in session.visitors:
        key = (visitor.unit, visitor.name)
        if key in visitors_seen:
            yield Finding(
                Rule.DUPLICATE_ENTRY,
                session.path,
                session.line("visitors", visitor.index),
                f"列席人{visitor.name}（{visitor.unit}）已写过一次（第 "
                f"{session.line('visitors', visitors_seen[key])} 行）。同一个人只写一条，请删除重复的这一条。",
                **scope,
            )
        else:
            visitors_seen[key] = visitor.index


def _org_checks(session: Session, org: Org) -> Iterable[Finding]:
    semester = _semester_id(org, session.date)
    scope = {"unit": session.unit, "semester": semester}
    known_unit = session.unit in org.units
    if not known_unit:
        yield Finding(
            Rule.UNKNOWN_UNIT,
            session.path,
            session.line("unit"),
            f"单位编号「{session.unit}」不在 org.yaml 的 units 里。请检查拼写"
            f"（现有：{_id_list(org.units)}），或请党委宣传部先在 org.yaml 添加该单位。",
            **scope,
        )
    for audit in session.audits:
        if audit.group not in org.groups:
            yield Finding(
                Rule.UNKNOWN_GROUP,
                session.path,
                session.line("audits", audit.index, "group"),
                f"列席旁听组「{audit.group}」不在 org.yaml 的 groups 里。请检查编号"
                f"（现有：{_id_list(org.groups)}）。",
                group=audit.group,
                **scope,
            )
        elif known_unit and org.group_of_unit.get(session.unit) != audit.group:
            linked = org.group_of_unit.get(session.unit)
            yield Finding(
                Rule.GROUP_NOT_LINKED,
                session.path,
                session.line("audits", audit.index, "group"),
                f"列席旁听组「{audit.group}」不联系本单位"
                + (f"，联系本单位的是「{linked}」" if linked else "")
                + "。请核对旁听组编号。",
                group=audit.group,
                **scope,
            )
    for visitor in session.visitors:
        where = ("visitors", visitor.index)
        if visitor.unit not in org.units:
            yield Finding(
                Rule.UNKNOWN_UNIT,
                session.path,
                session.line(*where, "unit"),
                f"列席人{visitor.name}所在单位「{visitor.unit}」不在 org.yaml 的 units 里。"
                f"请检查编号（现有：{_id_list(org.units)}）。",
                **scope,
            )
        elif visitor.unit == session.unit:
            yield Finding(
                Rule.SELF_VISIT,
                session.path,
                session.line(*where, "unit"),
                f"列席人{visitor.name}来自本单位「{visitor.unit}」。visitors 只记其他单位来列席的"
                "书记或副书记；本单位人员不用写在这里。",
                **scope,
            )
        elif not org.units[visitor.unit].holds_role(visitor.name, visitor.role):
            unit = org.units[visitor.unit]
            deputies = "、".join(unit.deputy_secretaries) or "（未登记）"
            yield Finding(
                Rule.VISITOR_NOT_LEADER,
                session.path,
                session.line(*where, "name"),
                f"{visitor.name}不是「{unit.name}」的{visitor.role}。按 org.yaml，该单位书记是"
                f"{unit.secretary}，副书记是{deputies}。请核对姓名和职务（role）；"
                "只有书记、副书记列席才计入邀请和列席次数。",
                **scope,
            )


def _id_list(items: dict[str, object]) -> str:
    names = sorted(items)
    return "、".join(names[:12]) + ("等" if len(names) > 12 else "")


# ---------------------------------------------------------------- per-session warnings


def _owed_filings(session: Session, org: Org, held: bool) -> Iterator[tuple[FilingKind, Owed]]:
    """What a 中心组学习 session owes, in the table's order; a planned session owes
    only what is due before it."""
    for kind in FILING_KINDS.values():
        if held or kind.before_session:
            for owed in kind.owed(session, org):
                yield kind, owed


def _session_rules(
    session: Session, org: Org, calendar: WorkCalendar, today: dt.date
) -> tuple[list[Finding], list[Filing]]:
    semester = _semester_id(org, session.date)
    findings: list[Finding] = []
    filings: list[Filing] = []
    uncovered: set[int] = set()

    def warn(rule: str, line: int | None, message: str, group: str | None = None) -> None:
        findings.append(
            Finding(
                rule, session.path, line, message, unit=session.unit, group=group, semester=semester
            )
        )

    if not session.is_study:
        if session.date <= today:
            warn(
                Rule.NOT_STUDY_SESSION,
                session.line("kind"),
                f"这次是「{session.kind}」，不是中心组学习。方案要求防止以党政联席会、党组织会议等"
                "其他会议代替中心组学习；它不计入每月学习。请另行安排中心组学习。",
            )
        return findings, filings

    held = session.date <= today
    for kind, owed in _owed_filings(session, org, held):
        due_date = owed.due or _due(kind, session.date, org, calendar, uncovered)
        status = judge(owed.filed, due_date, today)
        filings.append(
            Filing(
                session,
                kind.key,
                due_date,
                owed.filed,
                status,
                group=owed.group,
                visiting_unit=owed.visiting_unit,
            )
        )
        if status in (Status.LATE, Status.MISSING):
            late = status is Status.LATE
            template = kind.late_message if late else kind.missing_message
            message = template.format(
                filed=owed.filed,
                due=due_date,
                span=span(org.deadlines[kind.deadline]) if kind.deadline else "",
                group=owed.group,
                name=org.units[owed.visiting_unit].name if owed.visiting_unit else "",
            )
            where = owed.late_at if late else owed.missing_at
            # `filed:` is the mapping a missing date belongs in: its key's line
            line = None if where is None else session.line(*where, key=where == ("filed",))
            warn(
                kind.late_rule if late else kind.missing_rule,
                line,
                message,
                group=owed.group,
            )
    if held:
        findings.extend(_attendance_and_first_topic(session, org, filings, today, semester))
    findings.extend(_calendar_findings(session, uncovered, semester))
    return findings, filings


def _due(
    kind: FilingKind, day: dt.date, org: Org, calendar: WorkCalendar, uncovered: set[int]
) -> dt.date | None:
    assert kind.deadline is not None
    deadline = org.deadlines[kind.deadline]
    try:
        if kind.before_session:
            return calendar.due_before(day, deadline)
        return calendar.due_after(day, deadline)
    except CalendarUncovered as gap:
        uncovered.add(gap.year)
        return None


def due_date(kind: FilingKind, day: dt.date, org: Org) -> dt.date | None:
    """The day a filing of `kind` for a session on `day` is due; None where the work
    calendar does not cover it (the checker reports that gap itself)."""
    return _due(kind, day, org, WorkCalendar(org.holidays, org.workdays), set())


def judge(filed: dt.date | None, due_date: dt.date | None, today: dt.date) -> Status:
    """The status of one filing: rules.md's late and missing, in one place."""
    if due_date is None:
        return Status.UNKNOWN
    if filed is not None:
        return Status.ON_TIME if filed <= due_date else Status.LATE
    return Status.MISSING if due_date < today else Status.PENDING


def span(deadline: Deadline) -> str:
    """「2 天」 or 「2 个工作日」: a deadline's length as the messages say it."""
    unit = "个工作日" if deadline.count == "workday" else "天"
    return f"{deadline.days} {unit}"


def _attendance_and_first_topic(
    session: Session, org: Org, filings: list[Filing], today: dt.date, semester: str | None
) -> Iterator[Finding]:
    scope = {"unit": session.unit, "semester": semester}
    post_copy_due = next((f.due for f in filings if f.kind == Kind.POST_COPY), None)
    if session.present is None:
        if post_copy_due is not None and post_copy_due < today:
            yield Finding(
                Rule.ATTENDANCE_MISSING,
                session.path,
                session.line("members"),
                "学习已结束，还没有填写「实到人数」（present）。请补上实际参加的中心组成员人数。",
                **scope,
            )
    elif Fraction(session.present, session.members) < Fraction(str(org.attendance_threshold)):
        yield Finding(
            Rule.ATTENDANCE_LOW,
            session.path,
            session.line("present"),
            f"中心组成员参加率 {session.present}/{session.members}"
            f"（{session.present / session.members:.0%}）低于 {org.attendance_threshold:.0%}。"
            "请在问题和建议中说明原因并督促缺席成员补学。",
            **scope,
        )
    if not any(topic.first_topic for topic in session.topics):
        yield Finding(
            Rule.FIRST_TOPIC_MISSING,
            session.path,
            session.line("topics", key=True),
            "没有一项学习内容标为“第一议题”（first_topic: true）。方案要求落实“第一议题”："
            "请把学习习近平总书记重要讲话重要指示精神的那一项标上 first_topic: true。",
            **scope,
        )


def _calendar_findings(
    session: Session, uncovered: set[int], semester: str | None
) -> Iterable[Finding]:
    for year in sorted(uncovered):
        yield (
            Finding(
                Rule.CALENDAR_UNCOVERED,
                session.path,
                session.line("date"),
                f"按工作日计算期限需要 {year} 年的节假日安排，但节假日日历还没有 {year} 年的数据。"
                f"请更新 chinesecalendar 软件包，或由党委宣传部在 org.yaml 的 holidays 中列出 {year} 年的放假日期。",
                unit=session.unit,
                semester=semester,
            )
        )


# ---------------------------------------------------------------- period quotas


def _semester_id(org: Org | None, day: dt.date) -> str | None:
    if org is None:
        return None
    semester = org.semester_of(day)
    return semester.id if semester else None


def _month_end(month: str) -> dt.date:
    year, number = int(month[:4]), int(month[5:])
    first_of_next = dt.date(year + number // 12, number % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def _quotas(sessions: list[Session], org: Org, today: dt.date) -> Iterable[Quota]:
    held = [s for s in sessions if s.is_study and s.date <= today]
    studied: dict[tuple[str, str], int] = defaultdict(int)
    for session in held:
        studied[(session.unit, session.date.strftime("%Y-%m"))] += 1
    months_seen: set[str] = set()
    for semester in org.semesters:
        for month in semester.months():
            if month in semester.exempt_months or month in months_seen:
                continue
            months_seen.add(month)
            ended = _month_end(month) < today
            for unit_id in org.units:
                count = studied[(unit_id, month)]
                yield Quota(
                    QuotaRule.MONTHLY_STUDY,
                    unit_id,
                    semester.id,
                    _period_status(count, ended),
                    count,
                    month=month,
                )
        yield from _semester_quotas(semester, held, org, today)


def _period_status(count: int, ended: bool) -> Status:
    if count:
        return Status.ON_TIME
    return Status.MISSING if ended else Status.PENDING


def _semester_quotas(
    semester: Semester, held: list[Session], org: Org, today: dt.date
) -> Iterable[Quota]:
    ended = semester.end < today
    in_term = [s for s in held if semester.contains(s.date)]
    audits: dict[tuple[str, str], int] = defaultdict(int)
    invited: dict[str, int] = defaultdict(int)
    visited: dict[str, int] = defaultdict(int)
    for session in in_term:
        for audit in session.audits:
            audits[(audit.group, session.unit)] += 1
        host = org.units.get(session.unit)
        if host is None or not host.owes_visits:
            continue
        for visitor in session.visitors:
            guest = org.units.get(visitor.unit)
            if _counts_as_leader_visit(guest, host, visitor.name, visitor.role):
                invited[host.id] += 1
                visited[guest.id] += 1  # type: ignore[union-attr]
    for unit_id, unit in org.units.items():
        group = org.group_of_unit.get(unit_id)
        if group is not None:
            count = audits[(group, unit_id)]
            yield Quota(
                QuotaRule.GROUP_AUDIT,
                unit_id,
                semester.id,
                _period_status(count, ended),
                count,
                group=group,
            )
        if unit.owes_visits:
            count = invited[unit_id]
            yield Quota(QuotaRule.INVITE, unit_id, semester.id, _period_status(count, ended), count)
            count = visited[unit_id]
            yield Quota(QuotaRule.VISIT, unit_id, semester.id, _period_status(count, ended), count)


def _counts_as_leader_visit(guest: Unit | None, host: Unit, name: str, role: str) -> bool:
    return (
        guest is not None
        and guest.id != host.id
        and guest.owes_visits
        and guest.holds_role(name, role)
    )


def _quota_findings(quotas: list[Quota], org: Org) -> Iterable[Finding]:
    names = {s.id: s.name for s in org.semesters}
    for quota in quotas:
        if quota.status is not Status.MISSING:
            continue
        group = org.groups.get(quota.group) if quota.group else None
        month = quota.month
        message = QUOTA_KINDS[QuotaRule(quota.rule)].message.format(
            unit=org.units[quota.unit].name,
            semester=names[quota.semester],
            month=f"{month[:4]}年{int(month[5:])}月" if month else "",
            group=quota.group,
            leader=group.leader.name if group else "",
        )
        yield Finding(
            quota.rule,
            None,
            None,
            message,
            unit=quota.unit,
            group=quota.group,
            semester=quota.semester,
            month=quota.month,
        )


# ---------------------------------------------------------------- annual plans (v2)


def _plan_checks(plan: Plan, today: dt.date) -> Iterator[Finding]:
    """Errors that need no org.yaml: plan-month-invalid, filed-in-future, amendment-invalid."""
    scope = {"unit": plan.unit, "year": plan.year}
    first_item: dict[str, PlanItem] = {}
    for item in plan.items:
        line = plan.line("items", item.index, "month")
        if int(item.month[:4]) != plan.year:
            yield Finding(
                Rule.PLAN_MONTH_INVALID,
                plan.path,
                line,
                f"计划月份 {item.month} 不在计划年度 {plan.year} 年内。{plan.year} 年的计划只写 "
                f"{plan.year}-01 到 {plan.year}-12 的月份；其他年份的安排请写进那一年的计划。",
                month=item.month,
                **scope,
            )
        elif item.month in first_item:
            yield Finding(
                Rule.PLAN_MONTH_INVALID,
                plan.path,
                line,
                f"计划月份 {item.month} 写了两次（第 {plan.line('items', first_item[item.month].index)} "
                "行已有）。每个月只写一项，请把这个月的学习内容合并到前面那一项的 topics 里。",
                month=item.month,
                **scope,
            )
        else:
            first_item[item.month] = item
    if plan.filed is not None and plan.filed > today:
        yield Finding(
            Rule.FILED_IN_FUTURE,
            plan.path,
            plan.line("filed"),
            f"学习计划报送日期 {plan.filed} 晚于今天（{today}）。请写实际报送的日期；还没报送就先不写这一项。",
            **scope,
        )
    for line, message in amendment_problems(
        plan.amendments, plan.line, plan.filed, today, "计划报送日期"
    ):
        yield Finding(Rule.AMENDMENT_INVALID, plan.path, line, message, **scope)


def _plan_statuses(
    plans: list[Plan], sessions: list[Session], org: Org, today: dt.date
) -> list[PlanStatus]:
    """Every owed unit-year (plans_from up to today's year, overlapping a semester) and
    every plan filed by a known unit, with what was studied of it."""
    by_key = {}
    for plan in plans:
        if plan.unit in org.units:
            by_key.setdefault((plan.unit, plan.year), plan)  # the first file of a unit-year
    owed = set()
    if org.plans_from is not None:
        for year in range(org.plans_from, today.year + 1):
            if org.year_has_semester(year):
                owed.update((unit_id, year) for unit_id in org.units)
    studied = _studied_titles(sessions)
    statuses: list[PlanStatus] = []
    order = {unit_id: position for position, unit_id in enumerate(org.units)}
    for unit_id, year in sorted(owed | set(by_key), key=lambda k: (order[k[0]], k[1])):
        plan = by_key.get((unit_id, year))
        due = org.plan_due_date(year)
        filed = plan.filed if plan else None
        months = _plan_months(plan, studied.get((unit_id, year), []), today) if plan else ()
        statuses.append(
            PlanStatus(
                unit_id,
                year,
                due,
                filed,
                judge(filed, due, today),
                plan,
                months,
                owed=(unit_id, year) in owed,
            )
        )
    return statuses


def _studied_titles(sessions: list[Session]) -> dict[tuple[str, int], list[tuple[str, Session]]]:
    """(unit, year) → (stripped title, session) of every 中心组学习 topic, by date."""
    studied: dict[tuple[str, int], list[tuple[str, Session]]] = defaultdict(list)
    for session in sessions:  # sorted by date
        if session.is_study:
            for topic in session.topics:
                studied[(session.unit, session.date.year)].append((topic.title.strip(), session))
    return studied


def _plan_months(
    plan: Plan, studied: list[tuple[str, Session]], today: dt.date
) -> tuple[PlanMonth, ...]:
    """records.md: a planned topic counts as studied when a 中心组学习 of the unit in the
    plan's year, dated no later than the planned month's last day, has that title."""
    months: dict[str, PlanMonth] = {}
    for item in plan.items:
        if int(item.month[:4]) != plan.year:
            continue  # plan-month-invalid says so; it plans nothing for this year
        last_day = _month_end(item.month)
        topics = tuple(
            PlannedTopic(
                title,
                next(
                    (
                        session
                        for studied_title, session in studied
                        if studied_title == title.strip() and session.date <= last_day
                    ),
                    None,
                ),
            )
            for title in item.topics
        )
        if item.month in months:  # a repeated month (plan-month-invalid): one month, all topics
            earlier = months[item.month]
            months[item.month] = PlanMonth(
                item.month, earlier.line, earlier.ended, earlier.topics + topics
            )
        else:
            months[item.month] = PlanMonth(
                item.month, plan.line("items", item.index), last_day < today, topics
            )
    return tuple(sorted(months.values(), key=lambda m: m.month))


def _plan_findings(statuses: list[PlanStatus], records: RecordSet, org: Org) -> Iterator[Finding]:
    for plan in records.plans:
        if plan.unit not in org.units:
            yield Finding(
                Rule.UNKNOWN_UNIT,
                plan.path,
                plan.line("unit"),
                f"单位编号「{plan.unit}」不在 org.yaml 的 units 里。请检查拼写"
                f"（现有：{_id_list(org.units)}），或请党委宣传部先在 org.yaml 添加该单位。",
                unit=plan.unit,
                year=plan.year,
            )
    for status in statuses:
        if org.plans_from is not None and status.year >= org.plans_from:
            yield from _plan_status_findings(
                status, org, records.plan_paths.get((status.unit, status.year))
            )


def _plan_status_findings(status: PlanStatus, org: Org, plan_path: str | None) -> Iterator[Finding]:
    unit = org.units[status.unit]
    plan = status.plan
    scope = {"unit": status.unit, "year": status.year}
    due = f"{status.due.year}年{status.due.month}月{status.due.day}日"
    if status.status is Status.MISSING and status.owed:
        yield Finding(
            Rule.PLAN_MISSING,
            plan_path,
            None,
            f"{unit.name} {status.year} 年的中心组年度学习计划应在 {due}前报党委宣传部备案，"
            + (
                "计划文件里还没有报送日期。报送后请写 filed: 报送日期。"
                if plan
                else "计划文件有错误，按未报送计。请先按上面的说明改正。"
                if plan_path
                else f"至今没有。请在 plans/{status.unit}/{status.year}.yaml 写好计划并注明报送日期（filed）。"
            ),
            **scope,
        )
    elif status.status is Status.LATE:
        assert plan is not None
        yield Finding(
            Rule.PLAN_LATE,
            plan.path,
            plan.line("filed"),
            f"{unit.name} {status.year} 年的年度学习计划 {status.filed} 才报党委宣传部，"
            f"应在 {due}前报送。",
            **scope,
        )
    if plan is None:
        return
    for month in status.months:
        unstudied = [t.title for t in month.topics if t.studied_by is None]
        if month.ended and unstudied:
            names = "、".join(f"「{title.strip()}」" for title in unstudied)
            yield Finding(
                Rule.PLAN_TOPIC_UNSTUDIED,
                plan.path,
                month.line,
                f"{unit.name}年度学习计划安排在 {month.month[:4]}年{int(month.month[5:])}月学习的"
                f"{names}，到月底还没有在中心组学习中学习（学习内容题目须与计划一字不差）。"
                "请尽快安排学习；已学习的，请把那次学习记录的题目改得与计划一致并说明更正原因。",
                semester=_month_semester(org, month.month),
                month=month.month,
                **scope,
            )


def _month_semester(org: Org, month: str) -> str | None:
    """The first semester overlapping the month, as monthly-study-missing scopes it."""
    return next((s.id for s in org.semesters if month in s.months()), None)
