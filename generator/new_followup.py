"""`new --plan` and `new --rectify`: the follow-up records of version 2.

- `new --plan --unit U --year Y` writes records/plans/U/Y.yaml: one item for each
  month of the year's semesters (exempt months left out), with the topics the
  liaison gives; a month without topics yet is written as a comment to fill in.
- `new --rectify --unit U --date D` adds the rectification (整改措施及成效 and the
  date it was reported) to the audit of that session that asked for one
  (`rectify_by`), inserting lines only: every existing byte stays.
- `planned_topics` gives `new` (a session) the month's planned titles, so that the
  titles studied equal the plan's exactly.

As in `generator.new`: text with a Chinese comment on every field, validated with
the one loader and the schema before anything is written; no argv, no stdout.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import schemas
from generator.model import Org, Plan
from generator.new import (
    Ask,
    NewError,
    Written,
    _check_filed,
    _findings_for,
    _Lines,
    _read_session,
    _reparse_same,
    _session_file,
    _shown,
    _unit,
    _write_in_place,
    check_date,
    check_text,
    extend_item,
    load,
    parse_date,
    scalar,
)
from generator.pipeline import CheckResult
from generator.yamlio import Document, parse

PLAN_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/plan.schema.json"
MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _schema_label(schema: str, *path: str) -> str:
    """A field's Chinese title in a schema: comments and schema never disagree."""
    root = schemas.load_schema(schema)
    node: dict[str, Any] = root
    for step in path:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if "items" in node:
            node = node["items"]
        node = node["properties"][step]
    return node["title"]


def _plan_label(*path: str) -> str:
    return _schema_label("plan", *path)


def _audit_label(*path: str) -> str:
    return _schema_label("session", "audits", *path)


def _cn_month(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


# ---------------------------------------------------------------- the plan's months and topics


def plan_months(org: Org, year: int) -> list[str]:
    """The months (YYYY-MM) of `year` that overlap a semester and are not exempt:
    the months a unit must study in, so the months its plan covers."""
    months: set[str] = set()
    for semester in org.semesters:
        months.update(
            m
            for m in semester.months()
            if m[:4] == f"{year:04d}" and m not in semester.exempt_months
        )
    return sorted(months)


def plan_of(result: CheckResult, unit_id: str, year: int) -> Plan | None:
    """The unit's valid plan for the year (the first file, as the checker counts it)."""
    return next((p for p in result.records.plans if p.unit == unit_id and p.year == year), None)


def planned_topics(result: CheckResult, unit_id: str, day: dt.date) -> tuple[str, ...]:
    """The titles the unit's plan lists for the month of `day`, as written (stripped)."""
    plan = plan_of(result, unit_id, day.year)
    if plan is None:
        return ()
    month = day.strftime("%Y-%m")
    titles: list[str] = []
    for item in plan.items:
        if item.month == month:
            titles.extend(t.strip() for t in item.topics if t.strip() not in titles)
    return tuple(titles)


# ---------------------------------------------------------------- new --plan


@dataclass(slots=True)
class PlanAnswers:
    unit: str
    year: int
    topics: list[str] = field(default_factory=list)  # "YYYY-MM=题目", repeatable
    filed: dt.date | None = None


def _split_month_topic(value: str) -> tuple[str, str] | None:
    month, sep, title = value.partition("=")
    month = month.strip()
    if not sep or not MONTH.fullmatch(month) or not title.strip():
        return None
    return month, title.strip()


def plan_text(
    org: Org,
    unit_id: str,
    year: int,
    months: list[str],
    topics: dict[str, list[str]],
    filed: dt.date | None,
    today: dt.date,
) -> str:
    """The plan file, as text: every field with its label from the plan schema."""
    unit = org.units[unit_id]
    due = org.plan_due_date(year)
    lines = _Lines()
    lines.add(PLAN_SCHEMA_LINE)
    lines.add(
        f"# {unit.name} {year}年度中心组学习计划"
        f"（由 python -m generator new 于 {today} 生成；“#”后面是填写说明，不影响内容）"
    )
    lines.add(
        f"unit: {scalar(unit.id)}", f"{_plan_label('unit')}：{unit.name}（编号须与文件夹名一致）"
    )
    lines.add(f"year: {year}", f"{_plan_label('year')}（须与文件名一致）")
    if filed is not None:
        lines.add(
            f"filed: {scalar(filed)}", f"{_plan_label('filed')}：报党委宣传部备案，最晚 {due}"
        )
    else:
        lines.add("# filed:", f"{_plan_label('filed')}：报党委宣传部备案后填写，最晚 {due}")
    lines.add("items:", f"{_plan_label('items')}：每月一项，寒暑假等免除学习的月份不列")
    for month in months:
        titles = topics.get(month, [])
        prefix = "  " if titles else "  # "
        note = "" if titles else "：还没定学习内容，定了以后去掉这几行行首的 # 并填写"
        lines.add(f"{prefix}- month: {month}", f"{_plan_label('items', 'month')}{note}")
        lines.add(
            f"{prefix}  topics:",
            f"{_plan_label('items', 'topics')}：学习时的题目要与这里一字不差",
        )
        for title in titles or ["学习内容"]:
            lines.add(f"{prefix}    - {scalar(title)}", None)
    return lines.render()


def _validated_plan(text: str) -> Document:
    document = parse(text.encode("utf-8"))
    problems = [p.message for p in document.problems]
    if not problems:
        problems = [p.message for p in schemas.validate("plan", document)]
    if problems:
        raise NewError(
            "要写入的内容没有通过格式检查，已取消，没有写入任何文件：\n  "
            + "\n  ".join(problems)
            + "\n请检查输入的内容。"
        )
    return document


def new_plan(
    records_dir: Path,
    answers: PlanAnswers,
    today: dt.date | None = None,
    ask: Ask | None = None,
) -> Written:
    """Write records/plans/<unit>/<year>.yaml; never overwrite."""
    result, org = load(records_dir, today)
    today = result.as_of
    unit = _unit(org, answers.unit)
    if not 2000 <= answers.year <= 2999:
        raise NewError(f"--year 写的是「{answers.year}」，请写计划年度，如 {today.year}。")
    path = result.records.root / "plans" / unit.id / f"{answers.year}.yaml"
    shown = _shown(result, path)
    if path.exists():
        raise NewError(
            f"{shown} 已经存在，没有覆盖。请直接编辑它；已报送的计划只能追加内容，并在 amendments 里写明原因。"
        )
    months = plan_months(org, answers.year)
    if not months:
        raise NewError(
            f"org.yaml 里 {answers.year} 年没有学期（或各月都免除学习），无法按月列出计划。"
            "请核对 --year，或请党委宣传部先在 org.yaml 登记该年的学期。"
        )
    topics: dict[str, list[str]] = {m: [] for m in months}
    problems: list[str] = []
    for value in answers.topics:
        pair = _split_month_topic(value)
        if pair is None:
            problems.append(
                f"--month-topic「{value}」：请写成 月份=学习内容，如 {months[0]}=学习……"
            )
        elif pair[0] not in topics:
            problems.append(
                f"--month-topic「{value}」：{pair[0]} 不是 {answers.year} 年要学习的月份"
                f"（{'、'.join(months)}）。"
            )
        else:
            topics[pair[0]].append(pair[1])
    if ask is not None and not answers.topics:
        for month in months:
            while True:
                value = ask(
                    f"{_cn_month(month)}计划学习内容（每次输入一项，直接回车进入下个月）",
                    "",
                    check_text("学习内容", False),
                )
                if not value.strip():
                    break
                topics[month].append(value.strip())
    if answers.filed is None and ask is not None:
        value = ask(
            "年度学习计划报党委宣传部备案的日期（还没报就输入“无”）",
            "无",
            check_date("报送日期", allow_not_yet=True),
        )
        answers.filed = parse_date(value)
    if answers.filed is not None and answers.filed > today:
        problems.append(
            f"报送日期 {answers.filed} 晚于今天（{today}）：请写实际报送的日期，还没报送就不写。"
        )
    if not any(topics.values()):
        problems.append(
            "至少要写一个月的学习内容："
            + (
                f"用 --month-topic {months[0]}=学习内容（可写多次）。"
                if ask is None
                else "请在询问时输入。"
            )
        )
    if problems:
        raise NewError("没有写入文件：\n  " + "\n  ".join(problems))
    text = plan_text(org, unit.id, answers.year, months, topics, answers.filed, today)
    _validated_plan(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewError(f"{shown} 已经存在，没有覆盖。") from None
    return Written(path, shown, _findings_for(records_dir, today, shown), True)


# ---------------------------------------------------------------- new --rectify


@dataclass(slots=True)
class RectifyAnswers:
    unit: str
    date: str  # the session file's name without .yaml: 2026-10-12 or 2026-10-12-2
    group: str | None = None
    measures: str | None = None
    filed: dt.date | None = None
    not_filed: bool = False


def add_rectification(
    records_dir: Path,
    answers: RectifyAnswers,
    today: dt.date | None = None,
    ask: Ask | None = None,
) -> Written:
    """The rectification (整改情况) added to the audit that asked for one, or its
    reporting date added to measures already written. A reported rectification is
    left alone: corrections are edits with an amendment."""
    result, org = load(records_dir, today)
    path, session = _session_file(result, org, answers.unit, answers.date)
    today = result.as_of
    shown = _shown(result, path)
    asked = [a for a in session.audits if a.rectify_by is not None]
    if answers.group is not None:
        asked = [a for a in asked if a.group == answers.group]
    if not asked:
        which = f"列席旁听组「{answers.group}」" if answers.group else "列席旁听组"
        raise NewError(
            f"{shown} 里{which}没有要求整改（没有写整改期限 rectify_by），不需要报送整改情况。"
            "如果旁听组要求整改，请先由旁听组联络员在该列席旁听记录下写 rectify_by: 整改期限。"
        )
    if len(asked) > 1:
        groups = "、".join(a.group for a in asked)
        raise NewError(f"{shown} 里有几个旁听组要求整改（{groups}），请用 --group 指定是哪一个。")
    audit = asked[0]
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
            value = ask(
                "整改情况书面报党委宣传部的日期（还没报就输入“无”）",
                today.isoformat(),
                check_date("报送日期", allow_not_yet=True),
            )
            answers.filed = parse_date(value)
    problems = _check_filed("整改情况报送日期", answers.filed, session, today)
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

    raw, text, document = _read_session(path)
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    entry = dict(data["audits"][audit.index])
    rectification = dict(entry.get("rectification") or {})
    filed_comment = f"{_audit_label('rectification', 'filed')}：整改期限 {audit.rectify_by}"
    if have is None:
        lines = _Lines([("rectification:", _audit_label("rectification"))])
        lines.add(
            f"  measures: {scalar(answers.measures)}", _audit_label("rectification", "measures")
        )
        if answers.filed is not None:
            lines.add(f"  filed: {scalar(answers.filed)}", filed_comment)
        else:
            lines.add("  # filed:", f"{filed_comment}，书面报党委宣传部后填写")
        new_text = extend_item(text, document, ("audits", audit.index), lines)
    else:
        lines = _Lines()
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
    _reparse_same(new_text, expected)
    _write_in_place(path, raw, new_text)
    return Written(path, shown, _findings_for(records_dir, today, shown), False)
