"""`python -m generator new`: session files, audit records, visitors, rectifications
and annual plans, written for the liaison.

Liaisons are secretaries, not programmers. `new` fills in whatever org.yaml and the
unit's earlier records already say, asks for the rest in a terminal or takes it from
flags, and writes YAML *text* with a Chinese comment on every field — never
`yaml.dump` of a dict. Adding to an existing file only inserts lines: every existing
byte, comment and blank line stays. Whatever is about to be written is parsed again
with the one loader (`yamlio.parse`) and validated against the schema first. No argv
and no stdout here: cli.py passes the answers in, and a function to ask the liaison with.

One module per job: base (shared refusal, result, loading, writing), yamltext (YAML
text and insertion), prompts (checks of single answers), session, audit, visitor,
rectification, plan (one workflow each).
"""

from generator.new.audit import AuditAnswers, add_audit
from generator.new.base import Ask, Check, NewError, Written, label, load
from generator.new.plan import PlanAnswers, new_plan, plan_of, plan_text, planned_topics
from generator.new.prompts import check_speaker, parse_date, split_speaker
from generator.new.rectification import RectifyAnswers, add_rectification
from generator.new.session import (
    SessionAnswers,
    SessionDefaults,
    complete_session,
    new_session,
    session_defaults,
    session_text,
)
from generator.new.visitor import VisitorAnswers, add_visitor
from generator.new.yamltext import Lines, extend_item, insert_item, quote, scalar
from generator.yamllines import list_lines

__all__ = [
    "Ask",
    "AuditAnswers",
    "Check",
    "Lines",
    "NewError",
    "PlanAnswers",
    "RectifyAnswers",
    "SessionAnswers",
    "SessionDefaults",
    "VisitorAnswers",
    "Written",
    "add_audit",
    "add_rectification",
    "add_visitor",
    "check_speaker",
    "complete_session",
    "extend_item",
    "insert_item",
    "label",
    "list_lines",
    "load",
    "new_plan",
    "new_session",
    "parse_date",
    "plan_of",
    "plan_text",
    "planned_topics",
    "quote",
    "scalar",
    "session_defaults",
    "session_text",
    "split_speaker",
]
