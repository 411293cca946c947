"""The one finding type every stage reports problems with."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from generator.kinds import FILING_KINDS


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
        "file-encoding",
        "file-too-large",
        "yaml-syntax",
        "yaml-duplicate-key",
        "yaml-alias",
        "schema",
        "file-name",
        "org-conflict",
        "unknown-unit",
        "unknown-group",
        "group-not-linked",
        "self-visit",
        "visitor-not-leader",
        "present-exceeds-members",
        "duplicate-seq",
        "filed-before-session",
        "filed-in-future",
        "calendar-uncovered",
        "rectify-by-before-session",
        "file-not-regular",
        "amendment-invalid",
        "duplicate-entry",
        "plan-month-invalid",
        # history (git) rules
        "record-deleted",
        "filed-record-changed",
    )
} | {
    rule: Severity.WARNING
    for rule in (
        # late and missing filings: one pair per kind of kinds.FILING_KINDS
        *(rule for kind in FILING_KINDS.values() for rule in (kind.late_rule, kind.missing_rule)),
        "attendance-low",
        "attendance-missing",
        "first-topic-missing",
        "not-study-session",
        "monthly-study-missing",
        "group-audit-missing",
        "invite-missing",
        "visit-missing",
        "plan-missing",
        "plan-late",
        "plan-topic-unstudied",
        "filing-backdated",
    )
}

# Short Chinese names of the rules, for report titles and the site.
RULE_TITLES: dict[str, str] = {
    "file-encoding": "文件编码不是 UTF-8",
    "file-too-large": "文件过大",
    "yaml-syntax": "YAML 格式错误",
    "yaml-duplicate-key": "字段重复",
    "yaml-alias": "使用了锚点或别名",
    "schema": "字段内容不符合要求",
    "file-name": "文件名或目录与内容不符",
    "org-conflict": "组织信息自相矛盾",
    "unknown-unit": "单位不存在",
    "unknown-group": "列席旁听组不存在",
    "group-not-linked": "列席旁听组不联系该单位",
    "self-visit": "本单位列席本单位",
    "visitor-not-leader": "列席人不是该单位书记或副书记",
    "present-exceeds-members": "实到人数多于中心组人数",
    "duplicate-seq": "年度学习次序重复",
    "filed-before-session": "报送日期早于学习日期",
    "filed-in-future": "报送日期晚于今天",
    "calendar-uncovered": "节假日日历未覆盖该年份",
    "rectify-by-before-session": "整改期限不晚于学习日期",
    "file-not-regular": "不是普通文件（符号链接等）",
    "amendment-invalid": "更正记录的日期或原因不对",
    "duplicate-entry": "同一记录重复填写",
    "plan-month-invalid": "学习计划的月份不对",
    "record-deleted": "已报送的记录被删除",
    "filed-record-changed": "已报送内容被修改",
    **{
        rule: title
        for kind in FILING_KINDS.values()
        for rule, title in (
            (kind.late_rule, kind.late_title),
            (kind.missing_rule, kind.missing_title),
        )
    },
    "attendance-low": "参加率不足",
    "attendance-missing": "未填实到人数",
    "first-topic-missing": "未落实“第一议题”",
    "not-study-session": "以其他会议代替中心组学习",
    "monthly-study-missing": "当月未开展中心组学习",
    "group-audit-missing": "本学期未列席旁听",
    "invite-missing": "本学期未邀请其他单位列席",
    "visit-missing": "本学期未列席其他单位",
    "plan-missing": "年度学习计划未报送",
    "plan-late": "年度学习计划报送迟了",
    "plan-topic-unstudied": "年度学习计划的内容未按期学习",
    "filing-backdated": "报送日期早于提交日期",
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
