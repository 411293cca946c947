"""Load and validate: the records folder → typed records plus every problem found on the way.

Everything is read first; nothing is written. A file that cannot be read as
data becomes findings, never an exception, and the other files go on.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator import schemas
from generator.findings import Finding, unexpected_failure
from generator.model import Org, Session, org_from, session_from
from generator.yamlio import MAX_BYTES, Document, parse, too_large

SESSION_NAME = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:-(?P<n>[2-9]|[1-9][0-9]+))?\.yaml"
)
UNIT_ID = re.compile(r"[a-z][a-z0-9-]{1,31}")


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


@dataclass(slots=True)
class RecordSet:
    """Stage 2 output: the typed records that can be trusted, plus all findings so far."""

    root: Path
    org: Org | None
    sessions: list[Session]
    session_files: int
    findings: list[Finding] = field(default_factory=list)


def display_root(records_dir: Path) -> str:
    """Paths are reported relative to the records folder's parent (`records/...`)."""
    return records_dir.resolve().name


def _read(path: Path, shown: str, findings: list[Finding], unit: str | None) -> Document | None:
    try:
        size = path.stat().st_size
        # an oversized file is refused before it is read
        document = too_large(size) if size > MAX_BYTES else parse(path.read_bytes())
    except OSError as err:
        findings.append(
            Finding(
                "file-encoding",
                shown,
                None,
                f"无法读取文件：{err.strerror}。请检查文件权限。",
                unit=unit,
            )
        )
        return None
    except Exception as err:  # a bug must not hide the other files' findings
        findings.append(unexpected_failure("yaml-syntax", shown, err, unit))
        return None
    for problem in document.problems:
        findings.append(Finding(problem.rule, shown, problem.line, problem.message, unit=unit))
    if document.problems:
        return None
    return document


def load(records_dir: Path, progress: Callable[[int, int], None] | None = None) -> LoadedRecords:
    """Read and parse org.yaml and every file under sessions/."""
    root = display_root(records_dir)
    findings: list[Finding] = []
    org_path = records_dir / "org.yaml"
    org_file: SourceFile | None = None
    if org_path.is_file():
        org_file = SourceFile(
            f"{root}/org.yaml", _read(org_path, f"{root}/org.yaml", findings, None)
        )
    else:
        findings.append(
            Finding(
                "schema",
                f"{root}/org.yaml",
                None,
                "找不到 org.yaml（学校、单位、列席旁听组和学期的信息）。"
                "请从示例仓库复制一份 records/org.yaml 并按本校情况修改；在此之前，需要它的检查都会跳过。",
            )
        )
    sessions_dir = records_dir / "sessions"
    paths = (
        sorted(p for p in sessions_dir.rglob("*") if p.is_file()) if sessions_dir.is_dir() else []
    )
    session_files: list[SourceFile] = []
    for number, path in enumerate(paths, 1):
        relative = path.relative_to(sessions_dir).as_posix()
        shown = f"{root}/sessions/{relative}"
        parts = relative.split("/")
        folder_unit = parts[0] if len(parts) == 2 else None
        name_ok = (
            len(parts) == 2 and bool(SESSION_NAME.fullmatch(parts[1])) and _real_date(parts[1])
        )
        if not path.name.endswith(".yaml"):
            findings.append(
                Finding("file-name", shown, None, _bad_name_message(relative), unit=folder_unit)
            )
            continue
        if not name_ok:
            findings.append(
                Finding("file-name", shown, None, _bad_name_message(relative), unit=folder_unit)
            )
        session_files.append(SourceFile(shown, _read(path, shown, findings, folder_unit), name_ok))
        if progress is not None:
            progress(number, len(paths))
    return LoadedRecords(records_dir, org_file, session_files, findings)


def _real_date(name: str) -> bool:
    try:
        dt.date.fromisoformat(name[:10])
    except ValueError:
        return False
    return True


def _bad_name_message(relative: str) -> str:
    parts = relative.split("/")
    if len(parts) != 2:
        return (
            f"「sessions/{relative}」放错了位置。每次学习的记录应放在 sessions/<单位编号>/ 文件夹里，"
            "文件名为学习日期，如 sessions/kjxy/2025-10-15.yaml。"
        )
    name = parts[1]
    if name.endswith((".yml", ".YAML", ".Yaml")):
        return (
            f"文件名「{name}」的扩展名应为小写 .yaml，请改名为「{name.rsplit('.', 1)[0]}.yaml」。"
        )
    if not name.endswith(".yaml"):
        return (
            f"sessions/ 下只能放 .yaml 记录文件，「{name}」不是。附件、照片等请勿提交到这里；"
            "若是记录，请改名为 学习日期.yaml，如 2025-10-15.yaml。"
        )
    return (
        f"文件名「{name}」不对。应为学习日期，如 2025-10-15.yaml；同一天第二次学习写 2025-10-15-2.yaml。"
        "日期须是实际存在的日子。"
    )


def validate(loaded: LoadedRecords) -> RecordSet:
    """Schema-check every document, check names against content, build typed records."""
    findings = list(loaded.findings)
    org = _validate_org(loaded.org_file, findings)
    sessions: list[Session] = []
    for source in loaded.session_files:
        try:
            session = _validate_session(source, findings)
        except Exception as err:  # a bug must not hide the other files' findings
            findings.append(unexpected_failure("schema", source.path, err))
            continue
        if session is not None:
            sessions.append(session)
    sessions.sort(key=lambda s: (s.date, s.day_number, s.path))
    return RecordSet(loaded.root, org, sessions, len(loaded.session_files), findings)


def _schema_findings(
    name: str, source: SourceFile, findings: list[Finding], unit: str | None
) -> bool:
    assert source.document is not None
    problems = schemas.validate(name, source.document)
    for problem in problems:
        findings.append(Finding("schema", source.path, problem.line, problem.message, unit=unit))
    return not problems


def phone_as_text(data: object) -> None:
    """An unquoted phone number is read as an integer: take its digits (records.md)."""
    contact = data.get("contact") if isinstance(data, dict) else None
    if isinstance(contact, dict) and type(contact.get("phone")) is int:
        contact["phone"] = str(contact["phone"])


def _validate_session(source: SourceFile, findings: list[Finding]) -> Session | None:
    parts = source.path.split("/")
    folder_unit = parts[-2] if len(parts) >= 4 else None
    if source.document is None:
        return None
    data = source.document.data
    phone_as_text(data)
    unit = (
        data.get("unit")
        if isinstance(data, dict) and isinstance(data.get("unit"), str)
        else folder_unit
    )
    if not _schema_findings("session", source, findings, unit):
        return None
    session = session_from(source.path, source.document)
    ok = source.name_ok
    if source.name_ok:
        file_date = parts[-1][:10]
        if folder_unit != session.unit:
            ok = False
            findings.append(
                Finding(
                    "file-name",
                    source.path,
                    session.line("unit"),
                    f"记录写的单位是「{session.unit}」，但文件放在「{folder_unit}」文件夹里。"
                    f"请把文件移到 sessions/{session.unit}/，或把 unit 改为「{folder_unit}」。",
                    unit=session.unit,
                )
            )
        if file_date != session.date.isoformat():
            ok = False
            findings.append(
                Finding(
                    "file-name",
                    source.path,
                    session.line("date"),
                    f"记录写的学习日期是 {session.date.isoformat()}，但文件名是 {file_date}。"
                    f"请把文件改名为 {session.date.isoformat()}.yaml，或把 date 改为 {file_date}。",
                    unit=session.unit,
                )
            )
    return session if ok else None


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
                "schema",
                source.path,
                source.document.line(["timezone"]),
                f"「时区」（timezone）写的是「{org.timezone}」，没有这个时区。中国大陆请写 Asia/Shanghai。",
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
        found.append(Finding("org-conflict", source.path, line(where), message, unit=unit))

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
