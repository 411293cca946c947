"""`new --plan`: records/plans/<unit>/<year>.yaml, one item for each month of the
year's semesters (exempt months left out); and the month's planned titles, which
`new` (a session) offers so that the titles studied equal the plan's exactly."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.assistant_data import PLAN_SCHEMA_LINE, plan_months
from generator.model import Org, Plan
from generator.new.base import (
    Ask,
    NewError,
    Written,
    findings_for,
    load,
    schema_label,
    shown_path,
    unit_of,
    validated,
)
from generator.new.prompts import ask_date, check_text
from generator.new.yamltext import Lines, scalar
from generator.pipeline import CheckResult

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def plan_label(*path: str) -> str:
    return schema_label("plan", *path)


def _cn_month(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


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
    lines = Lines()
    lines.add(PLAN_SCHEMA_LINE)
    lines.add(
        f"# {unit.name} {year}年度中心组学习计划"
        f"（由 python -m generator new 于 {today} 生成；“#”后面是填写说明，不影响内容）"
    )
    lines.add(
        f"unit: {scalar(unit.id)}", f"{plan_label('unit')}：{unit.name}（编号须与文件夹名一致）"
    )
    lines.add(f"year: {year}", f"{plan_label('year')}（须与文件名一致）")
    if filed is not None:
        lines.add(f"filed: {scalar(filed)}", f"{plan_label('filed')}：报党委宣传部备案，最晚 {due}")
    else:
        lines.add("# filed:", f"{plan_label('filed')}：报党委宣传部备案后填写，最晚 {due}")
    lines.add("items:", f"{plan_label('items')}：每月一项，寒暑假等免除学习的月份不列")
    for month in months:
        titles = topics.get(month, [])
        prefix = "  " if titles else "  # "
        note = "" if titles else "：还没定学习内容，定了以后去掉这几行行首的 # 并填写"
        lines.add(f"{prefix}- month: {month}", f"{plan_label('items', 'month')}{note}")
        lines.add(
            f"{prefix}  topics:",
            f"{plan_label('items', 'topics')}：学习时的题目要与这里一字不差",
        )
        for title in titles or ["学习内容"]:
            lines.add(f"{prefix}    - {scalar(title)}", None)
    return lines.render()


def _month_topics(
    answers: PlanAnswers, months: list[str]
) -> tuple[dict[str, list[str]], list[str]]:
    """The --month-topic flags sorted into the year's months, and the problems with them."""
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
    return topics, problems


def new_plan(
    records_dir: Path,
    answers: PlanAnswers,
    today: dt.date | None = None,
    ask: Ask | None = None,
) -> Written:
    """Write records/plans/<unit>/<year>.yaml; never overwrite."""
    result, org = load(records_dir, today)
    today = result.as_of
    unit = unit_of(org, answers.unit)
    if not 2000 <= answers.year <= 2999:
        raise NewError(f"--year 写的是「{answers.year}」，请写计划年度，如 {today.year}。")
    path = result.records.root / "plans" / unit.id / f"{answers.year}.yaml"
    shown = shown_path(result, path)
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
    topics, problems = _month_topics(answers, months)
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
        answers.filed = ask_date(ask, "年度学习计划报党委宣传部备案的日期", "无", "报送日期")
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
    validated(text, "plan")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewError(f"{shown} 已经存在，没有覆盖。") from None
    return Written(path, shown, findings_for(records_dir, today, shown), True)
