"""History: what was filed stays filed.

`history()` compares the records as they are now (the work tree, what `check`
reads) with the same paths at the merge base of a reference (the pull
request's base) and HEAD, in four steps, each returning findings:

1. `collect_versions`: both sides, by path, never through a symbolic link: a
   link or other non-regular entry under records/ (or records/ itself) is
   `file-not-regular`; in the base, where a link stands, the last regular
   version of that path is what was filed;
2. `find_deletions`: `record-deleted` (error), a file in which something had
   been filed is gone, deleted, renamed away or replaced by a link;
3. `find_changes`: `filed-record-changed` (error), see generator/filed.py;
4. `find_backdating`: `filing-backdated` (warning), a filing date added under
   review is more than one day earlier than the day (in the org's time zone)
   of the first commit under review that contains it.

What counts as filed is in DECISIONS.md, "History". Git is only read, never
written; a shallow clone or an unknown reference is a GitError, never a guess.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from generator.filed import PLAN, SESSION, Version, compare, filing_dates, read_version, same_record
from generator.findings import Finding, sorted_findings, unexpected_failure
from generator.gitrepo import Commit, GitError, Repo, TreeEntry
from generator.model import Org
from generator.pipeline import DEFAULT_TIMEZONE, today_in
from generator.records import PLAN_NAME, read_org
from generator.ruleids import Rule

SHALLOW_MESSAGE = (
    "这是一个浅克隆（shallow clone），没有完整的提交历史，无法判断哪些内容已经报送过，"
    "因此没有做历史检查。工作流中请给 actions/checkout 加上 `with: fetch-depth: 0`；"
    "本地请先运行 git fetch --unshallow。"
)

# the folders under records/ whose files are compared, and the kind of record in each
KINDS = {"sessions": SESSION, "plans": PLAN}


@dataclass(slots=True)
class HistoryResult:
    as_of: dt.date
    ref: str  # the reference given (--base)
    base: str  # the merge base of it and HEAD, compared against
    session_files: int  # session files in the work tree
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the records are in Git, how their paths are shown, and their scope."""

    prefix: str  # records/ in Git's spelling, relative to the repository's top
    root: str  # the records folder's own name, as `check` shows paths
    org: Org | None
    not_folders: tuple[str, ...] = ()  # records/ (or a folder above it) is a link

    def shown(self, git_path: str) -> str:
        relative = git_path.removeprefix(self.prefix)
        return f"{self.root}/{relative}" if relative else self.root

    def kind(self, git_path: str) -> str | None:
        """The kind of record a path holds, or None when history does not compare it."""
        relative = git_path.removeprefix(self.prefix)
        folder = relative.split("/", 1)[0]
        return KINDS.get(folder) if relative.endswith(".yaml") and "/" in relative else None

    def scope(self, git_path: str, version: Version | None, group: str | None = None) -> dict:
        """unit, group and semester of a finding; a plan file's also carry its year
        (the one its file name gives), as check's do."""
        parts = git_path.removeprefix(self.prefix).split("/")
        unit = version.data["unit"] if version else parts[1] if len(parts) == 3 else None
        scope: dict = {"unit": unit, "group": group, "semester": None}
        if parts[0] == "plans" and len(parts) == 3 and PLAN_NAME.fullmatch(parts[2]):
            scope["year"] = int(parts[2].removesuffix(".yaml"))
        if self.org is not None and version is not None and version.kind == SESSION:
            try:
                found = self.org.semester_of(dt.date.fromisoformat(version.data["date"]))
            except ValueError:  # not a date: check reports it
                found = None
            scope["semester"] = found.id if found else None
        return scope


# ---------------------------------------------------------------- 1. collecting versions


@dataclass(slots=True)
class Sides:
    """Both sides of the comparison, by Git path, read and normalised."""

    base: dict[str, Version | None] = field(default_factory=dict)  # None: not readable
    new: dict[str, Version | None] = field(default_factory=dict)  # changed files only
    current: set[str] = field(default_factory=set)  # compared files in the work tree
    not_regular: set[str] = field(default_factory=set)  # links and the like, work tree
    unchecked: set[str] = field(default_factory=set)  # unreadable: judged by no one here
    findings: list[Finding] = field(default_factory=list)

    def session_files(self, layout: Layout) -> int:
        return sum(1 for path in self.current if layout.kind(path) == SESSION)

    def is_unchecked(self, path: str) -> bool:
        return any(path == u or path.startswith(u + "/") for u in self.unchecked)


def collect_versions(repo: Repo, records_dir: Path, base: str, layout: Layout) -> Sides:
    """The base's records and the work tree's, without following any link."""
    sides = Sides()
    for folder in layout.not_folders:
        sides.findings.append(_not_regular(layout, folder, whole=True))
    work = {} if layout.not_folders else _work_tree(records_dir, layout, sides)
    base_raw = _base_files(repo, base, layout)
    for path, raw in base_raw.items():
        sides.base[path] = _read_quietly(layout.kind(path), raw)
    for path, raw in work.items():
        sides.current.add(path)
        if base_raw.get(path) == raw:
            continue
        try:
            sides.new[path] = read_version(layout.kind(path) or SESSION, raw)
        except Exception as err:  # a bug must not hide the other files' findings
            sides.unchecked.add(path)
            unit = layout.scope(path, None)["unit"]
            sides.findings.append(
                unexpected_failure(Rule.YAML_SYNTAX, layout.shown(path), err, unit)
            )
    return sides


def _read_quietly(kind: str | None, raw: bytes) -> Version | None:
    """A base version; one that cannot be read has nothing trusted as filed."""
    try:
        return read_version(kind or SESSION, raw)
    except Exception:  # reported on the work tree's side, if the file is still there
        return None


def _work_tree(records_dir: Path, layout: Layout, sides: Sides) -> dict[str, bytes]:
    """Git path → bytes of every compared file under records/; links and other
    non-regular entries, and what cannot be read, become findings."""
    files: dict[str, bytes] = {}
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(records_dir / folder) as listing:
                entries = [(e.name, e.stat(follow_symlinks=False).st_mode) for e in listing]
        except OSError as err:
            sides.unchecked.add(layout.prefix + folder)
            sides.findings.append(_unreadable(layout, layout.prefix + folder, err, folder=True))
            continue
        for name, mode in sorted(entries):
            relative = f"{folder}/{name}" if folder else name
            path = layout.prefix + relative
            if stat.S_ISDIR(mode):
                pending.append(relative)
            elif not stat.S_ISREG(mode):
                sides.not_regular.add(path)
                sides.findings.append(_not_regular(layout, path, whole=False))
            elif layout.kind(path) is not None:
                try:
                    files[path] = (records_dir / relative).read_bytes()
                except OSError as err:
                    sides.unchecked.add(path)
                    sides.findings.append(_unreadable(layout, path, err, folder=False))
    return files


def _base_files(repo: Repo, base: str, layout: Layout) -> dict[str, bytes]:
    """Git path → bytes of every compared file in the base. Where the base has a
    link (or a submodule) instead of a file or folder, what stood at that path
    before it stands in for it: a link merged earlier launders nothing."""
    top = layout.prefix.rstrip("/")
    entry = repo.entry(base, top) if top else None
    if top and (entry is None or entry.kind != "tree"):
        entries = _before_link(repo, base, top)
    else:
        entries = repo.tree(base, layout.prefix)
    blobs: dict[str, str] = {}
    for path, found in entries.items():
        if found.regular:
            blobs[path] = found.oid
        else:
            blobs |= {p: e.oid for p, e in _before_link(repo, base, path).items()}
    contents = repo.blobs(blobs.values())
    return {p: contents.get(b, b"") for p, b in blobs.items() if layout.kind(p) is not None}


def _before_link(repo: Repo, base: str, path: str) -> dict[str, TreeEntry]:
    """The regular files at or under `path` in the newest commit from `base` back
    in which `path` was a regular file or a real folder (none when it never was)."""
    found = repo.last_real(base, path)
    if found is None:
        return {}
    commit, entry = found
    if entry.regular:
        return {path: entry}
    return {p: e for p, e in repo.tree(commit, path + "/").items() if e.regular}


def _not_regular(layout: Layout, path: str, *, whole: bool) -> Finding:
    shown = layout.shown(path) if path.startswith(layout.prefix) else path
    if whole:
        message = (
            f"「{shown}」是符号链接（快捷方式）或不是文件夹。记录必须直接存放在仓库的记录文件夹里，"
            "历史检查只按 Git 里的路径比较，不会顺着链接去读别处的文件；这个文件夹里原有的记录都按被删除处理。"
            "请把它换回真实的文件夹。"
        )
    else:
        message = (
            f"「{shown}」是符号链接（快捷方式）或其他特殊文件，不是普通文件。检查不会顺着链接读取别处的内容，"
            "已报送的记录也不能用链接替换。请删除这个链接，把真实的文件放在这里。"
        )
    return Finding(Rule.FILE_NOT_REGULAR, shown, None, message, **layout.scope(path, None))


def _unreadable(layout: Layout, path: str, err: OSError, *, folder: bool) -> Finding:
    shown = layout.shown(path)
    reason = err.strerror or type(err).__name__
    message = (
        f"无法读取文件夹「{shown}」：{reason}。里面的记录都没有做历史检查；请检查文件夹的权限（应可读）。"
        if folder
        else f"无法读取文件：{reason}。这个文件没有做历史检查；请检查文件权限（应可读）。"
    )
    return Finding(Rule.FILE_ENCODING, shown, None, message, **layout.scope(path, None))


# ---------------------------------------------------------------- 2. deletions and renames


def _deleted_message(renamed_to: str | None, linked: bool) -> str:
    if linked:
        how = "被换成了符号链接（快捷方式）"
    else:
        how = "被删除了" + (f"（看起来被改名为 {renamed_to}）" if renamed_to else "")
    return (
        f"这个记录已有报送内容，却{how}。已报送的记录只能追加、不能删除、改名或换成链接："
        "请恢复这个文件（git checkout 基准提交 -- 文件路径）。日期或单位写错、需要改文件名时，"
        "请联系党委宣传部处理。"
    )


def find_deletions(sides: Sides, layout: Layout) -> tuple[list[Finding], dict[str, str]]:
    """record-deleted findings, and new path → the deleted path it looks renamed from."""
    findings: list[Finding] = []
    renamed_from: dict[str, str] = {}
    for path, version in sorted(sides.base.items()):
        if path in sides.current or sides.is_unchecked(path):
            continue
        if version is None or not filing_dates(version):
            continue  # nothing filed is lost
        linked = any(
            path == link or path.startswith(link + "/")
            for link in (*sides.not_regular, *layout.not_folders)
        )
        renamed = None
        if not linked:
            renamed = next(
                (
                    p
                    for p, v in sides.new.items()
                    if p not in sides.base
                    and v
                    and v.kind == version.kind
                    and same_record(v, version)
                ),
                None,
            )
        if renamed:
            renamed_from[renamed] = path
        message = _deleted_message(layout.shown(renamed) if renamed else None, linked)
        scope = layout.scope(path, version)
        findings.append(Finding(Rule.RECORD_DELETED, layout.shown(path), None, message, **scope))
    return findings, renamed_from


# ---------------------------------------------------------------- 3. changes


def find_changes(sides: Sides, layout: Layout) -> list[Finding]:
    """filed-record-changed findings for every file present on both sides."""
    findings: list[Finding] = []
    for path, version in sorted(sides.new.items()):
        before = sides.base.get(path)
        if before is not None and version is not None and before.kind == version.kind:
            findings += compare(before, version, layout.shown(path), layout.scope(path, version))
    return findings


# ---------------------------------------------------------------- 4. backdating


class UnderReview:
    """The commits under review and the versions of a file in each, read lazily."""

    def __init__(self, repo: Repo, base: str, head: str, layout: Layout) -> None:
        self.repo = repo
        self.layout = layout
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
            self._trees = [
                {
                    p: e.oid
                    for p, e in self.repo.tree(c.sha, self.layout.prefix).items()
                    if e.regular
                }
                for c in self.commits
            ]
        blobs = [tree.get(path) for tree in self._trees]
        wanted = [b for b in blobs if b is not None and b not in self._versions]
        for blob, raw in self.repo.blobs(wanted).items():
            self._versions[blob] = _read_quietly(self.layout.kind(path), raw)
        seen: dict[tuple, Commit] = {}
        for commit, blob in zip(self.commits, blobs, strict=True):
            version = self._versions.get(blob) if blob else None
            if version is None:
                continue
            for identity, filing in filing_dates(version).items():
                seen.setdefault((identity, filing.value), commit)
        return seen


def find_backdating(
    sides: Sides,
    renamed_from: dict[str, str],
    under_review: UnderReview,
    today: dt.date,
) -> list[Finding]:
    """filing-backdated findings for the filing dates new in the range under review."""
    layout = under_review.layout
    zone = zoneinfo.ZoneInfo(layout.org.timezone if layout.org else DEFAULT_TIMEZONE)
    findings: list[Finding] = []
    for path, version in sorted(sides.new.items()):
        if version is None:
            continue
        before_version = sides.base.get(path) or sides.base.get(renamed_from.get(path, ""))
        before = filing_dates(before_version) if before_version else {}
        for identity, filing in filing_dates(version).items():
            if identity in before and before[identity].value == filing.value:
                continue  # filed before this change: already reviewed
            commit = under_review.first_seen(path).get((identity, filing.value))
            recorded = dt.datetime.fromtimestamp(commit.committed, zone).date() if commit else today
            filed = dt.date.fromisoformat(filing.value)
            if (recorded - filed).days <= 1:
                continue
            where = (
                f"这个日期最早出现在 {recorded} 的提交 {commit.sha[:7]} 中"
                if commit
                else f"这一改动还没有提交（今天是 {recorded}）"
            )
            message = (
                f"{filing.what}写的是 {filing.value}，但{where}，早了 {(recorded - filed).days} 天。"
                "报送日期应是实际报送的日期，并在报送后一天内提交；"
                "如确是补录，请在合并请求里说明原因，由党委宣传部确认。"
            )
            scope = layout.scope(path, version, filing.group)
            line = version.line(filing.path)
            findings.append(
                Finding(Rule.FILING_BACKDATED, layout.shown(path), line, message, **scope)
            )
    return findings


# ---------------------------------------------------------------- the whole check


def _range_ends(repo: Repo, base_ref: str) -> tuple[str, str]:
    """(merge base, HEAD), or a GitError that says what to do."""
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
    return base, head


def history(records_dir: Path, base_ref: str, as_of: dt.date | None = None) -> HistoryResult:
    """Compare the records with the merge base of `base_ref` and HEAD."""
    repo = Repo.discover(records_dir)
    base, head = _range_ends(repo, base_ref)
    prefix, not_folders = repo.relative(records_dir)
    org = None if not_folders else read_org(records_dir)
    root = Path(os.path.abspath(records_dir)).name
    layout = Layout(prefix, root, org, tuple(not_folders))
    today = as_of or today_in(org)
    sides = collect_versions(repo, records_dir, base, layout)
    deleted, renamed_from = find_deletions(sides, layout)
    findings = [*sides.findings, *deleted, *find_changes(sides, layout)]
    findings += find_backdating(sides, renamed_from, UnderReview(repo, base, head, layout), today)
    files = sides.session_files(layout)
    return HistoryResult(today, base_ref, base, files, sorted_findings(findings))
