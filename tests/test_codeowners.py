"""CODEOWNERS from org.yaml, read back the way GitHub and Gitea read it."""

from __future__ import annotations

import fnmatch
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.codeowners import render
from generator.records import read_org

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"


@pytest.fixture
def org(tmp_path: Path):
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    org_file = records / "org.yaml"
    text = org_file.read_text(encoding="utf-8")
    text = text.replace(
        "liaison: {name: 周文静, title: 会计学院党政秘书}",
        "liaison: {name: 周文静, title: 会计学院党政秘书, github: zhouwj}",
    )
    text = text.replace(
        "liaison: {name: 吴晓东, title: 经济学院党政秘书}",
        "liaison: {name: 吴晓东, title: 经济学院党政秘书, github: wu-xd}",
    )
    org_file.write_text(text, encoding="utf-8")
    loaded = read_org(records)
    assert loaded is not None
    return loaded


def github_owners(text: str, path: str) -> list[str]:
    """GitHub's rule: the last matching pattern wins (gitignore-style, anchored with /)."""
    owners: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *names = line.split()
        if pattern == "*":
            hit = True
        elif pattern.endswith("/"):
            hit = ("/" + path).startswith(pattern)
        else:
            hit = fnmatch.fnmatch("/" + path, pattern)
        if hit:
            owners = names
    return owners


def gitea_owners(text: str, path: str) -> set[str]:
    """Gitea's rule: anchored Go regexps, every matching line adds its owners."""
    owners: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *names = line.split()
        regexp = pattern.replace("\\\\", "\\")  # Gitea unescapes `\\` first
        if re.fullmatch(regexp, path):
            owners |= set(names)
    return owners


def test_github_flavor(org) -> None:
    text, warnings = render(org, "records/")
    assert github_owners(text, "records/sessions/kjxy/2026-10-12.yaml") == [
        "@zhouwj",
        "@xcb-admins",
    ]
    assert github_owners(text, "records/sessions/jjxy/2026-05-14.yaml") == ["@wu-xd", "@xcb-admins"]
    assert github_owners(text, "records/sessions/glxy/2026-04-09.yaml") == ["@xcb-admins"]
    for path in (
        "records/org.yaml",
        ".github/workflows/check.yml",
        ".github/CODEOWNERS",
        "generator/rules.py",
        "README.md",
    ):
        assert github_owners(text, path) == ["@xcb-admins"], path
    assert len(warnings) == 1 and "郑雨萱" in warnings[0], "g3's liaison has no handle"
    assert "联络员郑雨萱未登记 github 账号" in text


def test_gitea_flavor(org) -> None:
    text, _ = render(org, "records/", "gitea")
    assert gitea_owners(text, "records/sessions/kjxy/2026-10-12.yaml") == {"@zhouwj", "@xcb-admins"}
    assert gitea_owners(text, "records/sessions/glxy/2026-04-09.yaml") == {"@xcb-admins"}
    assert gitea_owners(text, ".github/workflows/check.yml") == {"@xcb-admins"}
    assert gitea_owners(text, "records/org.yaml") == {"@xcb-admins"}
    assert gitea_owners(text, "recordsXorg.yaml") == {"@xcb-admins"}, "dots are escaped"
    assert "records/sessions/kjxy/.*" in text


def test_no_owners_is_said(org) -> None:
    org.owners = ()
    text, warnings = render(org, "records/")
    assert any("owners" in w for w in warnings)
    assert github_owners(text, "README.md") == []
    assert github_owners(text, "records/sessions/kjxy/2026-10-12.yaml") == ["@zhouwj"]


def test_committed_codeowners_matches_org_yaml(monkeypatch, capsys) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["codeowners", "--check"]) == 0, capsys.readouterr().err


def test_command_writes_and_checks(tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(SAMPLES, tmp_path / "records")
    monkeypatch.chdir(tmp_path)
    assert main(["codeowners", "--check"]) == 1
    assert "重新生成" in capsys.readouterr().err
    assert main(["codeowners"]) == 0
    written = (tmp_path / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "/records/sessions/kjxy/ @xcb-admins" in written
    assert main(["codeowners", "--check"]) == 0
    assert main(["codeowners", "--flavor", "gitea"]) == 0
    assert (tmp_path / ".gitea" / "CODEOWNERS").is_file()
    (tmp_path / "records" / "org.yaml").write_text("units: [\n", encoding="utf-8")
    assert main(["codeowners"]) == 2
    assert "org.yaml" in capsys.readouterr().err


def test_pull_request_template_is_a_chinese_checklist() -> None:
    template = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    boxes = re.findall(r"^- \[ \] (.+)$", template, re.MULTILINE)
    assert len(boxes) >= 8
    for needed in ("amendments", "first_topic", "python -m generator check", "文件名"):
        assert any(needed in box for box in boxes), needed
    assert re.search(r"[\u4e00-\u9fff]", template)
