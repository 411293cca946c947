"""Overdue: what is missing right now, as the body of one tracking issue.

The content is exactly the findings of `check` whose rule id ends in
`-missing` for the given day (DECISIONS.md, "Overdue"): a deadline that has
passed with nothing filed, which filing can still put right. Late filings
(`*-late`) are not here: they are done, and cannot be made on time any more.
"""

from __future__ import annotations

import json

from generator.escape import markdown_cell, utf8_data, visible
from generator.findings import RULE_TITLES, Finding
from generator.kinds import FILING_KINDS, QUOTA_KINDS, Kind
from generator.model import Org
from generator.pipeline import CheckResult
from generator.ruleids import Rule

MARKER = "<!-- zxz-overdue-tracker -->"  # finds the tracking issue again; constant text only
TITLE = "逾期未报送清单（每日自动更新）"

# Sections of the issue, in order; a rule id ending in -missing that no section
# names still appears, under 其他, so the issue always matches `check` exactly.
_MISSING = {key: kind.missing_rule for key, kind in FILING_KINDS.items()}
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "逾期未报送的材料",
        (
            *(_MISSING[key] for key in (Kind.ARRANGEMENT, Kind.POST_COPY)),
            *(_MISSING[key] for key in (Kind.AUDIT_RECORD, Kind.VISIT_REPORT)),
            Rule.ATTENDANCE_MISSING,
        ),
    ),
    ("记录缺项", (Rule.FIRST_TOPIC_MISSING,)),
    ("本期未完成的学习和列席", tuple(QUOTA_KINDS)),
    ("整改情况和年度学习计划", (_MISSING[Kind.RECTIFICATION], Rule.PLAN_MISSING)),  # v2
)


def _cell(text: object) -> str:
    """markdown_cell, and more for an issue: GitHub finds `@name` (a mention, which
    notifies) and `#12` (a cross-reference) in the rendered text, entities decoded,
    so a zero-width space follows `@` and `#` to keep them plain text. Control
    characters and undecodable file-name bytes are shown escaped (`visible`)."""
    cell = markdown_cell(visible(str(text)))
    return cell.replace("@", "&#64;&#8203;").replace("&#35;", "&#35;&#8203;")


def is_overdue(finding: Finding) -> bool:
    return finding.rule.endswith("-missing")


def overdue_findings(result: CheckResult) -> list[Finding]:
    """The `*-missing` findings of a check, in the check's order."""
    return [f for f in result.findings if is_overdue(f)]


def as_json(result: CheckResult) -> str:
    findings = overdue_findings(result)
    payload = {
        "as_of": result.as_of.isoformat(),
        "count": len(findings),
        "findings": [f.as_json() for f in findings],
    }
    return json.dumps(utf8_data(payload), ensure_ascii=False, indent=2)


def _unit(org: Org | None, unit_id: str | None) -> str:
    if unit_id is None:
        return "—"
    if org is not None and unit_id in org.units:
        return f"{org.units[unit_id].name}（{unit_id}）"
    return unit_id


def _liaison(org: Org | None, unit_id: str | None) -> str:
    if org is None or unit_id is None or unit_id not in org.group_of_unit:
        return "—"
    group = org.groups[org.group_of_unit[unit_id]]
    return f"{group.liaison.name}（{group.id}）"


def _period(finding: Finding) -> str:
    year = f"{finding.year}年" if finding.year is not None else None  # v2 plan findings
    parts = (
        finding.semester,
        year if finding.month is None else None,
        finding.month,
        finding.group,
    )
    return " · ".join(p for p in parts if p) or "—"


def _row(finding: Finding, org: Org | None) -> str:
    if finding.file is not None:
        where = finding.file + (f" 第 {finding.line} 行" if finding.line else "")
    else:
        where = _period(finding)
    cells = [
        _unit(org, finding.unit),
        where,
        f"{RULE_TITLES[finding.rule]}（{finding.rule}）",
        _liaison(org, finding.unit),
        finding.message,
    ]
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def as_markdown(result: CheckResult, max_chars: int | None = None) -> str:
    """The tracking issue's body. All record text goes through `_cell`, so nothing
    in a record can become a link, a mention, HTML or a table break."""
    org = result.records.org
    findings = overdue_findings(result)
    zone = org.timezone if org else "Asia/Shanghai"
    lines = [MARKER, ""]
    if not findings:
        lines.append(_cell(f"截至 {result.as_of}（{zone}），没有逾期未完成的报送。"))
        return "\n".join(lines) + "\n"
    lines += [
        _cell(f"截至 {result.as_of}（{zone}），共 {len(findings)} 项已过期限仍未完成。")
        + "本清单由“逾期未报提醒”工作流每天自动更新；全部补齐后自动关闭。"
        "请各单位联络员按“说明”补报，并提交合并请求。",
        "",
    ]
    named = {rule for _, rules in SECTIONS for rule in rules}
    sections = [*SECTIONS, ("其他", tuple(sorted({f.rule for f in findings} - named)))]
    header = ["| 单位 | 文件或期间 | 事项 | 联络员（旁听组） | 说明 |", "|---|---|---|---|---|"]
    rows_left = len(findings)
    for title, rules in sections:
        items = [f for f in findings if f.rule in rules]
        if not items:
            continue
        lines += [f"### {title}（{len(items)} 项）", "", *header]
        for finding in items:
            row = _row(finding, org)
            if (
                max_chars is not None
                and sum(len(x) + 1 for x in lines) + len(row) > max_chars - 200
            ):
                lines += [
                    "",
                    f"……另有 {rows_left} 项未列出（超出长度限制），请查看工作流运行记录。",
                ]
                return "\n".join(lines) + "\n"
            lines.append(row)
            rows_left -= 1
        lines.append("")
    return "\n".join(lines)
