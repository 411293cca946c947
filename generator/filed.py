"""What was filed in one version of a record, and what a later version may not change.

Two kinds of record are compared: session files (records/sessions/…) and, v2,
annual plans (records/plans/…). For each, the base version says what was
filed; `compare` lists what the new version changed of it:

- evidence (filing dates, a filed 附件2 entry, a visitor whose report is filed,
  a filed plan's items and topics) never changes or disappears, amendment or
  not: amendments correct content, never the evidence (records.md v2);
- content (the arrangement form's fields, `present`, a filed rectification's
  measures, topics added to a filed plan) changes only together with an
  amendment appended in the same change;
- amendments themselves are append-only.

The rules are spelled out in DECISIONS.md, "History".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator import schemas
from generator.findings import Finding
from generator.kinds import ENTRIES, DataPath, Keyed, filing_places, keyed
from generator.model import STUDY_KIND, normalize_time
from generator.records import phone_as_text
from generator.ruleids import Rule
from generator.yamlio import Document, parse

SESSION = "session"
PLAN = "plan"

# 附件1: everything on the arrangement form is filed once `filed.arrangement` is set.
FORM_FIELDS = (
    "unit",
    "date",
    "time",
    "location",
    "year_seq",
    "kind",
    "members",
    "host",
    "topics",
    "speakers",
    "contact",
)


_TIME = re.compile(r"[0-9]{1,2}:[0-9]{2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class Version:
    """One readable version of a record, normalised so that equal meaning compares equal."""

    kind: str  # SESSION or PLAN
    document: Document
    data: dict[str, Any]

    def line(self, path: DataPath, *, key: bool = False) -> int | None:
        """Line of `path` in this version; None when its top-level field is absent."""
        raw: Any = self.document.data
        existing = 0
        for step in path:
            in_list = isinstance(step, int) and isinstance(raw, list) and step < len(raw)
            in_map = isinstance(step, str) and isinstance(raw, dict) and step in raw
            if not (in_list or in_map):
                break
            raw = raw[step]
            existing += 1
        if existing == 0:
            return None
        if existing < len(path):  # gone: point at the key of what is left around it
            return self.document.line(path[:existing], key=True)
        return self.document.line(path, key=key)


def read_version(kind: str, raw: bytes) -> Version | None:
    """A Version, or None when the bytes do not hold a record of that shape (check says why).

    Only the shape that comparing needs is required, not the whole schema: a base
    version that a later schema would refuse still holds what was filed in it."""
    document = parse(raw)
    if document.problems or not isinstance(document.data, dict):
        return None
    data = _drop_none(copy.deepcopy(document.data))
    if kind == SESSION:
        phone_as_text(data)  # as check reads it
        if not _session_shape(data):
            return None
        if isinstance(data.get("time"), str) and _TIME.fullmatch(data["time"]):
            data["time"] = normalize_time(data["time"])
        data.setdefault("kind", STUDY_KIND)
        data.setdefault("speakers", [])
    elif not _plan_shape(data):
        return None
    else:
        for item in data["items"]:
            item["topics"] = [t.strip() if isinstance(t, str) else t for t in item["topics"]]
    return Version(kind, document, data)


def _drop_none(value: Any) -> Any:
    """`null` is absent."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _maps(value: object, *keys: str) -> bool:
    """Absent, or a list of mappings each with these text keys."""
    return value is None or (
        isinstance(value, list)
        and all(isinstance(v, dict) and all(isinstance(v.get(k), str) for k in keys) for v in value)
    )


def _session_shape(data: dict[str, Any]) -> bool:
    audits = data.get("audits")
    return (
        isinstance(data.get("unit"), str)
        and isinstance(data.get("date"), str)
        and isinstance(data.get("filed", {}), dict)
        and _maps(audits, "group")
        and all(isinstance(a.get("rectification", {}), dict) for a in audits or [])
        and _maps(data.get("visitors"), "unit", "name")
        and _maps(data.get("amendments"))
    )


def _plan_shape(data: dict[str, Any]) -> bool:
    items = data.get("items")
    return (
        isinstance(data.get("unit"), str)
        and type(data.get("year")) is int
        and isinstance(items, list)
        and _maps(items, "month")
        and all(isinstance(i.get("topics"), list) for i in items)
        and _maps(data.get("amendments"))
    )


# ---------------------------------------------------------------- entries and filing dates


def audits(data: dict[str, Any]) -> Keyed:
    return keyed(data.get("audits") or [], ENTRIES["audits"][0])


def visitors(data: dict[str, Any]) -> Keyed:
    return keyed(data.get("visitors") or [], ENTRIES["visitors"][0])


def plan_items(data: dict[str, Any]) -> Keyed:
    return keyed(data.get("items") or [], lambda i: ("item", i["month"]))


@dataclass(frozen=True, slots=True)
class FilingDate:
    value: str  # YYYY-MM-DD
    path: DataPath
    what: str  # Chinese label, for messages
    group: str | None = None


def filing_dates(version: Version) -> dict[tuple, FilingDate]:
    """Every filing date set in a record, keyed by what it is the filing of: for a
    session, every kind of kinds.FILING_KINDS (so a kind added there is protected
    here), for a plan its `filed`."""
    dates: dict[tuple, FilingDate] = {}
    if version.kind == PLAN:
        value = version.data.get("filed")
        if isinstance(value, str) and _DATE.fullmatch(value):
            dates[("plan",)] = FilingDate(value, ("filed",), "年度学习计划报送日期（filed）")
        return dates
    for place in filing_places(version.data):
        if isinstance(place.value, str) and _DATE.fullmatch(place.value):
            what = f"{place.named}{place.kind.label}报送日期（{place.kind.where}）"
            dates[place.identity] = FilingDate(place.value, place.path, what, place.group)
    return dates


# ---------------------------------------------------------------- what is guarded


@dataclass(frozen=True, slots=True)
class Guard:
    """One filed value of the base version and what the new version holds there."""

    path: DataPath  # where it is in the new version (or what is left around it)
    old: Any  # the filed value; None when the new version added something
    new: Any  # None when the value is gone
    since: str  # the filing that made it filed: 学习安排报送表（2026-03-16）
    evidence: bool  # True: never changes, amendment or not
    what: str | None = None  # Chinese label; None: the schema's label of `path`


def _without(entry: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != key}


def _session_guards(b: dict[str, Any], n: dict[str, Any]) -> Iterator[Guard]:
    b_filed, n_filed = b.get("filed") or {}, n.get("filed") or {}
    if "arrangement" in b_filed:
        since = f"学习安排报送表（{b_filed['arrangement']}）"
        for field in FORM_FIELDS:
            yield Guard((field,), b.get(field), n.get(field), since, evidence=False)
        date = ("filed", "arrangement")
        yield Guard(date, b_filed["arrangement"], n_filed.get("arrangement"), since, True)
    if "post_copy" in b_filed:
        since = f"报党委宣传部的安排表（{b_filed['post_copy']}）"
        date = ("filed", "post_copy")
        yield Guard(date, b_filed["post_copy"], n_filed.get("post_copy"), since, True)
        if "present" in b:
            yield Guard(("present",), b["present"], n.get("present"), since, evidence=False)
    yield from _audit_guards(b, n)
    now = {identity: (index, item) for identity, index, item in visitors(n)}
    for identity, _, visitor in visitors(b):
        if "report_filed" not in visitor:
            continue
        since = f"列席情况书面报告（{visitor['report_filed']}）"
        if identity not in now:
            what = f"列席人{visitor['name']}（{visitor['unit']}）的记录"
            yield Guard(("visitors",), visitor, None, since, True, what)
            continue
        index, item = now[identity]
        yield Guard(("visitors", index), visitor, item, since, evidence=True)


def _audit_guards(b: dict[str, Any], n: dict[str, Any]) -> Iterator[Guard]:
    """A filed 附件2 is the audit group's document: it never changes. Its
    rectification is the audited unit's, added later: once filed, its date
    never changes and its content only with an amendment."""
    now = {identity: (index, item) for identity, index, item in audits(n)}
    for identity, _, audit in audits(b):
        rectification = audit.get("rectification") or {}
        if "filed" not in audit and "filed" not in rectification:
            continue
        if identity not in now:
            since = f"列席旁听记录表（{audit.get('filed') or rectification['filed']}）"
            what = f"列席旁听组「{audit['group']}」已报送的列席旁听记录"
            yield Guard(("audits",), audit, None, since, True, what)
            continue
        index, item = now[identity]
        if "filed" in audit:
            since = f"列席旁听记录表（{audit['filed']}）"
            old, new = _without(audit, "rectification"), _without(item, "rectification")
            yield Guard(("audits", index), old, new, since, evidence=True)
        if "filed" in rectification:
            since = f"整改情况（{rectification['filed']}）"
            at = ("audits", index, "rectification")
            now_rect = item.get("rectification") or {}
            date = rectification["filed"]
            yield Guard((*at, "filed"), date, now_rect.get("filed"), since, evidence=True)
            old, new = _without(rectification, "filed"), _without(now_rect, "filed")
            yield Guard(at, old, new, since, evidence=False)


def _plan_guards(b: dict[str, Any], n: dict[str, Any]) -> Iterator[Guard]:
    """A filed plan is append-only: nothing in it changes or goes, and what is
    added to it comes with an amendment."""
    if "filed" not in b:
        return
    since = f"年度学习计划（{b['filed']}）"
    for field in ("unit", "year", "filed"):
        yield Guard((field,), b[field], n.get(field), since, evidence=True)
    now = {identity: (index, item) for identity, index, item in plan_items(n)}
    for identity, _, item in plan_items(b):
        if identity not in now:
            what = f"{item['month']} 的学习安排"
            yield Guard(("items",), item, None, since, True, what)
            continue
        index, new_item = now[identity]
        yield from _topic_guards(item, index, new_item, since)
    base_items = {identity for identity, _, _ in plan_items(b)}
    for identity, index, item in plan_items(n):
        if identity not in base_items:
            yield Guard(("items", index), None, item, since, False, f"{item['month']} 的学习安排")


def _topic_guards(
    item: dict[str, Any], index: int, new_item: dict[str, Any], since: str
) -> Iterator[Guard]:
    """Topics of one planned month: a filed topic that is gone is paired with one
    that came in its place (a rewrite), else reported on its own; what is left
    over is an addition."""
    added = list(new_item["topics"])
    gone = []
    for topic in item["topics"]:
        if topic in added:
            added.remove(topic)
        else:
            gone.append(topic)
    at = ("items", index, "topics")
    label = f"{item['month']} 的计划学习内容"
    for position, topic in enumerate(gone):
        if position < len(added):
            where = (*at, new_item["topics"].index(added[position]))
            yield Guard(where, topic, added[position], since, True, label)
        else:
            yield Guard(at, topic, None, since, True, f"{label}「{topic}」")
    for topic in added[len(gone) :]:
        where = (*at, new_item["topics"].index(topic))
        yield Guard(where, None, topic, since, False, label)


# ---------------------------------------------------------------- comparing two versions


@dataclass(frozen=True, slots=True)
class Change:
    path: DataPath  # where to point in the new version
    what: str  # Chinese label of the value
    since: str  # the filing that made it filed
    old: object  # None when the value was added
    new: object  # None when the value is gone
    evidence: bool


def _first_difference(old: Any, new: Any) -> DataPath:
    """Path (below the compared values) of the first place two values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if old.get(key) != new.get(key):
                if key not in new:
                    return ()
                return (key, *_first_difference(old.get(key), new[key]))
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                return ()
            if index >= len(old) or old[index] != new[index]:
                before = old[index] if index < len(old) else None
                return (index, *_first_difference(before, new[index]))
    return ()


def _at(value: Any, path: DataPath) -> Any:
    for step in path:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _label(kind: str, path: DataPath) -> str:
    dotted = ""
    for step in path:
        dotted += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if dotted else step)
    return f"「{schemas.label(schemas.load_schema(kind), path)}」（{dotted}）"


def changes(base: Version, new: Version) -> list[Change]:
    """Filed values of `base` that `new` changed, dropped or (for plans) added to."""
    guards = _plan_guards if base.kind == PLAN else _session_guards
    found: list[Change] = []
    for guard in guards(base.data, new.data):
        if guard.old == guard.new:
            continue
        if guard.old is None or guard.new is None or guard.what is not None:
            # added, gone, or one plain value put in place of another
            what = guard.what or _label(base.kind, guard.path)
            change = Change(guard.path, what, guard.since, guard.old, guard.new, guard.evidence)
            found.append(change)
            continue
        below = _first_difference(guard.old, guard.new)
        path = (*guard.path, *below)
        old, new = _at(guard.old, below), _at(guard.new, below)
        what = _label(base.kind, path)
        found.append(Change(path, what, guard.since, old, new, guard.evidence))
    return found


# ---------------------------------------------------------------- findings


def shown(value: object) -> str | None:
    """A short value for a message, or None when it is not a plain value."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value)
        return text if len(text) <= 40 else text[:39] + "…"
    return None


def _change_message(change: Change) -> str:
    old, new = shown(change.old), shown(change.new)
    if change.new is None:
        what = "被删除了"
    elif change.old is None:
        what = f"新增了「{new}」" if new is not None else "是新增的"
    elif old is not None and new is not None:
        what = f"由「{old}」改成了「{new}」"
    else:
        what = "被改动了"
    if change.evidence:
        return (
            f"{change.what}已随{change.since}报送，这次{what}。报送日期、已报送的记录表和列席情况报告、"
            "已报送计划里的内容是报送的凭据，不能修改或删除，在 amendments（更正记录）里说明也不行："
            "请改回原样。确实记错了，请联系党委宣传部处理。"
        )
    if change.old is None:
        return (
            f"{change.since}报送之后，这次又新增了{change.what}{f'「{new}」' if new else ''}，"
            "但 amendments（更正记录）末尾没有追加新的一条。已报送的内容不能直接改动："
            "请删去；确需补充，请在 amendments 末尾追加一条（date: 更正日期，reason: 补充了什么、为什么）。"
        )
    return (
        f"{change.what}已随{change.since}报送，这次{what}，但 amendments（更正记录）末尾没有追加新的一条。"
        "已报送的内容不能直接修改：请改回原样；确需更正，请在 amendments 末尾追加一条"
        "（date: 更正日期，reason: 更正了什么、为什么）。"
    )


def _amendment_findings(
    base: Version, new: Version, file: str, scope: dict
) -> tuple[list[Finding], bool]:
    """Findings for rewritten amendments, and whether a new one was appended."""
    old = base.data.get("amendments") or []
    now = new.data.get("amendments") or []
    if now[: len(old)] == old:
        return [], len(now) > len(old)
    index = next(i for i in range(len(old)) if i >= len(now) or now[i] != old[i])
    entry = old[index]
    line = new.line(("amendments", index)) if index < len(now) else new.line(("amendments",))
    message = (
        f"amendments（更正记录）只能在末尾追加：原来的第 {index + 1} 条"
        f"（{shown(entry.get('date')) or ''}：{shown(entry.get('reason')) or ''}）被修改或删除了。"
        "请恢复原有的更正记录，把新的更正写在最后。"
    )
    return [Finding(Rule.FILED_RECORD_CHANGED, file, line, message, **scope)], False


def compare(base: Version, new: Version, file: str, scope: dict) -> list[Finding]:
    """filed-record-changed findings for one record."""
    findings, appended = _amendment_findings(base, new, file, scope)
    for change in changes(base, new):
        if appended and not change.evidence:
            continue  # content corrected, and the amendment says why
        line = new.line(change.path, key=change.new is None)
        findings.append(
            Finding(Rule.FILED_RECORD_CHANGED, file, line, _change_message(change), **scope)
        )
    return findings


def same_record(a: Version, b: Version) -> bool:
    """The same content apart from what the file name holds: a renamed copy."""
    strip = ("unit", "year") if a.kind == PLAN else ("unit", "date")
    return {k: v for k, v in a.data.items() if k not in strip} == {
        k: v for k, v in b.data.items() if k not in strip
    }
