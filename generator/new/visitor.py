"""`new --visitor`: a 书记/副书记 of another unit added to a session's visitors, or their
report date added; lines are only inserted, every existing byte stays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import Org, Session, Unit
from generator.new.base import (
    Ask,
    NewError,
    Written,
    check_filed,
    label,
    open_session,
    read_session,
)
from generator.new.prompts import ask_date
from generator.new.yamltext import Lines, extend_item, insert_item, scalar
from generator.yamlio import Document


@dataclass(slots=True)
class VisitorAnswers:
    unit: str
    date: str
    visitor_unit: str | None = None
    name: str | None = None
    role: str | None = None
    report_filed: dt.date | None = None
    not_filed: bool = False


def _role_of(unit: Unit, name: str) -> str | None:
    if name == unit.secretary:
        return "书记"
    return "副书记" if name in unit.deputy_secretaries else None


def _visitor_unit(org: Org, session: Session, answers: VisitorAnswers, ask: Ask | None) -> Unit:
    """The visiting unit, asked for in a terminal; another unit than the session's."""
    others = [u for u in org.units.values() if u.id != session.unit]
    if answers.visitor_unit is None and ask is not None:
        listing = "、".join(f"{u.id}（{u.name}）" for u in others)
        answers.visitor_unit = ask(
            f"列席人所在单位的编号（{listing}）",
            None,
            lambda v: (
                None if v.strip() in {u.id for u in others} else f"没有编号为「{v}」的其他单位。"
            ),
        ).strip()
    if answers.visitor_unit is None:
        raise NewError(
            "没有在终端里运行，无法逐项询问。还缺少参数：--visitor-unit（列席人所在单位的编号）"
        )
    visitor_unit = org.units.get(answers.visitor_unit)
    if visitor_unit is None:
        known = "、".join(f"{u.id}（{u.name}）" for u in others)
        raise NewError(
            f"没有编号为「{answers.visitor_unit}」的单位。请用 --visitor-unit 写：{known}。"
        )
    if visitor_unit.id == session.unit:
        raise NewError(
            "列席人来自本单位：visitors 只记其他单位来列席的书记或副书记，本单位人员不用写。"
        )
    return visitor_unit


def _visitor_name(visitor_unit: Unit, answers: VisitorAnswers, ask: Ask | None) -> str:
    """The visitor's name, a 书记 or 副书记 of their unit by org.yaml; returns the role."""
    leaders = [visitor_unit.secretary, *visitor_unit.deputy_secretaries]
    deputies = "、".join(visitor_unit.deputy_secretaries)
    if answers.name is None and answers.role is not None:
        candidates = (
            [visitor_unit.secretary]
            if answers.role == "书记"
            else list(visitor_unit.deputy_secretaries)
        )
        if len(candidates) == 1:
            answers.name = candidates[0]
    if answers.name is None and ask is not None:
        answers.name = ask(
            f"列席人姓名（{visitor_unit.name}：书记 {visitor_unit.secretary}，"
            f"副书记 {deputies or '未登记'}）",
            visitor_unit.secretary,
            lambda v: None if v.strip() in leaders else f"「{v}」不是该单位的书记或副书记。",
        ).strip()
    if answers.name is None:
        raise NewError(
            "没有在终端里运行，无法逐项询问。还缺少参数：--name（列席人姓名）"
            f"；{visitor_unit.name}的书记是{visitor_unit.secretary}，副书记是"
            f"{deputies or '（未登记）'}。"
        )
    role = _role_of(visitor_unit, answers.name)
    if role is None or (answers.role is not None and answers.role != role):
        raise NewError(
            f"{answers.name}不是{visitor_unit.name}的{answers.role or '书记或副书记'}。按 org.yaml，"
            f"书记是{visitor_unit.secretary}，副书记是{deputies or '（未登记）'}。"
            "只有书记、副书记列席才计入邀请和列席次数。"
        )
    return role


def _visitor_text(
    text: str, document: Document, answers: VisitorAnswers, visitor_unit: Unit, existing: Any
) -> tuple[str, dict[str, Any]]:
    """The file with the visitor (or their report date) added, and the data it must load as."""
    expected: dict[str, Any] = {k: v for k, v in document.data.items()}  # type: ignore[union-attr]
    filed_comment = (
        f"{label('visitors', 'report_filed')}：{visitor_unit.name}书面报党委宣传部的日期"
    )
    if existing is not None:
        if answers.report_filed is None:
            raise NewError(
                f"已记有{answers.name}列席，这次没有要补充的内容（可用 --report-filed 补报告日期）。"
            )
        lines = Lines([(f"report_filed: {scalar(answers.report_filed)}", filed_comment)])
        visitors = [dict(v) for v in expected["visitors"]]
        visitors[existing.index]["report_filed"] = answers.report_filed.isoformat()
        expected["visitors"] = visitors
        return extend_item(text, document, ("visitors", existing.index), lines), expected
    item = Lines(
        [
            (
                f"- unit: {scalar(visitor_unit.id)}",
                f"{label('visitors', 'unit')}：{visitor_unit.name}",
            ),
            (f"  name: {scalar(answers.name)}", label("visitors", "name")),
            (f"  role: {scalar(answers.role)}", f"{label('visitors', 'role')}：书记 或 副书记"),
        ]
    )
    entry: dict[str, Any] = {"unit": visitor_unit.id, "name": answers.name, "role": answers.role}
    if answers.report_filed is not None:
        item.add(f"  report_filed: {scalar(answers.report_filed)}", filed_comment)
        entry["report_filed"] = answers.report_filed.isoformat()
    else:
        item.add("  # report_filed:", f"{filed_comment}，报送后填写")
    expected["visitors"] = [*expected.get("visitors", []), entry]
    return insert_item(text, document, "visitors", item, "列席人员"), expected


def add_visitor(
    records_dir: Path, answers: VisitorAnswers, today: dt.date | None = None, ask: Ask | None = None
) -> Written:
    """A 书记/副书记 of another unit added to a session's visitors, or their report date added."""
    edit = open_session(records_dir, answers.unit, answers.date, today)
    org, path, session, today = edit.org, edit.path, edit.session, edit.today
    visitor_unit = _visitor_unit(org, session, answers, ask)
    answers.role = _visitor_name(visitor_unit, answers, ask)
    existing = next(
        (v for v in session.visitors if v.unit == visitor_unit.id and v.name == answers.name), None
    )
    if existing is not None and existing.report_filed is not None:
        raise NewError(
            f"{edit.shown} 第 {session.line('visitors', existing.index)} 行已记有{answers.name}列席及其报告日期。"
            "需要更正请直接编辑该文件，并在 amendments 里写明更正原因。"
        )
    if answers.report_filed is None and not answers.not_filed and ask is not None:
        answers.report_filed = ask_date(
            ask,
            f"{visitor_unit.name}把列席情况书面报党委宣传部的日期",
            "无" if existing is None else today.isoformat(),
            "报告日期",
        )
    problems = check_filed("列席情况报告日期", answers.report_filed, session, today)
    if problems:
        raise NewError("没有修改文件：\n  " + "\n  ".join(problems))

    raw, text, document = read_session(path)
    new_text, expected = _visitor_text(text, document, answers, visitor_unit, existing)
    return edit.write(raw, new_text, expected)
