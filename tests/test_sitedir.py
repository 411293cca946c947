"""Destructive paths refused (generator/sitedir.py): `build` empties only a site it built,
and `export` (full phone numbers) never writes into a built site.

Every command runs in a fresh copy of the repository in a temporary folder — a
`build --site-dir records` that got through would delete the copy's records, not
this checkout's — and every refusal is checked to have deleted and written nothing.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.sitedir import MARKER

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = "tests/golden/records"
AS_OF = "2026-11-29"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The repository's files (tracked, or new and not ignored), as a fresh clone has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    repo = tmp_path / "repo"
    for name in listed.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file() and not source.is_symlink():
            target = repo / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    return repo


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in repo.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo).parts
    }


def refused(repo: Path, *args: str) -> str:
    """Run a command that must be refused; nothing may change. Returns its stderr."""
    before = snapshot(repo)
    done = run(repo, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "程序内部错误" not in done.stderr
    assert snapshot(repo) == before
    return done.stderr


@pytest.mark.parametrize(
    ("site_dir", "says"),
    [
        ("records", "记录文件夹「"),
        ("records/sessions", "记录文件夹「"),
        ("docs", "手写文档文件夹 docs「"),
        ("docs/images", "手写文档文件夹 docs「"),
        (".", "记录文件夹「"),
        ("build", "构建文件夹「"),
    ],
)
def test_build_refuses_to_empty_the_records_docs_or_the_repository(clone, site_dir, says):
    err = refused(clone, "build", "--as-of", AS_OF, "--site-dir", site_dir)
    assert f"站点文件夹「{site_dir}」" in err and says in err and "什么也没有删除" in err


def test_build_refuses_a_folder_holding_tracked_files(clone):
    subprocess.run(["git", "init", "-q"], cwd=clone, check=True)
    (clone / "notes").mkdir()
    (clone / "notes" / "meeting.md").write_text("会议纪要\n", encoding="utf-8")
    subprocess.run(["git", "add", "notes/meeting.md"], cwd=clone, check=True)
    err = refused(clone, "build", "--records", GOLDEN, "--as-of", AS_OF, "--site-dir", "notes")
    assert "站点文件夹「notes」" in err and "git" in err


def test_build_refuses_a_folder_it_did_not_build(clone):
    (clone / "photos").mkdir()
    (clone / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    err = refused(clone, "build", "--records", GOLDEN, "--as-of", AS_OF, "--site-dir", "photos")
    assert "站点文件夹「photos」" in err and MARKER in err
    # a build folder whose docs/ it would replace, without the mkdocs.yml it writes
    (clone / "work" / "docs").mkdir(parents=True)
    (clone / "work" / "docs" / "draft.md").write_text("草稿\n", encoding="utf-8")
    args = ("--site-dir", "out", "--build-dir", "work")
    err = refused(clone, "build", "--records", GOLDEN, "--as-of", AS_OF, *args)
    assert "构建文件夹「work」" in err and "mkdocs.yml" in err


def test_build_refuses_a_symlink_to_the_records(clone):
    (clone / "site").symlink_to(clone / "records", target_is_directory=True)
    err = refused(clone, "build", "--as-of", AS_OF)
    assert "站点文件夹「site」" in err and "记录文件夹" in err


def test_build_rebuilds_its_own_site_and_export_stays_out_of_it(clone):
    args = ("build", "--records", GOLDEN, "--as-of", AS_OF)
    first = run(clone, *args)
    assert first.returncode == 0, first.stderr
    site = clone / "site"
    assert (site / MARKER).is_file() and (site / "sessions" / "zzb" / "2026-12-08.html").is_file()
    (clone / GOLDEN / "sessions" / "zzb" / "2026-12-08.yaml").unlink()
    again = run(clone, *args)  # over its own marked output: emptied and rebuilt
    assert again.returncode == 0, again.stderr
    assert (site / MARKER).is_file() and (site / "index.html").is_file()
    assert not (site / "sessions" / "zzb" / "2026-12-08.html").exists()

    # export, which writes full numbers, refuses the site and any folder in it
    for out in ("site", "site/exports", "site/sessions/new"):
        err = refused(clone, "export", "--records", GOLDEN, "--as-of", AS_OF, "--out", out)
        assert "没有导出" in err and "site" in err and MARKER in err
    # by default it writes exports/ at the repository root, which git ignores
    done = run(clone, "export", "--records", GOLDEN, "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert "/exports/" in (clone / ".gitignore").read_text(encoding="utf-8").splitlines()
    office = word_text(clone / "exports" / "sessions" / "dwa" / "2026-10-14.docx")
    published = word_text(site / "exports" / "sessions" / "dwa" / "2026-10-14.docx")
    assert "13800001234" in office
    assert "13800001234" not in published and "138****1234" in published


def word_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")
