"""Calendar feeds (.ics) a school leader can subscribe to: every session of a unit, of
the units an audit group sits in on, or of the whole college, planned and held.

Times are local times in the org's zone (Asia/Shanghai) with a VTIMEZONE, so a
calendar anywhere shows 14:30 in Lanzhou as 14:30 in Lanzhou. An event's UID is
the unit and the file's slug, so it stays the same across builds and feeds:
a subscriber who has the unit feed and the group feed sees one event, and an
edited record updates it in place.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from icalendar import Calendar, Event

from generator.exports.common import clean, unit_name
from generator.model import Org, Session
from generator.pipeline import CheckResult
from generator.rules import Status

DURATION = dt.timedelta(hours=2)
UID_DOMAIN = "zxz-audit.lzgsxy"
PRODID = "-//lzgsxy//zxz-audit//ZH"


def uid(session: Session) -> str:
    return f"{session.unit}-{session.slug}@{UID_DOMAIN}"


def _open_audit_quotas(result: CheckResult) -> set[tuple[str, str]]:
    """(unit, semester) where the group has not yet sat in this semester and still can."""
    return {
        (q.unit, q.semester)
        for q in result.evaluation.quotas
        if q.rule == "group-audit-missing" and q.status is Status.PENDING and q.count == 0
    }


def _audit_mark(
    session: Session, org: Org | None, open_quotas: set[tuple[str, str]], today: dt.date
) -> str:
    """（g1 列席旁听） when an audit is recorded or planned; （g1 待列席旁听） on an upcoming
    session of a unit its group has not yet sat in on this semester."""
    if session.audits:
        return "（" + "、".join(f"{a.group} 列席旁听" for a in session.audits) + "）"
    if org is None or session.date < today or not session.is_study:
        return ""
    semester = org.semester_of(session.date)
    group = org.group_of_unit.get(session.unit)
    if semester and group and (session.unit, semester.id) in open_quotas:
        return f"（{group} 待列席旁听）"
    return ""


def _description(session: Session, org: Org | None, today: dt.date, page_url: str | None) -> str:
    lines = [
        f"{unit_name(org, session.unit)} {session.date.year}年第{session.year_seq}次{session.kind}"
    ]
    lines.append(f"主持人：{session.host.name}（{session.host.title}）")
    lines.append("学习内容：")
    lines += [
        f"{n}. {t.title}" + ("（第一议题）" if t.first_topic else "")
        for n, t in enumerate(session.topics, 1)
    ]
    if session.speakers:
        lines.append("交流研讨：" + "、".join(s.name for s in session.speakers))
    for audit in session.audits:
        group = org.groups.get(audit.group) if org else None
        who = f"（组长 {group.leader.name}）" if group else ""
        state = "计划列席旁听" if audit.planned and session.date > today else "列席旁听"
        lines.append(f"{audit.group}{who}{state}")
    for visitor in session.visitors:
        lines.append(f"列席：{unit_name(org, visitor.unit)}{visitor.role} {visitor.name}")
    lines.append("（已召开）" if session.date <= today else "（计划）")
    if page_url:
        lines.append(page_url)
    return clean("\n".join(lines))


def _event(
    session: Session,
    org: Org | None,
    zone: zoneinfo.ZoneInfo,
    stamp: dt.datetime,
    open_quotas: set[tuple[str, str]],
    today: dt.date,
    page_url: str | None,
) -> Event:
    hours, minutes = (int(p) for p in session.time.split(":"))
    start = dt.datetime.combine(session.date, dt.time(hours, minutes), tzinfo=zone)
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + DURATION)
    summary = f"{unit_name(org, session.unit)} {session.kind}{_audit_mark(session, org, open_quotas, today)}"
    event.add("summary", clean(summary))
    event.add("location", clean(session.location))
    event.add("description", _description(session, org, today, page_url))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if page_url:
        event.add("url", page_url)
    categories = ["中心组学习"] + (["列席旁听"] if session.audits else [])
    event.add("categories", categories)
    return event


def calendar_ics(
    result: CheckResult,
    sessions: Iterable[Session],
    name: str,
    page_url: dict[str, str] | None = None,
) -> bytes:
    """A VCALENDAR of `sessions`, named `name` (X-WR-CALNAME); `page_url` maps a session's
    path to its page on the site, when the site knows its address."""
    org = result.records.org
    zone_name = org.timezone if org else "Asia/Shanghai"
    zone = zoneinfo.ZoneInfo(zone_name)
    # DTSTAMP is the day the feed describes, not the wall clock: the same records give the same file
    stamp = dt.datetime.combine(result.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", clean(name))
    calendar.add("x-wr-timezone", zone_name)
    calendar.add("x-published-ttl", "PT12H")
    open_quotas = _open_audit_quotas(result)
    for session in sessions:
        url = (page_url or {}).get(session.path)
        calendar.add_component(_event(session, org, zone, stamp, open_quotas, result.as_of, url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feeds(result: CheckResult) -> Iterable[tuple[str, str | None, str, list[Session]]]:
    """(kind, id, calendar name, sessions) for the whole college, each unit and each group."""
    org = result.records.org
    sessions = result.records.sessions
    institution = org.institution if org else ""
    yield "all", None, f"{institution} 中心组学习（全校）", sessions
    if org is None:
        return
    for unit in org.units.values():
        yield "unit", unit.id, f"{unit.name} 中心组学习", [s for s in sessions if s.unit == unit.id]
    for group in org.groups.values():
        units = set(group.units)
        yield (
            "group",
            group.id,
            f"列席旁听组 {group.id}（组长 {group.leader.name}）",
            [s for s in sessions if s.unit in units or any(a.group == group.id for a in s.audits)],
        )
