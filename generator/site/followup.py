"""What the v2 pages show: the 整改台账 (rectifications) and the 年度学习计划 (annual
study plans), computed once from the checker's `Filing`s of kind "rectification"
and its `PlanStatus`es, so that the pages and `check` can never disagree.

Like `SiteData`, everything is indexed once here (by semester, unit, group, year),
so no page costs a pass over the whole history.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from generator.kinds import Kind
from generator.model import Semester
from generator.rules import Filing, PlanMonth, PlanStatus, Status
from generator.site.view import AuditView, SessionView, SiteData, period_id, safe_id

# The 附件2 page of a later audit shows the unit's earlier audits of this many days
# before it, and any older one whose rectification is still open: what the group
# checks on the spot, without the page growing with the history.
EARLIER_DAYS = 365


@dataclass(slots=True)
class RectificationView:
    """An audit that asked for a rectification (`rectify_by`), with its status."""

    view: SessionView
    item: AuditView
    filing: Filing | None  # None while the session is not yet held: nothing is owed yet

    @property
    def status(self) -> Status | None:
        return self.filing.status if self.filing else None

    @property
    def open(self) -> bool:
        """Not reported yet: owed (pending or overdue)."""
        rectification = self.item.audit.rectification
        return rectification is None or rectification.filed is None


@dataclass(slots=True)
class EarlierAudit:
    """An earlier audit of the same unit, shown on a later 附件2 page."""

    item: AuditView
    rectification: RectificationView | None  # when it asked for one


@dataclass(slots=True)
class FollowUp:
    data: SiteData
    rectifications: list[RectificationView]  # every audit with rectify_by, by session date
    plans: list[PlanStatus]  # by unit (org order), then year
    _by_period: dict[str | None, list[RectificationView]] = field(default_factory=dict)
    _by_unit: dict[str, list[RectificationView]] = field(default_factory=dict)
    _by_group: dict[str, list[RectificationView]] = field(default_factory=dict)
    _by_audit: dict[tuple[str, int], RectificationView] = field(default_factory=dict)
    _audits_of_unit: dict[str, list[AuditView]] = field(default_factory=dict)
    _plans_of_unit: dict[str, list[PlanStatus]] = field(default_factory=dict)
    _month_sessions: dict[tuple[str, str], list[SessionView]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_period: dict = defaultdict(list)
        by_unit: dict = defaultdict(list)
        by_group: dict = defaultdict(list)
        for row in self.rectifications:
            by_period[period_id(row.view)].append(row)
            by_unit[row.view.session.unit].append(row)
            by_group[row.item.audit.group].append(row)
            self._by_audit[(row.view.session.path, row.item.audit.index)] = row
        audits: dict = defaultdict(list)
        months: dict = defaultdict(list)
        for view in self.data.sessions:
            audits[view.session.unit].extend(view.audits)
            if view.session.is_study:
                months[(view.session.unit, view.session.date.strftime("%Y-%m"))].append(view)
        plans: dict = defaultdict(list)
        for status in self.plans:
            plans[status.unit].append(status)
        self._by_period, self._by_unit, self._by_group = by_period, by_unit, by_group
        self._audits_of_unit, self._plans_of_unit = audits, plans
        self._month_sessions = months

    # ------------------------------------------------------------ rectifications

    def rectifications_in(self, semester: Semester | None) -> list[RectificationView]:
        """The audits with rectify_by of the sessions a semester's schedule shows."""
        return self._by_period.get(semester.id if semester else None, [])

    def open_rectifications(self, unit_id: str) -> list[RectificationView]:
        """What a unit still owes: asked for, not yet reported (overdue ones first)."""
        rows = [r for r in self._by_unit.get(unit_id, []) if r.open and r.filing is not None]
        return sorted(rows, key=lambda r: (r.status is not Status.MISSING, r.filing.due))  # type: ignore[union-attr]

    def group_rectifications(self, group_id: str) -> list[RectificationView]:
        """The rectifications a group asked for that are not reported yet (to follow up)."""
        return [r for r in self._by_group.get(group_id, []) if r.open and r.filing is not None]

    def rectification_of(self, item: AuditView) -> RectificationView | None:
        return self._by_audit.get((item.session.path, item.audit.index))

    def rectifications_of_session(self, view: SessionView) -> list[RectificationView]:
        rows = (self.rectification_of(item) for item in view.audits)
        return [row for row in rows if row is not None]

    def earlier_audits(self, item: AuditView) -> list[EarlierAudit]:
        """The unit's audits before this one's session that named problems: those of the
        year before it, and older ones whose rectification is still open; newest first."""
        session = item.session
        since = session.date - dt.timedelta(days=EARLIER_DAYS)
        out: list[EarlierAudit] = []
        for other in self._audits_of_unit.get(session.unit, []):
            if (other.session.date, other.session.day_number) >= (
                session.date,
                session.day_number,
            ):
                continue
            if not other.audit.problems:
                continue
            row = self.rectification_of(other)
            if other.session.date >= since or (row is not None and row.open):
                out.append(EarlierAudit(other, row))
        out.sort(key=lambda e: (e.item.session.date, e.item.session.day_number), reverse=True)
        return out

    def counts(self, rows: list[RectificationView]) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in rows:
            counts[row.status.value if row.status else "none"] += 1
        return counts

    # ------------------------------------------------------------ annual plans

    def plans_of(self, unit_id: str) -> list[PlanStatus]:
        return self._plans_of_unit.get(unit_id, [])

    def judged(self, status: PlanStatus) -> bool:
        """Whether the plan rules apply to that year (from plans_from on): earlier plans,
        or any without plans_from, are shown but neither late nor missing."""
        org = self.data.result.records.org
        return org is not None and org.plans_from is not None and status.year >= org.plans_from

    def plan_years(self) -> list[int]:
        return sorted({p.year for p in self.plans})

    def plan_for(self, unit_id: str, year: int) -> PlanStatus | None:
        return next((p for p in self.plans_of(unit_id) if p.year == year), None)

    def missing_plans(self) -> list[PlanStatus]:
        """Plans whose due date has passed with nothing filed: the home page's overdue list."""
        return sorted(
            (p for p in self.plans if p.status is Status.MISSING and p.owed),
            key=lambda p: (p.due, p.unit),
        )

    def sessions_of_month(self, unit_id: str, month: str) -> list[SessionView]:
        """The unit's 中心组学习 sessions dated in a month (YYYY-MM): what it studied."""
        return self._month_sessions.get((unit_id, month), [])

    def topic_state(self, month: PlanMonth, studied_by) -> str:  # studied_by: Session | None
        """studied | arranged (a session after today will study it) | missing | pending."""
        if studied_by is not None:
            return "studied" if studied_by.date <= self.data.today else "arranged"
        return "missing" if month.ended else "pending"

    def session_view(self, session) -> SessionView | None:  # session: Session
        return self.data.by_path.get(session.path)


def build_followup(data: SiteData) -> FollowUp:
    filings: dict[tuple[str, str | None], list[Filing]] = defaultdict(list)
    for filing in data.filings:
        if filing.kind == Kind.RECTIFICATION:
            filings[(filing.session.path, filing.group)].append(filing)
    rows: list[RectificationView] = []
    for view in data.sessions:
        for item in view.audits:
            if item.audit.rectify_by is None:
                continue
            owed = filings.get((view.session.path, item.audit.group))
            rows.append(RectificationView(view, item, owed.pop(0) if owed else None))
    plans = list(data.result.evaluation.plans)
    order = {unit_id: n for n, unit_id in enumerate(data.units)}
    plans.sort(key=lambda p: (order.get(p.unit, len(order)), p.unit, p.year))
    return FollowUp(data, rows, plans)


# ---------------------------------------------------------------- pages


def rectification_page(semester: Semester) -> str:
    return f"rectification/{safe_id(semester.id)}.md"


def plan_page(unit_id: str, year: int) -> str:
    return f"plans/{safe_id(unit_id)}/{int(year)}.md"


def page_jobs(data: SiteData, followup: FollowUp) -> list[tuple[str, str, dict]]:
    """(docs-relative path, template, extra context) of every v2 page."""
    jobs: list[tuple[str, str, dict]] = [
        (rectification_page(s), "rectification.md.j2", {"semester": s}) for s in data.semesters
    ]
    jobs.append(("rectification/index.md", "rectification_index.md.j2", {}))
    jobs.append(("plans/index.md", "plans_index.md.j2", {}))
    jobs.extend(
        (plan_page(p.unit, p.year), "plan.md.j2", {"plan_status": p})
        for p in followup.plans
        if p.unit in data.units
    )
    return jobs
