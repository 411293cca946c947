"""`new --audit`: an audit record (附件2) added to a session, or what an unfiled one
still lacks; lines are only inserted, every existing byte stays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import schemas
from generator.model import Org, Session
from generator.new.base import (
    Ask,
    NewError,
    Written,
    check_filed,
    label,
    open_session,
    read_session,
)
from generator.new.prompts import ask_date, check_text
from generator.new.yamltext import Lines, extend_item, insert_item, scalar
from generator.yamlio import Document, parse


@dataclass(slots=True)
class AuditAnswers:
    unit: str
    date: str  # the file name without .yaml: 2026-10-12 or 2026-10-12-2
    group: str | None = None
    organization: str | None = None
    content: str | None = None
    method: str | None = None
    effect: str | None = None
    problems: str | None = None
    filed: dt.date | None = None
    not_filed: bool = False


_FINDINGS = (
    ("organization", "--organization"),
    ("content", "--content"),
    ("method", "--method"),
    ("effect", "--effect"),
)


def _audit_hints(session: Session) -> dict[str, str]:
    """What the record already shows, as a hint to the liaison (never filled in for them)."""
    hints: dict[str, str] = {}
    if session.present is not None:
        rate = round(100 * session.present / session.members)
        hints["organization"] = (
            f"本次应到 {session.members} 人、实到 {session.present} 人，参加率 {rate}%"
        )
    first = [t.title for t in session.topics if t.first_topic]
    hints["content"] = f"第一议题：{first[0]}" if first else "记录中没有标第一议题"
    if session.speakers:
        written = sum(1 for s in session.speakers if s.written)
        hints["method"] = f"{len(session.speakers)} 人交流研讨，{written} 人有书面发言材料"
    return hints


def _audit_group(org: Org, session: Session, wanted: str | None) -> str:
    """The group named (or the one linked to the session's unit), if it audits that unit."""
    linked = org.group_of_unit.get(session.unit)
    group_id = wanted or linked
    if group_id not in org.groups:
        known = "、".join(f"{g.id}（组长 {g.leader.name}）" for g in org.groups.values())
        raise NewError(f"没有编号为「{group_id}」的列席旁听组。现有：{known}。")
    if group_id != linked:
        raise NewError(
            f"列席旁听组「{group_id}」不联系{org.units[session.unit].name}，联系它的是「{linked}」。"
            "请核对 --group。"
        )
    return group_id


def _refuse_twice(
    answers: AuditAnswers, have: dict[str, Any], have_findings: dict[str, Any], where: str
) -> None:
    """Nothing already written is overwritten: a finding given twice is refused."""
    given = {
        name: getattr(answers, name)
        for name in (*(n for n, _ in _FINDINGS), "problems")
        if getattr(answers, name) is not None
    }
    twice = [n for n in given if n in have_findings or (n == "problems" and "problems" in have)]
    if twice:
        names = "、".join(
            label("audits", "findings", n) if n != "problems" else "问题和建议" for n in twice
        )
        raise NewError(f"{where}的{names}已经填写，没有覆盖。需要修改请直接编辑该文件。")


def _ask_audit(
    answers: AuditAnswers,
    session: Session,
    have: dict[str, Any],
    have_findings: dict[str, Any],
    ask: Ask,
    today: dt.date,
) -> None:
    """Ask for each finding not yet written, the problems and the filing date."""
    hints = _audit_hints(session)
    findings = schemas.load_schema("session")["properties"]["audits"]["items"]["properties"][
        "findings"
    ]["properties"]
    for number, (name, _) in enumerate(_FINDINGS, 1):
        if getattr(answers, name) is None and name not in have_findings:
            hint = f"；{hints[name]}" if name in hints else ""
            title = label("audits", "findings", name)
            value = ask(
                f"{number}.{title}（{findings[name]['description'].rstrip('。')}{hint}）",
                "",
                check_text(title, False),
            )
            setattr(answers, name, value.strip() or None)
    if answers.problems is None and "problems" not in have:
        value = ask("问题和建议", "", check_text("问题和建议", False))
        answers.problems = value.strip() or None
    if answers.filed is None and not answers.not_filed:
        answers.filed = ask_date(
            ask, "记录表送交党委宣传部的日期", today.isoformat(), "送交日期", "还没送交"
        )


def _audit_problems(
    answers: AuditAnswers,
    add_findings: dict[str, str],
    have: dict[str, Any],
    have_findings: dict[str, Any],
    session: Session,
    today: dt.date,
) -> list[str]:
    problems = check_filed("记录表报送日期", answers.filed, session, today)
    if answers.filed is not None:
        missing = [
            flag
            for name, flag in _FINDINGS
            if name not in add_findings and name not in have_findings
        ]
        if not answers.problems and "problems" not in have:
            missing.append("--problems")
        if missing:
            problems.append(
                "记录表已报送（--filed）时，附件2 的四项主要情况和问题和建议都要填写，还缺："
                + "、".join(missing)
            )
    for name, flag in (*_FINDINGS, ("problems", "--problems")):
        value = getattr(answers, name)
        if value is not None:
            problem = check_text(flag)(value)
            if problem:
                problems.append(f"{flag}：{problem}")
    return problems


def _audit_lines(
    answers: AuditAnswers, add_findings: dict[str, str], have: dict[str, Any]
) -> Lines:
    """The lines to add, as keys of the audit item (findings' keys indented by two)."""
    lines = Lines()
    if add_findings and "findings" not in have:
        lines.add("findings:", label("audits", "findings"))
    for name, value in add_findings.items():
        lines.add(f"  {name}: {scalar(value)}", label("audits", "findings", name))
    if answers.problems:
        lines.add(f"problems: {scalar(answers.problems)}", label("audits", "problems"))
    if answers.filed:
        lines.add(f"filed: {scalar(answers.filed)}", label("audits", "filed"))
    return lines


def _extend_audit(
    text: str, document: Document, index: int, lines: Lines, added: int, have: dict[str, Any]
) -> str:
    """`lines` added to the existing audit at `index`: the first `added` findings into its
    `findings`, when it has them already, the rest at the end of the item."""
    new_text = text
    if added and "findings" in have:
        sub = Lines([(line[2:], comment) for line, comment in lines.lines[:added]])
        new_text = extend_item(new_text, document, ("audits", index, "findings"), sub)
        lines = Lines(lines.lines[added:])
    if lines.lines:
        current = parse(new_text.encode("utf-8"))
        new_text = extend_item(new_text, current, ("audits", index), lines)
    return new_text


def add_audit(
    records_dir: Path, answers: AuditAnswers, today: dt.date | None = None, ask: Ask | None = None
) -> Written:
    """An audit record (附件2) added to a session; or what an unfiled one still lacks (a
    planned audit's findings, a missing `filed` date) added to it. A filed record is
    left alone: corrections are edits with an amendment."""
    edit = open_session(records_dir, answers.unit, answers.date, today)
    org, path, session, shown, today = edit.org, edit.path, edit.session, edit.shown, edit.today
    group_id = _audit_group(org, session, answers.group)
    raw, text, document = read_session(path)
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    existing = next((a for a in session.audits if a.group == group_id), None)
    have: dict[str, Any] = dict(data["audits"][existing.index]) if existing else {}
    if existing is not None and existing.filed is not None:
        raise NewError(
            f"{shown} 第 {session.line('audits', existing.index)} 行列席旁听组「{group_id}」的记录表"
            f"已于 {existing.filed} 报送。需要更正请直接编辑该文件，并在 amendments 里写明更正原因。"
        )
    have_findings: dict[str, Any] = dict(have.get("findings") or {})
    _refuse_twice(answers, have, have_findings, f"{shown} 里列席旁听组「{group_id}」")
    if ask is not None:
        _ask_audit(answers, session, have, have_findings, ask, today)
    add_findings = {n: getattr(answers, n) for n, _ in _FINDINGS if getattr(answers, n)}
    problems = _audit_problems(answers, add_findings, have, have_findings, session, today)
    if problems:
        raise NewError("没有修改文件：\n  " + "\n  ".join(problems))

    entry: dict[str, Any] = {**have, "group": group_id}
    if add_findings:
        entry["findings"] = {**have_findings, **add_findings}
    if answers.problems:
        entry["problems"] = answers.problems
    if answers.filed:
        entry["filed"] = answers.filed.isoformat()
    expected: dict[str, Any] = dict(data)
    lines = _audit_lines(answers, add_findings, have)
    if existing is not None:
        if not lines.lines:
            raise NewError(f"{shown} 里已有列席旁听组「{group_id}」，这次没有要补充的内容。")
        new_text = _extend_audit(text, document, existing.index, lines, len(add_findings), have)
        audits = list(expected["audits"])
        audits[existing.index] = entry
        expected["audits"] = audits
    else:
        leader = org.groups[group_id].leader.name
        head = (f"- group: {scalar(group_id)}", f"{label('audits', 'group')}：组长 {leader}")
        item = Lines([head, *(("  " + line, comment) for line, comment in lines.lines)])
        new_text = insert_item(text, document, "audits", item, "列席旁听记录")
        expected["audits"] = [*expected.get("audits", []), entry]
    return edit.write(raw, new_text, expected)
