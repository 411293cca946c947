"""`python -m generator new`: a session file, an audit record or a visitor, written for the liaison.

Liaisons are secretaries, not programmers. `new` fills in whatever org.yaml and
the unit's earlier records already say (the next 年度学习次序, host, contact,
place, today as the arrangement date), asks for the rest in a terminal or takes
it from flags, and writes YAML *text* with a Chinese comment on every field —
never `yaml.dump` of a dict. Adding an audit or a visitor to an existing session
only inserts lines: every existing byte, comment and blank line stays.

Whatever is about to be written is parsed again with the one loader
(`yamlio.parse`) and validated against the schema first; nothing that would
not load is written. No argv and no stdout here: cli.py passes the answers in,
and a function to ask the liaison with.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator import schemas
from generator.deadlines import CalendarUncovered, WorkCalendar
from generator.findings import Finding
from generator.model import Group, Org, Session, Unit
from generator.pipeline import CheckResult, check
from generator.yamlio import Document, parse

SESSION_SCHEMA_LINE = "# yaml-language-server: $schema=../../../schemas/session.schema.json"
TIME = re.compile(r"([01]?[0-9]|2[0-3]):[0-5][0-9]")
PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{2,24}(转[0-9]{1,6})?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SLUG = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]+)?")
YES = frozenset({"y", "yes", "是", "好", "对", "要", "1"})
NO = frozenset({"n", "no", "否", "不", "不是", "不要", "0"})
NOT_YET = frozenset({"无", "没有", "未报", "还没有", "-"})

# (question, default or None, check) -> the answer; check returns a Chinese problem or None.
Check = Callable[[str], str | None]
Ask = Callable[[str, str | None, Check], str]


class NewError(Exception):
    """A refusal the liaison can act on; the message is Chinese and says what to do."""


@dataclass(frozen=True, slots=True)
class Written:
    path: Path  # the file written
    shown: str  # as the checker names it: records/sessions/…
    findings: list[Finding]  # what `check` now says about that file
    created: bool  # a new file, or lines added to an existing one


# ---------------------------------------------------------------- YAML text

# Everything YAML may not carry raw inside double quotes, or would fold or drop:
# C0/C1 controls, DEL, the Unicode line and paragraph separators (line breaks in
# YAML 1.1), the byte-order mark and non-characters.
_ESCAPE = re.compile('["\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# A plain scalar is written only when nothing in it can mean anything to any YAML
# reader: it starts with a letter or a CJK character, holds no `:` or `#` and no
# character that needs escaping, and does not end in a space.
_PLAIN = re.compile(
    "[A-Za-z\u2e80-\u2fff\u3001-\ud7ff\uf900-\ufaff\uff01-\uffef]"
    "[^:#\\[\\]{},\"'\\\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]*"
)
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null"})


def quote(text: str) -> str:
    """A YAML double-quoted scalar: JSON-style escapes, valid YAML 1.1 and 1.2."""
    return '"' + _ESCAPE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04x}"


def scalar(value: object) -> str:
    """A value as YAML text that every reader, ours first, reads back unchanged."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()  # our loader keeps it a string, as the schema wants
    text = str(value)
    if (
        _PLAIN.fullmatch(text)
        and not text.endswith((" ", "\u3000"))
        and text.lower() not in _RESERVED
    ):
        return text
    return quote(text)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(slots=True)
class _Lines:
    """YAML lines, each with an optional comment; comments are aligned when rendered."""

    lines: list[tuple[str, str | None]] = field(default_factory=list)

    def add(self, text: str, comment: str | None = None) -> None:
        self.lines.append((text, comment))

    def render(self, newline: str = "\n", column: int | None = None) -> str:
        if column is None:
            widths = [display_width(t) for t, c in self.lines if c]
            column = min(max(widths, default=0) + 2, 34)
        out = []
        for text, comment in self.lines:
            if comment:
                pad = max(column - display_width(text), 2)
                out.append(f"{text}{' ' * pad}# {comment}")
            else:
                out.append(text)
        return "".join(line + newline for line in out)


def _label(*path: str) -> str:
    """The field's Chinese label, from the schema: comments and schema never disagree."""
    root = schemas.load_schema("session")
    node: dict[str, Any] = root
    for step in path:
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if "items" in node:
            node = node["items"]
        node = node["properties"][step]
    return node["title"]


# ---------------------------------------------------------------- loading


def load(records_dir: Path, today: dt.date | None) -> tuple[CheckResult, Org]:
    if not (records_dir / "org.yaml").is_file():
        raise NewError(
            f"在「{records_dir}」里找不到 org.yaml。请在仓库根目录运行，或用 --records 指定记录文件夹。"
        )
    result = check(records_dir, today)
    org = result.records.org
    if org is None:
        raise NewError(
            "org.yaml 现在有错误，无法确定单位和列席旁听组。请先运行 python -m generator check，"
            "按提示改好 org.yaml（或请党委宣传部修改）后再试。"
        )
    return result, org


def _unit(org: Org, unit_id: str) -> Unit:
    unit = org.units.get(unit_id)
    if unit is None:
        known = "、".join(f"{u.id}（{u.name}）" for u in org.units.values())
        raise NewError(f"没有编号为「{unit_id}」的单位。请用 --unit 写下面的编号之一：{known}。")
    return unit


def _shown(result: CheckResult, path: Path) -> str:
    return (
        f"{result.records.root.resolve().name}/{path.relative_to(result.records.root).as_posix()}"
    )


def _findings_for(records_dir: Path, today: dt.date, shown: str) -> list[Finding]:
    return [f for f in check(records_dir, today).findings if f.file == shown]


def _normalize(text: str) -> str:
    """Full-width digits, colons and dashes from a Chinese input method become ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def _host_title(unit: Unit) -> str:
    return {"党委": "党委书记", "党总支": "党总支书记"}.get(unit.kind, "党支部书记")


# ---------------------------------------------------------------- checks of single answers


def check_text(label: str, required: bool = True) -> Check:
    def run(value: str) -> str | None:
        if not value.strip():
            return f"「{label}」不能为空，请填写。" if required else None
        if any(unicodedata.category(c) in ("Cs", "Co") for c in value):
            return f"「{label}」含有无法识别的字符，请重新输入。"
        return None

    return run


def check_time(value: str) -> str | None:
    if TIME.fullmatch(_normalize(value)):
        return None
    return f"学习时间「{value}」格式不对：请写成 14:30 或 9:30（英文冒号，24 小时制）。"


def check_count(label: str, minimum: int) -> Check:
    def run(value: str) -> str | None:
        text = _normalize(value)
        if text.isdigit() and int(text) >= minimum:
            return None
        return f"「{label}」应为不小于 {minimum} 的整数，现在是「{value}」。"

    return run


def check_phone(value: str) -> str | None:
    if PHONE.fullmatch(_normalize(value)):
        return None
    return f"联系电话「{value}」格式不对：请写成 0931-1234567 或 13900000000（只写数字和 -）。"


def parse_date(value: str) -> dt.date | None:
    text = _normalize(value)
    if not DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_date(label: str, *, allow_not_yet: bool = False) -> Check:
    def run(value: str) -> str | None:
        if allow_not_yet and (not value.strip() or value.strip() in NOT_YET):
            return None
        if parse_date(value) is None:
            return f"「{label}」写的是「{value}」，请写成实际存在的日期，如 2026-12-15。"
        return None

    return run


def check_yes_no(value: str) -> str | None:
    return None if value.strip().lower() in YES | NO else "请回答“是”或“否”。"


def _is_yes(value: str) -> bool:
    return value.strip().lower() in YES


# Between name, title and outline: a slash (half or full width), 、 or spaces, as a
# Chinese input method types them; the outline keeps any further separators.
SPEAKER_SEPARATOR = re.compile(r"\s*[/／、]\s*|\s+")
SPEAKER_FORMAT = "姓名 职务 发言提纲，中间用空格、/ 或 、 分开，如：王立新 院长 结合学院实际谈体会"
LONGEST_NAME = 5  # longer without any separator: most likely 姓名职务… typed together


def split_speaker(value: str) -> tuple[str, str | None, str | None]:
    """「姓名 职务 发言提纲」, 「姓名/职务/发言提纲」 or 「姓名、职务、发言提纲」."""
    parts = [p.strip() for p in SPEAKER_SEPARATOR.split(value.strip(), maxsplit=2)]
    name = parts[0]
    title = parts[1] if len(parts) > 1 and parts[1] else None
    outline = parts[2] if len(parts) > 2 and parts[2] else None
    return name, title, outline


def check_speaker(value: str) -> str | None:
    if not value.strip():
        return None
    name, title, outline = split_speaker(value)
    if not name:
        return f"请按「{SPEAKER_FORMAT}」输入。"
    if title is None and outline is None and "·" not in name and len(name) > LONGEST_NAME:
        return f"「{name}」不像一个姓名。请按「{SPEAKER_FORMAT}」输入。"
    return check_text("发言人")(value)


# ---------------------------------------------------------------- a new session


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


def next_year_seq(sessions: Iterable[Session], unit: str, year: int) -> int:
    """1 + the largest 年度学习次序 of the unit's sessions in that calendar year."""
    return 1 + max(
        (s.year_seq for s in sessions if s.unit == unit and s.date.year == year), default=0
    )


def free_path(folder: Path, day: dt.date) -> Path:
    """<date>.yaml, or <date>-2.yaml, -3 … when the day already has a session."""
    candidate = folder / f"{day.isoformat()}.yaml"
    number = 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{day.isoformat()}-{number}.yaml"
    return candidate


def session_defaults(result: CheckResult, org: Org, unit_id: str, day: dt.date) -> SessionDefaults:
    unit = _unit(org, unit_id)
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
        planned=_planned_topics(result, unit_id, day),
    )


def _planned_topics(result: CheckResult, unit_id: str, day: dt.date) -> tuple[str, ...]:
    from generator.new_followup import planned_topics  # it builds on this module

    return planned_topics(result, unit_id, day)


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

    def fill(fields: Iterable[tuple[str, str, str]]) -> None:
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
            setattr(answers, name, int(_normalize(given)) if name == "members" else given)

    # in the order of the form (附件1): time and place, members, host, topics, speakers, contact
    fill(_SESSION_FIELDS[:5])
    held = answers.date <= defaults.today
    if ask is not None and held and answers.present is None:
        members = answers.members or 1
        present = ask(
            "实到人数（已经开过会才填；还不知道就直接回车）",
            "",
            lambda v: None if not v.strip() else check_count("实到人数", 0)(v),
        )
        answers.present = int(_normalize(present)) if present.strip() else None
        if answers.present is not None and answers.present > members:
            problems.append(f"实到人数 {answers.present} 多于中心组人数 {members}。")
    elif answers.present is not None and answers.members and answers.present > answers.members:
        problems.append(f"--present：实到人数 {answers.present} 多于中心组人数 {answers.members}。")
    if defaults.planned and ask is None and answers.first_topic is None and not answers.topics:
        # the month's planned titles, as the plan writes them, so that the plan sees them studied
        answers.first_topic, answers.topics = defaults.planned[0], list(defaults.planned[1:])
    if answers.first_topic is None and not answers.topics:
        if ask is not None:
            planned = defaults.planned
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
            while True:
                more = ask(
                    "其他学习内容（每次输入一项，直接回车结束）", "", check_text("学习内容", False)
                )
                if not more.strip():
                    break
                answers.topics.append(more.strip())
        else:
            missing.append("--first-topic（第一议题）或 --topic（学习内容，可写多次）")
    if ask is not None and not answers.speakers:
        while True:
            speaker = ask(
                "交流研讨人员：姓名 职务 发言提纲（用空格、/ 或 、 分开；每次输入一人，直接回车结束）",
                "",
                check_speaker,
            )
            if not speaker.strip():
                break
            answers.speakers.append(speaker.strip())
    fill(_SESSION_FIELDS[5:])
    for speaker in answers.speakers:
        problem = check_speaker(speaker) or (None if speaker.strip() else "不能为空")
        if problem:
            problems.append(f"--speaker「{speaker}」：{problem}")
    if answers.arranged is None and not answers.not_arranged:
        if ask is not None:
            value = ask(
                "学习安排报送表报联络员和联系校领导的日期（还没报就输入“无”）",
                defaults.today.isoformat(),
                check_date("报送日期", allow_not_yet=True),
            )
            answers.arranged = parse_date(value)
            answers.not_arranged = answers.arranged is None
        else:
            answers.arranged = defaults.today
    if answers.arranged is not None and answers.arranged > defaults.today:
        problems.append(
            f"安排表报送日期 {answers.arranged} 晚于今天（{defaults.today}）：请写实际报送的日期，还没报送就不写。"
        )
    if answers.expect_audit is None:
        group = defaults.group
        if ask is not None and group is not None and answers.date > defaults.today:
            value = ask(
                f"联系本单位的列席旁听组 {group.id}（组长 {group.leader.name}）是否已确定来列席旁听？（是/否）",
                "否",
                check_yes_no,
            )
            answers.expect_audit = _is_yes(value)
        else:
            answers.expect_audit = False
    if missing:
        raise NewError(
            "没有在终端里运行，无法逐项询问。还缺少这些参数：\n  "
            + "\n  ".join(missing)
            + "\n例如：python -m generator new --unit "
            + f"{answers.unit} --date {answers.date} --time 14:30 --first-topic 学习……"
        )
    if problems:
        raise NewError("参数有误：\n  " + "\n  ".join(problems))
    answers.time = _normalize(answers.time or "")
    answers.contact_phone = _normalize(answers.contact_phone or "")
    return answers


def _due(org: Org, kind: str, day: dt.date) -> dt.date | None:
    calendar = WorkCalendar(org.holidays, org.workdays)
    try:
        if kind == "arrangement":
            return calendar.due_before(day, org.deadlines[kind])
        return calendar.due_after(day, org.deadlines[kind])
    except CalendarUncovered:
        return None


def _span(org: Org, kind: str) -> str:
    deadline = org.deadlines[kind]
    return f"{deadline.days} {'个工作日' if deadline.count == 'workday' else '天'}"


def session_text(answers: SessionAnswers, defaults: SessionDefaults, org: Org) -> str:
    """The new session file, as text: every field with its label from the schema."""
    unit = defaults.unit
    day = answers.date
    lines = _Lines()
    lines.add(SESSION_SCHEMA_LINE)
    lines.add(
        f"# {unit.name} {day.year}年第{defaults.year_seq}次中心组学习"
        f"（由 python -m generator new 于 {defaults.today} 生成；“#”后面是填写说明，不影响内容）"
    )
    lines.add(f"unit: {scalar(unit.id)}", f"{_label('unit')}：{unit.name}（编号须与文件夹名一致）")
    lines.add(f"date: {scalar(day)}", f"{_label('date')}（须与文件名一致）")
    lines.add(f"time: {quote(answers.time or '')}", f"{_label('time')}：开始时间，英文冒号")
    lines.add(f"location: {scalar(answers.location)}", _label("location"))
    lines.add(
        f"year_seq: {defaults.year_seq}",
        f"{_label('year_seq')}：本单位 {day.year} 年第 {defaults.year_seq} 次中心组学习",
    )
    lines.add("kind: 中心组学习", f"{_label('kind')}：党政联席会等其他会议不能代替中心组学习")
    lines.add(f"members: {answers.members}", _label("members"))
    if answers.present is not None:
        lines.add(f"present: {answers.present}", f"{_label('present')}：不超过中心组人数")
    else:
        lines.add("# present:", f"{_label('present')}：学习结束后填写，如 present: 14")
    lines.add("host:", _label("host"))
    lines.add(f"  name: {scalar(answers.host_name)}", "姓名")
    lines.add(f"  title: {scalar(answers.host_title)}", "职务")
    lines.add("topics:", f"{_label('topics')}：至少一项")
    if answers.first_topic:
        lines.add(f"  - title: {scalar(answers.first_topic)}", _label("topics", "title"))
        lines.add("    first_topic: true", f"{_label('topics', 'first_topic')}")
    for topic in answers.topics:
        lines.add(f"  - title: {scalar(topic)}", _label("topics", "title"))
    if answers.speakers:
        lines.add("speakers:", _label("speakers"))
        for speaker in answers.speakers:
            name, title, outline = split_speaker(speaker)
            lines.add(f"  - name: {scalar(name)}", _label("speakers", "name"))
            if title:
                lines.add(f"    title: {scalar(title)}", _label("speakers", "title"))
            if outline:
                lines.add(f"    outline: {scalar(outline)}", _label("speakers", "outline"))
            lines.add("    # written: true", f"{_label('speakers', 'written')}时写 true")
    else:
        lines.add("# speakers:", f"{_label('speakers')}（可不填），格式如下：")
        lines.add("#   - name: 姓名", _label("speakers", "name"))
        lines.add("#     title: 职务", _label("speakers", "title"))
        lines.add("#     outline: 发言提纲", _label("speakers", "outline"))
        lines.add("#     written: true", f"{_label('speakers', 'written')}时写 true")
    lines.add("contact:", _label("contact"))
    lines.add(f"  name: {scalar(answers.contact_name)}", _label("contact", "name"))
    lines.add(
        f"  phone: {quote(answers.contact_phone or '')}",
        f"{_label('contact', 'phone')}（加英文引号）",
    )
    arrangement_due = _due(org, "arrangement", day)
    post_copy_due = _due(org, "post_copy", day)
    lines.add("filed:", _label("filed"))
    by = f"，最晚 {arrangement_due}" if arrangement_due else ""
    if answers.arranged is not None:
        lines.add(
            f"  arrangement: {scalar(answers.arranged)}",
            f"{_label('filed', 'arrangement')}：报联络员和联系校领导，至少提前 {_span(org, 'arrangement')}{by}",
        )
    else:
        lines.add(
            "  # arrangement:",
            f"{_label('filed', 'arrangement')}：报送后填写，至少提前 {_span(org, 'arrangement')}{by}",
        )
    by = f"，最晚 {post_copy_due}" if post_copy_due else ""
    lines.add(
        "  # post_copy:",
        f"{_label('filed', 'post_copy')}：学习后 {_span(org, 'post_copy')}内报党委宣传部{by}，报送后填写",
    )
    if answers.expect_audit and defaults.group is not None:
        group = defaults.group
        lines.add("audits:", _label("audits"))
        lines.add(
            f"  - group: {scalar(group.id)}",
            f"{_label('audits', 'group')}：组长 {group.leader.name}；只写编号表示计划列席",
        )
    text = lines.render()
    if answers.arranged is None:
        # `filed:` with every key commented out would be null, which the schema refuses
        text = text.replace("\nfiled:", "\n# filed:", 1)
    return text


def _validated(text: str) -> Document:
    document = parse(text.encode("utf-8"))
    problems = [p.message for p in document.problems]
    if not problems:
        problems = [p.message for p in schemas.validate("session", document)]
    if problems:
        raise NewError(
            "要写入的内容没有通过格式检查，已取消，没有写入任何文件：\n  "
            + "\n  ".join(problems)
            + "\n请检查输入的内容。"
        )
    return document


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
    _validated(text)
    shown = _shown(result, defaults.path)
    if confirm is not None and not confirm(text, shown):
        raise NewError("已取消，没有写入文件。")
    defaults.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(defaults.path, "x", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewError(f"{shown} 已经存在，没有覆盖。请改用编辑器修改它，或换一个日期。") from None
    return Written(defaults.path, shown, _findings_for(records_dir, result.as_of, shown), True)


# ---------------------------------------------------------------- adding to a session

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _line_starts(text: str) -> list[int]:
    """Offsets where each line starts, counting line breaks the way libyaml does."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def _last_line(node: Node) -> int:
    """0-based line of the last character that belongs to `node`'s content."""
    if isinstance(node, ScalarNode):
        end = node.end_mark
        return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
    if node.flow_style:
        return node.end_mark.line
    children: list[Node] = (
        [v for pair in node.value for v in pair]
        if isinstance(node, MappingNode)
        else list(node.value)
    )
    return max((_last_line(c) for c in children), default=node.start_mark.line)


def _key(mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _insert_at_line(text: str, line: int, block: str) -> str:
    """`block` inserted before 0-based `line`, or appended when `line` is past the end."""
    starts = _line_starts(text)
    if line < len(starts):
        return text[: starts[line]] + block + text[starts[line] :]
    if text and not text.endswith(("\n", "\r")):
        text += _newline(text)
    return text + block


def _reindent(item: _Lines, dash: int, content: int) -> _Lines:
    """An item written as "- key: …" / "  key: …" moved to a sequence whose dashes stand
    at column `dash` and whose item content starts at column `content`."""
    out = _Lines()
    for index, (line, comment) in enumerate(item.lines):
        if index == 0:
            out.add(" " * dash + "-" + " " * (content - dash - 1) + line[2:], comment)
        else:
            out.add(" " * content + line[2:], comment)
    return out


def insert_item(text: str, document: Document, key: str, item: _Lines, what: str) -> str:
    """`item` appended to the block sequence under the top-level `key`, or `key` added at
    the end of the file with `item` as its first entry. `item` is written as for a
    sequence at column 0: first line "- key: …", the others indented by two."""
    root = document.root
    if not isinstance(root, MappingNode) or root.flow_style:
        raise NewError("这个文件的最外层不是逐行书写的“字段: 值”，无法自动添加，请手工编辑。")
    newline = _newline(text)
    found = _key(root, key)
    base = root.start_mark.column
    if found is None:
        block = _Lines([(" " * base + f"{key}:", _label(key))])
        block.lines.extend(_reindent(item, base + 2, base + 4).lines)
        return _insert_at_line(text, len(_line_starts(text)), block.render(newline))
    key_node, sequence = found
    if not isinstance(sequence, SequenceNode) or sequence.flow_style or not sequence.value:
        raise NewError(
            f"第 {key_node.start_mark.line + 1} 行的 {key} 不是逐项书写的列表（如写成了方括号 [ ]），"
            f"无法自动添加{what}。请改成每项一行“- …”的写法后再试，或手工添加。"
        )
    dash = sequence.start_mark.column
    first = sequence.value[0]
    content = (
        first.start_mark.column
        if isinstance(first, MappingNode) and not first.flow_style
        else dash + 2
    )
    block = _reindent(item, dash, max(content, dash + 2))
    return _insert_at_line(text, _last_line(sequence) + 1, block.render(newline))


@dataclass(frozen=True, slots=True)
class ListLines:
    """Where the items of a top-level list stand in a file (1-based lines), so that a page
    can say exactly which lines to add where."""

    end: int  # the last line of the list's content
    items: list[dict[str, Any]]  # each: line, end, column (of its keys); flow: written {…}


def list_lines(document: Document, key: str) -> ListLines | None:
    """The lines of the block list under the top-level `key`; None when there is none, or
    it is written in flow style ([…]), which cannot be extended line by line."""
    root = document.root
    if not isinstance(root, MappingNode):
        return None
    found = _key(root, key)
    if found is None or not isinstance(found[1], SequenceNode) or found[1].flow_style:
        return None
    items = []
    for node in found[1].value:
        flow = not isinstance(node, MappingNode) or node.flow_style
        items.append(
            {
                "line": node.start_mark.line + 1,
                "end": _last_line(node) + 1,
                "column": node.start_mark.column,
                "flow": bool(flow),
            }
        )
    return ListLines(_last_line(found[1]) + 1, items)


def extend_item(text: str, document: Document, path: Sequence[str | int], lines: _Lines) -> str:
    """Keys added at the end of the block mapping at `path` (an existing list item)."""
    node: Node | None = document.root
    for step in path:
        if isinstance(node, MappingNode):
            pair = _key(node, str(step))
            node = pair[1] if pair else None
        elif isinstance(node, SequenceNode) and isinstance(step, int):
            node = node.value[step]
        else:
            node = None
    if not isinstance(node, MappingNode) or node.flow_style:
        line = node.start_mark.line + 1 if node is not None else "?"
        raise NewError(
            f"第 {line} 行的这一项写在花括号 {{ }} 里，无法自动补充。"
            "请改成每个字段一行的写法后再试，或手工补充。"
        )
    column = node.start_mark.column
    block = _Lines([(" " * column + line, comment) for line, comment in lines.lines])
    return _insert_at_line(text, _last_line(node) + 1, block.render(_newline(text)))


def _session_file(result: CheckResult, org: Org, unit_id: str, slug: str) -> tuple[Path, Session]:
    _unit(org, unit_id)
    if not SLUG.fullmatch(slug):
        raise NewError(
            f"--date 写的是「{slug}」，请写学习日期，如 2026-10-12（同一天第二次：2026-10-12-2）。"
        )
    folder = result.records.root / "sessions" / unit_id
    path = folder / f"{slug}.yaml"
    if not path.is_file():
        near = sorted(p.stem for p in folder.glob(f"{slug[:7]}*.yaml")) if folder.is_dir() else []
        hint = f"本单位这个月的记录有：{'、'.join(near)}。" if near else "本单位这个月还没有记录。"
        raise NewError(
            f"找不到 {_shown(result, path)}。{hint}"
            "请核对单位和日期；新的一次学习请先用 python -m generator new 建立。"
        )
    shown = _shown(result, path)
    session = next((s for s in result.records.sessions if s.path == shown), None)
    if session is None:
        errors = [f.message for f in result.findings if f.file == shown]
        raise NewError(
            f"{shown} 现在有错误，先改好才能自动添加：\n  "
            + "\n  ".join(errors or ["请运行 python -m generator check 查看。"])
        )
    return path, session


def _write_in_place(path: Path, old: bytes, new_text: str) -> None:
    """Replace the file atomically, only if nobody changed it meanwhile."""
    if path.read_bytes() != old:
        raise NewError(f"{path} 在写入前被修改了，请重新运行。")
    data = new_text.encode("utf-8")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _check_filed(label: str, filed: dt.date | None, session: Session, today: dt.date) -> list[str]:
    if filed is None:
        return []
    if filed < session.date:
        return [f"{label} {filed} 早于学习日期 {session.date}：学习之后才能报送。"]
    if filed > today:
        return [f"{label} {filed} 晚于今天（{today}）：请写实际报送的日期，还没报送就先不写。"]
    return []


def _read_session(path: Path) -> tuple[bytes, str, Document]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    return raw, text, parse(raw)


def _reparse_same(new_text: str, expected: dict[str, Any]) -> None:
    document = _validated(new_text)
    if document.data != expected:  # pragma: no cover - a bug in the insertion, never written
        raise NewError("自动添加的结果与预期不一致，已取消，没有修改文件。请把此命令发给管理员。")


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


def add_audit(
    records_dir: Path, answers: AuditAnswers, today: dt.date | None = None, ask: Ask | None = None
) -> Written:
    """An audit record (附件2) added to a session; or what an unfiled one still lacks (a
    planned audit's findings, a missing `filed` date) added to it. A filed record is
    left alone: corrections are edits with an amendment."""
    result, org = load(records_dir, today)
    path, session = _session_file(result, org, answers.unit, answers.date)
    today = result.as_of
    shown = _shown(result, path)
    linked = org.group_of_unit.get(session.unit)
    group_id = answers.group or linked
    if group_id not in org.groups:
        known = "、".join(f"{g.id}（组长 {g.leader.name}）" for g in org.groups.values())
        raise NewError(f"没有编号为「{group_id}」的列席旁听组。现有：{known}。")
    if group_id != linked:
        raise NewError(
            f"列席旁听组「{group_id}」不联系{org.units[session.unit].name}，联系它的是「{linked}」。"
            "请核对 --group。"
        )
    raw, text, document = _read_session(path)
    data: dict[str, Any] = document.data  # type: ignore[assignment]
    existing = next((a for a in session.audits if a.group == group_id), None)
    have: dict[str, Any] = dict(data["audits"][existing.index]) if existing else {}
    if existing is not None and existing.filed is not None:
        raise NewError(
            f"{shown} 第 {session.line('audits', existing.index)} 行列席旁听组「{group_id}」的记录表"
            f"已于 {existing.filed} 报送。需要更正请直接编辑该文件，并在 amendments 里写明更正原因。"
        )
    have_findings: dict[str, Any] = dict(have.get("findings") or {})
    given = {
        name: getattr(answers, name)
        for name in (*(n for n, _ in _FINDINGS), "problems")
        if getattr(answers, name) is not None
    }
    twice = [n for n in given if n in have_findings or (n == "problems" and "problems" in have)]
    if twice:
        names = "、".join(
            _label("audits", "findings", n) if n != "problems" else "问题和建议" for n in twice
        )
        raise NewError(
            f"{shown} 里列席旁听组「{group_id}」的{names}已经填写，没有覆盖。需要修改请直接编辑该文件。"
        )
    labels = {name: _label("audits", "findings", name) for name, _ in _FINDINGS}
    hints = _audit_hints(session)
    if ask is not None:
        descriptions = {
            name: schemas.load_schema("session")["properties"]["audits"]["items"]["properties"][
                "findings"
            ]["properties"][name]["description"]
            for name, _ in _FINDINGS
        }
        for number, (name, _) in enumerate(_FINDINGS, 1):
            if getattr(answers, name) is None and name not in have_findings:
                hint = f"；{hints[name]}" if name in hints else ""
                value = ask(
                    f"{number}.{labels[name]}（{descriptions[name].rstrip('。')}{hint}）",
                    "",
                    check_text(labels[name], False),
                )
                setattr(answers, name, value.strip() or None)
        if answers.problems is None and "problems" not in have:
            value = ask("问题和建议", "", check_text("问题和建议", False))
            answers.problems = value.strip() or None
        if answers.filed is None and not answers.not_filed:
            value = ask(
                "记录表送交党委宣传部的日期（还没送交就输入“无”）",
                today.isoformat(),
                check_date("送交日期", allow_not_yet=True),
            )
            answers.filed = parse_date(value)
    add_findings = {n: getattr(answers, n) for n, _ in _FINDINGS if getattr(answers, n)}
    problems = _check_filed("记录表报送日期", answers.filed, session, today)
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
    lines = _Lines()
    if add_findings and "findings" not in have:
        lines.add("findings:", _label("audits", "findings"))
    for name, value in add_findings.items():
        lines.add(f"  {name}: {scalar(value)}", labels[name])
    if answers.problems:
        lines.add(f"problems: {scalar(answers.problems)}", _label("audits", "problems"))
    if answers.filed:
        lines.add(f"filed: {scalar(answers.filed)}", _label("audits", "filed"))
    if existing is not None:
        if not lines.lines:
            raise NewError(f"{shown} 里已有列席旁听组「{group_id}」，这次没有要补充的内容。")
        new_text = text
        if add_findings and "findings" in have:
            sub = _Lines(
                [(line[2:], comment) for line, comment in lines.lines[: len(add_findings)]]
            )
            new_text = extend_item(new_text, document, ("audits", existing.index, "findings"), sub)
            lines = _Lines(lines.lines[len(add_findings) :])
        if lines.lines:
            current = parse(new_text.encode("utf-8"))
            new_text = extend_item(new_text, current, ("audits", existing.index), lines)
        audits = list(expected["audits"])
        audits[existing.index] = entry
        expected["audits"] = audits
    else:
        group = org.groups[group_id]
        head = (
            f"- group: {scalar(group_id)}",
            f"{_label('audits', 'group')}：组长 {group.leader.name}",
        )
        item = _Lines([head, *(("  " + line, comment) for line, comment in lines.lines)])
        new_text = insert_item(text, document, "audits", item, "列席旁听记录")
        expected["audits"] = [*expected.get("audits", []), entry]
    _reparse_same(new_text, expected)
    _write_in_place(path, raw, new_text)
    return Written(path, shown, _findings_for(records_dir, today, shown), False)


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


def add_visitor(
    records_dir: Path, answers: VisitorAnswers, today: dt.date | None = None, ask: Ask | None = None
) -> Written:
    """A 书记/副书记 of another unit added to a session's visitors, or their report date added."""
    result, org = load(records_dir, today)
    path, session = _session_file(result, org, answers.unit, answers.date)
    today = result.as_of
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
    leaders = [visitor_unit.secretary, *visitor_unit.deputy_secretaries]
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
            f"副书记 {'、'.join(visitor_unit.deputy_secretaries) or '未登记'}）",
            visitor_unit.secretary,
            lambda v: None if v.strip() in leaders else f"「{v}」不是该单位的书记或副书记。",
        ).strip()
    if answers.name is None:
        raise NewError(
            "没有在终端里运行，无法逐项询问。还缺少参数：--name（列席人姓名）"
            f"；{visitor_unit.name}的书记是{visitor_unit.secretary}，副书记是"
            f"{'、'.join(visitor_unit.deputy_secretaries) or '（未登记）'}。"
        )
    role = _role_of(visitor_unit, answers.name)
    if role is None or (answers.role is not None and answers.role != role):
        deputies = "、".join(visitor_unit.deputy_secretaries) or "（未登记）"
        raise NewError(
            f"{answers.name}不是{visitor_unit.name}的{answers.role or '书记或副书记'}。按 org.yaml，"
            f"书记是{visitor_unit.secretary}，副书记是{deputies}。只有书记、副书记列席才计入邀请和列席次数。"
        )
    answers.role = role
    existing = next(
        (v for v in session.visitors if v.unit == visitor_unit.id and v.name == answers.name), None
    )
    if existing is not None and existing.report_filed is not None:
        raise NewError(
            f"{_shown(result, path)} 第 {session.line('visitors', existing.index)} 行已记有{answers.name}列席及其报告日期。"
            "需要更正请直接编辑该文件，并在 amendments 里写明更正原因。"
        )
    if answers.report_filed is None and not answers.not_filed and ask is not None:
        value = ask(
            f"{visitor_unit.name}把列席情况书面报党委宣传部的日期（还没报就输入“无”）",
            "无" if existing is None else today.isoformat(),
            check_date("报告日期", allow_not_yet=True),
        )
        answers.report_filed = parse_date(value)
    problems = _check_filed("列席情况报告日期", answers.report_filed, session, today)
    if problems:
        raise NewError("没有修改文件：\n  " + "\n  ".join(problems))

    raw, text, document = _read_session(path)
    expected: dict[str, Any] = {k: v for k, v in document.data.items()}  # type: ignore[union-attr]
    filed_comment = (
        f"{_label('visitors', 'report_filed')}：{visitor_unit.name}书面报党委宣传部的日期"
    )
    if existing is not None:
        if answers.report_filed is None:
            raise NewError(
                f"已记有{answers.name}列席，这次没有要补充的内容（可用 --report-filed 补报告日期）。"
            )
        lines = _Lines([(f"report_filed: {scalar(answers.report_filed)}", filed_comment)])
        new_text = extend_item(text, document, ("visitors", existing.index), lines)
        visitors = [dict(v) for v in expected["visitors"]]
        visitors[existing.index]["report_filed"] = answers.report_filed.isoformat()
        expected["visitors"] = visitors
    else:
        item = _Lines(
            [
                (
                    f"- unit: {scalar(visitor_unit.id)}",
                    f"{_label('visitors', 'unit')}：{visitor_unit.name}",
                ),
                (f"  name: {scalar(answers.name)}", _label("visitors", "name")),
                (f"  role: {scalar(role)}", f"{_label('visitors', 'role')}：书记 或 副书记"),
            ]
        )
        entry: dict[str, Any] = {"unit": visitor_unit.id, "name": answers.name, "role": role}
        if answers.report_filed is not None:
            item.add(f"  report_filed: {scalar(answers.report_filed)}", filed_comment)
            entry["report_filed"] = answers.report_filed.isoformat()
        else:
            item.add("  # report_filed:", f"{filed_comment}，报送后填写")
        new_text = insert_item(text, document, "visitors", item, "列席人员")
        expected["visitors"] = [*expected.get("visitors", []), entry]
    _reparse_same(new_text, expected)
    _write_in_place(path, raw, new_text)
    shown = _shown(result, path)
    return Written(path, shown, _findings_for(records_dir, today, shown), False)


# ---------------------------------------------------------------- for the filing assistant page


def assistant_data(result: CheckResult) -> dict[str, Any]:
    """What a static filing-assistant page needs to prefill a new session, as JSON-ready data.

    Phone numbers are left out: the page is published, and the site masks them."""
    org = result.records.org
    if org is None:
        return {"units": [], "groups": []}
    units = []
    for unit in org.units.values():
        own = [s for s in result.records.sessions if s.unit == unit.id]
        last = own[-1] if own else None
        years = sorted({s.date.year for s in own} | {result.as_of.year})
        units.append(
            {
                "id": unit.id,
                "name": unit.name,
                "kind": unit.kind,
                "group": org.group_of_unit.get(unit.id),
                "next_year_seq": {
                    str(year): next_year_seq(result.records.sessions, unit.id, year)
                    for year in years
                },
                "last": None
                if last is None
                else {
                    "date": last.date.isoformat(),
                    "time": last.time,
                    "location": last.location,
                    "members": last.members,
                    "host": {"name": last.host.name, "title": last.host.title},
                    "contact": {"name": last.contact.name},
                },
                "secretary": unit.secretary,
                "deputy_secretaries": list(unit.deputy_secretaries),
            }
        )
    groups = [
        {"id": g.id, "leader": g.leader.name, "liaison": g.liaison.name, "units": list(g.units)}
        for g in org.groups.values()
    ]
    return {"today": result.as_of.isoformat(), "units": units, "groups": groups}
