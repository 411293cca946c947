"""Read-only Git plumbing for the history check: nothing here writes to the repository.

Every command runs with `-z` or a fixed format, so paths with spaces or Chinese
characters come back exactly; any failure becomes a GitError whose message
says in Chinese what to do.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """Git cannot answer the question: the message says why and what to do."""


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never prompt, never page, never translate git's own output.
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C"})
    return env


def _run(cwd: Path, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=_git_env(),
            check=False,
        )
    except FileNotFoundError as err:
        raise GitError("找不到 git 命令。请先安装 Git。") from err
    if check and done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]} 失败：{detail}")
    return done.stdout if done.returncode == 0 else b""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    committed: int  # committer time, seconds since the epoch


# A regular file in Git: mode 100644, or 100755 when executable. 120000 is a
# symbolic link, 160000 a submodule (gitlink).
REGULAR_MODES = frozenset({"100644", "100755"})


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str
    kind: str  # blob, tree or commit
    oid: str

    @property
    def regular(self) -> bool:
        return self.kind == "blob" and self.mode in REGULAR_MODES

    @property
    def link(self) -> bool:
        return self.mode == "120000"


def _entries(out: bytes) -> Iterator[tuple[str, TreeEntry]]:
    """`git ls-tree -z` output as (path, entry); paths keep undecodable bytes
    (surrogateescape), so a file name is never lost or merged with another."""
    for line in out.split(b"\0"):
        if not line:
            continue
        meta, _, path = line.partition(b"\t")
        mode, kind, oid = meta.decode().split(" ")
        yield path.decode("utf-8", "surrogateescape"), TreeEntry(mode, kind, oid)


@dataclass(frozen=True, slots=True)
class Repo:
    top: Path  # the work tree's top folder

    @classmethod
    def discover(cls, path: Path) -> Repo:
        """The repository that contains `path`, asked from the nearest folder on the
        way up that is a real folder: a link could lead into another repository."""
        start = Path(os.path.abspath(path))
        while (os.path.islink(start) or not start.is_dir()) and start.parent != start:
            start = start.parent
        out = _run(start, "rev-parse", "--show-toplevel", check=False).strip()
        if not out:
            raise GitError(
                f"「{path}」不在 Git 仓库里。历史检查要比较提交记录：请在仓库的工作目录中运行。"
            )
        return cls(Path(os.fsdecode(out)))

    def git(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        return _run(self.top, *args, stdin=stdin, check=check)

    def relative(self, path: Path) -> tuple[str, list[str]]:
        """`path` relative to the top in Git's spelling (`records/`, '' for the top),
        found without resolving symbolic links below the top, and the folders on the
        way (`records`, …) that are links or not folders at all: Git stores a link as
        a link, so a path through one names nothing in any commit."""
        given = Path(os.path.abspath(path))
        top = os.path.realpath(self.top)
        # the outermost folder that is the top: `records` linked to `.` is the top
        # too, but it is a link inside the repository, not the top itself
        here = next(
            (p for p in reversed([given, *given.parents]) if os.path.realpath(p) == top), None
        )
        if here is None:
            raise GitError(f"「{path}」不在仓库「{self.top}」里。")
        parts = list(given.relative_to(here).parts)
        not_folders = [
            "/".join(parts[: i + 1])
            for i in range(len(parts))
            if os.path.islink(here.joinpath(*parts[: i + 1]))
            or not here.joinpath(*parts[: i + 1]).is_dir()
        ]
        return ("/".join(parts) + "/" if parts else ""), not_folders

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def resolve(self, ref: str) -> str | None:
        """The commit `ref` names, or None when there is no such commit here."""
        if not ref or ref.startswith("-"):
            return None
        out = self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return out.decode().strip() or None

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.git("merge-base", a, b, check=False)
        return out.decode().strip() or None

    def head(self) -> str | None:
        return self.resolve("HEAD")

    def tree(self, commit: str, prefix: str) -> dict[str, TreeEntry]:
        """path → entry of everything under `prefix` in `commit`: files, and links and
        submodules too, which are never followed but must be seen."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
        return dict(_entries(out))

    def entry(self, commit: str, path: str) -> TreeEntry | None:
        """The entry at exactly `path` (a file, link, folder or submodule), or None."""
        out = self.git("ls-tree", "-z", "--full-tree", commit, "--", path.rstrip("/"))
        return dict(_entries(out)).get(path.rstrip("/"))

    def last_real(self, start: str, path: str) -> tuple[str, TreeEntry] | None:
        """The newest commit reachable from `start` in which `path` is a regular file
        or a real folder, and that entry: where a link now stands, what stood there
        before it."""
        out = self.git("log", "--format=%H", start, "--", path.rstrip("/"))
        for commit in out.decode().split():
            found = self.entry(commit, path)
            if found is not None and (found.regular or found.kind == "tree"):
                return commit, found
        return None

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """Contents of many blobs in one `git cat-file --batch`."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        out = self.git("cat-file", "--batch", stdin="".join(f"{i}\n" for i in wanted).encode())
        contents: dict[str, bytes] = {}
        position = 0
        for blob in wanted:
            newline = out.index(b"\n", position)
            header = out[position:newline].decode().split(" ")
            position = newline + 1
            if len(header) != 3:  # "<id> missing"
                continue
            size = int(header[2])
            contents[blob] = out[position : position + size]
            position += size + 1
        return contents

    def commits(self, base: str, head: str) -> list[Commit]:
        """Commits reachable from `head` but not from `base`, oldest first."""
        out = self.git("log", "--reverse", "--topo-order", "--format=%H %ct", f"{base}..{head}")
        commits = []
        for line in out.decode().splitlines():
            sha, _, stamp = line.partition(" ")
            commits.append(Commit(sha, int(stamp)))
        return commits
