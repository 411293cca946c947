"""`new --rectify`: the rectification (整改情况) added to the audit of a session that
asked for one (`rectify_by`); lines are only inserted, every existing byte stays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.model import Audit, Session
from generator.new.base import (
    Ask,
    NewError,
    Written,
    check_filed,
    open_session,
    read_session,
    schema_label,
)
from generator.new.prompts import ask_date, check_text
from generator.new.yamltext import Lines, extend_item, scalar
from generator.yamlio import Document


def _audit_label(*path: str) -> str:
    return schema_label("session", "audits", *path)


@dataclass(slots=True)
class RectifyAnswers:
    unit: str
    date: str  # the session file's name without .yaml: 2026-10-12 or 2026-10-12-2
    group: str | None = None
    measures: str | None = None
    filed: dt.date | None = None
    not_filed: bool = False


def _asked_audit(session: Session, group: str | None, shown: str) -> Audit:
    """The one audit of the session that asked for a rectification (`rectify_by`)."""
    asked = [a for a in session.audits if a.rectify_by is not None]
    if group is not None:
        asked = [a for a in asked if a.group == group]
    if not asked:
        which = f"列席旁听组「{group}」" if group else "列席旁听组"
        raise NewError(
            f"{shown} 里{which}没有要求整改（没有写整改期限 rectify_by），不需要报送整改情况。"
            "如果旁听组要求整改，请先由旁听组联络员在该列席旁听记录下写 rectify_by: 整改期限。"
        )
    if len(asked) > 1:
        groups = "、".join(a.group for a in asked)
        raise NewError(f"{shown} 里有几个旁听组要求整改（{groups}），请用 --group 指定是哪一个。")
    return asked[0]


def _rectification_text(
    text: str, document: Document, audit: Audit, answers: RectifyAnswers
) -> tuple[str, dict[str, Any]]:
    """The file with the rectification (or what it lacked) added, and the data it must load as."""
    have = audit.rectification
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    entry = dict(data["audits"][audit.index])
    rectification = dict(entry.get("rectification") or {})
    filed_comment = f"{_audit_label('rectification', 'filed')}：整改期限 {audit.rectify_by}"
    if have is None:
        lines = Lines([("rectification:", _audit_label("rectification"))])
        lines.add(
            f"  measures: {scalar(answers.measures)}", _audit_label("rectification", "measures")
        )
        if answers.filed is not None:
            lines.add(f"  filed: {scalar(answers.filed)}", filed_comment)
        else:
            lines.add("  # filed:", f"{filed_comment}，书面报党委宣传部后填写")
        new_text = extend_item(text, document, ("audits", audit.index), lines)
    else:
        lines = Lines()
        if answers.measures is not None:
            lines.add(
                f"measures: {scalar(answers.measures)}", _audit_label("rectification", "measures")
            )
        if answers.filed is not None:
            lines.add(f"filed: {scalar(answers.filed)}", filed_comment)
        new_text = extend_item(text, document, ("audits", audit.index, "rectification"), lines)
    if answers.measures is not None:
        rectification["measures"] = answers.measures
    if answers.filed is not None:
        rectification["filed"] = answers.filed.isoformat()
    entry["rectification"] = rectification
    expected = dict(data)
    audits = list(expected["audits"])
    audits[audit.index] = entry
    expected["audits"] = audits
    return new_text, expected


def add_rectification(
    records_dir: Path,
    answers: RectifyAnswers,
    today: dt.date | None = None,
    ask: Ask | None = None,
) -> Written:
    """The rectification (整改情况) added to the audit that asked for one, or its
    reporting date added to measures already written. A reported rectification is
    left alone: corrections are edits with an amendment."""
    edit = open_session(records_dir, answers.unit, answers.date, today)
    path, session, shown, today = edit.path, edit.session, edit.shown, edit.today
    audit = _asked_audit(session, answers.group, shown)
    have = audit.rectification
    where = session.line("audits", audit.index)
    if have is not None and have.filed is not None:
        raise NewError(
            f"{shown} 第 {where} 行列席旁听组「{audit.group}」要求的整改情况已于 {have.filed} 报送。"
            "需要更正请直接编辑该文件，并在 amendments 里写明更正原因。"
        )
    have_measures = have is not None and have.measures is not None
    if ask is not None:
        if answers.measures is None and not have_measures:
            value = ask(
                f"整改措施及成效（列席旁听组指出：{audit.problems}；整改期限 {audit.rectify_by}）",
                None,
                check_text("整改措施及成效"),
            )
            answers.measures = value.strip()
        if answers.filed is None and not answers.not_filed:
            answers.filed = ask_date(
                ask, "整改情况书面报党委宣传部的日期", today.isoformat(), "报送日期"
            )
    problems = check_filed("整改情况报送日期", answers.filed, session, today)
    if answers.measures is not None:
        problem = check_text("--measures")(answers.measures)
        if problem:
            problems.append(problem)
        elif have_measures:
            problems.append(f"{shown} 里已写有整改措施及成效，没有覆盖。需要修改请直接编辑该文件。")
    if answers.filed is not None and answers.measures is None and not have_measures:
        problems.append("整改情况已报送（--filed）时要写整改措施及成效：请加 --measures。")
    if answers.measures is None and answers.filed is None and not problems:
        problems.append(
            "这次没有要补充的内容：用 --measures 写整改措施及成效，--filed 写报送党委宣传部的日期。"
        )
    if problems:
        raise NewError("没有修改文件：\n  " + "\n  ".join(problems))

    raw, text, document = read_session(path)
    new_text, expected = _rectification_text(text, document, audit, answers)
    return edit.write(raw, new_text, expected)
