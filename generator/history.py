"""History: what was filed stays filed.

`history()` compares the session files as they are now (the work tree, what
`check` reads) with the same files at the merge base of a reference (the pull
request's base) and HEAD, and reports, as ordinary findings:

- `record-deleted` (error): a session file in which something had been filed
  is gone — deleted, or renamed away;
- `filed-record-changed` (error): a value that had been filed changed (or went
  away) without a new entry appended to `amendments`, or an existing amendment
  was rewritten or removed;
- `filing-backdated` (warning): a filing date added under review is more than
  one day earlier than the day (in the org's time zone) of the first commit
  under review that contains it.

What counts as filed is in DECISIONS.md, "History". Git is only read, never
written; a shallow clone or an unknown reference is a GitError, never a guess.
"""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import schemas
from generator.findings import Finding, sorted_findings
from generator.gitrepo import Commit, GitError, Repo
from generator.model import STUDY_KIND, Org, normalize_time, org_from
from generator.pipeline import DEFAULT_TIMEZONE, CheckResult, today_in
from generator.records import RecordSet, display_root, phone_as_text
from generator.rules import Evaluation
from generator.yamlio import Document, parse

# 附件1: everything on the arrangement form is filed once `filed.arrangement` is set.
FORM_FIELDS = (
    "unit",
    "date",
    "time",
    "location",
    "year_seq",
    "kind",
    "members",
    "host",
    "topics",
    "speakers",
    "contact",
)

SHALLOW_MESSAGE = (
    "这是一个浅克隆（shallow clone），没有完整的提交历史，无法判断哪些内容已经报送过，"
    "因此没有做历史检查。工作流中请给 actions/checkout 加上 `with: fetch-depth: 0`；"
    "本地请先运行 git fetch --unshallow。"
)

DataPath = tuple[str | int, ...]


@dataclass(slots=True)
class HistoryResult:
    as_of: dt.date
    base: str  # the merge base compared against
    session_files: int  # session files in the work tree
    findings: list[Finding]

    def as_check_result(self, records_dir: Path) -> CheckResult:
        """The same shape as `check`'s result, so that report.py renders both alike."""
        records = RecordSet(records_dir, None, [], self.session_files, [])
        return CheckResult(self.as_of, records, Evaluation(self.as_of, list(self.findings)))


@dataclass(frozen=True, slots=True)
class Version:
    """One readable, schema-valid version of a session file."""

    document: Document
    data: dict[str, Any]  # normalised: equal meaning compares equal

    def line(self, path: DataPath, *, key: bool = False) -> int | None:
        """Line of `path` in this version; None when its top-level field is absent."""
        raw: Any = self.document.data
        existing = 0
        for step in path:
            in_list = isinstance(step, int) and isinstance(raw, list) and step < len(raw)
            in_map = isinstance(step, str) and isinstance(raw, dict) and step in raw
            if not (in_list or in_map):
                break
            raw = raw[step]
            existing += 1
        if existing == 0:
            return None
        if existing < len(path):  # gone: point at the key of what is left around it
            return self.document.line(path[:existing], key=True)
        return self.document.line(path, key=key)


def read_version(raw: bytes) -> Version | None:
    """A Version, or None when the bytes are not a valid session (check reports why)."""
    document = parse(raw)
    if document.problems or not isinstance(document.data, dict):
        return None
    data = copy.deepcopy(document.data)
    phone_as_text(data)  # as check reads it
    if not schemas.is_valid("session", data):
        return None
    return Version(document, _normalise(data))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """`9:30` is `09:30`, an absent `kind` is 中心组学习, `null` is absent."""
    data = _drop_none(data)
    data["time"] = normalize_time(data["time"])
    data.setdefault("kind", STUDY_KIND)
    data.setdefault("speakers", [])
    return data


# ---------------------------------------------------------------- what was filed


def _keyed(
    items: list[dict[str, Any]], key: Callable[[dict[str, Any]], tuple]
) -> Iterator[tuple[tuple, int, dict[str, Any]]]:
    """(identity, index, item): identity is the key plus its occurrence, so that
    inserting or reordering entries does not read as a change."""
    seen: dict[tuple, int] = {}
    for index, item in enumerate(items):
        base = key(item)
        seen[base] = seen.get(base, 0) + 1
        yield (*base, seen[base]), index, item


def _audits(data: dict[str, Any]) -> Iterator[tuple[tuple, int, dict[str, Any]]]:
    return _keyed(data.get("audits") or [], lambda a: ("audit", a["group"]))


def _visitors(data: dict[str, Any]) -> Iterator[tuple[tuple, int, dict[str, Any]]]:
    return _keyed(data.get("visitors") or [], lambda v: ("visitor", v["unit"], v["name"]))


@dataclass(frozen=True, slots=True)
class FilingDate:
    value: str  # YYYY-MM-DD
    path: DataPath
    what: str  # Chinese label, for messages
    group: str | None = None


def filing_dates(data: dict[str, Any]) -> dict[tuple, FilingDate]:
    """Every filing date set in a session, keyed by what it is the filing of."""
    dates: dict[tuple, FilingDate] = {}
    filed = data.get("filed") or {}
    if filed.get("arrangement"):
        dates[("arrangement",)] = FilingDate(
            filed["arrangement"], ("filed", "arrangement"), "安排表报送日期（filed.arrangement）"
        )
    if filed.get("post_copy"):
        dates[("post_copy",)] = FilingDate(
            filed["post_copy"], ("filed", "post_copy"), "安排表报宣传部日期（filed.post_copy）"
        )
    for identity, index, audit in _audits(data):
        if audit.get("filed"):
            dates[identity] = FilingDate(
                audit["filed"],
                ("audits", index, "filed"),
                f"列席旁听组「{audit['group']}」的记录表报送日期（filed）",
                group=audit["group"],
            )
    for identity, index, visitor in _visitors(data):
        if visitor.get("report_filed"):
            dates[identity] = FilingDate(
                visitor["report_filed"],
                ("visitors", index, "report_filed"),
                f"列席人{visitor['name']}的列席情况报告日期（report_filed）",
            )
    return dates


# ---------------------------------------------------------------- comparing two versions


@dataclass(frozen=True, slots=True)
class Change:
    path: DataPath | None  # where to point in the new version; None when nothing is left there
    what: str  # Chinese label of the value
    since: str  # which filing made it filed
    old: object
    new: object  # None when the value is gone


def _first_difference(old: Any, new: Any) -> DataPath:
    """Path (below the compared values) of the first place two values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if old.get(key) != new.get(key):
                if key not in new:
                    return ()
                return (key, *_first_difference(old.get(key), new[key]))
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                return ()
            if index >= len(old) or old[index] != new[index]:
                before = old[index] if index < len(old) else None
                return (index, *_first_difference(before, new[index]))
    return ()


def _at(value: Any, path: DataPath) -> Any:
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _label(path: DataPath) -> str:
    dotted = ""
    for step in path:
        dotted += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if dotted else step)
    return f"「{schemas.label(schemas.load_schema('session'), path)}」（{dotted}）"


def _diff(old: Any, new: Any, at: DataPath, since: str, changes: list[Change]) -> None:
    """A Change when the filed value `old` (at path `at`) is not `new` (None: gone)."""
    if old == new:
        return
    if new is None:
        changes.append(Change(at, _label(at), since, old, None))
        return
    below = _first_difference(old, new)
    path = (*at, *below)
    changes.append(Change(path, _label(path), since, _at(old, below), _at(new, below)))


def changes(base: Version, new: Version) -> list[Change]:
    """Filed values of `base` that `new` changed or dropped."""
    b, n = base.data, new.data
    found: list[Change] = []
    b_filed, n_filed = b.get("filed") or {}, n.get("filed") or {}
    if b_filed.get("arrangement"):
        since = f"已随学习安排报送表（{b_filed['arrangement']}）报送"
        for field in FORM_FIELDS:
            _diff(b.get(field), n.get(field), (field,), since, found)
        _diff(
            b_filed["arrangement"],
            n_filed.get("arrangement"),
            ("filed", "arrangement"),
            since,
            found,
        )
    if b_filed.get("post_copy"):
        since = f"已随报党委宣传部的安排表（{b_filed['post_copy']}）报送"
        _diff(b_filed["post_copy"], n_filed.get("post_copy"), ("filed", "post_copy"), since, found)
        if "present" in b:
            _diff(b["present"], n.get("present"), ("present",), since, found)
    _filed_entries(
        _audits(b),
        _audits(n),
        "audits",
        "filed",
        lambda a: f"已随列席旁听记录表（{a['filed']}）报送",
        lambda a: f"列席旁听组「{a['group']}」已报送的列席旁听记录",
        found,
    )
    _filed_entries(
        _visitors(b),
        _visitors(n),
        "visitors",
        "report_filed",
        lambda v: f"已随列席情况书面报告（{v['report_filed']}）报送",
        lambda v: f"列席人{v['name']}（{v['unit']}）的记录",
        found,
    )
    return found


def _filed_entries(
    base_entries: Iterator[tuple[tuple, int, dict[str, Any]]],
    new_entries: Iterator[tuple[tuple, int, dict[str, Any]]],
    field: str,
    filed_key: str,
    since: Callable[[dict[str, Any]], str],
    what: Callable[[dict[str, Any]], str],
    found: list[Change],
) -> None:
    """Audits or visitors: every entry filed in the base must survive unchanged."""
    by_identity = {identity: (index, item) for identity, index, item in new_entries}
    for identity, _, entry in base_entries:
        if not entry.get(filed_key):
            continue
        if identity not in by_identity:
            found.append(Change((field,), what(entry), since(entry), entry, None))
            continue
        index, item = by_identity[identity]
        _diff(entry, item, (field, index), since(entry), found)


def _shown(value: object) -> str | None:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    return None


def _change_message(change: Change) -> str:
    old, new = _shown(change.old), _shown(change.new)
    if change.new is None:
        what = "被删除了"
    elif old is not None and new is not None:
        what = f"由「{old}」改成了「{new}」"
    else:
        what = "被改动了"
    return (
        f"{change.what}{change.since}，这次{what}，但 amendments（更正记录）末尾没有追加新的一条。"
        "已报送的内容不能直接修改：请改回原样；确需更正，请在 amendments 末尾追加一条"
        "（date: 更正日期，reason: 更正了什么、为什么）。"
    )


def _amendment_findings(
    base: Version, new: Version, file: str, scope: dict
) -> tuple[list[Finding], bool]:
    """Findings for rewritten amendments, and whether a new one was appended."""
    old = base.data.get("amendments") or []
    now = new.data.get("amendments") or []
    if now[: len(old)] == old:
        return [], len(now) > len(old)
    index = next(i for i in range(len(old)) if i >= len(now) or now[i] != old[i])
    entry = old[index]
    line = new.line(("amendments", index)) if index < len(now) else new.line(("amendments",))
    message = (
        f"amendments（更正记录）只能在末尾追加：原来的第 {index + 1} 条"
        f"（{entry.get('date')}：{_shown(entry.get('reason')) or ''}）被修改或删除了。"
        "请恢复原有的更正记录，把新的更正写在最后。"
    )
    return [Finding("filed-record-changed", file, line, message, **scope)], False


def compare(base: Version, new: Version, file: str, scope: dict) -> list[Finding]:
    """filed-record-changed findings for one session file."""
    findings, appended = _amendment_findings(base, new, file, scope)
    if appended:
        return findings
    for change in changes(base, new):
        gone = change.new is None
        line = new.line(change.path, key=gone) if change.path is not None else None
        findings.append(
            Finding("filed-record-changed", file, line, _change_message(change), **scope)
        )
    return findings


# ---------------------------------------------------------------- the whole check


def read_org(records_dir: Path) -> Org | None:
    """org.yaml as an Org, or None when it is missing or invalid (check says why)."""
    try:
        document = parse((records_dir / "org.yaml").read_bytes())
    except OSError:
        return None
    if document.problems or not schemas.is_valid("org", document.data):
        return None
    org = org_from(document)
    try:
        zoneinfo.ZoneInfo(org.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return org


def _scope(
    org: Org | None, version: Version | None, folder_unit: str | None, group: str | None = None
) -> dict:
    unit = version.data["unit"] if version else folder_unit
    semester = None
    if org is not None and version is not None:
        found = org.semester_of(dt.date.fromisoformat(version.data["date"]))
        semester = found.id if found else None
    return {"unit": unit, "group": group, "semester": semester}


def _deleted_message(renamed_to: str | None) -> str:
    where = f"（看起来被改名为 {renamed_to}）" if renamed_to else ""
    return (
        f"这个学习记录已有报送内容，却被删除了{where}。已报送的记录只能追加、不能删除或改名："
        "请恢复这个文件（git checkout 基准提交 -- 文件路径）。学习日期或单位写错、需要改文件名时，"
        "请联系党委宣传部处理。"
    )


def _same_record(a: Version, b: Version) -> bool:
    strip = ("unit", "date")
    return {k: v for k, v in a.data.items() if k not in strip} == {
        k: v for k, v in b.data.items() if k not in strip
    }


class _Range:
    """The commits under review and the versions of a file in each, read lazily."""

    def __init__(self, repo: Repo, base: str, head: str, prefix: str) -> None:
        self.repo = repo
        self.prefix = prefix
        self.commits: list[Commit] = repo.commits(base, head)
        self._trees: list[dict[str, str]] | None = None
        self._versions: dict[str, Version | None] = {}
        self._seen: dict[str, dict[tuple, Commit]] = {}

    def first_seen(self, path: str) -> dict[tuple, Commit]:
        """(filing identity, date) → the first commit under review that contains it."""
        if path not in self._seen:
            self._seen[path] = self._first_seen(path)
        return self._seen[path]

    def _first_seen(self, path: str) -> dict[tuple, Commit]:
        if self._trees is None:
            self._trees = [self.repo.files(c.sha, self.prefix) for c in self.commits]
        blobs = [tree.get(path) for tree in self._trees]
        wanted = [b for b in blobs if b is not None and b not in self._versions]
        for blob, raw in self.repo.blobs(wanted).items():
            self._versions[blob] = read_version(raw)
        seen: dict[tuple, Commit] = {}
        for commit, blob in zip(self.commits, blobs, strict=True):
            version = self._versions.get(blob) if blob else None
            if version is None:
                continue
            for identity, filing in filing_dates(version.data).items():
                seen.setdefault((identity, filing.value), commit)
        return seen


def history(records_dir: Path, base_ref: str, as_of: dt.date | None = None) -> HistoryResult:
    """Compare the records with the merge base of `base_ref` and HEAD."""
    repo = Repo.discover(records_dir)
    if repo.is_shallow():
        raise GitError(SHALLOW_MESSAGE)
    head = repo.head()
    if head is None:
        raise GitError("仓库还没有任何提交，无法比较历史。")
    ref = repo.resolve(base_ref)
    if ref is None:
        raise GitError(
            f"找不到比较基准「{base_ref}」。请检查 --base 的写法，或先运行 git fetch origin"
            "（工作流中给 actions/checkout 加上 `with: fetch-depth: 0`）。"
        )
    base = repo.merge_base(ref, head)
    if base is None:
        raise GitError(
            f"「{base_ref}」与当前提交没有共同的祖先，无法比较历史。请确认比较基准是本仓库的主分支。"
        )
    org = read_org(records_dir)
    zone = zoneinfo.ZoneInfo(org.timezone if org else DEFAULT_TIMEZONE)
    today = as_of or today_in(org)
    prefix = repo.relative(records_dir) + "sessions/"
    shown_root = display_root(records_dir)

    def shown(git_path: str) -> str:
        return f"{shown_root}/sessions/{git_path.removeprefix(prefix)}"

    def folder_unit(git_path: str) -> str | None:
        parts = git_path.removeprefix(prefix).split("/")
        return parts[0] if len(parts) == 2 else None

    base_files = {p: b for p, b in repo.files(base, prefix).items() if p.endswith(".yaml")}
    base_raw = repo.blobs(base_files.values())
    sessions_dir = records_dir / "sessions"
    current: dict[str, bytes] = {}
    if sessions_dir.is_dir():
        for path in sorted(sessions_dir.rglob("*.yaml")):
            if path.is_file():
                current[prefix + path.relative_to(sessions_dir).as_posix()] = path.read_bytes()

    findings: list[Finding] = []
    base_versions: dict[str, Version | None] = {}
    changed: dict[str, Version] = {}
    renamed_from: dict[str, str] = {}  # new path -> the deleted path it looks renamed from
    for git_path, raw in current.items():
        old = base_raw.get(base_files.get(git_path, ""))
        if old == raw:
            continue
        version = read_version(raw)
        if version is not None:
            changed[git_path] = version
    for git_path, blob in sorted(base_files.items()):
        base_version = read_version(base_raw.get(blob, b""))
        base_versions[git_path] = base_version
        if git_path not in current:
            if base_version is None or not filing_dates(base_version.data):
                continue
            renamed = next(
                (
                    p
                    for p, v in changed.items()
                    if p not in base_files and _same_record(v, base_version)
                ),
                None,
            )
            if renamed:
                renamed_from[renamed] = git_path
            findings.append(
                Finding(
                    "record-deleted",
                    shown(git_path),
                    None,
                    _deleted_message(shown(renamed) if renamed else None),
                    **_scope(org, base_version, folder_unit(git_path)),
                )
            )
            continue
        new_version = changed.get(git_path)
        if base_version is not None and new_version is not None:
            findings.extend(
                compare(
                    base_version,
                    new_version,
                    shown(git_path),
                    _scope(org, new_version, folder_unit(git_path)),
                )
            )

    under_review = _Range(repo, base, head, prefix)
    for git_path, version in changed.items():
        base_version = base_versions.get(git_path) or base_versions.get(
            renamed_from.get(git_path, "")
        )
        before = filing_dates(base_version.data) if base_version else {}
        for identity, filing in filing_dates(version.data).items():
            if identity in before and before[identity].value == filing.value:
                continue  # filed before this change: already reviewed
            commit = under_review.first_seen(git_path).get((identity, filing.value))
            recorded = dt.datetime.fromtimestamp(commit.committed, zone).date() if commit else today
            filed = dt.date.fromisoformat(filing.value)
            if (recorded - filed).days <= 1:
                continue
            where = (
                f"这个日期最早出现在 {recorded} 的提交 {commit.sha[:7]} 中"
                if commit
                else f"这一改动还没有提交（今天是 {recorded}）"
            )
            findings.append(
                Finding(
                    "filing-backdated",
                    shown(git_path),
                    version.line(filing.path),
                    f"{filing.what}写的是 {filing.value}，但{where}，早了 {(recorded - filed).days} 天。"
                    "报送日期应是实际报送的日期，并在报送后一天内提交；"
                    "如确是补录，请在合并请求里说明原因，由党委宣传部确认。",
                    **_scope(org, version, folder_unit(git_path), filing.group),
                )
            )
    return HistoryResult(today, base, len(current), sorted_findings(findings))
