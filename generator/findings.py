"""The one finding type every stage reports problems with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from generator.kinds import FILING_KINDS, QUOTA_KINDS
from generator.ruleids import Rule


class Severity(IntEnum):
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def chinese(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


# rule id -> severity; ids are fixed by ../shared/spec/rules.md and never change meaning.
RULES: dict[str, Severity] = {
    rule: Severity.ERROR
    for rule in (
        Rule.FILE_ENCODING,
        Rule.FILE_TOO_LARGE,
        Rule.YAML_SYNTAX,
        Rule.YAML_DUPLICATE_KEY,
        Rule.YAML_ALIAS,
        Rule.SCHEMA,
        Rule.FILE_NAME,
        Rule.ORG_CONFLICT,
        Rule.UNKNOWN_UNIT,
        Rule.UNKNOWN_GROUP,
        Rule.GROUP_NOT_LINKED,
        Rule.SELF_VISIT,
        Rule.VISITOR_NOT_LEADER,
        Rule.PRESENT_EXCEEDS_MEMBERS,
        Rule.DUPLICATE_SEQ,
        Rule.FILED_BEFORE_SESSION,
        Rule.FILED_IN_FUTURE,
        Rule.CALENDAR_UNCOVERED,
        Rule.RECTIFY_BY_BEFORE_SESSION,
        Rule.FILE_NOT_REGULAR,
        Rule.AMENDMENT_INVALID,
        Rule.DUPLICATE_ENTRY,
        Rule.PLAN_MONTH_INVALID,
        # history (git) rules
        Rule.RECORD_DELETED,
        Rule.FILED_RECORD_CHANGED,
    )
} | {
    rule: Severity.WARNING
    for rule in (
        # late and missing filings: one pair per kind of kinds.FILING_KINDS
        *(rule for kind in FILING_KINDS.values() for rule in (kind.late_rule, kind.missing_rule)),
        Rule.ATTENDANCE_LOW,
        Rule.ATTENDANCE_MISSING,
        Rule.FIRST_TOPIC_MISSING,
        Rule.NOT_STUDY_SESSION,
        *QUOTA_KINDS,  # the quotas: one entry each in kinds.QUOTA_KINDS
        Rule.PLAN_MISSING,
        Rule.PLAN_LATE,
        Rule.PLAN_TOPIC_UNSTUDIED,
        Rule.FILING_BACKDATED,
    )
}

# Short Chinese names of the rules, for report titles and the site.
RULE_TITLES: dict[str, str] = {
    Rule.FILE_ENCODING: "文件编码不是 UTF-8",
    Rule.FILE_TOO_LARGE: "文件过大",
    Rule.YAML_SYNTAX: "YAML 格式错误",
    Rule.YAML_DUPLICATE_KEY: "字段重复",
    Rule.YAML_ALIAS: "使用了锚点或别名",
    Rule.SCHEMA: "字段内容不符合要求",
    Rule.FILE_NAME: "文件名或目录与内容不符",
    Rule.ORG_CONFLICT: "组织信息自相矛盾",
    Rule.UNKNOWN_UNIT: "单位不存在",
    Rule.UNKNOWN_GROUP: "列席旁听组不存在",
    Rule.GROUP_NOT_LINKED: "列席旁听组不联系该单位",
    Rule.SELF_VISIT: "本单位列席本单位",
    Rule.VISITOR_NOT_LEADER: "列席人不是该单位书记或副书记",
    Rule.PRESENT_EXCEEDS_MEMBERS: "实到人数多于中心组人数",
    Rule.DUPLICATE_SEQ: "年度学习次序重复",
    Rule.FILED_BEFORE_SESSION: "报送日期早于学习日期",
    Rule.FILED_IN_FUTURE: "报送日期晚于今天",
    Rule.CALENDAR_UNCOVERED: "节假日日历未覆盖该年份",
    Rule.RECTIFY_BY_BEFORE_SESSION: "整改期限不晚于学习日期",
    Rule.FILE_NOT_REGULAR: "不是普通文件（符号链接等）",
    Rule.AMENDMENT_INVALID: "更正记录的日期或原因不对",
    Rule.DUPLICATE_ENTRY: "同一记录重复填写",
    Rule.PLAN_MONTH_INVALID: "学习计划的月份不对",
    Rule.RECORD_DELETED: "已报送的记录被删除",
    Rule.FILED_RECORD_CHANGED: "已报送内容被修改",
    **{
        rule: title
        for kind in FILING_KINDS.values()
        for rule, title in (
            (kind.late_rule, kind.late_title),
            (kind.missing_rule, kind.missing_title),
        )
    },
    Rule.ATTENDANCE_LOW: "参加率不足",
    Rule.ATTENDANCE_MISSING: "未填实到人数",
    Rule.FIRST_TOPIC_MISSING: "未落实“第一议题”",
    Rule.NOT_STUDY_SESSION: "以其他会议代替中心组学习",
    **{rule: kind.title for rule, kind in QUOTA_KINDS.items()},
    Rule.PLAN_MISSING: "年度学习计划未报送",
    Rule.PLAN_LATE: "年度学习计划报送迟了",
    Rule.PLAN_TOPIC_UNSTUDIED: "年度学习计划的内容未按期学习",
    Rule.FILING_BACKDATED: "报送日期早于提交日期",
}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    file: str | None
    line: int | None
    message: str
    unit: str | None = None
    group: str | None = None
    semester: str | None = None
    month: str | None = None
    year: int | None = None  # v2: plan findings only

    @property
    def severity(self) -> Severity:
        return RULES[self.rule]

    def sort_key(self) -> tuple:
        return (
            self.file is None,
            self.file or "",
            self.line or 0,
            -self.severity,
            self.rule,
            self.unit or "",
            self.group or "",
            self.semester or "",
            self.month or "",
            self.year or 0,
            self.message,
        )

    def as_json(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "rule": self.rule,
            "severity": self.severity.label,
            "file": self.file,
            "line": self.line,
            "unit": self.unit,
            "group": self.group,
            "semester": self.semester,
            "month": self.month,
            "message": self.message,
        }
        if self.year is not None:  # v2 plan findings; v1 output keeps its exact shape
            shown["year"] = self.year
        return shown


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(set(findings), key=Finding.sort_key)


def unexpected_failure(rule: str, file: str, error: Exception, unit: str | None = None) -> Finding:
    """A bug met on one file becomes a finding for that file, so the others are still checked."""
    return Finding(
        rule,
        file,
        None,
        f"检查这个文件时程序出现了意外错误（{type(error).__name__}）。其他文件已照常检查；"
        "请把此文件发给党委宣传部的管理员。",
        unit=unit,
    )
