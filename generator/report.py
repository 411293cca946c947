"""Render findings as text (Chinese), JSON (the spec's object) or GitHub annotations.

Both `check` and `history` results are rendered here, directly. Record text
reaches a terminal or a workflow log only through `escape.visible` (no control
character, ANSI escape or bidirectional mark passes raw), and JSON output is
always valid UTF-8, even for a file whose name is not (`escape.utf8`).
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import TYPE_CHECKING, TypeAlias

from generator.escape import github_data, github_property, markdown_cell, utf8_data, visible
from generator.findings import RULE_TITLES, Finding, Severity
from generator.pipeline import CheckResult

if TYPE_CHECKING:  # history (and Git) is imported only by the commands that use it
    from generator.history import HistoryResult

    Result: TypeAlias = CheckResult | HistoryResult


def _history(result: Result) -> HistoryResult | None:
    return None if isinstance(result, CheckResult) else result


def _files(result: Result) -> int:
    found = _history(result)
    return found.session_files if found else result.records.session_files  # type: ignore[union-attr]


def as_json(result: Result) -> str:
    payload: dict[str, object] = {
        "as_of": result.as_of.isoformat(),
        "sessions": _files(result),
        "findings": [f.as_json() for f in result.findings],
    }
    if found := _history(result):
        payload["base"] = found.base
    return json.dumps(utf8_data(payload), ensure_ascii=False, indent=2)


def _summary_line(result: Result) -> str:
    errors = sum(1 for f in result.findings if f.severity is Severity.ERROR)
    warnings = len(result.findings) - errors
    head = f"截至 {result.as_of}，共检查 {_files(result)} 个学习记录文件"
    if not result.findings:
        return f"{head}，没有发现问题。"
    return f"{head}，发现 {errors} 个错误、{warnings} 个警告。"


def _scope(finding: Finding) -> str:
    parts = [finding.unit, finding.group, finding.semester, finding.month]
    return " · ".join(p for p in parts if p)


def as_text(result: Result) -> str:
    lines: list[str] = []
    if found := _history(result):
        lines.append(f"历史检查：与 {found.base[:7]}（{found.ref} 与当前提交的共同祖先）比较。")
    for file, items in groupby(result.findings, key=lambda f: f.file):
        lines.append(file if file is not None else "按单位、学期统计（不属于某个文件）")
        for finding in items:
            where = (
                f"第 {finding.line} 行" if finding.line else "整个文件" if file else _scope(finding)
            )
            # no rule id: the reader is a liaison (ids stay in JSON and annotations)
            lines.append(f"  {where}  [{finding.severity.chinese}] {RULE_TITLES[finding.rule]}")
            lines.append(f"      {finding.message}")
        lines.append("")
    lines.append(_summary_line(result))
    if any(f.severity is Severity.ERROR for f in result.findings):
        lines.append("有“错误”的记录不能合并：请按上面的说明逐条修改后重新提交。")
    return "\n".join(visible(line) for line in lines)


def as_github(result: Result) -> str:
    """Workflow commands: one annotation per finding; record text cannot forge a
    command nor put a raw control character into the log."""
    lines: list[str] = []
    for finding in result.findings:
        command = "error" if finding.severity is Severity.ERROR else "warning"
        props = []
        if finding.file:
            props.append(f"file={github_property(visible(finding.file))}")
            if finding.line:
                props.append(f"line={finding.line}")
        title = f"{RULE_TITLES[finding.rule]} ({finding.rule})"
        if not finding.file and _scope(finding):
            title = f"{title} {_scope(finding)}"
        props.append(f"title={github_property(visible(title))}")
        lines.append(f"::{command} {','.join(props)}::{github_data(visible(finding.message))}")
    lines.append(visible(_summary_line(result)))
    return "\n".join(lines)


def step_summary(result: Result) -> str:
    """Markdown table of every finding, for $GITHUB_STEP_SUMMARY."""
    title = "## 中心组学习记录检查结果"
    if found := _history(result):
        title = f"## 历史检查：已报送的内容只能追加（基准 {found.base[:7]}）"
    lines = [title, "", markdown_cell(_summary_line(result)), ""]
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
            lines.append("| " + " | ".join(markdown_cell(visible(c)) for c in cells) + " |")
    return "\n".join(lines) + "\n"
