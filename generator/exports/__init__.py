"""Every record in the forms offices use: Word (附件1/附件2), Excel (台账) and calendars (.ics).

Each module is a pure function from checked records to bytes; `write_exports`
writes them all under `<out_dir>/exports/` for the site to link:

    exports/sessions/<unit>/<slug>.docx      附件1 and each 附件2 of one session
    exports/<semester>.xlsx, exports/all.xlsx 台账 of a semester / of everything
    exports/calendar/all.ics                  every session of the college
    exports/calendar/units/<unit>.ics         one unit's sessions
    exports/calendar/groups/<group>.ics       the sessions an audit group sits in on

`common.session_docx_path`, `semester_xlsx_path` and `calendar_path` give these
paths, so pages link to them without repeating the layout.
"""

from __future__ import annotations

from pathlib import Path

from generator.exports.common import (
    EXPORTS,
    calendar_path,
    semester_xlsx_path,
    session_docx_path,
)
from generator.exports.docx import session_docx
from generator.exports.ics import calendar_ics, feeds
from generator.exports.xlsx import semester_xlsx
from generator.pipeline import CheckResult

__all__ = [
    "EXPORTS",
    "calendar_ics",
    "calendar_path",
    "export_files",
    "semester_xlsx",
    "semester_xlsx_path",
    "session_docx",
    "session_docx_path",
    "write_exports",
]


def export_files(result: CheckResult, page_url: dict[str, str] | None = None) -> dict[str, bytes]:
    """Every export, by its path relative to the output folder."""
    org = result.records.org
    files: dict[str, bytes] = {}
    for session in result.records.sessions:
        files[session_docx_path(session)] = session_docx(session, org)
    for semester in org.semesters if org else []:
        files[semester_xlsx_path(semester.id)] = semester_xlsx(result, semester.id)
    files[semester_xlsx_path(None)] = semester_xlsx(result, None)
    for kind, ident, name, sessions in feeds(result):
        files[calendar_path(kind, ident)] = calendar_ics(result, sessions, name, page_url)
    return files


def write_exports(
    result: CheckResult, out_dir: Path, page_url: dict[str, str] | None = None
) -> list[Path]:
    """Write every export under `out_dir/exports/` (replacing what a previous run left
    there) and return the paths written. `page_url` maps a session's path to the
    absolute address of its page, for the calendars' links; leave it out when unknown."""
    root = out_dir / EXPORTS
    written: list[Path] = []
    files = export_files(result, page_url)
    if root.is_dir():
        stale = {p for p in root.rglob("*") if p.is_file()} - {out_dir / k for k in files}
        for path in stale:
            path.unlink()
    for relative, data in files.items():
        path = out_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written
