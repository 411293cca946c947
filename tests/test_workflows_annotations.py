"""Record text cannot forge or break a workflow annotation (`--format github`).

A liaison controls the text of a record (a visitor's name, a location) and, in a
pull request, the name of a file. Whatever it holds — `%`, line breaks,
`::error::`, `,` or `:` in a file name — the annotations printed must be exactly
ours, one per finding, and decode back to the finding's own text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.escape import visible

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"

HOSTILE = (
    "张%0A::error::伪造%25\n::warning file=records/org.yaml,line=1::假的\r\n%::stop-commands::x"
)
COMMAND = re.compile(r"::(error|warning) ((?:[a-z]+=[^,:]*)(?:,[a-z]+=[^,:]*)*)::(.*)")


def decode(text: str) -> str:
    out, i = [], 0
    codes = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    while i < len(text):
        if text[i] == "%":
            assert text[i : i + 3] in codes, f"stray % in {text!r}"
            out.append(codes[text[i : i + 3]])
            i += 3
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def yaml_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def annotations(command: list[str], capsys) -> tuple[list[dict], list[str]]:
    """Run one command in json and in github format; return findings and output lines."""
    capsys.readouterr()
    main([*command, "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    main([*command, "--format", "github"])
    return findings, capsys.readouterr().out.split("\n")


def assert_exactly_ours(findings: list[dict], lines: list[str]) -> None:
    assert not any("\r" in line for line in lines), "a carriage return would start a new line"
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(findings), "one annotation per finding, none forged"
    others = [line for line in lines if line and not line.startswith("::")]
    assert len(others) == 1 and "共检查" in others[0], "only the summary line besides"
    for line, finding in zip(commands, findings, strict=True):
        match = COMMAND.fullmatch(line)
        assert match, line
        kind, props, data = match.groups()
        assert kind == ("error" if finding["severity"] == "error" else "warning")
        fields = dict(p.split("=", 1) for p in props.split(","))
        # the finding's own text, its control characters (line breaks too) shown escaped
        assert decode(data) == visible(finding["message"])
        if finding["file"]:
            assert decode(fields["file"]) == visible(finding["file"])
            assert fields.get("line") == (str(finding["line"]) if finding["line"] else None)
        assert finding["rule"] in decode(fields["title"])


@pytest.fixture
def records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(SAMPLES, target)
    return target


def test_hostile_visitor_name_in_check(records: Path, capsys) -> None:
    session = records / "sessions" / "glxy" / "2026-03-25.yaml"
    text = session.read_text(encoding="utf-8")
    name = re.search(r"visitors:\n  - unit: \w+\n    name: (\S+)", text).group(1)
    session.write_text(text.replace(f"name: {name}", f"name: {yaml_quoted(HOSTILE)}", 1), "utf-8")
    command = ["check", "--records", str(records), "--as-of", "2026-11-29"]
    findings, lines = annotations(command, capsys)
    hostile = [f for f in findings if f["rule"] == "visitor-not-leader"]
    assert hostile and HOSTILE in hostile[0]["message"], "the text reaches a message"
    assert_exactly_ours(findings, lines)


def test_hostile_file_name_in_check(records: Path, capsys) -> None:
    bad = records / "sessions" / "kjxy" / "x,line=1::error::伪造\n::warning::y%0A.yaml"
    bad.write_text("unit: kjxy\n", encoding="utf-8")
    command = ["check", "--records", str(records), "--as-of", "2026-11-29"]
    findings, lines = annotations(command, capsys)
    assert any("::error::伪造\n" in (f["file"] or "") for f in findings)
    assert_exactly_ours(findings, lines)


def test_hostile_location_in_history(tmp_path: Path, capsys) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES, repo / "records")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e.invalid", *args],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )

    session = repo / "records" / "sessions" / "kjxy" / "2026-10-12.yaml"
    text = session.read_text(encoding="utf-8")
    location = re.search(r"^location: (.*)$", text, re.MULTILINE).group(1)
    session.write_text(text.replace(location, yaml_quoted(HOSTILE + "一"), 1), "utf-8")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    session.write_text(text.replace(location, yaml_quoted(HOSTILE + "二"), 1), "utf-8")
    command = [
        "history",
        "--records",
        str(repo / "records"),
        "--base",
        "main",
        "--as-of",
        "2026-11-29",
    ]
    findings, lines = annotations(command, capsys)
    assert [f["rule"] for f in findings] == ["filed-record-changed"]
    assert HOSTILE[:20] in findings[0]["message"]
    assert_exactly_ours(findings, lines)


def test_step_summary_rows_stay_rows(records: Path, capsys, tmp_path: Path, monkeypatch) -> None:
    session = records / "sessions" / "glxy" / "2026-03-25.yaml"
    text = session.read_text(encoding="utf-8")
    name = re.search(r"visitors:\n  - unit: \w+\n    name: (\S+)", text).group(1)
    evil = "a|b\n| x | y |\n<script>@everyone"
    session.write_text(text.replace(f"name: {name}", f"name: {yaml_quoted(evil)}", 1), "utf-8")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    main(["check", "--records", str(records), "--as-of", "2026-11-29", "--format", "github"])
    capsys.readouterr()
    rows = [r for r in summary.read_text(encoding="utf-8").splitlines() if r.startswith("|")]
    assert len(rows) > 2
    assert all(r.count("|") == 7 for r in rows), "six cells in every row"
    assert "<script>" not in summary.read_text(encoding="utf-8")
