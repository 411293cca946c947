"""The check command as other tools use it: flags, JSON shape, exit codes, time zone."""

from __future__ import annotations

import datetime as dt
import json
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
