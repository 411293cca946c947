"""What the reporters print: record text never drives a terminal or a log, and
JSON is valid UTF-8 whatever the file names."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from generator.cli import main
from generator.escape import utf8, visible

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "records"
SESSION = "sessions/glxy/2026-03-25.yaml"
# clear the screen, turn red, reorder the rest (RLO), a C1 CSI, a zero-width space
HOSTILE = "\x1b[2J\x1b[31m张\u202e三\x9b31m\u200b李\x07"


def raw_controls(text: str) -> list[str]:
    """Characters a terminal or a log would act on or hide, besides the line breaks."""
    return [
        c for c in text if c != "\n" and unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"}
    ]


def test_visible_and_utf8() -> None:
    assert visible("会计学院　301 室") == "会计学院　301 室", "spaces of any width stay"
    assert visible(HOSTILE) == "\\x1b[2J\\x1b[31m张\\u202e三\\x9b31m\\u200b李\\x07"
    assert visible("a\nb\tc") == "a\\x0ab\\x09c"
    name = os.fsdecode(b"\xff\xfe.yaml")
    assert visible(name) == utf8(name) == "\\xff\\xfe.yaml"
    assert utf8(HOSTILE) == HOSTILE, "JSON escapes control characters itself"


@pytest.fixture
def records(tmp_path: Path) -> Path:
    target = tmp_path / "records"
    shutil.copytree(SAMPLES, target)
    session = target / SESSION
    text = session.read_text(encoding="utf-8")
    name = re.search(r"visitors:\n  - unit: \w+\n    name: (\S+)", text).group(1)
    session.write_text(text.replace(f"name: {name}", f"name: {json.dumps(HOSTILE)}", 1), "utf-8")
    return target


@pytest.mark.parametrize("form", ["text", "github"])
def test_control_characters_from_a_record_are_shown_escaped(records: Path, form: str, capsys):
    args = ["check", "--records", str(records), "--as-of", "2026-11-29", "--format", form]
    main(args)
    out = capsys.readouterr().out
    assert "\\x1b[2J\\x1b[31m张\\u202e三" in out, "the name is there, escaped"
    assert raw_controls(out) == []
    main([*args[:-1], "json"])
    payload = json.loads(capsys.readouterr().out)
    assert any(HOSTILE in f["message"] for f in payload["findings"]), "JSON keeps the text exact"


def test_control_characters_in_history_text(tmp_path: Path, capsys) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES, repo / "records")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e.invalid", *args],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )
    session = repo / "records" / "sessions" / "kjxy" / "2026-10-12.yaml"
    text = session.read_text(encoding="utf-8")
    location = next(line for line in text.splitlines() if line.startswith("location: "))
    session.write_text(text.replace(location, f"location: {json.dumps(HOSTILE)}"), "utf-8")
    main(["history", "--records", str(repo / "records"), "--base", "main", "--as-of", "2026-11-29"])
    out = capsys.readouterr().out
    assert "已报送内容被修改" in out and "\\x1b[2J" in out  # the text report names rules in Chinese
    assert raw_controls(out) == []


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_json_is_valid_utf8_with_a_file_name_that_is_not(tmp_path: Path, locale: str) -> None:
    records = tmp_path / "records"
    shutil.copytree(SAMPLES, records)
    folder = os.fsencode(records / "sessions" / "kjxy")
    with open(folder + b"/\xb2\xe2\xca\xd4.yaml", "wb") as handle:  # 测试 in GBK
        handle.write(b"unit: kjxy\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIO"))}
    env |= {"LC_ALL": locale, "LANG": locale}
    as_of = ["--as-of", "2026-11-29", "--format"]
    for form in ("json", "text"):
        done = subprocess.run(
            [sys.executable, "-m", "generator", "check", "--records", str(records), *as_of, form],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
        out = done.stdout.decode("utf-8")  # strict: raises on invalid UTF-8
        shown = "records/sessions/kjxy/\\xb2\\xe2\\xca\\xd4.yaml"
        if form == "json":
            assert shown in {f["file"] for f in json.loads(out)["findings"]}
        else:
            assert shown in out
