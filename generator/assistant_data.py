"""What the filing assistant page and `new` both need to know about the records: the
next 年度学习次序, a plan's months, the schema lines, and the assistant's prefill data.

A neutral module, so that the site reads it without importing the scaffolder (`new`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from generator.model import Org, Session
from generator.pipeline import CheckResult

SESSION_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/session.schema.json"
PLAN_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/plan.schema.json"


def next_year_seq(sessions: Iterable[Session], unit: str, year: int) -> int:
    """1 + the largest 年度学习次序 of the unit's sessions in that calendar year."""
    return 1 + max(
        (s.year_seq for s in sessions if s.unit == unit and s.date.year == year), default=0
    )


def plan_months(org: Org, year: int) -> list[str]:
    """The months (YYYY-MM) of `year` that overlap a semester and are not exempt:
    the months a unit must study in, so the months its plan covers."""
    months: set[str] = set()
    for semester in org.semesters:
        months.update(
            m
            for m in semester.months()
            if m[:4] == f"{year:04d}" and m not in semester.exempt_months
        )
    return sorted(months)


def assistant_data(result: CheckResult) -> dict[str, Any]:
    """What a static filing-assistant page needs to prefill a new session, as JSON-ready data.

    Phone numbers are left out: the page is published, and the site masks them."""
    org = result.records.org
    if org is None:
        return {"units": [], "groups": []}
    units = []
    for unit in org.units.values():
        own = [s for s in result.records.sessions if s.unit == unit.id]
        last = own[-1] if own else None
        years = sorted({s.date.year for s in own} | {result.as_of.year})
        units.append(
            {
                "id": unit.id,
                "name": unit.name,
                "kind": unit.kind,
                "group": org.group_of_unit.get(unit.id),
                "next_year_seq": {
                    str(year): next_year_seq(result.records.sessions, unit.id, year)
                    for year in years
                },
                "last": None
                if last is None
                else {
                    "date": last.date.isoformat(),
                    "time": last.time,
                    "location": last.location,
                    "members": last.members,
                    "host": {"name": last.host.name, "title": last.host.title},
                    "contact": {"name": last.contact.name},
                },
                "secretary": unit.secretary,
                "deputy_secretaries": list(unit.deputy_secretaries),
            }
        )
    groups = [
        {"id": g.id, "leader": g.leader.name, "liaison": g.liaison.name, "units": list(g.units)}
        for g in org.groups.values()
    ]
    return {"today": result.as_of.isoformat(), "units": units, "groups": groups}
