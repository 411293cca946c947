"""Load and validate: the records folder → typed records plus every problem found on the way.

Everything is read first; nothing is written. A file that cannot be read as
data becomes findings, never an exception, and the other files go on.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import schemas
from generator.findings import Finding, unexpected_failure
from generator.model import Org, Plan, Session, day_number, org_from, plan_from, session_from
from generator.ruleids import Rule
from generator.yamlio import MAX_BYTES, Document, parse, too_large

SESSION_NAME = re.compile(
    # n is at most 99: a name is published in addresses, where nothing can be masked
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:-(?P<n>[2-9]|[1-9][0-9]))?\.yaml"
)
PLAN_NAME = re.compile(r"(?P<year>[0-9]{4})\.yaml")
UNIT_ID = re.compile(r"[a-z][a-z0-9-]{1,31}")
DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(slots=True)
class SourceFile:
    """One file as read: its reported path and parsed document (None when unreadable)."""

    path: str
    document: Document | None
    name_ok: bool = True


@dataclass(slots=True)
class LoadedRecords:
    """Stage 1 output: every file parsed, nothing interpreted yet."""

    root: Path
    org_file: SourceFile | None
    session_files: list[SourceFile]
    findings: list[Finding] = field(default_factory=list)
    plan_files: list[SourceFile] = field(default_factory=list)


@dataclass(slots=True)
class RecordSet:
    """Stage 2 output: the typed records that can be trusted, plus all findings so far."""

    root: Path
    org: Org | None
    sessions: list[Session]
    session_files: int
    findings: list[Finding] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)  # v2: valid plans, by unit and year
    plan_files: int = 0
    # (unit, year) → path of every rightly named plan file, valid or not: a broken
    # plan is no plan, but plan-missing still names its file
    plan_paths: dict[tuple[str, int], str] = field(default_factory=dict)
    # every session file whose unit, date and year_seq can be read, valid or not:
    # duplicate-seq does not wait for a file's other problems to be fixed
    identities: list[SessionIdentity] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SessionIdentity:
    path: str
    unit: str
    date: dt.date
    day_number: int
    year_seq: int
    line: int | None


def display_root(records_dir: Path) -> str:
    """Paths are reported relative to the records folder's parent (`records/...`).
    The name is the folder's own, never a symbolic link's target."""
    return Path(os.path.abspath(records_dir)).name


def _read(
    path: Path, shown: str, findings: list[Finding], unit: str | None, year: int | None = None
) -> Document | None:
    try:
        size = path.stat().st_size
        # an oversized file is refused before it is read
        document = too_large(size) if size > MAX_BYTES else parse(path.read_bytes())
    except OSError as err:
        findings.append(
            Finding(
                Rule.FILE_ENCODING,
                shown,
                None,
                f"无法读取文件：{err.strerror}。请检查文件权限。",
                unit=unit,
                year=year,
            )
        )
        return None
    except Exception as err:  # a bug must not hide the other files' findings
        findings.append(unexpected_failure(Rule.YAML_SYNTAX, shown, err, unit))
        return None
    for problem in document.problems:
        findings.append(
            Finding(problem.rule, shown, problem.line, problem.message, unit=unit, year=year)
        )
    if document.problems:
        return None
    return document


def load(records_dir: Path, progress: Callable[[int, int], None] | None = None) -> LoadedRecords:
    """Read and parse org.yaml, every file under sessions/ and (v2) plans/.

    Nothing is followed through a symbolic link: a link or any other non-regular
    file under records/, or records/ itself, is `file-not-regular` and not read.
    """
    root = display_root(records_dir)
    findings: list[Finding] = []
    if os.path.islink(records_dir) or not records_dir.is_dir():
        findings.append(_not_regular(root, "", None))
        return LoadedRecords(records_dir, None, [], findings)
    files = _regular_files(records_dir, root, findings)
    org_file: SourceFile | None = None
    if "org.yaml" in files:
        shown = f"{root}/org.yaml"
        org_file = SourceFile(shown, _read(records_dir / "org.yaml", shown, findings, None))
    elif not any(f.file == f"{root}/org.yaml" for f in findings):
        findings.append(
            Finding(
                Rule.SCHEMA,
                f"{root}/org.yaml",
                None,
                "找不到 org.yaml（学校、单位、列席旁听组和学期的信息）。"
                "请从示例仓库复制一份 records/org.yaml 并按本校情况修改；在此之前，需要它的检查都会跳过。",
            )
        )
    session_paths = [f for f in files if f.startswith("sessions/")]
    plan_paths = [f for f in files if f.startswith("plans/")]
    total = len(session_paths) + len(plan_paths)
    loaded: dict[str, list[SourceFile]] = {"sessions/": [], "plans/": []}
    for number, relative in enumerate(session_paths + plan_paths, 1):
        kind = "sessions/" if relative.startswith("sessions/") else "plans/"
        source = _load_named(records_dir, root, relative, findings)
        if source is not None:
            loaded[kind].append(source)
        if progress is not None:
            progress(number, total)
    return LoadedRecords(records_dir, org_file, loaded["sessions/"], findings, loaded["plans/"])


def _load_named(
    records_dir: Path, root: str, relative: str, findings: list[Finding]
) -> SourceFile | None:
    """Parse one file under sessions/ or plans/; its name is judged whatever its content."""
    shown = f"{root}/{relative}"
    parts = relative.split("/")
    pattern = SESSION_NAME if parts[0] == "sessions" else PLAN_NAME
    folder_unit = parts[1] if len(parts) == 3 else None
    name_ok = len(parts) == 3 and bool(pattern.fullmatch(parts[2])) and _real_name(parts[2])
    # plan findings carry the year (rules.md v2), here the one the file name gives
    name_year = parts[-1][:4]
    year = int(name_year) if parts[0] == "plans" and name_year.isdigit() else None
    if not name_ok:
        findings.append(
            Finding(
                Rule.FILE_NAME,
                shown,
                None,
                _bad_name_message(relative),
                unit=folder_unit,
                year=year,
            )
        )
    if not relative.endswith(".yaml"):
        return None
    document = _read(records_dir / relative, shown, findings, folder_unit, year)
    return SourceFile(shown, document, name_ok)


def _regular_files(records_dir: Path, root: str, findings: list[Finding]) -> list[str]:
    """Every regular file under records/ (relative, sorted); links and other
    non-regular entries, and folders that cannot be read, become findings."""
    found: list[str] = []
    pending = [""]
    while pending:
        relative_dir = pending.pop()
        try:
            with os.scandir(records_dir / relative_dir) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError as err:
            findings.append(_unreadable_folder(root, relative_dir, err))
            continue
        for entry in listed:
            relative = f"{relative_dir}/{entry.name}" if relative_dir else entry.name
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as err:
                findings.append(_unreadable_folder(root, relative, err))
                continue
            if stat.S_ISDIR(mode):
                pending.append(relative)
            elif stat.S_ISREG(mode):
                found.append(relative)
            else:
                findings.append(_not_regular(root, relative, mode))
    return sorted(found)


def _folder_unit(relative: str) -> str | None:
    parts = relative.split("/")
    return parts[1] if len(parts) >= 2 and parts[0] in ("sessions", "plans") else None


def _not_regular(root: str, relative: str, mode: int | None) -> Finding:
    shown = f"{root}/{relative}" if relative else root
    what = (
        "符号链接（快捷方式）" if mode is None or stat.S_ISLNK(mode) else "特殊文件（不是普通文件）"
    )
    if not relative:
        message = (
            f"记录文件夹「{root}」本身是{what}。记录必须直接存放在仓库的 {root}/ 文件夹里，"
            "检查不会顺着链接去读别处的文件。请把链接换回真实的文件夹。"
        )
    else:
        message = (
            f"「{shown}」是{what}，不是普通文件。记录只能是普通文件，检查不会顺着链接读取别处的内容，"
            "已报送的记录也不能用链接替换。请删除这个链接，把真实的文件放在这里。"
        )
    return Finding(Rule.FILE_NOT_REGULAR, shown, None, message, unit=_folder_unit(relative))


def _unreadable_folder(root: str, relative: str, err: OSError) -> Finding:
    shown = f"{root}/{relative}" if relative else root
    return Finding(
        Rule.FILE_ENCODING,
        shown,
        None,
        f"无法读取「{shown}」：{err.strerror or err}。里面的记录都没有检查；"
        "请检查文件夹的权限（应可读），然后重新运行检查。",
        unit=_folder_unit(relative),
    )


def _real_name(name: str) -> bool:
    """The date (or year) in a file name is a real one."""
    if PLAN_NAME.fullmatch(name):
        return 2000 <= int(name[:4]) <= 2999
    return _real_date(name)


def _real_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name[:10])
    except ValueError:
        return False
    return True


def _bad_name_message(relative: str) -> str:
    parts = relative.split("/")
    is_plan = parts[0] == "plans"
    example = "plans/kjxy/2026.yaml" if is_plan else "sessions/kjxy/2025-10-15.yaml"
    if len(parts) != 3:
        what = "每个单位每年的学习计划" if is_plan else "每次学习的记录"
        named = "计划年度" if is_plan else "学习日期"
        return (
            f"「{relative}」放错了位置。{what}应放在 {parts[0]}/<单位编号>/ 文件夹里，"
            f"文件名为{named}，如 {example}。"
        )
    name = parts[2]
    if name.endswith((".yml", ".YAML", ".Yaml")):
        return (
            f"文件名「{name}」的扩展名应为小写 .yaml，请改名为「{name.rsplit('.', 1)[0]}.yaml」。"
        )
    if not name.endswith(".yaml"):
        return (
            f"{parts[0]}/ 下只能放 .yaml 记录文件，「{name}」不是。附件、照片等请勿提交到这里；"
            + (
                "若是学习计划，请改名为 年度.yaml，如 2026.yaml。"
                if is_plan
                else "若是记录，请改名为 学习日期.yaml，如 2025-10-15.yaml。"
            )
        )
    if is_plan:
        return f"文件名「{name}」不对。年度学习计划的文件名应为计划年度，如 2026.yaml。"
    return (
        f"文件名「{name}」不对。应为学习日期，如 2025-10-15.yaml；同一天第二次学习写 2025-10-15-2.yaml（序号 2 到 99）。"
        "日期须是实际存在的日子。"
    )


def validate(loaded: LoadedRecords) -> RecordSet:
    """Schema-check every document, check names against content, build typed records."""
    findings = list(loaded.findings)
    org = _validate_org(loaded.org_file, findings)
    sessions: list[Session] = []
    identities: list[SessionIdentity] = []
    for source in loaded.session_files:
        try:
            identity = _identity(source)
            session = _validate_session(source, identity, findings)
        except Exception as err:  # a bug must not hide the other files' findings
            findings.append(unexpected_failure(Rule.SCHEMA, source.path, err))
            continue
        if identity is not None:
            identities.append(identity)
        if session is not None:
            sessions.append(session)
    plans: list[Plan] = []
    for source in loaded.plan_files:
        try:
            plan = _validate_plan(source, findings)
        except Exception as err:  # a bug must not hide the other files' findings
            findings.append(unexpected_failure(Rule.SCHEMA, source.path, err))
            continue
        if plan is not None:
            plans.append(plan)
    sessions.sort(key=lambda s: (s.date, s.day_number, s.path))
    identities.sort(key=lambda i: (i.date, i.day_number, i.path))
    plans.sort(key=lambda p: (p.unit, p.year, p.path))
    return RecordSet(
        loaded.root,
        org,
        sessions,
        len(loaded.session_files),
        findings,
        plans=plans,
        plan_files=len(loaded.plan_files),
        plan_paths={
            (parts[-2], int(parts[-1][:4])): source.path
            for source in loaded.plan_files
            if source.name_ok and (parts := source.path.split("/"))
        },
        identities=identities,
    )


def _schema_findings(
    name: str, source: SourceFile, findings: list[Finding], unit: str | None, **scope: object
) -> bool:
    assert source.document is not None
    problems = schemas.validate(name, source.document)
    for problem in problems:
        findings.append(
            Finding(Rule.SCHEMA, source.path, problem.line, problem.message, unit=unit, **scope)  # type: ignore[arg-type]
        )
    return not problems


def phone_as_text(data: object) -> None:
    """An unquoted phone number is read as an integer: take its digits (records.md)."""
    contact = data.get("contact") if isinstance(data, dict) else None
    if isinstance(contact, dict) and type(contact.get("phone")) is int:
        contact["phone"] = str(contact["phone"])


def _raw(source: SourceFile, key: str) -> object:
    data = source.document.data if source.document is not None else None
    return data.get(key) if isinstance(data, dict) else None


def _raw_unit(source: SourceFile) -> str | None:
    value = _raw(source, "unit")
    return value if isinstance(value, str) and UNIT_ID.fullmatch(value) else None


def _raw_date(source: SourceFile) -> dt.date | None:
    value = _raw(source, "date")
    if not isinstance(value, str) or not DATE_TEXT.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _identity(source: SourceFile) -> SessionIdentity | None:
    """Unit, date and year_seq when each can be read, whatever else is wrong with the file."""
    unit, day, seq = _raw_unit(source), _raw_date(source), _raw(source, "year_seq")
    if unit is None or day is None or type(seq) is not int or seq < 1:
        return None
    assert source.document is not None
    return SessionIdentity(
        source.path, unit, day, day_number(source.path), seq, source.document.line(["year_seq"])
    )


def _validate_session(
    source: SourceFile, identity: SessionIdentity | None, findings: list[Finding]
) -> Session | None:
    """A typed session when the file is valid and its name agrees with its content.
    The name is judged whatever the schema says, so both are reported in one run."""
    parts = source.path.split("/")
    folder_unit = parts[-2] if len(parts) >= 4 else None
    if source.document is None:
        return None
    phone_as_text(source.document.data)
    raw_unit = _raw(source, "unit")
    unit = raw_unit if isinstance(raw_unit, str) else folder_unit
    names_agree = _session_name_agrees(source, folder_unit, findings)
    if not _schema_findings("session", source, findings, unit):
        return None
    session = session_from(source.path, source.document)
    return session if names_agree else None


def _session_name_agrees(
    source: SourceFile, folder_unit: str | None, findings: list[Finding]
) -> bool:
    if not source.name_ok:
        return False
    assert source.document is not None
    line = source.document.line
    unit, day = _raw_unit(source), _raw_date(source)
    file_date = source.path.rsplit("/", 1)[-1][:10]
    wrong_folder = _wrong_folder(source, "sessions", "记录", unit, folder_unit, unit=unit)
    findings.extend(wrong_folder)
    agrees = not wrong_folder
    if day is not None and day.isoformat() != file_date:
        agrees = False
        findings.append(
            Finding(
                Rule.FILE_NAME,
                source.path,
                line(["date"]),
                f"记录写的学习日期是 {day.isoformat()}，但文件名是 {file_date}。"
                f"请把文件改名为 {day.isoformat()}.yaml，或把 date 改为 {file_date}。",
                unit=unit or folder_unit,
            )
        )
    return agrees


def _wrong_folder(
    source: SourceFile,
    top: str,
    what: str,
    written: str | None,
    folder_unit: str | None,
    **scope: object,
) -> list[Finding]:
    """file-name when the file's `unit` (as written) is not the folder it sits in."""
    if written is None or written == folder_unit:
        return []
    assert source.document is not None
    return [
        Finding(
            Rule.FILE_NAME,
            source.path,
            source.document.line(["unit"]),
            f"{what}写的单位是「{written}」，但文件放在「{folder_unit}」文件夹里。"
            f"请把文件移到 {top}/{written}/，或把 unit 改为「{folder_unit}」。",
            **scope,  # type: ignore[arg-type]
        )
    ]


def _validate_plan(source: SourceFile, findings: list[Finding]) -> Plan | None:
    """A typed annual plan (v2) when the file is valid and its name agrees with it."""
    parts = source.path.split("/")
    folder_unit = parts[-2] if len(parts) >= 4 else None
    file_year = int(parts[-1][:4]) if source.name_ok else None
    if source.document is None:
        return None
    raw_unit, raw_year = _raw_unit(source), _raw(source, "year")
    year = raw_year if type(raw_year) is int else file_year
    unit = raw_unit or folder_unit
    line = source.document.line
    wrong_folder = (
        _wrong_folder(source, "plans", "学习计划", raw_unit, folder_unit, unit=unit, year=year)
        if source.name_ok
        else []
    )
    findings.extend(wrong_folder)
    agrees = source.name_ok and not wrong_folder
    if source.name_ok and type(raw_year) is int and raw_year != file_year:
        agrees = False
        findings.append(
            Finding(
                Rule.FILE_NAME,
                source.path,
                line(["year"]),
                f"学习计划写的年度是 {raw_year}，但文件名是 {file_year}.yaml。"
                f"请把文件改名为 {raw_year}.yaml，或把 year 改为 {file_year}。",
                unit=unit,
                year=year,
            )
        )
    if not _schema_findings("plan", source, findings, unit, year=year):
        return None
    plan = plan_from(source.path, source.document)
    return plan if agrees else None


def _validate_org(source: SourceFile | None, findings: list[Finding]) -> Org | None:
    if source is None or source.document is None:
        return None
    if not _schema_findings("org", source, findings, None):
        return None
    org = org_from(source.document)
    try:
        zoneinfo.ZoneInfo(org.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        findings.append(
            Finding(
                Rule.SCHEMA,
                source.path,
                source.document.line(["timezone"]),
                f"「时区」（timezone）写的是「{org.timezone}」，没有这个时区。中国大陆请写 Asia/Shanghai。",
            )
        )
        return None
    try:
        org.plan_due_date(2001)  # a common year: 02-29 is refused, never guessed
    except ValueError:
        findings.append(
            Finding(
                Rule.SCHEMA,
                source.path,
                source.document.line(["plan_due"]),
                f"「年度学习计划报送期限」（plan_due）写的是「{org.plan_due}」，这一天不存在（每年都要有这一天）。"
                "请写成 03-31 这样的月-日。",
            )
        )
        return None
    findings.extend(org_conflicts(source))
    return org


def org_conflicts(source: SourceFile) -> list[Finding]:
    """org-conflict: duplicate ids, units in no or two groups, overlapping semesters, unknown units."""
    assert source.document is not None
    data = source.document.data
    assert isinstance(data, dict)
    line = source.document.line
    found: list[Finding] = []

    def conflict(where: list[str | int], message: str, unit: str | None = None) -> None:
        # only `unit` is scoped: org-conflict is about the org file, not a group or term
        found.append(Finding(Rule.ORG_CONFLICT, source.path, line(where), message, unit=unit))

    for section, word in (("units", "单位"), ("groups", "列席旁听组"), ("semesters", "学期")):
        first_index: dict[str, int] = {}
        for index, item in enumerate(data[section]):
            if item["id"] in first_index:
                conflict(
                    [section, index, "id"],
                    f"{word}编号「{item['id']}」重复了（第 {line([section, first_index[item['id']], 'id'])} 行已用过）。"
                    "每个编号只能用一次，请改成不同的编号或删除重复的一项。",
                    unit=item["id"] if section == "units" else None,
                )
            else:
                first_index[item["id"]] = index
    unit_ids = {u["id"] for u in data["units"]}
    placed: dict[str, str] = {}
    for g_index, group in enumerate(data["groups"]):
        for u_index, unit_id in enumerate(group["units"]):
            where = ["groups", g_index, "units", u_index]
            if unit_id not in unit_ids:
                conflict(
                    where,
                    f"列席旁听组「{group['id']}」联系的单位「{unit_id}」不在 units 里。"
                    "请检查编号是否写错，或先在 units 里添加这个单位。",
                )
            elif unit_id in placed:
                other = placed[unit_id]
                again = "重复列出" if other == group["id"] else f"已属于列席旁听组「{other}」"
                conflict(
                    where,
                    f"单位「{unit_id}」{again}。每个单位只能属于一个列席旁听组，请删除多余的一处。",
                    unit=unit_id,
                )
            else:
                placed[unit_id] = group["id"]
    for index, unit in enumerate(data["units"]):
        if unit["id"] not in placed and unit["id"] in unit_ids:
            conflict(
                ["units", index, "id"],
                f"单位「{unit['id']}」（{unit['name']}）不在任何列席旁听组里。"
                "请按《校领导班子成员联系二级学院安排表》把它加入一个组的 units。",
                unit=unit["id"],
            )
    semesters = sorted(enumerate(data["semesters"]), key=lambda pair: (pair[1]["start"], pair[0]))
    for index, semester in semesters:
        if semester["end"] < semester["start"]:
            conflict(
                ["semesters", index, "end"],
                f"学期「{semester['id']}」的结束日期 {semester['end']} 早于开始日期 {semester['start']}，请改正。",
            )
    for position, (index, later) in enumerate(semesters):
        earlier = next((s for _, s in semesters[:position] if later["start"] <= s["end"]), None)
        if earlier is not None:
            conflict(
                ["semesters", index, "start"],
                f"学期「{later['id']}」（从 {later['start']} 开始）与学期「{earlier['id']}」"
                f"（到 {earlier['end']} 结束）重叠。学期不能重叠，请改正起止日期。",
            )
    return found


def read_org(records_dir: Path) -> Org | None:
    """org.yaml as an Org, or None when it is missing, invalid or not a regular
    file (check says why): nothing is read through a link."""
    path = records_dir / "org.yaml"
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.path.islink(records_dir):
            return None
        document = parse(path.read_bytes())
    except (OSError, ValueError):
        return None
    if document.problems or not schemas.is_valid("org", document.data):
        return None
    org = org_from(document)
    try:
        zoneinfo.ZoneInfo(org.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return org
