"""The whole check, stage by stage: load → validate → rules."""

from __future__ import annotations

import datetime as dt
import gc
import zoneinfo
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.findings import Finding, sorted_findings
from generator.model import Org
from generator.records import RecordSet, load, validate
from generator.rules import Evaluation, evaluate

DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass(slots=True)
class CheckResult:
    as_of: dt.date
    records: RecordSet
    evaluation: Evaluation

    @property
    def findings(self) -> list[Finding]:
        return self.evaluation.findings


def today_in(org: Org | None, now: dt.datetime | None = None) -> dt.date:
    """Today in the org's time zone, not the machine's."""
    zone = zoneinfo.ZoneInfo(org.timezone if org else DEFAULT_TIMEZONE)
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading keeps every file's node tree for line look-ups: hundreds of thousands
    of long-lived, acyclic objects. The cyclic collector would rescan them again and
    again while they pile up (more than doubling load time at 3,000 files) and could
    free none of them, so it rests until the stage is over. Then they are frozen
    (moved out of the collector's sight): they live as long as the result does, and
    the first collection after the stage would otherwise walk them all once more."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def check(
    records_dir: Path,
    as_of: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    with _gc_paused():
        records = validate(load(records_dir, progress))
        today = as_of or today_in(records.org)
        evaluation = evaluate(records, today)
        evaluation.findings = sorted_findings(evaluation.findings)
    return CheckResult(today, records, evaluation)
