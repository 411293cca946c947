"""What every `new` workflow shares: the refusal, the result, the schema's labels,
loading the records and writing a session file in place."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import schemas
from generator.findings import Finding
from generator.model import Org, Session, Unit
from generator.pipeline import CheckResult, check
from generator.yamlio import Document, parse

SLUG = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(-[0-9]+)?")

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


def schema_label(schema: str, *path: str) -> str:
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


def label(*path: str) -> str:
    """A session field's Chinese label, from the schema."""
    return schema_label("session", *path)


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


def unit_of(org: Org, unit_id: str) -> Unit:
    unit = org.units.get(unit_id)
    if unit is None:
        known = "、".join(f"{u.id}（{u.name}）" for u in org.units.values())
        raise NewError(f"没有编号为「{unit_id}」的单位。请用 --unit 写下面的编号之一：{known}。")
    return unit


def shown_path(result: CheckResult, path: Path) -> str:
    return (
        f"{result.records.root.resolve().name}/{path.relative_to(result.records.root).as_posix()}"
    )


def findings_for(records_dir: Path, today: dt.date, shown: str) -> list[Finding]:
    return [f for f in check(records_dir, today).findings if f.file == shown]


def validated(text: str, schema: str = "session") -> Document:
    document = parse(text.encode("utf-8"))
    problems = [p.message for p in document.problems]
    if not problems:
        problems = [p.message for p in schemas.validate(schema, document)]
    if problems:
        raise NewError(
            "要写入的内容没有通过格式检查，已取消，没有写入任何文件：\n  "
            + "\n  ".join(problems)
            + "\n请检查输入的内容。"
        )
    return document


def session_file(result: CheckResult, org: Org, unit_id: str, slug: str) -> tuple[Path, Session]:
    unit_of(org, unit_id)
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
            f"找不到 {shown_path(result, path)}。{hint}"
            "请核对单位和日期；新的一次学习请先用 python -m generator new 建立。"
        )
    shown = shown_path(result, path)
    session = next((s for s in result.records.sessions if s.path == shown), None)
    if session is None:
        errors = [f.message for f in result.findings if f.file == shown]
        raise NewError(
            f"{shown} 现在有错误，先改好才能自动添加：\n  "
            + "\n  ".join(errors or ["请运行 python -m generator check 查看。"])
        )
    return path, session


def write_in_place(path: Path, old: bytes, new_text: str) -> None:
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


def check_filed(label: str, filed: dt.date | None, session: Session, today: dt.date) -> list[str]:
    if filed is None:
        return []
    if filed < session.date:
        return [f"{label} {filed} 早于学习日期 {session.date}：学习之后才能报送。"]
    if filed > today:
        return [f"{label} {filed} 晚于今天（{today}）：请写实际报送的日期，还没报送就先不写。"]
    return []


def read_session(path: Path) -> tuple[bytes, str, Document]:
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    return raw, text, parse(raw)


def reparse_same(new_text: str, expected: dict[str, Any]) -> None:
    document = validated(new_text)
    if document.data != expected:  # pragma: no cover - a bug in the insertion, never written
        raise NewError("自动添加的结果与预期不一致，已取消，没有修改文件。请把此命令发给管理员。")


@dataclass(frozen=True, slots=True)
class Editing:
    """A session file about to be edited in place: where it is and what it holds."""

    records_dir: Path
    org: Org
    path: Path
    session: Session
    shown: str  # as the checker names it
    today: dt.date

    def write(self, raw: bytes, new_text: str, expected: dict[str, Any]) -> Written:
        """`new_text`, checked to load as `expected`, written over `raw`; with what
        `check` now says about the file."""
        reparse_same(new_text, expected)
        write_in_place(self.path, raw, new_text)
        findings = findings_for(self.records_dir, self.today, self.shown)
        return Written(self.path, self.shown, findings, False)


def open_session(records_dir: Path, unit_id: str, slug: str, today: dt.date | None) -> Editing:
    """The session <unit>/<slug>.yaml to add to; refused when it is missing or invalid."""
    result, org = load(records_dir, today)
    path, session = session_file(result, org, unit_id, slug)
    return Editing(records_dir, org, path, session, shown_path(result, path), result.as_of)
