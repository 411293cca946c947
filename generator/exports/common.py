"""What every export shares: names, dates in Chinese, text made safe for XML and
masked where it is published, the semester a session is filed under, and where
each export lives in the site."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from generator.model import Org, Semester, Session
from generator.privacy import mask_mobiles, mask_phone

# XML 1.0 cannot carry C0 controls (other than tab and line breaks), surrogates or
# U+FFFE/U+FFFF; Word and Excel refuse a file that holds them. Record text may
# (a YAML "\x01" escape is legal), so they become U+FFFD in every office file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
WEEKDAYS = "一二三四五六日"

EXPORTS = "exports"


def clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def _as_is(text: str) -> str:
    return text


@dataclass(frozen=True, slots=True)
class Privacy:
    """How record text reaches an export. `FULL` (the `export` command: office
    documents for the department) keeps phone numbers as written; `masked()` (the
    exports the site publishes) masks them as the site's pages do: `text` for
    every string, `phone` for the contact field (office numbers too)."""

    text: Callable[[str], str] = _as_is
    phone: Callable[[str], str] = _as_is

    def clean(self, value: object) -> str:
        """Any text bound for a file: masked, then made safe for XML."""
        return clean(self.text(str(value)))


FULL = Privacy()


def masked() -> Privacy:
    """The site's masking (generator/privacy.py): 139****5678, 0931-856****."""
    return Privacy(mask_mobiles, mask_phone)


def cn_date(day: dt.date | None, blank: str = "    年    月    日") -> str:
    """2026年10月12日; the paper form's blanks when there is no date."""
    if day is None:
        return blank
    return f"{day.year}年{day.month}月{day.day}日"


def cn_weekday(day: dt.date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def unit_name(org: Org | None, unit_id: str) -> str:
    unit = org.units.get(unit_id) if org else None
    return unit.name if unit else unit_id


def semester_sessions(org: Org | None, sessions: list[Session]) -> dict[tuple[str, str], list]:
    """(unit, semester id) → the unit's sessions filed under that semester, by date; the
    site's semester pages list the same (a date before every semester: the first)."""
    grouped: dict[tuple[str, str], list[Session]] = {}
    if org is None or not org.semesters:
        return grouped
    for session in sessions:
        semester = period_of(org, session.date) or org.semesters[0]
        grouped.setdefault((session.unit, semester.id), []).append(session)
    return grouped


def period_of(org: Org | None, day: dt.date) -> Semester | None:
    """The semester a session is counted in for the 台账: the one its date lies in, or —
    for a date in a vacation — the last one that started before it."""
    if org is None:
        return None
    inside = org.semester_of(day)
    if inside is not None:
        return inside
    started = [s for s in org.semesters if s.start <= day]
    return started[-1] if started else None


# ---------------------------------------------------------------- where each export is written
# Paths relative to the output folder (the site root), always with forward slashes; ids
# and slugs are [a-z0-9-] by schema, so they are safe in URLs and file names.


def session_docx_path(session: Session) -> str:
    return f"{EXPORTS}/sessions/{session.unit}/{session.slug}.docx"


def unit_semester_docx_path(unit_id: str, semester_id: str) -> str:
    """All 附件1 and 附件2 of a unit in a semester, in one Word file."""
    return f"{EXPORTS}/units/{unit_id}/{semester_id}.docx"


def semester_xlsx_path(semester_id: str | None) -> str:
    return f"{EXPORTS}/{semester_id or 'all'}.xlsx"


def circular_docx_path(semester_id: str) -> str:
    """A semester's 通报 in the site (ASCII: it is a URL; the link offers the name
    <ID>-通报.docx, which `python -m generator report` writes)."""
    return f"{EXPORTS}/{semester_id}-circular.docx"


def calendar_path(kind: str, ident: str | None = None) -> str:
    """kind: all | unit | group."""
    if kind == "all":
        return f"{EXPORTS}/calendar/all.ics"
    return f"{EXPORTS}/calendar/{kind}s/{ident}.ics"
