"""Render findings as text (Chinese), JSON (the spec's object) or GitHub annotations."""

from __future__ import annotations

import json
from itertools import groupby

from generator.escape import github_data, github_property, markdown_cell
from generator.findings import RULE_TITLES, Finding, Severity
from generator.pipeline import CheckResult


def as_json(result: CheckResult) -> str:
    payload = {
        "as_of": result.as_of.isoformat(),
        "sessions": result.records.session_files,
        "findings": [f.as_json() for f in result.findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _summary_line(result: CheckResult) -> str:
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    warnings = len(result.findings) - errors
    head = f"截至 {result.as_of}，共检查 {result.records.session_files} 个学习记录文件"
    if not result.findings:
        return f"{head}，没有发现问题。"
    return f"{head}，发现 {errors} 个错误、{warnings} 个警告。"


def _scope(finding: Finding) -> str:
    parts = [finding.unit, finding.group, finding.semester, finding.month]
    return " · ".join(p for p in parts if p)


def as_text(result: CheckResult) -> str:
    lines: list[str] = []
    for file, items in groupby(result.findings, key=lambda f: f.file):
        lines.append(file if file is not None else "按单位、学期统计（不属于某个文件）")
        for finding in items:
            where = (
                f"第 {finding.line} 行" if finding.line else "整个文件" if file else _scope(finding)
            )
            lines.append(
                f"  {where}  [{finding.severity.chinese}] {RULE_TITLES[finding.rule]}（{finding.rule}）"
            )
            lines.append(f"      {finding.message}")
        lines.append("")
    lines.append(_summary_line(result))
    if any(f.severity is Severity.ERROR for f in result.findings):
        lines.append("有“错误”的记录不能合并：请按上面的说明逐条修改后重新提交。")
    return "\n".join(lines)


def as_github(result: CheckResult) -> str:
    """Workflow commands: one annotation per finding; record text cannot forge a command."""
    lines: list[str] = []
    for finding in result.findings:
        command = "error" if finding.severity is Severity.ERROR else "warning"
        props = []
        if finding.file:
            props.append(f"file={github_property(finding.file)}")
            if finding.line:
                props.append(f"line={finding.line}")
        title = f"{RULE_TITLES[finding.rule]} ({finding.rule})"
        if not finding.file and _scope(finding):
            title = f"{title} {_scope(finding)}"
        props.append(f"title={github_property(title)}")
        lines.append(f"::{command} {','.join(props)}::{github_data(finding.message)}")
    lines.append(_summary_line(result))
    return "\n".join(lines)


def step_summary(result: CheckResult) -> str:
    """Markdown table of every finding, for $GITHUB_STEP_SUMMARY."""
    lines = [
        "## 中心组学习记录检查结果",
        "",
        markdown_cell(_summary_line(result)),
        "",
    ]
    if result.findings:
        lines += ["| 级别 | 规则 | 文件 | 行 | 单位 | 说明 |", "|---|---|---|---|---|---|"]
        for f in result.findings:
            cells = [
                f.severity.chinese,
                f"{RULE_TITLES[f.rule]}（{f.rule}）",
                f.file or "—",
                str(f.line or "—"),
                _scope(f) or "—",
                f.message,
            ]
            lines.append("| " + " | ".join(markdown_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
