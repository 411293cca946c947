"""The filing kinds: one entry per piece of paperwork the plan asks for.

Rules, history, the site, the exports and the report read this table, so a
new kind of filing is one entry here plus its schema fields (docs/dev.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Owner(StrEnum):
    """Who owes a filing: it counts in that party's figures."""

    UNIT = "unit"  # the session's own unit
    GROUP = "group"  # the audit group (附件2 is the group's)
    VISITOR = "visitor"  # the visiting unit


@dataclass(frozen=True, slots=True)
class FilingKind:
    key: str
    label: str  # the form's name for it, in Chinese
    owner: Owner
    before_session: bool  # due N days before the session (else after it)
    deadline: str | None  # org.yaml `deadlines` key; None: the record states the due date
    where: str  # where its date sits in a session file, for liaisons
    late_rule: str
    missing_rule: str
    # Message templates; fields: filed, due, span (e.g. "2 天"), group, name (visiting unit)
    late_message: str
    missing_message: str
    study_only: bool = True  # only 中心组学习 sessions owe it


FILING_KINDS: dict[str, FilingKind] = {
    kind.key: kind
    for kind in (
        FilingKind(
            key="arrangement",
            label="学习安排报送表（报联系校领导）",
            owner=Owner.UNIT,
            before_session=True,
            deadline="arrangement",
            where="filed.arrangement",
            late_rule="arrangement-late",
            missing_rule="arrangement-missing",
            late_message="学习安排报送表 {filed} 才报送，应在学习前 {span}（最晚 {due}）报联系校领导。"
            "以后请提前报送。",
            missing_message="学习安排报送表最晚应在 {due}报联系校领导，至今没有报送记录。"
            "报送后请在 filed 下写 arrangement: 报送日期。",
        ),
        FilingKind(
            key="post_copy",
            label="学习安排报送表（会后报党委宣传部）",
            owner=Owner.UNIT,
            before_session=False,
            deadline="post_copy",
            where="filed.post_copy",
            late_rule="post-copy-late",
            missing_rule="post-copy-missing",
            late_message="安排表 {filed} 才报党委宣传部，应在学习后 {span}内（最晚 {due}）报送。",
            missing_message="安排表最晚应在 {due}（学习后 {span}内）报党委宣传部，至今没有报送记录。"
            "报送后请在 filed 下写 post_copy: 报送日期。",
        ),
        FilingKind(
            key="audit_record",
            label="列席旁听记录表",
            owner=Owner.GROUP,
            before_session=False,
            deadline="audit_record",
            where="audits[].filed",
            late_rule="audit-record-late",
            missing_rule="audit-record-missing",
            late_message="列席旁听组「{group}」的列席旁听记录表 {filed} 才送交党委宣传部，"
            "应在旁听后 {span}内（最晚 {due}）送交。",
            missing_message="列席旁听组「{group}」的列席旁听记录表最晚应在 {due}送交党委宣传部，"
            "至今没有报送。送交后请填写主要情况（findings）、问题和建议（problems）和报送日期（filed）。",
        ),
        FilingKind(
            key="visit_report",
            label="列席情况书面报告",
            owner=Owner.VISITOR,
            before_session=False,
            deadline="visit_report",
            where="visitors[].report_filed",
            late_rule="visit-report-late",
            missing_rule="visit-report-missing",
            late_message="{name}列席后的书面报告 {filed} 才报党委宣传部，应在列席后 {span}内"
            "（最晚 {due}）报送。",
            missing_message="{name}列席后最晚应在 {due}把列席旁听情况书面报党委宣传部，至今没有报送。"
            "报送后请在该列席人下写 report_filed: 报送日期。",
        ),
        FilingKind(
            key="rectification",
            label="整改情况",
            owner=Owner.UNIT,
            before_session=False,
            deadline=None,  # the audit's rectify_by
            where="audits[].rectification.filed",
            late_rule="rectification-late",
            missing_rule="rectification-missing",
            late_message="列席旁听组「{group}」指出的问题，整改情况 {filed} 才书面报党委宣传部，"
            "整改期限是 {due}。以后请在期限内报送。",
            missing_message="列席旁听组「{group}」要求在 {due} 前书面报送整改情况，至今没有报送。"
            "整改后请在该列席旁听记录下写 rectification：整改措施及成效（measures）和报送日期（filed）。",
        ),
    )
}

# The deadlines org.yaml may set, in the order 规则说明 shows them.
DEADLINE_KEYS: tuple[str, ...] = tuple(
    kind.deadline for kind in FILING_KINDS.values() if kind.deadline is not None
)
