"""Data for the filing assistant (docs/assistant.md and docs/assistant/assistant.js).

The page builds its form from the session schema and validates with it in the
browser, so the build puts a copy of `schemas/session.schema.json` into the
site beside what org.yaml and the records say that the page prefills from:
units, groups, each unit's last session and next 年度学习次序
(`generator.assistant_data`), and the recent sessions an audit record or a
visitor can be added to. `assistant-data.js` holds the same two objects for
the page's `<script>`, so the page also works from a shared folder (file://),
where a browser fetches no JSON.

The site is public: no contact phone reaches this data, and any mobile number
in other text is masked as on every page (unless `show_phone`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from generator.assistant_data import (
    PLAN_SCHEMA_LINE,
    SESSION_SCHEMA_LINE,
    assistant_data,
    plan_months,
)
from generator.model import Audit, Session
from generator.pipeline import CheckResult
from generator.privacy import mask_mobiles
from generator.schemas import SCHEMA_DIR
from generator.site.errors import SiteError
from generator.yamllines import list_lines

FOLDER = "assistant"  # docs-relative; docs/assistant/ holds the page's script and the validator
FILES = ("session.schema.json", "assistant-data.json", "assistant-data.js", "plan.schema.json")
# Audits and visitors are added within days of a session: the page lists a year of
# sessions (and every planned one), so its data does not grow with the history.
RECENT_DAYS = 366
URL_SETTINGS = ("repo_new_file_url", "repo_edit_file_url")


def _error(message: str) -> Exception:
    return SiteError(message)


def repo_urls(settings: dict[str, Any]) -> dict[str, str | None]:
    """`extra.repo_new_file_url` / `extra.repo_edit_file_url` from mkdocs.yml, checked."""
    extra = settings.get("extra") or {}
    urls: dict[str, str | None] = {}
    for name in URL_SETTINGS:
        value = extra.get(name)
        if value in (None, ""):
            urls[name] = None
            continue
        if not isinstance(value, str) or not value.startswith(("https://", "http://")):
            raise _error(f"mkdocs.yml 中 extra.{name} 应是以 https:// 开头的网址。")
        if "{path}" not in value and "{dir}" not in value:
            raise _error(
                f"mkdocs.yml 中 extra.{name} 应含有 {{path}}（记录文件在仓库中的路径）"
                "或 {dir}（它所在的文件夹）。"
            )
        urls[name] = value
    return urls


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_mobiles(value)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def _audit_entry(audit: Audit, where: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "group": audit.group,
        "planned": audit.planned,
        "filed": audit.filed is not None,
    } | _rectification(audit)
    if audit.filed is None:  # what the page completes; a filed entry is only refused
        findings = audit.findings
        entry["findings"] = (
            None
            if findings is None
            else {
                name: getattr(findings, name)
                for name in ("organization", "content", "method", "effect")
                if getattr(findings, name) is not None
            }
        )
        entry["problems"] = audit.problems
    return entry | (where or {})


def _session_entry(session: Session) -> dict[str, Any]:
    """A recent session as the page needs it: what it has, and on which lines of its file
    (as of this build) its audits and visitors stand, so that the page can say exactly
    where new lines go and never writes a second entry for one group or visitor."""
    audits = list_lines(session.document, "audits")
    visitors = list_lines(session.document, "visitors")

    def at(lines: Any, index: int) -> dict[str, Any] | None:
        return lines.items[index] if lines and index < len(lines.items) else None

    return {
        "slug": session.slug,
        "date": session.date.isoformat(),
        "time": session.time,
        "year_seq": session.year_seq,
        "kind": session.kind,
        "audits": [_audit_entry(a, at(audits, a.index)) for a in session.audits],
        "audits_end": audits.end if audits else None,
        "visitors": [
            {"unit": v.unit, "name": v.name, "filed": v.report_filed is not None}
            | (at(visitors, v.index) or {})
            for v in session.visitors
        ],
        "visitors_end": visitors.end if visitors else None,
    }


def payload(
    result: CheckResult, settings: dict[str, Any], show_phone: bool = False
) -> dict[str, Any]:
    """Everything the page needs besides the schema, as JSON-ready data."""
    data = assistant_data(result)
    org = result.records.org
    since = result.as_of - dt.timedelta(days=RECENT_DAYS)
    sessions: dict[str, list[dict[str, Any]]] = {}
    for session in result.records.sessions:
        if session.date < since and not _owes_rectification(session):
            continue
        sessions.setdefault(session.unit, []).append(_session_entry(session))
    for own in sessions.values():
        own.sort(key=lambda s: s["slug"], reverse=True)
    data["sessions"] = sessions
    data["timezone"] = org.timezone if org else "Asia/Shanghai"
    data["deadlines"] = (
        {name: {"days": d.days, "count": d.count} for name, d in org.deadlines.items()}
        if org
        else {}
    )
    data["schema_line"] = SESSION_SCHEMA_LINE
    data.update(_plans(result))
    data.update(repo_urls(settings))
    return data if show_phone else _masked(data)


def _owes_rectification(session) -> bool:  # session: model.Session
    """An older session stays on the page while a rectification of it is not reported."""
    return any(
        a.rectify_by is not None and (a.rectification is None or a.rectification.filed is None)
        for a in session.audits
    )


def _rectification(audit) -> dict[str, Any]:  # audit: model.Audit
    """What the page's 整改情况 form needs of an audit (v2): the deadline, the problems it
    answers, and what the file already has."""
    if audit.rectify_by is None:
        return {}
    have = audit.rectification
    return {
        "rectify_by": audit.rectify_by.isoformat(),
        "problems": audit.problems,
        "rectification": None
        if have is None
        else {"measures": have.measures is not None, "filed": have.filed is not None},
    }


def _plans(result: CheckResult) -> dict[str, Any]:
    """The 年度学习计划 form's data (v2): each year's months to plan (last year to next),
    the due day, and the plans already filed, with their titles by month."""
    org = result.records.org
    if org is None:
        return {"plan_months": {}, "plans": {}, "plan_due": None, "plans_from": None}
    years = range(result.as_of.year - 1, result.as_of.year + 2)
    plans: dict[str, dict[str, Any]] = {}
    for plan in result.records.plans:
        months: dict[str, list[str]] = {}
        for item in plan.items:
            months.setdefault(item.month, []).extend(t.strip() for t in item.topics)
        plans.setdefault(plan.unit, {}).setdefault(
            str(plan.year), {"filed": plan.filed is not None, "months": months}
        )
    return {
        "plan_months": {str(y): plan_months(org, y) for y in years},
        "plan_due": org.plan_due,
        "plans_from": org.plans_from,
        "plans": plans,
        "plan_schema_line": PLAN_SCHEMA_LINE,
    }


def write_assistant_files(
    result: CheckResult, docs_out: Path, settings: dict[str, Any], show_phone: bool = False
) -> list[str]:
    """Write the schema copy and the page's data into the build folder's docs;
    returns their docs-relative paths. A hand-written file of the same name is an error."""
    folder = docs_out / FOLDER
    clash = [name for name in FILES if (folder / name).exists()]
    if clash:
        raise _error("填报助手的数据文件与手写文件同名：" + "、".join(clash))
    folder.mkdir(parents=True, exist_ok=True)
    schema_text = (SCHEMA_DIR / "session.schema.json").read_text(encoding="utf-8")
    plan_text = (SCHEMA_DIR / "plan.schema.json").read_text(encoding="utf-8")
    data = payload(result, settings, show_phone)
    (folder / FILES[0]).write_text(schema_text, encoding="utf-8")
    (folder / FILES[3]).write_text(plan_text, encoding="utf-8")
    (folder / FILES[1]).write_text(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    both = {
        "schema": json.loads(schema_text),
        "plan_schema": json.loads(plan_text),
        "data": data,
    }
    (folder / FILES[2]).write_text(
        "// Generated by python -m generator build (generator/site/assistant.py).\n"
        "window.zxzAssistant = " + json.dumps(both, ensure_ascii=True) + ";\n",
        encoding="utf-8",
    )
    return [f"{FOLDER}/{name}" for name in FILES]
