"""Typed records: what org.yaml and the session files mean once they passed the schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from generator.yamlio import Document

STUDY_KIND = "中心组学习"
LEADER_KINDS = frozenset({"党委", "党总支"})  # 安排2 names only these


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    title: str


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    name: str
    kind: str
    secretary: str
    deputy_secretaries: tuple[str, ...] = ()

    @property
    def owes_visits(self) -> bool:
        return self.kind in LEADER_KINDS

    def holds_role(self, name: str, role: str) -> bool:
        if role == "书记":
            return name == self.secretary
        return name in self.deputy_secretaries


@dataclass(frozen=True, slots=True)
class Liaison:
    name: str
    title: str
    github: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    leader: Person
    liaison: Liaison
    units: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Semester:
    id: str
    name: str
    start: dt.date
    end: dt.date
    exempt_months: frozenset[str] = frozenset()

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def months(self) -> list[str]:
        """Every calendar month (YYYY-MM) overlapping the semester."""
        months: list[str] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months


@dataclass(frozen=True, slots=True)
class Deadline:
    days: int
    count: str = "calendar"  # calendar | workday


DEFAULT_DEADLINES: dict[str, Deadline] = {
    "arrangement": Deadline(2),
    "post_copy": Deadline(2),
    "audit_record": Deadline(3),
    "visit_report": Deadline(3),
}


DEFAULT_PLAN_DUE = "03-31"


@dataclass(slots=True)
class Org:
    institution: str
    timezone: str
    owners: tuple[str, ...]
    units: dict[str, Unit]
    groups: dict[str, Group]
    semesters: list[Semester]
    deadlines: dict[str, Deadline]
    attendance_threshold: float
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    group_of_unit: dict[str, str] = field(default_factory=dict)
    document: Document | None = None
    plans_from: int | None = None  # v2: first year annual plans are owed; None: never
    plan_due: str = DEFAULT_PLAN_DUE  # v2: MM-DD

    def semester_of(self, day: dt.date) -> Semester | None:
        return next((s for s in self.semesters if s.contains(day)), None)

    def plan_due_date(self, year: int) -> dt.date:
        return dt.date(year, int(self.plan_due[:2]), int(self.plan_due[3:]))

    def year_has_semester(self, year: int) -> bool:
        return any(s.start.year <= year <= s.end.year for s in self.semesters)


@dataclass(frozen=True, slots=True)
class Topic:
    title: str
    first_topic: bool = False


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    title: str | None = None
    outline: str | None = None
    written: bool | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class Findings:
    organization: str | None = None
    content: str | None = None
    method: str | None = None
    effect: str | None = None


@dataclass(frozen=True, slots=True)
class Rectification:
    """整改情况 (v2): what the audited unit changed, and when it reported it."""

    measures: str | None = None
    filed: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Audit:
    index: int
    group: str
    findings: Findings | None = None
    problems: str | None = None
    filed: dt.date | None = None
    rectify_by: dt.date | None = None  # v2: 整改期限; only such an audit owes a rectification
    rectification: Rectification | None = None

    @property
    def planned(self) -> bool:
        return self.findings is None and self.problems is None and self.filed is None


@dataclass(frozen=True, slots=True)
class Visitor:
    index: int
    unit: str
    name: str
    role: str
    report_filed: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Amendment:
    date: dt.date
    reason: str


@dataclass(slots=True)
class Session:
    path: str  # as reported: relative to the records folder's parent
    document: Document
    unit: str
    date: dt.date
    time: str
    location: str
    year_seq: int
    kind: str
    members: int
    present: int | None
    host: Person
    topics: tuple[Topic, ...]
    speakers: tuple[Speaker, ...]
    contact: Contact
    arrangement_filed: dt.date | None
    post_copy_filed: dt.date | None
    audits: tuple[Audit, ...]
    visitors: tuple[Visitor, ...]
    amendments: tuple[Amendment, ...]

    @property
    def is_study(self) -> bool:
        return self.kind == STUDY_KIND

    @property
    def day_number(self) -> int:
        """1 for 2025-10-15.yaml, n for 2025-10-15-n.yaml: the order of sessions on one day."""
        return day_number(self.path)

    @property
    def slug(self) -> str:
        """The file name without .yaml, e.g. 2025-10-15 or 2025-10-15-2."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".yaml")

    def line(self, *path: str | int, key: bool = False) -> int | None:
        return self.document.line(path, key=key)


@dataclass(frozen=True, slots=True)
class PlanItem:
    index: int  # position in `items`, for line look-ups
    month: str  # YYYY-MM
    topics: tuple[str, ...]


@dataclass(slots=True)
class Plan:
    """A unit's annual study plan (年度学习计划, v2): records/plans/<unit>/<YYYY>.yaml."""

    path: str
    document: Document
    unit: str
    year: int
    filed: dt.date | None
    items: tuple[PlanItem, ...]
    amendments: tuple[Amendment, ...]

    def line(self, *path: str | int, key: bool = False) -> int | None:
        return self.document.line(path, key=key)


def day_number(path: str) -> int:
    """1 for …/2025-10-15.yaml, n for …/2025-10-15-n.yaml."""
    suffix = path.rsplit("/", 1)[-1].removesuffix(".yaml")[10:]
    return int(suffix[1:]) if suffix.startswith("-") and suffix[1:].isdigit() else 1


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def normalize_time(value: str) -> str:
    hours, minutes = value.split(":")
    return f"{int(hours):02d}:{minutes}"


def session_from(path: str, document: Document) -> Session:
    """Build a Session from schema-valid data."""
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    filed = data.get("filed") or {}
    return Session(
        path=path,
        document=document,
        unit=data["unit"],
        date=dt.date.fromisoformat(data["date"]),
        time=normalize_time(data["time"]),
        location=data["location"],
        year_seq=data["year_seq"],
        kind=data.get("kind", STUDY_KIND),
        members=data["members"],
        present=data.get("present"),
        host=Person(**data["host"]),
        topics=tuple(Topic(**t) for t in data["topics"]),
        speakers=tuple(Speaker(**s) for s in data.get("speakers") or ()),
        contact=Contact(**data["contact"]),
        arrangement_filed=_date(filed.get("arrangement")),
        post_copy_filed=_date(filed.get("post_copy")),
        audits=tuple(
            Audit(
                index=i,
                group=a["group"],
                findings=Findings(**a["findings"]) if "findings" in a else None,
                problems=a.get("problems"),
                filed=_date(a.get("filed")),
                rectify_by=_date(a.get("rectify_by")),
                rectification=_rectification(a.get("rectification")),
            )
            for i, a in enumerate(data.get("audits") or ())
        ),
        visitors=tuple(
            Visitor(
                index=i,
                unit=v["unit"],
                name=v["name"],
                role=v["role"],
                report_filed=_date(v.get("report_filed")),
            )
            for i, v in enumerate(data.get("visitors") or ())
        ),
        amendments=_amendments(data),
    )


def _rectification(value: dict[str, Any] | None) -> Rectification | None:
    if value is None:
        return None
    return Rectification(measures=value.get("measures"), filed=_date(value.get("filed")))


def _amendments(data: dict[str, Any]) -> tuple[Amendment, ...]:
    return tuple(
        Amendment(date=dt.date.fromisoformat(a["date"]), reason=a["reason"])
        for a in data.get("amendments") or ()
    )


def plan_from(path: str, document: Document) -> Plan:
    """Build a Plan from schema-valid data."""
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    return Plan(
        path=path,
        document=document,
        unit=data["unit"],
        year=data["year"],
        filed=_date(data.get("filed")),
        items=tuple(
            PlanItem(index=i, month=item["month"], topics=tuple(item["topics"]))
            for i, item in enumerate(data["items"])
        ),
        amendments=_amendments(data),
    )


def org_from(document: Document) -> Org:
    """Build an Org from schema-valid data; the first of duplicate ids wins."""
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    units: dict[str, Unit] = {}
    for u in data["units"]:
        units.setdefault(
            u["id"],
            Unit(
                id=u["id"],
                name=u["name"],
                kind=u["kind"],
                secretary=u["secretary"],
                deputy_secretaries=tuple(u.get("deputy_secretaries") or ()),
            ),
        )
    groups: dict[str, Group] = {}
    group_of_unit: dict[str, str] = {}
    for g in data["groups"]:
        if g["id"] in groups:
            continue
        groups[g["id"]] = Group(
            id=g["id"],
            leader=Person(**g["leader"]),
            liaison=Liaison(**g["liaison"]),
            units=tuple(g["units"]),
        )
        for unit_id in g["units"]:
            group_of_unit.setdefault(unit_id, g["id"])
    semesters: list[Semester] = []
    seen: set[str] = set()
    for s in data["semesters"]:
        if s["id"] in seen:
            continue
        seen.add(s["id"])
        semesters.append(
            Semester(
                id=s["id"],
                name=s["name"],
                start=dt.date.fromisoformat(s["start"]),
                end=dt.date.fromisoformat(s["end"]),
                exempt_months=frozenset(s.get("exempt_months") or ()),
            )
        )
    semesters.sort(key=lambda s: s.start)
    deadlines = dict(DEFAULT_DEADLINES)
    for name, value in (data.get("deadlines") or {}).items():
        deadlines[name] = Deadline(days=value["days"], count=value.get("count", "calendar"))
    return Org(
        institution=data["institution"],
        timezone=data.get("timezone") or "Asia/Shanghai",
        owners=tuple(data.get("owners") or ()),
        units=units,
        groups=groups,
        semesters=semesters,
        deadlines=deadlines,
        attendance_threshold=data.get("attendance_threshold", 0.9),
        holidays=frozenset(dt.date.fromisoformat(d) for d in data.get("holidays") or ()),
        workdays=frozenset(dt.date.fromisoformat(d) for d in data.get("workdays") or ()),
        group_of_unit=group_of_unit,
        document=document,
        plans_from=data.get("plans_from"),
        plan_due=data.get("plan_due", DEFAULT_PLAN_DUE),
    )
