"""The filing-kind table is the one place a kind is described (issue 10)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from generator import kinds
from generator.filed import SESSION, filing_dates, read_version
from generator.findings import RULE_TITLES, RULES, Severity
from generator.pipeline import check

SAMPLES = Path(__file__).resolve().parent.parent / "records"
AS_OF = dt.date(2026, 11, 29)


def test_every_kind_brings_its_rule_ids_and_titles() -> None:
    for kind in kinds.FILING_KINDS.values():
        assert RULES[kind.late_rule] is Severity.WARNING
        assert RULES[kind.missing_rule] is Severity.WARNING
        assert RULE_TITLES[kind.late_rule] == kind.late_title
        assert RULE_TITLES[kind.missing_rule] == kind.missing_title


def test_a_new_table_entry_is_judged_shown_and_protected(monkeypatch: pytest.MonkeyPatch) -> None:
    """An entry added to the table (here a second copy of the 附件2, due a day
    earlier) is owed, judged and protected without a line of code elsewhere."""
    audit_record = kinds.FILING_KINDS[kinds.Kind.AUDIT_RECORD]
    copy = dataclasses.replace(audit_record, key="audit_copy", label="列席旁听记录表（副本）")
    before = check(SAMPLES, AS_OF).evaluation.filings
    monkeypatch.setitem(kinds.FILING_KINDS, "audit_copy", copy)  # type: ignore[index]
    after = check(SAMPLES, AS_OF)

    originals = [f for f in after.evaluation.filings if f.kind == kinds.Kind.AUDIT_RECORD]
    copies = [f for f in after.evaluation.filings if f.kind == "audit_copy"]
    assert originals and len(copies) == len(originals)
    assert [(f.session.path, f.group, f.due, f.status) for f in copies] == [
        (f.session.path, f.group, f.due, f.status) for f in originals
    ]
    assert {f.label for f in copies} == {"列席旁听记录表（副本）"}
    assert len(after.evaluation.filings) == len(before) + len(copies)
    late = [f for f in copies if f.status.value == "late"]
    assert late  # judged by the entry's deadline, as the 附件2 it copies

    text = (SAMPLES / "sessions").rglob("*.yaml")
    filed = next(
        version
        for path in sorted(text)
        if (version := read_version(SESSION, path.read_bytes())) is not None
        and any(a.get("filed") for a in version.data.get("audits") or [])
    )
    identities = {identity[0] for identity in filing_dates(filed)}
    assert {"audit_record", "audit_copy"} <= identities
