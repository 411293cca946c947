"""Calendar feeds (.ics) a school leader can subscribe to: every session of a unit, of
the units an audit group sits in on, or of the whole college, planned and held.

Times are local times in the org's zone (Asia/Shanghai) with a VTIMEZONE, so a
calendar anywhere shows 14:30 in Lanzhou as 14:30 in Lanzhou. An event's UID is
the unit and the file's slug, so it stays the same across builds and feeds:
a subscriber who has the unit feed and the group feed sees one event, and an
edited record updates it in place.

icalendar writes every component. A feed is its header, the zone's VTIMEZONE
and its events; since an event is the same in every feed, `Calendars` writes
each event and the VTIMEZONE once and puts the feeds together from them, which
gives the bytes `Calendar.to_ical()` would (a test compares).
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable

from icalendar import Calendar, Event, Timezone

from generator.exports.common import FULL, Privacy, unit_name
from generator.kinds import QuotaRule
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
        if q.rule == QuotaRule.GROUP_AUDIT and q.status is Status.PENDING and q.count == 0
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


def _description(
    session: Session, org: Org | None, today: dt.date, page_url: str | None, privacy: Privacy
) -> str:
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
    return privacy.clean("\n".join(lines))


def _event(
    session: Session,
    org: Org | None,
    zone: zoneinfo.ZoneInfo,
    stamp: dt.datetime,
    open_quotas: set[tuple[str, str]],
    today: dt.date,
    page_url: str | None,
    privacy: Privacy,
) -> Event:
    hours, minutes = (int(p) for p in session.time.split(":"))
    start = dt.datetime.combine(session.date, dt.time(hours, minutes), tzinfo=zone)
    event = Event()
    event.add("uid", uid(session))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", start + DURATION)
    summary = f"{unit_name(org, session.unit)} {session.kind}{_audit_mark(session, org, open_quotas, today)}"
    event.add("summary", privacy.clean(summary))
    event.add("location", privacy.clean(session.location))
    event.add("description", _description(session, org, today, page_url, privacy))
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    if page_url:
        event.add("url", page_url)
    categories = ["中心组学习"] + (["列席旁听"] if session.audits else [])
    event.add("categories", categories)
    return event


class Calendars:
    """The feeds of one CheckResult: each event and the VTIMEZONE are written once and
    shared by every feed they appear in."""

    def __init__(
        self,
        result: CheckResult,
        page_url: dict[str, str] | None = None,
        privacy: Privacy = FULL,
    ) -> None:
        self.result = result
        self.org = result.records.org
        self.zone_name = self.org.timezone if self.org else "Asia/Shanghai"
        self.zone = zoneinfo.ZoneInfo(self.zone_name)
        self.page_url = page_url or {}
        self.privacy = privacy
        # DTSTAMP is the day the feed describes, not the wall clock: same records, same file
        self.stamp = dt.datetime.combine(result.as_of, dt.time(0, 0), tzinfo=dt.UTC)
        self.open_quotas = _open_audit_quotas(result)
        self._events: dict[str, bytes] = {}

    def event(self, session: Session) -> bytes:
        if session.path not in self._events:
            event = _event(
                session,
                self.org,
                self.zone,
                self.stamp,
                self.open_quotas,
                self.result.as_of,
                self.page_url.get(session.path),
                self.privacy,
            )
            self._events[session.path] = event.to_ical()
        return self._events[session.path]

    def calendar(self, sessions: Iterable[Session], name: str) -> bytes:
        """A VCALENDAR of `sessions`, named `name` (X-WR-CALNAME)."""
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", self.privacy.clean(name))
        calendar.add("x-wr-timezone", self.zone_name)
        calendar.add("x-published-ttl", "PT12H")
        head = calendar.to_ical()
        end = b"END:VCALENDAR\r\n"
        assert head.endswith(end)
        events = [self.event(session) for session in sessions]
        zone = [_vtimezone(self.zone_name)] if events else []
        return b"".join([head[: -len(end)], *zone, *events, end])


@functools.cache
def _vtimezone(zone_name: str) -> bytes:
    """The VTIMEZONE `Calendar.add_missing_timezones()` adds, with its default range."""
    return Timezone.from_tzid(
        zone_name, first_date=Timezone.DEFAULT_FIRST_DATE, last_date=Timezone.DEFAULT_LAST_DATE
    ).to_ical()


def calendar_ics(
    result: CheckResult,
    sessions: Iterable[Session],
    name: str,
    page_url: dict[str, str] | None = None,
    privacy: Privacy = FULL,
) -> bytes:
    """A VCALENDAR of `sessions`, named `name` (X-WR-CALNAME); `page_url` maps a session's
    path to its page on the site, when the site knows its address."""
    return Calendars(result, page_url, privacy).calendar(sessions, name)


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
