"""`new` (a session): a new file records/sessions/<unit>/<date>.yaml, prefilled from
org.yaml and the unit's last session, the rest asked or taken from flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.assistant_data import SESSION_SCHEMA_LINE, next_year_seq
from generator.kinds import FILING_KINDS
from generator.model import Group, Org, Session, Unit
from generator.new.base import (
    Ask,
    Check,
    NewError,
    Written,
    findings_for,
    label,
    load,
    shown_path,
    unit_of,
    validated,
)
from generator.new.plan import planned_topics
from generator.new.prompts import (
    ask_date,
    check_count,
    check_phone,
    check_speaker,
    check_text,
    check_time,
    check_yes_no,
    is_yes,
    normalize,
    split_speaker,
)
from generator.new.yamltext import Lines, quote, scalar
from generator.pipeline import CheckResult
from generator.rules import due_date, span


def _host_title(unit: Unit) -> str:
    return {"党委": "党委书记", "党总支": "党总支书记"}.get(unit.kind, "党支部书记")


@dataclass(slots=True)
class SessionAnswers:
    """What the liaison gives, by flag or in the terminal; None = not given."""

    unit: str
    date: dt.date
    time: str | None = None
    location: str | None = None
    members: int | None = None
    present: int | None = None
    host_name: str | None = None
    host_title: str | None = None
    first_topic: str | None = None
    topics: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # 姓名 职务 发言提纲
    contact_name: str | None = None
    contact_phone: str | None = None
    arranged: dt.date | None = None
    not_arranged: bool = False
    expect_audit: bool | None = None


@dataclass(frozen=True, slots=True)
class SessionDefaults:
    """Everything knowable before the liaison says anything."""

    unit: Unit
    group: Group | None
    year_seq: int
    path: Path
    last: Session | None
    today: dt.date
    planned: tuple[str, ...] = ()  # v2: the month's topics in the unit's annual plan


def free_path(folder: Path, day: dt.date) -> Path:
    """<date>.yaml, or <date>-2.yaml, -3 … when the day already has a session."""
    candidate = folder / f"{day.isoformat()}.yaml"
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{day.isoformat()}-{number}.yaml"
    return candidate


def session_defaults(result: CheckResult, org: Org, unit_id: str, day: dt.date) -> SessionDefaults:
    unit = unit_of(org, unit_id)
    own = [s for s in result.records.sessions if s.unit == unit_id]
    before = [s for s in own if s.date <= day]
    last = (before or own or [None])[-1]
    group_id = org.group_of_unit.get(unit_id)
    return SessionDefaults(
        unit=unit,
        group=org.groups.get(group_id) if group_id else None,
        year_seq=next_year_seq(result.records.sessions, unit_id, day.year),
        path=free_path(result.records.root / "sessions" / unit_id, day),
        last=last,
        today=result.as_of,
        planned=planned_topics(result, unit_id, day),
    )


def _default_values(defaults: SessionDefaults) -> dict[str, str | None]:
    last = defaults.last
    return {
        "time": last.time if last else None,
        "location": last.location if last else None,
        "members": str(last.members) if last else None,
        "host_name": last.host.name if last else defaults.unit.secretary,
        "host_title": last.host.title if last else _host_title(defaults.unit),
        "contact_name": last.contact.name if last else None,
        "contact_phone": last.contact.phone if last else None,
    }


# field, flag, question; the flags without a default are required outside a terminal
_SESSION_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("time", "--time", "学习时间（开始时间，如 14:30）"),
    ("location", "--location", "学习地点"),
    ("members", "--members", "中心组人数"),
    ("host_name", "--host", "主持人姓名"),
    ("host_title", "--host-title", "主持人职务"),
    ("contact_name", "--contact", "联系人"),
    ("contact_phone", "--phone", "联系电话"),
)


def _field_check(name: str) -> Check:
    return {
        "time": check_time,
        "location": check_text("学习地点"),
        "members": check_count("中心组人数", 1),
        "host_name": check_text("主持人姓名"),
        "host_title": check_text("主持人职务"),
        "contact_name": check_text("联系人"),
        "contact_phone": check_phone,
    }[name]


def _fill(
    answers: SessionAnswers,
    fields: Iterable[tuple[str, str, str]],
    ask: Ask | None,
    values: dict[str, str | None],
    offered: dict[str, str | None],
    found: tuple[list[str], list[str]],
) -> None:
    """Each field: checked if given, else asked, else the default, else missing."""
    problems, missing = found
    for name, flag, question in fields:
        given = getattr(answers, name)
        if given is not None:
            problem = _field_check(name)(str(given))
            if problem:
                problems.append(f"{flag}：{problem}")
            continue
        if ask is not None:
            given = ask(question, offered[name], _field_check(name))
        elif values[name] is not None:
            given = values[name]
        else:
            missing.append(f"{flag}（{question}）")
            continue
        setattr(answers, name, int(normalize(given)) if name == "members" else given)


def _present(
    answers: SessionAnswers, defaults: SessionDefaults, ask: Ask | None, problems: list[str]
) -> None:
    held = answers.date <= defaults.today
    if ask is not None and held and answers.present is None:
        members = answers.members or 1
        present = ask(
            "实到人数（已经开过会才填；还不知道就直接回车）",
            "",
            lambda v: None if not v.strip() else check_count("实到人数", 0)(v),
        )
        answers.present = int(normalize(present)) if present.strip() else None
        if answers.present is not None and answers.present > members:
            problems.append(f"实到人数 {answers.present} 多于中心组人数 {members}。")
    elif answers.present is not None and answers.members and answers.present > answers.members:
        problems.append(f"--present：实到人数 {answers.present} 多于中心组人数 {answers.members}。")


def _topics(
    answers: SessionAnswers, defaults: SessionDefaults, ask: Ask | None, missing: list[str]
) -> None:
    planned = defaults.planned
    if planned and ask is None and answers.first_topic is None and not answers.topics:
        # the month's planned titles, as the plan writes them, so that the plan sees them studied
        answers.first_topic, answers.topics = planned[0], list(planned[1:])
    if answers.first_topic is not None or answers.topics:
        return
    if ask is None:
        missing.append("--first-topic（第一议题）或 --topic（学习内容，可写多次）")
        return
    listing = "；".join(f"{n}. {t}" for n, t in enumerate(planned, 1))
    answers.first_topic = ask(
        "第一议题（本次首先学习的文件或讲话，如：学习习近平总书记在……上的重要讲话）"
        if not planned
        else f"第一议题（本月年度学习计划：{listing}；直接回车即按计划填写全部学习内容）",
        planned[0] if planned else None,
        check_text("第一议题"),
    )
    if planned and answers.first_topic == planned[0]:
        answers.topics.extend(planned[1:])
    answers.topics.extend(
        _ask_many(ask, "其他学习内容（每次输入一项，直接回车结束）", check_text("学习内容", False))
    )


def _ask_many(ask: Ask, question: str, check: Check) -> list[str]:
    """Answers to one question, asked again until the liaison presses Enter."""
    given: list[str] = []
    while True:
        value = ask(question, "", check)
        if not value.strip():
            return given
        given.append(value.strip())


def _speakers(answers: SessionAnswers, ask: Ask | None) -> None:
    if ask is not None and not answers.speakers:
        answers.speakers.extend(
            _ask_many(
                ask,
                "交流研讨人员：姓名 职务 发言提纲（用空格、/ 或 、 分开；每次输入一人，直接回车结束）",
                check_speaker,
            )
        )


def _check_speakers(answers: SessionAnswers, problems: list[str]) -> None:
    for speaker in answers.speakers:
        problem = check_speaker(speaker) or (None if speaker.strip() else "不能为空")
        if problem:
            problems.append(f"--speaker「{speaker}」：{problem}")


def _arranged(
    answers: SessionAnswers, defaults: SessionDefaults, ask: Ask | None, problems: list[str]
) -> None:
    if answers.arranged is None and not answers.not_arranged:
        if ask is not None:
            answers.arranged = ask_date(
                ask,
                "学习安排报送表报联络员和联系校领导的日期",
                defaults.today.isoformat(),
                "报送日期",
            )
            answers.not_arranged = answers.arranged is None
        else:
            answers.arranged = defaults.today
    if answers.arranged is not None and answers.arranged > defaults.today:
        problems.append(
            f"安排表报送日期 {answers.arranged} 晚于今天（{defaults.today}）：请写实际报送的日期，还没报送就不写。"
        )


def _expect_audit(answers: SessionAnswers, defaults: SessionDefaults, ask: Ask | None) -> None:
    if answers.expect_audit is not None:
        return
    group = defaults.group
    if ask is not None and group is not None and answers.date > defaults.today:
        value = ask(
            f"联系本单位的列席旁听组 {group.id}（组长 {group.leader.name}）是否已确定来列席旁听？（是/否）",
            "否",
            check_yes_no,
        )
        answers.expect_audit = is_yes(value)
    else:
        answers.expect_audit = False


def complete_session(
    answers: SessionAnswers, defaults: SessionDefaults, ask: Ask | None
) -> SessionAnswers:
    """Fill what was not given: from the defaults, or by asking; without a terminal,
    refuse listing every flag that is still needed."""
    values = _default_values(defaults)
    problems: list[str] = []
    missing: list[str] = []
    # the time of a session is the liaison's to say: the last one's is only offered in a terminal
    offered = dict(values)
    if ask is None:
        values["time"] = None
    # in the order of the form (附件1): time and place, members, host, topics, speakers, contact
    _fill(answers, _SESSION_FIELDS[:5], ask, values, offered, (problems, missing))
    _present(answers, defaults, ask, problems)
    _topics(answers, defaults, ask, missing)
    _speakers(answers, ask)
    _fill(answers, _SESSION_FIELDS[5:], ask, values, offered, (problems, missing))
    _check_speakers(answers, problems)
    _arranged(answers, defaults, ask, problems)
    _expect_audit(answers, defaults, ask)
    if missing:
        raise NewError(
            "没有在终端里运行，无法逐项询问。还缺少这些参数：\n  "
            + "\n  ".join(missing)
            + "\n例如：python -m generator new --unit "
            + f"{answers.unit} --date {answers.date} --time 14:30 --first-topic 学习……"
        )
    if problems:
        raise NewError("参数有误：\n  " + "\n  ".join(problems))
    answers.time = normalize(answers.time or "")
    answers.contact_phone = normalize(answers.contact_phone or "")
    return answers


def session_text(answers: SessionAnswers, defaults: SessionDefaults, org: Org) -> str:
    """The new session file, as text: every field with its label from the schema."""
    unit = defaults.unit
    day = answers.date
    lines = Lines()
    lines.add(SESSION_SCHEMA_LINE)
    lines.add(
        f"# {unit.name} {day.year}年第{defaults.year_seq}次中心组学习"
        f"（由 python -m generator new 于 {defaults.today} 生成；“#”后面是填写说明，不影响内容）"
    )
    lines.add(f"unit: {scalar(unit.id)}", f"{label('unit')}：{unit.name}（编号须与文件夹名一致）")
    lines.add(f"date: {scalar(day)}", f"{label('date')}（须与文件名一致）")
    lines.add(f"time: {quote(answers.time or '')}", f"{label('time')}：开始时间，英文冒号")
    lines.add(f"location: {scalar(answers.location)}", label("location"))
    lines.add(
        f"year_seq: {defaults.year_seq}",
        f"{label('year_seq')}：本单位 {day.year} 年第 {defaults.year_seq} 次中心组学习",
    )
    lines.add("kind: 中心组学习", f"{label('kind')}：党政联席会等其他会议不能代替中心组学习")
    lines.add(f"members: {answers.members}", label("members"))
    if answers.present is not None:
        lines.add(f"present: {answers.present}", f"{label('present')}：不超过中心组人数")
    else:
        lines.add("# present:", f"{label('present')}：学习结束后填写，如 present: 14")
    lines.add("host:", label("host"))
    lines.add(f"  name: {scalar(answers.host_name)}", "姓名")
    lines.add(f"  title: {scalar(answers.host_title)}", "职务")
    lines.add("topics:", f"{label('topics')}：至少一项")
    if answers.first_topic:
        lines.add(f"  - title: {scalar(answers.first_topic)}", label("topics", "title"))
        lines.add("    first_topic: true", f"{label('topics', 'first_topic')}")
    for topic in answers.topics:
        lines.add(f"  - title: {scalar(topic)}", label("topics", "title"))
    _speaker_lines(lines, answers.speakers)
    lines.add("contact:", label("contact"))
    lines.add(f"  name: {scalar(answers.contact_name)}", label("contact", "name"))
    lines.add(
        f"  phone: {quote(answers.contact_phone or '')}",
        f"{label('contact', 'phone')}（加英文引号）",
    )
    _filed_lines(lines, answers.arranged, org, day)
    if answers.expect_audit and defaults.group is not None:
        group = defaults.group
        lines.add("audits:", label("audits"))
        lines.add(
            f"  - group: {scalar(group.id)}",
            f"{label('audits', 'group')}：组长 {group.leader.name}；只写编号表示计划列席",
        )
    text = lines.render()
    if answers.arranged is None:
        # `filed:` with every key commented out would be null, which the schema refuses
        text = text.replace("\nfiled:", "\n# filed:", 1)
    return text


def _speaker_lines(lines: Lines, speakers: list[str]) -> None:
    """The speakers given, or the commented-out form to fill in after the session."""
    if speakers:
        lines.add("speakers:", label("speakers"))
        for speaker in speakers:
            name, title, outline = split_speaker(speaker)
            lines.add(f"  - name: {scalar(name)}", label("speakers", "name"))
            if title:
                lines.add(f"    title: {scalar(title)}", label("speakers", "title"))
            if outline:
                lines.add(f"    outline: {scalar(outline)}", label("speakers", "outline"))
            lines.add("    # written: true", f"{label('speakers', 'written')}时写 true")
    else:
        lines.add("# speakers:", f"{label('speakers')}（可不填），格式如下：")
        lines.add("#   - name: 姓名", label("speakers", "name"))
        lines.add("#     title: 职务", label("speakers", "title"))
        lines.add("#     outline: 发言提纲", label("speakers", "outline"))
        lines.add("#     written: true", f"{label('speakers', 'written')}时写 true")


def _filed_lines(lines: Lines, arranged: dt.date | None, org: Org, day: dt.date) -> None:
    """`filed:` with the arrangement date (or its comment) and the due dates of both."""
    arrangement, post_copy = FILING_KINDS["arrangement"], FILING_KINDS["post_copy"]
    arrangement_due = due_date(arrangement, day, org)
    post_copy_due = due_date(post_copy, day, org)
    arrangement_span = span(org.deadlines[arrangement.deadline or arrangement.key])
    post_copy_span = span(org.deadlines[post_copy.deadline or post_copy.key])
    lines.add("filed:", label("filed"))
    by = f"，最晚 {arrangement_due}" if arrangement_due else ""
    if arranged is not None:
        lines.add(
            f"  arrangement: {scalar(arranged)}",
            f"{label('filed', 'arrangement')}：报联络员和联系校领导，至少提前 {arrangement_span}{by}",
        )
    else:
        lines.add(
            "  # arrangement:",
            f"{label('filed', 'arrangement')}：报送后填写，至少提前 {arrangement_span}{by}",
        )
    by = f"，最晚 {post_copy_due}" if post_copy_due else ""
    lines.add(
        "  # post_copy:",
        f"{label('filed', 'post_copy')}：学习后 {post_copy_span}内报党委宣传部{by}，报送后填写",
    )


def new_session(
    records_dir: Path,
    answers: SessionAnswers,
    today: dt.date | None = None,
    ask: Ask | None = None,
    confirm: Callable[[str, str], bool] | None = None,
) -> Written:
    """Write records/sessions/<unit>/<date>.yaml (or <date>-n.yaml); never overwrite."""
    result, org = load(records_dir, today)
    defaults = session_defaults(result, org, answers.unit, answers.date)
    answers = complete_session(answers, defaults, ask)
    text = session_text(answers, defaults, org)
    validated(text)
    shown = shown_path(result, defaults.path)
    if confirm is not None and not confirm(text, shown):
        raise NewError("已取消，没有写入文件。")
    defaults.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(defaults.path, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewError(f"{shown} 已经存在，没有覆盖。请改用编辑器修改它，或换一个日期。") from None
    return Written(defaults.path, shown, findings_for(records_dir, result.as_of, shown), True)
