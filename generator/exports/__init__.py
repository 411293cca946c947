"""Every record in the forms offices use: Word (附件1/附件2), Excel (台账) and calendars (.ics).

Each module is a pure function from checked records to bytes; `write_exports`
writes them all under `<out_dir>/exports/` for the site to link:

    exports/sessions/<unit>/<slug>.docx      附件1 and each 附件2 of one session
    exports/units/<unit>/<semester>.docx      all of them of one unit in one semester
    exports/<semester>.xlsx, exports/all.xlsx 台账 of a semester / of everything
    exports/<semester>-circular.docx          通报 of a semester that has started
    exports/calendar/all.ics                  every session of the college
    exports/calendar/units/<unit>.ics         one unit's sessions
    exports/calendar/groups/<group>.ics       the sessions an audit group sits in on

`common.session_docx_path`, `semester_xlsx_path` and `calendar_path` give these
paths, so pages link to them without repeating the layout.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.exports.circulars import Circulars, lower_priority
from generator.exports.common import (
    EXPORTS,
    FULL,
    Privacy,
    calendar_path,
    circular_docx_path,
    masked,
    semester_sessions,
    semester_xlsx_path,
    session_docx_path,
    unit_name,
    unit_semester_docx_path,
)
from generator.exports.docx import merged_docx, session_docx
from generator.pipeline import CheckResult
from generator.sitedir import check_export_dir

if TYPE_CHECKING:
    from generator.exports.ics import calendar_ics
    from generator.exports.xlsx import Ledger, semester_xlsx

# The Excel and calendar writers are imported when first needed: the chart worker
# imports this package for the 通报 alone (their libraries cost it about half a second).
_LAZY = {"calendar_ics": "generator.exports.ics", "semester_xlsx": "generator.exports.xlsx"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXPORTS",
    "FULL",
    "BackgroundExports",
    "Privacy",
    "calendar_ics",
    "calendar_path",
    "export_count",
    "export_files",
    "iter_exports",
    "masked",
    "merged_docx",
    "semester_xlsx",
    "semester_xlsx_path",
    "session_docx",
    "session_docx_path",
    "unit_semester_docx_path",
    "write_exports",
]


def export_count(result: CheckResult) -> int:
    """How many files `iter_exports` yields."""
    org = result.records.org
    semesters = len(org.semesters) if org else 0
    started = len(_started(result))
    feeds_ = 1 + (len(org.units) + len(org.groups) if org else 0)
    merged = len(semester_sessions(org, result.records.sessions))
    return len(result.records.sessions) + merged + semesters + started + 1 + feeds_


def _started(result: CheckResult) -> list[str]:
    """The semesters whose 通报 (draft) the site offers: those begun by the as-of day."""
    org = result.records.org
    return [s.id for s in org.semesters if s.start <= result.as_of] if org else []


def iter_exports(
    result: CheckResult,
    page_url: dict[str, str] | None = None,
    privacy: Privacy = FULL,
    circulars: Circulars | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Every export as (path relative to the output folder, bytes), one at a time.
    `circulars`: the build's (it draws the 通报 while the rest is written); else made here."""
    from generator.exports.xlsx import Ledger

    org = result.records.org
    ledger = Ledger.of(result)
    with ExitStack() as stack:
        if circulars is None and org is not None:
            circulars = stack.enter_context(Circulars(ledger.figures, privacy, charts=False))
        yield from _exports(result, page_url, privacy, ledger, circulars)


def _exports(
    result: CheckResult,
    page_url: dict[str, str] | None,
    privacy: Privacy,
    ledger: Ledger,
    circulars: Circulars | None,
) -> Iterator[tuple[str, bytes]]:
    for relative, make in export_jobs(result, page_url, privacy, ledger):
        yield relative, make()
    for semester_id in circulars.semesters if circulars else ():  # last: drawn meanwhile
        yield circular_docx_path(semester_id), circulars.docx(semester_id)


Job = tuple[str, Callable[[], bytes]]


def export_jobs(
    result: CheckResult, page_url: dict[str, str] | None, privacy: Privacy, ledger: Ledger
) -> Iterator[Job]:
    """Every export but the 通报 as (path, how to make its bytes): the paths are cheap,
    the bytes are not, so a build can lay out the paths first and make the bytes
    in a second process (`BackgroundExports`)."""
    from generator.exports.ics import Calendars, feeds
    from generator.exports.xlsx import semester_xlsx

    org = result.records.org
    for session in result.records.sessions:
        yield session_docx_path(session), partial(session_docx, session, org, privacy)
    if org is not None:
        names = {s.id: s.name for s in org.semesters}
        for (unit, semester), sessions in semester_sessions(org, result.records.sessions).items():
            title = f"{unit_name(org, unit)} {names[semester]} 中心组学习表格（附件1、附件2）"
            yield (
                unit_semester_docx_path(unit, semester),
                partial(merged_docx, sessions, org, title, privacy),
            )
    for semester in org.semesters if org else []:
        yield (
            semester_xlsx_path(semester.id),
            partial(semester_xlsx, result, semester.id, privacy, ledger),
        )
    yield semester_xlsx_path(None), partial(semester_xlsx, result, None, privacy, ledger)
    calendars = Calendars(result, page_url, privacy)
    for kind, ident, name, sessions in feeds(result):
        yield calendar_path(kind, ident), partial(calendars.calendar, sessions, name)


class BackgroundExports:
    """The site build's exports, written by a forked second process while this one
    renders pages and runs mkdocs (the exports do not depend on mkdocs, and the Word
    and Excel files are a good part of a long build). The worker may first do other work
    of the build's (`first`: the site renders half its pages there). Every path is
    laid out first as an empty file, so mkdocs finds what the pages link to; `finish`
    waits for the worker and copies the real files into the built site. The worker
    runs the same functions on the same (forked) data, so the bytes are those of
    `write_exports`; if it cannot start or fails, `finish` does the work here, which
    raises here when the records are the cause. The 通报 (drawn by the chart worker)
    are laid out by `circulars_from` and written by `finish`."""

    def __init__(self, result: CheckResult, out_dir: Path, page_url: dict[str, str] | None,
                 privacy: Privacy, first: Callable[[], None] | None = None) -> None:  # fmt: skip
        """`first`: other work of the build's that the worker does before the exports
        (a share of the pages); `wait_first` waits for it."""
        from generator.exports.xlsx import Ledger

        check_export_dir(out_dir)
        self.out_dir = out_dir
        # the largest first (the 台账 of everything takes a fifth of the exports' time), so
        # that the worker and, in finish, this process end together
        jobs = export_jobs(result, page_url, privacy, Ledger.of(result))
        self.jobs = sorted(jobs, key=lambda job: _largest_first(job[0]))
        self.circulars: list[str] = []
        self._circulars: Circulars | None = None
        for relative, _ in self.jobs:
            _touch(out_dir / relative)
        self._first = first
        self._worker: multiprocessing.process.BaseProcess | None = None
        if threading.active_count() > 1:
            # a fork copies only this thread: a lock another thread holds (a browser
            # driver's, in the tests) would stay locked in the child forever
            return
        try:  # fork: the worker shares the checked records instead of copying them
            context = multiprocessing.get_context("fork")
            self._first_done = context.Event()
            self._next_job = context.Value("i", 0)  # taken by the worker and, in finish, here
            self._worker = context.Process(
                target=_work,
                args=(out_dir, self.jobs, first, self._first_done, self._next_job),
                daemon=True,
            )
            self._worker.start()
        except (OSError, ValueError):  # no process to be had (or no fork): do it in finish
            self._worker = None

    def wait_first(self) -> None:
        """Wait until the worker has done `first`; do it here when the worker cannot
        (not started, or stopped before it was done)."""
        first, self._first = self._first, None
        if first is None:
            return
        while self._worker is not None:
            if self._first_done.wait(0.05):
                return
            if not self._worker.is_alive():
                if self._first_done.is_set():
                    return
                break
        first()

    def circulars_from(self, circulars: Circulars | None) -> None:
        """The 通报 of `circulars`, still being drawn by the chart worker: laid out now as
        empty files, so mkdocs finds what the pages link to; `finish` writes them."""
        self._circulars = circulars
        for semester_id in circulars.semesters if circulars else ():
            relative = circular_docx_path(semester_id)
            _touch(self.out_dir / relative)
            self.circulars.append(relative)

    def finish(self, site_dir: Path | None = None) -> int:
        """Wait for the worker (or do its work), then copy every export into `site_dir`
        (mkdocs copied them while they were being written). Returns the file count."""
        if self._worker is not None:
            # mkdocs is done: this process takes the exports the worker has not begun
            _write_jobs(self.out_dir, self.jobs, self._next_job)
            self._worker.join()
            failed = self._worker.exitcode != 0
            self._worker = None
        else:
            failed = True
        if failed:  # all of them again: a job the worker took may be half-written
            _write_jobs(self.out_dir, self.jobs)
        circulars, self._circulars = self._circulars, None
        # the newest first: the chart worker works from the oldest, and what it has not
        # begun is made here instead of waited for
        for semester_id in reversed(circulars.semesters if circulars else ()):
            _write(self.out_dir / circular_docx_path(semester_id), circulars.docx(semester_id))
        paths = [relative for relative, _ in self.jobs] + self.circulars
        if site_dir is not None:
            for relative in paths:
                target = site_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(self.out_dir / relative, target)
        return len(paths)

    def stop(self) -> None:
        """Stop the worker when the build fails before `finish`."""
        if self._worker is not None:
            self._worker.kill()
            self._worker.join()
            self._worker = None


def _largest_first(relative: str) -> int:
    if relative == semester_xlsx_path(None):
        return 0
    return 1 if relative.endswith(".xlsx") else 2


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _work(
    out_dir: Path,
    jobs: list[Job],
    first: Callable[[], None] | None,
    first_done: Any,
    next_job: Any,
) -> None:
    """The worker: `first`, then the exports, at a lower priority: mkdocs, in the build's
    process meanwhile, is what the build waits for."""
    if first is not None:
        first()
    first_done.set()
    lower_priority()
    _write_jobs(out_dir, jobs, next_job)


def _write_jobs(out_dir: Path, jobs: list[Job], next_job: Any = None) -> None:
    """Every job; with `next_job` (a counter shared by two processes) each job that one
    of them takes first."""
    if next_job is None:
        for relative, make in jobs:
            _write(out_dir / relative, make())
        return
    while True:
        with next_job.get_lock():
            taken = next_job.value
            next_job.value = taken + 1
        if taken >= len(jobs):
            return
        relative, make = jobs[taken]
        _write(out_dir / relative, make())


def export_files(
    result: CheckResult, page_url: dict[str, str] | None = None, privacy: Privacy = FULL
) -> dict[str, bytes]:
    """Every export, by its path relative to the output folder."""
    return dict(iter_exports(result, page_url, privacy))


def write_exports(
    result: CheckResult,
    out_dir: Path,
    page_url: dict[str, str] | None = None,
    privacy: Privacy = FULL,
    progress: Callable[[int, int], None] | None = None,
    circulars: Circulars | None = None,
) -> list[Path]:
    """Write every export under `out_dir/exports/` (removing what a previous run left
    there that the records no longer produce) and return the paths written.

    `page_url` maps a session's path to the absolute address of its page, for the
    calendars' links; leave it out when unknown. `privacy`: FULL for the department's
    own copies (`python -m generator export`), `masked()` for the published site.
    Refuses (sitedir.UnsafeFolder) a folder in a built site: the site build writes its
    masked copies into its build folder, `export` its full ones anywhere else."""
    check_export_dir(out_dir)
    root = out_dir / EXPORTS
    old = {p for p in root.rglob("*") if p.is_file()} if root.is_dir() else set()
    written: list[Path] = []
    total = export_count(result)
    for relative, data in iter_exports(result, page_url, privacy, circulars):
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
        if progress is not None:
            progress(len(written), total)
    for path in old - set(written):
        path.unlink()
    return written
