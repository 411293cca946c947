"""Rule cases as data: every tests/cases/**/case.yaml is one test (see tests/cases/README.md)."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from pathlib import Path

import pytest

from generator.pipeline import check
from generator.yamlio import parse

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.rglob("case.yaml"))
KEYS = ("rule", "file", "line", "unit", "group", "semester", "month", "year")


def _materialise(case_dir: Path, spec: dict, tmp_path: Path) -> Path:
    target = tmp_path / "case"
    shutil.copytree(case_dir, target)
    for relative, encoded in (spec.get("files_b64") or {}).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(encoded))
    for relative in spec.get("remove") or ():  # git keeps no empty folder: it may be absent
        shutil.rmtree(target / relative, ignore_errors=True)
    for relative, link_target in (spec.get("symlinks") or {}).items():
        link = target / relative  # made here: a copied tree would hold the linked content
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(link_target)
    for item in spec.get("generate") or ():
        path = target / item["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.get("prefix", "") + item["repeat"] * item["times"], encoding="utf-8")
    return target / "records"


def _matches(expected: dict, finding: dict) -> bool:
    return all(finding.get(key) == value for key, value in expected.items() if key in KEYS)


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: str(p.parent.relative_to(CASES)))
def test_case(case_file: Path, tmp_path: Path) -> None:
    document = parse(case_file.read_bytes())  # the project's one YAML loader: dates stay text
    assert not document.problems, document.problems
    spec = document.data
    assert isinstance(spec, dict)
    as_of = dt.date.fromisoformat(spec["as_of"])
    records = _materialise(case_file.parent, spec, tmp_path)
    result = check(records, as_of)
    actual = [f.as_json() for f in result.findings]
    expected = spec["expect"] or []
    unmatched = list(actual)
    missing = []
    for entry in expected:
        # without a rule an entry would match any finding at its place: refuse the case
        assert isinstance(entry, dict) and entry.get("rule"), (
            f"{case_file}: an expect entry lacks rule"
        )
        hit = next((f for f in unmatched if _matches(entry, f)), None)
        if hit is None:
            missing.append(entry)
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        f"{spec.get('description', '')}\nmissing: {missing}\nunexpected: "
        + "\n".join(f"{f['rule']} {f['file']}:{f['line']} {f['message']}" for f in unmatched)
    )
    for finding in result.findings:
        assert finding.message, "every finding says what to fix"
