"""What the pages show, computed from a CheckResult: no text formatting, no escaping.

Every status comes from the checker's `Filing` and `Quota` records, so the site
and `python -m generator check` can never disagree.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from generator.circular import SemesterFigures, UnitFigures, all_figures
from generator.findings import Finding, Severity
from generator.kinds import FILING_KINDS, Kind, Owner, QuotaRule
from generator.model import Audit, Group, Semester, Session, Unit
from generator.pipeline import CheckResult
from generator.rules import Filing, Quota, Status

SAFE_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
UPCOMING_DAYS = 30

# Worst first: the colour of a cell that sums up several statuses.
SEVERITY_ORDER = (Status.MISSING, Status.LATE, Status.UNKNOWN, Status.ON_TIME, Status.PENDING)


def worst(statuses: list[Status]) -> Status | None:
    """Missing beats late beats unknown; on time beats pending (a month that is
    going well so far is green, one with nothing due yet is grey)."""
    for status in SEVERITY_ORDER:
        if status in statuses:
            return status
    return None


def safe_id(value: str) -> str:
    """Ids and slugs become URLs: the schemas allow only [a-z0-9-], checked again here."""
    if not SAFE_ID.fullmatch(value):
        raise ValueError(f"unsafe id in a URL: {value!r}")
    return value


@dataclass(slots=True)
class AuditView:
    session: Session
    audit: Audit
    group: Group | None
    page: str  # docs-relative path
    filing: Filing | None  # None for a planned audit or a session not yet held


@dataclass(slots=True)
class SessionView:
    session: Session
    unit: Unit | None
    page: str
    semester: Semester | None  # the semester the date lies in
    period: Semester | None  # the semester whose schedule shows it (holidays: the one before)
    filings: list[Filing]
    audits: list[AuditView]
    findings: list[Finding]
    held: bool  # dated before today, or today and its start time has passed (see `held_by`)
    today: bool = False  # dated the as-of day

    @property
    def status(self) -> Status | None:
        return worst([f.status for f in self.filings])


@dataclass(slots=True)
class UnitStats:
    """One row of 督查统计: a unit's figures in a semester (circular.UnitFigures, the
    same as the 通报's and the 台账's) and, for the colours, the statuses of its quotas."""

    unit: Unit
    figures: UnitFigures
    threshold: Fraction
    audit: Quota | None = None
    invite: Quota | None = None
    visit: Quota | None = None

    @property
    def attendance_ok(self) -> bool | None:
        """At or above the threshold (exactly 90% is fine, as attendance-low says)."""
        value = self.figures.attendance_fraction
        return None if value is None else value >= self.threshold

    @property
    def filings_status(self) -> Status | None:
        f = self.figures
        if not f.filings_due:
            return None
        if f.filings_missing:
            return Status.MISSING
        return Status.LATE if f.filings_late else Status.ON_TIME


# A heat-map cell says whether the unit studied that month; its paperwork is a mark of
# its own (a held session with a missing filing is still a month studied).
STUDY_LABELS = {
    "studied": "已学习",
    "unstudied": "未学习",
    "planned": "计划",
    "open": "未到期",
    "exempt": "免除",
}
PAPER_LABELS = {"missing": "缺材料", "late": "迟报"}


@dataclass(slots=True)
class HeatCell:
    unit: Unit
    month: str
    study: str  # studied | unstudied (month ended without) | planned | open | exempt
    paper: str | None  # missing | late: the worst filing of the month's sessions; None: fine
    sessions: list[SessionView]
    notes: list[str]

    @property
    def label(self) -> str:
        return STUDY_LABELS[self.study]

    @property
    def paper_label(self) -> str | None:
        return PAPER_LABELS[self.paper] if self.paper else None


def period_id(view: SessionView) -> str | None:
    return view.period.id if view.period else None


@dataclass(slots=True)
class SiteData:
    """Everything the pages show. Lookups go through indexes built once (`__post_init__`),
    so that no page costs a pass over the whole history: a site's build time then grows
    with the number of pages, not with their product."""

    result: CheckResult
    institution: str
    today: dt.date
    units: dict[str, Unit]
    groups: dict[str, Group]
    semesters: list[Semester]  # oldest first
    current: Semester | None
    sessions: list[SessionView]  # by date
    by_path: dict[str, SessionView]
    filings: list[Filing]
    quotas: list[Quota]
    findings: list[Finding]
    group_of_unit: dict[str, str]
    attendance_threshold: float
    # indexes (keys: unit or group id, the period's semester id or None)
    _by_period: dict[str | None, list[SessionView]] = field(default_factory=dict, init=False)
    _by_unit: dict[tuple[str, str | None], list[SessionView]] = field(
        default_factory=dict, init=False
    )
    _count_by_unit: dict[str, int] = field(default_factory=dict, init=False)
    _visits: dict[tuple[str, str | None], list] = field(default_factory=dict, init=False)
    _audits: dict[tuple[str, str | None], list[AuditView]] = field(default_factory=dict, init=False)
    _planned_audits: dict[str, list[AuditView]] = field(default_factory=dict, init=False)
    _overdue: list[Filing] = field(default_factory=list, init=False)
    _pending: dict[tuple[str, str], list[Filing]] = field(default_factory=dict, init=False)
    _findings: dict[str | None, list[Finding]] = field(default_factory=dict, init=False)
    _unit_findings: dict[tuple[str, str | None], list[Finding]] = field(
        default_factory=dict, init=False
    )
    _quotas: dict[tuple[str, str | None], list[Quota]] = field(default_factory=dict, init=False)
    _figures: dict[str, SemesterFigures] | None = field(default=None, init=False)
    # the build's charts and 通报 (exports.circulars.Circulars), drawn once per semester
    circulars: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        by_period: dict = defaultdict(list)
        by_unit: dict = defaultdict(list)
        visits: dict = defaultdict(list)
        audits: dict = defaultdict(list)
        planned: dict = defaultdict(list)
        for view in self.sessions:
            key = period_id(view)
            by_period[key].append(view)
            by_unit[(view.session.unit, key)].append(view)
            for visitor in view.session.visitors:
                visits[(visitor.unit, key)].append((view, visitor))
            for audit in view.audits:
                audits[(audit.audit.group, key)].append(audit)
                if not view.held:
                    planned[audit.audit.group].append(audit)
        counts: dict[str, int] = defaultdict(int)
        for (unit_id, _), views in by_unit.items():
            counts[unit_id] += len(views)
        pending: dict = defaultdict(list)
        for filing in self.filings:
            if filing.status is Status.PENDING:
                pending[("unit", filing.session.unit)].append(filing)
                if FILING_KINDS[filing.kind].owner is Owner.GROUP:  # the group reports it
                    pending[("group", filing.group)].append(filing)
        findings: dict = defaultdict(list)
        unit_findings: dict = defaultdict(list)
        for finding in self.findings:
            findings[finding.semester].append(finding)
            if finding.unit:
                unit_findings[(finding.unit, finding.semester)].append(finding)
        quotas: dict = defaultdict(list)
        for quota in self.quotas:
            quotas[(quota.semester, None)].append(quota)
            quotas[(quota.semester, quota.unit)].append(quota)
        self._by_period, self._by_unit, self._count_by_unit = by_period, by_unit, counts
        self._visits, self._audits, self._planned_audits = visits, audits, planned
        self._pending, self._findings, self._unit_findings = pending, findings, unit_findings
        self._quotas = quotas
        self._overdue = sorted(
            (f for f in self.filings if f.status is Status.MISSING),
            key=lambda f: (f.due or self.today, f.session.unit, f.kind),
        )

    # ------------------------------------------------------------ lookups

    def unit_name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id)
        return unit.name if unit else unit_id

    def session_count(self, unit_id: str) -> int:
        return self._count_by_unit.get(unit_id, 0)

    def sessions_in(
        self, semester: Semester | None, unit_id: str | None = None
    ) -> list[SessionView]:
        """The sessions a semester's schedule shows (of one unit); None: those of no
        semester, which happens only when org.yaml lists none."""
        key = semester.id if semester else None
        if unit_id is None:
            return self._by_period.get(key, [])
        return self._by_unit.get((unit_id, key), [])

    def visits_by(self, unit_id: str, semester: Semester | None) -> list:
        """(session view, visitor) where the unit's 书记/副书记 sat in on another unit."""
        return self._visits.get((unit_id, semester.id if semester else None), [])

    def audits_by(self, group_id: str, semester: Semester | None) -> list[AuditView]:
        return self._audits.get((group_id, semester.id if semester else None), [])

    def planned_audits(self, group_id: str) -> list[AuditView]:
        """The group's audits of sessions not yet held."""
        return self._planned_audits.get(group_id, [])

    def overdue(self) -> list[Filing]:
        return self._overdue

    def pending(self, kind: str, ident: str) -> list[Filing]:
        """Filings not yet due of a unit's sessions (kind "unit") or a group's records."""
        return self._pending.get((kind, ident), [])

    def upcoming(self, days: int = UPCOMING_DAYS) -> list[SessionView]:
        """Sessions not yet held up to `days` ahead: today's that have not begun, too."""
        end = self.today + dt.timedelta(days=days)
        return [v for v in self.sessions if not v.held and self.today <= v.session.date <= end]

    def findings_for_semester(
        self, semester: Semester | None, unit_id: str | None = None
    ) -> list[Finding]:
        wanted = semester.id if semester else None
        if unit_id is None:
            return self._findings.get(wanted, [])
        return self._unit_findings.get((unit_id, wanted), [])

    def session_for_finding(self, finding: Finding) -> SessionView | None:
        return self.by_path.get(finding.file) if finding.file else None

    def quotas_for(self, semester: Semester, unit_id: str | None = None) -> list[Quota]:
        return self._quotas.get((semester.id, unit_id), [])

    # ------------------------------------------------------------ summaries

    def all_figures(self) -> dict[str, SemesterFigures]:
        """Every semester's figures, computed once (circular.all_figures): the same that
        the 通报 and the 台账 print."""
        if self._figures is None:
            self._figures = all_figures(self.result)
        return self._figures

    def semester_figures(self, semester: Semester) -> SemesterFigures:
        return self.all_figures()[semester.id]

    def semester_stats(self, semester: Semester) -> list[UnitStats]:
        figures = {f.unit: f for f in self.semester_figures(semester).units}
        threshold = Fraction(str(self.attendance_threshold))
        rows = {uid: UnitStats(unit, figures[uid], threshold) for uid, unit in self.units.items()}
        for quota in self.quotas_for(semester):
            row = rows.get(quota.unit)
            if row is None:
                continue
            if quota.rule == QuotaRule.GROUP_AUDIT:
                row.audit = quota
            elif quota.rule == QuotaRule.INVITE:
                row.invite = quota
            elif quota.rule == QuotaRule.VISIT:
                row.visit = quota
        return list(rows.values())

    def heat_map(self, semester: Semester) -> tuple[list[str], list[list[HeatCell]]]:
        """Unit × month: whether the unit studied (the checker's monthly quota, or a study
        session already held in a month still running), and apart from that the worst
        paperwork of the month's sessions, so that 督查统计's 每月学习 and the map agree."""
        months = semester.months()
        by_key: dict[tuple[str, str], list[SessionView]] = defaultdict(list)
        for view in self.sessions:
            by_key[(view.session.unit, view.session.date.strftime("%Y-%m"))].append(view)
        monthly = {
            (q.unit, q.month): q
            for q in self.quotas
            if q.rule == QuotaRule.MONTHLY_STUDY and q.semester == semester.id
        }
        table: list[list[HeatCell]] = []
        for unit_id, unit in self.units.items():
            row: list[HeatCell] = []
            for month in months:
                views = by_key.get((unit_id, month), [])
                notes: list[str] = []
                quota = monthly.get((unit_id, month))
                studied = [v for v in views if v.held and v.session.is_study]
                if studied:
                    study = "studied"
                elif quota is not None and quota.status is Status.MISSING:
                    study = "unstudied"
                    notes.append("当月未开展中心组学习")
                elif any(not v.held and v.session.is_study for v in views):
                    study = "planned"
                elif quota is None and month in semester.exempt_months:
                    study = "exempt"
                else:
                    study = "open"
                papers: list[Status] = []
                for view in views:
                    for filing in view.filings:
                        if filing.status in (Status.MISSING, Status.LATE):
                            papers.append(filing.status)
                            notes.append(f"{filing.label}{filing.status.chinese}")
                    if not view.session.is_study and view.held:
                        notes.append(f"以{view.session.kind}代替中心组学习")
                paper = worst(papers)
                row.append(
                    HeatCell(unit, month, study, paper.value if paper else None, views, notes)
                )
            table.append(row)
        return months, table

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]


def _period_of(day: dt.date, semesters: list[Semester]) -> Semester | None:
    """The semester whose schedule lists a session: the one it lies in, else the
    latest that started before it, else the first."""
    inside = next((s for s in semesters if s.contains(day)), None)
    if inside is not None:
        return inside
    before = [s for s in semesters if s.start <= day]
    if before:
        return before[-1]
    return semesters[0] if semesters else None


def current_semester(semesters: list[Semester], today: dt.date) -> Semester | None:
    """The semester today lies in; between semesters, the one just ended; before all, the first."""
    return _period_of(today, semesters)


def session_page(session: Session) -> str:
    return f"sessions/{safe_id(session.unit)}/{safe_id(session.slug)}.md"


def held_by(now: dt.datetime | None, today: dt.date, zone: str) -> Callable[[Session], bool]:
    """Whether a session has begun by the moment the site describes. Sessions before
    the as-of day have; after it, not. On the as-of day it depends on `now`, the build's
    clock: if it is that very day (in the org's zone), a session has begun once its
    start time has passed; if the clock is already past that day (a build for an
    earlier --as-of), every session of the day has; if it is before (a build for a
    later day), none has. Without a clock, as the checker counts: all of them."""
    if now is None:
        cutoff: dt.time | None = dt.time.max
    else:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        cutoff = (
            local.time() if local.date() == today else dt.time.max if local.date() > today else None
        )

    def held(session: Session) -> bool:
        if session.date != today:
            return session.date < today
        if cutoff is None:
            return False
        hours, minutes = (int(part) for part in session.time.split(":"))
        return dt.time(hours, minutes) <= cutoff

    return held


def build_data(result: CheckResult, now: dt.datetime | None = None) -> SiteData:
    """`now`: the build's clock, which decides whether today's sessions have begun."""
    org = result.records.org
    if org is None:
        raise ValueError("org.yaml could not be read; the site needs it")
    today = result.as_of
    has_begun = held_by(now, today, org.timezone)
    semesters = list(org.semesters)
    filings_by_session: dict[str, list[Filing]] = defaultdict(list)
    for filing in result.evaluation.filings:
        # a session's own paperwork; rectifications (v2) have pages of their own
        # (site/followup.py) and stay out of its status, the heat map and 按时报送率
        if filing.kind != Kind.RECTIFICATION:
            filings_by_session[filing.session.path].append(filing)
    findings_by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.file:
            findings_by_file[finding.file].append(finding)
    views: list[SessionView] = []
    for session in result.records.sessions:
        filings = filings_by_session.get(session.path, [])
        audit_filings = iter(f for f in filings if f.kind == Kind.AUDIT_RECORD)
        held = has_begun(session)
        audits: list[AuditView] = []
        used: set[str] = set()
        for audit in session.audits:
            filing = next(audit_filings, None) if held and session.is_study else None
            name = f"{session.slug}-{safe_id(audit.group)}"
            if name in used:
                name = f"{name}-{audit.index + 1}"
            used.add(name)
            audits.append(
                AuditView(
                    session,
                    audit,
                    org.groups.get(audit.group),
                    f"audits/{safe_id(session.unit)}/{name}.md",
                    filing,
                )
            )
        views.append(
            SessionView(
                session=session,
                unit=org.units.get(session.unit),
                page=session_page(session),
                semester=org.semester_of(session.date),
                period=_period_of(session.date, semesters),
                filings=filings,
                audits=audits,
                findings=findings_by_file.get(session.path, []),
                held=held,
                today=session.date == today,
            )
        )
    return SiteData(
        result=result,
        institution=org.institution,
        today=today,
        units=org.units,
        groups=org.groups,
        semesters=semesters,
        current=current_semester(semesters, today),
        sessions=views,
        by_path={v.session.path: v for v in views},
        filings=result.evaluation.filings,
        quotas=result.evaluation.quotas,
        findings=result.findings,
        group_of_unit=org.group_of_unit,
        attendance_threshold=org.attendance_threshold,
    )
