"""The filing kinds: one entry per piece of paperwork the plan asks for.

Rules, history, the site, the exports and the report read this table, so a
new kind of filing is one entry here plus its schema fields (docs/dev.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from generator.model import Org, Session

DataPath = tuple[str | int, ...]


class Kind(StrEnum):
    """The filing kinds' keys (equal to their strings, which the data and the JSON use)."""

    ARRANGEMENT = "arrangement"
    POST_COPY = "post_copy"
    AUDIT_RECORD = "audit_record"
    VISIT_REPORT = "visit_report"
    RECTIFICATION = "rectification"


class Owner(StrEnum):
    """Who owes a filing: it counts in that party's figures."""

    UNIT = "unit"  # the session's own unit
    GROUP = "group"  # the audit group (附件2 is the group's)
    VISITOR = "visitor"  # the visiting unit


@dataclass(frozen=True, slots=True)
class Owed:
    """One filing a session owes, before it is judged."""

    filed: dt.date | None
    # where a late date / a missing filing is reported; looked up only when it is
    late_at: DataPath
    missing_at: DataPath | None  # None: no line (the mapping is absent)
    group: str | None = None
    visiting_unit: str | None = None
    due: dt.date | None = None  # stated by the record (rectify_by), not computed


@dataclass(frozen=True, slots=True)
class FilingKind:
    key: Kind
    label: str  # the form's name for it, in Chinese
    owner: Owner
    before_session: bool  # due N days before the session (else after it)
    deadline: str | None  # org.yaml `deadlines` key; None: the record states the due date
    where: str  # where its date sits in a session file, for liaisons
    late_rule: str
    missing_rule: str
    late_title: str  # the rules' short Chinese names (findings.RULE_TITLES)
    missing_title: str
    # Message templates; fields: filed, due, span (e.g. "2 天"), group, name (visiting unit)
    late_message: str
    missing_message: str
    # Which filings of this kind a 中心组学习 session owes, and where their lines are
    owed: Callable[[Session, Org], Iterator[Owed]]
    # It counts in the owing unit's 按时报送 figure (通报, 台账, 督查统计)
    in_filing_rate: bool = False


# ---------------------------------------------------------------- which filings are owed


def _filed_key(session: Session) -> DataPath | None:
    """`filed:` is the mapping a missing session-level date belongs in (its key's line)."""
    data = session.document.data
    return ("filed",) if isinstance(data, dict) and "filed" in data else None


def _arrangement_owed(session: Session, org: Org) -> Iterator[Owed]:
    yield Owed(session.arrangement_filed, ("filed", "arrangement"), _filed_key(session))


def _post_copy_owed(session: Session, org: Org) -> Iterator[Owed]:
    yield Owed(session.post_copy_filed, ("filed", "post_copy"), _filed_key(session))


def _audit_record_owed(session: Session, org: Org) -> Iterator[Owed]:
    for audit in session.audits:
        entry = ("audits", audit.index)
        yield Owed(audit.filed, (*entry, "filed"), entry, group=audit.group)


def _visits_owing_reports(session: Session, org: Org) -> dict[str, list]:
    """Visitors from other known units whose role checks out, grouped by their unit."""
    by_unit: dict[str, list] = defaultdict(list)
    for visitor in session.visitors:
        unit = org.units.get(visitor.unit)
        if (
            unit is None
            or unit.id == session.unit
            or not unit.holds_role(visitor.name, visitor.role)
        ):
            continue
        by_unit[visitor.unit].append(visitor)
    return dict(by_unit)


def _visit_report_owed(session: Session, org: Org) -> Iterator[Owed]:
    """One report per visiting unit: the earliest filed of its visitors' counts."""
    for visiting_unit, visitors in _visits_owing_reports(session, org).items():
        filed_dates = [v.report_filed for v in visitors if v.report_filed is not None]
        filed = min(filed_dates) if filed_dates else None
        counted = next((v for v in visitors if v.report_filed == filed), visitors[0])
        yield Owed(
            filed,
            ("visitors", counted.index, "report_filed"),
            ("visitors", visitors[0].index),
            visiting_unit=visiting_unit,
        )


def _rectification_owed(session: Session, org: Org) -> Iterator[Owed]:
    """Only an audit that sets rectify_by owes one, due on that day."""
    for audit in session.audits:
        if audit.rectify_by is None:
            continue
        entry = ("audits", audit.index)  # rules.md: the line of the audit entry
        filed = audit.rectification.filed if audit.rectification else None
        yield Owed(filed, entry, entry, group=audit.group, due=audit.rectify_by)


# ---------------------------------------------------------------- the table


FILING_KINDS: dict[Kind, FilingKind] = {
    kind.key: kind
    for kind in (
        FilingKind(
            key=Kind.ARRANGEMENT,
            label="学习安排报送表（报联系校领导）",
            owner=Owner.UNIT,
            before_session=True,
            deadline="arrangement",
            where="filed.arrangement",
            late_rule="arrangement-late",
            missing_rule="arrangement-missing",
            late_title="安排表报送迟了",
            missing_title="安排表未报送",
            late_message="学习安排报送表 {filed} 才报送，应在学习前 {span}（最晚 {due}）报联系校领导。"
            "以后请提前报送。",
            missing_message="学习安排报送表最晚应在 {due}报联系校领导，至今没有报送记录。"
            "报送后请在 filed 下写 arrangement: 报送日期。",
            owed=_arrangement_owed,
            in_filing_rate=True,
        ),
        FilingKind(
            key=Kind.POST_COPY,
            label="学习安排报送表（会后报党委宣传部）",
            owner=Owner.UNIT,
            before_session=False,
            deadline="post_copy",
            where="filed.post_copy",
            late_rule="post-copy-late",
            missing_rule="post-copy-missing",
            late_title="安排表报宣传部迟了",
            missing_title="安排表未报宣传部",
            late_message="安排表 {filed} 才报党委宣传部，应在学习后 {span}内（最晚 {due}）报送。",
            missing_message="安排表最晚应在 {due}（学习后 {span}内）报党委宣传部，至今没有报送记录。"
            "报送后请在 filed 下写 post_copy: 报送日期。",
            owed=_post_copy_owed,
            in_filing_rate=True,
        ),
        FilingKind(
            key=Kind.AUDIT_RECORD,
            label="列席旁听记录表",
            owner=Owner.GROUP,
            before_session=False,
            deadline="audit_record",
            where="audits[].filed",
            late_rule="audit-record-late",
            missing_rule="audit-record-missing",
            late_title="列席旁听记录表报送迟了",
            missing_title="列席旁听记录表未报送",
            late_message="列席旁听组「{group}」的列席旁听记录表 {filed} 才送交党委宣传部，"
            "应在旁听后 {span}内（最晚 {due}）送交。",
            missing_message="列席旁听组「{group}」的列席旁听记录表最晚应在 {due}送交党委宣传部，"
            "至今没有报送。送交后请填写主要情况（findings）、问题和建议（problems）和报送日期（filed）。",
            owed=_audit_record_owed,
        ),
        FilingKind(
            key=Kind.VISIT_REPORT,
            label="列席情况书面报告",
            owner=Owner.VISITOR,
            before_session=False,
            deadline="visit_report",
            where="visitors[].report_filed",
            late_rule="visit-report-late",
            missing_rule="visit-report-missing",
            late_title="列席情况书面报告迟了",
            missing_title="列席情况书面报告未报送",
            late_message="{name}列席后的书面报告 {filed} 才报党委宣传部，应在列席后 {span}内"
            "（最晚 {due}）报送。",
            missing_message="{name}列席后最晚应在 {due}把列席旁听情况书面报党委宣传部，至今没有报送。"
            "报送后请在该列席人下写 report_filed: 报送日期。",
            owed=_visit_report_owed,
            in_filing_rate=True,
        ),
        FilingKind(
            key=Kind.RECTIFICATION,
            label="整改情况",
            owner=Owner.UNIT,
            before_session=False,
            deadline=None,  # the audit's rectify_by
            where="audits[].rectification.filed",
            late_rule="rectification-late",
            missing_rule="rectification-missing",
            late_title="整改情况报送迟了",
            missing_title="整改情况逾期未报",
            late_message="列席旁听组「{group}」指出的问题，整改情况 {filed} 才书面报党委宣传部，"
            "整改期限是 {due}。以后请在期限内报送。",
            missing_message="列席旁听组「{group}」要求在 {due} 前书面报送整改情况，至今没有报送。"
            "整改后请在该列席旁听记录下写 rectification：整改措施及成效（measures）和报送日期（filed）。",
            owed=_rectification_owed,
        ),
    )
}

# The deadlines org.yaml may set, in the order 规则说明 shows them.
DEADLINE_KEYS: tuple[str, ...] = tuple(
    kind.deadline for kind in FILING_KINDS.values() if kind.deadline is not None
)


# ---------------------------------------------------------------- the quotas


class QuotaRule(StrEnum):
    """The period obligations, by the rule that fires when a period ends unmet."""

    MONTHLY_STUDY = "monthly-study-missing"
    GROUP_AUDIT = "group-audit-missing"
    INVITE = "invite-missing"
    VISIT = "visit-missing"


@dataclass(frozen=True, slots=True)
class QuotaKind:
    """At least once a month (a unit's study) or a semester (the rest)."""

    rule: QuotaRule
    title: str  # the rule's short Chinese name (findings.RULE_TITLES)
    # fields: unit (its name), semester (its name), month (2026年3月), group, leader
    message: str
    counted_as: str | None = None  # the 通报 figure its count is (circular.UnitFigures)


QUOTA_KINDS: dict[QuotaRule, QuotaKind] = {
    kind.rule: kind
    for kind in (
        QuotaKind(
            QuotaRule.MONTHLY_STUDY,
            "当月未开展中心组学习",
            "{unit} {month}没有开展中心组学习（党政联席会等其他会议不计入）。"
            "方案要求每月学习；如已学习，请补交当次记录。",
        ),
        QuotaKind(
            QuotaRule.GROUP_AUDIT,
            "本学期未列席旁听",
            "{semester}，列席旁听组「{group}」（组长{leader}）没有列席旁听{unit}的中心组学习。"
            "方案要求每组每学期对所联系单位至少列席旁听 1 次。",
            counted_as="audits_received",
        ),
        QuotaKind(
            QuotaRule.INVITE,
            "本学期未邀请其他单位列席",
            "{semester}，{unit}没有邀请其他基层党委（党总支）的书记或副书记列席本单位中心组学习。"
            "方案要求每学期至少邀请 1 次。",
            counted_as="invited",
        ),
        QuotaKind(
            QuotaRule.VISIT,
            "本学期未列席其他单位",
            "{semester}，{unit}的书记、副书记没有列席其他基层党委（党总支）的中心组学习。"
            "方案要求每学期至少列席 1 次。",
            counted_as="visits_made",
        ),
    )
}


# ---------------------------------------------------------------- where the dates sit

Keyed = Iterator[tuple[tuple, int, dict[str, Any]]]


def keyed(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], tuple]) -> Keyed:
    """(identity, index, item): identity is the key plus its occurrence, so that
    inserting or reordering entries does not read as a change."""
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        base = key(item)
        seen[base] = seen.get(base, 0) + 1
        yield (*base, seen[base]), index, item


# How the entries of a list are told apart (with their order of occurrence), and
# how a message names one.
ENTRIES: dict[str, tuple[Callable[[dict[str, Any]], tuple], Callable[[dict[str, Any]], str]]] = {
    "audits": (lambda a: ("audit", a["group"]), lambda a: f"列席旁听组「{a['group']}」的"),
    "visitors": (lambda v: ("visitor", v["unit"], v["name"]), lambda v: f"列席人{v['name']}的"),
}


@dataclass(frozen=True, slots=True)
class FilingPlace:
    """Where one filing's date sits in a session's data (set or not yet); while the
    walk down its kind's `where` is under way, how far it has got."""

    kind: FilingKind
    value: Any  # what the record holds there
    path: DataPath = ()
    identity: tuple = ()  # (kind key, the entries' identities): what it is the filing of
    named: str = ""  # 列席旁听组「g1」的…, for messages
    group: str | None = None


def _walk(at: FilingPlace, steps: list[str]) -> Iterator[FilingPlace]:
    """Every place a filing kind's `where` (`audits[].rectification.filed`: `[]`
    is each entry of a list) leads to in a session's data."""
    if not steps:
        yield at
        return
    step, *rest = steps
    if not isinstance(at.value, dict):
        return
    if not step.endswith("[]"):
        if step in at.value:
            inner = FilingPlace(
                at.kind, at.value[step], (*at.path, step), at.identity, at.named, at.group
            )
            yield from _walk(inner, rest)
        return
    field = step.removesuffix("[]")
    key, name = ENTRIES[field]
    for identity, index, entry in keyed(at.value.get(field) or [], key):
        inner = FilingPlace(
            at.kind,
            entry,
            (*at.path, field, index),
            (*at.identity, *identity),
            at.named + name(entry),
            entry["group"] if field == "audits" else at.group,
        )
        yield from _walk(inner, rest)


def filing_places(data: dict[str, Any]) -> Iterator[FilingPlace]:
    """Every place a filing of a kind of FILING_KINDS has its date in a session's
    data, in the table's order: history protects them, the rules check their dates."""
    for kind in FILING_KINDS.values():
        yield from _walk(FilingPlace(kind, data, identity=(kind.key,)), kind.where.split("."))
