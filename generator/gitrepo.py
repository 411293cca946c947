"""Read-only Git plumbing for the history check: nothing here writes to the repository.

Every command runs with `-z` or a fixed format, so paths with spaces or Chinese
characters come back exactly; any failure becomes a GitError whose message
says in Chinese what to do.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
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


@dataclass(frozen=True, slots=True)
class Repo:
    top: Path  # the work tree's top folder

    @classmethod
    def discover(cls, path: Path) -> Repo:
        """The repository that contains `path`."""
        out = _run(path, "rev-parse", "--show-toplevel", check=False).strip()
        if not out:
            raise GitError(
                f"「{path}」不在 Git 仓库里。历史检查要比较提交记录：请在仓库的工作目录中运行。"
            )
        return cls(Path(out.decode("utf-8")))

    def git(self, *args: str, stdin: bytes | None = None, check: bool = True) -> bytes:
        return _run(self.top, *args, stdin=stdin, check=check)

    def relative(self, path: Path) -> str:
        """`path` relative to the top, in Git's spelling (`records/`), '' for the top."""
        relative = path.resolve().relative_to(self.top.resolve()).as_posix()
        return "" if relative == "." else relative + "/"

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

    def files(self, commit: str, prefix: str) -> dict[str, str]:
        """path → blob id of every file under `prefix` in `commit`."""
        out = self.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
        files: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, blob = meta.decode().split(" ")
            if kind == "blob" and mode != "120000":  # files only, no symlinks
                files[path.decode("utf-8", "surrogateescape")] = blob
        return files

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
