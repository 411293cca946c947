"""The check command as other tools use it: flags, JSON shape, exit codes, time zone."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.model import Org
from generator.pipeline import today_in

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # `python -m generator` from anywhere
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def broken_records(tmp_path: Path) -> Path:
    records = tmp_path / "mine"
    shutil.copytree(SAMPLES, records)
    target = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("location:", "loction:", 1), encoding="utf-8")
    return records


def test_json_output_has_the_spec_shape_and_paths() -> None:
    result = run("check", "--as-of", "2026-11-29", "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {"as_of", "sessions", "findings"}
    assert payload["as_of"] == "2026-11-29"
    assert payload["sessions"] == len(list((SAMPLES / "sessions").rglob("*.yaml")))
    assert payload["findings"], "the sample records carry planted departures"
    for finding in payload["findings"]:
        assert list(finding) == [
            "rule",
            "severity",
            "file",
            "line",
            "unit",
            "group",
            "semester",
            "month",
            "message",
            *(["year"] if finding["rule"].startswith("plan-") else []),  # v2: plan findings
        ]
        assert finding["severity"] == "warning"
        assert finding["file"] is None or finding["file"].startswith(
            ("records/sessions/", "records/plans/")
        )


def test_paths_are_relative_to_the_records_parent_and_errors_fail(broken_records: Path) -> None:
    result = run(
        "check", "--records", str(broken_records), "--as-of", "2026-11-29", "--format", "json"
    )
    assert result.returncode == 1
    errors = [f for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    # the schema sees a missing field and an unknown one; both messages name the fix
    assert [(f["rule"], f["file"], f["line"]) for f in errors] == [
        ("schema", "mine/sessions/kjxy/2026-10-12.yaml", 2),
        ("schema", "mine/sessions/kjxy/2026-10-12.yaml", 5),
    ]
    for error in errors:
        assert "「location」" in error["message"] and "学习地点" in error["message"]


def test_fail_on_warning_turns_warnings_into_failure() -> None:
    assert run("check", "--as-of", "2026-11-29", "--format", "json").returncode == 0
    assert run("check", "--as-of", "2026-11-29", "--fail-on", "warning").returncode == 1


def test_text_report_is_grouped_by_file_with_lines(broken_records: Path) -> None:
    result = run("check", "--records", str(broken_records), "--as-of", "2026-11-29")
    assert "mine/sessions/kjxy/2026-10-12.yaml\n  第 2 行  [错误]" in result.stdout
    assert "\n  第 5 行  [错误]" in result.stdout
    assert "是不是想写「location」（学习地点）" in result.stdout
    assert "发现 2 个错误" in result.stdout


def test_bad_as_of_is_explained_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["check", "--as-of", "2026/11/29"])
    assert stop.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_missing_records_folder_is_explained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--records", str(tmp_path / "nope")])
    assert "找不到记录文件夹" in capsys.readouterr().err


def test_today_is_taken_in_the_org_time_zone() -> None:
    late_evening_utc = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC)
    assert today_in(None, late_evening_utc) == dt.date(2026, 11, 30)  # Asia/Shanghai by default
    org = Org("x", "America/New_York", (), {}, {}, [], {}, 0.9, frozenset(), frozenset())
    assert today_in(org, late_evening_utc) == dt.date(2026, 11, 29)


def test_missing_org_skips_org_checks_but_reports_it(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    (records / "org.yaml").unlink()
    result = run("check", "--records", str(records), "--as-of", "2026-11-29", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [("schema", "records/org.yaml")]
    assert result.returncode == 1


# ---------------------------------------------------------------- check FILE…


@pytest.fixture
def two_problems(tmp_path: Path) -> Path:
    """A schema error in kjxy, and an xxgc session repeating the year_seq of an earlier one."""
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    broken = records / "sessions" / "kjxy" / "2026-10-12.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("location:", "loction:", 1), encoding="utf-8"
    )
    repeat = records / "sessions" / "xxgc" / "2026-11-05.yaml"
    repeat.write_text(
        repeat.read_text(encoding="utf-8").replace("year_seq: 7", "year_seq: 6"), encoding="utf-8"
    )
    return tmp_path


def test_check_reports_only_on_the_named_files_but_judges_them_all(two_problems: Path) -> None:
    """What pre-commit passes: the files of the commit. A repeated year_seq needs the
    other files to be seen; a broken file that was not named is not reported."""
    named = "records/sessions/xxgc/2026-11-05.yaml"
    done = run("check", "--as-of", "2026-11-29", "--format", "json", named, cwd=two_problems)
    findings = json.loads(done.stdout)["findings"]
    assert {(f["rule"], f["file"]) for f in findings} == {
        ("duplicate-seq", named),
        ("audit-record-missing", named),
    }
    assert done.returncode == 1  # the duplicate-seq error is in the named file
    # a folder names every file under it; the exit status is that of what is reported
    done = run("check", "--as-of", "2026-11-29", "--format", "json", "records/sessions/glxy/",
               cwd=two_problems)  # fmt: skip
    findings = json.loads(done.stdout)["findings"]
    assert findings and {f["file"].split("/")[2] for f in findings} == {"glxy"}
    assert done.returncode == 0, "the errors of kjxy and xxgc were not named"
    # text: says that only the named files are reported, and no period finding creeps in
    done = run("check", "--as-of", "2026-11-29", "records/sessions/kjxy", cwd=two_problems)
    assert done.returncode == 1
    assert "只报告 records/sessions/kjxy 中的问题" in done.stdout
    assert "loction" in done.stdout and "xxgc" not in done.stdout
    assert "按单位、学期统计" not in done.stdout
    # without names, everything
    assert "xxgc" in run("check", "--as-of", "2026-11-29", cwd=two_problems).stdout


def test_check_paths_are_relative_to_where_it_runs(two_problems: Path) -> None:
    records = two_problems / "records"
    named = str(records / "sessions" / "kjxy" / "2026-10-12.yaml")
    done = run("check", "--records", str(records), "--as-of", "2026-11-29", "--format", "json",
               named, cwd=ROOT)  # fmt: skip
    assert {f["rule"] for f in json.loads(done.stdout)["findings"]} == {"schema"}


def test_check_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    done = run("check", "records/sessions/kjxy/2099-01-01.yaml")
    assert done.returncode == 2
    assert "找不到" in done.stderr and "2099-01-01.yaml" in done.stderr


def test_the_pre_commit_hook_passes_the_file_names() -> None:
    from generator.yamlio import parse

    hooks = parse((ROOT / ".pre-commit-hooks.yaml").read_bytes()).data
    hook = next(h for h in hooks if h["id"] == "zxz-check")
    assert hook["pass_filenames"] is True and hook["entry"] == "python -m generator check"


# ---------------------------------------------------------------- argparse in Chinese


def _parsers(parser=None):
    """The main parser and every sub-command's."""
    from generator.cli import build_parser

    parser = parser or build_parser()
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


@pytest.mark.parametrize(
    "command", ["check", "build", "serve", "history", "overdue", "codeowners", "new", "export"]
)
def test_help_is_in_chinese(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([command, "--help"], ["--help"]):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith("用法：python -m generator")
        assert "\n选项：\n" in text and "显示帮助并退出" in text
        for english in ("usage:", "options:", "show this help", "positional arguments"):
            assert english not in text
        # no upper-case placeholders such as RECORDS or AS_OF
        assert not re.search(r"--[a-z-]+ [A-Z_]{2,}", text), text


def test_every_flag_has_help_text() -> None:
    for parser in _parsers():
        for action in parser._actions:
            assert action.help and action.help.strip(), (parser.prog, action.option_strings)
            assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", action.help), action.help


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["check", "--format", "xml"], "参数 --format：「xml」不是可选的值（可选：text, json, github）"),
        (["check", "--bogus"], "不认识的参数：--bogus"),
        (["new", "--date", "2026-12-01"], "缺少必填参数：--unit"),
        (["new", "--unit", "kjxy", "--date", "2026-12-01", "--members", "十五"],
         "参数 --members：「十五」不是整数"),
        (["new", "--unit", "kjxy", "--date", "2026-12-01", "--audit", "--visitor"],
         "参数 --visitor：不能与 --audit 同时使用"),
        (["history"], "缺少必填参数：--base"),
        ([], "缺少必填参数：命令"),
    ],
)  # fmt: skip
def test_argument_errors_are_in_chinese(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert err.startswith("用法：")
    for english in ("usage", "argument", "invalid", "required", "error:"):
        assert english not in err


def test_the_text_report_shows_no_rule_ids(broken_records: Path) -> None:
    """Liaisons read the text report: Chinese titles only. Tools read the ids (JSON, GitHub)."""
    done = run("check", "--records", str(broken_records), "--as-of", "2026-11-29")
    headings = [line for line in done.stdout.splitlines() if "[错误]" in line or "[警告]" in line]
    assert len(headings) >= 5
    assert "[错误] 字段内容不符合要求" in done.stdout
    for line in headings:
        assert not re.search(r"[a-z]+-[a-z]+|（schema）", line), line
    github = run("check", "--records", str(broken_records), "--as-of", "2026-11-29",
                 "--format", "github")  # fmt: skip
    assert "(arrangement-late)" in github.stdout and "schema" in github.stdout
