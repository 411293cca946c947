"""The pipeline as a whole: every problem of every file in one run, bugs contained per file."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator import records as records_module
from generator.pipeline import check

SAMPLES = Path(__file__).resolve().parent.parent / "records"


def test_an_unexpected_failure_on_one_file_is_a_finding_for_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    real = records_module.session_from

    def flaky(path: str, document):  # type: ignore[no-untyped-def]
        if path.endswith("kjxy/2026-10-12.yaml"):
            raise RuntimeError("boom")
        return real(path, document)

    monkeypatch.setattr(records_module, "session_from", flaky)
    result = check(records, dt.date(2026, 11, 29))
    failures = [f for f in result.findings if f.file and f.file.endswith("kjxy/2026-10-12.yaml")]
    assert [(f.rule, f.severity.label) for f in failures] == [("schema", "error")]
    assert "意外错误" in failures[0].message
    # the other 94 files were still checked: the planted departures elsewhere are all there
    assert {f.rule for f in result.findings} >= {
        "arrangement-late",
        "audit-record-late",
        "group-audit-missing",
    }


def test_every_broken_file_is_reported_in_one_run(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    sessions = records / "sessions"
    (sessions / "kjxy" / "2026-03-12.yaml").write_bytes("location: 会计学院\n".encode("gbk"))
    (sessions / "xxgc" / "2026-03-12.yaml").write_text("unit: xxgc\n\tdate: x\n", encoding="utf-8")
    (sessions / "jjxy" / "notes.txt").write_text("备忘", encoding="utf-8")
    result = check(records, dt.date(2026, 11, 29))
    errors = {(f.rule, f.file) for f in result.findings if f.severity.label == "error"}
    assert errors == {
        ("file-encoding", "records/sessions/kjxy/2026-03-12.yaml"),
        ("yaml-syntax", "records/sessions/xxgc/2026-03-12.yaml"),
        ("file-name", "records/sessions/jjxy/notes.txt"),
    }


def test_a_folder_that_cannot_be_read_is_a_finding_not_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 8: an unreadable unit folder was skipped silently (exit 0, a site without the
    unit). Root reads any folder, so the refusal is simulated where the loader lists it."""
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    real = records_module.os.scandir

    def refusing(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "kjxy":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(records_module.os, "scandir", refusing)
    result = check(records, dt.date(2026, 11, 29))
    unreadable = [f for f in result.findings if f.file == "records/sessions/kjxy"]
    assert [(f.rule, f.severity.label, f.unit) for f in unreadable] == [
        ("file-encoding", "error", "kjxy")
    ]
    assert "无法读取" in unreadable[0].message and "权限" in unreadable[0].message
    assert not any(s.unit == "kjxy" for s in result.records.sessions)
